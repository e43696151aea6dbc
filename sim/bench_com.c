/*
 * sim/bench_com.c: the COM face's row of `cscsim bench`
 * (com_call_overhead_ns, issue 14): the cost of IOfflineFilesCache::Unpin
 * of one file against the same csc_unpin through the C API, measured in
 * pairs (a batch of C calls, then a batch of COM calls, RUNS times after a
 * warm-up) so that both see the same cache and the same machine state. In
 * a file of its own because <cscsim/cscobj.h> defines Windows' type names.
 * Uses the public API and libcscsim-com only.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

#define CALLS 100000
#define RUNS 5


/* UTF-8 (ASCII here) to a NUL-terminated UTF-16 copy. */
static WCHAR *widen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    WCHAR *w = malloc((n + 1) * sizeof *w);
    if (w != NULL)
        for (size_t i = 0; i <= n; i++)
            w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

bool csc_sim_bench_com_unpin(csc_cache_t *cache, const char *path, double *c_ns, double *com_ns)
{
    IOfflineFilesCache *pc = NULL;
    WCHAR *wpath = widen(path);
    if (wpath == NULL || FAILED(csc_com_create_instance(cache, &CLSID_OfflineFilesCache, NULL,
                                                         &IID_IOfflineFilesCache, (void **)&pc))) {
        free(wpath);
        return false;
    }
    const char *p[] = {path};
    LPCWSTR wp[] = {wpath};
    double c[RUNS], com[RUNS];
    bool ok = true;
    for (int r = -1; r < RUNS; r++) { /* r == -1: the warm-up */
        double t0 = csc_sim_now_ns();
        for (int k = 0; k < CALLS; k++)
            ok &= csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL) == CSC_S_OK;
        double t1 = csc_sim_now_ns();
        for (int k = 0; k < CALLS; k++)
            ok &= pc->lpVtbl->Unpin(pc, NULL, wp, 1, FALSE, FALSE,
                                    OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, NULL) == S_OK;
        double t2 = csc_sim_now_ns();
        if (r >= 0) {
            c[r] = (t1 - t0) / CALLS;
            com[r] = (t2 - t1) / CALLS;
        }
    }
    pc->lpVtbl->Release(pc);
    free(wpath);
    *c_ns = csc_sim_median(c, RUNS);
    *com_ns = csc_sim_median(com, RUNS);
    return ok;
}
