/*
 * stem.c - Snowball stemmers (libstemmer): the ISO 639-1 -> algorithm map, one stemmer object per
 * language per thread created lazily, and a per-thread direct-mapped memo of short words -> stems
 * (news text is Zipfian, so most words hit it and skip the Snowball call).  Also ndx__stem and the
 * thread cleanup.  libstemmer allocates with its own malloc; everything else here uses ndx_*.
 */
#include "text/text.h"

#include <pthread.h>

#include <libstemmer.h>

static const struct {
    const char *iso;
    const char *algo;
} stem_langs[] = {
    {"en", "english"}, {"de", "german"},     {"fr", "french"},    {"es", "spanish"},
    {"it", "italian"}, {"pt", "portuguese"}, {"nl", "dutch"},     {"ru", "russian"},
    {"sv", "swedish"}, {"no", "norwegian"},  {"nb", "norwegian"}, {"nn", "norwegian"},
    {"da", "danish"},  {"fi", "finnish"},    {"hu", "hungarian"}, {"ro", "romanian"},
    {"tr", "turkish"}, {"ar", "arabic"},     {"el", "greek"},     {"id", "indonesian"},
    {"ga", "irish"},   {"lt", "lithuanian"}, {"ne", "nepali"},    {"sr", "serbian"},
    {"ta", "tamil"},   {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"},
    {"hi", "hindi"},   {"yi", "yiddish"},
};
#define NLANGS NDX_ARRAY_LEN(stem_langs)

static const char *const stem_isos[] = {
    "en", "de", "fr", "es", "it", "pt", "nl", "ru", "sv", "no", "nb", "nn", "da", "fi", "hu", "ro",
    "tr", "ar", "el", "id", "ga", "lt", "ne", "sr", "ta", "hy", "eu", "ca", "hi", "yi", NULL,
};

#define MEMO_SLOTS 16384 /* per language; 64 bytes each (1 MiB) */
#define MEMO_MAX   31    /* longest word (and stem) memoised, bytes */

struct memo_slot {
    uint8_t nkey, nval; /* nkey 0 = empty */
    uint8_t key[MEMO_MAX];
    uint8_t val[MEMO_MAX];
};

struct ndx__stemmer {
    struct sb_stemmer *sb;
    struct memo_slot *memo; /* MEMO_SLOTS, 64-byte aligned, or NULL (no memo) */
    void *memo_mem;         /* the allocation memo points into */
};

static _Thread_local struct ndx__stemmer *tls_stemmers[NLANGS];
static _Thread_local bool tls_failed[NLANGS]; /* sb_stemmer_new failed: don't retry per word */

/* A thread that made stemmers frees them when it exits (the key's destructor runs then). */
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_destroy(void *unused)
{
    (void)unused;
    ndx__text_thread_cleanup();
}

static void tls_key_init(void)
{
    (void)pthread_key_create(&tls_key, tls_destroy);
}

const char *const *ndx__stem_languages(void)
{
    return stem_isos;
}

struct ndx__stemmer *ndx__stemmer_get(const char *lang)
{
    if (!lang || !lang[0] || !lang[1] || lang[2])
        return NULL;
    char iso[3] = {(char)(lang[0] | 0x20), (char)(lang[1] | 0x20), 0};
    size_t i;
    for (i = 0; i < NLANGS; i++)
        if (stem_langs[i].iso[0] == iso[0] && stem_langs[i].iso[1] == iso[1])
            break;
    if (i == NLANGS)
        return NULL;
    if (NDX_LIKELY(tls_stemmers[i] != NULL))
        return tls_stemmers[i];
    if (tls_failed[i])
        return NULL;
    struct ndx__stemmer *st = ndx_calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->sb = sb_stemmer_new(stem_langs[i].algo, "UTF_8");
    if (!st->sb) {
        ndx_free(st);
        tls_failed[i] = true;
        return NULL;
    }
    st->memo_mem = ndx_calloc(MEMO_SLOTS + 1, sizeof *st->memo); /* optional */
    if (st->memo_mem)
        st->memo = (struct memo_slot *)(((uintptr_t)st->memo_mem + 63) & ~(uintptr_t)63);
    tls_stemmers[i] = st;
    pthread_once(&tls_once, tls_key_init);
    (void)pthread_setspecific(tls_key, (void *)1);
    return st;
}

static inline uint32_t memo_hash(const uint8_t *w, size_t n)
{
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;
    while (n > 0) {
        uint64_t v = 0;
        size_t k = n < 8 ? n : 8;
        memcpy(&v, w, k);
        h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        w += k;
        n -= k;
    }
    return (uint32_t)(h >> 32) & (MEMO_SLOTS - 1);
}

int ndx__stemmer_run(struct ndx__stemmer *st, const uint8_t *w, size_t n, const uint8_t **out,
                     size_t *nout)
{
    struct memo_slot *slot = NULL;
    if (st->memo && n <= MEMO_MAX && n > 0) {
        slot = &st->memo[memo_hash(w, n)];
        if (slot->nkey == n && memcmp(slot->key, w, n) == 0) {
            *out = slot->val;
            *nout = slot->nval;
            return NDX_OK;
        }
    }
    if (n > INT32_MAX)
        n = INT32_MAX;
    const sb_symbol *r = sb_stemmer_stem(st->sb, w, (int)n);
    if (!r)
        return NDX_ENOMEM;
    int len = sb_stemmer_length(st->sb);
    *out = r;
    *nout = len > 0 ? (size_t)len : 0;
    if (slot && *nout <= MEMO_MAX) {
        slot->nkey = (uint8_t)n;
        memcpy(slot->key, w, n);
        slot->nval = (uint8_t)*nout;
        memcpy(slot->val, r, *nout);
    }
    return NDX_OK;
}

int ndx__stem(const char *lang, const char *term, size_t nterm, struct ndx_buf *out)
{
    ndx__buf_reset(out);
    if (!ndx__stemmer_get(lang)) {
        int rc = 0;
        ndx__buf_append(out, term, nterm, &rc);
        return rc;
    }
    return ndx__normalize_term(term, nterm, lang, 1, out);
}

void ndx__text_thread_cleanup(void)
{
    for (size_t i = 0; i < NLANGS; i++) {
        struct ndx__stemmer *st = tls_stemmers[i];
        if (st) {
            sb_stemmer_delete(st->sb);
            ndx_free(st->memo_mem);
            ndx_free(st);
            tls_stemmers[i] = NULL;
        }
        tls_failed[i] = false;
    }
}
