/*
 * parse.c - the query parser: query text -> struct ndx_qnode tree (grammar in query.h, user
 * documentation in docs/QUERY.md), the tree's S-expression dump, and its destructor.
 *
 * A byte-based recursive-descent parser working straight on the text (no token array).  Recursion
 * happens only at '(' and is bounded by NDX_QUERY_MAX_DEPTH; NOT chains are counted in a loop.  The
 * first error wins: it sets p->rc, p->errpos and p->errmsg and every function unwinds, freeing what
 * it built.  Dates use a small days-from-civil routine of their own (no dependency on util/).
 */
#include "index/index.h" /* ndx__keyword_name_ok */
#include "query/query.h"
#include "util/civil.h"

#include <inttypes.h>
#include <stdio.h>

/* Token classes at the current position. */
enum tok {
    T_END,
    T_LP,
    T_RP,
    T_QUOTE,
    T_AND,
    T_OR,
    T_NOT,
    T_MINUS,
    T_PLUS,
    T_WORD,
};

#define F_DATE (-1) /* pseudo field for "date:" */
#define F_WIRE (-3) /* pseudo field for "wire:" */

struct parser {
    const uint8_t *s;
    size_t n;
    size_t pos;
    size_t nodes; /* nodes allocated so far */
    int depth;    /* open parentheses */
    int rc;       /* first error, or 0 */
    size_t errpos;
    char *errmsg;
};

struct kidvec {
    struct ndx_qnode **v;
    size_t n, cap;
};

static const char *const field_names[] = {
    [NDX_F_ANY] = NULL,        [NDX_F_TITLE] = "title",     [NDX_F_BODY] = "body",
    [NDX_F_SOURCE] = "source", [NDX_F_URL] = "url",         [NDX_F_LANG] = "lang",
    [NDX_F_PERSON] = "person", [NDX_F_ORG] = "org",         [NDX_F_PLACE] = "place",
    [NDX_F_QUOTE] = "quote",   [NDX_F_SPEAKER] = "speaker", [NDX_F_KEYWORD] = "keyword",
};

/* ---- errors ------------------------------------------------------------------------------- */

static void fail(struct parser *p, int rc, size_t pos, const char *fmt, ...) NDX_PRINTF(4, 5);

static void fail(struct parser *p, int rc, size_t pos, const char *fmt, ...)
{
    if (p->rc)
        return;
    p->rc = rc;
    p->errpos = pos;
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    p->errmsg = ndx__strfmt("%s", tmp); /* NULL on OOM: the status alone still tells */
}

static void fail_oom(struct parser *p)
{
    fail(p, NDX_ENOMEM, p->pos, "out of memory");
}

/* ---- nodes -------------------------------------------------------------------------------- */

void ndx__query_free(struct ndx_qnode *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->nkids; i++)
        ndx__query_free(node->kids[i]);
    ndx_free(node->kids);
    ndx_free(node->text);
    ndx_free(node);
}

static struct ndx_qnode *new_node(struct parser *p, int kind, size_t pos)
{
    if (p->nodes >= NDX_QUERY_MAX_NODES) {
        fail(p, NDX_ETOOBIG, pos, "query too complex (more than %d terms and operators)",
             NDX_QUERY_MAX_NODES);
        return NULL;
    }
    struct ndx_qnode *nd = ndx_calloc(1, sizeof *nd);
    if (!nd) {
        fail_oom(p);
        return NULL;
    }
    p->nodes++;
    nd->kind = kind;
    nd->pos = pos;
    nd->date_from = INT64_MIN;
    nd->date_to = INT64_MAX;
    return nd;
}

static struct ndx_qnode *new_text_node(struct parser *p, int kind, int field, size_t pos,
                                       const uint8_t *text, size_t ntext)
{
    struct ndx_qnode *nd = new_node(p, kind, pos);
    if (!nd)
        return NULL;
    nd->text = ndx_strndup((const char *)text, ntext);
    if (!nd->text) {
        ndx_free(nd);
        fail_oom(p);
        return NULL;
    }
    nd->ntext = ntext;
    nd->field = field;
    return nd;
}

static void kids_free(struct kidvec *kv)
{
    for (size_t i = 0; i < kv->n; i++)
        ndx__query_free(kv->v[i]);
    ndx_free(kv->v);
    kv->v = NULL;
    kv->n = kv->cap = 0;
}

static int kids_reserve(struct parser *p, struct kidvec *kv, size_t extra)
{
    if (kv->n + extra <= kv->cap)
        return 0;
    size_t cap = kv->cap ? kv->cap * 2 : 4;
    while (cap < kv->n + extra)
        cap *= 2;
    struct ndx_qnode **v = ndx_realloc(kv->v, cap * sizeof *v);
    if (!v) {
        fail_oom(p);
        return -1;
    }
    kv->v = v;
    kv->cap = cap;
    return 0;
}

/* Append `nd` (ownership taken, also on failure); a node of the same kind is flattened into its
 * kids. */
static int kids_push(struct parser *p, struct kidvec *kv, struct ndx_qnode *nd, int kind)
{
    size_t add = nd->kind == kind ? nd->nkids : 1;
    if (kids_reserve(p, kv, add) != 0) {
        ndx__query_free(nd);
        return -1;
    }
    if (nd->kind != kind) {
        kv->v[kv->n++] = nd;
        return 0;
    }
    for (size_t i = 0; i < nd->nkids; i++)
        kv->v[kv->n++] = nd->kids[i];
    ndx_free(nd->kids);
    ndx_free(nd);
    return 0;
}

/* Turn the collected kids into one node: the single kid itself, or an AND/OR of them.  Consumes
 * the vector in every case. */
static struct ndx_qnode *kids_finish(struct parser *p, struct kidvec *kv, int kind)
{
    if (kv->n == 1) {
        struct ndx_qnode *only = kv->v[0];
        ndx_free(kv->v);
        return only;
    }
    struct ndx_qnode *nd = kv->n ? new_node(p, kind, kv->v[0]->pos) : NULL;
    if (!nd) {
        kids_free(kv);
        return NULL;
    }
    nd->kids = kv->v;
    nd->nkids = kv->n;
    return nd;
}

/* NOT of `nd`; NOT NOT x is x. */
static struct ndx_qnode *negate(struct parser *p, struct ndx_qnode *nd, size_t pos)
{
    if (nd->kind == NDX_Q_NOT) {
        struct ndx_qnode *inner = nd->kids[0];
        ndx_free(nd->kids);
        ndx_free(nd);
        return inner;
    }
    struct ndx_qnode *no = new_node(p, NDX_Q_NOT, pos);
    struct ndx_qnode **kids = no ? ndx_malloc(sizeof *kids) : NULL;
    if (!kids) {
        if (no)
            fail_oom(p);
        ndx_free(no);
        ndx__query_free(nd);
        return NULL;
    }
    kids[0] = nd;
    no->kids = kids;
    no->nkids = 1;
    return no;
}

/* ---- lexing ------------------------------------------------------------------------------- */

/* Length of the space character at i (ASCII whitespace, U+3000 ideographic space), else 0. */
static size_t space_len(const uint8_t *s, size_t n, size_t i)
{
    uint8_t c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80)
        return 3;
    return 0;
}

static void skip_space(struct parser *p)
{
    size_t k;
    while (p->pos < p->n && (k = space_len(p->s, p->n, p->pos)) != 0)
        p->pos += k;
}

static bool is_break(const uint8_t *s, size_t n, size_t i)
{
    return i >= n || s[i] == '(' || s[i] == ')' || s[i] == '"' || space_len(s, n, i) != 0;
}

/* End of the word run starting at i. */
static size_t word_end(const struct parser *p, size_t i)
{
    while (!is_break(p->s, p->n, i))
        i++;
    return i;
}

static bool span_is(const struct parser *p, size_t i, size_t e, const char *w)
{
    size_t k = strlen(w);
    return e - i == k && memcmp(p->s + i, w, k) == 0;
}

/* Class of the token at p->pos (spaces already skipped). */
static enum tok peek(const struct parser *p)
{
    size_t i = p->pos;
    if (i >= p->n)
        return T_END;
    switch (p->s[i]) {
    case '(':
        return T_LP;
    case ')':
        return T_RP;
    case '"':
        return T_QUOTE;
    default:
        break;
    }
    size_t e = word_end(p, i);
    if (span_is(p, i, e, "AND"))
        return T_AND;
    if (span_is(p, i, e, "OR"))
        return T_OR;
    if (span_is(p, i, e, "NOT"))
        return T_NOT;
    if (p->s[i] == '-' || p->s[i] == '+') {
        /* a run of two or more '-'/'+' alone ("--") is a punctuation word, not an operator */
        size_t k = i;
        while (k < e && (p->s[k] == '-' || p->s[k] == '+'))
            k++;
        if (k == e && e - i >= 2)
            return T_WORD;
        return p->s[i] == '-' ? T_MINUS : T_PLUS;
    }
    return T_WORD;
}

/* Can the token class start a term (the operand of an operator)? */
static bool starts_operand(enum tok t)
{
    return t != T_END && t != T_RP && t != T_AND && t != T_OR;
}

/* Known field `s[i..e)` (case-insensitive): enum ndx_qfield, F_DATE, F_WIRE, or -2 if none. */
static int field_lookup(const struct parser *p, size_t i, size_t e)
{
    static const char *const all[] = {"title",  "body", "source", "url",  "lang",  "date",
                                      "person", "org",  "place",  "wire", "quote", "speaker"};
    static const int ids[] = {NDX_F_TITLE, NDX_F_BODY, NDX_F_SOURCE, NDX_F_URL,
                              NDX_F_LANG,  F_DATE,     NDX_F_PERSON, NDX_F_ORG,
                              NDX_F_PLACE, F_WIRE,     NDX_F_QUOTE,  NDX_F_SPEAKER};
    for (size_t k = 0; k < NDX_ARRAY_LEN(all); k++) {
        size_t len = strlen(all[k]);
        if (e - i != len)
            continue;
        size_t j = 0;
        while (j < len && (p->s[i + j] | 0x20) == all[k][j])
            j++;
        if (j == len)
            return ids[k];
    }
    return -2;
}

/* If the word run [i, e) starts with "field:", return the field and set *colon; else -2. */
static int field_prefix(const struct parser *p, size_t i, size_t e, size_t *colon)
{
    const uint8_t *c = memchr(p->s + i, ':', e - i);
    if (!c)
        return -2;
    *colon = (size_t)(c - p->s);
    return field_lookup(p, i, *colon);
}

/* ---- dates -------------------------------------------------------------------------------- */

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Read exactly `k` digits at s[*i]. */
static bool digits(const uint8_t *s, size_t n, size_t *i, int k, int *out)
{
    int v = 0;
    for (int j = 0; j < k; j++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return false;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return true;
}

/*
 * One date: YYYY, YYYY-MM, YYYY-MM-DD (whole periods) or YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+-HH[:MM]]
 * (a point).  Sets [*start, *end], inclusive Unix seconds.
 */
static bool parse_date1(const uint8_t *s, size_t n, int64_t *start, int64_t *end)
{
    size_t i = 0;
    int y, m = 0, d = 0;
    if (!digits(s, n, &i, 4, &y))
        return false;
    if (i == n) {
        *start = ndx__days_from_civil(y, 1, 1) * 86400;
        *end = ndx__days_from_civil(y + 1, 1, 1) * 86400 - 1;
        return true;
    }
    if (s[i++] != '-' || !digits(s, n, &i, 2, &m) || m < 1 || m > 12)
        return false;
    if (i == n) {
        *start = ndx__days_from_civil(y, m, 1) * 86400;
        *end = (m == 12 ? ndx__days_from_civil(y + 1, 1, 1) : ndx__days_from_civil(y, m + 1, 1)) *
                   86400 -
               1;
        return true;
    }
    if (s[i++] != '-' || !digits(s, n, &i, 2, &d) || d < 1 || d > days_in_month(y, m))
        return false;
    int64_t day = ndx__days_from_civil(y, m, d) * 86400;
    if (i == n) {
        *start = day;
        *end = day + 86399;
        return true;
    }
    int hh, mi, ss = 0;
    if ((s[i] != 'T' && s[i] != 't') || (++i, !digits(s, n, &i, 2, &hh)) || hh > 23)
        return false;
    if (i >= n || s[i++] != ':' || !digits(s, n, &i, 2, &mi) || mi > 59)
        return false;
    if (i < n && s[i] == ':') {
        i++;
        if (!digits(s, n, &i, 2, &ss) || ss > 60)
            return false;
        if (ss == 60)
            ss = 59; /* leap second */
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            size_t f = ++i;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == f)
                return false;
        }
    }
    int64_t off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
        if (!digits(s, n, &i, 2, &oh) || oh > 23)
            return false;
        if (i < n && s[i] == ':')
            i++;
        if (i < n && (!digits(s, n, &i, 2, &om) || om > 59))
            return false;
        off = sign * ((int64_t)oh * 3600 + om * 60);
    }
    if (i != n)
        return false;
    *start = *end = day + hh * 3600 + mi * 60 + ss - off;
    return true;
}

/* Find ".." in [s, s+n). */
static const uint8_t *find_dots(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return s + i;
    return NULL;
}

/* The value of "date:" at [i, e): a date, a range A..B, or a comparison. */
static struct ndx_qnode *parse_date_value(struct parser *p, size_t fpos, size_t i, size_t e)
{
    const uint8_t *s = p->s + i;
    size_t n = e - i;
    int64_t from = INT64_MIN, to = INT64_MAX, a0, a1, b0, b1;
    bool ok = false;
    const uint8_t *dots = find_dots(s, n);
    int maxshow = (int)NDX_MIN(n, 64);
    if (n >= 1 && (s[0] == '>' || s[0] == '<')) {
        size_t k = n >= 2 && s[1] == '=' ? 2 : 1;
        ok = parse_date1(s + k, n - k, &a0, &a1);
        if (ok && s[0] == '>') {
            from = k == 2 ? a0 : a1 + 1;
        } else if (ok) {
            to = k == 2 ? a1 : a0 - 1;
        }
    } else if (dots) {
        size_t na = (size_t)(dots - s), nb = n - na - 2;
        ok = na || nb;
        if (ok && na) {
            ok = parse_date1(s, na, &a0, &a1);
            from = a0;
        }
        if (ok && nb) {
            ok = parse_date1(dots + 2, nb, &b0, &b1);
            to = b1;
        }
        if (ok && from > to) {
            fail(p, NDX_ESYNTAX, i, "bad date '%.*s': the range starts after it ends", maxshow,
                 (const char *)s);
            return NULL;
        }
    } else {
        ok = parse_date1(s, n, &from, &to);
    }
    if (!ok) {
        fail(p, NDX_ESYNTAX, i, "bad date '%.*s' (use 2019, 2019-03, 2019-03-05, A..B, >=A, <A)",
             maxshow, (const char *)s);
        return NULL;
    }
    struct ndx_qnode *nd = new_node(p, NDX_Q_DATE, fpos);
    if (nd) {
        nd->date_from = from;
        nd->date_to = to;
    }
    return nd;
}

/* ---- grammar ------------------------------------------------------------------------------ */

static struct ndx_qnode *parse_or(struct parser *p, int field);

/* '"' text '"' ["~" N] at p->pos. */
static struct ndx_qnode *parse_phrase(struct parser *p, int field, size_t npos)
{
    size_t q = p->pos;
    const uint8_t *close = memchr(p->s + q + 1, '"', p->n - q - 1);
    if (!close) {
        fail(p, NDX_ESYNTAX, q, "missing closing quote");
        return NULL;
    }
    size_t t0 = q + 1, t1 = (size_t)(close - p->s), i = t0, k;
    while (i < t1 && (k = space_len(p->s, t1, i)) != 0)
        i += k;
    if (i == t1) {
        fail(p, NDX_ESYNTAX, q, "empty phrase");
        return NULL;
    }
    p->pos = t1 + 1;
    uint32_t slop = 0;
    if (p->pos < p->n && p->s[p->pos] == '~') {
        size_t tpos = p->pos++, d0 = p->pos;
        while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            if (slop <= 1000)
                slop = slop * 10 + (p->s[p->pos] - '0');
            p->pos++;
        }
        if (p->pos == d0) {
            fail(p, NDX_ESYNTAX, tpos, "'~' needs a number right after it (0 to 1000)");
            return NULL;
        }
        if (slop > 1000) {
            fail(p, NDX_ESYNTAX, tpos, "phrase distance too large (max ~1000)");
            return NULL;
        }
    }
    struct ndx_qnode *nd = new_text_node(p, NDX_Q_PHRASE, field, npos, p->s + t0, t1 - t0);
    if (nd)
        nd->slop = slop;
    return nd;
}

/* "(" or ")" at p->pos. */
static struct ndx_qnode *parse_group(struct parser *p, int field)
{
    size_t lp = p->pos;
    if (p->depth >= NDX_QUERY_MAX_DEPTH) {
        fail(p, NDX_ETOOBIG, lp, "query nested too deeply (max %d levels of parentheses)",
             NDX_QUERY_MAX_DEPTH);
        return NULL;
    }
    p->pos++;
    skip_space(p);
    enum tok t = peek(p);
    if (t == T_END) {
        fail(p, NDX_ESYNTAX, lp, "unbalanced '('");
        return NULL;
    }
    if (t == T_RP) {
        fail(p, NDX_ESYNTAX, lp, "empty parentheses");
        return NULL;
    }
    p->depth++;
    struct ndx_qnode *nd = parse_or(p, field);
    p->depth--;
    if (!nd)
        return NULL;
    skip_space(p);
    if (peek(p) != T_RP) {
        ndx__query_free(nd);
        fail(p, NDX_ESYNTAX, lp, "unbalanced '('");
        return NULL;
    }
    p->pos++;
    return nd;
}

/* A plain word [i, e): TERM, or PREFIX when it ends with '*'. */
static struct ndx_qnode *make_word(struct parser *p, int field, size_t npos, size_t i, size_t e)
{
    p->pos = e;
    size_t k = e;
    while (k > i && p->s[k - 1] == '*')
        k--;
    if (k == e)
        return new_text_node(p, NDX_Q_TERM, field, npos, p->s + i, e - i);
    if (k == i) {
        fail(p, NDX_ESYNTAX, i, "prefix too short: put at least one character before '*'");
        return NULL;
    }
    return new_text_node(p, NDX_Q_PREFIX, field, npos, p->s + i, k - i);
}

/* keyword ":" (word | phrase): the node's text is "name:value" (name lower-cased). */
static struct ndx_qnode *parse_keyword(struct parser *p, size_t i, size_t colon, size_t e)
{
    size_t a = colon + 1;
    if (a < p->n && p->s[a] == '(') {
        fail(p, NDX_ESYNTAX, a, "%.*s: takes a word or a phrase, not a group", (int)(colon - i),
             (const char *)p->s + i);
        return NULL;
    }
    if (a >= p->n || p->s[a] != '"') {
        /* a word (possibly empty after the colon: then the whole word is searched as text) */
        p->pos = e;
        struct ndx_qnode *nd = make_word(p, NDX_F_KEYWORD, i, i, e);
        if (nd)
            for (size_t k = 0; k < colon - i; k++)
                nd->text[k] = (char)((unsigned char)nd->text[k] | 0x20);
        return nd;
    }
    p->pos = a;
    struct ndx_qnode *nd = parse_phrase(p, NDX_F_KEYWORD, i);
    if (!nd)
        return NULL;
    char *t = ndx__strfmt("%.*s:%s", (int)(colon - i), (const char *)p->s + i, nd->text);
    if (!t) {
        ndx__query_free(nd);
        fail_oom(p);
        return NULL;
    }
    for (size_t k = 0; k < colon - i; k++)
        t[k] = (char)((unsigned char)t[k] | 0x20);
    ndx_free(nd->text);
    nd->text = t;
    nd->ntext = strlen(t);
    return nd;
}

/* primary := "(" or ")" | [field ":"] atom.  Operator words are not recognised here (callers
 * have dealt with them); after '-'/'+' they are plain words ("-NOT" excludes the word "not"). */
static struct ndx_qnode *parse_primary(struct parser *p, int field)
{
    size_t i = p->pos;
    if (p->s[i] == '(')
        return parse_group(p, field);
    if (p->s[i] == '"')
        return parse_phrase(p, field, i);
    size_t e = word_end(p, i), colon = 0;
    int f = field_prefix(p, i, e, &colon);
    if (f == -2 && colon > i && ndx__keyword_name_ok((const char *)p->s + i, colon - i) &&
        (colon + 1 >= e || p->s[colon + 1] != '/')) /* "http://..." is a word */
        return parse_keyword(p, i, colon, e);
    if (f == -2)
        return make_word(p, field, i, i, e);

    /* field ":" atom */
    const char *fname = f == F_DATE ? "date" : f == F_WIRE ? "wire" : field_names[f];
    size_t a = colon + 1;
    if (is_break(p->s, p->n, a) && (a >= p->n || (p->s[a] != '(' && p->s[a] != '"'))) {
        fail(p, NDX_ESYNTAX, i, "%s: needs a term right after it", fname);
        return NULL;
    }
    if (f == F_DATE) {
        if (p->s[a] == '(' || p->s[a] == '"') {
            fail(p, NDX_ESYNTAX, a, "date: takes a date or a range, not a group or a phrase");
            return NULL;
        }
        p->pos = e;
        return parse_date_value(p, i, a, e);
    }
    if (f == F_WIRE) {
        size_t n = e - a;
        const char *v = (const char *)p->s + a;
        int yes = n == 3 && (v[0] | 0x20) == 'y' && (v[1] | 0x20) == 'e' && (v[2] | 0x20) == 's';
        int no = n == 2 && (v[0] | 0x20) == 'n' && (v[1] | 0x20) == 'o';
        if (!yes && !no) {
            fail(p, NDX_ESYNTAX, a, "wire: takes yes or no");
            return NULL;
        }
        struct ndx_qnode *nd = new_node(p, NDX_Q_WIRE, i);
        if (nd)
            nd->wire = yes;
        p->pos = e;
        return nd;
    }
    p->pos = a;
    if (p->s[a] == '(')
        return parse_group(p, f);
    if (p->s[a] == '"')
        return parse_phrase(p, f, i);
    if (p->s[a] == '-' || p->s[a] == '+') {
        fail(p, NDX_ESYNTAX, a, "put '%c' before the field: %c%s:...", p->s[a], p->s[a], fname);
        return NULL;
    }
    size_t c2;
    if (field_prefix(p, a, e, &c2) != -2) {
        fail(p, NDX_ESYNTAX, a, "two fields in a row");
        return NULL;
    }
    return make_word(p, f, i, a, e);
}

/* unary := "NOT" unary | "-" primary | "+" primary | primary */
static struct ndx_qnode *parse_unary(struct parser *p, int field)
{
    size_t npos = p->pos;
    bool neg = false;
    enum tok t = peek(p);
    while (t == T_NOT) {
        size_t op = p->pos;
        neg = !neg;
        p->pos += 3;
        skip_space(p);
        t = peek(p);
        if (!starts_operand(t)) {
            fail(p, NDX_ESYNTAX, op, "NOT needs a term after it");
            return NULL;
        }
    }
    size_t upos = p->pos;
    if (t == T_MINUS || t == T_PLUS) {
        size_t a = upos + 1;
        bool bad = a >= p->n || p->s[a] == ')' || p->s[a] == '-' || p->s[a] == '+' ||
                   space_len(p->s, p->n, a) != 0;
        if (bad) {
            fail(p, NDX_ESYNTAX, upos, "'%c' needs a term right after it", p->s[upos]);
            return NULL;
        }
        p->pos = a;
    }
    struct ndx_qnode *nd = parse_primary(p, field);
    if (!nd)
        return NULL;
    if (t == T_MINUS) {
        nd = negate(p, nd, upos);
        if (!nd)
            return NULL;
    }
    if (neg) {
        nd = negate(p, nd, npos);
        if (!nd)
            return NULL;
    }
    return nd;
}

/* and := unary ( ["AND"] unary )* */
static struct ndx_qnode *parse_and(struct parser *p, int field)
{
    struct kidvec kv = {0};
    for (;;) {
        skip_space(p);
        enum tok t = peek(p);
        if (t == T_END || t == T_OR)
            break;
        if (t == T_RP) {
            if (p->depth == 0) {
                fail(p, NDX_ESYNTAX, p->pos, "unbalanced ')'");
                goto err;
            }
            break;
        }
        if (t == T_AND) {
            size_t op = p->pos;
            if (kv.n == 0) {
                fail(p, NDX_ESYNTAX, op, "AND needs a term before it");
                goto err;
            }
            p->pos += 3;
            skip_space(p);
            if (!starts_operand(peek(p))) {
                fail(p, NDX_ESYNTAX, op, "AND needs a term after it");
                goto err;
            }
        }
        struct ndx_qnode *nd = parse_unary(p, field);
        if (!nd || kids_push(p, &kv, nd, NDX_Q_AND) != 0)
            goto err;
    }
    if (kv.n == 0) { /* unreachable: callers check for an operand first */
        fail(p, NDX_ESYNTAX, p->pos, "a term is missing here");
        goto err;
    }
    return kids_finish(p, &kv, NDX_Q_AND);
err:
    kids_free(&kv);
    return NULL;
}

/* or := and ( "OR" and )* */
static struct ndx_qnode *parse_or(struct parser *p, int field)
{
    struct kidvec kv = {0};
    skip_space(p);
    if (peek(p) == T_OR) {
        fail(p, NDX_ESYNTAX, p->pos, "OR needs a term before it");
        return NULL;
    }
    for (;;) {
        struct ndx_qnode *nd = parse_and(p, field);
        if (!nd || kids_push(p, &kv, nd, NDX_Q_OR) != 0)
            goto err;
        skip_space(p);
        if (peek(p) != T_OR)
            break;
        size_t op = p->pos;
        p->pos += 2;
        skip_space(p);
        if (!starts_operand(peek(p))) {
            fail(p, NDX_ESYNTAX, op, "OR needs a term after it");
            goto err;
        }
    }
    return kids_finish(p, &kv, NDX_Q_OR);
err:
    kids_free(&kv);
    return NULL;
}

int ndx__query_parse(const char *q, size_t n, struct ndx_qnode **out, size_t *errpos, char **errmsg)
{
    struct parser p = {.s = (const uint8_t *)q, .n = n};
    struct ndx_qnode *root = NULL;
    if (out)
        *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (errpos)
        *errpos = 0;
    if (!out || (!q && n))
        return NDX_EINVAL;
    if (n > NDX_QUERY_MAX_BYTES) {
        fail(&p, NDX_ETOOBIG, NDX_QUERY_MAX_BYTES, "query too long (%zu bytes, max %d)", n,
             NDX_QUERY_MAX_BYTES);
    } else {
        if (!q)
            p.s = (const uint8_t *)"";
        skip_space(&p);
        if (peek(&p) == T_END)
            fail(&p, NDX_ESYNTAX, 0, "empty query");
        else
            root = parse_or(&p, NDX_F_ANY);
        if (root && peek(&p) != T_END) { /* unreachable: parse_and rejects a stray ')' */
            fail(&p, NDX_ESYNTAX, p.pos, "unexpected '%c'", p.s[p.pos]);
        }
    }
    if (p.rc) {
        ndx__query_free(root);
        if (errpos)
            *errpos = p.errpos;
        if (errmsg)
            *errmsg = p.errmsg;
        else
            ndx_free(p.errmsg);
        return p.rc;
    }
    *out = root;
    return NDX_OK;
}

/* ---- dump --------------------------------------------------------------------------------- */

static void dump_str(struct ndx_buf *b, const char *s, size_t n, int *rc)
{
    ndx__buf_putc(b, '"', rc);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '"' || c == '\\') {
            ndx__buf_putc(b, '\\', rc);
            ndx__buf_putc(b, c, rc);
        } else if (c < 0x20 || c == 0x7f) {
            ndx__buf_printf(b, rc, "\\x%02x", c);
        } else {
            ndx__buf_putc(b, c, rc);
        }
    }
    ndx__buf_putc(b, '"', rc);
}

static void dump_bound(struct ndx_buf *b, int64_t v, bool open, int *rc)
{
    if (open)
        ndx__buf_putc(b, '*', rc);
    else
        ndx__buf_printf(b, rc, "%" PRId64, v);
}

static void dump_node(const struct ndx_qnode *nd, struct ndx_buf *b, int *rc)
{
    static const char *const kinds[] = {
        [NDX_Q_TERM] = "term", [NDX_Q_PREFIX] = "prefix", [NDX_Q_PHRASE] = "phrase",
        [NDX_Q_AND] = "and",   [NDX_Q_OR] = "or",         [NDX_Q_NOT] = "not",
        [NDX_Q_DATE] = "date", [NDX_Q_WIRE] = "wire",
    };
    if (!nd || nd->kind < NDX_Q_TERM || nd->kind > NDX_Q_WIRE) {
        ndx__buf_puts(b, "(?)", rc);
        return;
    }
    ndx__buf_putc(b, '(', rc);
    ndx__buf_puts(b, kinds[nd->kind], rc);
    switch (nd->kind) {
    case NDX_Q_TERM:
    case NDX_Q_PREFIX:
    case NDX_Q_PHRASE:
        if (nd->field > NDX_F_ANY && nd->field <= NDX_F_KEYWORD) {
            ndx__buf_putc(b, ' ', rc);
            ndx__buf_puts(b, field_names[nd->field], rc);
        }
        ndx__buf_putc(b, ' ', rc);
        dump_str(b, nd->text ? nd->text : "", nd->text ? nd->ntext : 0, rc);
        if (nd->kind == NDX_Q_PHRASE && nd->slop)
            ndx__buf_printf(b, rc, " %" PRIu32, nd->slop);
        break;
    case NDX_Q_DATE:
        ndx__buf_putc(b, ' ', rc);
        dump_bound(b, nd->date_from, nd->date_from == INT64_MIN, rc);
        ndx__buf_putc(b, ' ', rc);
        dump_bound(b, nd->date_to, nd->date_to == INT64_MAX, rc);
        break;
    case NDX_Q_WIRE:
        ndx__buf_puts(b, nd->wire ? " yes" : " no", rc);
        break;
    default:
        for (size_t i = 0; i < nd->nkids; i++) {
            ndx__buf_putc(b, ' ', rc);
            dump_node(nd->kids[i], b, rc);
        }
        break;
    }
    ndx__buf_putc(b, ')', rc);
}

int ndx__query_dump(const struct ndx_qnode *node, struct ndx_buf *out)
{
    int rc = 0;
    dump_node(node, out, &rc);
    return rc;
}
