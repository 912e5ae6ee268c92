/*
 * xapian_bench.cc - Xapian driver for bench/run.  Xapian's TermGenerator has its own word rules,
 * so the driver does the simple analysis itself (lower-cased runs of Unicode letters/digits/private
 * use, plus the combining diacritics SQLite unicode61 keeps inside words), with Xapian's own
 * Unicode tables (Xapian::Unicode), and adds the postings with positions: title from 1, body after
 * a gap of one position (no phrase across the two).  docid = document number + 1; value slot 0 =
 * published (sortable_serialise); document data = title "\n" body; BM25 ranking.
 *
 *   xapian_bench build DBDIR docs.tsv
 *   xapian_bench query DBDIR queries.tsv OUT.tsv WARMUP REPS
 */
extern "C" {
#include "../benchio.h"
}
#include <xapian.h>

#include <string>
#include <vector>

static bool is_word(unsigned ch)
{
    switch (Xapian::Unicode::get_category(ch)) {
    case Xapian::Unicode::UPPERCASE_LETTER:
    case Xapian::Unicode::LOWERCASE_LETTER:
    case Xapian::Unicode::TITLECASE_LETTER:
    case Xapian::Unicode::MODIFIER_LETTER:
    case Xapian::Unicode::OTHER_LETTER:
    case Xapian::Unicode::DECIMAL_DIGIT_NUMBER:
    case Xapian::Unicode::LETTER_NUMBER:
    case Xapian::Unicode::OTHER_NUMBER:
    case Xapian::Unicode::PRIVATE_USE:
        return true;
    default:
        return false;
    }
}

static bool is_diacritic(unsigned cp)
{
    static const unsigned char bits[7] = {0xDF, 0x9F, 0x02, 0x08, 0xF8, 0x61, 0x03};
    if (cp < 0x300 || cp > 0x331)
        return false;
    unsigned k = cp - 0x300;
    return (bits[k >> 3] >> (k & 7)) & 1;
}

/* Simple analysis of [s, s+n): appends terms, returns the number of positions used. */
static unsigned tokenize(const char *s, size_t n, unsigned pos, Xapian::Document &doc)
{
    Xapian::Utf8Iterator it(s, n), end;
    std::string cur;
    unsigned p = pos;
    auto flush = [&]() {
        if (!cur.empty()) {
            if (cur.size() > 64) {   /* as newsdex; Xapian refuses terms > 245 bytes */
                size_t m = 64;
                while (m > 0 && (cur[m] & 0xC0) == 0x80)
                    m--;
                cur.resize(m);
            }
            doc.add_posting(cur, p++);
            cur.clear();
        }
    };
    for (; it != end; ++it) {
        unsigned ch = *it;
        if (ch == 0x130) {   /* as SQLite: its lower case is two characters */
            Xapian::Unicode::append_utf8(cur, ch);
        } else if (is_word(ch) || (!cur.empty() && is_diacritic(ch))) {
            Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(ch));
        } else {
            flush();
        }
    }
    flush();
    return p - pos;
}

static int cmd_build(const char *path, const char *docs)
{
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
    FILE *f = fopen(docs, "r");
    if (!f) {
        perror(docs);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long ndoc = 0, bytes = 0;
    double w0 = b_now(), c0 = b_cpu();
    while ((n = getline(&line, &cap, f)) > 0) {
        struct bdoc d;
        if (b_parse_doc(line, (size_t)n, &d))
            return 1;
        Xapian::Document doc;
        unsigned t = tokenize(d.title, d.ntitle, 1, doc);
        tokenize(d.body, d.nbody, t ? t + 2 : 1, doc);
        if (d.has_date)
            doc.add_value(0, Xapian::sortable_serialise((double)d.published));
        std::string data(d.title, d.ntitle);
        data += '\n';
        data.append(d.body, d.nbody);
        doc.set_data(data);
        db.replace_document((Xapian::docid)(ndoc + 1), doc);
        bytes += (long long)(d.ntitle + d.nbody);
        ndoc++;
    }
    double w1 = b_now(), c1 = b_cpu();
    db.commit();
    db.close();
    double w2 = b_now(), c2 = b_cpu();
    printf("{\"engine\": \"xapian\", \"docs\": %lld, \"text_bytes\": %lld, \"wall_s\": %.3f, "
           "\"cpu_s\": %.3f, \"add_wall_s\": %.3f, \"add_cpu_s\": %.3f, "
           "\"commit_optimize_wall_s\": %.3f, \"maxrss_kb\": %ld, \"version\": \"%s\"}\n",
           ndoc, bytes, w2 - w0, c2 - c0, w1 - w0, c1 - c0, w2 - w1, b_maxrss_kb(),
           Xapian::version_string());
    free(line);
    fclose(f);
    return 0;
}

static Xapian::Query make_query(const struct bquery *q)
{
    std::vector<std::string> ts(q->terms, q->terms + q->nterms);
    Xapian::Query x;
    if (!strcmp(q->op, "phrase"))
        x = Xapian::Query(Xapian::Query::OP_PHRASE, ts.begin(), ts.end(), ts.size());
    else if (!strcmp(q->op, "phraseor")) { /* phrases separated by "|" terms, ORed */
        std::vector<Xapian::Query> subs;
        std::vector<std::string> cur;
        for (size_t i = 0; i <= ts.size(); i++) {
            if (i == ts.size() || ts[i] == "|") {
                subs.push_back(Xapian::Query(Xapian::Query::OP_PHRASE, cur.begin(), cur.end(),
                                             cur.size()));
                cur.clear();
            } else {
                cur.push_back(ts[i]);
            }
        }
        x = Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
    } else if (!strcmp(q->op, "or"))
        x = Xapian::Query(Xapian::Query::OP_OR, ts.begin(), ts.end());
    else
        x = Xapian::Query(Xapian::Query::OP_AND, ts.begin(), ts.end());
    if (q->nnot) {
        std::vector<std::string> ns(q->nots, q->nots + q->nnot);
        x = Xapian::Query(Xapian::Query::OP_AND_NOT, x,
                          Xapian::Query(Xapian::Query::OP_OR, ns.begin(), ns.end()));
    }
    if (q->from || q->to)
        x = Xapian::Query(Xapian::Query::OP_FILTER, x,
                          Xapian::Query(Xapian::Query::OP_VALUE_RANGE, 0,
                                        Xapian::sortable_serialise((double)q->from),
                                        Xapian::sortable_serialise((double)q->to)));
    return x;
}

static int cmd_query(const char *path, const char *qpath, const char *out, int warmup, int reps)
{
    Xapian::Database db(path);
    Xapian::Enquire enq(db);
    Xapian::doccount N = db.get_doccount();
    int nq;
    struct bquery *qs = b_read_queries(qpath, &nq);
    struct bres *r = b_res_new(nq, reps);
    for (int pass = 0; pass < warmup + reps; pass++) {
        int rep = pass - warmup;
        for (int i = 0; i < nq; i++) {
            double t0 = b_now();
            Xapian::Query x = make_query(&qs[i]);
            enq.set_query(x);
            Xapian::MSet m = enq.get_mset(0, 10);
            double t1 = b_now();
            if (pass == 0) {
                r[i].ntop = 0;
                for (Xapian::MSetIterator it = m.begin(); it != m.end() && r[i].ntop < 10; ++it)
                    r[i].top[r[i].ntop++] = (long long)*it - 1;
            }
            double t2 = b_now();
            enq.set_query(make_query(&qs[i]));
            Xapian::MSet c = enq.get_mset(0, 0, N);
            long long cnt = (long long)c.get_matches_estimated();
            double t3 = b_now();
            if (pass == 0) {
                r[i].count = cnt;
                if (c.get_matches_lower_bound() != c.get_matches_upper_bound())
                    fprintf(stderr, "xapian: %s count not exact\n", qs[i].qid);
            }
            if (rep >= 0) {
                r[i].lat_top[rep] = (t1 - t0) * 1e6;
                r[i].lat_count[rep] = (t3 - t2) * 1e6;
            }
        }
    }
    b_write_results(out, qs, nq, r, reps, 0);
    fprintf(stderr, "xapian_bench: %d queries x %d reps, maxrss %ld kB\n", nq, reps,
            b_maxrss_kb());
    return 0;
}

int main(int argc, char **argv)
{
    try {
        if (argc >= 4 && !strcmp(argv[1], "build"))
            return cmd_build(argv[2], argv[3]);
        if (argc >= 7 && !strcmp(argv[1], "query"))
            return cmd_query(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "xapian_bench: %s\n", e.get_description().c_str());
        return 1;
    }
    fprintf(stderr, "usage: xapian_bench build|query ...\n");
    return 2;
}
