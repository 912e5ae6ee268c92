/* test_simple.c - the simple analysis mode (struct ndx_analyzer.simple): lower-cased runs of
 * letters and digits, the token definition of SQLite FTS5 unicode61 with remove_diacritics 0. */
#include "harness.h"
#include "text/text.h"

#include <stdlib.h>

struct stoks {
    char s[4096];
    size_t n;
    const char *text;
};

static int scollect(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                    size_t end, unsigned flags)
{
    struct stoks *t = ctx;
    NDX_UNUSED(flags);
    int w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%.*s@%u[%.*s]", t->n ? " " : "",
                     (int)nterm, term, pos, (int)(end - start), t->text + start);
    if (w > 0 && (size_t)w < sizeof t->s - t->n)
        t->n += (size_t)w;
    return 0;
}

static const char *stoks(struct stoks *t, const char *text, uint32_t max_term, uint32_t *next)
{
    struct ndx_analyzer an = {.stem = 1, .max_term = max_term, .simple = 1};
    memset(t, 0, sizeof *t);
    t->text = text;
    if (ndx__analyze(&an, text, strlen(text), "en", 0, scollect, t, next))
        return "(error)";
    return t->s;
}

#define S(text) stoks(&tk, text, 0, NULL)

TEST(simple_ascii)
{
    struct stoks tk;
    /* no stemming, no apostrophe/hyphen/number joining */
    CHECK_STR(S("Running RUNS don't"), "running@0[Running] runs@1[RUNS] don@2[don] t@3[t]");
    CHECK_STR(S("China's 3.5 1,000 e-mail"),
              "china@0[China] s@1[s] 3@2[3] 5@3[5] 1@4[1] 000@5[000] e@6[e] mail@7[mail]");
    CHECK_STR(S("  a_b\tX9y "), "a@0[a] b@1[b] x9y@2[X9y]");
    CHECK_STR(S(""), "");
    CHECK_STR(S("-- ... !!"), "");
}

TEST(simple_unicode)
{
    struct stoks tk;
    /* accents kept, case lowered character by character, no NFKC */
    CHECK_STR(S("Café CAFÉ Straße"), "café@0[Café] café@1[CAFÉ] straße@2[Straße]");
    CHECK_STR(S("\xEF\xBC\xA1\xEF\xBC\xA2"),
              "\xEF\xBD\x81\xEF\xBD\x82@0[\xEF\xBC\xA1\xEF\xBC\xA2]");
    CHECK_STR(S("ΣΊΣΥΦΟΣ"), "σίσυφοσ@0[ΣΊΣΥΦΟΣ]");
    CHECK_STR(S("İstanbul"), "İstanbul@0[İstanbul]");
    /* letters, numbers (Nd, Nl, No) and private use are word characters; symbols are not */
    CHECK_STR(S("x\xC2\xB2 \xC2\xBD \xE2\x91\xA0"),
              "x\xC2\xB2@0[x\xC2\xB2] \xC2\xBD@1[\xC2\xBD] \xE2\x91\xA0@2[\xE2\x91\xA0]");
    CHECK_STR(S("a\xF0\x9F\x98\x80"
                "b"),
              "a@0[a] b@1[b]");
    CHECK_STR(S("ab\xC2\xAD"
                "cd"),
              "ab@0[ab] cd@1[cd]"); /* soft hyphen separates */
    /* a listed combining diacritic continues a word but does not start one */
    CHECK_STR(S("cafe\xCC\x81 \xCC\x81"
                "abc"),
              "cafe\xCC\x81@0[cafe\xCC\x81] abc@1[abc]");
    /* other marks separate (Devanagari virama) */
    CHECK_STR(S("\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7"),
              "\xE0\xA4\x95@0[\xE0\xA4\x95] \xE0\xA4\xB7@1[\xE0\xA4\xB7]");
}

TEST(simple_cjk_run_is_one_word)
{
    struct stoks tk;
    CHECK_STR(S("東京都の天気は晴れ。カタカナ"),
              "東京都の天気は晴れ@0[東京都の天気は晴れ] カタカナ@1[カタカナ]");
    CHECK_STR(S("abc東京"), "abc東京@0[abc東京]");
}

TEST(simple_positions_truncation_invalid)
{
    struct stoks tk;
    uint32_t next = 0;
    struct ndx_analyzer an = {.simple = 1};
    memset(&tk, 0, sizeof tk);
    tk.text = "one two";
    CHECK_EQ(ndx__analyze(&an, "one two", 7, NULL, 10, scollect, &tk, &next), 0);
    CHECK_STR(tk.s, "one@10[one] two@11[two]");
    CHECK_EQ(next, 12);
    /* max_term cuts at a character boundary; the offsets still cover the whole word */
    CHECK_STR(stoks(&tk, "abcdéf", 5, NULL), "abcd@0[abcdéf]");
    /* invalid bytes separate */
    CHECK_STR(S("ab\xFF"
                "cd\xC3"),
              "ab@0[ab] cd@1[cd]");
    /* a long word spills to the heap */
    char big[3001];
    for (size_t i = 0; i < 3000; i += 3)
        memcpy(big + i, "A\xC3\x89", 3); /* "AÉ" x 1000 */
    big[3000] = 0;
    memset(&tk, 0, sizeof tk);
    tk.text = big;
    struct ndx_analyzer an2 = {.simple = 1, .max_term = 2000};
    CHECK_EQ(ndx__analyze(&an2, big, strlen(big), NULL, 0, scollect, &tk, &next), 0);
    CHECK(strncmp(tk.s,
                  "a\xC3\xA9"
                  "a\xC3\xA9",
                  6) == 0);
    CHECK_EQ(next, 1);
}
