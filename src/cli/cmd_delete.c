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
    int json = 0;
    if (simple_opts(argc, argv, "delete",
                    "Usage: %s delete [--index DIR] [--json] ID|URL...\n"
                    "Delete articles by id or URL, then commit.  --json: {\"deleted\": N,\n"
                    "\"not_found\": [ID|URL...]}.  Exit status 1 when one was not found.\n",
                    &dir, &json))
        return 0;
    if (optind >= argc)
        die_usage("delete", "give article ids or URLs");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_WRITE);
    int missing = 0, deleted = 0;
    json_t *not_found = json_array();
    for (int i = optind; i < argc; i++) {
        int rc = ndx_index_delete(ix, argv[i], strlen(argv[i]));
        if (rc == NDX_ENOTFOUND) {
            fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(ix));
            json_array_append_new(not_found, json_string(argv[i]));
            missing++;
        } else if (rc) {
            cli_error(2, NULL, "%s", ndx_errmsg(ix));
            json_decref(not_found);
            ndx_index_close(ix);
            return 2;
        } else {
            deleted++;
        }
    }
    int rc = ndx_index_commit(ix);
    if (rc) {
        cli_error(2, NULL, "commit failed: %s", ndx_errmsg(ix));
        json_decref(not_found);
        ndx_index_close(ix);
        return 2;
    }
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "deleted", json_integer(deleted));
        json_object_set_new(o, "not_found", not_found);
        print_json(o);
    } else {
        json_decref(not_found);
        printf("deleted %d %s\n", deleted, plural((uint64_t)deleted, "article", "articles"));
    }
    ndx_index_close(ix);
    return missing ? 1 : 0;
}
