/*
 * sqlite_bench.c - SQLite FTS5 driver for bench/run (the reference for every COUNT).  Table
 * t(title, body, published UNINDEXED) with tokenize='unicode61 remove_diacritics 0'; rowid =
 * document number + 1; BM25 ranking (ORDER BY rank).  File formats: bench/benchio.h.
 *
 *   sqlite_bench build DB docs.tsv        insert all in one transaction, then 'optimize'
 *   sqlite_bench query DB queries.tsv OUT.tsv WARMUP REPS
 *   sqlite_bench sizes DB                 bytes per table (dbstat) as JSON
 */
#include "../benchio.h"

#include <sqlite3.h>

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "sqlite_bench: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bench: %s: %s\n", sql, err);
        exit(1);
    }
}

static int cmd_build(const char *path, const char *docs)
{
    remove(path);
    if (sqlite3_open(path, &db))
        die("open");
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;");
    exec("CREATE VIRTUAL TABLE t USING fts5(title, body, published UNINDEXED, "
         "tokenize='unicode61 remove_diacritics 0')");
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body, published) VALUES(?,?,?,?)", -1,
                           &ins, NULL))
        die("prepare");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long ndoc = 0, bytes = 0;
    double w0 = b_now(), c0 = b_cpu();
    exec("BEGIN");
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d))
            return 1;
        sqlite3_bind_int64(ins, 1, ndoc + 1);
        sqlite3_bind_text(ins, 2, d.title, (int)d.ntitle, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, d.body, (int)d.nbody, SQLITE_STATIC);
        if (d.has_date)
            sqlite3_bind_int64(ins, 4, d.published);
        else
            sqlite3_bind_null(ins, 4);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("insert");
        sqlite3_reset(ins);
        bytes += (long long)(d.ntitle + d.nbody);
        ndoc++;
    }
    exec("COMMIT");
    double w1 = b_now(), c1 = b_cpu();
    exec("INSERT INTO t(t) VALUES('optimize')");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    double w2 = b_now(), c2 = b_cpu();
    sqlite3_finalize(ins);
    printf("{\"engine\": \"sqlite\", \"docs\": %lld, \"text_bytes\": %lld, \"wall_s\": %.3f, "
           "\"cpu_s\": %.3f, \"add_wall_s\": %.3f, \"add_cpu_s\": %.3f, "
           "\"commit_optimize_wall_s\": %.3f, \"maxrss_kb\": %ld, \"version\": \"%s\"}\n",
           ndoc, bytes, w2 - w0, c2 - c0, w1 - w0, c1 - c0, w2 - w1, b_maxrss_kb(),
           sqlite3_libversion());
    sqlite3_close(db);
    free(line);
    fclose(f);
    return 0;
}

/* FTS5's MATCH syntax: every word quoted, AND and NOT spelled out. */
static void match_expr(const struct bquery *q, char *out, size_t cap)
{
    static const struct b_syntax sx = {" AND ", " OR ", "\"", " NOT "};
    b_query_text(q, &sx, out, cap);
}

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL))
        die(sql);
    return s;
}

/* Run stmt for query q; returns microseconds.  mode 0 top10, 1 count, 2 snippets. */
static double run_one(sqlite3_stmt *s, const char *expr, const struct bquery *q, struct bres *r,
                      int mode, int record)
{
    double t0 = b_now();
    sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
    if (q->from || q->to) {
        sqlite3_bind_int64(s, 2, q->from);
        sqlite3_bind_int64(s, 3, q->to);
    }
    int rc, k = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (mode == 1)
            r->count = sqlite3_column_int64(s, 0);
        else if (mode == 0 && record && k < 10)
            r->top[k] = sqlite3_column_int64(s, 0) - 1;
        else if (mode == 2)
            (void)sqlite3_column_text(s, 1);
        k++;
    }
    if (rc != SQLITE_DONE)
        die(expr);
    sqlite3_reset(s);
    double t1 = b_now();
    if (mode == 0 && record)
        r->ntop = k < 10 ? k : 10;
    return (t1 - t0) * 1e6;
}

static int cmd_query(const char *path, const char *qpath, const char *out, int warmup, int reps)
{
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
        die("open");
    exec("PRAGMA cache_size=-262144");
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    struct bres *r = b_res_new(nq, reps);
    sqlite3_stmt *st[2][3];
    const char *date = " AND published BETWEEN ?2 AND ?3";
    for (int dt = 0; dt < 2; dt++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT rowid FROM t WHERE t MATCH ?1%s ORDER BY rank LIMIT 10",
                 dt ? date : "");
        st[dt][0] = prep(sql);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM t WHERE t MATCH ?1%s", dt ? date : "");
        st[dt][1] = prep(sql);
        snprintf(sql, sizeof sql,
                 "SELECT rowid, snippet(t, 1, '<mark>', '</mark>', '…', 30) FROM t "
                 "WHERE t MATCH ?1%s ORDER BY rank LIMIT 10",
                 dt ? date : "");
        st[dt][2] = prep(sql);
    }
    char(*expr)[1024] = malloc(sizeof *expr * (size_t)nq);
    for (int i = 0; i < nq; i++)
        match_expr(&qs[i], expr[i], sizeof expr[i]);
    for (int pass = 0; pass < warmup + reps; pass++) {
        int rep = pass - warmup;
        for (int i = 0; i < nq; i++) {
            int dt = qs[i].from || qs[i].to;
            double a = run_one(st[dt][0], expr[i], &qs[i], &r[i], 0, pass == 0);
            double b = run_one(st[dt][1], expr[i], &qs[i], &r[i], 1, pass == 0);
            double c = run_one(st[dt][2], expr[i], &qs[i], &r[i], 2, 0);
            if (rep >= 0) {
                r[i].lat_top[rep] = a;
                r[i].lat_count[rep] = b;
                r[i].lat_snip[rep] = c;
            }
        }
    }
    b_write_results(out, qs, nq, r, reps, 1);
    fprintf(stderr, "sqlite_bench: %d queries x %d reps, maxrss %ld kB\n", nq, reps, b_maxrss_kb());
    sqlite3_close(db);
    return 0;
}

static int cmd_sizes(const char *path)
{
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
        die("open");
    sqlite3_stmt *s = prep("SELECT name, sum(pgsize) FROM dbstat GROUP BY name");
    printf("{");
    int k = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        printf("%s\"%s\": %lld", k++ ? ", " : "", sqlite3_column_text(s, 0),
               sqlite3_column_int64(s, 1));
    printf("}\n");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "build"))
        return cmd_build(argv[2], argv[3]);
    if (argc >= 7 && !strcmp(argv[1], "query"))
        return cmd_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    if (argc >= 3 && !strcmp(argv[1], "sizes"))
        return cmd_sizes(argv[2]);
    fprintf(stderr, "usage: sqlite_bench build|query|sizes ...\n");
    return 2;
}
