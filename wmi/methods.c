/*
 * wmi/methods.c: the 11 methods of Win32_OfflineFilesCache (windows-
 * reference §2, C14.3) by name: the MOF signature of each (parameter
 * names, CIM types, [in] or [out]), the checks of the WMI call itself (the
 * class, the method, each argument's name and type: WBEM codes, nothing
 * changes), then the C API's call, whose HRESULT becomes the uint32
 * ReturnValue (C4.8) of a __PARAMETERS object with the [out] parameters.
 * Pin and Unpin go through the library's csc_wmi_pin_ex / csc_wmi_unpin_ex
 * (the WMI entry points kept inside the library: they record and replay as
 * WMI calls, and the library cannot depend on this face); the others
 * format their events with csc_event_format_wmi. Progress reaches the
 * receiver as OnProgress(0, events so far, message) (C16.6); a receiver
 * that answers false cancels through a cancel token (C4.5 step 1).
 */
#include <stdlib.h>
#include <string.h>

#include "wmi_private.h"

#define MAX_PARAMS 4

typedef struct wmi_param {
    const char *name;
    csc_wmi_type_t type;
    bool out;
} wmi_param_t;

/* The arguments as the method sees them, by parameter position. */
typedef struct call_args {
    const csc_wmi_value_t *v[MAX_PARAMS]; /* NULL: not given */
    bool out_bool;                        /* the one [out] boolean, when any */
} call_args_t;

typedef struct progress_bridge progress_bridge_t;
/* A method: the C API's call; returns the method's ReturnValue (C4.8). */
typedef uint32_t (*method_fn)(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb);

typedef struct wmi_method {
    const char *name;
    wmi_param_t params[MAX_PARAMS];
    size_t nparams;
    method_fn fn;
} wmi_method_t;

/* ---- argument values: a NULL (not given) argument as WMI passes it ---- */

static bool arg_bool(const call_args_t *a, size_t i)
{
    return a->v[i] != NULL && a->v[i]->type == CSC_WMI_BOOLEAN && a->v[i]->u.boolean;
}

static uint32_t arg_u32(const call_args_t *a, size_t i)
{
    return a->v[i] != NULL && a->v[i]->type == CSC_WMI_UINT32 ? a->v[i]->u.uint32 : 0;
}

/* A NULL string counts as empty (a NULL BSTR, C14.4). */
static const char *arg_str(const call_args_t *a, size_t i)
{
    if (a->v[i] == NULL || a->v[i]->type != CSC_WMI_STRING || a->v[i]->u.string == NULL)
        return "";
    return a->v[i]->u.string;
}

static void arg_paths(const call_args_t *a, size_t i, const char *const **paths, size_t *count)
{
    *paths = NULL;
    *count = 0;
    if (a->v[i] != NULL && a->v[i]->type == CSC_WMI_STRING_ARRAY) {
        *paths = a->v[i]->u.strings.items;
        *count = a->v[i]->u.strings.count;
    }
}

/* ---- progress ---- */

struct progress_bridge {
    csc_wmi_progress_fn fn;
    void *user_data;
    uint32_t current;
    csc_cancel_t *cancel;
};

static void deliver(progress_bridge_t *pb, const char *message)
{
    pb->current++;
    if (!pb->fn(pb->user_data, 0, pb->current, message))
        csc_cancel_request(pb->cancel); /* seen before the next item (C4.5) */
}

static void on_wmi_message(void *ud, const char *message)
{
    deliver(ud, message);
}

static void deliver_event(progress_bridge_t *pb, const csc_event_t *ev)
{
    char small[1024];
    size_t n = csc_event_format_wmi(ev, small, sizeof small);
    if (n < sizeof small) {
        deliver(pb, small);
        return;
    }
    char *big = malloc(n + 1);
    if (big == NULL) { /* no memory for a long path: the message truncated */
        deliver(pb, small);
        return;
    }
    csc_event_format_wmi(ev, big, n + 1);
    deliver(pb, big);
    free(big);
}

static void ev_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    deliver_event(ud, ev);
}

static csc_op_response_t ev_item(void *ud, const csc_event_t *ev)
{
    deliver_event(ud, ev);
    return CSC_OP_CONTINUE;
}

static void ev_end(void *ud, const csc_event_t *ev)
{
    deliver_event(ud, ev);
}

/* The sink for the calls that take a csc_progress_t, NULL without a
 * receiver. */
static const csc_progress_t *sink(progress_bridge_t *pb, csc_progress_t *p)
{
    if (pb == NULL)
        return NULL;
    *p = (csc_progress_t){CSC_PROGRESS_VERSION, pb, ev_begin, NULL, ev_item, ev_item, ev_end};
    return p;
}

static csc_cancel_t *token(progress_bridge_t *pb)
{
    return pb != NULL ? pb->cancel : NULL;
}

/* Paths with NULL entries given as "" (C14.4, C16.7), for the calls whose
 * C form refuses a NULL path. *copy is what to free. */
static csc_hresult empty_for_null(const char *const *paths, size_t count,
                                  const char *const **out, const char ***copy)
{
    *out = paths;
    *copy = NULL;
    bool has_null = false;
    for (size_t i = 0; paths != NULL && i < count; i++)
        has_null |= paths[i] == NULL;
    if (!has_null)
        return CSC_S_OK;
    const char **c = malloc(count * sizeof *c);
    if (c == NULL)
        return CSC_E_OUTOFMEMORY;
    for (size_t i = 0; i < count; i++)
        c[i] = paths[i] != NULL ? paths[i] : "";
    *out = c;
    *copy = c;
    return CSC_S_OK;
}

/* ---- the methods: each the C API's call ---- */

static uint32_t m_pin_unpin(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb,
                               bool pin)
{
    const char *const *paths;
    size_t count;
    arg_paths(a, 0, &paths, &count);
    return (pin ? csc_wmi_pin_ex : csc_wmi_unpin_ex)(cache, paths, count, arg_u32(a, 1),
                                                     arg_bool(a, 2),
                                                     pb != NULL ? on_wmi_message : NULL, pb,
                                                     token(pb));
}

static uint32_t m_pin(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    return m_pin_unpin(cache, a, pb, true);
}

static uint32_t m_unpin(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    return m_pin_unpin(cache, a, pb, false);
}

/* Synchronize and DeleteItems: the C call over the paths, a NULL entry
 * given as "". */
static uint32_t m_paths_call(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb,
                             csc_hresult (*call)(csc_cache_t *, const char *const *, size_t,
                                                 uint32_t, const csc_progress_t *,
                                                 csc_cancel_t *))
{
    const char *const *paths, *const *given;
    const char **copy;
    size_t count;
    arg_paths(a, 0, &paths, &count);
    csc_hresult hr = empty_for_null(paths, count, &given, &copy);
    if (hr != CSC_S_OK)
        return csc_hresult_to_wmi(hr);
    csc_progress_t p;
    hr = call(cache, given, count, arg_u32(a, 1), sink(pb, &p), token(pb));
    free(copy);
    return csc_hresult_to_wmi(hr);
}

static uint32_t m_synchronize(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    return m_paths_call(cache, a, pb, csc_synchronize);
}

static uint32_t m_delete_items(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    return m_paths_call(cache, a, pb, csc_delete_items);
}

static uint32_t m_encrypt(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    csc_progress_t p;
    return csc_hresult_to_wmi(
        csc_encrypt(cache, arg_bool(a, 0), arg_u32(a, 1), sink(pb, &p), token(pb)));
}

static uint32_t m_enable(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    (void)pb;
    bool reboot = false;
    csc_hresult hr = csc_feature_enable(cache, arg_bool(a, 0), &reboot);
    a->out_bool = CSC_SUCCEEDED(hr) && reboot;
    return csc_hresult_to_wmi(hr);
}

static uint32_t m_rename_item(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    (void)pb;
    return csc_hresult_to_wmi(csc_rename_item(cache, arg_str(a, 0), arg_str(a, 1), arg_bool(a, 2)));
}

static uint32_t m_rename_item_ex(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    (void)pb;
    return csc_hresult_to_wmi(
        csc_rename_item_ex(cache, arg_str(a, 0), arg_str(a, 1), arg_bool(a, 2)));
}

static uint32_t m_suspend_root(csc_cache_t *cache, call_args_t *a, progress_bridge_t *pb)
{
    (void)pb;
    return csc_hresult_to_wmi(csc_suspend_root(cache, arg_str(a, 0), arg_bool(a, 1)));
}

static uint32_t m_transition_offline(csc_cache_t *cache, call_args_t *a,
                                        progress_bridge_t *pb)
{
    (void)pb;
    bool open_files = false;
    csc_hresult hr =
        csc_transition_offline(cache, arg_str(a, 0), arg_bool(a, 1), arg_u32(a, 2), &open_files);
    a->out_bool = CSC_SUCCEEDED(hr) && open_files;
    return csc_hresult_to_wmi(hr);
}

static uint32_t m_transition_online(csc_cache_t *cache, call_args_t *a,
                                       progress_bridge_t *pb)
{
    (void)pb;
    return csc_hresult_to_wmi(csc_transition_online(cache, arg_str(a, 0), arg_u32(a, 1)));
}

#define IN(n, t) {n, t, false}
#define OUT(n, t) {n, t, true}
#define PATHS IN("Paths", CSC_WMI_STRING_ARRAY)
#define U32(n) IN(n, CSC_WMI_UINT32)
#define BOOL_(n) IN(n, CSC_WMI_BOOLEAN)
#define STR(n) IN(n, CSC_WMI_STRING)

/* windows-reference §2, in its order. */
static const wmi_method_t methods[] = {
    {"DeleteItems", {PATHS, U32("Flags")}, 2, m_delete_items},
    {"Enable", {BOOL_("Enable"), OUT("RebootRequired", CSC_WMI_BOOLEAN)}, 2, m_enable},
    {"Encrypt", {BOOL_("Encrypt"), U32("Flags")}, 2, m_encrypt},
    {"Pin", {PATHS, U32("Flags"), BOOL_("Deep")}, 3, m_pin},
    {"RenameItem", {STR("OriginalPath"), STR("NewPath"), BOOL_("ReplaceIfExists")}, 3,
     m_rename_item},
    {"RenameItemEx", {STR("OriginalPath"), STR("NewPath"), BOOL_("ReplaceIfExists")}, 3,
     m_rename_item_ex},
    {"SuspendRoot", {STR("Path"), BOOL_("Suspend")}, 2, m_suspend_root},
    {"Synchronize", {PATHS, U32("Flags")}, 2, m_synchronize},
    {"TransitionOffline",
     {STR("Path"), BOOL_("Force"), U32("Flags"), OUT("OpenFiles", CSC_WMI_BOOLEAN)},
     4,
     m_transition_offline},
    {"TransitionOnline", {STR("Path"), U32("Flags")}, 2, m_transition_online},
    {"Unpin", {PATHS, U32("Flags"), BOOL_("Deep")}, 3, m_unpin},
};

/* "Win32_OfflineFilesCache" or its object path "Win32_OfflineFilesCache=@". */
static const wmi_class_def_t *method_class(const char *name)
{
    const wmi_class_def_t *c = wmi_class_find(name);
    if (c != NULL)
        return c;
    size_t n = strlen(WMI_CLASS_CACHE);
    if (strlen(name) == n + 2 && strcmp(name + n, "=@") == 0) {
        char head[64];
        memcpy(head, name, n);
        head[n] = '\0';
        if (wmi_name_eq(head, WMI_CLASS_CACHE))
            return wmi_class_find(WMI_CLASS_CACHE);
    }
    return NULL;
}

/* The WMI call's own checks (C14.3): nothing has changed when they fail. */
static csc_hresult bind_args(const wmi_method_t *m, const csc_wmi_arg_t *in, size_t count,
                             call_args_t *a)
{
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < count; i++) {
        if (in[i].name == NULL)
            return CSC_WBEM_E_INVALID_PARAMETER;
        size_t k = 0;
        while (k < m->nparams && (m->params[k].out || !wmi_name_eq(m->params[k].name, in[i].name)))
            k++;
        if (k == m->nparams || a->v[k] != NULL) /* unknown, [out] or repeated */
            return CSC_WBEM_E_INVALID_PARAMETER;
        const csc_wmi_value_t *v = &in[i].value;
        if (v->type != CSC_WMI_NULL && v->type != m->params[k].type) {
            if (v->type < CSC_WMI_NULL || v->type > CSC_WMI_OBJECT)
                return CSC_WBEM_E_INVALID_PARAMETER;
            return CSC_WBEM_E_TYPE_MISMATCH;
        }
        if (v->type == CSC_WMI_STRING_ARRAY && v->u.strings.count != 0 &&
            v->u.strings.items == NULL)
            return CSC_WBEM_E_INVALID_PARAMETER;
        a->v[k] = v;
    }
    return CSC_S_OK;
}

csc_hresult csc_wmi_exec_method(csc_cache_t *cache, const char *class_name, const char *method,
                                const csc_wmi_arg_t *in, size_t count,
                                csc_wmi_progress_fn on_progress, void *user_data,
                                csc_wmi_object_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || class_name == NULL || method == NULL || (in == NULL && count != 0))
        return CSC_WBEM_E_INVALID_PARAMETER;
    const wmi_class_def_t *c = method_class(class_name);
    if (c == NULL)
        return CSC_WBEM_E_INVALID_CLASS;
    const wmi_method_t *m = NULL;
    for (size_t i = 0; c->has_methods && i < sizeof methods / sizeof methods[0]; i++)
        if (wmi_name_eq(methods[i].name, method))
            m = &methods[i];
    if (m == NULL)
        return CSC_WBEM_E_INVALID_METHOD;
    call_args_t a;
    csc_hresult hr = bind_args(m, in, count, &a);
    if (hr != CSC_S_OK)
        return hr;

    /* Everything the answer needs is allocated before the call, so that a
     * method that ran is never reported as failed for lack of memory. */
    const wmi_param_t *out_param = NULL;
    for (size_t k = 0; k < m->nparams; k++)
        if (m->params[k].out)
            out_param = &m->params[k];
    csc_wmi_object_t *params = wmi_obj_new("__PARAMETERS", 2);
    progress_bridge_t bridge = {on_progress, user_data, 0, NULL};
    if (params == NULL ||
        (on_progress != NULL && csc_cancel_new(&bridge.cancel) != CSC_S_OK)) {
        csc_wmi_object_free(params);
        return WMI_E_OUT_OF_MEMORY;
    }
    uint32_t ret = m->fn(cache, &a, on_progress != NULL ? &bridge : NULL);
    csc_cancel_free(bridge.cancel);
    wmi_obj_u32(params, "ReturnValue", ret);
    if (out_param != NULL)
        wmi_obj_bool(params, out_param->name, a.out_bool);
    if (out != NULL)
        *out = params;
    else
        csc_wmi_object_free(params);
    return CSC_S_OK;
}
