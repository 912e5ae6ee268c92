/*
 * merge.c - merging segments: the live articles of the chosen segments re-added to the
 * builder with their columns kept, written as one segment and published; the merge policy
 * (smallest first, at most NDX_MAX_SEGMENTS at a time) and optimize.
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

/* Merge segments [from, nsegs) (sorted by size: the caller picks) into one. */
static int merge_segments(ndx_index *ix, size_t *which, size_t nwhich)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    int rc = NDX_OK;
    for (size_t k = 0; k < nwhich && !rc; k++) {
        struct ndx_segref *r = &ix->segs[which[k]];
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(r->seg, d, &scratch, &a))) {
                ndx__index_fail(ix, rc, "segment %s: stored document %u cannot be read",
                                r->seg->name, d);
                break;
            }
            char lang[3] = {a.lang[0], a.lang[1], 0};
            struct ndx_docmeta m = {r->seg->col.url_hash[d], r->seg->col.content_hash[d],
                                    r->seg->col.story[d], r->seg->col.flags[d],
                                    r->seg->col.sig + (size_t)d * NDX_SKETCH_BINS};
            rc = ndx__builder_add(ix->bld, a.id, &a, lang, &m);
        }
    }
    ndx__buf_free(&scratch);
    if (rc)
        return rc;
    /* drop the merged segments, then flush the builder as their replacement */
    struct ndx_segref *keep = ndx_calloc(ix->nsegs + 1, sizeof *keep);
    if (!keep)
        return NDX_ENOMEM;
    size_t nkeep = 0;
    for (size_t i = 0; i < ix->nsegs; i++) {
        int merged = 0;
        for (size_t k = 0; k < nwhich; k++)
            merged |= which[k] == i;
        if (merged)
            ndx__segref_free(&ix->segs[i]);
        else
            keep[nkeep++] = ix->segs[i];
    }
    ndx_free(ix->segs);
    ix->segs = keep;
    ix->nsegs = nkeep;
    if ((rc = ndx__flush_builder(ix)))
        return rc;
    return ndx__rebuild_maps(ix);
}

static int cmp_size(const void *a, const void *b, void *ctx)
{
    const ndx_index *ix = ctx;
    uint32_t x = ix->segs[*(const size_t *)a].seg->ndocs - ix->segs[*(const size_t *)a].ndel;
    uint32_t y = ix->segs[*(const size_t *)b].seg->ndocs - ix->segs[*(const size_t *)b].ndel;
    return x < y ? -1 : x > y;
}

int ndx__maybe_merge(ndx_index *ix, int max_segments)
{
    while (ix->nsegs > (size_t)max_segments ||
           (max_segments == 1 && ix->nsegs == 1 && ix->segs[0].ndel > 0)) {
        size_t n = ix->nsegs;
        size_t *order = ndx_malloc(n * sizeof *order);
        if (!order)
            return NDX_ENOMEM;
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        qsort_r(order, n, sizeof *order, cmp_size, ix);
        size_t take = max_segments == 1 ? n : NDX_MIN(n, (size_t)NDX_MAX_SEGMENTS);
        if (n - take + 1 > (size_t)max_segments && max_segments > 1)
            take = n - (size_t)max_segments + 1;
        int rc = merge_segments(ix, order, take);
        ndx_free(order);
        if (rc)
            return rc;
        if ((rc = ndx__publish(ix)))
            return rc;
        if (max_segments == 1)
            break;
    }
    return NDX_OK;
}

int ndx_index_optimize(ndx_index *ix, int max_segments)
{
    if (max_segments < 1)
        return ndx__index_fail(ix, NDX_EINVAL, "max_segments must be at least 1");
    int rc = ndx_index_commit(ix);
    if (rc)
        return rc;
    return ndx__maybe_merge(ix, max_segments);
}
