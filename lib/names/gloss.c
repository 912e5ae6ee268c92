/*
 * gloss.c - names glossed in parentheses, Latin then CJK ("Chen Quanguo (陳全國)") or CJK then
 * Latin ("陈全国（Chen Quanguo）"), for the alias table.  Hand-written rules, since they decide
 * which names the archive learns:
 *
 *  - The parentheses (ASCII or full-width) hold nothing but the gloss: 2-16 CJK characters (Han,
 *    kana with ・ between names, Hangul; single spaces allowed), or 1-5 capitalised Latin words
 *    ("Jae-in", "O'Brien", "Lü").
 *  - Latin before CJK: the capitalised words just before the parenthesis (6 at most; a title or
 *    organisation word of the names lexicon - Secretary, President, Party - ends them) are
 *    trimmed to the name the CJK writes: for Hangul, as many hyphen/space parts as syllables
 *    ("Moon Jae-in" = 문재인); for Han, as many syllables (vowel groups: Chen-Quan-guo) as
 *    characters, else the last two words (Japanese readings: "Fumio Kishida" = 岸田文雄); for a
 *    katakana name, one word per ・-separated part.
 *  - CJK before Latin: the CJK characters just before the parenthesis, trimmed to the Latin's
 *    syllables (Han) or parts (Hangul) when the run is longer (Chinese writes no spaces:
 *    书记陈全国（Chen Quanguo） gives 陈全国); a katakana run is taken whole.
 * Bounded: every parenthesis looks at a fixed window, so hostile text (10,000 parentheses, a
 * "name" of 10,000 capitalised words) costs linear time and no memory.
 */
#include "names/gloss.h"
#include "names/names.h"
#include "text/text.h"

#include <utf8proc.h>

#define MAX_INNER 96 /* bytes between the parentheses */
#define MAX_WORDS 6  /* Latin words looked at before a CJK gloss */
#define MAX_LATIN 5  /* Latin words of a gloss after a CJK name */
#define MAX_WORD  40 /* bytes of one Latin word */
#define MIN_CJK   2
#define MAX_CJK   16 /* CJK characters of a name */
#define MAX_RUN   32 /* CJK characters looked at before a Latin gloss */

enum { C_HAN = 1, C_KANA = 2, C_HANGUL = 4, C_DOT = 8 };

const char *ndx__gloss_script_code(int script)
{
    switch (script) {
    case NDX_SCRIPT_HANI:
        return "Hani";
    case NDX_SCRIPT_JPAN:
        return "Jpan";
    case NDX_SCRIPT_HANG:
        return "Hang";
    default:
        return "";
    }
}

static unsigned cjk_class(uint32_t cp)
{
    if (ndx__text_is_han(cp) || cp == 0x3005 /* 々 */)
        return C_HAN;
    if ((cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A0 && cp <= 0x30FA) ||
        (cp >= 0x30FC && cp <= 0x30FF) || (cp >= 0xFF66 && cp <= 0xFF9F))
        return C_KANA;
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return C_HANGUL;
    if (cp == 0x30FB || cp == 0x00B7 || cp == 0xFF65) /* ・ · ･ between the parts of a name */
        return C_DOT;
    return 0;
}

static bool is_katakana(uint32_t cp)
{
    return (cp >= 0x30A0 && cp <= 0x30FF && cp != 0x30FB) || (cp >= 0xFF66 && cp <= 0xFF9F);
}

/* Latin-script letters (ASCII, Latin-1, Latin Extended A/B, Vietnamese). */
static bool latin_letter(uint32_t cp, bool *upper)
{
    if (cp < 0x80) {
        *upper = cp >= 'A' && cp <= 'Z';
        return *upper || (cp >= 'a' && cp <= 'z');
    }
    if (!((cp >= 0xC0 && cp < 0x250) || (cp >= 0x1E00 && cp < 0x1F00)) || cp == 0xD7 || cp == 0xF7)
        return false;
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    *upper = c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
    return *upper || c == UTF8PROC_CATEGORY_LL;
}

static bool is_apos(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

/* Decode the character ending at s[i] (i > 0): its start, or SIZE_MAX if invalid. */
static size_t prev_char(const uint8_t *s, size_t i, uint32_t *cp)
{
    size_t k = i;
    while (k > 0 && i - k < 4 && (s[k - 1] & 0xC0) == 0x80)
        k--;
    if (k == 0)
        return SIZE_MAX;
    k--;
    size_t len = ndx__text_decode(s + k, i - k, cp);
    return len == i - k ? k : SIZE_MAX;
}

/* ---- Latin words -------------------------------------------------------------------------- */

struct word {
    size_t start, end;
    unsigned syll;  /* vowel groups */
    unsigned parts; /* pieces between hyphens */
};

/* Measure the word s[a, b): a capitalised word of letters joined by '-' or an apostrophe.
 * False if it is not one. */
static bool measure_word(const uint8_t *s, size_t a, size_t b, struct word *w)
{
    if (b <= a || b - a > MAX_WORD)
        return false;
    w->start = a;
    w->end = b;
    w->syll = 0;
    w->parts = 1;
    bool first = true, vowel = false, joiner = false;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        size_t len = ndx__text_decode(s + i, b - i, &cp);
        if (!len)
            return false;
        i += len;
        bool up;
        if (latin_letter(cp, &up)) {
            if (first && !up)
                return false;
            first = false;
            joiner = false;
            uint32_t lo = cp < 0x80 ? (cp | 0x20) : 0;
            bool v = cp >= 0x80 || lo == 'a' || lo == 'e' || lo == 'i' || lo == 'o' || lo == 'u';
            if (v && !vowel)
                w->syll++;
            vowel = v;
            continue;
        }
        if ((cp == '-' || is_apos(cp)) && !first && !joiner && i < b) {
            joiner = true;
            vowel = false;
            if (cp == '-')
                w->parts++;
            continue;
        }
        return false;
    }
    return !first && !joiner && w->syll > 0;
}

/* A title, role or organisation word ends the name before a gloss ("Secretary", "Party"). */
static bool stop_word(const uint8_t *s, const struct word *w)
{
    unsigned f = ndx__lex_word((const char *)s + w->start, w->end - w->start);
    return f & (LW_TITLE | LW_TITLEMOD | LW_ROLE | LW_ORGHEAD | LW_ORGSUFFIX | LW_PORTFOLIO |
                LW_STOP | LW_NEVER | LW_OFCONN | LW_REPORT | LW_PRONOUN);
}

/* The capitalised words ending at s[end] (the last one first), MAX_WORDS at most. */
static size_t words_before(const uint8_t *s, size_t end, struct word *w)
{
    size_t nw = 0, i = end;
    while (nw < MAX_WORDS && i > 0) {
        size_t a = i;
        uint32_t cp;
        for (;;) { /* back over letters and joiners */
            size_t k = prev_char(s, a, &cp);
            bool up;
            if (k == SIZE_MAX || i - k > MAX_WORD ||
                !(latin_letter(cp, &up) || cp == '-' || is_apos(cp)))
                break;
            a = k;
        }
        if (a == i || !measure_word(s, a, i, &w[nw]) || stop_word(s, &w[nw]))
            break;
        nw++;
        if (a < 2 || s[a - 1] != ' ')
            break;
        uint32_t c2;
        bool up;
        size_t k = prev_char(s, a - 1, &c2);
        if (k == SIZE_MAX || !latin_letter(c2, &up))
            break;
        i = a - 1;
    }
    return nw;
}

/* The words of s[a, b) if it is 1..MAX_LATIN capitalised words separated by single spaces. */
static size_t latin_gloss(const uint8_t *s, size_t a, size_t b, struct word *w)
{
    size_t nw = 0;
    while (a < b) {
        size_t e = a;
        while (e < b && s[e] != ' ')
            e++;
        if (nw == MAX_LATIN || !measure_word(s, a, e, &w[nw]))
            return 0;
        nw++;
        a = e + (e < b);
        if (e < b && a >= b)
            return 0; /* trailing space */
    }
    return nw;
}

/* ---- CJK names ---------------------------------------------------------------------------- */

struct cjk {
    size_t start, end;
    unsigned nchars; /* without dots and spaces */
    unsigned ndots;
    unsigned classes;
};

/* s[a, b) as a CJK name, if it is one. */
static bool cjk_gloss(const uint8_t *s, size_t a, size_t b, struct cjk *c)
{
    *c = (struct cjk){a, b, 0, 0, 0};
    bool prev_space = true;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        size_t len = ndx__text_decode(s + i, b - i, &cp);
        if (!len)
            return false;
        i += len;
        if (cp == ' ') {
            if (prev_space || i >= b)
                return false;
            prev_space = true;
            continue;
        }
        prev_space = false;
        unsigned k = cjk_class(cp);
        if (!k)
            return false;
        c->classes |= k;
        if (k == C_DOT)
            c->ndots++;
        else
            c->nchars++;
    }
    return c->nchars >= MIN_CJK && c->nchars <= MAX_CJK;
}

static int script_of(unsigned classes)
{
    if (classes & C_HANGUL)
        return NDX_SCRIPT_HANG;
    if (classes & C_KANA)
        return NDX_SCRIPT_JPAN;
    return NDX_SCRIPT_HANI;
}

/* ---- the two orders ----------------------------------------------------------------------- */

static size_t skip_space_back(const uint8_t *s, size_t i)
{
    if (i > 0 && s[i - 1] == ' ')
        return i - 1;
    if (i > 1 && s[i - 2] == 0xC2 && s[i - 1] == 0xA0)
        return i - 2;
    return i;
}

/* Latin before the CJK gloss c, the parenthesis at s[open]. */
static bool latin_then_cjk(const uint8_t *s, size_t open, const struct cjk *c, struct ndx_gloss *g)
{
    if ((c->classes & C_HANGUL) && (c->classes & (C_HAN | C_KANA)))
        return false;
    struct word w[MAX_WORDS];
    size_t nw = words_before(s, skip_space_back(s, open), w);
    if (nw == 0)
        return false;
    size_t k = 0;
    unsigned sum = 0;
    if (c->classes & C_HANGUL) { /* a part per syllable */
        for (size_t j = 0; j < nw && !k; j++)
            if ((sum += w[j].parts) == c->nchars)
                k = j + 1;
    } else if (c->classes & C_KANA) { /* a word per part of the name */
        if (c->ndots + 1 <= nw)
            k = c->ndots + 1;
    } else { /* a syllable per character, else a given name and a family name */
        for (size_t j = 0; j < nw && !k; j++)
            if ((sum += w[j].syll) == c->nchars)
                k = j + 1;
        if (!k && nw >= 2)
            k = 2;
    }
    if (!k)
        return false;
    g->latin_start = w[k - 1].start;
    g->latin_end = w[0].end;
    g->cjk_start = c->start;
    g->cjk_end = c->end;
    g->script = script_of(c->classes);
    return true;
}

/* CJK before the Latin gloss w[0..nw), the parenthesis at s[open]. */
static bool cjk_then_latin(const uint8_t *s, size_t open, const struct word *w, size_t nw,
                           struct ndx_gloss *g)
{
    size_t end = skip_space_back(s, open);
    uint32_t cp;
    size_t k = prev_char(s, end, &cp);
    if (k == SIZE_MAX)
        return false;
    unsigned cls = cjk_class(cp);
    if (cls == C_KANA && !is_katakana(cp))
        return false;
    if (cls != C_HAN && cls != C_HANGUL && cls != C_KANA)
        return false;
    unsigned want = 0;
    for (size_t j = 0; j < nw; j++)
        want += cls == C_HANGUL ? w[j].parts : w[j].syll;
    /* the run of characters of that class (katakana: with its dots) before the parenthesis */
    size_t start = end;
    unsigned n = 0;
    while (n < MAX_RUN) {
        k = prev_char(s, start, &cp);
        if (k == SIZE_MAX)
            break;
        unsigned c2 = cjk_class(cp);
        bool same = cls == C_KANA ? (is_katakana(cp) || c2 == C_DOT) : c2 == cls;
        if (!same)
            break;
        start = k;
        n++;
        if (cls != C_KANA && n == want)
            break; /* trimmed to the Latin's syllables */
    }
    if (cls == C_HANGUL && n != want)
        return false;
    if (n < MIN_CJK || n > MAX_CJK)
        return false;
    if (cls == C_HAN && n < want && n > 4)
        return false; /* a long run with fewer characters than syllables: not a name */
    struct cjk c;
    if (!cjk_gloss(s, start, end, &c))
        return false;
    g->cjk_start = start;
    g->cjk_end = end;
    g->latin_start = w[0].start;
    g->latin_end = w[nw - 1].end;
    g->script = script_of(c.classes);
    return true;
}

static size_t trim_left(const uint8_t *s, size_t a, size_t b)
{
    while (a < b && s[a] == ' ')
        a++;
    return a;
}

static size_t trim_right(const uint8_t *s, size_t a, size_t b)
{
    while (b > a && s[b - 1] == ' ')
        b--;
    return b;
}

int ndx__glosses(const char *text, size_t n, ndx_gloss_fn cb, void *ctx)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t found = 0;
    if (!text)
        return NDX_OK;
    for (size_t i = 0; i < n && found < NDX_GLOSS_MAX; i++) {
        size_t olen;
        if (s[i] == '(')
            olen = 1;
        else if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBC && s[i + 2] == 0x88) /* （ */
            olen = 3;
        else
            continue;
        /* the closing parenthesis within reach, no other parenthesis before it */
        size_t a = i + olen, close = SIZE_MAX, clen = 0;
        for (size_t j = a; j < n && j - a <= MAX_INNER; j++) {
            if (s[j] == '(' || (s[j] == 0xEF && j + 2 < n && s[j + 1] == 0xBC && s[j + 2] == 0x88))
                break;
            if (s[j] == ')') {
                close = j, clen = 1;
                break;
            }
            if (s[j] == 0xEF && j + 2 < n && s[j + 1] == 0xBC && s[j + 2] == 0x89) { /* ） */
                close = j, clen = 3;
                break;
            }
        }
        if (close == SIZE_MAX)
            continue;
        size_t ia = trim_left(s, a, close), ib = trim_right(s, ia, close);
        struct ndx_gloss g;
        struct cjk c;
        struct word w[MAX_LATIN];
        size_t nw;
        bool ok = false;
        if (ib > ia && cjk_gloss(s, ia, ib, &c))
            ok = latin_then_cjk(s, i, &c, &g);
        else if (ib > ia && (nw = latin_gloss(s, ia, ib, w)) > 0)
            ok = cjk_then_latin(s, i, w, nw, &g);
        if (ok) {
            found++;
            int rc = cb(ctx, &g);
            if (rc)
                return rc;
        }
        i = close + clen - 1;
    }
    return NDX_OK;
}
