/*
 * tests/test_delete__for_user.c: DeleteItemsForUser (contract C13.7,
 * C15.18): DeleteItems with User's access instead of the caller's. The
 * caller must be an administrator (E_ACCESSDENIED, no event); validation
 * (no path, a NULL path, unknown flags, a NULL or empty user) comes first
 * with E_INVALIDARG and no event; an item User may not access fails with
 * E_ACCESSDENIED (unless Admin), one the caller may not access but User may
 * is deleted; the eviction pass follows even a rejected call (C15.3).
 */
#include "support.h"
#include "events.h"

#include <stdlib.h>

#define SH "\\\\s\\sh"
#define A SH "\\a"
#define B SH "\\b"

static csc_cache_t *two(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 1);
    csc_test_file(cache, B, 1);
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, A),
                                         (const char *[]){"bob"}, 1),
                     CSC_S_OK);
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, B),
                                         (const char *[]){"carol"}, 1),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "carol", true), CSC_S_OK);
    return cache;
}

static void test_delete_with_users_access(void **state)
{
    (void)state;
    csc_cache_t *cache = two();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {A, B};
    assert_int_equal(csc_delete_items_for_user(cache, "BOB", p, 2, 0, &rec.sink, NULL),
                     CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), ITEM_DENIED(B), EV_END_OK);
    assert_false(csc_test_cached(cache, A));
    assert_true(csc_test_cached(cache, B));
    /* Admin: no access check at all. */
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", (const char *[]){B}, 1,
                                               CSC_DELETE_ADMIN, &rec.sink, NULL),
                     CSC_S_OK);
    assert_false(csc_test_cached(cache, B));
    assert_cache_ok(cache);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

static void test_delete_for_user_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = two();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    char *before = csc_test_dump(cache);
    const char *p[] = {A};
    assert_int_equal(csc_delete_items_for_user(cache, NULL, p, 1, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user(cache, "", p, 1, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", NULL, 0, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", (const char *[]){NULL}, 1, 0,
                                               &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", p, 1, 0x8u, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_set_caller(cache, "carol", false), CSC_S_OK);
    free(before);
    before = csc_test_dump(cache);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", p, 1, 0, &rec.sink, NULL),
                     CSC_E_ACCESSDENIED);
    /* Validation before the administrator check. */
    assert_int_equal(csc_delete_items_for_user(cache, NULL, p, 1, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(csc_delete_items_for_user(NULL, "bob", p, 1, 0, NULL, NULL),
                     CSC_E_POINTER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

static size_t evicted;
static void on_evict(void *ud, const char *path, uint64_t size)
{
    (void)ud;
    (void)path;
    (void)size;
    evicted++;
}

/* C15.3: the pass follows DeleteItemsForUser, even a rejected one. */
static void test_delete_for_user_pass(void **state)
{
    (void)state;
    csc_cache_t *cache = two();
    assert_int_equal(csc_cache_set_evict_callback(cache, on_evict, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_set_policy(cache, CSC_EVICT_EAGER), CSC_S_OK);
    evicted = 0;
    assert_int_equal(csc_delete_items_for_user(cache, "bob", NULL, 0, 0, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_true(evicted > 0);
    csc_cache_free(cache);
}

/* C8.1: allocation failure gives E_OUTOFMEMORY with nothing deleted, or
 * the clean result. */
static void test_delete_for_user_allocation(void **state)
{
    (void)state;
    for (size_t k = 1;; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *cache = csc_test_cache_new_alloc(&st);
        csc_test_file(cache, A, 1);
        assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
        st.fail_at = st.count + k;
        csc_hresult hr =
            csc_delete_items_for_user(cache, "bob", (const char *[]){A}, 1, 0, NULL, NULL);
        bool refused = st.failed;
        st.fail_at = 0;
        if (hr == CSC_E_OUTOFMEMORY)
            assert_true(csc_test_cached(cache, A));
        else
            assert_int_equal(hr, CSC_S_OK);
        assert_cache_ok(cache);
        csc_cache_free(cache);
        if (!refused)
            break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_with_users_access),
        cmocka_unit_test(test_delete_for_user_refused),
        cmocka_unit_test(test_delete_for_user_pass),
        cmocka_unit_test(test_delete_for_user_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
