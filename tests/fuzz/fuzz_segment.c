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
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct ndx_seg *s = NULL;
    char *msg = NULL;
    if (ndx__seg_open(dir, "seg-1", &s, &msg) == NDX_OK) {
        ndx__seg_check(s, NULL, NULL);
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
