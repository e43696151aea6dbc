/*
 * sim/dot.h: the cache as a Graphviz graph (`cscsim run --dot OUT.dot`).
 */
#ifndef SIM_DOT_H
#define SIM_DOT_H

#include <stdbool.h>
#include <stdio.h>

#include <cscsim.h>

/* Writes the whole cache as a DOT digraph with a legend. False when a
 * write failed or memory ran out. */
bool sim_dot_write(FILE *out, const csc_cache_t *cache);

#endif
