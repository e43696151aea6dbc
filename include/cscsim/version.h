/*
 * cscsim/version.h: the library's version, at compile time and at run time.
 */
#ifndef CSCSIM_VERSION_H
#define CSCSIM_VERSION_H

#include "cscsim/export.h"

#define CSC_VERSION_MAJOR 0
#define CSC_VERSION_MINOR 1
#define CSC_VERSION_PATCH 0
#define CSC_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually linked, e.g. "0.1.0". */
CSC_API const char *csc_version(void);

#ifdef __cplusplus
}
#endif

#endif
