/*
 * main.c - the `newsdex` command-line tool: ingest, search, show, delete, stats, check, optimize.
 * It uses only the public API (include/newsdex.h), plus jansson for JSON output.  Exit status:
 * 0 success, 1 partial success (inputs skipped, problems found, nothing matched for show/delete),
 * 2 usage or fatal error.
 */
#include "newsdex.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "newsdex";

/* ---- helpers ------------------------------------------------------------------------------ */

static void die_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "%s %s: %s\nTry '%s %s --help'.\n", prog, cmd, msg, prog, cmd);
    exit(2);
}

static const char *index_dir(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("NEWSDEX_INDEX");
    return env && *env ? env : "newsdex-index";
}

static ndx_index *open_index(const char *dir, int flags)
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

static void format_date(int64_t t, char *out, size_t n)
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

static void print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_ENSURE_ASCII * 0 | JSON_COMPACT);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    json_decref(j);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* ---- ingest ------------------------------------------------------------------------------- */

struct reason {
    char *what;
    unsigned long count;
};

struct ingest {
    ndx_index *ix;
    ndx_reader_opts ropts;
    unsigned long added, updated, duplicates, unchanged, rejected, files, files_failed;
    unsigned long warnings;
    struct reason reasons[64];
    int nreasons;
    unsigned long long commit_every, since_commit;
    int log_commits, quiet, tty;
    double t0, last_progress;
    uint64_t bytes_total, bytes_done_files, bytes_file;
    size_t nfiles_total;
    int fatal;
};

static void count_reason(struct ingest *g, const char *what)
{
    size_t n = strcspn(what, ":(");
    while (n && what[n - 1] == ' ')
        n--;
    for (int i = 0; i < g->nreasons; i++)
        if (strlen(g->reasons[i].what) == n && strncmp(g->reasons[i].what, what, n) == 0) {
            g->reasons[i].count++;
            return;
        }
    if (g->nreasons < 64) {
        g->reasons[g->nreasons].what = strndup(what, n);
        g->reasons[g->nreasons++].count = 1;
    }
}

static int is_warning(const char *what)
{
    return strstr(what, "repaired") || strstr(what, "unparseable date") ||
           strstr(what, "truncated");
}

/* Informational messages ("note: ...") are printed but neither warnings nor skips. */
static int is_note(const char *what)
{
    return strncmp(what, "note:", 5) == 0;
}

static void clear_progress(struct ingest *g)
{
    if (g->tty && !g->quiet && g->last_progress > 0)
        fprintf(stderr, "\r\033[K");
}

static void on_problem(void *ctx, const char *where, const char *what)
{
    struct ingest *g = ctx;
    if (is_note(what) && g->quiet)
        return;
    clear_progress(g);
    fprintf(stderr, "%s: %s\n", where, what);
    if (is_note(what))
        return;
    if (is_warning(what))
        g->warnings++;
    else
        count_reason(g, what);
}

static void progress(struct ingest *g, int force)
{
    if (!g->tty || g->quiet)
        return;
    double t = now_s();
    if (!force && t - g->last_progress < 0.5)
        return;
    g->last_progress = t;
    double el = t - g->t0 > 1e-6 ? t - g->t0 : 1e-6;
    unsigned long docs = g->added + g->updated + g->duplicates + g->unchanged;
    double done = (double)(g->bytes_done_files + g->bytes_file);
    double mbs = done / el / 1e6;
    char eta[32] = "";
    if (g->bytes_total && done > 0 && done < (double)g->bytes_total) {
        double left = ((double)g->bytes_total - done) / (done / el);
        snprintf(eta, sizeof eta, ", ETA %dm%02ds", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r\033[Kingest: %lu docs, %.0f docs/s, %.1f MB/s, files %lu/%zu%s", docs,
            (double)docs / el, mbs, g->files, g->nfiles_total, eta);
}

static void on_progress(void *ctx, uint64_t bytes)
{
    struct ingest *g = ctx;
    g->bytes_file = bytes;
    progress(g, 0);
}

static int do_commit(struct ingest *g)
{
    int rc = ndx_index_commit(g->ix);
    if (rc) {
        clear_progress(g);
        fprintf(stderr, "%s: commit failed: %s\n", prog, ndx_errmsg(g->ix));
        g->fatal = 1;
        return rc;
    }
    g->since_commit = 0;
    if (g->log_commits) {
        ndx_stats st;
        ndx_index_stats(g->ix, &st);
        printf("committed %" PRIu64 " documents\n", st.documents);
        fflush(stdout);
    }
    return 0;
}

static int on_article(void *ctx, const ndx_article *a)
{
    struct ingest *g = ctx;
    int outcome;
    uint64_t id;
    int rc = ndx_index_add(g->ix, a, &outcome, &id);
    if (rc == NDX_EINVAL) {
        g->rejected++;
        count_reason(g, "no article text");
        return 0;
    }
    if (rc) {
        clear_progress(g);
        fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(g->ix));
        g->fatal = 1;
        return 1;
    }
    switch (outcome) {
    case NDX_ADDED:
        g->added++;
        break;
    case NDX_UPDATED:
        g->updated++;
        break;
    case NDX_DUPLICATE:
        g->duplicates++;
        break;
    default:
        g->unchanged++;
    }
    if (g->commit_every && ++g->since_commit >= g->commit_every && do_commit(g))
        return 1;
    progress(g, 0);
    return 0;
}

struct pathlist {
    char **p;
    uint64_t *size;
    size_t n, cap;
};

static void pl_add(struct pathlist *l, const char *path, uint64_t size)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->p = realloc(l->p, l->cap * sizeof *l->p);
        l->size = realloc(l->size, l->cap * sizeof *l->size);
        if (!l->p || !l->size) {
            fprintf(stderr, "%s: out of memory\n", prog);
            exit(2);
        }
    }
    l->p[l->n] = strdup(path);
    l->size[l->n++] = size;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect files under path (sorted, hidden entries skipped). */
static void walk(const char *path, struct pathlist *out, struct ingest *g, int depth)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        pl_add(out, path, 0);
        return;
    }
    if (stat(path, &st) != 0) {
        on_problem(g, path, strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        pl_add(out, path, (uint64_t)st.st_size);
        return;
    }
    if (depth > 64) {
        on_problem(g, path, "directory nesting too deep");
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        on_problem(g, path, strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                exit(2);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *child;
        if (asprintf(&child, "%s/%s", path, names[i]) < 0)
            exit(2);
        walk(child, out, g, depth + 1);
        free(child);
        free(names[i]);
    }
    free(names);
}

static void usage_ingest(void)
{
    printf("Usage: %s ingest [OPTIONS] PATH...\n"
           "Add articles to the index (created if missing).  PATH is a file, a directory\n"
           "(read recursively) or - for standard input; .gz files are decompressed.\n"
           "Formats are detected by content: plain text (headline line, then a paragraph per\n"
           "line), JSONL (one article per line, news-please field names), one news-please JSON\n"
           "article per file, HTML pages (the article is extracted), RSS/Atom/JSON Feed (one\n"
           "article per item) and WARC/ARC web archives (HTML responses are extracted).\n"
           "Re-ingesting a URL updates that article; an exact copy of a stored text is\n"
           "recorded on the stored article instead of being stored twice.\n\n"
           "Options:\n"
           "  --index DIR          index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  --field MAP          JSON field names, e.g. body=text,date=published,title=headline\n"
           "                       (keys: url source title authors body lang date)\n"
           "  --format FMT         auto (default), text, jsonl, json, html, feed or warc\n"
           "  --commit-every N     commit after every N articles (default: once at the end)\n"
           "  --memory MB          indexing buffer before a segment is written (default 256)\n"
           "  --no-stem            when creating the index: index exact word forms\n"
           "  --simple             when creating the index: simple analysis (lower-cased letter\n"
           "                       and digit runs only), to compare counts with other engines\n"
           "  --story-threshold J  similarity (0.1-1, default 0.4) from which an article joins\n"
           "                       the story of a stored one (syndicated copies)\n"
           "  --drop-stubs         drop teaser stubs found after an article (default: keep them\n"
           "                       as separate articles marked truncated)\n"
           "  --log-commits        print a line on standard output after every commit\n"
           "  -q, --quiet          no progress line, no notes, no summary unless something\n"
           "                       was skipped\n\n"
           "Problems are reported on standard error as FILE:LINE: REASON; the batch goes on.\n"
           "Exit status: 0 all read, 1 something was skipped, 2 fatal error.\n",
           prog);
}

static int cmd_ingest(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"field", required_argument, 0, 'f'},
                                         {"format", required_argument, 0, 'F'},
                                         {"commit-every", required_argument, 0, 'c'},
                                         {"memory", required_argument, 0, 'm'},
                                         {"no-stem", no_argument, 0, 'S'},
                                         {"simple", no_argument, 0, 'P'},
                                         {"drop-stubs", no_argument, 0, 'D'},
                                         {"story-threshold", required_argument, 0, 'T'},
                                         {"log-commits", no_argument, 0, 'L'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    struct ingest g;
    memset(&g, 0, sizeof g);
    const char *dir = NULL;
    unsigned long long mem = 256;
    double threshold = 0;
    int flags = NDX_OPEN_WRITE | NDX_OPEN_CREATE, c;
    while ((c = getopt_long(argc, argv, "i:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            dir = optarg;
            break;
        case 'f':
            g.ropts.field_map = optarg;
            break;
        case 'F':
            if (!strcmp(optarg, "auto"))
                g.ropts.input_format = NDX_FMT_AUTO;
            else if (!strcmp(optarg, "text"))
                g.ropts.input_format = NDX_FMT_TEXT;
            else if (!strcmp(optarg, "jsonl"))
                g.ropts.input_format = NDX_FMT_JSONL;
            else if (!strcmp(optarg, "json"))
                g.ropts.input_format = NDX_FMT_JSON;
            else if (!strcmp(optarg, "html"))
                g.ropts.input_format = NDX_FMT_HTML;
            else if (!strcmp(optarg, "feed"))
                g.ropts.input_format = NDX_FMT_FEED;
            else if (!strcmp(optarg, "warc"))
                g.ropts.input_format = NDX_FMT_WARC;
            else
                die_usage("ingest", "--format takes auto, text, jsonl, json, html, feed or warc");
            break;
        case 'c':
            if (parse_size(optarg, &g.commit_every))
                die_usage("ingest", "--commit-every takes a number");
            break;
        case 'm':
            if (parse_size(optarg, &mem) || mem < 1 || mem > (1ull << 20))
                die_usage("ingest", "--memory takes megabytes (1 or more)");
            break;
        case 'S':
            flags |= NDX_OPEN_NOSTEM;
            break;
        case 'P':
            flags |= NDX_OPEN_SIMPLE;
            break;
        case 'D':
            g.ropts.stubs = 1;
            break;
        case 'T': {
            char *end;
            threshold = strtod(optarg, &end);
            if (*end || !(threshold >= 0.1 && threshold <= 1.0))
                die_usage("ingest", "--story-threshold takes a number from 0.1 to 1");
            break;
        }
        case 'L':
            g.log_commits = 1;
            break;
        case 'q':
            g.quiet = 1;
            break;
        case 'h':
            usage_ingest();
            return 0;
        default:
            die_usage("ingest", "unknown option");
        }
    }
    if (optind >= argc)
        die_usage("ingest", "no input: give files, directories or - for standard input");
    g.tty = isatty(2);
    g.ix = open_index(index_dir(dir), flags);
    ndx_index_set_memory_limit(g.ix, (size_t)mem << 20);
    if (threshold > 0)
        ndx_index_set_dup_threshold(g.ix, threshold);
    struct pathlist files = {0};
    for (int i = optind; i < argc; i++)
        walk(argv[i], &files, &g, 0);
    g.nfiles_total = files.n;
    for (size_t i = 0; i < files.n; i++)
        g.bytes_total += files.size[i];
    g.t0 = now_s();
    ndx_reader_cb cb = {on_article, on_problem, on_progress, &g};
    for (size_t i = 0; i < files.n && !g.fatal; i++) {
        g.bytes_file = 0;
        int rc = ndx_read_file(files.p[i], &g.ropts, &cb);
        if (rc == NDX_EINVAL && g.ropts.field_map) {
            /* a bad --field map fails every file alike: stop */
            clear_progress(&g);
            fprintf(stderr, "%s ingest: invalid --field map\n", prog);
            g.fatal = 1;
            break;
        }
        if (rc && rc != NDX_EFORMAT && rc != NDX_EIO)
            fprintf(stderr, "%s: %s\n", files.p[i], ndx_strerror(rc));
        if (rc)
            g.files_failed++;
        g.files++;
        g.bytes_done_files += files.size[i];
        progress(&g, 0);
    }
    if (!g.fatal)
        do_commit(&g);
    progress(&g, 1);
    clear_progress(&g);
    double el = now_s() - g.t0;
    ndx_stats st;
    ndx_index_stats(g.ix, &st);
    unsigned long skipped = 0;
    for (int i = 0; i < g.nreasons; i++)
        skipped += g.reasons[i].count;
    if (!g.quiet || skipped || g.fatal) {
        fprintf(stderr,
                "ingest: %lu added, %lu updated, %lu duplicates, %lu unchanged, %lu skipped "
                "in %.2fs (%.1f MB/s); index holds %" PRIu64 " articles\n",
                g.added, g.updated, g.duplicates, g.unchanged, skipped, el,
                el > 0 ? (double)g.bytes_done_files / el / 1e6 : 0.0, st.documents);
        for (int i = 0; i < g.nreasons; i++)
            fprintf(stderr, "  skipped %lu: %s\n", g.reasons[i].count, g.reasons[i].what);
        if (g.warnings)
            fprintf(stderr, "  %lu warnings (see above)\n", g.warnings);
    }
    for (int i = 0; i < g.nreasons; i++)
        free(g.reasons[i].what);
    for (size_t i = 0; i < files.n; i++)
        free(files.p[i]);
    free(files.p);
    free(files.size);
    ndx_index_close(g.ix);
    if (g.fatal)
        return 2;
    return skipped ? 1 : 0;
}

/* ---- search ------------------------------------------------------------------------------- */

static void usage_search(void)
{
    printf("Usage: %s search [OPTIONS] QUERY...\n"
           "Search the index.  The words of QUERY are joined with spaces.\n\n"
           "Query language (see docs/QUERY.md):\n"
           "  china diplomats        both words (AND is the default)\n"
           "  xinjiang OR tibet      either;  NOT camps, -camps  exclude\n"
           "  \"european envoys\"      exact phrase;  \"china envoys\"~3  within 3 words\n"
           "  title:xinjiang         field: title body source url lang\n"
           "  diplom*                prefix\n"
           "  date:2019-03..2019-06  date range; also date:2019, date:>=2019-03-01\n"
           "  陳全國                 Chinese/Japanese/Korean text matches as characters\n\n"
           "Options:\n"
           "  --index DIR       index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  -n, --limit N     hits to show (default 10)\n"
           "  --offset N        hits to skip (paging)\n"
           "  --sort ORDER      relevance (default), date (newest first) or date-asc\n"
           "  --from DATE       only articles published on or after DATE\n"
           "  --to DATE         only articles published on or before DATE\n"
           "  --json            one JSON object (schema in docs/CLI.md)\n"
           "  --no-collapse     one hit per article (default: one per story, copies collapsed)\n"
           "  --no-snippets     skip snippets and teasers\n"
           "  --color WHEN      highlight matches: auto (default), always, never\n",
           prog);
}

/*
 * Query words may start with '-' ("-camps" excludes a word).  Reorder argv so that the options
 * this command knows come first and every other word follows a "--", where getopt leaves it.
 * `valued`/`flags` list the known options (long "--x" or short "-x"); valued ones take the next
 * word (or "--x=v").  Returns a new argv (static lifetime for the process).
 */
static char **split_query_args(int argc, char **argv, const char *const *valued,
                               const char *const *flags, int *nargc)
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

static int parse_date_opt(const char *s, int64_t *out, int end_of_day)
{
    if (ndx_parse_date(s, strlen(s), out) != NDX_OK)
        return -1;
    if (end_of_day && strlen(s) == 10)
        *out += 86399;
    return 0;
}

static int search_main(int argc, char **argv);

static int cmd_search(int argc, char **argv)
{
    static const char *const valued[] = {"--index", "-i",     "--limit", "-n",      "--offset",
                                         "--sort",  "--from", "--to",    "--color", NULL};
    static const char *const flagopts[] = {
        "--json", "--no-snippets", "--no-collapse", "--help", "-h", NULL};
    int nargc;
    char **nargv = split_query_args(argc, argv, valued, flagopts, &nargc);
    int rc = search_main(nargc, nargv);
    free(nargv);
    return rc;
}

static int search_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, 0, 'i'},  {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'}, {"sort", required_argument, 0, 's'},
        {"from", required_argument, 0, 'a'},   {"to", required_argument, 0, 'b'},
        {"json", no_argument, 0, 'j'},         {"no-snippets", no_argument, 0, 'N'},
        {"color", required_argument, 0, 'C'},  {"help", no_argument, 0, 'h'},
        {"no-collapse", no_argument, 0, 'U'},  {0, 0, 0, 0}};
    const char *dir = NULL;
    int json = 0, c, color = -1;
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    unsigned long long v;
    while ((c = getopt_long(argc, argv, "i:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            dir = optarg;
            break;
        case 'n':
            if (parse_size(optarg, &v) || v > 100000)
                die_usage("search", "--limit takes a number up to 100000");
            so.limit = (size_t)v;
            break;
        case 'o':
            if (parse_size(optarg, &v) || v > 10000000)
                die_usage("search", "--offset takes a number");
            so.offset = (size_t)v;
            break;
        case 's':
            if (!strcmp(optarg, "relevance"))
                so.sort = NDX_SORT_RELEVANCE;
            else if (!strcmp(optarg, "date"))
                so.sort = NDX_SORT_DATE;
            else if (!strcmp(optarg, "date-asc"))
                so.sort = NDX_SORT_DATE_ASC;
            else
                die_usage("search", "--sort takes relevance, date or date-asc");
            break;
        case 'a':
            if (parse_date_opt(optarg, &so.date_from, 0))
                die_usage("search", "--from takes a date such as 2019-03-01");
            break;
        case 'b':
            if (parse_date_opt(optarg, &so.date_to, 1))
                die_usage("search", "--to takes a date such as 2019-06-30");
            break;
        case 'j':
            json = 1;
            break;
        case 'N':
            so.want_snippets = 0;
            break;
        case 'U':
            so.collapse = 0;
            break;
        case 'C':
            color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
            break;
        case 'h':
            usage_search();
            return 0;
        default:
            die_usage("search", "unknown option");
        }
    }
    if (optind >= argc)
        die_usage("search", "no query");
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query)
        return 2;
    query[0] = 0;
    size_t off = 0;
    for (int i = optind; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > optind)
            query[off++] = ' ';
        memcpy(query + off, argv[i], n);
        off += n;
    }
    query[off] = 0;
    if (color < 0)
        color = !json && isatty(1);
    if (json) {
        so.hl_open = "<mark>";
        so.hl_close = "</mark>";
        so.escape_html = 1;
    } else if (color) {
        so.hl_open = "\033[1m";
        so.hl_close = "\033[0m";
    } else {
        so.hl_open = so.hl_close = "";
    }
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_results *res = NULL;
    size_t errpos = 0;
    int rc = ndx_search(ix, query, off, &so, &res, &errpos);
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG) {
        if (json) {
            json_t *j = json_object();
            json_object_set_new(j, "query", ndxx_jstr(query, strlen(query)));
            const char *em = ndx_errmsg(ix);
            json_object_set_new(j, "error", ndxx_jstr(em, strlen(em)));
            json_object_set_new(j, "position", json_integer((json_int_t)errpos));
            print_json(j);
        } else {
            fprintf(stderr, "%s: query error: %s\n  %s\n  %*s^\n", prog, ndx_errmsg(ix), query,
                    (int)errpos, "");
        }
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    if (rc) {
        fprintf(stderr, "%s: search failed: %s\n", prog, ndx_errmsg(ix));
        free(query);
        ndx_index_close(ix);
        return 2;
    }
    size_t n = ndx_results_count(res);
    if (json) {
        json_t *hits = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(hits, ndxx_hit_json(ndx_results_hit(res, i), so.want_snippets));
        }
        json_t *j = json_object();
        json_object_set_new(j, "query", ndxx_jstr(query, strlen(query)));
        json_object_set_new(j, "total", json_integer((json_int_t)ndx_results_total(res)));
        json_object_set_new(j, "total_stories",
                            json_integer((json_int_t)ndx_results_total_stories(res)));
        json_object_set_new(j, "total_copies",
                            json_integer((json_int_t)ndx_results_total_copies(res)));
        json_object_set_new(j, "collapsed", json_boolean(so.collapse));
        json_object_set_new(j, "took_ms", json_real(ndx_results_took_ms(res)));
        json_object_set_new(j, "offset", json_integer((json_int_t)so.offset));
        json_object_set_new(j, "hits", hits);
        print_json(j);
    } else {
        uint64_t total = ndx_results_total(res);
        printf("%" PRIu64 " %s%s (%" PRIu64 " stories, %" PRIu64 " copies; %.1f ms)\n", total,
               so.collapse ? "stor" : "result",
               so.collapse ? (total == 1 ? "y" : "ies") : (total == 1 ? "" : "s"),
               ndx_results_total_stories(res), ndx_results_total_copies(res),
               ndx_results_took_ms(res));
        for (size_t i = 0; i < n; i++) {
            const ndx_hit *h = ndx_results_hit(res, i);
            char date[32];
            format_date(h->published, date, sizeof date);
            printf("\n%zu. %s%.*s%s  [%.2f]%s\n", so.offset + i + 1, color ? "\033[1m" : "",
                   (int)h->ntitle, h->title, color ? "\033[0m" : "", h->score,
                   h->flags & NDX_ART_TEASER ? "  (teaser stub, truncated)" : "");
            printf("   %.*s · %s · id %" PRIu64 "%s%.*s\n", (int)h->nsource,
                   h->nsource ? h->source : "-", date, h->id, h->nurl ? " · " : "", (int)h->nurl,
                   h->url);
            if (h->copies > 1 || h->wire) {
                printf("   %s%u copies", h->wire ? "wire story, " : "", h->copies);
                if (h->nsources) {
                    printf(" from ");
                    for (size_t k = 0; k < h->nsources; k++)
                        putchar(h->sources[k] == '\n' ? ',' : h->sources[k]);
                }
                putchar('\n');
            }
            if (so.want_snippets && h->nsnippet)
                printf("   %.*s\n", (int)h->nsnippet, h->snippet);
        }
    }
    ndx_results_free(res);
    free(query);
    ndx_index_close(ix);
    return 0;
}

/* ---- show / delete / stats / check / optimize -------------------------------------------- */

/*
 * Options of the small commands (show, delete, stats, check): --index DIR, --help, and --json
 * when `json` is not NULL.  Prints `help` (a printf format taking the program name) for --help
 * and returns 1 (the command then exits 0); 0 to go on; exits 2 on an unknown option.
 */
static int simple_opts(int argc, char **argv, const char *cmd, const char *help, const char **dir,
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
            die_usage(cmd, "unknown option");
    }
    return 0;
}

static int collect_member(void *ctx, const ndx_article *a)
{
    json_array_append_new((json_t *)ctx, ndxx_member_json(a));
    return 0;
}

static int cmd_show(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0;
    if (simple_opts(argc, argv, "show",
                    "Usage: %s show [--index DIR] [--json] ID|URL\n"
                    "Print a stored article: metadata, full text, its story's articles and the\n"
                    "URLs of exact copies.\n",
                    &dir, &json))
        return 0;
    if (optind + 1 != argc)
        die_usage("show", "give one article id or URL");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    uint64_t id;
    ndx_article *a = NULL;
    const char *key = argv[optind];
    if (ndx_index_lookup(ix, key, strlen(key), &id) || ndx_index_get(ix, id, &a)) {
        fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(ix));
        ndx_index_close(ix);
        return 1;
    }
    json_t *story = json_array();
    ndx_story_members(ix, a->story, collect_member, story);
    if (json) {
        json_t *o = ndxx_article_json(ix, a);
        print_json(o);
    } else {
        char date[32];
        format_date(a->published, date, sizeof date);
        printf("%s\n", a->title);
        printf("id %" PRIu64 " · %s · %s · %s\n", a->id, a->nsource ? a->source : "-", date,
               a->lang);
        if (a->nurl)
            printf("%s\n", a->url);
        if (a->nauthors)
            printf("by %s\n", a->authors);
        printf("\n%s\n", a->body);
        if (json_array_size(story) > 1) {
            printf("\nThe same story (%zu articles, earliest first):\n", json_array_size(story));
            for (size_t k = 0; k < json_array_size(story); k++) {
                json_t *m = json_array_get(story, k);
                json_t *d = json_object_get(m, "date");
                printf("  %s%" JSON_INTEGER_FORMAT " %s · %s · %s\n",
                       json_integer_value(json_object_get(m, "id")) == (json_int_t)a->id ? "*"
                                                                                         : " ",
                       json_integer_value(json_object_get(m, "id")),
                       json_string_value(json_object_get(m, "source")),
                       json_is_string(d) ? json_string_value(d) : "-",
                       json_string_value(json_object_get(m, "title")));
            }
        }
        if (a->ncopies) {
            printf("\nAlso published as (exact copies):\n");
            const char *p = a->copies, *end = a->copies + a->ncopies;
            while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl)
                    nl = end;
                const char *tab = memchr(p, '\t', (size_t)(nl - p));
                if (tab)
                    printf("  %.*s (%.*s)\n", (int)(tab - p), p, (int)(nl - tab - 1), tab + 1);
                else
                    printf("  %.*s\n", (int)(nl - p), p);
                p = nl + 1;
            }
        }
    }
    json_decref(story);
    ndx_article_free(a);
    ndx_index_close(ix);
    return 0;
}

static int cmd_delete(int argc, char **argv)
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

static int cmd_stats(int argc, char **argv)
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
        json_t *o = ndxx_stats_json(&st);
        print_json(o);
    } else {
        char a[32], b[32];
        format_date(st.date_min, a, sizeof a);
        format_date(st.date_max, b, sizeof b);
        printf("documents   %" PRIu64 "\ndeleted     %" PRIu64 "\nsegments    %" PRIu64
               "\nterms       %" PRIu64 "\npostings    %" PRIu64 "\ntokens      %" PRIu64
               "\nindex size  %.1f MB (%.0f%% of %.1f MB text)\ndates       %s .. %s\n"
               "stemming    %s\ngeneration  %" PRIu64 "\n",
               st.documents, st.deleted, st.segments, st.terms, st.postings, st.tokens,
               (double)st.index_bytes / 1e6,
               st.text_bytes ? 100.0 * (double)st.index_bytes / (double)st.text_bytes : 0.0,
               (double)st.text_bytes / 1e6, a, b, st.stemming ? "on" : "off", st.generation);
    }
    ndx_index_close(ix);
    return 0;
}

static void print_problem(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "problem: %s\n", msg);
}

static int cmd_check(int argc, char **argv)
{
    const char *dir = NULL;
    if (simple_opts(argc, argv, "check",
                    "Usage: %s check [--index DIR]\n"
                    "Verify every structure of the index (checksums, postings, dictionaries,\n"
                    "stored text).  Exit status 0 if sound, 1 if damaged, 2 if it cannot open.\n",
                    &dir, NULL))
        return 0;
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    int rc = ndx_index_check(ix, print_problem, NULL);
    ndx_stats st;
    ndx_index_stats(ix, &st);
    if (rc)
        fprintf(stderr, "%s: index is damaged: %s\n", prog, ndx_errmsg(ix));
    else
        printf("ok: %" PRIu64 " documents in %" PRIu64 " segments, generation %" PRIu64 "\n",
               st.documents, st.segments, st.generation);
    ndx_index_close(ix);
    return rc ? 1 : 0;
}

static int cmd_optimize(int argc, char **argv)
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

/* ---- export / related --------------------------------------------------------------------- */

struct export_ctx {
    int csv;
    unsigned long n;
};

static void csv_field(const char *s, size_t n, int last)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putchar('"');
        putchar(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    }
    putchar('"');
    putchar(last ? '\n' : ',');
}

static int export_one(void *ctx, const ndx_article *a)
{
    struct export_ctx *e = ctx;
    e->n++;
    char date[32] = "";
    if (a->published != NDX_DATE_UNKNOWN) {
        time_t tt = (time_t)a->published;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    if (e->csv) {
        printf("%" PRIu64 ",", a->id);
        csv_field(a->url, a->nurl, 0);
        csv_field(a->source, a->nsource, 0);
        printf("%s,", date);
        csv_field(a->title, a->ntitle, 0);
        printf("%" PRIu64 ",%d,", a->story, (a->flags & NDX_ART_WIRE) != 0);
        csv_field(a->lang, a->nlang, 1);
    } else {
        json_t *o = ndxx_export_json(a);
        print_json(o);
    }
    return ferror(stdout) ? 1 : 0;
}

static int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"query", required_argument, 0, 'q'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir = NULL, *query = "";
    struct export_ctx e = {0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "i:q:f:h", opts, NULL)) != -1) {
        if (c == 'i')
            dir = optarg;
        else if (c == 'q')
            query = optarg;
        else if (c == 'f') {
            if (!strcmp(optarg, "csv"))
                e.csv = 1;
            else if (strcmp(optarg, "jsonl"))
                die_usage("export", "--format takes jsonl or csv");
        } else if (c == 'h') {
            printf("Usage: %s export [--index DIR] [--query Q] [--format jsonl|csv]\n"
                   "Stream every matching article (all of them; no query = every article) with\n"
                   "id, url, source, date, title, story id, wire flag and language.\n",
                   prog);
            return 0;
        } else
            die_usage("export", "unknown option");
    }
    if (optind < argc)
        die_usage("export", "give the query with --query");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    if (e.csv)
        printf("id,url,source,date,title,story,wire,lang\n");
    size_t errpos = 0;
    int rc = ndx_export(ix, query, strlen(query), export_one, &e, &errpos);
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG)
        fprintf(stderr, "%s: query error: %s\n  %s\n  %*s^\n", prog, ndx_errmsg(ix), query,
                (int)errpos, "");
    else if (rc < 0)
        fprintf(stderr, "%s: export failed: %s\n", prog, ndx_errmsg(ix));
    else
        fprintf(stderr, "export: %lu articles\n", e.n);
    ndx_index_close(ix);
    return rc < 0 ? 2 : 0;
}

static int cmd_related(int argc, char **argv)
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
                   "Articles related to one: more-like-this from its distinctive words, favouring\n"
                   "nearby dates; copies of the same story are left out.  Each with its teaser.\n",
                   prog);
            return 0;
        } else
            die_usage("related", "unknown option");
    }
    if (optind + 1 != argc)
        die_usage("related", "give one article id or URL");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    uint64_t id;
    ndx_results *res = NULL;
    const char *key = argv[optind];
    if (ndx_index_lookup(ix, key, strlen(key), &id) || ndx_related(ix, id, &so, &res)) {
        fprintf(stderr, "%s: %s\n", prog, ndx_errmsg(ix));
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
                   (int)h->ntitle, h->title, (int)h->nsource, h->nsource ? h->source : "-", date,
                   h->id, (int)h->nteaser, h->teaser);
        }
    }
    ndx_results_free(res);
    ndx_index_close(ix);
    return 0;
}

/* ---- main --------------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "newsdex %s - a news archive you can question\n\n"
            "Usage: %s COMMAND [OPTIONS] [ARGS]\n\n"
            "Commands:\n"
            "  ingest PATH...     add articles from files, directories or stdin (-)\n"
            "  search QUERY       ranked search with snippets (--json for JSON)\n"
            "  show ID|URL        print one stored article\n"
            "  related ID|URL     related stories, with teasers\n"
            "  export             stream every matching article (JSONL or CSV)\n"
            "  delete ID|URL...   delete articles\n"
            "  stats              counts and sizes\n"
            "  check              verify the index\n"
            "  optimize           merge segments\n"
            "  extract FILE...    print the article found in HTML pages (--json)\n"
            "  serve              HTTP/JSON API and web page on 127.0.0.1:8080\n"
            "  version            print the version\n\n"
            "Every command takes --index DIR (default $NEWSDEX_INDEX or ./newsdex-index)\n"
            "and --help.  Example:\n"
            "  %s ingest sample/ && %s search 'port strike' --limit 5\n",
            NDX_VERSION_STRING, prog, prog, prog);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    argc--;
    argv++;
    if (!strcmp(cmd, "ingest"))
        return cmd_ingest(argc, argv);
    if (!strcmp(cmd, "search"))
        return cmd_search(argc, argv);
    if (!strcmp(cmd, "show"))
        return cmd_show(argc, argv);
    if (!strcmp(cmd, "delete"))
        return cmd_delete(argc, argv);
    if (!strcmp(cmd, "stats"))
        return cmd_stats(argc, argv);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc, argv);
    if (!strcmp(cmd, "optimize"))
        return cmd_optimize(argc, argv);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc, argv);
    if (!strcmp(cmd, "related"))
        return cmd_related(argc, argv);
    if (!strcmp(cmd, "extract"))
        return ndx_cmd_extract(argc, argv);
    if (!strcmp(cmd, "serve"))
        return ndx_cmd_serve(argc, argv);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("newsdex %s\n", NDX_VERSION_STRING);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "%s: unknown command '%s'\n\n", prog, cmd);
    usage(stderr);
    return 2;
}
