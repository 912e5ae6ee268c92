/*
 * cmd_optimize.c - `newsdex optimize`: merge segments and drop deleted articles.
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

struct merge_progress {
    double t0, last; /* start of the merge, last line printed */
    int shown;
    int lines; /* --progress, standard error not a terminal: a whole line per percent */
    int pct;   /* percent of the last whole line, -1 before it */
};

/* One line on a terminal, rewritten in place: how far the merge is, and when it should end
 * (with lines: one line per whole percent, and one for the writing step). */
static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct merge_progress *p = ctx;
    double t = now_s();
    if (done == 0 || p->t0 == 0)
        p->t0 = t;
    double frac = total ? (double)done / (double)total : 0, el = t - p->t0;
    int pct = done + 1 == total ? 1000 : done >= total ? 1001 : (int)(100 * frac);
    if (p->lines) {
        if (pct == p->pct || pct == 1001)
            return;
        p->pct = pct;
    } else if (done + 1 < total && t - p->last < 0.5 && done > 0) {
        return; /* the first line, the writing step and the end are always shown */
    }
    p->last = t;
    p->shown = !p->lines;
    const char *cr = p->lines ? "" : "\r\033[K", *nl = p->lines ? "\n" : "";
    if (done + 1 == total) {
        fprintf(stderr, "%soptimize: writing the merged segment%s", cr, nl);
    } else if (done >= total) {
        fprintf(stderr, "%s", cr);
    } else {
        fprintf(stderr, "%soptimize: %d%%", cr, pct);
        if (frac > 0.02 && el > 1) {
            int left = (int)(el / frac - el);
            fprintf(stderr, ", about %dm%02ds left", left / 60, left % 60);
        }
        fputs(nl, stderr);
    }
    fflush(stderr);
}

int ndx_cmd_optimize(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, 0, 'i'}, {"segments", required_argument, 0, 's'},
        {"json", no_argument, 0, 'j'},        {"progress", no_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *dir = NULL;
    unsigned long long segs = 1;
    int c, json = 0, forced = 0;
    while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'p')
            forced = 1;
        else if (c == 's') {
            if (parse_size(optarg, &segs) || segs < 1 || segs > 1000)
                die_usage("optimize", "--segments takes a number from 1");
        } else if (c == 'h') {
            printf("Usage: %s optimize [--index DIR] [--segments N] [--json] [--progress]\n"
                   "Merge segments (down to N, default 1) and drop deleted articles.  On a\n"
                   "terminal a progress line on standard error shows how far the merge is;\n"
                   "--progress writes it when standard error is not a terminal too, a line per\n"
                   "percent.  Interrupting it (even kill -9) loses nothing: the index stays as\n"
                   "it was until the merge commits.  --json: {\"documents\", \"segments\"}\n"
                   "after the merge.\n",
                   prog);
            return 0;
        } else
            die_option("optimize", argv, opts);
    }
    if (optind < argc)
        die_usage("optimize", "optimize takes no arguments (the index is given with --index)");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_WRITE);
    int tty = isatty(2);
    struct merge_progress pr = {0, 0, 0, !tty && forced, -1};
    if (tty || forced)
        ndx_index_set_progress(ix, on_progress, &pr);
    int rc = ndx_index_optimize(ix, (int)segs);
    if (pr.shown)
        fprintf(stderr, "\r\033[K");
    if (rc) {
        cli_error(2, NULL, "optimize failed: %s", ndx_errmsg(ix));
    } else {
        ndx_stats st;
        ndx_index_stats(ix, &st);
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "documents", json_integer((json_int_t)st.documents));
            json_object_set_new(o, "segments", json_integer((json_int_t)st.segments));
            print_json(o);
        } else {
            printf("%" PRIu64 " %s in %" PRIu64 " %s\n", st.documents,
                   plural(st.documents, "document", "documents"), st.segments,
                   plural(st.segments, "segment", "segments"));
        }
    }
    ndx_index_close(ix);
    return rc ? 2 : 0;
}
