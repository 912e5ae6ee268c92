/*
 * html_prestrip.c - the pre-pass: the copy of the page that libxml2 is given, without the content
 * of <script> (JSON-LD kept), <style>, <svg> and <noscript> and without comments, start tags
 * slimmed to the attributes the tree builder reads and the white space between tags squeezed,
 * read exactly as libxml2 2.9 reads tags so the parse sees the same elements and text.
 * Rules: docs/EXTRACTION.md, step 3.
 */
#include "extract/html.h"

/* Case-insensitive search for "</name" in [p, e). */
static const char *find_close(const char *p, const char *e, const char *name, size_t nlen)
{
    while (p < e) {
        const char *q = memchr(p, '<', (size_t)(e - p));
        if (!q)
            return NULL;
        if ((size_t)(e - q) >= nlen + 2 && q[1] == '/') {
            size_t k = 0;
            while (k < nlen && lcase((unsigned char)q[2 + k]) == name[k])
                k++;
            if (k == nlen)
                return q;
        }
        p = q + 1;
    }
    return NULL;
}

/* Elements whose content is dropped before parsing (see ndx__html_prestrip). */
static const struct {
    const char *name;
    size_t len;
} RAW_SKIP[] = {{"script", 6}, {"style", 5}, {"svg", 3}, {"noscript", 8}};

/* The RAW_SKIP element whose start tag begins at r ('<' included, left bytes), or -1. */
static int raw_skip_at(const char *r, size_t left)
{
    int c0 = left > 1 ? lcase((unsigned char)r[1]) : 0;
    if (c0 != 's' && c0 != 'n')
        return -1;
    for (size_t k = 0; k < NDX_ARRAY_LEN(RAW_SKIP); k++) {
        size_t m = RAW_SKIP[k].len;
        if (left <= m + 1)
            continue;
        size_t i = 0;
        while (i < m && lcase((unsigned char)r[1 + i]) == RAW_SKIP[k].name[i])
            i++;
        char c = r[1 + m];
        if (i == m && (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/'))
            return (int)k;
    }
    return -1;
}

/* Attributes the tree builder reads (build_start, handle_meta); prestrip drops the others. */
static const char *const KEEP_ATTRS[] = {
    "class",       "id",   "itemprop", "rel",      "role", "datetime", "style",   "hidden",
    "aria-hidden", "type", "lang",     "xml:lang", "name", "property", "content", "http-equiv",
};

/* What libxml2 2.9-2.11 accept in tag and attribute names (htmlParseHTMLName), and its blanks. */
static bool name_char(unsigned char c)
{
    static const uint32_t bits[8] = {0, 0x07ff6000, 0x87fffffe, 0x07fffffe, 0, 0, 0, 0};
    return (bits[c >> 5] >> (c & 31)) & 1;
}

static bool name_start(unsigned char c)
{
    return name_char(c) && c != '-' && !(c >= '0' && c <= '9');
}

static bool blank_char(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *e)
{
    while (p < e && blank_char((unsigned char)*p))
        p++;
    return p;
}

/* libxml2 reads at most this many characters as one name and starts a new one after them. */
#define HTML_NAME_MAX 100

static const char *scan_name(const char *p, const char *e)
{
    const char *lim = (size_t)(e - p) > HTML_NAME_MAX ? p + HTML_NAME_MAX : e;
    while (p < lim && name_char((unsigned char)*p))
        p++;
    return p;
}

bool ndx__html_keep_attr(const char *a, size_t n, bool is_link)
{
    char low[12];
    if (n > sizeof low || n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)lcase((unsigned char)a[i]);
    if (n == 4 && is_link && !memcmp(low, "href", 4))
        return true;
    for (size_t k = 0; k < NDX_ARRAY_LEN(KEEP_ATTRS); k++)
        if (low[0] == KEEP_ATTRS[k][0] && strlen(KEEP_ATTRS[k]) == n &&
            !memcmp(low, KEEP_ATTRS[k], n))
            return true;
    return false;
}

/* Whether the n bytes at p are `word` (upper case) in any case. */
static bool ci_word(const char *p, size_t n, const char *word)
{
    size_t m = strlen(word);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++)
        if ((p[i] & ~0x20) != word[i])
            return false;
    return true;
}

/* A quoted literal at p: the end past its closing quote, or e when it is never closed. */
static const char *skip_literal(const char *p, const char *e)
{
    if (p >= e || (*p != '"' && *p != '\''))
        return p;
    const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));
    return q ? q + 1 : e;
}

/*
 * The end of the <!DOCTYPE at r as libxml2 2.9 reads it (htmlParseDocTypeDecl): the name, then
 * SYSTEM "uri" or PUBLIC "id" ["uri"], whose quoted literals run to their closing quote whatever
 * they hold (a truncated declaration swallows the tags up to the next quote), then up to the next
 * '>'.  The pre-pass copies that unchanged.
 */
static const char *doctype_end(const char *r, const char *e)
{
    const char *p = skip_blanks(r + 9, e);
    while (p < e && (name_char((unsigned char)*p) || (unsigned char)*p >= 0x80))
        p++;
    p = skip_blanks(p, e);
    if (ci_word(p, (size_t)(e - p), "SYSTEM")) {
        p = skip_literal(skip_blanks(p + 6, e), e);
    } else if (ci_word(p, (size_t)(e - p), "PUBLIC")) {
        p = skip_literal(skip_blanks(p + 6, e), e);
        p = skip_literal(skip_blanks(p, e), e);
    }
    const char *gt = p < e ? memchr(p, '>', (size_t)(e - p)) : NULL;
    return gt ? gt + 1 : e;
}

/*
 * The start tag at r ('<' and an ASCII letter) copied to w with only the attributes of KEEP_ATTRS
 * (and href on <link>), each byte for byte.  The tag is read the way libxml2's htmlParseStartTag
 * reads it, recovery from bogus attributes included, so the parser sees the same tag, element
 * and kept attributes as in the page, and the text after the tag starts at the same byte.
 * Returns the end of the tag and sets *wend, or NULL when the tag runs to the end of the page
 * (the caller then copies the rest unchanged).
 */
static const char *slim_tag(const char *r, const char *e, char *w, char **wend)
{
    const char *p = scan_name(r + 1, e);
    bool is_link = p - r == 5 && lcase((unsigned char)r[1]) == 'l' &&
                   lcase((unsigned char)r[2]) == 'i' && lcase((unsigned char)r[3]) == 'n' &&
                   lcase((unsigned char)r[4]) == 'k';
    memcpy(w, r, (size_t)(p - r));
    w += p - r;
    p = skip_blanks(p, e);
    while (p < e && *p != '>' && !(*p == '/' && p + 1 < e && p[1] == '>')) {
        if (!name_start((unsigned char)*p)) {
            /* bogus attribute: libxml2 drops it up to the next blank or the end of the tag */
            while (p < e && !blank_char((unsigned char)*p) && *p != '>' &&
                   !(*p == '/' && p + 1 < e && p[1] == '>'))
                p++;
            p = skip_blanks(p, e);
            continue;
        }
        const char *a = p, *aend = scan_name(p, e);
        const char *t = skip_blanks(aend, e), *end = aend;
        if (t < e && *t == '=') {
            t = skip_blanks(t + 1, e);
            if (t < e && (*t == '"' || *t == '\'')) {
                const char *c = memchr(t + 1, *t, (size_t)(e - t - 1));
                if (!c)
                    return NULL;
                t = c + 1;
            } else {
                while (t < e && !blank_char((unsigned char)*t) && *t != '>')
                    t++;
            }
            end = t;
        }
        if (ndx__html_keep_attr(a, (size_t)(aend - a), is_link)) {
            *w++ = ' ';
            memcpy(w, a, (size_t)(end - a));
            w += end - a;
        }
        p = skip_blanks(t, e);
    }
    if (p >= e)
        return NULL;
    size_t m = *p == '>' ? 1 : 2;
    memcpy(w, p, m);
    *wend = w + m;
    return p + m;
}

/*
 * Copy text [r, e) to w with the run of white space (space, tab, CR, LF) that opens it and the one
 * that ends it cut to their first character: the tree builder turns any run into one space (in
 * <pre> too), and libxml2 reads text a character at a time; most of a page's white space is the
 * indentation between tags.  Returns the end of the copy.
 */
static char *copy_text_squeezed(char *w, const char *r, const char *e)
{
    const char *p = r, *q = e;
    while (p < e && blank_char((unsigned char)*p))
        p++;
    if (p > r)
        *w++ = *r;
    if (p == e)
        return w;
    while (q > p && blank_char((unsigned char)q[-1]))
        q--;
    memcpy(w, p, (size_t)(q - p));
    w += q - p;
    if (q < e)
        *w++ = *q;
    return w;
}

/*
 * Copy the page to out without the contents of <script> (JSON-LD kept), <style>, <svg> and
 * <noscript>, and without comments: a third to a half of a modern page, which libxml2 would
 * otherwise scan character by character only for the handlers to drop it (these elements are
 * skipped in the tree anyway).  The tags themselves stay, so the parse sees the same structure.
 * The content ends at the first end tag of the element's name; an unclosed comment runs to the
 * end of the page.  With `slim`, start tags also lose the attributes the tree builder never reads
 * (slim_tag): most of what is left of a page is class lists, links, data- and style attributes,
 * which libxml2 copies character by character.  out gets a NUL after the copy.  keep_noscript:
 * <noscript> content is copied (the fallback pass of ndx__extract_html).
 */
void ndx__html_prestrip(const char *s, size_t n, bool keep_noscript, bool slim, struct ndx_buf *out,
                        int *rc)
{
    if (ndx__buf_reserve(out, n + 1)) {
        *rc = NDX_ENOMEM;
        return;
    }
    const char *r = s, *e = s + n;
    char *w = (char *)out->p;
    /* libxml2 takes a NUL byte for the end of its input at some places only: no slimming then */
    if (slim && memchr(s, 0, n))
        slim = false;
    while (r < e) {
        const char *lt = memchr(r, '<', (size_t)(e - r));
        if (!lt) {
            memcpy(w, r, (size_t)(e - r));
            w += e - r;
            break;
        }
        if (slim)
            w = copy_text_squeezed(w, r, lt);
        else {
            memcpy(w, r, (size_t)(lt - r));
            w += lt - r;
        }
        r = lt;
        size_t left = (size_t)(e - r);
        if (left >= 4 && r[1] == '!' && r[2] == '-' && r[3] == '-') {
            const char *end = memmem(r + 4, left - 4, "-->", 3);
            r = end ? end + 3 : e;
            continue;
        }
        if (slim && left >= 9 && r[1] == '!' && ci_word(r + 2, left - 2, "DOCTYPE")) {
            const char *end = doctype_end(r, e);
            memcpy(w, r, (size_t)(end - r));
            w += end - r;
            r = end;
            continue;
        }
        int k = raw_skip_at(r, left);
        if (keep_noscript && k == 3)
            k = -1;
        const char *gt = k >= 0 ? memchr(r, '>', left) : NULL;
        if (gt) {
            size_t taglen = (size_t)(gt + 1 - r);
            bool keep = k == 0 && memmem(r, taglen, "ld+json", 7) != NULL;
            const char *close = find_close(gt + 1, e, RAW_SKIP[k].name, RAW_SKIP[k].len);
            if (keep) {
                /* JSON-LD goes through as it is; unclosed, the parser reads the rest as script */
                taglen = close ? (size_t)(close - r) : left;
                memcpy(w, r, taglen);
                w += taglen;
                r += taglen;
                continue;
            }
            if (close) {
                memcpy(w, r, taglen);
                w += taglen;
                r = close;
                continue;
            }
        }
        if (slim && left > 1 && ((r[1] | 0x20) >= 'a' && (r[1] | 0x20) <= 'z')) {
            char *wend;
            const char *t = slim_tag(r, e, w, &wend);
            if (!t) {
                memcpy(w, r, left);
                w += left;
                break;
            }
            w = wend;
            r = t;
            continue;
        }
        if (slim && left > 2 && r[1] == '/' && name_start((unsigned char)r[2])) {
            /* an end tag runs to the next '>' whatever it holds */
            const char *close = memchr(r, '>', left);
            size_t m = close ? (size_t)(close + 1 - r) : left;
            memcpy(w, r, m);
            w += m;
            r += m;
            continue;
        }
        *w++ = *r++;
    }
    *w = 0;
    out->n = (size_t)(w - (char *)out->p);
}
