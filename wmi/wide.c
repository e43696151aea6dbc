/*
 * wmi/wide.c: the WMI face's UTF-16 entry points (C14.4): names, keys,
 * queries, string and string-array arguments converted to WTF-8 at the
 * face without loss (utf16/, shared with the COM face), NULL strings kept
 * NULL (inside a path array they count as empty, as the UTF-8 entry points
 * say), progress messages converted back to UTF-16.
 */
#include <stdlib.h>
#include <string.h>

#include "utf16.h"
#include "wmi_private.h"

/* A WTF-8 copy, or NULL for NULL; *oom when a copy found no memory. */
static char *narrow(const csc_wmi_wchar_t *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *n = csc_u16_to_wtf8((const uint16_t *)s);
    if (n == NULL)
        *oom = true;
    return n;
}

csc_wmi_wchar_t *csc_wmi_to_utf16(const char *s)
{
    return s != NULL ? (csc_wmi_wchar_t *)csc_wtf8_to_u16(s) : NULL;
}

void csc_wmi_free(void *p)
{
    free(p);
}

csc_hresult csc_wmi_get_instance_w(csc_cache_t *cache, const csc_wmi_wchar_t *class_name,
                                   const csc_wmi_wchar_t *key, csc_wmi_object_t **out)
{
    bool oom = false;
    char *c = narrow(class_name, &oom), *k = narrow(key, &oom);
    csc_hresult hr = oom ? CSC_E_OUTOFMEMORY : csc_wmi_get_instance(cache, c, k, out);
    if (oom && out != NULL)
        *out = NULL;
    free(c);
    free(k);
    return hr;
}

csc_hresult csc_wmi_exec_query_w(csc_cache_t *cache, const csc_wmi_wchar_t *query,
                                 csc_wmi_objects_t **out)
{
    bool oom = false;
    char *q = narrow(query, &oom);
    csc_hresult hr = oom ? CSC_E_OUTOFMEMORY : csc_wmi_exec_query(cache, q, out);
    if (oom && out != NULL)
        *out = NULL;
    free(q);
    return hr;
}

csc_hresult csc_wmi_object_get_w(const csc_wmi_object_t *obj, const csc_wmi_wchar_t *name,
                                 const csc_wmi_value_t **value)
{
    bool oom = false;
    char *n = narrow(name, &oom);
    csc_hresult hr = oom ? CSC_E_OUTOFMEMORY : csc_wmi_object_get(obj, n, value);
    if (oom && value != NULL)
        *value = NULL;
    free(n);
    return hr;
}

typedef struct wide_progress {
    csc_wmi_progress_w_fn fn;
    void *user_data;
} wide_progress_t;

static bool on_progress_w(void *ud, uint32_t upper, uint32_t current, const char *message)
{
    wide_progress_t *w = ud;
    uint16_t *m = csc_wtf8_to_u16(message);
    static const csc_wmi_wchar_t empty[1] = {0};
    bool go_on = w->fn(w->user_data, upper, current, m != NULL ? (csc_wmi_wchar_t *)m : empty);
    free(m);
    return go_on;
}

/* The converted arguments and what to free. */
typedef struct narrow_args {
    csc_wmi_arg_t *args;
    char **strings; /* every string made, NULL-padded */
    size_t nstrings;
    const char ***arrays;
    size_t narrays;
} narrow_args_t;

static void narrow_args_free(narrow_args_t *n)
{
    for (size_t i = 0; i < n->nstrings; i++)
        free(n->strings[i]);
    for (size_t i = 0; i < n->narrays; i++)
        free((void *)n->arrays[i]);
    free(n->strings);
    free(n->arrays);
    free(n->args);
}

static char *keep(narrow_args_t *n, const csc_wmi_wchar_t *s, bool *oom)
{
    char *c = narrow(s, oom);
    if (c != NULL)
        n->strings[n->nstrings++] = c;
    return c;
}

static bool narrow_all(const csc_wmi_arg_w_t *in, size_t count, narrow_args_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        total++; /* the name */
        if (in[i].value.type == CSC_WMI_STRING)
            total++;
        else if (in[i].value.type == CSC_WMI_STRING_ARRAY && in[i].value.u.strings.items != NULL)
            total += in[i].value.u.strings.count;
    }
    n->args = calloc(count != 0 ? count : 1, sizeof *n->args);
    n->strings = calloc(total != 0 ? total : 1, sizeof *n->strings);
    n->arrays = calloc(count != 0 ? count : 1, sizeof *n->arrays);
    if (n->args == NULL || n->strings == NULL || n->arrays == NULL)
        return false;
    bool oom = false;
    for (size_t i = 0; i < count && !oom; i++) {
        const csc_wmi_value_w_t *v = &in[i].value;
        csc_wmi_arg_t *a = &n->args[i];
        a->name = keep(n, in[i].name, &oom);
        a->value.type = v->type;
        switch (v->type) {
        case CSC_WMI_BOOLEAN:
            a->value.u.boolean = v->u.boolean;
            break;
        case CSC_WMI_UINT32:
            a->value.u.uint32 = v->u.uint32;
            break;
        case CSC_WMI_SINT64:
            a->value.u.sint64 = v->u.sint64;
            break;
        case CSC_WMI_STRING:
            a->value.u.string = keep(n, v->u.string, &oom);
            break;
        case CSC_WMI_STRING_ARRAY: {
            a->value.u.strings.count = v->u.strings.count;
            if (v->u.strings.items == NULL)
                break; /* the face answers for it */
            const char **arr = calloc(v->u.strings.count != 0 ? v->u.strings.count : 1,
                                      sizeof *arr);
            if (arr == NULL) {
                oom = true;
                break;
            }
            n->arrays[n->narrays++] = arr;
            for (size_t k = 0; k < v->u.strings.count && !oom; k++)
                arr[k] = keep(n, v->u.strings.items[k], &oom); /* NULL stays NULL */
            a->value.u.strings.items = arr;
            break;
        }
        case CSC_WMI_OBJECT:
            a->value.u.object = v->u.object;
            break;
        default:
            break;
        }
    }
    return !oom;
}

csc_hresult csc_wmi_exec_method_w(csc_cache_t *cache, const csc_wmi_wchar_t *class_name,
                                  const csc_wmi_wchar_t *method, const csc_wmi_arg_w_t *in,
                                  size_t count, csc_wmi_progress_w_fn on_progress,
                                  void *user_data, csc_wmi_object_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (in == NULL && count != 0)
        return CSC_WBEM_E_INVALID_PARAMETER;
    bool oom = false;
    char *c = narrow(class_name, &oom), *m = narrow(method, &oom);
    narrow_args_t n = {0};
    csc_hresult hr = CSC_E_OUTOFMEMORY;
    if (!oom && narrow_all(in, count, &n)) {
        wide_progress_t w = {on_progress, user_data};
        hr = csc_wmi_exec_method(cache, c, m, n.args, count,
                                 on_progress != NULL ? on_progress_w : NULL, &w, out);
    }
    narrow_args_free(&n);
    free(c);
    free(m);
    return hr;
}
