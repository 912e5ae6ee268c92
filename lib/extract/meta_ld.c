/*
 * meta_ld.c - the JSON-LD of a page (schema.org): its article objects, found at the top level, in
 * @graph arrays and under mainEntity, give the headline, the publication date, the authors, the
 * publisher's name, the language and the article's text (articleBody).  Read by meta.c.
 */
#include "extract/extract.h"

#include <jansson.h>

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool type_is_article(json_t *t, int *prio)
{
    static const char *const art[] = {"NewsArticle",
                                      "Article",
                                      "BlogPosting",
                                      "ReportageNews",
                                      "AnalysisNewsArticle",
                                      "OpinionNewsArticle",
                                      "LiveBlogPosting",
                                      "Report",
                                      "ScholarlyArticle",
                                      "TechArticle",
                                      "BackgroundNewsArticle",
                                      "SocialMediaPosting",
                                      "ReviewNewsArticle",
                                      "AskPublicNewsArticle",
                                      "Blog",
                                      "SatiricalArticle",
                                      "Review"};
    const char *s = json_string_value(t);
    if (json_is_array(t) && json_array_size(t))
        s = json_string_value(json_array_get(t, 0));
    if (!s)
        return false;
    for (size_t i = 0; i < NDX_ARRAY_LEN(art); i++)
        if (!strcmp(s, art[i])) {
            *prio = 2;
            return true;
        }
    if (!strcmp(s, "WebPage") || !strcmp(s, "ItemPage")) {
        *prio = 1;
        return true;
    }
    return false;
}

static void add_author(struct ndx_ld *L, const char *name)
{
    if (!name || !*name)
        return;
    size_t n = strlen(name);
    if (n > 100 || strstr(name, "http"))
        return;
    size_t cur = strlen(L->authors);
    if (strstr(L->authors, name))
        return;
    if (cur + n + 3 >= sizeof L->authors)
        return;
    if (cur)
        strcat(L->authors, "; ");
    strcat(L->authors, name);
}

static void ld_authors(struct ndx_ld *L, json_t *a)
{
    if (json_is_string(a)) {
        add_author(L, json_string_value(a));
    } else if (json_is_object(a)) {
        add_author(L, json_string_value(json_object_get(a, "name")));
    } else if (json_is_array(a)) {
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
            if (i >= 10)
                break;
            if (json_is_string(v))
                add_author(L, json_string_value(v));
            else if (json_is_object(v))
                add_author(L, json_string_value(json_object_get(v, "name")));
        }
    }
}

static void ld_object(struct ndx_ld *L, json_t *o)
{
    int prio = 0;
    if (!type_is_article(json_object_get(o, "@type"), &prio))
        return;
    json_t *h = json_object_get(o, "headline");
    if (!json_is_string(h))
        h = json_object_get(o, "name");
    json_t *dp = json_object_get(o, "datePublished");
    if (!json_is_string(dp))
        dp = json_object_get(o, "dateCreated");
    if (prio > L->prio || (prio == L->prio && !L->headline)) {
        if (json_is_string(h))
            L->headline = json_string_value(h);
    }
    if (json_is_string(dp) && (prio > L->prio || !L->date))
        L->date = json_string_value(dp);
    if (prio == 2 || !L->authors[0])
        ld_authors(L, json_object_get(o, "author"));
    json_t *b = json_object_get(o, "articleBody");
    if (!json_is_string(b))
        b = json_object_get(o, "text");
    if (json_is_string(b) && (!L->body || strlen(json_string_value(b)) > strlen(L->body)))
        L->body = json_string_value(b);
    json_t *pub = json_object_get(o, "publisher");
    if (json_is_object(pub) && json_is_string(json_object_get(pub, "name")) && !L->site)
        L->site = json_string_value(json_object_get(pub, "name"));
    json_t *lang = json_object_get(o, "inLanguage");
    if (json_is_string(lang) && !L->lang)
        L->lang = json_string_value(lang);
    if (prio > L->prio)
        L->prio = prio;
}

void ndx__ld_parse(const struct ndx_xdoc *d, struct ndx_ld *L)
{
    memset(L, 0, sizeof *L);
    size_t i = 0;
    while (i < d->ldjson.n && L->nroots < NDX_ARRAY_LEN(L->roots)) {
        const char *s = (const char *)d->ldjson.p + i;
        size_t n = strlen(s);
        i += n + 1;
        /* strip HTML comment / CDATA wrappers */
        while (n && (is_space((unsigned char)*s) || *s == ';')) {
            s++;
            n--;
        }
        if (n >= 4 && !memcmp(s, "<!--", 4)) {
            s += 4;
            n -= 4;
        }
        json_error_t err;
        json_t *root = json_loadb(s, n, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &err);
        if (!root)
            continue;
        L->roots[L->nroots++] = root;
        /* walk: top-level object/array, @graph arrays, mainEntity - bounded explicit stack */
        json_t *stack[64];
        size_t sp = 0;
        stack[sp++] = root;
        size_t visited = 0;
        while (sp && visited < 500) {
            json_t *v = stack[--sp];
            visited++;
            if (json_is_array(v)) {
                size_t k;
                json_t *e;
                json_array_foreach(v, k, e)
                {
                    if (sp < NDX_ARRAY_LEN(stack) && (json_is_object(e) || json_is_array(e)))
                        stack[sp++] = e;
                }
            } else if (json_is_object(v)) {
                ld_object(L, v);
                static const char *const sub[] = {"@graph", "mainEntity", "mainEntityOfPage",
                                                  "itemListElement"};
                for (size_t k = 0; k < NDX_ARRAY_LEN(sub); k++) {
                    json_t *g = json_object_get(v, sub[k]);
                    if (g && (json_is_object(g) || json_is_array(g)) && sp < NDX_ARRAY_LEN(stack))
                        stack[sp++] = g;
                }
            }
        }
    }
}

void ndx__ld_free(struct ndx_ld *L)
{
    for (size_t i = 0; i < L->nroots; i++)
        json_decref(L->roots[i]);
    L->nroots = 0;
}

bool ndx__ldjson_body(const struct ndx_xdoc *d, struct ndx_buf *out)
{
    if (!d->ldjson.n || (!memmem(d->ldjson.p, d->ldjson.n, "articleBody", 11) &&
                         !memmem(d->ldjson.p, d->ldjson.n, "\"text\"", 6)))
        return false;
    struct ndx_ld L;
    ndx__ld_parse(d, &L);
    bool ok = false;
    int rc = 0;
    if (L.body && *L.body) {
        ndx__buf_puts(out, L.body, &rc);
        ok = !rc;
    }
    ndx__ld_free(&L);
    return ok;
}
