/*
 * tests/test_rename__items.c: RenameItemEx and RenameItem (contract C13.2,
 * C15.14, C15.15, C15.19, C15.21). RenameItemEx moves a cached item with its
 * subtree at once, in the cache only: a server for a server, a share for a
 * share (also under another cached server), a directory or file within its
 * share. Each error code of C13.2 in its order, bad input leaving the cache
 * exactly as it was; an open file below the item; RenameItem needs an
 * administrator, ignores handles and is applied at restart, a rename whose
 * conditions no longer hold being dropped; pins, partly-pinned counts,
 * sizes and the eviction order follow the moved items; allocation failure
 * changes nothing.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define USER CSC_PIN_FLAG_FOR_USER
#define E_PATH CSC_HR(0x80070003u)

static csc_cache_t *tree(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\a.txt", 1);
    csc_test_file(cache, SH "\\d\\sub\\b.txt", 2);
    csc_test_file(cache, SH "\\e\\c.txt", 3);
    csc_test_file(cache, SH "\\z.txt", 4);
    csc_test_dir(cache, "\\\\t\\other");
    return cache;
}

/* Fails unless the call returns `want` and the cache is unchanged. */
static void refused(csc_cache_t *cache, const char *from, const char *to, csc_hresult want,
                    bool at_restart)
{
    char *before = csc_test_dump(cache);
    csc_hresult hr = at_restart ? csc_rename_item(cache, from, to, false)
                                : csc_rename_item_ex(cache, from, to, true);
    if (hr != want)
        print_error("rename %s -> %s: 0x%08X, want 0x%08X\n", from ? from : "(null)",
                    to ? to : "(null)", (unsigned)hr, (unsigned)want);
    assert_int_equal(hr, want);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_cache_ok(cache);
}

static void test_rename_directory_with_subtree(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_test_pin1_ok(cache, SH "\\d\\sub\\b.txt", USER, false);
    csc_item_t *d = csc_test_find(cache, SH "\\d");
    assert_true(csc_item_is_partly_pinned(d));
    assert_int_equal(csc_rename_item_ex(cache, "//s/SH/d", SH "\\New", false), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_test_cached(cache, SH "\\d"));
    assert_ptr_equal(csc_test_find(cache, SH "\\new"), d); /* the same item */
    assert_string_equal(csc_item_name(d), "New");
    csc_item_t *b = csc_test_find(cache, SH "\\NEW\\sub\\b.txt");
    assert_true(csc_item_is_pinned(b));
    assert_int_equal(csc_item_size(b), 2);
    assert_true(csc_item_is_partly_pinned(d));
    /* Walk order: \\s\sh\e, \\s\sh\New, \\s\sh\z.txt. */
    csc_item_t *sh = csc_test_find(cache, SH);
    assert_string_equal(csc_item_name(csc_item_first_child(sh)), "e");
    assert_string_equal(csc_item_name(csc_item_next_sibling(csc_item_first_child(sh))), "New");
    /* Into another directory of the same share (the parent must be cached). */
    assert_int_equal(csc_rename_item_ex(cache, SH "\\New\\sub", SH "\\e\\sub2", false),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_test_cached(cache, SH "\\e\\sub2\\b.txt"));
    assert_false(csc_item_is_partly_pinned(d)); /* C3.5: the mark moved away */
    assert_true(csc_item_is_partly_pinned(csc_test_find(cache, SH "\\e")));
    /* A file, renamed in place: a long name (key off the inline slot). */
    assert_int_equal(csc_rename_item_ex(cache, SH "\\z.txt",
                                        SH "\\a-rather-long-file-name.txt", false),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_size(csc_test_find(cache, SH "\\A-RATHER-long-file-name.txt")),
                     4);
    /* A case-preserving spelling differs from the folded name. */
    assert_int_equal(csc_rename_item_ex(cache, SH "\\e\\c.txt", SH "\\e\\C2.TXT", false),
                     CSC_S_OK);
    assert_string_equal(csc_item_name(csc_test_find(cache, SH "\\e\\c2.txt")), "C2.TXT");
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

static void test_rename_server_and_share(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    /* A server's rename: a migration, every share follows. */
    assert_int_equal(csc_rename_item_ex(cache, SRV, "\\\\new", false), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_test_cached(cache, "\\\\new\\sh\\d\\sub\\b.txt"));
    assert_false(csc_test_cached(cache, SRV));
    /* C15.21: a share under another cached server. */
    assert_int_equal(csc_rename_item_ex(cache, "\\\\new\\sh", "\\\\t\\moved", false), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_test_cached(cache, "\\\\t\\moved\\e\\c.txt"));
    assert_true(csc_test_cached(cache, "\\\\new"));
    assert_int_equal(csc_item_type(csc_test_find(cache, "\\\\t\\moved")), CSC_ITEM_SHARE);
    /* A share under a server that is not cached. */
    refused(cache, "\\\\t\\moved", "\\\\nowhere\\moved", E_PATH, false);
    csc_cache_free(cache);
}

/* C13.2's codes, in order, each leaving the cache as it was. */
static void test_rename_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    refused(cache, NULL, SH "\\x", CSC_E_INVALIDARG, false);
    refused(cache, SH "\\d", NULL, CSC_E_INVALIDARG, false);
    refused(cache, "C:\\x", SH "\\x", CSC_E_INVALID_NAME, false);
    refused(cache, SH "\\nope", SH "\\x", CSC_E_FILE_NOT_FOUND, false);
    refused(cache, SH "\\nope", "bad", CSC_E_FILE_NOT_FOUND, false); /* original first */
    refused(cache, SH "\\d", "C:\\bad", CSC_E_INVALID_NAME, false);
    refused(cache, SH "\\d", SH "\\a|b", CSC_E_INVALID_NAME, false);
    /* C15.19: another depth. */
    refused(cache, SH "\\d", SH "\\x\\y", CSC_E_INVALIDARG, false);
    refused(cache, SH, SRV "\\x\\y", CSC_E_INVALIDARG, false);
    refused(cache, SRV, "\\\\t\\x", CSC_E_INVALIDARG, false);
    /* A directory or file moved to another share [decision]. */
    refused(cache, SH "\\d", SRV "\\other\\d", CSC_E_INVALIDARG, false);
    refused(cache, SH "\\z.txt", "\\\\t\\other\\z.txt", CSC_E_INVALIDARG, false);
    /* C15.15: inside its own subtree (same depth needs a deeper source). */
    refused(cache, SH "\\d\\sub", SH "\\d\\sub\\x", CSC_E_INVALIDARG, false);
    /* New cached (the same item, or another). */
    refused(cache, SH "\\d", SH "\\e", CSC_E_ALREADY_EXISTS, false);
    refused(cache, SH "\\d", SH "\\D", CSC_E_ALREADY_EXISTS, false);
    refused(cache, SRV, "\\\\T", CSC_E_ALREADY_EXISTS, false);
    /* The new parent not cached, or a file. */
    refused(cache, SH "\\d\\a.txt", SH "\\q\\a.txt", E_PATH, false);
    refused(cache, SH "\\d\\a.txt", SH "\\z.txt\\a.txt", E_PATH, false);
    /* An open file below the item. */
    csc_item_t *b = csc_test_find(cache, SH "\\d\\sub\\b.txt");
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    refused(cache, SH "\\d", SH "\\x", CSC_E_SHARING_VIOLATION, false);
    refused(cache, SH "\\d\\sub\\b.txt", SH "\\d\\sub\\x", CSC_E_SHARING_VIOLATION, false);
    assert_int_equal(csc_rename_item_ex(cache, SH "\\d\\a.txt", SH "\\d\\a2.txt", false),
                     CSC_S_OK); /* a sibling is not in use */
    /* Access (C9): the caller must have access to the original. */
    csc_item_t *e = csc_test_find(cache, SH "\\e");
    assert_int_equal(csc_item_set_access(cache, e, (const char *[]){"bob"}, 1), CSC_S_OK);
    refused(cache, SH "\\e", SH "\\x", CSC_E_ACCESSDENIED, false);
    refused(cache, SH "\\e", "bad", CSC_E_ACCESSDENIED, false); /* before New's checks */
    assert_int_equal(csc_cache_set_caller(cache, "bob", false), CSC_S_OK);
    assert_int_equal(csc_rename_item_ex(cache, SH "\\e", SH "\\x", false), CSC_S_OK);
    assert_int_equal(csc_rename_item_ex(NULL, SH "\\e", SH "\\x", false), CSC_E_POINTER);
    csc_cache_free(cache);
}

/* RenameItem: an administrator, handles ignored, applied at restart. */
static void test_rename_at_restart(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    refused(cache, SH "\\d", SH "\\x", CSC_E_ACCESSDENIED, true);
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    refused(cache, SH "\\nope", SH "\\x", CSC_E_FILE_NOT_FOUND, true);
    refused(cache, SH "\\d", SH "\\e", CSC_E_ALREADY_EXISTS, true);
    csc_item_t *a = csc_test_find(cache, SH "\\d\\a.txt");
    assert_int_equal(csc_item_open(cache, a), CSC_S_OK);
    assert_int_equal(csc_rename_item(cache, SH "\\d", SH "\\x", false), CSC_S_OK);
    assert_true(csc_test_cached(cache, SH "\\d\\a.txt")); /* not yet */
    assert_false(csc_test_cached(cache, SH "\\x"));
    /* Two more: one whose conditions will not hold at restart, one after. */
    assert_int_equal(csc_rename_item(cache, SH "\\e", SH "\\y", false), CSC_S_OK);
    assert_int_equal(csc_rename_item(cache, SH "\\z.txt", SH "\\z2.txt", false), CSC_S_OK);
    assert_int_equal(csc_cache_pending_renames(cache), 3);
    const char *from = NULL, *to = NULL;
    assert_true(csc_cache_pending_rename(cache, 1, &from, &to));
    assert_string_equal(from, SH "\\e");
    assert_string_equal(to, SH "\\y");
    assert_false(csc_cache_pending_rename(cache, 3, &from, &to));
    assert_null(from);
    assert_null(to);
    /* The scenario dump logs them again (dump.c, phase 7). */
    char *text = NULL;
    size_t tlen = 0;
    assert_int_equal(csc_cache_dump_string(&text, &tlen, cache, NULL, CSC_DUMP_SCENARIO),
                     CSC_S_OK);
    assert_non_null(strstr(text, "rename \\\\s\\sh\\e \\\\s\\sh\\y restart-time\n"));
    csc_cache_t *copy = csc_test_cache_new();
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(copy, text, tlen, NULL, &res), CSC_S_OK);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_cache_pending_renames(copy), 3);
    char *d1 = csc_test_dump(cache), *d2 = csc_test_dump(copy);
    assert_string_equal(d1, d2);
    free(d1);
    free(d2);
    csc_cache_free(copy);
    csc_dump_free(text);
    csc_test_dir(cache, SH "\\y"); /* y is now taken */
    /* The log survives a snapshot (snapshot.c's methods section). */
    void *snap = NULL;
    size_t size = 0;
    assert_int_equal(csc_cache_save_buffer(cache, &snap, &size), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_cache_pending_renames(cache), 0);
    assert_cache_ok(cache);
    assert_true(csc_test_cached(cache, SH "\\x\\a.txt"));
    assert_int_equal(csc_item_open_count(a), 0); /* C15.14 */
    assert_true(csc_test_cached(cache, SH "\\e\\c.txt")); /* dropped */
    assert_true(csc_test_cached(cache, SH "\\z2.txt"));
    /* The log is empty after a restart. */
    char *before = csc_test_dump(cache);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* From the snapshot: the log again. */
    assert_int_equal(csc_cache_load_buffer(cache, snap, size), CSC_S_OK);
    csc_snapshot_free(snap);
    assert_true(csc_test_cached(cache, SH "\\d\\a.txt"));
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_true(csc_test_cached(cache, SH "\\x\\a.txt"));
    assert_true(csc_test_cached(cache, SH "\\z2.txt"));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C5.4: the eviction order (last use, then walk order) follows a rename. */
static void test_rename_eviction_order(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a\\1", 1);
    csc_test_file(cache, SH "\\b\\1", 1);
    csc_test_file(cache, SH "\\c\\1", 1);
    assert_int_equal(csc_rename_item_ex(cache, SH "\\a", SH "\\d", false), CSC_S_OK);
    uint64_t freed = 0;
    size_t n = 0;
    assert_int_equal(csc_cache_evict(cache, false, 1, &freed, &n), CSC_S_OK);
    assert_int_equal(freed, 1);
    assert_false(csc_test_cached(cache, SH "\\b\\1")); /* first in walk order now */
    assert_true(csc_test_cached(cache, SH "\\d\\1"));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C13.2 with C1.2 step 6: New is looked up as normalised. A component
 * that keeps a trailing period ("p.." is "p." when not last) is found as
 * its parent, and a New ending in a separator ("p..\" keeps "p.") is
 * cached already; neither is read as "p". (Found by the differential
 * test: the parent and New were looked up by re-normalising a prefix of
 * the display path.) */
static void test_rename_trailing_period_names(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\p..\\x.txt", 1);
    csc_test_file(cache, SH "\\q\\f.txt", 2);
    csc_test_dir(cache, SH "\\p");
    assert_int_equal(csc_rename_item_ex(cache, SH "\\q\\f.txt", SH "\\p..\\f.txt", false),
                     CSC_S_OK);
    assert_true(csc_test_cached(cache, SH "\\p..\\f.txt"));
    assert_false(csc_test_cached(cache, SH "\\p\\f.txt"));
    char *before = csc_test_dump(cache);
    assert_int_equal(csc_rename_item_ex(cache, SH "\\q", SH "\\p..\\", false),
                     CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_rename_item(cache, SH "\\q", SH "\\p..\\", false), CSC_E_ACCESSDENIED);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C8.1: with allocation k refused, the call fails with E_OUTOFMEMORY and
 * changes nothing, or succeeds exactly as a clean run. */
static void test_rename_allocation_failure(void **state)
{
    (void)state;
    const char *to[] = {SH "\\a-name-long-enough-for-its-own-key", SH "\\y", "\\\\srv2"};
    const char *from[] = {SH "\\d", SH "\\d", SRV};
    for (size_t c = 0; c < 3; c++) {
        for (size_t k = 1;; k++) {
            csc_test_alloc_t st = {0};
            csc_cache_t *cache = csc_test_cache_new_alloc(&st);
            csc_test_file(cache, SH "\\d\\a.txt", 1);
            csc_test_file(cache, SH "\\e.txt", 1);
            char *before = csc_test_dump(cache);
            st.fail_at = st.count + k;
            csc_hresult hr = csc_rename_item_ex(cache, from[c], to[c], false);
            bool refused_one = st.failed;
            st.fail_at = 0;
            if (hr == CSC_E_OUTOFMEMORY) {
                char *after = csc_test_dump(cache);
                assert_string_equal(before, after);
                free(after);
            } else {
                assert_int_equal(hr, CSC_S_OK);
                assert_true(csc_test_cached(cache, to[c]));
            }
            assert_cache_ok(cache);
            free(before);
            csc_cache_free(cache);
            if (!refused_one)
                break;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rename_directory_with_subtree),
        cmocka_unit_test(test_rename_server_and_share),
        cmocka_unit_test(test_rename_errors),
        cmocka_unit_test(test_rename_at_restart),
        cmocka_unit_test(test_rename_eviction_order),
        cmocka_unit_test(test_rename_trailing_period_names),
        cmocka_unit_test(test_rename_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
