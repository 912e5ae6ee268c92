/*
 * xstats.c - collection statistics from outside the index, for archives split into shards.
 *
 * BM25F scores a hit with collection statistics: the document count N, the average length and
 * each query term's document frequency.  A shard alone knows only its own, so the same article
 * would score differently in a shard than in one index holding the whole archive.
 * ndx_query_stats reports what a query looks up on one index (as JSON: it travels between
 * processes); the statistics of all shards add up key by key, and ndx_index_set_stats hands
 * the sum to each shard's handle, whose view (struct ndx_view) then reads N, lengths, languages
 * and frequencies from it instead of its segments.  Languages matter too: a query word is looked
 * up in the stemmed form of every language of the collection.
 */
#include "index/index.h"
#include "query/alias_expand.h"
#include "query/eval.h"
#include "util/map.h"

#include <jansson.h>

struct ndx_xstats {
    uint64_t ndocs, sum_dl;
    uint16_t langs[64];
    int nlangs;
    struct ndx_map df;  /* term hash -> df + 1 (external statistics) */
    struct ndx_map pdf; /* prefix hash -> df + 1 */
    json_t *rec_df;     /* recording: term -> df */
    json_t *rec_pdf;
};

#define TERM_SEED   0x6e64787374617431ull
#define PREFIX_SEED 0x6e64787374617432ull

static uint64_t key_of(const char *t, size_t n, int prefix)
{
    uint64_t h = ndx__hash64(t, n, prefix ? PREFIX_SEED : TERM_SEED);
    return h ? h : 1;
}

void ndx__xstats_free(struct ndx_xstats *x)
{
    if (!x)
        return;
    ndx__map_free(&x->df);
    ndx__map_free(&x->pdf);
    json_decref(x->rec_df);
    json_decref(x->rec_pdf);
    ndx_free(x);
}

void ndx__xstats_apply(const struct ndx_xstats *x, struct ndx_view *v)
{
    v->xs = x;
    v->ndocs = x->ndocs;
    v->sum_dl = x->sum_dl;
    memcpy(v->langs, x->langs, sizeof v->langs);
    v->nlangs = x->nlangs;
}

uint64_t ndx__xstats_df(const struct ndx_xstats *x, const char *t, size_t n, int prefix)
{
    uint64_t v = ndx__map_get(prefix ? &x->pdf : &x->df, key_of(t, n, prefix));
    return v ? v - 1 : 0;
}

void ndx__xstats_record(struct ndx_xstats *x, const char *t, size_t n, int prefix, uint64_t df)
{
    char *key = ndx_strndup(t, n);
    if (key)
        json_object_set_new(prefix ? x->rec_pdf : x->rec_df, key, json_integer((json_int_t)df));
    ndx_free(key);
}

/* ---- public ------------------------------------------------------------------------------- */

static int fail_parse(ndx_index *ix, struct ndx_xstats *x, json_t *root, const char *what)
{
    ndx__xstats_free(x);
    json_decref(root);
    return ndx__index_fail(ix, NDX_EINVAL, "collection statistics: %s", what);
}

static int load_map(struct ndx_map *m, json_t *obj, int prefix)
{
    const char *k;
    json_t *val;
    json_object_foreach(obj, k, val)
    {
        if (!json_is_integer(val) || json_integer_value(val) < 0)
            return NDX_EINVAL;
        int rc =
            ndx__map_put(m, key_of(k, strlen(k), prefix), (uint64_t)json_integer_value(val) + 1);
        if (rc)
            return rc;
    }
    return NDX_OK;
}

int ndx_index_set_stats(ndx_index *ix, const char *json, size_t n)
{
    if (!json) {
        ndx__xstats_free(ix->xstats);
        ix->xstats = NULL;
        return NDX_OK;
    }
    json_error_t err;
    json_t *root = json_loadb(json, n, 0, &err);
    struct ndx_xstats *x = ndx_calloc(1, sizeof *x);
    if (!x) {
        json_decref(root);
        return ndx__index_fail(ix, NDX_ENOMEM, "out of memory");
    }
    if (!root)
        return fail_parse(ix, x, root, err.text);
    json_t *docs = json_object_get(root, "docs"), *sum = json_object_get(root, "sum_dl");
    json_t *langs = json_object_get(root, "langs"), *df = json_object_get(root, "df");
    json_t *pdf = json_object_get(root, "prefix_df");
    if (!json_is_integer(docs) || !json_is_integer(sum) || json_integer_value(docs) < 0 ||
        json_integer_value(sum) < 0)
        return fail_parse(ix, x, root, "\"docs\" and \"sum_dl\" must be counts");
    if (!json_is_array(langs) || !json_is_object(df) || (pdf && !json_is_object(pdf)))
        return fail_parse(ix, x, root, "\"langs\" must be an array, \"df\" an object");
    x->ndocs = (uint64_t)json_integer_value(docs);
    x->sum_dl = (uint64_t)json_integer_value(sum);
    size_t i;
    json_t *l;
    json_array_foreach(langs, i, l)
    {
        const char *s = json_string_value(l);
        if (!s || strlen(s) != 2)
            return fail_parse(ix, x, root, "a language is a two-letter code");
        if (x->nlangs < (int)NDX_ARRAY_LEN(x->langs))
            x->langs[x->nlangs++] = (uint16_t)((unsigned char)s[0] | (unsigned char)s[1] << 8);
    }
    int rc = load_map(&x->df, df, 0);
    if (!rc && pdf)
        rc = load_map(&x->pdf, pdf, 1);
    if (rc == NDX_ENOMEM) {
        ndx__xstats_free(x);
        json_decref(root);
        return ndx__index_fail(ix, rc, "out of memory");
    }
    if (rc)
        return fail_parse(ix, x, root, "a document frequency must be a count");
    json_decref(root);
    ndx__xstats_free(ix->xstats);
    ix->xstats = x;
    return NDX_OK;
}

int ndx__record_stats(ndx_index *ix, int (*run)(ndx_index *ix, void *ctx), void *ctx, char **out,
                      size_t *nout)
{
    *out = NULL;
    struct ndx_xstats rec = {.rec_df = json_object(), .rec_pdf = json_object()};
    struct ndx_xstats *external = ix->xstats;
    ix->xstats = NULL; /* this index's own statistics, whatever it scores with */
    ix->xrec = &rec;
    int rc = rec.rec_df && rec.rec_pdf ? run(ix, ctx) : NDX_ENOMEM;
    ix->xrec = NULL;
    struct ndx_view v;
    ndx__view_init(&v, ix);
    ix->xstats = external;
    json_t *j = NULL;
    if (!rc) {
        json_t *langs = json_array();
        for (int k = 0; k < v.nlangs; k++) {
            char l[3] = {(char)(v.langs[k] & 0xff), (char)(v.langs[k] >> 8), 0};
            json_array_append_new(langs, json_string(l));
        }
        j = json_pack("{sIsIsosOsO}", "docs", (json_int_t)v.ndocs, "sum_dl", (json_int_t)v.sum_dl,
                      "langs", langs, "df", rec.rec_df, "prefix_df", rec.rec_pdf);
    }
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!rc && !text)
        rc = NDX_ENOMEM;
    if (!rc) {
        size_t n = strlen(text);
        *out = ndx_strndup(text, n);
        if (!*out)
            rc = NDX_ENOMEM;
        else if (nout)
            *nout = n;
    }
    free(text);
    json_decref(j);
    json_decref(rec.rec_df);
    json_decref(rec.rec_pdf);
    if (rc == NDX_ENOMEM)
        ndx__index_fail(ix, rc, "out of memory");
    return rc;
}

/* What ndx_query_stats records: the query compiled and its frequencies looked up. */
static int look_up_query(ndx_index *ix, void *ctx)
{
    const struct ndx_qnode *q = ctx;
    ndx_search_opts opts;
    ndx_search_opts_init(&opts);
    struct search S;
    ndx__search_init(&S, ix, &opts);
    struct cnode *root = NULL;
    int rc = ndx__compile(&S, q, &root);
    if (!rc)
        ndx__compute_idf(&S, root);
    ndx__search_free(&S);
    ndx__cnode_free(root);
    return rc;
}

int ndx_query_stats(ndx_index *ix, const char *query, size_t nquery, char **out, size_t *nout,
                    size_t *errpos)
{
    *out = NULL;
    struct ndx_qnode *q = NULL;
    int rc = ndx__parse_query(ix, query, nquery, &q, errpos);
    if (!rc) /* the names' other forms too, as ndx_search reads the query by default: a superset
                of what a search without aliases looks up */
        rc = ndx__alias_expand(ix, &q);
    if (!rc)
        rc = ndx__record_stats(ix, look_up_query, q, out, nout);
    ndx__query_free(q);
    return rc;
}
