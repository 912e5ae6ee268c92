/*
 * test_highlight.c - highlights in the snippets of long articles whose query words are few and far
 * apart: the first word of the body and the last are both marked (with no title, with the last
 * word in the title too, a phrase at the very end, stemmed forms), in simple and default analysis;
 * the simple analysis of highlighting (words of other first letters only counted); and a phrase's
 * frequency ordering its hits.
 */
#include "articles.h"
#include "harness.h"
#include "newsdex.h"
#include "text/text.h"

#include <stdlib.h>
#include <unistd.h>

/* Body: head, then n filler words (none starting with a query word's letter), then tail. */
static char *long_body(const char *head, int n, const char *tail)
{
    size_t cap = strlen(head) + strlen(tail) + (size_t)n * 8 + 8, k = 0;
    char *b = malloc(cap);
    k += (size_t)snprintf(b + k, cap - k, "%s", head);
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(b + k, cap - k, " w%d%s", i, i % 17 == 16 ? "." : "");
    snprintf(b + k, cap - k, " %s", tail);
    return b;
}

static void add(ndx_index *ix, const char *url, const char *title, const char *body)
{
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.url = url;
    a.nurl = strlen(url);
    a.title = title;
    a.ntitle = strlen(title);
    a.body = body;
    a.nbody = strlen(body);
    a.lang = "en";
    a.nlang = 2;
    a.published = NDX_DATE_UNKNOWN;
    CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
}

/* Marked spans in the snippet of the one hit of q whose URL is url (-1 when not found). */
static int marks(ndx_index *ix, const char *q, const char *url, const char *want)
{
    ndx_search_opts o;
    ndx_search_opts_init(&o);
    o.collapse = 0;
    o.limit = 50;
    ndx_results *r = NULL;
    if (ndx_search(ix, q, strlen(q), &o, &r, NULL) != NDX_OK)
        return -1;
    int n = -1;
    for (size_t i = 0; i < ndx_results_count(r); i++) {
        const ndx_hit *h = ndx_results_hit(r, i);
        if (h->nurl != strlen(url) || memcmp(h->url, url, h->nurl))
            continue;
        n = 0;
        char open[64];
        snprintf(open, sizeof open, "<mark>%s</mark>", want);
        for (const char *p = h->snippet; (p = strstr(p, open)); p += strlen(open))
            n++;
    }
    ndx_results_free(r);
    return n;
}

static void run(unsigned mode)
{
    char dir[64];
    ndx_index *ix = ndx_test_new_index(mode, dir);
    CHECK(ix != NULL);
    if (!ix)
        return;
    char *b1 = long_body("alpha starts", 3000, "and zeta ends");
    char *b2 = long_body("alpha here", 3000, "but zeta at the end");
    char *b3 = long_body("omega first", 3000, "then omega alpha closes");
    char *b4 = long_body("running early", 3000, "it runs late");
    add(ix, "https://example.org/1", "", b1);
    add(ix, "https://example.org/2", "zeta in the title", b2);
    add(ix, "https://example.org/3", "", b3);
    add(ix, "https://example.org/4", "", b4);
    CHECK_EQ(ndx_index_commit(ix), 0);
    /* the first word of the body and the last: two passages, each marked */
    CHECK_EQ(marks(ix, "alpha zeta", "https://example.org/1", "alpha"), 1);
    CHECK_EQ(marks(ix, "alpha zeta", "https://example.org/1", "zeta"), 1);
    /* the last word also in the title */
    CHECK_EQ(marks(ix, "alpha zeta", "https://example.org/2", "alpha"), 1);
    CHECK_EQ(marks(ix, "alpha zeta", "https://example.org/2", "zeta"), 1);
    /* a phrase ending the body, its first word also near the start */
    CHECK_EQ(marks(ix, "\"omega alpha\"", "https://example.org/3", "omega alpha"), 1);
    if (!(mode & NDX_OPEN_SIMPLE)) { /* stemmed forms at both ends */
        CHECK_EQ(marks(ix, "run", "https://example.org/4", "running") +
                     marks(ix, "run", "https://example.org/4", "runs"),
                 2);
    }
    ndx_index_close(ix);
    free(b1);
    free(b2);
    free(b3);
    free(b4);
    rmrf(dir);
    ndx__text_thread_cleanup();
}

TEST(highlights_far_apart_in_long_articles)
{
    run(NDX_OPEN_SIMPLE);
    run(0);
}

struct toks {
    char line[8192];
    size_t n;
};

static int on_tok(void *ctx, const char *t, size_t n, uint32_t pos, size_t s, size_t e,
                  unsigned flags)
{
    (void)flags;
    struct toks *k = ctx;
    k->n += (size_t)snprintf(k->line + k->n, sizeof k->line - k->n, "%u:%zu-%zu:%.*s ", pos, s, e,
                             (int)n, t);
    return 0;
}

/* The same words, positions and offsets where the first letter is flagged, in simple analysis:
 * what highlighting asks for (stem_first, words only counted) against a full analysis. */
TEST(simple_analysis_skips_words_of_other_first_letters)
{
    static const char text[] =
        "Alpha beta, GAMMA d\xc3\xa9j\xc3\xa0 zeta42 \xc3\x89t\xc3\xa9 alpha-beta 7up "
        "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 a\xcc\x81"
        "b bz aZ";
    uint8_t first[256] = {0};
    first['a'] = first['A'] = first['z'] = first['Z'] = 1;
    struct ndx_analyzer an;
    memset(&an, 0, sizeof an);
    an.simple = 1;
    struct toks all = {{0}, 0}, some = {{0}, 0}, passed = {{0}, 0};
    uint32_t next_all = 0, next_some = 0;
    CHECK_EQ(ndx__analyze(&an, text, sizeof text - 1, "en", 5, on_tok, &all, &next_all), 0);
    size_t skipped = 0;
    an.stem_first = first;
    an.skipped = &skipped;
    CHECK_EQ(ndx__analyze(&an, text, sizeof text - 1, "en", 5, on_tok, &some, &next_some), 0);
    CHECK_EQ(next_some, next_all);
    /* the full analysis's words starting with a, z or a non-ASCII letter */
    size_t total = 0, npassed = 0;
    for (char *p = all.line; *p;) {
        char *sp = strchr(p, ' ');
        char *term = strchr(strchr(p, ':') + 1, ':') + 1;
        total++;
        if (*term == 'a' || *term == 'z' || (unsigned char)*term >= 0x80) {
            npassed++;
            passed.n += (size_t)snprintf(passed.line + passed.n, sizeof passed.line - passed.n,
                                         "%.*s ", (int)(sp - p), p);
        }
        p = sp + 1;
    }
    CHECK_STR(some.line, passed.line);
    CHECK(npassed > 3 && npassed < total);
    CHECK_EQ(skipped, total - npassed);
    /* without a count the skipped words are passed as they stand, at their positions */
    an.skipped = NULL;
    struct toks raw = {{0}, 0};
    CHECK_EQ(ndx__analyze(&an, text, sizeof text - 1, "en", 5, on_tok, &raw, NULL), 0);
    CHECK(strstr(raw.line, "6:6-10:beta ") != NULL);
    CHECK(strstr(raw.line, "7:12-17:GAMMA ") != NULL);
}

/* A phrase's frequency in a document orders its hits: of articles of one length, the one holding
 * the phrase most often comes first (the matching of each slot's positions is counted, not only
 * found), with and without slop. */
TEST(phrase_frequency_orders_hits)
{
    char dir[64];
    ndx_index *ix = ndx_test_new_index(NDX_OPEN_SIMPLE, dir);
    CHECK(ix != NULL);
    if (!ix)
        return;
    enum { K = 6 };
    for (int k = 1; k <= K; k++) { /* k times "alpha beta gamma", K - k times "gamma beta alpha",
                                     three other words after each */
        char body[1024], url[64];
        size_t n = 0;
        for (int i = 0; i < K; i++)
            n += (size_t)snprintf(body + n, sizeof body - n, "%s zz zz zz ",
                                  (i + k) % K < k ? "alpha beta gamma" : "gamma beta alpha");
        snprintf(url, sizeof url, "https://example.org/%d", k);
        add(ix, url, "", body);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    static const char *const qs[] = {"\"alpha beta\"", "\"alpha gamma\"~1", "\"alpha beta gamma\""};
    for (size_t q = 0; q < NDX_ARRAY_LEN(qs); q++) {
        ndx_search_opts o;
        ndx_search_opts_init(&o);
        o.collapse = 0;
        o.want_snippets = 0;
        ndx_results *r = NULL;
        CHECK_EQ(ndx_search(ix, qs[q], strlen(qs[q]), &o, &r, NULL), 0);
        if (!r)
            continue;
        CHECK_EQ(ndx_results_count(r), (size_t)K);
        for (size_t i = 0; i < ndx_results_count(r); i++) {
            const ndx_hit *h = ndx_results_hit(r, i);
            char want[64];
            snprintf(want, sizeof want, "https://example.org/%d", K - (int)i);
            CHECK_STR(h->url, want);
            if (strcmp(h->url, want))
                fprintf(stderr, "  %s\n", qs[q]);
            if (i)
                CHECK(h->score < ndx_results_hit(r, i - 1)->score);
        }
        ndx_results_free(r);
    }
    ndx_index_close(ix);
    rmrf(dir);
    ndx__text_thread_cleanup();
}
