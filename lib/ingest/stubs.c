/*
 * stubs.c - teaser stubs swept in after an article: a crawler that keeps a page as text often
 * keeps the sidebar too ("more stories": a few teasers of other articles, each cut after ~100
 * words).  They are not part of the article.  This file finds them by general signals only:
 *
 *   - a run of trailing paragraphs, each of teaser length (30-250 words; CJK characters count
 *     half a word) that ends without final punctuation or with an ellipsis (cut);
 *   - each about another topic: few of its content words (lower-cased, 4+ letters, not a stop
 *     word; CJK as character bigrams) occur in the article before it (containment below 0.30,
 *     below 0.15 when there is only one such paragraph);
 *   - the article before them still holds at least 2 paragraphs and 120 words.
 *
 * A trailing paragraph that is on the article's topic stops the run (it and everything before it
 * stay in the article), so a normal article whose last paragraph was cut by the crawl is left
 * whole, and a short credit line ("Reporting by X; editing by Y") is never a stub (too short).
 */
#include "ingest.h"

#include <stdio.h>

#define STUB_MIN_WORDS     30
#define STUB_MAX_WORDS     250
#define STUB_MAX_RUN       16
#define ARTICLE_MIN_WORDS  120
#define ARTICLE_MIN_PARAS  2
#define OVERLAP_MAX_RUN    0.30
#define OVERLAP_MAX_SINGLE 0.15
#define TITLE_WORDS        12

struct para {
    size_t off, len;
};

/* ---- word sets --------------------------------------------------------------------------- */

struct wset {
    uint64_t *h; /* open addressing, 0 = empty */
    size_t cap, n;
};

static int wset_init(struct wset *s, size_t want)
{
    size_t cap = 64;
    while (cap < want * 2 + 16)
        cap *= 2;
    s->h = ndx_calloc(cap, sizeof *s->h);
    s->cap = cap;
    s->n = 0;
    return s->h ? NDX_OK : NDX_ENOMEM;
}

static void wset_free(struct wset *s)
{
    ndx_free(s->h);
    s->h = NULL;
}

static int wset_has(const struct wset *s, uint64_t h)
{
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->h[i] == h)
            return 1;
        if (!s->h[i])
            return 0;
    }
}

/* Returns 1 if added, 0 if present or full (the set never grows past half its capacity). */
static int wset_add(struct wset *s, uint64_t h)
{
    if (s->n * 2 >= s->cap)
        return 0;
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->h[i] == h)
            return 0;
        if (!s->h[i]) {
            s->h[i] = h;
            s->n++;
            return 1;
        }
    }
}

static const char *const stop[] = {
    "that",    "this",  "with",  "from",    "have",    "been",    "were",      "they",
    "their",   "there", "would", "could",   "should",  "said",    "says",      "will",
    "which",   "what",  "when",  "where",   "while",   "about",   "after",     "before",
    "also",    "more",  "than",  "then",    "them",    "into",    "over",      "some",
    "such",    "only",  "other", "most",    "just",    "like",    "very",      "being",
    "because", "those", "these", "each",    "does",    "many",    "much",      "here",
    "your",    "shall", "might", "must",    "upon",    "year",    "years",     "last",
    "first",   "week",  "today", "told",    "people",  "time",    "according", "yesterday",
    "however", "since", "under", "against", "between", "during",  "through",   "without",
    "within",  "again", "still", "even",    "both",    "well",    "made",      "make",
    "take",    "says",  "among", "across",  "around",  "whether", "although",  "though",
    "cette",   "dans",  "pour",  "avec",    "sont",    "nach",    "nicht",     "eine",
    "einer",   "sich",  "auch",  "oder",    "wird",    "werden",  "sind",      "haben",
    "para",    "como",  "pero",  "esta",
};

static int is_stop(const char *w, size_t n)
{
    for (size_t k = 0; k < NDX_ARRAY_LEN(stop); k++) {
        if (strlen(stop[k]) == n && !memcmp(stop[k], w, n))
            return 1;
    }
    return 0;
}

static int is_cjk_lead(unsigned char c)
{
    return c >= 0xE3 && c <= 0xED; /* U+3000..U+DFFF: kana, CJK ideographs, hangul */
}

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * Call fn for every content-word hash of [s, s+n); also returns the word weight (words, CJK
 * characters counting half).
 */
typedef void (*word_fn)(void *ctx, uint64_t h);

static double scan_words(const char *s, size_t n, word_fn fn, void *ctx)
{
    double weight = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (!word_byte(c)) {
            i++;
            continue;
        }
        if (is_cjk_lead(c) && i + 3 <= n) {
            /* a CJK run: character bigrams */
            size_t prev = SIZE_MAX;
            while (i + 3 <= n && is_cjk_lead((unsigned char)s[i])) {
                weight += 0.5;
                if (prev != SIZE_MAX && fn)
                    fn(ctx, ndx__hash64(s + prev, 6, 7) | 1);
                prev = i;
                i += 3;
            }
            continue;
        }
        size_t b = i;
        while (i < n && word_byte((unsigned char)s[i]) && !is_cjk_lead((unsigned char)s[i]))
            i++;
        weight += 1;
        size_t len = i - b;
        if (len < 4 || len > 40 || !fn)
            continue;
        char low[41];
        int digits = 1;
        for (size_t k = 0; k < len; k++) {
            char ch = s[b + k];
            low[k] = (char)ndx__ascii_lower(ch);
            digits &= ch >= '0' && ch <= '9';
        }
        if (digits || is_stop(low, len))
            continue;
        /* a crude stem: drop a plural / possessive s so "diplomats" meets "diplomat" */
        if (len > 4 && low[len - 1] == 's')
            len--;
        fn(ctx, ndx__hash64(low, len, 7) | 1);
    }
    return weight;
}

static void add_fn(void *ctx, uint64_t h)
{
    wset_add(ctx, h);
}

/* ---- paragraph tests ----------------------------------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t l = strlen(suf);
    return n >= l && !memcmp(s + n - l, suf, l);
}

/* Cut: no final punctuation, or an ellipsis. */
static int looks_cut(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (!n)
        return 0;
    if (ends_with(s, n, "...") || ends_with(s, n, "\xE2\x80\xA6"))
        return 1;
    static const char *const fin[] = {".",
                                      "!",
                                      "?",
                                      "\"",
                                      "'",
                                      ")",
                                      "]",
                                      ":",
                                      "\xE2\x80\x9D",
                                      "\xE2\x80\x99",
                                      "\xC2\xBB",
                                      "\xE3\x80\x82",
                                      "\xEF\xBC\x81",
                                      "\xEF\xBC\x9F",
                                      "\xE3\x80\x8D",
                                      "\xE3\x80\x8F",
                                      "\xEF\xBC\x89"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(fin); k++) {
        if (ends_with(s, n, fin[k]))
            return 0;
    }
    return 1;
}

struct overlap {
    const struct wset *art;
    struct wset own;
    size_t shared;
};

static void overlap_fn(void *ctx, uint64_t h)
{
    struct overlap *o = ctx;
    if (wset_add(&o->own, h) && wset_has(o->art, h))
        o->shared++;
}

/* Share of the paragraph's distinct content words found in the article set; -1 on OOM. */
static double containment(const struct wset *art, const char *s, size_t n)
{
    struct overlap o = {art, {0}, 0};
    if (wset_init(&o.own, n / 4 + 16))
        return -1;
    scan_words(s, n, overlap_fn, &o);
    double r = o.own.n ? (double)o.shared / (double)o.own.n : 1.0;
    wset_free(&o.own);
    return r;
}

size_t ndx__stubs_split(const char *body, size_t n, size_t *nstubs)
{
    *nstubs = 0;
    if (!body || n < 200)
        return n;
    /* the last STUB_MAX_RUN + 1 paragraphs, from the end */
    struct para tail[STUB_MAX_RUN + 1];
    size_t nt = 0, e = n;
    while (e > 0 && nt < NDX_ARRAY_LEN(tail)) {
        size_t b = e;
        while (b > 0 && body[b - 1] != '\n')
            b--;
        if (e > b)
            tail[nt++] = (struct para){b, e - b};
        e = b ? b - 1 : 0;
    }
    /* candidates: teaser length and cut */
    size_t run = 0;
    while (run < nt && run < STUB_MAX_RUN) {
        const struct para *p = &tail[run];
        double w = scan_words(body + p->off, p->len, NULL, NULL);
        if (w < STUB_MIN_WORDS || w > STUB_MAX_WORDS || !looks_cut(body + p->off, p->len))
            break;
        run++;
    }
    if (!run)
        return n;
    /* the article before the run */
    size_t art_end = tail[run - 1].off ? tail[run - 1].off - 1 : 0;
    size_t paras = 0;
    for (size_t i = 0; i < art_end; i++)
        paras += body[i] == '\n';
    paras += art_end > 0;
    struct wset art;
    if (paras < ARTICLE_MIN_PARAS || wset_init(&art, art_end / 4 + 16))
        return n;
    double aw = scan_words(body, art_end, add_fn, &art);
    if (aw < ARTICLE_MIN_WORDS) {
        wset_free(&art);
        return n;
    }
    /* stubs: the trailing candidates after the last on-topic one */
    size_t k = 0; /* stubs found, counted from the end */
    double limit = run == 1 ? OVERLAP_MAX_SINGLE : OVERLAP_MAX_RUN;
    double ov[STUB_MAX_RUN];
    for (size_t i = 0; i < run; i++) {
        ov[i] = containment(&art, body + tail[i].off, tail[i].len);
        if (ov[i] < 0) {
            wset_free(&art);
            return n;
        }
    }
    wset_free(&art);
    while (k < run && ov[k] < limit)
        k++;
    if (k < run) {
        /* an on-topic cut paragraph: it belongs to the article, and so does all before it */
        if (k == 1 && ov[0] >= OVERLAP_MAX_SINGLE)
            k = 0; /* a lone stub left after the article must pass the stricter test */
    }
    if (!k)
        return n;
    *nstubs = k;
    return tail[k - 1].off ? tail[k - 1].off - 1 : 0;
}

/* ---- delivery -------------------------------------------------------------------------------- */

/* A title for a stub: its first sentence if short, else its first words and "…". */
static void stub_title(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    size_t words = 0, i = 0, cut = n;
    int in = 0;
    for (; i < n; i++) {
        int w = s[i] != ' ' && s[i] != '\t';
        if (w && !in && ++words > TITLE_WORDS) {
            cut = i;
            break;
        }
        in = w;
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && words >= 4 &&
            (i + 1 == n || s[i + 1] == ' ') && i > 1 && s[i - 1] >= 'a' && s[i - 1] <= 'z') {
            ndx__buf_append(out, s, i, rc);
            return;
        }
    }
    while (cut > 0 &&
           (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';' || s[cut - 1] == ':'))
        cut--;
    ndx__buf_append(out, s, cut, rc);
    ndx__buf_puts(out, "\xE2\x80\xA6", rc);
}

void ndx__ingest_emit_split(struct ndx__ingest_ctx *c, const ndx_article *a)
{
    size_t nst = 0;
    size_t cut = a->body && !(a->flags & NDX_ART_TEASER) ? ndx__stubs_split(a->body, a->nbody, &nst)
                                                         : a->nbody;
    if (!nst) {
        ndx__ingest_emit(c, a);
        return;
    }
    ndx_article art = *a;
    art.nbody = cut;
    ndx__ingest_emit(c, &art);
    ndx__ingest_problem(c, 0, "note: %zu teaser stub%s found after the article, %s", nst,
                        nst == 1 ? "" : "s",
                        c->stubs ? "dropped" : "kept as separate truncated articles");
    if (c->stubs || c->stopped)
        return;
    struct ndx_buf url, title;
    ndx__buf_init(&url, 0);
    ndx__buf_init(&title, 0);
    size_t pos = cut + 1;
    for (size_t k = 1; k <= nst && pos < a->nbody && !c->stopped; k++) {
        const char *p = a->body + pos;
        const char *nl = memchr(p, '\n', a->nbody - pos);
        size_t len = nl ? (size_t)(nl - p) : a->nbody - pos;
        pos += len + 1;
        int rc = 0;
        ndx_article s;
        memset(&s, 0, sizeof s);
        s.published = NDX_DATE_UNKNOWN;
        s.flags = NDX_ART_TEASER;
        s.parent = a->url;
        s.nparent = a->url ? a->nurl : 0;
        s.source = a->source;
        s.nsource = a->nsource;
        s.lang = a->lang;
        s.nlang = a->nlang;
        s.body = p;
        s.nbody = len;
        ndx__buf_reset(&title);
        stub_title(p, len, &title, &rc);
        ndx__buf_reset(&url);
        if (a->url && a->nurl) {
            size_t un = a->nurl;
            const char *hash = memchr(a->url, '#', un);
            if (hash)
                un = (size_t)(hash - a->url);
            ndx__buf_printf(&url, &rc, "%.*s#teaser-%zu", (int)un, a->url, k);
        }
        if (rc)
            break;
        s.title = (const char *)title.p;
        s.ntitle = title.n;
        if (url.n) {
            s.url = (const char *)url.p;
            s.nurl = url.n;
        }
        ndx__ingest_emit(c, &s);
    }
    ndx__buf_free(&url);
    ndx__buf_free(&title);
}
