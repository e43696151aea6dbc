/*
 * src/fault.c: fault injection (cscsim/fault.h). It owns the cache's rule
 * set (an array in the order the rules were added, hung off the cache,
 * allocated on the first rule), the validation of a rule, the matching of
 * an item or a call against the rules (operation bits, then the folded
 * normalised path, C1.3: a call's paths by key prefix; an item by its
 * chain of folded names up to the server, since items do not keep their
 * whole key, tree.h), and the decision to
 * fire: the rule's match counter against nth, once, and a probability drawn
 * from the rule's own splitmix64 generator seeded by the rule, so a run is
 * reproducible and no state is shared between rules or caches. Where a
 * fired fault is delivered is the walk's and the operations' business
 * (walk.c, item.c): this file only answers "does a rule fire, and with
 * which code".
 */
#include <string.h>

#include "alloc.h"
#include "fault.h"
#include "record.h"
#include "guard.h"
#include "path.h"
#include "tree.h"

#include "cscsim/fault.h"

const csc__fault_set_t *csc__fault_set(const csc_cache_t *cache)
{
    return cache->faults;
}

static void rule_free(const csc_allocator_t *a, csc__fault_t *r)
{
    if (r->key != NULL)
        csc__free(a, r->key, r->key_len + 1);
    r->key = NULL;
}

/* Recomputes the sets of operations the rules name. */
static void recount(csc__fault_set_t *set)
{
    set->item_ops = set->call_ops = 0;
    for (size_t i = 0; i < set->count; i++) {
        const csc__fault_t *r = &set->rules[i];
        /* The one-item operations fail their call whatever the delivery. */
        set->call_ops |= r->at_call ? r->ops : (r->ops & ~(uint32_t)CSC_FAULT_OP_METHODS);
        if (!r->at_call)
            set->item_ops |= r->ops & CSC_FAULT_OP_METHODS;
    }
}

void csc__fault_free(csc_cache_t *cache)
{
    csc__fault_set_t *set = cache->faults;
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->count; i++)
        rule_free(&cache->alloc, &set->rules[i]);
    csc__free(&cache->alloc, set->rules, set->cap * sizeof *set->rules);
    csc__free(&cache->alloc, set, sizeof *set);
    cache->faults = NULL;
}

/* ---- matching and firing ------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Whether the folded key k[0..n) is the rule's path, or below it for a
 * subtree rule. */
static bool key_matches(const csc__fault_t *r, const char *k, size_t n)
{
    if (r->key == NULL)
        return true;
    if (n < r->key_len || memcmp(k, r->key, r->key_len) != 0)
        return false;
    return n == r->key_len || (r->subtree && k[r->key_len] == '\\');
}

/* The depth of a cached item: 1 for a server. */
static uint32_t depth(const struct csc_item *it)
{
    uint32_t n = 0;
    for (; csc__type(it) != CSC__ITEM_ROOT; it = csc__parent(it))
        n++;
    return n;
}

/* Whether `it` and its ancestors spell the folded key k[0..end) ("\\srv\a"
 * as its components), `it` being the item of its last component. */
static bool spells(const struct csc_item *it, const char *k, size_t end)
{
    while (end > 2) {
        size_t start = end;
        while (k[start - 1] != '\\')
            start--;
        size_t n = end - start;
        if (it == NULL || csc__type(it) == CSC__ITEM_ROOT || csc__fname_len(it) != n ||
            memcmp(csc__fname(it), k + start, n) != 0)
            return false;
        it = csc__parent(it);
        end = start - 1;
    }
    return it != NULL && csc__type(it) == CSC__ITEM_ROOT;
}

/* Whether the cached item is the rule's path, or below it for a subtree
 * rule. */
static bool item_matches(const csc__fault_t *r, const struct csc_item *item)
{
    if (r->key == NULL)
        return true;
    uint32_t n = depth(item);
    if (n < r->ncomp || (n > r->ncomp && !r->subtree))
        return false;
    for (; n > r->ncomp; n--)
        item = csc__parent(item);
    return spells(item, r->key, r->key_len);
}

/* One match of rule r: counts it, and says whether the rule fires. */
static bool match_fires(csc__fault_t *r)
{
    r->matched++;
    if (r->spent || r->matched < r->nth)
        return false;
    if (r->threshold != CSC__FAULT_CERTAIN && (splitmix64(&r->prng) >> 32) >= r->threshold)
        return false;
    r->fired++;
    if (r->once)
        r->spent = true;
    return true;
}

bool csc__fault_path_live(const csc_cache_t *cache, uint32_t op, const struct csc_item *top)
{
    const csc__fault_set_t *set = cache->faults;
    uint32_t n = depth(top);
    for (size_t i = 0; i < set->count; i++) {
        const csc__fault_t *r = &set->rules[i];
        if (r->at_call || !(r->ops & op))
            continue;
        if (r->key == NULL)
            return true;
        if (n >= r->ncomp) { /* the top at or below the rule's path */
            if (item_matches(r, top))
                return true;
            continue;
        }
        /* The rule's path may be below the top: the top spells its first n
         * components, and the rest is cached (the walk caches nothing; the
         * remote side's fetching Pin will have to say otherwise). */
        size_t end = 2;
        for (uint32_t c = 0; c < n; c++) {
            while (end < r->key_len && r->key[end] != '\\')
                end++;
            if (c + 1 < n)
                end++;
        }
        if (!spells(top, r->key, end))
            continue;
        const struct csc_item *cur = top;
        while (cur != NULL && end < r->key_len) {
            size_t start = end + 1, stop = start;
            while (stop < r->key_len && r->key[stop] != '\\')
                stop++;
            cur = csc__index_find(&cache->index, csc__id(cur), r->key + start, stop - start);
            end = stop;
        }
        if (cur != NULL)
            return true;
    }
    return false;
}

bool csc__fault_item(csc_cache_t *cache, uint32_t op, const struct csc_item *item,
                     csc_hresult *hr)
{
    csc__fault_set_t *set = cache->faults;
    for (size_t i = 0; i < set->count; i++) {
        csc__fault_t *r = &set->rules[i];
        if (r->at_call || !(r->ops & op) || !item_matches(r, item))
            continue;
        if (match_fires(r)) {
            *hr = r->code;
            return true;
        }
    }
    return false;
}

/* A path normalised and folded: in a stack buffer when short enough. */
typedef struct folded {
    char stack[512];
    char *buf;
    size_t cap;
    char *key;
    size_t key_len;
    uint32_t ncomp;
} folded_t;

/* S_OK, 0x8007007B or E_OUTOFMEMORY. */
static csc_hresult fold(const csc_allocator_t *a, const char *path, folded_t *f)
{
    size_t in_len = strlen(path);
    size_t dcap = CSC__PATH_DISPLAY_CAP(in_len), kcap = CSC__PATH_KEY_CAP(in_len);
    f->cap = 0;
    f->buf = f->stack;
    if (dcap + kcap > sizeof f->stack) {
        f->buf = csc__malloc(a, dcap + kcap);
        if (f->buf == NULL)
            return CSC_E_OUTOFMEMORY;
        f->cap = dcap + kcap;
    }
    f->key = f->buf + dcap;
    size_t display_len;
    return csc__path_normalize(path, in_len, f->buf, &display_len, f->key, &f->key_len,
                               &f->ncomp);
}

static void unfold(const csc_allocator_t *a, folded_t *f)
{
    if (f->cap != 0)
        csc__free(a, f->buf, f->cap);
    f->cap = 0;
}

csc_hresult csc__fault_call(csc_cache_t *cache, uint32_t op, const char *const *paths,
                            size_t count)
{
    csc__fault_set_t *set = cache->faults;
    if (set == NULL || !(set->call_ops & op))
        return CSC_S_OK;
    for (size_t i = 0; i < set->count; i++) {
        csc__fault_t *r = &set->rules[i];
        if (!r->at_call || !(r->ops & op))
            continue;
        bool match = r->key == NULL;
        for (size_t p = 0; p < count && !match; p++) {
            folded_t f;
            csc_hresult hr = fold(&cache->alloc, paths[p], &f);
            if (hr == CSC_E_OUTOFMEMORY)
                return hr; /* C8.1: nothing happened yet */
            match = hr == CSC_S_OK && key_matches(r, f.key, f.key_len);
            unfold(&cache->alloc, &f);
        }
        if (match && match_fires(r))
            return r->code;
    }
    return CSC_S_OK;
}

csc_hresult csc__fault_one(csc_cache_t *cache, uint32_t op, const struct csc_item *item)
{
    csc__fault_set_t *set = cache->faults;
    if (set == NULL || !(set->call_ops & op))
        return CSC_S_OK;
    for (size_t i = 0; i < set->count; i++) {
        csc__fault_t *r = &set->rules[i];
        if ((r->ops & op) && item_matches(r, item) && match_fires(r))
            return r->code;
    }
    return CSC_S_OK;
}

csc_hresult csc__fault_cache(csc_cache_t *cache, const char *path)
{
    const csc__fault_set_t *set = cache->faults;
    if (set == NULL || !(set->call_ops & CSC_FAULT_OP_CACHE))
        return CSC_S_OK;
    folded_t f;
    csc_hresult hr = fold(&cache->alloc, path, &f);
    if (hr == CSC_S_OK) {
        for (size_t i = 0; i < cache->faults->count; i++) {
            csc__fault_t *r = &cache->faults->rules[i];
            if ((r->ops & CSC_FAULT_OP_CACHE) && key_matches(r, f.key, f.key_len) &&
                match_fires(r)) {
                hr = r->code;
                break;
            }
        }
    } else if (hr != CSC_E_OUTOFMEMORY)
        hr = CSC_S_OK; /* an invalid path fails by itself (C1.4) */
    unfold(&cache->alloc, &f);
    return hr;
}

/* ---- the public functions ---------------------------------------------- */

/* Checks a rule and makes its internal form (key allocated). */
static csc_hresult make_rule(const csc_allocator_t *a, const csc_fault_rule_t *in,
                             csc__fault_t *out)
{
    if (in->version == 0 || in->version > CSC_FAULT_RULE_VERSION)
        return CSC_E_INVALIDARG;
    if (in->ops == 0 || (in->ops & ~(uint32_t)CSC_FAULT_OP_ANY) != 0)
        return CSC_E_INVALIDARG;
    if (in->delivery != CSC_FAULT_AT_ITEM && in->delivery != CSC_FAULT_AT_CALL)
        return CSC_E_INVALIDARG;
    if (in->nth == 0 || (in->subtree && in->path == NULL))
        return CSC_E_INVALIDARG;
    if (!(in->probability >= 0.0 && in->probability <= 1.0)) /* NaN too */
        return CSC_E_INVALIDARG;
    csc_hresult code = in->code;
    if (in->server_down) {
        if (in->nth != 1 || in->once || in->subtree || in->delivery != CSC_FAULT_AT_ITEM ||
            in->probability != 1.0 || in->path == NULL)
            return CSC_E_INVALIDARG;
        if ((in->ops & ~(uint32_t)(CSC_FAULT_OP_PIN | CSC_FAULT_OP_SYNCHRONIZE)) != 0 &&
            in->ops != CSC_FAULT_OP_ANY)
            return CSC_E_INVALIDARG;
        if (code == 0)
            code = CSC_E_CSCSHARE_OFFLINE;
    } else if (in->after != 0) {
        return CSC_E_INVALIDARG;
    }
    /* Cancellation is the cancel token's and ABORT's (C4.2, C4.7): an
     * injected 0x800704C7 would make a call look cancelled that was not. */
    if (!CSC_FAILED(code) || code == CSC_E_CANCELLED)
        return CSC_E_INVALIDARG;

    memset(out, 0, sizeof *out);
    if (in->path != NULL) {
        folded_t f;
        csc_hresult hr = fold(a, in->path, &f);
        if (hr == CSC_S_OK && in->server_down && f.ncomp != 1)
            hr = CSC_E_INVALIDARG;
        if (hr == CSC_S_OK) {
            out->key = csc__malloc(a, f.key_len + 1);
            if (out->key == NULL)
                hr = CSC_E_OUTOFMEMORY;
            else {
                memcpy(out->key, f.key, f.key_len + 1);
                out->key_len = f.key_len;
                out->ncomp = f.ncomp;
            }
        }
        unfold(a, &f);
        if (hr == CSC_E_INVALID_NAME)
            hr = CSC_E_INVALIDARG;
        if (hr != CSC_S_OK)
            return hr;
    }
    out->ops = in->ops;
    out->subtree = in->subtree;
    out->at_call = in->delivery == CSC_FAULT_AT_CALL;
    out->once = in->once;
    out->nth = in->nth;
    out->code = code;
    out->prng = in->seed;
    out->threshold = in->probability >= 1.0
                         ? CSC__FAULT_CERTAIN
                         : (uint64_t)(in->probability * 4294967296.0);
    if (in->server_down) {
        out->server_down = true;
        out->ops = in->ops & (CSC_FAULT_OP_PIN | CSC_FAULT_OP_SYNCHRONIZE);
        out->subtree = true;
        out->nth = in->after == UINT32_MAX ? UINT32_MAX : in->after + 1;
    }
    return CSC_S_OK;
}

static csc_hresult add_locked(csc_cache_t *cache, const csc_fault_rule_t *rule,
                              csc_fault_id_t *id)
{
    const csc_allocator_t *a = &cache->alloc;
    csc__fault_t r;
    csc_hresult hr = make_rule(a, rule, &r);
    if (hr != CSC_S_OK)
        return hr;
    csc__fault_set_t *set = cache->faults;
    bool new_set = set == NULL;
    if (new_set) {
        set = csc__malloc(a, sizeof *set);
        if (set == NULL) {
            rule_free(a, &r);
            return CSC_E_OUTOFMEMORY;
        }
        memset(set, 0, sizeof *set);
        set->next_id = 1;
    }
    if (set->next_id == 0) { /* 2^32 - 1 rules added: ids would repeat */
        rule_free(a, &r);
        return CSC_E_OUTOFMEMORY;
    }
    if (set->count == set->cap) {
        size_t cap = set->cap == 0 ? 4 : set->cap * 2;
        csc__fault_t *rules = csc__malloc(a, cap * sizeof *rules);
        if (rules == NULL) {
            rule_free(a, &r);
            if (new_set)
                csc__free(a, set, sizeof *set);
            return CSC_E_OUTOFMEMORY;
        }
        if (set->count > 0)
            memcpy(rules, set->rules, set->count * sizeof *rules);
        csc__free(a, set->rules, set->cap * sizeof *set->rules);
        set->rules = rules;
        set->cap = cap;
    }
    r.id = set->next_id++;
    set->rules[set->count++] = r;
    cache->faults = set;
    recount(set);
    if (id != NULL)
        *id = r.id;
    return CSC_S_OK;
}

csc_hresult csc_cache_add_fault(csc_cache_t *cache, const csc_fault_rule_t *rule,
                                csc_fault_id_t *id)
{
    if (id != NULL)
        *id = 0;
    if (cache == NULL || rule == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = add_locked(cache, rule, id);
        if (CSC__RECORDING(cache))
            csc__rec_fault(cache, rule, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc__fault_t *find_rule(const csc_cache_t *cache, csc_fault_id_t id)
{
    const csc__fault_set_t *set = cache->faults;
    for (size_t i = 0; set != NULL && i < set->count; i++)
        if (set->rules[i].id == id)
            return &set->rules[i];
    return NULL;
}

csc_hresult csc_cache_remove_fault(csc_cache_t *cache, csc_fault_id_t id)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__fault_t *r = find_rule(cache, id);
    if (r == NULL) {
        hr = CSC_E_NOT_FOUND;
    } else {
        csc__fault_set_t *set = cache->faults;
        rule_free(&cache->alloc, r);
        size_t i = (size_t)(r - set->rules);
        memmove(r, r + 1, (set->count - i - 1) * sizeof *r);
        set->count--;
        recount(set);
    }
    if (CSC__RECORDING(cache))
        csc__rec_fault_remove(cache, id, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_cache_clear_faults(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__fault_set_t *set = cache->faults;
    for (size_t i = 0; set != NULL && i < set->count; i++)
        rule_free(&cache->alloc, &set->rules[i]);
    if (set != NULL) { /* the set stays: ids are never reused */
        set->count = 0;
        recount(set);
    }
    if (CSC__RECORDING(cache))
        csc__rec_fault_clear(cache);
    csc__leave(cache);
    return CSC_S_OK;
}

csc_hresult csc_cache_fault_count(const csc_cache_t *cache, csc_fault_id_t id, uint64_t *fired,
                                  uint64_t *matched)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    const csc__fault_t *r = find_rule(cache, id);
    if (r == NULL) {
        hr = CSC_E_NOT_FOUND;
    } else {
        if (fired != NULL)
            *fired = r->fired;
        if (matched != NULL)
            *matched = r->matched;
    }
    csc__leave(cache);
    return hr;
}

size_t csc_cache_fault_rules(const csc_cache_t *cache)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    size_t n = cache->faults != NULL ? cache->faults->count : 0;
    csc__leave(cache);
    return n;
}
