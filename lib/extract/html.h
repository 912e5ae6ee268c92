/*
 * html.h - what the files of the HTML extractor share (private to lib/extract/): the tag numbers
 * and classes (html_tags.c), the class/id word rules (html_words.c), the tree builder
 * (html_tree.c) that the libxml2 SAX layer (html_sax.c) drives over the pre-pass copy of the page
 * (html_prestrip.c), boilerplate marking and scoring (html_score.c), the text output
 * (html_emit.c) and page types (html_pagetype.c).  html.c holds the entry points that run them
 * in that order.  The tree itself (struct ndx_xdoc) is declared in extract.h, since meta.c reads
 * it too.
 */
#ifndef NDX_EXTRACT_HTML_H
#define NDX_EXTRACT_HTML_H

#include "extract/extract.h"

/* ---- tags (html_tags.c) ------------------------------------------------------------------- */

enum {
    TX = 0, /* text node */
    T_OTHER,
    T_A,
    T_ADDRESS,
    T_ARTICLE,
    T_ASIDE,
    T_B,
    T_BLOCKQUOTE,
    T_BODY,
    T_BR,
    T_BUTTON,
    T_CAPTION,
    T_CENTER,
    T_DD,
    T_DETAILS,
    T_DIALOG,
    T_DIV,
    T_DL,
    T_DT,
    T_FIGCAPTION,
    T_FIGURE,
    T_FOOTER,
    T_FORM,
    T_H1,
    T_H2,
    T_H3,
    T_H4,
    T_H5,
    T_H6,
    T_HEAD,
    T_HEADER,
    T_HR,
    T_HTML,
    T_IMG,
    T_INPUT,
    T_LI,
    T_LINK,
    T_MAIN,
    T_MENU,
    T_META,
    T_NAV,
    T_NOSCRIPT,
    T_OL,
    T_P,
    T_PRE,
    T_SCRIPT,
    T_SECTION,
    T_SELECT,
    T_SPAN,
    T_STYLE,
    T_SUMMARY,
    T_TABLE,
    T_TD,
    T_TEXTAREA,
    T_TH,
    T_TIME,
    T_TITLE,
    T_TR,
    T_UL,
    T_SKIPPED,
    T_INLINE,
    T_TBODY,
    T_HGROUP,
    T_FIELDSET,
    T_LEGEND,
    T_LABEL,
    T_OPTION,
    T_THEAD,
    T_TFOOT,
    T_OPTGROUP,
    T_I,
    T_U,
    T_FONT,
    T_FONTSTYLE,
    T_DIR,
    T_XMP,
    T_COL,
    T_COLGROUP,
    T_BASE,
    T_TEMPLATE,
    T_VOID,
    T_NTAGS
};

/* tag classes */
#define C_BLOCK 1  /* starts a new paragraph */
#define C_SKIP  2  /* content dropped at parse time */
#define C_BOIL  4  /* boilerplate container: removed */
#define C_HEAD  8  /* heading */
#define C_PARA  16 /* paragraph-like for scoring */
#define C_LIST  32

/* The class bits (C_*) of each tag; filled by ndx__html_init_tags. */
extern uint8_t ndx__html_tag_class[T_NTAGS];
/* Fill the tag tables (once, before any other call here). */
void ndx__html_init_tags(void);
/* The tag number of a lower-cased element name (T_OTHER when not in the table). */
uint16_t ndx__html_tag_of(const char *name);

/* node flags */
#define F_REMOVED    1 /* boilerplate: not output, not counted */
#define F_NEG        2 /* class/id says boilerplate */
#define F_POS        4 /* class/id says article */
#define F_HIDDEN     8
#define F_INLINK     16
#define F_CAND       32  /* got a score */
#define F_ROLEBOIL   64  /* role=navigation etc. */
#define F_BODYHINT   128 /* class/id names the article body itself ("article-body") */
#define F_OUT        256 /* chosen for output */
#define F_ARTICLEISH 512
#define F_WEAKNEG    1024 /* class/id says boilerplate, weakly */
#define F_PATH       2048 /* between the best-scored block and the chosen container */
#define F_COMMENTS   4096 /* class/id names reader comments */

#define MAX_DEPTH 256

static inline int lcase(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static inline uint8_t cls_of(const struct ndx_xnode *x)
{
    return x->tag < T_NTAGS ? ndx__html_tag_class[x->tag] : 0;
}

static inline float link_density(const struct ndx_xnode *x)
{
    return x->chars ? (float)x->link / (float)x->chars : 0.0f;
}

/* ---- class/id words (html_words.c) -------------------------------------------------------- */

/* The word lists a class/id string matches. */
enum { W_NEG = 1, W_BODY = 2, W_POS = 4, W_AUTHOR = 8, W_DATE = 16, W_WEAK = 32, W_COMMENTS = 64 };

/* Build the word automaton (once). */
void ndx__html_init_words(void);
/* The set of lists (W_*) with a word occurring in s (lower-cased, n bytes). */
uint8_t ndx__html_words(const char *s, size_t n);
/* Flags (F_NEG, F_POS, ...) and class weight of an element whose lower-cased class/id string s
 * matched the lists m. */
void ndx__html_classify(struct ndx_xnode *x, const char *s, uint8_t m);

/* ---- tree building (html_tree.c) ---------------------------------------------------------- */

/* Results of the class/id word rules, cached per distinct "class id" string of a page. */
#define CC_SLOTS  256
#define CC_AUTHOR 1
#define CC_DATE   2

struct ndx_hbuilder {
    struct ndx_xdoc *d;
    uint32_t cur;
    uint32_t depth;
    uint32_t overflow;
    uint32_t skip;
    int in_title;
    int in_ldjson;
    int title_done;
    uint32_t cc_hash[CC_SLOTS], cc_off[CC_SLOTS], cc_len[CC_SLOTS];
    uint16_t cc_flags[CC_SLOTS];
    int16_t cc_cls[CC_SLOTS];
    uint8_t cc_words[CC_SLOTS];
};

/* Fill the byte tables of the text handler (once). */
void ndx__html_init_text(void);
/* Append a node of `tag` as the last child of `parent`; 0 (and d->rc set) on failure. */
uint32_t ndx__html_new_node(struct ndx_xdoc *d, uint32_t parent, uint16_t tag);
/* An element starts (atts: NULL-terminated name/value pairs, names lower-cased; may be NULL). */
void ndx__html_build_start(struct ndx_hbuilder *b, uint16_t tag, uint8_t tcls, const char **atts);
/* The current element ends. */
void ndx__html_build_end(struct ndx_hbuilder *b);
/* Text (len bytes of UTF-8) inside the current element. */
void ndx__html_build_chars(struct ndx_hbuilder *b, const char *ch, size_t len);

/* ---- parsing (html_sax.c) ----------------------------------------------------------------- */

/* Parse a UTF-8 page of n bytes into d (pre-pass, then libxml2's SAX parser driving the tree
 * builder).  Returns NDX_OK or an error code (d->rc). */
int ndx__html_parse(const char *html, size_t n, struct ndx_xdoc *d);

/* ---- boilerplate and scoring (html_score.c) ----------------------------------------------- */

/* Mark boilerplate and compute text statistics.  `use_classes`: also remove F_NEG nodes;
 * `weak_words`: and short or link-heavy F_WEAKNEG ones ("teaser", "widget", "date"). */
void ndx__html_analyze(struct ndx_xdoc *d, bool use_classes, bool weak_words);
/* Score paragraphs and their ancestors; returns the best container (0 if none). */
uint32_t ndx__html_choose_top(struct ndx_xdoc *d);
/* Mark top and the siblings that belong with it (F_OUT). */
void ndx__html_choose_siblings(struct ndx_xdoc *d, uint32_t top);

/* ---- output (html_emit.c) ----------------------------------------------------------------- */

/* Write the text of the chosen content (top and its F_OUT siblings) to body as '\n'-separated
 * paragraphs, with link-heavy blocks, credit lines and the like left out. */
void ndx__html_emit_body(struct ndx_xdoc *d, uint32_t top, bool clean, struct ndx_buf *body,
                         int *rc);
/* Trim lines, drop empty, symbol-only and credit lines and calls to subscribe at the end; write
 * '\n'-separated paragraphs to out. */
void ndx__html_finish_text(const char *s, size_t n, struct ndx_buf *out, int *rc);

/* ---- page types (html_pagetype.c) --------------------------------------------------------- */

/* schema.org types named in the JSON-LD of a page ("@type": "NewsArticle" or [...]). */
enum { S_ARTICLE = 1, S_PRODUCT = 2, S_LIST = 4, S_FORUM = 8, S_OTHER = 16 };

/* What the page type is decided on (text weights as in struct ndx_xnode; kept text only). */
struct ndx_page_features {
    uint32_t total, links;      /* text of the page's body, and of it inside links */
    uint32_t body, top;         /* the article text extracted, the chosen container's text */
    uint32_t title_links;       /* links with 25 or more of text */
    uint32_t articles;          /* <article> elements */
    uint32_t paras, para_chars; /* paragraphs of running text (>= 150, under 20 % links) */
    uint32_t longest;           /* the longest block of running text */
    uint32_t teasers, max_run;  /* teasers in runs of 4 or more like siblings; longest run */
    uint32_t teaser_chars;      /* their text */
    uint32_t top_links;         /* text in links of the chosen container */
    uint8_t schema;             /* S_* of html_pagetype.c */
    uint8_t og;                 /* og:type: 0 none, 1 article, 2 product, 3 website, 4 other */
    uint8_t url_known, url_date, query;
    uint8_t url_list; /* a path segment naming a list ("/category/", "/c/", a last "/news") */
    uint32_t depth, last_len, last_hyphens; /* URL path segments; the last one */
};

/* The features of the page d after the article pass: `top` its chosen container, body_weight the
 * text weight of the article text; url (may be NULL) the page's address. */
void ndx__html_page_features(const struct ndx_xdoc *d, const char *url, size_t nurl, uint32_t top,
                             size_t body_weight, struct ndx_page_features *f);
/* The page type (NDX_PAGE_*) the features say. */
int ndx__html_page_type(const struct ndx_page_features *f);
/* Whether the page's main content (everything kept in its <main> or <body>) is to replace the
 * article text: listings; products and collections whose article container holds under 80 % of
 * the page's text; any page whose article text is under a quarter of a text mostly not links, or
 * under 250 on a page holding more than twice as much. */
bool ndx__html_page_content_wanted(int page_type, const struct ndx_page_features *f);

#endif
