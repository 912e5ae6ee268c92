/*
 * names_cli.h - the reading loop shared by `newsdex entities` and `newsdex quotes`
 * (cmd_entities.c): options --json and --field, every file read as ingest reads it, one JSON
 * object per article.
 */
#ifndef NDX_NAMES_CLI_H
#define NDX_NAMES_CLI_H

#include "cli/cli.h"
#include "common/json_out.h"

struct names_cmd {
    const char *name, *help;
    /* add this command's fields to o, the article's {file,url,title}; a library status */
    int (*article)(const ndx_article *a, json_t *o);
    /* print o as text; not_first: an article was printed before */
    void (*print_text)(json_t *o, int not_first);
};

int names_run(const struct names_cmd *cmd, int argc, char **argv);

#endif
