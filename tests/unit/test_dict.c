/*
 * test_dict.c - the term dictionary of a segment: a look-up of each of its terms finds the entry
 * a scan of the dictionary gives, and a look-up of words next to them (one byte more, one less,
 * the last byte changed, a prefix) finds exactly those that are terms too; words of many shared
 * prefixes and lengths, across dictionary blocks.
 */
#include "articles.h"
#include "harness.h"
#include "index/index.h"
#include "text/text.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static uint32_t rs = 13579u;
static uint32_t rnd(void)
{
    rs = rs * 1103515245u + 12345u;
    return rs >> 8;
}

struct dterm {
    char t[64];
    size_t n;
    struct ndx_terminfo ti;
};

struct dscan {
    struct dterm *v;
    size_t n, cap;
};

static int on_term(void *ctx, const char *t, size_t n, const struct ndx_terminfo *ti)
{
    struct dscan *d = ctx;
    if (n >= sizeof d->v[0].t)
        return 0;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
    }
    struct dterm *e = &d->v[d->n++];
    memcpy(e->t, t, n);
    e->n = n;
    e->ti = *ti;
    return 0;
}

static int cmp_dterm(const void *a, const void *b)
{
    const struct dterm *x = a, *y = b;
    int c = memcmp(x->t, y->t, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static const struct dterm *find(const struct dscan *d, const char *t, size_t n)
{
    struct dterm key;
    if (n >= sizeof key.t)
        return NULL;
    memcpy(key.t, t, n);
    key.n = n;
    return bsearch(&key, d->v, d->n, sizeof *d->v, cmp_dterm);
}

/* Look t up and compare with the scan: found iff a term, with the scan's entry. */
static void probe(const struct ndx_seg *s, const struct dscan *d, const char *t, size_t n)
{
    struct ndx_terminfo ti;
    memset(&ti, 0, sizeof ti);
    int rc = ndx__seg_lookup(s, t, n, &ti);
    const struct dterm *e = find(d, t, n);
    if (e ? rc != NDX_OK || memcmp(&ti, &e->ti, sizeof ti) != 0 : rc != NDX_ENOTFOUND) {
        fprintf(stderr, "  look-up of '%.*s': rc %d, %s in the scan\n", (int)n, t, rc,
                e ? "present" : "absent");
        ndx_test_failures++;
    }
}

TEST(dictionary_lookup_agrees_with_a_scan)
{
    char dir[64];
    ndx_index *ix = ndx_test_new_index(NDX_OPEN_SIMPLE, dir);
    CHECK(ix != NULL);
    if (!ix)
        return;
    /* words over a 3-letter alphabet, 1 to 9 letters: long shared prefixes, words that are
     * prefixes of others, thousands of dictionary blocks */
    static char body[1 << 16];
    char url[64];
    for (int i = 0; i < 300; i++) {
        size_t off = 0;
        for (int k = 0; k < 200; k++) {
            int len = 1 + (int)(rnd() % 9);
            for (int c = 0; c < len; c++)
                body[off++] = (char)('a' + rnd() % 3);
            body[off++] = ' ';
        }
        snprintf(url, sizeof url, "https://example.org/d/%d", i);
        ndx_article a;
        memset(&a, 0, sizeof a);
        a.url = url;
        a.nurl = strlen(url);
        a.title = "t";
        a.ntitle = 1;
        a.body = body;
        a.nbody = off;
        a.lang = "en";
        a.nlang = 2;
        a.published = NDX_DATE_UNKNOWN;
        CHECK_EQ(ndx_index_add(ix, &a, NULL, NULL), 0);
    }
    CHECK_EQ(ndx_index_commit(ix), 0);
    ndx_index_close(ix);
    DIR *dd = opendir(dir);
    struct dirent *de;
    int nseg = 0;
    while (dd && (de = readdir(dd))) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, "seg-", 4) || n < 8 || strcmp(de->d_name + n - 4, ".ndx"))
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), de->d_name);
        struct ndx_seg *s = NULL;
        CHECK_EQ(ndx__seg_open(dir, name, &s, NULL), 0);
        if (!s)
            continue;
        nseg++;
        struct dscan d = {0};
        CHECK_EQ(ndx__seg_terms(s, "", 0, on_term, &d), 0);
        CHECK(d.n > 5000);
        CHECK(s->nterm_blocks > 100);
        for (size_t i = 0; i < d.n; i++) {
            char t[80];
            size_t n0 = d.v[i].n;
            memcpy(t, d.v[i].t, n0);
            probe(s, &d, t, n0);
            probe(s, &d, t, n0 - 1); /* a prefix (the empty word for one letter) */
            t[n0] = 'b';
            probe(s, &d, t, n0 + 1); /* one more letter */
            t[n0] = 'z';
            probe(s, &d, t, n0 + 1);
            t[n0] = '\0';
            probe(s, &d, t, n0 + 1);
            char last = t[n0 - 1];
            t[n0 - 1] = (char)(last + 1);
            probe(s, &d, t, n0); /* the last letter changed */
            t[n0 - 1] = (char)(last - 1);
            probe(s, &d, t, n0);
            t[n0 - 1] = last;
        }
        probe(s, &d, "", 0);
        probe(s, &d, "\x7f\x7f", 2);
        free(d.v);
        ndx__seg_close(s);
    }
    if (dd)
        closedir(dd);
    CHECK(nseg > 0);
    rmrf(dir);
    ndx__text_thread_cleanup();
}
