/*
 * tests/install/faces_client.c: an outside user of the cscapi and WMI faces
 * (cscsim/cscapi.h with libcscapi, cscsim/wmi.h with libcscsim-wmi), built
 * by check_install.sh from the installed headers and
 * `pkg-config --cflags --libs cscapi cscsim-wmi` only, strict C11. Binds a
 * cache for the cscapi exports, queries and enables the feature, pins
 * through Win32_OfflineFilesCache.Pin by name and reads the result back
 * with a WQL query. Prints "faces: ok" when every answer is as expected.
 */
#include <stdio.h>

#include <cscsim.h>
#include <cscsim/cscapi.h>
#include <cscsim/wmi.h>

#define EXPECT(cond)                                                   \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "faces_client: failed: %s\n", #cond);      \
            return 1;                                                  \
        }                                                              \
    } while (0)

int main(void)
{
    csc_cache_t *cache = NULL;
    EXPECT(csc_cache_new(&cache, NULL) == CSC_S_OK);
    EXPECT(OfflineFilesStart() == 1060); /* nothing bound */
    csc_cscapi_bind(cache);
    BOOL active = 0, enabled = 0, available = 0, reboot = 1;
    EXPECT(OfflineFilesQueryStatusEx(&active, &enabled, &available) == 0);
    EXPECT(active && enabled && available);
    EXPECT(OfflineFilesEnable(0, &reboot) == 5); /* not an administrator */
    EXPECT(csc_cache_set_caller(cache, "admin", 1) == CSC_S_OK);
    EXPECT(OfflineFilesEnable(1, &reboot) == 0 && !reboot);
    printf("cscapi: Active %d Enabled %d Available %d\n", (int)active, (int)enabled,
           (int)available);

    EXPECT(csc_cache_file(cache, "\\\\srv\\share\\a.txt", 1, 10, NULL) == CSC_S_OK);
    const char *paths[] = {"\\\\srv\\share"};
    csc_wmi_arg_t args[3];
    args[0].name = "Paths";
    args[0].value.type = CSC_WMI_STRING_ARRAY;
    args[0].value.u.strings.items = paths;
    args[0].value.u.strings.count = 1;
    args[1].name = "Flags";
    args[1].value.type = CSC_WMI_UINT32;
    args[1].value.u.uint32 = 0x20;
    args[2].name = "Deep";
    args[2].value.type = CSC_WMI_BOOLEAN;
    args[2].value.u.boolean = 1;
    csc_wmi_object_t *out = NULL;
    EXPECT(csc_wmi_exec_method(cache, "Win32_OfflineFilesCache", "Pin", args, 3, NULL, NULL,
                               &out) == CSC_S_OK);
    const csc_wmi_value_t *ret = NULL;
    EXPECT(csc_wmi_object_get(out, "ReturnValue", &ret) == CSC_S_OK && ret->u.uint32 == 0);
    csc_wmi_object_free(out);
    csc_wmi_objects_t *set = NULL;
    EXPECT(csc_wmi_exec_query(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0",
                              &set) == CSC_S_OK);
    EXPECT(csc_wmi_objects_count(set) == 1);
    const csc_wmi_value_t *pinned = NULL;
    EXPECT(csc_wmi_object_get(csc_wmi_objects_at(set, 0), "PinInfo.PinnedForUser", &pinned) ==
           CSC_S_OK);
    printf("wmi: a.txt PinnedForUser %u\n", (unsigned)pinned->u.uint32);
    EXPECT(pinned->u.uint32 == 1);
    csc_wmi_objects_free(set);
    csc_cscapi_bind(NULL);
    csc_cache_free(cache);
    printf("faces: ok\n");
    return 0;
}
