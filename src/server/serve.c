/*
 * serve.c - `newsdex serve`: options, listening socket, libmicrohttpd daemon, request routing,
 * the read-handle pool and response helpers.  Endpoints live in api.c and write.c; the API is
 * described in docs/API.md and served as OpenAPI at /api/openapi.json.
 */
#include "server/server.h"
#include "cli/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ------------------------------------------------------------------------ */

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

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
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

static srv_result send_405(struct MHD_Connection *c, const char *allow)
{
    return send_json_hdr(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                         error_json(MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL),
                         "Allow", allow);
}

/* ---- read-handle pool --------------------------------------------------------------------- */

ndx_index *srv_acquire(struct server *s, unsigned *status, const char **msg)
{
    unsigned prev = atomic_fetch_add(&s->inflight, 1);
    if (prev >= s->cfg.max_queries) {
        atomic_fetch_sub(&s->inflight, 1);
        *status = MHD_HTTP_TOO_MANY_REQUESTS;
        *msg = "too many concurrent queries";
        return NULL;
    }
    ndx_index *ix = NULL;
    pthread_mutex_lock(&s->pool.mu);
    if (s->pool.nfree)
        ix = s->pool.free[--s->pool.nfree];
    pthread_mutex_unlock(&s->pool.mu);
    if (!ix) {
        char *emsg = NULL;
        if (ndx_index_open(s->cfg.index, NDX_OPEN_READ, &ix, &emsg) != NDX_OK) {
            if (s->cfg.verbose)
                fprintf(stderr, "newsdex serve: cannot open index: %s\n", emsg ? emsg : "?");
            ndx_free(emsg);
            atomic_fetch_sub(&s->inflight, 1);
            *status = MHD_HTTP_SERVICE_UNAVAILABLE;
            *msg = "index unavailable";
            return NULL;
        }
        (void)ndx_index_set_cache_limit(ix, SRV_HANDLE_CACHE); /* optional: fine without */
        pthread_mutex_lock(&s->pool.mu);
        s->pool.total++;
        pthread_mutex_unlock(&s->pool.mu);
    }
    if (ndx_index_refresh(ix) != NDX_OK) {
        /* the handle keeps serving its last commit; report and go on */
        if (s->cfg.verbose)
            fprintf(stderr, "newsdex serve: refresh failed: %s\n", ndx_errmsg(ix));
    }
    return ix;
}

void srv_release(struct server *s, ndx_index *ix)
{
    if (!ix)
        return;
    pthread_mutex_lock(&s->pool.mu);
    if (s->pool.nfree == s->pool.cap) {
        size_t cap = s->pool.cap ? s->pool.cap * 2 : 16;
        ndx_index **f = realloc(s->pool.free, cap * sizeof *f);
        if (!f) {
            s->pool.total--;
            pthread_mutex_unlock(&s->pool.mu);
            ndx_index_close(ix);
            atomic_fetch_sub(&s->inflight, 1);
            return;
        }
        s->pool.free = f;
        s->pool.cap = cap;
    }
    s->pool.free[s->pool.nfree++] = ix;
    pthread_mutex_unlock(&s->pool.mu);
    atomic_fetch_sub(&s->inflight, 1);
}

static void pool_close(struct server *s)
{
    for (size_t i = 0; i < s->pool.nfree; i++)
        ndx_index_close(s->pool.free[i]);
    free(s->pool.free);
    s->pool.free = NULL;
    s->pool.nfree = s->pool.cap = s->pool.total = 0;
}

/* ---- static files (embedded; never the file system) -------------------------------------- */

static srv_result send_asset(struct MHD_Connection *c, const struct srv_asset *a)
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

static const struct srv_asset *find_asset(const char *path)
{
    if (!strcmp(path, "/"))
        path = "/index.html";
    for (size_t i = 0; i < srv_nassets; i++)
        if (!strcmp(srv_assets[i].path, path))
            return &srv_assets[i];
    return NULL;
}

/* ---- routing ------------------------------------------------------------------------------ */

static int is_get(const char *m)
{
    return !strcmp(m, MHD_HTTP_METHOD_GET) || !strcmp(m, MHD_HTTP_METHOD_HEAD);
}

static srv_result route(struct server *s, struct MHD_Connection *c, const char *url,
                        const char *method)
{
    static const char doc_prefix[] = "/api/doc/";
    static const char rel_suffix[] = "/related";
    if (!strncmp(url, doc_prefix, sizeof doc_prefix - 1)) {
        const char *key = url + sizeof doc_prefix - 1;
        size_t n = strlen(key);
        size_t ns = sizeof rel_suffix - 1;
        if (n > ns && !strcmp(key + n - ns, rel_suffix)) {
            if (!is_get(method))
                return send_405(c, "GET, HEAD");
            return api_related(s, c, key, n - ns);
        }
        if (n == 0)
            return srv_send_error(c, MHD_HTTP_NOT_FOUND, "not found", NULL);
        if (is_get(method))
            return api_doc(s, c, key, n);
        if (!strcmp(method, MHD_HTTP_METHOD_DELETE)) {
            srv_result ret;
            if (api_check_token(s, c, &ret))
                return ret;
            return api_delete(s, c, key, n);
        }
        return send_405(c, "GET, HEAD, DELETE");
    }
    static const struct {
        const char *path;
        int id;
    } gets[] = {{"/api/search", 1},   {"/api/stats", 2},    {"/api/health", 3},
                {"/api/export", 4},   {"/api/timeline", 5}, {"/api/terms", 6},
                {"/api/aliases", 7}};
    for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
        if (strcmp(url, gets[i].path))
            continue;
        if (!is_get(method))
            return send_405(c, "GET, HEAD");
        switch (gets[i].id) {
        case 1:
            return api_search(s, c);
        case 2:
            return api_stats(s, c, 0);
        case 3:
            return api_stats(s, c, 1);
        case 5:
            return api_timeline(s, c);
        case 6:
            return api_terms(s, c);
        case 7:
            return api_aliases(s, c);
        default:
            return api_export(s, c);
        }
    }
    if (!strcmp(url, "/api/ingest"))
        return send_405(c, "POST"); /* POST is handled before routing */
    const struct srv_asset *a =
        find_asset(!strcmp(url, "/api/openapi.json") ? "/openapi.json" : url);
    if (a && strcmp(url, "/openapi.json")) {
        if (!is_get(method))
            return send_405(c, "GET, HEAD");
        return send_asset(c, a);
    }
    return srv_send_error(c, MHD_HTTP_NOT_FOUND, "not found", NULL);
}

/* ---- header deadline (slowloris) --------------------------------------------------------- */

/*
 * libmicrohttpd's timeout counts inactivity only, so a client that sends one header byte every
 * few seconds would hold its connection for ever.  Every connection is tracked from the moment it
 * opens; while no request is being handled (before its headers are complete, or between
 * keep-alive requests) it must deliver a complete request head within --header-timeout seconds,
 * or a reaper thread shuts its socket down and libmicrohttpd closes it.  libmicrohttpd reports a
 * connection closed before it closes the socket, so the reaper never touches a reused fd.
 */
static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    struct server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        struct srv_conn *t = calloc(1, sizeof *t);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!t || !ci) {
            free(t);
            *socket_context = NULL;
            return;
        }
        t->fd = ci->connect_fd;
        t->since = srv_now();
        t->bytes = -1;
        pthread_mutex_lock(&s->conns_mu);
        t->next = s->conns;
        if (s->conns)
            s->conns->prev = t;
        s->conns = t;
        pthread_mutex_unlock(&s->conns_mu);
        *socket_context = t;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct srv_conn *t = *socket_context;
        if (!t)
            return;
        pthread_mutex_lock(&s->conns_mu);
        if (t->prev)
            t->prev->next = t->next;
        else
            s->conns = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&s->conns_mu);
        free(t);
        *socket_context = NULL;
    }
}

static void conn_set_busy(struct server *s, struct MHD_Connection *c, int busy)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct srv_conn *t = ci ? ci->socket_context : NULL;
    if (!t)
        return;
    pthread_mutex_lock(&s->conns_mu);
    t->busy = busy;
    t->since = srv_now();
    pthread_mutex_unlock(&s->conns_mu);
}

static void conns_free(struct server *s)
{
    while (s->conns) {
        struct srv_conn *t = s->conns;
        s->conns = t->next;
        free(t);
    }
    pthread_mutex_destroy(&s->conns_mu);
    pthread_mutex_destroy(&s->stop_mu);
    pthread_cond_destroy(&s->stop_cv);
}

static void *reaper_main(void *arg)
{
    struct server *s = arg;
    pthread_mutex_lock(&s->stop_mu);
    while (!s->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&s->stop_cv, &s->stop_mu, &ts);
        if (s->stopping)
            break;
        double now = srv_now();
        pthread_mutex_lock(&s->conns_mu);
        for (struct srv_conn *t = s->conns; t; t = t->next)
            if (!t->busy && !t->reaped && now - t->since > s->cfg.header_timeout) {
                t->reaped = 1;
                shutdown(t->fd, SHUT_RDWR);
                if (s->cfg.verbose)
                    fprintf(stderr, "newsdex serve: no complete request in %u s, closing\n",
                            s->cfg.header_timeout);
            }
        pthread_mutex_unlock(&s->conns_mu);
    }
    pthread_mutex_unlock(&s->stop_mu);
    return NULL;
}

static srv_result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                          const char *version, const char *upload_data, size_t *upload_data_size,
                          void **con_cls)
{
    (void)version;
    struct server *s = cls;
    struct srv_request *rq = *con_cls;
    if (!rq) {
        conn_set_busy(s, c, 1);
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        rq->fd = -1;
        rq->t0 = srv_now();
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->path, sizeof rq->path, "%s", url);
        *con_cls = rq;
        if (!strcmp(url, "/api/ingest")) {
            if (strcmp(method, MHD_HTTP_METHOD_POST))
                return send_405(c, "POST");
            srv_result ret;
            if (api_check_token(s, c, &ret))
                return ret;
            const char *cl =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl) {
                char *end;
                errno = 0;
                unsigned long long v = strtoull(cl, &end, 10);
                if (errno || *end || v > s->cfg.max_body)
                    return srv_send_error(c, 413, "request body too large", NULL);
            }
            size_t n;
            const char *fmt = srv_arg(c, "format", &n);
            rq->format = NDX_FMT_JSONL;
            if (fmt && !strcmp(fmt, "json"))
                rq->format = NDX_FMT_JSON;
            else if (fmt && !strcmp(fmt, "auto"))
                rq->format = NDX_FMT_AUTO;
            else if (fmt && strcmp(fmt, "jsonl"))
                return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "format must be jsonl, json or auto",
                                      NULL);
            const char *tmp = getenv("TMPDIR");
            snprintf(rq->tmppath, sizeof rq->tmppath, "%s/newsdex-upload-XXXXXX",
                     tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
            rq->fd = mkostemp(rq->tmppath, O_CLOEXEC);
            if (rq->fd < 0) {
                rq->tmppath[0] = 0;
                return srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                      "cannot store the request body", NULL);
            }
            rq->kind = REQ_INGEST;
            return MHD_YES;
        }
        /* Answer on the next call: libmicrohttpd closes a connection whose response was queued
         * in the first call (it cannot know the request is complete), which would cost every
         * client a new TCP connection per request. */
        return MHD_YES;
    }
    if (rq->kind != REQ_INGEST) {
        if (*upload_data_size) {
            /* a body sent to an endpoint that takes none: skipped (up to a small cap) */
            rq->nbody += *upload_data_size;
            *upload_data_size = 0;
            return rq->nbody > SRV_MAX_IGNORED_BODY ? MHD_NO : MHD_YES;
        }
        if (rq->responded)
            return MHD_YES;
        rq->responded = 1;
        return route(s, c, url, method);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->too_big)
            return rq->nbody > 2 * s->cfg.max_body ? MHD_NO : MHD_YES;
        rq->nbody += n;
        if (rq->nbody > s->cfg.max_body) {
            rq->too_big = 1;
            return MHD_YES;
        }
        while (n) {
            ssize_t w = write(rq->fd, upload_data, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rq->too_big = 2; /* write error */
                return MHD_YES;
            }
            upload_data += w;
            n -= (size_t)w;
        }
        return MHD_YES;
    }
    if (rq->too_big == 1)
        return srv_send_error(c, 413, "request body too large", NULL);
    if (rq->too_big)
        return srv_send_error(c, 507, "cannot store the request body", NULL);
    return api_ingest(s, c, rq);
}

/* One line per request: time, client, method, path, status, bytes ("-": streamed), ms. */
static void access_line(struct server *s, struct MHD_Connection *c, const struct srv_request *rq,
                        enum MHD_RequestTerminationCode toe)
{
    const union MHD_ConnectionInfo *st =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    const union MHD_ConnectionInfo *ca =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const union MHD_ConnectionInfo *sc =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    const struct srv_conn *t = sc ? sc->socket_context : NULL;
    char client[INET6_ADDRSTRLEN] = "-";
    if (ca && ca->client_addr) {
        if (ca->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ca->client_addr)->sin6_addr,
                      client, sizeof client);
        else if (ca->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ca->client_addr)->sin_addr, client,
                      sizeof client);
    }
    char when[32], bytes[24] = "-";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (t && t->bytes >= 0)
        snprintf(bytes, sizeof bytes, "%lld", t->bytes);
    /* the path is the client's: control characters and spaces would break the line */
    char path[sizeof rq->path];
    size_t k = 0;
    for (const char *p = rq->path; *p && k + 1 < sizeof path; p++)
        path[k++] = (unsigned char)*p <= ' ' || *p == 0x7f ? '?' : *p;
    path[k] = 0;
    pthread_mutex_lock(&s->log_mu);
    fprintf(s->log, "%s %s %s %s %u %s %.1fms%s\n", when, client, rq->method, path,
            st ? st->http_status : 0, bytes, (srv_now() - rq->t0) * 1e3,
            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    fflush(s->log);
    pthread_mutex_unlock(&s->log_mu);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct srv_request *rq = *con_cls;
    if (s->log && rq)
        access_line(s, c, rq, toe);
    {
        const union MHD_ConnectionInfo *sc =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        struct srv_conn *t = sc ? sc->socket_context : NULL;
        if (t)
            t->bytes = -1; /* a streamed response that follows queues no size */
    }
    if (s->cfg.verbose) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
        fprintf(stderr, "newsdex serve: request done (status %u, %s, %.1f ms)\n",
                ci ? ci->http_status : 0,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "ok" : "aborted",
                rq ? (srv_now() - rq->t0) * 1e3 : 0.0);
    }
    conn_set_busy(s, c, 0);
    if (!rq)
        return;
    if (rq->fd >= 0)
        close(rq->fd);
    if (rq->tmppath[0])
        unlink(rq->tmppath);
    free(rq);
    *con_cls = NULL;
}

/* Percent-decoding of the path and the query arguments, in place.  Unlike the default it
 * leaves "%00" undecoded, so that no decoded path or argument holds a NUL byte that would cut it
 * short ("/index.html%00.js" is not "/index.html"). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("newsdex serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- startup ------------------------------------------------------------------------------ */

static void usage(void)
{
    printf("Usage: newsdex serve [OPTIONS]\n"
           "Serve the index over HTTP: a JSON API (docs/API.md) and a search page at /.\n"
           "Ingestion may go on while it serves: every request sees the newest commit.\n\n"
           "Options:\n"
           "  --index DIR            index directory (default $NEWSDEX_INDEX or ./newsdex-index)\n"
           "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080; port 0 picks\n"
           "                         a free port, printed at startup)\n"
           "  --write-token TOKEN    allow POST /api/ingest and DELETE /api/doc/ID for requests\n"
           "                         carrying 'Authorization: Bearer TOKEN' (default: read-only);\n"
           "                         also read from $NEWSDEX_WRITE_TOKEN\n"
           "  --threads N            worker threads (default: number of CPUs)\n"
           "  --timeout SEC          close idle connections after SEC seconds (default 30)\n"
           "  --header-timeout SEC   a client must send a complete request head within SEC\n"
           "                         seconds of connecting or of its previous response\n"
           "                         (default 10; 0: no limit)\n"
           "  --max-connections N    concurrent connections (default 512)\n"
           "  --max-queries N        concurrent index reads before 429 (default 64)\n"
           "  --max-exports N        concurrent exports before 429 (default 4)\n"
           "  --export-page N        matches an export reads per evaluation of its query\n"
           "                         (default 25000; about 170 bytes each while it runs)\n"
           "  --max-body MB          largest ingest body (default 32)\n"
           "  --cache-mb MB          memory for answers to repeated searches and related-story\n"
           "                         lists, valid until the next commit (default 64; 0: off)\n"
           "  -v, --verbose          log every request and server errors on standard error\n"
           "  --access-log FILE      one line per request (time, client, method, path, status,\n"
           "                         bytes, ms) appended to FILE (- for standard error)\n");
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Create the listening socket for "HOST:PORT" ("[v6]:PORT" for IPv6); the address actually bound
 * (with the real port) goes to `shown`. */
static int open_listener(const char *spec, char *shown, size_t nshown)
{
    char host[256];
    const char *port;
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
            return -1;
        memcpy(host, spec + 1, (size_t)(rb - spec - 1));
        host[rb - spec - 1] = 0;
        port = rb + 2;
    } else {
        const char *colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host)
            return -1;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = 0;
        port = colon + 1;
    }
    unsigned long long p;
    if (parse_uint(port, 65535, &p))
        return -1;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) != 0 || !res) {
        fprintf(stderr, "newsdex serve: cannot resolve '%s'\n", host);
        return -2;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "newsdex serve: cannot listen on %s: %s\n", spec, strerror(errno));
        return -2;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned realport = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a6->sin6_addr, addr, sizeof addr);
            realport = ntohs(a6->sin6_port);
            snprintf(shown, nshown, "[%s]:%u", addr, realport);
        } else {
            struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a4->sin_addr, addr, sizeof addr);
            realport = ntohs(a4->sin_port);
            snprintf(shown, nshown, "%s:%u", addr, realport);
        }
        int loopback =
            ss.ss_family == AF_INET6
                ? IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr)
                : (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
        if (!loopback)
            fprintf(stderr,
                    "newsdex serve: warning: listening on %s, reachable from other machines: "
                    "anyone who reaches it can search the index\n",
                    shown);
    }
    return fd;
}

/* Undo the start-up once the listener is open; the exit status 2. */
static int start_failed(struct server *s, int fd)
{
    if (s->log) {
        if (s->log != stderr)
            fclose(s->log);
        pthread_mutex_destroy(&s->log_mu);
    }
    close(fd);
    conns_free(s);
    srv_cache_free(&s->cache);
    pool_close(s);
    pthread_mutex_destroy(&s->pool.mu);
    pthread_mutex_destroy(&s->write_mu);
    free(s);
    return 2;
}

int ndx_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"listen", required_argument, 0, 'l'},
                                         {"write-token", required_argument, 0, 'w'},
                                         {"threads", required_argument, 0, 't'},
                                         {"timeout", required_argument, 0, 'T'},
                                         {"max-connections", required_argument, 0, 'C'},
                                         {"max-queries", required_argument, 0, 'Q'},
                                         {"max-exports", required_argument, 0, 'E'},
                                         {"export-page", required_argument, 0, 'P'},
                                         {"max-body", required_argument, 0, 'B'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"cache-mb", required_argument, 0, 'M'},
                                         {"header-timeout", required_argument, 0, 'H'},
                                         {"access-log", required_argument, 0, 'A'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    struct server *s = calloc(1, sizeof *s);
    if (!s)
        return 2;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    s->cfg.listen = "127.0.0.1:8080";
    s->cfg.threads = ncpu > 0 && ncpu < 256 ? (unsigned)ncpu : 2;
    s->cfg.timeout = 30;
    s->cfg.header_timeout = 10;
    s->cfg.max_connections = 512;
    s->cfg.max_queries = 64;
    s->cfg.max_exports = 4;
    s->cfg.export_page = 25000;
    s->cfg.max_body = (size_t)32 << 20;
    s->cfg.cache_bytes = (size_t)64 << 20;
    const char *env_token = getenv("NEWSDEX_WRITE_TOKEN");
    if (env_token && *env_token)
        s->cfg.token = env_token;
    int c, bad = 0;
    unsigned long long v;
    const char *what = NULL;
    while ((c = getopt_long(argc, argv, "i:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            s->cfg.index = optarg;
            break;
        case 'l':
            s->cfg.listen = optarg;
            break;
        case 'w':
            s->cfg.token = optarg;
            break;
        case 't':
            if (parse_uint(optarg, 256, &v) || v < 1)
                bad = 1, what = "--threads takes a number from 1 to 256";
            else
                s->cfg.threads = (unsigned)v;
            break;
        case 'T':
            if (parse_uint(optarg, 3600, &v) || v < 1)
                bad = 1, what = "--timeout takes seconds from 1 to 3600";
            else
                s->cfg.timeout = (unsigned)v;
            break;
        case 'C':
            if (parse_uint(optarg, 100000, &v) || v < 1)
                bad = 1, what = "--max-connections takes a number from 1";
            else
                s->cfg.max_connections = (unsigned)v;
            break;
        case 'Q':
            if (parse_uint(optarg, 100000, &v) || v < 1)
                bad = 1, what = "--max-queries takes a number from 1";
            else
                s->cfg.max_queries = (unsigned)v;
            break;
        case 'E':
            if (parse_uint(optarg, 10000, &v) || v < 1)
                bad = 1, what = "--max-exports takes a number from 1";
            else
                s->cfg.max_exports = (unsigned)v;
            break;
        case 'P':
            if (parse_uint(optarg, 10000000, &v) || v < 1)
                bad = 1, what = "--export-page takes a number from 1 to 10000000";
            else
                s->cfg.export_page = (size_t)v;
            break;
        case 'B':
            if (parse_uint(optarg, 4096, &v) || v < 1)
                bad = 1, what = "--max-body takes megabytes from 1 to 4096";
            else
                s->cfg.max_body = (size_t)v << 20;
            break;
        case 'H':
            if (parse_uint(optarg, 3600, &v))
                bad = 1, what = "--header-timeout takes seconds from 0 to 3600";
            else
                s->cfg.header_timeout = (unsigned)v;
            break;
        case 'M':
            if (parse_uint(optarg, 65536, &v))
                bad = 1, what = "--cache-mb takes megabytes from 0 to 65536";
            else
                s->cfg.cache_bytes = (size_t)v << 20;
            break;
        case 'v':
            s->cfg.verbose = 1;
            break;
        case 'A':
            s->cfg.access_log = optarg;
            break;
        case 'h':
            usage();
            free(s);
            return 0;
        default:
            bad = 1, what = "unknown option";
        }
        if (bad)
            break;
    }
    if (!bad && optind < argc)
        bad = 1, what = "unexpected argument";
    if (bad) {
        fprintf(stderr, "newsdex serve: %s\nTry 'newsdex serve --help'.\n", what);
        free(s);
        return 2;
    }
    if (!s->cfg.index) {
        const char *env = getenv("NEWSDEX_INDEX");
        s->cfg.index = env && *env ? env : "newsdex-index";
    }
    if (s->cfg.token && !*s->cfg.token)
        s->cfg.token = NULL;
    s->ntoken = s->cfg.token ? strlen(s->cfg.token) : 0;
    pthread_mutex_init(&s->pool.mu, NULL);
    pthread_mutex_init(&s->write_mu, NULL);

    /* Open one handle now: a missing or damaged index is reported at startup. */
    ndx_index *first = NULL;
    char *emsg = NULL;
    int rc = ndx_index_open(s->cfg.index, NDX_OPEN_READ, &first, &emsg);
    if (rc) {
        fprintf(stderr, "newsdex serve: %s: %s\n", s->cfg.index, emsg ? emsg : ndx_strerror(rc));
        ndx_free(emsg);
        pthread_mutex_destroy(&s->pool.mu);
        pthread_mutex_destroy(&s->write_mu);
        free(s);
        return 2;
    }
    (void)ndx_index_set_cache_limit(first, SRV_HANDLE_CACHE);
    s->pool.total = 1;
    atomic_fetch_add(&s->inflight, 1);
    srv_release(s, first);

    char shown[300] = "";
    int fd = open_listener(s->cfg.listen, shown, sizeof shown);
    if (fd < 0) {
        if (fd == -1)
            fprintf(stderr, "newsdex serve: --listen takes HOST:PORT, e.g. 127.0.0.1:8080\n");
        pool_close(s);
        pthread_mutex_destroy(&s->pool.mu);
        pthread_mutex_destroy(&s->write_mu);
        free(s);
        return 2;
    }

    json_object_seed(0); /* before threads: jansson seeds its hash function once */
    pthread_mutex_init(&s->conns_mu, NULL);
    pthread_mutex_init(&s->stop_mu, NULL);
    pthread_cond_init(&s->stop_cv, NULL);
    if (srv_cache_init(&s->cache, s->cfg.cache_bytes) != 0)
        fprintf(stderr, "newsdex serve: no memory for the response cache; serving without it\n");

    /* Worker threads inherit this mask; the main thread waits for the signals with sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    if (s->cfg.access_log) {
        s->log = strcmp(s->cfg.access_log, "-") ? fopen(s->cfg.access_log, "ae") : stderr;
        if (!s->log) {
            fprintf(stderr, "newsdex serve: cannot open the access log %s: %s\n",
                    s->cfg.access_log, strerror(errno));
            return start_failed(s, fd);
        }
        pthread_mutex_init(&s->log_mu, NULL);
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (s->cfg.verbose)
        flags |= MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handler, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(s->cfg.threads > 1 ? s->cfg.threads : 0),
        MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        s->cfg.timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MEMORY_LIMIT,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "newsdex serve: cannot start the HTTP server\n");
        return start_failed(s, fd);
    }
    if (s->cfg.header_timeout)
        s->reaper_running = pthread_create(&s->reaper, NULL, reaper_main, s) == 0;
    printf("newsdex: serving %s on http://%s/\n", s->cfg.index, shown);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    if (s->cfg.verbose)
        fprintf(stderr, "newsdex serve: %s, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (s->reaper_running) {
        pthread_mutex_lock(&s->stop_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->stop_cv);
        pthread_mutex_unlock(&s->stop_mu);
        pthread_join(s->reaper, NULL);
    }
    MHD_stop_daemon(d);
    close(fd);
    conns_free(s);
    srv_cache_free(&s->cache);
    pool_close(s);
    pthread_mutex_destroy(&s->pool.mu);
    pthread_mutex_destroy(&s->write_mu);
    if (s->log) {
        if (s->log != stderr)
            fclose(s->log);
        pthread_mutex_destroy(&s->log_mu);
    }
    free(s);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}
