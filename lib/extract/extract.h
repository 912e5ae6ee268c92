/*
 * extract.h - article extraction from web pages (extract/html.c) and character-set conversion
 * (extract/charset.c).  Called by the ingest readers for HTML files, feed items with HTML content
 * and WARC/ARC response records, and by the public ndx_extract_html().
 */
#ifndef NDX_EXTRACT_H
#define NDX_EXTRACT_H

#include "ndx_int.h"

/* What was found in a page.  Every buffer holds valid UTF-8 (possibly empty); owned. */
struct ndx_extract {
    struct ndx_buf url;       /* canonical / og:url, else the url passed in */
    struct ndx_buf title;
    struct ndx_buf byline;    /* authors joined with "; " */
    struct ndx_buf body;      /* article paragraphs separated by '\n' */
    struct ndx_buf lang;      /* ISO 639-1 from <html lang>, meta, or empty */
    struct ndx_buf source;    /* site name (og:site_name) or host of the url */
    int64_t published;        /* NDX_DATE_UNKNOWN if none */
};

void ndx__extract_init(struct ndx_extract *e);
void ndx__extract_free(struct ndx_extract *e);   /* frees and re-inits; accepts an inited struct */

/*
 * Extract the article from an HTML page of n bytes.  `charset` (may be NULL) is a hint from HTTP
 * headers; the page's BOM and <meta charset> are honoured, else the bytes are sniffed.  `url` (may
 * be NULL) is the page address.  Returns NDX_OK, NDX_EFORMAT (no article text found: *e still holds
 * whatever metadata was found), NDX_ETOOBIG (past the size cap), NDX_ENOMEM.  Never crashes on
 * any input.
 */
int ndx__extract_html(const char *html, size_t n, const char *charset, const char *url, size_t nurl,
                      struct ndx_extract *e);

/* Convert n bytes in `charset` (any name iconv knows, e.g. "GBK", "Shift_JIS") to UTF-8,
 * appending to out; invalid sequences become U+FFFD.  NDX_EINVAL for an unknown charset. */
int ndx__charset_to_utf8(const char *in, size_t n, const char *charset, struct ndx_buf *out);

#endif
