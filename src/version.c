/*
 * src/version.c: the run-time version of the library (the string and the
 * 0xMMmmpp number of cscsim/version.h), as built into the shared object.
 */
#include "cscsim/version.h"

const char *csc_version(void)
{
    return CSCSIM_VERSION_STRING;
}

uint32_t csc_version_number(void)
{
    return (uint32_t)CSCSIM_VERSION_HEX;
}
