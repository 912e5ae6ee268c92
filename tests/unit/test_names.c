/* test_names.c - the entity rules (names/entities.c): titles, heads, gazetteers, the sentence
 * start, surnames joined to full names, and hostile input bounded in time and memory. */
#include "harness.h"
#include "names/names.h"

#include <stdlib.h>

struct got {
    char s[8192];
    const char *text;
};

/* "TYPE:text" per entity, " | " between; a mention standing for a fuller one adds "=full". */
static const char *ents(struct got *g, const char *text)
{
    ndx_entity *e = NULL;
    size_t n = 0;
    g->s[0] = 0;
    g->text = text;
    if (ndx_entities(text, strlen(text), &e, &n) != NDX_OK)
        return "(error)";
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int w;
        if (e[i].name_start != e[i].start || e[i].name_end != e[i].end)
            w = snprintf(g->s + m, sizeof g->s - m, "%s%s:%.*s=%.*s", m ? " | " : "",
                         ndx_entity_type_name(e[i].type), (int)(e[i].end - e[i].start),
                         text + e[i].start, (int)(e[i].name_end - e[i].name_start),
                         text + e[i].name_start);
        else
            w = snprintf(g->s + m, sizeof g->s - m, "%s%s:%.*s", m ? " | " : "",
                         ndx_entity_type_name(e[i].type), (int)(e[i].end - e[i].start),
                         text + e[i].start);
        if (w < 0 || (size_t)w >= sizeof g->s - m)
            break;
        m += (size_t)w;
    }
    ndx_free(e);
    return g->s;
}

TEST(entities_title_splits_and_surname_joins)
{
    struct got g;
    CHECK_STR(ents(&g, "Diplomats sought a meeting with Xinjiang Party Secretary Chen Quanguo "
                       "last year.\nIt was not clear if a meeting with Chen would be held."),
              "LOC:Xinjiang | PER:Chen Quanguo | PER:Chen=Chen Quanguo");
    /* the portfolio after a title is no part of the name; a nationality before it is dropped */
    CHECK_STR(ents(&g, "Ministers met Chinese Minister of Foreign Affairs Wang Yi at a lunch. "
                       "While Wang was keen to talk, nobody listened to Wang’s reply."),
              "PER:Wang Yi | PER:Wang=Wang Yi | PER:Wang=Wang Yi");
    CHECK_STR(ents(&g, "The winner would succeed Polish President Andrzej Duda next year."),
              "PER:Andrzej Duda");
}

TEST(entities_organisations_by_head_words)
{
    struct got g;
    CHECK_STR(ents(&g, "An official of the Munitions Industry Department of the Party Central "
                       "Committee was detained, the Korean Central News Agency (KCNA) reported."),
              "ORG:Munitions Industry Department of the Party Central Committee | "
              "ORG:Korean Central News Agency | ORG:KCNA");
    CHECK_STR(ents(&g, "China is to invite envoys, the Chinese Ministry of Foreign Affairs said."),
              "LOC:China | ORG:Ministry of Foreign Affairs");
    CHECK_STR(ents(&g, "Last week, the US Department of State said so."),
              "ORG:US Department of State");
    CHECK_STR(ents(&g, "She sold shares in Acme Widgets Inc. and joined Lestovia University."),
              "ORG:Acme Widgets Inc. | ORG:Lestovia University");
}

TEST(entities_people_by_cues)
{
    struct got g;
    /* a role noun before, an apposition after, a reporting verb after */
    CHECK_STR(ents(&g, "Among those freed was the activist Jimmy Sham, who led a group. "
                       "\"Let me rest,\" Sham said."),
              "PER:Jimmy Sham | PER:Sham=Jimmy Sham");
    CHECK_STR(ents(&g, "Ri Hyong-son, vice department director, was summoned."),
              "PER:Ri Hyong-son");
    CHECK_STR(ents(&g, "North Korean leader Kim Jong-un called it a criminal act."),
              "PER:Kim Jong-un");
    CHECK_STR(ents(&g, "The adviser Ali Neumann said it must be investigated."), "PER:Ali Neumann");
}

TEST(entities_places_and_sentence_starts)
{
    struct got g;
    /* sentence-initial function and common words are not names; countries still are */
    CHECK_STR(ents(&g, "Several diplomatic sources said so. Poland is set to vote. "
                       "Last year was calm."),
              "LOC:Poland");
    CHECK_STR(ents(&g, "A cloud of ice hurtled into the hamlet of Blatten on Wednesday."),
              "LOC:Blatten");
    CHECK_STR(ents(&g, "VARNOGRAD (Global Wire) - The vote was close."), "LOC:VARNOGRAD");
    /* a nationality adjective is no entity, nor a place before "-based" */
    CHECK_STR(ents(&g, "The Beijing-based European diplomats met Swiss officials."), "");
    CHECK_STR(ents(&g, "Talks near Mount Kelvar collapsed in March."), "LOC:Mount Kelvar");
}

TEST(entities_teams_units_and_nicknames)
{
    struct got g;
    /* a place and a plural name is a team, and its last word stands for it later */
    CHECK_STR(ents(&g, "He played for the Boston Bruins and the Toronto Blue Jays. "
                       "The Bruins won."),
              "ORG:Boston Bruins | ORG:Toronto Blue Jays | ORG:Bruins");
    /* two names on either side of "for the": the second a team with "St." as "Saint" */
    CHECK_STR(ents(&g, "He left the National Hockey League for the St. Louis Eagles in 1935."),
              "ORG:National Hockey League | ORG:St. Louis Eagles");
    /* what comes after "played for", "signed with", "beat" is a team or a company; a town
     * is a place again where nothing says otherwise */
    CHECK_STR(ents(&g, "He played for Brindlewick before they beat Geelong in the final. "
                       "Later Mr Tam moved to Geelong."),
              "ORG:Brindlewick | ORG:Geelong | PER:Tam | LOC:Geelong");
    CHECK_STR(ents(&g, "In 1998 the band signed with Harrowgate and toured with The Quiet "
                       "Lanterns."),
              "ORG:Harrowgate | ORG:The Quiet Lanterns");
    /* "is a village", "are a band" opening a sentence, and "the record label X", "the band X",
     * say what a name is; a later mention takes that type */
    CHECK_STR(ents(&g, "Tarnvale are an English punk band from Leeds. They signed to the record "
                       "label Moth Harbour and toured with the band Grey Ossory. Kelbrook is a "
                       "small village in Lancashire. In 2004 Kelbrook won."),
              "ORG:Tarnvale | LOC:Leeds | ORG:Moth Harbour | ORG:Grey Ossory | LOC:Kelbrook | "
              "LOC:Lancashire | LOC:Kelbrook");
    /* founded, formed or acquired: an organisation, also where its founder's name is its name */
    CHECK_STR(ents(&g, "The firm of Luiz Tarvani sold bicycles. Tarvani was founded in 1898."),
              "PER:Luiz Tarvani | ORG:Tarvani");
    /* a person, not a team: the plural is a surname */
    CHECK_STR(ents(&g, "Gary Jones said it was over."), "PER:Gary Jones");
    /* a number before a unit; an organisation head inside a name; a title before a head */
    CHECK_STR(ents(&g, "The wing joined the 65 Air Division when Major League Baseball began."),
              "ORG:65 Air Division | ORG:Major League Baseball");
    CHECK_STR(ents(&g, "He was inducted into the Baseball Hall of Fame with Hall of Famer Bill "
                       "McKechnie, and stayed at the Mark Hopkins Hotel."),
              "ORG:Baseball Hall of Fame | PER:Bill McKechnie | ORG:Mark Hopkins Hotel");
    /* a nickname between the names; a surname that is also a town is the person */
    CHECK_STR(ents(&g, "William Mailes \"Cowboy\" Cowley was a pitcher. Cowley retired."),
              "PER:William Mailes \"Cowboy\" Cowley | "
              "PER:Cowley=William Mailes \"Cowboy\" Cowley");
}

TEST(entities_initials_directions_and_abbreviations)
{
    struct got g;
    /* a middle initial or leading initials make a person, even when the given name is a town */
    CHECK_STR(ents(&g, "Frederick H. Baker took command, and later C. R. Mason."),
              "PER:Frederick H. Baker | PER:C. R. Mason");
    /* a compass direction before an unknown name is a place, not a person */
    CHECK_STR(ents(&g, "Farmers moved from Brenlow to South Varnholm and West Tessby."),
              "LOC:South Varnholm | LOC:West Tessby");
    /* "in" before an unknown name that nothing else types */
    CHECK_STR(ents(&g, "The mill stood in Tarrowby until it burned."), "LOC:Tarrowby");
    /* a call sign; a club's or company's abbreviation after its name; organisation words */
    CHECK_STR(ents(&g, "Listeners tuned to 7XQ as Ravnholt FC beat Kessing HC."),
              "ORG:7XQ | ORG:Ravnholt FC | ORG:Kessing HC");
    CHECK_STR(ents(&g, "Shares of Orvik S.A. rose, and Brenlow Publishing was sold."),
              "ORG:Orvik S.A. | ORG:Brenlow Publishing");
    CHECK_STR(ents(&g, "The team trained at the Varnholm Skating Rink all winter."),
              "LOC:Varnholm Skating Rink");
    /* a title's domain after "of" is no person; a clause after a comma is no apposition */
    CHECK_STR(ents(&g, "The Mayor of Toronto opened it."), "LOC:Toronto");
    CHECK_STR(ents(&g, "She is a singer from Liverpool, signed as a solo artist to a label."),
              "LOC:Liverpool");
    /* "A." is an initial, not the article; two particles; a title word as a surname */
    CHECK_STR(ents(&g, "Guests included Richard A. Tessby and Joaquin de la Varnholm."),
              "PER:Richard A. Tessby | PER:Joaquin de la Varnholm");
    CHECK_STR(ents(&g, "He lost the final to Damian King."), "PER:Damian King");
}

TEST(entities_runs_are_bounded)
{
    struct got g;
    /* a sentence-initial word that ends the text (the rules look one word further) */
    CHECK_STR(ents(&g, "It rained. Zed"), "");
    CHECK_STR(ents(&g, "Zed"), "");
    /* headline case and shouting are not names */
    CHECK_STR(ents(&g, "He wrote Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa here."),
              "");
    CHECK_STR(ents(&g, "BREAKING NEWS TODAY in the city."), "");
}

TEST(entities_gazetteer_loaded)
{
    /* the Debian data packages are installed by scripts/install-deps */
    CHECK(ndx_names_data_status() == NULL);
    CHECK(ndx__lex_name("Hungary", 7) & LN_COUNTRY);
    CHECK(ndx__lex_name("Pyongyang", 9) & LN_CITY);
    CHECK(ndx__lex_name("Xinjiang", 8) & LN_REGION);
    CHECK(ndx__lex_word("several", 7) & LW_COMMON);
}

TEST(entities_missing_data_fails_soft)
{
    setenv("NEWSDEX_ISO_CODES_DIR", "/nonexistent-iso", 1);
    setenv("NEWSDEX_GEONAMES_LIB", "libnonexistent-geonames.so.0", 1);
    const char *st = ndx_names_data_status();
    CHECK(st && strstr(st, "/nonexistent-iso/iso_3166-1.json"));
    CHECK(st && strstr(st, "libnonexistent-geonames.so.0"));
    struct got g;
    /* cues still work */
    CHECK_STR(ents(&g, "The adviser Ali Neumann met officials of the Lestovian Ministry of Trade."),
              "PER:Ali Neumann | ORG:Lestovian Ministry of Trade");
}

static void check_hostile(const char *text, size_t n)
{
    ndx_entity *e = NULL;
    size_t k = 0;
    CHECK_EQ(ndx_entities(text, n, &e, &k), NDX_OK);
    for (size_t i = 0; i < k; i++) {
        CHECK(e[i].start < e[i].end && e[i].end <= n);
        CHECK(e[i].name_start < e[i].name_end && e[i].name_end <= n);
        CHECK(i == 0 || e[i - 1].end <= e[i].start);
    }
    ndx_free(e);
}

TEST(entities_hostile_input)
{
    size_t n = 200000;
    char *s = malloc(n + 1);
    /* ten thousand parentheses and more */
    for (size_t i = 0; i < n; i++)
        s[i] = i % 2 ? '(' : ')';
    check_hostile(s, n);
    /* a "name" of 20,000 capitalised words */
    size_t m = 0;
    while (m + 6 < n) {
        memcpy(s + m, "Chen ", 5);
        m += 5;
    }
    check_hostile(s, m);
    ndx_entity *e = NULL;
    size_t k = 1;
    CHECK_EQ(ndx_entities(s, m, &e, &k), NDX_OK);
    CHECK_EQ(k, 0);
    ndx_free(e);
    /* invalid UTF-8, mixed scripts, NULs and controls */
    for (size_t i = 0; i < n; i++)
        s[i] = (char)("Wang \xff\xfe Yi \xe9\x99\xb3 (\xe5\x85\xa8"
                      "\x00Ab.\n\"'\xe2\x80\x9c"[i % 27]);
    check_hostile(s, n);
    /* the same input gives the same answer */
    ndx_entity *e1 = NULL, *e2 = NULL;
    size_t k1 = 0, k2 = 0;
    const char *t = "Secretary Mike Lesko met Dana Orr in Brussels. Lesko said Orr agreed.";
    CHECK_EQ(ndx_entities(t, strlen(t), &e1, &k1), NDX_OK);
    CHECK_EQ(ndx_entities(t, strlen(t), &e2, &k2), NDX_OK);
    CHECK_EQ(k1, k2);
    for (size_t i = 0; i < k1 && i < k2; i++)
        CHECK(e1[i].type == e2[i].type && e1[i].start == e2[i].start && e1[i].end == e2[i].end &&
              e1[i].name_start == e2[i].name_start && e1[i].name_end == e2[i].name_end);
    ndx_free(e1);
    ndx_free(e2);
    CHECK_EQ(ndx_entities(NULL, 0, &e, &k), NDX_OK);
    CHECK_EQ(k, 0);
    CHECK_EQ(ndx_entities(NULL, 3, &e, &k), NDX_EINVAL);
    free(s);
}

TEST(lexicon_loads_on_first_lookup)
{
    /* a lookup before any entity call (the gloss rules at ingest, check's recount) sees the
     * whole lexicon, so that every process reads the same words the same way */
    CHECK(ndx__lex_word("President", 9) & LW_TITLE);
    CHECK(ndx__lex_name("Hungary", 7) & LN_COUNTRY);
}
