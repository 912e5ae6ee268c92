/*
 * keyfacet.c - facets on keyword fields (section, tags, Reuters topics and places): the values of
 * the matching articles come from the postings of the field's terms "\x01K" name "=" value
 * (index/keywords.c), walked segment by segment against the matching documents sorted by
 * document; the (article, value) pairs found are then counted over the story-sorted records as
 * collect.c counts every other facet (docs/ANALYTICS.md).
 */
#include "query/collect.h"

#include <stdlib.h>

struct kwpass {
    const struct art *arts;
    const uint32_t *order; /* indices into arts of one segment's run, by doc */
    size_t n;
    size_t nprefix;
    struct vtab *vals;
    uint32_t (*pairs)[2]; /* (article, value) */
    size_t npairs, cap;
    const struct ndx_seg *seg;
    int rc;
};

static int kw_term(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    struct kwpass *k = ctx;
    uint32_t v;
    if ((k->rc = ndx__vtab_intern(k->vals, t + k->nprefix, n - k->nprefix, &v)))
        return 1;
    struct ndx_pl pl;
    ndx__pl_init(&pl, k->seg, ti);
    size_t j = 0;
    for (uint32_t d = pl.doc; d != NDX_DOC_END && j < k->n;) {
        uint32_t want = k->arts[k->order[j]].doc;
        if (d < want) {
            d = ndx__pl_advance(&pl, want);
            continue;
        }
        if (d == want) {
            if (ndx__grow(&k->pairs, &k->cap, k->npairs + 1, sizeof *k->pairs, 1024)) {
                k->rc = NDX_ENOMEM;
                return 1;
            }
            k->pairs[k->npairs][0] = k->order[j];
            k->pairs[k->npairs][1] = v;
            k->npairs++;
        }
        j++;
    }
    if (pl.corrupt) {
        k->rc = NDX_ECORRUPT;
        return 1;
    }
    return 0;
}

/* Article numbers by (segment, document); ctx: the articles (qsort_r: searches run in threads). */
static int cmp_art(const void *a, const void *b, void *ctx)
{
    const struct art *arts = ctx;
    const struct art *x = &arts[*(const uint32_t *)a], *y = &arts[*(const uint32_t *)b];
    if (x->ref != y->ref)
        return x->ref < y->ref ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

/* Count the values of keyword facet i into *pfc (k values, interned in vals). */
int ndx__keyword_counts(struct ndx_coll *c, size_t i, struct vtab *vals, struct fcount **pfc,
                        size_t *pk)
{
    const ndx_facet_spec *sp = &c->spec[i];
    struct kwpass k = {.arts = c->arts, .vals = vals};
    struct ndx_buf prefix;
    ndx__buf_init(&prefix, 0);
    int rc = 0;
    ndx__keyword_prefix(sp->field, sp->nfield, &prefix, &rc);
    k.nprefix = prefix.n;
    uint32_t *order = rc ? NULL : ndx_malloc((c->narts ? c->narts : 1) * sizeof *order);
    if (!rc && !order)
        rc = NDX_ENOMEM;
    for (size_t j = 0; j < c->narts && !rc; j++)
        order[j] = (uint32_t)j;
    if (!rc && c->narts > 1) {
        qsort_r(order, c->narts, sizeof *order, cmp_art, (void *)c->arts);
    }
    for (size_t j = 0; j < c->narts && !rc;) {
        size_t e = j;
        while (e < c->narts && c->arts[order[e]].ref == c->arts[order[j]].ref)
            e++;
        k.seg = c->arts[order[j]].ref->seg;
        k.order = order + j;
        k.n = e - j;
        ndx__seg_terms(k.seg, (const char *)prefix.p, prefix.n, kw_term, &k);
        rc = k.rc;
        j = e;
    }
    /* the values of each article, by article number (offsets into vof) */
    size_t *off = rc ? NULL : ndx_calloc(c->narts + 1, sizeof *off);
    uint32_t *vof = rc ? NULL : ndx_malloc((k.npairs ? k.npairs : 1) * sizeof *vof);
    if (!rc && (!off || !vof))
        rc = NDX_ENOMEM;
    for (size_t j = 0; j < k.npairs && !rc; j++)
        off[k.pairs[j][0] + 1]++;
    for (size_t j = 0; j < c->narts && !rc; j++)
        off[j + 1] += off[j];
    for (size_t j = 0; j < k.npairs && !rc; j++)
        vof[off[k.pairs[j][0]]++] = k.pairs[j][1];
    for (size_t j = c->narts; j > 0 && !rc; j--)
        off[j] = off[j - 1];
    if (!rc)
        off[0] = 0;
    size_t nv = vals->count;
    struct fcount *fc = rc ? NULL : ndx_calloc(nv ? nv : 1, sizeof *fc);
    uint64_t *stamp = rc ? NULL : ndx_calloc(nv ? nv : 1, sizeof *stamp);
    if (!rc && (!fc || !stamp))
        rc = NDX_ENOMEM;
    uint64_t group = 0;
    for (size_t j = 0; j < c->n && !rc; j++) {
        const struct crec *x = &c->r[j];
        if (j == 0 || x->story != c->r[j - 1].story)
            group++;
        for (size_t q = off[x->art]; q < off[x->art + 1]; q++) {
            uint32_t v = vof[q];
            fc[v].copies += x->copies;
            if (stamp[v] != group) {
                stamp[v] = group;
                fc[v].stories++;
            }
        }
    }
    for (size_t v = 0; v < nv && !rc; v++)
        fc[v].s = vals->s[v], fc[v].n = vals->n[v];
    ndx__buf_free(&prefix);
    ndx_free(order);
    ndx_free(k.pairs);
    ndx_free(off);
    ndx_free(vof);
    ndx_free(stamp);
    if (rc) {
        ndx_free(fc);
        return rc;
    }
    *pfc = fc;
    *pk = nv;
    return NDX_OK;
}

/* Does stored field line (name, val) hold the value whose term is t[0..nt)? */
static int holds(const char *name, size_t nname, const char *fname, size_t nfname, const char *val,
                 size_t nval, const char *t, size_t nt, struct ndx_buf *b, int *rc)
{
    if (nname != nfname)
        return 0;
    for (size_t i = 0; i < nname; i++)
        if ((name[i] | 0x20) != (fname[i] | 0x20))
            return 0;
    ndx__buf_reset(b);
    ndx__keyword_term(fname, nfname, val, nval, b, rc);
    return !*rc && b->n == nt && memcmp(b->p, t, nt) == 0;
}

#define WRITTEN_TRIES 8 /* stored records read, at most, to find a value as written */

int ndx__keyword_written_form(struct ndx_coll *c, size_t i, const char *v, size_t nv, char **out,
                              size_t *nout)
{
    const ndx_facet_spec *sp = &c->spec[i];
    struct search *S = c->S;
    struct ndx_buf term, b;
    ndx__buf_init(&term, 0);
    ndx__buf_init(&b, 0);
    int rc = 0, tries = 0;
    ndx__keyword_prefix(sp->field, sp->nfield, &term, &rc);
    ndx__buf_append(&term, v, nv, &rc);
    *out = NULL;
    /* the first live article of the view holding the value, as its stored fields write it */
    for (size_t g = 0; g < S->v.nsegs && !rc && !*out && tries < WRITTEN_TRIES; g++) {
        const struct ndx_segref *ref = &S->v.segs[g];
        struct ndx_terminfo ti;
        if (ndx__seg_lookup(ref->seg, (const char *)term.p, term.n, &ti) != NDX_OK)
            continue;
        struct ndx_pl pl;
        ndx__pl_init(&pl, ref->seg, &ti);
        for (uint32_t d = pl.doc; d != NDX_DOC_END && !rc && !*out && tries < WRITTEN_TRIES;
             d = ndx__pl_next(&pl)) {
            if (ndx__seg_deleted(ref, d))
                continue;
            tries++;
            ndx_article a;
            if (ndx__seg_doc(ref->seg, d, &c->scratch, &a) != NDX_OK)
                continue;
            const char *p = a.fields, *name, *val;
            size_t nname, nval;
            while (!rc && !*out &&
                   ndx__keyword_next(&p, a.fields + a.nfields, &name, &nname, &val, &nval)) {
                if (!holds(name, nname, sp->field, sp->nfield, val, nval, (const char *)term.p,
                           term.n, &b, &rc))
                    continue;
                ndx__buf_reset(&b);
                ndx__keyword_written(val, nval, &b, &rc);
                if (!rc && !(*out = ndx_strndup((const char *)b.p, b.n)))
                    rc = NDX_ENOMEM;
                *nout = b.n;
            }
        }
    }
    /* none found (a record that cannot be read): the value as its term holds it */
    if (!rc && !*out) {
        if (!(*out = ndx_strndup(v, nv)))
            rc = NDX_ENOMEM;
        *nout = nv;
    }
    ndx__buf_free(&term);
    ndx__buf_free(&b);
    return rc;
}
