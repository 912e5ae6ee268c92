/*
 * test_shard_api.c - the calls sharded archives are built on (docs/SCALE.md): ndx_article_keys_of
 * and ndx_index_place (what ingest will do with an article), ndx_article_stats and
 * ndx_related_article, ndx_shard_terms_foreground and ndx_shard_terms_background; on a writer and
 * a reader, with malformed requests.  The suite runs them under ASan with leak checking.
 */
#include "articles.h"
#include "harness.h"

#include "newsdex.h"
#include "tmpdir.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const WORDS[] = {"harbour", "strike",   "council", "budget", "flood",
                                    "river",   "minister", "vote",    "school", "market"};

static void body_of(int story, char *out, size_t n)
{
    uint32_t r = (uint32_t)story * 2654435761u + 1;
    size_t k = (size_t)snprintf(out, n, "Report");
    for (int w = 0; w < 60 && k + 16 < n; w++) {
        r = r * 1103515245u + 12345u;
        k += (size_t)snprintf(out + k, n - k, " %s%u", WORDS[(r >> 8) % 10], (r >> 16) % 7);
    }
}

static ndx_article art(const char *url, const char *title, const char *body)
{
    ndx_article a = ndx_test_article(url, title, body);
    a.lang = "en", a.nlang = 2;
    return a;
}

TEST(shard_place_predicts_add)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    char body[1024], url[64];
    for (int i = 1; i <= 20; i++) {
        body_of(i, body, sizeof body);
        snprintf(url, sizeof url, "https://a.example/%d", i);
        ndx_article a = art(url, "Story", body);
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), NDX_OK);
    }
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    /* a known URL, an exact copy, a near copy (one word more), something new */
    char near[1100];
    body_of(5, body, sizeof body);
    snprintf(near, sizeof near, "%s Updated.", body);
    char fresh[1024];
    body_of(99, fresh, sizeof fresh);
    ndx_article in[4] = {art("https://a.example/3", "Again", "other text of its own here"),
                         art("https://b.example/copy", "Copy", body),
                         art("https://c.example/near", "Near", near),
                         art("https://d.example/new", "New", fresh)};
    ndx_article_keys k[4];
    for (int i = 0; i < 4; i++)
        ndx_article_keys_of(&in[i], &k[i]);
    CHECK(k[1].url_hash != k[2].url_hash && k[1].content_hash != k[2].content_hash);
    CHECK(ndx_sketch_similarity(k[1].sketch, k[2].sketch) > 0.8);
    CHECK(ndx_sketch_band(k[1].sketch, 0) != 0 && ndx_sketch_band(k[1].sketch, 32) == 0);
    ndx_placement w[4], r[4];
    CHECK_EQ(ndx_index_place(ix, k, 4, w), NDX_OK);
    ndx_index *rd = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &rd, NULL), NDX_OK);
    CHECK_EQ(ndx_index_place(rd, k, 4, r), NDX_OK);
    CHECK(memcmp(w, r, sizeof w) == 0); /* a reader builds the writer's tables for the call */
    uint64_t id3 = 0, id5 = 0;
    CHECK_EQ(ndx_index_lookup(rd, "https://a.example/3", 19, &id3), NDX_OK);
    CHECK_EQ(ndx_index_lookup(rd, "https://a.example/5", 19, &id5), NDX_OK);
    CHECK_EQ(w[0].url_id, id3);
    CHECK_EQ(w[1].copy_of, id5);
    CHECK(w[2].best >= 0.4 && w[2].story == id5 && w[2].bands_held);
    CHECK_EQ(w[3].url_id, 0);
    CHECK_EQ(w[3].copy_of, 0);
    CHECK(w[3].best == 0);
    int oc;
    uint64_t gid;
    CHECK_EQ(ndx_index_add(ix, &in[2], &oc, &gid), NDX_OK);
    CHECK_EQ(oc, NDX_ADDED);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    ndx_article *got = NULL;
    CHECK_EQ(ndx_index_get(ix, gid, &got), NDX_OK);
    CHECK_EQ(got ? got->story : 0, id5); /* the story place said it would join */
    ndx_article_free(got);
    CHECK_EQ(ndx_index_place(rd, NULL, 0, NULL), NDX_OK);
    ndx_index_close(rd);
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(shard_related_and_terms_calls)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    char body[1024], url[64];
    for (int i = 1; i <= 30; i++) {
        body_of(i, body, sizeof body);
        snprintf(url, sizeof url, "https://a.example/%d", i);
        ndx_article a = art(url, i % 2 ? "Harbour strike" : "Council budget", body);
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), NDX_OK);
    }
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    ndx_article *a = NULL;
    CHECK_EQ(ndx_index_get(ix, 3, &a), NDX_OK);
    ndx_results *r1 = NULL, *r2 = NULL;
    CHECK_EQ(ndx_related(ix, 3, NULL, &r1), NDX_OK);
    CHECK_EQ(ndx_related_article(ix, a, 3, NULL, &r2), NDX_OK);
    CHECK_EQ(ndx_results_count(r1), ndx_results_count(r2));
    for (size_t i = 0; i < ndx_results_count(r1) && i < ndx_results_count(r2); i++)
        CHECK(ndx_results_hit(r1, i)->id == ndx_results_hit(r2, i)->id);
    ndx_results_free(r1);
    ndx_results_free(r2);
    char *out = NULL;
    size_t n = 0;
    CHECK_EQ(ndx_article_stats(ix, a, &out, &n), NDX_OK);
    CHECK(out && strstr(out, "\"docs\":30") && strstr(out, "\"df\":{"));
    ndx_free(out);
    ndx_article_free(a);
    ndx_terms_opts o;
    ndx_terms_opts_init(&o);
    CHECK_EQ(ndx_shard_terms_foreground(ix, "harbour", 7, &o, &out, &n, NULL), NDX_OK);
    CHECK(out && strstr(out, "\"terms\":[[") && strstr(out, "\"background\":"));
    ndx_free(out);
    o.sample = 2;
    CHECK_EQ(ndx_shard_terms_foreground(ix, "harbour", 7, &o, &out, &n, NULL), NDX_OK);
    CHECK(out && strstr(out, "\"stories\":2,"));
    ndx_free(out);
    size_t epos = 0;
    CHECK_EQ(ndx_shard_terms_foreground(ix, "title:(x", 8, &o, &out, &n, &epos), NDX_ESYNTAX);
    const char *req = "{\"terms\": [[\"harbour\", null], [\"harbour\", \"strike\"]], "
                      "\"langs\": [\"en\", \"\"], \"bg\": true}";
    CHECK_EQ(ndx_shard_terms_background(ix, req, strlen(req), &out, &n), NDX_OK);
    CHECK(out && strstr(out, "\"lang_docs\":[30,") && strstr(out, "\"bg\":[15,15]") &&
          strstr(out, "\"docs\":30"));
    ndx_free(out);
    const char *bad[] = {"[1]",
                         "{\"terms\": 3}",
                         "{\"terms\": [[1]]}",
                         "{\"terms\": [[\"\"]]}",
                         "{\"terms\": [], \"langs\": [\"eng\"]}",
                         "{"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = NULL;
        CHECK_EQ(ndx_shard_terms_background(ix, bad[i], strlen(bad[i]), &out, &n), NDX_EINVAL);
        CHECK(out == NULL);
    }
    ndx_index_close(ix);
    rmrf(dir);
}
