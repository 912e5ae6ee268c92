/*
 * cmd_terms.c - `newsdex terms QUERY`: the words and two-word phrases that set the matching
 * stories apart from the whole archive (significant terms, docs/ANALYTICS.md).
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage_terms(void)
{
    printf("Usage: %s terms [OPTIONS] QUERY...\n"
           "Significant terms: the words and two-word phrases that set the matching stories\n"
           "apart from the whole archive, counted over stories (one copy per story), best first.\n"
           "fg: matching stories holding the term; bg: stories of the archive holding it.\n"
           "QUERY is in search's query language (newsdex search --help, docs/QUERY.md).\n"
           "Example: newsdex terms 'oil prices' --limit 10\n\n"
           "Options:\n"
           "  --index DIR     index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  -n, --limit N   terms to show (default 25, at most 1000)\n"
           "  --sample N      only the best N matching stories by score (faster; 1 to 100000)\n"
           "  --method M      jlh (default), chi2 or mi (mutual information)\n"
           "  --from DATE     only articles published on or after DATE (2019-03-01, or\n"
           "                  2019-03, 2019: from its start)\n"
           "  --to DATE       only articles published on or before DATE (2019-06-30, or\n"
           "                  2019-06, 2019: to its end)\n"
           "  --json          one JSON object (schema in docs/CLI.md)\n"
           "  --progress      the progress line on standard error at once (on a terminal it\n"
           "                  appears after half a second), also when standard error is not a\n"
           "                  terminal: then a line per percent\n",
           prog);
}

static void terms_opt(void *ctx, int c, const char *arg)
{
    ndx_terms_opts *to = ctx;
    unsigned long long v;
    switch (c) {
    case 'n':
        if (parse_size(arg, &v) || v < 1 || v > 1000)
            die_usage("terms", "--limit takes a number from 1 to 1000");
        to->size = (size_t)v;
        break;
    case 's':
        if (parse_size(arg, &v) || v < 1 || v > NDX_MAX_TERMS_SAMPLE)
            die_usage("terms", "--sample takes a number of stories from 1 to 100000");
        to->sample = (size_t)v;
        break;
    case 'm':
        if (ndx_terms_method_parse(arg, strlen(arg), &to->method))
            die_usage("terms", "--method takes jlh, chi2 or mi");
        break;
    }
}

int ndx_cmd_terms(int argc, char **argv)
{
    static const struct option opts[] = {{"limit", required_argument, 0, 'n'},
                                         {"sample", required_argument, 0, 's'},
                                         {"method", required_argument, 0, 'm'},
                                         QUERY_OPTIONS,
                                         {0, 0, 0, 0}};
    ndx_terms_opts to;
    ndx_terms_opts_init(&to);
    struct query_cmd q = {.name = "terms",
                          .opts = opts,
                          .shortopts = "i:n:h",
                          .usage = usage_terms,
                          .own = terms_opt,
                          .ctx = &to};
    int prc = query_cmd_parse(&q, argc, argv);
    if (prc)
        return prc == 1 ? 0 : 2;
    to.date_from = q.from;
    to.date_to = q.to;
    int json = q.json;
    char *query = q.query;
    size_t off = q.nquery;
    const char *dir = q.dir;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_terms *t = NULL;
    size_t errpos = 0;
    struct progress pr;
    progress_attach(&pr, ix, "terms", q.progress);
    int rc = ndx_significant_terms(ix, query, off, &to, &t, &errpos);
    progress_end(&pr);
    if (rc) {
        if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG)
            print_query_error(ix, 0, query, errpos);
        else
            cli_error(2, NULL, "terms: %s", ndx_errmsg(ix));
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    if (json) {
        print_json(ndxx_terms_json(t, query, off, to.method, to.sample));
    } else {
        uint64_t fg = ndx_terms_foreground(t);
        printf("%" PRIu64 " %s %s against %" PRIu64 " in the archive (%s)\n\n", fg,
               ndx_terms_sampled(t) ? "best matching" : "matching", plural(fg, "story", "stories"),
               ndx_terms_background(t), ndx_terms_method_name(to.method));
        printf("%-32s %10s %7s %7s\n", "term", "score", "fg", "bg");
        for (size_t i = 0; i < ndx_terms_count(t); i++) {
            const ndx_term_score *s = ndx_terms_get(t, i);
            printf("%-32.*s %10.3f %7" PRIu64 " %7" PRIu64 "\n", (int)s->nterm, s->term, s->score,
                   s->fg, s->bg);
        }
    }
    ndx_terms_free(t);
    free(query);
    ndx_index_close(ix);
    return 0;
}
