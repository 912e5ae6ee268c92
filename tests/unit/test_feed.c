/*
 * test_feed.c - feeds (lib/ingest/feed.c): RSS 2.0 with content:encoded, RSS 1.0 (RDF), Atom 1.0
 * with XHTML content, JSON Feed; summary-only items flagged NDX_ART_SUMMARY; source from the
 * channel link; extension elements that reuse core names ignored; HTML pages detected; broken
 * XML, billion laughs and deep nesting reported without harm; an rss-parser feed against its
 * expected item count.
 */
#include "harness.h"
#include "collect.h"
#include "ingest/ingest.h"
#include "ndx_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static struct coll *read_mem(const char *s, int *rc)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_cb cb = {on_article, on_problem, NULL, c};
    *rc = ndx_read_mem(s, strlen(s), "feed", NULL, &cb);
    return c;
}

static int has_problem(const struct coll *c, const char *where, const char *what)
{
    for (int i = 0; i < c->nprob && i < 16; i++) {
        if (!strcmp(c->where[i], where) && strstr(c->what[i], what))
            return 1;
    }
    return 0;
}

static void dump(const struct coll *c)
{
    for (int i = 0; i < c->nprob && i < 16; i++)
        fprintf(stderr, "    problem: %s: %s\n", c->where[i], c->what[i]);
}

TEST(feed_rss2)
{
    const char *x =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
        "     xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<channel><title>Example News</title><link>https://www.example.com/</link>\n"
        "<language>en-GB</language>\n"
        "<item><title>Bridge &amp; tunnel</title><link>https://www.example.com/a1</link>\n"
        "<pubDate>Tue, 05 Mar 2019 10:00:00 GMT</pubDate><dc:creator>Ann Smith</dc:creator>\n"
        "<description>Short summary.</description>\n"
        "<content:encoded><![CDATA[<p>First <b>paragraph</b>.</p><p>Second one.</p>"
        "<script>var x;</script>]]></content:encoded></item>\n"
        "<item><title>Only a summary</title><link>https://www.example.com/a2</link>\n"
        "<description>&lt;p&gt;The summary &lt;i&gt;text&lt;/i&gt;.&lt;/p&gt;</description>\n"
        "<author>bob@example.com (Bob)</author></item>\n"
        "</channel></rss>\n";
    int rc;
    struct coll *c = read_mem(x, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 2);
    if (c->n == 2) {
        CHECK_STR(c->a[0].title, "Bridge & tunnel");
        CHECK_STR(c->a[0].url, "https://www.example.com/a1");
        CHECK_STR(c->a[0].body, "First paragraph.\nSecond one.");
        CHECK_STR(c->a[0].authors, "Ann Smith");
        CHECK_STR(c->a[0].source, "example.com");
        CHECK_STR(c->a[0].lang, "en");
        CHECK_EQ(c->a[0].published, 1551780000);
        CHECK_EQ(c->a[0].flags, 0);
        CHECK_STR(c->a[1].body, "The summary text.");
        CHECK_EQ(c->a[1].flags, NDX_ART_SUMMARY);
        CHECK_STR(c->a[1].authors, "bob@example.com (Bob)");
        CHECK_EQ(c->a[1].published, NDX_DATE_UNKNOWN);
    }
    CHECK_EQ(c->nprob, 0);
    coll_free(c);
}

TEST(feed_rdf_and_namespace_clash)
{
    const char *x =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
        " xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        " xmlns:x=\"http://example.org/ext/\">\n"
        "<channel rdf:about=\"http://news.example.org/\"><title>RDF</title>"
        "<link>http://news.example.org/</link></channel>\n"
        "<item rdf:about=\"http://news.example.org/1\"><x:title>wrong</x:title>"
        "<title>One</title><link>http://news.example.org/1</link>"
        "<x:description>wrong</x:description><description>Right text.</description>"
        "<dc:date>2002-09-28T21:00:02Z</dc:date><dc:creator>A</dc:creator>"
        "<dc:creator>B</dc:creator></item>\n"
        "</rdf:RDF>\n";
    int rc;
    struct coll *c = read_mem(x, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 1);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "One");
        CHECK_STR(c->a[0].body, "Right text.");
        CHECK_STR(c->a[0].authors, "A; B");
        CHECK_STR(c->a[0].source, "news.example.org");
        CHECK_EQ(c->a[0].published, 1033246802);
        CHECK_EQ(c->a[0].flags, NDX_ART_SUMMARY);
    }
    coll_free(c);
}

TEST(feed_atom)
{
    const char *x =
        "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        "<title>Atom News</title><link rel=\"self\" href=\"https://feeds.example.net/atom\"/>\n"
        "<link href=\"https://example.net/\"/>\n"
        "<entry><title type=\"html\">A &lt;em&gt;big&lt;/em&gt; day</title>\n"
        "<link rel=\"edit\" href=\"https://example.net/edit/1\"/>"
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.net/2019/1\"/>\n"
        "<id>tag:example.net,2019:1</id><updated>2019-03-06T00:00:00Z</updated>"
        "<published>2019-03-05T10:00:00+01:00</published>\n"
        "<author><name>Jo Bloggs</name><email>jo@example.net</email></author>\n"
        "<summary>Sum.</summary>\n"
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Para one "
        "&lt;tag&gt;.</p><p>Para <b>two</b>.</p></div></content></entry>\n"
        "<entry><title>Text only</title><link href=\"https://example.net/2\"/>"
        "<content type=\"text\">Plain &lt;b&gt; text</content></entry>\n"
        "</feed>\n";
    int rc;
    struct coll *c = read_mem(x, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 2);
    if (c->n == 2) {
        CHECK_STR(c->a[0].title, "A big day");
        CHECK_STR(c->a[0].url, "https://example.net/2019/1");
        CHECK_STR(c->a[0].body, "Para one <tag>.\nPara two.");
        CHECK_STR(c->a[0].authors, "Jo Bloggs");
        CHECK_STR(c->a[0].source, "example.net");
        CHECK_EQ(c->a[0].published, 1551776400);
        CHECK_EQ(c->a[0].flags, 0);
        CHECK_STR(c->a[1].body, "Plain <b> text");
    }
    coll_free(c);
}

TEST(feed_json)
{
    const char *x =
        "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n"
        "  \"title\": \"JF\", \"home_page_url\": \"https://jf.example.com/\",\n"
        "  \"items\": [\n"
        "    {\"id\": \"1\", \"url\": \"https://jf.example.com/1\", \"title\": \"One\",\n"
        "     \"content_html\": \"<p>Hello <b>world</b>.</p><p>Again.</p>\",\n"
        "     \"date_published\": \"2019-03-05T10:00:00Z\", \"authors\": [{\"name\": \"X\"}]},\n"
        "    {\"id\": \"https://jf.example.com/2\", \"title\": \"Two\", \"summary\": \"S.\"},\n"
        "    {\"id\": \"3\"}\n"
        "  ]\n}\n";
    int rc;
    struct coll *c = read_mem(x, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 2);
    if (c->n == 2) {
        CHECK_STR(c->a[0].body, "Hello world.\nAgain.");
        CHECK_STR(c->a[0].url, "https://jf.example.com/1");
        CHECK_STR(c->a[0].authors, "X");
        CHECK_STR(c->a[0].source, "jf.example.com");
        CHECK_EQ(c->a[0].published, 1551780000);
        CHECK_STR(c->a[1].url, "https://jf.example.com/2");
        CHECK_EQ(c->a[1].flags, NDX_ART_SUMMARY);
    }
    CHECK(has_problem(c, "feed", "item 3: no article text"));
    coll_free(c);
    /* one line: read through the JSONL path, still a feed */
    c = read_mem("{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[{\"title\":\"T\","
                 "\"content_text\":\"Body.\"}]}",
                 &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 1);
    coll_free(c);
}

TEST(feed_broken_xml_reported_and_recovered)
{
    const char *x = "<rss version=\"2.0\"><channel>\n<item><title>Good</title>"
                    "<description>Text one.</description></item>\n"
                    "<item><title>Broken <b>bold</title><description>Text two.</description>"
                    "</item>\n</channel>\n";
    int rc;
    struct coll *c = read_mem(x, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK(c->n >= 1);
    if (c->n >= 1)
        CHECK_STR(c->a[0].title, "Good");
    CHECK(c->nprob >= 1 && strstr(c->what[0], "ill-formed XML (repaired)") &&
          !strncmp(c->where[0], "feed:", 5));
    if (!(c->nprob >= 1))
        dump(c);
    coll_free(c);
}

TEST(feed_billion_laughs_and_deep_nesting)
{
    const char *bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a \"aaaaaaaaaa\">\n"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c "
                       "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                       "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e "
                       "\"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                       "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n<!ENTITY g "
                       "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
                       "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n<!ENTITY i "
                       "\"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
                       "]>\n<rss version=\"2.0\"><channel><item><title>Laughs</title>"
                       "<description>&i;</description></item></channel></rss>\n";
    clock_t t0 = clock();
    int rc;
    struct coll *c = read_mem(bomb, &rc);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    for (int i = 0; i < c->n && i < 128; i++)
        CHECK(!c->a[i].body || strlen(c->a[i].body) < 1000000);
    coll_free(c);

    /* 100,000 nested elements inside an item: libxml2's depth limit, reported */
    size_t depth = 100000;
    char *deep = malloc(depth * 7 + 256);
    char *p = deep;
    p += sprintf(p, "<rss version=\"2.0\"><channel><item><title>Deep</title><description>");
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "<x>");
    strcpy(p, "</description></item></channel></rss>");
    c = read_mem(deep, &rc);
    CHECK(c->nprob >= 1 && strstr(c->what[0], "ill-formed XML"));
    coll_free(c);
    free(deep);
}

TEST(feed_detection)
{
    int rc;
    /* an HTML page is not a feed (nor text) */
    const char *page =
        "<!DOCTYPE html><html><head><title>Page</title></head><body><article><h1>Page</h1>"
        "<p>This is a long enough paragraph of an article about the harbour bridge, which the "
        "city council approved on Tuesday after a decade of debate about its cost.</p>"
        "<p>The mayor said the bridge was the most important transport decision in a "
        "generation, and ferry operators asked for a transition plan for their crews.</p>"
        "<p>Opponents said the council had underestimated the cost and ignored the "
        "environmental study of the harbour and its seagrass beds near the terminal.</p>"
        "</article></body></html>";
    struct coll *c = read_mem(page, &rc);
    CHECK(rc == NDX_OK || rc == NDX_EFORMAT); /* depends on the extractor's thresholds */
    for (int i = 0; i < c->n && i < 128; i++)
        CHECK(!c->a[i].body || !strstr(c->a[i].body, "<p>"));
    coll_free(c);
    c = read_mem("<rss version=\"2.0\"><channel><title>Empty</title></channel></rss>", &rc);
    CHECK_EQ(rc, NDX_EFORMAT);
    CHECK(has_problem(c, "feed", "no feed items found"));
    coll_free(c);
    CHECK(ndx__feed_sniff_xml((const uint8_t *)"<?xml version='1.0'?><!-- x --><feed>", 37));
    CHECK(!ndx__feed_sniff_xml((const uint8_t *)"<html><feed>", 12));
}

TEST(feed_rss_parser_guardian)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_cb cb = {on_article, on_problem, NULL, c};
    CHECK_EQ(ndx_read_file(shared("corpora/feeds/rss-parser/input/guardian.rss"), NULL, &cb),
             NDX_OK);
    /* output/guardian.json lists the same items */
    FILE *f = fopen(shared("corpora/feeds/rss-parser/output/guardian.json"), "rb");
    int want = 0;
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            if (!strncmp(line, "        \"title\": ", 17))
                want++;
        }
        fclose(f);
    }
    CHECK(want > 10);
    CHECK_EQ(c->n, want);
    for (int i = 0; i < c->n && i < 128; i++) {
        CHECK(c->a[i].url && !strncmp(c->a[i].url, "https://www.theguardian.com/", 28));
        CHECK(c->a[i].published != NDX_DATE_UNKNOWN);
        CHECK(c->a[i].title && c->a[i].body);
    }
    coll_free(c);
}

/* Relative item links resolve against xml:base in scope (Atom), else the feed's own link (RSS);
 * absolute ones and non-http bases are left alone. */
TEST(feed_relative_links)
{
    const char *rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Rel</title>"
                      "<link>https://news.example/section/</link>"
                      "<item><title>One</title><link>/2024/one.html</link>"
                      "<description>First.</description></item>"
                      "<item><title>Two</title><link>two.html?a=1#x</link>"
                      "<description>Second.</description></item>"
                      "<item><title>Three</title><link>https://other.example/three</link>"
                      "<description>Third.</description></item></channel></rss>";
    int rc;
    struct coll *c = read_mem(rss, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 3);
    if (c->n == 3) {
        CHECK_STR(c->a[0].url, "https://news.example/2024/one.html");
        CHECK_STR(c->a[1].url, "https://news.example/section/two.html?a=1#x");
        CHECK_STR(c->a[2].url, "https://other.example/three");
    }
    coll_free(c);
    const char *atom =
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" "
        "xml:base=\"https://atom.example/blog/\"><title>A</title><link href=\"/\"/><id>urn:x</id>"
        "<entry xml:base=\"posts/\"><title>E1</title><link href=\"e1\"/><id>urn:1</id>"
        "<summary>One.</summary></entry>"
        "<entry><title>E2</title><link href=\"../e2\"/><id>urn:2</id>"
        "<summary>Two.</summary></entry></feed>";
    c = read_mem(atom, &rc);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 2);
    if (c->n == 2) {
        CHECK_STR(c->a[0].url, "https://atom.example/blog/posts/e1");
        CHECK_STR(c->a[1].url, "https://atom.example/e2");
        CHECK_STR(c->a[0].source, "atom.example");
    }
    coll_free(c);
    /* no usable base: the link stays as written */
    const char *bare = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>B</title>"
                       "<item><title>One</title><link>one.html</link>"
                       "<description>Bare.</description></item></channel></rss>";
    c = read_mem(bare, &rc);
    CHECK_EQ(c->n, 1);
    if (c->n == 1)
        CHECK_STR(c->a[0].url, "one.html");
    coll_free(c);
}
