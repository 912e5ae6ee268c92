/*
 * feed.c - news feeds: RSS 0.9x / 1.0 (RDF) / 2.0, Atom 0.3 / 1.0 (parsed with libxml2) and JSON
 * Feed 1.x (jansson).  Every item becomes an article: title, link (else a permalink guid / id),
 * date (published before updated), authors, and the full text (content:encoded, Atom content,
 * content_html / content_text) or else the summary / description with NDX_ART_SUMMARY.  HTML
 * content is turned into paragraphs by ndx__html_to_text (libxml2's HTML parser, SAX, no tree).
 * The source is the source name of the feed's own link (util/url.c), else the feed title.
 *
 * Safety: XML is parsed with RECOVER and NONET, without entity substitution (NOENT), DTD loading
 * or XML_PARSE_HUGE, so libxml2's depth (256) and entity amplification limits apply; entity
 * references that remain in the tree are not expanded by our walkers, which are iterative (no
 * recursion on the document depth).  The first XML error is reported ("ill-formed XML
 * (repaired): ...") at file:LINE and whatever the parser recovered is used.
 *
 * Why one file of about 1,100 lines: the XML and JSON readers fill the same item record and hand
 * it to the same mapping (link and guid rules, date choice, summary flag, source) and HTML-to-text
 * pass, which are most of the file; split by format (feed_xml.c, feed_json.c) if one grows.
 */
#include "ingest.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>

/* ---- sniffing ----------------------------------------------------------------------------- */

static int prefix_ci(const uint8_t *p, const uint8_t *e, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(e - p) < n)
        return 0;
    return ndx__ascii_ieq((const char *)p, s, n);
}

static const uint8_t *find_str(const uint8_t *p, const uint8_t *e, const char *s)
{
    size_t n = strlen(s);
    while ((size_t)(e - p) >= n) {
        if (!memcmp(p, s, n))
            return p;
        p++;
    }
    return NULL;
}

/* Skip BOM, white space, <?..?>, <!--..-->, <!DOCTYPE ..[..]>; return the first element's '<'. */
static const uint8_t *first_element(const uint8_t *p, size_t n)
{
    const uint8_t *e = p + n;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p >= e || *p != '<')
            return NULL;
        if (p + 1 < e && p[1] == '?') {
            const uint8_t *q = find_str(p, e, "?>");
            if (!q)
                return NULL;
            p = q + 2;
        } else if (prefix_ci(p, e, "<!--")) {
            const uint8_t *q = find_str(p + 4, e, "-->");
            if (!q)
                return NULL;
            p = q + 3;
        } else if (p + 1 < e && p[1] == '!') {
            int bracket = 0;
            const uint8_t *q = p + 2;
            for (; q < e; q++) {
                if (*q == '[')
                    bracket++;
                else if (*q == ']')
                    bracket--;
                else if (*q == '>' && bracket <= 0)
                    break;
            }
            if (q >= e)
                return NULL;
            p = q + 1;
        } else {
            return p;
        }
    }
}

int ndx__feed_sniff_xml(const uint8_t *p, size_t n)
{
    const uint8_t *e = p + n, *q = first_element(p, n);
    if (!q)
        return 0;
    q++;
    const uint8_t *name = q;
    while (q < e && *q != ' ' && *q != '>' && *q != '/' && *q != '\t' && *q != '\r' && *q != '\n')
        q++;
    const uint8_t *colon = name;
    for (const uint8_t *k = name; k < q; k++) {
        if (*k == ':')
            colon = k + 1;
    }
    size_t len = (size_t)(q - colon);
    return (len == 3 && !memcmp(colon, "rss", 3)) || (len == 3 && !memcmp(colon, "RDF", 3)) ||
           (len == 4 && !memcmp(colon, "feed", 4));
}

int ndx__html_sniff(const uint8_t *p, size_t n)
{
    const uint8_t *e = p + n, *q = first_element(p, n);
    static const char *const tags[] = {"<!doctype html", "<html", "<head",   "<body", "<meta",
                                       "<title",         "<link", "<script", "<style"};
    if (!q) {
        /* a doctype / comment run past the window: look for <html anywhere in it */
        q = p;
    } else {
        for (size_t k = 0; k < NDX_ARRAY_LEN(tags); k++) {
            if (prefix_ci(q, e, tags[k]))
                return 1;
        }
    }
    for (const uint8_t *k = p; k + 5 <= e; k++) {
        if (*k == '<' && prefix_ci(k, e, "<html") && (k + 5 == e || k[5] == '>' || k[5] == ' '))
            return 1;
        if (*k == '<' && prefix_ci(k, e, "<!doctype html"))
            return 1;
    }
    return 0;
}

int ndx__feed_is_jsonfeed(void *rootp)
{
    json_t *root = rootp;
    if (!json_is_object(root))
        return 0;
    const char *v = json_string_value(json_object_get(root, "version"));
    return v && strstr(v, "jsonfeed.org") != NULL;
}

/* ---- HTML to text ------------------------------------------------------------------------- */

struct h2t {
    struct ndx_buf *out;
    int *rc;
    int skip;  /* depth inside script/style/... */
    int space; /* a space is pending */
};

static const char *const block_tags[] = {
    "p",        "div",     "br",         "li",      "ul",         "ol",     "h1",     "h2",
    "h3",       "h4",      "h5",         "h6",      "blockquote", "pre",    "table",  "tr",
    "dl",       "dt",      "dd",         "section", "article",    "header", "footer", "aside",
    "nav",      "figure",  "figcaption", "hr",      "address",    "center", "main",   "form",
    "fieldset", "details", "summary",    "caption", "tbody",      "thead",  "tfoot",  "body",
};
/* elements whose text is not content (void elements such as embed must not be here: they never
 * close) */
static const char *const skip_tags[] = {"script", "style", "noscript", "template", "svg",   "math",
                                        "head",   "title", "select",   "textarea", "button"};

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (!strcasecmp(name, list[k]))
            return 1;
    }
    return 0;
}

static void h2t_break(struct h2t *h)
{
    if (h->out->n && h->out->p[h->out->n - 1] != '\n')
        ndx__buf_putc(h->out, '\n', h->rc);
    h->space = 0;
}

static void h2t_start(void *ud, const xmlChar *name, const xmlChar **attrs)
{
    NDX_UNUSED(attrs);
    struct h2t *h = ud;
    const char *nm = (const char *)name;
    if (h->skip || in_list(nm, skip_tags, NDX_ARRAY_LEN(skip_tags))) {
        if (strcasecmp(nm, "br") && strcasecmp(nm, "hr") && strcasecmp(nm, "meta") &&
            strcasecmp(nm, "link") && strcasecmp(nm, "img"))
            h->skip++;
        return;
    }
    if (in_list(nm, block_tags, NDX_ARRAY_LEN(block_tags)))
        h2t_break(h);
    else if (!strcasecmp(nm, "td") || !strcasecmp(nm, "th"))
        h->space = 1;
}

static void h2t_end(void *ud, const xmlChar *name)
{
    struct h2t *h = ud;
    const char *nm = (const char *)name;
    if (h->skip) {
        if (strcasecmp(nm, "br") && strcasecmp(nm, "hr") && strcasecmp(nm, "meta") &&
            strcasecmp(nm, "link") && strcasecmp(nm, "img"))
            h->skip--;
        return;
    }
    if (in_list(nm, block_tags, NDX_ARRAY_LEN(block_tags)))
        h2t_break(h);
}

static void h2t_chars(void *ud, const xmlChar *s, int len)
{
    struct h2t *h = ud;
    if (h->skip || len <= 0)
        return;
    for (int i = 0; i < len; i++) {
        unsigned char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
            h->space = 1;
            continue;
        }
        if (h->space && h->out->n && h->out->p[h->out->n - 1] != '\n')
            ndx__buf_putc(h->out, ' ', h->rc);
        h->space = 0;
        ndx__buf_putc(h->out, ch, h->rc);
    }
}

static void h2t_silent(void *ud, const char *msg, ...)
{
    NDX_UNUSED(ud);
    NDX_UNUSED(msg);
}

void ndx__html_to_text(const char *p, size_t n, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    if (*rc || !n)
        return;
    struct ndx_buf raw;
    ndx__buf_init(&raw, 0);
    struct h2t h = {&raw, rc, 0, 0};
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = h2t_start;
    sax.endElement = h2t_end;
    sax.characters = h2t_chars;
    sax.cdataBlock = h2t_chars;
    sax.warning = h2t_silent;
    sax.error = h2t_silent;
    sax.initialized = 1;
    htmlParserCtxtPtr ctxt =
        htmlCreatePushParserCtxt(&sax, &h, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
    if (!ctxt) {
        *rc = NDX_ENOMEM;
        return;
    }
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
    size_t off = 0;
    const size_t CH = (size_t)1 << 20;
    while (off < n && !*rc) {
        size_t k = NDX_MIN(CH, n - off);
        htmlParseChunk(ctxt, p + off, (int)k, 0);
        off += k;
    }
    htmlParseChunk(ctxt, NULL, 0, 1);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    if (!*rc && raw.n)
        ndx__ingest_clean((const char *)raw.p, raw.n, 1, out, rc);
    ndx__buf_free(&raw);
}

/* ---- XML tree helpers ----------------------------------------------------------------------- */

static const char *lname(const xmlNode *n)
{
    const char *s = (const char *)n->name;
    if (!s)
        return "";
    const char *c = strrchr(s, ':');
    return c ? c + 1 : s;
}

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcasecmp(lname(n), name);
}

/* Namespace prefix / URI test, loose: the element's namespace URI contains `frag`, or its raw
 * name has the prefix (undeclared prefixes keep "p:name" as the name). */
static int in_ns(const xmlNode *n, const char *frag, const char *prefix)
{
    if (n->ns && n->ns->href && strstr((const char *)n->ns->href, frag))
        return 1;
    size_t l = strlen(prefix);
    return !strncmp((const char *)n->name, prefix, l) && n->name[l] == ':';
}

/* An element of the feed vocabulary itself (not an extension module's homonym): no prefix, and
 * no namespace or a feed namespace or the root's. */
static _Thread_local const xmlChar *root_ns; /* of the document being read */

static int is_core(const xmlNode *n)
{
    if (strchr((const char *)n->name, ':'))
        return 0; /* undeclared prefix */
    if (!n->ns || !n->ns->href)
        return 1;
    const char *h = (const char *)n->ns->href;
    static const char *const known[] = {"http://purl.org/rss/1.0/",
                                        "http://my.netscape.com/rdf/simple/0.9/",
                                        "http://www.w3.org/2005/Atom",
                                        "http://purl.org/atom/ns#",
                                        "http://backend.userland.com/rss2",
                                        "http://backend.userland.com/rss",
                                        "http://blogs.law.harvard.edu/tech/rss"};
    for (size_t k = 0; k < NDX_ARRAY_LEN(known); k++) {
        if (!strcmp(h, known[k]))
            return 1;
    }
    return root_ns && !strcmp(h, (const char *)root_ns);
}

/* First child element of the feed vocabulary with this local name. */
static xmlNode *child_core(const xmlNode *parent, const char *name)
{
    for (xmlNode *k = parent ? parent->children : NULL; k; k = k->next) {
        if (is_el(k, name) && is_core(k))
            return k;
    }
    return NULL;
}

static xmlNode *child_el(const xmlNode *parent, const char *name)
{
    for (xmlNode *k = parent ? parent->children : NULL; k; k = k->next) {
        if (is_el(k, name))
            return k;
    }
    return NULL;
}

/* Concatenated text and CDATA below n (entity references are not expanded). */
static void node_text(const xmlNode *n, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    if (!n)
        return;
    const xmlNode *k = n->children;
    while (k && !*rc) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            if (k->content)
                ndx__buf_puts(out, (const char *)k->content, rc);
        } else if (k->type == XML_ELEMENT_NODE && k->children) {
            k = k->children;
            continue;
        }
        while (k && !k->next && k != n)
            k = k->parent;
        if (!k || k == n)
            break;
        k = k->next;
    }
}

/* An XHTML subtree (Atom type="xhtml") as paragraphs. */
static void xhtml_text(const xmlNode *n, struct ndx_buf *out, int *rc)
{
    struct ndx_buf raw;
    ndx__buf_init(&raw, 0);
    struct h2t h = {&raw, rc, 0, 0};
    const xmlNode *k = n->children;
    while (k && !*rc) {
        int down = 0;
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            if (k->content)
                h2t_chars(&h, k->content, (int)strlen((const char *)k->content));
        } else if (k->type == XML_ELEMENT_NODE) {
            h2t_start(&h, (const xmlChar *)lname(k), NULL);
            if (k->children) {
                k = k->children;
                down = 1;
            } else {
                h2t_end(&h, (const xmlChar *)lname(k));
            }
        }
        if (down)
            continue;
        while (k && !k->next && k != n) {
            k = k->parent;
            if (k && k != n && k->type == XML_ELEMENT_NODE)
                h2t_end(&h, (const xmlChar *)lname(k));
        }
        if (!k || k == n)
            break;
        k = k->next;
    }
    ndx__buf_reset(out);
    if (!*rc && raw.n)
        ndx__ingest_clean((const char *)raw.p, raw.n, 1, out, rc);
    ndx__buf_free(&raw);
}

static int looks_markup(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '<' && (p[i + 1] == '/' || p[i + 1] == '!' || ndx__ascii_is_alpha(p[i + 1])))
            return 1;
        if (p[i] == '&' && (p[i + 1] == '#' || ndx__ascii_is_alpha(p[i + 1])))
            return 1;
    }
    return 0;
}

enum ctype { CT_TEXT, CT_HTML, CT_XHTML, CT_GUESS, CT_BASE64 };

static enum ctype content_type(const xmlNode *n, int atom)
{
    xmlChar *t = xmlGetProp(n, (const xmlChar *)"type");
    xmlChar *m = xmlGetProp(n, (const xmlChar *)"mode");
    enum ctype r = atom ? CT_TEXT : CT_GUESS;
    if (t) {
        const char *s = (const char *)t;
        if (!strcasecmp(s, "html") || strstr(s, "html"))
            r = strstr(s, "xhtml") ? CT_XHTML : CT_HTML;
        else if (!strcasecmp(s, "text") || !strcasecmp(s, "text/plain"))
            r = CT_TEXT;
    }
    if (m && !strcasecmp((const char *)m, "escaped") && r == CT_XHTML)
        r = CT_HTML;
    if (m && !strcasecmp((const char *)m, "xml"))
        r = CT_XHTML;
    /* Atom: base64 for mode="base64" (0.3), or a type neither text nor XML (1.0) */
    if (atom && ((m && !strcasecmp((const char *)m, "base64")) ||
                 (t && strchr((const char *)t, '/') && strncasecmp((const char *)t, "text/", 5) &&
                  !strstr((const char *)t, "xml") && !strstr((const char *)t, "html"))))
        r = CT_BASE64;
    xmlFree(t);
    xmlFree(m);
    return r;
}

static int b64val(int ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    return ch == '+' || ch == '-' ? 62 : ch == '/' || ch == '_' ? 63 : -1;
}

/* Decode base64 in place (white space skipped, stops at '=' or a bad character). */
static void b64_decode(struct ndx_buf *b)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < b->n; i++) {
        int v = b64val(b->p[i]);
        if (v < 0) {
            if (b->p[i] == '=')
                break;
            continue;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            b->p[o++] = (uint8_t)(acc >> bits);
        }
    }
    b->n = o;
    if (b->p)
        b->p[o] = 0;
}

/* Text of a content-like element as paragraphs, by its type. */
static void content_text(const xmlNode *n, enum ctype t, struct ndx_buf *out, struct ndx_buf *tmp,
                         int *rc)
{
    ndx__buf_reset(out);
    if (!n)
        return;
    if (t == CT_XHTML) {
        xhtml_text(n, out, rc);
        return;
    }
    node_text(n, tmp, rc);
    if (*rc || !tmp->n)
        return;
    if (t == CT_BASE64) {
        b64_decode(tmp);
        t = CT_GUESS;
    }
    if (t == CT_HTML || (t == CT_GUESS && looks_markup(tmp->p, tmp->n)))
        ndx__html_to_text((const char *)tmp->p, tmp->n, out, rc);
    else
        ndx__ingest_clean((const char *)tmp->p, tmp->n, 1, out, rc);
}

/* A one-line field: markup removed when it looks like markup, white space collapsed. */
static void line_text(const xmlNode *n, int atom, struct ndx_buf *out, struct ndx_buf *tmp, int *rc)
{
    ndx__buf_reset(out);
    if (!n)
        return;
    enum ctype t = content_type(n, atom);
    if (t == CT_XHTML) {
        xhtml_text(n, tmp, rc);
    } else {
        node_text(n, out, rc);
        if (*rc)
            return;
        if (t == CT_BASE64) {
            b64_decode(out);
            t = CT_GUESS;
        }
        if (t == CT_HTML || (t == CT_GUESS && looks_markup(out->p, out->n)))
            ndx__html_to_text((const char *)out->p, out->n, tmp, rc);
        else {
            ndx__buf_reset(tmp);
            ndx__buf_append(tmp, out->p, out->n, rc);
        }
    }
    if (!*rc)
        ndx__ingest_clean(tmp->p ? (const char *)tmp->p : "", tmp->n, 0, out, rc);
}

static void attr_into(const xmlNode *n, const char *name, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (v) {
        ndx__ingest_clean((const char *)v, strlen((const char *)v), 0, out, rc);
        xmlFree(v);
    }
}

static int attr_is(const xmlNode *n, const char *name, const char *val)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v && !strcasecmp((const char *)v, val);
    xmlFree(v);
    return r;
}

static int has_attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v != NULL;
    xmlFree(v);
    return r;
}

static int is_http(const struct ndx_buf *b)
{
    return b->n > 7 && (!strncmp((const char *)b->p, "http://", 7) ||
                        !strncmp((const char *)b->p, "https://", 8));
}

/* The link of an item or channel: Atom <link rel="alternate" href>, else RSS <link>text. */
static const xmlNode *find_link(const xmlNode *parent, struct ndx_buf *out, struct ndx_buf *tmp,
                                int *rc)
{
    ndx__buf_reset(out);
    const xmlNode *best = NULL;
    int best_score = -1;
    for (const xmlNode *k = parent->children; k; k = k->next) {
        if (!is_el(k, "link") || !is_core(k))
            continue;
        if (has_attr(k, "href")) {
            int score;
            xmlChar *rel = xmlGetProp(k, (const xmlChar *)"rel");
            if (!rel || !strcasecmp((const char *)rel, "alternate"))
                score = attr_is(k, "type", "text/html") ? 3 : 2;
            else if (!strcasecmp((const char *)rel, "self") ||
                     !strcasecmp((const char *)rel, "enclosure") ||
                     !strcasecmp((const char *)rel, "replies") ||
                     !strcasecmp((const char *)rel, "edit") ||
                     !strcasecmp((const char *)rel, "hub"))
                score = -1;
            else
                score = 0;
            xmlFree(rel);
            if (score > best_score) {
                best = k;
                best_score = score;
            }
        } else if (best_score < 4) {
            node_text(k, tmp, rc);
            ndx__ingest_clean(tmp->p ? (const char *)tmp->p : "", tmp->n, 0, out, rc);
            if (out->n)
                return k; /* RSS <link>: takes precedence */
        }
    }
    if (best)
        attr_into(best, "href", out, rc);
    return best;
}

static int has_scheme(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n &&
           (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
            (i > 0 && ((p[i] >= '0' && p[i] <= '9') || p[i] == '+' || p[i] == '-' || p[i] == '.'))))
        i++;
    return i > 0 && i < n && p[i] == ':';
}

/* Make a relative link absolute: against the xml:base in scope at `at`, else against `fallback`
 * (the feed's own link); only http(s) bases count.  Left as it is when nothing resolves it. */
static void resolve_link(const xmlNode *at, struct ndx_buf *link, const struct ndx_buf *fallback,
                         struct ndx_buf *tmp, int *rc)
{
    if (!link->n || has_scheme(link->p, link->n) || *rc)
        return;
    xmlChar *base = at ? xmlNodeGetBase(at->doc, at) : NULL;
    const char *b = (const char *)base;
    if (b && strncmp(b, "http://", 7) && strncmp(b, "https://", 8))
        b = NULL;
    if (!b && fallback && fallback->n && has_scheme(fallback->p, fallback->n))
        b = (const char *)fallback->p;
    if (b) {
        ndx__buf_reset(tmp);
        ndx__buf_append(tmp, link->p, link->n, rc);
        ndx__buf_append(tmp, "", 0, rc); /* NUL-terminated */
        xmlChar *abs = *rc ? NULL : xmlBuildURI(tmp->p, (const xmlChar *)b);
        if (abs && (!strncmp((const char *)abs, "http://", 7) ||
                    !strncmp((const char *)abs, "https://", 8))) {
            ndx__buf_reset(link);
            ndx__buf_append(link, abs, strlen((const char *)abs), rc);
        }
        xmlFree(abs);
    }
    xmlFree(base);
}

/* ---- XML feeds ------------------------------------------------------------------------------- */

struct xml_errs {
    int count;
    int line, col;
    char msg[200];
};

static void xml_error(void *ud, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = ud;
    struct xml_errs *e = ctxt ? ctxt->_private : NULL;
    if (!e || !err || err->level == XML_ERR_WARNING)
        return;
    if (!e->count++) {
        e->line = err->line;
        e->col = err->int2;
        snprintf(e->msg, sizeof e->msg, "%s", err->message ? err->message : "error");
        size_t l = strlen(e->msg);
        while (l && (e->msg[l - 1] == '\n' || e->msg[l - 1] == ' '))
            e->msg[--l] = 0;
    }
}

struct feed {
    struct ndx__ingest_ctx *c;
    int atom;
    struct ndx_buf source, lang, link, title, body, authors, date, tmp, tmp2;
    struct ndx_buf home; /* the feed's own (absolute) link: base of relative item links */
    uint64_t items, skipped;
};

static void feed_free(struct feed *f)
{
    struct ndx_buf *b[] = {&f->source,  &f->lang, &f->link, &f->title, &f->body,
                           &f->authors, &f->date, &f->tmp,  &f->tmp2,  &f->home};
    for (size_t k = 0; k < NDX_ARRAY_LEN(b); k++)
        ndx__buf_free(b[k]);
}

static void add_author(struct feed *f, const xmlNode *n, int *rc)
{
    struct ndx_buf *t = &f->tmp2;
    const xmlNode *name = child_el(n, "name"), *sub = NULL;
    for (const xmlNode *k = n->children; k && !sub; k = k->next) {
        if (k->type == XML_ELEMENT_NODE)
            sub = k;
    }
    if (name)
        line_text(name, 0, t, &f->tmp, rc);
    else if (sub)
        line_text(child_el(n, "email"), 0, t, &f->tmp, rc);
    else
        line_text(n, 0, t, &f->tmp, rc);
    if (!t->n)
        return;
    if (f->authors.n) {
        /* no repeats (dc:creator and author often say the same) */
        const char *s = (const char *)f->authors.p;
        size_t tn = t->n;
        for (const char *q = s; (q = strstr(q, (const char *)t->p));) {
            int at_start = q == s || (q - s >= 2 && q[-2] == ';' && q[-1] == ' ');
            if (at_start && (q[tn] == 0 || q[tn] == ';'))
                return;
            q++;
        }
        ndx__buf_puts(&f->authors, "; ", rc);
    }
    ndx__buf_append(&f->authors, t->p, t->n, rc);
}

static int item_article(struct feed *f, const xmlNode *item)
{
    struct ndx__ingest_ctx *c = f->c;
    int rc = 0;
    uint64_t line = (uint64_t)xmlGetLineNo(item);
    if ((long)line < 0)
        line = 0;
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.published = NDX_DATE_UNKNOWN;
    /* title */
    line_text(child_core(item, "title"), f->atom, &f->title, &f->tmp, &rc);
    /* link */
    const xmlNode *ln = find_link(item, &f->link, &f->tmp, &rc);
    resolve_link(ln, &f->link, &f->home, &f->tmp, &rc);
    if (!f->link.n) {
        const xmlNode *g = child_core(item, "guid");
        if (!g)
            g = child_core(item, "id");
        if (g && !attr_is(g, "isPermaLink", "false")) {
            line_text(g, 0, &f->link, &f->tmp, &rc);
            if (!is_http(&f->link))
                f->link.n = 0;
        }
    }
    /* date: published before updated */
    static const char *const date_els[] = {"published", "pubDate",  "issued",       "created",
                                           "updated",   "modified", "lastBuildDate"};
    const xmlNode *dn = NULL;
    for (size_t k = 0; k < NDX_ARRAY_LEN(date_els) && !dn; k++)
        dn = child_core(item, date_els[k]);
    if (!dn) {
        for (const xmlNode *k = item->children; k && !dn; k = k->next) {
            if (is_el(k, "date") && in_ns(k, "purl.org/dc", "dc"))
                dn = k;
        }
    }
    if (dn) {
        line_text(dn, 0, &f->date, &f->tmp, &rc);
        if (f->date.n &&
            ndx_parse_date((const char *)f->date.p, f->date.n, &a.published) != NDX_OK) {
            a.published = NDX_DATE_UNKNOWN;
            ndx__ingest_problem(c, (uint64_t)xmlGetLineNo(dn) > 0 ? (uint64_t)xmlGetLineNo(dn) : 0,
                                "unparseable date '%.60s'", (const char *)f->date.p);
        }
    }
    /* authors */
    ndx__buf_reset(&f->authors);
    for (const xmlNode *k = item->children; k && !rc; k = k->next) {
        if ((is_el(k, "author") && is_core(k)) ||
            (is_el(k, "creator") && in_ns(k, "purl.org/dc", "dc")))
            add_author(f, k, &rc);
    }
    /* body: full content, else the summary */
    const xmlNode *full = NULL, *sum = NULL;
    for (const xmlNode *k = item->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!full && is_el(k, "encoded"))
            full = k;
        else if (!full && f->atom && is_el(k, "content") && is_core(k) && !has_attr(k, "src"))
            full = k;
        else if (!full && !f->atom && is_el(k, "body") && in_ns(k, "xhtml", "xhtml"))
            full = k;
        else if (!sum && (is_el(k, "description") || is_el(k, "summary")) && is_core(k))
            sum = k;
    }
    ndx__buf_reset(&f->body);
    if (full) {
        enum ctype t = is_el(full, "encoded") ? CT_HTML
                       : is_el(full, "body")  ? CT_XHTML
                                              : content_type(full, f->atom);
        content_text(full, t, &f->body, &f->tmp, &rc);
    }
    if (!f->body.n && sum) {
        content_text(sum, content_type(sum, f->atom), &f->body, &f->tmp, &rc);
        if (f->body.n)
            a.flags |= NDX_ART_SUMMARY;
    }
    if (rc)
        return rc;
    if (!f->title.n && !f->body.n) {
        f->skipped++;
        ndx__ingest_problem(c, line, "no article text");
        return NDX_OK;
    }
    if (f->title.n) {
        a.title = (const char *)f->title.p;
        a.ntitle = f->title.n;
    }
    if (f->body.n) {
        a.body = (const char *)f->body.p;
        a.nbody = f->body.n;
    }
    if (f->link.n) {
        a.url = (const char *)f->link.p;
        a.nurl = f->link.n;
    }
    if (f->authors.n) {
        a.authors = (const char *)f->authors.p;
        a.nauthors = f->authors.n;
    }
    if (f->source.n) {
        a.source = (const char *)f->source.p;
        a.nsource = f->source.n;
    } else if (f->link.n) {
        ndx__url_source((const char *)f->link.p, f->link.n, &f->tmp2, &rc);
        if (f->tmp2.n && !rc) {
            a.source = (const char *)f->tmp2.p;
            a.nsource = f->tmp2.n;
        }
    }
    if (f->lang.n) {
        a.lang = (const char *)f->lang.p;
        a.nlang = f->lang.n;
    }
    f->items++;
    ndx__ingest_emit(c, &a);
    return rc;
}

int ndx__ingest_feed_xml(struct ndx__ingest_ctx *c, const char *p, size_t n)
{
    if (n > INT_MAX) {
        ndx__ingest_problem(c, 0, "file larger than %d bytes, skipped", INT_MAX);
        return NDX_EFORMAT;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return NDX_ENOMEM;
    struct xml_errs errs;
    memset(&errs, 0, sizeof errs);
    ctxt->_private = &errs;
    ctxt->sax->serror = xml_error;
    xmlDocPtr doc =
        xmlCtxtReadMemory(ctxt, p, (int)n, NULL, NULL,
                          XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
    int rc = NDX_OK;
    if (errs.count) {
        ndx__ingest_problem(c, errs.line > 0 ? (uint64_t)errs.line : 0,
                            "ill-formed XML (repaired): %s at column %d%s", errs.msg, errs.col,
                            errs.count > 1 ? " (and more errors)" : "");
    }
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        if (!errs.count)
            ndx__ingest_problem(c, 0, "not an XML feed");
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NDX_EFORMAT;
    }
    struct feed f;
    memset(&f, 0, sizeof f);
    f.c = c;
    f.atom = is_el(root, "feed");
    struct ndx_buf *bufs[] = {&f.source,  &f.lang, &f.link, &f.title, &f.body,
                              &f.authors, &f.date, &f.tmp,  &f.tmp2,  &f.home};
    for (size_t k = 0; k < NDX_ARRAY_LEN(bufs); k++)
        ndx__buf_init(bufs[k], 0);
    root_ns = root->ns ? root->ns->href : NULL;
    xmlNode *chan = f.atom ? root : child_el(root, "channel");
    if (!chan)
        chan = root;
    /* feed metadata: source from the feed's own link, else its title; language */
    const xmlNode *home = find_link(chan, &f.link, &f.tmp, &rc);
    resolve_link(home, &f.link, NULL, &f.tmp, &rc);
    if (f.link.n && is_http(&f.link)) {
        ndx__buf_append(&f.home, f.link.p, f.link.n, &rc);
        ndx__buf_append(&f.home, "", 0, &rc); /* NUL-terminated */
    }
    if (f.link.n)
        ndx__url_source((const char *)f.link.p, f.link.n, &f.source, &rc);
    if (!f.source.n)
        line_text(child_core(chan, "title"), f.atom, &f.source, &f.tmp, &rc);
    const xmlNode *ln = child_el(chan, "language");
    if (ln)
        line_text(ln, 0, &f.lang, &f.tmp, &rc);
    else
        attr_into(root, "lang", &f.lang, &rc); /* xml:lang */
    ndx__lang_code(&f.lang);
    /* items: children of the channel, and of the root for RSS 1.0 */
    const char *item_name = f.atom ? "entry" : "item";
    for (int pass = 0; pass < 2 && !rc && !c->stopped; pass++) {
        const xmlNode *parent = pass == 0 ? chan : root;
        if (pass == 1 && chan == root)
            break;
        for (const xmlNode *k = parent->children; k && !rc && !c->stopped; k = k->next) {
            if (is_el(k, item_name))
                rc = item_article(&f, k);
        }
    }
    if (!rc && !f.items && !f.skipped)
        ndx__ingest_problem(c, 0, "no feed items found");
    feed_free(&f);
    root_ns = NULL;
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc ? rc : f.items ? NDX_OK : NDX_EFORMAT;
}

/* ---- JSON Feed ------------------------------------------------------------------------------ */

static const char *jstr(json_t *o, const char *key, size_t *n)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    *n = json_string_length(v);
    return *n ? json_string_value(v) : NULL;
}

static void jauthor(json_t *a, struct ndx_buf *out, struct ndx_buf *tmp, int *rc)
{
    size_t n;
    const char *s = json_is_object(a) ? jstr(a, "name", &n) : NULL;
    if (!s)
        return;
    ndx__ingest_clean(s, n, 0, tmp, rc);
    if (!tmp->n)
        return;
    if (out->n)
        ndx__buf_puts(out, "; ", rc);
    ndx__buf_append(out, tmp->p, tmp->n, rc);
}

int ndx__ingest_feed_json(struct ndx__ingest_ctx *c, void *rootp)
{
    json_t *root = rootp;
    int rc = 0;
    struct feed f;
    memset(&f, 0, sizeof f);
    f.c = c;
    struct ndx_buf *bufs[] = {&f.source,  &f.lang, &f.link, &f.title, &f.body,
                              &f.authors, &f.date, &f.tmp,  &f.tmp2};
    for (size_t k = 0; k < NDX_ARRAY_LEN(bufs); k++)
        ndx__buf_init(bufs[k], 0);
    size_t n;
    const char *s;
    if ((s = jstr(root, "home_page_url", &n)))
        ndx__url_source(s, n, &f.source, &rc);
    if (!f.source.n && (s = jstr(root, "title", &n)))
        ndx__ingest_clean(s, n, 0, &f.source, &rc);
    if ((s = jstr(root, "language", &n))) {
        ndx__ingest_clean(s, n, 0, &f.lang, &rc);
        ndx__lang_code(&f.lang);
    }
    json_t *items = json_object_get(root, "items");
    size_t i;
    json_t *it;
    if (!json_is_array(items)) {
        ndx__ingest_problem(c, 0, "JSON Feed without \"items\"");
        feed_free(&f);
        return NDX_EFORMAT;
    }
    json_array_foreach(items, i, it)
    {
        if (rc || c->stopped)
            break;
        if (!json_is_object(it)) {
            ndx__ingest_problem(c, 0, "JSON Feed item %zu is not an object, skipped", i + 1);
            continue;
        }
        ndx_article a;
        memset(&a, 0, sizeof a);
        a.published = NDX_DATE_UNKNOWN;
        ndx__buf_reset(&f.title);
        ndx__buf_reset(&f.link);
        ndx__buf_reset(&f.authors);
        ndx__buf_reset(&f.body);
        if ((s = jstr(it, "title", &n))) {
            if (looks_markup((const uint8_t *)s, n)) {
                ndx__html_to_text(s, n, &f.tmp, &rc);
                ndx__ingest_clean(f.tmp.p ? (const char *)f.tmp.p : "", f.tmp.n, 0, &f.title, &rc);
            } else {
                ndx__ingest_clean(s, n, 0, &f.title, &rc);
            }
        }
        if ((s = jstr(it, "url", &n)) || (s = jstr(it, "external_url", &n)))
            ndx__ingest_clean(s, n, 0, &f.link, &rc);
        else if ((s = jstr(it, "id", &n))) {
            ndx__ingest_clean(s, n, 0, &f.link, &rc);
            if (!is_http(&f.link))
                f.link.n = 0;
        }
        if ((s = jstr(it, "date_published", &n)) || (s = jstr(it, "date_modified", &n))) {
            if (ndx_parse_date(s, n, &a.published) != NDX_OK) {
                a.published = NDX_DATE_UNKNOWN;
                ndx__ingest_problem(c, 0, "item %zu: unparseable date '%.60s'", i + 1, s);
            }
        }
        json_t *au = json_object_get(it, "authors");
        size_t j;
        json_t *x;
        if (json_is_array(au)) {
            json_array_foreach(au, j, x) jauthor(x, &f.authors, &f.tmp, &rc);
        }
        if (!f.authors.n)
            jauthor(json_object_get(it, "author"), &f.authors, &f.tmp, &rc);
        if ((s = jstr(it, "content_html", &n)))
            ndx__html_to_text(s, n, &f.body, &rc);
        if (!f.body.n && (s = jstr(it, "content_text", &n)))
            ndx__ingest_clean(s, n, 1, &f.body, &rc);
        if (!f.body.n && (s = jstr(it, "summary", &n))) {
            ndx__ingest_clean(s, n, 1, &f.body, &rc);
            if (f.body.n)
                a.flags |= NDX_ART_SUMMARY;
        }
        if (rc)
            break;
        if (!f.title.n && !f.body.n) {
            ndx__ingest_problem(c, 0, "item %zu: no article text", i + 1);
            f.skipped++;
            continue;
        }
        if (f.title.n) {
            a.title = (const char *)f.title.p;
            a.ntitle = f.title.n;
        }
        if (f.body.n) {
            a.body = (const char *)f.body.p;
            a.nbody = f.body.n;
        }
        if (f.link.n) {
            a.url = (const char *)f.link.p;
            a.nurl = f.link.n;
        }
        if (f.authors.n) {
            a.authors = (const char *)f.authors.p;
            a.nauthors = f.authors.n;
        }
        if (f.source.n) {
            a.source = (const char *)f.source.p;
            a.nsource = f.source.n;
        }
        if ((s = jstr(it, "language", &n))) {
            ndx__ingest_clean(s, n, 0, &f.tmp2, &rc);
            ndx__lang_code(&f.tmp2);
            if (f.tmp2.n) {
                a.lang = (const char *)f.tmp2.p;
                a.nlang = f.tmp2.n;
            }
        } else if (f.lang.n) {
            a.lang = (const char *)f.lang.p;
            a.nlang = f.lang.n;
        }
        f.items++;
        ndx__ingest_emit(c, &a);
    }
    if (!rc && !f.items && !f.skipped)
        ndx__ingest_problem(c, 0, "no feed items found");
    feed_free(&f);
    return rc ? rc : f.items ? NDX_OK : NDX_EFORMAT;
}
