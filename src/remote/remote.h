/*
 * src/remote/remote.h (internal): the servers' side of the simulation
 * (contract C10). remote.c owns the remote namespace (servers, shares,
 * directories and files as the servers have them, C10.1) and the twins that
 * round-1 setup creates (C10.2, C15.4); connect.c owns connectivity: each
 * server's network condition and each scope's forced mark, slow override and
 * remembered caching mode (C10.4-C10.7, C10.9, C10.10, C15.5-C15.7). Both
 * keep their entries in generic keyed tables (hash.h) keyed by the same
 * normalised, case-folded paths as the cache's index (C1.2, C1.3).
 *
 * Dependencies point one way: item.c, cache.c and the Pin walk (through
 * fetch.h) call in here; tree.c knows nothing of the remote side but its
 * hooks (twin_leaving in struct csc_cache, for implicit twins, below;
 * file_leaving and container_leaving). The remote side reads the cache tree
 * through tree.h (lookups by key, the CSC__F_TWIN flag).
 */
#ifndef CSC_SRC_REMOTE_REMOTE_H
#define CSC_SRC_REMOTE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "tree.h"
#include "path.h"

#include "cscsim/remote.h"

/* The remote root's type: not a Windows type (as CSC__ITEM_ROOT). */
#define CSC__RNODE_ROOT 4u

/* A remote item (C10.1). Children are ordered by folded name (as C2.3). */
typedef struct csc__rnode {
    csc__hentry_t h; /* first member: the table entry, keyed by key[] */
    struct csc__rnode *parent;
    struct csc__rnode *first_child, *last_child;
    struct csc__rnode *next_sibling, *prev_sibling;
    uint64_t size;        /* files */
    uint64_t version;     /* files: 1 at creation, +1 per change (C10.1) */
    uint64_t last_change; /* the virtual clock at creation / last change */
    /* Files: the original version of the cached copy at this path, the
     * remote version it was last in sync with (C10.2); 0 when none. Every
     * way of caching a file from the server must set it (today: the setup
     * twins of C10.2 / C15.4, applications C11). It is meaningful only
     * while the file is cached; a later caching sets it again. A remote
     * delete copies it to the cached file's round-2 state first
     * (fstate.h, CSC__FS_ORIG), where csc_item_original_version finds it
     * when no record holds one. */
    uint64_t orig;
    /* Containers: the last-change time of their implicit file twins (see
     * "Implicit twins" below), valid when has_kids. */
    uint64_t kids_clock;
    uint32_t key_len, name_off;
    uint16_t name_len;
    uint8_t type;         /* csc_item_type_t or CSC__RNODE_ROOT */
    uint8_t mode;         /* shares: csc_caching_mode_t (C10.6) */
    bool has_kids;        /* containers: kids_clock is set */
    bool unsorted;        /* containers: children appended out of C2.3 order
                           * by materialising; sorted before order is read */
    char key[];           /* folded path, NUL, then the display name of the
                           * last component, NUL (csc__rnode_name) */
} csc__rnode_t;

static inline const char *csc__rnode_name(const csc__rnode_t *n)
{
    return n->key + n->key_len + 1;
}

/* The bytes a node takes (its allocation size). */
static inline size_t csc__rnode_size(size_t key_len, size_t name_len)
{
    return sizeof(csc__rnode_t) + key_len + 1 + name_len + 1;
}

/* Connectivity of a server or a share (connect.c). Records outlive the
 * remote items: a forced mark stays with its scope (C15.21), a condition
 * with its server. */
typedef struct csc__scope {
    csc__hentry_t h;
    uint64_t slow_epoch;     /* server: how many times it became slow */
    uint64_t override_epoch; /* share: the server's slow_epoch at the last
                              * TransitionOnline (C10.5 step 3) */
    uint32_t alloc_size;
    uint32_t key_len;
    uint8_t is_share;
    uint8_t condition;       /* server: csc_network_t */
    uint8_t mode;            /* share: remembered caching mode (C10.6, C15.7) */
    bool has_mode;
    bool forced;             /* share: taken offline (C10.9) */
    bool has_override;       /* share: TransitionOnline was called (C10.10) */
    char key[];
} csc__scope_t;

/*
 * Remote items are carved from chunks of their own (a slab by 16-byte size
 * classes up to CSC__RSLAB_MAX bytes, bigger ones straight from the
 * allocator), so that they never sit between the cache's items: the walks
 * over the cache tree keep their memory locality (the bench's deep unpin
 * ran 2 to 4 times slower with twins interleaved with items, and back at
 * its old speed with chunks of 1 MiB, which the C library maps apart from
 * its heap). Chunks grow from 4 KiB, doubling up to CSC__RSLAB_CHUNK_MAX, so a
 * small cache stays small. A freed item's block goes to its class's free
 * list for reuse; chunks are freed with the cache.
 */
#define CSC__RSLAB_CHUNK_MIN 4096u
#define CSC__RSLAB_CHUNK_MAX 1048576u
#define CSC__RSLAB_MAX 512u
#define CSC__RSLAB_CLASSES (CSC__RSLAB_MAX / 16u)

typedef struct csc__rslab {
    void *chunks; /* the newest chunk; each begins with the previous one's
                   * address and its own size */
    char *bump;
    size_t left;
    size_t next_size; /* of the next chunk; 0 before the first */
    void *free_list[CSC__RSLAB_CLASSES];
    /* The reserve (implicit twins): chunks of their own, oldest first,
     * linked through their first word; res_cur the one in use. Invariant:
     * res_need + CSC__RSLAB_MAX * (res_queued + 1) <= res_left +
     * res_queued_cap, so that every reserved record can be carved out
     * whatever the waste at a chunk's end. The chunks are address space:
     * only their headers and the records carved out become resident. */
    void *res_head, *res_tail, *res_cur;
    char *res_bump;
    size_t res_left;
    size_t res_queued, res_queued_cap; /* chunks after res_cur, their bytes */
    size_t res_need;                   /* bytes promised (rounded sizes) */
    size_t res_next_size;
} csc__rslab_t;

/* Non-cached handles on one file path (apps.c): `count` handles. */
typedef struct csc__nch {
    csc__hentry_t h;
    uint32_t count;
    uint32_t key_len;
    char key[]; /* folded path, NUL */
} csc__nch_t;

static inline size_t csc__nch_size(size_t key_len)
{
    return sizeof(csc__nch_t) + key_len + 1;
}

typedef struct csc__remote {
    csc__rslab_t slab;
    csc__htable_t nodes;  /* csc__rnode_t by folded path */
    csc__htable_t scopes; /* csc__scope_t by folded server or share path */
    /* The containers that have implicit twins (has_kids), by folded path:
     * a table of their own, so that materialising finds a twin's parent in
     * O(1) while `nodes` may be overfull (csc__htable_add_noalloc). */
    csc__htable_t kids;
    /* Round-2 state of cached files by item id (fstate.c). */
    csc__htable_t fstates;
    /* Pending deep pins of shallow-pinned containers by item id (fetch.c,
     * C15.20). */
    csc__htable_t pending;
    /* Some share has had the NOCACHING mode (C10.6), on the server or as a
     * cached share remembers it: until then Pin looks no mode up. Never
     * cleared (a hint). */
    bool nocaching_seen;
    /* Bumped whenever a record is made (a remote item the cache may lack):
     * with the tree's shape_gen, what the Pin walk's memo of "nothing to
     * fetch below clean_top" (walk.c) was taken at. */
    uint64_t rec_gen;
    uint32_t clean_top;
    uint64_t clean_shape, clean_rec;
    /* Applications' non-cached handles (C11.1, C11.6) by folded file path
     * (apps.c, csc__nch_t), and how many handles they hold in all. */
    csc__htable_t handles;
    size_t handle_count;
    csc__rnode_t *root;
    size_t node_count;    /* without the root */
    /* Where the last new item went (a directory filled in order is found
     * without a lookup, as the tree's last_parent); NULL after a delete. */
    csc__rnode_t *last_parent;
} csc__remote_t;

/*
 * Implicit twins (C10.2 at no cost). A file cached by setup (csc_cache_file)
 * in sync with its server has no remote record: the cached file carries
 * CSC__F_TWIN and the remote file at its path is the cached one (same name,
 * type FILE, the cached size, version 1, original version 1, last change
 * its remote parent's kids_clock). Its remote parent is always a record.
 * Memory for a record is reserved when the twin is made (csc__rslab_t's
 * reserve); the twin becomes a record ("materialised", never failing, never
 * allocating) when it would differ from the cached file: the file leaves
 * the cache (eviction, DeleteItems: the twin_leaving hook of tree.h, C5.6,
 * C10.1), the server changes it (remote write, C15.4), a setup caching
 * gives it a new size (C15.4). A remote delete clears the flag. Files made
 * at another clock than their directory's other implicit twins, and paths
 * whose record would exceed CSC__RSLAB_MAX bytes, get a record at once.
 */

typedef struct csc__kids {
    csc__hentry_t h; /* keyed by dir->key */
    csc__rnode_t *dir;
} csc__kids_t;

/* A remote item as the namespace has it: a record or an implicit twin. */
typedef struct csc__rview {
    csc__rnode_t *node;     /* the record, or NULL for an implicit twin */
    struct csc_item *twin;  /* the cached file of an implicit twin */
    uint8_t type;
    uint64_t size, version, orig, last_change;
} csc__rview_t;

/* The remote item with the folded path key[0..key_len): false when none. */
bool csc__remote_view(const csc_cache_t *cache, const char *key, size_t key_len,
                      csc__rview_t *v);

/* cache.c: at creation and destruction. */
csc_hresult csc__remote_new(csc_cache_t *cache);
void csc__remote_free(csc_cache_t *cache);

/* ---- normalised paths --------------------------------------------------- */

/* Paths are normalised into path.h's csc__path_buf_t. */
/* Bytes of the key (or display) path made of its first `depth` components. */
size_t csc__rpath_key_prefix(const csc__path_buf_t *pb, uint32_t depth);
size_t csc__rpath_display_prefix(const csc__path_buf_t *pb, uint32_t depth);

/* ---- the namespace (remote.c) ------------------------------------------- */

csc__rnode_t *csc__remote_find(const csc_cache_t *cache, const char *key, size_t key_len);

/* Puts a container's children in C2.3 order when materialising appended
 * them out of order (a read of the order must call it first; fetch.c). */
void csc__remote_sort_children(csc__rnode_t *parent);

/*
 * C10.2 / C15.4: what a setup caching (csc_cache_file, csc_cache_dir) does
 * on the remote side. item.c calls prepare before the tree's caching, which
 * makes every allocation; then commit (never fails) when the tree succeeded,
 * else discard. `adopt` tells item.c to give the cached file the size
 * `adopt_size` (the server's, C15.4).
 */
typedef struct csc__twin {
    csc__rnode_t *chain;     /* missing remote items, prepared, not linked */
    csc__rnode_t *existing;  /* the remote file already at the path */
    const struct csc_item *existing_twin; /* or the cached file of its implicit twin */
    csc__rnode_t *kids_parent; /* an existing parent of a new implicit twin */
    size_t twin_rounded;     /* bytes reserved for a new implicit twin, 0: none */
    size_t twin_key_len;     /* its key's length */
    csc__kids_t *new_kids;   /* the parent's entry in `kids`, made by prepare */
    csc__scope_t *new_scope; /* the share's record, made by prepare */
    csc__scope_t *scope;     /* the share's record (any), NULL for a server */
    size_t share_key_len;    /* 0 for a server path */
    bool server_down;        /* the share's server, at prepare */
    bool share_was_cached;   /* looked up only when the server is down */
    bool file;
    bool has_size;
    uint64_t size;
    bool adopt;
    uint64_t adopt_size;
} csc__twin_t;

csc_hresult csc__remote_twin_prepare(csc_cache_t *cache, const char *path, csc_item_type_t type,
                                     bool has_size, uint64_t size, csc__twin_t *tw);
void csc__remote_twin_commit(csc_cache_t *cache, csc__twin_t *tw, const struct csc_item *item);
void csc__remote_twin_discard(csc_cache_t *cache, csc__twin_t *tw);

/* The original version (C10.2) of the cached file with this folded path:
 * false when there is none (no remote record of one). */
bool csc__remote_original(const csc_cache_t *cache, const char *key, size_t key_len,
                          uint64_t *version);

/* C10.3: whether the cached file is changed on the server: its twin is
 * gone (or no longer a file), or the twin's version differs from the
 * original version; a file created offline (no original) only when the
 * server has a file of that name. */
bool csc__remote_changed_on_server(const csc_cache_t *cache, const struct csc_item *file);

/* ---- what applications do to the remote side (apps.c, C11) --------------- */

/* The record of a cached file's remote twin, an implicit twin made a record
 * first (never fails, never allocates); NULL when the server has no file
 * there. */
csc__rnode_t *csc__remote_file_record(csc_cache_t *cache, struct csc_item *file);
/* C11.4: the server gets a new file at pb's path (version 1, size `size`,
 * last change now): 0x80070003 when its parent is not a share or directory
 * on the server, 0x800700B7 when an item of that name exists there,
 * E_OUTOFMEMORY; nothing changed on failure. */
csc_hresult csc__remote_create_file(csc_cache_t *cache, const csc__path_buf_t *pb,
                                    uint64_t size, csc__rnode_t **out);
/* The file of a view leaves the server (C11.5; a record or an implicit twin). */
void csc__remote_remove_file(csc_cache_t *cache, const csc__rview_t *v);

/* For Synchronize (sync.c, C12). The record of the remote file at the
 * folded path key[0..key_len), materialising an implicit twin (never
 * failing); NULL when the server has no item there. */
csc__rnode_t *csc__remote_record_at(csc_cache_t *cache, const char *key, size_t key_len);
/* The remote item at key[0..key_len) (and what is below it) is gone from
 * the server; nothing when there is none. */
void csc__remote_remove_at(csc_cache_t *cache, const char *key, size_t key_len);
/* The server gets a file at `path` (a display path) of `size` bytes,
 * version 1, with its missing ancestors (C15.10); an existing remote file
 * is returned as it is. 0x80070003 when a remote file stands where an
 * ancestor directory must go, 0x800700B7 when a remote directory has the
 * file's name (C15.19), E_OUTOFMEMORY; nothing changes on failure. */
csc_hresult csc__remote_sync_create(csc_cache_t *cache, const char *path, uint64_t size,
                                    csc__rnode_t **out);

/* sync.c (C15.12): the server changed or removed the item at the folded
 * path key[0..key_len): a recorded conflict of the cached copy (and, for a
 * removed container, of the cached files below) is cleared. */
void csc__sync_server_changed(csc_cache_t *cache, const char *key, size_t key_len);

/* check.c: the remote side's invariants (links, C2.3 order, types by depth,
 * keys, the tables, versions and modes). false with a reason in why. */
bool csc__remote_check(const csc_cache_t *cache, char *why, size_t why_size);

/* ---- connectivity (connect.c) ------------------------------------------- */

csc__scope_t *csc__scope_find(const csc_cache_t *cache, const char *key, size_t key_len);
/* A new record (condition up, nothing marked) added to the table, or NULL
 * when out of memory (nothing changed). The key must not be there. */
csc__scope_t *csc__scope_make(csc_cache_t *cache, const char *key, size_t key_len,
                              bool is_share);
/* Removes and frees a record csc__scope_make made (undo). */
void csc__scope_unmake(csc_cache_t *cache, csc__scope_t *scope);

/* The network condition of the server whose folded key is key[0..len). */
csc_network_t csc__server_condition(const csc_cache_t *cache, const char *key, size_t len);

/* The connect state of the item whose normalised, folded path is
 * key[0..key_len) (C10.5, C15.19, C16.9): a cached item's key, or a
 * csc__path_buf_t's. Two lookups, never a walk. For C11 and C12 to use. */
void csc__connect_key_state(const csc_cache_t *cache, const char *key, size_t key_len,
                            csc_connect_state_t *state, csc_offline_reason_t *reason);

/* C15.7: the share was seen (created, or its mode set, on the remote side):
 * its record, if any, remembers its mode unless its server is down. */
void csc__connect_share_seen(csc_cache_t *cache, const csc__rnode_t *share);

/* ---- snapshots (section 3; remote.c, called by src/snapshot.c) ------------ */

/* Whether the remote side has anything (records or connectivity records). */
bool csc__remote_snap_needed(const csc_cache_t *cache);
/* Bytes of section 3's records and connectivity part, and their writer. */
size_t csc__remote_snap_bytes(const csc_cache_t *cache);
unsigned char *csc__remote_snap_write(const csc_cache_t *cache, unsigned char *p);
/* Reads that part into a fresh cache's empty remote side; *pp advances. */
csc_hresult csc__remote_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                  const unsigned char *end);
/* Gives a fresh cache's file an implicit twin (validated, reserved). */
csc_hresult csc__remote_snap_twin(csc_cache_t *cache, struct csc_item *item);
/* csc__remote_check without the implicit twins' part (the snapshot loader
 * checks each twin as it reads it, csc__remote_snap_twin). */
bool csc__remote_check_records(const csc_cache_t *cache);
/* Points the remote tables at cache->alloc (after a state swap). */
void csc__remote_rebind(csc_cache_t *cache);

/* ---- applications' non-cached handles (apps.c, C10.9, C10.11, C11.6) ------ */

/* Non-cached handles on files whose folded path begins with key[0..len)
 * followed by a separator (a scope or a server); len 0: all of them. */
size_t csc__apps_handles_below(const csc_cache_t *cache, const char *key, size_t len);
/* Closes those handles (never fails). */
void csc__apps_close_below(csc_cache_t *cache, const char *key, size_t len);
/* Frees every entry (csc__remote_free). */
void csc__apps_free(csc_cache_t *cache);

#endif
