/*
 * tests/test_com__items.c: the COM face's item objects and enumerators
 * (C16.1, C16.2): which interfaces each item type implements and which give
 * E_NOINTERFACE, QueryInterface identity, GetItemType, GetPath in task
 * memory, GetParentItem up to the server (ERROR_NOT_SUPPORTED there),
 * snapshots and Refresh (0x80070002 once the item has left the cache),
 * PinInfo and PinInfo2 (C3.2, C3.5), DirtyInfo and ChangeInfo (C5.1,
 * C13.5), ConnectionInfo, ShareInfo and FileSysInfo by item type, an
 * IOfflineFilesSuspend and SuspendInfo (C13.3), an
 * item's IOfflineFilesItemContainer, IEnumOfflineFilesItems' Next (S_FALSE
 * when fewer than asked), Skip, Reset and Clone, NULL arguments, and every
 * object's reference count back to zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "com/com_fixture.h"
#include "com/com_sink.h"

static int setup(void **state)
{
    static const com_file_t files[] = {
        {"\\\\srv\\docs\\a.txt", 100},
        {"\\\\srv\\docs\\sub\\b.txt", 20},
        {"\\\\srv\\docs\\sub\\c.txt", 30},
    };
    return com_fixture_setup(state, files, sizeof files / sizeof files[0]);
}

static bool has(IOfflineFilesItem *item, const GUID *iid)
{
    IUnknown *u = (IUnknown *)1;
    HRESULT hr = item->lpVtbl->QueryInterface(item, iid, (void **)&u);
    if (hr == S_OK) {
        u->lpVtbl->Release(u);
        return true;
    }
    assert_int_equal(hr, E_NOINTERFACE);
    assert_null(u);
    return false;
}

/* C16.1, C16.9: every interface of every item type. */
static void test_interfaces_by_type(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *server = com_find(f, u"\\\\srv", 0);
    IOfflineFilesItem *share = com_find(f, u"\\\\srv\\docs", 0);
    IOfflineFilesItem *dir = com_find(f, u"\\\\srv\\docs\\sub", 0);
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesItem *all[4] = {server, share, dir, file};
    const GUID *type_iids[4] = {&IID_IOfflineFilesServerItem, &IID_IOfflineFilesShareItem,
                                &IID_IOfflineFilesDirectoryItem, &IID_IOfflineFilesFileItem};
    for (int i = 0; i < 4; i++) {
        assert_true(has(all[i], &IID_IUnknown));
        assert_true(has(all[i], &IID_IOfflineFilesItem));
        for (int j = 0; j < 4; j++)
            assert_int_equal(has(all[i], type_iids[j]), i == j);
        assert_int_equal(has(all[i], &IID_IOfflineFilesItemContainer), i != 3);
        assert_int_equal(has(all[i], &IID_IOfflineFilesPinInfo), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesPinInfo2), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesChangeInfo), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesDirtyInfo), i == 3);
        assert_int_equal(has(all[i], &IID_IOfflineFilesSuspendInfo), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesSuspend), i == 1 || i == 2);
        assert_int_equal(has(all[i], &IID_IOfflineFilesConnectionInfo), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesShareInfo), i != 0);
        assert_int_equal(has(all[i], &IID_IOfflineFilesFileSysInfo), i == 2 || i == 3);
        assert_false(has(all[i], &IID_IOfflineFilesGhostInfo));
        assert_false(has(all[i], &IID_IOfflineFilesTransparentCacheInfo));
        assert_false(has(all[i], &IID_IOfflineFilesCache));
        assert_false(has(all[i], &IID_IOfflineFilesSyncProgress));
        assert_int_equal(all[i]->lpVtbl->QueryInterface(all[i], &IID_IUnknown, NULL), E_POINTER);
        OFFLINEFILES_ITEM_TYPE type;
        assert_int_equal(all[i]->lpVtbl->GetItemType(all[i], &type), S_OK);
        assert_int_equal(type, 3 - i);
        assert_int_equal(all[i]->lpVtbl->GetItemType(all[i], NULL), E_POINTER);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(all[i]->lpVtbl->Release(all[i]), 0);
}

static void test_identity_and_counts(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesPinInfo2 *pin;
    IOfflineFilesDirtyInfo *dirty;
    IUnknown *u1, *u2;
    assert_int_equal(file->lpVtbl->QueryInterface(file, &IID_IOfflineFilesPinInfo2, (void **)&pin),
                     S_OK);
    assert_int_equal(pin->lpVtbl->QueryInterface(pin, &IID_IOfflineFilesDirtyInfo, (void **)&dirty),
                     S_OK);
    assert_int_equal(dirty->lpVtbl->QueryInterface(dirty, &IID_IUnknown, (void **)&u1), S_OK);
    assert_int_equal(file->lpVtbl->QueryInterface(file, &IID_IUnknown, (void **)&u2), S_OK);
    assert_ptr_equal(u1, u2);
    assert_ptr_equal((void *)u1, (void *)file);
    assert_int_equal(u1->lpVtbl->Release(u1), 4);
    assert_int_equal(u2->lpVtbl->Release(u2), 3);
    assert_int_equal(dirty->lpVtbl->Release(dirty), 2);
    assert_int_equal(file->lpVtbl->Release(file), 1);
    /* The object lives while any interface holds it. */
    BOOL b;
    assert_int_equal(pin->lpVtbl->IsPinned(pin, &b), S_OK);
    assert_int_equal(pin->lpVtbl->Release(pin), 0);
}

static void test_path_and_parent(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *item = com_find(f, u"\\\\SRV\\docs\\.\\sub\\B.TXT", 0);
    LPWSTR path;
    assert_int_equal(item->lpVtbl->GetPath(item, &path), S_OK);
    assert_memory_equal(path, u"\\\\srv\\docs\\sub\\b.txt", sizeof(u"\\\\srv\\docs\\sub\\b.txt"));
    CoTaskMemFree(path);
    assert_int_equal(item->lpVtbl->GetPath(item, NULL), E_POINTER);
    /* Up to the server; the server has none (C16.2). */
    const WCHAR *expect[] = {u"\\\\srv\\docs\\sub", u"\\\\srv\\docs", u"\\\\srv"};
    for (int i = 0; i < 3; i++) {
        IOfflineFilesItem *parent = NULL;
        assert_int_equal(item->lpVtbl->GetParentItem(item, &parent), S_OK);
        assert_int_equal(parent->lpVtbl->GetPath(parent, &path), S_OK);
        size_t n = 0;
        while (expect[i][n] != 0)
            n++;
        assert_memory_equal(path, expect[i], (n + 1) * sizeof(WCHAR));
        csc_com_free(path);
        assert_int_equal(item->lpVtbl->Release(item), 0);
        item = parent;
    }
    IOfflineFilesItem *none = (IOfflineFilesItem *)1;
    assert_int_equal(item->lpVtbl->GetParentItem(item, &none), CSC_COM_HR(0x80070032u));
    assert_null(none);
    assert_int_equal(item->lpVtbl->GetParentItem(item, NULL), E_POINTER);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

static void test_snapshot_and_refresh(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *item = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesPinInfo *pin;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesPinInfo, (void **)&pin),
                     S_OK);
    const char *paths[] = {"\\\\srv\\docs\\a.txt"};
    assert_int_equal(csc_pin(f->cache, paths, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL), S_OK);
    BOOL pinned, inherit;
    /* A snapshot: the pin is not seen until Refresh (C16.2). */
    assert_int_equal(pin->lpVtbl->IsPinned(pin, &pinned), S_OK);
    assert_false(pinned);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), S_OK);
    assert_int_equal(pin->lpVtbl->IsPinned(pin, &pinned), S_OK);
    assert_true(pinned);
    assert_int_equal(pin->lpVtbl->IsPinnedForComputer(pin, &pinned, &inherit), S_OK);
    assert_true(pinned);
    assert_false(inherit);
    assert_int_equal(pin->lpVtbl->IsPinnedForUser(pin, &pinned, &inherit), S_OK);
    assert_false(pinned);
    assert_int_equal(pin->lpVtbl->IsPinnedForUser(pin, NULL, &inherit), E_POINTER);
    assert_int_equal(item->lpVtbl->Refresh(item, 0x40), E_INVALIDARG);
    /* Gone from the cache: Refresh gives 0x80070002; the snapshot stays. */
    assert_int_equal(csc_delete_items(f->cache, paths, 1, 0, NULL, NULL), S_OK);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), CSC_E_FILE_NOT_FOUND);
    LPWSTR path;
    assert_int_equal(item->lpVtbl->GetPath(item, &path), S_OK);
    csc_com_free(path);
    IOfflineFilesItem *parent = (IOfflineFilesItem *)1;
    assert_int_equal(item->lpVtbl->GetParentItem(item, &parent), CSC_E_FILE_NOT_FOUND);
    assert_null(parent);
    assert_int_equal(pin->lpVtbl->Release(pin), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

static void test_pin_info_inherit_and_partly(void **state)
{
    fixture_t *f = *state;
    const char *paths[] = {"\\\\srv\\docs\\sub"};
    assert_int_equal(csc_pin(f->cache, paths, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), S_OK);
    IOfflineFilesItem *dir = com_find(f, u"\\\\srv\\docs\\sub", 0);
    IOfflineFilesItem *share = com_find(f, u"\\\\srv\\docs", 0);
    IOfflineFilesPinInfo2 *p;
    BOOL pinned, inherit, partly;
    assert_int_equal(dir->lpVtbl->QueryInterface(dir, &IID_IOfflineFilesPinInfo2, (void **)&p),
                     S_OK);
    assert_int_equal(p->lpVtbl->IsPinnedForUser(p, &pinned, &inherit), S_OK);
    assert_true(pinned);
    assert_true(inherit);
    assert_int_equal(p->lpVtbl->IsPinnedForUserByPolicy(p, &pinned, &inherit), S_OK);
    assert_false(pinned);
    assert_int_equal(p->lpVtbl->IsPinnedForFolderRedirection(p, &pinned, &inherit), S_OK);
    assert_false(pinned);
    assert_int_equal(p->lpVtbl->IsPartlyPinned(p, &partly), S_OK);
    assert_false(partly);
    assert_int_equal(p->lpVtbl->IsPartlyPinned(p, NULL), E_POINTER);
    assert_int_equal(p->lpVtbl->Release(p), 1);
    assert_int_equal(share->lpVtbl->QueryInterface(share, &IID_IOfflineFilesPinInfo2, (void **)&p),
                     S_OK);
    assert_int_equal(p->lpVtbl->IsPartlyPinned(p, &partly), S_OK);
    assert_true(partly); /* C3.5 */
    assert_int_equal(p->lpVtbl->IsPinned(p, &pinned), S_OK);
    assert_false(pinned);
    assert_int_equal(p->lpVtbl->Release(p), 1);
    assert_int_equal(dir->lpVtbl->Release(dir), 0);
    assert_int_equal(share->lpVtbl->Release(share), 0);
}

static void test_dirty_and_change_info(void **state)
{
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 4096), S_OK);
    IOfflineFilesItem *item = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesDirtyInfo *d;
    IOfflineFilesChangeInfo *c;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesDirtyInfo, (void **)&d),
                     S_OK);
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesChangeInfo, (void **)&c),
                     S_OK);
    LARGE_INTEGER n;
    assert_int_equal(d->lpVtbl->LocalDirtyByteCount(d, &n), S_OK);
    assert_int_equal(n.QuadPart, 4096);
    assert_int_equal(d->lpVtbl->RemoteDirtyByteCount(d, &n), S_OK);
    assert_int_equal(n.QuadPart, 0);
    assert_int_equal(d->lpVtbl->LocalDirtyByteCount(d, NULL), E_POINTER);
    BOOL b;
    assert_int_equal(c->lpVtbl->IsDirty(c, &b), S_OK);
    assert_true(b);
    assert_int_equal(c->lpVtbl->IsLocallyModifiedData(c, &b), S_OK);
    assert_true(b);
    assert_int_equal(c->lpVtbl->IsDeletedOffline(c, &b), S_OK);
    assert_false(b);
    assert_int_equal(c->lpVtbl->IsCreatedOffline(c, &b), S_OK);
    assert_false(b);
    assert_int_equal(c->lpVtbl->IsLocallyModifiedAttributes(c, &b), S_OK);
    assert_false(b);
    assert_int_equal(c->lpVtbl->IsLocallyModifiedTime(c, &b), S_OK);
    assert_true(b); /* C13.5: data and time, for a file modified offline */
    assert_int_equal(c->lpVtbl->IsDirty(c, NULL), E_POINTER);
    /* Synchronized: clean after Refresh. */
    assert_int_equal(csc_item_mark_synchronized(f->cache, a), S_OK);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), S_OK);
    assert_int_equal(c->lpVtbl->IsDirty(c, &b), S_OK);
    assert_false(b);
    assert_int_equal(d->lpVtbl->LocalDirtyByteCount(d, &n), S_OK);
    assert_int_equal(n.QuadPart, 0);
    /* File item methods. */
    IOfflineFilesFileItem *fi;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesFileItem, (void **)&fi),
                     S_OK);
    assert_int_equal(fi->lpVtbl->IsSparse(fi, &b), S_OK);
    assert_false(b);
    assert_int_equal(fi->lpVtbl->IsEncrypted(fi, &b), S_OK);
    assert_false(b);
    assert_int_equal(fi->lpVtbl->IsMarkedForDeletion(fi, &b), S_OK);
    assert_false(b);
    assert_int_equal(fi->lpVtbl->IsSparse(fi, NULL), E_POINTER);
    assert_int_equal(fi->lpVtbl->Release(fi), 3);
    assert_int_equal(d->lpVtbl->Release(d), 2);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

static void test_enumerator(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *share = com_find(f, u"\\\\srv\\docs", 0);
    IOfflineFilesItemContainer *c;
    assert_int_equal(share->lpVtbl->QueryInterface(share, &IID_IOfflineFilesItemContainer,
                                                   (void **)&c),
                     S_OK);
    IEnumOfflineFilesItems *e, *clone;
    assert_int_equal(c->lpVtbl->EnumItems(c, 0, &e), S_OK);
    IOfflineFilesItem *got[4] = {NULL};
    ULONG n = 0;
    assert_int_equal(e->lpVtbl->Next(e, 2, NULL, &n), E_POINTER);
    assert_int_equal(e->lpVtbl->Next(e, 2, got, NULL), E_INVALIDARG);
    assert_int_equal(e->lpVtbl->Next(e, 1, got, NULL), S_OK); /* a.txt */
    LPWSTR path;
    assert_int_equal(got[0]->lpVtbl->GetPath(got[0], &path), S_OK);
    assert_memory_equal(path, u"\\\\srv\\docs\\a.txt", sizeof(u"\\\\srv\\docs\\a.txt"));
    csc_com_free(path);
    assert_int_equal(got[0]->lpVtbl->Release(got[0]), 1); /* the enumerator holds it too */
    assert_int_equal(e->lpVtbl->Clone(e, &clone), S_OK);
    assert_int_equal(e->lpVtbl->Clone(e, NULL), E_POINTER);
    /* C16.2: fewer than asked is S_FALSE. */
    assert_int_equal(e->lpVtbl->Next(e, 4, got, &n), S_FALSE);
    assert_int_equal(n, 1); /* sub */
    /* Held by the enumerator and by its clone. */
    assert_int_equal(got[0]->lpVtbl->Release(got[0]), 2);
    assert_int_equal(e->lpVtbl->Next(e, 1, got, &n), S_FALSE);
    assert_int_equal(n, 0);
    assert_int_equal(e->lpVtbl->Reset(e), S_OK);
    assert_int_equal(e->lpVtbl->Skip(e, 1), S_OK);
    assert_int_equal(e->lpVtbl->Skip(e, 5), S_FALSE);
    /* The clone kept its own position (after a.txt). */
    assert_int_equal(clone->lpVtbl->Next(clone, 1, got, &n), S_OK);
    assert_int_equal(got[0]->lpVtbl->GetItemType(got[0], &(OFFLINEFILES_ITEM_TYPE){0}), S_OK);
    OFFLINEFILES_ITEM_TYPE t;
    got[0]->lpVtbl->GetItemType(got[0], &t);
    assert_int_equal(t, OFFLINEFILES_ITEM_TYPE_DIRECTORY);
    got[0]->lpVtbl->Release(got[0]);
    IUnknown *u;
    assert_int_equal(clone->lpVtbl->QueryInterface(clone, &IID_IEnumOfflineFilesItems, (void **)&u),
                     S_OK);
    assert_int_equal(u->lpVtbl->Release(u), 1);
    assert_int_equal(clone->lpVtbl->QueryInterface(clone, &IID_IOfflineFilesItem, (void **)&u),
                     E_NOINTERFACE);
    assert_int_equal(clone->lpVtbl->Release(clone), 0);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    /* Flat below the share: sub, a.txt... every descendant (4); files: 3. */
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT, 0,
                                            &e),
                     S_OK);
    assert_int_equal(e->lpVtbl->Next(e, 4, got, &n), S_OK);
    assert_int_equal(n, 4);
    for (int i = 0; i < 4; i++)
        got[i]->lpVtbl->Release(got[i]);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL,
                                            OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
                                            0, &e),
                     S_OK);
    assert_int_equal(e->lpVtbl->Next(e, 4, got, &n), S_FALSE);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(got[i]->lpVtbl->Release(got[i]), 1);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    /* The container of an item gone from the cache: 0x80070002. */
    const char *paths[] = {"\\\\srv\\docs"};
    assert_int_equal(csc_delete_items(f->cache, paths, 1, 0, NULL, NULL), S_OK);
    e = (IEnumOfflineFilesItems *)1;
    assert_int_equal(c->lpVtbl->EnumItems(c, 0, &e), CSC_E_FILE_NOT_FOUND);
    assert_null(e);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(share->lpVtbl->Release(share), 0);
}

/* IOfflineFilesSuspend and IOfflineFilesSuspendInfo (C13.3). */
static void test_suspend(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *dir = com_find(f, u"\\\\srv\\docs\\sub", 0);
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\sub\\b.txt", 0);
    IOfflineFilesSuspend *sus;
    IOfflineFilesSuspendInfo *dinfo, *finfo;
    assert_int_equal(dir->lpVtbl->QueryInterface(dir, &IID_IOfflineFilesSuspend, (void **)&sus),
                     S_OK);
    assert_int_equal(dir->lpVtbl->QueryInterface(dir, &IID_IOfflineFilesSuspendInfo,
                                                 (void **)&dinfo),
                     S_OK);
    assert_int_equal(file->lpVtbl->QueryInterface(file, &IID_IOfflineFilesSuspendInfo,
                                                  (void **)&finfo),
                     S_OK);
    BOOL suspended = TRUE, root = TRUE;
    assert_int_equal(dinfo->lpVtbl->IsSuspended(dinfo, &suspended, &root), S_OK);
    assert_false(suspended);
    assert_false(root);
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, TRUE), S_OK);
    /* Snapshots: seen after Refresh. */
    assert_int_equal(dir->lpVtbl->Refresh(dir, 0), S_OK);
    assert_int_equal(file->lpVtbl->Refresh(file, 0), S_OK);
    assert_int_equal(dinfo->lpVtbl->IsSuspended(dinfo, &suspended, &root), S_OK);
    assert_true(suspended);
    assert_true(root);
    assert_int_equal(finfo->lpVtbl->IsSuspended(finfo, &suspended, &root), S_OK);
    assert_true(suspended);
    assert_false(root);
    assert_int_equal(finfo->lpVtbl->IsSuspended(finfo, NULL, &root), E_POINTER);
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, FALSE), S_OK);
    assert_int_equal(file->lpVtbl->Refresh(file, 0), S_OK);
    assert_int_equal(finfo->lpVtbl->IsSuspended(finfo, &suspended, &root), S_OK);
    assert_false(suspended);
    /* The directory gone: the C API's 0x80070002. */
    const char *paths[] = {"\\\\srv\\docs\\sub"};
    assert_int_equal(csc_delete_items(f->cache, paths, 1, 0, NULL, NULL), S_OK);
    assert_int_equal(sus->lpVtbl->SuspendRoot(sus, TRUE), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(sus->lpVtbl->Release(sus), 2);
    assert_int_equal(dinfo->lpVtbl->Release(dinfo), 1);
    assert_int_equal(finfo->lpVtbl->Release(finfo), 1);
    assert_int_equal(dir->lpVtbl->Release(dir), 0);
    assert_int_equal(file->lpVtbl->Release(file), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_interfaces_by_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_and_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_and_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_and_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_info_inherit_and_partly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dirty_and_change_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enumerator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspend, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
