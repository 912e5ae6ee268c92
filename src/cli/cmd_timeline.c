/*
 * cmd_timeline.c - `newsdex timeline QUERY [--compare Q]... --by day|week|month|year`: the
 * matches of one or more queries over time, counted as stories and copies, with the stories of
 * each bucket under the same filters without the query text (the share of coverage).
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 8

static void usage_timeline(void)
{
    printf("Usage: %s timeline [OPTIONS] QUERY...\n"
           "Matching stories over time (UTC), zero-filled, with all_stories: the stories of the\n"
           "bucket under the query's filters (date:, source:, url:, lang:, --from/--to) without\n"
           "its text, so that stories / all_stories is the share of coverage.  QUERY is in\n"
           "search's query language (newsdex search --help, docs/QUERY.md).\n"
           "Example: newsdex timeline strike --compare 'port closure' --by week\n\n"
           "Options:\n"
           "  --index DIR     index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  --by I          day, week (from Monday), month (default) or year\n"
           "  --compare Q     another query on the same timeline (repeatable, up to 7)\n"
           "  --from DATE     only articles published on or after DATE (2019-03-01, or\n"
           "                  2019-03, 2019: from its start)\n"
           "  --to DATE       only articles published on or before DATE (2019-06-30, or\n"
           "                  2019-06, 2019: to its end)\n"
           "  --csv           CSV: query,bucket,stories,copies,all_stories\n"
           "  --json          one JSON object (schema in docs/CLI.md)\n"
           "  --progress      the progress line on standard error at once (on a terminal it\n"
           "                  appears after half a second), also when standard error is not a\n"
           "                  terminal: then a line per percent\n",
           prog);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        fwrite(s, 1, n, stdout);
        return;
    }
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putchar('"');
        putchar(s[i]);
    }
    putchar('"');
}

/* The options of timeline besides those of every query command (QUERY_OPTIONS). */
struct timeline_args {
    int csv, interval;
    const char *queries[MAX_SERIES]; /* [0] is the main query, set after parsing */
    size_t nqueries[MAX_SERIES];
    size_t nq;
};

static void timeline_opt(void *ctx, int c, const char *arg)
{
    struct timeline_args *t = ctx;
    switch (c) {
    case 'b':
        if (ndx_interval_parse(arg, strlen(arg), &t->interval))
            die_usage("timeline", "--by takes day, week, month or year");
        break;
    case 'c':
        if (t->nq == MAX_SERIES)
            die_usage("timeline", "at most 7 --compare queries");
        if (!*arg)
            die_usage("timeline", "--compare takes a query");
        t->queries[t->nq] = arg;
        t->nqueries[t->nq++] = strlen(arg);
        break;
    case 'v':
        t->csv = 1;
        break;
    }
}

int ndx_cmd_timeline(int argc, char **argv)
{
    static const struct option opts[] = {{"by", required_argument, 0, 'b'},
                                         {"compare", required_argument, 0, 'c'},
                                         {"csv", no_argument, 0, 'v'},
                                         QUERY_OPTIONS,
                                         {0, 0, 0, 0}};
    struct timeline_args ta = {.interval = NDX_INTERVAL_MONTH, .nq = 1};
    struct query_cmd q = {.name = "timeline",
                          .opts = opts,
                          .shortopts = "i:h",
                          .usage = usage_timeline,
                          .own = timeline_opt,
                          .ctx = &ta};
    int prc = query_cmd_parse(&q, argc, argv);
    if (prc)
        return prc == 1 ? 0 : 2;
    if (q.json && ta.csv)
        die_usage("timeline", "--json and --csv exclude each other");
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    so.date_from = q.from;
    so.date_to = q.to;
    int json = q.json, csv = ta.csv, interval = ta.interval;
    const char **queries = ta.queries;
    size_t *nqueries = ta.nqueries;
    size_t nq = ta.nq;
    char *query = q.query;
    const char *dir = q.dir;
    queries[0] = query;
    nqueries[0] = q.nquery;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_results *res[MAX_SERIES];
    size_t errq = 0, errpos = 0;
    struct progress pr;
    progress_attach(&pr, ix, "timeline", q.progress);
    int rc = ndx_timeline(ix, queries, nqueries, nq, interval, &so, res, &errq, &errpos);
    progress_end(&pr);
    if (rc) {
        if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG)
            print_query_error(ix, errq, queries[errq], errpos);
        else
            cli_error(2, NULL, "timeline: %s", ndx_errmsg(ix));
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    size_t nb = ndx_results_bucket_count(res[0]);
    if (json) {
        print_json(ndxx_timeline_json(res, queries, nqueries, nq, interval));
    } else if (csv) {
        printf("query,bucket,stories,copies,all_stories\n");
        for (size_t k = 0; k < nq; k++)
            for (size_t i = 0; i < nb; i++) {
                const ndx_bucket *b = ndx_results_bucket(res[k], i);
                csv_field(queries[k], nqueries[k]);
                printf(",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", b->key, b->stories, b->copies,
                       b->all_stories);
            }
    } else {
        for (size_t k = 0; k < nq; k++) {
            uint64_t ns = ndx_results_total_stories(res[k]), nc = ndx_results_total_copies(res[k]);
            printf("[%zu] %s: %" PRIu64 " %s, %" PRIu64 " %s\n", k + 1, queries[k], ns,
                   plural(ns, "story", "stories"), nc, plural(nc, "copy", "copies"));
        }
        if (nb == 0) {
            printf("no dated matches\n");
        } else {
            printf("\n%-12s", ndx_interval_name(interval));
            for (size_t k = 0; k < nq; k++)
                printf("  [%zu] stories  share", k + 1);
            putchar('\n');
            for (size_t i = 0; i < nb; i++) {
                printf("%-12s", ndx_results_bucket(res[0], i)->key);
                for (size_t k = 0; k < nq; k++) {
                    const ndx_bucket *b = ndx_results_bucket(res[k], i);
                    if (b->all_stories)
                        printf("  %12" PRIu64 " %5.1f%%", b->stories,
                               100.0 * (double)b->stories / (double)b->all_stories);
                    else
                        printf("  %12" PRIu64 "      -", b->stories);
                }
                putchar('\n');
            }
        }
    }
    for (size_t k = 0; k < nq; k++)
        ndx_results_free(res[k]);
    free(query);
    ndx_index_close(ix);
    return 0;
}
