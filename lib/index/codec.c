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

void ndx__unpack_range(const uint8_t *in, uint32_t *v, size_t from, size_t to, size_t n, unsigned b)
{
    if (b == 0) {
        memset(v + from, 0, (to - from) * sizeof *v);
        return;
    }
    const uint64_t mask = b == 32 ? 0xffffffffu : ((1u << b) - 1);
    size_t i = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* each value from one unaligned 8-byte load, while the load stays inside the packed bytes
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
