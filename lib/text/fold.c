/*
 * fold.c - simplified and traditional Chinese as one script for search.  Han characters are
 * folded to their simplified form with OpenCC's tables (Debian's libopencc-data): Hong Kong
 * variants to standard traditional (hk2t), then traditional phrases and characters to
 * simplified (t2s), so 陳全國, 陈全国, 臺灣, 台灣 and 台湾, 衞/衛/卫, 裡/裏/里 each fold to one
 * form. (tw2s is not used: its Taiwan-variant step turns the simplified 么 of 什么 into 幺, so
 * folded text would not fold to itself.)  The folded characters become the index terms; the text
 * itself is stored, shown and highlighted as written (token offsets still point at the original
 * characters).
 *
 * Cost: most Han text (simplified, Japanese) needs nothing.  Each character is first looked up in
 * a per-process table of single-character folds (filled on first sight, one OpenCC call per
 * distinct character); only runs of Han characters holding a character that folds go through
 * OpenCC's phrase conversion, all of them in one call per analysed text (runs joined by newlines).
 * A phrase conversion that changes a run's length is not used: that run is folded character by
 * character.  OpenCC is called under a mutex (queries are analysed on several server threads).
 */
#include "text/text.h"

#include <opencc.h>
#include <utf8proc.h>
#include <pthread.h>

#define FOLD_LIMIT 0x32000u /* Han code points above this are left as they are */
#define RUN_MAX    256      /* characters of one run converted as a unit */

/* The phrases OpenCC converts otherwise than character by character, listed by each character
 * they convert differently (sorted by code point; generated from OpenCC's tables by
 * gen_fold_chars.py at build time). */
struct ndx__han_phrase {
    const char *text;
    uint8_t nchars, at; /* characters; the index of the character in the phrase */
};
struct ndx__han_phrase_char {
    uint32_t cp;
    uint32_t first, count;
};
extern const struct ndx__han_phrase ndx__han_phrases[];
extern const struct ndx__han_phrase_char ndx__han_phrase_chars[];
extern const size_t ndx__han_nphrase_chars;

static pthread_once_t cc_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cc_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t cc_hk = (opencc_t)-1, cc_ts = (opencc_t)-1;
static int cc_ok;
/* single-character folds: 0 not yet known, else the folded code point (itself if unchanged) */
static uint32_t char_fold[FOLD_LIMIT];

/* BMP characters of ndx__han_phrase_chars, as bits (filled by cc_open) */
static uint8_t phrase_bits[0x10000 / 8];

static void cc_open(void)
{
    for (size_t k = 0; k < ndx__han_nphrase_chars; k++)
        if (ndx__han_phrase_chars[k].cp < 0x10000)
            phrase_bits[ndx__han_phrase_chars[k].cp >> 3] |=
                (uint8_t)(1u << (ndx__han_phrase_chars[k].cp & 7));
    cc_hk = opencc_open("hk2t.json");
    cc_ts = opencc_open("t2s.json");
    cc_ok = cc_hk != (opencc_t)-1 && cc_ts != (opencc_t)-1;
}

bool ndx__han_fold_available(void)
{
    pthread_once(&cc_once, cc_open);
    return cc_ok;
}

bool ndx__text_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp < FOLD_LIMIT);
}

/* Convert `in` through both converters; a malloc'd string (opencc_convert_utf8_free) or NULL. */
static char *convert(const char *in, size_t n)
{
    if (!ndx__han_fold_available())
        return NULL;
    pthread_mutex_lock(&cc_lock);
    char *a = opencc_convert_utf8(cc_hk, in, n);
    char *b = a ? opencc_convert_utf8(cc_ts, a, strlen(a)) : NULL;
    pthread_mutex_unlock(&cc_lock);
    if (a)
        opencc_convert_utf8_free(a);
    return b;
}

uint32_t ndx__han_fold_char(uint32_t cp)
{
    if (!ndx__text_is_han(cp))
        return cp;
    uint32_t f = __atomic_load_n(&char_fold[cp], __ATOMIC_RELAXED);
    if (f)
        return f;
    uint8_t u[4];
    size_t n = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, u);
    char *o = convert((const char *)u, n);
    f = cp;
    if (o) {
        uint32_t c;
        size_t no = strlen(o);
        size_t len = no ? ndx__text_decode((const uint8_t *)o, no, &c) : 0;
        if (len && len == no)
            f = c;
        opencc_convert_utf8_free(o);
    } else if (ndx__han_fold_available()) {
        return cp; /* a failed conversion is not remembered */
    }
    __atomic_store_n(&char_fold[cp], f, __ATOMIC_RELAXED);
    return f;
}

/* ---- folding the Han runs of one text ------------------------------------------------------- */

static int fold_push(struct ndx__hanfold *f, size_t off, uint32_t cp)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct ndx__hanfold_ent *e = ndx_realloc(f->ent, cap * sizeof *e);
        if (!e)
            return NDX_ENOMEM;
        f->ent = e;
        f->cap = cap;
    }
    f->ent[f->n++] = (struct ndx__hanfold_ent){off, cp};
    return NDX_OK;
}

struct run {
    size_t start, end; /* bytes of the text */
    size_t nchars;     /* characters when converted by phrase; 0: folded by character */
};

/* Record the character folds of run r (the text's bytes) from `out` (its phrase conversion, or
 * NULL): the phrase conversion when it has as many characters, else single-character folds. */
static int fold_run(struct ndx__hanfold *f, const uint8_t *s, const struct run *r,
                    const uint8_t *out, size_t nout)
{
    size_t count = 0;
    for (size_t i = 0; out && i < nout;) {
        uint32_t c;
        size_t len = ndx__text_decode(out + i, nout - i, &c);
        i += len ? len : 1;
        count++;
    }
    if (!r->nchars || count != r->nchars)
        out = NULL;
    size_t j = 0;
    for (size_t i = r->start; i < r->end;) {
        uint32_t cp, fc;
        size_t len = ndx__text_decode(s + i, r->end - i, &cp);
        if (!len)
            len = 1, cp = 0;
        if (out) {
            size_t ol = ndx__text_decode(out + j, nout - j, &fc);
            j += ol ? ol : 1;
            if (!ol)
                fc = cp;
        } else {
            fc = ndx__han_fold_char(cp);
        }
        if (fc != cp && ndx__text_is_han(fc)) {
            int rc = fold_push(f, i, fc);
            if (rc)
                return rc;
        }
        i += len;
    }
    return NDX_OK;
}

/* The entry of cp in ndx__han_phrase_chars, or NULL: the character folds as it stands. */
static const struct ndx__han_phrase_char *phrase_char(uint32_t cp)
{
    if (cp < 0x10000 && !(phrase_bits[cp >> 3] >> (cp & 7) & 1))
        return NULL;
    size_t lo = 0, hi = ndx__han_nphrase_chars;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ndx__han_phrase_chars[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ndx__han_nphrase_chars && ndx__han_phrase_chars[lo].cp == cp
               ? &ndx__han_phrase_chars[lo]
               : NULL;
}

/* The longest listed phrase of character c of a run (characters at s + off[0..nc], off[nc] the
 * end) that the run holds around it: *a, *b its first and end character.  False: none. */
static bool phrase_at(const uint8_t *s, const size_t *off, size_t nc, size_t c, size_t *a,
                      size_t *b)
{
    uint32_t cp;
    if (!ndx__text_decode(s + off[c], off[c + 1] - off[c], &cp))
        return false;
    const struct ndx__han_phrase_char *pc = phrase_char(cp);
    for (uint32_t k = 0; pc && k < pc->count; k++) { /* longest first */
        const struct ndx__han_phrase *p = &ndx__han_phrases[pc->first + k];
        if (p->at > c || c - p->at + p->nchars > nc)
            continue;
        size_t from = c - p->at, to = from + p->nchars, len = strlen(p->text);
        if (off[to] - off[from] == len && memcmp(s + off[from], p->text, len) == 0) {
            *a = from;
            *b = to;
            return true;
        }
    }
    return false;
}

struct scan {
    struct run *runs;
    size_t nruns, cap;
    struct ndx_buf batch; /* the phrase runs, one per line */
};

static int add_run(struct scan *sc, const uint8_t *s, size_t start, size_t end, size_t nchars,
                   bool phrase)
{
    if (sc->nruns == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16;
        struct run *q = ndx_realloc(sc->runs, cap * sizeof *q);
        if (!q)
            return NDX_ENOMEM;
        sc->runs = q;
        sc->cap = cap;
    }
    sc->runs[sc->nruns++] = (struct run){start, end, phrase ? nchars : 0};
    int rc = NDX_OK;
    if (phrase) {
        ndx__buf_append(&sc->batch, s + start, end - start, &rc);
        ndx__buf_putc(&sc->batch, '\n', &rc);
    }
    return rc;
}

int ndx__han_fold_scan(struct ndx__hanfold *f, const char *text, size_t n, size_t from)
{
    const uint8_t *s = (const uint8_t *)text;
    struct scan sc = {0};
    ndx__buf_init(&sc.batch, 0);
    size_t off[RUN_MAX + 1]; /* byte offset of each character of the run, and its end */
    int rc = NDX_OK;
    f->n = f->k = 0;
    f->scanned = true;
    if (!ndx__han_fold_available())
        return NDX_OK; /* no tables: nothing folds */
    size_t i = from;
    while (i < n && !rc) {
        /* the next run of Han characters (RUN_MAX at most), noting what folds */
        uint32_t cp;
        size_t len = s[i] >= 0xE3 ? ndx__text_decode(s + i, n - i, &cp) : 0;
        if (!len || !ndx__text_is_han(cp)) {
            i += len ? len : 1;
            continue;
        }
        size_t nc = 0, first_ps = SIZE_MAX;
        bool folds = false;
        size_t j = i;
        while (j < n && nc < RUN_MAX) {
            len = s[j] >= 0xE3 ? ndx__text_decode(s + j, n - j, &cp) : 0;
            if (!len || !ndx__text_is_han(cp))
                break;
            if (!folds && ndx__han_fold_char(cp) != cp)
                folds = true;
            if (first_ps == SIZE_MAX && phrase_char(cp))
                first_ps = nc;
            off[nc++] = j;
            j += len;
        }
        off[nc] = j;
        i = j;
        if (first_ps == SIZE_MAX) { /* converts as its characters do one by one */
            if (folds)
                rc = add_run(&sc, s, off[0], off[nc], nc, false);
            continue;
        }
        /* the listed phrases found in the run go to OpenCC, the rest is folded by character */
        size_t done = 0;
        for (size_t c = first_ps; c < nc && !rc; c++) {
            size_t a, b;
            if (!phrase_at(s, off, nc, c, &a, &b))
                continue;
            if (a < done)
                a = done;
            if (a > done)
                rc = add_run(&sc, s, off[done], off[a], a - done, false);
            if (!rc)
                rc = add_run(&sc, s, off[a], off[b], b - a, true);
            done = b;
            c = b - 1;
        }
        if (!rc && done < nc)
            rc = add_run(&sc, s, off[done], off[nc], nc - done, false);
    }
    if (!rc && sc.nruns) {
        char *out = sc.batch.n ? convert((const char *)sc.batch.p, sc.batch.n) : NULL;
        const uint8_t *o = (const uint8_t *)out, *oend = o ? o + strlen(out) : NULL;
        for (size_t k = 0; k < sc.nruns && !rc; k++) { /* in text order: f->ent stays sorted */
            if (sc.runs[k].nchars == 0) {
                rc = fold_run(f, s, &sc.runs[k], NULL, 0);
                continue;
            }
            const uint8_t *nl = o ? memchr(o, '\n', (size_t)(oend - o)) : NULL;
            if (!nl)
                o = NULL; /* fewer lines than runs: the rest by character */
            rc = fold_run(f, s, &sc.runs[k], o, o ? (size_t)(nl - o) : 0);
            if (o)
                o = nl + 1;
        }
        if (out)
            opencc_convert_utf8_free(out);
    }
    ndx_free(sc.runs);
    ndx__buf_free(&sc.batch);
    return rc;
}

uint32_t ndx__han_fold_at(struct ndx__hanfold *f, size_t off)
{
    while (f->k < f->n && f->ent[f->k].off < off)
        f->k++;
    return f->k < f->n && f->ent[f->k].off == off ? f->ent[f->k].cp : 0;
}

void ndx__han_fold_free(struct ndx__hanfold *f)
{
    ndx_free(f->ent);
    memset(f, 0, sizeof *f);
}

int ndx__han_fold_copy(const char *w, size_t n, struct ndx_buf *out)
{
    struct ndx__hanfold f = {0};
    int rc = ndx__han_fold_scan(&f, w, n, 0);
    ndx__buf_reset(out);
    size_t done = 0;
    for (size_t k = 0; k < f.n && !rc; k++) {
        uint32_t old;
        size_t len = ndx__text_decode((const uint8_t *)w + f.ent[k].off, n - f.ent[k].off, &old);
        uint8_t u[4];
        size_t nu = (size_t)utf8proc_encode_char((utf8proc_int32_t)f.ent[k].cp, u);
        ndx__buf_append(out, w + done, f.ent[k].off - done, &rc);
        ndx__buf_append(out, u, nu, &rc);
        done = f.ent[k].off + len;
    }
    ndx__buf_append(out, w + done, n - done, &rc);
    ndx__han_fold_free(&f);
    return rc;
}
