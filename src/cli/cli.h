/*
 * cli.h - helpers shared by the commands of the `newsdex` tool (src/cli/common.c).  Every
 * command is a function `int ndx_cmd_NAME(int argc, char **argv)` (commands.h) that gets argv
 * with argv[0] the command's name and returns the exit status: 0 success, 1 partial success
 * (inputs skipped, problems found, nothing matched), 2 usage or fatal error.
 */
#ifndef NDX_CLI_H
#define NDX_CLI_H

#include "newsdex.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern const char *const prog; /* "newsdex", as printed in messages */

/*
 * --json and errors (docs/CLI.md): when the command line holds --json (before any "--"), every
 * error a command reports is one JSON object on standard output, {"error": MESSAGE, "status":
 * EXIT_STATUS, ...}; the message is also written on standard error.  main() sets cli_json.
 */
extern int cli_json;
/* Set cli_json from a command's arguments (argv[0] the command). */
void cli_json_scan(int argc, char **argv);
/* With --json, print {"error": msg, "status": status} plus the keys of extra (stolen, may be
 * NULL) on stdout and return 1; otherwise release extra and return 0.  The caller still
 * writes the message on stderr. */
int json_error(int status, const char *msg, json_t *extra);
/* Report an error: "newsdex: MSG" on stderr, and with --json the JSON object of json_error. */
void cli_error(int status, json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* `one` when n is 1, else `many`: "1 story", "2 stories". */
const char *plural(uint64_t n, const char *one, const char *many);
/* --color WHEN: 1 always, 0 never, -1 auto; any other value is a usage error naming it. */
int parse_color(const char *cmd, const char *when);
/* Colour for color == -1 (auto): standard output is a terminal and $NO_COLOR is unset or empty. */
int color_auto(void);
/*
 * A progress line on standard error: the share done, the counts (`counts`), and once it means
 * something the time left at the rate so far.  On a terminal the line is rewritten in place, at
 * most twice a second, and cleared at the end; it first appears after half a second (a quick
 * command shows none), at once with --progress (`forced`).  With --progress while standard error
 * is not a terminal, one line is written each time the whole percent done changes.  Otherwise
 * progress_show does nothing.
 */
struct progress {
    const char *what; /* "export", "check" */
    double t0, last;  /* start, last line printed */
    int on, shown;    /* a line is wanted; a line is on screen */
    int lines;        /* --progress, standard error not a terminal: whole lines */
    int counts;       /* show "(DONE of TOTAL)" */
    int pct;          /* the percent of the last whole line, -1 before it */
    int forced;       /* --progress */
};
void progress_start(struct progress *p, const char *what, int forced, int counts);
void progress_show(struct progress *p, uint64_t done, uint64_t total);
void progress_end(struct progress *p);
/* The library's progress callback (ndx_index_set_progress) showing p (ctx). */
void progress_cb(void *ctx, uint64_t done, uint64_t total);
/* Start p (the share done, no counts) and, when a line is wanted, have ix report to it. */
void progress_attach(struct progress *p, ndx_index *ix, const char *what, int forced);

/* Print "newsdex CMD: MSG" and a pointer to --help on stderr, then exit(2). */
void die_usage(const char *cmd, const char *msg);
struct option;
/* After getopt_long returned '?': name the bad option of argv (with the nearest of opts as a
 * suggestion, or say that it needs a value) and exit(2). */
void die_option(const char *cmd, char **argv, const struct option *opts);
/* Edit distance of two short words (transpositions count one), for "did you mean". */
size_t edit_distance(const char *a, const char *b);
/* The index directory: the --index option, else $NEWSDEX_INDEX, else ./newsdex-index. */
const char *index_dir(const char *opt);
/* Open the index or exit(2) with the library's message. */
ndx_index *open_index(const char *dir, int flags);
/* A date as "YYYY-MM-DD" (or with " HH:MM" when it has a time of day); "-" when unknown. */
void format_date(int64_t t, char *out, size_t n);
/* Print a JSON value on one line of stdout and release it. */
void print_json(json_t *j);
/* Monotonic seconds. */
double now_s(void);
/* A non-negative decimal number; -1 when s is not one. */
int parse_size(const char *s, unsigned long long *out);
/* A date bound of n bytes: any date ndx_parse_date reads, or a bare YYYY or YYYY-MM (its start;
 * with end, its last second); with end a bare YYYY-MM-DD is moved to 23:59:59.  0 or -1. */
int date_bound(const char *s, size_t n, int end, int64_t *out);
/* A date option (--from/--to): date_bound with end = end_of_day. */
int parse_date_opt(const char *s, int64_t *out, int end_of_day);
/* Move known options before a "--" so that query words starting with '-' reach the query. */
char **split_query_args(int argc, char **argv, const char *const *valued, const char *const *flags,
                        int *nargc);
/* The n words joined with single spaces (malloc'd, *len its length), NULL when out of memory:
 * the query of search, terms and timeline given as several arguments. */
char *join_words(char *const *words, int n, size_t *len);
/*
 * The commands that take a query (search, terms, timeline) share --index, --from, --to, --json
 * and --help: their option tables end with QUERY_OPTIONS, and query_cmd_parse reads argv, the
 * shared options itself and the command's own through `own`.
 */
/* clang-format off */
#define QUERY_OPTIONS                                                                              \
    {"index", required_argument, 0, 'i'}, {"from", required_argument, 0, QOPT_FROM},               \
    {"to", required_argument, 0, QOPT_TO}, {"json", no_argument, 0, 'j'},                          \
    {"progress", no_argument, 0, QOPT_PROGRESS}, {"help", no_argument, 0, 'h'}
/* clang-format on */
enum { QOPT_FROM = 0x101, QOPT_TO = 0x102, QOPT_PROGRESS = 0x103 };
struct query_cmd {
    const char *name;          /* the command, for messages */
    const struct option *opts; /* its getopt_long table, ending with QUERY_OPTIONS */
    const char *shortopts;     /* its short options ("i:n:h") */
    void (*usage)(void);       /* prints --help */
    void (*own)(void *ctx, int c, const char *arg); /* one of its own options (exits on errors) */
    void *ctx;                                      /* for own */
    /* set by query_cmd_parse */
    const char *dir; /* --index, NULL when not given */
    int json;        /* --json */
    int progress;    /* --progress */
    int64_t from;    /* --from (NDX_DATE_UNKNOWN when not given) */
    int64_t to;      /* --to, moved to the end of its day (NDX_DATE_UNKNOWN when not given) */
    char *query;     /* the query words joined with spaces (free) */
    size_t nquery;   /* its length */
};
/* Read the options and query words of argv: 0 to run the query, 1 after --help (exit 0), 2 when
 * out of memory; exit(2) on a usage error. */
int query_cmd_parse(struct query_cmd *q, int argc, char **argv);
/* Report a query syntax error: the message, the query and a caret under `errpos` on stderr
 * (naming "--compare N" when compare is N > 0), and with --json the JSON error with "query",
 * "position" and, for a --compare query, "compare". */
void print_query_error(ndx_index *ix, size_t compare, const char *query, size_t errpos);
/* The articles matching query (n bytes, every article of a story: not collapsed) and their copies
 * (those articles plus the exact copies recorded on them), counted without fetching a hit.  NDX_OK
 * or ndx_search's error. */
int count_matches(ndx_index *ix, const char *query, size_t n, uint64_t *articles, uint64_t *copies);
/* --index, --json (when json is not NULL) and --help of the small commands; 1 after --help. */
int simple_opts(int argc, char **argv, const char *cmd, const char *help, const char **dir,
                int *json);

#endif
