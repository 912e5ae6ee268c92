/*
 * map.c - open-addressing (linear probing) hash map of 64-bit keys and values; see map.h.
 */
#include "util/map.h"

void ndx__map_init(struct ndx_map *m)
{
    memset(m, 0, sizeof *m);
}

void ndx__map_free(struct ndx_map *m)
{
    ndx_free(m->keys);
    ndx_free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t slot(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static int resize(struct ndx_map *m, size_t cap)
{
    uint64_t *k = ndx_calloc(cap, sizeof *k), *v = ndx_calloc(cap, sizeof *v);
    if (!k || !v) {
        ndx_free(k);
        ndx_free(v);
        return NDX_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t s = slot(m->keys[i], cap);
        while (k[s])
            s = (s + 1) & (cap - 1);
        k[s] = m->keys[i];
        v[s] = m->vals[i];
    }
    ndx_free(m->keys);
    ndx_free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
    return NDX_OK;
}

int ndx__map_reserve(struct ndx_map *m, size_t n)
{
    size_t cap = 16;
    while (cap * 3 < (n + 1) * 4)
        cap *= 2;
    return cap > m->cap ? resize(m, cap) : NDX_OK;
}

int ndx__map_put(struct ndx_map *m, uint64_t key, uint64_t val)
{
    if (!key)
        return NDX_EINVAL;
    if ((m->n + 1) * 4 > m->cap * 3) {
        int rc = resize(m, m->cap ? m->cap * 2 : 1024);
        if (rc)
            return rc;
    }
    size_t s = slot(key, m->cap);
    while (m->keys[s] && m->keys[s] != key)
        s = (s + 1) & (m->cap - 1);
    if (!m->keys[s]) {
        m->keys[s] = key;
        m->n++;
    }
    m->vals[s] = val;
    return NDX_OK;
}

uint64_t ndx__map_get(const struct ndx_map *m, uint64_t key)
{
    if (!m->cap || !key)
        return 0;
    size_t s = slot(key, m->cap);
    while (m->keys[s]) {
        if (m->keys[s] == key)
            return m->vals[s];
        s = (s + 1) & (m->cap - 1);
    }
    return 0;
}
