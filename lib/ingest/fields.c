/*
 * fields.c - from a JSON object to an ndx_article: the field map (news-please member names by
 * default, overridden by opts->field_map "body=text,date=published,..."; alternatives with '|',
 * nested members with dots), value conversion (author arrays, epoch dates, language codes, the
 * source taken from the URL host) and the cleaning every text field goes through (UTF-8 repair,
 * whitespace).  Also the problem-report helpers shared by the readers.
 */
#include "ingest.h"
#include "index/index.h" /* keyword field names */

#include <jansson.h>
#include <math.h>
#include <stdio.h>

/* ---- problem reports and delivery ------------------------------------------------------------ */

static void vreport(struct ndx__ingest_ctx *c, const char *where, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    c->cb->on_problem(c->cb->ctx, where, msg);
}

void ndx__ingest_problem(struct ndx__ingest_ctx *c, uint64_t line, const char *fmt, ...)
{
    if (!c->cb->on_problem)
        return;
    char *where = line ? ndx__strfmt("%s:%llu", c->name, (unsigned long long)line)
                       : ndx__strfmt("%s", c->name);
    va_list ap;
    va_start(ap, fmt);
    vreport(c, where ? where : c->name, fmt, ap);
    va_end(ap);
    ndx_free(where);
}

void ndx__ingest_problem_at(struct ndx__ingest_ctx *c, uint64_t off, const char *fmt, ...)
{
    if (!c->cb->on_problem)
        return;
    char *where = ndx__strfmt("%s@%llu", c->name, (unsigned long long)off);
    va_list ap;
    va_start(ap, fmt);
    vreport(c, where ? where : c->name, fmt, ap);
    va_end(ap);
    ndx_free(where);
}

static void problem_item(struct ndx__ingest_ctx *c, uint64_t line, uint64_t item, const char *fmt,
                         ...) NDX_PRINTF(4, 5);

static void problem_item(struct ndx__ingest_ctx *c, uint64_t line, uint64_t item, const char *fmt,
                         ...)
{
    if (!c->cb->on_problem)
        return;
    char *where = line   ? ndx__strfmt("%s:%llu", c->name, (unsigned long long)line)
                  : item ? ndx__strfmt("%s#%llu", c->name, (unsigned long long)item)
                         : ndx__strfmt("%s", c->name);
    va_list ap;
    va_start(ap, fmt);
    vreport(c, where ? where : c->name, fmt, ap);
    va_end(ap);
    ndx_free(where);
}

void ndx__ingest_emit(struct ndx__ingest_ctx *c, const ndx_article *a)
{
    ndx_article b;
    bool host = a->nsource && ndx__url_is_host(a->source, a->nsource);
    if (host || (!a->nsource && (c->source || a->nurl)) || (!a->nlang && c->lang)) {
        b = *a;
        if (!b.nsource && c->source) {
            b.source = c->source;
            b.nsource = strlen(c->source);
            host = ndx__url_is_host(b.source, b.nsource);
        }
        int rc = 0;
        ndx__buf_reset(&c->host);
        if (host) /* a source given as a host name follows the rule of hosts taken from URLs */
            ndx__url_source_of_host(b.source, b.nsource, &c->host, &rc);
        else if (!b.nsource && b.nurl > 7 &&
                 (!strncmp(b.url, "http://", 7) || !strncmp(b.url, "https://", 8)))
            ndx__url_source(b.url, b.nurl, &c->host, &rc);
        if ((host || !b.nsource) && !rc && c->host.n) {
            b.source = (const char *)c->host.p;
            b.nsource = c->host.n;
        }
        if (!b.nlang && c->lang) {
            b.lang = c->lang;
            b.nlang = strlen(c->lang);
        }
        a = &b;
    }
    c->narticles++;
    if (c->cb->on_article(c->cb->ctx, a))
        c->stopped = 1;
}

/* ---- field map ------------------------------------------------------------------------------- */

static const char *const field_names[NDX__F_COUNT] = {"url",  "source", "title", "authors",
                                                      "body", "lang",   "date"};

static const char *const defaults[NDX__F_COUNT][NDX__FMAP_ALTS + 1] = {
    [NDX__F_URL] = {"url", NULL},
    [NDX__F_SOURCE] = {"source_domain", "source", NULL},
    [NDX__F_TITLE] = {"title", NULL},
    [NDX__F_AUTHORS] = {"authors", NULL},
    [NDX__F_BODY] = {"maintext", "text", "body", "content", "article", "description", NULL},
    [NDX__F_LANG] = {"language", NULL},
    [NDX__F_DATE] = {"date_publish", "date", "published", NULL},
};

static char *trim_str(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

int ndx__ingest_parse_fmap(struct ndx__ingest_ctx *c, const char *map)
{
    struct ndx__ingest_fmap *fm = &c->fmap;
    for (int f = 0; f < NDX__F_COUNT; f++) {
        int k = 0;
        for (; defaults[f][k]; k++)
            fm->keys[f][k] = defaults[f][k];
        fm->keys[f][k] = NULL;
    }
    if (!map || !*map)
        return NDX_OK;
    fm->owned = ndx_strndup(map, strlen(map));
    if (!fm->owned)
        return NDX_ENOMEM;
    char *save = NULL;
    for (char *item = strtok_r(fm->owned, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            if (*trim_str(item) == 0)
                continue;
            ndx__ingest_problem(c, 0, "field map: '%s' is not key=member", item);
            return NDX_EINVAL;
        }
        *eq = 0;
        char *key = trim_str(item), *val = trim_str(eq + 1);
        int f = 0;
        while (f < NDX__F_COUNT && strcmp(key, field_names[f]) != 0)
            f++;
        const char **keys = f < NDX__F_COUNT ? fm->keys[f] : NULL;
        if (!keys && ndx__keyword_name_ok(key, strlen(key))) {
            size_t j = 0;
            while (j < fm->nkw && strcmp(fm->kw_name[j], key) != 0)
                j++;
            if (j == NDX__FMAP_KEYWORDS) {
                ndx__ingest_problem(c, 0, "field map: more than %d keyword fields",
                                    NDX__FMAP_KEYWORDS);
                return NDX_EINVAL;
            }
            if (j == fm->nkw)
                fm->kw_name[fm->nkw++] = key;
            keys = fm->kw_keys[j];
        }
        if (!keys) {
            ndx__ingest_problem(c, 0,
                                "field map: unknown field '%s' (url, source, title, authors, "
                                "body, lang, date, or a keyword field name: a letter, then "
                                "letters, digits or '_')",
                                key);
            return NDX_EINVAL;
        }
        int k = 0;
        char *s2 = NULL;
        for (char *alt = strtok_r(val, "|", &s2); alt; alt = strtok_r(NULL, "|", &s2)) {
            alt = trim_str(alt);
            if (!*alt)
                continue;
            if (k == NDX__FMAP_ALTS) {
                ndx__ingest_problem(c, 0, "field map: more than %d alternatives for '%s'",
                                    NDX__FMAP_ALTS, key);
                return NDX_EINVAL;
            }
            keys[k++] = alt;
        }
        keys[k] = NULL; /* "source=" disables the field */
    }
    return NDX_OK;
}

/* Member `key` of obj; "a.b.c" walks nested objects when no member has the dotted name. */
static json_t *lookup(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v || !strchr(key, '.'))
        return v;
    const char *p = key;
    v = obj;
    while (v && json_is_object(v)) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        v = json_object_getn(v, p, len);
        if (!dot)
            return v;
        p = dot + 1;
    }
    return NULL;
}

/* ---- cleaning -------------------------------------------------------------------------------- */

/* Length of a space at s (ASCII white space, U+00A0, U+3000), 0 if none. */
static size_t space_len(const uint8_t *s, const uint8_t *end)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
        return 1;
    if (end - s >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (end - s >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

/* Append [s, e) trimmed; whitespace runs collapsed to one space if `collapse`. */
static void put_trimmed(struct ndx_buf *out, const uint8_t *s, const uint8_t *e, int collapse,
                        int *rc)
{
    size_t k;
    while (s < e && (k = space_len(s, e)))
        s += k;
    for (;;) {
        const uint8_t *t = e;
        /* trailing spaces: scan back over ASCII ones and the two multi-byte ones */
        if (t > s &&
            (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r' || t[-1] == '\f' || t[-1] == '\v'))
            t--;
        else if (t - s >= 2 && t[-2] == 0xC2 && t[-1] == 0xA0)
            t -= 2;
        else if (t - s >= 3 && t[-3] == 0xE3 && t[-2] == 0x80 && t[-1] == 0x80)
            t -= 3;
        if (t == e)
            break;
        e = t;
    }
    if (!collapse) {
        ndx__buf_append(out, s, (size_t)(e - s), rc);
        return;
    }
    const uint8_t *run = s;
    while (s < e) {
        if ((k = space_len(s, e)) || *s == '\n') {
            const uint8_t *sp = s;
            while (s < e && ((k = space_len(s, e)) || *s == '\n'))
                s += k ? k : 1;
            if (!(s - sp == 1 && *sp == ' ')) {
                ndx__buf_append(out, run, (size_t)(sp - run), rc);
                ndx__buf_putc(out, ' ', rc);
                run = s;
            }
            continue;
        }
        s++;
    }
    ndx__buf_append(out, run, (size_t)(e - run), rc);
}

size_t ndx__ingest_clean(const char *s, size_t n, int paragraphs, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    const uint8_t *p = (const uint8_t *)s;
    size_t fixed = 0;
    struct ndx_buf rep;
    ndx__buf_init(&rep, 0);
    /* fast path: valid UTF-8 without control characters needs no repair copy */
    int clean = ndx__utf8_valid_prefix(s, n) == n;
    for (size_t i = 0; clean && i < n; i++) {
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') || p[i] == 0x7f)
            clean = 0;
    }
    if (!clean) {
        ndx__utf8_repair(s, n, &rep, &fixed, NULL, rc);
        if (*rc) {
            ndx__buf_free(&rep);
            return 0;
        }
        p = rep.p ? rep.p : (const uint8_t *)"";
        n = rep.n;
    }
    const uint8_t *end = p + n;
    if (!paragraphs) {
        put_trimmed(out, p, end, 1, rc);
    } else {
        while (p < end) {
            const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
            const uint8_t *e = nl ? nl : end;
            size_t before = out->n;
            if (out->n)
                ndx__buf_putc(out, '\n', rc);
            size_t mark = out->n;
            put_trimmed(out, p, e, 0, rc);
            if (!*rc && out->n == mark) { /* empty line: drop it */
                out->n = before;
                if (out->p)
                    out->p[out->n] = 0;
            }
            p = nl ? nl + 1 : end;
        }
    }
    if (!*rc && !out->p)
        ndx__buf_append(out, "", 0, rc);
    ndx__buf_free(&rep);
    return fixed;
}

/* ---- values -------------------------------------------------------------------------------- */

/* Text of a value: a string, or an object's "name", or an array of those joined by `sep`. */
static void value_text(json_t *v, const char *sep, struct ndx_buf *raw, int *rc)
{
    if (json_is_string(v)) {
        ndx__buf_append(raw, json_string_value(v), json_string_length(v), rc);
    } else if (json_is_object(v)) {
        json_t *name = json_object_get(v, "name");
        if (json_is_string(name))
            ndx__buf_append(raw, json_string_value(name), json_string_length(name), rc);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_array(e))
                continue;
            size_t before = raw->n;
            if (raw->n)
                ndx__buf_puts(raw, sep, rc);
            size_t mark = raw->n;
            value_text(e, sep, raw, rc);
            if (!*rc && raw->n == mark)
                raw->n = before;
        }
    }
}

static int all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    }
    return 1;
}

void ndx__lang_code(struct ndx_buf *b)
{
    size_t k = 0;
    while (k < b->n && ndx__ascii_is_alpha(b->p[k]))
        k++;
    if (k < 2 || k > 3 || (k < b->n && b->p[k] != '-' && b->p[k] != '_')) {
        ndx__buf_reset(b);
        return;
    }
    ndx__ascii_lower_copy((char *)b->p, (const char *)b->p, k);
    b->n = k;
    b->p[k] = 0;
}

#define EPOCH_MIN (-5364662400LL) /* 1800-01-01 */
#define EPOCH_MAX 7289654399LL    /* 2200-12-31 23:59:59 */

static int64_t epoch_of(double v)
{
    if (fabs(v) > 1e11)
        v /= 1000.0;
    return (int64_t)floor(v);
}

void ndx__ingest_keyword_line(struct ndx__ingest_ctx *c, const char *name, const char *s, size_t n,
                              struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(&c->kwv);
    ndx__utf8_repair(s, n, &c->kwv, NULL, NULL, rc);
    size_t start = out->n;
    ndx__buf_puts(out, name, rc);
    ndx__buf_putc(out, '\t', rc);
    size_t vstart = out->n;
    for (size_t i = 0; i < c->kwv.n && !*rc; i++) {
        unsigned char ch = c->kwv.p[i];
        ch = ch < 0x20 ? ' ' : ch;
        if (ch != ' ' || out->n > vstart) /* leading white space left out */
            ndx__buf_putc(out, ch, rc);
    }
    if (*rc)
        return;
    while (out->n > vstart && out->p[out->n - 1] == ' ') /* and trailing */
        out->n--;
    if (out->n == vstart) { /* nothing but spaces: no value */
        out->n = start;
        if (out->p)
            out->p[start] = 0;
        return;
    }
    ndx__buf_putc(out, '\n', rc);
}

static void keyword_line(struct ndx__ingest_ctx *c, const char *name, json_t *v,
                         struct ndx_buf *out, int *rc)
{
    ndx__ingest_keyword_line(c, name, json_string_value(v), json_string_length(v), out, rc);
}

/* The keyword fields of the field map found in obj, as lines into out (reset first): a string
 * member gives one value, an array of strings one value per string. */
static int keyword_lines(struct ndx__ingest_ctx *c, json_t *obj, struct ndx_buf *out)
{
    int rc = 0;
    ndx__buf_reset(out);
    const struct ndx__ingest_fmap *fm = &c->fmap;
    for (size_t j = 0; j < fm->nkw && !rc; j++) {
        for (int k = 0; fm->kw_keys[j][k]; k++) {
            json_t *v = lookup(obj, fm->kw_keys[j][k]);
            if (json_is_string(v)) {
                keyword_line(c, fm->kw_name[j], v, out, &rc);
                break;
            }
            if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                    if (json_is_string(e))
                        keyword_line(c, fm->kw_name[j], e, out, &rc);
                }
                break;
            }
        }
    }
    return rc;
}

int ndx__ingest_json_article(struct ndx__ingest_ctx *c, void *objp, uint64_t line, uint64_t item,
                             size_t nrepaired)
{
    json_t *obj = objp;
    int rc = 0;
    size_t fixed = nrepaired;
    if (!json_is_object(obj)) {
        problem_item(c, line, item, "no article text");
        return NDX_OK;
    }
    ndx_article a;
    memset(&a, 0, sizeof a);
    a.published = NDX_DATE_UNKNOWN;
    json_t *datev = NULL;
    for (int f = 0; f < NDX__F_COUNT; f++) {
        struct ndx_buf *out = &c->f[f];
        ndx__buf_reset(out);
        for (int k = 0; c->fmap.keys[f][k]; k++) {
            json_t *v = lookup(obj, c->fmap.keys[f][k]);
            if (!v || json_is_null(v))
                continue;
            if (f == NDX__F_DATE) {
                if (json_is_number(v) ||
                    (json_is_string(v) && json_string_length(v) &&
                     !all_space(json_string_value(v), json_string_length(v)))) {
                    datev = v;
                    break;
                }
                continue;
            }
            ndx__buf_reset(&c->tmp);
            value_text(v, f == NDX__F_AUTHORS ? "; " : "\n", &c->tmp, &rc);
            if (rc)
                return rc;
            if (!c->tmp.n)
                continue;
            fixed +=
                ndx__ingest_clean((const char *)c->tmp.p, c->tmp.n, f == NDX__F_BODY, out, &rc);
            if (rc)
                return rc;
            if (f == NDX__F_LANG)
                ndx__lang_code(out);
            if (out->n)
                break;
        }
    }
    if (!c->f[NDX__F_SOURCE].n && c->f[NDX__F_URL].n) {
        ndx__url_source((const char *)c->f[NDX__F_URL].p, c->f[NDX__F_URL].n, &c->f[NDX__F_SOURCE],
                        &rc);
        if (rc)
            return rc;
    }
    if (!c->f[NDX__F_BODY].n && !c->f[NDX__F_TITLE].n) {
        problem_item(c, line, item, "no article text");
        return NDX_OK;
    }
    if (fixed)
        problem_item(c, line, item, "invalid UTF-8 repaired (%zu bytes)", fixed);
    if (datev) {
        if (json_is_number(datev)) {
            double v = json_number_value(datev);
            if (isfinite(v) && fabs(v) < 1e15 && epoch_of(v) >= EPOCH_MIN &&
                epoch_of(v) <= EPOCH_MAX)
                a.published = epoch_of(v);
            else
                problem_item(c, line, item, "unparseable date '%g'", v);
        } else {
            const char *s = json_string_value(datev);
            size_t n = json_string_length(datev);
            int64_t t;
            if (ndx_parse_date(s, n, &t) == NDX_OK) {
                a.published = t;
            } else {
                ndx__buf_reset(&c->tmp2);
                ndx__ingest_clean(s, NDX_MIN(n, (size_t)100), 0, &c->tmp2, &rc);
                if (rc)
                    return rc;
                problem_item(c, line, item, "unparseable date '%s%s'", (const char *)c->tmp2.p,
                             n > 100 ? "..." : "");
            }
        }
    }
#define SET(F, P, N)                                                                               \
    do {                                                                                           \
        if (c->f[F].n) {                                                                           \
            a.P = (const char *)c->f[F].p;                                                         \
            a.N = c->f[F].n;                                                                       \
        }                                                                                          \
    } while (0)
    SET(NDX__F_URL, url, nurl);
    SET(NDX__F_SOURCE, source, nsource);
    SET(NDX__F_TITLE, title, ntitle);
    SET(NDX__F_AUTHORS, authors, nauthors);
    SET(NDX__F_BODY, body, nbody);
    SET(NDX__F_LANG, lang, nlang);
#undef SET
    rc = keyword_lines(c, obj, &c->kw);
    if (rc)
        return rc;
    if (c->kw.n) {
        a.fields = (const char *)c->kw.p;
        a.nfields = c->kw.n;
    }
    ndx__ingest_emit(c, &a);
    return NDX_OK;
}
