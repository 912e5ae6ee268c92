/*
 * compile.c - a parsed query (query.h) analysed into what to look up, independent of segments:
 * words become term sets holding every stemming alternative of the index's languages, phrases
 * become slots at relative positions, CJK runs their minimal bigram phrase, fields of metadata
 * their prefixed terms; then the idf of every leaf from the view's statistics.
 */
#include "query/eval.h"

static void leaf_free(struct leaf *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nslots; i++) {
        for (size_t k = 0; k < l->slots[i].nterms; k++)
            ndx_free(l->slots[i].terms[k]);
        ndx_free(l->slots[i].terms);
    }
    ndx_free(l->slots);
    ndx_free(l);
}

void ndx__cnode_free(struct cnode *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkids; i++)
        ndx__cnode_free(c->kids[i]);
    ndx_free(c->kids);
    leaf_free(c->leaf);
    ndx_free(c);
}

int ndx__slot_add(struct slot *s, const char *t, size_t n)
{
    for (size_t i = 0; i < s->nterms; i++)
        if (strlen(s->terms[i]) == n && memcmp(s->terms[i], t, n) == 0)
            return NDX_OK;
    char **p = ndx_realloc(s->terms, (s->nterms + 1) * sizeof *p);
    if (!p)
        return NDX_ENOMEM;
    s->terms = p;
    if (!(p[s->nterms] = ndx_strndup(t, n)))
        return NDX_ENOMEM;
    s->nterms++;
    return NDX_OK;
}

/* Tokens of one analysis run. */
struct qtok {
    char *term;
    uint32_t pos;
    unsigned flags;
};
struct qtoks {
    struct qtok *t;
    size_t n, cap;
    int rc;
    char meta; /* 0, or the metadata kind letter to prefix */
};

static int collect_tok(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                       size_t end, unsigned flags)
{
    (void)start, (void)end;
    struct qtoks *q = ctx;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        struct qtok *p = ndx_realloc(q->t, cap * sizeof *p);
        if (!p)
            return q->rc = NDX_ENOMEM;
        q->t = p;
        q->cap = cap;
    }
    char *s = ndx_malloc(nterm + 3);
    if (!s)
        return q->rc = NDX_ENOMEM;
    size_t k = 0;
    if (q->meta) {
        s[k++] = NDX_META_PREFIX;
        s[k++] = q->meta;
    }
    memcpy(s + k, term, nterm);
    s[k + nterm] = 0;
    q->t[q->n++] = (struct qtok){s, pos, flags};
    return 0;
}

static void qtoks_free(struct qtoks *q)
{
    for (size_t i = 0; i < q->n; i++)
        ndx_free(q->t[i].term);
    ndx_free(q->t);
    memset(q, 0, sizeof *q);
}

/* Reduce CJK unigram+bigram runs to the minimal phrase: bigrams, and unigrams not covered. */
static void select_slots(struct qtoks *q)
{
    size_t w = 0;
    for (size_t i = 0; i < q->n; i++) {
        struct qtok *t = &q->t[i];
        int keep = 1;
        if (t->flags & NDX_TOK_CJK_UNI) {
            for (size_t k = 0; k < q->n && keep; k++) {
                const struct qtok *u = &q->t[k];
                if ((u->flags & NDX_TOK_CJK_BI) && (u->pos == t->pos || u->pos + 1 == t->pos))
                    keep = 0;
            }
        }
        if (keep)
            q->t[w++] = *t;
        else
            ndx_free(t->term);
    }
    q->n = w;
}

static int analyze_text(struct search *S, const char *text, size_t n, const char *lang, int stem,
                        char meta, struct qtoks *out)
{
    struct ndx_analyzer an = S->an;
    an.stem = stem;
    memset(out, 0, sizeof *out);
    out->meta = meta;
    int rc = ndx__analyze(&an, text, n, lang, 0, collect_tok, out, NULL);
    if (!rc)
        rc = out->rc;
    if (!rc)
        select_slots(out);
    return rc;
}

/* Build the slots of a TERM or PHRASE leaf from every stemming language. */
static int build_slots(struct search *S, struct leaf *l, const char *text, size_t n)
{
    struct qtoks base;
    int rc = analyze_text(S, text, n, NULL, 0, l->meta, &base);
    if (rc) {
        qtoks_free(&base);
        return rc;
    }
    if (base.n == 0) {
        qtoks_free(&base);
        return NDX_OK; /* nothing searchable: the leaf matches nothing */
    }
    l->slots = ndx_calloc(base.n, sizeof *l->slots);
    if (!l->slots) {
        qtoks_free(&base);
        return NDX_ENOMEM;
    }
    l->nslots = base.n;
    for (size_t i = 0; i < base.n && !rc; i++) {
        l->slots[i].rel = base.t[i].pos - base.t[0].pos;
        if (!S->v.stem || l->meta)
            rc = ndx__slot_add(&l->slots[i], base.t[i].term, strlen(base.t[i].term));
    }
    if (S->v.stem && !l->meta) {
        for (int k = 0; k < S->v.nlangs && !rc; k++) {
            char lang[3] = {(char)(S->v.langs[k] & 0xff), (char)(S->v.langs[k] >> 8), 0};
            struct qtoks st;
            rc = analyze_text(S, text, n, lang, 1, 0, &st);
            if (!rc && st.n == base.n)
                for (size_t i = 0; i < st.n && !rc; i++)
                    rc = ndx__slot_add(&l->slots[i], st.t[i].term, strlen(st.t[i].term));
            qtoks_free(&st);
        }
        /* no language known (empty index): the unstemmed form */
        for (size_t i = 0; i < base.n && !rc; i++)
            if (l->slots[i].nterms == 0)
                rc = ndx__slot_add(&l->slots[i], base.t[i].term, strlen(base.t[i].term));
    }
    qtoks_free(&base);
    return rc;
}

static struct cnode *new_cnode(int kind)
{
    return ndx_calloc(1, sizeof(struct cnode));
    (void)kind;
}

/* A keyword field leaf: text "name:value" looked up as the one term of that value (a PREFIX:
 * every value starting so).  *known = 0 when no segment holds the field, or the value is empty:
 * the caller then searches the text as words. */
static int keyword_leaf(struct search *S, const struct ndx_qnode *q, struct leaf *l, int *known)
{
    *known = 0;
    const char *colon = memchr(q->text, ':', q->ntext);
    if (!colon || colon + 1 == q->text + q->ntext)
        return NDX_OK;
    size_t nname = (size_t)(colon - q->text);
    int rc = 0;
    ndx__buf_reset(&S->tmp);
    ndx__keyword_prefix(q->text, nname, &S->tmp, &rc);
    if (rc)
        return rc;
    if (!ndx__view_df(&S->v, (const char *)S->tmp.p, S->tmp.n, 1))
        return NDX_OK;
    ndx__buf_reset(&S->tmp);
    ndx__keyword_term(q->text, nname, colon + 1, q->ntext - nname - 1, &S->tmp, &rc);
    if (rc)
        return rc;
    *known = 1;
    l->meta = 'K';
    l->kind = q->kind == NDX_Q_PREFIX ? NDX_Q_PREFIX : NDX_Q_TERM;
    l->slots = ndx_calloc(1, sizeof *l->slots);
    if (!l->slots)
        return NDX_ENOMEM;
    l->nslots = 1;
    return ndx__slot_add(&l->slots[0], (const char *)S->tmp.p, S->tmp.n);
}

int ndx__compile(struct search *S, const struct ndx_qnode *q, struct cnode **out)
{
    *out = NULL;
    struct cnode *c = new_cnode(q->kind);
    if (!c)
        return NDX_ENOMEM;
    c->kind = q->kind;
    int rc = NDX_OK;
    switch (q->kind) {
    case NDX_Q_AND:
    case NDX_Q_OR:
    case NDX_Q_NOT:
        c->kids = ndx_calloc(q->nkids ? q->nkids : 1, sizeof *c->kids);
        if (!c->kids) {
            rc = NDX_ENOMEM;
            break;
        }
        for (size_t i = 0; i < q->nkids && !rc && !S->partial; i++) {
            rc = ndx__compile(S, q->kids[i], &c->kids[c->nkids]);
            if (!rc)
                c->nkids++;
        }
        break;
    default: {
        struct leaf *l = ndx_calloc(1, sizeof *l);
        if (!l) {
            rc = NDX_ENOMEM;
            break;
        }
        c->leaf = l;
        l->kind = q->kind;
        l->field = q->field;
        l->slop = q->slop;
        l->from = q->date_from;
        l->to = q->date_to;
        char meta = q->field == NDX_F_SOURCE    ? 'S'
                    : q->field == NDX_F_URL     ? 'U'
                    : q->field == NDX_F_LANG    ? 'L'
                    : q->field == NDX_F_PERSON  ? 'P'
                    : q->field == NDX_F_ORG     ? 'O'
                    : q->field == NDX_F_PLACE   ? 'G'
                    : q->field == NDX_F_QUOTE   ? 'Q'
                    : q->field == NDX_F_SPEAKER ? 'W'
                                                : 0;
        l->meta = meta;
        l->wire = q->wire;
        if (ndx__leaf_is_column(l))
            break;
        if (ndx__out_of_time_now(S))
            break; /* out of time: nothing to search (S->partial, no pass will run) */
        if (q->field == NDX_F_KEYWORD) {
            int known = 0;
            rc = keyword_leaf(S, q, l, &known);
            if (rc || known)
                break;
            l->field = NDX_F_ANY; /* no such field in the index: the word as text, as before */
        }
        if (q->kind == NDX_Q_PREFIX && !meta) {
            ndx__buf_reset(&S->tmp);
            if ((rc = ndx__normalize_word(q->text, q->ntext, &S->tmp)))
                break;
            l->slots = ndx_calloc(1, sizeof *l->slots);
            if (!l->slots) {
                rc = NDX_ENOMEM;
                break;
            }
            l->nslots = 1;
            if (S->tmp.n)
                rc = ndx__slot_add(&l->slots[0], (const char *)S->tmp.p, S->tmp.n);
            else
                l->nslots = 0;
            break;
        }
        if (q->kind == NDX_Q_PREFIX)
            l->kind = NDX_Q_TERM;
        /* source:www.example.com finds example.com, and old indexes' www. names (docs/INPUT.md) */
        size_t www = q->field == NDX_F_SOURCE ? ndx__url_www_len(q->text, q->ntext) : 0;
        rc = build_slots(S, l, q->text + www, q->ntext - www);
        if (!rc && l->meta && l->nslots > 1) {
            /* metadata words have no positions: all of them, in any order */
            l->kind = NDX_Q_PHRASE;
            l->slop = UINT32_MAX;
        } else if (!rc && l->nslots > 1) {
            l->kind = NDX_Q_PHRASE;
        }
        break;
    }
    }
    if (rc) {
        ndx__cnode_free(c);
        return rc;
    }
    *out = c;
    return NDX_OK;
}

/* ---- statistics: idf of every leaf from the view ----------------------------------------- */

/* Documents holding t over the view: each segment's look-up kept for the pass (the view's own
 * function when the statistics are external or recorded, or t a prefix). */
static uint64_t view_df(struct search *S, const char *t, size_t n, int prefix)
{
    if (prefix || S->v.xs || S->v.rec)
        return ndx__view_df(&S->v, t, n, prefix);
    uint64_t df = 0;
    for (size_t g = 0; g < S->v.nsegs; g++) {
        struct ndx_terminfo ti;
        if (ndx__term_lookup(S, S->v.segs[g].seg, t, n, &ti) == NDX_OK)
            df += ti.df;
    }
    return df;
}

/* (Out of time, the remaining leaves keep idf 0: the pass does not run.) */
void ndx__compute_idf(struct search *S, struct cnode *c)
{
    for (size_t i = 0; i < c->nkids && !S->partial; i++)
        ndx__compute_idf(S, c->kids[i]);
    struct leaf *l = c->leaf;
    if (!l || ndx__leaf_is_column(l))
        return;
    l->idf = 0;
    for (size_t s = 0; s < l->nslots && !ndx__out_of_time_now(S); s++) {
        uint64_t df = 0;
        for (size_t k = 0; k < l->slots[s].nterms; k++) {
            const char *t = l->slots[s].terms[k];
            df += view_df(S, t, strlen(t), l->kind == NDX_Q_PREFIX);
        }
        l->idf += idf_of(S->N, (double)df);
    }
}

int ndx__parse_query(ndx_index *ix, const char *query, size_t nquery, struct ndx_qnode **q,
                     size_t *errpos)
{
    char *msg = NULL;
    size_t epos = 0;
    int rc = ndx__query_parse(query, nquery, q, &epos, &msg);
    if (rc) {
        if (errpos)
            *errpos = epos;
        ndx__index_fail(ix, rc, "%s (at offset %zu)", msg ? msg : ndx_strerror(rc), epos);
        ndx_free(msg);
    }
    return rc;
}

void ndx__search_init(struct search *S, ndx_index *ix, const ndx_search_opts *opts)
{
    memset(S, 0, sizeof *S);
    S->ix = ix;
    ndx__view_init(&S->v, ix);
    S->o = opts;
    S->an.stem = S->v.stem;
    S->an.simple = S->v.simple;
    S->an.no_han_fold = S->v.analysis < 2;
    S->an.max_term = 64;
    ndx__buf_init(&S->tmp, 0);
    uint64_t ndocs = S->v.ndocs;
    S->N = (double)(ndocs ? ndocs : 1);
    S->avgdl = ndocs ? (double)S->v.sum_dl / (double)ndocs : 1;
}

void ndx__search_free(struct search *S)
{
    ndx__buf_free(&S->tmp);
    ndx_free(S->cands);
    ndx_free(S->hl_pos);
}
