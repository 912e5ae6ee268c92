/*
 * server.h - internals of `newsdex serve`, the HTTP/JSON API and web page (docs/API.md).
 *
 * The server is a client of the public API only (include/newsdex.h).  libmicrohttpd runs a pool
 * of worker threads; every request that reads the index borrows a read handle from a pool (a
 * handle is used by one thread at a time), refreshes it so that commits made since appear, and
 * gives it back.  Writes (POST /api/ingest, DELETE /api/doc/ID) open a writer handle for the one
 * request and close it.
 */
#ifndef NDX_SERVER_H
#define NDX_SERVER_H

#include "newsdex.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#if MHD_VERSION < 0x00097002
typedef int srv_result;
#else
typedef enum MHD_Result srv_result;
#endif

/* Fixed limits (the adjustable ones are options of `newsdex serve`). */
#define SRV_MAX_LIMIT        1000        /* hits per page */
#define SRV_MAX_OFFSET       100000      /* deepest offset */
#define SRV_MAX_QUERY        4096        /* bytes of a query */
#define SRV_MAX_RELATED      50          /* related hits */
#define SRV_HANDLE_CACHE     (16u << 20) /* decompressed stored text kept per pooled read handle */
#define SRV_MAX_IGNORED_BODY 65536       /* bytes of a body skipped on endpoints that take none */
#define SRV_MEMORY_LIMIT     32768       /* bytes per connection for the request line and headers */

struct srv_config {
    const char *index;
    const char *listen;
    const char *token; /* NULL: read-only server */
    unsigned threads;
    unsigned timeout;        /* seconds of inactivity before a connection is closed */
    unsigned header_timeout; /* seconds to deliver a request's headers (slowloris); 0: none */
    unsigned max_connections;
    unsigned max_queries; /* concurrent index reads (searches, documents, exports) */
    unsigned max_exports; /* concurrent exports (each holds a read handle while streaming) */
    size_t export_page;   /* matches an export reads per evaluation of its query */
    size_t max_body;      /* bytes of an ingest body */
    size_t cache_bytes;   /* response cache budget; 0: off */
    int verbose;
    const char *access_log; /* --access-log FILE ("-": standard error), or NULL */
};

struct srv_pool {
    pthread_mutex_t mu;
    ndx_index **free; /* handles not in use */
    size_t nfree, cap;
    size_t total; /* handles open */
};

/* Response cache (cache.c). */
struct srv_centry;
struct srv_cache {
    pthread_mutex_t mu;
    struct srv_centry **buckets;
    size_t nbuckets;
    struct srv_centry *head, *tail; /* LRU order */
    size_t budget, used, entries;
    uint64_t hits, misses;
};

int srv_cache_init(struct srv_cache *c, size_t budget);
void srv_cache_free(struct srv_cache *c);
/** A malloc'd copy of the body cached under key for generation gen, or NULL. */
char *srv_cache_get(struct srv_cache *c, const char *key, size_t nkey, uint64_t gen, size_t *n);
void srv_cache_put(struct srv_cache *c, const char *key, size_t nkey, uint64_t gen,
                   const char *body, size_t nbody);
void srv_cache_stats(struct srv_cache *c, uint64_t *hits, uint64_t *misses, size_t *entries,
                     size_t *bytes);

/* Connections waiting for a request's headers (serve.c): closed past cfg.header_timeout. */
struct srv_conn {
    struct srv_conn *prev, *next;
    int fd;
    int busy;        /* a request is being handled (headers complete) */
    int reaped;      /* shut down by the reaper */
    double since;    /* connection opened or last response finished */
    long long bytes; /* body bytes of the response queued last, -1 when streamed */
};

struct server {
    struct srv_config cfg;
    FILE *log;              /* access log (--access-log), or NULL */
    pthread_mutex_t log_mu; /* one line at a time */
    size_t ntoken;
    struct srv_pool pool;
    atomic_uint inflight;     /* index reads in progress */
    atomic_uint exports;      /* exports in progress */
    pthread_mutex_t write_mu; /* one write request at a time inside this server */
    struct srv_cache cache;   /* JSON of recent searches and related lists */
    pthread_mutex_t conns_mu;
    struct srv_conn *conns; /* every open connection */
    pthread_t reaper;
    int reaper_running;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;
};

/* Per-request state, created on the first call of the access handler. */
enum srv_kind { REQ_PLAIN = 0, REQ_INGEST = 1 };

struct srv_request {
    int kind;
    int fd; /* ingest: temporary file holding the body, or -1 */
    char tmppath[256];
    size_t nbody;
    int too_big;
    int responded; /* plain requests: the response is queued */
    int format;    /* ingest: enum ndx_format */
    double t0;
    char method[12], path[240]; /* for the access log */
};

/* ---- respond.c: request arguments and responses ---- */
/** Query-string argument (decoded); NULL if absent.  *n receives its length. */
const char *srv_arg(struct MHD_Connection *c, const char *name, size_t *n);
/** 400 when the request has a query parameter not named in `known` (space-separated): the
 * message names it and the nearest known one ("unknown parameter 'limt' (did you mean
 * limit?)"), as the command line names an unknown option.  Returns 1 with *ret set, else 0. */
int srv_unknown_param(struct MHD_Connection *c, const char *known, srv_result *ret);
/** Parse an unsigned decimal argument in [0, max]; returns 0 if absent (*out = dflt), 1 if
 * valid, -1 if malformed or out of range. */
int srv_arg_uint(struct MHD_Connection *c, const char *name, uint64_t max, uint64_t dflt,
                 uint64_t *out);

/** Monotonic seconds. */
double srv_now(void);
srv_result srv_send(struct MHD_Connection *c, unsigned status, const char *ctype, char *body,
                    size_t n, int must_free);
/** Send `j` (reference stolen) as the response. */
srv_result srv_send_json(struct MHD_Connection *c, unsigned status, json_t *j);
/** {"error": msg, "status": status}; `extra` (may be NULL, stolen) is merged in. */
srv_result srv_send_error(struct MHD_Connection *c, unsigned status, const char *msg,
                          json_t *extra);
/** An error response with a Retry-After header. */
srv_result srv_send_retry(struct MHD_Connection *c, unsigned status, const char *msg,
                          unsigned seconds);
void srv_add_common_headers(struct MHD_Response *r, int is_page);
/** If the cache holds key for generation gen, queue it (X-Cache: hit), set *ret and return 1. */
int srv_send_from_cache(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey,
                        uint64_t gen, srv_result *ret);
/** Send the JSON text t (malloc'd, n bytes, freed) with status 200 and keep it in the cache under
 * key unless nkey is 0 (X-Cache: miss). */
srv_result srv_send_text_cached(struct server *s, struct MHD_Connection *c, char *t, size_t n,
                                const char *key, size_t nkey, uint64_t gen);
/** Send `j` (stolen) with status 200 and keep its text in the cache under key (X-Cache: miss). */
srv_result srv_send_json_cached(struct server *s, struct MHD_Connection *c, json_t *j,
                                const char *key, size_t nkey, uint64_t gen);

/** 405 with an Allow header. */
srv_result srv_send_405(struct MHD_Connection *c, const char *allow);
struct srv_asset;
/** The embedded file of the web page at path ("/" is /index.html); NULL when there is none. */
const struct srv_asset *srv_find_asset(const char *path);
/** Send an embedded file (200, the page's security headers, Cache-Control: no-cache). */
srv_result srv_send_asset(struct MHD_Connection *c, const struct srv_asset *a);

/* ---- serve.c ---- */
/** Borrow a refreshed read handle (NULL: *status and *msg say why).  Counts against
 * max_queries: on NULL with status 429 the server is busy. */
ndx_index *srv_acquire(struct server *s, unsigned *status, const char **msg);
void srv_release(struct server *s, ndx_index *ix);

/* JSON shapes shared with the CLI: ndxx_hit_json, ndxx_article_json, ... */
#include "common/json_out.h"

/* ---- api.c: read endpoints ---- */
srv_result api_search(struct server *s, struct MHD_Connection *c);
srv_result api_doc(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey);
srv_result api_related(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey);
srv_result api_stats(struct server *s, struct MHD_Connection *c, int health);
srv_result api_export(struct server *s, struct MHD_Connection *c);

/* helpers of the read endpoints (api.c), shared with api_analytics.c */
srv_result api_busy(struct MHD_Connection *c, unsigned status, const char *msg);
srv_result api_internal(struct MHD_Connection *c, ndx_index *ix, int rc);
/** A read handle from the pool; NULL with the 429/503 queued in *ret when none is free. */
ndx_index *api_acquire(struct server *s, struct MHD_Connection *c, srv_result *ret);
/** A read handle and the generation it reads, unless a response is already queued in *ret
 * (NULL): the pool is busy, or the cache holds key (nkey bytes, 0: not cached) for that
 * generation. */
ndx_index *api_acquire_cached(struct server *s, struct MHD_Connection *c, const char *key,
                              size_t nkey, uint64_t *gen, srv_result *ret);
/** The response to a failed call on ix (api_internal), after releasing ix. */
srv_result api_fail(struct server *s, struct MHD_Connection *c, ndx_index *ix, int rc);
/** The response to a failed query evaluation, after releasing ix: 400 for a syntax error
 * (api_syntax_error on q, nq, errpos), a bad range or argument; else api_internal. */
srv_result api_query_failed(struct server *s, struct MHD_Connection *c, ndx_index *ix, int rc,
                            const char *q, size_t nq, size_t errpos);
/** ?from= and ?to= (the end of its day for a bare date) into *from and *to, left alone when absent;
 * -1 with the 400 queued in *ret when one is malformed. */
int api_date_args(struct MHD_Connection *c, int64_t *from, int64_t *to, srv_result *ret);
/** A cache key: the nk bytes already in key (snprintf's return) followed by the n bytes of p;
 * its length, or 0 (do not cache) when it does not fit in cap bytes. */
size_t api_cache_key(char *key, size_t cap, int nk, const char *p, size_t n);
/** ?q=: NULL (with the 400 queued in *ret) when missing or too long. */
const char *api_get_query(struct MHD_Connection *c, size_t *n, srv_result *ret);
srv_result api_syntax_error(struct MHD_Connection *c, ndx_index *ix, const char *q, size_t nq,
                            size_t pos);

/* ---- api_analytics.c: facets and histograms of /api/search, /api/timeline, /api/terms ---- */
#define API_ANALYTICS_KEY 1200 /* bytes of the canonical analytics arguments (cache key) */
/** facet= (repeatable, FIELD or FIELD:PREFIX), facet_size=, histogram= into *a (specs: room for
 * NDX_MAX_FACETS); key receives their canonical text.  -1 with a 400 queued in *ret. */
int api_analytics_args(struct MHD_Connection *c, ndx_analytics_opts *a, ndx_facet_spec *specs,
                       char *key, srv_result *ret);
srv_result api_timeline(struct server *s, struct MHD_Connection *c);
srv_result api_terms(struct server *s, struct MHD_Connection *c);

/* ---- aliases.c: GET /api/aliases ---- */
srv_result api_aliases(struct server *s, struct MHD_Connection *c);

/* ---- write.c: write endpoints ---- */
/** 0 if the request may write; otherwise the error response was queued (*ret). */
int api_check_token(struct server *s, struct MHD_Connection *c, srv_result *ret);
srv_result api_delete(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey);
srv_result api_ingest(struct server *s, struct MHD_Connection *c, struct srv_request *rq);

/* ---- web_assets.c (generated by src/server/web/embed.sh) ---- */
struct srv_asset {
    const char *path; /* "/app.js" */
    const char *ctype;
    const unsigned char *data;
    size_t len;
};
extern const struct srv_asset srv_assets[];
extern const size_t srv_nassets;

#endif
