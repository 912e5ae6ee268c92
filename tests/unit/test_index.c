/*
 * test_index.c - the index core: bit-packing round trips, postings iterators against brute force
 * (including skips across blocks), commit/reopen, updates, exact duplicates, deletes, merges,
 * reader isolation and corruption detection.  Every index test ends with ndx_index_check().
 */
#include "articles.h"
#include "harness.h"
#include "index/index.h"
#include "text/text.h"
#include "tmpdir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

TEST(pack_round_trip_all_widths)
{
    uint32_t in[128], out[128];
    for (unsigned b = 0; b <= 32; b++) {
        for (int i = 0; i < 128; i++)
            in[i] = b == 0 ? 0 : b == 32 ? rnd() * 2654435761u : rnd() & ((1u << b) - 1);
        struct ndx_buf buf;
        int rc = 0;
        ndx__buf_init(&buf, 0);
        ndx__pack(&buf, in, 128, b, &rc);
        CHECK_EQ(rc, 0);
        CHECK_EQ(buf.n, (128 * b + 7) / 8);
        CHECK(ndx__bits_needed(in, 128) <= b);
        ndx__unpack(buf.p ? buf.p : (const uint8_t *)"", out, 128, b);
        CHECK(memcmp(in, out, sizeof in) == 0);
        ndx__buf_free(&buf);
    }
}

static ndx_index *open_w(const char *dir, int extra)
{
    ndx_index *ix = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | extra, &ix, &msg);
    if (rc)
        fprintf(stderr, "open: %s\n", msg ? msg : "?");
    ndx_free(msg);
    return ix;
}

static ndx_index *open_r(const char *dir)
{
    ndx_index *ix = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_READ, &ix, &msg);
    if (rc)
        fprintf(stderr, "open: %s\n", msg ? msg : "?");
    ndx_free(msg);
    return ix;
}

static int add(ndx_index *ix, const char *url, const char *title, const char *body, int *outcome)
{
    ndx_article a = ndx_test_article(url, title, body);
    a.lang = "en";
    a.nlang = 2;
    return ndx_index_add(ix, &a, outcome, NULL);
}

/* Documents get words w<k> for every divisor-like rule, so expected counts are computable. */
static void doc_text(int i, char *buf, size_t n)
{
    size_t off = 0;
    off += (size_t)snprintf(buf + off, n - off, "common doc%d", i);
    for (int k = 2; k <= 7; k++)
        if (i % k == 0)
            off += (size_t)snprintf(buf + off, n - off, " w%d", k);
    if (i % 3 == 0)
        off += (size_t)snprintf(buf + off, n - off, " alpha beta");
    else if (i % 3 == 1)
        off += (size_t)snprintf(buf + off, n - off, " beta alpha");
    snprintf(buf + off, n - off, ".");
}

TEST(index_counts_match_brute_force_across_blocks_and_segments)
{
    char *dir = tmpdir();
    ndx_index *ix = open_w(dir, NDX_OPEN_NOSTEM);
    CHECK(ix != NULL);
    if (!ix)
        return;
    ndx_index_set_memory_limit(ix, 1 << 20);
    const int N = 3000;
    char body[256], url[64];
    for (int i = 0; i < N; i++) {
        doc_text(i, body, sizeof body);
        snprintf(url, sizeof url, "https://example.org/%d", i);
        CHECK_EQ(add(ix, url, "t", body, NULL), 0);
        if (i == 1000 || i == 2000)
            CHECK_EQ(ndx_index_commit(ix), 0);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    CHECK_EQ(ndx_test_total(ix, "common"), N);
    int e2 = 0, e3 = 0, e2and3 = 0, e2or7 = 0, e5not2 = 0;
    for (int i = 0; i < N; i++) {
        e2 += i % 2 == 0;
        e3 += i % 3 == 0;
        e2and3 += i % 6 == 0;
        e2or7 += i % 2 == 0 || i % 7 == 0;
        e5not2 += i % 5 == 0 && i % 2 != 0;
    }
    CHECK_EQ(ndx_test_total(ix, "w2"), e2);
    CHECK_EQ(ndx_test_total(ix, "w2 w3"), e2and3);
    CHECK_EQ(ndx_test_total(ix, "w2 OR w7"), e2or7);
    CHECK_EQ(ndx_test_total(ix, "w5 -w2"), e5not2);
    CHECK_EQ(ndx_test_total(ix, "\"alpha beta\""), e3);
    CHECK_EQ(ndx_test_total(ix, "\"beta alpha\""), (N + 1) / 3);
    CHECK_EQ(ndx_test_total(ix, "\"alpha beta\"~1"), e3); /* one word between */
    CHECK_EQ(ndx_test_total(ix, "\"alpha beta\"~2"), (N / 3) * 2 + (N % 3 > 1)); /* either order */
    CHECK_EQ(ndx_test_total(ix, "doc1234"), 1);
    CHECK_EQ(ndx_test_total(ix, "doc12*"), 111); /* doc12, doc120..129, doc1200..1299 */
    ndx_stats st;
    ndx_index_stats(ix, &st);
    CHECK_EQ(st.documents, N);
    CHECK(st.segments >= 3);
    CHECK_EQ(ndx_index_check(ix, NULL, NULL), 0);
    CHECK_EQ(ndx_index_optimize(ix, 1), 0);
    ndx_index_stats(ix, &st);
    CHECK_EQ(st.segments, 1);
    CHECK_EQ(ndx_test_total(ix, "w2 w3"), e2and3);
    CHECK_EQ(ndx_index_check(ix, NULL, NULL), 0);
    ndx_index_close(ix);
    rmrf(dir);
}

/* The term table compares a term's first 8 bytes, then its length and the rest: words that
 * share their first 8 bytes, a length or both are each a term of their own, with and without
 * analysis threads. */
TEST(index_terms_sharing_a_head_stay_apart)
{
    static const char *words[] = {"abcdefgh",          "abcdefgh1", "abcdefgh2",
                                  "abcdefghi1",        "abcdefg",   "abcdefgh12345678x",
                                  "abcdefgh12345678y", "ab",        "abc"};
    const int NW = (int)NDX_ARRAY_LEN(words);
    for (unsigned threads = 1; threads <= 2; threads++) {
        char *dir = tmpdir();
        ndx_index *ix = open_w(dir, NDX_OPEN_NOSTEM);
        CHECK(ix != NULL);
        if (!ix)
            return;
        CHECK_EQ(ndx_index_set_threads(ix, threads), 0);
        char url[64], body[64];
        /* word k in 1 + k documents */
        for (int k = 0; k < NW; k++)
            for (int d = 0; d <= k; d++) {
                snprintf(url, sizeof url, "https://example.org/%d/%d", k, d);
                snprintf(body, sizeof body, "%s filler%d", words[k], d);
                CHECK_EQ(add(ix, url, "t", body, NULL), 0);
            }
        CHECK_EQ(ndx_index_commit(ix), 0);
        for (int k = 0; k < NW; k++)
            CHECK_EQ(ndx_test_total(ix, words[k]), k + 1);
        CHECK_EQ(ndx_index_check(ix, NULL, NULL), 0);
        ndx_index_close(ix);
        rmrf(dir);
    }
}

TEST(index_updates_duplicates_deletes_survive_reopen)
{
    char *dir = tmpdir();
    ndx_index *ix = open_w(dir, 0);
    int oc = -1;
    CHECK_EQ(add(ix, "https://a.example/1", "Port strike", "Dockers walk out in Marrowhaven.", &oc),
             0);
    CHECK_EQ(oc, NDX_ADDED);
    CHECK_EQ(add(ix, "https://b.example/copy", "Other headline",
                 "Dockers walk  out in MARROWHAVEN.", &oc),
             0);
    CHECK_EQ(oc, NDX_DUPLICATE);
    CHECK_EQ(add(ix, "https://a.example/1", "Port strike", "Dockers walk out in Marrowhaven.", &oc),
             0);
    CHECK_EQ(oc, NDX_UNCHANGED);
    CHECK_EQ(add(ix, "https://a.example/2", "Flood", "The river burst its banks.", &oc), 0);
    CHECK_EQ(ndx_index_commit(ix), 0);
    CHECK_EQ(add(ix, "https://a.example/2", "Flood", "Water receded on Sunday.", &oc), 0);
    CHECK_EQ(oc, NDX_UPDATED);
    CHECK_EQ(ndx_index_commit(ix), 0);
    ndx_index_close(ix);

    ix = open_r(dir);
    CHECK(ix != NULL);
    if (!ix)
        return;
    CHECK_EQ(ndx_test_total(ix, "receded"), 1);
    CHECK_EQ(ndx_test_total(ix, "burst"), 0);
    CHECK_EQ(ndx_test_total(ix, "dockers"), 1);
    uint64_t id = 0;
    CHECK_EQ(ndx_index_lookup(ix, "https://a.example/1", 19, &id), 0);
    ndx_article *a = NULL;
    CHECK_EQ(ndx_index_get(ix, id, &a), 0);
    CHECK(a && a->copies && strstr(a->copies, "https://b.example/copy") != NULL);
    ndx_article_free(a);
    ndx_index_close(ix);

    ix = open_w(dir, 0);
    CHECK_EQ(ndx_index_delete(ix, "https://a.example/2", 19), 0);
    CHECK_EQ(ndx_index_delete(ix, "https://nowhere", 15), NDX_ENOTFOUND);
    /* readers see the last commit until the writer commits */
    ndx_index *r = open_r(dir);
    CHECK_EQ(ndx_test_total(r, "receded"), 1);
    CHECK_EQ(ndx_index_commit(ix), 0);
    CHECK_EQ(ndx_test_total(r, "receded"), 1);
    CHECK_EQ(ndx_index_refresh(r), 0);
    CHECK_EQ(ndx_test_total(r, "receded"), 0);
    ndx_index *w2 = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE, &w2, NULL), NDX_ELOCKED);
    CHECK_EQ(ndx_index_check(r, NULL, NULL), 0);
    ndx_index_close(r);
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(index_detects_corruption)
{
    char *dir = tmpdir();
    ndx_index *ix = open_w(dir, 0);
    char body[256];
    for (int i = 0; i < 300; i++) {
        doc_text(i, body, sizeof body);
        add(ix, NULL, "title", body, NULL);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    ndx_index_close(ix);
    char path[128];
    snprintf(path, sizeof path, "%s/seg-000000000001.ndx", dir);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    fstat(fd, &st);
    uint8_t b;
    CHECK_EQ(pread(fd, &b, 1, st.st_size / 3), 1);
    b ^= 0x5a;
    CHECK_EQ(pwrite(fd, &b, 1, st.st_size / 3), 1);
    close(fd);
    ix = open_r(dir);
    CHECK(ix != NULL);
    if (ix) {
        CHECK_EQ(ndx_index_check(ix, NULL, NULL), NDX_ECORRUPT);
        ndx_index_close(ix);
    }
    CHECK_EQ(truncate(path, st.st_size - 100), 0);
    ix = NULL;
    char *msg = NULL;
    CHECK(ndx_index_open(dir, NDX_OPEN_READ, &ix, &msg) != NDX_OK);
    CHECK(ix == NULL);
    CHECK(msg != NULL);
    ndx_free(msg);
    rmrf(dir);
    ndx__text_thread_cleanup();
}

/* Top-k with pruning (no exact count) must return the same scores as exhaustive evaluation. */
static void topk_scores(ndx_index *ix, const char *q, int want_count, double *out, size_t *n)
{
    ndx_results *r = NULL;
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.want_snippets = 0;
    o.collapse = 0;
    o.want_count = want_count;
    o.limit = 10;
    *n = 0;
    if (ndx_search(ix, q, strlen(q), &o, &r, NULL) != NDX_OK)
        return;
    *n = ndx_results_count(r);
    for (size_t i = 0; i < *n; i++)
        out[i] = ndx_results_hit(r, i)->score;
    ndx_results_free(r);
}

TEST(index_pruned_topk_equals_exhaustive)
{
    char *dir = tmpdir();
    ndx_index *ix = open_w(dir, NDX_OPEN_NOSTEM);
    ndx_index_set_memory_limit(ix, 1 << 20);
    static const char *words[] = {"alpha", "beta", "gamma", "delta", "omega", "zeta", "kappa"};
    char body[4096];
    for (int i = 0; i < 4000; i++) {
        size_t off = 0;
        int len = 5 + (int)(rnd() % 60);
        for (int k = 0; k < len; k++) {
            /* Zipf-like: alpha common, kappa rare */
            uint32_t r = rnd() % 1000;
            int w = r < 400   ? 0
                    : r < 650 ? 1
                    : r < 800 ? 2
                    : r < 900 ? 3
                    : r < 960 ? 4
                    : r < 990 ? 5
                              : 6;
            off += (size_t)snprintf(body + off, sizeof body - off, "%s filler%u ", words[w],
                                    rnd() % 500);
        }
        add(ix, NULL, "t", body, NULL);
        if (i % 1500 == 1499)
            ndx_index_commit(ix);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    const char *queries[] = {"alpha",
                             "kappa",
                             "alpha OR kappa",
                             "beta OR gamma OR zeta",
                             "alpha OR beta OR gamma OR delta OR omega OR zeta OR kappa",
                             "filler7 OR filler8 OR alpha"};
    for (size_t qi = 0; qi < NDX_ARRAY_LEN(queries); qi++) {
        double a[10], b[10];
        size_t na, nb;
        topk_scores(ix, queries[qi], 1, a, &na);
        topk_scores(ix, queries[qi], 0, b, &nb);
        CHECK_EQ(na, nb);
        for (size_t i = 0; i < na && i < nb; i++)
            if (a[i] - b[i] > 1e-9 || b[i] - a[i] > 1e-9) {
                fprintf(stderr, "  query '%s' rank %zu: %f vs %f\n", queries[qi], i, a[i], b[i]);
                ndx_test_failures++;
                break;
            }
    }
    ndx_index_close(ix);
    rmrf(dir);
    ndx__text_thread_cleanup();
}

/* Stored text read through the block cache: every article comes back as written, in any order,
 * across segments, with a cache too small to hold them (evictions and slot collisions), with the
 * default cache, and with none; and after a refresh that brings new segments. */
TEST(index_block_cache_returns_the_right_articles)
{
    char *dir = tmpdir();
    ndx_index *w = open_w(dir, 0);
    CHECK(w != NULL);
    enum { N = 900 };
    static uint64_t ids[N];
    char url[64], title[64], body[4096];
    for (int i = 0; i < N; i++) {
        snprintf(url, sizeof url, "https://cache.example/%d", i);
        snprintf(title, sizeof title, "Cache article %d", i);
        size_t off = 0;
        for (int k = 0; k < 30 + i % 50; k++)
            off += (size_t)snprintf(body + off, sizeof body - off, "word%d_%d ", i, k);
        int oc;
        CHECK_EQ(add(w, url, title, body, &oc), 0);
        if (i == N / 2)
            CHECK_EQ(ndx_index_commit(w), 0); /* two segments */
    }
    CHECK_EQ(ndx_index_commit(w), 0);
    ndx_index *r = open_r(dir);
    CHECK(r != NULL);
    for (int i = 0; i < N; i++) {
        snprintf(url, sizeof url, "https://cache.example/%d", i);
        CHECK_EQ(ndx_index_lookup(r, url, strlen(url), &ids[i]), 0);
    }
    size_t budgets[] = {32u << 10, 0, 32u << 20};
    for (size_t b = 0; b < NDX_ARRAY_LEN(budgets); b++) {
        CHECK_EQ(ndx_index_set_cache_limit(r, budgets[b]), 0);
        for (int pass = 0; pass < 3; pass++) {
            for (int k = 0; k < N; k++) {
                int i = (int)(rnd() % N);
                ndx_article *a = NULL;
                CHECK_EQ(ndx_index_get(r, ids[i], &a), 0);
                snprintf(title, sizeof title, "Cache article %d", i);
                char first[32];
                snprintf(first, sizeof first, "word%d_0 ", i);
                CHECK(a && a->ntitle == strlen(title) && memcmp(a->title, title, a->ntitle) == 0);
                CHECK(a && a->nbody >= strlen(first) && memcmp(a->body, first, strlen(first)) == 0);
                ndx_article_free(a);
            }
        }
    }
    /* a new commit: the refreshed reader sees the new article and still the old ones */
    int oc;
    CHECK_EQ(add(w, "https://cache.example/new", "Cache article new", "freshword here", &oc), 0);
    CHECK_EQ(ndx_index_commit(w), 0);
    CHECK_EQ(ndx_index_refresh(r), 0);
    CHECK_EQ(ndx_test_total(r, "freshword"), 1);
    ndx_article *a = NULL;
    CHECK_EQ(ndx_index_get(r, ids[7], &a), 0);
    CHECK(a && a->ntitle == strlen("Cache article 7"));
    ndx_article_free(a);
    ndx_index_close(r);
    ndx_index_close(w);
    rmrf(dir);
}

/* A reader's refresh skips reading the directory while its mtime is old and unchanged, and still
 * sees every new commit (the commit's rename moves the mtime). */
TEST(index_refresh_sees_commits_after_quiet_periods)
{
    char *dir = tmpdir();
    ndx_index *w = open_w(dir, 0);
    CHECK(w != NULL);
    int oc;
    CHECK_EQ(add(w, "https://r.example/0", "Quiet zero", "quietword zero", &oc), 0);
    CHECK_EQ(ndx_index_commit(w), 0);
    ndx_index *r = open_r(dir);
    CHECK(r != NULL);
    for (int round = 1; round <= 3; round++) {
        /* the directory looks untouched for a minute */
        struct timespec old[2];
        clock_gettime(CLOCK_REALTIME, &old[0]);
        old[0].tv_sec -= 60;
        old[1] = old[0];
        CHECK_EQ(utimensat(AT_FDCWD, dir, old, 0), 0);
        CHECK_EQ(ndx_index_refresh(r), 0); /* full check: records the old mtime */
        CHECK_EQ(ndx_index_refresh(r), 0); /* stat only */
        CHECK_EQ(ndx_test_total(r, "quietword"), (uint64_t)round);
        char url[64], body[64];
        snprintf(url, sizeof url, "https://r.example/%d", round);
        snprintf(body, sizeof body, "quietword again, round %d", round);
        CHECK_EQ(add(w, url, "Quiet more", body, &oc), 0);
        CHECK_EQ(ndx_index_commit(w), 0);
        CHECK_EQ(ndx_index_refresh(r), 0);
        CHECK_EQ(ndx_test_total(r, "quietword"), (uint64_t)round + 1);
    }
    ndx_index_close(r);
    ndx_index_close(w);
    rmrf(dir);
}
