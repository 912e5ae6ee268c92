/*
 * cmd_delete.c - `newsdex delete ID|URL...`: delete articles and commit.
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

int ndx_cmd_delete(int argc, char **argv)
{
    const char *dir = NULL;
    if (simple_opts(argc, argv, "delete",
                    "Usage: %s delete [--index DIR] ID|URL...\nDelete articles by id or URL.\n",
                    &dir, NULL))
        return 0;
    if (optind >= argc)
        die_usage("delete", "give article ids or URLs");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_WRITE);
    int missing = 0, deleted = 0;
    for (int i = optind; i < argc; i++) {
        int rc = ndx_index_delete(ix, argv[i], strlen(argv[i]));
        if (rc == NDX_ENOTFOUND) {
            fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(ix));
            missing++;
        } else if (rc) {
            fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(ix));
            ndx_index_close(ix);
            return 2;
        } else {
            deleted++;
        }
    }
    int rc = ndx_index_commit(ix);
    if (rc) {
        fprintf(stderr, "%s: commit failed: %s\n", prog, ndx_errmsg(ix));
        ndx_index_close(ix);
        return 2;
    }
    printf("deleted %d article%s\n", deleted, deleted == 1 ? "" : "s");
    ndx_index_close(ix);
    return missing ? 1 : 0;
}
