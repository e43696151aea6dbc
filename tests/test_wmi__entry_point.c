/*
 * tests/test_wmi__entry_point.c: the WMI-shaped entry points csc_wmi_unpin
 * and csc_wmi_pin: their uint32 return value (C4.8: 0, the Win32 code of a
 * 0x8007xxxx HRESULT, any other HRESULT as its own bits) and the exact WMI
 * strings they deliver (C6.1, C6.2), with and without a callback; and
 * csc_event_format_wmi itself: Result as 0x%08X, the message texts of C6.1,
 * nothing escaped, the full length returned, truncation NUL-terminated, a
 * size of 0 and a NULL buffer allowed.
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SH "\\\\srv\\share"
#define USER CSC_PIN_FLAG_FOR_USER
#define ALL CSC_PIN_FLAG_FOR_ALL

/* ---- a WMI progress collector ---------------------------------------------- */

#define LOG_MAX 64

typedef struct wmi_log {
    size_t count;
    char *msgs[LOG_MAX];
} wmi_log_t;

static void on_msg(void *ud, const char *message)
{
    wmi_log_t *log = ud;
    assert_non_null(message);
    assert_true(log->count < LOG_MAX);
    size_t n = strlen(message);
    char *copy = test_malloc(n + 1);
    memcpy(copy, message, n + 1);
    log->msgs[log->count++] = copy;
}

static void log_clear(wmi_log_t *log)
{
    for (size_t i = 0; i < log->count; i++)
        test_free(log->msgs[i]);
    memset(log, 0, sizeof *log);
}

/* Asserts the collected messages equal the given strings, in order. */
#define assert_msgs(log, ...)                                                                      \
    csc_test_assert_strings(__FILE__, __LINE__, "WMI messages", (const char *const *)(log)->msgs,  \
                            (log)->count, (const char *[]){__VA_ARGS__, NULL})

static csc_cache_t *pinned_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\b.txt", 1);
    csc_test_file(cache, SH "\\a.txt", 1);
    const char *p[] = {SH};
    assert_int_equal(csc_pin(cache, p, 1, USER, true, NULL, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    return cache;
}

/* C4.8 + C6.2: a successful Unpin returns 0 and delivers each event as its
 * WMI string. */
static void test_c4_8_wmi_unpin_success(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    wmi_log_t log = {0};
    const char *p[] = {"//SRV/share"};
    assert_int_equal(csc_wmi_unpin(cache, p, 1, USER, true, on_msg, &log), 0);
    assert_cache_ok(cache);
    assert_msgs(&log, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\b.txt"),
                EV_END_OK);
    log_clear(&log);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    csc_cache_free(cache);
}

/* C4.8 + C4.7: a single missing file path -> 2, with its WMI strings (the
 * example of C6.2); an invalid one -> 123 (the path verbatim, colon and all,
 * not escaped); two paths -> 0. */
static void test_c4_8_wmi_unpin_failures(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    wmi_log_t log = {0};
    const char *x[] = {"\\\\srv\\share\\x.txt"};
    assert_int_equal(csc_wmi_unpin(cache, x, 1, USER, true, on_msg, &log), 2);
    assert_msgs(&log, "0:0x00000000:The operation completed successfully.:",
                "2:0x00000000:The operation completed successfully.:\\\\srv\\share\\x.txt",
                "3:0x80070002:The system cannot find the file specified.:\\\\srv\\share\\x.txt",
                "1:0x00000000:The operation completed successfully.:");
    log_clear(&log);

    const char *bad[] = {"\\\\srv\\share\\a:b"};
    assert_int_equal(csc_wmi_unpin(cache, bad, 1, USER, false, on_msg, &log), 123);
    assert_msgs(&log, EV_BEGIN, IB("\\\\srv\\share\\a:b"), R_BAD("\\\\srv\\share\\a:b"),
                EV_END_OK);
    log_clear(&log);

    const char *two[] = {"\\\\srv\\share\\x.txt", "//srv/share/A.TXT"};
    assert_int_equal(csc_wmi_unpin(cache, two, 2, USER, true, on_msg, &log), 0);
    assert_msgs(&log, EV_BEGIN, IB("\\\\srv\\share\\x.txt"), R_NF("\\\\srv\\share\\x.txt"),
                ITEM_OK(SH "\\a.txt"), EV_END_OK);
    log_clear(&log);
    csc_cache_free(cache);
}

/* C4.8 + C4.5 steps 3 and 4: access denied -> 5, Background sharing
 * violation -> 32 (single file paths); a failing container -> 0. */
static void test_c4_8_wmi_access_and_sharing(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    csc_item_t *a = csc_test_find(cache, SH "\\a.txt");
    const char *alice[] = {"alice"};
    assert_int_equal(csc_item_set_access(cache, a, alice, 1), CSC_S_OK);
    csc_item_t *b = csc_test_find(cache, SH "\\b.txt");
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    assert_cache_ok(cache);
    wmi_log_t log = {0};

    const char *pa[] = {SH "\\a.txt"};
    assert_int_equal(csc_wmi_unpin(cache, pa, 1, USER, true, on_msg, &log), 5);
    assert_msgs(&log, EV_BEGIN, IB(SH "\\a.txt"), R_DENIED(SH "\\a.txt"), EV_END_OK);
    log_clear(&log);

    const char *pb[] = {SH "\\b.txt"};
    assert_int_equal(
        csc_wmi_unpin(cache, pb, 1, USER | CSC_PIN_FLAG_BACKGROUND, true, on_msg, &log), 32);
    assert_msgs(&log, EV_BEGIN, IB(SH "\\b.txt"), R_SHARING(SH "\\b.txt"), EV_END_OK);
    log_clear(&log);

    const char *ps[] = {SH};
    assert_int_equal(
        csc_wmi_unpin(cache, ps, 1, USER | CSC_PIN_FLAG_BACKGROUND, true, on_msg, &log), 0);
    assert_msgs(&log, EV_BEGIN, ITEM_OK(SH), IB(SH "\\a.txt"), R_DENIED(SH "\\a.txt"),
                IB(SH "\\b.txt"), R_SHARING(SH "\\b.txt"), EV_END_OK);
    log_clear(&log);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\b.txt"), USER);

    /* Pin: the same codes (C7.1). */
    assert_int_equal(csc_wmi_pin(cache, pa, 1, ALL, false, on_msg, &log), 5);
    log_clear(&log);
    assert_int_equal(csc_wmi_pin(cache, pb, 1, ALL | CSC_PIN_FLAG_BACKGROUND, false, NULL, NULL),
                     32);
    csc_cache_free(cache);
}

/* C4.8 + C4.1: invalid arguments -> 87 with no message at all. C8.1: a NULL
 * cache -> E_POINTER, not a facility-Win32 code, as its own bits. */
static void test_c4_8_wmi_invalid_arguments(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    wmi_log_t log = {0};
    const char *p[] = {SH};
    assert_int_equal(csc_wmi_unpin(cache, p, 1, USER | 0x2u, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_unpin(cache, p, 1, 0x80000000u | ALL, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_unpin(cache, p, 1, CSC_PIN_FLAG_FILL, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_unpin(cache, p, 0, USER, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_unpin(cache, NULL, 1, USER, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_pin(cache, p, 1, USER | 0x20000u, true, on_msg, &log), 87);
    assert_int_equal(csc_wmi_pin(cache, p, 1, CSC_PIN_FLAG_BACKGROUND, false, on_msg, &log), 87);
    const char *null_and_bad_flags[] = {SH, NULL};
    assert_int_equal(csc_wmi_pin(cache, null_and_bad_flags, 2, USER | 0x2u, true, on_msg, &log),
                     87);
    assert_int_equal(csc_wmi_unpin(cache, p, 1, 0x4u | USER, true, NULL, NULL), 87);
    assert_int_equal(log.count, 0);
    assert_int_equal(csc_test_pins_of(cache, SH), USER);

    assert_int_equal(csc_wmi_unpin(NULL, p, 1, USER, true, on_msg, &log), 0x80004003u);
    assert_int_equal(csc_wmi_pin(NULL, p, 1, USER, true, NULL, NULL), 0x80004003u);
    assert_int_equal(log.count, 0);
    csc_cache_free(cache);
}

/* C14.4, C16.7: a NULL string inside Paths counts as an empty string, as
 * WMI passes a NULL BSTR: one invalid path for that item (C4.3), and the
 * call goes on. (Before: 87 for the whole call.) */
static void test_c14_4_wmi_null_path_counts_as_empty(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    wmi_log_t log = {0};
    const char *with_null[] = {NULL, SH "\\a.txt"};
    assert_int_equal(csc_wmi_unpin(cache, with_null, 2, USER, false, on_msg, &log), 0);
    assert_msgs(&log, EV_BEGIN, IB(""), R_BAD(""), ITEM_OK(SH "\\a.txt"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    log_clear(&log);
    /* A single NULL path: the single failed path's result (C4.7): 123. */
    const char *only_null[] = {NULL};
    assert_int_equal(csc_wmi_pin(cache, only_null, 1, USER, false, on_msg, &log), 123);
    assert_msgs(&log, EV_BEGIN, IB(""), R_BAD(""), EV_END_OK);
    log_clear(&log);
    assert_int_equal(csc_wmi_pin(cache, only_null, 1, USER, false, NULL, NULL), 123);
    /* Out of memory for the substituted array: 14, nothing happened. */
    csc_test_alloc_t st = {0};
    csc_cache_t *small = csc_test_cache_new_alloc(&st);
    st.fail_at = st.count + 1;
    assert_int_equal(csc_wmi_unpin(small, with_null, 2, USER, false, on_msg, &log), 14);
    assert_int_equal(log.count, 0);
    st.fail_at = 0;
    csc_cache_free(small);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C4.8 without a callback: the same return values and the same changes. */
static void test_c4_8_wmi_null_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    const char *p[] = {SH "\\a.txt"};
    const char *x[] = {SH "\\x.txt"};
    const char *bad[] = {"C:\\x"};
    assert_int_equal(csc_wmi_unpin(cache, p, 1, USER, false, NULL, NULL), 0);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\b.txt"), USER);
    assert_int_equal(csc_wmi_unpin(cache, x, 1, USER, false, NULL, NULL), 2);
    assert_int_equal(csc_wmi_unpin(cache, bad, 1, USER, false, NULL, NULL), 123);
    assert_int_equal(csc_wmi_pin(cache, x, 1, USER, false, NULL, NULL), 2);
    assert_int_equal(csc_wmi_pin(cache, bad, 1, USER, false, NULL, NULL), 123);
    assert_int_equal(csc_wmi_pin(cache, p, 1, ALL, true, NULL, NULL), 0);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), ALL);
    csc_cache_free(cache);
}

/* C7.1/C7.2 + C4.8: csc_wmi_pin: 0 and the items pinned; a path not cached
 * -> 2 with the path as given. */
static void test_c4_8_wmi_pin(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, "\\\\Srv\\Share\\F.txt", 1);
    wmi_log_t log = {0};
    const char *p[] = {"//srv/share"};
    assert_int_equal(csc_wmi_pin(cache, p, 1, ALL, true, on_msg, &log), 0);
    assert_cache_ok(cache);
    assert_msgs(&log, EV_BEGIN, ITEM_OK("\\\\Srv\\Share"), ITEM_OK("\\\\Srv\\Share\\F.txt"),
                EV_END_OK);
    log_clear(&log);
    assert_int_equal(csc_test_pins_of(cache, "\\\\srv\\share\\f.txt"), ALL);
    assert_int_equal(csc_item_inherit(csc_test_find(cache, "\\\\srv\\share")), ALL);

    const char *m[] = {"//srv/share/g.txt"};
    assert_int_equal(csc_wmi_pin(cache, m, 1, ALL, true, on_msg, &log), 2);
    assert_msgs(&log, EV_BEGIN, IB("//srv/share/g.txt"), R_NF("//srv/share/g.txt"), EV_END_OK);
    log_clear(&log);
    csc_cache_free(cache);
}

/* C6.2: a message longer than any small fixed buffer is delivered whole. */
static void test_c6_2_long_path_message(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    char path[1024];
    char comp[201];
    memset(comp, 'd', 200);
    comp[200] = '\0';
    int n = snprintf(path, sizeof path, "\\\\srv\\share\\%s\\%s\\%s.txt", comp, comp, comp);
    assert_true(n > 600 && (size_t)n < sizeof path);
    csc_test_file(cache, path, 1);
    char expected[1200];
    snprintf(expected, sizeof expected, "3:0x00000000:" T_OK ":%s", path);
    wmi_log_t log = {0};
    const char *p[] = {path};
    assert_int_equal(csc_wmi_pin(cache, p, 1, USER, false, on_msg, &log), 0);
    assert_cache_ok(cache);
    assert_int_equal(log.count, 4);
    assert_string_equal(log.msgs[2], expected);
    expected[0] = '2';
    assert_string_equal(log.msgs[1], expected);
    log_clear(&log);
    csc_cache_free(cache);
}

/* ---- csc_event_format_wmi (C6.1, C6.2) ------------------------------------ */

static csc_event_t event(csc_event_reason_t reason, csc_hresult hr, const char *path)
{
    csc_event_t ev = {reason, hr, path, strlen(path)};
    return ev;
}

/* C6.1 + C6.2: the four reasons, Result as 0x%08X (upper-case hex digits),
 * Windows' texts, Begin and End with an empty path. */
static void test_c6_2_format_reasons_and_texts(void **state)
{
    (void)state;
    char buf[256];
    csc_event_t ev = event(CSC_EVENT_BEGIN, CSC_S_OK, "");
    assert_int_equal(csc_event_format_wmi(&ev, buf, sizeof buf), strlen(EV_BEGIN));
    assert_string_equal(buf, EV_BEGIN);
    ev = event(CSC_EVENT_END, CSC_E_CANCELLED, "");
    csc_event_format_wmi(&ev, buf, sizeof buf);
    assert_string_equal(buf, "1:0x800704C7:" T_CANCELLED ":");
    ev = event(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, "\\\\srv\\share\\x.txt");
    csc_event_format_wmi(&ev, buf, sizeof buf);
    assert_string_equal(buf, IB("\\\\srv\\share\\x.txt"));
    ev = event(CSC_EVENT_ITEM_RESULT, CSC_E_INVALID_NAME, "\\\\srv\\share\\a:b");
    csc_event_format_wmi(&ev, buf, sizeof buf);
    assert_string_equal(buf, R_BAD("\\\\srv\\share\\a:b"));
    ev = event(CSC_EVENT_END, CSC_E_OUTOFMEMORY, "");
    csc_event_format_wmi(&ev, buf, sizeof buf);
    assert_string_equal(buf, "1:0x8007000E:Not enough storage is available to complete this "
                             "operation.:");

    static const struct {
        csc_hresult hr;
        const char *text;
    } com[] = {
        {CSC_E_POINTER, "3:0x80004003:Invalid pointer:\\\\s\\t"},
        {CSC_E_FAIL, "3:0x80004005:Unspecified error:\\\\s\\t"},
        {CSC_E_NOTIMPL, "3:0x80004001:Not implemented:\\\\s\\t"},
        {CSC_E_NOINTERFACE, "3:0x80004002:No such interface supported:\\\\s\\t"},
        {CSC_E_UNEXPECTED, "3:0x8000FFFF:Catastrophic failure:\\\\s\\t"},
        {CSC_E_ACCESSDENIED, "3:0x80070005:" T_DENIED ":\\\\s\\t"},
        {CSC_E_SHARING_VIOLATION, "3:0x80070020:" T_SHARING ":\\\\s\\t"},
    };
    for (size_t i = 0; i < sizeof com / sizeof com[0]; i++) {
        ev = event(CSC_EVENT_ITEM_RESULT, com[i].hr, "\\\\s\\t");
        assert_int_equal(csc_event_format_wmi(&ev, buf, sizeof buf), strlen(com[i].text));
        assert_string_equal(buf, com[i].text);
    }
}

/* C6.2 (header contract of csc_event_format_wmi): the full length is always
 * returned; the output is truncated to size-1 bytes and NUL-terminated; a
 * size of 0 writes nothing; a NULL buffer with size 0 is allowed. */
static void test_c6_2_format_truncation(void **state)
{
    (void)state;
    static const char full[] =
        "3:0x80070002:The system cannot find the file specified.:\\\\srv\\share\\x.txt";
    const size_t len = sizeof full - 1;
    csc_event_t ev = event(CSC_EVENT_ITEM_RESULT, CSC_E_FILE_NOT_FOUND, "\\\\srv\\share\\x.txt");

    assert_int_equal(csc_event_format_wmi(&ev, NULL, 0), len);

    char buf[128];
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(csc_event_format_wmi(&ev, buf, 0), len);
    assert_int_equal(buf[0], 'Z');

    memset(buf, 'Z', sizeof buf);
    assert_int_equal(csc_event_format_wmi(&ev, buf, 1), len);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'Z');

    memset(buf, 'Z', sizeof buf);
    assert_int_equal(csc_event_format_wmi(&ev, buf, 5), len);
    assert_string_equal(buf, "3:0x");
    assert_int_equal(buf[5], 'Z');

    /* One byte short: everything but the last character. */
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(csc_event_format_wmi(&ev, buf, len), len);
    assert_int_equal(strlen(buf), len - 1);
    assert_memory_equal(buf, full, len - 1);
    assert_int_equal(buf[len], 'Z');

    /* Exactly enough. */
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(csc_event_format_wmi(&ev, buf, len + 1), len);
    assert_string_equal(buf, full);
    assert_int_equal(buf[len + 1], 'Z');

    /* Every size in between: a NUL-terminated prefix. */
    for (size_t size = 1; size <= len + 1; size++) {
        memset(buf, 'Z', sizeof buf);
        assert_int_equal(csc_event_format_wmi(&ev, buf, size), len);
        assert_int_equal(strlen(buf), size - 1);
        assert_memory_equal(buf, full, size - 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c4_8_wmi_unpin_success),
        cmocka_unit_test(test_c4_8_wmi_unpin_failures),
        cmocka_unit_test(test_c4_8_wmi_access_and_sharing),
        cmocka_unit_test(test_c4_8_wmi_invalid_arguments),
        cmocka_unit_test(test_c14_4_wmi_null_path_counts_as_empty),
        cmocka_unit_test(test_c4_8_wmi_null_callback),
        cmocka_unit_test(test_c4_8_wmi_pin),
        cmocka_unit_test(test_c6_2_long_path_message),
        cmocka_unit_test(test_c6_2_format_reasons_and_texts),
        cmocka_unit_test(test_c6_2_format_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
