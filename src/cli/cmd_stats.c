/*
 * cmd_stats.c - `newsdex stats`: counts and sizes of the index.
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

int ndx_cmd_stats(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0;
    if (simple_opts(argc, argv, "stats",
                    "Usage: %s stats [--index DIR] [--json]\nCounts and sizes of the index.\n",
                    &dir, &json))
        return 0;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_stats st;
    ndx_index_stats(ix, &st);
    if (json) {
        print_json(ndxx_stats_json(&st));
    } else {
        char a[32], b[32];
        format_date(st.date_min, a, sizeof a);
        format_date(st.date_max, b, sizeof b);
        char dup[64];
        snprintf(dup, sizeof dup, "duplicates  %" PRIu64 "\n", st.duplicates);
        printf("documents   %" PRIu64 "\n%sdeleted     %" PRIu64 "%s\nsegments    %" PRIu64
               "\nterms       %" PRIu64 "\npostings    %" PRIu64 "\ntokens      %" PRIu64
               "\nindex size  %.1f MB (%.0f%% of %.1f MB text)\ndates       %s .. %s\n"
               "stemming    %s\nanalysis    %d%s\ngeneration  %" PRIu64 "\n",
               st.documents, dup, st.deleted,
               st.deleted ? "  (stored rows replaced, deleted or left by exact copies;"
                            " gone after optimize)"
                          : "",
               st.segments, st.terms, st.postings, st.tokens, (double)st.index_bytes / 1e6,
               st.text_bytes ? 100.0 * (double)st.index_bytes / (double)st.text_bytes : 0.0,
               (double)st.text_bytes / 1e6, a, b, st.stemming ? "on" : "off", st.analysis,
               st.analysis < 2 ? " (simplified and traditional Chinese not folded, no aliases: "
                                 "ingest again into a new index to get them)"
                               : "",
               st.generation);
    }
    ndx_index_close(ix);
    return 0;
}
