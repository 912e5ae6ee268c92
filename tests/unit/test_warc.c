/*
 * test_warc.c - web archives (lib/ingest/warc.c): WARC records built in memory, plain and one
 * gzip member per record (warcinfo, request, metadata, chunked + gzip-encoded HTML response with
 * an HTTP charset, non-HTML response, HTML resource, redirect); the skip summary note; target URI
 * as url and WARC-Date as the fallback date; truncation and corrupt headers reported at
 * file@offset with the records before kept; the payload cap; ARC v1; the shared corpora
 * (resiliparse, warcio, ukwa) read without harm.
 */
#include "harness.h"
#include "collect.h"
#include "ingest/ingest.h"
#include "ndx_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static struct coll *read_mem(const void *p, size_t n, int *rc)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_cb cb = {on_article, on_problem, NULL, c};
    *rc = ndx_read_mem(p, n, "w", NULL, &cb);
    return c;
}

static const char *find_problem(const struct coll *c, const char *what)
{
    for (int i = 0; i < c->nprob && i < 32; i++) {
        if (strstr(c->what[i], what))
            return c->where[i];
    }
    return NULL;
}

static void dump(const struct coll *c)
{
    for (int i = 0; i < c->nprob && i < 32; i++)
        fprintf(stderr, "    problem: %s: %s\n", c->where[i], c->what[i]);
}

/* ---- building archives -------------------------------------------------------------------------
 */

struct mem {
    char *p;
    size_t n, cap;
};

static void put(struct mem *m, const void *p, size_t n)
{
    if (m->n + n + 1 > m->cap) {
        m->cap = (m->n + n + 1) * 2;
        m->p = realloc(m->p, m->cap);
    }
    memcpy(m->p + m->n, p, n);
    m->n += n;
    m->p[m->n] = 0;
}

static void puts_(struct mem *m, const char *s)
{
    put(m, s, strlen(s));
}

static void gz(const void *p, size_t n, struct mem *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&zs, n) + 64;
    char *buf = malloc(cap);
    zs.next_in = (Bytef *)p;
    zs.avail_in = (uInt)n;
    zs.next_out = (Bytef *)buf;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    put(out, buf, cap - zs.avail_out);
    deflateEnd(&zs);
    free(buf);
}

/* Append a WARC record; `gzip`: as its own gzip member. */
static void record(struct mem *m, int gzip, const char *type, const char *uri, const char *ctype,
                   const void *block, size_t n)
{
    struct mem r = {0};
    char h[1024];
    snprintf(h, sizeof h,
             "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Date: 2019-03-05T10:00:00Z\r\n%s%s%s"
             "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
             type, uri ? "WARC-Target-URI: " : "", uri ? uri : "", uri ? "\r\n" : "", ctype, n);
    puts_(&r, h);
    put(&r, block, n);
    puts_(&r, "\r\n\r\n");
    if (gzip)
        gz(r.p, r.n, m);
    else
        put(m, r.p, r.n);
    free(r.p);
}

static const char *PAGE =
    "<html><head><title>Harbour bridge approved</title></head><body><article>"
    "<h1>Harbour bridge approved</h1>"
    "<p>The city council voted on Tuesday to approve the new harbour bridge, ending a decade of "
    "debate over the crossing, its cost and its effect on the ferry services that carry "
    "commuters across the harbour every morning.</p>"
    "<p>Council members said the bridge would cost about 400 million dollars, shared between the "
    "city and the regional transport authority, and that construction could start next spring "
    "if the final design is approved by the planning board.</p>"
    "<p>Ferry operators warned that the bridge would cut their commuter traffic by half, and "
    "asked the council to fund a transition plan for the crews and the harbour terminals that "
    "depend on the morning crossings, caf\xe9 owners included.</p>"
    "</article></body></html>";

/* An HTTP response: chunked and gzip-encoded, Latin-1 charset in the header. */
static void http_response(struct mem *out)
{
    struct mem body = {0}, z = {0};
    gz(PAGE, strlen(PAGE), &z);
    puts_(&body, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n"
                 "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n");
    size_t half = z.n / 2;
    char line[32];
    snprintf(line, sizeof line, "%zx\r\n", half);
    puts_(&body, line);
    put(&body, z.p, half);
    snprintf(line, sizeof line, "\r\n%zx;ext=1\r\n", z.n - half);
    puts_(&body, line);
    put(&body, z.p + half, z.n - half);
    puts_(&body, "\r\n0\r\n\r\n");
    put(out, body.p, body.n);
    free(body.p);
    free(z.p);
}

static struct mem archive(int gzip)
{
    struct mem m = {0}, resp = {0};
    const char *info = "software: test\r\nformat: WARC File Format 1.0\r\n";
    record(&m, gzip, "warcinfo", NULL, "application/warc-fields", info, strlen(info));
    const char *req = "GET /bridge HTTP/1.1\r\nHost: news.example.com\r\n\r\n";
    record(&m, gzip, "request", "http://news.example.com/bridge",
           "application/http; msgtype=request", req, strlen(req));
    http_response(&resp);
    record(&m, gzip, "response", "http://news.example.com/bridge",
           "application/http; msgtype=response", resp.p, resp.n);
    const char *meta = "fetchTimeMs: 12\r\n";
    record(&m, gzip, "metadata", "http://news.example.com/bridge", "application/warc-fields", meta,
           strlen(meta));
    const char *png = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\0\0\0";
    record(&m, gzip, "response", "http://news.example.com/logo.png",
           "application/http; msgtype=response", png, 52);
    const char *redirect = "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Type: text/html\r\n\r\n"
                           "<html>moved</html>";
    record(&m, gzip, "response", "http://news.example.com/old",
           "application/http; msgtype=response", redirect, strlen(redirect));
    record(&m, gzip, "resource", "http://news.example.com/bridge2", "text/html; charset=utf-8",
           PAGE, strlen(PAGE));
    free(resp.p);
    return m;
}

TEST(warc_plain_and_gzip_members)
{
    for (int gzip = 0; gzip < 2; gzip++) {
        struct mem m = archive(gzip);
        int rc;
        struct coll *c = read_mem(m.p, m.n, &rc);
        CHECK_EQ(rc, NDX_OK);
        CHECK_EQ(c->n, 2);
        if (c->n == 2) {
            CHECK_STR(c->a[0].url, "http://news.example.com/bridge");
            CHECK_STR(c->a[1].url, "http://news.example.com/bridge2");
            CHECK(c->a[0].body && strstr(c->a[0].body, "harbour bridge"));
            CHECK(c->a[0].body && strstr(c->a[0].body, "caf\xc3\xa9 owners")); /* Latin-1 */
            CHECK_EQ(c->a[0].published, 1551780000); /* WARC-Date: the page has none */
        }
        CHECK_EQ(c->nprob, 1);
        CHECK(find_problem(c, "note: 7 WARC records, 2 HTML pages, 2 articles; 5 skipped "
                              "(warcinfo 1, request 1, metadata 1, non-HTML 1, HTTP status not "
                              "2xx 1)"));
        if (c->nprob != 1)
            dump(c);
        coll_free(c);
        free(m.p);
    }
}

TEST(warc_truncated_keeps_records_before)
{
    for (int gzip = 0; gzip < 2; gzip++) {
        struct mem m = archive(gzip);
        /* cut inside the last record (the resource) */
        size_t cut = m.n - 200;
        int rc;
        struct coll *c = read_mem(m.p, cut, &rc);
        CHECK_EQ(rc, NDX_OK);
        CHECK_EQ(c->n, 1);
        const char *w = find_problem(c, "truncated");
        CHECK(w && !strncmp(w, "w@", 2));
        if (!w)
            dump(c);
        coll_free(c);
        free(m.p);
    }
}

TEST(warc_corrupt_header_resync)
{
    struct mem m = {0}, resp = {0};
    const char *info = "software: test\r\n";
    record(&m, 0, "warcinfo", NULL, "application/warc-fields", info, strlen(info));
    size_t bad_at = m.n;
    puts_(&m, "garbage that is not a record\r\nmore garbage\r\n");
    http_response(&resp);
    record(&m, 0, "response", "http://news.example.com/bridge",
           "application/http; msgtype=response", resp.p, resp.n);
    /* a record without Content-Length, then a good one */
    puts_(&m, "WARC/1.0\r\nWARC-Type: response\r\n\r\nxx\r\n\r\n");
    record(&m, 0, "resource", "http://news.example.com/bridge2", "text/html", PAGE, strlen(PAGE));
    int rc;
    struct coll *c = read_mem(m.p, m.n, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 2);
    char want[64];
    snprintf(want, sizeof want, "w@%zu", bad_at);
    const char *w = find_problem(c, "corrupt WARC record (no WARC/ header line)");
    CHECK(w && !strcmp(w, want));
    CHECK(find_problem(c, "corrupt WARC record (no valid Content-Length)"));
    if (!w)
        dump(c);
    coll_free(c);
    free(m.p);
    free(resp.p);
}

TEST(warc_payload_cap)
{
    struct mem m = archive(0);
    size_t saved = ndx__warc_limits.max_payload;
    ndx__warc_limits.max_payload = strlen(PAGE) - 1;
    int rc;
    struct coll *c = read_mem(m.p, m.n, &rc);
    ndx__warc_limits.max_payload = saved;
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 1); /* the chunked response is small; the resource is not */
    char want[64];
    snprintf(want, sizeof want, "larger than %zu, skipped", strlen(PAGE) - 1);
    CHECK(find_problem(c, want));
    coll_free(c);
    free(m.p);
}

TEST(warc_arc_v1)
{
    struct mem m = {0};
    const char *ver = "1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n";
    char h[256];
    snprintf(h, sizeof h, "filedesc://test.arc 0.0.0.0 20190305100000 text/plain %zu\n%s\n",
             strlen(ver), ver);
    puts_(&m, h);
    char http[4096];
    snprintf(http, sizeof http,
             "HTTP/1.0 200 OK\nContent-Type: text/html; charset=iso-8859-1\n\n%s", PAGE);
    snprintf(h, sizeof h, "http://news.example.com/a b 1.2.3.4 20190305100000 text/html %zu\n",
             strlen(http));
    puts_(&m, h);
    puts_(&m, http);
    puts_(&m, "\n");
    int rc;
    struct coll *c = read_mem(m.p, m.n, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 1);
    if (c->n == 1) {
        CHECK_STR(c->a[0].url, "http://news.example.com/a b");
        CHECK_EQ(c->a[0].published, 1551780000);
    }
    CHECK(find_problem(c, "note: 2 ARC records, 1 HTML pages, 1 articles"));
    coll_free(c);
    free(m.p);
}

static struct coll *read_file(const char *rel, int *rc)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_cb cb = {on_article, on_problem, NULL, c};
    *rc = ndx_read_file(shared(rel), NULL, &cb);
    return c;
}

TEST(warc_corpus_resiliparse)
{
    int rc;
    struct coll *c = read_file("corpora/warc/resiliparse/warcfile.warc.gz", &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK(c->n >= 10 && c->n <= 16);
    CHECK(find_problem(c, "note: 50 WARC records, 16 HTML pages"));
    for (int i = 0; i < c->n && i < 64; i++)
        CHECK(c->a[i].url && !strncmp(c->a[i].url, "http", 4));
    coll_free(c);
    c = read_file("corpora/warc/resiliparse/clipped.warc.gz", &rc);
    const char *w = find_problem(c, "truncated gzip");
    CHECK(w && strstr(w, "clipped.warc.gz@"));
    coll_free(c);
}

TEST(warc_corpus_fixtures_no_harm)
{
    static const char *const files[] = {
        "corpora/warc/warcio/example.warc.gz",
        "corpora/warc/warcio/example.warc",
        "corpora/warc/warcio/example.arc",
        "corpora/warc/warcio/example.arc.gz",
        "corpora/warc/warcio/example-trunc.warc",
        "corpora/warc/warcio/bad.arc",
        "corpora/warc/warcio/example-bad.warc.gz.bad",
        "corpora/warc/warcio/example-wrong-chunks.warc.gz",
        "corpora/warc/warcio/example-iana.org-chunked.warc",
        "corpora/warc/warcio/example-resource.warc.gz",
        "corpora/warc/ukwa/small-arcs-and-warcs/"
        "IAH-20080430204825-00000-blackbook-truncated.arc.gz",
        "corpora/warc/resiliparse/clueweb-quirk.warc.gz",
    };
    static const int min_articles[] = {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0};
    for (size_t i = 0; i < NDX_ARRAY_LEN(files); i++) {
        int rc;
        struct coll *c = read_file(files[i], &rc);
        CHECK(rc == NDX_OK || rc == NDX_EFORMAT);
        if (c->n < min_articles[i])
            fprintf(stderr, "  %s: %d articles\n", files[i], c->n);
        CHECK(c->n >= min_articles[i]);
        coll_free(c);
    }
}
