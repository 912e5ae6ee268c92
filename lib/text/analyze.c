/*
 * analyze.c - the tokenizer of the indexing hot path (ndx__analyze) and per-word normalisation
 * (ndx__normalize_word, ndx__normalize_term).  A hand-written scanner splits text into words and
 * CJK runs; each word is cleaned (apostrophes, possessive 's, thousands commas), case folded + NFKC
 * (utf8proc), stemmed on the accented form, then stripped of diacritics.  ASCII words take a fast
 * path without utf8proc; scratch space lives on the stack and spills to the heap only for long
 * words (freed before return), so steady state allocates nothing.  The simple mode
 * (an->simple: lower-cased runs of letters and digits, as SQLite FTS5's unicode61) has its own
 * scanner, analyze_simple.
 */
#include "text/text.h"

#include <utf8proc.h>

#define DEFAULT_MAX_TERM 64
#define STACK_BYTES      512
#define CJK_MAX          24 /* bytes kept of one normalised CJK character */

#define FOLD_OPTS                                                                                  \
    (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/* ---- scratch buffers: stack first, heap when a word is long -------------------------------- */

struct scratch {
    uint8_t *p;
    size_t cap;
    bool heap;
};

static int scratch_reserve(struct scratch *s, size_t n)
{
    if (NDX_LIKELY(n <= s->cap))
        return NDX_OK;
    size_t cap = s->cap * 2 > n ? s->cap * 2 : n;
    uint8_t *p = ndx_realloc(s->heap ? s->p : NULL, cap);
    if (!p)
        return NDX_ENOMEM;
    s->p = p; /* contents are not preserved: callers reserve before writing */
    s->cap = cap;
    s->heap = true;
    return NDX_OK;
}

/* Grow s to hold at least n bytes, keeping its first `keep` bytes. */
static int scratch_grow(struct scratch *s, size_t keep, size_t n)
{
    if (n <= s->cap)
        return NDX_OK;
    size_t cap = s->cap * 2 > n ? s->cap * 2 : n;
    uint8_t *p = ndx_realloc(s->heap ? s->p : NULL, cap);
    if (!p)
        return NDX_ENOMEM;
    if (!s->heap)
        memcpy(p, s->p, keep);
    s->p = p;
    s->cap = cap;
    s->heap = true;
    return NDX_OK;
}

struct norm {
    struct ndx__stemmer *stemmer; /* NULL: no stemming */
    const uint8_t *stem_first;    /* ndx_analyzer.stem_first, or NULL */
    size_t max_term;
    size_t raw_limit; /* longer raw words are cut before normalisation */
    struct scratch clean, fold, u32;
    bool han_fold;          /* fold Han characters to simplified (fold.c) */
    struct ndx__hanfold hf; /* the folds of the text being analysed */
    uint8_t clean_stack[STACK_BYTES];
    uint8_t fold_stack[STACK_BYTES];
    utf8proc_int32_t u32_stack[STACK_BYTES];
};

static void norm_init(struct norm *nm, struct ndx__stemmer *st, uint32_t max_term)
{
    nm->stemmer = st;
    nm->stem_first = NULL;
    nm->han_fold = true;
    memset(&nm->hf, 0, sizeof nm->hf);
    nm->max_term = max_term ? max_term : DEFAULT_MAX_TERM;
    nm->raw_limit = nm->max_term * 4 + 64;
    nm->clean = (struct scratch){nm->clean_stack, sizeof nm->clean_stack, false};
    nm->fold = (struct scratch){nm->fold_stack, sizeof nm->fold_stack, false};
    nm->u32 = (struct scratch){(uint8_t *)nm->u32_stack, sizeof nm->u32_stack, false};
}

static void norm_free(struct norm *nm)
{
    if (nm->clean.heap)
        ndx_free(nm->clean.p);
    if (nm->fold.heap)
        ndx_free(nm->fold.p);
    if (nm->u32.heap)
        ndx_free(nm->u32.p);
    ndx__han_fold_free(&nm->hf);
}

/* ---- character helpers -------------------------------------------------------------------- */

static inline bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* ASCII letters and digits (a table: the tokenizer asks this for every byte). */
static inline bool is_alnum(uint8_t c)
{
    return ndx__ascii_word[c];
}

static inline bool is_apos(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0xFF07;
}

/* Diacritics removed from terms (after stemming): combining accents of Latin/Greek/Cyrillic, Hebrew
 * points, Arabic harakat.  Vowel signs of Indic scripts and kana voicing marks are kept. */
static inline bool is_strip_mark(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x591 && cp <= 0x5C7) ||
           (cp >= 0x610 && cp <= 0x61A) || (cp >= 0x64B && cp <= 0x65F) || cp == 0x670;
}

static inline bool is_term_char(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return is_alnum((uint8_t)cp);
    return ndx__text_in_cats((uint32_t)cp, NDX_CATS_LMN) && !is_strip_mark((uint32_t)cp);
}

/* Is there a letter or digit (of a word, not CJK) at s[k]? */
static bool word_char_at(const uint8_t *s, size_t n, size_t k)
{
    if (k >= n)
        return false;
    if (s[k] < 0x80)
        return is_alnum(s[k]);
    uint32_t cp;
    size_t len = ndx__text_decode(s + k, n - k, &cp);
    return len && !is_apos(cp) && ndx__text_is_wordchar(cp);
}

static inline size_t truncate_utf8(const uint8_t *t, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && (t[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* ---- normalisation ------------------------------------------------------------------------ */

/*
 * Run utf8proc decompose + reencode on [in, in+n) with `opts` into nm->u32 (as UTF-8 bytes).
 * When `filter` is set, drops non-term characters and diacritics between the two steps.
 */
static int utf8proc_pass(struct norm *nm, const uint8_t *in, size_t n, utf8proc_option_t opts,
                         bool filter, const uint8_t **out, size_t *nout)
{
    utf8proc_ssize_t cnt;
    for (;;) {
        utf8proc_ssize_t room = (utf8proc_ssize_t)(nm->u32.cap / sizeof(utf8proc_int32_t)) - 1;
        cnt =
            utf8proc_decompose(in, (utf8proc_ssize_t)n, (utf8proc_int32_t *)nm->u32.p, room, opts);
        if (cnt < 0) { /* cannot happen on valid input; be safe: empty result */
            *out = nm->u32.p;
            *nout = 0;
            return NDX_OK;
        }
        if (cnt <= room)
            break;
        if (scratch_reserve(&nm->u32, ((size_t)cnt + 1) * sizeof(utf8proc_int32_t)))
            return NDX_ENOMEM;
    }
    utf8proc_int32_t *b = (utf8proc_int32_t *)nm->u32.p;
    if (filter) {
        utf8proc_ssize_t k = 0;
        for (utf8proc_ssize_t i = 0; i < cnt; i++) {
            utf8proc_int32_t c = b[i];
            if (is_term_char(c) ||
                (c == '.' && k > 0 && is_digit((uint8_t)b[k - 1]) && b[k - 1] < 0x80 &&
                 i + 1 < cnt && b[i + 1] < 0x80 && is_digit((uint8_t)b[i + 1])))
                b[k++] = c;
        }
        cnt = k;
    }
    utf8proc_ssize_t nb = utf8proc_reencode(b, cnt, opts);
    *out = nm->u32.p;
    *nout = nb > 0 ? (size_t)nb : 0;
    return NDX_OK;
}

static bool is_number(const uint8_t *t, size_t n)
{
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(t[i]))
            digit = true;
        else if (t[i] != '.')
            return false;
    }
    return digit;
}

/*
 * Normalise one word [w, w+n) (possessive 's already cut off).  `ascii`: every byte < 0x80.
 * *term points into nm's scratch or the stemmer's memory, valid until the next call.
 */
static int norm_word(struct norm *nm, const uint8_t *w, size_t n, bool ascii, bool may_stem,
                     const uint8_t **term, size_t *nterm, unsigned *flags)
{
    const uint8_t *t;
    size_t nt;
    bool num;
    *flags = 0;
    if (n > nm->raw_limit)
        n = truncate_utf8(w, n, nm->raw_limit);
    if (scratch_reserve(&nm->clean, n + 1))
        return NDX_ENOMEM;
    uint8_t *o = nm->clean.p;
    size_t k = 0;

    if (NDX_LIKELY(ascii)) {
        bool digit = false, alpha = false;
        for (size_t i = 0; i < n; i++) {
            uint8_t c = w[i];
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
                alpha = true;
            } else if (c >= 'a' && c <= 'z') {
                alpha = true;
            } else if (is_digit(c)) {
                digit = true;
            } else if (!(c == '.' && k > 0 && is_digit(o[k - 1]) && i + 1 < n &&
                         is_digit(w[i + 1]))) {
                continue; /* apostrophes, thousands commas, stray punctuation */
            }
            o[k++] = c;
        }
        t = o;
        nt = k;
        num = digit && !alpha;
        if (nm->stemmer && may_stem && !num && nt > 0 &&
            (!nm->stem_first || nm->stem_first[t[0]])) {
            int rc = ndx__stemmer_run(nm->stemmer, t, nt, &t, &nt);
            if (rc)
                return rc;
        }
        *flags = num ? NDX_TOK_NUMBER : 0;
        *term = t;
        *nterm = truncate_utf8(t, nt, nm->max_term);
        return NDX_OK;
    }

    /* general path: clean, fold, stem, strip */
    for (size_t i = 0; i < n;) {
        uint8_t c = w[i];
        if (c < 0x80) {
            if (is_alnum(c) ||
                (c == '.' && k > 0 && is_digit(o[k - 1]) && i + 1 < n && is_digit(w[i + 1])))
                o[k++] = c;
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = ndx__text_decode(w + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        if (!is_apos(cp)) {
            memcpy(o + k, w + i, len);
            k += len;
        }
        i += len;
    }
    int rc = utf8proc_pass(nm, o, k, FOLD_OPTS, false, &t, &nt);
    if (rc)
        return rc;
    if (scratch_reserve(&nm->fold, nt + 1))
        return NDX_ENOMEM;
    memcpy(nm->fold.p, t, nt);
    t = nm->fold.p;
    num = is_number(t, nt);
    if (nm->stemmer && may_stem && !num && nt > 0) {
        rc = ndx__stemmer_run(nm->stemmer, t, nt, &t, &nt);
        if (rc)
            return rc;
    }
    bool high = false, junk = false;
    for (size_t i = 0; i < nt; i++) {
        if (t[i] >= 0x80)
            high = true;
        else if (!is_alnum(t[i]) && t[i] != '.')
            junk = true;
    }
    if (high || junk) {
        rc = utf8proc_pass(nm, t, nt, UTF8PROC_STABLE | UTF8PROC_COMPOSE, true, &t, &nt);
        if (rc)
            return rc;
        num = is_number(t, nt);
    }
    *flags = num ? NDX_TOK_NUMBER : 0;
    *term = t;
    *nterm = truncate_utf8(t, nt, nm->max_term);
    return NDX_OK;
}

/* ---- the scanner -------------------------------------------------------------------------- */

static inline size_t utf8_put(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, o);
}

struct cjk_char {
    size_t start, end;
    size_t nt;
    uint8_t t[CJK_MAX];
};

static inline bool cjk_is_stable(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3041 && cp <= 0x30FF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF);
}

static inline bool is_cjk_trailer(uint32_t cp)
{
    if (cp == 0xFF9E || cp == 0xFF9F || cp == 0x3099 || cp == 0x309A)
        return true;
    if (cp < 0x300)
        return false;
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME ||
           cat == UTF8PROC_CATEGORY_MC;
}

/* Read the CJK character at s[i] (with its trailing voicing/combining marks) into *c. */
static int read_cjk(struct norm *nm, const uint8_t *s, size_t n, size_t i, struct cjk_char *c,
                    bool *ok)
{
    uint32_t cp;
    size_t len = ndx__text_decode(s + i, n - i, &cp);
    *ok = false;
    if (!len || !ndx__text_is_cjk(cp))
        return NDX_OK;
    *ok = true;
    c->start = i;
    size_t j = i + len;
    bool plain = cjk_is_stable(cp);
    for (;;) {
        uint32_t m;
        size_t ml = j < n ? ndx__text_decode(s + j, n - j, &m) : 0;
        if (!ml || !is_cjk_trailer(m))
            break;
        plain = false;
        j += ml;
    }
    c->end = j;
    const uint8_t *t = s + i;
    size_t nt = j - i;
    if (!plain) {
        int rc = utf8proc_pass(nm, s + i, j - i, FOLD_OPTS, false, &t, &nt);
        if (rc)
            return rc;
        if (nt == 0) {
            t = s + i;
            nt = len;
        }
    }
    nt = truncate_utf8(t, nt, CJK_MAX);
    memcpy(c->t, t, nt);
    c->nt = nt;
    if (nm->han_fold && ndx__text_is_han(cp)) {
        /* simplified and traditional as one script: the term is the folded character */
        if (!nm->hf.scanned) {
            int rc = ndx__han_fold_scan(&nm->hf, (const char *)s, n, i);
            if (rc)
                return rc;
        }
        uint32_t f = ndx__han_fold_at(&nm->hf, i);
        if (!f && !plain && ndx__text_decode(c->t, c->nt, &f) == c->nt) /* after NFKC */
            f = ndx__han_fold_char(f) == f ? 0 : ndx__han_fold_char(f);
        if (f)
            c->nt = utf8_put(f, c->t);
    }
    return NDX_OK;
}

static int scan_cjk(struct norm *nm, const uint8_t *s, size_t n, size_t *pi, uint32_t *ppos,
                    ndx_token_fn cb, void *ctx)
{
    struct cjk_char a, b, *cur = &a, *nxt = &b;
    uint8_t bi[2 * CJK_MAX];
    bool ok;
    int rc = read_cjk(nm, s, n, *pi, cur, &ok);
    if (rc)
        return rc;
    size_t i = cur->end;
    uint32_t pos = *ppos;
    for (;;) {
        bool have = false;
        if (i < n) {
            rc = read_cjk(nm, s, n, i, nxt, &have);
            if (rc)
                break;
        }
        /* (a max_term shorter than one character leaves nothing to emit; the position stays) */
        size_t nu = truncate_utf8(cur->t, cur->nt, nm->max_term);
        if (nu > 0 && (rc = cb(ctx, (const char *)cur->t, nu, pos, cur->start, cur->end,
                               NDX_TOK_CJK_UNI)) != 0)
            break;
        if (have) {
            memcpy(bi, cur->t, cur->nt);
            memcpy(bi + cur->nt, nxt->t, nxt->nt);
            size_t nb = truncate_utf8(bi, cur->nt + nxt->nt, nm->max_term);
            if (nb > 0 && (rc = cb(ctx, (const char *)bi, nb, pos, cur->start, nxt->end,
                                   NDX_TOK_CJK_BI)) != 0)
                break;
            i = nxt->end;
        }
        pos++;
        struct cjk_char *tmp = cur;
        cur = nxt;
        nxt = tmp;
        if (!have)
            break;
    }
    *pi = i;
    *ppos = pos;
    return rc;
}

/* ---- simple mode -------------------------------------------------------------------------- */

/*
 * Simple analysis (an->simple), the common denominator used to compare engines term for term: a
 * word is a run of characters of the Unicode categories L*, N* and Co, plus the combining
 * diacritics listed below when they follow such a character; each character is lower-cased on
 * its own (utf8proc_tolower, a 1:1 mapping; U+0130 is left as is because its lower case is two
 * characters).  Nothing else: no NFKC, no accent removal, no apostrophe or number rules, no
 * stemming, and a CJK run is one word.  This is the token definition of SQLite FTS5's unicode61
 * tokenizer with remove_diacritics 0 (whose Unicode tables are those of Unicode 6.1: characters
 * assigned since then may be classed differently).  Positions go +1 per word.
 */

/* Combining diacritics that continue (never start) a simple word: U+0300-0304, 0306-030C, 030F,
 * 0311, 031B, 0323-0328, 032D, 032E, 0330, 0331. */
static inline bool simple_is_diacritic(uint32_t cp)
{
    if (cp < 0x300 || cp > 0x331)
        return false;
    static const uint8_t bits[7] = {0xDF, 0x9F, 0x02, 0x08, /* U+0300-031F, bit k = U+0300+k */
                                    0xF8, 0x61, 0x03};      /* U+0320-0332 */
    unsigned k = cp - 0x300;
    return (bits[k >> 3] >> (k & 7)) & 1;
}

/* Steps *i over ASCII separators and bytes that do not decode, to the next character that may
 * start a word: returns its length (its code point in *cp, the byte itself for ASCII), 0 at the
 * end of the text.  The caller judges a character beyond ASCII. */
static inline size_t next_candidate(const uint8_t *s, size_t n, size_t *i, uint32_t *cp)
{
    while (*i < n) {
        uint8_t c = s[*i];
        if (c < 0x80) {
            if (is_alnum(c)) {
                *cp = c;
                return 1;
            }
            ++*i;
            continue;
        }
        size_t len = ndx__text_decode(s + *i, n - *i, cp);
        if (len)
            return len;
        ++*i;
    }
    return 0;
}

/* Letters, numbers and private-use characters, marks not (the simple analysis). */
static inline bool simple_is_wordchar(uint32_t cp)
{
    return ndx__text_in_cats(cp, NDX_CAT(LU) | NDX_CAT(LL) | NDX_CAT(LT) | NDX_CAT(LM) |
                                     NDX_CAT(LO) | NDX_CAT(ND) | NDX_CAT(NL) | NDX_CAT(NO) |
                                     NDX_CAT(CO));
}

static int analyze_simple(const struct ndx_analyzer *an, const uint8_t *s, size_t n, uint32_t pos0,
                          ndx_token_fn cb, void *ctx, uint32_t *next_pos)
{
    size_t max_term = an->max_term ? an->max_term : DEFAULT_MAX_TERM;
    uint8_t stack[STACK_BYTES];
    struct scratch sc = {stack, sizeof stack, false};
    uint32_t pos = pos0;
    size_t i = 0;
    int rc = 0;

    uint32_t cp;
    size_t len;
    while ((len = next_candidate(s, n, &i, &cp))) {
        uint8_t c;
        if (cp >= 0x80 && !simple_is_wordchar(cp)) {
            i += len;
            continue;
        }
        size_t ws = i, k = 0;
        c = s[i];
        if (an->stem_first && c < 0x80 && !an->stem_first[c | 0x20]) {
            /* cannot be a looked-for term (no stemming here: the first letter stays): found to
             * its end, then counted, or passed on as it stands */
            for (i++; i < n;) {
                c = s[i];
                if (c < 0x80) {
                    if (!is_alnum(c))
                        break;
                    i++;
                    continue;
                }
                len = ndx__text_decode(s + i, n - i, &cp);
                if (!len || !(simple_is_wordchar(cp) || simple_is_diacritic(cp)))
                    break;
                i += len;
            }
            if (an->skipped)
                ++*an->skipped;
            else if ((rc = cb(ctx, (const char *)s + ws, i - ws, pos, ws, i, 0)))
                goto out;
            pos++;
            continue;
        }
        /* a word starts at i: lower-case it into sc up to the first separator */
        bool digits = true;
        while (i < n) {
            c = s[i];
            if (NDX_LIKELY(c < 0x80)) {
                if (!is_alnum(c))
                    break;
                if (!is_digit(c))
                    digits = false;
                if (k + 1 > sc.cap && (rc = scratch_grow(&sc, k, k + 1)))
                    goto out;
                sc.p[k++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
                i++;
                continue;
            }
            len = ndx__text_decode(s + i, n - i, &cp);
            if (!len || !(simple_is_wordchar(cp) || simple_is_diacritic(cp)))
                break;
            digits = false;
            uint32_t lo = cp == 0x130 ? cp : (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
            if (k + 4 > sc.cap && (rc = scratch_grow(&sc, k, k + 4)))
                goto out;
            k += utf8_put(lo, sc.p + k);
            i += len;
        }
        size_t nt = truncate_utf8(sc.p, k, max_term);
        if ((rc = cb(ctx, (const char *)sc.p, nt, pos, ws, i, digits ? NDX_TOK_NUMBER : 0)))
            goto out;
        pos++;
    }
out:
    if (sc.heap)
        ndx_free(sc.p);
    if (next_pos && rc == 0)
        *next_pos = pos;
    return rc;
}

/* Languages whose Snowball stemmer only removes or rewrites endings: the first letter of an ASCII
 * word survives stemming (Arabic, Indonesian, Irish and others also strip prefixes). */
static bool suffix_only_stemmer(const char *lang)
{
    static const char list[] = "en de fr es it pt nl sv no nb nn da fi ru ro hu ca ";
    if (!lang || !lang[0] || !lang[1] || lang[2])
        return false;
    for (const char *p = list; *p; p += 3)
        if (p[0] == (lang[0] | 0x20) && p[1] == (lang[1] | 0x20))
            return true;
    return false;
}

int ndx__analyze(const struct ndx_analyzer *an, const char *text, size_t ntext, const char *lang,
                 uint32_t pos0, ndx_token_fn cb, void *ctx, uint32_t *next_pos)
{
    if (an && an->simple)
        return analyze_simple(an, (const uint8_t *)text, text ? ntext : 0, pos0, cb, ctx, next_pos);
    struct norm nm;
    norm_init(&nm, an && an->stem ? ndx__stemmer_get(lang) : NULL, an ? an->max_term : 0);
    nm.han_fold = !(an && an->no_han_fold);
    if (an && an->stem_first && nm.stemmer && suffix_only_stemmer(lang))
        nm.stem_first = an->stem_first;
    const uint8_t *s = (const uint8_t *)text;
    size_t n = text ? ntext : 0;
    size_t i = 0;
    uint32_t pos = pos0;
    int rc = 0;

    uint32_t cp;
    size_t len;
    while ((len = next_candidate(s, n, &i, &cp))) {
        uint8_t c;
        if (cp >= 0x80) {
            if (ndx__text_is_cjk(cp)) {
                rc = scan_cjk(&nm, s, n, &i, &pos, cb, ctx);
                if (rc)
                    break;
                continue;
            }
            if (is_apos(cp) || !ndx__text_is_wordchar(cp)) {
                i += len;
                continue;
            }
        }

        /* a word starts at i: find its end j */
        size_t ws = i, j = i, apos_at = SIZE_MAX, apos_len = 0;
        bool ascii = true;
        while (j < n) {
            c = s[j];
            if (NDX_LIKELY(c < 0x80)) {
                if (is_alnum(c)) {
                    j++;
                    continue;
                }
                if (c == '\'') {
                    if (!word_char_at(s, n, j + 1))
                        break;
                    apos_at = j;
                    apos_len = 1;
                    j++;
                    continue;
                }
                if (c == '.' && is_digit(s[j - 1]) && j + 1 < n && is_digit(s[j + 1])) {
                    j++;
                    continue;
                }
                if (c == ',' && is_digit(s[j - 1]) && j + 3 < n && is_digit(s[j + 1]) &&
                    is_digit(s[j + 2]) && is_digit(s[j + 3]) &&
                    (j + 4 >= n || !is_digit(s[j + 4]))) {
                    j++;
                    continue;
                }
                break;
            }
            len = ndx__text_decode(s + j, n - j, &cp);
            if (!len)
                break;
            if (is_apos(cp)) {
                if (!word_char_at(s, n, j + len))
                    break;
                apos_at = j;
                apos_len = len;
            } else if (ndx__text_is_cjk(cp) || !ndx__text_is_wordchar(cp)) {
                break;
            }
            ascii = false;
            j += len;
        }
        size_t we = j;
        if (apos_at != SIZE_MAX && apos_at + apos_len + 1 == j && (s[j - 1] | 0x20) == 's')
            we = apos_at; /* possessive / contraction 's: dropped */
        i = j;

        const uint8_t *term;
        size_t nterm;
        unsigned flags;
        if (nm.stem_first && ascii && !nm.stem_first[s[ws] | 0x20] && is_alnum(s[ws])) {
            /* cannot match (stem_first): counted, or passed on as it stands, unnormalised */
            if (an->skipped) {
                ++*an->skipped;
                pos++;
                continue;
            }
            rc = cb(ctx, (const char *)s + ws, we - ws, pos, ws, we, 0);
            if (rc)
                break;
            pos++;
            continue;
        }
        rc = norm_word(&nm, s + ws, we - ws, ascii, true, &term, &nterm, &flags);
        if (rc)
            break;
        if (nterm == 0)
            continue;
        rc = cb(ctx, (const char *)term, nterm, pos, ws, we, flags);
        if (rc)
            break;
        pos++;
    }
    norm_free(&nm);
    if (next_pos && rc == 0)
        *next_pos = pos;
    return rc;
}

int ndx__normalize_term(const char *w, size_t n, const char *lang, int stem, struct ndx_buf *out)
{
    const uint8_t *s = (const uint8_t *)w;
    bool ascii = true, cjk = false;
    size_t apos_at = SIZE_MAX, apos_len = 0;
    if (!w)
        n = 0;
    ndx__buf_reset(out);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = s[i] < 0x80 ? (cp = s[i], 1) : ndx__text_decode(s + i, n - i, &cp);
        if (!len) {
            ascii = false;
            i++;
            continue;
        }
        if (cp >= 0x80)
            ascii = false;
        if (is_apos(cp)) {
            apos_at = i;
            apos_len = len;
        }
        if (ndx__text_is_cjk(cp))
            cjk = true;
        i += len;
    }
    if (apos_at != SIZE_MAX && apos_at > 0 && apos_at + apos_len + 1 == n &&
        (s[n - 1] | 0x20) == 's')
        n = apos_at;

    struct norm nm;
    norm_init(&nm, stem && !cjk ? ndx__stemmer_get(lang) : NULL, 0);
    const uint8_t *term;
    size_t nterm;
    unsigned flags;
    struct ndx_buf folded;
    ndx__buf_init(&folded, 0);
    int rc = cjk ? ndx__han_fold_copy((const char *)s, n, &folded) : NDX_OK;
    if (cjk && rc == 0 && folded.n) {
        s = folded.p;
        n = folded.n;
    }
    if (rc == 0)
        rc = norm_word(&nm, s, n, ascii, true, &term, &nterm, &flags);
    if (rc == 0)
        ndx__buf_append(out, term, nterm, &rc);
    norm_free(&nm);
    ndx__buf_free(&folded);
    return rc;
}

int ndx__normalize_word(const char *w, size_t n, struct ndx_buf *out)
{
    return ndx__normalize_term(w, n, NULL, 0, out);
}
