/*
 * collect.h - the internals the analytics collectors share: collect.c (records, value tables,
 * facets, histograms), allstories.c (a histogram's all_stories, the per-commit cache) and
 * keyfacet.c (keyword field facets from the terms' postings).  The interface the matching pass
 * calls is in eval.h (ndx__coll_*).
 */
#ifndef NDX_COLLECT_H
#define NDX_COLLECT_H

#include "query/eval.h"

/* ---- interned value strings (collect.c) ---------------------------------------------------- */

struct vtab {
    struct ndx_map idx; /* hash (| 1) -> index + 1; a collision moves on to the next seed */
    char **s;
    size_t *n;
    size_t count, cap;
};

int ndx__vtab_intern(struct vtab *t, const char *s, size_t n, uint32_t *out);
int ndx__vtab_find(const struct vtab *t, const char *s, size_t n); /* 1: s is in t */
void ndx__vtab_free(struct vtab *t);

/* ---- buckets and the results' histogram (histogram.c) --------------------------------------- */

/* Bucket number of a day: the day, the week (Monday-based: 1970-01-01 was a Thursday), the
 * month (y * 12 + m - 1) or the year. */
int64_t ndx__bucket_of(int interval, int64_t day);
/* First day of bucket b. */
int64_t ndx__bucket_day(int interval, int64_t b);
/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" (parts 1, 2, 3) into buf (11 bytes); years clamped to
 * 0..9999 (stored dates lie in 1800..2200). */
void ndx__fmt_date(char *buf, int64_t y, int m, int d, int parts);

/* A result set's histogram: nb buckets from bucket number lo; the nm holding a match, by index
 * (ascending) with their stories and copies; all_stories of every bucket. */
struct ndx_hist {
    int interval;
    int64_t lo;
    size_t nb, nm;
    uint32_t *mi;
    uint64_t *mst, *mcp;
    uint64_t *all;
    struct ndx_hist_at { /* the bucket read last by ndx_results_match_bucket */
        int valid;
        int64_t day, y;
        int m, d;
        char key[12];
    } at;
};

/* ---- records and the collector ------------------------------------------------------------- */

#define NDX_COLL_RUNS 8

#define UNDATED INT32_MIN

struct crec {
    uint64_t story;
    uint32_t art;    /* the article's number in the pass (its copies' records share it) */
    int32_t day;     /* days since 1970-01-01 (UTC), UNDATED; the filter pass: bucket offset */
    uint32_t source; /* index in the source table */
    uint32_t copies; /* 1 + exact copies the record stands for */
    uint16_t lang;   /* index in the language table */
    uint8_t wire;
};

/* A matching article, for keyword facets: its record's `art` is its index in ndx_coll.arts. */
struct art {
    const struct ndx_segref *ref;
    uint32_t doc;
};

struct ndx_coll {
    struct search *S;
    size_t nf;
    int field[NDX_MAX_FACETS];
    ndx_facet_spec spec[NDX_MAX_FACETS];
    int need_source, need_lang;
    int interval;
    struct crec *r;
    size_t n, cap;
    /* the records come as runs in story order (a segment's documents are mostly in story order):
     * where each run starts, NDX_COLL_RUNS of them at most; more, and they are radix-sorted */
    size_t run[NDX_COLL_RUNS];
    size_t nruns;  /* runs after the first */
    int unordered; /* more runs than run[] holds */
    int sorted;    /* the records are in story order (ndx__coll_sort ran) */
    size_t groups; /* then: distinct stories (groups == n: no story has two records) */
    struct vtab src, lang;
    const struct ndx_segref *cur; /* segment whose ordinals segsrc maps */
    uint32_t *segsrc;             /* source ordinal of cur -> index + 1 (0: not looked up yet) */
    size_t nsegsrc;
    uint16_t last_code;
    uint32_t last_lang;       /* index + 1 of last_code, 0: none */
    int32_t dmin, dmax;       /* days of the dated records */
    int64_t y0, y1, mi0, mi1; /* their years and month numbers (date_span) */
    /* the histogram over its own span [hlo, hhi] (bucket numbers) */
    int64_t hlo, hhi;
    uint64_t *hst, *hcp;
    struct ndx_buf scratch;
    /* keyword facets: the articles of the pass, in order (their records' `art`) */
    int need_arts;
    struct art *arts;
    size_t narts, caparts;
    /* direct counts (collect.c, "Direct counts"): past NDX_COLL_DIRECT_AFTER records, a match
     * whose story no other article of the view shares, and that needs no record per exact copy,
     * is counted straight into per-value arrays instead of a record */
    int direct_ok;                 /* may be used (no keyword facet; the handle's cache is ours) */
    const uint8_t *const *shared;  /* the commit's shared-story bitmaps, per segment; NULL: none */
    uint64_t ndirect;              /* matches counted directly, each its own story */
    const struct ndx_segref *dseg; /* segment whose source ordinals dsrc counts */
    uint64_t *dsrc;                /* copies per source ordinal of dseg (stories: dsrc_st) */
    uint64_t *dsrc_st;
    size_t ndsrc;
    uint64_t *gsrc_st, *gsrc_cp; /* per source index, folded from dsrc */
    size_t ngsrc;
    uint64_t *dlang_st, *dlang_cp; /* per language index */
    size_t ndlang;
    uint64_t dwire_st[2], dwire_cp[2];
    uint64_t dund_st, dund_cp; /* undated */
    struct dchunk **dday;      /* NDX_COLL_DAY_CHUNKS chunks of 256 days, allocated when met */
};

#define NDX_COLL_DIRECT_AFTER 1024
#define NDX_COLL_DAY_CHUNKS   1024 /* 262,144 days from 1650-01-01: past 2300 */

/* Stories (each its own) and copies of 256 days of direct counts. */
struct dchunk {
    uint64_t st[256], cp[256];
};

/* One value of a facet as counted. */
struct fcount {
    uint64_t stories, copies;
    uint32_t v;
    const char *s;
    size_t n;
};

/* Sort n records by story (collect.c; *rp may be replaced). */
int ndx__coll_sort_records(struct crec **rp, size_t n);
/* The commit's shared-story bitmaps, one per segment of the view, kept on the handle for the
 * commit (allstories.c). */
int ndx__coll_shared_stories(struct search *S, const uint8_t *const **out);

/* Count the values of keyword facet i (keyfacet.c): *pfc receives *pk counts, one per value
 * interned in vals (its text in s, n). */
int ndx__keyword_counts(struct ndx_coll *c, size_t i, struct vtab *vals, struct fcount **pfc,
                        size_t *pk);
/* Value v of keyword facet i as an article wrote it (the first live one of the view holding it,
 * its letters as written): a new string into *out (v itself when no stored record gives it). */
int ndx__keyword_written_form(struct ndx_coll *c, size_t i, const char *v, size_t nv, char **out,
                              size_t *nout);

#endif
