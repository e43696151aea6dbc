/*
 * tests/test_fault__injection.c: fault injection (cscsim/fault.h). Each kind
 * of rule (by operation, by path exact or subtree, nth, once and always, a
 * seeded probability, server down), each delivery point (an item's result
 * inside a walk with its events, the item otherwise unchanged and the walk
 * going on; the whole call's result before any event, nothing changed, the
 * C5.5 pass following; the one-item operations), RETRY re-evaluating the
 * rules, ABORT, nested paths and rule order, case-insensitive and
 * unnormalised spellings (C1.2, C1.3), removal and clearing, bad rules
 * (E_INVALIDARG, nothing added), out of memory (C8.1), the guard (C14.5,
 * C6.6), the WMI and async faces, and the `fail` command of the scenario
 * language. The invariants are checked after every call (assert_cache_ok).
 */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cscsim/async.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define D SH "\\d"
#define A D "\\a.txt"
#define B D "\\b.txt"
#define C D "\\sub\\c.txt"
#define O SH "\\o.txt"
#define USER CSC_PIN_FLAG_FOR_USER

#define BAD_NETPATH CSC_HR(0x80070035u)
#define OFFLINE CSC_HR(0x800704EEu)

/* \\s\sh\d\a.txt, b.txt, sub\c.txt, \\s\sh\o.txt, all pinned deep: walk
 * order of a deep walk of \\s\sh: sh, d, a.txt, b.txt, sub, c.txt, o.txt. */
static csc_cache_t *tree(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 1);
    csc_test_file(cache, B, 2);
    csc_test_file(cache, C, 3);
    csc_test_file(cache, O, 4);
    csc_test_pin1_ok(cache, SH, USER, true);
    return cache;
}

static csc_fault_id_t add(csc_cache_t *cache, const csc_fault_rule_t *rule)
{
    csc_fault_id_t id = 0;
    assert_int_equal(csc_cache_add_fault(cache, rule, &id), CSC_S_OK);
    assert_true(id != 0);
    assert_cache_ok(cache);
    return id;
}

/* The paths whose ItemResult carried a failure, "|"-separated after the
 * share ("d\a.txt|o.txt"), in event order. */
static const char *failed(const csc_test_recorder_t *rec)
{
    static char out[1024];
    out[0] = '\0';
    for (size_t i = 0; i < rec->count; i++) {
        const char *e = rec->events[i];
        if (strncmp(e, "3:0x", 4) != 0 || strncmp(e + 4, "00000000", 8) == 0)
            continue;
        const char *p = strstr(e, SH);
        p = p == NULL ? "?" : p[strlen(SH)] == '\\' ? p + strlen(SH) + 1 : "sh";
        if (out[0] != '\0')
            strcat(out, "|");
        strcat(out, p);
    }
    return out;
}

static csc_hresult unpin(csc_cache_t *cache, const char *path, bool deep, csc_test_recorder_t *rec)
{
    csc_test_recorder_clear(rec);
    return csc_test_unpin1(cache, path, USER, deep, rec);
}

static uint64_t fired(csc_cache_t *cache, csc_fault_id_t id, uint64_t *matched)
{
    uint64_t f = 0;
    assert_int_equal(csc_cache_fault_count(cache, id, &f, matched), CSC_S_OK);
    return f;
}

/* ---- delivery at an item --------------------------------------------------- */

/* The item's result is the code, with its ItemBegin/ItemResult pair; the
 * item keeps its pins; the walk goes on; a container path returns S_OK
 * (C4.7). */
static void test_item_fault_in_a_walk(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.path = B;
    rule.code = BAD_NETPATH;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(unpin(cache, D, true, &rec), CSC_S_OK);
    assert_int_equal(rec.count, 2 + 2 * 5);
    assert_string_equal(rec.events[5], "2:0x00000000:The operation completed successfully.:" B);
    assert_string_equal(rec.events[6], "3:0x80070035:The network path was not found.:" B);
    assert_string_equal(failed(&rec), "d\\b.txt");
    assert_int_equal(csc_test_pins_of(cache, B), USER);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    uint64_t matched = 0;
    assert_int_equal(fired(cache, id, &matched), 1);
    assert_int_equal(matched, 1);
    /* A single file path returns the item's result (C4.7). */
    assert_int_equal(unpin(cache, B, false, &rec), BAD_NETPATH);
    assert_int_equal(rec.count, 4);
    /* Another operation is not touched by the rule. */
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pin1(cache, B, CSC_PIN_FLAG_FOR_ALL, false, &rec), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, B), USER | CSC_PIN_FLAG_FOR_ALL);
    /* Without a sink (the walk's fast runs of files): the same. */
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, B), USER | CSC_PIN_FLAG_FOR_ALL);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, O), 0);
    assert_int_equal(fired(cache, id, NULL), 3);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* A subtree rule given in another case and spelling matches every item at
 * and below the path, and nothing beside it (C1.2, C1.3). An exact rule
 * matches the item only. */
static void test_subtree_and_exact_paths_case_insensitive(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.path = "//S/SH/./D/x/../";
    rule.subtree = true;
    rule.code = CSC_E_SHARING_VIOLATION;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d|d\\a.txt|d\\b.txt|d\\sub|d\\sub\\c.txt");
    assert_int_equal(csc_test_pins_of(cache, O), 0);
    assert_int_equal(csc_test_pins_of(cache, C), USER);
    assert_int_equal(fired(cache, id, NULL), 5);
    assert_int_equal(csc_cache_remove_fault(cache, id), CSC_S_OK);

    /* "\\s\sh\d" exact: not its children; a sibling sharing its prefix
     * ("\\s\sh\dd") is not below it. */
    csc_test_file(cache, SH "\\dd\\x.txt", 1);
    csc_test_pin1_ok(cache, SH, USER, true);
    rule.path = SRV "\\Sh\\D";
    rule.subtree = false;
    add(cache, &rule);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d");
    rule.path = D;
    rule.subtree = true;
    csc_test_pin1_ok(cache, SH, USER, true);
    csc_fault_id_t id2 = add(cache, &rule);
    assert_int_equal(unpin(cache, SH "\\dd", true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "");
    assert_int_equal(fired(cache, id2, NULL), 0);
    assert_int_equal(csc_cache_clear_faults(cache), CSC_S_OK);

    /* A rule below the walked path that is not cached yet matches once the
     * item is cached. */
    rule.path = D "\\Later.txt";
    rule.subtree = false;
    csc_fault_id_t id3 = add(cache, &rule);
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "");
    csc_test_file(cache, D "\\later.txt", 1);
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d\\later.txt");
    assert_int_equal(fired(cache, id3, NULL), 1);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* Nested rules: evaluated in the order added; the first that fires gives
 * the code and the later ones do not see the item. */
static void test_nested_rules_first_fires(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t outer = CSC_FAULT_RULE_INIT;
    outer.ops = CSC_FAULT_OP_UNPIN;
    outer.path = D;
    outer.subtree = true;
    outer.code = BAD_NETPATH;
    csc_fault_rule_t inner = outer;
    inner.path = A;
    inner.subtree = false;
    inner.code = CSC_E_OUTOFMEMORY;
    csc_fault_id_t id_inner = add(cache, &inner);
    csc_fault_id_t id_outer = add(cache, &outer);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(unpin(cache, D, true, &rec), CSC_S_OK);
    assert_string_equal(rec.events[4], "3:0x8007000E:Not enough storage is available to "
                                       "complete this operation.:" A);
    assert_string_equal(rec.events[6], "3:0x80070035:The network path was not found.:" B);
    uint64_t m = 0;
    assert_int_equal(fired(cache, id_inner, &m), 1);
    assert_int_equal(m, 1);
    assert_int_equal(fired(cache, id_outer, &m), 4); /* d, b, sub, c: not a.txt */
    assert_int_equal(m, 4);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* nth with once: the Nth match only; nth alone (always): the Nth and every
 * match after it, across calls. */
static void test_nth_once_and_always(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.nth = 3;
    rule.once = true;
    rule.code = CSC_E_DISK_FULL;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d\\a.txt");
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "");
    uint64_t m;
    assert_int_equal(fired(cache, id, &m), 1);
    assert_int_equal(m, 14);
    assert_int_equal(csc_cache_remove_fault(cache, id), CSC_S_OK);

    rule.once = false;
    rule.nth = 6;
    id = add(cache, &rule);
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d\\sub\\c.txt|o.txt");
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(unpin(cache, D "\\sub", true, &rec), CSC_S_OK);
    assert_string_equal(failed(&rec), "d\\sub|d\\sub\\c.txt");
    assert_int_equal(fired(cache, id, NULL), 4);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* The fired items of three deep unpins of \\s\sh under a probability rule. */
static void probability_run(double p, uint64_t seed, char *out, size_t size)
{
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.probability = p;
    rule.seed = seed;
    rule.code = BAD_NETPATH;
    add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    out[0] = '\0';
    for (int i = 0; i < 3; i++) {
        csc_test_pin1_ok(cache, SH, USER, true);
        assert_int_equal(unpin(cache, SH, true, &rec), CSC_S_OK);
        snprintf(out + strlen(out), size - strlen(out), "[%s]", failed(&rec));
    }
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* A seeded probability is reproducible: the same rule gives the same
 * failures on another cache; another seed gives others; 0 never fires and
 * 1 always does. */
static void test_probability_reproducible(void **state)
{
    (void)state;
    char a[512], b[512], c[512];
    probability_run(0.5, 42, a, sizeof a);
    probability_run(0.5, 42, b, sizeof b);
    assert_string_equal(a, b);
    probability_run(0.5, 7, c, sizeof c);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, "[][][]"); /* 21 draws at 1/2: some fire */
    probability_run(0.0, 42, c, sizeof c);
    assert_string_equal(c, "[][][]");
    probability_run(1.0, 42, c, sizeof c);
    assert_string_equal(c, "[sh|d|d\\a.txt|d\\b.txt|d\\sub|d\\sub\\c.txt|o.txt]"
                           "[sh|d|d\\a.txt|d\\b.txt|d\\sub|d\\sub\\c.txt|o.txt]"
                           "[sh|d|d\\a.txt|d\\b.txt|d\\sub|d\\sub\\c.txt|o.txt]");
}

/* C4.5 step 6: RETRY processes the item again and evaluates the rules
 * again: a once rule lets the retry succeed. */
static void test_retry_reevaluates(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.path = A;
    rule.once = true;
    rule.code = CSC_E_SHARING_VIOLATION;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.retry_at = 1;
    assert_int_equal(csc_test_unpin1(cache, A, USER, false, &rec), CSC_S_OK);
    assert_events(&rec, "0:0x00000000:The operation completed successfully.:",
                  "2:0x00000000:The operation completed successfully.:" A,
                  "3:0x80070020:The process cannot access the file because it is being used by "
                  "another process.:" A,
                  "2:0x00000000:The operation completed successfully.:" A,
                  "3:0x00000000:The operation completed successfully.:" A,
                  "1:0x00000000:The operation completed successfully.:");
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    uint64_t m;
    assert_int_equal(fired(cache, id, &m), 1);
    assert_int_equal(m, 2);
    /* An always rule fails the retry too: the last result counts. */
    csc_test_pin1_ok(cache, A, USER, false);
    rule.once = false;
    add(cache, &rule);
    csc_test_recorder_clear(&rec);
    rec.retry_at = 1;
    assert_int_equal(csc_test_unpin1(cache, A, USER, false, &rec), CSC_E_SHARING_VIOLATION);
    assert_int_equal(rec.count, 6);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ABORT at the faulted item's ItemBegin stops before the rule is
 * evaluated; ABORT at its ItemResult stops after it (C4.5 steps 2, 6). */
static void test_abort(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.path = A;
    rule.code = BAD_NETPATH;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 3; /* ItemBegin of sh 1, d 2, a.txt 3 */
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, &rec), CSC_E_CANCELLED);
    uint64_t m;
    assert_int_equal(fired(cache, id, &m), 0);
    assert_int_equal(m, 0);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- delivery at the call ------------------------------------------------ */

/* The call returns the code with no event and nothing changed; a rule with
 * a path matches a call one of whose paths is at or below it; after a
 * rejected method call the policy's pass still runs (C5.5). */
static void test_call_fault(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN | CSC_FAULT_OP_PIN;
    rule.path = D;
    rule.subtree = true;
    rule.delivery = CSC_FAULT_AT_CALL;
    rule.code = CSC_E_OUTOFMEMORY;
    csc_fault_id_t id = add(cache, &rule);
    char *before = csc_test_dump(cache);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *paths[] = {O, "\\\\S\\SH\\D\\SUB"};
    assert_int_equal(csc_unpin(cache, paths, 2, USER, true, &rec.sink, NULL), CSC_E_OUTOFMEMORY);
    assert_cache_ok(cache);
    assert_int_equal(rec.count, 0);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* A call on other paths goes through; a malformed call is still
     * E_INVALIDARG (C4.1 comes first). */
    assert_int_equal(unpin(cache, O, false, &rec), CSC_S_OK);
    assert_int_equal(csc_unpin(cache, paths, 2, 0, true, NULL, NULL), CSC_E_INVALIDARG);
    uint64_t m;
    assert_int_equal(fired(cache, id, &m), 1);
    assert_int_equal(m, 1);
    /* C5.5: under `eager` the rejected call is followed by the pass. */
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_true(csc_test_cached(cache, O));
    assert_int_equal(csc_test_pin1(cache, D, USER, false, NULL), CSC_E_OUTOFMEMORY);
    assert_false(csc_test_cached(cache, O));
    assert_true(csc_test_cached(cache, A));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* nth counts calls for a call rule; Synchronize and DeleteItems too. */
static void test_call_fault_nth_sync_delete(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_item_modify(cache, csc_test_find(cache, A), 5);
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_SYNCHRONIZE | CSC_FAULT_OP_DELETE_ITEMS;
    rule.delivery = CSC_FAULT_AT_CALL;
    rule.nth = 2;
    rule.once = true;
    rule.code = OFFLINE;
    add(cache, &rule);
    const char *p[] = {O};
    assert_int_equal(csc_synchronize(cache, p, 1, 0x6, NULL, NULL), CSC_S_OK);
    const char *pa[] = {A};
    assert_int_equal(csc_synchronize(cache, pa, 1, 0x6, NULL, NULL), OFFLINE);
    assert_true(csc_item_is_dirty(csc_test_find(cache, A)));
    assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, O));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Items of Synchronize and DeleteItems: a faulted file stays dirty; a
 * faulted file stays in the cache, so its directory is not emptied
 * (ERROR_DIR_NOT_EMPTY) and the call returns ERROR_MORE_DATA. */
static void test_item_fault_sync_and_delete(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_item_modify(cache, csc_test_find(cache, A), 5);
    csc_item_modify(cache, csc_test_find(cache, B), 5);
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_SYNCHRONIZE | CSC_FAULT_OP_DELETE_ITEMS;
    rule.path = B;
    rule.code = OFFLINE;
    add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {D};
    assert_int_equal(csc_synchronize(cache, p, 1, 0x6, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_string_equal(failed(&rec), "d\\b.txt");
    assert_false(csc_item_is_dirty(csc_test_find(cache, A)));
    assert_true(csc_item_is_dirty(csc_test_find(cache, B)));
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items(cache, p, 1, CSC_DELETE_DEL_MODIFIED, &rec.sink, NULL),
                     CSC_E_MORE_DATA);
    assert_cache_ok(cache);
    assert_string_equal(failed(&rec), "d\\b.txt|d");
    assert_true(csc_test_cached(cache, B));
    assert_false(csc_test_cached(cache, A));
    assert_false(csc_test_cached(cache, C));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- the one-item operations ---------------------------------------------- */

static void test_cache_open_close_modify(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_CACHE;
    rule.path = D "\\NEW";
    rule.subtree = true;
    rule.code = CSC_E_DISK_FULL;
    add(cache, &rule);
    size_t n = csc_cache_item_count(cache);
    csc_item_t *item = (csc_item_t *)1;
    assert_int_equal(csc_cache_file(cache, D "\\new\\x.txt", true, 9, &item), CSC_E_DISK_FULL);
    assert_null(item);
    assert_int_equal(csc_cache_dir(cache, D "\\New", NULL), CSC_E_DISK_FULL);
    assert_int_equal(csc_cache_item_count(cache), n);
    /* An invalid path fails by itself; caching elsewhere works. */
    assert_int_equal(csc_cache_file(cache, D "\\new\\x?.txt", false, 0, NULL), CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_file(cache, D "\\newer.txt", false, 0, NULL), CSC_S_OK);
    assert_cache_ok(cache);

    rule.ops = CSC_FAULT_OP_OPEN | CSC_FAULT_OP_CLOSE | CSC_FAULT_OP_MODIFY;
    rule.path = A;
    rule.subtree = false;
    rule.delivery = CSC_FAULT_AT_CALL; /* the same for one-item operations */
    rule.code = CSC_E_SHARING_VIOLATION;
    csc_fault_id_t id = add(cache, &rule);
    csc_item_t *a = csc_test_find(cache, A), *b = csc_test_find(cache, B);
    assert_int_equal(csc_item_open(cache, a), CSC_E_SHARING_VIOLATION);
    assert_int_equal(csc_item_open_count(a), 0);
    assert_int_equal(csc_item_modify(cache, a, 3), CSC_E_SHARING_VIOLATION);
    assert_false(csc_item_is_dirty(a));
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    assert_int_equal(csc_item_close(cache, b), CSC_S_OK);
    /* The call's own validation first: a container stays E_INVALIDARG. */
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, D)), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_remove_fault(cache, id), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, a), CSC_S_OK);
    rule.ops = CSC_FAULT_OP_CLOSE;
    add(cache, &rule);
    assert_int_equal(csc_item_close(cache, a), CSC_E_SHARING_VIOLATION);
    assert_int_equal(csc_item_open_count(a), 1);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* ---- server down --------------------------------------------------------- */

/* After N items of the server, every item of it fails with
 * ERROR_CSCSHARE_OFFLINE, in that call and the later ones; another server
 * is not touched; Pin with the rule's own code. */
static void test_server_down(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_test_file(cache, "\\\\t\\sh\\z.txt", 1);
    csc_item_modify(cache, csc_test_find(cache, O), 1);
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.server_down = true;
    rule.ops = CSC_FAULT_OP_SYNCHRONIZE;
    rule.path = "\\\\S";
    rule.after = 2;
    csc_fault_id_t id = add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH, "\\\\t\\sh"};
    assert_int_equal(csc_synchronize(cache, p, 2, 0x6, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_string_equal(failed(&rec), "d\\a.txt|d\\b.txt|d\\sub|d\\sub\\c.txt|o.txt");
    assert_string_equal(rec.events[14], "3:0x800704EE:The share is currently offline or does "
                                        "not exist.:" O);
    assert_true(csc_item_is_dirty(csc_test_find(cache, O)));
    csc_test_recorder_clear(&rec);
    const char *po[] = {O};
    assert_int_equal(csc_synchronize(cache, po, 1, 0x6, &rec.sink, NULL), OFFLINE);
    assert_int_equal(fired(cache, id, NULL), 6);
    /* Unpin is not concerned. */
    assert_int_equal(unpin(cache, O, false, &rec), CSC_S_OK);

    rule.ops = CSC_FAULT_OP_PIN;
    rule.after = 0;
    rule.code = BAD_NETPATH;
    add(cache, &rule);
    assert_int_equal(csc_test_pin1(cache, O, USER, false, NULL), BAD_NETPATH);
    assert_int_equal(csc_test_pins_of(cache, O), 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- bad rules, removal, ids ---------------------------------------------- */

static void test_bad_rules_change_nothing(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t good = CSC_FAULT_RULE_INIT;
    good.code = BAD_NETPATH;
    add(cache, &good);
    csc_fault_rule_t bad[32];
    size_t n = 0;
    for (size_t i = 0; i < 32; i++)
        bad[i] = good;
    bad[n++].version = 0;
    bad[n++].version = CSC_FAULT_RULE_VERSION + 1;
    bad[n++].ops = 0;
    bad[n++].ops = 0x100;
    bad[n++].path = "C:\\x";
    bad[n++].path = "\\\\s\\sh\\a?b";
    bad[n++].subtree = true; /* without a path */
    bad[n++].nth = 0;
    bad[n++].probability = -0.1;
    bad[n++].probability = 1.5;
    bad[n++].probability = NAN;
    bad[n++].code = 0;
    bad[n++].code = CSC_S_FALSE;
    bad[n++].code = CSC_E_CANCELLED;
    bad[n++].delivery = (csc_fault_delivery_t)2;
    bad[n++].after = 3; /* after without server_down */
    csc_fault_rule_t sd = good;
    sd.server_down = true;
    sd.path = "\\\\s";
    sd.ops = CSC_FAULT_OP_SYNCHRONIZE;
    for (int k = 0; k < 7; k++)
        bad[n + (size_t)k] = sd;
    bad[n++].path = SH; /* not a server */
    bad[n++].path = NULL;
    bad[n++].ops = CSC_FAULT_OP_UNPIN;
    bad[n++].nth = 2;
    bad[n++].once = true;
    bad[n++].delivery = CSC_FAULT_AT_CALL;
    bad[n++].probability = 0.5;
    char *before = csc_test_dump(cache);
    for (size_t i = 0; i < n; i++) {
        csc_fault_id_t id = 77;
        assert_int_equal(csc_cache_add_fault(cache, &bad[i], &id), CSC_E_INVALIDARG);
        assert_int_equal(id, 0);
        assert_int_equal(csc_cache_fault_rules(cache), 1);
    }
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(csc_cache_add_fault(NULL, &good, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_add_fault(cache, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_remove_fault(NULL, 1), CSC_E_POINTER);
    assert_int_equal(csc_cache_clear_faults(NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_fault_count(NULL, 1, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_fault_rules(NULL), 0);
    /* sd itself is good, and a server-down rule with ops ANY too. */
    add(cache, &sd);
    sd.ops = CSC_FAULT_OP_ANY;
    add(cache, &sd);
    csc_cache_free(cache);
}

static void test_remove_clear_and_ids(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.code = BAD_NETPATH;
    csc_fault_id_t a = add(cache, &rule), b = add(cache, &rule);
    assert_true(a != b);
    assert_int_equal(csc_cache_fault_rules(cache), 2);
    assert_int_equal(csc_cache_remove_fault(cache, a), CSC_S_OK);
    assert_int_equal(csc_cache_remove_fault(cache, a), CSC_E_NOT_FOUND);
    assert_int_equal(csc_cache_fault_count(cache, a, NULL, NULL), CSC_E_NOT_FOUND);
    assert_int_equal(csc_test_unpin1(cache, A, USER, false, NULL), BAD_NETPATH); /* b */
    /* A snapshot does not hold the rules; a load keeps them. */
    void *data = NULL;
    size_t size = 0;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    assert_int_equal(csc_cache_load_buffer(cache, data, size), CSC_S_OK);
    csc_snapshot_free(data);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_fault_rules(cache), 1);
    assert_int_equal(csc_test_unpin1(cache, A, USER, false, NULL), BAD_NETPATH);
    assert_int_equal(csc_cache_clear_faults(cache), CSC_S_OK);
    assert_int_equal(csc_cache_fault_rules(cache), 0);
    assert_int_equal(csc_test_unpin1(cache, A, USER, false, NULL), CSC_S_OK);
    csc_fault_id_t c = add(cache, &rule);
    assert_true(c != a && c != b); /* never reused, clearing included */
    assert_int_equal(csc_cache_clear_faults(cache), CSC_S_OK);
    assert_int_equal(csc_cache_clear_faults(cache), CSC_S_OK);
    csc_cache_free(cache);
}

/* ---- out of memory (C8.1) --------------------------------------------------- */

static void test_out_of_memory(void **state)
{
    (void)state;
    /* Adding a rule with a long path fails at each allocation with nothing
     * added and nothing leaked. */
    char longp[1200] = SH "\\";
    while (strlen(longp) < 1100)
        strcat(longp, "abcdefghi\\");
    strcat(longp, "x.txt");
    size_t points = 0;
    for (size_t k = 1;; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *cache = csc_test_cache_new_alloc(&st);
        csc_fault_rule_t first = CSC_FAULT_RULE_INIT;
        first.code = BAD_NETPATH;
        first.path = A;
        csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
        rule.path = longp;
        rule.delivery = CSC_FAULT_AT_CALL;
        rule.code = BAD_NETPATH;
        st.fail_at = st.count + k;
        csc_hresult hr1 = csc_cache_add_fault(cache, &first, NULL);
        csc_hresult hr2 = hr1 == CSC_S_OK ? csc_cache_add_fault(cache, &rule, NULL) : hr1;
        bool failed_now = st.failed;
        st.fail_at = 0;
        assert_cache_ok(cache);
        if (!failed_now) {
            assert_int_equal(hr2, CSC_S_OK);
            assert_int_equal(csc_cache_fault_rules(cache), 2);
            csc_cache_free(cache);
            break;
        }
        points++;
        assert_int_equal(hr1 == CSC_S_OK ? hr2 : hr1, CSC_E_OUTOFMEMORY);
        assert_int_equal(csc_cache_fault_rules(cache), hr1 == CSC_S_OK ? 1 : 0);
        csc_cache_free(cache);
        assert_int_equal(st.live_blocks, 0);
    }
    assert_true(points >= 3); /* the set, the array, the key(s), the path buffer */

    /* A call rule reading a long path in a call that runs out of memory:
     * E_OUTOFMEMORY before any event, nothing changed. */
    csc_test_alloc_t st = {0};
    csc_cache_t *cache = csc_test_cache_new_alloc(&st);
    assert_int_equal(csc_cache_file(cache, longp, false, 0, NULL), CSC_S_OK);
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.path = "\\\\elsewhere";
    rule.subtree = true;
    rule.delivery = CSC_FAULT_AT_CALL;
    rule.code = BAD_NETPATH;
    add(cache, &rule);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    st.fail_at = st.count + 1;
    const char *p[] = {longp};
    assert_int_equal(csc_pin(cache, p, 1, USER, false, &rec.sink, NULL), CSC_E_OUTOFMEMORY);
    st.fail_at = 0;
    assert_int_equal(rec.count, 0);
    assert_int_equal(csc_test_pins_of(cache, longp), 0);
    assert_cache_ok(cache);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- the guard (C14.5, C6.6) ----------------------------------------------- */

typedef struct reenter {
    csc_progress_t sink;
    csc_cache_t *cache;
    csc_fault_id_t id;
    csc_hresult add, remove, clear, count;
    uint64_t fired;
} reenter_t;

static csc_op_response_t reenter_result(void *ud, const csc_event_t *ev)
{
    (void)ev;
    reenter_t *r = ud;
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.code = BAD_NETPATH;
    r->add = csc_cache_add_fault(r->cache, &rule, NULL);
    r->remove = csc_cache_remove_fault(r->cache, r->id);
    r->clear = csc_cache_clear_faults(r->cache);
    r->count = csc_cache_fault_count(r->cache, r->id, &r->fired, NULL);
    return CSC_OP_CONTINUE;
}

static void done_cb(csc_op_t *op, csc_hresult result)
{
    *(csc_hresult *)op->data = result;
}

static void test_guard(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_UNPIN;
    rule.path = A;
    rule.code = BAD_NETPATH;
    reenter_t r = {0};
    csc_progress_t init = CSC_PROGRESS_INIT;
    r.sink = init;
    r.sink.user_data = &r;
    r.sink.item_result = reenter_result;
    r.cache = cache;
    r.id = add(cache, &rule);
    const char *p[] = {A};
    assert_int_equal(csc_unpin(cache, p, 1, USER, false, &r.sink, NULL), BAD_NETPATH);
    assert_int_equal(r.add, CSC_E_BUSY);
    assert_int_equal(r.remove, CSC_E_BUSY);
    assert_int_equal(r.clear, CSC_E_BUSY);
    assert_int_equal(r.count, CSC_S_OK); /* a query is allowed */
    assert_int_equal(r.fired, 1);
    assert_int_equal(csc_cache_fault_rules(cache), 1);

    /* While an asynchronous operation runs: refused; its walk sees the
     * rules as a synchronous one does. */
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_op_t op = {0};
    csc_hresult result = CSC_E_UNEXPECTED;
    op.data = &result;
    assert_int_equal(csc_unpin_async(&op, &loop, cache, p, 1, USER, false, NULL, NULL, done_cb),
                     CSC_S_OK);
    assert_int_equal(csc_cache_add_fault(cache, &rule, NULL), CSC_E_BUSY);
    assert_int_equal(csc_cache_clear_faults(cache), CSC_E_BUSY);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(result, BAD_NETPATH);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(fired(cache, r.id, NULL), 2);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* The WMI face returns the Win32 code of an injected HRESULT (C4.8). */
static void test_wmi_face(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
    rule.ops = CSC_FAULT_OP_PIN;
    rule.delivery = CSC_FAULT_AT_CALL;
    rule.code = BAD_NETPATH;
    add(cache, &rule);
    const char *p[] = {A};
    assert_int_equal(csc_wmi_pin(cache, p, 1, USER, false, NULL, 0), 53u);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* ---- the scenario language ------------------------------------------------- */

static void test_scenario_fail_command(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    csc_fault_rule_t mine = CSC_FAULT_RULE_INIT;
    mine.ops = CSC_FAULT_OP_MODIFY;
    mine.code = BAD_NETPATH;
    add(cache, &mine);
    const char *text =
        "fail UNPIN|sync \\\\S\\SH\\D subtree nth=2 once code=ERROR_BAD_NETPATH\n"
        "unpin \\\\s\\sh deep\n"
        "expect event#7=\"3:0x80070035:The network path was not found.:\\\\s\\sh\\d\\a.txt\"\n"
        "expect \\\\s\\sh\\d\\a.txt pins=user\n"
        "fail any probability=50% seed=0x2A always call code=0x8007000E\n"
        "fail clear\n"
        "pin \\\\s\\sh deep\n"
        "expect return=ERROR_SUCCESS\n"
        "fail server-down \\\\s pin after=1 code=E_FAIL\n"
        "pin \\\\s\\sh\\o.txt\n"
        "expect hresult=S_OK\n"
        "pin \\\\s\\sh\\o.txt\n"
        "expect hresult=E_FAIL\n";
    csc_scenario_result_t res = {0};
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    csc_hresult hr = csc_scenario_run(cache, text, strlen(text), &opts, &res);
    if (hr != CSC_S_OK)
        fail_msg("%s", res.failed > 0 ? res.failures[0].message : "?");
    assert_int_equal(res.passed, 5);
    csc_scenario_result_clear(&res);
    assert_cache_ok(cache);
    /* The run's rules are gone; the embedder's stays. */
    assert_int_equal(csc_cache_fault_rules(cache), 1);

    static const char *const bad[] = {
        "fail\n",
        "fail code=E_FAIL\n",
        "fail unpin\n",
        "fail unpinn code=E_FAIL\n",
        "fail \\\\s\\sh code=E_FAIL\n",
        "fail unpin code=S_OK\n",
        "fail unpin code=53\n",
        "fail unpin code=NOPE\n",
        "fail unpin subtree code=E_FAIL\n",
        "fail unpin \\\\s \\\\t code=E_FAIL\n",
        "fail unpin nth=0 code=E_FAIL\n",
        "fail unpin nth=1 nth=2 code=E_FAIL\n",
        "fail unpin once always code=E_FAIL\n",
        "fail unpin probability=1.5 code=E_FAIL\n",
        "fail unpin probability=x code=E_FAIL\n",
        "fail unpin seed=3 code=E_FAIL\n",
        "fail unpin deep code=E_FAIL\n",
        "fail unpin size=3 code=E_FAIL\n",
        "fail clear now\n",
        "fail server-down after=1\n",
        "fail server-down \\\\s unpin\n",
        "fail server-down \\\\s nth=2\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        csc_scenario_result_t r = {0};
        if (csc_scenario_check(bad[i], strlen(bad[i]), &r) != CSC_E_INVALIDARG)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(r.syntax_error_count, 1);
        csc_scenario_result_clear(&r);
    }
    static const char *const good[] = {
        "fail any code=E_OUTOFMEMORY\n",
        "fail open|close|modify|cache \"\\\\s\\sh\\a b.txt\" code=ERROR_SHARING_VIOLATION\n",
        "fail deleteitems //s/sh SUBTREE call code=0x80070070\n",
        "fail pin probability=.25 seed=18446744073709551615 once code=E_FAIL\n",
        "fail sync probability=0 code=E_FAIL # never\n",
        "fail server-down \\\\s\n",
        "fail server-down \\\\s pin|sync after=0 code=ERROR_CSCSHARE_OFFLINE\n",
        "FAIL CLEAR\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (csc_scenario_check(good[i], strlen(good[i]), NULL) != CSC_S_OK)
            fail_msg("refused: %s", good[i]);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_fault_in_a_walk),
        cmocka_unit_test(test_subtree_and_exact_paths_case_insensitive),
        cmocka_unit_test(test_nested_rules_first_fires),
        cmocka_unit_test(test_nth_once_and_always),
        cmocka_unit_test(test_probability_reproducible),
        cmocka_unit_test(test_retry_reevaluates),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_call_fault),
        cmocka_unit_test(test_call_fault_nth_sync_delete),
        cmocka_unit_test(test_item_fault_sync_and_delete),
        cmocka_unit_test(test_cache_open_close_modify),
        cmocka_unit_test(test_server_down),
        cmocka_unit_test(test_bad_rules_change_nothing),
        cmocka_unit_test(test_remove_clear_and_ids),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_guard),
        cmocka_unit_test(test_wmi_face),
        cmocka_unit_test(test_scenario_fail_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
