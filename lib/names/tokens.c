/*
 * tokens.c - the word tokenizer of the name rules: words with their case, punctuation one
 * character at a time, sentence starts, abbreviation dots ("Mr.", "U.S.", "J.") and the
 * possessive "'s" split off its word.  Invalid UTF-8 bytes are punctuation of their own; CJK
 * and other uncased scripts are NT_OTHER words, never names.  Unlike the index tokenizer
 * (text/analyze.c) it keeps case and hyphenated words whole ("Kim Jong-un", "Hyong-son").
 */
#include "names/names.h"
#include "text/text.h"

#include <utf8proc.h>

static const char *const k_abbrev[] = {
    "mr",  "mrs", "ms",   "dr",  "st",     "jr",   "sr",   "inc",  "corp", "co",
    "ltd", "gen", "col",  "lt",  "sgt",    "capt", "rep",  "sen",  "gov",  "prof",
    "rev", "mt",  "ft",   "vs",  "messrs", "jan",  "feb",  "aug",  "sept", "oct",
    "nov", "dec", "bros", "cpl", "maj",    "adm",  "pres", "supt", "insp",
};

bool ndx__is_open_quote(uint32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201E || cp == 0x00AB || cp == 0x2018 ||
           cp == 0x300C || cp == 0x300E;
}

bool ndx__is_close_quote(uint32_t cp)
{
    return cp == '"' || cp == 0x201D || cp == 0x00BB || cp == 0x2019 || cp == 0x300D ||
           cp == 0x300F;
}

static size_t decode(const char *text, size_t n, size_t i, uint32_t *cp)
{
    size_t l = ndx__text_decode((const uint8_t *)text + i, n - i, cp);
    if (!l) {
        *cp = 0xFFFD;
        return 1;
    }
    return l;
}

static bool is_joiner(uint32_t cp)
{
    return cp == '-' || cp == '&' || cp == '\'' || cp == 0x2019 || cp == 0x2010 || cp == 0x2011;
}

static bool is_abbrev(const char *s, size_t n)
{
    if (n > 6)
        return false;
    char low[8];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    for (size_t k = 0; k < NDX_ARRAY_LEN(k_abbrev); k++)
        if (k_abbrev[k][0] == low[0] && strlen(k_abbrev[k]) == n &&
            memcmp(k_abbrev[k], low, n) == 0)
            return true;
    return false;
}

/* Transparent for sentence starts: quotes, brackets, dashes. */
static bool is_transparent(uint32_t cp)
{
    return ndx__is_open_quote(cp) || ndx__is_close_quote(cp) || cp == '(' || cp == '[' ||
           cp == ')' || cp == ']' || cp == 0x2014 || cp == 0x2013 || cp == '*';
}

static bool ends_sentence(uint32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == ':' || cp == ';' ||
           cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
}

enum { A_LOWER = 1, A_UPPER = 2, A_DIGIT = 4 };

/* ASCII letters and digits (0 for every other byte) */
static const unsigned char k_ascii_alnum[256] = {
    ['0'] = A_DIGIT, ['1'] = A_DIGIT, ['2'] = A_DIGIT, ['3'] = A_DIGIT, ['4'] = A_DIGIT,
    ['5'] = A_DIGIT, ['6'] = A_DIGIT, ['7'] = A_DIGIT, ['8'] = A_DIGIT, ['9'] = A_DIGIT,
    ['a'] = A_LOWER, ['b'] = A_LOWER, ['c'] = A_LOWER, ['d'] = A_LOWER, ['e'] = A_LOWER,
    ['f'] = A_LOWER, ['g'] = A_LOWER, ['h'] = A_LOWER, ['i'] = A_LOWER, ['j'] = A_LOWER,
    ['k'] = A_LOWER, ['l'] = A_LOWER, ['m'] = A_LOWER, ['n'] = A_LOWER, ['o'] = A_LOWER,
    ['p'] = A_LOWER, ['q'] = A_LOWER, ['r'] = A_LOWER, ['s'] = A_LOWER, ['t'] = A_LOWER,
    ['u'] = A_LOWER, ['v'] = A_LOWER, ['w'] = A_LOWER, ['x'] = A_LOWER, ['y'] = A_LOWER,
    ['z'] = A_LOWER, ['A'] = A_UPPER, ['B'] = A_UPPER, ['C'] = A_UPPER, ['D'] = A_UPPER,
    ['E'] = A_UPPER, ['F'] = A_UPPER, ['G'] = A_UPPER, ['H'] = A_UPPER, ['I'] = A_UPPER,
    ['J'] = A_UPPER, ['K'] = A_UPPER, ['L'] = A_UPPER, ['M'] = A_UPPER, ['N'] = A_UPPER,
    ['O'] = A_UPPER, ['P'] = A_UPPER, ['Q'] = A_UPPER, ['R'] = A_UPPER, ['S'] = A_UPPER,
    ['T'] = A_UPPER, ['U'] = A_UPPER, ['V'] = A_UPPER, ['W'] = A_UPPER, ['X'] = A_UPPER,
    ['Y'] = A_UPPER, ['Z'] = A_UPPER,
};

/* Scan a word starting at i (whose first character cp0 is a word character); returns its end. */
static size_t scan_word(const char *text, size_t n, size_t i, unsigned *flags, bool *poss)
{
    size_t j = i;
    /* the non-ASCII letters are counted as they come; the ASCII ones at the end, and only for
     * a word that does not start with a lower-case letter (no other can be all capitals or an
     * initial), so that the loop over a word's ASCII letters does nothing but find its end */
    int letters = 0, uppers = 0, lowers = 0, dots = 0;
    bool cjk = false;
    *poss = false;
    while (j < n) {
        if (!cjk) { /* ASCII letters and digits: one table look-up a byte */
            while (j < n && k_ascii_alnum[(unsigned char)text[j]])
                j++;
            if (j >= n)
                break;
        }
        unsigned char b = (unsigned char)text[j];
        uint32_t cp;
        size_t l;
        if (b < 0x80) { /* ASCII other than letters and digits: never a word character */
            if (j == i || cjk)
                break;
            cp = b;
            l = 1;
            goto not_word;
        }
        l = decode(text, n, j, &cp);
        if (cp != 0xFFFD && ndx__text_is_wordchar(cp) && !ndx__text_is_cjk(cp)) {
            if (cjk)
                break;
            utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
            if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT)
                uppers++;
            else if (c == UTF8PROC_CATEGORY_LL)
                lowers++;
            else if (c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_LM)
                letters++;
            j += l;
            continue;
        }
        if (cp != 0xFFFD && ndx__text_is_cjk(cp)) {
            if (j > i && !cjk)
                break;
            cjk = true;
            j += l;
            continue;
        }
        if (j == i || cjk)
            break;
    not_word:
        if (cp == ' ' || cp == ',' || cp == '\n' || cp == ')' || cp == ':' || cp == ';')
            break; /* the common ends of a word */
        /* joiners and dots between word characters */
        uint32_t nx = 0;
        size_t nl = 0;
        bool next_word = false;
        if (j + l < n && (unsigned char)text[j + l] < 0x80) {
            nx = (unsigned char)text[j + l];
            nl = 1;
            next_word = (nx >= '0' && nx <= '9') || ((nx | 0x20) >= 'a' && (nx | 0x20) <= 'z');
        } else if (j + l < n) {
            nl = decode(text, n, j + l, &nx);
            next_word = nx != 0xFFFD && ndx__text_is_wordchar(nx) && !ndx__text_is_cjk(nx);
        }
        if (is_joiner(cp) && next_word) {
            if ((cp == '\'' || cp == 0x2019) && (nx == 's' || nx == 'S')) {
                uint32_t after = 0;
                size_t al = j + l + nl < n ? decode(text, n, j + l + nl, &after) : 0;
                if (!al || after == 0xFFFD || !ndx__text_is_wordchar(after)) {
                    *poss = true;
                    break;
                }
            }
            j += l;
            continue;
        }
        if ((cp == '.' || cp == ',') && next_word) {
            bool digits = text[j - 1] >= '0' && text[j - 1] <= '9' && nx >= '0' && nx <= '9';
            /* "U.S", "e.g": one letter between dots */
            bool letter_dots =
                cp == '.' && (j - i == 1 || dots) && j + l + nl < n && text[j + l + nl] == '.';
            if (digits || letter_dots) {
                dots += cp == '.';
                j += l;
                continue;
            }
        }
        break;
    }
    unsigned f = 0;
    if (cjk) {
        *flags = 0;
        return j;
    }
    unsigned char b0 = (unsigned char)text[i];
    if (k_ascii_alnum[b0] != A_LOWER)
        for (size_t k = i; k < j; k++) {
            unsigned a = k_ascii_alnum[(unsigned char)text[k]];
            lowers += a & A_LOWER;
            uppers += (a & A_UPPER) >> 1;
        }
    else
        lowers++;               /* the first letter: enough to rule both out */
    letters += lowers + uppers; /* the cased letters; letters held the uncased ones */
    if (b0 < 0x80) {
        f |= b0 >= 'A' && b0 <= 'Z' ? NTF_CAP : b0 >= 'a' && b0 <= 'z' ? NTF_LOWER : NTF_DIGIT;
    } else {
        uint32_t first;
        decode(text, n, i, &first);
        utf8proc_category_t c0 = utf8proc_category((utf8proc_int32_t)first);
        if (c0 == UTF8PROC_CATEGORY_LU || c0 == UTF8PROC_CATEGORY_LT)
            f |= NTF_CAP;
        else if (c0 == UTF8PROC_CATEGORY_LL)
            f |= NTF_LOWER;
        else if (c0 == UTF8PROC_CATEGORY_ND)
            f |= NTF_DIGIT;
    }
    if (uppers >= 2 && lowers == 0)
        f |= NTF_ALLCAPS;
    /* an abbreviation dot */
    if (j < n && text[j] == '.' && !*poss) {
        bool single_cap = letters == 1 && uppers == 1 && j - i <= 2;
        if (single_cap || dots || is_abbrev(text + i, j - i)) {
            f |= NTF_ABBR;
            if (single_cap && !dots)
                f |= NTF_INITIAL;
            j++;
        }
    }
    *flags = f;
    return j;
}

size_t ndx__tokens(const char *text, size_t n, size_t from, struct ndx_tok *t, size_t cap,
                   size_t *next)
{
    size_t i = from, k = 0;
    bool pending = true, space = false;
    while (i < n && k < cap) {
        unsigned char b = (unsigned char)text[i];
        if (b == '\n') {
            i++;
            if (k)
                break;
            continue;
        }
        if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v') {
            i++;
            space = true;
            continue;
        }
        uint32_t cp;
        size_t l;
        if (b < 0x80) {
            cp = b;
            l = 1;
        } else {
            l = decode(text, n, i, &cp);
        }
        if (cp == 0xA0 || cp == 0x2009 || cp == 0x202F || cp == 0x3000 || cp == 0x200B) {
            i += l;
            space = true;
            continue;
        }
        struct ndx_tok *tk = &t[k];
        tk->s = i;
        tk->cp = cp;
        tk->f = (uint16_t)(space ? NTF_SPACE : 0);
        if (k == 0)
            tk->f |= NTF_PARA;
        space = false;
        bool wordch = b < 0x80
                          ? (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
                          : cp != 0xFFFD && (ndx__text_is_wordchar(cp) || ndx__text_is_cjk(cp));
        if (wordch) {
            unsigned f;
            bool poss;
            size_t e = scan_word(text, n, i, &f, &poss);
            tk->e = e;
            tk->kind = (uint8_t)((f & (NTF_CAP | NTF_LOWER | NTF_DIGIT)) || b < 0x80 ||
                                         !ndx__text_is_cjk(cp)
                                     ? NT_WORD
                                     : NT_OTHER);
            tk->f |= (uint16_t)f;
            if (pending && tk->kind == NT_WORD)
                tk->f |= NTF_START;
            pending = false;
            k++;
            i = e;
            if (poss && k < cap) {
                /* the apostrophe and the s */
                size_t al;
                uint32_t acp;
                al = decode(text, n, i, &acp);
                t[k] = (struct ndx_tok){i, i + al + 1, acp, NTF_POSS, NT_PUNCT};
                k++;
                i += al + 1;
            }
            continue;
        }
        tk->e = i + l;
        tk->kind = NT_PUNCT;
        if (ends_sentence(cp) || (k == 0))
            pending = true;
        else if (!is_transparent(cp))
            pending = false;
        k++;
        i += l;
    }
    *next = i;
    return k;
}

unsigned ndx__tok_word(const char *text, const struct ndx_tok *t)
{
    if (t->kind != NT_WORD)
        return 0;
    size_t n = t->e - t->s;
    if ((t->f & NTF_ABBR) && n > 1)
        n--;
    /* a lower-case word is looked up for its cues only: the small map */
    return (t->f & NTF_LOWER) ? ndx__lex_cue(text + t->s, n) : ndx__lex_word(text + t->s, n);
}

int ndx__tokens_grow(const char *text, size_t n, size_t from, struct ndx_tokbuf *tb, size_t *next)
{
    for (;;) {
        if (!tb->cap) {
            /* about one token per five bytes of a paragraph; grown when it has more */
            size_t want = NDX_MIN((size_t)NDX_TOK_WINDOW, (size_t)256);
            tb->t = ndx_malloc(want * sizeof *tb->t);
            tb->aux = ndx_malloc(want * sizeof *tb->aux);
            if (!tb->t || !tb->aux) {
                ndx__tokbuf_free(tb);
                return NDX_ENOMEM;
            }
            tb->cap = want;
        }
        tb->n = ndx__tokens(text, n, from, tb->t, tb->cap, next);
        if (tb->n < tb->cap || tb->cap >= NDX_TOK_WINDOW)
            return NDX_OK;
        size_t nc = NDX_MIN(tb->cap * 4, (size_t)NDX_TOK_WINDOW);
        struct ndx_tok *t = ndx_realloc(tb->t, nc * sizeof *t);
        if (!t)
            return NDX_ENOMEM;
        tb->t = t;
        unsigned *aux = ndx_realloc(tb->aux, nc * sizeof *aux);
        if (!aux)
            return NDX_ENOMEM;
        tb->aux = aux;
        tb->cap = nc;
    }
}

bool ndx__tokens_next(const char *text, size_t n, size_t *pos, struct ndx_tokbuf *tb, int *rc)
{
    if (*pos >= n)
        return false;
    size_t next;
    int r = ndx__tokens_grow(text, n, *pos, tb, &next);
    if (r) {
        *rc = r;
        return false;
    }
    /* a window that does not move on is the last */
    *pos = next > *pos ? next : n;
    return true;
}

bool ndx__has_quote_mark(const char *s, size_t n)
{
    if (memchr(s, '"', n))
        return true;
    /* “ E2 80 9C, „ E2 80 9E; « C2 AB */
    for (const char *p = s, *e = s + n; (p = memchr(p, 0xE2, (size_t)(e - p))); p++)
        if (e - p >= 3 && (unsigned char)p[1] == 0x80 &&
            ((unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x9E))
            return true;
    for (const char *p = s, *e = s + n; (p = memchr(p, 0xC2, (size_t)(e - p))); p++)
        if (e - p >= 2 && (unsigned char)p[1] == 0xAB)
            return true;
    return false;
}

void ndx__tokbuf_free(struct ndx_tokbuf *tb)
{
    ndx_free(tb->t);
    ndx_free(tb->aux);
    memset(tb, 0, sizeof *tb);
}
