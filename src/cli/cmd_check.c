/*
 * cmd_check.c - `newsdex check`: verify every structure of the index.
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

/* One problem: a line on stderr, or an element of the JSON array ctx (--json). */
static void print_problem(void *ctx, const char *msg)
{
    if (ctx)
        json_array_append_new(ctx, json_string(msg));
    else
        fprintf(stderr, "problem: %s\n", msg);
}

int ndx_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"json", no_argument, 0, 'j'},
                                         {"progress", no_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL;
    int json = 0, forced = 0, c;
    while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'p')
            forced = 1;
        else if (c == 'h') {
            printf("Usage: %s check [--index DIR] [--json] [--progress]\n"
                   "Verify every structure of the index (checksums, postings, dictionaries,\n"
                   "stored text).  Exit status 0 if sound, 1 if damaged, 2 if it cannot open.\n"
                   "On a terminal a progress line on standard error shows the share checked\n"
                   "(postings and stored articles, inside each segment) and the time left,\n"
                   "from half a second on; --progress shows it at once, and also when standard\n"
                   "error is not a terminal, a line per percent.\n"
                   "--json: {\"ok\", \"documents\", \"segments\", \"generation\", \"problems\"}.\n",
                   prog);
            return 0;
        } else
            die_option("check", argv, opts);
    }
    if (optind < argc)
        die_usage("check", "check takes no arguments (the index is given with --index)");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    json_t *problems = json ? json_array() : NULL;
    struct progress pr;
    progress_attach(&pr, ix, "check", forced);
    int rc = ndx_index_check(ix, print_problem, problems);
    progress_end(&pr);
    ndx_stats st;
    ndx_index_stats(ix, &st);
    if (rc)
        fprintf(stderr, "%s: index is damaged: %s\n", prog, ndx_errmsg(ix));
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_boolean(!rc));
        json_object_set_new(o, "documents", json_integer((json_int_t)st.documents));
        json_object_set_new(o, "segments", json_integer((json_int_t)st.segments));
        json_object_set_new(o, "generation", json_integer((json_int_t)st.generation));
        json_object_set_new(o, "problems", problems);
        if (rc)
            json_error(1, ndx_errmsg(ix), o);
        else
            print_json(o);
    } else if (!rc) {
        printf("ok: %" PRIu64 " %s in %" PRIu64 " %s, generation %" PRIu64 "\n", st.documents,
               plural(st.documents, "document", "documents"), st.segments,
               plural(st.segments, "segment", "segments"), st.generation);
    }
    ndx_index_close(ix);
    return rc ? 1 : 0;
}
