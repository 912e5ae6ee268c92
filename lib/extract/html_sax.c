/*
 * html_sax.c - the page through libxml2's HTML parser in SAX mode: the pre-pass copy of the page
 * (html_prestrip.c) is parsed with no DOM, its start, end and text events driving the tree
 * builder (html_tree.c), with one of libxml2's decisions changed (the end-tag rule below).
 */
#include "extract/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <pthread.h>

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
    struct ndx_hbuilder b;
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
        ndx__html_build_end(&S->b);
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
    uint16_t tag = ndx__html_tag_of(name);
    struct ndx_hbuilder *b = &S->b;
    uint32_t skip = b->skip, over = b->overflow, nn = b->d->nn;
    ndx__html_build_start(b, tag, ndx__html_tag_class[tag], (const char **)xatts);
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
        ndx__html_build_end(&S->b);
}

/* An end tag `name` that libxml2 did not let close its element. */
static void refused_end(struct saxstate *S, const char *name)
{
    uint16_t tag = ndx__html_tag_of(name);
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
        if (ndx__html_new_node(S->b.d, S->b.cur, T_BR) == 0)
            sax_fail(S);
    }
}

static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
    struct saxstate *S = ctx;
    if (len > 0)
        ndx__html_build_chars(&S->b, (const char *)ch, (size_t)len);
    if (S->b.d->rc)
        sax_fail(S);
}

const int ndx__html_options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;

static void init_libxml(void)
{
    xmlInitParser();
    ndx__html_init_tags();
    init_parse_rules();
    ndx__html_init_text();
    ndx__html_init_words();
}

int ndx__html_parse(const char *html, size_t n, struct ndx_xdoc *d)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_libxml);
    if (n > INT32_MAX)
        return NDX_ETOOBIG;
    ndx__html_new_node(d, 0, T_OTHER); /* root */
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
