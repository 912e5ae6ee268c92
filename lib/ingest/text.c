/*
 * text.c - a plain-text document (paragraph per line) to one article.  Leading lines that are
 * only a URL or only a date (the livedoor layout) become the url and date; then the first line is
 * the title if it looks like one (short, no sentence punctuation at the end), else a title is
 * derived from its first sentence and the whole text is the body.  Paragraphs are trimmed, empty
 * ones dropped, and joined with '\n'.  Teaser stubs at the end of the body (a sidebar kept by the
 * crawler) are split off by stubs.c.
 */
#include "ingest.h"

#define TITLE_MAX_CHARS  150
#define TITLE_MAX_WORDS  20
#define DERIVED_WORDS    15
#define DERIVED_CHARS    120
#define DERIVED_HARD_CUT 60

struct span {
    const char *p;
    size_t n;
};

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Next line at *pos, trimmed of ASCII white space (U+3000 / U+00A0 too). */
static struct span next_line(const char *s, size_t n, size_t *pos, size_t *line_start)
{
    size_t i = *pos;
    const char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n;
    *line_start = i;
    *pos = nl ? e + 1 : n;
    for (;;) {
        if (i < e && is_ws((unsigned char)s[i]))
            i++;
        else if (e - i >= 2 && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
            i += 2;
        else if (e - i >= 3 && !memcmp(s + i, "\xE3\x80\x80", 3))
            i += 3;
        else
            break;
    }
    for (;;) {
        if (e > i && is_ws((unsigned char)s[e - 1]))
            e--;
        else if (e - i >= 2 && (unsigned char)s[e - 2] == 0xC2 && (unsigned char)s[e - 1] == 0xA0)
            e -= 2;
        else if (e - i >= 3 && !memcmp(s + e - 3, "\xE3\x80\x80", 3))
            e -= 3;
        else
            break;
    }
    return (struct span){s + i, e - i};
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static size_t count_words(const char *s, size_t n)
{
    size_t k = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int w = !is_ws((unsigned char)s[i]);
        if (w && !in)
            k++;
        in = w;
    }
    return k;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t l = strlen(suf);
    return n >= l && memcmp(s + n - l, suf, l) == 0;
}

/* Does the line end like a sentence (. ! ? 。 ！ ？ " ” …)? */
static int sentence_like(const char *s, size_t n)
{
    static const char *const ends[] = {".",
                                       "!",
                                       "?",
                                       "\"",
                                       "\xE3\x80\x82",
                                       "\xEF\xBC\x81",
                                       "\xEF\xBC\x9F",
                                       "\xE2\x80\x9D",
                                       "\xE2\x80\xA6"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(ends); k++) {
        if (ends_with(s, n, ends[k]))
            return 1;
    }
    return 0;
}

static int is_url_line(struct span l)
{
    if (!(l.n > 8 && l.n < 4096 && (!strncmp(l.p, "http://", 7) || !strncmp(l.p, "https://", 8))))
        return 0;
    for (size_t i = 0; i < l.n; i++) {
        if ((unsigned char)l.p[i] <= ' ')
            return 0;
    }
    return 1;
}

/* Length of a closing quote / bracket at s, 0 if none. */
static size_t closer_len(const char *s, const char *e)
{
    static const char *const cl[] = {"\"",
                                     "'",
                                     ")",
                                     "]",
                                     "\xE2\x80\x9D",
                                     "\xE2\x80\x99",
                                     "\xC2\xBB",
                                     "\xE3\x80\x8D",
                                     "\xE3\x80\x8F",
                                     "\xEF\xBC\x89"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(cl); k++) {
        size_t l = strlen(cl[k]);
        if ((size_t)(e - s) >= l && !memcmp(s, cl[k], l))
            return l;
    }
    return 0;
}

static int is_abbrev(const char *w, size_t n)
{
    static const char *const ab[] = {"mr",  "mrs", "ms",  "dr",  "prof", "st",   "jr",  "sr",
                                     "vs",  "etc", "inc", "co",  "corp", "ltd",  "gov", "sen",
                                     "rep", "gen", "col", "lt",  "no",   "jan",  "feb", "mar",
                                     "apr", "jun", "jul", "aug", "sep",  "sept", "oct", "nov",
                                     "dec", "mt",  "ft",  "rev", "sgt",  "capt", "cmdr"};
    if (n == 1)
        return 1; /* an initial: "J. Smith" */
    if (memchr(w, '.', n))
        return 1; /* "U.S." */
    char low[8];
    if (n >= sizeof low)
        return 0;
    ndx__ascii_lower_copy(low, w, n);
    low[n] = 0;
    for (size_t k = 0; k < NDX_ARRAY_LEN(ab); k++) {
        if (!strcmp(low, ab[k]))
            return 1;
    }
    return 0;
}

/* Length of the first sentence of l. */
static size_t first_sentence(struct span l)
{
    const char *s = l.p, *e = l.p + l.n;
    for (const char *q = s; q < e; q++) {
        size_t m = 0;
        int ascii = 0;
        if (*q == '.' || *q == '!' || *q == '?') {
            m = 1;
            ascii = 1;
        } else if (e - q >= 3 && (!memcmp(q, "\xE3\x80\x82", 3) || !memcmp(q, "\xEF\xBC\x81", 3) ||
                                  !memcmp(q, "\xEF\xBC\x9F", 3))) {
            m = 3;
        }
        if (!m)
            continue;
        const char *t = q + m;
        size_t k;
        while (t < e && (k = closer_len(t, e)))
            t += k;
        if (!ascii)
            return (size_t)(t - s);
        if (t == e)
            return l.n;
        if (!is_ws((unsigned char)*t))
            continue; /* "3.5", "example.com" */
        const char *u = t;
        while (u < e && is_ws((unsigned char)*u))
            u++;
        if (u < e && *u >= 'a' && *u <= 'z')
            continue;
        if (*q == '.') {
            const char *w = q;
            while (w > s && !is_ws((unsigned char)w[-1]) && w[-1] != '(' && w[-1] != '"')
                w--;
            if (is_abbrev(w, (size_t)(q - w)))
                continue;
        }
        return (size_t)(t - s);
    }
    return l.n;
}

/* Derive a title from the first sentence of l: at most ~15 words / 120 characters, "…" if cut. */
static void derive_title(struct span l, struct ndx_buf *out, int *rc)
{
    size_t n = first_sentence(l);
    const char *s = l.p;
    size_t cut = n;
    /* word limit */
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int w = !is_ws((unsigned char)s[i]);
        if (w && !in && ++words > DERIVED_WORDS) {
            cut = i;
            break;
        }
        in = w;
    }
    /* character limit */
    if (count_chars(s, cut) > DERIVED_CHARS) {
        size_t chars = 0, i = 0, last_space = 0, chars_at_space = 0, hard = 0;
        for (; i < cut && chars < DERIVED_CHARS; i++) {
            if (((unsigned char)s[i] & 0xC0) == 0x80)
                continue;
            if (chars == DERIVED_HARD_CUT)
                hard = i;
            if (is_ws((unsigned char)s[i])) {
                last_space = i;
                chars_at_space = chars;
            }
            chars++;
        }
        cut = chars_at_space >= DERIVED_CHARS / 2 ? last_space : hard;
    }
    ndx__buf_reset(out);
    if (cut < n) {
        while (cut > 0 && (is_ws((unsigned char)s[cut - 1]) || s[cut - 1] == ',' ||
                           s[cut - 1] == ';' || s[cut - 1] == ':' || s[cut - 1] == '-'))
            cut--;
        ndx__buf_append(out, s, cut, rc);
        ndx__buf_puts(out, "\xE2\x80\xA6", rc);
        return;
    }
    if (ends_with(s, n, "."))
        n -= 1;
    else if (ends_with(s, n, "\xE3\x80\x82"))
        n -= 3;
    ndx__buf_append(out, s, n, rc);
}

int ndx__ingest_text_article(struct ndx__ingest_ctx *c, const char *raw, size_t nraw)
{
    int rc = 0;
    size_t fixed = 0, first_bad = SIZE_MAX;
    struct ndx_buf *doc = &c->tmp;
    ndx__buf_reset(doc);
    ndx__utf8_repair(raw, nraw, doc, &fixed, &first_bad, &rc);
    if (rc)
        return rc;
    if (fixed) {
        uint64_t line = 1;
        for (size_t i = 0; i < first_bad && i < nraw; i++)
            line += raw[i] == '\n';
        ndx__ingest_problem(c, line, "invalid UTF-8 repaired (%zu bytes)", fixed);
    }
    const char *s = doc->p ? (const char *)doc->p : "";
    size_t n = doc->n;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        n -= 3;
    }

    ndx_article a;
    memset(&a, 0, sizeof a);
    a.published = NDX_DATE_UNKNOWN;
    size_t pos = 0, start = 0;
    struct span l = {NULL, 0};
    int seen_url = 0, seen_date = 0;
    while (pos < n) {
        l = next_line(s, n, &pos, &start);
        if (!l.n)
            continue;
        if (!seen_url && !seen_date && is_url_line(l)) {
            seen_url = 1;
            ndx__buf_reset(&c->f[NDX__F_URL]);
            ndx__buf_append(&c->f[NDX__F_URL], l.p, l.n, &rc);
            a.url = (const char *)c->f[NDX__F_URL].p;
            a.nurl = l.n;
            l.n = 0;
            continue;
        }
        if (!seen_date && l.n <= 64 && ndx_parse_date(l.p, l.n, &a.published) == NDX_OK) {
            seen_date = 1;
            l.n = 0;
            continue;
        }
        break;
    }
    if (rc)
        return rc;
    if (!l.n) {
        ndx__ingest_problem(c, 0, "no article text");
        return NDX_EFORMAT;
    }
    size_t body_from;
    struct ndx_buf *title = &c->f[NDX__F_TITLE];
    ndx__buf_reset(title);
    if (count_chars(l.p, l.n) <= TITLE_MAX_CHARS && count_words(l.p, l.n) <= TITLE_MAX_WORDS &&
        !sentence_like(l.p, l.n)) {
        ndx__ingest_clean(l.p, l.n, 0, title, &rc);
        body_from = pos;
    } else {
        struct ndx_buf *t2 = &c->tmp2;
        derive_title(l, t2, &rc);
        if (!rc)
            ndx__ingest_clean((const char *)t2->p, t2->n, 0, title, &rc);
        body_from = start;
    }
    struct ndx_buf *body = &c->f[NDX__F_BODY];
    ndx__ingest_clean(s + body_from, n - body_from, 1, body, &rc);
    if (rc)
        return rc;
    a.title = (const char *)title->p;
    a.ntitle = title->n;
    if (body->n) {
        a.body = (const char *)body->p;
        a.nbody = body->n;
    }
    if (!a.url && c->file_url) {
        a.url = c->file_url;
        a.nurl = strlen(c->file_url);
    }
    ndx__ingest_emit_split(c, &a);
    return NDX_OK;
}
