/*
 * collect.c - the analytics collectors of the matching pass (docs/ANALYTICS.md): facets by
 * source, lang, wire, year and month (keyword fields: keyfacet.c), and date histograms, each value
 * or bucket counted as stories and as copies, exactly.  The structures both files share are in
 * collect.h.
 *
 * During the pass each match appends one small record (story, day, source, lang, wire, copies)
 * read from the segment's columns; an article carrying exact copies from other sources adds one
 * record per copy when sources are faceted.  Afterwards the records are radix-sorted by story, so
 * that the copies of a story are adjacent: a value (or bucket) then counts a story once by
 * remembering the last story group it was counted for.  Past NDX_COLL_DIRECT_AFTER records, a
 * match alone in its story (the commit's shared-story bitmap says which) is counted straight into
 * per-value and per-day arrays instead ("Direct counts" below).  Everything is linear in the
 * matches; no hash table is touched per match but for new source strings and languages.
 *
 * The `all_stories` of a histogram's buckets come from a second pass over the query's filters
 * alone (its top-level date:, wire:, source:, url:, lang: and keyword conditions, without the
 * text), or for a query without filters from the archive's counts kept for the commit: both in
 * allstories.c, with the handle's per-commit cache that also keeps the shared-story bitmaps.
 * Bucket numbers, keys and the results' histogram are in histogram.c.
 */
#include "query/collect.h"
#include "query/progress.h"
#include "util/civil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum { FF_SOURCE = 1, FF_LANG, FF_WIRE, FF_YEAR, FF_MONTH, FF_KEYWORD };

static const struct {
    const char *name;
    int field;
} facet_fields[] = {
    {"source", FF_SOURCE}, {"lang", FF_LANG},   {"wire", FF_WIRE},
    {"year", FF_YEAR},     {"month", FF_MONTH},
};

static int field_of(const char *s, size_t n)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(facet_fields); i++)
        if (strlen(facet_fields[i].name) == n && memcmp(facet_fields[i].name, s, n) == 0)
            return facet_fields[i].field;
    return ndx__keyword_name_ok(s, n) ? FF_KEYWORD : 0;
}

static const char *field_name(int f)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(facet_fields); i++)
        if (facet_fields[i].field == f)
            return facet_fields[i].name;
    return "";
}

int ndx_facet_field_check(const char *field, size_t n)
{
    return field && field_of(field, n) ? NDX_OK : NDX_EINVAL;
}

static const char *const interval_names[] = {"", "day", "week", "month", "year"};

int ndx_interval_parse(const char *s, size_t n, int *out)
{
    for (int i = NDX_INTERVAL_DAY; i <= NDX_INTERVAL_YEAR; i++)
        if (s && strlen(interval_names[i]) == n && memcmp(interval_names[i], s, n) == 0) {
            *out = i;
            return NDX_OK;
        }
    return NDX_EINVAL;
}

const char *ndx_interval_name(int interval)
{
    return interval >= NDX_INTERVAL_DAY && interval <= NDX_INTERVAL_YEAR ? interval_names[interval]
                                                                         : "";
}

/* ---- interned value strings ---------------------------------------------------------------- */

int ndx__vtab_intern(struct vtab *t, const char *s, size_t n, uint32_t *out)
{
    for (uint64_t seed = 17;; seed++) {
        uint64_t h = ndx__hash64(s, n, seed) | 1;
        uint64_t k = ndx__map_get(&t->idx, h);
        if (k) {
            if (t->n[k - 1] == n && memcmp(t->s[k - 1], s, n) == 0) {
                *out = (uint32_t)(k - 1);
                return NDX_OK;
            }
            continue;
        }
        if (t->count == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 64;
            char **ps = ndx_realloc(t->s, cap * sizeof *ps);
            if (!ps)
                return NDX_ENOMEM;
            t->s = ps;
            size_t *pn = ndx_realloc(t->n, cap * sizeof *pn);
            if (!pn)
                return NDX_ENOMEM;
            t->n = pn;
            t->cap = cap;
        }
        if (!(t->s[t->count] = ndx_strndup(s ? s : "", n)))
            return NDX_ENOMEM;
        t->n[t->count] = n;
        int rc = ndx__map_put(&t->idx, h, t->count + 1);
        if (rc) {
            ndx_free(t->s[t->count]);
            return rc;
        }
        *out = (uint32_t)t->count++;
        return NDX_OK;
    }
}

int ndx__vtab_find(const struct vtab *t, const char *s, size_t n)
{
    for (uint64_t seed = 17;; seed++) {
        uint64_t k = ndx__map_get(&t->idx, ndx__hash64(s, n, seed) | 1);
        if (!k)
            return 0;
        if (t->n[k - 1] == n && memcmp(t->s[k - 1], s, n) == 0)
            return 1;
    }
}

void ndx__vtab_free(struct vtab *t)
{
    for (size_t i = 0; i < t->count; i++)
        ndx_free(t->s[i]);
    ndx_free(t->s);
    ndx_free(t->n);
    ndx__map_free(&t->idx);
    memset(t, 0, sizeof *t);
}

/* ---- records ------------------------------------------------------------------------------- */

static int push(struct ndx_coll *c)
{
    if (ndx__grow(&c->r, &c->cap, c->n + 1, sizeof *c->r, 1024))
        return NDX_ENOMEM;
    c->n++;
    return NDX_OK;
}

static int source_index(struct ndx_coll *c, const struct ndx_segref *ref, uint32_t ord,
                        uint32_t *out)
{
    if (c->cur != ref) {
        size_t n = ref->seg->nsources;
        if (n > c->nsegsrc) {
            uint32_t *p = ndx_realloc(c->segsrc, n * sizeof *p);
            if (!p)
                return NDX_ENOMEM;
            c->segsrc = p;
            c->nsegsrc = n;
        }
        memset(c->segsrc, 0, n * sizeof *c->segsrc);
        c->cur = ref;
    }
    if (ord < ref->seg->nsources && c->segsrc[ord]) {
        *out = c->segsrc[ord] - 1;
        return NDX_OK;
    }
    const char *s = "";
    size_t n = 0;
    if (ndx__seg_source(ref->seg, ord, &s, &n) != NDX_OK)
        s = "", n = 0;
    int rc = ndx__vtab_intern(&c->src, s, n, out);
    if (!rc && ord < ref->seg->nsources)
        c->segsrc[ord] = *out + 1;
    return rc;
}

/* The exact copies recorded on doc, each under its own source: records pushed after the
 * article's own (index i), which keeps the copies left over. */
static int copy_records(struct ndx_coll *c, const struct ndx_segref *ref, uint32_t doc, size_t i)
{
    ndx_article a;
    int rc = ndx__seg_doc(ref->seg, doc, &c->scratch, &a);
    if (rc)
        return rc;
    const char *p = a.copies, *url, *s;
    size_t nurl, n;
    while (c->r[i].copies > 1 && ndx_copies_next(&p, a.copies + a.ncopies, &url, &nurl, &s, &n)) {
        uint32_t si;
        if ((rc = ndx__vtab_intern(&c->src, s ? s : "", n, &si)) || (rc = push(c)))
            return rc;
        c->r[c->n - 1] = c->r[i];
        c->r[c->n - 1].copies = 1;
        c->r[c->n - 1].source = si;
        c->r[i].copies--;
    }
    return NDX_OK;
}

/* ---- direct counts -------------------------------------------------------------------------- */

/* A match whose story no other article of the view holds counts as one story under each of its
 * values, whatever else matches: no record is needed to find its story's other copies.  The
 * commit's shared-story bitmaps (ndx__coll_shared_stories, allstories.c, kept on the handle) say
 * which articles may share their story; the others, once the collector holds NDX_COLL_DIRECT_AFTER
 * records (small sets of matches stay records, cheaper to count), are counted straight into arrays:
 * copies and stories per source ordinal of the segment (folded into source values when the segment
 * changes), per language, wire, and per day in chunks of 256 days allocated when a match falls in
 * them.  An article with exact copies under other sources, when sources are faceted, stays a
 * record. */

#define DAY_BASE (-116877) /* 1650-01-01 */

/* Stories and copies counters st, cp (*n entries each) grown to n2 entries, the new ones zero. */
static int grow_counts(uint64_t **st, uint64_t **cp, size_t *n, size_t n2)
{
    uint64_t *a = ndx_realloc(*st, n2 * sizeof *a);
    if (!a)
        return NDX_ENOMEM;
    *st = a;
    uint64_t *b = ndx_realloc(*cp, n2 * sizeof *b);
    if (!b)
        return NDX_ENOMEM;
    *cp = b;
    memset(a + *n, 0, (n2 - *n) * sizeof *a);
    memset(b + *n, 0, (n2 - *n) * sizeof *b);
    *n = n2;
    return NDX_OK;
}

/* The source counts of the segment dseg into the source values. */
static int fold_sources(struct ndx_coll *c)
{
    for (size_t o = 0; o < c->ndsrc; o++) {
        if (!c->dsrc[o])
            continue;
        uint32_t si;
        int rc = source_index(c, c->dseg, (uint32_t)o, &si);
        if (rc)
            return rc;
        if (si >= c->ngsrc && (rc = grow_counts(&c->gsrc_st, &c->gsrc_cp, &c->ngsrc,
                                                NDX_MAX((size_t)si + 1, c->src.count))))
            return rc;
        c->gsrc_st[si] += c->dsrc_st[o];
        c->gsrc_cp[si] += c->dsrc[o];
        c->dsrc[o] = c->dsrc_st[o] = 0;
    }
    return NDX_OK;
}

/* Counts per source ordinal of segment ref from now on. */
static int direct_segment(struct ndx_coll *c, const struct ndx_segref *ref)
{
    int rc = c->dseg ? fold_sources(c) : NDX_OK;
    if (rc)
        return rc;
    size_t n = ref->seg->nsources;
    if (n > c->ndsrc) {
        ndx_free(c->dsrc);
        ndx_free(c->dsrc_st);
        c->dsrc = ndx_calloc(n, sizeof *c->dsrc);
        c->dsrc_st = ndx_calloc(n, sizeof *c->dsrc_st);
        c->ndsrc = n;
        if (!c->dsrc || !c->dsrc_st) {
            c->ndsrc = 0;
            return NDX_ENOMEM;
        }
    }
    c->ndsrc = n; /* the rest were zeroed by the fold */
    c->dseg = ref;
    return NDX_OK;
}

/* Count doc of ref directly when it can be: *done 1 (else it needs a record). */
static int direct_add(struct ndx_coll *c, const struct ndx_segref *ref, uint32_t doc, int *done)
{
    const struct ndx_columns *col = &ref->seg->col;
    *done = 0;
    size_t g = (size_t)(ref - c->S->v.segs);
    uint32_t fl = col->flags[doc];
    if (c->shared[g][doc >> 3] >> (doc & 7) & 1 || (c->need_source && NDX_NCOPIES(fl)) ||
        (c->need_source && col->source[doc] >= ref->seg->nsources))
        return NDX_OK;
    int64_t pub = col->published[doc];
    int64_t day = pub == NDX_DATE_UNKNOWN ? 0 : ndx__day_of(pub);
    if (pub != NDX_DATE_UNKNOWN &&
        (day < DAY_BASE || day >= DAY_BASE + 256 * (int64_t)NDX_COLL_DAY_CHUNKS))
        return NDX_OK;
    int rc;
    if (c->need_source && ref != c->dseg && (rc = direct_segment(c, ref)))
        return rc;
    uint32_t li = 0;
    if (c->need_lang) {
        uint16_t code = col->lang[doc];
        if (!c->last_lang || code != c->last_code) {
            char l[2] = {(char)(code & 0xff), (char)(code >> 8)};
            if ((rc = ndx__vtab_intern(&c->lang, l, l[1] ? 2 : l[0] ? 1 : 0, &li)))
                return rc;
            c->last_code = code;
            c->last_lang = li + 1;
        }
        li = c->last_lang - 1;
        if (li >= c->ndlang && (rc = grow_counts(&c->dlang_st, &c->dlang_cp, &c->ndlang,
                                                 NDX_MAX((size_t)li + 1, 2 * c->ndlang))))
            return rc;
    }
    struct dchunk *ch = NULL;
    size_t k = 0;
    if (pub != NDX_DATE_UNKNOWN) {
        if (!c->dday && !(c->dday = ndx_calloc(NDX_COLL_DAY_CHUNKS, sizeof *c->dday)))
            return NDX_ENOMEM;
        k = (size_t)(day - DAY_BASE);
        if (!(ch = c->dday[k >> 8]) && !(ch = c->dday[k >> 8] = ndx_calloc(1, sizeof *ch)))
            return NDX_ENOMEM;
    }
    /* every allocation made: count */
    uint32_t cp = 1 + NDX_NCOPIES(fl);
    if (ch) {
        ch->st[k & 255]++;
        ch->cp[k & 255] += cp;
        if (day < c->dmin)
            c->dmin = (int32_t)day;
        if (day > c->dmax)
            c->dmax = (int32_t)day;
    } else {
        c->dund_st++;
        c->dund_cp += cp;
    }
    int w = (fl & NDX_ART_WIRE) != 0;
    c->dwire_st[w]++;
    c->dwire_cp[w] += cp;
    if (c->need_lang) {
        c->dlang_st[li]++;
        c->dlang_cp[li] += cp;
    }
    if (c->need_source) {
        uint32_t o = col->source[doc];
        c->dsrc_st[o]++;
        c->dsrc[o] += cp;
    }
    c->ndirect++;
    *done = 1;
    return NDX_OK;
}

/* Each day holding direct counts, in order: fn(ctx, day, stories, copies). */
#define FOR_DIRECT_DAYS(c, DAY, ST, CP, BODY)                                                      \
    for (size_t k_ = 0; (c)->dday && k_ < NDX_COLL_DAY_CHUNKS; k_++) {                             \
        const struct dchunk *ch_ = (c)->dday[k_];                                                  \
        for (size_t j_ = 0; ch_ && j_ < 256; j_++) {                                               \
            if (!ch_->cp[j_])                                                                      \
                continue;                                                                          \
            int64_t DAY = DAY_BASE + (int64_t)(k_ * 256 + j_);                                     \
            uint64_t ST = ch_->st[j_], CP = ch_->cp[j_];                                           \
            BODY                                                                                   \
        }                                                                                          \
    }

int ndx__coll_add(struct ndx_coll *c, const struct ndx_segref *ref, uint32_t doc)
{
    const struct ndx_columns *col = &ref->seg->col;
    int rc;
    if (c->shared) {
        int done;
        if ((rc = direct_add(c, ref, doc, &done)) || done)
            return rc;
    } else if (c->direct_ok && c->n >= NDX_COLL_DIRECT_AFTER) {
        c->direct_ok = 0; /* asked once */
        if ((rc = ndx__coll_shared_stories(c->S, &c->shared)))
            return rc;
    }
    if ((rc = push(c)))
        return rc;
    if (c->need_arts) {
        if (c->narts >= UINT32_MAX ||
            ndx__grow(&c->arts, &c->caparts, c->narts + 1, sizeof *c->arts, 1024))
            return NDX_ENOMEM;
        c->arts[c->narts++] = (struct art){ref, doc};
    }
    size_t i = c->n - 1;
    struct crec *x = &c->r[i];
    x->story = col->story[doc];
    /* a story below the one before it starts a run (records in story order need no sort) */
    if (i > 0 && x->story < c->r[i - 1].story && !c->unordered) {
        if (c->nruns < NDX_COLL_RUNS)
            c->run[c->nruns++] = i;
        else
            c->unordered = 1;
    }
    x->art = (uint32_t)(c->narts ? c->narts - 1 : 0);
    int64_t pub = col->published[doc];
    if (pub == NDX_DATE_UNKNOWN) {
        x->day = UNDATED;
    } else {
        x->day = (int32_t)ndx__day_of(pub);
        if (x->day < c->dmin)
            c->dmin = x->day;
        if (x->day > c->dmax)
            c->dmax = x->day;
    }
    uint32_t fl = col->flags[doc];
    x->copies = 1 + NDX_NCOPIES(fl);
    x->wire = (fl & NDX_ART_WIRE) != 0;
    x->source = 0;
    x->lang = 0;
    if (c->need_lang) {
        uint16_t code = col->lang[doc];
        if (!c->last_lang || code != c->last_code) {
            char l[2] = {(char)(code & 0xff), (char)(code >> 8)};
            uint32_t li;
            if ((rc = ndx__vtab_intern(&c->lang, l, l[1] ? 2 : l[0] ? 1 : 0, &li)))
                return rc;
            c->last_code = code;
            c->last_lang = li + 1;
        }
        x->lang = (uint16_t)(c->last_lang - 1);
    }
    if (c->need_source) {
        uint32_t si;
        if ((rc = source_index(c, ref, col->source[doc], &si)))
            return rc;
        c->r[i].source = si;
        if (NDX_NCOPIES(fl) && (rc = copy_records(c, ref, doc, i)))
            return rc;
    }
    return NDX_OK;
}

/* ---- sorting by story ---------------------------------------------------------------------- */

/* LSD radix sort of c->r[0..n) by story, 8 bits a pass; passes whose byte is the same in every
 * record are skipped (story ids are article ids: small numbers need 2 or 3 passes). */
int ndx__coll_sort_records(struct crec **rp, size_t n)
{
    if (n < 2)
        return NDX_OK;
    size_t(*cnt)[256] = ndx_calloc(8, sizeof *cnt);
    struct crec *tmp = ndx_malloc(n * sizeof *tmp);
    if (!cnt || !tmp) {
        ndx_free(cnt);
        ndx_free(tmp);
        return NDX_ENOMEM;
    }
    struct crec *src = *rp, *dst = tmp;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = src[i].story;
        for (int b = 0; b < 8; b++)
            cnt[b][(k >> (8 * b)) & 255]++;
    }
    for (int b = 0; b < 8; b++) {
        if (cnt[b][(src[0].story >> (8 * b)) & 255] == n)
            continue;
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t k = cnt[b][d];
            cnt[b][d] = pos;
            pos += k;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[b][(src[i].story >> (8 * b)) & 255]++] = src[i];
        struct crec *t = src;
        src = dst;
        dst = t;
    }
    *rp = src;
    ndx_free(dst);
    ndx_free(cnt);
    return NDX_OK;
}

/* Merge the collector's runs of records in story order (c->nruns + 1 of them) into one; records
 * of equal stories keep their order, the earlier run's first. */
static int merge_runs(struct ndx_coll *c)
{
    size_t k = c->nruns + 1, head[NDX_COLL_RUNS + 1], end[NDX_COLL_RUNS + 1];
    for (size_t i = 0; i < k; i++) {
        head[i] = i ? c->run[i - 1] : 0;
        end[i] = i + 1 < k ? c->run[i] : c->n;
    }
    struct crec *out = ndx_malloc((c->n ? c->n : 1) * sizeof *out);
    if (!out)
        return NDX_ENOMEM;
    for (size_t w = 0; w < c->n; w++) {
        size_t best = k;
        for (size_t i = 0; i < k; i++)
            if (head[i] < end[i] && (best == k || c->r[head[i]].story < c->r[head[best]].story))
                best = i;
        out[w] = c->r[head[best]++];
    }
    ndx_free(c->r);
    c->r = out;
    c->cap = c->n ? c->n : 1;
    return NDX_OK;
}

/* ---- the collector ------------------------------------------------------------------------- */

/* Does a segment of the view hold keyword field `name`?  Under external statistics (a shard of
 * an archive, ndx_index_set_stats) every field is: one the shard lacks is an empty facet there,
 * and whether the archive holds it at all is the caller's to say. */
static int keyword_known(struct search *S, const char *name, size_t n)
{
    if (S->v.xs)
        return 1;
    struct ndx_buf b;
    int rc = 0;
    ndx__buf_init(&b, 0);
    ndx__keyword_prefix(name, n, &b, &rc);
    int known = !rc && ndx__view_df(&S->v, (const char *)b.p, b.n, 1) > 0;
    ndx__buf_free(&b);
    return known;
}

int ndx__coll_new(struct search *S, const ndx_analytics_opts *a, struct ndx_coll **out)
{
    *out = NULL;
    if (a->nfacets > NDX_MAX_FACETS)
        return ndx__index_fail(S->ix, NDX_EINVAL, "at most %d facets", NDX_MAX_FACETS);
    if (a->histogram != NDX_INTERVAL_NONE && !*ndx_interval_name(a->histogram))
        return ndx__index_fail(S->ix, NDX_EINVAL,
                               "unknown histogram interval %d (day, week, "
                               "month or year)",
                               a->histogram);
    for (size_t i = 0; i < a->nfacets; i++) {
        const ndx_facet_spec *f = &a->facets[i];
        if (!f->field || !field_of(f->field, f->nfield) ||
            (field_of(f->field, f->nfield) == FF_KEYWORD && !keyword_known(S, f->field, f->nfield)))
            return ndx__index_fail(S->ix, NDX_EINVAL,
                                   "unknown facet '%.*s' (source, lang, wire, year, month, or a "
                                   "keyword field of the index)",
                                   f->field ? (int)NDX_MIN(f->nfield, (size_t)64) : 0,
                                   f->field ? f->field : "");
    }
    struct ndx_coll *c = ndx_calloc(1, sizeof *c);
    if (!c)
        return NDX_ENOMEM;
    c->S = S;
    c->nf = a->nfacets;
    for (size_t i = 0; i < a->nfacets; i++) {
        c->spec[i] = a->facets[i];
        c->field[i] = field_of(a->facets[i].field, a->facets[i].nfield);
        c->need_source |= c->field[i] == FF_SOURCE;
        c->need_lang |= c->field[i] == FF_LANG;
        c->need_arts |= c->field[i] == FF_KEYWORD;
    }
    c->interval = a->histogram;
    c->direct_ok = !c->need_arts;
    c->dmin = INT32_MAX;
    c->dmax = INT32_MIN;
    ndx__map_init(&c->src.idx);
    ndx__map_init(&c->lang.idx);
    ndx__buf_init(&c->scratch, 0);
    *out = c;
    return NDX_OK;
}

void ndx__coll_free(struct ndx_coll *c)
{
    if (!c)
        return;
    ndx_free(c->r);
    ndx__vtab_free(&c->src);
    ndx__vtab_free(&c->lang);
    ndx_free(c->segsrc);
    ndx_free(c->hst);
    ndx_free(c->hcp);
    ndx__buf_free(&c->scratch);
    ndx_free(c->arts);
    ndx_free(c->dsrc);
    ndx_free(c->dsrc_st);
    ndx_free(c->gsrc_st);
    ndx_free(c->gsrc_cp);
    ndx_free(c->dlang_st);
    ndx_free(c->dlang_cp);
    for (size_t k = 0; c->dday && k < NDX_COLL_DAY_CHUNKS; k++)
        ndx_free(c->dday[k]);
    ndx_free(c->dday);
    ndx_free(c);
}

/* Year and month number (y * 12 + m - 1) of the earliest and latest dated record. */
static void date_span(struct ndx_coll *c)
{
    int64_t y;
    int m, d;
    if (c->dmin > c->dmax)
        return;
    ndx__civil_from_days(c->dmin, &y, &m, &d);
    c->y0 = y, c->mi0 = y * 12 + m - 1;
    ndx__civil_from_days(c->dmax, &y, &m, &d);
    c->y1 = y, c->mi1 = y * 12 + m - 1;
}

/* Value number of record x for facet field f: an index in the source or language table, 0/1
 * for wire, and for year and month 0 = undated, else 1 + years (months) since the earliest. */
static uint32_t value_of(const struct ndx_coll *c, int f, const struct crec *x)
{
    int64_t y;
    int m, d;
    switch (f) {
    case FF_SOURCE:
        return x->source;
    case FF_LANG:
        return x->lang;
    case FF_WIRE:
        return x->wire;
    default:
        if (x->day == UNDATED)
            return 0;
        ndx__civil_from_days(x->day, &y, &m, &d);
        if (f == FF_YEAR)
            return (uint32_t)(y - c->y0 + 1);
        return (uint32_t)(y * 12 + m - 1 - c->mi0 + 1);
    }
}

/* value_of for the year or month facet of a dated day. */
static uint32_t day_value(const struct ndx_coll *c, int f, int64_t day)
{
    int64_t y;
    int m, d;
    ndx__civil_from_days(day, &y, &m, &d);
    if (f == FF_YEAR)
        return (uint32_t)(y - c->y0 + 1);
    return (uint32_t)(y * 12 + m - 1 - c->mi0 + 1);
}

static size_t nvalues(const struct ndx_coll *c, int f)
{
    switch (f) {
    case FF_SOURCE:
        return c->src.count;
    case FF_LANG:
        return c->lang.count;
    case FF_WIRE:
        return 2;
    default:
        if (c->dmin > c->dmax)
            return 1;
        return (size_t)(f == FF_YEAR ? c->y1 - c->y0 + 2 : c->mi1 - c->mi0 + 2);
    }
}

/* Value of each day dmin..dmax for the year or month facet (value_of's numbers), or NULL when
 * the span is too long for a table (value_of is used then). */
#define DAY_TABLE_MAX (1u << 20)

static uint32_t *day_values(const struct ndx_coll *c, int f)
{
    if (c->dmin > c->dmax || (uint64_t)((int64_t)c->dmax - c->dmin) >= DAY_TABLE_MAX)
        return NULL;
    size_t nd = (size_t)((int64_t)c->dmax - c->dmin + 1);
    uint32_t *t = ndx_malloc(nd * sizeof *t);
    if (!t)
        return NULL;
    /* the periods in order: each covers [its first day, the next one's) */
    int64_t p0 = f == FF_YEAR ? c->y0 : c->mi0, p1 = f == FF_YEAR ? c->y1 : c->mi1;
    for (int64_t p = p0; p <= p1; p++) {
        int64_t a =
            f == FF_YEAR ? ndx__days_from_civil(p, 1, 1) : ndx__bucket_day(NDX_INTERVAL_MONTH, p);
        int64_t b = f == FF_YEAR ? ndx__days_from_civil(p + 1, 1, 1)
                                 : ndx__bucket_day(NDX_INTERVAL_MONTH, p + 1);
        a = a < c->dmin ? c->dmin : a;
        b = b > (int64_t)c->dmax + 1 ? (int64_t)c->dmax + 1 : b;
        for (int64_t d = a; d < b; d++)
            t[d - c->dmin] = (uint32_t)(p - p0 + 1);
    }
    return t;
}

/* Count the records into fc[value] (copies; stories, a story once per value: the records are
 * in story order, stamp[value] holding the last story group counted). */
static int count_values(const struct ndx_coll *c, int f, struct fcount *fc, uint64_t *stamp)
{
    uint32_t *dv = f == FF_YEAR || f == FF_MONTH ? day_values(c, f) : NULL;
    const struct crec *r = c->r;
    uint64_t group = 0;
    int distinct = c->groups == c->n; /* every record its own story: no stamps to look at */
#define COUNT_LOOP(VALUE)                                                                          \
    if (distinct) {                                                                                \
        for (size_t j = 0; j < c->n; j++) {                                                        \
            const struct crec *x = &r[j];                                                          \
            uint32_t v = (VALUE);                                                                  \
            fc[v].copies += x->copies;                                                             \
            fc[v].stories++;                                                                       \
        }                                                                                          \
    } else {                                                                                       \
        for (size_t j = 0; j < c->n; j++) {                                                        \
            const struct crec *x = &r[j];                                                          \
            group += j == 0 || x->story != r[j - 1].story;                                         \
            uint32_t v = (VALUE);                                                                  \
            fc[v].copies += x->copies;                                                             \
            if (stamp[v] != group) {                                                               \
                stamp[v] = group;                                                                  \
                fc[v].stories++;                                                                   \
            }                                                                                      \
        }                                                                                          \
    }
    if (f == FF_SOURCE)
        COUNT_LOOP(x->source)
    else if (f == FF_LANG)
        COUNT_LOOP(x->lang)
    else if (f == FF_WIRE)
        COUNT_LOOP(x->wire)
    else if (dv)
        COUNT_LOOP(x->day == UNDATED ? 0 : dv[x->day - c->dmin])
    else
        COUNT_LOOP(value_of(c, f, x))
#undef COUNT_LOOP
    /* the direct counts: each match its own story */
    if (f == FF_SOURCE) {
        for (size_t v = 0; v < c->ngsrc; v++)
            fc[v].stories += c->gsrc_st[v], fc[v].copies += c->gsrc_cp[v];
    } else if (f == FF_LANG) {
        for (size_t v = 0; v < c->ndlang && v < c->lang.count; v++)
            fc[v].stories += c->dlang_st[v], fc[v].copies += c->dlang_cp[v];
    } else if (f == FF_WIRE) {
        for (size_t v = 0; v < 2; v++)
            fc[v].stories += c->dwire_st[v], fc[v].copies += c->dwire_cp[v];
    } else if (c->ndirect) {
        fc[0].stories += c->dund_st, fc[0].copies += c->dund_cp;
        FOR_DIRECT_DAYS(c, day, st, cp, {
            uint32_t v = dv ? dv[day - c->dmin] : day_value(c, f, day);
            fc[v].stories += st;
            fc[v].copies += cp;
        })
    }
    ndx_free(dv);
    return NDX_OK;
}

/* The text of value v (year and month texts written into buf). */
static void value_text(const struct ndx_coll *c, int f, uint32_t v, char *buf, const char **s,
                       size_t *n)
{
    switch (f) {
    case FF_SOURCE:
        *s = c->src.s[v], *n = c->src.n[v];
        return;
    case FF_LANG:
        *s = c->lang.s[v], *n = c->lang.n[v];
        return;
    case FF_WIRE:
        *s = v ? "yes" : "no", *n = v ? 3 : 2;
        return;
    default:
        if (v == 0) {
            *s = "unknown", *n = 7;
            return;
        }
        if (f == FF_YEAR) {
            ndx__fmt_date(buf, c->y0 + v - 1, 0, 0, 1);
        } else {
            int64_t mi = c->mi0 + v - 1;
            ndx__fmt_date(buf, mi / 12, (int)(mi % 12) + 1, 0, 2);
        }
        *s = buf, *n = strlen(buf);
    }
}

static int cmp_fcount(const void *a, const void *b)
{
    const struct fcount *x = a, *y = b;
    if (x->stories != y->stories)
        return x->stories < y->stories ? 1 : -1;
    if (x->copies != y->copies)
        return x->copies < y->copies ? 1 : -1;
    size_t n = NDX_MIN(x->n, y->n);
    int k = memcmp(x->s, y->s, n);
    return k ? k : (x->n > y->n) - (x->n < y->n);
}

/* The best `top` of fc[0..w) first, in order (cmp_fcount); the rest after them in any order. */
static void select_top(struct fcount *fc, size_t w, size_t top)
{
    if (top * 4 >= w) {
        qsort(fc, w, sizeof *fc, cmp_fcount);
        return;
    }
    size_t t = 0; /* fc[0..t) holds the best so far, sorted */
    for (size_t j = 0; j < w; j++) {
        if (t == top && cmp_fcount(&fc[j], &fc[t - 1]) >= 0)
            continue;
        struct fcount x = fc[j];
        size_t i = t < top ? t++ : t - 1;
        fc[j] = fc[i]; /* the one pushed out (or x itself) stays among the rest */
        while (i > 0 && cmp_fcount(&x, &fc[i - 1]) < 0) {
            fc[i] = fc[i - 1];
            i--;
        }
        fc[i] = x;
    }
}

static int has_prefix(const char *s, size_t n, const char *p, size_t np)
{
    return np <= n && ndx__ascii_ieq(s, p, np);
}

/* Facet i of the collector into *out. */
static int facet_result(struct ndx_coll *c, size_t i, ndx_facet *out)
{
    int f = c->field[i];
    const ndx_facet_spec *sp = &c->spec[i];
    memset(out, 0, sizeof *out);
    struct vtab kwvals;
    memset(&kwvals, 0, sizeof kwvals);
    ndx__map_init(&kwvals.idx);
    size_t k = 0;
    struct fcount *fc = NULL;
    uint64_t *stamp = NULL;
    char(*texts)[16] = NULL;
    int rc;
    if (f == FF_KEYWORD) {
        rc = ndx__keyword_counts(c, i, &kwvals, &fc, &k);
    } else {
        k = nvalues(c, f);
        fc = ndx_calloc(k ? k : 1, sizeof *fc);
        stamp = ndx_calloc(k ? k : 1, sizeof *stamp);
        texts = f == FF_YEAR || f == FF_MONTH ? ndx_calloc(k ? k : 1, 16) : NULL;
        rc = fc && stamp && (texts || (f != FF_YEAR && f != FF_MONTH)) ? NDX_OK : NDX_ENOMEM;
        if (!rc)
            rc = count_values(c, f, fc, stamp);
    }
    size_t w = 0;
    for (size_t v = 0; v < k && !rc; v++) {
        if (!fc[v].copies)
            continue;
        fc[v].v = (uint32_t)v;
        if (f != FF_KEYWORD)
            value_text(c, f, (uint32_t)v, texts ? texts[v] : NULL, &fc[v].s, &fc[v].n);
        if (sp->nprefix && !has_prefix(fc[v].s, fc[v].n, sp->prefix, sp->nprefix))
            continue;
        fc[w++] = fc[v];
    }
    size_t top = NDX_MIN(w, sp->size ? sp->size : 10);
    if (!rc && w > 1)
        select_top(fc, w, top);
    /* the field name as the results hold it: owned (a keyword field's name is the caller's) */
    const char *fname = f == FF_KEYWORD ? sp->field : field_name(f);
    size_t nfname = f == FF_KEYWORD ? sp->nfield : strlen(fname);
    char *name = rc ? NULL : ndx_strndup(fname, nfname);
    for (size_t j = 0; name && j < nfname; j++)
        name[j] = (char)(name[j] >= 'A' && name[j] <= 'Z' ? name[j] + 32 : name[j]);
    out->field = name;
    if (!rc && !name)
        rc = NDX_ENOMEM;
    ndx_facet_value *vals = rc ? NULL : ndx_calloc(top ? top : 1, sizeof *vals);
    if (!rc && !vals)
        rc = NDX_ENOMEM;
    for (size_t j = 0; j < top && !rc; j++) {
        char *s = NULL;
        size_t ns = fc[j].n;
        if (f == FF_KEYWORD) /* shown as written, counted case-insensitively */
            rc = ndx__keyword_written_form(c, i, fc[j].s, fc[j].n, &s, &ns);
        else if (!(s = ndx_strndup(fc[j].s, fc[j].n)))
            rc = NDX_ENOMEM;
        if (rc)
            break;
        vals[j] = (ndx_facet_value){s, ns, fc[j].stories, fc[j].copies};
        out->nvalues++;
    }
    out->values = vals;
    for (size_t j = top; j < w && !rc; j++) {
        out->other_values++;
        out->other_stories += fc[j].stories;
        out->other_copies += fc[j].copies;
    }
    ndx_free(fc);
    ndx_free(stamp);
    ndx_free(texts);
    ndx__vtab_free(&kwvals);
    return rc;
}

/* Stories and copies of each bucket of the collector's own span. */
static int histogram_counts(struct ndx_coll *c)
{
    if (c->dmin > c->dmax) {
        c->hlo = 1, c->hhi = 0;
        return NDX_OK;
    }
    c->hlo = ndx__bucket_of(c->interval, c->dmin);
    c->hhi = ndx__bucket_of(c->interval, c->dmax);
    if (c->hhi - c->hlo + 1 > NDX_MAX_BUCKETS)
        return ndx__index_fail(c->S->ix, NDX_ERANGE,
                               "the matches span more than %d %ss: ask for a coarser interval",
                               NDX_MAX_BUCKETS, ndx_interval_name(c->interval));
    size_t nb = (size_t)(c->hhi - c->hlo + 1);
    c->hst = ndx_calloc(nb, sizeof *c->hst);
    c->hcp = ndx_calloc(nb, sizeof *c->hcp);
    if (!c->hst || !c->hcp)
        return NDX_ENOMEM;
    FOR_DIRECT_DAYS(c, day, st, cp, {
        size_t b = (size_t)(ndx__bucket_of(c->interval, day) - c->hlo);
        c->hcp[b] += cp;
        c->hst[b] += st;
    })
    if (c->groups == c->n) { /* every record its own story */
        for (size_t j = 0; j < c->n; j++) {
            const struct crec *x = &c->r[j];
            if (x->day == UNDATED)
                continue;
            size_t b = (size_t)(ndx__bucket_of(c->interval, x->day) - c->hlo);
            c->hcp[b] += x->copies;
            c->hst[b]++;
        }
        return NDX_OK;
    }
    uint64_t *stamp = ndx_calloc(nb, sizeof *stamp);
    int rc = stamp ? NDX_OK : NDX_ENOMEM;
    uint64_t group = 0;
    for (size_t j = 0; j < c->n && !rc; j++) {
        const struct crec *x = &c->r[j];
        if (j == 0 || x->story != c->r[j - 1].story)
            group++;
        if (x->day == UNDATED)
            continue;
        size_t b = (size_t)(ndx__bucket_of(c->interval, x->day) - c->hlo);
        c->hcp[b] += x->copies;
        if (stamp[b] != group) {
            stamp[b] = group;
            c->hst[b]++;
        }
    }
    ndx_free(stamp);
    return rc;
}

int ndx__coll_sort(struct ndx_coll *c)
{
    if (c->sorted)
        return NDX_OK;
    int rc = c->unordered ? ndx__coll_sort_records(&c->r, c->n) : c->nruns ? merge_runs(c) : NDX_OK;
    c->sorted = !rc;
    c->groups = 0;
    for (size_t j = 0; j < c->n && !rc; j++)
        c->groups += j == 0 || c->r[j].story != c->r[j - 1].story;
    return rc;
}

int ndx__coll_finish(struct ndx_coll *c, ndx_results *res)
{
    int rc = ndx__coll_sort(c);
    if (!rc && c->dseg)
        rc = fold_sources(c);
    date_span(c);
    if (!rc && c->nf) {
        res->facets = ndx_calloc(c->nf, sizeof *res->facets);
        if (!res->facets)
            rc = NDX_ENOMEM;
        for (size_t i = 0; i < c->nf && !rc; i++) {
            rc = facet_result(c, i, &res->facets[i]);
            res->nfacets++;
        }
    }
    if (!rc && c->interval)
        rc = histogram_counts(c);
    return rc;
}

uint64_t ndx__coll_stories(const struct ndx_coll *c)
{
    return c->groups + c->ndirect;
}

void ndx__coll_span(const struct ndx_coll *c, int64_t *lo, int64_t *hi)
{
    *lo = c->hlo, *hi = c->hhi;
}
