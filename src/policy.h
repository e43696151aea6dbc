/*
 * src/policy.h (internal): the administratively assigned offline files
 * policy of policy.c (cscsim/policy.h, windows-reference §3): the cache's
 * state (the list the embedder set and the list last applied), its freeing
 * and its place in the snapshot's methods section (snapshot.c).
 */
#ifndef CSC_SRC_POLICY_H
#define CSC_SRC_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"

/* Frees the policy's state (csc__methods_free). */
void csc__admin_policy_free(csc_cache_t *cache);

/* Whether the snapshot needs the policy's tail of the methods section
 * (either list non-empty), and its size in bytes. */
bool csc__admin_policy_snap_needed(const csc_cache_t *cache);
size_t csc__admin_policy_snap_bytes(const csc_cache_t *cache);
/* Writes the tail at p (csc__admin_policy_snap_bytes of room): the list,
 * then the applied list, each count u32 then per path length u32 and its
 * bytes. Returns the end. */
unsigned char *csc__admin_policy_snap_write(const csc_cache_t *cache, unsigned char *p);
/* Reads the tail from *p..end into `cache` (a fresh cache), advancing *p:
 * S_OK, CSC_E_FILE_CORRUPT (a bad length, a NUL, an invalid path) or
 * E_OUTOFMEMORY. */
csc_hresult csc__admin_policy_snap_read(csc_cache_t *cache, const unsigned char **p,
                                        const unsigned char *end);

#endif
