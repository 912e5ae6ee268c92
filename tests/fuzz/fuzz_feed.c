/*
 * fuzz_feed.c - fuzz target for the feed readers: the input goes through the whole of
 * ndx_read_mem (detection, gzip) and, being XML or JSON, mostly reaches feed.c (RSS /
 * RDF / Atom with libxml2, JSON Feed, HTML-to-text of item content) and the HTML page path.
 * The first byte '#' followed by a digit forces a format: 4 HTML, 5 feed; '#6' drops stubs.
 */
#include "ingest/ingest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_article(void *ctx, const ndx_article *a)
{
    size_t *n = ctx;
    const char *f[] = {a->url, a->source, a->title, a->authors, a->body, a->lang, a->parent};
    size_t l[] = {a->nurl, a->nsource, a->ntitle, a->nauthors, a->nbody, a->nlang, a->nparent};
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
    size_t sink = 0;
    ndx_reader_cb cb = {on_article, on_problem, NULL, &sink};
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO, .stubs = 0};
    if (size > 1 && data[0] == '#') {
        int sel = data[1] - '0';
        if (sel == 4 || sel == 5)
            o.input_format = sel;
        else if (sel == 6)
            o.stubs = 1;
    }
    ndx_read_mem(data, size, "fuzz", &o, &cb);
    return 0;
}
