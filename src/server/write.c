/*
 * write.c - the write endpoints of `newsdex serve`: POST /api/ingest and DELETE /api/doc/{id}.
 * Both need the server to be started with --write-token and the request to carry
 * "Authorization: Bearer TOKEN".  Each request opens a writer handle, commits and closes it; when
 * another process holds the index lock the answer is 503 with Retry-After.
 */
#include "server/server.h"
#include "common/outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Constant-time comparison (the time taken does not depend on where the strings differ). */
static int token_equal(const char *a, size_t na, const char *b, size_t nb)
{
    unsigned char d = (unsigned char)(na != nb);
    for (size_t i = 0; i < nb; i++)
        d |= (unsigned char)((i < na ? (unsigned char)a[i] : 0) ^ (unsigned char)b[i]);
    return d == 0;
}

int api_check_token(struct server *s, struct MHD_Connection *c, srv_result *ret)
{
    if (!s->cfg.token) {
        *ret = srv_send_error(c, MHD_HTTP_FORBIDDEN, "read-only server", NULL);
        return -1;
    }
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
        json_t *j = json_object();
        json_object_set_new(j, "error", json_string("missing bearer token"));
        json_object_set_new(j, "status", json_integer(401));
        char *t = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!t) {
            *ret = MHD_NO;
            return -1;
        }
        size_t n = strlen(t);
        struct MHD_Response *r = MHD_create_response_from_buffer(n, t, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            free(t);
            *ret = MHD_NO;
            return -1;
        }
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"newsdex\"");
        srv_add_common_headers(r, 0);
        *ret = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
        MHD_destroy_response(r);
        return -1;
    }
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    if (!token_equal(tok, strlen(tok), s->cfg.token, s->ntoken)) {
        *ret = srv_send_error(c, MHD_HTTP_FORBIDDEN, "wrong token", NULL);
        return -1;
    }
    return 0;
}

/* Open the writer; on failure the response is queued (503 + Retry-After when locked). */
static ndx_index *open_writer(struct server *s, struct MHD_Connection *c, srv_result *ret)
{
    if (pthread_mutex_trylock(&s->write_mu) != 0) {
        *ret = srv_send_retry(c, MHD_HTTP_SERVICE_UNAVAILABLE, "another write is in progress", 1);
        return NULL;
    }
    ndx_index *w = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(s->cfg.index, NDX_OPEN_WRITE, &w, &msg);
    if (rc) {
        pthread_mutex_unlock(&s->write_mu);
        if (rc == NDX_ELOCKED)
            *ret = srv_send_retry(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "index is locked by another writer", 2);
        else
            *ret = srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, msg ? msg : ndx_strerror(rc),
                                  NULL);
        ndx_free(msg);
        return NULL;
    }
    return w;
}

static void close_writer(struct server *s, ndx_index *w)
{
    ndx_index_close(w);
    pthread_mutex_unlock(&s->write_mu);
}

static void add_stats(json_t *j, ndx_index *w)
{
    ndx_stats st;
    if (ndx_index_stats(w, &st) == NDX_OK) {
        json_object_set_new(j, "documents", json_integer((json_int_t)st.documents));
        json_object_set_new(j, "generation", json_integer((json_int_t)st.generation));
    }
}

srv_result api_delete(struct server *s, struct MHD_Connection *c, const char *key, size_t nkey)
{
    srv_result ret;
    ndx_index *w = open_writer(s, c, &ret);
    if (!w)
        return ret;
    uint64_t id = 0;
    int rc = ndx_index_lookup(w, key, nkey, &id);
    if (rc == NDX_OK)
        rc = ndx_index_delete(w, key, nkey);
    if (rc == NDX_ENOTFOUND || rc == NDX_EINVAL) {
        close_writer(s, w);
        return srv_send_error(c, MHD_HTTP_NOT_FOUND, "no such article", NULL);
    }
    if (rc == NDX_OK)
        rc = ndx_index_commit(w);
    if (rc) {
        ret = srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ndx_errmsg(w), NULL);
        close_writer(s, w);
        return ret;
    }
    json_t *j = json_object();
    json_object_set_new(j, "deleted", json_integer((json_int_t)id));
    add_stats(j, w);
    close_writer(s, w);
    return srv_send_json(c, MHD_HTTP_OK, j);
}

/* ---- POST /api/ingest --------------------------------------------------------------------- */

#define MAX_PROBLEMS 100

struct ingest_ctx {
    ndx_index *w;
    const char *tmppath;
    struct ndxx_outcomes n; /* what ndx_index_add did with each article */
    unsigned long skipped;
    json_t *problems;
    int fatal;
};

static int on_article(void *ctx, const ndx_article *a)
{
    struct ingest_ctx *g = ctx;
    int outcome;
    uint64_t id;
    int rc = ndx_index_add(g->w, a, &outcome, &id);
    if (rc == NDX_EINVAL) {
        g->skipped++;
        return 0;
    }
    if (rc) {
        g->fatal = rc;
        return 1;
    }
    ndxx_outcome_count(&g->n, outcome);
    return 0;
}

static void on_problem(void *ctx, const char *where, const char *what)
{
    struct ingest_ctx *g = ctx;
    if (strncmp(what, "note:", 5) != 0 && !strstr(what, "repaired") && !strstr(what, "date") &&
        !strstr(what, "truncated"))
        g->skipped++;
    if (json_array_size(g->problems) >= MAX_PROBLEMS)
        return;
    /* "/tmp/newsdex-upload-XXXX:12" -> "body:12" */
    size_t np = strlen(g->tmppath);
    char loc[64];
    if (!strncmp(where, g->tmppath, np))
        snprintf(loc, sizeof loc, "body%.40s", where + np);
    else
        snprintf(loc, sizeof loc, "body");
    json_t *p = json_object();
    json_object_set_new(p, "where", json_string(loc));
    json_t *m = json_string(what);
    json_object_set_new(p, "what", m ? m : json_string("(unprintable)"));
    json_array_append_new(g->problems, p);
}

srv_result api_ingest(struct server *s, struct MHD_Connection *c, struct srv_request *rq)
{
    if (rq->nbody == 0)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "empty body: send JSONL articles", NULL);
    srv_result ret;
    ndx_index *w = open_writer(s, c, &ret);
    if (!w)
        return ret;
    struct ingest_ctx g = {0};
    g.w = w;
    g.tmppath = rq->tmppath;
    g.problems = json_array();
    ndx_reader_opts ro = {0};
    ro.input_format = rq->format;
    ndx_reader_cb cb = {on_article, on_problem, NULL, &g};
    int rc = ndx_read_file(rq->tmppath, &ro, &cb);
    if (g.fatal) {
        ret = srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ndx_errmsg(w), NULL);
        json_decref(g.problems);
        close_writer(s, w);
        return ret;
    }
    if (rc == NDX_EFORMAT || rc == NDX_EINVAL) {
        json_t *extra = json_object();
        json_object_set_new(extra, "problems", g.problems);
        close_writer(s, w);
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "no article in the body", extra);
    }
    if (rc == NDX_OK || ndxx_outcome_total(&g.n))
        rc = ndx_index_commit(w);
    if (rc) {
        ret = srv_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ndx_errmsg(w), NULL);
        json_decref(g.problems);
        close_writer(s, w);
        return ret;
    }
    json_t *j = json_object();
    json_object_set_new(j, "added", json_integer((json_int_t)g.n.added));
    json_object_set_new(j, "updated", json_integer((json_int_t)g.n.updated));
    json_object_set_new(j, "duplicates", json_integer((json_int_t)g.n.duplicates));
    json_object_set_new(j, "unchanged", json_integer((json_int_t)g.n.unchanged));
    json_object_set_new(j, "skipped", json_integer((json_int_t)g.skipped));
    json_object_set_new(j, "problems", g.problems);
    add_stats(j, w);
    close_writer(s, w);
    return srv_send_json(c, MHD_HTTP_OK, j);
}
