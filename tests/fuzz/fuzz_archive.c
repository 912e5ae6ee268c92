/*
 * fuzz_archive.c - fuzz target for the stream decoders and the archive reader (decomp.c,
 * archive.c): the input goes through ndx_read_mem as a file would, so gzip, xz, bzip2 and zstd
 * content is decoded (with the bomb limits lowered to keep runs short) and tar and zip archives
 * are read member by member, each member through format detection again.
 */
#include "ingest/ingest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_article(void *ctx, const ndx_article *a)
{
    size_t *n = ctx;
    const char *f[] = {a->url, a->source, a->title, a->authors, a->body, a->lang};
    size_t l[] = {a->nurl, a->nsource, a->ntitle, a->nauthors, a->nbody, a->nlang};
    for (size_t k = 0; k < 6; k++) {
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
    ndx__ingest_limits.max_gz_out = (uint64_t)16 << 20;
    ndx__ingest_limits.max_doc = (size_t)8 << 20;
    ndx_read_mem(data, size, "fuzz", NULL, &cb);
    return 0;
}
