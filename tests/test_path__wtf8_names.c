/*
 * tests/test_path__wtf8_names.c: names holding unpaired surrogates (contract
 * C14.4) through the whole public API. Windows names are UTF-16 and need not
 * pair their surrogates; the UTF-8 API takes such a name as WTF-8 (a
 * surrogate as its three bytes ED A0 80 .. ED BF BF) and gives it back in the
 * same bytes: csc_cache_file and csc_cache_find (another case of the ASCII
 * part finds the same item, the surrogate folds to itself, C1.3), csc_item_name
 * and csc_item_path, the paths of Unpin's progress events and their WMI form
 * (csc_event_format_wmi, csc_wmi_unpin), the walk order (C2.3), and user
 * names (C9.1). A surrogate pair written as two 3-byte halves is neither
 * UTF-8 nor WTF-8: 0x8007007B (E_INVALIDARG for a user name), nothing changes.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

#define USER CSC_PIN_FLAG_FOR_USER

/* Surrogates in WTF-8, three bytes each (C14.4). */
#define HI_D800 "\xED\xA0\x80"
#define HI_D801 "\xED\xA0\x81"
#define HI_DBFF "\xED\xAF\xBF"
#define LO_DC00 "\xED\xB0\x80"
#define LO_DFFF "\xED\xBF\xBF"

#define SH "\\\\Srv\\Share"
/* A directory whose name is a low then a high surrogate (two unpaired
 * ones), and a file whose name holds a high surrogate, a Latin-1 capital and
 * ends with a low surrogate. */
#define DIR_NAME "D" LO_DC00 HI_D800 "r"
#define FILE_NAME "Na" HI_D800 "m\xC3\x89" LO_DFFF
#define DIR SH "\\" DIR_NAME
#define FILE DIR "\\" FILE_NAME
/* The same path with the ASCII part and the Latin-1 letter in another case. */
#define FILE_OTHER_CASE "\\\\sRV\\sHARE\\d" LO_DC00 HI_D800 "R\\nA" HI_D800 "M\xC3\xA9" LO_DFFF
/* A high surrogate at the very end of a name and of the path. */
#define TAIL SH "\\tail" HI_DBFF

/* C14.4: the name is kept and given back in the bytes it was cached with. */
static void test_wtf8_name_round_trips_through_cache_and_find_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *file = NULL;
    assert_int_equal(csc_cache_file(cache, FILE, true, 42, &file), CSC_S_OK);
    assert_non_null(file);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), 4); /* server, share, dir, file */

    assert_string_equal(csc_item_name(file), FILE_NAME);
    char path[256];
    assert_int_equal(csc_item_path(file, path, sizeof path), strlen(FILE));
    assert_string_equal(path, FILE);
    csc_item_t *dir = csc_item_parent(file);
    assert_string_equal(csc_item_name(dir), DIR_NAME);
    assert_int_equal(csc_item_path(dir, path, sizeof path), strlen(DIR));
    assert_string_equal(path, DIR);

    /* Another case of the ASCII (and Latin-1) part finds the same item:
     * the surrogates fold to themselves (C1.3), the rest folds as ever. */
    csc_item_t *found = NULL;
    assert_int_equal(csc_cache_find(cache, FILE_OTHER_CASE, &found), CSC_S_OK);
    assert_ptr_equal(found, file);
    assert_int_equal(csc_cache_find(cache, "//srv/share/d" LO_DC00 HI_D800 "r", &found),
                     CSC_S_OK);
    assert_ptr_equal(found, dir);
    /* Caching it again in the other case: the same item, first spelling kept. */
    assert_int_equal(csc_cache_file(cache, FILE_OTHER_CASE, false, 0, &found), CSC_S_OK);
    assert_ptr_equal(found, file);
    assert_int_equal(csc_cache_item_count(cache), 4);
    assert_int_equal(csc_item_size(file), 42);
    assert_int_equal(csc_item_path(file, path, sizeof path), strlen(FILE));
    assert_string_equal(path, FILE);

    /* A different surrogate is a different name: not cached. */
    assert_int_equal(csc_cache_find(cache, SH "\\D" LO_DC00 HI_D801 "r", &found),
                     CSC_E_FILE_NOT_FOUND);

    /* A name ending in a high surrogate, at the end of the path. */
    assert_int_equal(csc_cache_file(cache, TAIL, false, 0, &found), CSC_S_OK);
    assert_string_equal(csc_item_name(found), "tail" HI_DBFF);
    assert_int_equal(csc_cache_find(cache, "\\\\SRV\\SHARE\\TAIL" HI_DBFF, &found), CSC_S_OK);
    assert_string_equal(csc_item_name(found), "tail" HI_DBFF);

    /* The public normaliser gives the same display and the folded key. */
    char display[256], key[256];
    size_t display_len = 0, key_len = 0;
    assert_int_equal(csc_path_normalize(FILE_OTHER_CASE, display, sizeof display, &display_len,
                                        key, sizeof key, &key_len),
                     CSC_S_OK);
    assert_string_equal(display, FILE_OTHER_CASE);
    assert_string_equal(key, "\\\\srv\\share\\d" LO_DC00 HI_D800 "r\\na" HI_D800
                             "m\xC3\xA9" LO_DFFF);
    assert_int_equal(key_len, strlen(key));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C14.4: a surrogate pair in two halves is invalid for every call that
 * takes a path, and changes nothing; its 4-byte spelling is a valid name. */
static void test_wtf8_pair_in_halves_is_invalid_and_changes_nothing_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE, 1);
    char *before = csc_test_dump(cache);
    csc_item_t *out = NULL;
    assert_int_equal(csc_cache_file(cache, SH "\\x" HI_D800 LO_DC00, false, 0, &out),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_dir(cache, SH "\\" HI_DBFF LO_DFFF "\\y", &out),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_find(cache, DIR "\\" HI_D800 LO_DC00, &out), CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_find(cache, "\\\\" HI_D800 LO_DC00, &out), CSC_E_INVALID_NAME);
    char *after = csc_test_dump(cache);
    assert_string_equal(after, before);
    free(after);
    free(before);
    /* U+10000 written properly (F0 90 80 80) is an ordinary name. */
    assert_int_equal(csc_cache_file(cache, SH "\\x\xF0\x90\x80\x80", false, 0, &out), CSC_S_OK);
    assert_string_equal(csc_item_name(out), "x\xF0\x90\x80\x80");
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* A sink that checks each item event against its WMI form, as a client
 * reading event->path would: the path is NUL-terminated at path_len and
 * csc_event_format_wmi writes those very bytes. */
typedef struct raw_sink {
    size_t items;
    char paths[16][128];
} raw_sink_t;

static void check_event(raw_sink_t *s, const csc_event_t *ev)
{
    assert_non_null(ev->path);
    assert_int_equal(strlen(ev->path), ev->path_len);
    char want[256];
    snprintf(want, sizeof want, "%u:0x%08X:%s:%s", (unsigned)ev->reason,
             (unsigned)(uint32_t)ev->result, csc_hresult_message(ev->result), ev->path);
    char wmi[256];
    size_t n = csc_event_format_wmi(ev, wmi, sizeof wmi);
    assert_int_equal(n, strlen(want));
    assert_string_equal(wmi, want);
    if (ev->reason == CSC_EVENT_ITEM_RESULT && s->items < 16)
        snprintf(s->paths[s->items++], sizeof s->paths[0], "%s", ev->path);
}

static csc_op_response_t raw_item_begin(void *ud, const csc_event_t *ev)
{
    check_event(ud, ev);
    return CSC_OP_CONTINUE;
}

static csc_op_response_t raw_item_result(void *ud, const csc_event_t *ev)
{
    check_event(ud, ev);
    return CSC_OP_CONTINUE;
}

/* C14.4, C6.1, C6.2: Unpin's event paths carry the names in their WTF-8
 * bytes (the cached item's first spelling; a path not cached or invalid as
 * given, C4.3), and so does their WMI form. */
static void test_wtf8_names_in_unpin_event_paths_and_wmi_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE, 1);
    csc_test_pin1_ok(cache, SH, USER, true);

    /* Through the recorder (csc_event_format_wmi of every event). */
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *paths[] = {FILE_OTHER_CASE, SH "\\gone" LO_DC00, SH "\\x" HI_D800 LO_DC00};
    assert_int_equal(csc_unpin(cache, paths, 3, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    /* The cached file in its first spelling; a path not cached and an
     * invalid one as given (C4.3). */
    assert_events(&rec, EV_BEGIN, ITEM_OK(FILE), ITEM_NF(SH "\\gone" LO_DC00),
                  ITEM_BAD(SH "\\x" HI_D800 LO_DC00), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, FILE), 0);

    /* Through a sink of our own that reads event->path directly. */
    csc_test_pin1_ok(cache, SH, USER, true);
    raw_sink_t raw = {0};
    csc_progress_t sink = {.user_data = &raw,
                           .item_begin = raw_item_begin,
                           .item_result = raw_item_result};
    const char *dir[] = {"\\\\SRV\\SHARE\\d" LO_DC00 HI_D800 "R"};
    assert_int_equal(csc_unpin(cache, dir, 1, USER, true, &sink, NULL), CSC_S_OK);
    assert_int_equal(raw.items, 2);
    assert_string_equal(raw.paths[0], DIR);
    assert_string_equal(raw.paths[1], FILE);

    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Collects csc_wmi_unpin's messages. */
typedef struct wmi_log {
    size_t n;
    char msg[8][256];
} wmi_log_t;

static void on_wmi(void *ud, const char *message)
{
    wmi_log_t *log = ud;
    if (log->n < 8)
        snprintf(log->msg[log->n++], sizeof log->msg[0], "%s", message);
}

/* C14.4, C4.8, C6.2: the WMI entry point's messages carry the same bytes. */
static void test_wtf8_names_in_wmi_messages_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, TAIL, 1);
    csc_test_pin1_ok(cache, TAIL, USER, false);
    wmi_log_t log = {0};
    const char *one[] = {"//srv/share/TAIL" HI_DBFF};
    assert_int_equal(csc_wmi_unpin(cache, one, 1, USER, false, on_wmi, &log), 0);
    const char *want[] = {EV_BEGIN, IB(TAIL), R_OK(TAIL), EV_END_OK};
    assert_int_equal(log.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(log.msg[i], want[i]);
    /* A pair in halves: 123 (ERROR_INVALID_NAME), the path as given. */
    log.n = 0;
    const char *bad[] = {SH "\\" HI_DBFF LO_DFFF};
    assert_int_equal(csc_wmi_unpin(cache, bad, 1, USER, false, on_wmi, &log), 123);
    assert_int_equal(log.n, 4);
    assert_string_equal(log.msg[1], IB(SH "\\" HI_DBFF LO_DFFF));
    assert_string_equal(log.msg[2], R_BAD(SH "\\" HI_DBFF LO_DFFF));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C2.3 with C14.4: children are ordered by the bytes of their folded names,
 * so a surrogate (ED A0 80 .. ED BF BF) sorts after U+D7FF and before
 * U+E000, and before any character outside the BMP. */
static void test_wtf8_names_walk_in_folded_byte_order_c2_3_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\\xF0\x9F\x98\x80", 0); /* U+1F600 */
    csc_test_file(cache, SH "\\\xEE\x80\x80", 0);     /* U+E000 */
    csc_test_file(cache, SH "\\" LO_DC00, 0);
    csc_test_file(cache, SH "\\" HI_D800, 0);
    csc_test_file(cache, SH "\\\xED\x9F\xBF", 0);     /* U+D7FF */
    csc_test_file(cache, SH "\\A", 0);
    csc_test_pin1_ok(cache, SH, USER, true);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\A"), ITEM_OK(SH "\\\xED\x9F\xBF"),
                  ITEM_OK(SH "\\" HI_D800), ITEM_OK(SH "\\" LO_DC00),
                  ITEM_OK(SH "\\\xEE\x80\x80"), ITEM_OK(SH "\\\xF0\x9F\x98\x80"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Run by csc_cache_call_as: whether the caller it sets may reach the file. */
static csc_hresult has_access_fn(csc_cache_t *cache, void *user_data)
{
    csc_item_t *file = NULL;
    csc_hresult hr = csc_cache_find(cache, FILE, &file);
    if (hr != CSC_S_OK)
        return hr;
    *(bool *)user_data = csc_cache_caller_has_access(cache, file);
    return CSC_S_OK;
}

/* C9.1 with C14.4 [decision]: user names accept WTF-8 as paths do, are given
 * back in the same bytes and compare with the surrogates folded to
 * themselves; a pair in halves is E_INVALIDARG and changes nothing. */
static void test_wtf8_user_names_c9_1_c14_4(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *file = csc_test_file(cache, FILE, 1);
    assert_int_equal(csc_cache_set_caller(cache, "Ann" HI_D800, false), CSC_S_OK);
    bool admin = true;
    assert_string_equal(csc_cache_caller(cache, &admin), "Ann" HI_D800);
    assert_false(admin);

    const char *users[] = {"bob", "ANN" HI_D800};
    assert_int_equal(csc_item_set_access(cache, file, users, 2), CSC_S_OK);
    assert_string_equal(csc_item_access_user(file, 1), "ANN" HI_D800);
    assert_true(csc_cache_caller_has_access(cache, file));
    assert_int_equal(csc_cache_set_caller(cache, "ann" LO_DC00, false), CSC_S_OK);
    assert_false(csc_cache_caller_has_access(cache, file));

    /* A pair in halves: refused, the caller and the list unchanged. */
    assert_int_equal(csc_cache_set_caller(cache, "ann" HI_D800 LO_DC00, false),
                     CSC_E_INVALIDARG);
    assert_string_equal(csc_cache_caller(cache, NULL), "ann" LO_DC00);
    const char *bad[] = {"carol", "x" HI_DBFF LO_DFFF};
    assert_int_equal(csc_item_set_access(cache, file, bad, 2), CSC_E_INVALIDARG);
    size_t count = 0;
    assert_true(csc_item_access(file, &count));
    assert_int_equal(count, 2);
    assert_string_equal(csc_item_access_user(file, 0), "bob");

    /* The per-call caller takes the same names. */
    bool allowed = false;
    assert_int_equal(csc_cache_call_as(cache, "aNN" HI_D800, false, has_access_fn, &allowed),
                     CSC_S_OK);
    assert_true(allowed);
    assert_int_equal(csc_cache_call_as(cache, "ann" HI_D800 LO_DC00, false, has_access_fn,
                                       &allowed),
                     CSC_E_INVALIDARG);
    assert_string_equal(csc_cache_caller(cache, NULL), "ann" LO_DC00);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wtf8_name_round_trips_through_cache_and_find_c14_4),
        cmocka_unit_test(test_wtf8_pair_in_halves_is_invalid_and_changes_nothing_c14_4),
        cmocka_unit_test(test_wtf8_names_in_unpin_event_paths_and_wmi_c14_4),
        cmocka_unit_test(test_wtf8_names_in_wmi_messages_c14_4),
        cmocka_unit_test(test_wtf8_names_walk_in_folded_byte_order_c2_3_c14_4),
        cmocka_unit_test(test_wtf8_user_names_c9_1_c14_4),
    };
    return cmocka_run_group_tests_name("wtf8_names", tests, NULL, NULL);
}
