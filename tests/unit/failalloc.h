/* failalloc.h - an allocator hook (ndx_set_allocator) that fails the Nth allocation only: call
 * ndx_test_fail_nth(N) (-1: none) before a run; ndx_test_allocs then counts its allocations. */
#ifndef NDX_TEST_FAILALLOC_H
#define NDX_TEST_FAILALLOC_H

#include <stdlib.h>

static long ndx_test_fail_at, ndx_test_allocs;

static inline void *ndx_test_failing_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (++ndx_test_allocs == ndx_test_fail_at)
        return NULL;
    return realloc(ptr, size);
}

static inline void ndx_test_fail_nth(long n)
{
    ndx_test_fail_at = n;
    ndx_test_allocs = 0;
}

#endif
