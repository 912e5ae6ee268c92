/*
 * entities.c - people (PER), organisations (ORG) and places (LOC) named in a text, by
 * hand-written rules (why hand-written, and the rules in full: docs/ENTITIES.md).
 *
 * 1. Runs: maximal runs of capitalised words in a paragraph, joined by name particles ("de",
 *    "van", "bin") and, after a head word ("Ministry", "University", "Gulf", "Minister"), by
 *    "of", "for", "on", "of the", "&".  A run of more than NDX_NAME_MAX_WORDS words is not a name.
 * 2. A sentence's first word is dropped when it is a function word or a common lower-case word
 *    (the word list) that is not also a name.
 * 3. A title inside the run splits it: what follows the title (and its portfolio, "of Foreign
 *    Affairs") is a person, what precedes is classified on its own ("Xinjiang Party Secretary
 *    Chen Quanguo" -> LOC Xinjiang, PER Chen Quanguo).
 * 4. Classification, first match wins: organisation head or company suffix last, or a head
 *    followed by "of" -> ORG; a gazetteer place -> LOC; a place head ("River", "Province") or
 *    prefix ("Mount", "Lake") -> LOC; an acronym -> ORG (LOC if a place); a person cue (a role
 *    noun before, ", who" or ", a spokesman" after, a reporting verb before or after, a known given
 *    name first, no common word in a two- to four-word run) -> PER.  Nationality adjectives and
 *    what is left are candidates.
 * 5. Across the text: a candidate written as an earlier or later typed name takes its type, and a
 *    single word that is the surname or given name of a person named in full elsewhere is that
 *    person (linked to the full name).
 *
 * Why one file of about 1,100 lines: every step reads and writes the same run records (struct
 * ent) and the paragraph's tokens with their cached word flags (struct ectx), and the
 * classification, most of the file, is one ordered list of rules.  The search terms taken from a
 * text's names and quotations (ndx__entity_names, at the end) are the part to move out first.
 */
#include "names/names.h"
#include "util/map.h"

#include <stdlib.h>

enum { STRONG = 2, WEAK = 1 };

struct ent {
    size_t s, e, ns, ne;
    int type; /* NDX_ENT_*, 0 = unresolved candidate */
    int strength;
    uint32_t ntok;
    uint64_t key;       /* the span's text */
    uint64_t first_key; /* PER: first and last word */
    uint64_t last_key;
    unsigned cue;   /* candidates: C_* */
    unsigned place; /* LN_* of the span */
};

enum { C_LOCPREP = 1, C_REPORT = 2, C_PROPER = 4, C_ORGCTX = 8 };

struct ectx {
    const char *text;
    size_t n;
    struct ndx_tok *t;
    size_t nt;
    unsigned *wcache; /* per token: LW_ flags | WC_DONE, LN_ flags of the word alone << 20 */
    struct ent *ents;
    size_t nents, cap;
    int rc;
};

static uint64_t key_bytes(const char *s, size_t n)
{
    uint64_t k = ndx__hash64(s, n, 0x656e7431u);
    return k ? k : 1;
}

/* The text of tokens [a, b) joined by single spaces into buf (cap 256); 0 if too long. */
static size_t span_text(const struct ectx *c, size_t a, size_t b, char *buf)
{
    size_t m = 0;
    if (b > c->nt)
        return 0;
    for (size_t i = a; i < b; i++) {
        size_t l = c->t[i].e - c->t[i].s;
        if (m + l + 1 >= 256)
            return 0;
        if (i > a && (c->t[i].f & NTF_SPACE))
            buf[m++] = ' ';
        memcpy(buf + m, c->text + c->t[i].s, l);
        m += l;
    }
    return m;
}

static unsigned nf1(const struct ectx *c, size_t i);

static unsigned nflags(const struct ectx *c, size_t a, size_t b)
{
    if (b == a + 1)
        return nf1(c, a);
    char buf[256];
    size_t m = span_text(c, a, b, buf);
    unsigned f = m ? ndx__lex_name(buf, m) : 0;
    if (!f && m > 4 && (!memcmp(buf, "St. ", 4) || !memcmp(buf, "St ", 3))) {
        /* "St. Louis" as the gazetteer writes it, "Saint Louis" */
        char sb[260];
        size_t skip = buf[2] == '.' ? 4 : 3;
        memcpy(sb, "Saint ", 6);
        memcpy(sb + 6, buf + skip, m - skip);
        f = ndx__lex_name(sb, m - skip + 6) & LN_PLACE;
    }
    return f;
}

static uint64_t span_key(const struct ectx *c, size_t a, size_t b)
{
    char buf[256];
    size_t m = span_text(c, a, b, buf);
    return m ? key_bytes(buf, m) : 0;
}

#define WC_DONE       (1u << 31)
#define WC_NAME_SHIFT 22

static void fill_cache(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    unsigned w = ndx__tok_word(c->text, t) & ((1u << WC_NAME_SHIFT) - 1);
    /* names are looked up for capitalised words only: the rules ask for no other */
    unsigned nf = t->kind == NT_WORD && (t->f & (NTF_CAP | NTF_INITIAL))
                      ? ndx__lex_name(c->text + t->s, t->e - t->s)
                      : 0;
    c->wcache[i] = WC_DONE | w | (nf & 0xff) << WC_NAME_SHIFT;
}

/* LW_ flags of token i (memoised per window). */
static unsigned wf(const struct ectx *c, size_t i)
{
    if (i >= c->nt)
        return 0;
    if (!(c->wcache[i] & WC_DONE))
        fill_cache(c, i);
    return c->wcache[i] & ((1u << WC_NAME_SHIFT) - 1);
}

/* LN_ flags of token i written alone (memoised). */
static unsigned nf1(const struct ectx *c, size_t i)
{
    if (i >= c->nt)
        return 0;
    if (!(c->wcache[i] & WC_DONE))
        fill_cache(c, i);
    return (c->wcache[i] >> WC_NAME_SHIFT) & 0xff;
}

/* "Beijing-based", "China-made": a place or nationality before a hyphen and a lower-case word
 * after it make an adjective, not a name. */
static bool place_adjective(const struct ectx *c, size_t i)
{
    const char *s = c->text + c->t[i].s;
    size_t l = c->t[i].e - c->t[i].s;
    const char *h = memchr(s, '-', l);
    if (!h || h + 1 >= s + l || !(h[1] >= 'a' && h[1] <= 'z'))
        return false;
    return ndx__lex_name(s, (size_t)(h - s)) & (LN_PLACE | LN_DEMONYM);
}

/* "6PR", "3AW": a digit, then capitals only (a radio station's call sign). */
static bool digit_acronym(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    size_t l = t->e - t->s, up = 0;
    if (!(t->f & NTF_DIGIT) || l < 3 || l > 6)
        return false;
    for (size_t k = 0; k < l; k++) {
        char ch = c->text[t->s + k];
        if (ch >= 'A' && ch <= 'Z')
            up++;
        else if (!(ch >= '0' && ch <= '9'))
            return false;
    }
    return up >= 2 && c->text[t->s + l - 1] >= 'A';
}

static bool is_cap(const struct ectx *c, size_t i)
{
    if (i >= c->nt || c->t[i].kind != NT_WORD)
        return false;
    if (c->t[i].f & NTF_DIGIT)
        return digit_acronym(c, i);
    return (c->t[i].f & (NTF_CAP | NTF_INITIAL)) && !place_adjective(c, i);
}

/* "139th", "2nd", "93d", "Sixteenth": an ordinal that may open a unit's name ("57th Air
 * Division", "Eighth Air Force"). */
static bool is_ordinal(const struct ectx *c, size_t i)
{
    if (i < c->nt && (c->t[i].f & NTF_CAP)) {
        if (wf(c, i) & LW_ORDINAL)
            return true;
        const char *s = c->text + c->t[i].s;
        size_t l = c->t[i].e - c->t[i].s;
        const char *h = memchr(s, '-', l); /* "Twenty-fourth" */
        return h && (ndx__lex_word(h + 1, (size_t)(s + l - h - 1)) & LW_ORDINAL);
    }
    if (i >= c->nt || !(c->t[i].f & NTF_DIGIT))
        return false;
    const char *s = c->text + c->t[i].s;
    size_t l = c->t[i].e - c->t[i].s, d = 0;
    while (d < l && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d == 0 || d == l || l - d > 2)
        return false;
    const char *x = s + d;
    return (l - d == 2 && (!memcmp(x, "st", 2) || !memcmp(x, "nd", 2) || !memcmp(x, "rd", 2) ||
                           !memcmp(x, "th", 2))) ||
           (l - d == 1 && *x == 'd');
}

static bool is_lower(const struct ectx *c, size_t i)
{
    return i < c->nt && c->t[i].kind == NT_WORD && (c->t[i].f & NTF_LOWER);
}

static bool is_punct(const struct ectx *c, size_t i, uint32_t cp)
{
    return i < c->nt && c->t[i].kind == NT_PUNCT && c->t[i].cp == cp;
}

static bool tok_is(const struct ectx *c, size_t i, const char *w)
{
    size_t l = strlen(w);
    return i < c->nt && c->t[i].e - c->t[i].s == l && memcmp(c->text + c->t[i].s, w, l) == 0;
}

/* A word of a person's name that may stand for the person later on: not a place, not a word
 * of the common vocabulary unless it is also a name ("Sham" in "Jimmy Sham"), not a title. */
static uint64_t name_part_key(const struct ectx *c, size_t i, bool place_ok)
{
    const struct ndx_tok *t = &c->t[i];
    unsigned nf = ndx__lex_name(c->text + t->s, t->e - t->s), w = wf(c, i);
    if ((nf & (place_ok ? LN_COUNTRY | LN_REGION | LN_DEMONYM : LN_PLACE | LN_DEMONYM)) ||
        (w & (LW_TITLE | LW_STOP | LW_NEVER)) || (t->f & NTF_INITIAL) || t->e - t->s < 2)
        return 0;
    return key_bytes(c->text + t->s, t->e - t->s);
}

static struct ent *emit(struct ectx *c, size_t a, size_t b, int type, int strength)
{
    if (c->rc || a >= b)
        return NULL;
    if (c->nents == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        struct ent *ne = ndx_realloc(c->ents, nc * sizeof *ne);
        if (!ne) {
            c->rc = NDX_ENOMEM;
            return NULL;
        }
        c->ents = ne;
        c->cap = nc;
    }
    struct ent *e = &c->ents[c->nents++];
    memset(e, 0, sizeof *e);
    e->s = c->t[a].s;
    e->e = c->t[b - 1].e;
    e->ns = e->s;
    e->ne = e->e;
    e->type = type;
    e->strength = strength;
    e->ntok = (uint32_t)(b - a);
    e->key = span_key(c, a, b);
    e->place = nflags(c, a, b);
    if (type == NDX_ENT_PER && b - a >= 2) {
        size_t f = a, l = b - 1;
        while (f < l && (c->t[f].f & NTF_INITIAL))
            f++;
        while (l > f && (wf(c, l) & LW_CONN || tok_is(c, l, "Jr.") || tok_is(c, l, "Jr")))
            l--;
        /* the first word stands for the person when it is a known name ("Chen" of "Chen
         * Quanguo") or the name came with a cue; "Bridgton" of "Bridgton Hinkleys" does not */
        if (strength == STRONG ||
            (ndx__lex_name(c->text + c->t[f].s, c->t[f].e - c->t[f].s) & LN_PROPER))
            e->first_key = name_part_key(c, f, false);
        /* a surname that is also a town ("Cowley") stands for the person named with a cue */
        e->last_key = name_part_key(c, l, strength == STRONG);
    }
    return e;
}

/* ---- person cues around a run ---------------------------------------------------------------- */

/* ", who", ", 45,", ", a spokesman", ", vice department director" after the run. */
static bool apposition_after(const struct ectx *c, size_t b)
{
    if (!is_punct(c, b, ','))
        return false;
    size_t i = b + 1;
    if (tok_is(c, i, "who"))
        return true;
    if (i < c->nt && (c->t[i].f & NTF_DIGIT) && is_punct(c, i + 1, ','))
        return true;
    for (size_t k = 0; k < 5 && i + k < c->nt; k++) {
        size_t j = i + k;
        if (!is_lower(c, j) && !(c->t[j].kind == NT_WORD && (c->t[j].f & NTF_CAP)))
            return false;
        unsigned w = wf(c, j);
        if ((w & LW_ROLE) && is_lower(c, j))
            return true;
        /* ", signed as a solo artist": a clause, not a noun phrase naming the person */
        if ((w & LW_REPORT) || ((w & LW_STOP) && !(w & LW_DET)))
            return false;
    }
    return false;
}

/* "spokesman Zhao", "activist Jimmy Sham", "said Jimmy Sham" ("," or a quote before said). */
static int person_cue_before(const struct ectx *c, size_t a)
{
    if (a == 0)
        return 0;
    unsigned w = wf(c, a - 1);
    if (is_lower(c, a - 1) && (w & (LW_ROLE | LW_TITLE)))
        return STRONG;
    if (is_lower(c, a - 1) && (w & LW_REPORT) && a >= 2 && c->t[a - 2].kind == NT_PUNCT &&
        (c->t[a - 2].cp == ',' || ndx__is_close_quote(c->t[a - 2].cp)))
        return STRONG;
    return 0;
}

static bool report_after(const struct ectx *c, size_t b)
{
    return is_lower(c, b) && (wf(c, b) & LW_REPORT);
}

/* ---- classification ---------------------------------------------------------------------------
 */

static bool is_acronym(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    size_t l = t->e - t->s;
    if (t->f & NTF_DIGIT)
        return digit_acronym(c, i);
    if (!(t->f & NTF_ALLCAPS) || l < 2 || l > 8)
        return false;
    unsigned w = wf(c, i);
    if (w & (LW_NEVER | LW_ROLE | LW_TITLE))
        return false;
    /* "ERA", "SWAT": a common word in capitals, not an acronym (unless a known name) */
    return !((w & (LW_COMMON | LW_STOP)) && !(ndx__lex_name(c->text + t->s, l) & LN_PLACE));
}

static bool is_direction(const struct ectx *c, size_t i)
{
    return (c->t[i].f & NTF_CAP) && (wf(c, i) & LW_DIRECTION);
}

static bool strpbrk_n(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] && strchr(set, s[i]))
            return true;
    return false;
}

/* Drop leading nationality adjectives when an organisation head or portfolio word follows
 * ("Chinese Ministry of ...", "Chinese Foreign Ministry"). */
static size_t drop_demonyms(const struct ectx *c, size_t a, size_t b)
{
    while (a + 1 < b && (nflags(c, a, a + 1) & LN_DEMONYM) &&
           ((wf(c, a + 1) & (LW_PORTFOLIO | LW_TITLEMOD)) || tok_is(c, a + 1, "Ministry") ||
            tok_is(c, a + 1, "Government") || tok_is(c, a + 1, "Embassy")))
        a++;
    return a;
}

/* A plural last word ("Bruins", "Jays") that is no head, place or common word. */
static bool plural_name(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    size_t l = t->e - t->s;
    const char *w = c->text + t->s;
    return l >= 4 && w[l - 1] == 's' && w[l - 2] != 's' && w[l - 2] != '\'' &&
           !(wf(c, i) & (LW_ORGHEAD | LW_LOCHEAD | LW_MISCHEAD | LW_STOP | LW_TITLE)) &&
           !(nf1(c, i) & (LN_PLACE | LN_PROPER)); /* "Gary Jones" is a person */
}

/* "Boston Bruins", "Toronto Blue Jays": a place (1-3 words) and a name of 1-2 capitalised
 * words ending in a plural. */
static bool team_name(const struct ectx *c, size_t a, size_t b)
{
    if (b - a < 2 || b - a > 6 || !plural_name(c, b - 1))
        return false;
    for (size_t k = b - 1; k + 3 >= b && k > a; k--) {
        if (k - a > 3 || !is_cap(c, k) || (wf(c, k) & LW_STOP))
            return false;
        /* a one-word place that is also a common word ("Forest Mills") or a direction
         * ("North Shields") is more likely part of a place's name */
        if (k == a + 1 && (wf(c, a) & (LW_COMMON | LW_DIRECTION)))
            continue;
        if (nflags(c, a, k) & LN_PLACE)
            return true;
    }
    return false;
}

/* "FC", "Ltd", "S.A.", "A.F.C.": a club's or company's abbreviation that ends its name. */
static bool org_abbr(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    char b[8];
    size_t m = 0;
    for (size_t k = t->s; k < t->e; k++) {
        if (c->text[k] == '.')
            continue;
        if (m == sizeof b)
            return false;
        b[m++] = c->text[k];
    }
    if (m < 2)
        return false;
    unsigned w = ndx__lex_cue(b, m);
    if (w & LW_ORGSUFFIX)
        return true;
    static const char *const clubs[] = {"FC", "AFC", "CF", "HC", "SC", "AC"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(clubs); k++)
        if (m == strlen(clubs[k]) && !memcmp(b, clubs[k], m))
            return true;
    return false;
}

/* "played for X", "signed with X", "joined X", "against X", "released by X": a verb or
 * preposition before a name that says a team, a band's label or a company comes next. */
static bool org_context(const struct ectx *c, size_t a)
{
    if (a == 0 || !is_lower(c, a - 1))
        return false;
    static const char *const direct[] = {"joined",  "joining", "against", "defeated", "beat",
                                         "beating", "vs",      "vs.",     "versus"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(direct); k++)
        if (tok_is(c, a - 1, direct[k]))
            return true;
    if (a < 2 || !is_lower(c, a - 2))
        return false;
    static const char *const pairs[][2] = {
        {"played", "for"},  {"playing", "for"},   {"plays", "for"},      {"play", "for"},
        {"signed", "for"},  {"signed", "with"},   {"signing", "with"},   {"signs", "with"},
        {"released", "by"}, {"released", "on"},   {"owned", "by"},       {"acquired", "by"},
        {"bought", "by"},   {"contract", "with"}, {"deal", "with"},      {"drafted", "by"},
        {"traded", "to"},   {"loan", "to"},       {"transferred", "to"},
    };
    for (size_t k = 0; k < NDX_ARRAY_LEN(pairs); k++)
        if (tok_is(c, a - 1, pairs[k][1]) && tok_is(c, a - 2, pairs[k][0]))
            return true;
    return false;
}

/* A common noun that says what kind of organisation a name is: "the band X", "record label X",
 * "X is a company". */
static bool org_noun(const struct ectx *c, size_t i)
{
    static const char *const nouns[] = {
        "band",        "label",     "group",        "journal",      "magazine",     "newspaper",
        "company",     "firm",      "club",         "team",         "network",      "channel",
        "broadcaster", "party",     "retailer",     "airline",      "carrier",      "manufacturer",
        "maker",       "publisher", "charity",      "organization", "organisation", "outfit",
        "franchise",   "brand",     "conglomerate", "corporation",  "startup",      "supermarket",
        "chain",       "duo",       "trio",         "quartet",      "quintet",      "orchestra",
        "newspapers",  "bands",     "companies",    "clubs",        "teams",        "labels",
    };
    if (!is_lower(c, i))
        return false;
    for (size_t k = 0; k < NDX_ARRAY_LEN(nouns); k++)
        if (tok_is(c, i, nouns[k]))
            return true;
    return false;
}

/* "the band Van Canto", "record label, Soleilmoon Recordings", "bands like New Order". */
static bool org_noun_before(const struct ectx *c, size_t a)
{
    if (a >= 1 && org_noun(c, a - 1))
        return true;
    if (a >= 2 && (is_punct(c, a - 1, ',') || tok_is(c, a - 1, "like") || tok_is(c, a - 1, "as")) &&
        org_noun(c, a - 2))
        return true;
    return false;
}

/* "Crazyhead are an English punk band", "Bilje is a village": what the name is, said by "is a"
 * and a noun within five words: NDX_ENT_ORG, NDX_ENT_LOC or 0 ("X is a singer" is left to the
 * person rules). */
static int definition_after(const struct ectx *c, size_t b)
{
    size_t i = b;
    if (is_punct(c, i, '(')) { /* "Ervenik ( Serbian Cyrillic : ... ) is a village" */
        size_t k = i + 1;
        while (k < c->nt && k < i + 12 && !is_punct(c, k, ')'))
            k++;
        if (!is_punct(c, k, ')'))
            return 0;
        i = k + 1;
    }
    if (!(tok_is(c, i, "is") || tok_is(c, i, "are") || tok_is(c, i, "was") || tok_is(c, i, "were")))
        return 0;
    i++;
    if (!(tok_is(c, i, "a") || tok_is(c, i, "an") || tok_is(c, i, "the")))
        return 0;
    for (size_t k = i + 1; k < c->nt && k <= i + 5; k++) {
        if (c->t[k].kind == NT_PUNCT && c->t[k].cp != '-')
            return 0;
        if (c->t[k].kind != NT_WORD)
            return 0;
        if (!is_lower(c, k))
            continue; /* "an English punk band" */
        unsigned w = wf(c, k);
        if (org_noun(c, k))
            return NDX_ENT_ORG;
        if (w & LW_PLACENOUN || tok_is(c, k, "commune") || tok_is(c, k, "parish"))
            return NDX_ENT_LOC;
        if (w & (LW_STOP | LW_REPORT | LW_ROLE))
            return 0;
    }
    return 0;
}

static void classify(struct ectx *c, size_t a, size_t b, int per_cue)
{
    while (a < b && !is_cap(c, a))
        a++;
    while (b > a && !is_cap(c, b - 1))
        b--;
    if (a >= b)
        return;
    size_t ntok = b - a;
    unsigned nf = nflags(c, a, b);
    unsigned wl = wf(c, b - 1), wfirst = wf(c, a);

    /* 1. organisations by their head word */
    if (ntok >= 2 && ((wl & (LW_ORGHEAD | LW_ORGSUFFIX)) || org_abbr(c, b - 1)) &&
        !(nf & LN_PLACE)) {
        emit(c, drop_demonyms(c, a, b), b, NDX_ENT_ORG, STRONG);
        return;
    }
    for (size_t k = a; k + 1 < b; k++) {
        unsigned w = wf(c, k);
        bool of = is_lower(c, k + 1) && (wf(c, k + 1) & LW_OFCONN);
        if (!of || !is_cap(c, k))
            continue;
        if (w & LW_ORGHEAD) {
            emit(c, drop_demonyms(c, a, b), b, NDX_ENT_ORG, STRONG);
            return;
        }
        if (w & (LW_LOCPRE | LW_PLACENOUN | LW_LOCHEAD)) {
            emit(c, a, b, NDX_ENT_LOC, STRONG);
            return;
        }
    }
    if (ntok >= 2 && (wl & LW_MISCHEAD) && !(nf & LN_PLACE))
        return; /* "Nobel Prize", "Appomattox Campaign": events, works, prizes */
    bool heads = false;
    for (size_t i = a; i < b; i++)
        if (wf(c, i) & (LW_ORGHEAD | LW_LOCHEAD | LW_MISCHEAD))
            heads = true;
    /* 2. a person by a strong cue */
    if (per_cue == STRONG && !(nf & LN_COUNTRY) && !(heads && ntok >= 2)) {
        emit(c, a, b, NDX_ENT_PER, STRONG);
        return;
    }
    if (ntok == 1 && (nf & LN_DEMONYM))
        return;
    /* "Boston Bruins", "Tampa Bay Devil Rays": a place and a plural name, a team */
    if (team_name(c, a, b)) {
        struct ent *e = emit(c, a, b, NDX_ENT_ORG, STRONG);
        if (e)
            e->last_key = key_bytes(c->text + c->t[b - 1].s, c->t[b - 1].e - c->t[b - 1].s);
        return;
    }
    bool orgctx = per_cue != STRONG && org_context(c, a);
    /* "the band Van Canto", "record label, Soleilmoon Recordings" */
    if (per_cue != STRONG && !(nf & (LN_COUNTRY | LN_REGION)) && org_noun_before(c, a)) {
        emit(c, a, b, NDX_ENT_ORG, STRONG);
        return;
    }
    /* "Caloi was founded in 1898", "the band was formed": what is founded and is no place */
    if (!(nf & LN_PLACE) && per_cue != STRONG && (tok_is(c, b, "was") || tok_is(c, b, "were")) &&
        (tok_is(c, b + 1, "founded") || tok_is(c, b + 1, "formed") ||
         tok_is(c, b + 1, "incorporated") || tok_is(c, b + 1, "disbanded") ||
         tok_is(c, b + 1, "acquired") || tok_is(c, b + 1, "listed"))) {
        emit(c, a, b, NDX_ENT_ORG, STRONG);
        return;
    }
    /* "Crazyhead are an English punk band", "Bilje is a village", opening a sentence */
    int def = per_cue != STRONG && !(nf & LN_COUNTRY) && (c->t[a].f & (NTF_START | NTF_PARA))
                  ? definition_after(c, b)
                  : 0;
    if (def) {
        emit(c, a, b, def, STRONG);
        return;
    }
    /* "played for Footscray", "against Coburg": a town's team */
    if (orgctx && (nf & LN_CITY) && !(nf & (LN_COUNTRY | LN_REGION))) {
        emit(c, a, b, NDX_ENT_ORG, WEAK);
        return;
    }
    /* 3. places (a city that is also a common word needs "in" or "near" before it) */
    if ((nf & LN_PLACE) && ntok == 1 && !(nf & LN_COUNTRY) && (wfirst & LW_COMMON) &&
        !(a > 0 && is_lower(c, a - 1) && (wf(c, a - 1) & LW_LOCPREP)))
        nf &= ~(unsigned)LN_PLACE;
    if (nf & LN_PLACE) {
        emit(c, a, b, NDX_ENT_LOC, (nf & (LN_COUNTRY | LN_REGION)) ? STRONG : WEAK);
        return;
    }
    if (ntok >= 2 && is_direction(c, a) &&
        ((nflags(c, a + 1, b) & LN_PLACE) ||
         (per_cue != STRONG && !tok_is(c, a, "New") && !tok_is(c, a, "Old") &&
          !(nflags(c, a + 1, b) & LN_DEMONYM) && !(nflags(c, a, b) & LN_DEMONYM)))) {
        emit(c, a, b, NDX_ENT_LOC, STRONG);
        return;
    }
    if (ntok >= 2 && ((wl & LW_LOCHEAD) || (wfirst & LW_LOCPRE))) {
        emit(c, a, b, NDX_ENT_LOC, STRONG);
        return;
    }
    /* 4. acronyms; "the League", "Parliament" */
    if (ntok == 1 && (wfirst & LW_ORGHEAD) && !(c->t[a].f & NTF_START) && !(wfirst & LW_TITLE)) {
        emit(c, a, b, NDX_ENT_ORG, WEAK);
        return;
    }
    if (ntok == 1 && is_acronym(c, a)) {
        emit(c, a, b, NDX_ENT_ORG, WEAK);
        return;
    }
    /* "FC Basel", "TV Azteca": an organisation's abbreviated head before its name */
    if (ntok >= 2 && (wfirst & LW_ORGHEAD) && !(wfirst & LW_TITLE) && (c->t[a].f & NTF_ALLCAPS)) {
        emit(c, a, b, NDX_ENT_ORG, WEAK);
        return;
    }
    /* "Major League Baseball": an organisation head inside a longer name */
    if (ntok >= 3 && !per_cue)
        for (size_t i = a + 1; i + 1 < b; i++)
            if (is_cap(c, i) && (wf(c, i) & LW_ORGHEAD) && !(nflags(c, a, i) & LN_PLACE)) {
                emit(c, a, b, NDX_ENT_ORG, WEAK);
                return;
            }
    /* 5. people */
    unsigned first_nf = nflags(c, a, a + 1);
    if (ntok >= 2 && (first_nf & LN_DEMONYM)) {
        classify(c, a + 1, b, per_cue); /* "Japanese Punk Techno", "Swiss Birch" */
        return;
    }
    bool any_common = false, any_caps = false, not_name = false, initial = false;
    for (size_t i = a; i < b; i++) {
        unsigned w = wf(c, i), nw = nflags(c, i, i + 1);
        if ((c->t[i].f & NTF_INITIAL) && i + 1 < b && !(c->t[i + 1].f & NTF_INITIAL))
            initial = true;
        if ((w & (LW_COMMON | LW_STOP)) && !(nw & LN_PROPER))
            any_common = true;
        if (c->t[i].f & NTF_ALLCAPS)
            any_caps = true;
        if ((w & LW_NEVER) && ntok == 1)
            return;
        /* "A Beautiful Lie", "F-86 Sabre", "North Korean": titles of works, models, adjectives */
        if ((is_cap(c, i) && (w & LW_STOP) && !(c->t[i].f & NTF_INITIAL)) ||
            (c->t[i].f & NTF_DIGIT) || (nw & LN_DEMONYM) ||
            strpbrk_n(c->text + c->t[i].s, c->t[i].e - c->t[i].s, "0123456789"))
            not_name = true;
    }
    if (not_name && per_cue != STRONG)
        goto candidate;
    /* "Frederick H. Collier", "C. H. Douglas": initials and a surname */
    if (ntok >= 2 && !any_caps && initial && !not_name) {
        emit(c, a, b, NDX_ENT_PER, WEAK);
        return;
    }
    if (ntok >= 2 && !any_caps &&
        (per_cue || report_after(c, b) || ((first_nf & LN_PROPER) && !(first_nf & LN_PLACE)) ||
         (!any_common && ntok <= 4))) {
        emit(c, a, b, NDX_ENT_PER, WEAK);
        return;
    }
    if (ntok == 1 && report_after(c, b) && (first_nf & LN_PROPER) && !(first_nf & LN_PLACE) &&
        !(wfirst & LW_COMMON)) {
        emit(c, a, b, NDX_ENT_PER, WEAK);
        return;
    }
    /* 6. a candidate, resolved across the text */
candidate:;
    /* "The Ramones", "The Phantom Horns": a plural name opened by a capitalised "The" inside a
     * sentence is a band or a team (a singular one is as often a work: "The Game") */
    if (ntok >= 2 && tok_is(c, a, "The") && !(c->t[a].f & NTF_START) && is_cap(c, a + 1) &&
        !(wf(c, a + 1) & LW_STOP) && plural_name(c, b - 1)) {
        emit(c, a, b, NDX_ENT_ORG, WEAK);
        return;
    }
    struct ent *e = emit(c, a, b, 0, 0);
    if (e) {
        if (a > 0 && is_lower(c, a - 1) && (wf(c, a - 1) & LW_LOCPREP))
            e->cue |= C_LOCPREP;
        if (report_after(c, b))
            e->cue |= C_REPORT;
        if (first_nf & LN_PROPER)
            e->cue |= C_PROPER;
        if (orgctx)
            e->cue |= C_ORGCTX;
    }
}

/* Is the sentence-initial word a at the start of run [a, b) an ordinary word, not a name? */
static bool strip_first(const struct ectx *c, size_t a, size_t b)
{
    if (!(c->t[a].f & NTF_START))
        return false;
    unsigned w = wf(c, a);
    if (w & LW_TITLE)
        return false;
    /* "Lake Victoria", "Circuit Park Zandvoort": a head word opening a longer name */
    if (b - a >= 2 && (w & (LW_LOCPRE | LW_ORGHEAD | LW_LOCHEAD)) && !(w & LW_STOP))
        return false;
    if (w & (LW_STOP | LW_NEVER))
        return true;
    unsigned nf = nflags(c, a, a + 1);
    if ((nf & LN_COUNTRY) || (a + 2 <= b && (nflags(c, a, a + 2) & LN_PLACE)))
        return false;
    return (w & LW_COMMON) && !(nf & (LN_PROPER | LN_DEMONYM));
}

/* 1 to 3 digits alone */
static bool is_number(const struct ectx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    size_t l = t->e - t->s;
    if (l < 1 || l > 3)
        return false;
    for (size_t k = 0; k < l; k++)
        if (c->text[t->s + k] < '0' || c->text[t->s + k] > '9')
            return false;
    return true;
}

/* A military unit's head word. */
static bool is_unit(const struct ectx *c, size_t i)
{
    static const char *const units[] = {"Division", "Wing",    "Command",  "Fleet",
                                        "Squadron", "Brigade", "Regiment", "Battalion",
                                        "Corps",    "Group",   "Army",     "Force"};
    for (size_t k = 0; k < sizeof units / sizeof *units; k++)
        if (tok_is(c, i, units[k]))
            return true;
    return false;
}

static void process_run(struct ectx *c, size_t a, size_t b)
{
    /* "65 Air Division": a number before a unit */
    if (a > 0 && is_number(c, a - 1) && (wf(c, b - 1) & LW_ORGHEAD) && is_unit(c, b - 1) &&
        !(c->t[a].f & NTF_START)) {
        emit(c, a - 1, b, NDX_ENT_ORG, STRONG);
        return;
    }
    if (is_ordinal(c, a)) {
        /* "57th Air Division": a unit; otherwise the ordinal is no part of the name */
        if (wf(c, b - 1) & LW_ORGHEAD) {
            emit(c, a, b, NDX_ENT_ORG, STRONG);
            return;
        }
        a++;
    }
    /* "the hamlet of Blatten", "the city of Homs" */
    if (a >= 2 && tok_is(c, a - 1, "of") && is_lower(c, a - 2) && (wf(c, a - 2) & LW_PLACENOUN) &&
        !(wf(c, b - 1) & (LW_ORGHEAD | LW_ORGSUFFIX)) && !(c->t[a].f & NTF_START)) {
        emit(c, a, b, NDX_ENT_LOC, STRONG);
        return;
    }
    /* a dateline: "VARNOGRAD (Global Wire) -", "BEIJING, March 3" */
    bool all_caps = true;
    for (size_t i = a; i < b; i++)
        if (c->t[i].kind == NT_WORD && !(c->t[i].f & NTF_ALLCAPS))
            all_caps = false;
    if (all_caps && (c->t[a].f & NTF_PARA) && b < c->nt && c->t[b].kind == NT_PUNCT &&
        (c->t[b].cp == '(' || c->t[b].cp == ',' || c->t[b].cp == 0x2014 || c->t[b].cp == 0x2013 ||
         c->t[b].cp == '-')) {
        emit(c, a, b, NDX_ENT_LOC, STRONG);
        return;
    }
    if (all_caps && b - a > 1)
        return; /* shouting, not names */

    /* "Jenny Seaton & Gary Carvolth": two names unless a company ("Procter & Gamble Co") */
    if (!(wf(c, b - 1) & (LW_ORGHEAD | LW_ORGSUFFIX)))
        for (size_t i = a + 1; i + 1 < b; i++)
            if (is_punct(c, i, '&')) {
                size_t caps = 0;
                for (size_t k = a; k < b; k++)
                    caps += is_cap(c, k);
                if (caps >= 4) {
                    process_run(c, a, i);
                    process_run(c, i + 1, b);
                    return;
                }
            }
    unsigned whole = nflags(c, a, b);
    if (!(whole & LN_PLACE) || (b - a == 1 && !(whole & LN_COUNTRY)) || (wf(c, a) & LW_STOP)) {
        while (a < b && strip_first(c, a, b)) {
            a++;
            while (a < b && !is_cap(c, a))
                a++;
            if (a < b)
                c->t[a].f |= NTF_START; /* "While Wang", "The Ministry" stay checked */
            if (a < b && (wf(c, a) & LW_STOP))
                continue;
            break;
        }
    }
    if (a >= b)
        return;

    /* titles split the run */
    unsigned wl = wf(c, b - 1);
    if (!(wl & (LW_ORGHEAD | LW_ORGSUFFIX))) {
        size_t x = b;
        for (size_t i = b; i-- > a;)
            if (is_cap(c, i) && (wf(c, i) & LW_TITLE) &&
                !(i + 1 < b && (wf(c, i + 1) & LW_ORGHEAD) && !(wf(c, i + 1) & LW_TITLE))) {
                x = i;
                break;
            }
        /* "Damian King", "Carole King": a given name and a title word ending the run is a
         * surname, not a title that names nobody */
        if (x == b - 1 && x > a && !(wf(c, x - 1) & (LW_TITLE | LW_TITLEMOD)) &&
            (nf1(c, a) & LN_PROPER) && !(nf1(c, a) & (LN_PLACE | LN_DEMONYM)) && b - a <= 3)
            x = b;
        if (x < b) {
            size_t y = x + 1;
            /* "Mayor of Brampton", "President of the Republic": the title's domain, no person */
            size_t of = y;
            while (of < b && is_lower(c, of) && (wf(c, of) & LW_OFCONN))
                of++;
            bool domain = of > y && tok_is(c, y, "of") && of < b && !(wf(c, of) & LW_PORTFOLIO);
            while (y < b && (wf(c, y) & (LW_PORTFOLIO | LW_TITLEMOD | LW_TITLE | LW_OFCONN)))
                y++;
            while (y < b && !is_cap(c, y))
                y++;
            size_t h = x;
            while (h > a && is_cap(c, h - 1) && (wf(c, h - 1) & (LW_TITLE | LW_TITLEMOD)))
                h--;
            if (h > a)
                classify(c, a, h, 0);
            if (y < b)
                classify(c, y, b, domain && y == of ? 0 : STRONG);
            return;
        }
        /* a run made only of title words ("Prime Minister") names nobody */
    }
    int cue = person_cue_before(c, a);
    if (!cue && apposition_after(c, b))
        cue = STRONG;
    if (!cue && report_after(c, b))
        cue = WEAK;
    classify(c, a, b, cue);
}

static bool of_joins(const struct ectx *c, size_t last_cap, size_t j)
{
    unsigned head = wf(c, last_cap);
    if (tok_is(c, j, "of"))
        return head & (LW_ORGHEAD | LW_LOCHEAD | LW_LOCPRE | LW_TITLE | LW_PLACENOUN);
    if (tok_is(c, j, "for") || tok_is(c, j, "on"))
        return head & LW_ORGHEAD;
    return false;
}

static bool quote_mark(const struct ectx *c, size_t i)
{
    return i < c->nt && c->t[i].kind == NT_PUNCT &&
           (ndx__is_open_quote(c->t[i].cp) || ndx__is_close_quote(c->t[i].cp));
}

/* A person's nickname in quotation marks between the given name and the surname: the end of
 * `William Mailes "Cowboy" Cowley` after the run [a, b), or 0. */
static size_t nickname_end(const struct ectx *c, size_t a, size_t b)
{
    if (b - a > 3 || !quote_mark(c, b) || !is_cap(c, b + 1))
        return 0;
    size_t q = b + 2;
    if (is_cap(c, q))
        q++;
    if (!quote_mark(c, q) || !is_cap(c, q + 1) || (wf(c, q + 1) & (LW_STOP | LW_NEVER)))
        return 0;
    for (size_t i = a; i < b; i++)
        if ((wf(c, i) & (LW_STOP | LW_ORGHEAD | LW_LOCHEAD)) || (nf1(c, i) & LN_PLACE))
            return 0;
    size_t e = q + 2;
    while (e < c->nt && e < q + 4 && is_cap(c, e))
        e++;
    return e;
}

static void scan_window(struct ectx *c)
{
    size_t i = 0;
    while (i < c->nt && !c->rc) {
        /* is_ordinal asks for a capital or a digit first: most tokens are neither */
        bool ord = (c->t[i].f & (NTF_CAP | NTF_DIGIT)) && is_cap(c, i + 1) && is_ordinal(c, i);
        if (!ord && (!is_cap(c, i) || (wf(c, i) & LW_NEVER && !(c->t[i].f & NTF_ALLCAPS)))) {
            i++;
            continue;
        }
        size_t a = i, last = i, j = i + 1, ncap = 1;
        while (j < c->nt) {
            if (is_cap(c, j)) {
                /* "EU" after "Monday" is another name; "Chelsea FC", "Nokia Oyj" are one */
                if (c->t[j].f & NTF_ALLCAPS && !(c->t[last].f & NTF_ALLCAPS) &&
                    !(c->t[j].f & NTF_INITIAL) && !(c->t[last].f & NTF_INITIAL) &&
                    !(org_abbr(c, j) && !is_cap(c, j + 1)))
                    break;
                last = j++;
                ncap++;
                continue;
            }
            if (is_lower(c, j) && (wf(c, j) & LW_CONN) && is_cap(c, j + 1) &&
                !(wf(c, j + 1) & LW_NEVER)) {
                j++;
                continue;
            }
            /* two particles: "Joaquin de la Pezuela", "Rogier van der Weyden" */
            if (is_lower(c, j) && (wf(c, j) & LW_CONN) && is_lower(c, j + 1) &&
                (wf(c, j + 1) & LW_CONN) && is_cap(c, j + 2) && !(wf(c, j + 2) & LW_NEVER)) {
                j += 2;
                continue;
            }
            if (is_lower(c, j) && of_joins(c, last, j)) {
                size_t k = j + 1;
                if (tok_is(c, k, "the"))
                    k++;
                /* "the League for the St. Louis Eagles": two names */
                bool place = !tok_is(c, j, "of") && k + 1 < c->nt &&
                             ((nf1(c, k) & LN_PLACE) || (nflags(c, k, k + 2) & LN_PLACE));
                if (is_cap(c, k) && !(wf(c, k) & LW_NEVER) && !place) {
                    j = k;
                    continue;
                }
            }
            if (is_punct(c, j, '&') && is_cap(c, j + 1)) {
                j++;
                continue;
            }
            break;
        }
        size_t nick = nickname_end(c, a, last + 1);
        if (nick) { /* William Mailes "Cowboy" Cowley */
            emit(c, a, nick, NDX_ENT_PER, STRONG);
            i = nick;
            continue;
        }
        if (ncap <= NDX_NAME_MAX_WORDS)
            process_run(c, a, last + 1);
        i = last + 1;
    }
}

/* ---- across the text ------------------------------------------------------------------------ */

static int resolve(struct ectx *c)
{
    struct ndx_map typed, sur, team;
    ndx__map_init(&typed);
    ndx__map_init(&sur);
    ndx__map_init(&team);
    int rc = ndx__map_reserve(&typed, c->nents);
    if (!rc)
        rc = ndx__map_reserve(&sur, c->nents);
    /* strong names first, so that their type wins for a text written several ways */
    for (int pass = STRONG; pass >= WEAK && !rc; pass--)
        for (size_t i = 0; i < c->nents && !rc; i++) {
            struct ent *e = &c->ents[i];
            if (e->strength != pass || !e->type || !e->key)
                continue;
            if (!ndx__map_get(&typed, e->key))
                rc = ndx__map_put(&typed, e->key, i + 1);
            if (!rc && e->type == NDX_ENT_ORG && e->last_key && !ndx__map_get(&team, e->last_key))
                rc = ndx__map_put(&team, e->last_key, i + 1);
            if (!rc && e->type == NDX_ENT_PER && e->ntok >= 2) {
                if (e->last_key && !ndx__map_get(&sur, e->last_key))
                    rc = ndx__map_put(&sur, e->last_key, i + 1);
                if (!rc && e->first_key && !ndx__map_get(&sur, e->first_key))
                    rc = ndx__map_put(&sur, e->first_key, i + 1);
            }
        }
    for (size_t i = 0; i < c->nents && !rc; i++) {
        struct ent *e = &c->ents[i];
        uint64_t sp = e->ntok == 1 ? ndx__map_get(&sur, e->key) : 0;
        /* "the Bruins" after "Boston Bruins" */
        uint64_t tm = e->ntok == 1 && e->strength != STRONG ? ndx__map_get(&team, e->key) : 0;
        if (tm && !sp && tm - 1 != i && (!e->type || !(e->place & LN_COUNTRY))) {
            e->type = NDX_ENT_ORG;
            continue;
        }
        if (!e->type || (e->type == NDX_ENT_PER && e->ntok == 1) ||
            (e->type == NDX_ENT_LOC && e->ntok == 1 && !(e->place & LN_COUNTRY) && sp)) {
            if (sp && sp - 1 != i) {
                struct ent *full = &c->ents[sp - 1];
                e->type = NDX_ENT_PER;
                e->ns = full->ns;
                e->ne = full->ne;
                continue;
            }
            uint64_t tp = e->type ? 0 : ndx__map_get(&typed, e->key);
            if (tp) {
                /* the same text typed elsewhere; it stands for what that one stands for */
                struct ent *same = &c->ents[tp - 1];
                e->type = same->type;
                continue;
            }
            if (!e->type && (e->cue & C_ORGCTX))
                e->type = NDX_ENT_ORG; /* "signed with Soleilmoon", "joined Interpol" */
            else if (!e->type && e->ntok == 1 && (e->cue & C_LOCPREP) && (e->cue & C_PROPER))
                e->type = NDX_ENT_LOC;
            else if (!e->type && (e->cue & C_LOCPREP))
                e->type = NDX_ENT_LOC; /* "in Bandarlapalle", "near Hazeby Lane" */
        }
    }
    ndx__map_free(&typed);
    ndx__map_free(&sur);
    ndx__map_free(&team);
    return rc;
}

static int cmp_ent(const void *x, const void *y)
{
    const ndx_entity *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->end < b->end ? -1 : a->end > b->end;
}

int ndx_entities(const char *text, size_t n, ndx_entity **out, size_t *count)
{
    if (!out || !count || (!text && n))
        return NDX_EINVAL;
    *out = NULL;
    *count = 0;
    ndx__lex_init();
    struct ectx c = {.text = text, .n = n};
    struct ndx_tokbuf tb = {0};
    size_t pos = 0;
    while (!c.rc && ndx__tokens_next(text, n, &pos, &tb, &c.rc)) {
        c.t = tb.t;
        c.nt = tb.n;
        c.wcache = tb.aux;
        memset(c.wcache, 0, c.nt * sizeof *c.wcache);
        scan_window(&c);
    }
    ndx__tokbuf_free(&tb);
    if (!c.rc)
        c.rc = resolve(&c);
    if (c.rc) {
        ndx_free(c.ents);
        return c.rc;
    }
    size_t k = 0;
    ndx_entity *res = NULL;
    for (size_t i = 0; i < c.nents; i++)
        k += c.ents[i].type != 0;
    if (k) {
        res = ndx_calloc(k, sizeof *res);
        if (!res) {
            ndx_free(c.ents);
            return NDX_ENOMEM;
        }
        k = 0;
        for (size_t i = 0; i < c.nents; i++)
            if (c.ents[i].type) {
                ndx_entity *r = &res[k++];
                r->type = c.ents[i].type;
                r->start = c.ents[i].s;
                r->end = c.ents[i].e;
                r->name_start = c.ents[i].ns;
                r->name_end = c.ents[i].ne;
            }
        qsort(res, k, sizeof *res, cmp_ent);
    }
    ndx_free(c.ents);
    *out = res;
    *count = k;
    return NDX_OK;
}

const char *ndx_entity_type_name(int type)
{
    switch (type) {
    case NDX_ENT_PER:
        return "PER";
    case NDX_ENT_ORG:
        return "ORG";
    case NDX_ENT_LOC:
        return "LOC";
    default:
        return "?";
    }
}

/* cb(kind, s, n) unless that (kind, text) was given before. */
static int name_term_once(struct ndx_map *seen, char kind, const char *s, size_t n,
                          int (*cb)(void *ctx, char kind, const char *s, size_t n), void *ctx)
{
    uint64_t key = ndx__hash64(s, n, (uint64_t)(unsigned char)kind);
    if (!n || !key || ndx__map_get(seen, key))
        return 0;
    int rc = ndx__map_put(seen, key, 1);
    return rc ? rc : cb(ctx, kind, s, n);
}

int ndx__entity_names(const char *body, size_t n,
                      int (*cb)(void *ctx, char kind, const char *s, size_t n), void *ctx)
{
    ndx_entity *e = NULL;
    size_t k = 0;
    int rc = ndx_entities(body, n, &e, &k);
    if (rc)
        return rc;
    struct ndx_map seen;
    ndx__map_init(&seen);
    rc = ndx__map_reserve(&seen, k);
    for (size_t i = 0; i < k && !rc; i++) {
        static const char kinds[] = {0, 'P', 'O', 'G'};
        rc = name_term_once(&seen, kinds[e[i].type], body + e[i].name_start,
                            e[i].name_end - e[i].name_start, cb, ctx);
    }
    /* quotations: their words (quote:) and who said them (speaker:) */
    ndx_quote *q = NULL;
    size_t nq = 0;
    if (!rc)
        rc = ndx__quotes_of(body, n, e, k, &q, &nq);
    for (size_t i = 0; i < nq && !rc; i++) {
        rc = cb(ctx, 'Q', body + q[i].start, q[i].end - q[i].start);
        if (!rc)
            rc = name_term_once(&seen, 'W', body + q[i].speaker_start,
                                q[i].speaker_end - q[i].speaker_start, cb, ctx);
        if (!rc)
            rc = name_term_once(&seen, 'W', body + q[i].name_start, q[i].name_end - q[i].name_start,
                                cb, ctx);
    }
    ndx_free(q);
    ndx__map_free(&seen);
    ndx_free(e);
    return rc;
}
