/*
 * cmd_ingest.c - `newsdex ingest PATH...`: read files, directories and stdin into the index,
 * with progress on a terminal, problems reported as FILE:LINE: REASON and a summary.
 */
#include "cli/cli.h"
#include "common/outcome.h"
#include "cli/commands.h"
#include "cli/ingest_walk.h"
#include "common/json_out.h"

#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <inttypes.h>
#include <limits.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

struct reason {
    char *what;
    unsigned long count;
};

/* An article added since the last commit, to name it if an analysis thread fails on it. */
struct added {
    uint64_t id;
    const char *file;
    unsigned long record; /* 1 for the file's first article */
    int outcome;
};

struct ingest {
    ndx_index *ix;
    ndx_reader_opts ropts;
    struct ndxx_outcomes n; /* what ndx_index_add did with each article */
    unsigned long rejected, files, files_failed;
    unsigned long warnings;
    struct reason reasons[64];
    int nreasons;
    unsigned long long commit_every, since_commit;
    int log_commits, quiet, tty;
    int lines, pct; /* --progress off a terminal: a whole line per percent read; its last */
    double t0, last_progress;
    uint64_t bytes_total, bytes_done_files, bytes_file;
    size_t nfiles_total;
    int fatal, verbose, commit_failed;
    struct reason not_taken[16];
    int nnot_taken;
    size_t last_segs;               /* segments of the handle at the last commit */
    unsigned long long uncommitted; /* articles added since the last successful commit */
    const char *cur_file;
    uint64_t *urls; /* hashes of the URLs added in this run (open addressing) */
    size_t nurls, capurls;
    unsigned long repeated;     /* URLs seen twice with different texts: both kept */
    unsigned long long no_body; /* records of collections without body text (not taken) */
    int json;                   /* --json: the summary (and a fatal error) as JSON on stdout */
    int absolute;               /* --absolute-paths: file:// URLs kept as the library makes them */
    char *base;          /* the directory holding the index: local paths are relative to it */
    char *file_prefix;   /* "file://" + the current file's resolved path, or NULL */
    char *file_rel;      /* "file:" + that path relative to base */
    char fatal_msg[512]; /* with --json: the fatal error, for the summary */
    int keep_listings;   /* --keep-listings: listing pages are added, marked */
    struct added *added; /* the articles added since the last commit */
    size_t nadded, capadded;
    const char *rec_file; /* the file whose records rec counts */
    unsigned long rec;
};

/* A fatal error: on stderr, and kept for the JSON summary (--json). */
static void ingest_fatal(struct ingest *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ingest_fatal(struct ingest *g, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", prog, msg);
    if (g->json && !g->fatal_msg[0])
        snprintf(g->fatal_msg, sizeof g->fatal_msg, "%s", msg);
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* The URL prefix the reader gives a local file (file:// + its resolved path) and what ingest
 * records instead (file: + the path relative to the directory that holds the index, so that the
 * same file has the same URL whatever directory ingest runs in), unless --absolute-paths. */
static void set_file_prefix(struct ingest *g, const char *path)
{
    free(g->file_prefix);
    free(g->file_rel);
    g->file_prefix = g->file_rel = NULL;
    char abs[PATH_MAX];
    if (g->absolute || !g->base || !strcmp(path, "-") || !realpath(path, abs))
        return;
    char *rel = walk_relative_path(abs, g->base);
    if (!rel || asprintf(&g->file_prefix, "file://%s", abs) < 0 ||
        asprintf(&g->file_rel, "file:%s", rel) < 0)
        exit(2);
    free(rel);
}

/* The URL u (n bytes) with the current file's file:// prefix replaced by its relative form
 * (malloc'd), or NULL when it does not start with that prefix (followed by the end, '/' for an
 * archive member or '#' for a teaser stub). */
static char *relative_url(const struct ingest *g, const char *u, size_t n)
{
    size_t np = g->file_prefix ? strlen(g->file_prefix) : 0;
    if (!np || !u || n < np || memcmp(u, g->file_prefix, np) ||
        (n > np && u[np] != '/' && u[np] != '#'))
        return NULL;
    char *out;
    if (asprintf(&out, "%s%.*s", g->file_rel, (int)(n - np), u + np) < 0)
        exit(2);
    return out;
}

/* FNV-1a of a URL; 0 is kept for "empty slot". */
static uint64_t url_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ? h : 1;
}

/* Add the hash to the set; 1 if it was there already. */
static int url_seen(struct ingest *g, uint64_t h)
{
    if (g->nurls * 2 >= g->capurls) {
        size_t cap = g->capurls ? g->capurls * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t) {
            fprintf(stderr, "%s: out of memory\n", prog);
            exit(2);
        }
        for (size_t i = 0; i < g->capurls; i++) {
            if (!g->urls[i])
                continue;
            size_t j = g->urls[i] & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = g->urls[i];
        }
        free(g->urls);
        g->urls = t;
        g->capurls = cap;
    }
    size_t j = h & (g->capurls - 1);
    while (g->urls[j]) {
        if (g->urls[j] == h)
            return 1;
        j = (j + 1) & (g->capurls - 1);
    }
    g->urls[j] = h;
    g->nurls++;
    return 0;
}

static void count_reason(struct ingest *g, const char *what)
{
    size_t n = strcspn(what, ":(");
    while (n && what[n - 1] == ' ')
        n--;
    if (n > 9 && !strncmp(what + n - 9, ", skipped", 9)) /* "skipped 3: binary file" */
        n -= 9;
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

/* A whole file that holds no article (a JSON file of other data): counted, printed with -v.
 * Problems at a place inside a file ("file:LINE", "file@OFFSET", "file#N") are always printed. */
static int is_no_article(const char *where, const char *what)
{
    if (strcmp(what, "no article text") && strcmp(what, "no articles found") &&
        strcmp(what, "no article text in the page"))
        return 0;
    size_t n = strlen(where), k = n;
    while (k && where[k - 1] >= '0' && where[k - 1] <= '9')
        k--;
    return !(k < n && k && (where[k - 1] == ':' || where[k - 1] == '@' || where[k - 1] == '#'));
}

static void on_problem(void *ctx, const char *where, const char *what)
{
    struct ingest *g = ctx;
    /* a collection's records without body text (Reuters has thousands): summed in the summary,
     * one line per file with -v */
    unsigned long long nobody, nrec;
    char tail;
    if (sscanf(what, "note: %llu of %llu records hold no body text, not taken%c", &nobody, &nrec,
               &tail) == 2) {
        g->no_body += nobody;
        if (!g->verbose)
            return;
    }
    if (is_note(what) && g->quiet)
        return;
    if (!is_no_article(where, what) || g->verbose) {
        clear_progress(g);
        fprintf(stderr, "%s: %s\n", where, what);
    }
    if (is_note(what))
        return;
    if (is_warning(what))
        g->warnings++;
    else
        count_reason(g, what);
}

/* A file of a directory that is never an article: counted apart, printed with -v. */
static void on_skip(void *ctx, const char *path, const char *why)
{
    struct ingest *g = ctx;
    if (g->verbose)
        fprintf(stderr, "%s: not read: %s\n", path, why);
    for (int i = 0; i < g->nnot_taken; i++) {
        if (!strcmp(g->not_taken[i].what, why)) {
            g->not_taken[i].count++;
            return;
        }
    }
    if (g->nnot_taken < 16) {
        g->not_taken[g->nnot_taken].what = strdup(why);
        g->not_taken[g->nnot_taken++].count = 1;
    }
}

static void walk_problem(void *ctx, const char *path, const char *what)
{
    on_problem(ctx, path, what);
}

static void progress(struct ingest *g, int force)
{
    if ((!g->tty && !g->lines) || g->quiet)
        return;
    double t = now_s();
    if (g->lines && g->bytes_total) { /* as many lines whatever the speed */
        int pct =
            (int)(100.0 * (double)(g->bytes_done_files + g->bytes_file) / (double)g->bytes_total);
        if (pct <= g->pct || pct > 100) /* never back, whatever a file's own count says */
            return;
        g->pct = pct;
    } else if (!force && t - g->last_progress < 0.5) {
        return;
    }
    g->last_progress = t;
    double el = t - g->t0 > 1e-6 ? t - g->t0 : 1e-6;
    unsigned long docs = ndxx_outcome_total(&g->n);
    double done = (double)(g->bytes_done_files + g->bytes_file);
    double mbs = done / el / 1e6;
    char eta[32] = "";
    if (g->bytes_total && done > 0 && done < (double)g->bytes_total) {
        double left = ((double)g->bytes_total - done) / (done / el);
        snprintf(eta, sizeof eta, ", ETA %dm%02ds", (int)left / 60, (int)left % 60);
    }
    if (g->lines && g->bytes_total)
        fprintf(stderr, "ingest: %d%%, ", g->pct);
    else
        fprintf(stderr, "%singest: ", g->lines ? "" : "\r\033[K");
    fprintf(stderr, "%lu docs, %.0f docs/s, %.1f MB/s, files %lu/%zu%s%s", docs, (double)docs / el,
            mbs, g->files, g->nfiles_total, eta, g->lines ? "\n" : "");
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
        ingest_fatal(g, "commit failed: %s", ndx_errmsg(g->ix));
        g->fatal = 1;
        g->commit_failed = 1;
        return rc;
    }
    /* articles an analysis thread failed on: left out of the commit, the others kept */
    uint64_t id;
    int err;
    while (ndx_index_next_failure(g->ix, &id, &err)) {
        size_t k = g->nadded;
        while (k && g->added[k - 1].id != id)
            k--;
        clear_progress(g);
        if (k) {
            struct added *a = &g->added[k - 1];
            fprintf(stderr, "%s: record %lu: not indexed: %s\n", a->file, a->record,
                    ndx_strerror(err));
            if (a->outcome == NDX_ADDED && g->n.added)
                g->n.added--;
            else if (a->outcome == NDX_UPDATED && g->n.updated)
                g->n.updated--;
        } else {
            fprintf(stderr, "%s: article %" PRIu64 ": not indexed: %s\n", prog, id,
                    ndx_strerror(err));
        }
        g->warnings++;
        count_reason(g, "failed in analysis (not indexed)");
    }
    g->nadded = 0;
    g->since_commit = 0;
    g->uncommitted = 0;
    g->last_segs = ndx_index_segment_count(g->ix);
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
    if (stop_signal)
        return 1; /* SIGINT / SIGTERM: stop after the article before */
    if (g->rec_file != g->cur_file)
        g->rec_file = g->cur_file, g->rec = 0;
    g->rec++;
    if ((a->flags & NDX_ART_LISTING) && !g->keep_listings) {
        /* a section front, tag or category page: its text is teasers of other pages */
        if (g->verbose) {
            clear_progress(g);
            fprintf(stderr, "%.*s: listing page, skipped\n", (int)a->nurl, a->url ? a->url : "");
        }
        count_reason(g, "listing page (not an article; --keep-listings keeps it)");
        return 0;
    }
    /* the same URL twice in this run: the second is added under URL#2 (#3...), so that a
     * different text is kept beside the first and an identical one counts as a duplicate */
    ndx_article b, r;
    char *alt = NULL, *rel = relative_url(g, a->url, a->nurl);
    char *relp = relative_url(g, a->parent, a->nparent);
    if (rel || relp) {
        /* the URL the reader gave a local file: its path relative to the working directory */
        r = *a;
        if (rel)
            r.url = rel, r.nurl = strlen(rel);
        if (relp)
            r.parent = relp, r.nparent = strlen(relp);
        a = &r;
    }
    if (a->nurl && url_seen(g, url_hash(a->url, a->nurl))) {
        for (int k = 2;; k++) {
            free(alt);
            if (asprintf(&alt, "%.*s#%d", (int)a->nurl, a->url, k) < 0)
                exit(2);
            if (!url_seen(g, url_hash(alt, strlen(alt))))
                break;
        }
        b = *a;
        b.url = alt;
        b.nurl = strlen(alt);
        a = &b;
    }
    int rc = ndx_index_add(g->ix, a, &outcome, &id);
    free(rel);
    free(relp);
    if (rc == NDX_EINVAL) {
        g->rejected++;
        count_reason(g, "no article text");
        free(alt);
        return 0;
    }
    if (rc) {
        clear_progress(g);
        ingest_fatal(g, "%s", ndx_errmsg(g->ix));
        g->fatal = 1;
        free(alt);
        return 1;
    }
    if (alt && outcome == NDX_ADDED) {
        g->repeated++;
        if (!g->quiet) {
            clear_progress(g);
            fprintf(stderr, "%s: note: URL repeated with another text, kept as %s\n",
                    g->cur_file ? g->cur_file : "-", alt);
        }
    }
    free(alt);
    ndxx_outcome_count(&g->n, outcome);
    if (outcome == NDX_ADDED || outcome == NDX_UPDATED) {
        if (g->nadded == g->capadded) {
            g->capadded = g->capadded ? 2 * g->capadded : 1024;
            if (!(g->added = realloc(g->added, g->capadded * sizeof *g->added)))
                exit(2);
        }
        g->added[g->nadded++] =
            (struct added){id, g->cur_file ? g->cur_file : "-", g->rec, outcome};
    }
    g->uncommitted++;
    /* commit whenever a segment was written (its cost is paid), or every N articles if asked */
    if (ndx_index_segment_count(g->ix) > g->last_segs && do_commit(g))
        return 1;
    if (g->commit_every && ++g->since_commit >= g->commit_every && do_commit(g))
        return 1;
    progress(g, 0);
    return 0;
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
           "  --json               the summary as one JSON object on standard output (with\n"
           "                       \"error\" and \"status\" after a fatal error)\n"
           "  --absolute-paths     give a local file without a URL the URL file:// + its\n"
           "                       absolute path (default: file: + its path relative to the\n"
           "                       directory holding the index, file:bbc/tech/001.txt)\n"
           "  --field MAP          JSON field names, e.g. body=text,date=published,title=headline\n"
           "                       (keys: url source title authors body lang date), or a\n"
           "                       keyword field: section=meta.section, tags=keywords (a string\n"
           "                       or an array of strings; search section:sport, --facet\n"
           "                       section); repeatable\n"
           "  --format FMT         auto (default), text, jsonl, json, html, feed or warc\n"
           "  --commit-every N     commit after every N articles too (by default a commit\n"
           "                       follows every segment written, and the end of the run)\n"
           "  --include GLOB       read only the files of directories matching GLOB (a name,\n"
           "                       or a path under the directory when GLOB holds a '/');\n"
           "                       repeatable\n"
           "  --exclude GLOB       leave out the files matching GLOB; repeatable\n"
           "  --memory MB          indexing buffer before a segment is written (default 256)\n"
           "  --threads N          analyse articles on N threads (default: one per core); the\n"
           "                       index is the same whatever N\n"
           "  --no-stem            when creating the index: index exact word forms\n"
           "  --simple             when creating the index: simple analysis (lower-cased letter\n"
           "                       and digit runs only), to compare counts with other engines\n"
           "  --story-threshold J  similarity (0.1-1, default 0.4) from which an article joins\n"
           "                       the story of a stored one (syndicated copies)\n"
           "  --drop-stubs         drop teaser stubs found after an article (default: keep them\n"
           "                       as separate articles marked truncated)\n"
           "  --keep-listings      add HTML listing pages (section fronts, tag and category\n"
           "                       pages: teasers of other pages), marked page type listing\n"
           "                       (default: skipped, counted in the summary)\n"
           "  --log-commits        print a line on standard output after every commit\n"
           "  --encoding NAME      character encoding of text, JSON, mail and SGML files (any\n"
           "                       name iconv knows: gbk, latin1, shift_jis); default: detected\n"
           "                       (byte order mark, declaration, UTF-8, else a guess, reported)\n"
           "  --source NAME        source of articles that name none (default: the URL's host)\n"
           "  --lang CODE          language of articles that name none (default: detected)\n"
           "  -v, --verbose        one line for each file that holds no article or is not read\n"
           "  -q, --quiet          no progress line, no notes, no summary unless something\n"
           "                       was skipped\n"
           "  --progress           the progress line (on a terminal by default) also when\n"
           "                       standard error is not one: a line per percent read\n\n"
           "In directories, hidden entries, version-control folders, README/LICENSE/CHANGES-\n"
           "style files and source code are not read (counted in the summary).  The same URL\n"
           "twice in one run: an identical text is a duplicate, another text is kept as URL#2.\n"
           "SIGINT or SIGTERM stops after the current article, commits and exits 130 or 143.\n"
           "Problems are reported on standard error as FILE:LINE: REASON; the batch goes on.\n"
           "Exit status: 0 all read, 1 something was skipped, 2 fatal error.\n",
           prog);
}

int ndx_cmd_ingest(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, 0, 'i'},    {"json", no_argument, 0, 'j'},
        {"absolute-paths", no_argument, 0, 'a'}, {"field", required_argument, 0, 'f'},
        {"format", required_argument, 0, 'F'},   {"commit-every", required_argument, 0, 'c'},
        {"memory", required_argument, 0, 'm'},   {"threads", required_argument, 0, 't'},
        {"no-stem", no_argument, 0, 'S'},        {"simple", no_argument, 0, 'P'},
        {"drop-stubs", no_argument, 0, 'D'},     {"story-threshold", required_argument, 0, 'T'},
        {"log-commits", no_argument, 0, 'L'},    {"encoding", required_argument, 0, 'E'},
        {"source", required_argument, 0, 'O'},   {"lang", required_argument, 0, 'G'},
        {"include", required_argument, 0, 'I'},  {"exclude", required_argument, 0, 'X'},
        {"keep-listings", no_argument, 0, 'K'},  {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},          {"progress", no_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    struct ingest g;
    memset(&g, 0, sizeof g);
    const char *dir = NULL;
    unsigned long long mem = 256, threads = 0;
    double threshold = 0;
    int flags = NDX_OPEN_WRITE | NDX_OPEN_CREATE, c;
    const char **incl = calloc((size_t)argc, sizeof *incl),
               **excl = calloc((size_t)argc, sizeof *excl);
    size_t nincl = 0, nexcl = 0;
    if (!incl || !excl)
        exit(2);
    while ((c = getopt_long(argc, argv, "i:qvh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            dir = optarg;
            break;
        case 'f': { /* repeatable: the maps are joined with ',' (kept for the run) */
            static char *joined;
            size_t have = joined ? strlen(joined) : 0;
            char *m = realloc(joined, have + strlen(optarg) + 2);
            if (!m)
                exit(2);
            sprintf(m + have, "%s%s", have ? "," : "", optarg);
            g.ropts.field_map = joined = m;
            break;
        }
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
        case 't':
            if (parse_size(optarg, &threads) || threads < 1 || threads > 64)
                die_usage("ingest", "--threads takes a number from 1 to 64");
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
        case 'K':
            g.keep_listings = 1;
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
        case 'j':
            g.json = 1;
            break;
        case 'a':
            g.absolute = 1;
            break;
        case 'E': {
            iconv_t cd = iconv_open("UTF-8", optarg);
            if (cd == (iconv_t)-1) {
                char msg[200];
                snprintf(msg, sizeof msg, "--encoding: unknown character encoding '%.64s'", optarg);
                json_error(2, msg, NULL);
                fprintf(stderr, "%s ingest: %s\n", prog, msg);
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
        case 'I':
            incl[nincl++] = optarg;
            break;
        case 'X':
            excl[nexcl++] = optarg;
            break;
        case 'v':
            g.verbose = 1;
            break;
        case 'q':
            g.quiet = 1;
            break;
        case 'R':
            g.lines = 1; /* kept only when standard error is not a terminal */
            break;
        case 'h':
            usage_ingest();
            free(incl);
            free(excl);
            return 0;
        default:
            die_option("ingest", argv, opts);
        }
    }
    if (optind >= argc)
        die_usage("ingest", "no input: give files, directories or - for standard input");
    g.tty = isatty(2);
    g.lines = g.lines && !g.tty;
    g.pct = -1;
    g.ix = open_index(index_dir(dir), flags);
    char ixabs[PATH_MAX];
    if (!g.absolute && realpath(index_dir(dir), ixabs)) {
        char *slash = strrchr(ixabs, '/');
        if (slash == ixabs)
            slash[1] = 0; /* an index in / itself */
        else if (slash)
            *slash = 0;
        if (!(g.base = strdup(ixabs)))
            exit(2);
    }
    ndx_index_set_memory_limit(g.ix, (size_t)mem << 20);
    if (ndx_index_set_threads(g.ix, (unsigned)threads)) {
        ingest_fatal(&g, "%s", ndx_errmsg(g.ix));
        exit(2);
    }
    if (threshold > 0)
        ndx_index_set_dup_threshold(g.ix, threshold);
    struct pathlist files = {0};
    struct walk_opts wo = {incl, excl, nincl, nexcl, walk_problem, on_skip, &g};
    for (int i = optind; i < argc; i++)
        walk_path(argv[i], &files, &wo);
    g.nfiles_total = files.n;
    for (size_t i = 0; i < files.n; i++)
        g.bytes_total += files.size[i];
    g.t0 = now_s();
    g.last_segs = ndx_index_segment_count(g.ix);
    /* Ctrl-C or a kill: finish the article being added, commit, summarise */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ndx_reader_cb cb = {on_article, on_problem, on_progress, &g};
    for (size_t i = 0; i < files.n && !g.fatal && !stop_signal; i++) {
        g.bytes_file = 0;
        g.cur_file = files.p[i];
        set_file_prefix(&g, files.p[i]);
        int rc = ndx_read_file(files.p[i], &g.ropts, &cb);
        if (rc == NDX_EINVAL && g.ropts.field_map) {
            /* a bad --field map fails every file alike: stop */
            clear_progress(&g);
            fprintf(stderr, "%s ingest: invalid --field map\n", prog);
            if (g.json)
                snprintf(g.fatal_msg, sizeof g.fatal_msg, "ingest: invalid --field map");
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
    uint64_t held;
    if (g.commit_failed) {
        /* what the index holds is what its last commit holds: read it back */
        ndx_index *rd = NULL;
        ndx_stats cst;
        held = ndx_index_open(index_dir(dir), NDX_OPEN_READ, &rd, NULL) == NDX_OK &&
                       ndx_index_stats(rd, &cst) == NDX_OK
                   ? cst.documents
                   : 0;
        ndx_index_close(rd);
    } else {
        ndx_stats st;
        ndx_index_stats(g.ix, &st);
        held = st.documents;
    }
    unsigned long skipped = 0;
    for (int i = 0; i < g.nreasons; i++)
        skipped += g.reasons[i].count;
    if (g.json) {
        json_t *o = json_object(), *why = json_object(), *nr = json_object();
        json_object_set_new(o, "added", json_integer((json_int_t)g.n.added));
        json_object_set_new(o, "updated", json_integer((json_int_t)g.n.updated));
        json_object_set_new(o, "duplicates", json_integer((json_int_t)g.n.duplicates));
        json_object_set_new(o, "unchanged", json_integer((json_int_t)g.n.unchanged));
        json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
        for (int i = 0; i < g.nreasons; i++)
            json_object_set_new(why, g.reasons[i].what,
                                json_integer((json_int_t)g.reasons[i].count));
        json_object_set_new(o, "skipped_reasons", why);
        for (int i = 0; i < g.nnot_taken; i++)
            json_object_set_new(nr, g.not_taken[i].what,
                                json_integer((json_int_t)g.not_taken[i].count));
        json_object_set_new(o, "not_read", nr);
        json_object_set_new(o, "repeated_urls", json_integer((json_int_t)g.repeated));
        json_object_set_new(o, "records_without_body", json_integer((json_int_t)g.no_body));
        json_object_set_new(o, "warnings", json_integer((json_int_t)g.warnings));
        json_object_set_new(o, "seconds", json_real(el));
        json_object_set_new(o, "articles", json_integer((json_int_t)held));
        json_object_set_new(o, "uncommitted",
                            json_integer(g.commit_failed ? (json_int_t)g.uncommitted : 0));
        json_object_set_new(o, "interrupted",
                            stop_signal ? json_string(stop_signal == SIGINT ? "SIGINT" : "SIGTERM")
                                        : json_null());
        if (g.fatal)
            json_error(2, g.fatal_msg[0] ? g.fatal_msg : "ingest failed", o);
        else
            print_json(o);
    } else if (!g.quiet || skipped || g.fatal || stop_signal) {
        fprintf(stderr,
                "ingest: %lu added, %lu updated, %lu duplicate%s, %lu unchanged, %lu skipped "
                "in %.2fs (%.1f MB/s); index holds %" PRIu64 " article%s\n",
                g.n.added, g.n.updated, g.n.duplicates, g.n.duplicates == 1 ? "" : "s",
                g.n.unchanged, skipped, el, el > 0 ? (double)g.bytes_done_files / el / 1e6 : 0.0,
                held, held == 1 ? "" : "s");
        if (g.commit_failed)
            fprintf(stderr,
                    "  commit failed: the last %llu article%s read were not committed (the "
                    "index holds its last commit)\n",
                    g.uncommitted, g.uncommitted == 1 ? "" : "s");
        if (stop_signal && !g.fatal)
            fprintf(stderr, "  interrupted by %s: everything read until then was committed\n",
                    stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        for (int i = 0; i < g.nreasons; i++)
            fprintf(stderr, "  skipped %lu: %s\n", g.reasons[i].count, g.reasons[i].what);
        for (int i = 0; i < g.nnot_taken; i++)
            fprintf(stderr, "  not read %lu: %s\n", g.not_taken[i].count, g.not_taken[i].what);
        if (g.repeated)
            fprintf(stderr, "  %lu URL%s repeated with another text: both kept\n", g.repeated,
                    g.repeated == 1 ? "" : "s");
        if (g.no_body)
            fprintf(stderr,
                    "  not taken %llu: collection record%s without body text (-v: per file)\n",
                    g.no_body, g.no_body == 1 ? "" : "s");
        if (g.warnings)
            fprintf(stderr, "  %lu warning%s (see above)\n", g.warnings,
                    g.warnings == 1 ? "" : "s");
    }
    for (int i = 0; i < g.nreasons; i++)
        free(g.reasons[i].what);
    for (int i = 0; i < g.nnot_taken; i++)
        free(g.not_taken[i].what);
    pathlist_free(&files);
    set_file_prefix(&g, "-");
    free(g.base);
    free(g.urls);
    free(g.added);
    free(incl);
    free(excl);
    ndx_index_close(g.ix);
    if (g.fatal)
        return 2;
    if (stop_signal)
        return 128 + stop_signal;
    return skipped ? 1 : 0;
}
