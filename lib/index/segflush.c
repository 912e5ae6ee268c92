/*
 * segflush.c - writing a builder's segment (ndx__builder_flush): the terms sorted, their
 * postings and positions encoded in blocks, the term dictionary, the columns, the sources and
 * the stored text, through write-temp, fsync, rename (ndx_afile, files.c); format in
 * docs/FORMAT.md.  With the analysis threads of a parallel ingest (build_pool.c) the terms come
 * from the threads' builders and the encoding runs on the threads.
 */
#include "index/builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- flush -------------------------------------------------------------------------------- */

static int cmp_terms(const void *x, const void *y, void *ctx)
{
    const struct ndx_builder *sort_ctx = ctx;
    const struct tacc *a = &sort_ctx->acc[*(const uint32_t *)x];
    const struct tacc *b = &sort_ctx->acc[*(const uint32_t *)y];
    size_t n = NDX_MIN(a->nterm, b->nterm);
    int c = memcmp(sort_ctx->terms.p + a->term_off, sort_ctx->terms.p + b->term_off, n);
    if (c)
        return c;
    return a->nterm < b->nterm ? -1 : a->nterm > b->nterm;
}

int ndx__seg_write_version = NDX_SEG_VERSION;

/* The postings and positions of a run of terms, written by one thread. */
struct flushstate {
    struct ndx_buf post, pos, skip, blk;
    struct ndx_buf bpos; /* version 3: the current block's position payloads */
    int rc;
};

/* One term of the segment being written: its bytes, its documents and, once encoded, where its
 * postings and positions start (in its chunk's buffers, then in the sections) and its maxima. */
struct fterm {
    const uint8_t *term;
    uint32_t nterm;
    uint32_t df, max_wf, min_dl;
    uint64_t doc_off, pos_off;
};

/* Encode one term's accumulated postings (post: npost bytes of varints, df documents) into f's
 * postings and positions; its offsets and maxima into *ft. */
static void encode_term(struct flushstate *f, const uint8_t *post, uint32_t npost, uint32_t df,
                        const uint32_t *dlcol, struct fterm *ft)
{
    uint32_t docs[NDX_BLOCK], wfs[NDX_BLOCK];
    uint32_t nblocks = (df + NDX_BLOCK - 1) / NDX_BLOCK;
    uint64_t doc_off = f->post.n, pos_off = f->pos.n;
    uint32_t max_wf = 0, min_dl = UINT32_MAX;
    const uint8_t *p = post, *end = post + npost;
    uint32_t doc = 0, prev_last = 0;
    int first = 1;
    ndx__buf_reset(&f->skip);
    ndx__buf_reset(&f->blk);
    for (uint32_t blk = 0; blk < nblocks && !f->rc; blk++) {
        uint32_t n = NDX_MIN(NDX_BLOCK, df - blk * NDX_BLOCK);
        uint32_t bmax = 0, bmin = UINT32_MAX;
        uint64_t blk_pos_off = f->pos.n - pos_off;
        uint64_t blk_doc_off = f->blk.n;
        /* version 3: the payloads go to bpos, preceded in pos by their lengths, bit-packed */
        uint32_t plen[NDX_BLOCK];
        int v2 = ndx__seg_write_version >= 3;
        struct ndx_buf *po = v2 ? &f->bpos : &f->pos;
        ndx__buf_reset(&f->bpos);
        for (uint32_t i = 0; i < n; i++) {
            size_t start = po->n;
            uint64_t gap = 0, wf = 1, npos = 0, pg = 0;
            ndx__get_varint(&p, end, &gap);
            ndx__get_varint(&p, end, &wf);
            ndx__get_varint(&p, end, &npos);
            doc = first ? (uint32_t)gap : doc + (uint32_t)gap;
            first = 0;
            docs[i] = doc;
            wfs[i] = (uint32_t)wf;
            ndx__buf_put_varint(po, npos, &f->rc);
            for (uint64_t k = 0; k < npos; k++) {
                ndx__get_varint(&p, end, &pg);
                ndx__buf_put_varint(po, pg, &f->rc);
            }
            plen[i] = (uint32_t)(po->n - start);
            bmax = NDX_MAX(bmax, (uint32_t)wf);
            bmin = NDX_MIN(bmin, dlcol[doc]);
        }
        if (v2) {
            unsigned bl = ndx__bits_needed(plen, n);
            ndx__buf_putc(&f->pos, (int)bl, &f->rc);
            ndx__pack(&f->pos, plen, n, bl, &f->rc);
            ndx__buf_append(&f->pos, f->bpos.p, f->bpos.n, &f->rc);
        }
        /* gaps: first relative to prev_last+1 (0 for the first block), then doc-prev-1 */
        uint32_t gaps[NDX_BLOCK];
        uint32_t base = blk ? prev_last + 1 : 0;
        for (uint32_t i = 0; i < n; i++) {
            gaps[i] = docs[i] - base;
            base = docs[i] + 1;
            wfs[i] -= 1;
        }
        if (n == NDX_BLOCK) {
            unsigned bd = ndx__bits_needed(gaps, n), bw = ndx__bits_needed(wfs, n);
            ndx__buf_putc(&f->blk, (int)bd, &f->rc);
            ndx__pack(&f->blk, gaps, n, bd, &f->rc);
            ndx__buf_putc(&f->blk, (int)bw, &f->rc);
            ndx__pack(&f->blk, wfs, n, bw, &f->rc);
        } else {
            for (uint32_t i = 0; i < n; i++) {
                ndx__buf_put_varint(&f->blk, gaps[i], &f->rc);
                ndx__buf_put_varint(&f->blk, wfs[i], &f->rc);
            }
        }
        prev_last = docs[n - 1];
        if (nblocks > 1) {
            ndx__buf_put_u32(&f->skip, prev_last, &f->rc);
            ndx__buf_put_u32(&f->skip, (uint32_t)blk_doc_off, &f->rc);
            ndx__buf_put_u32(&f->skip, (uint32_t)blk_pos_off, &f->rc);
            ndx__buf_put_u32(&f->skip, bmax, &f->rc);
            ndx__buf_put_u32(&f->skip, bmin, &f->rc);
        }
        max_wf = NDX_MAX(max_wf, bmax);
        min_dl = NDX_MIN(min_dl, bmin);
    }
    if (f->blk.n > UINT32_MAX || f->pos.n - pos_off > UINT32_MAX)
        f->rc = NDX_ETOOBIG;
    ndx__buf_append(&f->post, f->skip.p, f->skip.n, &f->rc);
    ndx__buf_append(&f->post, f->blk.p, f->blk.n, &f->rc);
    ft->df = df;
    ft->doc_off = doc_off;
    ft->pos_off = pos_off;
    ft->max_wf = max_wf;
    ft->min_dl = min_dl;
}

/* The term dictionary: blocks of NDX_TERMS_PER_BLOCK entries (prefix-compressed term, df,
 * offsets as deltas from the entry before in the block, maxima), one TERMIDX offset a block. */
static void write_dict(const struct fterm *t, size_t n, struct ndx_buf *dict,
                       struct ndx_buf *dictidx, int *rc)
{
    for (size_t i = 0; i < n; i++) {
        size_t prefix = 0;
        uint64_t prev_doc_off = 0, prev_pos_off = 0;
        if (i % NDX_TERMS_PER_BLOCK == 0) {
            ndx__buf_put_u64(dictidx, dict->n, rc);
        } else {
            const struct fterm *q = &t[i - 1];
            while (prefix < t[i].nterm && prefix < q->nterm && t[i].term[prefix] == q->term[prefix])
                prefix++;
            prev_doc_off = q->doc_off;
            prev_pos_off = q->pos_off;
        }
        ndx__buf_put_varint(dict, prefix, rc);
        ndx__buf_put_varint(dict, t[i].nterm - prefix, rc);
        ndx__buf_append(dict, t[i].term + prefix, t[i].nterm - prefix, rc);
        ndx__buf_put_varint(dict, t[i].df, rc);
        ndx__buf_put_varint(dict, t[i].doc_off - prev_doc_off, rc);
        ndx__buf_put_varint(dict, t[i].pos_off - prev_pos_off, rc);
        ndx__buf_put_varint(dict, t[i].max_wf, rc);
        ndx__buf_put_varint(dict, t[i].min_dl, rc);
    }
}

/*
 * The terms of a flush come from the builder itself (one source) or from the analysis threads'
 * builders (one source each, build_pool.c).  Each source's terms are sorted; the term space is
 * cut into ranges of about equal postings bytes, and each range is merged (the distinct terms of
 * every source in order) and encoded on its own, in parallel (a term several sources hold has its
 * postings merged in document order first).  The ranges' postings and positions are written one
 * after the other as the sections, and the dictionary with the offsets in them.  The result is
 * the segment one builder holding every posting would write.
 */
struct fchunk {
    struct flushstate f;
    uint32_t lo[64], hi[64]; /* per source: the range's terms in its sorted order */
    struct fterm *terms;     /* the range's distinct terms, in order */
    uint32_t *ids; /* terms[i]'s id in source s: ids[i * nsrc + s], UINT32_MAX if absent */
    size_t nterms, capterms, capids;
    struct ndx_buf merged; /* postings of a term merged from several sources */
};

struct fjob {
    struct ndx_builder *const *src;
    size_t nsrc;
    uint32_t **order; /* per source, its term ids sorted */
    struct fchunk *chunks;
    size_t nchunks;
    const uint32_t *dlcol;
};

static void sort_source(void *arg, size_t s)
{
    struct fjob *j = arg;
    struct ndx_builder *b = j->src[s];
    for (uint32_t i = 0; i < b->nacc; i++)
        j->order[s][i] = i;
    qsort_r(j->order[s], b->nacc, sizeof *j->order[s], cmp_terms, b);
}

static int cmp_bytes(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb)
{
    int c = memcmp(a, b, NDX_MIN(na, nb));
    return c ? c : na < nb ? -1 : na > nb;
}

/* The first position of source b's sorted terms (order) not below term t. */
static uint32_t lower_bound(const struct ndx_builder *b, const uint32_t *order, const uint8_t *t,
                            uint32_t nt)
{
    uint32_t lo = 0, hi = b->nacc;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct tacc *a = &b->acc[order[mid]];
        if (cmp_bytes(b->terms.p + a->term_off, a->nterm, t, nt) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Merge the sources' sorted terms of chunk ch into ch->terms and ch->ids. */
static int merge_terms(struct fjob *j, struct fchunk *ch)
{
    uint32_t at[64];
    memcpy(at, ch->lo, sizeof at);
    for (;;) {
        /* a term whose only documents failed in analysis has none: left out */
        for (size_t s = 0; s < j->nsrc; s++)
            while (at[s] < ch->hi[s] && !j->src[s]->acc[j->order[s][at[s]]].df)
                at[s]++;
        const uint8_t *least = NULL;
        uint32_t nleast = 0;
        for (size_t s = 0; s < j->nsrc; s++) {
            const struct ndx_builder *b = j->src[s];
            if (at[s] == ch->hi[s])
                continue;
            const struct tacc *t = &b->acc[j->order[s][at[s]]];
            const uint8_t *term = b->terms.p + t->term_off;
            if (!least || cmp_bytes(term, t->nterm, least, nleast) < 0)
                least = term, nleast = t->nterm;
        }
        if (!least)
            break;
        if (ndx__grow(&ch->terms, &ch->capterms, ch->nterms + 1, sizeof *ch->terms, 1024) ||
            ndx__grow(&ch->ids, &ch->capids, (ch->nterms + 1) * j->nsrc, sizeof *ch->ids, 1024))
            return NDX_ENOMEM;
        struct fterm *ft = &ch->terms[ch->nterms];
        uint32_t *ids = &ch->ids[ch->nterms * j->nsrc];
        memset(ft, 0, sizeof *ft);
        ft->term = least;
        ft->nterm = nleast;
        for (size_t s = 0; s < j->nsrc; s++) {
            const struct ndx_builder *b = j->src[s];
            ids[s] = UINT32_MAX;
            if (at[s] == ch->hi[s])
                continue;
            uint32_t id = j->order[s][at[s]];
            const struct tacc *t = &b->acc[id];
            if (cmp_bytes(b->terms.p + t->term_off, t->nterm, least, nleast) == 0) {
                ids[s] = id;
                at[s]++;
            }
        }
        ch->nterms++;
    }
    return NDX_OK;
}

/* The postings of the chunk's term i merged from every source that has it, in document order. */
static void merge_postings(struct fjob *j, const uint32_t *ids, struct ndx_buf *out, uint32_t *df,
                           int *rc)
{
    struct pcur cur[64];
    for (size_t s = 0; s < j->nsrc; s++) {
        uint32_t id = ids[s];
        cur[s].live = 0;
        if (id == UINT32_MAX)
            continue;
        const struct tacc *t = &j->src[s]->acc[id];
        cur[s].p = t->post;
        cur[s].end = t->post + t->npost;
        pcur_next(&cur[s], 1);
    }
    ndx__buf_reset(out);
    uint32_t n = 0, last = 0;
    for (;;) {
        size_t k = j->nsrc;
        for (size_t s = 0; s < j->nsrc; s++)
            if (cur[s].live && (k == j->nsrc || cur[s].doc < cur[k].doc))
                k = s;
        if (k == j->nsrc)
            break;
        uint32_t doc = cur[k].doc;
        if (n && doc <= last) {
            *rc = NDX_EINVAL;
            break;
        }
        const uint8_t *p = cur[k].p, *e = posting_end(p, cur[k].end);
        ndx__buf_put_varint(out, n ? doc - last : doc, rc);
        ndx__buf_append(out, p, (size_t)(e - p), rc);
        n++;
        last = doc;
        cur[k].p = e;
        pcur_next(&cur[k], 0);
    }
    *df = n;
}

/* The accumulated postings of a term once encoded: nothing reads them before the builder is
 * reset, so the flush holds a posting either as accumulated or as encoded, not both. */
static void drop_postings(struct fjob *j, const uint32_t *ids)
{
    for (size_t s = 0; s < j->nsrc; s++)
        if (ids[s] != UINT32_MAX) {
            struct tacc *t = &j->src[s]->acc[ids[s]];
            ndx_free(t->post);
            t->post = NULL;
            t->npost = t->cappost = 0;
        }
}

static void encode_chunk(void *arg, size_t c)
{
    struct fjob *j = arg;
    struct fchunk *ch = &j->chunks[c];
    if ((ch->f.rc = merge_terms(j, ch)))
        return;
    for (size_t i = 0; i < ch->nterms && !ch->f.rc; i++) {
        const uint32_t *ids = &ch->ids[i * j->nsrc];
        const struct tacc *only = NULL;
        size_t have = 0;
        for (size_t s = 0; s < j->nsrc; s++)
            if (ids[s] != UINT32_MAX)
                have++, only = &j->src[s]->acc[ids[s]];
        if (have == 1) {
            encode_term(&ch->f, only->post, only->npost, only->df, j->dlcol, &ch->terms[i]);
        } else {
            uint32_t df = 0;
            merge_postings(j, ids, &ch->merged, &df, &ch->f.rc);
            if (ch->merged.n > UINT32_MAX)
                ch->f.rc = NDX_ETOOBIG;
            if (!ch->f.rc)
                encode_term(&ch->f, ch->merged.p, (uint32_t)ch->merged.n, df, j->dlcol,
                            &ch->terms[i]);
        }
        drop_postings(j, ids);
    }
}

static void run_inline(void *ctx, ndx_task_fn fn, void *arg, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        fn(arg, i);
}

/* The document lengths the analysis threads measured, into b's columns (put_doc left zeros). */
static int take_doclens(struct ndx_builder *b, struct ndx_builder *const *w, size_t nw)
{
    for (size_t i = 0; i < nw; i++) {
        const uint8_t *p = w[i]->doclens.p;
        for (uint32_t k = 0; k < w[i]->nanalysed; k++, p += 12) {
            uint32_t doc = ndx__rd_u32(p), dl = ndx__rd_u32(p + 4);
            if (doc >= b->ndocs)
                return fail_if(b, NDX_EINVAL), b->rc;
            memcpy(b->col.dl.p + (size_t)doc * 4, p + 4, 4);
            memcpy(b->col.title_len.p + (size_t)doc * 4, p + 8, 4);
            b->sum_dl += dl;
        }
        b->npostings += w[i]->npostings;
        b->ntokens += w[i]->ntokens;
    }
    return NDX_OK;
}

static void free_chunks(struct fjob *j)
{
    for (size_t c = 0; j->chunks && c < j->nchunks; c++) {
        struct fchunk *ch = &j->chunks[c];
        struct ndx_buf *bufs[] = {&ch->f.post, &ch->f.pos,  &ch->f.skip,
                                  &ch->f.blk,  &ch->f.bpos, &ch->merged};
        for (size_t k = 0; k < NDX_ARRAY_LEN(bufs); k++)
            ndx__buf_free(bufs[k]);
        ndx_free(ch->terms);
        ndx_free(ch->ids);
    }
    ndx_free(j->chunks);
    j->chunks = NULL;
    j->nchunks = 0;
}

/* Cut the sources' sorted terms into at most want ranges of about equal postings bytes: the
 * boundaries are terms of the source with the most terms, found by their bytes in that source,
 * and the same terms bound the ranges of the other sources. */
static int cut_chunks(struct fjob *j, size_t want)
{
    if (!(j->chunks = ndx_calloc(want, sizeof *j->chunks)))
        return NDX_ENOMEM;
    size_t big = 0;
    for (size_t s = 1; s < j->nsrc; s++)
        if (j->src[s]->nacc > j->src[big]->nacc)
            big = s;
    const struct ndx_builder *b = j->src[big];
    uint64_t bytes = 0, acc = 0;
    for (uint32_t t = 0; t < b->nacc; t++)
        bytes += b->acc[t].npost;
    uint32_t cut[64 * 4];
    size_t ncut = 0;
    for (uint32_t i = 0; want > 1 && i < b->nacc; i++) {
        acc += b->acc[j->order[big][i]].npost;
        if (ncut + 1 < want && acc * want >= bytes * (ncut + 1) && i + 1 < b->nacc)
            cut[ncut++] = i + 1;
    }
    j->nchunks = ncut + 1;
    for (size_t c = 0; c < j->nchunks; c++)
        for (size_t s = 0; s < j->nsrc; s++) {
            struct fchunk *ch = &j->chunks[c];
            if (c == 0)
                ch->lo[s] = 0;
            else
                ch->lo[s] = j->chunks[c - 1].hi[s];
            if (c == ncut) {
                ch->hi[s] = j->src[s]->nacc;
            } else if (s == big) {
                ch->hi[s] = cut[c];
            } else {
                const struct tacc *t = &b->acc[j->order[big][cut[c]]];
                ch->hi[s] = lower_bound(j->src[s], j->order[s], b->terms.p + t->term_off, t->nterm);
            }
        }
    return NDX_OK;
}

/* Encode the postings of the sources' terms into j's chunks and the dictionary (offsets in the
 * chunks' postings and positions taken one after the other); the chunks run through run
 * (nthreads at once). */
static int encode_terms(struct fjob *j, struct ndx_builder *const *src, size_t nsrc,
                        const uint32_t *dlcol, ndx_run_fn run, void *run_ctx, size_t nthreads,
                        struct ndx_buf *dict, struct ndx_buf *dictidx, uint64_t *nterms)
{
    memset(j, 0, sizeof *j);
    j->src = src;
    j->nsrc = nsrc;
    j->dlcol = dlcol;
    int rc = NDX_OK;
    if (nsrc > 64 || !(j->order = ndx_calloc(nsrc, sizeof *j->order)))
        return NDX_ENOMEM;
    for (size_t s = 0; s < nsrc && !rc; s++)
        if (!(j->order[s] = ndx_malloc((src[s]->nacc ? src[s]->nacc : 1) * sizeof **j->order)))
            rc = NDX_ENOMEM;
    /* the term tables and the per-document scratch are not needed to write the segment */
    for (size_t s = 0; s < nsrc; s++) {
        struct ndx_builder *b = src[s];
        ndx_free(b->table);
        ndx_free(b->pend);
        ndx_free(b->touched);
        b->table = NULL;
        b->pend = NULL;
        b->touched = NULL;
        b->tcap = 0;
        b->cappend = b->captouched = 0;
        b->npend = b->ntouched = 0;
    }
    if (!rc)
        run(run_ctx, sort_source, j, nsrc);
    /* ranges of about equal postings bytes, a few per thread so that a slow one evens out */
    if (!rc)
        rc = cut_chunks(j, nthreads > 1 ? 4 * NDX_MIN(nthreads, 64) : 1);
    if (!rc)
        run(run_ctx, encode_chunk, j, j->nchunks);
    uint64_t post_off = 0, pos_off = 0;
    *nterms = 0;
    for (size_t c = 0; c < j->nchunks && !rc; c++) {
        struct fchunk *ch = &j->chunks[c];
        if ((rc = ch->f.rc))
            break;
        for (size_t i = 0; i < ch->nterms; i++) {
            ch->terms[i].doc_off += post_off;
            ch->terms[i].pos_off += pos_off;
        }
        post_off += ch->f.post.n;
        pos_off += ch->f.pos.n;
        *nterms += ch->nterms;
    }
    /* the dictionary over the chunks' terms taken in turn (its blocks span chunks) */
    struct fterm *all = NULL;
    if (!rc && !(all = ndx_malloc((*nterms ? *nterms : 1) * sizeof *all)))
        rc = NDX_ENOMEM;
    for (size_t c = 0, k = 0; c < j->nchunks && !rc; c++) {
        memcpy(all + k, j->chunks[c].terms, j->chunks[c].nterms * sizeof *all);
        k += j->chunks[c].nterms;
    }
    if (!rc)
        write_dict(all, *nterms, dict, dictidx, &rc);
    ndx_free(all);
    for (size_t s = 0; s < nsrc; s++)
        ndx_free(j->order[s]);
    ndx_free(j->order);
    j->order = NULL;
    return rc;
}

/* The columns in the order of the table (columns.h), one piece each. */
static size_t column_pieces(const struct ndx_builder *b, struct ndx_piece *pc)
{
    size_t k = 0;
#define COLUMN_PIECE(name, type, per_doc)                                                          \
    pc[k++] = (struct ndx_piece){b->col.name.p, b->col.name.n};
    NDX_COLUMNS(COLUMN_PIECE)
#undef COLUMN_PIECE
    return k;
}

#define COLUMN_COUNT1(name, type, per_doc) +1
enum { NCOLUMNS = 0 NDX_COLUMNS(COLUMN_COUNT1) };
#undef COLUMN_COUNT1

int ndx__builder_flush_with(struct ndx_builder *b, struct ndx_builder *const *w, size_t nw,
                            ndx_run_fn run, void *run_ctx, const char *dir, const char *name,
                            char **errmsg)
{
    int rc = b->rc;
    struct fjob j;
    memset(&j, 0, sizeof j);
    struct ndx_buf dict, dictidx;
    ndx__buf_init(&dict, 0);
    ndx__buf_init(&dictidx, 0);
    struct ndx_afile out = {-1, NULL, NULL};
    char *tmp = NULL, *final = NULL;
    struct ndx_buf srcs;
    ndx__buf_init(&srcs, 0);
    struct ndx_piece *pieces = NULL;
    /* the terms: the analysis threads' if they analysed anything, else the builder's own */
    int workers = 0;
    for (size_t i = 0; i < nw && !rc; i++) {
        rc = w[i]->rc;
        workers |= w[i]->nanalysed > 0;
    }
    if (!rc && workers && (b->nacc || nw > 64))
        rc = NDX_EINVAL;
    if (!rc && workers)
        rc = take_doclens(b, w, nw);
    if (rc)
        goto cleanup;
    ndx__ds_close_block(b);
    ndx__ds_apply_overrides(b);
    if ((rc = b->rc))
        goto cleanup;
    struct ndx_builder *self[1] = {b};
    uint64_t nterms = 0;
    rc = encode_terms(&j, workers ? w : self, workers ? nw : 1, (const uint32_t *)b->col.dl.p,
                      run ? run : run_inline, run_ctx, run ? nw : 1, &dict, &dictidx, &nterms);
    if (rc)
        goto cleanup;
    ndx__buf_put_u32(&srcs, b->nsrc, &rc);
    if (b->nsrc)
        ndx__buf_append(&srcs, b->src_offs.p, b->src_offs.n, &rc);
    else
        ndx__buf_put_u32(&srcs, 0, &rc);
    ndx__buf_append(&srcs, b->src_bytes.p, b->src_bytes.n, &rc);
    if (rc)
        goto cleanup;
    /* each section in pieces, written and hashed in turn: the postings and positions of every
     * chunk, the columns one by one, the others whole */
    size_t npieces = 2 * j.nchunks + NCOLUMNS + 5;
    size_t first[NDX_SEC_COUNT + 1];
    if (!(pieces = ndx_malloc(npieces * sizeof *pieces))) {
        rc = NDX_ENOMEM;
        goto cleanup;
    }
    {
        size_t k = 0;
        first[NDX_SEC_POSTINGS] = k;
        for (size_t c = 0; c < j.nchunks; c++)
            pieces[k++] = (struct ndx_piece){j.chunks[c].f.post.p, j.chunks[c].f.post.n};
        first[NDX_SEC_POSITIONS] = k;
        for (size_t c = 0; c < j.nchunks; c++)
            pieces[k++] = (struct ndx_piece){j.chunks[c].f.pos.p, j.chunks[c].f.pos.n};
        first[NDX_SEC_TERMS] = k;
        pieces[k++] = (struct ndx_piece){dict.p, dict.n};
        first[NDX_SEC_TERMIDX] = k;
        pieces[k++] = (struct ndx_piece){dictidx.p, dictidx.n};
        first[NDX_SEC_COLUMNS] = k;
        k += column_pieces(b, pieces + k);
        first[NDX_SEC_SOURCES] = k;
        pieces[k++] = (struct ndx_piece){srcs.p, srcs.n};
        first[NDX_SEC_DOCSTORE] = k;
        pieces[k++] = (struct ndx_piece){b->ds_blocks.p, b->ds_blocks.n};
        first[NDX_SEC_DOCIDX] = k;
        pieces[k++] = (struct ndx_piece){b->ds_idx.p, b->ds_idx.n};
        first[NDX_SEC_COUNT] = k;
    }

    tmp = ndx__strfmt("%s/%s.tmp", dir, name);
    final = ndx__strfmt("%s/%s.ndx", dir, name);
    if (!tmp || !final) {
        rc = NDX_ENOMEM;
        goto cleanup;
    }
    if ((rc = ndx__afile_create(&out, tmp, final))) {
        if (errmsg && rc == NDX_EIO)
            *errmsg = ndx__strfmt("cannot create %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    {
        struct ndx_buf footer;
        ndx__buf_init(&footer, 0);
        uint8_t header[16] = "NDXSEG01";
        header[8] = (uint8_t)ndx__seg_write_version;
        uint64_t off = 16;
        rc = ndx__afile_write(&out, header, 16);
        static const uint8_t zeros[8];
        for (int s = 1; s < NDX_SEC_COUNT && !rc; s++) {
            uint64_t pad = (8 - off % 8) % 8;
            if (pad && (rc = ndx__afile_write(&out, zeros, pad)))
                break;
            off += pad;
            const struct ndx_piece *pc = pieces + first[s];
            size_t np = first[s + 1] - first[s];
            uint64_t n = 0, h;
            for (size_t i = 0; i < np; i++)
                n += pc[i].n;
            if ((rc = ndx__hash64_pieces(pc, np, 0, &h)))
                break;
            ndx__buf_put_u64(&footer, off, &rc);
            ndx__buf_put_u64(&footer, n, &rc);
            ndx__buf_put_u64(&footer, h, &rc);
            for (size_t i = 0; i < np && !rc; i++)
                if (pc[i].n)
                    rc = ndx__afile_write(&out, pc[i].p, pc[i].n);
            off += n;
        }
        uint64_t pad = (8 - off % 8) % 8;
        if (!rc && pad)
            rc = ndx__afile_write(&out, zeros, pad);
        ndx__buf_put_u64(&footer, b->ndocs, &rc);
        ndx__buf_put_u64(&footer, b->sum_dl, &rc);
        ndx__buf_put_u64(&footer, nterms, &rc);
        ndx__buf_put_u64(&footer, b->npostings, &rc);
        ndx__buf_put_u64(&footer, b->ntokens, &rc);
        ndx__buf_put_u64(&footer, b->text_bytes, &rc);
        ndx__buf_put_u32(&footer, (uint32_t)(dictidx.n / 8), &rc);
        ndx__buf_put_u32(&footer, b->nsrc, &rc);
        ndx__buf_put_u32(&footer, b->ndoc_blocks, &rc);
        ndx__buf_put_u32(&footer, 0, &rc);
        if (!rc) {
            uint64_t fh = ndx__hash64(footer.p, footer.n, 0);
            ndx__buf_put_u64(&footer, fh, &rc);
            ndx__buf_append(&footer, "NDXEND01", 8, &rc);
        }
        if (!rc)
            rc = ndx__afile_write(&out, footer.p, footer.n);
        ndx__buf_free(&footer);
    }
    if (!rc)
        rc = ndx__afile_commit(&out);
    if (rc && errmsg && !*errmsg)
        *errmsg = ndx__strfmt("cannot write segment %s: %s", final, strerror(errno));
cleanup:
    ndx__afile_abort(&out);
    ndx_free(tmp);
    ndx_free(final);
    ndx_free(pieces);
    ndx__buf_free(&srcs);
    free_chunks(&j);
    ndx__buf_free(&dict);
    ndx__buf_free(&dictidx);
    ndx__builder_reset(b);
    return rc;
}

int ndx__builder_flush(struct ndx_builder *b, const char *dir, const char *name, char **errmsg)
{
    return ndx__builder_flush_with(b, NULL, 0, NULL, NULL, dir, name, errmsg);
}
