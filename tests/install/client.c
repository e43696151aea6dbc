/*
 * tests/install/client.c: an outside program, built by check_install.sh
 * from the installed headers and `pkg-config --cflags --libs cscsim` only
 * (issue 12, point 10). It does what a client tool or an emulator does:
 * builds a cache, pins and unpins with a progress sink, formats each event
 * in its WMI form, calls the WMI-shaped entry point, runs an asynchronous
 * unpin on a libuv loop, and checks every result itself. It prints the
 * events and, last, "client: ok"; it exits 1 at the first wrong result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include <cscsim.h>
#include <cscsim/async.h>

#if !CSCSIM_VERSION_CHECK(0, 1, 0)
#error "the installed headers are older than 0.1.0"
#endif

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "client.c:%d: check failed: %s\n", __LINE__, #cond); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* The progress sink: every event as its WMI string, kept in order. */
typedef struct recorder {
    char lines[16][512];
    size_t count;
} recorder_t;

static void record(recorder_t *r, const csc_event_t *ev)
{
    char buf[512];
    size_t n = csc_event_format_wmi(ev, buf, sizeof buf);
    CHECK(n < sizeof buf);
    printf("  %s\n", buf);
    if (r->count < 16)
        memcpy(r->lines[r->count], buf, sizeof buf);
    r->count++;
}

static void on_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    record(ud, ev);
}

static csc_op_response_t on_item(void *ud, const csc_event_t *ev)
{
    record(ud, ev);
    return CSC_OP_CONTINUE;
}

static void on_end(void *ud, const csc_event_t *ev)
{
    record(ud, ev);
}

static csc_progress_t sink_for(recorder_t *r)
{
    csc_progress_t p;
    memset(&p, 0, sizeof p);
    p.version = CSC_PROGRESS_VERSION;
    p.user_data = r;
    p.begin = on_begin;
    p.item_begin = on_item;
    p.item_result = on_item;
    p.end = on_end;
    return p;
}

static void check_events(const recorder_t *r, const char *const *want, size_t n)
{
    CHECK(r->count == n);
    for (size_t i = 0; i < n && i < r->count; i++) {
        if (strcmp(r->lines[i], want[i]) != 0) {
            fprintf(stderr, "event %zu: got  %s\n          want %s\n", i, r->lines[i], want[i]);
            failures++;
        }
    }
}

static void on_wmi(void *ud, const char *message)
{
    printf("  wmi %s\n", message);
    (*(size_t *)ud)++;
}

typedef struct async_state {
    csc_op_t op;
    recorder_t rec;
    csc_hresult result;
    int done_calls;
} async_state_t;

static void on_done(csc_op_t *op, csc_hresult result)
{
    async_state_t *st = op->data;
    st->result = result;
    st->done_calls++;
}

#define OK_TEXT "The operation completed successfully."
#define A_TXT "\\\\fs1\\proj\\a.txt"
#define B_TXT "\\\\fs1\\proj\\sub\\b.txt"

int main(void)
{
    printf("cscsim %s (headers %s, 0x%06X)\n", csc_version(), CSCSIM_VERSION_STRING,
           (unsigned)csc_version_number());
    CHECK(strcmp(csc_version(), CSCSIM_VERSION_STRING) == 0);
    CHECK(csc_version_number() == CSCSIM_VERSION_HEX);

    csc_cache_t *cache = NULL;
    CHECK(csc_cache_new(&cache, NULL) == CSC_S_OK);
    if (cache == NULL)
        return 1;
    CHECK(csc_cache_file(cache, A_TXT, true, 100, NULL) == CSC_S_OK);
    CHECK(csc_cache_file(cache, B_TXT, true, 200, NULL) == CSC_S_OK);
    CHECK(csc_cache_item_count(cache) == 5); /* server, share, a.txt, sub, b.txt */

    /* A deep Pin of the share with a sink. */
    const char *share[] = {"\\\\fs1\\proj"};
    recorder_t rec = {0};
    csc_progress_t sink = sink_for(&rec);
    printf("pin deep \\\\fs1\\proj\n");
    CHECK(csc_pin(cache, share, 1, CSC_PIN_FLAG_FOR_USER, true, &sink, NULL) == CSC_S_OK);
    const char *pin_events[] = {
        "0:0x00000000:" OK_TEXT ":",
        "2:0x00000000:" OK_TEXT ":\\\\fs1\\proj",
        "3:0x00000000:" OK_TEXT ":\\\\fs1\\proj",
        "2:0x00000000:" OK_TEXT ":" A_TXT,
        "3:0x00000000:" OK_TEXT ":" A_TXT,
        "2:0x00000000:" OK_TEXT ":\\\\fs1\\proj\\sub",
        "3:0x00000000:" OK_TEXT ":\\\\fs1\\proj\\sub",
        "2:0x00000000:" OK_TEXT ":" B_TXT,
        "3:0x00000000:" OK_TEXT ":" B_TXT,
        "1:0x00000000:" OK_TEXT ":",
    };
    check_events(&rec, pin_events, sizeof pin_events / sizeof *pin_events);
    csc_item_t *a = NULL, *b = NULL;
    CHECK(csc_cache_find(cache, A_TXT, &a) == CSC_S_OK);
    CHECK(csc_cache_find(cache, B_TXT, &b) == CSC_S_OK);
    CHECK(a != NULL && csc_item_is_pinned(a));
    CHECK(b != NULL && csc_item_is_pinned(b));

    /* A shallow Unpin of a file not cached: its result is the call's (C4.7). */
    const char *missing[] = {"\\\\fs1\\proj\\missing.txt"};
    rec.count = 0;
    printf("unpin \\\\fs1\\proj\\missing.txt\n");
    CHECK(csc_unpin(cache, missing, 1, CSC_PIN_FLAG_FOR_USER, false, &sink, NULL) ==
          (csc_hresult)0x80070002u);
    const char *missing_events[] = {
        "0:0x00000000:" OK_TEXT ":",
        "2:0x00000000:" OK_TEXT ":\\\\fs1\\proj\\missing.txt",
        "3:0x80070002:The system cannot find the file specified.:\\\\fs1\\proj\\missing.txt",
        "1:0x00000000:" OK_TEXT ":",
    };
    check_events(&rec, missing_events, sizeof missing_events / sizeof *missing_events);

    /* The WMI-shaped entry point, as an emulator calls it: a shallow unpin. */
    const char *a_path[] = {A_TXT};
    size_t wmi_events = 0;
    printf("wmi unpin " A_TXT "\n");
    CHECK(csc_wmi_unpin(cache, a_path, 1, CSC_PIN_FLAG_FOR_USER, false, on_wmi, &wmi_events) ==
          0);
    CHECK(wmi_events == 4);
    CHECK(!csc_item_is_pinned(a));
    CHECK(csc_item_is_pinned(b));
    CHECK(strcmp(csc_hresult_name((csc_hresult)0x80070002u), "ERROR_FILE_NOT_FOUND") == 0);

    /* An asynchronous deep Unpin on a libuv loop, progress in batches. */
    uv_loop_t loop;
    CHECK(uv_loop_init(&loop) == 0);
    async_state_t st;
    memset(&st, 0, sizeof st);
    st.op.data = &st;
    csc_progress_t async_sink = sink_for(&st.rec);
    printf("async unpin deep \\\\fs1\\proj\n");
    CHECK(csc_unpin_async(&st.op, &loop, cache, share, 1,
                          CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_ASYNC_PROGRESS, true, &async_sink,
                          NULL, on_done) == CSC_S_OK);
    CHECK(csc_cache_busy(cache));
    CHECK(csc_cache_close(cache) == (csc_hresult)0x800700AAu); /* busy: refused, C6.6 */
    CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
    CHECK(st.done_calls == 1);
    CHECK(st.result == CSC_S_OK);
    CHECK(!csc_cache_busy(cache));
    const char *async_events[] = {
        "0:0x00000000:" OK_TEXT ":",
        "2:0x00000000:" OK_TEXT ":\\\\fs1\\proj",
        "3:0x00000000:" OK_TEXT ":\\\\fs1\\proj",
        "2:0x00000000:" OK_TEXT ":" A_TXT,
        "3:0x00000000:" OK_TEXT ":" A_TXT,
        "2:0x00000000:" OK_TEXT ":\\\\fs1\\proj\\sub",
        "3:0x00000000:" OK_TEXT ":\\\\fs1\\proj\\sub",
        "2:0x00000000:" OK_TEXT ":" B_TXT,
        "3:0x00000000:" OK_TEXT ":" B_TXT,
        "1:0x00000000:" OK_TEXT ":",
    };
    check_events(&st.rec, async_events, sizeof async_events / sizeof *async_events);
    CHECK(!csc_item_is_pinned(b));
    CHECK(uv_loop_close(&loop) == 0);

    char why[256] = "";
    CHECK(csc_cache_check(cache, why, sizeof why) == CSC_S_OK);
    CHECK(csc_cache_close(cache) == CSC_S_OK);

    if (failures != 0) {
        fprintf(stderr, "client: %d check(s) failed\n", failures);
        return 1;
    }
    printf("client: ok\n");
    return 0;
}
