/*
 * libxml2_noop.h - libxml2's HTML parser run over a page with SAX handlers that do nothing and
 * the options the extractor uses (lib/extract/html_sax.c): what the parser costs by itself.  Shared
 * by ndx_bench.c (html) and peers/html_parsers.c.
 */
#ifndef NDX_BENCH_LIBXML2_NOOP_H
#define NDX_BENCH_LIBXML2_NOOP_H

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <string.h>

static void noop_start(void *c, const xmlChar *n, const xmlChar **a)
{
    (void)c, (void)n, (void)a;
}

static void noop_end(void *c, const xmlChar *n)
{
    (void)c, (void)n;
}

static void noop_chars(void *c, const xmlChar *s, int n)
{
    (void)c, (void)s, (void)n;
}

static void parse_noop(const char *s, size_t n)
{
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(s, (int)n);
    if (!ctxt)
        return;
    htmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = noop_start;
    sax->endElement = noop_end;
    sax->characters = noop_chars;
    sax->ignorableWhitespace = noop_chars;
    sax->initialized = XML_SAX2_MAGIC;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
}

#endif
