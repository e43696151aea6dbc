/*
 * src/access.h (internal): access lists (access.c, C9.1) as the modules
 * above the tree see them: the access check of a caller on an item, and
 * freeing a list (the tree reaches it only through its acl_free hook).
 */
#ifndef CSC_SRC_ACCESS_H
#define CSC_SRC_ACCESS_H

#include <stdbool.h>

#include "tree.h"

/* access.c: whether `caller` may access the item (C9.1). */
bool csc__access_allowed(const csc_cache_t *cache, const csc__caller_t *caller,
                         const struct csc_item *item);
void csc__acl_free(csc_cache_t *cache, csc__acl_t *acl);

#endif
