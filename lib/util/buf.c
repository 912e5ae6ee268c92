/*
 * buf.c - growable byte buffer with a sticky error code and an optional size cap (ndx_int.h).
 * Used by every builder: segment writer, JSON output, snippets, readers of untrusted input.
 */
#include "ndx_int.h"

#include <stdio.h>

void ndx__buf_init(struct ndx_buf *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit;
}

void ndx__buf_free(struct ndx_buf *b)
{
    size_t limit = b->limit;
    ndx_free(b->p);
    memset(b, 0, sizeof *b);
    b->limit = limit;
}

void ndx__buf_reset(struct ndx_buf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = 0;
}

int ndx__buf_reserve(struct ndx_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->n - 1)
        return NDX_ETOOBIG;
    size_t need = b->n + extra + 1;
    if (b->limit && b->n + extra > b->limit)
        return NDX_ETOOBIG;
    if (need <= b->cap)
        return NDX_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = ndx_realloc(b->p, cap);
    if (!p)
        return NDX_ENOMEM;
    b->p = p;
    b->cap = cap;
    return NDX_OK;
}

void ndx__buf_append(struct ndx_buf *b, const void *p, size_t n, int *rc)
{
    if (*rc)
        return;
    int r = ndx__buf_reserve(b, n);
    if (r) {
        *rc = r;
        return;
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
}

void ndx__buf_putc(struct ndx_buf *b, int c, int *rc)
{
    uint8_t ch = (uint8_t)c;
    ndx__buf_append(b, &ch, 1, rc);
}

void ndx__buf_puts(struct ndx_buf *b, const char *s, int *rc)
{
    ndx__buf_append(b, s, strlen(s), rc);
}

void ndx__buf_printf(struct ndx_buf *b, int *rc, const char *fmt, ...)
{
    if (*rc)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        *rc = NDX_EINVAL;
        return;
    }
    int r = ndx__buf_reserve(b, (size_t)n);
    if (r) {
        *rc = r;
        return;
    }
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void ndx__buf_put_varint(struct ndx_buf *b, uint64_t v, int *rc)
{
    if (NDX_LIKELY(!*rc && b->n + 11 <= b->cap)) {
        uint8_t *o = b->p + b->n;
        while (v >= 0x80) {
            *o++ = (uint8_t)(v | 0x80);
            v >>= 7;
        }
        *o++ = (uint8_t)v;
        b->n = (size_t)(o - b->p);
        b->p[b->n] = 0;
        return;
    }
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    ndx__buf_append(b, tmp, n, rc);
}

void ndx__buf_put_u32(struct ndx_buf *b, uint32_t v, int *rc)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    ndx__buf_append(b, t, 4, rc);
}

void ndx__buf_put_u64(struct ndx_buf *b, uint64_t v, int *rc)
{
    ndx__buf_put_u32(b, (uint32_t)v, rc);
    ndx__buf_put_u32(b, (uint32_t)(v >> 32), rc);
}

char *ndx__buf_detach(struct ndx_buf *b, size_t *n)
{
    if (!b->p) {
        int rc = 0;
        ndx__buf_append(b, "", 0, &rc);
        if (rc)
            return NULL;
    }
    char *p = (char *)b->p;
    if (n)
        *n = b->n;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}
