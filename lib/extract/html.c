/*
 * html.c - article extraction from an HTML page, the entry points: the page is decoded to UTF-8
 * (charset.c), parsed into a compact tree (html_sax.c, html_tree.c: libxml2's tolerant HTML parser
 * in SAX mode, no DOM, no recursion, depth capped), boilerplate is marked and paragraphs scored
 * (html_score.c), the best container's text written paragraph by paragraph (html_emit.c), and
 * the page classified (html_pagetype.c).  Here: the fallbacks (the pass without class/id rules
 * for near-empty results, JSON-LD articleBody, the <noscript> pass), the main content of
 * listings and products, and the public ndx_extract_html().  All walks over the tree are loops
 * over the node array (document order).  Rules: docs/EXTRACTION.md.
 */
#include "extract/html.h"

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

/* Body for one configuration: returns the top node (0: nothing). */
static uint32_t extract_body(struct ndx_xdoc *d, bool use_classes, struct ndx_buf *body, int *rc)
{
    ndx__html_analyze(d, use_classes, true);
    uint32_t top = 0;
    if (d->body_node && !(d->n[d->body_node].flags & F_REMOVED) &&
        d->n[d->body_node].chars >= 100) {
        top = d->body_node;
        d->n[top].flags |= F_OUT;
    } else {
        top = ndx__html_choose_top(d);
        if (!top)
            return 0;
        ndx__html_choose_siblings(d, top);
    }
    ndx__html_emit_body(d, top, true, body, rc);
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
    ndx__buf_init(&e->metas, 0);
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
    ndx__buf_free(&e->metas);
    ndx__extract_init(e);
}

static void xdoc_free(struct ndx_xdoc *d)
{
    ndx_free(d->n);
    ndx__buf_free(&d->text);
    ndx__buf_free(&d->attr);
    ndx__buf_free(&d->title);
    ndx__buf_free(&d->ldjson);
    ndx__buf_free(&d->metas);
    memset(d, 0, sizeof *d);
}

/* Boxes of customer reviews inside root (class or id naming them, "reviews", "product-review")
 * holding under 60 % of its text are left out: like reader comments, they are not the page's
 * content (the article rules leave them out as comments or by their weight). */
static void drop_reviews(struct ndx_xdoc *d, uint32_t root)
{
    uint64_t total = d->n[root].chars;
    for (uint32_t i = root + 1; i < d->n[root].end; i++) {
        struct ndx_xnode *x = &d->n[i];
        if (x->tag == TX || !x->len || (x->flags & F_REMOVED))
            continue;
        if (memmem(d->attr.p + x->off, x->len, "review", 6) &&
            (uint64_t)x->chars * 10 < total * 6) {
            x->flags |= F_REMOVED;
            i = x->end - 1;
        }
    }
}

/*
 * The main content of a page that is not an article (a listing, a product): everything kept
 * (boilerplate marked as for articles, customer reviews left out) inside the page's <main>, else
 * its <body>, links included: a listing's main content is its teasers.  Returns the text weight
 * written to out.
 */
static size_t extract_page_content(struct ndx_xdoc *d, struct ndx_buf *out, int *rc)
{
    ndx__html_analyze(d, true, false); /* "teaser" or "card" boxes are what a listing holds */
    uint32_t root = 0, body = 0;
    for (uint32_t i = 1; i < d->nn && !root; i++) {
        if (d->n[i].tag == T_BODY && !body)
            body = i;
        if (d->n[i].tag == T_MAIN && !(d->n[i].flags & F_REMOVED) && d->n[i].chars > 200)
            root = i;
    }
    if (!root)
        root = body;
    if (!root)
        return 0;
    drop_reviews(d, root);
    ndx__html_emit_body(d, root, false, out, rc);
    return text_weight((const char *)out->p, out->n);
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
        ndx__html_finish_text((const char *)u.p, u.n, out, rc);
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
    ndx__buf_init(&d.metas, 0);
    rc = ndx__html_parse(page ? page : "", npage, &d);
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
            ndx__html_analyze(&d, true, true);
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
    if (!rc) {
        /* the page type, and for listings and products the page's main content */
        struct ndx_page_features f;
        ndx__html_page_features(&d, (const char *)e->url.p, e->url.n, top, w, &f);
        e->page_type = ndx__html_page_type(&f);
        if (ndx__html_page_content_wanted(e->page_type, &f)) {
            struct ndx_buf pc;
            ndx__buf_init(&pc, 0);
            size_t wp = extract_page_content(&d, &pc, &rc);
            if (!rc && wp >= 20) {
                ndx__buf_free(&e->body);
                e->body = pc;
                w = wp;
            } else
                ndx__buf_free(&pc);
        }
    }
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
    a->flags = e.page_type == NDX_PAGE_LISTING ? NDX_ART_LISTING
               : e.page_type == NDX_PAGE_OTHER ? NDX_ART_OTHER_PAGE
                                               : 0;
    ndx__extract_free(&e);
    *out = a;
    return NDX_OK;
}
