/*
 * src/walk.h (internal): the Pin / Unpin / Synchronize / DeleteItems walk of
 * walk.c and Encrypt's walk of encrypt.c, for the synchronous entry points
 * and for async.c, which runs them on a thread of the operation's own.
 */
#ifndef CSC_SRC_WALK_H
#define CSC_SRC_WALK_H

#include "cscsim/pin.h"
#include "cscsim/sync.h"

typedef enum csc__walk_op {
    CSC__OP_UNPIN,
    CSC__OP_PIN,
    CSC__OP_SYNC,
    CSC__OP_DELETE
} csc__walk_op_t;

/* C4.1 validation of the flags alone: S_OK or E_INVALIDARG. */
csc_hresult csc__walk_validate_flags(uint32_t flags, csc__walk_op_t op);

/* C4.1 validation: S_OK or E_INVALIDARG. */
csc_hresult csc__walk_validate(const char *const *paths, size_t count, uint32_t flags,
                              csc__walk_op_t op);

/*
 * Runs a validated call: Begin, the items of each path, End; returns the
 * value of C4.7. Access is checked for `caller` (NULL: the cache's). Both cancel tokens may be NULL. With ignore_answers the
 * sink's answers (abort flags, ABORT, RETRY) are ignored (C6.4).
 */
csc_hresult csc__walk_run(csc_cache_t *cache, const struct csc__caller *caller,
                          const char *const *paths, size_t count, uint32_t flags, bool deep,
                          const csc_progress_t *progress, csc_cancel_t *cancel,
                          csc_cancel_t *cancel2, bool ignore_answers, csc__walk_op_t op);

/*
 * A whole synchronous method call (validation, Admin, the walk, the C5.5
 * pass), made by a caller that has entered the guard (walk.c's entry
 * points, wmi.c).
 */
csc_hresult csc__method_call(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, bool deep, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc__walk_op_t op);

/* DeleteItemsForUser inside the guard (walk.c): the whole call. */
csc_hresult csc__delete_for_user(csc_cache_t *cache, const char *user,
                                 const char *const *paths, size_t count, uint32_t flags,
                                 const csc_progress_t *progress, csc_cancel_t *cancel);

/* Encrypt (encrypt.c): C15.16's validation of the flags and the sink
 * (S_OK or E_INVALIDARG); the walk of a validated call (configures the
 * cache, Begin, the files, End), with two cancel tokens as csc__walk_run;
 * and the recorder's line for the call. */
csc_hresult csc__encrypt_validate(uint32_t flags, const csc_progress_t *progress);
csc_hresult csc__encrypt_run(csc_cache_t *cache, bool encrypt, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc_cancel_t *cancel2, bool ignore_answers);
void csc__rec_encrypt(csc_cache_t *cache, bool encrypt, uint32_t flags, csc_hresult hr);

#endif
