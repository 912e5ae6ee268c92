/*
 * hash.c - 64-bit hashing for the library (URL and content keys, hash tables), on xxHash.
 */
#include "ndx_int.h"

#include <xxhash.h>

uint64_t ndx__hash64(const void *p, size_t n, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(p, n, (XXH64_hash_t)seed);
}

int ndx__hash64_pieces(const struct ndx_piece *pc, size_t k, uint64_t seed, uint64_t *out)
{
    if (k == 1) {
        *out = ndx__hash64(pc[0].p, pc[0].n, seed);
        return NDX_OK;
    }
    XXH3_state_t *st = XXH3_createState();
    if (!st)
        return NDX_ENOMEM;
    XXH3_64bits_reset_withSeed(st, (XXH64_hash_t)seed);
    for (size_t i = 0; i < k; i++)
        if (pc[i].n)
            XXH3_64bits_update(st, pc[i].p, pc[i].n);
    *out = (uint64_t)XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return NDX_OK;
}
