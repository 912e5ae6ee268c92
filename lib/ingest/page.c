/*
 * page.c - one HTML page to an article through the extractor (lib/extract/): used for HTML files
 * and for the HTML responses of web archives.  The extractor's canonical URL is used unless the
 * caller knows the address (an archive's target URI); the caller's date is a fallback for pages
 * that state none.  Teaser stubs left at the end of the extracted body are split off.  The page
 * type found by the extractor is passed on in the article's flags (NDX_ART_LISTING,
 * NDX_ART_OTHER_PAGE).
 */
#include "ingest.h"

#include "extract/extract.h"

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
