/*
 * stories.c - the writer's maps (URL hash, content hash and id to article, LSH band to
 * article) rebuilt from the segments, and story assignment: a new article joins the story of the
 * most similar stored article sharing an LSH band (see docs/DEDUP.md).
 */
#include "index/index.h"

#include "dedup/dedup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Call cb for each URL in a copies list ("url\tsource\n"...). */
static int each_copy_url(const char *copies, size_t n, int (*cb)(void *, const char *, size_t),
                         void *ctx)
{
    const char *p = copies, *url, *src;
    size_t len, nsrc;
    while (ndx_copies_next(&p, copies + n, &url, &len, &src, &nsrc)) {
        int rc = len ? cb(ctx, url, len) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

struct copy_url_ctx {
    ndx_index *ix;
    uint64_t gid;
    const char *want;
    size_t nwant;
};

static int put_copy_url(void *ctx, const char *url, size_t n)
{
    struct copy_url_ctx *c = ctx;
    return ndx__map_put(&c->ix->url_map, ndx__url_hash(url, n), c->gid);
}

/* The URLs of exact copies recorded on a stored article map to it too (re-ingesting a copy is
 * then "unchanged", and `show URL` finds it). */
static int map_copy_urls(ndx_index *ix, const struct ndx_seg *seg, uint32_t doc, uint64_t gid)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    ndx_article a;
    int rc = ndx__seg_doc(seg, doc, &scratch, &a);
    struct copy_url_ctx c = {ix, gid, NULL, 0};
    if (!rc)
        rc = each_copy_url(a.copies, a.ncopies, put_copy_url, &c);
    ndx__buf_free(&scratch);
    return rc;
}

static int match_copy_url(void *ctx, const char *url, size_t n)
{
    struct copy_url_ctx *c = ctx;
    return n == c->nwant && memcmp(url, c->want, n) == 0;
}

int ndx__copies_have_url(const char *copies, size_t n, const char *url, size_t nurl)
{
    struct copy_url_ctx c = {NULL, 0, url, nurl};
    return each_copy_url(copies, n, match_copy_url, &c);
}

int ndx__rebuild_maps(ndx_index *ix)
{
    ndx__map_free(&ix->url_map);
    ndx__map_free(&ix->content_map);
    ndx__map_free(&ix->gid_map);
    ndx__map_free(&ix->band_map);
    int rc = NDX_OK;
    for (size_t i = 0; i < ix->nsegs && !rc; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        const struct ndx_columns *c = &r->seg->col;
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            uint64_t gid = c->gid[d];
            rc = ndx__map_put(&ix->gid_map, gid, (uint64_t)(i + 1) << 32 | d);
            if (!rc && c->url_hash[d])
                rc = ndx__map_put(&ix->url_map, c->url_hash[d], gid);
            if (!rc && c->content_hash[d] && !ndx__map_get(&ix->content_map, c->content_hash[d]))
                rc = ndx__map_put(&ix->content_map, c->content_hash[d], gid);
            ndx__add_bands(ix, gid, c->sig + (size_t)d * NDX_SKETCH_BINS, &rc);
            if (!rc && NDX_NCOPIES(c->flags[d]))
                rc = map_copy_urls(ix, r->seg, d, gid);
        }
    }
    if (ix->bld) {
        uint32_t n = ndx__builder_ndocs(ix->bld);
        for (uint32_t d = 0; d < n && !rc; d++)
            if (!(ix->bld_del && ix->bld_del[d >> 3] >> (d & 7) & 1)) {
                rc = ndx__map_put(&ix->gid_map, ndx__builder_gid(ix->bld, d),
                                  NDX_LOC_BUILDER << 32 | d);
                ndx__add_bands(ix, ndx__builder_gid(ix->bld, d), ndx__builder_sig(ix->bld, d), &rc);
            }
    }
    return rc;
}

static const uint16_t *loc_sig(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == NDX_LOC_BUILDER)
        return ndx__builder_sig(ix->bld, d);
    if (s == 0 || s > ix->nsegs)
        return NULL;
    return ix->segs[s - 1].seg->col.sig + (size_t)d * NDX_SKETCH_BINS;
}

uint64_t ndx__loc_story(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == NDX_LOC_BUILDER)
        return ndx__builder_story(ix->bld, d);
    if (s == 0 || s > ix->nsegs)
        return 0;
    return ix->segs[s - 1].seg->col.story[d];
}

/* Register gid under each LSH band of sig (where no live article holds the band yet). */
void ndx__add_bands(ndx_index *ix, uint64_t gid, const uint16_t *sig, int *rc)
{
    if (*rc || ndx__sketch_empty(sig))
        return;
    for (int b = 0; b < NDX_SKETCH_BANDS && !*rc; b++) {
        uint64_t key = ndx__sketch_band(sig, b);
        uint64_t g = ndx__map_get(&ix->band_map, key);
        if (g && g != gid && ndx__map_get(&ix->gid_map, g))
            continue;
        *rc = ndx__map_put(&ix->band_map, key, gid);
    }
}

/* Story of a new article: the story of the most similar stored article sharing an LSH band, when
 * its estimated Jaccard reaches the threshold; else a story of its own (its id). */
uint64_t ndx__assign_story(ndx_index *ix, uint64_t gid, const uint16_t *sig)
{
    if (ndx__sketch_empty(sig))
        return gid;
    double best = 0;
    uint64_t story = gid;
    for (int b = 0; b < NDX_SKETCH_BANDS; b++) {
        uint64_t g = ndx__map_get(&ix->band_map, ndx__sketch_band(sig, b));
        if (!g || g == gid)
            continue;
        uint64_t loc = ndx__map_get(&ix->gid_map, g);
        const uint16_t *other = loc ? loc_sig(ix, loc) : NULL;
        if (!other)
            continue;
        double sim = ndx__sketch_sim(sig, other);
        if (sim >= ix->dup_threshold && sim > best) {
            best = sim;
            story = ndx__loc_story(ix, loc);
        }
    }
    return story ? story : gid;
}
