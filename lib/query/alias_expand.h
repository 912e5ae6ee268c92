/*
 * alias_expand.h - query-time expansion of names through the index's alias table
 * (query/alias_expand.c).
 */
#ifndef NDX_ALIAS_EXPAND_H
#define NDX_ALIAS_EXPAND_H

#include "index/index.h"
#include "query/query.h"

/*
 * Rewrite *root so that a name also matches its other forms in the alias table: a word or
 * phrase one of whose forms is a name ("陳全國", "Chen Quanguo" quoted, or adjacent words
 * Chen Quanguo of an AND) becomes an OR of itself and the other forms as phrases in the same
 * field.  Nothing changes without a table.  NDX_OK or NDX_ENOMEM (the tree is then unchanged
 * or partly rewritten, and still valid to free).
 */
int ndx__alias_expand(const ndx_index *ix, struct ndx_qnode **root);

#endif /* NDX_ALIAS_EXPAND_H */
