/* articles.h - a new index in a temporary directory, articles for the index tests
 * (ndx_test_article; ndx_test_add: url, body and language, title "t"), and the number of matches
 * of a query. */
#ifndef NDX_TEST_ARTICLES_H
#define NDX_TEST_ARTICLES_H

#include "newsdex.h"
#include "tmpdir.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

/* An article with url and title (either may be NULL) and body, undated, everything else absent: the
 * caller sets what its test needs on the copy. */
static inline ndx_article ndx_test_article(const char *url, const char *title, const char *body)
{
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.url = url;
    a.nurl = url ? strlen(url) : 0;
    a.title = title;
    a.ntitle = title ? strlen(title) : 0;
    a.body = body;
    a.nbody = strlen(body);
    a.published = NDX_DATE_UNKNOWN;
    return a;
}

static inline int ndx_test_add(ndx_index *ix, const char *url, const char *body, const char *lang)
{
    ndx_article a = ndx_test_article(url, "t", body);
    a.lang = lang;
    a.nlang = strlen(lang);
    return ndx_index_add(ix, &a, NULL, NULL);
}

/* A new index (NDX_OPEN_WRITE | NDX_OPEN_CREATE | flags) in a fresh directory under /tmp, whose
 * name is copied into dir; NULL, with the reason on standard error, when it cannot be made. */
static inline ndx_index *ndx_test_new_index(unsigned flags, char dir[64])
{
    const char *d = tmpdir();
    if (!d) {
        fprintf(stderr, "  cannot make a temporary directory: %s\n", strerror(errno));
        return NULL;
    }
    snprintf(dir, 64, "%s", d);
    ndx_index *ix = NULL;
    char *msg = NULL;
    int rc = ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | flags, &ix, &msg);
    if (rc)
        fprintf(stderr, "  cannot create an index in %s: %s\n", dir, msg ? msg : ndx_strerror(rc));
    ndx_free(msg);
    return rc ? NULL : ix;
}

/* ndx_results_total of query q (no snippets), or UINT64_MAX with the message when it fails. */
static inline uint64_t ndx_test_total(ndx_index *ix, const char *q)
{
    ndx_results *r = NULL;
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.want_snippets = 0;
    if (ndx_search(ix, q, strlen(q), &o, &r, NULL) != NDX_OK) {
        fprintf(stderr, "search '%s' failed: %s\n", q, ndx_errmsg(ix));
        return UINT64_MAX;
    }
    uint64_t n = ndx_results_total(r);
    ndx_results_free(r);
    return n;
}

#endif
