/*
 * fuzz_jsonl.c - fuzz target for the input readers: runs the whole of ndx_read_file on the input
 * (through the in-memory entry point ndx_read_mem: format detection, gzip, JSONL, JSON,
 * plain text, field mapping, date parsing) with no-op callbacks.  The first byte selects a forced
 * format or a field map, so those paths are explored too.
 */
#include "ingest/ingest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_article(void *ctx, const ndx_article *a)
{
    size_t *n = ctx;
    /* touch every byte of the borrowed strings so the sanitizers check them */
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
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO};
    if (size > 0 && data[0] == '#') { /* "#<digit>": forced format / field map */
        int sel = size > 1 ? data[1] - '0' : 0;
        if (sel >= 1 && sel <= 3)
            o.input_format = sel;
        else if (sel == 4)
            o.field_map = "body=story|text,title=headline,date=meta.when,url=link,source=";
    }
    ndx_read_mem(data, size, "fuzz", &o, &cb);
    return 0;
}
