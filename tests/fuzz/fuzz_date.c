/*
 * fuzz_date.c - fuzz target for ndx_parse_date: any bytes, any length; a parsed date must lie in
 * the documented year range (1800-2200) and parsing must be deterministic.
 */
#include "newsdex.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t t = 0, t2 = 0;
    int rc = ndx_parse_date((const char *)data, size, &t);
    if (rc == NDX_OK) {
        /* 1800-01-01 .. 2200-12-31 23:59:59, widened by the largest zone offsets */
        if (t < -5364662400LL - 19 * 3600 || t > 7289654399LL + 19 * 3600)
            abort();
        if (ndx_parse_date((const char *)data, size, &t2) != NDX_OK || t2 != t)
            abort();
    } else if (rc != NDX_EINVAL) {
        abort();
    }
    return 0;
}
