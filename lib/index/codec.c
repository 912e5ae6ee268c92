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

void ndx__unpack(const uint8_t *in, uint32_t *v, size_t n, unsigned b)
{
    if (b == 0) {
        memset(v, 0, n * sizeof *v);
        return;
    }
    const uint64_t mask = b == 32 ? 0xffffffffu : ((1u << b) - 1);
    uint64_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        while (bits < b) {
            acc |= (uint64_t)*in++ << bits;
            bits += 8;
        }
        v[i] = (uint32_t)(acc & mask);
        acc >>= b;
        bits -= b;
    }
}
