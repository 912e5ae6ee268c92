/*
 * newsdex.h - public C API of the newsdex news-archive engine.
 *
 * One opaque handle (ndx_index) owns an index directory.  Text always crosses this interface as
 * (pointer, length) pairs and may hold any byte.  Every function returns an int status: 0 (NDX_OK)
 * or a negative NDX_E* code; out-parameters are set only on success (NULL otherwise).  The library
 * never prints and never exits; details of the last failure are in ndx_errmsg().
 *
 * Thread safety: one ndx_index handle is used by one thread at a time.  Any number of handles (in
 * any number of processes) may read one index while one writer handle writes it.
 */
#ifndef NEWSDEX_H
#define NEWSDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NDX_API __attribute__((visibility("default")))
#else
#define NDX_API
#endif

#define NDX_VERSION_STRING "0.1.0"

/* ---- errors ------------------------------------------------------------------------------- */

/* clang-format off */
#define NDX_ERRNO_MAP(X)                                           \
    X(NOMEM,   -1, "out of memory")                                \
    X(INVAL,   -2, "invalid argument")                             \
    X(IO,      -3, "input/output error")                           \
    X(CORRUPT, -4, "index data is corrupt")                        \
    X(NOTFOUND,-5, "not found")                                    \
    X(TOOBIG,  -6, "input too big")                                \
    X(RANGE,   -7, "value out of range")                           \
    X(SYNTAX,  -8, "syntax error")                                 \
    X(LOCKED,  -9, "index is locked by another writer")            \
    X(FORMAT, -10, "unsupported or unrecognised format")           \
    X(READONLY,-11, "index opened read-only")
/* clang-format on */

enum ndx_status {
    NDX_OK = 0,
#define NDX_X_(name, code, msg) NDX_E##name = code,
    NDX_ERRNO_MAP(NDX_X_)
#undef NDX_X_
};

/** Static description of a status code ("out of memory"); never NULL. */
NDX_API const char *ndx_strerror(int status);
/** Symbolic name of a status code ("NDX_ENOMEM"); never NULL. */
NDX_API const char *ndx_errname(int status);

/* ---- allocator ---------------------------------------------------------------------------- */

/** Allocation hook: behaves like realloc(ptr, size); size 0 frees and returns NULL. */
typedef void *(*ndx_alloc_fn)(void *ud, void *ptr, size_t size);
/** Replace the allocator used by the library.  Call once, before any other call. */
NDX_API void ndx_set_allocator(ndx_alloc_fn fn, void *ud);
/** Free memory the library handed to the caller ("caller frees with ndx_free"). */
NDX_API void ndx_free(void *p);

/* ---- articles ----------------------------------------------------------------------------- */

#define NDX_DATE_UNKNOWN INT64_MIN

/**
 * An article as it goes into the index, or as it comes back from it.  All strings are
 * (pointer, length) pairs; a NULL pointer with length 0 means "absent".  On input the pointers are
 * borrowed for the duration of the call only.
 */
typedef struct ndx_article {
    uint64_t id;     /**< index-assigned id (output; ignored on input) */
    const char *url; /**< article URL; the update key */
    size_t nurl;
    const char *source; /**< publisher / domain ("bbc.co.uk") */
    size_t nsource;
    const char *title; /**< headline */
    size_t ntitle;
    const char *authors; /**< author names separated by "; " */
    size_t nauthors;
    const char *body; /**< body text, paragraphs separated by '\n' */
    size_t nbody;
    const char *lang; /**< ISO 639-1 code; absent = detect */
    size_t nlang;
    const char *copies; /**< exact copies seen: lines "url\tsource\n" (output only) */
    size_t ncopies;
    int64_t published;  /**< publication time, Unix seconds UTC, or NDX_DATE_UNKNOWN */
    int64_t ingested;   /**< ingest time, Unix seconds (0 on input = now) */
    unsigned flags;     /**< NDX_ART_* */
    const char *parent; /**< NDX_ART_TEASER: URL of the page the teaser was found on */
    size_t nparent;
    uint64_t story;     /**< output: story cluster id (the id of its first article) */
    const char *fields; /**< keyword fields an input carries (Reuters TOPICS and PLACES, mapped
                             members and metas): lines "name\tvalue\n", several values per
                             name allowed (from readers; stored, as ndx_index_get gives back) */
    size_t nfields;
} ndx_article;

enum ndx_article_flags {
    NDX_ART_TEASER = 1,  /**< a truncated teaser stub (e.g. from a sidebar), not a full article */
    NDX_ART_SUMMARY = 2, /**< the body is only a summary (a feed item without full text) */
    NDX_ART_WIRE = 4,    /**< output: carries a wire-service dateline or credit */
    NDX_ART_LISTING = 8, /**< an HTML page that lists other pages (a section front, tag or category
                              page): its body is its teasers; `newsdex ingest` skips these unless
                              --keep-listings */
    NDX_ART_OTHER_PAGE = 16, /**< an HTML page that is neither an article nor a listing (a product,
                                  forum, service or documentation page): its main content */
};

/* ---- index handle ------------------------------------------------------------------------- */

typedef struct ndx_index ndx_index;

enum ndx_open_flags {
    NDX_OPEN_READ = 0,   /**< read-only; never blocks and is never blocked */
    NDX_OPEN_WRITE = 1,  /**< writer: takes the index lock (NDX_ELOCKED if held) */
    NDX_OPEN_CREATE = 2, /**< with WRITE: create the directory if missing */
    NDX_OPEN_NOSTEM = 4, /**< with CREATE: new index without stemming (exact word forms) */
    NDX_OPEN_SIMPLE = 8, /**< with CREATE: simple analysis (lower-cased runs of letters and
                              digits, no stemming, no accent folding), for comparisons */
};

/**
 * Open the index in directory `path`.  On success *out is a handle the caller closes with
 * ndx_index_close().  On failure *out is NULL; if `errmsg` is not NULL it receives a message the
 * caller frees with ndx_free().
 */
NDX_API int ndx_index_open(const char *path, int flags, ndx_index **out, char **errmsg);
/** Close the handle.  A writer's uncommitted changes are discarded.  Accepts NULL. */
NDX_API void ndx_index_close(ndx_index *ix);
/** Generation of the commit the handle sees (changes with every commit; see ndx_index_refresh). */
NDX_API uint64_t ndx_index_generation(const ndx_index *ix);
/** Message for the last failure on this handle; borrowed, valid until the next call. */
NDX_API const char *ndx_errmsg(const ndx_index *ix);

/** Set the writer's in-memory buffer budget in bytes (default 256 MiB); flushed past it. */
NDX_API int ndx_index_set_memory_limit(ndx_index *ix, size_t bytes);
/**
 * Analyse added articles on n threads (0: one per core; 1, the default: in the calling thread).
 * Decisions (updates, exact copies, stories) stay in the order of the calls, and the index is
 * the same whatever n.  Writers only.
 */
NDX_API int ndx_index_set_threads(ndx_index *ix, unsigned n);
/**
 * After ndx_index_set_threads(ix, n > 1): the next article an analysis thread failed on (out of
 * memory, too big).  ndx_index_add had accepted it; it was left out of the index, as if deleted,
 * when its segment was written (by ndx_index_commit or the memory limit), and the other articles
 * went on.  Returns 1 with its id and error code (NDX_E*), 0 when there is none left to report.
 */
NDX_API int ndx_index_next_failure(ndx_index *ix, uint64_t *id, int *error);
/**
 * Set the budget in bytes of the handle's cache of decompressed stored text (default 32 MiB for
 * read handles, 0 for writers; 0 turns it off).  Articles read again (result lists, article pages,
 * related stories) then skip decompression.  Drops what the cache held.
 */
NDX_API int ndx_index_set_cache_limit(ndx_index *ix, size_t bytes);
/**
 * Set the estimated shingle Jaccard similarity (0.1 .. 1.0, default 0.4) from which an added
 * article joins the story of a stored one (docs/DEDUP.md).  Affects articles added afterwards.
 */
NDX_API int ndx_index_set_dup_threshold(ndx_index *ix, double threshold);
/** Number of segments the handle holds, committed or not: it grows when the writer's buffer is
 *  written out as a segment (a good moment to commit: the write is paid already). */
NDX_API size_t ndx_index_segment_count(const ndx_index *ix);

enum ndx_add_outcome {
    NDX_ADDED = 0,     /**< a new article */
    NDX_UPDATED = 1,   /**< replaced the article stored under the same URL */
    NDX_DUPLICATE = 2, /**< same normalised text as a stored article: recorded as its copy */
    NDX_UNCHANGED = 3, /**< same URL, same content: nothing to do */
};

/**
 * Add (or update) an article.  Visible to searches after ndx_index_commit().  `outcome` (may be
 * NULL) receives an ndx_add_outcome; `id` (may be NULL) the article's id.
 */
NDX_API int ndx_index_add(ndx_index *ix, const ndx_article *a, int *outcome, uint64_t *id);
/** Delete by id (decimal digits) or URL.  NDX_ENOTFOUND if nothing matches. */
NDX_API int ndx_index_delete(ndx_index *ix, const char *key, size_t nkey);
/**
 * Make every change so far durable and visible, atomically.  When it returns NDX_OK the changes
 * survive a crash; on failure the index holds the previous commit.
 */
NDX_API int ndx_index_commit(ndx_index *ix);
/** Merge segments down to at most `max_segments` (>= 1) and commit. */
NDX_API int ndx_index_optimize(ndx_index *ix, int max_segments);
/** Progress of merges (ndx_index_optimize, and the merges a commit starts): called now and then
 * with the work done and the work in all of the merge under way (documents and postings copied,
 * plus one step: done == total - 1 while the merged segment is being written, done == total once
 * it is).  ndx_index_check reports through it too, in postings and documents checked (inside a
 * segment as well as between segments), and so do ndx_search, ndx_search_analytics,
 * ndx_timeline and ndx_significant_terms: the share of the call done, as done of total == 10000
 * (never decreasing within a call).  NULL turns it off. */
typedef void (*ndx_progress_fn)(void *ctx, uint64_t done, uint64_t total);
NDX_API void ndx_index_set_progress(ndx_index *ix, ndx_progress_fn fn, void *ctx);
/** Re-read the newest commit if there is a newer one (readers: see what writers committed since
 * open).  Cheap when nothing changed: one stat() of the directory (a listing when its mtime is
 * recent or moved since the last check). */
NDX_API int ndx_index_refresh(ndx_index *ix);

/** Fetch a stored article by id.  *out is freed by the caller with ndx_article_free(). */
NDX_API int ndx_index_get(ndx_index *ix, uint64_t id, ndx_article **out);
/** Look an article up by id (decimal) or URL; *id receives its id. */
NDX_API int ndx_index_lookup(ndx_index *ix, const char *key, size_t nkey, uint64_t *id);
NDX_API void ndx_article_free(ndx_article *a);
/**
 * Walk the `copies` of an article ("url\tsource\n" lines): *p starts at a->copies, end is
 * a->copies + a->ncopies.  Returns 1 with the next line's URL (up to the tab, or the whole line)
 * and source (after the tab; NULL when the line has no tab) and advances *p, or 0 at the end.
 */
NDX_API int ndx_copies_next(const char **p, const char *end, const char **url, size_t *nurl,
                            const char **source, size_t *nsource);

typedef struct ndx_stats {
    uint64_t documents;   /**< live articles */
    uint64_t deleted;     /**< deleted but not yet merged away */
    uint64_t segments;    /**< segment count */
    uint64_t terms;       /**< distinct terms, summed over segments */
    uint64_t postings;    /**< term-document pairs */
    uint64_t tokens;      /**< indexed token positions */
    uint64_t index_bytes; /**< bytes on disk */
    uint64_t text_bytes;  /**< raw text bytes of stored articles */
    uint64_t generation;  /**< commit generation */
    int64_t date_min;     /**< earliest publication date, or NDX_DATE_UNKNOWN */
    int64_t date_max;     /**< latest */
    int stemming;         /**< 1 if the index stems words */
    int simple;           /**< 1 if the index uses simple analysis */
    int analysis;         /**< analysis version: 2 folds simplified and traditional Chinese
                               and learns aliases; 1 (older indexes) does neither: re-ingest */
    uint64_t duplicates;  /**< exact copies recorded on live articles (each kept as a URL on its
                               original, not stored again) */
} ndx_stats;

NDX_API int ndx_index_stats(ndx_index *ix, ndx_stats *st);

/**
 * Verify every structure of the committed index (checksums, postings, dictionaries, columns,
 * stored text).  Returns NDX_OK or NDX_ECORRUPT with a description in ndx_errmsg().  `on_problem`
 * (may be NULL) receives one line per problem found, with `ctx`.
 */
NDX_API int ndx_index_check(ndx_index *ix, void (*on_problem)(void *ctx, const char *msg),
                            void *ctx);

/* ---- aliases ------------------------------------------------------------------------------ */

/**
 * A name in two scripts, learnt at ingest from a gloss in parentheses ("Chen Quanguo (陳全國)",
 * "陈全国（Chen Quanguo）", "Shinzo Abe (安倍晋三)", "Moon Jae-in (문재인)").  Strings are borrowed
 * for the duration of the callback.
 */
typedef struct ndx_alias {
    const char *latin;
    size_t nlatin; /**< the Latin form, as first written */
    const char *cjk;
    size_t ncjk;        /**< the CJK form, as first written */
    const char *script; /**< ISO 15924 script of the CJK form: "Hani", "Jpan" (with kana),
                             "Hang" (Hangul) */
    uint64_t articles;  /**< live articles that gloss this pair */
    uint64_t first;     /**< id of the first (lowest-id) of them */
} ndx_alias;

/**
 * The aliases of the committed index, most glossed first; with `name` (not NULL, nname > 0) only
 * the pairs one of whose forms is that name (folded as search folds it: case, accents,
 * simplified and traditional).  A name glossed inconsistently gives one pair per spelling, each
 * with its count.  cb's nonzero return stops the listing and is returned.
 */
NDX_API int ndx_index_aliases(ndx_index *ix, const char *name, size_t nname,
                              int (*cb)(void *ctx, const ndx_alias *a), void *ctx);

/**
 * Expand this handle's queries with these pairs instead of the index's own alias table (its
 * searches, statistics, timelines, terms and related lists; the committed table and
 * ndx_index_aliases are untouched).  Pairs whose folded forms are equal are one pair, their
 * `articles` added up: the lists of several indexes (the shards of an archive) may be passed
 * one after another, and every shard then expands a query as one index holding them all would.
 * a == NULL returns to the index's own table; n == 0 with a != NULL expands nothing.
 * NDX_EINVAL when a form is missing or has no letters.
 */
NDX_API int ndx_index_set_aliases(ndx_index *ix, const ndx_alias *a, size_t n);

/* ---- search ------------------------------------------------------------------------------- */

enum ndx_sort { NDX_SORT_RELEVANCE = 0, NDX_SORT_DATE = 1, NDX_SORT_DATE_ASC = 2 };

typedef struct ndx_search_opts {
    size_t limit;         /**< hits to return (default 10) */
    size_t offset;        /**< hits to skip (pagination) */
    int sort;             /**< enum ndx_sort */
    int want_count;       /**< 1: exact total; 0: total may be a lower bound (faster) */
    int want_snippets;    /**< 1: make snippets and teasers */
    size_t teaser_words;  /**< teaser length target (default 100) */
    size_t snippet_words; /**< words per passage (default 30) */
    const char *hl_open;  /**< highlight start marker (default "<mark>") */
    const char *hl_close; /**< highlight end marker (default "</mark>") */
    int escape_html;      /**< 1: escape &<>"' in snippet/teaser text (markers excepted) */
    int64_t date_from;    /**< extra filter, NDX_DATE_UNKNOWN = none */
    int64_t date_to;
    int collapse;      /**< 1 (default): one hit per story (syndicated copies collapsed) */
    int ids_only;      /**< 1: hits carry only id, score, date and story (no stored text is
                            read, no copies/sources), for callers that fetch articles
                            themselves; default 0 */
    int count_stories; /**< 1 (default): compute total_stories and total_copies; 0: skip
                            (total_copies = articles matched, total_stories = 0) unless
                            collapse needs them */
    int aliases;       /**< 1 (default): a name also matches its other forms in the alias table
                            ("Chen Quanguo" finds articles writing only 陳全國); 0: as written */
    /** Time budget in milliseconds (0, the default: none).  A search that runs out stops
     * matching and returns the best hits found so far, with counts that are lower bounds
     * (ndx_results_partial). */
    unsigned timeout_ms;
} ndx_search_opts;

/** Fill `o` with defaults. */
NDX_API void ndx_search_opts_init(ndx_search_opts *o);

// clang-format off (the pointer and length of a field share a line)
typedef struct ndx_hit {
    uint64_t id;
    double score;
    const char *title;
    size_t ntitle;
    const char *url;
    size_t nurl;
    const char *source;
    size_t nsource;
    const char *lang;
    size_t nlang;
    int64_t published;
    const char *snippet;
    size_t nsnippet; /**< best passages, "…" between them */
    const char *teaser;
    size_t nteaser;  /**< sentence-bounded start of the body */
    unsigned flags;  /**< NDX_ART_* of the article */
    uint64_t story;  /**< story cluster id */
    uint32_t copies; /**< articles in the story (near copies, and exact copies recorded on
                          them), this one included */
    const char *sources;
    size_t nsources; /**< distinct sources of the story, '\n'-separated */
    int wire;        /**< wire copy: a wire dateline/credit, or the story ran under several
                          sources */
} ndx_hit;
// clang-format on

typedef struct ndx_results ndx_results;

/**
 * Run `query` (see docs/QUERY.md).  On a syntax error returns NDX_ESYNTAX, and `errpos` (may be
 * NULL) receives the byte offset of the offending position; ndx_errmsg() says what is wrong.
 * *out is freed with ndx_results_free().
 */
NDX_API int ndx_search(ndx_index *ix, const char *query, size_t nquery, const ndx_search_opts *opts,
                       ndx_results **out, size_t *errpos);
NDX_API uint64_t ndx_results_total(const ndx_results *r); /**< matches in all */
/** Matching stories (distinct clusters) and copies (matching articles plus the exact copies
 * recorded on them). */
NDX_API uint64_t ndx_results_total_stories(const ndx_results *r);
NDX_API uint64_t ndx_results_total_copies(const ndx_results *r);
NDX_API int ndx_results_total_exact(const ndx_results *r); /**< 1 if total is exact */
NDX_API size_t ndx_results_count(const ndx_results *r);    /**< hits held */
/** Borrowed: valid until ndx_results_free(). */
NDX_API const ndx_hit *ndx_results_hit(const ndx_results *r, size_t i);
NDX_API double ndx_results_took_ms(const ndx_results *r);
NDX_API void ndx_results_free(ndx_results *r);
/** 1 if the search ran out of its time budget (timeout_ms): the hits are the best found before
 * it stopped and the totals count the matches seen so far. */
NDX_API int ndx_results_partial(const ndx_results *r);

/**
 * Articles most related to article `id` (more-like-this from its distinctive words, the people,
 * organisations and places it names, and date proximity), best first, as search hits with
 * teasers: never the article itself nor one of its exact copies, at most three articles of a
 * story (its own story's other articles included).  opts->collapse is not read.
 */
NDX_API int ndx_related(ndx_index *ix, uint64_t id, const ndx_search_opts *opts, ndx_results **out);

/** Callback of ndx_export / ndx_story_members: a stored article (borrowed for the call; its
 * `story` and `flags` filled).  A nonzero return stops (and is returned). */
typedef int (*ndx_article_fn)(void *ctx, const ndx_article *a);

/**
 * Every article matching `query` (all of them, no cap; an empty query = every article), in index
 * order, streamed through cb with constant memory.  NDX_ESYNTAX as ndx_search.
 */
NDX_API int ndx_export(ndx_index *ix, const char *query, size_t nquery, ndx_article_fn cb,
                       void *ctx, size_t *errpos);

/** Every article of story `story`, earliest first. */
NDX_API int ndx_story_members(ndx_index *ix, uint64_t story, ndx_article_fn cb, void *ctx);

/* ---- analytics: facets, date histograms, timelines (docs/ANALYTICS.md) --------------------- */

/** Histogram intervals (UTC).  Week buckets start on Monday. */
enum ndx_interval {
    NDX_INTERVAL_NONE = 0,
    NDX_INTERVAL_DAY = 1,
    NDX_INTERVAL_WEEK = 2,
    NDX_INTERVAL_MONTH = 3,
    NDX_INTERVAL_YEAR = 4,
};
/** "day", "week", "month" or "year" into *out; NDX_EINVAL for anything else. */
NDX_API int ndx_interval_parse(const char *s, size_t n, int *out);
/** "day", ...; "" for NDX_INTERVAL_NONE or an unknown value. */
NDX_API const char *ndx_interval_name(int interval);

#define NDX_MAX_FACETS  16     /**< facets per search */
#define NDX_MAX_BUCKETS 100000 /**< buckets of a histogram: a longer span is NDX_ERANGE */

/** One facet asked for.  Fields: source, lang, wire, year, month. */
typedef struct ndx_facet_spec {
    const char *field;
    size_t nfield;
    const char *prefix; /**< only values starting with it (ASCII case-insensitive); NULL: all */
    size_t nprefix;
    size_t size; /**< values returned (top N by stories); 0 = 10 */
} ndx_facet_spec;

/** Check a facet field name: NDX_OK, or NDX_EINVAL for an unknown one. */
NDX_API int ndx_facet_field_check(const char *field, size_t n);

typedef struct ndx_analytics_opts {
    const ndx_facet_spec *facets;
    size_t nfacets; /**< at most NDX_MAX_FACETS */
    int histogram;  /**< enum ndx_interval; NDX_INTERVAL_NONE: no histogram */
} ndx_analytics_opts;

/**
 * ndx_search with facets and a date histogram counted over every match, in the same pass
 * (`a` may be NULL: a plain search).  Counts are exact; they respect the story collapse setting
 * only for the hits (facets and buckets always count both stories and copies).  NDX_EINVAL for
 * an unknown facet field or interval, NDX_ERANGE when the histogram would have more than
 * NDX_MAX_BUCKETS buckets; ndx_errmsg() says which.
 */
NDX_API int ndx_search_analytics(ndx_index *ix, const char *query, size_t nquery,
                                 const ndx_search_opts *opts, const ndx_analytics_opts *a,
                                 ndx_results **out, size_t *errpos);

typedef struct ndx_facet_value {
    const char *value; /**< "" for articles without one (no source); "unknown" for no date */
    size_t nvalue;
    uint64_t stories; /**< distinct stories among the matching articles with this value */
    uint64_t copies;  /**< those articles plus the exact copies recorded on them */
} ndx_facet_value;

typedef struct ndx_facet {
    const char *field;
    const ndx_facet_value *values; /**< the top values: most stories, then copies, then value */
    size_t nvalues;
    uint64_t other_values;  /**< values left out (beyond the top N; prefix misses not counted) */
    uint64_t other_stories; /**< sums over the values left out */
    uint64_t other_copies;
} ndx_facet;

typedef struct ndx_bucket {
    int64_t start;        /**< Unix seconds of the bucket's first second */
    char key[12];         /**< "2004-05-17" (day, week: its Monday), "2004-05", "2004" */
    uint64_t stories;     /**< distinct stories with a matching copy dated in the bucket */
    uint64_t copies;      /**< matching articles (plus exact copies) dated in the bucket */
    uint64_t all_stories; /**< stories in the bucket under the query's filters (date:, source:,
                               url:, lang:, the from/to options) without its text */
} ndx_bucket;

/** Facets of a search, in the order asked for (0 without ndx_search_analytics). */
NDX_API size_t ndx_results_facet_count(const ndx_results *r);
NDX_API const ndx_facet *ndx_results_facet(const ndx_results *r, size_t i);
/** Histogram buckets, earliest first, empty ones included (0 when none was asked for or nothing
 * dated matched).  The first ndx_results_bucket call builds the list of every bucket (so one
 * result set is read by one thread at a time); NULL past the end. */
NDX_API size_t ndx_results_bucket_count(const ndx_results *r);
NDX_API const ndx_bucket *ndx_results_bucket(const ndx_results *r, size_t i);
/**
 * The histogram's buckets holding a match (copies > 0), earliest first, read without building
 * the list of every bucket (a day histogram over decades of a rare word holds few): how many
 * there are, and the k-th copied into *out with its index among every bucket in *index (may be
 * NULL).  NDX_ERANGE for k past the end.
 */
NDX_API size_t ndx_results_match_bucket_count(const ndx_results *r);
NDX_API int ndx_results_match_bucket(const ndx_results *r, size_t k, ndx_bucket *out,
                                     size_t *index);
NDX_API int ndx_results_interval(const ndx_results *r); /**< enum ndx_interval */

/**
 * Several queries on one timeline: for each query a result set (no hits; totals, and a
 * histogram by `interval`) whose buckets cover the same span, from the first to the last bucket
 * holding a match of any query.  out[] (nq entries) are freed with ndx_results_free.  On a
 * syntax error *errquery receives the index of the query and *errpos the offset in it.
 */
NDX_API int ndx_timeline(ndx_index *ix, const char *const *queries, const size_t *nqueries,
                         size_t nq, int interval, const ndx_search_opts *opts, ndx_results **out,
                         size_t *errquery, size_t *errpos);

/* ---- analytics: significant terms (docs/ANALYTICS.md) -------------------------------------- */

enum ndx_terms_method {
    NDX_TERMS_JLH = 0,  /**< (fg/F - bg/B) * (fg/F) / (bg/B) */
    NDX_TERMS_CHI2 = 1, /**< chi-square of term presence against foreground/background */
    NDX_TERMS_MI = 2,   /**< mutual information of the same table */
};
/** "jlh", "chi2" or "mi" into *out; NDX_EINVAL for anything else. */
NDX_API int ndx_terms_method_parse(const char *s, size_t n, int *out);
NDX_API const char *ndx_terms_method_name(int method);

#define NDX_MAX_TERMS_SAMPLE 100000 /**< stories a sample may hold */

typedef struct ndx_terms_opts {
    size_t size;   /**< terms returned (default 25, at most 1000) */
    size_t sample; /**< 0: every matching story; else the best `sample` stories by score
                        (1 .. NDX_MAX_TERMS_SAMPLE) */
    int method;    /**< enum ndx_terms_method */
    int64_t date_from, date_to; /**< extra filter, NDX_DATE_UNKNOWN = none */
} ndx_terms_opts;

NDX_API void ndx_terms_opts_init(ndx_terms_opts *o);

typedef struct ndx_term_score {
    const char *term; /**< as it reads in the text (lower case); two words joined by a space */
    size_t nterm;
    double score;
    uint64_t fg; /**< foreground stories whose representative copy holds the term */
    uint64_t bg; /**< stories of the whole archive holding it */
} ndx_term_score;

typedef struct ndx_terms ndx_terms;

/**
 * The words and two-word phrases that set the matches of `query` apart from the whole archive,
 * counted over stories (one copy per story), best first.  NDX_ESYNTAX as ndx_search; NDX_EINVAL
 * for a bad size, sample or method.  Freed with ndx_terms_free.
 */
NDX_API int ndx_significant_terms(ndx_index *ix, const char *query, size_t nquery,
                                  const ndx_terms_opts *opts, ndx_terms **out, size_t *errpos);
NDX_API size_t ndx_terms_count(const ndx_terms *t);
NDX_API const ndx_term_score *ndx_terms_get(const ndx_terms *t, size_t i);
NDX_API uint64_t ndx_terms_foreground(const ndx_terms *t); /**< stories examined (F) */
NDX_API uint64_t ndx_terms_background(const ndx_terms *t); /**< stories of the archive (B) */
NDX_API int ndx_terms_sampled(const ndx_terms *t); /**< 1: the best N stories, not every one */
NDX_API void ndx_terms_free(ndx_terms *t);

/* ---- explaining a query and a score -------------------------------------------------------- */

/**
 * The parsed tree of `query` as an S-expression (docs/QUERY.md, "The --explain tree"), before
 * analysis.  *out (NUL-terminated, *nout bytes) is freed with ndx_free.  NDX_ESYNTAX as
 * ndx_search.
 */
NDX_API int ndx_query_tree(ndx_index *ix, const char *query, size_t nquery, char **out,
                           size_t *nout, size_t *errpos);

/** One scored part of a match: a word (its stemming alternatives as one term), a prefix, a
 * phrase or a metadata word, in its field. */
typedef struct ndx_explain_part {
    const char *term; /**< the index terms, alternatives joined by '|', phrase words by ' ' */
    size_t nterm;
    const char *kind;  /**< "term", "prefix", "phrase" or "meta" (source:, url:, lang:) */
    const char *field; /**< "any", "title", "body", "source", "url" or "lang" */
    double idf;
    uint32_t title_tf; /**< occurrences in the title (terms and prefixes) */
    uint32_t body_tf;  /**< occurrences in the body */
    double wf;         /**< weighted frequency BM25F saw (title counts 3; a phrase: 3 a match) */
    uint32_t dl;       /**< the document's weighted length */
    double score;      /**< this part's BM25F score; the parts add up to the hit's score */
} ndx_explain_part;

typedef struct ndx_explanation {
    int matches;  /**< 1 if the article matches the query */
    double score; /**< sum of the parts (the hit's score when sorted by relevance) */
    double avgdl; /**< average weighted length of the collection */
    double k1, b; /**< BM25 parameters */
    const ndx_explain_part *parts;
    size_t nparts;
} ndx_explanation;

/**
 * Why article `id` scores what it does for `query`: the BM25F parts of every query word, prefix
 * and phrase that matches it (negated ones and date: filters score nothing).  *out is freed
 * with ndx_explanation_free.  NDX_ENOTFOUND for an unknown id, NDX_ESYNTAX as ndx_search.
 */
NDX_API int ndx_explain(ndx_index *ix, const char *query, size_t nquery, uint64_t id,
                        ndx_explanation **out, size_t *errpos);
NDX_API void ndx_explanation_free(ndx_explanation *e);

/**
 * Make a teaser for `text`: at most about `words` words from the start, ending at a sentence
 * boundary (the first sentence whole if it alone is longer).  Caller frees with ndx_free().
 */
NDX_API int ndx_teaser(const char *text, size_t ntext, size_t words, char **out, size_t *nout);

/* ---- collection statistics of sharded archives ------------------------------------------- */

/**
 * The collection statistics `query` is scored with on this index (its own, whatever
 * ndx_index_set_stats gave), as JSON: {"docs": N, "sum_dl": summed document lengths, "langs":
 * ["en", ...], "df": {term: documents, ...}, "prefix_df": {prefix: documents, ...}}.  The
 * statistics of several indexes add up key by key (languages: their union); given to each
 * through ndx_index_set_stats, the sum makes every index score a hit exactly as one index
 * holding them all would.  *out (*nout bytes, NUL-terminated) is freed with ndx_free().
 * NDX_ESYNTAX as ndx_search.
 */
NDX_API int ndx_query_stats(ndx_index *ix, const char *query, size_t nquery, char **out,
                            size_t *nout, size_t *errpos);
/**
 * Score this handle's searches with external collection statistics (JSON as ndx_query_stats
 * gives, summed over indexes) instead of the index's own: documents, lengths, languages and
 * document frequencies (a term the statistics do not name counts as in no document).  Holds until
 * the next call; json NULL returns to the index's own.  NDX_EINVAL if malformed.  Meanwhile a
 * facet on a keyword field this index does not hold is empty rather than an error (the other
 * indexes may hold it).
 */
NDX_API int ndx_index_set_stats(ndx_index *ix, const char *json, size_t n);

/* ---- reading input files ------------------------------------------------------------------ */

typedef struct ndx_reader_opts {
    const char *field_map; /**< "body=text,date=published,...": JSON field for each of url,
                                source, title, authors, body, lang, date; NULL = news-please */
    int input_format;      /**< 0 = detect by content; else enum ndx_format */
    int stubs;             /**< teaser stubs found after an article (e.g. a sidebar swept in by a
                                crawler): 0 = deliver them as separate NDX_ART_TEASER articles,
                                1 = drop them */
    const char *encoding;  /**< character encoding of text, JSON, mail and SGML files (any name
                                iconv knows: "GBK", "latin1", "Shift_JIS"); NULL = detect (byte
                                order mark, declaration, UTF-8, else libuchardet's guess) */
    const char *source;    /**< source of articles that name none (NULL: the URL's host) */
    const char *lang;      /**< language (ISO 639-1) of articles that name none (NULL: detect) */
} ndx_reader_opts;

enum ndx_format {
    NDX_FMT_AUTO = 0,
    NDX_FMT_TEXT = 1,  /**< plain text, paragraph per line */
    NDX_FMT_JSONL = 2, /**< one JSON article per line */
    NDX_FMT_JSON = 3,  /**< one JSON article (news-please) per file */
    NDX_FMT_HTML = 4,  /**< one HTML page: the article is extracted */
    NDX_FMT_FEED = 5,  /**< RSS 0.9x/1.0/2.0, Atom or JSON Feed: one article per item */
    NDX_FMT_WARC = 6,  /**< WARC or ARC web archive: HTML responses are extracted */
};

/** Callbacks of ndx_read_file.  A nonzero return from on_article stops reading. */
typedef struct ndx_reader_cb {
    int (*on_article)(void *ctx, const ndx_article *a);
    /** A problem in the input: `where` is "file:line", "file@offset" (byte offset in the stored,
        possibly compressed file), "file#n" (n-th element of a JSON array) or "file"; reading
        goes on.  Both strings are borrowed for the call. */
    void (*on_problem)(void *ctx, const char *where, const char *what);
    /** Progress: bytes of this file (as stored, i.e. compressed) consumed so far; called about
        every MiB and once at the end. */
    void (*on_progress)(void *ctx, uint64_t bytes_done);
    void *ctx;
} ndx_reader_cb;

/**
 * Why a file of this name (its last path component) is never read as articles when a directory
 * is walked, or NULL: "README, LICENSE, change log or similar file" (README.md, LICENSE-MIT,
 * CHANGES.txt, ...) or "source code, schema or configuration file" (.c, .py, .dtd, .yml,
 * Makefile, ...).  `newsdex ingest` and the Python package skip such files and count them.
 */
NDX_API const char *ndx_not_article_name(const char *name);
/** Whether a folder of this name is a version-control folder a directory walk leaves out (CVS,
 * _darcs, RCS, SCCS; hidden folders such as .git are left out anyway). */
NDX_API int ndx_vcs_dir_name(const char *name);

/**
 * Read articles from one file (`path` "-" = stdin; gzip, xz, bzip2 and zstd content, recognised by
 * its magic bytes, decompressed; tar and zip archives read member by member).  The format is
 * detected by content unless opts->input_format forces it; see docs/INPUT.md.  Each article goes
 * to cb->on_article (its strings borrowed for the call); a nonzero return stops reading and
 * ndx_read_file then returns NDX_OK.  Only on_article is required (opts may be NULL).  Returns
 * NDX_OK when the file was read to the end (problems inside it, including a truncated gzip stream
 * after which the articles before the damage were kept, reported through on_problem), NDX_EIO if it
 * could not be read, NDX_EFORMAT if it gives no article (binary, empty, too big, invalid JSON,
 * nothing usable: reason via on_problem), NDX_EINVAL for a directory, a malformed field_map or a
 * bad input_format.
 */
NDX_API int ndx_read_file(const char *path, const ndx_reader_opts *opts, const ndx_reader_cb *cb);

/**
 * Read articles from n bytes in memory exactly as ndx_read_file reads a file (format detection,
 * gzip, every format).  `name` (may be NULL: "<memory>") names the input in problem reports;
 * articles from plain text get no file:// URL.  Same return values as ndx_read_file, without
 * NDX_EIO.
 */
NDX_API int ndx_read_mem(const void *data, size_t n, const char *name, const ndx_reader_opts *opts,
                         const ndx_reader_cb *cb);

/**
 * Parse a date in any common form (ISO 8601, RFC 2822, "2019-03-05", "26-FEB-1987 15:01:01.79",
 * "March 5, 2019", "2021年03月23日", epoch digits, ...; list in docs/INPUT.md).  *out receives
 * Unix seconds UTC (no zone = UTC).  NDX_EINVAL if not a date, if anything but white space
 * follows it, or if it lies outside the years 1800-2200 or names a day that does not exist.
 */
NDX_API int ndx_parse_date(const char *s, size_t n, int64_t *out);

/* ---- article extraction ------------------------------------------------------------------- */

/**
 * Extract the article (title, byline, date, language, body paragraphs) from an HTML page of
 * `n` bytes; `url` (may be NULL) is the page address.  *out is freed with ndx_article_free().
 * Returns NDX_EFORMAT when the page holds no article text.
 */
NDX_API int ndx_extract_html(const char *html, size_t n, const char *url, size_t nurl,
                             ndx_article **out);

/* ---- people, organisations, places -------------------------------------------------------- */

enum ndx_entity_type { NDX_ENT_PER = 1, NDX_ENT_ORG = 2, NDX_ENT_LOC = 3 };

/** A name found in a text: [start, end) are byte offsets of the mention; [name_start, name_end)
 * those of the fullest mention of the same name in that text (a later "Chen" points at
 * "Chen Quanguo"; equal to start/end when the mention is itself the fullest). */
typedef struct ndx_entity {
    int type; /**< enum ndx_entity_type */
    size_t start, end;
    size_t name_start, name_end;
} ndx_entity;

/**
 * People, organisations and places named in `text` (an article body, paragraphs separated by
 * '\n'), by the hand-written rules of docs/ENTITIES.md, in text order, without overlaps.  Any
 * bytes are accepted; time and memory are linear in n.  *out (NULL when none) is freed with
 * ndx_free().  Deterministic for a given installed lexicon (ndx_names_data_status).
 */
NDX_API int ndx_entities(const char *text, size_t n, ndx_entity **out, size_t *count);
/** A direct quotation and who said it.  Spans are byte offsets into the text; an empty span
 * (start == end) means "none". */
typedef struct ndx_quote {
    size_t start, end;                 /**< the quoted words, quotation marks excluded (a quote
                                            continued over paragraphs runs to its last mark) */
    size_t speaker_start, speaker_end; /**< the speaker as written: "the ministry", "one
                                            diplomat", "Sham", "they" */
    size_t name_start, name_end;       /**< the named person or organisation the speaker is:
                                            "Jimmy Sham" for "Sham", the nearest person for "he" */
    size_t cue_start, cue_end;         /**< the reporting verb: "said", "told", "quoted" */
    int speaker_type;                  /**< enum ndx_entity_type of the name; 0 when none */
    size_t via_start, via_end;         /**< who passes the words on: "the diplomat" of "the
                                            diplomat quoted Wang as saying"; equal when nobody */
} ndx_quote;

/**
 * Direct quotations in `text` (curly, guillemet or straight double quotes) with their speakers,
 * by the rules of docs/ENTITIES.md ("Quotes").  *out (NULL when none) is freed with ndx_free().
 * Time and memory are linear in n.
 */
NDX_API int ndx_quotes(const char *text, size_t n, ndx_quote **out, size_t *count);
/** "PER", "ORG" or "LOC" ("?" for anything else). */
NDX_API const char *ndx_entity_type_name(int type);
/**
 * NULL when every data source of the name rules was found (iso-codes, geonames, the word
 * list); else a message saying which are missing and what that costs.  Loads them if needed.
 */
NDX_API const char *ndx_names_data_status(void);

/* ---- placing articles in sharded archives (docs/SCALE.md) ---------------------------------- */

#define NDX_STORY_BINS  64 /**< 16-bit bins of an article's near-duplicate sketch */
#define NDX_STORY_BANDS 32 /**< LSH bands of a sketch (two bins each) */

/** What the index compares an incoming article by (docs/DEDUP.md). */
typedef struct ndx_article_keys {
    uint64_t url_hash;               /**< 0: no URL */
    uint64_t content_hash;           /**< equal for exact copies (body, else title) */
    uint16_t sketch[NDX_STORY_BINS]; /**< MinHash sketch; all zero: too short to compare */
} ndx_article_keys;

/** The keys ndx_index_add would compute for `a`, computed without an index. */
NDX_API void ndx_article_keys_of(const ndx_article *a, ndx_article_keys *out);
/** Estimated Jaccard similarity of two sketches (0..1; 0 when either is empty). */
NDX_API double ndx_sketch_similarity(const uint16_t *a, const uint16_t *b);
/** Key of LSH band `band` (0 .. NDX_STORY_BANDS-1) of a sketch, never 0; 0 for an empty one. */
NDX_API uint64_t ndx_sketch_band(const uint16_t *sketch, int band);

/** Where an incoming article would go in one index: what this index already holds for it. */
typedef struct ndx_placement {
    uint64_t url_id;     /**< live article its URL reaches (its own, or an exact copy's); 0 */
    uint64_t copy_of;    /**< live article with the same content hash; 0 */
    uint32_t bands_held; /**< bit b: a stored article holds band b in the index's band table */
    double best;         /**< best estimated Jaccard, at least the story threshold, among the
                              articles holding those bands (the story ndx_index_add would
                              join); 0 if none reaches it */
    uint64_t story;      /**< that article's story; 0 if none */
} ndx_placement;

/**
 * For each of `n` incoming articles (their keys), what ndx_index_add would find for it here:
 * the article its URL reaches, an exact copy, and the best near-duplicate among the articles
 * holding its LSH bands (ndx_index_set_dup_threshold applies).  Works on any handle: a writer
 * uses its own tables, a reader builds them for the call (memory: about 32 entries per article
 * of the index, freed before it returns).  Sharded archives ask every shard this before routing
 * a batch, so that a copy goes to the shard of its story.
 */
NDX_API int ndx_index_place(ndx_index *ix, const ndx_article_keys *keys, size_t n,
                            ndx_placement *out);

/**
 * ndx_related for an article given in full, which need not be in this index (a sharded archive
 * asks every shard for the articles related to an article of one of them): `self` is the
 * article's id in this index (0: not here); it and its exact copies are left out.  Scored with
 * the statistics ndx_index_set_stats gave, if any: the words chosen and their weights are then
 * those of the whole archive.
 */
NDX_API int ndx_related_article(ndx_index *ix, const ndx_article *a, uint64_t self,
                                const ndx_search_opts *opts, ndx_results **out);
/**
 * The collection statistics ndx_related_article looks up for article `a` on this index (its
 * own, whatever ndx_index_set_stats gave), as JSON in the form of ndx_query_stats: documents,
 * summed lengths, languages and the document frequency of every word and name it looks up.
 * They add up over shards.  *out (*nout bytes, NUL-terminated) is freed with ndx_free().
 */
NDX_API int ndx_article_stats(ndx_index *ix, const ndx_article *a, char **out, size_t *nout);

/**
 * Significant terms over shards, first part: the foreground of ndx_significant_terms on this
 * index, every term of it, as JSON: {"stories": F, "background": B, "total_stories": matching
 * stories, "terms": [[word, second word of a phrase or null, fg, language of the text it was
 * first seen in, surface, score of that story], ...]}.  Scored with ndx_index_set_stats's
 * statistics, if given (which decide the stories of a sample).  *out is freed with ndx_free().
 */
NDX_API int ndx_shard_terms_foreground(ndx_index *ix, const char *query, size_t nquery,
                                       const ndx_terms_opts *opts, char **out, size_t *nout,
                                       size_t *errpos);
/**
 * Significant terms over shards, second part: for a request {"terms": [[word, word or null],
 * ...], "langs": ["en", ...], "bg": true|false}, this index's own {"docs": N, "df": [[df of each
 * word], ...], "lang_docs": [documents of each language], "bg": [stories holding each term (the
 * two words adjacent for a phrase); only with "bg": true]}.  Sums over shards give what
 * ndx_significant_terms computes on one index (docs/SCALE.md).  NDX_EINVAL for a malformed
 * request.
 */
NDX_API int ndx_shard_terms_background(ndx_index *ix, const char *request, size_t nrequest,
                                       char **out, size_t *nout);

#ifdef __cplusplus
}
#endif
#endif /* NEWSDEX_H */
