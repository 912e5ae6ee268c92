/*
 * snippet.c - search-result snippets (ndx__snippet): picks up to N passages of about W words that
 * hold the most distinct highlighted spans, aligns them to sentence starts/ends where it can,
 * HTML-escapes and collapses white space in the text, wraps spans in the caller's markers and puts
 * "…" where a passage starts or ends inside a sentence.  Spans are byte ranges of the original
 * text, snapped outward to UTF-8 character boundaries.
 */
#include "text/text.h"

#include <stdlib.h>

#define DEFAULT_SNIPPET_WORDS 30
#define MAX_SPANS             1024 /* spans considered (the first ones in the text) */
#define MAX_DISTINCT          64   /* distinct span texts counted per passage */
#define REGION_MARGIN         512  /* bytes around a span whose lines are walked for windows */
#define REGION_TAIL           4096 /* never more than this past a span */
#define ELLIPSIS              "\xE2\x80\xA6"

struct range {
    size_t a, b;
};

struct ranges {
    struct range *v;
    size_t n, cap;
};

static int ranges_push(struct ranges *r, size_t a, size_t b)
{
    if (ndx__grow(&r->v, &r->cap, r->n + 1, sizeof *r->v, 64))
        return NDX_ENOMEM;
    r->v[r->n++] = (struct range){a, b};
    return NDX_OK;
}

/* First index k with v[k].a >= x (v sorted by a). */
static size_t lower_bound(const struct range *v, size_t n, size_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].a < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct span_info {
    size_t a, b;
    uint64_t h; /* hash of the normalised span text: "distinct" means distinct h */
};

static int cmp_span(const void *x, const void *y)
{
    const struct span_info *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

struct passage {
    size_t a, b;               /* byte range */
    bool open_start, open_end; /* starts/ends inside a sentence: "…" */
    size_t distinct, count, fresh;
};

/* ---- output ------------------------------------------------------------------------------- */

struct writer {
    struct ndx_buf *out;
    int escape;
    bool pending_space, at_start;
    int rc;
};

/* Byte classes of the writer: 1 white space, 2 HTML-escaped when escaping, 0 anything else. */
static const uint8_t wcls[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1,
    ['&'] = 2, ['<'] = 2,  ['>'] = 2,  ['"'] = 2,  ['\''] = 2,
};

const char *ndx__html_entity(uint8_t c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

void ndx__html_escape(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    size_t run = 0;
    for (size_t i = 0; i < n && !*rc; i++) {
        const char *e = ndx__html_entity((uint8_t)s[i]);
        if (!e)
            continue;
        ndx__buf_append(out, s + run, i - run, rc);
        ndx__buf_puts(out, e, rc);
        run = i + 1;
    }
    ndx__buf_append(out, s + run, n - run, rc);
}

static void w_text(struct writer *w, const char *s, size_t a, size_t b)
{
    const uint8_t *u = (const uint8_t *)s;
    const uint8_t esc_cls = w->escape ? 2 : 0; /* class 2 bytes are plain when not escaping */
    size_t run = a;
#define FLUSH(k)                                                                                   \
    do {                                                                                           \
        ndx__buf_append(w->out, s + run, (k)-run, &w->rc);                                         \
    } while (0)
/* a visible byte at k: the text so far, then the space owed before it */
#define VISIBLE(k)                                                                                 \
    do {                                                                                           \
        if (w->pending_space) {                                                                    \
            FLUSH(k);                                                                              \
            run = (k);                                                                             \
            ndx__buf_putc(w->out, ' ', &w->rc);                                                    \
            w->pending_space = false;                                                              \
        }                                                                                          \
        w->at_start = false;                                                                       \
    } while (0)
#define PLAIN(c) (wcls[c] == 0 || (wcls[c] == 2 && !esc_cls))
    for (size_t k = a; k < b;) {
        uint8_t c = u[k];
        if (PLAIN(c)) {
            VISIBLE(k);
            /* a run of plain bytes, single ' ' between them included (copied as they are) */
            for (k++;;) {
                while (k < b && PLAIN(u[k]))
                    k++;
                if (k + 1 < b && u[k] == ' ' && PLAIN(u[k + 1])) {
                    k += 2;
                    continue;
                }
                break;
            }
            continue;
        }
        if (wcls[c] == 1) {
            FLUSH(k);
            run = k + 1;
            if (!w->at_start)
                w->pending_space = true;
            k++;
            continue;
        }
        VISIBLE(k);
        FLUSH(k);
        ndx__buf_puts(w->out, ndx__html_entity(c), &w->rc);
        run = k + 1;
        k++;
    }
    FLUSH(b);
#undef PLAIN
#undef VISIBLE
#undef FLUSH
}

static void w_raw(struct writer *w, const char *s)
{
    if (w->pending_space) {
        ndx__buf_putc(w->out, ' ', &w->rc);
        w->pending_space = false;
    }
    w->at_start = false;
    ndx__buf_puts(w->out, s, &w->rc);
}

/* ---- passage choice ----------------------------------------------------------------------- */

struct snip {
    const char *text;
    size_t n;
    size_t W;
    struct ranges words, sents;
    struct span_info *spans;
    size_t nspans;
};

struct sent_ctx {
    struct ranges *r;
    size_t off; /* the sentence splitter ran from text + off */
};

static int on_sentence_at(void *ctx, size_t a, size_t b)
{
    struct sent_ctx *c = ctx;
    return ranges_push(c->r, c->off + a, c->off + b) ? 1 : 0;
}

/* Start of the region of a span starting at a: the line holding a - REGION_MARGIN. */
static size_t line_start(const uint8_t *s, size_t a)
{
    size_t x = a > REGION_MARGIN ? a - REGION_MARGIN : 0;
    const uint8_t *nl = x ? memrchr(s, '\n', x) : NULL;
    return nl ? (size_t)(nl - s) + 1 : 0;
}

/* End of the region of a span ending at b: the end of the line holding b + REGION_MARGIN, at most
 * REGION_TAIL past b (at a character boundary), at most n. */
static size_t region_end(const uint8_t *s, size_t n, size_t b)
{
    size_t x = NDX_MIN(b + REGION_MARGIN, n);
    size_t cap = NDX_MIN(b + REGION_TAIL, n);
    const uint8_t *nl = x < cap ? memchr(s + x, '\n', cap - x) : NULL;
    size_t e = nl ? (size_t)(nl - s) : cap;
    while (e < n && (s[e] & 0xC0) == 0x80)
        e++;
    return e;
}

/* Sentence index containing byte x (last sentence starting at or before x), or SIZE_MAX. */
static size_t sentence_at(const struct snip *sn, size_t x)
{
    size_t k = lower_bound(sn->sents.v, sn->sents.n, x + 1);
    return k == 0 ? SIZE_MAX : k - 1;
}

static void score(const struct snip *sn, struct passage *p, const uint64_t *seen, size_t nseen)
{
    uint64_t d[MAX_DISTINCT];
    size_t nd = 0, fresh = 0, count = 0;
    for (size_t k = 0; k < sn->nspans; k++) {
        const struct span_info *s = &sn->spans[k];
        if (s->a >= p->b)
            break;
        if (s->a < p->a || s->b > p->b)
            continue;
        count++;
        bool dup = false;
        for (size_t j = 0; j < nd && !dup; j++)
            dup = d[j] == s->h;
        if (dup || nd == MAX_DISTINCT)
            continue;
        d[nd++] = s->h;
        bool old = false;
        for (size_t j = 0; j < nseen && !old; j++)
            old = seen[j] == s->h;
        fresh += !old;
    }
    p->distinct = nd;
    p->count = count;
    p->fresh = fresh;
}

/* The candidate passage around span k. */
static void make_window(const struct snip *sn, const struct span_info *sp, struct passage *p)
{
    const struct range *wv = sn->words.v;
    size_t nw = sn->words.n, W = sn->W;
    size_t wk = lower_bound(wv, nw, sp->a + 1); /* word containing/after the span start */
    wk = wk > 0 && wv[wk - 1].b > sp->a ? wk - 1 : wk;
    if (wk >= nw)
        wk = nw - 1;
    size_t q = sentence_at(sn, sp->a);
    size_t a, sa;
    p->open_start = true;
    size_t sw = q == SIZE_MAX ? 0 : lower_bound(wv, nw, sn->sents.v[q].a);
    if (q != SIZE_MAX && sw <= wk && wk - sw <= W / 2) {
        a = sw;
        sa = sn->sents.v[q].a;
        p->open_start = false;
    } else {
        a = wk > W / 4 ? wk - W / 4 : 0;
        if (q != SIZE_MAX && a < sw && sw <= wk)
            a = sw;
        sa = wv[a].a;
        if (a == 0 || (q != SIZE_MAX && sa == sn->sents.v[q].a))
            p->open_start = false;
        if (a == 0)
            sa = NDX_MIN(sa, q != SIZE_MAX ? sn->sents.v[q].a : sa);
    }
    size_t b = NDX_MIN(a + W, nw);
    if (b <= wk)
        b = wk + 1;
    size_t e = wv[b - 1].b;
    if (e < sp->b)
        e = sp->b;
    p->a = sa;
    p->open_end = true;
    size_t qe = sentence_at(sn, e - 1);
    if (qe != SIZE_MAX) {
        const struct range *s = &sn->sents.v[qe];
        if (s->b >= e && (b == nw || wv[b].a >= s->b)) {
            e = s->b; /* the window ends with its sentence's last word: take the full stop */
            p->open_end = false;
        } else if (s->a > sa && s->a > sp->b) {
            /* a sentence starts inside the window after the span: end before it if that loses
             * at most a third of the window and no span */
            size_t ws = lower_bound(wv, nw, s->a);
            size_t k = 0;
            bool span_after = false;
            for (k = 0; k < sn->nspans; k++)
                if (sn->spans[k].a >= s->a && sn->spans[k].a < e)
                    span_after = true;
            if (!span_after && b - ws <= W / 3 && qe > 0 && sn->sents.v[qe - 1].b > sa) {
                e = sn->sents.v[qe - 1].b;
                p->open_end = false;
            }
        }
    }
    if (p->open_end && b == nw)
        p->open_end = false; /* text end */
    p->b = e;
}

static int cmp_passage(const void *x, const void *y)
{
    const struct passage *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

static int escape_copy(const char *s, size_t n, int escape, struct ndx_buf *out)
{
    struct writer w = {out, escape, false, true, 0};
    w_text(&w, s, 0, n);
    ndx__buf_append(out, "", 0, &w.rc);
    return w.rc;
}

int ndx__snippet(const char *text, size_t ntext, const struct ndx_span *spans, size_t nspans,
                 size_t words, size_t max_passages, const char *open, const char *close,
                 int escape_html, struct ndx_buf *out)
{
    struct snip sn = {text, text ? ntext : 0, words ? words : DEFAULT_SNIPPET_WORDS, {0}, {0}, NULL,
                      0};
    const uint8_t *s = (const uint8_t *)text;
    size_t n = sn.n;
    int rc = 0;
    struct passage *cand = NULL, *chosen = NULL;
    uint64_t *seen = NULL;
    size_t nseen = 0, nchosen = 0;
    struct ndx_buf tmp;
    ndx__buf_init(&tmp, 0);
    if (!open)
        open = "";
    if (!close)
        close = "";
    if (!max_passages)
        max_passages = 1;

    /* clean spans */
    if (!spans)
        nspans = 0;
    if (nspans > 0 && n > 0) {
        sn.spans = ndx_malloc(NDX_MIN(nspans, (size_t)MAX_SPANS) * sizeof *sn.spans);
        if (!sn.spans) {
            rc = NDX_ENOMEM;
            goto done;
        }
        for (size_t k = 0; k < nspans && sn.nspans < MAX_SPANS; k++) {
            size_t a = spans[k].start, b = spans[k].end;
            if (a >= n || b <= a)
                continue;
            if (b > n)
                b = n;
            while (a > 0 && (s[a] & 0xC0) == 0x80)
                a--;
            while (b < n && (s[b] & 0xC0) == 0x80)
                b++;
            sn.spans[sn.nspans++] = (struct span_info){a, b, 0};
        }
        qsort(sn.spans, sn.nspans, sizeof *sn.spans, cmp_span);
        for (size_t k = 0; k < sn.nspans; k++) {
            struct span_info *sp = &sn.spans[k];
            rc = ndx__normalize_word(text + sp->a, sp->b - sp->a, &tmp);
            if (rc)
                goto done;
            sp->h =
                tmp.n ? ndx__hash64(tmp.p, tmp.n, 1) : ndx__hash64(text + sp->a, sp->b - sp->a, 2);
        }
    }

    /* Windows lie within a few hundred bytes of a span: words and sentences are only needed in
     * the lines (paragraphs) around the spans.  A region runs from the start of the line holding
     * the point REGION_MARGIN bytes before a span to the end of the line holding the point as far
     * after it (at most REGION_TAIL bytes past the span); a line start is a sentence start, so
     * sentences found from there are the same as from the top of the text. */
    size_t wa, wb;
    if (sn.nspans > 0) { /* ~ a word per 5-6 bytes, a sentence per 100: rarely regrown */
        sn.words.cap = NDX_MIN(n / 5 + 16, (size_t)16384);
        sn.sents.cap = NDX_MIN(n / 64 + 16, (size_t)2048);
        sn.words.v = ndx_malloc(sn.words.cap * sizeof *sn.words.v);
        sn.sents.v = ndx_malloc(sn.sents.cap * sizeof *sn.sents.v);
        if (!sn.words.v || !sn.sents.v) {
            rc = NDX_ENOMEM;
            goto done;
        }
    }
    struct sent_ctx sc = {&sn.sents, 0};
    for (size_t k = 0; k < sn.nspans && !rc;) {
        size_t rs = line_start(s, sn.spans[k].a), re = 0;
        /* spans whose regions overlap share one */
        for (; k < sn.nspans; k++) {
            if (re && line_start(s, sn.spans[k].a) > re)
                break;
            re = NDX_MAX(re, region_end(s, n, sn.spans[k].b));
        }
        for (size_t i = rs; ndx__text_next_word(text, re, i, &wa, &wb); i = wb)
            if ((rc = ranges_push(&sn.words, wa, wb)) != 0)
                goto done;
        sc.off = rs;
        if (ndx__sentences(text + rs, re - rs, on_sentence_at, &sc) != 0) {
            rc = NDX_ENOMEM;
            goto done;
        }
    }
    if (sn.words.n == 0 || sn.nspans == 0) {
        /* no highlights: the teaser */
        ndx__buf_reset(&tmp);
        rc = ndx__teaser(text, n, sn.W, &tmp);
        if (!rc)
            rc = escape_copy((const char *)tmp.p, tmp.n, escape_html, out);
        goto done;
    }

    /* candidates: one window per span (spans sorted; windows of consecutive spans often equal) */
    cand = ndx_malloc(sn.nspans * sizeof *cand);
    chosen = ndx_malloc(max_passages < sn.nspans ? max_passages * sizeof *chosen
                                                 : sn.nspans * sizeof *chosen);
    seen = ndx_malloc(sn.nspans * sizeof *seen);
    if (!cand || !chosen || !seen) {
        rc = NDX_ENOMEM;
        goto done;
    }
    size_t ncand = 0;
    for (size_t k = 0; k < sn.nspans; k++) {
        struct passage p;
        make_window(&sn, &sn.spans[k], &p);
        if (ncand > 0 && cand[ncand - 1].a == p.a && cand[ncand - 1].b == p.b)
            continue;
        cand[ncand++] = p;
    }
    while (nchosen < max_passages) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < ncand; k++) {
            struct passage *p = &cand[k];
            bool overlap = false;
            for (size_t j = 0; j < nchosen && !overlap; j++)
                overlap = p->a < chosen[j].b && chosen[j].a < p->b;
            if (overlap)
                continue;
            score(&sn, p, seen, nseen);
            if (p->count == 0)
                continue;
            if (best == SIZE_MAX || p->fresh > cand[best].fresh ||
                (p->fresh == cand[best].fresh &&
                 (p->distinct > cand[best].distinct ||
                  (p->distinct == cand[best].distinct && p->count > cand[best].count))))
                best = k;
        }
        if (best == SIZE_MAX)
            break;
        if (nchosen > 0 && cand[best].fresh == 0)
            break; /* nothing new to show */
        chosen[nchosen++] = cand[best];
        for (size_t k = 0; k < sn.nspans; k++) {
            const struct span_info *sp = &sn.spans[k];
            if (sp->a >= cand[best].a && sp->b <= cand[best].b) {
                bool old = false;
                for (size_t j = 0; j < nseen && !old; j++)
                    old = seen[j] == sp->h;
                if (!old)
                    seen[nseen++] = sp->h;
            }
        }
    }
    qsort(chosen, nchosen, sizeof *chosen, cmp_passage);

    /* output */
    struct writer w = {out, escape_html, false, true, 0};
    ndx__buf_append(out, "", 0, &w.rc);
    size_t sk = 0; /* spans are marked in order; merged when they overlap */
    for (size_t c = 0; c < nchosen; c++) {
        const struct passage *p = &chosen[c];
        if (c == 0) {
            if (p->open_start)
                ndx__buf_puts(out, ELLIPSIS, &w.rc);
        } else {
            bool gap = false;
            for (size_t k = chosen[c - 1].b; k < p->a && !gap; k++)
                gap = !(s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r');
            ndx__buf_puts(out,
                          gap || chosen[c - 1].open_end || p->open_start ? " " ELLIPSIS " " : " ",
                          &w.rc);
        }
        w.pending_space = false;
        w.at_start = true;
        size_t pos = p->a;
        while (sk < sn.nspans && sn.spans[sk].b <= p->a)
            sk++;
        while (sk < sn.nspans && sn.spans[sk].a < p->b) {
            size_t a = NDX_MAX(sn.spans[sk].a, pos), b = NDX_MIN(sn.spans[sk].b, p->b);
            while (sk + 1 < sn.nspans && sn.spans[sk + 1].a <= b) { /* merge overlaps */
                sk++;
                b = NDX_MIN(NDX_MAX(b, sn.spans[sk].b), p->b);
            }
            if (a < b) {
                w_text(&w, text, pos, a);
                w_raw(&w, open);
                w_text(&w, text, a, b);
                w.pending_space = false; /* keep the close marker on the span */
                ndx__buf_puts(out, close, &w.rc);
                pos = b;
            }
            if (sn.spans[sk].b > p->b)
                break;
            sk++;
        }
        w_text(&w, text, pos, p->b);
        w.pending_space = false;
        if (c + 1 == nchosen && p->open_end)
            ndx__buf_puts(out, ELLIPSIS, &w.rc);
    }
    rc = w.rc;

done:
    ndx_free(sn.spans);
    ndx_free(sn.words.v);
    ndx_free(sn.sents.v);
    ndx_free(cand);
    ndx_free(chosen);
    ndx_free(seen);
    ndx__buf_free(&tmp);
    return rc;
}
