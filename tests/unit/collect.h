/*
 * collect.h - what the reader tests share: the path of a shared corpus file, and an
 * ndx_reader_cb that copies every delivered article and every reported problem into a
 * `struct coll` for the test to inspect (test_ingest.c, test_feed.c, test_warc.c,
 * test_stubs.c).
 */
#ifndef NDX_TEST_COLLECT_H
#define NDX_TEST_COLLECT_H

#include "ndx_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shared corpora live at ../shared relative to the repository root. */
static inline const char *shared(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int k;
    char *p = buf[k++ & 3];
    const char *tail = strstr(__FILE__, "tests/unit/");
    int root = tail ? (int)(tail - __FILE__) : 0;
    snprintf(p, PATH_MAX, "%.*s../shared/%s", root, tail ? __FILE__ : "", rel);
    return p;
}

struct art {
    char *url, *source, *title, *authors, *body, *lang, *parent;
    int64_t published;
    unsigned flags;
};

struct coll {
    struct art a[2100];
    int n; /* articles delivered (may exceed the array) */
    char where[64][512];
    char what[64][512];
    int nprob;      /* problems reported (may exceed the arrays) */
    int stop_after; /* nonzero: on_article asks to stop after this many */
    uint64_t last_progress;
    int nprogress;
};

static inline char *dupn(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static inline int on_article(void *ctx, const ndx_article *a)
{
    struct coll *c = ctx;
    if (c->n < (int)NDX_ARRAY_LEN(c->a)) {
        struct art *t = &c->a[c->n];
        t->url = dupn(a->url, a->nurl);
        t->source = dupn(a->source, a->nsource);
        t->title = dupn(a->title, a->ntitle);
        t->authors = dupn(a->authors, a->nauthors);
        t->body = dupn(a->body, a->nbody);
        t->lang = dupn(a->lang, a->nlang);
        t->parent = dupn(a->parent, a->nparent);
        t->published = a->published;
        t->flags = a->flags;
    }
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static inline void on_problem(void *ctx, const char *where, const char *what)
{
    struct coll *c = ctx;
    if (c->nprob < (int)NDX_ARRAY_LEN(c->what)) {
        snprintf(c->where[c->nprob], sizeof c->where[0], "%s", where);
        snprintf(c->what[c->nprob], sizeof c->what[0], "%s", what);
    }
    c->nprob++;
}

static inline void on_progress(void *ctx, uint64_t done)
{
    struct coll *c = ctx;
    c->last_progress = done;
    c->nprogress++;
}

static inline void coll_free(struct coll *c)
{
    for (int i = 0; i < c->n && i < (int)NDX_ARRAY_LEN(c->a); i++) {
        struct art *t = &c->a[i];
        free(t->url), free(t->source), free(t->title), free(t->authors), free(t->body),
            free(t->lang), free(t->parent);
    }
    free(c);
}

#endif
