/*
 * test_positions.c - the positions encodings: bit unpacking from any value on, and segments of
 * version 2 (positions as varints only) and 3 (each block's position lengths bit-packed first)
 * answering every phrase, proximity, field and word query alike, before and after a merge
 * rewrites the old segments in the new layout.
 */
#include "articles.h"
#include "harness.h"
#include "index/index.h"
#include "text/text.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static uint32_t rs = 987654321u;
static uint32_t rnd(void)
{
    rs = rs * 1103515245u + 12345u;
    return rs >> 8;
}

TEST(unpack_range_from_any_value)
{
    uint32_t in[130], out[130];
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + rnd() % 130;
        unsigned b = rnd() % 33;
        for (size_t i = 0; i < n; i++)
            in[i] = b == 0 ? 0 : b == 32 ? rnd() * 2654435761u : rnd() & ((1u << b) - 1);
        struct ndx_buf buf;
        int rc = 0;
        ndx__buf_init(&buf, 0);
        ndx__pack(&buf, in, n, b, &rc);
        CHECK_EQ(rc, 0);
        size_t from = rnd() % n, to = from + rnd() % (n - from + 1);
        memset(out, 0xab, sizeof out);
        /* an exact-size copy: a read past the packed bytes is caught under ASan */
        size_t nbytes = (n * b + 7) / 8;
        uint8_t *exact = malloc(nbytes ? nbytes : 1);
        if (nbytes)
            memcpy(exact, buf.p, nbytes);
        ndx__unpack_range(exact, out, from, to, n, b);
        free(exact);
        for (size_t i = 0; i < n; i++)
            if (i >= from && i < to ? out[i] != in[i] : out[i] != 0xabababab) {
                fprintf(stderr, "  n %zu b %u [%zu,%zu) value %zu: %u vs %u\n", n, b, from, to, i,
                        out[i], in[i]);
                ndx_test_failures++;
                break;
            }
        ndx__buf_free(&buf);
    }
}

static ndx_index *build(const char *dir, int version, int ndocs)
{
    ndx__seg_write_version = version;
    ndx_index *ix = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | NDX_OPEN_NOSTEM, &ix, &msg);
    ndx_free(msg);
    CHECK_EQ(rc, 0);
    if (rc)
        return NULL;
    ndx_index_set_memory_limit(ix, 1 << 20);
    rs = 4242;
    char title[256], body[8192], url[64];
    for (int i = 0; i < ndocs; i++) {
        size_t off = 0;
        int len = 3 + (int)(rnd() % 400); /* some documents span several hundred positions */
        for (int k = 0; k < len && off < sizeof body - 16; k++) {
            uint32_t r = rnd() % 100; /* Zipf-like over w0..w11 */
            int w = r < 30   ? 0
                    : r < 50 ? 1
                    : r < 62 ? 2
                    : r < 72 ? 3
                    : r < 80 ? 4
                             : 5 + (int)(r % 7);
            off += (size_t)snprintf(body + off, sizeof body - off, "w%d ", w);
        }
        snprintf(title, sizeof title, "w%u w%u headline", rnd() % 4, rnd() % 6);
        snprintf(url, sizeof url, "https://example.org/p/%d", i);
        ndx_article a = ndx_test_article(url, title, body);
        a.lang = "en";
        a.nlang = 2;
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
        if (i % 700 == 699)
            CHECK_EQ(ndx_index_commit(ix), 0);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    ndx__seg_write_version = NDX_SEG_VERSION;
    return ix;
}

/* Versions of the segment files in dir: bit 1 << v for each version v seen. */
static unsigned formats(const char *dir)
{
    unsigned seen = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "seg-", 4) || n < 4 || strcmp(e->d_name + n - 4, ".ndx"))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        unsigned char h[9] = {0};
        if (f && fread(h, 1, 9, f) == 9)
            seen |= 1u << h[8];
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return seen;
}

static const char *const queries[] = {
    "\"w0 w1\"", "\"w1 w0\"",   "\"w0 w0\"",       "\"w3 w0 w7\"",           "\"w0 w1 w2 w3\"",
    "\"w5 w6\"", "\"w1 w2\"~3", "\"w9 w0\"~10",    "title:\"w0 w1\"",        "body:\"w2 w3\"",
    "title:w1",  "body:w4 w0",  "\"w0 headline\"", "\"w2 w4\" OR \"w8 w0\"", "\"w1 w1 w1\" -w11",
    "w0",        "w7 OR w10",   "\"w6 w6\"~2 w3",
};

/* Total and top hits (ids, scores) of q, one hit per article, as a string. */
static void answer(ndx_index *ix, const char *q, char *out, size_t cap)
{
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.want_snippets = 0;
    o.ids_only = 1;
    o.collapse = 0;
    o.limit = 20;
    ndx_results *r = NULL;
    size_t k = 0;
    if (ndx_search(ix, q, strlen(q), &o, &r, NULL) != NDX_OK) {
        snprintf(out, cap, "error %s", ndx_errmsg(ix));
        return;
    }
    k += (size_t)snprintf(out + k, cap - k, "%llu:", (unsigned long long)ndx_results_total(r));
    for (size_t i = 0; i < ndx_results_count(r) && k < cap; i++) {
        const ndx_hit *h = ndx_results_hit(r, i);
        k += (size_t)snprintf(out + k, cap - k, " %llu/%.12g", (unsigned long long)h->id, h->score);
    }
    ndx_results_free(r);
}

TEST(positions_version_2_and_3_answer_alike)
{
    char d1[] = "/tmp/ndx-pos1-XXXXXX", d2[] = "/tmp/ndx-pos2-XXXXXX";
    CHECK(mkdtemp(d1) && mkdtemp(d2));
    ndx_index *old = build(d1, 2, 2200), *cur = build(d2, 3, 2200);
    CHECK(old && cur);
    if (!old || !cur)
        return;
    CHECK_EQ(formats(d1), 1u << 2);
    CHECK_EQ(formats(d2), 1u << 3);
    CHECK_EQ(ndx_index_check(old, NULL, NULL), 0);
    CHECK_EQ(ndx_index_check(cur, NULL, NULL), 0);
    char a[4096], b[4096];
    for (size_t i = 0; i < NDX_ARRAY_LEN(queries); i++) {
        answer(old, queries[i], a, sizeof a);
        answer(cur, queries[i], b, sizeof b);
        CHECK(strncmp(a, "0:", 2) != 0 || strstr(queries[i], "w1 w1 w1"));
        if (strcmp(a, b)) {
            fprintf(stderr, "  %s\n    version 2: %.300s\n    version 3: %.300s\n", queries[i], a,
                    b);
            ndx_test_failures++;
        }
    }
    /* a merge rewrites the old segments in the current format, with the same answers */
    CHECK_EQ(ndx_index_optimize(old, 1), 0);
    CHECK_EQ(formats(d1), 1u << NDX_SEG_VERSION);
    CHECK_EQ(ndx_index_check(old, NULL, NULL), 0);
    for (size_t i = 0; i < NDX_ARRAY_LEN(queries); i++) {
        answer(old, queries[i], a, sizeof a);
        answer(cur, queries[i], b, sizeof b);
        if (strcmp(a, b)) {
            fprintf(stderr, "  after merge %s\n    %.300s\n    %.300s\n", queries[i], a, b);
            ndx_test_failures++;
        }
    }
    ndx_index_close(old);
    ndx_index_close(cur);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", d1, d2);
    CHECK_EQ(system(cmd), 0);
    ndx__text_thread_cleanup();
}
