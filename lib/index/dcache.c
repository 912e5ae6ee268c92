/*
 * dcache.c - cache of decompressed stored-text blocks, one per index handle.  Reading one article
 * means decompressing its whole 16 KiB docstore block; result lists, article pages and related
 * stories come back to the same popular articles again and again, so a handle keeps the blocks it
 * decompressed in a direct-mapped table keyed by (segment uid, block) within a byte budget.
 * Segment uids are never reused, so a block of a closed segment can never be returned for a new
 * one; its slot is simply overwritten later.  No locking: a handle is used by one thread at a
 * time (newsdex.h).
 */
#include "index/index.h"

#define DC_MAX_BLOCK  (256u << 10) /* larger blocks (one huge article) are not cached */
#define DC_SLOT_BYTES (4u << 10)   /* budget / this = slots: 4 per 16 KiB block, few collisions */

struct dc_slot {
    uint64_t uid; /* 0 = empty */
    uint32_t blk;
    uint32_t len;
    uint8_t *data;
};

static inline size_t dc_index(const struct ndx_dcache *dc, uint64_t uid, uint32_t blk)
{
    uint64_t h = (uid * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)blk * 0xBF58476D1CE4E5B9ull);
    h ^= h >> 31;
    return (size_t)(h % dc->nslots);
}

void ndx__dcache_free(struct ndx_dcache *dc)
{
    for (size_t i = 0; i < dc->nslots; i++)
        ndx_free(dc->slots[i].data);
    ndx_free(dc->slots);
    dc->slots = NULL;
    dc->nslots = 0;
    dc->used = 0;
    dc->hand = 0;
}

int ndx__dcache_init(struct ndx_dcache *dc, size_t budget)
{
    ndx__dcache_free(dc);
    dc->budget = budget;
    size_t n = budget / DC_SLOT_BYTES;
    if (n == 0)
        return NDX_OK;
    dc->slots = ndx_calloc(n, sizeof *dc->slots);
    if (!dc->slots)
        return NDX_ENOMEM;
    dc->nslots = n;
    return NDX_OK;
}

const uint8_t *ndx__dcache_get(struct ndx_dcache *dc, uint64_t uid, uint32_t blk, uint32_t len)
{
    if (!dc || !dc->nslots)
        return NULL;
    const struct dc_slot *s = &dc->slots[dc_index(dc, uid, blk)];
    return s->uid == uid && s->blk == blk && s->len == len ? s->data : NULL;
}

uint8_t *ndx__dcache_slot(struct ndx_dcache *dc, uint64_t uid, uint32_t blk, uint32_t len)
{
    if (!dc || !dc->nslots || len > DC_MAX_BLOCK || len == 0)
        return NULL;
    struct dc_slot *s = &dc->slots[dc_index(dc, uid, blk)];
    if (!s->data || s->len != len) {
        if (len > dc->budget)
            return NULL;
        ndx_free(s->data);
        dc->used -= s->data ? s->len : 0;
        s->data = NULL;
        s->uid = 0;
        /* stay within the budget: evict other blocks, going round the table from a moving hand
         * (roughly the oldest first, as slots fill in no particular order) */
        for (size_t tries = 0; dc->used + len > dc->budget && tries < dc->nslots; tries++) {
            struct dc_slot *v = &dc->slots[dc->hand];
            dc->hand = (dc->hand + 1) % dc->nslots;
            if (v->data && v != s) {
                dc->used -= v->len;
                ndx_free(v->data);
                v->data = NULL;
                v->uid = 0;
            }
        }
        if (dc->used + len > dc->budget)
            return NULL;
        uint8_t *d = ndx_malloc(len);
        if (!d)
            return NULL; /* caching is optional */
        s->data = d;
        s->len = len;
        dc->used += len;
    }
    s->uid = uid;
    s->blk = blk;
    return s->data;
}

void ndx__dcache_drop(struct ndx_dcache *dc, uint64_t uid, uint32_t blk)
{
    if (!dc || !dc->nslots)
        return;
    struct dc_slot *s = &dc->slots[dc_index(dc, uid, blk)];
    if (s->uid == uid && s->blk == blk)
        s->uid = 0;
}
