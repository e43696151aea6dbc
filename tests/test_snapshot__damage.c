/*
 * tests/test_snapshot__damage.c: a snapshot that cannot be trusted fails
 * with a defined HRESULT and leaves the target cache exactly as it was (a
 * dump before and after, the invariants): every truncation of a small
 * snapshot, every single-byte change (the checksum catches it:
 * CSC_E_FILE_CORRUPT), every single-byte change resealed with a correct
 * checksum (the loader's own checks: CSC_E_FILE_CORRUPT or
 * CSC_E_REVISION_MISMATCH, or a load whose result is a valid cache), wrong
 * magic, version 0 and a newer version. Allocation failure at every point
 * of a load and of a save (C8.1): E_OUTOFMEMORY, the target unchanged, no
 * block leaked. The file forms: a failed save leaves the old file (the
 * write is atomic: temporary file, flush, rename), no temporary file is
 * left behind, and the path arguments get E_POINTER / E_INVALIDARG and the
 * file errors their Win32 codes. The dumps include the remote side
 * (csc_test_remote_dump), and damage inside the remote section (3), each
 * field resealed, is refused with the target unchanged.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote_support.h"
#include "snapshot.h"

/* A small snapshot with every section and record kind. */
static void small_snapshot(void **data, size_t *size)
{
    csc_cache_t *c = csc_test_cache_new();
    csc_test_file(c, "\\\\S\\h\\Dir\\F.txt", 10);
    csc_test_file(c, "\\\\S\\h\\é", 3);
    csc_test_pin1_ok(c, "\\\\S\\h\\Dir", CSC_PIN_FLAG_FOR_USER, true);
    csc_item_t *it = csc_test_find(c, "\\\\S\\h\\é");
    assert_int_equal(csc_item_modify(c, it, 4), CSC_S_OK);
    assert_int_equal(csc_item_open(c, it), CSC_S_OK);
    csc_test_set_access(c, "\\\\S\\h\\Dir", (const char *[]){"Bob"}, 1);
    csc_test_advance_to(c, 3);
    /* The remote side (section 3): a remote-only file, a remote write (a
     * record with version 2), a mode, a slow server with an override and
     * a forced share on a server that is down. */
    assert_int_equal(csc_remote_file(c, "\\\\S\\h\\Dir\\R", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_write(c, "\\\\S\\h\\é", true, 9), CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\S\\h", CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\S", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_transition_online(c, "\\\\S\\h", 0), CSC_S_OK);
    assert_int_equal(csc_remote_dir(c, "\\\\T\\u"), CSC_S_OK);
    bool open_files = false;
    assert_int_equal(csc_transition_offline(c, "\\\\T\\u", true, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\T", CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_cache_save_buffer(c, data, size), CSC_S_OK);
    csc_cache_free(c);
}

/* A target with a state of its own. */
static csc_cache_t *target_cache(csc_test_alloc_t *alloc)
{
    csc_cache_t *t = csc_test_cache_new_alloc(alloc);
    assert_non_null(t);
    csc_test_file(t, "\\\\Mine\\share\\keep.txt", 42);
    csc_test_pin1_ok(t, "\\\\Mine\\share", CSC_PIN_FLAG_FOR_ALL, true);
    csc_test_set_access(t, "\\\\Mine\\share\\keep.txt", (const char *[]){"me"}, 1);
    csc_test_advance_to(t, 7);
    return t;
}

/* Loads n bytes copied to a buffer of exactly that size (so a read past
 * the end is caught by the sanitizers) and checks the target unchanged
 * when it fails. Returns the result. */
static csc_hresult load_bytes(csc_cache_t *t, const char *before, const unsigned char *bytes,
                              size_t n)
{
    unsigned char *copy = malloc(n == 0 ? 1 : n);
    assert_non_null(copy);
    memcpy(copy, bytes, n);
    csc_hresult hr = csc_cache_load_buffer(t, copy, n);
    free(copy);
    assert_cache_ok(t);
    if (hr != CSC_S_OK) {
        char *after = csc_test_remote_dump(t);
        assert_string_equal(before, after);
        free(after);
    }
    return hr;
}

static void test_truncations(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    csc_cache_t *t = target_cache(NULL);
    char *before = csc_test_remote_dump(t);
    for (size_t len = 0; len < size; len++)
        assert_int_equal(load_bytes(t, before, data, len), CSC_E_FILE_CORRUPT);
    /* A byte too many is damage too. */
    unsigned char *longer = malloc(size + 1);
    memcpy(longer, data, size);
    longer[size] = 0;
    assert_int_equal(load_bytes(t, before, longer, size + 1), CSC_E_FILE_CORRUPT);
    free(longer);
    print_message("%zu truncations of a %zu-byte snapshot refused\n", size, size);
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

static void test_byte_flips(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    csc_cache_t *t = target_cache(NULL);
    char *before = csc_test_remote_dump(t);
    unsigned char *b = malloc(size);
    static const unsigned char xors[] = {0x01, 0x80, 0xFF};
    for (size_t i = 0; i < size; i++) {
        for (size_t k = 0; k < sizeof xors; k++) {
            memcpy(b, data, size);
            b[i] ^= xors[k];
            assert_int_equal(load_bytes(t, before, b, size), CSC_E_FILE_CORRUPT);
        }
    }
    free(b);
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

/* Past the checksum: each byte changed, the checksum made right again. */
static void test_resealed_flips(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    csc_cache_t *t = target_cache(NULL);
    char *before = csc_test_remote_dump(t);
    unsigned char *b = malloc(size);
    size_t refused = 0, loaded = 0;
    static const unsigned char xors[] = {0x01, 0x02, 0x10, 0x80, 0xFF};
    for (size_t i = 0; i + 8 < size; i++) {
        for (size_t k = 0; k < sizeof xors; k++) {
            memcpy(b, data, size);
            b[i] ^= xors[k];
            csc__snapshot_seal(b, size);
            csc_hresult hr = load_bytes(t, before, b, size);
            if (hr == CSC_S_OK) {
                loaded++; /* a valid state (checked): start again from ours */
                csc_cache_free(t);
                t = target_cache(NULL);
                continue;
            }
            refused++;
            assert_true(hr == CSC_E_FILE_CORRUPT || hr == CSC_E_REVISION_MISMATCH);
        }
    }
    print_message("resealed changes: %zu refused, %zu loaded as valid states\n", refused, loaded);
    assert_true(refused > loaded);
    free(b);
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

static void test_magic_and_version(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    csc_cache_t *t = target_cache(NULL);
    char *before = csc_test_remote_dump(t);
    unsigned char *b = malloc(size);

    memcpy(b, data, size);
    memcpy(b, "NOTASNAP", 8);
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_FILE_CORRUPT);

    memcpy(b, data, size);
    b[8] = 2; /* version 2: newer than this library */
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_REVISION_MISMATCH);
    b[8] = 0xFF;
    b[11] = 0x7F;
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_REVISION_MISMATCH);

    memcpy(b, data, size);
    b[8] = 0; /* version 0 never existed */
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_FILE_CORRUPT);

    /* The remote section (id 3) in the settings' place: out of order. */
    memcpy(b, data, size);
    assert_int_equal(b[24], 1); /* the settings section's id */
    b[24] = 3;
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_FILE_CORRUPT);

    /* The codes have their Win32 names. */
    assert_int_equal(CSC_E_FILE_CORRUPT, CSC_HRESULT_FROM_WIN32(CSC_ERROR_FILE_CORRUPT));
    assert_int_equal(CSC_E_REVISION_MISMATCH,
                     CSC_HRESULT_FROM_WIN32(CSC_ERROR_REVISION_MISMATCH));
    assert_true(csc_hresult_known(CSC_E_FILE_CORRUPT));
    assert_true(csc_hresult_known(CSC_E_REVISION_MISMATCH));

    free(b);
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

/* ---- the remote section (3) ------------------------------------------------ */

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Offsets inside section 3 of small_snapshot's bytes. */
typedef struct rlayout {
    size_t start, end;
    size_t nodes[16];  /* each node record */
    size_t node_count;
    size_t scopes_at;  /* the scope count */
    size_t scopes[8];
    size_t scope_count;
    size_t twins_at;   /* the twin count */
} rlayout_t;

static void remote_layout(const unsigned char *b, size_t size, rlayout_t *L)
{
    memset(L, 0, sizeof *L);
    size_t off = 24;
    while (off + 16 <= size - 8 && rd32(b + off) != 3)
        off += 16 + (size_t)rd64(b + off + 8);
    assert_true(off + 16 <= size - 8);
    L->start = off + 16;
    L->end = L->start + (size_t)rd64(b + off + 8);
    size_t p = L->start;
    L->node_count = (size_t)rd64(b + p);
    assert_true(L->node_count <= 16);
    p += 8;
    for (size_t i = 0; i < L->node_count; i++) {
        L->nodes[i] = p;
        p += 50 + (size_t)(b[p + 8] | b[p + 9] << 8);
    }
    L->scopes_at = p;
    L->scope_count = (size_t)rd64(b + p);
    assert_true(L->scope_count <= 8);
    p += 8;
    for (size_t i = 0; i < L->scope_count; i++) {
        L->scopes[i] = p;
        p += 24 + (size_t)rd32(b + p + 20);
    }
    L->twins_at = p;
    assert_int_equal(L->end, p + 8 + (size_t)rd64(b + p)); /* the twins' bitmap */
}

/* The scope record whose key is `key`. */
static size_t scope_at(const unsigned char *b, const rlayout_t *L, const char *key)
{
    for (size_t i = 0; i < L->scope_count; i++) {
        size_t p = L->scopes[i];
        if (rd32(b + p + 20) == strlen(key) && memcmp(b + p + 24, key, strlen(key)) == 0)
            return p;
    }
    fail_msg("no scope %s", key);
    return 0;
}

/* Each damage inside section 3, resealed: CSC_E_FILE_CORRUPT and the target
 * (remote side included) unchanged. */
static void test_remote_section(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    const unsigned char *d = data;
    assert_int_equal(rd32(d + 12), 4); /* settings, items, remote, file states (modify) */
    rlayout_t L;
    remote_layout(d, size, &L);
    /* Records in pre-order: \\S 0, h 1, Dir 2, R 3, é 4, \\T 5, u 6; the
     * implicit twin: F.txt, item 4 (\\S 1, h 2, Dir 3, F.txt 4, é 5). */
    assert_int_equal(L.node_count, 7);
    assert_int_equal(L.scope_count, 4); /* \\s slow, \\s\h override and mode, \\t down, \\t\u forced */
    assert_int_equal(rd64(d + L.twins_at), 1); /* a bitmap of 5 items */
    assert_int_equal(d[L.twins_at + 8], 0x08); /* position 4 */
    assert_int_equal(d[L.nodes[5] + 50], 'T');
    size_t S = scope_at(d, &L, "\\\\s"), SH = scope_at(d, &L, "\\\\s\\h");

    struct {
        size_t off;
        unsigned char value;
        const char *what;
    } damage[] = {
        {L.start, 8, "more records than bytes"},
        {L.start + 7, 0x40, "a huge record count"},
        {L.nodes[0], 0, "depth 0"},
        {L.nodes[0], 2, "a first record below nothing"},
        {L.nodes[3], 5, "a depth jump"},
        {L.nodes[1] + 4, CSC_ITEM_FILE, "a file below a server"},
        {L.nodes[2] + 4, CSC_ITEM_SERVER, "a server below a share"},
        {L.nodes[2] + 4, 9, "an unknown type"},
        {L.nodes[1] + 5, 0, "a share without a mode"},
        {L.nodes[1] + 5, 5, "a mode outside C10.6"},
        {L.nodes[2] + 5, 2, "a directory with a mode"},
        {L.nodes[0] + 6, 0x04, "an unknown record flag"},
        {L.nodes[2] + 6, 0x00, "a twin's parent without implicit twins"},
        {L.nodes[3] + 6, 0x01, "a file with implicit twins"},
        {L.nodes[0] + 7, 1, "the reserved byte"},
        {L.nodes[0] + 8, 0, "an empty name"},
        {L.nodes[0] + 9, 0x10, "a name longer than the section"},
        {L.nodes[0] + 10, 1, "a server with a size"},
        {L.nodes[3] + 18, 0, "a file with version 0"},
        {L.nodes[3] + 26, 7, "an original above the version"},
        {L.nodes[2] + 18, 1, "a directory with a version"},
        {L.nodes[5] + 50, '\\', "a separator in a name"},
        {L.nodes[5] + 50, 'S', "a duplicate server"},
        {L.nodes[5] + 50, 'A', "servers out of order (C2.3)"},
        {L.nodes[5] + 50, 0x01, "a control character in a name"},
        {L.nodes[5] + 50, 0xC3, "a name that is not WTF-8"},
        {L.scopes_at, 9, "more scopes than bytes"},
        {S, 0x10, "an unknown scope flag"},
        {S, 0x01, "a server key marked as a share"},
        {S, 0x04, "a forced server"},
        {S + 1, 3, "a condition outside csc_network_t"},
        {S + 2, 1, "a mode without has_mode"},
        {S + 3, 1, "the scope's reserved byte"},
        {S + 20, 2, "a key too short"},
        {S + 20, 0xFF, "a key longer than the section"},
        {S + 24, 'x', "a key not of a server"},
        {SH, 0x00, "a share key marked as a server"},
        {SH + 2, 9, "a remembered mode outside C10.6"},
        {SH + 27, 'x', "a share key with no separator"},
        {L.twins_at, 2, "a bitmap longer than the items need"},
        {L.twins_at, 0, "no bitmap, a byte after"},
        {L.twins_at + 8, 0x0C, "a twin on a directory"},
        {L.twins_at + 8, 0x18, "a twin on a file with a record"},
        {L.twins_at + 8, 0x01, "a twin on a server"},
        {L.twins_at + 8, 0x28, "a bit past the last item"},
        {12, 2, "the header counts two sections"},
        {12, 3, "the header counts three sections"},
        {12, 5, "the header counts a methods section too"},
    };
    csc_cache_t *t = target_cache(NULL);
    char *before = csc_test_remote_dump(t);
    unsigned char *b = malloc(size);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(b, data, size);
        b[damage[i].off] = damage[i].value;
        csc__snapshot_seal(b, size);
        csc_hresult hr = load_bytes(t, before, b, size);
        if (hr != CSC_E_FILE_CORRUPT)
            fail_msg("damage %zu (%s): 0x%08x", i, damage[i].what, (unsigned)hr);
    }
    /* Section 3's length one byte too long: refused. */
    memcpy(b, data, size);
    wr64(b + L.start - 16 + 8, rd64(d + L.start - 8) + 1); /* one byte longer */
    csc__snapshot_seal(b, size);
    assert_int_equal(load_bytes(t, before, b, size), CSC_E_FILE_CORRUPT);
    free(b);
    /* Untouched, it loads, and the target then has the saved remote side. */
    assert_int_equal(load_bytes(t, before, d, size), CSC_S_OK);
    csc_network_t net = CSC_NETWORK_UP;
    assert_int_equal(csc_remote_network(t, "\\\\T", &net), CSC_S_OK);
    assert_int_equal(net, CSC_NETWORK_DOWN);
    assert_false(csc_test_remote_exists(t, "\\\\Mine\\share\\keep.txt"));
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

/* C8.1: allocation k of a load fails, for every k: E_OUTOFMEMORY and the
 * target as it was; then a save the same way. */
static void test_allocation_failures(void **state)
{
    (void)state;
    void *data;
    size_t size;
    small_snapshot(&data, &size);
    csc_test_alloc_t alloc = {0};
    csc_cache_t *t = target_cache(&alloc);
    char *before = csc_test_remote_dump(t);
    size_t points = 0;
    for (size_t k = 1;; k++) {
        alloc.fail_at = alloc.count + k;
        alloc.failed = false;
        csc_hresult hr = csc_cache_load_buffer(t, data, size);
        alloc.fail_at = 0;
        if (!alloc.failed) {
            assert_int_equal(hr, CSC_S_OK);
            break;
        }
        points++;
        assert_int_equal(hr, CSC_E_OUTOFMEMORY);
        assert_cache_ok(t);
        char *after = csc_test_remote_dump(t);
        assert_string_equal(before, after);
        free(after);
    }
    assert_true(points >= 5);
    assert_cache_ok(t);
    free(before);

    /* Save: each failure is E_OUTOFMEMORY with nothing handed out. */
    before = csc_test_remote_dump(t);
    size_t save_points = 0;
    for (size_t k = 1;; k++) {
        void *d = (void *)1;
        size_t n = 1;
        alloc.fail_at = alloc.count + k;
        alloc.failed = false;
        csc_hresult hr = csc_cache_save_buffer(t, &d, &n);
        alloc.fail_at = 0;
        if (!alloc.failed) {
            assert_int_equal(hr, CSC_S_OK);
            assert_int_equal(n, size);
            assert_memory_equal(d, data, size);
            csc_snapshot_free(d);
            break;
        }
        save_points++;
        assert_int_equal(hr, CSC_E_OUTOFMEMORY);
        assert_null(d);
        assert_int_equal(n, 0);
        char *after = csc_test_remote_dump(t);
        assert_string_equal(before, after);
        free(after);
    }
    assert_true(save_points >= 1);
    print_message("load: %zu failure points, save: %zu\n", points, save_points);
    free(before);
    csc_snapshot_free(data);
    csc_cache_free(t);
}

static bool file_equals(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    unsigned char *b = malloc(size + 1);
    size_t n = fread(b, 1, size + 1, f);
    fclose(f);
    bool same = n == size && memcmp(b, data, size) == 0;
    free(b);
    return same;
}

static size_t entries_in(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    unsigned long n = 0;
    assert_int_equal(fscanf(p, "%lu", &n), 1);
    pclose(p);
    return n;
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/csc-snapdmg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], sub[256], missing[256], inner[300];
    snprintf(path, sizeof path, "%s/old.snap", dir);
    snprintf(sub, sizeof sub, "%s/a-directory", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/x.snap", dir);
    snprintf(inner, sizeof inner, "%s/a-directory/inside", dir);

    csc_test_alloc_t alloc = {0};
    csc_cache_t *c = target_cache(&alloc);
    void *old;
    size_t old_size;
    assert_int_equal(csc_cache_save(c, path), CSC_S_OK);
    assert_int_equal(csc_cache_save_buffer(c, &old, &old_size), CSC_S_OK);
    assert_true(file_equals(path, old, old_size));

    /* Arguments. */
    assert_int_equal(csc_cache_save(c, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_save(NULL, path), CSC_E_POINTER);
    assert_int_equal(csc_cache_save(c, ""), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_load(c, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_load(NULL, path), CSC_E_POINTER);
    assert_int_equal(csc_cache_load(c, ""), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_load_buffer(c, NULL, 3), CSC_E_POINTER);
    void *d = NULL;
    size_t n = 0;
    assert_int_equal(csc_cache_save_buffer(c, NULL, &n), CSC_E_POINTER);
    assert_int_equal(csc_cache_save_buffer(c, &d, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_save_buffer(NULL, &d, &n), CSC_E_POINTER);
    csc_snapshot_free(NULL);

    /* Missing files and directories. */
    assert_int_equal(csc_cache_save(c, missing), CSC_E_PATH_NOT_FOUND);
    char *before = csc_test_remote_dump(c);
    assert_int_equal(csc_cache_load(c, missing), CSC_E_FILE_NOT_FOUND);

    /* The rename fails (the target is a non-empty directory): the directory
     * stays as it was and no temporary file is left. */
    assert_int_equal(mkdir(sub, 0700), 0);
    FILE *f = fopen(inner, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(csc_cache_save(c, sub), CSC_E_ACCESSDENIED);
    struct stat st;
    assert_int_equal(stat(inner, &st), 0);
    assert_int_equal(entries_in(dir), 2); /* old.snap, a-directory */
    assert_int_equal(csc_cache_load(c, sub), CSC_E_ACCESSDENIED);

    /* A save that runs out of memory leaves the old file as it was. */
    csc_test_file(c, "\\\\Mine\\share\\new.txt", 1);
    for (size_t k = 1; k <= 3; k++) {
        alloc.fail_at = alloc.count + k;
        alloc.failed = false;
        csc_hresult hr = csc_cache_save(c, path);
        alloc.fail_at = 0;
        if (!alloc.failed)
            break;
        assert_int_equal(hr, CSC_E_OUTOFMEMORY);
        assert_true(file_equals(path, old, old_size));
        assert_int_equal(entries_in(dir), 2);
    }

    /* A damaged file on disk: refused, the cache unchanged. */
    free(before);
    before = csc_test_remote_dump(c);
    unsigned char *bad = malloc(old_size);
    memcpy(bad, old, old_size);
    bad[old_size / 2] ^= 0x40;
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bad, 1, old_size, f), old_size);
    fclose(f);
    assert_int_equal(csc_cache_load(c, path), CSC_E_FILE_CORRUPT);
    char *after = csc_test_remote_dump(c);
    assert_string_equal(before, after);
    free(after);
    free(bad);

    /* An empty file is a truncated snapshot. */
    f = fopen(path, "wb");
    fclose(f);
    assert_int_equal(csc_cache_load(c, path), CSC_E_FILE_CORRUPT);

    free(before);
    csc_snapshot_free(old);
    csc_cache_free(c);
    unlink(inner);
    rmdir(sub);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_byte_flips),
        cmocka_unit_test(test_resealed_flips),
        cmocka_unit_test(test_magic_and_version),
        cmocka_unit_test(test_remote_section),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
