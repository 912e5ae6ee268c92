/*
 * map.h - open-addressing hash map from nonzero 64-bit keys to 64-bit values (util/map.c).  Used
 * by the index writer for URL, content and id lookups.  Key 0 is reserved; a value of 0 reads as
 * "absent", so callers remove an entry by storing 0.
 */
#ifndef NDX_MAP_H
#define NDX_MAP_H

#include "ndx_int.h"

struct ndx_map {
    uint64_t *keys; /* 0 = empty slot */
    uint64_t *vals;
    size_t cap; /* power of two */
    size_t n;   /* used slots */
};

void ndx__map_init(struct ndx_map *m);
void ndx__map_free(struct ndx_map *m);
int ndx__map_put(struct ndx_map *m, uint64_t key, uint64_t val); /* status */
/* Size an empty map for about n entries (small maps need not start at 1,024 slots). */
int ndx__map_reserve(struct ndx_map *m, size_t n);            /* status */
uint64_t ndx__map_get(const struct ndx_map *m, uint64_t key); /* 0 if absent */

#endif
