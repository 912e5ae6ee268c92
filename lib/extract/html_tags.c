/*
 * html_tags.c - the elements the extractor knows: each tag name with its number (the T_ enum of
 * html.h) and its classes (block, skipped content, boilerplate container, heading, paragraph,
 * list), and the lookup of a name by hash.  Names not in the table are T_OTHER.
 */
#include "extract/html.h"

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

uint8_t ndx__html_tag_class[T_NTAGS];
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

void ndx__html_init_tags(void)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(TAGS); i++) {
        ndx__html_tag_class[TAGS[i].tag] = TAGS[i].cls;
        const char *s = TAGS[i].name;
        uint32_t k = name_hash(s, strlen(s)) & (TAG_SLOTS - 1);
        while (tag_slot[k])
            k = (k + 1) & (TAG_SLOTS - 1);
        tag_slot[k] = (uint16_t)(i + 1);
    }
    ndx__html_tag_class[T_OTHER] = 0;
}

uint16_t ndx__html_tag_of(const char *name)
{
    size_t n = strlen(name);
    const struct taginfo *ti = tag_find(name, n, name_hash(name, n));
    return ti ? ti->tag : T_OTHER;
}
