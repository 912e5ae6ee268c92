/*
 * encoding.c - the character encoding of text, JSON, mail and SGML collection files, and their
 * conversion to UTF-8 on the fly.  The decision, in order: the caller's forced encoding
 * (--encoding), a byte order mark (UTF-8, UTF-16, UTF-32), an XML declaration's encoding="...",
 * UTF-8 in the first 64 KiB (valid, or with fewer than 4 invalid bytes, or more valid multi-byte
 * sequences than invalid bytes: no conversion, the readers repair stray bytes; JSON is always
 * UTF-8), else the guess of libuchardet (Mozilla's universal charset detector).  HTML pages and
 * feeds are not handled here: the extractor and libxml2 follow their own declarations.  Conversion
 * is iconv's, as a pull source on top of the original one, so the readers see UTF-8 and files of
 * any size stream; invalid sequences become U+FFFD and are counted in one report at the end.
 */
#include "ingest.h"

#include "extract/extract.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <strings.h>
#include <uchardet.h>

#define CONV_IN 65536

/* encoding="X" of an XML declaration at the start, into out. */
static int xml_decl(const uint8_t *p, size_t n, char *out, size_t nout)
{
    if (n < 6 || memcmp(p, "<?xml", 5) != 0)
        return 0;
    const uint8_t *e = memchr(p, '>', NDX_MIN(n, (size_t)512));
    if (!e)
        return 0;
    for (const uint8_t *q = p; q + 9 < e; q++) {
        if (memcmp(q, "encoding", 8) != 0)
            continue;
        q += 8;
        while (q < e && (*q == ' ' || *q == '='))
            q++;
        if (q >= e || (*q != '"' && *q != '\''))
            return 0;
        uint8_t quote = *q++;
        size_t k = 0;
        while (q < e && *q != quote && k + 1 < nout)
            out[k++] = (char)*q++;
        out[k] = 0;
        return k > 0;
    }
    return 0;
}

static int is_utf8_name(const char *s)
{
    char b[16];
    size_t k = strnlen(s, sizeof b - 1);
    ndx__ascii_lower_copy(b, s, k);
    b[k] = 0;
    return !strcmp(b, "utf-8") || !strcmp(b, "utf8") || !strcmp(b, "ascii") ||
           !strcmp(b, "us-ascii");
}

int ndx__enc_decide(const uint8_t *p, size_t n, int complete, const char *forced, char *out,
                    size_t nout, int *how)
{
    *how = NDX__ENC_DETECTED;
    if (forced && *forced) {
        *how = NDX__ENC_FORCED;
        if (is_utf8_name(forced))
            return 0;
        const char *canon = ndx__charset_canonical(forced);
        snprintf(out, nout, "%s", canon ? canon : forced);
        return 1;
    }
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 0;
    *how = NDX__ENC_BOM;
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) {
        snprintf(out, nout, "UTF-32LE");
        return 1;
    }
    if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
        snprintf(out, nout, "UTF-32BE");
        return 1;
    }
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        snprintf(out, nout, "UTF-16LE");
        return 1;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        snprintf(out, nout, "UTF-16BE");
        return 1;
    }
    *how = NDX__ENC_DECLARED;
    char decl[64];
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
        i++;
    if (xml_decl(p + i, n - i, decl, sizeof decl) && !is_utf8_name(decl)) {
        const char *canon = ndx__charset_canonical(decl);
        snprintf(out, nout, "%s", canon ? canon : decl);
        iconv_t cd = iconv_open("UTF-8", out);
        if (cd != (iconv_t)-1) {
            iconv_close(cd);
            return 1;
        }
    }
    *how = NDX__ENC_DETECTED;
    if (i < n && (p[i] == '{' || p[i] == '['))
        return 0; /* JSON is UTF-8 (RFC 8259): only a BOM or the caller says otherwise */
    if (memchr(p, 0, n))
        return 0; /* NUL bytes without a BOM: binary, not text in another encoding */
    /* valid multi-byte sequences against invalid bytes: UTF-8 with a few damaged bytes is
     * repaired by the readers; a guess needs a few non-UTF-8 bytes and no UTF-8 beside them */
    size_t bad = 0, mb = 0;
    for (size_t j = 0; j < n;) {
        if (p[j] < 0x80) {
            j++;
            continue;
        }
        size_t k = ndx__utf8_valid_prefix((const char *)p + j, n - j);
        if (k) {
            mb++;
            j += k;
            continue;
        }
        if (!complete && n - j < 4)
            break; /* a sequence cut by the window */
        bad++;
        j++;
    }
    if (bad < 4 || mb > bad)
        return 0;
    uchardet_t ud = uchardet_new();
    if (!ud)
        return 0;
    int r = 0;
    if (uchardet_handle_data(ud, (const char *)p, n) == 0) {
        uchardet_data_end(ud);
        const char *cs = uchardet_get_charset(ud);
        if (cs && *cs && !is_utf8_name(cs)) {
            const char *canon = ndx__charset_canonical(cs);
            snprintf(out, nout, "%s", canon ? canon : cs);
            r = 1;
        }
    }
    uchardet_delete(ud);
    return r;
}

/* ---- conversion source --------------------------------------------------------------------- */

struct ndx__conv {
    iconv_t cd;
    struct ndx__ingest_lines *l; /* the original stream: its buffered bytes, then its source */
    struct ndx__ingest_ctx *c;
    uint8_t in[CONV_IN];
    size_t in_beg, in_end;
    int in_eof;
    uint64_t nbad;
    uint64_t raw; /* original bytes converted so far (for reports) */
    uint64_t first_bad;
};

static void refill(struct ndx__conv *v)
{
    if (v->in_beg > 0) {
        memmove(v->in, v->in + v->in_beg, v->in_end - v->in_beg);
        v->in_end -= v->in_beg;
        v->in_beg = 0;
    }
    struct ndx__ingest_lines *l = v->l;
    while (v->in_end < CONV_IN && !v->in_eof) {
        size_t room = CONV_IN - v->in_end;
        if (l->end > l->beg) {
            size_t k = NDX_MIN(room, l->end - l->beg);
            memcpy(v->in + v->in_end, l->buf + l->beg, k);
            l->beg += k;
            v->in_end += k;
            continue;
        }
        size_t k = ndx__ingest_src_read(l->src, v->in + v->in_end, room);
        if (k == 0) {
            v->in_eof = 1;
            break;
        }
        v->in_end += k;
    }
}

static ssize_t conv_pull(void *ctx, uint8_t *out, size_t n)
{
    struct ndx__conv *v = ctx;
    size_t made = 0;
    while (made + 8 < n) {
        if (v->in_end - v->in_beg < 16 && !v->in_eof)
            refill(v);
        if (v->l->src->err)
            return v->l->src->err == NDX_ENOMEM ? -2 : -1;
        if (v->in_beg == v->in_end)
            break;
        char *ip = (char *)v->in + v->in_beg, *op = (char *)out + made;
        size_t il = v->in_end - v->in_beg, ol = n - made;
        size_t r = iconv(v->cd, &ip, &il, &op, &ol);
        size_t used = (size_t)((uint8_t *)ip - (v->in + v->in_beg));
        v->in_beg += used;
        v->raw += used;
        made = (size_t)((uint8_t *)op - out);
        if (r != (size_t)-1)
            continue;
        if (errno == E2BIG)
            break;
        if (errno == EINVAL && !v->in_eof && v->in_end - v->in_beg < 16) {
            refill(v); /* a sequence cut by the buffer */
            if (!v->in_eof || v->in_end - v->in_beg >= 16)
                continue;
        }
        /* invalid (or, at the end, incomplete) sequence: one byte becomes U+FFFD */
        if (n - made < 3)
            break;
        if (!v->nbad)
            v->first_bad = v->raw;
        v->nbad++;
        memcpy(out + made, "\xEF\xBF\xBD", 3);
        made += 3;
        v->in_beg++;
        v->raw++;
    }
    return (ssize_t)made;
}

int ndx__enc_open(struct ndx__conv **out, const char *charset, struct ndx__ingest_ctx *c,
                  struct ndx__ingest_lines *l)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NDX_EINVAL;
    struct ndx__conv *v = ndx_calloc(1, sizeof *v);
    if (!v) {
        iconv_close(cd);
        return NDX_ENOMEM;
    }
    v->cd = cd;
    v->l = l;
    v->c = c;
    /* a byte order mark is not text */
    ndx__ingest_lines_fill(l, 4);
    const uint8_t *b = l->buf + l->beg;
    size_t avail = l->end - l->beg;
    if (avail >= 4 && (!memcmp(b, "\xFF\xFE\0\0", 4) || !memcmp(b, "\0\0\xFE\xFF", 4)))
        l->beg += 4;
    else if (avail >= 2 && (!memcmp(b, "\xFF\xFE", 2) || !memcmp(b, "\xFE\xFF", 2)))
        l->beg += 2;
    *out = v;
    return NDX_OK;
}

ssize_t (*ndx__enc_pull(void))(void *, uint8_t *, size_t)
{
    return conv_pull;
}

void ndx__enc_close(struct ndx__conv *v, const char *charset)
{
    if (!v)
        return;
    if (v->nbad)
        ndx__ingest_problem_at(v->c, v->first_bad, "invalid %s repaired (%llu byte%s, U+FFFD)",
                               charset, (unsigned long long)v->nbad, v->nbad == 1 ? "" : "s");
    iconv_close(v->cd);
    ndx_free(v);
}
