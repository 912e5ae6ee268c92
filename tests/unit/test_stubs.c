/*
 * test_stubs.c - teaser stubs after an article (lib/ingest/stubs.c): the seed page (an article
 * followed by four sidebar teasers, each cut mid-sentence and about something else) splits into
 * the article and four NDX_ART_TEASER articles, or drops them with opts.stubs = 1; hand-written
 * negatives (a short on-topic last paragraph, a crawl cut in the last on-topic paragraph, a
 * "Reporting by ...; editing by ..." credit) stay one article.
 */
#include "harness.h"
#include "collect.h"
#include "ingest/ingest.h"
#include "ndx_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static struct coll *read_seed(int drop)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_opts o = {.stubs = drop};
    ndx_reader_cb cb = {on_article, on_problem, NULL, c};
    CHECK_EQ(ndx_read_file(shared("seed/news-page.txt"), &o, &cb), NDX_OK);
    return c;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = s ? strlen(s) : 0, b = strlen(suf);
    return s && a >= b && !strcmp(s + a - b, suf);
}

TEST(stubs_seed_page_split)
{
    struct coll *c = read_seed(0);
    CHECK_EQ(c->n, 5);
    if (c->n == 5) {
        const struct art *art = &c->a[0];
        CHECK_EQ(art->flags & NDX_ART_TEASER, 0);
        CHECK(ends_with(art->body, "There have also been at least two other trips to Xinjiang "
                                   "for foreign diplomats."));
        CHECK(!strstr(art->body, "Jimmy Sham"));
        static const char *const starts[] = {"Four people jailed", "Poland is set",
                                             "North Korea has detained", "The collapse of the"};
        for (int i = 1; i < 5; i++) {
            const struct art *s = &c->a[i];
            CHECK_EQ(s->flags, NDX_ART_TEASER);
            CHECK_STR(s->parent, art->url);
            char want[PATH_MAX + 32];
            snprintf(want, sizeof want, "%s#teaser-%d", art->url, i);
            CHECK_STR(s->url, want);
            CHECK(s->body && !strncmp(s->body, starts[i - 1], strlen(starts[i - 1])));
            CHECK(s->body && !strchr(s->body, '\n'));
            CHECK(s->title && strlen(s->title) > 10);
        }
    }
    CHECK(c->nprob == 1 && !strncmp(c->what[0], "note: 4 teaser stubs", 20));
    coll_free(c);
}

TEST(stubs_seed_page_dropped)
{
    struct coll *c = read_seed(1);
    CHECK_EQ(c->n, 1);
    if (c->n == 1)
        CHECK(ends_with(c->a[0].body, "foreign diplomats."));
    CHECK(c->nprob == 1 && strstr(c->what[0], "dropped"));
    coll_free(c);
}

/* An on-topic article of `paras` paragraphs about a harbour bridge (~45 words each). */
static void article(char *out, size_t cap, int paras)
{
    static const char *const p[] = {
        "The city council voted on Tuesday to approve the new harbour bridge, ending a decade "
        "of debate over the crossing, its cost and its effect on the ferry services that carry "
        "commuters across the harbour every morning.",
        "Council members said the harbour bridge would cost about 400 million dollars, to be "
        "shared between the city and the regional transport authority, and that construction "
        "could start next spring if the final design is approved.",
        "Ferry operators warned that the bridge would cut their commuter traffic by half, and "
        "asked the council to fund a transition plan for the crews and the harbour terminals "
        "that depend on the morning crossings.",
        "The mayor said the bridge was the most important transport decision the council had "
        "taken in a generation, and that the harbour crossing would relieve the congested "
        "tunnel and the coastal road.",
        "Opponents of the bridge said the council had underestimated the cost and ignored the "
        "environmental study of the harbour, which found that the bridge piers could disturb "
        "the seagrass beds near the ferry terminal.",
    };
    out[0] = 0;
    for (int i = 0; i < paras; i++) {
        strncat(out, p[i % 5], cap - strlen(out) - 2);
        strcat(out, "\n");
    }
}

static size_t split(const char *body, size_t *nst)
{
    return ndx__stubs_split(body, strlen(body), nst);
}

TEST(stubs_negative_short_on_topic_last_paragraph)
{
    char buf[8192];
    article(buf, sizeof buf, 5);
    strcat(buf, "The council will meet again next week to discuss the harbour bridge");
    size_t nst = 9;
    CHECK_EQ(split(buf, &nst), strlen(buf));
    CHECK_EQ(nst, 0);
}

TEST(stubs_negative_cut_on_topic_last_paragraph)
{
    char buf[8192];
    article(buf, sizeof buf, 5);
    /* a crawl cut mid-sentence in a long last paragraph that is still about the bridge */
    strcat(buf,
           "The ferry operators and the council agreed that the harbour bridge design would be "
           "reviewed by the transport authority before construction, and that the cost of "
           "the crossing, the ferry terminals and the seagrass study would be published "
           "with the final plan, which the mayor said would");
    size_t nst = 9;
    CHECK_EQ(split(buf, &nst), strlen(buf));
    CHECK_EQ(nst, 0);
}

TEST(stubs_negative_credit_line)
{
    char buf[8192];
    article(buf, sizeof buf, 5);
    strcat(buf, "Reporting by Jane Doe; editing by John Roe");
    size_t nst = 9;
    CHECK_EQ(split(buf, &nst), strlen(buf));
    CHECK_EQ(nst, 0);
}

TEST(stubs_negative_whole_text_is_short)
{
    /* a lone off-topic cut paragraph after a too-short article: left alone */
    char buf[8192];
    article(buf, sizeof buf, 1);
    strcat(buf, "Scientists in Norway have found that reindeer herds change their migration "
                "routes when winter snow turns to ice, forcing the animals to dig through hard "
                "crusts for lichen, a study published on Monday showed, adding that the herders "
                "in the far north were");
    size_t nst = 9;
    CHECK_EQ(split(buf, &nst), strlen(buf));
    CHECK_EQ(nst, 0);
}

TEST(stubs_single_off_topic_teaser)
{
    char buf[8192];
    article(buf, sizeof buf, 5);
    size_t art = strlen(buf) - 1;
    strcat(buf, "Scientists in Norway have found that reindeer herds change their migration "
                "routes when winter snow turns to ice, forcing the animals to dig through hard "
                "crusts for lichen, a study published on Monday showed, adding that the herders "
                "in the far north were");
    size_t nst = 0;
    CHECK_EQ(split(buf, &nst), art);
    CHECK_EQ(nst, 1);
}

TEST(stubs_ellipsis_teasers)
{
    char buf[8192];
    article(buf, sizeof buf, 5);
    size_t art = strlen(buf) - 1;
    strcat(buf, "Scientists in Norway have found that reindeer herds change their migration "
                "routes when winter snow turns to ice, forcing the animals to dig through hard "
                "crusts for lichen, a study published on Monday showed ...\n"
                "The national football team named a new coach on Friday after a disappointing "
                "tournament, choosing a former midfielder who led the junior squad to two "
                "continental titles and promised an attacking style of play \xE2\x80\xA6");
    size_t nst = 0;
    CHECK_EQ(split(buf, &nst), art);
    CHECK_EQ(nst, 2);
}
