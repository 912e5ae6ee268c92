/*
 * view.c - the read-only view of an index that query evaluation reads (struct ndx_view in
 * index.h): the committed segments of a handle and their collection statistics.
 */
#include "index/index.h"

void ndx__view_init(struct ndx_view *v, ndx_index *ix)
{
    memset(v, 0, sizeof *v);
    v->gen = ix->gen;
    v->qcache = &ix->qcache;
    v->qcache_free = &ix->qcache_free;
    v->segs = ix->segs;
    v->nsegs = ix->nsegs;
    v->stem = ix->stem;
    v->simple = ix->simple;
    v->analysis = ix->analysis;
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_seg *seg = ix->segs[i].seg;
        v->ndocs += seg->ndocs;
        v->sum_dl += seg->sum_dl;
        for (int k = 0; k < seg->nlangs; k++) {
            int j = 0;
            while (j < v->nlangs && v->langs[j] != seg->langs[k])
                j++;
            if (j == v->nlangs && v->nlangs < (int)NDX_ARRAY_LEN(v->langs))
                v->langs[v->nlangs++] = seg->langs[k];
        }
    }
    v->rec = ix->xrec;
    if (ix->xstats)
        ndx__xstats_apply(ix->xstats, v);
}

static int on_prefix_df(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    (void)t, (void)n;
    *(uint64_t *)ctx += ti->df;
    return 0;
}

uint64_t ndx__view_df(const struct ndx_view *v, const char *t, size_t n, int prefix)
{
    if (v->xs)
        return ndx__xstats_df(v->xs, t, n, prefix);
    uint64_t df = 0;
    for (size_t g = 0; g < v->nsegs; g++) {
        const struct ndx_seg *seg = v->segs[g].seg;
        if (prefix) {
            ndx__seg_terms(seg, t, n, on_prefix_df, &df);
        } else {
            struct ndx_terminfo ti;
            if (ndx__seg_lookup(seg, t, n, &ti) == NDX_OK)
                df += ti.df;
        }
    }
    if (v->rec)
        ndx__xstats_record(v->rec, t, n, prefix, df);
    return df;
}
