/*
 * tests/test_snapshot__methods.c: the snapshot's optional methods section
 * (snapshot.c, section 4: the C13 state). A cache with no C13 state writes
 * the two sections of before (its bytes unchanged); one with state writes a
 * third that round-trips the feature state, Location, RenameItem's log,
 * suspension roots and encryption marks; a damaged methods section (sealed
 * again, so only its content is wrong) is CSC_E_FILE_CORRUPT and the target
 * keeps its state (C8.1).
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

#define SH "\\\\s\\sh"

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Offset of section `id`'s payload, its length in *len. */
static size_t section(const unsigned char *b, size_t size, uint32_t id, size_t *len)
{
    size_t off = 24;
    while (off + 16 <= size - 8) {
        uint64_t n = get64(b + off + 8);
        if (get32(b + off) == id) {
            *len = (size_t)n;
            return off + 16;
        }
        off += 16 + (size_t)n;
    }
    fail_msg("no section %u", (unsigned)id);
    return 0;
}

static csc_cache_t *with_state(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\a", 1); /* pre-order: \\s 1, sh 2, d 3, a 4, z 5 */
    csc_test_file(cache, SH "\\z", 2);
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_suspend_root(cache, SH "\\d", true), CSC_S_OK);
    csc_item_t *z = csc_test_find(cache, SH "\\z");
    assert_int_equal(csc_item_open(cache, z), CSC_S_OK);
    assert_int_equal(csc_encrypt(cache, true, 0, NULL, NULL), CSC_S_OK); /* z differs */
    assert_int_equal(csc_rename_item(cache, SH "\\z", SH "\\y", false), CSC_S_OK);
    assert_int_equal(csc_cache_set_location(cache, "L"), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    return cache;
}

static void test_no_state_no_section(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a", 1);
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    /* settings, items and the remote side (the setup caching's twins) */
    assert_int_equal(get32((unsigned char *)data + 12), 3);
    unsigned char *b = data;
    b[12] = 4; /* a methods section counted but absent */
    csc__snapshot_seal(b, size);
    csc_cache_t *target = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(target, b, size), CSC_E_FILE_CORRUPT);
    csc_cache_free(target);
    csc_snapshot_free(data);
    csc_cache_free(cache);
}

static void test_round_trip(void **state)
{
    (void)state;
    csc_cache_t *cache = with_state();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    assert_int_equal(get32((unsigned char *)data + 12), 4); /* with the remote side */
    csc_cache_t *copy = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(copy, data, size), CSC_S_OK);
    char *a = csc_test_dump(cache), *b = csc_test_dump(copy);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_cache_ok(copy);
    /* The log came too: a restart applies it in both. */
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_cache_restart(copy), CSC_S_OK);
    assert_true(csc_test_cached(copy, SH "\\y"));
    a = csc_test_dump(cache);
    b = csc_test_dump(copy);
    assert_string_equal(a, b);
    free(a);
    free(b);
    csc_snapshot_free(data);
    csc_cache_free(copy);
    csc_cache_free(cache);
}

/* Each damage, sealed again: corrupt, and the target unchanged. */
static void test_damaged_section(void **state)
{
    (void)state;
    csc_cache_t *cache = with_state();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    size_t len = 0;
    size_t at = section(data, size, 4, &len);
    /* Layout: state u32, location u32 + "L", renames u32, (from, to), marks
     * u64, then (position u64, bits u8) for d (3, suspend) and z (5, enc). */
    const unsigned char *p0 = (const unsigned char *)data + at;
    assert_int_equal(get32(p0), 2u | 4u); /* active, encrypted; not enabled */
    assert_int_equal(get32(p0 + 4), 1);
    size_t renames = at + 9;
    assert_int_equal(get32((unsigned char *)data + renames), 1);
    size_t marks = at + len - 8 - 18;
    assert_int_equal(get64((unsigned char *)data + marks), 2);
    assert_int_equal(get64((unsigned char *)data + marks + 8), 3);
    assert_int_equal(((unsigned char *)data)[marks + 16], 1);
    assert_int_equal(get64((unsigned char *)data + marks + 17), 5);
    assert_int_equal(((unsigned char *)data)[marks + 25], 2);

    struct {
        size_t off;
        unsigned char value;
    } damage[] = {
        {at, 0x0E},             /* an unknown state bit */
        {at + 4, 0x10},         /* a Location longer than the section */
        {renames, 0x7F},        /* more renames than bytes */
        {marks, 0x03},          /* more marks than bytes */
        {marks + 8, 0},         /* position 0 */
        {marks + 16, 0x04},     /* an unknown mark */
        {marks + 16, 0x00},     /* no mark */
        {marks + 16, 0x02},     /* encryption on a directory */
        {marks + 25, 0x01},     /* a suspension root on a file */
        {marks + 17, 3},        /* positions out of order */
        {marks + 17, 6},        /* beyond the last item */
        {12, 3},                /* the header counts three sections */
        {12, 2},                /* or two */
    };
    csc_cache_t *target = csc_test_cache_new();
    csc_test_file(target, "\\\\t\\x\\y", 7);
    char *before = csc_test_dump(target);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        unsigned char *b = malloc(size);
        memcpy(b, data, size);
        b[damage[i].off] = damage[i].value;
        csc__snapshot_seal(b, size);
        assert_int_equal(csc_cache_load_buffer(target, b, size), CSC_E_FILE_CORRUPT);
        char *after = csc_test_dump(target);
        assert_string_equal(before, after);
        free(after);
        free(b);
    }
    free(before);
    csc_cache_free(target);
    csc_snapshot_free(data);
    csc_cache_free(cache);
}

/* C8.1: every allocation of a load refused in turn: E_OUTOFMEMORY and the
 * target unchanged, or the full state. */
static void test_load_out_of_memory(void **state)
{
    (void)state;
    csc_cache_t *cache = with_state();
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    char *want = csc_test_dump(cache);
    for (size_t k = 1;; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *target = csc_test_cache_new_alloc(&st);
        char *before = csc_test_dump(target);
        st.fail_at = st.count + k;
        csc_hresult hr = csc_cache_load_buffer(target, data, size);
        bool refused = st.failed;
        st.fail_at = 0;
        char *after = csc_test_dump(target);
        if (hr == CSC_E_OUTOFMEMORY) {
            assert_string_equal(before, after);
        } else {
            assert_int_equal(hr, CSC_S_OK);
            assert_string_equal(want, after);
        }
        free(before);
        free(after);
        csc_cache_free(target);
        if (!refused)
            break;
    }
    free(want);
    csc_snapshot_free(data);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_state_no_section),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged_section),
        cmocka_unit_test(test_load_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
