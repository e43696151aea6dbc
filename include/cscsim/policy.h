/*
 * cscsim/policy.h: the "administratively assigned offline files" Group
 * Policy and IOfflineFilesCache::ProcessAdminPinPolicy
 * (windows-reference §3). The embedder plays Group Policy: it sets the list
 * of paths the policy assigns, then processes it, which pins every listed
 * path deep for the source CSC_PIN_FLAG_FOR_USER_POLICY and unpins, for that
 * source, what an earlier processing pinned and the list no longer covers.
 * The list is configuration (like Location): it is kept in snapshots.
 */
#ifndef CSCSIM_POLICY_H
#define CSCSIM_POLICY_H

#include <stddef.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/pin.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Sets the policy's list to `count` UTF-8 paths (copied, kept as given;
 * duplicates kept). count 0 clears it (`paths` may then be NULL). Returns
 * E_POINTER for a NULL cache; E_INVALIDARG for NULL `paths` with count > 0
 * or a NULL path; 0x8007007B for an invalid path (C1.4); E_OUTOFMEMORY;
 * 0x800700AA from a callback (C14.5) or while an asynchronous operation
 * runs (C6.6). On failure the list is as it was. Not refused while the
 * feature is not active: it is configuration, not a method. Nothing is
 * pinned or unpinned until csc_process_admin_pin_policy.
 */
CSC_API csc_hresult csc_admin_pin_policy_set(csc_cache_t *cache, const char *const *paths,
                                             size_t count);

/* The number of paths in the policy's list (0 for a NULL cache). */
CSC_API size_t csc_admin_pin_policy_count(const csc_cache_t *cache);

/*
 * Copies path `index` of the list, as it was given, like snprintf
 * (NUL-terminated, truncated to `size`) and returns its full length; for a
 * NULL cache or an index past the end, writes "" (when size > 0) and
 * returns 0.
 */
CSC_API size_t csc_admin_pin_policy_path(const csc_cache_t *cache, size_t index, char *buf,
                                         size_t size);

/*
 * ProcessAdminPinPolicy(pPinProgress, pUnpinProgress). Two phases, each a
 * walk with the progress protocol of C4.5 on its own sink (either sink may
 * be NULL), each with its Begin and End:
 *
 *  1. unpin: every path of the last applied list that no current path
 *     covers (is not the same path or below one) is unpinned deep for
 *     CSC_PIN_FLAG_FOR_USER_POLICY, as csc_unpin does; other sources' pins
 *     stay. It runs first so that a narrowed policy (\\s\share to
 *     \\s\share\docs) ends with docs still pinned.
 *  2. pin: every current path is pinned deep for
 *     CSC_PIN_FLAG_FOR_USER_POLICY, as csc_pin does (an uncached path is
 *     fetched from the server, C10.8).
 *
 * An empty phase still has its Begin and End. A cancellation (the token,
 * a sink's abort) ends the running phase with End 0x800704C7; a phase not
 * yet started then gets its Begin and an End with 0x800704C7 and no item
 * (a token already set when the call starts: both phases so). The walks
 * run as the current caller (csc_cache_set_caller), access checked as for
 * Pin and Unpin (C9).
 * After two complete phases the applied list becomes the current list;
 * after a cancelled or failed one it becomes the union of both, so the next
 * processing still unpins what may have been pinned.
 *
 * Returns E_POINTER for a NULL cache, 0x800700AA from a callback or while
 * an asynchronous operation runs, 0x80070426 while the feature is not
 * active (C13.1, no event, no eviction pass), E_INVALIDARG for a sink of a
 * newer version (no event), 0x800704C7 when cancelled, E_OUTOFMEMORY; else
 * the pin phase's answer under Pin's rule (C4.7): with exactly one policy
 * path naming a file, or invalid, or not cached and not fetched, that
 * path's last result; else S_OK. The eviction pass follows (C15.3).
 */
CSC_API csc_hresult csc_process_admin_pin_policy(csc_cache_t *cache,
                                                 const csc_progress_t *pin_progress,
                                                 const csc_progress_t *unpin_progress,
                                                 csc_cancel_t *cancel);

#ifdef __cplusplus
}
#endif

#endif
