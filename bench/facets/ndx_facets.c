/*
 * ndx_facets.c - newsdex side of the aggregation benchmark (bench/facets/run): per query one
 * ndx_search_analytics call with no hits (limit 0, ids only), facets source, lang and year (top
 * 10 each, as the product answers) and a histogram by day, read as the peers read their rows
 * (each facet value, each day with a match) inside the timed span; the counts written are copies
 * (the peers count documents; the benchmark corpora have no exact copies).  The index is built by
 * `newsdex ingest --simple` of the corpus JSONL, so its analysis is the peers'.
 *
 *   ndx_facets INDEX queries.tsv OUTBASE WARMUP REPS [--no-histogram]
 *
 * --no-histogram leaves the day histogram out (the facets alone): the histogram's all_stories
 * (each bucket's stories under the query's filters without its text, for the share of coverage)
 * is a count the peers do not make (kept per commit for queries without filters).
 */
#include "facets.h"

#include "newsdex.h"

static void put_query(const struct bquery *q, char *out, size_t cap)
{
    size_t k = 0;
    for (int i = 0; i < q->nterms && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "", q->terms[i]);
}

static volatile uint64_t sink; /* what the timed reads saw, so that they are not left out */

int main(int argc, char **argv)
{
    if (argc < 6 || (argc > 6 && strcmp(argv[6], "--no-histogram"))) {
        fprintf(stderr,
                "usage: ndx_facets INDEX queries.tsv OUTBASE WARMUP REPS [--no-histogram]\n");
        return 2;
    }
    int warm = atoi(argv[4]), reps = atoi(argv[5]);
    ndx_index *ix;
    char *err = NULL;
    int rc = ndx_index_open(argv[1], NDX_OPEN_READ, &ix, &err);
    if (rc) {
        fprintf(stderr, "ndx_facets: open %s: %s\n", argv[1], err ? err : ndx_strerror(rc));
        return 1;
    }
    int nq;
    struct bquery *qs = b_read_queries(argv[2], &nq);
    FILE *lat = f_open_out(argv[3], ".lat.tsv"), *cnt = f_open_out(argv[3], ".counts.tsv");
    double *us = calloc((size_t)reps, sizeof *us);
    static const char *fields[3] = {"source", "lang", "year"};
    ndx_facet_spec spec[3];
    memset(spec, 0, sizeof spec);
    for (int f = 0; f < 3; f++) {
        spec[f].field = fields[f];
        spec[f].nfield = strlen(fields[f]);
        spec[f].size = 10;
    }
    ndx_analytics_opts an = {spec, 3, argc > 6 ? NDX_INTERVAL_NONE : NDX_INTERVAL_DAY};
    for (int i = 0; i < nq; i++) {
        const struct bquery *q = &qs[i];
        char text[2048];
        put_query(q, text, sizeof text);
        ndx_search_opts o;
        ndx_search_opts_init(&o);
        o.limit = 0;
        o.want_snippets = 0;
        o.ids_only = 1;
        if (q->from || q->to) {
            o.date_from = q->from;
            o.date_to = q->to;
        }
        for (int pass = 0; pass < warm + reps; pass++) {
            ndx_results *res = NULL;
            double t0 = b_now();
            rc = ndx_search_analytics(ix, text, strlen(text), &o, &an, &res, NULL);
            /* the answer read as the peers read their rows: each facet value, each day with a
             * match (ndx_results_match_bucket: the empty days are not walked) */
            uint64_t seen = 0;
            for (size_t f = 0; !rc && f < ndx_results_facet_count(res); f++) {
                const ndx_facet *fa = ndx_results_facet(res, f);
                for (size_t v = 0; v < fa->nvalues; v++)
                    seen += fa->values[v].copies + (unsigned char)fa->values[v].value[0];
            }
            ndx_bucket bk;
            for (size_t b = 0; !rc && b < ndx_results_match_bucket_count(res); b++)
                if (ndx_results_match_bucket(res, b, &bk, NULL) == NDX_OK)
                    seen += bk.copies + (unsigned char)bk.key[9];
            double t1 = b_now();
            sink += seen;
            if (rc) {
                fprintf(stderr, "ndx_facets: %s [%s]: %s\n", q->qid, text, ndx_errmsg(ix));
                return 1;
            }
            if (pass == 0) {
                for (size_t f = 0; f < ndx_results_facet_count(res); f++) {
                    const ndx_facet *fa = ndx_results_facet(res, f);
                    for (size_t v = 0; v < fa->nvalues; v++)
                        fprintf(cnt, "%s\t%s\t%.*s\t%llu\n", q->qid, fa->field,
                                (int)fa->values[v].nvalue, fa->values[v].value,
                                (unsigned long long)fa->values[v].copies);
                }
                for (size_t b = 0; b < ndx_results_match_bucket_count(res); b++)
                    if (ndx_results_match_bucket(res, b, &bk, NULL) == NDX_OK)
                        fprintf(cnt, "%s\tday\t%s\t%llu\n", q->qid, bk.key,
                                (unsigned long long)bk.copies);
                fprintf(cnt, "%s\ttotal\t\t%llu\n", q->qid,
                        (unsigned long long)ndx_results_total_copies(res));
            }
            ndx_results_free(res);
            if (pass >= warm)
                us[pass - warm] = (t1 - t0) * 1e6;
        }
        f_write_lat(lat, q, us, reps);
    }
    fclose(lat);
    fclose(cnt);
    fprintf(stderr, "ndx_facets: %d queries x %d reps, maxrss %ld kB\n", nq, reps, b_maxrss_kb());
    ndx_index_close(ix);
    return 0;
}
