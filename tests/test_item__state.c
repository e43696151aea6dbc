/*
 * tests/test_item__state.c: the state an item carries, through the public
 * API. C3.1/C3.2 the four pin sources with their flags, inherit bits and WMI
 * values (set through csc_pin); C3.5 pinned and partly pinned, for servers
 * too, kept up to date by pins and unpins; C5.1 dirty state and dirty bytes
 * (modify, synchronize); open and close counts; C5.4 which of these touch;
 * C5.2 the evictable predicate in every combination; C9 access lists and
 * the current caller.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t all_sources[4] = {CSC_PIN_SOURCE_USER, CSC_PIN_SOURCE_POLICY,
                                        CSC_PIN_SOURCE_COMPUTER, CSC_PIN_SOURCE_REDIRECT};

/* Asserts the WMI value of each of the four sources. */
static void assert_wmi(const csc_item_t *item, csc_pin_wmi_t user, csc_pin_wmi_t policy,
                       csc_pin_wmi_t computer, csc_pin_wmi_t redirect)
{
    assert_int_equal(csc_item_pin_wmi(item, CSC_PIN_SOURCE_USER), user);
    assert_int_equal(csc_item_pin_wmi(item, CSC_PIN_SOURCE_POLICY), policy);
    assert_int_equal(csc_item_pin_wmi(item, CSC_PIN_SOURCE_COMPUTER), computer);
    assert_int_equal(csc_item_pin_wmi(item, CSC_PIN_SOURCE_REDIRECT), redirect);
}

/* The WMI value a single source should have given pins and inherit bits. */
static csc_pin_wmi_t wmi_of(uint32_t pins, uint32_t inherit, uint32_t source)
{
    if ((pins & source) == 0)
        return CSC_PIN_WMI_NOT_PINNED;
    return (inherit & source) ? CSC_PIN_WMI_PINNED_INHERIT : CSC_PIN_WMI_PINNED;
}

static void assert_pin_state(const csc_item_t *item, uint32_t pins, uint32_t inherit)
{
    assert_int_equal(csc_item_pins(item), pins);
    assert_int_equal(csc_item_inherit(item), inherit);
    assert_int_equal(csc_item_is_pinned(item), pins != 0);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(csc_item_pin_wmi(item, all_sources[i]),
                         wmi_of(pins, inherit, all_sources[i]));
}

/* ---- C3.1 / C3.2 pin sources ------------------------------------------------ */

/* C3.1: the four sources are the pin control flags ForUser 0x20,
 * ForUser_Policy 0x40, ForAll 0x80, ForRedir 0x100. C3.2: WMI values 0, 1, 2. */
static void test_pin_source_values(void **state)
{
    (void)state;
    assert_int_equal(CSC_PIN_SOURCE_USER, 0x20);
    assert_int_equal(CSC_PIN_SOURCE_POLICY, 0x40);
    assert_int_equal(CSC_PIN_SOURCE_COMPUTER, 0x80);
    assert_int_equal(CSC_PIN_SOURCE_REDIRECT, 0x100);
    assert_int_equal(CSC_PIN_SOURCES_ALL, 0x1E0);
    assert_int_equal(CSC_PIN_FLAG_FOR_USER, CSC_PIN_SOURCE_USER);
    assert_int_equal(CSC_PIN_FLAG_FOR_USER_POLICY, CSC_PIN_SOURCE_POLICY);
    assert_int_equal(CSC_PIN_FLAG_FOR_ALL, CSC_PIN_SOURCE_COMPUTER);
    assert_int_equal(CSC_PIN_FLAG_FOR_REDIR, CSC_PIN_SOURCE_REDIRECT);
    assert_int_equal(CSC_PIN_WMI_NOT_PINNED, 0);
    assert_int_equal(CSC_PIN_WMI_PINNED, 1);
    assert_int_equal(CSC_PIN_WMI_PINNED_INHERIT, 2);
}

/* C3.1, C3.2 (with C3.3, C3.4): each source pinned through its flag alone
 * sets exactly that source: shallow on a file and a share (pinned, 1), deep
 * on a directory (pinned inherit, 2, on the directory; pinned, 1, on its
 * file, which has no inherit bit). Other sources stay 0. */
static void test_each_pin_source_through_its_flag(void **state)
{
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        uint32_t s = all_sources[i];
        csc_cache_t *cache = csc_test_cache_new();
        csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f.txt", 1);
        csc_item_t *d = csc_test_dir(cache, "\\\\srv\\share\\d");
        csc_item_t *g = csc_test_file(cache, "\\\\srv\\share\\d\\g.txt", 1);
        csc_item_t *share = csc_test_find(cache, "\\\\srv\\share");
        csc_item_t *other = csc_test_dir(cache, "\\\\srv\\other");
        assert_pin_state(f, 0, 0);
        assert_wmi(f, 0, 0, 0, 0);

        assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\f.txt", s, false, NULL), CSC_S_OK);
        assert_pin_state(f, s, 0);
        assert_int_equal(csc_item_pin_wmi(f, s), CSC_PIN_WMI_PINNED);

        assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d", s, true, NULL), CSC_S_OK);
        assert_pin_state(d, s, s);
        assert_int_equal(csc_item_pin_wmi(d, s), CSC_PIN_WMI_PINNED_INHERIT);
        assert_pin_state(g, s, 0);
        assert_int_equal(csc_item_pin_wmi(g, s), CSC_PIN_WMI_PINNED);

        assert_int_equal(csc_test_pin1(cache, "\\\\srv\\other", s, false, NULL), CSC_S_OK);
        assert_pin_state(other, s, 0);
        /* The share itself was never pinned. */
        assert_pin_state(share, 0, 0);
        csc_cache_free(cache);
    }
}

/* C3.1, C3.2: several sources at once, and sources added one by one, are
 * kept side by side; unpinning one source leaves the others as they are. */
static void test_several_sources_side_by_side(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *d = csc_test_dir(cache, "\\\\srv\\share\\d");
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);

    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d",
                                   CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_REDIR, true, NULL),
                     CSC_S_OK);
    assert_pin_state(d, 0x120, 0x120);
    assert_wmi(d, 2, 0, 0, 2);
    assert_pin_state(f, 0x120, 0);
    assert_wmi(f, 1, 0, 0, 1);

    /* A shallow pin of another source adds it without its inherit bit. */
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_ALL, false, NULL),
                     CSC_S_OK);
    assert_pin_state(d, 0x1A0, 0x120);
    assert_wmi(d, 2, 0, 1, 2);
    assert_pin_state(f, 0x120, 0);

    /* Unpinning ForUser clears its pin and inherit bit only. */
    assert_int_equal(csc_test_unpin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_USER, true, NULL),
                     CSC_S_OK);
    assert_pin_state(d, 0x180, 0x100);
    assert_wmi(d, 0, 0, 1, 2);
    assert_pin_state(f, 0x100, 0);

    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d\\f", CSC_PIN_SOURCES_ALL, false, NULL),
                     CSC_S_OK);
    assert_pin_state(f, 0x1E0, 0);
    assert_wmi(f, 1, 1, 1, 1);
    csc_cache_free(cache);
}

/* C3.1: a server carries no pin state, not even through a deep pin of it;
 * C3.3: the deep pin still reaches its existing shares (which get inherit
 * bits, being containers) and what is below them. C3.5: the server is then
 * partly pinned. */
static void test_server_carries_no_pin_state(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    csc_item_t *share = csc_item_parent(f);
    csc_item_t *server = csc_item_parent(share);

    assert_int_equal(csc_test_pin1(cache, "\\\\srv", CSC_PIN_SOURCES_ALL, false, NULL), CSC_S_OK);
    assert_pin_state(server, 0, 0);
    assert_false(csc_item_is_partly_pinned(server));
    assert_pin_state(share, 0, 0);

    assert_int_equal(csc_test_pin1(cache, "\\\\srv", CSC_PIN_SOURCES_ALL, true, NULL), CSC_S_OK);
    assert_pin_state(server, 0, 0);
    assert_wmi(server, 0, 0, 0, 0);
    assert_false(csc_item_is_pinned(server));
    assert_true(csc_item_is_partly_pinned(server));
    assert_pin_state(share, CSC_PIN_SOURCES_ALL, CSC_PIN_SOURCES_ALL);
    assert_pin_state(f, CSC_PIN_SOURCES_ALL, 0);

    /* A share cached later below the server arrives unpinned (C3.3). */
    csc_item_t *late = csc_test_dir(cache, "\\\\srv\\late");
    assert_pin_state(late, 0, 0);
    csc_cache_free(cache);
}

/* C3.1: pin state is machine-wide: an item pinned while one user is the
 * caller is pinned whoever the caller is. */
static void test_pin_state_is_machine_wide(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    assert_int_equal(csc_cache_set_caller(cache, "alice", false), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\f", CSC_PIN_FLAG_FOR_USER, false, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "bob", true), CSC_S_OK);
    assert_true(csc_item_is_pinned(f));
    assert_int_equal(csc_item_pin_wmi(f, CSC_PIN_SOURCE_USER), CSC_PIN_WMI_PINNED);
    assert_true(csc_item_is_partly_pinned(csc_item_parent(f)));
    assert_false(csc_item_is_evictable(f));
    csc_cache_free(cache);
}

/* ---- C3.5 pinned / partly pinned ------------------------------------------ */

/* C3.5: a container (a server included) that is not pinned itself but has a
 * pinned descendant is partly pinned; a pinned container is not partly
 * pinned; a file never is; the state follows every pin and unpin. */
static void test_partly_pinned_follows_pins_and_unpins(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\a\\b\\f", 1);
    csc_item_t *g = csc_test_file(cache, "\\\\srv\\share\\c\\g", 1);
    csc_item_t *b = csc_item_parent(f);
    csc_item_t *a = csc_item_parent(b);
    csc_item_t *c = csc_item_parent(g);
    csc_item_t *share = csc_item_parent(a);
    csc_item_t *server = csc_item_parent(share);
    csc_item_t *empty = csc_test_dir(cache, "\\\\srv\\share\\empty");
    csc_item_t *other = csc_test_dir(cache, "\\\\other\\s");
    csc_item_t *items[] = {f, g, b, a, c, share, server, empty, other};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        assert_false(csc_item_is_pinned(items[i]));
        assert_false(csc_item_is_partly_pinned(items[i]));
    }

    /* Pin f: every ancestor up to the server is partly pinned. */
    assert_int_equal(
        csc_test_pin1(cache, "\\\\srv\\share\\a\\b\\f", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_pinned(f));
    assert_false(csc_item_is_partly_pinned(f)); /* a file never is */
    assert_true(csc_item_is_partly_pinned(b));
    assert_true(csc_item_is_partly_pinned(a));
    assert_true(csc_item_is_partly_pinned(share));
    assert_true(csc_item_is_partly_pinned(server));
    assert_false(csc_item_is_partly_pinned(c));
    assert_false(csc_item_is_partly_pinned(empty));
    assert_false(csc_item_is_partly_pinned(other));
    assert_false(csc_item_is_partly_pinned(csc_item_parent(other)));

    /* Pin a itself (shallow): a is pinned, so not partly pinned; b still is. */
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\a", CSC_PIN_FLAG_FOR_ALL, false, NULL),
                     CSC_S_OK);
    assert_true(csc_item_is_pinned(a));
    assert_false(csc_item_is_partly_pinned(a));
    assert_true(csc_item_is_partly_pinned(b));
    assert_true(csc_item_is_partly_pinned(share));

    /* Pin g too; then unpin f: share and server stay partly pinned (a, g). */
    assert_int_equal(
        csc_test_pin1(cache, "\\\\srv\\share\\c\\g", CSC_PIN_FLAG_FOR_REDIR, false, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_partly_pinned(c));
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\share\\a\\b\\f", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_false(csc_item_is_pinned(f));
    assert_false(csc_item_is_partly_pinned(b));
    assert_false(csc_item_is_partly_pinned(a)); /* pinned itself */
    assert_true(csc_item_is_partly_pinned(share));
    assert_true(csc_item_is_partly_pinned(server));

    /* Unpin a: only g is left pinned. */
    assert_int_equal(csc_test_unpin1(cache, "\\\\srv\\share\\a", CSC_PIN_FLAG_FOR_ALL, false, NULL),
                     CSC_S_OK);
    assert_false(csc_item_is_pinned(a));
    assert_false(csc_item_is_partly_pinned(a));
    assert_true(csc_item_is_partly_pinned(share));

    /* Unpinning with the wrong source changes nothing. */
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\share\\c\\g", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_pinned(g));
    assert_true(csc_item_is_partly_pinned(server));

    /* Unpin g: nothing is pinned or partly pinned any more. */
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\share\\c\\g", CSC_PIN_FLAG_FOR_REDIR, false, NULL),
        CSC_S_OK);
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        assert_false(csc_item_is_pinned(items[i]));
        assert_false(csc_item_is_partly_pinned(items[i]));
    }

    /* A pinned share: its server is partly pinned, the share is not. */
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, false, NULL),
                     CSC_S_OK);
    assert_false(csc_item_is_partly_pinned(share));
    assert_true(csc_item_is_partly_pinned(server));
    /* A pinned empty container is pinned, not partly pinned. */
    assert_int_equal(
        csc_test_pin1(cache, "\\\\srv\\share\\empty", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_pinned(empty));
    assert_false(csc_item_is_partly_pinned(empty));
    csc_cache_free(cache);
}

/* C3.5 with C3.3: an item that arrives pinned below an inheriting parent
 * makes its new and existing ancestors partly pinned as needed. */
static void test_partly_pinned_after_inherited_arrival(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *d = csc_test_dir(cache, "\\\\srv\\share\\d");
    csc_item_t *share = csc_item_parent(d);
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_USER, true, NULL),
                     CSC_S_OK);
    assert_true(csc_item_is_partly_pinned(share));
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\x\\f", 1);
    csc_item_t *x = csc_item_parent(f);
    assert_pin_state(x, CSC_PIN_SOURCE_USER, CSC_PIN_SOURCE_USER);
    assert_pin_state(f, CSC_PIN_SOURCE_USER, 0);
    assert_false(csc_item_is_partly_pinned(x));
    assert_false(csc_item_is_partly_pinned(d));
    /* Unpin d alone: d is now partly pinned through x and f. */
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_USER, false, NULL), CSC_S_OK);
    assert_false(csc_item_is_pinned(d));
    assert_true(csc_item_is_partly_pinned(d));
    assert_true(csc_item_is_partly_pinned(share));
    csc_cache_free(cache);
}

/* ---- C5.1 dirty ------------------------------------------------------------ */

/* C5.1: each change adds its bytes and makes the file dirty; synchronizing
 * makes the item and everything below it clean with 0 dirty bytes;
 * containers are never dirty themselves. C5.4: neither touches. */
static void test_modify_and_synchronize(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 100);
    csc_item_t *g = csc_test_file(cache, "\\\\srv\\share\\d\\sub\\g", 1);
    csc_item_t *h = csc_test_file(cache, "\\\\srv\\share\\e\\h", 1);
    csc_item_t *d = csc_item_parent(f);
    assert_int_equal(csc_cache_advance_clock(cache, 9), CSC_S_OK);
    assert_false(csc_item_is_dirty(f));
    assert_int_equal(csc_item_dirty_bytes(f), 0);

    assert_int_equal(csc_item_modify(cache, f, 10), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_dirty(f));
    assert_int_equal(csc_item_dirty_bytes(f), 10);
    assert_int_equal(csc_item_modify(cache, f, 5), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_dirty_bytes(f), 15);
    assert_int_equal(csc_item_size(f), 100); /* the size is another matter */
    assert_int_equal(csc_item_last_use(f), 0); /* C5.4: modifying does not touch */
    /* A change of 0 bytes still makes the file dirty (a change was made). */
    assert_int_equal(csc_item_modify(cache, g, 0), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_dirty(g));
    assert_int_equal(csc_item_dirty_bytes(g), 0);
    assert_int_equal(csc_item_modify(cache, h, 7), CSC_S_OK);
    assert_cache_ok(cache);

    /* Containers are not dirty themselves. */
    assert_false(csc_item_is_dirty(d));
    assert_int_equal(csc_item_dirty_bytes(d), 0);
    assert_false(csc_item_is_dirty(csc_item_parent(d)));
    assert_false(csc_item_is_evictable(f));

    /* Synchronizing d cleans f and g (below d), not h. */
    assert_int_equal(csc_item_mark_synchronized(cache, d), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_dirty(f));
    assert_int_equal(csc_item_dirty_bytes(f), 0);
    assert_false(csc_item_is_dirty(g));
    assert_int_equal(csc_item_dirty_bytes(g), 0);
    assert_true(csc_item_is_dirty(h));
    assert_int_equal(csc_item_dirty_bytes(h), 7);
    assert_int_equal(csc_item_last_use(f), 0);

    /* Synchronizing a file; synchronizing a clean item is fine. */
    assert_int_equal(csc_item_mark_synchronized(cache, h), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_dirty(h));
    assert_int_equal(csc_item_dirty_bytes(h), 0);
    assert_int_equal(csc_item_mark_synchronized(cache, h), CSC_S_OK);
    assert_false(csc_item_is_dirty(h));

    /* Synchronizing a server cleans everything below it. */
    assert_int_equal(csc_item_modify(cache, f, 1), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, h, 2), CSC_S_OK);
    assert_int_equal(csc_item_mark_synchronized(cache, csc_test_find(cache, "\\\\srv")),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_dirty(f));
    assert_false(csc_item_is_dirty(h));
    /* Dirty bytes start again from 0 after a synchronization. */
    assert_int_equal(csc_item_modify(cache, f, 3), CSC_S_OK);
    assert_int_equal(csc_item_dirty_bytes(f), 3);
    csc_cache_free(cache);
}

/* C5.1 / item.h: modifying a container (directory, share, server) is
 * E_INVALIDARG and changes nothing. */
static void test_modify_container_is_invalid(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);
    csc_item_t *c[3];
    c[0] = csc_item_parent(f);
    c[1] = csc_item_parent(c[0]);
    c[2] = csc_item_parent(c[1]);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(csc_item_modify(cache, c[i], 10), CSC_E_INVALIDARG);
        assert_cache_ok(cache);
        assert_false(csc_item_is_dirty(c[i]));
        assert_int_equal(csc_item_dirty_bytes(c[i]), 0);
        assert_true(csc_item_type(c[i]) != CSC_ITEM_FILE);
    }
    assert_false(csc_item_is_dirty(f));
    csc_cache_free(cache);
}

/* ---- open / close ---------------------------------------------------------- */

/* item.h, C5.4: opening counts handles and touches; closing counts down and
 * does not touch; closing a file that is not open succeeds and changes
 * nothing. */
static void test_open_close_counts(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    assert_false(csc_item_is_open(f));
    assert_int_equal(csc_item_open_count(f), 0);

    assert_int_equal(csc_cache_advance_clock(cache, 4), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_open(f));
    assert_int_equal(csc_item_open_count(f), 1);
    assert_int_equal(csc_item_last_use(f), 4);

    assert_int_equal(csc_cache_advance_clock(cache, 2), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_open_count(f), 2);
    assert_int_equal(csc_item_last_use(f), 6);

    assert_int_equal(csc_cache_advance_clock(cache, 3), CSC_S_OK);
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_open(f));
    assert_int_equal(csc_item_open_count(f), 1);
    assert_int_equal(csc_item_last_use(f), 6); /* closing does not touch */
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_open(f));
    assert_int_equal(csc_item_open_count(f), 0);

    /* Not open: closing succeeds, changes nothing. */
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_open_count(f), 0);
    assert_false(csc_item_is_open(f));
    assert_int_equal(csc_item_last_use(f), 6);
    /* And opening again starts from 0. */
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 1);
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    csc_cache_free(cache);
}

/* item.h: opening or closing a container is E_INVALIDARG; it stays unopened
 * and untouched. */
static void test_open_container_is_invalid(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);
    assert_int_equal(csc_cache_advance_clock(cache, 5), CSC_S_OK);
    csc_item_t *it = csc_item_parent(f);
    for (; it != NULL; it = csc_item_parent(it)) {
        assert_int_equal(csc_item_open(cache, it), CSC_E_INVALIDARG);
        assert_cache_ok(cache);
        assert_false(csc_item_is_open(it));
        assert_int_equal(csc_item_open_count(it), 0);
        assert_int_equal(csc_item_last_use(it), 0);
        assert_int_equal(csc_item_close(cache, it), CSC_E_INVALIDARG);
        assert_cache_ok(cache);
        assert_int_equal(csc_item_open_count(it), 0);
    }
    csc_cache_free(cache);
}

/* C5.4: pinning touches (the container and each item pinned), unpinning and
 * synchronizing do not; csc_item_touch does. */
static void test_pin_touches_unpin_does_not(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);
    csc_item_t *d = csc_item_parent(f);
    assert_int_equal(csc_cache_advance_clock(cache, 11), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_USER, true, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_item_last_use(d), 11);
    assert_int_equal(csc_item_last_use(f), 11);
    assert_int_equal(csc_item_last_use(csc_item_parent(d)), 0); /* not pinned */
    assert_int_equal(csc_cache_advance_clock(cache, 1), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, "\\\\srv\\share\\d", CSC_PIN_FLAG_FOR_USER, true, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_item_last_use(d), 11);
    assert_int_equal(csc_item_last_use(f), 11);
    assert_int_equal(csc_item_mark_synchronized(cache, d), CSC_S_OK);
    assert_int_equal(csc_item_last_use(f), 11);
    assert_int_equal(csc_item_touch(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_last_use(f), 12);
    assert_int_equal(csc_item_last_use(d), 11);
    csc_cache_free(cache);
}

/* ---- C5.2 evictable -------------------------------------------------------- */

/* C5.2: a file is evictable exactly when it has no pin source, is not dirty
 * and is not open: all eight combinations, each reached and then undone. */
static void test_evictable_file_every_combination(void **state)
{
    (void)state;
    for (unsigned combo = 0; combo < 8; combo++) {
        bool pinned = combo & 1, dirty = combo & 2, open = combo & 4;
        csc_cache_t *cache = csc_test_cache_new();
        csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 10);
        assert_true(csc_item_is_evictable(f));
        if (pinned)
            assert_int_equal(
                csc_test_pin1(cache, "\\\\srv\\share\\f", CSC_PIN_FLAG_FOR_ALL, false, NULL),
                CSC_S_OK);
        if (dirty) {
            assert_int_equal(csc_item_modify(cache, f, 3), CSC_S_OK);
            assert_cache_ok(cache);
        }
        if (open) {
            assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
            assert_cache_ok(cache);
        }
        if (csc_item_is_evictable(f) != (combo == 0)) {
            print_error("pinned=%d dirty=%d open=%d: evictable=%d\n", pinned, dirty, open,
                        csc_item_is_evictable(f));
            fail();
        }
        /* Undo each condition in turn; evictable once all are gone. */
        if (pinned) {
            assert_int_equal(
                csc_test_unpin1(cache, "\\\\srv\\share\\f", CSC_PIN_FLAG_FOR_ALL, false, NULL),
                CSC_S_OK);
            assert_int_equal(csc_item_is_evictable(f), !dirty && !open);
        }
        if (dirty) {
            assert_int_equal(csc_item_mark_synchronized(cache, f), CSC_S_OK);
            assert_cache_ok(cache);
            assert_int_equal(csc_item_is_evictable(f), !open);
        }
        if (open) {
            assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
            assert_cache_ok(cache);
        }
        assert_true(csc_item_is_evictable(f));
        csc_cache_free(cache);
    }
}

/* C5.2: a container is evictable when unpinned with no cached child: an
 * empty directory, share or server is; one with a child, pinned or not, is
 * not; a pinned empty container is not; a file open twice needs two closes. */
static void test_evictable_containers(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);
    csc_item_t *d = csc_item_parent(f);
    csc_item_t *share = csc_item_parent(d);
    csc_item_t *server = csc_item_parent(share);
    csc_item_t *empty_dir = csc_test_dir(cache, "\\\\srv\\share\\empty");
    csc_item_t *empty_share = csc_test_dir(cache, "\\\\srv\\bare");
    csc_item_t *empty_server = csc_test_dir(cache, "\\\\lonely");

    assert_true(csc_item_is_evictable(f));
    assert_false(csc_item_is_evictable(d));      /* has a child */
    assert_false(csc_item_is_evictable(share));  /* has children */
    assert_false(csc_item_is_evictable(server)); /* has children */
    assert_true(csc_item_is_evictable(empty_dir));
    assert_true(csc_item_is_evictable(empty_share));
    assert_true(csc_item_is_evictable(empty_server));

    /* A dirty or open child does not make the container itself evictable. */
    assert_int_equal(csc_item_modify(cache, f, 1), CSC_S_OK);
    assert_false(csc_item_is_evictable(d));
    assert_int_equal(csc_item_mark_synchronized(cache, f), CSC_S_OK);

    /* Pinned empty containers are not evictable; unpinned, they are again. */
    assert_int_equal(
        csc_test_pin1(cache, "\\\\srv\\share\\empty", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_false(csc_item_is_evictable(empty_dir));
    assert_int_equal(
        csc_test_pin1(cache, "\\\\srv\\bare", CSC_PIN_FLAG_FOR_USER_POLICY, true, NULL), CSC_S_OK);
    assert_false(csc_item_is_evictable(empty_share));
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\share\\empty", CSC_PIN_FLAG_FOR_USER, false, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_evictable(empty_dir));
    assert_int_equal(
        csc_test_unpin1(cache, "\\\\srv\\bare", CSC_PIN_FLAG_FOR_USER_POLICY, true, NULL),
        CSC_S_OK);
    assert_true(csc_item_is_evictable(empty_share));

    /* A server "pinned" (it carries no pin state) stays evictable when empty. */
    assert_int_equal(csc_test_pin1(cache, "\\\\lonely", CSC_PIN_SOURCES_ALL, true, NULL), CSC_S_OK);
    assert_true(csc_item_is_evictable(empty_server));

    /* Two handles need two closes. */
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_false(csc_item_is_evictable(f));
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_true(csc_item_is_evictable(f));
    csc_cache_free(cache);
}

/* ---- C9 access ------------------------------------------------------------- */

static void set_access(csc_cache_t *cache, csc_item_t *item, const char *const *users,
                       size_t count)
{
    assert_int_equal(csc_item_set_access(cache, item, users, count), CSC_S_OK);
    assert_cache_ok(cache);
}

static bool access_as(csc_cache_t *cache, const char *user, bool admin, const csc_item_t *item)
{
    assert_int_equal(csc_cache_set_caller(cache, user, admin), CSC_S_OK);
    return csc_cache_caller_has_access(cache, item);
}

/* C9.1: no list means everyone has access; an item's own list admits the
 * users on it; a list applies to everything below that has no list of its
 * own; the nearest list wins (a user of the upper list is refused below a
 * lower list that does not name them, and the reverse). */
static void test_access_own_inherited_and_nearest_list(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\d\\f", 1);
    csc_item_t *g = csc_test_file(cache, "\\\\srv\\share\\d\\inner\\g", 1);
    csc_item_t *inner = csc_item_parent(g);
    csc_item_t *d = csc_item_parent(f);
    csc_item_t *share = csc_item_parent(d);
    csc_item_t *other = csc_test_file(cache, "\\\\srv\\other\\x", 1);

    /* No list anywhere: everyone. */
    assert_true(access_as(cache, "anyone", false, f));
    assert_true(access_as(cache, "nobody", true, share));
    size_t count = 99;
    assert_false(csc_item_access(share, &count));

    /* A list on the share. */
    const char *ab[] = {"alice", "bob"};
    set_access(cache, share, ab, 2);
    assert_true(csc_item_access(share, &count));
    assert_int_equal(count, 2);
    assert_string_equal(csc_item_access_user(share, 0), "alice");
    assert_string_equal(csc_item_access_user(share, 1), "bob");
    assert_null(csc_item_access_user(share, 2));
    assert_false(csc_item_access(d, &count)); /* own list only */

    assert_true(access_as(cache, "alice", false, share));
    assert_true(access_as(cache, "bob", false, f));    /* inherited */
    assert_true(access_as(cache, "bob", false, g));    /* inherited two levels */
    assert_false(access_as(cache, "carol", false, share));
    assert_false(access_as(cache, "carol", false, f));
    assert_true(access_as(cache, "carol", false, other)); /* another share: no list */
    assert_true(access_as(cache, "carol", false, csc_item_parent(share))); /* the server */

    /* A nearer list on inner: carol only. */
    const char *c[] = {"carol"};
    set_access(cache, inner, c, 1);
    assert_true(access_as(cache, "carol", false, inner));
    assert_true(access_as(cache, "carol", false, g));
    assert_false(access_as(cache, "carol", false, d)); /* d is under the share's list */
    assert_false(access_as(cache, "alice", false, inner));
    assert_false(access_as(cache, "alice", false, g));
    assert_true(access_as(cache, "alice", false, f));
    csc_cache_free(cache);
}

/* C9.1: setting a list replaces the earlier one; NULL removes it (everyone
 * again); an empty list (non-NULL, count 0) lets nobody in. */
static void test_access_replace_remove_and_empty_list(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    csc_item_t *share = csc_item_parent(f);
    const char *ab[] = {"alice", "bob"};
    const char *b[] = {"bob"};
    set_access(cache, share, ab, 2);
    assert_true(access_as(cache, "alice", false, f));
    set_access(cache, share, b, 1);
    size_t count = 0;
    assert_true(csc_item_access(share, &count));
    assert_int_equal(count, 1);
    assert_string_equal(csc_item_access_user(share, 0), "bob");
    assert_null(csc_item_access_user(share, 1));
    assert_false(access_as(cache, "alice", false, f));
    assert_true(access_as(cache, "bob", false, f));

    /* Removed: everyone. */
    set_access(cache, share, NULL, 0);
    assert_false(csc_item_access(share, &count));
    assert_null(csc_item_access_user(share, 0));
    assert_true(access_as(cache, "alice", false, f));
    assert_true(access_as(cache, "zed", false, share));
    /* Removing a list that is not there is fine. */
    set_access(cache, share, NULL, 0);

    /* Empty list: nobody, administrators included, here and below. */
    const char *none[] = {"unused"};
    set_access(cache, share, none, 0);
    assert_true(csc_item_access(share, &count));
    assert_int_equal(count, 0);
    assert_false(access_as(cache, "alice", false, share));
    assert_false(access_as(cache, "alice", true, f));
    assert_false(access_as(cache, "bob", false, f));
    /* A list of its own below the empty list lets its users in there. */
    const char *a[] = {"alice"};
    set_access(cache, f, a, 1);
    assert_true(access_as(cache, "alice", false, f));
    assert_false(access_as(cache, "alice", false, share));
    csc_cache_free(cache);
}

/* C9.1: an administrator has no more access than the list gives. */
static void test_access_admin_gets_no_more(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    csc_item_t *free_item = csc_test_file(cache, "\\\\srv\\open\\g", 1);
    const char *a[] = {"alice"};
    set_access(cache, csc_item_parent(f), a, 1);
    assert_false(access_as(cache, "admin", true, f));
    assert_false(access_as(cache, "Administrator", true, f));
    assert_true(access_as(cache, "alice", true, f));
    assert_true(access_as(cache, "admin", true, free_item));
    bool admin = false;
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_string_equal(csc_cache_caller(cache, &admin), "root");
    assert_true(admin);
    assert_false(csc_cache_caller_has_access(cache, f));

    /* Pin and Unpin check access (C9.1, C4.5 step 3, C4.7: a single file
     * path returns its result). */
    const char *paths[] = {"\\\\srv\\share\\f"};
    assert_int_equal(csc_pin(cache, paths, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_false(csc_item_is_pinned(f));
    assert_int_equal(csc_cache_set_caller(cache, "ALICE", false), CSC_S_OK);
    assert_int_equal(csc_pin(cache, paths, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_pinned(f));
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_unpin(cache, paths, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_true(csc_item_is_pinned(f));
    csc_cache_free(cache);
}

/* C9.1, C1.3: user names compare case-insensitively (with Unicode simple case
 * folding); the list keeps the names as given. */
static void test_access_user_names_case_insensitive(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    const char *users[] = {"ALICE", "\xC3\x89LODIE" /* ÉLODIE */,
                           "\xD0\x98\xD0\x92\xD0\x90\xD0\x9D" /* ИВАН */};
    set_access(cache, f, users, 3);
    assert_string_equal(csc_item_access_user(f, 0), "ALICE");
    assert_string_equal(csc_item_access_user(f, 1), "\xC3\x89LODIE");
    assert_true(access_as(cache, "alice", false, f));
    assert_true(access_as(cache, "Alice", false, f));
    assert_true(access_as(cache, "\xC3\xA9lodie", false, f));            /* élodie */
    assert_true(access_as(cache, "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD", false, f)); /* иван */
    assert_false(access_as(cache, "elodie", false, f)); /* é is not e */
    assert_false(access_as(cache, "alic", false, f));
    assert_false(access_as(cache, "alice2", false, f));
    /* The caller keeps its spelling too. */
    assert_int_equal(csc_cache_set_caller(cache, "aLiCe", false), CSC_S_OK);
    assert_string_equal(csc_cache_caller(cache, NULL), "aLiCe");
    csc_cache_free(cache);
}

/* cache.h, C9.1: a new cache's caller is "user", not an administrator; an
 * empty or invalid name is E_INVALIDARG and leaves the caller unchanged. */
static void test_set_caller_rejects_empty_name(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    bool admin = true;
    assert_string_equal(csc_cache_caller(cache, &admin), "user");
    assert_false(admin);

    assert_int_equal(csc_cache_set_caller(cache, "alice", true), CSC_S_OK);
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    const char *a[] = {"alice"};
    set_access(cache, f, a, 1);

    assert_int_equal(csc_cache_set_caller(cache, "", false), CSC_E_INVALIDARG);
    assert_string_equal(csc_cache_caller(cache, &admin), "alice");
    assert_true(admin);
    assert_true(csc_cache_caller_has_access(cache, f));

    assert_int_equal(csc_cache_set_caller(cache, "bad\xC3", false), CSC_E_INVALIDARG);
    assert_string_equal(csc_cache_caller(cache, &admin), "alice");
    assert_true(admin);
    assert_true(csc_cache_caller_has_access(cache, f));
    csc_cache_free(cache);
}

/* item.h, C9.1: an empty or invalid name in a new list is E_INVALIDARG and
 * the old list stays. */
static void test_set_access_rejects_bad_names_keeps_old_list(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    const char *a[] = {"alice"};
    set_access(cache, f, a, 1);
    const char *empty_name[] = {"bob", ""};
    assert_int_equal(csc_item_set_access(cache, f, empty_name, 2), CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    const char *bad_utf8[] = {"bob", "x\xFFy"};
    assert_int_equal(csc_item_set_access(cache, f, bad_utf8, 2), CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    size_t count = 0;
    assert_true(csc_item_access(f, &count));
    assert_int_equal(count, 1);
    assert_string_equal(csc_item_access_user(f, 0), "alice");
    assert_false(access_as(cache, "bob", false, f));
    assert_true(access_as(cache, "alice", false, f));

    /* On an item without a list, a failed set leaves it without one. */
    csc_item_t *share = csc_item_parent(f);
    assert_int_equal(csc_item_set_access(cache, share, empty_name, 2), CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_false(csc_item_access(share, NULL));
    assert_true(access_as(cache, "bob", false, share));
    csc_cache_free(cache);
}

/* A bad name is refused as E_INVALIDARG before anything is allocated: the
 * answer does not depend on memory (with every allocation failing, a bad
 * name still gives E_INVALIDARG, a good one E_OUTOFMEMORY). */
static void test_bad_names_refused_before_allocating(void **state)
{
    (void)state;
    csc_test_alloc_t al = {0};
    csc_cache_t *cache = csc_test_cache_new_alloc(&al);
    csc_item_t *f = csc_test_file(cache, "\\\\srv\\share\\f", 1);
    al.count = 0;
    al.fail_at = 1; /* the next allocation fails */
    const char *bad_utf8[] = {"bob", "x\xC0\xAFy"}; /* an overlong '/' */
    assert_int_equal(csc_item_set_access(cache, f, bad_utf8, 2), CSC_E_INVALIDARG);
    /* C14.4: a lone surrogate is a valid name, a pair in two halves is not. */
    assert_int_equal(csc_cache_set_caller(cache, "\xED\xA0\x80\xED\xB0\x80", false),
                     CSC_E_INVALIDARG);
    assert_false(al.failed); /* nothing was even tried */
    const char *good[] = {"bob"};
    assert_int_equal(csc_item_set_access(cache, f, good, 1), CSC_E_OUTOFMEMORY);
    assert_true(al.failed);
    al.fail_at = 0;
    assert_cache_ok(cache);
    assert_false(csc_item_access(f, NULL));
    bool admin = true;
    assert_string_equal(csc_cache_caller(cache, &admin), "user");
    assert_false(admin);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_source_values),
        cmocka_unit_test(test_each_pin_source_through_its_flag),
        cmocka_unit_test(test_several_sources_side_by_side),
        cmocka_unit_test(test_server_carries_no_pin_state),
        cmocka_unit_test(test_pin_state_is_machine_wide),
        cmocka_unit_test(test_partly_pinned_follows_pins_and_unpins),
        cmocka_unit_test(test_partly_pinned_after_inherited_arrival),
        cmocka_unit_test(test_modify_and_synchronize),
        cmocka_unit_test(test_modify_container_is_invalid),
        cmocka_unit_test(test_open_close_counts),
        cmocka_unit_test(test_open_container_is_invalid),
        cmocka_unit_test(test_pin_touches_unpin_does_not),
        cmocka_unit_test(test_evictable_file_every_combination),
        cmocka_unit_test(test_evictable_containers),
        cmocka_unit_test(test_access_own_inherited_and_nearest_list),
        cmocka_unit_test(test_access_replace_remove_and_empty_list),
        cmocka_unit_test(test_access_admin_gets_no_more),
        cmocka_unit_test(test_access_user_names_case_insensitive),
        cmocka_unit_test(test_set_caller_rejects_empty_name),
        cmocka_unit_test(test_set_access_rejects_bad_names_keeps_old_list),
        cmocka_unit_test(test_bad_names_refused_before_allocating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
