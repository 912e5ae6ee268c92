/*
 * fuzz_collection.c - fuzz target for document collections, posts and encodings (sgml.c, mail.c,
 * encoding.c): Reuters <REUTERS>, TREC <DOC> and Sogou <doc> records, Usenet/e-mail headers, and
 * text in other encodings (BOM, XML declaration, libuchardet's guess, iconv conversion).  The
 * first byte '#' followed by a digit forces an encoding (1 GBK, 2 Shift_JIS, 3 latin1, 4 UTF-16).
 */
#include "ingest/ingest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_article(void *ctx, const ndx_article *a)
{
    size_t *n = ctx;
    const char *f[] = {a->url, a->source, a->title, a->authors, a->body, a->lang, a->fields};
    size_t l[] = {a->nurl, a->nsource, a->ntitle, a->nauthors, a->nbody, a->nlang, a->nfields};
    for (size_t k = 0; k < 7; k++) {
        for (size_t i = 0; f[k] && i < l[k]; i++)
            *n += (unsigned char)f[k][i];
    }
    return 0;
}

static void on_problem(void *ctx, const char *where, const char *what)
{
    size_t *n = ctx;
    *n += strlen(where) + strlen(what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const enc[] = {NULL, "GBK", "SHIFT_JIS", "LATIN1", "UTF-16"};
    size_t sink = 0;
    ndx_reader_cb cb = {on_article, on_problem, NULL, &sink};
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO};
    if (size > 2 && data[0] == '#' && data[1] >= '1' && data[1] <= '4') {
        o.encoding = enc[data[1] - '0'];
        data += 2;
        size -= 2;
    }
    ndx_read_mem(data, size, "fuzz", &o, &cb);
    return 0;
}
