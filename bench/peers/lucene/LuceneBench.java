/*
 * LuceneBench.java - Lucene driver for bench/run (compiled with javac against Debian's
 * liblucene8-java jars).  Simple analysis as a custom Analyzer: a CharTokenizer whose token
 * characters are Unicode letters, digits (Nd, Nl, No), private use and the combining diacritics
 * SQLite unicode61 keeps inside words, then LowerCaseFilter; one field "text" holding the title and
 * the body as two values with a position gap of 1 (no phrase across them).  LongPoint "published"
 * for date filters; title/body stored.  Single-threaded build: SerialMergeScheduler, 256 MB RAM
 * buffer, LogByteSizeMergePolicy (keeps insertion order, so Lucene's docid = document number),
 * forceMerge(1).  Default BM25Similarity.  Formats: bench/benchio.h.
 *
 *   java -cp ... LuceneBench build DIR docs.tsv
 *   java -cp ... LuceneBench query DIR queries.tsv OUT.tsv WARMUP REPS
 *   java -cp ... LuceneBench sizes DIR
 */
import java.io.*;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.store.*;

public class LuceneBench {
    static boolean isDiacritic(int cp) {
        final int[] bits = {0xDF, 0x9F, 0x02, 0x08, 0xF8, 0x61, 0x03};
        if (cp < 0x300 || cp > 0x331) return false;
        int k = cp - 0x300;
        return ((bits[k >> 3] >> (k & 7)) & 1) != 0;
    }

    static final class SimpleTokenizer extends CharTokenizer {
        SimpleTokenizer() { super(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, 1024 * 1024); }
        @Override protected boolean isTokenChar(int c) {
            switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER: case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER: case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER: case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER: case Character.OTHER_NUMBER: case Character.PRIVATE_USE:
                return true;
            default:
                return isDiacritic(c);
            }
        }
    }

    static final class SimpleAnalyzer extends Analyzer {
        @Override protected TokenStreamComponents createComponents(String field) {
            Tokenizer t = new SimpleTokenizer();
            return new TokenStreamComponents(t, new LowerCaseFilter(t));
        }
        @Override public int getPositionIncrementGap(String field) { return 1; }
    }

    static String unesc(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                b.append(d == 'n' ? '\n' : d == 't' ? '\t' : d);
            } else b.append(c);
        }
        return b.toString();
    }

    static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime() / 1e9;
    }

    static long hwmKb() throws IOException {
        for (String l : Files.readAllLines(Paths.get("/proc/self/status")))
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    static void build(String dir, String docs) throws Exception {
        IndexWriterConfig cfg = new IndexWriterConfig(new SimpleAnalyzer());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        cfg.setRAMBufferSizeMB(256);
        cfg.setMergeScheduler(new SerialMergeScheduler());
        cfg.setMergePolicy(new LogByteSizeMergePolicy());
        cfg.setUseCompoundFile(false);
        long ndoc = 0, bytes = 0;
        double w0 = System.nanoTime() / 1e9, c0 = cpu(), w1, c1;
        try (FSDirectory d = FSDirectory.open(Paths.get(dir));
             IndexWriter w = new IndexWriter(d, cfg);
             BufferedReader r = Files.newBufferedReader(Paths.get(docs), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", 4);
                String title = unesc(f[2]), body = unesc(f[3]);
                Document doc = new Document();
                doc.add(new TextField("text", title, Field.Store.NO));
                doc.add(new TextField("text", body, Field.Store.NO));
                doc.add(new StoredField("title", title));
                doc.add(new StoredField("body", body));
                if (!f[0].isEmpty()) doc.add(new LongPoint("published", Long.parseLong(f[0])));
                w.addDocument(doc);
                bytes += title.getBytes(StandardCharsets.UTF_8).length
                         + body.getBytes(StandardCharsets.UTF_8).length;
                ndoc++;
            }
            w1 = System.nanoTime() / 1e9; c1 = cpu();
            w.forceMerge(1);
            w.commit();
        }
        double w2 = System.nanoTime() / 1e9, c2 = cpu();
        System.out.printf(Locale.ROOT, "{\"engine\": \"lucene\", \"docs\": %d, \"text_bytes\": %d, "
            + "\"wall_s\": %.3f, \"cpu_s\": %.3f, \"add_wall_s\": %.3f, \"add_cpu_s\": %.3f, "
            + "\"commit_optimize_wall_s\": %.3f, \"maxrss_kb\": %d, \"version\": \"%s\"}%n",
            ndoc, bytes, w2 - w0, c2 - c0, w1 - w0, c1 - c0, w2 - w1, hwmKb(),
            org.apache.lucene.util.Version.LATEST);
    }

    static Query makeQuery(String[] f) {
        String op = f[2];
        String[] terms = f[5].isEmpty() ? new String[0] : f[5].split(" ");
        String[] nots = f.length > 6 && !f[6].isEmpty() ? f[6].split(" ") : new String[0];
        long from = Long.parseLong(f[3]), to = Long.parseLong(f[4]);
        Query q;
        if (op.equals("phrase")) {
            q = new PhraseQuery("text", terms);
        } else if (op.equals("phraseor")) { // phrases separated by "|" terms, ORed
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (String ph : f[5].split(" \\| "))
                b.add(new PhraseQuery("text", ph.split(" ")), BooleanClause.Occur.SHOULD);
            q = b.build();
        } else if (terms.length == 1) {
            q = new TermQuery(new Term("text", terms[0]));
        } else {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (String t : terms)
                b.add(new TermQuery(new Term("text", t)),
                      op.equals("or") ? BooleanClause.Occur.SHOULD : BooleanClause.Occur.MUST);
            q = b.build();
        }
        if (nots.length > 0 || from != 0 || to != 0) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            b.add(q, BooleanClause.Occur.MUST);
            for (String t : nots) b.add(new TermQuery(new Term("text", t)), BooleanClause.Occur.MUST_NOT);
            if (from != 0 || to != 0)
                b.add(LongPoint.newRangeQuery("published", from, to), BooleanClause.Occur.FILTER);
            q = b.build();
        }
        return q;
    }

    static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.1f", v[i]));
        return b.toString();
    }

    static void query(String dir, String qpath, String out, int warmup, int reps) throws Exception {
        List<String[]> qs = new ArrayList<>();
        for (String l : Files.readAllLines(Paths.get(qpath), StandardCharsets.UTF_8))
            if (!l.isEmpty()) qs.add(l.split("\t", -1));
        int nq = qs.size();
        Query[] qq = new Query[nq];
        for (int i = 0; i < nq; i++) qq[i] = makeQuery(qs.get(i));
        double[][] lt = new double[nq][reps], lc = new double[nq][reps];
        long[] count = new long[nq];
        String[] top = new String[nq];
        try (FSDirectory d = FSDirectory.open(Paths.get(dir)); DirectoryReader r = DirectoryReader.open(d)) {
            IndexSearcher s = new IndexSearcher(r);
            s.setQueryCache(null);   /* measure the query, not a cache of its results */
            for (int pass = 0; pass < warmup + reps; pass++) {
                int rep = pass - warmup;
                for (int i = 0; i < nq; i++) {
                    long t0 = System.nanoTime();
                    TopDocs td = s.search(qq[i], 10);
                    long t1 = System.nanoTime();
                    int c = s.count(qq[i]);
                    long t2 = System.nanoTime();
                    if (pass == 0) {
                        StringBuilder b = new StringBuilder();
                        for (int k = 0; k < td.scoreDocs.length; k++)
                            b.append(k > 0 ? "," : "").append(td.scoreDocs[k].doc);
                        top[i] = b.toString();
                        count[i] = c;
                    }
                    if (rep >= 0) { lt[i][rep] = (t1 - t0) / 1e3; lc[i][rep] = (t2 - t1) / 1e3; }
                }
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Paths.get(out), StandardCharsets.UTF_8))) {
            for (int i = 0; i < nq; i++)
                w.print(qs.get(i)[0] + "\t" + count[i] + "\t" + top[i] + "\t" + join(lt[i]) + "\t" + join(lc[i]) + "\t\n");
        }
        System.err.printf("LuceneBench: %d queries x %d reps (+%d warm-up), VmHWM %d kB%n", nq, reps, warmup, hwmKb());
    }

    static void sizes(String dir) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get(dir))) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                int dot = n.lastIndexOf('.');
                String ext = dot >= 0 ? n.substring(dot + 1) : n;
                m.merge(ext, Files.size(p), Long::sum);
            }
        }
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Long> e : m.entrySet())
            b.append(b.length() > 1 ? ", " : "").append("\"").append(e.getKey()).append("\": ").append(e.getValue());
        System.out.println(b.append("}"));
    }

    public static void main(String[] a) throws Exception {
        if (a.length >= 3 && a[0].equals("build")) build(a[1], a[2]);
        else if (a.length >= 6 && a[0].equals("query")) query(a[1], a[2], a[3], Integer.parseInt(a[4]), Integer.parseInt(a[5]));
        else if (a.length >= 2 && a[0].equals("sizes")) sizes(a[1]);
        else { System.err.println("usage: LuceneBench build|query|sizes ..."); System.exit(2); }
    }
}
