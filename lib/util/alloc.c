/*
 * alloc.c - the library's one allocator: every allocation of lib/ goes through ndx_malloc,
 * ndx_realloc and ndx_free, which forward to a hook the application may set once at startup
 * (ndx_set_allocator, newsdex.h).  Tests use the hook to fail the Nth allocation.
 */
#include "ndx_int.h"

#include <stdio.h>
#include <stdlib.h>

static void *default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static ndx_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud;

void ndx_set_allocator(ndx_alloc_fn fn, void *ud)
{
    alloc_fn = fn ? fn : default_alloc;
    alloc_ud = fn ? ud : NULL;
}

void *ndx_malloc(size_t n)
{
    return alloc_fn(alloc_ud, NULL, n ? n : 1);
}

void *ndx_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    void *p = ndx_malloc(n);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void *ndx_realloc(void *p, size_t n)
{
    return alloc_fn(alloc_ud, p, n ? n : 1);
}

void ndx_free(void *p)
{
    if (p)
        alloc_fn(alloc_ud, p, 0);
}

char *ndx_strndup(const char *s, size_t n)
{
    char *p = ndx_malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *ndx__strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = ndx_malloc((size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int ndx__corrupt_hook(const char *file, int line)
{
    (void)file;
    (void)line;
    return NDX_ECORRUPT;
}

/* ---- error table -------------------------------------------------------------------------- */

const char *ndx_strerror(int status)
{
    switch (status) {
    case NDX_OK:
        return "success";
#define X_(name, code, msg)                                                                        \
    case code:                                                                                     \
        return msg;
        NDX_ERRNO_MAP(X_)
#undef X_
    }
    return "unknown error";
}

const char *ndx_errname(int status)
{
    switch (status) {
    case NDX_OK:
        return "NDX_OK";
#define X_(name, code, msg)                                                                        \
    case code:                                                                                     \
        return "NDX_E" #name;
        NDX_ERRNO_MAP(X_)
#undef X_
    }
    return "NDX_E?";
}

int ndx__grow_to(void *pp, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t c = *cap ? *cap : first;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return NDX_ENOMEM;
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        return NDX_ENOMEM;
    void **p = pp;
    void *q = ndx_realloc(*p, c * elem);
    if (!q)
        return NDX_ENOMEM;
    *p = q;
    *cap = c;
    return NDX_OK;
}
