/*
 * com/item_info.c: what an item object knows of its item (C16.2, C13.5):
 * the snapshot read when the object is made and at Refresh (pin state,
 * dirty state, sizes, the remote twin's size and last change, whether the
 * file is changed on the server, and the connect state when asked for with
 * OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE), the connect state with its
 * offline reason (C10.5), and FileSysInfo's times as FILETIMEs of the
 * virtual clock. Reads go through the public C API only.
 */
#include <string.h>

#include "com_private.h"

/* 2000-01-01 00:00:00 UTC in FILETIME units (100 ns since 1601-01-01). */
#define FILETIME_2000 125911584000000000ull
#define FILETIME_PER_SECOND 10000000ull

FILETIME com_filetime(uint64_t clock)
{
    uint64_t v = FILETIME_2000 + clock * FILETIME_PER_SECOND;
    if (clock > (UINT64_MAX - FILETIME_2000) / FILETIME_PER_SECOND)
        v = UINT64_MAX; /* beyond FILETIME's range: the last instant */
    FILETIME ft = {(DWORD)(v & 0xFFFFFFFFu), (DWORD)(v >> 32)};
    return ft;
}

HRESULT com_connect_state(csc_cache_t *cache, const char *path, csc_connect_state_t *state,
                          csc_offline_reason_t *reason)
{
    bool locked = com_read_lock(cache);
    HRESULT hr = csc_connect_state(cache, path, state, reason);
    csc_item_t *item = NULL;
    if (SUCCEEDED(hr) && FAILED(csc_cache_find(cache, path, &item)))
        item = NULL;
    bool suspended = item != NULL && csc_item_is_suspended(item);
    bool conflict = item != NULL && csc_item_conflict(item) != CSC_SYNC_STATE_STABLE;
    com_read_unlock(cache, locked);
    if (FAILED(hr)) {
        *state = CSC_CONNECT_STATE_UNKNOWN;
        *reason = CSC_OFFLINE_REASON_UNKNOWN;
        return hr;
    }
    /* C10.5, last paragraph: an item online by its scope reports OFFLINE
     * with ITEM_SUSPENDED in a suspended tree (C13.3), then OFFLINE with
     * ITEM_VERSION_CONFLICT with an unresolved conflict (C12.6).
     * csc_connect_state gives ITEM_SUSPENDED itself and leaves the conflict
     * open (an extension point of src/remote/connect.c); once it gives
     * both, this changes nothing. */
    if (*state == CSC_CONNECT_STATE_ONLINE && (suspended || conflict)) {
        *state = CSC_CONNECT_STATE_OFFLINE;
        *reason = suspended ? CSC_OFFLINE_REASON_ITEM_SUSPENDED
                            : CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT;
    }
    return S_OK;
}

void com_snapshot_read(csc_cache_t *cache, const csc_item_t *item, const char *path,
                       DWORD query_flags, com_snapshot_t *s)
{
    memset(s, 0, sizeof *s);
    s->pins = csc_item_pins(item);
    s->inherit = csc_item_inherit(item);
    s->attributes = csc_item_attributes(item);
    s->partly = csc_item_is_partly_pinned(item);
    s->dirty = csc_item_is_dirty(item);
    s->dirty_bytes = csc_item_dirty_bytes(item);
    s->encrypted = csc_item_is_encrypted(item);
    s->suspended = csc_item_is_suspended(item);
    s->suspended_root = csc_item_is_suspended_root(item);
    s->size = csc_item_size(item);
    s->last_use = csc_item_last_use(item);
    s->changed_on_server = csc_item_changed_on_server(item);
    s->sparse = csc_item_is_sparse(item);
    s->created_offline = csc_item_is_created_offline(item);
    s->deleted_offline = csc_item_is_deleted_offline(item);
    s->conflict = (int)csc_item_conflict(item);
    s->has_local_change = csc_item_local_change_time(item, &s->local_change);
    csc_item_type_t rtype;
    uint64_t rsize = 0, rchange = 0;
    if (SUCCEEDED(csc_remote_item(cache, path, &rtype, &rsize, NULL, &rchange)) &&
        rtype == csc_item_type(item)) {
        s->remote_known = true;
        s->remote_size = rsize;
        s->remote_change = rchange;
    }
    if ((query_flags & OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE) != 0)
        s->has_conn = SUCCEEDED(com_connect_state(cache, path, &s->conn, &s->reason));
}

/*
 * C13.5: LOCAL and ORIGINAL give the item's times; REMOTE is reserved and
 * reports zeros. The original copy's creation, last write and change are
 * its server's last change (C10.1) while the file is not changed on the
 * server (the twin is then that version), else zero (not kept). The local
 * copy's are the file's local last change (C15.9) when it has one, else
 * the original's. Last access is the item's last use (C5.4) for LOCAL,
 * zero for ORIGINAL.
 */
HRESULT com_snapshot_times(const com_snapshot_t *s, OFFLINEFILES_ITEM_COPY copy, FILETIME t[4])
{
    FILETIME zero = {0, 0};
    for (int i = 0; i < 4; i++)
        t[i] = zero;
    switch (copy) {
    case OFFLINEFILES_ITEM_COPY_LOCAL:
    case OFFLINEFILES_ITEM_COPY_ORIGINAL:
        break;
    case OFFLINEFILES_ITEM_COPY_REMOTE:
        return S_OK;
    default:
        return E_INVALIDARG;
    }
    if (s->remote_known && !s->changed_on_server)
        t[0] = t[1] = t[2] = com_filetime(s->remote_change);
    if (copy == OFFLINEFILES_ITEM_COPY_LOCAL) {
        if (s->has_local_change)
            t[0] = t[1] = t[2] = com_filetime(s->local_change);
        t[3] = com_filetime(s->last_use);
    }
    return S_OK;
}
