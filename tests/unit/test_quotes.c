/* test_quotes.c - quotations and their speakers (names/quotes.c): cues after and before,
 * "said X", roles and pronouns, quotations continued over paragraphs, hostile input. */
#include "harness.h"
#include "names/names.h"

#include <stdlib.h>

struct got {
    char s[8192];
};

/* "[quote] speaker (name)" per quotation, " | " between; "-" for no speaker or no name. */
static const char *quotes(struct got *g, const char *text)
{
    ndx_quote *q = NULL;
    size_t n = 0;
    g->s[0] = 0;
    if (ndx_quotes(text, strlen(text), &q, &n) != NDX_OK)
        return "(error)";
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = (int)(q[i].speaker_end - q[i].speaker_start);
        int nm = (int)(q[i].name_end - q[i].name_start);
        int w = snprintf(g->s + m, sizeof g->s - m, "%s[%.*s] %.*s (%.*s)", m ? " | " : "",
                         (int)(q[i].end - q[i].start), text + q[i].start, sp ? sp : 1,
                         sp ? text + q[i].speaker_start : "-", nm ? nm : 1,
                         nm ? text + q[i].name_start : "-");
        if (w < 0 || (size_t)w >= sizeof g->s - m)
            break;
        m += (size_t)w;
    }
    ndx_free(q);
    return g->s;
}

TEST(quotes_cue_after)
{
    struct got g;
    CHECK_STR(quotes(&g, "China will invite envoys, the Lestovian Ministry of Trade said.\n"
                         "\xe2\x80\x9cWe are ready to talk,\xe2\x80\x9d the ministry said in a "
                         "statement.\n\xe2\x80\x9cSeeing is believing,\xe2\x80\x9d the statement "
                         "said."),
              "[We are ready to talk,] the ministry (Lestovian Ministry of Trade) | "
              "[Seeing is believing,] the statement (Lestovian Ministry of Trade)");
    CHECK_STR(quotes(&g, "The activist Dana Orr was freed. \"Let me rest,\" said Orr, who led a "
                         "group."),
              "[Let me rest,] Orr (Dana Orr)");
    CHECK_STR(quotes(&g, "\xe2\x80\x9cThere is no point,\xe2\x80\x9d one diplomat said."),
              "[There is no point,] one diplomat (-)");
    /* an apposition between the speaker and the verb: an age, a role */
    CHECK_STR(quotes(&g, "Reformist lawyer Ana Dravik has won. \xe2\x80\x9cTonight we chose to "
                         "open the windows,\xe2\x80\x9d Dravik, 46, told a crowd of thousands."),
              "[Tonight we chose to open the windows,] Dravik (Ana Dravik)");
    CHECK_STR(quotes(&g, "\"We will appeal,\" Jimmy Sham, a spokesman for the group, said on "
                         "Monday."),
              "[We will appeal,] Jimmy Sham (Jimmy Sham)");
    CHECK_STR(quotes(&g, "\"I'm outraged,\" the play's organiser in Uganda, Sarah Mukasa, told "
                         "the BBC."),
              "[I'm outraged,] Sarah Mukasa (Sarah Mukasa)");
    /* a comma before the verb that closes no apposition gives no speaker */
    CHECK_STR(quotes(&g, "\"We will appeal,\" in short, said."), "[We will appeal,] - (-)");
}

TEST(quotes_cue_before_and_pronouns)
{
    struct got g;
    CHECK_STR(quotes(&g, "Deputy Minister Ana Dravik spoke first. She said: \"We won.\""),
              "[We won.] She (Ana Dravik)");
    CHECK_STR(quotes(&g, "The Varnograd Rail Company runs trains. It called the crash \"a "
                         "serious accident\"."),
              "[a serious accident] It (Varnograd Rail Company)");
    /* a quotation that opens a sentence with no cue continues the speaker before it */
    CHECK_STR(quotes(&g, "\"I am quite confident,\" said Mira Lenk. \"But I take each race as it "
                         "comes.\""),
              "[I am quite confident,] Mira Lenk (Mira Lenk) | "
              "[But I take each race as it comes.] Mira Lenk (Mira Lenk)");
    /* "quoted X as saying": X spoke */
    CHECK_STR(quotes(&g, "Envoys met Foreign Minister Ora Venn. The country is a \xe2\x80\x9c"
                         "big country,\xe2\x80\x9d the diplomat quoted Venn as saying."),
              "[big country,] Venn (Ora Venn)");
}

TEST(quotes_continued_over_paragraphs)
{
    struct got g;
    /* the first paragraph leaves the quotation open, the next reopens it */
    CHECK_STR(quotes(&g, "Mayor Tomas Bek said: \"We tried hard.\n\"We failed, though.\"\n"
                         "Nothing more was said."),
              "[We tried hard.\n\"We failed, though.] Tomas Bek (Tomas Bek)");
    /* the same with the paragraph break lost ("... hard. "We ...") */
    CHECK_STR(quotes(&g, "Mayor Tomas Bek said: \"We tried hard. \"We failed, though.\" Then he "
                         "left."),
              "[We tried hard. \"We failed, though.] Tomas Bek (Tomas Bek)");
    /* an unclosed quotation ends with its paragraph */
    CHECK_STR(quotes(&g, "\"Climate change and\nThe end."), "[Climate change and] - (-)");
    /* paragraphs with no mark are skipped, but a blank line between keeps a quotation open, and
     * a mark after a paragraph without one opens a new quotation */
    CHECK_STR(quotes(&g, "Ora Venn said: \"We stay.\n \t\n\"We build,\" she added.\nNo more.\n"
                         "\"Later,\" Venn said."),
              "[We stay.\n \t\n\"We build,] she (Ora Venn) | [Later,] Venn (Ora Venn)");
}

TEST(quotes_hostile_input)
{
    size_t n = 300000;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = "\" said he \xe2\x80\x9c\xe2\x80\x9d\n\xff X said: \""[i % 25];
    ndx_quote *q = NULL;
    size_t k = 0;
    CHECK_EQ(ndx_quotes(s, n, &q, &k), NDX_OK);
    for (size_t i = 0; i < k; i++) {
        CHECK(q[i].start < q[i].end && q[i].end <= n);
        CHECK(q[i].speaker_start <= q[i].speaker_end && q[i].speaker_end <= n);
        CHECK(q[i].name_start <= q[i].name_end && q[i].name_end <= n);
    }
    ndx_free(q);
    for (size_t i = 0; i < n; i++)
        s[i] = '"';
    CHECK_EQ(ndx_quotes(s, n, &q, &k), NDX_OK);
    ndx_free(q);
    CHECK_EQ(ndx_quotes(NULL, 0, &q, &k), NDX_OK);
    CHECK_EQ(k, 0);
    free(s);
}
