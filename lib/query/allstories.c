/*
 * allstories.c - the `all_stories` of a histogram's buckets (docs/ANALYTICS.md): the stories of
 * each bucket among the documents passing the query's filters alone (its top-level date:, wire:,
 * source:, url:, lang: and keyword conditions, without the text), from a second pass over them;
 * for a query without filters, from the archive's counts, computed once per commit, interval and
 * range and kept on the handle.  That per-commit cache also keeps the commit's shared-story
 * bitmaps, which the direct counts of collect.c read (ndx__coll_shared_stories).
 */
#include "query/collect.h"
#include "query/progress.h"
#include "util/civil.h"

#include <stdlib.h>

/* ---- all_stories: the query's filters without its text ------------------------------------- */

/* A subtree made only of conditions that are not text: date:, source:, url:, lang: and their
 * combinations. */
static int is_filter(const struct cnode *c)
{
    if (c->leaf)
        return ndx__leaf_is_column(c->leaf) || c->leaf->meta;
    if (c->nkids == 0)
        return 0;
    for (size_t i = 0; i < c->nkids; i++)
        if (!is_filter(c->kids[i]))
            return 0;
    return 1;
}

/* Stories of each bucket [lo, hi] among the documents f matches (and the search's from/to
 * options) into all[]; lo > hi: over the span of those documents, into a new *all with *lo and
 * *hi set (nothing dated: *all NULL). */
static int all_stories_pass(struct search *S, const struct cnode *f, int interval, int64_t *plo,
                            int64_t *phi, uint64_t **pall)
{
    int rc = NDX_OK;
    int64_t lo = *plo, hi = *phi;
    int whole = lo > hi;
    const ndx_search_opts *o = S->o;
    int has_from = o->date_from != NDX_DATE_UNKNOWN, has_to = o->date_to != NDX_DATE_UNKNOWN;
    int64_t dlo = whole ? INT64_MIN : ndx__bucket_day(interval, lo);
    int64_t dhi = whole ? INT64_MAX : ndx__bucket_day(interval, hi + 1) - 1;
    int64_t bmin = INT64_MAX, bmax = INT64_MIN;
    struct crec *r = NULL;
    size_t n = 0, cap = 0;
    for (size_t g = 0; g < S->v.nsegs && !rc; g++) {
        const struct ndx_segref *ref = &S->v.segs[g];
        struct segctx sc = {S, ref->seg, ref};
        struct it *it = ndx__build_it(&sc, f);
        if (!it) {
            rc = ndx__eval_status(S);
            break;
        }
        const struct ndx_columns *col = &ref->seg->col;
        for (uint32_t d = it->doc; d != NDX_DOC_END; d = it_next(it)) {
            ndx__progress_scan(S->ix, &S->v, g, d);
            int64_t pub = col->published[d];
            if (pub == NDX_DATE_UNKNOWN || ndx__seg_deleted(ref, d) ||
                (has_from && pub < o->date_from) || (has_to && pub > o->date_to))
                continue;
            int64_t day = ndx__day_of(pub);
            if (day < dlo || day > dhi)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                struct crec *p = ndx_realloc(r, cap * sizeof *p);
                if (!p) {
                    rc = NDX_ENOMEM;
                    break;
                }
                r = p;
            }
            int64_t b = ndx__bucket_of(interval, day);
            r[n].story = col->story[d];
            r[n].day = whole ? (int32_t)day : (int32_t)(b - lo);
            bmin = b < bmin ? b : bmin;
            bmax = b > bmax ? b : bmax;
            n++;
        }
        it_free(it);
        ndx__progress_scan(S->ix, &S->v, g, UINT32_MAX);
        if (!rc)
            rc = ndx__eval_status(S);
    }
    if (whole) {
        if (rc || n == 0) {
            ndx_free(r);
            *pall = NULL;
            return rc;
        }
        lo = *plo = bmin, hi = *phi = bmax;
        for (size_t j = 0; j < n; j++)
            r[j].day = (int32_t)(ndx__bucket_of(interval, r[j].day) - lo);
        if (!(*pall = ndx_calloc((size_t)(hi - lo + 1), sizeof **pall)))
            rc = NDX_ENOMEM;
    }
    uint64_t *all = rc ? NULL : *pall;
    size_t nb = (size_t)(hi - lo + 1);
    uint64_t *stamp = rc ? NULL : ndx_calloc(nb, sizeof *stamp);
    if (!rc && !stamp)
        rc = NDX_ENOMEM;
    if (!rc)
        rc = ndx__coll_sort_records(&r, n);
    uint64_t group = 0;
    for (size_t j = 0; j < n && !rc; j++) {
        if (j == 0 || r[j].story != r[j - 1].story)
            group++;
        size_t b = (size_t)r[j].day;
        if (stamp[b] != group) {
            stamp[b] = group;
            all[b]++;
        }
    }
    ndx_free(stamp);
    ndx_free(r);
    if (rc && whole) {
        ndx_free(*pall);
        *pall = NULL;
    }
    return rc;
}

/* ---- the handle's cache of archive-wide bucket counts --------------------------------------- */

/* The stories of every bucket of the whole archive (or of a from/to range of it), for queries
 * without filters: computed once per commit, interval and range, kept on the handle. */
#define QCACHE_ENTRIES 8

struct qcache_entry {
    int valid, interval;
    uint64_t gen;
    int64_t from, to;
    int64_t lo, hi; /* lo > hi: nothing dated */
    uint64_t *all;
};

struct qcache {
    struct qcache_entry e[QCACHE_ENTRIES];
    size_t next; /* entry replaced next */
    /* shared_stories of commit sgen (nshared segments; NULL: not made) */
    uint8_t **shared;
    size_t nshared;
    uint64_t sgen;
};

static void free_shared(struct qcache *c)
{
    for (size_t g = 0; c->shared && g < c->nshared; g++)
        ndx_free(c->shared[g]);
    ndx_free(c->shared);
    c->shared = NULL;
    c->nshared = 0;
}

static void qcache_free(void *p)
{
    struct qcache *c = p;
    if (!c)
        return;
    for (size_t i = 0; i < QCACHE_ENTRIES; i++)
        ndx_free(c->e[i].all);
    free_shared(c);
    ndx_free(c);
}

/* The handle's cache into *out, made when there is none; NDX_EINVAL when the slot holds
 * something else. */
static int qcache_get(struct search *S, struct qcache **out)
{
    struct qcache *c = *S->v.qcache;
    if (c && *S->v.qcache_free != qcache_free)
        return NDX_EINVAL; /* the slot holds something else: not ours to use */
    if (!c) {
        if (!(c = ndx_calloc(1, sizeof *c)))
            return NDX_ENOMEM;
        *S->v.qcache = c;
        *S->v.qcache_free = qcache_free;
    }
    *out = c;
    return NDX_OK;
}

/* Per segment of the view, a bitmap of the articles that may share their story with another
 * article (the others are alone in theirs): an article whose story is not its own id joined
 * one, and an article whose id is a story some other article joined leads one.  Made once per
 * commit and kept on the handle; deletions since only make it cautious.  *out NULL when the
 * handle's cache is not ours. */
int ndx__coll_shared_stories(struct search *S, const uint8_t *const **out)
{
    *out = NULL;
    struct qcache *c;
    int rc = qcache_get(S, &c);
    if (rc)
        return rc == NDX_EINVAL ? NDX_OK : rc;
    const struct ndx_view *v = &S->v;
    if (c->shared && c->sgen == v->gen && c->nshared == v->nsegs) {
        *out = (const uint8_t *const *)c->shared;
        return NDX_OK;
    }
    free_shared(c);
    struct ndx_map joined; /* stories some article joined -> 1 */
    ndx__map_init(&joined);
    uint8_t **sh = ndx_calloc(v->nsegs ? v->nsegs : 1, sizeof *sh);
    rc = sh ? NDX_OK : NDX_ENOMEM;
    for (size_t g = 0; g < v->nsegs && !rc; g++) {
        const struct ndx_seg *seg = v->segs[g].seg;
        if (!(sh[g] = ndx_calloc(seg->ndocs / 8 + 1, 1))) {
            rc = NDX_ENOMEM;
            break;
        }
        const uint64_t *story = seg->col.story, *gid = seg->col.gid;
        for (uint32_t d = 0; d < seg->ndocs && !rc; d++)
            if (story[d] != gid[d] || story[d] == 0) {
                sh[g][d >> 3] |= (uint8_t)(1u << (d & 7));
                if (story[d])
                    rc = ndx__map_put(&joined, story[d], 1);
            }
    }
    for (size_t g = 0; g < v->nsegs && !rc && joined.n; g++) {
        const struct ndx_seg *seg = v->segs[g].seg;
        const uint64_t *gid = seg->col.gid;
        for (uint32_t d = 0; d < seg->ndocs; d++)
            if (ndx__map_get(&joined, gid[d]))
                sh[g][d >> 3] |= (uint8_t)(1u << (d & 7));
    }
    ndx__map_free(&joined);
    if (rc) {
        for (size_t g = 0; sh && g < v->nsegs; g++)
            ndx_free(sh[g]);
        ndx_free(sh);
        return rc;
    }
    c->shared = sh;
    c->nshared = v->nsegs;
    c->sgen = v->gen;
    *out = (const uint8_t *const *)sh;
    return NDX_OK;
}

static int archive_counts(struct search *S, int interval, const struct qcache_entry **out)
{
    struct qcache *c;
    int rc = qcache_get(S, &c);
    if (rc)
        return rc;
    const ndx_search_opts *o = S->o;
    for (size_t i = 0; i < QCACHE_ENTRIES; i++) {
        const struct qcache_entry *e = &c->e[i];
        if (e->valid && e->gen == S->v.gen && e->interval == interval && e->from == o->date_from &&
            e->to == o->date_to) {
            *out = e;
            return NDX_OK;
        }
    }
    struct qcache_entry *e = &c->e[c->next];
    c->next = (c->next + 1) % QCACHE_ENTRIES;
    ndx_free(e->all);
    memset(e, 0, sizeof *e);
    struct cnode everything = {NDX_Q_NOT, NULL, NULL, 0};
    e->lo = 1, e->hi = 0;
    rc = all_stories_pass(S, &everything, interval, &e->lo, &e->hi, &e->all);
    if (rc)
        return rc;
    e->valid = 1;
    e->interval = interval;
    e->gen = S->v.gen;
    e->from = o->date_from;
    e->to = o->date_to;
    *out = e;
    return NDX_OK;
}

/* Stories of each bucket [lo, hi] among the documents passing the filters of root (and the
 * search's from/to options) into all[]. */
static int all_stories(struct search *S, const struct cnode *root, int interval, int64_t lo,
                       int64_t hi, uint64_t *all)
{
    struct cnode conj = {NDX_Q_AND, NULL, NULL, 0};
    const struct cnode *f = NULL;
    if (is_filter(root)) {
        f = root;
    } else if (root->kind == NDX_Q_AND) {
        conj.kids = ndx_calloc(root->nkids, sizeof *conj.kids);
        if (!conj.kids)
            return NDX_ENOMEM;
        for (size_t i = 0; i < root->nkids; i++)
            if (is_filter(root->kids[i]))
                conj.kids[conj.nkids++] = root->kids[i];
        if (conj.nkids)
            f = &conj;
    }
    int rc;
    if (f) {
        rc = all_stories_pass(S, f, interval, &lo, &hi, &all);
    } else {
        const struct qcache_entry *e = NULL;
        rc = archive_counts(S, interval, &e);
        int64_t a = rc ? 1 : NDX_MAX(lo, e->lo), b = rc ? 0 : hi < e->hi ? hi : e->hi;
        if (a <= b) /* all[] holds zeros */
            memcpy(all + (a - lo), e->all + (a - e->lo), (size_t)(b - a + 1) * sizeof *all);
    }
    ndx_free(conj.kids);
    return rc;
}

int ndx__coll_histogram(struct ndx_coll *c, const struct cnode *root, int64_t lo, int64_t hi,
                        ndx_results *res)
{
    res->interval = c->interval;
    if (lo > hi)
        return NDX_OK;
    if (hi - lo + 1 > NDX_MAX_BUCKETS)
        return ndx__index_fail(c->S->ix, NDX_ERANGE,
                               "the matches span more than %d %ss: ask for a coarser interval",
                               NDX_MAX_BUCKETS, ndx_interval_name(c->interval));
    size_t nb = (size_t)(hi - lo + 1);
    struct ndx_hist *h = ndx_calloc(1, sizeof *h);
    if (!h)
        return NDX_ENOMEM;
    res->hist = h;
    h->interval = c->interval;
    h->lo = lo;
    h->nb = nb;
    /* the buckets of the collector's own span [hlo, hhi] holding a match: at most one a record
     * or a match counted directly */
    size_t nm = c->hlo <= c->hhi ? (size_t)(c->hhi - c->hlo + 1) : 0;
    nm = (uint64_t)nm < c->n + c->ndirect ? nm : (size_t)(c->n + c->ndirect);
    h->mi = ndx_malloc((nm ? nm : 1) * sizeof *h->mi);
    h->mst = ndx_malloc((nm ? nm : 1) * sizeof *h->mst);
    h->mcp = ndx_malloc((nm ? nm : 1) * sizeof *h->mcp);
    h->all = ndx_calloc(nb, sizeof *h->all);
    if (!h->mi || !h->mst || !h->mcp || !h->all)
        return NDX_ENOMEM;
    for (int64_t k = c->hlo; k <= c->hhi; k++)
        if (c->hcp[k - c->hlo]) {
            h->mi[h->nm] = (uint32_t)(k - lo);
            h->mst[h->nm] = c->hst[k - c->hlo];
            h->mcp[h->nm++] = c->hcp[k - c->hlo];
        }
    int rc = all_stories(c->S, root, c->interval, lo, hi, h->all);
    if (!rc)
        res->nbuckets = nb;
    return rc;
}
