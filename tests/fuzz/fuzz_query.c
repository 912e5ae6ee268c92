/*
 * fuzz_query.c - fuzz target for the query parser: parse arbitrary bytes (any length, NUL bytes,
 * invalid UTF-8), dump the tree on success, free everything.  Checks the parser's contract: no
 * crash or leak, *out NULL and a message on failure, an error position inside the query, and a
 * dump that succeeds and is balanced.  Corpus: tests/fuzz/corpus/query/.
 */
#include "ndx_int.h"
#include "query/query.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ndx_qnode *root = NULL;
    size_t pos = 0;
    char *msg = NULL;
    int rc = ndx__query_parse((const char *)data, size, &root, &pos, &msg);
    if (rc != NDX_OK) {
        if (root || !msg)
            abort();
        if (rc != NDX_ENOMEM && rc != NDX_ETOOBIG && (size == 0 ? pos != 0 : pos >= size))
            abort();
        ndx_free(msg);
        return 0;
    }
    if (!root || msg)
        abort();
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    if (ndx__query_dump(root, &b) != NDX_OK || b.n < 2 || b.p[0] != '(' || b.p[b.n - 1] != ')')
        abort();
    ndx__buf_free(&b);
    ndx__query_free(root);
    return 0;
}
