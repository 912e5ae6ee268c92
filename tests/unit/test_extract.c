/*
 * test_extract.c - article extraction (lib/extract): boilerplate removal on hand-written pages
 * (tests/data/extract), JSON-LD and metadata, title clean-up, charsets (GBK, Shift_JIS written
 * with iconv here, a lying <meta charset>), hostile input (deep nesting, a 20 MB page, binary
 * junk), and a few real pages of the shared newspaper3k corpus (first and last sentence of the
 * expected text must be found).
 *
 * Why one file of about 1,150 lines: every test reads pages through the same helpers (repo_path,
 * slurp, extract_file); the slim SAX layer's event comparison with libxml2 (sax_events, at the
 * end) is the part to move out, with those helpers in a header, when it grows.
 */
#include "harness.h"

#include "extract/extract.h"
#include "newsdex.h"

#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

static const char *repo_path(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int k;
    char *p = buf[k++ & 3];
    const char *tail = strstr(__FILE__, "tests/unit/test_extract.c");
    int root = tail ? (int)(tail - __FILE__) : 0;
    snprintf(p, PATH_MAX, "%.*s%s", root, tail ? __FILE__ : "", rel);
    return p;
}

/* read a file, gunzipping if needed; NULL if missing */
static char *slurp(const char *path, size_t *n)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    int k;
    while ((k = gzread(f, b + len, (unsigned)(cap - len))) > 0) {
        len += (size_t)k;
        if (len == cap)
            b = realloc(b, cap *= 2);
    }
    gzclose(f);
    b[len] = 0;
    *n = len;
    return b;
}

static int extract_file(const char *rel, struct ndx_extract *e)
{
    size_t n = 0;
    char *html = slurp(repo_path(rel), &n);
    if (!html) {
        fprintf(stderr, "  missing %s\n", rel);
        return -100;
    }
    ndx__extract_init(e);
    int rc = ndx__extract_html(html, n, NULL, NULL, 0, e);
    free(html);
    return rc;
}

static const char *S(const struct ndx_buf *b)
{
    return b->p ? (const char *)b->p : "";
}

static bool valid_utf8(const struct ndx_buf *b)
{
    return ndx__utf8_valid_prefix((const char *)b->p, b->n) == b->n;
}

TEST(extract_boilerplate_removed)
{
    struct ndx_extract e;
    CHECK_EQ(extract_file("tests/data/extract/boilerplate.html", &e), NDX_OK);
    const char *want =
        "Dock workers at the northern harbour returned to work on Tuesday morning after their "
        "union accepted a revised pay offer, ending a nine-day strike that had left dozens of "
        "container ships waiting offshore.\n"
        "The agreement, reached late on Monday after twelve hours of talks, raises wages by six "
        "percent this year and by four percent next year, and limits the length of night shifts.\n"
        "Ships begin to move\n"
        "By noon the first three vessels had berthed, and the port authority said it expected the "
        "backlog to be cleared within a week, although some shipping lines warned of delays "
        "lasting until the end of the month.\n"
        "Local businesses, several of which had run short of imported goods, welcomed the news but "
        "called on both sides to agree on a procedure that would prevent a repeat of the dispute.";
    CHECK_STR(S(&e.body), want);
    CHECK_STR(S(&e.title), "Harbour strike ends after nine days");
    CHECK_STR(S(&e.byline), "Jane Porter");
    CHECK_STR(S(&e.lang), "en");
    CHECK_STR(S(&e.source), "The Coastal Courier");
    ndx__extract_free(&e);
}

TEST(extract_jsonld_body)
{
    struct ndx_extract e;
    CHECK_EQ(extract_file("tests/data/extract/jsonld.html", &e), NDX_OK);
    CHECK(strstr(S(&e.body), "three percent smaller than this year's") != NULL);
    CHECK(strstr(S(&e.body), "\nOpposition members argued") != NULL);
    CHECK(strstr(S(&e.body), "Loading") == NULL);
    CHECK_STR(S(&e.title), "Council approves a smaller budget for next year");
    CHECK_STR(S(&e.byline), "Alex Moreau; Sam Lee");
    CHECK_EQ(e.published, 1699381800); /* 2023-11-07T18:30:00Z */
    CHECK_STR(S(&e.source), "Valley Times");
    ndx__extract_free(&e);
}

TEST(extract_meta_tags)
{
    struct ndx_extract e;
    CHECK_EQ(extract_file("tests/data/extract/meta.html", &e), NDX_OK);
    CHECK_STR(S(&e.title), "Neue Brücke über den Fluss eröffnet");
    CHECK_EQ(e.published, 1551773700); /* 2019-03-05T09:15:00+01:00 beats <time> */
    CHECK_STR(S(&e.byline), "Maria Schneider");
    CHECK_STR(S(&e.lang), "de");
    CHECK_STR(S(&e.url), "https://example.org/lokales/neue-bruecke");
    CHECK(strstr(S(&e.body), "Nach drei Jahren Bauzeit") != NULL);
    ndx__extract_free(&e);
}

TEST(extract_date_in_text_and_title_suffix)
{
    struct ndx_extract e;
    CHECK_EQ(extract_file("tests/data/extract/textdate.html", &e), NDX_OK);
    CHECK_EQ(e.published, 1616496480); /* 2021-03-23 10:48 UTC */
    CHECK_STR(S(&e.title), "市政府公布新交通计划");
    CHECK_STR(S(&e.lang), "zh");
    CHECK(strstr(S(&e.body), "版权所有") == NULL);
    CHECK(strstr(S(&e.body), "市民对这一计划普遍表示欢迎") != NULL);
    ndx__extract_free(&e);
}

static int extract_str(const char *html, struct ndx_extract *e)
{
    ndx__extract_init(e);
    return ndx__extract_html(html, strlen(html), NULL, NULL, 0, e);
}

static const char ARTICLE_P[] =
    "<p>The regional parliament passed the new water law on Thursday, after a debate that "
    "lasted most of the day and ended with a narrow vote.</p><p>Farmers' groups said the "
    "limits on irrigation were too strict, while environmental groups said they did not go far "
    "enough to protect the rivers.</p>";

TEST(extract_title_suffixes)
{
    static const struct {
        const char *title, *want;
    } cases[] = {
        {"Water law passed after long debate | Daily Planet", "Water law passed after long debate"},
        {"Water law passed after long debate - Daily Planet", "Water law passed after long debate"},
        {"Water law passed after long debate – Politics – Daily Planet",
         "Water law passed after long debate"},
        {"Daily Planet | Water law passed after long debate", "Water law passed after long debate"},
        {"A - B testing explained in full detail for beginners", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char html[2048];
        snprintf(html, sizeof html,
                 "<html><head><title>%s</title><meta property=\"og:site_name\" "
                 "content=\"Daily Planet\"></head><body><article>%s</article></body></html>",
                 cases[i].title, ARTICLE_P);
        struct ndx_extract e;
        CHECK_EQ(extract_str(html, &e), NDX_OK);
        CHECK_STR(S(&e.title), cases[i].want ? cases[i].want : cases[i].title);
        ndx__extract_free(&e);
    }
    /* a title holding the <h1> and more: the <h1>; unless the <h1> is the site's name */
    static const struct {
        const char *og, *h1, *want;
    } h1s[] = {
        {"Leadfeeder | State of SEO in 2026: Trends and Predictions",
         "State of SEO in 2026: Trends and Predictions",
         "State of SEO in 2026: Trends and Predictions"},
        {"Have an App Idea? Software Is Finally Affordable | by Summer Swann",
         "Have an App Idea? Software Is Finally Affordable",
         "Have an App Idea? Software Is Finally Affordable"},
        {"A Guide To Travel Insurance | Travel With Gabby", "Travel With Gabby",
         "A Guide To Travel Insurance"},
        {"Water law passed", "Water law passed after long debate", "Water law passed"},
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(h1s); i++) {
        char html[2048];
        snprintf(html, sizeof html,
                 "<html><head><meta property=\"og:title\" content=\"%s\"><meta "
                 "property=\"og:site_name\" content=\"Travel With Gabby\"></head><body><h1>%s</h1>"
                 "<article>%s</article></body></html>",
                 h1s[i].og, h1s[i].h1, ARTICLE_P);
        struct ndx_extract e;
        CHECK_EQ(extract_str(html, &e), NDX_OK);
        CHECK_STR(S(&e.title), h1s[i].want);
        ndx__extract_free(&e);
    }
}

/* UTF-8 -> charset with iconv */
static char *to_charset(const char *utf8, const char *cs, size_t *n)
{
    iconv_t cd = iconv_open(cs, "UTF-8");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t in = strlen(utf8), cap = in * 2 + 16, out = cap;
    char *buf = malloc(cap), *op = buf, *ip = (char *)utf8;
    size_t r = iconv(cd, &ip, &in, &op, &out);
    iconv_close(cd);
    if (r == (size_t)-1) {
        free(buf);
        return NULL;
    }
    *n = cap - out;
    return buf;
}

static void check_charset_page(const char *cs, const char *meta, const char *para)
{
    char html[4096];
    snprintf(html, sizeof html,
             "<html><head>%s<title>t</title></head><body><div class=\"content\"><p>%s</p><p>%s</p>"
             "</div></body></html>",
             meta, para, para);
    size_t n = 0;
    char *enc = to_charset(html, cs, &n);
    CHECK(enc != NULL);
    if (!enc)
        return;
    struct ndx_extract e;
    ndx__extract_init(&e);
    CHECK_EQ(ndx__extract_html(enc, n, NULL, NULL, 0, &e), NDX_OK);
    if (!strstr(S(&e.body), para))
        fprintf(stderr, "  charset %s meta '%s': got '%.200s'\n", cs, meta, S(&e.body));
    CHECK(strstr(S(&e.body), para) != NULL);
    CHECK(valid_utf8(&e.body));
    ndx__extract_free(&e);
    free(enc);
}

static const char ZH[] = "国务院新闻办公室今天举行发布会，介绍了今年前三个月国民经济运行情况，"
                         "有关负责人表示经济总体保持稳定增长，就业形势基本稳定。";
static const char JA[] =
    "東京都は今日、新しい防災計画を発表しました。地震や台風などの災害に備えて、"
    "避難所の数を増やし、住民への情報提供を強化するということです。";
static const char KO[] = "서울시는 오늘 새로운 교통 계획을 발표했습니다. 시는 앞으로 오년 동안 "
                         "지하철 노선을 늘리고 버스를 전기차로 바꿀 예정이라고 밝혔습니다.";
static const char ZHT[] = "行政院今天召開記者會，說明今年上半年經濟發展情況，"
                          "有關官員表示經濟整體維持穩定成長，就業情況也大致穩定。";

/* Tree building: an unclosed <div> inside <button> or <nav> is closed by their end tag, so the
 * article after them is not swallowed (libxml2 keeps them open). */
TEST(extract_tree_end_tags_close_blocks)
{
    struct ndx_extract e;
    char html[4096];
    snprintf(html, sizeof html,
             "<html><body><header><button class=\"menu\"><div>Menu</button>"
             "<nav><ul><li><a href=\"/\">Home</a><div></nav></header>"
             "<article><h1>Water law</h1>%s</article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote.\nFarmers' groups said") != NULL);
    CHECK(strstr(S(&e.body), "Menu") == NULL);
    CHECK(strstr(S(&e.body), "Home") == NULL);
    ndx__extract_free(&e);
    /* an end tag of an inline element does not close a block, nor a block a table cell */
    snprintf(html, sizeof html,
             "<html><body><div class=\"story\"><span>x<div>%s</span><p>The law takes effect "
             "in January, the ministry said in a statement.</p></div>"
             "<table><tr><td>%s</section> More text in the same cell follows here.</td></tr>"
             "</table></div></body></html>",
             ARTICLE_P, ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "takes effect in January") != NULL);
    ndx__extract_free(&e);
}

/* Character references in text, attributes and the title (decoded by libxml2; &#128;..&#159; get
 * their windows-1252 meaning); markup inside <title> is dropped. */
TEST(extract_character_references)
{
    struct ndx_extract e;
    char html[4096];
    snprintf(html, sizeof html,
             "<html><head><title>Fish &amp; chips &#8211; a <b>history</b></title>"
             "<meta property=\"og:site_name\" content=\"Caf&eacute; &amp; Co\"></head><body>"
             "<article><p>Prices rose by 5&nbsp;&#x20AC; &#150; or &#8220;a lot&#8221; &amp; "
             "more, said the owner of the caf&eacute;, who has sold fish for thirty years in "
             "the harbour.</p>%s<p>1 &lt; 2 &gt; 0 &unknown; &#0; &#xD800; end</p></article>"
             "</body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "Prices rose by 5 \xE2\x82\xAC \xE2\x80\x93 or "
                             "\xE2\x80\x9C"
                             "a lot\xE2\x80\x9D & more, said the owner of the "
                             "caf\xC3\xA9,") != NULL);
    CHECK(strstr(S(&e.body), "1 < 2 > 0 &unknown; ") != NULL);
    CHECK(strstr(S(&e.body), " end") != NULL);
    CHECK_STR(S(&e.title), "Fish & chips \xE2\x80\x93 a history");
    CHECK_STR(S(&e.source), "Caf\xC3\xA9 & Co");
    CHECK(valid_utf8(&e.body));
    ndx__extract_free(&e);
}

/* Boilerplate elements and hidden elements that hold most of the page are not boilerplate: a
 * <fieldset> or <nav> used as a layout wrapper, an article streamed in hidden chunks. */
TEST(extract_wrappers_and_hidden_chunks)
{
    struct ndx_extract e;
    char html[8192];
    snprintf(html, sizeof html,
             "<html><body><fieldset><div class=\"body\">%s<p>The law takes effect in January, "
             "the ministry said in a statement on Friday.</p></div></fieldset>"
             "<footer><a href=\"/a\">About</a></footer></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "takes effect in January") != NULL);
    CHECK(strstr(S(&e.body), "About") == NULL);
    ndx__extract_free(&e);
    snprintf(html, sizeof html,
             "<html><body><div id=\"root\"><a href=\"/\">Home</a></div>"
             "<div hidden id=\"S:0\"><article>%s</article></div>"
             "<div hidden id=\"S:1\"><p>The law takes effect in January, the ministry said in "
             "a statement on Friday, and the first checks follow in spring.</p></div>"
             "<div hidden class=\"menu\"><a href=\"/x\">Hidden menu</a></div></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    ndx__extract_free(&e);
    /* hidden as an exception: left out */
    snprintf(html, sizeof html,
             "<html><body><article>%s<div hidden><p>A hidden paragraph that a script may show "
             "later, about something else entirely.</p></div><div style=\"display: none\">"
             "Another hidden block of text that is never shown.</div></article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    CHECK(strstr(S(&e.body), "hidden") == NULL);
    ndx__extract_free(&e);
}

/* Class words: strong ones remove, weak ones ("widget", "date", "header") only short or
 * link-heavy blocks; short words count only as whole parts of a class ("toc" is not in
 * "stock", "hidden" is not "overflow-hidden"). */
TEST(extract_class_words)
{
    struct ndx_extract e;
    char html[8192];
    snprintf(html, sizeof html,
             "<html><body><div class=\"entry\">"
             "<div class=\"elementor-widget-container\">%s</div>"
             "<div class=\"overflow-hidden stock-chart\"><p>Shares of the water company fell by "
             "four percent after the vote, their lowest level since the spring.</p></div>"
             "<div class=\"post-date\">March 3, 2021</div>"
             "<div class=\"widget\"><a href=\"/1\">Most read story one</a> "
             "<a href=\"/2\">Most read story two</a></div>"
             "<div class=\"comments\"><p>What a terrible law, wrote a reader who did not agree "
             "with anything in it at all.</p></div>"
             "<div class=\"alert alert-success\">The article was added to your list.</div>"
             "<p class=\"postmetadata\">This entry was posted on Wednesday, 27 November 2019 at "
             "15:21 and is filed under Politics, Water, Farming and Rivers. You can follow any "
             "responses to this entry through the feed.</p>"
             "</div></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    CHECK(strstr(S(&e.body), "Shares of the water company fell") != NULL);
    CHECK(strstr(S(&e.body), "March 3") == NULL);
    CHECK(strstr(S(&e.body), "Most read") == NULL);
    CHECK(strstr(S(&e.body), "terrible law") == NULL);
    CHECK(strstr(S(&e.body), "added to your list") == NULL);
    CHECK(strstr(S(&e.body), "This entry was posted") == NULL);
    ndx__extract_free(&e);
}

/* An element named as the article body ("article-body", >= 500 of text) is not removed with a
 * wrapper whose class words say boilerplate ("pane-menu") when it holds most of that wrapper. */
TEST(extract_body_in_misnamed_wrapper)
{
    struct ndx_extract e;
    char html[16384];
    snprintf(html, sizeof html,
             "<html><body><div class=\"pane-menu-1\"><div class=\"article-body\">%s%s%s</div>"
             "</div><div class=\"more\"><p>A teaser about the harbour strike that ended on "
             "Tuesday and the ships that still wait outside.</p><p>Another teaser about the "
             "price of bread in the old town which rose again in the spring.</p><p>A third "
             "teaser about a concert in the park that drew more people than hoped.</p><p>A "
             "fourth teaser about the new bus lines that start in the autumn.</p><p>A fifth "
             "teaser about the school that opens in the north of the city next year.</p><p>A "
             "sixth teaser about the bridge that will be closed for repairs in the winter.</p>"
             "<p>A seventh teaser about the library that stays open late on Thursdays now.</p>"
             "<p>An eighth teaser about the football club that lost its third game in a row.</p>"
             "</div></body></html>",
             ARTICLE_P, ARTICLE_P, ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    ndx__extract_free(&e);
}

/* A page rendered by a script: the article only in <noscript> is taken when the rest gives
 * (almost) nothing; a short <noscript> notice on a normal page stays out. */
TEST(extract_noscript_fallback)
{
    struct ndx_extract e;
    char html[8192];
    snprintf(html, sizeof html,
             "<html><body><div id=\"app\"></div><script type=\"text/template\"><article>%s"
             "</article></script><noscript><article>%s</article></noscript></body></html>",
             ARTICLE_P, ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    ndx__extract_free(&e);
    snprintf(html, sizeof html,
             "<html><body><noscript><p>Please enable JavaScript to use all the features of this "
             "site.</p></noscript><article>%s</article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    CHECK(strstr(S(&e.body), "JavaScript") == NULL);
    ndx__extract_free(&e);
}

/* Ruby annotations (<rt>, <rp>) are reading aids, not text. */
/* Picture credits, source notes, post metadata and copyright lines are left out; calls to
 * subscribe only among the last lines. */
TEST(extract_credit_and_cta_lines)
{
    struct ndx_extract e;
    char html[16384];
    snprintf(html, sizeof html,
             "<html><body><article><p>The council voted on Tuesday to close the old harbour "
             "bridge for repairs, after engineers found cracks in two of its piers.</p>"
             "<p>Foto: Anna Beispiel</p><p>(Quelle: Stadtarchiv)</p><p>Abbildung 4: Die Pfeiler "
             "der Br\xc3\xbc"
             "cke</p><p>The mayor, at the bridge. \xc2\xa9 Agency / Jo Doe</p>"
             "<p>The streaming service lost two million subscribers in the quarter, the company "
             "said, and its shares fell.</p>%s"
             "<p>Quelle: %s</p><p>Tags: bridge, harbour</p><p>Last modified: 3 May 2021</p>"
             "<p>Sign up to our newsletter for the latest news.</p></article></body></html>",
             ARTICLE_P,
             "the harbour authority's report of 2019, which lists every inspection of the bridge "
             "since it opened, the cracks found in each and the repairs made, over forty pages");
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    const char *b = S(&e.body);
    CHECK(strstr(b, "The council voted") != NULL);
    CHECK(strstr(b, "Anna Beispiel") == NULL);
    CHECK(strstr(b, "Stadtarchiv") == NULL);
    CHECK(strstr(b, "Abbildung") == NULL);
    CHECK(strstr(b, "Jo Doe") == NULL);
    CHECK(strstr(b, "Tags:") == NULL);
    CHECK(strstr(b, "Last modified") == NULL);
    CHECK(strstr(b, "newsletter") == NULL);
    /* the same words in article text stay: mid-text, or a long line */
    CHECK(strstr(b, "two million subscribers") != NULL);
    CHECK(strstr(b, "Quelle: the harbour authority") != NULL);
    CHECK_EQ(strlen(b), e.body.n);
    CHECK(b[e.body.n - 1] != '\n');
    ndx__extract_free(&e);
    /* a text of three lines: the first and the last are calls to subscribe */
    snprintf(html, sizeof html,
             "<html><body><article><p>Sign up to our newsletter for the latest news.</p>"
             "<p>The regional parliament passed the new water law on Thursday, after a debate "
             "that lasted most of the day and ended with a narrow vote.</p>"
             "<p>Subscribe now for the full story.</p></article></body></html>");
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strncmp(S(&e.body), "The regional parliament", 23) == 0);
    CHECK(strstr(S(&e.body), "ubscribe") == NULL && strstr(S(&e.body), "Sign up") == NULL);
    CHECK(strstr(S(&e.body), "\n\n") == NULL);
    CHECK(S(&e.body)[e.body.n - 1] == '.' && strlen(S(&e.body)) == e.body.n);
    ndx__extract_free(&e);
}

/* Ideographic spaces that indent Chinese paragraphs are trimmed like spaces. */
TEST(extract_ideographic_indent)
{
    struct ndx_extract e;
    const char *html =
        "<html><body><article><p>\xe3\x80\x80\xe3\x80\x80\xe5\x8c\x97\xe4\xba\xac\xe5\xb8\x82"
        "\xe6\x94\xbf\xe5\xba\x9c\xe4\xbb\x8a\xe5\xa4\xa9\xe5\x85\xac\xe5\xb8\x83\xe4\xba\x86"
        "\xe6\x96\xb0\xe7\x9a\x84\xe6\xb0\xb4\xe6\xb3\x95\xe3\x80\x82\xe3\x80\x80</"
        "p><p>\xe3\x80\x80"
        "\xe3\x80\x80\xe5\x86\x9c\xe6\xb0\x91\xe8\xae\xa4\xe4\xb8\xba\xe7\x81\x8c\xe6\xba\x89\xe9"
        "\x99\x90\xe5\x88\xb6\xe5\xa4\xaa\xe4\xb8\xa5\xe3\x80\x82</p></article></body></html>";
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    const char *b = S(&e.body);
    CHECK(strstr(b, "\xe5\x8c\x97\xe4\xba\xac") == b); /* starts with the text */
    CHECK(strstr(b, "\xe3\x80\x80") == NULL);
    CHECK(strstr(b, "\n\xe5\x86\x9c\xe6\xb0\x91") != NULL);
    ndx__extract_free(&e);
}

/* The byline extracted from html must be want (case i of a table, named when it is not). */
static void check_byline(const char *html, const char *want, size_t i)
{
    struct ndx_extract e;
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    if (strcmp(S(&e.byline), want))
        fprintf(stderr, "  case %zu: '%s'\n", i, S(&e.byline));
    CHECK_STR(S(&e.byline), want);
    ndx__extract_free(&e);
}

/* Bylines lose dates and reading times; bare labels give way to the next source. */
TEST(extract_byline_cleaning)
{
    static const struct {
        const char *meta, *node, *want;
    } cases[] = {
        {"Madeleine Howell 30 August 2023 \xe2\x80\xa2 4:45pm", NULL, "Madeleine Howell"},
        {"Dec 17, 2025Julian K. Arni", NULL, "Julian K. Arni"},
        {"Jane Doe | 5 min read", NULL, "Jane Doe"},
        {"BR24 Redaktion", NULL, "BR24 Redaktion"},
        {"May Smith", NULL, "May Smith"},
        {"Sergio Mart\xc3\xadnez | The Texas Newsroom", NULL,
         "Sergio Mart\xc3\xadnez | The Texas Newsroom"},
        {"By", "By Jane Doe", "Jane Doe"},
        {"Article by:", "Sara Brown", "Sara Brown"},
        {"Sat, 20 Dec, 2025 - 06:36", "Olive Ryan", "Olive Ryan"},
        {"Jiobal says:", NULL, ""},
        {"   ", NULL, ""},
        {"&#32;", NULL, ""},
        {"262588213843476", NULL, ""},
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(cases); i++) {
        char html[4096], node[256] = "";
        if (cases[i].node)
            snprintf(node, sizeof node, "<div class=\"byline\">%s</div>", cases[i].node);
        snprintf(html, sizeof html,
                 "<html><head><title>Water law</title><meta name=\"author\" content=\"%s\">"
                 "</head><body><article>%s%s</article></body></html>",
                 cases[i].meta, node, ARTICLE_P);
        check_byline(html, cases[i].want, i);
    }
}

TEST(extract_date_words_near_headline)
{
    struct ndx_extract e;
    /* dates written with words near the headline; a date in the story further down is not one */
    static const struct {
        const char *line;
        int64_t want;
    } cases[] = {
        {"By Jane Doe December 15, 2025", 1765756800},
        {"Jane Doe \xe2\x80\xa2 Dec 17, 2025 \xe2\x80\xa2 6 min read", 1765929600},
        {"Advent of Code 2025 week 2 20 December 2025", 1766188800},
        {"Posted on Sat, 20 Dec 2025", 1766188800},
        {"Jane Doe", NDX_DATE_UNKNOWN},
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(cases); i++) {
        char html[8192];
        snprintf(html, sizeof html,
                 "<html><body><article><h1>The water law passes</h1><p class=\"info\">%s</p>%s"
                 "%s<p>The first law of its kind was passed in the region on March 5, 2019, "
                 "and repealed in 2022.</p></article></body></html>",
                 cases[i].line, ARTICLE_P, ARTICLE_P);
        CHECK_EQ(extract_str(html, &e), NDX_OK);
        if (e.published != cases[i].want)
            fprintf(stderr, "  case %zu: %lld\n", i, (long long)e.published);
        CHECK_EQ(e.published, cases[i].want);
        ndx__extract_free(&e);
    }
}

/* A byline written in the text under the headline, when the markup names no author. */
TEST(extract_byline_in_text)
{
    static const struct {
        const char *line, *want;
    } cases[] = {
        {"By Sofia Gonzalez December 2, 2025", "Sofia Gonzalez"},
        {"Written by: Jane Doe and John Roe | Updated", "Jane Doe and John Roe"},
        {"Written by Emma Ryan Researched by Oliver Simpson", "Emma Ryan"},
        {"Posted by BeauHD on Friday December 19, 2025", "BeauHD"},
        {"Photo by John Smith", ""},
        {"By Sunday the council had voted.", ""},
        {"A report by the water authority", ""},
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(cases); i++) {
        char html[4096];
        snprintf(html, sizeof html,
                 "<html><body><article><h1>The water law passes</h1><p>%s</p>%s</article>"
                 "</body></html>",
                 cases[i].line, ARTICLE_P);
        check_byline(html, cases[i].want, i);
    }
}

/* A comment section longer than the article it follows is still left out. */
TEST(extract_long_comment_section)
{
    char html[32768], comments[24576] = "";
    size_t m = 0;
    for (int i = 0; i < 12; i++)
        m += (size_t)snprintf(comments + m, sizeof comments - m,
                              "<li class=\"member\"><h4>Reader %d</h4><time>14.01.2020</time><p>"
                              "I do not agree with the council at all, wrote reader %d, because "
                              "the new limits will hurt the farms in the valley, and nobody asked "
                              "them before the vote, which is not how this should work.</p></li>",
                              i, i);
    snprintf(html, sizeof html,
             "<html><body><div class=\"sect sect_lead\"><h1>Water law passes</h1>%s%s</div>"
             "<div class=\"sect sect_commentlinks\"><h2>Reader comments</h2><ul>%s</ul></div>"
             "</body></html>",
             ARTICLE_P, ARTICLE_P, comments);
    struct ndx_extract e;
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "narrow vote") != NULL);
    CHECK(strstr(S(&e.body), "I do not agree") == NULL);
    ndx__extract_free(&e);
}

/* Soft hyphens, zero-width spaces, word joiners and stray BOMs are dropped from the text. */
TEST(extract_invisible_characters)
{
    struct ndx_extract e;
    char html[4096];
    snprintf(html, sizeof html,
             "<html><body><article><p>Die gro&szlig;en Wei&shy;ne Ita&shy;li&shy;ens, "
             "zero&#8203;width, join&#8288;ed and bom&#65279;med words stay whole.</p>%s"
             "</article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "Weine Italiens, zerowidth, joined and bommed words") != NULL);
    CHECK(strstr(S(&e.body), "\xc2\xad") == NULL);
    ndx__extract_free(&e);
}

TEST(extract_ruby_annotations)
{
    struct ndx_extract e;
    char html[8192];
    snprintf(html, sizeof html,
             "<html><body><article><p><ruby>\xe5\xad\x90<rp>(</rp><rt>\xe3\x81\x93</rt><rp>)</rp>"
             "</ruby>\xe3\x81\xa9\xe3\x82\x82</p>%s</article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "\xe5\xad\x90\xe3\x81\xa9\xe3\x82\x82") != NULL);
    CHECK(strstr(S(&e.body), "(") == NULL);
    ndx__extract_free(&e);
}

/* Siblings: a lead paragraph in its own container before the body is taken, a teaser list after
 * it is not; the heading of a left-out link list goes with it, and so does a heading that ends
 * the text. */
TEST(extract_siblings_and_headings)
{
    struct ndx_extract e;
    char html[8192];
    snprintf(html, sizeof html,
             "<html><body><main><div class=\"intro\"><p>Lawmakers approved stricter limits on "
             "irrigation after a long and heated debate in the regional parliament.</p></div>"
             "<div class=\"text\">%s<p>The law takes effect in January, the ministry said in a "
             "statement, and the first checks will follow in the spring.</p>"
             "<h3>Related articles</h3><ul><li><a href=\"/a\">Drought hits the south of the "
             "country</a></li><li><a href=\"/b\">Farmers protest in the capital again</a></li>"
             "</ul><p>Officials expect the limits to be reviewed after two years, once the first "
             "data on river levels are in.</p><h2>Read more</h2></div>"
             "<div class=\"more\"><h3><a href=\"/c\">Another story</a></h3><p>A teaser for "
             "another story that has nothing to do with this one at all.</p></div>"
             "</main></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK(strncmp(S(&e.body), "Lawmakers approved stricter limits", 34) == 0);
    CHECK(strstr(S(&e.body), "after two years") != NULL);
    CHECK(strstr(S(&e.body), "Related articles") == NULL);
    CHECK(strstr(S(&e.body), "Drought") == NULL);
    CHECK(strstr(S(&e.body), "Read more") == NULL);
    CHECK(strstr(S(&e.body), "A teaser for another story") == NULL);
    ndx__extract_free(&e);
}

/* Block elements separate words in metadata text ("By" in its own block, then the name). */
TEST(extract_byline_blocks)
{
    struct ndx_extract e;
    char html[4096];
    snprintf(html, sizeof html,
             "<html><body><div class=\"post-author\"><div class=\"by\">By</div> "
             "<a href=\"/u/jane\">Jane Porter</a></div><article>%s</article></body></html>",
             ARTICLE_P);
    CHECK_EQ(extract_str(html, &e), NDX_OK);
    CHECK_STR(S(&e.byline), "Jane Porter");
    ndx__extract_free(&e);
}

/* Valid UTF-8 is parsed in place; control characters and a BOM are still handled. */
TEST(extract_utf8_view)
{
    struct ndx_extract e;
    char html[4096];
    int n = snprintf(html, sizeof html,
                     "\xEF\xBB\xBF<html><body><article><p>Caf\xC3\xA9 owners\x01 in the "
                     "harbour\x07 said that \xE2\x80\x9Cprices\xE2\x80\x9D rose again.</p>%s"
                     "</article></body></html>",
                     ARTICLE_P);
    ndx__extract_init(&e);
    CHECK_EQ(ndx__extract_html(html, (size_t)n, NULL, NULL, 0, &e), NDX_OK);
    CHECK(strstr(S(&e.body), "Caf\xC3\xA9 owners in the harbour said that \xE2\x80\x9Cprices") !=
          NULL);
    ndx__extract_free(&e);
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    const char *page = NULL;
    size_t np = 0;
    const char *clean = "<p>caf\xC3\xA9</p>";
    CHECK_EQ(ndx__charset_view(clean, strlen(clean), NULL, &b, &page, &np), NDX_OK);
    CHECK(page == clean && np == strlen(clean) && b.n == 0);
    const char *latin = "<meta charset=\"iso-8859-1\"><p>caf\xE9</p>";
    CHECK_EQ(ndx__charset_view(latin, strlen(latin), NULL, &b, &page, &np), NDX_OK);
    CHECK(page == (const char *)b.p && np == b.n && strstr(page, "caf\xC3\xA9") != NULL);
    ndx__buf_free(&b);
}

TEST(extract_charsets_declared)
{
    check_charset_page("GBK", "<meta charset=\"gbk\">", ZH);
    check_charset_page("GB2312",
                       "<meta http-equiv=\"Content-Type\" "
                       "content=\"text/html; charset=gb2312\">",
                       ZH);
    check_charset_page("SHIFT_JIS", "<meta charset=\"Shift_JIS\">", JA);
    check_charset_page("EUC-KR", "<meta charset=\"euc-kr\">", KO);
    check_charset_page("BIG5", "<meta charset=\"big5\">", ZHT);
}

TEST(extract_charsets_sniffed)
{
    check_charset_page("GBK", "", ZH);
    check_charset_page("SHIFT_JIS", "", JA);
    check_charset_page("EUC-KR", "", KO);
    check_charset_page("BIG5", "", ZHT);
    check_charset_page("WINDOWS-1252", "",
                       "Le conseil municipal a approuvé le budget de l'année prochaine après un "
                       "débat très animé sur la rénovation des écoles.");
}

TEST(extract_charset_hint_and_lie)
{
    struct ndx_extract e;
    /* declares latin-1, is UTF-8 */
    CHECK_EQ(extract_file("tests/data/extract/lying-charset.html", &e), NDX_OK);
    CHECK(strstr(S(&e.body), "crème brûlée") != NULL);
    CHECK(strstr(S(&e.body), "€2.50") != NULL);
    CHECK_STR(S(&e.title), "Café culture — a review");
    CHECK(valid_utf8(&e.body));
    ndx__extract_free(&e);
    /* a hint is used when the page declares nothing */
    char html[2048];
    snprintf(html, sizeof html, "<html><body><div class=\"content\"><p>%s</p></div></body></html>",
             ZH);
    size_t n = 0;
    char *enc = to_charset(html, "GBK", &n);
    ndx__extract_init(&e);
    CHECK_EQ(ndx__extract_html(enc, n, "gb2312", NULL, 0, &e), NDX_OK);
    CHECK(strstr(S(&e.body), ZH) != NULL);
    ndx__extract_free(&e);
    free(enc);
    /* an unknown charset name falls back to sniffing */
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    CHECK_EQ(ndx__charset_to_utf8("abc", 3, "no-such-charset", &b), NDX_EINVAL);
    CHECK_EQ(ndx__charset_to_utf8("caf\xe9", 4, "latin1", &b), NDX_OK);
    CHECK_STR((const char *)b.p, "café");
    ndx__buf_free(&b);
}

TEST(extract_no_article)
{
    struct ndx_extract e;
    CHECK_EQ(extract_file("tests/data/extract/nav-only.html", &e), NDX_EFORMAT);
    CHECK_EQ(e.body.n, 0);
    ndx__extract_free(&e);
    CHECK_EQ(extract_str("", &e), NDX_EFORMAT);
    ndx__extract_free(&e);
    ndx_article *a = (ndx_article *)1;
    CHECK_EQ(ndx_extract_html("<html></html>", 13, NULL, 0, &a), NDX_EFORMAT);
    CHECK(a == NULL);
}

TEST(extract_public_api)
{
    size_t n = 0;
    char *html = slurp(repo_path("tests/data/extract/meta.html"), &n);
    CHECK(html != NULL);
    if (!html)
        return;
    ndx_article *a = NULL;
    CHECK_EQ(ndx_extract_html(html, n, "https://x.example/2019/03/05/a", 31, &a), NDX_OK);
    CHECK(a && a->title && strcmp(a->title, "Neue Brücke über den Fluss eröffnet") == 0);
    CHECK(a && a->body && a->nbody == strlen(a->body));
    CHECK(a && a->lang && strcmp(a->lang, "de") == 0);
    CHECK(a && a->published == 1551773700);
    ndx_article_free(a);
    free(html);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(extract_deep_nesting)
{
    const int depth = 10000;
    size_t cap = (size_t)depth * 24 + 4096;
    char *html = malloc(cap);
    size_t n = 0;
    n += (size_t)sprintf(html + n, "<html><body>");
    for (int i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, i % 2 ? "<div>" : "<span><b>");
    n += (size_t)sprintf(html + n, "<p>%s</p>",
                         "Deep inside there is a paragraph of text that is "
                         "long enough to count as an article paragraph.");
    for (int i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, i % 2 ? "</div>" : "</b></span>");
    n += (size_t)sprintf(html + n, "</body></html>");
    struct ndx_extract e;
    ndx__extract_init(&e);
    double t0 = now();
    int rc = ndx__extract_html(html, n, NULL, NULL, 0, &e);
    CHECK(rc == NDX_OK || rc == NDX_EFORMAT);
    CHECK(now() - t0 < 10.0);
    CHECK(valid_utf8(&e.body));
    ndx__extract_free(&e);
    /* unclosed nesting, no end tags at all */
    n = 0;
    for (int i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, "<div><p><table><tr><td>");
    (void)cap;
    ndx__extract_init(&e);
    rc = ndx__extract_html(html, n, NULL, NULL, 0, &e);
    CHECK(rc == NDX_OK || rc == NDX_EFORMAT);
    ndx__extract_free(&e);
    free(html);
}

TEST(extract_huge_page)
{
    size_t target = (size_t)20 << 20;
    char *html = malloc(target + 4096);
    size_t n = (size_t)sprintf(html, "<html><body><div class=\"sidebar\">");
    int i = 0;
    while (n < target / 2)
        n += (size_t)sprintf(html + n, "<a href=\"/x%d\">link number %d</a> ", i, i), i++;
    n += (size_t)sprintf(html + n, "</div><article>");
    while (n < target)
        n += (size_t)sprintf(html + n,
                             "<p>Paragraph %d of a very long article, with commas, and "
                             "enough words to look like text.</p>\n",
                             i++);
    n += (size_t)sprintf(html + n, "</article></body></html>");
    char lastp[64];
    snprintf(lastp, sizeof lastp, "Paragraph %d of a very long article", i - 1);
    struct ndx_extract e;
    ndx__extract_init(&e);
    double t0 = now();
    int rc = ndx__extract_html(html, n, NULL, NULL, 0, &e);
    double dt = now() - t0;
    CHECK_EQ(rc, NDX_OK);
    CHECK(dt < 30.0);
    CHECK(strstr(S(&e.body), "link number") == NULL);
    CHECK(strstr(S(&e.body), lastp) != NULL);
    ndx__extract_free(&e);
    /* past the cap */
    ndx__extract_init(&e);
    CHECK_EQ(ndx__extract_html(html, NDX_EXTRACT_MAX_INPUT + 1, NULL, NULL, 0, &e), NDX_ETOOBIG);
    ndx__extract_free(&e);
    free(html);
}

TEST(extract_binary_junk)
{
    unsigned seed = 12345;
    char *buf = malloc(1 << 20);
    for (int round = 0; round < 20; round++) {
        size_t n = (size_t)(round + 1) * 40000;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
            if (round % 2 && (seed >> 8) % 7 == 0)
                buf[i] = "<>/p =\"'&;"[(seed >> 3) % 10];
        }
        struct ndx_extract e;
        ndx__extract_init(&e);
        int rc = ndx__extract_html(buf, n, NULL, NULL, 0, &e);
        CHECK(rc == NDX_OK || rc == NDX_EFORMAT);
        CHECK(valid_utf8(&e.body) && valid_utf8(&e.title) && valid_utf8(&e.byline));
        ndx__extract_free(&e);
    }
    free(buf);
}

/* ---- slimmed start tags: the parser must see the same document ------------------------------ */

/* SAX events as text: elements with the attributes the extractor reads, end tags, characters. */
static void bufprintf(void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *tmp = malloc((size_t)k + 1);
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)k + 1, fmt, ap);
    va_end(ap);
    int rc = 0;
    ndx__buf_append(ctx, tmp, (size_t)k, &rc);
    free(tmp);
}
/* Events are recorded with adjacent text joined and each run of white space as one space: what
 * the tree builder keeps of text (the pre-pass shortens white space runs, so libxml2 may cut the
 * text into other chunks). */
struct events {
    struct ndx_buf out, text;
};

static void ev_flush(struct events *v)
{
    if (!v->text.n)
        return;
    bufprintf(&v->out, "T");
    int rc = 0;
    bool sp = false;
    for (size_t i = 0; i < v->text.n; i++) {
        char c = (char)v->text.p[i];
        bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (blank && sp)
            continue;
        sp = blank;
        ndx__buf_append(&v->out, blank ? " " : &c, 1, &rc);
    }
    bufprintf(&v->out, "\n");
    v->text.n = 0;
}

static void ev_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    struct events *v = ctx;
    ev_flush(v);
    bool link = !strcmp((const char *)name, "link");
    bufprintf(&v->out, "<%s", name);
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (ndx__html_keep_attr((const char *)atts[i], strlen((const char *)atts[i]), link))
            bufprintf(&v->out, " %s=[%s]", atts[i], atts[i + 1] ? (const char *)atts[i + 1] : "~");
    bufprintf(&v->out, ">\n");
}

static void ev_end(void *ctx, const xmlChar *name)
{
    struct events *v = ctx;
    ev_flush(v);
    bufprintf(&v->out, "</%s>\n", name);
}

static void ev_chars(void *ctx, const xmlChar *ch, int len)
{
    struct events *v = ctx;
    int rc = 0;
    ndx__buf_append(&v->text, ch, (size_t)len, &rc);
}

static void sax_events(const char *s, size_t n, struct ndx_buf *out)
{
    struct events v;
    v.out = *out;
    ndx__buf_init(&v.text, 0);
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(s, (int)n);
    htmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = ev_start;
    sax->endElement = ev_end;
    sax->characters = ev_chars;
    sax->ignorableWhitespace = ev_chars;
    sax->initialized = XML_SAX2_MAGIC;
    ctxt->userData = &v;
    htmlCtxtUseOptions(ctxt, ndx__html_options);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    ev_flush(&v);
    ndx__buf_free(&v.text);
    *out = v.out;
}

/* Parse the page stripped with and without slimmed tags; the events must be equal.  Returns
 * how many bytes slimming saved. */
static size_t check_slim_same(const char *s, size_t n, const char *what)
{
    struct ndx_buf plain, slim, e1, e2;
    ndx__buf_init(&plain, 0);
    ndx__buf_init(&slim, 0);
    ndx__buf_init(&e1, 0);
    ndx__buf_init(&e2, 0);
    int rc = 0;
    ndx__html_prestrip(s, n, false, false, &plain, &rc);
    ndx__html_prestrip(s, n, false, true, &slim, &rc);
    CHECK_EQ(rc, 0);
    sax_events((const char *)plain.p, plain.n, &e1);
    sax_events((const char *)slim.p, slim.n, &e2);
    bool same = e1.n == e2.n && (!e1.n || !memcmp(e1.p, e2.p, e1.n));
    if (!same)
        fprintf(stderr, "  %s: parse differs\n--- plain\n%.*s--- slim\n%.*s", what,
                (int)NDX_MIN(e1.n, (size_t)2000), (const char *)e1.p,
                (int)NDX_MIN(e2.n, (size_t)2000), (const char *)e2.p);
    CHECK(same);
    CHECK(slim.n <= plain.n);
    size_t saved = plain.n - slim.n;
    ndx__buf_free(&plain);
    ndx__buf_free(&slim);
    ndx__buf_free(&e1);
    ndx__buf_free(&e2);
    return saved;
}

TEST(extract_slim_tags_parse_the_same)
{
    static const char *const cases[] = {
        /* a quote left open swallows the next tags into the value */
        "<div id=\"rail</div><div data-advert=\"INLINE\" data-target=\"INLINE\"></div>"
        "</aside><div class=\"post\"><p>Text one.</p></div>",
        "<div class=\"a\"junk=1 id=b>x</div><p data-x='a\"b' class=c>t</p>",
        "<a href=\"x>y\" class=\"q\" data-n=\"1\">link</a> after",
        /* bogus attribute names end at a blank or '>', quotes or not */
        "<div @click=\"f(a > b)\" class=\"x\">t</div><div [x]='1 2' class=y>u</div>",
        "<div class=unq\"uoted id=x data-z=1>t</div>",
        /* libxml2 reads names 100 characters at a time: this is "a" * 100, then "class" */
        "<div "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaclass=\"x\" data-a=1>t</div>",
        /* an end tag ends at the first '>', whatever it holds */
        "<div class=o><p>x</div y=\"<a b='>' data-z=1>\">t</p>",
        "<img src=x/>after<br/><input value=\"a/>b\" class=i>c<hr data-x/>",
        "<div class=\"x\" / id=\"y\" data-q=\"/\">t</div><div class=x/>u",
        "<div class = \"x\" id= 'y' title =z data-k = 'v'>t</div>",
        "<DIV CLASS=\"X\" Data-Foo=\"1\" ID=Y>t</DIV><Span STYLE=\"display:none\" lang=en>h</Span>",
        "<meta property=\"og:title\" content=\"T\" data-x=\"1\"><link rel=canonical href=\"/x\" "
        "data-y><a href=\"/y\" rel=author>A</a>",
        "<span title=\"&quot;>&amp;\" class=s data-t=\"&lt;b&gt;\">x</span>",
        "<a\nhref=\"x\"\tclass=\"y\"\r\ndata-z=\"w\"\n>t</a></div class=\"x>y\">t2</ 3>t3",
        "<p>one<div class=\"x\" data-a='1'",
        "<p>one<div class=\"unterminated data-a=1>rest <p class=q>text</p>",
        "<ul><li class=a data-i=1>x<li data-i=2 class=b>y</ul><table data-t=1><tr><td class=c>z",
        "<script type=\"application/ld+json\" data-x=1>{\"a\": \"<div class=\\\"x\\\" data-y=1>\"}"
        "</script><p data-p=1>after</p>",
        "<p class=\"a\" data-b=\"x\" class=\"c\" id=d id=e>dup</p><p =x class=y>eq</p>",
        /* a truncated DOCTYPE: its literal runs to the next quote, inside a dropped attribute */
        "<!doctype html public \"-//W3C//DTD HTML 4.0//EN\" \"http://www.w3.org/TR/lo\n\t<b>\n"
        "<a href=\"/football/\" data-x=1>Football</a></b> | <a href=\"/cricket/\">Cricket</a>"
        "<p class=p>Text</p>",
        "<!DOCTYPE html SYSTEM 'about:legacy-compat' junk data-x=\"1>\"><p data-q=1 class=a>t</p>"
        "<div><!doctype html><span data-s=1 class=s>mid</span></div>",
        "<!DOCTYPE html PUBLIC \"unclosed <div data-a=1 class=a>never</div>",
        "<div class=\"\xe4\xb8\xad\xe6\x96\x87\" data-\xe4\xb8\xad=1 "
        "id=\xe4\xb8\xad>\xe4\xb8\xad</div>",
    };
    size_t saved = 0;
    for (size_t i = 0; i < NDX_ARRAY_LEN(cases); i++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        saved += check_slim_same(cases[i], strlen(cases[i]), what);
    }
    CHECK(saved > 100); /* the attributes nobody reads are gone */
    /* a NUL byte: libxml2 stops at it in places, so nothing is slimmed */
    static const char nul[] = "<div data-x=\"a\0b\" class=y>t</div><p data-q=1>u</p>";
    CHECK_EQ(check_slim_same(nul, sizeof nul - 1, "nul"), (size_t)0);

    /* real pages */
    static const char *const pages[] = {"bloomberg.com1",       "telegraph.co.uk1",
                                        "wired.com1",           "mashable.com1",
                                        "theglobeandmail.com1", "huffingtonpost.com1"};
    int tried = 0;
    for (size_t i = 0; i < NDX_ARRAY_LEN(pages); i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "../shared/corpora/extraction/newspaper3k-tests/html/%s.html.gz",
                 pages[i]);
        size_t n = 0;
        char *html = slurp(repo_path(rel), &n);
        if (!html)
            continue;
        tried++;
        CHECK(check_slim_same(html, n, pages[i]) > n / 20);
        free(html);
    }
    CHECK(tried > 0);
}

/* Real pages: the expected text's first and last sentence must be in the body. */
TEST(extract_real_pages)
{
    static const char *const pages[] = {"bloomberg.com1",       "telegraph.co.uk1",
                                        "wired.com1",           "mashable.com1",
                                        "theglobeandmail.com1", "huffingtonpost.com1"};
    int tried = 0;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "../shared/corpora/extraction/newspaper3k-tests/html/%s.html.gz",
                 pages[i]);
        size_t n = 0, tn = 0;
        char *html = slurp(repo_path(rel), &n);
        snprintf(rel, sizeof rel, "../shared/corpora/extraction/newspaper3k-tests/text/%s.txt",
                 pages[i]);
        char *text = slurp(repo_path(rel), &tn);
        if (!html || !text) {
            fprintf(stderr, "  skipping %s (corpus not found)\n", pages[i]);
            free(html);
            free(text);
            continue;
        }
        tried++;
        /* first sentence: up to the first ". "; last: after the last ". " of the last line */
        while (tn && (text[tn - 1] == '\n' || text[tn - 1] == ' '))
            text[--tn] = 0;
        char first[200] = "", last[200] = "";
        const char *dot = strstr(text, ". ");
        const char *nl = strchr(text, '\n');
        size_t fl = dot ? (size_t)(dot - text) + 1 : tn;
        if (nl && (size_t)(nl - text) < fl)
            fl = (size_t)(nl - text);
        snprintf(first, sizeof first, "%.*s", (int)NDX_MIN(fl, (size_t)150), text);
        const char *ll = strrchr(text, '\n');
        ll = ll ? ll + 1 : text;
        const char *ls = ll;
        for (const char *p = ll; (p = strstr(p, ". ")) != NULL; p += 2)
            ls = p + 2;
        snprintf(last, sizeof last, "%.150s", ls);
        struct ndx_extract e;
        ndx__extract_init(&e);
        CHECK_EQ(ndx__extract_html(html, n, NULL, NULL, 0, &e), NDX_OK);
        if (!strstr(S(&e.body), first) || !strstr(S(&e.body), last))
            fprintf(stderr, "  %s:\n    first '%s'\n    last '%s'\n", pages[i], first, last);
        CHECK(strstr(S(&e.body), first) != NULL);
        CHECK(strstr(S(&e.body), last) != NULL);
        ndx__extract_free(&e);
        free(html);
        free(text);
    }
    CHECK(tried > 0);
}
