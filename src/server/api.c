/*
 * api.c - the read endpoints of `newsdex serve`: search, document, related, stats, health and
 * the streamed export.  JSON shapes match the CLI (`search --json`, `show --json`,
 * `stats --json`); docs/API.md describes them.
 */
#include "server/server.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------------------------- */

srv_result api_busy(struct MHD_Connection *c, unsigned status, const char *msg)
{
    if (status == MHD_HTTP_TOO_MANY_REQUESTS || status == MHD_HTTP_SERVICE_UNAVAILABLE)
        return srv_send_retry(c, status, msg, 1);
    return srv_send_error(c, status, msg, NULL);
}

srv_result api_internal(struct MHD_Connection *c, ndx_index *ix, int rc)
{
    const char *m = ix ? ndx_errmsg(ix) : ndx_strerror(rc);
    unsigned st = rc == NDX_ENOMEM ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_INTERNAL_SERVER_ERROR;
    return srv_send_error(c, st, m && *m ? m : ndx_strerror(rc), NULL);
}

ndx_index *api_acquire(struct server *s, struct MHD_Connection *c, srv_result *ret)
{
    unsigned st;
    const char *msg;
    ndx_index *ix = srv_acquire(s, &st, &msg);
    if (!ix)
        *ret = api_busy(c, st, msg);
    return ix;
}

ndx_index *api_acquire_cached(struct server *s, struct MHD_Connection *c, const char *key,
                              size_t nkey, uint64_t *gen, srv_result *ret)
{
    ndx_index *ix = api_acquire(s, c, ret);
    if (!ix)
        return NULL;
    *gen = ndx_index_generation(ix);
    if (nkey && srv_send_from_cache(s, c, key, nkey, *gen, ret)) {
        srv_release(s, ix);
        return NULL;
    }
    return ix;
}

srv_result api_fail(struct server *s, struct MHD_Connection *c, ndx_index *ix, int rc)
{
    srv_result ret = api_internal(c, ix, rc);
    srv_release(s, ix);
    return ret;
}

srv_result api_query_failed(struct server *s, struct MHD_Connection *c, ndx_index *ix, int rc,
                            const char *q, size_t nq, size_t errpos)
{
    srv_result ret;
    if (rc == NDX_ESYNTAX || rc == NDX_ETOOBIG)
        ret = api_syntax_error(c, ix, q, nq, errpos);
    else if (rc == NDX_ERANGE || rc == NDX_EINVAL)
        ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, ndx_errmsg(ix), NULL);
    else
        ret = api_internal(c, ix, rc);
    srv_release(s, ix);
    return ret;
}

/* A date argument: 0 absent, 1 parsed into *out, -1 malformed. */
static int date_arg(struct MHD_Connection *c, const char *name, int end_of_day, int64_t *out)
{
    size_t n;
    const char *v = srv_arg(c, name, &n);
    if (!v || n == 0)
        return 0;
    if (n > 64 || date_bound(v, n, end_of_day, out))
        return -1;
    return 1;
}

int api_date_args(struct MHD_Connection *c, int64_t *from, int64_t *to, srv_result *ret)
{
    if (date_arg(c, "from", 0, from) < 0) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                              "from must be a date such as 2019-03-01, 2019-03 or 2019", NULL);
        return -1;
    }
    if (date_arg(c, "to", 1, to) < 0) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                              "to must be a date such as 2019-06-30, 2019-06 or 2019", NULL);
        return -1;
    }
    return 0;
}

size_t api_cache_key(char *key, size_t cap, int nk, const char *p, size_t n)
{
    if (nk <= 0 || (size_t)nk + n > cap)
        return 0;
    memcpy(key + nk, p, n);
    return (size_t)nk + n;
}

/* Query text from ?q=: 400 when missing or too long. */
const char *api_get_query(struct MHD_Connection *c, size_t *n, srv_result *ret)
{
    const char *q = srv_arg(c, "q", n);
    if (!q || *n == 0) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, "missing parameter q", NULL);
        return NULL;
    }
    if (*n > SRV_MAX_QUERY) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, "query too long (at most 4096 bytes)", NULL);
        return NULL;
    }
    return q;
}

srv_result api_syntax_error(struct MHD_Connection *c, ndx_index *ix, const char *q, size_t nq,
                            size_t pos)
{
    json_t *extra = json_object();
    json_object_set_new(extra, "position", json_integer((json_int_t)pos));
    json_object_set_new(extra, "query", ndxx_jstr(q, nq));
    return srv_send_error(c, MHD_HTTP_BAD_REQUEST, ndx_errmsg(ix), extra);
}

/* ---- GET /api/search ---------------------------------------------------------------------- */

srv_result api_search(struct server *s, struct MHD_Connection *c)
{
    srv_result ret;
    size_t nq;
    const char *q = api_get_query(c, &nq, &ret);
    if (!q)
        return ret;
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    uint64_t v;
    if (srv_arg_uint(c, "limit", SRV_MAX_LIMIT, 10, &v) < 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "limit must be a number from 0 to 1000",
                              NULL);
    so.limit = (size_t)v;
    if (srv_arg_uint(c, "offset", SRV_MAX_OFFSET, 0, &v) < 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "offset must be a number from 0 to 100000",
                              NULL);
    so.offset = (size_t)v;
    if (srv_arg_uint(c, "timeout_ms", 3600000, 0, &v) < 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                              "timeout_ms must be a number of milliseconds from 0 to 3600000",
                              NULL);
    so.timeout_ms = (unsigned)v; /* a complete answer is the same with or without: not keyed */
    size_t n;
    const char *sort = srv_arg(c, "sort", &n);
    if (sort && n) {
        if (!strcmp(sort, "relevance"))
            so.sort = NDX_SORT_RELEVANCE;
        else if (!strcmp(sort, "date"))
            so.sort = NDX_SORT_DATE;
        else if (!strcmp(sort, "date-asc"))
            so.sort = NDX_SORT_DATE_ASC;
        else
            return srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                                  "sort must be relevance, date or date-asc", NULL);
    }
    if (api_date_args(c, &so.date_from, &so.date_to, &ret) < 0)
        return ret;
    const char *col = srv_arg(c, "collapse", &n);
    if (col && n) {
        if (!strcmp(col, "0") || !strcmp(col, "false"))
            so.collapse = 0;
        else if (!strcmp(col, "1") || !strcmp(col, "true"))
            so.collapse = 1;
        else
            return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "collapse must be 0 or 1", NULL);
    }
    const char *snip = srv_arg(c, "snippets", &n);
    if (snip && !strcmp(snip, "0"))
        so.want_snippets = 0;
    const char *al = srv_arg(c, "aliases", &n); /* names in their other script (alias table) */
    if (al && n && strcmp(al, "0") && strcmp(al, "1"))
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "aliases must be 0 or 1", NULL);
    so.aliases = !(al && !strcmp(al, "0"));
    so.hl_open = "<mark>";
    so.hl_close = "</mark>";
    so.escape_html = 1;
    ndx_facet_spec specs[NDX_MAX_FACETS];
    ndx_analytics_opts an;
    char akey[API_ANALYTICS_KEY];
    if (api_analytics_args(c, &an, specs, akey, &ret) < 0)
        return ret;

    /* the canonical request: cache key */
    char key[160 + API_ANALYTICS_KEY + SRV_MAX_QUERY];
    int nk = snprintf(key, sizeof key, "search %zu %zu %d %d %d %d %lld %lld %s\n", so.limit,
                      so.offset, (int)so.sort, so.collapse, so.want_snippets, so.aliases,
                      (long long)so.date_from, (long long)so.date_to, akey);
    size_t nkey = api_cache_key(key, sizeof key, nk, q, nq);

    uint64_t gen;
    ndx_index *ix = api_acquire_cached(s, c, key, nkey, &gen, &ret);
    if (!ix)
        return ret;
    ndx_results *res = NULL;
    size_t errpos = 0;
    int rc = ndx_search_analytics(ix, q, nq, &so, &an, &res, &errpos);
    if (rc)
        return api_query_failed(s, c, ix, rc, q, nq, errpos);
    struct ndxx_text t = {0};
    int bad = ndxx_search_text(&t, q, nq, res, so.collapse, so.offset, so.want_snippets);
    if (ndx_results_partial(res))
        nkey = 0; /* cut short by timeout_ms: not cached */
    ndx_results_free(res);
    srv_release(s, ix);
    if (bad) {
        free(t.p);
        return srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
    }
    return srv_send_text_cached(s, c, t.p, t.n, key, nkey, gen);
}

/* ---- GET /api/doc/{id} -------------------------------------------------------------------- */

/* Look the key (id or URL) up and fetch the article; on failure the response is queued in *ret
 * and ix is released. */
static ndx_article *fetch(struct server *s, struct MHD_Connection *c, ndx_index *ix,
                          const char *key, size_t nkey, srv_result *ret)
{
    uint64_t id;
    ndx_article *a = NULL;
    int rc = ndx_index_lookup(ix, key, nkey, &id);
    if (rc == NDX_OK)
        rc = ndx_index_get(ix, id, &a);
    if (rc == NDX_ENOTFOUND || rc == NDX_EINVAL || rc == NDX_ERANGE) {
        *ret = srv_send_error(c, MHD_HTTP_NOT_FOUND, "no such article", NULL);
        srv_release(s, ix);
        return NULL;
    }
    if (rc) {
        *ret = api_fail(s, c, ix, rc);
        return NULL;
    }
    return a;
}

srv_result api_doc(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey)
{
    srv_result ret = MHD_NO;
    ndx_index *ix = api_acquire(s, c, &ret);
    if (!ix)
        return ret;
    ndx_article *a = fetch(s, c, ix, key, nkey, &ret);
    if (!a)
        return ret;
    json_t *j = ndxx_article_json(ix, a);
    ndx_article_free(a);
    srv_release(s, ix);
    return srv_send_json(c, MHD_HTTP_OK, j);
}

/* ---- GET /api/doc/{id}/related ------------------------------------------------------------ */

srv_result api_related(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey)
{
    uint64_t lim;
    if (srv_arg_uint(c, "limit", SRV_MAX_RELATED, 8, &lim) < 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "limit must be a number from 0 to 50", NULL);
    char ckey[64 + 2048];
    int nk = snprintf(ckey, sizeof ckey, "related %llu\n", (unsigned long long)lim);
    size_t nckey = api_cache_key(ckey, sizeof ckey, nk, key, nkey);
    srv_result ret;
    uint64_t gen;
    ndx_index *ix = api_acquire_cached(s, c, ckey, nckey, &gen, &ret);
    if (!ix)
        return ret;
    ndx_article *a = fetch(s, c, ix, key, nkey, &ret);
    if (!a)
        return ret;
    json_t *hits = json_array();
    if (lim) {
        ndx_search_opts so;
        ndx_search_opts_init(&so);
        so.limit = (size_t)lim;
        so.want_count = 0;
        so.hl_open = "<mark>";
        so.hl_close = "</mark>";
        so.escape_html = 1;
        ndx_results *res = NULL;
        int rc = ndx_related(ix, a->id, &so, &res);
        if (rc) {
            ret = api_internal(c, ix, rc);
            json_decref(hits);
            ndx_article_free(a);
            srv_release(s, ix);
            return ret;
        }
        size_t cnt = ndx_results_count(res);
        for (size_t i = 0; i < cnt; i++)
            json_array_append_new(hits, ndxx_hit_json(ndx_results_hit(res, i), 1));
        ndx_results_free(res);
    }
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)a->id));
    json_object_set_new(j, "hits", hits);
    ndx_article_free(a);
    srv_release(s, ix);
    if (!nckey)
        return srv_send_json(c, MHD_HTTP_OK, j);
    return srv_send_json_cached(s, c, j, ckey, nckey, gen);
}

/* ---- GET /api/stats, /api/health ---------------------------------------------------------- */

srv_result api_stats(struct server *s, struct MHD_Connection *c, int health)
{
    srv_result ret;
    ndx_index *ix = api_acquire(s, c, &ret);
    if (!ix)
        return ret;
    ndx_stats t;
    int rc = ndx_index_stats(ix, &t);
    if (rc)
        return api_fail(s, c, ix, rc);
    srv_release(s, ix);
    json_t *o = json_object();
    if (health) {
        json_object_set_new(o, "status", json_string("ok"));
        json_object_set_new(o, "documents", json_integer((json_int_t)t.documents));
        json_object_set_new(o, "generation", json_integer((json_int_t)t.generation));
        return srv_send_json(c, MHD_HTTP_OK, o);
    }
    json_decref(o);
    json_t *j = ndxx_stats_json(&t);
    uint64_t hits, misses;
    size_t entries, bytes;
    srv_cache_stats(&s->cache, &hits, &misses, &entries, &bytes);
    json_t *cj = json_object();
    json_object_set_new(cj, "budget_bytes", json_integer((json_int_t)s->cache.budget));
    json_object_set_new(cj, "bytes", json_integer((json_int_t)bytes));
    json_object_set_new(cj, "entries", json_integer((json_int_t)entries));
    json_object_set_new(cj, "hits", json_integer((json_int_t)hits));
    json_object_set_new(cj, "misses", json_integer((json_int_t)misses));
    json_object_set_new(j, "response_cache", cj);
    return srv_send_json(c, MHD_HTTP_OK, j);
}

/* ---- GET /api/export ---------------------------------------------------------------------- */

/*
 * Every match, streamed as chunked JSONL or CSV in bounded memory: the export pages through
 * ndx_search (date-asc, ids only, --export-page hits a page, increasing offset) on one read
 * handle that is not refreshed meanwhile, so the pages come from one commit; every hit is fetched
 * with ndx_index_get and written out.  Each page costs a full evaluation of the query (O(n log n)),
 * so large pages (25,000 by default, about 170 bytes each) keep an export of n matches near
 * O(n / 25,000 · n log n).
 */
struct export_state {
    struct server *s;
    ndx_index *ix;
    char *query;
    size_t nquery;
    int csv, text;
    ndx_search_opts so;
    ndx_results *res;
    size_t i, n; /* position in the current page */
    size_t next_offset;
    int done, failed;
    char *buf; /* pending output */
    size_t len, pos, cap;
};

static int buf_put(struct export_state *e, const char *p, size_t n)
{
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 4096;
        while (cap < e->len + n)
            cap *= 2;
        char *b = realloc(e->buf, cap);
        if (!b)
            return -1;
        e->buf = b;
        e->cap = cap;
    }
    memcpy(e->buf + e->len, p, n);
    e->len += n;
    return 0;
}

/* A quoted CSV field, as `newsdex export --format csv` writes it: '"' doubled, CR and LF made
 * spaces (one line per article). */
static int csv_field(struct export_state *e, const char *p, size_t n, int last)
{
    int rc = buf_put(e, "\"", 1);
    const char *start = p, *end = p + n;
    for (const char *q = p; q < end; q++) {
        if (*q != '"' && *q != '\n' && *q != '\r')
            continue;
        rc |= buf_put(e, start, (size_t)(q - start));
        rc |= buf_put(e, *q == '"' ? "\"\"" : " ", *q == '"' ? 2 : 1);
        start = q + 1;
    }
    rc |= buf_put(e, start, (size_t)(end - start));
    rc |= buf_put(e, last ? "\"\n" : "\",", 2);
    return rc;
}

/* One article as a line of `newsdex export` (src/cli/main.c), plus its text when asked. */
static int emit_article(struct export_state *e, const ndx_article *a)
{
    if (!e->csv) {
        json_t *o = ndxx_export_json(a);
        if (e->text)
            json_object_set_new(o, "text", ndxx_jstr(a->body, a->nbody));
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!s)
            return -1;
        int rc = buf_put(e, s, strlen(s)) | buf_put(e, "\n", 1);
        free(s);
        return rc;
    }
    char num[64], date[48] = "";
    json_t *d = ndxx_json_date(a->published);
    if (json_is_string(d))
        snprintf(date, sizeof date, "%s", json_string_value(d));
    json_decref(d);
    snprintf(num, sizeof num, "%llu,", (unsigned long long)a->id);
    int rc = buf_put(e, num, strlen(num));
    rc |= csv_field(e, a->url ? a->url : "", a->nurl, 0);
    rc |= csv_field(e, a->source ? a->source : "", a->nsource, 0);
    rc |= buf_put(e, date, strlen(date)) | buf_put(e, ",", 1);
    rc |= csv_field(e, a->title ? a->title : "", a->ntitle, 0);
    snprintf(num, sizeof num, "%llu,%d,", (unsigned long long)a->story,
             (a->flags & NDX_ART_WIRE) != 0);
    rc |= buf_put(e, num, strlen(num));
    rc |= csv_field(e, a->lang ? a->lang : "", a->nlang, !e->text);
    if (e->text)
        rc |= csv_field(e, a->body ? a->body : "", a->nbody, 1);
    return rc;
}

/* Fill the buffer with the next article: 1 done so, 0 no more, -1 failure. */
static int export_next(struct export_state *e)
{
    for (;;) {
        if (e->i < e->n) {
            const ndx_hit *h = ndx_results_hit(e->res, e->i++);
            ndx_article *a = NULL;
            int rc = ndx_index_get(e->ix, h->id, &a);
            if (rc == NDX_ENOTFOUND)
                continue;
            if (rc)
                return -1;
            rc = emit_article(e, a);
            ndx_article_free(a);
            return rc ? -1 : 1;
        }
        if (e->done)
            return 0;
        ndx_results_free(e->res);
        e->res = NULL;
        e->i = e->n = 0;
        e->so.offset = e->next_offset;
        size_t errpos;
        if (ndx_search(e->ix, e->query, e->nquery, &e->so, &e->res, &errpos) != NDX_OK)
            return -1;
        e->n = ndx_results_count(e->res);
        e->next_offset += e->n;
        if (e->n < e->so.limit)
            e->done = 1;
        if (e->n == 0)
            return 0;
    }
}

static ssize_t export_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct export_state *e = cls;
    size_t w = 0;
    while (w < max) {
        if (e->pos < e->len) {
            size_t k = e->len - e->pos;
            if (k > max - w)
                k = max - w;
            memcpy(out + w, e->buf + e->pos, k);
            e->pos += k;
            w += k;
            continue;
        }
        e->pos = e->len = 0;
        if (e->failed)
            break;
        int rc = export_next(e);
        if (rc < 0) {
            e->failed = 1;
            if (e->s->cfg.verbose)
                fprintf(stderr, "newsdex serve: export failed: %s\n", ndx_errmsg(e->ix));
        }
        if (rc <= 0)
            break;
    }
    if (w)
        return (ssize_t)w;
    return e->failed ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
}

static void export_free(void *cls)
{
    struct export_state *e = cls;
    ndx_results_free(e->res);
    srv_release(e->s, e->ix);
    atomic_fetch_sub(&e->s->exports, 1);
    free(e->query);
    free(e->buf);
    free(e);
}

srv_result api_export(struct server *s, struct MHD_Connection *c)
{
    srv_result ret;
    size_t nq, n;
    const char *q = api_get_query(c, &nq, &ret);
    if (!q)
        return ret;
    const char *fmt = srv_arg(c, "format", &n);
    int csv = 0;
    if (fmt && !strcmp(fmt, "csv"))
        csv = 1;
    else if (fmt && n && strcmp(fmt, "jsonl"))
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "format must be jsonl or csv", NULL);
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    if (api_date_args(c, &so.date_from, &so.date_to, &ret) < 0)
        return ret;
    if (atomic_fetch_add(&s->exports, 1) >= s->cfg.max_exports) {
        atomic_fetch_sub(&s->exports, 1);
        return srv_send_retry(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many concurrent exports", 1);
    }
    ndx_index *ix = api_acquire(s, c, &ret);
    if (!ix) {
        atomic_fetch_sub(&s->exports, 1);
        return ret;
    }
    /* count first: a syntax error becomes a 400 before any byte of the stream is sent */
    so.collapse = 0;
    so.limit = 0;
    so.want_snippets = 0;
    so.want_count = 1;
    ndx_results *res = NULL;
    size_t errpos = 0;
    int rc = ndx_search(ix, q, nq, &so, &res, &errpos);
    if (rc) {
        atomic_fetch_sub(&s->exports, 1);
        return api_query_failed(s, c, ix, rc, q, nq, errpos);
    }
    uint64_t total = ndx_results_total(res);
    ndx_results_free(res);

    struct export_state *e = calloc(1, sizeof *e);
    char *qcopy = malloc(nq + 1);
    if (!e || !qcopy) {
        free(e);
        free(qcopy);
        srv_release(s, ix);
        atomic_fetch_sub(&s->exports, 1);
        return MHD_NO;
    }
    memcpy(qcopy, q, nq);
    qcopy[nq] = 0;
    e->s = s;
    e->ix = ix;
    e->query = qcopy;
    e->nquery = nq;
    e->csv = csv;
    e->so = so;
    e->so.limit = s->cfg.export_page;
    e->so.want_count = 0;
    e->so.sort = NDX_SORT_DATE_ASC;
    e->so.collapse = 0; /* every article, not one per story */
    e->so.ids_only = 1; /* the article is fetched whole when written */
    e->so.count_stories = 0;
    const char *txt = srv_arg(c, "text", &n);
    e->text = txt && !strcmp(txt, "1");
    const char *head = e->text ? "id,url,source,date,title,story,wire,lang,text\n"
                               : "id,url,source,date,title,story,wire,lang\n";
    if (csv && buf_put(e, head, strlen(head))) {
        export_free(e);
        return MHD_NO;
    }
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, export_read, e, export_free);
    if (!r) {
        export_free(e);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            csv ? "text/csv; charset=utf-8"
                                : "application/x-ndjson; charset=utf-8");
    MHD_add_response_header(r, "Content-Disposition",
                            csv ? "attachment; filename=\"newsdex-export.csv\""
                                : "attachment; filename=\"newsdex-export.jsonl\"");
    char tot[32];
    snprintf(tot, sizeof tot, "%llu", (unsigned long long)total);
    MHD_add_response_header(r, "X-Total-Count", tot);
    srv_add_common_headers(r, 0);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}
