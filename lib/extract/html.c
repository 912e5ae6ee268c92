/*
 * html.c - article extraction: the page goes through libxml2's tolerant HTML parser in SAX mode
 * into a compact tree (struct ndx_xdoc: no libxml2 tree, no recursion, depth capped), boilerplate
 * is marked (navigation, headers, footers, asides, forms, hidden elements, and class/id names such
 * as "comment", "related", "share", "cookie"), paragraphs are scored (length, commas, link
 * density) and their scores given to their ancestors; the best container wins, its siblings that
 * look like article text join it, and its text is written paragraph by paragraph with link lists
 * and short link-heavy blocks left out.  JSON-LD articleBody and itemprop=articleBody are used
 * when present.  All walks over the tree are loops over the node array (document order).
 * Rules: docs/EXTRACTION.md.
 */
#include "extract/extract.h"
#include "text/text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdlib.h>

/* ---- tags --------------------------------------------------------------------------------- */

enum {
    TX = 0, /* text node */
    T_OTHER, T_A, T_ADDRESS, T_ARTICLE, T_ASIDE, T_B, T_BLOCKQUOTE, T_BODY, T_BR, T_BUTTON,
    T_CAPTION, T_CENTER, T_DD, T_DETAILS, T_DIALOG, T_DIV, T_DL, T_DT, T_FIGCAPTION, T_FIGURE,
    T_FOOTER, T_FORM, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6, T_HEAD, T_HEADER, T_HR, T_HTML, T_IMG,
    T_INPUT, T_LI, T_LINK, T_MAIN, T_MENU, T_META, T_NAV, T_NOSCRIPT, T_OL, T_P, T_PRE, T_SCRIPT,
    T_SECTION, T_SELECT, T_SPAN, T_STYLE, T_SUMMARY, T_TABLE, T_TD, T_TEXTAREA, T_TH, T_TIME,
    T_TITLE, T_TR, T_UL, T_SKIPPED, T_INLINE, T_TBODY, T_HGROUP, T_FIELDSET, T_LEGEND, T_LABEL,
    T_OPTION
};

/* tag classes */
#define C_BLOCK 1     /* starts a new paragraph */
#define C_SKIP 2      /* content dropped at parse time */
#define C_BOIL 4      /* boilerplate container: removed */
#define C_HEAD 8      /* heading */
#define C_PARA 16     /* paragraph-like for scoring */
#define C_LIST 32

struct taginfo {
    const char *name;
    uint16_t tag;
    uint8_t cls;
};

/* sorted by name */
static const struct taginfo TAGS[] = {
    {"a", T_A, 0},
    {"abbr", T_INLINE, 0},
    {"address", T_ADDRESS, C_BLOCK},
    {"applet", T_SKIPPED, C_SKIP},
    {"article", T_ARTICLE, C_BLOCK},
    {"aside", T_ASIDE, C_BLOCK | C_BOIL},
    {"audio", T_SKIPPED, C_SKIP},
    {"b", T_B, 0},
    {"blockquote", T_BLOCKQUOTE, C_BLOCK | C_PARA},
    {"body", T_BODY, C_BLOCK},
    {"br", T_BR, 0},
    {"button", T_BUTTON, C_SKIP},
    {"canvas", T_SKIPPED, C_SKIP},
    {"caption", T_CAPTION, C_BLOCK},
    {"center", T_CENTER, C_BLOCK},
    {"dd", T_DD, C_BLOCK},
    {"details", T_DETAILS, C_BLOCK},
    {"dialog", T_DIALOG, C_BLOCK | C_BOIL},
    {"div", T_DIV, C_BLOCK},
    {"dl", T_DL, C_BLOCK | C_LIST},
    {"dt", T_DT, C_BLOCK},
    {"embed", T_SKIPPED, C_SKIP},
    {"fieldset", T_FIELDSET, C_BLOCK | C_BOIL},
    {"figcaption", T_FIGCAPTION, C_BLOCK},
    {"figure", T_FIGURE, C_BLOCK | C_BOIL},
    {"footer", T_FOOTER, C_BLOCK | C_BOIL},
    {"form", T_FORM, C_BLOCK | C_BOIL},
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
    {"iframe", T_SKIPPED, C_SKIP},
    {"img", T_IMG, 0},
    {"input", T_INPUT, C_SKIP},
    {"label", T_LABEL, 0},
    {"legend", T_LEGEND, C_BLOCK},
    {"li", T_LI, C_BLOCK},
    {"link", T_LINK, C_SKIP},
    {"main", T_MAIN, C_BLOCK},
    {"map", T_SKIPPED, C_SKIP},
    {"math", T_SKIPPED, C_SKIP},
    {"menu", T_MENU, C_BLOCK | C_BOIL},
    {"meta", T_META, C_SKIP},
    {"nav", T_NAV, C_BLOCK | C_BOIL},
    {"noscript", T_NOSCRIPT, C_SKIP},
    {"object", T_SKIPPED, C_SKIP},
    {"ol", T_OL, C_BLOCK | C_LIST},
    {"optgroup", T_OPTION, C_SKIP},
    {"option", T_OPTION, C_SKIP},
    {"p", T_P, C_BLOCK | C_PARA},
    {"picture", T_SKIPPED, C_SKIP},
    {"pre", T_PRE, C_BLOCK | C_PARA},
    {"script", T_SCRIPT, C_SKIP},
    {"section", T_SECTION, C_BLOCK},
    {"select", T_SELECT, C_SKIP},
    {"span", T_SPAN, 0},
    {"style", T_STYLE, C_SKIP},
    {"summary", T_SUMMARY, C_BLOCK},
    {"svg", T_SKIPPED, C_SKIP},
    {"table", T_TABLE, C_BLOCK},
    {"tbody", T_TBODY, C_BLOCK},
    {"td", T_TD, C_BLOCK | C_PARA},
    {"template", T_SKIPPED, C_SKIP},
    {"textarea", T_TEXTAREA, C_SKIP},
    {"tfoot", T_TBODY, C_BLOCK},
    {"th", T_TH, C_BLOCK},
    {"thead", T_TBODY, C_BLOCK},
    {"time", T_TIME, 0},
    {"title", T_TITLE, C_SKIP},
    {"tr", T_TR, C_BLOCK},
    {"ul", T_UL, C_BLOCK | C_LIST},
    {"video", T_SKIPPED, C_SKIP},
};

static uint8_t tag_class[T_OPTION + 1];

static const struct taginfo *tag_lookup(const char *name)
{
    size_t lo = 0, hi = NDX_ARRAY_LEN(TAGS);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, TAGS[mid].name);
        if (c == 0)
            return &TAGS[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static void init_tag_class(void)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(TAGS); i++)
        tag_class[TAGS[i].tag] = TAGS[i].cls;
    tag_class[T_OTHER] = 0;
}

/* node flags */
#define F_REMOVED 1    /* boilerplate: not output, not counted */
#define F_NEG 2        /* class/id says boilerplate */
#define F_POS 4        /* class/id says article */
#define F_HIDDEN 8
#define F_INLINK 16
#define F_CAND 32      /* got a score */
#define F_ROLEBOIL 64  /* role=navigation etc. */
#define F_BODYHINT 128 /* class/id names the article body itself ("article-body") */
#define F_OUT 256      /* chosen for output */
#define F_ARTICLEISH 512

#define MAX_DEPTH 256

/* ---- SAX building ------------------------------------------------------------------------- */

struct builder {
    struct ndx_xdoc *d;
    uint32_t cur;
    uint32_t depth;
    uint32_t overflow;
    uint32_t skip;
    int in_title;
    int in_ldjson;
    int title_done;
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

/* lower-cased copy of s into the attr arena; returns offset */
static void put_lower(struct ndx_buf *b, const char *s, int *rc)
{
    size_t n = strlen(s);
    if (n > 512)
        n = 512;
    if (ndx__buf_reserve(b, n + 1)) {
        *rc = NDX_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++)
        b->p[b->n + i] = (uint8_t)lcase((unsigned char)s[i]);
    b->n += n;
    b->p[b->n] = 0;
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
        else if (!strcmp(lk, "author") || !strcmp(lk, "dc.creator") ||
                 !strcmp(lk, "byl") || !strcmp(lk, "sailthru.author") ||
                 !strcmp(lk, "parsely-author") || !strcmp(lk, "citation_author") ||
                 !strcmp(lk, "dcterms.creator"))
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
    "comment",   "related",    "share",     "sharing",   "social",    "sidebar",   "side-bar",
    "cookie",    "newsletter", "promo",     "advert",    "sponsor",   "breadcrumb", "footer",
    "navbar",    "navigation", "nav-",      "menu",      "widget",
    "most-read", "mostread",   "most_read", "popular",   "trending",  "teaser",    "recommend",
    "subscribe", "signup",     "sign-up",   "paywall",   "outbrain",  "taboola",   "disqus",
    "masthead",  "pagination", "pager",     "popup",     "modal",     "banner",    "toolbar",
    "tags",      "tag-list",   "taglist",   "keywords",  "byline",    "author",    "dateline",
    "timestamp", "published",  "date",      "meta",      "print",     "skip",      "login",
    "consent",   "gdpr",       "read-more", "readmore",  "more-from", "morefrom",  "latest",
    "also-read", "next-post",  "prev-post", "post-nav",  "jump",      "headline-list",
    "further",   "follow",     "rating",    "reaction",  "toc",       "table-of-contents",
    "caption",   "credit",     "copyright", "disclaimer", "hidden",   "visually-hidden",
    "sr-only",   "screen-reader", "offscreen", "linkbox", "header",   "top-stories",
    "more-stories", "storylist", "story-list", "rail",   "aside",     "extra",     "partner",
    "donate",    "feedback",   "shopping",  "recirc",    "overlay",   "carousel",  "slider",
};
/* Words naming the article text itself; they veto NEG_WORDS ("article-body", "entry-content"). */
static const char *const BODY_WORDS[] = {
    "articlebody", "article-body", "article_body", "story-body", "storybody", "story_body",
    "entry-content", "post-content", "post-body", "postbody", "article-content", "articlecontent",
    "article_content", "article-text", "articletext", "story-content", "storycontent",
    "content-body", "body-text", "bodytext", "post-text", "main-content", "maincontent",
    "article__body", "article__content", "c-article-body", "rich-text", "richtext", "news-text",
    "newstext", "news-content", "text-content", "entry-body", "article-detail", "detail-content",
};
static const char *const POS_WORDS[] = {
    "article", "content", "entry", "main", "post", "story", "text", "blog", "body", "hentry",
    "news", "detail", "prose",
};

static bool has_ad_token(const char *s)
{
    /* tokens "ad", "ads", "ad-*", "*-ad", "advert*" */
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        if ((n == 2 && p[0] == 'a' && p[1] == 'd') ||
            (n == 3 && !memcmp(p, "ads", 3)) || (n > 3 && (!memcmp(p, "ad-", 3) ||
                                                           !memcmp(p, "ad_", 3) ||
                                                           !memcmp(p, "ads-", 4))) ||
            (n > 3 && (!memcmp(q - 3, "-ad", 3) || !memcmp(q - 3, "_ad", 3))) ||
            (n > 4 && !memcmp(q - 4, "-ads", 4)))
            return true;
        p = q;
    }
    return false;
}

/* Substring search for many words at once: words are bucketed by their first letter. */
struct wordlist {
    const char *const *w;
    size_t n;
    uint8_t len[160];
    uint8_t bucket[26][24];
    uint8_t nb[26];
    uint64_t pair[1024];   /* bit set for each (first, second) byte pair that starts a word */
};

static void wl_init(struct wordlist *L, const char *const *w, size_t n)
{
    L->w = w;
    L->n = n;
    memset(L->nb, 0, sizeof L->nb);
    for (size_t i = 0; i < n && i < 160; i++) {
        L->len[i] = (uint8_t)strlen(w[i]);
        int c = w[i][0];
        int b = c >= 'a' && c <= 'z' ? c - 'a' : 0;
        if (L->nb[b] < 24)
            L->bucket[b][L->nb[b]++] = (uint8_t)i;
        unsigned pr = (unsigned)(unsigned char)w[i][0] << 8 | (unsigned char)w[i][1];
        L->pair[pr >> 6] |= (uint64_t)1 << (pr & 63);
    }
}

static bool wl_any(const struct wordlist *L, const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned pr = (unsigned)(unsigned char)s[i] << 8 | (unsigned char)s[i + 1];
        if (!(L->pair[pr >> 6] >> (pr & 63) & 1))
            continue;
        unsigned c = (unsigned char)s[i] - 'a';
        if (c >= 26)
            continue;
        for (unsigned k = 0; k < L->nb[c]; k++) {
            unsigned w = L->bucket[c][k];
            size_t m = L->len[w];
            const char *ww = L->w[w];
            if (m <= n - i && s[i + 1] == ww[1] && (m <= 2 || s[i + 2] == ww[2]) &&
                !memcmp(s + i, ww, m))
                return true;
        }
    }
    return false;
}

static const char *const AUTHOR_WORDS[] = {"byline", "author"};
static const char *const DATE_WORDS[] = {"date", "time", "publish", "posted"};
/* words starting with '-' or '_' are bucketed under 'a'; keep them as plain strstr */
static struct wordlist WL_NEG, WL_BODY, WL_POS, WL_AUTHOR, WL_DATE;

static void init_tag_class(void);

static void init_tables(void)
{
    init_tag_class();
    wl_init(&WL_NEG, NEG_WORDS, NDX_ARRAY_LEN(NEG_WORDS));
    wl_init(&WL_BODY, BODY_WORDS, NDX_ARRAY_LEN(BODY_WORDS));
    wl_init(&WL_POS, POS_WORDS, NDX_ARRAY_LEN(POS_WORDS));
    wl_init(&WL_AUTHOR, AUTHOR_WORDS, NDX_ARRAY_LEN(AUTHOR_WORDS));
    wl_init(&WL_DATE, DATE_WORDS, NDX_ARRAY_LEN(DATE_WORDS));
}

static void classify_attrs(struct ndx_xnode *x, const char *s, size_t n)
{
    if (!n)
        return;
    if (wl_any(&WL_BODY, s, n)) {
        x->flags |= F_BODYHINT | F_POS;
        x->cls = 30;
        return;
    }
    bool neg = has_ad_token(s) || wl_any(&WL_NEG, s, n) || strstr(s, "-nav") || strstr(s, "_nav");
    bool pos = wl_any(&WL_POS, s, n);
    if (neg) {
        x->flags |= F_NEG;
        x->cls -= 25;
    }
    if (pos) {
        x->flags |= F_POS;
        x->cls += 25;
    }
}

static void sax_start(void *ctx, const xmlChar *xname, const xmlChar **xatts)
{
    struct builder *b = ctx;
    struct ndx_xdoc *d = b->d;
    const char *name = (const char *)xname;
    const char **atts = (const char **)xatts;
    if (d->rc)
        return;
    const struct taginfo *ti = tag_lookup(name);
    uint16_t tag = ti ? ti->tag : T_OTHER;
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
    if (ti && (ti->cls & C_SKIP)) {
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
        x->off = (uint32_t)d->attr.n;
        if (cls)
            put_lower(&d->attr, cls, &d->rc);
        if (id) {
            ndx__buf_putc(&d->attr, ' ', &d->rc);
            put_lower(&d->attr, id, &d->rc);
        }
        if (d->rc)
            return;
        x->len = (uint32_t)(d->attr.n - x->off);
        ndx__buf_putc(&d->attr, 0, &d->rc);
        if (d->rc)
            return;
        const char *s = (const char *)d->attr.p + x->off;
        if (tag != T_BODY && tag != T_HTML)
            classify_attrs(x, s, x->len);
        if (d->nauthor_nodes < NDX_ARRAY_LEN(d->author_nodes) && wl_any(&WL_AUTHOR, s, x->len))
            d->author_nodes[d->nauthor_nodes++] = i;
        if (d->ndate_nodes < NDX_ARRAY_LEN(d->date_nodes) && wl_any(&WL_DATE, s, x->len))
            d->date_nodes[d->ndate_nodes++] = i;
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
            ieq(role, "banner") || ieq(role, "menu") || ieq(role, "dialog") ||
            ieq(role, "alert") || ieq(role, "search") || ieq(role, "menubar") ||
            ieq(role, "alertdialog") || ieq(role, "toolbar"))
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

static void sax_end(void *ctx, const xmlChar *xname)
{
    struct builder *b = ctx;
    struct ndx_xdoc *d = b->d;
    (void)xname;
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

static void add_text(struct builder *b, const char *s, size_t n)
{
    struct ndx_xdoc *d = b->d;
    uint32_t cur = b->cur;
    if (cur == 0 || d->rc)
        return;
    struct ndx_xnode *p = &d->n[cur];
    uint32_t t;
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
    if (ndx__buf_reserve(&d->text, n + 1)) {
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
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
            (c == 0xC2 && i + 1 < n && (uint8_t)s[i + 1] == 0xA0)) {
            if (c == 0xC2)
                i++;
            if (!sp) {
                o[w++] = ' ';
                sp = true;
            }
            continue;
        }
        sp = false;
        o[w++] = c;
        if ((c & 0xC0) != 0x80)
            chars += (c >= 0xE3 && c <= 0xED) ? 2 : 1;
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

static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
    struct builder *b = ctx;
    struct ndx_xdoc *d = b->d;
    if (len <= 0)
        return;
    if (b->in_title && !b->title_done) {
        if (d->title.n < 4096)
            ndx__buf_append(&d->title, ch, (size_t)len, &d->rc);
        return;
    }
    if (b->in_ldjson) {
        if (d->ldjson.n < ((size_t)4 << 20))
            ndx__buf_append(&d->ldjson, ch, (size_t)len, &d->rc);
        return;
    }
    if (b->skip)
        return;
    add_text(b, (const char *)ch, (size_t)len);
}

static void sax_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- pre-pass ---------------------------------------------------------------------------- */

static int lc_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
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
            while (k < nlen && lc_ascii((unsigned char)q[2 + k]) == name[k])
                k++;
            if (k == nlen)
                return q;
        }
        p = q + 1;
    }
    return NULL;
}

/*
 * Drop the contents of <script> (JSON-LD kept), <style> and comments, in place, before parsing:
 * a third to a half of a modern page, which libxml2 would otherwise scan character by character
 * only for the SAX handler to ignore it.  The tags themselves stay, so the parse sees the same
 * structure.  Returns the new length.
 */
static size_t prestrip(char *s, size_t n)
{
    const char *r = s, *e = s + n;
    char *w = s;
    while (r < e) {
        const char *lt = memchr(r, '<', (size_t)(e - r));
        if (!lt) {
            memmove(w, r, (size_t)(e - r));
            w += e - r;
            break;
        }
        size_t lit = (size_t)(lt - r);
        memmove(w, r, lit);
        w += lit;
        r = lt;
        size_t left = (size_t)(e - r);
        if (left >= 4 && r[1] == '!' && r[2] == '-' && r[3] == '-') {
            const char *end = memmem(r + 4, left - 4, "-->", 3);
            r = end ? end + 3 : e;
            continue;
        }
        const char *name = NULL;
        size_t nlen = 0;
        if (left > 7 && lc_ascii((unsigned char)r[1]) == 's') {
            if (lc_ascii((unsigned char)r[2]) == 'c' && lc_ascii((unsigned char)r[3]) == 'r' &&
                lc_ascii((unsigned char)r[4]) == 'i' && lc_ascii((unsigned char)r[5]) == 'p' &&
                lc_ascii((unsigned char)r[6]) == 't')
                name = "script", nlen = 6;
            else if (lc_ascii((unsigned char)r[2]) == 't' && lc_ascii((unsigned char)r[3]) == 'y' &&
                     lc_ascii((unsigned char)r[4]) == 'l' && lc_ascii((unsigned char)r[5]) == 'e')
                name = "style", nlen = 5;
        }
        if (name && left > nlen + 1) {
            char c = r[1 + nlen];
            if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/') {
                const char *gt = memchr(r, '>', left);
                if (gt) {
                    size_t taglen = (size_t)(gt + 1 - r);
                    bool keep = nlen == 6 && memmem(r, taglen, "ld+json", 7) != NULL;
                    const char *close = find_close(gt + 1, e, name, nlen);
                    if (!keep && close) {
                        memmove(w, r, taglen);
                        w += taglen;
                        r = close;
                        continue;
                    }
                }
            }
        }
        *w++ = *r++;
    }
    return (size_t)(w - s);
}

static int parse_page(const char *html, size_t n, struct ndx_xdoc *d)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_tables);
    struct builder b;
    memset(&b, 0, sizeof b);
    b.d = d;
    new_node(d, 0, T_OTHER); /* root */
    if (d->rc)
        return d->rc;
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = sax_start;
    sax.endElement = sax_end;
    sax.characters = sax_chars;
    sax.ignorableWhitespace = sax_chars;
    sax.cdataBlock = sax_chars;
    sax.warning = sax_silent;
    sax.error = sax_silent;
    sax.initialized = 1;
    if (n > INT32_MAX)
        return NDX_ETOOBIG;
    htmlParserCtxtPtr ctxt = htmlCreatePushParserCtxt(&sax, &b, NULL, 0, NULL,
                                                      XML_CHAR_ENCODING_UTF8);
    if (!ctxt)
        return NDX_ENOMEM;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET |
                                 HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
    /* feed in chunks so a huge page is parsed incrementally */
    size_t off = 0;
    const size_t CH = 1 << 20;
    while (off < n && !d->rc) {
        size_t k = NDX_MIN(CH, n - off);
        htmlParseChunk(ctxt, html + off, (int)k, 0);
        off += k;
    }
    htmlParseChunk(ctxt, NULL, 0, 1);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    /* close whatever is still open */
    while (b.cur) {
        d->n[b.cur].end = d->nn;
        b.cur = d->n[b.cur].parent;
    }
    d->n[0].end = d->nn;
    return d->rc;
}

/* ---- analysis ----------------------------------------------------------------------------- */

static inline uint8_t cls_of(const struct ndx_xnode *x)
{
    return x->tag <= T_OPTION ? tag_class[x->tag] : 0;
}

/* Mark boilerplate and compute text statistics.  `use_classes`: also remove F_NEG nodes. */
static void analyze(struct ndx_xdoc *d, bool use_classes)
{
    uint32_t nn = d->nn;
    struct ndx_xnode *N = d->n;
    /* raw text weight per node, for the "wrapper" safety check */
    for (uint32_t i = 0; i < nn; i++) {
        N[i].flags &= (uint16_t) ~(F_REMOVED | F_INLINK | F_CAND | F_OUT);
        if (N[i].tag != TX) {
            N[i].chars = 0;
            N[i].link = 0;
            N[i].direct = 0;
            N[i].commas = 0;
        }
        N[i].score = 0;
    }
    /* raw totals (bottom-up) kept in `direct` temporarily */
    for (uint32_t i = nn; i-- > 1;)
        if (N[i].tag == TX)
            N[N[i].parent].direct += N[i].chars;
        else
            N[N[i].parent].direct += N[i].direct;
    uint32_t total = N[0].direct;
    /* top-down: removal, link inheritance, block ancestor */
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        const struct ndx_xnode *p = &N[x->parent];
        x->flags |= p->flags & (F_REMOVED | F_INLINK);
        if (x->tag == T_A)
            x->flags |= F_INLINK;
        uint8_t c = cls_of(x);
        x->blk = (c & C_BLOCK) || x->tag == TX ? (x->tag == TX ? p->blk : i) : p->blk;
        if (x->tag == TX || (x->flags & F_REMOVED))
            continue;
        bool rm = false;
        if (x->flags & F_HIDDEN)
            rm = true;
        else if (x->flags & F_BODYHINT)
            rm = false;
        else if ((c & C_BOIL) || (x->flags & F_ROLEBOIL)) {
            /* a <header>/<footer>/<form> wrapping most of the page is a layout wrapper */
            rm = !(x->direct * 10 > total * 7 && (x->tag == T_HEADER || x->tag == T_FORM ||
                                                 x->tag == T_FIGURE || x->tag == T_FOOTER));
        } else if (use_classes && (x->flags & F_NEG) && !(x->flags & F_POS) &&
                   x->tag != T_ARTICLE && x->tag != T_MAIN && x->tag != T_BODY) {
            rm = x->direct * 10 < total * 6;
        } else if (use_classes && (x->flags & F_NEG) && (x->flags & F_POS)) {
            /* "article-comments", "post-meta": negative words win for small blocks */
            rm = x->direct * 10 < total * 3 && x->tag != T_ARTICLE && x->tag != T_MAIN;
        }
        if (rm)
            x->flags |= F_REMOVED;
    }
    for (uint32_t i = 0; i < nn; i++)
        if (N[i].tag != TX)
            N[i].direct = 0;
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
        else if (x->tag == T_P || (cls_of(x) & C_BLOCK && x->direct == x->chars)) {
            float ld = link_density(x);
            if (x->chars > 80 && ld < 0.25f)
                take = true;
            else if (x->chars > 0 && x->chars <= 80 && ld == 0.0f && x->tag == T_P)
                take = x->commas > 0 || x->chars > 30; /* a short sentence */
        }
        if (take)
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
    if (x->tag == TX || !(c & C_BLOCK))
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
    if (x->cls < 25 && ld > 0.33f && x->chars < 500)
        return true;
    return false;
}

struct out {
    struct ndx_buf b;
    int rc;
    bool nl;   /* last output was a paragraph break */
    bool sp;   /* last output was a space */
};

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
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            if (o->sp)
                continue;
            o->sp = true;
            ndx__buf_putc(&o->b, ' ', &o->rc);
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        ndx__buf_append(&o->b, s + i, j - i, &o->rc);
        o->sp = false;
        o->nl = false;
        i = j - 1;
    }
}

/* Write the text of subtree `root` (explicit walk over the index range). */
static void emit(const struct ndx_xdoc *d, uint32_t root, struct out *o, bool clean)
{
    const struct ndx_xnode *N = d->n;
    /* stack of open block elements to close with a break */
    uint32_t stack[MAX_DEPTH + 4];
    size_t sp = 0;
    uint32_t i = root;
    uint32_t end = N[root].end;
    while (i < end) {
        while (sp && i >= N[stack[sp - 1]].end) {
            sp--;
            out_break(o);
        }
        const struct ndx_xnode *x = &N[i];
        if (x->tag == TX) {
            out_text(o, (const char *)d->text.p + x->off, x->len);
            i++;
            continue;
        }
        if (i != root && ((x->flags & F_REMOVED) || (clean && drop_inside(d, i)))) {
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
            stack[sp++] = i;
        } else if (x->tag == T_TD || x->tag == T_TH) {
            out_text(o, " ", 1);
        }
        i++;
    }
    while (sp) {
        sp--;
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

/* Trim lines, drop empty and symbol-only lines; write '\n'-separated paragraphs to out. */
static void finish_text(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
            b--;
        if (b > a && !is_boring_line(s + a, b - a)) {
            if (out->n)
                ndx__buf_putc(out, '\n', rc);
            ndx__buf_append(out, s + a, b - a, rc);
        }
        i = j + 1;
    }
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

void ndx__xnode_text(const struct ndx_xdoc *d, uint32_t i, size_t max, struct ndx_buf *out,
                     int *rc)
{
    if (i >= d->nn)
        return;
    bool sp = out->n == 0 || out->p[out->n - 1] == ' ';
    for (uint32_t k = i; k < d->n[i].end && out->n < max; k++) {
        const struct ndx_xnode *x = &d->n[k];
        if (x->tag != TX) {
            if (x->tag == T_BR || (cls_of(x) & C_BLOCK)) {
                if (!sp) {
                    ndx__buf_putc(out, ' ', rc);
                    sp = true;
                }
            }
            continue;
        }
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

int ndx__extract_html(const char *html, size_t n, const char *charset, const char *url, size_t nurl,
                      struct ndx_extract *e)
{
    if (!html && n)
        return NDX_EINVAL;
    if (n > NDX_EXTRACT_MAX_INPUT)
        return NDX_ETOOBIG;
    int rc = 0;
    struct ndx_buf u8;
    ndx__buf_init(&u8, 0);
    rc = ndx__charset_decode(html ? html : "", n, charset, &u8, NULL);
    if (rc) {
        ndx__buf_free(&u8);
        return rc;
    }
    struct ndx_xdoc d;
    memset(&d, 0, sizeof d);
    ndx__buf_init(&d.text, 0);
    ndx__buf_init(&d.attr, 0);
    ndx__buf_init(&d.title, 0);
    ndx__buf_init(&d.ldjson, 0);
    if (u8.p)
        u8.n = prestrip((char *)u8.p, u8.n);
    rc = parse_page((const char *)(u8.p ? u8.p : (const uint8_t *)""), u8.n, &d);
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
    if (rc)
        return rc;
    if (w < 20)
        return NDX_EFORMAT;
    return NDX_OK;
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
