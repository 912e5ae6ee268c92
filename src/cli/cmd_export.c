/*
 * cmd_export.c - `newsdex export`: stream every matching article as JSONL or CSV.
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

struct export_ctx {
    int csv;
    unsigned long n;
    uint64_t total;           /* matches, counted first when progress is shown */
    struct progress progress; /* on a terminal */
};

static void csv_field(const char *s, size_t n, int last)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putchar('"');
        putchar(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    }
    putchar('"');
    putchar(last ? '\n' : ',');
}

static int export_one(void *ctx, const ndx_article *a)
{
    struct export_ctx *e = ctx;
    e->n++;
    progress_show(&e->progress, e->n, e->total);
    char date[32] = "";
    if (a->published != NDX_DATE_UNKNOWN) {
        time_t tt = (time_t)a->published;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    if (e->csv) {
        printf("%" PRIu64 ",", a->id);
        csv_field(a->url, a->nurl, 0);
        csv_field(a->source, a->nsource, 0);
        printf("%s,", date);
        csv_field(a->title, a->ntitle, 0);
        printf("%" PRIu64 ",%d,", a->story, (a->flags & NDX_ART_WIRE) != 0);
        csv_field(a->lang, a->nlang, 1);
    } else {
        json_t *o = ndxx_export_json(a);
        print_json(o);
    }
    return ferror(stdout) ? 1 : 0;
}

int ndx_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"query", required_argument, 0, 'q'},
                                         {"format", required_argument, 0, 'f'},
                                         {"json", no_argument, 0, 'j'},
                                         {"progress", no_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *query = "";
    struct export_ctx e = {0};
    int c, json = 0, forced = 0;
    while ((c = getopt_long(argc, argv, "i:q:f:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 'q')
            query = optarg;
        else if (c == 'f') {
            if (!strcmp(optarg, "csv"))
                e.csv = 1;
            else if (strcmp(optarg, "jsonl"))
                die_usage("export", "--format takes jsonl or csv");
        } else if (c == 'j') {
            json = 1;
        } else if (c == 'p') {
            forced = 1;
        } else if (c == 'h') {
            printf("Usage: %s export [--index DIR] [--query Q] [--format jsonl|csv] [--json]\n"
                   "       [--progress]\n"
                   "Stream every matching article (all of them; no query = every article) with\n"
                   "id, url, source, date, title, story id, wire flag and language.  --json:\n"
                   "JSONL (the default format), errors included.  On a terminal a progress line\n"
                   "on standard error shows the share written and the time left, from half a\n"
                   "second on; --progress shows it at once, and also when standard error is not\n"
                   "a terminal, a line per percent.\n",
                   prog);
            return 0;
        } else
            die_option("export", argv, opts);
    }
    if (optind < argc)
        die_usage("export", "give the query with --query");
    if (json && e.csv)
        die_usage("export", "--json and --format csv exclude each other");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    progress_start(&e.progress, "export", forced, 1);
    if (e.progress.on) { /* the total, for the share done (a syntax error is reported below) */
        ndx_stats st;
        uint64_t copies;
        if (!*query && ndx_index_stats(ix, &st) == NDX_OK) /* no query: every article */
            e.total = st.documents;
        else if (*query)
            count_matches(ix, query, strlen(query), &e.total, &copies);
    }
    if (e.csv)
        printf("id,url,source,date,title,story,wire,lang\n");
    size_t errpos = 0;
    int rc = ndx_export(ix, query, strlen(query), export_one, &e, &errpos);
    progress_end(&e.progress);
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG)
        print_query_error(ix, 0, query, errpos);
    else if (rc < 0)
        cli_error(2, NULL, "export failed: %s", ndx_errmsg(ix));
    else
        fprintf(stderr, "export: %lu %s\n", e.n, plural(e.n, "article", "articles"));
    ndx_index_close(ix);
    return rc < 0 ? 2 : 0;
}
