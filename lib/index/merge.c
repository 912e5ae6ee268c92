/*
 * merge.c - merging segments without re-analysing their text: the live documents of the chosen
 * segments and their postings copied into the builder, renumbered, written as one segment and
 * published; the merge policy (smallest first, at most NDX_MAX_SEGMENTS at a time) and
 * optimize.
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

struct merge_terms {
    ndx_index *ix;
    uint64_t done, total, next_report; /* progress, in documents + postings */
    struct ndx_builder *bld;
    const struct ndx_seg *seg;
    const uint32_t *remap; /* new doc of each doc of seg, UINT32_MAX: deleted */
    uint32_t *pos;
    size_t cap;
};

/* Copy one term's postings of a merged segment into the builder, renumbered. */
static int merge_term(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    struct merge_terms *m = ctx;
    struct ndx_pl pl;
    ndx__pl_init(&pl, m->seg, ti);
    for (uint32_t d = pl.doc; d != NDX_DOC_END; d = ndx__pl_next(&pl)) {
        if (d >= m->seg->ndocs)
            return NDX_ECORRUPT;
        if (m->remap[d] == UINT32_MAX)
            continue;
        int np = ndx__pl_positions(&pl, &m->pos, &m->cap);
        if (np < 0)
            return np == -2 ? NDX_ENOMEM : NDX_ECORRUPT;
        int rc = ndx__builder_put_postings(m->bld, t, n, m->remap[d], ndx__pl_wf(&pl), m->pos,
                                           (uint32_t)np);
        if (rc)
            return rc;
    }
    m->done += ti->df;
    if (m->done + 1 >= m->total) /* the work is an estimate: the writing step comes last */
        m->done = m->total > 1 ? m->total - 2 : 0;
    if (m->ix->progress && m->done >= m->next_report) {
        m->ix->progress(m->ix->progress_ctx, m->done, m->total);
        m->next_report = m->done + m->total / 200 + 1;
    }
    return pl.corrupt ? NDX_ECORRUPT : NDX_OK;
}

/*
 * Merge the segments `which` into one, without analysing their text again: the live documents
 * are put into the (empty) builder in order, their columns kept, then each segment's dictionary
 * is walked and every term's postings and positions are copied with the documents renumbered.
 * The result is the segment that adding the same articles in that order would build.
 */
static int merge_segments(ndx_index *ix, size_t *which, size_t nwhich)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    uint32_t **remap = ndx_calloc(nwhich, sizeof *remap);
    int rc = remap ? NDX_OK : NDX_ENOMEM;
    uint32_t next = 0; /* the builder is empty: merges run right after a commit */
    struct merge_terms mt = {ix, 0, 0, 0, ix->bld, NULL, NULL, NULL, 0};
    mt.total = 1; /* the work: documents, postings, then one step for writing the segment */
    for (size_t k = 0; k < nwhich; k++)
        mt.total += ix->segs[which[k]].seg->ndocs + ix->segs[which[k]].seg->npostings;
    for (size_t k = 0; k < nwhich && !rc; k++) {
        struct ndx_segref *r = &ix->segs[which[k]];
        const struct ndx_columns *c = &r->seg->col;
        if (!(remap[k] = ndx_malloc(((size_t)r->seg->ndocs + 1) * sizeof **remap))) {
            rc = NDX_ENOMEM;
            break;
        }
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            remap[k][d] = UINT32_MAX;
            if (ndx__seg_deleted(r, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(r->seg, d, &scratch, &a))) {
                ndx__index_fail(ix, rc, "segment %s: stored document %u cannot be read",
                                r->seg->name, d);
                break;
            }
            char lang[3] = {a.lang[0], a.lang[1], 0};
            struct ndx_docmeta m = {c->url_hash[d], c->content_hash[d], c->story[d], c->flags[d],
                                    c->sig + (size_t)d * NDX_SKETCH_BINS};
            rc = ndx__builder_put_doc(ix->bld, a.id, &a, lang, &m, c->dl[d], c->title_len[d]);
            remap[k][d] = next++;
        }
        mt.done += r->seg->ndocs;
        if (ix->progress)
            ix->progress(ix->progress_ctx, mt.done, mt.total);
    }
    for (size_t k = 0; k < nwhich && !rc; k++) {
        mt.seg = ix->segs[which[k]].seg;
        mt.remap = remap[k];
        if ((rc = ndx__seg_terms(mt.seg, "", 0, merge_term, &mt)) == NDX_ECORRUPT)
            ndx__index_fail(ix, rc, "segment %s: postings cannot be read", mt.seg->name);
    }
    ndx_free(mt.pos);
    for (size_t k = 0; remap && k < nwhich; k++)
        ndx_free(remap[k]);
    ndx_free(remap);
    ndx__buf_free(&scratch);
    if (rc) {
        ndx__builder_reset(ix->bld); /* nothing of a failed merge may reach a later commit */
        return rc;
    }
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
    if (ix->progress)
        ix->progress(ix->progress_ctx, mt.total - 1, mt.total);
    if ((rc = ndx__flush_builder(ix)))
        return rc;
    if (ix->progress)
        ix->progress(ix->progress_ctx, mt.total, mt.total);
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

void ndx_index_set_progress(ndx_index *ix, ndx_progress_fn fn, void *ctx)
{
    ix->progress = fn;
    ix->progress_ctx = ctx;
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
