/*
 * test_or_count.c - the exact count of a word or an OR of words (the total alone: no hits, no
 * story counts) is taken from a bitmap of each segment's documents when the postings are many;
 * it must equal the count the iterators give (the same search with a facet asked for, which walks
 * every match) on two segments with deleted documents, for words, prefixes and ORs of them.
 */
#include "articles.h"
#include "harness.h"
#include "ndx_int.h"
#include "tmpdir.h"

#include <stdlib.h>

static uint32_t rs = 12345u;
static uint32_t rnd(void)
{
    rs = rs * 1103515245u + 12345u;
    return rs >> 8;
}

static const char *words[] = {"alpha", "beta",  "gamma", "delta", "epsilon", "zeta",
                              "eta",   "theta", "iota",  "kappa", "lambda",  "mu"};

static uint64_t count_of(ndx_index *ix, const char *q, int exhaustive)
{
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.limit = 0;
    o.collapse = 0;
    o.count_stories = 0;
    o.want_snippets = 0;
    ndx_facet_spec f = {"lang", 4, NULL, 0, 0};
    ndx_analytics_opts a = {&f, 1, 0};
    ndx_results *r = NULL;
    int rc = ndx_search_analytics(ix, q, strlen(q), &o, exhaustive ? &a : NULL, &r, NULL);
    CHECK_EQ(rc, 0);
    uint64_t n = r ? ndx_results_total(r) : 0;
    ndx_results_free(r);
    return n;
}

TEST(or_count_equals_iterated_count)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | NDX_OPEN_NOSTEM, &ix, NULL), 0);
    for (int i = 0; i < 3000 && ix; i++) {
        char body[256], url[64];
        size_t k = 0;
        /* word w appears in about 1 in (w + 1) documents: common and rare lists */
        for (int w = 0; w < 12; w++)
            if (rnd() % (unsigned)(w * w + 1) == 0)
                k += (size_t)snprintf(body + k, sizeof body - k, "%s ", words[w]);
        k += (size_t)snprintf(body + k, sizeof body - k, "doc%d", i);
        snprintf(url, sizeof url, "https://example.org/%d", i);
        ndx_article a = ndx_test_article(url, "t", body);
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
        if (i == 1700)
            CHECK_EQ(ndx_index_commit(ix), 0);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    /* delete every 5th article holding alpha, in both segments */
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.limit = 5000;
    o.collapse = 0;
    o.want_snippets = 0;
    o.ids_only = 1;
    ndx_results *r = NULL;
    CHECK_EQ(ndx_search(ix, "alpha", 5, &o, &r, NULL), 0);
    size_t ndel = 0;
    for (size_t i = 0; r && i < ndx_results_count(r); i += 5, ndel++) {
        char key[32];
        int nk = snprintf(key, sizeof key, "%llu", (unsigned long long)ndx_results_hit(r, i)->id);
        CHECK_EQ(ndx_index_delete(ix, key, (size_t)nk), 0);
    }
    ndx_results_free(r);
    CHECK(ndel > 100);
    CHECK_EQ(ndx_index_commit(ix), 0);
    const char *qs[] = {"alpha",
                        "alpha OR beta",
                        "gamma OR delta OR mu",
                        "kappa OR lambda",
                        "alp* OR eta",
                        "e*",
                        "mu OR nothinghere",
                        "doc1*",
                        "beta OR doc17*",
                        "lambda"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        uint64_t fast = count_of(ix, qs[i], 0), full = count_of(ix, qs[i], 1);
        if (fast != full)
            fprintf(stderr, "  %s: %llu, iterated %llu\n", qs[i], (unsigned long long)fast,
                    (unsigned long long)full);
        CHECK_EQ(fast, full);
        CHECK(full > 0);
    }
    ndx_index_close(ix);
    rmrf(dir);
}
