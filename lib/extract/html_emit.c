/*
 * html_emit.c - the text of the chosen content, paragraph by paragraph: blocks and <br> make
 * breaks; link-heavy blocks, the <h1> (it is the title), dates alone on their line and the
 * headings of left-out blocks are left out; lines trimmed, and credit, note and symbol-only lines
 * and calls to subscribe at the end dropped.  Rules: docs/EXTRACTION.md, step 9.
 */
#include "extract/html.h"

/* Should this element inside the content be left out? (readability's "clean conditionally") */
static bool drop_inside(const struct ndx_xdoc *d, uint32_t i)
{
    const struct ndx_xnode *x = &d->n[i];
    uint8_t c = cls_of(x);
    if (x->flags & F_REMOVED)
        return true;
    if (x->tag == TX || !(c & C_BLOCK) || (x->flags & F_PATH))
        return false;
    if (x->chars == 0)
        return false;
    float ld = link_density(x);
    if (c & C_HEAD)
        return ld > 0.5f || x->cls < 0;
    if (x->tag == T_P)
        return ld > 0.6f && x->chars < 300;
    if (x->commas >= 10 && ld < 0.3f)
        return false;
    bool list = (c & C_LIST) != 0;
    if (x->tag == T_LI)
        return ld > 0.6f && x->chars < 200;
    if (ld > 0.5f)
        return true;
    if (!list && x->cls < 0 && ld > 0.2f)
        return true;
    if (x->cls < 25 && ld > 0.33f && x->chars < 500 && x->tag != T_TABLE)
        return true;
    return false;
}

struct out {
    struct ndx_buf b;
    int rc;
    bool nl; /* last output was a paragraph break */
    bool sp; /* last output was a space */
    /* the last paragraph written, when it is a heading or a short line ending with ':' and
     * nothing followed it yet: [intro_start, intro_end) */
    bool intro;
    size_t intro_start, intro_end;
};

/* A left-out element that is boilerplate with text (not a picture, not hidden): a heading just
 * before it introduces it ("Related articles", "Comments", "Subscribe to our newsletter"). */
static bool is_boilerplate_block(const struct ndx_xdoc *d, uint32_t i)
{
    const struct ndx_xnode *x = &d->n[i];
    if ((x->flags & F_HIDDEN) || x->tag == T_FIGURE || x->tag == T_H1 || x->tag == T_TIME)
        return false;
    uint32_t w = 0, l = 0;
    for (uint32_t k = i + 1; k < x->end; k++)
        if (d->n[k].tag == TX) {
            w += d->n[k].chars;
            if (d->n[k].flags & F_INLINK)
                l += d->n[k].chars;
        }
    /* links (a list of articles), or a form, a navigation, a box beside the text */
    return w >= 50 && (l * 2 > w || x->tag == T_FORM || x->tag == T_NAV || x->tag == T_ASIDE ||
                       (x->flags & F_ROLEBOIL));
}

/* Close an output block [start, b.n): a heading or a short line ending with ':' may introduce
 * what follows. */
static void out_block_end(struct out *o, const struct ndx_xnode *x, size_t start)
{
    size_t e = o->b.n;
    while (e > start && (o->b.p[e - 1] == ' ' || o->b.p[e - 1] == '\n'))
        e--;
    if (e == start)
        return;
    bool head = (cls_of(x) & C_HEAD) && e - start <= 100;
    bool colon = e - start <= 60 && o->b.p[e - 1] == ':';
    if (head || colon) {
        o->intro = true;
        o->intro_start = start;
        o->intro_end = e;
    }
}

static void out_break(struct out *o)
{
    if (!o->nl && o->b.n) {
        /* trim trailing space */
        while (o->b.n && o->b.p[o->b.n - 1] == ' ')
            o->b.n--;
        ndx__buf_putc(&o->b, '\n', &o->rc);
    }
    o->nl = true;
    o->sp = true;
}

static void out_text(struct out *o, const char *s, size_t n)
{
    if (o->rc)
        return;
    if (ndx__buf_reserve(&o->b, n + 1)) {
        o->rc = NDX_ENOMEM;
        return;
    }
    uint8_t *w = o->b.p + o->b.n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            if (o->sp)
                continue;
            o->sp = true;
            *w++ = ' ';
            continue;
        }
        *w++ = (uint8_t)s[i];
        o->sp = false;
        o->nl = false;
    }
    *w = 0;
    o->b.n = (size_t)(w - o->b.p);
    if (o->intro && o->b.n > o->intro_end + 1)
        o->intro = false; /* text after the heading */
}

/* Write the text of subtree `root` (explicit walk over the index range). */
static void emit(const struct ndx_xdoc *d, uint32_t root, struct out *o, bool clean)
{
    const struct ndx_xnode *N = d->n;
    /* stack of open block elements to close with a break */
    uint32_t stack[MAX_DEPTH + 4];
    size_t bstart[MAX_DEPTH + 4];
    size_t sp = 0;
    uint32_t i = root;
    uint32_t end = N[root].end;
    while (i < end) {
        while (sp && i >= N[stack[sp - 1]].end) {
            sp--;
            out_block_end(o, &N[stack[sp]], bstart[sp]);
            out_break(o);
        }
        const struct ndx_xnode *x = &N[i];
        if (x->tag == TX) {
            out_text(o, (const char *)d->text.p + x->off, x->len);
            i++;
            continue;
        }
        if (i != root && ((x->flags & F_REMOVED) || (clean && drop_inside(d, i)))) {
            if (o->intro && is_boilerplate_block(d, i)) {
                /* the heading of a left-out block goes with it */
                o->b.n = o->intro_start;
                o->intro = false;
                o->nl = o->sp = true;
            }
            i = x->end;
            continue;
        }
        if (x->tag == T_H1) { /* the headline: it is the title */
            i = x->end;
            continue;
        }
        if (x->tag == T_TIME && d->n[x->blk].chars <= x->chars + 2 && x->chars < 60) {
            /* a date on its own line */
            i = x->end;
            continue;
        }
        if (x->tag == T_BR) {
            out_break(o);
            i++;
            continue;
        }
        uint8_t c = cls_of(x);
        if ((c & C_BLOCK) && sp < NDX_ARRAY_LEN(stack)) {
            out_break(o);
            bstart[sp] = o->b.n;
            stack[sp++] = i;
        } else if (x->tag == T_TD || x->tag == T_TH) {
            out_text(o, " ", 1);
        }
        i++;
    }
    while (sp) {
        sp--;
        out_block_end(o, &N[stack[sp]], bstart[sp]);
        out_break(o);
    }
    out_break(o);
}

static bool is_boring_line(const char *s, size_t n)
{
    /* lines with no letters or digits at all */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80)
            return false;
    }
    return true;
}

/* Labels of picture credits, source notes and post metadata ("Foto: ...", "Image credit: ...",
 * "Quelle: ...", "Tags: ...", "Last modified: ..."), lower-cased in ASCII (so words starting with
 * another letter are listed capitalised too); a short line that starts with one of them and a
 * colon, or that holds a copyright sign, is not article text. */
static const char *const CREDIT_LABELS[] = {
    "foto",           "fotos",         "photo",         "photos",         "bild",
    "bilder",         "image",         "images",        "credit",         "credits",
    "photo credit",   "image credit",  "photo credits", "image source",   "picture",
    "copyright",      "quelle",        "bildquelle",    "fotoquelle",     "quellen",
    "quellenangaben", "abbildung",     "abb.",          "titelbild",      "beitragsbild",
    "titelfoto",      "crédit",        "crédits",       "crédits photos", "crédit photo",
    "źródło",         "\xc5\xb9ródło", "fuente",        "fotografía",     "fotografia",
    "foto di",        "zdjęcie",       "tags",          "schlagwörter",   "kategorie",
    "kategorien",     "category",      "categories",    "filed under",    "posted",
    "posted on",      "published",     "published on",  "news date",      "updated",
    "last modified",  "last updated",  "aktualisiert",  "veröffentlicht", "veröffentlichung",
    "verfasst von",   "erstellt am",
};

static bool is_credit_line(const char *s, size_t n)
{
    /* a short line with a copyright sign: a picture credit or the site's copyright notice */
    if (n < 200 && memmem(s, n, "\xc2\xa9", 2))
        return true;
    if (n < 400 && n >= 2 && !memcmp(s, "\xc2\xa9", 2))
        return true;
    if (n > 150)
        return false;
    if (*s == '(') { /* "(Foto: ...)" */
        s++;
        n--;
    }
    const char *colon = memchr(s, ':', NDX_MIN(n, (size_t)24));
    if (!colon)
        return false;
    char low[24];
    size_t m = 0;
    for (const char *p = s; p < colon; p++)
        low[m++] = (char)lcase((unsigned char)*p);
    /* "Abbildung 4:", "Foto :" */
    while (m && (low[m - 1] == ' ' || (low[m - 1] >= '0' && low[m - 1] <= '9')))
        m--;
    for (size_t k = 0; k < NDX_ARRAY_LEN(CREDIT_LABELS); k++)
        if (strlen(CREDIT_LABELS[k]) == m && !memcmp(low, CREDIT_LABELS[k], m))
            return true;
    return false;
}

/* Words of calls to subscribe ("Sign up to our newsletter", "Abonnieren Sie ...", "Zapraszamy do
 * subskrypcji"), looked for in the last lines of the text only. */
static const char *const CTA_WORDS[] = {"newsletter", "subscri",    "sign up",  "signing up",
                                        "abonnier",   "abonnement", "subskryp", "suscrib"};

static bool is_cta_line(const char *s, size_t n)
{
    if (n >= 200)
        return false;
    char low[200];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)lcase((unsigned char)s[i]);
    for (size_t k = 0; k < NDX_ARRAY_LEN(CTA_WORDS); k++)
        if (memmem(low, n, CTA_WORDS[k], strlen(CTA_WORDS[k])))
            return true;
    return false;
}

/* Drop calls to subscribe among the last three lines of out. */
static void drop_tail_cta(struct ndx_buf *out)
{
    const char *p = (const char *)out->p;
    size_t end = out->n;
    for (int k = 0; k < 3 && end; k++) {
        size_t start = end;
        while (start && p[start - 1] != '\n')
            start--;
        if (is_cta_line(p + start, end - start)) {
            /* the line goes with the line break before it (after it, for the first line) */
            size_t a = start ? start - 1 : 0, z = start || end == out->n ? end : end + 1;
            memmove(out->p + a, out->p + z, out->n - z);
            out->n -= z - a;
        }
        end = start ? start - 1 : 0;
    }
    if (out->p)
        out->p[out->n] = 0; /* the buffer stays a C string */
}

void ndx__html_finish_text(const char *s, size_t n, struct ndx_buf *out, int *rc)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        size_t a = i, b = j;
        /* spaces, and the ideographic spaces that indent Chinese and Japanese paragraphs */
        for (;;) {
            if (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
                a++;
            else if (b - a >= 3 && !memcmp(s + a, "\xe3\x80\x80", 3))
                a += 3;
            else
                break;
        }
        for (;;) {
            if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
                b--;
            else if (b - a >= 3 && !memcmp(s + b - 3, "\xe3\x80\x80", 3))
                b -= 3;
            else
                break;
        }
        if (b > a && !is_boring_line(s + a, b - a) && !is_credit_line(s + a, b - a)) {
            if (out->n)
                ndx__buf_putc(out, '\n', rc);
            ndx__buf_append(out, s + a, b - a, rc);
        }
        i = j + 1;
    }
    drop_tail_cta(out);
}

void ndx__xnode_text(const struct ndx_xdoc *d, uint32_t i, size_t max, struct ndx_buf *out, int *rc)
{
    if (i >= d->nn)
        return;
    bool sp = out->n == 0 || out->p[out->n - 1] == ' ';
    uint32_t ends[MAX_DEPTH + 4];
    size_t ne = 0;
    for (uint32_t k = i; k < d->n[i].end && out->n < max; k++) {
        const struct ndx_xnode *x = &d->n[k];
        bool brk = false;
        while (ne && k >= ends[ne - 1]) {
            ne--;
            brk = true; /* a block ended */
        }
        if (x->tag != TX) {
            if (x->tag == T_BR || (cls_of(x) & C_BLOCK)) {
                brk = true;
                if ((cls_of(x) & C_BLOCK) && ne < NDX_ARRAY_LEN(ends))
                    ends[ne++] = x->end;
            }
        }
        if (brk && !sp) {
            ndx__buf_putc(out, ' ', rc);
            sp = true;
        }
        if (x->tag != TX)
            continue;
        const char *s = (const char *)d->text.p + x->off;
        for (uint32_t j = 0; j < x->len; j++) {
            if (s[j] == ' ') {
                if (sp)
                    continue;
                sp = true;
            } else
                sp = false;
            ndx__buf_putc(out, s[j], rc);
        }
    }
}

void ndx__html_emit_body(struct ndx_xdoc *d, uint32_t top, bool clean, struct ndx_buf *body,
                         int *rc)
{
    struct out o;
    memset(&o, 0, sizeof o);
    ndx__buf_init(&o.b, 0);
    uint32_t par = d->n[top].parent;
    if ((d->n[top].flags & F_OUT) && par && d->n[top].parent && top != d->body_node) {
        for (uint32_t s = d->n[par].first; s; s = d->n[s].next)
            if (d->n[s].flags & F_OUT)
                emit(d, s, &o, clean);
    } else {
        emit(d, top, &o, clean);
    }
    if (o.intro) /* a heading with nothing after it */
        o.b.n = o.intro_start;
    if (!o.rc)
        ndx__html_finish_text((const char *)o.b.p, o.b.n, body, rc);
    else
        *rc = o.rc;
    ndx__buf_free(&o.b);
}
