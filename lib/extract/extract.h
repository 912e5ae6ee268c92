/*
 * extract.h - article extraction from web pages (extract/html*.c) and character-set conversion
 * (extract/charset.c).  Called by the ingest readers for HTML files, feed items with HTML content
 * and WARC/ARC response records, and by the public ndx_extract_html().  How it works:
 * docs/EXTRACTION.md.  The second half of this header is private to lib/extract/.
 */
#ifndef NDX_EXTRACT_H
#define NDX_EXTRACT_H

#include "ndx_int.h"

/* What was found in a page.  Every buffer holds valid UTF-8 (possibly empty); owned. */
struct ndx_extract {
    struct ndx_buf url; /* canonical / og:url, else the url passed in */
    struct ndx_buf title;
    struct ndx_buf byline; /* authors joined with "; " */
    struct ndx_buf body;   /* article paragraphs separated by '\n' */
    struct ndx_buf lang;   /* ISO 639-1 from <html lang>, meta, or empty */
    struct ndx_buf source; /* site name (og:site_name) or host of the url */
    int64_t published;     /* NDX_DATE_UNKNOWN if none */
    int page_type;         /* NDX_PAGE_* */
    struct ndx_buf metas;  /* "name\tcontent\n" of the page's <meta> tags with a name or
                              property (lower-cased) and a content: NDX_EXTRACT_METAS at most */
};

#define NDX_EXTRACT_METAS     256  /* <meta> tags of a page kept in ndx_extract.metas, at most */
#define NDX_EXTRACT_META_SIZE 1024 /* bytes of a content kept there, at most */

/* What kind of page an HTML page is (html_pagetype.c). */
enum {
    NDX_PAGE_ARTICLE = 0,
    NDX_PAGE_LISTING = 1, /* a section front, tag or category page, a shop's collection: teasers */
    NDX_PAGE_OTHER = 2    /* a product, forum, service or documentation page */
};

void ndx__extract_init(struct ndx_extract *e);
void ndx__extract_free(struct ndx_extract *e); /* frees and re-inits; accepts an inited struct */

/*
 * Extract the article from an HTML page of n bytes.  `charset` (may be NULL) is a hint from HTTP
 * headers; the page's BOM and <meta charset> are honoured, else the bytes are sniffed.  `url` (may
 * be NULL) is the page address.  Returns NDX_OK, NDX_EFORMAT (no article text found: *e still holds
 * whatever metadata was found), NDX_ETOOBIG (past the size cap), NDX_ENOMEM.  Never crashes on
 * any input.
 */
int ndx__extract_html(const char *html, size_t n, const char *charset, const char *url, size_t nurl,
                      struct ndx_extract *e);

/* The options the extractor gives libxml2's HTML parser (htmlCtxtUseOptions); tests that parse
 * the way it does use them too. */
extern const int ndx__html_options;

/* The page as the HTML parser is given it (html_prestrip.c: contents of script, style, svg and
 * noscript and comments left out; with slim, attributes the extractor does not read left out of
 * start tags).  Exposed for tests. */
void ndx__html_prestrip(const char *s, size_t n, bool keep_noscript, bool slim, struct ndx_buf *out,
                        int *rc);
/* Whether the extractor reads attribute a (n bytes, any case); href only on <link>. */
bool ndx__html_keep_attr(const char *a, size_t n, bool is_link);

/* Convert n bytes in `charset` (any name iconv knows, e.g. "GBK", "Shift_JIS") to UTF-8,
 * appending to out; invalid sequences become U+FFFD.  NDX_EINVAL for an unknown charset. */
int ndx__charset_to_utf8(const char *in, size_t n, const char *charset, struct ndx_buf *out);

/* ---- internal to lib/extract/ -------------------------------------------------------------- */

/* Pages larger than this are refused with NDX_ETOOBIG. */
#define NDX_EXTRACT_MAX_INPUT ((size_t)64 << 20)

/*
 * Decode a whole page to UTF-8 (charset.c): BOM, then a <meta> declaration, then `hint`, then
 * sniffing (see charset.c).  Appends valid UTF-8 without NUL/C0 controls to out; *used (may be
 * NULL) receives the charset chosen (a static string).
 */
int ndx__charset_decode(const char *in, size_t n, const char *hint, struct ndx_buf *out,
                        const char **used);
/*
 * The same decision as ndx__charset_decode, for parsing: when the page is already valid UTF-8
 * without NUL/C0 controls, *page points into `in` (past a BOM) and nothing is copied; otherwise
 * the converted text is written to buf and *page points to it.
 */
int ndx__charset_view(const char *in, size_t n, const char *hint, struct ndx_buf *buf,
                      const char **page, size_t *npage);
/* iconv name for a declared charset label ("gb2312" -> "GB18030"), NULL if not in the table. */
const char *ndx__charset_canonical(const char *label);

/* The page as a compact tree built from libxml2's SAX events (html_tree.c, html_sax.c).  Node 0 is
 * the root; nodes are numbered in document order, so a node's descendants are exactly [i + 1, end).
 * Identical "class id" strings of a page share one copy in doc->attr. */
struct ndx_xnode {
    uint32_t parent, first, next, end;
    uint16_t tag; /* enum in html.h; 0 = text node */
    uint16_t flags;
    uint32_t off, len; /* text node: its text in doc->text; element: "class id" in doc->attr */
    uint32_t blk;      /* nearest block-level ancestor (or self) */
    uint32_t chars;    /* weight of the text below (CJK characters count double) */
    uint32_t link;     /* ... of which inside links */
    uint32_t direct;   /* text weight directly inside (block) */
    uint16_t commas;
    int16_t cls; /* class/id weight */
    float score;
};

/* Metadata strings found while parsing (first value per key is kept). */
enum ndx_xkey {
    XK_OG_TITLE,
    XK_TW_TITLE,
    XK_META_TITLE,
    XK_PUB_META,
    XK_PUB_ITEMPROP,
    XK_DATE_META,
    XK_TIME_DT,
    XK_AUTHOR_META,
    XK_AUTHOR_ARTICLE,
    XK_CANONICAL,
    XK_OG_URL,
    XK_SITE_NAME,
    XK_HTML_LANG,
    XK_CONTENT_LANG,
    XK_OG_LOCALE,
    XK_MOD_META,
    XK_OG_TYPE,
    XK_COUNT
};

struct ndx_xdoc {
    struct ndx_xnode *n;
    uint32_t nn, cap;
    struct ndx_buf text;   /* text of text nodes */
    struct ndx_buf attr;   /* lower-cased class/id strings, metadata values */
    struct ndx_buf title;  /* <title> */
    struct ndx_buf ldjson; /* application/ld+json scripts, each followed by a NUL */
    struct ndx_buf metas;  /* ndx_extract.metas, gathered by the tree builder */
    uint32_t nmetas;
    uint32_t kv_off[XK_COUNT], kv_len[XK_COUNT];
    bool kv_set[XK_COUNT];
    uint32_t author_nodes[8], nauthor_nodes; /* rel/itemprop/class author, byline */
    uint32_t date_nodes[16], ndate_nodes;    /* <time>, class date/time/publish */
    uint32_t body_node;                      /* itemprop=articleBody, or 0 */
    uint32_t h1_node;                        /* first <h1>, or 0 */
    bool keep_noscript; /* <noscript> content parsed (fallback pass for near-empty pages) */
    int rc;
};

/* Metadata (meta.c): fill e->title/byline/url/source/published/lang from the parsed page.  `body`
 * is the extracted text (for language detection); `top` the chosen content node (0 = none). */
int ndx__extract_meta(struct ndx_xdoc *d, const char *url, size_t nurl, uint32_t top,
                      struct ndx_extract *e);
/* Plain text of the subtree of node i (inline, one space between words), appended to out. */
void ndx__xnode_text(const struct ndx_xdoc *d, uint32_t i, size_t max, struct ndx_buf *out,
                     int *rc);
/* The JSON-LD article objects' "articleBody" (longest), appended to out; false if none. */
bool ndx__ldjson_body(const struct ndx_xdoc *d, struct ndx_buf *out);

/* What the JSON-LD article objects of a page say (meta_ld.c); the strings point into roots. */
struct json_t;
struct ndx_ld {
    struct json_t *roots[16];
    size_t nroots;
    const char *headline, *date, *body, *site, *lang;
    int prio; /* of the object that gave headline/date: 2 article, 1 other */
    char authors[512];
};
/* Parse the JSON-LD scripts of d into L (ndx__ld_free it after use). */
void ndx__ld_parse(const struct ndx_xdoc *d, struct ndx_ld *L);
void ndx__ld_free(struct ndx_ld *L);

#endif
