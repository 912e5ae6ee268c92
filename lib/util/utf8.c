/*
 * utf8.c - the one strict UTF-8 decoder of the library (never reads past the end of its input),
 * and the validation and repair of untrusted input built on it (ndx_int.h).  Readers call
 * ndx__utf8_repair on every text field before it reaches the analyzer or the store, so the rest
 * of the library may assume valid UTF-8.
 */
#include "ndx_int.h"

size_t ndx__utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = (c & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = (c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
    uint32_t v = (c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
                 (s[3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF)
        return 0;
    *cp = v;
    return 4;
}

/* Length of the valid sequence at s (1..4), or 0 if invalid. */
static size_t seq_len(const uint8_t *s, size_t n)
{
    uint32_t cp;
    return ndx__utf8_decode(s, n, &cp);
}

size_t ndx__utf8_valid_prefix(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = seq_len(p + i, n - i);
        if (!l)
            break;
        i += l;
    }
    return i;
}

void ndx__utf8_repair(const char *s, size_t n, struct ndx_buf *out, size_t *nfixed,
                      size_t *first_bad, int *rc)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t fixed = 0, bad = SIZE_MAX, i = 0, run = 0;
    while (i < n && !*rc) {
        uint8_t c = p[i];
        size_t l = seq_len(p + i, n - i);
        int drop = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
        if (l && !drop) {
            i += l;
            continue;
        }
        ndx__buf_append(out, p + run, i - run, rc);
        if (!drop) {
            ndx__buf_append(out, "\xEF\xBF\xBD", 3, rc);
            fixed++;
            if (bad == SIZE_MAX)
                bad = i;
        }
        i++;
        run = i;
    }
    ndx__buf_append(out, p + run, n - run, rc);
    if (nfixed)
        *nfixed = fixed;
    if (first_bad)
        *first_bad = bad;
}
