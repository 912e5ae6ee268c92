#!/usr/bin/python3
"""Story-clustering benchmark: pairwise precision/recall/F1 of newsdex's near-duplicate stories
on a generated syndication set (gen.py) and on the real exact duplicates of the corpora
(Reuters identical bodies, BBC identical pairs, 20 Newsgroups cross-posts), beside exact-hash
deduplication; sketch+LSH throughput (sketch_bench.c) and whole-ingest docs/s.

Also an offline replay of the ingest-time clustering over the sketches (validated against the
index) to explain misses and to try other thresholds, bandings, containment verification and
body normalisation.  Writes bench/results/dedup-latest.json.
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora as C  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def ingest_body(text):
    """The body as newsdex stores it (INPUT.md): lines trimmed, empty ones dropped, joined by \\n."""
    return "\n".join(l.strip() for l in text.split("\n") if l.strip())


# ---- sketches (sketch_bench dump) and the replay of assign_story ---------------------------

def build_bench(out, build_dir):
    lib = os.path.join(build_dir, "libnewsdex.a")
    libs = subprocess.run(["pkg-config", "--libs", "libutf8proc", "jansson", "libzstd", "libxxhash",
                           "libxml-2.0", "zlib"], capture_output=True, text=True, check=True).stdout.split()
    cmd = ["gcc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-I", os.path.join(C.REPO, "include"),
           "-I", os.path.join(C.REPO, "lib"), os.path.join(HERE, "sketch_bench.c"), lib, *libs,
           "-lstemmer", "-lm", "-lpthread", "-o", out]
    subprocess.run(cmd, check=True)
    return " ".join(cmd)


def write_bodies(path, bodies):
    with open(path, "wb") as f:
        for b in bodies:
            e = b.encode("utf-8")
            f.write(struct.pack("<I", len(e)) + e)


def dump_sketches(sb, tmp, bodies):
    dump_sketches.n = getattr(dump_sketches, "n", 0) + 1
    p = os.path.join(tmp, "bodies-%d.bin" % dump_sketches.n)
    write_bodies(p, bodies)
    out = subprocess.run([sb, "dump", p], capture_output=True, text=True, check=True).stdout
    os.unlink(p)
    res = []
    for line in out.split("\n"):
        if line:
            parts = line.split()
            res.append((int(parts[0]), tuple(int(x, 16) for x in parts[1:])))
    return res


def est_sim(a, b):
    if a[0] == 0 or b[0] == 0:
        return 0.0
    return sum(x == y for x, y in zip(a[1], b[1])) / 64


def band_keys(sig, rows, bands):
    return [(b, sig[b * rows:(b + 1) * rows]) for b in range(bands)]


def replay(docs, sk, threshold=0.5, rows=4, bands=16, containment=None):
    """Replay of lib/index/index.c assign_story/add_bands over docs in ingest order.
    docs: [(key, normhash)], sk: [(nshingles, sig)].  containment: if set, also accept a
    candidate whose estimated containment (from the Jaccard estimate and the shingle counts)
    reaches this value.  Returns key -> story."""
    content, band_map, story, out = {}, {}, {}, {}
    for i, (key, h) in enumerate(docs):
        if h in content:
            out[key] = story[content[h]]
            continue
        content[h] = i
        n, sig = sk[i]
        st = i
        if n:
            best = 0
            for bk in band_keys(sig, rows, bands):
                g = band_map.get(bk)
                if g is None:
                    continue
                s = est_sim(sk[i], sk[g])
                ok = s >= threshold
                if not ok and containment is not None and s > 0:
                    m = min(n, sk[g][0])
                    ok = s * (n + sk[g][0]) / (1 + s) / m >= containment
                if ok and s > best:
                    best, st = s, story[g]
            for bk in band_keys(sig, rows, bands):
                band_map.setdefault(bk, i)
        story[i] = st
        out[key] = st
    return out


def replay_unionfind(docs, sk, threshold=0.5, rows=4, bands=16):
    """What-if: stories merged after the fact - connected components of every pair sharing a
    band with estimated Jaccard >= threshold (instead of one band holder, no later merges)."""
    parent = list(range(len(docs)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    content, buckets = {}, defaultdict(list)
    for i, (key, h) in enumerate(docs):
        if h in content:
            parent[find(i)] = find(content[h])
            continue
        content[h] = i
        if sk[i][0]:
            for bk in band_keys(sk[i][1], rows, bands):
                buckets[bk].append(i)
    for b in buckets.values():
        for x in range(len(b)):
            for y in range(x + 1, len(b)):
                if est_sim(sk[b[x]], sk[b[y]]) >= threshold:
                    parent[find(b[x])] = find(b[y])
    return {key: find(i) for i, (key, _) in enumerate(docs)}


# ---- body normalisation tried before sketching (what-if) -----------------------------------

DATELINE = re.compile(r"^(By [^\n]{3,60}\n)?[A-Z][A-Za-z .'-]{1,30}(, [A-Z][a-z]+\.? \d{1,2})?"
                      r"( \([A-Za-z .]{1,20}\))? ?[-\u2014\u2013] ")
CREDIT = re.compile(r"\n(Reporting by [^\n]*|\u2014 ?[A-Za-z]{2,12}|\(Additional reporting[^\n]*\)|"
                    r"\([A-Za-z .]{2,30}\))\s*$")


def normalise(body):
    """Drop a leading byline/dateline, a trailing credit line and short paragraphs (< 8 words,
    no final period: boilerplate) before sketching."""
    b = ingest_body(body)
    b = DATELINE.sub("", b, count=1)
    b = CREDIT.sub("", b)
    paras = [p for p in b.split("\n") if len(p.split()) >= 8 or len(p) >= 40 or p.endswith(".")]
    return "\n".join(paras)


# ---- scoring one ingested set --------------------------------------------------------------

def score_set(nd, sb, tmp, name, rows, truth, extra_items=None, sample_seed=1):
    """rows: [{url, maintext, ...}] in ingest order; truth: url -> group."""
    path = os.path.join(tmp, name + ".jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    index = os.path.join(tmp, "index-" + name)
    summary, wall, cpu = C.ingest(nd, index, [path])
    urls = [r["url"] for r in rows]
    pred, exp, looked = C.predicted_stories(nd, index, urls)
    bodies = [ingest_body(r["maintext"]) for r in rows]
    # the index hashes the title when there is no body (ndx__content_hash)
    hashes = [C.norm_hash(b if b else " ".join((r.get("title") or "").split())) for b, r in zip(bodies, rows)]
    exact = {u: h for u, h in zip(urls, hashes)}
    res = {"articles": len(rows), "ingest": summary, "ingest_wall_s": round(wall, 3),
           "ingest_cpu_s": round(cpu, 3), "ingest_docs_per_s_wall": round(len(rows) / wall),
           "ingest_docs_per_cpu_s": round(len(rows) / cpu) if cpu else None,
           "exact_copies_looked_up": looked,
           "newsdex": C.pairwise(pred, truth, urls),
           "exact_hash_baseline": C.pairwise(exact, truth, urls)}
    # which mechanism: pairs of a true group stored as one article (exact copy) vs story
    stored_as = {}
    for u in urls:
        stored_as[u] = exp[u][0] if u in exp else ("copy", pred[u])
    sk = dump_sketches(sb, tmp, bodies)
    ix = {u: i for i, u in enumerate(urls)}
    rep = replay(list(zip(urls, hashes)), sk)
    # replay agreement: same partition as the index?
    res["replay_matches_index"] = C.pairwise(rep, pred, urls)
    return res, pred, exact, sk, ix, hashes, bodies, index


def pair_detail(a, b, ix, sk, shs, truth_of=None):
    i, j = ix[a], ix[b]
    s = est_sim(sk[i], sk[j])
    shared = bool(sk[i][0] and sk[j][0]) and any(
        sk[i][1][k * 4:(k + 1) * 4] == sk[j][1][k * 4:(k + 1) * 4] for k in range(16))
    return {"a": a, "b": b, "true_jaccard": round(C.jaccard(shs(i), shs(j)), 3),
            "est_sim": round(s, 3), "share_band": shared,
            "shingles": [sk[i][0], sk[j][0]]}


def classify_missed(missed, ix, sk):
    c = Counter()
    for a, b in missed:
        i, j = ix[a], ix[b]
        s = est_sim(sk[i], sk[j])
        shared = any(sk[i][1][k * 4:(k + 1) * 4] == sk[j][1][k * 4:(k + 1) * 4] for k in range(16))
        if sk[i][0] == 0 or sk[j][0] == 0:
            c["no sketch (< 8 shingles)"] += 1
        elif s < 0.5:
            c["estimated similarity < 0.5"] += 1
        elif not shared:
            c[">= 0.5 but no shared band"] += 1
        else:
            c[">= 0.5, shared band, joined another story"] += 1
    return dict(c)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--newsdex", help="binary (default build-dedup/newsdex)")
    ap.add_argument("--build-dir", default=os.path.join(C.REPO, "build-dedup"))
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--out", default=os.path.join(C.REPO, "bench", "results", "dedup-latest.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--no-real", action="store_true", help="skip the real-corpora duplicates")
    a = ap.parse_args()
    nd = C.newsdex_path(a.newsdex)
    tmp = tempfile.mkdtemp(prefix="ndx-dedup-")
    t_start = time.time()
    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": a.seed}
    try:
        sb = os.path.join(tmp, "sketch_bench")
        result["sketch_bench_build"] = build_bench(sb, a.build_dir).replace(C.REPO + "/", "")
        gdir = os.path.join(tmp, "gen")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--out", gdir, "--seed",
                        str(a.seed)], check=True, capture_output=True)
        with open(os.path.join(gdir, "info.json")) as f:
            result["generated"] = json.load(f)
        rows = [json.loads(l) for l in open(os.path.join(gdir, "articles.jsonl"), encoding="utf-8")]
        T = {}
        for l in open(os.path.join(gdir, "truth.jsonl"), encoding="utf-8"):
            t = json.loads(l)
            T[t["url"]] = t
        truth = {u: t["group"] for u, t in T.items()}

        # ---------------- generated syndication set ----------------
        res, pred, exact, sk, ix, hashes, bodies, index = score_set(nd, sb, tmp, "generated", rows, truth)
        urls = [r["url"] for r in rows]
        shcache = {}

        def shs(i):
            if i not in shcache:
                shcache[i] = C.shingles(bodies[i])
            return shcache[i]

        subsets = {"english": [u for u in urls if not T[u]["base"].startswith("livedoor")],
                   "japanese": [u for u in urls if T[u]["base"].startswith("livedoor")]}
        for k, items in subsets.items():
            res[k] = {"articles": len(items), "newsdex": C.pairwise(pred, truth, items),
                      "exact_hash_baseline": C.pairwise(exact, truth, items)}
        # recall of original-copy pairs by edit strength and by true Jaccard
        orig = {t["group"]: u for u, t in T.items() if t["role"] == "original"}
        by_st, by_j = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
        for u, t in T.items():
            if t["role"] != "copy":
                continue
            o = orig[t["group"]]
            hit = pred[u] == pred[o]
            lang = "ja" if t["base"].startswith("livedoor") else "en"
            by_st[lang + ":" + t["strength"]][0] += hit
            by_st[lang + ":" + t["strength"]][1] += 1
            jb = "%.1f-%.1f" % (min(int(t["jaccard"] * 10), 9) / 10, min(int(t["jaccard"] * 10), 9) / 10 + 0.1)
            by_j[jb][0] += hit
            by_j[jb][1] += 1
        res["copy_recall_by_strength"] = {k: {"found": v[0], "copies": v[1], "recall": round(v[0] / v[1], 4)}
                                          for k, v in sorted(by_st.items())}
        res["copy_recall_by_true_jaccard"] = {k: {"found": v[0], "copies": v[1], "recall": round(v[0] / v[1], 4)}
                                              for k, v in sorted(by_j.items())}
        missed, wrong = C.pair_lists(pred, truth, urls)
        res["missed_pairs"] = len(missed)
        res["missed_by_cause"] = classify_missed(missed, ix, sk)
        res["wrong_pairs"] = len(wrong)
        rng = random.Random(7)
        ex_m = rng.sample(missed, min(12, len(missed)))
        res["missed_examples"] = []
        for x, y in ex_m:
            d = pair_detail(x, y, ix, sk, shs)
            d["edits"] = T[x]["edits"] or T[y]["edits"]
            d["strength"] = T[x]["strength"] or T[y]["strength"]
            res["missed_examples"].append(d)
        res["wrong_examples"] = []
        for x, y in wrong[:40]:
            d = pair_detail(x, y, ix, sk, shs)
            d["roles"] = [T[x]["role"], T[y]["role"]]
            d["groups"] = [T[x]["group"], T[y]["group"]]
            res["wrong_examples"].append(d)
        # what-if replays over the same ingest order
        docs = list(zip(urls, hashes))
        nsk = dump_sketches(sb, tmp, [normalise(b) for b in bodies])
        nhashes = hashes  # exact copies still by the stored body's hash
        variants = [("default 16x4, t=0.5 (replay)", dict()),
                    ("16x4, t=0.4", dict(threshold=0.4)),
                    ("16x4, t=0.3", dict(threshold=0.3)),
                    ("32x2, t=0.5", dict(rows=2, bands=32)),
                    ("32x2, t=0.4", dict(rows=2, bands=32, threshold=0.4)),
                    ("21x3, t=0.4", dict(rows=3, bands=21, threshold=0.4)),
                    ("16x4, t=0.5 or containment>=0.8", dict(containment=0.8)),
                    ("32x2, t=0.5 or containment>=0.8", dict(rows=2, bands=32, containment=0.8)),
                    ]
        wi = {}
        for name, kw in variants:
            r = replay(docs, sk, **kw)
            wi[name] = {"all": C.pairwise(r, truth, urls), "english": C.pairwise(r, truth, subsets["english"])}
        for name, kw in [("normalised body, 16x4, t=0.5", dict()),
                         ("normalised body, 32x2, t=0.4", dict(rows=2, bands=32, threshold=0.4)),
                         ("normalised body, 32x2, t=0.5 or containment>=0.8",
                          dict(rows=2, bands=32, containment=0.8))]:
            r = replay(list(zip(urls, nhashes)), nsk, **kw)
            wi[name] = {"all": C.pairwise(r, truth, urls), "english": C.pairwise(r, truth, subsets["english"])}
        # ingest order: every original before its copies
        perm = sorted(range(len(urls)), key=lambda i: T[urls[i]]["role"] != "original")
        r = replay([docs[i] for i in perm], [sk[i] for i in perm])
        wi["default, originals ingested first"] = {"all": C.pairwise(r, truth, urls),
                                                   "english": C.pairwise(r, truth, subsets["english"])}
        for name, kw in [("stories merged after the fact (union of band pairs), 16x4, t=0.5", dict()),
                         ("stories merged after the fact, 32x2, t=0.4", dict(rows=2, bands=32, threshold=0.4))]:
            r = replay_unionfind(docs, sk, **kw)
            wi[name] = {"all": C.pairwise(r, truth, urls), "english": C.pairwise(r, truth, subsets["english"])}
        res["what_if_replay"] = wi
        # speed: sketch + bands in isolation, over the generated bodies in memory
        bp = os.path.join(tmp, "bodies.bin")
        write_bodies(bp, bodies)
        sp = subprocess.run([sb, "bench", bp, "7"], capture_output=True, text=True, check=True)
        res["sketch_lsh_speed"] = json.loads(sp.stdout)
        result["generated_set"] = res

        # ---------------- real duplicates in the corpora ----------------
        if not a.no_real:
            real = {}
            # Reuters: identical bodies (white space collapsed): 279 groups / 560 docs
            rrows, rtruth = [], {}
            for x in C.read_reuters():
                u = "https://reuters.example/%s" % x["id"]
                body = C.html.unescape(x["body_raw"]).replace("\x03", "")
                rrows.append({"url": u, "title": x["title"], "maintext": body,
                              "date_publish": x["date"], "source_domain": "reuters.com"})
                rtruth[u] = "r:" + " ".join(body.split())
            # BBC: identical bodies (100 identical files + 36 pairs with another headline)
            brows, btruth = [], {}
            for x in C.read_bbc():
                u = "https://bbc.example/%s" % x["id"]
                body = "\n".join(x["paras"])
                brows.append({"url": u, "title": x["title"], "maintext": body, "source_domain": "bbc.co.uk"})
                btruth[u] = "b:" + " ".join(body.split())
            # 20 Newsgroups: cross-posts share a Message-ID (and a body)
            nrows, ntruth = [], {}
            for x in C.read_20ng():
                u = "https://20ng.example/%s" % x["id"]
                nrows.append({"url": u, "title": x["subject"], "maintext": x["body"],
                              "source_domain": x["group"]})
                ntruth[u] = "n:" + (x["msgid"] or x["id"])
            for name, rr, tt in [("reuters21578", rrows, rtruth), ("bbc-news-2225", brows, btruth),
                                 ("20newsgroups", nrows, ntruth)]:
                r, p, ex, sk2, ix2, h2, b2, _ = score_set(nd, sb, tmp, name, rr, tt)
                items = [x["url"] for x in rr]
                groups = Counter(tt.values())
                r["truth_groups"] = sum(1 for v in groups.values() if v > 1)
                r["truth_docs_in_groups"] = sum(v for v in groups.values() if v > 1)
                # recall of the true groups only (precision is not meaningful against exact-only
                # truth: near duplicates in the corpora are merged, correctly or not)
                missed, wrong = C.pair_lists(p, tt, items)
                r["missed_examples"] = [pair_detail(x, y, ix2, sk2, lambda i: C.shingles(b2[i]))
                                        for x, y in missed[:10]]
                rng = random.Random(3)
                samp = rng.sample(wrong, min(400, len(wrong)))
                js = [C.jaccard(C.shingles(b2[ix2[x]]), C.shingles(b2[ix2[y]])) for x, y in samp]
                r["extra_merged_pairs"] = len(wrong)
                r["extra_merged_sample_true_jaccard"] = {
                    "sampled": len(samp),
                    ">=0.5 (real near-duplicates)": sum(j >= 0.5 for j in js),
                    "0.3-0.5": sum(0.3 <= j < 0.5 for j in js),
                    "<0.3 (false merges)": sum(j < 0.3 for j in js)}
                low = [(x, y) for (x, y), j in zip(samp, js) if j < 0.3][:6]
                r["false_merge_examples"] = [pair_detail(x, y, ix2, sk2, lambda i: C.shingles(b2[i]))
                                             for x, y in low]
                # what-if on the real corpora (precision side of a lower threshold / more bands):
                # merged pairs beyond the truth, and the share of a sample with true Jaccard < 0.3
                docs2 = list(zip(items, h2))
                r["what_if_replay"] = {}
                for vname, kw in [("default 16x4, t=0.5 (replay)", {}), ("16x4, t=0.4", dict(threshold=0.4)),
                                  ("32x2, t=0.4", dict(rows=2, bands=32, threshold=0.4))]:
                    rp = replay(docs2, sk2, **kw)
                    _, wr = C.pair_lists(rp, tt, items)
                    smp = random.Random(5).sample(wr, min(300, len(wr)))
                    lowj = sum(C.jaccard(C.shingles(b2[ix2[x]]), C.shingles(b2[ix2[y]])) < 0.3 for x, y in smp)
                    r["what_if_replay"][vname] = {
                        "recall": C.pairwise(rp, tt, items)["recall"], "extra_merged_pairs": len(wr),
                        "est_false_merges_true_jaccard_below_0.3": round(lowj / len(smp) * len(wr)) if smp else 0}
                real[name] = r
            result["real_duplicates"] = real
        result["runtime_s"] = round(time.time() - t_start, 1)
    finally:
        C.drop_scratch(tmp, a.keep)
    C.write_result(a.out, result)
    g = result["generated_set"]
    print("generated: newsdex %s | exact %s" % (g["newsdex"], g["exact_hash_baseline"]))
    print("sketch+LSH %.0f articles/cpu-s; ingest %s docs/cpu-s" %
          (g["sketch_lsh_speed"]["articles_per_cpu_s"], g["ingest_docs_per_cpu_s"]))
    for k, v in result.get("real_duplicates", {}).items():
        print("%s: newsdex %s | exact %s" % (k, v["newsdex"], v["exact_hash_baseline"]))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
