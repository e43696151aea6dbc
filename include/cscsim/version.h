/*
 * cscsim/version.h: the library's version, at compile time (the macros: the
 * headers you compile against) and at run time (csc_version,
 * csc_version_number: the library actually linked). The version is
 * MAJOR.MINOR.PATCH; meson.build's project version is the one source of
 * truth and the unit test test_version__macros fails when these macros
 * disagree with it.
 *
 * ABI policy (the shared library's soname, meson `soversion`):
 * - while MAJOR is 0, every MINOR release may change the ABI and changes the
 *   soname: 0.1.x is libcscsim.so.0.1, 0.2.x is libcscsim.so.0.2. A PATCH
 *   release keeps the ABI (same soname, no function added or changed);
 * - from 1.0 on, the soname is libcscsim.so.MAJOR: a MINOR release only adds
 *   (functions, flags, fields at the end of structures that carry a version
 *   or size field), a MAJOR release may remove or change.
 * A program built against version X runs with a library of the same soname
 * whose csc_version_number() is >= X.
 */
#ifndef CSCSIM_VERSION_H
#define CSCSIM_VERSION_H

#include <stdint.h>

#include "cscsim/export.h"

#define CSCSIM_VERSION_MAJOR 0
#define CSCSIM_VERSION_MINOR 1
#define CSCSIM_VERSION_PATCH 0
#define CSCSIM_VERSION_STRING "0.1.0"

/*
 * A version as one number, 0xMMmmpp: one byte each for major, minor and
 * patch (each 0..255), so versions compare as numbers and the value can be
 * used in #if. 0.1.0 is 0x000100; 1.2.3 would be 0x010203.
 */
#define CSCSIM_VERSION_ENCODE(major, minor, patch) \
    (((major) << 16) | ((minor) << 8) | (patch))
#define CSCSIM_VERSION_HEX \
    CSCSIM_VERSION_ENCODE(CSCSIM_VERSION_MAJOR, CSCSIM_VERSION_MINOR, CSCSIM_VERSION_PATCH)

/*
 * True (1) when the headers are at least version major.minor.patch, e.g.
 *   #if CSCSIM_VERSION_CHECK(0, 2, 0)
 *   ... use something 0.2 added ...
 *   #endif
 */
#define CSCSIM_VERSION_CHECK(major, minor, patch) \
    (CSCSIM_VERSION_HEX >= CSCSIM_VERSION_ENCODE(major, minor, patch))

/* The earlier names, kept: the same values. */
#define CSC_VERSION_MAJOR CSCSIM_VERSION_MAJOR
#define CSC_VERSION_MINOR CSCSIM_VERSION_MINOR
#define CSC_VERSION_PATCH CSCSIM_VERSION_PATCH
#define CSC_VERSION_STRING CSCSIM_VERSION_STRING

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually linked, e.g. "0.1.0". Never NULL. */
CSC_API const char *csc_version(void);

/*
 * The version of the library actually linked, in the CSCSIM_VERSION_HEX
 * form; compare it with CSCSIM_VERSION_HEX (the headers compiled against)
 * or with CSCSIM_VERSION_ENCODE(...) to check the library at run time.
 */
CSC_API uint32_t csc_version_number(void);

#ifdef __cplusplus
}
#endif

#endif
