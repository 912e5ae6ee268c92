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

/* The share of documents checked, on a terminal. */
static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress_show(ctx, done, total);
}

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
    const char *dir = NULL;
    int json = 0;
    if (simple_opts(
            argc, argv, "check",
            "Usage: %s check [--index DIR] [--json]\n"
            "Verify every structure of the index (checksums, postings, dictionaries,\n"
            "stored text).  Exit status 0 if sound, 1 if damaged, 2 if it cannot open.\n"
            "On a terminal a progress line shows the documents checked and the time left.\n"
            "--json: {\"ok\", \"documents\", \"segments\", \"generation\", \"problems\"}.\n",
            &dir, &json))
        return 0;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    json_t *problems = json ? json_array() : NULL;
    struct progress pr;
    progress_start(&pr, "check");
    if (pr.on)
        ndx_index_set_progress(ix, on_progress, &pr);
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
