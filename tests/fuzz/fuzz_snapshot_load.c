/*
 * tests/fuzz/fuzz_snapshot_load.c: libFuzzer harness of the snapshot loader
 * (src/snapshot.c, issue 15 point 4). The input is a snapshot: as it is
 * when the first byte's low bit is 0 (the checksum must catch damage), or
 * with its checksum made right first (csc__snapshot_seal) when it is 1, so
 * the loader's own checks of every field are reached. Loading into a cache
 * that has a state of its own must never crash, leak or misbehave; it
 * either fails with CSC_E_FILE_CORRUPT, CSC_E_REVISION_MISMATCH or
 * E_OUTOFMEMORY and leaves the target exactly as it was (its scenario dump
 * picture and its own snapshot unchanged), or succeeds with a cache that passes
 * csc_cache_check; then saving it, loading that into a fresh cache and
 * saving again gives the same dump and the same bytes. (The picture, not
 * the scenario dump: that writes a line per sharing violation, and a
 * loaded count may be in the billions.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cscsim.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_snapshot_load: %s\n", what);
    abort();
}

static char *dump(csc_cache_t *c)
{
    char *s = NULL;
    if (csc_cache_dump_string(&s, NULL, c, NULL, CSC_DUMP_PICTURE) != CSC_S_OK)
        fail("dump");
    return s;
}

static void check(csc_cache_t *c)
{
    char why[256];
    if (csc_cache_check(c, why, sizeof why) != CSC_S_OK) {
        fprintf(stderr, "fuzz_snapshot_load: invariant broken: %s\n", why);
        abort();
    }
}

/* A target with a state of its own. */
static csc_cache_t *target(void)
{
    csc_cache_t *c = NULL;
    if (csc_cache_new(&c, NULL) != CSC_S_OK ||
        csc_cache_file(c, "\\\\mine\\share\\keep.txt", true, 42, NULL) != CSC_S_OK)
        fail("target");
    const char *p[] = {"\\\\mine\\share"};
    if (csc_pin(c, p, 1, CSC_PIN_FLAG_FOR_ALL, true, NULL, NULL) != CSC_S_OK ||
        csc_cache_advance_clock(c, 3) != CSC_S_OK)
        fail("target");
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size == 0 ? 1 : size);
    if (buf == NULL)
        return 0;
    if (size > 0)
        memcpy(buf, data, size);
    if (size >= 8 && (data[0] & 1u) != 0)
        csc__snapshot_seal(buf, size);

    csc_cache_t *t = target();
    char *before = dump(t);
    void *own = NULL;
    size_t own_size = 0;
    if (csc_cache_save_buffer(t, &own, &own_size) != CSC_S_OK)
        fail("save of the target");

    csc_hresult hr = csc_cache_load_buffer(t, buf, size);
    check(t);
    if (hr != CSC_S_OK) {
        if (hr != CSC_E_FILE_CORRUPT && hr != CSC_E_REVISION_MISMATCH &&
            hr != CSC_E_OUTOFMEMORY)
            fail("an undefined error");
        char *after = dump(t);
        void *again = NULL;
        size_t again_size = 0;
        if (csc_cache_save_buffer(t, &again, &again_size) != CSC_S_OK)
            fail("save after a failed load");
        if (strcmp(before, after) != 0 || again_size != own_size ||
            memcmp(own, again, own_size) != 0)
            fail("a failed load changed the target");
        csc_snapshot_free(again);
        csc_dump_free(after);
    } else {
        /* Loaded: save, load into a fresh cache, save again. */
        char *d1 = dump(t);
        void *s1 = NULL, *s2 = NULL;
        size_t n1 = 0, n2 = 0;
        if (csc_cache_save_buffer(t, &s1, &n1) != CSC_S_OK)
            fail("save of the loaded cache");
        csc_cache_t *u = NULL;
        if (csc_cache_new(&u, NULL) != CSC_S_OK)
            fail("new");
        if (csc_cache_load_buffer(u, s1, n1) != CSC_S_OK)
            fail("a saved snapshot does not load");
        check(u);
        char *d2 = dump(u);
        if (csc_cache_save_buffer(u, &s2, &n2) != CSC_S_OK)
            fail("save of the reloaded cache");
        if (strcmp(d1, d2) != 0)
            fail("the reloaded cache dumps differently");
        if (n1 != n2 || memcmp(s1, s2, n1) != 0)
            fail("the reloaded cache saves differently");
        /* Whatever the state, evicting everything keeps the invariants. */
        if (csc_cache_evict(u, true, 0, NULL, NULL) != CSC_S_OK)
            fail("evict");
        check(u);
        csc_dump_free(d1);
        csc_dump_free(d2);
        csc_snapshot_free(s1);
        csc_snapshot_free(s2);
        csc_cache_free(u);
    }
    csc_snapshot_free(own);
    csc_dump_free(before);
    csc_cache_free(t);
    free(buf);
    return 0;
}
