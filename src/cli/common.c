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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The name the tool prints in messages and usage lines. */
const char *const prog = "newsdex";

int cli_json;

void cli_json_scan(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--jsonl"))
            cli_json = 1;
}

int json_error(int status, const char *msg, json_t *extra)
{
    if (!cli_json) {
        json_decref(extra);
        return 0;
    }
    json_t *j = json_object();
    json_object_set_new(j, "error", ndxx_jstr(msg, strlen(msg)));
    json_object_set_new(j, "status", json_integer(status));
    if (extra)
        json_object_update(j, extra);
    json_decref(extra);
    fflush(stdout);
    print_json(j);
    fflush(stdout);
    return 1;
}

void cli_error(int status, json_t *extra, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_error(status, msg, extra);
    fprintf(stderr, "%s: %s\n", prog, msg);
}

const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int parse_color(const char *cmd, const char *when)
{
    if (!strcmp(when, "always"))
        return 1;
    if (!strcmp(when, "never"))
        return 0;
    if (!strcmp(when, "auto"))
        return -1;
    char msg[160];
    snprintf(msg, sizeof msg, "--color takes auto, always or never, not '%.64s'", when);
    die_usage(cmd, msg);
    return -1;
}

int color_auto(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(1) && !(nc && *nc);
}

void progress_start(struct progress *p, const char *what, int forced, int counts)
{
    int tty = isatty(2);
    *p = (struct progress){what, now_s(), 0, tty || forced, 0, !tty && forced, counts, -1, forced};
}

void progress_show(struct progress *p, uint64_t done, uint64_t total)
{
    if (!p->on)
        return;
    double t = now_s();
    double frac = total ? (double)done / (double)total : 0, el = t - p->t0;
    if (frac > 1)
        frac = 1;
    if (p->lines) { /* a line per whole percent: as many lines whatever the speed */
        int pct = (int)(100 * frac);
        if (pct == p->pct)
            return;
        p->pct = pct;
    } else {
        if (t - p->last < 0.5 || (!p->forced && t - p->t0 < 0.5))
            return;
        p->shown = 1;
        fprintf(stderr, "\r\033[K");
    }
    p->last = t;
    fprintf(stderr, "%s: %d%%", p->what, (int)(100 * frac));
    if (p->counts)
        fprintf(stderr, " (%" PRIu64 " of %" PRIu64 ")", done, total);
    if (frac > 0.02 && frac < 1 && el > 1) {
        int left = (int)(el / frac - el);
        fprintf(stderr, ", about %dm%02ds left", left / 60, left % 60);
    }
    fputs(p->lines ? "\n" : "", stderr);
    fflush(stderr);
}

void progress_end(struct progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = 0;
}

void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
    progress_show(ctx, done, total);
}

void progress_attach(struct progress *p, ndx_index *ix, const char *what, int forced)
{
    progress_start(p, what, forced, 0);
    if (p->on)
        ndx_index_set_progress(ix, progress_cb, p);
}

void die_usage(const char *cmd, const char *msg)
{
    json_error(2, msg, NULL);
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
    /* options a newcomer may try that name another option, or none of this command */
    static const char *const hints[][2] = {{"--port", "--listen HOST:PORT"},
                                           {"--host", "--listen HOST:PORT"},
                                           {"--bind", "--listen HOST:PORT"},
                                           {"--address", "--listen HOST:PORT"}};
    int has_listen = 0, has_index = 0;
    for (size_t i = 0; i < n; i++) {
        has_listen |= !strcmp(names[i], "--listen");
        has_index |= !strcmp(names[i], "--index");
    }
    for (size_t i = 0; !near && has_listen && i < sizeof hints / sizeof *hints; i++)
        if (!strcmp(word, hints[i][0]))
            near = hints[i][1];
    char msg[200];
    if (near)
        snprintf(msg, sizeof msg, "unknown option '%s' (did you mean %s?)", word, near);
    else if (!strcmp(word, "--index") && !has_index)
        snprintf(msg, sizeof msg,
                 "unknown option '--index': %s reads the files it is given, not an index", cmd);
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
        cli_error(2, NULL, "%s", msg ? msg : ndx_strerror(rc));
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

int date_bound(const char *s, size_t n, int end, int64_t *out)
{
    int y = 0, m = 0, k = 0;
    char buf[32];
    /* a bare year or year-month, as date:1987 reads it: its first second, or with end its last */
    if ((n == 4 || (n == 7 && s[4] == '-')) && sscanf(s, "%4d%n", &y, &k) == 1 && k == 4 &&
        (n == 4 || (sscanf(s + 5, "%2d%n", &m, &k) == 1 && k == 2 && m >= 1 && m <= 12))) {
        int ny = y, nm = m ? m : 1;
        if (end) { /* the start of the next year or month, less one second */
            if (m == 0 || m == 12)
                ny++, nm = 1;
            else
                nm++;
        }
        snprintf(buf, sizeof buf, "%04d-%02d-01", ny, nm);
        if (ndx_parse_date(buf, strlen(buf), out) != NDX_OK)
            return -1;
        if (end)
            *out -= 1;
        return 0;
    }
    if (ndx_parse_date(s, n, out) != NDX_OK)
        return -1;
    if (end && n == 10)
        *out += 86399;
    return 0;
}

int parse_date_opt(const char *s, int64_t *out, int end_of_day)
{
    return date_bound(s, strlen(s), end_of_day, out);
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
                die_usage(q->name, "--from takes a date such as 2019-03-01, 2019-03 or 2019");
            break;
        case QOPT_TO:
            if (parse_date_opt(optarg, &q->to, 1))
                die_usage(q->name, "--to takes a date such as 2019-06-30, 2019-06 or 2019");
            break;
        case 'j':
            q->json = 1;
            break;
        case QOPT_PROGRESS:
            q->progress = 1;
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

void print_query_error(ndx_index *ix, size_t compare, const char *query, size_t errpos)
{
    json_t *x = json_object();
    json_object_set_new(x, "query", ndxx_jstr(query, strlen(query)));
    json_object_set_new(x, "position", json_integer((json_int_t)errpos));
    if (compare)
        json_object_set_new(x, "compare", json_integer((json_int_t)compare));
    json_error(2, ndx_errmsg(ix), x);
    char which[48] = "";
    if (compare)
        snprintf(which, sizeof which, " in --compare %zu", compare);
    fprintf(stderr, "%s: query error%s: %s\n  %s\n  %*s^\n", prog, which, ndx_errmsg(ix), query,
            (int)errpos, "");
}

int count_matches(ndx_index *ix, const char *query, size_t n, uint64_t *articles, uint64_t *copies)
{
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    so.collapse = 0;
    so.limit = 0;
    so.want_snippets = 0;
    ndx_results *res = NULL;
    size_t pos;
    int rc = ndx_search(ix, query, n, &so, &res, &pos);
    if (rc == NDX_OK) {
        *articles = ndx_results_total(res);
        *copies = ndx_results_total_copies(res);
    }
    ndx_results_free(res);
    return rc;
}
