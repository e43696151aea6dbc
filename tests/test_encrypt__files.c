/*
 * tests/test_encrypt__files.c: Encrypt and GetEncryptionStatus (contract
 * C13.4, C15.16). Encrypt walks every cached file in walk order with Pin's
 * events (files only), cancellation (token, Begin, query_abort, ItemBegin
 * and ItemResult ABORT) and RETRY; an open file fails with 0x80070020 and
 * keeps its state; flags outside 0x200, 0x400, 0x800, 0x1000, 0x10000 give
 * E_INVALIDARG and change nothing; files cached later follow the last
 * accepted Encrypt (a cancelled one included: Windows' "partially
 * encrypted"); GetEncryptionStatus reports Encrypted and Partial.
 */
#include "support.h"
#include "events.h"

#include <stdlib.h>
#include <string.h>

#define SH "\\\\s\\sh"
#define A SH "\\d\\a"
#define B SH "\\d\\b"
#define C SH "\\z"
#define T_CANC "The operation was canceled by the user."

static csc_cache_t *three(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, C, 1);
    csc_test_file(cache, B, 1);
    csc_test_file(cache, A, 1);
    return cache;
}

static void st(csc_cache_t *cache, bool enc, bool partial)
{
    bool e = !enc, p = !partial;
    assert_int_equal(csc_get_encryption_status(cache, &e, &p), CSC_S_OK);
    assert_int_equal(e, enc);
    assert_int_equal(p, partial);
    assert_int_equal(csc_get_encryption_status(cache, NULL, NULL), CSC_S_OK);
}

static bool enc(csc_cache_t *cache, const char *p)
{
    return csc_item_is_encrypted(csc_test_find(cache, p));
}

static void close_b(void *ctx, const char *path)
{
    csc_cache_t *cache = ctx;
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(cache, path, &item), CSC_S_OK);
    assert_int_equal(csc_item_close(cache, item), CSC_S_OK); /* allowed in a callback */
}

static void test_encrypt_events_and_status(void **state)
{
    (void)state;
    csc_cache_t *cache = three();
    st(cache, false, false);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_encrypt(cache, true, 0, &rec.sink, NULL), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), ITEM_OK(B), ITEM_OK(C), EV_END_OK);
    assert_true(enc(cache, A));
    assert_false(csc_item_is_encrypted(csc_test_find(cache, SH "\\d"))); /* containers */
    st(cache, true, false);
    /* Files cached later follow it (C15.16). */
    csc_test_file(cache, SH "\\new", 1);
    assert_true(enc(cache, SH "\\new"));
    /* An open file fails and keeps its state: partial. */
    csc_item_t *b = csc_test_find(cache, B);
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_encrypt(cache, false, 0x11E00u, &rec.sink, NULL), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), ITEM_SHARING(B), ITEM_OK(SH "\\new"), ITEM_OK(C),
                  EV_END_OK);
    assert_true(enc(cache, B));
    assert_false(enc(cache, A));
    st(cache, false, true);
    /* RETRY (C4.5 step 6) after the handle is closed: B again, now done. */
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_encrypt(cache, true, 0, NULL, NULL), CSC_S_OK); /* B stays open */
    st(cache, true, false); /* B failed, but was encrypted already */
    csc_test_recorder_init(&rec);
    rec.retry_at = 2;
    rec.on_retry = close_b;
    rec.on_retry_ctx = cache;
    assert_int_equal(csc_encrypt(cache, false, 0, &rec.sink, NULL), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), ITEM_SHARING(B), ITEM_OK(B), ITEM_OK(SH "\\new"),
                  ITEM_OK(C), EV_END_OK);
    assert_false(enc(cache, B));
    st(cache, false, false);
    assert_cache_ok(cache);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

static void test_encrypt_cancel(void **state)
{
    (void)state;
    csc_cache_t *cache = three();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 2; /* ABORT at the second ItemBegin */
    assert_int_equal(csc_encrypt(cache, true, 0, &rec.sink, NULL), CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), IB(B), EV_END_CANCELLED);
    assert_true(enc(cache, A));
    assert_false(enc(cache, B));
    assert_false(enc(cache, C));
    st(cache, true, true); /* "partially encrypted" */
    csc_test_file(cache, SH "\\later", 1);
    assert_true(enc(cache, SH "\\later")); /* follows the request */
    /* A cancel token before the call: nothing done. */
    csc_cancel_t *tok;
    assert_int_equal(csc_cancel_new(&tok), CSC_S_OK);
    csc_cancel_request(tok);
    assert_int_equal(csc_encrypt(cache, false, 0, NULL, tok), CSC_E_CANCELLED);
    csc_cancel_free(tok);
    assert_true(enc(cache, A));
    st(cache, false, true);
    /* Begin's abort; with AsyncProgress the answers are ignored. */
    csc_test_recorder_clear(&rec);
    csc_test_recorder_init(&rec);
    rec.abort_in_begin = true;
    assert_int_equal(csc_encrypt(cache, true, 0, &rec.sink, NULL), CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_encrypt(cache, true, CSC_ENCRYPT_FLAG_ASYNC_PROGRESS, &rec.sink, NULL),
                     CSC_S_OK);
    st(cache, true, false);
    csc_test_recorder_clear(&rec);
    csc_test_recorder_init(&rec);
    rec.query_abort_at = 1;
    assert_int_equal(csc_encrypt(cache, false, 0, &rec.sink, NULL), CSC_E_CANCELLED);
    st(cache, false, true);
    assert_cache_ok(cache);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

static void test_encrypt_bad_input(void **state)
{
    (void)state;
    csc_cache_t *cache = three();
    char *before = csc_test_dump(cache);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    uint32_t bad[] = {0x1u, 0x100u, 0x2000u, 0x20000u, 0x80000000u};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(csc_encrypt(cache, true, bad[i], &rec.sink, NULL), CSC_E_INVALIDARG);
        assert_int_equal(rec.count, 0); /* no event */
    }
    csc_progress_t newer = CSC_PROGRESS_INIT;
    newer.version = CSC_PROGRESS_VERSION + 1;
    assert_int_equal(csc_encrypt(cache, true, 0, &newer, NULL), CSC_E_INVALIDARG);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after); /* C15.16: nothing changes */
    free(before);
    free(after);
    assert_int_equal(csc_encrypt(NULL, true, 0, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_get_encryption_status(NULL, NULL, NULL), CSC_E_POINTER);
    assert_false(csc_item_is_encrypted(NULL));
    /* C8.1: the path buffer cannot be had: nothing happened. */
    csc_test_alloc_t al = {0};
    csc_cache_t *c2 = csc_test_cache_new_alloc(&al);
    csc_test_file(c2, A, 1);
    al.fail_at = al.count + 1;
    assert_int_equal(csc_encrypt(c2, true, 0, &rec.sink, NULL), CSC_E_OUTOFMEMORY);
    al.fail_at = 0;
    assert_false(enc(c2, A));
    st(c2, false, false);
    csc_cache_free(c2);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* The scenario dump (dump.c, phase 7) recreates a partly encrypted cache,
 * suspension roots, Location and a stopped feature. */
static void test_encrypt_dump_round_trip(void **state)
{
    (void)state;
    csc_cache_t *cache = three();
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    csc_item_t *b = csc_test_find(cache, B);
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    assert_int_equal(csc_encrypt(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_item_close(cache, b), CSC_S_OK);
    assert_int_equal(csc_suspend_root(cache, SH "\\d", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_location(cache, "D:\\c"), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, true, NULL), CSC_S_OK);
    bool e = false, p = false;
    assert_int_equal(csc_get_encryption_status(cache, &e, &p), CSC_HR(0x80070426u));
    csc_cache_encryption_state(cache, &e, &p); /* the view never refuses */
    assert_true(e);
    assert_true(p);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(csc_cache_dump_string(&text, &len, cache, NULL, CSC_DUMP_SCENARIO),
                     CSC_S_OK);
    assert_null(strstr(text, "cannot express"));
    csc_cache_t *copy = csc_test_cache_new();
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(copy, text, len, NULL, &res), CSC_S_OK);
    csc_scenario_result_clear(&res);
    char *a = csc_test_dump(cache), *c = csc_test_dump(copy);
    assert_string_equal(a, c);
    free(a);
    free(c);
    csc_dump_free(text);
    csc_cache_free(copy);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encrypt_events_and_status),
        cmocka_unit_test(test_encrypt_cancel),
        cmocka_unit_test(test_encrypt_bad_input),
        cmocka_unit_test(test_encrypt_dump_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
