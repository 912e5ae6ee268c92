/* test_aliases.c - the alias table of an index (index/aliases.c): counted per live article at
 * add, update and delete, committed with the manifest, reopened by readers, listed by name in
 * either script, inconsistent glosses kept apart, damage detected by the check. */
#include "articles.h"
#include "harness.h"
#include "index/index.h"

#include <stdlib.h>
#include <unistd.h>

static int add_art(ndx_index *ix, const char *url, const char *body)
{
    return ndx_test_add(ix, url, body, "en");
}

struct listing {
    char s[2048];
    size_t n;
};

static int on_alias(void *ctx, const ndx_alias *a)
{
    struct listing *l = ctx;
    int w = snprintf(l->s + l->n, sizeof l->s - l->n, "%s%.*s=%.*s/%s/%llu/%llu", l->n ? "; " : "",
                     (int)a->nlatin, a->latin, (int)a->ncjk, a->cjk, a->script,
                     (unsigned long long)a->articles, (unsigned long long)a->first);
    if (w > 0 && (size_t)w < sizeof l->s - l->n)
        l->n += (size_t)w;
    return 0;
}

static const char *list(struct listing *l, ndx_index *ix, const char *name)
{
    memset(l, 0, sizeof *l);
    if (ndx_index_aliases(ix, name, name ? strlen(name) : 0, on_alias, l))
        return "(error)";
    return l->s;
}

static void no_problem(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "  check: %s\n", msg);
}

TEST(aliases_counted_committed_and_listed)
{
    char dir[] = "/tmp/ndx-alias-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    ndx_index *w = NULL, *r = NULL;
    struct listing l;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &w, NULL), NDX_OK);
    CHECK_EQ(
        add_art(w, "https://a.test/1", "Party Secretary Chen Quanguo (陳全國) met Wang Yi (王毅)."),
        NDX_OK);
    /* the same pair in simplified characters, twice in one article: counted once */
    CHECK_EQ(add_art(w, "https://a.test/2", "陈全国（Chen Quanguo）说。Chen Quanguo (陈全国)"),
             NDX_OK);
    /* an inconsistent gloss: another spelling of the CJK form is its own pair */
    CHECK_EQ(add_art(w, "https://a.test/3", "Chen Quanguo (陈全果) spoke"), NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/4", "no gloss here"), NDX_OK);
    CHECK_EQ(ndx_index_commit(w), NDX_OK);
    CHECK_EQ(ndx_index_check(w, no_problem, NULL), NDX_OK);

    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &r, NULL), NDX_OK);
    CHECK_STR(list(&l, r, NULL), "Chen Quanguo=陳全國/Hani/2/1; Chen Quanguo=陈全果/Hani/1/3; "
                                 "Wang Yi=王毅/Hani/1/1");
    /* by either form, folded as search folds */
    CHECK_STR(list(&l, r, "chen QUANGUO"),
              "Chen Quanguo=陳全國/Hani/2/1; Chen Quanguo=陈全果/Hani/1/3");
    CHECK_STR(list(&l, r, "陈全国"), "Chen Quanguo=陳全國/Hani/2/1");
    CHECK_STR(list(&l, r, "王毅"), "Wang Yi=王毅/Hani/1/1");
    CHECK_STR(list(&l, r, "Nobody"), "");
    ndx_index_close(r);

    /* deleting the first article moves `first`; an update that drops the gloss uncounts it */
    CHECK_EQ(ndx_index_delete(w, "https://a.test/1", strlen("https://a.test/1")), NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/3", "Chen Quanguo spoke, no gloss"), NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/5", "Wang Yi (王毅) and Moon Jae-in (문재인)"), NDX_OK);
    CHECK_EQ(ndx_index_commit(w), NDX_OK);
    CHECK_STR(list(&l, w, NULL), "Chen Quanguo=陳全國/Hani/1/2; Moon Jae-in=문재인/Hang/1/5; "
                                 "Wang Yi=王毅/Hani/1/5");
    CHECK_EQ(ndx_index_check(w, no_problem, NULL), NDX_OK);
    /* merges keep the table */
    CHECK_EQ(ndx_index_optimize(w, 1), NDX_OK);
    CHECK_EQ(ndx_index_check(w, no_problem, NULL), NDX_OK);
    ndx_index_close(w);
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &r, NULL), NDX_OK);
    CHECK_STR(list(&l, r, "Moon Jae-in"), "Moon Jae-in=문재인/Hang/1/5");
    ndx_index_close(r);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '^aliases-' | grep -qx 1", dir);
    CHECK_EQ(system(cmd), 0); /* the superseded tables are removed */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}

TEST(aliases_damage_is_detected)
{
    char dir[] = "/tmp/ndx-alias-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    ndx_index *w = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &w, NULL), NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/1", "Wang Yi (王毅) said"), NDX_OK);
    CHECK_EQ(ndx_index_commit(w), NDX_OK);
    ndx_index_close(w);
    /* one flipped byte in the table: the index does not open */
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "f=$(ls %s/aliases-*); printf 'X' | dd of=$f bs=1 seek=14 conv=notrunc 2>/dev/null",
             dir);
    CHECK_EQ(system(cmd), 0);
    char *msg = NULL;
    ndx_index *r = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &r, &msg), NDX_ECORRUPT);
    CHECK(msg && strstr(msg, "alias table") && strstr(msg, "damaged"));
    ndx_free(msg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}

/* ---- query-time expansion (query/alias_expand.c) ------------------------------------------ */

#include "query/alias_expand.h"

static const char *expanded(ndx_index *ix, const char *q, struct ndx_buf *b)
{
    struct ndx_qnode *t = NULL;
    ndx__buf_reset(b);
    if (ndx__query_parse(q, strlen(q), &t, NULL, NULL) || ndx__alias_expand(ix, &t) ||
        ndx__query_dump(t, b)) {
        ndx__query_free(t);
        return "(error)";
    }
    ndx__query_free(t);
    return (const char *)b->p;
}

TEST(aliases_expand_queries)
{
    char dir[] = "/tmp/ndx-alias-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    ndx_index *w = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &w, NULL), NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/1", "Secretary Chen Quanguo (陳全國) and Wang Yi (王毅)"),
             NDX_OK);
    CHECK_EQ(add_art(w, "https://a.test/2", "Chen Quanguo (陈全果)"), NDX_OK);
    CHECK_EQ(ndx_index_commit(w), NDX_OK);
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    /* a CJK word: either script */
    CHECK_STR(expanded(w, "陈全国", &b), "(or (term \"陈全国\") (phrase \"Chen Quanguo\"))");
    /* a phrase: every CJK spelling the name was glossed with, in its field (most glossed first,
     * ties in an order fixed by the folded forms, wherever the pairs sit in the table) */
    CHECK_STR(
        expanded(w, "title:\"chen quanguo\"", &b),
        "(or (phrase title \"chen quanguo\") (phrase title \"陈全果\") (phrase title \"陳全國\"))");
    /* adjacent words of an AND, the other words kept */
    CHECK_STR(expanded(w, "xinjiang Chen Quanguo wang", &b),
              "(and (term \"xinjiang\") (or (and (term \"Chen\") (term \"Quanguo\")) (phrase "
              "\"陈全果\") (phrase \"陳全國\")) (term \"wang\"))");
    /* a table from outside (ndx_index_set_aliases): the same pairs in another order expand
     * alike; a pair given twice (two shards) is one, its articles added up */
    ndx_alias ext[] = {{"Chen Quanguo", 12, "陈全果", 9, "Hani", 1, 0},
                       {"Wang Yi", 7, "王毅", 6, "Hani", 1, 0},
                       {"Chen Quanguo", 12, "陳全國", 9, "Hani", 1, 0}};
    CHECK_EQ(ndx_index_set_aliases(w, ext + 1, 2), NDX_OK);
    CHECK_STR(expanded(w, "陈全果", &b), "(term \"陈全果\")");
    CHECK_EQ(ndx_index_set_aliases(w, ext, 3), NDX_OK);
    CHECK_STR(
        expanded(w, "title:\"chen quanguo\"", &b),
        "(or (phrase title \"chen quanguo\") (phrase title \"陈全果\") (phrase title \"陳全國\"))");
    ndx_alias twice[] = {ext[2], ext[0], ext[2]};
    CHECK_EQ(ndx_index_set_aliases(w, twice, 3), NDX_OK);
    CHECK_STR(
        expanded(w, "title:\"chen quanguo\"", &b),
        "(or (phrase title \"chen quanguo\") (phrase title \"陳全國\") (phrase title \"陈全果\"))");
    CHECK_EQ(ndx_index_set_aliases(w, ext, 0), NDX_OK); /* nothing */
    CHECK_STR(expanded(w, "陈全国", &b), "(term \"陈全国\")");
    ndx_alias bad = {"Chen", 4, " ・", 4, "", 1, 0};
    CHECK_EQ(ndx_index_set_aliases(w, &bad, 1), NDX_EINVAL);
    CHECK_STR(expanded(w, "陈全国", &b), "(term \"陈全国\")"); /* refused: the table kept */
    CHECK_EQ(ndx_index_set_aliases(w, NULL, 0), NDX_OK);       /* the index's own again */
    CHECK_STR(expanded(w, "陈全国", &b), "(or (term \"陈全国\") (phrase \"Chen Quanguo\"))");
    CHECK_STR(expanded(w, "Wang Yi OR -王毅", &b),
              "(or (or (and (term \"Wang\") (term \"Yi\")) (phrase \"王毅\")) (not (or (term "
              "\"王毅\") (phrase \"Wang Yi\"))))");
    /* one word of a two-word name, another field, a prefix, a sloppy phrase: unchanged */
    CHECK_STR(expanded(w, "Chen", &b), "(term \"Chen\")");
    CHECK_STR(expanded(w, "source:王毅 chen* \"chen quanguo\"~2", &b),
              "(and (term source \"王毅\") (prefix \"chen\") (phrase \"chen quanguo\" 2))");
    ndx__buf_free(&b);
    ndx_index_close(w);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}
