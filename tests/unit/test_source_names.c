/*
 * test_source_names.c - source names (lib/util/url.c, docs/INPUT.md "Source names"): the host
 * of a URL, lower-cased, without a leading "www."; and the `source:` filter finding an outlet
 * whichever way it is written, in an index whose sources were stored with "www." (as indexes built
 * before the rule hold them) and in one stored by the rule.
 */
#include "articles.h"
#include "harness.h"
#include "ndx_int.h"
#include "tmpdir.h"

/* The source name of url checked against want. */
#define CHECK_SRC(url, want)                                                                       \
    do {                                                                                           \
        struct ndx_buf b_;                                                                         \
        int rc_ = 0;                                                                               \
        ndx__buf_init(&b_, 0);                                                                     \
        ndx__url_source(url, strlen(url), &b_, &rc_);                                              \
        CHECK_EQ(rc_, NDX_OK);                                                                     \
        CHECK_STR(b_.n ? (const char *)b_.p : "", want);                                           \
        ndx__buf_free(&b_);                                                                        \
    } while (0)

TEST(source_name_of_url)
{
    CHECK_SRC("https://www.BBC.co.uk/news/1", "bbc.co.uk");
    CHECK_SRC("http://WWW.Example.COM", "example.com");
    CHECK_SRC("https://news.BBC.co.uk/x", "news.bbc.co.uk");
    CHECK_SRC("https://user:pw@www.example.com:8080/a?b#c", "example.com");
    CHECK_SRC("https://example.com?q=www.other.com", "example.com");
    CHECK_SRC("https://www2.example.com/", "www2.example.com");
    CHECK_SRC("https://wwwexample.com/", "wwwexample.com");
    CHECK_SRC("https://www./", "www.");
    CHECK_SRC("file:../pages/a.html", "");
    CHECK_SRC("not a url", "");
    const char *h = NULL;
    CHECK_EQ(ndx__url_host("https://Host.example:80/x", 25, &h), 12);
    CHECK(h && !memcmp(h, "Host.example", 12));
    CHECK_EQ(ndx__url_host("mid:abc@example", 15, &h), 0);
    CHECK(h == NULL);
}

TEST(source_name_host_shapes)
{
    CHECK(ndx__url_is_host("www.nytimes.com", 15));
    CHECK(ndx__url_is_host("FAZ.NET", 7));
    CHECK(ndx__url_is_host("my-site.co.uk", 13));
    CHECK(!ndx__url_is_host("Reuters", 7));
    CHECK(!ndx__url_is_host("BBC News", 8));
    CHECK(!ndx__url_is_host("https://www.kleinezeitung.at", 28));
    CHECK(!ndx__url_is_host(".example.com", 12));
    CHECK(!ndx__url_is_host("example.com.", 12));
    CHECK(!ndx__url_is_host("caf\xC3\xA9.fr", 8));
    CHECK_EQ(ndx__url_www_len("www.x", 5), 4);
    CHECK_EQ(ndx__url_www_len("WwW.x", 5), 4);
    CHECK_EQ(ndx__url_www_len("www.", 4), 0);
    CHECK_EQ(ndx__url_www_len("wwwx.y", 6), 0);
}

/* ---- the source: filter --------------------------------------------------------------------- */

static void add(ndx_index *ix, const char *url, const char *source)
{
    ndx_article a = ndx_test_article(url, "Port strike", url); /* a text of its own: no copies */
    a.source = source, a.nsource = strlen(source);
    a.lang = "en", a.nlang = 2;
    CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), NDX_OK);
}

/* Sources handed to the index as given: "www.bbc.co.uk" is what the readers stored before the
 * rule, "bbc.co.uk" what they store now.  Every spelling of the outlet finds both. */
TEST(source_filter_finds_every_spelling)
{
    char *dir = tmpdir();
    CHECK(dir != NULL);
    if (!dir)
        return;
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    if (!ix)
        return;
    add(ix, "https://www.bbc.co.uk/news/old-one", "www.bbc.co.uk");
    add(ix, "https://www.bbc.co.uk/news/old-two", "www.bbc.co.uk");
    add(ix, "https://www.bbc.co.uk/news/new-one", "bbc.co.uk");
    add(ix, "https://www.example.com/other", "example.com");
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    CHECK_EQ(ndx_test_total(ix, "source:bbc.co.uk"), 3);
    CHECK_EQ(ndx_test_total(ix, "source:www.bbc.co.uk"), 3);
    CHECK_EQ(ndx_test_total(ix, "source:WWW.BBC.co.uk"), 3);
    CHECK_EQ(ndx_test_total(ix, "source:BBC.co.uk"), 3);
    CHECK_EQ(ndx_test_total(ix, "source:\"www.bbc.co.uk\""), 3);
    CHECK_EQ(ndx_test_total(ix, "strike source:www.bbc.co.uk"), 3);
    CHECK_EQ(ndx_test_total(ix, "source:www.example.com"), 1);
    CHECK_EQ(ndx_test_total(ix, "-source:www.bbc.co.uk"), 1);
    CHECK_EQ(ndx_test_total(ix, "source:www"), 2); /* a word of the old names, not a www. prefix */
    ndx_index_close(ix);
    rmrf(dir);
}
