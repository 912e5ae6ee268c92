/*
 * fuzz_tokenize.c - fuzz target for the text module: language detection, analysis with stemming
 * (tokens checked against the input bounds), sentence splitting, teasers and snippets with spans
 * taken from the token offsets.  Frees everything, the per-thread stemmers included.
 */
#include "text/text.h"

#include <stdlib.h>

struct fz {
    size_t n;
    struct ndx_span spans[8];
    size_t nspans;
    uint32_t last_pos;
    size_t ntok;
};

static int on_token(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                    size_t end, unsigned flags)
{
    struct fz *f = ctx;
    NDX_UNUSED(flags);
    if (start >= end || end > f->n || nterm == 0 || nterm > 64 || pos < f->last_pos)
        abort();
    if (ndx__utf8_valid_prefix(term, nterm) != nterm)
        abort();
    f->last_pos = pos;
    if (f->ntok++ % 3 == 0 && f->nspans < NDX_ARRAY_LEN(f->spans))
        f->spans[f->nspans++] = (struct ndx_span){start, end};
    return 0;
}

static int on_sentence(void *ctx, size_t start, size_t end)
{
    struct fz *f = ctx;
    if (start >= end || end > f->n)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char lang[3];
    struct fz f = {0};
    f.n = size;
    ndx__detect_lang(text, size, lang);
    if (strlen(lang) != 2)
        abort();

    struct ndx_analyzer an = {1, 0};
    uint32_t next = 0;
    if (ndx__analyze(&an, text, size, lang, 0, on_token, &f, &next) != 0)
        abort();
    if (f.ntok && next <= f.last_pos)
        abort();
    /* the same with a tiny max_term and English stemming */
    struct ndx_analyzer an2 = {1, 3};
    f.last_pos = 0;
    f.ntok = 0;
    f.nspans = 0;
    if (ndx__analyze(&an2, text, size, "en", 0, on_token, &f, NULL) != 0)
        abort();
    /* one extra span that is not aligned to anything */
    if (size > 2 && f.nspans < NDX_ARRAY_LEN(f.spans))
        f.spans[f.nspans++] = (struct ndx_span){size / 3, size / 3 + 2};

    ndx__sentences(text, size, on_sentence, &f);

    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    if (ndx__teaser(text, size, 1 + size % 20, &b) != 0)
        abort();
    ndx__buf_reset(&b);
    if (ndx__snippet(text, size, f.spans, f.nspans, 1 + size % 15, 1 + size % 3, "<m>", "</m>",
                     (int)(size & 1), &b) != 0)
        abort();
    ndx__buf_reset(&b);
    if (size > 0 && ndx__normalize_word(text, NDX_MIN(size, (size_t)80), &b) != 0)
        abort();
    ndx__buf_free(&b);

    char *t = NULL;
    size_t nt = 0;
    if (ndx_teaser(text, size, 10, &t, &nt) != 0 || !t)
        abort();
    ndx_free(t);
    ndx__text_thread_cleanup();
    return 0;
}
