/*
 * tests/model/model.c: the reference model (see model.h). Written from
 * contract.md and the decisions of the public headers and the README, and
 * nothing else: one flat array of items, linear scans, no recursion, no
 * incremental counters. Every derived property (pinned, partly pinned,
 * evictable, access, disk space) is recomputed from the items each time it
 * is asked for. Out of memory aborts the process (it is a test helper).
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct model {
    model_item_t *items;
    size_t count, cap;
    uint64_t clock;
    char *user;
    bool admin;
    model_evict_cb evict_cb;
    void *evict_ud;
    uint64_t limit, unpinned_limit; /* C5.5, UINT64_MAX: unlimited */
    csc_evict_policy_t policy;
    /* Round 2: the remote namespace, the records of servers and shares
     * (keyed by their folded components joined with '\\'), the feature
     * state (C13.1). */
    model_remote_t *remote;
    size_t rcount, rcap;
    struct record *records;
    size_t reccount, reccap;
    bool active, enabled;
    bool enc_config;      /* C13.4: what the last Encrypt asked for */
    char **rename_from, **rename_to; /* C13.2: RenameItem's log */
    size_t renames;
    /* C11.1: non-cached handles, by folded path (components joined). */
    char **nch_keys;
    uint32_t *nch_counts;
    size_t nch_n, nch_cap;
};

/* A server's or share's record (C10.5-C10.10, C15.7). */
typedef struct record {
    char *key;
    csc_network_t condition;  /* servers */
    uint64_t slow_epoch;      /* servers: how many times it became slow */
    bool forced;              /* shares: TransitionOffline's mark */
    bool has_override;        /* shares: TransitionOnline while slow */
    uint64_t override_epoch;
    bool has_mode;            /* shares: the remembered caching mode */
    csc_caching_mode_t mode;
} record_t;

/* Sums of sizes, exact: two 64-bit halves (sizes are 64-bit, so their sum
 * over a cache can pass 2^64 - 1). */
typedef struct wide {
    uint64_t hi, lo;
} wide_t;

static wide_t wide_add(wide_t a, uint64_t v)
{
    a.lo += v;
    if (a.lo < v)
        a.hi++;
    return a;
}

/* a - b for a >= b. */
static wide_t wide_sub(wide_t a, wide_t b)
{
    wide_t r = {a.hi - b.hi - (a.lo < b.lo ? 1 : 0), a.lo - b.lo};
    return r;
}

/* Whether a > limit; a limit of 2^64 - 1 is "unlimited" (C5.5): never. */
static bool wide_exceeds(wide_t a, uint64_t limit)
{
    return limit != CSC_SPACE_UNLIMITED && (a.hi != 0 || a.lo > limit);
}

static void policy_pass(model_t *m);
static bool make_room(model_t *m, char *const *keys, size_t depth, uint64_t needed);

/* Round 2 hooks of setup caching (C10.2). */
typedef struct twin_plan {
    bool active;        /* a path the twins apply to */
    bool has_size;      /* as the caller gave it */
    uint64_t size;
    bool server_down, share_was_cached;
} twin_plan_t;
static void twin_prepare(model_t *m, char *const *keys, size_t n, bool file, bool *has_size,
                         uint64_t *size, twin_plan_t *tp);
static void twin_commit(model_t *m, char *const *keys, char *const *names, size_t n,
                        csc_item_type_t type, const twin_plan_t *tp);

/* The remote side's helpers, for Pin fetching (defined below). */
static size_t rfind(const model_t *m, char *const *keys, size_t depth);
static csc_network_t condition_of(const model_t *m, char *const *keys);
static record_t *record_find(const model_t *m, char *const *keys, size_t depth);
static record_t *record_make(model_t *m, char *const *keys, size_t depth);
static void scope_state(const model_t *m, char *const *keys, csc_connect_state_t *state,
                        csc_offline_reason_t *reason);
static csc_item_type_t type_at(size_t d, size_t n, csc_item_type_t leaf);
static bool rbelow_or_at(const model_remote_t *r, char *const *keys, size_t depth);
static csc_hresult path_names_keys(const char *path, char ***names, char ***keys, size_t *n);

enum method { METHOD_PIN, METHOD_UNPIN, METHOD_SYNC };

/* C11, C12, C10.10 helpers (defined at the end). */
static void service_sync(model_t *m, char *const *keys);
static void nch_close_below(model_t *m, char *const *keys, size_t n);
static size_t nch_below(const model_t *m, char *const *keys, size_t n);
static void clear_conflicts(model_t *m, char *const *keys, size_t n);

/* ---- memory ------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n == 0 ? 1 : n);
    if (p == NULL) {
        fputs("model: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- UTF-8 and case folding (C1.3, C1.4) -------------------------------- */

/* Decodes the code point at s[*i]; false for invalid UTF-8 (overlong forms,
 * beyond U+10FFFF, truncated sequences). A surrogate U+D800-DFFF in three
 * bytes is decoded like any other code point: names are WTF-8 (C14.4), and
 * whether it stands in a pair is utf8_valid's business. */
static bool utf8_next(const unsigned char *s, size_t *i, uint32_t *cp)
{
    unsigned c = s[*i];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return true;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, v = c & 0x07, min = 0x10000;
    } else {
        return false;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned cc = s[*i + k];
        if ((cc & 0xC0) != 0x80)
            return false; /* also stops at the NUL */
        v = (v << 6) | (cc & 0x3F);
    }
    if (v < min || v > 0x10FFFF)
        return false;
    *cp = v;
    *i += need + 1;
    return true;
}

/* C1.4 as amended by C14.4: every sequence decodes, and no low surrogate
 * comes right after a high one (that pair's only spelling is 4 bytes). */
static bool utf8_valid(const char *s)
{
    size_t i = 0;
    uint32_t cp, prev = 0;
    while (s[i] != '\0') {
        if (!utf8_next((const unsigned char *)s, &i, &cp))
            return false;
        if (prev >= 0xD800 && prev <= 0xDBFF && cp >= 0xDC00 && cp <= 0xDFFF)
            return false;
        prev = cp;
    }
    return true;
}

/* Number of UTF-16 units of a valid UTF-8 string. */
static size_t utf16_units(const char *s)
{
    size_t i = 0, n = 0;
    uint32_t cp;
    while (s[i] != '\0') {
        utf8_next((const unsigned char *)s, &i, &cp);
        n += cp >= 0x10000 ? 2 : 1;
    }
    return n;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Unicode simple case folding (CaseFolding.txt statuses C and S), for the
 * blocks the differential test uses; every entry checked against
 * CaseFolding.txt by hand. Anything else folds to itself.
 */
static uint32_t model_fold_cp(uint32_t c)
{
    static const uint32_t single[][2] = {
        {0x00B5, 0x03BC}, /* MICRO SIGN -> GREEK SMALL MU (C) */
        {0x017F, 0x0073}, /* LATIN SMALL LONG S -> s (C) */
        {0x03C2, 0x03C3}, /* GREEK SMALL FINAL SIGMA -> sigma (C) */
        {0x1E9E, 0x00DF}, /* LATIN CAPITAL SHARP S -> sharp s (S; F is "ss") */
        {0x212A, 0x006B}, /* KELVIN SIGN -> k (C) */
        {0x2126, 0x03C9}, /* OHM SIGN -> omega (C) */
    };
    if (c >= 'A' && c <= 'Z')
        return c + 0x20;
    if (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7) /* Latin-1 capitals */
        return c + 0x20;
    if (c >= 0x0391 && c <= 0x03AB && c != 0x03A2) /* Greek capitals */
        return c + 0x20;
    if (c >= 0x0410 && c <= 0x042F) /* Cyrillic capitals */
        return c + 0x20;
    if (c >= 0x0400 && c <= 0x040F) /* Cyrillic capitals with marks */
        return c + 0x50;
    for (size_t k = 0; k < sizeof single / sizeof single[0]; k++)
        if (single[k][0] == c)
            return single[k][1];
    return c; /* ß, İ (only F and T foldings), digits, lower case, and the
               * surrogates of C14.4 */
}

/* Folds a string (assumed valid UTF-8; invalid bytes are copied). */
char *model_fold(const char *s)
{
    size_t len = strlen(s);
    char *out = xmalloc(4 * len + 1);
    size_t i = 0, o = 0;
    while (s[i] != '\0') {
        uint32_t cp;
        size_t start = i;
        if (!utf8_next((const unsigned char *)s, &i, &cp)) {
            out[o++] = s[start];
            i = start + 1;
            continue;
        }
        o += utf8_put(out + o, model_fold_cp(cp));
    }
    out[o] = '\0';
    return out;
}

static bool names_equal_folded(const char *a, const char *b)
{
    char *fa = model_fold(a), *fb = model_fold(b);
    bool eq = strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return eq;
}

/* ---- paths (C1.2, C1.4) ------------------------------------------------ */

void model_free_names(char **names, size_t count)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

static bool has_invalid_char(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 || strchr("<>:\"|?*", *p) != NULL)
            return true;
    return false;
}

static bool periods_only(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (*s != '.')
            return false;
    return true;
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return false;
    }
    return true;
}

csc_hresult model_normalize(const char *path, char ***out_names, size_t *out_count)
{
    *out_names = NULL;
    *out_count = 0;
    if (path == NULL || path[0] == '\0' || !utf8_valid(path))
        return CSC_E_INVALID_NAME;

    /* 1. '/' stands for '\'. */
    char *s = xstrdup(path);
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '/')
            s[i] = '\\';

    /* 2. The prefixes; what follows the leading \\ is `rest`. */
    const char *rest;
    if (strncmp(s, "\\\\?\\", 4) == 0) {
        if (!starts_with_nocase(s + 4, "UNC\\")) {
            free(s);
            return CSC_E_INVALID_NAME; /* \\?\C:\..., not UNC */
        }
        rest = s + 8;
    } else if (strncmp(s, "\\\\.\\", 4) == 0) {
        free(s);
        return CSC_E_INVALID_NAME; /* a device path */
    } else if (strncmp(s, "\\\\", 2) == 0) {
        rest = s + 2;
    } else {
        free(s);
        return CSC_E_INVALID_NAME; /* not UNC */
    }
    bool ends_with_separator = len > 0 && s[len - 1] == '\\';

    /* 3. Split; empty components are dropped. */
    char **comps = xmalloc((strlen(rest) + 1) * sizeof *comps);
    size_t n = 0;
    const char *p = rest;
    while (*p != '\0') {
        const char *q = strchr(p, '\\');
        size_t clen = q != NULL ? (size_t)(q - p) : strlen(p);
        if (clen > 0)
            comps[n++] = xstrndup(p, clen);
        p += clen;
        if (*p == '\\')
            p++;
    }
    free(s);

    /* 4. Invalid characters, in every component as written. */
    for (size_t i = 0; i < n; i++) {
        if (has_invalid_char(comps[i])) {
            model_free_names(comps, n);
            return CSC_E_INVALID_NAME;
        }
    }

    /* 5. "." and "..": a stack of the components kept so far. */
    char **kept = xmalloc((n + 1) * sizeof *kept);
    size_t k = 0;
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(comps[i], ".") == 0) {
            free(comps[i]);
        } else if (strcmp(comps[i], "..") == 0) {
            free(comps[i]);
            if (k <= 2) /* it would remove the share or the server */
                bad = true;
            else
                free(kept[--k]);
        } else {
            kept[k++] = comps[i];
        }
    }
    free(comps);
    if (bad) {
        model_free_names(kept, k);
        return CSC_E_INVALID_NAME;
    }

    /* 6. Trailing periods and spaces. */
    for (size_t i = 0; i < k; i++) {
        size_t cl = strlen(kept[i]);
        if (!periods_only(kept[i]) && cl > 0 && kept[i][cl - 1] == '.')
            kept[i][cl - 1] = '\0';
    }
    if (!ends_with_separator && k > 0) {
        char *last = kept[k - 1];
        size_t cl = strlen(last);
        while (cl > 0 && (last[cl - 1] == '.' || last[cl - 1] == ' '))
            last[--cl] = '\0';
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (kept[i][0] == '\0')
            free(kept[i]);
        else
            kept[m++] = kept[i];
    }

    /* 7. Server and share; C1.4 lengths. */
    bool ok = m >= 1;
    for (size_t i = 0; ok && i < m && i < 2; i++)
        if (strcmp(kept[i], ".") == 0 || strcmp(kept[i], "..") == 0)
            ok = false;
    size_t total = 2;
    for (size_t i = 0; ok && i < m; i++) {
        size_t units = utf16_units(kept[i]);
        if (units > 255)
            ok = false;
        total += units + (i > 0 ? 1 : 0);
    }
    if (total > 32767)
        ok = false;
    if (!ok) {
        model_free_names(kept, m);
        return CSC_E_INVALID_NAME;
    }
    *out_names = kept;
    *out_count = m;
    return CSC_S_OK;
}

/* ---- the flat item array ----------------------------------------------- */

model_t *model_new(void)
{
    model_t *m = xmalloc(sizeof *m);
    memset(m, 0, sizeof *m);
    m->user = xstrdup("user");
    m->limit = m->unpinned_limit = CSC_SPACE_UNLIMITED;
    m->policy = CSC_EVICT_MANUAL;
    m->active = m->enabled = true;
    return m;
}

static void free_users(char **users, size_t count)
{
    model_free_names(users, count);
}

static void item_free(model_item_t *it)
{
    model_free_names(it->names, it->depth);
    model_free_names(it->keys, it->depth);
    free_users(it->users, it->user_count);
}

void model_free(model_t *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++)
        item_free(&m->items[i]);
    free(m->items);
    for (size_t i = 0; i < m->rcount; i++) {
        model_free_names(m->remote[i].keys, m->remote[i].depth);
        free(m->remote[i].name);
    }
    free(m->remote);
    for (size_t i = 0; i < m->reccount; i++)
        free(m->records[i].key);
    free(m->records);
    model_free_names(m->rename_from, m->renames);
    model_free_names(m->rename_to, m->renames);
    model_free_names(m->nch_keys, m->nch_n);
    free(m->nch_counts);
    free(m->user);
    free(m);
}

void model_set_evict_callback(model_t *m, model_evict_cb cb, void *user_data)
{
    m->evict_cb = cb;
    m->evict_ud = user_data;
}

size_t model_count(const model_t *m)
{
    return m->count;
}

const model_item_t *model_item(const model_t *m, size_t index)
{
    return &m->items[index];
}

uint64_t model_clock(const model_t *m)
{
    return m->clock;
}

/* The clock never wraps: an advance past 2^64 - 1 fails with E_INVALIDARG
 * and changes nothing (the library's choice; the contract is silent). */
csc_hresult model_advance_clock(model_t *m, uint64_t ticks)
{
    if (ticks > UINT64_MAX - m->clock)
        return CSC_E_INVALIDARG;
    m->clock += ticks;
    return CSC_S_OK;
}

/* The item whose first `depth` folded components are `keys`, or SIZE_MAX. */
static size_t find_keys(const model_t *m, char *const *keys, size_t depth)
{
    for (size_t i = 0; i < m->count; i++) {
        const model_item_t *it = &m->items[i];
        if (it->depth != depth)
            continue;
        bool same = true;
        for (size_t c = 0; same && c < depth; c++)
            same = strcmp(it->keys[c], keys[c]) == 0;
        if (same)
            return i;
    }
    return SIZE_MAX;
}

/* The ancestor of item `i` at `depth` (itself when depth == its depth). */
static size_t ancestor(const model_t *m, size_t i, size_t depth)
{
    return find_keys(m, m->items[i].keys, depth);
}

/* Whether item d is a proper descendant of item a. */
static bool is_descendant(const model_t *m, size_t a, size_t d)
{
    const model_item_t *A = &m->items[a], *D = &m->items[d];
    if (D->depth <= A->depth)
        return false;
    for (size_t c = 0; c < A->depth; c++)
        if (strcmp(A->keys[c], D->keys[c]) != 0)
            return false;
    return true;
}

/* C2.3: component by component, by folded bytes; an ancestor goes first. */
static int walk_cmp(const model_t *m, size_t a, size_t b)
{
    const model_item_t *A = &m->items[a], *B = &m->items[b];
    size_t n = A->depth < B->depth ? A->depth : B->depth;
    for (size_t c = 0; c < n; c++) {
        int r = strcmp(A->keys[c], B->keys[c]);
        if (r != 0)
            return r;
    }
    return A->depth < B->depth ? -1 : A->depth > B->depth ? 1 : 0;
}

/* Sorts idx[0..n) into walk order (insertion sort). */
static void sort_walk(const model_t *m, size_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && walk_cmp(m, idx[j - 1], v) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

size_t model_walk(const model_t *m, size_t *order)
{
    for (size_t i = 0; i < m->count; i++)
        order[i] = i;
    sort_walk(m, order, m->count);
    return m->count;
}

/* Each component as its own item first spelled it (C1.3): the names of
 * the ancestors, then the item's own. */
char *model_item_path(const model_t *m, size_t index)
{
    const model_item_t *it = &m->items[index];
    size_t len = 2;
    for (size_t c = 0; c < it->depth; c++)
        len += strlen(m->items[ancestor(m, index, c + 1)].names[c]) + 1;
    char *s = xmalloc(len + 1);
    strcpy(s, "\\\\");
    for (size_t c = 0; c < it->depth; c++) {
        const model_item_t *a = &m->items[ancestor(m, index, c + 1)];
        if (c > 0)
            strcat(s, "\\");
        strcat(s, a->names[c]);
    }
    return s;
}

/* Looks a path up: S_OK and *index, 0x8007007B, or 0x80070002. */
static csc_hresult lookup(const model_t *m, const char *path, size_t *index)
{
    char **names;
    size_t n;
    csc_hresult hr = model_normalize(path, &names, &n);
    if (hr != CSC_S_OK)
        return hr;
    char **keys = xmalloc(n * sizeof *keys);
    for (size_t c = 0; c < n; c++)
        keys[c] = model_fold(names[c]);
    *index = find_keys(m, keys, n);
    model_free_names(keys, n);
    model_free_names(names, n);
    return *index == SIZE_MAX ? CSC_E_FILE_NOT_FOUND : CSC_S_OK;
}

size_t model_lookup(const model_t *m, const char *path)
{
    size_t i;
    return lookup(m, path, &i) == CSC_S_OK ? i : SIZE_MAX;
}

static bool is_container(const model_item_t *it)
{
    return it->type != CSC_ITEM_FILE;
}

bool model_item_pinned(const model_t *m, size_t index)
{
    return m->items[index].pins != 0;
}

/* C3.5 */
bool model_item_partly_pinned(const model_t *m, size_t index)
{
    if (!is_container(&m->items[index]) || m->items[index].pins != 0)
        return false;
    for (size_t i = 0; i < m->count; i++)
        if (m->items[i].pins != 0 && is_descendant(m, index, i))
            return true;
    return false;
}

static bool has_child(const model_t *m, size_t index)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->items[i].depth == m->items[index].depth + 1 && is_descendant(m, index, i))
            return true;
    return false;
}

/* C5.2 */
bool model_item_evictable(const model_t *m, size_t index)
{
    const model_item_t *it = &m->items[index];
    return it->pins == 0 && !it->dirty && it->open_count == 0 && !has_child(m, index);
}

/* C9.1: the nearest access list on the way up decides; none: everyone. */
bool model_caller_has_access(const model_t *m, size_t index)
{
    for (size_t d = m->items[index].depth; d >= 1; d--) {
        const model_item_t *a = &m->items[ancestor(m, index, d)];
        if (!a->has_access)
            continue;
        for (size_t u = 0; u < a->user_count; u++)
            if (names_equal_folded(a->users[u], m->user))
                return true;
        return false;
    }
    return true;
}

/* The bytes a cached file holds: none while sparse (C10.8). */
static uint64_t held(const model_item_t *it)
{
    return it->type == CSC_ITEM_FILE && !it->sparse ? it->size : 0;
}

/* C5.5: exact sums of the sizes of cached files, and of unpinned ones. */
static void space_exact(const model_t *m, wide_t *used, wide_t *unpinned)
{
    wide_t zero = {0, 0};
    *used = *unpinned = zero;
    for (size_t i = 0; i < m->count; i++) {
        if (m->items[i].type != CSC_ITEM_FILE)
            continue;
        *used = wide_add(*used, held(&m->items[i]));
        if (m->items[i].pins == 0)
            *unpinned = wide_add(*unpinned, held(&m->items[i]));
    }
}

/* The figures as the API reports them: past 2^64 - 1, 2^64 - 1 (the
 * contract is silent; a wrapped figure would not be "the sizes of all
 * cached files"). */
void model_space(const model_t *m, uint64_t *used, uint64_t *unpinned_used)
{
    wide_t u, p;
    space_exact(m, &u, &p);
    *used = u.hi != 0 ? UINT64_MAX : u.lo;
    *unpinned_used = p.hi != 0 ? UINT64_MAX : p.lo;
}

/* ---- caching (C2.2-C2.4, C3.3) ----------------------------------------- */

/* Appends an item made of the first `depth` components; C3.3 arrival. */
static void add_item(model_t *m, char *const *names, size_t depth, csc_item_type_t type)
{
    if (m->count == m->cap) {
        m->cap = m->cap == 0 ? 16 : 2 * m->cap;
        model_item_t *grown = xmalloc(m->cap * sizeof *grown);
        if (m->count > 0)
            memcpy(grown, m->items, m->count * sizeof *grown);
        free(m->items);
        m->items = grown;
    }
    model_item_t it;
    memset(&it, 0, sizeof it);
    it.depth = depth;
    it.type = type;
    it.names = xmalloc(depth * sizeof *it.names);
    it.keys = xmalloc(depth * sizeof *it.keys);
    for (size_t c = 0; c < depth; c++) {
        it.names[c] = xstrdup(names[c]);
        it.keys[c] = model_fold(names[c]);
    }
    it.last_use = m->clock;
    it.encrypted = type == CSC_ITEM_FILE && m->enc_config; /* C15.16 */
    if (depth >= 2) {
        size_t parent = find_keys(m, it.keys, depth - 1);
        uint32_t inh = m->items[parent].inherit;
        it.pins |= inh;
        if (type != CSC_ITEM_FILE)
            it.inherit |= inh;
    }
    m->items[m->count++] = it;
}

static csc_hresult cache_item(model_t *m, const char *path, bool file, bool has_size,
                              uint64_t size)
{
    char **names;
    size_t n;
    csc_hresult hr = model_normalize(path, &names, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (file && n < 3) {
        model_free_names(names, n);
        return CSC_E_INVALID_NAME;
    }
    csc_item_type_t type = file ? CSC_ITEM_FILE
                           : n == 1 ? CSC_ITEM_SERVER
                           : n == 2 ? CSC_ITEM_SHARE
                                    : CSC_ITEM_DIRECTORY;
    char **keys = xmalloc(n * sizeof *keys);
    for (size_t c = 0; c < n; c++)
        keys[c] = model_fold(names[c]);

    twin_plan_t tp;
    size_t was = find_keys(m, keys, n);
    bool created = file && was != SIZE_MAX && m->items[was].type == CSC_ITEM_FILE &&
                   m->items[was].created_offline;
    if (created) /* C15.19: never adopts a remote copy, makes no twin */
        memset(&tp, 0, sizeof tp);
    else
        twin_prepare(m, keys, n, file, &has_size, &size, &tp);
    hr = CSC_S_OK;
    for (size_t d = 1; d < n && hr == CSC_S_OK; d++) {
        size_t a = find_keys(m, keys, d);
        if (a != SIZE_MAX && m->items[a].type == CSC_ITEM_FILE)
            hr = CSC_E_DIRECTORY;
    }
    size_t existing = find_keys(m, keys, n);
    if (hr == CSC_S_OK && existing != SIZE_MAX && m->items[existing].type != type)
        hr = CSC_E_ALREADY_EXISTS;
    /* C5.7: bytes added past the total limit. */
    bool sparse = hr == CSC_S_OK && file && existing != SIZE_MAX && m->items[existing].sparse;
    if (hr == CSC_S_OK && file && !sparse) { /* C15.19: a sparse file stays sparse */
        uint64_t old = existing != SIZE_MAX ? m->items[existing].size : 0;
        uint64_t now = has_size ? size : old;
        if (now > old && !make_room(m, keys, n, now - old))
            hr = CSC_E_DISK_FULL;
        existing = find_keys(m, keys, n); /* make_room may have moved items */
    }
    if (hr == CSC_S_OK && existing != SIZE_MAX) {
        if (file && has_size)
            m->items[existing].size = size;
        m->items[existing].last_use = m->clock;
    } else if (hr == CSC_S_OK) {
        for (size_t d = 1; d <= n; d++) {
            if (find_keys(m, keys, d) != SIZE_MAX)
                continue;
            csc_item_type_t t = d == n ? type
                                : d == 1 ? CSC_ITEM_SERVER
                                : d == 2 ? CSC_ITEM_SHARE
                                         : CSC_ITEM_DIRECTORY;
            add_item(m, names, d, t);
            if (d == n && file && has_size)
                m->items[m->count - 1].size = size;
        }
    }
    if (hr == CSC_S_OK)
        twin_commit(m, keys, names, n, type, &tp);
    model_free_names(keys, n);
    model_free_names(names, n);
    if (hr == CSC_S_OK)
        policy_pass(m); /* C5.5: after each command that cached an item */
    return hr;
}

csc_hresult model_cache_file(model_t *m, const char *path, bool has_size, uint64_t size)
{
    return cache_item(m, path, true, has_size, size);
}

csc_hresult model_cache_dir(model_t *m, const char *path)
{
    return cache_item(m, path, false, false, 0);
}

/* ---- caller, access, item commands ------------------------------------- */

csc_hresult model_set_caller(model_t *m, const char *user, bool admin)
{
    if (user == NULL || user[0] == '\0' || !utf8_valid(user))
        return CSC_E_INVALIDARG;
    free(m->user);
    m->user = xstrdup(user);
    m->admin = admin;
    return CSC_S_OK;
}

csc_hresult model_set_access(model_t *m, const char *path, const char *const *users,
                             size_t count)
{
    size_t i;
    csc_hresult hr = lookup(m, path, &i);
    if (hr != CSC_S_OK)
        return hr;
    for (size_t u = 0; users != NULL && u < count; u++)
        if (users[u] == NULL || users[u][0] == '\0' || !utf8_valid(users[u]))
            return CSC_E_INVALIDARG;
    model_item_t *it = &m->items[i];
    free_users(it->users, it->user_count);
    it->users = NULL;
    it->user_count = 0;
    it->has_access = users != NULL;
    if (users != NULL) {
        it->users = xmalloc(count * sizeof *it->users);
        for (size_t u = 0; u < count; u++)
            it->users[u] = xstrdup(users[u]);
        it->user_count = count;
    }
    return CSC_S_OK;
}

/* Finds a file for modify, open and close: E_INVALIDARG on a container. */
static csc_hresult find_file(model_t *m, const char *path, model_item_t **out)
{
    size_t i;
    csc_hresult hr = lookup(m, path, &i);
    if (hr != CSC_S_OK)
        return hr;
    if (m->items[i].type != CSC_ITEM_FILE)
        return CSC_E_INVALIDARG;
    *out = &m->items[i];
    return CSC_S_OK;
}

csc_hresult model_modify(model_t *m, const char *path, uint64_t bytes)
{
    model_item_t *it;
    csc_hresult hr = find_file(m, path, &it);
    if (hr != CSC_S_OK)
        return hr;
    it->dirty = true;
    it->has_local_time = true; /* C15.9 */
    it->local_change = m->clock;
    /* Saturates at 2^64 - 1 (the library's choice; the contract is silent). */
    it->dirty_bytes = bytes > UINT64_MAX - it->dirty_bytes ? UINT64_MAX : it->dirty_bytes + bytes;
    return CSC_S_OK;
}

csc_hresult model_open(model_t *m, const char *path)
{
    model_item_t *it;
    csc_hresult hr = find_file(m, path, &it);
    if (hr != CSC_S_OK)
        return hr;
    it->open_count++;
    it->last_use = m->clock;
    return CSC_S_OK;
}

csc_hresult model_close(model_t *m, const char *path)
{
    model_item_t *it;
    csc_hresult hr = find_file(m, path, &it);
    if (hr != CSC_S_OK)
        return hr;
    if (it->open_count > 0)
        it->open_count--;
    return CSC_S_OK;
}

void model_close_all(model_t *m, const char *path)
{
    size_t i;
    if (lookup(m, path, &i) == CSC_S_OK)
        m->items[i].open_count = 0;
}

csc_hresult model_touch(model_t *m, const char *path)
{
    size_t i;
    csc_hresult hr = lookup(m, path, &i);
    if (hr != CSC_S_OK)
        return hr;
    m->items[i].last_use = m->clock;
    return CSC_S_OK;
}

/* ---- Pin, Unpin, Synchronize (C4, C7, C5.8) ---------------------------- */

static char *wmi_event(int reason, csc_hresult hr, const char *path)
{
    const char *text = csc_hresult_message(hr);
    if (text == NULL)
        text = "";
    int n = snprintf(NULL, 0, "%d:0x%08X:%s:%s", reason, (unsigned)(uint32_t)hr, text, path);
    char *s = xmalloc((size_t)n + 1);
    snprintf(s, (size_t)n + 1, "%d:0x%08X:%s:%s", reason, (unsigned)(uint32_t)hr, text, path);
    return s;
}

/* The items of a cached path, in walk order (C4.4, C7.1, C5.8). */
static size_t items_of(const model_t *m, enum method method, size_t target, bool deep,
                       size_t *out)
{
    size_t n = 0;
    out[n++] = target;
    bool whole = deep || method == METHOD_SYNC;
    for (size_t i = 0; i < m->count; i++) {
        if (i == target || !is_descendant(m, target, i))
            continue;
        if (whole)
            out[n++] = i;
        else if (method == METHOD_UNPIN && m->items[i].type == CSC_ITEM_FILE &&
                 m->items[i].depth == m->items[target].depth + 1)
            out[n++] = i;
    }
    sort_walk(m, out, n);
    return n;
}

/* Steps 3-5 of C4.5 for one cached item. */
static csc_hresult process(model_t *m, enum method method, size_t i, uint32_t flags, bool deep)
{
    model_item_t *it = &m->items[i];
    if (method == METHOD_SYNC) {
        it->dirty = false;
        it->dirty_bytes = 0;
        return CSC_S_OK;
    }
    if (!model_caller_has_access(m, i))
        return CSC_E_ACCESSDENIED;
    if (it->open_count > 0) {
        if (flags & CSC_PIN_FLAG_BACKGROUND)
            return CSC_E_SHARING_VIOLATION;
        it->sharing_violations++;
    }
    uint32_t sources = flags & CSC_PIN_FLAGS_SOURCES;
    if (method == METHOD_UNPIN) {
        if (it->type != CSC_ITEM_SERVER) {
            it->pins &= ~sources;
            it->inherit &= ~sources;
            it->pending &= ~sources; /* C15.20 */
        }
    } else {
        if (it->type != CSC_ITEM_SERVER) {
            it->pins |= sources;
            if (deep && it->type != CSC_ITEM_FILE)
                it->inherit |= sources;
        }
        it->last_use = m->clock;
    }
    return CSC_S_OK;
}

/* ---- Pin and the remote side (C10.6, C10.8, C15.1, C15.2, C15.19) ------ */

/* The share of `keys` as Pin sees it: `nocaching` by IsPathCacheable's
 * reading of its mode (C10.6, C10.7); `online` when its scope is online and
 * the share item is not a suspension root (C10.5); `fetch` when remote items
 * may be fetched there (C10.8: online, not NOCACHING). */
typedef struct pscope {
    bool nocaching, online, fetch;
} pscope_t;

static pscope_t pin_scope(const model_t *m, char *const *keys, size_t n)
{
    pscope_t ps = {false, true, false};
    if (n < 2)
        return ps;
    size_t share = rfind(m, keys, 2);
    csc_caching_mode_t md = CSC_CACHING_MODE_NONE;
    if (share != SIZE_MAX && condition_of(m, keys) != CSC_NETWORK_DOWN) {
        md = m->remote[share].mode;
    } else {
        const record_t *r = record_find(m, keys, 2);
        if (r != NULL && r->has_mode)
            md = r->mode;
    }
    ps.nocaching = md == CSC_CACHING_MODE_NOCACHING;
    csc_connect_state_t st;
    csc_offline_reason_t why;
    scope_state(m, keys, &st, &why);
    size_t sh = find_keys(m, keys, 2);
    if (st == CSC_CONNECT_STATE_ONLINE && sh != SIZE_MAX && model_item_suspended(m, sh))
        st = CSC_CONNECT_STATE_OFFLINE;
    ps.online = st == CSC_CONNECT_STATE_ONLINE;
    ps.fetch = ps.online && !ps.nocaching && m->remote[share].mode != CSC_CACHING_MODE_NOCACHING;
    return ps;
}

/* Steps 3-5 of C4.5 for a cached item of a Pin (C7.1), with C10.6's
 * NOCACHING after the access check and C15.2's Fill of a sparse file. */
static csc_hresult pin_cached(model_t *m, size_t i, uint32_t flags, bool deep)
{
    model_item_t *it = &m->items[i];
    pscope_t ps = pin_scope(m, it->keys, it->depth);
    if (!model_caller_has_access(m, i))
        return CSC_E_ACCESSDENIED;
    if (ps.nocaching && it->type != CSC_ITEM_SERVER)
        return CSC_E_NOT_SUPPORTED;
    if (it->open_count > 0) {
        if (flags & CSC_PIN_FLAG_BACKGROUND)
            return CSC_E_SHARING_VIOLATION;
        it->sharing_violations++;
    }
    if (it->type == CSC_ITEM_SERVER) {
        it->last_use = m->clock;
        return CSC_S_OK;
    }
    csc_hresult res = CSC_S_OK;
    if ((flags & CSC_PIN_FLAG_FILL) && it->type == CSC_ITEM_FILE && it->sparse) {
        if (!ps.online) {
            res = CSC_E_CSCSHARE_OFFLINE; /* pinned all the same, still sparse */
        } else {
            char **keys = xmalloc(it->depth * sizeof *keys);
            size_t depth = it->depth;
            for (size_t c = 0; c < depth; c++)
                keys[c] = xstrdup(it->keys[c]);
            bool fits = it->size == 0 || make_room(m, keys, depth, it->size);
            i = find_keys(m, keys, depth); /* make_room may have moved items */
            model_free_names(keys, depth);
            it = &m->items[i];
            if (!fits)
                return CSC_E_DISK_FULL; /* neither filled nor pinned */
            it->sparse = false;
        }
    }
    uint32_t sources = flags & CSC_PIN_FLAGS_SOURCES;
    it->pins |= sources;
    if (deep && it->type != CSC_ITEM_FILE)
        it->inherit |= sources;
    if (!deep && it->type != CSC_ITEM_FILE)
        it->pending |= sources; /* C15.20 */
    it->last_use = m->clock;
    return res;
}

/* C10.8: caches the remote item at keys[0..n) and its missing ancestors
 * with the server's spelling; a file sparse unless `fill` (then C5.7).
 * S_OK, or 0x80070070 with nothing changed. */
static csc_hresult fetch(model_t *m, char *const *keys, size_t n, bool fill)
{
    size_t ri = rfind(m, keys, n);
    bool file = m->remote[ri].type == CSC_ITEM_FILE;
    uint64_t size = m->remote[ri].size;
    if (file && fill && size > 0 && !make_room(m, keys, n, size))
        return CSC_E_DISK_FULL;
    char **names = xmalloc(n * sizeof *names);
    for (size_t c = 0; c < n; c++)
        names[c] = xstrdup(m->remote[rfind(m, keys, c + 1)].name);
    for (size_t d = 1; d <= n; d++) {
        if (find_keys(m, keys, d) != SIZE_MAX)
            continue;
        add_item(m, names, d, d == n ? m->remote[ri].type : type_at(d, n, CSC_ITEM_DIRECTORY));
        if (d == n && file) {
            m->items[m->count - 1].size = size;
            m->items[m->count - 1].sparse = !fill;
        }
    }
    model_free_names(names, n);
    ri = rfind(m, keys, n);
    if (file)
        m->remote[ri].orig = m->remote[ri].version; /* C10.2 */
    if (n >= 2) { /* C10.6: the cached share remembers its mode */
        record_t *rec = record_make(m, keys, 2);
        if (!rec->has_mode) {
            rec->mode = m->remote[rfind(m, keys, 2)].mode;
            rec->has_mode = true;
        }
    }
    return CSC_S_OK;
}

/* An item of a Pin's walk: cached, or remote and not cached (fetched when
 * processed). */
typedef struct pentry {
    char **keys;
    size_t depth;
    bool remote;
} pentry_t;

/* A container the walk went into, with its children as they were then. */
typedef struct pframe {
    pentry_t *kids;
    size_t n, next;
    char *path;
    char **anc;    /* the closest cached container at or above */
    size_t anc_depth;
    bool fetch, server;
} pframe_t;

typedef struct pwalk {
    const model_sink_t *sink;
    bool answers;
    bool *cancel_requested, *cancelled;
    csc_hresult *last;
    uint32_t flags;
    bool deep;
} pwalk_t;

static char **keys_copy(char *const *keys, size_t n)
{
    char **k = xmalloc((n == 0 ? 1 : n) * sizeof *k);
    for (size_t c = 0; c < n; c++)
        k[c] = xstrdup(keys[c]);
    return k;
}

static int pentry_cmp(const void *a, const void *b)
{
    const pentry_t *x = a, *y = b;
    return strcmp(x->keys[x->depth - 1], y->keys[y->depth - 1]);
}

/* The children of the container keys[0..n): its cached ones, and with
 * `fetch` the remote ones that are not cached, in walk order (C2.3). */
static void frame_kids(const model_t *m, char *const *keys, size_t n, bool fetch, pframe_t *f)
{
    f->kids = xmalloc((m->count + m->rcount + 1) * sizeof *f->kids);
    f->n = f->next = 0;
    for (size_t i = 0; i < m->count; i++) {
        const model_item_t *it = &m->items[i];
        if (it->depth != n + 1)
            continue;
        bool under = true;
        for (size_t c = 0; under && c < n; c++)
            under = strcmp(it->keys[c], keys[c]) == 0;
        if (under)
            f->kids[f->n++] = (pentry_t){keys_copy(it->keys, n + 1), n + 1, false};
    }
    for (size_t i = 0; fetch && i < m->rcount; i++) {
        const model_remote_t *r = &m->remote[i];
        if (r->depth != n + 1 || !rbelow_or_at(r, keys, n) || find_keys(m, r->keys, n + 1) != SIZE_MAX)
            continue;
        f->kids[f->n++] = (pentry_t){keys_copy(r->keys, n + 1), n + 1, true};
    }
    qsort(f->kids, f->n, sizeof *f->kids, pentry_cmp);
}

static void frame_free(pframe_t *f)
{
    for (size_t k = 0; k < f->n; k++)
        model_free_names(f->kids[k].keys, f->kids[k].depth);
    free(f->kids);
    free(f->path);
    model_free_names(f->anc, f->anc_depth);
}

static char *path_join(const char *base, const char *name)
{
    char *s = xmalloc(strlen(base) + strlen(name) + 2);
    strcpy(s, base);
    strcat(s, "\\");
    strcat(s, name);
    return s;
}

/*
 * Steps 1-6 of C4.5 for one item of a Pin: a cached item (`remote` false)
 * or an uncached remote item fetched at step 5 (access on `anc`, C9.1;
 * NOCACHING, C15.2). Returns false when the walk stops.
 */
static bool pin_item(model_t *m, pwalk_t *pw, char *const *keys, size_t n, bool remote,
                     char *const *anc, size_t anc_depth, bool nocaching, const char *path)
{
    for (;;) {
        if (*pw->cancel_requested) {
            *pw->cancelled = true;
            return false;
        }
        char *ev = wmi_event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path);
        int r = CSC_OP_CONTINUE;
        if (pw->sink != NULL && pw->sink->item_begin != NULL)
            r = pw->sink->item_begin(pw->sink->user_data, ev);
        free(ev);
        if (pw->answers && r == CSC_OP_ABORT) {
            *pw->cancelled = true;
            return false;
        }
        csc_hresult result;
        size_t i = find_keys(m, keys, n);
        if (i != SIZE_MAX) {
            result = pin_cached(m, i, pw->flags, pw->deep);
        } else if (!remote) {
            result = CSC_S_OK; /* not reached: gone items are skipped */
        } else {
            size_t a = anc_depth == 0 ? SIZE_MAX : find_keys(m, anc, anc_depth);
            if (a != SIZE_MAX && !model_caller_has_access(m, a))
                result = CSC_E_ACCESSDENIED;
            else if (nocaching)
                result = CSC_E_NOT_SUPPORTED;
            else
                result = fetch(m, keys, n, (pw->flags & CSC_PIN_FLAG_FILL) != 0);
            if (result == CSC_S_OK)
                result = pin_cached(m, find_keys(m, keys, n), pw->flags, pw->deep);
        }
        *pw->last = result;
        ev = wmi_event(CSC_EVENT_ITEM_RESULT, result, path);
        r = CSC_OP_CONTINUE;
        if (pw->sink != NULL && pw->sink->item_result != NULL)
            r = pw->sink->item_result(pw->sink->user_data, ev, path);
        free(ev);
        if (pw->answers && r == CSC_OP_ABORT) {
            *pw->cancelled = true;
            return false;
        }
        if (!(pw->answers && r == CSC_OP_RETRY))
            return true;
    }
}

/* The deep part of a Pin below a container whose frame is `top` (C15.1):
 * the union of cached and uncached remote items in walk order, each
 * container's children taken when the walk goes into it; a cached item
 * gone by then (C5.7's pass) is skipped; a remote folder that failed for
 * access is still walked into (C15.19); a server's uncached shares are not
 * (C15.19), each share has its own scope. */
static void pin_below(model_t *m, pwalk_t *pw, pframe_t top)
{
    size_t cap = 16, sp = 0;
    pframe_t *st = xmalloc(cap * sizeof *st);
    st[sp++] = top;
    while (sp > 0 && !*pw->cancelled) {
        pframe_t *f = &st[sp - 1];
        if (f->next == f->n) {
            frame_free(f);
            sp--;
            continue;
        }
        pentry_t *e = &f->kids[f->next++];
        size_t i = find_keys(m, e->keys, e->depth);
        if (!e->remote && i == SIZE_MAX)
            continue; /* evicted since */
        char *path;
        bool container;
        if (!e->remote) {
            path = path_join(f->path, m->items[i].names[e->depth - 1]);
            container = m->items[i].type != CSC_ITEM_FILE;
        } else {
            const model_remote_t *r = &m->remote[rfind(m, e->keys, e->depth)];
            path = path_join(f->path, r->name);
            container = r->type != CSC_ITEM_FILE;
        }
        bool fetch = f->fetch;
        if (f->server) /* a cached share: its own scope */
            fetch = pin_scope(m, e->keys, e->depth).fetch;
        bool go = pin_item(m, pw, e->keys, e->depth, e->remote, f->anc, f->anc_depth, false, path);
        if (!go || !container) {
            free(path);
            if (!go)
                break;
            continue;
        }
        pframe_t nf;
        memset(&nf, 0, sizeof nf);
        nf.path = path;
        nf.fetch = fetch;
        bool cached = find_keys(m, e->keys, e->depth) != SIZE_MAX;
        nf.anc = cached ? keys_copy(e->keys, e->depth) : keys_copy(f->anc, f->anc_depth);
        nf.anc_depth = cached ? e->depth : f->anc_depth;
        frame_kids(m, e->keys, e->depth, fetch, &nf);
        if (sp == cap) {
            cap *= 2;
            pframe_t *grown = xmalloc(cap * sizeof *grown);
            memcpy(grown, st, sp * sizeof *st);
            free(st);
            st = grown;
        }
        st[sp++] = nf;
    }
    while (sp > 0)
        frame_free(&st[--sp]);
    free(st);
}

/* One path of a Pin (C7, C10.8, C15.1, C15.19). */
static void pin_path(model_t *m, pwalk_t *pw, const char *given)
{
    size_t target;
    csc_hresult hr = lookup(m, given, &target);
    if (hr == CSC_S_OK) {
        char **keys = keys_copy(m->items[target].keys, m->items[target].depth);
        size_t n = m->items[target].depth;
        char *path = model_item_path(m, target);
        bool container = m->items[target].type != CSC_ITEM_FILE;
        bool server = m->items[target].type == CSC_ITEM_SERVER;
        bool fetch = !server && pin_scope(m, keys, n).fetch;
        if (pin_item(m, pw, keys, n, false, NULL, 0, false, path) && pw->deep && container &&
            find_keys(m, keys, n) != SIZE_MAX) {
            pframe_t f;
            memset(&f, 0, sizeof f);
            f.path = path;
            path = NULL;
            f.fetch = fetch;
            f.server = server;
            f.anc = keys_copy(keys, n);
            f.anc_depth = n;
            frame_kids(m, keys, n, fetch, &f);
            pin_below(m, pw, f);
        }
        free(path);
        model_free_names(keys, n);
        return;
    }
    char **names = NULL, **keys = NULL;
    size_t n = 0;
    size_t ri = SIZE_MAX;
    if (hr == CSC_E_FILE_NOT_FOUND && path_names_keys(given, &names, &keys, &n) == CSC_S_OK)
        ri = rfind(m, keys, n);
    bool allowed = false, nocaching = false;
    if (ri != SIZE_MAX && n == 1) {
        allowed = condition_of(m, keys) != CSC_NETWORK_DOWN;
    } else if (ri != SIZE_MAX) {
        pscope_t ps = pin_scope(m, keys, n);
        csc_connect_state_t st;
        csc_offline_reason_t why;
        scope_state(m, keys, &st, &why);
        size_t sh = find_keys(m, keys, 2);
        bool online = st == CSC_CONNECT_STATE_ONLINE && !(sh != SIZE_MAX && model_item_suspended(m, sh));
        allowed = online;
        nocaching = online && m->remote[rfind(m, keys, 2)].mode == CSC_CACHING_MODE_NOCACHING;
        (void)ps;
    }
    if (!allowed) { /* C4.3, C10.8, C15.19: the path as given */
        char **none = NULL;
        (void)none;
        for (;;) {
            if (*pw->cancel_requested) {
                *pw->cancelled = true;
                break;
            }
            char *ev = wmi_event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, given);
            int r = CSC_OP_CONTINUE;
            if (pw->sink != NULL && pw->sink->item_begin != NULL)
                r = pw->sink->item_begin(pw->sink->user_data, ev);
            free(ev);
            if (pw->answers && r == CSC_OP_ABORT) {
                *pw->cancelled = true;
                break;
            }
            *pw->last = hr == CSC_S_OK ? CSC_E_FILE_NOT_FOUND : hr;
            ev = wmi_event(CSC_EVENT_ITEM_RESULT, *pw->last, given);
            r = CSC_OP_CONTINUE;
            if (pw->sink != NULL && pw->sink->item_result != NULL)
                r = pw->sink->item_result(pw->sink->user_data, ev, given);
            free(ev);
            if (pw->answers && r == CSC_OP_ABORT) {
                *pw->cancelled = true;
                break;
            }
            if (!(pw->answers && r == CSC_OP_RETRY))
                break;
        }
        if (names != NULL) {
            model_free_names(names, n);
            model_free_names(keys, n);
        }
        return;
    }
    /* The closest cached ancestor, and the path with the server's names. */
    size_t anc_depth = 0;
    for (size_t d = n - 1; d >= 1 && anc_depth == 0; d--)
        if (find_keys(m, keys, d) != SIZE_MAX)
            anc_depth = d;
    size_t a = anc_depth == 0 ? SIZE_MAX : find_keys(m, keys, anc_depth);
    char *display = a == SIZE_MAX ? xstrdup("\\") : model_item_path(m, a);
    for (size_t d = anc_depth + 1; d <= n; d++) {
        char *next = path_join(display, m->remote[rfind(m, keys, d)].name);
        free(display);
        display = next;
    }
    bool attempt = !nocaching && (a == SIZE_MAX || model_caller_has_access(m, a));
    bool go = pin_item(m, pw, keys, n, true, keys, anc_depth, nocaching,
                       attempt ? display : given);
    const model_remote_t *r = &m->remote[rfind(m, keys, n)];
    bool fetched = find_keys(m, keys, n) != SIZE_MAX;
    if (go && pw->deep && r->type != CSC_ITEM_FILE && r->type != CSC_ITEM_SERVER &&
        (fetched || *pw->last == CSC_E_ACCESSDENIED)) {
        pframe_t f;
        memset(&f, 0, sizeof f);
        f.path = display;
        display = NULL;
        f.fetch = true;
        f.anc = keys_copy(keys, fetched ? n : anc_depth);
        f.anc_depth = fetched ? n : anc_depth;
        frame_kids(m, keys, n, true, &f);
        pin_below(m, pw, f);
    }
    free(display);
    model_free_names(names, n);
    model_free_names(keys, n);
}

static csc_hresult walk_method(model_t *m, enum method method, const char *const *paths,
                               size_t count, uint32_t flags, bool deep,
                               const model_sink_t *sink);

/* C5.5: the policy acts after each method call, even a rejected one. */
static csc_hresult run_method(model_t *m, enum method method, const char *const *paths,
                              size_t count, uint32_t flags, bool deep, const model_sink_t *sink)
{
    if (!m->active) /* C13.1: before validation; C15.3: no pass */
        return CSC_E_SERVICE_NOT_ACTIVE;
    csc_hresult hr = walk_method(m, method, paths, count, flags, deep, sink);
    policy_pass(m);
    return hr;
}

static csc_hresult walk_method(model_t *m, enum method method, const char *const *paths,
                               size_t count, uint32_t flags, bool deep,
                               const model_sink_t *sink)
{
    /* C4.1 */
    if (paths == NULL || count == 0)
        return CSC_E_INVALIDARG;
    for (size_t p = 0; p < count; p++)
        if (paths[p] == NULL)
            return CSC_E_INVALIDARG;
    if (method == METHOD_SYNC) {
        if (flags & ~CSC_SYNC_FLAGS_VALID)
            return CSC_E_INVALIDARG;
    } else if ((flags & ~CSC_PIN_FLAGS_VALID) || !(flags & CSC_PIN_FLAGS_SOURCES)) {
        return CSC_E_INVALIDARG;
    }
    /* Answers take effect unless AsyncProgress (C6.3, C6.4). */
    bool answers = method == METHOD_SYNC || !(flags & CSC_PIN_FLAG_ASYNC_PROGRESS);

    /* C4.7: a single path that names a file, or is invalid or not cached. */
    bool single = false;
    if (count == 1) {
        size_t i;
        csc_hresult hr = lookup(m, paths[0], &i);
        single = hr != CSC_S_OK || m->items[i].type == CSC_ITEM_FILE;
    }

    bool cancel_requested = false, cancelled = false;
    csc_hresult last = CSC_S_OK;
    char *ev = wmi_event(CSC_EVENT_BEGIN, CSC_S_OK, "");
    if (sink != NULL && sink->begin != NULL && sink->begin(sink->user_data, ev) && answers)
        cancel_requested = true;
    free(ev);

    size_t *list = xmalloc((m->count + 1) * sizeof *list);
    for (size_t p = 0; p < count && !cancelled; p++) {
        if (method == METHOD_PIN) { /* C7, C10.8, C15.1 */
            pwalk_t pw = {sink, answers, &cancel_requested, &cancelled, &last, flags, deep};
            pin_path(m, &pw, paths[p]);
            continue;
        }
        size_t target, n;
        csc_hresult fixed = lookup(m, paths[p], &target);
        if (fixed == CSC_S_OK) {
            n = items_of(m, method, target, deep, list);
        } else {
            n = 1; /* C4.3: one item with the path as given */
            list[0] = SIZE_MAX;
        }
        for (size_t k = 0; k < n && !cancelled; k++) {
            size_t i = list[k];
            char *path = i == SIZE_MAX ? xstrdup(paths[p]) : model_item_path(m, i);
            for (;;) {
                if (cancel_requested) { /* step 1 */
                    cancelled = true;
                    break;
                }
                ev = wmi_event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path); /* step 2 */
                int r = CSC_OP_CONTINUE;
                if (sink != NULL && sink->item_begin != NULL)
                    r = sink->item_begin(sink->user_data, ev);
                free(ev);
                if (answers && r == CSC_OP_ABORT) {
                    cancelled = true;
                    break;
                }
                csc_hresult result = i == SIZE_MAX ? fixed : process(m, method, i, flags, deep);
                last = result;
                ev = wmi_event(CSC_EVENT_ITEM_RESULT, result, path); /* step 6 */
                r = CSC_OP_CONTINUE;
                if (sink != NULL && sink->item_result != NULL)
                    r = sink->item_result(sink->user_data, ev, path);
                free(ev);
                if (answers && r == CSC_OP_ABORT) {
                    cancelled = true;
                    break;
                }
                if (!(answers && r == CSC_OP_RETRY))
                    break;
            }
            free(path);
        }
    }
    free(list);

    ev = wmi_event(CSC_EVENT_END, cancelled ? CSC_E_CANCELLED : CSC_S_OK, "");
    if (sink != NULL && sink->end != NULL)
        sink->end(sink->user_data, ev);
    free(ev);
    if (cancelled)
        return CSC_E_CANCELLED;
    return single ? last : CSC_S_OK;
}

csc_hresult model_pin(model_t *m, const char *const *paths, size_t count, uint32_t flags,
                      bool deep, const model_sink_t *sink)
{
    return run_method(m, METHOD_PIN, paths, count, flags, deep, sink);
}

csc_hresult model_unpin(model_t *m, const char *const *paths, size_t count, uint32_t flags,
                        bool deep, const model_sink_t *sink)
{
    return run_method(m, METHOD_UNPIN, paths, count, flags, deep, sink);
}


/* ---- eviction (C5.4-C5.7) ---------------------------------------------- */

static void evict_one(model_t *m, size_t i, uint64_t *freed, size_t *count)
{
    model_item_t *it = &m->items[i];
    uint64_t size = held(it);
    if (m->evict_cb != NULL) {
        char *path = model_item_path(m, i);
        m->evict_cb(m->evict_ud, path, size);
        free(path);
    }
    /* Freed bytes saturate at 2^64 - 1, as the used figures do (C5.5):
     * "freed >= N" stays exact for every uint64_t N. */
    *freed = size > UINT64_MAX - *freed ? UINT64_MAX : *freed + size;
    (*count)++;
    item_free(it);
    memmove(&m->items[i], &m->items[i + 1], (m->count - i - 1) * sizeof *m->items);
    m->count--;
}

/* Whether item i is `keys` (of `depth` components) or one of its ancestors:
 * what a C5.7 pass must keep. */
static bool kept(const model_t *m, size_t i, char *const *keys, size_t depth)
{
    if (keys == NULL || m->items[i].depth > depth)
        return false;
    for (size_t c = 0; c < m->items[i].depth; c++)
        if (strcmp(m->items[i].keys[c], keys[c]) != 0)
            return false;
    return true;
}

/* How a pass stops. */
enum stop { STOP_NEVER, STOP_FREED, STOP_UNPINNED_LIMIT, STOP_FITS };

static bool pass_done(const model_t *m, enum stop stop, uint64_t arg, uint64_t freed)
{
    wide_t used, unpinned;
    space_exact(m, &used, &unpinned);
    switch (stop) {
    case STOP_FREED: return freed >= arg;
    case STOP_UNPINNED_LIMIT: return !wide_exceeds(unpinned, m->unpinned_limit);
    case STOP_FITS: return !wide_exceeds(wide_add(used, arg), m->limit);
    default: return false;
    }
}

/* Every container that is evictable goes, the first in walk order first,
 * until none is (a container emptied by an eviction follows at once). */
static void evict_containers(model_t *m, char *const *keys, size_t depth, uint64_t *freed,
                             size_t *count)
{
    size_t *order = xmalloc((m->count + 1) * sizeof *order);
    for (;;) {
        size_t n = model_walk(m, order), victim = SIZE_MAX;
        for (size_t k = 0; k < n && victim == SIZE_MAX; k++)
            if (is_container(&m->items[order[k]]) && model_item_evictable(m, order[k]) &&
                !kept(m, order[k], keys, depth))
                victim = order[k];
        if (victim == SIZE_MAX)
            break;
        evict_one(m, victim, freed, count);
    }
    free(order);
}

/* A pass (C5.4): evictable containers at once; then files, least recently
 * used first, ties in walk order, until `stop` says so or nothing is left.
 * Items in `keys` (C5.7) are never evicted. */
static void pass(model_t *m, enum stop stop, uint64_t arg, char *const *keys, size_t depth,
                 uint64_t *freed, size_t *count)
{
    evict_containers(m, keys, depth, freed, count);
    size_t *order = xmalloc((m->count + 1) * sizeof *order);
    for (;;) {
        if (pass_done(m, stop, arg, *freed))
            break;
        size_t n = model_walk(m, order), victim = SIZE_MAX;
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k];
            if (m->items[i].type != CSC_ITEM_FILE || !model_item_evictable(m, i) ||
                kept(m, i, keys, depth))
                continue;
            if (victim == SIZE_MAX || m->items[i].last_use < m->items[victim].last_use)
                victim = i;
        }
        if (victim == SIZE_MAX)
            break;
        evict_one(m, victim, freed, count);
        evict_containers(m, keys, depth, freed, count);
    }
    free(order);
}

csc_hresult model_evict(model_t *m, bool all, uint64_t bytes, uint64_t *freed, size_t *count)
{
    uint64_t f = 0;
    size_t c = 0;
    pass(m, all ? STOP_NEVER : STOP_FREED, bytes, NULL, 0, &f, &c);
    if (freed != NULL)
        *freed = f;
    if (count != NULL)
        *count = c;
    return CSC_S_OK;
}

/* C5.5: what automatic and eager do after a command. */
static void policy_pass(model_t *m)
{
    uint64_t f = 0;
    wide_t used, unpinned;
    size_t c = 0;
    if (m->policy == CSC_EVICT_EAGER) {
        pass(m, STOP_NEVER, 0, NULL, 0, &f, &c);
    } else if (m->policy == CSC_EVICT_AUTOMATIC) {
        space_exact(m, &used, &unpinned);
        if (wide_exceeds(unpinned, m->unpinned_limit))
            pass(m, STOP_UNPINNED_LIMIT, 0, NULL, 0, &f, &c);
    }
}

/*
 * C5.7: `needed` more bytes for the file `keys`. True when they fit, after
 * evicting other files (automatic, eager) when evicting every other
 * evictable file would make room; false (nothing evicted) otherwise.
 */
static bool make_room(model_t *m, char *const *keys, size_t depth, uint64_t needed)
{
    wide_t used, unpinned, could = {0, 0};
    space_exact(m, &used, &unpinned);
    if (!wide_exceeds(wide_add(used, needed), m->limit))
        return true;
    if (m->policy == CSC_EVICT_MANUAL)
        return false;
    for (size_t i = 0; i < m->count; i++)
        if (m->items[i].type == CSC_ITEM_FILE && model_item_evictable(m, i) &&
            !kept(m, i, keys, depth))
            could = wide_add(could, held(&m->items[i]));
    if (wide_exceeds(wide_add(wide_sub(used, could), needed), m->limit))
        return false;
    uint64_t f = 0;
    size_t c = 0;
    pass(m, STOP_FITS, needed, keys, depth, &f, &c);
    return true;
}

csc_hresult model_set_limits(model_t *m, uint64_t total, uint64_t unpinned)
{
    if (!m->active) /* C15.14 */
        return CSC_E_SERVICE_NOT_ACTIVE;
    if (!m->admin)
        return CSC_E_ACCESSDENIED;
    m->limit = total;
    m->unpinned_limit = unpinned;
    return CSC_S_OK;
}

void model_limits(const model_t *m, uint64_t *total, uint64_t *unpinned)
{
    *total = m->limit;
    *unpinned = m->unpinned_limit;
}

void model_set_policy(model_t *m, csc_evict_policy_t policy)
{
    m->policy = policy;
}

/* ==== Round 2: the remote side, connectivity, suspension, feature state ==== */

/* Normalises and folds a path: S_OK with malloc'd keys, or 0x8007007B. */
static csc_hresult path_keys(const char *path, char ***keys, size_t *n)
{
    char **names;
    csc_hresult hr = model_normalize(path, &names, n);
    if (hr != CSC_S_OK)
        return hr;
    *keys = xmalloc(*n * sizeof **keys);
    for (size_t c = 0; c < *n; c++)
        (*keys)[c] = model_fold(names[c]);
    model_free_names(names, *n);
    return CSC_S_OK;
}

static csc_item_type_t type_at(size_t d, size_t n, csc_item_type_t leaf)
{
    return d == 1 ? CSC_ITEM_SERVER : d == 2 ? CSC_ITEM_SHARE : d == n ? leaf : CSC_ITEM_DIRECTORY;
}

/* ---- records ---- */

static char *join_keys(char *const *keys, size_t depth)
{
    size_t len = 1;
    for (size_t c = 0; c < depth; c++)
        len += strlen(keys[c]) + 1;
    char *s = xmalloc(len);
    s[0] = '\0';
    for (size_t c = 0; c < depth; c++) {
        if (c > 0)
            strcat(s, "\\");
        strcat(s, keys[c]);
    }
    return s;
}

static record_t *record_find(const model_t *m, char *const *keys, size_t depth)
{
    char *k = join_keys(keys, depth);
    record_t *r = NULL;
    for (size_t i = 0; i < m->reccount && r == NULL; i++)
        if (strcmp(m->records[i].key, k) == 0)
            r = &m->records[i];
    free(k);
    return r;
}

static record_t *record_make(model_t *m, char *const *keys, size_t depth)
{
    record_t *r = record_find(m, keys, depth);
    if (r != NULL)
        return r;
    if (m->reccount == m->reccap) {
        m->reccap = m->reccap == 0 ? 8 : 2 * m->reccap;
        record_t *grown = xmalloc(m->reccap * sizeof *grown);
        if (m->reccount > 0)
            memcpy(grown, m->records, m->reccount * sizeof *grown);
        free(m->records);
        m->records = grown;
    }
    r = &m->records[m->reccount++];
    memset(r, 0, sizeof *r);
    r->key = join_keys(keys, depth);
    r->condition = CSC_NETWORK_UP;
    return r;
}

/* A server's condition: up unless its record says otherwise (C10.5). */
static csc_network_t condition_of(const model_t *m, char *const *keys)
{
    const record_t *r = record_find(m, keys, 1);
    return r != NULL ? r->condition : CSC_NETWORK_UP;
}

/* ---- the remote items ---- */

static size_t rfind(const model_t *m, char *const *keys, size_t depth)
{
    for (size_t i = 0; i < m->rcount; i++) {
        const model_remote_t *r = &m->remote[i];
        if (r->depth != depth)
            continue;
        bool same = true;
        for (size_t c = 0; same && c < depth; c++)
            same = strcmp(r->keys[c], keys[c]) == 0;
        if (same)
            return i;
    }
    return SIZE_MAX;
}

/* The deepest existing remote item on the path: *depth its depth (0: none). */
static size_t rdeepest(const model_t *m, char *const *keys, size_t n, size_t *depth)
{
    for (size_t d = n; d >= 1; d--) {
        size_t i = rfind(m, keys, d);
        if (i != SIZE_MAX) {
            *depth = d;
            return i;
        }
    }
    *depth = 0;
    return SIZE_MAX;
}

/* C15.7: the share is seen; its record remembers its mode unless the
 * server is down. */
static void share_seen(model_t *m, size_t share)
{
    const model_remote_t *r = &m->remote[share];
    record_t *rec = record_find(m, r->keys, 2);
    if (rec == NULL || condition_of(m, r->keys) == CSC_NETWORK_DOWN)
        return;
    rec->mode = r->mode;
    rec->has_mode = true;
}

static size_t radd(model_t *m, char *const *keys, size_t depth, csc_item_type_t type,
                   const char *name)
{
    if (m->rcount == m->rcap) {
        m->rcap = m->rcap == 0 ? 16 : 2 * m->rcap;
        model_remote_t *grown = xmalloc(m->rcap * sizeof *grown);
        if (m->rcount > 0)
            memcpy(grown, m->remote, m->rcount * sizeof *grown);
        free(m->remote);
        m->remote = grown;
    }
    model_remote_t *r = &m->remote[m->rcount];
    memset(r, 0, sizeof *r);
    r->depth = depth;
    r->type = type;
    r->keys = xmalloc(depth * sizeof *r->keys);
    for (size_t c = 0; c < depth; c++)
        r->keys[c] = xstrdup(keys[c]);
    r->name = xstrdup(name);
    r->version = type == CSC_ITEM_FILE ? 1 : 0;
    r->last_change = m->clock;
    r->mode = CSC_CACHING_MODE_MANUAL; /* C10.6: a new share */
    size_t i = m->rcount++;
    if (type == CSC_ITEM_SHARE)
        share_seen(m, i);
    return i;
}

/* Creates the items of depths from..n (all missing), `leaf` last, named
 * by the display components `names` (the spelling they are made with). */
static size_t rchain(model_t *m, char *const *keys, char *const *names, size_t from, size_t n,
                     csc_item_type_t leaf)
{
    size_t last = SIZE_MAX;
    for (size_t d = from; d <= n; d++)
        last = radd(m, keys, d, type_at(d, n, leaf), names[d - 1]);
    return last;
}

/* path_keys with the display components too. */
static csc_hresult path_names_keys(const char *path, char ***names, char ***keys, size_t *n)
{
    csc_hresult hr = model_normalize(path, names, n);
    if (hr != CSC_S_OK)
        return hr;
    *keys = xmalloc(*n * sizeof **keys);
    for (size_t c = 0; c < *n; c++)
        (*keys)[c] = model_fold((*names)[c]);
    return CSC_S_OK;
}

static bool rbelow_or_at(const model_remote_t *r, char *const *keys, size_t depth)
{
    if (r->depth < depth)
        return false;
    for (size_t c = 0; c < depth; c++)
        if (strcmp(r->keys[c], keys[c]) != 0)
            return false;
    return true;
}

size_t model_remote_count(const model_t *m)
{
    return m->rcount;
}

const model_remote_t *model_remote_at(const model_t *m, size_t index)
{
    return &m->remote[index];
}

/* ---- C10.2, C15.4, C15.19: the twins of setup caching ---- */

static void twin_prepare(model_t *m, char *const *keys, size_t n, bool file, bool *has_size,
                         uint64_t *size, twin_plan_t *tp)
{
    memset(tp, 0, sizeof *tp);
    if (file && n < 3)
        return; /* the tree refuses it */
    tp->active = true;
    tp->has_size = *has_size;
    tp->size = *size;
    if (n >= 2) {
        tp->server_down = condition_of(m, keys) == CSC_NETWORK_DOWN;
        tp->share_was_cached = find_keys(m, keys, 2) != SIZE_MAX;
    }
    /* C15.4 as the library decides it: without a size the cached copy
     * takes the server's size when the server has a version the cache has
     * not taken (its original differs). */
    size_t r = rfind(m, keys, n);
    if (file && !*has_size && r != SIZE_MAX && m->remote[r].type == CSC_ITEM_FILE &&
        m->remote[r].version != m->remote[r].orig) {
        *has_size = true;
        *size = m->remote[r].size;
    }
}

static void twin_commit(model_t *m, char *const *keys, char *const *names, size_t n,
                        csc_item_type_t type, const twin_plan_t *tp)
{
    if (!tp->active)
        return;
    record_t *rec = n >= 2 ? record_make(m, keys, 2) : NULL;
    size_t depth;
    size_t found = rdeepest(m, keys, n, &depth);
    if (depth == n) {
        model_remote_t *r = &m->remote[found];
        if (r->type == CSC_ITEM_FILE && type == CSC_ITEM_FILE) {
            if (tp->has_size) { /* C15.4: both get size N, the twin a new version */
                r->size = tp->size;
                r->version++;
                r->last_change = m->clock;
            }
            r->orig = r->version;
        } /* C15.19: none over a remote item of another type */
    } else if (found == SIZE_MAX || m->remote[found].type != CSC_ITEM_FILE) {
        size_t made = rchain(m, keys, names, depth + 1, n, type);
        if (type == CSC_ITEM_FILE) { /* C10.2: same size, version 1, in sync */
            const model_item_t *it = &m->items[find_keys(m, keys, n)];
            m->remote[made].size = it->size;
            m->remote[made].orig = m->remote[made].version;
            free(m->remote[made].name); /* the cached file's own spelling */
            m->remote[made].name = xstrdup(it->names[n - 1]);
        }
    } /* C15.19: none below a remote file */
    /* C10.6, C15.19: a share newly cached remembers the remote share's
     * mode; while the server is not down a record gets one if it has none. */
    if (rec != NULL) {
        rec = record_find(m, keys, 2);
        bool update = tp->server_down ? !tp->share_was_cached : !rec->has_mode;
        size_t share = rfind(m, keys, 2);
        if (update && share != SIZE_MAX) {
            rec->mode = m->remote[share].mode;
            rec->has_mode = true;
        }
    }
}

/* ---- the remote side's commands (C10.1, C15.4, C15.5) ---- */

static csc_hresult remote_make(model_t *m, const char *path, csc_item_type_t leaf, bool has_size,
                               uint64_t size)
{
    char **keys, **names;
    size_t n;
    csc_hresult hr = path_names_keys(path, &names, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (leaf == CSC_ITEM_FILE && n < 3) {
        model_free_names(keys, n);
        model_free_names(names, n);
        return CSC_E_INVALID_NAME;
    }
    csc_item_type_t want = type_at(n, n, leaf);
    size_t depth;
    size_t found = rdeepest(m, keys, n, &depth);
    if (depth == n) {
        model_remote_t *r = &m->remote[found];
        if (r->type != want) {
            hr = CSC_E_ALREADY_EXISTS;
        } else if (want == CSC_ITEM_FILE) { /* C15.4: a new version */
            if (has_size)
                r->size = size;
            r->version++;
            r->last_change = m->clock;
            clear_conflicts(m, r->keys, r->depth); /* C15.12 */
        }
    } else if (found != SIZE_MAX && m->remote[found].type == CSC_ITEM_FILE) {
        hr = CSC_E_DIRECTORY; /* below a file */
    } else {
        size_t made = rchain(m, keys, names, depth + 1, n, want);
        if (want == CSC_ITEM_FILE)
            m->remote[made].size = has_size ? size : 0;
    }
    model_free_names(keys, n);
    model_free_names(names, n);
    return hr;
}

csc_hresult model_remote_dir(model_t *m, const char *path)
{
    return remote_make(m, path, CSC_ITEM_DIRECTORY, false, 0);
}

csc_hresult model_remote_file(model_t *m, const char *path, bool has_size, uint64_t size)
{
    return remote_make(m, path, CSC_ITEM_FILE, has_size, size);
}

/* Looks a remote item up: S_OK and *index, 0x8007007B, 0x80070002. */
static csc_hresult rlookup(const model_t *m, const char *path, size_t *index, size_t *ncomp)
{
    char **keys;
    size_t n;
    csc_hresult hr = path_keys(path, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    *index = rfind(m, keys, n);
    if (ncomp != NULL)
        *ncomp = n;
    model_free_names(keys, n);
    return *index == SIZE_MAX ? CSC_E_FILE_NOT_FOUND : CSC_S_OK;
}

csc_hresult model_remote_write(model_t *m, const char *path, bool has_size, uint64_t size)
{
    size_t i;
    csc_hresult hr = rlookup(m, path, &i, NULL);
    if (hr != CSC_S_OK)
        return hr;
    model_remote_t *r = &m->remote[i];
    if (r->type != CSC_ITEM_FILE)
        return CSC_E_INVALIDARG;
    if (has_size)
        r->size = size;
    r->version++;
    r->last_change = m->clock;
    clear_conflicts(m, r->keys, r->depth); /* C15.12 */
    return CSC_S_OK;
}

/* Removes the remote item at keys[0..depth) and its subtree; cached files
 * below keep their original versions (C13.5) and lose their recorded
 * conflicts (C15.12). */
static void model_remote_delete_keys(model_t *m, char *const *keys, size_t depth)
{
    char **top = xmalloc(depth * sizeof *top);
    for (size_t c = 0; c < depth; c++)
        top[c] = xstrdup(keys[c]);
    clear_conflicts(m, top, depth);
    for (size_t i = 0; i < m->count; i++) {
        model_item_t *it = &m->items[i];
        size_t r = rfind(m, it->keys, it->depth);
        if (it->type == CSC_ITEM_FILE && !it->created_offline && r != SIZE_MAX &&
            rbelow_or_at(&m->remote[r], top, depth) && m->remote[r].type == CSC_ITEM_FILE &&
            m->remote[r].orig != 0)
            it->orig_kept = m->remote[r].orig;
    }
    size_t k = 0;
    for (size_t j = 0; j < m->rcount; j++) {
        if (rbelow_or_at(&m->remote[j], top, depth)) {
            model_free_names(m->remote[j].keys, m->remote[j].depth);
            free(m->remote[j].name);
        } else
            m->remote[k++] = m->remote[j];
    }
    m->rcount = k;
    model_free_names(top, depth); /* records stay (C15.7) */
}

csc_hresult model_remote_delete(model_t *m, const char *path)
{
    size_t i;
    csc_hresult hr = rlookup(m, path, &i, NULL);
    if (hr != CSC_S_OK)
        return hr;
    char **keys = keys_copy(m->remote[i].keys, m->remote[i].depth);
    size_t depth = m->remote[i].depth;
    model_remote_delete_keys(m, keys, depth);
    model_free_names(keys, depth);
    return CSC_S_OK;
}

csc_hresult model_share_mode(model_t *m, const char *share, csc_caching_mode_t mode)
{
    if (mode < CSC_CACHING_MODE_NOCACHING || mode > CSC_CACHING_MODE_AUTO_PROGANDDOC)
        return CSC_E_INVALIDARG;
    char **keys, **names;
    size_t n;
    csc_hresult hr = path_names_keys(share, &names, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (n != 2) {
        model_free_names(keys, n);
        model_free_names(names, n);
        return CSC_E_INVALIDARG; /* C15.5 */
    }
    size_t depth;
    size_t i = rdeepest(m, keys, 2, &depth);
    if (depth < 2)
        i = rchain(m, keys, names, depth + 1, 2, CSC_ITEM_SHARE);
    m->remote[i].mode = mode;
    share_seen(m, i);
    model_free_names(keys, n);
    model_free_names(names, n);
    return CSC_S_OK;
}

csc_hresult model_remote_item(const model_t *m, const char *path, csc_item_type_t *type,
                              uint64_t *size, uint64_t *version, uint64_t *last_change)
{
    size_t i;
    csc_hresult hr = rlookup(m, path, &i, NULL);
    if (hr != CSC_S_OK)
        return hr;
    const model_remote_t *r = &m->remote[i];
    bool file = r->type == CSC_ITEM_FILE;
    *type = r->type;
    *size = file ? r->size : 0;
    *version = file ? r->version : 0;
    *last_change = r->last_change;
    return CSC_S_OK;
}

/* ---- network conditions (C10.5, C10.11, C15.5) ---- */

csc_hresult model_network(model_t *m, const char *server, csc_network_t condition)
{
    if (condition != CSC_NETWORK_UP && condition != CSC_NETWORK_DOWN &&
        condition != CSC_NETWORK_SLOW)
        return CSC_E_INVALIDARG;
    char **keys;
    size_t n;
    csc_hresult hr = path_keys(server, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (n != 1)
        hr = CSC_E_INVALIDARG;
    else if (find_keys(m, keys, 1) == SIZE_MAX && rfind(m, keys, 1) == SIZE_MAX)
        hr = CSC_E_FILE_NOT_FOUND;
    if (hr == CSC_S_OK) {
        csc_network_t old = condition_of(m, keys);
        /* C10.10: the cached shares of the server offline before. */
        size_t *order = xmalloc((m->count + 1) * sizeof *order);
        size_t nord = model_walk(m, order), noff = 0;
        char ***off = xmalloc((m->count + 1) * sizeof *off);
        for (size_t k = 0; k < nord; k++) {
            const model_item_t *it = &m->items[order[k]];
            if (it->type != CSC_ITEM_SHARE || strcmp(it->keys[0], keys[0]) != 0)
                continue;
            csc_connect_state_t st;
            csc_offline_reason_t why;
            scope_state(m, it->keys, &st, &why);
            if (st != CSC_CONNECT_STATE_ONLINE)
                off[noff++] = keys_copy(it->keys, 2);
        }
        free(order);
        if (old != condition) { /* the same condition changes nothing */
            record_t *r = record_make(m, keys, 1);
            r->condition = condition;
            if (condition == CSC_NETWORK_SLOW)
                r->slow_epoch++; /* earlier overrides lapse */
            if (old == CSC_NETWORK_DOWN) /* C15.7: its shares are seen again */
                for (size_t i = 0; i < m->rcount; i++)
                    if (m->remote[i].type == CSC_ITEM_SHARE &&
                        strcmp(m->remote[i].keys[0], keys[0]) == 0)
                        share_seen(m, i);
            if (condition == CSC_NETWORK_DOWN) /* C10.11, C11.6 */
                nch_close_below(m, keys, 1);
            for (size_t k = 0; condition != CSC_NETWORK_DOWN && k < noff; k++) {
                csc_connect_state_t st;
                csc_offline_reason_t why;
                scope_state(m, off[k], &st, &why);
                if (st == CSC_CONNECT_STATE_ONLINE)
                    service_sync(m, off[k]);
            }
        }
        for (size_t k = 0; k < noff; k++)
            model_free_names(off[k], 2);
        free(off);
    }
    model_free_names(keys, n);
    return hr;
}

/* ---- connect states (C10.5) ---- */

static void scope_state(const model_t *m, char *const *keys, csc_connect_state_t *state,
                        csc_offline_reason_t *reason)
{
    const record_t *server = record_find(m, keys, 1), *share = record_find(m, keys, 2);
    csc_network_t cond = server != NULL ? server->condition : CSC_NETWORK_UP;
    *state = CSC_CONNECT_STATE_OFFLINE;
    if (cond == CSC_NETWORK_DOWN || rfind(m, keys, 2) == SIZE_MAX)
        *reason = CSC_OFFLINE_REASON_CONNECTION_ERROR;
    else if (share != NULL && share->forced)
        *reason = CSC_OFFLINE_REASON_CONNECTION_FORCED;
    else if (cond == CSC_NETWORK_SLOW &&
             !(share != NULL && share->has_override && share->override_epoch == server->slow_epoch))
        *reason = CSC_OFFLINE_REASON_CONNECTION_SLOW;
    else {
        *state = CSC_CONNECT_STATE_ONLINE;
        *reason = CSC_OFFLINE_REASON_NOT_APPLICABLE;
    }
}

bool model_item_suspended(const model_t *m, size_t index)
{
    const model_item_t *it = &m->items[index];
    if (it->type == CSC_ITEM_SERVER)
        return false;
    for (size_t d = it->depth; d >= 1; d--)
        if (m->items[ancestor(m, index, d)].suspend_root)
            return true;
    return false;
}

csc_hresult model_connect_state(const model_t *m, const char *path, csc_connect_state_t *state,
                                csc_offline_reason_t *reason)
{
    *state = CSC_CONNECT_STATE_UNKNOWN;
    *reason = CSC_OFFLINE_REASON_UNKNOWN;
    char **keys;
    size_t n;
    csc_hresult hr = path_keys(path, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (n == 1) { /* a server: online unless down */
        bool down = condition_of(m, keys) == CSC_NETWORK_DOWN;
        *state = down ? CSC_CONNECT_STATE_OFFLINE : CSC_CONNECT_STATE_ONLINE;
        *reason = down ? CSC_OFFLINE_REASON_CONNECTION_ERROR : CSC_OFFLINE_REASON_NOT_APPLICABLE;
    } else {
        scope_state(m, keys, state, reason);
        if (*state == CSC_CONNECT_STATE_ONLINE) {
            /* The item, or its closest cached ancestor down to the share,
             * in a suspended tree (C10.5, C13.3, C15.8). */
            size_t i = SIZE_MAX;
            for (size_t d = n; d >= 2 && i == SIZE_MAX; d--)
                i = find_keys(m, keys, d);
            if (i != SIZE_MAX && model_item_suspended(m, i)) {
                *state = CSC_CONNECT_STATE_OFFLINE;
                *reason = CSC_OFFLINE_REASON_ITEM_SUSPENDED;
            } else if (find_keys(m, keys, n) != SIZE_MAX &&
                       m->items[find_keys(m, keys, n)].conflict != 0) {
                *state = CSC_CONNECT_STATE_OFFLINE; /* C12.6 */
                *reason = CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT;
            }
        }
    }
    model_free_names(keys, n);
    return CSC_S_OK;
}

/* ---- TransitionOffline / TransitionOnline (C10.9, C10.10, C15.5, C15.6) ---- */

#define TRANSITION_FLAGS (CSC_TRANSITION_FLAG_INTERACTIVE | CSC_TRANSITION_FLAG_CONSOLE)

static csc_hresult transition_scope(const model_t *m, const char *path, uint32_t flags,
                                    char ***keys, size_t *n)
{
    *keys = NULL;
    *n = 0;
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    if (flags & ~TRANSITION_FLAGS)
        return CSC_E_INVALIDARG;
    csc_hresult hr = path_keys(path, keys, n);
    if (hr != CSC_S_OK)
        return hr;
    if (*n < 2)
        return CSC_E_INVALIDARG;
    if (find_keys(m, *keys, 2) == SIZE_MAX && rfind(m, *keys, 2) == SIZE_MAX)
        return CSC_E_FILE_NOT_FOUND;
    return CSC_S_OK;
}

csc_hresult model_transition_offline(model_t *m, const char *path, bool force, uint32_t flags,
                                     bool *open_files)
{
    *open_files = false;
    char **keys;
    size_t n;
    csc_hresult hr = transition_scope(m, path, flags, &keys, &n);
    if (hr == CSC_S_OK) {
        csc_connect_state_t st;
        csc_offline_reason_t why;
        scope_state(m, keys, &st, &why);
        if (nch_below(m, keys, 2) != 0 && !force && st == CSC_CONNECT_STATE_ONLINE) {
            *open_files = true; /* C10.9: nothing changes */
        } else {
            if (force)
                nch_close_below(m, keys, 2); /* C11.6 */
            record_make(m, keys, 2)->forced = true; /* also when already offline */
        }
    }
    model_free_names(keys, n);
    return hr;
}

csc_hresult model_transition_online(model_t *m, const char *path, uint32_t flags)
{
    char **keys;
    size_t n;
    csc_hresult hr = transition_scope(m, path, flags, &keys, &n);
    csc_connect_state_t before = CSC_CONNECT_STATE_OFFLINE;
    csc_offline_reason_t before_why;
    if (hr == CSC_S_OK)
        scope_state(m, keys, &before, &before_why);
    if (hr == CSC_S_OK) {
        const record_t *server = record_find(m, keys, 1);
        bool slow = server != NULL && server->condition == CSC_NETWORK_SLOW;
        record_t *share = slow ? record_make(m, keys, 2) : record_find(m, keys, 2);
        server = record_find(m, keys, 1); /* record_make may move records */
        if (share != NULL) {
            share->forced = false;
            share->has_override = slow; /* until the server next becomes slow */
            share->override_epoch = slow ? server->slow_epoch : 0;
        }
        csc_connect_state_t st;
        csc_offline_reason_t why;
        scope_state(m, keys, &st, &why);
        if (st != CSC_CONNECT_STATE_ONLINE)
            hr = CSC_E_BAD_NETPATH; /* the forced mark stays cleared */
        else if (before != CSC_CONNECT_STATE_ONLINE)
            service_sync(m, keys); /* C10.10 */
    }
    model_free_names(keys, n);
    return hr;
}

/* ---- IsPathCacheable (C10.7, C15.7) ---- */

csc_hresult model_cacheable(const model_t *m, const char *path, bool *cacheable,
                            csc_caching_mode_t *mode)
{
    *cacheable = false;
    *mode = CSC_CACHING_MODE_NONE;
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    char **keys;
    size_t n;
    csc_hresult hr = path_keys(path, &keys, &n);
    if (hr != CSC_S_OK)
        return hr;
    if (n >= 2) {
        size_t share = rfind(m, keys, 2);
        csc_caching_mode_t md = CSC_CACHING_MODE_NONE;
        if (share != SIZE_MAX && condition_of(m, keys) != CSC_NETWORK_DOWN) {
            md = m->remote[share].mode;
        } else if (find_keys(m, keys, 2) != SIZE_MAX) {
            const record_t *r = record_find(m, keys, 2);
            if (r != NULL && r->has_mode)
                md = r->mode;
        }
        *mode = md;
        *cacheable = md != CSC_CACHING_MODE_NONE && md != CSC_CACHING_MODE_NOCACHING;
    }
    model_free_names(keys, n);
    return CSC_S_OK;
}

/* ---- SuspendRoot (C13.3, C15.16) ---- */

csc_hresult model_suspend(model_t *m, const char *path, bool suspend)
{
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    size_t i;
    csc_hresult hr = lookup(m, path, &i);
    if (hr != CSC_S_OK)
        return hr;
    if (m->items[i].type == CSC_ITEM_SERVER)
        return CSC_E_NOT_SUPPORTED;
    if (m->items[i].type == CSC_ITEM_FILE)
        return CSC_E_INVALIDARG;
    if (suspend) {
        m->items[i].suspend_root = true;
        return CSC_S_OK;
    }
    for (size_t j = 0; j < m->count; j++)
        if (j == i || is_descendant(m, i, j))
            m->items[j].suspend_root = false;
    return CSC_S_OK;
}

/* ---- the feature state (C13.1, C15.14, C15.19) ---- */

csc_hresult model_enable(model_t *m, bool enable, bool *reboot)
{
    *reboot = false;
    if (!m->admin)
        return CSC_E_ACCESSDENIED;
    m->enabled = enable;
    *reboot = m->active != enable;
    return CSC_S_OK;
}

csc_hresult model_start(model_t *m)
{
    if (!m->enabled)
        return CSC_E_NOT_SUPPORTED;
    m->active = true;
    return CSC_S_OK;
}

static void renames_apply(model_t *m);

csc_hresult model_restart(model_t *m)
{
    for (size_t i = 0; i < m->count; i++)
        m->items[i].open_count = 0; /* every handle closes */
    nch_close_below(m, NULL, 0);
    m->active = m->enabled;
    renames_apply(m); /* C15.14, C15.15 */
    return CSC_S_OK;
}

void model_status(const model_t *m, bool *active, bool *enabled)
{
    *active = m->active;
    *enabled = m->enabled;
}

/* ---- RenameItemEx and RenameItem (C13.2, C15.15, C15.19, C15.21) ---- */

/* The checks of C13.2 in the library's order; on S_OK *item is the item
 * and *nnames / *nkeys / *n the new path. */
static csc_hresult rename_check(const model_t *m, const char *original, const char *new_path,
                                bool access, bool handles, size_t *item, char ***nnames,
                                size_t *n)
{
    *nnames = NULL;
    *n = 0;
    csc_hresult hr = lookup(m, original, item);
    if (hr != CSC_S_OK)
        return hr;
    if (access && !model_caller_has_access(m, *item))
        return CSC_E_ACCESSDENIED;
    hr = model_normalize(new_path, nnames, n);
    if (hr != CSC_S_OK)
        return hr;
    const model_item_t *it = &m->items[*item];
    char **nk = xmalloc(*n * sizeof *nk);
    for (size_t c = 0; c < *n; c++)
        nk[c] = model_fold((*nnames)[c]);
    if (it->depth != *n)
        hr = CSC_E_INVALIDARG; /* another depth */
    else if (*n >= 3 && (strcmp(nk[0], it->keys[0]) != 0 || strcmp(nk[1], it->keys[1]) != 0))
        hr = CSC_E_INVALIDARG; /* a directory or file stays in its share */
    /* (same depth: New cannot lie inside Original's own subtree) */
    if (hr == CSC_S_OK && find_keys(m, nk, *n) != SIZE_MAX)
        hr = CSC_E_ALREADY_EXISTS;
    if (hr == CSC_S_OK && *n > 1) {
        size_t parent = find_keys(m, nk, *n - 1);
        if (parent == SIZE_MAX || m->items[parent].type == CSC_ITEM_FILE)
            hr = CSC_E_PATH_NOT_FOUND;
    }
    if (hr == CSC_S_OK && handles)
        for (size_t j = 0; j < m->count && hr == CSC_S_OK; j++)
            if ((j == *item || is_descendant(m, *item, j)) && m->items[j].open_count > 0)
                hr = CSC_E_SHARING_VIOLATION;
    model_free_names(nk, *n);
    return hr;
}

/* Moves item i and its subtree to the new path (same depth). */
static void rename_apply(model_t *m, size_t i, char *const *nnames, size_t n)
{
    char **old = xmalloc(n * sizeof *old);
    for (size_t c = 0; c < n; c++)
        old[c] = xstrdup(m->items[i].keys[c]);
    for (size_t j = 0; j < m->count; j++) {
        model_item_t *it = &m->items[j];
        if (it->depth < n)
            continue;
        bool below = true;
        for (size_t c = 0; below && c < n; c++)
            below = strcmp(it->keys[c], old[c]) == 0;
        if (!below)
            continue;
        for (size_t c = 0; c < n; c++) {
            free(it->names[c]);
            free(it->keys[c]);
            it->names[c] = xstrdup(nnames[c]);
            it->keys[c] = model_fold(nnames[c]);
        }
    }
    model_free_names(old, n);
}

csc_hresult model_rename(model_t *m, const char *original, const char *new_path, bool at_restart)
{
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    if (at_restart && !m->admin)
        return CSC_E_ACCESSDENIED;
    size_t i;
    char **nnames;
    size_t n;
    csc_hresult hr = rename_check(m, original, new_path, true, !at_restart, &i, &nnames, &n);
    if (hr == CSC_S_OK && !at_restart)
        rename_apply(m, i, nnames, n);
    model_free_names(nnames, n);
    if (hr == CSC_S_OK && at_restart) { /* logged (C15.15) */
        char **f = xmalloc((m->renames + 1) * sizeof *f), **t = xmalloc((m->renames + 1) * sizeof *t);
        if (m->renames > 0) {
            memcpy(f, m->rename_from, m->renames * sizeof *f);
            memcpy(t, m->rename_to, m->renames * sizeof *t);
        }
        free(m->rename_from);
        free(m->rename_to);
        f[m->renames] = xstrdup(original);
        t[m->renames] = xstrdup(new_path);
        m->rename_from = f;
        m->rename_to = t;
        m->renames++;
    }
    return hr;
}

size_t model_pending_renames(const model_t *m)
{
    return m->renames;
}

/* At restart, in the order logged; a rename no longer possible is dropped;
 * no access check again (C15.21). */
static void renames_apply(model_t *m)
{
    for (size_t r = 0; r < m->renames; r++) {
        size_t i;
        char **nnames;
        size_t n;
        if (rename_check(m, m->rename_from[r], m->rename_to[r], false, false, &i, &nnames, &n) ==
            CSC_S_OK)
            rename_apply(m, i, nnames, n);
        model_free_names(nnames, n);
    }
    model_free_names(m->rename_from, m->renames);
    model_free_names(m->rename_to, m->renames);
    m->rename_from = m->rename_to = NULL;
    m->renames = 0;
}

/* ---- Encrypt (C13.4, C15.16) ---- */

csc_hresult model_encrypt(model_t *m, bool encrypt, uint32_t flags, const model_sink_t *sink)
{
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    if (flags & ~CSC_ENCRYPT_FLAGS_VALID)
        return CSC_E_INVALIDARG; /* no event, nothing changes */
    bool answers = !(flags & CSC_ENCRYPT_FLAG_ASYNC_PROGRESS);
    m->enc_config = encrypt; /* files cached later follow it */
    bool cancelled = false;
    char *ev = wmi_event(CSC_EVENT_BEGIN, CSC_S_OK, "");
    if (sink != NULL && sink->begin != NULL && sink->begin(sink->user_data, ev) && answers)
        cancelled = true;
    free(ev);
    size_t *order = xmalloc((m->count + 1) * sizeof *order);
    size_t n = model_walk(m, order);
    for (size_t k = 0; k < n && !cancelled; k++) {
        size_t i = order[k];
        if (m->items[i].type != CSC_ITEM_FILE)
            continue;
        char *path = model_item_path(m, i);
        for (;;) {
            ev = wmi_event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path);
            int r = CSC_OP_CONTINUE;
            if (sink != NULL && sink->item_begin != NULL)
                r = sink->item_begin(sink->user_data, ev);
            free(ev);
            if (answers && r == CSC_OP_ABORT) {
                cancelled = true;
                break;
            }
            csc_hresult hr = CSC_S_OK;
            if (m->items[i].open_count > 0)
                hr = CSC_E_SHARING_VIOLATION; /* keeps its state */
            else
                m->items[i].encrypted = encrypt;
            ev = wmi_event(CSC_EVENT_ITEM_RESULT, hr, path);
            r = CSC_OP_CONTINUE;
            if (sink != NULL && sink->item_result != NULL)
                r = sink->item_result(sink->user_data, ev, path);
            free(ev);
            if (!answers)
                r = CSC_OP_CONTINUE;
            if (r == CSC_OP_ABORT) {
                cancelled = true;
                break;
            }
            if (r != CSC_OP_RETRY)
                break;
        }
        free(path);
    }
    free(order);
    csc_hresult end = cancelled ? CSC_E_CANCELLED : CSC_S_OK;
    ev = wmi_event(CSC_EVENT_END, end, "");
    if (sink != NULL && sink->end != NULL)
        sink->end(sink->user_data, ev);
    free(ev);
    return end;
}

void model_encryption_state(const model_t *m, bool *encrypted, bool *partial)
{
    *encrypted = m->enc_config;
    *partial = false;
    for (size_t i = 0; i < m->count; i++)
        if (m->items[i].type == CSC_ITEM_FILE && m->items[i].encrypted != m->enc_config)
            *partial = true;
}

/* ---- DeleteItems, DeleteItemsForUser (C15.18, C13.7) ---- */

/* C9.1 for a named user. */
static bool user_has_access(const model_t *m, size_t index, const char *user)
{
    for (size_t d = m->items[index].depth; d >= 1; d--) {
        const model_item_t *a = &m->items[ancestor(m, index, d)];
        if (!a->has_access)
            continue;
        for (size_t u = 0; u < a->user_count; u++)
            if (names_equal_folded(a->users[u], user))
                return true;
        return false;
    }
    return true;
}

/* Post-order: contents before their container, siblings in C2.3 order. */
static int post_cmp(const model_t *m, size_t a, size_t b)
{
    const model_item_t *A = &m->items[a], *B = &m->items[b];
    size_t n = A->depth < B->depth ? A->depth : B->depth;
    for (size_t c = 0; c < n; c++) {
        int r = strcmp(A->keys[c], B->keys[c]);
        if (r != 0)
            return r;
    }
    return A->depth > B->depth ? -1 : A->depth < B->depth ? 1 : 0;
}

/* C15.18, one item; *removed tells an item that left the cache from one
 * kept by the flags (both S_OK). */
static csc_hresult delete_one(model_t *m, size_t i, uint32_t flags, const char *user,
                              bool *removed)
{
    const model_item_t *it = &m->items[i];
    bool access = user != NULL ? user_has_access(m, i, user) : model_caller_has_access(m, i);
    if (!(flags & CSC_DELETE_ADMIN) && !access)
        return CSC_E_ACCESSDENIED;
    if (it->type == CSC_ITEM_FILE) {
        if (it->open_count > 0)
            return CSC_E_SHARING_VIOLATION;
        if (it->dirty && !(flags & CSC_DELETE_DEL_MODIFIED))
            return CSC_S_OK; /* C15.18: kept, with S_OK */
    }
    if (it->pins != 0 && (flags & CSC_DELETE_NO_PINNED))
        return CSC_S_OK; /* kept */
    if (it->type == CSC_ITEM_FILE && it->pins == 0 && (flags & CSC_DELETE_NO_AUTO_CACHED))
        return CSC_S_OK; /* kept */
    if (has_child(m, i))
        return CSC_HR(0x80070091u); /* ERROR_DIR_NOT_EMPTY */
    item_free(&m->items[i]); /* local only: the server keeps it */
    memmove(&m->items[i], &m->items[i + 1], (m->count - i - 1) * sizeof *m->items);
    m->count--;
    *removed = true;
    return CSC_S_OK;
}

static csc_hresult delete_walk(model_t *m, const char *user, const char *const *paths,
                               size_t count, uint32_t flags, const model_sink_t *sink)
{
    bool cancelled = false, any_failed = false;
    /* C15.18: a single path naming a cached file, at the start of the call,
     * returns that file's last result. */
    size_t first;
    bool single_file = count == 1 && lookup(m, paths[0], &first) == CSC_S_OK &&
                       m->items[first].type == CSC_ITEM_FILE;
    csc_hresult last = CSC_S_OK;
    char *ev = wmi_event(CSC_EVENT_BEGIN, CSC_S_OK, "");
    if (sink != NULL && sink->begin != NULL && sink->begin(sink->user_data, ev))
        cancelled = true;
    free(ev);
    for (size_t p = 0; p < count && !cancelled; p++) {
        size_t top;
        csc_hresult fixed = lookup(m, paths[p], &top);
        /* The subtree's keys, post-order, looked up again as items go. */
        size_t n = 0;
        char ***keys = NULL;
        size_t *depths = NULL;
        if (fixed == CSC_S_OK) {
            size_t *list = xmalloc((m->count + 1) * sizeof *list);
            for (size_t i = 0; i < m->count; i++)
                if (i == top || is_descendant(m, top, i))
                    list[n++] = i;
            for (size_t a = 1; a < n; a++) { /* insertion sort, post-order */
                size_t v = list[a], b = a;
                while (b > 0 && post_cmp(m, list[b - 1], v) > 0) {
                    list[b] = list[b - 1];
                    b--;
                }
                list[b] = v;
            }
            keys = xmalloc(n * sizeof *keys);
            depths = xmalloc(n * sizeof *depths);
            for (size_t k = 0; k < n; k++) {
                const model_item_t *it = &m->items[list[k]];
                depths[k] = it->depth;
                keys[k] = xmalloc(it->depth * sizeof *keys[k]);
                for (size_t c = 0; c < it->depth; c++)
                    keys[k][c] = xstrdup(it->keys[c]);
            }
            free(list);
        } else {
            n = 1;
        }
        for (size_t k = 0; k < n && !cancelled; k++) {
            size_t i = fixed == CSC_S_OK ? find_keys(m, keys[k], depths[k]) : SIZE_MAX;
            char *path = fixed == CSC_S_OK ? model_item_path(m, i) : xstrdup(paths[p]);
            for (;;) {
                ev = wmi_event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path);
                int r = CSC_OP_CONTINUE;
                if (sink != NULL && sink->item_begin != NULL)
                    r = sink->item_begin(sink->user_data, ev);
                free(ev);
                if (r == CSC_OP_ABORT) {
                    cancelled = true;
                    break;
                }
                bool removed = false;
                csc_hresult hr =
                    fixed != CSC_S_OK ? fixed : delete_one(m, i, flags, user, &removed);
                last = hr;
                ev = wmi_event(CSC_EVENT_ITEM_RESULT, hr, path);
                r = CSC_OP_CONTINUE;
                if (sink != NULL && sink->item_result != NULL)
                    r = sink->item_result(sink->user_data, ev, path);
                free(ev);
                if (CSC_FAILED(hr) && r != CSC_OP_RETRY)
                    any_failed = true;
                if (r == CSC_OP_ABORT) {
                    cancelled = true;
                    break;
                }
                /* A deleted item has nothing left to retry; a kept one has. */
                if (r == CSC_OP_RETRY && !removed)
                    continue;
                break;
            }
            free(path);
        }
        for (size_t k = 0; fixed == CSC_S_OK && k < n; k++)
            model_free_names(keys[k], depths[k]);
        free(keys);
        free(depths);
    }
    csc_hresult end = cancelled ? CSC_E_CANCELLED : CSC_S_OK;
    ev = wmi_event(CSC_EVENT_END, end, "");
    if (sink != NULL && sink->end != NULL)
        sink->end(sink->user_data, ev);
    free(ev);
    if (cancelled)
        return end;
    if (single_file)
        return last;
    return any_failed ? CSC_E_MORE_DATA : CSC_S_OK;
}

csc_hresult model_delete_items(model_t *m, const char *user, const char *const *paths,
                               size_t count, uint32_t flags, const model_sink_t *sink)
{
    if (!m->active) /* C13.1; C15.3: no pass */
        return CSC_E_SERVICE_NOT_ACTIVE;
    csc_hresult hr = CSC_S_OK;
    if (paths == NULL || count == 0)
        hr = CSC_E_INVALIDARG;
    for (size_t p = 0; hr == CSC_S_OK && p < count; p++)
        if (paths[p] == NULL)
            hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK && (flags & ~CSC_DELETE_FLAGS_VALID))
        hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK && user != NULL && (user[0] == '\0' || !utf8_valid(user)))
        hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK && !m->admin && (user != NULL || (flags & CSC_DELETE_ADMIN)))
        hr = CSC_E_ACCESSDENIED; /* before any event */
    if (hr == CSC_S_OK)
        hr = delete_walk(m, user, paths, count, flags, sink);
    policy_pass(m); /* C15.3: even after a rejected call */
    return hr;
}

/* ==== C11 applications, C12 Synchronize, C10.10's service, C10.11 ==== */

/* ---- the file state (C10.2, C10.3, C13.5) ---- */

static size_t twin_of(const model_t *m, size_t i)
{
    return rfind(m, m->items[i].keys, m->items[i].depth);
}

bool model_item_original(const model_t *m, size_t index, uint64_t *version)
{
    const model_item_t *it = &m->items[index];
    if (it->type != CSC_ITEM_FILE || it->created_offline)
        return false;
    size_t r = twin_of(m, index);
    uint64_t v = r != SIZE_MAX && m->remote[r].type == CSC_ITEM_FILE && m->remote[r].orig != 0
                     ? m->remote[r].orig
                     : it->orig_kept;
    if (v == 0)
        return false;
    *version = v;
    return true;
}

/* C10.3: *rgone when the twin is gone (or not a file); *ri the remote file. */
static bool server_changed(const model_t *m, size_t i, bool *rgone, size_t *ri)
{
    const model_item_t *it = &m->items[i];
    size_t r = twin_of(m, i);
    bool rfile = r != SIZE_MAX && m->remote[r].type == CSC_ITEM_FILE;
    *rgone = false;
    *ri = rfile ? r : SIZE_MAX;
    if (it->created_offline)
        return rfile;
    if (!rfile) {
        *rgone = true;
        return true;
    }
    return m->remote[r].version != m->remote[r].orig;
}

bool model_item_changed_on_server(const model_t *m, size_t index)
{
    bool rgone;
    size_t ri;
    return m->items[index].type == CSC_ITEM_FILE && server_changed(m, index, &rgone, &ri);
}

/* The file is in sync: clean, no created/deleted mark, no conflict. */
static void make_clean(model_item_t *it)
{
    it->dirty = false;
    it->dirty_bytes = 0;
    it->created_offline = it->deleted_offline = false;
    it->conflict = 0;
}

static void remove_item(model_t *m, size_t i)
{
    item_free(&m->items[i]);
    memmove(&m->items[i], &m->items[i + 1], (m->count - i - 1) * sizeof *m->items);
    m->count--;
}

/* C15.12: a change on the server clears the recorded conflicts at and
 * below keys[0..n). */
static void clear_conflicts(model_t *m, char *const *keys, size_t n)
{
    for (size_t i = 0; i < m->count; i++) {
        model_item_t *it = &m->items[i];
        if (it->depth < n)
            continue;
        bool below = true;
        for (size_t c = 0; below && c < n; c++)
            below = strcmp(it->keys[c], keys[c]) == 0;
        if (below)
            it->conflict = 0;
    }
}

/* ---- non-cached handles (C11.1, C11.6, C10.9, C10.11) ---- */

static size_t nch_find(const model_t *m, const char *key)
{
    for (size_t i = 0; i < m->nch_n; i++)
        if (strcmp(m->nch_keys[i], key) == 0)
            return i;
    return SIZE_MAX;
}

static void nch_add(model_t *m, char *const *keys, size_t n)
{
    char *k = join_keys(keys, n);
    size_t i = nch_find(m, k);
    if (i != SIZE_MAX) {
        m->nch_counts[i]++;
        free(k);
        return;
    }
    if (m->nch_n == m->nch_cap) {
        m->nch_cap = m->nch_cap == 0 ? 8 : 2 * m->nch_cap;
        char **grown = xmalloc(m->nch_cap * sizeof *grown);
        uint32_t *gc = xmalloc(m->nch_cap * sizeof *gc);
        if (m->nch_n > 0) {
            memcpy(grown, m->nch_keys, m->nch_n * sizeof *grown);
            memcpy(gc, m->nch_counts, m->nch_n * sizeof *gc);
        }
        free(m->nch_keys);
        free(m->nch_counts);
        m->nch_keys = grown;
        m->nch_counts = gc;
    }
    m->nch_keys[m->nch_n] = k;
    m->nch_counts[m->nch_n++] = 1;
}

static void nch_drop(model_t *m, size_t i)
{
    free(m->nch_keys[i]);
    m->nch_keys[i] = m->nch_keys[m->nch_n - 1];
    m->nch_counts[i] = m->nch_counts[m->nch_n - 1];
    m->nch_n--;
}

/* Closes every non-cached handle below keys[0..n) (n == 0: all). */
static void nch_close_below(model_t *m, char *const *keys, size_t n)
{
    char *k = join_keys(keys, n);
    size_t len = strlen(k);
    for (size_t i = m->nch_n; i-- > 0;)
        if (n == 0 || (strncmp(m->nch_keys[i], k, len) == 0 && m->nch_keys[i][len] == '\\'))
            nch_drop(m, i);
    free(k);
}

static size_t nch_below(const model_t *m, char *const *keys, size_t n)
{
    char *k = join_keys(keys, n);
    size_t len = strlen(k), total = 0;
    for (size_t i = 0; i < m->nch_n; i++)
        if (strncmp(m->nch_keys[i], k, len) == 0 && m->nch_keys[i][len] == '\\')
            total += m->nch_counts[i];
    free(k);
    return total;
}

uint32_t model_noncached_handles(const model_t *m, const char *path)
{
    char **keys;
    size_t n;
    if (path_keys(path, &keys, &n) != CSC_S_OK)
        return 0;
    char *k = join_keys(keys, n);
    size_t i = nch_find(m, k);
    free(k);
    model_free_names(keys, n);
    return i == SIZE_MAX ? 0 : m->nch_counts[i];
}

/* ---- applications (C11, C15.8, C15.9, C15.19) ---- */

typedef struct app {
    char **names, **keys;
    size_t n;
    size_t item;   /* the cached item, or SIZE_MAX */
    bool online;   /* C15.8: the path's connect state is ONLINE */
    bool dirty;    /* changed on the client: worked on in the cache */
    size_t remote; /* the remote item at the path, or SIZE_MAX */
} app_t;

static csc_hresult app_begin(model_t *m, const char *path, app_t *a)
{
    memset(a, 0, sizeof *a);
    csc_hresult hr = path_names_keys(path, &a->names, &a->keys, &a->n);
    if (hr != CSC_S_OK)
        return hr;
    a->item = find_keys(m, a->keys, a->n);
    a->dirty = a->item != SIZE_MAX && m->items[a->item].dirty;
    csc_connect_state_t st;
    csc_offline_reason_t why;
    model_connect_state(m, path, &st, &why);
    a->online = st == CSC_CONNECT_STATE_ONLINE;
    a->remote = rfind(m, a->keys, a->n);
    return CSC_S_OK;
}

static void app_end(app_t *a)
{
    model_free_names(a->names, a->n);
    model_free_names(a->keys, a->n);
}

static bool app_local(const app_t *a)
{
    return !a->online || a->dirty;
}

/* C15.8: a container (cached, a server or share path, or a remote one
 * while online and not cached). */
static bool app_container(const model_t *m, const app_t *a)
{
    if (a->n < 3)
        return true;
    if (a->item != SIZE_MAX)
        return m->items[a->item].type != CSC_ITEM_FILE;
    return a->online && a->remote != SIZE_MAX && m->remote[a->remote].type != CSC_ITEM_FILE;
}

static bool app_remote_file(const model_t *m, const app_t *a)
{
    return a->remote != SIZE_MAX && m->remote[a->remote].type == CSC_ITEM_FILE;
}

static csc_caching_mode_t app_share_mode(const model_t *m, const app_t *a)
{
    size_t s = rfind(m, a->keys, 2);
    return s != SIZE_MAX ? m->remote[s].mode : CSC_CACHING_MODE_NONE;
}

static bool auto_caching(csc_caching_mode_t mode)
{
    return mode == CSC_CACHING_MODE_AUTO_DOC || mode == CSC_CACHING_MODE_AUTO_PROGANDDOC;
}

/* Caches the remote file at the path (online), full and in sync, with the
 * application's spelling (C1.3: as first cached); C5.7 first. */
static csc_hresult app_cache(model_t *m, app_t *a, uint64_t size)
{
    if (size > 0 && !make_room(m, a->keys, a->n, size))
        return CSC_E_DISK_FULL;
    for (size_t d = 1; d <= a->n; d++) {
        if (find_keys(m, a->keys, d) != SIZE_MAX)
            continue;
        add_item(m, a->names, d, type_at(d, a->n, CSC_ITEM_FILE));
        if (d == a->n)
            m->items[m->count - 1].size = size;
    }
    size_t r = rfind(m, a->keys, a->n);
    m->remote[r].orig = m->remote[r].version;
    record_t *rec = record_make(m, a->keys, 2); /* C10.6, C15.7 */
    rec->mode = m->remote[rfind(m, a->keys, 2)].mode;
    rec->has_mode = true;
    return CSC_S_OK;
}

csc_hresult model_app_open(model_t *m, const char *path)
{
    app_t a;
    csc_hresult hr = app_begin(m, path, &a);
    if (hr != CSC_S_OK)
        return hr;
    bool cached = false;
    if (app_container(m, &a)) {
        hr = CSC_E_INVALIDARG;
    } else if (app_local(&a)) {
        if (a.item == SIZE_MAX || m->items[a.item].deleted_offline)
            hr = CSC_E_FILE_NOT_FOUND;
        else if (m->items[a.item].sparse)
            hr = CSC_E_FILE_OFFLINE;
        else {
            m->items[a.item].open_count++;
            m->items[a.item].last_use = m->clock;
        }
    } else if (!app_remote_file(m, &a)) {
        hr = CSC_E_FILE_NOT_FOUND;
    } else if (a.item != SIZE_MAX) { /* clean: refreshed when changed, filled */
        bool rgone;
        size_t ri;
        bool refresh = server_changed(m, a.item, &rgone, &ri);
        model_item_t *it = &m->items[a.item];
        bool sparse = it->sparse;
        uint64_t want = refresh ? m->remote[a.remote].size : it->size;
        uint64_t have = held(it);
        if ((refresh || sparse) && want > have && !make_room(m, a.keys, a.n, want - have))
            hr = CSC_E_DISK_FULL;
        if (hr == CSC_S_OK) {
            it = &m->items[find_keys(m, a.keys, a.n)];
            if (refresh) {
                size_t r = rfind(m, a.keys, a.n);
                it->size = m->remote[r].size;
                m->remote[r].orig = m->remote[r].version;
            }
            it->sparse = false;
            it->open_count++;
            it->last_use = m->clock;
        }
    } else if (auto_caching(app_share_mode(m, &a))) {
        hr = app_cache(m, &a, m->remote[a.remote].size);
        if (hr == CSC_S_OK) {
            cached = true;
            model_item_t *it = &m->items[find_keys(m, a.keys, a.n)];
            it->open_count++;
            it->last_use = m->clock;
        }
    } else {
        nch_add(m, a.keys, a.n);
    }
    app_end(&a);
    if (cached)
        policy_pass(m);
    return hr;
}

csc_hresult model_app_close(model_t *m, const char *path)
{
    app_t a;
    csc_hresult hr = app_begin(m, path, &a);
    if (hr != CSC_S_OK)
        return hr;
    if (a.item != SIZE_MAX && m->items[a.item].type != CSC_ITEM_FILE) {
        hr = CSC_E_INVALIDARG;
    } else if (a.item != SIZE_MAX && m->items[a.item].open_count > 0) {
        m->items[a.item].open_count--;
    } else {
        char *k = join_keys(a.keys, a.n);
        size_t i = nch_find(m, k);
        free(k);
        if (i != SIZE_MAX) {
            if (--m->nch_counts[i] == 0)
                nch_drop(m, i);
        } else if (a.item == SIZE_MAX) {
            hr = CSC_E_FILE_NOT_FOUND;
        }
    }
    app_end(&a);
    return hr;
}

static void touch_local(model_t *m, model_item_t *it)
{
    it->has_local_time = true;
    it->local_change = m->clock;
}

csc_hresult model_app_write(model_t *m, const char *path, uint64_t bytes, bool has_size,
                            uint64_t size)
{
    app_t a;
    csc_hresult hr = app_begin(m, path, &a);
    if (hr != CSC_S_OK)
        return hr;
    if (app_container(m, &a)) {
        hr = CSC_E_INVALIDARG;
    } else if (app_local(&a)) { /* C11.2 offline: a change in the cache */
        model_item_t *it = a.item != SIZE_MAX ? &m->items[a.item] : NULL;
        if (it == NULL || it->deleted_offline)
            hr = CSC_E_FILE_NOT_FOUND;
        else if (it->sparse)
            hr = CSC_E_FILE_OFFLINE;
        else {
            touch_local(m, it);
            it->dirty = true;
            it->dirty_bytes = bytes > UINT64_MAX - it->dirty_bytes ? UINT64_MAX
                                                                   : it->dirty_bytes + bytes;
            if (has_size)
                it->size = size;
        }
    } else if (!app_remote_file(m, &a)) {
        hr = CSC_E_FILE_NOT_FOUND;
    } else { /* online: the server's file changes; a clean copy follows */
        model_remote_t *r = &m->remote[a.remote];
        if (has_size)
            r->size = size;
        r->version++;
        r->last_change = m->clock;
        if (a.item != SIZE_MAX) {
            m->items[a.item].size = r->size; /* a sparse copy stays sparse */
            r->orig = r->version;
        }
    }
    app_end(&a);
    return hr;
}

csc_hresult model_app_create(model_t *m, const char *path, uint64_t size)
{
    app_t a;
    csc_hresult hr = app_begin(m, path, &a);
    if (hr != CSC_S_OK)
        return hr;
    bool cached = false;
    size_t parent = a.n >= 3 ? find_keys(m, a.keys, a.n - 1) : SIZE_MAX;
    if (a.n < 3) {
        hr = CSC_E_INVALID_NAME; /* C15.19 */
    } else if (a.item != SIZE_MAX &&
               (m->items[a.item].type != CSC_ITEM_FILE || m->items[a.item].dirty)) {
        hr = CSC_E_ALREADY_EXISTS; /* C15.9 */
    } else if (a.online) {
        size_t rp = rfind(m, a.keys, a.n - 1);
        csc_caching_mode_t mode = app_share_mode(m, &a);
        bool cache_it = a.item != SIZE_MAX || auto_caching(mode) ||
                        (parent != SIZE_MAX && m->items[parent].inherit != 0 &&
                         mode != CSC_CACHING_MODE_NOCACHING);
        if (a.remote != SIZE_MAX)
            hr = CSC_E_ALREADY_EXISTS;
        else if (rp == SIZE_MAX || m->remote[rp].type == CSC_ITEM_FILE)
            hr = CSC_E_PATH_NOT_FOUND;
        else if (a.item != SIZE_MAX) { /* C15.19: a clean copy takes the new file */
            uint64_t have = held(&m->items[a.item]);
            if (size > have && !make_room(m, a.keys, a.n, size - have))
                hr = CSC_E_DISK_FULL;
            if (hr == CSC_S_OK) {
                size_t made = rchain(m, a.keys, a.names, a.n, a.n, CSC_ITEM_FILE);
                m->remote[made].size = size;
                m->remote[made].orig = m->remote[made].version;
                model_item_t *it = &m->items[find_keys(m, a.keys, a.n)];
                it->size = size;
                it->sparse = false;
            }
        } else {
            /* C5.7 before the server gets it: nothing changes on failure. */
            if (cache_it && size > 0 && !make_room(m, a.keys, a.n, size))
                hr = CSC_E_DISK_FULL;
            if (hr == CSC_S_OK) {
                size_t made = rchain(m, a.keys, a.names, a.n, a.n, CSC_ITEM_FILE);
                m->remote[made].size = size;
                if (cache_it) {
                    hr = app_cache(m, &a, size);
                    cached = true;
                }
            }
        }
    } else { /* C11.4 offline: created offline */
        if (a.item != SIZE_MAX)
            hr = CSC_E_ALREADY_EXISTS;
        else if (parent == SIZE_MAX || m->items[parent].type == CSC_ITEM_FILE)
            hr = CSC_E_PATH_NOT_FOUND;
        else if (size > 0 && !make_room(m, a.keys, a.n, size))
            hr = CSC_E_DISK_FULL;
        else {
            add_item(m, a.names, a.n, CSC_ITEM_FILE);
            model_item_t *it = &m->items[m->count - 1];
            it->size = size;
            it->created_offline = true;
            it->dirty = true;
            it->dirty_bytes = size;
            touch_local(m, it);
            if (a.remote != SIZE_MAX && m->remote[a.remote].type == CSC_ITEM_FILE)
                m->remote[a.remote].orig = 0; /* no original (C10.2) */
            cached = true;
        }
    }
    app_end(&a);
    if (cached)
        policy_pass(m);
    return hr;
}

csc_hresult model_app_delete(model_t *m, const char *path)
{
    app_t a;
    csc_hresult hr = app_begin(m, path, &a);
    if (hr != CSC_S_OK)
        return hr;
    if (app_container(m, &a)) {
        hr = CSC_E_INVALIDARG;
    } else if (app_local(&a)) {
        model_item_t *it = a.item != SIZE_MAX ? &m->items[a.item] : NULL;
        if (it == NULL || it->deleted_offline)
            hr = CSC_E_FILE_NOT_FOUND;
        else if (it->created_offline)
            remove_item(m, a.item);
        else {
            touch_local(m, it);
            it->deleted_offline = true;
            it->dirty = true;
        }
    } else if (!app_remote_file(m, &a)) {
        hr = CSC_E_FILE_NOT_FOUND;
    } else {
        char *given = join_keys(a.keys, a.n);
        free(given);
        model_remote_t *r = &m->remote[a.remote];
        model_free_names(r->keys, r->depth);
        free(r->name);
        memmove(r, r + 1, (m->rcount - a.remote - 1) * sizeof *r);
        m->rcount--;
        if (a.item != SIZE_MAX)
            remove_item(m, a.item);
    }
    app_end(&a);
    return hr;
}

/* ---- Synchronize (C12, C15.10-C15.13, C15.19, C15.20) ---- */

typedef struct sync {
    const model_sink_t *sink;
    model_conflict_fn handler;
    void *handler_ud;
    bool answers, in, out, fill, skip_suspended, background, no_new_out, pin_new;
    uint32_t cr, pin_for;
    bool cancel_requested, cancelled;
    bool gone;           /* the item left the cache */
    char **copy;         /* a KEEPALLCHANGES copy made: its keys */
    size_t copy_depth;
    char **done;         /* items already given (copies), joined keys */
    size_t ndone;
    char **regions;      /* containers whose pending deep pin was taken */
    size_t nregions;
    char **failed;       /* remote children that could not be fetched */
    csc_hresult *failed_hr;
    size_t nfailed;
} sync_t;

static void strv_push(char ***v, size_t *n, char *s)
{
    char **g = xmalloc((*n + 1) * sizeof *g);
    if (*n > 0)
        memcpy(g, *v, *n * sizeof *g);
    free(*v);
    *v = g;
    (*v)[(*n)++] = s;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* Whether the scope of keys[0..n) cannot be reached (C12.3). */
static bool scope_unreachable(const model_t *m, char *const *keys, size_t n)
{
    if (n < 2)
        return false;
    csc_connect_state_t st;
    csc_offline_reason_t why;
    scope_state(m, keys, &st, &why);
    return st == CSC_CONNECT_STATE_OFFLINE && why == CSC_OFFLINE_REASON_CONNECTION_ERROR;
}

/* The item leaves the cache; an open file stays [library decision]. */
static csc_hresult sync_leave(model_t *m, sync_t *s, size_t i)
{
    if (m->items[i].open_count > 0)
        return CSC_E_SHARING_VIOLATION;
    remove_item(m, i);
    s->gone = true;
    return CSC_S_OK;
}

/* The cached copy takes the server's (C12.4, KEEPREMOTE), C5.7 first. */
static csc_hresult take_remote(model_t *m, size_t i, size_t ri)
{
    model_item_t *it = &m->items[i];
    uint64_t rsize = m->remote[ri].size, have = held(it);
    char **keys = keys_copy(it->keys, it->depth);
    size_t n = it->depth;
    bool fits = rsize <= have || make_room(m, keys, n, rsize - have);
    i = find_keys(m, keys, n);
    ri = rfind(m, keys, n);
    model_free_names(keys, n);
    if (!fits)
        return CSC_E_DISK_FULL;
    it = &m->items[i];
    it->size = rsize;
    it->sparse = false;
    m->remote[ri].orig = m->remote[ri].version;
    make_clean(it);
    return CSC_S_OK;
}

/* Creates the remote file of item i with its missing ancestors (C15.10,
 * C15.19): 0x80070003 below a remote file, 0x800700B7 over a remote
 * container. */
static csc_hresult remote_create_for(model_t *m, size_t i, size_t *made)
{
    const model_item_t *it = &m->items[i];
    size_t n = it->depth, depth;
    size_t found = rdeepest(m, it->keys, n, &depth);
    if (depth == n)
        return m->remote[found].type == CSC_ITEM_FILE ? CSC_S_OK : CSC_E_ALREADY_EXISTS;
    if (found != SIZE_MAX && m->remote[found].type == CSC_ITEM_FILE)
        return CSC_E_PATH_NOT_FOUND;
    char **names = xmalloc(n * sizeof *names);
    for (size_t c = 0; c < n; c++)
        names[c] = xstrdup(m->items[ancestor(m, i, c + 1)].names[c]);
    *made = rchain(m, it->keys, names, depth + 1, n, CSC_ITEM_FILE);
    model_free_names(names, n);
    return CSC_S_OK;
}

/* The server takes the cached copy (C12.4 SyncOut, KEEPLOCAL). */
static csc_hresult push_local(model_t *m, sync_t *s, size_t i)
{
    model_item_t *it = &m->items[i];
    size_t ri = twin_of(m, i);
    if (it->deleted_offline) {
        if (it->open_count > 0)
            return CSC_E_SHARING_VIOLATION;
        if (ri != SIZE_MAX)
            model_remote_delete_keys(m, it->keys, it->depth);
        return sync_leave(m, s, find_keys(m, it->keys, it->depth));
    }
    if (ri != SIZE_MAX && m->remote[ri].type != CSC_ITEM_FILE)
        return CSC_E_ALREADY_EXISTS;
    if (ri == SIZE_MAX) {
        csc_hresult hr = remote_create_for(m, i, &ri);
        if (hr != CSC_S_OK)
            return hr;
    } else {
        m->remote[ri].version++;
    }
    it = &m->items[i];
    m->remote[ri].size = it->size;
    m->remote[ri].last_change = m->clock;
    m->remote[ri].orig = m->remote[ri].version;
    make_clean(it);
    return CSC_S_OK;
}

/* C12.5: KEEPALLCHANGES' name, `STEM (conflict N)EXT`, free on both sides. */
static char *conflict_name(const model_t *m, size_t i)
{
    const model_item_t *it = &m->items[i];
    const char *name = it->names[it->depth - 1];
    size_t len = strlen(name), stem = len;
    for (size_t k = len; k-- > 1;)
        if (name[k] == '.') {
            stem = k;
            break;
        }
    char **keys = keys_copy(it->keys, it->depth);
    for (unsigned long n = 1;; n++) {
        char mid[40];
        snprintf(mid, sizeof mid, " (conflict %lu)", n);
        char *cand = xmalloc(len + strlen(mid) + 1);
        memcpy(cand, name, stem);
        strcpy(cand + stem, mid);
        strcat(cand, name + stem);
        if (utf16_units(cand) > 255) { /* C1.4: and so for every larger N */
            free(cand);
            model_free_names(keys, it->depth);
            return NULL;
        }
        free(keys[it->depth - 1]);
        keys[it->depth - 1] = model_fold(cand);
        if (find_keys(m, keys, it->depth) == SIZE_MAX && rfind(m, keys, it->depth) == SIZE_MAX) {
            model_free_names(keys, it->depth);
            return cand;
        }
        free(cand);
    }
}

static csc_hresult keep_all(model_t *m, sync_t *s, size_t i, size_t ri)
{
    char *cname = conflict_name(m, i);
    if (cname == NULL)
        return CSC_E_INVALID_NAME; /* [library decision] unchanged */
    model_item_t *it = &m->items[i];
    size_t n = it->depth;
    char **keys = keys_copy(it->keys, n);
    uint64_t local = it->size, have = held(it), rsize = m->remote[ri].size;
    /* One C5.7 check for both copies [library decision]. */
    uint64_t after = rsize + local < rsize ? UINT64_MAX : rsize + local;
    bool fits = after <= have || make_room(m, keys, n, after - have);
    if (!fits) {
        free(cname);
        model_free_names(keys, n);
        return CSC_E_DISK_FULL;
    }
    i = find_keys(m, keys, n);
    char **names = xmalloc(n * sizeof *names);
    for (size_t c = 0; c < n; c++)
        names[c] = xstrdup(m->items[ancestor(m, i, c + 1)].names[c]);
    free(names[n - 1]);
    names[n - 1] = cname;
    add_item(m, names, n, CSC_ITEM_FILE); /* pins by C3.3 only */
    model_item_t *copy = &m->items[m->count - 1];
    copy->size = local;
    char **ckeys = keys_copy(copy->keys, n);
    size_t made = rchain(m, ckeys, names, n, n, CSC_ITEM_FILE);
    m->remote[made].size = local;
    m->remote[made].orig = m->remote[made].version;
    model_free_names(names, n);
    /* The original takes the server's copy. */
    it = &m->items[find_keys(m, keys, n)];
    ri = rfind(m, keys, n);
    it->size = m->remote[ri].size;
    it->sparse = false;
    m->remote[ri].orig = m->remote[ri].version;
    make_clean(it);
    model_free_names(keys, n);
    s->copy = ckeys;
    s->copy_depth = n;
    return CSC_S_OK;
}

static csc_hresult sync_conflict(model_t *m, sync_t *s, size_t i, size_t ri, bool rgone)
{
    model_item_t *it = &m->items[i];
    csc_sync_state_t state = it->created_offline ? CSC_SYNC_STATE_FILE_CREATED_ON_CLIENT_FILE_ON_SERVER
                             : it->deleted_offline ? CSC_SYNC_STATE_DELETED_ON_CLIENT_FILE_CHANGED_ON_SERVER
                             : rgone ? CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_DELETED_ON_SERVER
                                     : CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER;
    /* Change details [library decision, docs/behaviour.md C12.5]. */
    uint32_t details = 0;
    if (!it->deleted_offline)
        details |= CSC_CHANGES_LOCAL_TIME;
    if (!rgone)
        details |= CSC_CHANGES_REMOTE_TIME;
    if (!it->deleted_offline && !rgone && m->remote[ri].size != it->size)
        details |= CSC_CHANGES_LOCAL_SIZE | CSC_CHANGES_REMOTE_SIZE;
    int r;
    if (s->handler != NULL) {
        char *path = model_item_path(m, i);
        r = s->handler(s->handler_ud, path, state, details);
        free(path);
        if (r < 0 || r > CSC_SYNC_RESOLVE_ABORT)
            r = CSC_SYNC_RESOLVE_NONE;
    } else {
        static const int by_cr[4] = {CSC_SYNC_RESOLVE_NONE, CSC_SYNC_RESOLVE_KEEPLOCAL,
                                     CSC_SYNC_RESOLVE_KEEPREMOTE, CSC_SYNC_RESOLVE_KEEPLATEST};
        r = by_cr[s->cr];
    }
    it = &m->items[i];
    if (r == CSC_SYNC_RESOLVE_KEEPLATEST) {
        uint64_t local = it->has_local_time ? it->local_change : 0;
        r = rgone || local > m->remote[ri].last_change ? CSC_SYNC_RESOLVE_KEEPLOCAL
                                                       : CSC_SYNC_RESOLVE_KEEPREMOTE;
    }
    if (r == CSC_SYNC_RESOLVE_KEEPALLCHANGES &&
        state != CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER &&
        state != CSC_SYNC_STATE_FILE_CREATED_ON_CLIENT_FILE_ON_SERVER)
        r = CSC_SYNC_RESOLVE_NONE;
    switch (r) {
    case CSC_SYNC_RESOLVE_KEEPLOCAL:
        return push_local(m, s, i);
    case CSC_SYNC_RESOLVE_KEEPREMOTE:
        return rgone ? sync_leave(m, s, i) : take_remote(m, i, ri);
    case CSC_SYNC_RESOLVE_KEEPALLCHANGES:
        return keep_all(m, s, i, ri);
    case CSC_SYNC_RESOLVE_SKIP:
        return CSC_S_OK;
    case CSC_SYNC_RESOLVE_ABORT:
        s->cancelled = true;
        return CSC_E_CANCELLED;
    default:
        it->conflict = state;
        return CSC_E_FAIL;
    }
}

static csc_hresult sync_file(model_t *m, sync_t *s, size_t i)
{
    model_item_t *it = &m->items[i];
    if (scope_unreachable(m, it->keys, it->depth))
        return CSC_E_CSCSHARE_OFFLINE; /* C12.3, before Background (C15.11) */
    if (s->background && it->open_count > 0)
        return CSC_E_SHARING_VIOLATION;
    bool rgone;
    size_t ri;
    bool changed = server_changed(m, i, &rgone, &ri);
    if (!it->dirty && !changed) { /* C12.4: neither side */
        if (it->sparse && s->fill) {
            char **keys = keys_copy(it->keys, it->depth);
            size_t n = it->depth;
            bool fits = it->size == 0 || make_room(m, keys, n, it->size);
            i = find_keys(m, keys, n);
            model_free_names(keys, n);
            if (!fits)
                return CSC_E_DISK_FULL;
            m->items[i].sparse = false;
        }
        return CSC_S_OK;
    }
    if (it->dirty && !changed) { /* the client only */
        if (!s->out || (it->created_offline && s->no_new_out))
            return CSC_S_OK;
        return push_local(m, s, i);
    }
    if (!it->dirty) { /* the server only */
        if (!s->in)
            return CSC_S_OK;
        return rgone ? sync_leave(m, s, i) : take_remote(m, i, ri);
    }
    if (!s->in && !s->out)
        return CSC_S_OK;
    if (it->deleted_offline && rgone)
        return sync_leave(m, s, i);
    return sync_conflict(m, s, i, ri, rgone);
}

/* Whether the container keys[0..n) is, or is below, a region (C15.20). */
static bool in_region(const model_t *m, const sync_t *s, char *const *keys, size_t n)
{
    for (size_t d = n; d >= 2; d--) {
        char *k = join_keys(keys, d);
        bool hit = strv_has(s->regions, s->nregions, k);
        free(k);
        if (hit)
            return true;
        if (type_at(d, n, CSC_ITEM_DIRECTORY) != CSC_ITEM_DIRECTORY)
            return false;
    }
    (void)m;
    return false;
}

/* C12.7, C15.20 for a container of the walk (with SyncIn). */
static void fetch_below(model_t *m, sync_t *s, size_t i)
{
    char **keys = keys_copy(m->items[i].keys, m->items[i].depth);
    size_t n = m->items[i].depth;
    if (!pin_scope(m, keys, n).fetch) {
        model_free_names(keys, n);
        return;
    }
    model_item_t *it = &m->items[i];
    if (it->pending != 0) { /* C15.20: the deep pin, then the fetching */
        uint32_t src = it->pending;
        it->pending = 0;
        strv_push(&s->regions, &s->nregions, join_keys(keys, n));
        for (size_t j = 0; j < m->count; j++) {
            if (j != i && !is_descendant(m, i, j))
                continue;
            model_item_t *d = &m->items[j];
            d->pins |= src;
            if (d->type != CSC_ITEM_FILE)
                d->inherit |= src;
            d->last_use = m->clock;
        }
    }
    bool region = in_region(m, s, keys, n);
    bool pnf = s->pin_new && m->items[i].inherit != 0;
    if (region || pnf) {
        uint32_t extra = pnf ? s->pin_for : 0;
        pframe_t f;
        memset(&f, 0, sizeof f);
        frame_kids(m, keys, n, true, &f);
        char *base = model_item_path(m, find_keys(m, keys, n));
        for (size_t k = 0; k < f.n; k++) {
            if (!f.kids[k].remote || find_keys(m, f.kids[k].keys, n + 1) != SIZE_MAX ||
                rfind(m, f.kids[k].keys, n + 1) == SIZE_MAX)
                continue;
            csc_hresult hr = fetch(m, f.kids[k].keys, n + 1, true);
            if (hr == CSC_S_OK) {
                m->items[find_keys(m, f.kids[k].keys, n + 1)].pins |= extra;
            } else if (s->sink != NULL) {
                const model_remote_t *r = &m->remote[rfind(m, f.kids[k].keys, n + 1)];
                size_t q = s->nfailed;
                strv_push(&s->failed, &s->nfailed, path_join(base, r->name));
                csc_hresult *g = xmalloc(s->nfailed * sizeof *g);
                if (q > 0)
                    memcpy(g, s->failed_hr, q * sizeof *g);
                free(s->failed_hr);
                s->failed_hr = g;
                g[q] = hr;
            }
        }
        free(base);
        frame_free(&f);
    }
    model_free_names(keys, n);
}

static csc_hresult sync_apply(model_t *m, sync_t *s, size_t i)
{
    model_item_t *it = &m->items[i];
    if (it->type == CSC_ITEM_FILE)
        return sync_file(m, s, i);
    if (it->type == CSC_ITEM_SERVER)
        return CSC_S_OK; /* C15.11 */
    if (scope_unreachable(m, it->keys, it->depth))
        return CSC_E_CSCSHARE_OFFLINE;
    if (s->in)
        fetch_below(m, s, i);
    return CSC_S_OK;
}

static bool sync_item(model_t *m, sync_t *s, char *const *keys, size_t n, const char *given,
                      csc_hresult failed_hr, csc_hresult *result);

static bool sync_events(model_t *m, sync_t *s, const char *path, bool begin, csc_hresult hr,
                        int *answer)
{
    (void)m;
    char *ev = wmi_event(begin ? CSC_EVENT_ITEM_BEGIN : CSC_EVENT_ITEM_RESULT, hr, path);
    int r = CSC_OP_CONTINUE;
    if (s->sink != NULL) {
        if (begin && s->sink->item_begin != NULL)
            r = s->sink->item_begin(s->sink->user_data, ev);
        else if (!begin && s->sink->item_result != NULL)
            r = s->sink->item_result(s->sink->user_data, ev, path);
    }
    free(ev);
    if (!s->answers)
        r = CSC_OP_CONTINUE;
    *answer = r;
    return true;
}

/* C4.5's steps for one item: cached (keys) or a failing path (given). */
static bool sync_item(model_t *m, sync_t *s, char *const *keys, size_t n, const char *given,
                      csc_hresult failed_hr, csc_hresult *result)
{
    char **copy = NULL;
    size_t copy_depth = 0;
    for (;;) {
        if (s->cancel_requested) {
            s->cancelled = true;
            return false;
        }
        size_t i = keys != NULL ? find_keys(m, keys, n) : SIZE_MAX;
        char *path = i != SIZE_MAX ? model_item_path(m, i) : xstrdup(given);
        int r;
        sync_events(m, s, path, true, CSC_S_OK, &r);
        if (r == CSC_OP_ABORT) {
            free(path);
            s->cancelled = true;
            return false;
        }
        s->gone = false;
        csc_hresult hr = i != SIZE_MAX ? sync_apply(m, s, i) : failed_hr;
        if (s->copy != NULL) {
            copy = s->copy;
            copy_depth = s->copy_depth;
            s->copy = NULL;
        }
        *result = hr;
        sync_events(m, s, path, false, hr, &r);
        free(path);
        if (r == CSC_OP_ABORT)
            s->cancelled = true;
        if (s->cancelled) {
            model_free_names(copy, copy_depth);
            return false;
        }
        if (r == CSC_OP_RETRY && !s->gone)
            continue;
        break;
    }
    if (s->nfailed != 0) {
        size_t nf = s->nfailed;
        char **fp = s->failed;
        csc_hresult *fh = s->failed_hr;
        s->failed = NULL;
        s->failed_hr = NULL;
        s->nfailed = 0;
        bool go = true;
        for (size_t k = 0; k < nf; k++) {
            csc_hresult ignored;
            if (go)
                go = sync_item(m, s, NULL, 0, fp[k], fh[k], &ignored);
            free(fp[k]);
        }
        free(fp);
        free(fh);
        if (!go) {
            model_free_names(copy, copy_depth);
            return false;
        }
    }
    if (copy != NULL) { /* C12.5: the copy is the next item */
        strv_push(&s->done, &s->ndone, join_keys(copy, copy_depth));
        csc_hresult ignored;
        bool go = sync_item(m, s, copy, copy_depth, NULL, 0, &ignored);
        model_free_names(copy, copy_depth);
        return go;
    }
    return true;
}

/* Walk order of two key lists (C2.3). */
static int keys_cmp(char *const *a, size_t an, char *const *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t c = 0; c < n; c++) {
        int r = strcmp(a[c], b[c]);
        if (r != 0)
            return r;
    }
    return an < bn ? -1 : an > bn ? 1 : 0;
}

static bool keys_below(char *const *top, size_t tn, char *const *k, size_t kn)
{
    if (kn <= tn)
        return false;
    for (size_t c = 0; c < tn; c++)
        if (strcmp(top[c], k[c]) != 0)
            return false;
    return true;
}

/* The next item of the walk of `top` after `cur` (into its subtree when
 * `descend`), in the tree as it is now; SIZE_MAX after the last. */
static size_t next_item(const model_t *m, char *const *top, size_t tn, char *const *cur,
                        size_t cn, bool descend)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < m->count; i++) {
        const model_item_t *it = &m->items[i];
        if (!keys_below(top, tn, it->keys, it->depth) ||
            keys_cmp(it->keys, it->depth, cur, cn) <= 0)
            continue;
        if (!descend && keys_below(cur, cn, it->keys, it->depth))
            continue;
        if (best == SIZE_MAX || walk_cmp(m, i, best) < 0)
            best = i;
    }
    return best;
}

static void sync_path(model_t *m, sync_t *s, size_t top, csc_hresult *result)
{
    if (s->skip_suspended && model_item_suspended(m, top))
        return; /* C12.2: no events */
    size_t tn = m->items[top].depth;
    char **tkeys = keys_copy(m->items[top].keys, tn);
    bool file = m->items[top].type == CSC_ITEM_FILE;
    if (!sync_item(m, s, tkeys, tn, NULL, 0, result) || file) {
        model_free_names(tkeys, tn);
        return;
    }
    char **cur = keys_copy(tkeys, tn);
    size_t cn = tn;
    bool descend = find_keys(m, tkeys, tn) != SIZE_MAX;
    for (;;) {
        size_t i = next_item(m, tkeys, tn, cur, cn, descend);
        if (i == SIZE_MAX)
            break;
        model_free_names(cur, cn);
        cn = m->items[i].depth;
        cur = keys_copy(m->items[i].keys, cn);
        bool container = m->items[i].type != CSC_ITEM_FILE;
        char *k = join_keys(cur, cn);
        bool done = strv_has(s->done, s->ndone, k);
        free(k);
        if (done || (container && s->skip_suspended && m->items[i].suspend_root)) {
            descend = false;
            continue;
        }
        csc_hresult ignored;
        if (!sync_item(m, s, cur, cn, NULL, 0, &ignored))
            break;
        descend = container && find_keys(m, cur, cn) != SIZE_MAX;
    }
    model_free_names(cur, cn);
    model_free_names(tkeys, tn);
}

static void sync_init(sync_t *s, uint32_t flags, model_conflict_fn handler, void *ud,
                      const model_sink_t *sink, bool answers)
{
    memset(s, 0, sizeof *s);
    s->sink = sink;
    s->handler = handler;
    s->handler_ud = ud;
    s->answers = answers;
    s->in = (flags & CSC_SYNC_FLAG_SYNC_IN) != 0;
    s->out = (flags & CSC_SYNC_FLAG_SYNC_OUT) != 0;
    s->fill = (flags & (CSC_SYNC_FLAG_FILL_SPARSE | CSC_SYNC_FLAG_SYNC_IN)) != 0;
    s->skip_suspended = (flags & CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS) != 0;
    s->background = (flags & CSC_SYNC_FLAG_BACKGROUND) != 0;
    s->no_new_out = (flags & CSC_SYNC_FLAG_NO_NEW_FILES_OUT) != 0;
    s->pin_new = (flags & CSC_SYNC_FLAG_PIN_NEW_FILES) != 0 && s->in;
    s->pin_for = flags & CSC_PIN_SOURCES_ALL;
    s->cr = flags >> 28;
}

static void sync_free(sync_t *s)
{
    model_free_names(s->done, s->ndone);
    model_free_names(s->regions, s->nregions);
    model_free_names(s->failed, s->nfailed);
    free(s->failed_hr);
}

csc_hresult model_synchronize_ex(model_t *m, const char *const *paths, size_t count,
                                 uint32_t flags, model_conflict_fn handler, void *handler_ud,
                                 const model_sink_t *sink)
{
    if (!m->active)
        return CSC_E_SERVICE_NOT_ACTIVE;
    csc_hresult ret = CSC_S_OK;
    bool valid = paths != NULL && count > 0;
    for (size_t p = 0; valid && p < count; p++)
        valid = paths[p] != NULL;
    if (!valid || (flags & ~CSC_SYNC_FLAGS_VALID) || (flags >> 28) > 3u) {
        ret = CSC_E_INVALIDARG;
        policy_pass(m);
        return ret;
    }
    sync_t s;
    sync_init(&s, flags, handler, handler_ud, sink, !(flags & CSC_SYNC_FLAG_ASYNC_PROGRESS));
    bool single = false;
    if (count == 1) {
        size_t i;
        csc_hresult hr = lookup(m, paths[0], &i);
        single = hr != CSC_S_OK || m->items[i].type == CSC_ITEM_FILE;
    }
    char *ev = wmi_event(CSC_EVENT_BEGIN, CSC_S_OK, "");
    /* An abort answer to Begin takes effect at once (C6.3): cancelled even
     * when no item follows (SkipSuspendedDirs). */
    if (sink != NULL && sink->begin != NULL && sink->begin(sink->user_data, ev) && s.answers)
        s.cancel_requested = s.cancelled = true;
    free(ev);
    csc_hresult last = CSC_S_OK;
    for (size_t p = 0; p < count && !s.cancelled; p++) {
        size_t i;
        csc_hresult hr = lookup(m, paths[p], &i);
        if (hr != CSC_S_OK)
            sync_item(m, &s, NULL, 0, paths[p], hr, &last);
        else
            sync_path(m, &s, i, &last);
    }
    ev = wmi_event(CSC_EVENT_END, s.cancelled ? CSC_E_CANCELLED : CSC_S_OK, "");
    if (sink != NULL && sink->end != NULL)
        sink->end(sink->user_data, ev);
    free(ev);
    ret = s.cancelled ? CSC_E_CANCELLED : single ? last : CSC_S_OK;
    sync_free(&s);
    policy_pass(m);
    return ret;
}

csc_hresult model_synchronize(model_t *m, const char *const *paths, size_t count,
                              uint32_t flags, const model_sink_t *sink)
{
    return model_synchronize_ex(m, paths, count, flags, NULL, NULL, sink);
}

/* C10.10: the service's Synchronize(scope, SyncIn|SyncOut) when the cached
 * share keys[0..2) comes online: no handler, no events, suspended trees
 * left alone [library decision]; then the eviction pass. */
static void service_sync(model_t *m, char *const *keys)
{
    if (!m->active)
        return;
    size_t share = find_keys(m, keys, 2);
    if (share == SIZE_MAX)
        return;
    sync_t s;
    sync_init(&s, CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_SYNC_OUT |
                      CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS,
              NULL, NULL, NULL, false);
    csc_hresult ignored;
    sync_path(m, &s, share, &ignored);
    sync_free(&s);
    policy_pass(m);
}
