/*
 * serve.c - `newsdex serve`: options, listening socket, the libmicrohttpd daemon and its
 * callbacks (request routing, request bodies, the header deadline that closes slow clients, the
 * access log), and the pool of read handles.  Responses are written through respond.c, the
 * endpoints live in api.c, api_analytics.c, aliases.c and write.c; the API is described in
 * docs/API.md and served as OpenAPI at /api/openapi.json.
 */
#include "server/server.h"
#include "cli/cli.h"
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
        srv_result ret;
        if (n > ns && !strcmp(key + n - ns, rel_suffix)) {
            if (!is_get(method))
                return srv_send_405(c, "GET, HEAD");
            if (srv_unknown_param(c, "limit", &ret))
                return ret;
            return api_related(s, c, key, n - ns);
        }
        if (n == 0)
            return srv_send_error(c, MHD_HTTP_NOT_FOUND, "not found", NULL);
        if (is_get(method)) {
            if (srv_unknown_param(c, "", &ret))
                return ret;
            return api_doc(s, c, key, n);
        }
        if (!strcmp(method, MHD_HTTP_METHOD_DELETE)) {
            if (api_check_token(s, c, &ret))
                return ret;
            return api_delete(s, c, key, n);
        }
        return srv_send_405(c, "GET, HEAD, DELETE");
    }
    /* each path and its query parameters (docs/API.md): any other is a 400 naming it */
    static const struct {
        const char *path;
        int id;
        const char *params;
    } gets[] = {{"/api/search", 1,
                 "q limit offset sort from to collapse snippets aliases timeout_ms facet "
                 "facet_size histogram"},
                {"/api/stats", 2, ""},
                {"/api/health", 3, ""},
                {"/api/export", 4, "q format text from to"},
                {"/api/timeline", 5, "q compare by from to"},
                {"/api/terms", 6, "q size sample method from to"},
                {"/api/aliases", 7, "name"}};
    for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
        if (strcmp(url, gets[i].path))
            continue;
        if (!is_get(method))
            return srv_send_405(c, "GET, HEAD");
        srv_result ret;
        if (srv_unknown_param(c, gets[i].params, &ret))
            return ret;
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
        return srv_send_405(c, "POST"); /* POST is handled before routing */
    const struct srv_asset *a =
        srv_find_asset(!strcmp(url, "/api/openapi.json") ? "/openapi.json" : url);
    if (a && strcmp(url, "/openapi.json")) {
        if (!is_get(method))
            return srv_send_405(c, "GET, HEAD");
        return srv_send_asset(c, a);
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
                return srv_send_405(c, "POST");
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
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ca->client_addr)->sin6_addr, client,
                      sizeof client);
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

/* A numeric option of serve: its getopt code, range, and where the value goes (`u` or `z`, the
 * latter shifted left by `shift`: megabytes to bytes), with the message for a bad value. */
struct num_opt {
    int code;
    unsigned long long min, max;
    int shift;
    unsigned *u;
    size_t *z;
    const char *what;
};

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
        int loopback = ss.ss_family == AF_INET6
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
/* Close what the server holds (the daemon stopped or never started) and free it. */
static void server_free(struct server *s, int fd)
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
}

/* A failure after the socket was opened: everything released, exit status 2. */
static int start_failed(struct server *s, int fd)
{
    server_free(s, fd);
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
    /* the numeric options: range, destination (megabytes shifted to bytes), message */
    const struct num_opt nums[] = {
        {'t', 1, 256, 0, &s->cfg.threads, NULL, "--threads takes a number from 1 to 256"},
        {'T', 1, 3600, 0, &s->cfg.timeout, NULL, "--timeout takes seconds from 1 to 3600"},
        {'C', 1, 100000, 0, &s->cfg.max_connections, NULL,
         "--max-connections takes a number from 1"},
        {'Q', 1, 100000, 0, &s->cfg.max_queries, NULL, "--max-queries takes a number from 1"},
        {'E', 1, 10000, 0, &s->cfg.max_exports, NULL, "--max-exports takes a number from 1"},
        {'P', 1, 10000000, 0, NULL, &s->cfg.export_page,
         "--export-page takes a number from 1 to 10000000"},
        {'B', 1, 4096, 20, NULL, &s->cfg.max_body, "--max-body takes megabytes from 1 to 4096"},
        {'H', 0, 3600, 0, &s->cfg.header_timeout, NULL,
         "--header-timeout takes seconds from 0 to 3600"},
        {'M', 0, 65536, 20, NULL, &s->cfg.cache_bytes,
         "--cache-mb takes megabytes from 0 to 65536"},
    };
    int c, bad = 0;
    const char *what = NULL;
    while ((c = getopt_long(argc, argv, "i:vh", opts, NULL)) != -1) {
        const struct num_opt *no = NULL;
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
            if (nums[k].code == c)
                no = &nums[k];
        if (no) {
            unsigned long long v;
            if (parse_uint(optarg, no->max, &v) || v < no->min) {
                bad = 1, what = no->what;
                break;
            }
            if (no->u)
                *no->u = (unsigned)v;
            else
                *no->z = (size_t)v << no->shift;
            continue;
        }
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
            free(s);
            die_option("serve", argv, opts); /* names it, with the nearest option */
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
            fprintf(stderr, "newsdex serve: cannot open the access log %s: %s\n", s->cfg.access_log,
                    strerror(errno));
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
    server_free(s, fd);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}
