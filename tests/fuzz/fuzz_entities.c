/*
 * fuzz_entities.c - fuzz target for the entity rules (names/entities.c, names/tokens.c): every
 * span lies inside the input and splits no valid character, spans are ordered and never overlap, a
 * mention's full name is a span of the input, and a second run gives the same answer.
 */
#include "names/names.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_cont(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

/* Does offset i fall inside a valid UTF-8 character?  (A stray continuation byte of invalid
 * input is a character of its own.) */
static int splits_char(const uint8_t *data, size_t size, size_t i)
{
    if (i == 0 || i >= size || !is_cont(data[i]))
        return 0;
    size_t p = i;
    while (p > 0 && i - p < 4 && is_cont(data[p]))
        p--;
    size_t len = data[p] >= 0xF0 ? 4 : data[p] >= 0xE0 ? 3 : data[p] >= 0xC0 ? 2 : 1;
    return p + len > i && p + len <= size &&
           ndx__utf8_valid_prefix((const char *)data + p, len) == len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ndx_entity *e = NULL, *e2 = NULL;
    size_t n = 0, n2 = 0;
    if (ndx_entities(text, size, &e, &n) != NDX_OK)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (e[i].start >= e[i].end || e[i].end > size || e[i].name_start >= e[i].name_end ||
            e[i].name_end > size)
            abort();
        if (splits_char(data, size, e[i].start) || splits_char(data, size, e[i].end))
            abort();
        if (i && e[i - 1].end > e[i].start)
            abort();
        if (e[i].type < NDX_ENT_PER || e[i].type > NDX_ENT_LOC)
            abort();
        if (ndx__utf8_valid_prefix(text + e[i].start, e[i].end - e[i].start) !=
            e[i].end - e[i].start)
            abort();
    }
    if (ndx_entities(text, size, &e2, &n2) != NDX_OK || n2 != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (e[i].start != e2[i].start || e[i].end != e2[i].end || e[i].type != e2[i].type)
            abort();
    ndx_free(e);
    ndx_free(e2);
    return 0;
}
