/*
 * mail.c - one Usenet post or e-mail message (RFC 5322 / RFC 5536 headers, a blank line, the body)
 * to an article: Subject is the title, From the author (the display name when there is one),
 * Date the date, the first of Newsgroups the source, and the Message-ID the URL ("news:ID" for a
 * post, "mid:ID" for a mail), so the same post cross-posted to several groups is one article.
 * The body's hard-wrapped lines are joined into paragraphs (a blank or indented line starts one).
 */
#include "ingest.h"

#include <strings.h>

static const char *const known[] = {"from",         "subject", "date", "newsgroups", "message-id",
                                    "path",         "xref",    "to",   "received",   "return-path",
                                    "organization", "lines",   NULL};

/* Length of a header name at p ("Name:" then a space, tab or end), 0 if not a header line. */
static size_t header_name(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
        i++;
    if (i == 0 || i >= n || p[i] != ':')
        return 0;
    return i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\t' || p[i + 1] == '\r' || p[i + 1] == '\n'
               ? i
               : 0;
}

static int is_known(const char *p, size_t k)
{
    for (int i = 0; known[i]; i++) {
        if (strlen(known[i]) == k && !strncasecmp(p, known[i], k))
            return 1;
    }
    return 0;
}

int ndx__mail_sniff(const uint8_t *b, size_t n)
{
    const char *p = (const char *)b;
    size_t i = 0, nhead = 0, nknown = 0;
    int from = 0, subject = 0;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t len = e - i;
        if (len && p[e - 1] == '\r')
            len--;
        if (len == 0)
            break; /* end of the header block */
        if (p[i] == ' ' || p[i] == '\t') {
            if (!nhead)
                return 0; /* continuation first */
        } else {
            size_t k = header_name(p + i, len);
            if (!k)
                return 0;
            nhead++;
            nknown += is_known(p + i, k);
            from |= k == 4 && !strncasecmp(p + i, "from", 4);
            subject |= k == 7 && !strncasecmp(p + i, "subject", 7);
        }
        if (!nl)
            return 0; /* the header block runs past the sniff window */
        i = e + 1;
    }
    return i < n && nhead >= 3 && nknown >= 3 && (from || subject);
}

/* Value of header `name` (first occurrence, continuation lines joined), cleaned into out. */
static int header(const char *p, size_t n, const char *name, struct ndx_buf *out, int *rc)
{
    size_t k = strlen(name);
    ndx__buf_reset(out);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        if (e - i > k && p[i + k] == ':' && !strncasecmp(p + i, name, k)) {
            /* the value and its continuation lines */
            size_t s = i + k + 1, end = e;
            while (end < n && end + 1 < n && (p[end + 1] == ' ' || p[end + 1] == '\t')) {
                const char *nl2 = memchr(p + end + 1, '\n', n - end - 1);
                end = nl2 ? (size_t)(nl2 - p) : n;
            }
            ndx__ingest_clean(p + s, end - s, 0, out, rc);
            return out->n > 0;
        }
        i = nl ? e + 1 : n;
    }
    return 0;
}

/* "Name <addr>" -> Name; "addr (Name)" -> Name; else the address. */
static void author_of(struct ndx_buf *from, struct ndx_buf *out, int *rc)
{
    const char *s = (const char *)from->p;
    size_t n = from->n;
    const char *lt = memchr(s, '<', n), *lp = memchr(s, '(', n);
    ndx__buf_reset(out);
    if (lt && lt > s) {
        size_t k = (size_t)(lt - s);
        while (k && (s[k - 1] == ' ' || s[k - 1] == '"'))
            k--;
        size_t a = 0;
        while (a < k && (s[a] == ' ' || s[a] == '"'))
            a++;
        if (k > a) {
            ndx__buf_append(out, s + a, k - a, rc);
            return;
        }
    }
    if (lp) {
        const char *rp = memchr(lp, ')', n - (size_t)(lp - s));
        if (rp && rp > lp + 1) {
            ndx__buf_append(out, lp + 1, (size_t)(rp - lp - 1), rc);
            return;
        }
    }
    if (lt) {
        const char *gt = memchr(lt, '>', n - (size_t)(lt - s));
        if (gt && gt > lt + 1) {
            ndx__buf_append(out, lt + 1, (size_t)(gt - lt - 1), rc);
            return;
        }
    }
    ndx__buf_append(out, s, n, rc);
}

int ndx__ingest_mail(struct ndx__ingest_ctx *c, const char *p, size_t n)
{
    int rc = 0;
    /* the header block ends at the first empty line */
    size_t hend = n, bstart = n;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        if (e == i || (e == i + 1 && p[i] == '\r')) {
            hend = i;
            bstart = nl ? e + 1 : n;
            break;
        }
        i = nl ? e + 1 : n;
    }
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.published = NDX_DATE_UNKNOWN;
    struct ndx_buf *title = &c->f[NDX__F_TITLE], *body = &c->f[NDX__F_BODY],
                   *auth = &c->f[NDX__F_AUTHORS], *url = &c->f[NDX__F_URL],
                   *src = &c->f[NDX__F_SOURCE], *t = &c->tmp;
    if (header(p, hend, "subject", title, &rc)) {
        a.title = (const char *)title->p;
        a.ntitle = title->n;
    }
    if (header(p, hend, "from", t, &rc)) {
        author_of(t, auth, &rc);
        a.authors = (const char *)auth->p;
        a.nauthors = auth->n;
    }
    if (header(p, hend, "date", t, &rc)) {
        int64_t d;
        /* a zone name nobody defines ("NZST", "ECT"): the time is taken as UTC */
        size_t k = t->n;
        while (k && t->p[k - 1] != ' ')
            k--;
        if (ndx_parse_date((const char *)t->p, t->n, &d) == NDX_OK ||
            (k > 1 && ndx_parse_date((const char *)t->p, k - 1, &d) == NDX_OK))
            a.published = d;
        else
            ndx__ingest_problem(c, 0, "unparseable date '%.*s'", (int)NDX_MIN(t->n, (size_t)60),
                                (const char *)t->p);
    }
    int news = header(p, hend, "newsgroups", src, &rc);
    if (news) {
        size_t k = 0;
        while (k < src->n && src->p[k] != ',' && src->p[k] != ' ')
            k++;
        src->n = k;
        a.source = (const char *)src->p;
        a.nsource = k;
    }
    if (header(p, hend, "message-id", t, &rc)) {
        const char *m = (const char *)t->p;
        size_t mn = t->n;
        if (mn >= 2 && m[0] == '<' && m[mn - 1] == '>')
            m++, mn -= 2;
        ndx__buf_reset(url);
        ndx__buf_printf(url, &rc, "%s:%.*s", news ? "news" : "mid", (int)mn, m);
        a.url = (const char *)url->p;
        a.nurl = url->n;
    } else if (c->file_url) {
        a.url = c->file_url;
        a.nurl = strlen(c->file_url);
    }
    ndx__buf_reset(&c->tmp2);
    ndx__ingest_unwrap(p + bstart, n - bstart, &c->tmp2, &rc);
    ndx__ingest_clean((const char *)c->tmp2.p, c->tmp2.n, 1, body, &rc);
    if (rc)
        return rc;
    if (!body->n) {
        ndx__ingest_problem(c, 0, "no article text");
        return NDX_EFORMAT;
    }
    a.body = (const char *)body->p;
    a.nbody = body->n;
    ndx__ingest_emit(c, &a);
    return NDX_OK;
}
