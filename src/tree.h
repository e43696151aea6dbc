/*
 * src/tree.h (internal): the cache's data structures. A csc_cache owns a tree
 * of items under an unnamed root (servers are the root's children), stored
 * hot/cold in slabs (issue 16): a 32-byte hot record per item holds all a
 * walk reads and writes (links as 32-bit ids, type, pin and inherit bits,
 * the partly-pinned count, flags, size, eviction slot), a 96-byte cold
 * record (struct csc_item, the handle users hold) the rest (index entry and
 * names, last use, dirty bytes, sibling back link, access list slot). The
 * index maps each item's key, its parent's id and its case-folded last
 * component, to the item. tree.c owns item storage, creating items
 * (caching, C2.2-C2.4), ordered child lists (C2.3) and the pin-state
 * bookkeeping every change goes through (C3.5 counters, disk-space
 * counters); index.c owns the hash; check.c verifies it all. The tree sits
 * below eviction (evict.h) and access lists (access.h) and reaches them
 * only through its hooks (csc__tree_hooks_t), which cache.c sets: the
 * dependencies point one way.
 */
#ifndef CSC_SRC_TREE_H
#define CSC_SRC_TREE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <uthash.h> /* for UT_hash_handle only; the macros are used in index.c */

#include "bytes.h"
#include "guard.h"
#include "cscsim/cache.h"
#include "cscsim/item.h"
#include "cscsim/methods.h"
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


/*
 * Items live in slabs (a hot/cold layout, issue 16). Each item has a 32-bit
 * id; id 0 means "none". A slab holds CSC__SLAB_ITEMS items: their hot
 * records (what a walk reads and writes, 32 bytes each, contiguous) and
 * their cold records (struct csc_item: names, last use, the index entry,
 * access list, sibling back link). A slab never moves and is aligned to
 * CSC__SLAB_ALIGN, so a csc_item_t pointer (the cold record) stays valid
 * while its item is cached and leads to its slab, its hot record, its id
 * and its cache by address arithmetic alone, without touching memory.
 */
#define CSC__NONE 0u

/* flags of a hot record */
#define CSC__F_DIRTY 0x01u   /* C5.1 (files) */
#define CSC__F_OPEN 0x02u    /* open_count > 0 (files) */
#define CSC__F_PROTECT 0x04u /* kept out of an eviction pass (C5.7) */
#define CSC__F_NAMED 0x08u   /* the display name differs from the folded one and
                              * is stored after the key (see csc__name) */
#define CSC__F_TWIN 0x10u    /* a file whose remote twin is implicit: the
                              * server has it as cached (src/remote/, C10.2) */
#define CSC__F_SUSPEND_ROOT 0x20u /* containers: a suspension root (C13.3, suspend.c) */
#define CSC__F_XSTATE 0x20u  /* files (the same bit): the file has round-2 state
                              * (sparse, created or deleted offline, a conflict,
                              * a local change time) in src/remote/fstate.c */
#define CSC__F_ENC_DIFF 0x40u /* files: encryption differs from the cache's
                               * configured state, cache->encrypted (C13.4,
                               * encrypt.c); a new file follows it (C15.16) */
#define CSC__F_FREE 0x80u    /* the record is on the free list */

/* Pin and inherit bits are stored shifted: CSC_PIN_SOURCES_ALL >> 5 fits a byte. */
#define CSC__PIN_SHIFT 5u

typedef struct csc__hot {
    uint64_t size;          /* files: bytes; 0 for containers */
    uint32_t parent;        /* ids, CSC__NONE when absent */
    uint32_t next_sibling;  /* also the free list's link */
    uint32_t heap_pos;      /* 1-based slot in an eviction heap, or
                             * CSC__PENDING | slot in the pending list; 0: none */
    union {
        struct {
            uint32_t first_child;
            uint32_t pinned_below; /* children that are marked (csc__marked): C3.5 */
        } d;                       /* containers (csc__hot_first_child for any item) */
        struct {
            uint32_t open_count;
            uint32_t sharing_violations;
        } f; /* files */
    } u;
    uint8_t pins;           /* CSC_PIN_SOURCE_* bits (C3.1) >> CSC__PIN_SHIFT */
    uint8_t inherit;        /* inherit bits (C3.2), the same way */
    uint8_t type;           /* csc_item_type_t or CSC__ITEM_ROOT */
    uint8_t flags;          /* CSC__F_* */
} csc__hot_t;

/* The cold record, and the handle users hold. */
struct csc_item {
    UT_hash_handle hh; /* index entry; hh.key: parent id (4 bytes) then the
                        * folded last component, NUL, then (CSC__F_NAMED)
                        * the display name, NUL; hh.keylen excludes the NULs */
    uint64_t last_use;
    union {
        uint64_t dirty_bytes; /* files */
        uint32_t last_child;  /* containers */
    } u;
    uint32_t prev_sibling;
    uint32_t acl;      /* slot in cache->acls (C9.1), 0: none */
    char key[16];      /* hh.key when it fits and the names agree; else
                        * hh.key is its own allocation */
};

#define CSC__MEMO_DEPTH 16u /* components remembered of the last path (tree.c) */

#define CSC__SLAB_SHIFT 13u
#define CSC__SLAB_ITEMS (1u << CSC__SLAB_SHIFT)
#define CSC__SLAB_ALIGN ((uintptr_t)1 << 21)

/* Slot 0 of every slab is never an item: its hot record holds the slab's
 * header (so a slab is exactly 128 bytes per slot); id 0, "none", is slot
 * 0 of slab 0. */
typedef struct csc__slab {
    union {
        struct {
            struct csc_cache *cache;
            void *raw;      /* what the allocator returned */
            uint32_t first; /* id of slot 0 */
        } h;
        csc__hot_t hot[CSC__SLAB_ITEMS];
    } u;
    struct csc_item items[CSC__SLAB_ITEMS];
} csc__slab_t;

_Static_assert(sizeof(csc__hot_t) == 32, "a hot record is 32 bytes");
_Static_assert(sizeof(struct csc_item) == 96, "a cold record is 96 bytes");
_Static_assert(sizeof(csc__slab_t) <= CSC__SLAB_ALIGN, "a slab fits its alignment");

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
    uint32_t *slots; /* item ids */
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
    /* Item storage (tree.c): slabs[id >> CSC__SLAB_SHIFT] holds id. */
    csc__slab_t **slabs;
    uint32_t slab_count, slab_cap;
    uint32_t id_next;      /* ids below it have been handed out */
    uint32_t id_free;      /* free list through hot.next_sibling */
    size_t item_count;
    size_t acl_count;      /* items with an access list */
    csc__acl_t **acls;     /* by slot; slot 0 unused */
    uint32_t acl_cap;
    uint64_t clock;
    csc__guard_t guard;    /* C14.5: serialises calls, refuses re-entrant changes */
    const struct csc__tree_hooks *hooks; /* the modules above the tree (cache.c sets them) */
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
    /* The last path resolved (tree.c): its folded key and the ids of its
     * first memo_n components, where the next lookup starts. Cleared when
     * any item leaves the cache. */
    char *memo_key;
    size_t memo_cap;
    uint32_t memo_n;
    uint32_t memo_end[CSC__MEMO_DEPTH]; /* key length up to component d + 1 */
    uint32_t memo_id[CSC__MEMO_DEPTH];
    bool free_pending; /* csc_cache_free was called while busy */
    /* The servers' side (src/remote/, C10): the remote namespace and the
     * connectivity records. Only src/remote/, item.c, cache.c and check.c use
     * it; tree.c, the walk and eviction never do (but for twin_leaving). */
    struct csc__remote *remote;
    /* Called by csc__tree_remove_leaf for a file with CSC__F_TWIN before it
     * leaves (the remote side keeps its twin, C5.6, C10.1). Never fails,
     * never allocates (it uses memory reserved when the twin was made). */
    void (*twin_leaving)(struct csc_cache *cache, struct csc_item *item);
    /* Called by csc__tree_remove_leaf for a file with CSC__F_XSTATE before it
     * leaves: its entry in src/remote/fstate.c goes. Never fails. */
    void (*file_leaving)(struct csc_cache *cache, struct csc_item *item);
    /* Called by csc__tree_remove_leaf for a container before it leaves: its
     * pending deep pin (src/remote/fetch.c, C15.20) goes. Never fails. */
    void (*container_leaving)(struct csc_cache *cache, struct csc_item *item);
    /* Bumped whenever an item leaves the cache or moves (remove_leaf,
     * tree_move): a remote item may have lost its cached copy (the Pin
     * walk's memo, walk.c). */
    uint64_t shape_gen;
    /* The recorder (record.c, cscsim/record.h) or NULL; under the guard. */
    struct csc__recorder *rec;
    /* The other methods of C13 (feature.c, encrypt.c, rename.c). */
    bool feature_enabled;  /* C13.1: configured */
    bool feature_active;   /* C13.1: running; methods fail while false */
    bool encrypted;        /* C13.4: the last Encrypt asked for encryption */
    char *location;        /* C13.1: NULL means the default, C:\Windows\CSC */
    struct csc__rename *renames; /* C13.2: RenameItem's log, applied at restart */
    size_t rename_count, rename_cap;
    struct csc__fault_set *faults; /* fault rules (fault.c), NULL until the first */
};

/*
 * What the tree tells the modules above it (the dependencies point one way:
 * tree.c knows nothing of eviction or access lists; evict.c and access.c
 * know the tree). cache.c, which composes the cache, sets them
 * (csc__tree_new_root). Each is called under the guard and never fails but
 * where it says so.
 */
typedef struct csc__tree_hooks {
    /* evict.c: re-file an item whose pins, flags, children or last use
     * changed; a file whose size changed; room for more items (false: no
     * memory, nothing changed); the walk order moved (a subtree moved);
     * the index freed with the tree. */
    void (*refile)(struct csc_cache *cache, uint32_t id, csc__hot_t *h);
    void (*size_changed)(struct csc_cache *cache, struct csc_item *item, uint64_t old_size);
    bool (*reserve)(struct csc_cache *cache, size_t files, size_t dirs, size_t path_len);
    void (*reorder)(struct csc_cache *cache);
    void (*release)(struct csc_cache *cache);
    /* evict.c, C5.7: room for `added` bytes under the total limit, never
     * evicting `file` (may be NULL) nor `anc` and its ancestors. S_OK or
     * 0x80070070 (nothing evicted then). */
    csc_hresult (*make_room)(struct csc_cache *cache, uint64_t added, struct csc_item *file,
                             struct csc_item *anc);
    /* access.c: frees an item's access list (the item leaves). */
    void (*acl_free)(struct csc_cache *cache, csc__acl_t *acl);
} csc__tree_hooks_t;

/* cache.c: the hooks every cache uses. */
extern const csc__tree_hooks_t csc__tree_hooks;

/* A logged RenameItem (C13.2): both paths as given, owned by the cache. */
typedef struct csc__rename {
    char *from;
    char *to;
} csc__rename_t;

/* C13.1 (feature.c): 0x80070426 ERROR_SERVICE_NOT_ACTIVE while the feature
 * is not active, else S_OK. Methods check it before validation (C15.3: no
 * eviction pass follows such a refusal). */
static inline csc_hresult csc__active_check(const struct csc_cache *cache)
{
    return cache->feature_active ? CSC_S_OK : CSC_E_SERVICE_NOT_ACTIVE;
}

/* Frees the cache's C13 state (feature.c). */
void csc__methods_free(csc_cache_t *cache);

/* C13.2 (tree.c): moves `item` (and so its subtree) below `new_parent`
 * with the folded last component fname and display name `name`, keeping
 * every counter. E_OUTOFMEMORY: nothing changed. The caller checked that
 * the new key is free and the move keeps the item's depth. */
csc_hresult csc__tree_move(csc_cache_t *cache, struct csc_item *item,
                           struct csc_item *new_parent, const char *fname, size_t flen,
                           const char *name, size_t name_len);
/* evict.c: re-orders the eviction heaps after walk order changed. */
void csc__evict_reorder(csc_cache_t *cache);

/* C13.2 (rename.c): empties RenameItem's log; applies it (restart). */
void csc__renames_clear(csc_cache_t *cache);
/* Appends a rename to the log (copies both paths). */
csc_hresult csc__renames_log(csc_cache_t *cache, const char *from, const char *to);
csc_hresult csc__renames_apply(csc_cache_t *cache);

/* C13.3 (suspend.c): whether the item is a suspension root or below one. */
bool csc__suspended(const struct csc_item *item);

/* C13.4 (encrypt.c): whether a file is encrypted. */
bool csc__encrypted(const struct csc_item *item);

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


/* ---- items by id, hot and cold (no memory is read but the slab table) -- */

static inline csc__slab_t *csc__slab_of(const struct csc_item *it)
{
    return (csc__slab_t *)((uintptr_t)it & ~(CSC__SLAB_ALIGN - 1u));
}

static inline csc__hot_t *csc__hot(const struct csc_item *it)
{
    csc__slab_t *s = csc__slab_of(it);
    return &s->u.hot[it - s->items];
}

static inline uint32_t csc__id(const struct csc_item *it)
{
    csc__slab_t *s = csc__slab_of(it);
    return s->u.h.first + (uint32_t)(it - s->items);
}

static inline struct csc_item *csc__item_at(const struct csc_cache *c, uint32_t id)
{
    if (id == CSC__NONE)
        return NULL;
    return &c->slabs[id >> CSC__SLAB_SHIFT]->items[id & (CSC__SLAB_ITEMS - 1u)];
}

static inline csc__hot_t *csc__hot_at(const struct csc_cache *c, uint32_t id)
{
    return &c->slabs[id >> CSC__SLAB_SHIFT]->u.hot[id & (CSC__SLAB_ITEMS - 1u)];
}

static inline struct csc_cache *csc__cache_of(const struct csc_item *it)
{
    return csc__slab_of(it)->u.h.cache;
}

/* Links as item pointers (NULL when absent), for code off the hot path. */
static inline struct csc_item *csc__parent(const struct csc_item *it)
{
    return csc__item_at(csc__cache_of(it), csc__hot(it)->parent);
}

/* A file has no children: its hot record keeps other counts there. */
static inline uint32_t csc__hot_first_child(const csc__hot_t *h)
{
    return h->type != CSC_ITEM_FILE ? h->u.d.first_child : CSC__NONE;
}

/* The pre-order successor of `id` within the subtree of `top` over the hot
 * links, into id's children when `descend`; CSC__NONE after the last. */
static inline uint32_t csc__tree_next_in(const struct csc_cache *c, uint32_t id, uint32_t top,
                                         bool descend)
{
    const csc__hot_t *h = csc__hot_at(c, id);
    if (descend && csc__hot_first_child(h) != CSC__NONE)
        return h->u.d.first_child;
    while (id != top && h->next_sibling == CSC__NONE) {
        id = h->parent;
        h = csc__hot_at(c, id);
    }
    return id == top ? CSC__NONE : h->next_sibling;
}

static inline uint32_t csc__hot_pinned_below(const csc__hot_t *h)
{
    return h->type != CSC_ITEM_FILE ? h->u.d.pinned_below : 0;
}

static inline struct csc_item *csc__first_child(const struct csc_item *it)
{
    return csc__item_at(csc__cache_of(it), csc__hot_first_child(csc__hot(it)));
}

static inline struct csc_item *csc__next_sibling(const struct csc_item *it)
{
    return csc__item_at(csc__cache_of(it), csc__hot(it)->next_sibling);
}

static inline uint16_t csc__pins(const struct csc_item *it)
{
    return (uint16_t)(csc__hot(it)->pins << CSC__PIN_SHIFT);
}

static inline uint16_t csc__inherit(const struct csc_item *it)
{
    return (uint16_t)(csc__hot(it)->inherit << CSC__PIN_SHIFT);
}

static inline uint8_t csc__type(const struct csc_item *it)
{
    return csc__hot(it)->type;
}

/* The folded last component (not NUL-terminated in general: see key_len). */
static inline const char *csc__fname(const struct csc_item *it)
{
    return (const char *)it->hh.key + 4;
}

static inline size_t csc__fname_len(const struct csc_item *it)
{
    return it->hh.keylen - 4u;
}

/* The display name of the last component, NUL-terminated. */
static inline const char *csc__name(const struct csc_item *it)
{
    const char *k = it->hh.key;
    return (csc__hot(it)->flags & CSC__F_NAMED) ? k + it->hh.keylen + 1 : k + 4;
}

static inline size_t csc__name_len(const struct csc_item *it)
{
    if (csc__hot(it)->flags & CSC__F_NAMED)
        return strlen(csc__name(it));
    return it->hh.keylen - 4u;
}

/* C2.3 pre-order of two cached items: <0, 0 or >0 (tree.c). */
int csc__walk_order(const struct csc_item *a, const struct csc_item *b);

/* Folded names in C2.3 order. */
int csc__compare_names(const struct csc_item *a, const struct csc_item *b);

/* index.c: never scans; find before add. Keys are a parent id and a folded
 * component. */
struct csc_item *csc__index_find(const csc__index_t *idx, uint32_t parent, const char *name,
                                 size_t name_len);
/* Adds an item whose key is not in the index. false when out of memory; the
 * index is then unchanged. */
bool csc__index_add(csc__index_t *idx, struct csc_item *item);
void csc__index_remove(csc__index_t *idx, struct csc_item *item);
size_t csc__index_count(const csc__index_t *idx);
/* Removes every entry without freeing items; frees the table. */
void csc__index_clear(csc__index_t *idx);

/* tree.c */
/* Makes the root; `hooks` (static storage) are the modules above the tree. */
csc_hresult csc__tree_new_root(csc_cache_t *cache, const csc__tree_hooks_t *hooks);
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
/* The same by id and hot record, with the bits already shifted
 * (CSC__PIN_SHIFT): the walk's form. */
void csc__tree_set_pins_hot(csc_cache_t *cache, uint32_t id, csc__hot_t *h, uint8_t pins,
                            uint8_t inherit);

/* The cached item whose normalised, folded path is key[0..key_len)
 * ("\\server\share\..."), or NULL: one index lookup per component. */
struct csc_item *csc__tree_find_key(const csc_cache_t *cache, const char *key, size_t key_len);
/* The folded path of an item: its length (bytes, without NUL), and the
 * bytes themselves into out[0..len) (len from csc__item_key_len). */
size_t csc__item_key_len(const struct csc_item *item);
void csc__item_key(const struct csc_item *item, char *out, size_t len);
/* snapshot.c: appends a new last child of `parent` (its folded name sorts
 * after every child's: the caller checked) with type `type`, indexed and
 * counted, everything else zero. NULL when out of memory; nothing changed. */
struct csc_item *csc__tree_append_child(csc_cache_t *cache, struct csc_item *parent,
                                        const char *fname, size_t flen, const char *name,
                                        size_t name_len, uint8_t type);

/* Display path length (bytes, without NUL) of an item. */
size_t csc__item_path_len(const struct csc_item *item);

/* An item is marked when it is pinned or has a pinned item below it; a
 * container is partly pinned (C3.5) when it is not pinned itself and some
 * child is marked, which `pinned_below` counts. */
static inline bool csc__marked_hot(const csc__hot_t *h)
{
    return h->pins != 0 || csc__hot_pinned_below(h) != 0;
}

static inline bool csc__marked(const struct csc_item *item)
{
    return csc__marked_hot(csc__hot(item));
}

/* C2.1: the type of the component at `depth` (1-based) of a path of
 * `ncomp` components whose last component is a `leaf`. */
static inline csc_item_type_t csc__type_at_depth(uint32_t depth, uint32_t ncomp,
                                                 csc_item_type_t leaf)
{
    if (depth == 1)
        return CSC_ITEM_SERVER;
    if (depth == 2)
        return CSC_ITEM_SHARE;
    return depth == ncomp ? leaf : CSC_ITEM_DIRECTORY;
}

/* C2.1: which type of item may sit under which (the root holds servers). */
static inline bool csc__type_fits(uint8_t parent, uint8_t child)
{
    switch (parent) {
    case CSC__ITEM_ROOT:
        return child == CSC_ITEM_SERVER;
    case CSC_ITEM_SERVER:
        return child == CSC_ITEM_SHARE;
    case CSC_ITEM_SHARE:
    case CSC_ITEM_DIRECTORY:
        return child == CSC_ITEM_DIRECTORY || child == CSC_ITEM_FILE;
    default:
        return false;
    }
}

static inline bool csc__is_container(const struct csc_item *item)
{
    return csc__hot(item)->type != CSC_ITEM_FILE;
}

/* tree.c: the item `id` stopped (now false) or started being marked
 * (C3.5): its parent's count follows, and so on up while a mark flips. */
void csc__tree_mark_changed(csc_cache_t *cache, const csc__hot_t *h, bool now);

/* Removes a childless item from the cache (eviction, DeleteItems). */
void csc__tree_remove_leaf(csc_cache_t *cache, struct csc_item *item);
/* Pre-order successor of `id` over the hot links; CSC__NONE after the last
 * item (start from the root's first child). */
uint32_t csc__tree_preorder_next(const csc_cache_t *cache, uint32_t id);
/* Sets the size an existing file holds, keeping the disk-space counters and
 * the eviction index (no room is made: the caller checks C5.7 first). */
void csc__tree_set_file_size(csc_cache_t *cache, struct csc_item *item, uint64_t size);
#endif
