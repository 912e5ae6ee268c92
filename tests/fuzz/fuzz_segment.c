/*
 * fuzz_segment.c - the segment reader on arbitrary bytes: open (header, footer, section bounds),
 * integrity check, dictionary scans, postings and positions, stored documents.  Damaged input
 * must give NDX_ECORRUPT, never a crash.  Seeds are small real segments.
 */
#include "index/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

static int visit(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    (void)t, (void)n;
    const struct ndx_seg *s = ctx;
    struct ndx_pl pl;
    uint32_t *pos = NULL;
    size_t cap = 0;
    ndx__pl_init(&pl, s, ti);
    for (int k = 0; pl.doc != NDX_DOC_END && k < 10000; k++) {
        ndx__pl_positions(&pl, &pos, &cap);
        ndx__pl_next(&pl);
    }
    ndx__pl_init(&pl, s, ti);
    ndx__pl_advance(&pl, 200);
    ndx_free(pos);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ndx-fuzzseg-%d", (int)getpid());
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0)
            return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/seg-1.ndx", dir);
    /* Half of the inputs get their checksums repaired, so that mutations reach the decoders
     * behind the section and footer hashes. */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    const size_t foot = (NDX_SEC_COUNT - 1) * 24 + 48 + 16 + 8 + 8;
    if (size >= 16 + foot && ((size & 1) || (buf[9] & 1))) {
        uint8_t *ft = buf + size - foot;
        for (int i = 0; i < NDX_SEC_COUNT - 1; i++) {
            uint64_t off = ndx__rd_u64(ft + i * 24), n = ndx__rd_u64(ft + i * 24 + 8);
            if (off <= size - foot && n <= size - foot - off) {
                uint64_t h = ndx__hash64(buf + off, n, 0);
                for (int k = 0; k < 8; k++)
                    ft[i * 24 + 16 + k] = (uint8_t)(h >> (8 * k));
            }
        }
        uint64_t fh = ndx__hash64(ft, foot - 16, 0);
        for (int k = 0; k < 8; k++)
            buf[size - 16 + k] = (uint8_t)(fh >> (8 * k));
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(buf);
        return 0;
    }
    fwrite(buf, 1, size, f);
    fclose(f);
    free(buf);
    struct ndx_seg *s = NULL;
    char *msg = NULL;
    if (ndx__seg_open(dir, "seg-1", &s, &msg) == NDX_OK) {
        ndx__seg_check(s, NULL, NULL, NULL);
        ndx__seg_terms(s, "", 0, visit, s);
        struct ndx_terminfo ti;
        ndx__seg_lookup(s, "port", 4, &ti);
        struct ndx_buf scratch;
        ndx__buf_init(&scratch, 0);
        for (uint32_t d = 0; d < s->ndocs && d < 1000; d++) {
            ndx_article a;
            ndx__seg_doc(s, d, &scratch, &a);
        }
        ndx__buf_free(&scratch);
        ndx__seg_close(s);
    }
    ndx_free(msg);
    unlink(path);
    return 0;
}
