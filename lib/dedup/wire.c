/*
 * wire.c - wire-service signals in an article body (dedup.h): a dateline with an agency credit
 * at the start ("LISBON (AP) — ", "BEIJING, March 5 (Reuters) - "), or a credit at the end
 * ("— AFP", "(Continental Press)", "Reporting by ...; Editing by ...").  General patterns only: a
 * parenthesised short credit of capitalised words or initials followed by a dash near the start,
 * or a credit line near the end.
 */
#include "dedup/dedup.h"

#include <ctype.h>

/* Does [p, e) hold "(" Credit ")" where Credit is 1..4 capitalised words or an acronym? */
static int paren_credit(const char *p, const char *e)
{
    if (p >= e || *p != '(')
        return 0;
    const char *q = p + 1;
    int words = 0;
    while (q < e && *q != ')') {
        if (!isupper((unsigned char)*q))
            return 0;
        while (q < e && (isalpha((unsigned char)*q) || *q == '.' || *q == '-' || *q == '\''))
            q++;
        words++;
        if (q < e && *q == ' ')
            q++;
        if (words > 4 || q - p > 40)
            return 0;
    }
    return q < e && *q == ')' && words >= 1;
}

static int is_dash(const char *p, const char *e)
{
    if (p < e && *p == '-')
        return 1;
    /* en dash U+2013, em dash U+2014 */
    return e - p >= 3 && (uint8_t)p[0] == 0xE2 && (uint8_t)p[1] == 0x80 &&
           ((uint8_t)p[2] == 0x93 || (uint8_t)p[2] == 0x94);
}

static int dash_len(const char *p)
{
    return *p == '-' ? 1 : 3;
}

/* A leading dateline: up to ~80 bytes of upper-case place (and optional date), a credit and a
 * dash ("LISBON (AP) — "), all in the first 120 bytes of the first line.  Returns where the dash
 * starts, NULL when there is none. */
static const char *dateline_dash(const char *body, size_t n)
{
    const char *lim = body + NDX_MIN(n, (size_t)120);
    for (const char *p = body; p < lim && *p != '\n'; p++) {
        if (*p == '(' && paren_credit(p, lim)) {
            const char *q = memchr(p, ')', (size_t)(lim - p));
            if (!q)
                return NULL;
            q++;
            while (q < lim && *q == ' ')
                q++;
            return q < lim && is_dash(q, lim) ? q : NULL;
        }
    }
    return NULL;
}

int ndx__wire_signal(const char *body, size_t n)
{
    if (!body || n < 10)
        return 0;
    const char *e = body + n;
    if (dateline_dash(body, n))
        return 1;
    /* a closing credit line in the last ~200 bytes */
    const char *tail = n > 200 ? e - 200 : body;
    const char *last = e;
    while (last > body && (last[-1] == '\n' || last[-1] == ' ' || last[-1] == '.'))
        last--;
    const char *ls = last;
    while (ls > tail && ls[-1] != '\n')
        ls--;
    size_t ll = (size_t)(last - ls);
    if (ll >= 3 && ll < 160) {
        if ((ll > 12 && strncmp(ls, "Reporting by", 12) == 0) ||
            (ll > 11 && strncmp(ls, "Writing by", 10) == 0) ||
            (ll > 11 && strncmp(ls, "Editing by", 10) == 0))
            return 1;
        if (paren_credit(ls, last) && memchr(ls, ')', ll) == last - 1)
            return 1;
        if (is_dash(ls, last)) {
            const char *q = ls + dash_len(ls);
            while (q < last && *q == ' ')
                q++;
            int caps = 0, ok = q < last;
            for (const char *r = q; r < last && ok; r++)
                if (isalpha((unsigned char)*r))
                    caps += isupper((unsigned char)*r) != 0;
                else if (*r != ' ' && *r != '.')
                    ok = 0;
            if (ok && caps >= 2 && last - q <= 40)
                return 1;
        }
    }
    return 0;
}

/* Words in [p, e): runs of non-space bytes, and every CJK character (3-byte UTF-8 sequences led
 * by 0xE2..0xED, as in sketch.c) on its own, since those scripts do not use spaces. */
static size_t count_words(const char *p, const char *e)
{
    size_t w = 0;
    int in = 0;
    while (p < e) {
        uint8_t c = (uint8_t)*p;
        if (c >= 0xE2 && c <= 0xED && e - p >= 3) {
            w++;
            in = 0;
            p += 3;
            continue;
        }
        int sp = c == ' ' || c == '\t' || c == '\r';
        if (!sp && !in)
            w++;
        in = !sp;
        p++;
    }
    return w;
}

static int credit_line(const char *ls, const char *last)
{
    size_t ll = (size_t)(last - ls);
    if (ll >= 12 &&
        (strncmp(ls, "Reporting by", 12) == 0 || strncmp(ls, "Writing by", 10) == 0 ||
         strncmp(ls, "Editing by", 10) == 0 || strncmp(ls, "Additional reporting", 20) == 0))
        return 1;
    if (paren_credit(ls, last) && last[-1] == ')')
        return 1;
    return 0;
}

void ndx__sketch_core(const char *body, size_t n, size_t *start, size_t *end)
{
    *start = 0;
    *end = n;
    if (!body || n == 0)
        return;
    const char *b = body, *e = body + n;
    /* leading dateline with a credit and a dash */
    const char *q = dateline_dash(b, n);
    if (q) {
        q += dash_len(q);
        while (q < e && *q == ' ')
            q++;
        b = q;
    }
    /* a short first paragraph (byline, kicker) when more follow */
    const char *nl = b < e ? memchr(b, '\n', (size_t)(e - b)) : NULL;
    if (nl && count_words(b, nl) < 8 && count_words(nl, e) > 40)
        b = nl + 1;
    /* trailing credit lines and short paragraphs, at most three */
    for (int k = 0; k < 3 && e > b; k++) {
        const char *last = e;
        while (last > b && (last[-1] == '\n' || last[-1] == ' ' || last[-1] == '\r'))
            last--;
        const char *ls = last;
        while (ls > b && ls[-1] != '\n')
            ls--;
        if (ls == b)
            break;
        if (credit_line(ls, last) || count_words(ls, last) < 8)
            e = ls;
        else
            break;
    }
    *start = (size_t)(b - body);
    *end = (size_t)(e - body);
}
