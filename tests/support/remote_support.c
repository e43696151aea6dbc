/*
 * tests/support/remote_support.c: the remote side's dump and helpers
 * declared in remote_support.h. The dump walks the remote tree of
 * src/remote/remote.h in its order (C2.3 by folded name) and lists the
 * connectivity records sorted by key, so that it does not depend on the
 * table's insertion order.
 */
#include "remote_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "remote/remote.h"
#include "remote/fstate.h"

static const csc__rnode_t *next_preorder(const csc__rnode_t *n, const csc__rnode_t *root)
{
    if (n->first_child != NULL)
        return n->first_child;
    while (n != root) {
        if (n->next_sibling != NULL)
            return n->next_sibling;
        n = n->parent;
    }
    return NULL;
}

static int cmp_scopes(const void *a, const void *b)
{
    const csc__scope_t *x = *(const csc__scope_t *const *)a, *y = *(const csc__scope_t *const *)b;
    return strcmp(x->key, y->key);
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *csc_test_remote_dump(const csc_cache_t *cache)
{
    assert_cache_ok(cache); /* the tree's and the remote side's invariants */
    char *cache_dump = csc_test_dump(cache);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fputs(cache_dump, f);
    free(cache_dump);
    const csc__remote_t *r = cache->remote;
    assert_non_null(r);
    size_t nodes = 0;
    fprintf(f, "remote items=%zu\n", r->node_count);
    /* Sorted by key: a list that materialising left unsorted is sorted by
     * the next write that reads its order (remote.h), which is no change of
     * state, so the dump does not show the lists' order. */
    char **lines = calloc(r->node_count + 1, sizeof *lines);
    assert_non_null(lines);
    for (const csc__rnode_t *n = next_preorder(r->root, r->root); n != NULL;
         n = next_preorder(n, r->root)) {
        assert_true(nodes < r->node_count);
        assert_ptr_equal(csc__htable_find(&r->nodes, n->key, n->key_len), &n->h);
        char *line = NULL;
        size_t line_len = 0;
        FILE *lf = open_memstream(&line, &line_len);
        assert_non_null(lf);
        fprintf(lf, "R %s name=%s type=%d size=%llu version=%llu last=%llu mode=%d orig=%llu\n",
                n->key, csc__rnode_name(n), (int)n->type, (unsigned long long)n->size,
                (unsigned long long)n->version, (unsigned long long)n->last_change,
                (int)n->mode, (unsigned long long)n->orig);
        fclose(lf);
        lines[nodes++] = line;
    }
    assert_int_equal(nodes, r->node_count);
    qsort(lines, nodes, sizeof *lines, compare_lines);
    for (size_t i = 0; i < nodes; i++) {
        fputs(lines[i], f);
        free(lines[i]);
    }
    free(lines);
    /* Implicit twins (src/remote/remote.h): cached files with CSC__F_TWIN. */
    /* In the cache's pre-order (C2.3), not by id: a loaded snapshot numbers
     * its items afresh. */
    uint32_t root = csc__id(cache->root);
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_next_in(cache, id, root, true)) {
        if (!(csc__hot_at(cache, id)->flags & CSC__F_TWIN))
            continue;
        const csc_item_t *it = csc__item_at(cache, id);
        char key[1024];
        size_t len = csc__item_key_len(it);
        assert_true(len < sizeof key);
        csc__item_key(it, key, len);
        key[len] = '\0';
        csc__rview_t v;
        assert_true(csc__remote_view(cache, key, len, &v));
        fprintf(f, "I %s name=%s type=%d size=%llu version=%llu last=%llu orig=%llu\n", key,
                csc__name(it), (int)v.type, (unsigned long long)v.size,
                (unsigned long long)v.version, (unsigned long long)v.last_change,
                (unsigned long long)v.orig);
    }
    /* Round-2 file states (fstate.c), in the cache's pre-order. */
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_next_in(cache, id, root, true)) {
        const csc_item_t *it = csc__item_at(cache, id);
        const csc__fstate_t *fs = csc__fstate_get(cache, it);
        if (fs == NULL)
            continue;
        char path[1024];
        csc_item_path(it, path, sizeof path);
        fprintf(f, "F %s bits=%u conflict=%u full=%llu local=%llu cver=%llu\n", path,
                (unsigned)fs->bits, (unsigned)fs->conflict, (unsigned long long)fs->full_size,
                (unsigned long long)fs->local_change, (unsigned long long)fs->conflict_version);
    }
    /* Applications' non-cached handles (apps.c), sorted by key. */
    {
        size_t hn = csc__htable_count(&r->handles), k = 0, total = 0;
        const csc__nch_t **hs = calloc(hn + 1, sizeof *hs);
        assert_non_null(hs);
        for (const csc__hentry_t *e = csc__htable_first(&r->handles); e != NULL;
             e = csc__htable_next(e))
            hs[k++] = (const csc__nch_t *)e;
        for (size_t a = 1; a < hn; a++) /* insertion sort: a handful */
            for (size_t b = a; b > 0 && strcmp(hs[b - 1]->key, hs[b]->key) > 0; b--) {
                const csc__nch_t *t = hs[b];
                hs[b] = hs[b - 1];
                hs[b - 1] = t;
            }
        for (k = 0; k < hn; k++) {
            fprintf(f, "H %s count=%u\n", hs[k]->key, (unsigned)hs[k]->count);
            total += hs[k]->count;
        }
        assert_int_equal(total, r->handle_count);
        free(hs);
    }
    assert_int_equal(csc__htable_count(&r->nodes), r->node_count);
    size_t count = csc__htable_count(&r->scopes), i = 0;
    const csc__scope_t **all = calloc(count + 1, sizeof *all);
    assert_non_null(all);
    for (const csc__hentry_t *e = csc__htable_first(&r->scopes); e != NULL;
         e = csc__htable_next(e))
        all[i++] = (const csc__scope_t *)e;
    assert_int_equal(i, count);
    qsort(all, count, sizeof *all, cmp_scopes);
    for (i = 0; i < count; i++) {
        const csc__scope_t *s = all[i];
        fprintf(f,
                "S %s share=%d cond=%d slow_epoch=%llu forced=%d override=%d/%llu mode=%d/%d\n",
                s->key, (int)s->is_share, (int)s->condition,
                (unsigned long long)s->slow_epoch, (int)s->forced, (int)s->has_override,
                (unsigned long long)s->override_epoch, (int)s->has_mode, (int)s->mode);
    }
    free(all);
    fclose(f);
    return buf;
}

void csc_test_assert_unchanged(const csc_cache_t *cache, char *before, const char *file,
                               int line)
{
    char *after = csc_test_remote_dump(cache);
    if (strcmp(before, after) != 0) {
        print_error("%s:%d: the state changed\n--- before\n%s--- after\n%s", file, line, before,
                    after);
        free(before);
        free(after);
        fail();
    }
    free(before);
    free(after);
}

csc_test_remote_t csc_test_remote(const csc_cache_t *cache, const char *path)
{
    csc_test_remote_t r = {0};
    csc_hresult hr = csc_remote_item(cache, path, &r.type, &r.size, &r.version, &r.last_change);
    if (hr != CSC_S_OK)
        fail_msg("remote item %s: 0x%08X", path, (unsigned)hr);
    return r;
}

bool csc_test_remote_exists(const csc_cache_t *cache, const char *path)
{
    csc_hresult hr = csc_remote_item(cache, path, NULL, NULL, NULL, NULL);
    if (hr != CSC_S_OK && hr != CSC_E_FILE_NOT_FOUND)
        fail_msg("remote item %s: 0x%08X", path, (unsigned)hr);
    return hr == CSC_S_OK;
}

void csc_test_connect(const csc_cache_t *cache, const char *path, csc_connect_state_t *state,
                      csc_offline_reason_t *reason)
{
    csc_hresult hr = csc_connect_state(cache, path, state, reason);
    if (hr != CSC_S_OK)
        fail_msg("connect state %s: 0x%08X", path, (unsigned)hr);
}

void csc_test_assert_connect(const csc_cache_t *cache, const char *path, csc_connect_state_t st,
                             csc_offline_reason_t why, const char *file, int line)
{
    csc_connect_state_t s;
    csc_offline_reason_t r;
    csc_test_connect(cache, path, &s, &r);
    if (s != st || r != why) {
        print_error("%s:%d: %s: connect state %d reason %d, expected %d reason %d\n", file,
                    line, path, (int)s, (int)r, (int)st, (int)why);
        fail();
    }
}

uint64_t csc_test_original_version(const csc_cache_t *cache, const char *path)
{
    size_t in_len = strlen(path);
    char *display = malloc(CSC__PATH_DISPLAY_CAP(in_len));
    char *key = malloc(CSC__PATH_KEY_CAP(in_len));
    assert_non_null(display);
    assert_non_null(key);
    size_t dlen, klen;
    uint32_t ncomp;
    assert_int_equal(csc__path_normalize(path, in_len, display, &dlen, key, &klen, &ncomp),
                     CSC_S_OK);
    uint64_t v = 0;
    if (!csc__remote_original(cache, key, klen, &v))
        v = 0;
    free(display);
    free(key);
    return v;
}

static size_t slab_chunks(const csc_cache_t *cache)
{
    size_t n = 0;
    for (void *c = cache->remote->slab.chunks; c != NULL; n++)
        memcpy(&c, c, sizeof c);
    for (void *c = cache->remote->slab.res_head; c != NULL; n++) /* the reserve */
        memcpy(&c, c, sizeof c);
    return n;
}

size_t csc_test_oom_sweep(csc_test_setup_fn setup, csc_test_op_fn op, csc_hresult ok,
                          const char *file, int line)
{
    size_t points = 0;
    for (size_t k = 1;; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *cache = csc_test_cache_new_alloc(&st);
        assert_non_null(cache);
        if (setup != NULL)
            setup(cache);
        char *before = csc_test_remote_dump(cache);
        size_t blocks = st.live_blocks - slab_chunks(cache);
        st.fail_at = st.count + k;
        csc_hresult hr = op(cache);
        st.fail_at = 0;
        if (!st.failed) {
            if (hr != ok) {
                print_error("%s:%d: without failures: 0x%08X, expected 0x%08X\n", file, line,
                            (unsigned)hr, (unsigned)ok);
                free(before);
                fail();
            }
            free(before);
            csc_cache_free(cache);
            return points;
        }
        points++;
        if (hr != CSC_E_OUTOFMEMORY) {
            print_error("%s:%d: allocation %zu refused: 0x%08X, expected E_OUTOFMEMORY\n", file,
                        line, k, (unsigned)hr);
            free(before);
            fail();
        }
        /* A refused call may keep slab chunks it had got (src/remote/remote.h),
         * nothing else: any other block would be lost or kept. */
        if (st.live_blocks - slab_chunks(cache) != blocks) {
            print_error("%s:%d: allocation %zu refused: %zu live blocks, %zu before\n", file,
                        line, k, st.live_blocks, blocks);
            free(before);
            fail();
        }
        csc_test_assert_unchanged(cache, before, file, line);
        assert_cache_ok(cache);
        csc_cache_free(cache);
    }
}

void csc_test_fill_slab(csc_cache_t *cache, const char *pattern)
{
    char path[256];
    size_t step = 0;
    for (unsigned i = 0; i < 100000; i++) {
        size_t left = cache->remote->slab.left;
        if (step != 0 && left < step)
            return;
        snprintf(path, sizeof path, pattern, i);
        assert_int_equal(csc_remote_file(cache, path, true, 1), CSC_S_OK);
        if (cache->remote->slab.left < left)
            step = left - cache->remote->slab.left;
    }
    fail_msg("the slab never filled");
}
