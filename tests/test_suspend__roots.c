/*
 * tests/test_suspend__roots.c: SuspendRoot and SuspendInfo (contract C13.3,
 * C15.16). A cached share or directory becomes a suspension root: it and
 * everything below are suspended, the root alone SuspendedRoot; a server
 * gives ERROR_NOT_SUPPORTED, a file E_INVALIDARG (TRUE or FALSE), an
 * invalid or uncached path 0x8007007B / 0x80070002, each changing nothing;
 * FALSE removes every root at or below the path, S_OK also when there was
 * none; items cached later below a root are suspended; a snapshot keeps
 * the roots.
 */
#include "support.h"

#include <stdlib.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"

static void refused(csc_cache_t *cache, const char *path, bool suspend, csc_hresult want)
{
    char *before = csc_test_dump(cache);
    assert_int_equal(csc_suspend_root(cache, path, suspend), want);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static bool susp(csc_cache_t *cache, const char *p)
{
    return csc_item_is_suspended(csc_test_find(cache, p));
}

static bool root(csc_cache_t *cache, const char *p)
{
    return csc_item_is_suspended_root(csc_test_find(cache, p));
}

static void test_suspend_tree(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\sub\\a", 1);
    csc_test_file(cache, SH "\\e\\b", 1);
    assert_int_equal(csc_suspend_root(cache, SH "\\d", true), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(susp(cache, SH "\\d"));
    assert_true(root(cache, SH "\\d"));
    assert_true(susp(cache, SH "\\d\\sub"));
    assert_false(root(cache, SH "\\d\\sub"));
    assert_true(susp(cache, SH "\\d\\sub\\a"));
    assert_false(susp(cache, SH));
    assert_false(susp(cache, SH "\\e\\b"));
    assert_false(susp(cache, SRV));
    /* Again: no change. A later item below is suspended too. */
    assert_int_equal(csc_suspend_root(cache, SH "\\D", true), CSC_S_OK);
    csc_test_file(cache, SH "\\d\\new", 1);
    assert_true(susp(cache, SH "\\d\\new"));
    /* A share root covers it all; a server never is suspended. */
    assert_int_equal(csc_suspend_root(cache, SH "\\d\\sub", true), CSC_S_OK);
    assert_int_equal(csc_suspend_root(cache, SH, true), CSC_S_OK);
    assert_true(susp(cache, SH "\\e\\b"));
    assert_false(susp(cache, SRV));
    /* Snapshot round trip. */
    void *snap;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &snap, &size), CSC_S_OK);
    char *saved = csc_test_dump(cache);
    /* FALSE on \\s\sh\d: d and d\sub released, the share stays a root. */
    assert_int_equal(csc_suspend_root(cache, SH "\\d", false), CSC_S_OK);
    assert_false(root(cache, SH "\\d"));
    assert_false(root(cache, SH "\\d\\sub"));
    assert_true(root(cache, SH));
    assert_true(susp(cache, SH "\\d\\sub")); /* still below the share's root */
    assert_int_equal(csc_suspend_root(cache, SH, false), CSC_S_OK);
    assert_false(susp(cache, SH "\\d\\sub\\a"));
    /* Nothing to release: S_OK. */
    assert_int_equal(csc_suspend_root(cache, SH "\\e", false), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_load_buffer(cache, snap, size), CSC_S_OK);
    csc_snapshot_free(snap);
    char *loaded = csc_test_dump(cache);
    assert_string_equal(saved, loaded);
    free(saved);
    free(loaded);
    csc_cache_free(cache);
}

static void test_suspend_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\a", 1);
    refused(cache, SRV, true, CSC_HR(0x80070032u));
    refused(cache, SRV, false, CSC_HR(0x80070032u));
    refused(cache, SH "\\d\\a", true, CSC_E_INVALIDARG);
    refused(cache, SH "\\d\\a", false, CSC_E_INVALIDARG); /* C15.16 */
    refused(cache, SH "\\nope", true, CSC_E_FILE_NOT_FOUND);
    refused(cache, "C:\\x", true, CSC_E_INVALID_NAME);
    refused(cache, NULL, true, CSC_E_INVALIDARG);
    assert_int_equal(csc_suspend_root(NULL, SH, true), CSC_E_POINTER);
    assert_false(csc_item_is_suspended(NULL));
    assert_false(csc_item_is_suspended_root(NULL));
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suspend_tree),
        cmocka_unit_test(test_suspend_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
