/* articles.h - a one-line article for the index tests (url, body, language; title "t"). */
#ifndef NDX_TEST_ARTICLES_H
#define NDX_TEST_ARTICLES_H

#include "newsdex.h"

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

#endif
