/*
 * index.h - internal interface of the index: segment builder (segwriter.c), immutable segment
 * reader and postings iterator (segreader.c, codec.c), and the index handle with its commit
 * protocol (index.c).  The on-disk format is specified in docs/FORMAT.md.
 */
#ifndef NDX_INDEX_H
#define NDX_INDEX_H

#include "ndx_int.h"

#define NDX_BLOCK           128        /* documents per postings block */
#define NDX_TERMS_PER_BLOCK 32         /* term dictionary entries per block (TERMIDX entry) */
#define NDX_TITLE_WEIGHT    3          /* a title occurrence counts as 3 body occurrences (BM25F) */
#define NDX_DOC_END         UINT32_MAX /* iterator exhausted */
/* Analysis versions: 1 = Han characters indexed as written; 2 = simplified and traditional
 * folded to one form (text/fold.c).  An index keeps the version it was made with. */
#define NDX_ANALYSIS_VERSION 2
/* Segment format versions: 1 = stored records without keyword fields; 2 = each record ends with
 * its keyword fields ("name\tvalue" lines); 3 = each postings block's positions are preceded by
 * their byte lengths, bit-packed.  A reader opens all; the writer writes the last. */
#define NDX_SEG_VERSION 3
extern int ndx__seg_write_version; /* the version new segments get (tests write 2) */
#define NDX_META_PREFIX '\x01'     /* first byte of metadata terms: "\x01S"+source word, ... */

/* ---- codec.c ------------------------------------------------------------------------------ */

/* Pack n values of b bits (0..32) into out (ceil(n*b/8) bytes appended). */
void ndx__pack(struct ndx_buf *out, const uint32_t *v, size_t n, unsigned b, int *rc);
/* Unpack n values of b bits from in; in must hold ceil(n*b/8) bytes. */
void ndx__unpack(const uint8_t *in, uint32_t *v, size_t n, unsigned b);
/* Values from..to-1 of n values of b bits packed at in, into v[from..to-1]. */
void ndx__unpack_range(const uint8_t *in, uint32_t *v, size_t from, size_t to, size_t n,
                       unsigned b);
/* Bits needed for the largest of n values. */
unsigned ndx__bits_needed(const uint32_t *v, size_t n);

/* ---- segment reader (segreader.c) --------------------------------------------------------- */

enum {
    NDX_SEC_POSTINGS = 1,
    NDX_SEC_POSITIONS,
    NDX_SEC_TERMS,
    NDX_SEC_TERMIDX,
    NDX_SEC_COLUMNS,
    NDX_SEC_SOURCES,
    NDX_SEC_DOCSTORE,
    NDX_SEC_DOCIDX,
    NDX_SEC_COUNT
};

struct ndx_section {
    const uint8_t *p; /* into the map */
    uint64_t n;       /* bytes */
    uint64_t hash;    /* xxh3 of the bytes, from the footer */
};

/* struct ndx_columns and NDX_COLUMN_BYTES: columns.h, the one list of the columns. */
#include "index/columns.h"

#define NDX_FLAGS_MASK     0xffffu
#define NDX_NCOPIES(flags) ((flags) >> 16)

/* ---- decompressed docstore blocks (dcache.c) ----------------------------------------------- */

struct ndx_dcache {
    struct dc_slot *slots;
    size_t nslots, hand; /* hand: next slot looked at for eviction */
    size_t budget, used; /* bytes */
};

int ndx__dcache_init(struct ndx_dcache *dc, size_t budget);
void ndx__dcache_free(struct ndx_dcache *dc);
/* The cached block (len bytes) or NULL; valid until the next put. */
const uint8_t *ndx__dcache_get(struct ndx_dcache *dc, uint64_t uid, uint32_t blk, uint32_t len);
/* The slot's buffer (len bytes) for the block, to be filled by the caller, or NULL (no room);
 * a caller that fails to fill it calls ndx__dcache_drop. */
uint8_t *ndx__dcache_slot(struct ndx_dcache *dc, uint64_t uid, uint32_t blk, uint32_t len);
void ndx__dcache_drop(struct ndx_dcache *dc, uint64_t uid, uint32_t blk);

struct ndx_seg {
    char *name;            /* "seg-<gen>" (file name without ".ndx") */
    uint64_t uid;          /* unique in the process, never reused (cache key) */
    struct ndx_dcache *dc; /* the owning handle's block cache, or NULL */
    uint8_t *map;          /* mmap of the whole file */
    size_t size;
    uint32_t ndocs;
    int version;     /* format version of the file (NDX_SEG_VERSION or older) */
    uint64_t sum_dl; /* sum of dl over all documents */
    uint64_t nterms;
    uint64_t npostings;
    uint64_t ntokens;
    uint64_t text_bytes;
    struct ndx_section sec[NDX_SEC_COUNT];
    struct ndx_columns col;
    uint32_t nterm_blocks; /* dictionary blocks (TERMIDX entries) */
    uint32_t nsources;
    uint32_t ndoc_blocks; /* docstore blocks */
    uint32_t *by_story;   /* docs sorted by story (lazy, ndx__seg_story_docs), owned */
    uint32_t *by_gid;     /* docs sorted by id (lazy, ndx__seg_docs_with), owned */
    uint32_t *by_url;     /* docs sorted by URL hash (lazy), owned */
    uint16_t langs[32];   /* distinct languages of the documents (first 32) */
    int nlangs;
};

struct ndx_terminfo {
    uint32_t df;      /* documents */
    uint64_t doc_off; /* into POSTINGS */
    uint64_t pos_off; /* into POSITIONS */
    uint32_t max_wf;  /* largest wf of any posting */
    uint32_t min_dl;  /* smallest dl of any posting document */
};

int ndx__seg_open(const char *dir, const char *name, struct ndx_seg **out, char **errmsg);
void ndx__seg_close(struct ndx_seg *s);
/* NDX_OK with *ti, NDX_ENOTFOUND, or NDX_ECORRUPT. */
int ndx__seg_lookup(const struct ndx_seg *s, const char *t, size_t n, struct ndx_terminfo *ti);
/* Call cb for every term starting with prefix (sorted).  Nonzero from cb stops (returned). */
typedef int (*ndx_term_fn)(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti);
int ndx__seg_terms(const struct ndx_seg *s, const char *prefix, size_t nprefix, ndx_term_fn cb,
                   void *ctx);
/* Source string of an ordinal (borrowed from the map). */
int ndx__seg_source(const struct ndx_seg *s, uint32_t ord, const char **p, size_t *n);
/*
 * Load stored article `doc` into *a; strings point into `scratch` (reset first), valid until it is
 * reused.  a->id is the gid.
 */
int ndx__seg_doc(const struct ndx_seg *s, uint32_t doc, struct ndx_buf *scratch, ndx_article *a);
/* Decode the stored record at *p (written by segwriter.c) and advance *p; *lang points at its two
 * language letters.  NDX_OK or NDX_CORRUPT. */
int ndx__doc_decode(const uint8_t **p, const uint8_t *end, ndx_article *a, const char **lang,
                    int version);
/* The docs of `story` in this segment: *docs points into a per-segment index built on first use
 * (docs sorted by story id, then doc).  NDX_OK (possibly *n = 0) or NDX_ENOMEM. */
int ndx__seg_story_docs(struct ndx_seg *s, uint64_t story, const uint32_t **docs, size_t *n);
/* Likewise for the docs whose id (which = 0) or URL hash (which = 1) equals key. */
int ndx__seg_docs_with(struct ndx_seg *s, int which, uint64_t key, const uint32_t **docs,
                       size_t *n);
/* Progress of ndx_index_check: the work of a segment is its postings plus its documents,
 * reported through fn as base + the work done, of total. */
struct ndx_check_progress {
    ndx_progress_fn fn;
    void *ctx;
    uint64_t base, total;
};
/* Verify everything; problems reported through cb, progress through prog (NULL: none).  NDX_OK
 * or NDX_ECORRUPT. */
int ndx__seg_check(const struct ndx_seg *s, void (*cb)(void *, const char *), void *ctx,
                   const struct ndx_check_progress *prog);

/* Postings iterator over one term of one segment.  Caller-allocated; no heap memory. */
struct ndx_pl {
    const struct ndx_seg *seg;
    struct ndx_terminfo ti;
    const uint8_t *skip;     /* skip table (nblocks > 1) or NULL */
    const uint8_t *data;     /* first block */
    const uint8_t *end;      /* end of POSTINGS */
    const uint8_t *pos_base; /* positions of the term */
    const uint8_t *pos_end;
    uint32_t nblocks;
    uint32_t block;            /* current block index */
    const uint8_t *next_block; /* start of block+1 */
    uint32_t base;             /* doc base of the current block */
    uint32_t n, i;             /* docs in the current block, index of the current doc */
    uint32_t doc;              /* current doc or NDX_DOC_END */
    const uint8_t *pos;        /* positions cursor (block start, advanced lazily) */
    uint32_t pos_i;            /* doc index whose positions `pos` points at */
    int corrupt;               /* set when the data failed to decode */
    const uint8_t *wf_src;     /* packed wfs of the current full block, decoded on first use */
    unsigned wf_bits;          /* their width */
    int wf_pending;            /* 1: wfs[] not decoded yet (ndx__pl_load_wfs) */
    const uint8_t *pos_data;   /* format 2: the block's position payloads (after the lengths) */
    const uint8_t *pos_lens;   /* format 2: the block's packed payload lengths */
    unsigned pos_bits;         /* their width */
    uint32_t pos_ready;        /* format 2: poff[0..pos_ready-1] are known (0: not read yet) */
    uint32_t poff[NDX_BLOCK + 1];
    uint32_t docs[NDX_BLOCK];
    uint32_t wfs[NDX_BLOCK];
};

void ndx__pl_init(struct ndx_pl *pl, const struct ndx_seg *s, const struct ndx_terminfo *ti);
/* Move to the first doc >= target (target > current). */
uint32_t ndx__pl_advance(struct ndx_pl *pl, uint32_t target);
static inline uint32_t ndx__pl_next(struct ndx_pl *pl)
{
    if (pl->doc == NDX_DOC_END)
        return NDX_DOC_END;
    if (pl->i + 1 < pl->n) {
        pl->i++;
        return pl->doc = pl->docs[pl->i];
    }
    return ndx__pl_advance(pl, pl->doc + 1);
}
/* Decode the wfs of the current block (full blocks are decoded lazily: a phrase or a count never
 * reads them). */
void ndx__pl_load_wfs(struct ndx_pl *pl);
static inline uint32_t ndx__pl_wf(struct ndx_pl *pl)
{
    if (pl->wf_pending)
        ndx__pl_load_wfs(pl);
    return pl->wfs[pl->i];
}
/*
 * Positions of the current doc into out (grown as needed); returns the count, -1 on corrupt
 * data, -2 when out could not be grown.
 */
int ndx__pl_positions(struct ndx_pl *pl, uint32_t **out, size_t *cap);
/* The same, stopping at the first position above limit (the count of those at most limit). */
int ndx__pl_positions_upto(struct ndx_pl *pl, uint32_t **out, size_t *cap, uint32_t limit);
/* Upper bound of wf in the block holding the current doc, and lower bound of dl there. */
void ndx__pl_block_bounds(const struct ndx_pl *pl, uint32_t *max_wf, uint32_t *min_dl,
                          uint32_t *last_doc);

/* ---- keyword fields (keywords.c) ---------------------------------------------------------- */

#define NDX_KEYWORD_NAME_MAX  32  /* bytes of a field name: a letter, then letters, digits, '_' */
#define NDX_KEYWORD_VALUE_MAX 100 /* bytes of a value kept (longer ones are cut) */

/* Is s[0..n) a keyword field name (and not one the query language or facets reserve)? */
int ndx__keyword_name_ok(const char *s, size_t n);
/* Append the term prefix of field `name` ("\x01K" name "=", the name lower-cased). */
void ndx__keyword_prefix(const char *name, size_t nname, struct ndx_buf *out, int *rc);
/* Append the term of one value: the prefix, then the value with ASCII letters lower-cased, runs
 * of white space made one space, trimmed, cut at NDX_KEYWORD_VALUE_MAX bytes. */
void ndx__keyword_term(const char *name, size_t nname, const char *val, size_t nval,
                       struct ndx_buf *out, int *rc);
/* Append a value as written (white space and cut as in its term, letters kept as they are). */
void ndx__keyword_written(const char *val, size_t nval, struct ndx_buf *out, int *rc);
/* The next "name\tvalue" line of [*p, end) with a valid name and a value: 1, or 0 at the end. */
int ndx__keyword_next(const char **p, const char *end, const char **name, size_t *nname,
                      const char **val, size_t *nval);

/* ---- segment builder (segwriter.c) -------------------------------------------------------- */

struct ndx_builder;

struct ndx_builder *ndx__builder_new(int stem, int simple);
void ndx__builder_free(struct ndx_builder *b);
/* Fold simplified and traditional Han characters (on by default; off for analysis-1 indexes). */
void ndx__builder_set_han_fold(struct ndx_builder *b, int on);
/*
 * Add one article (all text valid UTF-8) with global id gid; it becomes local doc
 * ndx__builder_ndocs()-1.  lang must be two letters.  content_hash/url_hash as computed by index.c.
 */
struct ndx_docmeta {
    uint64_t url_hash;
    uint64_t content_hash;
    uint64_t story;
    uint32_t flags;      /* column value: NDX_ART_* | ncopies << 16 */
    const uint16_t *sig; /* NDX_SKETCH_BINS values */
};
int ndx__builder_add(struct ndx_builder *b, uint64_t gid, const ndx_article *a, const char *lang,
                     const struct ndx_docmeta *m);
/* Drop every buffered document (after a failed merge). */
void ndx__builder_reset(struct ndx_builder *b);
/* Merging (merge.c): the next document with its columns and stored record but no postings, and
 * then one posting of a term for a document put so (documents of a term in increasing order;
 * pos: npos absolute positions, ascending). */
int ndx__builder_put_doc(struct ndx_builder *b, uint64_t gid, const ndx_article *a,
                         const char *lang, const struct ndx_docmeta *m, uint32_t dl,
                         uint32_t title_len);
int ndx__builder_put_postings(struct ndx_builder *b, const char *term, size_t n, uint32_t doc,
                              uint32_t wf, const uint32_t *pos, uint32_t npos);
/* Column values of a buffered doc. */
const uint16_t *ndx__builder_sig(const struct ndx_builder *b, uint32_t doc);
uint64_t ndx__builder_story(const struct ndx_builder *b, uint32_t doc);
uint32_t ndx__builder_ndocs(const struct ndx_builder *b);
size_t ndx__builder_memory(const struct ndx_builder *b);
/* Bytes of title and body text of the buffered documents. */
size_t ndx__builder_text_bytes(const struct ndx_builder *b);
/* Fetch a buffered article (as ndx__seg_doc). */
int ndx__builder_doc(struct ndx_builder *b, uint32_t doc, struct ndx_buf *scratch, ndx_article *a);
/* Set the copies list ("url\tsource\n"...) of buffered document doc, ncopies lines, in place of
 * the one it was added with (and the count in its flags column); the stored record is written
 * again at the flush. */
int ndx__builder_set_copies(struct ndx_builder *b, uint32_t doc, const char *copies, size_t n,
                            uint32_t ncopies);
/* Columns of buffered docs, for lookups before the flush. */
uint64_t ndx__builder_gid(const struct ndx_builder *b, uint32_t doc);
/*
 * Write the segment to dir/name.ndx (via name.tmp, fsync, rename).  *sum_dl receives the sum of
 * dl.  The builder is reset (empty) afterwards, on success or failure.
 */
int ndx__builder_flush(struct ndx_builder *b, const char *dir, const char *name, char **errmsg);
/* Run fn(arg, 0) ... fn(arg, n - 1), in any order and possibly at once, and return when all ran. */
typedef void (*ndx_task_fn)(void *arg, size_t i);
typedef void (*ndx_run_fn)(void *ctx, ndx_task_fn fn, void *arg, size_t n);
/* ndx__builder_flush with the postings of the analysis threads' builders w[0..nw) (when they
 * analysed anything; b then has none of its own), encoded by nw tasks at once through run. The
 * segment is the one b would write had it analysed every document itself.  The workers are left
 * to reset. */
int ndx__builder_flush_with(struct ndx_builder *b, struct ndx_builder *const *w, size_t nw,
                            ndx_run_fn run, void *run_ctx, const char *dir, const char *name,
                            char **errmsg);

/* ---- parallel ingest (build_pool.c; worker side in segwriter.c) ---------------------------- */

/* A worker builder: analyse article a as document doc of the builder that holds its columns and
 * stored record (put with dl 0).  Documents must come in increasing order. */
int ndx__builder_analyze(struct ndx_builder *b, uint32_t doc, const ndx_article *a,
                         const char *lang);
/* The articles a worker builder failed on: doc and error of the i-th (when i < the count
 * returned).  A failed article leaves nothing in the builder, which goes on with the next. */
size_t ndx__builder_failures(const struct ndx_builder *b, size_t i, uint32_t *doc, int *rc);
/* Move the postings and document lengths of the worker builders w[0..nw) into b, whose
 * documents they analysed; each term's postings end up in document order, as ndx__builder_add
 * would have left them.  b must have no postings of its own.  The workers are left to reset. */
int ndx__builder_absorb(struct ndx_builder *b, struct ndx_builder *const *w, size_t nw);

struct ndx_pool;
/* A pool of nthreads analysis threads, each with its own builder (stem, simple, han_fold). */
int ndx__pool_new(size_t nthreads, int stem, int simple, int han_fold, struct ndx_pool **out);
void ndx__pool_free(struct ndx_pool *p);
/* Put the columns and stored record of the next document into b (as ndx__builder_add) and hand
 * its analysis to the pool. */
int ndx__pool_add(struct ndx_pool *p, struct ndx_builder *b, uint64_t gid, const ndx_article *a,
                  const char *lang, const struct ndx_docmeta *m);
/* Wait for every queued analysis; then fn(ctx, doc, error) for each article a thread failed on
 * (stopping at fn's first nonzero return, returned). */
int ndx__pool_failures(struct ndx_pool *p, int (*fn)(void *ctx, uint32_t doc, int error),
                       void *ctx);
/* Wait for every queued analysis and absorb the workers into b; the workers are empty after,
 * on success or failure. */
int ndx__pool_finish(struct ndx_pool *p, struct ndx_builder *b);
/* Wait for every queued analysis and write b's segment (ndx__builder_flush) from the workers'
 * postings, the encoding shared by the threads; b and the workers are empty after. */
int ndx__pool_flush(struct ndx_pool *p, struct ndx_builder *b, const char *dir, const char *name,
                    char **errmsg);

/* ---- the index handle (index.c) ---------------------------------------------------------- */

#include "util/map.h"

#include <time.h>

/* A committed segment with its deletions, as seen by one handle. */
struct ndx_segref {
    struct ndx_seg *seg;
    uint8_t *del;    /* deletion bitmap (ndocs bits) or NULL; owned */
    uint32_t ndel;   /* deleted docs */
    uint64_t delgen; /* generation of the deletion file, 0 = none */
    int dirty;       /* deletions changed since the last commit */
};

struct pending_copy {
    uint64_t gid;
    struct ndx_buf lines; /* "url\tsource\n"... */
};

struct ndx_aliases; /* the alias table (index/aliases.h) */

struct ndx_index {
    char *dir;
    struct ndx_aliases *aliases;  /* the committed table (writers: with their changes), or NULL */
    struct ndx_aliases *xaliases; /* queries expand with it instead (ndx_index_set_aliases) */
    int flags;
    int lockfd;        /* writer lock, -1 for readers */
    char *err;         /* last error message, owned */
    uint64_t gen;      /* generation of the loaded manifest */
    uint64_t next_id;  /* next article id */
    uint64_t next_seg; /* next segment number */
    int stem;          /* stemming on (fixed at creation) */
    int simple;        /* simple analysis (fixed at creation) */
    int analysis;      /* analysis version (fixed at creation; NDX_ANALYSIS_VERSION) */
    struct ndx_segref *segs;
    size_t nsegs;
    size_t mem_limit;
    struct ndx_dcache dc;      /* decompressed docstore blocks */
    struct timespec dir_mtime; /* readers: the directory's mtime at the last refresh check */
    int dir_checked;           /* dir_mtime is valid and that check found nothing new */
    /* writer state */
    struct ndx_builder *bld;
    struct ndx_pool *pool;      /* analysis threads (ndx_index_set_threads), or NULL */
    struct ndx_buf failed;      /* articles the threads failed on: u64 id, u32 error */
    size_t failed_at;           /* bytes of failed given by ndx_index_next_failure */
    uint8_t *bld_del;           /* deletions among buffered docs */
    size_t bld_del_cap;         /* bytes */
    struct ndx_map url_map;     /* url hash -> gid */
    struct ndx_map content_map; /* content hash -> gid */
    struct ndx_map gid_map; /* gid -> loc: (segment index + 1) << 32 | doc; builder: 0xffffffff */
    struct pending_copy *copies;
    size_t ncopies, capcopies;
    struct ndx_map copy_map;  /* gid -> index + 1 in copies */
    struct ndx_map band_map;  /* LSH band key -> gid of an article with that band */
    double dup_threshold;     /* estimated Jaccard for "same story" */
    ndx_progress_fn progress; /* progress of merges, ndx_index_check and long queries, or NULL */
    void *progress_ctx;
    int dirty;                   /* anything to commit */
    struct ndx_xstats *xstats;   /* external collection statistics (xstats.c), NULL = own */
    struct ndx_xstats *xrec;     /* ndx_query_stats: records the frequencies looked up */
    void *qcache;                /* query evaluation's results kept for the commit (view.qcache) */
    void (*qcache_free)(void *); /* how to free it (set by whoever fills it) */

    /* progress of long queries (query/progress.h): the current pass's span of the call, the
     * share last reported, calls since the last report */
    double prog_lo, prog_hi, prog_last;
    unsigned prog_tick;
};

static inline int ndx__seg_deleted(const struct ndx_segref *r, uint32_t doc)
{
    return r->del && (r->del[doc >> 3] >> (doc & 7) & 1);
}

/*
 * A read-only view of the index as one commit left it: its segments and the collection
 * statistics that scoring needs.  Query evaluation reads the index only through it (lib/query),
 * so that a later fan-out over shards can hand every shard a view carrying global statistics.
 * Borrowed from the handle (lib/index/view.c); valid until the handle changes (refresh, add,
 * commit).
 */
struct ndx_view {
    const struct ndx_segref *segs;
    size_t nsegs;
    int stem;           /* terms are stemmed (fixed at creation) */
    int simple;         /* simple analysis */
    int analysis;       /* analysis version (NDX_ANALYSIS_VERSION) */
    uint64_t ndocs;     /* documents of the segments, deleted ones included */
    uint64_t sum_dl;    /* summed weighted lengths, likewise */
    uint16_t langs[64]; /* distinct languages of the segments (first 64) */
    int nlangs;
    const struct ndx_xstats *xs;  /* external statistics replacing the above (xstats.c) */
    struct ndx_xstats *rec;       /* records every frequency looked up (ndx_query_stats) */
    uint64_t gen;                 /* commit generation of the segments */
    void **qcache;                /* the handle's slot for results kept for one generation */
    void (**qcache_free)(void *); /* and the function that frees them */
};

void ndx__view_init(struct ndx_view *v, ndx_index *ix);
/* Documents holding term t (every term starting with t when prefix), over the view. */
uint64_t ndx__view_df(const struct ndx_view *v, const char *t, size_t n, int prefix);

/* External collection statistics (xstats.c): the view takes documents, lengths and languages
 * from them (apply), and document frequencies (df); record notes what the view looked up. */
void ndx__xstats_apply(const struct ndx_xstats *x, struct ndx_view *v);
uint64_t ndx__xstats_df(const struct ndx_xstats *x, const char *t, size_t n, int prefix);
void ndx__xstats_record(struct ndx_xstats *x, const char *t, size_t n, int prefix, uint64_t df);
void ndx__xstats_free(struct ndx_xstats *x);
/* The frequencies run(ix, ctx) looks up on the index's own statistics, as ndx_query_stats's JSON
 * (documents, lengths, languages, df, prefix_df) into *out (freed with ndx_free). */
int ndx__record_stats(ndx_index *ix, int (*run)(ndx_index *ix, void *ctx), void *ctx, char **out,
                      size_t *nout);

/* Set the handle's error message (printf-style) and return rc. */
int ndx__index_fail(ndx_index *ix, int rc, const char *fmt, ...) NDX_PRINTF(3, 4);

#define NDX_MAX_SEGMENTS 8 /* a commit merges when there are more than twice this */
#define NDX_LOC_BUILDER                                                                            \
    0xffffffffull /* gid_map locations: (segment index + 1) << 32 | doc, or                        \
                     NDX_LOC_BUILDER << 32 | doc for a buffered doc */

static inline size_t ndx__bitmap_bytes(uint32_t ndocs)
{
    return ((size_t)ndocs + 7) / 8;
}

/* ---- index directory files (files.c) ------------------------------------------------------- */

int ndx__fsync_dir(const char *dir);
/* Write `data` to dir/name atomically (name.tmp, fsync, rename). */
int ndx__write_file_atomic(const char *dir, const char *name, const void *data, size_t n);
/* A file written in steps, then published atomically: created as `tmp`, renamed to `fin` by
 * commit after an fsync.  Every call after a failure is the caller's to skip; abort (or a failed
 * commit) removes tmp.  Failures are NDX_EIO with errno telling why (NDX_ENOMEM for the paths). */
struct ndx_afile {
    int fd;
    char *tmp, *fin;
};
int ndx__afile_create(struct ndx_afile *f, const char *tmp, const char *fin);
int ndx__afile_write(struct ndx_afile *f, const void *data, size_t n);
int ndx__afile_commit(struct ndx_afile *f); /* fsync, close, rename (tmp removed on failure) */
void ndx__afile_abort(struct ndx_afile *f); /* close and remove tmp; frees (idempotent) */
/* Read a whole file into out (NUL-terminated); NDX_ENOTFOUND when it does not exist. */
int ndx__read_file(const char *path, struct ndx_buf *out);

/* ---- segment list and commit protocol (manifest.c) ---------------------------------------- */

void ndx__segref_free(struct ndx_segref *r);
void ndx__segs_free(ndx_index *ix);
/* Append a segment to the handle's list (it then belongs to the handle). */
int ndx__add_segref(ndx_index *ix, struct ndx_seg *seg);
/* Generations of the MANIFEST files present, newest first (*gens owned by the caller). */
int ndx__list_manifests(const char *dir, uint64_t **gens, size_t *n);
/* Load the newest manifest that loads cleanly; NDX_ENOTFOUND when there is none. */
int ndx__load_newest(ndx_index *ix);
/* Write MANIFEST-<gen> describing ix->segs (deletion files must be written already). */
int ndx__write_manifest(ndx_index *ix, uint64_t gen);
/* Write the changed deletion files and the next manifest, sync, and remove unneeded files. */
int ndx__publish(ndx_index *ix);
/* Remove every file the manifest of generation keep_gen does not name (writer only). */
void ndx__collect_garbage(ndx_index *ix, uint64_t keep_gen);

/* ---- writer maps and stories (stories.c) ------------------------------------------------- */

/* Rebuild the URL, content, id and band maps from the segments and the builder. */
int ndx__rebuild_maps(ndx_index *ix);
/* Register gid under each LSH band of sig (where no live article holds the band yet). */
void ndx__add_bands(ndx_index *ix, uint64_t gid, const uint16_t *sig, int *rc);
/* The story of a new article with sketch sig (its own id when no stored one is close enough). */
uint64_t ndx__assign_story(ndx_index *ix, uint64_t gid, const uint16_t *sig);
/* The story of the article at a gid_map location. */
uint64_t ndx__loc_story(ndx_index *ix, uint64_t loc);
/* Whether a copies list ("url\tsource\n"...) names url. */
int ndx__copies_have_url(const char *copies, size_t n, const char *url, size_t nurl);

/* ---- the handle's builder and merges (index.c, merge.c) ----------------------------------- */

/* Write the buffered documents as a new segment of the handle (not yet committed). */
int ndx__flush_builder(ndx_index *ix);
/* Merge segments until at most max_segments remain (one: also drop deletions), publishing. */
int ndx__maybe_merge(ndx_index *ix, int max_segments);

#endif /* NDX_INDEX_H */
