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

int ndx_cmd_optimize(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"segments", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL;
    unsigned long long segs = 1;
    int c;
    while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 's') {
            if (parse_size(optarg, &segs) || segs < 1 || segs > 1000)
                die_usage("optimize", "--segments takes a number from 1");
        } else if (c == 'h') {
            printf("Usage: %s optimize [--index DIR] [--segments N]\n"
                   "Merge segments (down to N, default 1) and drop deleted articles.\n",
                   prog);
            return 0;
        } else
            die_usage("optimize", "unknown option");
    }
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_WRITE);
    int rc = ndx_index_optimize(ix, (int)segs);
    if (rc)
        fprintf(stderr, "%s: optimize failed: %s\n", prog, ndx_errmsg(ix));
    else {
        ndx_stats st;
        ndx_index_stats(ix, &st);
        printf("%" PRIu64 " documents in %" PRIu64 " segment%s\n", st.documents, st.segments,
               st.segments == 1 ? "" : "s");
    }
    ndx_index_close(ix);
    return rc ? 2 : 0;
}
