/*
 * xapian_facets.cc - Xapian side of the aggregation benchmark (bench/facets/run).  The terms are
 * those of bench/peers/xapian_bench.cc (its analysis, included from it); value slots 0 published (sortable_serialise), 1 source, 2 lang,
 * 3 year ("unknown" when undated), 4 day (YYYY-MM-DD, none when undated).  One get_mset per
 * query with a ValueCountMatchSpy per slot 1-4 and check_at_least = the database size, so the
 * spies see every match.
 *
 *   xapian_facets build DBDIR docs.tsv sources.txt
 *   xapian_facets query DBDIR queries.tsv OUTBASE WARMUP REPS
 */
extern "C" {
#include "facets.h"
}
/* the analysis of the search benchmark's driver, by inclusion (its main renamed) */
#pragma GCC diagnostic ignored "-Wunused-function"
#define main xapian_bench_main
#include "../peers/xapian_bench.cc"
#undef main

static int facets_build(const char *path, const char *docs, const char *srcs)
{
    long long nsrc;
    char **src = f_read_sources(srcs, &nsrc);
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long ndoc = 0;
    double w0 = b_now();
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d) || ndoc >= nsrc) {
            fprintf(stderr, "xapian_facets: bad line %lld\n", ndoc);
            return 1;
        }
        Xapian::Document doc;
        unsigned t = tokenize(d.title, d.ntitle, 1, doc);
        tokenize(d.body, d.nbody, t ? t + 2 : 1, doc);
        doc.add_value(1, src[ndoc]);
        doc.add_value(2, d.lang);
        if (d.has_date) {
            char y[16], day[40];
            f_year_day(d.published, y, day);
            doc.add_value(0, Xapian::sortable_serialise((double)d.published));
            doc.add_value(3, y);
            doc.add_value(4, day);
        } else {
            doc.add_value(3, "unknown");
        }
        db.replace_document((Xapian::docid)(ndoc + 1), doc);
        ndoc++;
    }
    db.commit();
    db.close();
    printf("{\"engine\": \"xapian\", \"docs\": %lld, \"wall_s\": %.3f, \"version\": \"%s\"}\n",
           ndoc, b_now() - w0, Xapian::version_string());
    free(line);
    fclose(f);
    return 0;
}

static Xapian::Query facets_query_of(const struct bquery *q)
{
    std::vector<std::string> ts(q->terms, q->terms + q->nterms);
    Xapian::Query x(Xapian::Query::OP_AND, ts.begin(), ts.end());
    if (q->from || q->to)
        x = Xapian::Query(Xapian::Query::OP_FILTER, x,
                          Xapian::Query(Xapian::Query::OP_VALUE_RANGE, 0,
                                        Xapian::sortable_serialise((double)q->from),
                                        Xapian::sortable_serialise((double)q->to)));
    return x;
}

static int facets_query(const char *path, const char *qpath, const char *outbase, int warm, int reps)
{
    Xapian::Database db(path);
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BoolWeight());   /* counting: no scores needed */
    Xapian::doccount N = db.get_doccount();
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    FILE *lat = f_open_out(outbase, ".lat.tsv"), *cnt = f_open_out(outbase, ".counts.tsv");
    std::vector<double> us((size_t)reps);
    static const char *names[5] = {"", "source", "lang", "year", "day"};
    for (int i = 0; i < nq; i++) {
        const struct bquery *q = &qs[i];
        for (int pass = 0; pass < warm + reps; pass++) {
            double t0 = b_now();
            Xapian::ValueCountMatchSpy spy[5] = {Xapian::ValueCountMatchSpy(0),
                Xapian::ValueCountMatchSpy(1), Xapian::ValueCountMatchSpy(2),
                Xapian::ValueCountMatchSpy(3), Xapian::ValueCountMatchSpy(4)};
            enq.clear_matchspies();
            for (int s = 1; s <= 4; s++)
                enq.add_matchspy(&spy[s]);
            enq.set_query(facets_query_of(q));
            Xapian::MSet m = enq.get_mset(0, 0, N);
            long long total = 0;
            for (int s = 1; s <= 4; s++)
                for (Xapian::TermIterator it = spy[s].values_begin(); it != spy[s].values_end(); ++it)
                    if (s == 3)
                        total += it.get_termfreq();
            double t1 = b_now();
            if (pass == 0) {
                for (int s = 1; s <= 4; s++)
                    for (Xapian::TermIterator it = spy[s].values_begin(); it != spy[s].values_end(); ++it)
                        fprintf(cnt, "%s\t%s\t%s\t%u\n", q->qid, names[s], (*it).c_str(),
                                it.get_termfreq());
                fprintf(cnt, "%s\ttotal\t\t%lld\n", q->qid, total);
                if (m.get_matches_lower_bound() != m.get_matches_upper_bound())
                    fprintf(stderr, "xapian_facets: %s count not exact\n", q->qid);
            }
            enq.clear_matchspies();
            if (pass >= warm)
                us[(size_t)(pass - warm)] = (t1 - t0) * 1e6;
        }
        f_write_lat(lat, q, us.data(), reps);
    }
    fclose(lat);
    fclose(cnt);
    fprintf(stderr, "xapian_facets: %d queries x %d reps, maxrss %ld kB\n", nq, reps, b_maxrss_kb());
    return 0;
}

int main(int argc, char **argv)
{
    try {
        if (argc >= 5 && !strcmp(argv[1], "build"))
            return facets_build(argv[2], argv[3], argv[4]);
        if (argc >= 7 && !strcmp(argv[1], "query"))
            return facets_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "xapian_facets: %s\n", e.get_description().c_str());
        return 1;
    }
    fprintf(stderr, "usage: xapian_facets build DBDIR docs.tsv sources.txt | query DBDIR queries.tsv OUTBASE WARMUP REPS\n");
    return 2;
}
