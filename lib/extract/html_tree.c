/*
 * html_tree.c - the compact tree (struct ndx_xdoc of extract.h) built from the parser's events:
 * one node record per element or text run in one array, text in one arena, white space folded,
 * invisible characters dropped, class/id words looked up once per distinct string of a page;
 * metadata (<meta>, <link rel=canonical>, <title>, JSON-LD, author and date candidates) collected
 * on the way.  The depth is capped at MAX_DEPTH: deeper elements are folded into their ancestor.
 */
#include "extract/html.h"

uint32_t ndx__html_new_node(struct ndx_xdoc *d, uint32_t parent, uint16_t tag)
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

/* A "name\tcontent\n" line of ndx_extract.metas: the name lower-cased, tabs, line breaks and
 * other control bytes made spaces, the content cut at NDX_EXTRACT_META_SIZE bytes (on a
 * character boundary). */
static void keep_meta(struct ndx_xdoc *d, const char *name, const char *content)
{
    size_t nn = strlen(name), nc = strlen(content);
    if (!nn || nn > 100 || d->nmetas >= NDX_EXTRACT_METAS)
        return;
    if (nc > NDX_EXTRACT_META_SIZE) {
        nc = NDX_EXTRACT_META_SIZE;
        while (nc && ((unsigned char)content[nc] & 0xC0) == 0x80)
            nc--;
    }
    d->nmetas++;
    for (size_t i = 0; i < nn; i++) {
        unsigned char c = (unsigned char)name[i];
        ndx__buf_putc(&d->metas, c < 0x20 ? ' ' : (char)lcase(c), &d->rc);
    }
    ndx__buf_putc(&d->metas, '\t', &d->rc);
    for (size_t i = 0; i < nc; i++) {
        unsigned char c = (unsigned char)content[i];
        ndx__buf_putc(&d->metas, c < 0x20 ? ' ' : (char)c, &d->rc);
    }
    ndx__buf_putc(&d->metas, '\n', &d->rc);
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
    if (name)
        keep_meta(d, name, content);
    if (prop && !(name && ieq(name, prop)))
        keep_meta(d, prop, content);
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
        else if (!strcmp(lk, "og:type"))
            set_kv(d, XK_OG_TYPE, content);
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

/* Class/id string s (lower-cased, n bytes) of node i: stored once per page, word rules cached per
 * distinct string. */
static void node_classes(struct ndx_hbuilder *b, uint32_t i, uint16_t tag, const char *s, size_t n)
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
        uint8_t m = ndx__html_words(a, n);
        if (n)
            ndx__html_classify(&t, a, m);
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

void ndx__html_build_start(struct ndx_hbuilder *b, uint16_t tag, uint8_t tcls, const char **atts)
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
    uint32_t i = ndx__html_new_node(d, b->cur, tag);
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

void ndx__html_build_end(struct ndx_hbuilder *b)
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

void ndx__html_init_text(void)
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

static void add_text(struct ndx_hbuilder *b, const char *s, size_t n)
{
    struct ndx_xdoc *d = b->d;
    uint32_t cur = b->cur;
    if (cur == 0 || d->rc)
        return;
    struct ndx_xnode *p = &d->n[cur];
    uint32_t t;
    if (text_kind[(uint8_t)s[0]] == TK_SPACE && (ndx__html_tag_class[p->tag] & C_BLOCK) &&
        (!p->first || d->n[p->link].tag == T_BR ||
         (ndx__html_tag_class[d->n[p->link].tag] & C_BLOCK))) {
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
        t = ndx__html_new_node(d, cur, TX);
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

void ndx__html_build_chars(struct ndx_hbuilder *b, const char *ch, size_t len)
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
