/*
 * tests/test_snapshot__roundtrip.c: a loaded snapshot is indistinguishable
 * from the saved cache (issue 15, point 1): the same answers from every
 * getter (csc_test_dump), the same eviction order (evict all, with an
 * eviction recorder on both), the same events for the same calls (a deep
 * unpin and a deep pin with the event recorder), and saving it again gives
 * the same bytes. A fixture with every kind of state (display names as
 * first cached, Unicode, pins of every source deep and shallow, dirty with
 * and without bytes, open handles, sharing violations, access lists, an
 * administrator caller, the clock, limits, policy), then a differential
 * test over many seeded random states. Also: files (csc_cache_save /
 * csc_cache_load), load replaces the whole state and keeps the eviction
 * callback, save from inside a callback, load refused there (C14.5), the
 * scenario commands save and load, and a recording that replays them.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remote/remote.h"
#include "remote_support.h"
#include "snapshot.h"
#include "remote/fstate.h"

/* ---- an eviction recorder without a size limit ----------------------------- */

typedef struct evictions {
    size_t n;
    char *paths[512];
} evictions_t;

static void on_evict(void *ud, const char *path, uint64_t size)
{
    evictions_t *e = ud;
    if (e->n < 512) {
        size_t len = strlen(path) + 32;
        e->paths[e->n] = malloc(len);
        snprintf(e->paths[e->n], len, "%s=%llu", path, (unsigned long long)size);
        e->n++;
    }
}

static void evictions_clear(evictions_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->paths[i]);
    e->n = 0;
}

/* Evicts everything from both caches and asserts the same order. */
static void assert_same_evictions(csc_cache_t *a, csc_cache_t *b, size_t *total)
{
    evictions_t ea = {0}, eb = {0};
    assert_int_equal(csc_cache_set_evict_callback(a, on_evict, &ea), CSC_S_OK);
    assert_int_equal(csc_cache_set_evict_callback(b, on_evict, &eb), CSC_S_OK);
    size_t ca = 0, cb = 0;
    assert_int_equal(csc_cache_evict(a, true, 0, NULL, &ca), CSC_S_OK);
    assert_int_equal(csc_cache_evict(b, true, 0, NULL, &cb), CSC_S_OK);
    assert_int_equal(ca, cb);
    assert_int_equal(ea.n, eb.n);
    for (size_t i = 0; i < ea.n; i++)
        assert_string_equal(ea.paths[i], eb.paths[i]);
    *total += ea.n;
    evictions_clear(&ea);
    evictions_clear(&eb);
    assert_cache_ok(a);
    assert_cache_ok(b);
}

/* The cache's dump and the remote side's (section 3: remote records,
 * implicit twins, connectivity records). */
static void assert_same_dump(const csc_cache_t *a, const csc_cache_t *b)
{
    char *da = csc_test_remote_dump(a), *db = csc_test_remote_dump(b);
    if (strcmp(da, db) != 0)
        print_error("saved:\n%s\nloaded:\n%s\n", da, db);
    assert_string_equal(da, db);
    free(da);
    free(db);
}

/* Every remote getter gives the same answers on both for `path`. */
static void assert_same_answers(const csc_cache_t *a, const csc_cache_t *b, const char *path)
{
    csc_item_type_t ta = 0, tb = 0;
    uint64_t sa = 0, sb = 0, va = 0, vb = 0, la = 0, lb = 0;
    assert_int_equal(csc_remote_item(a, path, &ta, &sa, &va, &la),
                     csc_remote_item(b, path, &tb, &sb, &vb, &lb));
    assert_true(ta == tb && sa == sb && va == vb && la == lb);
    csc_caching_mode_t ma = 0, mb = 0;
    assert_int_equal(csc_remote_caching_mode(a, path, &ma), csc_remote_caching_mode(b, path, &mb));
    assert_int_equal(ma, mb);
    csc_network_t na = 0, nb = 0;
    assert_int_equal(csc_remote_network(a, path, &na), csc_remote_network(b, path, &nb));
    assert_int_equal(na, nb);
    csc_connect_state_t csa = 0, csb = 0;
    csc_offline_reason_t ra = 0, rb = 0;
    assert_int_equal(csc_connect_state(a, path, &csa, &ra), csc_connect_state(b, path, &csb, &rb));
    assert_true(csa == csb && ra == rb);
    bool ca = false, cb = false;
    assert_int_equal(csc_is_path_cacheable(a, path, &ca, &ma),
                     csc_is_path_cacheable(b, path, &cb, &mb));
    assert_true(ca == cb && ma == mb);
}

/* Saves `a` and loads the snapshot into a new cache. */
static csc_cache_t *copy_of(const csc_cache_t *a, void **data, size_t *size)
{
    assert_int_equal(csc_cache_save_buffer(a, data, size), CSC_S_OK);
    csc_cache_t *b = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(b, *data, *size), CSC_S_OK);
    assert_cache_ok(b);
    return b;
}

/* Runs the same deep call on both with the event recorder: same result,
 * same events, same state after. */
static void assert_same_call(csc_cache_t *a, csc_cache_t *b, const char *path, bool pin,
                             uint32_t flags)
{
    csc_test_recorder_t ra, rb;
    csc_test_recorder_init(&ra);
    csc_test_recorder_init(&rb);
    csc_hresult ha = pin ? csc_test_pin1(a, path, flags, true, &ra)
                         : csc_test_unpin1(a, path, flags, true, &ra);
    csc_hresult hb = pin ? csc_test_pin1(b, path, flags, true, &rb)
                         : csc_test_unpin1(b, path, flags, true, &rb);
    assert_int_equal(ha, hb);
    assert_int_equal(ra.count, rb.count);
    for (size_t i = 0; i < ra.count; i++)
        assert_string_equal(ra.events[i], rb.events[i]);
    csc_test_recorder_clear(&ra);
    csc_test_recorder_clear(&rb);
    assert_same_dump(a, b);
}

/* ---- the fixture ------------------------------------------------------------ */

static const uint32_t ALL = CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_USER_POLICY |
                            CSC_PIN_FLAG_FOR_ALL | CSC_PIN_FLAG_FOR_REDIR;

static csc_cache_t *fixture(void)
{
    csc_cache_t *c = csc_test_cache_new();
    csc_test_file(c, "\\\\Server\\Share\\Docs\\Report.TXT", 1000);
    csc_test_file(c, "\\\\server\\SHARE\\docs\\b.txt", 20); /* names as first cached */
    csc_test_file(c, "\\\\Server\\Share\\Ünïcödé\\Straße.doc", 300);
    csc_test_file(c, "\\\\Server\\Share\\empty.dat", 0);
    csc_test_dir(c, "\\\\Server\\Share\\EmptyDir");
    csc_test_dir(c, "\\\\Other");
    csc_test_dir(c, "\\\\Other\\pub");
    csc_test_advance_to(c, 5);
    csc_test_file(c, "\\\\Other\\pub\\x\\y\\z\\deep.bin", 123456789);
    csc_test_file(c, "\\\\Other\\pub\\x\\y\\z\\deeper.bin", 7);
    csc_test_pin1_ok(c, "\\\\Server\\Share\\Docs", CSC_PIN_FLAG_FOR_USER, true);
    csc_test_pin1_ok(c, "\\\\Other\\pub\\x", CSC_PIN_FLAG_FOR_ALL | CSC_PIN_FLAG_FOR_REDIR,
                     false);
    csc_test_pin1_ok(c, "\\\\Other\\pub\\x\\y\\z\\deep.bin", CSC_PIN_FLAG_FOR_USER_POLICY, false);
    csc_test_advance_to(c, 9);
    csc_item_t *it = csc_test_find(c, "\\\\Server\\Share\\Docs\\b.txt");
    assert_int_equal(csc_item_modify(c, it, 0), CSC_S_OK); /* dirty, no bytes */
    it = csc_test_find(c, "\\\\Server\\Share\\empty.dat");
    assert_int_equal(csc_item_modify(c, it, 77), CSC_S_OK);
    it = csc_test_find(c, "\\\\Server\\Share\\Ünïcödé\\Straße.doc");
    assert_int_equal(csc_item_open(c, it), CSC_S_OK);
    assert_int_equal(csc_item_open(c, it), CSC_S_OK);
    csc_test_pin1_ok(c, "\\\\Server\\Share\\Ünïcödé", CSC_PIN_FLAG_FOR_USER, true); /* a violation */
    csc_test_unpin1_ok(c, "\\\\Server\\Share\\Ünïcödé", CSC_PIN_FLAG_FOR_USER, true);
    assert_int_equal(csc_item_sharing_violations(it), 2);
    csc_test_set_access(c, "\\\\Server\\Share\\Docs", (const char *[]){"Alice", "bob"}, 2);
    csc_test_set_access(c, "\\\\Other\\pub\\x\\y", (const char *[]){"Ådmin"}, 1);
    csc_test_set_access(c, "\\\\Server\\Share\\EmptyDir", (const char *[]){NULL}, 0);
    csc_test_advance_to(c, 12);
    it = csc_test_find(c, "\\\\Server\\Share\\Docs\\Report.TXT");
    assert_int_equal(csc_item_touch(c, it), CSC_S_OK);
    csc_test_set_limits(c, 1u << 30, 1u << 29);
    csc_test_set_policy(c, CSC_EVICT_AUTOMATIC);
    assert_int_equal(csc_cache_set_caller(c, "ALICE", true), CSC_S_OK);
    /* The remote side (section 3, C10): remote-only items, a remote write
     * (a twin made a record) and deletes, share modes, network down and
     * slow, a forced offline share and a slow override. */
    assert_int_equal(csc_remote_file(c, "\\\\Server\\Share\\Docs\\remote-only.txt", true, 55),
                     CSC_S_OK);
    assert_int_equal(csc_remote_dir(c, "\\\\Server\\Share\\RemoteDir\\Sub"), CSC_S_OK);
    assert_int_equal(csc_remote_dir(c, "\\\\Remote\\only"), CSC_S_OK);
    csc_test_advance_to(c, 14);
    assert_int_equal(csc_remote_write(c, "\\\\Server\\Share\\Docs\\Report.TXT", true, 1001),
                     CSC_S_OK);
    assert_int_equal(csc_remote_delete(c, "\\\\Server\\Share\\empty.dat"), CSC_S_OK);
    assert_int_equal(csc_remote_delete(c, "\\\\Server\\Share\\Ünïcödé"), CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\Server\\Share", CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\Other\\pub", CSC_CACHING_MODE_NOCACHING),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\Other", CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\Server", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_transition_online(c, "\\\\Server\\Share", 0), CSC_S_OK); /* override */
    assert_int_equal(csc_remote_dir(c, "\\\\Third\\s"), CSC_S_OK);
    bool open_files = false;
    assert_int_equal(csc_transition_offline(c, "\\\\Third\\s", true, 0, &open_files), CSC_S_OK);
    assert_cache_ok(c);
    return c;
}

/* Paths the getters are asked about: cached, remote-only, deleted, none. */
static const char *const fixture_paths[] = {
    "\\\\Server", "\\\\Server\\Share", "\\\\Server\\Share\\Docs\\Report.TXT",
    "\\\\server\\share\\docs\\B.TXT", "\\\\Server\\Share\\Docs\\remote-only.txt",
    "\\\\Server\\Share\\RemoteDir\\Sub", "\\\\Server\\Share\\empty.dat",
    "\\\\Server\\Share\\Ünïcödé\\Straße.doc", "\\\\Other", "\\\\Other\\pub",
    "\\\\Other\\pub\\x\\y\\z\\deep.bin", "\\\\Remote\\only", "\\\\Third\\s",
    "\\\\Third", "\\\\Nowhere\\x", "\\\\Server\\Share\\EmptyDir",
};

static void test_fixture_round_trip(void **state)
{
    (void)state;
    csc_cache_t *a = fixture();
    void *data, *again;
    size_t size, again_size;
    csc_cache_t *b = copy_of(a, &data, &size);
    assert_same_dump(a, b);
    bool admin = false;
    assert_string_equal(csc_cache_caller(b, &admin), "ALICE");
    assert_true(admin);
    assert_int_equal(csc_cache_clock(b), 14);
    assert_int_equal(csc_cache_policy(b), CSC_EVICT_AUTOMATIC);
    for (size_t i = 0; i < sizeof fixture_paths / sizeof fixture_paths[0]; i++)
        assert_same_answers(a, b, fixture_paths[i]);
    /* The remote side's shape as saved: Report.TXT's twin a record
     * (version 2), b.txt's implicit, empty.dat's gone, Other down. */
    uint64_t version = 0;
    assert_int_equal(csc_remote_item(b, "\\\\Server\\Share\\Docs\\Report.TXT", NULL, NULL,
                                     &version, NULL),
                     CSC_S_OK);
    assert_int_equal(version, 2);
    assert_true(csc__hot(csc_test_find(b, "\\\\Server\\Share\\Docs\\b.txt"))->flags & CSC__F_TWIN);
    assert_false(csc_test_remote_exists(b, "\\\\Server\\Share\\empty.dat"));
    csc_network_t net = CSC_NETWORK_UP;
    assert_int_equal(csc_remote_network(b, "\\\\Other", &net), CSC_S_OK);
    assert_int_equal(net, CSC_NETWORK_DOWN);
    /* Saving the loaded cache gives the same bytes. */
    assert_int_equal(csc_cache_save_buffer(b, &again, &again_size), CSC_S_OK);
    assert_int_equal(size, again_size);
    assert_memory_equal(data, again, size);
    csc_snapshot_free(again);

    /* The same events for the same calls, then the same eviction order. */
    assert_same_call(a, b, "\\\\Server\\Share", false, ALL);
    assert_same_call(a, b, "\\\\Other\\pub", true, CSC_PIN_FLAG_FOR_USER);
    assert_same_call(a, b, "\\\\Other", false, ALL);
    size_t evicted = 0;
    assert_same_evictions(a, b, &evicted);
    assert_true(evicted >= 2);
    assert_same_dump(a, b);
    csc_cache_free(a);
    csc_cache_free(b);

    /* The eviction order of the untouched state too. */
    a = fixture();
    b = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(b, data, size), CSC_S_OK);
    csc_test_unpin1_ok(a, "\\\\Server\\Share\\Docs", ALL, true);
    csc_test_unpin1_ok(b, "\\\\Server\\Share\\Docs", ALL, true);
    evicted = 0;
    assert_same_evictions(a, b, &evicted);
    assert_true(evicted >= 3);
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* An empty cache round-trips too (the default caller, no items). */
static void test_empty_cache(void **state)
{
    (void)state;
    csc_cache_t *a = csc_test_cache_new();
    void *data;
    size_t size;
    csc_cache_t *b = copy_of(a, &data, &size);
    assert_same_dump(a, b);
    assert_int_equal(csc_cache_item_count(b), 0);
    assert_null(csc_cache_first_server(b));
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Section 3 is written only when the remote side holds something: a cache
 * without remote state keeps the bytes of before (two sections). A
 * snapshot without it (such an old file) loads with an empty remote side. */
static void test_without_remote_section(void **state)
{
    (void)state;
    csc_cache_t *a = csc_test_cache_new();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(a, &data, &size), CSC_S_OK);
    assert_int_equal(le32((unsigned char *)data + 12), 2);
    csc_snapshot_free(data);
    csc_cache_free(a);

    a = fixture();
    assert_int_equal(csc_cache_save_buffer(a, &data, &size), CSC_S_OK);
    unsigned char *d = data;
    /* settings, items, remote, section 5 (modify's local change times) and
     * section 6 (the fixture's shallow Pin of a directory left a pending
     * deep pin, C15.20) */
    assert_int_equal(le32(d + 12), 5);
    /* Cut section 3 out: settings, items, then the remote section. */
    size_t off = 24 + 16 + (size_t)le64(d + 24 + 8);
    off += 16 + (size_t)le64(d + off + 8);
    assert_int_equal(le32(d + off), 3);
    size_t cut = 16 + (size_t)le64(d + off + 8);
    size_t n = size - cut;
    unsigned char *old = malloc(n);
    memcpy(old, d, off);
    memcpy(old + off, d + off + cut, size - off - cut);
    old[12] = 4;
    for (int i = 0; i < 8; i++)
        old[16 + i] = (unsigned char)((uint64_t)n >> (8 * i));
    csc__snapshot_seal(old, n);
    csc_cache_t *b = csc_test_cache_new();
    csc_test_file(b, "\\\\Mine\\s\\f", 1);
    assert_int_equal(csc_cache_load_buffer(b, old, n), CSC_S_OK);
    assert_cache_ok(b);
    char *da = csc_test_dump(a), *db = csc_test_dump(b);
    assert_string_equal(da, db); /* the cache side as saved */
    free(da);
    free(db);
    assert_false(csc_test_remote_exists(b, "\\\\Server\\Share\\Docs\\b.txt"));
    assert_false(csc_test_remote_exists(b, "\\\\Mine\\s\\f"));
    csc_network_t net = CSC_NETWORK_DOWN;
    assert_int_equal(csc_remote_network(b, "\\\\Other", &net), CSC_S_OK);
    assert_int_equal(net, CSC_NETWORK_UP);
    /* Saved again: the same sections (no remote one), the same bytes. */
    void *again;
    size_t again_size;
    assert_int_equal(csc_cache_save_buffer(b, &again, &again_size), CSC_S_OK);
    assert_int_equal(again_size, n);
    assert_memory_equal(again, old, n);
    csc_snapshot_free(again);
    free(old);
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* Load replaces everything the target had; its callback stays. */
static void test_load_replaces_state(void **state)
{
    (void)state;
    csc_cache_t *a = fixture();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(a, &data, &size), CSC_S_OK);
    evictions_t e = {0};
    csc_cache_t *b = csc_test_cache_new();
    assert_int_equal(csc_cache_set_evict_callback(b, on_evict, &e), CSC_S_OK);
    csc_test_file(b, "\\\\Gone\\share\\f.txt", 5);
    csc_test_pin1_ok(b, "\\\\Gone\\share", CSC_PIN_FLAG_FOR_USER, true);
    csc_test_set_access(b, "\\\\Gone\\share\\f.txt", (const char *[]){"x"}, 1);
    csc_test_advance_to(b, 100);
    assert_int_equal(csc_cache_load_buffer(b, data, size), CSC_S_OK);
    assert_cache_ok(b);
    assert_false(csc_test_cached(b, "\\\\Gone"));
    assert_same_dump(a, b);
    csc_evict_cb cb = NULL;
    void *ud = NULL;
    csc_cache_evict_callback(b, &cb, &ud);
    assert_ptr_equal(cb, on_evict);
    assert_ptr_equal(ud, &e);
    /* Loading again into the loaded cache. */
    assert_int_equal(csc_cache_load_buffer(b, data, size), CSC_S_OK);
    assert_same_dump(a, b);
    assert_int_equal(csc_cache_evict(b, true, 0, NULL, NULL), CSC_S_OK);
    assert_true(e.n > 0);
    evictions_clear(&e);
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* The file forms: save, load, same state; save over an older snapshot. */
static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/csc-snap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/cache.snap", dir);
    csc_cache_t *a = fixture();
    csc_cache_t *empty = csc_test_cache_new();
    assert_int_equal(csc_cache_save(empty, path), CSC_S_OK);
    assert_int_equal(csc_cache_save(a, path), CSC_S_OK); /* replaces it */
    csc_cache_t *b = csc_test_cache_new();
    assert_int_equal(csc_cache_load(b, path), CSC_S_OK);
    assert_cache_ok(b);
    assert_same_dump(a, b);
    /* Nothing but the snapshot is left in the directory. */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    rmdir(dir);
    csc_cache_free(a);
    csc_cache_free(b);
    csc_cache_free(empty);
}

/* C14.5: a save is a read (allowed inside a callback), a load a change
 * (refused there with 0x800700AA, nothing changed). */
typedef struct in_callback {
    csc_cache_t *cache;
    const void *data;
    size_t size;
    csc_hresult save_hr, load_hr;
    size_t calls;
} in_callback_t;

static void evict_cb_tries(void *ud, const char *path, uint64_t size)
{
    (void)path;
    (void)size;
    in_callback_t *t = ud;
    if (t->calls++ > 0)
        return;
    void *d = NULL;
    size_t n = 0;
    t->save_hr = csc_cache_save_buffer(t->cache, &d, &n);
    csc_snapshot_free(d);
    t->load_hr = csc_cache_load_buffer(t->cache, t->data, t->size);
}

static void test_callbacks(void **state)
{
    (void)state;
    csc_cache_t *a = fixture();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(a, &data, &size), CSC_S_OK);
    csc_cache_t *b = csc_test_cache_new();
    csc_test_file(b, "\\\\s\\h\\f", 1);
    in_callback_t t = {b, data, size, 1, 1, 0};
    assert_int_equal(csc_cache_set_evict_callback(b, evict_cb_tries, &t), CSC_S_OK);
    assert_int_equal(csc_cache_evict(b, true, 0, NULL, NULL), CSC_S_OK);
    assert_int_equal(t.save_hr, CSC_S_OK);
    assert_int_equal(t.load_hr, CSC_E_BUSY);
    assert_int_equal(csc_cache_item_count(b), 0);
    assert_cache_ok(b);
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* The scenario language's save and load (and syntax errors for them). */
static void test_scenario_commands(void **state)
{
    (void)state;
    char dir[] = "/tmp/csc-snapscn-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char text[2048];
    snprintf(text, sizeof text,
             "file \\\\srv\\share\\Docs\\A.txt size=100\n"
             "pin \\\\srv\\share flags=ForUser deep\n"
             "modify \\\\srv\\share\\Docs\\A.txt bytes=5\n"
             "save %s/s.snap\n"
             "expect hresult=0x00000000\n"
             "unpin \\\\srv\\share flags=ForUser deep\n"
             "file \\\\other\\x\\y\n"
             "expect \\\\srv\\share\\Docs\\A.txt pinned=no\n"
             "load \"%s/s.snap\"\n"
             "expect hresult=0x00000000\n"
             "expect \\\\srv\\share\\Docs\\A.txt pinned=yes dirty=yes\n"
             "expect \\\\other cached=no\n"
             "load %s/missing.snap\n"
             "expect hresult=0x80070002\n"
             "save %s/no/such/dir/s.snap\n"
             "expect hresult=0x80070003\n",
             dir, dir, dir, dir);
    csc_cache_t *c = csc_test_cache_new();
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(c, text, strlen(text), &opts, &res), CSC_S_OK);
    if (res.failed > 0)
        print_error("%s\n", res.transcript);
    assert_int_equal(res.failed, 0);
    assert_int_equal(res.passed, 7);
    csc_scenario_result_clear(&res);
    assert_cache_ok(c);
    csc_cache_free(c);

    static const char *const bad[] = {"save\n", "load\n", "save a b\n", "load x deep\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(csc_scenario_check(bad[i], strlen(bad[i]), &res), CSC_E_INVALIDARG);
        assert_int_equal(res.syntax_error_count, 1);
        csc_scenario_result_clear(&res);
    }
    char path[300];
    snprintf(path, sizeof path, "%s/s.snap", dir);
    unlink(path);
    rmdir(dir);
}

/* A recording (cscsim/record.h) holds `save FILE` and `load FILE` with
 * their results, and replays on a fresh cache with every check passing. */
typedef struct text_buf {
    char *p;
    size_t len;
} text_buf_t;

static void collect(void *ud, const char *text, size_t len)
{
    text_buf_t *t = ud;
    t->p = realloc(t->p, t->len + len + 1);
    memcpy(t->p + t->len, text, len);
    t->len += len;
    t->p[t->len] = '\0';
}

static void test_recorded(void **state)
{
    (void)state;
    char dir[] = "/tmp/csc-snaprec-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], missing[256];
    snprintf(path, sizeof path, "%s/r.snap", dir);
    snprintf(missing, sizeof missing, "%s/none.snap", dir);
    csc_cache_t *c = csc_test_cache_new();
    text_buf_t rec = {NULL, 0};
    csc_record_options_t ro = CSC_RECORD_OPTIONS_INIT;
    ro.no_state = true;
    assert_int_equal(csc_cache_record_start(c, collect, &rec, &ro), CSC_S_OK);
    csc_test_file(c, "\\\\s\\h\\f.txt", 9);
    assert_int_equal(csc_cache_save(c, path), CSC_S_OK);
    csc_test_file(c, "\\\\s\\h\\g.txt", 1);
    assert_int_equal(csc_cache_load(c, path), CSC_S_OK);
    assert_int_equal(csc_cache_load(c, missing), CSC_E_FILE_NOT_FOUND);
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(c, &data, &size), CSC_S_OK);
    assert_int_equal(csc_cache_load_buffer(c, data, size), CSC_S_OK);
    csc_snapshot_free(data);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    assert_non_null(rec.p);
    assert_non_null(strstr(rec.p, "save "));
    assert_non_null(strstr(rec.p, "load "));
    assert_non_null(strstr(rec.p, "expect hresult=0x80070002"));
    assert_non_null(strstr(rec.p, "# not expressible: csc_cache_load_buffer"));
    char *before = csc_test_dump(c);
    csc_cache_free(c);

    unlink(path);
    c = csc_test_cache_new();
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(c, rec.p, rec.len, NULL, &res), CSC_S_OK);
    if (res.failed > 0)
        print_error("%s\n%s\n", rec.p, res.transcript);
    assert_int_equal(res.failed, 0);
    assert_true(res.passed >= 3);
    csc_scenario_result_clear(&res);
    char *after = csc_test_dump(c);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(rec.p);
    csc_cache_free(c);
    unlink(path);
    rmdir(dir);
}

/* ---- the differential test over random states -------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static const char *const servers[] = {"srv", "SRV", "Alpha"};
static const char *const shares[] = {"Share", "share", "DÖCS"};
static const char *const dirs[] = {"d", "D", "Sub", "é"};
static const char *const files[] = {"a.txt", "A.TXT", "b", "ü.dat", "Z"};
static const char *const users[] = {"user", "USER", "Bob", "ädmin"};

#define PICK(arr, s) (arr[rnd(s) % (sizeof arr / sizeof arr[0])])

/* A random path: a server, a share, or something below (file when
 * `file`). */
static void random_path(uint64_t *s, char *buf, size_t size, bool file)
{
    int depth = file ? 3 + (int)(rnd(s) % 3) : 1 + (int)(rnd(s) % 4);
    int n = snprintf(buf, size, "\\\\%s", PICK(servers, s));
    if (depth >= 2)
        n += snprintf(buf + n, size - (size_t)n, "\\%s", PICK(shares, s));
    for (int d = 3; d < depth; d++)
        n += snprintf(buf + n, size - (size_t)n, "\\%s", PICK(dirs, s));
    if (depth >= 3)
        snprintf(buf + n, size - (size_t)n, "\\%s", file ? PICK(files, s) : PICK(dirs, s));
}

/* Cuts `path` after its `n`th component (1: the server, 2: the share). */
static void cut_to(char *path, int n)
{
    int seen = 0;
    for (char *p = path + 2; *p != '\0'; p++)
        if (*p == '\\' && ++seen == n) {
            *p = '\0';
            return;
        }
}

static uint32_t random_sources(uint64_t *s)
{
    uint32_t f = (uint32_t)(rnd(s) % 15 + 1) << 5; /* a non-empty set of sources */
    return f & ALL;
}

/* The cache after `ops` random operations from `seed` (the same cache for
 * the same arguments). Results are not checked: failures are part of it. */
static csc_cache_t *random_cache(uint64_t seed, int ops)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    csc_cache_t *c = csc_test_cache_new();
    char path[200];
    for (int i = 0; i < ops; i++) {
        csc_item_t *it = NULL;
        unsigned op = (unsigned)(rnd(&s) % 27);
        bool file = op < 6 || (op >= 10 && op < 14);
        random_path(&s, path, sizeof path, file);
        const char *p[] = {path};
        switch (op) {
        case 0: case 1: case 2: case 3:
            csc_cache_file(c, path, rnd(&s) % 4 != 0, rnd(&s) % 5000, NULL);
            break;
        case 4: case 5: case 6:
            csc_cache_dir(c, path, NULL);
            break;
        case 7: case 8:
            csc_pin(c, p, 1, random_sources(&s), rnd(&s) % 2, NULL, NULL);
            break;
        case 9:
            csc_unpin(c, p, 1, random_sources(&s), rnd(&s) % 2, NULL, NULL);
            break;
        case 10:
            if (csc_cache_find(c, path, &it) == CSC_S_OK)
                csc_item_modify(c, it, rnd(&s) % 3 == 0 ? 0 : rnd(&s) % 100);
            break;
        case 11:
            if (csc_cache_find(c, path, &it) == CSC_S_OK)
                csc_item_open(c, it);
            break;
        case 12:
            if (csc_cache_find(c, path, &it) == CSC_S_OK)
                rnd(&s) % 2 ? csc_item_close(c, it) : csc_item_mark_synchronized(c, it);
            break;
        case 13:
            if (csc_cache_find(c, path, &it) == CSC_S_OK)
                csc_item_touch(c, it);
            break;
        case 14:
            if (csc_cache_find(c, path, &it) == CSC_S_OK) {
                size_t n = rnd(&s) % 3;
                const char *u[2] = {PICK(users, &s), PICK(users, &s)};
                csc_item_set_access(c, it, rnd(&s) % 4 == 0 ? NULL : u, n);
            }
            break;
        case 15:
            csc_cache_set_caller(c, PICK(users, &s), rnd(&s) % 2);
            break;
        case 16: {
            uint64_t l = rnd(&s) % 3 == 0 ? CSC_SPACE_UNLIMITED : rnd(&s) % 20000;
            uint64_t u = rnd(&s) % 3 == 0 ? CSC_SPACE_UNLIMITED : rnd(&s) % 10000;
            if (rnd(&s) % 2)
                csc_test_set_limits(c, l, u);
            else
                csc_cache_set_policy(c, (csc_evict_policy_t)(rnd(&s) % 3));
            break;
        }
        case 17:
            csc_cache_advance_clock(c, rnd(&s) % 4);
            break;
        case 18:
            if (rnd(&s) % 4 == 0)
                csc_cache_evict(c, false, rnd(&s) % 3000, NULL, NULL);
            else
                csc_synchronize(c, p, 1, 0, NULL, NULL);
            break;
        /* The remote side (section 3, C10). */
        case 20: case 21:
            if (rnd(&s) % 2)
                csc_remote_file(c, path, rnd(&s) % 2, rnd(&s) % 5000);
            else
                csc_remote_dir(c, path);
            break;
        case 22:
            csc_remote_write(c, path, rnd(&s) % 2, rnd(&s) % 5000);
            break;
        case 23:
            csc_remote_delete(c, path);
            break;
        case 24:
            cut_to(path, 2);
            csc_remote_set_caching_mode(c, path, (csc_caching_mode_t)(1 + rnd(&s) % 4));
            break;
        case 25:
            cut_to(path, 1);
            csc_remote_set_network(c, path, (csc_network_t)(rnd(&s) % 3));
            break;
        case 26: {
            bool open_files;
            cut_to(path, 1 + (int)(rnd(&s) % 2));
            if (rnd(&s) % 2)
                csc_transition_offline(c, path, rnd(&s) % 2, 0, &open_files);
            else
                csc_transition_online(c, path, 0);
            break;
        }
        default:
            csc_pin(c, p, 1, random_sources(&s), true, NULL, NULL);
            break;
        }
    }
    assert_cache_ok(c);
    return c;
}

static void test_differential_random_states(void **state)
{
    (void)state;
    size_t evicted = 0, items = 0;
    const int seeds = 300;
    for (int seed = 1; seed <= seeds; seed++) {
        int ops = 10 + seed % 60;
        csc_cache_t *a1 = random_cache((uint64_t)seed, ops);
        csc_cache_t *a2 = random_cache((uint64_t)seed, ops);
        assert_same_dump(a1, a2); /* the generator is deterministic */
        items += csc_cache_item_count(a1);
        void *data, *again;
        size_t size, again_size;
        csc_cache_t *b1 = copy_of(a1, &data, &size);
        csc_cache_t *b2 = csc_test_cache_new();
        assert_int_equal(csc_cache_load_buffer(b2, data, size), CSC_S_OK);
        assert_same_dump(a1, b1);
        uint64_t ps = (uint64_t)seed;
        for (int k = 0; k < 12; k++) {
            char q[200];
            random_path(&ps, q, sizeof q, k % 2 == 0);
            cut_to(q, 1 + (int)(rnd(&ps) % 5));
            assert_same_answers(a1, b1, q);
        }
        assert_int_equal(csc_cache_save_buffer(b1, &again, &again_size), CSC_S_OK);
        assert_int_equal(size, again_size);
        assert_memory_equal(data, again, size);
        csc_snapshot_free(again);
        /* Same events: a deep unpin of all sources on the first server,
         * then a deep pin of a share; then the same state. */
        csc_item_t *srv = csc_cache_first_server(a1);
        if (srv != NULL) {
            char p[200];
            csc_item_path(srv, p, sizeof p);
            assert_same_call(a1, b1, p, false, ALL);
            csc_item_t *share = csc_item_first_child(srv);
            if (share != NULL) {
                csc_item_path(share, p, sizeof p);
                assert_same_call(a1, b1, p, true, CSC_PIN_FLAG_FOR_ALL);
            }
        }
        /* Same eviction order, from the state as saved. */
        assert_same_evictions(a2, b2, &evicted);
        assert_same_dump(a2, b2);
        csc_snapshot_free(data);
        csc_cache_free(a1);
        csc_cache_free(a2);
        csc_cache_free(b1);
        csc_cache_free(b2);
    }
    print_message("%d random states, %zu items, %zu evictions compared\n", seeds, items,
                  evicted);
    assert_true(evicted > 100);
}

/* Section 5 (round 2): sparse, created and deleted offline, conflicts,
 * local change times and applications' non-cached handles round-trip; a
 * cache without them writes no section 5. */
static void test_file_states_round_trip(void **state)
{
    (void)state;
    csc_cache_t *a = csc_test_cache_new();
    csc_item_t *sp = csc_test_file(a, "\\\\S\\h\\sparse.bin", 40);
    assert_int_equal(csc__fstate_make_sparse(a, sp, 40), CSC_S_OK);
    csc_item_t *cf = csc_test_file(a, "\\\\S\\h\\conflict.txt", 3);
    csc__fstate_t *fs = csc__fstate_make(a, cf);
    assert_non_null(fs);
    fs->conflict = 12;
    fs->conflict_version = 2;
    csc_test_file(a, "\\\\S\\h\\gone.txt", 4);
    assert_int_equal(csc_remote_file(a, "\\\\S\\h\\Remote.txt", true, 1), CSC_S_OK);
    csc_test_advance_to(a, 6);
    assert_int_equal(csc_transition_offline(a, "\\\\S\\h", true, 0, &(bool){false}), CSC_S_OK);
    assert_int_equal(csc_app_create(a, "\\\\S\\h\\new.txt", 5), CSC_S_OK);
    assert_int_equal(csc_app_delete(a, "\\\\S\\h\\gone.txt"), CSC_S_OK);
    assert_int_equal(csc_transition_online(a, "\\\\S\\h", 0), CSC_S_OK);
    assert_int_equal(csc_app_open(a, "\\\\S\\h\\Remote.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(a, "\\\\S\\h\\remote.TXT"), CSC_S_OK);
    assert_int_equal(csc_remote_file(a, "\\\\S\\h\\x\\Other.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_app_open(a, "\\\\S\\h\\x\\Other.txt"), CSC_S_OK);
    void *data, *again;
    size_t size, again_size;
    csc_cache_t *b = copy_of(a, &data, &size);
    assert_int_equal(((unsigned char *)data)[12], 4); /* settings, items, remote, file states */
    assert_same_dump(a, b);
    csc_item_t *x = csc_test_find(b, "\\\\S\\h\\sparse.bin");
    assert_true(csc_item_is_sparse(x));
    assert_int_equal(csc_item_size(x), 40);
    assert_true(csc_item_is_created_offline(csc_test_find(b, "\\\\S\\h\\new.txt")));
    assert_true(csc_item_is_deleted_offline(csc_test_find(b, "\\\\S\\h\\gone.txt")));
    assert_int_equal(csc_item_conflict(csc_test_find(b, "\\\\S\\h\\conflict.txt")), 12);
    uint64_t t = 0;
    assert_true(csc_item_local_change_time(csc_test_find(b, "\\\\S\\h\\new.txt"), &t));
    assert_int_equal(t, 6);
    uint32_t n = 0;
    assert_int_equal(csc_app_noncached_handles(b, "\\\\S\\h\\remote.txt", &n), CSC_S_OK);
    assert_int_equal(n, 2);
    bool open_files = false;
    assert_int_equal(csc_transition_offline(b, "\\\\S\\h", false, 0, &open_files), CSC_S_OK);
    assert_true(open_files); /* the handles block as they did */
    assert_int_equal(csc_cache_save_buffer(b, &again, &again_size), CSC_S_OK);
    assert_int_equal(size, again_size);
    assert_memory_equal(data, again, size);
    csc_snapshot_free(again);
    /* damaged section 5 (resealed): refused, the target unchanged */
    const unsigned char *d = data;
    size_t off = 24;
    while (off + 16 <= size - 8 && d[off] != 5)
        off += 16 + (size_t)le64(d + off + 8);
    assert_true(off + 16 <= size - 8);
    size_t body = off + 16;
    static const struct {
        size_t at;
        unsigned char value;
        const char *what;
    } damage[] = {
        {0, 9, "more entries than bytes"},
        {8, 1, "an entry on the server item (position 1)"},
        {16, 0x80, "an unknown bit"},
        {17, 0, "an empty entry (the first has only a conflict)"},
        {17, 99, "a conflict state out of range"},
        {18, 1, "reserved bytes not 0"},
    };
    unsigned char *bad = malloc(size);
    assert_non_null(bad);
    char *before = csc_test_remote_dump(b);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(bad, data, size);
        bad[body + damage[i].at] = damage[i].value;
        csc__snapshot_seal(bad, size);
        csc_hresult hr = csc_cache_load_buffer(b, bad, size);
        if (hr != CSC_E_FILE_CORRUPT)
            fail_msg("damage %zu (%s): 0x%08x", i, damage[i].what, (unsigned)hr);
        char *after = csc_test_remote_dump(b);
        assert_string_equal(before, after);
        free(after);
    }
    free(before);
    free(bad);
    csc_snapshot_free(data);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* The checksum is XXH64 (known answers of the xxHash reference). */
static void test_checksum_vectors(void **state)
{
    (void)state;
    assert_true(csc__xxh64("", 0, 0) == 0xEF46DB3751D8E999ull);
    assert_true(csc__xxh64("a", 1, 0) == 0xD24EC4F1A98C6E5Bull);
    assert_true(csc__xxh64("abc", 3, 0) == 0x44BC2CF5AD770999ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_vectors),
        cmocka_unit_test(test_fixture_round_trip),
        cmocka_unit_test(test_file_states_round_trip),
        cmocka_unit_test(test_empty_cache),
        cmocka_unit_test(test_without_remote_section),
        cmocka_unit_test(test_load_replaces_state),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_callbacks),
        cmocka_unit_test(test_scenario_commands),
        cmocka_unit_test(test_recorded),
        cmocka_unit_test(test_differential_random_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
