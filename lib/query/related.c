/*
 * related.c - ndx_related: the articles most related to an article, found by searching for its
 * most distinctive words (tf x idf, title words counted twice) and the people, organisations and
 * places it names most (person:, org:, place: through the alias table, at half a word's weight),
 * with a boost for nearby dates.  The article itself and its exact copies are left out, and at
 * most three articles of one story are listed, so that one syndicated story does not fill the
 * list (other outlets' versions of the same story are related coverage; docs/DEDUP.md).
 */
#include "names/names.h"
#include "query/alias_expand.h"
#include "query/eval.h"

#include <stdlib.h>

/* ---- related stories: the distinctive words of the article
 * ---------------------------------------------------------------------- */

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

#define RELATED_TERMS       25
#define RELATED_NAMES       12  /* people, organisations and places of the article searched */
#define RELATED_NAME_WEIGHT 0.5 /* a name's weight beside a word's of the same idf */
#define RELATED_PER_STORY   3   /* articles of one story in the list, at most */

/* ---- related stories: the people, organisations and places of the article ----------------- */

struct name_ent {
    int type;
    size_t start, end; /* the full name in the body */
    uint32_t mentions;
};

static int cmp_mentions(const void *a, const void *b)
{
    const struct name_ent *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions < y->mentions ? 1 : -1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* An OR of the article's most mentioned names, each a phrase of its field (person:"Chen
 * Quanguo"), expanded through the alias table when the options ask for it; *out = NULL when the
 * body names nobody.  The rules read Latin capitals: nothing for Chinese, Japanese, Korean. */
static int names_query(ndx_index *ix, const ndx_article *a, const char *lang,
                       const ndx_search_opts *o, struct ndx_qnode **out)
{
    *out = NULL;
    if (!strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) || !strncmp(lang, "ko", 2) ||
        !strncmp(lang, "th", 2))
        return NDX_OK;
    ndx_entity *e = NULL;
    size_t k = 0;
    int rc = ndx_entities(a->body, a->nbody, &e, &k);
    struct name_ent *ne = k ? ndx_calloc(k, sizeof *ne) : NULL;
    struct ndx_map seen; /* (type, name) -> index + 1 */
    ndx__map_init(&seen);
    size_t n = 0;
    if (!rc && k && !ne)
        rc = NDX_ENOMEM;
    if (!rc)
        rc = ndx__map_reserve(&seen, k);
    for (size_t i = 0; i < k && !rc; i++) {
        const char *s = a->body + e[i].name_start;
        size_t len = e[i].name_end - e[i].name_start;
        uint64_t key = ndx__hash64(s, len, (uint64_t)e[i].type);
        uint64_t at = key ? ndx__map_get(&seen, key) : 0;
        if (at) {
            ne[at - 1].mentions++;
            continue;
        }
        ne[n] = (struct name_ent){e[i].type, e[i].name_start, e[i].name_end, 1};
        rc = ndx__map_put(&seen, key, ++n);
    }
    ndx__map_free(&seen);
    ndx_free(e);
    struct ndx_qnode *q = NULL;
    if (!rc && n) {
        qsort(ne, n, sizeof *ne, cmp_mentions);
        if (n > RELATED_NAMES)
            n = RELATED_NAMES;
        q = ndx_calloc(1, sizeof *q);
        if (q && !(q->kids = ndx_calloc(n, sizeof *q->kids))) {
            ndx_free(q);
            q = NULL;
        }
        if (!q)
            rc = NDX_ENOMEM;
        else
            q->kind = NDX_Q_OR;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        struct ndx_qnode *p = ndx_calloc(1, sizeof *p);
        if (!p || !(p->text = ndx_strndup(a->body + ne[i].start, ne[i].end - ne[i].start))) {
            ndx_free(p);
            rc = NDX_ENOMEM;
            break;
        }
        p->kind = NDX_Q_PHRASE;
        p->field = ne[i].type == NDX_ENT_PER   ? NDX_F_PERSON
                   : ne[i].type == NDX_ENT_ORG ? NDX_F_ORG
                                               : NDX_F_PLACE;
        p->ntext = ne[i].end - ne[i].start;
        p->date_from = INT64_MIN;
        p->date_to = INT64_MAX;
        q->kids[q->nkids++] = p;
    }
    ndx_free(ne);
    if (!rc && q && o->aliases)
        rc = ndx__alias_expand(ix, &q);
    if (rc) {
        ndx__query_free(q);
        return rc;
    }
    *out = q;
    return NDX_OK;
}

static void scale_idf(struct cnode *c, double w)
{
    for (size_t i = 0; i < c->nkids; i++)
        scale_idf(c->kids[i], w);
    if (c->leaf)
        c->leaf->idf *= w;
}

/* ---- the list: not the article itself, nor an exact copy of it ---------------------------- */

/* Is `url` the article's own URL or one of its exact copies? */
static int same_article_url(const ndx_article *a, const char *url, size_t n)
{
    if (!n)
        return 0;
    if (a->nurl == n && !memcmp(a->url, url, n))
        return 1;
    const char *p = a->copies, *u, *src;
    size_t nu, nsrc;
    while (ndx_copies_next(&p, a->copies + a->ncopies, &u, &nu, &src, &nsrc))
        if (nu == n && !memcmp(u, url, n))
            return 1;
    return 0;
}

/* Whether hit i of res goes: the article, an exact copy, past the limit, or one more of a story
 * already shown per_story_max times among the kept hits before it. */
static bool dropped(const ndx_results *res, size_t i, const ndx_article *a, uint64_t self,
                    size_t limit, size_t kept, const bool *keep)
{
    const ndx_hit *h = &res->hits[i];
    if (kept >= limit || (self && h->id == self) || same_article_url(a, h->url, h->nurl))
        return true;
    int same = 0;
    for (size_t j = 0; j < i; j++)
        same += keep[j] && res->hits[j].story == h->story;
    return same >= RELATED_PER_STORY;
}

/* Drop the article (id self here, 0: not here) and its exact copies from res, and keep at most
 * limit hits. */
static int drop_self(ndx_results *res, const ndx_article *a, uint64_t self, size_t limit)
{
    size_t ndrop = 0, kept = 0;
    bool *keep = ndx_calloc(res->nhits + 1, sizeof *keep);
    if (!keep)
        return NDX_ENOMEM;
    for (size_t i = 0; i < res->nhits; i++) {
        keep[i] = !dropped(res, i, a, self, limit, kept, keep);
        if (keep[i])
            kept++;
        else
            ndrop++;
    }
    if (!ndrop) {
        ndx_free(keep);
        return NDX_OK;
    }
    ndx_results *gone = ndx_calloc(1, sizeof *gone);
    if (gone && !(gone->hits = ndx_calloc(ndrop, sizeof *gone->hits))) {
        ndx_free(gone);
        gone = NULL;
    }
    if (!gone) {
        ndx_free(keep);
        return NDX_ENOMEM;
    }
    size_t w = 0;
    for (size_t i = 0; i < res->nhits; i++) {
        if (keep[i])
            res->hits[w++] = res->hits[i];
        else
            gone->hits[gone->nhits++] = res->hits[i];
    }
    res->nhits = w;
    ndx_free(keep);
    ndx_results_free(gone);
    return NDX_OK;
}

int ndx_related(ndx_index *ix, uint64_t id, const ndx_search_opts *opts, ndx_results **out)
{
    *out = NULL;
    ndx_article *a = NULL;
    int rc = ndx_index_get(ix, id, &a);
    if (rc)
        return rc;
    rc = ndx_related_article(ix, a, id, opts, out);
    ndx_article_free(a);
    return rc;
}

int ndx_related_article(ndx_index *ix, const ndx_article *a, uint64_t self,
                        const ndx_search_opts *opts, ndx_results **out)
{
    *out = NULL;
    double t0 = now_ms();
    ndx_search_opts defaults;
    if (!opts) {
        ndx_search_opts_init(&defaults);
        opts = &defaults;
    }
    int rc = NDX_OK;
    ndx_search_opts o = *opts;
    if (o.limit) /* room for the article's exact copies, dropped below */
        o.limit = o.limit * 4 + 4;
    o.collapse = 0; /* articles, at most RELATED_PER_STORY of a story (drop_self) */
    struct search S;
    ndx__search_init(&S, ix, &o);
    struct tf_ctx t;
    memset(&t, 0, sizeof t);
    char lang[3] = {a->nlang > 0 ? a->lang[0] : 0, a->nlang > 1 ? a->lang[1] : 0, 0};
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
    root->kids = ndx_calloc(nterms + 1, sizeof *root->kids);
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
    struct ndx_qnode *nq = NULL; /* its people, organisations and places */
    rc = names_query(ix, a, lang, opts, &nq);
    if (!rc && nq)
        rc = ndx__compile(&S, nq, &root->kids[root->nkids]);
    if (!rc && nq)
        root->nkids++;
    ndx__query_free(nq);
    if (rc)
        goto out;
    ndx__compute_idf(&S, root);
    if (root->nkids > nterms)
        scale_idf(root->kids[nterms], RELATED_NAME_WEIGHT);
    struct run_opts ro = {0, a->published};
    if (root->nkids)
        rc = ndx__execute(&S, root, &ro, res);
    if (!rc)
        rc = drop_self(res, a, self, opts->limit);
out:
    for (size_t i = 0; i < t.n; i++)
        ndx_free(t.e[i].term);
    ndx_free(t.e);
    ndx__map_free(&t.idx);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    if (rc) {
        ndx_results_free(res);
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    return NDX_OK;
}
