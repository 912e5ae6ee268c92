/*
 * facets.h - shared by the drivers of the aggregation benchmark (bench/facets/run): the per-
 * document values the facets count (source from a side file, lang, year and day from docs.tsv's
 * published), and the two output files.
 *
 * sources.txt: one source per line, line i = document i of docs.tsv (bench/benchio.h).
 * Every driver answers, per query, in one request: the number of matches, the matches by source,
 * by lang and by year (all values), and the matches by day (non-empty days), and writes
 *   OUT.lat.tsv     "qid \t class \t us,us,..."          (one latency per repetition)
 *   OUT.counts.tsv  "qid \t facet \t value \t count"     (first pass; facet total|source|lang|year|day)
 * Undated documents count under year "unknown" and in no day.
 */
#ifndef FACETS_H
#define FACETS_H

#include "../benchio.h"

#include <time.h>

/* "2004" and "2004-05-17" of Unix seconds t, UTC. */
static inline void f_year_day(long long t, char year[16], char day[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(year, 16, "%04d", tm.tm_year + 1900);
    snprintf(day, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Day number (days since 1970-01-01, floor) of Unix seconds t. */
static inline long long f_daynum(long long t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static inline void f_daynum_str(long long dn, char day[40])
{
    char y[16];
    f_year_day(dn * 86400, y, day);
}

/* Read sources.txt: an array of n strings (newline stripped). */
static inline char **f_read_sources(const char *path, long long *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    long long cap = 1024, k = 0;
    char **v = (char **)malloc(sizeof *v * (size_t)cap);
    char *line = NULL;
    size_t lc = 0;
    ssize_t m;
    while ((m = getline(&line, &lc, f)) > 0) {
        if (line[m - 1] == '\n')
            line[--m] = 0;
        if (k == cap)
            v = (char **)realloc(v, sizeof *v * (size_t)(cap *= 2));
        v[k++] = strdup(line);
    }
    free(line);
    fclose(f);
    *n = k;
    return v;
}

static inline FILE *f_open_out(const char *base, const char *ext)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s", base, ext);
    FILE *f = fopen(p, "w");
    if (!f) {
        perror(p);
        exit(2);
    }
    return f;
}

static inline void f_write_lat(FILE *f, const struct bquery *q, const double *us, int reps)
{
    fprintf(f, "%s\t%s\t", q->qid, q->cls);
    for (int k = 0; k < reps; k++)
        fprintf(f, "%s%.1f", k ? "," : "", us[k]);
    fputc('\n', f);
}

#endif
