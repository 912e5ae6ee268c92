/*
 * url.c - the host of a URL and the one rule that makes a source name of it (ndx_int.h): the
 * host, lower-cased, without a leading "www." (docs/INPUT.md, "Source names").  Used by every
 * reader that takes a source from a URL (lib/ingest: JSON, feeds, text files; lib/extract: HTML
 * pages), by ingest for sources given as bare host names, and by the query compiler so that
 * `source:www.example.com` finds the archive's `example.com` and the `www.` names that indexes
 * built before this rule stored.
 */
#include "ndx_int.h"

size_t ndx__url_host(const char *u, size_t n, const char **host)
{
    const char *e = u + n, *h = NULL;
    *host = NULL;
    for (const char *q = u; q + 2 < e && q < u + 32; q++) {
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            h = q + 3;
            break;
        }
    }
    if (!h)
        return 0;
    const char *p = h;
    while (p < e && *p != '/' && *p != '?' && *p != '#')
        p++;
    const char *at = memchr(h, '@', (size_t)(p - h));
    if (at)
        h = at + 1;
    const char *colon = memchr(h, ':', (size_t)(p - h));
    if (colon && *h != '[')
        p = colon;
    *host = h;
    return (size_t)(p - h);
}

size_t ndx__url_www_len(const char *s, size_t n)
{
    return n > 4 && ndx__ascii_ieq(s, "www.", 4) ? 4 : 0;
}

bool ndx__url_is_host(const char *s, size_t n)
{
    if (!n || n > 253 || s[0] == '.' || s[n - 1] == '.' || s[0] == '-')
        return false;
    bool dot = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.')
            dot = true;
        else if (!((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9') && c != '-')
            return false;
    }
    return dot;
}

void ndx__url_source_of_host(const char *h, size_t n, struct ndx_buf *out, int *rc)
{
    size_t skip = ndx__url_www_len(h, n);
    ndx__buf_reset(out);
    ndx__buf_append(out, h + skip, n - skip, rc);
    if (!*rc)
        ndx__ascii_lower_copy((char *)out->p, (const char *)out->p, out->n);
}

void ndx__url_source(const char *u, size_t n, struct ndx_buf *out, int *rc)
{
    const char *h;
    size_t nh = ndx__url_host(u, n, &h);
    if (nh)
        ndx__url_source_of_host(h, nh, out, rc);
    else
        ndx__buf_reset(out);
}
