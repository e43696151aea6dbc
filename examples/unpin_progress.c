/*
 * examples/unpin_progress.c: a deep Unpin with a progress sink that prints
 * every event in its WMI form ("Reason:Result:ResultText:Path", C6.2), as a
 * WMI client's SWbemSink.OnProgress would see it. Builds a small cache,
 * pins it for the user and the computer, makes one file dirty, then unpins
 * the user's pins and shows what stayed. With CSCSIM_RECORD=FILE in the
 * environment it records its calls into FILE as a scenario (cscsim/record.h)
 * that `cscsim run FILE` replays.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cscsim.h>

static void print_event(const csc_event_t *ev)
{
    char line[1024];
    size_t n = csc_event_format_wmi(ev, line, sizeof line);
    printf("  %s%s\n", line, n >= sizeof line ? "..." : "");
}

static void on_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ud;
    (void)abort;
    print_event(ev);
}

static csc_op_response_t on_item(void *ud, const csc_event_t *ev)
{
    (void)ud;
    print_event(ev);
    return CSC_OP_CONTINUE;
}

static void on_end(void *ud, const csc_event_t *ev)
{
    (void)ud;
    print_event(ev);
}

static void check(csc_hresult hr, const char *what)
{
    if (CSC_FAILED(hr)) {
        fprintf(stderr, "%s: 0x%08X %s\n", what, (unsigned)hr, csc_hresult_message(hr));
        exit(1);
    }
}

int main(void)
{
    csc_cache_t *cache = NULL;
    check(csc_cache_new(&cache, NULL), "csc_cache_new");
    const char *record = getenv("CSCSIM_RECORD");
    if (record != NULL)
        check(csc_cache_record_start_file(cache, record, NULL), "csc_cache_record_start_file");
    check(csc_cache_file(cache, "\\\\fs1\\projects\\plan\\budget.xlsx", true, 4096, NULL), "file");
    check(csc_cache_file(cache, "\\\\fs1\\projects\\plan\\notes.txt", true, 300, NULL), "file");
    check(csc_cache_file(cache, "\\\\fs1\\projects\\plan\\2026\\q1.txt", true, 120, NULL), "file");

    const char *plan[] = {"\\\\fs1\\projects\\plan"};
    check(csc_pin(cache, plan, 1, CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL, true, NULL, NULL),
          "pin");
    csc_item_t *budget = NULL;
    check(csc_cache_find(cache, "\\\\FS1\\Projects\\Plan\\Budget.xlsx", &budget), "find");
    check(csc_item_modify(cache, budget, 512), "modify");

    csc_progress_t sink = {CSC_PROGRESS_VERSION, NULL, on_begin, NULL, on_item, on_item, on_end};
    printf("Unpin(%s, ForUser, Deep=TRUE):\n", plan[0]);
    csc_hresult hr = csc_unpin(cache, plan, 1, CSC_PIN_FLAG_FOR_USER, true, &sink, NULL);
    printf("returned 0x%08X (WMI %u)\n", (unsigned)hr, csc_hresult_to_wmi(hr));

    char path[256];
    csc_item_path(budget, path, sizeof path);
    printf("%s: pinned for computer: %s, dirty: %s (%llu bytes), evictable: %s\n", path,
           csc_item_pin_wmi(budget, CSC_PIN_SOURCE_COMPUTER) ? "yes" : "no",
           csc_item_is_dirty(budget) ? "yes" : "no",
           (unsigned long long)csc_item_dirty_bytes(budget),
           csc_item_is_evictable(budget) ? "yes" : "no");
    if (record != NULL)
        check(csc_cache_record_stop(cache), "csc_cache_record_stop");
    csc_cache_free(cache);
    return 0;
}
