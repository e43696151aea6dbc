/*
 * src/remote/sync.h (internal): Synchronize (sync.c, contract C12) for the
 * other entry points: walk.c (the WMI face, the asynchronous walk), the
 * recorder, and connect.c / remote.c (C10.10, C15.12).
 */
#ifndef CSC_SRC_REMOTE_SYNC_H
#define CSC_SRC_REMOTE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

#include "cscsim/sync.h"

/* C12.1 (and the sink's and options' versions): S_OK or E_INVALIDARG. */
csc_hresult csc__sync_validate(const char *const *paths, size_t count, uint32_t flags,
                               const csc_sync_options_t *options, const csc_progress_t *progress);

/* Runs a validated call: Begin, the items of each path, End; returns the
 * value of C4.7. Both cancel tokens may be NULL; with ignore_answers the
 * sink's answers are ignored (C6.4). */
csc_hresult csc__sync_run(csc_cache_t *cache, const char *const *paths, size_t count,
                          uint32_t flags, const csc_sync_options_t *options,
                          const csc_progress_t *progress, csc_cancel_t *cancel,
                          csc_cancel_t *cancel2, bool ignore_answers);

/* A whole call inside the guard: C13.1, validation, the walk, the C5.5
 * pass (C15.3). */
csc_hresult csc__sync_call(csc_cache_t *cache, const char *const *paths, size_t count,
                           uint32_t flags, const csc_sync_options_t *options,
                           const csc_progress_t *progress, csc_cancel_t *cancel);

/* C10.10: the service's Synchronize(scope, SyncIn|SyncOut) of a scope that
 * became online (its cached share item), without handler or events, then
 * the eviction pass; nothing while the feature is not active. */
void csc__sync_service(csc_cache_t *cache, struct csc_item *scope);

#endif
