/*
 * cmd_search.c - `newsdex search QUERY...`: ranked search with snippets, as text or JSON.
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
           "  diplom*                prefix\n"
           "  date:2019-03..2019-06  date range; also date:2019, date:>=2019-03-01\n"
           "  陳全國                 Chinese/Japanese/Korean text matches as characters\n\n"
           "Options:\n"
           "  --index DIR       index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  -n, --limit N     hits to show (default 10)\n"
           "  --offset N        hits to skip (paging)\n"
           "  --sort ORDER      relevance (default), date (newest first) or date-asc\n"
           "  --from DATE       only articles published on or after DATE\n"
           "  --to DATE         only articles published on or before DATE\n"
           "  --json            one JSON object (schema in docs/CLI.md)\n"
           "  --no-collapse     one hit per article (default: one per story, copies collapsed)\n"
           "  --no-snippets     skip snippets and teasers\n"
           "  --color WHEN      highlight matches: auto (default), always, never\n",
           prog);
}

static int search_main(int argc, char **argv);

int ndx_cmd_search(int argc, char **argv)
{
    static const char *const valued[] = {"--index", "-i",     "--limit", "-n",      "--offset",
                                         "--sort",  "--from", "--to",    "--color", NULL};
    static const char *const flagopts[] = {
        "--json", "--no-snippets", "--no-collapse", "--help", "-h", NULL};
    int nargc;
    char **nargv = split_query_args(argc, argv, valued, flagopts, &nargc);
    int rc = search_main(nargc, nargv);
    free(nargv);
    return rc;
}

static int search_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, 0, 'i'},  {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'}, {"sort", required_argument, 0, 's'},
        {"from", required_argument, 0, 'a'},   {"to", required_argument, 0, 'b'},
        {"json", no_argument, 0, 'j'},         {"no-snippets", no_argument, 0, 'N'},
        {"color", required_argument, 0, 'C'},  {"help", no_argument, 0, 'h'},
        {"no-collapse", no_argument, 0, 'U'},  {0, 0, 0, 0}};
    const char *dir = NULL;
    int json = 0, c, color = -1;
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    unsigned long long v;
    while ((c = getopt_long(argc, argv, "i:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            dir = optarg;
            break;
        case 'n':
            if (parse_size(optarg, &v) || v > 100000)
                die_usage("search", "--limit takes a number up to 100000");
            so.limit = (size_t)v;
            break;
        case 'o':
            if (parse_size(optarg, &v) || v > 10000000)
                die_usage("search", "--offset takes a number");
            so.offset = (size_t)v;
            break;
        case 's':
            if (!strcmp(optarg, "relevance"))
                so.sort = NDX_SORT_RELEVANCE;
            else if (!strcmp(optarg, "date"))
                so.sort = NDX_SORT_DATE;
            else if (!strcmp(optarg, "date-asc"))
                so.sort = NDX_SORT_DATE_ASC;
            else
                die_usage("search", "--sort takes relevance, date or date-asc");
            break;
        case 'a':
            if (parse_date_opt(optarg, &so.date_from, 0))
                die_usage("search", "--from takes a date such as 2019-03-01");
            break;
        case 'b':
            if (parse_date_opt(optarg, &so.date_to, 1))
                die_usage("search", "--to takes a date such as 2019-06-30");
            break;
        case 'j':
            json = 1;
            break;
        case 'N':
            so.want_snippets = 0;
            break;
        case 'U':
            so.collapse = 0;
            break;
        case 'C':
            color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
            break;
        case 'h':
            usage_search();
            return 0;
        default:
            die_usage("search", "unknown option");
        }
    }
    if (optind >= argc)
        die_usage("search", "no query");
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query)
        return 2;
    query[0] = 0;
    size_t off = 0;
    for (int i = optind; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > optind)
            query[off++] = ' ';
        memcpy(query + off, argv[i], n);
        off += n;
    }
    query[off] = 0;
    if (color < 0)
        color = !json && isatty(1);
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
    int rc = ndx_search(ix, query, off, &so, &res, &errpos);
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG) {
        if (json) {
            json_t *j = json_object();
            json_object_set_new(j, "query", ndxx_jstr(query, strlen(query)));
            const char *em = ndx_errmsg(ix);
            json_object_set_new(j, "error", ndxx_jstr(em, strlen(em)));
            json_object_set_new(j, "position", json_integer((json_int_t)errpos));
            print_json(j);
        } else {
            fprintf(stderr, "%s: query error: %s\n  %s\n  %*s^\n", prog, ndx_errmsg(ix), query,
                    (int)errpos, "");
        }
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    if (rc) {
        fprintf(stderr, "%s: search failed: %s\n", prog, ndx_errmsg(ix));
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    size_t n = ndx_results_count(res);
    if (json) {
        json_t *hits = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(hits, ndxx_hit_json(ndx_results_hit(res, i), so.want_snippets));
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
        json_object_set_new(j, "hits", hits);
        print_json(j);
    } else {
        uint64_t total = ndx_results_total(res);
        printf("%" PRIu64 " %s%s (%" PRIu64 " stories, %" PRIu64 " copies; %.1f ms)\n", total,
               so.collapse ? "stor" : "result",
               so.collapse ? (total == 1 ? "y" : "ies") : (total == 1 ? "" : "s"),
               ndx_results_total_stories(res), ndx_results_total_copies(res),
               ndx_results_took_ms(res));
        for (size_t i = 0; i < n; i++) {
            const ndx_hit *h = ndx_results_hit(res, i);
            char date[32];
            format_date(h->published, date, sizeof date);
            printf("\n%zu. %s%.*s%s  [%.2f]%s\n", so.offset + i + 1, color ? "\033[1m" : "",
                   (int)h->ntitle, h->title, color ? "\033[0m" : "", h->score,
                   h->flags & NDX_ART_TEASER ? "  (teaser stub, truncated)" : "");
            printf("   %.*s · %s · id %" PRIu64 "%s%.*s\n", (int)h->nsource,
                   h->nsource ? h->source : "-", date, h->id, h->nurl ? " · " : "", (int)h->nurl,
                   h->url);
            if (h->copies > 1 || h->wire) {
                printf("   %s%u copies", h->wire ? "wire story, " : "", h->copies);
                if (h->nsources) {
                    printf(" from ");
                    for (size_t k = 0; k < h->nsources; k++)
                        putchar(h->sources[k] == '\n' ? ',' : h->sources[k]);
                }
                putchar('\n');
            }
            if (so.want_snippets && h->nsnippet)
                printf("   %.*s\n", (int)h->nsnippet, h->snippet);
        }
    }
    ndx_results_free(res);
    free(query);
    ndx_index_close(ix);
    return 0;
}
