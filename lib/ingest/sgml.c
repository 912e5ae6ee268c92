/*
 * sgml.c - collections of documents in one SGML/XML file, recognised by their record element:
 * Reuters-21578 `<REUTERS>` (TITLE, DATELINE, BODY, DATE, TOPICS, PLACES, NEWID), TREC `<DOC>`
 * (DOCNO, HEADLINE/HL/HEAD/TITLE, DATE/DD, TEXT with <P> paragraphs) and Sogou-style `<doc>`
 * (url, docno, contenttitle, content).  These files are not well-formed XML (stray '&', control
 * characters, no root), so records are cut out of the line stream by their start and end tags
 * and their elements read with a small tolerant scanner; entities are decoded, control characters
 * dropped.  Records are streamed: a file of any size is read in bounded memory.
 */
#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

struct kind {
    const char *tag; /* record element */
    int ci;          /* tag matched case-insensitively */
};

static const struct kind kinds[] = {
    [NDX__SGML_REUTERS] = {"REUTERS", 0},
    [NDX__SGML_TREC] = {"DOC", 0},
    [NDX__SGML_SOGOU] = {"doc", 0},
};

static int is_sp(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Does p[0..n) start with the tag `<name` followed by '>' or white space? */
static int tag_at(const char *p, size_t n, const char *name, int ci)
{
    size_t k = strlen(name);
    if (n < k + 2 || p[0] != '<')
        return 0;
    if (ci ? strncasecmp(p + 1, name, k) != 0 : strncmp(p + 1, name, k) != 0)
        return 0;
    return p[k + 1] == '>' || is_sp((unsigned char)p[k + 1]);
}

/* Find `<name` (a start tag) in p[0..n); returns its offset or n. */
static size_t find_tag(const char *p, size_t n, const char *name, int ci)
{
    for (size_t i = 0; i < n; i++) {
        const char *q = memchr(p + i, '<', n - i);
        if (!q)
            return n;
        i = (size_t)(q - p);
        if (tag_at(q, n - i, name, ci))
            return i;
    }
    return n;
}

/* Find `</name>` in p[0..n); returns its offset or n. */
static size_t find_end(const char *p, size_t n, const char *name, int ci)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k + 3 <= n; i++) {
        const char *q = memchr(p + i, '<', n - i);
        if (!q)
            return n;
        i = (size_t)(q - p);
        if (i + k + 3 <= n && q[1] == '/' &&
            (ci ? strncasecmp(q + 2, name, k) == 0 : strncmp(q + 2, name, k) == 0) &&
            q[k + 2] == '>')
            return i;
    }
    return n;
}

int ndx__sgml_sniff(const uint8_t *b, size_t n)
{
    const char *p = (const char *)b;
    size_t i = 0;
    int wrapped = 0;
    for (;;) {
        while (i < n && is_sp((unsigned char)p[i]))
            i++;
        if (i + 1 >= n || p[i] != '<')
            return 0;
        const char *e = NULL;
        if (p[i + 1] == '?' || p[i + 1] == '!') {
            e = n - i >= 4 && !memcmp(p + i, "<!--", 4) ? strstr(p + i, "-->") : NULL;
            const char *gt = memchr(p + i, '>', n - i);
            if (!gt)
                return 0;
            i = e ? (size_t)(e - p) + 3 : (size_t)(gt - p) + 1;
            continue;
        }
        if (tag_at(p + i, n - i, "REUTERS", 0))
            return NDX__SGML_REUTERS;
        if (tag_at(p + i, n - i, "DOC", 0))
            return find_tag(p + i, n - i, "DOCNO", 1) < n - i ? NDX__SGML_TREC : 0;
        if (tag_at(p + i, n - i, "doc", 0)) {
            size_t r = n - i;
            return find_tag(p + i, r, "contenttitle", 0) < r || find_tag(p + i, r, "docno", 0) < r
                       ? NDX__SGML_SOGOU
                       : 0;
        }
        if (wrapped)
            return 0;
        /* one wrapper element (<doclist>, <collection>...) may come first */
        const char *gt = memchr(p + i, '>', n - i);
        if (!gt)
            return 0;
        i = (size_t)(gt - p) + 1;
        wrapped = 1;
    }
}

/* ---- element text ---------------------------------------------------------------------------- */

/* Content of the first element `name` in rec (NULL if absent). */
static const char *element(const char *rec, size_t n, const char *name, size_t *len)
{
    size_t s = find_tag(rec, n, name, 1);
    if (s == n)
        return NULL;
    const char *gt = memchr(rec + s, '>', n - s);
    if (!gt)
        return NULL;
    size_t from = (size_t)(gt - rec) + 1;
    size_t e = find_end(rec + from, n - from, name, 1);
    *len = e;
    return rec + from;
}

/* Attribute `name="v"` of the start tag at rec (NULL if absent). */
static const char *attribute(const char *rec, size_t n, const char *name, size_t *len)
{
    const char *gt = memchr(rec, '>', n);
    size_t end = gt ? (size_t)(gt - rec) : n, k = strlen(name);
    for (size_t i = 1; i + k + 2 < end; i++) {
        if (is_sp((unsigned char)rec[i - 1]) && !strncasecmp(rec + i, name, k) &&
            rec[i + k] == '=' && (rec[i + k + 1] == '"' || rec[i + k + 1] == '\'')) {
            const char *v = rec + i + k + 2;
            const char *q = memchr(v, rec[i + k + 1], end - (i + k + 2));
            if (!q)
                return NULL;
            *len = (size_t)(q - v);
            return v;
        }
    }
    return NULL;
}

static void put_cp(struct ndx_buf *o, uint32_t cp, int *rc)
{
    char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    ndx__buf_append(o, u, k, rc);
}

/*
 * Element text to plain text in o (appended): tags dropped (<P> and </P> break lines), entities
 * decoded, control characters other than '\n' and '\t' dropped.
 */
static void text_of(const char *s, size_t n, struct ndx_buf *o, int *rc)
{
    for (size_t i = 0; i < n && !*rc;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '<') {
            const char *gt = memchr(s + i, '>', n - i);
            size_t e = gt ? (size_t)(gt - s) + 1 : n;
            if (e - i >= 3 &&
                (s[i + 1] == 'p' || s[i + 1] == 'P' || s[i + 2] == 'p' || s[i + 2] == 'P'))
                ndx__buf_putc(o, '\n', rc);
            else
                ndx__buf_putc(o, ' ', rc);
            i = e;
            continue;
        }
        if (ch == '&') {
            const char *semi = memchr(s + i, ';', NDX_MIN(n - i, (size_t)12));
            if (semi) {
                const char *ent = s + i + 1;
                size_t k = (size_t)(semi - ent); /* entity name length */
                uint32_t cp = 0;
                int ok = 1;
                if (k >= 2 && ent[0] == '#' && k - 1 < 12) {
                    char num[12];
                    memcpy(num, ent + 1, k - 1);
                    num[k - 1] = 0;
                    char *end;
                    unsigned long v = num[0] == 'x' || num[0] == 'X' ? strtoul(num + 1, &end, 16)
                                                                     : strtoul(num, &end, 10);
                    ok = *end == 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF);
                    cp = (uint32_t)v;
                } else if (k == 2 && !strncmp(ent, "lt", 2)) {
                    cp = '<';
                } else if (k == 2 && !strncmp(ent, "gt", 2)) {
                    cp = '>';
                } else if (k == 3 && !strncmp(ent, "amp", 3)) {
                    cp = '&';
                } else if (k == 4 && !strncmp(ent, "quot", 4)) {
                    cp = '"';
                } else if (k == 4 && !strncmp(ent, "apos", 4)) {
                    cp = '\'';
                } else if (k == 4 && !strncmp(ent, "nbsp", 4)) {
                    cp = 0xA0;
                } else {
                    ok = 0;
                }
                if (ok) {
                    if (cp >= 0x20 || cp == '\n' || cp == '\t')
                        put_cp(o, cp, rc);
                    i += k + 2;
                    continue;
                }
            }
        }
        if (ch < 0x20 && ch != '\n' && ch != '\t') {
            i++;
            continue;
        }
        ndx__buf_putc(o, ch, rc);
        i++;
    }
}

/*
 * Hard-wrapped wire text (Reuters): a line starting with white space, or following an empty line,
 * starts a paragraph; other lines continue the one before.  Writes '\n'-separated paragraphs.
 */
void ndx__ingest_unwrap(const char *s, size_t n, struct ndx_buf *o, int *rc)
{
    int at_start = 1, blank = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t a = i;
        while (a < e && is_sp((unsigned char)s[a]))
            a++;
        if (a == e) {
            blank = 1;
        } else {
            if (!at_start)
                ndx__buf_putc(o, (a > i || blank) ? '\n' : ' ', rc);
            ndx__buf_append(o, s + a, e - a, rc);
            at_start = 0;
            blank = 0;
        }
        i = nl ? e + 1 : n;
    }
}

/* ---- records --------------------------------------------------------------------------------- */

struct rd {
    struct ndx__ingest_ctx *c;
    int kind;
    uint64_t line; /* first line of the record */
    uint64_t nrec, nobody;
    struct ndx_buf t, url, fields, tmp;
};

static void field_list(struct rd *r, const char *rec, size_t n, const char *name)
{
    size_t len;
    const char *v = element(rec, n, name, &len);
    int rc = 0;
    if (!v)
        return;
    for (size_t i = 0; i < len;) {
        size_t s = find_tag(v + i, len - i, "D", 0);
        if (s == len - i)
            break;
        size_t from = i + s + 3;
        size_t e = find_end(v + from, len - from, "D", 0);
        if (e == len - from)
            break;
        char lower[8];
        size_t k = 0;
        for (; name[k] && k < sizeof lower - 1; k++)
            lower[k] = (char)(name[k] | 0x20);
        lower[k] = 0;
        ndx__buf_printf(&r->fields, &rc, "%s\t", lower);
        text_of(v + from, e, &r->fields, &rc);
        ndx__buf_putc(&r->fields, '\n', &rc);
        i = from + e + 4;
    }
}

static int record(struct rd *r, const char *rec, size_t n)
{
    struct ndx__ingest_ctx *c = r->c;
    int rc = 0;
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.published = NDX_DATE_UNKNOWN;
    struct ndx_buf *title = &c->f[NDX__F_TITLE], *body = &c->f[NDX__F_BODY];
    ndx__buf_reset(&r->t);
    ndx__buf_reset(&r->url);
    ndx__buf_reset(&r->fields);
    ndx__buf_reset(&r->tmp);
    ndx__buf_reset(body);
    ndx__buf_reset(title);
    r->nrec++;
    size_t len;
    const char *v;
    const char *id = NULL;
    size_t nid = 0;
    const char *tnames[] = {"TITLE", "HEADLINE", "HL", "HEAD", "contenttitle", NULL};
    const char *dnames[] = {"DATE", "DD", NULL};
    const char *bnames[] = {"BODY", "TEXT", "content", NULL};
    if (r->kind == NDX__SGML_REUTERS) {
        id = attribute(rec, n, "NEWID", &nid);
        tnames[1] = NULL;
        bnames[1] = NULL;
        a.source = "Reuters";
        a.nsource = 7;
    } else if (r->kind == NDX__SGML_TREC) {
        v = element(rec, n, "DOCNO", &len);
        if (v) {
            text_of(v, len, &r->tmp, &rc);
            ndx__ingest_clean((const char *)r->tmp.p, r->tmp.n, 0, &r->t, &rc);
            ndx__buf_reset(&r->tmp);
            ndx__buf_append(&r->tmp, r->t.p, r->t.n, &rc);
            id = (const char *)r->tmp.p;
            nid = r->tmp.n;
        }
        tnames[0] = "HEADLINE";
        tnames[1] = "HL";
        tnames[2] = "HEAD";
        tnames[3] = "TITLE";
        tnames[4] = NULL;
        bnames[0] = "TEXT";
        bnames[1] = NULL;
    } else {
        v = element(rec, n, "url", &len);
        if (v) {
            ndx__buf_reset(&r->t);
            text_of(v, len, &r->t, &rc);
            ndx__ingest_clean((const char *)r->t.p, r->t.n, 0, &r->url, &rc);
        }
        v = element(rec, n, "docno", &len);
        if (v) {
            ndx__buf_reset(&r->t);
            text_of(v, len, &r->t, &rc);
            ndx__ingest_clean((const char *)r->t.p, r->t.n, 0, &r->tmp, &rc);
            id = (const char *)r->tmp.p;
            nid = r->tmp.n;
        }
        tnames[0] = "contenttitle";
        tnames[1] = NULL;
        bnames[0] = "content";
        bnames[1] = NULL;
    }
    for (int k = 0; tnames[k] && !title->n; k++) {
        if ((v = element(rec, n, tnames[k], &len))) {
            ndx__buf_reset(&r->t);
            text_of(v, len, &r->t, &rc);
            ndx__ingest_clean((const char *)r->t.p, r->t.n, 0, title, &rc);
        }
    }
    for (int k = 0; dnames[k]; k++) {
        if ((v = element(rec, n, dnames[k], &len))) {
            ndx__buf_reset(&r->t);
            text_of(v, len, &r->t, &rc);
            int64_t d;
            /* Reuters: "26-FEB-1987 15:01:01.79"; TREC: "880212", "February 12, 1988", ... */
            const char *dp = (const char *)r->t.p;
            size_t dn = r->t.n;
            while (dn && is_sp((unsigned char)*dp))
                dp++, dn--;
            while (dn && is_sp((unsigned char)dp[dn - 1]))
                dn--;
            /* a date followed by junk ("... 03:44:57.62 F", "# added by ..."): its first two
             * words, else its first */
            size_t w1 = 0, w2;
            while (w1 < dn && !is_sp((unsigned char)dp[w1]))
                w1++;
            w2 = w1;
            while (w2 < dn && is_sp((unsigned char)dp[w2]))
                w2++;
            while (w2 < dn && !is_sp((unsigned char)dp[w2]))
                w2++;
            if (dn &&
                (ndx_parse_date(dp, dn, &d) == NDX_OK || ndx_parse_date(dp, w2, &d) == NDX_OK ||
                 ndx_parse_date(dp, w1, &d) == NDX_OK))
                a.published = d;
            else if (dn)
                ndx__ingest_problem(c, r->line, "unparseable date '%.*s'", (int)NDX_MIN(dn, 60),
                                    dp);
            break;
        }
    }
    ndx__buf_reset(&r->t);
    if (r->kind == NDX__SGML_REUTERS && (v = element(rec, n, "DATELINE", &len))) {
        text_of(v, len, &r->t, &rc);
        /* "    SALVADOR, Feb 26 - " heads the first paragraph */
        size_t s = 0;
        while (s < r->t.n && is_sp(r->t.p[s]))
            s++;
        memmove(r->t.p, r->t.p + s, r->t.n - s);
        r->t.n -= s;
        while (r->t.n && is_sp(r->t.p[r->t.n - 1]))
            r->t.n--;
        if (r->t.n)
            ndx__buf_putc(&r->t, ' ', &rc);
    }
    size_t head = r->t.n;
    for (int k = 0; bnames[k] && r->t.n == head; k++) {
        if ((v = element(rec, n, bnames[k], &len)))
            text_of(v, len, &r->t, &rc);
    }
    if (r->kind != NDX__SGML_SOGOU) {
        /* wire text is hard-wrapped: indented lines start paragraphs */
        ndx__buf_reset(&c->tmp);
        ndx__ingest_unwrap((const char *)r->t.p, r->t.n, &c->tmp, &rc);
        ndx__ingest_clean((const char *)c->tmp.p, c->tmp.n, 1, body, &rc);
        if (r->kind == NDX__SGML_REUTERS) {
            field_list(r, rec, n, "TOPICS");
            field_list(r, rec, n, "PLACES");
        }
    } else if (r->kind == NDX__SGML_SOGOU) {
        /* paragraphs are marked by ideographic spaces: "　　" starts one */
        ndx__buf_reset(&c->tmp);
        const char *s = (const char *)r->t.p;
        for (size_t i = 0; i < r->t.n && !rc; i++) {
            if (i + 6 <= r->t.n && !memcmp(s + i, "\xE3\x80\x80\xE3\x80\x80", 6)) {
                ndx__buf_putc(&c->tmp, '\n', &rc);
                while (i + 3 <= r->t.n && !memcmp(s + i, "\xE3\x80\x80", 3))
                    i += 3;
                i--;
                continue;
            }
            ndx__buf_putc(&c->tmp, s[i], &rc);
        }
        ndx__ingest_clean((const char *)c->tmp.p, c->tmp.n, 1, body, &rc);
    }
    if (rc)
        return rc;
    if (!body->n) {
        r->nobody++;
        return NDX_OK;
    }
    if (!r->url.n && id && nid) {
        if (c->file_url)
            ndx__buf_printf(&r->url, &rc, "%s#%.*s", c->file_url, (int)nid, id);
        else
            ndx__buf_printf(&r->url, &rc, "%.*s", (int)nid, id);
    }
    if (rc)
        return rc;
    if (r->url.n) {
        a.url = (const char *)r->url.p;
        a.nurl = r->url.n;
    }
    if (title->n) {
        a.title = (const char *)title->p;
        a.ntitle = title->n;
    }
    a.body = (const char *)body->p;
    a.nbody = body->n;
    if (r->fields.n) {
        a.fields = (const char *)r->fields.p;
        a.nfields = r->fields.n;
    }
    ndx__ingest_emit(c, &a); /* records of a collection carry no sidebars: no stub split */
    return NDX_OK;
}

int ndx__ingest_sgml(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, int kind)
{
    const struct kind *k = &kinds[kind];
    struct rd r;
    memset(&r, 0, sizeof r);
    r.c = c;
    r.kind = kind;
    struct ndx_buf rec;
    ndx__buf_init(&rec, 0);
    ndx__buf_init(&r.t, 0);
    ndx__buf_init(&r.url, 0);
    ndx__buf_init(&r.fields, 0);
    ndx__buf_init(&r.tmp, 0);
    const char *p;
    size_t n;
    int got, rc = 0, inside = 0, oversized = 0;
    size_t scan = 0; /* bytes of rec known to hold no end tag */
    while (!rc && !c->stopped && (got = ndx__ingest_lines_next(l, &p, &n)) == 1) {
        if (!inside) {
            size_t s = find_tag(p, n, k->tag, k->ci);
            if (s == n)
                continue;
            inside = 1;
            oversized = 0;
            r.line = l->lineno;
            ndx__buf_reset(&rec);
            scan = 0;
            p += s;
            n -= s;
        }
        if (!oversized) {
            ndx__buf_append(&rec, p, n, &rc);
            ndx__buf_putc(&rec, '\n', &rc);
        }
        if (rc)
            break;
        for (;;) {
            size_t back = scan > strlen(k->tag) + 3 ? scan - strlen(k->tag) - 3 : 0;
            size_t e = find_end((const char *)rec.p + back, rec.n - back, k->tag, k->ci);
            if (e == rec.n - back) {
                scan = rec.n;
                break;
            }
            e += back;
            if (!oversized)
                rc = record(&r, (const char *)rec.p, e);
            inside = 0;
            /* what follows the end tag may start the next record */
            size_t after = e + strlen(k->tag) + 3;
            size_t s = find_tag((const char *)rec.p + after, rec.n - after, k->tag, k->ci);
            if (rc || after + s >= rec.n)
                break;
            memmove(rec.p, rec.p + after + s, rec.n - after - s);
            rec.n -= after + s;
            inside = 1;
            scan = 0;
            r.line = l->lineno;
        }
        if (inside && !oversized && rec.n > ndx__ingest_limits.max_doc) {
            ndx__ingest_problem(c, r.line, "record larger than %zu bytes, skipped",
                                ndx__ingest_limits.max_doc);
            oversized = 1;
            ndx__buf_reset(&rec);
            scan = 0;
        }
    }
    if (!rc && got < 0)
        rc = got;
    if (!rc && inside && !c->damaged && !c->stopped)
        ndx__ingest_problem(c, r.line, "record <%s> not closed at the end of the file", k->tag);
    if (!rc && r.nobody)
        ndx__ingest_problem(c, 0, "note: %llu of %llu records hold no body text, not taken",
                            (unsigned long long)r.nobody, (unsigned long long)r.nrec);
    if (!rc && !c->narticles && !c->stopped && !c->damaged)
        ndx__ingest_problem(c, 0, "no articles found");
    ndx__buf_free(&rec);
    ndx__buf_free(&r.t);
    ndx__buf_free(&r.url);
    ndx__buf_free(&r.fields);
    ndx__buf_free(&r.tmp);
    return rc;
}
