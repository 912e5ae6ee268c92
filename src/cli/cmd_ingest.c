/*
 * cmd_ingest.c - `newsdex ingest PATH...`: read files, directories and stdin into the index,
 * with progress on a terminal, problems reported as FILE:LINE: REASON and a summary.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

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
           "(read recursively) or - for standard input.  gzip, xz, bzip2 and zstd files are\n"
           "decompressed and tar and zip archives read member by member, whatever their names.\n"
           "Formats are detected by content: plain text (headline line, then a paragraph per\n"
           "line), JSONL (one article per line, news-please field names), one news-please JSON\n"
           "article per file, HTML pages (the article is extracted), RSS/Atom/JSON Feed (one\n"
           "article per item), WARC/ARC web archives (HTML responses are extracted),\n"
           "collections of documents (Reuters <REUTERS>, TREC <DOC>, Sogou <doc> files: one\n"
           "article per record) and Usenet posts or e-mails (headers, then the body).\n"
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
           "  --encoding NAME      character encoding of text, JSON, mail and SGML files (any\n"
           "                       name iconv knows: gbk, latin1, shift_jis); default: detected\n"
           "                       (byte order mark, declaration, UTF-8, else a guess, reported)\n"
           "  --source NAME        source of articles that name none (default: the URL's host)\n"
           "  --lang CODE          language of articles that name none (default: detected)\n"
           "  -q, --quiet          no progress line, no notes, no summary unless something\n"
           "                       was skipped\n\n"
           "Problems are reported on standard error as FILE:LINE: REASON; the batch goes on.\n"
           "Exit status: 0 all read, 1 something was skipped, 2 fatal error.\n",
           prog);
}

int ndx_cmd_ingest(int argc, char **argv)
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
                                         {"encoding", required_argument, 0, 'E'},
                                         {"source", required_argument, 0, 'O'},
                                         {"lang", required_argument, 0, 'G'},
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
        case 'E': {
            iconv_t cd = iconv_open("UTF-8", optarg);
            if (cd == (iconv_t)-1) {
                fprintf(stderr, "%s ingest: --encoding: unknown character encoding '%s'\n", prog,
                        optarg);
                exit(2);
            }
            iconv_close(cd);
            g.ropts.encoding = optarg;
            break;
        }
        case 'O':
            if (!*optarg)
                die_usage("ingest", "--source takes a name");
            g.ropts.source = optarg;
            break;
        case 'G':
            if (strlen(optarg) != 2 || optarg[0] < 'a' || optarg[0] > 'z' || optarg[1] < 'a' ||
                optarg[1] > 'z')
                die_usage("ingest", "--lang takes a two-letter ISO 639-1 code (en, zh, ja...)");
            g.ropts.lang = optarg;
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
