/*
 * examples/wmi_dispatch.c: an emulator-style WMI dispatcher. A sandbox or
 * emulator that runs Windows programs receives their WMI calls as a
 * provider would: a verb (GetObject, ExecQuery, ExecMethod), a class or a
 * query, a method name and named arguments, every string in UTF-16. This
 * program plays such a guest's calls from a table, hands each to the WMI
 * face of cscsim by name (cscsim/wmi.h, the _w entry points: strings
 * converted without loss, C14.4), and prints what the guest would get
 * back: the WBEM status, the out-parameters (ReturnValue, RebootRequired,
 * OpenFiles), the instances' properties, and each OnProgress call. Strings
 * are printed with every unit outside printable ASCII as \uXXXX, so an
 * unpaired surrogate in a file name shows as it came in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cscsim.h>
#include <cscsim/wmi.h>

typedef csc_wmi_wchar_t wchar16;

/* ---- printing ---- */

static void put_utf16(const wchar16 *s)
{
    for (; *s != 0; s++) {
        if (*s >= 0x20 && *s < 0x7F)
            putchar((int)*s);
        else
            printf("\\u%04X", (unsigned)*s);
    }
}

/* A string the face gave (WTF-8), shown as the guest receives it. */
static void put_face_string(const char *s)
{
    wchar16 *w = csc_wmi_to_utf16(s);
    if (w == NULL) {
        printf("<no memory>");
        return;
    }
    putchar('"');
    put_utf16(w);
    putchar('"');
    csc_wmi_free(w);
}

static void put_status(csc_hresult hr)
{
    static const struct {
        csc_hresult hr;
        const char *name;
    } wbem[] = {
        {CSC_S_OK, "WBEM_S_NO_ERROR"},
        {CSC_WBEM_E_NOT_FOUND, "WBEM_E_NOT_FOUND"},
        {CSC_WBEM_E_TYPE_MISMATCH, "WBEM_E_TYPE_MISMATCH"},
        {CSC_WBEM_E_INVALID_PARAMETER, "WBEM_E_INVALID_PARAMETER"},
        {CSC_WBEM_E_INVALID_CLASS, "WBEM_E_INVALID_CLASS"},
        {CSC_WBEM_E_INVALID_QUERY, "WBEM_E_INVALID_QUERY"},
        {CSC_WBEM_E_INVALID_METHOD, "WBEM_E_INVALID_METHOD"},
    };
    for (size_t i = 0; i < sizeof wbem / sizeof wbem[0]; i++)
        if (wbem[i].hr == hr) {
            printf("  -> %s\n", wbem[i].name);
            return;
        }
    printf("  -> 0x%08X %s\n", (unsigned)hr, csc_hresult_name(hr));
}

static void put_object(const csc_wmi_object_t *obj, int indent);

static void put_value(const csc_wmi_value_t *v, int indent)
{
    switch (v->type) {
    case CSC_WMI_NULL:
        printf("NULL");
        break;
    case CSC_WMI_BOOLEAN:
        printf(v->u.boolean ? "TRUE" : "FALSE");
        break;
    case CSC_WMI_UINT32:
        printf("%u", (unsigned)v->u.uint32);
        break;
    case CSC_WMI_SINT64:
        printf("%lld", (long long)v->u.sint64);
        break;
    case CSC_WMI_STRING:
        put_face_string(v->u.string);
        break;
    case CSC_WMI_STRING_ARRAY:
        printf("{%zu strings}", v->u.strings.count);
        break;
    case CSC_WMI_OBJECT:
        printf("instance of %s\n", csc_wmi_object_class(v->u.object));
        put_object(v->u.object, indent + 2);
        return;
    }
    putchar('\n');
}

static void put_object(const csc_wmi_object_t *obj, int indent)
{
    for (size_t i = 0; i < csc_wmi_object_property_count(obj); i++) {
        const char *name;
        const csc_wmi_value_t *v;
        csc_wmi_object_property_at(obj, i, &name, &v);
        printf("%*s%s = ", indent, "", name);
        put_value(v, indent);
    }
}

/* Only the named properties (dotted names reach embedded objects). */
static void put_selected(const csc_wmi_object_t *obj, const char *const *show, int indent)
{
    for (; *show != NULL; show++) {
        const csc_wmi_value_t *v;
        printf("%*s%s = ", indent, "", *show);
        if (csc_wmi_object_get(obj, *show, &v) == CSC_S_OK)
            put_value(v, indent);
        else
            printf("<not found>\n");
    }
}

static void put_args(const csc_wmi_arg_w_t *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s", i == 0 ? "" : ", ");
        put_utf16(args[i].name);
        putchar('=');
        const csc_wmi_value_w_t *v = &args[i].value;
        switch (v->type) {
        case CSC_WMI_BOOLEAN:
            printf(v->u.boolean ? "TRUE" : "FALSE");
            break;
        case CSC_WMI_UINT32:
            printf("0x%X", (unsigned)v->u.uint32);
            break;
        case CSC_WMI_STRING:
            putchar('"');
            put_utf16(v->u.string);
            putchar('"');
            break;
        case CSC_WMI_STRING_ARRAY:
            putchar('[');
            for (size_t k = 0; k < v->u.strings.count; k++) {
                printf("%s", k == 0 ? "" : ", ");
                if (v->u.strings.items[k] == NULL) {
                    printf("NULL");
                    continue;
                }
                putchar('"');
                put_utf16(v->u.strings.items[k]);
                putchar('"');
            }
            putchar(']');
            break;
        default:
            printf("NULL");
            break;
        }
    }
}

/* ---- the guest's calls ---- */

typedef enum verb { GET_OBJECT, EXEC_QUERY, EXEC_METHOD } verb_t;

typedef struct guest_call {
    verb_t verb;
    const wchar16 *target; /* the class, or the query */
    const wchar16 *name;   /* the method, or the key (NULL: none) */
    const csc_wmi_arg_w_t *args;
    size_t nargs;
    const char *const *show; /* properties to print; NULL: all */
    unsigned cancel_after;   /* the receiver cancels at this event (0: never) */
} guest_call_t;

#define BOOLV(b) {CSC_WMI_BOOLEAN, {.boolean = (b)}}
#define U32V(x) {CSC_WMI_UINT32, {.uint32 = (x)}}
#define STRV(s) {CSC_WMI_STRING, {.string = (s)}}
#define PATHSV(a) {CSC_WMI_STRING_ARRAY, {.strings = {(a), sizeof(a) / sizeof((a)[0])}}}
#define ARGS(a) (a), sizeof(a) / sizeof((a)[0])

static const wchar16 *const share[] = {u"\\\\srv\\share"};
/* A NULL string (a NULL BSTR: an invalid path for that item, C14.4) and a
 * name with an unpaired surrogate (U+D800, allowed by NTFS and SMB). */
static const wchar16 *const unpin_paths[] = {u"\\\\srv\\share\\docs", NULL,
                                             u"\\\\srv\\share\\\xD800x.txt"};
static const wchar16 *const docs[] = {u"\\\\srv\\share\\docs"};

static const csc_wmi_arg_w_t enable_args[] = {{u"Enable", BOOLV(true)}};
static const csc_wmi_arg_w_t disable_args[] = {{u"Enable", BOOLV(false)}};
static const csc_wmi_arg_w_t pin_args[] = {
    {u"Paths", PATHSV(share)}, {u"Flags", U32V(0x20)}, {u"Deep", BOOLV(true)}};
/* Flags 0x1820: ForUser | Interactive | Console, as scripts pass them. */
static const csc_wmi_arg_w_t unpin_args[] = {
    {u"Paths", PATHSV(unpin_paths)}, {u"Flags", U32V(0x1820)}, {u"Deep", BOOLV(true)}};
static const csc_wmi_arg_w_t unpin_docs_args[] = {
    {u"Paths", PATHSV(docs)}, {u"Flags", U32V(0x20)}, {u"Deep", BOOLV(true)}};
static const csc_wmi_arg_w_t offline_args[] = {
    {u"Path", STRV(u"\\\\srv\\share")}, {u"Force", BOOLV(false)}, {u"Flags", U32V(0)}};
static const csc_wmi_arg_w_t suspend_args[] = {
    {u"Path", STRV(u"\\\\srv\\share\\docs")}, {u"Suspend", BOOLV(true)}};
static const csc_wmi_arg_w_t bad_type_args[] = {
    {u"Paths", PATHSV(share)}, {u"Flags", U32V(0x20)}, {u"Deep", U32V(1)}};
static const csc_wmi_arg_w_t bad_name_args[] = {{u"Paths", PATHSV(share)}, {u"Recurse", BOOLV(true)}};

static const char *const show_item[] = {"ItemPath", "ItemType", "PinInfo.PinnedForUser",
                                        "ConnectionInfo.ConnectState",
                                        "ConnectionInfo.OfflineReason",
                                        "DirtyInfo.LocalDirtyByteCount", NULL};
static const char *const show_path[] = {"ItemPath", "PinInfo.Pinned", NULL};
static const char *const show_suspend[] = {"ItemPath", "SuspendInfo.Suspended",
                                           "SuspendInfo.SuspendedRoot", NULL};

static const guest_call_t script[] = {
    {GET_OBJECT, u"Win32_OfflineFilesCache", u"@", NULL, 0, NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Enable", ARGS(enable_args), NULL, 0},
    /* From here on the guest's user is an administrator (see main). */
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Enable", ARGS(disable_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Enable", ARGS(enable_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Pin", ARGS(pin_args), NULL, 0},
    {EXEC_QUERY, u"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0", NULL, NULL, 0,
     show_path, 0},
    {GET_OBJECT, u"Win32_OfflineFilesItem", u"\\\\srv\\share\\docs\\b.txt", NULL, 0, show_item, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache=@", u"Unpin", ARGS(unpin_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Pin", ARGS(pin_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Unpin", ARGS(unpin_docs_args), NULL, 3},
    {EXEC_QUERY, u"SELECT * FROM Win32_OfflineFilesItem WHERE PinInfo = 1", NULL, NULL, 0, NULL, 0},
    {EXEC_QUERY, u"select * from win32_offlinefilesitem where ItemName = 'B.TXT'", NULL, NULL, 0,
     show_path, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"SuspendRoot", ARGS(suspend_args), NULL, 0},
    {GET_OBJECT, u"Win32_OfflineFilesItem", u"\\\\srv\\share\\docs\\b.txt", NULL, 0, show_suspend,
     0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"TransitionOffline", ARGS(offline_args), NULL, 0},
    {GET_OBJECT, u"Win32_OfflineFilesItem", u"\\\\srv\\share\\a.txt", NULL, 0, show_item, 0},
    {GET_OBJECT, u"Win32_OfflineFilesItem", u"\\\\srv\\share\\\xD800x.txt", NULL, 0, NULL, 0},
    {GET_OBJECT, u"Win32_OfflineFilesItem", u"\\\\srv\\share\\missing", NULL, 0, NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesItem", u"Pin", ARGS(pin_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Defragment", NULL, 0, NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Pin", ARGS(bad_type_args), NULL, 0},
    {EXEC_METHOD, u"Win32_OfflineFilesCache", u"Unpin", ARGS(bad_name_args), NULL, 0},
    {EXEC_METHOD, u"Win32_Share", u"Create", NULL, 0, NULL, 0},
    {EXEC_QUERY, u"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0 OR ItemType = 1", NULL,
     NULL, 0, NULL, 0},
};

/* ---- the dispatcher ---- */

typedef struct receiver {
    unsigned cancel_after;
} receiver_t;

/* SWbemSink.OnProgress: prints the event; cancels when told to. */
static bool on_progress(void *ud, uint32_t upper_bound, uint32_t current, const wchar16 *message)
{
    receiver_t *r = ud;
    printf("  OnProgress(%u, %u, \"", (unsigned)upper_bound, (unsigned)current);
    put_utf16(message);
    printf("\")\n");
    if (r->cancel_after != 0 && current == r->cancel_after) {
        printf("  (the receiver cancels)\n");
        return false;
    }
    return true;
}

static void dispatch(csc_cache_t *cache, const guest_call_t *c)
{
    csc_hresult hr;
    switch (c->verb) {
    case GET_OBJECT: {
        printf("GetObject ");
        put_utf16(c->target);
        printf(" [");
        put_utf16(c->name);
        printf("]\n");
        csc_wmi_object_t *obj = NULL;
        hr = csc_wmi_get_instance_w(cache, c->target, c->name, &obj);
        put_status(hr);
        if (obj != NULL) {
            if (c->show != NULL)
                put_selected(obj, c->show, 4);
            else
                put_object(obj, 4);
        }
        csc_wmi_object_free(obj);
        break;
    }
    case EXEC_QUERY: {
        printf("ExecQuery \"");
        put_utf16(c->target);
        printf("\"\n");
        csc_wmi_objects_t *set = NULL;
        hr = csc_wmi_exec_query_w(cache, c->target, &set);
        put_status(hr);
        for (size_t i = 0; i < csc_wmi_objects_count(set); i++) {
            printf("  [%zu]\n", i);
            put_selected(csc_wmi_objects_at(set, i), c->show != NULL ? c->show : show_path, 4);
        }
        csc_wmi_objects_free(set);
        break;
    }
    case EXEC_METHOD: {
        printf("ExecMethod ");
        put_utf16(c->target);
        putchar('.');
        put_utf16(c->name);
        putchar('(');
        put_args(c->args, c->nargs);
        printf(")\n");
        receiver_t r = {c->cancel_after};
        csc_wmi_object_t *out = NULL;
        hr = csc_wmi_exec_method_w(cache, c->target, c->name, c->args, c->nargs, on_progress, &r,
                                   &out);
        put_status(hr);
        if (out != NULL)
            put_object(out, 4);
        const csc_wmi_value_t *ret;
        if (out != NULL && csc_wmi_object_get(out, "ReturnValue", &ret) == CSC_S_OK &&
            ret->u.uint32 != 0)
            printf("    (%s)\n", csc_win32_message(ret->u.uint32) != NULL
                                     ? csc_win32_message(ret->u.uint32)
                                     : csc_hresult_message(CSC_HR(ret->u.uint32)));
        csc_wmi_object_free(out);
        break;
    }
    }
}

int main(void)
{
    csc_cache_t *cache = NULL;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        return 1;
    /* The machine the guest sees: one share with three files, one dirty. */
    csc_item_t *b = NULL;
    if (csc_cache_file(cache, "\\\\srv\\share\\a.txt", true, 10, NULL) != CSC_S_OK ||
        csc_cache_file(cache, "\\\\srv\\share\\docs\\b.txt", true, 20, &b) != CSC_S_OK ||
        csc_cache_file(cache, "\\\\srv\\share\\\xED\xA0\x80x.txt", true, 5, NULL) != CSC_S_OK ||
        csc_item_modify(cache, b, 7) != CSC_S_OK)
        return 1;
    size_t n = sizeof script / sizeof script[0];
    for (size_t i = 0; i < n; i++) {
        if (i == 2) /* the guest's user is an administrator from here on */
            csc_cache_set_caller(cache, "user", true);
        dispatch(cache, &script[i]);
    }
    csc_cache_free(cache);
    return 0;
}
