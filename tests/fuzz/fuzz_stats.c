/*
 * fuzz_stats.c - fuzz target for external collection statistics: arbitrary bytes handed to
 * ndx_index_set_stats (JSON as ndx_query_stats writes it), then, when accepted, searches scored
 * with them.  Checks: no crash or leak; malformed statistics give NDX_EINVAL and leave the
 * handle's own statistics in force; any accepted statistics (zero documents, frequencies above the
 * document count, unknown languages) give finite scores.  Corpus: tests/fuzz/corpus/stats/.
 */
#include "newsdex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ndx_index *ix;
static char dir[64];

static void cleanup(void)
{
    ndx_index_close(ix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_stats: could not remove %s\n", dir);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fuzz-stats-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    strcat(dir, "/ix");
    if (ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL))
        abort();
    static const char *bodies[] = {"The harbour strike ended after the port workers voted.",
                                   "Harbours in the north reopened; the strike was over.",
                                   "Der Hafen blieb geschlossen, der Streik ging weiter."};
    for (int i = 0; i < 3; i++) {
        char url[32];
        snprintf(url, sizeof url, "https://fuzz.example/%d", i);
        ndx_article a = {0};
        a.url = url;
        a.nurl = strlen(url);
        a.body = bodies[i];
        a.nbody = strlen(bodies[i]);
        a.published = NDX_DATE_UNKNOWN;
        if (ndx_index_add(ix, &a, NULL, NULL))
            abort();
    }
    if (ndx_index_commit(ix))
        abort();
    dir[strlen(dir) - 3] = 0; /* remove the parent directory at exit */
    atexit(cleanup);
}

static void search_all(void)
{
    static const char *queries[] = {"harbour strike", "harb*", "\"port workers\"",
                                    "hafen OR streik", "strike -north"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        ndx_results *r;
        if (ndx_search(ix, queries[i], strlen(queries[i]), NULL, &r, NULL))
            abort();
        for (size_t k = 0; k < ndx_results_count(r); k++)
            if (!isfinite(ndx_results_hit(r, k)->score))
                abort();
        ndx_results_free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ix)
        setup();
    int rc = ndx_index_set_stats(ix, (const char *)data, size);
    if (rc != NDX_OK && rc != NDX_EINVAL && rc != NDX_ENOMEM)
        abort();
    search_all();
    char *own = NULL;
    size_t n = 0;
    if (ndx_query_stats(ix, "harbour strike", 14, &own, &n, NULL) || strlen(own) != n)
        abort();
    ndx_free(own);
    ndx_index_set_stats(ix, NULL, 0);
    return 0;
}
