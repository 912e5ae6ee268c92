/*
 * meta.c - article metadata from a parsed page: title (og:title, JSON-LD headline, twitter:title,
 * <title>, <h1>; the <h1> when the title holds it and more; site-name suffixes stripped), byline
 * (JSON-LD author, meta author, rel/itemprop author, class byline/author), publication date
 * (JSON-LD datePublished, article:published_time and similar metas, itemprop datePublished, <time
 * datetime>, a date in the URL, a date written in elements named date/time/publish), canonical URL,
 * site name, language.  The JSON-LD is read by meta_ld.c.
 */
#include "extract/extract.h"
#include "text/text.h"

#include <stdio.h>

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Whether c is one of the characters of set (never NUL). */
static bool in_set(const char *set, char c)
{
    return c && strchr(set, c);
}

/* Whether the n bytes at p, lower-cased in ASCII, are one of the nlist words of list. */
static bool word_in(const char *const *list, size_t nlist, const void *p, size_t n)
{
    const uint8_t *q = p;
    for (size_t k = 0; k < nlist; k++) {
        size_t m = strlen(list[k]), j = 0;
        if (m != n)
            continue;
        while (j < m && ndx__ascii_lower(q[j]) == (uint8_t)list[k][j])
            j++;
        if (j == m)
            return true;
    }
    return false;
}

/* Append s collapsed to single spaces and trimmed. */
static void put_clean(struct ndx_buf *b, const char *s, size_t n, int *rc)
{
    bool sp = true;
    size_t start = b->n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++;
            c = ' ';
        }
        if (is_space(c) || c < 0x20) {
            if (!sp)
                ndx__buf_putc(b, ' ', rc);
            sp = true;
            continue;
        }
        sp = false;
        ndx__buf_putc(b, (char)c, rc);
    }
    while (b->n > start && b->p[b->n - 1] == ' ')
        b->n--;
    if (b->p)
        b->p[b->n] = 0;
}

/* Decode the few HTML entities left in meta values by double-escaping. */
static void put_clean_unescaped(struct ndx_buf *b, const char *s, size_t n, int *rc)
{
    struct ndx_buf t;
    ndx__buf_init(&t, 0);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') {
            static const struct {
                const char *e;
                const char *r;
            } ents[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"},  {"&apos;", "'"},
                        {"&lt;", "<"},  {"&gt;", ">"},    {"&nbsp;", " "}, {"&#039;", "'"}};
            bool done = false;
            for (size_t k = 0; k < NDX_ARRAY_LEN(ents); k++) {
                size_t m = strlen(ents[k].e);
                if (i + m <= n && !memcmp(s + i, ents[k].e, m)) {
                    ndx__buf_puts(&t, ents[k].r, rc);
                    i += m - 1;
                    done = true;
                    break;
                }
            }
            if (done)
                continue;
        }
        ndx__buf_putc(&t, s[i], rc);
    }
    put_clean(b, (const char *)t.p, t.n, rc);
    ndx__buf_free(&t);
}

static const char *kv(const struct ndx_xdoc *d, int k, size_t *n)
{
    if (!d->kv_set[k]) {
        *n = 0;
        return NULL;
    }
    *n = d->kv_len[k];
    return (const char *)d->attr.p + d->kv_off[k];
}

/* ---- dates -------------------------------------------------------------------------------- */

static bool dig(char c)
{
    return c >= '0' && c <= '9';
}

/* Find a numeric date in s: Y-M-D, Y/M/D, Y.M.D, Y年M月D日, D.M.Y, with an optional time.
 * Writes "YYYY-MM-DD[ HH:MM]" into out. */
static bool find_numeric_date(const char *s, size_t n, char *out, size_t nout)
{
    for (size_t i = 0; i + 8 <= n; i++) {
        if (!dig(s[i]) || (i > 0 && dig(s[i - 1])))
            continue;
        size_t j = i;
        int a = 0, la = 0;
        while (j < n && dig(s[j]) && la < 5) {
            a = a * 10 + (s[j] - '0');
            j++;
            la++;
        }
        int y = 0, m = 0, dd = 0;
        size_t k = j;
        /* separator */
        size_t sepl = 0;
        const char *sep = s + j;
        if (j < n && (s[j] == '-' || s[j] == '/' || s[j] == '.'))
            sepl = 1;
        else if (j + 3 <= n && !memcmp(s + j, "\xE5\xB9\xB4", 3)) /* 年 */
            sepl = 3;
        if (!sepl)
            continue;
        k = j + sepl;
        while (k < n && s[k] == ' ')
            k++;
        int b = 0, lb = 0;
        while (k < n && dig(s[k]) && lb < 3) {
            b = b * 10 + (s[k] - '0');
            k++;
            lb++;
        }
        if (!lb || lb > 2)
            continue;
        size_t sep2l = 0;
        if (sepl == 1 && k < n && s[k] == *sep)
            sep2l = 1;
        else if (sepl == 3 && k + 3 <= n && !memcmp(s + k, "\xE6\x9C\x88", 3)) /* 月 */
            sep2l = 3;
        if (!sep2l)
            continue;
        k += sep2l;
        while (k < n && s[k] == ' ')
            k++;
        int c = 0, lcnt = 0;
        while (k < n && dig(s[k]) && lcnt < 5) {
            c = c * 10 + (s[k] - '0');
            k++;
            lcnt++;
        }
        if (la == 4 && lcnt >= 1 && lcnt <= 2) {
            y = a;
            m = b;
            dd = c;
        } else if (la <= 2 && lcnt == 4 && sepl == 1 && *sep != '-') {
            /* D.M.Y (European order; US M/D/Y is read when D > 12) */
            y = c;
            if (*sep == '/' && b > 12) {
                m = a;
                dd = b;
            } else {
                m = b;
                dd = a;
            }
        } else
            continue;
        if (y < 1990 || y > 2100 || m < 1 || m > 12 || dd < 1 || dd > 31)
            continue;
        if (sepl == 3 && k + 3 <= n && !memcmp(s + k, "\xE6\x97\xA5", 3)) /* 日 */
            k += 3;
        /* time */
        int hh = -1, mm = -1;
        size_t t = k;
        while (t < n && (s[t] == ' ' || s[t] == ',' || s[t] == 'T'))
            t++;
        if (t + 4 <= n && dig(s[t])) {
            int h = s[t] - '0';
            size_t u = t + 1;
            if (u < n && dig(s[u]))
                h = h * 10 + (s[u++] - '0');
            if (u + 2 < n && (s[u] == ':' || s[u] == 'h') && dig(s[u + 1]) && dig(s[u + 2])) {
                int mi = (s[u + 1] - '0') * 10 + (s[u + 2] - '0');
                if (h < 24 && mi < 60) {
                    hh = h;
                    mm = mi;
                }
            }
        }
        if (hh >= 0)
            snprintf(out, nout, "%04d-%02d-%02d %02d:%02d", y, m, dd, hh, mm);
        else
            snprintf(out, nout, "%04d-%02d-%02d", y, m, dd);
        return true;
    }
    return false;
}

/* A date written with words in s ("March 5, 2019", "Dec 17, 2025", "20 December 2025", "Sat, 20
 * Dec 2025"): the first run of 3 to max_words words holding a digit, starting at a word that
 * starts in the first `starts` bytes, that ndx_parse_date takes. */
static bool word_date(const char *s, size_t n, size_t starts, size_t max_words, int64_t *t)
{
    for (size_t i = 0; i < n && i < starts; i++) {
        if ((i && !is_space((unsigned char)s[i - 1])) || is_space((unsigned char)s[i]))
            continue;
        size_t words = 0, j = i;
        bool digit = false;
        while (j < n && words < max_words) {
            while (j < n && !is_space((unsigned char)s[j]))
                digit |= dig(s[j++]);
            words++;
            if (words >= 3 && digit) {
                size_t e = j;
                while (e > i && (s[e - 1] == ',' || s[e - 1] == '.' || s[e - 1] == '|'))
                    e--;
                if (ndx_parse_date(s + i, e - i, t) == NDX_OK)
                    return true;
            }
            while (j < n && is_space((unsigned char)s[j]))
                j++;
        }
    }
    return false;
}

static bool parse_loose(const char *s, size_t n, int64_t *t)
{
    while (n && is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    if (!n || n > 200)
        return false;
    if (ndx_parse_date(s, n, t) == NDX_OK)
        return true;
    char buf[40];
    if (find_numeric_date(s, n, buf, sizeof buf) && ndx_parse_date(buf, strlen(buf), t) == NDX_OK)
        return true;
    /* "Published: March 5, 2019 ..." */
    return word_date(s, n, 120, 5, t);
}

static bool url_date(const char *u, size_t n, int64_t *t)
{
    /* /2019/03/05/ or /2019-03-05/ or /20190305/ */
    for (size_t i = 0; i + 10 <= n; i++) {
        if (u[i] != '/' && u[i] != '-' && u[i] != '_')
            continue;
        const char *p = u + i + 1;
        size_t left = n - i - 1;
        if (left >= 10 && dig(p[0]) && dig(p[1]) && dig(p[2]) && dig(p[3]) &&
            (p[4] == '/' || p[4] == '-') && dig(p[5]) && dig(p[6]) && p[7] == p[4] && dig(p[8]) &&
            dig(p[9]) && (left == 10 || !dig(p[10]))) {
            char b[11];
            snprintf(b, sizeof b, "%.4s-%.2s-%.2s", p, p + 5, p + 8);
            if (b[0] == '1' || b[0] == '2')
                if (ndx_parse_date(b, 10, t) == NDX_OK)
                    return true;
        }
        if (left >= 8 && (p[0] == '2') && p[1] == '0' && dig(p[2]) && dig(p[3]) && dig(p[4]) &&
            dig(p[5]) && dig(p[6]) && dig(p[7]) && (left == 8 || !dig(p[8]))) {
            char b[11];
            snprintf(b, sizeof b, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
            if (ndx_parse_date(b, 10, t) == NDX_OK)
                return true;
        }
    }
    return false;
}

/* ---- title -------------------------------------------------------------------------------- */

static size_t count_words(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ') {
            in = false;
        } else if (c >= 0xE3 && c <= 0xED) {
            w++; /* CJK: a character is a word */
            in = false;
        } else if (!in && (c & 0xC0) != 0x80) {
            w++;
            in = true;
        }
    }
    return w;
}

/* Strip " | Site", " - Site", "Site | " from a title held in b. */
static void strip_site(struct ndx_buf *b, const char *site, size_t nsite)
{
    static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ",
                                       " • ", " ~ ", " / ", "_",   "｜",   " |",  "| "};
    for (int round = 0; round < 2; round++) {
        const char *s = (const char *)b->p;
        size_t n = b->n;
        if (!n)
            return;
        /* last separator */
        size_t best = SIZE_MAX, bl = 0;
        for (size_t k = 0; k < NDX_ARRAY_LEN(seps); k++) {
            size_t m = strlen(seps[k]);
            for (size_t i = n; i-- > 0;) {
                if (i + m <= n && !memcmp(s + i, seps[k], m)) {
                    if (best == SIZE_MAX || i > best) {
                        best = i;
                        bl = m;
                    }
                    break;
                }
            }
        }
        if (best == SIZE_MAX || best == 0)
            return;
        const char *tail = s + best + bl;
        size_t ntail = n - best - bl;
        size_t wh = count_words(s, best), wt = count_words(tail, ntail);
        bool tail_site = nsite && (ndx__ascii_icontains(tail, ntail, site, nsite) ||
                                   (ntail >= 4 && ndx__ascii_icontains(site, nsite, tail, ntail)));
        bool head_site = nsite &&
                         (ndx__ascii_icontains(s, best, site, nsite) ||
                          (best >= 4 && ndx__ascii_icontains(site, nsite, s, best))) &&
                         wh <= 4;
        if (tail_site || (wt <= 4 && wt * 2 < wh + 1 && wh >= 2)) {
            b->n = best;
            while (b->n && b->p[b->n - 1] == ' ')
                b->n--;
            b->p[b->n] = 0;
        } else if (head_site && wt >= 2) {
            memmove(b->p, tail, ntail);
            b->n = ntail;
            b->p[b->n] = 0;
        } else
            return;
    }
}

/* ---- main --------------------------------------------------------------------------------- */

static bool is_url(const char *s, size_t n)
{
    return (n > 7 && !memcmp(s, "http", 4)) || (n > 1 && s[0] == '/');
}

/* Month and weekday names (English, German, abbreviated) and the words that announce a date. */
static bool is_date_word(const uint8_t *p, size_t n)
{
    static const char *const words[] = {
        "january",   "february", "march",     "april",    "may",    "june",     "july",   "august",
        "september", "october",  "november",  "december", "jan",    "feb",      "mar",    "apr",
        "jun",       "jul",      "aug",       "sep",      "sept",   "oct",      "nov",    "dec",
        "monday",    "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
        "tue",       "wed",      "thu",       "fri",      "sat",    "sun",      "on",     "updated",
        "published", "posted",   "januar",    "februar",  "märz",   "mai",      "juni",   "juli",
        "oktober",   "dezember", "am"};
    while (n && (p[n - 1] == ',' || p[n - 1] == '.'))
        n--;
    return word_in(words, NDX_ARRAY_LEN(words), p, n);
}

/* "•", "|", "·", "—", "–", "-" */
static bool is_separator(const uint8_t *p, size_t n)
{
    return (n == 1 && (*p == '|' || *p == '-')) || (n == 2 && !memcmp(p, "\xC2\xB7", 2)) ||
           (n == 3 && (!memcmp(p, "\xE2\x80\xA2", 3) || !memcmp(p, "\xE2\x80\x94", 3) ||
                       !memcmp(p, "\xE2\x80\x93", 3)));
}

/* Length of a date at the start of a byline ("Dec 17, 2025 ", "Sat, 20 Dec, 2025 - 06:36"): words
 * that are digits, date words or separators; 0 unless it holds a digit ("May Smith" stays). */
static size_t date_run(const uint8_t *p, size_t n)
{
    size_t i = 0, end = 0;
    bool digit = false;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == ','))
            i++;
        size_t w = i;
        bool num = i < n && p[i] >= '0' && p[i] <= '9';
        if (num) {
            while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == ':' || p[i] == '.' ||
                             p[i] == '/' || p[i] == '-'))
                i++;
            digit = true;
        } else {
            while (i < n && p[i] != ' ' && p[i] != ',' && !(p[i] >= '0' && p[i] <= '9'))
                i++;
            if (i == w || !(is_date_word(p + w, i - w) || is_separator(p + w, i - w)))
                break;
        }
        end = i;
    }
    while (end < n && p[end] == ' ')
        end++;
    return digit ? end : 0;
}

static void clean_byline(struct ndx_buf *b)
{
    static const char *const pre[] = {"by ",
                                      "von ",
                                      "par ",
                                      "por ",
                                      "di ",
                                      "door ",
                                      "av ",
                                      "written by ",
                                      "text: ",
                                      "author: ",
                                      "autor: ",
                                      "\xE4\xBD\x9C\xE8\x80\x85\xEF\xBC\x9A", /* 作者： */
                                      "\xE8\xA8\x98\xE8\x80\x85"};            /* 記者 */
    bool again = true;
    while (again && b->n) {
        again = false;
        for (size_t k = 0; k < NDX_ARRAY_LEN(pre); k++) {
            size_t m = strlen(pre[k]);
            if (b->n > m) {
                size_t j = 0;
                while (j < m && ndx__ascii_lower(b->p[j]) == pre[k][j])
                    j++;
                if (j == m) {
                    memmove(b->p, b->p + m, b->n - m);
                    b->n -= m;
                    b->p[b->n] = 0;
                    again = true;
                }
            }
        }
    }
    /* trim punctuation */
    while (b->n && (b->p[b->n - 1] == ',' || b->p[b->n - 1] == '|' || b->p[b->n - 1] == ' '))
        b->p[--b->n] = 0;
    /* a date before or after the name ("Dec 17, 2025 Jane Doe", "Jane Doe 4 August 2010",
     * "Jane Doe • March 12, 2025 • 5 min read"): dropped with the month and weekday names and
     * separators next to it */
    if (!b->p)
        return;
    size_t lead = date_run(b->p, b->n);
    if (lead) {
        memmove(b->p, b->p + lead, b->n - lead);
        b->n -= lead;
    }
    size_t cut = b->n;
    for (size_t i = 0; i < b->n; i++)
        if (b->p[i] >= '0' && b->p[i] <= '9' &&
            (i == 0 || !(((b->p[i - 1] | 0x20) >= 'a' && (b->p[i - 1] | 0x20) <= 'z') ||
                         (b->p[i - 1] >= '0' && b->p[i - 1] <= '9') ||
                         b->p[i - 1] >= 0x80))) { /* not inside a name: "Rapid7", "BR24" */
            cut = i;
            break;
        }
    if (cut < b->n) {
        b->n = cut;
        for (bool more = true; more && b->n;) {
            more = false;
            while (b->n && in_set(" ,.|-:/", (char)b->p[b->n - 1]))
                b->n--;
            size_t w = b->n;
            while (w && b->p[w - 1] != ' ')
                w--;
            if (is_date_word(b->p + w, b->n - w) || is_separator(b->p + w, b->n - w)) {
                b->n = w;
                more = true;
            }
        }
    }
    b->p[b->n] = 0;
    size_t k = 0;
    while (k < b->n && (b->p[k] == ',' || b->p[k] == '|' || b->p[k] == ' ' || b->p[k] == ':'))
        k++;
    if (k) {
        memmove(b->p, b->p + k, b->n - k);
        b->n -= k;
        b->p[b->n] = 0;
    }
}

/* Whether a cleaned byline names someone: not a bare label ("By", "The Author", "Article by:"),
 * not a label still waiting for its name ("Jane says:"), not an id (four digits or more), and
 * holding at least two letters. */
static bool byline_ok(const struct ndx_buf *b)
{
    static const char *const labels[] = {"by",        "author",        "the author",  "article by",
                                         "autor",     "von",           "par",         "written by",
                                         "posted by", "researched by", "reviewed by", "edited by",
                                         "min read",  "minute read",   "minutes read"};
    if (!b->n)
        return false;
    if (b->p[b->n - 1] == ':')
        return false;
    size_t letters = 0, digits = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint8_t c = b->p[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            letters++;
        else if (c >= 0xC0)
            letters++; /* the lead byte of a non-ASCII letter, near enough */
    }
    if (letters < 2 || digits >= 4)
        return false; /* (digits survive clean_byline only before the first letter) */
    return !word_in(labels, NDX_ARRAY_LEN(labels), b->p, b->n);
}

/* The text of the page from its first <h1> on (else from the article container), removed
 * elements included (dates and bylines sit in headers and meta boxes), up to about max bytes. */
static void near_headline(const struct ndx_xdoc *d, uint32_t top, size_t max, struct ndx_buf *s,
                          int *rc)
{
    uint32_t from = d->h1_node ? d->h1_node : top;
    if (!from)
        return;
    for (uint32_t k = from; k < d->nn && s->n < max; k++)
        if (d->n[k].tag == 0) {
            ndx__buf_append(s, d->text.p + d->n[k].off, d->n[k].len, rc);
            ndx__buf_putc(s, ' ', rc);
        }
}

/* A word that can be part of a name: a capital letter first (ASCII, or Latin-1 À-Þ), no digit,
 * not all capitals (a heading: "ZERO WASTE"), not a date word and not a role or a label that
 * follows names in bylines ("Jane Doe Senior Writer", "Jane Doe Reviewed by"). */
static bool name_word(const char *p, size_t n)
{
    static const char *const roles[] = {
        "researched",  "reviewed", "edited",        "written",    "photo",     "photos",  "share",
        "follow",      "read",     "tech",          "writer",     "editor",    "staff",   "senior",
        "contributor", "reporter", "correspondent", "co-founder", "cofounder", "founder", "ceo",
        "head",        "director", "manager",       "chief",      "about",     "more"};
    if (!n)
        return false;
    unsigned char c = (unsigned char)p[0];
    bool cap = (c >= 'A' && c <= 'Z') ||
               (c == 0xC3 && n > 1 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9E);
    if (!cap)
        return false;
    size_t upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (dig(p[i]))
            return false;
        upper += p[i] >= 'A' && p[i] <= 'Z';
    }
    if (n >= 3 && upper == n)
        return false;
    return !word_in(roles, NDX_ARRAY_LEN(roles), p, n) && !is_date_word((const uint8_t *)p, n);
}

/*
 * A byline written in the text near the headline: "By Jane Doe", "Written by: Jane Doe and John
 * Roe", "Posted by Jane", "Article by Jane Doe" in the first lim bytes of s.  The name is the run
 * of capitalised words after the marker, up to a lower-case word, a digit, a date word or
 * punctuation; after a bare "By" it needs two words ("By Sunday" is not a byline), and "Photo by"
 * and the like are picture credits.  Writes the name to out.
 */
static bool find_text_byline(const char *s, size_t n, size_t lim, struct ndx_buf *out, int *rc)
{
    /* bare: the word before may make it a picture credit; names: words the name needs */
    static const struct {
        const char *m;
        bool bare;
        unsigned names;
    } markers[] = {{"article written by:", false, 1},
                   {"written by:", false, 1},
                   {"written by", false, 1},
                   {"article by", false, 1},
                   {"posted by", false, 1},
                   {"by:", true, 1},
                   {"by", true, 2}};
    static const char *const credits[] = {"photo", "photos",  "image",    "images",  "illustration",
                                          "video", "graphic", "graphics", "picture", "foto"};
    if (n > lim) { /* at a character boundary: a name may run to the end */
        n = lim;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        if (i && !is_space((unsigned char)s[i - 1]))
            continue;
        for (size_t m = 0; m < NDX_ARRAY_LEN(markers); m++) {
            size_t ml = strlen(markers[m].m), j = 0;
            while (j < ml && i + j < n &&
                   ndx__ascii_lower((unsigned char)s[i + j]) == markers[m].m[j])
                j++;
            if (j < ml || i + ml >= n || !is_space((unsigned char)s[i + ml]))
                continue;
            if (markers[m].bare && i >= 2) { /* the word before "by": a picture credit? */
                size_t pe = i - 1, ps = pe;
                while (ps && !is_space((unsigned char)s[ps - 1]))
                    ps--;
                if (word_in(credits, NDX_ARRAY_LEN(credits), s + ps, pe - ps))
                    break;
            }
            size_t p = i + ml, start = 0, end = 0, names = 0;
            while (p < n && names < 6) {
                while (p < n && is_space((unsigned char)s[p]))
                    p++;
                size_t w = p;
                while (p < n && !is_space((unsigned char)s[p]))
                    p++;
                size_t we = p;
                bool stop = false;
                while (we > w && in_set(",|;", s[we - 1])) {
                    we--;
                    stop = true;
                }
                if (name_word(s + w, we - w)) {
                    if (!names)
                        start = w;
                    end = we;
                    names++;
                } else if (names && we - w == 3 && !memcmp(s + w, "and", 3)) {
                    continue; /* "Jane Doe and John Roe" */
                } else {
                    break;
                }
                if (stop)
                    break;
            }
            if (names >= markers[m].names) {
                ndx__buf_append(out, s + start, end - start, rc);
                return true;
            }
            break;
        }
    }
    return false;
}

int ndx__extract_meta(struct ndx_xdoc *d, const char *url, size_t nurl, uint32_t top,
                      struct ndx_extract *e)
{
    (void)top;
    int rc = 0;
    struct ndx_buf metas = e->metas; /* the page's metas handed over, not copied */
    e->metas = d->metas;
    d->metas = metas;
    ndx__buf_reset(&d->metas);
    struct ndx_ld L;
    ndx__ld_parse(d, &L);
    size_t n;
    const char *v;

    /* url */
    ndx__buf_reset(&e->url);
    if ((v = kv(d, XK_CANONICAL, &n)) && n > 8 && !memcmp(v, "http", 4))
        put_clean(&e->url, v, n, &rc);
    else if ((v = kv(d, XK_OG_URL, &n)) && n > 8 && !memcmp(v, "http", 4))
        put_clean(&e->url, v, n, &rc);
    else if (url && nurl)
        put_clean(&e->url, url, nurl, &rc);

    /* source */
    ndx__buf_reset(&e->source);
    if ((v = kv(d, XK_SITE_NAME, &n)) && n < 100 && v[0] != '@')
        put_clean_unescaped(&e->source, v, n, &rc);
    else if (L.site && strlen(L.site) < 100)
        put_clean_unescaped(&e->source, L.site, strlen(L.site), &rc);
    else if (e->url.n)
        ndx__url_source((const char *)e->url.p, e->url.n, &e->source, &rc);
    else if (url)
        ndx__url_source(url, nurl, &e->source, &rc);

    /* title */
    ndx__buf_reset(&e->title);
    struct ndx_buf h1;
    ndx__buf_init(&h1, 0);
    if (d->h1_node) {
        struct ndx_buf t;
        ndx__buf_init(&t, 0);
        ndx__xnode_text(d, d->h1_node, 1000, &t, &rc);
        put_clean(&h1, (const char *)t.p, t.n, &rc);
        ndx__buf_free(&t);
    }
    struct ndx_buf tt;
    ndx__buf_init(&tt, 0);
    put_clean(&tt, (const char *)d->title.p, d->title.n, &rc);
    if ((v = kv(d, XK_OG_TITLE, &n)))
        put_clean_unescaped(&e->title, v, n, &rc);
    else if (L.headline && *L.headline)
        put_clean_unescaped(&e->title, L.headline, strlen(L.headline), &rc);
    else if ((v = kv(d, XK_TW_TITLE, &n)))
        put_clean_unescaped(&e->title, v, n, &rc);
    else if (h1.n && tt.n &&
             ndx__ascii_icontains((const char *)tt.p, tt.n, (const char *)h1.p, h1.n))
        ndx__buf_append(&e->title, h1.p, h1.n, &rc);
    else if (tt.n)
        ndx__buf_append(&e->title, tt.p, tt.n, &rc);
    else if ((v = kv(d, XK_META_TITLE, &n)))
        put_clean_unescaped(&e->title, v, n, &rc);
    else if (h1.n)
        ndx__buf_append(&e->title, h1.p, h1.n, &rc);
    /* a title holding the page's <h1> and more ("Site | Headline", "Headline | by Author"):
     * the <h1> is the headline */
    if (!rc && h1.n && e->title.n > h1.n && count_words((const char *)h1.p, h1.n) >= 3 &&
        ndx__ascii_icontains((const char *)e->title.p, e->title.n, (const char *)h1.p, h1.n) &&
        !(e->source.n &&
          (ndx__ascii_icontains((const char *)h1.p, h1.n, (const char *)e->source.p, e->source.n) ||
           ndx__ascii_icontains((const char *)e->source.p, e->source.n, (const char *)h1.p,
                                h1.n)))) {
        ndx__buf_reset(&e->title);
        ndx__buf_append(&e->title, h1.p, h1.n, &rc);
    }
    if (!rc && e->title.n) {
        strip_site(&e->title, (const char *)e->source.p, e->source.n);
        /* the host without its TLD is also a site name ("nytimes" in "... - NYTimes.com") */
    }
    ndx__buf_free(&h1);
    ndx__buf_free(&tt);

    /* date */
    int64_t t = NDX_DATE_UNKNOWN, tmp;
    if (L.date && parse_loose(L.date, strlen(L.date), &tmp))
        t = tmp;
    static const int keys[] = {XK_PUB_META, XK_PUB_ITEMPROP, XK_DATE_META, XK_TIME_DT};
    for (size_t k = 0; t == NDX_DATE_UNKNOWN && k < NDX_ARRAY_LEN(keys); k++)
        if ((v = kv(d, keys[k], &n)) && parse_loose(v, n, &tmp))
            t = tmp;
    if (t == NDX_DATE_UNKNOWN && e->url.n && url_date((const char *)e->url.p, e->url.n, &tmp))
        t = tmp;
    if (t == NDX_DATE_UNKNOWN && url && url_date(url, nurl, &tmp))
        t = tmp;
    for (uint32_t k = 0; t == NDX_DATE_UNKNOWN && k < d->ndate_nodes; k++) {
        struct ndx_buf s;
        ndx__buf_init(&s, 0);
        ndx__xnode_text(d, d->date_nodes[k], 300, &s, &rc);
        if (s.n && parse_loose((const char *)s.p, s.n, &tmp))
            t = tmp;
        ndx__buf_free(&s);
    }
    if (t == NDX_DATE_UNKNOWN && (v = kv(d, XK_MOD_META, &n)) && parse_loose(v, n, &tmp))
        t = tmp;
    /* the text near the headline, for the dates and bylines written there: gathered only when
     * the markup gave neither */
    struct ndx_buf nh;
    ndx__buf_init(&nh, 0);
    if (t == NDX_DATE_UNKNOWN)
        near_headline(d, top, 1500, &nh, &rc);
    if (t == NDX_DATE_UNKNOWN && nh.n) {
        char buf[40];
        if (find_numeric_date((const char *)nh.p, nh.n, buf, sizeof buf) &&
            ndx_parse_date(buf, strlen(buf), &tmp) == NDX_OK)
            t = tmp;
        else if (word_date((const char *)nh.p, NDX_MIN(nh.n, (size_t)600), 600, 4, &tmp))
            t = tmp;
    }
    e->published = t;

    /* byline: the first source that names someone */
    ndx__buf_reset(&e->byline);
    if (L.authors[0]) {
        put_clean(&e->byline, L.authors, strlen(L.authors), &rc);
        clean_byline(&e->byline);
        if (!byline_ok(&e->byline))
            ndx__buf_reset(&e->byline);
    }
    static const int author_keys[] = {XK_AUTHOR_META, XK_AUTHOR_ARTICLE};
    for (size_t k = 0; !rc && !e->byline.n && k < NDX_ARRAY_LEN(author_keys); k++) {
        if ((v = kv(d, author_keys[k], &n)) && !is_url(v, n) && n < 200) {
            put_clean_unescaped(&e->byline, v, n, &rc);
            clean_byline(&e->byline);
            if (!byline_ok(&e->byline))
                ndx__buf_reset(&e->byline);
        }
    }
    for (uint32_t k = 0; !rc && k < d->nauthor_nodes && !e->byline.n; k++) {
        struct ndx_buf s;
        ndx__buf_init(&s, 0);
        ndx__xnode_text(d, d->author_nodes[k], 200, &s, &rc);
        struct ndx_buf c;
        ndx__buf_init(&c, 0);
        put_clean(&c, (const char *)s.p, s.n, &rc);
        if (c.n && c.n < 100 && count_words((const char *)c.p, c.n) <= 8) {
            clean_byline(&c);
            if (byline_ok(&c))
                ndx__buf_append(&e->byline, c.p, c.n, &rc);
        }
        ndx__buf_free(&s);
        ndx__buf_free(&c);
    }
    if (!rc && !e->byline.n && !nh.n)
        near_headline(d, top, 1500, &nh, &rc);
    if (!rc && !e->byline.n && nh.n &&
        find_text_byline((const char *)nh.p, nh.n, 600, &e->byline, &rc)) {
        clean_byline(&e->byline);
        if (!byline_ok(&e->byline))
            ndx__buf_reset(&e->byline);
    }
    ndx__buf_free(&nh);

    /* language */
    ndx__buf_reset(&e->lang);
    const char *lv = NULL;
    size_t ln = 0;
    if ((v = kv(d, XK_HTML_LANG, &n)))
        lv = v, ln = n;
    else if ((v = kv(d, XK_CONTENT_LANG, &n)))
        lv = v, ln = n;
    else if (L.lang)
        lv = L.lang, ln = strlen(L.lang);
    else if ((v = kv(d, XK_OG_LOCALE, &n)))
        lv = v, ln = n;
    if (lv && ln >= 2 && ((lv[0] | 32) >= 'a' && (lv[0] | 32) <= 'z') &&
        ((lv[1] | 32) >= 'a' && (lv[1] | 32) <= 'z') && (ln == 2 || lv[2] == '-' || lv[2] == '_')) {
        ndx__buf_putc(&e->lang, ndx__ascii_lower((unsigned char)lv[0]), &rc);
        ndx__buf_putc(&e->lang, ndx__ascii_lower((unsigned char)lv[1]), &rc);
    } else if (e->body.n) {
        char code[3];
        ndx__detect_lang((const char *)e->body.p, e->body.n, code);
        if (strcmp(code, "un"))
            ndx__buf_append(&e->lang, code, 2, &rc);
    }
    ndx__ld_free(&L);
    return rc;
}
