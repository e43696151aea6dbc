/*
 * tests/wmi/wmi_test.h: helpers shared by the WMI face's tests, written on
 * the public API only (cscsim.h, cscsim/wmi.h): a cache with a small tree,
 * typed-value shorthands, property reads that assert their type, and the
 * cache as text, to show that a refused call changed nothing.
 */
#ifndef CSC_WMI_TEST_H
#define CSC_WMI_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cscsim.h>
#include <cscsim/wmi.h>

#define SRV "\\\\srv"
#define SH SRV "\\share"

static inline csc_wmi_value_t v_bool(bool b)
{
    csc_wmi_value_t v = {CSC_WMI_BOOLEAN, {.boolean = b}};
    return v;
}

static inline csc_wmi_value_t v_u32(uint32_t x)
{
    csc_wmi_value_t v = {CSC_WMI_UINT32, {.uint32 = x}};
    return v;
}

static inline csc_wmi_value_t v_s64(int64_t x)
{
    csc_wmi_value_t v = {CSC_WMI_SINT64, {.sint64 = x}};
    return v;
}

static inline csc_wmi_value_t v_str(const char *s)
{
    csc_wmi_value_t v = {CSC_WMI_STRING, {.string = s}};
    return v;
}

static inline csc_wmi_value_t v_paths(const char *const *items, size_t count)
{
    csc_wmi_value_t v = {CSC_WMI_STRING_ARRAY, {.strings = {items, count}}};
    return v;
}

static inline csc_wmi_value_t v_null(void)
{
    csc_wmi_value_t v = {CSC_WMI_NULL, {.boolean = false}};
    return v;
}

/* A cache (caller "user", administrator) holding
 * \\srv\share\a.txt (10), \\srv\share\docs\b.txt (20, 7 dirty bytes). */
static inline csc_cache_t *wt_cache(void)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "user", true), CSC_S_OK);
    csc_item_t *b = NULL;
    assert_int_equal(csc_cache_file(cache, SH "\\a.txt", true, 10, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_file(cache, SH "\\docs\\b.txt", true, 20, &b), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, b, 7), CSC_S_OK);
    return cache;
}

static inline char *wt_dump(csc_cache_t *cache)
{
    char *s = NULL;
    assert_int_equal(csc_cache_dump_string(&s, NULL, cache, NULL, CSC_DUMP_SCENARIO), CSC_S_OK);
    return s;
}

static inline void wt_same(csc_cache_t *cache, char *before)
{
    char *after = wt_dump(cache);
    assert_string_equal(before, after);
    csc_dump_free(after);
    csc_dump_free(before);
}

static inline const csc_wmi_value_t *wt_get(const csc_wmi_object_t *o, const char *name,
                                            csc_wmi_type_t type)
{
    const csc_wmi_value_t *v = NULL;
    assert_int_equal(csc_wmi_object_get(o, name, &v), CSC_S_OK);
    assert_non_null(v);
    assert_int_equal(v->type, type);
    return v;
}

static inline bool wt_bool(const csc_wmi_object_t *o, const char *name)
{
    return wt_get(o, name, CSC_WMI_BOOLEAN)->u.boolean;
}

static inline uint32_t wt_u32(const csc_wmi_object_t *o, const char *name)
{
    return wt_get(o, name, CSC_WMI_UINT32)->u.uint32;
}

static inline int64_t wt_s64(const csc_wmi_object_t *o, const char *name)
{
    return wt_get(o, name, CSC_WMI_SINT64)->u.sint64;
}

static inline const char *wt_str(const csc_wmi_object_t *o, const char *name)
{
    return wt_get(o, name, CSC_WMI_STRING)->u.string;
}

static inline csc_wmi_object_t *wt_item(csc_cache_t *cache, const char *path)
{
    csc_wmi_object_t *o = NULL;
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", path, &o), CSC_S_OK);
    assert_non_null(o);
    return o;
}

#endif
