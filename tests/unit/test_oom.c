/*
 * test_oom.c - allocation-failure torture: the allocator hook fails the Nth allocation, for every
 * N of a small ingest-and-commit workload.  Each run must end with a clean error or success (no
 * crash), and the index must then open, pass ndx_index_check() and hold either none or all of the
 * articles of the failed commit (commits are atomic): the workload commits twice and optimizes,
 * so files are removed after each commit and after the merge.  Leaks are caught by LeakSanitizer in
 * the sanitizer build.
 */
#include "failalloc.h"
#include "articles.h"
#include "harness.h"
#include "ndx_int.h"
#include "text/text.h"

#include <stdlib.h>
#include <unistd.h>

/* The snippets of a search with words, a prefix and a phrase: a run that succeeds must give the
 * same as a run without failures (an allocation failure in highlighting is an error, not fewer
 * highlights). */
static char snippets[2048];

static int workload(const char *dir)
{
    ndx_index *ix = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL);
    if (rc)
        return rc;
    char body[256], url[64];
    for (int i = 0; i < 12 && !rc; i++) {
        if (i == 6 && (rc = ndx_index_commit(ix))) /* two commits: files to remove after each */
            break;
        snprintf(body, sizeof body,
                 "Story %d about the port strike in Marrowhaven. Dockers voted on pay. "
                 "梁文浩 visited Lisbon on day %d.",
                 i, i);
        snprintf(url, sizeof url, "https://example.org/%d", i);
        ndx_article a = ndx_test_article(url, "Port news", body);
        a.published = i % 4 ? 1600000000 + i * 86400 * 3 : NDX_DATE_UNKNOWN;
        a.source = i % 3 ? "a.example" : "b.example";
        a.nsource = 9;
        rc = ndx_index_add(ix, &a, NULL, NULL);
    }
    if (!rc)
        rc = ndx_index_commit(ix);
    if (!rc)
        rc = ndx_index_optimize(ix, 1); /* a merge, then the merged segments removed */
    if (!rc) {
        ndx_results *r = NULL;
        rc = ndx_search(ix, "port strike", 11, NULL, &r, NULL);
        ndx_results_free(r);
        r = NULL;
        const char *hq = "dock* \"port strike\" lisbon";
        if (!rc)
            rc = ndx_search(ix, hq, strlen(hq), NULL, &r, NULL);
        snippets[0] = 0;
        for (size_t i = 0; !rc && i < ndx_results_count(r); i++) {
            const ndx_hit *h = ndx_results_hit(r, i);
            size_t k = strlen(snippets);
            snprintf(snippets + k, sizeof snippets - k, "%.*s|", (int)h->nsnippet, h->snippet);
        }
        ndx_results_free(r);
    }
    if (!rc) { /* analytics: facets, a histogram, a timeline, terms */
        ndx_facet_spec f[3] = {
            {"source", 6, NULL, 0, 2}, {"lang", 4, NULL, 0, 0}, {"month", 5, NULL, 0, 0}};
        ndx_analytics_opts a = {f, 3, NDX_INTERVAL_WEEK};
        ndx_results *r = NULL;
        rc = ndx_search_analytics(ix, "port strike", 11, NULL, &a, &r, NULL);
        ndx_results_free(r);
        const char *q[2] = {"port", "lisbon -strike"};
        size_t nq[2] = {4, 14};
        ndx_results *t[2] = {NULL, NULL};
        if (!rc)
            rc = ndx_timeline(ix, q, nq, 2, NDX_INTERVAL_DAY, NULL, t, NULL, NULL);
        ndx_results_free(t[0]);
        ndx_results_free(t[1]);
        ndx_terms *st = NULL;
        if (!rc)
            rc = ndx_significant_terms(ix, "port", 4, NULL, &st, NULL);
        ndx_terms_free(st);
        ndx_explanation *x = NULL;
        if (!rc)
            rc = ndx_explain(ix, "port -lisbon \"port strike\"", 27, 3, &x, NULL);
        ndx_explanation_free(x);
    }
    ndx_index_close(ix);
    return rc;
}

TEST(oom_every_allocation_of_ingest_and_commit)
{
    /* on tmpfs where there is one: each of the thousand runs commits three times, and fsync on a
     * busy disk would make the test a measure of the disk */
    char dir[] = "/dev/shm/ndx-oom-XXXXXX";
    if (access("/dev/shm", W_OK) != 0)
        memcpy(dir, "/tmp/ndx-oom-XXXXXX", sizeof "/tmp/ndx-oom-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    /* count the allocations of one clean run */
    char sub[64];
    snprintf(sub, sizeof sub, "%s/probe", dir);
    ndx_test_fail_nth(-1);
    ndx_set_allocator(ndx_test_failing_alloc, NULL);
    CHECK_EQ(workload(sub), 0);
    long total = ndx_test_allocs;
    char want[sizeof snippets];
    memcpy(want, snippets, sizeof want);
    CHECK(strstr(want, "<mark>Dockers</mark>") && strstr(want, "<mark>port strike</mark>"));
    CHECK(total > 100);
    int failures_seen = 0;
    for (long n = 1; n <= total; n += (total > 3000 ? 7 : 1)) {
        snprintf(sub, sizeof sub, "%s/run%ld", dir, n);
        ndx_test_fail_nth(n);
        ndx_set_allocator(ndx_test_failing_alloc, NULL);
        int rc = workload(sub);
        ndx_set_allocator(NULL, NULL);
        if (!rc && strcmp(snippets, want) != 0) {
            fprintf(stderr, "  allocation %ld: a search succeeded with other snippets:\n  %s\n", n,
                    snippets);
            ndx_test_failures++;
        }
        if (rc) {
            failures_seen++;
            if (rc != NDX_ENOMEM && rc != NDX_EIO) {
                fprintf(stderr, "  allocation %ld: unexpected status %s\n", n, ndx_errname(rc));
                ndx_test_failures++;
            }
        }
        /* whatever happened, what is on disk is a sound index with 0, 6 or 12 articles; it
         * may be missing only when the failure came before the index was created */
        ndx_index *ix = NULL;
        int orc = ndx_index_open(sub, NDX_OPEN_READ, &ix, NULL);
        if (orc != NDX_OK && !(orc == NDX_ENOTFOUND && rc)) {
            fprintf(stderr, "  allocation %ld: the index no longer opens (%s)\n", n,
                    ndx_errname(orc));
            ndx_test_failures++;
        }
        if (orc == NDX_OK) {
            ndx_stats st;
            ndx_index_stats(ix, &st);
            if (ndx_index_check(ix, NULL, NULL) != NDX_OK ||
                (st.documents != 0 && st.documents != 6 && st.documents != 12)) {
                fprintf(stderr, "  allocation %ld: index damaged (%llu documents)\n", n,
                        (unsigned long long)st.documents);
                ndx_test_failures++;
            }
            ndx_index_close(ix);
        }
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", sub);
        if (system(cmd) != 0)
            ndx_test_failures++;
        ndx__text_thread_cleanup();
    }
    CHECK(failures_seen > 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ(system(cmd), 0);
}
