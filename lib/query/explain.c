/*
 * explain.c - why a query matches an article and what it scores: ndx_query_tree (the parsed tree
 * as an S-expression) and ndx_explain (the BM25F parts of every scoring leaf on one article).
 * The parts are computed by the same iterators as the search, on the article's segment alone,
 * so they add up to the hit's score.
 */
#include "query/alias_expand.h"
#include "query/eval.h"

#include <stdlib.h>

int ndx_query_tree(ndx_index *ix, const char *query, size_t nquery, char **out, size_t *nout,
                   size_t *errpos)
{
    *out = NULL;
    struct ndx_qnode *q = NULL;
    int rc = ndx__parse_query(ix, query, nquery, &q, errpos);
    if (rc)
        return rc;
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    rc = ndx__query_dump(q, &b);
    ndx__query_free(q);
    size_t n = 0;
    char *s = rc ? NULL : ndx__buf_detach(&b, &n);
    ndx__buf_free(&b);
    if (!rc && !s)
        rc = NDX_ENOMEM;
    if (rc)
        return ndx__index_fail(ix, rc, "out of memory");
    *out = s;
    if (nout)
        *nout = n;
    return NDX_OK;
}

void ndx_explanation_free(ndx_explanation *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nparts; i++)
        ndx_free((void *)e->parts[i].term);
    ndx_free((void *)e->parts);
    ndx_free(e);
}

struct expl {
    struct search *S;
    struct segctx sc;
    uint32_t doc;
    ndx_explain_part *p;
    size_t n, cap;
    int rc;
};

static const char *field_name(int f)
{
    static const char *const names[] = {"any", "title", "body", "source", "url", "lang"};
    return f >= 0 && f < 6 ? names[f] : "any";
}

/* Title and body occurrences of a term set on the current doc. */
static void tf_split(struct termset *t, uint32_t doc, uint32_t *title, uint32_t *body)
{
    uint32_t tl = t->sc->seg->col.title_len[doc];
    *title = *body = 0;
    for (size_t i = 0; i < t->npl; i++) {
        struct ndx_pl *pl = &t->pls[i];
        if (pl->doc != doc)
            continue;
        int np = ndx__pl_positions(pl, &t->pos, &t->cap);
        for (int k = 0; k < np; k++) {
            if (t->pos[k] < tl)
                (*title)++;
            else
                (*body)++;
        }
    }
}

static int add_part(struct expl *e, const struct leaf *l, struct it *it)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        ndx_explain_part *p = ndx_realloc(e->p, cap * sizeof *p);
        if (!p)
            return NDX_ENOMEM;
        e->p = p;
        e->cap = cap;
    }
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    int rc = NDX_OK;
    for (size_t s = 0; s < l->nslots; s++) {
        if (s)
            ndx__buf_putc(&b, ' ', &rc);
        for (size_t k = 0; k < l->slots[s].nterms; k++) {
            const char *t = l->slots[s].terms[k];
            if (k)
                ndx__buf_putc(&b, '|', &rc);
            if (t[0] == NDX_META_PREFIX && t[1]) /* "\x01S" + word: the word */
                t += 2;
            ndx__buf_puts(&b, t, &rc);
        }
    }
    size_t n = 0;
    char *term = rc ? NULL : ndx__buf_detach(&b, &n);
    ndx__buf_free(&b);
    if (!term)
        return NDX_ENOMEM;
    ndx_explain_part *p = &e->p[e->n++];
    memset(p, 0, sizeof *p);
    p->term = term;
    p->nterm = n;
    p->kind = l->meta                   ? "meta"
              : l->kind == NDX_Q_PHRASE ? "phrase"
              : l->kind == NDX_Q_PREFIX ? "prefix"
                                        : "term";
    p->field = field_name(l->field);
    p->idf = l->idf;
    p->dl = e->sc.seg->col.dl[e->doc];
    p->score = it->ops->score(it);
    if (l->nslots == 1 && l->kind != NDX_Q_PHRASE) { /* ndx__build_it made a term set */
        struct termset *t = (struct termset *)it;
        p->wf = t->wf;
        if (l->meta)
            ; /* no positions: wf counts the metadata word once */
        else if (t->field == NDX_F_TITLE)
            p->title_tf = (uint32_t)t->nmerged; /* positions already read by the iterator */
        else if (t->field == NDX_F_BODY)
            p->body_tf = (uint32_t)t->nmerged;
        else
            tf_split(t, e->doc, &p->title_tf, &p->body_tf);
    } else if (l->meta) {
        p->wf = (double)l->nslots;
    } else {
        /* a phrase: its wf from the score (bm25 inverted on the phrase's idf and dl) */
        double norm = BM25_K1 * (1 - BM25_B + BM25_B * p->dl / (e->S->avgdl > 0 ? e->S->avgdl : 1));
        double x = p->idf > 0 ? p->score / p->idf : 0; /* = wf (k1+1) / (wf + norm) */
        p->wf = x < BM25_K1 + 1 ? x * norm / (BM25_K1 + 1 - x) : 0;
    }
    return NDX_OK;
}

/* Every leaf that matches the doc and is not negated adds its part. */
static void walk(struct expl *e, const struct cnode *c, int negated)
{
    if (e->rc)
        return;
    if (c->kind == NDX_Q_NOT)
        negated = !negated;
    for (size_t i = 0; i < c->nkids; i++)
        walk(e, c->kids[i], negated);
    const struct leaf *l = c->leaf;
    if (!l || negated || ndx__leaf_is_column(l) || l->nslots == 0)
        return;
    struct it *it = ndx__build_it(&e->sc, c);
    if (!it) {
        e->rc = ndx__eval_status(e->sc.S);
        return;
    }
    if (it_advance(it, e->doc) == e->doc)
        e->rc = add_part(e, l, it);
    it_free(it);
    if (!e->rc)
        e->rc = ndx__eval_status(e->sc.S);
}

int ndx_explain(ndx_index *ix, const char *query, size_t nquery, uint64_t id, ndx_explanation **out,
                size_t *errpos)
{
    *out = NULL;
    struct ndx_qnode *q = NULL;
    int rc = ndx__parse_query(ix, query, nquery, &q, errpos);
    if (rc)
        return rc;
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    if (so.aliases && (rc = ndx__alias_expand(ix, &q))) { /* as ndx_search reads it */
        ndx__query_free(q);
        return rc;
    }
    struct search S;
    ndx__search_init(&S, ix, &so);
    struct cnode *root = NULL;
    ndx_explanation *x = ndx_calloc(1, sizeof *x);
    struct expl e;
    memset(&e, 0, sizeof e);
    e.S = &S;
    rc = x ? ndx__compile(&S, q, &root) : NDX_ENOMEM;
    /* the article's live copy */
    const struct ndx_segref *ref = NULL;
    uint32_t doc = 0;
    for (size_t g = S.v.nsegs; !rc && g-- > 0 && !ref;) {
        const uint32_t *docs;
        size_t nd;
        if ((rc = ndx__seg_docs_with(S.v.segs[g].seg, 0, id, &docs, &nd)))
            break;
        for (size_t k = 0; k < nd && !ref; k++)
            if (!ndx__seg_deleted(&S.v.segs[g], docs[k]))
                ref = &S.v.segs[g], doc = docs[k];
    }
    if (!rc && !ref)
        rc = ndx__index_fail(ix, NDX_ENOTFOUND, "no article %llu", (unsigned long long)id);
    if (!rc) {
        ndx__compute_idf(&S, root);
        e.sc = (struct segctx){&S, ref->seg, ref};
        e.doc = doc;
        struct it *it = ndx__build_it(&e.sc, root);
        if (!it)
            rc = ndx__eval_status(&S);
        else {
            x->matches = it_advance(it, doc) == doc;
            it_free(it);
            rc = ndx__eval_status(&S);
        }
    }
    if (!rc && x->matches) {
        walk(&e, root, 0);
        rc = e.rc;
    }
    if (!rc) {
        x->parts = e.p;
        x->nparts = e.n;
        e.p = NULL;
        for (size_t i = 0; i < x->nparts; i++)
            x->score += x->parts[i].score;
        x->avgdl = S.avgdl;
        x->k1 = BM25_K1;
        x->b = BM25_B;
    }
    for (size_t i = 0; e.p && i < e.n; i++)
        ndx_free((void *)e.p[i].term);
    ndx_free(e.p);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    ndx__query_free(q);
    if (rc) {
        ndx_explanation_free(x);
        if (rc == NDX_ENOMEM)
            ndx__index_fail(ix, rc, "out of memory");
        return rc;
    }
    *out = x;
    return NDX_OK;
}
