/*
 * respond.c - the request and response helpers of `newsdex serve`: query-string arguments,
 * the security headers every response carries, JSON bodies (plain, cached, errors, 405), and the
 * embedded static files of the web page.  Declared in server.h; the endpoints (api.c,
 * api_analytics.c, aliases.c, write.c) and the router (serve.c) answer through them.
 */
#include "server/server.h"
#include "cli/cli.h" /* edit_distance, for "did you mean" */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- request arguments ------------------------------------------------------------------------
 */

double srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *srv_arg(struct MHD_Connection *c, const char *name, size_t *n)
{
    const char *v = NULL;
    size_t len = 0;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, &len) !=
            MHD_YES ||
        !v) {
        *n = 0;
        return NULL;
    }
    *n = len;
    return v;
}

struct param_check {
    const char *known;
    char bad[64]; /* the first unknown parameter, "" when none */
};

static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, name, n))
            return 1;
        p += k;
        p += *p == ' ';
    }
    return 0;
}

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind, (void)value;
    struct param_check *pc = cls;
    if (!pc->bad[0] && key && !in_list(pc->known, key))
        snprintf(pc->bad, sizeof pc->bad, "%s", key);
    return MHD_YES;
}

int srv_unknown_param(struct MHD_Connection *c, const char *known, srv_result *ret)
{
    struct param_check pc = {known, ""};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    if (!pc.bad[0])
        return 0;
    char near[40] = "", msg[200];
    size_t best = strlen(pc.bad) > 4 ? 3 : 2;
    for (const char *p = known; *p;) {
        size_t k = strcspn(p, " ");
        char name[40];
        snprintf(name, sizeof name, "%.*s", (int)k, p);
        size_t d = edit_distance(pc.bad, name);
        if (d < best) {
            best = d;
            snprintf(near, sizeof near, "%s", name);
        }
        p += k;
        p += *p == ' ';
    }
    if (!near[0] && !strcmp(pc.bad, "limit") && in_list(known, "size"))
        snprintf(near, sizeof near, "size"); /* terms: the command line's --limit */
    if (near[0])
        snprintf(msg, sizeof msg, "unknown parameter '%s' (did you mean %s?)", pc.bad, near);
    else if (!*known)
        snprintf(msg, sizeof msg, "unknown parameter '%s' (this path takes none)", pc.bad);
    else
        snprintf(msg, sizeof msg, "unknown parameter '%s' (this path takes: %s)", pc.bad, known);
    *ret = srv_send_error(c, MHD_HTTP_BAD_REQUEST, msg, NULL);
    return 1;
}

int srv_arg_uint(struct MHD_Connection *c, const char *name, uint64_t max, uint64_t dflt,
                 uint64_t *out)
{
    size_t n;
    const char *v = srv_arg(c, name, &n);
    *out = dflt;
    if (!v || n == 0)
        return 0;
    if (n > 12)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (x > max)
        return -1;
    *out = x;
    return 1;
}

/* ---- responses ---------------------------------------------------------------------------- */

#define CSP_PAGE                                                                                   \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
#define CSP_API "default-src 'none'; frame-ancestors 'none'"

void srv_add_common_headers(struct MHD_Response *r, int is_page)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", is_page ? CSP_PAGE : CSP_API);
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    if (!is_page)
        MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* The response size of the connection, for the access log. */
static void note_bytes(struct MHD_Connection *c, long long n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct srv_conn *t = ci ? ci->socket_context : NULL;
    if (t)
        t->bytes = n;
}

srv_result srv_send(struct MHD_Connection *c, unsigned status, const char *ctype, char *body,
                    size_t n, int must_free)
{
    note_bytes(c, (long long)n);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        n, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (must_free)
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    srv_add_common_headers(r, 0);
    srv_result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Compact JSON plus a trailing newline, like the CLI's output (malloc'd; j is released). */
static char *dump_json(json_t *j, size_t *n)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *t = realloc(s, len + 2);
    if (!t) {
        free(s);
        return NULL;
    }
    t[len] = '\n';
    t[len + 1] = 0;
    *n = len + 1;
    return t;
}

/* Send a JSON body (malloc'd, freed here) with an optional extra header. */
static srv_result send_json_body(struct MHD_Connection *c, unsigned status, char *t, size_t n,
                                 const char *hname, const char *hvalue)
{
    note_bytes(c, (long long)n);
    struct MHD_Response *r = MHD_create_response_from_buffer(n, t, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(t);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    srv_add_common_headers(r, 0);
    if (hname)
        MHD_add_response_header(r, hname, hvalue);
    srv_result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static srv_result send_json_hdr(struct MHD_Connection *c, unsigned status, json_t *j,
                                const char *hname, const char *hvalue)
{
    size_t n;
    char *t = dump_json(j, &n);
    if (!t)
        return MHD_NO;
    return send_json_body(c, status, t, n, hname, hvalue);
}

int srv_send_from_cache(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey,
                        uint64_t gen, srv_result *ret)
{
    size_t n;
    char *body = srv_cache_get(&s->cache, key, nkey, gen, &n);
    if (!body)
        return 0;
    *ret = send_json_body(c, MHD_HTTP_OK, body, n, "X-Cache", "hit");
    return 1;
}

srv_result srv_send_json_cached(struct server *s, struct MHD_Connection *c, json_t *j,
                                const char *key, size_t nkey, uint64_t gen)
{
    size_t n;
    char *t = dump_json(j, &n);
    if (!t)
        return MHD_NO;
    return srv_send_text_cached(s, c, t, n, key, nkey, gen);
}

srv_result srv_send_text_cached(struct server *s, struct MHD_Connection *c, char *t, size_t n,
                                const char *key, size_t nkey, uint64_t gen)
{
    if (nkey)
        srv_cache_put(&s->cache, key, nkey, gen, t, n);
    return send_json_body(c, MHD_HTTP_OK, t, n, "X-Cache", s->cache.budget ? "miss" : "off");
}

srv_result srv_send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
    return send_json_hdr(c, status, j, NULL, NULL);
}

static json_t *error_json(unsigned status, const char *msg, json_t *extra)
{
    json_t *j = json_object();
    json_object_set_new(j, "error", json_string(msg ? msg : "error"));
    if (!json_object_get(j, "error"))
        json_object_set_new(j, "error", json_string("error"));
    json_object_set_new(j, "status", json_integer((json_int_t)status));
    if (extra) {
        json_object_update(j, extra);
        json_decref(extra);
    }
    return j;
}

srv_result srv_send_error(struct MHD_Connection *c, unsigned status, const char *msg, json_t *extra)
{
    return srv_send_json(c, status, error_json(status, msg, extra));
}

srv_result srv_send_retry(struct MHD_Connection *c, unsigned status, const char *msg,
                          unsigned seconds)
{
    char v[16];
    snprintf(v, sizeof v, "%u", seconds);
    return send_json_hdr(c, status, error_json(status, msg, NULL), "Retry-After", v);
}

srv_result srv_send_405(struct MHD_Connection *c, const char *allow)
{
    return send_json_hdr(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                         error_json(MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL),
                         "Allow", allow);
}

/* ---- static files (embedded; never the file system) -------------------------------------- */

srv_result srv_send_asset(struct MHD_Connection *c, const struct srv_asset *a)
{
    note_bytes(c, (long long)a->len);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->ctype);
    srv_add_common_headers(r, 1);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    srv_result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

const struct srv_asset *srv_find_asset(const char *path)
{
    if (!strcmp(path, "/"))
        path = "/index.html";
    for (size_t i = 0; i < srv_nassets; i++)
        if (!strcmp(srv_assets[i].path, path))
            return &srv_assets[i];
    return NULL;
}
