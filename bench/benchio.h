/*
 * benchio.h - shared by the C benchmark drivers (bench/ndx_bench.c, bench/peers/): reading the
 * corpus and query TSV files that bench/run writes, timing, and the output line format.
 *
 * docs.tsv: one article per line, "published \t lang \t title \t body" with '\\', '\t', '\n'
 * escaped as "\\\\", "\\t", "\\n"; published is Unix seconds or empty.  The document number is the
 * line index (0-based).  queries.tsv: "qid \t class \t op \t date_from \t date_to \t terms \t
 * notterms", op one of term/and/or/phrase/not, terms and notterms space-separated simple-analysis
 * tokens, dates Unix seconds (0 0 = no date filter).  Output (one line per query): "qid \t count \t
 * top10 docnos (comma) \t top10 us per rep \t count us per rep \t snippet us".
 */
#ifndef BENCHIO_H
#define BENCHIO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct bdoc {
    long long published; /* or LLONG_MIN */
    int has_date;
    char lang[8];
    char *title;
    size_t ntitle;
    char *body;
    size_t nbody;
};

static inline double b_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double b_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static inline long b_maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Unescape s in place; returns the new length. */
static inline size_t b_unescape(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            s[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
            s[k++] = s[i];
        }
    }
    return k;
}

/* Parse one docs.tsv line (modified in place).  Returns 0 on success. */
static inline int b_parse_doc(char *line, size_t n, struct bdoc *d)
{
    if (n && line[n - 1] == '\n')
        line[--n] = 0;
    char *f[4];
    size_t nf[4];
    char *p = line, *end = line + n;
    for (int i = 0; i < 4; i++) {
        char *t = i < 3 ? (char *)memchr(p, '\t', (size_t)(end - p)) : end;
        if (!t)
            return -1;
        f[i] = p;
        nf[i] = (size_t)(t - p);
        *t = 0;
        p = t + 1;
    }
    d->has_date = nf[0] > 0;
    d->published = d->has_date ? atoll(f[0]) : 0;
    snprintf(d->lang, sizeof d->lang, "%.*s", (int)nf[1], f[1]);
    d->title = f[2];
    d->ntitle = b_unescape(f[2], nf[2]);
    d->title[d->ntitle] = 0;
    d->body = f[3];
    d->nbody = b_unescape(f[3], nf[3]);
    d->body[d->nbody] = 0;
    return 0;
}

struct bquery {
    char qid[64], cls[32], op[16];
    long long from, to;
    int nterms, nnot;
    char *terms[64], *nots[8]; /* phraseor: phrases separated by "|" terms */
    char buf[4096];
};

static inline int b_parse_query(const char *line, struct bquery *q)
{
    memset(q, 0, sizeof *q);
    snprintf(q->buf, sizeof q->buf, "%s", line);
    size_t n = strlen(q->buf);
    while (n && (q->buf[n - 1] == '\n' || q->buf[n - 1] == '\r'))
        q->buf[--n] = 0;
    char *f[7];
    char *p = q->buf;
    for (int i = 0; i < 7; i++) {
        f[i] = p;
        char *t = strchr(p, '\t');
        if (!t && i < 6)
            return -1;
        if (t) {
            *t = 0;
            p = t + 1;
        }
    }
    snprintf(q->qid, sizeof q->qid, "%s", f[0]);
    snprintf(q->cls, sizeof q->cls, "%s", f[1]);
    snprintf(q->op, sizeof q->op, "%s", f[2]);
    q->from = atoll(f[3]);
    q->to = atoll(f[4]);
    for (char *s = strtok(f[5], " "); s && q->nterms < 64; s = strtok(NULL, " "))
        q->terms[q->nterms++] = s;
    for (char *s = strtok(f[6], " "); s && q->nnot < 8; s = strtok(NULL, " "))
        q->nots[q->nnot++] = s;
    return 0;
}

/* The phrases of a "phraseor" query ORed in the syntax newsdex and SQLite FTS5 share,
 * "a b" OR "c d" ..., appended at out + k (cap bytes in all); returns the new length. */
static inline size_t b_phrase_or(const struct bquery *q, char *out, size_t cap, size_t k)
{
#define BPUT(...) k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, __VA_ARGS__)
    BPUT("\"");
    for (int i = 0; i < q->nterms; i++) {
        if (!strcmp(q->terms[i], "|"))
            BPUT("\" OR \"");
        else
            BPUT("%s%s", i && strcmp(q->terms[i - 1], "|") ? " " : "", q->terms[i]);
    }
    BPUT("\"");
#undef BPUT
    return k;
}

/* How an engine writes a query: its words joined by `and` (`or` for an "or" query), each word
 * between two `quote`s, each NOT word after `not` (and between quotes too); a phrase, or the
 * phrases of a "phraseor" query, in double quotes as newsdex and SQLite FTS5 both write them.
 * Writes the query into out (cap bytes) and returns its length. */
struct b_syntax {
    const char *and_, *or_, *quote, *not_;
};

static inline size_t b_query_text(const struct bquery *q, const struct b_syntax *sx, char *out,
                                  size_t cap)
{
    size_t k = 0;
#define BPUT(...) k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, __VA_ARGS__)
    if (!strcmp(q->op, "phrase")) {
        BPUT("\"");
        for (int i = 0; i < q->nterms; i++)
            BPUT("%s%s", i ? " " : "", q->terms[i]);
        BPUT("\"");
    } else if (!strcmp(q->op, "phraseor")) {
        k = b_phrase_or(q, out, cap, k);
    } else {
        const char *sep = !strcmp(q->op, "or") ? sx->or_ : sx->and_;
        for (int i = 0; i < q->nterms; i++)
            BPUT("%s%s%s%s", i ? sep : "", sx->quote, q->terms[i], sx->quote);
    }
    for (int i = 0; i < q->nnot; i++)
        BPUT("%s%s%s%s", sx->not_, sx->quote, q->nots[i], sx->quote);
#undef BPUT
    return k < cap ? k : cap - 1;
}

/* Read all queries of a file. */
static inline struct bquery *b_read_queries(const char *path, int *nq)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    int n = 0, cap = 0;
    char line[4096];
    while (fgets(line, sizeof line, f))
        cap++;
    rewind(f);
    /* allocated once: the term pointers point into each entry's buf */
    struct bquery *qs = (struct bquery *)calloc((size_t)cap + 1, sizeof *qs);
    while (n < cap && fgets(line, sizeof line, f)) {
        if (b_parse_query(line, &qs[n]) == 0)
            n++;
    }
    fclose(f);
    *nq = n;
    return qs;
}

/* Per-query results accumulated over repetitions. */
struct bres {
    long long count;
    long long top[10];
    int ntop;
    double *lat_top, *lat_count, *lat_snip; /* microseconds, one per rep */
};

static inline struct bres *b_res_new(int nq, int reps)
{
    struct bres *r = (struct bres *)calloc((size_t)nq, sizeof *r);
    for (int i = 0; i < nq; i++) {
        r[i].lat_top = (double *)calloc((size_t)reps, sizeof(double));
        r[i].lat_count = (double *)calloc((size_t)reps, sizeof(double));
        r[i].lat_snip = (double *)calloc((size_t)reps, sizeof(double));
        r[i].count = -1;
    }
    return r;
}

static inline void b_write_results(const char *path, const struct bquery *qs, int nq,
                                   const struct bres *r, int reps, int with_snip)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    for (int i = 0; i < nq; i++) {
        fprintf(f, "%s\t%lld\t", qs[i].qid, r[i].count);
        for (int k = 0; k < r[i].ntop; k++)
            fprintf(f, "%s%lld", k ? "," : "", r[i].top[k]);
        fputc('\t', f);
        for (int k = 0; k < reps; k++)
            fprintf(f, "%s%.1f", k ? "," : "", r[i].lat_top[k]);
        fputc('\t', f);
        for (int k = 0; k < reps; k++)
            fprintf(f, "%s%.1f", k ? "," : "", r[i].lat_count[k]);
        fputc('\t', f);
        for (int k = 0; with_snip && k < reps; k++)
            fprintf(f, "%s%.1f", k ? "," : "", r[i].lat_snip[k]);
        fputc('\n', f);
    }
    fclose(f);
}

#endif
