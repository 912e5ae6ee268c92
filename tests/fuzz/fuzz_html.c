/*
 * fuzz_html.c - fuzz target for the article extractor: any bytes as an HTML page (no charset
 * hint).  The extractor must return one of its documented statuses and every output field must be
 * valid UTF-8.
 */
#include "extract/extract.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    ndx__extract_free(&e);
    return 0;
}
