/*
 * src/scenario/picture.h: the picture `show` prints: the cache, or the subtree at an
 * item, as a tree drawn with box-drawing characters, one item a line.
 */
#ifndef CSC__SCN_SHOW_H
#define CSC__SCN_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include <cscsim.h>

/*
 * Draws the subtree at `top`, or the whole cache when `top` is NULL, on
 * `out`; with `color`, ANSI colours mark pin sources, dirty and open files
 * and evictable items.
 */
void csc__scn_picture(FILE *out, const csc_cache_t *cache, const csc_item_t *top, bool color);

#endif
