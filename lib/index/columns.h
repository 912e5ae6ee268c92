/*
 * columns.h - the per-document columns of a segment, written down once.
 *
 * NDX_COLUMNS(X) lists every column in its on-disk order as X(name, type, per_doc): `per_doc`
 * values of `type` for each document.  The COLUMNS section of a segment is these arrays one after
 * the other, each ndocs * per_doc values long.  The widest come first (8-byte, then 4-byte, then
 * 2-byte values), so every array of a section starting on an 8-byte boundary is aligned for its
 * type.  The reader (segreader.c) points struct ndx_columns into the section with this table, the
 * writer (segwriter.c) keeps one buffer per entry and writes them in this order, and
 * docs/FORMAT.md ("Columns") describes the same list.  A new column is a new line here (and a
 * format version: readers check the section size against NDX_COLUMN_BYTES).
 */
#ifndef NDX_COLUMNS_H
#define NDX_COLUMNS_H

#include "dedup/dedup.h" /* NDX_SKETCH_BINS */

#define NDX_COLUMNS(X)                                                                             \
    X(gid, uint64_t, 1)               /* global article id */                                      \
    X(published, int64_t, 1)          /* Unix seconds or NDX_DATE_UNKNOWN */                       \
    X(url_hash, uint64_t, 1)          /* 0 = no URL */                                             \
    X(content_hash, uint64_t, 1)      /* hash of the normalised body */                            \
    X(story, uint64_t, 1)             /* story cluster id */                                       \
    X(dl, uint32_t, 1)                /* weighted length: body tokens + W * title tokens */        \
    X(title_len, uint32_t, 1)         /* title positions are [0, title_len); body starts after */  \
    X(source, uint32_t, 1)            /* ordinal into the sources dictionary */                    \
    X(flags, uint32_t, 1)             /* NDX_ART_* low 16 bits; exact copies in the high 16 */     \
    X(lang, uint16_t, 1)              /* two ASCII letters, little-endian */                       \
    X(sig, uint16_t, NDX_SKETCH_BINS) /* story sketch (dedup.h); all zero when too short */

/* Per-document columns, arrays of ndocs (times per_doc) elements pointing into the map. */
struct ndx_columns {
#define NDX_COL_FIELD(name, type, per_doc) const type *name;
    NDX_COLUMNS(NDX_COL_FIELD)
#undef NDX_COL_FIELD
};

/* Bytes per document over all columns. */
enum {
#define NDX_COL_SIZE(name, type, per_doc) +sizeof(type) * (per_doc)
    NDX_COLUMN_BYTES = 0 NDX_COLUMNS(NDX_COL_SIZE)
#undef NDX_COL_SIZE
};

#endif
