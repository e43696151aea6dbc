/*
 * cscsim/fault.h: fault injection, a test fake's feature. A fault rule makes
 * chosen calls of a cache fail with a chosen HRESULT, so that a client tool's
 * error paths can be exercised: a network path that vanished
 * (ERROR_BAD_NETPATH 0x80070035), a share gone offline
 * (ERROR_CSCSHARE_OFFLINE 0x800704EE), a file in use (0x80070020), memory or
 * disk running out (E_OUTOFMEMORY, ERROR_DISK_FULL 0x80070070).
 *
 * A rule says which calls fail: by operation (the methods Pin, Unpin,
 * Synchronize, DeleteItems; the setup and application operations caching,
 * open, close, modify), by path (an item, or an item and its subtree,
 * matched as the cache matches paths: normalised, case-insensitive, C1.3),
 * and when: the Nth matching item or call, once or from then on, or with a
 * seeded probability (each rule has its own pseudo-random generator seeded by
 * the rule, so a run is reproducible). The failure is delivered where the
 * real one would be:
 *
 * - CSC_FAULT_AT_ITEM (methods): as one item's result inside the walk. The
 *   item gets its ItemBegin and ItemResult events as usual, with the code in
 *   ItemResult; the item is otherwise unchanged (steps 3-5 of C4.5 do not
 *   run) and the walk goes on. An answer RETRY processes the item again and
 *   evaluates the rules again; ABORT stops as for any item. The call's
 *   return value follows C4.7 (C15.18 for DeleteItems).
 * - CSC_FAULT_AT_CALL: as the whole call's result, after the call's own
 *   validation (C4.1: a malformed call still fails with E_INVALIDARG) and
 *   before any event; the call changes nothing. After a method call the
 *   policy's eviction pass follows as for any rejected call (C5.5).
 *
 * The setup and application operations (csc_cache_file, csc_cache_dir,
 * csc_item_open, csc_item_close, csc_item_modify) concern one item: their
 * rules fail the call, before it changes anything, whatever the delivery.
 * An item of a walk that is not cached (an invalid or uncached path, C4.3)
 * keeps its own result: rules see cached items only.
 *
 * Rules are evaluated in the order they were added; the first rule that
 * fires gives the result, and the rules after it do not see that item or
 * call. Injected faults never break an invariant of the cache
 * (csc_cache_check). Rules live on the cache and are freed with it; there
 * is no global state. They are the test's, not the cache's state: a
 * snapshot (cscsim/snapshot.h) does not hold them and a load keeps them. Adding, removing and clearing rules are changes of
 * the cache: refused with 0x800700AA inside a callback of a running call
 * and while an asynchronous operation runs (C14.5, C6.6).
 */
#ifndef CSCSIM_FAULT_H
#define CSCSIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* HRESULT_FROM_WIN32(ERROR_NOT_FOUND): no rule has that id. */
#ifndef CSC_E_NOT_FOUND
#define CSC_E_NOT_FOUND CSC_HR(0x80070490u)
#endif
/* HRESULT_FROM_WIN32(ERROR_CSCSHARE_OFFLINE): a server-down rule's default. */
#ifndef CSC_E_CSCSHARE_OFFLINE
#define CSC_E_CSCSHARE_OFFLINE CSC_HR(0x800704EEu)
#endif

/*
 * The operations a rule applies to, as a set of bits. Each operation has a
 * bit of its own; operations added later (the applications of C11 and the
 * remote side of C10) get new bits, and CSC_FAULT_OP_ANY grows with them.
 * A rule naming a bit this library does not know is refused (E_INVALIDARG).
 */
#define CSC_FAULT_OP_UNPIN 0x0001u        /* csc_unpin, its async and WMI forms */
#define CSC_FAULT_OP_PIN 0x0002u          /* csc_pin, its async and WMI forms */
#define CSC_FAULT_OP_SYNCHRONIZE 0x0004u  /* csc_synchronize */
#define CSC_FAULT_OP_DELETE_ITEMS 0x0008u /* csc_delete_items */
#define CSC_FAULT_OP_CACHE 0x0010u        /* csc_cache_file, csc_cache_dir */
#define CSC_FAULT_OP_OPEN 0x0020u         /* csc_item_open, csc_app_open (a cached copy) */
#define CSC_FAULT_OP_CLOSE 0x0040u        /* csc_item_close, csc_app_close (a cached file) */
#define CSC_FAULT_OP_MODIFY 0x0080u       /* csc_item_modify */
#define CSC_FAULT_OP_METHODS 0x000Fu      /* the four walking methods */
#define CSC_FAULT_OP_ANY 0x00FFu          /* every operation this library knows */

/* Where a method's failure is delivered (see above). */
typedef enum csc_fault_delivery {
    CSC_FAULT_AT_ITEM = 0,
    CSC_FAULT_AT_CALL = 1
} csc_fault_delivery_t;

/* A rule's id, unique within its cache (never reused); 0 is no rule. */
typedef uint32_t csc_fault_id_t;

#define CSC_FAULT_RULE_VERSION 1

/*
 * A fault rule. Initialise with CSC_FAULT_RULE_INIT; new fields are only
 * ever added at the end. The rule is copied by csc_cache_add_fault (its
 * path too), so it may be reused or freed afterwards.
 *
 * A *match* is an item of a walk (AT_ITEM) or a call (AT_CALL, and the
 * one-item operations) of one of `ops` whose path is the rule's path, or
 * lies below it with `subtree` (a call matches when one of its paths does);
 * a rule without a path matches every item or call of its operations.
 * Matches are counted from 1 across calls, for as long as the rule lives.
 * The rule *fires* at the `nth` match and, unless `once`, at every match
 * after it; with a probability below 1, each of those matches fires only
 * when the rule's generator (seeded with `seed`) says so, and a `once`
 * rule fires at the first match that does.
 *
 * With `server_down`: the server named by `path` (one component) goes down
 * after `after` items of its subtree have been processed by the rule's
 * operations (Pin and Synchronize only; CSC_FAULT_OP_ANY means both): from
 * then on every item of that server fails with `code` (0 means
 * ERROR_CSCSHARE_OFFLINE 0x800704EE), in that call and the calls after it,
 * until the rule is removed. `nth`, `once`, `subtree`, `delivery` and the
 * probability do not apply and must keep their defaults.
 */
typedef struct csc_fault_rule {
    unsigned int version;
    uint32_t ops;        /* CSC_FAULT_OP_* bits; not 0 */
    const char *path;    /* NULL: every item; else a valid UNC path */
    bool subtree;        /* the path and everything below it */
    csc_fault_delivery_t delivery;
    uint32_t nth;        /* >= 1 */
    bool once;           /* fire once, not at every match from the nth on */
    double probability;  /* 0 <= p <= 1; 1: every candidate match fires */
    uint64_t seed;       /* seeds the rule's own generator */
    csc_hresult code;    /* a failure HRESULT (CSC_FAILED) */
    bool server_down;
    uint32_t after;      /* server_down: items that succeed first */
} csc_fault_rule_t;

#define CSC_FAULT_RULE_INIT                                                                  \
    {CSC_FAULT_RULE_VERSION, CSC_FAULT_OP_ANY, NULL, false, CSC_FAULT_AT_ITEM, 1u, false, 1.0, \
     0u, 0, false, 0u}

/*
 * Adds a rule to the cache; *id (may be NULL) receives its id. E_POINTER for
 * a NULL cache or rule; E_INVALIDARG, with nothing added, for an unknown
 * version, no operation or an unknown operation bit, an invalid path (C1.4),
 * `subtree` without a path, nth 0, a probability outside [0, 1] (or NaN), a
 * code that is not a failure or is ERROR_CANCELLED 0x800704C7 (cancelling is
 * the cancel token's and ABORT's, C4.2), an unknown delivery, a server_down rule whose
 * path is not a server or whose operations are not Pin or Synchronize, or
 * which changes nth, once, subtree, delivery or the probability;
 * E_OUTOFMEMORY; 0x800700AA as any change (see above).
 */
CSC_API csc_hresult csc_cache_add_fault(csc_cache_t *cache, const csc_fault_rule_t *rule,
                                        csc_fault_id_t *id);

/* Removes one rule. CSC_E_NOT_FOUND (0x80070490) for an id the cache does
 * not have; E_POINTER; 0x800700AA as any change. */
CSC_API csc_hresult csc_cache_remove_fault(csc_cache_t *cache, csc_fault_id_t id);

/* Removes every rule. E_POINTER; 0x800700AA as any change. */
CSC_API csc_hresult csc_cache_clear_faults(csc_cache_t *cache);

/*
 * How often the rule has fired (*fired) and how many matches it has counted
 * (*matched); either pointer may be NULL. CSC_E_NOT_FOUND for an unknown id;
 * E_POINTER for a NULL cache.
 */
CSC_API csc_hresult csc_cache_fault_count(const csc_cache_t *cache, csc_fault_id_t id,
                                          uint64_t *fired, uint64_t *matched);

/* The number of rules on the cache (0 for a NULL cache). */
CSC_API size_t csc_cache_fault_rules(const csc_cache_t *cache);

#ifdef __cplusplus
}
#endif

#endif
