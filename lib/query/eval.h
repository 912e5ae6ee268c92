/*
 * eval.h - internals of query evaluation, shared by its files (read in this order):
 *   compile.c    a parsed query (query.h) analysed into leaves (term sets, phrases, filters) and
 *                their idf from the view's statistics
 *   iter.c       document iterators over one segment: term sets, phrases, AND/OR/NOT, dates
 *   topk.c       the matching pass: collectors (count, story collapse, top-k heap, and the
 *                analytics collectors of collect.c), MaxScore pruning, ndx_search
 *   highlight.c  which words of a stored text to highlight
 *   results.c    hits from candidates (stored text, snippets, teasers, story copies), accessors
 *   related.c    ndx_related (more like this)
 *   export.c     ndx_export, ndx_story_members
 * Evaluation reads the index only through a read-only view (struct ndx_view, index/index.h).
 */
#ifndef NDX_EVAL_H
#define NDX_EVAL_H

#include "index/index.h"
#include "query/query.h"
#include "text/text.h"

#include <math.h>
#include <time.h>

#define BM25_K1 1.2
#define BM25_B  0.75

/* ---- analysed query: what to look up, independent of segments (compile.c) ----------------- */

struct slot { /* one position of a phrase: alternative terms */
    char **terms;
    size_t nterms;
    uint32_t rel; /* position relative to the first slot */
};

struct leaf {
    int kind; /* NDX_Q_TERM (a term set), NDX_Q_PREFIX, NDX_Q_PHRASE, NDX_Q_DATE, NDX_Q_WIRE */
    int field;
    struct slot *slots; /* TERM: one slot; PHRASE: several; PREFIX: one slot, the prefix */
    size_t nslots;
    uint32_t slop;
    char meta;        /* metadata kind letter ('S' source, 'U' url, 'L' lang) or 0 */
    int64_t from, to; /* DATE */
    int wire;         /* WIRE: 1 yes, 0 no */
    double idf;       /* summed over slots, computed per search */
};

/* A condition on the columns (date:, wire:), no terms: it neither scores nor highlights. */
static inline int ndx__leaf_is_column(const struct leaf *l)
{
    return l->kind == NDX_Q_DATE || l->kind == NDX_Q_WIRE;
}

struct cnode { /* compiled node */
    int kind;  /* NDX_Q_AND, NDX_Q_OR, NDX_Q_NOT, or leaf kinds */
    struct leaf *leaf;
    struct cnode **kids;
    size_t nkids;
};

struct ndx_coll;

/* A dictionary look-up of the search, kept: a word's idf and then its iterator, or its count,
 * look the same word up in the same segment (ndx__term_lookup). */
#define NDX_TCACHE      16
#define NDX_TCACHE_TERM 72
struct tcache_entry {
    const struct ndx_seg *seg;
    int rc; /* NDX_OK or NDX_ENOTFOUND */
    uint32_t n;
    struct ndx_terminfo ti;
    char term[NDX_TCACHE_TERM];
};

struct search {
    ndx_index *ix; /* for error messages only: what is read comes from v */
    struct ndx_view v;
    const ndx_search_opts *o;
    struct ndx_coll *coll; /* analytics collectors of the pass, or NULL (collect.c) */
    int keep_cands;        /* 1: ndx__execute leaves the best candidates in cands (terms.c) */
    struct cand *cands;
    size_t ncands;
    struct ndx_analyzer an;
    double N, avgdl;
    struct ndx_buf tmp;
    int rc; /* the first failure of the evaluation (ndx__eval_fail), the one channel for it */
    char *err;
    double deadline; /* now_ms() at which the pass stops (opts->timeout_ms), 0 = no budget */
    unsigned ticks;  /* calls of ndx__out_of_time since the clock was last read */
    int partial;     /* the budget ran out: the hits are the best found so far */
    int no_scores;   /* the pass only counts: iterators need not compute frequencies */
    const struct ndx_seg *damaged; /* the segment of an NDX_ECORRUPT in rc */
    int reported;                  /* rc's message set on the index (ndx__eval_status) */
    struct tcache_entry tcache[NDX_TCACHE];
    unsigned ntcache; /* entries filled in turn, the oldest replaced */
    uint32_t *hl_pos; /* positions read while highlighting (highlight.c) */
    size_t hl_cap;
};

/* Parse query (errors reported on ix, *errpos the offset, may be NULL). */
int ndx__parse_query(ndx_index *ix, const char *query, size_t nquery, struct ndx_qnode **q,
                     size_t *errpos);
void ndx__search_init(struct search *S, ndx_index *ix, const ndx_search_opts *opts);
void ndx__search_free(struct search *S);
int ndx__compile(struct search *S, const struct ndx_qnode *q, struct cnode **out);
void ndx__cnode_free(struct cnode *c);
int ndx__slot_add(struct slot *s, const char *t, size_t n);
void ndx__compute_idf(struct search *S, struct cnode *c);

static inline double idf_of(double N, double df)
{
    if (df > N)
        df = N;
    return log(1 + (N - df + 0.5) / (df + 0.5));
}

static inline double bm25(const struct search *S, double idf, double wf, double dl)
{
    double norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / (S->avgdl > 0 ? S->avgdl : 1));
    return idf * wf * (BM25_K1 + 1) / (wf + norm);
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Has the time budget of the search run out?  Reads the clock every 8 calls; once out, stays
 * out (S->partial).  Loops that may run long without producing a match call it. */
static inline int ndx__out_of_time(struct search *S)
{
    if (S->deadline == 0)
        return 0;
    if (S->partial)
        return 1;
    if (++S->ticks & 7)
        return 0;
    if (now_ms() < S->deadline)
        return 0;
    S->partial = 1;
    return 1;
}

/* The same, reading the clock at every call: for the steps of setting a query up (a leaf
 * analysed, a word looked up in a dictionary, an iterator built), each long enough. */
static inline int ndx__out_of_time_now(struct search *S)
{
    if (S->deadline == 0)
        return 0;
    if (S->partial)
        return 1;
    if (now_ms() < S->deadline)
        return 0;
    S->partial = 1;
    return 1;
}

/* ---- failures ------------------------------------------------------------------------------
 * Every failure while a query is evaluated goes one way: ndx__eval_fail records it in S->rc
 * (the first one is kept), whether an allocation failed (NDX_ENOMEM) or a segment's postings or
 * positions do not decode (NDX_ECORRUPT, seg).  An iterator that cannot be built is NULL with
 * S->rc set; an iterator that fails later ends (NDX_DOC_END).  After a pass the caller takes
 * ndx__eval_status(S): a failed evaluation is an error, never a shorter answer. */
static inline void ndx__eval_fail(struct search *S, int rc, const struct ndx_seg *seg)
{
    if (!S->rc) {
        S->rc = rc;
        S->damaged = seg;
    }
}

/* NDX_OK, or the first failure, its message set on the index (a damaged segment named). */
int ndx__eval_status(struct search *S);

/* ---- iterators (iter.c) -------------------------------------------------------------------- */

struct it;
struct it_ops {
    uint32_t (*advance)(struct it *it, uint32_t target); /* first doc >= target */
    double (*score)(struct it *it);                      /* of the current doc */
    void (*free)(struct it *it);
};

struct it {
    const struct it_ops *ops;
    uint32_t doc;
    uint64_t cost; /* estimated matches, to order AND kids */
};

static inline uint32_t it_advance(struct it *it, uint32_t target)
{
    if (it->doc != NDX_DOC_END && it->doc >= target)
        return it->doc;
    return it->doc = it->ops->advance(it, target);
}

static inline uint32_t it_next(struct it *it)
{
    return it_advance(it, it->doc + 1);
}

static inline void it_free(struct it *it)
{
    if (it)
        it->ops->free(it);
}

struct segctx {
    struct search *S;
    const struct ndx_seg *seg;
    const struct ndx_segref *ref;
};

/* Term set: the union of several postings lists read as one term (stemming alternatives, prefix
 * expansions), optionally restricted to the title or the body by positions. */
struct termset {
    struct it base;
    struct segctx *sc;
    struct ndx_pl *pls;
    size_t npl;
    int field;
    double idf;
    uint32_t *pos; /* scratch positions */
    size_t cap;
    uint32_t *merged; /* merged positions of the current doc */
    size_t nmerged, capmerged;
    uint32_t wf; /* weighted frequency of the current doc (unless no_wf) */
    int no_wf;   /* a phrase's slot: wf is never read, not computed */
};

static inline double ts_score(struct it *it)
{
    struct termset *t = (struct termset *)it;
    return bm25(t->sc->S, t->idf, t->wf, t->sc->seg->col.dl[it->doc]);
}

/* The iterator of a term set (slot s: its terms, or the terms starting with them when prefix)
 * on one segment, positioned on its first doc; NULL (S->rc set) when out of memory. */
struct termset *ndx__termset_new(struct segctx *sc, const struct slot *s, int prefix, int field,
                                 double idf);
void ndx__termset_free(struct termset *t);
/* ndx__seg_lookup through the search's cache of look-ups: NDX_OK, NDX_ENOTFOUND, NDX_ECORRUPT. */
int ndx__term_lookup(struct search *S, const struct ndx_seg *seg, const char *t, size_t n,
                     struct ndx_terminfo *ti);
/* The iterator of a compiled node on one segment, positioned on its first doc; NULL (S->rc set)
 * when out of memory. */
struct it *ndx__build_it(struct segctx *sc, const struct cnode *c);

/* ---- the matching pass (topk.c) ------------------------------------------------------------ */

struct cand {
    double key; /* score, or date */
    double score;
    uint64_t gid;
    uint32_t seg, doc;
};

/* Extra conditions of a run beyond the query. */
struct run_opts {
    uint64_t exclude_story; /* 0 = none */
    int64_t near_date;      /* NDX_DATE_UNKNOWN = no date boost */
};

struct ndx_results {
    uint64_t total;
    uint64_t total_stories;
    uint64_t total_copies;
    int exact;
    int partial; /* the time budget ran out (ndx_results_partial) */
    double took_ms;
    ndx_hit *hits;
    size_t nhits;
    ndx_facet *facets; /* analytics (collect.c) */
    size_t nfacets;
    ndx_bucket *buckets; /* every bucket: built from hist on the first ndx_results_bucket */
    size_t nbuckets;
    int interval;
    struct ndx_hist *hist; /* the histogram as counted (histogram.c) */
    ndx_bucket one;        /* a bucket returned when the list could not be built */
};

/* Evaluate root on every segment of the view: counts, collapse, top hits into res. */
int ndx__execute(struct search *S, struct cnode *root, const struct run_opts *ro, ndx_results *res);

/* ---- analytics collectors (collect.c) ----------------------------------------------------- */

/* Collectors for the facets and histogram of a; NDX_EINVAL (message set) for a bad request. */
int ndx__coll_new(struct search *S, const ndx_analytics_opts *a, struct ndx_coll **out);
void ndx__coll_free(struct ndx_coll *c);
/* A live match of the pass (after every filter). */
int ndx__coll_add(struct ndx_coll *c, const struct ndx_segref *ref, uint32_t doc);
/* After the pass: the facets into res, and the histogram's counts over its own span. */
int ndx__coll_finish(struct ndx_coll *c, ndx_results *res);
/* Distinct stories of the matches (after ndx__coll_sort or ndx__coll_finish). */
uint64_t ndx__coll_stories(const struct ndx_coll *c);
/* Sort the records by story (once; ndx__coll_finish does it too). */
int ndx__coll_sort(struct ndx_coll *c);
/* The histogram's own span in bucket numbers (lo > hi: nothing dated matched). */
void ndx__coll_span(const struct ndx_coll *c, int64_t *lo, int64_t *hi);
/* The histogram's buckets [lo, hi] into res, with all_stories from the filters of root. */
int ndx__coll_histogram(struct ndx_coll *c, const struct cnode *root, int64_t lo, int64_t hi,
                        ndx_results *res);
void ndx__hist_free(struct ndx_hist *h);

/* ---- highlighting (highlight.c) ------------------------------------------------------------ */

struct hlset {
    const struct cnode *root;
    struct ndx_map terms;        /* hash of a term to highlight -> 1 */
    struct ndx_map phrase_first; /* hash of a term that can start a highlighted phrase -> 1 */
    const char **prefixes;
    size_t nprefixes;
    const struct leaf **phrases;
    size_t nphrases;
    uint8_t first[256]; /* first bytes of every term above (ndx_analyzer.stem_first) */
    int any_first;      /* an empty term or prefix: no first-letter filter */
    int rc;             /* NDX_ENOMEM once collecting failed (the set is then incomplete) */
    const char **words; /* the distinct terms of terms and phrase_first, as strings */
    size_t nwords;
    uint32_t reach; /* positions a phrase spans past its first word, slop included (most) */
};

/* The words to highlight for the query root (negated and title-only leaves left out); h->rc
 * tells whether every word could be kept. */
void ndx__hl_collect(struct hlset *h, const struct cnode *c, int negated);
void ndx__hl_free(struct hlset *h);
/* Highlight spans of the query in text (analysed in lang), the body of document doc of segment
 * seg (seg NULL: not known); *out freed by the caller. */
int ndx__hl_spans(struct search *S, const struct hlset *hl, const struct ndx_seg *seg, uint32_t doc,
                  const char *text, size_t n, const char *lang, struct ndx_span **out,
                  size_t *nout);

/* ---- hits (results.c) ---------------------------------------------------------------------- */

/* res->hits from the n best candidates c (stored text, snippets, teasers, story copies). */
int ndx__results_fill(struct search *S, const struct cnode *root, const struct cand *c, size_t n,
                      ndx_results *res);

#endif /* NDX_EVAL_H */
