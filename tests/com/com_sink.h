/*
 * tests/com/com_sink.h: a client-side progress object for the COM face's
 * tests. One object implements both IOfflineFilesSyncProgress and
 * IOfflineFilesSimpleProgress (two interfaces, one reference count),
 * records every call as a line of text, records its reference count as
 * seen at Begin and End, gives configurable answers, and can run a hook
 * inside SyncItemBegin (for re-entrancy tests).
 */
#ifndef CSC_TEST_COM_SINK_H
#define CSC_TEST_COM_SINK_H

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

typedef struct sink {
    IOfflineFilesSyncProgress sync_iface;
    IOfflineFilesSimpleProgress simple_iface;
    atomic_long ref;
    char log[4096];
    long ref_at_begin, ref_at_end;
    BOOL abort_at_begin;
    /* Answer for the item whose path ends with `answer_path` (NULL: none). */
    const char *answer_path;
    OFFLINEFILES_OP_RESPONSE answer_begin, answer_result;
    int answers_left; /* how many times the answer is given */
    void (*hook)(struct sink *s, LPCWSTR path);
    void *hook_data;
} sink_t;

/* WTF-16 to printable ASCII for the log: others as \uXXXX. */
static inline void sink_w(char *out, size_t size, LPCWSTR s)
{
    size_t o = 0;
    for (; *s != 0 && o + 8 < size; s++) {
        if (*s < 0x80)
            out[o++] = (char)*s;
        else
            o += (size_t)snprintf(out + o, size - o, "\\u%04X", (unsigned)*s);
    }
    out[o] = '\0';
}

static inline void sink_log(sink_t *s, const char *line)
{
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s\n", line);
}

static inline sink_t *sink_from_sync(IOfflineFilesSyncProgress *i)
{
    return (sink_t *)((char *)i - offsetof(sink_t, sync_iface));
}
static inline sink_t *sink_from_simple(IOfflineFilesSimpleProgress *i)
{
    return (sink_t *)((char *)i - offsetof(sink_t, simple_iface));
}

static inline HRESULT sink_qi(sink_t *s, REFIID riid, void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesProgress) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesSyncProgress))
        *ppv = &s->sync_iface;
    else if (csc_com_guid_equal(riid, &IID_IOfflineFilesSimpleProgress))
        *ppv = &s->simple_iface;
    else {
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    atomic_fetch_add(&s->ref, 1);
    return S_OK;
}

static inline OFFLINEFILES_OP_RESPONSE sink_answer(sink_t *s, const char *path, bool begin)
{
    size_t n = strlen(path), m = s->answer_path ? strlen(s->answer_path) : 0;
    if (s->answer_path == NULL || s->answers_left == 0 || n < m ||
        strcmp(path + n - m, s->answer_path) != 0)
        return OFFLINEFILES_OP_CONTINUE;
    OFFLINEFILES_OP_RESPONSE r = begin ? s->answer_begin : s->answer_result;
    if (r != OFFLINEFILES_OP_CONTINUE)
        s->answers_left--;
    return r;
}

static inline HRESULT sink_begin(sink_t *s, BOOL *abort)
{
    s->ref_at_begin = atomic_load(&s->ref);
    sink_log(s, "Begin");
    *abort = s->abort_at_begin;
    return S_OK;
}
static inline HRESULT sink_query_abort(sink_t *s, BOOL *abort)
{
    (void)s;
    *abort = FALSE;
    return S_OK;
}
static inline HRESULT sink_end(sink_t *s, HRESULT hr)
{
    char line[64];
    s->ref_at_end = atomic_load(&s->ref);
    snprintf(line, sizeof line, "End 0x%08X", (unsigned)hr);
    sink_log(s, line);
    return S_OK;
}
static inline HRESULT sink_item_begin(sink_t *s, LPCWSTR file, OFFLINEFILES_OP_RESPONSE *r)
{
    char path[512], line[600];
    sink_w(path, sizeof path, file);
    snprintf(line, sizeof line, "ItemBegin %s", path);
    sink_log(s, line);
    if (s->hook != NULL)
        s->hook(s, file);
    *r = sink_answer(s, path, true);
    return S_OK;
}
static inline HRESULT sink_item_result(sink_t *s, LPCWSTR file, HRESULT hr,
                                       OFFLINEFILES_OP_RESPONSE *r)
{
    char path[512], line[600];
    sink_w(path, sizeof path, file);
    snprintf(line, sizeof line, "ItemResult %s 0x%08X", path, (unsigned)hr);
    sink_log(s, line);
    *r = sink_answer(s, path, false);
    return S_OK;
}

#define SINK_IUNKNOWN(prefix, Iface, from)                                               \
    static HRESULT STDMETHODCALLTYPE prefix##_qi(Iface *i, REFIID riid, void **ppv)      \
    {                                                                                    \
        return sink_qi(from(i), riid, ppv);                                              \
    }                                                                                    \
    static ULONG STDMETHODCALLTYPE prefix##_addref(Iface *i)                             \
    {                                                                                    \
        return (ULONG)(atomic_fetch_add(&from(i)->ref, 1) + 1);                          \
    }                                                                                    \
    static ULONG STDMETHODCALLTYPE prefix##_release(Iface *i)                            \
    {                                                                                    \
        return (ULONG)(atomic_fetch_sub(&from(i)->ref, 1) - 1);                          \
    }                                                                                    \
    static HRESULT STDMETHODCALLTYPE prefix##_begin(Iface *i, BOOL *a)                   \
    {                                                                                    \
        return sink_begin(from(i), a);                                                   \
    }                                                                                    \
    static HRESULT STDMETHODCALLTYPE prefix##_query_abort(Iface *i, BOOL *a)             \
    {                                                                                    \
        return sink_query_abort(from(i), a);                                             \
    }                                                                                    \
    static HRESULT STDMETHODCALLTYPE prefix##_end(Iface *i, HRESULT hr)                  \
    {                                                                                    \
        return sink_end(from(i), hr);                                                    \
    }

SINK_IUNKNOWN(sync, IOfflineFilesSyncProgress, sink_from_sync)
SINK_IUNKNOWN(simple, IOfflineFilesSimpleProgress, sink_from_simple)

static HRESULT STDMETHODCALLTYPE sync_item_begin(IOfflineFilesSyncProgress *i, LPCWSTR f,
                                                 OFFLINEFILES_OP_RESPONSE *r)
{
    return sink_item_begin(sink_from_sync(i), f, r);
}
static HRESULT STDMETHODCALLTYPE sync_item_result(IOfflineFilesSyncProgress *i, LPCWSTR f,
                                                  HRESULT hr, IOfflineFilesSyncErrorInfo *info,
                                                  OFFLINEFILES_OP_RESPONSE *r)
{
    /* C16.5: only a failed item of Synchronize carries error information. */
    if (info != NULL && SUCCEEDED(hr))
        sink_log(sink_from_sync(i), "unexpected error info");
    return sink_item_result(sink_from_sync(i), f, hr, r);
}
static HRESULT STDMETHODCALLTYPE simple_item_begin(IOfflineFilesSimpleProgress *i, LPCWSTR f,
                                                   OFFLINEFILES_OP_RESPONSE *r)
{
    return sink_item_begin(sink_from_simple(i), f, r);
}
static HRESULT STDMETHODCALLTYPE simple_item_result(IOfflineFilesSimpleProgress *i, LPCWSTR f,
                                                    HRESULT hr, OFFLINEFILES_OP_RESPONSE *r)
{
    return sink_item_result(sink_from_simple(i), f, hr, r);
}

static const IOfflineFilesSyncProgressVtbl sink_sync_vtbl = {
    sync_qi, sync_addref, sync_release, sync_begin, sync_query_abort, sync_end,
    sync_item_begin, sync_item_result,
};
static const IOfflineFilesSimpleProgressVtbl sink_simple_vtbl = {
    simple_qi, simple_addref, simple_release, simple_begin, simple_query_abort, simple_end,
    simple_item_begin, simple_item_result,
};

static inline void sink_init(sink_t *s)
{
    memset(s, 0, sizeof *s);
    s->sync_iface.lpVtbl = &sink_sync_vtbl;
    s->simple_iface.lpVtbl = &sink_simple_vtbl;
    atomic_init(&s->ref, 1);
}

/* A conflict handler that counts its references and calls; it answers
 * `answer` (NONE unless set) and, when `new_name` is set, gives a copy of
 * it in task memory; it keeps the last path, state and details. */
typedef struct handler {
    IOfflineFilesSyncConflictHandler iface;
    atomic_long ref;
    long ref_seen_max;
    int calls;
    OFFLINEFILES_SYNC_CONFLICT_RESOLVE answer;
    const WCHAR *new_name;
    WCHAR path[128];
    DWORD known, details;
    OFFLINEFILES_SYNC_STATE state;
} handler_t;

static HRESULT STDMETHODCALLTYPE handler_qi(IOfflineFilesSyncConflictHandler *i, REFIID riid,
                                            void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesSyncConflictHandler)) {
        *ppv = i;
        atomic_fetch_add(&((handler_t *)i)->ref, 1);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE handler_addref(IOfflineFilesSyncConflictHandler *i)
{
    handler_t *h = (handler_t *)i;
    long r = atomic_fetch_add(&h->ref, 1) + 1;
    if (r > h->ref_seen_max)
        h->ref_seen_max = r;
    return (ULONG)r;
}
static ULONG STDMETHODCALLTYPE handler_release(IOfflineFilesSyncConflictHandler *i)
{
    return (ULONG)(atomic_fetch_sub(&((handler_t *)i)->ref, 1) - 1);
}
static HRESULT STDMETHODCALLTYPE handler_resolve(IOfflineFilesSyncConflictHandler *i, LPCWSTR p,
                                                 DWORD known, OFFLINEFILES_SYNC_STATE st,
                                                 DWORD details,
                                                 OFFLINEFILES_SYNC_CONFLICT_RESOLVE *res,
                                                 LPWSTR *name)
{
    handler_t *h = (handler_t *)i;
    h->calls++;
    size_t n = 0;
    while (p[n] != 0 && n + 1 < sizeof h->path / sizeof h->path[0]) {
        h->path[n] = p[n];
        n++;
    }
    h->path[n] = 0;
    h->known = known;
    h->state = st;
    h->details = details;
    *res = h->answer;
    if (h->new_name != NULL) {
        size_t len = 0;
        while (h->new_name[len] != 0)
            len++;
        WCHAR *copy = csc_com_alloc((len + 1) * sizeof(WCHAR));
        if (copy != NULL) {
            for (size_t k = 0; k <= len; k++)
                copy[k] = h->new_name[k];
        }
        *name = copy;
    }
    return S_OK;
}
static const IOfflineFilesSyncConflictHandlerVtbl handler_vtbl = {
    handler_qi, handler_addref, handler_release, handler_resolve,
};
static inline void handler_init(handler_t *h)
{
    memset(h, 0, sizeof *h);
    h->iface.lpVtbl = &handler_vtbl;
    atomic_init(&h->ref, 1);
}

#endif
