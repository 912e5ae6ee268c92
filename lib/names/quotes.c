/*
 * quotes.c - direct quotations and their speakers (rules in docs/ENTITIES.md, "Quotes").
 *
 * Quotations are the words between paired marks (“ ”, « », or two straight " in a paragraph);
 * a paragraph that ends inside a quotation continues it when the next paragraph opens with a
 * mark (the news convention), else the quotation ends with its paragraph.  The speaker is found,
 * in this order:
 *  1. after the quotation, in its sentence: `“…,” the ministry said`, `“…,” said Jimmy Sham`,
 *     `“…,” Dravik, 46, told` (over an apposition), `…, the diplomat quoted Wang as saying`;
 *  2. before it, in its sentence: `X said: “…”`, `X said that … “…”`, `X called it a “…”`;
 *  3. a quotation that opens a sentence with no cue continues the previous quotation's speaker.
 * The speaker as written (a noun phrase: "the ministry", "one EU diplomat", "they") is resolved
 * to a name: an entity inside it (its full name), "he"/"she" the nearest person named before,
 * "it" the nearest organisation, "the ministry" the nearest organisation with "Ministry" in its
 * name, "the statement" the previous quotation's speaker.  Every scan is bounded (QSCAN tokens).
 */
#include "names/names.h"

#include <stdlib.h>

#define QSCAN 60 /* tokens looked at around a quotation */

struct span {
    size_t s, e;
};

struct cue {
    struct span np, verb, via; /* via: "the diplomat" of "the diplomat quoted Wang" */
};

struct qctx {
    const char *text;
    size_t n;
    struct ndx_tok *t;
    size_t nt;
    const ndx_entity *ents;
    size_t nents;
    ndx_quote *q;
    size_t nq, cap;
    int rc;
};

static unsigned wfl(const struct qctx *c, size_t i)
{
    return i < c->nt ? ndx__tok_word(c->text, &c->t[i]) : 0;
}

static bool lower_word(const struct qctx *c, size_t i)
{
    return i < c->nt && c->t[i].kind == NT_WORD && (c->t[i].f & NTF_LOWER);
}

static bool word_is(const struct qctx *c, size_t i, const char *w)
{
    size_t l = strlen(w);
    if (i >= c->nt || c->t[i].e - c->t[i].s != l)
        return false;
    for (size_t k = 0; k < l; k++) {
        char ch = c->text[c->t[i].s + k];
        if (ndx__ascii_lower(ch) != w[k])
            return false;
    }
    return true;
}

static bool is_verb(const struct qctx *c, size_t i)
{
    return lower_word(c, i) && (wfl(c, i) & (LW_REPORT | LW_QVERB));
}

static bool is_open(uint32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201E || cp == 0x00AB;
}

static bool closes(uint32_t open, uint32_t cp)
{
    if (open == '"')
        return cp == '"' || cp == 0x201D;
    if (open == 0x00AB)
        return cp == 0x00BB;
    return cp == 0x201D || cp == '"';
}

static bool ends_sentence_tok(const struct qctx *c, size_t i)
{
    return c->t[i].kind == NT_PUNCT &&
           (c->t[i].cp == '.' || c->t[i].cp == '!' || c->t[i].cp == '?' || c->t[i].cp == 0x3002);
}

/* May token i be part of a speaker's noun phrase? */
static bool np_word(const struct qctx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    if (t->kind == NT_PUNCT)
        return (t->f & NTF_POSS) != 0;
    if (t->kind != NT_WORD)
        return false;
    unsigned w = wfl(c, i);
    if (w & (LW_REPORT | LW_QVERB))
        return false;
    if (t->f & (NTF_CAP | NTF_DIGIT))
        return true;
    if (w & (LW_DET | LW_PRONOUN))
        return true;
    if (word_is(c, i, "of") || word_is(c, i, "the"))
        return true;
    return !(w & LW_STOP);
}

/* The noun phrase ending at token e-1 (not before lo): back over noun-phrase words, trimmed to
 * start at a determiner, a capitalised word or a pronoun. */
static struct span np_back(const struct qctx *c, size_t e, size_t lo)
{
    size_t s = e;
    while (s > lo && e - s < 8 && np_word(c, s - 1))
        s--;
    /* "of"/"the" cannot open it */
    while (s < e && lower_word(c, s) && (word_is(c, s, "of")))
        s++;
    if (s >= e)
        return (struct span){0, 0};
    return (struct span){c->t[s].s, c->t[e - 1].e};
}

static size_t ent_lower(const struct qctx *c, size_t pos);

/* Does a person's name lie within bytes [s, e)? */
static bool has_person(const struct qctx *c, size_t s, size_t e)
{
    for (size_t i = ent_lower(c, s); i < c->nents && c->ents[i].start < e; i++)
        if (c->ents[i].type == NDX_ENT_PER && c->ents[i].end <= e)
            return true;
    return false;
}

static bool is_comma(const struct qctx *c, size_t i)
{
    return c->t[i].kind == NT_PUNCT && c->t[i].cp == ',';
}

/* The speaker before verb token v (not before lo): the noun phrase ending at v, or, when a comma
 * comes first, the one before an apposition set off by commas ("Dravik, 46, told", "Jimmy Sham,
 * a spokesman for the group, said"): up to 8 words or numbers between the commas, none of
 * them a reporting verb.  A role before a name is the other way round ("the play's organiser
 * in Uganda, Sarah Mukasa, told"): when the apposition is capitalised words naming a person and
 * the phrase before names none, the apposition is the speaker. */
static struct span np_before_verb(const struct qctx *c, size_t v, size_t lo)
{
    struct span np = np_back(c, v, lo);
    if (np.e > np.s || v < lo + 2 || !is_comma(c, v - 1))
        return np;
    size_t a = v - 1;
    while (a > lo && v - 1 - a < 8 && c->t[a - 1].kind == NT_WORD && !is_verb(c, a - 1))
        a--;
    if (a == v - 1 || a == lo || !is_comma(c, a - 1))
        return np;
    struct span front = np_back(c, a - 1, lo);
    bool named = true;
    for (size_t i = a; i + 1 < v && named; i++)
        named = (c->t[i].f & NTF_CAP) != 0;
    if (named && front.e > front.s && has_person(c, c->t[a].s, c->t[v - 2].e) &&
        !has_person(c, front.s, front.e))
        return np_back(c, v - 1, a);
    return front;
}

/* The noun phrase opening at token s: a capitalised run (with "of"), or a determiner and up to
 * three words ("a spokesman", "the ministry's statement"). */
static struct span np_forward(const struct qctx *c, size_t s)
{
    size_t e = s;
    /* "said Richard and Judy executive producer Amanda Ross" */
    while (e < c->nt && e - s < 10 &&
           (np_word(c, e) ||
            (e > s && (word_is(c, e, "and") || (c->t[e].kind == NT_PUNCT && c->t[e].cp == '&')))) &&
           !(e > s && (wfl(c, e) & LW_DET) && !(c->t[e].f & NTF_CAP)))
        e++;
    while (e > s && (word_is(c, e - 1, "and") || c->t[e - 1].kind == NT_PUNCT))
        e--;
    if (e == s)
        return (struct span){0, 0};
    return (struct span){c->t[s].s, c->t[e - 1].e};
}

/* After the closing mark at token ci: `“…,” X said`, `“…,” said X`, `… X quoted Y as saying`. */
static bool cue_after(const struct qctx *c, size_t ci, struct cue *out)
{
    size_t k = ci + 1;
    /* the quotation ended its sentence: “… .” Next */
    if (ci > 0 && ends_sentence_tok(c, ci - 1) && (k >= c->nt || !lower_word(c, k)))
        return false;
    /* a quotation ending in a comma (“…,”) hands over to the rest of its sentence, where the
     * cue may come late ("…, the diplomat quoted Wang as saying"); otherwise the cue must follow
     * at once: a noun phrase and its verb, or the verb and its subject */
    bool comma = ci > 0 && c->t[ci - 1].kind == NT_PUNCT && c->t[ci - 1].cp == ',';
    while (k < c->nt && c->t[k].kind == NT_PUNCT && c->t[k].cp == ',') {
        comma = true;
        k++;
    }
    size_t lim = NDX_MIN(c->nt, k + QSCAN);
    for (size_t v = k; v < lim; v++) {
        if (c->t[v].kind == NT_PUNCT && (ends_sentence_tok(c, v) || is_open(c->t[v].cp)))
            return false;
        if (!is_verb(c, v)) {
            if (!comma && !np_word(c, v))
                return false;
            continue;
        }
        out->verb = (struct span){c->t[v].s, c->t[v].e};
        out->via = (struct span){0, 0};
        if (word_is(c, v, "quoted")) {
            /* "the diplomat quoted Wang as saying": the one quoted spoke, the diplomat says so */
            out->np = np_forward(c, v + 1);
            if (out->np.e > out->np.s) {
                if (v > k)
                    out->via = np_back(c, v, k);
                return true;
            }
        }
        if (v == k) { /* “…,” said X */
            out->np = np_forward(c, v + 1);
            return out->np.e > out->np.s;
        }
        out->np = np_before_verb(c, v, k);
        return out->np.e > out->np.s;
    }
    return false;
}

/* Before the opening mark at token oi, in its sentence: the nearest reporting verb and its
 * subject (`X said: “…”`, `X said that … “…”`, `X called the mishap a “…”`). */
static bool cue_before(const struct qctx *c, size_t oi, struct cue *out)
{
    size_t lo = oi > QSCAN ? oi - QSCAN : 0;
    for (size_t v = oi; v-- > lo;) {
        if (ends_sentence_tok(c, v))
            return false;
        if (c->t[v].kind == NT_PUNCT && is_open(c->t[v].cp) && v + 1 < oi)
            return false; /* another quotation */
        if (!is_verb(c, v))
            continue;
        size_t s = v;
        while (s > lo && !ends_sentence_tok(c, s - 1) && s > v - NDX_MIN(v, (size_t)8))
            s--;
        out->verb = (struct span){c->t[v].s, c->t[v].e};
        out->via = (struct span){0, 0};
        out->np = np_back(c, v, s);
        if (out->np.e <= out->np.s && v + 1 < oi) /* "said X:" */
            out->np = np_forward(c, v + 1);
        return out->np.e > out->np.s;
    }
    return false;
}

/* ---- resolving the speaker ---------------------------------------------------------------- */

/* Index of the first entity starting at or after pos. */
static size_t ent_lower(const struct qctx *c, size_t pos)
{
    size_t lo = 0, hi = c->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->ents[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const ndx_entity *nearest_before(const struct qctx *c, size_t pos, int type,
                                        const char *head, size_t nhead)
{
    size_t i = ent_lower(c, pos), steps = 0;
    while (i-- > 0 && steps++ < 500) {
        const ndx_entity *e = &c->ents[i];
        if (e->type != type || e->end > pos)
            continue;
        if (!head)
            return e;
        /* "the ministry" -> an organisation with "Ministry" in its name */
        const char *s = c->text + e->name_start;
        size_t n = e->name_end - e->name_start;
        for (size_t k = 0; k + nhead <= n; k++)
            if ((k == 0 || s[k - 1] == ' ') && (s[k] == head[0] - 32 || s[k] == head[0]) &&
                memcmp(s + k + 1, head + 1, nhead - 1) == 0 &&
                (k + nhead == n || s[k + nhead] == ' '))
                return e;
    }
    return NULL;
}

static void resolve_speaker(struct qctx *c, ndx_quote *q)
{
    size_t s = q->speaker_start, e = q->speaker_end;
    if (s >= e)
        return;
    /* an entity that ends the phrase is the speaker ("North Korean leader Kim Jong-un" is Kim
     * Jong-un); one inside it only qualifies a role ("One EU diplomat") */
    const ndx_entity *found = NULL;
    for (size_t i = ent_lower(c, s); i < c->nents && c->ents[i].start < e; i++)
        if (c->ents[i].end == e)
            found = &c->ents[i];
    if (found) {
        q->speaker_start = found->start;
        q->speaker_end = found->end;
    } else {
        /* the last word of the phrase: a pronoun or the head noun */
        size_t hs = e;
        while (hs > s && c->text[hs - 1] != ' ')
            hs--;
        const char *h = c->text + hs;
        size_t nh = e - hs;
        unsigned w = ndx__lex_word(h, nh);
        bool pron = hs == s && (w & LW_PRONOUN);
        if (pron && (nh == 2 || nh == 3) && (h[nh - 1] == 'e' || h[nh - 1] == 'E') &&
            (h[0] | 32) != 'w') /* he, she */
            found = nearest_before(c, q->start, NDX_ENT_PER, NULL, 0);
        else if (pron && nh == 2 && (h[0] | 32) == 'i' && (h[1] | 32) == 't')
            found = nearest_before(c, q->start, NDX_ENT_ORG, NULL, 0);
        else if (nh == 9 && !memcmp(h, "statement", 9) && c->nq >= 2) {
            ndx_quote *prev = &c->q[c->nq - 2];
            q->name_start = prev->name_start;
            q->name_end = prev->name_end;
            q->speaker_type = prev->speaker_type;
            return;
        } else if ((w & LW_ORGHEAD) && nh >= 3)
            found = nearest_before(c, q->start, NDX_ENT_ORG, h, nh);
    }
    /* "Colin Asplin, Blackpool Hotel Association said": the person before the comma */
    if (found && found->type == NDX_ENT_ORG && q->speaker_start >= 2 &&
        c->text[q->speaker_start - 1] == ' ' && c->text[q->speaker_start - 2] == ',') {
        size_t i = ent_lower(c, q->speaker_start);
        if (i > 0 && c->ents[i - 1].type == NDX_ENT_PER &&
            c->ents[i - 1].end == q->speaker_start - 2) {
            found = &c->ents[i - 1];
            q->speaker_start = found->start;
            q->speaker_end = found->end;
        }
    }
    if (found) {
        q->name_start = found->name_start;
        q->name_end = found->name_end;
        q->speaker_type = found->type;
    }
}

static void add_quote(struct qctx *c, size_t start, size_t end, const struct cue *cue,
                      bool sentence_start)
{
    if (c->rc || end <= start)
        return;
    if (c->nq == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        ndx_quote *nq = ndx_realloc(c->q, nc * sizeof *nq);
        if (!nq) {
            c->rc = NDX_ENOMEM;
            return;
        }
        c->q = nq;
        c->cap = nc;
    }
    ndx_quote *q = &c->q[c->nq++];
    memset(q, 0, sizeof *q);
    q->start = start;
    q->end = end;
    if (cue) {
        q->speaker_start = cue->np.s;
        q->speaker_end = cue->np.e;
        q->cue_start = cue->verb.s;
        q->cue_end = cue->verb.e;
        q->via_start = cue->via.s;
        q->via_end = cue->via.e;
        resolve_speaker(c, q);
    } else if (sentence_start && c->nq >= 2) {
        /* a quotation with no cue that opens a sentence goes on with the previous speaker */
        ndx_quote *prev = &c->q[c->nq - 2];
        q->speaker_start = prev->speaker_start;
        q->speaker_end = prev->speaker_end;
        q->name_start = prev->name_start;
        q->name_end = prev->name_end;
        q->cue_start = prev->cue_start;
        q->cue_end = prev->cue_end;
        q->via_start = prev->via_start;
        q->via_end = prev->via_end;
        q->speaker_type = prev->speaker_type;
    }
}

/* A mark shaped as an opening one (white space or nothing before it, a word right after it)
 * just after a sentence end, inside an open quotation. */
static bool reopens(const struct qctx *c, size_t i)
{
    const struct ndx_tok *t = &c->t[i];
    if (!(t->cp == '"' || t->cp == 0x201C) || i == 0 || !(t->f & NTF_SPACE))
        return false;
    if (i + 1 >= c->nt || (c->t[i + 1].f & NTF_SPACE) || c->t[i + 1].kind != NT_WORD)
        return false;
    return ends_sentence_tok(c, i - 1);
}

/* The opening mark at token oi starts a sentence (or a paragraph)? */
static bool opens_sentence(const struct qctx *c, size_t oi)
{
    if (oi == 0)
        return true;
    size_t p = oi - 1;
    return ends_sentence_tok(c, p) || (c->t[p].kind == NT_PUNCT && c->t[p].cp == ':');
}

int ndx_quotes(const char *text, size_t n, ndx_quote **out, size_t *count)
{
    if (!out || !count || (!text && n))
        return NDX_EINVAL;
    *out = NULL;
    *count = 0;
    ndx_entity *ents = NULL;
    size_t nents = 0;
    int rc = ndx_entities(text, n, &ents, &nents);
    if (!rc)
        rc = ndx__quotes_of(text, n, ents, nents, out, count);
    ndx_free(ents);
    return rc;
}

int ndx__quotes_of(const char *text, size_t n, const ndx_entity *ents, size_t nents,
                   ndx_quote **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    struct qctx c = {.text = text, .n = n, .ents = ents, .nents = nents};
    struct ndx_tokbuf tb = {0};
    /* a quotation left open at the end of a paragraph */
    bool pending = false, pend_cue_ok = false, pend_start_sent = false;
    size_t pend_start = 0, pend_end = 0;
    uint32_t pend_mark = 0;
    struct cue pend_cue = {{0, 0}, {0, 0}, {0, 0}};
    size_t pos = 0;
    while (!c.rc) {
        /* a paragraph with no quotation mark is not tokenized: it only ends a pending one */
        while (pos < n && (text[pos] == '\n' || text[pos] == ' ' || text[pos] == '\t' ||
                           text[pos] == '\r' || text[pos] == '\f' || text[pos] == '\v'))
            pos++;
        const char *nl = pos < n ? memchr(text + pos, '\n', n - pos) : NULL;
        size_t pe = nl ? (size_t)(nl - text) : n;
        if (pos < n && !ndx__has_quote_mark(text + pos, pe - pos)) {
            if (pending)
                add_quote(&c, pend_start, pend_end, pend_cue_ok ? &pend_cue : NULL,
                          pend_start_sent);
            pending = false;
            pos = pe;
            continue;
        }
        if (!ndx__tokens_next(text, n, &pos, &tb, &c.rc))
            break;
        c.t = tb.t;
        c.nt = tb.n;
        size_t i = 0;
        bool open = false, cue_ok = false, start_sent = false;
        size_t qstart = 0;
        uint32_t mark = 0;
        struct cue cue = {{0, 0}, {0, 0}, {0, 0}};
        if (pending) {
            if (c.nt && c.t[0].kind == NT_PUNCT && is_open(c.t[0].cp)) {
                open = true; /* continued over the paragraph break */
                qstart = pend_start;
                cue = pend_cue;
                cue_ok = pend_cue_ok;
                start_sent = pend_start_sent;
                mark = pend_mark;
                i = 1;
            } else {
                add_quote(&c, pend_start, pend_end, pend_cue_ok ? &pend_cue : NULL,
                          pend_start_sent);
            }
            pending = false;
        }
        for (; i < c.nt && !c.rc; i++) {
            const struct ndx_tok *t = &c.t[i];
            if (t->kind != NT_PUNCT)
                continue;
            if (!open && is_open(t->cp)) {
                open = true;
                mark = t->cp;
                qstart = t->e;
                cue_ok = cue_before(&c, i, &cue);
                start_sent = opens_sentence(&c, i);
            } else if (open && reopens(&c, i)) {
                continue; /* a paragraph of the quotation whose break was lost: ". "Next" */
            } else if (open && closes(mark, t->cp)) {
                struct cue after;
                bool a = cue_after(&c, i, &after);
                add_quote(&c, qstart, t->s, a ? &after : cue_ok ? &cue : NULL, start_sent);
                open = false;
            }
        }
        if (open && c.nt) {
            pending = true;
            pend_start = qstart;
            pend_end = c.t[c.nt - 1].e;
            pend_cue = cue;
            pend_cue_ok = cue_ok;
            pend_start_sent = start_sent;
            pend_mark = mark;
        }
    }
    if (pending)
        add_quote(&c, pend_start, pend_end, pend_cue_ok ? &pend_cue : NULL, pend_start_sent);
    ndx__tokbuf_free(&tb);
    if (c.rc) {
        ndx_free(c.q);
        return c.rc;
    }
    *out = c.q;
    *count = c.nq;
    if (!c.nq) {
        ndx_free(c.q);
        *out = NULL;
    }
    return NDX_OK;
}
