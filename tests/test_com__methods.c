/*
 * tests/test_com__methods.c: C14's promise for the methods of C13 through
 * the COM face: a face's answer is exactly what the same call gives through
 * the C API. Two caches are built alike; each case makes a call through
 * IOfflineFilesCache(2) on one and the same call through the C API on the
 * other, and compares the HRESULTs and the caches' whole state afterwards
 * (every item's path, pins, dirty bytes, encryption, suspension, plus
 * Location, pending renames and the encryption status). Cases: RenameItemEx
 * and RenameItem with each documented error (C13.2, C15.15, C15.19),
 * Encrypt with an open file, an ABORT answer and bad flags (C13.4),
 * GetEncryptionStatus, SuspendRoot through IOfflineFilesSuspend (C13.3,
 * C15.16), GetLocation, and every method while the feature is not active
 * (C13.1, before the face's own checks of the path array), with NULL
 * outputs and reference counts back to zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "com/com_sink.h"

typedef struct fixture {
    csc_cache_t *com_side, *c_side;
    IOfflineFilesCache2 *pc;
} fixture_t;

static void build(csc_cache_t **out)
{
    assert_int_equal(csc_cache_new(out, NULL), S_OK);
    csc_cache_t *c = *out;
    assert_int_equal(csc_cache_file(c, "\\\\srv\\docs\\a.txt", true, 100, NULL), S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\srv\\docs\\sub\\b.txt", true, 20, NULL), S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\srv\\other\\c.txt", true, 3, NULL), S_OK);
    assert_int_equal(csc_cache_dir(c, "\\\\srv\\docs\\empty", NULL), S_OK);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    build(&f->com_side);
    build(&f->c_side);
    assert_int_equal(csc_com_create_instance(f->com_side, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesCache2, (void **)&f->pc),
                     S_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 0);
    csc_cache_free(f->com_side);
    csc_cache_free(f->c_side);
    free(f);
    return 0;
}

/* The cache's whole observable state as text. */
static void fingerprint(csc_cache_t *c, char *out, size_t size)
{
    size_t n = 0;
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, c);
    for (csc_item_t *i; (i = csc_subtree_iter_next(&it)) != NULL;) {
        char path[256];
        csc_item_path(i, path, sizeof path);
        n += (size_t)snprintf(out + n, size - n, "%s pins=%x inh=%x dirty=%llu enc=%d susp=%d\n",
                              path, (unsigned)csc_item_pins(i), (unsigned)csc_item_inherit(i),
                              (unsigned long long)csc_item_dirty_bytes(i), csc_item_is_encrypted(i),
                              csc_item_is_suspended_root(i));
    }
    char loc[64];
    csc_cache_location(c, loc, sizeof loc);
    bool e = false, p = false;
    csc_cache_encryption_state(c, &e, &p);
    n += (size_t)snprintf(out + n, size - n, "location=%s renames=%zu enc=%d/%d\n", loc,
                          csc_cache_pending_renames(c), e, p);
    for (size_t k = 0; k < csc_cache_pending_renames(c); k++) {
        const char *from, *to;
        csc_cache_pending_rename(c, k, &from, &to);
        n += (size_t)snprintf(out + n, size - n, "rename %s -> %s\n", from, to);
    }
}

static void same_state(fixture_t *f)
{
    char a[4096], b[4096];
    fingerprint(f->com_side, a, sizeof a);
    fingerprint(f->c_side, b, sizeof b);
    assert_string_equal(a, b);
}

/* Both sides: the same setup step. */
typedef csc_hresult (*step_fn)(csc_cache_t *c);

static void both(fixture_t *f, step_fn fn)
{
    assert_int_equal(fn(f->com_side), fn(f->c_side));
}

static csc_hresult as_admin(csc_cache_t *c)
{
    return csc_cache_set_caller(c, "root", true);
}
static csc_hresult as_bob(csc_cache_t *c)
{
    return csc_cache_set_caller(c, "bob", false);
}
static csc_hresult open_b(csc_cache_t *c)
{
    csc_item_t *i;
    csc_hresult hr = csc_cache_find(c, "\\\\srv\\docs\\sub\\b.txt", &i);
    return hr == CSC_S_OK ? csc_item_open(c, i) : hr;
}
static csc_hresult alice_only_a(csc_cache_t *c)
{
    csc_item_t *i;
    const char *users[] = {"alice"};
    csc_hresult hr = csc_cache_find(c, "\\\\srv\\docs\\a.txt", &i);
    return hr == CSC_S_OK ? csc_item_set_access(c, i, users, 1) : hr;
}
static csc_hresult deactivate(csc_cache_t *c)
{
    csc_hresult hr = csc_cache_set_caller(c, "root", true);
    if (hr == CSC_S_OK)
        hr = csc_feature_enable(c, false, NULL);
    return hr == CSC_S_OK ? csc_cache_restart(c) : hr;
}

/* ---- RenameItemEx, RenameItem (C13.2) ---- */

typedef struct rename_case {
    const char *from, *to;
    LPCWSTR wfrom, wto;
    HRESULT want;
} rename_case_t;

#define RC(from, to, want) {from, to, u"" from, u"" to, want}

static void test_rename_item_ex(void **state)
{
    fixture_t *f = *state;
    const rename_case_t cases[] = {
        RC("\\\\srv\\docs\\gone.txt", "\\\\srv\\docs\\x.txt", CSC_E_FILE_NOT_FOUND),
        RC("srv", "\\\\srv\\docs\\x.txt", CSC_E_INVALID_NAME),
        RC("\\\\srv\\docs\\a.txt", "bad", CSC_E_INVALID_NAME),
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\sub\\a.txt", E_INVALIDARG),  /* depth */
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\other\\a.txt", E_INVALIDARG),      /* share */
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\empty", CSC_E_ALREADY_EXISTS),
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\A.TXT", CSC_E_ALREADY_EXISTS),
        RC("\\\\srv\\docs\\sub\\b.txt", "\\\\srv\\docs\\nodir\\b.txt", CSC_E_PATH_NOT_FOUND),
        RC("\\\\srv\\docs\\sub", "\\\\srv\\docs\\moved", CSC_E_SHARING_VIOLATION), /* b.txt open */
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\z.txt", E_ACCESSDENIED),        /* alice's */
        RC("\\\\srv\\docs\\empty", "\\\\srv\\docs\\full", S_OK),
        RC("\\\\srv\\other", "\\\\srv\\third", S_OK),
        RC("\\\\srv", "\\\\srv2", CSC_E_SHARING_VIOLATION), /* b.txt below */
    };
    both(f, open_b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].want == E_ACCESSDENIED) { /* from here on, a.txt is alice's */
            both(f, alice_only_a);
            both(f, as_bob);
        }
        HRESULT com = f->pc->lpVtbl->RenameItemEx(f->pc, cases[i].wfrom, cases[i].wto, TRUE);
        HRESULT c = csc_rename_item_ex(f->c_side, cases[i].from, cases[i].to, true);
        assert_int_equal(com, c);
        assert_int_equal(com, cases[i].want);
        same_state(f);
    }
    assert_int_equal(f->pc->lpVtbl->RenameItemEx(f->pc, NULL, u"\\\\x\\y", FALSE), E_POINTER);
    assert_int_equal(f->pc->lpVtbl->RenameItemEx(f->pc, u"\\\\srv2", NULL, FALSE), E_POINTER);
    same_state(f);
}

static void test_rename_item(void **state)
{
    fixture_t *f = *state;
    const rename_case_t cases[] = {
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\z.txt", E_ACCESSDENIED), /* not an admin */
        RC("\\\\srv\\docs\\gone.txt", "\\\\srv\\docs\\x.txt", CSC_E_FILE_NOT_FOUND),
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\sub\\a.txt", E_INVALIDARG),
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\empty", CSC_E_ALREADY_EXISTS),
        RC("\\\\srv\\docs\\sub", "\\\\srv\\docs\\moved", S_OK), /* open files: no matter */
        RC("\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\z.txt", S_OK),
    };
    both(f, open_b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (i == 1)
            both(f, as_admin);
        HRESULT com = f->pc->lpVtbl->RenameItem(f->pc, cases[i].wfrom, cases[i].wto, FALSE);
        HRESULT c = csc_rename_item(f->c_side, cases[i].from, cases[i].to, false);
        assert_int_equal(com, c);
        assert_int_equal(com, cases[i].want);
        same_state(f);
    }
    assert_int_equal(csc_cache_pending_renames(f->com_side), 2);
    both(f, csc_cache_restart);
    same_state(f);
    csc_item_t *i;
    assert_int_equal(csc_cache_find(f->com_side, "\\\\srv\\docs\\moved\\b.txt", &i), S_OK);
}

/* ---- Encrypt, GetEncryptionStatus (C13.4) ---- */

static void test_encrypt(void **state)
{
    fixture_t *f = *state;
    both(f, open_b);
    sink_t s;
    sink_init(&s);
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, TRUE, 0x800, FALSE, &s.sync_iface),
                     csc_encrypt(f->c_side, true, 0x800, NULL, NULL));
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x80070020\n"
                               "ItemBegin \\\\srv\\other\\c.txt\n"
                               "ItemResult \\\\srv\\other\\c.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    same_state(f);
    BOOL enc = FALSE, partial = FALSE;
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, &enc, &partial), S_OK);
    assert_true(enc);
    assert_true(partial); /* b.txt was open */
    /* An ABORT answer: cancelled, nothing rolled back (C4.6). */
    sink_init(&s);
    s.answer_path = "a.txt";
    s.answer_begin = OFFLINEFILES_OP_ABORT;
    s.answers_left = 1;
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, FALSE, 0, FALSE, &s.sync_iface),
                     CSC_E_CANCELLED);
    assert_string_equal(s.log, "Begin\nItemBegin \\\\srv\\docs\\a.txt\nEnd 0x800704C7\n");
    assert_int_equal(csc_encrypt(f->c_side, false, 0, NULL, NULL), S_OK);
    /* (the C side ran to its end: compare the configured state only) */
    bool e = true;
    csc_cache_encryption_state(f->com_side, &e, NULL);
    assert_false(e);
    /* Bad flags: E_INVALIDARG, no event, nothing changes. */
    sink_init(&s);
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, TRUE, 0x1, FALSE, &s.sync_iface),
                     E_INVALIDARG);
    assert_string_equal(s.log, "");
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, NULL, &partial), E_POINTER);
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, &enc, NULL), E_POINTER);
}

/* ---- SuspendRoot through IOfflineFilesSuspend (C13.3) ---- */

static void test_suspend_root(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *item = NULL;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs\\sub", 0, &item), S_OK);
    IOfflineFilesSuspend *sus = NULL;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesSuspend, (void **)&sus),
                     S_OK);
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, TRUE),
                     csc_suspend_root(f->c_side, "\\\\srv\\docs\\sub", true));
    same_state(f);
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, FALSE),
                     csc_suspend_root(f->c_side, "\\\\srv\\docs\\sub", false));
    same_state(f);
    /* The directory gone from the cache: 0x80070002. */
    LPCWSTR p[] = {u"\\\\srv\\docs\\sub"};
    const char *cp[] = {"\\\\srv\\docs\\sub"};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, p, 1, 0, FALSE, NULL),
                     csc_delete_items(f->c_side, cp, 1, 0, NULL, NULL));
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, TRUE), CSC_E_FILE_NOT_FOUND);
    same_state(f);
    assert_int_equal(sus->lpVtbl->Release(sus), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

/* ---- the feature not active (C13.1): every method refused first ---- */

static void test_not_active(void **state)
{
    fixture_t *f = *state;
    both(f, deactivate);
    IOfflineFilesCache2 *pc = f->pc;
    LPCWSTR p[] = {u"\\\\srv\\docs\\a.txt"};
    LPCWSTR bad[] = {NULL};
    const HRESULT na = CSC_E_SERVICE_NOT_ACTIVE;
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, p, 1, FALSE, FALSE, 0x20, NULL), na);
    assert_int_equal(pc->lpVtbl->Unpin(pc, NULL, p, 1, FALSE, FALSE, 0x20, NULL), na);
    assert_int_equal(pc->lpVtbl->Synchronize(pc, NULL, p, 1, FALSE, 0x6, NULL, NULL, NULL), na);
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, p, 1, 0, FALSE, NULL), na);
    assert_int_equal(pc->lpVtbl->Encrypt(pc, NULL, TRUE, 0, FALSE, NULL), na);
    assert_int_equal(pc->lpVtbl->RenameItemEx(pc, p[0], u"\\\\srv\\docs\\z.txt", FALSE), na);
    assert_int_equal(pc->lpVtbl->RenameItem(pc, p[0], u"\\\\srv\\docs\\z.txt", FALSE), na);
    assert_int_equal(pc->lpVtbl->SetDiskSpaceLimits(pc, 10, 10), na);
    BOOL e = TRUE, partial = TRUE;
    assert_int_equal(pc->lpVtbl->GetEncryptionStatus(pc, &e, &partial),
                     csc_get_encryption_status(f->c_side, NULL, NULL));
    /* The answers are the C API's, also for a malformed call (C13.1: the
     * refusal comes before validation). */
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, p, 1, FALSE, FALSE, 0x1, NULL),
                     csc_pin(f->c_side, (const char *const[]){"\\\\srv\\docs\\a.txt"}, 1, 0x1,
                             false, NULL, NULL));
    /* A NULL inside the path array (C16.7's E_INVALIDARG) comes after. */
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, bad, 1, FALSE, FALSE, 0x20, NULL), na);
    same_state(f);
}

/* ---- GetLocation ---- */

static void test_location(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(csc_cache_set_location(f->com_side, "E:\\Offline \xE2\x82\xAC"), S_OK); /* € */
    LPWSTR loc = NULL;
    assert_int_equal(f->pc->lpVtbl->GetLocation(f->pc, &loc), S_OK);
    assert_memory_equal(loc, u"E:\\Offline \u20AC", sizeof(u"E:\\Offline \u20AC"));
    CoTaskMemFree(loc);
    assert_int_equal(f->pc->lpVtbl->GetLocation(f->pc, NULL), E_POINTER);
    /* Task memory the client allocates, the face frees (C12.5's new names). */
    void *block = CoTaskMemAlloc(16);
    assert_non_null(block);
    csc_com_free(block);
    block = csc_com_alloc(0);
    assert_non_null(block);
    CoTaskMemFree(block);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rename_item_ex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspend_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_active, setup, teardown),
        cmocka_unit_test_setup_teardown(test_location, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
