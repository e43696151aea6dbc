/*
 * wmi/object.c: the WMI face's objects and object sets (cscsim/wmi.h): a
 * class name with typed properties in the class's order, embedded objects
 * owned by their parent, lookup by name (dotted names reach into embedded
 * objects, C16.1: through a NULL one, a NULL value), and the builders the
 * classes fill them with.
 */
#include <stdlib.h>
#include <string.h>

#include "wmi_private.h"

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The first n bytes of a and b agree, ignoring ASCII case. */
static bool name_eqn(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return false;
    return true;
}

bool wmi_name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == 0)
            return true;
    }
}

csc_wmi_object_t *wmi_obj_new(const char *class_name, size_t cap)
{
    csc_wmi_object_t *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->props = calloc(cap != 0 ? cap : 1, sizeof *o->props);
    if (o->props == NULL) {
        free(o);
        return NULL;
    }
    o->class_name = class_name;
    o->cap = cap;
    return o;
}

static csc_wmi_value_t *slot(csc_wmi_object_t *o, const char *name)
{
    if (o->failed || o->count == o->cap) {
        o->failed = true;
        return NULL;
    }
    wmi_prop_t *p = &o->props[o->count++];
    p->name = name;
    p->value.type = CSC_WMI_NULL;
    return &p->value;
}

void wmi_obj_null(csc_wmi_object_t *o, const char *name)
{
    (void)slot(o, name);
}

void wmi_obj_bool(csc_wmi_object_t *o, const char *name, bool v)
{
    csc_wmi_value_t *s = slot(o, name);
    if (s != NULL) {
        s->type = CSC_WMI_BOOLEAN;
        s->u.boolean = v;
    }
}

void wmi_obj_u32(csc_wmi_object_t *o, const char *name, uint32_t v)
{
    csc_wmi_value_t *s = slot(o, name);
    if (s != NULL) {
        s->type = CSC_WMI_UINT32;
        s->u.uint32 = v;
    }
}

void wmi_obj_s64(csc_wmi_object_t *o, const char *name, int64_t v)
{
    csc_wmi_value_t *s = slot(o, name);
    if (s != NULL) {
        s->type = CSC_WMI_SINT64;
        s->u.sint64 = v;
    }
}

void wmi_obj_str(csc_wmi_object_t *o, const char *name, const char *v)
{
    csc_wmi_value_t *s = slot(o, name);
    if (s == NULL)
        return;
    size_t n = strlen(v);
    char *copy = malloc(n + 1);
    if (copy == NULL) {
        o->failed = true;
        return; /* the slot stays NULL-typed: freeing it frees nothing */
    }
    memcpy(copy, v, n + 1);
    s->type = CSC_WMI_STRING;
    s->u.string = copy;
}

void wmi_obj_obj(csc_wmi_object_t *o, const char *name, csc_wmi_object_t *v)
{
    if (v == NULL) { /* the embedded object found no memory */
        o->failed = true;
        return;
    }
    csc_wmi_value_t *s = slot(o, name);
    if (s == NULL) {
        csc_wmi_object_free(v);
        return;
    }
    s->type = CSC_WMI_OBJECT;
    s->u.object = v;
}

csc_wmi_object_t *wmi_obj_done(csc_wmi_object_t *o)
{
    if (o != NULL && o->failed) {
        csc_wmi_object_free(o);
        return NULL;
    }
    return o;
}

void csc_wmi_object_free(csc_wmi_object_t *obj)
{
    if (obj == NULL)
        return;
    for (size_t i = 0; i < obj->count; i++) {
        csc_wmi_value_t *v = &obj->props[i].value;
        if (v->type == CSC_WMI_STRING)
            free((char *)v->u.string);
        else if (v->type == CSC_WMI_OBJECT)
            csc_wmi_object_free((csc_wmi_object_t *)v->u.object);
    }
    free(obj->props);
    free(obj);
}

const char *csc_wmi_object_class(const csc_wmi_object_t *obj)
{
    return obj != NULL ? obj->class_name : NULL;
}

size_t csc_wmi_object_property_count(const csc_wmi_object_t *obj)
{
    return obj != NULL ? obj->count : 0;
}

csc_hresult csc_wmi_object_property_at(const csc_wmi_object_t *obj, size_t index,
                                       const char **name, const csc_wmi_value_t **value)
{
    if (obj == NULL)
        return CSC_WBEM_E_INVALID_PARAMETER;
    if (index >= obj->count)
        return CSC_WBEM_E_NOT_FOUND;
    if (name != NULL)
        *name = obj->props[index].name;
    if (value != NULL)
        *value = &obj->props[index].value;
    return CSC_S_OK;
}

static const csc_wmi_value_t null_value = {CSC_WMI_NULL, {false}};

csc_hresult csc_wmi_object_get(const csc_wmi_object_t *obj, const char *name,
                               const csc_wmi_value_t **value)
{
    if (value != NULL)
        *value = NULL;
    if (obj == NULL || name == NULL || value == NULL)
        return CSC_WBEM_E_INVALID_PARAMETER;
    const char *dot = strchr(name, '.');
    size_t len = dot != NULL ? (size_t)(dot - name) : strlen(name);
    for (size_t i = 0; i < obj->count; i++) {
        const char *pn = obj->props[i].name;
        if (strlen(pn) != len || !name_eqn(pn, name, len))
            continue;
        const csc_wmi_value_t *v = &obj->props[i].value;
        if (dot == NULL) {
            *value = v;
            return CSC_S_OK;
        }
        if (v->type == CSC_WMI_OBJECT)
            return csc_wmi_object_get(v->u.object, dot + 1, value);
        if (v->type == CSC_WMI_NULL) {
            /* An embedded object that does not apply (C16.1): the property
             * exists in its class, its value is NULL. */
            const wmi_class_def_t *c = wmi_class_find(obj->class_name);
            for (size_t p = 0; c != NULL && p < c->nprops; p++) {
                if (c->props[p].embedded == NULL || !wmi_name_eq(c->props[p].name, pn))
                    continue;
                const wmi_class_def_t *e = wmi_class_find(c->props[p].embedded);
                for (size_t q = 0; e != NULL && q < e->nprops; q++)
                    if (wmi_name_eq(e->props[q].name, dot + 1)) {
                        *value = &null_value;
                        return CSC_S_OK;
                    }
            }
        }
        return CSC_WBEM_E_NOT_FOUND;
    }
    return CSC_WBEM_E_NOT_FOUND;
}

csc_wmi_objects_t *wmi_set_new(void)
{
    return calloc(1, sizeof(csc_wmi_objects_t));
}

bool wmi_set_add(csc_wmi_objects_t *set, csc_wmi_object_t *o)
{
    if (o == NULL)
        return false;
    if (set->count == set->cap) {
        size_t cap = set->cap != 0 ? set->cap * 2 : 16;
        csc_wmi_object_t **items = realloc(set->items, cap * sizeof *items);
        if (items == NULL) {
            csc_wmi_object_free(o);
            return false;
        }
        set->items = items;
        set->cap = cap;
    }
    set->items[set->count++] = o;
    return true;
}

size_t csc_wmi_objects_count(const csc_wmi_objects_t *set)
{
    return set != NULL ? set->count : 0;
}

const csc_wmi_object_t *csc_wmi_objects_at(const csc_wmi_objects_t *set, size_t index)
{
    return set != NULL && index < set->count ? set->items[index] : NULL;
}

void csc_wmi_objects_free(csc_wmi_objects_t *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->count; i++)
        csc_wmi_object_free(set->items[i]);
    free(set->items);
    free(set);
}
