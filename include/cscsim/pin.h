/*
 * cscsim/pin.h: Pin and Unpin, the methods the project exists for (contract
 * C3.3, C3.4, C4, C6.1-C6.3, C7), their progress protocol (Begin, QueryAbort,
 * ItemBegin, ItemResult, End), the WMI form of each event
 * ("Reason:Result:ResultText:Path"), cancel tokens, and an entry point shaped
 * like Win32_OfflineFilesCache.Unpin/Pin for emulators and WMI providers.
 */
#ifndef CSCSIM_PIN_H
#define CSCSIM_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OfflineFilesPinControlFlag* values (windows-reference §2). */
#define CSC_PIN_FLAG_FILL 0x00000001u
#define CSC_PIN_FLAG_PIN_LINK_TARGETS 0x00000010u
#define CSC_PIN_FLAG_FOR_USER 0x00000020u
#define CSC_PIN_FLAG_FOR_USER_POLICY 0x00000040u
#define CSC_PIN_FLAG_FOR_ALL 0x00000080u
#define CSC_PIN_FLAG_FOR_REDIR 0x00000100u
#define CSC_PIN_FLAG_LOW_PRIORITY 0x00000200u
#define CSC_PIN_FLAG_ASYNC_PROGRESS 0x00000400u
#define CSC_PIN_FLAG_INTERACTIVE 0x00000800u
#define CSC_PIN_FLAG_CONSOLE 0x00001000u
#define CSC_PIN_FLAG_BACKGROUND 0x00010000u
/* Every bit a Pin or Unpin accepts (C4.1). */
#define CSC_PIN_FLAGS_VALID 0x00011FF1u
/* The bits that choose pin sources. */
#define CSC_PIN_FLAGS_SOURCES 0x000001E0u

/* The reason of a progress event (C6.1). */
typedef enum csc_event_reason {
    CSC_EVENT_BEGIN = 0,
    CSC_EVENT_END = 1,
    CSC_EVENT_ITEM_BEGIN = 2,
    CSC_EVENT_ITEM_RESULT = 3
} csc_event_reason_t;

/* OFFLINEFILES_OP_RESPONSE. */
typedef enum csc_op_response {
    CSC_OP_CONTINUE = 0,
    CSC_OP_RETRY = 1,
    CSC_OP_ABORT = 2
} csc_op_response_t;

/*
 * One progress event. `result` is 0 for Begin and ItemBegin. `path` is ""
 * for Begin and End; for an item it is the item's normalised,
 * case-preserved path, or the path as given when it is invalid or not
 * cached (C4.3). `path` is NUL-terminated (path[path_len] == '\0') and
 * borrowed for the duration of the callback: copy it to keep it.
 */
typedef struct csc_event {
    csc_event_reason_t reason;
    csc_hresult result;
    const char *path;
    size_t path_len;
} csc_event_t;

#define CSC_PROGRESS_VERSION 1

/*
 * A progress sink: callbacks in the shape of IOfflineFilesSyncProgress.
 * Initialise with CSC_PROGRESS_INIT (or designated initialisers; a
 * `version` of 0 is read as 1); new fields are only ever added at the end,
 * and a version newer than the library knows makes the call fail with
 * E_INVALIDARG before any event. Each callback may be NULL: a NULL callback
 * answers CONTINUE / no abort. Every callback receives `user_data`.
 *
 * Where they run: without AsyncProgress, on the calling thread, before the
 * operation goes on (C6.3), so answers take effect at once. With
 * AsyncProgress, or in an asynchronous operation, on the loop thread
 * (cscsim/async.h, C6.4).
 *
 * What they may call (C14.5): anything that only reads the cache (item
 * getters, csc_cache_find, csc_cache_get_disk_space, csc_cache_clock,
 * csc_cache_check, csc_event_format_wmi, csc_hresult_message), and
 * csc_cancel_request. A call that would change the cache (Pin, Unpin,
 * Synchronize, DeleteItems, caching, eviction, csc_cache_set_caller,
 * csc_cache_lock...) fails with 0x800700AA and changes nothing. Inside an
 * asynchronous operation, queries that return an HRESULT also fail with
 * 0x800700AA (C6.6). csc_cache_free from a callback is carried out when
 * the running call returns.
 *
 * Answers (C4.5): from item_begin, ABORT stops the call (End carries
 * 0x800704C7) and RETRY counts as CONTINUE; from item_result, ABORT stops
 * the call and RETRY processes the same item again from the cancellation
 * check, with a new ItemBegin / ItemResult pair (a DeleteItems item already
 * deleted has nothing to retry: RETRY continues). Answers are ignored with
 * AsyncProgress (C6.4).
 */
typedef struct csc_progress {
    unsigned int version; /* CSC_PROGRESS_VERSION */
    void *user_data;
    /* Begin: set *abort to true to cancel before the first item. */
    void (*begin)(void *user_data, const csc_event_t *event, bool *abort);
    /* Called before each item (C4.5 step 1): set *abort to true to cancel. */
    void (*query_abort)(void *user_data, bool *abort);
    csc_op_response_t (*item_begin)(void *user_data, const csc_event_t *event);
    csc_op_response_t (*item_result)(void *user_data, const csc_event_t *event);
    /* End: event->result is S_OK, 0x800704C7 when cancelled, or E_OUTOFMEMORY. */
    void (*end)(void *user_data, const csc_event_t *event);
} csc_progress_t;

#define CSC_PROGRESS_INIT {CSC_PROGRESS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL}

/*
 * Formats an event in its WMI form `Reason:Result:ResultText:Path` with
 * Result as 0x%08X and Windows' message text (C6.2), e.g.
 * "3:0x80070002:The system cannot find the file specified.:\\srv\share\x".
 * Writes at most `size` bytes including the NUL. Returns the full length
 * without the NUL; a value >= size means the output was truncated.
 */
CSC_API size_t csc_event_format_wmi(const csc_event_t *event, char *buf, size_t size);

/*
 * A cancel token: any thread may request cancellation; the operation sees it
 * at step 1 of C4.5 for the next item. Reusable after csc_cancel_reset.
 * csc_cancel_request, csc_cancel_reset and csc_cancel_requested are one
 * lock-free atomic store or load each (they never allocate, lock or call
 * back), so csc_cancel_request may be called from a signal handler (a
 * Ctrl-C handler cancelling a running Unpin).
 */
typedef struct csc_cancel csc_cancel_t;

CSC_API csc_hresult csc_cancel_new(csc_cancel_t **out);
CSC_API void csc_cancel_free(csc_cancel_t *cancel);
CSC_API void csc_cancel_request(csc_cancel_t *cancel);
CSC_API void csc_cancel_reset(csc_cancel_t *cancel);
CSC_API bool csc_cancel_requested(const csc_cancel_t *cancel);

/*
 * Unpin(Paths[], Flags, Deep) (C4). `paths` holds `count` UTF-8 paths.
 * `progress` and `cancel` may be NULL.
 *
 * Returns E_INVALIDARG, with no event, for no path, a NULL path or `paths`,
 * unknown flag bits or no pin source (C4.1); E_POINTER for a NULL cache;
 * 0x800704C7 when cancelled; else, when exactly one path was given and at
 * the start it names a file or is invalid or not cached, that item's last
 * result; else S_OK (C4.7). Per-item results reach the caller only through
 * progress.
 *
 * With AsyncProgress (0x400) the call needs an event loop; see
 * cscsim/async.h. Until then it is delivered synchronously.
 */
CSC_API csc_hresult csc_unpin(csc_cache_t *cache, const char *const *paths, size_t count,
                              uint32_t flags, bool deep, const csc_progress_t *progress,
                              csc_cancel_t *cancel);

/*
 * Pin(Paths[], Flags, Deep) (C7, C3.3, C3.4): as csc_unpin, setting the
 * chosen sources. Deep pins the subtree and sets inherit bits on its
 * containers; shallow pins the item alone. A path not cached fails for that
 * path with 0x80070002 (C7.2). Pinning touches the item (C5.4).
 */
CSC_API csc_hresult csc_pin(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, bool deep, const csc_progress_t *progress,
                            csc_cancel_t *cancel);

/*
 * Receives each progress event of a WMI-shaped call as its WMI string
 * (C6.2), NUL-terminated, borrowed for the callback's duration. It may call
 * what a progress callback may call (above).
 */
typedef void (*csc_wmi_progress_cb)(void *user_data, const char *message);

/*
 * Win32_OfflineFilesCache.Unpin as a WMI provider sees it: `paths` as they
 * arrive (UTF-8 strings, `count` of them), Flags, Deep. Returns the uint32
 * the method returns (C4.8): 0, a Win32 code, or an HRESULT's bits.
 * `on_progress` may be NULL.
 */
CSC_API uint32_t csc_wmi_unpin(csc_cache_t *cache, const char *const *paths, size_t count,
                               uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                               void *user_data);

/* Win32_OfflineFilesCache.Pin, likewise. */
CSC_API uint32_t csc_wmi_pin(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                             void *user_data);

/*
 * csc_wmi_unpin and csc_wmi_pin with a cancel token (may be NULL), so that
 * a WMI provider can cancel from its progress receiver (SWbemSink.Cancel):
 * a csc_cancel_request made inside `on_progress` stops the call before its
 * next item (C4.5 step 1), which returns 1223 (ERROR_CANCELLED). The WMI
 * face (cscsim/wmi.h) calls these.
 */
CSC_API uint32_t csc_wmi_unpin_ex(csc_cache_t *cache, const char *const *paths, size_t count,
                                  uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                                  void *user_data, csc_cancel_t *cancel);
CSC_API uint32_t csc_wmi_pin_ex(csc_cache_t *cache, const char *const *paths, size_t count,
                                uint32_t flags, bool deep, csc_wmi_progress_cb on_progress,
                                void *user_data, csc_cancel_t *cancel);

#ifdef __cplusplus
}
#endif

#endif
