/*
 * sentence.c - sentence boundaries (ndx__sentences), word counting for display
 * (ndx__text_next_word) and teasers (ndx__teaser, public ndx_teaser).  Rule-based: a sentence ends
 * at . ! ? … 。！？ (plus closing quotes/brackets) before white space or the end, except after
 * known abbreviations, initials, or when the next word starts lower-case; newlines always end one.
 */
#include "text/text.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define DEFAULT_TEASER_WORDS 100

static inline bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool is_lower(uint8_t c)
{
    return c >= 'a' && c <= 'z';
}

static inline size_t decode_or_1(const uint8_t *s, size_t n, size_t i, uint32_t *cp)
{
    size_t len = ndx__text_decode(s + i, n - i, cp);
    if (!len) {
        *cp = 0xFFFD;
        return 1;
    }
    return len;
}

/* ASCII word characters (letters and digits): 1; every other byte 0. */
const uint8_t ndx__ascii_word[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline bool ascii_word(uint8_t c)
{
    return ndx__ascii_word[c];
}

bool ndx__text_next_word_any(const char *text, size_t ntext, size_t i, size_t *ws, size_t *we)
{
    const uint8_t *s = (const uint8_t *)text;
    while (i < ntext) {
        uint32_t cp;
        size_t len;
        if (s[i] < 0x80) {
            if (!ascii_word(s[i])) {
                i++;
                continue;
            }
            cp = s[i];
            len = 1;
        } else {
            len = decode_or_1(s, ntext, i, &cp);
        }
        if (cp >= 0x80 && ndx__text_is_cjk(cp)) {
            *ws = i;
            *we = i + len;
            return true;
        }
        if ((cp < 0x80 || ndx__text_is_wordchar(cp)) && cp != 0xFFFD) {
            size_t j = i + len;
            while (j < ntext) {
                size_t l;
                if (s[j] < 0x80) {
                    if (ascii_word(s[j])) {
                        j++;
                        continue;
                    }
                    cp = s[j];
                    l = 1;
                } else {
                    l = decode_or_1(s, ntext, j, &cp);
                }
                if ((cp == '\'' || cp == 0x2019) && j + l < ntext) {
                    uint32_t nx;
                    decode_or_1(s, ntext, j + l, &nx);
                    if (ndx__text_is_wordchar(nx)) {
                        j += l;
                        continue;
                    }
                }
                if (cp < 0x80 || cp == 0xFFFD || ndx__text_is_cjk(cp) || !ndx__text_is_wordchar(cp))
                    break;
                j += l;
            }
            *ws = i;
            *we = j;
            return true;
        }
        i += len;
    }
    return false;
}

/* ---- sentences ---------------------------------------------------------------------------- */

/* Abbreviations that never end a sentence (compared with the word before the dot). */
static const char *const abbrev_never[] = {
    "Mr",   "Mrs", "Ms",     "Dr",  "Prof", "St",  "Gen", "Gov", "Sen", "Rep", "Rev",
    "Lt",   "Col", "Capt",   "Sgt", "Hon",  "Mt",  "No",  "Nos", "vs",  "v",   "e.g",
    "i.e",  "cf",  "approx", "Jan", "Feb",  "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov",    "Dec", "Fig",  "Vol", "pp",  "ca",
};
/* Abbreviations that end a sentence only when an upper-case word follows. */
static const char *const abbrev_maybe[] = {
    "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "etc", "a.m", "p.m", "Bros", "Ave", "Mass",
};

static bool in_list(const char *const *list, size_t nlist, const uint8_t *w, size_t n)
{
    for (size_t k = 0; k < nlist; k++)
        if (list[k][0] == (char)w[0] && strlen(list[k]) == n && memcmp(list[k], w, n) == 0)
            return true;
    return false;
}

/* ASCII characters that change nothing in the sentence splitter's state but `last`: everything
 * printable but . ! ? (and ' ' itself, skipped). */
static const uint8_t run_tab[256] = {
    [' '] = 1, ['"'] = 1,  ['#'] = 1, ['$'] = 1, ['%'] = 1,  ['&'] = 1, ['\''] = 1, ['('] = 1,
    [')'] = 1, ['*'] = 1,  ['+'] = 1, [','] = 1, ['-'] = 1,  ['/'] = 1, ['0'] = 1,  ['1'] = 1,
    ['2'] = 1, ['3'] = 1,  ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,  ['9'] = 1,
    [':'] = 1, [';'] = 1,  ['<'] = 1, ['='] = 1, ['>'] = 1,  ['@'] = 1, ['A'] = 1,  ['B'] = 1,
    ['C'] = 1, ['D'] = 1,  ['E'] = 1, ['F'] = 1, ['G'] = 1,  ['H'] = 1, ['I'] = 1,  ['J'] = 1,
    ['K'] = 1, ['L'] = 1,  ['M'] = 1, ['N'] = 1, ['O'] = 1,  ['P'] = 1, ['Q'] = 1,  ['R'] = 1,
    ['S'] = 1, ['T'] = 1,  ['U'] = 1, ['V'] = 1, ['W'] = 1,  ['X'] = 1, ['Y'] = 1,  ['Z'] = 1,
    ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1,  ['`'] = 1, ['a'] = 1,  ['b'] = 1,
    ['c'] = 1, ['d'] = 1,  ['e'] = 1, ['f'] = 1, ['g'] = 1,  ['h'] = 1, ['i'] = 1,  ['j'] = 1,
    ['k'] = 1, ['l'] = 1,  ['m'] = 1, ['n'] = 1, ['o'] = 1,  ['p'] = 1, ['q'] = 1,  ['r'] = 1,
    ['s'] = 1, ['t'] = 1,  ['u'] = 1, ['v'] = 1, ['w'] = 1,  ['x'] = 1, ['y'] = 1,  ['z'] = 1,
    ['{'] = 1, ['|'] = 1,  ['}'] = 1, ['~'] = 1, [0x7F] = 1,
};

static inline bool is_terminator(uint32_t cp, bool *cjk)
{
    *cjk = cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF61;
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || *cjk;
}

static bool is_closer(uint32_t cp)
{
    switch (cp) {
    case '"':
    case '\'':
    case ')':
    case ']':
    case '}':
    case 0x2019:
    case 0x201D:
    case 0x00BB:
    case 0x203A:
    case 0x300D:
    case 0x300F:
    case 0xFF09:
    case 0x300B:
    case 0x3009:
    case 0x3011:
    case 0xFF63:
        return true;
    default:
        return false;
    }
}

/* Decide whether the '.' at s[dot] (followed by space, next word at s[next]) ends a sentence. */
static bool dot_ends_sentence(const uint8_t *s, size_t n, size_t dot, size_t next)
{
    size_t t = dot;
    while (t > 0 && (is_upper(s[t - 1]) || is_lower(s[t - 1]) || s[t - 1] == '.'))
        t--;
    const uint8_t *w = s + t;
    size_t nw = dot - t;
    bool next_upper = next < n && !is_lower(s[next]);
    if (nw == 0)
        return true;
    if (t > 0 && s[t - 1] >= 0x80)
        return true; /* the word goes on with non-ASCII letters: not an abbreviation */
    if (nw == 1 && is_upper(w[0]))
        return false; /* an initial: "J. Smith" */
    if (in_list(abbrev_never, NDX_ARRAY_LEN(abbrev_never), w, nw))
        return false;
    if (in_list(abbrev_maybe, NDX_ARRAY_LEN(abbrev_maybe), w, nw))
        return next_upper;
    /* dotted capitals "U.S", "U.K", "E.U": never */
    bool dotted = nw >= 3, caps = true;
    for (size_t k = 0; k < nw; k++) {
        if (k % 2 == 1 ? w[k] != '.' : !(is_upper(w[k]) || is_lower(w[k])))
            dotted = false;
        if (k % 2 == 0 && !is_upper(w[k]))
            caps = false;
    }
    if (dotted && nw % 2 == 1)
        return caps ? false : next_upper;
    return true;
}

int ndx__sentences(const char *text, size_t ntext, ndx_sentence_fn cb, void *ctx)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t n = text ? ntext : 0;
    size_t i = 0, start = SIZE_MAX, last = 0; /* last: end of the last non-space char */
    int rc;
    while (i < n) {
        uint8_t c = s[i];
        if (run_tab[c]) {
            /* a run of ordinary characters and spaces: no decision to make */
            size_t j = i + 1;
#ifdef __SSE2__
            /* 16 bytes at a time: stop at a byte outside run_tab (C0 controls, bytes >= 0x80,
             * '.', '!', '?') */
            const __m128i sp = _mm_set1_epi8(0x20), dot = _mm_set1_epi8('.');
            const __m128i bang = _mm_set1_epi8('!'), qm = _mm_set1_epi8('?');
            while (j + 16 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(s + j));
                __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, sp), _mm_cmpeq_epi8(v, dot));
                m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, bang), _mm_cmpeq_epi8(v, qm)));
                int mask = _mm_movemask_epi8(m);
                if (mask) {
                    j += (size_t)__builtin_ctz((unsigned)mask);
                    break;
                }
                j += 16;
            }
#endif
            while (j < n && run_tab[s[j]])
                j++;
            size_t e = j;
            while (e > i && s[e - 1] == ' ')
                e--;
            if (e > i) {
                if (start == SIZE_MAX) {
                    size_t f = i;
                    while (s[f] == ' ')
                        f++;
                    start = f;
                }
                last = e;
            }
            i = j;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (start != SIZE_MAX && (rc = cb(ctx, start, last)) != 0)
                return rc;
            start = SIZE_MAX;
            i++;
            continue;
        }
        if (is_space(c)) {
            i++;
            continue;
        }
        if (start == SIZE_MAX)
            start = i;
        uint32_t cp;
        size_t len = c < 0x80 ? (cp = c, 1) : decode_or_1(s, n, i, &cp);
        bool cjk;
        if (!is_terminator(cp, &cjk)) {
            i += len;
            last = i;
            continue;
        }
        /* a run of terminators, then closing quotes/brackets */
        size_t j = i + len;
        bool single_dot = cp == '.', any_cjk = cjk;
        while (j < n) {
            uint32_t c2;
            size_t l2 = decode_or_1(s, n, j, &c2);
            bool cj2;
            if (is_terminator(c2, &cj2)) {
                single_dot = false;
                any_cjk |= cj2;
            } else if (!is_closer(c2)) {
                break;
            }
            j += l2;
        }
        last = j;
        bool boundary;
        if (any_cjk) {
            boundary = true;
        } else if (j < n && !is_space(s[j])) {
            boundary = false; /* "3.5", "U.S.-China", "Yahoo!'s" */
        } else {
            size_t k = j;
            while (k < n && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k < n && is_lower(s[k]))
                boundary = false;
            else if (single_dot && j == i + 1)
                boundary = dot_ends_sentence(s, n, i, k);
            else
                boundary = true;
        }
        if (boundary) {
            if ((rc = cb(ctx, start, j)) != 0)
                return rc;
            start = SIZE_MAX;
        }
        i = j;
    }
    if (start != SIZE_MAX && (rc = cb(ctx, start, last)) != 0)
        return rc;
    return NDX_OK;
}

/* ---- teasers ------------------------------------------------------------------------------ */

/* Append text[a, b) with white-space runs collapsed to one space. */
static void append_collapsed(struct ndx_buf *out, const char *text, size_t a, size_t b, int *rc)
{
    size_t run = a;
    for (size_t k = a; k < b; k++) {
        if (!is_space((uint8_t)text[k]))
            continue;
        size_t e = k + 1;
        while (e < b && is_space((uint8_t)text[e]))
            e++;
        if (e - k > 1 || text[k] != ' ') {
            ndx__buf_append(out, text + run, k - run, rc);
            ndx__buf_putc(out, ' ', rc);
            run = e;
        }
        k = e - 1;
    }
    ndx__buf_append(out, text + run, b - run, rc);
}

struct teaser_ctx {
    const char *text;
    size_t ntext;
    size_t limit; /* words */
    size_t count;
    bool first;
    struct ndx_buf *out;
    int rc;
};

static size_t count_words(const char *text, size_t a, size_t b, size_t stop_after, size_t *cut)
{
    size_t cnt = 0, ws, we, i = a;
    *cut = b;
    while (ndx__text_next_word(text, b, i, &ws, &we)) {
        cnt++;
        if (cnt == stop_after)
            *cut = we;
        i = we;
    }
    return cnt;
}

static int teaser_sentence(void *vctx, size_t start, size_t end)
{
    struct teaser_ctx *t = vctx;
    size_t cut;
    size_t w = count_words(t->text, start, end, t->limit * 3, &cut);
    if (t->first) {
        t->first = false;
        if (w > t->limit * 3) {
            append_collapsed(t->out, t->text, start, cut, &t->rc);
            ndx__buf_puts(t->out, "\xE2\x80\xA6", &t->rc);
            return 1;
        }
    } else {
        if (t->count + w > t->limit)
            return 1;
        ndx__buf_putc(t->out, ' ', &t->rc);
    }
    append_collapsed(t->out, t->text, start, end, &t->rc);
    t->count += w;
    return t->rc ? 1 : 0;
}

int ndx__teaser(const char *text, size_t ntext, size_t words, struct ndx_buf *out)
{
    struct teaser_ctx t = {
        text, text ? ntext : 0, words ? words : DEFAULT_TEASER_WORDS, 0, true, out, 0};
    int rc = 0;
    ndx__buf_append(out, "", 0, &rc); /* the result is a string even when empty */
    if (rc)
        return rc;
    ndx__sentences(text, t.ntext, teaser_sentence, &t);
    return t.rc;
}

int ndx_teaser(const char *text, size_t ntext, size_t words, char **out, size_t *nout)
{
    if (!out)
        return NDX_EINVAL;
    *out = NULL;
    if (!text && ntext)
        return NDX_EINVAL;
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    int rc = ndx__teaser(text, ntext, words, &b);
    if (rc) {
        ndx__buf_free(&b);
        return rc;
    }
    size_t n;
    *out = ndx__buf_detach(&b, &n);
    if (!*out)
        return NDX_ENOMEM;
    if (nout)
        *nout = n;
    return NDX_OK;
}
