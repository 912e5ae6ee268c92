/*
 * codec.c - fixed-width bit packing of postings blocks (docid gaps and weighted frequencies).
 * A block of n values of b bits occupies ceil(n*b/8) bytes, least significant bits first.  Used
 * by segwriter.c (pack) and the postings iterator in segreader.c (unpack).
 */
#include "index/index.h"

unsigned ndx__bits_needed(const uint32_t *v, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= v[i];
    unsigned b = 0;
    while (m) {
        b++;
        m >>= 1;
    }
    return b;
}

void ndx__pack(struct ndx_buf *out, const uint32_t *v, size_t n, unsigned b, int *rc)
{
    size_t nbytes = (n * b + 7) / 8;
    if (*rc || b == 0)
        return;
    int r = ndx__buf_reserve(out, nbytes);
    if (r) {
        *rc = r;
        return;
    }
    uint8_t *o = out->p + out->n;
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)v[i] << bits;
        bits += b;
        while (bits >= 8) {
            o[k++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
    if (bits)
        o[k++] = (uint8_t)acc;
    out->n += nbytes;
    out->p[out->n] = 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Groups of 8 values of B bits (B bytes) with every shift a constant; *pi advances past the
 * groups done, which end where a group's 8-byte loads would pass the packed bytes. */
#define UNPACK_GROUPS(B)                                                                           \
    static void unpack8_##B(const uint8_t *in, uint32_t *v, size_t *pi, size_t to, size_t nbytes)  \
    {                                                                                              \
        const uint64_t mask = (1ull << (B)) - 1;                                                   \
        size_t i = *pi;                                                                            \
        for (; i + 8 <= to && (i / 8 + 1) * (B) + 8 <= nbytes; i += 8) {                           \
            const uint8_t *g = in + i / 8 * (B);                                                   \
            for (unsigned j = 0; j < 8; j++) {                                                     \
                uint64_t w;                                                                        \
                memcpy(&w, g + j * (B) / 8, 8);                                                    \
                v[i + j] = (uint32_t)((w >> (j * (B) % 8)) & mask);                                \
            }                                                                                      \
        }                                                                                          \
        *pi = i;                                                                                   \
    }
UNPACK_GROUPS(1)
UNPACK_GROUPS(2)
UNPACK_GROUPS(3)
UNPACK_GROUPS(4)
UNPACK_GROUPS(5)
UNPACK_GROUPS(6)
UNPACK_GROUPS(7)
UNPACK_GROUPS(8)
UNPACK_GROUPS(9)
UNPACK_GROUPS(10)
UNPACK_GROUPS(11)
UNPACK_GROUPS(12)
UNPACK_GROUPS(13)
UNPACK_GROUPS(14)
UNPACK_GROUPS(15)
UNPACK_GROUPS(16)
UNPACK_GROUPS(17)
UNPACK_GROUPS(18)
UNPACK_GROUPS(19)
UNPACK_GROUPS(20)
UNPACK_GROUPS(21)
UNPACK_GROUPS(22)
UNPACK_GROUPS(23)
UNPACK_GROUPS(24)
typedef void (*unpack8_fn)(const uint8_t *, uint32_t *, size_t *, size_t, size_t);
static const unpack8_fn unpack8[25] = {NULL,       unpack8_1,  unpack8_2,  unpack8_3,  unpack8_4,
                                       unpack8_5,  unpack8_6,  unpack8_7,  unpack8_8,  unpack8_9,
                                       unpack8_10, unpack8_11, unpack8_12, unpack8_13, unpack8_14,
                                       unpack8_15, unpack8_16, unpack8_17, unpack8_18, unpack8_19,
                                       unpack8_20, unpack8_21, unpack8_22, unpack8_23, unpack8_24};
#endif

void ndx__unpack_range(const uint8_t *in, uint32_t *v, size_t from, size_t to, size_t n, unsigned b)
{
    if (b == 0) {
        memset(v + from, 0, (to - from) * sizeof *v);
        return;
    }
    const uint64_t mask = b == 32 ? 0xffffffffu : ((1u << b) - 1);
    size_t i = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* widths up to 24: the values before the first whole group of 8, then whole groups */
    if (b <= 24 && to - from >= 16) {
        size_t nb = (n * b + 7) / 8;
        for (; i % 8 && i < to; i++) {
            size_t bit = i * b;
            if ((bit >> 3) + 8 > nb)
                break;
            uint64_t w;
            memcpy(&w, in + (bit >> 3), 8);
            v[i] = (uint32_t)((w >> (bit & 7)) & mask);
        }
        if (i % 8 == 0)
            unpack8[b](in, v, &i, to, nb);
    }
    /* then each value from one unaligned 8-byte load, while the load stays inside the packed bytes
     * (b + 7 <= 39 bits of it are used) */
    size_t nbytes = (n * b + 7) / 8;
    for (; i < to; i++) {
        size_t bit = i * b;
        if ((bit >> 3) + 8 > nbytes)
            break;
        uint64_t w;
        memcpy(&w, in + (bit >> 3), 8);
        v[i] = (uint32_t)((w >> (bit & 7)) & mask);
    }
    if (i == to)
        return;
#else
    (void)n;
#endif
    /* the rest byte by byte, from the bit where value i starts */
    size_t bit = i * b;
    in += bit >> 3;
    uint64_t acc = *in++ >> (bit & 7);
    unsigned bits = 8 - (unsigned)(bit & 7);
    for (; i < to; i++) {
        while (bits < b) {
            acc |= (uint64_t)*in++ << bits;
            bits += 8;
        }
        v[i] = (uint32_t)(acc & mask);
        acc >>= b;
        bits -= b;
    }
}

void ndx__unpack(const uint8_t *in, uint32_t *v, size_t n, unsigned b)
{
    ndx__unpack_range(in, v, 0, n, n, b);
}
