/*
 * topk.c - the matching pass: every segment of the view is walked once by the query's iterator
 * tree and each live match that passes the filters goes to the collectors: the count (matches
 * and copies), the story collapse (best candidate of each story), the top-k heap, and the
 * analytics collectors (collect.c) when asked for.  Relevance queries of words and ORs of words
 * are pruned instead (MaxScore, block-max; by story when collapsed), then their matches counted
 * without scoring.  Entry point: ndx_search (newsdex.h).
 */
#include "query/eval.h"
#include "query/alias_expand.h"
#include "query/progress.h"

#include <stdlib.h>

/* ---- top-k heap --------------------------------------------------------------------------- */

/* a worse than b?  (lower key; ties: larger gid is worse) */
static int worse(const struct cand *a, const struct cand *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return a->gid > b->gid;
}

/*
 * The best `cap` candidates, worst at the root.  By story (collapse): one entry per story, its
 * best candidate, so the root is the k-th best story; story[i] is the story of entry i, found
 * again by a scan (small heaps) or through `where` (story -> index + 1).
 */
struct heap {
    struct cand *c;
    size_t n, cap;
    uint64_t *story; /* NULL: one entry per candidate */
    struct ndx_map where;
    int rc; /* NDX_ENOMEM once `where` could not grow */
};

#define HEAP_SCAN_MAX 32 /* up to this many entries the stories are scanned, not hashed */

static void heap_swap(struct heap *h, size_t i, size_t j)
{
    struct cand t = h->c[i];
    h->c[i] = h->c[j];
    h->c[j] = t;
    if (!h->story)
        return;
    uint64_t s = h->story[i];
    h->story[i] = h->story[j];
    h->story[j] = s;
    if (h->cap > HEAP_SCAN_MAX) {
        if (ndx__map_put(&h->where, h->story[i], i + 1) ||
            ndx__map_put(&h->where, h->story[j], j + 1))
            h->rc = NDX_ENOMEM;
    }
}

static void heap_down(struct heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && worse(&h->c[l], &h->c[m]))
            m = l;
        if (r < h->n && worse(&h->c[r], &h->c[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

static void heap_up(struct heap *h, size_t i)
{
    while (i && worse(&h->c[i], &h->c[(i - 1) / 2])) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_push(struct heap *h, const struct cand *x)
{
    if (h->cap == 0)
        return;
    if (h->n == h->cap) {
        if (!worse(&h->c[0], x))
            return;
        h->c[0] = *x;
        heap_down(h, 0);
        return;
    }
    h->c[h->n] = *x;
    heap_up(h, h->n++);
}

/* Entry index + 1 of story in a heap by story, 0 when it is not there. */
static size_t heap_find(const struct heap *h, uint64_t story)
{
    if (h->cap > HEAP_SCAN_MAX)
        return (size_t)ndx__map_get(&h->where, story);
    for (size_t i = 0; i < h->n; i++)
        if (h->story[i] == story)
            return i + 1;
    return 0;
}

/* x, a candidate of story, into a heap by story: it replaces its story's entry when better. */
static void heap_push_story(struct heap *h, const struct cand *x, uint64_t story)
{
    if (h->cap == 0)
        return;
    size_t k = heap_find(h, story);
    if (k) {
        if (worse(&h->c[k - 1], x)) {
            h->c[k - 1] = *x;
            heap_down(h, k - 1); /* better: away from the root */
        }
        return;
    }
    int big = h->cap > HEAP_SCAN_MAX;
    if (h->n == h->cap) {
        if (!worse(&h->c[0], x))
            return;
        if (big)
            ndx__map_put(&h->where, h->story[0], 0); /* the story leaves the heap */
        h->c[0] = *x;
        h->story[0] = story;
        if (big && ndx__map_put(&h->where, story, 1))
            h->rc = NDX_ENOMEM;
        heap_down(h, 0);
        return;
    }
    size_t i = h->n++;
    h->c[i] = *x;
    h->story[i] = story;
    if (big && ndx__map_put(&h->where, story, i + 1))
        h->rc = NDX_ENOMEM;
    heap_up(h, i);
}

/* A candidate into the heap: by its story when the heap is by story. */
static inline void heap_add(struct heap *h, const struct cand *x, const struct ndx_columns *col)
{
    if (h->story)
        heap_push_story(h, x, col->story[x->doc]);
    else
        heap_push(h, x);
}

static int cmp_cand_best_first(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (worse(x, y))
        return 1;
    if (worse(y, x))
        return -1;
    return 0;
}

struct story_slot {
    struct cand best;
};

/* ---- top-k with dynamic pruning (MaxScore, block-max) ------------------------------------- */

/* Leaves that are plain term sets over title and body: what MaxScore can prune. */
static int prunable_leaf(const struct cnode *c)
{
    const struct leaf *l = c->leaf;
    return l && (l->kind == NDX_Q_TERM || l->kind == NDX_Q_PREFIX) && l->nslots == 1 &&
           l->field == NDX_F_ANY && !l->meta;
}

static int prunable(const struct cnode *root)
{
    if (prunable_leaf(root))
        return 1;
    if (root->kind != NDX_Q_OR || root->nkids == 0)
        return 0;
    for (size_t i = 0; i < root->nkids; i++)
        if (!prunable_leaf(root->kids[i]))
            return 0;
    return 1;
}

static double ts_upper(const struct termset *t)
{
    double wf = 0;
    uint32_t mindl = UINT32_MAX;
    for (size_t i = 0; i < t->npl; i++) {
        wf += t->pls[i].ti.max_wf;
        mindl = NDX_MIN(mindl, t->pls[i].ti.min_dl);
    }
    return t->npl ? bm25(t->sc->S, t->idf, wf, mindl) : 0;
}

static int cmp_ub(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

struct ms_term {
    double ub; /* first: sorted by it */
    struct termset *t;
    size_t k; /* index of the kid in the query: scores are summed in that order, as or_score */
};

static double heap_threshold(const struct heap *h)
{
    return h->n == h->cap && h->cap ? h->c[0].key : -1.0;
}

/*
 * Can no document whose score is at most `bound` enter a full heap of threshold theta?  Strictly
 * below, with a margin for rounding (a bound and a score are summed in different orders): a
 * document scoring exactly theta can still enter, by its id, so pruning never changes the top k.
 */
static inline int below(double bound, double theta)
{
    return theta >= 0 && bound < theta * (1 - 1e-9);
}

/*
 * Block-max over one postings list: a block whose bound (its largest wf, its shortest document)
 * cannot enter the heap is skipped without decoding it; in the others each document's score is
 * bounded without a division first (A*wf < theta*(wf + norm(dl))) and computed only when it may
 * enter.  *matched counts the documents pushed (a lower bound of the matches).
 */
static void single_list(struct segctx *sc, struct termset *t, struct heap *heap, uint32_t gidx,
                        uint64_t *matched)
{
    struct ndx_pl *pl = &t->pls[0];
    struct search *S = sc->S;
    const struct ndx_segref *ref = sc->ref;
    const struct ndx_columns *col = &sc->seg->col;
    double avgdl = S->avgdl > 0 ? S->avgdl : 1;
    double a = t->idf * (BM25_K1 + 1), n0 = BM25_K1 * (1 - BM25_B), n1 = BM25_K1 * BM25_B / avgdl;
    double theta = heap_threshold(heap);
    while (pl->doc != NDX_DOC_END && !ndx__out_of_time(S)) {
        uint32_t bwf, bdl, last;
        ndx__pl_block_bounds(pl, &bwf, &bdl, &last);
        if (below(bm25(S, t->idf, bwf, bdl), theta) && last != NDX_DOC_END - 1) {
            ndx__pl_advance(pl, last + 1);
            continue;
        }
        double cut = theta * (1 - 1e-9);
        if (pl->wf_pending)
            ndx__pl_load_wfs(pl);
        for (uint32_t i = pl->i; i < pl->n; i++) {
            uint32_t d = pl->docs[i];
            double wf = pl->wfs[i];
            if (theta >= 0 && a * wf < cut * (wf + n0 + n1 * col->dl[d]))
                continue; /* its score is below theta */
            if (ndx__seg_deleted(ref, d))
                continue;
            double score = bm25(S, t->idf, wf, col->dl[d]);
            struct cand c = {score, score, col->gid[d], gidx, d};
            (*matched)++;
            heap_add(heap, &c, col);
            theta = heap_threshold(heap);
            cut = theta * (1 - 1e-9);
        }
        pl->i = pl->n - 1;
        pl->doc = pl->docs[pl->i];
        ndx__pl_next(pl);
    }
    if (pl->corrupt)
        ndx__eval_fail(S, NDX_ECORRUPT, sc->seg);
}

/*
 * MaxScore over one segment: terms sorted by score upper bound; the lowest ones, whose bounds sum
 * to less than the heap's threshold, are only probed for documents the others found.  A single
 * postings list goes block by block (single_list).  *matched counts the documents scored (a
 * lower bound of the matches).
 */
static int maxscore_segment(struct segctx *sc, const struct cnode *root, struct heap *heap,
                            uint32_t gidx, uint64_t *matched)
{
    size_t n = prunable_leaf(root) ? 1 : root->nkids;
    struct ms_term *m = ndx_calloc(n, sizeof *m);
    double *prefix = ndx_calloc(n, sizeof *prefix);
    double *part = ndx_calloc(n, sizeof *part); /* a kid's score on the current doc, or -1 */
    int rc = m && prefix && part ? NDX_OK : NDX_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        if (ndx__out_of_time_now(sc->S))
            goto out; /* out of time while looking the words up: the pass stops */
        const struct cnode *k = prunable_leaf(root) ? root : root->kids[i];
        const struct leaf *l = k->leaf;
        m[i].k = i;
        part[i] = -1;
        m[i].t = ndx__termset_new(sc, &l->slots[0], l->kind == NDX_Q_PREFIX, NDX_F_ANY, l->idf);
        if (!m[i].t)
            rc = NDX_ENOMEM;
        else
            m[i].ub = ts_upper(m[i].t);
    }
    if (rc)
        goto out;
    if (n == 1 && m[0].t->npl == 1) {
        single_list(sc, m[0].t, heap, gidx, matched);
        goto out;
    }
    qsort(m, n, sizeof *m, cmp_ub);
    for (size_t i = 0; i < n; i++)
        prefix[i] = (i ? prefix[i - 1] : 0) + m[i].ub;
    const struct ndx_segref *ref = sc->ref;
    const struct ndx_columns *col = &sc->seg->col;
    double theta = heap_threshold(heap);
    size_t e = 0;
    while (e < n && below(prefix[e], theta))
        e++;
    while (e < n && !ndx__out_of_time(sc->S)) {
        uint32_t d = NDX_DOC_END;
        for (size_t i = e; i < n; i++)
            d = NDX_MIN(d, m[i].t->base.doc);
        if (d == NDX_DOC_END)
            break;
        double score = 0;
        for (size_t i = e; i < n; i++)
            if (m[i].t->base.doc == d)
                score += part[m[i].k] = ts_score(&m[i].t->base);
        int keep = 1;
        for (size_t i = e; i-- > 0;) {
            if (below(score + prefix[i], theta)) {
                keep = 0;
                break;
            }
            if (it_advance(&m[i].t->base, d) == d)
                score += part[m[i].k] = ts_score(&m[i].t->base);
        }
        if (keep) { /* the exact score: summed in query order, as the OR iterator sums it */
            score = 0;
            for (size_t k = 0; k < n; k++)
                if (part[k] >= 0)
                    score += part[k];
        }
        for (size_t k = 0; k < n; k++)
            part[k] = -1;
        if (keep && !ndx__seg_deleted(ref, d)) {
            (*matched)++;
            struct cand c = {score, score, col->gid[d], gidx, d};
            heap_add(heap, &c, col);
            theta = heap_threshold(heap);
            while (e < n && below(prefix[e], theta))
                e++;
        }
        for (size_t i = e; i < n; i++)
            if (m[i].t->base.doc == d)
                it_next(&m[i].t->base);
        if (sc->S->rc)
            break;
    }
out:
    for (size_t i = 0; m && i < n; i++)
        if (m[i].t)
            ndx__termset_free(m[i].t);
    ndx_free(m);
    ndx_free(prefix);
    ndx_free(part);
    return rc;
}

/*
 * The number of live documents of one segment matching root, a word or an OR of words (prunable),
 * counted in a bitmap of the segment's documents: every postings list is walked block by block
 * and its documents marked, then the marks not deleted counted.  NDX_ENOTFOUND when the lists are
 * too short for the bitmap to pay (fewer postings than a 64th of the documents): the caller
 * iterates then.
 */
static int or_count_segment(struct segctx *sc, const struct cnode *root, uint64_t *count)
{
    struct search *S = sc->S;
    const struct ndx_seg *seg = sc->seg;
    size_t n = prunable_leaf(root) ? 1 : root->nkids;
    uint64_t postings = 0;
    for (size_t i = 0; i < n; i++) {
        const struct leaf *l = (prunable_leaf(root) ? root : root->kids[i])->leaf;
        const struct slot *s = &l->slots[0];
        for (size_t k = 0; k < s->nterms; k++) {
            struct ndx_terminfo ti;
            if (l->kind == NDX_Q_PREFIX)
                postings += seg->ndocs; /* counted only when walked */
            else if (ndx__term_lookup(S, seg, s->terms[k], strlen(s->terms[k]), &ti) == NDX_OK)
                postings += ti.df;
        }
    }
    if (postings * 64 < seg->ndocs)
        return NDX_ENOTFOUND;
    size_t words = ((size_t)seg->ndocs + 63) / 64;
    uint64_t *bits = ndx_calloc(words ? words : 1, sizeof *bits);
    if (!bits)
        return NDX_ENOMEM;
    for (size_t i = 0; i < n && !S->rc && !S->partial; i++) {
        const struct leaf *l = (prunable_leaf(root) ? root : root->kids[i])->leaf;
        struct termset *t =
            ndx__termset_new(sc, &l->slots[0], l->kind == NDX_Q_PREFIX, NDX_F_ANY, l->idf);
        if (!t)
            break;
        for (size_t k = 0; k < t->npl && !ndx__out_of_time(S); k++) {
            struct ndx_pl *pl = &t->pls[k];
            while (pl->doc != NDX_DOC_END && !ndx__out_of_time(S)) {
                for (uint32_t j = pl->i; j < pl->n; j++)
                    bits[pl->docs[j] >> 6] |= (uint64_t)1 << (pl->docs[j] & 63);
                pl->i = pl->n - 1; /* the block's last doc: the next one starts the next block */
                pl->doc = pl->docs[pl->i];
                ndx__pl_next(pl);
            }
            if (pl->corrupt)
                ndx__eval_fail(S, NDX_ECORRUPT, seg);
        }
        ndx__termset_free(t);
    }
    uint64_t c = 0;
    const uint8_t *del = sc->ref->ndel ? sc->ref->del : NULL;
    size_t dbytes = ((size_t)seg->ndocs + 7) / 8;
    for (size_t w = 0; w < words; w++) {
        uint64_t x = bits[w];
        if (del && x) {
            uint64_t d = 0; /* deletion bits of docs 64w.. (byte d>>3, bit d&7) */
            for (size_t b = 0; b < 8 && w * 8 + b < dbytes; b++)
                d |= (uint64_t)del[w * 8 + b] << (8 * b);
            x &= ~d;
        }
        c += (uint64_t)__builtin_popcountll(x);
    }
    ndx_free(bits);
    *count = c;
    return NDX_OK;
}

/*
 * The distinct stories of the matches, when only their number is needed: a bitmap over the ids
 * up to the view's largest article id when the matches are expected to be many (a story id is the
 * id of one of its articles), a hash set otherwise and for any id beyond the bitmap.
 */
struct storyset {
    uint64_t *bits;
    uint64_t nbits;
    struct ndx_map over;
    uint64_t n; /* distinct stories */
    int ready;
};

/* Sized for about `est` matches, on the first segment that counts them. */
static int storyset_init(struct storyset *s, const struct ndx_view *v, uint64_t est)
{
    s->ready = 1;
    uint64_t maxid = 0;
    for (size_t g = 0; g < v->nsegs; g++) {
        const struct ndx_seg *seg = v->segs[g].seg;
        if (seg->ndocs)
            maxid = NDX_MAX(maxid, seg->col.gid[seg->ndocs - 1]);
    }
    /* a bitmap when it is smaller than a hash set of the expected matches (24 bytes each) */
    if (maxid < ((uint64_t)1 << 34) && (maxid + 64) / 8 <= est * 24) {
        s->nbits = (maxid + 64) & ~(uint64_t)63;
        s->bits = ndx_calloc(s->nbits / 64, sizeof *s->bits);
        if (!s->bits)
            return NDX_ENOMEM;
        return NDX_OK;
    }
    return ndx__map_reserve(&s->over, (size_t)NDX_MIN(est, (uint64_t)1 << 20));
}

static inline int storyset_add(struct storyset *s, uint64_t story)
{
    if (story < s->nbits) {
        uint64_t m = (uint64_t)1 << (story & 63), *w = &s->bits[story >> 6];
        s->n += !(*w & m);
        *w |= m;
        return NDX_OK;
    }
    if (ndx__map_get(&s->over, story))
        return NDX_OK;
    s->n++;
    return ndx__map_put(&s->over, story, 1);
}

int ndx__execute(struct search *S, struct cnode *root, const struct run_opts *ro, ndx_results *res)
{
    ndx_index *ix = S->ix;
    const ndx_search_opts *opts = S->o;
    size_t want = opts->offset + opts->limit;
    if (want < opts->offset)
        return ndx__index_fail(ix, NDX_EINVAL, "offset too large");
    struct heap heap = {NULL, 0, want, NULL, {0}, 0};
    ndx__map_init(&heap.where);
    heap.c = ndx_malloc((want ? want : 1) * sizeof *heap.c);
    struct ndx_map story_map; /* story -> index + 1 in slots */
    ndx__map_init(&story_map);
    struct story_slot *slots = NULL;
    size_t nslots = 0, capslots = 0;
    struct storyset counted = {NULL, 0, {0}, 0, 0}; /* the stories when only counted */
    ndx__map_init(&counted.over);
    int rc = heap.c ? NDX_OK : NDX_ENOMEM;
    int has_from = opts->date_from != NDX_DATE_UNKNOWN, has_to = opts->date_to != NDX_DATE_UNKNOWN;
    uint64_t total = 0, copies = 0;
    int prune = opts->sort == NDX_SORT_RELEVANCE && !has_from && !has_to && !ro && !S->coll &&
                want > 0 && prunable(root);
    if (prune && opts->collapse && !rc) { /* the k best stories: the heap holds one per story */
        heap.story = ndx_malloc(want * sizeof *heap.story);
        if (!heap.story || (want > HEAP_SCAN_MAX && ndx__map_reserve(&heap.where, 2 * want)))
            rc = NDX_ENOMEM;
    }
    /* progress: a pruned pass, then the recount of its matches, each half of the pass's span */
    double span_lo = ix->prog_lo, span_hi = ix->prog_hi;
    if (prune && (opts->want_count || opts->collapse || opts->count_stories))
        ndx__progress_part(ix, span_lo, span_hi, 0, 0.5);
    for (size_t g = 0; g < S->v.nsegs && !rc && prune && !S->partial; g++) {
        struct segctx sc = {S, S->v.segs[g].seg, &S->v.segs[g]};
        rc = maxscore_segment(&sc, root, &heap, (uint32_t)g, &total);
        if (!rc)
            rc = heap.rc;
        ndx__progress_scan(ix, &S->v, g, UINT32_MAX);
        if (!rc)
            rc = ndx__eval_status(S);
    }
    copies = total;
    int stories = opts->collapse || opts->count_stories;
    /* Exact totals after a pruned pass: the matches counted again without scoring them (one
     * plain term in a segment without deletions: its document frequency). */
    int recount = prune && (opts->want_count || stories) && !S->partial;
    if (recount) {
        total = copies = 0;
        ndx__progress_part(ix, span_lo, span_hi, 0.5, 1);
    }
    /* no hits to return and a collector: nothing is scored, and the collector's records (sorted
     * by story) give the stories, so no story set is kept */
    int coll_stories = S->coll && want == 0 && !ro;
    int scoring = !prune && (want > 0 || (opts->collapse && !coll_stories));
    for (size_t g = 0; g < S->v.nsegs && !rc && (!prune || recount) && !S->partial; g++) {
        const struct ndx_segref *ref = &S->v.segs[g];
        struct segctx sc = {S, ref->seg, ref};
        /* a count of one plain term in a segment without deletions is its document frequency */
        if (!scoring && !stories && !has_from && !has_to && !ro && !S->coll && ref->ndel == 0 &&
            prunable_leaf(root) && root->leaf->kind == NDX_Q_TERM &&
            root->leaf->slots[0].nterms == 1) {
            struct ndx_terminfo ti;
            const char *t = root->leaf->slots[0].terms[0];
            int lr = ndx__term_lookup(S, ref->seg, t, strlen(t), &ti);
            if (lr == NDX_OK || lr == NDX_ENOTFOUND) {
                total += lr == NDX_OK ? ti.df : 0;
                continue;
            }
        }
        S->no_scores = !scoring; /* the term sets skip their frequencies */
        if (!scoring && !stories && !has_from && !has_to && !ro && !S->coll && prunable(root)) {
            uint64_t c = 0;
            int cr = or_count_segment(&sc, root, &c);
            S->no_scores = 0;
            if (cr == NDX_OK) {
                total += c;
                if ((rc = ndx__eval_status(S)))
                    break;
                continue;
            }
            if (cr != NDX_ENOTFOUND) {
                rc = cr;
                break;
            }
            S->no_scores = 1;
        }
        struct it *it = ndx__build_it(&sc, root);
        if (!it) {
            rc = ndx__eval_status(S);
            break;
        }
        const struct ndx_columns *col = &ref->seg->col;
        for (uint32_t d = it->doc; d != NDX_DOC_END && !rc; d = it_next(it)) {
            if (ndx__out_of_time(S))
                break;
            ndx__progress_scan(ix, &S->v, g, d);
            if (ndx__seg_deleted(ref, d))
                continue;
            int64_t pub = col->published[d];
            if ((has_from || has_to) &&
                (pub == NDX_DATE_UNKNOWN || (has_from && pub < opts->date_from) ||
                 (has_to && pub > opts->date_to)))
                continue;
            uint64_t story = 0;
            if (stories || ro) {
                story = col->story[d];
                if (ro && ro->exclude_story && story == ro->exclude_story)
                    continue;
            }
            total++;
            if (stories)
                copies += 1 + NDX_NCOPIES(col->flags[d]);
            if (S->coll && (rc = ndx__coll_add(S->coll, ref, d)))
                break;
            if ((recount || !scoring) && stories && !coll_stories) { /* counted; its best hit
                                                                       is not needed */
                if (!counted.ready &&
                    (rc = storyset_init(&counted, &S->v,
                                        it->cost * (S->v.ndocs / NDX_MAX(ref->seg->ndocs, 1)))))
                    break;
                if ((rc = storyset_add(&counted, story)))
                    break;
            }
            if (!scoring)
                continue;
            struct cand c;
            c.score = it->ops->score(it);
            if (ro && ro->near_date != NDX_DATE_UNKNOWN && pub != NDX_DATE_UNKNOWN) {
                double days = fabs((double)(pub - ro->near_date)) / 86400.0;
                c.score *= 1.0 + 0.5 * exp(-days / 14.0);
            }
            c.gid = col->gid[d];
            c.seg = (uint32_t)g;
            c.doc = d;
            if (opts->sort == NDX_SORT_DATE)
                c.key = pub == NDX_DATE_UNKNOWN ? -1e300 : (double)pub;
            else if (opts->sort == NDX_SORT_DATE_ASC)
                c.key = pub == NDX_DATE_UNKNOWN ? -1e300 : -(double)pub;
            else
                c.key = c.score;
            if (stories) {
                if (!story_map.cap && /* sized for the matches expected, not grown to them */
                    (rc = ndx__map_reserve(
                         &story_map,
                         (size_t)NDX_MIN(it->cost * (S->v.ndocs / NDX_MAX(ref->seg->ndocs, 1)),
                                         (uint64_t)1 << 20))))
                    break;
                uint64_t k = ndx__map_get(&story_map, story);
                if (!k) {
                    if (nslots == capslots) {
                        size_t cap = capslots ? capslots * 2 : 64;
                        struct story_slot *p = ndx_realloc(slots, cap * sizeof *p);
                        if (!p) {
                            rc = NDX_ENOMEM;
                            break;
                        }
                        slots = p;
                        capslots = cap;
                    }
                    slots[nslots].best = c;
                    if ((rc = ndx__map_put(&story_map, story, ++nslots)))
                        break;
                } else if (worse(&slots[k - 1].best, &c)) {
                    slots[k - 1].best = c;
                }
            }
            if (!opts->collapse)
                heap_push(&heap, &c);
        }
        it_free(it);
        S->no_scores = 0;
        ndx__progress_scan(ix, &S->v, g, UINT32_MAX);
        if (!rc)
            rc = ndx__eval_status(S);
    }
    if (!stories)
        copies = total;
    uint64_t coll_n = 0;
    if (!rc && stories && coll_stories && !(rc = ndx__coll_sort(S->coll)))
        coll_n = ndx__coll_stories(S->coll);
    if (rc)
        goto out;
    if (opts->collapse && !prune)
        for (size_t i = 0; i < nslots; i++)
            heap_push(&heap, &slots[i].best);
    qsort(heap.c, heap.n, sizeof *heap.c, cmp_cand_best_first);
    /* out of time in a pruned pass: the stories of the hits are those known */
    uint64_t nstories = prune && !recount ? (opts->collapse ? heap.n : 0)
                        : scoring         ? nslots
                        : coll_stories    ? coll_n
                                          : counted.n;
    res->total = opts->collapse ? nstories : total;
    res->total_stories = stories ? nstories : 0;
    res->total_copies = copies;
    res->exact = (!prune || recount) && !S->partial;
    res->partial = S->partial;
    size_t from = NDX_MIN(opts->offset, heap.n);
    size_t n = heap.n - from;
    if (S->keep_cands) {
        S->cands = heap.c;
        S->ncands = heap.n;
        heap.c = NULL;
    }
    rc = ndx__results_fill(S, root, S->keep_cands ? S->cands + from : heap.c + from, n, res);
out:
    ndx__progress_span(ix, span_lo, span_hi); /* the caller's span again */
    ndx_free(heap.c);
    ndx_free(heap.story);
    ndx__map_free(&heap.where);
    ndx_free(slots);
    ndx__map_free(&story_map);
    ndx_free(counted.bits);
    ndx__map_free(&counted.over);
    return rc;
}

int ndx_search_analytics(ndx_index *ix, const char *query, size_t nquery,
                         const ndx_search_opts *opts, const ndx_analytics_opts *a,
                         ndx_results **out, size_t *errpos)
{
    *out = NULL;
    double t0 = now_ms();
    ndx_search_opts defaults;
    if (!opts) {
        ndx_search_opts_init(&defaults);
        opts = &defaults;
    }
    struct ndx_qnode *q = NULL;
    int rc = ndx__parse_query(ix, query, nquery, &q, errpos);
    if (rc)
        return rc;
    if (opts->aliases)
        rc = ndx__alias_expand(ix, &q); /* names in their other script too */
    struct search S;
    ndx__search_init(&S, ix, opts);
    ndx__progress_begin(ix);
    if (opts->timeout_ms)
        S.deadline = t0 + opts->timeout_ms;
    struct cnode *root = NULL;
    ndx_results *res = ndx_calloc(1, sizeof *res);
    if (!res)
        rc = NDX_ENOMEM;
    if (!rc && a && (a->nfacets || a->histogram))
        rc = ndx__coll_new(&S, a, &S.coll);
    if (!rc)
        rc = ndx__compile(&S, q, &root);
    if (!rc) { /* out of time already (S.partial): the pass finds nothing, marked partial */
        ndx__compute_idf(&S, root);
        if (S.coll && a->histogram) /* the matches, then the archive's stories per bucket */
            ndx__progress_span(ix, 0, 0.5);
        rc = ndx__execute(&S, root, NULL, res);
    }
    if (!rc && S.coll) {
        int64_t lo, hi;
        rc = ndx__coll_finish(S.coll, res);
        ndx__coll_span(S.coll, &lo, &hi);
        ndx__progress_span(ix, 0.5, 1);
        if (!rc && a->histogram)
            rc = ndx__coll_histogram(S.coll, root, lo, hi, res);
    }
    ndx__coll_free(S.coll);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    ndx__query_free(q);
    if (rc) {
        ndx_results_free(res);
        if (rc == NDX_ENOMEM)
            ndx__index_fail(ix, rc, "out of memory");
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    ndx__progress_end(ix);
    return NDX_OK;
}

int ndx_results_partial(const ndx_results *r)
{
    return r ? r->partial : 0;
}

int ndx_search(ndx_index *ix, const char *query, size_t nquery, const ndx_search_opts *opts,
               ndx_results **out, size_t *errpos)
{
    return ndx_search_analytics(ix, query, nquery, opts, NULL, out, errpos);
}
