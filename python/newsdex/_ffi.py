"""The C API of libnewsdex as cffi sees it (ABI mode: the library is opened with dlopen, nothing
is compiled at import time).

The declarations below repeat include/newsdex.h; tests/python/test_abi.py compiles a program that
prints the header's sizes and offsets and compares them with these, so the two cannot drift.
The library is looked for in this order: $NEWSDEX_LIBRARY; where `cmake --install` put it
(_libpath.py, written at install); the build/ directory of the source tree this package sits in;
then the system's library path by soname.
"""
import os
from pathlib import Path

import cffi

SONAME = "libnewsdex.so.0.1"

CDEF = r"""
enum ndx_status {
    NDX_OK = 0, NDX_ENOMEM = -1, NDX_EINVAL = -2, NDX_EIO = -3, NDX_ECORRUPT = -4,
    NDX_ENOTFOUND = -5, NDX_ETOOBIG = -6, NDX_ERANGE = -7, NDX_ESYNTAX = -8, NDX_ELOCKED = -9,
    NDX_EFORMAT = -10, NDX_EREADONLY = -11
};
const char *ndx_strerror(int status);
const char *ndx_errname(int status);
void ndx_free(void *p);

typedef struct ndx_article {
    uint64_t id;
    const char *url; size_t nurl;
    const char *source; size_t nsource;
    const char *title; size_t ntitle;
    const char *authors; size_t nauthors;
    const char *body; size_t nbody;
    const char *lang; size_t nlang;
    const char *copies; size_t ncopies;
    int64_t published;
    int64_t ingested;
    unsigned flags;
    const char *parent; size_t nparent;
    uint64_t story;
    const char *fields; size_t nfields;
} ndx_article;

enum ndx_article_flags { NDX_ART_TEASER = 1, NDX_ART_SUMMARY = 2, NDX_ART_WIRE = 4 };

typedef struct ndx_index ndx_index;
enum ndx_open_flags {
    NDX_OPEN_READ = 0, NDX_OPEN_WRITE = 1, NDX_OPEN_CREATE = 2, NDX_OPEN_NOSTEM = 4,
    NDX_OPEN_SIMPLE = 8
};
int ndx_index_open(const char *path, int flags, ndx_index **out, char **errmsg);
void ndx_index_close(ndx_index *ix);
uint64_t ndx_index_generation(const ndx_index *ix);
const char *ndx_errmsg(const ndx_index *ix);
int ndx_index_set_memory_limit(ndx_index *ix, size_t bytes);
int ndx_index_set_cache_limit(ndx_index *ix, size_t bytes);
int ndx_index_set_dup_threshold(ndx_index *ix, double threshold);
enum ndx_add_outcome { NDX_ADDED = 0, NDX_UPDATED = 1, NDX_DUPLICATE = 2, NDX_UNCHANGED = 3 };
int ndx_index_add(ndx_index *ix, const ndx_article *a, int *outcome, uint64_t *id);
int ndx_index_delete(ndx_index *ix, const char *key, size_t nkey);
int ndx_index_commit(ndx_index *ix);
int ndx_index_optimize(ndx_index *ix, int max_segments);
int ndx_index_refresh(ndx_index *ix);
int ndx_index_get(ndx_index *ix, uint64_t id, ndx_article **out);
int ndx_index_lookup(ndx_index *ix, const char *key, size_t nkey, uint64_t *id);
void ndx_article_free(ndx_article *a);

typedef struct ndx_stats {
    uint64_t documents; uint64_t deleted; uint64_t segments; uint64_t terms; uint64_t postings;
    uint64_t tokens; uint64_t index_bytes; uint64_t text_bytes; uint64_t generation;
    int64_t date_min; int64_t date_max; int stemming; int simple; int analysis;
    uint64_t duplicates;
} ndx_stats;
int ndx_index_stats(ndx_index *ix, ndx_stats *st);
int ndx_index_check(ndx_index *ix, void (*on_problem)(void *ctx, const char *msg), void *ctx);

enum ndx_sort { NDX_SORT_RELEVANCE = 0, NDX_SORT_DATE = 1, NDX_SORT_DATE_ASC = 2 };
typedef struct ndx_search_opts {
    size_t limit; size_t offset; int sort; int want_count; int want_snippets;
    size_t teaser_words; size_t snippet_words; const char *hl_open; const char *hl_close;
    int escape_html; int64_t date_from; int64_t date_to; int collapse; int ids_only;
    int count_stories;
    int aliases;
    unsigned timeout_ms;
} ndx_search_opts;
void ndx_search_opts_init(ndx_search_opts *o);

typedef struct ndx_hit {
    uint64_t id; double score;
    const char *title; size_t ntitle;
    const char *url; size_t nurl;
    const char *source; size_t nsource;
    const char *lang; size_t nlang;
    int64_t published;
    const char *snippet; size_t nsnippet;
    const char *teaser; size_t nteaser;
    unsigned flags; uint64_t story; uint32_t copies;
    const char *sources; size_t nsources;
    int wire;
} ndx_hit;
typedef struct ndx_results ndx_results;
int ndx_search(ndx_index *ix, const char *query, size_t nquery, const ndx_search_opts *opts,
               ndx_results **out, size_t *errpos);
uint64_t ndx_results_total(const ndx_results *r);
uint64_t ndx_results_total_stories(const ndx_results *r);
uint64_t ndx_results_total_copies(const ndx_results *r);
int ndx_results_total_exact(const ndx_results *r);
size_t ndx_results_count(const ndx_results *r);
const ndx_hit *ndx_results_hit(const ndx_results *r, size_t i);
double ndx_results_took_ms(const ndx_results *r);
void ndx_results_free(ndx_results *r);
int ndx_related(ndx_index *ix, uint64_t id, const ndx_search_opts *opts, ndx_results **out);
typedef int (*ndx_article_fn)(void *ctx, const ndx_article *a);
int ndx_export(ndx_index *ix, const char *query, size_t nquery, ndx_article_fn cb, void *ctx,
               size_t *errpos);
int ndx_story_members(ndx_index *ix, uint64_t story, ndx_article_fn cb, void *ctx);

typedef struct ndx_reader_opts {
    const char *field_map; int input_format; int stubs;
    const char *encoding; const char *source; const char *lang;
} ndx_reader_opts;
enum ndx_format {
    NDX_FMT_AUTO = 0, NDX_FMT_TEXT = 1, NDX_FMT_JSONL = 2, NDX_FMT_JSON = 3, NDX_FMT_HTML = 4,
    NDX_FMT_FEED = 5, NDX_FMT_WARC = 6
};
typedef struct ndx_reader_cb {
    int (*on_article)(void *ctx, const ndx_article *a);
    void (*on_problem)(void *ctx, const char *where, const char *what);
    void (*on_progress)(void *ctx, uint64_t bytes_done);
    void *ctx;
} ndx_reader_cb;
int ndx_read_file(const char *path, const ndx_reader_opts *opts, const ndx_reader_cb *cb);
const char *ndx_not_article_name(const char *name);
int ndx_vcs_dir_name(const char *name);
int ndx_read_mem(const void *data, size_t n, const char *name, const ndx_reader_opts *opts,
                 const ndx_reader_cb *cb);
int ndx_parse_date(const char *s, size_t n, int64_t *out);
enum ndx_interval {
    NDX_INTERVAL_NONE = 0, NDX_INTERVAL_DAY = 1, NDX_INTERVAL_WEEK = 2, NDX_INTERVAL_MONTH = 3,
    NDX_INTERVAL_YEAR = 4
};
int ndx_interval_parse(const char *s, size_t n, int *out);
typedef struct ndx_facet_spec {
    const char *field; size_t nfield; const char *prefix; size_t nprefix; size_t size;
} ndx_facet_spec;
int ndx_facet_field_check(const char *field, size_t n);
typedef struct ndx_analytics_opts {
    const ndx_facet_spec *facets; size_t nfacets; int histogram;
} ndx_analytics_opts;
int ndx_search_analytics(ndx_index *ix, const char *query, size_t nquery,
                         const ndx_search_opts *opts, const ndx_analytics_opts *a,
                         ndx_results **out, size_t *errpos);
typedef struct ndx_facet_value {
    const char *value; size_t nvalue; uint64_t stories; uint64_t copies;
} ndx_facet_value;
typedef struct ndx_facet {
    const char *field; const ndx_facet_value *values; size_t nvalues; uint64_t other_values;
    uint64_t other_stories; uint64_t other_copies;
} ndx_facet;
typedef struct ndx_bucket {
    int64_t start; char key[12]; uint64_t stories; uint64_t copies; uint64_t all_stories;
} ndx_bucket;
size_t ndx_results_facet_count(const ndx_results *r);
const ndx_facet *ndx_results_facet(const ndx_results *r, size_t i);
size_t ndx_results_bucket_count(const ndx_results *r);
const ndx_bucket *ndx_results_bucket(const ndx_results *r, size_t i);
int ndx_results_interval(const ndx_results *r);
int ndx_timeline(ndx_index *ix, const char *const *queries, const size_t *nqueries, size_t nq,
                 int interval, const ndx_search_opts *opts, ndx_results **out, size_t *errquery,
                 size_t *errpos);
enum ndx_terms_method { NDX_TERMS_JLH = 0, NDX_TERMS_CHI2 = 1, NDX_TERMS_MI = 2 };
int ndx_terms_method_parse(const char *s, size_t n, int *out);
typedef struct ndx_terms_opts {
    size_t size; size_t sample; int method; int64_t date_from; int64_t date_to;
} ndx_terms_opts;
void ndx_terms_opts_init(ndx_terms_opts *o);
typedef struct ndx_term_score {
    const char *term; size_t nterm; double score; uint64_t fg; uint64_t bg;
} ndx_term_score;
typedef struct ndx_terms ndx_terms;
int ndx_significant_terms(ndx_index *ix, const char *query, size_t nquery,
                          const ndx_terms_opts *opts, ndx_terms **out, size_t *errpos);
size_t ndx_terms_count(const ndx_terms *t);
const ndx_term_score *ndx_terms_get(const ndx_terms *t, size_t i);
uint64_t ndx_terms_foreground(const ndx_terms *t);
uint64_t ndx_terms_background(const ndx_terms *t);
int ndx_terms_sampled(const ndx_terms *t);
void ndx_terms_free(ndx_terms *t);
int ndx_query_stats(ndx_index *ix, const char *query, size_t nquery, char **out, size_t *nout,
                    size_t *errpos);
int ndx_index_set_stats(ndx_index *ix, const char *json, size_t n);
typedef struct ndx_alias {
    const char *latin; size_t nlatin;
    const char *cjk; size_t ncjk;
    const char *script;
    uint64_t articles;
    uint64_t first;
} ndx_alias;
int ndx_index_aliases(ndx_index *ix, const char *name, size_t nname,
                      int (*cb)(void *ctx, const ndx_alias *a), void *ctx);
int ndx_index_set_aliases(ndx_index *ix, const ndx_alias *a, size_t n);
int ndx_extract_html(const char *html, size_t n, const char *url, size_t nurl, ndx_article **out);
#define NDX_STORY_BINS 64
#define NDX_STORY_BANDS 32
typedef struct ndx_article_keys {
    uint64_t url_hash;
    uint64_t content_hash;
    uint16_t sketch[64];
} ndx_article_keys;
void ndx_article_keys_of(const ndx_article *a, ndx_article_keys *out);
double ndx_sketch_similarity(const uint16_t *a, const uint16_t *b);
uint64_t ndx_sketch_band(const uint16_t *sketch, int band);
typedef struct ndx_placement {
    uint64_t url_id;
    uint64_t copy_of;
    uint32_t bands_held;
    double best;
    uint64_t story;
} ndx_placement;
int ndx_index_place(ndx_index *ix, const ndx_article_keys *keys, size_t n, ndx_placement *out);
int ndx_related_article(ndx_index *ix, const ndx_article *a, uint64_t self,
                        const ndx_search_opts *opts, ndx_results **out);
int ndx_article_stats(ndx_index *ix, const ndx_article *a, char **out, size_t *nout);
int ndx_shard_terms_foreground(ndx_index *ix, const char *query, size_t nquery,
                               const ndx_terms_opts *opts, char **out, size_t *nout,
                               size_t *errpos);
int ndx_shard_terms_background(ndx_index *ix, const char *request, size_t nrequest,
                               char **out, size_t *nout);
"""

DATE_UNKNOWN = -(2**63)

ffi = cffi.FFI()
ffi.cdef(CDEF)


def _candidates():
    env = os.environ.get("NEWSDEX_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _libpath  # written by cmake --install
        yield _libpath.LIBRARY
    except ImportError:
        pass
    tree = Path(__file__).resolve().parents[2] / "build" / SONAME
    if tree.exists():
        yield str(tree)
    yield SONAME


def _open():
    errors = []
    for c in _candidates():
        try:
            return ffi.dlopen(c), c
        except OSError as e:
            errors.append(f"{c}: {e}")
    raise ImportError("newsdex: cannot load the newsdex library (" + "; ".join(errors) +
                      "); build it with scripts/build, install it with cmake --install, or set "
                      "NEWSDEX_LIBRARY to its path")


lib, LIBRARY_PATH = _open()
