/*
 * src/version.c: the run-time version string of the library.
 */
#include "cscsim/version.h"

const char *csc_version(void)
{
    return CSC_VERSION_STRING;
}
