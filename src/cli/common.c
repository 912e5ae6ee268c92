/*
 * common.c - helpers shared by the commands of the `newsdex` tool: usage errors, opening
 * the index, dates, JSON output, number and date options, query words on the command line.
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

/* The name the tool prints in messages and usage lines. */
const char *const prog = "newsdex";

void die_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "%s %s: %s\nTry '%s %s --help'.\n", prog, cmd, msg, prog, cmd);
    exit(2);
}

size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 31 || nb > 31)
        return 99;
    size_t d[32][32];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

/* "unknown option '--jsn' (did you mean --json?)" among names[] ("--json", ...), then exit 2. */
static void die_unknown(const char *cmd, const char *arg, const char *const *names, size_t n)
{
    char word[64];
    snprintf(word, sizeof word, "%s", arg);
    char *eq = strchr(word, '=');
    if (eq)
        *eq = 0;
    const char *near = NULL;
    size_t best = strlen(word) > 4 ? 3 : 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best) {
            best = d;
            near = names[i];
        }
    }
    char msg[200];
    if (near)
        snprintf(msg, sizeof msg, "unknown option '%s' (did you mean %s?)", word, near);
    else
        snprintf(msg, sizeof msg, "unknown option '%s'", word);
    die_usage(cmd, msg);
}

void die_option(const char *cmd, char **argv, const struct option *opts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    char shortopt[3] = {'-', (char)optopt, 0};
    const char *names[64];
    size_t n = 0;
    for (const struct option *o = opts; o->name && n < 64; o++) {
        if (!strncmp(arg, "--", 2) && !strcmp(arg + 2, o->name) && o->has_arg) {
            char msg[120];
            snprintf(msg, sizeof msg, "option '--%s' needs a value", o->name);
            die_usage(cmd, msg);
        }
        static char buf[64][40];
        snprintf(buf[n], sizeof buf[n], "--%s", o->name);
        names[n] = buf[n];
        n++;
    }
    if (optopt && strncmp(arg, "--", 2) != 0) {
        char msg[120];
        if (arg[0] == '-' && arg[1] == optopt && !arg[2])
            snprintf(msg, sizeof msg, "option '%s' needs a value", shortopt);
        else
            snprintf(msg, sizeof msg, "unknown option '%s'", shortopt);
        die_usage(cmd, msg);
    }
    die_unknown(cmd, arg, names, n);
}

const char *index_dir(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("NEWSDEX_INDEX");
    return env && *env ? env : "newsdex-index";
}

ndx_index *open_index(const char *dir, int flags)
{
    ndx_index *ix = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(dir, flags, &ix, &msg);
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, msg ? msg : ndx_strerror(rc));
        ndx_free(msg);
        exit(2);
    }
    return ix;
}

void format_date(int64_t t, char *out, size_t n)
{
    if (t == NDX_DATE_UNKNOWN) {
        snprintf(out, n, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
        strftime(out, n, "%Y-%m-%d", &tm);
    else
        strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

void print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_ENSURE_ASCII * 0 | JSON_COMPACT);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    json_decref(j);
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

int parse_date_opt(const char *s, int64_t *out, int end_of_day)
{
    if (ndx_parse_date(s, strlen(s), out) != NDX_OK)
        return -1;
    if (end_of_day && strlen(s) == 10)
        *out += 86399;
    return 0;
}

/*
 * Query words may start with '-' ("-camps" excludes a word).  Reorder argv so that the options
 * this command knows come first and every other word follows a "--", where getopt leaves it.
 * `valued`/`flags` list the known options (long "--x" or short "-x"); valued ones take the next
 * word (or "--x=v").  Returns a new argv (static lifetime for the process).
 */
char **split_query_args(int argc, char **argv, const char *const *valued, const char *const *flags,
                        int *nargc)
{
    char **out = calloc((size_t)argc + 2, sizeof *out);
    char **words = calloc((size_t)argc + 1, sizeof *words);
    if (!out || !words)
        exit(2);
    int n = 0, nw = 0, i = 1;
    out[n++] = argv[0];
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            for (i++; i < argc; i++)
                words[nw++] = argv[i];
            break;
        }
        int known = 0;
        for (const char *const *v = valued; *v && !known; v++) {
            size_t l = strlen(*v);
            if (!strcmp(a, *v)) {
                out[n++] = argv[i];
                if (i + 1 < argc)
                    out[n++] = argv[++i];
                known = 1;
            } else if (!strncmp(a, *v, l) && a[l] == '=' && a[1] == '-') {
                out[n++] = argv[i];
                known = 1;
            } else if (a[1] != '-' && (*v)[1] != '-' && a[0] == '-' && a[1] == (*v)[1] && a[2]) {
                out[n++] = argv[i]; /* -n5 */
                known = 1;
            }
        }
        for (const char *const *f = flags; *f && !known; f++)
            if (!strcmp(a, *f)) {
                out[n++] = argv[i];
                known = 1;
            }
        if (!known && a[0] == '-' && a[1] == '-' && a[2]) {
            /* "--jsn x" is a mistyped option, never query text ("--" ends the options) */
            const char *names[64];
            size_t nn = 0;
            for (const char *const *v = valued; *v && nn < 64; v++)
                if ((*v)[1] == '-')
                    names[nn++] = *v;
            for (const char *const *f = flags; *f && nn < 64; f++)
                if ((*f)[1] == '-')
                    names[nn++] = *f;
            die_unknown(argv[0], a, names, nn);
        }
        if (!known)
            words[nw++] = argv[i];
    }
    out[n++] = (char *)"--";
    for (int k = 0; k < nw; k++)
        out[n++] = words[k];
    free(words);
    *nargc = n;
    return out;
}

/*
 * Options of the small commands (show, delete, stats, check): --index DIR, --help, and --json
 * when `json` is not NULL.  Prints `help` (a printf format taking the program name) for --help
 * and returns 1 (the command then exits 0); 0 to go on; exits 2 on an unknown option.
 */
int simple_opts(int argc, char **argv, const char *cmd, const char *help, const char **dir,
                int *json)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
        if (c == 'i')
            *dir = optarg;
        else if (c == 'j' && json)
            *json = 1;
        else if (c == 'h') {
            printf(help, prog);
            return 1;
        } else
            die_option(cmd, argv, opts);
    }
    return 0;
}

char *join_words(char *const *words, int n, size_t *len)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += strlen(words[i]) + 1;
    char *s = malloc(total + 1);
    if (!s)
        return NULL;
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(words[i]);
        if (i)
            s[off++] = ' ';
        memcpy(s + off, words[i], k);
        off += k;
    }
    s[off] = 0;
    if (len)
        *len = off;
    return s;
}

int query_cmd_parse(struct query_cmd *q, int argc, char **argv)
{
    /* the known options, valued then flags, long names and short letters: query words that
     * start with '-' go after a "--" (split_query_args) */
    const char *valued[64], *flags[64];
    char names[48][40], shorts[16][3];
    size_t nv = 0, nf = 0, nn = 0, ns = 0;
    for (const struct option *o = q->opts; o->name && nn < 48; o++, nn++) {
        snprintf(names[nn], sizeof names[nn], "--%s", o->name);
        if (o->has_arg)
            valued[nv++] = names[nn];
        else
            flags[nf++] = names[nn];
    }
    for (const char *p = q->shortopts; *p && ns < 16; p++) {
        if (*p == ':')
            continue;
        char *sh = shorts[ns++];
        sh[0] = '-', sh[1] = *p, sh[2] = 0;
        if (p[1] == ':')
            valued[nv++] = sh;
        else
            flags[nf++] = sh;
    }
    valued[nv] = flags[nf] = NULL;
    int nargc;
    char **nargv = split_query_args(argc, argv, valued, flags, &nargc);
    q->from = q->to = NDX_DATE_UNKNOWN;
    int c;
    while ((c = getopt_long(nargc, nargv, q->shortopts, q->opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            q->dir = optarg;
            break;
        case QOPT_FROM:
            if (parse_date_opt(optarg, &q->from, 0))
                die_usage(q->name, "--from takes a date such as 2019-03-01");
            break;
        case QOPT_TO:
            if (parse_date_opt(optarg, &q->to, 1))
                die_usage(q->name, "--to takes a date such as 2019-06-30");
            break;
        case 'j':
            q->json = 1;
            break;
        case 'h':
            q->usage();
            free(nargv);
            return 1;
        case '?':
        case ':':
            die_option(q->name, nargv, q->opts);
            break;
        default:
            q->own(q->ctx, c, optarg);
        }
    }
    if (optind >= nargc)
        die_usage(q->name, "no query");
    q->query = join_words(nargv + optind, nargc - optind, &q->nquery);
    free(nargv);
    return q->query ? 0 : 2;
}

void print_query_error(ndx_index *ix, const char *which, const char *query, size_t errpos)
{
    fprintf(stderr, "%s: query error%s: %s\n  %s\n  %*s^\n", prog, which, ndx_errmsg(ix), query,
            (int)errpos, "");
}
