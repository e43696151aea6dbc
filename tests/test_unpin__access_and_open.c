/*
 * tests/test_unpin__access_and_open.c: who may unpin and what an open file
 * does. C9.1 access lists (the nearest list up the tree decides, no list means
 * everyone, names compare case-insensitively, an administrator gets no more
 * than the list, setting a list replaces the old one); C4.5 step 3
 * (E_ACCESSDENIED, item unchanged, the walk goes on into and past it); C4.5
 * step 4 (Background + open -> 0x80070020 unchanged; without Background the
 * unpin goes ahead and counts one sharing violation); C3.1 pins are
 * machine-wide; the client cases of C4.10 / C4.5 step 5 (dirty file kept,
 * policy and redirection pins survive a ForUser unpin); C7.1 the same access
 * and Background steps for Pin.
 */
#include "support.h"
#include "events.h"

#include <string.h>

#define SH "\\\\srv\\share"
#define USER CSC_PIN_FLAG_FOR_USER
#define POLICY CSC_PIN_FLAG_FOR_USER_POLICY
#define ALL CSC_PIN_FLAG_FOR_ALL
#define REDIR CSC_PIN_FLAG_FOR_REDIR
#define BG CSC_PIN_FLAG_BACKGROUND

static void set_caller(csc_cache_t *cache, const char *user, bool admin)
{
    assert_int_equal(csc_cache_set_caller(cache, user, admin), CSC_S_OK);
}

/* ---- access (C9.1, C4.5 step 3) -------------------------------------------- */

/* C9.1 + C3.1: alice pins for the machine; bob, who is on the item's list,
 * may unpin it; carol, who is not, may not. */
static void test_c9_1_other_user_with_access_unpins(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\f.txt", 1);
    csc_test_file(cache, SH "\\g.txt", 1);
    const char *list[] = {"alice", "bob"};
    csc_test_set_access(cache, SH "\\f.txt", list, 2);
    csc_test_set_access(cache, SH "\\g.txt", list, 2);
    set_caller(cache, "alice", false);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\f.txt"), USER);

    /* carol: denied on both files; the share (no list) is hers to unpin. */
    set_caller(cache, "carol", false);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_DENIED(SH "\\f.txt"),
                  ITEM_DENIED(SH "\\g.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\f.txt"), USER);

    /* bob: pinned by alice, pinned for everyone, and bob may unpin it. */
    set_caller(cache, "bob", false);
    assert_true(csc_item_is_pinned(csc_test_find(cache, SH "\\f.txt")));
    assert_int_equal(csc_test_unpin1(cache, SH "\\f.txt", USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\f.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\f.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\g.txt"), USER);
    csc_cache_free(cache);
}

/*
 * C4.5 step 3 + C9.1: a denied directory inside an allowed tree: its result
 * is E_ACCESSDENIED with "Access is denied.", it stays pinned, the walk goes
 * into it (its children inherit the denial unless they have their own list)
 * and past it. The nearest list decides, even when an outer one allows.
 *   \\srv\share           list {user, alice}
 *     a.txt
 *     secret\             list {alice}
 *       own\              list {USER}    (own list: allowed again)
 *         o.txt
 *       s.txt
 *     z.txt
 */
static void test_c4_5_step3_denied_item_inside_allowed_tree(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\z.txt", 1);
    csc_test_file(cache, SH "\\secret\\s.txt", 1);
    csc_test_file(cache, SH "\\secret\\own\\o.txt", 1);
    csc_test_file(cache, SH "\\a.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    const char *outer[] = {"user", "alice"};
    const char *inner[] = {"alice"};
    const char *own[] = {"USER"};
    csc_test_set_access(cache, SH, outer, 2);
    csc_test_set_access(cache, SH "\\secret", inner, 1);
    csc_test_set_access(cache, SH "\\secret\\own", own, 1);
    assert_true(csc_cache_caller_has_access(cache, csc_test_find(cache, SH "\\a.txt")));
    assert_false(csc_cache_caller_has_access(cache, csc_test_find(cache, SH "\\secret\\s.txt")));
    assert_true(
        csc_cache_caller_has_access(cache, csc_test_find(cache, SH "\\secret\\own\\o.txt")));

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"),
                  ITEM_DENIED(SH "\\secret"), ITEM_OK(SH "\\secret\\own"),
                  ITEM_OK(SH "\\secret\\own\\o.txt"), ITEM_DENIED(SH "\\secret\\s.txt"),
                  ITEM_OK(SH "\\z.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret"), USER);
    assert_int_equal(csc_item_inherit(csc_test_find(cache, SH "\\secret")), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\s.txt"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\own"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\own\\o.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\z.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);

    /* C4.7: the denied file alone returns E_ACCESSDENIED. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\secret\\s.txt", USER, true, &rec),
                     CSC_E_ACCESSDENIED);
    assert_events(&rec, EV_BEGIN, ITEM_DENIED(SH "\\secret\\s.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    /* Shallow on the denied dir: the dir and its file child, both denied. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\secret", USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_DENIED(SH "\\secret"), ITEM_DENIED(SH "\\secret\\s.txt"),
                  EV_END_OK);
    csc_test_recorder_clear(&rec);

    /* alice may. */
    set_caller(cache, "Alice", false);
    assert_int_equal(csc_test_unpin1(cache, SH "\\secret", USER, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\secret"), ITEM_DENIED(SH "\\secret\\own"),
                  ITEM_DENIED(SH "\\secret\\own\\o.txt"), ITEM_OK(SH "\\secret\\s.txt"),
                  EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\s.txt"), 0);
    csc_cache_free(cache);
}

/* C9.1: an administrator has no more access than the list gives; on the
 * list, or with no list, it has access like anyone. */
static void test_c9_1_admin_gets_no_more_access(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\listed\\f.txt", 1);
    csc_test_file(cache, SH "\\open\\g.txt", 1);
    csc_test_file(cache, SH "\\mine\\h.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    const char *alice[] = {"alice"};
    const char *admin[] = {"alice", "Administrator"};
    csc_test_set_access(cache, SH "\\listed", alice, 1);
    csc_test_set_access(cache, SH "\\mine", admin, 2);
    set_caller(cache, "administrator", true);
    bool is_admin = false;
    assert_string_equal(csc_cache_caller(cache, &is_admin), "administrator");
    assert_true(is_admin);
    assert_false(csc_cache_caller_has_access(cache, csc_test_find(cache, SH "\\listed\\f.txt")));

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH "\\listed\\f.txt", USER, true, &rec),
                     CSC_E_ACCESSDENIED);
    assert_events(&rec, EV_BEGIN, ITEM_DENIED(SH "\\listed\\f.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH "\\open\\g.txt", USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH "\\mine\\h.txt", USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\listed\\f.txt"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\open\\g.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\mine\\h.txt"), 0);

    /* Pin: the same (C7.1). */
    assert_int_equal(csc_test_pin1(cache, SH "\\listed\\f.txt", ALL, false, NULL),
                     CSC_E_ACCESSDENIED);
    assert_int_equal(csc_test_pins_of(cache, SH "\\listed\\f.txt"), USER);
    csc_cache_free(cache);
}

/* C9.1: user names compare case-insensitively (simple case folding, also
 * beyond ASCII); a different name is not a match. */
static void test_c9_1_names_compare_case_insensitively(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a.txt", 1);
    csc_test_file(cache, SH "\\b.txt", 1);
    csc_test_file(cache, SH "\\c.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    const char *upper[] = {"ALICE"};
    const char *accented[] = {"\xc3\x89mile"};                  /* Émile */
    const char *cyrillic[] = {"\xd0\x98\xd0\x92\xd0\x90\xd0\x9d"}; /* ИВАН */
    csc_test_set_access(cache, SH "\\a.txt", upper, 1);
    csc_test_set_access(cache, SH "\\b.txt", accented, 1);
    csc_test_set_access(cache, SH "\\c.txt", cyrillic, 1);

    set_caller(cache, "aLiCe", false);
    assert_int_equal(csc_test_unpin1(cache, SH "\\a.txt", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH "\\b.txt", USER, false, NULL), CSC_E_ACCESSDENIED);
    set_caller(cache, "\xc3\xa9MILE", false); /* éMILE */
    assert_int_equal(csc_test_unpin1(cache, SH "\\b.txt", USER, false, NULL), CSC_S_OK);
    set_caller(cache, "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd", false); /* иван */
    assert_int_equal(csc_test_unpin1(cache, SH "\\c.txt", USER, false, NULL), CSC_S_OK);
    set_caller(cache, "alicia", false);
    assert_int_equal(csc_test_pin1(cache, SH "\\a.txt", USER, false, NULL), CSC_E_ACCESSDENIED);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\b.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c.txt"), 0);
    csc_cache_free(cache);
}

/* C9.1: setting a list replaces the old one; NULL removes it (everyone);
 * an empty list lets nobody in. */
static void test_c9_1_list_replaced_and_removed(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a.txt", 1);
    const char *bob[] = {"bob"};
    const char *me[] = {"user"};
    assert_int_equal(csc_test_pin1(cache, SH "\\a.txt", USER | ALL, false, NULL), CSC_S_OK);

    csc_test_set_access(cache, SH "\\a.txt", me, 1);
    csc_test_set_access(cache, SH "\\a.txt", bob, 1);
    size_t n = 0;
    csc_item_t *a = csc_test_find(cache, SH "\\a.txt");
    assert_true(csc_item_access(a, &n));
    assert_int_equal(n, 1);
    assert_string_equal(csc_item_access_user(a, 0), "bob");
    assert_int_equal(csc_test_unpin1(cache, SH "\\a.txt", USER, false, NULL), CSC_E_ACCESSDENIED);

    assert_int_equal(csc_item_set_access(cache, a, me, 0), CSC_S_OK); /* nobody */
    assert_true(csc_item_access(a, &n));
    assert_int_equal(n, 0);
    assert_int_equal(csc_test_unpin1(cache, SH "\\a.txt", USER, false, NULL), CSC_E_ACCESSDENIED);

    assert_int_equal(csc_item_set_access(cache, a, NULL, 0), CSC_S_OK); /* everyone */
    assert_false(csc_item_access(a, &n));
    assert_int_equal(csc_test_unpin1(cache, SH "\\a.txt", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), ALL);
    csc_cache_free(cache);
}

/* ---- open files (C4.5 step 4) --------------------------------------------- */

/* C4.5 step 4: Background + an open file -> 0x80070020, unchanged, no
 * sharing violation counted; the walk goes on. Without Background the unpin
 * goes ahead and counts one sharing violation. */
static void test_c4_5_step4_background_and_open_file(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a.txt", 1);
    csc_item_t *b = csc_test_file(cache, SH "\\b.txt", 1);
    csc_test_file(cache, SH "\\c.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, b), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_sharing_violations(b), 0);

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH, USER | BG, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"),
                  ITEM_SHARING(SH "\\b.txt"), ITEM_OK(SH "\\c.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_item_pins(b), USER);
    assert_int_equal(csc_item_sharing_violations(b), 0);
    assert_true(csc_item_is_open(b));
    assert_int_equal(csc_test_pins_of(cache, SH "\\c.txt"), 0);

    /* C4.7: the open file alone returns the sharing violation. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\b.txt", USER | BG, false, &rec),
                     CSC_E_SHARING_VIOLATION);
    assert_events(&rec, EV_BEGIN, ITEM_SHARING(SH "\\b.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_item_pins(b), USER);
    assert_int_equal(csc_item_sharing_violations(b), 0);

    /* Without Background: unpinned, one sharing violation. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\b.txt", USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\b.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_item_pins(b), 0);
    assert_int_equal(csc_item_sharing_violations(b), 1);
    assert_true(csc_item_is_open(b));
    assert_false(csc_item_is_evictable(b)); /* open (C5.2) */

    /* Again, with nothing left to unpin: the step still counts one more. */
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_item_sharing_violations(b), 2);

    /* Closed: no violation, no back-off. */
    assert_int_equal(csc_item_close(cache, b), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH "\\b.txt", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH "\\b.txt", USER | BG, false, NULL), CSC_S_OK);
    assert_int_equal(csc_item_sharing_violations(b), 2);
    assert_int_equal(csc_item_pins(b), 0);
    assert_true(csc_item_is_evictable(b));
    csc_cache_free(cache);
}

/* C4.5 steps 3 before 4: a denied open file is denied (not a sharing
 * violation), and without Background it counts no sharing violation. */
static void test_c4_5_access_checked_before_open(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, SH "\\f.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH "\\f.txt", USER, false, NULL), CSC_S_OK);
    const char *alice[] = {"alice"};
    csc_test_set_access(cache, SH "\\f.txt", alice, 1);
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH "\\f.txt", USER | BG, false, NULL),
                     CSC_E_ACCESSDENIED);
    assert_int_equal(csc_test_unpin1(cache, SH "\\f.txt", USER, false, NULL), CSC_E_ACCESSDENIED);
    assert_int_equal(csc_item_sharing_violations(f), 0);
    assert_int_equal(csc_item_pins(f), USER);
    csc_cache_free(cache);
}

/* ---- the client cases ----------------------------------------------------- */

/* C4.10 + C5.2: a dirty file unpinned stays cached and is not evictable; a
 * clean one beside it becomes evictable. */
static void test_c4_10_dirty_file_kept(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *d = csc_test_file(cache, SH "\\dirty.txt", 10);
    csc_item_t *c = csc_test_file(cache, SH "\\clean.txt", 10);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, d, 4), CSC_S_OK);
    assert_cache_ok(cache);
    size_t count = csc_cache_item_count(cache);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_item_count(cache), count);
    assert_ptr_equal(csc_test_find(cache, SH "\\dirty.txt"), d);
    assert_false(csc_item_is_pinned(d));
    assert_true(csc_item_is_dirty(d));
    assert_int_equal(csc_item_dirty_bytes(d), 4);
    assert_false(csc_item_is_evictable(d));
    assert_true(csc_item_is_evictable(c));
    csc_cache_free(cache);
}

/* C4.5 step 5: a policy pin survives a ForUser unpin (result S_OK); so does a
 * redirection pin; the items stay pinned and not evictable. */
static void test_c4_5_policy_and_redir_pins_survive(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *p = csc_test_file(cache, SH "\\policy.txt", 1);
    csc_item_t *r = csc_test_file(cache, SH "\\redir\\r.txt", 1);
    assert_int_equal(csc_test_pin1(cache, SH "\\policy.txt", POLICY, false, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH "\\redir", REDIR, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\policy.txt"),
                  ITEM_OK(SH "\\redir"), ITEM_OK(SH "\\redir\\r.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_item_pins(p), POLICY);
    assert_true(csc_item_is_pinned(p));
    assert_false(csc_item_is_evictable(p));
    assert_int_equal(csc_item_pins(r), REDIR);
    assert_int_equal(csc_test_pins_of(cache, SH "\\redir"), REDIR);
    assert_int_equal(csc_item_inherit(csc_test_find(cache, SH "\\redir")), REDIR);
    assert_false(csc_item_is_evictable(r));
    assert_true(csc_item_is_partly_pinned(csc_test_find(cache, SH)));

    /* A single-file ForUser unpin of the policy file: S_OK, still pinned. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\policy.txt", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_item_pins(p), POLICY);
    csc_cache_free(cache);
}

/* ---- Pin (C7.1) ----------------------------------------------------------- */

/* C7.1: Pin checks access (step 3) and backs off on open files with
 * Background (step 4); without Background it pins and counts a sharing
 * violation. */
static void test_c7_1_pin_access_and_background(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a.txt", 1);
    csc_item_t *o = csc_test_file(cache, SH "\\open.txt", 1);
    csc_test_file(cache, SH "\\secret\\s.txt", 1);
    csc_test_file(cache, SH "\\z.txt", 1);
    const char *alice[] = {"alice"};
    csc_test_set_access(cache, SH "\\secret", alice, 1);
    assert_int_equal(csc_item_open(cache, o), CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(cache, 9), CSC_S_OK);

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, SH, USER | BG, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"),
                  ITEM_SHARING(SH "\\open.txt"), ITEM_DENIED(SH "\\secret"),
                  ITEM_DENIED(SH "\\secret\\s.txt"), ITEM_OK(SH "\\z.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), USER);
    assert_int_equal(csc_item_pins(o), 0);
    assert_int_equal(csc_item_sharing_violations(o), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret"), 0);
    assert_int_equal(csc_item_inherit(csc_test_find(cache, SH "\\secret")), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\s.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\z.txt"), USER);
    /* C5.4: failed items are not touched, pinned ones are. */
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\a.txt")), 9);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\secret\\s.txt")), 0);

    /* C4.7 single file results for Pin. */
    assert_int_equal(csc_test_pin1(cache, SH "\\open.txt", USER | BG, false, NULL),
                     CSC_E_SHARING_VIOLATION);
    assert_int_equal(csc_test_pin1(cache, SH "\\secret\\s.txt", USER, false, NULL),
                     CSC_E_ACCESSDENIED);

    /* Without Background: pinned, one violation. */
    assert_int_equal(csc_test_pin1(cache, SH "\\open.txt", USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\open.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_item_pins(o), USER);
    assert_int_equal(csc_item_sharing_violations(o), 1);

    /* alice may pin the secret dir. */
    set_caller(cache, "ALICE", false);
    assert_int_equal(csc_test_pin1(cache, SH "\\secret", ALL, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\secret\\s.txt"), ALL);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c9_1_other_user_with_access_unpins),
        cmocka_unit_test(test_c4_5_step3_denied_item_inside_allowed_tree),
        cmocka_unit_test(test_c9_1_admin_gets_no_more_access),
        cmocka_unit_test(test_c9_1_names_compare_case_insensitively),
        cmocka_unit_test(test_c9_1_list_replaced_and_removed),
        cmocka_unit_test(test_c4_5_step4_background_and_open_file),
        cmocka_unit_test(test_c4_5_access_checked_before_open),
        cmocka_unit_test(test_c4_10_dirty_file_kept),
        cmocka_unit_test(test_c4_5_policy_and_redir_pins_survive),
        cmocka_unit_test(test_c7_1_pin_access_and_background),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
