/*
 * segreader.c - reading immutable segment files: open and validate (mmap, footer, section
 * hashes on check), term dictionary lookup and prefix scans, stored documents, and the postings
 * iterator used by query evaluation.  Every offset read from the file is bounds-checked; bad data
 * gives NDX_ECORRUPT, never a crash.  Format: docs/FORMAT.md; writer: segwriter.c.
 */
#include "index/index.h"

#include <stdatomic.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define FOOTER_SIZE ((NDX_SEC_COUNT - 1) * 24 + 48 + 16 + 8 + 8)
#define SKIP_ENTRY  20

static int fail(char **errmsg, const char *name, const char *what)
{
    if (errmsg)
        *errmsg = ndx__strfmt("segment %s: %s", name, what);
    return NDX_CORRUPT;
}

int ndx__seg_open(const char *dir, const char *name, struct ndx_seg **out, char **errmsg)
{
    *out = NULL;
    char *path = ndx__strfmt("%s/%s.ndx", dir, name);
    if (!path)
        return NDX_ENOMEM;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (errmsg)
            *errmsg = ndx__strfmt("cannot open %s: %s", path, strerror(e));
        ndx_free(path);
        return e == ENOENT ? NDX_ENOTFOUND : NDX_EIO;
    }
    ndx_free(path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NDX_EIO;
    }
    size_t size = (size_t)st.st_size;
    if (size < 16 + FOOTER_SIZE) {
        close(fd);
        return fail(errmsg, name, "file too short");
    }
    uint8_t *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NDX_EIO;
    struct ndx_seg *s = ndx_calloc(1, sizeof *s);
    if (!s || !(s->name = ndx_strndup(name, strlen(name)))) {
        ndx_free(s);
        munmap(map, size);
        return NDX_ENOMEM;
    }
    s->map = map;
    s->size = size;
    static _Atomic uint64_t next_uid = 1;
    s->uid = atomic_fetch_add(&next_uid, 1);
    int rc = NDX_OK;
    const uint8_t *ft = map + size - FOOTER_SIZE;
    if (memcmp(map, "NDXSEG01", 8) != 0 || map[8] < 1 || map[8] > NDX_SEG_VERSION) {
        rc = fail(errmsg, name,
                  memcmp(map, "NDXSEG01", 8) == 0 && map[8] > NDX_SEG_VERSION
                      ? "written by a newer newsdex (format version too new)"
                      : "bad header");
        goto out;
    }
    s->version = map[8];
    if (memcmp(map + size - 8, "NDXEND01", 8) != 0 ||
        ndx__hash64(ft, FOOTER_SIZE - 16, 0) != ndx__rd_u64(map + size - 16)) {
        rc = fail(errmsg, name, "bad footer (truncated or damaged file)");
        goto out;
    }
    for (int i = 1; i < NDX_SEC_COUNT; i++) {
        const uint8_t *e = ft + (i - 1) * 24;
        uint64_t off = ndx__rd_u64(e), n = ndx__rd_u64(e + 8);
        if (off < 16 || off > size - FOOTER_SIZE || n > size - FOOTER_SIZE - off || off % 8) {
            rc = fail(errmsg, name, "section out of bounds");
            goto out;
        }
        s->sec[i].p = map + off;
        s->sec[i].n = n;
        s->sec[i].hash = ndx__rd_u64(e + 16);
    }
    const uint8_t *m = ft + (NDX_SEC_COUNT - 1) * 24;
    uint64_t ndocs = ndx__rd_u64(m);
    s->sum_dl = ndx__rd_u64(m + 8);
    s->nterms = ndx__rd_u64(m + 16);
    s->npostings = ndx__rd_u64(m + 24);
    s->ntokens = ndx__rd_u64(m + 32);
    s->text_bytes = ndx__rd_u64(m + 40);
    s->nterm_blocks = ndx__rd_u32(m + 48);
    s->nsources = ndx__rd_u32(m + 52);
    s->ndoc_blocks = ndx__rd_u32(m + 56);
    if (ndocs >= UINT32_MAX || s->sec[NDX_SEC_COLUMNS].n != ndocs * NDX_COLUMN_BYTES ||
        s->sec[NDX_SEC_TERMIDX].n != (uint64_t)s->nterm_blocks * 8 ||
        s->sec[NDX_SEC_DOCIDX].n != (uint64_t)s->ndoc_blocks * 24 ||
        s->sec[NDX_SEC_SOURCES].n < 8 + (uint64_t)s->nsources * 4) {
        rc = fail(errmsg, name, "inconsistent section sizes");
        goto out;
    }
    s->ndocs = (uint32_t)ndocs;
    const uint8_t *c = s->sec[NDX_SEC_COLUMNS].p;
    size_t n = s->ndocs;
    size_t off = 0;
#define POINT_COLUMN(name, type, per_doc)                                                          \
    s->col.name = (const type *)(c + off);                                                         \
    off += n * sizeof(type) * (per_doc);
    NDX_COLUMNS(POINT_COLUMN)
#undef POINT_COLUMN
    for (uint32_t d = 0; d < s->ndocs; d++) {
        uint16_t lg = s->col.lang[d];
        int k = 0;
        while (k < s->nlangs && s->langs[k] != lg)
            k++;
        if (k == s->nlangs && s->nlangs < (int)NDX_ARRAY_LEN(s->langs))
            s->langs[s->nlangs++] = lg;
    }
out:
    if (rc) {
        ndx__seg_close(s);
        return rc;
    }
    *out = s;
    return NDX_OK;
}

void ndx__seg_close(struct ndx_seg *s)
{
    if (!s)
        return;
    if (s->map)
        munmap(s->map, s->size);
    ndx_free(s->by_story);
    ndx_free(s->by_gid);
    ndx_free(s->by_url);
    ndx_free(s->name);
    ndx_free(s);
}

/* ---- dictionary --------------------------------------------------------------------------- */

struct dentry {
    uint8_t term[256];
    size_t nterm;
    struct ndx_terminfo ti;
};

/* A varint of the dictionary: one byte inline (most values), longer ones through
 * ndx__get_varint. */
static inline int dict_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    if (*p < end && **p < 0x80) {
        *v = *(*p)++;
        return 0;
    }
    return ndx__get_varint(p, end, v);
}

/* Decode the next entry of a dictionary block into e (which holds the previous term). */
static int dict_next(const uint8_t **p, const uint8_t *end, struct dentry *e)
{
    uint64_t prefix, suffix, df, doff, poff, mwf, mdl;
    if (dict_varint(p, end, &prefix) || dict_varint(p, end, &suffix) || prefix > e->nterm ||
        prefix + suffix > sizeof e->term || suffix > (uint64_t)(end - *p))
        return NDX_CORRUPT;
    memcpy(e->term + prefix, *p, suffix);
    *p += suffix;
    e->nterm = prefix + suffix;
    if (dict_varint(p, end, &df) || dict_varint(p, end, &doff) || dict_varint(p, end, &poff) ||
        dict_varint(p, end, &mwf) || dict_varint(p, end, &mdl) || df == 0 || df > UINT32_MAX ||
        mwf > UINT32_MAX || mdl > UINT32_MAX)
        return NDX_CORRUPT;
    e->ti.df = (uint32_t)df;
    e->ti.doc_off += doff;
    e->ti.pos_off += poff;
    e->ti.max_wf = (uint32_t)mwf;
    e->ti.min_dl = (uint32_t)mdl;
    return NDX_OK;
}

/* Opens dictionary block blk: [*p, *end) are its bytes and e is ready for its first entry. */
static int block_open(const struct ndx_seg *s, uint32_t blk, const uint8_t **p, const uint8_t **end,
                      struct dentry *e)
{
    e->nterm = 0;
    e->ti.doc_off = e->ti.pos_off = 0;
    const struct ndx_section *d = &s->sec[NDX_SEC_TERMS];
    const uint8_t *idx = s->sec[NDX_SEC_TERMIDX].p;
    uint64_t off = ndx__rd_u64(idx + (size_t)blk * 8);
    uint64_t next = blk + 1 < s->nterm_blocks ? ndx__rd_u64(idx + (size_t)(blk + 1) * 8) : d->n;
    if (off > next || next > d->n)
        return NDX_CORRUPT;
    *p = d->p + off;
    *end = d->p + next;
    return NDX_OK;
}

static int cmp_term(const uint8_t *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, NDX_MIN(na, nb));
    if (c)
        return c;
    return na < nb ? -1 : na > nb;
}

/* The first term of block blk, in place (a block's first entry shares no prefix). */
static int block_first(const struct ndx_seg *s, uint32_t blk, const uint8_t **t, size_t *n)
{
    const uint8_t *p = NULL, *end = NULL;
    struct dentry e;
    uint64_t prefix, suffix;
    if (block_open(s, blk, &p, &end, &e) || dict_varint(&p, end, &prefix) ||
        dict_varint(&p, end, &suffix) || prefix != 0 || suffix > sizeof e.term ||
        suffix > (uint64_t)(end - p))
        return NDX_CORRUPT;
    *t = p;
    *n = (size_t)suffix;
    return NDX_OK;
}

/* Index of the last block whose first term is <= t (0 if none). */
static int find_block(const struct ndx_seg *s, const char *t, size_t n, uint32_t *blk)
{
    uint32_t lo = 0, hi = s->nterm_blocks;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *first;
        size_t nfirst;
        if (block_first(s, mid, &first, &nfirst))
            return NDX_CORRUPT;
        if (cmp_term(first, nfirst, t, n) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    *blk = lo;
    return NDX_OK;
}

static int check_ti(const struct ndx_seg *s, const struct ndx_terminfo *ti)
{
    if (ti->doc_off >= s->sec[NDX_SEC_POSTINGS].n || ti->pos_off >= s->sec[NDX_SEC_POSITIONS].n ||
        ti->df > s->ndocs)
        return NDX_CORRUPT;
    return NDX_OK;
}

/* Bytes a and b share at the start (at most n). */
static inline size_t common_len(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t k = 0;
    while (k < n && a[k] == b[k])
        k++;
    return k;
}

/* The entry of t in one dictionary block.  Entries are not copied out: m, the bytes the entry
 * before shares with t, and each entry's prefix (the bytes it shares with the entry before)
 * say which entries can equal t.  Every entry before is below t, so an entry sharing more than
 * m bytes with the one before is below t too, one sharing fewer is above it (the dictionary is
 * sorted; `newsdex check` verifies the order), and only one sharing exactly m is compared. */
int ndx__seg_lookup(const struct ndx_seg *s, const char *t, size_t n, struct ndx_terminfo *ti)
{
    if (s->nterm_blocks == 0)
        return NDX_ENOTFOUND;
    uint32_t blk;
    int rc = find_block(s, t, n, &blk);
    if (rc)
        return rc;
    const uint8_t *p = NULL, *end = NULL;
    struct dentry e;
    if (block_open(s, blk, &p, &end, &e))
        return NDX_CORRUPT;
    const uint8_t *want = (const uint8_t *)t;
    uint64_t doc_off = 0, pos_off = 0;
    size_t m = 0, nprev = 0;
    int first = 1;
    while (p < end) {
        uint64_t prefix, suffix, df, doff, poff, mwf, mdl;
        if (dict_varint(&p, end, &prefix) || dict_varint(&p, end, &suffix) || prefix > nprev ||
            prefix + suffix > 256 || suffix > (uint64_t)(end - p) || (first && prefix))
            return NDX_CORRUPT;
        const uint8_t *suf = p;
        p += suffix;
        size_t len = (size_t)(prefix + suffix);
        nprev = len;
        if (dict_varint(&p, end, &df) || dict_varint(&p, end, &doff) ||
            dict_varint(&p, end, &poff) || dict_varint(&p, end, &mwf) || dict_varint(&p, end, &mdl))
            return NDX_CORRUPT;
        doc_off += doff;
        pos_off += poff;
        if (!first && prefix > m)
            continue; /* below t, like the entry before */
        if (!first && prefix < m)
            break; /* above t */
        first = 0;
        /* shares exactly m bytes with t: compare the rest */
        size_t k = n > m ? common_len(suf, want + m, NDX_MIN((size_t)suffix, n - m)) : 0;
        m += k;
        if (m == len && m == n) {
            if (df == 0 || df > UINT32_MAX || mwf > UINT32_MAX || mdl > UINT32_MAX)
                return NDX_CORRUPT;
            ti->df = (uint32_t)df;
            ti->doc_off = doc_off;
            ti->pos_off = pos_off;
            ti->max_wf = (uint32_t)mwf;
            ti->min_dl = (uint32_t)mdl;
            return check_ti(s, ti) ? NDX_CORRUPT : NDX_OK;
        }
        /* the entry is above t when t ends first or has the smaller byte at m */
        if (m == n || (m < len && suf[m - (size_t)prefix] > want[m]))
            break;
    }
    return NDX_ENOTFOUND;
}

int ndx__seg_terms(const struct ndx_seg *s, const char *prefix, size_t nprefix, ndx_term_fn cb,
                   void *ctx)
{
    if (s->nterm_blocks == 0)
        return NDX_OK;
    uint32_t blk;
    int rc = find_block(s, prefix, nprefix, &blk);
    if (rc)
        return rc;
    for (; blk < s->nterm_blocks; blk++) {
        const uint8_t *p = NULL, *end = NULL;
        struct dentry e;
        if (block_open(s, blk, &p, &end, &e))
            return NDX_CORRUPT;
        while (p < end) {
            if (dict_next(&p, end, &e))
                return NDX_CORRUPT;
            int c = memcmp(e.term, prefix, NDX_MIN(e.nterm, nprefix));
            if (c < 0 || (c == 0 && e.nterm < nprefix))
                continue;
            if (c > 0)
                return NDX_OK;
            if (check_ti(s, &e.ti))
                return NDX_CORRUPT;
            if ((rc = cb(ctx, (const char *)e.term, e.nterm, &e.ti)))
                return rc;
        }
    }
    return NDX_OK;
}

int ndx__seg_source(const struct ndx_seg *s, uint32_t ord, const char **p, size_t *n)
{
    const struct ndx_section *sec = &s->sec[NDX_SEC_SOURCES];
    if (ord >= s->nsources)
        return NDX_CORRUPT;
    const uint8_t *offs = sec->p + 4;
    uint32_t a = ndx__rd_u32(offs + (size_t)ord * 4), b = ndx__rd_u32(offs + (size_t)ord * 4 + 4);
    uint64_t base = 4 + ((uint64_t)s->nsources + 1) * 4;
    if (a > b || base + b > sec->n)
        return NDX_CORRUPT;
    *p = (const char *)sec->p + base + a;
    *n = b - a;
    return NDX_OK;
}

/* ---- stored documents --------------------------------------------------------------------- */

int ndx__seg_doc(const struct ndx_seg *s, uint32_t doc, struct ndx_buf *scratch, ndx_article *a)
{
    if (doc >= s->ndocs || s->ndoc_blocks == 0)
        return NDX_CORRUPT;
    const uint8_t *idx = s->sec[NDX_SEC_DOCIDX].p;
    uint32_t lo = 0, hi = s->ndoc_blocks;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ndx__rd_u32(idx + (size_t)mid * 24) <= doc)
            lo = mid;
        else
            hi = mid;
    }
    const uint8_t *e = idx + (size_t)lo * 24;
    uint32_t first = ndx__rd_u32(e), nd = ndx__rd_u32(e + 4);
    uint64_t off = ndx__rd_u64(e + 8);
    uint32_t clen = ndx__rd_u32(e + 16), ulen = ndx__rd_u32(e + 20);
    const struct ndx_section *ds = &s->sec[NDX_SEC_DOCSTORE];
    if (doc < first || doc - first >= nd || off > ds->n || clen > ds->n - off ||
        ulen > (1u << 30) || ZSTD_getFrameContentSize(ds->p + off, clen) != ulen)
        return NDX_CORRUPT;
    const char *lang;
    const uint8_t *blk = ndx__dcache_get(s->dc, s->uid, lo, ulen);
    if (!blk) {
        uint8_t *dst = ndx__dcache_slot(s->dc, s->uid, lo, ulen);
        if (dst) {
            size_t got = ZSTD_decompress(dst, ulen, ds->p + off, clen);
            if (ZSTD_isError(got) || got != ulen) {
                ndx__dcache_drop(s->dc, s->uid, lo);
                return NDX_CORRUPT;
            }
            blk = dst;
        }
    }
    ndx__buf_reset(scratch);
    int rc;
    if (blk) {
        /* find the record in the cached block and copy only it */
        const uint8_t *p = blk, *end = blk + ulen, *rec = blk;
        for (uint32_t i = 0; i <= doc - first; i++) {
            rec = p;
            if (ndx__doc_decode(&p, end, a, &lang, s->version))
                return NDX_CORRUPT;
        }
        size_t nrec = (size_t)(p - rec);
        if ((rc = ndx__buf_reserve(scratch, nrec)))
            return rc;
        memcpy(scratch->p, rec, nrec);
        scratch->n = nrec;
        scratch->p[nrec] = 0;
        const uint8_t *q = scratch->p;
        if (ndx__doc_decode(&q, q + nrec, a, &lang, s->version))
            return NDX_CORRUPT;
    } else {
        if ((rc = ndx__buf_reserve(scratch, ulen)))
            return rc;
        size_t got = ZSTD_decompress(scratch->p, ulen, ds->p + off, clen);
        if (ZSTD_isError(got) || got != ulen)
            return NDX_CORRUPT;
        scratch->n = ulen;
        scratch->p[ulen] = 0;
        const uint8_t *p = scratch->p, *end = p + ulen;
        for (uint32_t i = 0; i <= doc - first; i++)
            if (ndx__doc_decode(&p, end, a, &lang, s->version))
                return NDX_CORRUPT;
    }
    a->id = s->col.gid[doc];
    a->story = s->col.story[doc];
    a->flags = s->col.flags[doc] & NDX_FLAGS_MASK;
    return NDX_OK;
}

/* Lazily built indexes of a u64 column: doc numbers sorted by the column's value.  The column is
 * passed to the comparator (qsort_r), so threads sorting different handles' segments at once do
 * not share state. */
static int cmp_by_col(const void *a, const void *b, void *ctx)
{
    const uint64_t *col = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (col[x] != col[y])
        return col[x] < col[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int col_docs(struct ndx_seg *s, uint32_t **index, const uint64_t *col, uint64_t key,
                    const uint32_t **docs, size_t *n)
{
    *docs = NULL;
    *n = 0;
    if (s->ndocs == 0)
        return NDX_OK;
    if (!*index) {
        uint32_t *v = ndx_malloc((size_t)s->ndocs * sizeof *v);
        if (!v)
            return NDX_ENOMEM;
        for (uint32_t d = 0; d < s->ndocs; d++)
            v[d] = d;
        qsort_r(v, s->ndocs, sizeof *v, cmp_by_col, (void *)col);
        *index = v;
    }
    const uint32_t *v = *index;
    size_t lo = 0, hi = s->ndocs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (col[v[mid]] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < s->ndocs && col[v[end]] == key)
        end++;
    *docs = v + lo;
    *n = end - lo;
    return NDX_OK;
}

int ndx__seg_story_docs(struct ndx_seg *s, uint64_t story, const uint32_t **docs, size_t *n)
{
    return col_docs(s, &s->by_story, s->col.story, story, docs, n);
}

int ndx__seg_docs_with(struct ndx_seg *s, int which, uint64_t key, const uint32_t **docs, size_t *n)
{
    if (which == 0)
        return col_docs(s, &s->by_gid, s->col.gid, key, docs, n);
    return col_docs(s, &s->by_url, s->col.url_hash, key, docs, n);
}

/* ---- postings iterator -------------------------------------------------------------------- */

void ndx__pl_init(struct ndx_pl *pl, const struct ndx_seg *s, const struct ndx_terminfo *ti)
{
    pl->seg = s;
    pl->ti = *ti;
    pl->nblocks = (ti->df + NDX_BLOCK - 1) / NDX_BLOCK;
    const struct ndx_section *post = &s->sec[NDX_SEC_POSTINGS];
    const struct ndx_section *pos = &s->sec[NDX_SEC_POSITIONS];
    pl->end = post->p + post->n;
    pl->corrupt = 0;
    pl->wf_pending = 0;
    pl->skip = NULL;
    pl->data = post->p + ti->doc_off;
    if (pl->nblocks > 1) {
        if ((uint64_t)pl->nblocks * SKIP_ENTRY > post->n - ti->doc_off) {
            pl->corrupt = 1;
            pl->doc = NDX_DOC_END;
            return;
        }
        pl->skip = pl->data;
        pl->data += (size_t)pl->nblocks * SKIP_ENTRY;
    }
    pl->pos_base = pos->p + ti->pos_off;
    pl->pos_end = pos->p + pos->n;
    pl->block = UINT32_MAX;
    pl->next_block = pl->data;
    pl->base = 0;
    pl->n = pl->i = 0;
    pl->doc = 0;
    ndx__pl_advance(pl, 0);
}

/* Decode block `blk` starting at p. */
static int load_block(struct ndx_pl *pl, uint32_t blk, const uint8_t *p, uint32_t base)
{
    uint32_t n = NDX_MIN(NDX_BLOCK, pl->ti.df - blk * NDX_BLOCK);
    const uint8_t *end = pl->end;
    if (n == NDX_BLOCK) {
        if (p >= end)
            return -1;
        unsigned bd = *p++;
        size_t nb = ((size_t)n * bd + 7) / 8;
        if (bd > 32 || nb > (size_t)(end - p))
            return -1;
        ndx__unpack(p, pl->docs, n, bd);
        p += nb;
        if (p >= end)
            return -1;
        unsigned bw = *p++;
        nb = ((size_t)n * bw + 7) / 8;
        if (bw > 32 || nb > (size_t)(end - p))
            return -1;
        pl->wf_src = p;
        pl->wf_bits = bw;
        pl->wf_pending = 1;
        p += nb;
    } else {
        pl->wf_pending = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t g, w;
            if (ndx__get_varint(&p, end, &g) || ndx__get_varint(&p, end, &w) || g > UINT32_MAX ||
                w >= UINT32_MAX)
                return -1;
            pl->docs[i] = (uint32_t)g;
            pl->wfs[i] = (uint32_t)w;
        }
    }
    uint64_t d = base;
    for (uint32_t i = 0; i < n; i++) {
        d += pl->docs[i];
        if (d >= pl->seg->ndocs)
            return -1;
        pl->docs[i] = (uint32_t)d;
        d++;
    }
    if (!pl->wf_pending)
        for (uint32_t i = 0; i < n; i++)
            pl->wfs[i] += 1;
    pl->n = n;
    pl->i = 0;
    pl->block = blk;
    pl->next_block = p;
    uint64_t poff = 0;
    if (pl->skip)
        poff = ndx__rd_u32(pl->skip + (size_t)blk * SKIP_ENTRY + 8);
    if (poff > (uint64_t)(pl->pos_end - pl->pos_base))
        return -1;
    pl->pos = pl->pos_base + poff;
    pl->pos_i = 0;
    pl->pos_ready = 0;
    return 0;
}

void ndx__pl_load_wfs(struct ndx_pl *pl)
{
    ndx__unpack(pl->wf_src, pl->wfs, pl->n, pl->wf_bits);
    for (uint32_t i = 0; i < pl->n; i++)
        pl->wfs[i] += 1;
    pl->wf_pending = 0;
}

uint32_t ndx__pl_advance(struct ndx_pl *pl, uint32_t target)
{
    if (pl->doc == NDX_DOC_END || pl->corrupt)
        return pl->doc = NDX_DOC_END;
    /* within the current block? */
    if (pl->block != UINT32_MAX && pl->n && pl->docs[pl->n - 1] >= target) {
        while (pl->docs[pl->i] < target)
            pl->i++;
        return pl->doc = pl->docs[pl->i];
    }
    uint32_t blk = pl->block == UINT32_MAX ? 0 : pl->block + 1;
    if (blk >= pl->nblocks)
        return pl->doc = NDX_DOC_END;
    const uint8_t *p = pl->next_block;
    uint32_t base = blk ? pl->docs[pl->n - 1] + 1 : 0;
    if (pl->skip) {
        /* skip whole blocks whose last doc < target */
        uint32_t b = blk;
        while (b < pl->nblocks && ndx__rd_u32(pl->skip + (size_t)b * SKIP_ENTRY) < target)
            b++;
        if (b >= pl->nblocks)
            return pl->doc = NDX_DOC_END;
        if (b != blk) {
            base = ndx__rd_u32(pl->skip + (size_t)(b - 1) * SKIP_ENTRY) + 1;
            uint64_t off = ndx__rd_u32(pl->skip + (size_t)b * SKIP_ENTRY + 4);
            if (off > (uint64_t)(pl->end - pl->data)) {
                pl->corrupt = 1;
                return pl->doc = NDX_DOC_END;
            }
            p = pl->data + off;
            blk = b;
        }
    }
    if (load_block(pl, blk, p, base)) {
        pl->corrupt = 1;
        return pl->doc = NDX_DOC_END;
    }
    while (pl->i < pl->n && pl->docs[pl->i] < target)
        pl->i++;
    if (pl->i == pl->n)
        return ndx__pl_advance(pl, target); /* only when skip data is absent */
    return pl->doc = pl->docs[pl->i];
}

/* Skip one document's positions: its count, then that many varints, counted by their final
 * bytes (high bit clear) eight bytes at a time, without decoding them. */
static int skip_doc_positions(const uint8_t **p, const uint8_t *end)
{
    uint64_t np;
    if (ndx__get_varint(p, end, &np) || np > (uint64_t)(end - *p))
        return -1;
    const uint8_t *q = *p;
    while (end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        /* final bytes among the eight: their clear high bits, summed by a multiply */
        uint64_t fin = ((~w & 0x8080808080808080ull) >> 7) * 0x0101010101010101ull >> 56;
        if (fin >= np)
            break; /* the last varint ends inside these eight bytes */
        np -= fin;
        q += 8;
    }
    while (np) {
        if (q >= end)
            return -1;
        np -= (*q++ & 0x80) == 0;
    }
    *p = q;
    return 0;
}

/* Format 2: the offsets of the block's position payloads up to poff[upto], from their byte
 * lengths (read on first use: the header, then as far as needed). */
static int pos_offsets(struct ndx_pl *pl, uint32_t upto)
{
    const uint8_t *end = pl->pos_end;
    if (!pl->pos_ready) {
        const uint8_t *p = pl->pos;
        if (p >= end)
            return -1;
        unsigned b = *p++;
        size_t nb = ((size_t)pl->n * b + 7) / 8;
        if (b > 32 || nb > (size_t)(end - p))
            return -1;
        pl->pos_lens = p;
        pl->pos_bits = b;
        pl->pos_data = p + nb;
        pl->poff[0] = 0;
        pl->pos_ready = 1;
    }
    uint32_t from = pl->pos_ready;
    /* lengths of docs from-1 .. upto-1 into poff[from..upto], then summed */
    ndx__unpack_range(pl->pos_lens, pl->poff + 1, from - 1, upto, pl->n, pl->pos_bits);
    uint64_t room = (uint64_t)(end - pl->pos_data);
    for (uint32_t k = from; k <= upto; k++) {
        uint64_t o = (uint64_t)pl->poff[k - 1] + pl->poff[k];
        if (o > room)
            return -1;
        pl->poff[k] = (uint32_t)o;
    }
    pl->pos_ready = upto + 1;
    return 0;
}

int ndx__pl_positions(struct ndx_pl *pl, uint32_t **out, size_t *cap)
{
    return ndx__pl_positions_upto(pl, out, cap, UINT32_MAX);
}

int ndx__pl_positions_upto(struct ndx_pl *pl, uint32_t **out, size_t *cap, uint32_t limit)
{
    if (pl->doc == NDX_DOC_END)
        return -1;
    const uint8_t *p, *end = pl->pos_end, *dend = NULL;
    if (pl->seg->version >= 3) { /* the document's payload, by its offset: nothing to skip */
        if (pl->pos_ready < pl->i + 2 && pos_offsets(pl, pl->i + 1))
            return -1;
        p = pl->pos_data + pl->poff[pl->i];
        dend = pl->pos_data + pl->poff[pl->i + 1];
    } else {
        while (pl->pos_i < pl->i) {
            if (skip_doc_positions(&pl->pos, pl->pos_end))
                return -1;
            pl->pos_i++;
        }
        p = pl->pos;
    }
    uint64_t np, v;
    if (ndx__get_varint(&p, end, &np) || np > (uint64_t)(end - p))
        return -1;
    if (np > *cap) {
        size_t c = NDX_MAX(np, 16);
        uint32_t *q = ndx_realloc(*out, c * sizeof *q);
        if (!q)
            return -2; /* out of memory */
        *out = q;
        *cap = c;
    }
    uint32_t *o = *out;
    uint64_t acc = 0, k = 0;
    /* without bounds checks while every value left has room for its longest form (5 bytes for
     * 32 bits; a longer one makes acc overflow the check below) */
    while (k < np && (uint64_t)(end - p) >= (np - k) * 5) {
        uint32_t c = *p++;
        uint64_t x = c & 0x7f;
        for (unsigned sh = 7; c & 0x80 && sh < 35; sh += 7) {
            c = *p++;
            x |= (uint64_t)(c & 0x7f) << sh;
        }
        if (c & 0x80)
            return -1;
        acc += x;
        if (acc > UINT32_MAX)
            return -1;
        if (acc > limit)
            return (int)k; /* the rest lie beyond what the caller needs */
        o[k++] = (uint32_t)acc;
    }
    for (; k < np; k++) {
        if (ndx__get_varint(&p, end, &v))
            return -1;
        acc += v;
        if (acc > UINT32_MAX)
            return -1;
        if (acc > limit)
            return (int)k;
        o[k] = (uint32_t)acc;
    }
    if (dend && p != dend)
        return -1; /* the payload is not the length recorded for it */
    return (int)np;
}

void ndx__pl_block_bounds(const struct ndx_pl *pl, uint32_t *max_wf, uint32_t *min_dl,
                          uint32_t *last_doc)
{
    if (pl->skip && pl->block != UINT32_MAX) {
        const uint8_t *e = pl->skip + (size_t)pl->block * SKIP_ENTRY;
        *last_doc = ndx__rd_u32(e);
        *max_wf = ndx__rd_u32(e + 12);
        *min_dl = ndx__rd_u32(e + 16);
    } else {
        *last_doc = NDX_DOC_END - 1;
        *max_wf = pl->ti.max_wf;
        *min_dl = pl->ti.min_dl;
    }
}

/* ---- integrity check ---------------------------------------------------------------------- */

struct checkctx {
    const struct ndx_seg *s;
    void (*cb)(void *, const char *);
    void *ctx;
    int bad;
    uint64_t postings;
    char prev[256];
    size_t nprev;
    int first;
    uint32_t *pos;
    size_t cap;
    const struct ndx_check_progress *prog;
    uint64_t reported; /* postings when progress was last reported */
};

static void problem(struct checkctx *c, const char *fmt, const char *arg)
{
    c->bad++;
    if (c->cb) {
        char msg[512];
        snprintf(msg, sizeof msg, fmt, c->s->name, arg);
        c->cb(c->ctx, msg);
    }
}

static int check_term(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    struct checkctx *c = ctx;
    if (!c->first && cmp_term((const uint8_t *)c->prev, c->nprev, t, n) >= 0)
        problem(c, "%s: dictionary out of order at '%s'", "term");
    c->first = 0;
    memcpy(c->prev, t, n);
    c->nprev = n;
    struct ndx_pl pl;
    ndx__pl_init(&pl, c->s, ti);
    uint32_t count = 0, prev = 0;
    while (pl.doc != NDX_DOC_END) {
        if (count && pl.doc <= prev)
            pl.corrupt = 1;
        if (ndx__pl_wf(&pl) > ti->max_wf || c->s->col.dl[pl.doc] < ti->min_dl)
            pl.corrupt = 1;
        int np = ndx__pl_positions(&pl, &c->pos, &c->cap);
        if (np < 0)
            pl.corrupt = 1;
        for (int k = 1; k < np; k++)
            if (c->pos[k] <= c->pos[k - 1])
                pl.corrupt = 1;
        prev = pl.doc;
        count++;
        if (pl.corrupt)
            break;
        ndx__pl_next(&pl);
    }
    if (pl.corrupt || count != ti->df) {
        char tt[80];
        size_t k = NDX_MIN(n, sizeof tt - 1);
        memcpy(tt, t, k);
        tt[k] = 0;
        for (size_t i = 0; i < k; i++)
            if ((unsigned char)tt[i] < 0x20)
                tt[i] = '?';
        problem(c, "%s: postings of term '%s' are damaged", tt);
    }
    c->postings += count;
    if (c->prog && c->postings - c->reported >= 65536) {
        c->reported = c->postings;
        c->prog->fn(c->prog->ctx, c->prog->base + c->postings, c->prog->total);
    }
    return 0;
}

int ndx__seg_check(const struct ndx_seg *s, void (*cb)(void *, const char *), void *ctx,
                   const struct ndx_check_progress *prog)
{
    struct checkctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.cb = cb;
    c.ctx = ctx;
    c.first = 1;
    c.prog = prog;
    static const char *names[] = {"",        "postings", "positions", "terms", "termidx",
                                  "columns", "sources",  "docstore",  "docidx"};
    for (int i = 1; i < NDX_SEC_COUNT; i++)
        if (ndx__hash64(s->sec[i].n ? s->sec[i].p : (const uint8_t *)"", s->sec[i].n, 0) !=
            s->sec[i].hash)
            problem(&c, "%s: checksum mismatch in section %s", names[i]);
    if (c.bad)
        return NDX_ECORRUPT;
    int rc = ndx__seg_terms(s, "", 0, check_term, &c);
    if (rc)
        problem(&c, "%s: %s", "term dictionary cannot be read");
    else if (c.postings != s->npostings)
        problem(&c, "%s: %s", "posting count differs from the footer");
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    uint64_t text = 0;
    for (uint32_t d = 0; d < s->ndocs; d++) {
        ndx_article a;
        if (ndx__seg_doc(s, d, &scratch, &a)) {
            problem(&c, "%s: %s", "stored document cannot be read");
            break;
        }
        text += a.ntitle + a.nbody;
        if (s->col.source[d] >= s->nsources && s->nsources)
            problem(&c, "%s: %s", "source ordinal out of range");
        if (prog && (d & 63) == 63) /* the stored documents, article by article */
            prog->fn(prog->ctx, prog->base + s->npostings + d + 1, prog->total);
    }
    if (!c.bad && text != s->text_bytes)
        problem(&c, "%s: %s", "stored text size differs from the footer");
    ndx__buf_free(&scratch);
    ndx_free(c.pos);
    return c.bad ? NDX_ECORRUPT : NDX_OK;
}
