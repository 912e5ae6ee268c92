/* test_gloss.c - names glossed in parentheses (names/gloss.c): both orders, Chinese, Japanese and
 * Korean, titles before the name, what is not a gloss, and hostile text. */
#include "harness.h"
#include "names/gloss.h"

#include <stdlib.h>

struct gl {
    char s[2048];
    size_t n, count;
    const char *text;
};

static int gcollect(void *ctx, const struct ndx_gloss *g)
{
    struct gl *t = ctx;
    t->count++;
    int w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%.*s=%.*s/%s", t->n ? "; " : "",
                     (int)(g->latin_end - g->latin_start), t->text + g->latin_start,
                     (int)(g->cjk_end - g->cjk_start), t->text + g->cjk_start,
                     ndx__gloss_script_code(g->script));
    if (w > 0 && (size_t)w < sizeof t->s - t->n)
        t->n += (size_t)w;
    return 0;
}

static const char *glosses(struct gl *t, const char *text)
{
    memset(t, 0, sizeof *t);
    t->text = text;
    if (ndx__glosses(text, strlen(text), gcollect, t))
        return "(error)";
    return t->s;
}

TEST(gloss_latin_then_cjk)
{
    struct gl t;
    /* the seed page: titles before the name are not part of it */
    CHECK_STR(glosses(&t, "meeting with Xinjiang Party Secretary Chen Quanguo (陳全國) to discuss"),
              "Chen Quanguo=陳全國/Hani");
    CHECK_STR(glosses(&t, "Foreign Minister Wang Yi (王毅) said. Premier Li Keqiang (李克強) met."),
              "Wang Yi=王毅/Hani; Li Keqiang=李克強/Hani");
    /* Japanese names: readings do not count characters, the two words are the name */
    CHECK_STR(glosses(&t, "Prime Minister Shinzo Abe (安倍晋三) and Fumio Kishida (岸田文雄)"),
              "Shinzo Abe=安倍晋三/Hani; Fumio Kishida=岸田文雄/Hani");
    CHECK_STR(glosses(&t, "President Donald Trump (ドナルド・トランプ) visited"),
              "Donald Trump=ドナルド・トランプ/Jpan");
    /* Korean: a romanised part per syllable */
    CHECK_STR(glosses(&t, "President Moon Jae-in (문재인) and leader Kim Jong Un (김정은)"),
              "Moon Jae-in=문재인/Hang; Kim Jong Un=김정은/Hang");
    /* Hong Kong names, full-width parentheses */
    CHECK_STR(glosses(&t, "Chief Executive John Lee Ka-chiu（李家超）spoke"),
              "Lee Ka-chiu=李家超/Hani");
    CHECK_STR(glosses(&t, "Tsai Ing-wen (蔡英文)"), "Tsai Ing-wen=蔡英文/Hani");
}

TEST(gloss_cjk_then_latin)
{
    struct gl t;
    /* Chinese writes no spaces: the run is trimmed to the Latin's syllables */
    CHECK_STR(glosses(&t, "新疆党委书记陈全国（Chen Quanguo）表示"), "Chen Quanguo=陈全国/Hani");
    CHECK_STR(glosses(&t, "外交部长王毅 (Wang Yi) 说"), "Wang Yi=王毅/Hani");
    CHECK_STR(glosses(&t, "首相の安倍晋三（Shinzo Abe）は"), "Shinzo Abe=安倍晋三/Hani");
    CHECK_STR(glosses(&t, "大統領のドナルド・トランプ（Donald Trump）氏"),
              "Donald Trump=ドナルド・トランプ/Jpan");
    CHECK_STR(glosses(&t, "문재인(Moon Jae-in) 대통령"), "Moon Jae-in=문재인/Hang");
}

TEST(gloss_not_glosses)
{
    struct gl t;
    CHECK_STR(glosses(&t, "the party (共产党) said"), "");                /* no capitalised name */
    CHECK_STR(glosses(&t, "Chen Quanguo (陳全國, the party chief)"), ""); /* more than a name */
    CHECK_STR(glosses(&t, "Chen Quanguo (a) and (陳) and (Chen)"), "");
    CHECK_STR(glosses(&t, "Chen Quanguo (陳全國"), ""); /* never closed */
    CHECK_STR(glosses(&t, "Chen (陳全國 (x))"), "");    /* nested */
    CHECK_STR(glosses(&t, "the (Reuters) report"), "");
    CHECK_STR(glosses(&t, "Moon Jae (문재인)"), ""); /* two parts, three syllables */
    CHECK_STR(glosses(&t, "Chen Quan\xff (陳全國)"), "");
    CHECK_STR(glosses(&t, "(陳全國)"), "");
    CHECK_STR(glosses(&t, ""), "");
}

TEST(gloss_hostile_text_is_bounded)
{
    /* 10,000 parentheses, a "name" of 10,000 capitalised words, and many real glosses */
    size_t n = 400000;
    char *s = malloc(n + 64);
    size_t k = 0;
    for (int i = 0; i < 10000; i++)
        s[k++] = '(';
    for (int i = 0; i < 10000; i++)
        k += (size_t)snprintf(s + k, 8, "Abc ");
    k += (size_t)snprintf(s + k, 32, "Chen Quanguo (陳全國) ");
    for (int i = 0; i < 10000 && k + 40 < n; i++)
        k += (size_t)snprintf(s + k, 40, "Wang Yi (王毅) ");
    s[k] = 0;
    struct gl t;
    memset(&t, 0, sizeof t);
    t.text = s;
    CHECK_EQ(ndx__glosses(s, k, gcollect, &t), NDX_OK);
    CHECK_EQ(t.count, NDX_GLOSS_MAX);
    CHECK(strncmp(t.s, "Abc Chen Quanguo=陳全國/Hani", 10) != 0);
    CHECK(strncmp(t.s, "Chen Quanguo=陳全國/Hani; Wang Yi=王毅/Hani", 40) == 0);
    free(s);
}
