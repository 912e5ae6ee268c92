/*
 * test_budget.c - the per-query time budget is checked while a query is set up, not only while
 * its matches are walked: analysing the leaves, their idf from the dictionaries, the dictionary
 * look-ups of a term set's words and prefixes, the iterators of a pruned OR.  Each step is run
 * with a deadline already past (no wall clock is measured): it must stop at once and leave the
 * search marked partial, where the same step without a budget does all of its work.
 */
#include "articles.h"
#include "harness.h"
#include "query/eval.h"
#include "tmpdir.h"

#include <stdlib.h>

static ndx_index *small_index(const char *dir)
{
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE | NDX_OPEN_NOSTEM, &ix, NULL), 0);
    if (!ix)
        return NULL;
    for (int i = 0; i < 30; i++) {
        char body[256], url[64];
        snprintf(body, sizeof body,
                 "The port strike of day %d: dockers voted on pay and the port was closed to "
                 "the ships of the line for %d hours.",
                 i, i + 1);
        snprintf(url, sizeof url, "https://example.org/%d", i);
        ndx_article a = ndx_test_article(url, "Port news", body);
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    return ix;
}

/* n phrases of two of the index's words ("the port" OR ...), or n words when !phrases */
static char *ored(int n, int phrases)
{
    static const char *w[] = {"the", "port", "of", "strike", "and", "pay", "dockers", "ships"};
    size_t cap = (size_t)n * 32, k = 0;
    char *q = malloc(cap);
    for (int i = 0; i < n; i++) {
        const char *sep = i ? " OR " : "";
        if (phrases)
            k += (size_t)snprintf(q + k, cap - k, "%s\"%s %s\"", sep, w[i % 8], w[(i * 3 + 1) % 8]);
        else
            k += (size_t)snprintf(q + k, cap - k, "%s%s", sep, w[i % 8]);
    }
    return q;
}

static size_t leaves_with_words(const struct cnode *c)
{
    size_t n = c->leaf && c->leaf->nslots ? 1 : 0;
    for (size_t i = 0; i < c->nkids; i++)
        n += leaves_with_words(c->kids[i]);
    return n;
}

static struct ndx_qnode *parse(ndx_index *ix, const char *q)
{
    struct ndx_qnode *root = NULL;
    CHECK_EQ(ndx__parse_query(ix, q, strlen(q), &root, NULL), 0);
    return root;
}

TEST(budget_checked_while_compiling)
{
    char *dir = tmpdir();
    ndx_index *ix = small_index(dir);
    char *q = ored(1000, 1);
    struct ndx_qnode *pq = parse(ix, q);
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    for (int past = 0; past < 2; past++) {
        struct search S;
        ndx__search_init(&S, ix, &o);
        S.deadline = past ? 1 : 0; /* 1 ms after the clock's origin: long gone */
        struct cnode *root = NULL;
        CHECK_EQ(ndx__compile(&S, pq, &root), 0);
        CHECK(root != NULL);
        CHECK_EQ(S.partial, past);
        CHECK_EQ(root ? leaves_with_words(root) : 0, past ? 0 : 1000);
        if (!past && root) { /* the idf: computed without a budget, not once it is spent */
            ndx__compute_idf(&S, root);
            CHECK(root->kids[0]->leaf->idf > 0);
            for (size_t i = 0; i < root->nkids; i++)
                root->kids[i]->leaf->idf = 0;
            S.deadline = 1;
            ndx__compute_idf(&S, root);
            CHECK_EQ(S.partial, 1);
            CHECK(root->kids[0]->leaf->idf == 0);
        }
        ndx__cnode_free(root);
        ndx__search_free(&S);
    }
    ndx__query_free(pq);
    free(q);
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(budget_checked_in_dictionary_lookups)
{
    char *dir = tmpdir();
    ndx_index *ix = small_index(dir);
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    struct slot word = {NULL, 0, 0}, prefix = {NULL, 0, 0};
    CHECK_EQ(ndx__slot_add(&word, "port", 4), 0);
    CHECK_EQ(ndx__slot_add(&word, "strike", 6), 0);
    CHECK_EQ(ndx__slot_add(&prefix, "s", 1), 0); /* strike, ships */
    for (int past = 0; past < 2; past++) {
        struct search S;
        ndx__search_init(&S, ix, &o);
        CHECK_EQ(S.v.nsegs, 1);
        S.deadline = past ? 1 : 0;
        struct segctx sc = {&S, S.v.segs[0].seg, &S.v.segs[0]};
        struct termset *t = ndx__termset_new(&sc, &word, 0, NDX_F_ANY, 1.0);
        struct termset *p = ndx__termset_new(&sc, &prefix, 1, NDX_F_ANY, 1.0);
        CHECK(t && p);
        CHECK_EQ(t ? t->npl : 9, past ? 0 : 2);
        CHECK_EQ(p ? p->npl : 9, past ? 0 : 2);
        CHECK_EQ(S.partial, past);
        ndx__termset_free(t);
        ndx__termset_free(p);
        ndx__search_free(&S);
    }
    for (size_t i = 0; i < word.nterms; i++)
        ndx_free(word.terms[i]);
    ndx_free(word.terms);
    ndx_free(prefix.terms[0]);
    ndx_free(prefix.terms);
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(budget_checked_while_pruned_or_is_set_up)
{
    /* an OR of words is pruned (MaxScore): its term sets are built for every word first */
    char *dir = tmpdir();
    ndx_index *ix = small_index(dir);
    char *q = ored(1000, 0);
    struct ndx_qnode *pq = parse(ix, q);
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.collapse = 0;
    o.want_count = 0;
    o.count_stories = 0;
    o.want_snippets = 0;
    o.ids_only = 1;
    for (int past = 0; past < 2; past++) {
        struct search S;
        ndx__search_init(&S, ix, &o);
        struct cnode *root = NULL;
        CHECK_EQ(ndx__compile(&S, pq, &root), 0);
        ndx__compute_idf(&S, root);
        S.deadline = past ? 1 : 0;
        ndx_results *res = ndx_calloc(1, sizeof *res);
        CHECK_EQ(ndx__execute(&S, root, NULL, res), 0);
        CHECK_EQ(res->partial, past);
        CHECK_EQ(res->nhits, past ? 0 : 10);
        ndx_results_free(res);
        ndx__cnode_free(root);
        ndx__search_free(&S);
    }
    ndx__query_free(pq);
    free(q);
    ndx_index_close(ix);
    rmrf(dir);
}
