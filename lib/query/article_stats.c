/*
 * article_stats.c - ndx_article_stats: the collection statistics ndx_related_article looks up
 * for an article (the document frequency of each of its words and names, documents, lengths,
 * languages), recorded as ndx_query_stats records them for a query.  A sharded archive adds them
 * up over its shards and hands the sum to each shard (ndx_index_set_stats) before
 * ndx_related_article, so that related stories score as in one index holding the whole archive
 * (docs/SCALE.md).
 */
#include "index/index.h"
#include "query/eval.h"

static int look_up_related(ndx_index *ix, void *ctx)
{
    ndx_results *res = NULL;
    int rc = ndx_related_article(ix, ctx, 0, NULL, &res);
    ndx_results_free(res);
    return rc;
}

int ndx_article_stats(ndx_index *ix, const ndx_article *a, char **out, size_t *nout)
{
    return ndx__record_stats(ix, look_up_related, (void *)a, out, nout);
}
