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

static void print_problem(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "problem: %s\n", msg);
}

int ndx_cmd_check(int argc, char **argv)
{
    const char *dir = NULL;
    if (simple_opts(argc, argv, "check",
                    "Usage: %s check [--index DIR]\n"
                    "Verify every structure of the index (checksums, postings, dictionaries,\n"
                    "stored text).  Exit status 0 if sound, 1 if damaged, 2 if it cannot open.\n",
                    &dir, NULL))
        return 0;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    int rc = ndx_index_check(ix, print_problem, NULL);
    ndx_stats st;
    ndx_index_stats(ix, &st);
    if (rc)
        fprintf(stderr, "%s: index is damaged: %s\n", prog, ndx_errmsg(ix));
    else
        printf("ok: %" PRIu64 " documents in %" PRIu64 " segments, generation %" PRIu64 "\n",
               st.documents, st.segments, st.generation);
    ndx_index_close(ix);
    return rc ? 1 : 0;
}
