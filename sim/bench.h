/*
 * sim/bench.h: `cscsim bench`, the benchmark (see bench.c).
 */
#ifndef CSC_SIM_BENCH_H
#define CSC_SIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include <cscsim.h>

/* The monotonic clock in ns, and the median of v[0..n) (sorts v): for
 * bench.c and bench_com.c. */
static inline double csc_sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int csc_sim_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline double csc_sim_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, csc_sim_cmp_double);
    return v[n / 2];
}

/* Runs the benchmark over `items` files and prints its rows; returns the
 * exit status. */
int csc_sim_bench(size_t items, bool tsv);

/* bench_com.c: the median cost of one csc_unpin of the file at `path` and
 * of the same Unpin through IOfflineFilesCache (ns per call, measured in
 * pairs). false when a call failed or the COM object could not be made. */
bool csc_sim_bench_com_unpin(csc_cache_t *cache, const char *path, double *c_ns,
                             double *com_ns);

#endif
