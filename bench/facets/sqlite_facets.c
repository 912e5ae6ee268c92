/*
 * sqlite_facets.c - SQLite FTS5 side of the aggregation benchmark (bench/facets/run).  The text
 * table is bench/peers/sqlite_bench.c's t(title, body, published UNINDEXED) (so bench/mkqueries
 * reads it); the values live in an ordinary table meta(id, published, source, lang, year, day)
 * keyed by the same rowid, and one statement per query joins the match to it and groups it four
 * ways (GROUP BY over the match, each match read once):
 *
 *   WITH j AS MATERIALIZED (SELECT meta.* FROM t JOIN meta ON meta.id = t.rowid
 *                           WHERE t MATCH ?1 [AND meta.published BETWEEN ?2 AND ?3])
 *   SELECT 'source', source, count(*) FROM j GROUP BY 2 UNION ALL ... lang ... year ... day
 *
 *   sqlite_facets build DB docs.tsv sources.txt
 *   sqlite_facets query DB queries.tsv OUTBASE WARMUP REPS
 */
#include "facets.h"

#include <sqlite3.h>

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "sqlite_facets: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite_facets: %s: %s\n", sql, err);
        exit(1);
    }
}

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL))
        die(sql);
    return s;
}

static int cmd_build(const char *path, const char *docs, const char *srcs)
{
    remove(path);
    if (sqlite3_open(path, &db))
        die("open");
    long long nsrc;
    char **src = f_read_sources(srcs, &nsrc);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;");
    exec("CREATE VIRTUAL TABLE t USING fts5(title, body, published UNINDEXED, "
         "tokenize='unicode61 remove_diacritics 0')");
    exec("CREATE TABLE meta(id INTEGER PRIMARY KEY, published INTEGER, source TEXT, lang TEXT, "
         "year TEXT, day INTEGER)");
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    sqlite3_stmt *ins = prep("INSERT INTO t(rowid, title, body, published) VALUES(?,?,?,?)");
    sqlite3_stmt *im = prep("INSERT INTO meta VALUES(?,?,?,?,?,?)");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long ndoc = 0;
    double w0 = b_now();
    exec("BEGIN");
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d) || ndoc >= nsrc) {
            fprintf(stderr, "sqlite_facets: bad line %lld\n", ndoc);
            return 1;
        }
        sqlite3_bind_int64(ins, 1, ndoc + 1);
        sqlite3_bind_text(ins, 2, d.title, (int)d.ntitle, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, d.body, (int)d.nbody, SQLITE_STATIC);
        sqlite3_bind_int64(im, 1, ndoc + 1);
        sqlite3_bind_text(im, 3, src[ndoc], -1, SQLITE_STATIC);
        sqlite3_bind_text(im, 4, d.lang, -1, SQLITE_TRANSIENT);
        if (d.has_date) {
            char y[16], day[40];
            f_year_day(d.published, y, day);
            sqlite3_bind_int64(ins, 4, d.published);
            sqlite3_bind_int64(im, 2, d.published);
            sqlite3_bind_text(im, 5, y, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(im, 6, f_daynum(d.published));
        } else {
            sqlite3_bind_null(ins, 4);
            sqlite3_bind_null(im, 2);
            sqlite3_bind_text(im, 5, "unknown", -1, SQLITE_STATIC);
            sqlite3_bind_null(im, 6);
        }
        if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(im) != SQLITE_DONE)
            die("insert");
        sqlite3_reset(ins);
        sqlite3_reset(im);
        ndoc++;
    }
    exec("COMMIT");
    exec("INSERT INTO t(t) VALUES('optimize')");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    printf("{\"engine\": \"sqlite\", \"docs\": %lld, \"wall_s\": %.3f, \"version\": \"%s\"}\n",
           ndoc, b_now() - w0, sqlite3_libversion());
    sqlite3_finalize(ins);
    sqlite3_finalize(im);
    sqlite3_close(db);
    fclose(f);
    return 0;
}

/* The FTS5 expression of q (term, and; the date range is bound separately). */
static void match_expr(const struct bquery *q, char *out, size_t cap)
{
    size_t k = 0;
    for (int i = 0; i < q->nterms && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s\"%s\"", i ? " AND " : "", q->terms[i]);
}

static int cmd_query(const char *path, const char *qpath, const char *outbase, int warm, int reps)
{
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
        die("open");
    exec("PRAGMA cache_size=-262144");
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    sqlite3_stmt *st[2];
    for (int dt = 0; dt < 2; dt++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "WITH j AS MATERIALIZED (SELECT meta.* FROM t JOIN meta ON meta.id = t.rowid "
                 "WHERE t MATCH ?1%s) "
                 "SELECT 'source', source, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 'lang', lang, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 'year', year, count(*) FROM j GROUP BY 2 "
                 "UNION ALL SELECT 'day', day, count(*) FROM j WHERE day IS NOT NULL GROUP BY 2",
                 dt ? " AND meta.published BETWEEN ?2 AND ?3" : "");
        st[dt] = prep(sql);
    }
    FILE *lat = f_open_out(outbase, ".lat.tsv"), *cnt = f_open_out(outbase, ".counts.tsv");
    double *us = calloc((size_t)reps, sizeof *us);
    for (int i = 0; i < nq; i++) {
        const struct bquery *q = &qs[i];
        char expr[2048];
        match_expr(q, expr, sizeof expr);
        int dt = q->from || q->to;
        sqlite3_stmt *s = st[dt];
        for (int pass = 0; pass < warm + reps; pass++) {
            int record = pass == 0;
            long long total = 0;
            double t0 = b_now();
            sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
            if (dt) {
                sqlite3_bind_int64(s, 2, q->from);
                sqlite3_bind_int64(s, 3, q->to);
            }
            int rc;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
                const char *facet = (const char *)sqlite3_column_text(s, 0);
                long long c = sqlite3_column_int64(s, 2);
                if (record) {
                    char day[40];
                    const char *v = (const char *)sqlite3_column_text(s, 1);
                    if (!strcmp(facet, "day")) {
                        f_daynum_str(sqlite3_column_int64(s, 1), day);
                        v = day;
                    }
                    if (!strcmp(facet, "year"))
                        total += c;
                    fprintf(cnt, "%s\t%s\t%s\t%lld\n", q->qid, facet, v ? v : "", c);
                }
            }
            if (rc != SQLITE_DONE)
                die(expr);
            sqlite3_reset(s);
            double t1 = b_now();
            if (record)
                fprintf(cnt, "%s\ttotal\t\t%lld\n", q->qid, total);
            if (pass >= warm)
                us[pass - warm] = (t1 - t0) * 1e6;
        }
        f_write_lat(lat, q, us, reps);
    }
    fclose(lat);
    fclose(cnt);
    fprintf(stderr, "sqlite_facets: %d queries x %d reps, maxrss %ld kB\n", nq, reps, b_maxrss_kb());
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "build"))
        return cmd_build(argv[2], argv[3], argv[4]);
    if (argc >= 7 && !strcmp(argv[1], "query"))
        return cmd_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: sqlite_facets build DB docs.tsv sources.txt | query DB queries.tsv OUTBASE WARMUP REPS\n");
    return 2;
}
