/*
 * src/fault.h (internal): the fault rules of a cache (cscsim/fault.h), as
 * the walk (walk.c) and the one-item operations (item.c) consult them.
 * Everything here runs inside the cache's guard. The checks a walk makes
 * per item are cheap when no rule can match: csc__fault_armed says whether
 * any rule names the operation at all (once per call), and
 * csc__fault_path_live whether any of those can match an item below the
 * top of a path (once per path); only then is each item matched.
 */
#ifndef CSC_SRC_FAULT_H
#define CSC_SRC_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/fault.h"

struct csc_cache;
struct csc_item;

typedef struct csc__fault {
    csc_fault_id_t id;
    uint32_t ops;
    char *key;          /* folded normalised path; NULL: every item */
    size_t key_len;
    uint32_t ncomp;     /* components of the path: 1 for a server */
    bool subtree, at_call, once, spent, server_down;
    uint32_t nth;
    uint64_t threshold; /* a draw below it fires; CSC__FAULT_CERTAIN: no draw */
    uint64_t prng;      /* splitmix64 state */
    csc_hresult code;
    uint64_t matched, fired;
} csc__fault_t;

#define CSC__FAULT_CERTAIN (UINT64_C(1) << 32)

typedef struct csc__fault_set {
    csc__fault_t *rules;
    size_t count, cap;
    csc_fault_id_t next_id;
    uint32_t item_ops; /* union of the ops of the rules delivered at an item */
    uint32_t call_ops; /* and at the call (the one-item operations: both) */
} csc__fault_set_t;

/* Frees the cache's rules (cache.c, at destruction). */
void csc__fault_free(struct csc_cache *cache);

/* The rule set of the cache, or NULL when it has none. */
const csc__fault_set_t *csc__fault_set(const struct csc_cache *cache);

/* Whether a rule delivered at an item names operation `op` (one bit). */
static inline bool csc__fault_armed(const csc__fault_set_t *set, uint32_t op)
{
    return set != NULL && (set->item_ops & op) != 0;
}

/* Whether a rule delivered at an item of `op` can match an item of the
 * subtree of `top`. */
bool csc__fault_path_live(const struct csc_cache *cache, uint32_t op,
                          const struct csc_item *top);

/* An item of a walk of `op`: true when a rule fires, with its code in *hr. */
bool csc__fault_item(struct csc_cache *cache, uint32_t op, const struct csc_item *item,
                     csc_hresult *hr);

/* A method call of `op` on `paths` (validated), before any event: S_OK, or
 * the code of the rule that fires, or E_OUTOFMEMORY. */
csc_hresult csc__fault_call(struct csc_cache *cache, uint32_t op, const char *const *paths,
                            size_t count);

/* A one-item operation `op` on a cached item: S_OK or the code of the rule
 * that fires. */
csc_hresult csc__fault_one(struct csc_cache *cache, uint32_t op, const struct csc_item *item);

/* The same for caching `path` (not yet normalised): S_OK when no rule
 * fires or the path is invalid (caching then fails by itself). */
csc_hresult csc__fault_cache(struct csc_cache *cache, const char *path);

#endif
