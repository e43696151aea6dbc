/*
 * examples/wmi_unpin.c: the entry point for emulators and WMI providers.
 * Win32_OfflineFilesCache.Unpin(Paths[], Flags, Deep) arrives as an array of
 * strings, a uint32 and a boolean; csc_wmi_unpin returns the uint32 the
 * method returns (C4.8) and hands each progress event over as the WMI string
 * a client's OnProgress receives. Try: wmi_unpin 0x20 1 '\\srv\share\a.txt'
 * With CSCSIM_RECORD=FILE in the environment it records its calls into FILE
 * as a scenario (cscsim/record.h) that `cscsim run FILE` replays.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cscsim.h>

static void on_progress(void *user_data, const char *message)
{
    (void)user_data;
    printf("OnProgress: %s\n", message);
}

int main(int argc, char **argv)
{
    csc_cache_t *cache = NULL;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        return 1;
    const char *record = getenv("CSCSIM_RECORD");
    if (record != NULL && csc_cache_record_start_file(cache, record, NULL) != CSC_S_OK)
        return 1;
    csc_cache_file(cache, "\\\\srv\\share\\a.txt", true, 10, NULL);
    csc_cache_file(cache, "\\\\srv\\share\\docs\\b.txt", true, 20, NULL);
    const char *all[] = {"\\\\srv\\share"};
    csc_wmi_pin(cache, all, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);

    /* The method's parameters, as a provider receives them. */
    uint32_t flags = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : CSC_PIN_FLAG_FOR_USER;
    bool deep = argc > 2 ? atoi(argv[2]) != 0 : true;
    const char *default_paths[] = {"\\\\srv\\share\\docs", "\\\\srv\\share\\missing.txt"};
    const char *const *paths = argc > 3 ? (const char *const *)&argv[3] : default_paths;
    size_t count = argc > 3 ? (size_t)(argc - 3) : 2;

    uint32_t ret = csc_wmi_unpin(cache, paths, count, flags, deep, on_progress, NULL);
    const char *name = csc_win32_name(ret);
    printf("ReturnValue: %u%s%s\n", ret, name != NULL ? " " : "", name != NULL ? name : "");
    int status = 0;
    if (record != NULL && csc_cache_record_stop(cache) != CSC_S_OK)
        status = 1;
    csc_cache_free(cache);
    return status;
}
