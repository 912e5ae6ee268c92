/*
 * cmd_search.c - `newsdex search QUERY...`: ranked search with snippets, as text or JSON, with
 * facets and a date histogram of the matches when asked for (docs/ANALYTICS.md).
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage_search(void)
{
    printf("Usage: %s search [OPTIONS] QUERY...\n"
           "Search the index.  The words of QUERY are joined with spaces.\n\n"
           "Query language (see docs/QUERY.md):\n"
           "  china diplomats        both words (AND is the default)\n"
           "  xinjiang OR tibet      either;  NOT camps, -camps  exclude\n"
           "  \"european envoys\"      exact phrase;  \"china envoys\"~3  within 3 words\n"
           "  title:xinjiang         field: title body source url lang\n"
           "  person:\"Chen Quanguo\"  names found in the body: person: org: place:\n"
           "  speaker:\"Wang Yi\"      who is quoted; quote:camps  words inside quotations\n"
           "  wire:yes               wire stories (wire:no the others)\n"
           "  section:sport          a keyword field mapped at ingest (--field); Reuters\n"
           "                         collections give topics: and places:\n"
           "  diplom*                prefix\n"
           "  date:2019-03..2019-06  date range; also date:2019, date:>=2019-03-01\n"
           "  陳全國                 Chinese/Japanese/Korean text matches as characters\n\n"
           "Options:\n"
           "  --index DIR       index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  -n, --limit N     hits to show (default 10)\n"
           "  --offset N        hits to skip (paging)\n"
           "  --sort ORDER      relevance (default), date (newest first) or date-asc\n"
           "  --from DATE       only articles published on or after DATE (2019-03-01, or\n"
           "                    2019-03, 2019: from its start)\n"
           "  --to DATE         only articles published on or before DATE (2019-06-30, or\n"
           "                    2019-06, 2019: to its end)\n"
           "  --json            one JSON object (schema in docs/CLI.md)\n"
           "  --no-collapse     one hit per article (default: one per story, copies collapsed)\n"
           "  --no-aliases      names as written only (default: also their other script from\n"
           "                    the alias table, \"Chen Quanguo\" finding 陳全國)\n"
           "  --no-snippets     skip snippets and teasers\n"
           "  --timeout-ms N    stop matching after N milliseconds and show the best hits found\n"
           "                    so far, marked partial (default: no limit)\n"
           "  --color WHEN      highlight matches: auto (default), always, never\n"
           "  --explain         print the parsed query tree, and for each hit the BM25F score of\n"
           "                    every query word and phrase that matches it (title, body, idf)\n"
           "  --progress        the progress line on standard error at once (on a terminal it\n"
           "                    appears after half a second), also when standard error is not\n"
           "                    a terminal: then a line per percent\n\n"
           "Analytics (counted over every match, as stories and as copies; docs/ANALYTICS.md):\n"
           "  --facet F[:PREFIX]  counts by F: source, lang, wire, year, month, or a keyword\n"
           "                    field mapped at ingest (section, topics...; repeatable);\n"
           "                    PREFIX keeps the values starting with it (source:reu)\n"
           "  --facet-size N    values per facet (default 10; the rest is summed as other)\n"
           "  --histogram I     matches over time by day, week, month or year (UTC)\n\n"
           "Exit status: 0 (also when nothing matches), 2 for a usage or query syntax error.\n",
           prog);
}

/* Facet tables after the hits: value, stories, copies. */
static void print_facets(const ndx_results *res)
{
    for (size_t i = 0; i < ndx_results_facet_count(res); i++) {
        const ndx_facet *f = ndx_results_facet(res, i);
        printf("\n%-32s %9s %9s\n", f->field, "stories", "copies");
        for (size_t k = 0; k < f->nvalues; k++) {
            const ndx_facet_value *v = &f->values[k];
            printf("  %-30.*s %9" PRIu64 " %9" PRIu64 "\n", v->nvalue < 30 ? (int)v->nvalue : 30,
                   v->nvalue ? v->value : "-", v->stories, v->copies);
        }
        if (f->other_values) {
            char other[64];
            snprintf(other, sizeof other, "(%" PRIu64 " other value%s)", f->other_values,
                     f->other_values == 1 ? "" : "s");
            printf("  %-30s %9" PRIu64 " %9" PRIu64 "\n", other, f->other_stories, f->other_copies);
        }
        if (!f->nvalues)
            printf("  (no values)\n");
    }
}

/* The histogram after the hits: a sparkline of the stories on a terminal, else a table. */
static void print_histogram(const ndx_results *res, int tty)
{
    if (!ndx_results_interval(res))
        return;
    size_t n = ndx_results_bucket_count(res);
    const char *iv = ndx_interval_name(ndx_results_interval(res));
    if (n == 0) {
        printf("\nhistogram by %s: no dated matches\n", iv);
        return;
    }
    printf("\nhistogram by %s, %s .. %s (%zu %s)\n", iv, ndx_results_bucket(res, 0)->key,
           ndx_results_bucket(res, n - 1)->key, n, plural(n, "bucket", "buckets"));
    if (tty) {
        static const char *const bars[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
        uint64_t max = 0;
        for (size_t i = 0; i < n; i++)
            if (ndx_results_bucket(res, i)->stories > max)
                max = ndx_results_bucket(res, i)->stories;
        printf("  ");
        for (size_t i = 0; i < n; i++) {
            uint64_t s = ndx_results_bucket(res, i)->stories;
            fputs(bars[s == 0 ? 0 : 1 + (s - 1) * 8 / max], stdout);
        }
        printf("\n  peak %" PRIu64 " %s a %s\n", max, plural(max, "story", "stories"), iv);
        return;
    }
    printf("%-12s %9s %9s %11s\n", "bucket", "stories", "copies", "all_stories");
    for (size_t i = 0; i < n; i++) {
        const ndx_bucket *b = ndx_results_bucket(res, i);
        printf("%-12s %9" PRIu64 " %9" PRIu64 " %11" PRIu64 "\n", b->key, b->stories, b->copies,
               b->all_stories);
    }
}

/* The BM25F parts of one hit. */
static void print_explanation(const ndx_explanation *x)
{
    printf("   score %.4f = sum of (BM25F, k1 %.2g, b %.2g, average length %.1f):\n", x->score,
           x->k1, x->b, x->avgdl);
    for (size_t i = 0; i < x->nparts; i++) {
        const ndx_explain_part *p = &x->parts[i];
        printf("     %.4f  %s %.*s", p->score, p->kind, (int)p->nterm, p->term);
        if (strcmp(p->field, "any"))
            printf(" in %s", p->field);
        printf(": idf %.3f, wf %.3g", p->idf, p->wf);
        if (!strcmp(p->kind, "term") || !strcmp(p->kind, "prefix"))
            printf(" (title %u x 3 + body %u)", p->title_tf, p->body_tf);
        printf(", length %u\n", p->dl);
    }
}

/* The options of search besides those of every query command (QUERY_OPTIONS). */
struct search_args {
    ndx_search_opts so;
    ndx_analytics_opts an;
    ndx_facet_spec facets[NDX_MAX_FACETS];
    size_t facet_size;
    int color, explain;
};

static void search_opt(void *ctx, int c, const char *arg)
{
    struct search_args *s = ctx;
    unsigned long long v;
    switch (c) {
    case 'n':
        if (parse_size(arg, &v) || v > 100000)
            die_usage("search", "--limit takes a number up to 100000");
        s->so.limit = (size_t)v;
        break;
    case 'o':
        if (parse_size(arg, &v) || v > 10000000)
            die_usage("search", "--offset takes a number");
        s->so.offset = (size_t)v;
        break;
    case 's':
        if (!strcmp(arg, "relevance"))
            s->so.sort = NDX_SORT_RELEVANCE;
        else if (!strcmp(arg, "date"))
            s->so.sort = NDX_SORT_DATE;
        else if (!strcmp(arg, "date-asc"))
            s->so.sort = NDX_SORT_DATE_ASC;
        else
            die_usage("search", "--sort takes relevance, date or date-asc");
        break;
    case 'N':
        s->so.want_snippets = 0;
        break;
    case 'U':
        s->so.collapse = 0;
        break;
    case 'A':
        s->so.aliases = 0;
        break;
    case 'C':
        s->color = parse_color("search", arg);
        break;
    case 'F': {
        if (s->an.nfacets == NDX_MAX_FACETS)
            die_usage("search", "at most 16 --facet options");
        const char *colon = strchr(arg, ':');
        size_t nf = colon ? (size_t)(colon - arg) : strlen(arg);
        if (ndx_facet_field_check(arg, nf))
            die_usage("search", "--facet takes source, lang, wire, year or month (optionally "
                                "with :PREFIX)");
        s->facets[s->an.nfacets++] =
            (ndx_facet_spec){arg, nf, colon ? colon + 1 : NULL, colon ? strlen(colon + 1) : 0, 0};
        break;
    }
    case 'E':
        s->explain = 1;
        break;
    case 'T':
        if (parse_size(arg, &v) || v < 1 || v > 3600000)
            die_usage("search", "--timeout-ms takes a number of milliseconds from 1 to 3600000");
        s->so.timeout_ms = (unsigned)v;
        break;
    case 'Z':
        if (parse_size(arg, &v) || v < 1 || v > 10000)
            die_usage("search", "--facet-size takes a number from 1 to 10000");
        s->facet_size = (size_t)v;
        break;
    case 'H':
        if (ndx_interval_parse(arg, strlen(arg), &s->an.histogram))
            die_usage("search", "--histogram takes day, week, month or year");
        break;
    }
}

int ndx_cmd_search(int argc, char **argv)
{
    static const struct option opts[] = {{"limit", required_argument, 0, 'n'},
                                         {"offset", required_argument, 0, 'o'},
                                         {"sort", required_argument, 0, 's'},
                                         {"no-snippets", no_argument, 0, 'N'},
                                         {"color", required_argument, 0, 'C'},
                                         {"no-collapse", no_argument, 0, 'U'},
                                         {"facet", required_argument, 0, 'F'},
                                         {"facet-size", required_argument, 0, 'Z'},
                                         {"histogram", required_argument, 0, 'H'},
                                         {"no-aliases", no_argument, 0, 'A'},
                                         {"explain", no_argument, 0, 'E'},
                                         {"timeout-ms", required_argument, 0, 'T'},
                                         QUERY_OPTIONS,
                                         {0, 0, 0, 0}};
    struct search_args sa = {.facet_size = 10, .color = -1};
    ndx_search_opts_init(&sa.so);
    sa.an = (ndx_analytics_opts){sa.facets, 0, NDX_INTERVAL_NONE};
    struct query_cmd q = {.name = "search",
                          .opts = opts,
                          .shortopts = "i:n:h",
                          .usage = usage_search,
                          .own = search_opt,
                          .ctx = &sa};
    int prc = query_cmd_parse(&q, argc, argv);
    if (prc)
        return prc == 1 ? 0 : 2;
    ndx_search_opts so = sa.so;
    so.date_from = q.from;
    so.date_to = q.to;
    ndx_analytics_opts an = sa.an;
    ndx_facet_spec *facets = sa.facets;
    size_t facet_size = sa.facet_size;
    int json = q.json, color = sa.color, explain = sa.explain;
    char *query = q.query;
    size_t off = q.nquery;
    const char *dir = q.dir;
    if (color < 0)
        color = !json && color_auto();
    if (json) {
        so.hl_open = "<mark>";
        so.hl_close = "</mark>";
        so.escape_html = 1;
    } else if (color) {
        so.hl_open = "\033[1m";
        so.hl_close = "\033[0m";
    } else {
        so.hl_open = so.hl_close = "";
    }
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_results *res = NULL;
    size_t errpos = 0;
    for (size_t i = 0; i < an.nfacets; i++)
        facets[i].size = facet_size;
    struct progress pr;
    progress_attach(&pr, ix, "search", q.progress);
    int rc = ndx_search_analytics(ix, query, off, &so, &an, &res, &errpos);
    progress_end(&pr);
    ndx_index_set_progress(ix, NULL, NULL); /* --explain below runs other queries */
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG) {
        print_query_error(ix, 0, query, errpos);
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    if (rc) {
        cli_error(2, NULL, "search failed: %s", ndx_errmsg(ix));
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    size_t n = ndx_results_count(res);
    char *tree = NULL;
    ndx_explanation **ex = explain ? calloc(n ? n : 1, sizeof *ex) : NULL;
    if (explain) {
        /* the query parsed once already: these cannot fail on syntax */
        if (ndx_query_tree(ix, query, off, &tree, NULL, NULL) || !ex)
            explain = 0;
        for (size_t i = 0; explain && i < n; i++)
            if (ndx_explain(ix, query, off, ndx_results_hit(res, i)->id, &ex[i], NULL))
                ex[i] = NULL;
    }
    if (json) {
        json_t *hits = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *h = ndxx_hit_json(ndx_results_hit(res, i), so.want_snippets);
            if (explain && ex[i])
                json_object_set_new(h, "explain", ndxx_explain_json(ex[i]));
            json_array_append_new(hits, h);
        }
        json_t *j = json_object();
        json_object_set_new(j, "query", ndxx_jstr(query, strlen(query)));
        json_object_set_new(j, "total", json_integer((json_int_t)ndx_results_total(res)));
        json_object_set_new(j, "total_stories",
                            json_integer((json_int_t)ndx_results_total_stories(res)));
        json_object_set_new(j, "total_copies",
                            json_integer((json_int_t)ndx_results_total_copies(res)));
        json_object_set_new(j, "collapsed", json_boolean(so.collapse));
        json_object_set_new(j, "took_ms", json_real(ndx_results_took_ms(res)));
        json_object_set_new(j, "offset", json_integer((json_int_t)so.offset));
        if (ndx_results_partial(res))
            json_object_set_new(j, "partial", json_true());
        json_object_set_new(j, "hits", hits);
        if (explain)
            json_object_set_new(j, "explain", json_string(tree));
        ndxx_analytics_json(j, res);
        print_json(j);
    } else {
        uint64_t total = ndx_results_total(res);
        uint64_t ns = ndx_results_total_stories(res), nc = ndx_results_total_copies(res);
        printf("%" PRIu64 " %s (%" PRIu64 " %s, %" PRIu64 " %s; %.1f ms)\n", total,
               so.collapse ? plural(total, "story", "stories") : plural(total, "result", "results"),
               ns, plural(ns, "story", "stories"), nc, plural(nc, "copy", "copies"),
               ndx_results_took_ms(res));
        if (ndx_results_partial(res))
            printf("partial: the time budget (--timeout-ms %u) ran out; these are the best hits "
                   "found so far and the counts are lower bounds\n",
                   so.timeout_ms);
        if (explain)
            printf("query tree: %s\n", tree);
        for (size_t i = 0; i < n; i++) {
            const ndx_hit *h = ndx_results_hit(res, i);
            char date[32];
            format_date(h->published, date, sizeof date);
            printf("\n%zu. %s%.*s%s  [%.2f]%s\n", so.offset + i + 1, color ? "\033[1m" : "",
                   (int)h->ntitle, h->title, color ? "\033[0m" : "", h->score,
                   h->flags & NDX_ART_TEASER ? "  (teaser stub, truncated)" : "");
            printf("   %.*s · %s · id %" PRIu64 "%s%.*s\n", (int)(h->nsource ? h->nsource : 1),
                   h->nsource ? h->source : "-", date, h->id, h->nurl ? " · " : "", (int)h->nurl,
                   h->url);
            if (h->copies > 1 || h->wire) {
                printf("   %s%u %s", h->wire ? "wire story, " : "", h->copies,
                       plural(h->copies, "copy", "copies"));
                if (h->nsources) {
                    printf(" from ");
                    for (size_t k = 0; k < h->nsources; k++)
                        putchar(h->sources[k] == '\n' ? ',' : h->sources[k]);
                }
                putchar('\n');
            }
            if (so.want_snippets && h->nsnippet)
                printf("   %.*s\n", (int)h->nsnippet, h->snippet);
            if (explain && ex[i])
                print_explanation(ex[i]);
        }
        print_facets(res);
        print_histogram(res, isatty(1));
    }
    for (size_t i = 0; ex && i < n; i++)
        ndx_explanation_free(ex[i]);
    free(ex);
    ndx_free(tree);
    ndx_results_free(res);
    free(query);
    ndx_index_close(ix);
    return 0;
}
