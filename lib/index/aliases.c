/*
 * aliases.c - the alias table: Latin and CJK forms of one name learnt from glosses at ingest
 * ("Chen Quanguo (陳全國)"), counted per live article.  The writer keeps the table in memory and
 * updates it as articles are added, updated and deleted; a commit writes it, when it changed, to
 * aliases-<gen> (tmp, fsync, rename) before the manifest that names it, so the table a reader
 * sees always belongs to the articles of the same commit.  `newsdex check` recounts every live
 * article and compares.  Pairs are keyed by their folded forms: 陳全國 and 陈全国 glossing
 * "Chen Quanguo" are one pair; different characters for the same Latin are separate pairs, each
 * with its own count.  The public listing (ndx_index_aliases) is here too.
 */
#include "index/aliases.h"
#include "names/gloss.h"
#include "text/text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define MAGIC "NDXALI01"

void ndx__aliases_free(struct ndx_aliases *al)
{
    if (!al)
        return;
    for (size_t i = 0; i < al->n; i++) {
        ndx_free(al->e[i].latin);
        ndx_free(al->e[i].cjk);
    }
    ndx_free(al->e);
    ndx__map_free(&al->by_key);
    ndx_free(al);
}

/* ---- keys --------------------------------------------------------------------------------- */

int ndx__alias_latin_key(const char *s, size_t n, struct ndx_buf *out)
{
    struct ndx_buf w;
    ndx__buf_init(&w, 0);
    ndx__buf_reset(out);
    int rc = NDX_OK;
    for (size_t i = 0; i < n && !rc;) {
        while (i < n && (s[i] == ' ' || s[i] == '-' || s[i] == '\''))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != '-' && s[i] != '\'')
            i++;
        if (i == a)
            break;
        if ((rc = ndx__normalize_word(s + a, i - a, &w)))
            break;
        if (w.n == 0)
            continue;
        if (out->n)
            ndx__buf_putc(out, ' ', &rc);
        ndx__buf_append(out, w.p, w.n, &rc);
    }
    ndx__buf_free(&w);
    return rc;
}

int ndx__alias_cjk_key(const char *s, size_t n, struct ndx_buf *out)
{
    struct ndx_buf f;
    ndx__buf_init(&f, 0);
    int rc = ndx__han_fold_copy(s, n, &f);
    ndx__buf_reset(out);
    for (size_t i = 0; i < f.n && !rc;) {
        uint32_t cp;
        size_t len = ndx__text_decode(f.p + i, f.n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        if (cp != ' ' && cp != 0x30FB && cp != 0xB7 && cp != 0xFF65)
            ndx__buf_append(out, f.p + i, len, &rc);
        i += len;
    }
    ndx__buf_free(&f);
    return rc;
}

uint64_t ndx__alias_key(const struct ndx_buf *latin, const struct ndx_buf *cjk)
{
    uint64_t h = ndx__hash64(latin->p ? latin->p : (const uint8_t *)"", latin->n, 0x616c);
    h = ndx__hash64(cjk->p ? cjk->p : (const uint8_t *)"", cjk->n, h ^ 0x636a6b);
    return h ? h : 1;
}

uint64_t ndx__alias_form_hash(const struct ndx_buf *folded)
{
    uint64_t h = ndx__hash64(folded->p ? folded->p : (const uint8_t *)"", folded->n, 0x666f726d);
    return h ? h : 1;
}

/* ---- the table ---------------------------------------------------------------------------- */

static struct ndx_aliases *table(ndx_index *ix)
{
    if (!ix->aliases) {
        ix->aliases = ndx_calloc(1, sizeof *ix->aliases);
        if (ix->aliases)
            ndx__map_init(&ix->aliases->by_key);
    }
    return ix->aliases;
}

static int add_entry(struct ndx_aliases *al, const char *latin, size_t nlatin, const char *cjk,
                     size_t ncjk, int script, uint64_t count, uint64_t first, uint64_t key)
{
    if (ndx__grow(&al->e, &al->cap, al->n + 1, sizeof *al->e, 64))
        return NDX_ENOMEM;
    struct ndx_alias_ent *e = &al->e[al->n];
    memset(e, 0, sizeof *e);
    e->latin = ndx_strndup(latin, nlatin);
    e->cjk = ndx_strndup(cjk, ncjk);
    if (!e->latin || !e->cjk || ndx__map_put(&al->by_key, key, al->n + 1)) {
        ndx_free(e->latin);
        ndx_free(e->cjk);
        return NDX_ENOMEM;
    }
    struct ndx_buf f;
    ndx__buf_init(&f, 0);
    int rc = ndx__alias_latin_key(latin, nlatin, &f);
    e->lhash = ndx__alias_form_hash(&f);
    if (!rc)
        rc = ndx__alias_cjk_key(cjk, ncjk, &f);
    e->chash = ndx__alias_form_hash(&f);
    ndx__buf_free(&f);
    if (rc) {
        ndx__map_put(&al->by_key, key, 0);
        ndx_free(e->latin);
        ndx_free(e->cjk);
        return rc;
    }
    e->nlatin = (uint32_t)nlatin;
    e->ncjk = (uint32_t)ncjk;
    e->script = (uint8_t)script;
    e->count = count;
    e->first = first;
    e->key = key;
    al->n++;
    return NDX_OK;
}

static int remove_entry(struct ndx_aliases *al, size_t i)
{
    struct ndx_alias_ent *e = &al->e[i];
    int rc = ndx__map_put(&al->by_key, e->key, 0);
    ndx_free(e->latin);
    ndx_free(e->cjk);
    if (i + 1 < al->n) {
        *e = al->e[al->n - 1];
        if (!rc)
            rc = ndx__map_put(&al->by_key, e->key, i + 1);
    }
    al->n--;
    return rc;
}

/* The distinct glosses of one article. */
struct art_glosses {
    const char *text; /* the text being scanned */
    struct {
        uint64_t key;
        const char *latin, *cjk;
        size_t nlatin, ncjk;
        int script;
    } g[2 * NDX_GLOSS_MAX];
    size_t n;
    struct ndx_buf lk, ck;
    int rc;
};

static int on_gloss(void *ctx, const struct ndx_gloss *g)
{
    struct art_glosses *ag = ctx;
    const char *lat = ag->text + g->latin_start, *cjk = ag->text + g->cjk_start;
    size_t nl = g->latin_end - g->latin_start, nc = g->cjk_end - g->cjk_start;
    if ((ag->rc = ndx__alias_latin_key(lat, nl, &ag->lk)) ||
        (ag->rc = ndx__alias_cjk_key(cjk, nc, &ag->ck)))
        return ag->rc;
    if (ag->lk.n == 0 || ag->ck.n == 0)
        return 0;
    uint64_t key = ndx__alias_key(&ag->lk, &ag->ck);
    for (size_t i = 0; i < ag->n; i++)
        if (ag->g[i].key == key)
            return 0;
    if (ag->n < NDX_ARRAY_LEN(ag->g)) {
        ag->g[ag->n].key = key;
        ag->g[ag->n].latin = lat;
        ag->g[ag->n].nlatin = nl;
        ag->g[ag->n].cjk = cjk;
        ag->g[ag->n].ncjk = nc;
        ag->g[ag->n].script = g->script;
        ag->n++;
    }
    return 0;
}

static int glosses_of(const ndx_article *a, struct art_glosses *ag)
{
    ag->n = 0;
    ag->rc = 0;
    ag->text = a->title;
    int rc = ndx__glosses(a->title, a->ntitle, on_gloss, ag);
    ag->text = a->body;
    if (!rc)
        rc = ndx__glosses(a->body, a->nbody, on_gloss, ag);
    return rc ? rc : ag->rc;
}

static struct art_glosses *glosses_new(void)
{
    struct art_glosses *ag = ndx_calloc(1, sizeof *ag);
    if (ag) {
        ndx__buf_init(&ag->lk, 0);
        ndx__buf_init(&ag->ck, 0);
    }
    return ag;
}

static void glosses_free(struct art_glosses *ag)
{
    if (!ag)
        return;
    ndx__buf_free(&ag->lk);
    ndx__buf_free(&ag->ck);
    ndx_free(ag);
}

/* Apply the glosses of one article to al. */
static int apply(struct ndx_aliases *al, struct art_glosses *ag, uint64_t gid, int delta)
{
    int rc = NDX_OK;
    for (size_t k = 0; k < ag->n && !rc; k++) {
        uint64_t at = ndx__map_get(&al->by_key, ag->g[k].key);
        if (delta > 0) {
            if (!at) {
                rc = add_entry(al, ag->g[k].latin, ag->g[k].nlatin, ag->g[k].cjk, ag->g[k].ncjk,
                               ag->g[k].script, 1, gid, ag->g[k].key);
                continue;
            }
            struct ndx_alias_ent *e = &al->e[at - 1];
            e->count++;
            if (gid <= e->first) {
                e->first = gid;
                e->refirst = 0;
            }
        } else if (at) {
            struct ndx_alias_ent *e = &al->e[at - 1];
            if (e->count <= 1)
                rc = remove_entry(al, at - 1);
            else {
                e->count--;
                if (e->first == gid)
                    e->refirst = 1;
            }
        }
    }
    al->dirty |= ag->n > 0;
    return rc;
}

int ndx__aliases_article(ndx_index *ix, uint64_t gid, const ndx_article *a, int delta)
{
    if (ix->analysis < 2)
        return NDX_OK;
    struct ndx_aliases *al = table(ix);
    struct art_glosses *ag = glosses_new();
    int rc = al && ag ? glosses_of(a, ag) : NDX_ENOMEM;
    if (!rc)
        rc = apply(al, ag, gid, delta);
    glosses_free(ag);
    return rc;
}

/* Call fn for every live committed article (ids ascending within a segment). */
static int each_live(ndx_index *ix, int (*fn)(void *, uint64_t, const ndx_article *), void *ctx)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    int rc = NDX_OK;
    for (size_t i = 0; i < ix->nsegs && !rc; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(r->seg, d, &scratch, &a)))
                break;
            rc = fn(ctx, r->seg->col.gid[d], &a);
        }
    }
    ndx__buf_free(&scratch);
    return rc;
}

struct refirst_ctx {
    struct ndx_aliases *al;
    struct art_glosses *ag;
};

static int find_first(void *ctx, uint64_t gid, const ndx_article *a)
{
    struct refirst_ctx *c = ctx;
    int rc = glosses_of(a, c->ag);
    for (size_t k = 0; k < c->ag->n && !rc; k++) {
        uint64_t at = ndx__map_get(&c->al->by_key, c->ag->g[k].key);
        struct ndx_alias_ent *e = at ? &c->al->e[at - 1] : NULL;
        if (e && e->refirst && (e->first == 0 || gid < e->first))
            e->first = gid;
    }
    return rc;
}

static int write_u32(struct ndx_buf *b, uint32_t v, int *rc)
{
    ndx__buf_put_u32(b, v, rc);
    return *rc;
}

int ndx__aliases_commit(ndx_index *ix, uint64_t gen)
{
    struct ndx_aliases *al = ix->aliases;
    if (!al || !al->dirty)
        return NDX_OK;
    int rc = NDX_OK;
    /* first articles that left the index: the lowest live id glossing the pair */
    bool refirst = false;
    for (size_t i = 0; i < al->n; i++)
        if (al->e[i].refirst) {
            al->e[i].first = 0;
            refirst = true;
        }
    if (refirst) {
        struct refirst_ctx c = {al, glosses_new()};
        rc = c.ag ? each_live(ix, find_first, &c) : NDX_ENOMEM;
        glosses_free(c.ag);
        if (rc)
            return ndx__index_fail(ix, rc, "cannot update the alias table: %s", ndx_strerror(rc));
        for (size_t i = 0; i < al->n; i++)
            al->e[i].refirst = 0;
    }
    if (al->n == 0) {
        al->file[0] = 0;
        al->dirty = 0;
        return NDX_OK;
    }
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    ndx__buf_append(&b, MAGIC, 8, &rc);
    write_u32(&b, (uint32_t)al->n, &rc);
    for (size_t i = 0; i < al->n; i++) {
        const struct ndx_alias_ent *e = &al->e[i];
        ndx__buf_put_varint(&b, e->nlatin, &rc);
        ndx__buf_append(&b, e->latin, e->nlatin, &rc);
        ndx__buf_put_varint(&b, e->ncjk, &rc);
        ndx__buf_append(&b, e->cjk, e->ncjk, &rc);
        ndx__buf_putc(&b, e->script, &rc);
        ndx__buf_put_varint(&b, e->count, &rc);
        ndx__buf_put_varint(&b, e->first, &rc);
    }
    if (!rc)
        ndx__buf_put_u64(&b, ndx__hash64(b.p, b.n, 0), &rc);
    char name[40];
    snprintf(name, sizeof name, "aliases-%016" PRIx64, gen);
    if (!rc && (rc = ndx__write_file_atomic(ix->dir, name, b.p, b.n)))
        ndx__index_fail(ix, rc, "cannot write %s/%s: %s", ix->dir, name, strerror(errno));
    ndx__buf_free(&b);
    if (rc)
        return rc;
    snprintf(al->file, sizeof al->file, "%s", name);
    al->dirty = 0;
    return NDX_OK;
}

void ndx__aliases_manifest_line(const ndx_index *ix, struct ndx_buf *b, int *rc)
{
    const struct ndx_aliases *al = ix->aliases;
    if (al && al->file[0] && al->n)
        ndx__buf_printf(b, rc, "aliases %s count %zu\n", al->file, al->n);
}

int ndx__aliases_is_live(const ndx_index *ix, const char *nm)
{
    return ix->aliases && ix->aliases->file[0] && strcmp(ix->aliases->file, nm) == 0;
}

/* ---- loading ------------------------------------------------------------------------------ */

static int rd_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t c = *(*p)++;
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* Parse a table file's bytes into al. */
static int parse(struct ndx_aliases *al, const uint8_t *p, size_t n, uint64_t count)
{
    if (n < 20 || memcmp(p, MAGIC, 8) != 0 || ndx__hash64(p, n - 8, 0) != ndx__rd_u64(p + n - 8))
        return NDX_ECORRUPT;
    const uint8_t *q = p + 12, *end = p + n - 8;
    uint32_t ne = ndx__rd_u32(p + 8);
    if (ne != count)
        return NDX_ECORRUPT;
    struct ndx_buf lk, ck;
    ndx__buf_init(&lk, 0);
    ndx__buf_init(&ck, 0);
    int rc = NDX_OK;
    for (uint32_t i = 0; i < ne && !rc; i++) {
        uint64_t nl, nc, cnt, first;
        if (rd_varint(&q, end, &nl) || nl > (uint64_t)(end - q) || nl == 0) {
            rc = NDX_ECORRUPT;
            break;
        }
        const char *lat = (const char *)q;
        q += nl;
        if (rd_varint(&q, end, &nc) || nc > (uint64_t)(end - q) || nc == 0) {
            rc = NDX_ECORRUPT;
            break;
        }
        const char *cjk = (const char *)q;
        q += nc;
        if (q >= end) {
            rc = NDX_ECORRUPT;
            break;
        }
        int script = *q++;
        if (rd_varint(&q, end, &cnt) || rd_varint(&q, end, &first) || cnt == 0 || first == 0 ||
            !ndx__gloss_script_code(script)[0]) {
            rc = NDX_ECORRUPT;
            break;
        }
        if ((rc = ndx__alias_latin_key(lat, nl, &lk)) || (rc = ndx__alias_cjk_key(cjk, nc, &ck)))
            break;
        uint64_t key = ndx__alias_key(&lk, &ck);
        if (ndx__map_get(&al->by_key, key)) {
            rc = NDX_ECORRUPT; /* one pair twice */
            break;
        }
        rc = add_entry(al, lat, nl, cjk, nc, script, cnt, first, key);
    }
    if (!rc && q != end)
        rc = NDX_ECORRUPT;
    ndx__buf_free(&lk);
    ndx__buf_free(&ck);
    return rc;
}

int ndx__aliases_load(ndx_index *ix, const char *name, uint64_t count)
{
    struct ndx_aliases *al = ndx_calloc(1, sizeof *al);
    if (!al)
        return NDX_ENOMEM;
    ndx__map_init(&al->by_key);
    int rc = NDX_OK;
    if (name) {
        char *path = ndx__strfmt("%s/%s", ix->dir, name);
        struct ndx_buf b;
        ndx__buf_init(&b, 0);
        rc = path ? ndx__read_file(path, &b) : NDX_ENOMEM;
        if (!rc)
            rc = parse(al, b.p, b.n, count);
        if (rc == NDX_EIO)
            rc = NDX_ECORRUPT;
        /* missing: a writer removed it after a newer commit, the caller retries (as segments) */
        if (rc == NDX_ENOTFOUND || rc == NDX_ECORRUPT)
            ndx__index_fail(ix, rc, "alias table %s is %s", path ? path : name,
                            rc == NDX_ENOTFOUND ? "missing" : "damaged");
        ndx__buf_free(&b);
        ndx_free(path);
        snprintf(al->file, sizeof al->file, "%s", name);
    }
    if (rc) {
        ndx__aliases_free(al);
        return rc;
    }
    ndx__aliases_free(ix->aliases);
    ix->aliases = al;
    return NDX_OK;
}

/* ---- check -------------------------------------------------------------------------------- */

struct recount {
    struct ndx_aliases *al;
    struct art_glosses *ag;
};

static int recount_one(void *ctx, uint64_t gid, const ndx_article *a)
{
    struct recount *c = ctx;
    int rc = glosses_of(a, c->ag);
    return rc ? rc : apply(c->al, c->ag, gid, +1);
}

int ndx__aliases_check(ndx_index *ix, void (*cb)(void *, const char *), void *ctx)
{
    if (ix->analysis < 2)
        return NDX_OK;
    struct recount c = {ndx_calloc(1, sizeof *c.al), glosses_new()};
    int rc = c.al && c.ag ? NDX_OK : NDX_ENOMEM;
    if (c.al)
        ndx__map_init(&c.al->by_key);
    if (!rc)
        rc = each_live(ix, recount_one, &c);
    int problems = 0;
    const struct ndx_aliases *have = ix->aliases;
    size_t nhave = have ? have->n : 0;
    char msg[256];
    for (size_t i = 0; !rc && i < c.al->n; i++) {
        const struct ndx_alias_ent *w = &c.al->e[i];
        uint64_t at = have ? ndx__map_get(&have->by_key, w->key) : 0;
        const struct ndx_alias_ent *h = at ? &have->e[at - 1] : NULL;
        if (!h || h->count != w->count || h->first != w->first) {
            snprintf(msg, sizeof msg,
                     "alias table: %.60s = %.60s is glossed by %" PRIu64 " articles (first %" PRIu64
                     "), the table says %" PRIu64 " (first %" PRIu64 ")",
                     w->latin, w->cjk, w->count, w->first, h ? h->count : 0, h ? h->first : 0);
            cb(ctx, msg);
            problems++;
        }
    }
    if (!rc && nhave > c.al->n) {
        snprintf(msg, sizeof msg, "alias table: %zu pairs, the articles gloss %zu", nhave, c.al->n);
        cb(ctx, msg);
        problems++;
    }
    ndx__aliases_free(c.al);
    glosses_free(c.ag);
    if (rc)
        return rc;
    return problems ? NDX_ECORRUPT : NDX_OK;
}

/* ---- listing (public) --------------------------------------------------------------------- */

static int cmp_ent(const void *x, const void *y)
{
    const struct ndx_alias_ent *a = *(const struct ndx_alias_ent *const *)x,
                               *b = *(const struct ndx_alias_ent *const *)y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int c = strcmp(a->latin, b->latin);
    return c ? c : strcmp(a->cjk, b->cjk);
}

int ndx_index_aliases(ndx_index *ix, const char *name, size_t nname,
                      int (*cb)(void *ctx, const ndx_alias *a), void *ctx)
{
    const struct ndx_aliases *al = ix->aliases;
    if (!al || al->n == 0)
        return NDX_OK;
    struct ndx_buf lk, ck;
    ndx__buf_init(&lk, 0);
    ndx__buf_init(&ck, 0);
    int rc = NDX_OK;
    if (name && nname &&
        ((rc = ndx__alias_latin_key(name, nname, &lk)) ||
         (rc = ndx__alias_cjk_key(name, nname, &ck))))
        goto out;
    uint64_t lh = lk.n ? ndx__alias_form_hash(&lk) : 0, ch = ck.n ? ndx__alias_form_hash(&ck) : 0;
    const struct ndx_alias_ent **v = ndx_malloc(al->n * sizeof *v);
    if (!v) {
        rc = NDX_ENOMEM;
        goto out;
    }
    size_t nv = 0;
    for (size_t i = 0; i < al->n && !rc; i++) {
        const struct ndx_alias_ent *e = &al->e[i];
        if (name && nname && e->lhash != lh && e->chash != ch)
            continue;
        v[nv++] = e;
    }
    if (!rc)
        qsort(v, nv, sizeof *v, cmp_ent);
    for (size_t i = 0; i < nv && !rc; i++) {
        ndx_alias a = {
            v[i]->latin, v[i]->nlatin, v[i]->cjk, v[i]->ncjk, ndx__gloss_script_code(v[i]->script),
            v[i]->count, v[i]->first};
        rc = cb(ctx, &a);
    }
    ndx_free(v);
out:
    ndx__buf_free(&lk);
    ndx__buf_free(&ck);
    return rc;
}

/* ---- an external table (public) ----------------------------------------------------------- */

static int script_of_code(const char *code)
{
    for (int s = NDX_SCRIPT_HANI; s <= NDX_SCRIPT_HANG; s++)
        if (code && !strcmp(code, ndx__gloss_script_code(s)))
            return s;
    return 0;
}

int ndx_index_set_aliases(ndx_index *ix, const ndx_alias *a, size_t n)
{
    if (!ix || (n && !a))
        return NDX_EINVAL;
    struct ndx_aliases *t = NULL;
    int rc = NDX_OK;
    if (a) {
        if (!(t = ndx_calloc(1, sizeof *t)))
            return NDX_ENOMEM;
        ndx__map_init(&t->by_key);
    }
    struct ndx_buf lk, ck;
    ndx__buf_init(&lk, 0);
    ndx__buf_init(&ck, 0);
    for (size_t i = 0; i < n && !rc; i++) {
        if (!a[i].latin || !a[i].cjk) {
            rc = ndx__index_fail(ix, NDX_EINVAL, "alias %zu: a form is missing", i);
            break;
        }
        if ((rc = ndx__alias_latin_key(a[i].latin, a[i].nlatin, &lk)) ||
            (rc = ndx__alias_cjk_key(a[i].cjk, a[i].ncjk, &ck)))
            break;
        if (!lk.n || !ck.n) {
            rc = ndx__index_fail(ix, NDX_EINVAL, "alias %zu (%.*s, %.*s): a form has no letters", i,
                                 (int)a[i].nlatin, a[i].latin, (int)a[i].ncjk, a[i].cjk);
            break;
        }
        uint64_t key = ndx__alias_key(&lk, &ck);
        uint64_t at = ndx__map_get(&t->by_key, key);
        if (at) { /* the same pair from another index: counted once, with every article */
            struct ndx_alias_ent *e = &t->e[at - 1];
            e->count += a[i].articles;
            if (a[i].first < e->first)
                e->first = a[i].first;
            continue;
        }
        rc = add_entry(t, a[i].latin, a[i].nlatin, a[i].cjk, a[i].ncjk, script_of_code(a[i].script),
                       a[i].articles, a[i].first, key);
    }
    ndx__buf_free(&lk);
    ndx__buf_free(&ck);
    if (rc) {
        ndx__aliases_free(t);
        return rc;
    }
    ndx__aliases_free(ix->xaliases);
    ix->xaliases = t;
    return NDX_OK;
}
