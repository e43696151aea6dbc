/*
 * sim/bench.h: `cscsim bench`, the benchmark (see bench.c).
 */
#ifndef CSC_SIM_BENCH_H
#define CSC_SIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* Runs the benchmark over `items` files and prints its rows; returns the
 * exit status. */
int csc_sim_bench(size_t items, bool tsv);

#endif
