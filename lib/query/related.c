/*
 * related.c - ndx_related: the stories most related to an article, found by searching for its
 * most distinctive words (tf x idf, title words counted twice) with a boost for nearby dates, the
 * article's own story left out.
 */
#include "query/eval.h"

#include <stdlib.h>

/* ---- related stories: the distinctive words of the article ---------------------------------------------------------------------- */

struct tf_entry {
    char *term;
    uint32_t tf;
    double weight;
};

struct tf_ctx {
    struct ndx_map idx; /* term hash -> index + 1 */
    struct tf_entry *e;
    size_t n, cap;
    int rc;
};

static int tf_tok(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start, size_t end,
                  unsigned flags)
{
    (void)pos, (void)start, (void)end;
    struct tf_ctx *t = ctx;
    if ((flags & NDX_TOK_CJK_UNI) || (flags & NDX_TOK_NUMBER) || nterm < 3)
        return 0;
    uint64_t h = ndx__hash64(term, nterm, 5);
    uint64_t k = ndx__map_get(&t->idx, h);
    if (k) {
        t->e[k - 1].tf++;
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 128;
        struct tf_entry *p = ndx_realloc(t->e, cap * sizeof *p);
        if (!p)
            return t->rc = NDX_ENOMEM;
        t->e = p;
        t->cap = cap;
    }
    if (!(t->e[t->n].term = ndx_strndup(term, nterm)))
        return t->rc = NDX_ENOMEM;
    t->e[t->n].tf = 1;
    t->e[t->n].weight = 0;
    t->n++;
    return t->rc = ndx__map_put(&t->idx, h, t->n);
}

static int cmp_weight(const void *a, const void *b)
{
    const struct tf_entry *x = a, *y = b;
    return x->weight < y->weight ? 1 : x->weight > y->weight ? -1 : strcmp(x->term, y->term);
}

#define RELATED_TERMS 25

int ndx_related(ndx_index *ix, uint64_t id, const ndx_search_opts *opts, ndx_results **out)
{
    *out = NULL;
    double t0 = now_ms();
    ndx_search_opts defaults;
    if (!opts) {
        ndx_search_opts_init(&defaults);
        opts = &defaults;
    }
    ndx_article *a = NULL;
    int rc = ndx_index_get(ix, id, &a);
    if (rc)
        return rc;
    struct search S;
    ndx__search_init(&S, ix, opts);
    struct tf_ctx t;
    memset(&t, 0, sizeof t);
    char lang[3] = {a->lang[0], a->nlang > 1 ? a->lang[1] : 0, 0};
    rc = ndx__analyze(&S.an, a->title, a->ntitle, lang, 0, tf_tok, &t, NULL);
    if (!rc) /* title words count double */
        rc = ndx__analyze(&S.an, a->title, a->ntitle, lang, 0, tf_tok, &t, NULL);
    if (!rc)
        rc = ndx__analyze(&S.an, a->body, a->nbody, lang, 0, tf_tok, &t, NULL);
    if (!rc)
        rc = t.rc;
    struct cnode *root = NULL;
    ndx_results *res = NULL;
    if (rc)
        goto out;
    for (size_t i = 0; i < t.n; i++) {
        uint64_t df = ndx__view_df(&S.v, t.e[i].term, strlen(t.e[i].term), 0);
        /* terms in most documents say nothing; terms only here say nothing either */
        if (df <= 1 || (double)df > S.N * 0.3)
            continue;
        t.e[i].weight = (1 + log((double)t.e[i].tf)) * idf_of(S.N, (double)df);
    }
    qsort(t.e, t.n, sizeof *t.e, cmp_weight);
    size_t nterms = 0;
    while (nterms < t.n && nterms < RELATED_TERMS && t.e[nterms].weight > 0)
        nterms++;
    res = ndx_calloc(1, sizeof *res);
    root = ndx_calloc(1, sizeof *root);
    if (!res || !root) {
        rc = NDX_ENOMEM;
        goto out;
    }
    root->kind = NDX_Q_OR;
    root->kids = ndx_calloc(nterms ? nterms : 1, sizeof *root->kids);
    if (!root->kids) {
        rc = NDX_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < nterms && !rc; i++) {
        struct cnode *k = ndx_calloc(1, sizeof *k);
        struct leaf *l = k ? ndx_calloc(1, sizeof *l) : NULL;
        struct slot *sl = l ? ndx_calloc(1, sizeof *sl) : NULL;
        if (!sl) {
            ndx_free(k);
            ndx_free(l);
            rc = NDX_ENOMEM;
            break;
        }
        k->kind = NDX_Q_TERM;
        k->leaf = l;
        l->kind = NDX_Q_TERM;
        l->slots = sl;
        l->nslots = 1;
        root->kids[root->nkids++] = k;
        rc = ndx__slot_add(sl, t.e[i].term, strlen(t.e[i].term));
    }
    if (rc)
        goto out;
    ndx__compute_idf(&S, root);
    struct run_opts ro = {a->story ? a->story : id, a->published};
    if (nterms)
        rc = ndx__execute(&S, root, &ro, res);
out:
    for (size_t i = 0; i < t.n; i++)
        ndx_free(t.e[i].term);
    ndx_free(t.e);
    ndx__map_free(&t.idx);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    ndx_article_free(a);
    if (rc) {
        ndx_results_free(res);
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    return NDX_OK;
}
