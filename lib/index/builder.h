/*
 * builder.h - the in-memory segment builder's private structures, shared by segwriter.c (adding
 * documents, the stored text, the analysis threads' builders) and segflush.c (writing the
 * segment).  Nothing else reads them: index.c and merge.c go through the ndx__builder_* calls of
 * index.h.
 */
#ifndef NDX_INDEX_BUILDER_H
#define NDX_INDEX_BUILDER_H

#include "index/index.h"
#include "text/text.h"

#include <zstd.h>

/* Postings accumulated for one term: varint stream of (doc gap, wf, npos, position gaps...).
 * 64 bytes, one cache line of an aligned array: a term table look-up that finds a term of up to
 * 8 bytes reads its slot and this, not the term bytes. */
struct tacc {
    uint64_t head8;    /* the term's first 8 bytes, zero-padded (term_head8) */
    uint32_t term_off; /* term bytes in b->terms */
    uint32_t nterm;
    uint32_t df;
    uint32_t last_doc;   /* last doc written to post */
    uint32_t cur_doc;    /* doc+1 whose positions are pending, 0 = none */
    uint32_t head, tail; /* pending positions list in b->pend */
    uint32_t npend;
    uint32_t wf;   /* pending weighted frequency */
    uint8_t *post; /* owned */
    uint32_t npost, cappost;
};

/* A copies list set on a buffered document (ndx__builder_set_copies): bytes in ov_bytes. */
struct copies_ov {
    uint32_t doc, off, len;
};

struct pend {
    uint32_t pos;
    uint32_t next;
};

struct ndx_builder {
    int stem;
    int simple;
    struct ndx_analyzer an;
    struct ndx_buf terms; /* term bytes */
    struct tacc *acc;     /* term accumulators, 64-byte aligned in acc_mem */
    void *acc_mem;
    uint32_t nacc;
    size_t capacc;
    uint64_t *table;   /* open-addressing hash: hash tag << 32 | term id */
    uint32_t tcap;     /* table slots (power of two) */
    struct pend *pend; /* pending positions of the current doc */
    uint32_t npend;
    size_t cappend;
    uint32_t *touched; /* term ids used by the current doc */
    uint32_t ntouched;
    size_t captouched;
    /* columns, one buffer per entry of NDX_COLUMNS (columns.h) */
    struct {
#define COLUMN_BUF(name, type, per_doc) struct ndx_buf name;
        NDX_COLUMNS(COLUMN_BUF)
#undef COLUMN_BUF
    } col;
    struct ndx_buf kwterm; /* scratch: a keyword term */
    /* a worker builder of a parallel ingest (ndx__builder_analyze): u32 doc, dl, title_len for
     * each document analysed, in increasing document order */
    struct ndx_buf doclens;
    uint32_t nanalysed;
    /* the documents whose analysis failed (ndx__builder_analyze): u32 doc, u32 error code */
    struct ndx_buf failed;
    /* copies lists set on buffered documents (struct copies_ov), written at the flush */
    struct ndx_buf ov, ov_bytes;
    /* sources dictionary */
    struct ndx_buf src_bytes; /* concatenated */
    struct ndx_buf src_offs;  /* u32 offsets (count+1 once finished) */
    uint32_t nsrc;
    uint32_t *src_table; /* hash -> ordinal+1 */
    uint32_t src_tcap;
    /* docstore */
    struct ndx_buf ds_blocks; /* compressed blocks */
    struct ndx_buf ds_idx;    /* per block: u32 first_doc, u32 ndocs, u64 off, u32 clen, u32 ulen */
    struct ndx_buf ds_cur;    /* current uncompressed block */
    uint32_t ds_first;        /* first doc of the current block */
    uint32_t ds_ndocs;
    uint32_t ndoc_blocks;
    /* counters */
    uint32_t ndocs;
    uint64_t sum_dl;
    uint64_t npostings;
    uint64_t ntokens;
    uint64_t text_bytes;
    size_t post_bytes; /* bytes held in tacc.post */
    /* per-doc state */
    uint32_t doc; /* current doc id while adding */
    uint32_t title_len;
    int rc;        /* sticky error while adding */
    ZSTD_CCtx *zc; /* compression context, reused for every docstore block */
};

/* Record a failure in the builder's sticky error; returns nonzero when rc is an error. */
static inline int fail_if(struct ndx_builder *b, int rc)
{
    if (rc && !b->rc)
        b->rc = rc;
    return rc != 0;
}

/* A reading position in one worker's postings of a term: the next posting's document and the
 * bytes after its document gap. */
struct pcur {
    const uint8_t *p, *end;
    uint32_t doc;
    int live;
};

static inline void pcur_next(struct pcur *c, int first)
{
    uint64_t gap;
    if (c->p >= c->end || ndx__get_varint(&c->p, c->end, &gap)) {
        c->live = 0;
        return;
    }
    c->doc = first ? (uint32_t)gap : c->doc + (uint32_t)gap;
    c->live = 1;
}

/* The end of the posting whose gap pcur_next read: wf, npos, then npos position gaps. */
static inline const uint8_t *posting_end(const uint8_t *p, const uint8_t *end)
{
    uint64_t v, npos = 0;
    if (ndx__get_varint(&p, end, &v) || ndx__get_varint(&p, end, &npos))
        return end;
    for (uint64_t k = 0; k < npos && p < end; k++)
        if (ndx__get_varint(&p, end, &v))
            return end;
    return p;
}

/* Compress the current docstore block (segwriter.c). */
void ndx__ds_close_block(struct ndx_builder *b);
/* Write again the docstore blocks holding a document whose copies list was set (segwriter.c). */
void ndx__ds_apply_overrides(struct ndx_builder *b);

#endif
