/*
 * terms.c - significant terms (docs/ANALYTICS.md): the words and two-word phrases that set the
 * matches of a query apart from the whole archive, counted over stories.
 *
 * The matching pass collapses the matches into stories and keeps the best-scoring copy of each
 * (all of them, or the best N); each copy's title and body are analysed as at ingest and every
 * term counts once per story (fg).  Words are the index's terms (stemmed as the index stems), CJK
 * text gives its bigrams; two-word phrases are adjacent words of one sentence.  Stop words are
 * those of the text language's list (stopwords.c) and the archive's own:
 * a word held by more than a quarter of the documents of its language (from the index's `lang:`
 * statistics) is left out, as are numbers, words with digits and one-letter words.  For the
 * candidates most likely to score well, bg (stories of the archive holding the term) is counted
 * exactly from the postings (phrases by their positions), and the candidates are scored by JLH,
 * chi-square or mutual information.
 */
#include "query/alias_expand.h"
#include "query/collect.h"
#include "query/progress.h"
#include "query/stopwords.h"

#include <jansson.h>
#include <stdlib.h>

#define TERMS_DEFAULT  25
#define TERMS_MAX      1000
#define STOP_SHARE     0.25 /* of a language's documents: a stop word */
#define EXACT_PER_TERM 4    /* candidates counted exactly: this many per term asked for */
#define EXACT_MIN      100

static const char *const method_names[] = {"jlh", "chi2", "mi"};

int ndx_terms_method_parse(const char *s, size_t n, int *out)
{
    for (int i = 0; i < 3; i++)
        if (s && strlen(method_names[i]) == n && memcmp(method_names[i], s, n) == 0) {
            *out = i;
            return NDX_OK;
        }
    return NDX_EINVAL;
}

const char *ndx_terms_method_name(int method)
{
    return method >= 0 && method < 3 ? method_names[method] : "";
}

void ndx_terms_opts_init(ndx_terms_opts *o)
{
    memset(o, 0, sizeof *o);
    o->size = TERMS_DEFAULT;
    o->method = NDX_TERMS_JLH;
    o->date_from = NDX_DATE_UNKNOWN;
    o->date_to = NDX_DATE_UNKNOWN;
}

struct ndx_terms {
    ndx_term_score *t;
    size_t n;
    uint64_t fg, bg;
    int sampled;
};

size_t ndx_terms_count(const ndx_terms *t)
{
    return t->n;
}
const ndx_term_score *ndx_terms_get(const ndx_terms *t, size_t i)
{
    return i < t->n ? &t->t[i] : NULL;
}
uint64_t ndx_terms_foreground(const ndx_terms *t)
{
    return t->fg;
}
uint64_t ndx_terms_background(const ndx_terms *t)
{
    return t->bg;
}
int ndx_terms_sampled(const ndx_terms *t)
{
    return t->sampled;
}

void ndx_terms_free(ndx_terms *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        ndx_free((void *)t->t[i].term);
    ndx_free(t->t);
    ndx_free(t);
}

/* ---- foreground terms ---------------------------------------------------------------------- */

struct cterm {
    char *term; /* index term; a phrase: its two index terms, '\0'-separated (nterm bytes) */
    size_t nterm;
    char *surface; /* how it first read in a text, lower-cased ASCII */
    size_t nsurface;
    uint32_t fg;
    uint32_t last;  /* 1 + the foreground story it was last counted for */
    uint32_t first; /* 1 + the foreground story it was first seen in */
    uint16_t lang;  /* language of the text it was first counted in */
    uint16_t chk;   /* 1 + the language its stop word list was last looked at for, 0: none */
    int stop;       /* a stop word of that language's list */
    int phrase;
    double est; /* estimated score, to pick the candidates counted exactly */
    uint64_t bg;
    double score;
};

#define STOP_LANGS 16 /* languages whose stop word lists one request keeps */

struct stoplist {
    uint16_t lang;
    int none; /* no list for the language */
    struct vtab terms;
};

struct fgstate {
    struct ndx_map idx; /* hash of the term (| 1) -> index + 1; collisions probe the next seed */
    struct cterm *t;
    size_t n, cap;
    uint32_t story; /* 1 + the current foreground story */
    uint16_t lang;
    const char *text;
    const struct ndx_analyzer *an;
    /* the stop word lists of the languages seen, as the analyzer makes their terms */
    struct stoplist stops[STOP_LANGS];
    size_t nstops;
    const struct stoplist *cur; /* the current text's (NULL: none kept) */
    /* where the sentences of text start, and the one the current word is in */
    size_t *sent;
    size_t nsent, capsent, si;
    /* the previous word, for phrases */
    int have_prev;
    uint32_t prev_pos;
    size_t prev_sent;
    char prev[72];
    size_t nprev;
    size_t prev_start;
    int rc;
};

static int term_find(struct fgstate *f, const char *t, size_t n, int phrase, size_t *out,
                     int *created)
{
    *created = 0;
    for (uint64_t seed = 31;; seed++) {
        uint64_t h = ndx__hash64(t, n, seed) | 1;
        uint64_t k = ndx__map_get(&f->idx, h);
        if (k) {
            struct cterm *c = &f->t[k - 1];
            if (c->nterm == n && c->phrase == phrase && !memcmp(c->term, t, n)) {
                *out = k - 1;
                return NDX_OK;
            }
            continue;
        }
        if (ndx__grow(&f->t, &f->cap, f->n + 1, sizeof *f->t, 1024))
            return NDX_ENOMEM;
        struct cterm *c = &f->t[f->n];
        memset(c, 0, sizeof *c);
        if (!(c->term = ndx_malloc(n + 1)))
            return NDX_ENOMEM;
        memcpy(c->term, t, n);
        c->term[n] = 0;
        c->nterm = n;
        c->phrase = phrase;
        int rc = ndx__map_put(&f->idx, h, f->n + 1);
        if (rc) {
            ndx_free(c->term);
            return rc;
        }
        *out = f->n++;
        *created = 1;
        return NDX_OK;
    }
}

static char *lower_copy(const char *s, size_t n)
{
    char *p = ndx_malloc(n + 1);
    if (!p)
        return NULL;
    ndx__ascii_lower_copy(p, s, n);
    p[n] = 0;
    return p;
}

/* Count term i (surface text[start, end)) once for the current story. */
static int count_term(struct fgstate *f, size_t i, size_t start, size_t end)
{
    struct cterm *c = &f->t[i];
    if (!c->surface) { /* first counted (a stop word of another language may have made it) */
        c->lang = f->lang;
        c->first = f->story;
        /* collapse runs of white space in the surface of a phrase */
        if (!(c->surface = lower_copy(f->text + start, end - start)))
            return NDX_ENOMEM;
        size_t w = 0;
        for (size_t k = 0; k < end - start; k++) {
            char ch = c->surface[k];
            if (ch == '\n' || ch == '\t' || ch == '\r')
                ch = ' ';
            if (ch == ' ' && w && c->surface[w - 1] == ' ')
                continue;
            c->surface[w++] = ch;
        }
        c->surface[w] = 0;
        c->nsurface = w;
    }
    if (c->last != f->story) {
        c->last = f->story;
        c->fg++;
    }
    return NDX_OK;
}

static int on_stop_term(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                        size_t end, unsigned flags)
{
    (void)pos, (void)start, (void)end, (void)flags;
    uint32_t v;
    return ndx__vtab_intern(ctx, term, nterm, &v);
}

/* The stop word list of the current text's language, analysed as a text of that language (the
 * index's terms), into f->cur: made once per request and language, before the text is analysed. */
static int stoplist_of_text(struct fgstate *f)
{
    f->cur = NULL;
    for (size_t k = 0; k < f->nstops; k++)
        if (f->stops[k].lang == f->lang) {
            f->cur = &f->stops[k];
            return NDX_OK;
        }
    if (f->nstops == STOP_LANGS)
        return NDX_OK; /* more languages than kept: the archive's rule alone */
    struct stoplist *l = &f->stops[f->nstops++];
    l->lang = f->lang;
    ndx__map_init(&l->terms.idx);
    char code[3];
    const char *words = ndx__stopwords_of(f->lang, code);
    l->none = !words;
    f->cur = l;
    return words ? ndx__analyze(f->an, words, strlen(words), code, 0, on_stop_term, &l->terms, NULL)
                 : NDX_OK;
}

/* Is word i a stop word of the current text's language?  Looked up once per word and language. */
static int listed(struct fgstate *f, size_t i)
{
    struct cterm *c = &f->t[i];
    if (!f->cur || f->cur->none)
        return 0;
    if (c->chk != f->lang + 1u) {
        c->chk = (uint16_t)(f->lang + 1u);
        c->stop = ndx__vtab_find(&f->cur->terms, c->term, c->nterm);
    }
    return c->stop;
}

/* Any ASCII digit ("42m", "3g"): not a word worth reporting. */
static int memchr_digit(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] >= '0' && t[i] <= '9')
            return 1;
    return 0;
}

static int fg_tok(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start, size_t end,
                  unsigned flags)
{
    struct fgstate *f = ctx;
    if (flags & NDX_TOK_CJK_UNI)
        return 0;
    if ((flags & NDX_TOK_NUMBER) || nterm < 2 || nterm > 64 || memchr_digit(term, nterm)) {
        f->have_prev = 0;
        return 0;
    }
    size_t i;
    int created;
    if ((f->rc = term_find(f, term, nterm, 0, &i, &created)))
        return f->rc;
    if (listed(f, i)) { /* a stop word: neither a term nor half a phrase */
        f->have_prev = 0;
        return 0;
    }
    if ((f->rc = count_term(f, i, start, end)))
        return f->rc;
    if (flags & NDX_TOK_CJK_BI) {
        f->have_prev = 0;
        return 0;
    }
    while (f->si + 1 < f->nsent && f->sent[f->si + 1] <= start)
        f->si++;
    /* a phrase: two adjacent words of one sentence */
    if (f->have_prev && f->prev_pos + 1 == pos && f->prev_sent == f->si) {
        char both[140];
        memcpy(both, f->prev, f->nprev);
        both[f->nprev] = 0;
        memcpy(both + f->nprev + 1, term, nterm);
        if ((f->rc = term_find(f, both, f->nprev + 1 + nterm, 1, &i, &created)) ||
            (f->rc = count_term(f, i, f->prev_start, end)))
            return f->rc;
    }
    f->have_prev = 1;
    f->prev_pos = pos;
    f->prev_sent = f->si;
    memcpy(f->prev, term, nterm);
    f->nprev = nterm;
    f->prev_start = start;
    return 0;
}

/* ---- background ---------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct stories among the live documents c matches (every document for an ALL node). */
static int count_stories(struct search *S, const struct cnode *c, uint64_t *out)
{
    uint64_t *st = NULL;
    size_t n = 0, cap = 0;
    int rc = NDX_OK;
    for (size_t g = 0; g < S->v.nsegs && !rc; g++) {
        const struct ndx_segref *ref = &S->v.segs[g];
        struct segctx sc = {S, ref->seg, ref};
        struct it *it = ndx__build_it(&sc, c);
        if (!it) {
            rc = ndx__eval_status(S);
            break;
        }
        for (uint32_t d = it->doc; d != NDX_DOC_END; d = it_next(it)) {
            if (ndx__seg_deleted(ref, d))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                uint64_t *p = ndx_realloc(st, cap * sizeof *p);
                if (!p) {
                    rc = NDX_ENOMEM;
                    break;
                }
                st = p;
            }
            st[n++] = ref->seg->col.story[d];
        }
        it_free(it);
        if (!rc)
            rc = ndx__eval_status(S);
    }
    if (!rc && n > 1)
        qsort(st, n, sizeof *st, cmp_u64);
    uint64_t k = 0;
    for (size_t i = 0; i < n && !rc; i++)
        k += i == 0 || st[i] != st[i - 1];
    ndx_free(st);
    *out = k;
    return rc;
}

/* bg of a candidate: the stories holding its term (or its two words at adjacent positions). */
static int term_bg(struct search *S, const struct cterm *c, uint64_t *out)
{
    char *terms[2] = {c->term, c->phrase ? c->term + strlen(c->term) + 1 : NULL};
    struct slot slots[2] = {{&terms[0], 1, 0}, {&terms[1], 1, 1}};
    struct leaf l;
    memset(&l, 0, sizeof l);
    l.kind = c->phrase ? NDX_Q_PHRASE : NDX_Q_TERM;
    l.slots = slots;
    l.nslots = c->phrase ? 2 : 1;
    struct cnode n = {l.kind, &l, NULL, 0};
    return count_stories(S, &n, out);
}

static double score_of(int method, double fg, double F, double bg, double B)
{
    if (F <= 0 || B <= 0 || bg <= 0)
        return 0;
    double pf = fg / F, pb = bg / B;
    if (pf <= pb)
        return 0;
    if (method == NDX_TERMS_JLH)
        return (pf - pb) * pf / pb;
    /* the 2x2 table over the archive's stories: holding the term or not, matching or not */
    double a = fg, b = F - fg, c = bg > fg ? bg - fg : 0, d = B - F - c;
    if (d < 0)
        d = 0;
    double N = a + b + c + d;
    if (method == NDX_TERMS_CHI2) {
        double den = (a + b) * (c + d) * (a + c) * (b + d);
        return den > 0 ? N * (a * d - b * c) * (a * d - b * c) / den : 0;
    }
    double cells[4][3] = {
        {a, a + b, a + c}, {b, a + b, b + d}, {c, c + d, a + c}, {d, c + d, b + d}};
    double mi = 0;
    for (int i = 0; i < 4; i++)
        if (cells[i][0] > 0)
            mi += cells[i][0] / N * log2(N * cells[i][0] / (cells[i][1] * cells[i][2]));
    return mi;
}

static int cmp_est(const void *x, const void *y)
{
    const struct cterm *a = *(struct cterm *const *)x, *b = *(struct cterm *const *)y;
    if (a->est != b->est)
        return a->est < b->est ? 1 : -1;
    return strcmp(a->surface, b->surface);
}

static int cmp_score(const void *x, const void *y)
{
    const struct cterm *a = *(struct cterm *const *)x, *b = *(struct cterm *const *)y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return strcmp(a->surface, b->surface);
}

/* Documents of language `lang` (the df of its lang: metadata term), cached in a tiny table. */
static uint64_t lang_docs(struct search *S, uint16_t lang, uint16_t *codes, uint64_t *docs, int *n)
{
    for (int i = 0; i < *n; i++)
        if (codes[i] == lang)
            return docs[i];
    char t[4] = {NDX_META_PREFIX, 'L', (char)(lang & 0xff), (char)(lang >> 8)};
    uint64_t df = ndx__view_df(&S->v, t, t[3] ? 4 : 3, 0);
    if (*n < 64) {
        codes[*n] = lang;
        docs[(*n)++] = df;
    }
    return df;
}

/* A stop word: a word held by more than STOP_SHARE of the documents of its language. */
static int is_stop(struct search *S, const char *t, size_t n, uint16_t lang, uint16_t *codes,
                   uint64_t *docs, int *ncodes)
{
    uint64_t ld = lang_docs(S, lang, codes, docs, ncodes);
    if (!ld)
        ld = S->v.ndocs;
    return (double)ndx__view_df(&S->v, t, n, 0) > STOP_SHARE * (double)ld;
}

/* ---- the entry point ----------------------------------------------------------------------- */

static void fg_free(struct fgstate *f)
{
    for (size_t i = 0; i < f->n; i++) {
        ndx_free(f->t[i].term);
        ndx_free(f->t[i].surface);
    }
    ndx_free(f->t);
    ndx__map_free(&f->idx);
    for (size_t k = 0; k < f->nstops; k++)
        ndx__vtab_free(&f->stops[k].terms);
    ndx_free(f->sent);
}

static int on_sentence(void *ctx, size_t start, size_t end)
{
    (void)end;
    struct fgstate *f = ctx;
    if (ndx__grow(&f->sent, &f->capsent, f->nsent + 1, sizeof *f->sent, 64))
        return NDX_ENOMEM;
    f->sent[f->nsent++] = start;
    return 0;
}

/* Analyse one text of the current story into f, its sentences found first (phrases stay inside
 * one). */
static int fg_text(struct fgstate *f, const char *text, size_t n, const char *lang)
{
    f->text = text ? text : "";
    f->have_prev = 0;
    f->nsent = 0;
    f->si = 0;
    int rc = stoplist_of_text(f);
    if (!rc)
        rc = ndx__sentences(f->text, text ? n : 0, on_sentence, f);
    if (!rc)
        rc = ndx__analyze(f->an, f->text, text ? n : 0, lang, 0, fg_tok, f, NULL);
    return rc ? rc : f->rc;
}

/* One request's foreground: the query parsed and run, each kept story's best copy analysed into
 * f, F (stories examined) and B (stories of the archive) counted. */
struct fgrun {
    struct ndx_qnode *q;
    ndx_search_opts so;
    struct search S;
    int inited;
    struct cnode *root;
    ndx_results *res;
    struct fgstate f;
    struct ndx_buf scratch;
    uint64_t F, B;
    int sampled;
};

/* *opts, or the defaults in *dflt when NULL, checked. */
static int take_opts(ndx_index *ix, const ndx_terms_opts **optsp, ndx_terms_opts *dflt)
{
    if (!*optsp) {
        ndx_terms_opts_init(dflt);
        *optsp = dflt;
    }
    const ndx_terms_opts *opts = *optsp;
    size_t size = opts->size ? opts->size : TERMS_DEFAULT;
    if (size > TERMS_MAX)
        return ndx__index_fail(ix, NDX_EINVAL, "at most %d terms", TERMS_MAX);
    if (opts->sample > NDX_MAX_TERMS_SAMPLE)
        return ndx__index_fail(ix, NDX_EINVAL, "the sample is 1 to %d stories (0: every match)",
                               NDX_MAX_TERMS_SAMPLE);
    if (!*ndx_terms_method_name(opts->method))
        return ndx__index_fail(ix, NDX_EINVAL, "unknown method (jlh, chi2 or mi)");
    return NDX_OK;
}

static void fg_run_free(struct fgrun *r)
{
    fg_free(&r->f);
    ndx__buf_free(&r->scratch);
    ndx_results_free(r->res);
    if (r->inited)
        ndx__search_free(&r->S);
    ndx__cnode_free(r->root);
    ndx__query_free(r->q);
}

static int fg_run(ndx_index *ix, const char *query, size_t nquery, const ndx_terms_opts *opts,
                  struct fgrun *r, size_t *errpos)
{
    memset(r, 0, sizeof *r);
    ndx__map_init(&r->f.idx);
    ndx__buf_init(&r->scratch, 0);
    int rc = ndx__parse_query(ix, query, nquery, &r->q, errpos);
    if (rc)
        return rc;
    ndx_search_opts *so = &r->so;
    ndx_search_opts_init(so);
    if (so->aliases && (rc = ndx__alias_expand(ix, &r->q))) /* as ndx_search reads it */
        return rc;
    so->ids_only = 1;
    so->want_snippets = 0;
    so->collapse = 1;
    so->date_from = opts->date_from;
    so->date_to = opts->date_to;
    struct search *S = &r->S;
    ndx__search_init(S, ix, so);
    r->inited = 1;
    ndx__progress_begin(ix); /* matching passes 10 %, the stories analysed 85 %, counts 5 % */
    if (!(r->res = ndx_calloc(1, sizeof *r->res)))
        return NDX_ENOMEM;
    ndx_results *res = r->res;
    rc = ndx__compile(S, r->q, &r->root);
    if (!rc) {
        ndx__compute_idf(S, r->root);
        /* every story: count them first (a pass without scores), then keep them all */
        if (opts->sample) {
            so->limit = opts->sample;
        } else {
            ndx_search_opts co = *so;
            co.limit = 0; /* the collapse counts the stories */
            S->o = &co;
            ndx__progress_span(ix, 0, 0.05);
            rc = ndx__execute(S, r->root, NULL, res);
            so->limit = (size_t)res->total_stories;
            S->o = so;
            ndx_free(res->hits);
            memset(res, 0, sizeof *res);
        }
    }
    if (!rc) {
        S->keep_cands = 1;
        ndx__progress_span(ix, opts->sample ? 0 : 0.05, 0.1);
        rc = ndx__execute(S, r->root, NULL, res);
    }
    r->sampled = opts->sample && res->total_stories > opts->sample;
    /* the foreground: each kept story's best copy, analysed */
    struct fgstate *f = &r->f;
    struct ndx_analyzer an = S->an;
    an.stem = S->v.stem;
    f->an = &an;
    ndx__progress_span(ix, 0.1, 0.95);
    for (size_t i = 0; i < S->ncands && !rc; i++) {
        ndx__progress_step(ix, i, S->ncands);
        const struct cand *c = &S->cands[i];
        const struct ndx_seg *seg = S->v.segs[c->seg].seg;
        ndx_article a;
        if ((rc = ndx__seg_doc(seg, c->doc, &r->scratch, &a))) {
            ndx__index_fail(ix, rc, "stored article %llu cannot be read",
                            (unsigned long long)c->gid);
            break;
        }
        char lang[3] = {a.lang[0], a.nlang > 1 ? a.lang[1] : 0, 0};
        f->story = (uint32_t)i + 1;
        f->lang = seg->col.lang[c->doc];
        rc = fg_text(f, a.title, a.ntitle, lang);
        if (!rc)
            rc = fg_text(f, a.body, a.nbody, lang);
    }
    r->F = S->ncands;
    if (!rc)
        rc = count_stories(S, &(struct cnode){NDX_Q_NOT, NULL, NULL, 0}, &r->B);
    return rc;
}

int ndx_significant_terms(ndx_index *ix, const char *query, size_t nquery,
                          const ndx_terms_opts *opts, ndx_terms **out, size_t *errpos)
{
    *out = NULL;
    ndx_terms_opts dflt;
    int rc = take_opts(ix, &opts, &dflt);
    if (rc)
        return rc;
    size_t size = opts->size ? opts->size : TERMS_DEFAULT;
    struct fgrun r;
    rc = fg_run(ix, query, nquery, opts, &r, errpos);
    struct search *S = &r.S;
    struct fgstate *f = &r.f;
    ndx_terms *T = rc ? NULL : ndx_calloc(1, sizeof *T);
    if (!rc && !T)
        rc = NDX_ENOMEM;
    ndx_terms none = {0}; /* stands in for T when it could not be allocated (rc is set) */
    ndx_terms *Tw = T ? T : &none;
    Tw->sampled = r.sampled;
    Tw->fg = r.F;
    Tw->bg = r.B;
    struct cterm **cand = NULL;
    /* candidates: seen in two stories (one when fewer than three were examined), no stop word;
     * estimated with document frequencies, the best counted exactly */
    uint16_t codes[64];
    uint64_t docs[64];
    int ncodes = 0;
    size_t ncand = 0;
    uint32_t min_fg = Tw->fg < 3 ? 1 : 2;
    if (!rc && !(cand = ndx_calloc(f->n ? f->n : 1, sizeof *cand)))
        rc = NDX_ENOMEM;
    for (size_t i = 0; i < f->n && !rc; i++) {
        struct cterm *c = &f->t[i];
        if (c->fg < min_fg)
            continue;
        const char *w1 = c->term, *w2 = c->phrase ? c->term + strlen(c->term) + 1 : NULL;
        if (is_stop(S, w1, strlen(w1), c->lang, codes, docs, &ncodes) ||
            (w2 && is_stop(S, w2, strlen(w2), c->lang, codes, docs, &ncodes)))
            continue;
        double df = (double)ndx__view_df(&S->v, w1, strlen(w1), 0);
        if (w2) {
            double df2 = (double)ndx__view_df(&S->v, w2, strlen(w2), 0);
            df = df2 < df ? df2 : df;
        }
        c->est = score_of(opts->method, c->fg, (double)Tw->fg, df > c->fg ? df : c->fg,
                          (double)S->v.ndocs);
        cand[ncand++] = c;
    }
    if (!rc && ncand > 1)
        qsort(cand, ncand, sizeof *cand, cmp_est);
    size_t exact = size * EXACT_PER_TERM > EXACT_MIN ? size * EXACT_PER_TERM : EXACT_MIN;
    exact = NDX_MIN(ncand, exact);
    ndx__progress_span(ix, 0.95, 1);
    for (size_t i = 0; i < exact && !rc; i++) {
        ndx__progress_step(ix, i, exact);
        if ((rc = term_bg(S, cand[i], &cand[i]->bg)))
            break;
        if (cand[i]->bg < cand[i]->fg) /* a copy's text, not its story's, held the term */
            cand[i]->bg = cand[i]->fg;
        cand[i]->score = score_of(opts->method, cand[i]->fg, (double)Tw->fg, (double)cand[i]->bg,
                                  (double)Tw->bg);
    }
    if (!rc && exact > 1)
        qsort(cand, exact, sizeof *cand, cmp_score);
    size_t nout = 0;
    while (!rc && nout < exact && nout < size && cand[nout]->score > 0)
        nout++;
    if (!rc && !(Tw->t = ndx_calloc(nout ? nout : 1, sizeof *Tw->t)))
        rc = NDX_ENOMEM;
    for (size_t i = 0; i < nout && !rc; i++) {
        struct cterm *c = cand[i];
        Tw->t[i] = (ndx_term_score){c->surface, c->nsurface, c->score, c->fg, c->bg};
        c->surface = NULL; /* now the result's */
        Tw->n++;
    }
    ndx_free(cand);
    fg_run_free(&r);
    if (!rc)
        ndx__progress_end(ix);
    if (rc) {
        ndx_terms_free(T);
        if (rc == NDX_ENOMEM)
            ndx__index_fail(ix, rc, "out of memory");
        return rc;
    }
    *out = T;
    return NDX_OK;
}

/* ---- significant terms of a sharded archive (docs/SCALE.md) --------------------------------- */

static json_t *lang_string(uint16_t lang)
{
    char l[3] = {(char)(lang & 0xff), (char)(lang >> 8), 0};
    return json_string(l);
}

static int json_out(ndx_index *ix, json_t *j, char **out, size_t *nout)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    int rc = text ? NDX_OK : NDX_ENOMEM;
    if (!rc) {
        size_t n = strlen(text);
        if (!(*out = ndx_strndup(text, n)))
            rc = NDX_ENOMEM;
        else if (nout)
            *nout = n;
    }
    free(text);
    if (rc)
        ndx__index_fail(ix, rc, "out of memory");
    return rc;
}

int ndx_shard_terms_foreground(ndx_index *ix, const char *query, size_t nquery,
                               const ndx_terms_opts *opts, char **out, size_t *nout, size_t *errpos)
{
    *out = NULL;
    ndx_terms_opts dflt;
    int rc = take_opts(ix, &opts, &dflt);
    if (rc)
        return rc;
    struct fgrun r;
    rc = fg_run(ix, query, nquery, opts, &r, errpos);
    json_t *terms = rc ? NULL : json_array();
    if (!rc && !terms)
        rc = NDX_ENOMEM;
    for (size_t i = 0; i < r.f.n && !rc; i++) {
        const struct cterm *c = &r.f.t[i];
        if (!c->fg) /* a stop word wherever it was seen */
            continue;
        const char *w2 = c->phrase ? c->term + strlen(c->term) + 1 : NULL;
        json_t *t =
            json_pack("[soIos#f]", c->term, w2 ? json_string(w2) : json_null(), (json_int_t)c->fg,
                      lang_string(c->lang), c->surface, c->nsurface, r.S.cands[c->first - 1].score);
        if (!t || json_array_append_new(terms, t))
            rc = NDX_ENOMEM;
    }
    json_t *j = NULL;
    if (!rc &&
        !(j = json_pack("{sIsIsIso}", "stories", (json_int_t)r.F, "background", (json_int_t)r.B,
                        "total_stories", (json_int_t)r.res->total_stories, "terms", terms)))
        rc = NDX_ENOMEM;
    if (rc)
        json_decref(terms);
    fg_run_free(&r);
    if (!rc)
        return json_out(ix, j, out, nout);
    if (rc == NDX_ENOMEM)
        ndx__index_fail(ix, rc, "out of memory");
    return rc;
}

/* A word of a request: a string of at most 64 bytes, as foreground terms are. */
static int word_of(json_t *v, const char **w, size_t *n)
{
    if (!json_is_string(v) || json_string_length(v) > 64 || !json_string_length(v))
        return NDX_EINVAL;
    *w = json_string_value(v);
    *n = json_string_length(v);
    return NDX_OK;
}

static int background(struct search *S, json_t *req, json_t **out)
{
    json_t *terms = json_object_get(req, "terms"), *langs = json_object_get(req, "langs");
    int want_bg = json_is_true(json_object_get(req, "bg"));
    if (!json_is_array(terms) || (langs && !json_is_array(langs)))
        return NDX_EINVAL;
    json_t *dfs = json_array(), *bgs = json_array(), *lds = json_array();
    *out = json_pack("{sIsososo}", "docs", (json_int_t)S->v.ndocs, "df", dfs, "bg", bgs,
                     "lang_docs", lds);
    if (!*out)
        return NDX_ENOMEM;
    uint16_t codes[64];
    uint64_t docs[64];
    int ncodes = 0;
    size_t k;
    json_t *v;
    json_array_foreach(langs, k, v)
    {
        const char *l = json_is_string(v) ? json_string_value(v) : NULL;
        if (!l || json_string_length(v) > 2)
            return NDX_EINVAL;
        uint16_t code = (uint16_t)((unsigned char)l[0] | (l[0] ? (unsigned char)l[1] << 8 : 0));
        if (json_array_append_new(
                lds, json_integer((json_int_t)lang_docs(S, code, codes, docs, &ncodes))))
            return NDX_ENOMEM;
    }
    json_array_foreach(terms, k, v)
    {
        const char *w[2] = {NULL, NULL};
        size_t n[2] = {0, 0};
        json_t *w2 = json_array_get(v, 1);
        if (!json_is_array(v) || word_of(json_array_get(v, 0), &w[0], &n[0]) ||
            (w2 && !json_is_null(w2) && word_of(w2, &w[1], &n[1])))
            return NDX_EINVAL;
        uint64_t df[2] = {ndx__view_df(&S->v, w[0], n[0], 0),
                          w[1] ? ndx__view_df(&S->v, w[1], n[1], 0) : 0};
        if (json_array_append_new(dfs, json_pack("[II]", (json_int_t)df[0], (json_int_t)df[1])))
            return NDX_ENOMEM;
        if (!want_bg)
            continue;
        char both[130];
        memcpy(both, w[0], n[0]);
        both[n[0]] = 0;
        if (w[1])
            memcpy(both + n[0] + 1, w[1], n[1] + 1);
        struct cterm c = {.term = both, .nterm = n[0] + (w[1] ? 1 + n[1] : 0), .phrase = !!w[1]};
        uint64_t bg = 0;
        int rc = term_bg(S, &c, &bg);
        if (rc)
            return rc;
        if (json_array_append_new(bgs, json_integer((json_int_t)bg)))
            return NDX_ENOMEM;
    }
    return NDX_OK;
}

int ndx_shard_terms_background(ndx_index *ix, const char *request, size_t nrequest, char **out,
                               size_t *nout)
{
    *out = NULL;
    json_error_t jerr;
    json_t *req = json_loadb(request, nrequest, 0, &jerr);
    if (!json_is_object(req)) {
        json_decref(req);
        return ndx__index_fail(ix, NDX_EINVAL, "terms request: not a JSON object");
    }
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    struct ndx_xstats *external = ix->xstats;
    ix->xstats = NULL; /* this index's own statistics, whatever it scores with */
    struct search S;
    ndx__search_init(&S, ix, &so);
    ix->xstats = external;
    json_t *j = NULL;
    int rc = background(&S, req, &j);
    ndx__search_free(&S);
    json_decref(req);
    if (rc) {
        json_decref(j);
        if (rc == NDX_EINVAL)
            return ndx__index_fail(ix, rc,
                                   "terms request: terms are [word, word or null], "
                                   "langs two-letter codes");
        return rc == NDX_ENOMEM ? ndx__index_fail(ix, rc, "out of memory") : rc;
    }
    return json_out(ix, j, out, nout);
}
