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

/* The round-2 words of an item as `show` writes them (`suspended`,
 * `sparse`, `created offline`, `deleted offline`, `conflict (STATE)`,
 * `changed on server`, `encrypted`), each after `sep`; for --dot too. */
void csc__scn_round2_words(FILE *out, const csc_item_t *item, const char *sep);
/* Whether a server or share is offline (C10.5), with its reason. */
bool csc__scn_offline_reason(const csc_cache_t *cache, const csc_item_t *item,
                             csc_offline_reason_t *reason);

#endif
