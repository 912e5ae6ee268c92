/*
 * ndx_bench.c - the newsdex benchmark driver, linked against the library (libnewsdex.a, the static
 * library).  Driven by bench/run; file formats in bench/benchio.h.
 *
 *   ndx_bench build INDEX_DIR docs.tsv simple|default     build + optimize to one segment; prints
 *                                                          one JSON line (wall, cpu, rss, docs)
 *   ndx_bench query INDEX_DIR queries.tsv OUT.tsv WARMUP REPS
 *                                                          TOP10, COUNT and TOP10+snippets passes
 *   ndx_bench hits INDEX_DIR queries.tsv OUT               the hits of every query as the CLI
 *                                                          shows them (one per story, snippets and
 *                                                          teasers), one line each: to compare
 *                                                          two builds' answers
 *   ndx_bench micro docs.tsv MB                            tokenizer MB/s (both modes) and postings
 *                                                          block decode integers/s
 *   ndx_bench html LIST                                    HTML extraction by stage over the pages
 *                                                          listed (one path per line, gzip or not):
 *                                                          whole extraction, the pre-pass, and
 *                                                          libxml2 alone (no-op handlers) on the
 *                                                          pre-pass output with and without
 *                                                          slimmed tags
 * Only the call loop is timed (ndx_search + ndx_results_free), never process start-up.  TOP10
 * asks for ids only (ids_only, no story counts) as the peers return ids; COUNT asks for the exact
 * total and no hits (limit 0); the snippet pass asks for full hits with snippets.  With
 * NDX_BENCH_COLLAPSE=1 the TOP10 and snippet passes collapse copies by story and count stories
 * (what the CLI and the API do by default).
 */
#include "newsdex.h"
#include "benchio.h"
#include "extract/extract.h"
#include "index/index.h"
#include "text/text.h"

#include "libxml2_noop.h"

#include <limits.h>
#include <time.h>
#include <zlib.h>

static FILE *open_or_die(const char *p)
{
    FILE *f = fopen(p, "r");
    if (!f) {
        perror(p);
        exit(2);
    }
    return f;
}

static int cmd_build(const char *dir, const char *docs, int simple)
{
    ndx_index *ix;
    char *err = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | (simple ? NDX_OPEN_SIMPLE : 0),
                            &ix, &err);
    if (rc) {
        fprintf(stderr, "open %s: %s\n", dir, err ? err : ndx_strerror(rc));
        return 1;
    }
    FILE *f = open_or_die(docs);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long ndoc = 0, added = 0, bytes = 0;
    double w0 = b_now(), c0 = b_cpu();
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d)) {
            fprintf(stderr, "bad line %lld\n", ndoc);
            return 1;
        }
        char url[64];
        int nurl = snprintf(url, sizeof url, "bench:%lld", ndoc);
        ndx_article a = {0};
        a.url = url;
        a.nurl = (size_t)nurl;
        a.title = d.title;
        a.ntitle = d.ntitle;
        a.body = d.body;
        a.nbody = d.nbody;
        a.lang = d.lang;
        a.nlang = strlen(d.lang);
        a.published = d.has_date ? d.published : NDX_DATE_UNKNOWN;
        a.ingested = 1700000000;
        int oc;
        rc = ndx_index_add(ix, &a, &oc, NULL);
        if (rc) {
            fprintf(stderr, "add %lld: %s\n", ndoc, ndx_errmsg(ix));
            return 1;
        }
        if (oc == NDX_ADDED)
            added++;
        else
            fprintf(stderr, "ndx_bench: doc %lld not added (outcome %d)\n", ndoc, oc);
        bytes += (long long)(d.ntitle + d.nbody);
        ndoc++;
    }
    double w1 = b_now(), c1 = b_cpu();
    if ((rc = ndx_index_commit(ix)) || (rc = ndx_index_optimize(ix, 1))) {
        fprintf(stderr, "commit: %s\n", ndx_errmsg(ix));
        return 1;
    }
    double w2 = b_now(), c2 = b_cpu();
    ndx_stats st;
    ndx_index_stats(ix, &st);
    printf("{\"engine\": \"newsdex\", \"docs\": %lld, \"added\": %lld, \"text_bytes\": %lld, "
           "\"wall_s\": %.3f, \"cpu_s\": %.3f, \"add_wall_s\": %.3f, \"add_cpu_s\": %.3f, "
           "\"commit_optimize_wall_s\": %.3f, \"maxrss_kb\": %ld, \"terms\": %llu, "
           "\"postings\": %llu, \"tokens\": %llu, \"index_bytes\": %llu}\n",
           ndoc, added, bytes, w2 - w0, c2 - c0, w1 - w0, c1 - c0, w2 - w1, b_maxrss_kb(),
           (unsigned long long)st.terms, (unsigned long long)st.postings,
           (unsigned long long)st.tokens, (unsigned long long)st.index_bytes);
    free(line);
    fclose(f);
    ndx_index_close(ix);
    return added == ndoc ? 0 : 3;
}

/* newsdex's query syntax: words ANDed by a space, NOT as a leading '-'. */
static size_t make_query(const struct bquery *q, char *out, size_t cap)
{
    static const struct b_syntax sx = {" ", " OR ", "", " -"};
    return b_query_text(q, &sx, out, cap);
}

/* Document number of a hit: from its URL ("bench:N"), fetched when the hit carries only ids. */
static long long docno_of(ndx_index *ix, const ndx_hit *h)
{
    if (h->nurl > 6 && !memcmp(h->url, "bench:", 6))
        return atoll(h->url + 6);
    ndx_article *a = NULL;
    long long n = -1;
    if (ndx_index_get(ix, h->id, &a) == NDX_OK && a->nurl > 6 && !memcmp(a->url, "bench:", 6))
        n = atoll(a->url + 6);
    ndx_article_free(a);
    return n;
}

/* One timed search; returns microseconds. */
static double run_one(ndx_index *ix, const char *qs, size_t nq, const ndx_search_opts *o,
                      struct bres *r, int record)
{
    ndx_results *res = NULL;
    double t0 = b_now();
    int rc = ndx_search(ix, qs, nq, o, &res, NULL);
    double t1 = b_now();
    if (rc == 0 && record) {
        if (o->want_count)
            r->count = (long long)ndx_results_total(res);
        if (o->limit) {
            r->ntop = 0;
            for (size_t i = 0; i < ndx_results_count(res) && i < 10; i++)
                r->top[r->ntop++] = docno_of(ix, ndx_results_hit(res, i));
        }
    }
    double t2 = b_now();
    ndx_results_free(res);
    t1 += b_now() - t2; /* timed: the search and the free, not the recording in between */
    if (rc) {
        fprintf(stderr, "query [%.*s]: %s\n", (int)nq, qs, ndx_errmsg(ix));
        exit(1);
    }
    return (t1 - t0) * 1e6;
}

static int cmd_query(const char *dir, const char *qpath, const char *out, int warmup, int reps)
{
    ndx_index *ix;
    char *err = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_READ, &ix, &err);
    if (rc) {
        fprintf(stderr, "open %s: %s\n", dir, err ? err : ndx_strerror(rc));
        return 1;
    }
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    struct bres *r = b_res_new(nq, reps);
    char(*text)[1024] = malloc(sizeof *text * (size_t)nq);
    size_t *ntext = malloc(sizeof *ntext * (size_t)nq);
    /* NDX_BENCH_COLLAPSE=1: TOP10 and snippets one hit per story with story counts */
    const char *ce = getenv("NDX_BENCH_COLLAPSE");
    int collapse = ce && !strcmp(ce, "1");
    ndx_search_opts *top = malloc(sizeof *top * (size_t)nq),
                    *cnt = malloc(sizeof *cnt * (size_t)nq),
                    *snip = malloc(sizeof *snip * (size_t)nq);
    for (int i = 0; i < nq; i++) {
        ntext[i] = make_query(&qs[i], text[i], sizeof text[i]);
        ndx_search_opts_init(&top[i]);
        top[i].limit = 10;
        top[i].collapse = 0;
        top[i].want_count = 0;
        top[i].want_snippets = 0; /* the default is 1 */
        top[i].ids_only = 1;      /* peers return ids too; no stored text is read */
        top[i].count_stories = 0;
        if (qs[i].from || qs[i].to) {
            top[i].date_from = qs[i].from;
            top[i].date_to = qs[i].to;
        }
        cnt[i] = top[i];
        cnt[i].want_count = 1;
        cnt[i].limit = 0; /* COUNT: the exact total only, no hits (as count(*) / count()) */
        snip[i] = top[i];
        snip[i].want_snippets = 1; /* full hits: stored text, snippets, teasers */
        snip[i].ids_only = 0;
        if (collapse) { /* the CLI's and the API's default view: one hit per story, counted */
            top[i].collapse = snip[i].collapse = 1;
            top[i].count_stories = snip[i].count_stories = 1;
        }
    }
    /* NDX_BENCH_ONLY=top|count|snip runs one mode only (for profiling) */
    const char *only = getenv("NDX_BENCH_ONLY");
    int do_top = !only || !strcmp(only, "top"), do_cnt = !only || !strcmp(only, "count"),
        do_snip = !only || !strcmp(only, "snip");
    for (int pass = 0; pass < warmup + reps; pass++) {
        int rep = pass - warmup, rec = pass == 0;
        for (int i = 0; i < nq; i++) {
            double a = do_top ? run_one(ix, text[i], ntext[i], &top[i], &r[i], rec) : 0;
            double b = do_cnt ? run_one(ix, text[i], ntext[i], &cnt[i], &r[i], rec) : 0;
            double c = do_snip ? run_one(ix, text[i], ntext[i], &snip[i], &r[i], 0) : 0;
            if (rep >= 0) {
                r[i].lat_top[rep] = a;
                r[i].lat_count[rep] = b;
                r[i].lat_snip[rep] = c;
            }
        }
    }
    b_write_results(out, qs, nq, r, reps, 1);
    fprintf(stderr, "ndx_bench: %d queries x %d reps, maxrss %ld kB\n", nq, reps, b_maxrss_kb());
    ndx_index_close(ix);
    return 0;
}

/* Every query's total and hits with snippets and teasers, as the CLI asks for them, and again one
 * hit per article: "qid view total" then per hit "id score title snippet teaser". */
static int cmd_hits(const char *dir, const char *qpath, const char *out)
{
    ndx_index *ix;
    char *err = NULL;
    if (ndx_index_open(dir, NDX_OPEN_READ, &ix, &err)) {
        fprintf(stderr, "open %s: %s\n", dir, err ? err : "failed");
        return 1;
    }
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        return 2;
    }
    char text[1024];
    for (int i = 0; i < nq; i++) {
        size_t n = make_query(&qs[i], text, sizeof text);
        for (int view = 0; view < 2; view++) {
            ndx_search_opts o;
            ndx_search_opts_init(&o);
            o.collapse = view == 0;
            if (qs[i].from || qs[i].to) {
                o.date_from = qs[i].from;
                o.date_to = qs[i].to;
            }
            ndx_results *res = NULL;
            if (ndx_search(ix, text, n, &o, &res, NULL)) {
                fprintf(f, "%s %d error %s\n", qs[i].qid, view, ndx_errmsg(ix));
                continue;
            }
            fprintf(f, "%s %d %llu\n", qs[i].qid, view, (unsigned long long)ndx_results_total(res));
            for (size_t k = 0; k < ndx_results_count(res); k++) {
                const ndx_hit *h = ndx_results_hit(res, k);
                fprintf(f, "  %llu %.9g %.*s\n    %.*s\n    %.*s\n", (unsigned long long)h->id,
                        h->score, (int)h->ntitle, h->title, (int)h->nsnippet, h->snippet,
                        (int)h->nteaser, h->teaser);
            }
            ndx_results_free(res);
        }
    }
    fclose(f);
    ndx_index_close(ix);
    return 0;
}

/* ---- micro-benchmarks ---------------------------------------------------------------------- */

static int count_tok(void *ctx, const char *t, size_t n, uint32_t pos, size_t s, size_t e,
                     unsigned fl)
{
    (void)t, (void)n, (void)pos, (void)s, (void)e, (void)fl;
    (*(uint64_t *)ctx)++;
    return 0;
}

static int cmd_micro(const char *docs, double mb)
{
    FILE *f = open_or_die(docs);
    size_t cap = (size_t)(mb * 1e6), n = 0;
    char *buf = malloc(cap + 1);
    struct bdoc *d = malloc(sizeof *d * 1000000);
    size_t nd = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t ln;
    while (n < cap && nd < 1000000 && (ln = getline(&line, &lcap, f)) > 0) {
        if (n + (size_t)ln > cap)
            break;
        memcpy(buf + n, line, (size_t)ln);
        if (b_parse_doc(buf + n, (size_t)ln, &d[nd]) == 0)
            nd++;
        n += (size_t)ln;
    }
    uint64_t bytes = 0;
    for (size_t i = 0; i < nd; i++)
        bytes += d[i].ntitle + d[i].nbody;
    for (int mode = 0; mode < 3; mode++) {
        struct ndx_analyzer an = {.stem = mode == 2, .simple = mode == 0};
        uint64_t toks = 0;
        double best = 1e9;
        for (int rep = 0; rep < 3; rep++) {
            toks = 0;
            double t0 = b_now();
            for (size_t i = 0; i < nd; i++) {
                ndx__analyze(&an, d[i].title, d[i].ntitle, d[i].lang, 0, count_tok, &toks, NULL);
                ndx__analyze(&an, d[i].body, d[i].nbody, d[i].lang, 0, count_tok, &toks, NULL);
            }
            double t = b_now() - t0;
            if (t < best)
                best = t;
        }
        printf("{\"micro\": \"tokenize_%s\", \"bytes\": %llu, \"tokens\": %llu, \"s\": %.4f, "
               "\"mb_per_s\": %.1f, \"mtok_per_s\": %.2f}\n",
               mode == 0   ? "simple"
               : mode == 1 ? "default_nostem"
                           : "default_stem",
               (unsigned long long)bytes, (unsigned long long)toks, best, bytes / best / 1e6,
               toks / best / 1e6);
    }
    /* postings block decode: bit-unpacking of 128-integer blocks at the widths seen in practice */
    static uint32_t v[NDX_BLOCK], o[NDX_BLOCK];
    for (unsigned b = 1; b <= 16; b *= 2) {
        struct ndx_buf pk;
        ndx__buf_init(&pk, 0);
        int rc = 0;
        uint32_t x = 12345;
        for (int i = 0; i < NDX_BLOCK; i++) {
            x = x * 1103515245u + 12345u;
            v[i] = (x >> 8) & ((1u << b) - 1);
        }
        ndx__pack(&pk, v, NDX_BLOCK, b, &rc);
        ndx__buf_append(&pk, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, &rc); /* padding */
        long iters = 2000000;
        uint64_t sink = 0;
        double t0 = b_now();
        for (long it = 0; it < iters; it++) {
            ndx__unpack(pk.p, o, NDX_BLOCK, b);
            sink += o[it & (NDX_BLOCK - 1)];
        }
        double t = b_now() - t0;
        printf("{\"micro\": \"unpack_%ubit\", \"ints_per_s\": %.0f, \"sink\": %llu}\n", b,
               (double)iters * NDX_BLOCK / t, (unsigned long long)(sink & 1));
        ndx__buf_free(&pk);
    }
    free(buf);
    free(d);
    free(line);
    fclose(f);
    return 0;
}

/* ---- html: extraction time by stage ------------------------------------------------------ */

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_html(const char *list)
{
    FILE *f = open_or_die(list);
    char *line = NULL;
    size_t cap = 0, pages = 0, bytes = 0, in_parser[2] = {0, 0};
    double t_all = 0, t_pre = 0, t_parse[2] = {0, 0};
    ssize_t len;
    struct ndx_buf page, u8, pre;
    ndx__buf_init(&page, 0);
    ndx__buf_init(&u8, 0);
    ndx__buf_init(&pre, 0);
    while ((len = getline(&line, &cap, f)) > 0) {
        line[strcspn(line, "\r\n")] = 0;
        gzFile g = gzopen(line, "rb");
        if (!g) {
            perror(line);
            continue;
        }
        ndx__buf_reset(&page);
        int k;
        while (!ndx__buf_reserve(&page, 1 << 16) && (k = gzread(g, page.p + page.n, 1 << 16)) > 0)
            page.n += (size_t)k;
        gzclose(g);
        pages++;
        bytes += page.n;
        /* 1: the whole extraction */
        struct ndx_extract e;
        ndx__extract_init(&e);
        double t0 = thread_cpu();
        ndx__extract_html((const char *)page.p, page.n, NULL, NULL, 0, &e);
        t_all += thread_cpu() - t0;
        ndx__extract_free(&e);
        /* the UTF-8 view the stages below start from (not timed) */
        const char *v = NULL;
        size_t nv = 0;
        ndx__buf_reset(&u8);
        if (ndx__charset_view((const char *)page.p, page.n, NULL, &u8, &v, &nv))
            continue;
        for (int slim = 0; slim < 2; slim++) {
            int rc = 0;
            ndx__buf_reset(&pre);
            t0 = thread_cpu();
            ndx__html_prestrip(v, nv, false, slim != 0, &pre, &rc);
            if (slim)
                t_pre += thread_cpu() - t0;
            in_parser[slim] += pre.n;
            t0 = thread_cpu();
            parse_noop((const char *)pre.p, pre.n);
            t_parse[slim] += thread_cpu() - t0;
        }
    }
    printf("{\"pages\": %zu, \"mb\": %.1f, \"extract_pages_per_cpu_s\": %.0f, "
           "\"prepass_pages_per_cpu_s\": %.0f, \"parser_mb_slim\": %.1f, "
           "\"parser_only_slim_pages_per_cpu_s\": %.0f, \"parser_mb_unslimmed\": %.1f, "
           "\"parser_only_unslimmed_pages_per_cpu_s\": %.0f, \"libxml2\": \"%s\"}\n",
           pages, bytes / 1e6, pages / t_all, pages / t_pre, in_parser[1] / 1e6, pages / t_parse[1],
           in_parser[0] / 1e6, pages / t_parse[0], xmlParserVersion);
    ndx__buf_free(&page);
    ndx__buf_free(&u8);
    ndx__buf_free(&pre);
    free(line);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "build"))
        return cmd_build(argv[2], argv[3], !strcmp(argv[4], "simple"));
    if (argc >= 7 && !strcmp(argv[1], "query"))
        return cmd_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    if (argc >= 5 && !strcmp(argv[1], "hits"))
        return cmd_hits(argv[2], argv[3], argv[4]);
    if (argc >= 4 && !strcmp(argv[1], "micro"))
        return cmd_micro(argv[2], atof(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "html"))
        return cmd_html(argv[2]);
    fprintf(stderr, "usage: ndx_bench build DIR docs.tsv simple|default\n"
                    "       ndx_bench query DIR queries.tsv out.tsv WARMUP REPS\n"
                    "       ndx_bench hits DIR queries.tsv out.txt\n"
                    "       ndx_bench micro docs.tsv MB\n"
                    "       ndx_bench html pages.list\n");
    return 2;
}
