/*
 * progress.h - progress of long queries (search, timeline, significant terms) through the
 * index's progress callback (ndx_index_set_progress).  A call of the API covers the share 0 to 1;
 * each of its passes is given a span of it (ndx__progress_span) and reports how far it is inside
 * that span: a matching pass by the documents scanned (segment by segment, document by document),
 * a loop over stories or terms by its step.  What is reported never goes back: a pass that was
 * given no span of its own holds the share where it is.  Reported as parts of 10000.
 */
#ifndef NDX_QUERY_PROGRESS_H
#define NDX_QUERY_PROGRESS_H

#include "index/index.h"

#define NDX_PROGRESS_PARTS 10000

/* The start of a call: nothing done yet, the whole call [0, 1] as the span.  Without a callback
 * nothing here writes to the handle, so that readers sharing one handle (the server's threads)
 * never touch these fields. */
static inline void ndx__progress_begin(ndx_index *ix)
{
    if (!ix->progress)
        return;
    ix->prog_lo = 0;
    ix->prog_hi = 1;
    ix->prog_last = 0;
    ix->prog_tick = 0;
}

/* The share of the call the next pass covers. */
static inline void ndx__progress_span(ndx_index *ix, double lo, double hi)
{
    if (!ix->progress)
        return;
    ix->prog_lo = lo;
    ix->prog_hi = hi;
}

/* A part [a, b] (0 to 1) of the span [lo, hi] a pass was given, for a pass made of parts. */
static inline void ndx__progress_part(ndx_index *ix, double lo, double hi, double a, double b)
{
    if (hi <= lo)
        lo = 0, hi = 1;
    ndx__progress_span(ix, lo + (hi - lo) * a, lo + (hi - lo) * b);
}

/* The pass under way is `share` (0 to 1) done. */
static inline void ndx__progress_at(ndx_index *ix, double share)
{
    if (!ix->progress)
        return;
    double lo = ix->prog_lo, hi = ix->prog_hi > ix->prog_lo ? ix->prog_hi : 1;
    double x = lo + (hi - lo) * (share < 0 ? 0 : share > 1 ? 1 : share);
    if (x <= ix->prog_last)
        return;
    ix->prog_last = x;
    ix->progress(ix->progress_ctx, (uint64_t)(x * NDX_PROGRESS_PARTS), NDX_PROGRESS_PARTS);
}

/* The call is done (when it succeeded). */
static inline void ndx__progress_end(ndx_index *ix)
{
    if (!ix->progress)
        return;
    ix->prog_lo = 0;
    ix->prog_hi = 1;
    ndx__progress_at(ix, 1);
}

/* Step i of n of a loop (stories analysed, terms counted). */
static inline void ndx__progress_step(ndx_index *ix, size_t i, size_t n)
{
    if (ix->progress && n)
        ndx__progress_at(ix, (double)i / (double)n);
}

/* A matching pass over the segments of v is at document d of segment g: reported every 4096
 * calls, and for d == UINT32_MAX (segment g finished) always. */
static inline void ndx__progress_scan(ndx_index *ix, const struct ndx_view *v, size_t g, uint32_t d)
{
    if (!ix->progress || (d != UINT32_MAX && ++ix->prog_tick & 4095))
        return;
    uint64_t before = 0, all = 0;
    for (size_t k = 0; k < v->nsegs; k++) {
        all += v->segs[k].seg->ndocs;
        if (k < g)
            before += v->segs[k].seg->ndocs;
    }
    uint64_t in = d == UINT32_MAX ? v->segs[g].seg->ndocs : d;
    ndx__progress_at(ix, all ? (double)(before + in) / (double)all : 1);
}

#endif
