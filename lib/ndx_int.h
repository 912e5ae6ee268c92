/*
 * ndx_int.h - base macros, allocation and growable buffers shared by every module of lib/.
 *
 * Internal functions are named ndx__<module>_<verb> and have hidden visibility (the library is
 * built with -fvisibility=hidden; only NDX_API symbols of include/newsdex.h are exported).  The
 * one exception to the prefix rule is the allocation family below (ndx_malloc, ndx_calloc,
 * ndx_realloc, ndx_strndup): internal, but named like their public partner ndx_free, which frees
 * what they allocate on both sides of the API.  See docs/internals/README.md.
 * Module interfaces live in their own headers (text/text.h, ingest/ingest.h, query/query.h,
 * index/index.h); this file holds only what all of them need.
 */
#ifndef NDX_INT_H
#define NDX_INT_H

#include "newsdex.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NDX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NDX_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define NDX_MAX(a, b)    ((a) > (b) ? (a) : (b))
#define NDX_UNUSED(x)    ((void)(x))

#if defined(__GNUC__)
#define NDX_LIKELY(x)    __builtin_expect(!!(x), 1)
#define NDX_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define NDX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NDX_LIKELY(x)   (x)
#define NDX_UNLIKELY(x) (x)
#define NDX_PRINTF(f, a)
#endif

/* Corrupt on-disk data is an error, not a bug.  Debug builds route it through a function one can
 * set a breakpoint on (ndx__corrupt_hook). */
int ndx__corrupt_hook(const char *file, int line);
#define NDX_CORRUPT ndx__corrupt_hook(__FILE__, __LINE__)

/* ---- allocation (util/alloc.c) ------------------------------------------------------------ */

/* Every allocation of lib/ goes through these; raw malloc/free are banned in lib/. */
void *ndx_malloc(size_t n);
void *ndx_calloc(size_t count, size_t size);
void *ndx_realloc(void *p, size_t n);
/* ndx_free() is public (newsdex.h). */
char *ndx_strndup(const char *s, size_t n); /* NUL-terminated copy; NULL on OOM */
/*
 * Make room for `need` elements of `elem` bytes in the array *pp (pp: the address of the array
 * pointer), whose capacity *cap counts elements: the capacity doubles, from `first` when the
 * array is empty, until it holds `need`.  NDX_OK, or NDX_ENOMEM with the array unchanged.
 */
int ndx__grow_to(void *pp, size_t *cap, size_t need, size_t elem, size_t first);
static inline int ndx__grow(void *pp, size_t *cap, size_t need, size_t elem, size_t first)
{
    return NDX_LIKELY(need <= *cap) ? NDX_OK : ndx__grow_to(pp, cap, need, elem, first);
}

/* ---- growable byte buffer (util/buf.c) ---------------------------------------------------- */

/*
 * A byte buffer with a sticky error: appends take `int *rc` and do nothing once *rc != 0, so a
 * builder checks once at the end.  `cap_limit` (0 = none) bounds growth: past it the append fails
 * with NDX_ETOOBIG.  The data is always followed by at least one zero byte once anything has been
 * appended (so p can be used as a C string when it holds text).
 */
struct ndx_buf {
    uint8_t *p;   /* data, owned */
    size_t n;     /* bytes used */
    size_t cap;   /* bytes allocated */
    size_t limit; /* 0 = unlimited, else max n */
};

void ndx__buf_init(struct ndx_buf *b, size_t limit);
void ndx__buf_free(struct ndx_buf *b);                 /* frees and zeroes; accepts zeroed buf */
void ndx__buf_reset(struct ndx_buf *b);                /* n = 0, keeps memory */
int ndx__buf_reserve(struct ndx_buf *b, size_t extra); /* returns status */
void ndx__buf_append(struct ndx_buf *b, const void *p, size_t n, int *rc);
void ndx__buf_putc(struct ndx_buf *b, int c, int *rc);
void ndx__buf_puts(struct ndx_buf *b, const char *s, int *rc);
void ndx__buf_printf(struct ndx_buf *b, int *rc, const char *fmt, ...) NDX_PRINTF(3, 4);
void ndx__buf_put_varint(struct ndx_buf *b, uint64_t v, int *rc);
void ndx__buf_put_u32(struct ndx_buf *b, uint32_t v, int *rc); /* little-endian */
void ndx__buf_put_u64(struct ndx_buf *b, uint64_t v, int *rc); /* little-endian */
/* Take ownership of the data (NUL-terminated); the buffer is left empty. */
char *ndx__buf_detach(struct ndx_buf *b, size_t *n);

/* ---- varints and fixed-width little-endian (inline, here) --------------------------------- */

/* Decode a LEB128 varint from [*p, end).  Returns 0 and advances *p, or -1 if truncated/overlong.
 */
static inline int ndx__get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    const uint8_t *q = *p;
    uint64_t r = 0;
    unsigned shift = 0;
    while (q < end) {
        uint8_t c = *q++;
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *p = q;
            *v = r;
            return 0;
        }
        shift += 7;
        if (shift > 63)
            return -1;
    }
    return -1;
}

static inline uint32_t ndx__rd_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ndx__rd_u64(const uint8_t *p)
{
    return (uint64_t)ndx__rd_u32(p) | (uint64_t)ndx__rd_u32(p + 4) << 32;
}

/* ---- hashing (util/hash.c, xxhash) -------------------------------------------------------- */

uint64_t ndx__hash64(const void *p, size_t n, uint64_t seed);
/* Bytes in pieces: *out is ndx__hash64 of the k pieces' concatenation.  NDX_OK or NDX_ENOMEM. */
struct ndx_piece {
    const void *p;
    size_t n;
};
int ndx__hash64_pieces(const struct ndx_piece *pc, size_t k, uint64_t seed, uint64_t *out);

/* ---- UTF-8 (util/utf8.c) ------------------------------------------------------------------ */

/* Decode one UTF-8 character at s (n > 0 bytes available).  Returns its length and sets *cp, or
 * returns 0 for an invalid/truncated/overlong/surrogate sequence (the caller skips one byte). */
size_t ndx__utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
/* Length of the longest valid UTF-8 prefix of [s, s+n). */
size_t ndx__utf8_valid_prefix(const char *s, size_t n);
/*
 * Copy `s` into `out` replacing every invalid UTF-8 sequence by U+FFFD and dropping NUL and C0
 * controls other than \t \n \r.  *nfixed (may be NULL) receives the number of replacements, and
 * *first_bad the byte offset of the first one (or SIZE_MAX).
 */
void ndx__utf8_repair(const char *s, size_t n, struct ndx_buf *out, size_t *nfixed,
                      size_t *first_bad, int *rc);

/* ---- ASCII case (util/ascii.c) ------------------------------------------------------------ */

/* Only A-Z change: for protocol words, tag names, charset labels, hosts and codes (text is
 * folded by lib/text).  ndx__ascii_ieq compares n bytes (NUL is a byte like any other). */
static inline int ndx__ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
static inline bool ndx__ascii_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
void ndx__ascii_lower_copy(char *out, const char *s, size_t n); /* out may be s */
bool ndx__ascii_ieq(const char *a, const char *b, size_t n);
bool ndx__ascii_icontains(const char *hay, size_t nh, const char *needle, size_t nn);

/* ---- URLs and source names (util/url.c) --------------------------------------------------- */

/* The host of a URL ("https://user@Host.example:80/x" -> "Host.example"), borrowed from u: its
 * length, 0 (and *host NULL) when u has no "scheme://" in its first 32 bytes. */
size_t ndx__url_host(const char *u, size_t n, const char **host);
/* 4 when s starts with "www." (any case) and more follows, else 0. */
size_t ndx__url_www_len(const char *s, size_t n);
/* Whether s is a bare host name: ASCII letters, digits, '-' and at least one inner '.'. */
bool ndx__url_is_host(const char *s, size_t n);
/*
 * The source name of a host: lower-cased, a leading "www." removed (docs/INPUT.md, "Source
 * names"), into out (reset first; h must not point into out).  ndx__url_source does the same
 * with the host of a URL, and leaves out empty when the URL has none.
 */
void ndx__url_source_of_host(const char *h, size_t n, struct ndx_buf *out, int *rc);
void ndx__url_source(const char *u, size_t n, struct ndx_buf *out, int *rc);

/* ---- error messages ----------------------------------------------------------------------- */

/* Format a message into a freshly allocated string (NULL on OOM). */
char *ndx__strfmt(const char *fmt, ...) NDX_PRINTF(1, 2);

#endif /* NDX_INT_H */
