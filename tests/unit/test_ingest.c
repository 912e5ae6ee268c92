/*
 * test_ingest.c - input readers (lib/ingest/): ndx_parse_date forms and rejections, JSONL with
 * good / bad / blank lines, news-please JSON and JSON arrays, plain-text title rules (seed page,
 * BBC, livedoor layout), gzip (magic detection, multi-member, truncation, bomb limits), binary and
 * empty files, UTF-8 repair, field maps, stopping, progress.  Expected epoch values were computed
 * with `date -u -d ... +%s`.  Real corpus files are read from ../shared (relative to the
 * repo).
 */
#include "harness.h"
#include "collect.h"
#include "ingest/ingest.h"
#include "ndx_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int read_path(const char *path, const char *fmap, struct coll **out)
{
    struct coll *c = calloc(1, sizeof *c);
    ndx_reader_opts o = {.field_map = fmap, .input_format = 0};
    ndx_reader_cb cb = {on_article, on_problem, on_progress, c};
    *out = c;
    return ndx_read_file(path, &o, &cb);
}

/* Is there a problem whose where ends with `where_suffix` and whose text contains `what`? */
static int has_problem(const struct coll *c, const char *where_suffix, const char *what)
{
    for (int i = 0; i < c->nprob && i < 64; i++) {
        size_t lw = strlen(c->where[i]), ls = strlen(where_suffix);
        if (lw >= ls && !strcmp(c->where[i] + lw - ls, where_suffix) && strstr(c->what[i], what))
            return 1;
    }
    return 0;
}

static void dump_problems(const struct coll *c)
{
    for (int i = 0; i < c->nprob && i < 64; i++)
        fprintf(stderr, "    problem: %s: %s\n", c->where[i], c->what[i]);
}

static char *tmpdir(void)
{
    static char t[64];
    snprintf(t, sizeof t, "/tmp/ndx_ingest_XXXXXX");
    return mkdtemp(t);
}

static char *write_file(const char *dir, const char *name, const void *data, size_t n)
{
    static char path[2][512];
    static int k;
    char *p = path[k++ & 1];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
    return p;
}

static char *write_str(const char *dir, const char *name, const char *s)
{
    return write_file(dir, name, s, strlen(s));
}

static void rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", dir);
}

/* ---- dates ----------------------------------------------------------------------------------- */

static int64_t pd(const char *s)
{
    int64_t t = 12345;
    int rc = ndx_parse_date(s, strlen(s), &t);
    if (rc != NDX_OK) {
        fprintf(stderr, "  ndx_parse_date(\"%s\") failed: %d\n", s, rc);
        return INT64_MIN;
    }
    return t;
}

TEST(ingest_date_iso)
{
    CHECK_EQ(pd("2017-09-15T00:00:00"), 1505433600);
    CHECK_EQ(pd("2017-09-15T00:00:00Z"), 1505433600);
    CHECK_EQ(pd("2017-09-15T00:00:00.123Z"), 1505433600);
    CHECK_EQ(pd("2017-09-15T08:30:00+08:00"), 1505435400);
    CHECK_EQ(pd("2017-09-15 08:30:00 +0800"), 1505435400);
    CHECK_EQ(pd("2017-09-15T08:30:00.5+0800"), 1505435400);
    CHECK_EQ(pd("2012-02-19T13:00:00+0900"), 1329624000);
    CHECK_EQ(pd("2019-03-05"), 1551744000);
    CHECK_EQ(pd("  2019-03-05\n"), 1551744000);
    CHECK_EQ(pd("2019/03/05"), 1551744000);
    CHECK_EQ(pd("2016-03-19 10:48"), 1458384480);
    CHECK_EQ(pd("2020-02-29"), 1582934400);
    CHECK_EQ(pd("2000-02-29"), 951782400);
    CHECK_EQ(pd("1800-01-01"), -5364662400LL);
    CHECK_EQ(pd("2200-12-31T23:59:59Z"), 7289654399LL);
}

TEST(ingest_date_rfc2822_and_text)
{
    CHECK_EQ(pd("Tue, 05 Mar 2019 10:00:00 GMT"), 1551780000);
    CHECK_EQ(pd("Tue, 05 Mar 2019 10:00:00 +0000"), 1551780000);
    CHECK_EQ(pd("Tue, 05 Mar 2019 10:00:00 -0500"), 1551798000);
    CHECK_EQ(pd("Tue, 05 Mar 2019 10:00:00 EST"), 1551798000);
    CHECK_EQ(pd("05 Mar 2019 10:00:00 PDT"), 1551805200);
    CHECK_EQ(pd("Tue, 5 Mar 2019 00:00:00 CDT"), 1551762000);
    CHECK_EQ(pd("26-FEB-1987 15:01:01.79"), 541350061);
    CHECK_EQ(pd("March 5, 2019"), 1551744000);
    CHECK_EQ(pd("5 March 2019"), 1551744000);
    CHECK_EQ(pd("Tuesday, March 5, 2019"), 1551744000);
    CHECK_EQ(pd("Mar 5, 2019 10:00 AM"), 1551780000);
    CHECK_EQ(pd("Mar 5, 2019 10:30 PM"), 1551825000);
    CHECK_EQ(pd("Mar 5, 2019 12:00 AM"), 1551744000);
    CHECK_EQ(pd("Sept. 5th, 2019"), pd("2019-09-05"));
}

TEST(ingest_date_cjk_and_epoch)
{
    CHECK_EQ(pd("2021年03月23日"), 1616457600);
    CHECK_EQ(pd("2021年3月23日 10:48"), 1616496480);
    CHECK_EQ(pd("2021年03月23日10時48分"), 1616496480);
    CHECK_EQ(pd("1551780000"), 1551780000);
    CHECK_EQ(pd("1551780000000"), 1551780000);
    CHECK_EQ(pd("20190305"), 1551744000);
}

TEST(ingest_date_invalid)
{
    static const char *const bad[] = {
        "",
        "   ",
        "2019-13-05",
        "2019-02-29",
        "2019-04-31",
        "1900-02-29",
        "1799-12-31",
        "2201-01-01",
        "2019-00-10",
        "2019-03-00",
        "2019-03-05T25:00",
        "2019-03-05T10:60",
        "2019-03-05 10:00 XYZ",
        "2019-03-05 junk",
        "March 32, 2019",
        "Foo 5, 2019",
        "yesterday",
        "2019",
        "12345",
        "05/03/2019",
        "Mar 5, 2019 13:00 PM",
        "2019-03-05T10:00+25:00",
        "2019-03",
        "99999999999",
        "2019-03-05T10:00:00.Z",
        "26-FEB-87",
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(bad); i++) {
        int64_t t = 42;
        int rc = ndx_parse_date(bad[i], strlen(bad[i]), &t);
        if (rc != NDX_EINVAL)
            fprintf(stderr, "  accepted bad date \"%s\" -> %lld\n", bad[i], (long long)t);
        CHECK_EQ(rc, NDX_EINVAL);
    }
    int64_t t;
    CHECK_EQ(ndx_parse_date(NULL, 0, &t), NDX_EINVAL);
    /* explicit length: the NUL-free prefix only */
    CHECK_EQ(ndx_parse_date("2019-03-05XYZ", 10, &t), NDX_OK);
    CHECK_EQ(t, 1551744000);
}

/* ---- JSONL ------------------------------------------------------------------------------------
 */

TEST(ingest_jsonl_good_bad_blank)
{
    char *dir = tmpdir();
    const char *data =
        "{\"title\":\"A\",\"maintext\":\"Body A\",\"url\":\"http://a.example/1\","
        "\"date_publish\":\"2019-03-05\",\"source_domain\":\"a.example\"}\n"
        "\n"
        "{bad json\n"
        "[1,2]\n"
        "{\"title\":\" B  title \\n x\",\"text\":\"Body B\\n\\n  para2 \",\"url\":"
        "\"https://WWW.Example.com:8080/x\",\"authors\":[\"Ann\",\" Bob\",\"\"],"
        "\"date\":1551780000}\n"
        "   \t\n"
        "{\"foo\":1}\n"
        "{\"description\":\"Only desc\",\"date_publish\":\"not a date\",\"language\":\"EN-us\","
        "\"source\":\"Src\",\"authors\":\"Carl\"}\r\n"
        "{\"title\":\"ms\",\"text\":\"x\",\"published\":1551780000000,\"language\":null}";
    char *path = write_str(dir, "in.jsonl", data);
    struct coll *c;
    int rc = read_path(path, NULL, &c);
    CHECK_EQ(rc, NDX_OK);
    CHECK_EQ(c->n, 4);
    CHECK_EQ(c->nprob, 4);
    CHECK(has_problem(c, "in.jsonl:3", "invalid JSON: "));
    CHECK(has_problem(c, "in.jsonl:3", " at column "));
    CHECK(has_problem(c, "in.jsonl:4", "no article text"));
    CHECK(has_problem(c, "in.jsonl:7", "no article text"));
    CHECK(has_problem(c, "in.jsonl:8", "unparseable date 'not a date'"));
    if (c->nprob != 4)
        dump_problems(c);
    if (c->n == 4) {
        CHECK_STR(c->a[0].title, "A");
        CHECK_STR(c->a[0].body, "Body A");
        CHECK_STR(c->a[0].url, "http://a.example/1");
        CHECK_STR(c->a[0].source, "a.example");
        CHECK_EQ(c->a[0].published, 1551744000);
        CHECK(c->a[0].authors == NULL);
        CHECK(c->a[0].lang == NULL);
        CHECK_STR(c->a[1].title, "B title x");
        CHECK_STR(c->a[1].body, "Body B\npara2");
        CHECK_STR(c->a[1].source, "example.com");
        CHECK_STR(c->a[1].authors, "Ann; Bob");
        CHECK_EQ(c->a[1].published, 1551780000);
        CHECK(c->a[2].title == NULL);
        CHECK_STR(c->a[2].body, "Only desc");
        CHECK_STR(c->a[2].source, "Src");
        CHECK_STR(c->a[2].authors, "Carl");
        CHECK_STR(c->a[2].lang, "en");
        CHECK_EQ(c->a[2].published, NDX_DATE_UNKNOWN);
        CHECK(c->a[2].url == NULL);
        CHECK_EQ(c->a[3].published, 1551780000);
        CHECK(c->a[3].lang == NULL);
    }
    CHECK(c->nprogress >= 1);
    CHECK_EQ(c->last_progress, strlen(data));
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_jsonl_all_bad_is_eformat)
{
    char *dir = tmpdir();
    char *path = write_str(dir, "bad.jsonl", "{\"a\":1}\n{\"b\":2}\n{oops\n");
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK_EQ(c->n, 0);
    CHECK(has_problem(c, "bad.jsonl:1", "no article text"));
    CHECK(has_problem(c, "bad.jsonl:3", "invalid JSON"));
    CHECK(has_problem(c, "bad.jsonl", "no articles found"));
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_jsonl_first_line_invalid_still_jsonl)
{
    char *dir = tmpdir();
    char *path = write_str(dir, "x.jsonl",
                           "{\"title\": \"broken\n{\"title\":\"ok1\"}\n{\"title\":\"ok2\"}\n");
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 2);
    CHECK(has_problem(c, "x.jsonl:1", "invalid JSON"));
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_jsonl_long_line_skipped)
{
    ndx__ingest_limits.max_line = 100;
    char *dir = tmpdir();
    char data[2048];
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    snprintf(data, sizeof data,
             "{\"title\":\"one\"}\n{\"title\":\"%s\"}\n{\"title\":\"three\"}\nnope\n", big);
    char *path = write_str(dir, "long.jsonl", data);
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 2);
    CHECK(has_problem(c, "long.jsonl:2", "line longer than 100 bytes, skipped"));
    CHECK(has_problem(c, "long.jsonl:4", "invalid JSON"));
    if (c->n == 2)
        CHECK_STR(c->a[1].title, "three");
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_field_map)
{
    char *dir = tmpdir();
    char *path = write_str(
        dir, "m.jsonl",
        "{\"headline\":\"H\",\"story\":\"S\",\"text\":\"not me\",\"link\":\"http://x.example/a\","
        "\"site\":\"Site\",\"byline\":[\"X\",\"Y\"],\"lang\":\"de\",\"meta\":{\"when\":"
        "\"2019-03-05\"},\"date_publish\":\"2000-01-01\"}\n"
        "{\"headline\":\"H2\",\"summary\":\"S2\",\"meta.when\":\"March 5, 2019\"}\n");
    struct coll *c;
    CHECK_EQ(read_path(path,
                       "body=story|summary, title=headline,url=link,source=site,authors=byline,"
                       "lang=lang,date=meta.when",
                       &c),
             NDX_OK);
    CHECK_EQ(c->n, 2);
    if (c->n == 2) {
        CHECK_STR(c->a[0].title, "H");
        CHECK_STR(c->a[0].body, "S");
        CHECK_STR(c->a[0].url, "http://x.example/a");
        CHECK_STR(c->a[0].source, "Site");
        CHECK_STR(c->a[0].authors, "X; Y");
        CHECK_STR(c->a[0].lang, "de");
        CHECK_EQ(c->a[0].published, 1551744000);
        CHECK_STR(c->a[1].body, "S2");
        CHECK_EQ(c->a[1].published, 1551744000);
    }
    coll_free(c);
    CHECK_EQ(read_path(path, "bo-gus=x", &c), NDX_EINVAL);
    CHECK(has_problem(c, "m.jsonl", "unknown field 'bo-gus'"));
    coll_free(c);
    CHECK_EQ(read_path(path, "title", &c), NDX_EINVAL);
    coll_free(c);
    rm_rf(dir);
}

/* ---- JSON documents ------------------------------------------------------------------------- */

TEST(ingest_json_newsplease_file)
{
    const char *path = shared("corpora/text/giveme5w1h-dev/data_raw/"
                              "0046d5ff09e56287742ed727ac712a7806d4dee16d5d46aafd7632f5.json");
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 1);
    CHECK_EQ(c->nprob, 0);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "China opposes DPRK's missile launch: FM spokesperson");
        CHECK_STR(c->a[0].url,
                  "http://africa.chinadaily.com.cn/world/2017-09/15/content_32041310.htm");
        CHECK_STR(c->a[0].source, "africa.chinadaily.com.cn");
        CHECK_EQ(c->a[0].published, 1505433600);
        CHECK(c->a[0].authors == NULL);
        CHECK(c->a[0].lang == NULL);
        CHECK(c->a[0].body && !strncmp(c->a[0].body,
                                       "China opposes DPRK's missile launch: FM "
                                       "spokesperson\nXinhua | Updated: ",
                                       70));
    }
    coll_free(c);
}

TEST(ingest_json_array_and_pretty)
{
    char *dir = tmpdir();
    char *path = write_str(dir, "arr.json",
                           "[\n  {\"title\": \"one\", \"text\": \"1\"},\n  {\"title\": \"two\"},\n"
                           "  3\n]\n");
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 2);
    CHECK(has_problem(c, "arr.json#3", "no article text"));
    coll_free(c);
    /* pretty-printed object whose inner lines include a complete object: still one document */
    path = write_str(dir, "p.json",
                     "{\n  \"title\": \"Pretty\",\n  \"maintext\": \"Text\",\n  \"x\": [\n"
                     "{\"a\": 1}\n  ]\n}\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 1);
    CHECK_EQ(c->nprob, 0);
    if (c->n == 1)
        CHECK_STR(c->a[0].title, "Pretty");
    coll_free(c);
    path = write_str(dir, "broken.json", "{\n  \"title\": \"x\",\n  oops\n}\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "broken.json:3", "invalid JSON"));
    coll_free(c);
    rm_rf(dir);
}

/* ---- plain text -------------------------------------------------------------------------------
 */

TEST(ingest_text_seed_page)
{
    const char *path = shared("seed/news-page.txt");
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 5); /* the article and its four teaser stubs (test_stubs.c) */
    if (c->n >= 1) {
        CHECK_STR(c->a[0].title, "China is to invite Beijing-based European diplomats to visit "
                                 "Xinjiang, the Chinese Ministry of Foreign\xE2\x80\xA6");
        CHECK(c->a[0].body && !strncmp(c->a[0].body, "China is to invite Beijing-based", 32));
        CHECK(c->a[0].body && !strstr(c->a[0].body, "\n\n"));
        char abs[PATH_MAX], want[PATH_MAX + 8];
        CHECK(realpath(path, abs) != NULL);
        snprintf(want, sizeof want, "file://%s", abs);
        CHECK_STR(c->a[0].url, want);
        CHECK(c->a[0].source == NULL);
        CHECK_EQ(c->a[0].published, NDX_DATE_UNKNOWN);
    }
    coll_free(c);
}

TEST(ingest_text_bbc)
{
    struct coll *c;
    CHECK_EQ(read_path(shared("corpora/text/bbc-news-2225/bbc/business/001.txt"), NULL, &c),
             NDX_OK);
    CHECK_EQ(c->n, 1);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "Ad sales boost Time Warner profit");
        CHECK(c->a[0].body && !strncmp(c->a[0].body, "Quarterly profits at US media giant", 35));
        CHECK(c->a[0].body && !strstr(c->a[0].body, "\n\n"));
        CHECK(c->a[0].body && !strstr(c->a[0].body, "Ad sales boost"));
    }
    coll_free(c);
}

TEST(ingest_text_livedoor)
{
    struct coll *c;
    CHECK_EQ(read_path(
                 shared("corpora/text/livedoor-news-ja/text/it-life-hack/it-life-hack-6292880.txt"),
                 NULL, &c),
             NDX_OK);
    CHECK_EQ(c->n, 1);
    if (c->n == 1) {
        CHECK_STR(c->a[0].url, "http://news.livedoor.com/article/detail/6292880/");
        CHECK_EQ(c->a[0].published, 1329624000);
        CHECK_STR(c->a[0].title, "旧式Macで禁断のパワーアップ！最新PCやソフトを一挙にチェック"
                                 "【ITフラッシュバック】");
        CHECK(c->a[0].body && !strncmp(c->a[0].body, "テレビやTwitterと連携できる", 20));
    }
    coll_free(c);
}

TEST(ingest_text_title_rules)
{
    char *dir = tmpdir();
    struct coll *c;
    char *path = write_str(dir, "a.txt", "Mr. Smith went to Washington. He said hello.\nMore.\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "Mr. Smith went to Washington");
        CHECK_STR(c->a[0].body, "Mr. Smith went to Washington. He said hello.\nMore.");
    }
    coll_free(c);
    path =
        write_str(dir, "b.txt", "\n\n   Short headline here  \n\n\n  Para one.  \n\tPara two.\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "Short headline here");
        CHECK_STR(c->a[0].body, "Para one.\nPara two.");
    }
    coll_free(c);
    path = write_str(dir, "c.txt", "A question headline?\nBody.\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    if (c->n == 1) {
        CHECK_STR(c->a[0].title, "A question headline?");
        CHECK_STR(c->a[0].body, "A question headline?\nBody.");
    }
    coll_free(c);
    /* text starting with '[' is not JSON */
    path = write_str(dir, "d.txt", "[Update] Markets rally\nStocks rose.\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->nprob, 0);
    if (c->n == 1)
        CHECK_STR(c->a[0].title, "[Update] Markets rally");
    coll_free(c);
    rm_rf(dir);
}

/* ---- gzip ----------------------------------------------------------------------------------- */

static void gz_write(const char *path, const char *mode, const char *s, size_t n)
{
    gzFile g = gzopen(path, mode);
    gzwrite(g, s, (unsigned)n);
    gzclose(g);
}

/* n JSONL lines with titles T0.. and incompressible-ish bodies. */
static char *make_lines(int n, size_t *len)
{
    size_t cap = (size_t)n * 200 + 1, k = 0;
    char *s = malloc(cap);
    unsigned x = 12345;
    for (int i = 0; i < n; i++) {
        k += (size_t)snprintf(s + k, cap - k, "{\"title\":\"T%d\",\"text\":\"", i);
        for (int j = 0; j < 100; j++) {
            x = x * 1103515245 + 12345;
            s[k++] = (char)('a' + (x >> 16) % 26);
        }
        k += (size_t)snprintf(s + k, cap - k, "\"}\n");
    }
    *len = k;
    return s;
}

TEST(ingest_gzip_magic_and_multimember)
{
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/data.jsonl", dir); /* no .gz name: detected by magic */
    const char *m1 = "{\"title\":\"a\"}\n{\"title\":\"b\"}\n{\"title\":\"c\"}\n";
    const char *m2 = "{\"title\":\"d\"}\n{\"title\":\"e\"}\n";
    gz_write(path, "wb", m1, strlen(m1));
    gz_write(path, "ab", m2, strlen(m2));
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 5);
    CHECK_EQ(c->nprob, 0);
    if (c->n == 5)
        CHECK_STR(c->a[4].title, "e");
    struct stat st;
    stat(path, &st);
    CHECK_EQ(c->last_progress, st.st_size);
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_gzip_truncated_keeps_earlier)
{
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/t.jsonl.gz", dir);
    size_t n;
    char *s = make_lines(2000, &n);
    gz_write(path, "wb", s, n);
    free(s);
    struct stat st;
    stat(path, &st);
    CHECK_EQ(truncate(path, st.st_size / 2), 0);
    struct coll *c;
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK(c->n > 100 && c->n < 2000);
    int ok = 1;
    for (int i = 0; i < c->n && i < 2000; i++) {
        char want[16];
        snprintf(want, sizeof want, "T%d", i);
        ok &= c->a[i].title && !strcmp(c->a[i].title, want) && strlen(c->a[i].body) == 100;
    }
    CHECK(ok);
    char where[64];
    snprintf(where, sizeof where, "t.jsonl.gz@%lld", (long long)(st.st_size / 2));
    CHECK(has_problem(c, where, "truncated gzip"));
    CHECK_EQ(c->nprob, 1);
    if (c->nprob != 1)
        dump_problems(c);
    coll_free(c);
    /* garbage instead of gzip data */
    char junk[64] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'x', 'y', 'z'};
    memset(junk + 13, 'q', sizeof junk - 13);
    char *p2 = write_file(dir, "junk.gz", junk, sizeof junk);
    CHECK_EQ(read_path(p2, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "", "corrupt gzip data"));
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_gzip_bomb_limited)
{
    ndx__ingest_limits.max_gz_ratio = 20;
    ndx__ingest_limits.gz_ratio_min = 1000;
    char *dir = tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/bomb.gz", dir);
    size_t n = 4 << 20;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = (i % 80 == 79) ? '\n' : 'a';
    gz_write(path, "wb", s, n);
    free(s);
    struct coll *c;
    int rc = read_path(path, NULL, &c);
    CHECK(rc == NDX_OK || rc == NDX_EFORMAT);
    CHECK(has_problem(c, "", "expands too much"));
    if (c->n == 1)
        CHECK(strlen(c->a[0].body) < (size_t)1 << 20);
    coll_free(c);
    rm_rf(dir);
}

/* ---- rejects, repair, misc ------------------------------------------------------------------ */

TEST(ingest_binary_and_empty)
{
    char *dir = tmpdir();
    struct coll *c;
    char bin[100] = "\x7f"
                    "ELF\x02\x01\x01 some executable header";
    char *path = write_file(dir, "x.bin", bin, sizeof bin);
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "x.bin", "binary file, skipped"));
    CHECK_EQ(c->n, 0);
    coll_free(c);
    char ctl[200];
    for (size_t i = 0; i < sizeof ctl; i++)
        ctl[i] = (char)(i % 3 ? 'a' : 0x01);
    path = write_file(dir, "ctl.txt", ctl, sizeof ctl);
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "ctl.txt", "binary file"));
    coll_free(c);
    path = write_str(dir, "e.txt", "");
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "e.txt", "empty file"));
    coll_free(c);
    path = write_str(dir, "w.txt", "  \n\n\t \r\n ");
    CHECK_EQ(read_path(path, NULL, &c), NDX_EFORMAT);
    CHECK(has_problem(c, "w.txt", "empty file"));
    coll_free(c);
    CHECK_EQ(read_path(dir, NULL, &c), NDX_EINVAL);
    coll_free(c);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope.txt", dir);
    CHECK_EQ(read_path(missing, NULL, &c), NDX_EIO);
    CHECK(has_problem(c, "nope.txt", "No such file or directory"));
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_utf8_repaired)
{
    char *dir = tmpdir();
    struct coll *c;
    char *path = write_str(dir, "u.jsonl",
                           "{\"title\":\"ok\"}\n{\"title\":\"caf\xe9 \xff\",\"text\":\"x\"}\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK_EQ(c->n, 2);
    CHECK(has_problem(c, "u.jsonl:2", "invalid UTF-8 repaired (2 bytes)"));
    if (c->n == 2)
        CHECK_STR(c->a[1].title, "caf\xEF\xBF\xBD \xEF\xBF\xBD");
    coll_free(c);
    path = write_str(dir, "u.txt", "Headline\n\nfirst para\nbad \xc3 byte\n");
    CHECK_EQ(read_path(path, NULL, &c), NDX_OK);
    CHECK(has_problem(c, "u.txt:4", "invalid UTF-8 repaired (1 bytes)"));
    if (c->n == 1)
        CHECK_STR(c->a[0].body, "first para\nbad \xEF\xBF\xBD byte");
    coll_free(c);
    rm_rf(dir);
}

TEST(ingest_stop_and_mem)
{
    const char *data = "{\"title\":\"a\"}\n{\"title\":\"b\"}\n{\"title\":\"c\"}\n";
    struct coll *c = calloc(1, sizeof *c);
    c->stop_after = 2;
    ndx_reader_cb cb = {on_article, NULL, NULL, c};
    CHECK_EQ(ndx_read_mem(data, strlen(data), "mem", NULL, &cb), NDX_OK);
    CHECK_EQ(c->n, 2);
    coll_free(c);
    c = calloc(1, sizeof *c);
    cb.ctx = c;
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_TEXT};
    CHECK_EQ(ndx_read_mem(data, strlen(data), "mem", &o, &cb), NDX_OK);
    CHECK_EQ(c->n, 1);
    if (c->n == 1)
        CHECK(c->a[0].url == NULL);
    coll_free(c);
    o.input_format = 99;
    CHECK_EQ(ndx_read_mem(data, strlen(data), "mem", &o, &cb), NDX_EINVAL);
}
