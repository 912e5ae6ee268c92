/*
 * timeline.c - ndx_timeline: several queries on one date histogram.  Each query runs its own
 * matching pass with a histogram collector; the buckets of every series then cover the union of
 * their spans, so that the series line up bucket by bucket.
 */
#include "query/alias_expand.h"
#include "query/eval.h"
#include "query/progress.h"

int ndx_timeline(ndx_index *ix, const char *const *queries, const size_t *nqueries, size_t nq,
                 int interval, const ndx_search_opts *opts, ndx_results **out, size_t *errquery,
                 size_t *errpos)
{
    for (size_t i = 0; i < nq; i++)
        out[i] = NULL;
    if (nq == 0)
        return ndx__index_fail(ix, NDX_EINVAL, "no query");
    if (!*ndx_interval_name(interval))
        return ndx__index_fail(ix, NDX_EINVAL, "unknown interval (day, week, month or year)");
    double t0 = now_ms();
    ndx_search_opts o;
    if (opts)
        o = *opts;
    else
        ndx_search_opts_init(&o);
    o.limit = 0;
    o.offset = 0;
    o.want_snippets = 0;
    o.collapse = 0; /* no hits: stories are counted, none is ranked */
    o.count_stories = 1;
    ndx_analytics_opts a = {NULL, 0, interval};
    struct ndx_qnode **q = ndx_calloc(nq, sizeof *q);
    struct cnode **roots = ndx_calloc(nq, sizeof *roots);
    struct search *S = ndx_calloc(nq, sizeof *S);
    int rc = q && roots && S ? NDX_OK : NDX_ENOMEM;
    size_t inited = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    ndx__progress_begin(ix); /* each query's pass a share, the buckets' archive counts the last */
    for (size_t i = 0; i < nq && !rc; i++) {
        ndx__progress_span(ix, (double)i / (double)(nq + 1), (double)(i + 1) / (double)(nq + 1));
        if ((rc = ndx__parse_query(ix, queries[i], nqueries[i], &q[i], errpos))) {
            if (errquery)
                *errquery = i;
            break;
        }
        if (o.aliases && (rc = ndx__alias_expand(ix, &q[i]))) /* as ndx_search reads it */
            break;
        ndx__search_init(&S[i], ix, &o);
        inited++;
        if (!(out[i] = ndx_calloc(1, sizeof *out[i])))
            rc = NDX_ENOMEM;
        if (!rc)
            rc = ndx__coll_new(&S[i], &a, &S[i].coll);
        if (!rc)
            rc = ndx__compile(&S[i], q[i], &roots[i]);
        if (!rc) {
            ndx__compute_idf(&S[i], roots[i]);
            rc = ndx__execute(&S[i], roots[i], NULL, out[i]);
        }
        if (!rc)
            rc = ndx__coll_finish(S[i].coll, out[i]);
        if (!rc)
            out[i]->total_stories = ndx__coll_stories(S[i].coll);
        if (!rc) {
            int64_t l, h;
            ndx__coll_span(S[i].coll, &l, &h);
            if (l <= h) {
                lo = NDX_MIN(lo, l);
                hi = h > hi ? h : hi;
            }
        }
    }
    ndx__progress_span(ix, (double)nq / (double)(nq + 1), 1);
    for (size_t i = 0; i < nq && !rc; i++)
        rc = ndx__coll_histogram(S[i].coll, roots[i], lo, hi, out[i]);
    if (!rc)
        ndx__progress_end(ix);
    double took = now_ms() - t0;
    for (size_t i = 0; i < inited; i++) {
        ndx__coll_free(S[i].coll);
        ndx__search_free(&S[i]);
    }
    for (size_t i = 0; i < nq; i++) {
        if (roots)
            ndx__cnode_free(roots[i]);
        if (q)
            ndx__query_free(q[i]);
        if (out[i])
            out[i]->took_ms = took;
        if (rc) {
            ndx_results_free(out[i]);
            out[i] = NULL;
        }
    }
    ndx_free(q);
    ndx_free(roots);
    ndx_free(S);
    if (rc == NDX_ENOMEM)
        ndx__index_fail(ix, rc, "out of memory");
    return rc;
}
