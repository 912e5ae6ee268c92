/*
 * page.c - one HTML page to an article through the extractor (lib/extract/): used for HTML files
 * and for the HTML responses of web archives.  The extractor's canonical URL is used unless the
 * caller knows the address (an archive's target URI); the caller's date is a fallback for pages
 * that state none.  Teaser stubs left at the end of the extracted body are split off.  The page
 * type found by the extractor is passed on in the article's flags (NDX_ART_LISTING,
 * NDX_ART_OTHER_PAGE).  Keyword fields mapped to "meta.NAME" (`--field section=meta.section`)
 * take the contents of the page's <meta name=NAME> or <meta property=NAME> tags.
 */
#include "ingest.h"

#include "extract/extract.h"

/* Is a <meta> of this name a comma-separated list of values? */
static int meta_list(const char *name, size_t n)
{
    return (n == 8 && ndx__ascii_ieq(name, "keywords", 8)) ||
           (n == 13 && ndx__ascii_ieq(name, "news_keywords", 13));
}

/* The keyword fields of the field map read from the page's <meta> tags (metas: "name\tcontent"
 * lines, names lower-cased) into out (reset first).  A member "meta.NAME" takes every <meta>
 * named NAME, whatever its case, each content one value ("keywords" and "news_keywords" split at
 * commas); the first of a field's alternatives ("meta.section|meta.article:section") that the
 * page holds is taken, as for JSON members. */
static int meta_fields(struct ndx__ingest_ctx *c, const struct ndx_buf *metas, struct ndx_buf *out)
{
    int rc = 0;
    ndx__buf_reset(out);
    const struct ndx__ingest_fmap *fm = &c->fmap;
    const char *end = (const char *)metas->p + metas->n;
    for (size_t j = 0; j < fm->nkw && !rc; j++) {
        for (int k = 0; fm->kw_keys[j][k]; k++) {
            const char *want = fm->kw_keys[j][k];
            if (strncmp(want, "meta.", 5) != 0 || !want[5])
                continue;
            want += 5;
            size_t nw = strlen(want), before = out->n, nname, nval;
            const char *p = (const char *)metas->p, *name, *val;
            while (!rc && ndx_copies_next(&p, end, &name, &nname, &val, &nval)) {
                if (!val || nname != nw || !ndx__ascii_ieq(name, want, nw))
                    continue;
                const char *ve = val + nval, *comma;
                for (; !rc; val = comma + 1) { /* a list is split at commas */
                    comma = meta_list(want, nw) ? memchr(val, ',', (size_t)(ve - val)) : NULL;
                    comma = comma ? comma : ve;
                    ndx__ingest_keyword_line(c, fm->kw_name[j], val, (size_t)(comma - val), out,
                                             &rc);
                    if (comma == ve)
                        break;
                }
            }
            if (out->n > before)
                break;
        }
    }
    return rc;
}

int ndx__ingest_html_page(struct ndx__ingest_ctx *c, const char *p, size_t n, const char *charset,
                          const char *url, size_t nurl, int64_t fallback_date)
{
    struct ndx_extract e;
    ndx__extract_init(&e);
    int rc = ndx__extract_html(p, n, charset, url, nurl, &e);
    if (rc) {
        ndx__extract_free(&e);
        return rc;
    }
    ndx_article a;
    memset(&a, 0, sizeof a);
#define SET(f, b)                                                                                  \
    do {                                                                                           \
        if ((b).n) {                                                                               \
            a.f = (const char *)(b).p;                                                             \
            a.n##f = (b).n;                                                                        \
        }                                                                                          \
    } while (0)
    SET(title, e.title);
    SET(authors, e.byline);
    SET(body, e.body);
    SET(lang, e.lang);
    SET(source, e.source);
#undef SET
    if (url && nurl) {
        a.url = url;
        a.nurl = nurl;
    } else if (e.url.n) {
        a.url = (const char *)e.url.p;
        a.nurl = e.url.n;
    } else if (c->file_url) {
        a.url = c->file_url;
        a.nurl = strlen(c->file_url);
    }
    a.published = e.published != NDX_DATE_UNKNOWN ? e.published : fallback_date;
    if (c->fmap.nkw && e.metas.n) {
        if ((rc = meta_fields(c, &e.metas, &c->kw))) {
            ndx__extract_free(&e);
            return rc;
        }
        if (c->kw.n) {
            a.fields = (const char *)c->kw.p;
            a.nfields = c->kw.n;
        }
    }
    /* the page type goes with the article: the caller decides what to do with listings */
    a.flags = e.page_type == NDX_PAGE_LISTING ? NDX_ART_LISTING
              : e.page_type == NDX_PAGE_OTHER ? NDX_ART_OTHER_PAGE
                                              : 0;
    if (a.flags & NDX_ART_LISTING)
        ndx__ingest_emit(c, &a); /* its teasers are its text, not stubs after an article */
    else
        ndx__ingest_emit_split(c, &a);
    ndx__extract_free(&e);
    return NDX_OK;
}
