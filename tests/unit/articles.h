/* articles.h - a one-line article for the index tests (url, body, language; title "t"), and the
 * number of matches of a query. */
#ifndef NDX_TEST_ARTICLES_H
#define NDX_TEST_ARTICLES_H

#include "newsdex.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline int ndx_test_add(ndx_index *ix, const char *url, const char *body, const char *lang)
{
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.url = url;
    a.nurl = strlen(url);
    a.title = "t";
    a.ntitle = 1;
    a.body = body;
    a.nbody = strlen(body);
    a.lang = lang;
    a.nlang = strlen(lang);
    a.published = NDX_DATE_UNKNOWN;
    return ndx_index_add(ix, &a, NULL, NULL);
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
