/* test_text.c - text analysis: tokens, normalisation, stemming, CJK, language detection, sentences,
 * teasers, snippets. */
#include "harness.h"
#include "text/text.h"

#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------------------------ */

struct toks {
    char s[4096];
    size_t n;
    const char *text;
    int with_offsets;
    int stop_after; /* 0 = never */
    int count;
};

static int collect(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                   size_t end, unsigned flags)
{
    struct toks *t = ctx;
    NDX_UNUSED(flags);
    int w;
    if (t->with_offsets)
        w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%.*s@%u[%.*s]", t->n ? " " : "",
                     (int)nterm, term, pos, (int)(end - start), t->text + start);
    else
        w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%.*s@%u", t->n ? " " : "", (int)nterm,
                     term, pos);
    if (w > 0 && (size_t)w < sizeof t->s - t->n)
        t->n += (size_t)w;
    t->count++;
    return t->stop_after && t->count >= t->stop_after ? 7 : 0;
}

static const char *toks_of(struct toks *t, const char *text, size_t n, const char *lang, int stem,
                           int offsets)
{
    struct ndx_analyzer an = {.stem = stem, .max_term = 0};
    memset(t, 0, sizeof *t);
    t->text = text;
    t->with_offsets = offsets;
    uint32_t next = 0;
    int rc = ndx__analyze(&an, text, n, lang, 0, collect, t, &next);
    if (rc)
        return "(error)";
    return t->s;
}

#define TOKS(text, lang, stem) toks_of(&tk, text, strlen(text), lang, stem, 0)
#define TOKS_OFF(text)         toks_of(&tk, text, strlen(text), "en", 0, 1)

static const char *norm(struct ndx_buf *b, const char *w)
{
    if (ndx__normalize_word(w, strlen(w), b))
        return "(error)";
    return b->n ? (const char *)b->p : "";
}

/* ---- tokenizer ---------------------------------------------------------------------------- */

TEST(text_english_stemming)
{
    struct toks tk;
    CHECK_STR(TOKS("China invited them", "en", 1), "china@0 invit@1 them@2");
    CHECK_STR(TOKS("They invite us", "en", 1), "they@0 invit@1 us@2");
    CHECK_STR(TOKS("Running RUNS", "en", 1), "run@0 run@1");
    CHECK_STR(TOKS("Running RUNS", "en", 0), "running@0 runs@1");
    CHECK_STR(TOKS("Running", NULL, 1), "running@0"); /* no language: no stemming */
    CHECK_STR(TOKS("Running", "xx", 1), "running@0");
    ndx__text_thread_cleanup();
}

TEST(text_accents_and_french)
{
    struct toks tk;
    CHECK_STR(TOKS("Café résumé NAÏVE", NULL, 0), "cafe@0 resume@1 naive@2");
    CHECK_STR(TOKS("les politiques nationales", "fr", 1), "le@0 polit@1 national@2");
    /* stemmed on the accented form: "nationalité" loses "ité" only if the é is still there */
    CHECK_STR(TOKS("nationalité", "fr", 1), "national@0");
    CHECK_STR(TOKS("Straße ÜBER", "de", 0), "strasse@0 uber@1");
    CHECK_STR(TOKS("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xEF\xBC\x91\xEF\xBC\x92", NULL, 0),
              "abc@0 12@1");                            /* fullwidth ABC 12 */
    CHECK_STR(TOKS("cafe\xCC\x81", NULL, 0), "cafe@0"); /* decomposed accent */
    ndx__text_thread_cleanup();
}

TEST(text_apostrophes_hyphens)
{
    struct toks tk;
    CHECK_STR(TOKS("China's don't O'Brien", NULL, 0), "china@0 dont@1 obrien@2");
    CHECK_STR(TOKS("China\xE2\x80\x99s don\xE2\x80\x99t", NULL, 0), "china@0 dont@1");
    CHECK_STR(TOKS("'quoted' students' union", NULL, 0), "quoted@0 students@1 union@2");
    CHECK_STR(TOKS("well-known state-of-the-art", NULL, 0),
              "well@0 known@1 state@2 of@3 the@4 art@5");
}

TEST(text_numbers)
{
    struct toks tk;
    CHECK_STR(TOKS("3.5 1,000 2019 1,000,000 v1.2 end.", "en", 1),
              "3.5@0 1000@1 2019@2 1000000@3 v1.2@4 end@5");
    CHECK_STR(TOKS("1,2,3 2019.Then", NULL, 0), "1@0 2@1 3@2 2019@3 then@4");
}

static int flags_of_first(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                          size_t end, unsigned flags)
{
    NDX_UNUSED(term), NDX_UNUSED(nterm), NDX_UNUSED(pos), NDX_UNUSED(start), NDX_UNUSED(end);
    *(unsigned *)ctx = flags;
    return 1;
}

TEST(text_number_flag)
{
    struct ndx_analyzer an = {.stem = 0, .max_term = 0};
    unsigned f = 99;
    CHECK_EQ(ndx__analyze(&an, "1,000", 5, NULL, 0, flags_of_first, &f, NULL), 1);
    CHECK_EQ(f, NDX_TOK_NUMBER);
    CHECK_EQ(ndx__analyze(&an, "abc", 3, NULL, 0, flags_of_first, &f, NULL), 1);
    CHECK_EQ(f, 0);
}

TEST(text_urls_emails)
{
    struct toks tk;
    CHECK_STR(TOKS("see https://www.bbc.co.uk/news/world-123?id=5 or mail john.smith@example.com",
                   NULL, 0),
              "see@0 https@1 www@2 bbc@3 co@4 uk@5 news@6 world@7 123@8 id@9 5@10 or@11 mail@12 "
              "john@13 smith@14 example@15 com@16");
}

TEST(text_cjk)
{
    struct toks tk;
    /* Han characters are indexed folded to simplified (fold.c; test_fold.c) */
    CHECK_STR(TOKS("陳全國", NULL, 0), "陈@0 陈全@0 全@1 全国@1 国@2");
    CHECK_STR(TOKS("中", NULL, 0), "中@0");
    /* Japanese: kanji + kana in one run, the prolonged sound mark in katakana */
    CHECK_STR(TOKS("東京タワー", "ja", 1), "东@0 东京@0 京@1 京タ@1 タ@2 タワ@2 ワ@3 ワー@3 ー@4");
    /* halfwidth katakana with a voicing mark becomes one fullwidth character */
    CHECK_STR(TOKS("\xEF\xBD\xB6\xEF\xBE\x9E\xEF\xBD\xB2", NULL, 0), "ガ@0 ガイ@0 イ@1");
    /* Korean syllables; a space splits runs */
    CHECK_STR(TOKS("한국어 뉴스", "ko", 1), "한@0 한국@0 국@1 국어@1 어@2 뉴@3 뉴스@3 스@4");
}

TEST(text_mixed_and_offsets)
{
    struct toks tk;
    CHECK_STR(TOKS("Chen Quanguo (陳全國) said", "en", 1),
              "chen@0 quanguo@1 陈@2 陈全@2 全@3 全国@3 国@4 said@5");
    CHECK_STR(TOKS_OFF("Café's résumé, China\xE2\x80\x99s 陳全"),
              "cafe@0[Café] resume@1[résumé] china@2[China] 陈@3[陳] 陈全@3[陳全] 全@4[全]");
    const char *t = "naïve x";
    struct ndx_analyzer an = {.stem = 0, .max_term = 0};
    memset(&tk, 0, sizeof tk);
    tk.text = t;
    tk.with_offsets = 1;
    uint32_t next = 0;
    CHECK_EQ(ndx__analyze(&an, t, strlen(t), NULL, 10, collect, &tk, &next), 0);
    CHECK_STR(tk.s, "naive@10[naïve] x@11[x]");
    CHECK_EQ(next, 12);
}

TEST(text_invalid_utf8)
{
    struct toks tk;
    const char bad[] = "ok\xff"
                       "caf\xc3\xa9 \xe9\x99 bad\xc3 \xf0\x9f\x98 end \xed\xa0\x80x";
    CHECK_STR(toks_of(&tk, bad, sizeof bad - 1, "en", 1, 0), "ok@0 cafe@1 bad@2 end@3 x@4");
    /* truncated at the very end of the buffer */
    const char trunc[] = "ab\xe9\x99";
    CHECK_STR(toks_of(&tk, trunc, 4, NULL, 0, 0), "ab@0");
    const char tr2[] = "\xe9\x99\xb3\xe5";
    CHECK_STR(toks_of(&tk, tr2, 4, NULL, 0, 0), "陈@0");
    ndx__text_thread_cleanup();
}

TEST(text_truncation)
{
    char word[201];
    memset(word, 'a', 200);
    word[200] = 0;
    struct toks tk;
    const char *r = toks_of(&tk, word, 200, NULL, 0, 0);
    CHECK_EQ(strlen(r), 64 + 2); /* 64 a's + "@0" */
    /* multi-byte: never cut inside a character */
    char w2[300] = "";
    for (int i = 0; i < 100; i++)
        strcat(w2, "\xC3\xA9"); /* é -> e after stripping: 1 byte each */
    r = toks_of(&tk, w2, strlen(w2), NULL, 0, 0);
    CHECK_EQ(strlen(r), 64 + 2);
    char w3[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(w3, "\xD0\xB6"); /* ж: 2 bytes, 64 bytes = 32 chars */
    r = toks_of(&tk, w3, strlen(w3), NULL, 0, 0);
    CHECK_EQ(strlen(r), 64 + 2);
    struct ndx_analyzer an = {.stem = 0, .max_term = 5};
    memset(&tk, 0, sizeof tk);
    CHECK_EQ(ndx__analyze(&an, w3, strlen(w3), NULL, 0, collect, &tk, NULL), 0);
    CHECK_STR(tk.s, "жж@0");
}

TEST(text_callback_stops)
{
    struct toks tk;
    struct ndx_analyzer an = {.stem = 1, .max_term = 0};
    memset(&tk, 0, sizeof tk);
    tk.stop_after = 2;
    uint32_t next = 77;
    CHECK_EQ(ndx__analyze(&an, "a b c d", 7, "en", 0, collect, &tk, &next), 7);
    CHECK_STR(tk.s, "a@0 b@1");
    CHECK_EQ(next, 77);
    ndx__text_thread_cleanup();
}

TEST(text_normalize_and_stem)
{
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    CHECK_STR(norm(&b, "Café"), "cafe");
    CHECK_STR(norm(&b, "China's"), "china");
    CHECK_STR(norm(&b, "1,000"), "1000");
    CHECK_STR(norm(&b, "ＡＢＣ"), "abc");
    CHECK_STR(norm(&b, "Invited"), "invited");
    CHECK_EQ(ndx__stem("en", "invited", 7, &b), 0);
    CHECK_STR((char *)b.p, "invit");
    CHECK_EQ(ndx__stem("zz", "invited", 7, &b), 0);
    CHECK_STR((char *)b.p, "invited");
    CHECK_EQ(ndx__normalize_term("Nationalité", strlen("Nationalité"), "fr", 1, &b), 0);
    CHECK_STR((char *)b.p, "national");
    bool en = false, fr = false, ru = false;
    for (const char *const *l = ndx__stem_languages(); *l; l++) {
        en |= strcmp(*l, "en") == 0;
        fr |= strcmp(*l, "fr") == 0;
        ru |= strcmp(*l, "ru") == 0;
    }
    CHECK(en && fr && ru);
    ndx__buf_free(&b);
    ndx__text_thread_cleanup();
}

/* ---- language detection ------------------------------------------------------------------- */

static const char *lang_of(char out[3], const char *text)
{
    ndx__detect_lang(text, strlen(text), out);
    return out;
}

TEST(text_detect_lang)
{
    char l[3];
    CHECK_STR(lang_of(l, "The government said on Monday that it would raise taxes."), "en");
    CHECK_STR(lang_of(l, "Die Regierung hat am Montag neue Maßnahmen beschlossen, die für alle "
                         "gelten."),
              "de");
    CHECK_STR(lang_of(l, "Le gouvernement a annoncé lundi une nouvelle réforme des retraites."),
              "fr");
    CHECK_STR(lang_of(l, "El gobierno anunció el lunes una nueva reforma de las pensiones."), "es");
    CHECK_STR(lang_of(l, "中国外交部发言人周一表示，中方反对任何形式的单边制裁。"), "zh");
    CHECK_STR(lang_of(l, "苹果公司CEO蒂姆库克表示iPhone销量增长"), "zh");
    CHECK_STR(lang_of(l, "東京都は月曜日、新しい対策を発表しました。"), "ja");
    CHECK_STR(lang_of(l, "정부는 월요일 새로운 경제 대책을 발표했다."), "ko");
    CHECK_STR(lang_of(l, "Правительство в понедельник объявило о новых мерах поддержки."), "ru");
    CHECK_STR(lang_of(l, "Уряд оголосив про нові заходи підтримки економіки України."), "uk");
    CHECK_STR(lang_of(l, "Chen Quanguo (陳全國) said the region was stable and that the camps "
                         "were schools."),
              "en");
    CHECK_STR(lang_of(l, "Η κυβέρνηση ανακοίνωσε νέα μέτρα."), "el");
    CHECK_STR(lang_of(l, "xkcd qwrtp zzv"), "un");
    CHECK_STR(lang_of(l, ""), "un");
    CHECK_STR(lang_of(l, "12345 !!!"), "un");
}

/* ---- sentences, teasers, snippets --------------------------------------------------------- */

struct sents {
    char s[2048];
    size_t n;
    const char *text;
};

static int on_sent(void *ctx, size_t a, size_t b)
{
    struct sents *st = ctx;
    int w = snprintf(st->s + st->n, sizeof st->s - st->n, "[%.*s]", (int)(b - a), st->text + a);
    if (w > 0 && (size_t)w < sizeof st->s - st->n)
        st->n += (size_t)w;
    return 0;
}

static const char *sents_of(struct sents *st, const char *text)
{
    memset(st, 0, sizeof *st);
    st->text = text;
    CHECK_EQ(ndx__sentences(text, strlen(text), on_sent, st), 0);
    return st->s;
}

TEST(text_sentences)
{
    struct sents st;
    CHECK_STR(sents_of(&st, "Mr. Smith went to Washington. He arrived at 3.5 p.m. today!  Then?"),
              "[Mr. Smith went to Washington.][He arrived at 3.5 p.m. today!][Then?]");
    CHECK_STR(sents_of(&st, "The U.S. and the U.K. agreed. J. R. Smith said no."),
              "[The U.S. and the U.K. agreed.][J. R. Smith said no.]");
    CHECK_STR(sents_of(&st, "\"We will not give up,\" the ministry said. \"Never.\" It ended."),
              "[\"We will not give up,\" the ministry said.][\"Never.\"][It ended.]");
    CHECK_STR(sents_of(&st, "“Stop!” he said. On Jan. 5 the No. 2 firm, Acme Inc., e.g. sold."),
              "[“Stop!” he said.][On Jan. 5 the No. 2 firm, Acme Inc., e.g. sold.]");
    CHECK_STR(sents_of(&st, "First line\nSecond line.  \n\n Third"),
              "[First line][Second line.][Third]");
    CHECK_STR(sents_of(&st, "今天天气很好。我们去公园吧！好的"),
              "[今天天气很好。][我们去公园吧！][好的]");
    CHECK_STR(sents_of(&st, "「行こう。」と彼は言った。"), "[「行こう。」][と彼は言った。]");
    CHECK_STR(sents_of(&st, "   "), "");
}

static char *teaser(const char *text, size_t words)
{
    char *out = NULL;
    size_t n = 0;
    int rc = ndx_teaser(text, strlen(text), words, &out, &n);
    CHECK_EQ(rc, 0);
    CHECK(out == NULL || strlen(out) == n);
    return out;
}

TEST(text_teaser)
{
    char *t = teaser("One two three. Four five six. Seven eight nine.", 6);
    CHECK_STR(t, "One two three. Four five six.");
    ndx_free(t);
    t = teaser("One two three. Four five six. Seven eight nine.", 5);
    CHECK_STR(t, "One two three."); /* never cut mid-sentence */
    ndx_free(t);
    t = teaser("One two three four five six seven. Eight.", 3); /* first sentence <= 3x */
    CHECK_STR(t, "One two three four five six seven.");
    ndx_free(t);
    t = teaser("a b c d e f g h i j k l. m n.", 3); /* first sentence > 3x: cut */
    CHECK_STR(t, "a b c d e f g h i…");
    ndx_free(t);
    t = teaser("Para one.\n\nPara  two.\tMore.", 100);
    CHECK_STR(t, "Para one. Para two. More.");
    ndx_free(t);
    t = teaser("", 10);
    CHECK_STR(t, "");
    ndx_free(t);
    t = teaser("今天天气很好。我们去公园吧！", 8); /* CJK characters count as words */
    CHECK_STR(t, "今天天气很好。");
    ndx_free(t);
}

static const char *snip(struct ndx_buf *b, const char *text, const char *const *words,
                        size_t nwords, size_t per, size_t passages, int esc)
{
    struct ndx_span sp[32];
    size_t n = 0;
    for (size_t k = 0; k < nwords; k++) {
        const char *p = text;
        while ((p = strstr(p, words[k])) != NULL && n < 32) {
            sp[n++] = (struct ndx_span){(size_t)(p - text), (size_t)(p - text) + strlen(words[k])};
            p += strlen(words[k]);
        }
    }
    ndx__buf_reset(b);
    if (ndx__snippet(text, strlen(text), sp, n, per, passages, "<b>", "</b>", esc, b))
        return "(error)";
    return (const char *)b->p;
}

TEST(text_snippet)
{
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    const char *text = "The weather was fine. Officials in Paris said the <budget> & taxes would "
                       "rise. Nothing else happened here at all today.";
    const char *w1[] = {"budget", "taxes"};
    CHECK_STR(snip(&b, text, w1, 2, 30, 1, 1),
              "Officials in Paris said the &lt;<b>budget</b>&gt; &amp; <b>taxes</b> would rise. "
              "Nothing else happened here at all today.");
    CHECK_STR(snip(&b, text, w1, 2, 8, 1, 0),
              "…said the <<b>budget</b>> & <b>taxes</b> would rise.");
    /* two passages far apart, joined by " … " (which stands for the cut-off sentence end too) */
    const char *long_text =
        "Alpha one two three four five six seven eight nine ten eleven twelve thirteen. "
        "Filler a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh. "
        "More filler words go here and there and everywhere in this long paragraph of text. "
        "Finally the omega word appears in this last sentence.";
    const char *w2[] = {"Alpha", "omega"};
    CHECK_STR(snip(&b, long_text, w2, 2, 10, 2, 0),
              "<b>Alpha</b> one two three four five six seven eight nine … Finally the "
              "<b>omega</b> word appears in this last sentence.");
    /* only one passage allowed: the one with more distinct terms wins */
    const char *w3[] = {"Alpha", "omega", "Finally"};
    CHECK_STR(snip(&b, long_text, w3, 3, 10, 1, 0),
              "<b>Finally</b> the <b>omega</b> word appears in this last sentence.");
    /* a passage ending inside a long sentence gets a trailing "…", one starting inside it a
     * leading one */
    const char *w4[] = {"target"};
    CHECK_STR(snip(&b,
                   "Short one. Then a very long sentence with the target word in it goes on "
                   "and on and on without any end in sight at all.",
                   w4, 1, 8, 1, 0),
              "…with the <b>target</b> word in it goes on…");
    /* no spans: the teaser, escaped */
    CHECK_STR(snip(&b, "A <b> c. D e f g h i j k l m n.", NULL, 0, 3, 2, 1), "A &lt;b&gt; c.");
    /* spans inside a multi-byte character are widened, never split */
    struct ndx_span sp = {1, 2};
    ndx__buf_reset(&b);
    CHECK_EQ(ndx__snippet("é", 2, &sp, 1, 10, 1, "[", "]", 0, &b), 0);
    CHECK_STR((char *)b.p, "[é]");
    ndx__buf_free(&b);
    ndx__text_thread_cleanup();
}

/* stem_first: only words whose first letter is flagged are normalised and stemmed, positions are
 * unchanged, and
 * languages whose stemmer strips prefixes ignore the filter. */
TEST(analyze_stem_first_filter)
{
    struct toks tk;
    uint8_t first[256] = {0};
    first['r'] = 1;
    struct ndx_analyzer an = {.stem = 1, .stem_first = first};
    const char *text = "Running Economies running";
    memset(&tk, 0, sizeof tk);
    tk.text = text;
    CHECK_EQ(ndx__analyze(&an, text, strlen(text), "en", 0, collect, &tk, NULL), 0);
    CHECK_STR(tk.s, "run@0 Economies@1 run@2"); /* not flagged: passed on as it stands */
    /* with a counter: words that cannot match are only counted, positions kept */
    size_t skipped = 0;
    an.skipped = &skipped;
    memset(&tk, 0, sizeof tk);
    tk.text = text;
    CHECK_EQ(ndx__analyze(&an, text, strlen(text), "en", 0, collect, &tk, NULL), 0);
    CHECK_STR(tk.s, "run@0 run@2");
    CHECK_EQ(skipped, 1);
    an.skipped = NULL;
    /* without the filter: everything stemmed */
    CHECK_STR(TOKS(text, "en", 1), "run@0 economi@1 run@2");
    /* Indonesian strips prefixes ("menulis" -> "ulis"): the filter is not applied */
    memset(&tk, 0, sizeof tk);
    tk.text = "menulis";
    CHECK_EQ(ndx__analyze(&an, "menulis", 7, "id", 0, collect, &tk, NULL), 0);
    CHECK_STR(tk.s, "ulis@0");
}

/* The inline ASCII word walk agrees with the general one on every kind of text. */
TEST(next_word_fast_path_agrees)
{
    static const char *pieces[] = {"word",
                                   " ",
                                   "don't",
                                   "it'",
                                   "'s",
                                   "Caf\xC3\xA9",
                                   "na\xC3\xAFve",
                                   "\xE9\x99\xB3\xE5\x85\xA8",
                                   "\xE2\x80\x99",
                                   "x\xE2\x80\x99s",
                                   "3.5",
                                   ",",
                                   "\n",
                                   "'",
                                   "\xFF",
                                   "ab12",
                                   "-",
                                   "\xC3",
                                   "O'Neil"};
    uint32_t seed = 7;
    char buf[256];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        while (n < 200) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 8) % NDX_ARRAY_LEN(pieces)];
            size_t l = strlen(p);
            memcpy(buf + n, p, l);
            n += l;
        }
        size_t i = 0, j = 0, a1, b1, a2, b2;
        for (;;) {
            bool f = ndx__text_next_word(buf, n, i, &a1, &b1);
            bool g = ndx__text_next_word_any(buf, n, j, &a2, &b2);
            CHECK_EQ(f, g);
            if (!f || !g)
                break;
            CHECK_EQ(a1, a2);
            CHECK_EQ(b1, b2);
            if (a1 != a2 || b1 != b2)
                break;
            i = b1;
            j = b2;
        }
    }
}
