/* test_fold.c - simplified and traditional Chinese as one script: the analyzer folds Han
 * characters with OpenCC's phrase and character tables (text/fold.c), keeps offsets on the
 * characters as written, leaves old (analysis 1) indexes unfolded, and stays bounded on long
 * runs. */
#include "articles.h"
#include "harness.h"
#include "index/index.h"
#include "text/text.h"

#include <stdlib.h>
#include <unistd.h>

struct ftoks {
    char s[8192];
    size_t n;
    const char *text;
    size_t count;
};

static int fcollect(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                    size_t end, unsigned flags)
{
    struct ftoks *t = ctx;
    NDX_UNUSED(flags);
    t->count++;
    int w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%.*s@%u[%.*s]", t->n ? " " : "",
                     (int)nterm, term, pos, (int)(end - start), t->text + start);
    if (w > 0 && (size_t)w < sizeof t->s - t->n)
        t->n += (size_t)w;
    return 0;
}

static const char *ftoks(struct ftoks *t, const char *text, int no_fold)
{
    struct ndx_analyzer an = {.no_han_fold = no_fold};
    memset(t, 0, sizeof *t);
    t->text = text;
    if (ndx__analyze(&an, text, strlen(text), NULL, 0, fcollect, t, NULL))
        return "(error)";
    return t->s;
}

/* Terms only (no offsets), to compare two spellings. */
static void terms_only(const char *text, char *out, size_t n)
{
    struct ftoks t;
    ftoks(&t, text, 0);
    size_t k = 0;
    for (const char *p = t.s; *p && k + 1 < n; p++) {
        if (*p == '[') {
            while (*p && *p != ']')
                p++;
            continue;
        }
        out[k++] = *p;
    }
    out[k] = 0;
}

#define SAME_TERMS(a, b)                                                                           \
    do {                                                                                           \
        char x_[2048], y_[2048];                                                                   \
        terms_only(a, x_, sizeof x_);                                                              \
        terms_only(b, y_, sizeof y_);                                                              \
        CHECK_STR(x_, y_);                                                                         \
    } while (0)

TEST(fold_simplified_traditional_one_script)
{
    struct ftoks t;
    CHECK(ndx__han_fold_available());
    SAME_TERMS("陈全国", "陳全國");
    SAME_TERMS("台湾", "台灣");
    SAME_TERMS("台湾", "臺灣");
    /* variant characters: Hong Kong 衞, standard 衛, simplified 卫; Taiwan 裡, standard 裏 */
    SAME_TERMS("卫生", "衞生");
    SAME_TERMS("卫生", "衛生");
    SAME_TERMS("里面", "裡面");
    SAME_TERMS("里面", "裏面");
    SAME_TERMS("线", "綫");
    /* folded text folds to itself: the simplified 什么 stays 什么 (a Taiwan-variant table would
     * turn its 么 into 幺 and 什麼 would no longer find it) */
    SAME_TERMS("什么", "什麼");
    SAME_TERMS("台风", "颱風");
    /* offsets point at the characters as written: snippets highlight the original text */
    CHECK_STR(ftoks(&t, "在臺灣", 0), "在@0[在] 在台@0[在臺] 台@1[臺] 台湾@1[臺灣] 湾@2[灣]");
    /* Latin words, kana and Hangul are untouched */
    CHECK_STR(ftoks(&t, "Chen 東京タワー 한국", 0),
              "chen@0[Chen] 东@1[東] 东京@1[東京] 京@2[京] 京タ@2[京タ] タ@3[タ] タワ@3[タワ] "
              "ワ@4[ワ] ワー@4[ワー] ー@5[ー] 한@6[한] 한국@6[한국] 국@7[국]");
}

TEST(fold_uses_phrase_tables)
{
    struct ftoks t;
    /* by itself 乾 folds to 干 (乾淨 -> 干净), but the phrase table keeps 乾隆 and the
     * character-by-character fold would not */
    CHECK_EQ(ndx__han_fold_char(0x4E7E /* 乾 */), 0x5E72 /* 干 */);
    CHECK_STR(ftoks(&t, "乾淨", 0), "干@0[乾] 干净@0[乾淨] 净@1[淨]");
    CHECK_STR(ftoks(&t, "乾隆", 0), "乾@0[乾] 乾隆@0[乾隆] 隆@1[隆]");
    /* 頭髮: 髮 folds to 发 as hair */
    SAME_TERMS("头发", "頭髮");
}

TEST(fold_off_for_old_indexes)
{
    struct ftoks t;
    CHECK_STR(ftoks(&t, "陳全", 1), "陳@0[陳] 陳全@0[陳全] 全@1[全]");
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    CHECK_EQ(ndx__normalize_word("陳全國", strlen("陳全國"), &b), 0);
    CHECK_STR((const char *)b.p, "陈全国");
    ndx__buf_free(&b);
}

TEST(fold_long_and_broken_runs)
{
    /* 200,000 traditional characters in one run, invalid bytes and kana in between: every
     * character folded, offsets kept, nothing read past the end */
    size_t n = 200000;
    char *s = malloc(n * 3 + 64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 997 == 0)
            s[k++] = (char)0xff;
        else if (i % 991 == 0)
            k += (size_t)snprintf(s + k, 8, "の");
        else
            k += (size_t)snprintf(s + k, 8, "%s", i % 2 ? "國" : "陳");
    }
    s[k++] = (char)0xe9; /* a truncated character at the very end */
    struct ndx_analyzer an = {0};
    struct {
        size_t folded, other;
    } c = {0, 0};
    struct ftoks *t = malloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->text = s;
    CHECK_EQ(ndx__analyze(&an, s, k, NULL, 0, fcollect, t, NULL), NDX_OK);
    CHECK(t->count > 2 * (n - n / 400));                 /* unigram and bigram per character */
    const char *head = "国@0[國] 国陈@0[國陳] 陈@1[陳]"; /* (the text starts with a bad byte) */
    CHECK(strncmp(t->s, head, strlen(head)) == 0);
    free(t);
    struct ndx__hanfold f = {0};
    CHECK_EQ(ndx__han_fold_scan(&f, s, k, 0), NDX_OK);
    for (size_t i = 0; i < f.n; i++) {
        if (f.ent[i].cp == 0x9648 /* 陈 */ || f.ent[i].cp == 0x56FD /* 国 */)
            c.folded++;
        else
            c.other++;
        if (i)
            CHECK(f.ent[i].off > f.ent[i - 1].off);
    }
    CHECK(c.folded > n - n / 400);
    CHECK_EQ(c.other, 0);
    ndx__han_fold_free(&f);
    free(s);
}

/* ---- an index made before folding (analysis 1) still works, unfolded ------------------------ */

static int add_doc(ndx_index *ix, const char *url, const char *body)
{
    return ndx_test_add(ix, url, body, "zh");
}

/* Rewrite the newest manifest of dir as an analysis-1 index wrote it (no "analysis" line). */
static void make_analysis1(const char *dir, uint64_t gen)
{
    char path[256];
    snprintf(path, sizeof path, "%s/MANIFEST-%016llx", dir, (unsigned long long)gen);
    FILE *f = fopen(path, "rb");
    char text[4096];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = 0;
    char out[4096];
    size_t k = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "analysis ", 9) != 0 && strncmp(line, "end ", 4) != 0)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s\n", line);
    uint64_t h = ndx__hash64(out, k, 0);
    k += (size_t)snprintf(out + k, sizeof out - k, "end %016llx\n", (unsigned long long)h);
    f = fopen(path, "wb");
    CHECK(f && fwrite(out, 1, k, f) == k);
    if (f)
        fclose(f);
}

TEST(fold_old_index_still_works)
{
    char dir[] = "/tmp/ndx-fold-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    ndx_index *ix = NULL;
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    ndx_stats st;
    CHECK_EQ(ndx_index_stats(ix, &st), NDX_OK);
    CHECK_EQ(st.analysis, 2);
    ndx_index_close(ix);
    /* as an older newsdex made it: no folding, at writing and at searching */
    make_analysis1(dir, 1);
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_WRITE, &ix, NULL), NDX_OK);
    CHECK_EQ(add_doc(ix, "https://x.test/1", "陳全國在臺灣"), NDX_OK);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    CHECK_EQ(ndx_index_stats(ix, &st), NDX_OK);
    CHECK_EQ(st.analysis, 1);
    CHECK_EQ(ndx_test_total(ix, "陳全國"), 1);
    CHECK_EQ(ndx_test_total(ix, "陈全国"), 0);
    CHECK_EQ(ndx_index_check(ix, NULL, NULL), NDX_OK);
    ndx_index_close(ix);
    CHECK_EQ(ndx_index_open(dir, NDX_OPEN_READ, &ix, NULL), NDX_OK);
    CHECK_EQ(ndx_test_total(ix, "臺灣"), 1);
    CHECK_EQ(ndx_test_total(ix, "台湾"), 0);
    ndx_index_close(ix);
    /* a new index folds */
    char dir2[] = "/tmp/ndx-fold-XXXXXX";
    CHECK(mkdtemp(dir2) != NULL);
    CHECK_EQ(ndx_index_open(dir2, NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, NULL), NDX_OK);
    CHECK_EQ(add_doc(ix, "https://x.test/1", "陳全國在臺灣"), NDX_OK);
    CHECK_EQ(ndx_index_commit(ix), NDX_OK);
    CHECK_EQ(ndx_test_total(ix, "陳全國"), 1);
    CHECK_EQ(ndx_test_total(ix, "陈全国"), 1);
    CHECK_EQ(ndx_test_total(ix, "台湾"), 1);
    CHECK_EQ(ndx_index_check(ix, NULL, NULL), NDX_OK);
    ndx_index_close(ix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", dir, dir2);
    CHECK_EQ(system(cmd), 0);
    ndx__text_thread_cleanup();
}
