/*
 * iter.c - document iterators over one segment: term sets (the union of a word's stemming
 * alternatives or of a prefix's expansions, restricted to the title or body by positions),
 * phrases and proximity on positions, AND with exclusions, OR, NOT, date ranges over the published
 * column; each scores its current document with BM25F.  ndx__build_it builds the tree of a
 * compiled query for a segment.
 */
#include "query/eval.h"

#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Merge positions of every list on the current doc (restricted to the field); -1 on error.  With
 * one list, the positions above limit may be left out. */
static int ts_positions_upto(struct termset *t, uint32_t limit)
{
    t->nmerged = 0;
    uint32_t tl = t->sc->seg->col.title_len[t->base.doc];
    if (t->npl == 1) { /* one list: decoded in place, then filtered to the field */
        int np = ndx__pl_positions_upto(&t->pls[0], &t->merged, &t->capmerged, limit);
        if (np < 0) {
            ndx__eval_fail(t->sc->S, np == -2 ? NDX_ENOMEM : NDX_ECORRUPT, t->sc->seg);
            return -1;
        }
        size_t k = (size_t)np;
        if (t->field == NDX_F_TITLE || t->field == NDX_F_BODY) {
            k = 0;
            for (int i = 0; i < np; i++)
                if ((t->merged[i] < tl) == (t->field == NDX_F_TITLE))
                    t->merged[k++] = t->merged[i];
        }
        t->nmerged = k;
        return (int)k;
    }
    for (size_t i = 0; i < t->npl; i++) {
        struct ndx_pl *pl = &t->pls[i];
        if (pl->doc != t->base.doc)
            continue;
        int np = ndx__pl_positions(pl, &t->pos, &t->cap);
        if (np < 0) {
            ndx__eval_fail(t->sc->S, np == -2 ? NDX_ENOMEM : NDX_ECORRUPT, t->sc->seg);
            return -1;
        }
        for (int k = 0; k < np; k++) {
            uint32_t p = t->pos[k];
            if ((t->field == NDX_F_TITLE && p >= tl) || (t->field == NDX_F_BODY && p < tl))
                continue;
            if (t->nmerged == t->capmerged) {
                size_t c = t->capmerged ? t->capmerged * 2 : 32;
                uint32_t *m = ndx_realloc(t->merged, c * sizeof *m);
                if (!m) {
                    ndx__eval_fail(t->sc->S, NDX_ENOMEM, NULL);
                    return -1;
                }
                t->merged = m;
                t->capmerged = c;
            }
            t->merged[t->nmerged++] = p;
        }
    }
    if (t->npl > 1 && t->nmerged)
        qsort(t->merged, t->nmerged, sizeof *t->merged, cmp_u32);
    return (int)t->nmerged;
}

static int ts_positions(struct termset *t)
{
    return ts_positions_upto(t, UINT32_MAX);
}

/* ndx__pl_advance, the step inside the current block inlined (most advances stay in it). */
static inline uint32_t pl_advance_to(struct ndx_pl *pl, uint32_t target)
{
    if (pl->doc != NDX_DOC_END && pl->block != UINT32_MAX && pl->n &&
        pl->docs[pl->n - 1] >= target) {
        uint32_t i = pl->i;
        while (pl->docs[i] < target)
            i++;
        pl->i = i;
        return pl->doc = pl->docs[i];
    }
    return ndx__pl_advance(pl, target);
}

static uint32_t ts_advance(struct it *it, uint32_t target)
{
    struct termset *t = (struct termset *)it;
    if (t->npl == 1 && t->field == NDX_F_ANY) { /* one word over title and body */
        struct ndx_pl *pl = &t->pls[0];
        uint32_t d = pl->doc < target ? pl_advance_to(pl, target) : pl->doc;
        if (pl->corrupt)
            ndx__eval_fail(t->sc->S, NDX_ECORRUPT, t->sc->seg);
        t->base.doc = d;
        t->wf = d != NDX_DOC_END && !t->no_wf && !t->sc->S->no_scores ? ndx__pl_wf(pl) : 0;
        return d;
    }
    for (;;) {
        uint32_t m = NDX_DOC_END;
        for (size_t i = 0; i < t->npl; i++) {
            struct ndx_pl *pl = &t->pls[i];
            if (pl->doc < target)
                pl_advance_to(pl, target);
            if (pl->corrupt)
                ndx__eval_fail(t->sc->S, NDX_ECORRUPT, t->sc->seg);
            if (pl->doc < m)
                m = pl->doc;
        }
        if (m == NDX_DOC_END)
            return m;
        t->base.doc = m;
        t->wf = 0;
        if (t->field == NDX_F_TITLE || t->field == NDX_F_BODY) {
            int n = ts_positions(t);
            if (n < 0)
                return NDX_DOC_END;
            if (n == 0) {
                target = m + 1;
                continue;
            }
            t->wf = (uint32_t)n * (t->field == NDX_F_TITLE ? NDX_TITLE_WEIGHT : 1);
        } else if (!t->no_wf && !t->sc->S->no_scores) {
            for (size_t i = 0; i < t->npl; i++)
                if (t->pls[i].doc == m)
                    t->wf += ndx__pl_wf(&t->pls[i]);
        }
        return m;
    }
}

static void ts_free(struct it *it)
{
    struct termset *t = (struct termset *)it;
    ndx_free(t->pls);
    ndx_free(t->pos);
    ndx_free(t->merged);
    ndx_free(t);
}

static const struct it_ops ts_ops = {ts_advance, ts_score, ts_free};

struct prefix_ctx {
    struct termset *t;
    size_t cap;
    int rc;
};

static int add_pl(struct termset *t, size_t *cap, const struct ndx_terminfo *ti)
{
    if (t->npl == *cap) {
        size_t c = *cap ? *cap * 2 : 4;
        struct ndx_pl *p = ndx_realloc(t->pls, c * sizeof *p);
        if (!p)
            return NDX_ENOMEM;
        t->pls = p;
        *cap = c;
    }
    ndx__pl_init(&t->pls[t->npl++], t->sc->seg, ti);
    t->base.cost += ti->df;
    return NDX_OK;
}

int ndx__term_lookup(struct search *S, const struct ndx_seg *seg, const char *t, size_t n,
                     struct ndx_terminfo *ti)
{
    size_t m = NDX_MIN(S->ntcache, NDX_TCACHE);
    for (size_t i = 0; i < m; i++) {
        const struct tcache_entry *e = &S->tcache[i];
        if (e->seg == seg && e->n == n && memcmp(e->term, t, n) == 0) {
            if (e->rc == NDX_OK)
                *ti = e->ti;
            return e->rc;
        }
    }
    int rc = ndx__seg_lookup(seg, t, n, ti);
    if ((rc == NDX_OK || rc == NDX_ENOTFOUND) && n <= NDX_TCACHE_TERM) {
        struct tcache_entry *e = &S->tcache[S->ntcache++ % NDX_TCACHE];
        e->seg = seg;
        e->rc = rc;
        e->n = (uint32_t)n;
        if (rc == NDX_OK)
            e->ti = *ti;
        memcpy(e->term, t, n);
    }
    return rc;
}

#define STOP_OUT_OF_TIME 1 /* on_prefix_term: the budget ran out (statuses are negative) */

static int on_prefix_term(void *ctx, const char *term, size_t n, const struct ndx_terminfo *ti)
{
    (void)term, (void)n;
    struct prefix_ctx *p = ctx;
    if (ndx__out_of_time(p->t->sc->S))
        return STOP_OUT_OF_TIME;
    return p->rc = add_pl(p->t, &p->cap, ti);
}

static struct termset *termset_new(struct segctx *sc, const struct slot *s, int prefix, int field,
                                   double idf)
{
    struct termset *t = ndx_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->base.ops = &ts_ops;
    t->sc = sc;
    t->field = field;
    t->idf = idf;
    size_t cap = 0;
    for (size_t i = 0; i < s->nterms && !ndx__out_of_time_now(sc->S); i++) {
        int rc;
        if (prefix) {
            struct prefix_ctx pc = {t, cap, 0};
            rc = ndx__seg_terms(sc->seg, s->terms[i], strlen(s->terms[i]), on_prefix_term, &pc);
            cap = pc.cap;
            if (rc == NDX_ECORRUPT)
                ndx__eval_fail(sc->S, NDX_ECORRUPT, sc->seg);
            else if (rc == STOP_OUT_OF_TIME)
                break;
            else if (rc) {
                ts_free(&t->base);
                return NULL;
            }
            continue;
        }
        struct ndx_terminfo ti;
        rc = ndx__term_lookup(sc->S, sc->seg, s->terms[i], strlen(s->terms[i]), &ti);
        if (rc == NDX_ENOTFOUND)
            continue;
        if (rc == NDX_ECORRUPT) {
            ndx__eval_fail(sc->S, NDX_ECORRUPT, sc->seg);
            continue;
        }
        if (add_pl(t, &cap, &ti)) {
            ts_free(&t->base);
            return NULL;
        }
    }
    t->base.doc = 0;
    t->base.doc = ts_advance(&t->base, 0);
    return t;
}

/* Phrase / proximity over term sets. */
struct phrase {
    struct it base;
    struct segctx *sc;
    struct termset **slots;
    uint32_t *rel;
    size_t *order; /* slots by rising cost: the rarest leads the advance */
    size_t n;
    uint32_t slop; /* UINT32_MAX: only all-present (metadata words) */
    double idf;
    uint32_t freq;
};

static int phrase_match(struct phrase *p)
{
    if (p->slop == UINT32_MAX)
        return 1;
    /* positions of every slot: the rarest first, then the others only up to the last position
     * a match with it could need (anchor <= its last - rel + slop, so slot i's position <=
     * anchor + rel[i] + slop) */
    size_t r = p->order[0];
    if (ts_positions(p->slots[r]) <= 0)
        return 0;
    const struct termset *rt = p->slots[r];
    uint64_t top = (uint64_t)rt->merged[rt->nmerged - 1] + 2 * (uint64_t)p->slop;
    for (size_t i = 0; i < p->n; i++) {
        if (i == r)
            continue;
        uint64_t lim = top + p->rel[i];
        lim = lim > p->rel[r] ? lim - p->rel[r] : 0;
        if (ts_positions_upto(p->slots[i], lim > UINT32_MAX ? UINT32_MAX : (uint32_t)lim) <= 0)
            return 0;
    }
    uint32_t freq = 0;
    const struct termset *first = p->slots[0];
    /* each slot's first position >= lo: lo rises with p0, so for up to 16 slots a cursor per
     * slot steps forward through its positions (one pass each), beyond by binary search */
    size_t cur[16] = {0};
    int step = p->n <= NDX_ARRAY_LEN(cur);
    for (size_t a = 0; a < first->nmerged; a++) {
        uint64_t p0 = first->merged[a];
        int ok = 1;
        for (size_t i = 1; i < p->n && ok; i++) {
            const struct termset *t = p->slots[i];
            uint64_t want = p0 + p->rel[i];
            uint64_t lo = want > p->slop ? want - p->slop : 0, hi = want + p->slop;
            ok = 0;
            size_t l = 0, h = t->nmerged;
            if (step) {
                l = cur[i];
                while (l < h && t->merged[l] < lo)
                    l++;
                cur[i] = l;
                if (l == h)
                    goto done; /* no position of slot i left: no later anchor matches either */
            } else {
                while (l < h) {
                    size_t m = (l + h) / 2;
                    if (t->merged[m] < lo)
                        l = m + 1;
                    else
                        h = m;
                }
            }
            if (l < t->nmerged && t->merged[l] <= hi)
                ok = 1;
        }
        freq += ok;
    }
done:
    p->freq = freq;
    return freq > 0;
}

static uint32_t phrase_advance(struct it *it, uint32_t target)
{
    struct phrase *p = (struct phrase *)it;
    struct search *S = p->sc->S;
    for (;;) {
        if (S->rc || ndx__out_of_time(S))
            return NDX_DOC_END;
        uint32_t d = it_advance(&p->slots[p->order[0]]->base, target);
        if (d == NDX_DOC_END)
            return d;
        size_t i = 1;
        for (; i < p->n; i++) {
            uint32_t e = it_advance(&p->slots[p->order[i]]->base, d);
            if (e != d) {
                d = e;
                break;
            }
        }
        if (d == NDX_DOC_END)
            return d;
        if (i < p->n) {
            target = d;
            continue;
        }
        if (phrase_match(p))
            return d;
        target = d + 1;
    }
}

static double phrase_score(struct it *it)
{
    struct phrase *p = (struct phrase *)it;
    if (p->slop == UINT32_MAX) {
        double s = 0;
        for (size_t i = 0; i < p->n; i++)
            s += ts_score(&p->slots[i]->base);
        return s;
    }
    return bm25(p->sc->S, p->idf, (double)p->freq * NDX_TITLE_WEIGHT, p->sc->seg->col.dl[it->doc]);
}

static void phrase_free(struct it *it)
{
    struct phrase *p = (struct phrase *)it;
    for (size_t i = 0; i < p->n; i++)
        if (p->slots[i])
            ts_free(&p->slots[i]->base);
    ndx_free(p->slots);
    ndx_free(p->rel);
    ndx_free(p->order);
    ndx_free(p);
}

static const struct it_ops phrase_ops = {phrase_advance, phrase_score, phrase_free};

/* Boolean iterators. */
struct boolit {
    struct it base;
    struct search *S; /* for the time budget */
    struct it **kids;
    size_t n;
    struct it **excl; /* AND: exclusions */
    size_t nexcl;
    uint32_t ndocs; /* ALL */
};

static uint32_t and_advance(struct it *it, uint32_t target)
{
    struct boolit *b = (struct boolit *)it;
    for (;;) {
        if (ndx__out_of_time(b->S))
            return NDX_DOC_END;
        uint32_t d = it_advance(b->kids[0], target);
        if (d == NDX_DOC_END)
            return d;
        size_t i = 1;
        for (; i < b->n; i++) {
            uint32_t e = it_advance(b->kids[i], d);
            if (e != d) {
                d = e;
                break;
            }
        }
        if (d == NDX_DOC_END)
            return d;
        if (i < b->n) {
            target = d;
            continue;
        }
        int excluded = 0;
        for (size_t k = 0; k < b->nexcl && !excluded; k++)
            excluded = it_advance(b->excl[k], d) == d;
        if (!excluded)
            return d;
        target = d + 1;
    }
}

static double and_score(struct it *it)
{
    struct boolit *b = (struct boolit *)it;
    double s = 0;
    for (size_t i = 0; i < b->n; i++)
        s += b->kids[i]->ops->score(b->kids[i]);
    return s;
}

static uint32_t or_advance(struct it *it, uint32_t target)
{
    struct boolit *b = (struct boolit *)it;
    uint32_t m = NDX_DOC_END;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t d = it_advance(b->kids[i], target);
        if (d < m)
            m = d;
    }
    return m;
}

static double or_score(struct it *it)
{
    struct boolit *b = (struct boolit *)it;
    double s = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->kids[i]->doc == it->doc)
            s += b->kids[i]->ops->score(b->kids[i]);
    return s;
}

static uint32_t all_advance(struct it *it, uint32_t target)
{
    struct boolit *b = (struct boolit *)it;
    for (;;) {
        if (target >= b->ndocs || ndx__out_of_time(b->S))
            return NDX_DOC_END;
        int excluded = 0;
        for (size_t k = 0; k < b->nexcl && !excluded; k++)
            excluded = it_advance(b->excl[k], target) == target;
        if (!excluded)
            return target;
        target++;
    }
}

static double zero_score(struct it *it)
{
    (void)it;
    return 0;
}

static void bool_free(struct it *it)
{
    struct boolit *b = (struct boolit *)it;
    for (size_t i = 0; i < b->n; i++)
        it_free(b->kids[i]);
    for (size_t i = 0; i < b->nexcl; i++)
        it_free(b->excl[i]);
    ndx_free(b->kids);
    ndx_free(b->excl);
    ndx_free(b);
}

static const struct it_ops and_ops = {and_advance, and_score, bool_free};
static const struct it_ops or_ops = {or_advance, or_score, bool_free};
static const struct it_ops all_ops = {all_advance, zero_score, bool_free};

/* Date range over the published column. */
struct dateit {
    struct it base;
    const struct ndx_seg *seg;
    int64_t from, to;
};

static uint32_t date_advance(struct it *it, uint32_t target)
{
    struct dateit *d = (struct dateit *)it;
    for (uint32_t k = target; k < d->seg->ndocs; k++) {
        int64_t t = d->seg->col.published[k];
        if (t != NDX_DATE_UNKNOWN && t >= d->from && t <= d->to)
            return k;
    }
    return NDX_DOC_END;
}

static void plain_free(struct it *it)
{
    ndx_free(it);
}

static const struct it_ops date_ops = {date_advance, zero_score, plain_free};

/* wire:yes / wire:no over the flags column. */
struct wireit {
    struct it base;
    const struct ndx_seg *seg;
    int wire;
};

static uint32_t wire_advance(struct it *it, uint32_t target)
{
    struct wireit *w = (struct wireit *)it;
    for (uint32_t k = target; k < w->seg->ndocs; k++)
        if (((w->seg->col.flags[k] & NDX_ART_WIRE) != 0) == w->wire)
            return k;
    return NDX_DOC_END;
}

static const struct it_ops wire_ops = {wire_advance, zero_score, plain_free};

/* Matches nothing. */
static uint32_t none_advance(struct it *it, uint32_t target)
{
    (void)it, (void)target;
    return NDX_DOC_END;
}
static const struct it_ops none_ops = {none_advance, zero_score, plain_free};

static struct it *none_new(void)
{
    struct it *it = ndx_calloc(1, sizeof *it);
    if (it) {
        it->ops = &none_ops;
        it->doc = NDX_DOC_END;
    }
    return it;
}

static int cmp_cost(const void *a, const void *b)
{
    const struct it *x = *(struct it *const *)a, *y = *(struct it *const *)b;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

static struct boolit *boolit_new(struct segctx *sc, const struct it_ops *ops, size_t nkids)
{
    struct boolit *b = ndx_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->base.ops = ops;
    b->S = sc->S;
    b->kids = ndx_calloc(nkids ? nkids : 1, sizeof *b->kids);
    b->excl = ndx_calloc(nkids ? nkids : 1, sizeof *b->excl);
    if (!b->kids || !b->excl) {
        bool_free(&b->base);
        return NULL;
    }
    return b;
}

static struct it *build_it(struct segctx *sc, const struct cnode *c);

static struct it *build_bool(struct segctx *sc, const struct cnode *c)
{
    int is_and = c->kind == NDX_Q_AND;
    struct boolit *b = boolit_new(sc, is_and ? &and_ops : &or_ops, c->nkids);
    if (!b)
        return NULL;
    for (size_t i = 0; i < c->nkids; i++) {
        const struct cnode *k = c->kids[i];
        if (ndx__out_of_time_now(sc->S))
            break; /* out of time: the kids built so far (the pass stops at once anyway) */
        if (k->kind == NDX_Q_NOT && is_and) {
            struct it *e = k->nkids ? build_it(sc, k->kids[0]) : none_new();
            if (!e)
                goto fail;
            b->excl[b->nexcl++] = e;
            continue;
        }
        if (k->leaf && !ndx__leaf_is_column(k->leaf) && k->leaf->nslots == 0)
            continue; /* a word with nothing searchable in it ("—") is ignored */
        struct it *e = build_it(sc, k);
        if (!e)
            goto fail;
        b->kids[b->n++] = e;
    }
    if (b->n == 0 && b->nexcl == 0) {
        bool_free(&b->base);
        return none_new();
    }
    if (is_and && b->n == 0) {
        /* only exclusions: everything but them */
        b->base.ops = &all_ops;
        b->ndocs = sc->seg->ndocs;
        b->base.cost = sc->seg->ndocs;
    } else if (is_and) {
        qsort(b->kids, b->n, sizeof *b->kids, cmp_cost);
        b->base.cost = b->kids[0]->cost;
    } else {
        for (size_t i = 0; i < b->n; i++)
            b->base.cost += b->kids[i]->cost;
    }
    b->base.doc = 0;
    b->base.doc = b->base.ops->advance(&b->base, 0);
    return &b->base;
fail:
    bool_free(&b->base);
    return NULL;
}

static struct it *build_it(struct segctx *sc, const struct cnode *c)
{
    if (c->kind == NDX_Q_AND || c->kind == NDX_Q_OR)
        return build_bool(sc, c);
    if (c->kind == NDX_Q_NOT) {
        /* NOT outside AND: everything but the kid */
        struct boolit *b = boolit_new(sc, &all_ops, 1);
        if (!b)
            return NULL;
        b->ndocs = sc->seg->ndocs;
        b->base.cost = sc->seg->ndocs;
        if (c->nkids) {
            struct it *e = build_it(sc, c->kids[0]);
            if (!e) {
                bool_free(&b->base);
                return NULL;
            }
            b->excl[b->nexcl++] = e;
        }
        b->base.doc = b->base.ops->advance(&b->base, 0);
        return &b->base;
    }
    const struct leaf *l = c->leaf;
    if (l->kind == NDX_Q_WIRE) {
        struct wireit *w = ndx_calloc(1, sizeof *w);
        if (!w)
            return NULL;
        w->base.ops = &wire_ops;
        w->seg = sc->seg;
        w->wire = l->wire;
        w->base.cost = sc->seg->ndocs;
        w->base.doc = wire_advance(&w->base, 0);
        return &w->base;
    }
    if (l->kind == NDX_Q_DATE) {
        struct dateit *d = ndx_calloc(1, sizeof *d);
        if (!d)
            return NULL;
        d->base.ops = &date_ops;
        d->seg = sc->seg;
        d->from = l->from;
        d->to = l->to;
        d->base.cost = sc->seg->ndocs;
        d->base.doc = date_advance(&d->base, 0);
        return &d->base;
    }
    if (l->nslots == 0)
        return none_new();
    int field = l->field == NDX_F_TITLE || l->field == NDX_F_BODY ? l->field : NDX_F_ANY;
    if (l->nslots == 1 && l->kind != NDX_Q_PHRASE) {
        struct termset *t = termset_new(sc, &l->slots[0], l->kind == NDX_Q_PREFIX, field, l->idf);
        return t ? &t->base : NULL;
    }
    struct phrase *p = ndx_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->base.ops = &phrase_ops;
    p->sc = sc;
    p->slop = l->slop;
    p->idf = l->idf;
    p->slots = ndx_calloc(l->nslots, sizeof *p->slots);
    p->rel = ndx_calloc(l->nslots, sizeof *p->rel);
    p->order = ndx_calloc(l->nslots, sizeof *p->order);
    if (!p->slots || !p->rel || !p->order) {
        phrase_free(&p->base);
        return NULL;
    }
    for (size_t i = 0; i < l->nslots; i++) {
        /* a single-slot phrase leaf with slop (a "word"~N) is just the word */
        p->slots[i] = termset_new(sc, &l->slots[i], 0, field, l->idf / (double)l->nslots);
        if (!p->slots[i]) {
            phrase_free(&p->base);
            return NULL;
        }
        p->slots[i]->no_wf = p->slop != UINT32_MAX; /* scored by its phrase frequency */
        p->rel[i] = l->slots[i].rel;
        p->n++;
        if (i == 0 || p->slots[i]->base.cost < p->base.cost)
            p->base.cost = p->slots[i]->base.cost;
        /* insertion by cost, stable: equal costs keep the phrase order */
        size_t k = i;
        for (; k > 0 && p->slots[p->order[k - 1]]->base.cost > p->slots[i]->base.cost; k--)
            p->order[k] = p->order[k - 1];
        p->order[k] = i;
    }
    p->base.doc = 0;
    p->base.doc = phrase_advance(&p->base, 0);
    return &p->base;
}

struct termset *ndx__termset_new(struct segctx *sc, const struct slot *s, int prefix, int field,
                                 double idf)
{
    struct termset *t = termset_new(sc, s, prefix, field, idf);
    if (!t)
        ndx__eval_fail(sc->S, NDX_ENOMEM, NULL);
    return t;
}

struct it *ndx__build_it(struct segctx *sc, const struct cnode *c)
{
    struct it *it = build_it(sc, c);
    if (!it)
        ndx__eval_fail(sc->S, NDX_ENOMEM, NULL);
    return it;
}

int ndx__eval_status(struct search *S)
{
    if (S->rc && !S->reported) {
        S->reported = 1;
        if (S->rc == NDX_ECORRUPT)
            ndx__index_fail(S->ix, NDX_ECORRUPT, "segment %s is damaged (run 'newsdex check')",
                            S->damaged ? S->damaged->name : "?");
    }
    return S->rc;
}

void ndx__termset_free(struct termset *t)
{
    ts_free(&t->base);
}
