/*
 * placement.c - what an index holds for incoming articles (ndx_index_place), and the keys it
 * compares them by (ndx_article_keys_of): a sharded archive asks every shard before routing a
 * batch, so that an update reaches its article's shard, an exact copy its original's, and a near
 * copy its story's (docs/SCALE.md).  The rules are those of ndx_index_add and story assignment
 * (index/index.c, index/stories.c).
 */
#include "index/index.h"

#include "dedup/dedup.h"

#include <string.h>

_Static_assert(NDX_STORY_BINS == NDX_SKETCH_BINS && NDX_STORY_BANDS == NDX_SKETCH_BANDS,
               "public sketch sizes match the library's");

void ndx_article_keys_of(const ndx_article *a, ndx_article_keys *out)
{
    memset(out, 0, sizeof *out);
    out->url_hash = ndx__url_hash(a->url, a->nurl);
    out->content_hash = ndx__content_hash(a);
    size_t cs, ce;
    ndx__sketch_core(a->body, a->nbody, &cs, &ce);
    ndx__sketch(a->body ? a->body + cs : "", ce - cs, out->sketch);
}

double ndx_sketch_similarity(const uint16_t *a, const uint16_t *b)
{
    return ndx__sketch_sim(a, b);
}

uint64_t ndx_sketch_band(const uint16_t *sketch, int band)
{
    if (band < 0 || band >= NDX_SKETCH_BANDS || ndx__sketch_empty(sketch))
        return 0;
    return ndx__sketch_band(sketch, band);
}

/* The sketch of the article at a gid_map location (segment doc or buffered doc). */
static const uint16_t *sig_at(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == NDX_LOC_BUILDER)
        return ix->bld ? ndx__builder_sig(ix->bld, d) : NULL;
    if (s == 0 || s > ix->nsegs)
        return NULL;
    return ix->segs[s - 1].seg->col.sig + (size_t)d * NDX_SKETCH_BINS;
}

static void place_one(ndx_index *ix, const ndx_article_keys *k, ndx_placement *p)
{
    memset(p, 0, sizeof *p);
    uint64_t g = k->url_hash ? ndx__map_get(&ix->url_map, k->url_hash) : 0;
    if (g && ndx__map_get(&ix->gid_map, g))
        p->url_id = g;
    g = ndx__map_get(&ix->content_map, k->content_hash);
    if (g && ndx__map_get(&ix->gid_map, g))
        p->copy_of = g;
    if (ndx__sketch_empty(k->sketch))
        return;
    for (int b = 0; b < NDX_SKETCH_BANDS; b++) { /* as ndx__assign_story looks */
        g = ndx__map_get(&ix->band_map, ndx__sketch_band(k->sketch, b));
        uint64_t loc = g ? ndx__map_get(&ix->gid_map, g) : 0;
        const uint16_t *other = loc ? sig_at(ix, loc) : NULL;
        if (!other)
            continue;
        p->bands_held |= 1u << b;
        double sim = ndx__sketch_sim(k->sketch, other);
        if (sim >= ix->dup_threshold && sim > p->best) {
            p->best = sim;
            p->story = ndx__loc_story(ix, loc);
            if (!p->story)
                p->story = g;
        }
    }
}

int ndx_index_place(ndx_index *ix, const ndx_article_keys *keys, size_t n, ndx_placement *out)
{
    if (n && (!keys || !out))
        return ndx__index_fail(ix, NDX_EINVAL, "no keys or no room for the placements");
    int reader = !(ix->flags & NDX_OPEN_WRITE);
    if (reader) {
        int rc = ndx_index_refresh(ix);
        if (!rc)
            rc = ndx__rebuild_maps(ix);
        if (rc) {
            ndx__map_free(&ix->url_map);
            ndx__map_free(&ix->content_map);
            ndx__map_free(&ix->gid_map);
            ndx__map_free(&ix->band_map);
            return rc == NDX_ENOMEM ? ndx__index_fail(ix, rc, "out of memory") : rc;
        }
    }
    for (size_t i = 0; i < n; i++)
        place_one(ix, &keys[i], &out[i]);
    if (reader) {
        ndx__map_free(&ix->url_map);
        ndx__map_free(&ix->content_map);
        ndx__map_free(&ix->gid_map);
        ndx__map_free(&ix->band_map);
    }
    return NDX_OK;
}
