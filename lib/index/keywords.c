/*
 * keywords.c - keyword fields (section, tags, Reuters topics and places, ...): the fields an
 * article carries as "name\tvalue" lines (ndx_article.fields), kept in the index as metadata
 * terms "\x01K" name "=" value, one per value, without positions (docs/FORMAT.md, "Keyword
 * fields").  The segment builder writes them, the query compiler looks `name:value` up with the
 * same rule, and the facet collector walks their postings.
 */
#include "index/index.h"

/* Names the query language or the facets give another meaning. */
static const char *const reserved[] = {"title", "body",   "source", "url",    "lang",
                                       "date",  "person", "org",    "place",  "wire",
                                       "year",  "month",  "quote",  "speaker"};

int ndx__keyword_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > NDX_KEYWORD_NAME_MAX || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != '_')
            return 0;
    }
    for (size_t k = 0; k < NDX_ARRAY_LEN(reserved); k++) {
        size_t len = strlen(reserved[k]);
        size_t j = 0;
        while (len == n && j < n && (s[j] | 0x20) == reserved[k][j])
            j++;
        if (len == n && j == n)
            return 0;
    }
    return 1;
}

void ndx__keyword_prefix(const char *name, size_t nname, struct ndx_buf *out, int *rc)
{
    ndx__buf_putc(out, NDX_META_PREFIX, rc);
    ndx__buf_putc(out, 'K', rc);
    for (size_t i = 0; i < nname; i++)
        ndx__buf_putc(out, ndx__ascii_lower(name[i]), rc);
    ndx__buf_putc(out, '=', rc);
}

/* Append value val normalised: runs of white space made one space, trimmed, cut at
 * NDX_KEYWORD_VALUE_MAX bytes on a character boundary; ASCII letters lower-cased when fold. */
static void put_value(const char *val, size_t nval, int fold, struct ndx_buf *out, int *rc)
{
    size_t start = out->n, i = 0;
    while (i < nval && !*rc) {
        unsigned char c = (unsigned char)val[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            while (i < nval &&
                   (val[i] == ' ' || val[i] == '\t' || val[i] == '\n' || val[i] == '\r'))
                i++;
            if (out->n > start && i < nval)
                ndx__buf_putc(out, ' ', rc);
            continue;
        }
        ndx__buf_putc(out, fold ? ndx__ascii_lower(c) : c, rc);
        i++;
    }
    if (!*rc && out->n - start > NDX_KEYWORD_VALUE_MAX) {
        size_t k = start + NDX_KEYWORD_VALUE_MAX;
        while (k > start && (out->p[k] & 0xC0) == 0x80)
            k--;
        out->n = k;
        out->p[k] = 0;
    }
}

void ndx__keyword_term(const char *name, size_t nname, const char *val, size_t nval,
                       struct ndx_buf *out, int *rc)
{
    ndx__keyword_prefix(name, nname, out, rc);
    put_value(val, nval, 1, out, rc);
}

void ndx__keyword_written(const char *val, size_t nval, struct ndx_buf *out, int *rc)
{
    put_value(val, nval, 0, out, rc);
}

int ndx__keyword_next(const char **p, const char *end, const char **name, size_t *nname,
                      const char **val, size_t *nval)
{
    while (*p && *p < end) {
        const char *nl = memchr(*p, '\n', (size_t)(end - *p));
        const char *e = nl ? nl : end;
        const char *tab = memchr(*p, '\t', (size_t)(e - *p));
        const char *line = *p;
        *p = nl ? nl + 1 : end;
        if (!tab || tab == line || !ndx__keyword_name_ok(line, (size_t)(tab - line)))
            continue;
        const char *v = tab + 1;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        if (v == e)
            continue;
        *name = line, *nname = (size_t)(tab - line);
        *val = v, *nval = (size_t)(e - v);
        return 1;
    }
    return 0;
}
