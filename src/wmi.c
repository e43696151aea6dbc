/*
 * src/wmi.c: the entry points shaped like Win32_OfflineFilesCache.Pin and
 * .Unpin for emulators and WMI providers: the method's parameters as they
 * arrive, progress as WMI strings (C6.2), and the method's uint32 return
 * value (C4.8).
 */
#include <string.h>

#include "alloc.h"
#include "tree.h"

#include "cscsim/pin.h"

typedef struct wmi_sink {
    csc_cache_t *cache;
    csc_wmi_progress_cb cb;
    void *user_data;
    char stack[512];
    bool failed; /* a message could not be formatted for lack of memory */
} wmi_sink_t;

static void deliver(wmi_sink_t *s, const csc_event_t *ev)
{
    size_t n = csc_event_format_wmi(ev, s->stack, sizeof s->stack);
    if (n < sizeof s->stack) {
        s->cb(s->user_data, s->stack);
        return;
    }
    char *buf = csc__malloc(&s->cache->alloc, n + 1);
    if (buf == NULL) {
        s->failed = true;
        return;
    }
    csc_event_format_wmi(ev, buf, n + 1);
    s->cb(s->user_data, buf);
    csc__free(&s->cache->alloc, buf, n + 1);
}

static void on_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    deliver(ud, ev);
}

static void on_query_abort(void *ud, bool *abort)
{
    /* A message lost for lack of memory stops the call (End: E_OUTOFMEMORY
     * cannot be told apart here, so it is reported as cancelled). */
    *abort = ((wmi_sink_t *)ud)->failed;
}

static csc_op_response_t on_item(void *ud, const csc_event_t *ev)
{
    deliver(ud, ev);
    return CSC_OP_CONTINUE;
}

static void on_end(void *ud, const csc_event_t *ev)
{
    deliver(ud, ev);
}

typedef csc_hresult (*method_fn)(csc_cache_t *, const char *const *, size_t, uint32_t, bool,
                                 const csc_progress_t *, csc_cancel_t *);

static uint32_t call(method_fn fn, csc_cache_t *cache, const char *const *paths, size_t count,
                     uint32_t flags, bool deep, csc_wmi_progress_cb cb, void *user_data)
{
    if (cache == NULL)
        return csc_hresult_to_wmi(CSC_E_POINTER);
    if (cb == NULL)
        return csc_hresult_to_wmi(fn(cache, paths, count, flags, deep, NULL, NULL));
    wmi_sink_t sink = {.cache = cache, .cb = cb, .user_data = user_data};
    csc_progress_t progress = {&sink, on_begin, on_query_abort, on_item, on_item, on_end};
    return csc_hresult_to_wmi(fn(cache, paths, count, flags, deep, &progress, NULL));
}

uint32_t csc_wmi_unpin(csc_cache_t *cache, const char *const *paths, size_t count,
                       uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                       void *user_data)
{
    return call(csc_unpin, cache, paths, count, flags, deep, on_progress, user_data);
}

uint32_t csc_wmi_pin(csc_cache_t *cache, const char *const *paths, size_t count, uint32_t flags,
                     bool deep, csc_wmi_progress_cb on_progress, void *user_data)
{
    return call(csc_pin, cache, paths, count, flags, deep, on_progress, user_data);
}
