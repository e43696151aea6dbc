/*
 * cscsim/item.h: the items of the cache. An item is a server, share,
 * directory or file named by its UNC path (contract C1, C2). This header
 * caches items, finds them, reads their state (pin sources, dirty, open,
 * size, evictable: C3, C5.1, C5.2) and changes that state (modify, sync,
 * open, close, access lists: C9).
 *
 * Paths are UTF-8, or WTF-8 for names holding unpaired surrogates (C14.4):
 * such names are given back in the same bytes. A csc_item_t pointer is
 * borrowed from the cache: it stays valid until the item leaves the cache or
 * the cache is freed; mutations of other items never invalidate it.
 */
#ifndef CSCSIM_ITEM_H
#define CSCSIM_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct csc_item csc_item_t;

/* Item types and their Windows values (C2.1). */
typedef enum csc_item_type {
    CSC_ITEM_NONE = -1, /* csc_item_type(NULL) */
    CSC_ITEM_FILE = 0,
    CSC_ITEM_DIRECTORY = 1,
    CSC_ITEM_SHARE = 2,
    CSC_ITEM_SERVER = 3
} csc_item_type_t;

/* The four pin sources, by their pin control flag values (C3.1). */
#define CSC_PIN_SOURCE_USER 0x20u     /* ForUser */
#define CSC_PIN_SOURCE_POLICY 0x40u   /* ForUser_Policy */
#define CSC_PIN_SOURCE_COMPUTER 0x80u /* ForAll */
#define CSC_PIN_SOURCE_REDIRECT 0x100u /* ForRedir */
#define CSC_PIN_SOURCES_ALL 0x1E0u

/* The WMI value of one pin source (C3.2). */
typedef enum csc_pin_wmi {
    CSC_PIN_WMI_NOT_PINNED = 0,
    CSC_PIN_WMI_PINNED = 1,
    CSC_PIN_WMI_PINNED_INHERIT = 2
} csc_pin_wmi_t;

/* ---- caching ---------------------------------------------------------- */

/*
 * Caches a file with its missing ancestors (C2.2, C2.4). `size` sets the
 * file's size; with `has_size` false a new file has size 0 and an existing
 * one keeps its size. Caching an existing file again succeeds and touches it.
 * Errors: 0x8007007B invalid path or fewer than three components,
 * 0x8007010B a path below a file, 0x800700B7 an existing item of another
 * type, E_OUTOFMEMORY. On error nothing changes. `out` may be NULL; on
 * success *out is the item, or NULL when the eviction policy's pass that
 * follows the call (C5.5: `eager`, or `automatic` over the unpinned limit)
 * has already evicted it.
 */
CSC_API csc_hresult csc_cache_file(csc_cache_t *cache, const char *path, bool has_size,
                                   uint64_t size, csc_item_t **out);

/*
 * Caches a directory with its missing ancestors; a path of one component
 * caches a server, of two a share. Errors as csc_cache_file.
 */
CSC_API csc_hresult csc_cache_dir(csc_cache_t *cache, const char *path, csc_item_t **out);

/* ---- finding ---------------------------------------------------------- */

/*
 * Finds a cached item by path (any spelling that normalises to it).
 * 0x8007007B for an invalid path, 0x80070002 when it is not cached.
 */
CSC_API csc_hresult csc_cache_find(const csc_cache_t *cache, const char *path,
                                   csc_item_t **out);

/* The first server (in C2.3 order) or NULL. */
CSC_API csc_item_t *csc_cache_first_server(const csc_cache_t *cache);

/* Links between items, in C2.3 order; NULL at the ends. */
CSC_API csc_item_t *csc_item_parent(const csc_item_t *item);
CSC_API csc_item_t *csc_item_first_child(const csc_item_t *item);
CSC_API csc_item_t *csc_item_next_sibling(const csc_item_t *item);

/*
 * A pre-order iterator over a subtree in C2.3 order, so a client need not
 * follow first_child / next_sibling by hand:
 *
 *     csc_subtree_iter_t it;
 *     csc_subtree_iter_init(&it, share);
 *     for (csc_item_t *i; (i = csc_subtree_iter_next(&it)) != NULL;)
 *         ...
 *
 * csc_subtree_iter_init starts at `root` (returned first); csc_cache_iter_init
 * visits every item of the cache, servers first in their order. The
 * iterator holds no memory and needs no free. Like the item getters it reads
 * without the cache's guard (see cscsim/cache.h): the cache must not change
 * while it is used, except through csc_subtree_iter_skip_children.
 */
typedef struct csc_subtree_iter {
    const csc_item_t *root; /* the subtree's root; NULL: a whole cache */
    csc_item_t *first;      /* the first item to return */
    csc_item_t *last;       /* the item returned last, NULL before the first */
    bool skip;              /* do not descend below `last` */
} csc_subtree_iter_t;

CSC_API void csc_subtree_iter_init(csc_subtree_iter_t *it, const csc_item_t *root);
CSC_API void csc_cache_iter_init(csc_subtree_iter_t *it, const csc_cache_t *cache);
/* The next item, or NULL at the end (and for a NULL iterator). */
CSC_API csc_item_t *csc_subtree_iter_next(csc_subtree_iter_t *it);
/* The next csc_subtree_iter_next does not descend below the item returned
 * last (its descendants are skipped). */
CSC_API void csc_subtree_iter_skip_children(csc_subtree_iter_t *it);

/* ---- reading ---------------------------------------------------------- */

CSC_API csc_item_type_t csc_item_type(const csc_item_t *item);

/* The item's own name as first cached ("file.txt"; a server's bare name). */
CSC_API const char *csc_item_name(const csc_item_t *item);

/*
 * Writes the item's display path (case as first cached, C1.3) with its NUL
 * into buf. Returns the path's length in bytes without the NUL; when that is
 * >= size the output was truncated (still NUL-terminated when size > 0).
 */
CSC_API size_t csc_item_path(const csc_item_t *item, char *buf, size_t size);

/* The pin sources set (CSC_PIN_SOURCE_* bits); always 0 for a server. */
CSC_API uint32_t csc_item_pins(const csc_item_t *item);
/* The sources whose inherit bit is set (containers only). */
CSC_API uint32_t csc_item_inherit(const csc_item_t *item);
/* One source's WMI value: 0 not pinned, 1 pinned, 2 pinned inherit. */
CSC_API csc_pin_wmi_t csc_item_pin_wmi(const csc_item_t *item, uint32_t source);

CSC_API bool csc_item_is_pinned(const csc_item_t *item);
/* A container not pinned itself with a pinned descendant (C3.5). O(1). */
CSC_API bool csc_item_is_partly_pinned(const csc_item_t *item);
CSC_API bool csc_item_is_dirty(const csc_item_t *item);
CSC_API uint64_t csc_item_dirty_bytes(const csc_item_t *item);
CSC_API bool csc_item_is_open(const csc_item_t *item);
CSC_API uint32_t csc_item_open_count(const csc_item_t *item);
/* Sharing violations that pins and unpins without Background caused (C4.5). */
CSC_API uint32_t csc_item_sharing_violations(const csc_item_t *item);
CSC_API uint64_t csc_item_size(const csc_item_t *item);
CSC_API uint64_t csc_item_last_use(const csc_item_t *item);
/* No pin source, not dirty, not open, and no cached child (C5.2). */
CSC_API bool csc_item_is_evictable(const csc_item_t *item);

/*
 * The item's own access list (C9.1), not an inherited one. Returns false when
 * the item has none; else *count is the number of users, and user i is
 * csc_item_access_user(item, i).
 */
CSC_API bool csc_item_access(const csc_item_t *item, size_t *count);
CSC_API const char *csc_item_access_user(const csc_item_t *item, size_t index);

/* Whether the cache's current caller has access to the item (C9.1). */
CSC_API bool csc_cache_caller_has_access(const csc_cache_t *cache, const csc_item_t *item);

/* ---- changing --------------------------------------------------------- */

/*
 * The file gets an unsynchronized offline change of `bytes` bytes: it becomes
 * dirty and its dirty byte count grows by `bytes` (C5.1). E_INVALIDARG on a
 * container.
 */
CSC_API csc_hresult csc_item_modify(csc_cache_t *cache, csc_item_t *item, uint64_t bytes);

/* The item and everything below it become clean (C5.1, C5.8). Never fails. */
CSC_API csc_hresult csc_item_mark_synchronized(csc_cache_t *cache, csc_item_t *item);

/* An application opens the file / closes one handle to it; closing a file
 * that is not open succeeds and changes nothing. Opening touches (C5.4).
 * E_INVALIDARG on a container. */
CSC_API csc_hresult csc_item_open(csc_cache_t *cache, csc_item_t *item);
CSC_API csc_hresult csc_item_close(csc_cache_t *cache, csc_item_t *item);

/* The item's last-use time becomes the clock's value (C5.4). */
CSC_API csc_hresult csc_item_touch(csc_cache_t *cache, csc_item_t *item);

/*
 * Replaces the item's access list (C9.1) with `count` user names. `users`
 * NULL removes the list (everyone has access again); an empty list
 * (users non-NULL, count 0) lets nobody in. E_INVALIDARG for an empty name
 * or one that is neither UTF-8 nor WTF-8 (C14.4, as paths); E_OUTOFMEMORY;
 * on failure the old list stays.
 */
CSC_API csc_hresult csc_item_set_access(csc_cache_t *cache, csc_item_t *item,
                                        const char *const *users, size_t count);

#ifdef __cplusplus
}
#endif

#endif
