/*
 * src/tree.h (internal): the cache's data structures. A csc_cache owns a tree
 * of csc_item nodes under an unnamed root (servers are the root's children),
 * and an index from each item's case-folded path (its key) to the item.
 * tree.c owns creating items (caching, C2.2-C2.4), ordered child lists
 * (C2.3) and the pin-state bookkeeping every change goes through (C3.5
 * counters, disk-space counters); index.c owns the hash; check.c verifies it
 * all.
 */
#ifndef CSC_SRC_TREE_H
#define CSC_SRC_TREE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uthash.h> /* for UT_hash_handle only; the macros are used in index.c */

#include "bytes.h"
#include "guard.h"
#include "cscsim/cache.h"
#include "cscsim/item.h"
#include "cscsim/space.h"

/* The root's type: not a Windows type, never visible through the API. */
#define CSC__ITEM_ROOT 4u

typedef struct csc__acl_user {
    const char *name; /* as given */
    const char *key;  /* case-folded */
    size_t key_len;
} csc__acl_user_t;

/* An access list (C9.1): one allocation, the strings after the array. */
typedef struct csc__acl {
    size_t count;
    size_t alloc_size;
    csc__acl_user_t users[];
} csc__acl_t;

/* A caller (C9.1): a user name and whether an administrator. */
typedef struct csc__caller {
    char *name;      /* display name, name_len + 1 bytes */
    size_t name_len;
    char *key;       /* folded name, key_cap bytes allocated */
    size_t key_cap;
    size_t key_len;  /* bytes of the folded name */
    bool admin;
} csc__caller_t;

struct csc_item {
    UT_hash_handle hh; /* index entry, keyed by key[0..key_len) */
    struct csc_item *parent;
    struct csc_item *first_child, *last_child;
    struct csc_item *next_sibling, *prev_sibling;
    const char *name;   /* display name of the last component */
    csc__acl_t *acl;    /* own access list (C9.1) or NULL */
    uint64_t size;
    uint64_t dirty_bytes;
    uint64_t last_use;
    uint32_t pinned_below; /* children that are marked (csc__marked): C3.5 */
    uint32_t open_count;
    uint32_t sharing_violations;
    uint32_t key_len;   /* bytes of key, without NUL */
    uint32_t name_off;  /* offset of the last component in key */
    uint32_t alloc_size;
    uint16_t name_len;  /* bytes of name */
    uint16_t pins;      /* CSC_PIN_SOURCE_* bits (C3.1) */
    uint16_t inherit;   /* inherit bits, same values (C3.2) */
    uint8_t type;       /* csc_item_type_t or CSC__ITEM_ROOT */
    uint8_t dirty;
    uint8_t protect;    /* kept out of an eviction pass (C5.7) */
    uint32_t heap_pos;  /* 1-based slot in an eviction heap, or
                         * CSC__PENDING | slot in the pending list; 0: none */
    char key[];         /* folded path, NUL, then the display name when it
                         * differs from the folded one, NUL */
};

/* A heap slot carries its item's last use (0 for containers), so ordering
 * the heap reads the slots only and reaches an item just on a tie. */
typedef struct csc__heap_slot {
    uint64_t last_use;
    struct csc_item *item;
} csc__heap_slot_t;

typedef struct csc__heap {
    csc__heap_slot_t *slots;
    size_t count, cap;
} csc__heap_t;

/* An unordered list of items (the pending list of evict.c). */
typedef struct csc__list {
    struct csc_item **slots;
    size_t count, cap;
} csc__list_t;

#define CSC__PENDING 0x80000000u

typedef struct csc__index {
    struct csc_item *head;
    const csc_allocator_t *alloc;
} csc__index_t;

struct csc_cache {
    csc_allocator_t alloc;
    csc__index_t index;
    struct csc_item *root;
    size_t item_count;
    size_t acl_count;      /* items with an access list */
    uint64_t clock;
    csc__guard_t guard;    /* C14.5: serialises calls, refuses re-entrant changes */
    csc__caller_t caller;  /* the current caller (C9.1) */
    /* disk space, kept incrementally (C5.5) */
    csc__bytes_t used;          /* exact sums (bytes.h) */
    csc__bytes_t unpinned_used;
    uint64_t limit;          /* CSC_SPACE_UNLIMITED until set */
    uint64_t unpinned_limit;
    int policy;              /* csc_evict_policy_t */
    /* Eviction index (evict.c): evictable files by (last use, walk order),
     * evictable containers by walk order; capacities cover every item. */
    csc__heap_t evictable_files, evictable_dirs;
    /* Items that became evictable since the last pass, not yet in a heap:
     * filing them costs O(1); a pass files them first (evict.c). */
    csc__list_t pending;
    csc__bytes_t evictable_bytes;
    size_t file_count, container_count;
    char *scratch;           /* a display path for the eviction callback */
    size_t scratch_cap;
    csc_evict_cb evict_cb;
    void *evict_user_data;
    /* The item a csc_cache_file/dir call is about to hand out: the policy's
     * pass after it (C5.5) may evict it, and remove_leaf clears this. */
    struct csc_item *watch;
    /* C6.6: an asynchronous operation runs (async.c); set and cleared on
     * the loop thread, read by any call. */
    atomic_bool busy;
    struct csc__op_state *running;
    struct csc_item *last_parent; /* where the last cached item went (tree.c) */
    bool free_pending; /* csc_cache_free was called while busy */
};

static inline bool csc__cache_busy(const csc_cache_t *cache)
{
    return atomic_load_explicit(&((csc_cache_t *)cache)->busy, memory_order_acquire);
}

/* Frees the cache's memory (cache.c); the cache must not be busy. */
void csc__cache_destroy(csc_cache_t *cache);

/* cache.c: makes *out a copy of `user` (non-empty WTF-8) with its folded key.
 * E_INVALIDARG for a bad name, E_OUTOFMEMORY; on failure *out is untouched. */
csc_hresult csc__caller_make(const csc_allocator_t *alloc, const char *user, bool admin,
                             csc__caller_t *out);
void csc__caller_free(const csc_allocator_t *alloc, csc__caller_t *caller);

/* index.c: never scans; find before add. */
struct csc_item *csc__index_find(const csc__index_t *idx, const char *key, size_t key_len);
/* Adds an item whose key is not in the index. false when out of memory; the
 * index is then unchanged. */
bool csc__index_add(csc__index_t *idx, struct csc_item *item);
void csc__index_remove(csc__index_t *idx, struct csc_item *item);
size_t csc__index_count(const csc__index_t *idx);
/* Removes every entry without freeing items; frees the table. */
void csc__index_clear(csc__index_t *idx);

/* tree.c */
csc_hresult csc__tree_new_root(csc_cache_t *cache);
void csc__tree_free_all(csc_cache_t *cache);

/*
 * Caches an item of `type` (FILE or DIRECTORY; a DIRECTORY path of one or two
 * components becomes a server or share) at `path` with its missing
 * ancestors (C2.2-C2.4, C3.3 inherit on arrival). On failure nothing changed.
 */
csc_hresult csc__tree_cache(csc_cache_t *cache, const char *path, csc_item_type_t type,
                            bool has_size, uint64_t size, struct csc_item **out);

/*
 * Normalises `path` and finds its item. Returns S_OK, 0x8007007B or
 * 0x80070002, or E_OUTOFMEMORY for a long path whose buffers cannot be had.
 */
csc_hresult csc__tree_find(const csc_cache_t *cache, const char *path, struct csc_item **out);

/* Sets the item's pin sources and inherit bits, keeping every counter that
 * depends on them (pinned_below of ancestors, unpinned_used). */
void csc__tree_set_pins(csc_cache_t *cache, struct csc_item *item, uint16_t pins,
                        uint16_t inherit);

/* Display path length (bytes, without NUL) of an item. */
size_t csc__item_path_len(const struct csc_item *item);

/* An item is marked when it is pinned or has a pinned item below it; a
 * container is partly pinned (C3.5) when it is not pinned itself and some
 * child is marked, which `pinned_below` counts. */
static inline bool csc__marked(const struct csc_item *item)
{
    return item->pins != 0 || item->pinned_below != 0;
}

static inline bool csc__is_container(const struct csc_item *item)
{
    return item->type != CSC_ITEM_FILE;
}

/* evict.c: the eviction index and passes (C5.2-C5.7). */
/* Makes the heaps and the scratch buffer big enough for `files` more files,
 * `dirs` more containers and a path of `path_len` bytes. false: no memory,
 * nothing changed. */
bool csc__evict_reserve(csc_cache_t *cache, size_t files, size_t dirs, size_t path_len);
/* Re-files an item in the eviction index after any change of the state
 * the evictable predicate or the LRU order reads. Never allocates. */
void csc__evict_update(csc_cache_t *cache, struct csc_item *item);
/* A file's size changed from old_size (evictable bytes follow). */
void csc__evict_size_changed(csc_cache_t *cache, struct csc_item *item, uint64_t old_size);
void csc__evict_free(csc_cache_t *cache);
/* Removes a childless item from the cache (eviction, DeleteItems). */
void csc__tree_remove_leaf(csc_cache_t *cache, struct csc_item *item);
/* C5.7: makes room for `added` bytes under the total limit, never evicting
 * `file` (may be NULL) nor `anc` and its ancestors. S_OK or DISK_FULL. */
csc_hresult csc__space_make_room(csc_cache_t *cache, uint64_t added, struct csc_item *file,
                                 struct csc_item *anc);
/* C5.5: the pass the policy asks for after a command or method call. */
void csc__policy_after(csc_cache_t *cache);

/* access.c: whether `caller` may access the item (C9.1). */
bool csc__access_allowed(const csc_cache_t *cache, const csc__caller_t *caller,
                         const struct csc_item *item);
void csc__acl_free(csc_cache_t *cache, csc__acl_t *acl);

#endif
