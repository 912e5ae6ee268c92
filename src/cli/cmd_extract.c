/*
 * cmd_extract.c - `newsdex extract [--json] [--time] [--url URL] FILE...`: print the articles found
 * in files: the article of an HTML page (title, byline, date, language, body text), and for any
 * other input what `newsdex ingest` would take from it (a plain-text page and the teaser stubs
 * after it, the items of a feed, the pages of a web archive, JSON articles).  Files may be
 * gzip-compressed; "-" reads stdin.  With --json (or --jsonl) each article gives one JSON object
 * on one line: {"file","url","title","byline","date","lang","text"} with paragraphs separated by
 * blank lines, "truncated" and "found_on" for a teaser stub, or "error" when a file gave nothing.
 * --time reports on stderr the time spent inside the HTML extractor (wall and CPU, pages/s and
 * MB/s), excluding reading files and printing.
 * Exit status: 0 every file gave an article, 1 some did not, 2 usage error.
 */
#include <ctype.h>
#include "newsdex.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define MAX_FILE ((size_t)256 << 20)

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read a whole file, gunzipping it if compressed (zlib reads plain files as they are). */
static char *read_all(const char *path, size_t *n)
{
    struct stat st;
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    gzFile f = strcmp(path, "-") == 0 ? gzdopen(0, "rb") : gzopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        gzclose(f);
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_FILE)
                break;
            cap *= 2;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                gzclose(f);
                return NULL;
            }
            buf = p;
        }
        int k = gzread(f, buf + len, (unsigned)(cap - len));
        if (k < 0) {
            int err;
            gzerror(f, &err);
            if (len == 0) {
                free(buf);
                gzclose(f);
                errno = EIO;
                return NULL;
            }
            break; /* truncated gzip: keep what was read */
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    gzclose(f);
    *n = len;
    return buf;
}

static json_t *jstr(const char *s, size_t n)
{
    if (!s)
        return json_string("");
    json_t *j = json_stringn(s, n);
    return j ? j : json_string("");
}

static void date_str(int64_t t, char *buf, size_t n, int iso)
{
    if (t == NDX_DATE_UNKNOWN) {
        buf[0] = 0;
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (iso)
        strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
        strftime(buf, n, "%Y-%m-%d", &tm);
    else
        strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

/* body paragraphs are '\n'-separated: write them with blank lines between */
static char *paragraphs(const char *s, size_t n, size_t *outn)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    char *o = malloc(n + lines + 1);
    if (!o)
        return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        o[w++] = s[i];
        if (s[i] == '\n')
            o[w++] = '\n';
    }
    o[w] = 0;
    *outn = w;
    return o;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: newsdex extract [--json] [--time] [--url URL] FILE...\n"
               "Print the article found in an HTML page, or what `newsdex ingest` would take from\n"
               "any other file: a text page and the teaser stubs after it, the items of a feed,\n"
               "the pages of a web archive (files may be gzip'd; - = stdin).\n"
               "  --json, --jsonl  one JSON object per article and line:\n"
               "                   {file,url,title,byline,date,lang,page_type,text\n"
               "                   [,truncated,found_on]}; page_type: article, listing or other\n"
               "  --url URL        address of the page (single file; helps dates and links)\n"
               "  --time           report time spent extracting HTML (pages/s, MB/s) on stderr\n");
}

/* One article, as text (a header block, then the paragraphs) or as one JSON line. */
/* The keyword fields of an article ("name\tvalue\n" lines) as {"name": ["value", ...]}. */
static json_t *fields_json(const ndx_article *a)
{
    json_t *o = json_object();
    const char *p = a->fields, *e = a->fields ? a->fields + a->nfields : NULL;
    while (p && p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        if (tab) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(tab - p), p);
            json_t *arr = json_object_get(o, name);
            if (!arr) {
                arr = json_array();
                json_object_set_new(o, name, arr);
            }
            json_array_append_new(arr, jstr(tab + 1, (size_t)(le - tab - 1)));
        }
        p = nl ? nl + 1 : e;
    }
    return o;
}

static void print_article(const char *path, const ndx_article *a, int json, int named)
{
    char date[40];
    size_t tn = 0;
    char *text = paragraphs(a->body ? a->body : "", a->nbody, &tn);
    int teaser = (a->flags & NDX_ART_TEASER) != 0;
    if (json) {
        json_t *o = json_object();
        date_str(a->published, date, sizeof date, 1);
        json_object_set_new(o, "file", json_string(path));
        json_object_set_new(o, "url", jstr(a->url, a->nurl));
        json_object_set_new(o, "title", jstr(a->title, a->ntitle));
        json_object_set_new(o, "byline", jstr(a->authors, a->nauthors));
        json_object_set_new(o, "date", date[0] ? json_string(date) : json_null());
        json_object_set_new(o, "lang", jstr(a->lang, a->nlang));
        if (a->nsource)
            json_object_set_new(o, "source", jstr(a->source, a->nsource));
        if (a->nfields)
            json_object_set_new(o, "fields", fields_json(a));
        json_object_set_new(o, "page_type", json_string(ndxx_page_type(a->flags)));
        json_object_set_new(o, "text", jstr(text, tn));
        if (teaser) {
            json_object_set_new(o, "truncated", json_true());
            json_object_set_new(o, "found_on", jstr(a->parent, a->nparent));
        }
        char *j = json_dumps(o, JSON_COMPACT);
        if (j)
            puts(j);
        free(j);
        json_decref(o);
    } else {
        date_str(a->published, date, sizeof date, 0);
        if (named)
            printf("==> %s <==\n", path);
        printf("URL:    %.*s\nTitle:  %.*s\nByline: %.*s\nDate:   %s\nLang:   %.*s\n", (int)a->nurl,
               a->url ? a->url : "", (int)a->ntitle, a->title ? a->title : "", (int)a->nauthors,
               a->authors ? a->authors : "", date, (int)a->nlang, a->lang ? a->lang : "");
        if (a->nsource)
            printf("Source: %.*s\n", (int)a->nsource, a->source);
        if (a->nfields) {
            json_t *f = fields_json(a);
            const char *k;
            json_t *v;
            json_object_foreach(f, k, v)
            {
                printf("%c%s:%*s", toupper((unsigned char)k[0]), k + 1,
                       (int)(strlen(k) < 7 ? 7 - strlen(k) : 1), "");
                size_t i;
                json_t *x;
                json_array_foreach(v, i, x) printf("%s%s", i ? ", " : "", json_string_value(x));
                fputc('\n', stdout);
            }
            json_decref(f);
        }
        if (a->flags & (NDX_ART_LISTING | NDX_ART_OTHER_PAGE))
            printf("Page:   %s\n", ndxx_page_type(a->flags));
        if (teaser)
            printf("Teaser: truncated, found on %.*s\n", (int)a->nparent,
                   a->parent ? a->parent : "");
        fputc('\n', stdout);
        if (text) {
            fwrite(text, 1, tn, stdout);
            fputc('\n', stdout);
        }
    }
    free(text);
}

/* The JSON line of a file that gave no article. */
static void print_error(const char *path, int rc)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(path));
    json_object_set_new(o, "text", json_string(""));
    json_object_set_new(o, "error", json_string(ndx_errname(rc)));
    char *j = json_dumps(o, JSON_COMPACT);
    if (j)
        puts(j);
    free(j);
    json_decref(o);
}

/* An HTML page: markup whose first element is not the root of a feed (rss, feed, rdf:RDF), or
 * text holding <html, <head, <body or <!doctype html near its start (a page after stray bytes). */
static int looks_html(const char *s, size_t n)
{
    char head[2049];
    size_t m = 0;
    for (size_t k = 0; k < n && m < sizeof head - 1; k++)
        head[m++] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]);
    head[m] = 0;
    const char *p = head;
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    for (;;) { /* white space, <?xml ...?>, comments and <!DOCTYPE ...> before the first element */
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        const char *e = NULL;
        if (!strncmp(p, "<?", 2))
            e = strstr(p, "?>");
        else if (!strncmp(p, "<!--", 4))
            e = strstr(p, "-->");
        else if (!strncmp(p, "<!", 2))
            e = strchr(p, '>');
        else
            break;
        if (!e)
            break;
        p = strchr(e, '>') + 1;
    }
    if (*p == '<')
        return strncmp(p, "<rss", 4) && strncmp(p, "<feed", 5) && strncmp(p, "<rdf:rdf", 8) &&
               strncmp(p, "<reuters", 8) && strncmp(p, "<doc", 4); /* collections (sgml.c) */
    return strstr(head, "<html") || strstr(head, "<head") || strstr(head, "<body") ||
           strstr(head, "<!doctype html");
}

struct other {
    const char *path;
    int json, named;
    unsigned long articles;
};

static int other_article(void *ctx, const ndx_article *a)
{
    struct other *o = ctx;
    if (o->articles && !o->json)
        fputc('\n', stdout);
    print_article(o->path, a, o->json, o->named);
    o->articles++;
    return 0;
}

static void other_problem(void *ctx, const char *where, const char *what)
{
    (void)ctx;
    fprintf(stderr, "newsdex extract: %s: %s\n", where, what);
}

int ndx_cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"jsonl", no_argument, 0, 'j'},
        {"time", no_argument, 0, 't'}, {"url", required_argument, 0, 'u'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int json = 0, timing = 0, c;
    const char *url = NULL;
    while ((c = getopt_long(argc, argv, "jtu:h", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 't')
            timing = 1;
        else if (c == 'u')
            url = optarg;
        else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            die_option("extract", argv, opts);
        }
    }
    if (optind >= argc)
        die_usage("extract", "no input file");
    int status = 0;
    double wall = 0, cpu = 0;
    unsigned long pages = 0;
    unsigned long long bytes = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        size_t n = 0;
        char *html = read_all(path, &n);
        if (!html) {
            fprintf(stderr, "newsdex extract: %s: %s\n", path, strerror(errno ? errno : EIO));
            status = 1;
            if (json)
                print_error(path, NDX_EIO);
            continue;
        }
        int named = argc - optind > 1;
        if (!looks_html(html, n)) {
            /* any other input: what ingest would take from it */
            struct other o = {path, json, named, 0};
            ndx_reader_cb cb = {other_article, other_problem, NULL, &o};
            ndx_reader_opts ro = {0};
            int rc = strcmp(path, "-") ? ndx_read_file(path, &ro, &cb)
                                       : ndx_read_mem(html, n, "<stdin>", &ro, &cb);
            free(html);
            if (!o.articles) {
                status = 1;
                if (json)
                    print_error(path, rc ? rc : NDX_EFORMAT);
            }
            if (!json && i + 1 < argc && o.articles)
                fputc('\n', stdout);
            continue;
        }
        ndx_article *a = NULL;
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = ndx_extract_html(html, n, url, url ? strlen(url) : 0, &a);
        wall += clock_s(CLOCK_MONOTONIC) - w0;
        cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        pages++;
        bytes += n;
        free(html);
        if (rc) {
            status = 1;
            if (!json)
                fprintf(stderr, "newsdex extract: %s: %s\n", path, ndx_strerror(rc));
        }
        if (a) {
            print_article(path, a, json, named);
            if (!json && i + 1 < argc)
                fputc('\n', stdout);
        } else if (json) {
            print_error(path, rc);
        }
        ndx_article_free(a);
    }
    if (timing) {
        double w = wall > 1e-9 ? wall : 1e-9;
        fprintf(stderr,
                "extract-time: pages=%lu bytes=%llu wall_s=%.6f cpu_s=%.6f pages_per_s=%.1f "
                "mb_per_s=%.2f\n",
                pages, bytes, wall, cpu, (double)pages / w, (double)bytes / 1e6 / w);
    }
    fflush(stdout);
    return status;
}
