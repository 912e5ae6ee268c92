/*
 * html_words.c - the class/id word rules: lists of words that mark boilerplate ("comment",
 * "related", "share", ...), weaker ones, words naming the article body and positive words,
 * matched all at once by an Aho-Corasick automaton over the lower-cased class and id of an
 * element, plus the whole-token words ("ad", "toc", "hidden").  The tree builder caches the result
 * per distinct string of a page (html_tree.c).  Rules: docs/EXTRACTION.md, step 4.
 */
#include "extract/html.h"

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

void ndx__html_init_words(void)
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

uint8_t ndx__html_words(const char *s, size_t n)
{
    uint32_t st = 0;
    uint8_t m = 0;
    for (size_t i = 0; i < n; i++) {
        st = ac_delta[st][ac_sym[(uint8_t)s[i]]];
        m |= ac_out[st];
    }
    return m;
}
void ndx__html_classify(struct ndx_xnode *x, const char *s, uint8_t m)
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
