/*
 * api_analytics.c - the analytics of `newsdex serve` (docs/ANALYTICS.md, docs/API.md): the
 * facet= and histogram= arguments of GET /api/search, and GET /api/timeline (several queries on
 * one date histogram) and GET /api/terms (significant terms).
 */
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMPARE 8 /* queries on one timeline, the main one included */

struct multi {
    const char *name;
    const char *v[NDX_MAX_FACETS + 1];
    size_t n[NDX_MAX_FACETS + 1];
    size_t count; /* values seen (may exceed the room) */
    size_t room;
};

static srv_result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    (void)kind;
    struct multi *m = cls;
    if (key && !strcmp(key, m->name)) {
        if (m->count < m->room) {
            m->v[m->count] = value ? value : "";
            m->n[m->count] = value ? strlen(value) : 0;
        }
        m->count++;
    }
    return MHD_YES;
}

/* Every value of a repeated argument (comma-separated lists are not split). */
static void args_all(struct MHD_Connection *c, struct multi *m)
{
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, m);
}

int api_analytics_args(struct MHD_Connection *c, ndx_analytics_opts *a, ndx_facet_spec *specs,
                       char *key, srv_result *ret)
{
    memset(a, 0, sizeof *a);
    a->facets = specs;
    key[0] = 0;
    struct multi m = {.name = "facet", .room = NDX_MAX_FACETS};
    args_all(c, &m);
    if (m.count > NDX_MAX_FACETS) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, "at most 16 facet arguments", NULL);
        return -1;
    }
    uint64_t size;
    if (srv_arg_uint(c, "facet_size", 1000, 10, &size) < 0 || size == 0) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, "facet_size must be a number from 1 to 1000",
                              NULL);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < m.count; i++) {
        const char *v = m.v[i];
        const char *colon = memchr(v, ':', m.n[i]);
        size_t nf = colon ? (size_t)(colon - v) : m.n[i];
        size_t np = colon ? m.n[i] - nf - 1 : 0;
        if (ndx_facet_field_check(v, nf) || np > 64) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "unknown facet '%.*s': facet takes source, lang, wire, year or month "
                     "(optionally FIELD:PREFIX, a prefix of at most 64 bytes)",
                     (int)(nf < 32 ? nf : 32), v);
            *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, msg, NULL);
            return -1;
        }
        specs[a->nfacets++] = (ndx_facet_spec){v, nf, colon ? colon + 1 : NULL, np, (size_t)size};
        k += (size_t)snprintf(key + k, API_ANALYTICS_KEY - k, "f=%.*s;", (int)m.n[i], v);
    }
    size_t n;
    const char *h = srv_arg(c, "histogram", &n);
    if (h && n && ndx_interval_parse(h, n, &a->histogram)) {
        *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, "histogram must be day, week, month or year",
                              NULL);
        return -1;
    }
    snprintf(key + k, API_ANALYTICS_KEY - k, "s=%llu;h=%d", (unsigned long long)size, a->histogram);
    return 0;
}

/* ---- GET /api/timeline -------------------------------------------------------------------- */

srv_result api_timeline(struct server *s, struct MHD_Connection *c)
{
    srv_result ret;
    size_t nq;
    const char *q = api_get_query(c, &nq, &ret);
    if (!q)
        return ret;
    struct multi m = {.name = "compare", .room = MAX_COMPARE - 1};
    args_all(c, &m);
    if (m.count > MAX_COMPARE - 1)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "at most 7 compare arguments", NULL);
    const char *queries[MAX_COMPARE] = {q};
    size_t nqueries[MAX_COMPARE] = {nq};
    for (size_t i = 0; i < m.count; i++) {
        if (m.n[i] == 0 || m.n[i] > SRV_MAX_QUERY)
            return srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                                  "compare must be a query of 1 to 4096 bytes", NULL);
        queries[i + 1] = m.v[i];
        nqueries[i + 1] = m.n[i];
    }
    size_t count = m.count + 1;
    size_t n;
    const char *by = srv_arg(c, "by", &n);
    int interval = NDX_INTERVAL_MONTH;
    if (by && n && ndx_interval_parse(by, n, &interval))
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "by must be day, week, month or year", NULL);
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    if (api_date_args(c, &so.date_from, &so.date_to, &ret) < 0)
        return ret;
    ndx_index *ix = api_acquire(s, c, &ret);
    if (!ix)
        return ret;
    ndx_results *res[MAX_COMPARE] = {0};
    size_t errq = 0, errpos = 0;
    int rc = ndx_timeline(ix, queries, nqueries, count, interval, &so, res, &errq, &errpos);
    if (rc)
        return api_query_failed(s, c, ix, rc, queries[errq], nqueries[errq], errpos);
    srv_release(s, ix);
    json_t *j = ndxx_timeline_json(res, queries, nqueries, count, interval);
    for (size_t i = 0; i < count; i++)
        ndx_results_free(res[i]);
    return srv_send_json(c, MHD_HTTP_OK, j);
}

/* ---- GET /api/terms ----------------------------------------------------------------------- */

srv_result api_terms(struct server *s, struct MHD_Connection *c)
{
    srv_result ret;
    size_t nq;
    const char *q = api_get_query(c, &nq, &ret);
    if (!q)
        return ret;
    ndx_terms_opts to;
    ndx_terms_opts_init(&to);
    uint64_t v;
    if (srv_arg_uint(c, "size", 1000, 25, &v) < 0 || v == 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "size must be a number from 1 to 1000",
                              NULL);
    to.size = (size_t)v;
    if (srv_arg_uint(c, "sample", NDX_MAX_TERMS_SAMPLE, 0, &v) < 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST,
                              "sample must be a number of stories from 1 to 100000 (0 or none: "
                              "every match)",
                              NULL);
    to.sample = (size_t)v;
    size_t n;
    const char *m = srv_arg(c, "method", &n);
    if (m && n && ndx_terms_method_parse(m, n, &to.method))
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "method must be jlh, chi2 or mi", NULL);
    if (api_date_args(c, &to.date_from, &to.date_to, &ret) < 0)
        return ret;
    char key[200 + SRV_MAX_QUERY];
    int nk = snprintf(key, sizeof key, "terms %zu %zu %d %lld %lld\n", to.size, to.sample,
                      to.method, (long long)to.date_from, (long long)to.date_to);
    size_t nkey = api_cache_key(key, sizeof key, nk, q, nq);
    uint64_t gen;
    ndx_index *ix = api_acquire_cached(s, c, key, nkey, &gen, &ret);
    if (!ix)
        return ret;
    ndx_terms *t = NULL;
    size_t errpos = 0;
    int rc = ndx_significant_terms(ix, q, nq, &to, &t, &errpos);
    if (rc)
        return api_query_failed(s, c, ix, rc, q, nq, errpos);
    srv_release(s, ix);
    json_t *j = ndxx_terms_json(t, q, nq, to.method, to.sample);
    ndx_terms_free(t);
    return srv_send_json_cached(s, c, j, key, nkey, gen);
}
