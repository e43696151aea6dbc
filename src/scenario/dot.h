/*
 * src/scenario/dot.h: the cache as a Graphviz graph (`cscsim run --dot OUT.dot`).
 */
#ifndef CSC__SCN_DOT_H
#define CSC__SCN_DOT_H

#include <stdbool.h>
#include <stdio.h>

#include <cscsim.h>

/* Writes the whole cache (`top` NULL) or the subtree at `top` as a DOT
 * digraph with a legend. False when a write failed or memory ran out. */
bool csc__scn_dot_write(FILE *out, const csc_cache_t *cache, const csc_item_t *top);

#endif
