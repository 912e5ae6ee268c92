/*
 * exact.c - the keys of exact copies (dedup.h): the hash of an article's URL, and the hash of its
 * text normalised (ASCII case folded, runs of white space as one space, none at the ends), by
 * which the index finds an article again and records a copy of it.
 */
#include "dedup/dedup.h"

uint64_t ndx__url_hash(const char *url, size_t n)
{
    if (!n)
        return 0;
    uint64_t h = ndx__hash64(url, n, 7);
    return h ? h : 1;
}

uint64_t ndx__content_hash(const ndx_article *a)
{
    const char *s = a->nbody ? a->body : a->title;
    size_t n = a->nbody ? a->nbody : a->ntitle;
    char tmp[4096];
    size_t k = 0;
    uint64_t h = 0x9e3779b97f4a7c15ull;
    int space = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (space)
                continue;
            space = 1;
            c = ' ';
        } else {
            space = 0;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
        }
        tmp[k++] = (char)c;
        if (k == sizeof tmp) {
            h = ndx__hash64(tmp, k, h);
            k = 0;
        }
    }
    if (k && tmp[k - 1] == ' ')
        k--;
    h = ndx__hash64(tmp, k, h);
    return h ? h : 1;
}
