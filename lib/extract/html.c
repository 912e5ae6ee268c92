/*
 * html.c - article extraction: the page goes through libxml2's tolerant HTML parser in SAX mode
 * into a compact tree (struct ndx_xdoc: one array of nodes, no libxml2 tree, no recursion, depth
 * capped); the SAX layer also lets block-level end tags close unclosed elements inside them (see
 * "libxml2 SAX layer").  Boilerplate is marked (navigation, headers, footers, asides, forms,
 * hidden elements, and class/id names such as "comment", "related", "share", "cookie"),
 * paragraphs are scored (length, commas, link density) and their scores given to their
 * ancestors; the best container wins, its siblings that look like article text join it, and its
 * text is written paragraph by paragraph with link lists and short link-heavy blocks left out.
 * JSON-LD articleBody and itemprop=articleBody are used when present.  All walks over the tree
 * are loops over the node array (document order).
 * Rules: docs/EXTRACTION.md.
 */
#include "extract/extract.h"
#include "text/text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdlib.h>

/* ---- tags --------------------------------------------------------------------------------- */

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

struct taginfo {
    const char *name;
    uint16_t tag;
    uint8_t cls;
};

static const struct taginfo TAGS[] = {
    {"a", T_A, 0},
    {"abbr", T_INLINE, 0},
    {"address", T_ADDRESS, C_BLOCK},
    {"applet", T_SKIPPED, C_SKIP},
    {"area", T_VOID, 0},
    {"article", T_ARTICLE, C_BLOCK},
    {"aside", T_ASIDE, C_BLOCK | C_BOIL},
    {"audio", T_SKIPPED, C_SKIP},
    {"b", T_B, 0},
    {"base", T_BASE, C_SKIP},
    {"basefont", T_VOID, 0},
    {"big", T_FONTSTYLE, 0},
    {"blockquote", T_BLOCKQUOTE, C_BLOCK | C_PARA},
    {"body", T_BODY, C_BLOCK},
    {"br", T_BR, 0},
    {"button", T_BUTTON, C_SKIP},
    {"canvas", T_SKIPPED, C_SKIP},
    {"caption", T_CAPTION, C_BLOCK},
    {"center", T_CENTER, C_BLOCK},
    {"col", T_COL, 0},
    {"colgroup", T_COLGROUP, 0},
    {"dd", T_DD, C_BLOCK},
    {"details", T_DETAILS, C_BLOCK},
    {"dialog", T_DIALOG, C_BLOCK | C_BOIL},
    {"dir", T_DIR, 0},
    {"div", T_DIV, C_BLOCK},
    {"dl", T_DL, C_BLOCK | C_LIST},
    {"dt", T_DT, C_BLOCK},
    {"embed", T_SKIPPED, C_SKIP},
    {"fieldset", T_FIELDSET, C_BLOCK | C_BOIL},
    {"figcaption", T_FIGCAPTION, C_BLOCK},
    {"figure", T_FIGURE, C_BLOCK | C_BOIL},
    {"font", T_FONT, 0},
    {"footer", T_FOOTER, C_BLOCK | C_BOIL},
    {"form", T_FORM, C_BLOCK | C_BOIL},
    {"frame", T_VOID, 0},
    {"frameset", T_SKIPPED, C_SKIP},
    {"h1", T_H1, C_BLOCK | C_HEAD},
    {"h2", T_H2, C_BLOCK | C_HEAD},
    {"h3", T_H3, C_BLOCK | C_HEAD},
    {"h4", T_H4, C_BLOCK | C_HEAD},
    {"h5", T_H5, C_BLOCK | C_HEAD},
    {"h6", T_H6, C_BLOCK | C_HEAD},
    {"head", T_HEAD, C_BOIL},
    {"header", T_HEADER, C_BLOCK | C_BOIL},
    {"hgroup", T_HGROUP, C_BLOCK},
    {"hr", T_HR, C_BLOCK},
    {"html", T_HTML, C_BLOCK},
    {"i", T_I, 0},
    {"iframe", T_SKIPPED, C_SKIP},
    {"img", T_IMG, 0},
    {"input", T_INPUT, C_SKIP},
    {"isindex", T_VOID, 0},
    {"keygen", T_VOID, 0},
    {"label", T_LABEL, 0},
    {"legend", T_LEGEND, C_BLOCK},
    {"li", T_LI, C_BLOCK},
    {"link", T_LINK, C_SKIP},
    {"listing", T_XMP, 0},
    {"main", T_MAIN, C_BLOCK},
    {"map", T_SKIPPED, C_SKIP},
    {"math", T_SKIPPED, C_SKIP},
    {"menu", T_MENU, C_BLOCK | C_BOIL},
    {"meta", T_META, C_SKIP},
    {"nav", T_NAV, C_BLOCK | C_BOIL},
    {"noscript", T_NOSCRIPT, C_SKIP},
    {"object", T_SKIPPED, C_SKIP},
    {"ol", T_OL, C_BLOCK | C_LIST},
    {"optgroup", T_OPTGROUP, C_SKIP},
    {"option", T_OPTION, C_SKIP},
    {"p", T_P, C_BLOCK | C_PARA},
    {"param", T_VOID, 0},
    {"picture", T_SKIPPED, C_SKIP},
    {"pre", T_PRE, C_BLOCK | C_PARA},
    {"rp", T_SKIPPED, C_SKIP}, /* ruby fallback parentheses */
    {"rt", T_SKIPPED, C_SKIP}, /* ruby annotation (reading aid, not text) */
    {"s", T_FONTSTYLE, 0},
    {"script", T_SCRIPT, C_SKIP},
    {"section", T_SECTION, C_BLOCK},
    {"select", T_SELECT, C_SKIP},
    {"small", T_FONTSTYLE, 0},
    {"source", T_VOID, 0},
    {"span", T_SPAN, 0},
    {"strike", T_FONTSTYLE, 0},
    {"style", T_STYLE, C_SKIP},
    {"summary", T_SUMMARY, C_BLOCK},
    {"svg", T_SKIPPED, C_SKIP},
    {"table", T_TABLE, C_BLOCK},
    {"tbody", T_TBODY, C_BLOCK},
    {"td", T_TD, C_BLOCK | C_PARA},
    {"template", T_TEMPLATE, C_SKIP},
    {"textarea", T_TEXTAREA, C_SKIP},
    {"tfoot", T_TFOOT, C_BLOCK},
    {"th", T_TH, C_BLOCK},
    {"thead", T_THEAD, C_BLOCK},
    {"time", T_TIME, 0},
    {"title", T_TITLE, C_SKIP},
    {"tr", T_TR, C_BLOCK},
    {"track", T_VOID, 0},
    {"tt", T_FONTSTYLE, 0},
    {"u", T_U, 0},
    {"ul", T_UL, C_BLOCK | C_LIST},
    {"video", T_SKIPPED, C_SKIP},
    {"wbr", T_VOID, 0},
    {"xmp", T_XMP, 0},
};

static uint8_t tag_class[T_NTAGS];

/* Tag names are looked up by a hash of the lower-cased name (also used to match end tags). */
#define TAG_SLOTS 512
static uint16_t tag_slot[TAG_SLOTS]; /* index + 1 into TAGS, 0 = empty */

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static const struct taginfo *tag_find(const char *name, size_t n, uint32_t h)
{
    for (uint32_t k = h & (TAG_SLOTS - 1);; k = (k + 1) & (TAG_SLOTS - 1)) {
        uint16_t v = tag_slot[k];
        if (!v)
            return NULL;
        const struct taginfo *t = &TAGS[v - 1];
        if (!strncmp(t->name, name, n) && t->name[n] == 0)
            return t;
    }
}

static void init_tag_class(void)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(TAGS); i++) {
        tag_class[TAGS[i].tag] = TAGS[i].cls;
        const char *s = TAGS[i].name;
        uint32_t k = name_hash(s, strlen(s)) & (TAG_SLOTS - 1);
        while (tag_slot[k])
            k = (k + 1) & (TAG_SLOTS - 1);
        tag_slot[k] = (uint16_t)(i + 1);
    }
    tag_class[T_OTHER] = 0;
}

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

/* ---- tree building ----------------------------------------------------------------------- */

/* Results of the class/id word rules, cached per distinct "class id" string of a page. */
#define CC_SLOTS  256
#define CC_AUTHOR 1
#define CC_DATE   2

struct builder {
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

static uint32_t new_node(struct ndx_xdoc *d, uint32_t parent, uint16_t tag)
{
    if (d->rc)
        return 0;
    if (d->nn == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : 1024;
        if (cap > (1u << 26)) {
            d->rc = NDX_ETOOBIG;
            return 0;
        }
        struct ndx_xnode *p = ndx_realloc(d->n, (size_t)cap * sizeof *p);
        if (!p) {
            d->rc = NDX_ENOMEM;
            return 0;
        }
        d->n = p;
        d->cap = cap;
    }
    uint32_t i = d->nn++;
    struct ndx_xnode *x = &d->n[i];
    memset(x, 0, sizeof *x);
    x->parent = parent;
    x->tag = tag;
    x->end = i + 1;
    if (i) {
        /* append as last child: while building, `link` of an element holds its last child
         * (analyze() resets it before computing link statistics) */
        struct ndx_xnode *p = &d->n[parent];
        if (!p->first)
            p->first = i;
        else
            d->n[p->link].next = i;
        p->link = i;
    }
    return i;
}

static bool attr_has(const char *v, const char *word)
{
    return v && strstr(v, word) != NULL;
}

static int lcase(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* lower-cased copy of s (at most 512 bytes) to out; returns the length.  ASCII letters are
 * lower-cased 8 bytes at a time. */
static size_t copy_lower(char *out, const char *s)
{
    size_t n = strnlen(s, 512), i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v, h;
        memcpy(&v, s + i, 8);
        h = v & 0x7F7F7F7F7F7F7F7Full;
        uint64_t ge_a = h + 0x3F3F3F3F3F3F3F3Full; /* high bit set where >= 'A' */
        uint64_t gt_z = h + 0x2525252525252525ull; /* high bit set where > 'Z' */
        uint64_t up = ~v & (ge_a ^ gt_z) & 0x8080808080808080ull;
        v |= up >> 2;
        memcpy(out + i, &v, 8);
    }
    for (; i < n; i++)
        out[i] = (char)lcase((unsigned char)s[i]);
    return n;
}

/* Hash of a class/id string, 8 bytes at a time. */
static uint32_t str_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    uint64_t t = 0;
    memcpy(&t, s + i, n - i);
    h = (h ^ t) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static void set_kv(struct ndx_xdoc *d, int key, const char *v)
{
    if (d->kv_set[key] || !v)
        return;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    size_t n = strlen(v);
    if (!n)
        return;
    if (n > 2000)
        n = 2000;
    d->kv_off[key] = (uint32_t)d->attr.n;
    d->kv_len[key] = (uint32_t)n;
    d->kv_set[key] = true;
    ndx__buf_append(&d->attr, v, n, &d->rc);
    ndx__buf_putc(&d->attr, 0, &d->rc);
}

static bool ieq(const char *a, const char *b)
{
    if (!a)
        return false;
    while (*a && *b)
        if (lcase((unsigned char)*a++) != lcase((unsigned char)*b++))
            return false;
    return *a == *b;
}

static void handle_meta(struct ndx_xdoc *d, const char **atts)
{
    const char *name = NULL, *prop = NULL, *content = NULL, *itemprop = NULL, *equiv = NULL;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        const char *k = atts[i], *v = atts[i + 1];
        if (!v)
            continue;
        if (ieq(k, "name"))
            name = v;
        else if (ieq(k, "property"))
            prop = v;
        else if (ieq(k, "content"))
            content = v;
        else if (ieq(k, "itemprop"))
            itemprop = v;
        else if (ieq(k, "http-equiv"))
            equiv = v;
    }
    if (!content)
        return;
    const char *keys[3] = {name, prop, itemprop};
    for (int j = 0; j < 3; j++) {
        const char *k = keys[j];
        if (!k)
            continue;
        char lk[64];
        size_t m = 0;
        while (k[m] && m + 1 < sizeof lk) {
            lk[m] = (char)lcase((unsigned char)k[m]);
            m++;
        }
        lk[m] = 0;
        if (!strcmp(lk, "og:title"))
            set_kv(d, XK_OG_TITLE, content);
        else if (!strcmp(lk, "twitter:title"))
            set_kv(d, XK_TW_TITLE, content);
        else if (!strcmp(lk, "title") || !strcmp(lk, "headline") || !strcmp(lk, "dc.title"))
            set_kv(d, XK_META_TITLE, content);
        else if (!strcmp(lk, "article:published_time") || !strcmp(lk, "og:published_time") ||
                 !strcmp(lk, "article:published") || !strcmp(lk, "published_time") ||
                 !strcmp(lk, "parsely-pub-date") || !strcmp(lk, "sailthru.date") ||
                 !strcmp(lk, "publishdate") || !strcmp(lk, "publish-date") ||
                 !strcmp(lk, "publish_date") || !strcmp(lk, "pubdate") ||
                 !strcmp(lk, "article.published") || !strcmp(lk, "original-publish-date") ||
                 !strcmp(lk, "originalpublicationdate") || !strcmp(lk, "dc.date.issued") ||
                 !strcmp(lk, "dcterms.issued") || !strcmp(lk, "dcterms.created") ||
                 !strcmp(lk, "cxenseparse:recs:publishtime") || !strcmp(lk, "datepublished") ||
                 !strcmp(lk, "release_date") || !strcmp(lk, "article_date_original") ||
                 !strcmp(lk, "og:article:published_time") || !strcmp(lk, "publication_date"))
            set_kv(d, XK_PUB_META, content);
        else if (!strcmp(lk, "date") || !strcmp(lk, "dc.date") || !strcmp(lk, "dcterms.date") ||
                 !strcmp(lk, "created") || !strcmp(lk, "dc.date.created") ||
                 !strcmp(lk, "citation_publication_date") || !strcmp(lk, "citation_date"))
            set_kv(d, XK_DATE_META, content);
        else if (!strcmp(lk, "article:modified_time") || !strcmp(lk, "datemodified") ||
                 !strcmp(lk, "og:updated_time") || !strcmp(lk, "last-modified"))
            set_kv(d, XK_MOD_META, content);
        else if (!strcmp(lk, "author") || !strcmp(lk, "dc.creator") || !strcmp(lk, "byl") ||
                 !strcmp(lk, "sailthru.author") || !strcmp(lk, "parsely-author") ||
                 !strcmp(lk, "citation_author") || !strcmp(lk, "dcterms.creator"))
            set_kv(d, XK_AUTHOR_META, content);
        else if (!strcmp(lk, "article:author") || !strcmp(lk, "og:article:author"))
            set_kv(d, XK_AUTHOR_ARTICLE, content);
        else if (!strcmp(lk, "og:url"))
            set_kv(d, XK_OG_URL, content);
        else if (!strcmp(lk, "og:site_name") || !strcmp(lk, "application-name") ||
                 !strcmp(lk, "twitter:site"))
            set_kv(d, XK_SITE_NAME, content);
        else if (!strcmp(lk, "og:locale") || !strcmp(lk, "language") || !strcmp(lk, "dc.language"))
            set_kv(d, XK_OG_LOCALE, content);
    }
    if (itemprop && ieq(itemprop, "datePublished"))
        set_kv(d, XK_PUB_ITEMPROP, content);
    if (equiv && ieq(equiv, "content-language"))
        set_kv(d, XK_CONTENT_LANG, content);
}

/* Class/id words that mark boilerplate.  Matched as substrings of the lower-cased class and id. */
static const char *const NEG_WORDS[] = {
    "comment",      "related",       "share",      "sharing",    "social",
    "sidebar",      "side-bar",      "cookie",     "newsletter", "promo",
    "advert",       "sponsor",       "breadcrumb", "footer",     "navbar",
    "navigation",   "nav-",          "menu",       "most-read",  "mostread",
    "most_read",    "popular",       "trending",   "recommend",  "subscribe",
    "signup",       "sign-up",       "outbrain",   "taboola",    "disqus",
    "masthead",     "pagination",    "popup",      "modal",      "toolbar",
    "tag-list",     "taglist",       "byline",     "author",     "dateline",
    "timestamp",    "published",     "login",      "consent",    "gdpr",
    "read-more",    "readmore",      "more-from",  "morefrom",   "latest",
    "also-read",    "next-post",     "prev-post",  "post-nav",   "headline-list",
    "further",      "follow",        "rating",     "reaction",   "table-of-contents",
    "caption",      "credit",        "copyright",  "disclaimer", "visually-hidden",
    "sr-only",      "screen-reader", "offscreen",  "linkbox",    "top-stories",
    "more-stories", "storylist",     "story-list", "aside",      "donate",
    "feedback",     "shopping",      "recirc",     "overlay",    "skip-link",
    "skiplink",     "skip-to",       "jump-link",  "jumplink",   "jump-to",
    "postmeta",     "post-meta",     "entry-meta", "entrymeta",  "entry-utility",
    "nextstory",    "next-story",    "affiliate",  "top-ten",    "topten",
};
/* Weaker words: page builders and themes also use them for containers of the article ("widget"
 * in "elementor-widget-text-editor", "date-outer" around a blog post, "overflow-hidden"), so an
 * element named only by them is removed when it is short or made of links (see analyze). */
static const char *const WEAK_WORDS[] = {
    "widget", "date",     "meta",   "paywall", "print", "partner",  "extra",  "rail",
    "teaser", "carousel", "slider", "header",  "tags",  "keywords", "banner", "alert",
};
/* Words naming the article text itself; they veto NEG_WORDS ("article-body", "entry-content"). */
static const char *const BODY_WORDS[] = {
    "articlebody",     "article-body",   "article_body",    "story-body",     "storybody",
    "story_body",      "entry-content",  "post-content",    "post-body",      "postbody",
    "article-content", "articlecontent", "article_content", "article-text",   "articletext",
    "story-content",   "storycontent",   "content-body",    "body-text",      "bodytext",
    "post-text",       "main-content",   "maincontent",     "article__body",  "article__content",
    "c-article-body",  "rich-text",      "richtext",        "news-text",      "newstext",
    "news-content",    "text-content",   "entry-body",      "article-detail", "detail-content",
};
static const char *const POS_WORDS[] = {
    "article", "content", "entry",  "main", "post",   "story", "text",
    "blog",    "body",    "hentry", "news", "detail", "prose",
};

/* Words that count only as a whole class token or a whole '-'/'_'-separated part of one: "ad"
 * ("ad-slot", "top_ad" but not "shadow"), "toc" (not "stock"), "pager" (not "apageroot"), and the
 * token "hidden" unless another token shows the element at some screen size ("hidden
 * md:block"). */
enum { W_NEG = 1, W_BODY = 2, W_POS = 4, W_AUTHOR = 8, W_DATE = 16, W_WEAK = 32, W_COMMENTS = 64 };

static uint8_t token_words(const char *s)
{
    uint8_t m = 0;
    bool hidden = false, shown = false;
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        if (n == 6 && !memcmp(p, "hidden", 6))
            hidden = true;
        else if (n > 3 && memchr(p, ':', n) &&
                 ((n >= 5 && !memcmp(q - 5, "block", 5)) || !memcmp(q - 4, "flex", 4) ||
                  !memcmp(q - 4, "grid", 4) || (n >= 6 && !memcmp(q - 6, "inline", 6)) ||
                  (n >= 5 && !memcmp(q - 5, "table", 5))))
            shown = true; /* "md:block": the token names a screen size it shows at */
        /* the parts of the token */
        for (const char *a = p; a < q;) {
            const char *z = a;
            while (z < q && *z != '-' && *z != '_')
                z++;
            size_t k = (size_t)(z - a);
            if ((k == 2 && !memcmp(a, "ad", 2)) || (k == 3 && !memcmp(a, "ads", 3)))
                m |= W_NEG;
            else if ((k == 3 && !memcmp(a, "toc", 3)) || (k == 5 && !memcmp(a, "pager", 5)))
                m |= W_WEAK;
            a = z + 1;
        }
        p = q;
    }
    if (hidden && !shown)
        m |= W_WEAK;
    return m;
}

static const char *const AUTHOR_WORDS[] = {"byline", "author"};
static const char *const COMMENT_WORDS[] = {"comment", "disqus"};
static const char *const DATE_WORDS[] = {"date", "time", "publish", "posted"};
static const char *const NAV_WORDS[] = {"-nav", "_nav"};

/*
 * All word lists are matched at once, in one pass over a class/id string, by an Aho-Corasick
 * automaton built at start-up over the alphabet a-z, '-', '_' (any other byte goes back to the
 * root).  Each state carries the set of lists of the words that end there.
 */
#define AC_SYMS 29
#define AC_MAX  2048
static uint16_t ac_delta[AC_MAX][AC_SYMS];
static uint8_t ac_out[AC_MAX];
static uint8_t ac_sym[256];
static uint32_t ac_n = 1;

static void ac_add(const char *const *w, size_t n, uint8_t bit)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t st = 0;
        for (const char *p = w[i]; *p; p++) {
            uint8_t c = ac_sym[(uint8_t)*p];
            if (!ac_delta[st][c]) {
                if (ac_n >= AC_MAX)
                    return;
                ac_delta[st][c] = (uint16_t)ac_n++;
            }
            st = ac_delta[st][c];
        }
        ac_out[st] |= bit;
    }
}

static void ac_build(void)
{
    for (int c = 'a'; c <= 'z'; c++)
        ac_sym[c] = (uint8_t)(c - 'a' + 1);
    ac_sym['-'] = 27;
    ac_sym['_'] = 28;
    ac_add(NEG_WORDS, NDX_ARRAY_LEN(NEG_WORDS), W_NEG);
    ac_add(NAV_WORDS, NDX_ARRAY_LEN(NAV_WORDS), W_NEG);
    ac_add(WEAK_WORDS, NDX_ARRAY_LEN(WEAK_WORDS), W_WEAK);
    ac_add(BODY_WORDS, NDX_ARRAY_LEN(BODY_WORDS), W_BODY);
    ac_add(POS_WORDS, NDX_ARRAY_LEN(POS_WORDS), W_POS);
    ac_add(AUTHOR_WORDS, NDX_ARRAY_LEN(AUTHOR_WORDS), W_AUTHOR);
    ac_add(DATE_WORDS, NDX_ARRAY_LEN(DATE_WORDS), W_DATE);
    ac_add(COMMENT_WORDS, NDX_ARRAY_LEN(COMMENT_WORDS), W_COMMENTS);
    /* breadth-first: failure links folded into a full transition table */
    static uint16_t queue[AC_MAX], fail[AC_MAX];
    size_t qh = 0, qt = 0;
    for (int c = 1; c < AC_SYMS; c++)
        if (ac_delta[0][c]) {
            fail[ac_delta[0][c]] = 0;
            queue[qt++] = ac_delta[0][c];
        }
    while (qh < qt) {
        uint16_t st = queue[qh++];
        ac_out[st] |= ac_out[fail[st]];
        for (int c = 1; c < AC_SYMS; c++) {
            uint16_t nx = ac_delta[st][c];
            if (nx) {
                fail[nx] = ac_delta[fail[st]][c];
                queue[qt++] = nx;
            } else {
                ac_delta[st][c] = ac_delta[fail[st]][c];
            }
        }
    }
}

/* The set of lists (W_*) with a word occurring in s. */
static uint8_t ac_scan(const char *s, size_t n)
{
    uint32_t st = 0;
    uint8_t m = 0;
    for (size_t i = 0; i < n; i++) {
        st = ac_delta[st][ac_sym[(uint8_t)s[i]]];
        m |= ac_out[st];
    }
    return m;
}

static void init_tag_class(void);
static void init_parse_rules(void);
static void init_text_kind(void);

static void init_tables(void)
{
    init_tag_class();
    init_parse_rules();
    init_text_kind();
    ac_build();
}

static void classify_attrs(struct ndx_xnode *x, const char *s, uint8_t m)
{
    if (m & W_BODY) {
        x->flags |= F_BODYHINT | F_POS;
        x->cls = 30;
        return;
    }
    m |= token_words(s);
    if (m & W_NEG) {
        x->flags |= F_NEG | ((m & W_COMMENTS) ? F_COMMENTS : 0);
        x->cls -= 25;
    } else if (m & W_WEAK) {
        x->flags |= F_WEAKNEG;
        x->cls -= 10;
    }
    if (m & W_POS) {
        x->flags |= F_POS;
        x->cls += 25;
    }
}

/* Class/id string s (lower-cased, n bytes) of node i: stored once per page, word rules cached per
 * distinct string. */
static void node_classes(struct builder *b, uint32_t i, uint16_t tag, const char *s, size_t n)
{
    struct ndx_xdoc *d = b->d;
    uint32_t h = str_hash(s, n);
    uint32_t k = (h ^ (h >> 16)) & (CC_SLOTS - 1);
    if (!(b->cc_len[k] == n && b->cc_hash[k] == h && n &&
          !memcmp(d->attr.p + b->cc_off[k], s, n))) {
        uint32_t off = (uint32_t)d->attr.n;
        ndx__buf_append(&d->attr, s, n, &d->rc);
        ndx__buf_putc(&d->attr, 0, &d->rc);
        if (d->rc)
            return;
        struct ndx_xnode t;
        memset(&t, 0, sizeof t);
        const char *a = (const char *)d->attr.p + off;
        uint8_t m = ac_scan(a, n);
        if (n)
            classify_attrs(&t, a, m);
        b->cc_hash[k] = h;
        b->cc_off[k] = off;
        b->cc_len[k] = (uint32_t)n;
        b->cc_flags[k] = t.flags;
        b->cc_cls[k] = t.cls;
        b->cc_words[k] = (uint8_t)(((m & W_AUTHOR) ? CC_AUTHOR : 0) | ((m & W_DATE) ? CC_DATE : 0));
    }
    struct ndx_xnode *x = &d->n[i];
    x->off = b->cc_off[k];
    x->len = (uint32_t)n;
    if (tag != T_BODY && tag != T_HTML) {
        x->flags |= b->cc_flags[k];
        x->cls = (int16_t)(x->cls + b->cc_cls[k]);
    }
    if ((b->cc_words[k] & CC_AUTHOR) && d->nauthor_nodes < NDX_ARRAY_LEN(d->author_nodes))
        d->author_nodes[d->nauthor_nodes++] = i;
    if ((b->cc_words[k] & CC_DATE) && d->ndate_nodes < NDX_ARRAY_LEN(d->date_nodes))
        d->date_nodes[d->ndate_nodes++] = i;
}

/* An element starts (atts: NULL-terminated name/value pairs, names lower-cased; may be NULL). */
static void build_start(struct builder *b, uint16_t tag, uint8_t tcls, const char **atts)
{
    struct ndx_xdoc *d = b->d;
    if (d->rc)
        return;
    /* metadata anywhere */
    if (tag == T_META) {
        handle_meta(d, atts);
    } else if (tag == T_LINK) {
        const char *rel = NULL, *href = NULL;
        for (size_t i = 0; atts && atts[i]; i += 2) {
            if (ieq(atts[i], "rel"))
                rel = atts[i + 1];
            else if (ieq(atts[i], "href"))
                href = atts[i + 1];
        }
        if (rel && href && ieq(rel, "canonical"))
            set_kv(d, XK_CANONICAL, href);
    } else if (tag == T_HTML) {
        for (size_t i = 0; atts && atts[i]; i += 2)
            if ((ieq(atts[i], "lang") || ieq(atts[i], "xml:lang")) && atts[i + 1])
                set_kv(d, XK_HTML_LANG, atts[i + 1]);
    }
    if (b->skip) {
        b->skip++;
        return;
    }
    if (tag == T_TITLE && !b->title_done) {
        b->in_title = 1;
    } else if (tag == T_SCRIPT) {
        for (size_t i = 0; atts && atts[i]; i += 2)
            if (ieq(atts[i], "type") && atts[i + 1] && strstr(atts[i + 1], "ld+json"))
                b->in_ldjson = 1;
    }
    if ((tcls & C_SKIP) && !(tag == T_NOSCRIPT && d->keep_noscript)) {
        b->skip = 1;
        return;
    }
    if (b->depth >= MAX_DEPTH) {
        b->overflow++;
        return;
    }
    uint32_t i = new_node(d, b->cur, tag);
    if (!i)
        return;
    b->cur = i;
    b->depth++;
    struct ndx_xnode *x = &d->n[i];
    const char *cls = NULL, *id = NULL, *itemprop = NULL, *rel = NULL, *role = NULL;
    const char *datetime = NULL, *style = NULL;
    bool hidden = false;
    for (size_t k = 0; atts && atts[k]; k += 2) {
        const char *a = atts[k], *v = atts[k + 1];
        switch (lcase((unsigned char)a[0])) {
        case 'c':
            if (ieq(a, "class"))
                cls = v;
            break;
        case 'i':
            if (ieq(a, "id"))
                id = v;
            else if (ieq(a, "itemprop"))
                itemprop = v;
            break;
        case 'r':
            if (ieq(a, "rel"))
                rel = v;
            else if (ieq(a, "role"))
                role = v;
            break;
        case 'd':
            if (ieq(a, "datetime"))
                datetime = v;
            break;
        case 's':
            if (ieq(a, "style"))
                style = v;
            break;
        case 'h':
            if (ieq(a, "hidden"))
                hidden = true;
            break;
        case 'a':
            if (ieq(a, "aria-hidden") && v && ieq(v, "true"))
                hidden = true;
            break;
        default:
            break;
        }
    }
    if (cls || id) {
        char low[1100];
        size_t m = 0;
        if (cls)
            m = copy_lower(low, cls);
        if (id) {
            low[m++] = ' ';
            m += copy_lower(low + m, id);
        }
        node_classes(b, i, tag, low, m);
        if (d->rc)
            return;
    }
    if (style) {
        char buf[128];
        size_t m = 0;
        for (const char *p = style; *p && m + 1 < sizeof buf; p++)
            if (*p != ' ')
                buf[m++] = (char)lcase((unsigned char)*p);
        buf[m] = 0;
        if (strstr(buf, "display:none") || strstr(buf, "visibility:hidden"))
            hidden = true;
    }
    if (hidden)
        x->flags |= F_HIDDEN;
    if (role) {
        if (ieq(role, "navigation") || ieq(role, "complementary") || ieq(role, "contentinfo") ||
            ieq(role, "banner") || ieq(role, "menu") || ieq(role, "dialog") || ieq(role, "alert") ||
            ieq(role, "search") || ieq(role, "menubar") || ieq(role, "alertdialog") ||
            ieq(role, "toolbar"))
            x->flags |= F_ROLEBOIL;
        else if (ieq(role, "article") || ieq(role, "main"))
            x->flags |= F_ARTICLEISH;
    }
    if (itemprop) {
        if (ieq(itemprop, "articleBody") && !d->body_node)
            d->body_node = i;
        else if ((ieq(itemprop, "author") || ieq(itemprop, "creator")) &&
                 d->nauthor_nodes < NDX_ARRAY_LEN(d->author_nodes))
            d->author_nodes[d->nauthor_nodes++] = i;
        else if (ieq(itemprop, "datePublished") && datetime)
            set_kv(d, XK_PUB_ITEMPROP, datetime);
        else if (ieq(itemprop, "datePublished") && d->ndate_nodes < NDX_ARRAY_LEN(d->date_nodes))
            d->date_nodes[d->ndate_nodes++] = i;
    }
    if (rel && attr_has(rel, "author") && d->nauthor_nodes < NDX_ARRAY_LEN(d->author_nodes))
        d->author_nodes[d->nauthor_nodes++] = i;
    if (tag == T_TIME) {
        if (datetime)
            set_kv(d, XK_TIME_DT, datetime);
        else if (d->ndate_nodes < NDX_ARRAY_LEN(d->date_nodes))
            d->date_nodes[d->ndate_nodes++] = i;
    }
    if (tag == T_H1 && !d->h1_node)
        d->h1_node = i;
}

static void build_end(struct builder *b)
{
    struct ndx_xdoc *d = b->d;
    if (b->skip) {
        b->skip--;
        if (!b->skip) {
            if (b->in_title) {
                b->in_title = 0;
                b->title_done = 1;
            }
            if (b->in_ldjson) {
                b->in_ldjson = 0;
                ndx__buf_putc(&d->ldjson, 0, &d->rc);
            }
        }
        return;
    }
    if (b->overflow) {
        b->overflow--;
        return;
    }
    if (b->cur == 0)
        return;
    d->n[b->cur].end = d->nn;
    b->cur = d->n[b->cur].parent;
    b->depth--;
}

/* Byte kinds for add_text: below TK_SPACE the value is the byte's text weight (continuation bytes
 * 0, CJK lead bytes 2); TK_SPACE white space; TK_SPECIAL bytes that may start a comma, a
 * no-break space or an invisible character. */
#define TK_SPACE   3
#define TK_SPECIAL 4
static uint8_t text_kind[256];

static void init_text_kind(void)
{
    for (int c = 0; c < 256; c++)
        text_kind[c] = (c & 0xC0) == 0x80 ? 0 : (c >= 0xE3 && c <= 0xED) ? 2 : 1;
    text_kind[' '] = text_kind['\n'] = text_kind['\t'] = text_kind['\r'] = text_kind['\f'] =
        TK_SPACE;
    text_kind[','] = text_kind[0xC2] = text_kind[0xE2] = text_kind[0xE3] = text_kind[0xEF] =
        TK_SPECIAL;
}

/* windows-1252 meanings of U+0080 .. U+009F */
static const uint16_t CP1252_80[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void add_text(struct builder *b, const char *s, size_t n)
{
    struct ndx_xdoc *d = b->d;
    uint32_t cur = b->cur;
    if (cur == 0 || d->rc)
        return;
    struct ndx_xnode *p = &d->n[cur];
    uint32_t t;
    if (text_kind[(uint8_t)s[0]] == TK_SPACE && (tag_class[p->tag] & C_BLOCK) &&
        (!p->first || d->n[p->link].tag == T_BR || (tag_class[d->n[p->link].tag] & C_BLOCK))) {
        /* white space opening a block or following a block: it separates nothing */
        size_t k = 1;
        while (k < n && text_kind[(uint8_t)s[k]] == TK_SPACE)
            k++;
        if (k == n)
            return;
    }
    /* the last child of cur is kept in p->link while building */
    if (p->first && d->n[p->link].tag == TX) {
        t = p->link;
    } else {
        /* skip pure white space that opens a node list: keep one space as a separator */
        t = new_node(d, cur, TX);
        if (!t)
            return;
        d->n[t].off = (uint32_t)d->text.n;
        if (d->text.n > 0xF0000000u) {
            d->rc = NDX_ETOOBIG;
            return;
        }
    }
    struct ndx_xnode *x = &d->n[t];
    if (ndx__buf_reserve(&d->text, 2 * n + 1)) {
        d->rc = NDX_ENOMEM;
        return;
    }
    uint8_t *o = d->text.p + d->text.n;
    size_t w = 0;
    bool sp = x->len > 0 && d->text.p[x->off + x->len - 1] == ' ';
    if (x->len == 0)
        sp = false;
    uint32_t chars = 0, commas = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        uint8_t k = text_kind[c];
        if (NDX_LIKELY(k < TK_SPACE)) {
            o[w++] = c;
            chars += k; /* the weight: 0 continuation byte, 1, 2 CJK */
            sp = false;
            continue;
        }
        if (k == TK_SPACE || (c == 0xC2 && i + 1 < n && (uint8_t)s[i + 1] == 0xA0)) {
            if (c == 0xC2)
                i++;
            if (!sp) {
                o[w++] = ' ';
                sp = true;
            }
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (uint8_t)s[i + 1] >= 0x80 && (uint8_t)s[i + 1] < 0xA0) {
            /* U+0080..U+009F (from &#128;..&#159;): their windows-1252 meaning, as browsers do */
            uint16_t cp = CP1252_80[(uint8_t)s[++i] - 0x80];
            sp = false;
            if (cp < 0x800) {
                o[w++] = (uint8_t)(0xC0 | cp >> 6);
                o[w++] = (uint8_t)(0x80 | (cp & 0x3F));
            } else {
                o[w++] = (uint8_t)(0xE0 | cp >> 12);
                o[w++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                o[w++] = (uint8_t)(0x80 | (cp & 0x3F));
            }
            chars++;
            continue;
        }
        /* invisible: soft hyphen, zero-width space, word joiner, BOM (they split words) */
        if (c == 0xC2 && i + 1 < n && (uint8_t)s[i + 1] == 0xAD) {
            i++;
            continue;
        }
        if ((c == 0xE2 && i + 2 < n &&
             (((uint8_t)s[i + 1] == 0x80 && (uint8_t)s[i + 2] == 0x8B) ||
              ((uint8_t)s[i + 1] == 0x81 && (uint8_t)s[i + 2] == 0xA0))) ||
            (c == 0xEF && i + 2 < n && (uint8_t)s[i + 1] == 0xBB && (uint8_t)s[i + 2] == 0xBF)) {
            i += 2;
            continue;
        }
        sp = false;
        o[w++] = c;
        chars += c == 0xE3 ? 2 : 1;
        if (c == ',')
            commas++;
        else if (c == 0xEF && i + 2 < n && (uint8_t)s[i + 1] == 0xBC && (uint8_t)s[i + 2] == 0x8C)
            commas++; /* ， */
        else if (c == 0xE3 && i + 2 < n && (uint8_t)s[i + 1] == 0x80 &&
                 ((uint8_t)s[i + 2] == 0x81 || (uint8_t)s[i + 2] == 0x82))
            commas++; /* 、 。 */
    }
    d->text.n += w;
    d->text.p[d->text.n] = 0;
    x->len += (uint32_t)w;
    x->chars += chars;
    x->commas = (uint16_t)NDX_MIN(65535u, (uint32_t)x->commas + commas);
}

static void build_chars(struct builder *b, const char *ch, size_t len)
{
    struct ndx_xdoc *d = b->d;
    if (!len)
        return;
    if (b->in_title && !b->title_done) {
        if (d->title.n < 4096)
            ndx__buf_append(&d->title, ch, len, &d->rc);
        return;
    }
    if (b->in_ldjson) {
        if (d->ldjson.n < ((size_t)4 << 20))
            ndx__buf_append(&d->ldjson, ch, len, &d->rc);
        return;
    }
    if (b->skip)
        return;
    add_text(b, ch, len);
}

/* ---- libxml2 SAX layer -------------------------------------------------------------------- */

/*
 * The page is parsed by libxml2's HTML parser in SAX mode (no DOM): its start, end and text events
 * build the compact tree directly.  libxml2 decides implied elements, start tags that close open
 * ones, and decodes character references in text and attribute values.  One of its decisions is
 * changed here, on the compact tree only: an end tag that libxml2 refuses because an element of
 * higher end priority is open above its element (in libxml2 only <div> and the table parts block
 * others: a </nav> or </button> cannot close an unclosed <div> inside it, which would swallow
 * the rest of the page) closes the open elements down to and including its element, unless one
 * of them has a higher priority in our order (inline < block-level < td, th < tr < thead, tbody,
 * tfoot < table < head, body < html).  libxml2 reports the refusal as a tag mismatch error, which
 * is how it is seen here.
 *
 * Elements closed that way become "ghosts" on our copy of libxml2's open-element stack: their
 * later end events from libxml2 are ignored.  libxml2 always ends the top of its stack, so the
 * copy stays in step, and the compact tree's open elements are the non-ghost entries.
 */

#define END_SCAN 256

enum { K_NODE, K_SKIP, K_OVER, K_GHOST };

struct sax_el {
    const char *name; /* libxml2's interned name: valid while its parser lives */
    uint16_t tag;
    uint8_t kind;
};

struct saxstate {
    struct builder b;
    htmlParserCtxtPtr ctxt;
    struct sax_el *st;
    uint32_t nst, cap;
};

static uint8_t end_prio[T_NTAGS];

static void init_parse_rules(void)
{
    for (int t = 0; t < T_NTAGS; t++)
        end_prio[t] = 100;
    /* block-level ("special") elements: their end tag closes open inline elements and blocks
     * (a </nav> closes an unclosed <div> inside it), not table parts */
    static const uint16_t special[] = {
        T_ADDRESS,  T_ARTICLE,    T_ASIDE,   T_BLOCKQUOTE, T_BUTTON, T_CAPTION, T_CENTER,
        T_DD,       T_DETAILS,    T_DIALOG,  T_DIR,        T_DIV,    T_DL,      T_DT,
        T_FIELDSET, T_FIGCAPTION, T_FIGURE,  T_FOOTER,     T_FORM,   T_H1,      T_H2,
        T_H3,       T_H4,         T_H5,      T_H6,         T_HEADER, T_HGROUP,  T_LI,
        T_MAIN,     T_MENU,       T_NAV,     T_NOSCRIPT,   T_OL,     T_P,       T_PRE,
        T_SECTION,  T_SELECT,     T_SUMMARY, T_UL,         T_XMP,    T_SKIPPED, T_TEMPLATE,
        T_TEXTAREA, T_LEGEND};
    for (size_t i = 0; i < NDX_ARRAY_LEN(special); i++)
        end_prio[special[i]] = 150;
    end_prio[T_TD] = end_prio[T_TH] = 160;
    end_prio[T_TR] = 170;
    end_prio[T_THEAD] = end_prio[T_TBODY] = end_prio[T_TFOOT] = 180;
    end_prio[T_TABLE] = 190;
    end_prio[T_HEAD] = end_prio[T_BODY] = 200;
    end_prio[T_HTML] = 220;
}

static uint16_t tag_of(const char *name)
{
    size_t n = strlen(name);
    const struct taginfo *ti = tag_find(name, n, name_hash(name, n));
    return ti ? ti->tag : T_OTHER;
}

static void sax_fail(struct saxstate *S)
{
    if (S->ctxt)
        xmlStopParser(S->ctxt);
}

/* Close stack entries [i, nst) in the compact tree and mark them ghosts. */
static void ghost_from(struct saxstate *S, uint32_t i)
{
    for (uint32_t k = S->nst; k-- > i;) {
        if (S->st[k].kind == K_GHOST)
            continue;
        build_end(&S->b);
        S->st[k].kind = K_GHOST;
    }
}

static void sax_start(void *ctx, const xmlChar *xname, const xmlChar **xatts)
{
    struct saxstate *S = ctx;
    const char *name = (const char *)xname;
    if (S->b.d->rc)
        return;
    if (S->nst == S->cap) {
        uint32_t cap = S->cap ? S->cap * 2 : 256;
        struct sax_el *p = ndx_realloc(S->st, (size_t)cap * sizeof *p);
        if (!p) {
            S->b.d->rc = NDX_ENOMEM;
            sax_fail(S);
            return;
        }
        S->st = p;
        S->cap = cap;
    }
    uint16_t tag = tag_of(name);
    struct builder *b = &S->b;
    uint32_t skip = b->skip, over = b->overflow, nn = b->d->nn;
    build_start(b, tag, tag_class[tag], (const char **)xatts);
    uint8_t kind = b->skip > skip ? K_SKIP : b->overflow > over ? K_OVER : K_NODE;
    if (kind == K_NODE && b->d->nn == nn)
        kind = K_GHOST; /* no node was made (out of memory) */
    S->st[S->nst].name = name;
    S->st[S->nst].tag = tag;
    S->st[S->nst].kind = kind;
    S->nst++;
    if (b->d->rc)
        sax_fail(S);
}

static void sax_end(void *ctx, const xmlChar *xname)
{
    struct saxstate *S = ctx;
    (void)xname;
    if (!S->nst)
        return;
    S->nst--;
    if (S->st[S->nst].kind != K_GHOST)
        build_end(&S->b);
}

/* An end tag `name` that libxml2 did not let close its element. */
static void refused_end(struct saxstate *S, const char *name)
{
    uint16_t tag = tag_of(name);
    if (tag == T_HTML || tag == T_BODY || S->b.d->rc)
        return;
    uint8_t prio = end_prio[tag];
    uint32_t lim = S->nst > END_SCAN ? S->nst - END_SCAN : 0;
    for (uint32_t i = S->nst; i-- > lim;) {
        const struct sax_el *e = &S->st[i];
        if (e->kind == K_GHOST)
            continue;
        if (e->tag == tag && !strcmp(e->name, name)) {
            ghost_from(S, i);
            return;
        }
        if (end_prio[e->tag] > prio)
            return;
    }
}

#if LIBXML_VERSION >= 21200
static void sax_error(void *ctx, const xmlError *err)
#else
static void sax_error(void *ctx, xmlErrorPtr err)
#endif
{
    struct saxstate *S = ctx;
    if (!err || err->code != XML_ERR_TAG_NAME_MISMATCH || !err->str1)
        return;
    if (err->str2) {
        refused_end(S, err->str1);
    } else if (!strcmp(err->str1, "br") && !S->b.skip && !S->b.overflow && S->b.cur) {
        /* </br> is a <br> */
        if (new_node(S->b.d, S->b.cur, T_BR) == 0)
            sax_fail(S);
    }
}

static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
    struct saxstate *S = ctx;
    if (len > 0)
        build_chars(&S->b, (const char *)ch, (size_t)len);
    if (S->b.d->rc)
        sax_fail(S);
}

/* Case-insensitive search for "</name" in [p, e). */
static const char *find_close(const char *p, const char *e, const char *name, size_t nlen)
{
    while (p < e) {
        const char *q = memchr(p, '<', (size_t)(e - p));
        if (!q)
            return NULL;
        if ((size_t)(e - q) >= nlen + 2 && q[1] == '/') {
            size_t k = 0;
            while (k < nlen && lcase((unsigned char)q[2 + k]) == name[k])
                k++;
            if (k == nlen)
                return q;
        }
        p = q + 1;
    }
    return NULL;
}

/* Elements whose content is dropped before parsing (see ndx__html_prestrip). */
static const struct {
    const char *name;
    size_t len;
} RAW_SKIP[] = {{"script", 6}, {"style", 5}, {"svg", 3}, {"noscript", 8}};

/* The RAW_SKIP element whose start tag begins at r ('<' included, left bytes), or -1. */
static int raw_skip_at(const char *r, size_t left)
{
    int c0 = left > 1 ? lcase((unsigned char)r[1]) : 0;
    if (c0 != 's' && c0 != 'n')
        return -1;
    for (size_t k = 0; k < NDX_ARRAY_LEN(RAW_SKIP); k++) {
        size_t m = RAW_SKIP[k].len;
        if (left <= m + 1)
            continue;
        size_t i = 0;
        while (i < m && lcase((unsigned char)r[1 + i]) == RAW_SKIP[k].name[i])
            i++;
        char c = r[1 + m];
        if (i == m && (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/'))
            return (int)k;
    }
    return -1;
}

/* Attributes the tree builder reads (build_start, handle_meta); prestrip drops the others. */
static const char *const KEEP_ATTRS[] = {
    "class",       "id",   "itemprop", "rel",      "role", "datetime", "style",   "hidden",
    "aria-hidden", "type", "lang",     "xml:lang", "name", "property", "content", "http-equiv",
};

/* What libxml2 2.9-2.11 accept in tag and attribute names (htmlParseHTMLName), and its blanks. */
static bool name_char(unsigned char c)
{
    static const uint32_t bits[8] = {0, 0x07ff6000, 0x87fffffe, 0x07fffffe, 0, 0, 0, 0};
    return (bits[c >> 5] >> (c & 31)) & 1;
}

static bool name_start(unsigned char c)
{
    return name_char(c) && c != '-' && !(c >= '0' && c <= '9');
}

static bool blank_char(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *e)
{
    while (p < e && blank_char((unsigned char)*p))
        p++;
    return p;
}

/* libxml2 reads at most this many characters as one name and starts a new one after them. */
#define HTML_NAME_MAX 100

static const char *scan_name(const char *p, const char *e)
{
    const char *lim = (size_t)(e - p) > HTML_NAME_MAX ? p + HTML_NAME_MAX : e;
    while (p < lim && name_char((unsigned char)*p))
        p++;
    return p;
}

bool ndx__html_keep_attr(const char *a, size_t n, bool is_link)
{
    char low[12];
    if (n > sizeof low || n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)lcase((unsigned char)a[i]);
    if (n == 4 && is_link && !memcmp(low, "href", 4))
        return true;
    for (size_t k = 0; k < NDX_ARRAY_LEN(KEEP_ATTRS); k++)
        if (low[0] == KEEP_ATTRS[k][0] && strlen(KEEP_ATTRS[k]) == n &&
            !memcmp(low, KEEP_ATTRS[k], n))
            return true;
    return false;
}

/* Whether the n bytes at p are `word` (upper case) in any case. */
static bool ci_word(const char *p, size_t n, const char *word)
{
    size_t m = strlen(word);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++)
        if ((p[i] & ~0x20) != word[i])
            return false;
    return true;
}

/* A quoted literal at p: the end past its closing quote, or e when it is never closed. */
static const char *skip_literal(const char *p, const char *e)
{
    if (p >= e || (*p != '"' && *p != '\''))
        return p;
    const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));
    return q ? q + 1 : e;
}

/*
 * The end of the <!DOCTYPE at r as libxml2 2.9 reads it (htmlParseDocTypeDecl): the name, then
 * SYSTEM "uri" or PUBLIC "id" ["uri"], whose quoted literals run to their closing quote whatever
 * they hold (a truncated declaration swallows the tags up to the next quote), then up to the next
 * '>'.  The pre-pass copies that unchanged.
 */
static const char *doctype_end(const char *r, const char *e)
{
    const char *p = skip_blanks(r + 9, e);
    while (p < e && (name_char((unsigned char)*p) || (unsigned char)*p >= 0x80))
        p++;
    p = skip_blanks(p, e);
    if (ci_word(p, (size_t)(e - p), "SYSTEM")) {
        p = skip_literal(skip_blanks(p + 6, e), e);
    } else if (ci_word(p, (size_t)(e - p), "PUBLIC")) {
        p = skip_literal(skip_blanks(p + 6, e), e);
        p = skip_literal(skip_blanks(p, e), e);
    }
    const char *gt = p < e ? memchr(p, '>', (size_t)(e - p)) : NULL;
    return gt ? gt + 1 : e;
}

/*
 * The start tag at r ('<' and an ASCII letter) copied to w with only the attributes of KEEP_ATTRS
 * (and href on <link>), each byte for byte.  The tag is read the way libxml2's htmlParseStartTag
 * reads it, recovery from bogus attributes included, so the parser sees the same tag, element
 * and kept attributes as in the page, and the text after the tag starts at the same byte.
 * Returns the end of the tag and sets *wend, or NULL when the tag runs to the end of the page
 * (the caller then copies the rest unchanged).
 */
static const char *slim_tag(const char *r, const char *e, char *w, char **wend)
{
    const char *p = scan_name(r + 1, e);
    bool is_link = p - r == 5 && lcase((unsigned char)r[1]) == 'l' &&
                   lcase((unsigned char)r[2]) == 'i' && lcase((unsigned char)r[3]) == 'n' &&
                   lcase((unsigned char)r[4]) == 'k';
    memcpy(w, r, (size_t)(p - r));
    w += p - r;
    p = skip_blanks(p, e);
    while (p < e && *p != '>' && !(*p == '/' && p + 1 < e && p[1] == '>')) {
        if (!name_start((unsigned char)*p)) {
            /* bogus attribute: libxml2 drops it up to the next blank or the end of the tag */
            while (p < e && !blank_char((unsigned char)*p) && *p != '>' &&
                   !(*p == '/' && p + 1 < e && p[1] == '>'))
                p++;
            p = skip_blanks(p, e);
            continue;
        }
        const char *a = p, *aend = scan_name(p, e);
        const char *t = skip_blanks(aend, e), *end = aend;
        if (t < e && *t == '=') {
            t = skip_blanks(t + 1, e);
            if (t < e && (*t == '"' || *t == '\'')) {
                const char *c = memchr(t + 1, *t, (size_t)(e - t - 1));
                if (!c)
                    return NULL;
                t = c + 1;
            } else {
                while (t < e && !blank_char((unsigned char)*t) && *t != '>')
                    t++;
            }
            end = t;
        }
        if (ndx__html_keep_attr(a, (size_t)(aend - a), is_link)) {
            *w++ = ' ';
            memcpy(w, a, (size_t)(end - a));
            w += end - a;
        }
        p = skip_blanks(t, e);
    }
    if (p >= e)
        return NULL;
    size_t m = *p == '>' ? 1 : 2;
    memcpy(w, p, m);
    *wend = w + m;
    return p + m;
}

/*
 * Copy text [r, e) to w with the run of white space (space, tab, CR, LF) that opens it and the one
 * that ends it cut to their first character: the tree builder turns any run into one space (in
 * <pre> too), and libxml2 reads text a character at a time; most of a page's white space is the
 * indentation between tags.  Returns the end of the copy.
 */
static char *copy_text_squeezed(char *w, const char *r, const char *e)
{
    const char *p = r, *q = e;
    while (p < e && blank_char((unsigned char)*p))
        p++;
    if (p > r)
        *w++ = *r;
    if (p == e)
        return w;
    while (q > p && blank_char((unsigned char)q[-1]))
        q--;
    memcpy(w, p, (size_t)(q - p));
    w += q - p;
    if (q < e)
        *w++ = *q;
    return w;
}

/*
 * Copy the page to out without the contents of <script> (JSON-LD kept), <style>, <svg> and
 * <noscript>, and without comments: a third to a half of a modern page, which libxml2 would
 * otherwise scan character by character only for the handlers to drop it (these elements are
 * skipped in the tree anyway).  The tags themselves stay, so the parse sees the same structure.
 * The content ends at the first end tag of the element's name; an unclosed comment runs to the
 * end of the page.  With `slim`, start tags also lose the attributes the tree builder never reads
 * (slim_tag): most of what is left of a page is class lists, links, data- and style attributes,
 * which libxml2 copies character by character.  out gets a NUL after the copy.  keep_noscript:
 * <noscript> content is copied (the fallback pass of ndx__extract_html).
 */
void ndx__html_prestrip(const char *s, size_t n, bool keep_noscript, bool slim, struct ndx_buf *out,
                        int *rc)
{
    if (ndx__buf_reserve(out, n + 1)) {
        *rc = NDX_ENOMEM;
        return;
    }
    const char *r = s, *e = s + n;
    char *w = (char *)out->p;
    /* libxml2 takes a NUL byte for the end of its input at some places only: no slimming then */
    if (slim && memchr(s, 0, n))
        slim = false;
    while (r < e) {
        const char *lt = memchr(r, '<', (size_t)(e - r));
        if (!lt) {
            memcpy(w, r, (size_t)(e - r));
            w += e - r;
            break;
        }
        if (slim)
            w = copy_text_squeezed(w, r, lt);
        else {
            memcpy(w, r, (size_t)(lt - r));
            w += lt - r;
        }
        r = lt;
        size_t left = (size_t)(e - r);
        if (left >= 4 && r[1] == '!' && r[2] == '-' && r[3] == '-') {
            const char *end = memmem(r + 4, left - 4, "-->", 3);
            r = end ? end + 3 : e;
            continue;
        }
        if (slim && left >= 9 && r[1] == '!' && ci_word(r + 2, left - 2, "DOCTYPE")) {
            const char *end = doctype_end(r, e);
            memcpy(w, r, (size_t)(end - r));
            w += end - r;
            r = end;
            continue;
        }
        int k = raw_skip_at(r, left);
        if (keep_noscript && k == 3)
            k = -1;
        const char *gt = k >= 0 ? memchr(r, '>', left) : NULL;
        if (gt) {
            size_t taglen = (size_t)(gt + 1 - r);
            bool keep = k == 0 && memmem(r, taglen, "ld+json", 7) != NULL;
            const char *close = find_close(gt + 1, e, RAW_SKIP[k].name, RAW_SKIP[k].len);
            if (keep) {
                /* JSON-LD goes through as it is; unclosed, the parser reads the rest as script */
                taglen = close ? (size_t)(close - r) : left;
                memcpy(w, r, taglen);
                w += taglen;
                r += taglen;
                continue;
            }
            if (close) {
                memcpy(w, r, taglen);
                w += taglen;
                r = close;
                continue;
            }
        }
        if (slim && left > 1 && ((r[1] | 0x20) >= 'a' && (r[1] | 0x20) <= 'z')) {
            char *wend;
            const char *t = slim_tag(r, e, w, &wend);
            if (!t) {
                memcpy(w, r, left);
                w += left;
                break;
            }
            w = wend;
            r = t;
            continue;
        }
        if (slim && left > 2 && r[1] == '/' && name_start((unsigned char)r[2])) {
            /* an end tag runs to the next '>' whatever it holds */
            const char *close = memchr(r, '>', left);
            size_t m = close ? (size_t)(close + 1 - r) : left;
            memcpy(w, r, m);
            w += m;
            r += m;
            continue;
        }
        *w++ = *r++;
    }
    *w = 0;
    out->n = (size_t)(w - (char *)out->p);
}

const int ndx__html_options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;

static void init_libxml(void)
{
    xmlInitParser();
    init_tables();
}

static int parse_page(const char *html, size_t n, struct ndx_xdoc *d)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_libxml);
    if (n > INT32_MAX)
        return NDX_ETOOBIG;
    new_node(d, 0, T_OTHER); /* root */
    if (d->rc)
        return d->rc;
    struct ndx_buf page;
    ndx__buf_init(&page, 0);
    ndx__html_prestrip(html, n, d->keep_noscript, true, &page, &d->rc);
    if (d->rc || !page.n) {
        ndx__buf_free(&page);
        return d->rc;
    }
    struct saxstate *S = ndx_malloc(sizeof *S);
    htmlParserCtxtPtr ctxt = S ? htmlNewParserCtxt() : NULL;
    xmlParserInputBufferPtr in =
        ctxt ? xmlParserInputBufferCreateMem((const char *)page.p, (int)page.n,
                                             XML_CHAR_ENCODING_NONE)
             : NULL;
    xmlParserInputPtr stream = in ? xmlNewIOInputStream(ctxt, in, XML_CHAR_ENCODING_NONE) : NULL;
    if (!stream) {
        if (in)
            xmlFreeParserInputBuffer(in);
        if (ctxt)
            htmlFreeParserCtxt(ctxt);
        ndx_free(S);
        ndx__buf_free(&page);
        return NDX_ENOMEM;
    }
    inputPush(ctxt, stream);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    memset(S, 0, sizeof *S);
    S->b.d = d;
    S->ctxt = ctxt;
    htmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = sax_start;
    sax->endElement = sax_end;
    sax->characters = sax_chars;
    sax->ignorableWhitespace = sax_chars;
    sax->cdataBlock = sax_chars;
    sax->serror = sax_error;
    sax->initialized = XML_SAX2_MAGIC;
    ctxt->userData = S;
    htmlCtxtUseOptions(ctxt, ndx__html_options);
    htmlParseDocument(ctxt);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    ndx__buf_free(&page);
    ndx_free(S->st);
    /* close whatever is still open in the tree */
    for (uint32_t c = S->b.cur; c && c < d->nn; c = d->n[c].parent)
        d->n[c].end = d->nn;
    d->n[0].end = d->nn;
    ndx_free(S);
    return d->rc;
}

/* ---- analysis ----------------------------------------------------------------------------- */

static inline uint8_t cls_of(const struct ndx_xnode *x)
{
    return x->tag < T_NTAGS ? tag_class[x->tag] : 0;
}

/* Mark boilerplate and compute text statistics.  `use_classes`: also remove F_NEG nodes. */
static void analyze(struct ndx_xdoc *d, bool use_classes)
{
    uint32_t nn = d->nn;
    struct ndx_xnode *N = d->n;
    /* raw text weight per node, for the "wrapper" safety check */
    for (uint32_t i = 0; i < nn; i++) {
        N[i].flags &= (uint16_t) ~(F_REMOVED | F_INLINK | F_CAND | F_OUT | F_PATH);
        if (N[i].tag != TX) {
            N[i].chars = 0;
            N[i].link = 0;
            N[i].direct = 0;
            N[i].commas = 0;
        }
        N[i].score = 0;
    }
    /* link inheritance, block ancestor */
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        const struct ndx_xnode *p = &N[x->parent];
        x->flags |= p->flags & F_INLINK;
        if (x->tag == T_A)
            x->flags |= F_INLINK;
        x->blk = x->tag == TX ? p->blk : (cls_of(x) & C_BLOCK) ? i : p->blk;
    }
    /* raw totals (bottom-up): text weight in `direct`, link text weight in `link` */
    for (uint32_t i = nn; i-- > 1;) {
        struct ndx_xnode *x = &N[i];
        struct ndx_xnode *p = &N[x->parent];
        if (x->tag == TX) {
            p->direct += x->chars;
            if (x->flags & F_INLINK)
                p->link += x->chars;
        } else {
            p->direct += x->direct;
            p->link += x->link;
        }
    }
    uint32_t total = N[0].direct;
    /* Hidden elements holding most of the page's text are revealed by a script (pages streamed
     * in hidden chunks): then hidden does not mean boilerplate. */
    uint64_t hidden = 0;
    for (uint32_t i = 1, until = 0; i < nn; i++)
        if (i >= until && (N[i].flags & F_HIDDEN)) {
            hidden += N[i].direct;
            until = N[i].end;
        }
    bool shown = hidden * 2 > total;
    /* The largest element named as the article body ("article-body", itemprop=articleBody) with
     * at least 500 of text: class words do not remove an element that wraps it and whose text is
     * mostly its text (a wrapper misnamed "pane-taxomenu", "sidebar-content"). */
    uint32_t bodyel = 0;
    for (uint32_t i = 1; i < nn; i++)
        if ((N[i].flags & F_BODYHINT) && N[i].tag != TX && N[i].direct >= 500 &&
            (!bodyel || N[i].direct > N[bodyel].direct))
            bodyel = i;
    /* top-down: removal */
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        x->flags |= N[x->parent].flags & F_REMOVED;
        if (x->tag == TX || (x->flags & F_REMOVED))
            continue;
        uint8_t c = cls_of(x);
        bool rm = false;
        bool wrapper = x->tag == T_ARTICLE || x->tag == T_MAIN || x->tag == T_BODY;
        if ((x->flags & F_HIDDEN) && !shown)
            rm = true;
        else if (x->flags & F_BODYHINT)
            rm = false;
        else if (x->tag == T_HEADER && !(x->flags & F_ROLEBOIL) &&
                 (x->flags & (F_NEG | F_WEAKNEG)) == 0) {
            /* an article's <header> holds the headline and the lead; a page's header is links */
            rm = x->direct < 80 || x->link * 10 > x->direct * 3;
        } else if ((c & C_BOIL) || (x->flags & F_ROLEBOIL)) {
            /* a <header>/<nav>/<form>/<fieldset> wrapping most of the page is a layout wrapper;
             * a <header> or <aside> holding the headline holds the article's beginning */
            rm = x->direct * 10 <= total * 7 && !((x->tag == T_HEADER || x->tag == T_ASIDE) &&
                                                  d->h1_node > i && d->h1_node < x->end);
        } else if (use_classes && (x->flags & F_NEG) && !(x->flags & F_POS) && !wrapper) {
            /* a comment section can outweigh a short article: it goes unless it is the page */
            rm = x->direct * 10 < total * ((x->flags & F_COMMENTS) ? 9 : 6);
        } else if (use_classes && (x->flags & F_NEG) && (x->flags & F_POS)) {
            /* "article-comments", "post-meta": negative words win for small blocks */
            rm = x->direct * 10 < total * 3 && x->tag != T_ARTICLE && x->tag != T_MAIN;
        } else if (use_classes && (x->flags & F_WEAKNEG) && !wrapper) {
            /* "widget", "date", "header": only when short or mostly links */
            rm = x->direct < 80 || x->link * 10 > x->direct * 3;
        }
        if (rm && bodyel > i && bodyel < x->end && !(x->flags & (F_HIDDEN | F_ROLEBOIL)) &&
            !(c & C_BOIL) && N[bodyel].direct * 2 >= x->direct)
            rm = false;
        if (rm)
            x->flags |= F_REMOVED;
    }
    for (uint32_t i = 0; i < nn; i++)
        if (N[i].tag != TX)
            N[i].direct = N[i].link = 0;
    /* bottom-up stats over kept nodes */
    for (uint32_t i = nn; i-- > 1;) {
        struct ndx_xnode *x = &N[i];
        if (x->flags & F_REMOVED)
            continue;
        struct ndx_xnode *p = &N[x->parent];
        if (x->tag == TX) {
            if (x->flags & F_INLINK)
                x->link = x->chars;
            else
                x->link = 0;
            N[x->blk].direct += x->chars;
        }
        p->chars += x->chars;
        p->link += x->link;
        p->commas = (uint16_t)NDX_MIN(65535u, (uint32_t)p->commas + x->commas);
    }
}

static float tag_base(uint16_t tag)
{
    switch (tag) {
    case T_DIV:
    case T_ARTICLE:
        return 5;
    case T_MAIN:
    case T_SECTION:
        return 3;
    case T_PRE:
    case T_TD:
    case T_BLOCKQUOTE:
        return 3;
    case T_ADDRESS:
    case T_OL:
    case T_UL:
    case T_DL:
    case T_DD:
    case T_DT:
    case T_LI:
    case T_FORM:
        return -3;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_TH:
        return -5;
    default:
        return 0;
    }
}

static float link_density(const struct ndx_xnode *x)
{
    return x->chars ? (float)x->link / (float)x->chars : 0.0f;
}

static bool is_descendant(const struct ndx_xdoc *d, uint32_t anc, uint32_t i)
{
    return i > anc && i < d->n[anc].end;
}

/* Score paragraphs and their ancestors; returns the best container (0 if none). */
static uint32_t choose_top(struct ndx_xdoc *d)
{
    struct ndx_xnode *N = d->n;
    uint32_t nn = d->nn;
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        if (x->tag == TX || (x->flags & F_REMOVED))
            continue;
        uint8_t c = cls_of(x);
        uint32_t w;
        if (c & C_PARA)
            w = x->chars;
        else if (c & C_BLOCK)
            w = x->direct;
        else
            continue;
        if (w < 25)
            continue;
        if ((c & C_PARA) && x->tag != T_TD && link_density(x) > 0.5f)
            continue;
        uint32_t commas = x->commas;
        if (!(c & C_PARA)) {
            /* count only direct text commas: approximate by share */
            commas = x->chars ? (uint32_t)((uint64_t)commas * w / x->chars) : 0;
        }
        float s = 1.0f + (float)NDX_MIN(commas, 30u) + (float)NDX_MIN(w / 100, 3u);
        /* the block with direct text is itself a container of its text */
        uint32_t a = (c & C_PARA) ? x->parent : i;
        for (int level = 0; a && level < 5; level++) {
            struct ndx_xnode *y = &N[a];
            if (y->tag == T_HTML)
                break;
            if (!(y->flags & F_CAND)) {
                y->flags |= F_CAND;
                y->score = tag_base(y->tag) + (float)y->cls;
                if (y->tag == T_ARTICLE || (y->flags & F_ARTICLEISH))
                    y->score += 10;
                if (a == d->body_node)
                    y->score += 25;
            }
            float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
            y->score += s / div;
            a = y->parent;
        }
    }
    uint32_t top = 0;
    float best = 0;
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        if (!(x->flags & F_CAND))
            continue;
        x->score *= 1.0f - link_density(x);
        if (x->score > best) {
            best = x->score;
            top = i;
        }
    }
    if (!top)
        return 0;
    uint32_t first = top;
    /* Several good candidates under one ancestor: take the ancestor. */
    uint32_t alts[8];
    size_t nalts = 0;
    for (uint32_t i = 1; i < nn && nalts < 8; i++)
        if ((N[i].flags & F_CAND) && i != top && N[i].score >= best * 0.75f &&
            !is_descendant(d, top, i) && !is_descendant(d, i, top))
            alts[nalts++] = i;
    if (nalts >= 2) {
        for (uint32_t a = N[top].parent; a && N[a].tag != T_BODY && N[a].tag != T_HTML;
             a = N[a].parent) {
            size_t in = 0;
            for (size_t k = 0; k < nalts; k++)
                if (is_descendant(d, a, alts[k]))
                    in++;
            if (in >= 2) {
                top = a;
                break;
            }
        }
    }
    /* climb while the parent scores higher */
    float last = N[top].score;
    float thr = last / 3.0f;
    for (uint32_t a = N[top].parent; a && N[a].tag != T_BODY && N[a].tag != T_HTML;
         a = N[a].parent) {
        if (!(N[a].flags & F_CAND))
            continue;
        if (N[a].score < thr)
            break;
        if (N[a].score > last) {
            top = a;
            break;
        }
        last = N[a].score;
    }
    /* only child with text: use the parent */
    while (N[top].parent && N[N[top].parent].tag != T_BODY && N[N[top].parent].tag != T_HTML &&
           N[top].parent != 0 && N[N[top].parent].chars == N[top].chars)
        top = N[top].parent;
    /* the best-scored block and its ancestors up to the top are never left out as link-heavy */
    for (uint32_t a = first; a && a != top; a = N[a].parent)
        N[a].flags |= F_PATH;
    return top;
}

/* Mark top and the siblings that belong with it (F_OUT). */
static void choose_siblings(struct ndx_xdoc *d, uint32_t top)
{
    struct ndx_xnode *N = d->n;
    N[top].flags |= F_OUT;
    uint32_t par = N[top].parent;
    if (!par)
        return;
    float thr = NDX_MAX(10.0f, N[top].score * 0.2f);
    for (uint32_t s = N[par].first; s; s = N[s].next) {
        struct ndx_xnode *x = &N[s];
        if (s == top || (x->flags & F_REMOVED) || x->tag == TX)
            continue;
        bool take = false;
        float bonus = 0;
        if (N[top].len && x->len == N[top].len &&
            !memcmp(d->attr.p + x->off, d->attr.p + N[top].off, x->len))
            bonus = N[top].score * 0.2f;
        if ((x->flags & F_CAND) && x->score + bonus >= thr)
            take = true;
        else if (x->tag == T_P || (cls_of(x) & C_BLOCK && (x->direct == x->chars || s < top))) {
            /* text blocks; before the body also containers of them (a lead paragraph) */
            float ld = link_density(x);
            if (x->chars > 80 && ld < 0.25f && x->cls >= 0 && !(cls_of(x) & C_HEAD))
                take = true;
            else if (x->chars > 0 && x->chars <= 80 && ld == 0.0f && x->tag == T_P)
                take = x->commas > 0 || x->chars > 30; /* a short sentence */
        }
        if (take)
            x->flags |= F_OUT;
    }
    /* a heading that introduces a chosen block */
    for (uint32_t s = N[par].first; s; s = N[s].next) {
        struct ndx_xnode *x = &N[s];
        uint32_t nx = x->next;
        while (nx && N[nx].tag == TX && N[nx].chars == 0)
            nx = N[nx].next;
        if ((cls_of(x) & C_HEAD) && !(x->flags & (F_REMOVED | F_OUT)) && nx &&
            (N[nx].flags & F_OUT) && link_density(x) <= 0.5f && x->cls >= 0)
            x->flags |= F_OUT;
    }
}

/* ---- output ------------------------------------------------------------------------------- */

/* Should this element inside the content be left out? (readability's "clean conditionally") */
static bool drop_inside(const struct ndx_xdoc *d, uint32_t i)
{
    const struct ndx_xnode *x = &d->n[i];
    uint8_t c = cls_of(x);
    if (x->flags & F_REMOVED)
        return true;
    if (x->tag == TX || !(c & C_BLOCK) || (x->flags & F_PATH))
        return false;
    if (x->chars == 0)
        return false;
    float ld = link_density(x);
    if (c & C_HEAD)
        return ld > 0.5f || x->cls < 0;
    if (x->tag == T_P)
        return ld > 0.6f && x->chars < 300;
    if (x->commas >= 10 && ld < 0.3f)
        return false;
    bool list = (c & C_LIST) != 0;
    if (x->tag == T_LI)
        return ld > 0.6f && x->chars < 200;
    if (ld > 0.5f)
        return true;
    if (!list && x->cls < 0 && ld > 0.2f)
        return true;
    if (x->cls < 25 && ld > 0.33f && x->chars < 500 && x->tag != T_TABLE)
        return true;
    return false;
}

struct out {
    struct ndx_buf b;
    int rc;
    bool nl; /* last output was a paragraph break */
    bool sp; /* last output was a space */
    /* the last paragraph written, when it is a heading or a short line ending with ':' and
     * nothing followed it yet: [intro_start, intro_end) */
    bool intro;
    size_t intro_start, intro_end;
};

/* A left-out element that is boilerplate with text (not a picture, not hidden): a heading just
 * before it introduces it ("Related articles", "Comments", "Subscribe to our newsletter"). */
static bool is_boilerplate_block(const struct ndx_xdoc *d, uint32_t i)
{
    const struct ndx_xnode *x = &d->n[i];
    if ((x->flags & F_HIDDEN) || x->tag == T_FIGURE || x->tag == T_H1 || x->tag == T_TIME)
        return false;
    uint32_t w = 0, l = 0;
    for (uint32_t k = i + 1; k < x->end; k++)
        if (d->n[k].tag == TX) {
            w += d->n[k].chars;
            if (d->n[k].flags & F_INLINK)
                l += d->n[k].chars;
        }
    /* links (a list of articles), or a form, a navigation, a box beside the text */
    return w >= 50 && (l * 2 > w || x->tag == T_FORM || x->tag == T_NAV || x->tag == T_ASIDE ||
                       (x->flags & F_ROLEBOIL));
}

/* Close an output block [start, b.n): a heading or a short line ending with ':' may introduce
 * what follows. */
static void out_block_end(struct out *o, const struct ndx_xnode *x, size_t start)
{
    size_t e = o->b.n;
    while (e > start && (o->b.p[e - 1] == ' ' || o->b.p[e - 1] == '\n'))
        e--;
    if (e == start)
        return;
    bool head = (cls_of(x) & C_HEAD) && e - start <= 100;
    bool colon = e - start <= 60 && o->b.p[e - 1] == ':';
    if (head || colon) {
        o->intro = true;
        o->intro_start = start;
        o->intro_end = e;
    }
}

static void out_break(struct out *o)
{
    if (!o->nl && o->b.n) {
        /* trim trailing space */
        while (o->b.n && o->b.p[o->b.n - 1] == ' ')
            o->b.n--;
        ndx__buf_putc(&o->b, '\n', &o->rc);
    }
    o->nl = true;
    o->sp = true;
}

static void out_text(struct out *o, const char *s, size_t n)
{
    if (o->rc)
        return;
    if (ndx__buf_reserve(&o->b, n + 1)) {
        o->rc = NDX_ENOMEM;
        return;
    }
    uint8_t *w = o->b.p + o->b.n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            if (o->sp)
                continue;
            o->sp = true;
            *w++ = ' ';
            continue;
        }
        *w++ = (uint8_t)s[i];
        o->sp = false;
        o->nl = false;
    }
    *w = 0;
    o->b.n = (size_t)(w - o->b.p);
    if (o->intro && o->b.n > o->intro_end + 1)
        o->intro = false; /* text after the heading */
}

/* Write the text of subtree `root` (explicit walk over the index range). */
static void emit(const struct ndx_xdoc *d, uint32_t root, struct out *o, bool clean)
{
    const struct ndx_xnode *N = d->n;
    /* stack of open block elements to close with a break */
    uint32_t stack[MAX_DEPTH + 4];
    size_t bstart[MAX_DEPTH + 4];
    size_t sp = 0;
    uint32_t i = root;
    uint32_t end = N[root].end;
    while (i < end) {
        while (sp && i >= N[stack[sp - 1]].end) {
            sp--;
            out_block_end(o, &N[stack[sp]], bstart[sp]);
            out_break(o);
        }
        const struct ndx_xnode *x = &N[i];
        if (x->tag == TX) {
            out_text(o, (const char *)d->text.p + x->off, x->len);
            i++;
            continue;
        }
        if (i != root && ((x->flags & F_REMOVED) || (clean && drop_inside(d, i)))) {
            if (o->intro && is_boilerplate_block(d, i)) {
                /* the heading of a left-out block goes with it */
                o->b.n = o->intro_start;
                o->intro = false;
                o->nl = o->sp = true;
            }
            i = x->end;
            continue;
        }
        if (x->tag == T_H1) { /* the headline: it is the title */
            i = x->end;
            continue;
        }
        if (x->tag == T_TIME && d->n[x->blk].chars <= x->chars + 2 && x->chars < 60) {
            /* a date on its own line */
            i = x->end;
            continue;
        }
        if (x->tag == T_BR) {
            out_break(o);
            i++;
            continue;
        }
        uint8_t c = cls_of(x);
        if ((c & C_BLOCK) && sp < NDX_ARRAY_LEN(stack)) {
            out_break(o);
            bstart[sp] = o->b.n;
            stack[sp++] = i;
        } else if (x->tag == T_TD || x->tag == T_TH) {
            out_text(o, " ", 1);
        }
        i++;
    }
    while (sp) {
        sp--;
        out_block_end(o, &N[stack[sp]], bstart[sp]);
        out_break(o);
    }
    out_break(o);
}

static bool is_boring_line(const char *s, size_t n)
{
    /* lines with no letters or digits at all */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80)
            return false;
    }
    return true;
}

/* Labels of picture credits, source notes and post metadata ("Foto: ...", "Image credit: ...",
 * "Quelle: ...", "Tags: ...", "Last modified: ..."), lower-cased in ASCII (so words starting with
 * another letter are listed capitalised too); a short line that starts with one of them and a
 * colon, or that holds a copyright sign, is not article text. */
static const char *const CREDIT_LABELS[] = {
    "foto",           "fotos",         "photo",         "photos",         "bild",
    "bilder",         "image",         "images",        "credit",         "credits",
    "photo credit",   "image credit",  "photo credits", "image source",   "picture",
    "copyright",      "quelle",        "bildquelle",    "fotoquelle",     "quellen",
    "quellenangaben", "abbildung",     "abb.",          "titelbild",      "beitragsbild",
    "titelfoto",      "crédit",        "crédits",       "crédits photos", "crédit photo",
    "źródło",         "\xc5\xb9ródło", "fuente",        "fotografía",     "fotografia",
    "foto di",        "zdjęcie",       "tags",          "schlagwörter",   "kategorie",
    "kategorien",     "category",      "categories",    "filed under",    "posted",
    "posted on",      "published",     "published on",  "news date",      "updated",
    "last modified",  "last updated",  "aktualisiert",  "veröffentlicht", "veröffentlichung",
    "verfasst von",   "erstellt am",
};

static bool is_credit_line(const char *s, size_t n)
{
    /* a short line with a copyright sign: a picture credit or the site's copyright notice */
    if (n < 200 && memmem(s, n, "\xc2\xa9", 2))
        return true;
    if (n < 400 && n >= 2 && !memcmp(s, "\xc2\xa9", 2))
        return true;
    if (n > 150)
        return false;
    if (*s == '(') { /* "(Foto: ...)" */
        s++;
        n--;
    }
    const char *colon = memchr(s, ':', NDX_MIN(n, (size_t)24));
    if (!colon)
        return false;
    char low[24];
    size_t m = 0;
    for (const char *p = s; p < colon; p++)
        low[m++] = (char)lcase((unsigned char)*p);
    /* "Abbildung 4:", "Foto :" */
    while (m && (low[m - 1] == ' ' || (low[m - 1] >= '0' && low[m - 1] <= '9')))
        m--;
    for (size_t k = 0; k < NDX_ARRAY_LEN(CREDIT_LABELS); k++)
        if (strlen(CREDIT_LABELS[k]) == m && !memcmp(low, CREDIT_LABELS[k], m))
            return true;
    return false;
}

/* Words of calls to subscribe ("Sign up to our newsletter", "Abonnieren Sie ...", "Zapraszamy do
 * subskrypcji"), looked for in the last lines of the text only. */
static const char *const CTA_WORDS[] = {"newsletter", "subscri",    "sign up",  "signing up",
                                        "abonnier",   "abonnement", "subskryp", "suscrib"};

static bool is_cta_line(const char *s, size_t n)
{
    if (n >= 200)
        return false;
    char low[200];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)lcase((unsigned char)s[i]);
    for (size_t k = 0; k < NDX_ARRAY_LEN(CTA_WORDS); k++)
        if (memmem(low, n, CTA_WORDS[k], strlen(CTA_WORDS[k])))
            return true;
    return false;
}

/* Drop calls to subscribe among the last three lines of out. */
static void drop_tail_cta(struct ndx_buf *out)
{
    const char *p = (const char *)out->p;
    size_t end = out->n;
    for (int k = 0; k < 3 && end; k++) {
        size_t start = end;
        while (start && p[start - 1] != '\n')
            start--;
        if (is_cta_line(p + start, end - start)) {
            /* the line goes with the line break before it (after it, for the first line) */
            size_t a = start ? start - 1 : 0, z = start || end == out->n ? end : end + 1;
            memmove(out->p + a, out->p + z, out->n - z);
            out->n -= z - a;
        }
        end = start ? start - 1 : 0;
    }
    if (out->p)
        out->p[out->n] = 0; /* the buffer stays a C string */
}

/* Trim lines (ideographic spaces too), drop empty, symbol-only and credit lines and calls to
 * subscribe at the end; write '\n'-separated paragraphs to out. */
static void finish_text(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        size_t a = i, b = j;
        /* spaces, and the ideographic spaces that indent Chinese and Japanese paragraphs */
        for (;;) {
            if (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
                a++;
            else if (b - a >= 3 && !memcmp(s + a, "\xe3\x80\x80", 3))
                a += 3;
            else
                break;
        }
        for (;;) {
            if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
                b--;
            else if (b - a >= 3 && !memcmp(s + b - 3, "\xe3\x80\x80", 3))
                b -= 3;
            else
                break;
        }
        if (b > a && !is_boring_line(s + a, b - a) && !is_credit_line(s + a, b - a)) {
            if (out->n)
                ndx__buf_putc(out, '\n', rc);
            ndx__buf_append(out, s + a, b - a, rc);
        }
        i = j + 1;
    }
    drop_tail_cta(out);
}

static size_t text_weight(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || (c & 0xC0) == 0x80)
            continue;
        w += (c >= 0xE3 && c <= 0xED) ? 2 : 1;
    }
    return w;
}

void ndx__xnode_text(const struct ndx_xdoc *d, uint32_t i, size_t max, struct ndx_buf *out, int *rc)
{
    if (i >= d->nn)
        return;
    bool sp = out->n == 0 || out->p[out->n - 1] == ' ';
    uint32_t ends[MAX_DEPTH + 4];
    size_t ne = 0;
    for (uint32_t k = i; k < d->n[i].end && out->n < max; k++) {
        const struct ndx_xnode *x = &d->n[k];
        bool brk = false;
        while (ne && k >= ends[ne - 1]) {
            ne--;
            brk = true; /* a block ended */
        }
        if (x->tag != TX) {
            if (x->tag == T_BR || (cls_of(x) & C_BLOCK)) {
                brk = true;
                if ((cls_of(x) & C_BLOCK) && ne < NDX_ARRAY_LEN(ends))
                    ends[ne++] = x->end;
            }
        }
        if (brk && !sp) {
            ndx__buf_putc(out, ' ', rc);
            sp = true;
        }
        if (x->tag != TX)
            continue;
        const char *s = (const char *)d->text.p + x->off;
        for (uint32_t j = 0; j < x->len; j++) {
            if (s[j] == ' ') {
                if (sp)
                    continue;
                sp = true;
            } else
                sp = false;
            ndx__buf_putc(out, s[j], rc);
        }
    }
}

/* Body for one configuration: returns the top node (0: nothing). */
static uint32_t extract_body(struct ndx_xdoc *d, bool use_classes, struct ndx_buf *body, int *rc)
{
    analyze(d, use_classes);
    uint32_t top = 0;
    if (d->body_node && !(d->n[d->body_node].flags & F_REMOVED) &&
        d->n[d->body_node].chars >= 100) {
        top = d->body_node;
        d->n[top].flags |= F_OUT;
    } else {
        top = choose_top(d);
        if (!top)
            return 0;
        choose_siblings(d, top);
    }
    struct out o;
    memset(&o, 0, sizeof o);
    ndx__buf_init(&o.b, 0);
    uint32_t par = d->n[top].parent;
    if ((d->n[top].flags & F_OUT) && par && d->n[top].parent && top != d->body_node) {
        for (uint32_t s = d->n[par].first; s; s = d->n[s].next)
            if (d->n[s].flags & F_OUT)
                emit(d, s, &o, true);
    } else {
        emit(d, top, &o, true);
    }
    if (o.intro) /* a heading with nothing after it */
        o.b.n = o.intro_start;
    if (!o.rc)
        finish_text((const char *)o.b.p, o.b.n, body, rc);
    else
        *rc = o.rc;
    ndx__buf_free(&o.b);
    return top;
}

/* ---- public entry points ------------------------------------------------------------------ */

void ndx__extract_init(struct ndx_extract *e)
{
    memset(e, 0, sizeof *e);
    ndx__buf_init(&e->url, 0);
    ndx__buf_init(&e->title, 0);
    ndx__buf_init(&e->byline, 0);
    ndx__buf_init(&e->body, 0);
    ndx__buf_init(&e->lang, 0);
    ndx__buf_init(&e->source, 0);
    e->published = NDX_DATE_UNKNOWN;
}

void ndx__extract_free(struct ndx_extract *e)
{
    ndx__buf_free(&e->url);
    ndx__buf_free(&e->title);
    ndx__buf_free(&e->byline);
    ndx__buf_free(&e->body);
    ndx__buf_free(&e->lang);
    ndx__buf_free(&e->source);
    ndx__extract_init(e);
}

static void xdoc_free(struct ndx_xdoc *d)
{
    ndx_free(d->n);
    ndx__buf_free(&d->text);
    ndx__buf_free(&d->attr);
    ndx__buf_free(&d->title);
    ndx__buf_free(&d->ldjson);
    memset(d, 0, sizeof *d);
}

/* Split a JSON-LD articleBody into paragraphs (it is plain text, sometimes with HTML tags). */
static void ld_body_to_text(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    struct ndx_buf t;
    ndx__buf_init(&t, 0);
    bool intag = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '<' && i + 1 < n && (s[i + 1] == '/' || (s[i + 1] >= 'a' && s[i + 1] <= 'z'))) {
            intag = true;
            /* block tags become breaks */
            if (i + 2 < n && (s[i + 1] == 'p' || s[i + 1] == 'b' || s[i + 2] == 'p' ||
                              s[i + 1] == 'h' || s[i + 2] == 'h'))
                ndx__buf_putc(&t, '\n', rc);
            continue;
        }
        if (intag) {
            if (c == '>')
                intag = false;
            continue;
        }
        if (c == '\r' || c == '\t')
            c = ' ';
        ndx__buf_putc(&t, c, rc);
    }
    /* collapse spaces inside lines */
    struct ndx_buf u;
    ndx__buf_init(&u, 0);
    bool sp = false;
    for (size_t i = 0; i < t.n; i++) {
        char c = (char)t.p[i];
        if (c == ' ') {
            if (!sp)
                ndx__buf_putc(&u, ' ', rc);
            sp = true;
            continue;
        }
        sp = false;
        ndx__buf_putc(&u, c, rc);
    }
    if (!*rc)
        finish_text((const char *)u.p, u.n, out, rc);
    ndx__buf_free(&t);
    ndx__buf_free(&u);
}

static int extract_pass(const char *html, size_t n, const char *charset, const char *url,
                        size_t nurl, bool keep_noscript, struct ndx_extract *e, size_t *weight)
{
    int rc = 0;
    *weight = 0;
    struct ndx_buf u8;
    ndx__buf_init(&u8, 0);
    const char *page = NULL;
    size_t npage = 0;
    rc = ndx__charset_view(html ? html : "", n, charset, &u8, &page, &npage);
    if (rc) {
        ndx__buf_free(&u8);
        return rc;
    }
    struct ndx_xdoc d;
    memset(&d, 0, sizeof d);
    d.keep_noscript = keep_noscript;
    ndx__buf_init(&d.text, 0);
    ndx__buf_init(&d.attr, 0);
    ndx__buf_init(&d.title, 0);
    ndx__buf_init(&d.ldjson, 0);
    rc = parse_page(page ? page : "", npage, &d);
    ndx__buf_free(&u8);
    if (rc) {
        xdoc_free(&d);
        return rc;
    }
    ndx__buf_reset(&e->body);
    uint32_t top = extract_body(&d, true, &e->body, &rc);
    size_t w = text_weight((const char *)e->body.p, e->body.n);
    if (!rc && w < 250) {
        /* too little: try again without the class/id rules */
        struct ndx_buf b2;
        ndx__buf_init(&b2, 0);
        uint32_t top2 = extract_body(&d, false, &b2, &rc);
        size_t w2 = text_weight((const char *)b2.p, b2.n);
        if (!rc && w2 > w * 2 && w2 >= 50) {
            ndx__buf_free(&e->body);
            e->body = b2;
            top = top2;
            w = w2;
        } else {
            ndx__buf_free(&b2);
            analyze(&d, true);
        }
    }
    /* JSON-LD articleBody when the page's markup gave much less */
    if (!rc) {
        struct ndx_buf ld;
        ndx__buf_init(&ld, 0);
        if (ndx__ldjson_body(&d, &ld)) {
            struct ndx_buf lt;
            ndx__buf_init(&lt, 0);
            ld_body_to_text((const char *)ld.p, ld.n, &lt, &rc);
            size_t wl = text_weight((const char *)lt.p, lt.n);
            if (!rc && wl > 2 * w + 100) {
                ndx__buf_free(&e->body);
                e->body = lt;
                w = wl;
            } else
                ndx__buf_free(&lt);
        }
        ndx__buf_free(&ld);
    }
    if (!rc)
        rc = ndx__extract_meta(&d, url, nurl, top, e);
    xdoc_free(&d);
    *weight = w;
    if (rc)
        return rc;
    if (w < 20)
        return NDX_EFORMAT;
    return NDX_OK;
}

int ndx__extract_html(const char *html, size_t n, const char *charset, const char *url, size_t nurl,
                      struct ndx_extract *e)
{
    if (!html && n)
        return NDX_EINVAL;
    if (n > NDX_EXTRACT_MAX_INPUT)
        return NDX_ETOOBIG;
    size_t w = 0;
    int rc = extract_pass(html, n, charset, url, nurl, false, e, &w);
    /* Near-empty: pages rendered by a script often carry the article in <noscript> (the no-script
     * copy of the page); parse it with the <noscript> content and keep that when it gives much
     * more. */
    if ((rc == NDX_OK || rc == NDX_EFORMAT) && w < 250 && html &&
        (memmem(html, n, "<noscript", 9) || memmem(html, n, "<NOSCRIPT", 9))) {
        struct ndx_extract e2;
        ndx__extract_init(&e2);
        size_t w2 = 0;
        int rc2 = extract_pass(html, n, charset, url, nurl, true, &e2, &w2);
        if (rc2 == NDX_OK && w2 > 2 * w + 100) {
            ndx__extract_free(e);
            *e = e2;
            return NDX_OK;
        }
        ndx__extract_free(&e2);
    }
    return rc;
}

int ndx_extract_html(const char *html, size_t n, const char *url, size_t nurl, ndx_article **out)
{
    if (!out)
        return NDX_EINVAL;
    *out = NULL;
    struct ndx_extract e;
    ndx__extract_init(&e);
    int rc = ndx__extract_html(html, n, NULL, url, nurl, &e);
    if (rc) {
        ndx__extract_free(&e);
        return rc;
    }
    struct ndx_buf *parts[] = {&e.url, &e.source, &e.title, &e.byline, &e.body, &e.lang};
    size_t total = sizeof(ndx_article);
    for (size_t i = 0; i < NDX_ARRAY_LEN(parts); i++)
        total += parts[i]->n + 1;
    ndx_article *a = ndx_malloc(total);
    if (!a) {
        ndx__extract_free(&e);
        return NDX_ENOMEM;
    }
    memset(a, 0, sizeof *a);
    char *p = (char *)(a + 1);
    const char *ptrs[NDX_ARRAY_LEN(parts)];
    for (size_t i = 0; i < NDX_ARRAY_LEN(parts); i++) {
        ptrs[i] = parts[i]->n ? p : NULL;
        if (parts[i]->n)
            memcpy(p, parts[i]->p, parts[i]->n);
        p[parts[i]->n] = 0;
        p += parts[i]->n + 1;
    }
    a->url = ptrs[0];
    a->nurl = e.url.n;
    a->source = ptrs[1];
    a->nsource = e.source.n;
    a->title = ptrs[2];
    a->ntitle = e.title.n;
    a->authors = ptrs[3];
    a->nauthors = e.byline.n;
    a->body = ptrs[4];
    a->nbody = e.body.n;
    a->lang = ptrs[5];
    a->nlang = e.lang.n;
    a->published = e.published;
    ndx__extract_free(&e);
    *out = a;
    return NDX_OK;
}
