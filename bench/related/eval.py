#!/usr/bin/python3
"""Related-stories benchmark: precision@5 of same-event articles for `newsdex related` on
giveme5w1h-dev (newsCluster.EventId is the truth), beside a plain BM25 more-like-this baseline
(the article's top 25 tf-idf terms as an OR query through `newsdex search --no-collapse`).
Writes bench/results/related-latest.json.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "dedup"))
import corpora as C  # noqa: E402

WORD = re.compile(r"[a-z0-9]+")


def terms(text):
    return WORD.findall(text.lower())


def mlt_query(doc_terms, df, n, k=25):
    """Top k terms by tf x idf (idf = ln(N/df)); terms found in no other article are left out
    (they cannot match anything)."""
    tf = Counter(doc_terms)
    scored = [(c * math.log(n / df[t]), t) for t, c in tf.items() if df[t] >= 2]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [t for _, t in scored[:k]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--newsdex")
    ap.add_argument("--out", default=os.path.join(C.REPO, "bench", "results", "related-latest.json"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    nd = C.newsdex_path(a.newsdex)
    tmp = tempfile.mkdtemp(prefix="ndx-related-")
    try:
        index = os.path.join(tmp, "index")
        src = os.path.join(C.TEXT, "giveme5w1h-dev", "data_raw")
        summary, wall, cpu = C.ingest(nd, index, [src])
        gm = {x["url"]: x for x in C.read_giveme()}
        exp = C.export_stories(nd, index)  # url -> (id, story)
        id_event, id_story, id_url = {}, {}, {}
        for u, (i, st) in exp.items():
            id_event[i] = gm[u]["event"]
            id_story[i] = st
            id_url[i] = u
        # exact copies are not exported: their event counts through the stored article only
        by_event = defaultdict(list)
        for i, ev in id_event.items():
            by_event[ev].append(i)
        n = len(id_event)
        # baseline: document frequencies over the stored articles (title + body, as indexed)
        toks = {i: terms(gm[id_url[i]]["title"] + "\n" + gm[id_url[i]]["text"]) for i in id_event}
        df = Counter()
        for t in toks.values():
            df.update(set(t))
        per = []
        for i in sorted(id_event):
            others = [j for j in by_event[id_event[i]] if j != i]
            if not others:
                continue
            avail = [j for j in others if id_story[j] != id_story[i]]  # related skips own story
            p = C.run([nd, "related", "--index", index, "--json", "--limit", "5", str(i)])
            hits = [h["id"] for h in json.loads(p.stdout.decode("utf-8"))["hits"]][:5]
            q = mlt_query(toks[i], df, n)
            bh = []
            if q:
                p = C.run([nd, "search", "--index", index, "--json", "--no-collapse", "--no-snippets",
                           "--limit", "6", " OR ".join(q)])
                bh = [h["id"] for h in json.loads(p.stdout.decode("utf-8"))["hits"] if h["id"] != i][:5]
            rel = sum(id_event[h] == id_event[i] for h in hits)
            base = sum(id_event[h] == id_event[i] for h in bh)
            per.append({"id": i, "event": id_event[i], "same_event_others": len(others),
                        "available_other_stories": len(avail), "related_hits": len(hits),
                        "related_same_event": rel, "baseline_same_event": base,
                        "baseline_query": " ".join(q)})

        def agg(key, denom):
            vals = []
            for r in per:
                d = 5 if denom == "5" else min(5, r["same_event_others"])
                if d == 0:
                    continue
                vals.append(r[key] / d)
            return round(sum(vals) / len(vals), 4) if vals else None, len(vals)

        res = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "corpus": "giveme5w1h-dev (227 news-please files; newsCluster.EventId)",
               "ingest": summary, "articles_indexed": n, "events": len(by_event),
               "queries": len(per)}
        for name, key in [("newsdex_related", "related_same_event"), ("bm25_mlt_baseline", "baseline_same_event")]:
            p5, q5 = agg(key, "5")
            pm, qm = agg(key, "min")
            res[name] = {"precision_at_5": p5, "queries": q5,
                         "precision_at_5_over_min_5_available": pm, "queries_min": qm}
        res["notes"] = ("precision@5 = same-event hits in the top 5 / 5, averaged over every article "
                        "with at least one other same-event article; the second figure divides by "
                        "min(5, other same-event articles).  Baseline: top 25 terms "
                        "of title+body by tf x ln(N/df) (terms in no other article left out) joined "
                        "with OR, `newsdex search --json --no-collapse`, the article itself dropped.")
        # queries none of whose same-event articles is in its own story (syndicated copies:
        # related lists at most three articles of a story)
        rest = [r for r in per if r["available_other_stories"] == r["same_event_others"]]
        res["queries_without_own_story_same_event"] = {
            "queries": len(rest),
            "newsdex_related_p5": round(sum(r["related_same_event"] for r in rest) / 5 / len(rest), 4),
            "bm25_mlt_baseline_p5": round(sum(r["baseline_same_event"] for r in rest) / 5 / len(rest), 4),
            "related_better": sum(r["related_same_event"] > r["baseline_same_event"] for r in rest),
            "related_worse": sum(r["related_same_event"] < r["baseline_same_event"] for r in rest)}
        own = [r for r in per if r["available_other_stories"] < r["same_event_others"]]
        res["queries_with_same_event_articles_in_own_story"] = {
            "queries": len(own),
            "related_same_event_hits": sum(r["related_same_event"] for r in own),
            "baseline_same_event_hits": sum(r["baseline_same_event"] for r in own)}
        # event-size breakdown and worst queries
        by_size = defaultdict(lambda: [0, 0, 0])
        for r in per:
            s = r["same_event_others"] + 1
            b = "2-3" if s <= 3 else "4-6" if s <= 6 else "7-12" if s <= 12 else "13+"
            by_size[b][0] += 1
            by_size[b][1] += r["related_same_event"]
            by_size[b][2] += r["baseline_same_event"]
        res["by_event_size"] = {k: {"queries": v[0], "related_p5": round(v[1] / 5 / v[0], 4),
                                    "baseline_p5": round(v[2] / 5 / v[0], 4)}
                                for k, v in sorted(by_size.items())}
        res["worse_than_baseline"] = [
            {"id": r["id"], "url": id_url[r["id"]], "event": r["event"], "related": r["related_same_event"],
             "baseline": r["baseline_same_event"], "others": r["same_event_others"]}
            for r in per if r["related_same_event"] < r["baseline_same_event"]][:15]
        res["per_query"] = per
    finally:
        C.drop_scratch(tmp, a.keep)
    C.write_result(a.out, res)
    print(json.dumps({k: res[k] for k in ("queries", "newsdex_related", "bm25_mlt_baseline", "by_event_size",
                                          "queries_without_own_story_same_event",
                                          "queries_with_same_event_articles_in_own_story")}))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
