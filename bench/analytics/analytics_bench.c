/*
 * analytics_bench.c - latency of the analytics of ndx_search_analytics on one index, in one
 * process and one read handle (as a server's pooled handle): for each query, the plain search
 * (top 10, one hit per story) and the same search with facets on source, lang and year plus a
 * day histogram, each run WARMUP + REPS times; prints p50 / p99 in ms per kind.
 *
 *   analytics_bench INDEX QUERIES.txt [REPS [WARMUP]]
 *
 * QUERIES.txt: one query per line.  bench/analytics/run builds it and writes the figures.
 */
#include "newsdex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_d);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return n ? v[i] : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s INDEX QUERIES.txt [REPS [WARMUP]]\n", argv[0]);
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5, warm = argc > 4 ? atoi(argv[4]) : 2;
    ndx_index *ix;
    char *msg = NULL;
    if (ndx_index_open(argv[1], NDX_OPEN_READ, &ix, &msg)) {
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f)
        return 2;
    char *qs[4096];
    size_t nq = 0;
    char line[4096];
    while (nq < 4096 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (*line)
            qs[nq++] = strdup(line);
    }
    fclose(f);
    ndx_facet_spec facets[3] = {{"source", 6, NULL, 0, 10}, {"lang", 4, NULL, 0, 10},
                                {"year", 4, NULL, 0, 10}};
    ndx_analytics_opts an = {facets, 3, NDX_INTERVAL_DAY};
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    so.want_snippets = 0;
    size_t cap = nq * (size_t)reps;
    double *plain = calloc(cap, sizeof *plain), *anal = calloc(cap, sizeof *anal);
    size_t np = 0, na = 0;
    uint64_t matches = 0;
    for (int r = 0; r < warm + reps; r++) {
        for (size_t i = 0; i < nq; i++) {
            ndx_results *res;
            double t0 = now_ms();
            if (ndx_search(ix, qs[i], strlen(qs[i]), &so, &res, NULL))
                return fprintf(stderr, "%s: %s\n", qs[i], ndx_errmsg(ix)), 1;
            double t1 = now_ms();
            ndx_results_free(res);
            if (ndx_search_analytics(ix, qs[i], strlen(qs[i]), &so, &an, &res, NULL))
                return fprintf(stderr, "%s: %s\n", qs[i], ndx_errmsg(ix)), 1;
            double t2 = now_ms();
            if (r == 0)
                matches += ndx_results_total_copies(res);
            ndx_results_free(res);
            if (r >= warm) {
                plain[np++] = t1 - t0;
                anal[na++] = t2 - t1;
            }
        }
    }
    ndx_stats st;
    ndx_index_stats(ix, &st);
    printf("articles %llu, queries %zu, mean matches %.0f, reps %d (warm-up %d)\n",
           (unsigned long long)st.documents, nq, nq ? (double)matches / (double)nq : 0, reps, warm);
    printf("plain search (top 10 stories)        p50 %7.2f ms  p99 %7.2f ms\n", pct(plain, np, .5),
           pct(plain, np, .99));
    printf("+ facets source/lang/year + day hist p50 %7.2f ms  p99 %7.2f ms\n", pct(anal, na, .5),
           pct(anal, na, .99));
    for (size_t i = 0; i < nq; i++)
        free(qs[i]);
    free(plain);
    free(anal);
    ndx_index_close(ix);
    return 0;
}
