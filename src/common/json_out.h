/*
 * json_out.h - the JSON shapes newsdex prints, shared by the CLI (src/cli) and the server
 * (src/server) so `newsdex search --json` and GET /api/search (and show/doc, stats, export) stay
 * identical.  Built on jansson and the public API only.  Every function returns a new reference.
 */
#ifndef NDXX_JSON_OUT_H
#define NDXX_JSON_OUT_H

#include "newsdex.h"

#include <jansson.h>

/* A JSON string of (s, n); bytes that are not valid UTF-8 become U+FFFD (command-line input may
 * hold any bytes).  NULL s gives "". */
json_t *ndxx_jstr(const char *s, size_t n);
/* "2019-03-05T10:00:00Z", or null for NDX_DATE_UNKNOWN. */
json_t *ndxx_json_date(int64_t t);
/* One search hit: id, score, title, url, source, date, lang, [truncated], story, copies,
 * sources, wire, and snippet/teaser when `snippets`. */
json_t *ndxx_hit_json(const ndx_hit *h, int snippets);
/* A stored article as `show --json`: id, story, wire, story_articles (read through ix), url,
 * source, title, authors, date, ingested, lang, text, [truncated, found_on], [summary_only],
 * [page_type: listing or other, for an HTML page that is not an article], copies, entities, quotes
 * (of the text, as ndxx_entities_json and ndxx_quotes_json). */
json_t *ndxx_article_json(ndx_index *ix, const ndx_article *a);
/* {"name": ["value", ...]} of an article's keyword field lines ("name\tvalue\n"). */
json_t *ndxx_fields_json(const char *p, size_t n);
/* "listing", "other" or "article": the page type of an article's flags (NDX_ART_LISTING,
 * NDX_ART_OTHER_PAGE). */
const char *ndxx_page_type(unsigned flags);
/* A short article record (id, url, source, date, title): story members. */
json_t *ndxx_member_json(const ndx_article *a);
/* One line of `export`: id, url, source, date, title, story, wire, lang, copies (the exact
 * copies recorded on it: [{"url", "source"}]). */
json_t *ndxx_export_json(const ndx_article *a);
/* The people, organisations and places of a body text: [{"type","text","start","end"[,"name"]}]
 * (ndx_entities; an empty array if it fails). */
json_t *ndxx_entities_json(const char *text, size_t n);
/* The quotations of a body text: [{"text","start","end","speaker","speaker_start","speaker_end",
 * "name","type","cue","quoted_by"}] (ndx_quotes; null members when not found; empty array if it
 * fails). */
json_t *ndxx_quotes_json(const char *text, size_t n);
/* `stats --json`. */
json_t *ndxx_stats_json(const ndx_stats *st);
/* {"aliases": [...], "total"} of the index's aliases (every one, or those of name); *rc is
 * ndx_index_aliases' status (src/common/alias_json.c). */
json_t *ndxx_aliases_json(ndx_index *ix, const char *name, size_t nname, int *rc);

/* "facets", "facets_other" and "histogram" of an analytics search (ndx_search_analytics) set on
 * o; nothing when none was asked for.  Shapes in docs/ANALYTICS.md. */
void ndxx_analytics_json(json_t *o, const ndx_results *res);
/* The histogram buckets: [{"key", "stories", "copies", "all_stories"}]. */
json_t *ndxx_buckets_json(const ndx_results *res);

/* `timeline --json`: {"interval", "series": [{"query", "total_stories", "total_copies",
 * "buckets"}]} for the n results of ndx_timeline. */
json_t *ndxx_timeline_json(ndx_results *const *res, const char *const *queries,
                           const size_t *nqueries, size_t n, int interval);

/* `terms --json`: {"query", "method", "sampled", "sample", "stories", "background", "terms":
 * [{"term", "score", "fg", "bg"}]}. */
json_t *ndxx_terms_json(const ndx_terms *t, const char *q, size_t nq, int method, size_t sample);

/* `search --explain --json` of one hit: {"matches", "score", "avgdl", "parts": [{"term", "kind",
 * "field", "idf", "title_tf", "body_tf", "wf", "dl", "score"}]}. */
json_t *ndxx_explain_json(const ndx_explanation *x);

/* JSON text built directly (the hot path of the server): a growing NUL-terminated buffer. */
struct ndxx_text {
    char *p; /* malloc'd */
    size_t n, cap;
    int err; /* an allocation failed */
};
/** One hit, the same object as ndxx_hit_json. */
void ndxx_hit_text(struct ndxx_text *t, const ndx_hit *h, int snippets);
/** The `search --json` document plus a newline; 0, or -1 when out of memory. */
int ndxx_search_text(struct ndxx_text *t, const char *q, size_t nq, const ndx_results *res,
                     int collapse, size_t offset, int snippets);

#endif
