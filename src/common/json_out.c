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
    json_t *copies = json_array();
    const char *p = a->copies, *end = a->copies + a->ncopies;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        const char *tab = memchr(p, '\t', (size_t)(nl - p));
        json_t *cp = json_object();
        json_object_set_new(cp, "url", ndxx_jstr(p, tab ? (size_t)(tab - p) : (size_t)(nl - p)));
        json_object_set_new(cp, "source",
                            tab ? ndxx_jstr(tab + 1, (size_t)(nl - tab - 1)) : ndxx_jstr("", 0));
        json_array_append_new(copies, cp);
        p = nl + 1;
    }
    json_object_set_new(o, "copies", copies);
    return o;
}

json_t *ndxx_export_json(const ndx_article *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "url", ndxx_jstr(a->url, a->nurl));
    json_object_set_new(o, "source", ndxx_jstr(a->source, a->nsource));
    json_object_set_new(o, "date", ndxx_json_date(a->published));
    json_object_set_new(o, "title", ndxx_jstr(a->title, a->ntitle));
    json_object_set_new(o, "story", json_integer((json_int_t)a->story));
    json_object_set_new(o, "wire", json_boolean(a->flags & NDX_ART_WIRE));
    json_object_set_new(o, "lang", ndxx_jstr(a->lang, a->nlang));
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
    json_object_set_new(o, "simple", json_boolean(st->simple));
    return o;
}
