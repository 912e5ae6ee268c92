/*
 * pg_facets.c - PostgreSQL side of the aggregation benchmark (bench/facets/run), through libpq.
 * The analysis is bench/peers/pg_bench.c's (included from it); the table is
 * docs(id, published, source, lang, year, day, tsv) with a GIN index on tsv (no positions: the
 * benchmark's queries are terms and ANDs), and one statement per query groups the GIN match four
 * ways, each match read once:
 *
 *   WITH j AS MATERIALIZED (SELECT source, lang, year, day FROM docs
 *                           WHERE tsv @@ $1::tsquery [AND published BETWEEN $2 AND $3])
 *   SELECT 1, source, count(*) FROM j GROUP BY 2 UNION ALL ... lang ... year ... day
 *
 *   pg_facets build CONNINFO docs.tsv sources.txt
 *   pg_facets query CONNINFO queries.tsv OUTBASE WARMUP REPS
 * Latency includes one libpq round trip over 127.0.0.1.
 */
#include "facets.h"

#pragma GCC diagnostic ignored "-Wunused-function"
#define main pg_bench_main
#include "../peers/pg_bench.c"
#undef main

static void raw(char **o, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n + len + 16 > *cap)
        *o = realloc(*o, *cap = (*n + len + 16) * 2);
    memcpy(*o + *n, s, len);
    *n += len;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(((const struct tp *)a)->t, ((const struct tp *)b)->t);
}

static int facets_build(const char *conn, const char *docs, const char *srcs)
{
    long long nsrc;
    char **src = f_read_sources(srcs, &nsrc);
    pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect");
    exec("DROP TABLE IF EXISTS docs");
    exec("CREATE TABLE docs(id int PRIMARY KEY, published bigint, source text, lang text, "
         "year text, day int, tsv tsvector)");
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    char *line = NULL, *o = NULL;
    size_t cap = 0, ocap = 0;
    ssize_t n;
    long long ndoc = 0;
    double w0 = b_now();
    exec("BEGIN");
    PGresult *r = PQexec(pg, "COPY docs FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die("copy");
    PQclear(r);
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d) || ndoc >= nsrc) {
            fprintf(stderr, "pg_facets: bad line %lld\n", ndoc);
            return 1;
        }
        ntoks = narena = 0;
        tokenize(d.title, d.ntitle, 1);
        tokenize(d.body, d.nbody, 1);
        for (size_t i = 0; i < ntoks; i++)
            toks[i].t = arena + (uintptr_t)toks[i].t;
        qsort(toks, ntoks, sizeof *toks, cmp_str);
        char num[128], y[16], day[40];
        int w;
        if (d.has_date) {
            f_year_day(d.published, y, day);
            w = snprintf(num, sizeof num, "%lld\t%lld\t", ndoc + 1, d.published);
        } else {
            w = snprintf(num, sizeof num, "%lld\t\\N\t", ndoc + 1);   /* COPY's NULL */
        }
        size_t on = 0;
        raw(&o, &on, &ocap, num, (size_t)w);
        put_esc(&o, &on, &ocap, src[ndoc], strlen(src[ndoc]));
        raw(&o, &on, &ocap, "\t", 1);
        put_esc(&o, &on, &ocap, d.lang, strlen(d.lang));
        if (d.has_date)
            w = snprintf(num, sizeof num, "\t%s\t%lld\t", y, f_daynum(d.published));
        else
            w = snprintf(num, sizeof num, "\tunknown\t\\N\t");
        raw(&o, &on, &ocap, num, (size_t)w);
        /* the terms, each once */
        for (size_t i = 0; i < ntoks; i++) {
            if (i && !strcmp(toks[i].t, toks[i - 1].t))
                continue;
            put_esc(&o, &on, &ocap, i ? " '" : "'", i ? 2 : 1);
            put_esc(&o, &on, &ocap, toks[i].t, strlen(toks[i].t));
            put_esc(&o, &on, &ocap, "'", 1);
        }
        o[on++] = '\n';
        if (PQputCopyData(pg, o, (int)on) != 1)
            die("copy data");
        ndoc++;
    }
    if (PQputCopyEnd(pg, NULL) != 1)
        die("copy end");
    r = PQgetResult(pg);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("copy result");
    PQclear(r);
    exec("CREATE INDEX docs_tsv ON docs USING gin(tsv)");
    exec("COMMIT");
    exec("ANALYZE docs");
    exec("CHECKPOINT");
    printf("{\"engine\": \"postgres\", \"docs\": %lld, \"wall_s\": %.3f, \"version\": \"%d\"}\n",
           ndoc, b_now() - w0, PQserverVersion(pg));
    PQfinish(pg);
    fclose(f);
    return 0;
}

static int facets_query(const char *conn, const char *qpath, const char *outbase, int warm, int reps)
{
    pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect");
    for (int dt = 0; dt < 2; dt++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "WITH j AS MATERIALIZED (SELECT source, lang, year, day FROM docs "
                 "WHERE tsv @@ $1::tsquery%s) "
                 "SELECT 1, source, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 2, lang, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 3, year, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 4, day::text, count(*) FROM j WHERE day IS NOT NULL GROUP BY 2",
                 dt ? " AND published BETWEEN $2 AND $3" : "");
        PGresult *r = PQprepare(pg, dt ? "fd" : "f", sql, dt ? 3 : 1, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die(sql);
        PQclear(r);
    }
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    FILE *lat = f_open_out(outbase, ".lat.tsv"), *cnt = f_open_out(outbase, ".counts.tsv");
    double *us = calloc((size_t)reps, sizeof *us);
    static const char *names[5] = {"", "source", "lang", "year", "day"};
    for (int i = 0; i < nq; i++) {
        const struct bquery *q = &qs[i];
        char tq[2048], from[32], to[32];
        size_t k = 0;
        for (int t = 0; t < q->nterms && k < sizeof tq; t++)
            k += (size_t)snprintf(tq + k, sizeof tq - k, "%s'%s'", t ? " & " : "", q->terms[t]);
        snprintf(from, sizeof from, "%lld", q->from);
        snprintf(to, sizeof to, "%lld", q->to);
        int dt = q->from || q->to;
        const char *params[3] = {tq, from, to};
        for (int pass = 0; pass < warm + reps; pass++) {
            double t0 = b_now();
            PGresult *r = PQexecPrepared(pg, dt ? "fd" : "f", dt ? 3 : 1, params, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK)
                die(tq);
            int nr = PQntuples(r);
            long long total = 0;
            for (int row = 0; row < nr; row++)
                if (atoi(PQgetvalue(r, row, 0)) == 3)
                    total += atoll(PQgetvalue(r, row, 2));
            double t1 = b_now();
            if (pass == 0) {
                for (int row = 0; row < nr; row++) {
                    int fc = atoi(PQgetvalue(r, row, 0));
                    char day[40];
                    const char *v = PQgetvalue(r, row, 1);
                    if (fc == 4) {
                        f_daynum_str(atoll(v), day);
                        v = day;
                    }
                    fprintf(cnt, "%s\t%s\t%s\t%s\n", q->qid, names[fc], v, PQgetvalue(r, row, 2));
                }
                fprintf(cnt, "%s\ttotal\t\t%lld\n", q->qid, total);
            }
            PQclear(r);
            if (pass >= warm)
                us[pass - warm] = (t1 - t0) * 1e6;
        }
        f_write_lat(lat, q, us, reps);
    }
    fclose(lat);
    fclose(cnt);
    fprintf(stderr, "pg_facets: %d queries x %d reps\n", nq, reps);
    PQfinish(pg);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "build"))
        return facets_build(argv[2], argv[3], argv[4]);
    if (argc >= 7 && !strcmp(argv[1], "query"))
        return facets_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: pg_facets build CONNINFO docs.tsv sources.txt | query CONNINFO queries.tsv OUTBASE WARMUP REPS\n");
    return 2;
}
