/*
 * warc.c - web archives: WARC (0.17 - 1.1) and ARC (v1 / v2), plain or gzip (one member per
 * record or one stream: the byte source inflates member after member), streamed record by record
 * in bounded memory.  Only what can hold an article is buffered: the HTML payload of a `response`
 * record (HTTP status 2xx, Content-Type text/html or application/xhtml+xml; a missing type is
 * sniffed) or of a `resource` record with an HTML type, and of ARC records likewise, at most
 * ndx__warc_limits.max_payload bytes (64 MiB).  Every other block is read past without being kept.
 *
 * HTTP payloads are de-chunked (Transfer-Encoding: chunked) and inflated (Content-Encoding gzip /
 * deflate) when they really are so (archives often store them decoded with the header kept), then
 * go to the extractor with the charset of the HTTP Content-Type; the record's target URI is the
 * article's url, and its date (WARC-Date, ARC date) the date when the page states none.
 *
 * Records skipped are counted and summed up in one note per file ("note: ..."); a damaged record
 * (bad header, truncated block) is reported at file@OFFSET, OFFSET being where the record starts
 * in the file as stored (for .warc.gz the gzip member holding it); reading resynchronises at the
 * next "WARC/" header line, and every record before the damage has been delivered already.
 */
#include "ingest.h"

#include <zlib.h>

#include "extract/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

struct ndx__warc_limits ndx__warc_limits = {
    .max_payload = (size_t)64 << 20,
    .max_header = (size_t)256 << 10,
};

int ndx__warc_sniff(const uint8_t *p, size_t n)
{
    if (n >= 6 && !memcmp(p, "WARC/", 5) && p[5] >= '0' && p[5] <= '9')
        return 1;
    if (n >= 11 && !memcmp(p, "filedesc://", 11))
        return 2;
    return 0;
}

/* ---- skip counters -------------------------------------------------------------------------- */

enum skip {
    SK_WARCINFO,
    SK_REQUEST,
    SK_METADATA,
    SK_REVISIT,
    SK_RESOURCE,
    SK_CONVERSION,
    SK_CONTINUATION,
    SK_OTHER_TYPE,
    SK_ARC_META,
    SK_NON_HTML,
    SK_HTTP_STATUS,
    SK_BAD_HTTP,
    SK_NO_TEXT,
    SK_TOO_BIG,
    SK_COUNT
};

static const char *const skip_names[SK_COUNT] = {
    "warcinfo",
    "request",
    "metadata",
    "revisit",
    "non-HTML resource",
    "conversion",
    "continuation",
    "other type",
    "ARC file header / dns",
    "non-HTML",
    "HTTP status not 2xx",
    "bad HTTP header",
    "no article text",
    "too big",
};

struct wr {
    struct ndx__ingest_ctx *c;
    struct ndx__ingest_lines *l;
    int kind;   /* 1 WARC, 2 ARC */
    int arc_v2; /* ARC version 2 header lines (10 fields) */
    uint64_t records, html;
    uint64_t skipped[SK_COUNT];
    uint64_t damage;
    struct ndx_buf hdr, url, date, ctype, wtype, payload, decoded;
};

static uint64_t pos(const struct wr *w)
{
    return w->l->src->out_done - (w->l->end - w->l->beg);
}

static void wr_problem(struct wr *w, uint64_t rec_off, const char *fmt, ...) NDX_PRINTF(3, 4);

static void wr_problem(struct wr *w, uint64_t rec_off, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int exact;
    uint64_t raw = ndx__ingest_src_raw_offset(w->l->src, rec_off, &exact);
    if (exact)
        ndx__ingest_problem_at(w->c, raw, "%s", msg);
    else
        ndx__ingest_problem_at(w->c, raw, "%s (at byte %llu of the decompressed data)", msg,
                               (unsigned long long)rec_off);
}

/* Bytes available at the read position (refilling when empty); 0 at the end.  Status in *rc. */
static size_t avail(struct wr *w, size_t want, int *rc)
{
    struct ndx__ingest_lines *l = w->l;
    if (l->end - l->beg < want && !l->eof)
        *rc = ndx__ingest_lines_fill(l, want);
    return l->end - l->beg;
}

/*
 * Next line (without \r\n) of at most `max` bytes.  Returns 1, 0 at the end of the input, 2 if
 * no newline came within max bytes (nothing consumed), or a negative status.
 */
static int wr_line(struct wr *w, const char **p, size_t *n, size_t max)
{
    struct ndx__ingest_lines *l = w->l;
    size_t scanned = 0;
    for (;;) {
        size_t have = l->end - l->beg;
        const uint8_t *b = l->buf + l->beg;
        const uint8_t *nl = have > scanned ? memchr(b + scanned, '\n', have - scanned) : NULL;
        if (nl) {
            size_t len = (size_t)(nl - b);
            if (len > max)
                return 2;
            l->beg += len + 1;
            if (len && b[len - 1] == '\r')
                len--;
            *p = (const char *)b;
            *n = len;
            return 1;
        }
        if (have > max)
            return 2;
        if (l->eof) {
            if (!have)
                return 0;
            l->beg = l->end; /* a last line without newline */
            *p = (const char *)b;
            *n = have;
            return 1;
        }
        scanned = have;
        int rc = ndx__ingest_lines_fill(l, have + 4096);
        if (rc)
            return rc;
    }
}

/* Consume n bytes, appending them to `into` (NULL: discard).  Returns the count consumed. */
static uint64_t take(struct wr *w, uint64_t n, struct ndx_buf *into, int *rc)
{
    uint64_t got = 0;
    while (got < n && !*rc) {
        size_t have = avail(w, 1, rc);
        if (!have)
            break;
        size_t k = (size_t)NDX_MIN((uint64_t)have, n - got);
        if (into)
            ndx__buf_append(into, w->l->buf + w->l->beg, k, rc);
        w->l->beg += k;
        got += k;
    }
    return got;
}

/* Skip CR / LF (and, leniently, spaces and tabs) between records.  Returns 0 at the end. */
static int skip_blank(struct wr *w, int *rc)
{
    for (;;) {
        size_t have = avail(w, 1, rc);
        if (!have || *rc)
            return 0;
        const uint8_t *b = w->l->buf + w->l->beg;
        size_t i = 0;
        while (i < have && (b[i] == '\r' || b[i] == '\n' || b[i] == ' ' || b[i] == '\t'))
            i++;
        w->l->beg += i;
        if (i < have)
            return 1;
    }
}

/* Skip to the next line starting with `magic` (a record header).  Returns 0 at the end. */
static int resync(struct wr *w, const char *magic, int *rc)
{
    size_t m = strlen(magic);
    for (;;) {
        size_t have = avail(w, m + 1, rc);
        if (*rc || have < m) {
            take(w, have, NULL, rc);
            return 0;
        }
        const uint8_t *b = w->l->buf + w->l->beg;
        for (size_t i = 1; i + m <= have; i++) {
            if (b[i - 1] == '\n' && !memcmp(b + i, magic, m)) {
                w->l->beg += i;
                return 1;
            }
        }
        if (w->l->eof) {
            w->l->beg = w->l->end;
            return 0;
        }
        w->l->beg += have - m; /* keep a possible partial match; more data comes */
    }
}

/* ---- HTTP ------------------------------------------------------------------------------------ */

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 32;
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* De-chunk [p, p+n) into out.  Returns 1 if it was well-formed chunked data. */
static int dechunk(const uint8_t *p, size_t n, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    size_t i = 0;
    for (;;) {
        uint64_t size = 0;
        int digits = 0;
        while (i < n && hexval(p[i]) >= 0 && digits < 16) {
            size = size * 16 + (uint64_t)hexval(p[i++]);
            digits++;
        }
        if (!digits)
            return 0;
        while (i < n && p[i] != '\n') /* chunk extensions, \r */
            i++;
        if (i >= n)
            return size == 0;
        i++;
        if (size == 0)
            return 1;
        if (size > n - i)
            return 0;
        ndx__buf_append(out, p + i, (size_t)size, rc);
        i += (size_t)size;
        if (i < n && p[i] == '\r')
            i++;
        if (i < n && p[i] == '\n')
            i++;
        if (i >= n)
            return 1; /* last chunk without the 0 terminator: accept what came */
    }
}

static void *wz_alloc(void *opaque, unsigned items, unsigned size)
{
    NDX_UNUSED(opaque);
    return ndx_calloc(items, size);
}

static void wz_free(void *opaque, void *p)
{
    NDX_UNUSED(opaque);
    ndx_free(p);
}

/* Inflate gzip / zlib / raw deflate data into out, at most `max` bytes.  1 if anything came. */
static int inflate_payload(const uint8_t *p, size_t n, size_t max, struct ndx_buf *out, int *rc)
{
    static const int modes[] = {15 + 32, -15};
    for (size_t m = 0; m < NDX_ARRAY_LEN(modes); m++) {
        ndx__buf_reset(out);
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        zs.zalloc = wz_alloc;
        zs.zfree = wz_free;
        if (inflateInit2(&zs, modes[m]) != Z_OK) {
            *rc = NDX_ENOMEM;
            return 0;
        }
        zs.next_in = (Bytef *)p;
        zs.avail_in = (uInt)NDX_MIN(n, (size_t)UINT32_MAX);
        int zr = Z_OK;
        while (zr == Z_OK && out->n < max && !*rc) {
            if (ndx__buf_reserve(out, NDX_MIN((size_t)1 << 16, max - out->n) + 1)) {
                *rc = NDX_ENOMEM;
                break;
            }
            zs.next_out = out->p + out->n;
            zs.avail_out = (uInt)NDX_MIN(out->cap - out->n - 1, max - out->n);
            uInt before = zs.avail_out;
            zr = inflate(&zs, Z_NO_FLUSH);
            out->n += before - zs.avail_out;
            if (zr == Z_BUF_ERROR && before == zs.avail_out)
                break;
        }
        inflateEnd(&zs);
        if (out->p)
            out->p[out->n] = 0;
        if (*rc)
            return 0;
        if (out->n && (zr == Z_STREAM_END || zr == Z_OK || zr == Z_BUF_ERROR))
            return 1;
    }
    ndx__buf_reset(out);
    return 0;
}

/* Value of header `name` in an HTTP header block, trimmed; NULL if absent. */
static const char *http_header(const char *h, size_t n, const char *name, size_t *vn)
{
    size_t nl = strlen(name);
    const char *e = h + n, *p = h;
    while (p < e) {
        const char *eol = memchr(p, '\n', (size_t)(e - p));
        const char *le = eol ? eol : e;
        if ((size_t)(le - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = le;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vn = (size_t)(ve - v);
            return v;
        }
        p = eol ? eol + 1 : e;
    }
    return NULL;
}

static int has_token(const char *v, size_t n, const char *tok)
{
    size_t t = strlen(tok);
    for (size_t i = 0; i + t <= n; i++) {
        if (!strncasecmp(v + i, tok, t))
            return 1;
    }
    return 0;
}

static int html_type(const char *v, size_t n)
{
    return has_token(v, n, "text/html") || has_token(v, n, "application/xhtml+xml");
}

/* charset=... of a Content-Type value into out (NUL-terminated), or empty. */
static void charset_of(const char *v, size_t n, char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i + 8 <= n; i++) {
        if (!strncasecmp(v + i, "charset=", 8)) {
            const char *s = v + i + 8;
            size_t k = 0;
            while (s < v + n && (*s == '"' || *s == '\''))
                s++;
            while (s + k < v + n && k + 1 < cap && s[k] != ';' && s[k] != '"' && s[k] != '\'' &&
                   s[k] != ' ')
                k++;
            memcpy(out, s, k);
            out[k] = 0;
            return;
        }
    }
}

/*
 * Handle a block of `len` bytes holding an HTTP response (or, http = 0, the bare payload with
 * its type in w->ctype).  Everything of the block is consumed unless the input ends first
 * (returns 0 then: truncated).  Returns 1 when the whole block was read, or a negative status.
 */
static int http_block(struct wr *w, uint64_t rec_off, uint64_t len, int http, int64_t date)
{
    int rc = 0;
    uint64_t used = 0;
    char charset[64] = "";
    int chunked = 0, coded = 0, is_html = 0, sniff = 0;
    if (http) {
        size_t want = (size_t)NDX_MIN(len, (uint64_t)ndx__warc_limits.max_header);
        size_t have = avail(w, want, &rc);
        if (rc)
            return rc;
        const char *b = (const char *)w->l->buf + w->l->beg;
        size_t lim = NDX_MIN(have, want), hlen = 0;
        for (size_t i = 0; i + 1 < lim; i++) {
            if (b[i] == '\n' &&
                (b[i + 1] == '\n' || (b[i + 1] == '\r' && i + 2 < lim && b[i + 2] == '\n'))) {
                hlen = i + (b[i + 1] == '\n' ? 2 : 3);
                break;
            }
        }
        int status = 0;
        if (hlen && lim > 9 && !strncmp(b, "HTTP/", 5)) {
            const char *sp = memchr(b, ' ', NDX_MIN(hlen, (size_t)16));
            if (sp)
                status = atoi(sp + 1);
        }
        if (!hlen || !status) {
            if (have < want && w->l->eof)
                goto cut;
            w->skipped[SK_BAD_HTTP]++;
            goto skip;
        }
        if (status < 200 || status > 299) {
            w->skipped[SK_HTTP_STATUS]++;
            goto skip;
        }
        size_t vn;
        const char *v = http_header(b, hlen, "Content-Type", &vn);
        if (v) {
            is_html = html_type(v, vn);
            charset_of(v, vn, charset, sizeof charset);
        } else if (w->ctype.n) {
            is_html = html_type((const char *)w->ctype.p, w->ctype.n); /* ARC record type */
            if (!is_html)
                sniff = 1;
        } else {
            sniff = 1;
        }
        if ((v = http_header(b, hlen, "Transfer-Encoding", &vn)) && has_token(v, vn, "chunked"))
            chunked = 1;
        if ((v = http_header(b, hlen, "Content-Encoding", &vn)) &&
            (has_token(v, vn, "gzip") || has_token(v, vn, "deflate")))
            coded = 1;
        if (!is_html && !sniff) {
            w->skipped[SK_NON_HTML]++;
            goto skip;
        }
        w->l->beg += hlen;
        used = hlen;
    } else {
        is_html = html_type((const char *)w->ctype.p, w->ctype.n);
        if (!is_html) {
            w->skipped[SK_RESOURCE]++;
            goto skip;
        }
        charset_of((const char *)w->ctype.p, w->ctype.n, charset, sizeof charset);
    }
    uint64_t plen = len - used;
    if (plen > ndx__warc_limits.max_payload) {
        wr_problem(w, rec_off, "HTML payload of %llu bytes larger than %zu, skipped",
                   (unsigned long long)plen, ndx__warc_limits.max_payload);
        w->skipped[SK_TOO_BIG]++;
        goto skip;
    }
    ndx__buf_reset(&w->payload);
    uint64_t got = take(w, plen, &w->payload, &rc);
    if (rc)
        return rc;
    used += got;
    if (got < plen)
        goto cut;
    const uint8_t *p = w->payload.p;
    size_t n = w->payload.n;
    if (chunked && dechunk(p, n, &w->decoded, &rc)) {
        /* swap: the de-chunked data becomes the payload */
        struct ndx_buf t = w->payload;
        w->payload = w->decoded;
        w->decoded = t;
        p = w->payload.p;
        n = w->payload.n;
    }
    if (rc)
        return rc;
    if (coded && n >= 2 && ((p[0] == 0x1f && p[1] == 0x8b) || (p[0] & 0x0f) == 8) &&
        inflate_payload(p, n, ndx__warc_limits.max_payload, &w->decoded, &rc)) {
        p = w->decoded.p;
        n = w->decoded.n;
    }
    if (rc)
        return rc;
    if (sniff && !ndx__html_sniff(p, NDX_MIN(n, (size_t)4096))) {
        w->skipped[SK_NON_HTML]++;
        return 1;
    }
    w->html++;
    rc = ndx__ingest_html_page(w->c, (const char *)(p ? p : (const uint8_t *)""), n,
                               charset[0] ? charset : NULL,
                               w->url.n ? (const char *)w->url.p : NULL, w->url.n, date);
    if (rc == NDX_EFORMAT) {
        w->skipped[SK_NO_TEXT]++;
        rc = 0;
    } else if (rc == NDX_ETOOBIG) {
        w->skipped[SK_TOO_BIG]++;
        rc = 0;
    }
    return rc ? rc : 1;
skip:
    got = take(w, len - used, NULL, &rc);
    if (rc)
        return rc;
    if (got < len - used)
        goto cut;
    return 1;
cut:
    if (!w->c->damaged)
        wr_problem(w, rec_off, "truncated record: the file ends inside it");
    w->damage++;
    return 0;
}

/* ---- WARC ------------------------------------------------------------------------------------ */

static void set_field(struct ndx_buf *b, const char *v, size_t n, int *rc)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    ndx__buf_reset(b);
    ndx__buf_putc(b, 0, rc); /* never leave p NULL */
    ndx__buf_reset(b);
    ndx__buf_append(b, v, n, rc);
}

static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t d = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    if (!d || i != n)
        return -1;
    *out = v;
    return 0;
}

static enum skip type_skip(const char *t)
{
    static const struct {
        const char *name;
        enum skip s;
    } map[] = {{"warcinfo", SK_WARCINFO},     {"request", SK_REQUEST},
               {"metadata", SK_METADATA},     {"revisit", SK_REVISIT},
               {"conversion", SK_CONVERSION}, {"continuation", SK_CONTINUATION}};
    for (size_t k = 0; k < NDX_ARRAY_LEN(map); k++) {
        if (!strcasecmp(t, map[k].name))
            return map[k].s;
    }
    return SK_OTHER_TYPE;
}

/* Offset of the first line starting "WARC/<digit>" in b[0..n) (after the first byte), or n. */
static size_t next_warc_line(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 7 <= n;) {
        const uint8_t *nl = memchr(b + i, '\n', n - i);
        if (!nl)
            break;
        i = (size_t)(nl - b) + 1;
        if (i + 6 <= n && !memcmp(b + i, "WARC/", 5) && b[i + 5] >= '0' && b[i + 5] <= '9')
            return i;
    }
    return n;
}

static int read_warc(struct wr *w)
{
    int rc = 0;
    while (!rc && !w->c->stopped) {
        if (!skip_blank(w, &rc))
            break;
        uint64_t rec_off = pos(w);
        const char *p;
        size_t n;
        int r = wr_line(w, &p, &n, 64);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        if (r == 2 || n < 6 || memcmp(p, "WARC/", 5)) {
            wr_problem(w, rec_off,
                       "corrupt WARC record (no WARC/ header line), skipped to the "
                       "next record");
            w->damage++;
            if (!resync(w, "WARC/", &rc))
                break;
            continue;
        }
        /* header block */
        ndx__buf_reset(&w->url);
        ndx__buf_reset(&w->date);
        ndx__buf_reset(&w->ctype);
        ndx__buf_reset(&w->wtype);
        uint64_t clen = 0;
        int have_len = 0, bad = 0, ended = 0;
        size_t hbytes = 0;
        for (;;) {
            r = wr_line(w, &p, &n, ndx__warc_limits.max_header);
            if (r < 0)
                return r;
            if (r != 1) {
                bad = r == 2;
                break;
            }
            hbytes += n + 2;
            if (!n) {
                ended = 1;
                break;
            }
            if (hbytes > ndx__warc_limits.max_header) {
                bad = 1;
                break;
            }
            const char *colon = memchr(p, ':', n);
            if (!colon || p[0] == ' ' || p[0] == '\t')
                continue;
            size_t kn = (size_t)(colon - p), vn = n - kn - 1;
            const char *v = colon + 1;
            if (kn == 14 && !strncasecmp(p, "Content-Length", kn))
                have_len = parse_u64(v, vn, &clen) == 0;
            else if (kn == 9 && !strncasecmp(p, "WARC-Type", kn))
                set_field(&w->wtype, v, vn, &rc);
            else if (kn == 15 && !strncasecmp(p, "WARC-Target-URI", kn)) {
                set_field(&w->url, v, vn, &rc);
                if (w->url.n >= 2 && w->url.p[0] == '<' && w->url.p[w->url.n - 1] == '>') {
                    memmove(w->url.p, w->url.p + 1, w->url.n - 2);
                    w->url.n -= 2;
                    w->url.p[w->url.n] = 0;
                }
            } else if (kn == 9 && !strncasecmp(p, "WARC-Date", kn))
                set_field(&w->date, v, vn, &rc);
            else if (kn == 12 && !strncasecmp(p, "Content-Type", kn))
                set_field(&w->ctype, v, vn, &rc);
        }
        if (rc)
            return rc;
        if (!ended && !bad) {
            if (!w->c->damaged)
                wr_problem(w, rec_off, "truncated record: the file ends inside its header");
            w->damage++;
            break;
        }
        if (bad || !have_len) {
            wr_problem(w, rec_off, "corrupt WARC record (%s), skipped to the next record",
                       bad ? "header too long" : "no valid Content-Length");
            w->damage++;
            if (!resync(w, "WARC/", &rc))
                break;
            continue;
        }
        w->records++;
        if (clen <= ndx__warc_limits.max_payload) {
            /* a Content-Length that runs past the end of the file would swallow every record
             * after it: when the block is cut by the end, it ends at the next WARC/ line */
            size_t have = avail(w, (size_t)clen + 4, &rc);
            if (rc)
                return rc;
            if (have < clen && w->l->eof) {
                const uint8_t *b = w->l->buf + w->l->beg;
                size_t cut = next_warc_line(b, have);
                if (cut < have) {
                    wr_problem(w, rec_off,
                               "corrupt WARC record (Content-Length %llu runs past the end of the "
                               "file), cut at the next record (byte %llu)",
                               (unsigned long long)clen, (unsigned long long)(pos(w) + cut));
                    w->damage++;
                    while (cut && (b[cut - 1] == '\n' || b[cut - 1] == '\r'))
                        cut--;
                    clen = cut;
                }
            }
        }
        const char *type = w->wtype.n ? (const char *)w->wtype.p : "";
        int64_t date = NDX_DATE_UNKNOWN;
        if (w->date.n && ndx_parse_date((const char *)w->date.p, w->date.n, &date) != NDX_OK)
            date = NDX_DATE_UNKNOWN;
        int res;
        if (!strcasecmp(type, "response")) {
            int http = !w->ctype.n || has_token((const char *)w->ctype.p, w->ctype.n, "http");
            res = http_block(w, rec_off, clen, http, date);
        } else if (!strcasecmp(type, "resource")) {
            res = http_block(w, rec_off, clen, 0, date);
        } else {
            w->skipped[type_skip(type)]++;
            uint64_t got = take(w, clen, NULL, &rc);
            if (rc)
                return rc;
            res = got == clen;
            if (!res) {
                if (!w->c->damaged)
                    wr_problem(w, rec_off, "truncated record: the file ends inside it");
                w->damage++;
            }
        }
        if (res < 0)
            return res;
        if (res == 0)
            break;
    }
    return rc;
}

/* ---- ARC ------------------------------------------------------------------------------------- */

/* ARC date "YYYYMMDDhhmmss" (any further digits ignored). */
static int64_t arc_date(const char *s, size_t n)
{
    if (n < 8)
        return NDX_DATE_UNKNOWN;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NDX_DATE_UNKNOWN;
    }
    char iso[32];
    if (n >= 14)
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6, s + 8, s + 10,
                 s + 12);
    else
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    int64_t t;
    return ndx_parse_date(iso, strlen(iso), &t) == NDX_OK ? t : NDX_DATE_UNKNOWN;
}

/* Split an ARC header line: url (may hold spaces), date, mime, length. */
static int arc_header(struct wr *w, const char *p, size_t n, uint64_t *len, int64_t *date, int *rc)
{
    const char *f[16];
    size_t fl[16], nf = 0;
    size_t i = 0;
    while (i < n && nf < 16) {
        while (i < n && p[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && p[i] != ' ')
            i++;
        f[nf] = p + b;
        fl[nf++] = i - b;
    }
    size_t tail = w->arc_v2 && nf >= 10 ? 9 : 4; /* fields after the url */
    if (nf < 5 || parse_u64(f[nf - 1], fl[nf - 1], len))
        return 0;
    if (nf < tail + 1)
        tail = 4;
    size_t url_end = (size_t)(f[nf - tail - 1] + fl[nf - tail - 1] - p);
    set_field(&w->url, p, url_end, rc);
    *date = arc_date(f[nf - tail + 1], fl[nf - tail + 1]);
    set_field(&w->ctype, f[nf - tail + 2], fl[nf - tail + 2], rc);
    return 1;
}

static int read_arc(struct wr *w)
{
    int rc = 0;
    int first = 1;
    while (!rc && !w->c->stopped) {
        if (!skip_blank(w, &rc))
            break;
        uint64_t rec_off = pos(w);
        const char *p;
        size_t n;
        int r = wr_line(w, &p, &n, 64 << 10);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        uint64_t len = 0;
        int64_t date = NDX_DATE_UNKNOWN;
        ndx__buf_reset(&w->url);
        ndx__buf_reset(&w->ctype);
        if (r == 2 || !arc_header(w, p, n, &len, &date, &rc)) {
            if (rc)
                return rc;
            if (r == 2)
                take(w, 64 << 10, NULL, &rc);
            wr_problem(w, rec_off, "corrupt ARC record header, skipped to the next record");
            w->damage++;
            continue; /* the next line that parses is the next record */
        }
        w->records++;
        const char *url = (const char *)w->url.p;
        if (first || !strncmp(url, "filedesc:", 9) || strncasecmp(url, "http", 4)) {
            if (first && !strncmp(url, "filedesc:", 9)) {
                /* version block: "1 0 ..." or "2 0 ..." */
                size_t have = avail(w, 2, &rc);
                if (have >= 2 && w->l->buf[w->l->beg] == '2')
                    w->arc_v2 = 1;
            }
            first = 0;
            w->skipped[SK_ARC_META]++;
            uint64_t got = take(w, len, NULL, &rc);
            if (rc)
                return rc;
            if (got < len) {
                if (!w->c->damaged)
                    wr_problem(w, rec_off, "truncated record: the file ends inside it");
                w->damage++;
                break;
            }
            continue;
        }
        first = 0;
        int res = http_block(w, rec_off, len, 1, date);
        if (res < 0)
            return res;
        if (res == 0)
            break;
    }
    return rc;
}

/* ---- entry ----------------------------------------------------------------------------------- */

int ndx__ingest_warc(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, int kind)
{
    struct wr w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.l = l;
    w.kind = kind;
    struct ndx_buf *bufs[] = {&w.hdr, &w.url, &w.date, &w.ctype, &w.wtype, &w.payload, &w.decoded};
    for (size_t k = 0; k < NDX_ARRAY_LEN(bufs); k++)
        ndx__buf_init(bufs[k], 0);
    uint64_t before = c->narticles;
    int rc = kind == 2 ? read_arc(&w) : read_warc(&w);
    if (rc == NDX_OK) {
        /* the summary note */
        char msg[600];
        int k = snprintf(msg, sizeof msg, "note: %llu %s records, %llu HTML pages, %llu articles",
                         (unsigned long long)w.records, kind == 2 ? "ARC" : "WARC",
                         (unsigned long long)w.html, (unsigned long long)(c->narticles - before));
        uint64_t total = 0;
        for (int s = 0; s < SK_COUNT; s++)
            total += w.skipped[s];
        if (total && k > 0 && (size_t)k < sizeof msg) {
            k += snprintf(msg + k, sizeof msg - (size_t)k, "; %llu skipped (",
                          (unsigned long long)total);
            int sep = 0;
            for (int s = 0; s < SK_COUNT && k > 0 && (size_t)k < sizeof msg; s++) {
                if (w.skipped[s]) {
                    k += snprintf(msg + k, sizeof msg - (size_t)k, "%s%s %llu", sep ? ", " : "",
                                  skip_names[s], (unsigned long long)w.skipped[s]);
                    sep = 1;
                }
            }
            if (k > 0 && (size_t)k < sizeof msg)
                snprintf(msg + k, sizeof msg - (size_t)k, ")");
        }
        ndx__ingest_problem(c, 0, "%s", msg);
        if (c->narticles == before && !c->damaged && !w.damage)
            ndx__ingest_problem(c, 0, "no articles found");
    }
    for (size_t k = 0; k < NDX_ARRAY_LEN(bufs); k++)
        ndx__buf_free(bufs[k]);
    return rc;
}
