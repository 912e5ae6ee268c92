/*
 * fuzz_html.c - fuzz target for the article extractor: any bytes as an HTML page (no charset
 * hint).  The extractor must return one of its documented statuses, every output field must be
 * valid UTF-8, and the page's metas "name\tcontent" lines within their caps.  Then the same bytes
 * are read as an HTML file with keyword fields mapped to metas (page.c), as ingest reads them.
 */
#include "extract/extract.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>

static void check_utf8(const struct ndx_buf *b)
{
    if (ndx__utf8_valid_prefix((const char *)b->p, b->n) != b->n)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ndx_extract e;
    ndx__extract_init(&e);
    int rc = ndx__extract_html((const char *)data, size, NULL, "http://example.com/2019/03/05/x",
                               31, &e);
    if (rc != NDX_OK && rc != NDX_EFORMAT && rc != NDX_ETOOBIG && rc != NDX_ENOMEM)
        abort();
    check_utf8(&e.url);
    check_utf8(&e.title);
    check_utf8(&e.byline);
    check_utf8(&e.body);
    check_utf8(&e.lang);
    check_utf8(&e.source);
    check_utf8(&e.metas);
    size_t lines = 0;
    for (size_t i = 0, start = 0; i < e.metas.n; i++) {
        if (e.metas.p[i] != '\n')
            continue;
        const void *tab = memchr(e.metas.p + start, '\t', i - start);
        if (!tab || i - start > 101 + NDX_EXTRACT_META_SIZE)
            abort();
        lines++, start = i + 1;
    }
    if (lines > NDX_EXTRACT_METAS || (e.metas.n && e.metas.p[e.metas.n - 1] != '\n'))
        abort();
    ndx__extract_free(&e);
    ndx_reader_opts o = {.field_map =
                             "section=meta.article:section|meta.section,tags=meta.keywords",
                         .input_format = NDX_FMT_HTML};
    fuzz_read(data, size, &o);
    return 0;
}
