/*
 * tests/header_hygiene_com.c: compiled with -std=c11 -pedantic -Werror,
 * <cscsim/cscobj.h> must stand alone (it is not part of <cscsim.h>).
 * Running it checks that an IID has Windows' value and that a vtable slot
 * sits where windows-api-facts.md puts it.
 */
#include <cscsim/cscobj.h>

#include <stddef.h>

int main(void)
{
    return IID_IOfflineFilesCache.Data1 == 0x855D6203u &&
                   offsetof(IOfflineFilesCacheVtbl, Synchronize) == 3 * sizeof(void *)
               ? 0
               : 1;
}
