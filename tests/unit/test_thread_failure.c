/*
 * test_thread_failure.c - an article an analysis thread fails on (ndx_index_set_threads > 1):
 * the allocator hook fails one allocation made on a thread other than the test's while the
 * articles are analysed.  The commit must succeed without that article, which is reported by
 * ndx_index_next_failure and left out as if deleted; every other article, the ones committed
 * before included, stays searchable and the index passes its check.
 */
#include "harness.h"
#include "articles.h"
#include "tmpdir.h"
#include "ndx_int.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_t main_thread;
static long worker_allocs, fail_worker_at; /* 0: never */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *failing_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (!pthread_equal(pthread_self(), main_thread)) {
        pthread_mutex_lock(&mu);
        int fail = fail_worker_at && ++worker_allocs == fail_worker_at;
        if (fail)
            fail_worker_at = 0; /* once */
        pthread_mutex_unlock(&mu);
        if (fail)
            return NULL;
    }
    return realloc(ptr, size);
}

static void add(ndx_index *ix, int i, uint64_t *id)
{
    char body[512], url[64], title[64];
    snprintf(body, sizeof body,
             "Harbour report %d: the dockers of Marrowhaven met word%dx at dawn. Cranes idle "
             "along pier %d while talks on pay went on; shipping lines rerouted cargo %d.",
             i, i, i * 7, i * 13);
    snprintf(url, sizeof url, "https://example.org/harbour/%d", i);
    snprintf(title, sizeof title, "Harbour day %d", i);
    ndx_article a = ndx_test_article(url, title, body);
    a.lang = "en", a.nlang = 2;
    a.published = 1600000000 + i * 86400;
    int outcome = 0;
    CHECK_EQ(ndx_index_add(ix, &a, &outcome, id), 0);
    CHECK_EQ(outcome, NDX_ADDED);
}

static uint64_t hits(ndx_index *ix, int i)
{
    char q[32];
    snprintf(q, sizeof q, "word%dx", i);
    return ndx_test_total(ix, q);
}

static void no_problem(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "  check: %s\n", msg);
    ndx_test_failures++;
}

TEST(thread_failure_leaves_out_one_article_and_keeps_the_rest)
{
    char *dir = tmpdir();
    CHECK(dir != NULL);
    main_thread = pthread_self();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), 0);
    CHECK_EQ(ndx_index_set_threads(ix, 2), 0);
    uint64_t ids[40];
    for (int i = 0; i < 10; i++)
        add(ix, i, &ids[i]);
    CHECK_EQ(ndx_index_commit(ix), 0);
    /* the 30th allocation the threads make while analysing the next 30 articles fails */
    ndx_set_allocator(failing_alloc, NULL);
    worker_allocs = 0;
    fail_worker_at = 30;
    for (int i = 10; i < 40; i++)
        add(ix, i, &ids[i]);
    int rc = ndx_index_commit(ix);
    CHECK_EQ(rc, 0);
    if (rc)
        fprintf(stderr, "  commit: %s\n", ndx_errmsg(ix));
    ndx_set_allocator(NULL, NULL);
    CHECK_EQ(fail_worker_at, 0); /* the failure happened */
    uint64_t failed = 0;
    int err = 0;
    CHECK_EQ(ndx_index_next_failure(ix, &failed, &err), 1);
    CHECK_EQ(err, NDX_ENOMEM);
    CHECK_EQ(ndx_index_next_failure(ix, &failed, &err), 0);
    int k = -1;
    for (int i = 10; i < 40; i++)
        if (ids[i] == failed)
            k = i;
    CHECK(k >= 10);
    ndx_stats st;
    CHECK_EQ(ndx_index_stats(ix, &st), 0);
    CHECK_EQ(st.documents, 39);
    for (int i = 0; i < 40; i++)
        CHECK_EQ(hits(ix, i), (i == k ? 0 : 1));
    ndx_article *got = NULL;
    CHECK_EQ(ndx_index_get(ix, failed, &got), NDX_ENOTFOUND);
    ndx_article_free(got);
    CHECK_EQ(ndx_index_check(ix, no_problem, NULL), 0);
    /* the same article again, without the failure: indexed */
    if (k >= 10) {
        uint64_t again = 0;
        add(ix, k, &again);
        CHECK_EQ(ndx_index_commit(ix), 0);
        CHECK_EQ(hits(ix, k), 1);
    }
    ndx_index_close(ix);
    /* reopened: the same */
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &ix, NULL), 0);
    CHECK_EQ(ndx_index_stats(ix, &st), 0);
    CHECK_EQ(st.documents, 40);
    CHECK_EQ(ndx_index_check(ix, no_problem, NULL), 0);
    ndx_index_close(ix);
    rmrf(dir);
}
