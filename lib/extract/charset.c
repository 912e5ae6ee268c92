/*
 * charset.c - character sets of web pages: find what a page declares (BOM, <meta charset>,
 * http-equiv Content-Type), check the declaration against the bytes, sniff when there is none,
 * and convert to UTF-8 with iconv (invalid sequences become U+FFFD).
 *
 * Decision order (ndx__charset_decide): BOM; a <meta> declaration in the first 32 KiB; the caller's
 * hint; sniffing.  A declaration is overruled when the bytes are valid UTF-8 holding multi-byte
 * sequences (a page saved as UTF-8 that still says latin-1 or GBK is common; the converse - legacy
 * bytes that happen to form valid UTF-8 - is very rare past a few characters).  Sniffing: valid
 * UTF-8 -> UTF-8; else each of GB18030, Big5, CP932 (Shift_JIS), CP949 (EUC-KR) is tried on a
 * sample and scored by conversion errors and by how many of its language's most frequent
 * characters come out; the best wins unless all of them fail, then windows-1252.
 */
#include "extract/extract.h"

#include <errno.h>
#include <iconv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static bool ieq(const char *a, const char *b)
{
    while (*a && *b)
        if (ndx__ascii_lower((unsigned char)*a++) != ndx__ascii_lower((unsigned char)*b++))
            return false;
    return *a == *b;
}

/* Map a declared label to the iconv name we use (WHATWG-style supersets). */
const char *ndx__charset_canonical(const char *label)
{
    static const struct {
        const char *label, *name;
    } map[] = {
        {"utf-8", "UTF-8"},
        {"utf8", "UTF-8"},
        {"unicode-1-1-utf-8", "UTF-8"},
        {"gb2312", "GB18030"},
        {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},
        {"gb18030", "GB18030"},
        {"gb_2312-80", "GB18030"},
        {"chinese", "GB18030"},
        {"euc-cn", "GB18030"},
        {"cp936", "GB18030"},
        {"big5", "BIG5-HKSCS"},
        {"big5-hkscs", "BIG5-HKSCS"},
        {"x-x-big5", "BIG5-HKSCS"},
        {"cn-big5", "BIG5-HKSCS"},
        {"shift_jis", "CP932"},
        {"shift-jis", "CP932"},
        {"sjis", "CP932"},
        {"x-sjis", "CP932"},
        {"windows-31j", "CP932"},
        {"ms_kanji", "CP932"},
        {"cp932", "CP932"},
        {"euc-jp", "EUC-JP"},
        {"x-euc-jp", "EUC-JP"},
        {"iso-2022-jp", "ISO-2022-JP"},
        {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},
        {"windows-949", "CP949"},
        {"cp949", "CP949"},
        {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"latin-1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"},
        {"us-ascii", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},
        {"windows-1252", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"},
        {"iso-8859-9", "WINDOWS-1254"},
        {"tis-620", "CP874"},
        {"iso-8859-11", "CP874"},
        {"windows-874", "CP874"},
        {"koi8-r", "KOI8-R"},
        {"koi8-u", "KOI8-U"},
        {"utf-16", "UTF-8"}, /* a meta cannot be UTF-16 */
        {"utf-16le", "UTF-8"},
        {"utf-16be", "UTF-8"},
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(map); i++)
        if (ieq(label, map[i].label))
            return map[i].name;
    return NULL;
}

/* Find a charset declared in a <meta> tag starting in the first 32 KiB.  Writes the label to out.
 */
static bool meta_charset(const char *s, size_t n, char *out, size_t nout)
{
    size_t lim = NDX_MIN(n, (size_t)32768);
    const char *p = s, *e = s + n;
    while ((size_t)(p - s) < lim) {
        const char *lt = memchr(p, '<', lim - (size_t)(p - s));
        if (!lt)
            return false;
        p = lt + 1;
        if (e - p < 5 || ndx__ascii_lower((unsigned char)p[0]) != 'm' ||
            ndx__ascii_lower((unsigned char)p[1]) != 'e' ||
            ndx__ascii_lower((unsigned char)p[2]) != 't' ||
            ndx__ascii_lower((unsigned char)p[3]) != 'a')
            continue;
        const char *gt = memchr(p, '>', (size_t)NDX_MIN((size_t)(e - p), (size_t)2048));
        const char *te = gt ? gt : p + NDX_MIN((size_t)(e - p), (size_t)2048);
        for (const char *c = p + 4; c + 7 <= te; c++) {
            if (ndx__ascii_lower((unsigned char)c[0]) != 'c' ||
                ndx__ascii_lower((unsigned char)c[1]) != 'h' ||
                ndx__ascii_lower((unsigned char)c[2]) != 'a' ||
                ndx__ascii_lower((unsigned char)c[3]) != 'r' ||
                ndx__ascii_lower((unsigned char)c[4]) != 's' ||
                ndx__ascii_lower((unsigned char)c[5]) != 'e' ||
                ndx__ascii_lower((unsigned char)c[6]) != 't')
                continue;
            const char *k = c + 7;
            while (k < te && (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r'))
                k++;
            if (k >= te || *k != '=')
                continue;
            k++;
            while (k < te && (*k == ' ' || *k == '"' || *k == '\'' || *k == '\t'))
                k++;
            size_t m = 0;
            while (k < te && m + 1 < nout &&
                   ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
                    (*k >= '0' && *k <= '9') || *k == '-' || *k == '_' || *k == '.' || *k == ':'))
                out[m++] = *k++;
            out[m] = 0;
            if (m)
                return true;
        }
    }
    return false;
}

/* Append U+FFFD */
static void put_fffd(struct ndx_buf *out, int *rc)
{
    ndx__buf_append(out, "\xEF\xBF\xBD", 3, rc);
}

/* Convert; *nerr (may be NULL) receives the number of invalid sequences. */
static int convert(const char *in, size_t n, const char *charset, struct ndx_buf *out, size_t *nerr)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NDX_EINVAL;
    int rc = 0;
    size_t errs = 0;
    char *ip = (char *)in;
    size_t left = n;
    while (left > 0 && !rc) {
        rc = ndx__buf_reserve(out, left * 2 + 16);
        if (rc)
            break;
        char *op = (char *)out->p + out->n;
        size_t oleft = out->cap - out->n - 1;
        size_t r = iconv(cd, &ip, &left, &op, &oleft);
        out->n = (size_t)((uint8_t *)op - out->p);
        out->p[out->n] = 0;
        if (r == (size_t)-1) {
            if (errno == E2BIG)
                continue;
            /* EILSEQ or EINVAL (truncated at end): replace one byte and go on */
            errs++;
            put_fffd(out, &rc);
            ip++;
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    if (nerr)
        *nerr = errs;
    return rc;
}

/* UTF-8 input: copy when valid (dropping NUL and C0 controls), else repair. */
static void utf8_copy(const char *in, size_t n, struct ndx_buf *out, int *rc, bool valid)
{
    if (!valid && ndx__utf8_valid_prefix(in, n) != n) {
        ndx__utf8_repair(in, n, out, NULL, NULL, rc);
        return;
    }
    if (*rc || ndx__buf_reserve(out, n)) {
        if (!*rc)
            *rc = NDX_ENOMEM;
        return;
    }
    uint8_t *o = out->p + out->n;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)in[i];
        if (NDX_UNLIKELY(c < 0x20) && c != '\t' && c != '\n' && c != '\r')
            continue;
        o[w++] = c;
    }
    out->n += w;
    out->p[out->n] = 0;
}

int ndx__charset_to_utf8(const char *in, size_t n, const char *charset, struct ndx_buf *out)
{
    if (!charset)
        return NDX_EINVAL;
    const char *canon = ndx__charset_canonical(charset);
    const char *cs = canon ? canon : charset;
    if (ieq(cs, "UTF-8")) {
        int rc = 0;
        utf8_copy(in, n, out, &rc, false);
        return rc;
    }
    return convert(in, n, cs, out, NULL);
}

/* ---- sniffing ----------------------------------------------------------------------------- */

static size_t dec(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c < 0xE0 && n >= 2) {
        *cp = (uint32_t)(c & 0x1f) << 6 | (s[1] & 0x3f);
        return 2;
    }
    if (c >= 0xE0 && c < 0xF0 && n >= 3) {
        *cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        return 3;
    }
    if (c >= 0xF0 && n >= 4) {
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
              (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

static bool in_list(uint32_t cp, const char *list)
{
    const uint8_t *p = (const uint8_t *)list;
    size_t n = strlen(list);
    while (n) {
        uint32_t c;
        size_t k = dec(p, n, &c);
        if (c == cp)
            return true;
        p += k;
        n -= k;
    }
    return false;
}

static const char ZH_HANS[] =
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会也你对生能而"
    "子那得于着下自之年过发后作里经日月市新闻记者说将与及等已";
static const char ZH_HANT[] =
    "的一是不了在人有我他這個們中來上大為和國地到以說時要就出會也你對生能而"
    "子那得於著下自之年過發後作裡經日月市新聞記者說將與及等已";

static const char KO_COMMON[] =
    "이의다는에가을를한하고서로지기도사자시으인대리수정나부아일그해전국있어것보게주"
    "우만제성들여요습니까니했며면과원년월발표밝혔계획오늘새로운교통시";

enum sniff_kind { SN_GB, SN_BIG5, SN_SJIS, SN_KR };

/* Score a decoded sample: fraction of its non-ASCII characters typical of the language. */
static double sniff_score(const struct ndx_buf *b, enum sniff_kind k, size_t nerr)
{
    size_t total = 0;
    double good = 0;
    const uint8_t *p = b->p;
    size_t n = b->n;
    while (n) {
        uint32_t cp;
        size_t m = dec(p, n, &cp);
        p += m;
        n -= m;
        if (cp < 0x80)
            continue;
        total++;
        switch (k) {
        case SN_GB:
            good += in_list(cp, ZH_HANS) ? 3 : (cp >= 0x4E00 && cp <= 0x9FFF) ? 1 : 0;
            break;
        case SN_BIG5:
            good += in_list(cp, ZH_HANT) ? 3 : (cp >= 0x4E00 && cp <= 0x9FFF) ? 1 : 0;
            break;
        case SN_SJIS:
            good += (cp >= 0x3040 && cp <= 0x30FF) ? 3 : (cp >= 0x4E00 && cp <= 0x9FFF) ? 1 : 0;
            break;
        case SN_KR:
            good += in_list(cp, KO_COMMON) ? 3 : (cp >= 0xAC00 && cp <= 0xD7A3) ? 0.3 : 0;
            break;
        }
    }
    if (!total)
        return 0;
    return good / (double)total - 10.0 * (double)nerr / (double)total;
}

/* A sample of the page: its non-ASCII-bearing part, at most 64 KiB, cut at a line boundary. */
static const char *sniff(const char *s, size_t n)
{
    static const struct {
        const char *cs;
        enum sniff_kind k;
    } cand[] = {{"GB18030", SN_GB}, {"BIG5-HKSCS", SN_BIG5}, {"CP932", SN_SJIS}, {"CP949", SN_KR}};
    /* start the sample at the first non-ASCII byte's line */
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    while (i > 0 && s[i - 1] != '\n' && s[i - 1] != '>')
        i--;
    size_t len = NDX_MIN(n - i, (size_t)65536);
    /* do not cut a multi-byte character: end at an ASCII byte */
    while (len > 0 && i + len < n && (unsigned char)s[i + len - 1] >= 0x80)
        len--;
    /* double-byte CJK text puts non-ASCII bytes next to each other; single-byte European text
     * mostly has them alone between ASCII letters: then none of the candidates fits */
    size_t hi = 0, pairs = 0;
    for (size_t k = i; k < i + len; k++)
        if ((unsigned char)s[k] >= 0x80) {
            hi++;
            if (k + 1 < i + len && (unsigned char)s[k + 1] >= 0x80)
                pairs++;
        }
    if (pairs * 5 < hi)
        return "WINDOWS-1252";
    double best = 0.05;
    const char *res = "WINDOWS-1252";
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    for (size_t c = 0; c < NDX_ARRAY_LEN(cand); c++) {
        ndx__buf_reset(&b);
        size_t nerr = 0;
        if (convert(s + i, len, cand[c].cs, &b, &nerr))
            continue;
        double sc = sniff_score(&b, cand[c].k, nerr);
        if (sc > best) {
            best = sc;
            res = cand[c].cs;
        }
    }
    ndx__buf_free(&b);
    return res;
}

/* One pass over the bytes: length of the valid UTF-8 prefix, whether it holds multi-byte
 * sequences, and whether it holds NUL/C0 controls other than \t \n \r.  ASCII goes 8 bytes at a
 * time. */
struct u8scan {
    size_t valid;
    bool multi, ctl;
};

static void utf8_scan(const char *in, size_t n, struct u8scan *r)
{
    const uint8_t *s = (const uint8_t *)in;
    size_t i = 0;
    bool multi = false, ctl = false;
    while (i < n) {
#ifdef __SSE2__
        if (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            if (!_mm_movemask_epi8(v)) {
                if (!ctl) {
                    /* bytes below 0x20 other than \t \n \r */
                    __m128i lo = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
                    __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
                    if (_mm_movemask_epi8(_mm_andnot_si128(ok, lo)))
                        ctl = true;
                }
                i += 16;
                continue;
            }
        }
#endif
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (!(v & 0x8080808080808080ull)) {
                /* any byte below 0x20? then look at them one by one */
                if (!ctl && ((v - 0x2020202020202020ull) & ~v & 0x8080808080808080ull)) {
                    for (size_t k = 0; k < 8; k++) {
                        uint8_t c = s[i + k];
                        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            ctl = true;
                    }
                }
                i += 8;
                continue;
            }
        }
        uint8_t c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                ctl = true;
            i++;
            continue;
        }
        size_t left = n - i;
        size_t l = 0;
        if (c >= 0xC2 && c < 0xE0) {
            if (left >= 2 && (s[i + 1] & 0xC0) == 0x80)
                l = 2;
        } else if (c >= 0xE0 && c < 0xF0) {
            if (left >= 3 && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
                !(c == 0xE0 && s[i + 1] < 0xA0) && !(c == 0xED && s[i + 1] >= 0xA0))
                l = 3;
        } else if (c >= 0xF0 && c < 0xF5) {
            if (left >= 4 && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
                (s[i + 3] & 0xC0) == 0x80 && !(c == 0xF0 && s[i + 1] < 0x90) &&
                !(c == 0xF4 && s[i + 1] >= 0x90))
                l = 4;
        }
        if (!l)
            break;
        multi = true;
        i += l;
    }
    r->valid = i;
    r->multi = multi;
    r->ctl = ctl;
}

/* Valid UTF-8 (a truncated last character is tolerated)? */
static bool utf8_clean(const char *s, size_t n, const struct u8scan *r)
{
    return r->valid == n || (n - r->valid < 4 && (unsigned char)s[r->valid] >= 0xC0);
}

static int decode(const char *in, size_t n, const char *hint, struct ndx_buf *out,
                  const char **used, const char **view, size_t *nview)
{
    const unsigned char *u = (const unsigned char *)in;
    const char *cs = NULL;
    int rc = 0;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        in += 3;
        n -= 3;
        cs = "UTF-8";
    } else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        cs = "UTF-16LE";
        in += 2;
        n -= 2;
    } else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        cs = "UTF-16BE";
        in += 2;
        n -= 2;
    }
    struct u8scan sc = {0, false, false};
    bool clean = false;
    bool checked = false;
    if (!cs) {
        char label[48];
        const char *decl = NULL;
        if (meta_charset(in, n, label, sizeof label))
            decl = ndx__charset_canonical(label);
        if (!decl && hint && *hint)
            decl = ndx__charset_canonical(hint);
        if (!decl && hint && *hint) {
            /* an unknown name iconv might still know */
            iconv_t cd = iconv_open("UTF-8", hint);
            if (cd != (iconv_t)-1) {
                iconv_close(cd);
                decl = hint;
            }
        }
        utf8_scan(in, n, &sc);
        clean = utf8_clean(in, n, &sc);
        checked = true;
        if (decl && !ieq(decl, "UTF-8") && clean && sc.multi)
            decl = "UTF-8"; /* the declaration lies: the bytes are UTF-8 */
        if (decl && ieq(decl, "UTF-8") && !clean) {
            /* declared UTF-8 but broken: keep UTF-8 unless most of it is not */
            size_t bad = 0, hi = 0;
            for (size_t i = 0; i < n;) {
                if ((unsigned char)in[i] < 0x80) {
                    i++;
                    continue;
                }
                size_t v = ndx__utf8_valid_prefix(in + i, NDX_MIN(n - i, (size_t)4));
                hi++;
                if (v == 0) {
                    bad++;
                    i++;
                } else
                    i += v;
            }
            if (bad * 4 > hi)
                decl = NULL;
        }
        cs = decl;
    }
    if (!cs || ieq(cs, "UTF-8")) {
        if (!checked) {
            utf8_scan(in, n, &sc);
            clean = utf8_clean(in, n, &sc);
            checked = true;
        }
        if (!cs)
            cs = clean ? "UTF-8" : sniff(in, n);
    }
    if (used)
        *used = cs;
    if (ieq(cs, "UTF-8")) {
        if (view && sc.valid == n && !sc.ctl) {
            *view = in;
            *nview = n;
            return 0;
        }
        utf8_copy(in, n, out, &rc, sc.valid == n);
        goto done;
    }
    size_t start = out->n;
    rc = convert(in, n, cs, out, NULL);
    if (rc == NDX_EINVAL) {
        /* iconv does not know the declared name: sniff instead */
        out->n = start;
        if (!checked) {
            utf8_scan(in, n, &sc);
            clean = utf8_clean(in, n, &sc);
        }
        cs = clean ? "UTF-8" : sniff(in, n);
        if (used)
            *used = cs;
        if (ieq(cs, "UTF-8")) {
            rc = 0;
            utf8_copy(in, n, out, &rc, sc.valid == n);
            goto done;
        }
        rc = convert(in, n, cs, out, NULL);
    }
    if (rc)
        return rc;
    /* drop NUL and C0 controls that the conversion may have produced */
    size_t w = start;
    for (size_t r = start; r < out->n; r++) {
        uint8_t c = out->p[r];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            continue;
        out->p[w++] = c;
    }
    out->n = w;
    if (out->p)
        out->p[w] = 0;
done:
    if (!rc && view) {
        *view = out->p ? (const char *)out->p : "";
        *nview = out->n;
    }
    return rc;
}

int ndx__charset_decode(const char *in, size_t n, const char *hint, struct ndx_buf *out,
                        const char **used)
{
    return decode(in, n, hint, out, used, NULL, NULL);
}

int ndx__charset_view(const char *in, size_t n, const char *hint, struct ndx_buf *buf,
                      const char **page, size_t *npage)
{
    *page = "";
    *npage = 0;
    return decode(in, n, hint, buf, NULL, page, npage);
}
