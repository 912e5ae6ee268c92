/*
 * decomp.c - the stream decoders of the byte source: gzip (zlib), xz (liblzma), bzip2 (libbz2) and
 * zstd (libzstd), recognised by their magic bytes whatever the file is called.  Each codec decodes
 * one member (gzip member, xz stream, bzip2 stream, zstd frame) at a time; source.c chains members,
 * applies the bomb limits and reports damage.  All memory goes through the library's allocator.
 */
#include "ingest.h"

#include <stdio.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDStream_advanced: our allocator */
#include <zstd.h>
#include <zstd_errors.h>

struct ndx__zdec {
    int codec;
    int live; /* the decoder state is initialised */
    union {
        z_stream gz;
        lzma_stream xz;
        bz_stream bz;
        ZSTD_DStream *zd;
    } u;
    lzma_allocator xa;
    char msg[160];
};

static const char *const names[] = {"", "gzip", "xz", "bzip2", "zstd"};

const char *ndx__zdec_name(int codec)
{
    return codec > 0 && codec < (int)NDX_ARRAY_LEN(names) ? names[codec] : "";
}

int ndx__zdec_sniff(const uint8_t *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return NDX__Z_GZIP;
    if (n >= 6 && memcmp(p,
                         "\xfd"
                         "7zXZ\0",
                         6) == 0)
        return NDX__Z_XZ;
    if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
        return NDX__Z_BZIP2;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return NDX__Z_ZSTD;
    /* zstd skippable frame (0x184D2A5?) in front of the data */
    if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
        return NDX__Z_ZSTD;
    return NDX__Z_NONE;
}

/* allocator adapters */
static void *z_alloc(void *o, unsigned items, unsigned size)
{
    NDX_UNUSED(o);
    return ndx_calloc(items, size);
}
static void z_free(void *o, void *p)
{
    NDX_UNUSED(o);
    ndx_free(p);
}
static void *x_alloc(void *o, size_t items, size_t size)
{
    NDX_UNUSED(o);
    if (items && size > SIZE_MAX / items)
        return NULL;
    size_t n = items * size;
    return ndx_malloc(n ? n : 1);
}
static void x_free(void *o, void *p)
{
    NDX_UNUSED(o);
    ndx_free(p);
}
static void *b_alloc(void *o, int items, int size)
{
    NDX_UNUSED(o);
    return items < 0 || size < 0 ? NULL : ndx_calloc((size_t)items, (size_t)size);
}
static void b_free(void *o, void *p)
{
    NDX_UNUSED(o);
    ndx_free(p);
}
static void *zs_alloc(void *o, size_t n)
{
    NDX_UNUSED(o);
    return ndx_malloc(n ? n : 1);
}

static void end(struct ndx__zdec *d)
{
    if (!d->live)
        return;
    switch (d->codec) {
    case NDX__Z_GZIP:
        inflateEnd(&d->u.gz);
        break;
    case NDX__Z_XZ:
        lzma_end(&d->u.xz);
        break;
    case NDX__Z_BZIP2:
        BZ2_bzDecompressEnd(&d->u.bz);
        break;
    case NDX__Z_ZSTD:
        ZSTD_freeDStream(d->u.zd);
        break;
    }
    d->live = 0;
}

/* (Re)start the decoder for a new member.  Returns status. */
static int begin(struct ndx__zdec *d)
{
    end(d);
    memset(&d->u, 0, sizeof d->u);
    int ok = 0;
    switch (d->codec) {
    case NDX__Z_GZIP:
        d->u.gz.zalloc = z_alloc;
        d->u.gz.zfree = z_free;
        ok = inflateInit2(&d->u.gz, 16 + MAX_WBITS) == Z_OK;
        break;
    case NDX__Z_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        d->u.xz = init;
        d->xa.alloc = x_alloc;
        d->xa.free = x_free;
        d->xa.opaque = NULL;
        d->u.xz.allocator = &d->xa;
        ok = lzma_stream_decoder(&d->u.xz, UINT64_MAX, 0) == LZMA_OK;
        break;
    }
    case NDX__Z_BZIP2:
        d->u.bz.bzalloc = b_alloc;
        d->u.bz.bzfree = b_free;
        ok = BZ2_bzDecompressInit(&d->u.bz, 0, 0) == BZ_OK;
        break;
    case NDX__Z_ZSTD: {
        ZSTD_customMem mem = {zs_alloc, x_free, NULL};
        d->u.zd = ZSTD_createDStream_advanced(mem);
        ok = d->u.zd && !ZSTD_isError(ZSTD_initDStream(d->u.zd));
        if (!ok && d->u.zd)
            ZSTD_freeDStream(d->u.zd);
        break;
    }
    }
    d->live = ok;
    return ok ? NDX_OK : NDX_ENOMEM;
}

int ndx__zdec_open(struct ndx__zdec **out, int codec)
{
    struct ndx__zdec *d = ndx_calloc(1, sizeof *d);
    if (!d)
        return NDX_ENOMEM;
    d->codec = codec;
    int rc = begin(d);
    if (rc) {
        ndx_free(d);
        return rc;
    }
    *out = d;
    return NDX_OK;
}

int ndx__zdec_restart(struct ndx__zdec *d)
{
    return begin(d);
}

void ndx__zdec_close(struct ndx__zdec *d)
{
    if (!d)
        return;
    end(d);
    ndx_free(d);
}

const char *ndx__zdec_msg(const struct ndx__zdec *d)
{
    return d->msg;
}

int ndx__zdec_step(struct ndx__zdec *d, const uint8_t *in, size_t nin, size_t *used, uint8_t *out,
                   size_t nout, size_t *made)
{
    *used = *made = 0;
    d->msg[0] = 0;
    if (!d->live)
        return NDX__ZS_NOMEM;
    switch (d->codec) {
    case NDX__Z_GZIP: {
        z_stream *z = &d->u.gz;
        z->next_in = (Bytef *)in;
        z->avail_in = (uInt)NDX_MIN(nin, (size_t)UINT32_MAX);
        z->next_out = out;
        z->avail_out = (uInt)NDX_MIN(nout, (size_t)UINT32_MAX);
        int r = inflate(z, Z_NO_FLUSH);
        *used = (size_t)(z->next_in - in);
        *made = (size_t)(z->next_out - out);
        if (r == Z_STREAM_END)
            return NDX__ZS_END;
        if (r == Z_MEM_ERROR)
            return NDX__ZS_NOMEM;
        if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR) {
            snprintf(d->msg, sizeof d->msg, "%s", z->msg ? z->msg : "data error");
            return NDX__ZS_ERROR;
        }
        return NDX__ZS_OK;
    }
    case NDX__Z_XZ: {
        lzma_stream *z = &d->u.xz;
        z->next_in = in;
        z->avail_in = nin;
        z->next_out = out;
        z->avail_out = nout;
        lzma_ret r = lzma_code(z, nin ? LZMA_RUN : LZMA_FINISH);
        *used = (size_t)(z->next_in - in);
        *made = (size_t)(z->next_out - out);
        if (r == LZMA_STREAM_END)
            return NDX__ZS_END;
        if (r == LZMA_OK || r == LZMA_BUF_ERROR)
            return NDX__ZS_OK;
        if (r == LZMA_MEM_ERROR)
            return NDX__ZS_NOMEM;
        snprintf(d->msg, sizeof d->msg, "%s",
                 r == LZMA_FORMAT_ERROR     ? "not xz data"
                 : r == LZMA_OPTIONS_ERROR  ? "unsupported options"
                 : r == LZMA_MEMLIMIT_ERROR ? "memory limit"
                                            : "data error");
        return NDX__ZS_ERROR;
    }
    case NDX__Z_BZIP2: {
        bz_stream *z = &d->u.bz;
        z->next_in = (char *)in;
        z->avail_in = (unsigned)NDX_MIN(nin, (size_t)UINT32_MAX);
        z->next_out = (char *)out;
        z->avail_out = (unsigned)NDX_MIN(nout, (size_t)UINT32_MAX);
        int r = BZ2_bzDecompress(z);
        *used = (size_t)((const uint8_t *)z->next_in - in);
        *made = (size_t)((uint8_t *)z->next_out - out);
        if (r == BZ_STREAM_END)
            return NDX__ZS_END;
        if (r == BZ_OK)
            return NDX__ZS_OK;
        if (r == BZ_MEM_ERROR)
            return NDX__ZS_NOMEM;
        snprintf(d->msg, sizeof d->msg, "%s",
                 r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "data error");
        return NDX__ZS_ERROR;
    }
    case NDX__Z_ZSTD: {
        ZSTD_inBuffer ib = {in, nin, 0};
        ZSTD_outBuffer ob = {out, nout, 0};
        size_t r = ZSTD_decompressStream(d->u.zd, &ob, &ib);
        *used = ib.pos;
        *made = ob.pos;
        if (ZSTD_isError(r)) {
            if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
                return NDX__ZS_NOMEM;
            snprintf(d->msg, sizeof d->msg, "%s", ZSTD_getErrorName(r));
            return NDX__ZS_ERROR;
        }
        /* 0: a frame is complete and flushed */
        return r == 0 ? NDX__ZS_END : NDX__ZS_OK;
    }
    }
    return NDX__ZS_ERROR;
}
