/*
 * sim/bench.h: `cscsim bench`, the benchmark (see bench.c).
 */
#ifndef CSC_SIM_BENCH_H
#define CSC_SIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include <cscsim.h>

/* Runs the benchmark over `items` files and prints its rows; returns the
 * exit status. */
int csc_sim_bench(size_t items, bool tsv);

/* bench_com.c: the median cost of one csc_unpin of the file at `path` and
 * of the same Unpin through IOfflineFilesCache (ns per call, measured in
 * pairs). false when a call failed or the COM object could not be made. */
bool csc_sim_bench_com_unpin(csc_cache_t *cache, const char *path, double *c_ns,
                             double *com_ns);

#endif
