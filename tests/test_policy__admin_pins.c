/*
 * tests/test_policy__admin_pins.c: the administratively assigned offline
 * files policy and ProcessAdminPinPolicy (cscsim/policy.h,
 * windows-reference §3): the list's validation and copy, processing it
 * (an unpin phase, then a pin phase, deep, for the source
 * CSC_PIN_FLAG_FOR_USER_POLICY, each with its own sink), what a later
 * processing unpins (only that source, only what the list no longer
 * covers), cancellation, C13.1 (not active), C14.5 (re-entry refused),
 * C10.8 (an uncached path fetched), the snapshot round trip, C8.1 (each
 * allocation failing) and the recorder's notes.
 */
#include "support.h"
#include "events.h"

#include <string.h>

#define SH "\\\\srv\\share"
#define POL SH "\\pol"
#define A POL "\\a.txt"
#define SUB POL "\\sub"
#define B SUB "\\b.txt"
#define OTHER SH "\\other"
#define C OTHER "\\c.txt"
#define POLICY CSC_PIN_FLAG_FOR_USER_POLICY
#define USER CSC_PIN_FLAG_FOR_USER

static csc_cache_t *tree(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    csc_test_file(cache, B, 20);
    csc_test_file(cache, C, 30);
    return cache;
}

static void set_list(csc_cache_t *cache, const char *const *paths, size_t count)
{
    assert_int_equal(csc_admin_pin_policy_set(cache, paths, count), CSC_S_OK);
}

static void set1(csc_cache_t *cache, const char *path)
{
    set_list(cache, &path, 1);
}

static csc_hresult process(csc_cache_t *cache, csc_test_recorder_t *pin,
                           csc_test_recorder_t *unpin, csc_cancel_t *cancel)
{
    csc_hresult hr = csc_process_admin_pin_policy(cache, pin != NULL ? &pin->sink : NULL,
                                                  unpin != NULL ? &unpin->sink : NULL, cancel);
    assert_cache_ok(cache);
    return hr;
}

static void assert_list(csc_cache_t *cache, const char *const *want, size_t n)
{
    assert_int_equal(csc_admin_pin_policy_count(cache), n);
    for (size_t i = 0; i < n; i++) {
        char buf[256];
        assert_int_equal(csc_admin_pin_policy_path(cache, i, buf, sizeof buf), strlen(want[i]));
        assert_string_equal(buf, want[i]);
    }
}

/* Validation: bad input changes nothing; the list is copied as given. */
static void test_set_validates_and_copies(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    char a[] = "\\\\SRV\\share\\pol\\";
    const char *two[] = {a, OTHER};
    set_list(cache, two, 2);
    a[2] = 'X'; /* a copy was kept */
    const char *want[] = {"\\\\SRV\\share\\pol\\", OTHER};
    assert_list(cache, want, 2);

    const char *with_null[] = {POL, NULL};
    const char *invalid[] = {POL, "not\\a\\unc"};
    assert_int_equal(csc_admin_pin_policy_set(NULL, two, 2), CSC_E_POINTER);
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 1), CSC_E_INVALIDARG);
    assert_int_equal(csc_admin_pin_policy_set(cache, with_null, 2), CSC_E_INVALIDARG);
    assert_int_equal(csc_admin_pin_policy_set(cache, invalid, 2), CSC_E_INVALID_NAME);
    assert_list(cache, want, 2);

    /* The getter: truncation like snprintf, past the end "". */
    char small[6];
    assert_int_equal(csc_admin_pin_policy_path(cache, 1, small, sizeof small), strlen(OTHER));
    assert_string_equal(small, "\\\\srv");
    assert_int_equal(csc_admin_pin_policy_path(cache, 2, small, sizeof small), 0);
    assert_string_equal(small, "");
    assert_int_equal(csc_admin_pin_policy_path(NULL, 0, small, sizeof small), 0);
    assert_int_equal(csc_admin_pin_policy_count(NULL), 0);

    /* Setting pins nothing. */
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    /* count 0 clears (paths may be NULL). */
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 0), CSC_S_OK);
    assert_int_equal(csc_admin_pin_policy_count(cache), 0);
    csc_cache_free(cache);
}

/* Processing pins every path deep for ForUser_Policy; the unpin phase,
 * with nothing to unpin, still has its Begin and End. */
static void test_process_pins_for_policy_with_events_per_phase(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    set1(cache, POL);
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_S_OK);
    assert_events(&unpin, EV_BEGIN, EV_END_OK);
    assert_events(&pin, EV_BEGIN, ITEM_OK(POL), ITEM_OK(A), ITEM_OK(SUB), ITEM_OK(B),
                  EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, POL), POLICY);
    assert_int_equal(csc_test_pins_of(cache, A), POLICY);
    assert_int_equal(csc_test_pins_of(cache, B), POLICY);
    assert_int_equal(csc_test_inherit_of(cache, SUB), POLICY);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    /* Again: nothing dropped, the same pins. NULL sinks are allowed. */
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, A), POLICY);
    csc_test_recorder_clear(&pin);
    csc_test_recorder_clear(&unpin);
    csc_cache_free(cache);
}

/* A path leaving the list is unpinned for ForUser_Policy only: the
 * user's pin on the same file stays, and what the list still covers
 * stays pinned. */
static void test_removal_unpins_only_policy_pins(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_test_pin1_ok(cache, A, USER, false);
    const char *two[] = {POL, OTHER};
    set_list(cache, two, 2);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, A), USER | POLICY);
    assert_int_equal(csc_test_pins_of(cache, C), POLICY);

    set1(cache, OTHER);
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_S_OK);
    assert_events(&unpin, EV_BEGIN, ITEM_OK(POL), ITEM_OK(A), ITEM_OK(SUB), ITEM_OK(B),
                  EV_END_OK);
    assert_events(&pin, EV_BEGIN, ITEM_OK(OTHER), ITEM_OK(C), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    assert_int_equal(csc_test_pins_of(cache, B), 0);
    assert_int_equal(csc_test_inherit_of(cache, SUB), 0);
    assert_int_equal(csc_test_pins_of(cache, C), POLICY);
    csc_test_recorder_clear(&pin);
    csc_test_recorder_clear(&unpin);

    /* The list emptied: the rest goes. */
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 0), CSC_S_OK);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    csc_cache_free(cache);
}

/* A narrowed policy (a share's folder to a folder below it): the unpin
 * phase runs first, so what the list still covers ends pinned. A path
 * added below one already listed is covered: nothing is unpinned. */
static void test_narrowed_policy_keeps_what_it_still_covers(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    set1(cache, POL);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    set1(cache, "\\\\SRV\\Share\\POL\\sub"); /* compared as C1.3 says */
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_S_OK);
    assert_events(&unpin, EV_BEGIN, ITEM_OK(POL), ITEM_OK(A), ITEM_OK(SUB), ITEM_OK(B),
                  EV_END_OK);
    assert_events(&pin, EV_BEGIN, ITEM_OK(SUB), ITEM_OK(B), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, POL), 0);
    assert_int_equal(csc_test_pins_of(cache, B), POLICY);
    csc_test_recorder_clear(&pin);
    csc_test_recorder_clear(&unpin);

    /* Widened back with the narrow path still listed: none dropped. */
    const char *two[] = {B, POL};
    set_list(cache, two, 2);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, NULL, &unpin, NULL), CSC_S_OK);
    assert_events(&unpin, EV_BEGIN, EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, A), POLICY);
    csc_test_recorder_clear(&unpin);
    csc_cache_free(cache);
}

/* Cancellation ends both phases: a token set before the call (no item);
 * an abort in the unpin phase's Begin (the pin phase gets Begin and a
 * cancelled End); an ABORT in the pin phase. What a cancelled processing
 * may have pinned is unpinned by the next one. */
static void test_cancel_ends_both_phases(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    set1(cache, POL);
    csc_cancel_t *cancel;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    csc_cancel_request(cancel);
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, &pin, &unpin, cancel), CSC_E_CANCELLED);
    assert_events(&unpin, EV_BEGIN, EV_END_CANCELLED);
    assert_events(&pin, EV_BEGIN, EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    csc_test_recorder_clear(&pin);
    csc_test_recorder_clear(&unpin);
    csc_cancel_free(cancel);

    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    unpin.abort_in_begin = true;
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_E_CANCELLED);
    assert_events(&unpin, EV_BEGIN, EV_END_CANCELLED);
    assert_events(&pin, EV_BEGIN, EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    csc_test_recorder_clear(&pin);
    csc_test_recorder_clear(&unpin);

    csc_test_recorder_init(&pin);
    pin.abort_at = 3; /* ABORT at the third ItemBegin: pol and a.txt pinned */
    assert_int_equal(process(cache, &pin, NULL, NULL), CSC_E_CANCELLED);
    assert_events(&pin, EV_BEGIN, ITEM_OK(POL), ITEM_OK(A), IB(SUB), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, A), POLICY);
    assert_int_equal(csc_test_pins_of(cache, B), 0);
    csc_test_recorder_clear(&pin);

    /* The list emptied: the partly applied path is still unpinned. */
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 0), CSC_S_OK);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, POL), 0);
    csc_cache_free(cache);
}

/* C13.1: refused while the feature is not active, no event; setting the
 * list (configuration) is not. */
static void test_c13_1_not_active_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    set1(cache, POL);
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(pin.count, 0);
    assert_int_equal(unpin.count, 0);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    csc_cache_free(cache);
}

/* A sink of a newer version: E_INVALIDARG before any event. */
static void test_newer_sink_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    set1(cache, POL);
    csc_test_recorder_t pin, unpin;
    csc_test_recorder_init(&pin);
    csc_test_recorder_init(&unpin);
    unpin.sink.version = CSC_PROGRESS_VERSION + 1;
    assert_int_equal(process(cache, &pin, &unpin, NULL), CSC_E_INVALIDARG);
    assert_int_equal(pin.count, 0);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    csc_cache_free(cache);
}

/* C14.5: from a progress callback, setting the list and processing it are
 * changes: refused with 0x800700AA, nothing changed. */
typedef struct reenter {
    csc_cache_t *cache;
    csc_hresult set_hr, process_hr;
    size_t calls;
} reenter_t;

static csc_op_response_t reenter_result(void *ud, const csc_event_t *ev)
{
    (void)ev;
    reenter_t *r = ud;
    if (r->calls++ == 0) {
        const char *p = OTHER;
        r->set_hr = csc_admin_pin_policy_set(r->cache, &p, 1);
        r->process_hr = csc_process_admin_pin_policy(r->cache, NULL, NULL, NULL);
    }
    return CSC_OP_CONTINUE;
}

static void test_c14_5_reentry_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    set1(cache, POL);
    reenter_t r = {cache, CSC_S_OK, CSC_S_OK, 0};
    csc_progress_t sink = CSC_PROGRESS_INIT;
    sink.user_data = &r;
    sink.item_result = reenter_result;
    assert_int_equal(csc_process_admin_pin_policy(cache, &sink, NULL, NULL), CSC_S_OK);
    assert_int_equal(r.set_hr, CSC_E_BUSY);
    assert_int_equal(r.process_hr, CSC_E_BUSY);
    const char *want[] = {POL};
    assert_list(cache, want, 1);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    assert_int_equal(csc_test_pins_of(cache, B), POLICY);
    csc_cache_free(cache);
}

/* C10.8: a listed path not cached is fetched as Pin fetches it; C4.7: a
 * single listed path that is nowhere answers for the call. */
static void test_c10_8_uncached_path_fetched(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    assert_int_equal(csc_remote_file(cache, SH "\\far\\x.txt", true, 5), CSC_S_OK);
    set1(cache, SH "\\far");
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_true(csc_test_cached(cache, SH "\\far\\x.txt"));
    assert_int_equal(csc_test_pins_of(cache, SH "\\far\\x.txt"), POLICY);

    set1(cache, SH "\\nowhere.txt");
    csc_test_recorder_t pin;
    csc_test_recorder_init(&pin);
    assert_int_equal(process(cache, &pin, NULL, NULL), CSC_E_FILE_NOT_FOUND);
    assert_events(&pin, EV_BEGIN, IB(SH "\\nowhere.txt"), R_NF(SH "\\nowhere.txt"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\far\\x.txt"), 0); /* dropped */
    csc_test_recorder_clear(&pin);
    csc_cache_free(cache);
}

/* The lists are configuration: a snapshot keeps both, so a loaded cache
 * still knows what to unpin; without a list the snapshot is the bytes a
 * cache that never had one writes. */
static void test_snapshot_round_trip(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    const char *two[] = {POL, OTHER};
    set_list(cache, two, 2);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    set1(cache, OTHER); /* not processed yet */
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    csc_cache_t *copy = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(copy, data, size), CSC_S_OK);
    csc_snapshot_free(data);
    const char *want[] = {OTHER};
    assert_list(copy, want, 1);
    assert_int_equal(process(copy, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(copy, A), 0); /* the applied list came along */
    assert_int_equal(csc_test_pins_of(copy, C), POLICY);
    csc_cache_free(copy);

    /* Both lists empty: no trace in the snapshot. */
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 0), CSC_S_OK);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    csc_cache_t *plain = tree();
    void *d1, *d2;
    size_t s1, s2;
    assert_int_equal(csc_cache_save_buffer(cache, &d1, &s1), CSC_S_OK);
    assert_int_equal(csc_cache_save_buffer(plain, &d2, &s2), CSC_S_OK);
    /* The trees differ in last use (pinning touches), so compare sizes:
     * no methods section was added. */
    assert_int_equal(s1, s2);
    csc_snapshot_free(d1);
    csc_snapshot_free(d2);
    csc_cache_free(plain);
    csc_cache_free(cache);
}

/* C8.1: each allocation failing in turn: E_OUTOFMEMORY, the list as it
 * was when setting, a consistent cache and no leak; the call succeeds once
 * no allocation fails. */
static void test_out_of_memory_each_allocation(void **state)
{
    (void)state;
    bool done = false;
    for (size_t k = 1; !done && k < 500; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *cache = csc_test_cache_new_alloc(&st);
        csc_test_file(cache, A, 10);
        csc_test_file(cache, C, 30);
        set1(cache, OTHER);
        assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
        const char *two[] = {POL, OTHER};
        st.fail_at = st.count + k;
        csc_hresult hr = csc_admin_pin_policy_set(cache, two, 2);
        if (hr == CSC_E_OUTOFMEMORY) {
            const char *old[] = {OTHER};
            assert_list(cache, old, 1);
        } else {
            assert_int_equal(hr, CSC_S_OK);
            csc_test_recorder_t pin;
            csc_test_recorder_init(&pin);
            hr = process(cache, &pin, NULL, NULL);
            if (hr == CSC_S_OK) {
                done = !st.failed;
                assert_int_equal(csc_test_pins_of(cache, A), POLICY);
            } else {
                assert_int_equal(hr, CSC_E_OUTOFMEMORY);
            }
            csc_test_recorder_clear(&pin);
        }
        st.fail_at = 0;
        assert_cache_ok(cache);
        csc_cache_free(cache);
        assert_int_equal(st.live_blocks, 0);
    }
    assert_true(done);
}

/* The scenario language cannot say the policy: the recorder notes both
 * calls with their results. */
static void test_recorder_notes_not_expressible(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_test_text_t out = {0};
    assert_int_equal(csc_cache_record_start(cache, csc_test_text_write, &out, NULL), CSC_S_OK);
    set1(cache, POL);
    assert_int_equal(process(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_admin_pin_policy_set(cache, NULL, 3), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_record_stop(cache), CSC_S_OK);
    assert_non_null(strstr(out.p, "# not expressible: csc_admin_pin_policy_set (1 paths); "
                                  "result 0x00000000\n"));
    assert_non_null(strstr(out.p, "# not expressible: csc_process_admin_pin_policy "
                                  "(1 policy paths); result 0x00000000\n"));
    assert_non_null(strstr(out.p, "# not expressible: csc_admin_pin_policy_set (3 paths); "
                                  "result 0x80070057\n"));
    csc_test_text_free(&out);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_validates_and_copies),
        cmocka_unit_test(test_process_pins_for_policy_with_events_per_phase),
        cmocka_unit_test(test_removal_unpins_only_policy_pins),
        cmocka_unit_test(test_narrowed_policy_keeps_what_it_still_covers),
        cmocka_unit_test(test_cancel_ends_both_phases),
        cmocka_unit_test(test_c13_1_not_active_refused),
        cmocka_unit_test(test_newer_sink_refused),
        cmocka_unit_test(test_c14_5_reentry_refused),
        cmocka_unit_test(test_c10_8_uncached_path_fetched),
        cmocka_unit_test(test_snapshot_round_trip),
        cmocka_unit_test(test_out_of_memory_each_allocation),
        cmocka_unit_test(test_recorder_notes_not_expressible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
