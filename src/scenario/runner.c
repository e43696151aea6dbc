/*
 * src/scenario/runner.c: executes the commands of a scenario against one cache
 * through the public API and writes the transcript. It owns: the mapping of
 * each command to library calls (finding the item first for the commands
 * that take a cached path); the progress sink of pin, unpin and sync (each
 * event printed in WMI form, the answers of abort-at and retry-at); the
 * asynchronous delivery with AsyncProgress (C6.4): the call runs on the
 * runner's own libuv loop until End has been delivered, abort-at sets the
 * cancel token and retry-at only closes the item's handles; the
 * "last result" and "last events" that checks read (scenario-language.md,
 * "Results": every command but as, policy, tick, show and expect leaves a
 * result; only the method calls pin, unpin, sync and
 * deleteitems leave events, round 2); round 2's C10 commands (`remote`,
 * `share`, `network` as setup commands; `offline`, `online`, `cacheable` as
 * printed method calls whose OpenFiles and (Cacheable, Mode) answers the
 * runner keeps for `expect open-files=` and `expect cacheable= mode=`);
 * the checks of `expect` and their
 * FAIL lines; evictions reported by the cache, printed under the command
 * that caused them; and the transcript's shape: for each command that
 * prints, an echo line, its events and evictions indented, then its result
 * `= 0x%08X NAME (WMI)`. A command's output is collected first and written
 * only when the command prints (setup commands print only when they failed
 * or evicted something). The cache is borrowed: the runner installs its own
 * eviction callback for its lifetime and passes each eviction on to the one
 * it found. Memory running out never ends the process: the runner notes it,
 * cuts the command short and runs nothing more.
 */
#include "runner.h"

#include <stdlib.h>
#include <string.h>

#include <cscsim/async.h>

#include "fail.h"
#include "picture.h"

/* The event list of the last pin or unpin. */
typedef struct event_list {
    char **items;
    size_t count, cap;
} event_list_t;

struct csc__scn_runner {
    csc_cache_t *cache;
    csc__scn_runner_options_t opts;
    bool oom;
    /* The eviction callback the cache had before the runner's. */
    csc_evict_cb prev_evict;
    void *prev_evict_data;
    unsigned passed, failed;
    bool has_result;
    csc_hresult result;
    bool has_events;
    event_list_t events;
    /* The loop of calls with AsyncProgress, made on first use. */
    uv_loop_t *loop;
    /* The output of the command being executed, and its evictions. */
    FILE *pending;
    char *pending_buf;
    size_t pending_len;
    size_t evictions;
    /* The last `enable`'s RebootRequired (expect status reboot=). */
    bool has_reboot, reboot;
    /* The last `offline`'s OpenFiles and the last `cacheable`'s answer
     * (round 2, C10.7, C10.9). */
    bool has_open_files, open_files;
    bool has_cacheable, cacheable;
    csc_caching_mode_t cacheable_mode;
    /* The fault rules the scenario added (fail.h), removed at the end. */
    csc__scn_faults_t faults;
};

/* ---- small helpers -------------------------------------------------------- */


static void events_clear(event_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    l->count = 0;
}

/* False when out of memory (the list is unchanged). */
static bool events_add(event_list_t *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap == 0 ? 16 : l->cap * 2;
        char **items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        l->items = items;
        l->cap = cap;
    }
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy == NULL)
        return false;
    memcpy(copy, s, n);
    l->items[l->count++] = copy;
    return true;
}

/* The name of an HRESULT for the transcript; "?" when it has none. */
static const char *hr_name(csc_hresult hr)
{
    return csc_hresult_known(hr) ? csc_hresult_name(hr) : "?";
}

/* A WMI return value with its name: "87 (ERROR_INVALID_PARAMETER)". */
static void put_wmi_code(FILE *f, uint32_t v)
{
    const char *name = v <= 0xFFFFu                         ? csc_win32_name(v)
                       : csc_hresult_known((csc_hresult)v) ? csc_hresult_name((csc_hresult)v)
                                                           : NULL;
    fprintf(f, "%u", (unsigned)v);
    if (name != NULL)
        fprintf(f, " (%s)", name);
}

/* An HRESULT with its name: "0x80070057 (E_INVALIDARG)". */
static void put_hresult(FILE *f, csc_hresult hr)
{
    const char *name = csc_hresult_known(hr) ? csc_hresult_name(hr) : NULL;
    fprintf(f, "0x%08X", (unsigned)(uint32_t)hr);
    if (name != NULL)
        fprintf(f, " (%s)", name);
}

/* ---- the output of one command ------------------------------------------- */

/* False when out of memory. */
static bool pending_begin(csc__scn_runner_t *r)
{
    r->pending_buf = NULL;
    r->pending_len = 0;
    r->evictions = 0;
    r->pending = open_memstream(&r->pending_buf, &r->pending_len);
    if (r->pending == NULL)
        r->oom = true;
    return r->pending != NULL;
}

/* Ends the command's output; writes it to the transcript when `print`. */
static void pending_end(csc__scn_runner_t *r, bool print)
{
    if (fclose(r->pending) != 0)
        r->oom = true; /* a memory stream fails only for want of memory */
    r->pending = NULL;
    if (print && !r->oom && r->pending_len > 0 && r->opts.write != NULL)
        r->opts.write(r->opts.user_data, r->pending_buf, r->pending_len);
    free(r->pending_buf);
    r->pending_buf = NULL;
}

static void echo(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    if (r->opts.echo)
        fprintf(r->pending, "> %s\n", cmd->echo);
}

/* The result line: = 0x80070002 ERROR_FILE_NOT_FOUND (2) */
static void put_result(FILE *f, csc_hresult hr)
{
    fprintf(f, "= 0x%08X %s (%u)%s\n", (unsigned)(uint32_t)hr, hr_name(hr),
            (unsigned)csc_hresult_to_wmi(hr),
            hr == CSC_E_NOTIMPL ? " not implemented yet" : "");
}

static void set_result(csc__scn_runner_t *r, csc_hresult hr)
{
    r->has_result = true;
    r->result = hr;
}

/* Evictions arrive here from the cache, during any command. */
static void on_evict(void *user_data, const char *path, uint64_t size)
{
    csc__scn_runner_t *r = user_data;
    if (r->prev_evict != NULL)
        r->prev_evict(r->prev_evict_data, path, size);
    if (r->pending == NULL)
        return;
    fprintf(r->pending, "  evicted %s (%llu bytes)\n", path, (unsigned long long)size);
    r->evictions++;
}

/* ---- the progress sink ----------------------------------------------------- */

typedef struct call {
    csc__scn_runner_t *r;
    event_list_t *events; /* where the events go (NULL: printed only) */
    bool abort_at_set, retry_at_set;
    uint32_t abort_at, retry_at;
    uint32_t item_begins, item_results;
    bool retried;
    /* With AsyncProgress: answers are ignored, abort-at sets the token. */
    csc_cancel_t *cancel;
    bool done;
    csc_hresult result;
    /* With AsyncProgress the cache is busy until the call completes (C6.6),
     * so retry-at's handles are closed then: the path is kept here. */
    char *retry_path;
} call_t;

static void record(call_t *c, const csc_event_t *ev)
{
    char buf[512];
    size_t n = csc_event_format_wmi(ev, buf, sizeof buf);
    char *s = buf;
    if (n >= sizeof buf) {
        s = malloc(n + 1);
        if (s == NULL) {
            c->r->oom = true;
            return;
        }
        csc_event_format_wmi(ev, s, n + 1);
    }
    fprintf(c->r->pending, "  %s\n", s);
    if (c->events != NULL && !events_add(c->events, s))
        c->r->oom = true;
    if (s != buf)
        free(s);
}

static void on_begin(void *user_data, const csc_event_t *ev, bool *abort)
{
    call_t *c = user_data;
    record(c, ev);
    if (c->abort_at_set && c->abort_at == 0 && c->cancel == NULL)
        *abort = true;
}

static csc_op_response_t on_item_begin(void *user_data, const csc_event_t *ev)
{
    call_t *c = user_data;
    record(c, ev);
    c->item_begins++;
    if (c->abort_at_set && c->abort_at == c->item_begins) {
        if (c->cancel == NULL)
            return CSC_OP_ABORT;
        csc_cancel_request(c->cancel); /* AsyncProgress: answers are ignored */
    }
    return CSC_OP_CONTINUE;
}

/* The path of `ev`, as a new string; NULL when out of memory. */
static char *event_path(const csc_event_t *ev)
{
    char *path = malloc(ev->path_len + 1);
    if (path == NULL)
        return NULL;
    memcpy(path, ev->path, ev->path_len);
    path[ev->path_len] = '\0';
    return path;
}

/* The simulated application closes every handle to the item at `path`. */
static void close_all_handles(csc__scn_runner_t *r, const char *path)
{
    csc_item_t *item;
    if (csc_cache_find(r->cache, path, &item) == CSC_S_OK) {
        while (csc_item_open_count(item) > 0)
            if (csc_item_close(r->cache, item) != CSC_S_OK)
                break;
    }
}

static csc_op_response_t on_item_result(void *user_data, const csc_event_t *ev)
{
    call_t *c = user_data;
    record(c, ev);
    c->item_results++;
    if (c->retry_at_set && !c->retried && c->retry_at == c->item_results) {
        c->retried = true;
        char *path = event_path(ev);
        if (path == NULL) {
            c->r->oom = true;
            return CSC_OP_CONTINUE;
        }
        if (c->cancel == NULL) { /* synchronous: close now, and retry */
            close_all_handles(c->r, path);
            free(path);
            return CSC_OP_RETRY;
        }
        c->retry_path = path; /* AsyncProgress: the handles only (C6.4), once done */
    }
    return CSC_OP_CONTINUE;
}

static void on_end(void *user_data, const csc_event_t *ev)
{
    record(user_data, ev);
}

/* ---- commands ---------------------------------------------------------------- */

static void on_done(csc_op_t *op, csc_hresult result)
{
    call_t *c = op->data;
    c->done = true;
    c->result = result;
}

/*
 * A call with AsyncProgress (scenario-language.md, "Calling methods"): on the
 * runner's loop, which runs until End has been delivered and the call has
 * completed. abort-at=0 sets the cancel token before the call starts.
 */
static csc_hresult call_async(csc__scn_runner_t *r, const csc__scn_command_t *cmd, uint32_t flags,
                              bool deep, call_t *c, const csc_progress_t *pr)
{
    if (r->loop == NULL) {
        r->loop = malloc(sizeof *r->loop);
        if (r->loop == NULL || uv_loop_init(r->loop) != 0) {
            free(r->loop);
            r->loop = NULL;
            return CSC_E_OUTOFMEMORY;
        }
    }
    if (csc_cancel_new(&c->cancel) != CSC_S_OK)
        return CSC_E_OUTOFMEMORY;
    if (c->abort_at_set && c->abort_at == 0)
        csc_cancel_request(c->cancel);
    csc_op_t op = {0};
    op.data = c;
    const char *const *paths = (const char *const *)cmd->args;
    csc_hresult hr =
        cmd->kind == CSC__SCN_CMD_PIN
            ? csc_pin_async(&op, r->loop, r->cache, paths, cmd->nargs, flags, deep, pr,
                            c->cancel, on_done)
            : csc_unpin_async(&op, r->loop, r->cache, paths, cmd->nargs, flags, deep, pr,
                              c->cancel, on_done);
    if (hr == CSC_S_OK) {
        while (!c->done)
            uv_run(r->loop, UV_RUN_ONCE);
        hr = c->result;
    }
    if (c->retry_path != NULL) {
        close_all_handles(r, c->retry_path);
        free(c->retry_path);
        c->retry_path = NULL;
    }
    csc_cancel_free(c->cancel);
    c->cancel = NULL;
    return hr;
}

/* The flags of a method call without flags= (round 2: sync's are
 * SyncIn|SyncOut). */
static uint32_t default_flags(csc__scn_cmd_kind_t kind)
{
    switch (kind) {
    case CSC__SCN_CMD_SYNC: return 0x2u | 0x4u;
    case CSC__SCN_CMD_DELETEITEMS: return 0;
    case CSC__SCN_CMD_ENCRYPT: return 0;
    default: return CSC_PIN_FLAG_FOR_USER;
    }
}

/* `on` of encrypt and enable (the parser took on or off, any case). */
static bool word_on(const char *w)
{
    return (w[0] == 'o' || w[0] == 'O') && (w[1] == 'n' || w[1] == 'N') && w[2] == '\0';
}

/* sync resolve=RESOLUTION: the handler's one answer (C12.5). */
static csc_sync_resolve_t resolve_always(void *user_data, const csc_conflict_t *conflict,
                                         const char **new_name)
{
    (void)conflict;
    *new_name = NULL;
    return *(const csc_sync_resolve_t *)user_data;
}

/* pin, unpin, sync and deleteitems: always printed; leave a result and
 * the events (round 2: sync's and deleteitems' replace those of the last
 * method call, as Pin's do). */
static void run_pin(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    const csc__scn_opt_value_t *o = cmd->opt;
    uint32_t flags = o[CSC__SCN_OPT_FLAGS].set ? (uint32_t)o[CSC__SCN_OPT_FLAGS].num
                                          : default_flags(cmd->kind);
    bool deep = o[CSC__SCN_OPT_DEEP].set && o[CSC__SCN_OPT_DEEP].num != 0;
    events_clear(&r->events);
    r->has_events = true;
    echo(r, cmd);
    call_t c = {0};
    c.r = r;
    c.events = &r->events;
    c.abort_at_set = o[CSC__SCN_OPT_ABORT_AT].set;
    c.abort_at = (uint32_t)o[CSC__SCN_OPT_ABORT_AT].num;
    c.retry_at_set = o[CSC__SCN_OPT_RETRY_AT].set;
    c.retry_at = (uint32_t)o[CSC__SCN_OPT_RETRY_AT].num;
    csc_progress_t pr = {CSC_PROGRESS_VERSION, &c, on_begin, NULL,
                         on_item_begin, on_item_result, on_end};
    csc_hresult hr;
    const char *const *paths = (const char *const *)cmd->args;
    bool pin_or_unpin = cmd->kind == CSC__SCN_CMD_PIN || cmd->kind == CSC__SCN_CMD_UNPIN;
    if ((flags & CSC_PIN_FLAG_ASYNC_PROGRESS) && pin_or_unpin)
        hr = call_async(r, cmd, flags, deep, &c, &pr);
    else if (cmd->kind == CSC__SCN_CMD_PIN)
        hr = csc_pin(r->cache, paths, cmd->nargs, flags, deep, &pr, NULL);
    else if (cmd->kind == CSC__SCN_CMD_UNPIN)
        hr = csc_unpin(r->cache, paths, cmd->nargs, flags, deep, &pr, NULL);
    else if (cmd->kind == CSC__SCN_CMD_SYNC && o[CSC__SCN_OPT_RESOLVE].set) {
        /* resolve=: a conflict handler answering every conflict alike */
        csc_sync_resolve_t answer = (csc_sync_resolve_t)o[CSC__SCN_OPT_RESOLVE].num;
        csc_sync_options_t opts = {CSC_SYNC_OPTIONS_VERSION, &answer, resolve_always};
        hr = csc_synchronize_ex(r->cache, paths, cmd->nargs, flags, &opts, &pr, NULL);
    } else if (cmd->kind == CSC__SCN_CMD_SYNC)
        hr = csc_synchronize(r->cache, paths, cmd->nargs, flags, &pr, NULL);
    else if (cmd->kind == CSC__SCN_CMD_ENCRYPT) /* C13.4: events for files */
        hr = csc_encrypt(r->cache, word_on(cmd->args[0]), flags, &pr, NULL);
    else if (cmd->user != NULL) /* deleteitems ... for=USER (C13.7) */
        hr = csc_delete_items_for_user(r->cache, cmd->user, paths, cmd->nargs, flags, &pr,
                                       NULL);
    else
        hr = csc_delete_items(r->cache, paths, cmd->nargs, flags, &pr, NULL);
    set_result(r, hr);
    put_result(r->pending, hr);
}

/* The setup commands; returns the result. *leaves is false for the
 * commands that leave no last result. */
static csc_hresult run_setup(csc__scn_runner_t *r, const csc__scn_command_t *cmd, bool *leaves)
{
    const csc__scn_opt_value_t *o = cmd->opt;
    csc_cache_t *cache = r->cache;
    csc_item_t *item = NULL;
    csc_hresult hr;
    *leaves = true;
    switch (cmd->kind) {
    case CSC__SCN_CMD_FILE:
        return csc_cache_file(cache, cmd->args[0], o[CSC__SCN_OPT_SIZE].set,
                              o[CSC__SCN_OPT_SIZE].num,
                              NULL);
    case CSC__SCN_CMD_DIR:
        return csc_cache_dir(cache, cmd->args[0], NULL);
    case CSC__SCN_CMD_AS:
        *leaves = false;
        return csc_cache_set_caller(cache, cmd->args[0], o[CSC__SCN_OPT_ADMIN].set);
    case CSC__SCN_CMD_POLICY:
        *leaves = false;
        return csc_cache_set_policy(cache, cmd->policy);
    case CSC__SCN_CMD_TICK:
        *leaves = false;
        return csc_cache_advance_clock(cache, cmd->ticks);
    case CSC__SCN_CMD_LIMITS: {
        csc_disk_space_t ds;
        hr = csc_cache_get_disk_space(cache, &ds);
        if (hr != CSC_S_OK)
            return hr;
        return csc_cache_set_disk_space_limits(
            cache, o[CSC__SCN_OPT_TOTAL].set ? o[CSC__SCN_OPT_TOTAL].num : ds.limit,
            o[CSC__SCN_OPT_UNPINNED].set ? o[CSC__SCN_OPT_UNPINNED].num : ds.unpinned_limit);
    }
    case CSC__SCN_CMD_EVICT:
        return csc_cache_evict(cache, !o[CSC__SCN_OPT_BYTES].set, o[CSC__SCN_OPT_BYTES].num,
                               NULL, NULL);
    case CSC__SCN_CMD_SAVE: /* snapshots (issue 15): the file as written */
        return r->opts.no_files ? CSC_E_ACCESSDENIED : csc_cache_save(cache, cmd->args[0]);
    case CSC__SCN_CMD_LOAD:
        return r->opts.no_files ? CSC_E_ACCESSDENIED : csc_cache_load(cache, cmd->args[0]);
    case CSC__SCN_CMD_LOCATION: /* C13.1: the embedder's setting */
        return csc_cache_set_location(cache, cmd->args[0]);
    case CSC__SCN_CMD_REMOTE: { /* C10.1; remote write's bytes= is accepted and ignored:
                                 * csc_remote_write takes no byte count */
        const char *v = cmd->args[0];
        const char *path = cmd->args[1];
        bool has_size = o[CSC__SCN_OPT_SIZE].set;
        uint64_t size = o[CSC__SCN_OPT_SIZE].num;
        /* the parser took only dir, file, write, delete (any case) */
        if ((v[0] | 0x20) == 'd' && strlen(v) == 3)
            return csc_remote_dir(cache, path);
        if ((v[0] | 0x20) == 'f')
            return csc_remote_file(cache, path, has_size, size);
        if ((v[0] | 0x20) == 'w')
            return csc_remote_write(cache, path, has_size, size);
        return csc_remote_delete(cache, path);
    }
    case CSC__SCN_CMD_SHARE: /* C10.6 */
        return csc_remote_set_caching_mode(cache, cmd->args[0],
                                           (csc_caching_mode_t)o[CSC__SCN_OPT_CACHING].num);
    case CSC__SCN_CMD_NETWORK: /* C10.5 */
        return csc_remote_set_network(cache, cmd->args[0], (csc_network_t)cmd->ticks);
    /* C11: the applications, by path (apps.h); open and close keep their
     * round-1 meaning on cached files (C10.2) */
    case CSC__SCN_CMD_OPEN:
        return csc_app_open(cache, cmd->args[0]);
    case CSC__SCN_CMD_CLOSE:
        return csc_app_close(cache, cmd->args[0]);
    case CSC__SCN_CMD_WRITE:
        return csc_app_write(cache, cmd->args[0],
                             o[CSC__SCN_OPT_BYTES].set ? o[CSC__SCN_OPT_BYTES].num : 1,
                             o[CSC__SCN_OPT_SIZE].set, o[CSC__SCN_OPT_SIZE].num);
    case CSC__SCN_CMD_CREATE:
        return csc_app_create(cache, cmd->args[0],
                              o[CSC__SCN_OPT_SIZE].set ? o[CSC__SCN_OPT_SIZE].num : 0);
    case CSC__SCN_CMD_DELETE:
        return csc_app_delete(cache, cmd->args[0]);
    case CSC__SCN_CMD_FAIL: /* leaves no result: it configures, as policy does */
        *leaves = false;
        return csc__scn_fail_run(cache, cmd, &r->faults);
    default:
        break;
    }
    /* The commands on a cached item. */
    hr = csc_cache_find(cache, cmd->args[0], &item);
    if (hr != CSC_S_OK)
        return hr;
    switch (cmd->kind) {
    case CSC__SCN_CMD_ACCESS:
        return csc_item_set_access(cache, item, (const char *const *)cmd->args + 1,
                                   cmd->nargs - 1);
    case CSC__SCN_CMD_MODIFY:
        return csc_item_modify(cache, item,
                               o[CSC__SCN_OPT_BYTES].set ? o[CSC__SCN_OPT_BYTES].num : 1);
    case CSC__SCN_CMD_TOUCH:
        return csc_item_touch(cache, item);
    default:
        return CSC_E_UNEXPECTED; /* not reached: every kind is handled */
    }
}

/* The C13 methods without events (rename, suspend, enable, start) and
 * restart: always printed, each leaves a result. */
static void run_method(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    echo(r, cmd);
    csc_hresult hr;
    bool on = cmd->nargs > 0 && word_on(cmd->args[0]);
    switch (cmd->kind) {
    case CSC__SCN_CMD_RENAME:
        hr = cmd->opt[CSC__SCN_OPT_RESTART_TIME].set
                 ? csc_rename_item(r->cache, cmd->args[0], cmd->args[1], false)
                 : csc_rename_item_ex(r->cache, cmd->args[0], cmd->args[1], false);
        break;
    case CSC__SCN_CMD_SUSPEND:
        hr = csc_suspend_root(r->cache, cmd->args[0], !cmd->opt[CSC__SCN_OPT_RELEASE].set);
        break;
    case CSC__SCN_CMD_ENABLE: {
        bool reboot = false;
        hr = csc_feature_enable(r->cache, on, &reboot);
        r->has_reboot = true;
        r->reboot = reboot;
        break;
    }
    case CSC__SCN_CMD_START:
        hr = csc_feature_start(r->cache);
        break;
    case CSC__SCN_CMD_OFFLINE: { /* TransitionOffline(PATH, Force, 0), C10.9 */
        bool open_files = false;
        hr = csc_transition_offline(r->cache, cmd->args[0], cmd->opt[CSC__SCN_OPT_FORCE].set, 0,
                                    &open_files);
        r->has_open_files = true;
        r->open_files = open_files;
        break;
    }
    case CSC__SCN_CMD_ONLINE: /* TransitionOnline(PATH, 0), C10.10 */
        hr = csc_transition_online(r->cache, cmd->args[0], 0);
        break;
    case CSC__SCN_CMD_CACHEABLE: { /* IsPathCacheable(PATH), C10.7 */
        bool cacheable = false;
        csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
        hr = csc_is_path_cacheable(r->cache, cmd->args[0], &cacheable, &mode);
        r->has_cacheable = true;
        r->cacheable = cacheable;
        r->cacheable_mode = mode;
        break;
    }
    default:
        hr = csc_cache_restart(r->cache);
        break;
    }
    set_result(r, hr);
    put_result(r->pending, hr);
}

static void run_show(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    echo(r, cmd);
    csc_item_t *item = NULL;
    if (cmd->nargs > 0) {
        csc_hresult hr = csc_cache_find(r->cache, cmd->args[0], &item);
        if (hr != CSC_S_OK) {
            put_result(r->pending, hr);
            return;
        }
    }
    csc__scn_picture(r->pending, r->cache, item, r->opts.color);
}

/* ---- checks ------------------------------------------------------------------ */

static void put_yes_no(FILE *f, uint64_t v)
{
    fputs(v ? "yes" : "no", f);
}

static void put_key_value(FILE *f, csc__scn_key_t key, uint64_t v)
{
    fprintf(f, "%s=", csc__scn_key_name(key));
    switch (key) {
    case CSC__SCN_KEY_TYPE:
        fputs(csc__scn_type_name((csc_item_type_t)v), f);
        break;
    case CSC__SCN_KEY_PINS:
    case CSC__SCN_KEY_INHERIT:
        csc__scn_put_sources(f, (uint32_t)v);
        break;
    case CSC__SCN_KEY_CONNECT:
        fputs(csc__scn_connect_name(v), f);
        break;
    case CSC__SCN_KEY_REASON:
        fputs(csc__scn_reason_name(v), f);
        break;
    case CSC__SCN_KEY_CACHING:
    case CSC__SCN_KEY_MODE:
        fputs(csc__scn_mode_name(v), f);
        break;
    case CSC__SCN_KEY_REMOTE_SIZE:
    case CSC__SCN_KEY_REMOTE_VERSION:
    case CSC__SCN_KEY_DIRTY_BYTES:
    case CSC__SCN_KEY_REMOTE_DIRTY_BYTES:
    case CSC__SCN_KEY_SIZE:
    case CSC__SCN_KEY_HANDLES:
        fprintf(f, "%llu", (unsigned long long)v);
        break;
    case CSC__SCN_KEY_VERSION:
        if (v == CSC__SCN_VERSION_NONE)
            fputs("none", f);
        else
            fprintf(f, "%llu", (unsigned long long)v);
        break;
    case CSC__SCN_KEY_CONFLICT:
        fputs(csc__scn_sync_state_name(v), f);
        break;
    case CSC__SCN_KEY_USED:
    case CSC__SCN_KEY_UNPINNED_USED:
    case CSC__SCN_KEY_LIMIT:
    case CSC__SCN_KEY_UNPINNED_LIMIT:
        if (v == CSC_SPACE_UNLIMITED &&
            (key == CSC__SCN_KEY_LIMIT || key == CSC__SCN_KEY_UNPINNED_LIMIT))
            fputs("unlimited", f);
        else
            fprintf(f, "%llu", (unsigned long long)v);
        break;
    default:
        put_yes_no(f, v);
        break;
    }
}

static uint64_t item_value(const csc_item_t *item, csc__scn_key_t key)
{
    switch (key) {
    case CSC__SCN_KEY_CACHED: return 1;
    case CSC__SCN_KEY_TYPE: return (uint64_t)csc_item_type(item);
    case CSC__SCN_KEY_PINS: return csc_item_pins(item);
    case CSC__SCN_KEY_INHERIT: return csc_item_inherit(item);
    case CSC__SCN_KEY_PINNED: return csc_item_is_pinned(item);
    case CSC__SCN_KEY_PARTLY_PINNED: return csc_item_is_partly_pinned(item);
    case CSC__SCN_KEY_DIRTY: return csc_item_is_dirty(item);
    case CSC__SCN_KEY_EVICTABLE: return csc_item_is_evictable(item);
    case CSC__SCN_KEY_OPEN: return csc_item_is_open(item);
    case CSC__SCN_KEY_SUSPENDED: return csc_item_is_suspended(item);
    case CSC__SCN_KEY_SUSPENDED_ROOT: return csc_item_is_suspended_root(item);
    case CSC__SCN_KEY_ENCRYPTED: return csc_item_is_encrypted(item);
    /* round 2, C11, C13.5 (files only) */
    case CSC__SCN_KEY_SPARSE: return csc_item_is_sparse(item);
    case CSC__SCN_KEY_CREATED_OFFLINE: return csc_item_is_created_offline(item);
    case CSC__SCN_KEY_DELETED_OFFLINE: return csc_item_is_deleted_offline(item);
    case CSC__SCN_KEY_DIRTY_BYTES: return csc_item_dirty_bytes(item);
    case CSC__SCN_KEY_REMOTE_DIRTY_BYTES: return csc_item_remote_dirty_bytes(item);
    case CSC__SCN_KEY_SIZE: return csc_item_size(item);
    case CSC__SCN_KEY_VERSION: {
        uint64_t v;
        return csc_item_original_version(item, &v) ? v : CSC__SCN_VERSION_NONE;
    }
    case CSC__SCN_KEY_CONFLICT: return (uint64_t)csc_item_conflict(item);
    case CSC__SCN_KEY_HANDLES: return csc_item_open_count(item);
    default: return 0;
    }
}

static uint64_t space_value(const csc_disk_space_t *ds, csc__scn_key_t key)
{
    switch (key) {
    case CSC__SCN_KEY_USED: return ds->used;
    case CSC__SCN_KEY_UNPINNED_USED: return ds->unpinned_used;
    case CSC__SCN_KEY_LIMIT: return ds->limit;
    case CSC__SCN_KEY_UNPINNED_LIMIT: return ds->unpinned_limit;
    default: return 0;
    }
}

/* connect= and reason= of `expect PATH` read the path's connect state,
 * cached or not (C10.5); other paths answer 0 ("unknown"). */
static uint64_t connect_value(const csc_cache_t *cache, const char *path, csc__scn_key_t key)
{
    csc_connect_state_t state = CSC_CONNECT_STATE_UNKNOWN;
    csc_offline_reason_t reason = CSC_OFFLINE_REASON_UNKNOWN;
    if (csc_connect_state(cache, path, &state, &reason) != CSC_S_OK)
        return 0;
    return key == CSC__SCN_KEY_CONNECT ? (uint64_t)state : (uint64_t)reason;
}

/* Compares the keys of an item or space check; writes the failing ones. */
static bool check_keys(const csc__scn_runner_t *r, const csc__scn_command_t *cmd,
                       const csc__scn_expect_t *e, const csc_item_t *item,
                       const csc_disk_space_t *ds, FILE *exp, FILE *got)
{
    bool pass = true;
    const char *sep = "";
    for (size_t i = 0; i < e->key_count; i++) {
        const csc__scn_check_key_t *k = &e->keys[i];
        uint64_t actual;
        if (e->kind == CSC__SCN_EXPECT_SPACE) {
            actual = space_value(ds, k->key);
        } else if (k->key == CSC__SCN_KEY_CONNECT || k->key == CSC__SCN_KEY_REASON) {
            actual = connect_value(r->cache, cmd->args[0], k->key);
        } else if (item == NULL) {
            /* Not cached or invalid: only cached=no passes. */
            if (k->key == CSC__SCN_KEY_CACHED && k->value == 0)
                continue;
            if (pass)
                fputs("cached=no", got);
            pass = false;
            fputs(sep, exp);
            put_key_value(exp, k->key, k->value);
            sep = ", ";
            continue;
        } else if (csc__scn_key_files_only(k->key) && csc_item_type(item) != CSC_ITEM_FILE) {
            /* a key of files only fails on a container (round 2) */
            pass = false;
            fputs(sep, exp);
            fputs(sep, got);
            put_key_value(exp, k->key, k->value);
            fprintf(got, "%s (a key of files) on a %s", csc__scn_key_name(k->key),
                    csc__scn_type_name(csc_item_type(item)));
            sep = ", ";
            continue;
        } else {
            actual = item_value(item, k->key);
        }
        if (actual == k->value)
            continue;
        pass = false;
        fputs(sep, exp);
        fputs(sep, got);
        put_key_value(exp, k->key, k->value);
        put_key_value(got, k->key, actual);
        sep = ", ";
    }
    return pass;
}

static bool check_result(const csc__scn_runner_t *r, const csc__scn_expect_t *e, FILE *exp,
                         FILE *got)
{
    bool wmi = e->kind == CSC__SCN_EXPECT_RETURN;
    fputs(wmi ? "return=" : "hresult=", exp);
    if (wmi)
        put_wmi_code(exp, (uint32_t)e->number);
    else
        put_hresult(exp, (csc_hresult)(uint32_t)e->number);
    if (!r->has_result) {
        fputs("no result (no command has left one yet)", got);
        return false;
    }
    uint32_t actual = wmi ? csc_hresult_to_wmi(r->result) : (uint32_t)r->result;
    if (actual == e->number)
        return true;
    fputs(wmi ? "return=" : "hresult=", got);
    if (wmi)
        put_wmi_code(got, actual);
    else
        put_hresult(got, r->result);
    return false;
}

static bool check_events(const csc__scn_runner_t *r, const csc__scn_expect_t *e, FILE *exp,
                         FILE *got)
{
    const event_list_t *l = &r->events;
    switch (e->kind) {
    case CSC__SCN_EXPECT_EVENTS:
        fprintf(exp, "events=%llu", (unsigned long long)e->number);
        break;
    case CSC__SCN_EXPECT_EVENT_AT:
        fprintf(exp, "event#%llu=\"%s\"", (unsigned long long)e->number, e->message);
        break;
    default:
        fprintf(exp, "event=\"%s\"", e->message);
        break;
    }
    if (!r->has_events) {
        fputs("no events (no pin or unpin yet)", got);
        return false;
    }
    switch (e->kind) {
    case CSC__SCN_EXPECT_EVENTS:
        if (l->count == e->number)
            return true;
        fprintf(got, "events=%zu", l->count);
        return false;
    case CSC__SCN_EXPECT_EVENT_AT:
        if (e->number > l->count) {
            fprintf(got, "no event#%llu (%zu events)", (unsigned long long)e->number, l->count);
            return false;
        }
        if (strcmp(l->items[e->number - 1], e->message) == 0)
            return true;
        fprintf(got, "\"%s\"", l->items[e->number - 1]);
        return false;
    default:
        for (size_t i = 0; i < l->count; i++)
            if (strcmp(l->items[i], e->message) == 0)
                return true;
        fprintf(got, "no such event among %zu events", l->count);
        return false;
    }
}

/* expect status ... (C13.1) and expect encryption ... (C13.4). */
static bool check_state(const csc__scn_runner_t *r, const csc__scn_expect_t *e, FILE *exp,
                        FILE *got)
{
    bool active = false, enabled = false, encrypted = false, partial = false;
    csc_feature_query_status(r->cache, &active, &enabled, NULL);
    csc_cache_encryption_state(r->cache, &encrypted, &partial);
    bool pass = true;
    const char *sep = "";
    for (size_t i = 0; i < e->key_count; i++) {
        const csc__scn_check_key_t *k = &e->keys[i];
        uint64_t actual;
        switch (k->key) {
        case CSC__SCN_KEY_ACTIVE: actual = active; break;
        case CSC__SCN_KEY_ENABLED: actual = enabled; break;
        case CSC__SCN_KEY_REBOOT:
            if (!r->has_reboot) {
                fprintf(exp, "%sreboot=", sep);
                put_yes_no(exp, k->value);
                fprintf(got, "%sno enable yet", sep);
                pass = false;
                sep = ", ";
                continue;
            }
            actual = r->reboot;
            break;
        case CSC__SCN_KEY_ENC_ENCRYPTED: actual = encrypted; break;
        default: actual = partial; break;
        }
        if (actual == k->value)
            continue;
        pass = false;
        fprintf(exp, "%s%s=", sep, csc__scn_key_name(k->key));
        put_yes_no(exp, k->value);
        fprintf(got, "%s%s=", sep, csc__scn_key_name(k->key));
        put_yes_no(got, actual);
        sep = ", ";
    }
    return pass;
}

/* Writes the failing key of a check as "sep KEY=VALUE" on both sides. */
static void put_mismatch(FILE *exp, FILE *got, const char **sep, csc__scn_key_t key,
                         uint64_t want, uint64_t actual)
{
    fputs(*sep, exp);
    fputs(*sep, got);
    put_key_value(exp, key, want);
    put_key_value(got, key, actual);
    *sep = ", ";
}

/* expect remote PATH exists= size= version= caching= (C10.1, C10.6): a
 * missing remote item fails every key but exists=no. */
static bool check_remote(const csc__scn_runner_t *r, const csc__scn_command_t *cmd, FILE *exp,
                         FILE *got)
{
    const csc__scn_expect_t *e = &cmd->expect;
    csc_item_type_t type = CSC_ITEM_FILE;
    uint64_t size = 0, version = 0;
    bool exists = csc_remote_item(r->cache, cmd->args[0], &type, &size, &version, NULL) ==
                  CSC_S_OK;
    bool pass = true;
    const char *sep = "";
    for (size_t i = 0; i < e->key_count; i++) {
        const csc__scn_check_key_t *k = &e->keys[i];
        uint64_t actual = 0;
        if (k->key == CSC__SCN_KEY_EXISTS) {
            actual = exists;
        } else if (!exists) {
            fprintf(exp, "%s", sep);
            put_key_value(exp, k->key, k->value);
            fprintf(got, "%sexists=no", sep);
            pass = false;
            sep = ", ";
            continue;
        } else if (k->key == CSC__SCN_KEY_REMOTE_SIZE) {
            actual = size;
        } else if (k->key == CSC__SCN_KEY_REMOTE_VERSION) {
            actual = version;
        } else { /* caching=: shares only */
            csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
            if (type != CSC_ITEM_SHARE ||
                csc_remote_caching_mode(r->cache, cmd->args[0], &mode) != CSC_S_OK) {
                fprintf(exp, "%s", sep);
                put_key_value(exp, k->key, k->value);
                fprintf(got, "%scaching= (a key of shares) on a %s", sep,
                        csc__scn_type_name(type));
                pass = false;
                sep = ", ";
                continue;
            }
            actual = (uint64_t)mode;
        }
        if (actual != k->value) {
            pass = false;
            put_mismatch(exp, got, &sep, k->key, k->value, actual);
        }
    }
    return pass;
}

/* expect cacheable= mode= (the last cacheable's answer, C10.7) and expect
 * open-files= (the last offline's OpenFiles, C10.9). */
static bool check_answer(const csc__scn_runner_t *r, const csc__scn_expect_t *e, FILE *exp,
                         FILE *got)
{
    if (e->kind == CSC__SCN_EXPECT_OPEN_FILES) {
        fputs("open-files=", exp);
        put_yes_no(exp, e->number);
        if (!r->has_open_files) {
            fputs("no offline yet", got);
            return false;
        }
        if (r->open_files == (e->number != 0))
            return true;
        fputs("open-files=", got);
        put_yes_no(got, r->open_files);
        return false;
    }
    if (!r->has_cacheable) {
        const char *sep = "";
        for (size_t i = 0; i < e->key_count; i++) {
            fputs(sep, exp);
            put_key_value(exp, e->keys[i].key, e->keys[i].value);
            sep = ", ";
        }
        fputs("no cacheable yet", got);
        return false;
    }
    bool pass = true;
    const char *sep = "";
    for (size_t i = 0; i < e->key_count; i++) {
        const csc__scn_check_key_t *k = &e->keys[i];
        uint64_t actual = k->key == CSC__SCN_KEY_CACHEABLE ? (uint64_t)r->cacheable
                                                           : (uint64_t)r->cacheable_mode;
        if (actual != k->value) {
            pass = false;
            put_mismatch(exp, got, &sep, k->key, k->value, actual);
        }
    }
    return pass;
}

static void run_expect(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    const csc__scn_expect_t *e = &cmd->expect;
    char *exp_buf = NULL, *got_buf = NULL;
    size_t exp_len = 0, got_len = 0;
    FILE *exp = open_memstream(&exp_buf, &exp_len);
    FILE *got = open_memstream(&got_buf, &got_len);
    if (exp == NULL || got == NULL) {
        if (exp != NULL)
            fclose(exp);
        if (got != NULL)
            fclose(got);
        free(exp_buf);
        free(got_buf);
        r->oom = true;
        return;
    }
    bool pass;
    switch (e->kind) {
    case CSC__SCN_EXPECT_ITEM: {
        csc_item_t *item = NULL;
        if (csc_cache_find(r->cache, cmd->args[0], &item) != CSC_S_OK)
            item = NULL;
        pass = check_keys(r, cmd, e, item, NULL, exp, got);
        break;
    }
    case CSC__SCN_EXPECT_SPACE: {
        csc_disk_space_t ds;
        csc_hresult hr = csc_cache_get_disk_space(r->cache, &ds);
        if (hr != CSC_S_OK) {
            fputs("the disk space", exp);
            fprintf(got, "0x%08X from csc_cache_get_disk_space", (unsigned)(uint32_t)hr);
            pass = false;
        } else {
            pass = check_keys(r, cmd, e, NULL, &ds, exp, got);
        }
        break;
    }
    case CSC__SCN_EXPECT_RETURN:
    case CSC__SCN_EXPECT_HRESULT:
        pass = check_result(r, e, exp, got);
        break;
    case CSC__SCN_EXPECT_LOCATION: { /* C13.1 */
        size_t n = csc_cache_location(r->cache, NULL, 0);
        char *loc = malloc(n + 1);
        if (loc == NULL) {
            r->oom = true;
            pass = false;
            break;
        }
        csc_cache_location(r->cache, loc, n + 1);
        fprintf(exp, "location=\"%s\"", e->message);
        pass = strcmp(loc, e->message) == 0;
        if (!pass)
            fprintf(got, "location=\"%s\"", loc);
        free(loc);
        break;
    }
    case CSC__SCN_EXPECT_STATUS:
    case CSC__SCN_EXPECT_ENCRYPTION:
        pass = check_state(r, e, exp, got);
        break;
    case CSC__SCN_EXPECT_REMOTE:
        pass = check_remote(r, cmd, exp, got);
        break;
    case CSC__SCN_EXPECT_CACHEABLE:
    case CSC__SCN_EXPECT_OPEN_FILES:
        pass = check_answer(r, e, exp, got);
        break;
    default:
        pass = check_events(r, e, exp, got);
        break;
    }
    if ((fclose(exp) | fclose(got)) != 0) {
        r->oom = true;
    } else if (pass) {
        r->passed++;
    } else {
        r->failed++;
        echo(r, cmd);
        fprintf(r->pending, "%s:%u: FAIL: expected %s, got %s\n", r->opts.file, cmd->line,
                exp_buf, got_buf);
        if (r->opts.failed != NULL) {
            size_t n = exp_len + got_len + sizeof "expected , got ";
            char *msg = malloc(n);
            if (msg == NULL) {
                r->oom = true;
            } else {
                snprintf(msg, n, "expected %s, got %s", exp_buf, got_buf);
                if (!r->opts.failed(r->opts.user_data, cmd->line, msg))
                    r->oom = true;
                free(msg);
            }
        }
    }
    free(exp_buf);
    free(got_buf);
}

/* ---- the runner ----------------------------------------------------------- */

csc_hresult csc__scn_runner_new(csc__scn_runner_t **out, csc_cache_t *cache,
                                const csc__scn_runner_options_t *opts)
{
    *out = NULL;
    csc__scn_runner_t *r = calloc(1, sizeof *r);
    if (r == NULL)
        return CSC_E_OUTOFMEMORY;
    r->opts = *opts;
    r->cache = cache;
    csc_cache_evict_callback(cache, &r->prev_evict, &r->prev_evict_data);
    csc_hresult hr = csc_cache_set_evict_callback(cache, on_evict, r);
    if (hr != CSC_S_OK) {
        free(r);
        return hr;
    }
    *out = r;
    return CSC_S_OK;
}

void csc__scn_runner_exec(csc__scn_runner_t *r, const csc__scn_command_t *cmd)
{
    if (r->oom || !pending_begin(r))
        return;
    bool print = true;
    switch (cmd->kind) {
    case CSC__SCN_CMD_PIN:
    case CSC__SCN_CMD_UNPIN:
    case CSC__SCN_CMD_SYNC:
    case CSC__SCN_CMD_DELETEITEMS:
    case CSC__SCN_CMD_ENCRYPT:
        run_pin(r, cmd);
        break;
    case CSC__SCN_CMD_RENAME:
    case CSC__SCN_CMD_SUSPEND:
    case CSC__SCN_CMD_ENABLE:
    case CSC__SCN_CMD_START:
    case CSC__SCN_CMD_RESTART:
    case CSC__SCN_CMD_OFFLINE:
    case CSC__SCN_CMD_ONLINE:
    case CSC__SCN_CMD_CACHEABLE:
        run_method(r, cmd);
        break;
    case CSC__SCN_CMD_SHOW:
        run_show(r, cmd);
        break;
    case CSC__SCN_CMD_EXPECT:
        run_expect(r, cmd);
        break;
    default: {
        /* Collected in full; printed only when it failed or evicted. */
        echo(r, cmd);
        bool leaves;
        csc_hresult hr = run_setup(r, cmd, &leaves);
        if (leaves)
            set_result(r, hr);
        print = CSC_FAILED(hr) || r->evictions > 0;
        put_result(r->pending, hr);
        break;
    }
    }
    pending_end(r, print);
}

unsigned csc__scn_runner_passed(const csc__scn_runner_t *r)
{
    return r->passed;
}

unsigned csc__scn_runner_failed(const csc__scn_runner_t *r)
{
    return r->failed;
}

bool csc__scn_runner_out_of_memory(const csc__scn_runner_t *r)
{
    return r->oom;
}

csc_cache_t *csc__scn_runner_cache(const csc__scn_runner_t *r)
{
    return r->cache;
}

void csc__scn_runner_free(csc__scn_runner_t *r)
{
    if (r == NULL)
        return;
    events_clear(&r->events);
    free(r->events.items);
    csc__scn_faults_release(r->cache, &r->faults);
    csc_cache_set_evict_callback(r->cache, r->prev_evict, r->prev_evict_data);
    if (r->loop != NULL) {
        uv_run(r->loop, UV_RUN_DEFAULT); /* lets closed handles finish */
        uv_loop_close(r->loop);
        free(r->loop);
    }
    free(r);
}
