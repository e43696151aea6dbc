/*
 * src/scenario/picture.c: the picture of `show`. It owns the drawing of the item tree
 * with box-drawing characters (├── └── │), one item a line, and the words on
 * each line, written as the scenario language writes them so that a reader
 * can turn what they see into `expect` keys: the type; a file's size in
 * exact bytes (with a binary unit beside it from 1 KiB up); `pins=` and
 * `inherit=` with their pin sources; `partly-pinned`; `dirty` with its dirty
 * bytes; `open` with its handle count; the item's own access list; sharing
 * violations caused (C4.5 step 4); `evictable` (C5.2); and, round 2,
 * `offline (REASON)` on an offline server or share (C10.5), `suspended`
 * (C13.3), `encrypted` (C13.4), and on files `sparse` (C10.8), `created
 * offline`, `deleted offline` (C11.4, C11.5), `conflict (STATE)` (C12.6) and
 * `changed on server` (C10.3). The whole cache is
 * headed by its disk-space figures. Colour (ANSI) only when asked for. The
 * walk follows parent and sibling links, so any depth draws without
 * recursion.
 */
#include "picture.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

typedef struct palette {
    const char *reset, *tree, *container, *type, *pins, *inherit, *dirty, *open, *evictable,
        *access;
} palette_t;

static const palette_t plain = {"", "", "", "", "", "", "", "", "", ""};
static const palette_t ansi = {"\033[0m",  "\033[2m",  "\033[1m",  "\033[2m",  "\033[32m",
                               "\033[36m", "\033[31m", "\033[35m", "\033[33m", "\033[34m"};

static void put_size(FILE *out, uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    fprintf(out, "%llu bytes", (unsigned long long)bytes);
    if (bytes < 1024)
        return;
    double v = (double)bytes;
    size_t u = 0;
    v /= 1024.0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    fprintf(out, " (%.1f %s)", v, units[u]);
}

/* The words after an item's name. */
static void put_state(FILE *out, const csc_item_t *item, const palette_t *p)
{
    csc_item_type_t type = csc_item_type(item);
    fprintf(out, "  %s%s", p->type, csc__scn_type_name(type));
    if (type == CSC_ITEM_FILE) {
        fputc(' ', out);
        put_size(out, csc_item_size(item));
    }
    fputs(p->reset, out);
    uint32_t pins = csc_item_pins(item), inherit = csc_item_inherit(item);
    if (pins != 0) {
        fprintf(out, "  %spins=", p->pins);
        csc__scn_put_sources(out, pins);
        fputs(p->reset, out);
    }
    if (inherit != 0) {
        fprintf(out, "  %sinherit=", p->inherit);
        csc__scn_put_sources(out, inherit);
        fputs(p->reset, out);
    }
    if (csc_item_is_partly_pinned(item))
        fprintf(out, "  %spartly-pinned%s", p->pins, p->reset);
    if (csc_item_is_dirty(item))
        fprintf(out, "  %sdirty (%llu bytes)%s", p->dirty,
                (unsigned long long)csc_item_dirty_bytes(item), p->reset);
    uint32_t open = csc_item_open_count(item);
    if (open == 1)
        fprintf(out, "  %sopen%s", p->open, p->reset);
    else if (open > 1)
        fprintf(out, "  %sopen (%u handles)%s", p->open, (unsigned)open, p->reset);
    size_t users;
    if (csc_item_access(item, &users)) {
        fprintf(out, "  %saccess=", p->access);
        if (users == 0)
            fputs("nobody", out);
        for (size_t i = 0; i < users; i++)
            fprintf(out, "%s%s", i > 0 ? "," : "", csc_item_access_user(item, i));
        fputs(p->reset, out);
    }
    uint32_t violations = csc_item_sharing_violations(item);
    if (violations > 0)
        fprintf(out, "  sharing-violations=%u", (unsigned)violations);
    if (csc_item_is_evictable(item))
        fprintf(out, "  %sevictable%s", p->evictable, p->reset);
    /* round 2 (C10.3, C10.8, C11, C12.6, C13.3, C13.4) */
    csc__scn_round2_words(out, item, "  ");
}

void csc__scn_round2_words(FILE *out, const csc_item_t *item, const char *sep)
{
    if (csc_item_is_suspended_root(item))
        fprintf(out, "%ssuspended (root)", sep);
    else if (csc_item_is_suspended(item))
        fprintf(out, "%ssuspended", sep);
    if (csc_item_type(item) != CSC_ITEM_FILE)
        return;
    if (csc_item_is_encrypted(item))
        fprintf(out, "%sencrypted", sep);
    if (csc_item_is_sparse(item))
        fprintf(out, "%ssparse", sep);
    if (csc_item_is_created_offline(item))
        fprintf(out, "%screated offline", sep);
    if (csc_item_is_deleted_offline(item))
        fprintf(out, "%sdeleted offline", sep);
    csc_sync_state_t conflict = csc_item_conflict(item);
    if (conflict != CSC_SYNC_STATE_STABLE)
        fprintf(out, "%sconflict (%s)", sep, csc__scn_sync_state_name((uint64_t)conflict));
    if (csc_item_changed_on_server(item))
        fprintf(out, "%schanged on server", sep);
}

bool csc__scn_offline_reason(const csc_cache_t *cache, const csc_item_t *item,
                             csc_offline_reason_t *reason)
{
    csc_item_type_t type = csc_item_type(item);
    if (type != CSC_ITEM_SHARE && type != CSC_ITEM_SERVER)
        return false;
    size_t len = csc_item_path(item, NULL, 0);
    char *path = malloc(len + 1);
    if (path == NULL)
        return false;
    csc_item_path(item, path, len + 1);
    csc_connect_state_t state;
    bool offline = csc_connect_state(cache, path, &state, reason) == CSC_S_OK &&
                   state == CSC_CONNECT_STATE_OFFLINE;
    free(path);
    return offline;
}

/* Round 2 (C10.5): `offline (REASON)` after a server or share whose scope
 * is offline, REASON as the language writes it (`reason=`). */
static void put_connect(FILE *out, const csc_cache_t *cache, const csc_item_t *item,
                        const palette_t *p)
{
    csc_offline_reason_t reason;
    if (csc__scn_offline_reason(cache, item, &reason))
        fprintf(out, "  %soffline (%s)%s", p->dirty, csc__scn_reason_name((uint64_t)reason),
                p->reset);
}

/* A line of the tree: the item's name (its full path when `full`). */
static void put_item(FILE *out, const csc_cache_t *cache, const csc_item_t *item, bool full,
                     const palette_t *p)
{
    bool container = csc_item_type(item) != CSC_ITEM_FILE;
    fputs(container ? p->container : "", out);
    if (full) {
        size_t len = csc_item_path(item, NULL, 0);
        char *path = malloc(len + 1);
        if (path != NULL) {
            csc_item_path(item, path, len + 1);
            fputs(path, out);
            free(path);
        }
    } else {
        if (csc_item_type(item) == CSC_ITEM_SERVER)
            fputs("\\\\", out);
        fputs(csc_item_name(item), out);
    }
    fputs(container ? p->reset : "", out);
    put_state(out, item, p);
    put_connect(out, cache, item, p);
    fputc('\n', out);
}

static void put_limit(FILE *out, const char *key, uint64_t v)
{
    if (v == CSC_SPACE_UNLIMITED)
        fprintf(out, " %s=unlimited", key);
    else
        fprintf(out, " %s=%llu", key, (unsigned long long)v);
}

/* The prefix of the lines below the current depth: one segment a level. */
typedef struct prefix {
    char *buf;
    size_t len, cap;
    size_t *marks; /* the length before each level's segment */
    size_t depth, marks_cap;
} prefix_t;

static bool prefix_push(prefix_t *pf, const char *seg)
{
    size_t n = strlen(seg);
    if (pf->len + n + 1 > pf->cap) {
        size_t cap = pf->cap == 0 ? 256 : pf->cap * 2;
        while (cap < pf->len + n + 1)
            cap *= 2;
        char *b = realloc(pf->buf, cap);
        if (b == NULL)
            return false;
        pf->buf = b;
        pf->cap = cap;
    }
    if (pf->depth == pf->marks_cap) {
        size_t cap = pf->marks_cap == 0 ? 32 : pf->marks_cap * 2;
        size_t *m = realloc(pf->marks, cap * sizeof *m);
        if (m == NULL)
            return false;
        pf->marks = m;
        pf->marks_cap = cap;
    }
    pf->marks[pf->depth++] = pf->len;
    memcpy(pf->buf + pf->len, seg, n + 1);
    pf->len += n;
    return true;
}

static void prefix_pop(prefix_t *pf)
{
    pf->len = pf->marks[--pf->depth];
    pf->buf[pf->len] = '\0';
}

void csc__scn_picture(FILE *out, const csc_cache_t *cache, const csc_item_t *top, bool color)
{
    const palette_t *p = color ? &ansi : &plain;
    csc_item_t *it;
    if (top != NULL) {
        put_item(out, cache, top, true, p);
        it = csc_item_first_child(top);
    } else {
        csc_disk_space_t ds;
        fprintf(out, "%scache%s", p->container, p->reset);
        if (csc_cache_get_disk_space(cache, &ds) == CSC_S_OK) {
            fprintf(out, "  used=%llu unpinned-used=%llu", (unsigned long long)ds.used,
                    (unsigned long long)ds.unpinned_used);
            put_limit(out, "limit", ds.limit);
            put_limit(out, "unpinned-limit", ds.unpinned_limit);
        }
        fputs(csc_cache_first_server(cache) == NULL ? "  (empty)\n" : "\n", out);
        it = csc_cache_first_server(cache);
    }

    prefix_t pf = {0};
    if (!prefix_push(&pf, ""))
        goto done;
    /* Pre-order: `it` is the item to draw; the parent of a server is NULL,
     * which is also `top` when the whole cache is drawn. */
    while (it != NULL) {
        bool last = csc_item_next_sibling(it) == NULL;
        fprintf(out, "%s%s%s%s", p->tree, pf.buf, last ? "└── " : "├── ", p->reset);
        put_item(out, cache, it, false, p);
        if (csc_item_first_child(it) != NULL) {
            if (!prefix_push(&pf, last ? "    " : "│   "))
                goto done;
            it = csc_item_first_child(it);
            continue;
        }
        while (it != top && csc_item_next_sibling(it) == NULL) {
            it = csc_item_parent(it);
            if (it == top)
                break;
            prefix_pop(&pf);
        }
        if (it == top)
            break;
        it = csc_item_next_sibling(it);
    }
done:
    free(pf.buf);
    free(pf.marks);
}
