/*
 * cmd_related.c - `newsdex related ID|URL`: related stories of an article, with teasers.
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

int ndx_cmd_related(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"limit", required_argument, 0, 'n'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL;
    int json = 0, c;
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    so.limit = 5;
    so.hl_open = so.hl_close = "";
    unsigned long long v;
    while ((c = getopt_long(argc, argv, "i:n:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 'n') {
            if (parse_size(optarg, &v) || v > 1000)
                die_usage("related", "--limit takes a number up to 1000");
            so.limit = (size_t)v;
        } else if (c == 'j')
            json = 1;
        else if (c == 'h') {
            printf("Usage: %s related [--index DIR] [--limit N] [--json] ID|URL\n"
                   "Articles related to one: more-like-this from its distinctive words and the\n"
                   "people, organisations and places it names, favouring nearby dates; never the\n"
                   "article itself or its exact copies, at most three articles of one story.\n"
                   "Each with its teaser.  Exit status 1 when there is no such article.\n",
                   prog);
            return 0;
        } else
            die_option("related", argv, opts);
    }
    if (optind + 1 != argc)
        die_usage("related", "give one article id or URL");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    uint64_t id;
    ndx_results *res = NULL;
    const char *key = argv[optind];
    if (ndx_index_lookup(ix, key, strlen(key), &id) || ndx_related(ix, id, &so, &res)) {
        cli_error(1, NULL, "%s", ndx_errmsg(ix));
        ndx_index_close(ix);
        return 1;
    }
    size_t n = ndx_results_count(res);
    if (json) {
        json_t *hits = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(hits, ndxx_hit_json(ndx_results_hit(res, i), 1));
        }
        json_t *j = json_object();
        json_object_set_new(j, "id", json_integer((json_int_t)id));
        json_object_set_new(j, "hits", hits);
        print_json(j);
    } else {
        for (size_t i = 0; i < n; i++) {
            const ndx_hit *h = ndx_results_hit(res, i);
            char date[32];
            format_date(h->published, date, sizeof date);
            printf("%s%.*s\n   %.*s · %s · id %" PRIu64 "\n   %.*s\n", i ? "\n" : "",
                   (int)h->ntitle, h->title, (int)(h->nsource ? h->nsource : 1),
                   h->nsource ? h->source : "-", date, h->id, (int)h->nteaser, h->teaser);
        }
    }
    ndx_results_free(res);
    ndx_index_close(ix);
    return 0;
}
