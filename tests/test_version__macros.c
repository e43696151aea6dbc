/*
 * tests/test_version__macros.c: the version macros of <cscsim/version.h>
 * against meson.build, the one source of truth (issue 12, point 8). The build
 * passes meson's project version as CSC_TEST_PROJECT_VERSION and the
 * soversion it gave the shared library as CSC_TEST_SOVERSION: the header's
 * MAJOR/MINOR/PATCH and string must match the first, the soname policy
 * stated in version.h must give the second. Also checked: the 0xMMmmpp
 * form, CSCSIM_VERSION_CHECK on both sides of the current version, its use
 * in #if, the run-time csc_version / csc_version_number, and the older
 * CSC_VERSION_* names.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#ifndef CSC_TEST_PROJECT_VERSION
#error "the build passes CSC_TEST_PROJECT_VERSION (meson.project_version())"
#endif
#ifndef CSC_TEST_SOVERSION
#error "the build passes CSC_TEST_SOVERSION (the library's soversion)"
#endif

/* The check macro works in the preprocessor. */
#if !CSCSIM_VERSION_CHECK(0, 0, 0)
#error "CSCSIM_VERSION_CHECK(0, 0, 0) is false in #if"
#endif
#if CSCSIM_VERSION_CHECK(255, 0, 0)
#error "CSCSIM_VERSION_CHECK(255, 0, 0) is true in #if"
#endif

static void test_header_matches_meson_project_version(void **state)
{
    (void)state;
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", CSCSIM_VERSION_MAJOR, CSCSIM_VERSION_MINOR,
             CSCSIM_VERSION_PATCH);
    assert_string_equal(buf, CSC_TEST_PROJECT_VERSION);
    assert_string_equal(CSCSIM_VERSION_STRING, CSC_TEST_PROJECT_VERSION);
}

static void test_hex_form_is_one_byte_each(void **state)
{
    (void)state;
    assert_in_range(CSCSIM_VERSION_MAJOR, 0, 255);
    assert_in_range(CSCSIM_VERSION_MINOR, 0, 255);
    assert_in_range(CSCSIM_VERSION_PATCH, 0, 255);
    assert_int_equal(CSCSIM_VERSION_HEX, ((unsigned long)CSCSIM_VERSION_MAJOR << 16) |
                                             ((unsigned long)CSCSIM_VERSION_MINOR << 8) |
                                             (unsigned long)CSCSIM_VERSION_PATCH);
    assert_int_equal(CSCSIM_VERSION_ENCODE(1, 2, 3), 0x010203);
    assert_int_equal(CSCSIM_VERSION_ENCODE(0, 1, 0), 0x000100);
    assert_true(CSCSIM_VERSION_ENCODE(0, 2, 0) > CSCSIM_VERSION_ENCODE(0, 1, 255));
    assert_true(CSCSIM_VERSION_ENCODE(1, 0, 0) > CSCSIM_VERSION_ENCODE(0, 255, 255));
}

static void test_check_macro_is_at_least(void **state)
{
    (void)state;
    const int ma = CSCSIM_VERSION_MAJOR, mi = CSCSIM_VERSION_MINOR, pa = CSCSIM_VERSION_PATCH;
    assert_true(CSCSIM_VERSION_CHECK(ma, mi, pa));
    assert_true(CSCSIM_VERSION_CHECK(0, 0, 0));
    assert_false(CSCSIM_VERSION_CHECK(ma, mi, pa + 1));
    assert_false(CSCSIM_VERSION_CHECK(ma, mi + 1, 0));
    assert_false(CSCSIM_VERSION_CHECK(ma + 1, 0, 0));
#if CSCSIM_VERSION_PATCH > 0
    assert_true(CSCSIM_VERSION_CHECK(ma, mi, pa - 1));
#endif
#if CSCSIM_VERSION_MINOR > 0
    assert_true(CSCSIM_VERSION_CHECK(ma, mi - 1, 255));
#endif
#if CSCSIM_VERSION_MAJOR > 0
    assert_true(CSCSIM_VERSION_CHECK(ma - 1, 255, 255));
#endif
}

static void test_run_time_version_is_the_headers(void **state)
{
    (void)state;
    assert_non_null(csc_version());
    assert_string_equal(csc_version(), CSCSIM_VERSION_STRING);
    assert_int_equal(csc_version_number(), CSCSIM_VERSION_HEX);
}

static void test_old_names_kept(void **state)
{
    (void)state;
    assert_int_equal(CSC_VERSION_MAJOR, CSCSIM_VERSION_MAJOR);
    assert_int_equal(CSC_VERSION_MINOR, CSCSIM_VERSION_MINOR);
    assert_int_equal(CSC_VERSION_PATCH, CSCSIM_VERSION_PATCH);
    assert_string_equal(CSC_VERSION_STRING, CSCSIM_VERSION_STRING);
}

/* version.h: while MAJOR is 0 the soname changes with MINOR (0.MINOR); from
 * 1.0 on it is MAJOR. */
static void test_soversion_follows_the_stated_policy(void **state)
{
    (void)state;
    char want[32];
    if (CSCSIM_VERSION_MAJOR == 0)
        snprintf(want, sizeof want, "0.%d", CSCSIM_VERSION_MINOR);
    else
        snprintf(want, sizeof want, "%d", CSCSIM_VERSION_MAJOR);
    assert_string_equal(CSC_TEST_SOVERSION, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_matches_meson_project_version),
        cmocka_unit_test(test_hex_form_is_one_byte_each),
        cmocka_unit_test(test_check_macro_is_at_least),
        cmocka_unit_test(test_run_time_version_is_the_headers),
        cmocka_unit_test(test_old_names_kept),
        cmocka_unit_test(test_soversion_follows_the_stated_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
