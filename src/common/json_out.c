/*
 * json_out.c - JSON shapes shared by the CLI and the server (json_out.h).
 */
#include "common/json_out.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at p (1..4), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (!len || len > n || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return len;
}

json_t *ndxx_jstr(const char *s, size_t n)
{
    if (!s)
        return json_string("");
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = p[i] ? utf8_seq(p + i, n - i) : 0;
        if (!l)
            break;
        i += l;
    }
    if (i == n)
        return json_stringn_nocheck(s, n);
    char *fixed = malloc(n * 3 + 1);
    if (!fixed)
        return json_string("");
    size_t o = 0;
    for (i = 0; i < n;) {
        size_t l = p[i] ? utf8_seq(p + i, n - i) : 0;
        if (l) {
            memcpy(fixed + o, p + i, l);
            o += l;
            i += l;
        } else {
            memcpy(fixed + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    json_t *j = json_stringn_nocheck(fixed, o);
    free(fixed);
    return j;
}

json_t *ndxx_json_date(int64_t t)
{
    if (t == NDX_DATE_UNKNOWN)
        return json_null();
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[48];
    if (!gmtime_r(&tt, &tm))
        return json_null();
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

/* Array of the '\n'-separated items of (s, n). */
static json_t *lines_json(const char *s, size_t n)
{
    json_t *a = json_array();
    const char *p = s, *end = s ? s + n : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        json_array_append_new(a, ndxx_jstr(p, (size_t)(nl - p)));
        p = nl + 1;
    }
    return a;
}

json_t *ndxx_hit_json(const ndx_hit *h, int snippets)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)h->id));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "title", ndxx_jstr(h->title, h->ntitle));
    json_object_set_new(o, "url", ndxx_jstr(h->url, h->nurl));
    json_object_set_new(o, "source", ndxx_jstr(h->source, h->nsource));
    json_object_set_new(o, "date", ndxx_json_date(h->published));
    json_object_set_new(o, "lang", ndxx_jstr(h->lang, h->nlang));
    if (h->flags & NDX_ART_TEASER)
        json_object_set_new(o, "truncated", json_true());
    json_object_set_new(o, "story", json_integer((json_int_t)h->story));
    json_object_set_new(o, "copies", json_integer((json_int_t)h->copies));
    json_object_set_new(o, "sources", lines_json(h->sources, h->nsources));
    json_object_set_new(o, "wire", json_boolean(h->wire));
    if (snippets) {
        json_object_set_new(o, "snippet", ndxx_jstr(h->snippet, h->nsnippet));
        json_object_set_new(o, "teaser", ndxx_jstr(h->teaser, h->nteaser));
    }
    return o;
}

json_t *ndxx_member_json(const ndx_article *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "url", ndxx_jstr(a->url, a->nurl));
    json_object_set_new(o, "source", ndxx_jstr(a->source, a->nsource));
    json_object_set_new(o, "date", ndxx_json_date(a->published));
    json_object_set_new(o, "title", ndxx_jstr(a->title, a->ntitle));
    return o;
}

static int collect_member(void *ctx, const ndx_article *a)
{
    json_array_append_new((json_t *)ctx, ndxx_member_json(a));
    return 0;
}

/* The exact copies recorded on an article: [{"url", "source"}]. */
static json_t *copies_json(const ndx_article *a)
{
    json_t *copies = json_array();
    const char *p = a->copies, *url, *src;
    size_t nurl, nsrc;
    while (ndx_copies_next(&p, a->copies + a->ncopies, &url, &nurl, &src, &nsrc)) {
        json_t *cp = json_object();
        json_object_set_new(cp, "url", ndxx_jstr(url, nurl));
        json_object_set_new(cp, "source", ndxx_jstr(src ? src : "", nsrc));
        json_array_append_new(copies, cp);
    }
    return copies;
}

const char *ndxx_page_type(unsigned flags)
{
    return (flags & NDX_ART_LISTING)      ? "listing"
           : (flags & NDX_ART_OTHER_PAGE) ? "other"
                                          : "article";
}

json_t *ndxx_fields_json(const char *p, size_t n)
{
    json_t *o = json_object();
    const char *end = p + n, *f, *v;
    size_t nf, nv;
    /* "name\tvalue" lines, read as the copies' "url\tsource" lines are */
    while (ndx_copies_next(&p, end, &f, &nf, &v, &nv)) {
        if (!v || !nf || !nv)
            continue;
        char name[128];
        size_t nn = nf < sizeof name ? nf : sizeof name - 1;
        memcpy(name, f, nn);
        name[nn] = 0;
        json_t *vals = json_object_get(o, name);
        if (!vals)
            json_object_set_new(o, name, vals = json_array());
        json_array_append_new(vals, ndxx_jstr(v, nv));
    }
    return o;
}

json_t *ndxx_article_json(ndx_index *ix, const ndx_article *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "story", json_integer((json_int_t)a->story));
    json_object_set_new(o, "wire", json_boolean(a->flags & NDX_ART_WIRE));
    json_t *story = json_array();
    ndx_story_members(ix, a->story, collect_member, story);
    json_object_set_new(o, "story_articles", story);
    json_object_set_new(o, "url", ndxx_jstr(a->url, a->nurl));
    json_object_set_new(o, "source", ndxx_jstr(a->source, a->nsource));
    json_object_set_new(o, "title", ndxx_jstr(a->title, a->ntitle));
    json_object_set_new(o, "authors", ndxx_jstr(a->authors, a->nauthors));
    json_object_set_new(o, "date", ndxx_json_date(a->published));
    json_object_set_new(o, "ingested", ndxx_json_date(a->ingested));
    json_object_set_new(o, "lang", ndxx_jstr(a->lang, a->nlang));
    json_object_set_new(o, "text", ndxx_jstr(a->body, a->nbody));
    if (a->flags & NDX_ART_TEASER) {
        json_object_set_new(o, "truncated", json_true());
        json_object_set_new(o, "found_on", ndxx_jstr(a->parent, a->nparent));
    }
    if (a->flags & NDX_ART_SUMMARY)
        json_object_set_new(o, "summary_only", json_true());
    if (a->flags & (NDX_ART_LISTING | NDX_ART_OTHER_PAGE))
        json_object_set_new(o, "page_type", json_string(ndxx_page_type(a->flags)));
    json_object_set_new(o, "copies", copies_json(a));
    if (a->nfields)
        json_object_set_new(o, "fields", ndxx_fields_json(a->fields, a->nfields));
    json_object_set_new(o, "entities", ndxx_entities_json(a->body, a->nbody));
    json_object_set_new(o, "quotes", ndxx_quotes_json(a->body, a->nbody));
    return o;
}

/* "text", "start" and "end" of a span of text. */
static void set_span(json_t *x, const char *text, size_t s, size_t e)
{
    json_object_set_new(x, "text", ndxx_jstr(text + s, e - s));
    json_object_set_new(x, "start", json_integer((json_int_t)s));
    json_object_set_new(x, "end", json_integer((json_int_t)e));
}

json_t *ndxx_entities_json(const char *text, size_t n)
{
    json_t *arr = json_array();
    ndx_entity *ents = NULL;
    size_t k = 0;
    if (ndx_entities(text, n, &ents, &k) != NDX_OK)
        return arr;
    for (size_t i = 0; i < k; i++) {
        const ndx_entity *e = &ents[i];
        json_t *x = json_object();
        json_object_set_new(x, "type", json_string(ndx_entity_type_name(e->type)));
        set_span(x, text, e->start, e->end);
        if (e->name_start != e->start || e->name_end != e->end)
            json_object_set_new(x, "name",
                                ndxx_jstr(text + e->name_start, e->name_end - e->name_start));
        json_array_append_new(arr, x);
    }
    ndx_free(ents);
    return arr;
}

static json_t *span_or_null(const char *text, size_t s, size_t e)
{
    return e > s ? ndxx_jstr(text + s, e - s) : json_null();
}

json_t *ndxx_quotes_json(const char *text, size_t n)
{
    json_t *arr = json_array();
    ndx_quote *q = NULL;
    size_t k = 0;
    if (ndx_quotes(text, n, &q, &k) != NDX_OK)
        return arr;
    for (size_t i = 0; i < k; i++) {
        json_t *x = json_object();
        set_span(x, text, q[i].start, q[i].end);
        json_object_set_new(x, "speaker", span_or_null(text, q[i].speaker_start, q[i].speaker_end));
        json_object_set_new(x, "speaker_start", json_integer((json_int_t)q[i].speaker_start));
        json_object_set_new(x, "speaker_end", json_integer((json_int_t)q[i].speaker_end));
        json_object_set_new(x, "name", span_or_null(text, q[i].name_start, q[i].name_end));
        json_object_set_new(x, "type",
                            q[i].speaker_type ? json_string(ndx_entity_type_name(q[i].speaker_type))
                                              : json_null());
        json_object_set_new(x, "cue", span_or_null(text, q[i].cue_start, q[i].cue_end));
        json_object_set_new(x, "quoted_by", span_or_null(text, q[i].via_start, q[i].via_end));
        json_array_append_new(arr, x);
    }
    ndx_free(q);
    return arr;
}

json_t *ndxx_export_json(const ndx_article *a)
{
    json_t *o = ndxx_member_json(a); /* id, url, source, date, title, then the export's own */
    json_object_set_new(o, "story", json_integer((json_int_t)a->story));
    json_object_set_new(o, "wire", json_boolean(a->flags & NDX_ART_WIRE));
    json_object_set_new(o, "lang", ndxx_jstr(a->lang, a->nlang));
    json_object_set_new(o, "copies", copies_json(a));
    return o;
}

json_t *ndxx_stats_json(const ndx_stats *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "documents", json_integer((json_int_t)st->documents));
    json_object_set_new(o, "deleted", json_integer((json_int_t)st->deleted));
    json_object_set_new(o, "segments", json_integer((json_int_t)st->segments));
    json_object_set_new(o, "terms", json_integer((json_int_t)st->terms));
    json_object_set_new(o, "postings", json_integer((json_int_t)st->postings));
    json_object_set_new(o, "tokens", json_integer((json_int_t)st->tokens));
    json_object_set_new(o, "index_bytes", json_integer((json_int_t)st->index_bytes));
    json_object_set_new(o, "text_bytes", json_integer((json_int_t)st->text_bytes));
    json_object_set_new(o, "generation", json_integer((json_int_t)st->generation));
    json_object_set_new(o, "date_min", ndxx_json_date(st->date_min));
    json_object_set_new(o, "date_max", ndxx_json_date(st->date_max));
    json_object_set_new(o, "stemming", json_boolean(st->stemming));
    json_object_set_new(o, "analysis", json_integer(st->analysis));
    json_object_set_new(o, "simple", json_boolean(st->simple));
    json_object_set_new(o, "duplicates", json_integer((json_int_t)st->duplicates));
    return o;
}

/* ---- search results as text, without building a jansson tree ------------------------------ */

static void tx_grow(struct ndxx_text *t, size_t more)
{
    if (t->err || t->n + more + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->n + more + 1)
        cap *= 2;
    char *p = realloc(t->p, cap);
    if (!p) {
        t->err = 1;
        return;
    }
    t->p = p;
    t->cap = cap;
}

static void tx_put(struct ndxx_text *t, const char *s, size_t n)
{
    tx_grow(t, n);
    if (t->err)
        return;
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = 0;
}

static void tx_puts(struct ndxx_text *t, const char *s)
{
    tx_put(t, s, strlen(s));
}

/* A JSON string: escapes as jansson does, invalid UTF-8 and NUL replaced by U+FFFD. */
static void tx_str(struct ndxx_text *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (!s)
        n = 0;
    tx_grow(t, n + 2);
    tx_put(t, "\"", 1);
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        size_t l = c >= 0x80 ? utf8_seq(p + i, n - i) : 0;
        if (l) {
            i += l;
            continue;
        }
        tx_put(t, (const char *)p + run, i - run);
        /* the two-character escapes, then U+FFFD for NUL and bytes that do not decode */
        static const char from[] = "\"\\\n\r\t\b\f", to[] = "\"\\nrtbf";
        const char *e = c ? memchr(from, c, sizeof from - 1) : NULL;
        if (e) {
            char two[2] = {'\\', to[e - from]};
            tx_put(t, two, 2);
        } else if (c == 0 || c >= 0x80) {
            tx_put(t, "\xEF\xBF\xBD", 3);
        } else {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04X", c);
            tx_put(t, esc, 6);
        }
        i++;
        run = i;
    }
    tx_put(t, (const char *)p + run, n - run);
    tx_put(t, "\"", 1);
}

static void tx_u64(struct ndxx_text *t, uint64_t v)
{
    char b[24];
    int k = snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    tx_put(t, b, (size_t)k);
}

static void tx_real(struct ndxx_text *t, double v)
{
    if (v != v || v - v != 0) {
        tx_puts(t, "null");
        return;
    }
    char b[40];
    int k = snprintf(b, sizeof b, "%.17g", v);
    tx_put(t, b, (size_t)k);
    if (!strpbrk(b, ".eE"))
        tx_put(t, ".0", 2);
}

static void tx_date(struct ndxx_text *t, int64_t v)
{
    time_t tt = (time_t)v;
    struct tm tm;
    char buf[48];
    if (v == NDX_DATE_UNKNOWN || !gmtime_r(&tt, &tm)) {
        tx_puts(t, "null");
        return;
    }
    size_t k = strftime(buf, sizeof buf, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
    tx_put(t, buf, k);
}

void ndxx_hit_text(struct ndxx_text *t, const ndx_hit *h, int snippets)
{
    tx_puts(t, "{\"id\":");
    tx_u64(t, h->id);
    tx_puts(t, ",\"score\":");
    tx_real(t, h->score);
    tx_puts(t, ",\"title\":");
    tx_str(t, h->title, h->ntitle);
    tx_puts(t, ",\"url\":");
    tx_str(t, h->url, h->nurl);
    tx_puts(t, ",\"source\":");
    tx_str(t, h->source, h->nsource);
    tx_puts(t, ",\"date\":");
    tx_date(t, h->published);
    tx_puts(t, ",\"lang\":");
    tx_str(t, h->lang, h->nlang);
    if (h->flags & NDX_ART_TEASER)
        tx_puts(t, ",\"truncated\":true");
    tx_puts(t, ",\"story\":");
    tx_u64(t, h->story);
    tx_puts(t, ",\"copies\":");
    tx_u64(t, h->copies);
    tx_puts(t, ",\"sources\":[");
    const char *p = h->sources, *end = h->sources ? h->sources + h->nsources : NULL;
    int first = 1;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        if (!first)
            tx_put(t, ",", 1);
        first = 0;
        tx_str(t, p, (size_t)(nl - p));
        p = nl + 1;
    }
    tx_puts(t, h->wire ? "],\"wire\":true" : "],\"wire\":false");
    if (snippets) {
        tx_puts(t, ",\"snippet\":");
        tx_str(t, h->snippet, h->nsnippet);
        tx_puts(t, ",\"teaser\":");
        tx_str(t, h->teaser, h->nteaser);
    }
    tx_put(t, "}", 1);
}

int ndxx_search_text(struct ndxx_text *t, const char *q, size_t nq, const ndx_results *res,
                     int collapse, size_t offset, int snippets)
{
    tx_puts(t, "{\"query\":");
    tx_str(t, q, nq);
    tx_puts(t, ",\"total\":");
    tx_u64(t, ndx_results_total(res));
    tx_puts(t, ",\"total_stories\":");
    tx_u64(t, ndx_results_total_stories(res));
    tx_puts(t, ",\"total_copies\":");
    tx_u64(t, ndx_results_total_copies(res));
    tx_puts(t, collapse ? ",\"collapsed\":true" : ",\"collapsed\":false");
    tx_puts(t, ",\"took_ms\":");
    tx_real(t, ndx_results_took_ms(res));
    tx_puts(t, ",\"offset\":");
    tx_u64(t, offset);
    if (ndx_results_partial(res))
        tx_puts(t, ",\"partial\":true");
    tx_puts(t, ",\"hits\":[");
    size_t cnt = ndx_results_count(res);
    for (size_t i = 0; i < cnt; i++) {
        if (i)
            tx_put(t, ",", 1);
        ndxx_hit_text(t, ndx_results_hit(res, i), snippets);
    }
    tx_puts(t, "]");
    if (ndx_results_facet_count(res) || ndx_results_interval(res)) {
        json_t *o = json_object();
        ndxx_analytics_json(o, res);
        char *a = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (a && strlen(a) > 2) {
            tx_put(t, ",", 1);
            tx_put(t, a + 1, strlen(a) - 2);
        } else if (!a) {
            t->err = 1;
        }
        free(a);
    }
    tx_puts(t, "}\n");
    return t->err ? -1 : 0;
}

json_t *ndxx_buckets_json(const ndx_results *res)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ndx_results_bucket_count(res); i++) {
        const ndx_bucket *b = ndx_results_bucket(res, i);
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(b->key));
        json_object_set_new(o, "stories", json_integer((json_int_t)b->stories));
        json_object_set_new(o, "copies", json_integer((json_int_t)b->copies));
        json_object_set_new(o, "all_stories", json_integer((json_int_t)b->all_stories));
        json_array_append_new(a, o);
    }
    return a;
}

void ndxx_analytics_json(json_t *o, const ndx_results *res)
{
    size_t nf = ndx_results_facet_count(res);
    if (nf) {
        json_t *facets = json_object(), *other = json_object();
        for (size_t i = 0; i < nf; i++) {
            const ndx_facet *f = ndx_results_facet(res, i);
            json_t *vals = json_array();
            for (size_t k = 0; k < f->nvalues; k++) {
                json_t *v = json_object();
                json_object_set_new(v, "value", ndxx_jstr(f->values[k].value, f->values[k].nvalue));
                json_object_set_new(v, "stories", json_integer((json_int_t)f->values[k].stories));
                json_object_set_new(v, "copies", json_integer((json_int_t)f->values[k].copies));
                json_array_append_new(vals, v);
            }
            json_object_set_new(facets, f->field, vals);
            json_t *ot = json_object();
            json_object_set_new(ot, "values", json_integer((json_int_t)f->other_values));
            json_object_set_new(ot, "stories", json_integer((json_int_t)f->other_stories));
            json_object_set_new(ot, "copies", json_integer((json_int_t)f->other_copies));
            json_object_set_new(other, f->field, ot);
        }
        json_object_set_new(o, "facets", facets);
        json_object_set_new(o, "facets_other", other);
    }
    if (ndx_results_interval(res)) {
        json_t *h = json_object();
        json_object_set_new(h, "interval",
                            json_string(ndx_interval_name(ndx_results_interval(res))));
        json_object_set_new(h, "buckets", ndxx_buckets_json(res));
        json_object_set_new(o, "histogram", h);
    }
}

json_t *ndxx_timeline_json(ndx_results *const *res, const char *const *queries,
                           const size_t *nqueries, size_t n, int interval)
{
    json_t *o = json_object();
    json_object_set_new(o, "interval", json_string(ndx_interval_name(interval)));
    json_t *series = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *sr = json_object();
        json_object_set_new(sr, "query", ndxx_jstr(queries[i], nqueries[i]));
        json_object_set_new(sr, "total_stories",
                            json_integer((json_int_t)ndx_results_total_stories(res[i])));
        json_object_set_new(sr, "total_copies",
                            json_integer((json_int_t)ndx_results_total_copies(res[i])));
        json_object_set_new(sr, "buckets", ndxx_buckets_json(res[i]));
        json_array_append_new(series, sr);
    }
    json_object_set_new(o, "series", series);
    return o;
}

json_t *ndxx_terms_json(const ndx_terms *t, const char *q, size_t nq, int method, size_t sample)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", ndxx_jstr(q, nq));
    json_object_set_new(o, "method", json_string(ndx_terms_method_name(method)));
    json_object_set_new(o, "sampled", json_boolean(ndx_terms_sampled(t)));
    json_object_set_new(o, "sample", sample ? json_integer((json_int_t)sample) : json_null());
    json_object_set_new(o, "stories", json_integer((json_int_t)ndx_terms_foreground(t)));
    json_object_set_new(o, "background", json_integer((json_int_t)ndx_terms_background(t)));
    json_t *a = json_array();
    for (size_t i = 0; i < ndx_terms_count(t); i++) {
        const ndx_term_score *s = ndx_terms_get(t, i);
        json_t *e = json_object();
        json_object_set_new(e, "term", ndxx_jstr(s->term, s->nterm));
        json_object_set_new(e, "score", json_real(s->score));
        json_object_set_new(e, "fg", json_integer((json_int_t)s->fg));
        json_object_set_new(e, "bg", json_integer((json_int_t)s->bg));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "terms", a);
    return o;
}

json_t *ndxx_explain_json(const ndx_explanation *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "matches", json_boolean(x->matches));
    json_object_set_new(o, "score", json_real(x->score));
    json_object_set_new(o, "avgdl", json_real(x->avgdl));
    json_t *parts = json_array();
    for (size_t i = 0; i < x->nparts; i++) {
        const ndx_explain_part *p = &x->parts[i];
        json_t *e = json_object();
        json_object_set_new(e, "term", ndxx_jstr(p->term, p->nterm));
        json_object_set_new(e, "kind", json_string(p->kind));
        json_object_set_new(e, "field", json_string(p->field));
        json_object_set_new(e, "idf", json_real(p->idf));
        json_object_set_new(e, "title_tf", json_integer(p->title_tf));
        json_object_set_new(e, "body_tf", json_integer(p->body_tf));
        json_object_set_new(e, "wf", json_real(p->wf));
        json_object_set_new(e, "dl", json_integer(p->dl));
        json_object_set_new(e, "score", json_real(p->score));
        json_array_append_new(parts, e);
    }
    json_object_set_new(o, "parts", parts);
    return o;
}
