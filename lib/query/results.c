/*
 * results.c - hits from the best candidates of a search: the stored article, its snippet (the
 * passages with the most highlighted words) and teaser, and its story (copies, distinct sources,
 * wire); plus the ndx_results accessors and the search defaults.
 */
#include "query/eval.h"

#include <inttypes.h>
#include <stdlib.h>

uint64_t ndx_results_total_stories(const ndx_results *r)
{
    return r->total_stories;
}
uint64_t ndx_results_total_copies(const ndx_results *r)
{
    return r->total_copies;
}

uint64_t ndx_results_total(const ndx_results *r)
{
    return r->total;
}
int ndx_results_total_exact(const ndx_results *r)
{
    return r->exact;
}
size_t ndx_results_count(const ndx_results *r)
{
    return r->nhits;
}
const ndx_hit *ndx_results_hit(const ndx_results *r, size_t i)
{
    return i < r->nhits ? &r->hits[i] : NULL;
}
double ndx_results_took_ms(const ndx_results *r)
{
    return r->took_ms;
}

size_t ndx_results_facet_count(const ndx_results *r)
{
    return r->nfacets;
}
const ndx_facet *ndx_results_facet(const ndx_results *r, size_t i)
{
    return i < r->nfacets ? &r->facets[i] : NULL;
}
int ndx_results_interval(const ndx_results *r)
{
    return r->interval;
}

void ndx_results_free(ndx_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        ndx_free((void *)r->hits[i].title);
        ndx_free((void *)r->hits[i].url);
        ndx_free((void *)r->hits[i].source);
        ndx_free((void *)r->hits[i].lang);
        ndx_free((void *)r->hits[i].snippet);
        ndx_free((void *)r->hits[i].teaser);
        ndx_free((void *)r->hits[i].sources);
    }
    ndx_free(r->hits);
    for (size_t i = 0; i < r->nfacets; i++) {
        for (size_t k = 0; k < r->facets[i].nvalues; k++)
            ndx_free((void *)r->facets[i].values[k].value);
        ndx_free((void *)r->facets[i].values);
        ndx_free((void *)r->facets[i].field);
    }
    ndx_free(r->facets);
    ndx_free(r->buckets);
    ndx__hist_free(r->hist);
    ndx_free(r);
}

void ndx_search_opts_init(ndx_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->want_count = 1;
    o->want_snippets = 1;
    o->teaser_words = 100;
    o->snippet_words = 30;
    o->hl_open = "<mark>";
    o->hl_close = "</mark>";
    o->date_from = NDX_DATE_UNKNOWN;
    o->date_to = NDX_DATE_UNKNOWN;
    o->collapse = 1;
    o->ids_only = 0;
    o->count_stories = 1;
    o->aliases = 1;
}

static char *dup_field(const char *s, size_t n)
{
    return ndx_strndup(s ? s : "", s ? n : 0);
}

static int make_hit(struct search *S, const struct hlset *hl, const struct cand *c, ndx_hit *h,
                    struct ndx_buf *scratch)
{
    const struct ndx_seg *seg = S->v.segs[c->seg].seg;
    ndx_article a;
    int rc = ndx__seg_doc(seg, c->doc, scratch, &a);
    if (rc)
        return rc;
    memset(h, 0, sizeof *h);
    h->id = c->gid;
    h->score = c->score;
    h->published = a.published;
    h->flags = a.flags;
    h->title = dup_field(a.title, a.ntitle);
    h->ntitle = a.ntitle;
    h->url = dup_field(a.url, a.nurl);
    h->nurl = a.nurl;
    h->source = dup_field(a.source, a.nsource);
    h->nsource = a.nsource;
    h->lang = dup_field(a.lang, a.nlang);
    h->nlang = a.nlang;
    if (!h->title || !h->url || !h->source || !h->lang)
        return NDX_ENOMEM;
    if (!S->o->want_snippets)
        return NDX_OK;
    char lang[3] = {a.lang[0], a.lang[1], 0};
    struct ndx_span *spans;
    size_t nspans;
    if ((rc = ndx__hl_spans(S, hl, seg, c->doc, a.body ? a.body : "", a.nbody, lang, &spans,
                            &nspans)))
        return rc;
    struct ndx_buf out;
    ndx__buf_init(&out, 0);
    rc = ndx__snippet(a.body ? a.body : "", a.nbody, spans, nspans, S->o->snippet_words, 2,
                      S->o->hl_open ? S->o->hl_open : "", S->o->hl_close ? S->o->hl_close : "",
                      S->o->escape_html, &out);
    ndx_free(spans);
    if (!rc)
        h->snippet = ndx__buf_detach(&out, &h->nsnippet);
    ndx__buf_free(&out);
    if (rc || !h->snippet)
        return rc ? rc : NDX_ENOMEM;
    ndx__buf_init(&out, 0);
    rc = ndx__teaser(a.body ? a.body : "", a.nbody, S->o->teaser_words, &out);
    if (!rc && S->o->escape_html) {
        /* escape after the fact: the teaser holds no markers */
        struct ndx_buf esc;
        ndx__buf_init(&esc, 0);
        rc = ndx__buf_reserve(&esc, out.n + out.n / 8 + 16);
        if (!rc)
            ndx__html_escape((const char *)out.p, out.n, &esc, &rc);
        if (!rc && !esc.p)
            ndx__buf_append(&esc, "", 0, &rc);
        ndx__buf_free(&out);
        out = esc;
    }
    if (!rc)
        h->teaser = ndx__buf_detach(&out, &h->nteaser);
    ndx__buf_free(&out);
    if (rc || !h->teaser)
        return rc ? rc : NDX_ENOMEM;
    return NDX_OK;
}

/* ---- stories of the hits: copies, sources, wire ------------------------------------------- */

struct story_info {
    uint64_t story;
    uint32_t copies;
    int wire;
    struct ndx_buf sources; /* '\n'-separated distinct sources */
    uint32_t nsources;
};

static void add_source(struct story_info *si, const char *s, size_t n, int *rc)
{
    if (!n)
        return;
    /* distinct: look for the line already present */
    const char *p = (const char *)si->sources.p, *end = p ? p + si->sources.n : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == n && memcmp(p, s, n) == 0)
            return;
        p += len + 1;
    }
    if (si->sources.n)
        ndx__buf_putc(&si->sources, '\n', rc);
    ndx__buf_append(&si->sources, s, n, rc);
    si->nsources++;
}

/* Fill the info of the given stories from each segment's story index. */
static int fill_story_info(struct search *S, struct story_info *si, size_t n)
{
    int rc = NDX_OK;
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        struct story_info *x = &si[i];
        for (size_t g = 0; g < S->v.nsegs && !rc; g++) {
            const struct ndx_segref *r = &S->v.segs[g];
            const struct ndx_columns *c = &r->seg->col;
            const uint32_t *docs;
            size_t nd;
            if ((rc = ndx__seg_story_docs(r->seg, x->story, &docs, &nd)))
                break;
            for (size_t k = 0; k < nd && !rc; k++) {
                uint32_t d = docs[k];
                if (ndx__seg_deleted(r, d))
                    continue;
                uint32_t fl = c->flags[d];
                x->copies += 1 + NDX_NCOPIES(fl);
                x->wire |= (fl & NDX_ART_WIRE) != 0;
                const char *src;
                size_t ns;
                if (ndx__seg_source(r->seg, c->source[d], &src, &ns) == NDX_OK)
                    add_source(x, src, ns, &rc);
                if (!NDX_NCOPIES(fl))
                    continue;
                ndx_article a;
                if (ndx__seg_doc(r->seg, d, &scratch, &a) != NDX_OK)
                    continue;
                const char *p = a.copies, *u, *cs;
                size_t nu, ncs;
                while (!rc && ndx_copies_next(&p, a.copies + a.ncopies, &u, &nu, &cs, &ncs))
                    if (cs)
                        add_source(x, cs, ncs, &rc);
            }
        }
        if (x->nsources > 1)
            x->wire = 1;
    }
    ndx__buf_free(&scratch);
    return rc;
}

/* ---- the hits -------------------------------------------------------------------------------- */

int ndx__results_fill(struct search *S, const struct cnode *root, const struct cand *cands,
                      size_t n, ndx_results *res)
{
    const ndx_search_opts *opts = S->o;
    struct hlset hl;
    memset(&hl, 0, sizeof hl);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    struct story_info *info = NULL;
    int rc = NDX_OK;
    res->hits = ndx_calloc(n ? n : 1, sizeof *res->hits);
    info = ndx_calloc(n ? n : 1, sizeof *info);
    if (!res->hits || !info) {
        rc = NDX_ENOMEM;
        goto out;
    }
    hl.root = root;
    if (n && !opts->ids_only && opts->want_snippets) /* the words to highlight, when any is */
        ndx__hl_collect(&hl, root, 0);
    if ((rc = hl.rc))
        goto out;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct cand *c = &cands[i];
        const struct ndx_seg *seg = S->v.segs[c->seg].seg;
        info[i].story = seg->col.story[c->doc];
        ndx__buf_init(&info[i].sources, 0);
        if (opts->ids_only) {
            ndx_hit *h = &res->hits[i];
            h->id = c->gid;
            h->score = c->score;
            h->published = seg->col.published[c->doc];
            h->story = info[i].story;
            h->flags = seg->col.flags[c->doc] & NDX_FLAGS_MASK;
            res->nhits++;
            continue;
        }
        rc = make_hit(S, &hl, c, &res->hits[i], &scratch);
        res->nhits++;
        if (rc && rc != NDX_ENOMEM)
            ndx__index_fail(S->ix, rc, "stored article %" PRIu64 " cannot be read", c->gid);
    }
    if (!rc && !opts->ids_only)
        rc = fill_story_info(S, info, n);
    for (size_t i = 0; i < n && !rc && !opts->ids_only; i++) {
        ndx_hit *h = &res->hits[i];
        h->story = info[i].story;
        h->copies = info[i].copies;
        h->wire = info[i].wire;
        h->sources = ndx__buf_detach(&info[i].sources, &h->nsources);
        if (!h->sources)
            rc = NDX_ENOMEM;
    }
out:
    if (info)
        for (size_t i = 0; i < res->nhits; i++)
            ndx__buf_free(&info[i].sources);
    ndx_free(info);
    ndx__hl_free(&hl);
    ndx__buf_free(&scratch);
    return rc;
}
