/*
 * utf8.c - UTF-8 validation and repair of untrusted input (ndx_int.h).  Readers call
 * ndx__utf8_repair on every text field before it reaches the analyzer or the store, so the rest
 * of the library may assume valid UTF-8.
 */
#include "ndx_int.h"

/* Length of the valid sequence at s (1..4), or 0 if invalid. */
static size_t seq_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
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
