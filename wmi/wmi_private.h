/*
 * wmi/wmi_private.h: what the files of the WMI face share: the object
 * representation (a class name and properties in the class's order), the
 * builders that fill it, the class tables (names and CIM types, the
 * provider's schema as data/offlinefiles.mof declares it), and name
 * comparison as WMI does it (ASCII case ignored).
 */
#ifndef CSC_WMI_PRIVATE_H
#define CSC_WMI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim.h"
#include "cscsim/wmi.h"

/* WBEM_E_OUT_OF_MEMORY. */
#define WMI_E_OUT_OF_MEMORY CSC_HR(0x80041006u)

typedef struct wmi_prop {
    const char *name; /* static: the class table's */
    csc_wmi_value_t value;
} wmi_prop_t;

struct csc_wmi_object {
    const char *class_name; /* static */
    size_t count, cap;
    wmi_prop_t *props;
    bool failed; /* an add found no memory: the object is incomplete */
};

struct csc_wmi_objects {
    size_t count, cap;
    csc_wmi_object_t **items;
};

/* ---- names ---- */
bool wmi_name_eq(const char *a, const char *b);

/* ---- objects (object.c) ---- */
/* A new object with room for `cap` properties; NULL when out of memory. */
csc_wmi_object_t *wmi_obj_new(const char *class_name, size_t cap);
/* Each add copies what it is given (a string) or takes it (an object, also
 * when the add fails); a failure marks the object failed. */
void wmi_obj_null(csc_wmi_object_t *o, const char *name);
void wmi_obj_bool(csc_wmi_object_t *o, const char *name, bool v);
void wmi_obj_u32(csc_wmi_object_t *o, const char *name, uint32_t v);
void wmi_obj_s64(csc_wmi_object_t *o, const char *name, int64_t v);
void wmi_obj_str(csc_wmi_object_t *o, const char *name, const char *v);
void wmi_obj_obj(csc_wmi_object_t *o, const char *name, csc_wmi_object_t *v);
/* Frees a failed object and returns NULL; returns a complete one. */
csc_wmi_object_t *wmi_obj_done(csc_wmi_object_t *o);

csc_wmi_objects_t *wmi_set_new(void);
bool wmi_set_add(csc_wmi_objects_t *set, csc_wmi_object_t *o);

/* ---- classes (classes.c) ---- */
typedef struct wmi_prop_def {
    const char *name;
    csc_wmi_type_t type;
    const char *embedded; /* the class of an embedded object, else NULL */
} wmi_prop_def_t;

typedef struct wmi_class_def {
    const char *name;
    const wmi_prop_def_t *props;
    size_t nprops;
    bool has_methods; /* Win32_OfflineFilesCache */
    bool instances;   /* has instances of its own (not only embedded) */
} wmi_class_def_t;

/* The class named `name`, or NULL. */
const wmi_class_def_t *wmi_class_find(const char *name);
extern const char WMI_CLASS_CACHE[];

#endif
