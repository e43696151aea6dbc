/*
 * tests/com/com_fixture.h: the COM tests' common setup (test_com__cache,
 * test_com__connection, test_com__items, test_com__sync_errors):
 * com_fixture_setup makes a fresh cache holding the given files, pinned,
 * and an IOfflineFilesCache on it (each test's setup names its files);
 * teardown, the tests' teardown as it is, releases the fixture's
 * reference, which must be the last one (no object leaks, C14.1), and
 * checks the cache's consistency; com_find is a FindItem that must
 * succeed. Include after <cmocka.h>.
 */
#ifndef CSC_TEST_COM_FIXTURE_H
#define CSC_TEST_COM_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

typedef struct fixture {
    csc_cache_t *cache;
    IOfflineFilesCache *pc;
} fixture_t;

typedef struct com_file {
    const char *path;
    uint64_t size;
} com_file_t;

static inline int com_fixture_setup(void **state, const com_file_t *files, size_t n)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(csc_cache_new(&f->cache, NULL), S_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(csc_cache_file(f->cache, files[i].path, true, files[i].size, NULL),
                         S_OK);
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesCache, (void **)&f->pc),
                     S_OK);
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 0);
    char why[256];
    assert_int_equal(csc_cache_check(f->cache, why, sizeof why), S_OK);
    csc_cache_free(f->cache);
    free(f);
    return 0;
}

/* FindItem that must succeed. */
static inline IOfflineFilesItem *com_find(fixture_t *f, LPCWSTR path, DWORD flags)
{
    IOfflineFilesItem *item = NULL;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, path, flags, &item), S_OK);
    return item;
}

#endif
