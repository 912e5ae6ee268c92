/*
 * fuzz_warc.c - fuzz target for the web-archive reader (warc.c): WARC / ARC records, plain or
 * gzip members, HTTP headers, chunked and gzip-encoded payloads, down to the extractor.  Runs
 * with small limits (payload 64 KiB, header 4 KiB) so the caps are exercised too.  The input is
 * read as is; if it is not an archive, the format is forced to WARC (reported and rejected).
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
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_WARC, .stubs = 0};
    ndx__warc_limits.max_payload = (size_t)64 << 10;
    ndx__warc_limits.max_header = (size_t)4 << 10;
    ndx_read_mem(data, size, "fuzz", &o, &cb);
    return 0;
}
