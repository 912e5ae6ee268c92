/*
 * fuzz_quotes.c - fuzz target for quotations and their speakers (names/quotes.c): every span
 * lies inside the input on character boundaries, quotations are ordered and do not overlap, a
 * speaker and its name are spans of the input or empty, and a second run gives the same answer.
 */
#include "fuzz.h"
#include "names/names.h"

#include <stdlib.h>

static void check_span(const uint8_t *d, size_t size, size_t s, size_t e, int may_be_empty)
{
    if (s > e || e > size || (!may_be_empty && s == e))
        abort();
    /* on character boundaries (a span may hold invalid bytes of the input) */
    if (s < e && (fuzz_mid_char(d, size, s) || fuzz_mid_char(d, size, e)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ndx_quote *q = NULL, *q2 = NULL;
    size_t n = 0, n2 = 0;
    if (ndx_quotes(text, size, &q, &n) != NDX_OK)
        abort();
    for (size_t i = 0; i < n; i++) {
        check_span(data, size, q[i].start, q[i].end, 0);
        check_span(data, size, q[i].speaker_start, q[i].speaker_end, 1);
        check_span(data, size, q[i].name_start, q[i].name_end, 1);
        check_span(data, size, q[i].cue_start, q[i].cue_end, 1);
        if (i && q[i - 1].end > q[i].start)
            abort();
        if (q[i].speaker_type < 0 || q[i].speaker_type > NDX_ENT_LOC)
            abort();
    }
    if (ndx_quotes(text, size, &q2, &n2) != NDX_OK || n2 != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (q[i].start != q2[i].start || q[i].end != q2[i].end ||
            q[i].name_start != q2[i].name_start)
            abort();
    ndx_free(q);
    ndx_free(q2);
    return 0;
}
