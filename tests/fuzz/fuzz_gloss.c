/*
 * fuzz_gloss.c - fuzz target for gloss detection (names/gloss.c) and Han folding (text/fold.c):
 * every gloss lies inside the input, its two forms are valid UTF-8 and do not overlap, at most
 * NDX_GLOSS_MAX are reported; the folds of the input are at sorted offsets of Han characters.
 */
#include "names/gloss.h"
#include "text/text.h"

#include <stdlib.h>

struct fz {
    const char *s;
    size_t n, count, last;
};

static int on_gloss(void *ctx, const struct ndx_gloss *g)
{
    struct fz *f = ctx;
    if (g->latin_start >= g->latin_end || g->latin_end > f->n || g->cjk_start >= g->cjk_end ||
        g->cjk_end > f->n)
        abort();
    if (!(g->latin_end <= g->cjk_start || g->cjk_end <= g->latin_start))
        abort();
    size_t lo = g->latin_start < g->cjk_start ? g->latin_start : g->cjk_start;
    if (lo < f->last)
        abort(); /* in text order */
    f->last = lo;
    if (ndx__utf8_valid_prefix(f->s + g->latin_start, g->latin_end - g->latin_start) !=
            g->latin_end - g->latin_start ||
        ndx__utf8_valid_prefix(f->s + g->cjk_start, g->cjk_end - g->cjk_start) !=
            g->cjk_end - g->cjk_start)
        abort();
    if (!ndx__gloss_script_code(g->script)[0])
        abort();
    f->count++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = {(const char *)data, size, 0, 0};
    if (ndx__glosses((const char *)data, size, on_gloss, &f) != NDX_OK || f.count > NDX_GLOSS_MAX)
        abort();
    struct ndx__hanfold hf = {0};
    if (ndx__han_fold_scan(&hf, (const char *)data, size, 0) == NDX_OK) {
        for (size_t i = 0; i < hf.n; i++) {
            uint32_t cp;
            if (hf.ent[i].off >= size || (i && hf.ent[i].off <= hf.ent[i - 1].off) ||
                !ndx__text_decode(data + hf.ent[i].off, size - hf.ent[i].off, &cp) ||
                !ndx__text_is_han(cp))
                abort();
        }
    }
    ndx__han_fold_free(&hf);
    return 0;
}
