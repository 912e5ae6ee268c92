/*
 * main.c - the `newsdex` command-line tool: finds the command named by the first argument in
 * the table below and runs it (each command lives in its own file, see commands.h).  The tool
 * uses only the public API (include/newsdex.h), plus jansson for JSON output.  Exit status:
 * 0 success, 1 partial success (inputs skipped, problems found, nothing matched for show/delete),
 * 2 usage or fatal error.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include <signal.h>
#include <stdio.h>
#include <getopt.h>
#include <string.h>

struct command {
    const char *name, *args, *summary;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"ingest", "PATH...", "add articles from files, directories or stdin (-)", ndx_cmd_ingest},
    {"search", "QUERY", "ranked search with snippets (--json for JSON)", ndx_cmd_search},
    {"show", "ID|URL", "print one stored article", ndx_cmd_show},
    {"related", "ID|URL", "related stories, with teasers", ndx_cmd_related},
    {"timeline", "QUERY", "matching stories over time, several queries compared", ndx_cmd_timeline},
    {"terms", "QUERY", "significant words and phrases of the matching stories", ndx_cmd_terms},
    {"export", "", "stream every matching article (JSONL or CSV)", ndx_cmd_export},
    {"delete", "ID|URL...", "delete articles", ndx_cmd_delete},
    {"stats", "", "counts and sizes", ndx_cmd_stats},
    {"check", "", "verify the index", ndx_cmd_check},
    {"optimize", "", "merge segments", ndx_cmd_optimize},
    {"extract", "FILE...", "print the article found in HTML pages (--json)", ndx_cmd_extract},
    {"entities", "FILE...", "people, organisations and places in articles (--json)",
     ndx_cmd_entities},
    {"quotes", "FILE...", "direct quotations and their speakers (--json)", ndx_cmd_quotes},
    {"aliases", "[NAME]", "names learnt in two scripts from glosses (--json)", ndx_cmd_aliases},
    {"serve", "", "HTTP/JSON API and web page on 127.0.0.1:8080", ndx_cmd_serve},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f,
            "newsdex %s - a news archive you can question\n\n"
            "Usage: %s COMMAND [OPTIONS] [ARGS]\n\n"
            "Commands:\n",
            NDX_VERSION_STRING, prog);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].args);
        fprintf(f, "  %-18s %s\n", head, commands[i].summary);
    }
    fprintf(f,
            "  %-18s %s\n\n"
            "Every command takes --help and, except serve, --json (errors too: one JSON\n"
            "object on standard output, {\"error\", \"status\"}); those that read an index\n"
            "(all but extract, entities and quotes) take --index DIR (default\n"
            "$NEWSDEX_INDEX or ./newsdex-index).  Long commands show progress on a\n"
            "terminal (--progress: also when standard error is not one).  Exit status: 0\n"
            "success, 1 partial (inputs skipped, damage found, an id not found), 2 usage,\n"
            "query syntax or fatal error.  NO_COLOR turns colour off.  Example:\n"
            "  %s ingest sample/ && %s search 'port strike' --limit 5\n",
            "version", "print the version", prog, prog);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    opterr = 0; /* unknown options are reported by die_option, with a suggestion */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    cli_json_scan(argc - 1, argv + 1);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        if (cli_json)
            printf("{\"version\":\"%s\"}\n", NDX_VERSION_STRING);
        else
            printf("newsdex %s\n", NDX_VERSION_STRING);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    const char *near = NULL;
    size_t best = 3;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t d = edit_distance(cmd, commands[i].name);
        if (d < best) {
            best = d;
            near = commands[i].name;
        }
    }
    char msg[200];
    if (near)
        snprintf(msg, sizeof msg, "unknown command '%.64s' (did you mean '%s'?)", cmd, near);
    else
        snprintf(msg, sizeof msg, "unknown command '%.64s'", cmd);
    json_error(2, msg, NULL);
    if (near)
        fprintf(stderr, "%s: unknown command '%s' (did you mean '%s'?)\n", prog, cmd, near);
    else
        fprintf(stderr, "%s: unknown command '%s'\n\n", prog, cmd);
    if (!near)
        usage(stderr);
    else
        fprintf(stderr, "Try '%s help' for the list of commands.\n", prog);
    return 2;
}
