/*
 * export.c - every article matching a query streamed in index order (ndx_export, constant
 * memory), and every article of one story, earliest first (ndx_story_members).
 */
#include "query/eval.h"
#include "query/alias_expand.h"

#include <inttypes.h>
#include <stdlib.h>

/* ---- export and story members ------------------------------------------------------------- */

static int only_space(const char *q, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r')
            return 0;
    return 1;
}

int ndx_export(ndx_index *ix, const char *query, size_t nquery, ndx_article_fn cb, void *ctx,
               size_t *errpos)
{
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    struct search S;
    ndx__search_init(&S, ix, &o);
    struct ndx_qnode *q = NULL;
    struct cnode *root = NULL;
    int rc = NDX_OK;
    if (!only_space(query, nquery)) {
        if ((rc = ndx__parse_query(ix, query, nquery, &q, errpos)) ||
            (rc = ndx__alias_expand(ix, &q))) { /* names in their other script, as search */
            ndx__query_free(q);
            ndx__search_free(&S);
            return rc;
        }
        rc = ndx__compile(&S, q, &root);
    } else {
        /* everything: NOT of nothing */
        root = ndx_calloc(1, sizeof *root);
        if (root)
            root->kind = NDX_Q_NOT;
        else
            rc = NDX_ENOMEM;
    }
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t g = 0; g < S.v.nsegs && !rc; g++) {
        const struct ndx_segref *ref = &S.v.segs[g];
        struct segctx sc = {&S, ref->seg, ref};
        struct it *it = ndx__build_it(&sc, root);
        if (!it) {
            rc = ndx__eval_status(&S);
            break;
        }
        for (uint32_t d = it->doc; d != NDX_DOC_END && !rc; d = it_next(it)) {
            if (ndx__seg_deleted(ref, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(ref->seg, d, &scratch, &a))) {
                ndx__index_fail(ix, rc, "segment %s: stored document %u is damaged", ref->seg->name,
                                d);
                break;
            }
            a.flags = ref->seg->col.flags[d] & NDX_FLAGS_MASK;
            rc = cb(ctx, &a);
        }
        it_free(it);
        if (!rc)
            rc = ndx__eval_status(&S);
    }
    ndx__buf_free(&scratch);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    ndx__query_free(q);
    return rc;
}

struct member {
    int64_t published;
    uint64_t gid;
    uint32_t seg, doc, len;
};

static int cmp_member(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int64_t px = x->published == NDX_DATE_UNKNOWN ? INT64_MAX : x->published;
    int64_t py = y->published == NDX_DATE_UNKNOWN ? INT64_MAX : y->published;
    if (px != py)
        return px < py ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return x->gid < y->gid ? -1 : x->gid > y->gid;
}

int ndx_story_members(ndx_index *ix, uint64_t story, ndx_article_fn cb, void *ctx)
{
    struct member *m = NULL;
    size_t n = 0, cap = 0;
    int rc = NDX_OK;
    struct ndx_view v;
    ndx__view_init(&v, ix);
    for (size_t g = 0; g < v.nsegs && !rc; g++) {
        const struct ndx_segref *r = &v.segs[g];
        const uint32_t *docs;
        size_t nd;
        if ((rc = ndx__seg_story_docs(r->seg, story, &docs, &nd)))
            break;
        for (size_t k = 0; k < nd; k++) {
            uint32_t d = docs[k];
            if (ndx__seg_deleted(r, d))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                struct member *p = ndx_realloc(m, cap * sizeof *p);
                if (!p) {
                    rc = NDX_ENOMEM;
                    break;
                }
                m = p;
            }
            m[n++] = (struct member){r->seg->col.published[d], r->seg->col.gid[d], (uint32_t)g, d,
                                     r->seg->col.dl[d]};
        }
    }
    if (!rc && n)
        qsort(m, n, sizeof *m, cmp_member);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        ndx_article a;
        if ((rc = ndx__seg_doc(v.segs[m[i].seg].seg, m[i].doc, &scratch, &a)))
            break;
        rc = cb(ctx, &a);
    }
    ndx__buf_free(&scratch);
    ndx_free(m);
    if (!rc && n == 0)
        return ndx__index_fail(ix, NDX_ENOTFOUND, "no story %" PRIu64, story);
    return rc;
}
