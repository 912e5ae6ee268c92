/*
 * pg_bench.c - PostgreSQL (GIN over tsvector) driver for bench/run, through libpq.  PostgreSQL's
 * text-search parser has its own word rules (hyphenated words, e-mails, URLs, numbers with dots),
 * so the driver does the simple analysis itself (utf8proc: lower-cased runs of letters, digits,
 * private use, plus the combining diacritics SQLite unicode61 keeps inside words) and loads each
 * document's tsvector literally ('term':pos,...; title from 1, body after a one-position gap).
 * Table docs(id, published, title, body, tsv); GIN index on tsv built after COPY.  PostgreSQL
 * limits: positions above 16383 are stored as 16383 and at most 256 positions per term and
 * document are kept (both affect phrase matching in very long documents only).
 *
 *   pg_bench build CONNINFO docs.tsv     prints JSON incl. the backend's CPU seconds
 *   pg_bench query CONNINFO queries.tsv OUT.tsv WARMUP REPS
 *   pg_bench sizes CONNINFO
 * Query latency includes one libpq round trip over 127.0.0.1 (about 30-60 us).
 */
#include "../benchio.h"

#include <libpq-fe.h>
#include <utf8proc.h>

static PGconn *pg;

static void die(const char *what)
{
    fprintf(stderr, "pg_bench: %s: %s\n", what, PQerrorMessage(pg));
    exit(1);
}

static void exec(const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die(sql);
    PQclear(r);
}

static double backend_cpu(int pid)
{
    char p[64], buf[1024];
    snprintf(p, sizeof p, "/proc/%d/stat", pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    /* fields after ")": state(3) ... utime(14) stime(15) */
    if (s)
        sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / 100.0;
}

static int is_word(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
        return 1;
    default:
        return 0;
    }
}

static int is_diacritic(utf8proc_int32_t cp)
{
    static const unsigned char bits[7] = {0xDF, 0x9F, 0x02, 0x08, 0xF8, 0x61, 0x03};
    if (cp < 0x300 || cp > 0x331)
        return 0;
    unsigned k = (unsigned)cp - 0x300;
    return (bits[k >> 3] >> (k & 7)) & 1;
}

struct tp {
    char *t;
    unsigned pos;
};
static struct tp *toks;
static size_t ntoks, captoks;
static char *arena;
static size_t narena, caparena;

static void add_tok(const char *t, size_t n, unsigned pos)
{
    if (n > 64) { /* as newsdex */
        n = 64;
        while (n > 0 && (t[n] & 0xC0) == 0x80)
            n--;
    }
    if (narena + n + 1 > caparena)
        arena = realloc(arena, caparena = (narena + n + 1) * 2 + 4096);
    if (ntoks == captoks)
        toks = realloc(toks, sizeof *toks * (captoks = captoks * 2 + 1024));
    memcpy(arena + narena, t, n);
    arena[narena + n] = 0;
    toks[ntoks].t = (char *)(uintptr_t)narena; /* offset until the arena stops moving */
    toks[ntoks].pos = pos > 16383 ? 16383 : pos;
    ntoks++;
    narena += n + 1;
}

static unsigned tokenize(const char *s, size_t n, unsigned pos)
{
    char cur[4096];
    size_t k = 0;
    unsigned p = pos;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t len =
            utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len <= 0) {
            len = 1;
            cp = -1;
        }
        i += (size_t)len;
        if (cp >= 0 && (is_word(cp) || (k && is_diacritic(cp)))) {
            utf8proc_int32_t lo = cp == 0x130 ? cp : utf8proc_tolower(cp);
            if (k + 4 < sizeof cur)
                k += (size_t)utf8proc_encode_char(lo, (uint8_t *)cur + k);
        } else if (k) {
            add_tok(cur, k, p++);
            k = 0;
        }
    }
    if (k)
        add_tok(cur, k, p++);
    return p - pos;
}

static int cmp_tp(const void *a, const void *b)
{
    const struct tp *x = a, *y = b;
    int c = strcmp(x->t, y->t);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static void put_esc(char **o, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n + 2 * len + 16 > *cap)
        *o = realloc(*o, *cap = (*n + 2 * len + 16) * 2);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            (*o)[(*n)++] = '\\';
            c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c;
        }
        (*o)[(*n)++] = c;
    }
}

static int cmd_build(const char *conn, const char *docs)
{
    pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect");
    int bpid = PQbackendPID(pg);
    exec("DROP TABLE IF EXISTS docs");
    exec("CREATE TABLE docs(id int PRIMARY KEY, published bigint, title text, body text, "
         "tsv tsvector)");
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    char *line = NULL, *o = NULL;
    size_t cap = 0, ocap = 0;
    ssize_t n;
    long long ndoc = 0, bytes = 0;
    double w0 = b_now(), c0 = b_cpu(), b0 = backend_cpu(bpid);
    exec("BEGIN");
    PGresult *r = PQexec(pg, "COPY docs FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die("copy");
    PQclear(r);
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d))
            return 1;
        ntoks = narena = 0;
        unsigned t = tokenize(d.title, d.ntitle, 1);
        tokenize(d.body, d.nbody, t ? t + 2 : 1);
        for (size_t i = 0; i < ntoks; i++)
            toks[i].t = arena + (uintptr_t)toks[i].t;
        qsort(toks, ntoks, sizeof *toks, cmp_tp);
        size_t on = 0;
        char num[64];
        int w = snprintf(num, sizeof num, "%lld", ndoc + 1);
        put_esc(&o, &on, &ocap, num, (size_t)w);
        o[on++] = '\t';
        if (d.has_date)
            w = snprintf(num, sizeof num, "%lld", d.published);
        else
            w = snprintf(num, sizeof num, "\\N"); /* COPY's NULL */
        memcpy(o + on, num, (size_t)w);           /* room: put_esc keeps 16 spare bytes */
        on += (size_t)w;
        o[on++] = '\t';
        put_esc(&o, &on, &ocap, d.title, d.ntitle);
        o[on++] = '\t';
        put_esc(&o, &on, &ocap, d.body, d.nbody);
        o[on++] = '\t';
        for (size_t i = 0, npos = 0; i < ntoks; i++) {
            int first = i == 0 || strcmp(toks[i].t, toks[i - 1].t) != 0;
            if (first) {
                npos = 0;
                put_esc(&o, &on, &ocap, i ? " '" : "'", i ? 2 : 1);
                put_esc(&o, &on, &ocap, toks[i].t, strlen(toks[i].t));
                put_esc(&o, &on, &ocap, "':", 2);
            } else if (toks[i].pos == toks[i - 1].pos || npos >= 256) {
                continue;
            } else {
                put_esc(&o, &on, &ocap, ",", 1);
            }
            w = snprintf(num, sizeof num, "%u", toks[i].pos);
            put_esc(&o, &on, &ocap, num, (size_t)w);
            npos++;
        }
        o[on++] = '\n';
        if (PQputCopyData(pg, o, (int)on) != 1)
            die("copy data");
        bytes += (long long)(d.ntitle + d.nbody);
        ndoc++;
    }
    if (PQputCopyEnd(pg, NULL) != 1)
        die("copy end");
    r = PQgetResult(pg);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("copy result");
    PQclear(r);
    double w1 = b_now(), c1 = b_cpu(), b1 = backend_cpu(bpid);
    exec("CREATE INDEX docs_tsv ON docs USING gin(tsv)");
    exec("COMMIT");
    exec("ANALYZE docs");
    exec("CHECKPOINT");
    double w2 = b_now(), c2 = b_cpu(), b2 = backend_cpu(bpid);
    printf("{\"engine\": \"postgres\", \"docs\": %lld, \"text_bytes\": %lld, \"wall_s\": %.3f, "
           "\"cpu_s\": %.3f, \"client_cpu_s\": %.3f, \"backend_cpu_s\": %.3f, "
           "\"add_wall_s\": %.3f, \"add_cpu_s\": %.3f, \"commit_optimize_wall_s\": %.3f, "
           "\"client_maxrss_kb\": %ld, \"version\": \"%d\"}\n",
           ndoc, bytes, w2 - w0, (c2 - c0) + (b2 - b0), c2 - c0, b2 - b0, w1 - w0,
           (c1 - c0) + (b1 - b0), w2 - w1, b_maxrss_kb(), PQserverVersion(pg));
    PQfinish(pg);
    return 0;
}

static void tsquery(const struct bquery *q, char *out, size_t cap)
{
    size_t k = 0;
#define PUT(...) k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, __VA_ARGS__)
    const char *op = !strcmp(q->op, "phrase") ? " <-> " : !strcmp(q->op, "or") ? " | " : " & ";
    if (!strcmp(q->op, "phraseor")) { /* ('a' <-> 'b') | ('c' <-> 'd') ... */
        PUT("(");
        for (int i = 0; i < q->nterms; i++) {
            int bar = !strcmp(q->terms[i], "|");
            if (bar)
                PUT(") | (");
            else
                PUT("%s'%s'", i && strcmp(q->terms[i - 1], "|") ? " <-> " : "", q->terms[i]);
        }
        PUT(")");
    } else {
        PUT("(");
        for (int i = 0; i < q->nterms; i++)
            PUT("%s'%s'", i ? op : "", q->terms[i]);
        PUT(")");
    }
    for (int i = 0; i < q->nnot; i++)
        PUT(" & !'%s'", q->nots[i]);
#undef PUT
}

static double run_one(int stmt, const char *tq, const struct bquery *q, struct bres *r, int record)
{
    char from[32], to[32];
    snprintf(from, sizeof from, "%lld", q->from);
    snprintf(to, sizeof to, "%lld", q->to);
    const char *params[3] = {tq, from, to};
    int dt = q->from || q->to;
    const char *name[2][2] = {{"top", "cnt"}, {"topd", "cntd"}};
    double t0 = b_now();
    PGresult *res = PQexecPrepared(pg, name[dt][stmt], dt ? 3 : 1, params, NULL, NULL, 0);
    double t1 = b_now();
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        die(tq);
    if (record) {
        if (stmt == 1)
            r->count = atoll(PQgetvalue(res, 0, 0));
        else {
            r->ntop = PQntuples(res) < 10 ? PQntuples(res) : 10;
            for (int i = 0; i < r->ntop; i++)
                r->top[i] = atoll(PQgetvalue(res, i, 0)) - 1;
        }
    }
    PQclear(res);
    return (t1 - t0) * 1e6;
}

static void prepare(const char *name, const char *sql, int np)
{
    PGresult *r = PQprepare(pg, name, sql, np, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(sql);
    PQclear(r);
}

static int cmd_query(const char *conn, const char *qpath, const char *out, int warmup, int reps)
{
    pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect");
    exec("SET max_parallel_workers_per_gather = 0");
    prepare("top",
            "SELECT id FROM docs WHERE tsv @@ $1::tsquery "
            "ORDER BY ts_rank(tsv, $1::tsquery) DESC, id LIMIT 10",
            1);
    prepare("cnt", "SELECT count(*) FROM docs WHERE tsv @@ $1::tsquery", 1);
    prepare("topd",
            "SELECT id FROM docs WHERE tsv @@ $1::tsquery AND published BETWEEN $2 AND $3 "
            "ORDER BY ts_rank(tsv, $1::tsquery) DESC, id LIMIT 10",
            3);
    prepare("cntd",
            "SELECT count(*) FROM docs WHERE tsv @@ $1::tsquery "
            "AND published BETWEEN $2 AND $3",
            3);
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    struct bres *r = b_res_new(nq, reps);
    char(*tq)[1024] = malloc(sizeof *tq * (size_t)nq);
    for (int i = 0; i < nq; i++)
        tsquery(&qs[i], tq[i], sizeof tq[i]);
    for (int pass = 0; pass < warmup + reps; pass++) {
        int rep = pass - warmup;
        for (int i = 0; i < nq; i++) {
            double a = run_one(0, tq[i], &qs[i], &r[i], pass == 0);
            double b = run_one(1, tq[i], &qs[i], &r[i], pass == 0);
            if (rep >= 0) {
                r[i].lat_top[rep] = a;
                r[i].lat_count[rep] = b;
            }
        }
    }
    b_write_results(out, qs, nq, r, reps, 0);
    fprintf(stderr, "pg_bench: %d queries x %d reps\n", nq, reps);
    PQfinish(pg);
    return 0;
}

static int cmd_sizes(const char *conn)
{
    pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect");
    PGresult *r = PQexec(pg, "SELECT pg_relation_size('docs_tsv'), pg_table_size('docs'), "
                             "pg_total_relation_size('docs'), sum(pg_column_size(tsv)), "
                             "sum(pg_column_size(title) + pg_column_size(body)) FROM docs");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        die("sizes");
    printf("{\"gin_index\": %s, \"table_with_toast\": %s, \"total\": %s, \"tsv_column\": %s, "
           "\"text_columns\": %s}\n",
           PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
           PQgetvalue(r, 0, 4));
    PQclear(r);
    PQfinish(pg);
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
    fprintf(stderr, "usage: pg_bench build|query|sizes CONNINFO ...\n");
    return 2;
}
