/*
 * test_eval_errors.c - a failure inside query evaluation is an error, never a silent empty or
 * smaller answer: the allocator hook fails the Nth allocation of a set of searches (words,
 * phrases on positions, fields, prefixes, AND/OR/NOT, pruned and collapsed views, counts, the
 * matches by day, the export), for every N; each search must then either fail with NDX_ENOMEM or
 * return exactly the answer of a run without failures.
 */
#include "failalloc.h"
#include "articles.h"
#include "harness.h"
#include "ndx_int.h"
#include "text/text.h"
#include "tmpdir.h"

#include <stdlib.h>

static const char *queries[] = {
    "port",
    "port OR strike OR ships",
    "\"port strike\"",
    "\"the port\" OR \"dockers voted\"",
    "title:harbour",
    "body:\"port was closed\"",
    "dock* pay",
    "port -lisbon",
    "NOT strike",
    "\"port strike\"~3 ships",
    "body:dock* OR title:harb*", /* several lists of one term set, restricted to a field */
    "\"strike spread\" -title:harbour",
};

static int count_article(void *ctx, const ndx_article *a)
{
    (void)a;
    ++*(long *)ctx;
    return 0;
}

/* The answer of query qi in a few views, as text; the status of the first failure. */
static int answers(ndx_index *ix, size_t qi, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    {
        for (int view = 0; view < 4; view++) { /* stories, articles, count, bare count */
            ndx_search_opts o;
            ndx_search_opts_init(&o);
            o.want_snippets = 0;
            o.collapse = view == 0 || view == 2;
            o.limit = view >= 2 ? 0 : 5;
            o.count_stories = view != 3;
            ndx_results *r = NULL;
            const char *q = queries[qi];
            int rc = ndx_search(ix, q, strlen(q), &o, &r, NULL);
            if (rc) {
                ndx_results_free(r);
                return rc;
            }
            k += (size_t)snprintf(out + k, cap - k, "%s/%d: %llu", q, view,
                                  (unsigned long long)ndx_results_total(r));
            for (size_t i = 0; i < ndx_results_count(r); i++)
                k += (size_t)snprintf(out + k, cap - k, " %llu",
                                      (unsigned long long)ndx_results_hit(r, i)->id);
            k += (size_t)snprintf(out + k, cap - k, "\n");
            ndx_results_free(r);
        }
        /* the matches by day (analytics' own pass over the query) and the export */
        const char *q = queries[qi];
        ndx_analytics_opts a = {NULL, 0, NDX_INTERVAL_DAY};
        ndx_results *r = NULL;
        int rc = ndx_search_analytics(ix, q, strlen(q), NULL, &a, &r, NULL);
        if (rc) {
            ndx_results_free(r);
            return rc;
        }
        k += (size_t)snprintf(out + k, cap - k, "%s/days:", q);
        for (size_t i = 0; i < ndx_results_bucket_count(r); i++)
            k += (size_t)snprintf(out + k, cap - k, " %llu",
                                  (unsigned long long)ndx_results_bucket(r, i)->copies);
        ndx_results_free(r);
        long exported = 0;
        if ((rc = ndx_export(ix, q, strlen(q), count_article, &exported, NULL)))
            return rc;
        k += (size_t)snprintf(out + k, cap - k, "; exported %ld\n", exported);
    }
    return NDX_OK;
}

TEST(eval_allocation_failure_is_an_error)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), 0);
    for (int i = 0; i < 40 && ix; i++) {
        char body[512], url[64];
        snprintf(body, sizeof body,
                 "The port strike of day %d went on: dockers voted on pay, the port was closed to "
                 "the ships of the line for %d hours%s. Harbour officials met in %s.",
                 i, i + 1, i % 3 ? "" : " and the strike spread to the docks of Lisbon",
                 i % 2 ? "the morning" : "Lisbon");
        snprintf(url, sizeof url, "https://example.org/%d", i);
        ndx_article a = ndx_test_article(url, i % 4 ? "Port news" : "Harbour news", body);
        a.published = 1600000000 + (int64_t)(i % 9) * 86400;
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
        if (i == 20)
            CHECK_EQ(ndx_index_commit(ix), 0); /* two segments */
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    ndx_index_close(ix);
    ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &ix, NULL), 0);
    static char want[1 << 16], got[1 << 16];
    int failures = 0;
    ndx_set_allocator(ndx_test_failing_alloc, NULL);
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
        ndx_test_fail_nth(-1);
        CHECK_EQ(answers(ix, qi, want, sizeof want), 0);
        long total = ndx_test_allocs;
        CHECK(total > 20);
        for (long n = 1; n <= total; n++) {
            ndx_test_fail_nth(n);
            int rc = answers(ix, qi, got, sizeof got);
            if (rc == NDX_ENOMEM) {
                failures++;
                continue;
            }
            if (rc != NDX_OK) {
                fprintf(stderr, "  allocation %ld: status %s, not NDX_ENOMEM\n", n,
                        ndx_errname(rc));
                ndx_test_failures++;
            } else if (strcmp(got, want) != 0) {
                size_t d = 0;
                while (got[d] == want[d])
                    d++;
                while (d && want[d - 1] != '\n')
                    d--;
                fprintf(stderr, "  allocation %ld failed silently: got\n    %.*s  want\n    %.*s\n",
                        n, (int)strcspn(got + d, "\n") + 1, got + d,
                        (int)strcspn(want + d, "\n") + 1, want + d);
                ndx_test_failures++;
                break;
            }
        }
    }
    ndx_set_allocator(NULL, NULL);
    CHECK(failures > 0);
    ndx_index_close(ix);
    ndx__text_thread_cleanup();
    rmrf(dir);
}
