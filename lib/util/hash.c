/*
 * hash.c - 64-bit hashing for the library (URL and content keys, hash tables), on xxHash.
 */
#include "ndx_int.h"

#include <xxhash.h>

uint64_t ndx__hash64(const void *p, size_t n, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(p, n, (XXH64_hash_t)seed);
}
