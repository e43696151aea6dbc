/*
 * tests/test_pin__inherit.c: Pin and the inherit bits. C3.3 a deep pin sets
 * the sources on the whole subtree and inherit bits on every container (not
 * files, not servers); items arriving below an inheriting parent arrive
 * pinned, containers with inherit, missing ancestors included; only the
 * immediate parent counts; shares below a deep-pinned server arrive unpinned.
 * C3.4 a shallow pin pins the container alone and sets or clears no inherit
 * bit. C7.2 a path not cached fails with 0x80070002. C3.2 WMI values 0/1/2.
 * C5.4 pinning touches, unpinning does not. C4.5 step 5 a deep unpin clears
 * the inherit bits of the chosen sources only.
 */
#include "support.h"
#include "events.h"

#include <string.h>

#define SRV "\\\\srv"
#define SH "\\\\srv\\share"
#define USER CSC_PIN_FLAG_FOR_USER
#define POLICY CSC_PIN_FLAG_FOR_USER_POLICY
#define ALL CSC_PIN_FLAG_FOR_ALL
#define REDIR CSC_PIN_FLAG_FOR_REDIR

/* Asserts pins and inherit bits of a path. */
#define assert_state(cache, path, p, i)                              \
    do {                                                             \
        assert_int_equal(csc_test_pins_of((cache), (path)), (p));    \
        assert_int_equal(csc_test_inherit_of((cache), (path)), (i)); \
    } while (0)

/*   \\srv\share\dir\sub\f.txt, \\srv\share\dir\g.txt, \\srv\share\h.txt,
 *   \\srv\share\empty\ */
static csc_cache_t *tree_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\dir\\sub\\f.txt", 1);
    csc_test_file(cache, SH "\\dir\\g.txt", 2);
    csc_test_file(cache, SH "\\h.txt", 3);
    csc_test_dir(cache, SH "\\empty");
    return cache;
}

/* C3.3: deep pin of a share: the sources on every item, inherit bits on every
 * container, none on files; the server above is untouched. */
static void test_c3_3_deep_pin_sets_sources_and_inherit(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, SH, USER | ALL, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\g.txt"),
                  ITEM_OK(SH "\\dir\\sub"), ITEM_OK(SH "\\dir\\sub\\f.txt"),
                  ITEM_OK(SH "\\empty"), ITEM_OK(SH "\\h.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_state(cache, SH, USER | ALL, USER | ALL);
    assert_state(cache, SH "\\dir", USER | ALL, USER | ALL);
    assert_state(cache, SH "\\dir\\sub", USER | ALL, USER | ALL);
    assert_state(cache, SH "\\empty", USER | ALL, USER | ALL);
    assert_state(cache, SH "\\dir\\g.txt", USER | ALL, 0);
    assert_state(cache, SH "\\dir\\sub\\f.txt", USER | ALL, 0);
    assert_state(cache, SH "\\h.txt", USER | ALL, 0);
    assert_state(cache, SRV, 0, 0);
    assert_true(csc_item_is_partly_pinned(csc_test_find(cache, SRV)));

    /* A second deep pin of another source adds to both. */
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", REDIR, true, NULL), CSC_S_OK);
    assert_state(cache, SH "\\dir", USER | ALL | REDIR, USER | ALL | REDIR);
    assert_state(cache, SH "\\dir\\sub\\f.txt", USER | ALL | REDIR, 0);
    assert_state(cache, SH, USER | ALL, USER | ALL);
    csc_cache_free(cache);
}

/* C3.3 + C3.1: a deep pin of a server pins its shares and below (with
 * inherit on the shares), never the server itself, which gets S_OK. */
static void test_c3_3_deep_pin_of_server(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_dir(cache, SRV "\\other");
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, SRV, POLICY, true, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), ITEM_OK(SRV "\\other"), ITEM_OK(SH),
                  ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\g.txt"), ITEM_OK(SH "\\dir\\sub"),
                  ITEM_OK(SH "\\dir\\sub\\f.txt"), ITEM_OK(SH "\\empty"), ITEM_OK(SH "\\h.txt"),
                  EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_item_t *srv = csc_test_find(cache, SRV);
    assert_state(cache, SRV, 0, 0);
    assert_false(csc_item_is_pinned(srv));
    assert_int_equal(csc_item_pin_wmi(srv, CSC_PIN_SOURCE_POLICY), CSC_PIN_WMI_NOT_PINNED);
    assert_state(cache, SRV "\\other", POLICY, POLICY);
    assert_state(cache, SH, POLICY, POLICY);
    assert_state(cache, SH "\\h.txt", POLICY, 0);

    /* C3.3: a share cached later below the deep-pinned server arrives
     * unpinned, and so does what is cached with it. */
    csc_test_file(cache, SRV "\\late\\x.txt", 1);
    csc_test_dir(cache, SRV "\\late2");
    assert_state(cache, SRV "\\late", 0, 0);
    assert_state(cache, SRV "\\late\\x.txt", 0, 0);
    assert_state(cache, SRV "\\late2", 0, 0);
    /* A shallow server pin: S_OK, nothing. */
    assert_int_equal(csc_test_pin1(cache, SRV, USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_state(cache, SRV, 0, 0);
    assert_state(cache, SRV "\\late", 0, 0);
    csc_cache_free(cache);
}

/* C3.3: items cached below an inheriting container arrive pinned for the
 * inherited sources; containers arrive with the inherit bits too, also the
 * missing ancestors created on the way. */
static void test_c3_3_new_items_inherit_on_arrival(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", USER | REDIR, true, NULL), CSC_S_OK);

    csc_item_t *n = csc_test_file(cache, SH "\\dir\\new.txt", 1);
    assert_int_equal(csc_item_pins(n), USER | REDIR);
    assert_int_equal(csc_item_inherit(n), 0);

    csc_test_dir(cache, SH "\\dir\\newdir");
    assert_state(cache, SH "\\dir\\newdir", USER | REDIR, USER | REDIR);

    /* Missing ancestors m1 and m2 are created pinned and inheriting. */
    csc_test_file(cache, SH "\\dir\\m1\\m2\\f.txt", 1);
    assert_state(cache, SH "\\dir\\m1", USER | REDIR, USER | REDIR);
    assert_state(cache, SH "\\dir\\m1\\m2", USER | REDIR, USER | REDIR);
    assert_state(cache, SH "\\dir\\m1\\m2\\f.txt", USER | REDIR, 0);
    assert_int_equal(csc_item_pin_wmi(csc_test_find(cache, SH "\\dir\\m1"),
                                      CSC_PIN_SOURCE_REDIRECT),
                     CSC_PIN_WMI_PINNED_INHERIT);

    /* Deeper below a newly arrived container: inherits in turn. */
    csc_test_file(cache, SH "\\dir\\newdir\\x\\y.txt", 1);
    assert_state(cache, SH "\\dir\\newdir\\x", USER | REDIR, USER | REDIR);
    assert_state(cache, SH "\\dir\\newdir\\x\\y.txt", USER | REDIR, 0);

    /* Outside dir: nothing. */
    csc_test_file(cache, SH "\\outside.txt", 1);
    assert_state(cache, SH "\\outside.txt", 0, 0);
    csc_cache_free(cache);
}

/* C3.3: only the immediate parent's bits count: below a parent without
 * inherit bits nothing arrives pinned, whatever the grandparent has; below
 * a parent inheriting some sources only those arrive. */
static void test_c3_3_only_immediate_parent_counts(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    assert_int_equal(csc_test_pin1(cache, SH, USER | ALL, true, NULL), CSC_S_OK);
    /* dir: clear its bits (deep unpin of dir clears dir's inherit). */
    assert_int_equal(csc_test_unpin1(cache, SH "\\dir", USER | ALL, true, NULL), CSC_S_OK);
    assert_state(cache, SH "\\dir", 0, 0);
    assert_state(cache, SH, USER | ALL, USER | ALL);

    csc_test_file(cache, SH "\\dir\\a.txt", 1);
    assert_state(cache, SH "\\dir\\a.txt", 0, 0);
    csc_test_file(cache, SH "\\dir\\e\\f.txt", 1);
    assert_state(cache, SH "\\dir\\e", 0, 0);
    assert_state(cache, SH "\\dir\\e\\f.txt", 0, 0);

    /* The deep unpin of dir cleared sub too. Give sub ALL only, deep: a new
     * file in sub gets ALL, not the USER|ALL the share inherits. */
    assert_int_equal(csc_test_pin1(cache, SH "\\dir\\sub", ALL, true, NULL), CSC_S_OK);
    csc_test_file(cache, SH "\\dir\\sub\\n.txt", 1);
    assert_state(cache, SH "\\dir\\sub\\n.txt", ALL, 0);

    /* A parent pinned shallow (no inherit) passes nothing on. */
    assert_int_equal(csc_test_pin1(cache, SH "\\dir\\e", REDIR, false, NULL), CSC_S_OK);
    assert_state(cache, SH "\\dir\\e", REDIR, 0);
    csc_test_file(cache, SH "\\dir\\e\\q.txt", 1);
    assert_state(cache, SH "\\dir\\e\\q.txt", 0, 0);

    /* A new dir directly below the share inherits the share's bits. */
    csc_test_dir(cache, SH "\\dir2");
    assert_state(cache, SH "\\dir2", USER | ALL, USER | ALL);
    csc_cache_free(cache);
}

/* C3.4: a shallow pin of a container pins it alone (not its files either),
 * sets no inherit bit and clears none. */
static void test_c3_4_shallow_pin_container_alone(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_state(cache, SH "\\dir", USER, 0);
    assert_state(cache, SH "\\dir\\g.txt", 0, 0);
    assert_state(cache, SH "\\dir\\sub", 0, 0);
    assert_int_equal(csc_item_pin_wmi(csc_test_find(cache, SH "\\dir"), CSC_PIN_SOURCE_USER),
                     CSC_PIN_WMI_PINNED);
    /* No inherit: a new file below arrives unpinned. */
    csc_test_file(cache, SH "\\dir\\later.txt", 1);
    assert_state(cache, SH "\\dir\\later.txt", 0, 0);

    /* Clears none: deep ALL, then shallow ALL|USER keeps inherit ALL only. */
    assert_int_equal(csc_test_pin1(cache, SH, ALL, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH, ALL | USER, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_state(cache, SH, ALL | USER, ALL);
    assert_state(cache, SH "\\h.txt", ALL, 0);

    /* Shallow pin of a file: the file. */
    assert_int_equal(csc_test_pin1(cache, SH "\\h.txt", POLICY, false, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\h.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_state(cache, SH "\\h.txt", ALL | POLICY, 0);
    csc_cache_free(cache);
}

/* C7.2 + C4.3: pinning a path that is not cached fails for that path with
 * 0x80070002 (the path as given), caches nothing, and the call goes on; an
 * invalid path fails with 0x8007007B. C4.7 return values. */
static void test_c7_2_pin_uncached_path(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    size_t count = csc_cache_item_count(cache);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, "//srv/share/dir/nothere.txt", USER, true, &rec),
                     CSC_E_FILE_NOT_FOUND);
    assert_events(&rec, EV_BEGIN, IB("//srv/share/dir/nothere.txt"),
                  R_NF("//srv/share/dir/nothere.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_cache_item_count(cache), count);
    assert_int_equal(csc_test_pin1(cache, "\\\\nosrv", USER, false, NULL), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_test_pin1(cache, "\\\\srv\\share\\a*b", USER, false, NULL),
                     CSC_E_INVALID_NAME);

    const char *p[] = {SH "\\missing", "\\\\srv\\share\\a*b", SH "\\h.txt"};
    assert_int_equal(csc_pin(cache, p, 3, ALL, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(SH "\\missing"), R_NF(SH "\\missing"),
                  IB("\\\\srv\\share\\a*b"), R_BAD("\\\\srv\\share\\a*b"), ITEM_OK(SH "\\h.txt"),
                  EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_cache_item_count(cache), count);
    assert_state(cache, SH "\\h.txt", ALL, 0);
    csc_cache_free(cache);
}

/* C3.2: the WMI value of each source: 0 not pinned, 1 pinned, 2 pinned
 * inherit; per source. */
static void test_c3_2_wmi_pin_values(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", ALL, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", USER, false, NULL), CSC_S_OK);
    csc_item_t *dir = csc_test_find(cache, SH "\\dir");
    csc_item_t *g = csc_test_find(cache, SH "\\dir\\g.txt");
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_COMPUTER), 2);
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_USER), 1);
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_POLICY), 0);
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_REDIRECT), 0);
    assert_int_equal(csc_item_pin_wmi(g, CSC_PIN_SOURCE_COMPUTER), 1);
    assert_int_equal(csc_item_pin_wmi(g, CSC_PIN_SOURCE_USER), 0);
    assert_int_equal(csc_item_pin_wmi(csc_test_find(cache, SH), CSC_PIN_SOURCE_COMPUTER), 0);
    assert_int_equal(csc_item_pin_wmi(csc_test_find(cache, SRV), CSC_PIN_SOURCE_COMPUTER), 0);
    /* After a deep unpin of ALL: 0 again. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\dir", ALL, true, NULL), CSC_S_OK);
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_COMPUTER), 0);
    assert_int_equal(csc_item_pin_wmi(dir, CSC_PIN_SOURCE_USER), 1);
    assert_int_equal(csc_item_pin_wmi(g, CSC_PIN_SOURCE_COMPUTER), 0);
    csc_cache_free(cache);
}

/* C5.4: pinning touches every item it pins (last use = clock), also an item
 * already pinned; unpinning touches nothing; items arriving pinned carry
 * the clock of their caching. */
static void test_c5_4_pin_touches_unpin_does_not(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    static const char *const items[] = {SH, SH "\\dir", SH "\\dir\\g.txt", SH "\\dir\\sub",
                                        SH "\\dir\\sub\\f.txt", SH "\\empty", SH "\\h.txt"};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(csc_item_last_use(csc_test_find(cache, items[i])), 0);
    assert_int_equal(csc_cache_advance_clock(cache, 5), CSC_S_OK);
    assert_int_equal(csc_cache_clock(cache), 5);
    assert_int_equal(csc_test_pin1(cache, SH, USER, true, NULL), CSC_S_OK);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(csc_item_last_use(csc_test_find(cache, items[i])), 5);

    assert_int_equal(csc_cache_advance_clock(cache, 10), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, NULL), CSC_S_OK);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(csc_item_last_use(csc_test_find(cache, items[i])), 5);

    /* Shallow pin: the container alone is touched. */
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\dir")), 15);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\dir\\g.txt")), 5);
    /* Pinning again an already pinned item touches it again. */
    assert_int_equal(csc_cache_advance_clock(cache, 1), CSC_S_OK);
    assert_int_equal(csc_test_pin1(cache, SH "\\dir", USER, false, NULL), CSC_S_OK);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\dir")), 16);

    /* Arrival below an inheriting container: last use = clock of caching. */
    assert_int_equal(csc_test_pin1(cache, SH "\\empty", ALL, true, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(cache, 4), CSC_S_OK);
    csc_item_t *x = csc_test_file(cache, SH "\\empty\\x.txt", 1);
    assert_int_equal(csc_item_pins(x), ALL);
    assert_int_equal(csc_item_last_use(x), 20);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\empty")), 16);
    csc_cache_free(cache);
}

/* C4.5 step 5: a deep unpin clears the pinned AND inherit bits of the chosen
 * sources only; new items then inherit only what is left. A shallow unpin
 * clears the container's inherit bits of the chosen sources too. */
static void test_c4_5_deep_unpin_clears_chosen_inherit_bits(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    assert_int_equal(csc_test_pin1(cache, SH, USER | ALL | POLICY, true, NULL), CSC_S_OK);
    assert_int_equal(csc_test_unpin1(cache, SH, USER, true, NULL), CSC_S_OK);
    assert_state(cache, SH, ALL | POLICY, ALL | POLICY);
    assert_state(cache, SH "\\dir\\sub", ALL | POLICY, ALL | POLICY);
    assert_state(cache, SH "\\dir\\sub\\f.txt", ALL | POLICY, 0);
    csc_test_file(cache, SH "\\dir\\sub\\new.txt", 1);
    assert_state(cache, SH "\\dir\\sub\\new.txt", ALL | POLICY, 0);
    assert_int_equal(csc_item_pin_wmi(csc_test_find(cache, SH "\\dir"), CSC_PIN_SOURCE_USER), 0);
    assert_int_equal(
        csc_item_pin_wmi(csc_test_find(cache, SH "\\dir"), CSC_PIN_SOURCE_COMPUTER), 2);

    /* Shallow unpin of dir, POLICY: dir loses POLICY pin and inherit; its
     * file g.txt loses POLICY; sub keeps it. */
    assert_int_equal(csc_test_unpin1(cache, SH "\\dir", POLICY, false, NULL), CSC_S_OK);
    assert_state(cache, SH "\\dir", ALL, ALL);
    assert_state(cache, SH "\\dir\\g.txt", ALL, 0);
    assert_state(cache, SH "\\dir\\sub", ALL | POLICY, ALL | POLICY);
    csc_test_file(cache, SH "\\dir\\n2.txt", 1);
    assert_state(cache, SH "\\dir\\n2.txt", ALL, 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c3_3_deep_pin_sets_sources_and_inherit),
        cmocka_unit_test(test_c3_3_deep_pin_of_server),
        cmocka_unit_test(test_c3_3_new_items_inherit_on_arrival),
        cmocka_unit_test(test_c3_3_only_immediate_parent_counts),
        cmocka_unit_test(test_c3_4_shallow_pin_container_alone),
        cmocka_unit_test(test_c7_2_pin_uncached_path),
        cmocka_unit_test(test_c3_2_wmi_pin_values),
        cmocka_unit_test(test_c5_4_pin_touches_unpin_does_not),
        cmocka_unit_test(test_c4_5_deep_unpin_clears_chosen_inherit_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
