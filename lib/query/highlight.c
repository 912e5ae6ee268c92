/*
 * highlight.c - which words of a stored text to highlight for a query: the query's words, prefix
 * matches and phrases (not negated, not title-only), found by analysing the text as at ingest;
 * words that cannot match are skipped unstemmed, and a long text stops being analysed once
 * enough highlights (and some text after them) were found: enough is at most 12, or all of the
 * body's occurrences of the words, which a long body's postings count beforehand (none: the
 * body is not analysed).
 */
#include "query/eval.h"

#include <stdlib.h>

/* ---- words to highlight -------------------------------------------------------------------------
 */

/* Keep t among the distinct words whose occurrences are highlights (hash h, not yet in either
 * map). */
static void hl_word(struct hlset *h, const char *t, uint64_t hash)
{
    if (ndx__map_get(&h->terms, hash) || ndx__map_get(&h->phrase_first, hash))
        return;
    const char **w = ndx_realloc(h->words, (h->nwords + 1) * sizeof *w);
    if (!w) {
        h->rc = NDX_ENOMEM;
        return;
    }
    h->words = w;
    h->words[h->nwords++] = t;
}

static void hl_first(struct hlset *h, const char *t)
{
    uint8_t c = (uint8_t)t[0];
    if (!c)
        h->any_first = 1;
    h->first[c] = 1;
    if (c >= 'a' && c <= 'z')
        h->first[c - 0x20] = 1;
}

void ndx__hl_collect(struct hlset *h, const struct cnode *c, int negated)
{
    /* small maps for the few words of a query (the default first size is 1024 slots) */
    if (!h->terms.cap && !h->rc &&
        (ndx__map_reserve(&h->terms, 8) || ndx__map_reserve(&h->phrase_first, 8)))
        h->rc = NDX_ENOMEM;
    if (c->kind == NDX_Q_NOT)
        negated = !negated;
    for (size_t i = 0; i < c->nkids; i++)
        ndx__hl_collect(h, c->kids[i], negated);
    const struct leaf *l = c->leaf;
    if (!l || negated || l->meta || ndx__leaf_is_column(l) || l->field == NDX_F_TITLE)
        return;
    if (l->kind == NDX_Q_PHRASE) {
        const struct leaf **p = ndx_realloc(h->phrases, (h->nphrases + 1) * sizeof *p);
        if (p) {
            h->phrases = p;
            h->phrases[h->nphrases++] = l;
        } else {
            h->rc = NDX_ENOMEM;
        }
        for (size_t k = 0; l->nslots && k < l->slots[0].nterms; k++) {
            const char *t = l->slots[0].terms[k];
            uint64_t hash = ndx__hash64(t, strlen(t), 11);
            hl_word(h, t, hash);
            if (ndx__map_put(&h->phrase_first, hash, 1))
                h->rc = NDX_ENOMEM;
        }
        uint64_t reach = (l->nslots ? l->slots[l->nslots - 1].rel : 0) +
                         (uint64_t)(l->slop == UINT32_MAX ? 0 : l->slop);
        if (reach > h->reach)
            h->reach = reach > UINT32_MAX ? UINT32_MAX : (uint32_t)reach;
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
                } else {
                    h->rc = NDX_ENOMEM;
                }
            } else {
                uint64_t hash = ndx__hash64(t, strlen(t), 11);
                hl_word(h, t, hash);
                if (ndx__map_put(&h->terms, hash, 1))
                    h->rc = NDX_ENOMEM;
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
    size_t enough;   /* highlights after which (and a tail) the rest is not analysed */
    int stopped;     /* analysis ended early: enough to choose passages from */
};

#define HL_ENOUGH_HITS 12 /* after this many highlights (and some text past the last one) the */
#define HL_TAIL_TOKENS 60 /* rest of a long article is not analysed for snippets */

/* Enough highlights, and the ntok-th token lies past the tail kept after the last one. */
static inline bool past_tail(const struct dtoks *d, size_t ntok)
{
    return d->hits >= d->enough && ntok - d->last_hit > HL_TAIL_TOKENS;
}

#define HL_COUNT_BYTES                                                                             \
    2048 /* body bytes per query word above which its occurrences are counted                      \
          */

/* Occurrences in the body of document doc of the highlighted words (the index's positions from
 * the title's length on), or SIZE_MAX when not known.  Every highlight is such an occurrence: the
 * text is analysed as at ingest, so once the last one is seen (and the tokens a phrase starting
 * there may need) nothing is left to find. */
static size_t body_occurrences(struct search *S, const struct hlset *hl, const struct ndx_seg *seg,
                               uint32_t doc, size_t nbody)
{
    if (!seg || hl->any_first || hl->nprefixes || hl->rc || hl->reach >= HL_TAIL_TOKENS / 3 ||
        nbody < HL_COUNT_BYTES * (hl->nwords + 1) || doc >= seg->ndocs)
        return SIZE_MAX;
    uint32_t tl = seg->col.title_len[doc];
    size_t total = 0;
    for (size_t i = 0; i < hl->nwords; i++) {
        struct ndx_terminfo ti;
        int rc = ndx__term_lookup(S, seg, hl->words[i], strlen(hl->words[i]), &ti);
        if (rc == NDX_ENOTFOUND)
            continue;
        if (rc)
            return SIZE_MAX;
        struct ndx_pl pl;
        ndx__pl_init(&pl, seg, &ti);
        if (ndx__pl_advance(&pl, doc) != doc) {
            if (pl.corrupt)
                return SIZE_MAX;
            continue;
        }
        int np = ndx__pl_positions(&pl, &S->hl_pos, &S->hl_cap);
        if (np < 0)
            return SIZE_MAX;
        for (int k = 0; k < np; k++)
            total += S->hl_pos[k] >= tl;
    }
    return total;
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

int ndx__hl_spans(struct search *S, const struct hlset *hl, const struct ndx_seg *seg, uint32_t doc,
                  const char *text, size_t n, const char *lang, struct ndx_span **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    struct dtoks d;
    memset(&d, 0, sizeof d);
    d.hl = hl;
    d.enough = NDX_MIN(body_occurrences(S, hl, seg, doc, n), (size_t)HL_ENOUGH_HITS);
    if (d.enough == 0)
        return NDX_OK; /* none of the words in the body: nothing to highlight */
    d.cap = NDX_MIN(n / 5 + 16, (size_t)8192); /* ~ a token per 5-6 bytes: rarely regrown */
    if (!hl->any_first)
        d.cap = NDX_MIN(d.cap, (size_t)512); /* only words that may match are kept */
    if (!(d.t = ndx_malloc(d.cap * sizeof *d.t)))
        return NDX_ENOMEM;
    struct ndx_analyzer an = S->an;
    an.stem = S->v.stem;
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

void ndx__hl_free(struct hlset *h)
{
    ndx__map_free(&h->terms);
    ndx__map_free(&h->phrase_first);
    ndx_free(h->prefixes);
    ndx_free(h->phrases);
    ndx_free(h->words);
}
