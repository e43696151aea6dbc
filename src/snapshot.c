/*
 * src/snapshot.c: snapshots (issue 15, point 1; cscsim/snapshot.h). It owns
 * the snapshot format, the writer (a pre-order walk over the slabs into one
 * buffer), the loader (which builds a fresh internal tree, validates every
 * field as it goes and swaps it into the target only at the end, so a
 * failure leaves the target untouched: C8.1), the atomic file write and the
 * checksum (XXH64, written here from the xxHash specification: no
 * dependency).
 *
 * Format version 1. All integers little-endian; no padding.
 *
 *   header (24 bytes)
 *     0  magic "CSCSNAP" 0x1A            8 bytes
 *     8  format version                   u32  (1)
 *    12  section count                    u32  (2 to 5)
 *    16  total length of the file         u64  (header, sections, checksum)
 *   sections, each: id u32, reserved u32 (0), payload length u64, payload
 *     1  settings: clock u64, total limit u64, unpinned limit u64,
 *        policy u32 (csc_evict_policy_t), caller flags u32 (bit 0:
 *        administrator), caller name length u32, the name (WTF-8)
 *     2  items: count u64 (servers and everything below; not the root),
 *        then the items in pre-order (C2.3), each:
 *          parent u32      0 for a server, else the 1-based position of its
 *                          parent among the items before it
 *          type u8         csc_item_type_t
 *          pins u8         CSC_PIN_SOURCE_* bits >> 5 (C3.1)
 *          inherit u8      inherit bits >> 5 (C3.2)
 *          flags u8        bit 0 dirty (C5.1), bit 1 has an access list
 *          name length u16 bytes of the display name (as first cached)
 *          last use u64    virtual clock of the last use (C5.4)
 *          files only: size u64, dirty bytes u64, open count u32,
 *                      sharing violations u32
 *          the display name (WTF-8, one normalised component)
 *          with an access list (C9.1): user count u32, then per user
 *                      name length u32 and the name, in the list's order
 *     3  remote side (optional, C10, src/remote/; written when the remote
 *        side holds any record or connectivity record, so a cache without
 *        remote state keeps the bytes of before):
 *          records u64     then the remote records in pre-order (each
 *                          parent's list order, sorted or not), each:
 *            depth u32     1 a server, 2 a share, ...: the parent is the
 *                          last record one level up
 *            type u8, mode u8 (shares: csc_caching_mode_t), flags u8
 *                          (bit 0 has implicit twins, bit 1 children
 *                          unsorted), reserved u8 (0), name length u16,
 *                          size u64, version u64, original version u64,
 *                          last change u64, kids_clock u64, display name
 *          scopes u64      then the connectivity records (any order), each:
 *                          flags u8 (bit 0 share, bit 1 remembered mode,
 *                          bit 2 forced, bit 3 slow override), condition
 *                          u8, mode u8, reserved u8 (0), slow epoch u64,
 *                          override epoch u64, key length u32, folded key
 *          twins u64       the length of a bitmap, (items + 7) / 8 bytes,
 *                          then the bitmap: bit (k - 1) % 8 of byte
 *                          (k - 1) / 8 set when the item at position k (as
 *                          in section 2) is a cached file with an implicit
 *                          twin (CSC__F_TWIN); bits past the last item 0.
 *                          Each twin gets its reservation again
 *        The loader builds a fresh remote side, keys from the folded
 *        names, and judges the rest by the remote invariant check. A
 *        snapshot without section 3 loads with an empty remote side.
 *     4  methods (optional, C13; written only when some state differs from
 *        a new cache's, so older snapshots and their bytes stay as they
 *        were; the header counts every section present, 2 to 4):
 *          state u32       bit 0 Enabled, bit 1 Active, bit 2 the last
 *                          Encrypt asked for encryption (C13.1, C13.4)
 *          location u32    length of Location, 0xFFFFFFFF for the default,
 *                          then the bytes
 *          renames u32     RenameItem's log (C13.2), each: from length u32
 *                          and bytes, to length u32 and bytes
 *          marks u64       then for each marked item, in pre-order:
 *                          position u64 (1-based, as in section 2) and
 *                          bits u8: 1 suspension root (a share or
 *                          directory, C13.3), 2 encryption differs from the
 *                          configured state (a file, C13.4)
 *     5  file states (optional, round 2: src/remote/fstate.c and apps.c;
 *        written only when a cached file has round-2 state or an
 *        application holds a non-cached handle, so older snapshots and
 *        their bytes stay as they were; the header counts 2 to 5):
 *          entries u64     then per file with state, in pre-order:
 *                          position u64 (1-based, as in section 2), bits
 *                          u8 (1 sparse, 2 created offline, 4 deleted
 *                          offline, 8 has a local change time), conflict
 *                          u8 (OFFLINEFILES_SYNC_STATE, 0 none), reserved
 *                          u16 (0), full size u64 (sparse: its logical
 *                          size; its size in section 2 is 0), local change
 *                          u64, conflict version u64
 *          handles u64     then the non-cached handles (C11.1) per path:
 *                          count u32, key length u32, the folded path
 *     6  pending deep pins (optional, C15.20, src/remote/fetch.c; written
 *        only when a container has one, so older snapshots and their bytes
 *        stay as they were; the header then counts 2 to 6):
 *          pending u64     then per container with a pending deep pin, in
 *                          pre-order: position u64 (1-based, as in section
 *                          2), sources u16 (CSC_PIN_SOURCE_* bits)
 *   checksum u64: XXH64 (seed 0) of every byte before it
 *
 * Stable across versions: the magic, the version field and the checksum
 * trailer, so a loader tells a damaged file (CSC_E_FILE_CORRUPT) from a
 * newer one (CSC_E_REVISION_MISMATCH). The loader takes the sections in
 * this order, each once, and nothing else (3 and 4 only when present); a
 * version-1 loader skips nothing.
 * Everything the public getters and the eviction order read is there:
 * eviction order is last use then walk order (C5.4), both total, so it
 * needs no insertion sequence. Derived state (partly pinned counts, disk
 * usage, the eviction index, the lookup memo) is rebuilt, not stored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "alloc.h"
#include "guard.h"
#include "path.h"
#include "record.h"
#include "remote/remote.h"
#include "remote/fetch.h"
#include "remote/fstate.h"
#include "snapshot.h"
#include "evict.h"
#include "tree.h"

#include "cscsim/snapshot.h"

#define MAGIC "CSCSNAP\x1A"
#define HEADER_SIZE 24u
#define SECTION_HEAD 16u
#define TRAILER_SIZE 8u
#define SEC_SETTINGS 1u
#define SEC_ITEMS 2u
#define SEC_REMOTE 3u /* optional (C10) */
#define SEC_METHODS 4u /* optional (C13) */
#define SEC_FSTATE 5u /* optional (C10.8, C11, C12.5) */
#define SEC_PENDING 6u /* optional (C15.20) */
#define PENDING_BYTES 10u
#define LOCATION_DEFAULT 0xFFFFFFFFu
#define MARK_SUSPEND 0x01u
#define MARK_ENC 0x02u
#define ITEM_FIXED 18u
#define FILE_EXTRA 24u
#define REC_DIRTY 0x01u
#define REC_ACCESS 0x02u
#define NAME_MAX_BYTES (3u * CSC__NAME_MAX_UNITS) /* 255 units, 3 bytes at most each */

/* ---- XXH64 ------------------------------------------------------------ */

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64u - r));
}

static inline uint64_t get64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static inline uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t in)
{
    acc += in * P2;
    acc = rotl64(acc, 31);
    return acc * P1;
}

static inline uint64_t xxh_merge(uint64_t acc, uint64_t v)
{
    acc ^= xxh_round(0, v);
    return acc * P1 + P4;
}

uint64_t csc__xxh64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data, *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
        const unsigned char *limit = end - 32;
        do {
            v1 = xxh_round(v1, get64(p));
            v2 = xxh_round(v2, get64(p + 8));
            v3 = xxh_round(v3, get64(p + 16));
            v4 = xxh_round(v4, get64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = xxh_merge(h, v1);
        h = xxh_merge(h, v2);
        h = xxh_merge(h, v3);
        h = xxh_merge(h, v4);
    } else {
        h = seed + P5;
    }
    h += (uint64_t)len;
    for (; p + 8 <= end; p += 8) {
        h ^= xxh_round(0, get64(p));
        h = rotl64(h, 27) * P1 + P4;
    }
    if (p + 4 <= end) {
        h ^= (uint64_t)get32(p) * P1;
        h = rotl64(h, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= (uint64_t)*p * P5;
        h = rotl64(h, 11) * P1;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

static inline unsigned char *put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static inline unsigned char *put32(unsigned char *p, uint32_t v)
{
    return csc__le_put(p, v, 4);
}

static inline unsigned char *put64(unsigned char *p, uint64_t v)
{
    return csc__le_put(p, v, 8);
}

void csc__snapshot_seal(void *data, size_t size)
{
    put64((unsigned char *)data + size - TRAILER_SIZE,
          csc__xxh64(data, size - TRAILER_SIZE, 0));
}

/* ---- buffers that remember their allocator ----------------------------- */

/* A snapshot buffer is preceded by this prefix, so csc_snapshot_free needs
 * no cache. */
typedef union buf_prefix {
    struct {
        csc_allocator_t alloc;
        size_t total; /* bytes allocated, prefix included */
    } s;
    max_align_t align_;
} buf_prefix_t;

static unsigned char *buf_alloc(const csc_allocator_t *a, size_t cap)
{
    if (cap > SIZE_MAX - sizeof(buf_prefix_t))
        return NULL;
    buf_prefix_t *b = csc__malloc(a, sizeof *b + cap);
    if (b == NULL)
        return NULL;
    b->s.alloc = *a;
    b->s.total = sizeof *b + cap;
    return (unsigned char *)(b + 1);
}

void csc_snapshot_free(void *data)
{
    if (data == NULL)
        return;
    buf_prefix_t *b = (buf_prefix_t *)data - 1;
    csc_allocator_t a = b->s.alloc;
    csc__free(&a, b, b->s.total);
}

/* ---- the writer ------------------------------------------------------- */

typedef struct writer {
    const csc_allocator_t *alloc;
    unsigned char *buf;
    size_t len, cap;
} writer_t;

/* Room for `n` more bytes. false: out of memory (the buffer stays). */
static bool reserve(writer_t *w, size_t n)
{
    if (w->cap - w->len >= n)
        return true;
    size_t cap = w->cap < 4096 ? 4096 : w->cap;
    while (cap - w->len < n) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    unsigned char *b = buf_alloc(w->alloc, cap);
    if (b == NULL)
        return false;
    if (w->len > 0)
        memcpy(b, w->buf, w->len);
    csc_snapshot_free(w->buf);
    w->buf = b;
    w->cap = cap;
    return true;
}

static size_t acl_bytes(const csc__acl_t *acl)
{
    size_t n = 4;
    for (size_t i = 0; i < acl->count; i++)
        n += 4 + strlen(acl->users[i].name);
    return n;
}

/* Writes one item record; `parent` is its parent's position. */
static bool write_item(writer_t *w, const csc_cache_t *cache, uint32_t id, uint32_t parent)
{
    const csc__hot_t *h = csc__hot_at(cache, id);
    const struct csc_item *it = csc__item_at(cache, id);
    const char *name = csc__name(it);
    size_t nlen = csc__name_len(it);
    const csc__acl_t *acl = it->acl != 0 ? cache->acls[it->acl] : NULL;
    bool file = h->type == CSC_ITEM_FILE;
    size_t need = ITEM_FIXED + (file ? FILE_EXTRA : 0) + nlen + (acl ? acl_bytes(acl) : 0);
    if (!reserve(w, need))
        return false;
    unsigned char *p = w->buf + w->len;
    p = put32(p, parent);
    *p++ = h->type;
    *p++ = h->pins;
    *p++ = h->inherit;
    *p++ = (unsigned char)(((h->flags & CSC__F_DIRTY) ? REC_DIRTY : 0) | (acl ? REC_ACCESS : 0));
    p = put16(p, (uint16_t)nlen);
    p = put64(p, it->last_use);
    if (file) {
        p = put64(p, h->size);
        p = put64(p, it->u.dirty_bytes);
        p = put32(p, h->u.f.open_count);
        p = put32(p, h->u.f.sharing_violations);
    }
    memcpy(p, name, nlen);
    p += nlen;
    if (acl != NULL) {
        p = put32(p, (uint32_t)acl->count);
        for (size_t i = 0; i < acl->count; i++) {
            size_t ul = strlen(acl->users[i].name);
            p = put32(p, (uint32_t)ul);
            memcpy(p, acl->users[i].name, ul);
            p += ul;
        }
    }
    w->len = (size_t)(p - w->buf);
    return true;
}

static size_t section_begin(writer_t *w, uint32_t id)
{
    unsigned char *p = w->buf + w->len; /* room reserved by the caller */
    p = put32(p, id);
    p = put32(p, 0);
    put64(p, 0);
    w->len += SECTION_HEAD;
    return w->len;
}

static void section_end(writer_t *w, size_t start)
{
    put64(w->buf + start - 8, (uint64_t)(w->len - start));
}

/* The items section: a pre-order walk over ids, positions on a stack. */
static bool write_items(writer_t *w, const csc_cache_t *cache)
{
    if (!reserve(w, SECTION_HEAD + 8))
        return false;
    size_t start = section_begin(w, SEC_ITEMS);
    put64(w->buf + w->len, (uint64_t)cache->item_count);
    w->len += 8;

    uint32_t local[64];
    uint32_t *stack = local;
    size_t cap = 64, depth = 1;
    bool ok = true;
    stack[0] = 0;
    uint32_t pos = 0;
    uint32_t root = csc__id(cache->root);
    uint32_t id = csc__hot_first_child(csc__hot(cache->root));
    while (id != CSC__NONE) {
        if (!write_item(w, cache, id, stack[depth - 1])) {
            ok = false;
            break;
        }
        pos++;
        const csc__hot_t *h = csc__hot_at(cache, id);
        uint32_t fc = csc__hot_first_child(h);
        if (fc != CSC__NONE) {
            if (depth == cap) {
                uint32_t *s = csc__malloc(w->alloc, 2 * cap * sizeof *s);
                if (s == NULL) {
                    ok = false;
                    break;
                }
                memcpy(s, stack, cap * sizeof *s);
                if (stack != local)
                    csc__free(w->alloc, stack, cap * sizeof *s);
                stack = s;
                cap *= 2;
            }
            stack[depth++] = pos;
            id = fc;
            continue;
        }
        while (id != root && csc__hot_at(cache, id)->next_sibling == CSC__NONE) {
            id = csc__hot_at(cache, id)->parent;
            depth--;
        }
        if (id == root)
            break;
        id = csc__hot_at(cache, id)->next_sibling;
    }
    if (stack != local)
        csc__free(w->alloc, stack, cap * sizeof *stack);
    if (ok)
        section_end(w, start);
    return ok;
}


static uint8_t marks_of(const csc__hot_t *h)
{
    /* On files the suspension bit is CSC__F_XSTATE (fstate.h). */
    return (uint8_t)(((h->flags & CSC__F_SUSPEND_ROOT) && h->type != CSC_ITEM_FILE ? MARK_SUSPEND
                                                                                    : 0) |
                     ((h->flags & CSC__F_ENC_DIFF) ? MARK_ENC : 0));
}

/* Whether the methods section is needed, and its item marks counted. */
static bool methods_needed(const csc_cache_t *cache, uint64_t *marks)
{
    *marks = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id))
        if (marks_of(csc__hot_at(cache, id)) != 0)
            (*marks)++;
    return *marks != 0 || !cache->feature_enabled || !cache->feature_active ||
           cache->encrypted || cache->location != NULL || cache->rename_count != 0;
}

static bool write_methods(writer_t *w, const csc_cache_t *cache, uint64_t marks)
{
    size_t need = SECTION_HEAD + 4 + 4 + 4 + 8 + (size_t)marks * 9u;
    if (cache->location != NULL)
        need += strlen(cache->location);
    for (size_t i = 0; i < cache->rename_count; i++)
        need += 8 + strlen(cache->renames[i].from) + strlen(cache->renames[i].to);
    if (!reserve(w, need))
        return false;
    size_t start = section_begin(w, SEC_METHODS);
    unsigned char *p = w->buf + w->len;
    p = put32(p, (cache->feature_enabled ? 1u : 0u) | (cache->feature_active ? 2u : 0u) |
                     (cache->encrypted ? 4u : 0u));
    if (cache->location == NULL) {
        p = put32(p, LOCATION_DEFAULT);
    } else {
        size_t n = strlen(cache->location);
        p = put32(p, (uint32_t)n);
        memcpy(p, cache->location, n);
        p += n;
    }
    p = put32(p, (uint32_t)cache->rename_count);
    for (size_t i = 0; i < cache->rename_count; i++) {
        const char *two[2] = {cache->renames[i].from, cache->renames[i].to};
        for (int k = 0; k < 2; k++) {
            size_t n = strlen(two[k]);
            p = put32(p, (uint32_t)n);
            memcpy(p, two[k], n);
            p += n;
        }
    }
    p = put64(p, marks);
    uint64_t pos = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id)) {
        pos++;
        uint8_t m = marks_of(csc__hot_at(cache, id));
        if (m != 0) {
            p = put64(p, pos);
            *p++ = m;
        }
    }
    w->len = (size_t)(p - w->buf);
    section_end(w, start);
    return true;
}

/* The remote section (C10): the records, the connectivity records and the
 * positions of the cached files with implicit twins. */
static bool write_remote(writer_t *w, const csc_cache_t *cache)
{
    size_t bitmap = (cache->item_count + 7u) / 8u;
    size_t need = SECTION_HEAD + csc__remote_snap_bytes(cache) + 8 + bitmap;
    if (!reserve(w, need))
        return false;
    size_t start = section_begin(w, SEC_REMOTE);
    unsigned char *p = csc__remote_snap_write(cache, w->buf + w->len);
    p = put64(p, (uint64_t)bitmap);
    memset(p, 0, bitmap);
    size_t pos = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id), pos++)
        if (csc__hot_at(cache, id)->flags & CSC__F_TWIN)
            p[pos / 8u] = (unsigned char)(p[pos / 8u] | (1u << (pos % 8u)));
    w->len = (size_t)(p + bitmap - w->buf);
    section_end(w, start);
    return true;
}

/* The file-state section (round 2): src/remote/fstate.c's entries and
 * the applications' non-cached handles. */
static bool write_fstate(writer_t *w, const csc_cache_t *cache)
{
    if (!reserve(w, SECTION_HEAD + csc__fstate_snap_bytes(cache)))
        return false;
    size_t start = section_begin(w, SEC_FSTATE);
    unsigned char *p = csc__fstate_snap_write(cache, w->buf + w->len);
    w->len = (size_t)(p - w->buf);
    section_end(w, start);
    return true;
}

/* Section 6: the pending deep pins (C15.20). */
static bool write_pending(writer_t *w, const csc_cache_t *cache)
{
    size_t n = csc__pending_pin_count(cache);
    if (!reserve(w, SECTION_HEAD + 8 + n * PENDING_BYTES))
        return false;
    size_t start = section_begin(w, SEC_PENDING);
    unsigned char *p = put64(w->buf + w->len, (uint64_t)n);
    uint64_t pos = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id)) {
        pos++;
        const struct csc_item *item = csc__item_at(cache, id);
        uint16_t src = csc__type(item) == CSC_ITEM_FILE ? 0 : csc__pending_pin_get(cache, item);
        if (src != 0) {
            p = put64(p, pos);
            p = put16(p, src);
        }
    }
    w->len = (size_t)(p - w->buf);
    section_end(w, start);
    return true;
}

static bool write_settings(writer_t *w, const csc_cache_t *cache)
{
    const csc__caller_t *c = &cache->caller;
    if (!reserve(w, SECTION_HEAD + 36 + c->name_len))
        return false;
    size_t start = section_begin(w, SEC_SETTINGS);
    unsigned char *p = w->buf + w->len;
    p = put64(p, cache->clock);
    p = put64(p, cache->limit);
    p = put64(p, cache->unpinned_limit);
    p = put32(p, (uint32_t)cache->policy);
    p = put32(p, c->admin ? 1u : 0u);
    p = put32(p, (uint32_t)c->name_len);
    memcpy(p, c->name, c->name_len);
    w->len += 36 + c->name_len;
    section_end(w, start);
    return true;
}

/* Builds the snapshot of a cache the caller has entered. */
static csc_hresult save_locked(const csc_cache_t *cache, writer_t *w)
{
    w->alloc = &cache->alloc;
    w->buf = NULL;
    w->len = w->cap = 0;
    /* A first guess that usually holds the whole snapshot. */
    size_t guess = 4096 + cache->item_count * 48u;
    bool ok = reserve(w, guess) && reserve(w, HEADER_SIZE);
    uint64_t marks = 0;
    bool methods = methods_needed(cache, &marks);
    bool remote = csc__remote_snap_needed(cache);
    bool fstate = csc__fstate_snap_needed(cache);
    bool pending = csc__pending_pin_count(cache) != 0;
    if (ok) {
        w->len = HEADER_SIZE;
        ok = write_settings(w, cache) && write_items(w, cache) &&
             (!remote || write_remote(w, cache)) && (!methods || write_methods(w, cache, marks)) &&
             (!fstate || write_fstate(w, cache)) && (!pending || write_pending(w, cache)) &&
             reserve(w, TRAILER_SIZE);
    }
    if (!ok) {
        csc_snapshot_free(w->buf);
        w->buf = NULL;
        w->len = 0;
        return CSC_E_OUTOFMEMORY; /* C8.1: the cache is only read */
    }
    unsigned char *p = w->buf;
    memcpy(p, MAGIC, 8);
    put32(p + 8, CSC_SNAPSHOT_VERSION);
    put32(p + 12, 2u + (remote ? 1u : 0u) + (methods ? 1u : 0u) + (fstate ? 1u : 0u) +
                      (pending ? 1u : 0u));
    put64(p + 16, (uint64_t)(w->len + TRAILER_SIZE));
    w->len += TRAILER_SIZE;
    csc__snapshot_seal(w->buf, w->len);
    return CSC_S_OK;
}

csc_hresult csc_cache_save_buffer(const csc_cache_t *cache, void **data, size_t *size)
{
    if (data != NULL)
        *data = NULL;
    if (size != NULL)
        *size = 0;
    if (cache == NULL || data == NULL || size == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY); /* a read (C14.5), not while busy (C6.6) */
    if (hr != CSC_S_OK)
        return hr;
    writer_t w;
    hr = save_locked(cache, &w);
    csc__leave(cache);
    if (hr == CSC_S_OK) {
        *data = w.buf;
        *size = w.len;
    }
    return hr;
}

/* ---- files -------------------------------------------------------------- */

static csc_hresult hr_from_errno(int err, bool writing)
{
    switch (err) {
    case ENOENT:
        return writing ? CSC_E_PATH_NOT_FOUND : CSC_E_FILE_NOT_FOUND;
    case ENOTDIR:
        return CSC_E_PATH_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EROFS:
    case EISDIR:
        return CSC_E_ACCESSDENIED;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        return CSC_E_DISK_FULL;
    case ENOMEM:
        return CSC_E_OUTOFMEMORY;
    default:
        return writing ? CSC_E_WRITE_FAULT : CSC_E_READ_FAULT;
    }
}

/* Flushes the directory holding `path` so a rename survives a crash; best
 * effort (some systems cannot open a directory; a directory name longer
 * than the buffer is skipped, so this never allocates). */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash == NULL ? 0 : (slash == path ? 1 : (size_t)(slash - path));
    if (len >= sizeof dir)
        return;
    if (slash == NULL)
        dir[len++] = '.';
    else
        memcpy(dir, path, len);
    dir[len] = '\0';
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Writes data[0..size) to `path` atomically: a temporary file beside it,
 * fflush + fsync, rename. On failure the temporary file is removed. */
static csc_hresult write_atomic(const csc_allocator_t *a, const char *path, const void *data,
                                size_t size)
{
    size_t plen = strlen(path);
    size_t tcap = plen + 48;
    char *tmp = csc__malloc(a, tcap);
    if (tmp == NULL)
        return CSC_E_OUTOFMEMORY;
    int fd = -1;
    for (unsigned n = 0; n < 1000 && fd < 0; n++) {
        snprintf(tmp, tcap, "%s.%ld-%u.tmp", path, (long)getpid(), n);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    csc_hresult hr = CSC_S_OK;
    if (fd < 0) {
        hr = hr_from_errno(errno, true);
        csc__free(a, tmp, tcap);
        return hr;
    }
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        hr = hr_from_errno(errno, true);
        close(fd);
    } else {
        if (fwrite(data, 1, size, f) != size || fflush(f) != 0 || fsync(fileno(f)) != 0)
            hr = hr_from_errno(errno, true);
        if (fclose(f) != 0 && hr == CSC_S_OK)
            hr = hr_from_errno(errno, true);
    }
    if (hr == CSC_S_OK && rename(tmp, path) != 0)
        hr = hr_from_errno(errno, true);
    if (hr != CSC_S_OK)
        (void)unlink(tmp);
    else
        sync_dir(path);
    csc__free(a, tmp, tcap);
    return hr;
}

csc_hresult csc_cache_save(const csc_cache_t *cache, const char *path)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    if (path[0] == '\0')
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    writer_t w;
    hr = save_locked(cache, &w);
    csc_allocator_t alloc = cache->alloc;
    /* The file is written without holding the cache, but while a recorder
     * records (record.c), which must see the result in order. */
    bool recording = CSC__RECORDING(cache);
    if (!recording)
        csc__leave(cache);
    if (hr == CSC_S_OK)
        hr = write_atomic(&alloc, path, w.buf, w.len);
    csc_snapshot_free(w.buf);
    if (recording) {
        csc__rec_snapshot((csc_cache_t *)cache, false, path, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

/* ---- the loader ----------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
} reader_t;

static bool has(const reader_t *r, size_t n)
{
    return (size_t)(r->end - r->p) >= n;
}

/* C1.4 for one stored component: non-empty, not "." or "..", no separator,
 * control character or < > : " | ? *, at most 255 UTF-16 units (their
 * count in *units). WTF-8 validity is checked when the name is folded. */
static bool name_ok(const unsigned char *s, size_t n, uint32_t *units)
{
    if (n == 0 || n > NAME_MAX_BYTES)
        return false;
    if (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.')))
        return false;
    uint32_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = s[i];
        if (b < 0x80u) {
            if (b < 0x20u || b == '\\' || b == '/' || b == '<' || b == '>' || b == ':' ||
                b == '"' || b == '|' || b == '?' || b == '*')
                return false;
            u++;
        } else if ((b & 0xC0u) != 0x80u) {
            u += b >= 0xF0u ? 2 : 1;
        }
    }
    *units = u;
    return u <= CSC__NAME_MAX_UNITS;
}


/* An open container of the load: its position, id and path lengths. */
typedef struct frame {
    uint32_t pos, id;
    uint32_t path_len; /* bytes of its display path */
    uint32_t units;    /* UTF-16 units of it (C1.4) */
} frame_t;

typedef struct loader {
    csc_cache_t *c; /* the fresh cache being built */
    frame_t *stack;
    size_t depth, cap;
    size_t max_path;
} loader_t;

/* The container on top of the stack is complete: its mark goes to its
 * parent's count (C3.5). */
static void pop_frame(loader_t *L)
{
    csc__hot_t *h = csc__hot_at(L->c, L->stack[L->depth - 1].id);
    L->depth--;
    if (csc__marked_hot(h))
        csc__hot_at(L->c, L->stack[L->depth - 1].id)->u.d.pinned_below++;
}

static bool push_frame(loader_t *L, frame_t f)
{
    if (L->depth == L->cap) {
        size_t cap = L->cap * 2;
        frame_t *s = csc__malloc(&L->c->alloc, cap * sizeof *s);
        if (s == NULL)
            return false;
        memcpy(s, L->stack, L->cap * sizeof *s);
        csc__free(&L->c->alloc, L->stack, L->cap * sizeof *s);
        L->stack = s;
        L->cap = cap;
    }
    L->stack[L->depth++] = f;
    return true;
}

/* Gives `item` a new access-list slot holding `acl`. */
static bool acl_attach(csc_cache_t *c, struct csc_item *item, csc__acl_t *acl)
{
    if (c->acl_count + 1 >= c->acl_cap) {
        uint32_t cap = c->acl_cap < 16 ? 16 : c->acl_cap * 2;
        csc__acl_t **t = csc__malloc(&c->alloc, cap * sizeof *t);
        if (t == NULL)
            return false;
        memset(t, 0, cap * sizeof *t);
        if (c->acl_cap > 0)
            memcpy(t, c->acls, c->acl_cap * sizeof *t);
        csc__free(&c->alloc, c->acls, c->acl_cap * sizeof *t);
        c->acls = t;
        c->acl_cap = cap;
    }
    uint32_t slot = (uint32_t)c->acl_count + 1; /* slots 1..count are taken, in order */
    c->acls[slot] = acl;
    item->acl = slot;
    c->acl_count++;
    return true;
}

/* Reads an access list (C9.1) as access.c builds it. */
static csc_hresult read_acl(reader_t *r, const csc_allocator_t *a, csc__acl_t **out)
{
    if (!has(r, 4))
        return CSC_E_FILE_CORRUPT;
    uint32_t count = get32(r->p);
    r->p += 4;
    if (count > (size_t)(r->end - r->p) / 5u) /* every user takes 5 bytes at least */
        return CSC_E_FILE_CORRUPT;
    const unsigned char *users = r->p;
    size_t size = sizeof(csc__acl_t) + count * sizeof(csc__acl_user_t);
    for (uint32_t i = 0; i < count; i++) {
        if (!has(r, 4))
            return CSC_E_FILE_CORRUPT;
        uint32_t len = get32(r->p);
        r->p += 4;
        if (len == 0 || !has(r, len) || memchr(r->p, '\0', len) != NULL ||
            !csc__utf8_valid((const char *)r->p, len))
            return CSC_E_FILE_CORRUPT;
        size += len + 1u + CSC__PATH_KEY_CAP((size_t)len);
        r->p += len;
    }
    csc__acl_t *acl = csc__malloc(a, size);
    if (acl == NULL)
        return CSC_E_OUTOFMEMORY;
    acl->count = count;
    acl->alloc_size = size;
    char *dst = (char *)&acl->users[count];
    const unsigned char *s = users;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len = get32(s);
        s += 4;
        memcpy(dst, s, len);
        dst[len] = '\0';
        acl->users[i].name = dst;
        dst += len + 1;
        (void)csc__fold_utf8((const char *)s, len, dst, &acl->users[i].key_len); /* valid */
        acl->users[i].key = dst;
        dst += CSC__PATH_KEY_CAP((size_t)len);
        s += len;
    }
    *out = acl;
    return CSC_S_OK;
}

/* Reads one item record and adds the item to the fresh cache. */
static csc_hresult read_item(loader_t *L, reader_t *r, uint32_t pos)
{
    csc_cache_t *c = L->c;
    if (!has(r, ITEM_FIXED))
        return CSC_E_FILE_CORRUPT;
    const unsigned char *p = r->p;
    uint32_t parent = get32(p);
    uint8_t type = p[4], pins = p[5], inherit = p[6], flags = p[7];
    uint16_t nlen = get16(p + 8);
    uint64_t last_use = get64(p + 10);
    r->p += ITEM_FIXED;
    bool file = type == CSC_ITEM_FILE;
    uint64_t size = 0, dirty_bytes = 0;
    uint32_t open_count = 0, violations = 0;
    if (file) {
        if (!has(r, FILE_EXTRA))
            return CSC_E_FILE_CORRUPT;
        size = get64(r->p);
        dirty_bytes = get64(r->p + 8);
        open_count = get32(r->p + 16);
        violations = get32(r->p + 20);
        r->p += FILE_EXTRA;
    }
    if (type > CSC_ITEM_SERVER || (flags & ~(REC_DIRTY | REC_ACCESS)) != 0 ||
        (pins & ~(CSC_PIN_SOURCES_ALL >> CSC__PIN_SHIFT)) != 0 || (inherit & ~pins) != 0 ||
        (type == CSC_ITEM_SERVER && pins != 0) || (file && inherit != 0) ||
        (!file && (flags & REC_DIRTY)) || (!(flags & REC_DIRTY) && dirty_bytes != 0))
        return CSC_E_FILE_CORRUPT;
    const unsigned char *name = r->p;
    uint32_t units;
    if (!has(r, nlen) || !name_ok(name, nlen, &units))
        return CSC_E_FILE_CORRUPT;
    r->p += nlen;
    char folded[CSC__PATH_KEY_CAP(NAME_MAX_BYTES)];
    size_t flen;
    if (!csc__fold_utf8((const char *)name, nlen, folded, &flen))
        return CSC_E_FILE_CORRUPT;

    /* The parent is an open container: pre-order closes the others. */
    while (L->depth > 0 && L->stack[L->depth - 1].pos != parent) {
        if (L->depth == 1)
            return CSC_E_FILE_CORRUPT;
        pop_frame(L);
    }
    frame_t top = L->stack[L->depth - 1];
    struct csc_item *pit = csc__item_at(c, top.id);
    if (!csc__type_fits(csc__type(pit), type))
        return CSC_E_FILE_CORRUPT;
    uint64_t path_len = (uint64_t)top.path_len + 1u + nlen;
    uint64_t path_units = (uint64_t)top.units + 1u + units;
    if (path_units > CSC__PATH_MAX_UNITS)
        return CSC_E_FILE_CORRUPT;
    /* C2.3: children in order, each name once. */
    if (pit->u.last_child != CSC__NONE) {
        const struct csc_item *last = csc__item_at(c, pit->u.last_child);
        size_t ll = csc__fname_len(last);
        int cmp = memcmp(folded, csc__fname(last), flen < ll ? flen : ll);
        if (cmp < 0 || (cmp == 0 && flen <= ll))
            return CSC_E_FILE_CORRUPT;
    }
    csc__acl_t *acl = NULL;
    if (flags & REC_ACCESS) {
        csc_hresult hr = read_acl(r, &c->alloc, &acl);
        if (hr != CSC_S_OK)
            return hr;
    }
    struct csc_item *it =
        csc__tree_append_child(c, pit, folded, flen, (const char *)name, nlen, type);
    if (it == NULL || (acl != NULL && !acl_attach(c, it, acl))) {
        if (acl != NULL)
            csc__acl_free(c, acl);
        return CSC_E_OUTOFMEMORY; /* an item made stays in the fresh tree: freed with it */
    }
    csc__hot_t *h = csc__hot(it);
    uint32_t id = csc__id(it);
    h->pins = pins;
    h->inherit = inherit;
    it->last_use = last_use;
    if (path_len > L->max_path)
        L->max_path = (size_t)path_len;
    if (file) {
        h->size = size;
        h->u.f.open_count = open_count;
        h->u.f.sharing_violations = violations;
        h->flags = (uint8_t)(h->flags | ((flags & REC_DIRTY) ? CSC__F_DIRTY : 0) |
                             (open_count != 0 ? CSC__F_OPEN : 0));
        it->u.dirty_bytes = dirty_bytes;
        csc__bytes_add(&c->used, size);
        if (pins == 0)
            csc__bytes_add(&c->unpinned_used, size);
        else
            csc__hot_at(c, top.id)->u.d.pinned_below++; /* C3.5: a marked child */
        return CSC_S_OK;
    }
    frame_t f = {pos, id, (uint32_t)path_len, (uint32_t)path_units};
    return push_frame(L, f) ? CSC_S_OK : CSC_E_OUTOFMEMORY;
}

static csc_hresult read_settings(csc_cache_t *c, reader_t *r)
{
    if (!has(r, 36))
        return CSC_E_FILE_CORRUPT;
    c->clock = get64(r->p);
    c->limit = get64(r->p + 8);
    c->unpinned_limit = get64(r->p + 16);
    uint32_t policy = get32(r->p + 24), cflags = get32(r->p + 28), nlen = get32(r->p + 32);
    r->p += 36;
    if ((policy != CSC_EVICT_MANUAL && policy != CSC_EVICT_AUTOMATIC &&
         policy != CSC_EVICT_EAGER) ||
        (cflags & ~1u) != 0 || nlen == 0 || !has(r, nlen) || memchr(r->p, '\0', nlen) != NULL)
        return CSC_E_FILE_CORRUPT;
    c->policy = (int)policy;
    char *name = csc__strndup(&c->alloc, (const char *)r->p, nlen);
    if (name == NULL)
        return CSC_E_OUTOFMEMORY;
    r->p += nlen;
    csc_hresult hr = csc__caller_make(&c->alloc, name, (cflags & 1u) != 0, &c->caller);
    csc__free(&c->alloc, name, (size_t)nlen + 1);
    if (hr == CSC_E_INVALIDARG)
        hr = CSC_E_FILE_CORRUPT;
    return r->p == r->end || hr != CSC_S_OK ? hr : CSC_E_FILE_CORRUPT;
}

static csc_hresult read_items(csc_cache_t *c, reader_t *r)
{
    if (!has(r, 8))
        return CSC_E_FILE_CORRUPT;
    uint64_t count = get64(r->p);
    r->p += 8;
    if (count > (uint64_t)(r->end - r->p) / ITEM_FIXED)
        return CSC_E_FILE_CORRUPT;
    loader_t L = {c, NULL, 0, 64, 1};
    L.stack = csc__malloc(&c->alloc, L.cap * sizeof *L.stack);
    if (L.stack == NULL)
        return CSC_E_OUTOFMEMORY;
    frame_t root = {0, csc__id(c->root), 1, 1};
    L.stack[L.depth++] = root;
    csc_hresult hr = CSC_S_OK;
    for (uint64_t i = 0; i < count && hr == CSC_S_OK; i++)
        hr = read_item(&L, r, (uint32_t)(i + 1));
    if (hr == CSC_S_OK && r->p != r->end)
        hr = CSC_E_FILE_CORRUPT;
    while (hr == CSC_S_OK && L.depth > 1)
        pop_frame(&L);
    csc__free(&c->alloc, L.stack, L.cap * sizeof *L.stack);
    if (hr != CSC_S_OK)
        return hr;
    /* The eviction index: room for every item, the path buffer, and every
     * evictable item on the pending list (filed by the next pass, C5.4). */
    if (!csc__evict_reserve(c, 0, 0, L.max_path))
        return CSC_E_OUTOFMEMORY;
    if (c->item_count > 0) {
        c->pending.slots = csc__malloc(&c->alloc, c->item_count * sizeof *c->pending.slots);
        if (c->pending.slots == NULL)
            return CSC_E_OUTOFMEMORY;
        c->pending.cap = c->item_count;
    }
    for (uint32_t id = 1; id < c->id_next; id++) {
        if ((id & (CSC__SLAB_ITEMS - 1u)) == 0)
            continue;
        csc__hot_t *h = csc__hot_at(c, id);
        if (!(h->flags & CSC__F_FREE))
            csc__evict_update_hot(c, id, h);
    }
    return CSC_S_OK;
}

/* Checks the frame of a snapshot: header, length, checksum, version. */
static csc_hresult check_frame(const unsigned char *d, size_t size)
{
    if (size < HEADER_SIZE + TRAILER_SIZE || memcmp(d, MAGIC, 8) != 0 ||
        get64(d + 16) != (uint64_t)size)
        return CSC_E_FILE_CORRUPT;
    if (csc__xxh64(d, size - TRAILER_SIZE, 0) != get64(d + size - TRAILER_SIZE))
        return CSC_E_FILE_CORRUPT;
    uint32_t version = get32(d + 8);
    if (version == 0)
        return CSC_E_FILE_CORRUPT;
    if (version > CSC_SNAPSHOT_VERSION)
        return CSC_E_REVISION_MISMATCH;
    uint32_t sections = get32(d + 12);
    return sections >= 2 && sections <= 6 ? CSC_S_OK : CSC_E_FILE_CORRUPT;
}

/* A length-prefixed string of the methods section, copied (no NUL inside). */
static csc_hresult read_string(reader_t *r, const csc_allocator_t *a, char **out)
{
    if (!has(r, 4))
        return CSC_E_FILE_CORRUPT;
    uint32_t n = get32(r->p);
    r->p += 4;
    if (!has(r, n) || memchr(r->p, '\0', n) != NULL)
        return CSC_E_FILE_CORRUPT;
    *out = csc__strndup(a, (const char *)r->p, n);
    if (*out == NULL)
        return CSC_E_OUTOFMEMORY;
    r->p += n;
    return CSC_S_OK;
}

static csc_hresult read_methods(csc_cache_t *c, reader_t *r)
{
    if (!has(r, 8))
        return CSC_E_FILE_CORRUPT;
    uint32_t state = get32(r->p), loc = get32(r->p + 4);
    r->p += 8;
    if ((state & ~7u) != 0)
        return CSC_E_FILE_CORRUPT;
    c->feature_enabled = (state & 1u) != 0;
    c->feature_active = (state & 2u) != 0;
    c->encrypted = (state & 4u) != 0;
    if (loc != LOCATION_DEFAULT) {
        if (!has(r, loc) || memchr(r->p, '\0', loc) != NULL)
            return CSC_E_FILE_CORRUPT;
        c->location = csc__strndup(&c->alloc, (const char *)r->p, loc);
        if (c->location == NULL)
            return CSC_E_OUTOFMEMORY;
        r->p += loc;
    }
    if (!has(r, 4))
        return CSC_E_FILE_CORRUPT;
    uint32_t renames = get32(r->p);
    r->p += 4;
    if (renames > (size_t)(r->end - r->p) / 8u)
        return CSC_E_FILE_CORRUPT;
    for (uint32_t i = 0; i < renames; i++) {
        char *from = NULL, *to = NULL;
        csc_hresult hr = read_string(r, &c->alloc, &from);
        if (hr == CSC_S_OK)
            hr = read_string(r, &c->alloc, &to);
        if (hr == CSC_S_OK)
            hr = csc__renames_log(c, from, to);
        if (from != NULL)
            csc__free(&c->alloc, from, strlen(from) + 1);
        if (to != NULL)
            csc__free(&c->alloc, to, strlen(to) + 1);
        if (hr != CSC_S_OK)
            return hr;
    }
    if (!has(r, 8))
        return CSC_E_FILE_CORRUPT;
    uint64_t marks = get64(r->p);
    r->p += 8;
    if (marks > (uint64_t)(r->end - r->p) / 9u)
        return CSC_E_FILE_CORRUPT;
    uint64_t pos = 0;
    uint32_t id = csc__hot_first_child(csc__hot(c->root));
    for (uint64_t i = 0; i < marks; i++) {
        uint64_t want = get64(r->p);
        uint8_t m = r->p[8];
        r->p += 9;
        if (want <= pos || m == 0 || (m & ~(MARK_SUSPEND | MARK_ENC)) != 0)
            return CSC_E_FILE_CORRUPT;
        while (id != CSC__NONE && ++pos < want)
            id = csc__tree_preorder_next(c, id);
        if (id == CSC__NONE)
            return CSC_E_FILE_CORRUPT; /* beyond the last item */
        csc__hot_t *h = csc__hot_at(c, id);
        if (((m & MARK_SUSPEND) && (h->type == CSC_ITEM_FILE || h->type == CSC_ITEM_SERVER)) ||
            ((m & MARK_ENC) && h->type != CSC_ITEM_FILE))
            return CSC_E_FILE_CORRUPT;
        h->flags = (uint8_t)(h->flags | ((m & MARK_SUSPEND) ? CSC__F_SUSPEND_ROOT : 0) |
                             ((m & MARK_ENC) ? CSC__F_ENC_DIFF : 0));
        id = csc__tree_preorder_next(c, id);
    }
    return r->p == r->end ? CSC_S_OK : CSC_E_FILE_CORRUPT;
}

static csc_hresult read_remote(csc_cache_t *c, reader_t *r)
{
    csc_hresult hr = csc__remote_snap_read(c, &r->p, r->end);
    if (hr != CSC_S_OK)
        return hr;
    if (!has(r, 8))
        return CSC_E_FILE_CORRUPT;
    uint64_t bitmap = get64(r->p);
    r->p += 8;
    if (bitmap != ((uint64_t)c->item_count + 7u) / 8u || !has(r, (size_t)bitmap))
        return CSC_E_FILE_CORRUPT;
    const unsigned char *bits = r->p;
    r->p += bitmap;
    size_t pos = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(c->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(c, id), pos++) {
        if (bits[pos / 8u] & (1u << (pos % 8u))) {
            hr = csc__remote_snap_twin(c, csc__item_at(c, id));
            if (hr != CSC_S_OK)
                return hr;
        }
    }
    for (; pos < (size_t)bitmap * 8u; pos++) /* past the last item */
        if (bits[pos / 8u] & (1u << (pos % 8u)))
            return CSC_E_FILE_CORRUPT;
    if (r->p != r->end)
        return CSC_E_FILE_CORRUPT;
    /* Everything else (links, C2.3 order, types by depth, keys, versions,
     * modes, the connectivity records) is what the invariant check judges. */
    return csc__remote_check_records(c) ? CSC_S_OK : CSC_E_FILE_CORRUPT;
}

/* Section 6 into a fresh cache whose items are read (C15.20). */
static csc_hresult read_pending(csc_cache_t *c, reader_t *r)
{
    if (!has(r, 8))
        return CSC_E_FILE_CORRUPT;
    uint64_t n = get64(r->p);
    r->p += 8;
    if (n == 0 || n > (uint64_t)(r->end - r->p) / PENDING_BYTES)
        return CSC_E_FILE_CORRUPT;
    uint64_t pos = 0;
    uint32_t id = csc__hot_first_child(csc__hot(c->root));
    for (uint64_t i = 0; i < n; i++) {
        uint64_t want = get64(r->p);
        uint16_t src = get16(r->p + 8);
        r->p += PENDING_BYTES;
        if (want <= pos || src == 0 || (src & ~CSC_PIN_SOURCES_ALL) != 0)
            return CSC_E_FILE_CORRUPT;
        while (id != CSC__NONE && ++pos < want)
            id = csc__tree_preorder_next(c, id);
        if (id == CSC__NONE)
            return CSC_E_FILE_CORRUPT; /* beyond the last item */
        struct csc_item *item = csc__item_at(c, id);
        if (csc__type(item) != CSC_ITEM_SHARE && csc__type(item) != CSC_ITEM_DIRECTORY)
            return CSC_E_FILE_CORRUPT;
        csc_hresult hr = csc__pending_pin_add(c, item, src);
        if (hr != CSC_S_OK)
            return hr;
        id = csc__tree_preorder_next(c, id);
    }
    return r->p == r->end ? CSC_S_OK : CSC_E_FILE_CORRUPT;
}

/* The next section's id, or 0 when none is left. */
static uint32_t peek_section(const reader_t *r)
{
    return has(r, SECTION_HEAD) ? get32(r->p) : 0;
}

/* The next section, which must be `id`: its payload in *body. */
static csc_hresult next_section(reader_t *r, uint32_t id, reader_t *body)
{
    if (!has(r, SECTION_HEAD) || get32(r->p) != id || get32(r->p + 4) != 0)
        return CSC_E_FILE_CORRUPT;
    uint64_t len = get64(r->p + 8);
    r->p += SECTION_HEAD;
    if (len > (uint64_t)(r->end - r->p))
        return CSC_E_FILE_CORRUPT;
    body->p = r->p;
    body->end = r->p + len;
    r->p += len;
    return CSC_S_OK;
}

/* Swaps every field that makes up a cache's state between the target and
 * the fresh cache; the guard, the allocator, the eviction callback and the
 * asynchronous state stay where they are. Each side's slabs then name their
 * new owner. Keep in step with struct csc_cache (tree.h). */
#define SWAP_FIELD(f)                              \
    do {                                           \
        unsigned char t_[sizeof a->f];             \
        memcpy(t_, &a->f, sizeof t_);              \
        memcpy(&a->f, &b->f, sizeof t_);           \
        memcpy(&b->f, t_, sizeof t_);              \
    } while (0)

static void swap_state(csc_cache_t *a, csc_cache_t *b)
{
    SWAP_FIELD(index.head);
    SWAP_FIELD(root);
    SWAP_FIELD(slabs);
    SWAP_FIELD(slab_count);
    SWAP_FIELD(slab_cap);
    SWAP_FIELD(id_next);
    SWAP_FIELD(id_free);
    SWAP_FIELD(item_count);
    SWAP_FIELD(acl_count);
    SWAP_FIELD(acls);
    SWAP_FIELD(acl_cap);
    SWAP_FIELD(clock);
    SWAP_FIELD(caller);
    SWAP_FIELD(used);
    SWAP_FIELD(unpinned_used);
    SWAP_FIELD(limit);
    SWAP_FIELD(unpinned_limit);
    SWAP_FIELD(policy);
    SWAP_FIELD(evictable_files);
    SWAP_FIELD(evictable_dirs);
    SWAP_FIELD(pending);
    SWAP_FIELD(evictable_bytes);
    SWAP_FIELD(file_count);
    SWAP_FIELD(container_count);
    SWAP_FIELD(scratch);
    SWAP_FIELD(scratch_cap);
    SWAP_FIELD(feature_enabled);
    SWAP_FIELD(feature_active);
    SWAP_FIELD(encrypted);
    SWAP_FIELD(location);
    SWAP_FIELD(renames);
    SWAP_FIELD(rename_count);
    SWAP_FIELD(rename_cap);
    SWAP_FIELD(remote);
    for (uint32_t s = 0; s < a->slab_count; s++)
        a->slabs[s]->u.h.cache = a;
    for (uint32_t s = 0; s < b->slab_count; s++)
        b->slabs[s]->u.h.cache = b;
    csc__remote_rebind(a);
    csc__remote_rebind(b);
    a->memo_n = b->memo_n = 0; /* the memo names ids of the old tree */
    a->watch = b->watch = NULL;
}

static void fresh_free(csc_cache_t *fresh)
{
    csc__tree_free_all(fresh);
    csc__methods_free(fresh);
    csc__remote_free(fresh);
    csc__caller_free(&fresh->alloc, &fresh->caller);
}

/* Loads a snapshot into a cache the caller has entered for a change. */
static csc_hresult load_locked(csc_cache_t *cache, const unsigned char *d, size_t size)
{
    csc_hresult hr = check_frame(d, size);
    if (hr != CSC_S_OK)
        return hr;
    csc_cache_t fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.alloc = cache->alloc;
    fresh.index.alloc = &fresh.alloc;
    fresh.feature_enabled = fresh.feature_active = true; /* C13.1 defaults */
    reader_t r = {d + HEADER_SIZE, d + size - TRAILER_SIZE}, body;
    hr = csc__tree_new_root(&fresh, cache->hooks);
    if (hr == CSC_S_OK)
        hr = next_section(&r, SEC_SETTINGS, &body);
    if (hr == CSC_S_OK)
        hr = read_settings(&fresh, &body);
    if (hr == CSC_S_OK)
        hr = next_section(&r, SEC_ITEMS, &body);
    if (hr == CSC_S_OK)
        hr = read_items(&fresh, &body);
    /* The optional sections, in order: each present exactly when the
     * header counts it. */
    uint32_t sections = 2;
    if (hr == CSC_S_OK)
        hr = csc__remote_new(&fresh); /* empty unless section 3 says more */
    if (hr == CSC_S_OK && peek_section(&r) == SEC_REMOTE) {
        hr = next_section(&r, SEC_REMOTE, &body);
        sections++;
        if (hr == CSC_S_OK)
            hr = read_remote(&fresh, &body);
    }
    if (hr == CSC_S_OK && peek_section(&r) == SEC_METHODS) {
        hr = next_section(&r, SEC_METHODS, &body);
        sections++;
        if (hr == CSC_S_OK)
            hr = read_methods(&fresh, &body);
    }
    if (hr == CSC_S_OK && peek_section(&r) == SEC_FSTATE) {
        hr = next_section(&r, SEC_FSTATE, &body);
        sections++;
        if (hr == CSC_S_OK)
            hr = csc__fstate_snap_read(&fresh, &body.p, body.end);
        if (hr == CSC_S_OK && body.p != body.end)
            hr = CSC_E_FILE_CORRUPT;
    }
    if (hr == CSC_S_OK && r.p != r.end) {
        hr = next_section(&r, SEC_PENDING, &body);
        sections++;
        if (hr == CSC_S_OK)
            hr = read_pending(&fresh, &body);
    }
    if (hr == CSC_S_OK && sections != get32(d + 12))
        hr = CSC_E_FILE_CORRUPT;
    if (hr == CSC_S_OK && r.p != r.end)
        hr = CSC_E_FILE_CORRUPT;
    if (hr == CSC_S_OK) {
        swap_state(cache, &fresh);
        cache->index.alloc = &cache->alloc;
        fresh.index.alloc = &fresh.alloc;
    }
    fresh_free(&fresh); /* the old state on success, the partial one else */
    return hr;
}

csc_hresult csc_cache_load_buffer(csc_cache_t *cache, const void *data, size_t size)
{
    if (cache == NULL || data == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE); /* C14.5: a change */
    if (hr != CSC_S_OK)
        return hr;
    hr = load_locked(cache, data, size);
    if (CSC__RECORDING(cache))
        csc__rec_snapshot(cache, true, NULL, size, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_cache_load(csc_cache_t *cache, const char *path)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    if (path[0] == '\0')
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t size = 0;
    if (f == NULL) {
        hr = hr_from_errno(errno, false);
    } else {
        struct stat st;
        if (fstat(fileno(f), &st) != 0) {
            hr = hr_from_errno(errno, false);
        } else if (S_ISDIR(st.st_mode)) {
            hr = CSC_E_ACCESSDENIED;
        } else if ((uint64_t)st.st_size > SIZE_MAX - 1) {
            hr = CSC_E_OUTOFMEMORY;
        } else {
            size = (size_t)st.st_size;
            buf = csc__malloc(&cache->alloc, size);
            if (buf == NULL)
                hr = CSC_E_OUTOFMEMORY;
            else if (fread(buf, 1, size, f) != size || fgetc(f) != EOF)
                hr = ferror(f) ? CSC_E_READ_FAULT : CSC_E_FILE_CORRUPT; /* it changed */
        }
        fclose(f);
    }
    if (hr == CSC_S_OK)
        hr = load_locked(cache, buf, size);
    csc__free(&cache->alloc, buf, size);
    if (CSC__RECORDING(cache))
        csc__rec_snapshot(cache, true, path, 0, hr);
    csc__leave(cache);
    return hr;
}
