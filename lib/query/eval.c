/*
 * eval.c - query evaluation: compiles a parsed query (query.h) into a tree of document iterators
 * for each segment (term sets with stemming alternatives, phrases and proximity on positions,
 * AND/OR/NOT, field and date filters), scores matches with BM25F, keeps the top hits in a heap,
 * counts every match, and builds the hits (snippets with highlighted terms and phrases, teasers).
 * Entry point: ndx_search (newsdex.h).
 */
#include "index/index.h"
#include "query/query.h"
#include "text/text.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BM25_K1      1.2
#define BM25_B       0.75
#define HL_MAX_TERMS 4096

/* ---- analysed query: what to look up, independent of segments ------------------------------ */

struct slot { /* one position of a phrase: alternative terms */
    char **terms;
    size_t nterms;
    uint32_t rel; /* position relative to the first slot */
};

struct leaf {
    int kind; /* NDX_Q_TERM (a term set), NDX_Q_PREFIX, NDX_Q_PHRASE, NDX_Q_DATE */
    int field;
    struct slot *slots; /* TERM: one slot; PHRASE: several; PREFIX: one slot, the prefix */
    size_t nslots;
    uint32_t slop;
    char meta; /* metadata kind letter ('S' source, 'U' url, 'L' lang) or 0 */
    int64_t from, to;
    double idf; /* summed over slots, computed per search */
};

struct cnode { /* compiled node */
    int kind;  /* NDX_Q_AND, NDX_Q_OR, NDX_Q_NOT, or leaf kinds */
    struct leaf *leaf;
    struct cnode **kids;
    size_t nkids;
};

struct search {
    ndx_index *ix;
    const ndx_search_opts *o;
    struct ndx_analyzer an;
    uint16_t langs[64];
    int nlangs;
    double N, avgdl;
    struct ndx_buf tmp;
    int rc;
    char *err;
};

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

static void cnode_free(struct cnode *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkids; i++)
        cnode_free(c->kids[i]);
    ndx_free(c->kids);
    leaf_free(c->leaf);
    ndx_free(c);
}

static int slot_add(struct slot *s, const char *t, size_t n)
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
        if (!S->ix->stem || l->meta)
            rc = slot_add(&l->slots[i], base.t[i].term, strlen(base.t[i].term));
    }
    if (S->ix->stem && !l->meta) {
        for (int k = 0; k < S->nlangs && !rc; k++) {
            char lang[3] = {(char)(S->langs[k] & 0xff), (char)(S->langs[k] >> 8), 0};
            struct qtoks st;
            rc = analyze_text(S, text, n, lang, 1, 0, &st);
            if (!rc && st.n == base.n)
                for (size_t i = 0; i < st.n && !rc; i++)
                    rc = slot_add(&l->slots[i], st.t[i].term, strlen(st.t[i].term));
            qtoks_free(&st);
        }
        /* no language known (empty index): the unstemmed form */
        for (size_t i = 0; i < base.n && !rc; i++)
            if (l->slots[i].nterms == 0)
                rc = slot_add(&l->slots[i], base.t[i].term, strlen(base.t[i].term));
    }
    qtoks_free(&base);
    return rc;
}

static struct cnode *new_cnode(int kind)
{
    return ndx_calloc(1, sizeof(struct cnode));
    (void)kind;
}

static int compile(struct search *S, const struct ndx_qnode *q, struct cnode **out)
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
        for (size_t i = 0; i < q->nkids && !rc; i++) {
            rc = compile(S, q->kids[i], &c->kids[c->nkids]);
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
        char meta = q->field == NDX_F_SOURCE ? 'S'
                    : q->field == NDX_F_URL  ? 'U'
                    : q->field == NDX_F_LANG ? 'L'
                                             : 0;
        l->meta = meta;
        if (q->kind == NDX_Q_DATE)
            break;
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
                rc = slot_add(&l->slots[0], (const char *)S->tmp.p, S->tmp.n);
            else
                l->nslots = 0;
            break;
        }
        if (q->kind == NDX_Q_PREFIX)
            l->kind = NDX_Q_TERM;
        rc = build_slots(S, l, q->text, q->ntext);
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
        cnode_free(c);
        return rc;
    }
    *out = c;
    return NDX_OK;
}

/* ---- iterators ---------------------------------------------------------------------------- */

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

static void it_free(struct it *it)
{
    if (it)
        it->ops->free(it);
}

struct segctx {
    struct search *S;
    const struct ndx_seg *seg;
    const struct ndx_segref *ref;
    int corrupt;
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
    uint32_t wf; /* weighted frequency of the current doc */
};

static double bm25(const struct search *S, double idf, double wf, double dl)
{
    double norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / (S->avgdl > 0 ? S->avgdl : 1));
    return idf * wf * (BM25_K1 + 1) / (wf + norm);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Merge positions of every list on the current doc (restricted to the field); -1 on error. */
static int ts_positions(struct termset *t)
{
    t->nmerged = 0;
    uint32_t tl = t->sc->seg->col.title_len[t->base.doc];
    for (size_t i = 0; i < t->npl; i++) {
        struct ndx_pl *pl = &t->pls[i];
        if (pl->doc != t->base.doc)
            continue;
        int np = ndx__pl_positions(pl, &t->pos, &t->cap);
        if (np < 0) {
            t->sc->corrupt = 1;
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
                    t->sc->S->rc = NDX_ENOMEM;
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

static uint32_t ts_advance(struct it *it, uint32_t target)
{
    struct termset *t = (struct termset *)it;
    for (;;) {
        uint32_t m = NDX_DOC_END;
        for (size_t i = 0; i < t->npl; i++) {
            struct ndx_pl *pl = &t->pls[i];
            if (pl->doc < target)
                ndx__pl_advance(pl, target);
            if (pl->corrupt)
                t->sc->corrupt = 1;
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
        } else {
            for (size_t i = 0; i < t->npl; i++)
                if (t->pls[i].doc == m)
                    t->wf += ndx__pl_wf(&t->pls[i]);
        }
        return m;
    }
}

static double ts_score(struct it *it)
{
    struct termset *t = (struct termset *)it;
    return bm25(t->sc->S, t->idf, t->wf, t->sc->seg->col.dl[it->doc]);
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

static int on_prefix_term(void *ctx, const char *term, size_t n, const struct ndx_terminfo *ti)
{
    (void)term, (void)n;
    struct prefix_ctx *p = ctx;
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
    for (size_t i = 0; i < s->nterms; i++) {
        int rc;
        if (prefix) {
            struct prefix_ctx pc = {t, cap, 0};
            rc = ndx__seg_terms(sc->seg, s->terms[i], strlen(s->terms[i]), on_prefix_term, &pc);
            cap = pc.cap;
            if (rc == NDX_ECORRUPT)
                sc->corrupt = 1;
            else if (rc) {
                ts_free(&t->base);
                return NULL;
            }
            continue;
        }
        struct ndx_terminfo ti;
        rc = ndx__seg_lookup(sc->seg, s->terms[i], strlen(s->terms[i]), &ti);
        if (rc == NDX_ENOTFOUND)
            continue;
        if (rc == NDX_ECORRUPT) {
            sc->corrupt = 1;
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
    size_t n;
    uint32_t slop; /* UINT32_MAX: only all-present (metadata words) */
    double idf;
    uint32_t freq;
};

static int phrase_match(struct phrase *p)
{
    if (p->slop == UINT32_MAX)
        return 1;
    /* positions of every slot */
    for (size_t i = 0; i < p->n; i++)
        if (ts_positions(p->slots[i]) <= 0)
            return 0;
    uint32_t freq = 0;
    const struct termset *first = p->slots[0];
    for (size_t a = 0; a < first->nmerged; a++) {
        uint64_t p0 = first->merged[a];
        int ok = 1;
        for (size_t i = 1; i < p->n && ok; i++) {
            const struct termset *t = p->slots[i];
            uint64_t want = p0 + p->rel[i];
            uint64_t lo = want > p->slop ? want - p->slop : 0, hi = want + p->slop;
            ok = 0;
            /* binary search for the first position >= lo */
            size_t l = 0, h = t->nmerged;
            while (l < h) {
                size_t m = (l + h) / 2;
                if (t->merged[m] < lo)
                    l = m + 1;
                else
                    h = m;
            }
            if (l < t->nmerged && t->merged[l] <= hi)
                ok = 1;
        }
        freq += ok;
    }
    p->freq = freq;
    return freq > 0;
}

static uint32_t phrase_advance(struct it *it, uint32_t target)
{
    struct phrase *p = (struct phrase *)it;
    for (;;) {
        uint32_t d = it_advance(&p->slots[0]->base, target);
        if (d == NDX_DOC_END)
            return d;
        size_t i = 1;
        for (; i < p->n; i++) {
            uint32_t e = it_advance(&p->slots[i]->base, d);
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
    ndx_free(p);
}

static const struct it_ops phrase_ops = {phrase_advance, phrase_score, phrase_free};

/* Boolean iterators. */
struct boolit {
    struct it base;
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
        if (target >= b->ndocs)
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

static struct it *build_it(struct segctx *sc, const struct cnode *c);

static struct boolit *boolit_new(const struct it_ops *ops, size_t nkids)
{
    struct boolit *b = ndx_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->base.ops = ops;
    b->kids = ndx_calloc(nkids ? nkids : 1, sizeof *b->kids);
    b->excl = ndx_calloc(nkids ? nkids : 1, sizeof *b->excl);
    if (!b->kids || !b->excl) {
        bool_free(&b->base);
        return NULL;
    }
    return b;
}

static struct it *build_bool(struct segctx *sc, const struct cnode *c)
{
    int is_and = c->kind == NDX_Q_AND;
    struct boolit *b = boolit_new(is_and ? &and_ops : &or_ops, c->nkids);
    if (!b)
        return NULL;
    for (size_t i = 0; i < c->nkids; i++) {
        const struct cnode *k = c->kids[i];
        if (k->kind == NDX_Q_NOT && is_and) {
            struct it *e = k->nkids ? build_it(sc, k->kids[0]) : none_new();
            if (!e)
                goto fail;
            b->excl[b->nexcl++] = e;
            continue;
        }
        if (k->leaf && k->leaf->kind != NDX_Q_DATE && k->leaf->nslots == 0)
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
        struct boolit *b = boolit_new(&all_ops, 1);
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
    if (!p->slots || !p->rel) {
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
        p->rel[i] = l->slots[i].rel;
        p->n++;
        if (i == 0 || p->slots[i]->base.cost < p->base.cost)
            p->base.cost = p->slots[i]->base.cost;
    }
    p->base.doc = 0;
    p->base.doc = phrase_advance(&p->base, 0);
    return &p->base;
}

/* ---- statistics: idf of every leaf across segments ---------------------------------------- */

struct df_ctx {
    uint64_t df;
};

static int on_prefix_df(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    (void)t, (void)n;
    ((struct df_ctx *)ctx)->df += ti->df;
    return 0;
}

static double idf_of(double N, double df)
{
    if (df > N)
        df = N;
    return log(1 + (N - df + 0.5) / (df + 0.5));
}

static void compute_idf(struct search *S, struct cnode *c)
{
    for (size_t i = 0; i < c->nkids; i++)
        compute_idf(S, c->kids[i]);
    struct leaf *l = c->leaf;
    if (!l || l->kind == NDX_Q_DATE)
        return;
    l->idf = 0;
    for (size_t s = 0; s < l->nslots; s++) {
        uint64_t df = 0;
        for (size_t k = 0; k < l->slots[s].nterms; k++) {
            const char *t = l->slots[s].terms[k];
            for (size_t g = 0; g < S->ix->nsegs; g++) {
                const struct ndx_seg *seg = S->ix->segs[g].seg;
                if (l->kind == NDX_Q_PREFIX) {
                    struct df_ctx dc = {0};
                    ndx__seg_terms(seg, t, strlen(t), on_prefix_df, &dc);
                    df += dc.df;
                } else {
                    struct ndx_terminfo ti;
                    if (ndx__seg_lookup(seg, t, strlen(t), &ti) == NDX_OK)
                        df += ti.df;
                }
            }
        }
        l->idf += idf_of(S->N, (double)df);
    }
}

/* ---- hits: heap, results ------------------------------------------------------------------ */

struct cand {
    double key; /* score, or date */
    double score;
    uint64_t gid;
    uint32_t seg, doc;
};

/* a worse than b?  (lower key; ties: larger gid is worse) */
static int worse(const struct cand *a, const struct cand *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return a->gid > b->gid;
}

struct heap {
    struct cand *c;
    size_t n, cap;
};

static void heap_push(struct heap *h, const struct cand *x)
{
    if (h->cap == 0)
        return;
    if (h->n == h->cap) {
        if (!worse(&h->c[0], x))
            return;
        h->c[0] = *x;
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < h->n && worse(&h->c[l], &h->c[m]))
                m = l;
            if (r < h->n && worse(&h->c[r], &h->c[m]))
                m = r;
            if (m == i)
                break;
            struct cand t = h->c[i];
            h->c[i] = h->c[m];
            h->c[m] = t;
            i = m;
        }
        return;
    }
    size_t i = h->n++;
    h->c[i] = *x;
    while (i && worse(&h->c[i], &h->c[(i - 1) / 2])) {
        struct cand t = h->c[i];
        h->c[i] = h->c[(i - 1) / 2];
        h->c[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
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

struct ndx_results {
    uint64_t total;
    uint64_t total_stories;
    uint64_t total_copies;
    int exact;
    double took_ms;
    ndx_hit *hits;
    size_t nhits;
};

uint64_t ndx_results_total_stories(const ndx_results *r)
{
    return r->total_stories;
}
uint64_t ndx_results_total_copies(const ndx_results *r)
{
    return r->total_copies;
}

uint64_t ndx_results_total(const ndx_results *r)
{
    return r->total;
}
int ndx_results_total_exact(const ndx_results *r)
{
    return r->exact;
}
size_t ndx_results_count(const ndx_results *r)
{
    return r->nhits;
}
const ndx_hit *ndx_results_hit(const ndx_results *r, size_t i)
{
    return i < r->nhits ? &r->hits[i] : NULL;
}
double ndx_results_took_ms(const ndx_results *r)
{
    return r->took_ms;
}

void ndx_results_free(ndx_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        ndx_free((void *)r->hits[i].title);
        ndx_free((void *)r->hits[i].url);
        ndx_free((void *)r->hits[i].source);
        ndx_free((void *)r->hits[i].lang);
        ndx_free((void *)r->hits[i].snippet);
        ndx_free((void *)r->hits[i].teaser);
        ndx_free((void *)r->hits[i].sources);
    }
    ndx_free(r->hits);
    ndx_free(r);
}

void ndx_search_opts_init(ndx_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->want_count = 1;
    o->want_snippets = 1;
    o->teaser_words = 100;
    o->snippet_words = 30;
    o->hl_open = "<mark>";
    o->hl_close = "</mark>";
    o->date_from = NDX_DATE_UNKNOWN;
    o->date_to = NDX_DATE_UNKNOWN;
    o->collapse = 1;
    o->ids_only = 0;
    o->count_stories = 1;
}

/* ---- highlighting ------------------------------------------------------------------------- */

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
};

static void hl_first(struct hlset *h, const char *t)
{
    uint8_t c = (uint8_t)t[0];
    if (!c)
        h->any_first = 1;
    h->first[c] = 1;
    if (c >= 'a' && c <= 'z')
        h->first[c - 0x20] = 1;
}

static void hl_collect(struct hlset *h, const struct cnode *c, int negated)
{
    if (c->kind == NDX_Q_NOT)
        negated = !negated;
    for (size_t i = 0; i < c->nkids; i++)
        hl_collect(h, c->kids[i], negated);
    const struct leaf *l = c->leaf;
    if (!l || negated || l->meta || l->kind == NDX_Q_DATE || l->field == NDX_F_TITLE)
        return;
    if (l->kind == NDX_Q_PHRASE) {
        const struct leaf **p = ndx_realloc(h->phrases, (h->nphrases + 1) * sizeof *p);
        if (p) {
            h->phrases = p;
            h->phrases[h->nphrases++] = l;
        }
        for (size_t k = 0; l->nslots && k < l->slots[0].nterms; k++) {
            const char *t = l->slots[0].terms[k];
            ndx__map_put(&h->phrase_first, ndx__hash64(t, strlen(t), 11), 1);
        }
        for (size_t s = 0; s < l->nslots; s++)
            for (size_t k = 0; k < l->slots[s].nterms; k++)
                hl_first(h, l->slots[s].terms[k]);
        return;
    }
    for (size_t s = 0; s < l->nslots; s++)
        for (size_t k = 0; k < l->slots[s].nterms; k++) {
            const char *t = l->slots[s].terms[k];
            hl_first(h, t);
            if (l->kind == NDX_Q_PREFIX) {
                const char **p = ndx_realloc(h->prefixes, (h->nprefixes + 1) * sizeof *p);
                if (p) {
                    h->prefixes = p;
                    h->prefixes[h->nprefixes++] = t;
                }
            } else {
                ndx__map_put(&h->terms, ndx__hash64(t, strlen(t), 11), 1);
            }
        }
}

struct dtok {
    uint64_t h;
    uint32_t pos;
    size_t start, end;
    int prefix_hit;
};

struct dtoks {
    struct dtok *t;
    size_t n, cap;
    const struct hlset *hl;
    int rc;
    size_t hits;     /* tokens that start a highlight */
    size_t ncalled;  /* tokens passed to doc_tok */
    size_t skipped;  /* tokens the analyzer only counted (ndx_analyzer.skipped) */
    size_t last_hit; /* token count (ncalled + skipped) at the last of them */
    int stopped;     /* analysis ended early: enough to choose passages from */
};

#define HL_ENOUGH_HITS 12 /* after this many highlights (and some text past the last one) the */
#define HL_TAIL_TOKENS 60 /* rest of a long article is not analysed for snippets */

/* Enough highlights, and the ntok-th token lies past the tail kept after the last one. */
static inline bool past_tail(const struct dtoks *d, size_t ntok)
{
    return d->hits >= HL_ENOUGH_HITS && ntok - d->last_hit > HL_TAIL_TOKENS;
}

static int doc_tok(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                   size_t end, unsigned flags)
{
    (void)flags;
    struct dtoks *d = ctx;
    /* tokens so far: those passed here and those the analyzer only counted (stem_first) */
    size_t ntok = ++d->ncalled + d->skipped;
    /* a counted-only token since the last hit may already have ended the useful part; else
     * this token may */
    if (past_tail(d, ntok - 1)) {
        d->stopped = 1;
        return 1;
    }
    if (nterm && !d->hl->any_first && !d->hl->first[(uint8_t)term[0]]) {
        /* cannot be a query term, a phrase word or a prefix match: not even kept (phrases are
         * matched by position) */
        d->stopped = past_tail(d, ntok);
        return d->stopped;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct dtok *p = ndx_realloc(d->t, cap * sizeof *p);
        if (!p)
            return d->rc = NDX_ENOMEM;
        d->t = p;
        d->cap = cap;
    }
    int ph = 0;
    for (size_t i = 0; i < d->hl->nprefixes && !ph; i++) {
        size_t n = strlen(d->hl->prefixes[i]);
        ph = nterm >= n && memcmp(term, d->hl->prefixes[i], n) == 0;
    }
    uint64_t h = ndx__hash64(term, nterm, 11);
    d->t[d->n++] = (struct dtok){h, pos, start, end, ph};
    if (ph || ndx__map_get(&d->hl->terms, h) || ndx__map_get(&d->hl->phrase_first, h)) {
        d->hits++;
        d->last_hit = ntok;
        return 0;
    }
    d->stopped = past_tail(d, ntok);
    return d->stopped;
}

static int slot_has(const struct slot *s, uint64_t h)
{
    for (size_t k = 0; k < s->nterms; k++)
        if (ndx__hash64(s->terms[k], strlen(s->terms[k]), 11) == h)
            return 1;
    return 0;
}

static int add_span(struct ndx_span **sp, size_t *n, size_t *cap, size_t s, size_t e)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        struct ndx_span *p = ndx_realloc(*sp, c * sizeof *p);
        if (!p)
            return NDX_ENOMEM;
        *sp = p;
        *cap = c;
    }
    (*sp)[(*n)++] = (struct ndx_span){s, e};
    return NDX_OK;
}

static int cmp_span(const void *a, const void *b)
{
    const struct ndx_span *x = a, *y = b;
    return x->start < y->start   ? -1
           : x->start > y->start ? 1
                                 : (x->end > y->end) - (x->end < y->end);
}

/* Highlight spans of the query in text (analyzed in lang). */
static int spans_for(struct search *S, const struct hlset *hl, const char *text, size_t n,
                     const char *lang, struct ndx_span **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    struct dtoks d;
    memset(&d, 0, sizeof d);
    d.hl = hl;
    d.cap = NDX_MIN(n / 5 + 16, (size_t)8192); /* ~ a token per 5-6 bytes: rarely regrown */
    if (!hl->any_first)
        d.cap = NDX_MIN(d.cap, (size_t)512); /* only words that may match are kept */
    if (!(d.t = ndx_malloc(d.cap * sizeof *d.t)))
        return NDX_ENOMEM;
    struct ndx_analyzer an = S->an;
    an.stem = S->ix->stem;
    if (!hl->any_first) {
        an.stem_first = hl->first; /* words that cannot match are neither stemmed nor passed */
        an.skipped = &d.skipped;
    }
    int rc = ndx__analyze(&an, text, n, lang, 0, doc_tok, &d, NULL);
    if (rc == 1 && d.stopped)
        rc = 0;
    if (!rc)
        rc = d.rc;
    size_t cap = 0;
    for (size_t i = 0; i < d.n && !rc; i++)
        if (d.t[i].prefix_hit || ndx__map_get(&hl->terms, d.t[i].h))
            rc = add_span(out, nout, &cap, d.t[i].start, d.t[i].end);
    for (size_t p = 0; p < hl->nphrases && !rc; p++) {
        const struct leaf *l = hl->phrases[p];
        uint32_t slop = l->slop == UINT32_MAX ? 0 : l->slop;
        for (size_t i = 0; i < d.n && !rc; i++) {
            if (!slot_has(&l->slots[0], d.t[i].h))
                continue;
            size_t last = i, ok = 1;
            for (size_t s = 1; s < l->nslots && ok; s++) {
                uint64_t want = (uint64_t)d.t[i].pos + l->slots[s].rel;
                ok = 0;
                for (size_t j = i + 1; j < d.n && d.t[j].pos <= want + slop; j++)
                    if (d.t[j].pos + slop >= want && slot_has(&l->slots[s], d.t[j].h)) {
                        ok = 1;
                        if (d.t[j].end > d.t[last].end)
                            last = j;
                        break;
                    }
            }
            if (ok)
                rc = add_span(out, nout, &cap, d.t[i].start, d.t[last].end);
        }
    }
    ndx_free(d.t);
    if (rc) {
        ndx_free(*out);
        *out = NULL;
        *nout = 0;
        return rc;
    }
    /* sort and merge overlapping spans */
    if (*nout)
        qsort(*out, *nout, sizeof **out, cmp_span);
    size_t w = 0;
    for (size_t i = 0; i < *nout; i++) {
        if (w && (*out)[i].start <= (*out)[w - 1].end) {
            if ((*out)[i].end > (*out)[w - 1].end)
                (*out)[w - 1].end = (*out)[i].end;
            continue;
        }
        (*out)[w++] = (*out)[i];
    }
    *nout = w;
    return NDX_OK;
}

static char *dup_field(const char *s, size_t n)
{
    return ndx_strndup(s ? s : "", s ? n : 0);
}

static int make_hit(struct search *S, const struct hlset *hl, const struct cand *c, ndx_hit *h,
                    struct ndx_buf *scratch)
{
    const struct ndx_seg *seg = S->ix->segs[c->seg].seg;
    ndx_article a;
    int rc = ndx__seg_doc(seg, c->doc, scratch, &a);
    if (rc)
        return rc;
    memset(h, 0, sizeof *h);
    h->id = c->gid;
    h->score = c->score;
    h->published = a.published;
    h->flags = a.flags;
    h->title = dup_field(a.title, a.ntitle);
    h->ntitle = a.ntitle;
    h->url = dup_field(a.url, a.nurl);
    h->nurl = a.nurl;
    h->source = dup_field(a.source, a.nsource);
    h->nsource = a.nsource;
    h->lang = dup_field(a.lang, a.nlang);
    h->nlang = a.nlang;
    if (!h->title || !h->url || !h->source || !h->lang)
        return NDX_ENOMEM;
    if (!S->o->want_snippets)
        return NDX_OK;
    char lang[3] = {a.lang[0], a.lang[1], 0};
    struct ndx_span *spans;
    size_t nspans;
    if ((rc = spans_for(S, hl, a.body ? a.body : "", a.nbody, lang, &spans, &nspans)))
        return rc;
    struct ndx_buf out;
    ndx__buf_init(&out, 0);
    rc = ndx__snippet(a.body ? a.body : "", a.nbody, spans, nspans, S->o->snippet_words, 2,
                      S->o->hl_open ? S->o->hl_open : "", S->o->hl_close ? S->o->hl_close : "",
                      S->o->escape_html, &out);
    ndx_free(spans);
    if (!rc)
        h->snippet = ndx__buf_detach(&out, &h->nsnippet);
    ndx__buf_free(&out);
    if (rc || !h->snippet)
        return rc ? rc : NDX_ENOMEM;
    ndx__buf_init(&out, 0);
    rc = ndx__teaser(a.body ? a.body : "", a.nbody, S->o->teaser_words, &out);
    if (!rc && S->o->escape_html) {
        /* escape after the fact: the teaser holds no markers */
        struct ndx_buf esc;
        ndx__buf_init(&esc, 0);
        size_t run = 0;
        rc = ndx__buf_reserve(&esc, out.n + out.n / 8 + 16);
        for (size_t i = 0; i < out.n && !rc; i++) {
            const char *e;
            switch (out.p[i]) {
            case '&':
                e = "&amp;";
                break;
            case '<':
                e = "&lt;";
                break;
            case '>':
                e = "&gt;";
                break;
            case '"':
                e = "&quot;";
                break;
            default:
                continue;
            }
            ndx__buf_append(&esc, out.p + run, i - run, &rc);
            ndx__buf_puts(&esc, e, &rc);
            run = i + 1;
        }
        if (!rc)
            ndx__buf_append(&esc, out.p + run, out.n - run, &rc);
        if (!rc && !esc.p)
            ndx__buf_append(&esc, "", 0, &rc);
        ndx__buf_free(&out);
        out = esc;
    }
    if (!rc)
        h->teaser = ndx__buf_detach(&out, &h->nteaser);
    ndx__buf_free(&out);
    if (rc || !h->teaser)
        return rc ? rc : NDX_ENOMEM;
    return NDX_OK;
}

/* ---- stories of the hits: copies, sources, wire ------------------------------------------- */

struct story_info {
    uint64_t story;
    uint32_t copies;
    int wire;
    struct ndx_buf sources; /* '\n'-separated distinct sources */
    uint32_t nsources;
};

static void add_source(struct story_info *si, const char *s, size_t n, int *rc)
{
    if (!n)
        return;
    /* distinct: look for the line already present */
    const char *p = (const char *)si->sources.p, *end = p ? p + si->sources.n : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == n && memcmp(p, s, n) == 0)
            return;
        p += len + 1;
    }
    if (si->sources.n)
        ndx__buf_putc(&si->sources, '\n', rc);
    ndx__buf_append(&si->sources, s, n, rc);
    si->nsources++;
}

/* Fill the info of the given stories from each segment's story index. */
static int fill_story_info(struct search *S, struct story_info *si, size_t n)
{
    int rc = NDX_OK;
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        struct story_info *x = &si[i];
        for (size_t g = 0; g < S->ix->nsegs && !rc; g++) {
            const struct ndx_segref *r = &S->ix->segs[g];
            const struct ndx_columns *c = &r->seg->col;
            const uint32_t *docs;
            size_t nd;
            if ((rc = ndx__seg_story_docs(r->seg, x->story, &docs, &nd)))
                break;
            for (size_t k = 0; k < nd && !rc; k++) {
                uint32_t d = docs[k];
                if (ndx__seg_deleted(r, d))
                    continue;
                uint32_t fl = c->flags[d];
                x->copies += 1 + NDX_NCOPIES(fl);
                x->wire |= (fl & NDX_ART_WIRE) != 0;
                const char *src;
                size_t ns;
                if (ndx__seg_source(r->seg, c->source[d], &src, &ns) == NDX_OK)
                    add_source(x, src, ns, &rc);
                if (!NDX_NCOPIES(fl))
                    continue;
                ndx_article a;
                if (ndx__seg_doc(r->seg, d, &scratch, &a) != NDX_OK)
                    continue;
                const char *p = a.copies, *end = a.copies + a.ncopies;
                while (p && p < end && !rc) {
                    const char *nl = memchr(p, '\n', (size_t)(end - p));
                    if (!nl)
                        nl = end;
                    const char *tab = memchr(p, '\t', (size_t)(nl - p));
                    if (tab)
                        add_source(x, tab + 1, (size_t)(nl - tab - 1), &rc);
                    p = nl + 1;
                }
            }
        }
        if (x->nsources > 1)
            x->wire = 1;
    }
    ndx__buf_free(&scratch);
    return rc;
}

/* ---- the search driver -------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void search_init(struct search *S, ndx_index *ix, const ndx_search_opts *opts)
{
    memset(S, 0, sizeof *S);
    S->ix = ix;
    S->o = opts;
    S->an.stem = ix->stem;
    S->an.simple = ix->simple;
    S->an.max_term = 64;
    ndx__buf_init(&S->tmp, 0);
    uint64_t sum_dl = 0, ndocs = 0;
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_seg *seg = ix->segs[i].seg;
        ndocs += seg->ndocs;
        sum_dl += seg->sum_dl;
        for (int k = 0; k < seg->nlangs; k++) {
            int j = 0;
            while (j < S->nlangs && S->langs[j] != seg->langs[k])
                j++;
            if (j == S->nlangs && S->nlangs < (int)NDX_ARRAY_LEN(S->langs))
                S->langs[S->nlangs++] = seg->langs[k];
        }
    }
    S->N = (double)(ndocs ? ndocs : 1);
    S->avgdl = ndocs ? (double)sum_dl / (double)ndocs : 1;
}

/* Extra conditions of a run beyond the query. */
struct run_opts {
    uint64_t exclude_story; /* 0 = none */
    int64_t near_date;      /* NDX_DATE_UNKNOWN = no date boost */
};

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
};

static double heap_threshold(const struct heap *h)
{
    return h->n == h->cap && h->cap ? h->c[0].key : -1.0;
}

/*
 * MaxScore over one segment: terms sorted by score upper bound; the lowest ones, whose bounds sum
 * to no more than the heap's threshold, are only probed for documents the others found.  A single
 * postings list also skips whole blocks whose block-max bound cannot beat the threshold.
 * *matched counts the documents scored (a lower bound of the matches).
 */
static int maxscore_segment(struct segctx *sc, const struct cnode *root, struct heap *heap,
                            uint32_t gidx, uint64_t *matched)
{
    size_t n = prunable_leaf(root) ? 1 : root->nkids;
    struct ms_term *m = ndx_calloc(n, sizeof *m);
    double *prefix = ndx_calloc(n, sizeof *prefix);
    int rc = m && prefix ? NDX_OK : NDX_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct cnode *k = prunable_leaf(root) ? root : root->kids[i];
        const struct leaf *l = k->leaf;
        m[i].t = termset_new(sc, &l->slots[0], l->kind == NDX_Q_PREFIX, NDX_F_ANY, l->idf);
        if (!m[i].t)
            rc = NDX_ENOMEM;
        else
            m[i].ub = ts_upper(m[i].t);
    }
    if (rc)
        goto out;
    qsort(m, n, sizeof *m, cmp_ub);
    for (size_t i = 0; i < n; i++)
        prefix[i] = (i ? prefix[i - 1] : 0) + m[i].ub;
    const struct ndx_segref *ref = sc->ref;
    const struct ndx_columns *col = &sc->seg->col;
    const struct search *S = sc->S;
    double theta = heap_threshold(heap);
    size_t e = 0;
    while (e < n && prefix[e] <= theta)
        e++;
    while (e < n) {
        uint32_t d = NDX_DOC_END;
        for (size_t i = e; i < n; i++)
            d = NDX_MIN(d, m[i].t->base.doc);
        if (d == NDX_DOC_END)
            break;
        if (n == 1 && m[0].t->npl == 1 && theta >= 0) {
            uint32_t bwf, bdl, last;
            ndx__pl_block_bounds(&m[0].t->pls[0], &bwf, &bdl, &last);
            if (bm25(S, m[0].t->idf, bwf, bdl) <= theta && last != NDX_DOC_END - 1) {
                it_advance(&m[0].t->base, last + 1);
                continue;
            }
        }
        double score = 0;
        for (size_t i = e; i < n; i++)
            if (m[i].t->base.doc == d)
                score += ts_score(&m[i].t->base);
        int keep = 1;
        for (size_t i = e; i-- > 0;) {
            if (score + prefix[i] <= theta) {
                keep = 0;
                break;
            }
            if (it_advance(&m[i].t->base, d) == d)
                score += ts_score(&m[i].t->base);
        }
        if (keep && !ndx__seg_deleted(ref, d)) {
            (*matched)++;
            struct cand c = {score, score, col->gid[d], gidx, d};
            heap_push(heap, &c);
            theta = heap_threshold(heap);
            while (e < n && prefix[e] <= theta)
                e++;
        }
        for (size_t i = e; i < n; i++)
            if (m[i].t->base.doc == d)
                it_next(&m[i].t->base);
        if (sc->corrupt)
            break;
    }
out:
    for (size_t i = 0; m && i < n; i++)
        if (m[i].t)
            ts_free(&m[i].t->base);
    ndx_free(m);
    ndx_free(prefix);
    return rc;
}

/* Evaluate root on every segment: counts, collapse, top hits into res. */
static int execute(struct search *S, struct cnode *root, const struct run_opts *ro,
                   ndx_results *res)
{
    ndx_index *ix = S->ix;
    const ndx_search_opts *opts = S->o;
    size_t want = opts->offset + opts->limit;
    if (want < opts->offset)
        return ndx__index_fail(ix, NDX_EINVAL, "offset too large");
    struct heap heap = {NULL, 0, want};
    heap.c = ndx_malloc((want ? want : 1) * sizeof *heap.c);
    struct ndx_map story_map; /* story -> index + 1 in slots */
    ndx__map_init(&story_map);
    struct story_slot *slots = NULL;
    size_t nslots = 0, capslots = 0;
    struct hlset hl;
    memset(&hl, 0, sizeof hl);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    struct story_info *info = NULL;
    int rc = heap.c ? NDX_OK : NDX_ENOMEM;
    int has_from = opts->date_from != NDX_DATE_UNKNOWN, has_to = opts->date_to != NDX_DATE_UNKNOWN;
    uint64_t total = 0, copies = 0;
    int prune = !opts->want_count && !opts->collapse && opts->sort == NDX_SORT_RELEVANCE &&
                !has_from && !has_to && !ro && want > 0 && prunable(root);
    for (size_t g = 0; g < ix->nsegs && !rc && prune; g++) {
        struct segctx sc = {S, ix->segs[g].seg, &ix->segs[g], 0};
        rc = maxscore_segment(&sc, root, &heap, (uint32_t)g, &total);
        if (!rc && sc.corrupt)
            rc = ndx__index_fail(ix, NDX_ECORRUPT, "segment %s is damaged (run 'newsdex check')",
                                 ix->segs[g].seg->name);
    }
    copies = total;
    int stories = opts->collapse || opts->count_stories;
    int scoring = want > 0 || opts->collapse;
    for (size_t g = 0; g < ix->nsegs && !rc && !prune; g++) {
        const struct ndx_segref *ref = &ix->segs[g];
        struct segctx sc = {S, ref->seg, ref, 0};
        /* a count of one plain term in a segment without deletions is its document frequency */
        if (!scoring && !stories && !has_from && !has_to && !ro && ref->ndel == 0 &&
            prunable_leaf(root) && root->leaf->kind == NDX_Q_TERM &&
            root->leaf->slots[0].nterms == 1) {
            struct ndx_terminfo ti;
            const char *t = root->leaf->slots[0].terms[0];
            int lr = ndx__seg_lookup(ref->seg, t, strlen(t), &ti);
            if (lr == NDX_OK || lr == NDX_ENOTFOUND) {
                total += lr == NDX_OK ? ti.df : 0;
                continue;
            }
        }
        struct it *it = build_it(&sc, root);
        if (!it) {
            rc = S->rc ? S->rc : NDX_ENOMEM;
            break;
        }
        const struct ndx_columns *col = &ref->seg->col;
        for (uint32_t d = it->doc; d != NDX_DOC_END && !rc; d = it_next(it)) {
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
        if (!rc && S->rc)
            rc = S->rc;
        else if (!rc && sc.corrupt)
            rc = ndx__index_fail(ix, NDX_ECORRUPT, "segment %s is damaged (run 'newsdex check')",
                                 ref->seg->name);
    }
    if (!stories)
        copies = total;
    if (rc)
        goto out;
    if (opts->collapse)
        for (size_t i = 0; i < nslots; i++)
            heap_push(&heap, &slots[i].best);
    qsort(heap.c, heap.n, sizeof *heap.c, cmp_cand_best_first);
    res->total = opts->collapse ? nslots : total;
    res->total_stories = prune || !stories ? 0 : nslots;
    res->total_copies = copies;
    res->exact = !prune;
    size_t from = NDX_MIN(opts->offset, heap.n);
    size_t n = heap.n - from;
    res->hits = ndx_calloc(n ? n : 1, sizeof *res->hits);
    info = ndx_calloc(n ? n : 1, sizeof *info);
    if (!res->hits || !info) {
        rc = NDX_ENOMEM;
        goto out;
    }
    hl.root = root;
    hl_collect(&hl, root, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        const struct cand *c = &heap.c[from + i];
        const struct ndx_seg *seg = ix->segs[c->seg].seg;
        info[i].story = seg->col.story[c->doc];
        ndx__buf_init(&info[i].sources, 0);
        if (opts->ids_only) {
            ndx_hit *h = &res->hits[i];
            h->id = c->gid;
            h->score = c->score;
            h->published = seg->col.published[c->doc];
            h->story = info[i].story;
            h->flags = seg->col.flags[c->doc] & NDX_FLAGS_MASK;
            res->nhits++;
            continue;
        }
        rc = make_hit(S, &hl, c, &res->hits[i], &scratch);
        res->nhits++;
        if (rc && rc != NDX_ENOMEM)
            ndx__index_fail(ix, rc, "stored article %" PRIu64 " cannot be read", c->gid);
    }
    if (!rc && !opts->ids_only)
        rc = fill_story_info(S, info, n);
    for (size_t i = 0; i < n && !rc && !opts->ids_only; i++) {
        ndx_hit *h = &res->hits[i];
        h->story = info[i].story;
        h->copies = info[i].copies;
        h->wire = info[i].wire;
        h->sources = ndx__buf_detach(&info[i].sources, &h->nsources);
        if (!h->sources)
            rc = NDX_ENOMEM;
    }
out:
    if (info)
        for (size_t i = 0; i < res->nhits; i++)
            ndx__buf_free(&info[i].sources);
    ndx_free(info);
    ndx__map_free(&hl.terms);
    ndx__map_free(&hl.phrase_first);
    ndx_free(hl.prefixes);
    ndx_free(hl.phrases);
    ndx__buf_free(&scratch);
    ndx_free(heap.c);
    ndx_free(slots);
    ndx__map_free(&story_map);
    return rc;
}

int ndx_search(ndx_index *ix, const char *query, size_t nquery, const ndx_search_opts *opts,
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
    char *msg = NULL;
    size_t epos = 0;
    int rc = ndx__query_parse(query, nquery, &q, &epos, &msg);
    if (rc) {
        if (errpos)
            *errpos = epos;
        ndx__index_fail(ix, rc, "%s (at offset %zu)", msg ? msg : ndx_strerror(rc), epos);
        ndx_free(msg);
        return rc;
    }
    struct search S;
    search_init(&S, ix, opts);
    struct cnode *root = NULL;
    ndx_results *res = ndx_calloc(1, sizeof *res);
    if (!res)
        rc = NDX_ENOMEM;
    if (!rc)
        rc = compile(&S, q, &root);
    if (!rc) {
        compute_idf(&S, root);
        rc = execute(&S, root, NULL, res);
    }
    ndx__buf_free(&S.tmp);
    cnode_free(root);
    ndx__query_free(q);
    if (rc) {
        ndx_results_free(res);
        if (rc == NDX_ENOMEM)
            ndx__index_fail(ix, rc, "out of memory");
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    return NDX_OK;
}

/* ---- related stories ---------------------------------------------------------------------- */

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
    search_init(&S, ix, opts);
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
        uint64_t df = 0;
        for (size_t g = 0; g < ix->nsegs; g++) {
            struct ndx_terminfo ti;
            if (ndx__seg_lookup(ix->segs[g].seg, t.e[i].term, strlen(t.e[i].term), &ti) == NDX_OK)
                df += ti.df;
        }
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
        rc = slot_add(sl, t.e[i].term, strlen(t.e[i].term));
    }
    if (rc)
        goto out;
    compute_idf(&S, root);
    struct run_opts ro = {a->story ? a->story : id, a->published};
    if (nterms)
        rc = execute(&S, root, &ro, res);
out:
    for (size_t i = 0; i < t.n; i++)
        ndx_free(t.e[i].term);
    ndx_free(t.e);
    ndx__map_free(&t.idx);
    ndx__buf_free(&S.tmp);
    cnode_free(root);
    ndx_article_free(a);
    if (rc) {
        ndx_results_free(res);
        return rc;
    }
    res->took_ms = now_ms() - t0;
    *out = res;
    return NDX_OK;
}

/* ---- export and story members ------------------------------------------------------------- */

static int only_space(const char *q, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r')
            return 0;
    return 1;
}

int ndx_export(ndx_index *ix, const char *query, size_t nquery, ndx_article_fn cb, void *ctx,
               size_t *errpos)
{
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    struct search S;
    search_init(&S, ix, &o);
    struct ndx_qnode *q = NULL;
    struct cnode *root = NULL;
    int rc = NDX_OK;
    if (!only_space(query, nquery)) {
        char *msg = NULL;
        size_t epos = 0;
        rc = ndx__query_parse(query, nquery, &q, &epos, &msg);
        if (rc) {
            if (errpos)
                *errpos = epos;
            ndx__index_fail(ix, rc, "%s (at offset %zu)", msg ? msg : ndx_strerror(rc), epos);
            ndx_free(msg);
            ndx__buf_free(&S.tmp);
            return rc;
        }
        rc = compile(&S, q, &root);
    } else {
        /* everything: NOT of nothing */
        root = ndx_calloc(1, sizeof *root);
        if (root)
            root->kind = NDX_Q_NOT;
        else
            rc = NDX_ENOMEM;
    }
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t g = 0; g < ix->nsegs && !rc; g++) {
        const struct ndx_segref *ref = &ix->segs[g];
        struct segctx sc = {&S, ref->seg, ref, 0};
        struct it *it = build_it(&sc, root);
        if (!it) {
            rc = NDX_ENOMEM;
            break;
        }
        for (uint32_t d = it->doc; d != NDX_DOC_END && !rc; d = it_next(it)) {
            if (ndx__seg_deleted(ref, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(ref->seg, d, &scratch, &a))) {
                ndx__index_fail(ix, rc, "segment %s: stored document %u is damaged", ref->seg->name,
                                d);
                break;
            }
            a.flags = ref->seg->col.flags[d] & NDX_FLAGS_MASK;
            rc = cb(ctx, &a);
        }
        it_free(it);
        if (!rc && sc.corrupt)
            rc = ndx__index_fail(ix, NDX_ECORRUPT, "segment %s is damaged", ref->seg->name);
    }
    ndx__buf_free(&scratch);
    ndx__buf_free(&S.tmp);
    cnode_free(root);
    ndx__query_free(q);
    return rc;
}

struct member {
    int64_t published;
    uint64_t gid;
    uint32_t seg, doc, len;
};

static int cmp_member(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int64_t px = x->published == NDX_DATE_UNKNOWN ? INT64_MAX : x->published;
    int64_t py = y->published == NDX_DATE_UNKNOWN ? INT64_MAX : y->published;
    if (px != py)
        return px < py ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

int ndx_story_members(ndx_index *ix, uint64_t story, ndx_article_fn cb, void *ctx)
{
    struct member *m = NULL;
    size_t n = 0, cap = 0;
    int rc = NDX_OK;
    for (size_t g = 0; g < ix->nsegs && !rc; g++) {
        const struct ndx_segref *r = &ix->segs[g];
        const uint32_t *docs;
        size_t nd;
        if ((rc = ndx__seg_story_docs(r->seg, story, &docs, &nd)))
            break;
        for (size_t k = 0; k < nd; k++) {
            uint32_t d = docs[k];
            if (ndx__seg_deleted(r, d))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                struct member *p = ndx_realloc(m, cap * sizeof *p);
                if (!p) {
                    rc = NDX_ENOMEM;
                    break;
                }
                m = p;
            }
            m[n++] = (struct member){r->seg->col.published[d], r->seg->col.gid[d], (uint32_t)g, d,
                                     r->seg->col.dl[d]};
        }
    }
    if (!rc && n)
        qsort(m, n, sizeof *m, cmp_member);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        ndx_article a;
        if ((rc = ndx__seg_doc(ix->segs[m[i].seg].seg, m[i].doc, &scratch, &a)))
            break;
        rc = cb(ctx, &a);
    }
    ndx__buf_free(&scratch);
    ndx_free(m);
    if (!rc && n == 0)
        return ndx__index_fail(ix, NDX_ENOTFOUND, "no story %" PRIu64, story);
    return rc;
}
