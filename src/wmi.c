/*
 * src/wmi.c: the entry points shaped like Win32_OfflineFilesCache.Pin and
 * .Unpin for emulators and WMI providers: the method's parameters as they
 * arrive, progress as WMI strings (C6.2), and the method's uint32 return
 * value (C4.8). The message buffer is sized before the call for the longest
 * message it can produce (the longest cached path, the longest path given),
 * so no message is ever lost for lack of memory mid-call. A NULL string
 * inside `Paths` counts as an empty one, as WMI passes a NULL BSTR (C14.4,
 * C16.7): an invalid path for that item. The _ex forms take a cancel token,
 * which the WMI face (wmi/) requests when its progress receiver cancels.
 */
#include <string.h>

#include "alloc.h"
#include "record.h"
#include "evict.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/pin.h"

/* Room for "R:0xXXXXXXXX:" and the longest message text of the walk's
 * results, with margin. */
#define WMI_HEAD_AND_TEXT 1024u

typedef struct wmi_sink {
    csc_wmi_progress_cb cb;
    void *user_data;
    char *buf;
    size_t size;
} wmi_sink_t;

static void deliver(wmi_sink_t *s, const csc_event_t *ev)
{
    csc_event_format_wmi(ev, s->buf, s->size);
    s->cb(s->user_data, s->buf);
}

static void on_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    deliver(ud, ev);
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

/* The call, inside the guard. */
static uint32_t call_entered(csc__walk_op_t op, csc_cache_t *cache, const char *const *paths,
                             size_t count, uint32_t flags, bool deep, csc_wmi_progress_cb cb,
                             void *user_data, csc_cancel_t *cancel)
{
    csc_hresult hr;
    /* A malformed call (C4.1: before anything else, whatever the memory) is
     * refused by the method itself, with no event and the policy's pass
     * (C5.5). A NULL string inside the array is not malformed (C16.7). */
    bool has_null = false;
    for (size_t i = 0; paths != NULL && i < count; i++)
        has_null |= paths[i] == NULL;
    if (count == 0 || paths == NULL || csc__walk_validate_flags(flags, op) != CSC_S_OK) {
        hr = csc__method_call(cache, paths, count, flags, deep, NULL, NULL, op);
        return csc_hresult_to_wmi(hr);
    }
    const char **given = NULL; /* the paths with "" for each NULL */
    if (has_null) {
        given = csc__malloc(&cache->alloc, count * sizeof *given);
        if (given == NULL) { /* C8.1: nothing happened, no event */
            csc__policy_after(cache);
            return csc_hresult_to_wmi(CSC_E_OUTOFMEMORY);
        }
        for (size_t i = 0; i < count; i++)
            given[i] = paths[i] != NULL ? paths[i] : "";
        paths = given;
    }
    if (cb == NULL) {
        hr = csc__method_call(cache, paths, count, flags, deep, NULL, cancel, op);
        csc__free(&cache->alloc, given, count * sizeof *given);
        return csc_hresult_to_wmi(hr);
    }
    size_t longest = cache->scratch_cap; /* bounds every cached display path */
    for (size_t i = 0; i < count; i++)
        if (paths[i] != NULL && strlen(paths[i]) > longest)
            longest = strlen(paths[i]);
    wmi_sink_t sink = {cb, user_data, NULL, WMI_HEAD_AND_TEXT + longest + 1};
    sink.buf = csc__malloc(&cache->alloc, sink.size);
    if (sink.buf == NULL) { /* C8.1: nothing happened, no event */
        csc__policy_after(cache); /* C5.5: after each method call, even a rejected one */
        csc__free(&cache->alloc, given, count * sizeof *given);
        return csc_hresult_to_wmi(CSC_E_OUTOFMEMORY);
    }
    csc_progress_t progress = {CSC_PROGRESS_VERSION, &sink, on_begin, NULL, on_item, on_item, on_end};
    hr = csc__method_call(cache, paths, count, flags, deep, &progress, cancel, op);
    csc__free(&cache->alloc, sink.buf, sink.size);
    csc__free(&cache->alloc, given, count * sizeof *given);
    return csc_hresult_to_wmi(hr);
}

static uint32_t call(csc__walk_op_t op, csc_cache_t *cache, const char *const *paths,
                     size_t count, uint32_t flags, bool deep, csc_wmi_progress_cb cb,
                     void *user_data, csc_cancel_t *cancel)
{
    /* NULL cache, busy (C6.6) or a change from inside a callback (C14.5):
     * refused before anything else. */
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return csc_hresult_to_wmi(hr);
    if (!CSC__RECORDING(cache)) {
        uint32_t ret = call_entered(op, cache, paths, count, flags, deep, cb, user_data, cancel);
        csc__leave(cache);
        return ret;
    }
    csc__rec_wmi_begin(cache, &cb, &user_data);
    uint32_t ret = call_entered(op, cache, paths, count, flags, deep, cb, user_data, cancel);
    csc__rec_wmi_end(cache, op, paths, count, flags, deep, ret);
    csc__leave(cache);
    return ret;
}

uint32_t csc_wmi_unpin(csc_cache_t *cache, const char *const *paths, size_t count,
                       uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                       void *user_data)
{
    return call(CSC__OP_UNPIN, cache, paths, count, flags, deep, on_progress, user_data, NULL);
}

uint32_t csc_wmi_pin(csc_cache_t *cache, const char *const *paths, size_t count, uint32_t flags,
                     bool deep, csc_wmi_progress_cb on_progress, void *user_data)
{
    return call(CSC__OP_PIN, cache, paths, count, flags, deep, on_progress, user_data, NULL);
}

uint32_t csc_wmi_unpin_ex(csc_cache_t *cache, const char *const *paths, size_t count,
                          uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                          void *user_data, csc_cancel_t *cancel)
{
    return call(CSC__OP_UNPIN, cache, paths, count, flags, deep, on_progress, user_data, cancel);
}

uint32_t csc_wmi_pin_ex(csc_cache_t *cache, const char *const *paths, size_t count,
                        uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                        void *user_data, csc_cancel_t *cancel)
{
    return call(CSC__OP_PIN, cache, paths, count, flags, deep, on_progress, user_data, cancel);
}
