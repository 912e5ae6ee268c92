/*
 * test_pagetype.c - page types (lib/extract/html_pagetype.c) on pages written here: section
 * fronts and shop collections are listings whose text is their teasers, articles stay articles
 * even with a box of related links, product and forum pages are other pages; and the rules on
 * hand-set features (a related-links box does not make an article a listing).
 */
#include "harness.h"

#include "extract/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const HEADS[] = {
    "Council votes to close the harbour bridge for repairs",
    "Ferry fares rise by ten percent from March",
    "New tram line opens to the airport next spring",
    "School meals to be free for every pupil in the city",
    "Heavy snow closes mountain roads for a second day",
    "Library reopens after two years of building work",
    "Hospital waiting lists fall for the first time in a decade",
    "Football club names its new manager after a long search",
    "Concert hall wins an award for its restored organ",
    "Farmers warn of a poor harvest after the dry summer",
    "River clean-up brings salmon back to the old mill",
    "City centre parking charges to rise in the autumn",
};

static const char *const PARAS[] = {
    "The council voted on Tuesday to close the old harbour bridge for repairs, after engineers "
    "found cracks in two of its piers during a routine inspection carried out last month, and "
    "after a long debate about the cost of the works.",
    "The bridge carries about twenty thousand cars a day, and the council said the work would "
    "take at least six months, with ferries running every twenty minutes in the meantime and "
    "buses taking the long way round.",
    "Shopkeepers on both sides of the harbour said they feared losing customers, while the ferry "
    "operator said it would add two more boats to the crossing from the beginning of next week, "
    "with longer hours at weekends.",
    "Engineers said the cracks were not dangerous yet, but that the piers, built in 1912, needed "
    "new foundations before the winter storms, when the water in the harbour is at its highest "
    "and the currents are strongest.",
    "The council will hold a public meeting on Thursday evening in the town hall, where residents "
    "can ask questions about the closure of the bridge and about the timetable of the works, "
    "which will be published online.",
    "A spokesman for the regional transport authority said buses would be diverted over the "
    "northern bridge, adding about fifteen minutes to the journey for most of the commuters who "
    "cross the harbour every day.",
};

struct page {
    char *p;
    size_t n, cap;
};

static void add(struct page *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[4096];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if (pg->n + (size_t)k + 1 > pg->cap) {
        pg->cap = (pg->n + (size_t)k + 1) * 2;
        pg->p = realloc(pg->p, pg->cap);
    }
    memcpy(pg->p + pg->n, tmp, (size_t)k + 1);
    pg->n += (size_t)k;
}

static int page_type_at(struct page *pg, const char *url, struct ndx_extract *e)
{
    ndx__extract_init(e);
    int rc = ndx__extract_html(pg->p, pg->n, NULL, url, url ? strlen(url) : 0, e);
    free(pg->p);
    pg->p = NULL;
    pg->n = pg->cap = 0;
    return rc;
}

static int page_type_of(struct page *pg, struct ndx_extract *e)
{
    return page_type_at(pg, NULL, e);
}

static void head(struct page *pg, const char *title, const char *extra)
{
    add(pg, "<!doctype html><html><head><title>%s | Daily Planet</title>%s</head><body>", title,
        extra);
    add(pg, "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a>"
            "</nav>");
}

TEST(pagetype_section_front_is_listing_with_its_teasers)
{
    struct page pg = {0};
    head(&pg, "City news", "<link rel=\"canonical\" href=\"https://planet.example/news/city/\">");
    add(&pg, "<main><h1>City news</h1><ul class=\"stories\">");
    for (size_t i = 0; i < NDX_ARRAY_LEN(HEADS); i++)
        add(&pg,
            "<li class=\"teaser\"><a href=\"/news/2024/story-%zu\">%s</a><p>From the city desk, "
            "%zu hours ago.</p></li>",
            i, HEADS[i], i + 1);
    add(&pg, "</ul></main><footer><a href=\"/about\">About us</a></footer></body></html>");
    struct ndx_extract e;
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_LISTING);
    /* its main content is its teasers, links included */
    for (size_t i = 0; i < NDX_ARRAY_LEN(HEADS); i++)
        CHECK(strstr((const char *)e.body.p, HEADS[i]) != NULL);
    CHECK(strstr((const char *)e.body.p, "About us") == NULL);
    ndx__extract_free(&e);
}

TEST(pagetype_cards_of_a_collection_are_a_listing)
{
    struct page pg = {0};
    head(&pg, "Running shoes", "");
    add(&pg, "<div class=\"grid\">");
    for (size_t i = 0; i < NDX_ARRAY_LEN(HEADS); i++)
        add(&pg,
            "<div class=\"card\"><a href=\"/p/%zu\"><span>%s</span></a><span class=\"price\">"
            "$%zu.99</span></div>",
            i, HEADS[i], 40 + i);
    add(&pg, "</div></body></html>");
    struct ndx_extract e;
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_LISTING);
    ndx__extract_free(&e);
}

TEST(pagetype_schema_collection_page_is_a_listing)
{
    struct page pg = {0};
    head(&pg, "Headphones",
         "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
         "\"@type\":\"CollectionPage\",\"name\":\"Headphones\"}</script>");
    add(&pg, "<main><h1>Headphones</h1>");
    for (size_t i = 0; i < 4; i++)
        add(&pg, "<div><h2><a href=\"/t/%zu\">%s</a></h2><p>%s</p></div>", i, HEADS[i], HEADS[i]);
    add(&pg, "</main></body></html>");
    struct ndx_extract e;
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_LISTING);
    ndx__extract_free(&e);
}

static void article(struct page *pg, const char *meta, int related)
{
    head(pg, "Harbour bridge closes for repairs", meta);
    add(pg, "<article><h1>Harbour bridge closes for repairs</h1>");
    for (size_t i = 0; i < NDX_ARRAY_LEN(PARAS); i++)
        add(pg, "<p>%s</p>", PARAS[i]);
    add(pg, "</article>");
    if (related) {
        add(pg, "<div class=\"more\"><h2>More from the city</h2>");
        for (size_t i = 0; i < NDX_ARRAY_LEN(HEADS); i++)
            add(pg, "<div class=\"item\"><a href=\"/n/%zu\">%s</a></div>", i, HEADS[i]);
        add(pg, "</div>");
    }
    add(pg, "</body></html>");
}

TEST(pagetype_articles_stay_articles)
{
    struct ndx_extract e;
    struct page pg = {0};
    article(&pg, "<meta property=\"og:type\" content=\"article\">", 0);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_ARTICLE);
    CHECK(strstr((const char *)e.body.p, "northern bridge") != NULL);
    ndx__extract_free(&e);
    /* no metadata at all: paragraphs of running text */
    article(&pg, "", 0);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_ARTICLE);
    ndx__extract_free(&e);
    /* a box of twelve teasers under the article does not make it a listing, and stays out */
    article(&pg, "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>", 1);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_ARTICLE);
    CHECK(strstr((const char *)e.body.p, HEADS[3]) == NULL);
    ndx__extract_free(&e);
}

TEST(pagetype_product_and_forum_pages_are_other)
{
    struct ndx_extract e;
    struct page pg = {0};
    head(&pg, "Trail runner 2",
         "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":\"Trail runner "
         "2\",\"offers\":{\"@type\":\"Offer\",\"price\":\"99\"}}</script>");
    add(&pg,
        "<main><h1>Trail runner 2</h1><p>%s</p><p>%s</p><ul><li>Weight: 280 g</li>"
        "<li>Drop: 8 mm</li></ul><button>Add to cart</button></main></body></html>",
        PARAS[0], PARAS[1]);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_OTHER);
    CHECK(strstr((const char *)e.body.p, "Weight: 280 g") != NULL);
    ndx__extract_free(&e);
    head(&pg, "Which bridge is best?",
         "<script type=\"application/ld+json\">{\"@type\":\"DiscussionForumPosting\","
         "\"headline\":\"Which bridge is best?\"}</script>");
    add(&pg, "<main><h1>Which bridge is best?</h1>");
    for (size_t i = 0; i < 4; i++)
        add(&pg, "<div class=\"post\"><span class=\"user\">user%zu</span><p>%s</p></div>", i,
            PARAS[i]);
    add(&pg, "</main></body></html>");
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_OTHER);
    ndx__extract_free(&e);
}

TEST(pagetype_rules_on_features)
{
    struct ndx_page_features f;
    memset(&f, 0, sizeof f);
    /* half of the page's text in teasers, and the chosen container is links: a listing */
    f.total = 4000;
    f.links = 1500;
    f.teaser_chars = 2400;
    f.title_links = 20;
    f.body = 600;
    f.top = 800;
    f.top_links = 500;
    f.longest = 120;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_LISTING);
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_LISTING, &f));
    /* the same teasers beside an article's text (a container of text with few links and a
     * paragraph of running text): not a listing */
    f.top_links = 50;
    f.longest = 400;
    CHECK(ndx__html_page_type(&f) != NDX_PAGE_LISTING);
    /* schema.org says CollectionPage and there is little running text: a listing */
    f.schema = S_LIST;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_LISTING);
    /* five <article> cards around a container that is not an article's text, and little
     * running text: a listing */
    memset(&f, 0, sizeof f);
    f.total = 1500;
    f.links = 300;
    f.body = 1000;
    f.top = 1200;
    f.top_links = 300;
    f.longest = 130;
    f.articles = 5;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_LISTING);
    f.articles = 4;
    CHECK(ndx__html_page_type(&f) != NDX_PAGE_LISTING);
    /* ... not when the container holds an article's text (few links, running text) */
    f.articles = 8;
    f.top_links = 100;
    CHECK(ndx__html_page_type(&f) != NDX_PAGE_LISTING);
    /* ... nor with six paragraphs of running text */
    f.top_links = 300;
    f.paras = 6;
    CHECK(ndx__html_page_type(&f) != NDX_PAGE_LISTING);
    f.paras = 0;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_LISTING);
    /* schema.org says Product: not an article, whatever the paragraphs */
    memset(&f, 0, sizeof f);
    f.total = 4000;
    f.body = 2000;
    f.paras = 6;
    f.para_chars = 1800;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_ARTICLE);
    f.schema = S_PRODUCT;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_OTHER);
    /* ... and its main content is taken when the article container holds only part of it */
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    f.body = 3600;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    /* a URL slug alone is a weak sign: it needs paragraphs or most of the text in the article */
    memset(&f, 0, sizeof f);
    f.total = 3000;
    f.body = 900;
    f.last_hyphens = 5;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_OTHER);
    f.body = 2500;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_ARTICLE);
    /* an article keeps the article text */
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
}

/* The main content when the article rules took a small part of a page whose text is not
 * links (tests/cli/test_pagetype.py has such a page). */
TEST(pagetype_small_article_container_on_features)
{
    struct ndx_page_features f;
    memset(&f, 0, sizeof f);
    f.total = 4000;
    f.body = 900;
    f.top = 950;
    f.links = 400;
    f.paras = 8;
    f.para_chars = 2800;
    /* the article text is under a quarter of a page whose text is mostly not links: the main
     * content, whatever the page type */
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    /* a quarter or more: the article text */
    f.body = 1000;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    /* a news page framed by columns of links (30 % of its text or more): the article text */
    f.body = 900;
    f.links = 1200;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    /* under 40 % of a page that is mostly paragraphs of running text with few links (a forum
     * thread whose posts sit in boxes of their own): the main content */
    f.body = 1400;
    f.links = 300;
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    f.para_chars = 1800;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    f.para_chars = 2800;
    f.links = 500;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    f.links = 300;
    f.body = 1700;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    /* small pages are left alone by the share rules */
    memset(&f, 0, sizeof f);
    f.total = 400;
    f.body = 200;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
}

/* The article rules found next to nothing on a page holding more: its main content. */
TEST(pagetype_next_to_nothing_gives_the_main_content_on_features)
{
    struct ndx_page_features f;
    memset(&f, 0, sizeof f);
    f.total = 3000;
    f.links = 2000; /* a page of links: the share rules leave it */
    f.body = 240;
    f.paras = 0;
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_ARTICLE, &f));
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    /* 250 or more: the article text */
    f.body = 250;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    /* the page holds no more than twice the article text */
    f.body = 200;
    f.total = 400;
    CHECK(!ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
    f.total = 401;
    CHECK(ndx__html_page_content_wanted(NDX_PAGE_OTHER, &f));
}

/* A page of short links under a line of introduction: the article rules keep the line alone, the
 * main content holds the links too. */
TEST(pagetype_next_to_nothing_gives_the_main_content)
{
    static const char *const COURSES[] = {
        "Pottery for beginners", "French conversation", "Watercolour painting",
        "Family history",        "Creative writing",    "Italian cooking",
        "Guitar for adults",     "Digital photography", "Yoga and stretching",
        "Local birdwatching",    "Spanish for travel",  "Woodwork basics",
    };
    struct page pg = {0};
    head(&pg, "Courses", "");
    add(&pg, "<main><h1>Courses</h1><p>Evening classes at the town library, every autumn and "
             "spring, for adults of every age.</p><ul>");
    for (size_t i = 0; i < NDX_ARRAY_LEN(COURSES); i++)
        add(&pg, "<li><a href=\"/c/%zu\">%s</a></li>", i, COURSES[i]);
    add(&pg, "</ul></main></body></html>");
    struct ndx_extract e;
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK(strstr((const char *)e.body.p, "Evening classes") != NULL);
    for (size_t i = 0; i < NDX_ARRAY_LEN(COURSES); i++)
        CHECK(strstr((const char *)e.body.p, COURSES[i]) != NULL);
    CHECK(strstr((const char *)e.body.p, "Sport") == NULL);
    ndx__extract_free(&e);
}

/* Three boxes of a shop: too few for teasers; a listing when the address names a list. */
static void shop_boxes(struct page *pg, const char *meta)
{
    head(pg, "Running shoes", meta);
    add(pg, "<main><h1>Running shoes</h1>");
    for (size_t i = 0; i < 3; i++)
        add(pg,
            "<div class=\"box\"><h2><a href=\"/p/%zu\">%s</a></h2><p>From $%zu.99, in four "
            "colours, with free returns within a month.</p></div>",
            i, HEADS[i], 40 + i);
    add(pg, "</main></body></html>");
}

TEST(pagetype_address_naming_a_list)
{
    struct ndx_extract e;
    struct page pg = {0};
    shop_boxes(&pg, "");
    CHECK_EQ(page_type_at(&pg, "https://shop.example/products/running", &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_OTHER);
    ndx__extract_free(&e);
    static const char *const LISTS[] = {
        "https://shop.example/collections/running-shoes",
        "https://shop.example/c/running-shoes/",
        "https://shop.example/shoes/category/running?page=2",
        "https://planet.example/city/news",
        "https://planet.example/tag/bridges/",
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(LISTS); i++) {
        shop_boxes(&pg, "");
        CHECK_EQ(page_type_at(&pg, LISTS[i], &e), NDX_OK);
        CHECK_EQ(e.page_type, NDX_PAGE_LISTING);
        CHECK(strstr((const char *)e.body.p, HEADS[2]) != NULL);
        ndx__extract_free(&e);
    }
    /* not when the address is an article's (a slug, a year, a file), nor when the page says it
     * is an article */
    static const char *const NOT_LISTS[] = {
        "https://shop.example/c/how-to-choose-running-shoes",
        "https://planet.example/news/2024/bridge",
        "https://planet.example/category/bridge.html",
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(NOT_LISTS); i++) {
        shop_boxes(&pg, "");
        CHECK_EQ(page_type_at(&pg, NOT_LISTS[i], &e), NDX_OK);
        CHECK(e.page_type != NDX_PAGE_LISTING);
        ndx__extract_free(&e);
    }
    shop_boxes(&pg, "<meta property=\"og:type\" content=\"article\">");
    CHECK_EQ(page_type_at(&pg, LISTS[0], &e), NDX_OK);
    CHECK(e.page_type != NDX_PAGE_LISTING);
    ndx__extract_free(&e);
    /* ... nor when it holds three paragraphs of running text */
    struct ndx_page_features f;
    memset(&f, 0, sizeof f);
    f.total = 3000;
    f.body = 2000;
    f.url_list = 1;
    f.paras = 2;
    CHECK_EQ(ndx__html_page_type(&f), NDX_PAGE_LISTING);
    f.paras = 3;
    CHECK(ndx__html_page_type(&f) != NDX_PAGE_LISTING);
}

/* The main content of a product page leaves out boxes of customer reviews, unless they hold
 * most of its text. */
static void product_reviews(struct page *pg, size_t nreviews)
{
    head(pg, "Trail runner 2",
         "<script type=\"application/ld+json\">{\"@type\":\"Product\"}</script>");
    add(pg,
        "<main><h1>Trail runner 2</h1><div "
        "class=\"description\"><p>%s</p><p>%s</p></div><ul><li>Weight: 280 g</li>"
        "<li>Drop: 8 mm</li></ul><div class=\"reviews\"><h2>Reviews</h2>",
        PARAS[0], PARAS[1]);
    for (size_t i = 0; i < nreviews; i++)
        add(pg, "<div class=\"review\"><p>%s</p><span>Anna, March</span></div>", HEADS[i]);
    add(pg, "</div></main></body></html>");
}

TEST(pagetype_product_content_without_reviews)
{
    struct ndx_extract e;
    struct page pg = {0};
    product_reviews(&pg, 3);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK_EQ(e.page_type, NDX_PAGE_OTHER);
    CHECK(strstr((const char *)e.body.p, "Weight: 280 g") != NULL);
    CHECK(strstr((const char *)e.body.p, HEADS[0]) == NULL);
    CHECK(strstr((const char *)e.body.p, "Anna") == NULL);
    ndx__extract_free(&e);
    /* reviews holding most of the page's text stay */
    product_reviews(&pg, 12);
    CHECK_EQ(page_type_of(&pg, &e), NDX_OK);
    CHECK(strstr((const char *)e.body.p, HEADS[11]) != NULL);
    ndx__extract_free(&e);
}
