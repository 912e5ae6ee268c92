/*
 * fuzz.h - what the fuzz targets share: the entry point's declaration, reader callbacks that
 * touch every byte of an article's borrowed strings (so the sanitizers check each read), and the
 * test whether an offset falls inside a valid UTF-8 character (for targets that check spans).
 */
#ifndef NDX_FUZZ_H
#define NDX_FUZZ_H

#include "ndx_int.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sum of the bytes of every string of a (the sink a reader target keeps in ctx). */
static inline int fuzz_on_article(void *ctx, const ndx_article *a)
{
    size_t *n = ctx;
    const char *f[] = {a->url,  a->source, a->title,  a->authors,
                       a->body, a->lang,   a->parent, a->fields};
    size_t l[] = {a->nurl,  a->nsource, a->ntitle,  a->nauthors,
                  a->nbody, a->nlang,   a->nparent, a->nfields};
    for (size_t k = 0; k < sizeof f / sizeof *f; k++)
        for (size_t i = 0; f[k] && i < l[k]; i++)
            *n += (unsigned char)f[k][i];
    return 0;
}

static inline void fuzz_on_problem(void *ctx, const char *where, const char *what)
{
    size_t *n = ctx;
    *n += strlen(where) + strlen(what);
}

/* Reads data as one input file named "fuzz" would be, through the callbacks above. */
static inline void fuzz_read(const uint8_t *data, size_t size, const ndx_reader_opts *o)
{
    size_t sink = 0;
    ndx_reader_cb cb = {fuzz_on_article, fuzz_on_problem, NULL, &sink};
    ndx_read_mem(data, size, "fuzz", o, &cb);
}

/* Does offset pos fall inside a valid multi-byte character of d?  (A byte of invalid input is a
 * character of its own.) */
static inline int fuzz_mid_char(const uint8_t *d, size_t size, size_t pos)
{
    for (size_t k = 1; k <= 3 && k <= pos; k++) {
        uint8_t b = d[pos - k];
        size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        if (len > k && pos - k + len <= size &&
            ndx__utf8_valid_prefix((const char *)d + pos - k, len) == len)
            return 1;
    }
    return 0;
}

#endif
