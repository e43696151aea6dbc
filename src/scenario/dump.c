/*
 * src/scenario/dump.c: the cache as text (csc_cache_dump): the `show`
 * picture (picture.c), the Graphviz graph (dot.c), and the scenario that
 * recreates the state, which this file owns. That scenario is written in
 * phases, each a walk in C2.3 order over the items of the subtree, so that
 * no command disturbs what an earlier one set up:
 *   1. `policy manual`, so that nothing is evicted while it builds (C5.5);
 *   2. each item, parents first (`dir`, or `file ... size=N`; a sparse file
 *      as a Pin fetches it, C10.8: `remote file`, `pin`, `unpin`), followed by
 *      the pin and unpin commands that turn the state it arrives in (pinned
 *      with inherit by C3.3 when its parent has inherit bits) into its own:
 *      a deep Pin of a container that has no child yet sets pinned and
 *      inherit on it alone (C3.3), a shallow Pin sets pinned alone (C3.4), a
 *      shallow Unpin clears both (C4.5 step 5); round 2: a file that never
 *      had a remote twin (no original version, C10.2) is cached where the
 *      server has a directory of its name, which then goes (C15.19); a
 *      container's pending deep pins (C15.20) come from its shallow Pins,
 *      one more for an inherited source; a directory pinned for a source
 *      with neither is fetched by a Synchronize with PinNewFiles of its
 *      parent, before the parent's other children (C12.7, C15.13);
 *   3. dirty files (`modify ... bytes=N`, C5.1), open handles (`open`), and
 *      sharing violations, each one a shallow Unpin without Background of a
 *      source the open file does not have, or a Pin of one it has (C4.5
 *      step 4, C7.1), with the file opened for it and closed again when it
 *      is not open;
 *      round 2: a file created offline is made by `create` and `write`
 *      below its parent suspended for the moment (C11.4, C15.8), a file
 *      deleted offline is deleted so after its handles are opened (C11.5);
 *   4. access lists (C9.1), after every Pin and Unpin, which check access;
 *   5. last-use times (C5.4): everything so far ran at clock 0, and items are
 *      touched in order of their last use, the clock advanced to each time
 *      with `tick`; files' local last changes (C15.9) join that order as
 *      `modify ... bytes=0` (and `sync` for a file in sync since); then,
 *      for the whole cache, the clock itself;
 *   6. for the whole cache: the limits (as an administrator, C5.5), the
 *      caller (`as`) and the policy;
 *   6b. round 2 (C10, put_remote): the remote side the cached items show,
 *      the applications' non-cached handles (C11.1), then unresolved
 *      conflicts recorded again by `sync` without a handler (C12.6, C15.12),
 *      then forced, slow and down scopes (a Synchronize needs them online);
 *   7. round 2 (C13, put_methods): suspension roots (`suspend`, subtrees
 *      too); for the whole cache the encryption (`encrypt`, the files that
 *      differ from the configured state held open across the second call),
 *      Location, RenameItem's log (`rename ... restart-time`) and last the
 *      feature state (`enable off`, `restart`, `enable on`), each change as
 *      an administrator, the caller restored after.
 * What the language cannot say becomes a `# cannot express: ...` line. Items
 * are written by their display paths (C1.3), spelt so that normalisation
 * (C1.2) gives them back, quoted when they hold a blank, `=` or `#`.
 */
#include "cscsim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cscsim/item.h"
#include "cscsim/space.h"
#include "cscsim/methods.h"

#include "path.h"
#include "remote/fetch.h"
#include "remote/remote.h"
#include "tree.h"

#include "command.h"
#include "dot.h"
#include "picture.h"

/* The flag name of each pin source, in the order of csc__scn_sources. */
static const char *const source_flags[4] = {"ForUser", "ForUser_Policy", "ForAll",
                                            "ForRedir"};

/* ---- words ---------------------------------------------------------------- */

/* Whether a token can be written at all: no quote, no line break (the
 * lexical rules have no escapes). */
static bool expressible(const char *s)
{
    return strpbrk(s, "\"\n") == NULL;
}

/* Writes a path or a user name as one token: quoted when it holds a blank,
 * a CR, `=` or `#`, or is empty. */
static void put_token(FILE *out, const char *s)
{
    bool quote = *s == '\0' || strpbrk(s, " \t\r=#") != NULL;
    fprintf(out, quote ? "\"%s\"" : "%s", s);
}

/*
 * The item's display path spelt so that normalisation (C1.2 step 6) gives it
 * back: a component that ends in a period (and is not periods only) gets one
 * more, which normalisation takes away again, and when the last component
 * ends in a period or a space the path ends in a separator, so that it keeps
 * them. A new string; NULL when out of memory.
 */
static char *path_of(const csc_item_t *item)
{
    size_t len = csc_item_path(item, NULL, 0);
    char *display = malloc(len + 1);
    char *path = malloc(CSC__PATH_EXACT_CAP(len));
    if (display == NULL || path == NULL) {
        free(display);
        free(path);
        return NULL;
    }
    csc_item_path(item, display, len + 1);
    csc__path_exact(display, len, CSC__EXACT_END_NEEDED, path);
    free(display);
    return path;
}

static void put_flags(FILE *out, uint32_t sources)
{
    const char *sep = " flags=";
    for (size_t i = 0; i < 4; i++) {
        if (sources & csc__scn_sources[i]) {
            fprintf(out, "%s%s", sep, source_flags[i]);
            sep = "|";
        }
    }
}

/* `VERB PATH flags=...[ deep]` when `sources` is not empty. */
static void put_call(FILE *out, const char *verb, const char *path, uint32_t sources, bool deep)
{
    if (sources == 0)
        return;
    fprintf(out, "%s ", verb);
    put_token(out, path);
    put_flags(out, sources);
    fputs(deep ? " deep\n" : "\n", out);
}

static void put_limit(FILE *out, const char *key, uint64_t v)
{
    if (v == CSC_SPACE_UNLIMITED)
        fprintf(out, " %s=unlimited", key);
    else
        fprintf(out, " %s=%llu", key, (unsigned long long)v);
}

/* ---- the walk --------------------------------------------------------------- */

/* The next item after `it` in pre-order within the subtree at `top` (NULL:
 * the whole cache); NULL at the end. */
static const csc_item_t *next_item(const csc_item_t *it, const csc_item_t *top)
{
    if (csc_item_first_child(it) != NULL)
        return csc_item_first_child(it);
    while (it != top && csc_item_next_sibling(it) == NULL)
        it = csc_item_parent(it);
    return it == top ? NULL : csc_item_next_sibling(it);
}

#define EACH_ITEM(it, first, top) \
    for (const csc_item_t *it = (first); it != NULL; it = next_item(it, top))

/* ---- the phases ---------------------------------------------------------------- */

/* Phase 2: the item, and the pins that give it its own pin state. */
/* Round 2 (C11, C15.8): `suspend PARENT` (on) or `suspend PARENT release`
 * around an application's offline change to `item`, so that no scope goes
 * offline (coming back online would synchronize, C10.10). The dump writes
 * suspension roots later (phase 7), so none is lost here. */
static void put_suspended(FILE *out, const csc_item_t *item, bool on)
{
    const csc_item_t *parent = csc_item_parent(item);
    size_t len = parent != NULL ? csc_item_path(parent, NULL, 0) : 0;
    char *pp = len != 0 ? malloc(len + 1) : NULL;
    if (pp == NULL) {
        fputs("# cannot express: out of memory\n", out);
        return;
    }
    csc_item_path(parent, pp, len + 1);
    fputs("suspend ", out);
    put_token(out, pp);
    fputs(on ? "\n" : " release\n", out);
    free(pp);
}

/* A cached file, not created offline, with no original version (C10.2,
 * C13.5): it never had a remote twin (what the server has at its path now
 * came later, put_remote). */
static bool never_had_twin(const csc_item_t *item, const char *path)
{
    uint64_t orig;
    return csc_item_type(item) == CSC_ITEM_FILE && !csc_item_is_created_offline(item) &&
           expressible(path) && !csc_item_original_version(item, &orig);
}

/* C15.13: the sources a directory is pinned for with neither its inherit
 * bit nor a pending deep pin (C15.20), as a Synchronize with PinNewFiles
 * fetches a new directory below a parent with inherit bits: pinned by C3.3
 * and for the PinFor* sources given. 0 when that is not how it can come. */
static uint32_t pinned_as_new(const csc_item_t *item)
{
    const csc_item_t *parent = csc_item_parent(item);
    if (csc_item_type(item) != CSC_ITEM_DIRECTORY || parent == NULL)
        return 0;
    uint32_t pins = csc_item_pins(item), inherit = csc_item_inherit(item);
    uint32_t pending = csc__pending_pin_get(csc__cache_of(item), item);
    uint32_t from = csc_item_inherit(parent);
    uint32_t odd = pins & ~inherit & ~pending;
    if (odd == 0 || from == 0 || (odd & from) != 0 || (pending & ~pins) != 0 ||
        (from & ~pins) != 0)
        return 0;
    return odd;
}

/* Phase 2, for a container with inherit bits and no child yet: its child
 * directories pinned as new (pinned_as_new) are fetched by a Synchronize of
 * it with PinNewFiles (C12.7, C15.13), the server having each for that. */
static void put_new_children(FILE *out, const csc_item_t *item, const char *path)
{
    if (csc_item_inherit(item) == 0 || !expressible(path))
        return;
    for (const csc_item_t *c = csc_item_first_child(item); c != NULL;
         c = csc_item_next_sibling(c)) {
        uint32_t odd = pinned_as_new(c);
        char *cp = odd != 0 ? path_of(c) : NULL;
        if (cp == NULL || !expressible(cp)) {
            free(cp);
            continue;
        }
        fputs("remote dir ", out);
        put_token(out, cp);
        fputs("\nsync ", out);
        put_token(out, path);
        fputs(" flags=SyncIn|PinNewFiles", out);
        for (size_t i = 0; i < 4; i++)
            if (odd & csc__scn_sources[i])
                fprintf(out, "|Pin%s", source_flags[i]);
        fputc('\n', out);
        free(cp);
    }
}

static void put_item(FILE *out, const csc_item_t *item, const char *path, bool is_top)
{
    csc_item_type_t type = csc_item_type(item);
    const csc_item_t *parent = csc_item_parent(item);
    uint32_t arrival = is_top || parent == NULL ? 0 : csc_item_inherit(parent);
    if (type == CSC_ITEM_FILE && csc_item_is_created_offline(item)) {
        /* C11.4: created by an application while its parent is offline
         * (suspended, C15.8: no service synchronization follows), with
         * its dirty bytes and size (an offline write, C11.2) */
        put_suspended(out, item, true);
        fputs("create ", out);
        put_token(out, path);
        fputs(" size=0\n", out);
        uint64_t dirty = csc_item_dirty_bytes(item), size = csc_item_size(item);
        if (dirty != 0 || size != 0) {
            fputs("write ", out);
            put_token(out, path);
            fprintf(out, " bytes=%llu size=%llu\n", (unsigned long long)dirty,
                    (unsigned long long)size);
        }
        put_suspended(out, item, false);
    } else if (type == CSC_ITEM_FILE && csc_item_is_sparse(item)) {
        /* Only a Pin fetching it makes a sparse file (C10.8): the server
         * gets it, a Pin of a source it does not inherit fetches it, and an
         * Unpin of that source leaves it as it arrives (C3.3). */
        uint32_t s = CSC_PIN_SOURCE_USER;
        while (s < CSC_PIN_SOURCE_REDIRECT && (arrival & s))
            s <<= 1;
        fputs("remote file ", out);
        put_token(out, path);
        fprintf(out, " size=%llu\n", (unsigned long long)csc_item_size(item));
        put_call(out, "pin", path, s, false);
        put_call(out, "unpin", path, s & ~arrival, false);
    } else if (type == CSC_ITEM_FILE && never_had_twin(item, path)) {
        /* A cached file that never had a remote twin (a rename's new name,
         * one below a remote file, C15.19): cached where the server has a
         * directory of that name, which then goes (no original version). */
        fputs("remote dir ", out);
        put_token(out, path);
        fputs("\nfile ", out);
        put_token(out, path);
        fprintf(out, " size=%llu\nremote delete ", (unsigned long long)csc_item_size(item));
        put_token(out, path);
        fputc('\n', out);
    } else if (type == CSC_ITEM_FILE) {
        fputs("file ", out);
        put_token(out, path);
        fprintf(out, " size=%llu\n", (unsigned long long)csc_item_size(item));
    } else {
        fputs("dir ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    if (type == CSC_ITEM_SERVER)
        return; /* no pin state (C3.1) */
    /* What C3.3 gives it on arrival: its parent's inherit bits (the top of a
     * subtree arrives below plain containers). */
    uint32_t pins = csc_item_pins(item), inherit = csc_item_inherit(item);
    if (inherit & ~pins) {
        fputs("# cannot express: inherit bits without their pin (", out);
        csc__scn_put_sources(out, inherit & ~pins);
        fputs(") on ", out);
        fputs(path, out);
        fputc('\n', out);
        inherit &= pins;
    }
    if (type == CSC_ITEM_FILE) {
        put_call(out, "unpin", path, arrival & ~pins, false);
        put_call(out, "pin", path, pins & ~arrival, false);
    } else {
        /* Arrival set pinned and inherit for `arrival`: keep those with
         * inherit, clear the rest, then pin what is missing. */
        uint32_t pending = csc__pending_pin_get(csc__cache_of(item), item);
        uint32_t fetched = is_top ? 0 : pinned_as_new(item);
        put_call(out, "unpin", path, arrival & ~inherit, false);
        put_call(out, "pin", path, inherit & ~arrival, true);
        put_new_children(out, item, path);
        /* C15.20: the shallow Pins leave a pending deep pin for their
         * sources; one of an inherited source is a shallow Pin more. A
         * pinned source without it (other than by PinNewFiles above), or
         * one for a source not pinned, has no command that makes it. */
        put_call(out, "pin", path, pins & ~inherit & ~fetched, false);
        put_call(out, "pin", path, pending & inherit, false);
        uint32_t odd = (pins & ~inherit & ~pending & ~fetched) | (pending & ~pins);
        if (odd != 0) {
            fputs("# cannot express: pins without their pending deep pin, or pending deep "
                  "pins without their pin (", out);
            csc__scn_put_sources(out, odd);
            fputs(", C15.20) on ", out);
            fputs(path, out);
            fputc('\n', out);
        }
    }
}

/* Phase 3: dirty, open, sharing violations; deleted offline last. */
static void put_use_rest(FILE *out, const csc_item_t *item, const char *path);

static void put_use(FILE *out, const csc_item_t *item, const char *path)
{
    put_use_rest(out, item, path);
    if (csc_item_is_deleted_offline(item)) { /* C11.5, as created offline */
        put_suspended(out, item, true);
        fputs("delete ", out);
        put_token(out, path);
        fputc('\n', out);
        put_suspended(out, item, false);
    }
}

static void put_use_rest(FILE *out, const csc_item_t *item, const char *path)
{
    if (csc_item_is_dirty(item) && !csc_item_is_created_offline(item)) {
        fputs("modify ", out);
        put_token(out, path);
        fprintf(out, " bytes=%llu\n", (unsigned long long)csc_item_dirty_bytes(item));
    }
    uint32_t open = csc_item_open_count(item);
    for (uint32_t i = 0; i < open; i++) {
        fputs("open ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    uint32_t violations = csc_item_sharing_violations(item);
    if (violations == 0)
        return;
    if (csc_item_type(item) != CSC_ITEM_FILE) {
        fprintf(out, "# cannot express: %u sharing violations on the container %s\n",
                (unsigned)violations, path);
        return;
    }
    if (open == 0) {
        fputs("open ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    /* A source the file lacks, unpinned (nothing to clear); or, with all
     * four, one it has, pinned again (nothing to set). */
    uint32_t pins = csc_item_pins(item), source = 0;
    for (size_t i = 0; i < 4 && source == 0; i++)
        if (!(pins & csc__scn_sources[i]))
            source = csc__scn_sources[i];
    bool unpin = source != 0;
    if (!unpin)
        source = CSC_PIN_SOURCE_USER;
    for (uint32_t i = 0; i < violations; i++)
        put_call(out, unpin ? "unpin" : "pin", path, source, false);
    if (open == 0) {
        fputs("close ", out);
        put_token(out, path);
        fputc('\n', out);
    }
}

/* Phase 4: the item's own access list. */
static void put_access(FILE *out, const csc_item_t *item, const char *path)
{
    size_t users;
    if (!csc_item_access(item, &users))
        return;
    if (users == 0) {
        fprintf(out, "# cannot express: the empty access list (nobody) of %s\n", path);
        return;
    }
    for (size_t i = 0; i < users; i++) {
        const char *u = csc_item_access_user(item, i);
        if (!expressible(u) || u[0] == '\\' || u[0] == '/') {
            fprintf(out, "# cannot express: the access list of %s (a user name with a "
                         "quote or a line break, or one that reads as a path)\n", path);
            return;
        }
    }
    fputs("access ", out);
    put_token(out, path);
    for (size_t i = 0; i < users; i++) {
        fputc(' ', out);
        put_token(out, csc_item_access_user(item, i));
    }
    fputc('\n', out);
}

/* Phase 5: one item and its last use, for sorting. */
typedef struct use {
    uint64_t last_use;
    size_t order; /* walk order: ties stay in it */
    char *path;
    const csc_item_t *local; /* a file's local last change (C15.9), not a use */
} use_t;

static int by_last_use(const void *a, const void *b)
{
    const use_t *x = a, *y = b;
    if (x->last_use != y->last_use)
        return x->last_use < y->last_use ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Phase 5, C15.9: the file's local last change at this clock. `modify`
 * of 0 bytes sets it (C11.2); a file in sync since is synchronized again
 * (C12: its change goes to the server, the remote writes that follow are
 * counted from its original version). A file created offline has its time
 * from `create` already when it is 0. */
static void put_local_change(FILE *out, const csc_item_t *item, const char *path)
{
    uint64_t local = 0;
    csc_item_local_change_time(item, &local);
    if (local == 0 && (csc_item_is_created_offline(item) || csc_item_is_dirty(item)))
        return; /* `create` or `modify` in phase 2 or 3 set it at clock 0 */
    if (csc_item_is_sparse(item)) {
        fprintf(out, "# cannot express: the local change time of the sparse file %s\n", path);
        return;
    }
    fputs("modify ", out);
    put_token(out, path);
    fputs(" bytes=0\n", out);
    if (!csc_item_is_dirty(item)) {
        fputs("sync ", out);
        put_token(out, path);
        fputc('\n', out);
    }
}

/* Writes the scenario of the subtree at `top` (NULL: the whole cache).
 * False when out of memory. */
static void put_methods(FILE *out, const csc_cache_t *cache, const csc_item_t *first,
                        const csc_item_t *top, char **paths, const char *caller, bool admin,
                        bool caller_ok);
static void put_remote(FILE *out, const csc_cache_t *c, const csc_item_t *first,
                       const csc_item_t *top, char **paths);
static void put_noncached(FILE *out, const csc_cache_t *c, bool inactive_phase);

static bool put_scenario(FILE *out, const csc_cache_t *cache, const csc_item_t *top)
{
    const csc_item_t *first = top != NULL ? top : csc_cache_first_server(cache);
    size_t n = 0;
    EACH_ITEM(it, first, top)
        n++;
    char **paths = calloc(n + 1, sizeof *paths);
    use_t *uses = calloc(2 * n + 1, sizeof *uses);
    bool ok = paths != NULL && uses != NULL;
    size_t k = 0;
    EACH_ITEM(it, first, top) {
        if (!ok)
            break;
        paths[k] = path_of(it);
        ok = paths[k] != NULL;
        k++;
    }
    if (!ok)
        goto done;

    fputs("# cscsim: a scenario that recreates ", out);
    if (top != NULL)
        fprintf(out, "the subtree at %s\n", paths[0]);
    else
        fputs("the cache\n", out);
    fputs("policy manual\n", out);

    bool quoted_ok = true;
    k = 0;
    EACH_ITEM(it, first, top) {
        if (!expressible(paths[k]))
            quoted_ok = false;
        k++;
    }
    if (!quoted_ok)
        fputs("# cannot express: paths with a quote or a line break (their lines fail)\n",
              out);

    k = 0;
    EACH_ITEM(it, first, top) {
        put_item(out, it, paths[k], it == top);
        k++;
    }
    k = 0;
    EACH_ITEM(it, first, top) {
        put_use(out, it, paths[k]);
        k++;
    }
    k = 0;
    EACH_ITEM(it, first, top) {
        put_access(out, it, paths[k]);
        k++;
    }

    k = 0;
    size_t events = 0;
    EACH_ITEM(it, first, top) {
        uses[events].last_use = csc_item_last_use(it);
        uses[events].order = events;
        uses[events].path = paths[k];
        events++;
        uint64_t local;
        if (csc_item_local_change_time(it, &local)) {
            uses[events].last_use = local;
            uses[events].order = events;
            uses[events].path = paths[k];
            uses[events].local = it;
            events++;
        }
        k++;
    }
    qsort(uses, events, sizeof *uses, by_last_use);
    uint64_t clock = 0;
    for (size_t i = 0; i < events; i++) {
        if (uses[i].last_use == 0 && uses[i].local == NULL)
            continue;
        if (uses[i].last_use > clock) {
            fprintf(out, "tick %llu\n", (unsigned long long)(uses[i].last_use - clock));
            clock = uses[i].last_use;
        }
        if (uses[i].local != NULL) {
            put_local_change(out, uses[i].local, uses[i].path);
            continue;
        }
        fputs("touch ", out);
        put_token(out, uses[i].path);
        fputc('\n', out);
    }
    put_remote(out, cache, first, top, paths);
    if (top != NULL) {
        put_methods(out, cache, first, top, paths, NULL, false, false);
        goto done;
    }

    if (csc_cache_clock(cache) > clock)
        fprintf(out, "tick %llu\n", (unsigned long long)(csc_cache_clock(cache) - clock));
    bool admin = false;
    const char *caller = csc_cache_caller(cache, &admin);
    if (caller == NULL)
        caller = "user";
    bool caller_ok = expressible(caller) && caller[0] != '\\' && caller[0] != '/';
    if (!caller_ok)
        fputs("# cannot express: the caller's name (a quote, a line break, or a path)\n", out);
    csc_disk_space_t ds;
    if (csc_cache_get_disk_space(cache, &ds) == CSC_S_OK &&
        (ds.limit != CSC_SPACE_UNLIMITED || ds.unpinned_limit != CSC_SPACE_UNLIMITED)) {
        /* SetDiskSpaceLimits needs an administrator (C5.5). */
        fputs("as ", out);
        put_token(out, caller_ok ? caller : "user");
        fputs(" admin\n", out);
        fputs("limits", out);
        put_limit(out, "total", ds.limit);
        put_limit(out, "unpinned", ds.unpinned_limit);
        fputc('\n', out);
    }
    if (caller_ok) {
        fputs("as ", out);
        put_token(out, caller);
        fputs(admin ? " admin\n" : "\n", out);
    }
    static const char *const policies[] = {"manual", "automatic", "eager"};
    csc_evict_policy_t policy = csc_cache_policy(cache);
    if (policy != CSC_EVICT_MANUAL && (unsigned)policy < 3)
        fprintf(out, "policy %s\n", policies[policy]);
    put_methods(out, cache, first, top, paths, caller, admin, caller_ok);
done:
    if (paths != NULL)
        for (size_t i = 0; i < n; i++)
            free(paths[i]);
    free(paths);
    free(uses);
    return ok;
}

/* C11.1: the applications' handles to files that are not cached, by their
 * folded paths (remote.h's table: no getter enumerates them). Each is an
 * `open` of the remote file, which the server has for it then; written while
 * the feature is active (put_remote), or after the restart that closed the
 * others when it is not (put_methods). */
static void put_noncached(FILE *out, const csc_cache_t *c, bool inactive_phase)
{
    bool active = true, enabled = true;
    csc_feature_query_status(c, &active, &enabled, NULL);
    if (c->remote == NULL || active == inactive_phase)
        return;
    for (const csc__hentry_t *h = csc__htable_first(&c->remote->handles); h != NULL;
         h = csc__htable_next(h)) {
        const csc__nch_t *e = (const csc__nch_t *)h;
        if (!expressible(e->key)) {
            fputs("# cannot express: a non-cached handle on a path with a quote or a line "
                  "break\n", out);
            continue;
        }
        csc_item_t *cached = NULL;
        if (csc_cache_find(c, e->key, &cached) == CSC_S_OK) {
            /* opened before the file was cached; an `open` now is a cached one */
            fprintf(out, "# cannot express: %u non-cached handles on the cached file %s\n",
                    (unsigned)e->count, e->key);
            continue;
        }
        uint64_t size = 0;
        csc_item_type_t type = CSC_ITEM_FILE;
        bool there = csc_remote_item(c, e->key, &type, &size, NULL, NULL) == CSC_S_OK;
        if (!there || type == CSC_ITEM_FILE) {
            fputs("remote file ", out);
            put_token(out, e->key);
            fprintf(out, " size=%llu\n", (unsigned long long)size);
        }
        for (uint32_t i = 0; i < e->count; i++) {
            fputs("open ", out);
            put_token(out, e->key);
            fputc('\n', out);
        }
        if (!there) {
            fputs("remote delete ", out);
            put_token(out, e->key);
            fputc('\n', out);
        }
    }
}

/* Phase 6b (C10): the remote side as far as the cached items show it,
 * through the public API (remote.h has no enumeration: remote items that
 * are not cached are not written). For the items of the dump, in order:
 * a file's twin changed on the server (`remote write`, once per version
 * after the cached copy's original version),
 * share modes other than MANUAL (`share`), forced-offline scopes
 * (`offline`), servers' slow conditions with TransitionOnline overrides
 * (`network ... slow`, `online`), twins gone from the server (`remote
 * delete`), and last servers down (`network ... down`). */
#define MAX_REMOTE_WRITES 64u

/* The connectivity of servers and shares that are not cached (C10.5,
 * C10.9, C15.21: the records outlive the items), from remote.h's table:
 * a forced share is taken `offline`, a server's condition set by `network`
 * (down last, `down` true), each on its remote item (`remote dir`), made
 * for the moment when the server has none. A share's remembered caching mode and a
 * TransitionOnline override kept from before are not written. */
static void put_scopes(FILE *out, const csc_cache_t *c, bool down)
{
    if (c->remote == NULL)
        return;
    for (const csc__hentry_t *h = csc__htable_first(&c->remote->scopes); h != NULL;
         h = csc__htable_next(h)) {
        const csc__scope_t *sc = (const csc__scope_t *)h;
        csc_item_t *cached = NULL;
        bool wanted = sc->is_share ? sc->forced && !down
                                   : sc->condition == (down ? CSC_NETWORK_DOWN : CSC_NETWORK_SLOW);
        if (!wanted || csc_cache_find(c, sc->key, &cached) == CSC_S_OK)
            continue;
        if (!expressible(sc->key)) {
            fputs("# cannot express: the connectivity of a path with a quote or a line "
                  "break\n", out);
            continue;
        }
        /* the server has it (as the dump writes no remote-only item, it is
         * written here), or has it for the moment */
        bool there = csc_remote_item(c, sc->key, NULL, NULL, NULL, NULL) == CSC_S_OK;
        fputs("remote dir ", out);
        put_token(out, sc->key);
        fputc('\n', out);
        fputs(sc->is_share ? "offline " : "network ", out);
        put_token(out, sc->key);
        fputs(sc->is_share ? "\n" : down ? " down\n" : " slow\n", out);
        if (!there) {
            fputs("remote delete ", out);
            put_token(out, sc->key);
            fputc('\n', out);
        }
    }
}

/* `remote file` at version 1, then its writes up to `version`. */
static void put_remote_file(FILE *out, const char *path, uint64_t size, uint64_t version)
{
    fputs("remote file ", out);
    put_token(out, path);
    fprintf(out, " size=%llu\n", (unsigned long long)size);
    for (uint64_t v = 1; v < version && v <= MAX_REMOTE_WRITES; v++) {
        fputs("remote write ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    if (version > 1 + MAX_REMOTE_WRITES)
        fprintf(out, "# cannot express: remote version %llu of %s\n",
                (unsigned long long)version, path);
}

static void put_remote(FILE *out, const csc_cache_t *c, const csc_item_t *first,
                       const csc_item_t *top, char **paths)
{
    static const char *const modes[] = {"none", "nocaching", "manual", "documents", "programs"};
    size_t k = 0;
    EACH_ITEM(it, first, top) { /* writes and share modes */
        const char *path = paths[k++];
        if (!expressible(path))
            continue;
        csc_item_type_t type;
        uint64_t size = 0, version = 0;
        if (csc_remote_item(c, path, &type, &size, &version, NULL) != CSC_S_OK)
            continue;
        if (csc_item_type(it) == CSC_ITEM_FILE && type == CSC_ITEM_FILE &&
            csc_item_is_created_offline(it)) {
            /* C10.3: the server has a file of that name now */
            put_remote_file(out, path, size, version);
        } else if (csc_item_type(it) == CSC_ITEM_FILE && type != CSC_ITEM_FILE) {
            /* C15.19: the server has a directory where the cache has a file
             * (changed on the server, C10.3) */
            if (!never_had_twin(it, path)) {
                fputs("remote delete ", out);
                put_token(out, path);
                fputc('\n', out);
            }
            fputs("remote dir ", out);
            put_token(out, path);
            fputc('\n', out);
        } else if (csc_item_type(it) != CSC_ITEM_FILE && type == CSC_ITEM_FILE) {
            /* C15.19: the server has a file where the cache has a container
             * (what it had below went with it) */
            fputs("remote delete ", out);
            put_token(out, path);
            fputc('\n', out);
            put_remote_file(out, path, size, version);
        } else if (csc_item_type(it) == CSC_ITEM_FILE && never_had_twin(it, path)) {
            /* a file that came to the server after the cached one */
            put_remote_file(out, path, size, version);
        } else if (csc_item_type(it) == CSC_ITEM_FILE && type == CSC_ITEM_FILE) {
            /* The versions since the cached copy's original (C10.2): the
             * copy starts at 1, so the writes keep "changed on the server"
             * and the remote size, not the numbers themselves. */
            uint64_t orig = 1;
            if (csc_item_original_version(it, &orig) && orig >= 1 && orig <= version)
                version = version - orig + 1;
            bool resize = size != csc_item_size(it);
            if (version <= 1 && resize) {
                fprintf(out, "# cannot express: the remote size %llu of %s at version 1\n",
                        (unsigned long long)size, path);
            } else if (version > 1 + MAX_REMOTE_WRITES) {
                fprintf(out, "# cannot express: remote version %llu of %s\n",
                        (unsigned long long)version, path);
            } else {
                for (uint64_t v = 1; v < version; v++) {
                    fputs("remote write ", out);
                    put_token(out, path);
                    if (v + 1 == version && resize)
                        fprintf(out, " size=%llu", (unsigned long long)size);
                    fputc('\n', out);
                }
            }
        } else if (csc_item_type(it) == CSC_ITEM_SHARE) {
            csc_caching_mode_t mode;
            if (csc_remote_caching_mode(c, path, &mode) == CSC_S_OK &&
                mode != CSC_CACHING_MODE_MANUAL && (unsigned)mode < 5) {
                fputs("share ", out);
                put_token(out, path);
                fprintf(out, " caching=%s\n", modes[mode]);
            }
        }
    }
    k = 0;
    EACH_ITEM(it, first, top) { /* twins gone: the topmost only */
        const char *path = paths[k++];
        if (!expressible(path))
            continue;
        if (csc_remote_item(c, path, NULL, NULL, NULL, NULL) != CSC_E_FILE_NOT_FOUND ||
            csc_item_is_created_offline(it) || /* it never had one (C11.4) */
            never_had_twin(it, path))          /* phase 2 wrote it */
            continue;
        const csc_item_t *parent = csc_item_parent(it);
        char *pp = parent != NULL && it != top ? path_of(parent) : NULL;
        bool parent_gone = pp != NULL && csc_remote_item(c, pp, NULL, NULL, NULL, NULL) ==
                                             CSC_E_FILE_NOT_FOUND;
        free(pp);
        if (parent_gone)
            continue;
        fputs("remote delete ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    if (top == NULL)
        put_noncached(out, c, false);
    k = 0;
    EACH_ITEM(it, first, top) { /* unresolved conflicts (C12.6), online */
        const char *path = paths[k++];
        if (csc_item_type(it) != CSC_ITEM_FILE || csc_item_conflict(it) == 0)
            continue;
        if (!expressible(path)) {
            fputs("# cannot express: a conflict on a path with a quote or a line break\n", out);
            continue;
        }
        /* Synchronize without a handler records it again from the same local
         * and remote states, with the remote version of now (C15.12). */
        fputs("sync ", out);
        put_token(out, path);
        fputc('\n', out);
    }
    k = 0;
    EACH_ITEM(it, first, top) { /* forced offline, slow, overrides */
        const char *path = paths[k++];
        if (!expressible(path))
            continue;
        csc_connect_state_t state;
        csc_offline_reason_t reason;
        csc_network_t net;
        if (csc_item_type(it) == CSC_ITEM_SHARE &&
            csc_connect_state(c, path, &state, &reason) == CSC_S_OK &&
            reason == CSC_OFFLINE_REASON_CONNECTION_FORCED) {
            fputs("offline ", out);
            put_token(out, path);
            fputc('\n', out);
        }
        if (csc_item_type(it) == CSC_ITEM_SERVER &&
            csc_remote_network(c, path, &net) == CSC_S_OK && net == CSC_NETWORK_SLOW) {
            fputs("network ", out);
            put_token(out, path);
            fputs(" slow\n", out);
            /* the shares below that a TransitionOnline brought back */
            for (const csc_item_t *sh = csc_item_first_child(it); sh != NULL;
                 sh = csc_item_next_sibling(sh)) {
                char *sp = path_of(sh);
                if (sp != NULL && expressible(sp) &&
                    csc_connect_state(c, sp, &state, &reason) == CSC_S_OK &&
                    state == CSC_CONNECT_STATE_ONLINE) {
                    fputs("online ", out);
                    put_token(out, sp);
                    fputc('\n', out);
                }
                free(sp);
            }
        }
    }
    if (top == NULL) {
        put_scopes(out, c, false);
        put_scopes(out, c, true);
    }
    k = 0;
    EACH_ITEM(it, first, top) { /* servers down, last */
        const char *path = paths[k++];
        csc_network_t net;
        if (csc_item_type(it) == CSC_ITEM_SERVER && expressible(path) &&
            csc_remote_network(c, path, &net) == CSC_S_OK && net == CSC_NETWORK_DOWN) {
            fputs("network ", out);
            put_token(out, path);
            fputs(" down\n", out);
        }
    }
}

/* Phase 7 (C13): what the methods of round 2 set. */
static void put_methods(FILE *out, const csc_cache_t *cache, const csc_item_t *first,
                        const csc_item_t *top, char **paths, const char *caller, bool admin,
                        bool caller_ok)
{
    size_t k = 0;
    EACH_ITEM(it, first, top) {
        if (csc_item_is_suspended_root(it)) {
            fputs("suspend ", out);
            put_token(out, paths[k]);
            fputc('\n', out);
        }
        k++;
    }
    if (top != NULL)
        return;
    bool enc = false, partial = false;
    csc_cache_encryption_state(cache, &enc, &partial);
    if (partial) { /* every file to the other state, then the rest back */
        fprintf(out, "encrypt %s\n", enc ? "off" : "on");
        k = 0;
        EACH_ITEM(it, first, top) {
            if (csc_item_type(it) == CSC_ITEM_FILE && csc_item_is_encrypted(it) != enc) {
                fputs("open ", out);
                put_token(out, paths[k]);
                fputc('\n', out);
            }
            k++;
        }
    }
    if (enc || partial)
        fprintf(out, "encrypt %s\n", enc ? "on" : "off");
    if (partial) {
        k = 0;
        EACH_ITEM(it, first, top) {
            if (csc_item_type(it) == CSC_ITEM_FILE && csc_item_is_encrypted(it) != enc) {
                fputs("close ", out);
                put_token(out, paths[k]);
                fputc('\n', out);
            }
            k++;
        }
    }
    size_t n = csc_cache_location(cache, NULL, 0);
    char *loc = malloc(n + 1);
    if (loc != NULL) {
        csc_cache_location(cache, loc, n + 1);
        if (strcmp(loc, "C:\\Windows\\CSC") != 0) {
            if (expressible(loc))
                fprintf(out, "location \"%s\"\n", loc);
            else
                fputs("# cannot express: a Location with a quote or a line break\n", out);
        }
        free(loc);
    }
    bool active = true, enabled = true;
    csc_feature_query_status(cache, &active, &enabled, NULL);
    size_t renames = csc_cache_pending_renames(cache);
    if (renames > 0) { /* RenameItem needs an administrator */
        fputs("as ", out);
        put_token(out, caller_ok ? caller : "user");
        fputs(" admin\n", out);
        for (size_t i = 0; i < renames; i++) {
            const char *from = NULL, *to = NULL;
            csc_cache_pending_rename(cache, i, &from, &to);
            if (!expressible(from) || !expressible(to)) {
                fputs("# cannot express: a logged rename with a quote or a line break\n", out);
                continue;
            }
            fputs("rename ", out);
            put_token(out, from);
            fputc(' ', out);
            put_token(out, to);
            fputs(" restart-time\n", out);
        }
        if (caller_ok && (active && enabled)) {
            fputs("as ", out);
            put_token(out, caller);
            fputs(admin ? " admin\n" : "\n", out);
        }
    }
    if (active && enabled)
        return;
    bool open = false;
    EACH_ITEM(it, first, top)
        open = open || csc_item_is_open(it);
    if (!active && open)
        fputs("# cannot express: open handles while the feature is not active (restart "
              "closes them)\n", out);
    fputs("as ", out);
    put_token(out, caller_ok ? caller : "user");
    fputs(" admin\n", out);
    fputs("enable off\n", out);
    if (!active) {
        fputs("restart\n", out);
        put_noncached(out, cache, true);
    }
    if (enabled)
        fputs("enable on\n", out);
    if (caller_ok) {
        fputs("as ", out);
        put_token(out, caller);
        fputs(admin ? " admin\n" : "\n", out);
    }
}

/* ---- the entry points ------------------------------------------------------------ */

csc_hresult csc_cache_dump_string(char **out, size_t *len, csc_cache_t *cache, const char *path,
                                  csc_dump_format_t format)
{
    if (out == NULL)
        return CSC_E_POINTER;
    *out = NULL;
    if (len != NULL)
        *len = 0;
    if (cache == NULL)
        return CSC_E_POINTER;
    if ((unsigned)format > CSC_DUMP_DOT)
        return CSC_E_INVALIDARG;
    /* Items are read without the call guard: hold the cache so that no other
     * thread changes it meanwhile (C14.5). Inside a callback of a running
     * call the hold is refused, and reading is safe there anyway. */
    bool held = csc_cache_lock(cache) == CSC_S_OK;
    csc_item_t *top = NULL;
    csc_hresult hr = path != NULL ? csc_cache_find(cache, path, &top) : CSC_S_OK;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = hr == CSC_S_OK ? open_memstream(&buf, &size) : NULL;
    if (f == NULL) {
        if (held)
            csc_cache_unlock(cache);
        return hr != CSC_S_OK ? hr : CSC_E_OUTOFMEMORY;
    }
    bool ok = true;
    switch (format) {
    case CSC_DUMP_PICTURE:
    case CSC_DUMP_PICTURE_COLOR:
        csc__scn_picture(f, cache, top, format == CSC_DUMP_PICTURE_COLOR);
        break;
    case CSC_DUMP_SCENARIO:
        ok = put_scenario(f, cache, top);
        break;
    case CSC_DUMP_DOT:
        ok = csc__scn_dot_write(f, cache, top);
        break;
    }
    if (ferror(f))
        ok = false;
    if (fclose(f) != 0)
        ok = false;
    if (held)
        csc_cache_unlock(cache);
    if (!ok) {
        free(buf);
        return CSC_E_OUTOFMEMORY; /* a memory stream fails only for want of memory */
    }
    *out = buf;
    if (len != NULL)
        *len = size;
    return CSC_S_OK;
}

csc_hresult csc_cache_dump(csc_cache_t *cache, const char *path, csc_dump_format_t format,
                           csc_write_cb write, void *user_data)
{
    if (cache == NULL || write == NULL)
        return CSC_E_POINTER;
    char *text;
    size_t len;
    csc_hresult hr = csc_cache_dump_string(&text, &len, cache, path, format);
    if (hr != CSC_S_OK)
        return hr;
    write(user_data, text, len);
    free(text);
    return CSC_S_OK;
}

void csc_dump_free(char *text)
{
    free(text);
}
