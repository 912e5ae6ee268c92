/*
 * sketch.c - one-permutation MinHash sketches of word 4-shingles, with rotation densification,
 * and LSH band keys (dedup.h).  Words are lower-cased ASCII letter/digit runs; every non-ASCII
 * character of a CJK or other script without spaces counts as a word of its own, and other
 * non-ASCII letters are part of words, so the sketch works for every language without the
 * analyzer (and costs one pass over the bytes).
 */
#include "dedup/dedup.h"

#define SHINGLE 4

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* Lead bytes of 3-byte UTF-8 sequences of CJK/kana/hangul blocks (U+2E80..U+9FFF, U+AC00..). */
static inline int cjk_lead(uint8_t c)
{
    return (c >= 0xE2 && c <= 0xE9) || (c >= 0xEA && c <= 0xED);
}

size_t ndx__sketch(const char *text, size_t n, uint16_t sig[NDX_SKETCH_BINS])
{
    uint64_t mins[NDX_SKETCH_BINS];
    for (int i = 0; i < NDX_SKETCH_BINS; i++)
        mins[i] = UINT64_MAX;
    const uint8_t *p = (const uint8_t *)text, *end = p + n;
    uint64_t win[SHINGLE] = {0};
    size_t nwords = 0, nsh = 0;
    while (p < end) {
        uint64_t h = 0x9e3779b97f4a7c15ull;
        const uint8_t *s = p;
        if (*p >= 0x80 && cjk_lead(*p) && end - p >= 3) {
            h = (h ^ p[0] ^ (uint64_t)p[1] << 8 ^ (uint64_t)p[2] << 16) * 0x100000001b3ull;
            p += 3;
        } else if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= 'A' && *p <= 'Z') || (*p >= 0x80 && !cjk_lead(*p))) {
            while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                               (*p >= 'A' && *p <= 'Z') || (*p >= 0x80 && !cjk_lead(*p)))) {
                uint8_t c = (uint8_t)ndx__ascii_lower(*p++);
                h = (h ^ c) * 0x100000001b3ull;
            }
        } else {
            p++;
            continue;
        }
        (void)s;
        win[nwords % SHINGLE] = h;
        nwords++;
        if (nwords < SHINGLE)
            continue;
        /* order-dependent combination of the last SHINGLE word hashes, then one mix */
        static const uint64_t K[SHINGLE] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full,
                                            0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull};
        uint64_t sh = 0;
        for (size_t k = 0; k < SHINGLE; k++)
            sh += win[(nwords + k) % SHINGLE] * K[k];
        sh = mix(sh);
        unsigned bin = (unsigned)(sh >> 58);
        if (sh < mins[bin] || mins[bin] == UINT64_MAX)
            mins[bin] = sh;
        nsh++;
    }
    if (nsh < NDX_SKETCH_MIN_SHINGLES) {
        memset(sig, 0, sizeof(uint16_t) * NDX_SKETCH_BINS);
        return 0;
    }
    /* densification: an empty bin borrows the next non-empty bin's value, salted by distance */
    for (int i = 0; i < NDX_SKETCH_BINS; i++) {
        uint64_t v = mins[i];
        int d = 0;
        while (v == UINT64_MAX) {
            d++;
            v = mins[(i + d) % NDX_SKETCH_BINS];
        }
        uint16_t x = (uint16_t)(mix(v + (uint64_t)d * 0x9e3779b97f4a7c15ull) >> 48);
        sig[i] = x ? x : 1;
    }
    return nsh;
}

int ndx__sketch_empty(const uint16_t *sig)
{
    return sig[0] == 0;
}

double ndx__sketch_sim(const uint16_t *a, const uint16_t *b)
{
    if (ndx__sketch_empty(a) || ndx__sketch_empty(b))
        return 0;
    int eq = 0;
    for (int i = 0; i < NDX_SKETCH_BINS; i++)
        eq += a[i] == b[i];
    return (double)eq / NDX_SKETCH_BINS;
}

uint64_t ndx__sketch_band(const uint16_t *sig, int band)
{
    uint64_t k = (uint64_t)band + 1;
    for (int r = 0; r < NDX_SKETCH_ROWS; r++)
        k = mix(k ^ sig[band * NDX_SKETCH_ROWS + r] ^ (uint64_t)r << 20);
    return k ? k : 1;
}
