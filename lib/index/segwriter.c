/*
 * segwriter.c - the in-memory segment builder.  ndx__builder_add analyzes an article (title, body
 * and metadata terms), appends its postings to per-term buffers, its columns to arrays and its
 * stored text to the docstore; segflush.c writes the segment (ndx__builder_flush).  Called by
 * index.c.  The analysis threads' side (ndx__builder_analyze, ndx__builder_absorb, for
 * build_pool.c) and the rewrite of stored records whose copies changed (ndx__builder_set_copies)
 * are here too, because they work on the builder's private term table and postings buffers.
 */
#include "index/builder.h"
#include "names/names.h"
#include "text/text.h"
#include "dedup/dedup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

/* Uncompressed bytes per docstore block (at least one doc): small blocks keep fetching one
 * article for a hit cheap. */
#define DOCSTORE_BLOCK 16384

/* ---- small helpers ------------------------------------------------------------------------ */

static void post_grow(struct ndx_builder *b, struct tacc *t)
{
    uint32_t cap = t->cappost ? t->cappost * 2 : 16;
    while (cap < t->npost + 10)
        cap *= 2;
    uint8_t *p = ndx_realloc(t->post, cap);
    if (!p) {
        b->rc = NDX_ENOMEM;
        return;
    }
    b->post_bytes += cap - t->cappost;
    t->post = p;
    t->cappost = cap;
}

static inline void post_put(struct ndx_builder *b, struct tacc *t, uint64_t v)
{
    if (NDX_UNLIKELY(t->npost + 10 > t->cappost)) {
        post_grow(b, t);
        if (b->rc)
            return;
    }
    uint8_t *o = t->post + t->npost;
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    t->npost = (uint32_t)(o - t->post);
}

#define SLOT_EMPTY UINT64_MAX

static int table_resize(struct ndx_builder *b, uint32_t cap)
{
    uint64_t *t = ndx_malloc((size_t)cap * sizeof *t);
    if (!t)
        return NDX_ENOMEM;
    memset(t, 0xff, (size_t)cap * sizeof *t);
    for (uint32_t i = 0; i < b->nacc; i++) {
        struct tacc *a = &b->acc[i];
        uint64_t h = ndx__hash64(b->terms.p + a->term_off, a->nterm, 0);
        uint32_t s = (uint32_t)h & (cap - 1);
        while (t[s] != SLOT_EMPTY)
            s = (s + 1) & (cap - 1);
        t[s] = (h >> 32) << 32 | i;
    }
    ndx_free(b->table);
    b->table = t;
    b->tcap = cap;
    return NDX_OK;
}

/* The first 8 bytes of a term, zero-padded. */
static inline uint64_t term_head8(const char *term, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, term, n < 8 ? n : 8);
    return v;
}

/* Room for need accumulators, the array kept on a 64-byte boundary (one cache line each). */
static int acc_reserve(struct ndx_builder *b, size_t need)
{
    if (need <= b->capacc)
        return NDX_OK;
    size_t cap = b->capacc ? b->capacc * 2 : 64;
    while (cap < need)
        cap *= 2;
    if (cap > SIZE_MAX / sizeof *b->acc - 1)
        return NDX_ENOMEM;
    void *mem = ndx_malloc((cap + 1) * sizeof *b->acc);
    if (!mem)
        return NDX_ENOMEM;
    struct tacc *acc = (struct tacc *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    if (b->nacc)
        memcpy(acc, b->acc, (size_t)b->nacc * sizeof *acc);
    ndx_free(b->acc_mem);
    b->acc_mem = mem;
    b->acc = acc;
    b->capacc = cap;
    return NDX_OK;
}

/* Term id of term (created if new); UINT32_MAX on error (b->rc set). */
static uint32_t term_id(struct ndx_builder *b, const char *term, size_t n)
{
    if ((b->nacc + 1) * 2 > b->tcap && fail_if(b, table_resize(b, b->tcap ? b->tcap * 2 : 1024)))
        return UINT32_MAX;
    uint64_t h = ndx__hash64(term, n, 0);
    uint32_t s = (uint32_t)h & (b->tcap - 1);
    uint64_t tag = h >> 32, head8 = term_head8(term, n);
    for (;;) {
        uint64_t slot = b->table[s];
        if (slot == SLOT_EMPTY)
            break;
        if (slot >> 32 == tag) {
            uint32_t id = (uint32_t)slot;
            const struct tacc *a = &b->acc[id];
            if (a->head8 == head8 && a->nterm == n &&
                (n <= 8 || memcmp(b->terms.p + a->term_off + 8, term + 8, n - 8) == 0))
                return id;
        }
        s = (s + 1) & (b->tcap - 1);
    }
    if (fail_if(b, acc_reserve(b, (size_t)b->nacc + 1)))
        return UINT32_MAX;
    if (b->terms.n + n > UINT32_MAX) {
        b->rc = NDX_ETOOBIG;
        return UINT32_MAX;
    }
    uint32_t id = b->nacc++;
    struct tacc *a = &b->acc[id];
    memset(a, 0, sizeof *a);
    a->head8 = head8;
    a->term_off = (uint32_t)b->terms.n;
    a->nterm = (uint32_t)n;
    ndx__buf_append(&b->terms, term, n, &b->rc);
    if (b->rc) {
        b->nacc--;
        return UINT32_MAX;
    }
    b->table[s] = tag << 32 | id;
    return id;
}

/* Record an occurrence of term at pos (pos UINT32_MAX: metadata term without positions). */
static void occur(struct ndx_builder *b, const char *term, size_t n, uint32_t pos)
{
    if (b->rc)
        return;
    uint32_t id = term_id(b, term, n);
    if (id == UINT32_MAX)
        return;
    struct tacc *a = &b->acc[id];
    if (a->cur_doc != b->doc + 1) {
        if (fail_if(b,
                    ndx__grow(&b->touched, &b->captouched, b->ntouched + 1, sizeof(uint32_t), 64)))
            return;
        b->touched[b->ntouched++] = id;
        a->cur_doc = b->doc + 1;
        a->head = a->tail = UINT32_MAX;
        a->npend = 0;
        a->wf = 0;
    }
    if (pos == UINT32_MAX) {
        a->wf = 1;
        return;
    }
    a->wf += pos < b->title_len ? NDX_TITLE_WEIGHT : 1;
    if (fail_if(b, ndx__grow(&b->pend, &b->cappend, b->npend + 1, sizeof *b->pend, 64)))
        return;
    uint32_t e = b->npend++;
    b->pend[e].pos = pos;
    b->pend[e].next = UINT32_MAX;
    if (a->tail == UINT32_MAX)
        a->head = e;
    else
        b->pend[a->tail].next = e;
    a->tail = e;
    a->npend++;
    b->ntokens++;
}

static int on_token(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                    size_t end, unsigned flags)
{
    (void)start, (void)end, (void)flags;
    struct ndx_builder *b = ctx;
    occur(b, term, nterm, pos);
    return b->rc;
}

/* Metadata terms: prefix byte, kind letter, then each word of the value (no positions). */
static int on_meta_token(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                         size_t end, unsigned flags)
{
    (void)pos, (void)start, (void)end, (void)flags;
    struct ndx_builder *b = ((void **)ctx)[0];
    const char *kind = ((void **)ctx)[1];
    char tmp[128];
    if (nterm > sizeof tmp - 2)
        nterm = sizeof tmp - 2;
    tmp[0] = NDX_META_PREFIX;
    tmp[1] = *kind;
    memcpy(tmp + 2, term, nterm);
    occur(b, tmp, nterm + 2, UINT32_MAX);
    return b->rc;
}

static void meta_terms(struct ndx_builder *b, char kind, const char *s, size_t n);

/* The people, organisations and places of the body (lib/names) as metadata terms. */
static int entity_term(void *ctx, char kind, const char *s, size_t n)
{
    meta_terms(ctx, kind, s, n);
    return ((struct ndx_builder *)ctx)->rc;
}

static void meta_terms(struct ndx_builder *b, char kind, const char *s, size_t n)
{
    if (!n || b->rc)
        return;
    struct ndx_analyzer an;
    memset(&an, 0, sizeof an);
    void *ctx[2] = {b, &kind};
    int r = ndx__analyze(&an, s, n, NULL, 0, on_meta_token, ctx, NULL);
    if (r && !b->rc)
        b->rc = r;
}

/* The keyword fields of the article, one term per value (keywords.c). */
static void keyword_terms(struct ndx_builder *b, const ndx_article *a)
{
    const char *p = a->fields, *end = a->fields ? a->fields + a->nfields : NULL;
    const char *name, *val;
    size_t nname, nval;
    while (!b->rc && ndx__keyword_next(&p, end, &name, &nname, &val, &nval)) {
        struct ndx_buf *t = &b->kwterm;
        ndx__buf_reset(t);
        ndx__keyword_term(name, nname, val, nval, t, &b->rc);
        if (!b->rc)
            occur(b, (const char *)t->p, t->n, UINT32_MAX);
    }
}

/* Ordinal of a source string in the dictionary (added if new). */
static uint32_t source_ord(struct ndx_builder *b, const char *s, size_t n)
{
    if ((b->nsrc + 1) * 2 > b->src_tcap) {
        uint32_t cap = b->src_tcap ? b->src_tcap * 2 : 64;
        uint32_t *t = ndx_calloc(cap, sizeof *t);
        if (!t) {
            b->rc = NDX_ENOMEM;
            return 0;
        }
        const uint32_t *offs = (const uint32_t *)b->src_offs.p;
        for (uint32_t i = 0; i < b->nsrc; i++) {
            uint64_t h = ndx__hash64(b->src_bytes.p + offs[i], offs[i + 1] - offs[i], 1);
            uint32_t k = (uint32_t)h & (cap - 1);
            while (t[k])
                k = (k + 1) & (cap - 1);
            t[k] = i + 1;
        }
        ndx_free(b->src_table);
        b->src_table = t;
        b->src_tcap = cap;
    }
    uint64_t h = ndx__hash64(s, n, 1);
    uint32_t k = (uint32_t)h & (b->src_tcap - 1);
    for (;;) {
        uint32_t o = b->src_table[k];
        if (!o)
            break;
        const uint32_t *offs = (const uint32_t *)b->src_offs.p;
        if (offs[o] - offs[o - 1] == n && memcmp(b->src_bytes.p + offs[o - 1], s, n) == 0)
            return o - 1;
        k = (k + 1) & (b->src_tcap - 1);
    }
    if (b->nsrc == 0)
        ndx__buf_put_u32(&b->src_offs, 0, &b->rc);
    ndx__buf_append(&b->src_bytes, s, n, &b->rc);
    ndx__buf_put_u32(&b->src_offs, (uint32_t)b->src_bytes.n, &b->rc);
    if (b->rc)
        return 0;
    b->src_table[k] = ++b->nsrc;
    return b->nsrc - 1;
}

/* ---- docstore ----------------------------------------------------------------------------- */

static void put_str(struct ndx_buf *o, const char *s, size_t n, int *rc)
{
    ndx__buf_put_varint(o, n, rc);
    ndx__buf_append(o, s, n, rc);
}

void ndx__ds_close_block(struct ndx_builder *b)
{
    if (b->rc || b->ds_ndocs == 0)
        return;
    size_t bound = ZSTD_compressBound(b->ds_cur.n);
    if (fail_if(b, ndx__buf_reserve(&b->ds_blocks, bound)))
        return;
    if (!b->zc && !(b->zc = ZSTD_createCCtx())) {
        b->rc = NDX_ENOMEM;
        return;
    }
    size_t c = ZSTD_compressCCtx(b->zc, b->ds_blocks.p + b->ds_blocks.n, bound, b->ds_cur.p,
                                 b->ds_cur.n, 3);
    if (ZSTD_isError(c)) {
        b->rc = NDX_EIO;
        return;
    }
    uint64_t off = b->ds_blocks.n;
    b->ds_blocks.n += c;
    ndx__buf_put_u32(&b->ds_idx, b->ds_first, &b->rc);
    ndx__buf_put_u32(&b->ds_idx, b->ds_ndocs, &b->rc);
    ndx__buf_put_u64(&b->ds_idx, off, &b->rc);
    ndx__buf_put_u32(&b->ds_idx, (uint32_t)c, &b->rc);
    ndx__buf_put_u32(&b->ds_idx, (uint32_t)b->ds_cur.n, &b->rc);
    b->ndoc_blocks++;
    ndx__buf_reset(&b->ds_cur);
    b->ds_ndocs = 0;
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void ds_encode(struct ndx_buf *o, const ndx_article *a, const char *lang, int *rc)
{
    put_str(o, a->url, a->nurl, rc);
    put_str(o, a->source, a->nsource, rc);
    put_str(o, a->title, a->ntitle, rc);
    put_str(o, a->authors, a->nauthors, rc);
    put_str(o, a->body, a->nbody, rc);
    put_str(o, lang, 2, rc);
    put_str(o, a->copies, a->ncopies, rc);
    ndx__buf_put_varint(o, zigzag(a->published), rc);
    ndx__buf_put_varint(o, zigzag(a->ingested), rc);
    ndx__buf_put_varint(o, a->flags, rc);
    put_str(o, a->parent, a->nparent, rc);
    put_str(o, a->fields, a->nfields, rc);
}

static void ds_add(struct ndx_builder *b, const ndx_article *a, const char *lang)
{
    if (b->ds_ndocs == 0)
        b->ds_first = b->doc;
    ds_encode(&b->ds_cur, a, lang, &b->rc);
    b->ds_ndocs++;
    if (b->ds_cur.n >= DOCSTORE_BLOCK)
        ndx__ds_close_block(b);
}

/* The copies list of doc set by ndx__builder_set_copies, or NULL. */
static const struct copies_ov *find_override(const struct ndx_builder *b, uint32_t doc)
{
    const struct copies_ov *o = (const struct copies_ov *)b->ov.p, *found = NULL;
    for (size_t i = 0; i < b->ov.n / sizeof *o; i++)
        if (o[i].doc == doc)
            found = &o[i]; /* the last one set */
    return found;
}

/* Write again the docstore blocks that hold a document whose copies list was set, the others
 * kept as they are. */
void ndx__ds_apply_overrides(struct ndx_builder *b)
{
    if (b->rc || b->ov.n == 0)
        return;
    struct ndx_buf old_blocks = b->ds_blocks, old_idx = b->ds_idx, plain;
    uint32_t nblocks = b->ndoc_blocks;
    ndx__buf_init(&b->ds_blocks, 0);
    ndx__buf_init(&b->ds_idx, 0);
    ndx__buf_init(&plain, 0);
    b->ndoc_blocks = 0;
    for (uint32_t k = 0; k < nblocks && !b->rc; k++) {
        const uint8_t *e = old_idx.p + (size_t)k * 24;
        uint32_t first = ndx__rd_u32(e), n = ndx__rd_u32(e + 4);
        uint64_t off = ndx__rd_u64(e + 8);
        uint32_t clen = ndx__rd_u32(e + 16), ulen = ndx__rd_u32(e + 20);
        int touched = 0;
        for (uint32_t d = first; d < first + n && !touched; d++)
            touched = find_override(b, d) != NULL;
        if (!touched) {
            uint64_t noff = b->ds_blocks.n;
            ndx__buf_append(&b->ds_blocks, old_blocks.p + off, clen, &b->rc);
            ndx__buf_append(&b->ds_idx, e, 8, &b->rc);
            ndx__buf_put_u64(&b->ds_idx, noff, &b->rc);
            ndx__buf_append(&b->ds_idx, e + 16, 8, &b->rc);
            b->ndoc_blocks++;
            continue;
        }
        ndx__buf_reset(&plain);
        if (fail_if(b, ndx__buf_reserve(&plain, ulen)))
            break;
        size_t got = ZSTD_decompress(plain.p, ulen, old_blocks.p + off, clen);
        if (ZSTD_isError(got) || got != ulen) {
            fail_if(b, NDX_EIO);
            break;
        }
        const uint8_t *p = plain.p, *end = plain.p + ulen;
        ndx__buf_reset(&b->ds_cur);
        b->ds_first = first;
        b->ds_ndocs = 0;
        for (uint32_t d = first; d < first + n && !b->rc; d++) {
            ndx_article a;
            const char *lang;
            if (ndx__doc_decode(&p, end, &a, &lang, NDX_SEG_VERSION)) {
                fail_if(b, NDX_EIO);
                break;
            }
            const struct copies_ov *o = find_override(b, d);
            if (o) {
                a.copies = (const char *)b->ov_bytes.p + o->off;
                a.ncopies = o->len;
            }
            ds_encode(&b->ds_cur, &a, lang, &b->rc);
            b->ds_ndocs++;
        }
        ndx__ds_close_block(b);
    }
    ndx__buf_free(&old_blocks);
    ndx__buf_free(&old_idx);
    ndx__buf_free(&plain);
}

int ndx__builder_set_copies(struct ndx_builder *b, uint32_t doc, const char *copies, size_t n,
                            uint32_t ncopies)
{
    if (b->rc)
        return b->rc;
    if (doc >= b->ndocs || b->ov_bytes.n + n > UINT32_MAX)
        return fail_if(b, NDX_EINVAL), b->rc;
    struct copies_ov o = {doc, (uint32_t)b->ov_bytes.n, (uint32_t)n};
    ndx__buf_append(&b->ov_bytes, copies, n, &b->rc);
    ndx__buf_append(&b->ov, &o, sizeof o, &b->rc);
    if (!b->rc) {
        uint8_t *fp = b->col.flags.p + (size_t)doc * 4;
        uint32_t f = (ndx__rd_u32(fp) & 0xffff) | NDX_MIN(ncopies, 0xffff) << 16;
        memcpy(fp, &f, 4);
    }
    return b->rc;
}

static int get_str(const uint8_t **p, const uint8_t *end, const char **s, size_t *n)
{
    uint64_t v;
    if (ndx__get_varint(p, end, &v) || v > (uint64_t)(end - *p))
        return NDX_CORRUPT;
    *s = v ? (const char *)*p : NULL;
    *n = (size_t)v;
    *p += v;
    return NDX_OK;
}

int ndx__doc_decode(const uint8_t **p, const uint8_t *end, ndx_article *a, const char **lang,
                    int version)
{
    size_t nlang = 0;
    uint64_t v;
    memset(a, 0, sizeof *a);
    if (get_str(p, end, &a->url, &a->nurl) || get_str(p, end, &a->source, &a->nsource) ||
        get_str(p, end, &a->title, &a->ntitle) || get_str(p, end, &a->authors, &a->nauthors) ||
        get_str(p, end, &a->body, &a->nbody) || get_str(p, end, lang, &nlang) ||
        get_str(p, end, &a->copies, &a->ncopies) || nlang != 2)
        return NDX_CORRUPT;
    if (ndx__get_varint(p, end, &v))
        return NDX_CORRUPT;
    a->published = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    if (ndx__get_varint(p, end, &v))
        return NDX_CORRUPT;
    a->ingested = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    if (ndx__get_varint(p, end, &v) || v > UINT32_MAX || get_str(p, end, &a->parent, &a->nparent))
        return NDX_CORRUPT;
    a->flags = (unsigned)v;
    if (version >= 2 && get_str(p, end, &a->fields, &a->nfields))
        return NDX_CORRUPT;
    a->lang = *lang;
    a->nlang = 2;
    return NDX_OK;
}

/* ---- public builder API ------------------------------------------------------------------- */

struct ndx_builder *ndx__builder_new(int stem, int simple)
{
    struct ndx_builder *b = ndx_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->stem = stem;
    b->simple = simple;
    b->an.simple = simple;
    b->an.stem = stem;
    b->an.max_term = 64;
    return b;
}

static void builder_clear(struct ndx_builder *b)
{
    for (uint32_t i = 0; i < b->nacc; i++)
        ndx_free(b->acc[i].post);
    ndx_free(b->acc_mem);
    ndx_free(b->table);
    ndx_free(b->pend);
    ndx_free(b->touched);
    ndx_free(b->src_table);
#define COLUMN_FREE(name, type, per_doc) ndx__buf_free(&b->col.name);
    NDX_COLUMNS(COLUMN_FREE)
#undef COLUMN_FREE
    struct ndx_buf *bufs[] = {&b->terms,  &b->src_bytes, &b->src_offs, &b->ds_blocks,
                              &b->ds_idx, &b->ds_cur,    &b->kwterm,   &b->doclens,
                              &b->ov,     &b->ov_bytes,  &b->failed};
    for (size_t i = 0; i < NDX_ARRAY_LEN(bufs); i++)
        ndx__buf_free(bufs[i]);
    int stem = b->stem, simple = b->simple;
    struct ndx_analyzer an = b->an;
    ZSTD_CCtx *zc = b->zc;
    memset(b, 0, sizeof *b);
    b->zc = zc;
    b->stem = stem;
    b->simple = simple;
    b->an = an;
}

void ndx__builder_set_han_fold(struct ndx_builder *b, int on)
{
    b->an.no_han_fold = !on;
}

void ndx__builder_reset(struct ndx_builder *b)
{
    builder_clear(b);
}

void ndx__builder_free(struct ndx_builder *b)
{
    if (!b)
        return;
    builder_clear(b);
    ZSTD_freeCCtx(b->zc);
    ndx_free(b);
}

uint32_t ndx__builder_ndocs(const struct ndx_builder *b)
{
    return b->ndocs;
}

size_t ndx__builder_memory(const struct ndx_builder *b)
{
    return b->post_bytes + (size_t)b->capacc * sizeof(struct tacc) +
           (size_t)b->tcap * sizeof(uint64_t) + b->terms.cap + b->ds_blocks.cap + b->ds_cur.cap +
           (size_t)b->ndocs * (NDX_COLUMN_BYTES + 16) + b->src_bytes.cap;
}

size_t ndx__builder_text_bytes(const struct ndx_builder *b)
{
    return (size_t)b->text_bytes;
}

uint64_t ndx__builder_gid(const struct ndx_builder *b, uint32_t doc)
{
    return ndx__rd_u64(b->col.gid.p + (size_t)doc * 8);
}

const uint16_t *ndx__builder_sig(const struct ndx_builder *b, uint32_t doc)
{
    return (const uint16_t *)(b->col.sig.p + (size_t)doc * NDX_SKETCH_BINS * 2);
}

uint64_t ndx__builder_story(const struct ndx_builder *b, uint32_t doc)
{
    return ndx__rd_u64(b->col.story.p + (size_t)doc * 8);
}

/* The columns and the stored record of the next document, whose postings are added already
 * (ndx__builder_add) or later (ndx__builder_put_postings). */
static int put_doc(struct ndx_builder *b, uint64_t gid, const ndx_article *a, const char *lang,
                   const struct ndx_docmeta *m, uint32_t dl, uint32_t title_len)
{
    b->doc = b->ndocs;
    uint32_t src = source_ord(b, a->source ? a->source : "", a->nsource);
    uint16_t lg = (uint16_t)((uint8_t)lang[0] | (uint8_t)lang[1] << 8);
    ndx__buf_put_u64(&b->col.gid, gid, &b->rc);
    ndx__buf_put_u64(&b->col.published, (uint64_t)a->published, &b->rc);
    ndx__buf_put_u64(&b->col.url_hash, m->url_hash, &b->rc);
    ndx__buf_put_u64(&b->col.content_hash, m->content_hash, &b->rc);
    ndx__buf_put_u64(&b->col.story, m->story ? m->story : gid, &b->rc);
    ndx__buf_append(&b->col.sig, m->sig, NDX_SKETCH_BINS * 2, &b->rc);
    ndx__buf_put_u32(&b->col.dl, dl, &b->rc);
    ndx__buf_put_u32(&b->col.title_len, title_len, &b->rc);
    ndx__buf_put_u32(&b->col.source, src, &b->rc);
    ndx__buf_put_u32(&b->col.flags, m->flags, &b->rc);
    ndx__buf_append(&b->col.lang, &lg, 2, &b->rc);
    ds_add(b, a, lang);
    if (b->rc)
        return b->rc;
    b->sum_dl += dl;
    b->text_bytes += a->ntitle + a->nbody;
    b->ndocs++;
    return NDX_OK;
}

static int post_reserve(struct ndx_builder *b, struct tacc *t, size_t need);

/* Analyse the text and metadata of doc b->doc into the postings; *dl and *title_len as put_doc
 * takes them. */
static int analyze_doc(struct ndx_builder *b, const ndx_article *a, const char *lang, uint32_t *dl,
                       uint32_t *title_len_out)
{
    b->ntouched = 0;
    b->npend = 0;
    uint32_t next = 0;
    b->title_len = UINT32_MAX; /* every title token counts as title */
    int r = ndx__analyze(&b->an, a->title, a->ntitle, lang, 0, on_token, b, &next);
    if (r && !b->rc)
        b->rc = r;
    uint32_t title_len = next;
    b->title_len = title_len;
    uint32_t body_start = title_len ? title_len + 1 : 0;
    r = ndx__analyze(&b->an, a->body, a->nbody, lang, body_start, on_token, b, &next);
    if (r && !b->rc)
        b->rc = r;
    uint64_t body_tokens = next > body_start ? next - body_start : 0;
    meta_terms(b, 'S', a->source, a->nsource);
    meta_terms(b, 'U', a->url, a->nurl);
    meta_terms(b, 'L', lang, 2);
    keyword_terms(b, a);
    /* the name rules read capitalised words: nothing to find in Chinese, Japanese, Korean */
    bool uncased = lang && (!strncmp(lang, "zh", 2) || !strncmp(lang, "ja", 2) ||
                            !strncmp(lang, "ko", 2) || !strncmp(lang, "th", 2));
    r = b->rc || uncased ? b->rc : ndx__entity_names(a->body, a->nbody, entity_term, b);
    if (r && !b->rc)
        b->rc = r;
    if (b->rc)
        return b->rc;
    /* room for every posting of this doc first, so that a failure leaves none of them written */
    for (uint32_t k = 0; k < b->ntouched; k++) {
        struct tacc *t = &b->acc[b->touched[k]];
        if (post_reserve(b, t, 5 * ((size_t)t->npend + 3)))
            return b->rc;
    }
    /* flush pending postings of this doc */
    for (uint32_t k = 0; k < b->ntouched; k++) {
        struct tacc *t = &b->acc[b->touched[k]];
        post_put(b, t, t->df ? b->doc - t->last_doc : b->doc);
        post_put(b, t, t->wf);
        post_put(b, t, t->npend);
        uint32_t prev = 0;
        for (uint32_t e = t->head; e != UINT32_MAX; e = b->pend[e].next) {
            post_put(b, t, b->pend[e].pos - prev);
            prev = b->pend[e].pos;
        }
        t->df++;
        t->last_doc = b->doc;
        t->cur_doc = 0;
        b->npostings++;
    }
    uint64_t n = body_tokens + (uint64_t)NDX_TITLE_WEIGHT * title_len;
    *dl = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    *title_len_out = title_len;
    return NDX_OK;
}

int ndx__builder_add(struct ndx_builder *b, uint64_t gid, const ndx_article *a, const char *lang,
                     const struct ndx_docmeta *m)
{
    if (b->rc)
        return b->rc;
    if (b->ndocs == UINT32_MAX - 1)
        return NDX_ETOOBIG;
    b->doc = b->ndocs;
    uint32_t dl, title_len;
    int rc = analyze_doc(b, a, lang, &dl, &title_len);
    return rc ? rc : put_doc(b, gid, a, lang, m, dl, title_len);
}

/* ---- parallel ingest: worker builders and their merge (build_pool.c) ---------------------- */

int ndx__builder_analyze(struct ndx_builder *b, uint32_t doc, const ndx_article *a,
                         const char *lang)
{
    if (b->rc)
        return b->rc;
    if (b->nanalysed && doc <= b->doc)
        return fail_if(b, NDX_EINVAL), b->rc;
    b->doc = doc;
    uint32_t dl, title_len;
    uint64_t ntokens = b->ntokens;
    int rc = ndx__buf_reserve(&b->doclens, 12);
    if (rc || analyze_doc(b, a, lang, &dl, &title_len)) {
        /* this article fails alone: nothing of it was written (its terms new to the builder
         * stay, with no documents), it is recorded for the writer and the next one goes on */
        rc = rc ? rc : b->rc;
        b->rc = 0;
        b->ntokens = ntokens;
        for (uint32_t k = 0; k < b->ntouched; k++)
            b->acc[b->touched[k]].cur_doc = 0;
        b->ntouched = 0;
        ndx__buf_put_u32(&b->failed, doc, &b->rc);
        ndx__buf_put_u32(&b->failed, (uint32_t)rc, &b->rc);
        return rc;
    }
    ndx__buf_put_u32(&b->doclens, doc, &b->rc);
    ndx__buf_put_u32(&b->doclens, dl, &b->rc);
    ndx__buf_put_u32(&b->doclens, title_len, &b->rc);
    b->nanalysed++;
    return b->rc;
}

/* Room for need more bytes in t's postings. */
static int post_reserve(struct ndx_builder *b, struct tacc *t, size_t need)
{
    if (t->npost + need + 10 <= t->cappost)
        return NDX_OK;
    if (t->npost + need + 10 > UINT32_MAX / 2)
        return fail_if(b, NDX_ETOOBIG), b->rc;
    uint32_t cap = t->cappost ? t->cappost : 16;
    while (cap < t->npost + need + 10)
        cap *= 2;
    uint8_t *p = ndx_realloc(t->post, cap);
    if (!p)
        return fail_if(b, NDX_ENOMEM), b->rc;
    b->post_bytes += cap - t->cappost;
    t->post = p;
    t->cappost = cap;
    return NDX_OK;
}

size_t ndx__builder_failures(const struct ndx_builder *b, size_t i, uint32_t *doc, int *rc)
{
    size_t n = b->failed.n / 8;
    if (i < n) {
        *doc = ndx__rd_u32(b->failed.p + i * 8);
        *rc = (int)ndx__rd_u32(b->failed.p + i * 8 + 4);
    }
    return n;
}

int ndx__builder_absorb(struct ndx_builder *b, struct ndx_builder *const *w, size_t nw)
{
    if (b->rc)
        return b->rc;
    int any = 0;
    for (size_t i = 0; i < nw; i++) {
        if (w[i]->rc)
            return fail_if(b, w[i]->rc), b->rc;
        any |= w[i]->nanalysed > 0;
    }
    if (!any)
        return NDX_OK;
    if (b->nacc || nw > 64)
        return fail_if(b, NDX_EINVAL), b->rc;
    /* the lengths of the documents, in the columns put_doc left at zero */
    for (size_t i = 0; i < nw; i++) {
        const uint8_t *p = w[i]->doclens.p;
        for (uint32_t k = 0; k < w[i]->nanalysed; k++, p += 12) {
            uint32_t doc = ndx__rd_u32(p), dl = ndx__rd_u32(p + 4), tl = ndx__rd_u32(p + 8);
            if (doc >= b->ndocs)
                return fail_if(b, NDX_EINVAL), b->rc;
            memcpy(b->col.dl.p + (size_t)doc * 4, p + 4, 4);
            memcpy(b->col.title_len.p + (size_t)doc * 4, p + 8, 4);
            (void)tl;
            b->sum_dl += dl;
        }
        b->npostings += w[i]->npostings;
        b->ntokens += w[i]->ntokens;
    }
    /* each worker's terms in b's table; src[id * nw + i]: term id in worker i, or UINT32_MAX */
    uint32_t *src = NULL;
    size_t capsrc = 0;
    for (size_t i = 0; i < nw && !b->rc; i++) {
        struct ndx_builder *x = w[i];
        for (uint32_t t = 0; t < x->nacc; t++) {
            if (!x->acc[t].df)
                continue; /* only in an article that failed */
            uint32_t id =
                term_id(b, (const char *)x->terms.p + x->acc[t].term_off, x->acc[t].nterm);
            if (id == UINT32_MAX)
                break;
            size_t old = capsrc;
            if (fail_if(b, ndx__grow(&src, &capsrc, ((size_t)id + 1) * nw, sizeof *src, 1024)))
                break;
            if (capsrc > old)
                memset(src + old, 0xff, (capsrc - old) * sizeof *src);
            src[(size_t)id * nw + i] = t;
        }
    }
    /* each term's postings: taken over from the only worker that has it, or merged by document */
    struct pcur cur[64];
    for (uint32_t id = 0; id < b->nacc && !b->rc; id++) {
        struct tacc *t = &b->acc[id];
        size_t nsrc = 0, only = 0;
        for (size_t i = 0; i < nw; i++)
            if (src[(size_t)id * nw + i] != UINT32_MAX)
                nsrc++, only = i;
        if (nsrc == 1) {
            struct ndx_builder *x = w[only];
            struct tacc *s = &x->acc[src[(size_t)id * nw + only]];
            t->post = s->post, t->npost = s->npost, t->cappost = s->cappost;
            t->df = s->df, t->last_doc = s->last_doc;
            b->post_bytes += s->cappost;
            x->post_bytes -= s->cappost;
            s->post = NULL, s->npost = s->cappost = 0;
            continue;
        }
        for (size_t i = 0; i < nw; i++) {
            uint32_t sid = src[(size_t)id * nw + i];
            cur[i].live = 0;
            if (sid == UINT32_MAX)
                continue;
            const struct tacc *s = &w[i]->acc[sid];
            cur[i].p = s->post;
            cur[i].end = s->post + s->npost;
            pcur_next(&cur[i], 1);
        }
        for (;;) {
            size_t k = nw;
            for (size_t i = 0; i < nw; i++)
                if (cur[i].live && (k == nw || cur[i].doc < cur[k].doc))
                    k = i;
            if (k == nw)
                break;
            uint32_t doc = cur[k].doc;
            if (t->df && doc <= t->last_doc) {
                fail_if(b, NDX_EINVAL);
                break;
            }
            const uint8_t *p = cur[k].p, *e = posting_end(p, cur[k].end);
            if (post_reserve(b, t, (size_t)(e - p)))
                break;
            post_put(b, t, t->df ? doc - t->last_doc : doc);
            memcpy(t->post + t->npost, p, (size_t)(e - p));
            t->npost += (uint32_t)(e - p);
            t->df++;
            t->last_doc = doc;
            cur[k].p = e;
            pcur_next(&cur[k], 0);
        }
    }
    ndx_free(src);
    return b->rc;
}

/*
 * Merging segments without analysing their text again: the documents of the merged segments are
 * put first (columns and stored record, in their new order), then every term's postings, one
 * segment after the other, so that each term's documents arrive in increasing order.
 */
int ndx__builder_put_doc(struct ndx_builder *b, uint64_t gid, const ndx_article *a,
                         const char *lang, const struct ndx_docmeta *m, uint32_t dl,
                         uint32_t title_len)
{
    if (b->rc)
        return b->rc;
    if (b->ndocs == UINT32_MAX - 1)
        return NDX_ETOOBIG;
    return put_doc(b, gid, a, lang, m, dl, title_len);
}

int ndx__builder_put_postings(struct ndx_builder *b, const char *term, size_t n, uint32_t doc,
                              uint32_t wf, const uint32_t *pos, uint32_t npos)
{
    if (b->rc)
        return b->rc;
    uint32_t id = term_id(b, term, n);
    if (id == UINT32_MAX)
        return b->rc;
    struct tacc *t = &b->acc[id];
    if (doc >= b->ndocs || (t->df && doc <= t->last_doc))
        return fail_if(b, NDX_EINVAL), b->rc;
    post_put(b, t, t->df ? doc - t->last_doc : doc);
    post_put(b, t, wf);
    post_put(b, t, npos);
    uint32_t prev = 0;
    for (uint32_t k = 0; k < npos; k++) {
        post_put(b, t, pos[k] - prev);
        prev = pos[k];
    }
    t->df++;
    t->last_doc = doc;
    b->npostings++;
    b->ntokens += npos;
    return b->rc;
}

int ndx__builder_doc(struct ndx_builder *b, uint32_t doc, struct ndx_buf *scratch, ndx_article *a)
{
    if (doc >= b->ndocs)
        return NDX_ENOTFOUND;
    const uint8_t *p, *end;
    uint32_t skip;
    if (b->ds_ndocs && doc >= b->ds_first) {
        ndx__buf_reset(scratch);
        int rc = 0;
        ndx__buf_append(scratch, b->ds_cur.p, b->ds_cur.n, &rc);
        if (rc)
            return rc;
        skip = doc - b->ds_first;
    } else {
        /* find the block */
        uint32_t lo = 0, hi = b->ndoc_blocks;
        while (hi - lo > 1) {
            uint32_t mid = (lo + hi) / 2;
            if (ndx__rd_u32(b->ds_idx.p + (size_t)mid * 24) <= doc)
                lo = mid;
            else
                hi = mid;
        }
        const uint8_t *e = b->ds_idx.p + (size_t)lo * 24;
        uint64_t off = ndx__rd_u64(e + 8);
        uint32_t clen = ndx__rd_u32(e + 16), ulen = ndx__rd_u32(e + 20);
        ndx__buf_reset(scratch);
        int rc = ndx__buf_reserve(scratch, ulen);
        if (rc)
            return rc;
        size_t got = ZSTD_decompress(scratch->p, ulen, b->ds_blocks.p + off, clen);
        if (ZSTD_isError(got) || got != ulen)
            return NDX_EIO;
        scratch->n = ulen;
        skip = doc - ndx__rd_u32(e);
    }
    p = scratch->p;
    end = p + scratch->n;
    const char *lang;
    for (uint32_t i = 0; i <= skip; i++)
        if (ndx__doc_decode(&p, end, a, &lang, NDX_SEG_VERSION))
            return NDX_EIO;
    const struct copies_ov *o = find_override(b, doc);
    if (o) {
        a->copies = (const char *)b->ov_bytes.p + o->off;
        a->ncopies = o->len;
    }
    a->id = ndx__builder_gid(b, doc);
    return NDX_OK;
}
