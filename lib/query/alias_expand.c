/*
 * alias_expand.c - query-time alias expansion: a query for one form of a name also matches the
 * articles that write only the other (docs/QUERY.md, "Names in two scripts").  The parsed tree is
 * rewritten before it is compiled, so the other forms are searched, ranked and highlighted like
 * any phrase:
 *   陳全國                    ->  (or (term "陳全國") (phrase "Chen Quanguo"))
 *   "Chen Quanguo"           ->  (or (phrase "Chen Quanguo") (phrase "陳全國"))
 *   Chen Quanguo xinjiang    ->  (and (or (and (term "Chen") (term "Quanguo")) (phrase "陳全國"))
 *                                     (term "xinjiang"))
 * In the name fields (person:, org:, place:) a Latin form stays in the field and a CJK form is
 * searched in the text, since the fields hold only the names the rules find in Latin text:
 *   person:陳全國             ->  (or (person "陳全國") (person "Chen Quanguo") (phrase "陳全國"))
 *   person:"Chen Quanguo"    ->  (or (person "Chen Quanguo") (phrase "陳全國"))
 * The table does not know whether a name is a person, an organisation or a place, so
 * person:新疆 finds the text 新疆 when "Xinjiang (新疆)" is glossed somewhere.
 * Forms are compared folded (case, accents, simplified and traditional), by the hashes the
 * alias table keeps; a name glossed with several CJK spellings expands to each (8 at most: the
 * most glossed first, ties by their folded forms, so the choice does not depend on where a pair
 * sits in the table).  A single Latin word expands only when the alias is that one word ("Chen"
 * alone does not).  ndx_index_set_aliases gives a handle another table to expand with (a
 * sharded archive's: every shard's pairs).
 */
#include "query/alias_expand.h"
#include "index/aliases.h"

#define MAX_ALTS 8 /* other forms added for one name */
#define MAX_RUN  5 /* words of an AND read as one name */

struct alts {
    const char *s[MAX_ALTS];
    size_t n[MAX_ALTS];
    bool cjk[MAX_ALTS]; /* s[k] is a CJK form */
    bool self_cjk;      /* the query's own form is a CJK form of the table */
    size_t count;
};

/* Pairs of a match, most glossed first, then by folded key: the order (and the MAX_ALTS kept)
 * depend on the pairs only, not on where they sit in the table, so a table merged from shards
 * expands as the table of one index holding the same articles. */
static int cmp_pair(const struct ndx_alias_ent *x, const struct ndx_alias_ent *y)
{
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* The other forms of every pair one of whose forms is t[0..n), each folded form once. */
static int alternatives(const struct ndx_aliases *al, const char *t, size_t n, struct alts *a)
{
    a->count = 0;
    a->self_cjk = false;
    struct ndx_buf lk, ck;
    ndx__buf_init(&lk, 0);
    ndx__buf_init(&ck, 0);
    int rc = ndx__alias_latin_key(t, n, &lk);
    if (!rc)
        rc = ndx__alias_cjk_key(t, n, &ck);
    uint64_t lh = !rc && lk.n ? ndx__alias_form_hash(&lk) : 0;
    uint64_t ch = !rc && ck.n ? ndx__alias_form_hash(&ck) : 0;
    const struct ndx_alias_ent **m = NULL;
    size_t nm = 0, cap = 0;
    for (size_t i = 0; i < al->n && (lh || ch) && !rc; i++) {
        const struct ndx_alias_ent *e = &al->e[i];
        if (e->lhash != lh && e->chash != ch)
            continue;
        if (ndx__grow(&m, &cap, nm + 1, sizeof *m, 8)) {
            rc = NDX_ENOMEM;
            break;
        }
        size_t k = nm++; /* insertion sort: a name has a few pairs */
        while (k > 0 && cmp_pair(e, m[k - 1]) < 0) {
            m[k] = m[k - 1];
            k--;
        }
        m[k] = e;
    }
    uint64_t seen[MAX_ALTS];
    for (size_t i = 0; i < nm && a->count < MAX_ALTS; i++) {
        const struct ndx_alias_ent *e = m[i];
        bool cjk = e->lhash == lh;
        const char *s = cjk ? e->cjk : e->latin;
        size_t ns = cjk ? e->ncjk : e->nlatin;
        uint64_t h = cjk ? e->chash : e->lhash;
        if (!cjk)
            a->self_cjk = true;
        bool dup = false;
        for (size_t k = 0; k < a->count && !dup; k++)
            dup = seen[k] == h && a->cjk[k] == cjk;
        if (!dup) {
            seen[a->count] = h;
            a->s[a->count] = s;
            a->n[a->count] = ns;
            a->cjk[a->count++] = cjk;
        }
    }
    ndx_free(m);
    ndx__buf_free(&lk);
    ndx__buf_free(&ck);
    return rc;
}

static bool entity_field(int field)
{
    return field == NDX_F_PERSON || field == NDX_F_ORG || field == NDX_F_PLACE;
}

static bool expandable(const struct ndx_qnode *q)
{
    return (q->kind == NDX_Q_TERM || (q->kind == NDX_Q_PHRASE && q->slop == 0)) &&
           (q->field == NDX_F_ANY || q->field == NDX_F_TITLE || q->field == NDX_F_BODY ||
            entity_field(q->field) || q->field == NDX_F_SPEAKER);
}

/* The field an alternative form is searched in.  The name fields hold only the names the rules
 * find in Latin text, so a CJK form of a name is searched where it is written: in the text. */
static int alt_field(int field, bool cjk)
{
    return entity_field(field) && cjk ? NDX_F_ANY : field;
}

static struct ndx_qnode *new_node(int kind, int field, size_t pos);

/* A phrase node for s[0..n) (NULL when out of memory). */
static struct ndx_qnode *phrase(const char *s, size_t n, int field, size_t pos)
{
    struct ndx_qnode *p = new_node(NDX_Q_PHRASE, field, pos);
    if (p && !(p->text = ndx_strndup(s, n))) {
        ndx_free(p);
        return NULL;
    }
    if (p)
        p->ntext = n;
    return p;
}

static struct ndx_qnode *new_node(int kind, int field, size_t pos)
{
    struct ndx_qnode *q = ndx_calloc(1, sizeof *q);
    if (q) {
        q->kind = kind;
        q->field = field;
        q->pos = pos;
        q->date_from = INT64_MIN;
        q->date_to = INT64_MAX;
    }
    return q;
}

/* OR(orig, phrase alt...) in orig's field (a CJK form asked in a name field also as a phrase
 * of the text); orig is owned by the result (or stays the caller's on failure: *out = NULL). */
static int or_with(struct ndx_qnode *orig, int field, const struct alts *a, struct ndx_qnode **out)
{
    *out = NULL;
    bool self = a->self_cjk && entity_field(field) && orig->kind != NDX_Q_AND;
    struct ndx_qnode *o = new_node(NDX_Q_OR, NDX_F_ANY, orig->pos);
    if (o)
        o->kids = ndx_calloc(a->count + 2, sizeof *o->kids);
    if (!o || !o->kids) {
        ndx_free(o);
        return NDX_ENOMEM;
    }
    o->kids[o->nkids++] = orig;
    for (size_t k = 0; k < a->count + self; k++) {
        struct ndx_qnode *p = k < a->count
                                  ? phrase(a->s[k], a->n[k], alt_field(field, a->cjk[k]), orig->pos)
                                  : phrase(orig->text, orig->ntext, NDX_F_ANY, orig->pos);
        if (!p) {
            o->kids[0] = NULL; /* orig goes back to the caller */
            ndx__query_free(o);
            return NDX_ENOMEM;
        }
        o->kids[o->nkids++] = p;
    }
    *out = o;
    return NDX_OK;
}

static int expand(const struct ndx_aliases *al, struct ndx_qnode **slot, struct ndx_buf *tmp);

/* In an AND: its groups first, then runs of adjacent words of one field that together are a name
 * (the longest), then the words left, one by one. */
static int expand_runs(const struct ndx_aliases *al, struct ndx_qnode *and, struct ndx_buf *tmp)
{
    for (size_t i = 0; i < and->nkids; i++) {
        int rc = and->kids[i]->kind == NDX_Q_TERM ? NDX_OK : expand(al, &and->kids[i], tmp);
        if (rc)
            return rc;
    }
    struct alts a;
    for (size_t i = 0; i < and->nkids; i++) {
        struct ndx_qnode *k0 = and->kids[i];
        if (k0->kind != NDX_Q_TERM || !expandable(k0))
            continue;
        size_t best = 0;
        struct alts best_a;
        memset(&best_a, 0, sizeof best_a);
        for (size_t j = i + 1; j < and->nkids && j - i < MAX_RUN; j++) {
            const struct ndx_qnode *kj = and->kids[j];
            if (kj->kind != NDX_Q_TERM || kj->field != k0->field)
                break;
            int rc = 0;
            ndx__buf_reset(tmp);
            for (size_t k = i; k <= j; k++) {
                if (k > i)
                    ndx__buf_putc(tmp, ' ', &rc);
                ndx__buf_append(tmp, and->kids[k]->text, and->kids[k]->ntext, &rc);
            }
            if (rc || (rc = alternatives(al, (const char *)tmp->p, tmp->n, &a)))
                return rc;
            if (a.count) {
                best = j + 1 - i;
                best_a = a;
            }
        }
        if (!best) { /* the word alone */
            int rc = expand(al, &and->kids[i], tmp);
            if (rc)
                return rc;
            continue;
        }
        /* kids i..i+best-1 become (or (and kids...) phrases...) */
        struct ndx_qnode *inner = new_node(NDX_Q_AND, NDX_F_ANY, k0->pos);
        if (inner)
            inner->kids = ndx_calloc(best, sizeof *inner->kids);
        if (!inner || !inner->kids) {
            ndx_free(inner);
            return NDX_ENOMEM;
        }
        for (size_t k = 0; k < best; k++)
            inner->kids[inner->nkids++] = and->kids[i + k];
        struct ndx_qnode *o;
        int rc = or_with(inner, k0->field, &best_a, &o);
        if (rc) {
            inner->nkids = 0; /* the words stay in the AND */
            ndx__query_free(inner);
            return rc;
        }
        and->kids[i] = o;
        memmove(and->kids + i + 1, and->kids + i + best,
                (and->nkids - i - best) * sizeof *and->kids);
        and->nkids -= best - 1;
    }
    return NDX_OK;
}

static int expand(const struct ndx_aliases *al, struct ndx_qnode **slot, struct ndx_buf *tmp)
{
    struct ndx_qnode *q = *slot;
    switch (q->kind) {
    case NDX_Q_AND: {
        int rc = expand_runs(al, q, tmp);
        if (!rc && q->nkids == 1) { /* the whole AND was one name: its OR stands alone */
            *slot = q->kids[0];
            q->nkids = 0;
            ndx__query_free(q);
        }
        return rc;
    }
    case NDX_Q_OR:
    case NDX_Q_NOT:
        for (size_t i = 0; i < q->nkids; i++) {
            int rc = expand(al, &q->kids[i], tmp);
            if (rc)
                return rc;
        }
        return NDX_OK;
    default: {
        if (!expandable(q))
            return NDX_OK;
        struct alts a;
        int rc = alternatives(al, q->text, q->ntext, &a);
        if (rc || !a.count)
            return rc;
        struct ndx_qnode *o;
        if ((rc = or_with(q, q->field, &a, &o)))
            return rc;
        *slot = o;
        return NDX_OK;
    }
    }
}

int ndx__alias_expand(const ndx_index *ix, struct ndx_qnode **root)
{
    const struct ndx_aliases *al = ix->xaliases ? ix->xaliases : ix->aliases;
    if (!al || al->n == 0 || !*root)
        return NDX_OK;
    struct ndx_buf tmp;
    ndx__buf_init(&tmp, 0);
    int rc = expand(al, root, &tmp);
    ndx__buf_free(&tmp);
    return rc;
}
