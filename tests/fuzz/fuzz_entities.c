/*
 * fuzz_entities.c - fuzz target for the entity rules (names/entities.c, names/tokens.c): every
 * span lies inside the input and splits no valid character, spans are ordered and never overlap, a
 * mention's full name is a span of the input, and a second run gives the same answer.
 */
#include "fuzz.h"
#include "names/names.h"

#include <stdlib.h>

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
        if (fuzz_mid_char(data, size, e[i].start) || fuzz_mid_char(data, size, e[i].end))
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
