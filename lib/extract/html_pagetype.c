/*
 * html_pagetype.c - what kind of page this is: an article, a listing (a section front, a tag or
 * category page, a shop's collection: many teasers, each a link to a page of its own), or another
 * page (a product, a forum thread, a service or documentation page).  Signals, none keyed to a
 * site: the schema.org types of the page's JSON-LD and its og:type, teasers repeated as siblings of
 * one container, the share of the text inside links, how much of the text is paragraphs of
 * running text, and the shape of the URL (weak).  Rules: docs/EXTRACTION.md, "Page types".
 */
#include "extract/html.h"

static const struct {
    const char *name;
    uint8_t bit;
} SCHEMA_TYPES[] = {
    {"Article", S_ARTICLE},
    {"NewsArticle", S_ARTICLE},
    {"BlogPosting", S_ARTICLE},
    {"ReportageNewsArticle", S_ARTICLE},
    {"AnalysisNewsArticle", S_ARTICLE},
    {"OpinionNewsArticle", S_ARTICLE},
    {"ReviewNewsArticle", S_ARTICLE},
    {"BackgroundNewsArticle", S_ARTICLE},
    {"LiveBlogPosting", S_ARTICLE},
    {"Report", S_ARTICLE},
    {"ScholarlyArticle", S_ARTICLE},
    {"SocialMediaPosting", S_ARTICLE},
    {"Product", S_PRODUCT},
    {"ProductGroup", S_PRODUCT},
    {"Offer", S_PRODUCT},
    {"CollectionPage", S_LIST},
    {"ItemList", S_LIST},
    {"SearchResultsPage", S_LIST},
    {"OfferCatalog", S_LIST},
    {"DiscussionForumPosting", S_FORUM},
    {"QAPage", S_FORUM},
    {"Question", S_FORUM},
    {"FAQPage", S_OTHER},
    {"TechArticle", S_OTHER},
    {"HowTo", S_OTHER},
    {"Recipe", S_OTHER},
    {"Event", S_OTHER},
    {"Course", S_OTHER},
    {"SoftwareApplication", S_OTHER},
    {"Service", S_OTHER},
    {"LocalBusiness", S_OTHER},
};

static uint8_t schema_types(const struct ndx_xdoc *d)
{
    uint8_t m = 0;
    const char *p = (const char *)d->ldjson.p, *e = p + d->ldjson.n;
    while (p && p < e) {
        const char *t = memmem(p, (size_t)(e - p), "\"@type\"", 7);
        if (!t)
            break;
        p = t + 7;
        while (p < e && (*p == ' ' || *p == ':' || *p == '[' || *p == '\n' || *p == '\t'))
            p++;
        /* one string or an array of them */
        for (int k = 0; k < 4 && p < e && *p == '"'; k++) {
            const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
            if (!q)
                return m;
            size_t n = (size_t)(q - p - 1);
            const char *name = p + 1;
            if (n > 18 && !memcmp(name, "http", 4)) { /* "https://schema.org/Product" */
                const char *sl = name + n;
                while (sl > name && sl[-1] != '/')
                    sl--;
                n -= (size_t)(sl - name);
                name = sl;
            }
            for (size_t j = 0; j < NDX_ARRAY_LEN(SCHEMA_TYPES); j++)
                if (strlen(SCHEMA_TYPES[j].name) == n && !memcmp(SCHEMA_TYPES[j].name, name, n))
                    m |= SCHEMA_TYPES[j].bit;
            p = q + 1;
            while (p < e && (*p == ' ' || *p == ','))
                p++;
        }
    }
    return m;
}

/* Path segments that name a list of pages: a category, a shop's collection, a tag ("/c/",
 * "/category/", "/collections/", "/tag/"), anywhere in the path; and the last segments of
 * section fronts ("/news", "/blog"). */
static const char *const LIST_SEGMENTS[] = {"c",           "cat",    "category", "categories",
                                            "collections", "browse", "tag",      "tags"};
static const char *const FRONT_SEGMENTS[] = {"news",   "blog",    "articles", "stories",
                                             "latest", "archive", "archives"};

static bool segment_in(const char *s, size_t n, const char *const *list, size_t nlist)
{
    for (size_t i = 0; i < nlist; i++)
        if (strlen(list[i]) == n && !strncasecmp(list[i], s, n))
            return true;
    return false;
}

void ndx__html_page_features(const struct ndx_xdoc *d, const char *url, size_t nurl, uint32_t top,
                             size_t body_weight, struct ndx_page_features *f)
{
    memset(f, 0, sizeof *f);
    const struct ndx_xnode *N = d->n;
    uint32_t nn = d->nn;
    uint32_t body = 0;
    for (uint32_t i = 1; i < nn && !body; i++)
        if (N[i].tag == T_BODY)
            body = i;
    f->total = N[body].chars;
    f->links = N[body].link;
    f->body = (uint32_t)NDX_MIN(body_weight, (size_t)UINT32_MAX);
    f->top = top ? N[top].chars : 0;
    for (uint32_t i = 1; i < nn; i++) {
        const struct ndx_xnode *x = &N[i];
        if (x->tag == TX)
            continue;
        if (x->flags & F_REMOVED) {
            i = x->end - 1;
            continue;
        }
        if (x->tag == T_A && x->chars >= 25)
            f->title_links++;
        else if (x->tag == T_ARTICLE)
            f->articles++;
        /* paragraphs of running text: blocks with text of their own, few links (a <p>, or a
         * cell or a <div> of text lines broken by <br>) */
        uint8_t tc = cls_of(x);
        if ((tc & (C_BLOCK | C_PARA)) && !(tc & C_HEAD) && x->link * 5 < x->chars) {
            uint32_t own = (tc & C_PARA) ? x->chars : NDX_MIN(x->direct, x->chars - x->link);
            if (own >= 150) {
                f->paras++;
                f->para_chars += own;
            }
            if (own > f->longest)
                f->longest = own;
        }
        /* teasers: runs of like siblings (same tag and class) each holding a link */
        if (x->first) {
            uint32_t run = 0, run_chars = 0, prev = 0;
            for (uint32_t c = x->first;; c = N[c].next) {
                const struct ndx_xnode *y = c ? &N[c] : NULL;
                if (y && y->tag == TX && y->chars == 0)
                    continue;
                bool teaser = y && y->tag != TX && !(y->flags & F_REMOVED) && y->link >= 15 &&
                              y->chars <= 800 && y->link * 10 >= y->chars * 3;
                bool same =
                    y && prev && N[prev].tag == y->tag && N[prev].len == y->len &&
                    (!y->len || !memcmp(d->attr.p + N[prev].off, d->attr.p + y->off, y->len));
                if (teaser && same) {
                    run++;
                    run_chars += y->chars;
                } else {
                    if (run >= 4) {
                        f->teasers += run;
                        f->teaser_chars += run_chars;
                    }
                    if (run > f->max_run)
                        f->max_run = run;
                    run = teaser ? 1 : 0;
                    run_chars = teaser ? y->chars : 0;
                }
                if (!c)
                    break;
                prev = c;
            }
        }
    }
    f->top_links = top ? N[top].link : 0;
    f->schema = schema_types(d);
    size_t n;
    const char *og = d->kv_set[XK_OG_TYPE] ? (const char *)d->attr.p + d->kv_off[XK_OG_TYPE] : NULL;
    n = og ? d->kv_len[XK_OG_TYPE] : 0;
    if (og && n >= 7 && !strncasecmp(og, "article", 7))
        f->og = 1;
    else if (og && n >= 7 && !strncasecmp(og, "product", 7))
        f->og = 2;
    else if (og && n >= 7 && !strncasecmp(og, "website", 7))
        f->og = 3;
    else if (og)
        f->og = 4;
    /* URL shape: path segments, the last one's length and hyphens, a date in the path */
    const char *u = url, *ue = url ? url + nurl : NULL;
    if (u) {
        const char *s = memmem(u, nurl, "://", 3);
        s = s ? s + 3 : u;
        const char *path = memchr(s, '/', (size_t)(ue - s));
        const char *q = path ? path : ue;
        for (const char *c = q; c < ue; c++)
            if (*c == '?' || *c == '#') {
                ue = c;
                f->query = *c == '?';
                break;
            }
        f->url_known = 1;
        bool list_seg = false, last_list = false, ext = false;
        for (const char *c = path; c && c < ue; c++) {
            if (*c == '/')
                continue;
            const char *z = c;
            while (z < ue && *z != '/')
                z++;
            size_t k = (size_t)(z - c);
            last_list = segment_in(c, k, LIST_SEGMENTS, NDX_ARRAY_LEN(LIST_SEGMENTS)) ||
                        segment_in(c, k, FRONT_SEGMENTS, NDX_ARRAY_LEN(FRONT_SEGMENTS));
            list_seg |= segment_in(c, k, LIST_SEGMENTS, NDX_ARRAY_LEN(LIST_SEGMENTS)) && z < ue;
            const char *dot = memrchr(c, '.', k);
            ext = dot && dot > c && z - dot <= 5; /* "story.html", "item.php" */
            f->depth++;
            f->last_len = (uint32_t)(z - c);
            f->last_hyphens = 0;
            for (const char *h = c; h < z; h++)
                f->last_hyphens += *h == '-' || *h == '_';
            bool digits = z - c >= 4;
            for (const char *h = c; h < z && digits; h++)
                digits = *h >= '0' && *h <= '9';
            if (digits && z - c == 4 && (c[0] == '1' || c[0] == '2'))
                f->url_date = 1;
            c = z - 1;
        }
        f->url_list = (list_seg || last_list) && !ext && !f->url_date && f->last_hyphens < 3;
    }
}

int ndx__html_page_type(const struct ndx_page_features *f)
{
    uint64_t total = f->total ? f->total : 1;
    bool art_schema = f->schema & S_ARTICLE, list_schema = f->schema & S_LIST;
    bool product = (f->schema & S_PRODUCT) || f->og == 2, forum = f->schema & S_FORUM;
    /* an article's text: the chosen container holds text with few links and a block of running
     * text (a listing's container is its teasers, links) */
    bool text = f->body >= 300 && (uint64_t)f->top_links * 5 < f->top && f->longest >= 100;
    /* half of the page's text in teasers, or most of it in links with no running text */
    bool teasers = (uint64_t)f->teaser_chars * 2 >= total ||
                   ((uint64_t)f->links * 2 >= total && f->title_links >= 8 && f->longest < 300 &&
                    f->paras <= 3);
    /* five or more <article> elements (cards, each a teaser of its own) and little running text */
    bool cards = f->articles >= 5 && f->paras <= 5;
    if (((teasers || cards) && !text) || (list_schema && !art_schema && f->paras <= 3))
        return NDX_PAGE_LISTING;
    /* the address names a list ("/category/...", "/c/...", ".../news") and the page holds at
     * most 2 paragraphs of running text and is not said to be an article */
    if (f->url_list && f->paras <= 2 && !art_schema && f->og != 1)
        return NDX_PAGE_LISTING;
    /* said to be an article (schema.org, og:type, or a slug or a date in the URL, a weak sign)
     * and holding paragraphs; or mostly paragraphs of running text */
    bool slug = (f->last_hyphens >= 3 || f->url_date) && !f->query;
    bool said = (art_schema || f->og == 1 || slug) &&
                (f->paras >= 2 || (f->body >= 500 && (uint64_t)f->body * 10 >= total * 6));
    bool prose = f->paras >= 5 && (uint64_t)f->para_chars * 10 >= total * 4;
    if ((said || prose) && !product && !forum)
        return NDX_PAGE_ARTICLE;
    return NDX_PAGE_OTHER;
}

bool ndx__html_page_content_wanted(int page_type, const struct ndx_page_features *f)
{
    uint64_t total = f->total ? f->total : 1;
    if (page_type == NDX_PAGE_LISTING)
        return true;
    /* the article rules found next to nothing (under 250, the bound of the fallbacks) on a page
     * holding more than twice as much: a page of links, boxes or cards */
    if (f->body < 250 && (uint64_t)f->total > (uint64_t)f->body * 2)
        return true;
    /* the article container holds a small part of a page whose text is mostly not links: the
     * text is spread over blocks the article rules do not join (a service page of sections, a
     * shop's description beside its items) */
    if (f->total >= 500 && (uint64_t)f->body * 4 < total && (uint64_t)f->links * 10 < total * 3)
        return true;
    /* ... or under 40 % of a page that is mostly paragraphs of running text, with few links */
    if (f->total >= 500 && (uint64_t)f->body * 10 < total * 4 && (uint64_t)f->links * 10 < total &&
        (uint64_t)f->para_chars * 2 >= total)
        return true;
    /* a product or a collection said so by schema.org or og:type, whose text the article
     * container holds only in part (descriptions, specifications, the items) */
    bool said = ((f->schema & (S_PRODUCT | S_LIST)) || f->og == 2) && !(f->schema & S_ARTICLE) &&
                f->og != 1;
    return page_type == NDX_PAGE_OTHER && said && (uint64_t)f->body * 10 < total * 8;
}
