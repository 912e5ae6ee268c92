/*
 * test_collect.c - the analytics collectors (lib/query/collect.c): facets and date histograms of
 * ndx_search_analytics against a brute-force recount over ndx_export, on an index of several
 * segments with exact copies from other sources, near copies (stories), deletions and dates on
 * both sides of 1970; bucket keys at week, month and year edges; bad requests.
 */
#include "articles.h"
#include "harness.h"
#include "index/index.h"
#include "tmpdir.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint32_t rng = 777;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static const char *const SOURCES[] = {"alpha.example", "beta.example", "gamma.example",
                                      "delta.example", ""};
static const char *const WORDS[] = {"harbour", "strike",   "council", "budget", "flood",
                                    "river",   "minister", "vote",    "school", "market"};

/* Body i: a story of 40 words drawn by its story number, so that articles of one story share
 * their text (near copies when an ending word differs, exact copies when nothing does). */
static void body_of(int story, int variant, char *out, size_t n)
{
    uint32_t save = rng;
    rng = (uint32_t)story * 2654435761u + 1;
    size_t k = (size_t)snprintf(out, n, "common");
    for (int w = 0; w < 60 && k + 16 < n; w++)
        k += (size_t)snprintf(out + k, n - k, " %s%u", WORDS[rnd() % 10], rnd() % 50);
    if (variant)
        snprintf(out + k, n - k, " ending%d.", variant);
    rng = save;
}

static void add_article(ndx_index *ix, const char *url, const char *src, const char *body,
                        const char *lang, int64_t published)
{
    ndx_article a = ndx_test_article(url, "A title", body);
    a.source = src, a.nsource = strlen(src);
    a.lang = lang, a.nlang = 2;
    a.published = published;
    CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), NDX_OK);
}

/* One segment of 150 articles, each its own story but for `joins` of them, near copies of an
 * earlier article (in its story: the story ids then fall joins times, giving runs). */
static ndx_index *build_few(const char *dir, int joins)
{
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    char body[2048], url[64];
    for (int i = 0; i < 150; i++) {
        int join = joins && i % 30 == 29 && i / 30 < joins;
        body_of(join ? 1000 + i - 20 : 1000 + i, join ? 2 : 1, body, sizeof body);
        snprintf(url, sizeof url, "https://f.example/%d", i);
        add_article(ix, url, SOURCES[i % 5], body, "en",
                    1577836800 - 86400 * 5 + (int64_t)(rnd() % (86400 * 90)));
    }
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    return ix;
}

/* nseg segments of per articles each (stories shared across segments), one deleted. */
static ndx_index *build_n(const char *dir, int nseg, int per)
{
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    char body[2048], url[64];
    int n = 0;
    for (int seg = 0; seg < nseg; seg++) {
        for (int i = 0; i < per; i++, n++) {
            int story = (int)(rnd() % 60);
            int variant = (int)(rnd() % 3); /* 0: the exact text of the story */
            body_of(story, variant, body, sizeof body);
            const char *src = SOURCES[rnd() % 5];
            snprintf(url, sizeof url, "https://x.example/%d", n);
            const char *lang = rnd() % 4 ? "en" : "de";
            /* dates 1969-12 .. 1970-01 and 2019-12 .. 2020-03 (a leap day), some undated */
            uint32_t r = rnd() % 10;
            add_article(ix, url, src, body, lang,
                        r == 0  ? NDX_DATE_UNKNOWN
                        : r < 3 ? -86400 * 10 + (int64_t)(rnd() % (86400 * 20))
                                : 1577836800 - 86400 * 5 + (int64_t)(rnd() % (86400 * 90)));
        }
        CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    }
    CHECK_EQ(ndx_index_delete(ix, "https://x.example/7", 19), NDX_OK);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    return ix;
}

static ndx_index *build(const char *dir)
{
    return build_n(dir, 3, 120);
}

/* ---- brute force over ndx_export ----------------------------------------------------------- */

#define MAXV 4096

struct tally {
    char key[MAXV][24];
    uint64_t stories[MAXV], copies[MAXV];
    uint64_t seen[MAXV][64]; /* stories counted (small story ids: a bitmap of 4096) */
    int n;
};

static void tally_add(struct tally *t, const char *key, uint64_t story, uint64_t copies)
{
    int i = 0;
    while (i < t->n && strcmp(t->key[i], key))
        i++;
    if (i == t->n) {
        snprintf(t->key[i], sizeof t->key[i], "%s", key);
        t->n++;
    }
    t->copies[i] += copies;
    if (!(t->seen[i][story / 64 % 64] >> (story % 64) & 1)) {
        t->seen[i][story / 64 % 64] |= 1ull << (story % 64);
        t->stories[i]++;
    }
}

static int tally_find(const struct tally *t, const char *key, size_t n)
{
    for (int i = 0; i < t->n; i++)
        if (strlen(t->key[i]) == n && !memcmp(t->key[i], key, n))
            return i;
    return -1;
}

struct brute {
    struct tally source, lang, month, week;
    uint64_t articles;
};

static void ymd(int64_t t, char *out, size_t n, int parts)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, parts == 2 ? "%Y-%m" : "%Y-%m-%d", &tm);
}

static int on_article(void *ctx, const ndx_article *a)
{
    struct brute *b = ctx;
    uint64_t ncopies = 0;
    const char *p = a->copies, *end = a->copies + a->ncopies;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        const char *tab = memchr(p, '\t', (size_t)(nl - p));
        char src[64];
        snprintf(src, sizeof src, "%.*s", tab ? (int)(nl - tab - 1) : 0, tab ? tab + 1 : "");
        tally_add(&b->source, src, a->story, 1);
        ncopies++;
        p = nl + 1;
    }
    char src[64], lang[8], key[24];
    snprintf(src, sizeof src, "%.*s", (int)a->nsource, a->source ? a->source : "");
    tally_add(&b->source, src, a->story, 1);
    snprintf(lang, sizeof lang, "%.*s", (int)a->nlang, a->lang);
    tally_add(&b->lang, lang, a->story, 1 + ncopies);
    if (a->published == NDX_DATE_UNKNOWN) {
        tally_add(&b->month, "unknown", a->story, 1 + ncopies);
    } else {
        ymd(a->published, key, sizeof key, 2);
        tally_add(&b->month, key, a->story, 1 + ncopies);
        /* the Monday of the week: days back from the weekday */
        time_t tt = (time_t)a->published;
        struct tm tm;
        gmtime_r(&tt, &tm);
        int back = (tm.tm_wday + 6) % 7;
        ymd(a->published - (int64_t)back * 86400, key, sizeof key, 3);
        tally_add(&b->week, key, a->story, 1 + ncopies);
    }
    b->articles++;
    return 0;
}

static void check_facet(const ndx_facet *f, const struct tally *t)
{
    CHECK_EQ(f->nvalues, t->n);
    CHECK_EQ(f->other_values, 0);
    for (size_t i = 0; i < f->nvalues; i++) {
        int k = tally_find(t, f->values[i].value, f->values[i].nvalue);
        CHECK(k >= 0);
        if (k < 0)
            continue;
        CHECK_EQ(f->values[i].stories, t->stories[k]);
        CHECK_EQ(f->values[i].copies, t->copies[k]);
        if (i) { /* best first */
            const ndx_facet_value *p = &f->values[i - 1], *v = &f->values[i];
            CHECK(p->stories > v->stories || (p->stories == v->stories && p->copies >= v->copies));
        }
    }
}

TEST(collect_facets_and_histograms_equal_brute_force)
{
    char *dir = tmpdir();
    ndx_index *ix = build(dir);
    struct brute *b = calloc(1, sizeof *b);
    CHECK_EQ(ndx_export(ix, "common", 6, on_article, b, NULL), NDX_OK);
    CHECK(b->articles > 100);
    ndx_facet_spec specs[3] = {
        {"source", 6, NULL, 0, 1000}, {"lang", 4, NULL, 0, 1000}, {"month", 5, NULL, 0, 1000}};
    ndx_analytics_opts a = {specs, 3, NDX_INTERVAL_WEEK};
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    so.limit = 3;
    ndx_results *r = NULL;
    CHECK_EQ(ndx_search_analytics(ix, "common", 6, &so, &a, &r, NULL), NDX_OK);
    CHECK_EQ(ndx_results_facet_count(r), 3);
    CHECK_EQ(ndx_results_count(r), 3);
    check_facet(ndx_results_facet(r, 0), &b->source);
    check_facet(ndx_results_facet(r, 1), &b->lang);
    check_facet(ndx_results_facet(r, 2), &b->month);
    /* the exact copies were recorded under other sources: some source's copies exceed its
     * articles, which only the copies' own sources explain */
    uint64_t sum = 0;
    for (size_t i = 0; i < ndx_results_facet(r, 0)->nvalues; i++)
        sum += ndx_results_facet(r, 0)->values[i].copies;
    CHECK_EQ(sum, ndx_results_total_copies(r));
    CHECK(ndx_results_total_copies(r) > b->articles);
    /* weeks: consecutive Mondays, every one the brute force saw, all_stories = stories (no
     * filter beyond the text, which every article has) */
    size_t nb = ndx_results_bucket_count(r);
    CHECK_EQ(ndx_results_interval(r), NDX_INTERVAL_WEEK);
    CHECK(nb > 10);
    int seen = 0;
    for (size_t i = 0; i < nb; i++) {
        const ndx_bucket *k = ndx_results_bucket(r, i);
        char want[24];
        ymd(k->start, want, sizeof want, 3);
        CHECK_STR(k->key, want);
        if (i)
            CHECK_EQ(k->start - ndx_results_bucket(r, i - 1)->start, 7 * 86400);
        CHECK_EQ(k->all_stories, k->stories);
        int t = tally_find(&b->week, k->key, strlen(k->key));
        if (t < 0) {
            CHECK_EQ(k->stories, 0);
            CHECK_EQ(k->copies, 0);
            continue;
        }
        seen++;
        CHECK_EQ(k->stories, b->week.stories[t]);
        CHECK_EQ(k->copies, b->week.copies[t]);
    }
    CHECK_EQ(seen, b->week.n);
    ndx_results_free(r);

    /* a filter: all_stories counts the stories of lang:de, stories only the text's */
    ndx_analytics_opts ay = {NULL, 0, NDX_INTERVAL_YEAR};
    CHECK_EQ(ndx_search_analytics(ix, "lang:de ending1", 15, &so, &ay, &r, NULL), NDX_OK);
    ndx_results *all = NULL;
    CHECK_EQ(ndx_search_analytics(ix, "lang:de", 7, &so, &ay, &all, NULL), NDX_OK);
    CHECK_EQ(ndx_results_bucket_count(r), 2020 - 1969 + 1);
    CHECK_STR(ndx_results_bucket(r, 0)->key, "1969");
    CHECK_STR(ndx_results_bucket(r, ndx_results_bucket_count(r) - 1)->key, "2020");
    uint64_t st = 0, as = 0;
    for (size_t i = 0; r && i < ndx_results_bucket_count(r); i++) {
        const ndx_bucket *k = ndx_results_bucket(r, i);
        const ndx_bucket *w = ndx_results_bucket(all, i);
        CHECK(k->stories <= k->all_stories);
        CHECK(w && !strcmp(w->key, k->key));
        CHECK_EQ(k->all_stories, w ? w->stories : 0);
        st += k->stories, as += k->all_stories;
    }
    CHECK(st > 0 && st < as);
    ndx_results_free(r);
    ndx_results_free(all);

    /* top 2 and a prefix */
    ndx_facet_spec top = {"source", 6, "BETA", 4, 2};
    ndx_analytics_opts at = {&top, 1, 0};
    CHECK_EQ(ndx_search_analytics(ix, "common", 6, &so, &at, &r, NULL), NDX_OK);
    CHECK_EQ(ndx_results_facet(r, 0)->nvalues, 1);
    CHECK_STR(ndx_results_facet(r, 0)->values[0].value, "beta.example");
    ndx_results_free(r);
    free(b);
    ndx_index_close(ix);
    rmrf(dir);
}

/* Facets and a day histogram without hits (limit 0: nothing scored, the stories counted from the
 * collector's records), with a top 1 of 5 sources, equal to the brute force: over 12 segments
 * with stories across them (records out of story order: sorted), over one segment where 4
 * articles join an earlier story (a few runs in story order: merged), and over one where every
 * article is its own story. */
TEST(collect_without_hits_equals_brute_force)
{
    for (int kind = 0; kind < 3; kind++) {
        char *dir = tmpdir();
        ndx_index *ix = kind == 0 ? build_n(dir, 12, 30) : build_few(dir, kind == 1 ? 4 : 0);
        struct brute *b = calloc(1, sizeof *b);
        CHECK_EQ(ndx_export(ix, "common", 6, on_article, b, NULL), NDX_OK);
        ndx_facet_spec specs[3] = {
            {"source", 6, NULL, 0, 1000}, {"month", 5, NULL, 0, 1000}, {"source", 6, NULL, 0, 1}};
        ndx_analytics_opts a = {specs, 3, NDX_INTERVAL_DAY};
        ndx_search_opts so;
        ndx_search_opts_init(&so);
        ndx_results *r = NULL, *hits = NULL;
        for (int collapse = 0; collapse <= 1; collapse++) {
            so.collapse = collapse;
            so.limit = 0;
            CHECK_EQ(ndx_search_analytics(ix, "common", 6, &so, &a, &r, NULL), NDX_OK);
            so.limit = 1000; /* the same with hits: scored, stories from the story table */
            CHECK_EQ(ndx_search_analytics(ix, "common", 6, &so, NULL, &hits, NULL), NDX_OK);
            CHECK_EQ(ndx_results_count(r), 0);
            CHECK_EQ(ndx_results_total_stories(r), ndx_results_total_stories(hits));
            CHECK_EQ(ndx_results_total(r), ndx_results_total(hits));
            CHECK_EQ(ndx_results_total_copies(r), ndx_results_total_copies(hits));
            /* stories share copies, but where every article is its own */
            CHECK(kind == 2 ? ndx_results_total_stories(r) == b->articles
                            : ndx_results_total_stories(r) < b->articles);
            check_facet(ndx_results_facet(r, 0), &b->source);
            check_facet(ndx_results_facet(r, 1), &b->month);
            /* the top 1 is the first of the full list, the rest summed into other */
            const ndx_facet *all = ndx_results_facet(r, 0), *one = ndx_results_facet(r, 2);
            CHECK_EQ(one->nvalues, 1);
            CHECK_STR(one->values[0].value, all->values[0].value);
            CHECK_EQ(one->values[0].stories, all->values[0].stories);
            CHECK_EQ(one->other_values, all->nvalues - 1);
            uint64_t os = 0, oc = 0;
            for (size_t i = 1; i < all->nvalues; i++)
                os += all->values[i].stories, oc += all->values[i].copies;
            CHECK_EQ(one->other_stories, os);
            CHECK_EQ(one->other_copies, oc);
            /* days: consecutive (across 1970-01-01 and 2020-02-29), summing to the weeks */
            uint64_t copies = 0, stories = 0;
            for (size_t i = 0; i < ndx_results_bucket_count(r); i++) {
                const ndx_bucket *k = ndx_results_bucket(r, i);
                char want[24];
                ymd(k->start, want, sizeof want, 3);
                CHECK_STR(k->key, want);
                if (i)
                    CHECK_EQ(k->start - ndx_results_bucket(r, i - 1)->start, 86400);
                copies += k->copies;
                stories += k->stories;
                CHECK(k->stories <= k->copies && (k->stories > 0) == (k->copies > 0));
            }
            /* the buckets holding a match, read without the list: those of the list with
             * copies, in order, each at its index */
            size_t nm = ndx_results_match_bucket_count(r), m = 0;
            CHECK(nm > 0);
            for (size_t i = 0; i < ndx_results_bucket_count(r); i++) {
                const ndx_bucket *k = ndx_results_bucket(r, i);
                if (!k->copies)
                    continue;
                ndx_bucket got;
                size_t at = 0;
                CHECK_EQ(ndx_results_match_bucket(r, m++, &got, &at), NDX_OK);
                CHECK_EQ(at, i);
                CHECK_STR(got.key, k->key);
                CHECK_EQ(got.start, k->start);
                CHECK_EQ(got.stories, k->stories);
                CHECK_EQ(got.copies, k->copies);
                CHECK_EQ(got.all_stories, k->all_stories);
            }
            CHECK_EQ(m, nm);
            ndx_bucket past;
            CHECK_EQ(ndx_results_match_bucket(r, nm, &past, NULL), NDX_ERANGE);
            /* a story dated on one day counts once there: every article its own, exactly once */
            CHECK(kind == 2 ? stories == ndx_results_total_stories(r)
                            : stories >= ndx_results_total_stories(r));
            uint64_t weeks = 0;
            for (int t = 0; t < b->week.n; t++)
                weeks += b->week.copies[t];
            CHECK_EQ(copies, weeks);
            ndx_results_free(r);
            ndx_results_free(hits);
        }
        free(b);
        ndx_index_close(ix);
        rmrf(dir);
    }
}

/* Three segments of 1,200 articles each, most of them alone in their story, every 40th a near
 * copy of the article 20 before (a story across segments), every 60th an exact copy of one under
 * another source; some undated, some before 1970, in two languages; one deleted.  Enough matches
 * for the collector to count the lone stories directly, beside records for the others. */
static ndx_index *build_big(const char *dir)
{
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    char body[2048], url[64];
    int n = 0;
    for (int seg = 0; seg < 3; seg++) {
        for (int i = 0; i < 1200; i++, n++) {
            int near = n % 40 == 39, exact = n % 60 == 59;
            body_of(near || exact ? 5000 + n - 20 : 5000 + n, near ? 2 : 1, body, sizeof body);
            snprintf(url, sizeof url, "https://big.example/%d", n);
            uint32_t r = rnd() % 20;
            add_article(ix, url, SOURCES[rnd() % 5], body, rnd() % 5 ? "en" : "de",
                        r == 0  ? NDX_DATE_UNKNOWN
                        : r < 3 ? -86400 * 40 + (int64_t)(rnd() % (86400 * 60))
                                : 1262304000 + (int64_t)(rnd() % (86400 * 3000)));
        }
        CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    }
    CHECK_EQ(ndx_index_delete(ix, "https://big.example/100", 23), NDX_OK);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    return ix;
}

/* Facets and histograms of many matches, lone stories counted directly, equal to the brute
 * force; with and without hits, and the same again after a commit that makes a lone story shared.
 */
TEST(collect_many_matches_equal_brute_force)
{
    char *dir = tmpdir();
    ndx_index *ix = build_big(dir);
    for (int round = 0; round < 2; round++) {
        struct brute *b = calloc(1, sizeof *b);
        CHECK_EQ(ndx_export(ix, "common", 6, on_article, b, NULL), NDX_OK);
        CHECK(b->articles > 3000);
        ndx_facet_spec specs[4] = {{"source", 6, NULL, 0, 1000},
                                   {"lang", 4, NULL, 0, 1000},
                                   {"month", 5, NULL, 0, 1000},
                                   {"wire", 4, NULL, 0, 10}};
        ndx_analytics_opts a = {specs, 4, NDX_INTERVAL_WEEK};
        ndx_search_opts so;
        ndx_search_opts_init(&so);
        for (int limit = 0; limit <= 5; limit += 5) {
            so.limit = (size_t)limit;
            ndx_results *r = NULL;
            CHECK_EQ(ndx_search_analytics(ix, "common", 6, &so, &a, &r, NULL), NDX_OK);
            check_facet(ndx_results_facet(r, 0), &b->source);
            check_facet(ndx_results_facet(r, 1), &b->lang);
            check_facet(ndx_results_facet(r, 2), &b->month);
            const ndx_facet *w = ndx_results_facet(r, 3);
            uint64_t wst = 0, wcp = 0;
            for (size_t i = 0; i < w->nvalues; i++)
                wst += w->values[i].stories, wcp += w->values[i].copies;
            CHECK_EQ(wcp, ndx_results_total_copies(r));
            CHECK_EQ(wst, ndx_results_total_stories(r)); /* a story is wire or not */
            CHECK(ndx_results_total_stories(r) < b->articles);
            int seen = 0;
            for (size_t i = 0; i < ndx_results_bucket_count(r); i++) {
                const ndx_bucket *k = ndx_results_bucket(r, i);
                int t = tally_find(&b->week, k->key, strlen(k->key));
                if (t < 0) {
                    CHECK_EQ(k->copies, 0);
                    continue;
                }
                seen++;
                CHECK_EQ(k->stories, b->week.stories[t]);
                CHECK_EQ(k->copies, b->week.copies[t]);
                CHECK_EQ(k->all_stories, k->stories);
            }
            CHECK_EQ(seen, b->week.n);
            ndx_results_free(r);
        }
        free(b);
        /* a near copy of an article that was alone in its story, in a new segment */
        char body[2048];
        body_of(5000 + 2500, 3, body, sizeof body);
        add_article(ix, "https://big.example/late", "late.example", body, "en", 1262304000);
        CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    }
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(collect_bucket_keys_at_calendar_edges)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    /* 1969-12-31 (a Wednesday), 2020-02-29, 2020-03-01 00:00:00, 2199-12-31, 1801-06-01 */
    const int64_t dates[] = {-86400 + 3600, 1582934400 + 86399, 1583020800, 7258031999,
                             -5320080000};
    for (int i = 0; i < 5; i++) {
        char url[32], body[64];
        snprintf(url, sizeof url, "https://e.example/%d", i);
        snprintf(body, sizeof body, "edge text number %d here", i);
        ndx_article a = ndx_test_article(url, NULL, body);
        a.published = dates[i];
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), NDX_OK);
    }
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    ndx_results *r = NULL;
    ndx_analytics_opts a = {NULL, 0, NDX_INTERVAL_WEEK};
    CHECK_EQ(ndx_search_analytics(ix, "edge date:1900..2020-12", 23, &so, &a, &r, NULL), NDX_OK);
    CHECK_STR(ndx_results_bucket(r, 0)->key, "1969-12-29");
    CHECK_STR(ndx_results_bucket(r, ndx_results_bucket_count(r) - 1)->key, "2020-02-24");
    ndx_results_free(r);
    a.histogram = NDX_INTERVAL_DAY;
    CHECK_EQ(ndx_search_analytics(ix, "edge date:2020", 14, &so, &a, &r, NULL), NDX_OK);
    CHECK_EQ(ndx_results_bucket_count(r), 2);
    CHECK_STR(ndx_results_bucket(r, 0)->key, "2020-02-29");
    CHECK_STR(ndx_results_bucket(r, 1)->key, "2020-03-01");
    ndx_results_free(r);
    a.histogram = NDX_INTERVAL_MONTH;
    CHECK_EQ(ndx_search_analytics(ix, "edge date:1900..2020-12", 23, &so, &a, &r, NULL), NDX_OK);
    CHECK_STR(ndx_results_bucket(r, 0)->key, "1969-12");
    CHECK_EQ(ndx_results_bucket_count(r), 12 * 50 + 3 + 1);
    ndx_results_free(r);
    /* 1801 to 2199 by day: too many buckets */
    a.histogram = NDX_INTERVAL_DAY;
    CHECK_EQ(ndx_search_analytics(ix, "edge", 4, &so, &a, &r, NULL), NDX_ERANGE);
    CHECK(strstr(ndx_errmsg(ix), "coarser interval") != NULL);
    a.histogram = NDX_INTERVAL_YEAR;
    CHECK_EQ(ndx_search_analytics(ix, "edge", 4, &so, &a, &r, NULL), NDX_OK);
    CHECK_EQ(ndx_results_bucket_count(r), 2199 - 1801 + 1);
    CHECK_STR(ndx_results_bucket(r, 0)->key, "1801");
    ndx_results_free(r);
    ndx_index_close(ix);
    rmrf(dir);
}

TEST(collect_bad_requests)
{
    char *dir = tmpdir();
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    ndx_results *r = NULL;
    ndx_facet_spec bad = {"colour", 6, NULL, 0, 0};
    ndx_analytics_opts a = {&bad, 1, 0};
    CHECK_EQ(ndx_search_analytics(ix, "x", 1, NULL, &a, &r, NULL), NDX_EINVAL);
    CHECK(strstr(ndx_errmsg(ix), "unknown facet 'colour'") != NULL);
    CHECK(r == NULL);
    a.nfacets = 0;
    a.histogram = 9;
    CHECK_EQ(ndx_search_analytics(ix, "x", 1, NULL, &a, &r, NULL), NDX_EINVAL);
    a.nfacets = NDX_MAX_FACETS + 1;
    CHECK_EQ(ndx_search_analytics(ix, "x", 1, NULL, &a, &r, NULL), NDX_EINVAL);
    int iv = 0;
    CHECK_EQ(ndx_interval_parse("week", 4, &iv), NDX_OK);
    CHECK_EQ(iv, NDX_INTERVAL_WEEK);
    CHECK_EQ(ndx_interval_parse("weeks", 5, &iv), NDX_EINVAL);
    CHECK_EQ(ndx_facet_field_check("month", 5), NDX_OK);
    CHECK_EQ(ndx_facet_field_check("mont", 4), NDX_OK); /* a keyword field name */
    CHECK_EQ(ndx_facet_field_check("mo nt", 5), NDX_EINVAL);
    CHECK_EQ(ndx_facet_field_check("place", 5), NDX_EINVAL); /* reserved */
    ndx_facet_spec unknown = {"mont", 4, NULL, 0, 0};
    a.facets = &unknown, a.nfacets = 1, a.histogram = 0;
    CHECK_EQ(ndx_search_analytics(ix, "x", 1, NULL, &a, &r, NULL),
             NDX_EINVAL); /* not in the index */
    const char *qs[2] = {"x", "(y"};
    size_t nqs[2] = {1, 2}, errq = 9, errpos = 9;
    ndx_results *out[2];
    CHECK_EQ(ndx_timeline(ix, qs, nqs, 2, NDX_INTERVAL_MONTH, NULL, out, &errq, &errpos),
             NDX_ESYNTAX);
    CHECK_EQ(errq, 1);
    CHECK(out[0] == NULL && out[1] == NULL);
    /* an empty index: no buckets, no values */
    ndx_facet_spec ok = {"lang", 4, NULL, 0, 0};
    ndx_analytics_opts b = {&ok, 1, NDX_INTERVAL_DAY};
    CHECK_EQ(ndx_search_analytics(ix, "x", 1, NULL, &b, &r, NULL), NDX_OK);
    CHECK_EQ(ndx_results_bucket_count(r), 0);
    CHECK_EQ(ndx_results_facet(r, 0)->nvalues, 0);
    ndx_results_free(r);
    ndx_index_close(ix);
    rmrf(dir);
}

/* all_stories of queries without filters come from a per-commit cache on the handle: the same
 * as a fresh handle's, and renewed by a commit. */
TEST(collect_archive_counts_cached_per_commit)
{
    char *dir = tmpdir();
    ndx_index *ix = build(dir);
    ndx_search_opts so;
    ndx_search_opts_init(&so);
    ndx_analytics_opts a = {NULL, 0, NDX_INTERVAL_MONTH};
    ndx_results *r1 = NULL, *r2 = NULL, *r3 = NULL;
    CHECK_EQ(ndx_search_analytics(ix, "ending1", 7, &so, &a, &r1, NULL), NDX_OK);
    CHECK_EQ(ndx_search_analytics(ix, "ending2", 7, &so, &a, &r2, NULL), NDX_OK); /* cached */
    ndx_index *fresh = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &fresh, NULL), NDX_OK);
    CHECK_EQ(ndx_search_analytics(fresh, "ending2", 7, &so, &a, &r3, NULL), NDX_OK);
    CHECK_EQ(ndx_results_bucket_count(r2), ndx_results_bucket_count(r3));
    uint64_t before = 0;
    for (size_t i = 0; i < ndx_results_bucket_count(r2); i++) {
        CHECK_EQ(ndx_results_bucket(r2, i)->all_stories, ndx_results_bucket(r3, i)->all_stories);
        CHECK_EQ(ndx_results_bucket(r2, i)->stories, ndx_results_bucket(r3, i)->stories);
        if (!strcmp(ndx_results_bucket(r2, i)->key, "2020-01"))
            before = ndx_results_bucket(r2, i)->all_stories;
    }
    CHECK(before > 0);
    ndx_results_free(r1);
    ndx_results_free(r2);
    ndx_results_free(r3);
    /* a new story in 2020-01, committed: the writer's next histogram counts it */
    ndx_article art;
    memset(&art, 0, sizeof art);
    art.url = "https://x.example/new", art.nurl = 21;
    art.body = "ending2 and words never seen before in this archive at all", art.nbody = 59;
    art.published = 1579000000; /* 2020-01-14 */
    CHECK_EQ(ndx_index_add(ix, &art, NULL, NULL), NDX_OK);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    CHECK_EQ(ndx_search_analytics(ix, "ending2", 7, &so, &a, &r1, NULL), NDX_OK);
    for (size_t i = 0; r1 && i < ndx_results_bucket_count(r1); i++)
        if (!strcmp(ndx_results_bucket(r1, i)->key, "2020-01"))
            CHECK_EQ(ndx_results_bucket(r1, i)->all_stories, before + 1);
    ndx_results_free(r1);
    ndx_index_close(fresh);
    ndx_index_close(ix);
    rmrf(dir);
}
