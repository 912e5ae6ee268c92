#!/usr/bin/env python3
"""bench/cluster/bench.py - sharded search on Dask: queries per second and latency percentiles of
newsdex.cluster.ShardedArchive over 4 shards, with 1, 2 and 4 worker processes.

Usage: bench/cluster/bench.py CORPUS.jsonl WORKDIR [QUERIES]
  CORPUS.jsonl  articles, one JSON object a line with bench/gen's field names (gen-S, gen-M)
  WORKDIR       shards are built here (kept: a second run reuses them)
  QUERIES       how many queries (default 200)

The corpus is split by newsdex.cluster.shard_of_url (the archive's own routing) into 4 JSONL
files, each ingested by `newsdex ingest` into its shard (build/newsdex).  The queries are those
of the search-benchmark game (../shared/corpora/queries/.../queries.txt) in newsdex's query
language (intersection -> AND, union -> OR, phrase) that match at least one article.  For each
worker count a LocalCluster of that many single-threaded worker processes is started, every query
is run once to warm up, then (a) one query at a time: p50/p99/mean latency of a whole search
(statistics round + search round + merge, 10 hits with snippets); (b) 8 queries in flight from 8
client threads: queries per second.  With the most workers it also times, one at a time on the
first 30 queries, a search with two facets and a month histogram, a timeline, and significant
terms of the best 200 stories; and the placement round of ingest (every shard asked what it
holds for a batch of 5,000 of the corpus's articles).  Prints Markdown tables and writes
WORKDIR/cluster.json.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("NEWSDEX_LIBRARY", str(ROOT / "build" / "libnewsdex.so.0.1"))
import newsdex  # noqa: E402
from newsdex.cluster import ShardedArchive, shard_of_url  # noqa: E402
from newsdex.cluster import _task_place  # noqa: E402
from newsdex.cluster.placement import Batch  # noqa: E402

import bgame  # noqa: E402  (bench/cluster/bgame.py)

SHARDS = 4
FIELDS = "body=body,date=published,source=source,lang=lang,title=title,url=url"  # bench/gen's


def build(corpus, work):
    paths = [work / f"shard-{i}" for i in range(SHARDS)]
    if all(any(p.glob("MANIFEST-*")) for p in paths):
        return paths, None
    work.mkdir(parents=True, exist_ok=True)
    outs = [open(work / f"shard-{i}.jsonl", "w") for i in range(SHARDS)]
    with open(corpus) as f:
        for line in f:
            url = json.loads(line).get("url")
            outs[shard_of_url(url, SHARDS)].write(line)
    for o in outs:
        o.close()
    t0 = time.monotonic()
    for i, p in enumerate(paths):
        subprocess.run([str(ROOT / "build" / "newsdex"), "ingest", "-q", "--index", str(p),
                        "--field", FIELDS, str(work / f"shard-{i}.jsonl")], check=True)
        os.unlink(work / f"shard-{i}.jsonl")
    return paths, time.monotonic() - t0


def queries(arc, n):
    out = []
    for text in bgame.queries():
        if arc.search(text, limit=1, snippets=False).total > 0:
            out.append(text)
        if len(out) == n:
            break
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def timed(fn, items):
    lat = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        lat.append((time.perf_counter() - t) * 1e3)
    return {"p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "mean_ms": statistics.mean(lat)}


def analytics(arc, qs, batch):
    out = {
        "search_facets_histogram": timed(lambda q: arc.search(q, facets=["source", "year"],
                                                              histogram="month"), qs[:30]),
        "timeline_month": timed(lambda q: arc.timeline([q], "month"), qs[:30]),
        "terms_sample_200": timed(lambda q: arc.terms(q, sample=200), qs[:30]),
    }
    keys = arc.client.scatter(batch.raw, broadcast=True)
    out["placement_round_5000"] = timed(
        lambda _: arc._map(_task_place, [(s, (keys, None)) for s in arc.shards]), range(3))
    return out


def run(paths, qs, workers, batch=None):
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    try:
        arc = ShardedArchive(paths, client)
        for q in qs:
            arc.search(q)
        lat = []
        for q in qs:
            t = time.perf_counter()
            arc.search(q)
            lat.append((time.perf_counter() - t) * 1e3)
        todo = list(qs) * 2
        lock = threading.Lock()

        def client_thread():
            while True:
                with lock:
                    if not todo:
                        return
                    q = todo.pop()
                arc.search(q)

        t = time.perf_counter()
        threads = [threading.Thread(target=client_thread) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        qps = 2 * len(qs) / (time.perf_counter() - t)

        def rss_mb():
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

        rss = max(client.run(rss_mb).values())
        row = {"worker_rss_mb": rss, "workers": workers, "queries": len(qs),
               "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "mean_ms": statistics.mean(lat),
               "qps_8_in_flight": qps}
        if batch is not None:
            row["analytics"] = analytics(arc, qs, batch)
            row["worker_rss_mb_after_placement"] = max(client.run(rss_mb).values())
        return row
    finally:
        client.close()
        cluster.close()


def main():
    corpus, work = Path(sys.argv[1]), Path(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    paths, build_s = build(corpus, work)
    st = [newsdex.Index(p).stats() for p in paths]
    docs = [s.documents for s in st]
    index_bytes = sum(s.index_bytes for s in st)
    text_bytes = sum(s.text_bytes for s in st)
    qs = queries(ShardedArchive(paths, None), n)
    with open(corpus) as f:
        sample = [json.loads(next(f)) for _ in range(5000)]
    batch = Batch([dict(a, date=a.get("published")) for a in sample])
    rows = [run(paths, qs, w, batch if w == 4 else None) for w in (1, 2, 4)]
    load = os.getloadavg()
    res = {"corpus": corpus.name, "bytes": corpus.stat().st_size, "shard_docs": docs,
           "build_s": build_s, "index_bytes": index_bytes, "text_bytes": text_bytes, "loadavg": load, "rows": rows}
    (work / "cluster.json").write_text(json.dumps(res, indent=1))
    print(f"{corpus.name}: {sum(docs)} articles in 4 shards {docs}, index {index_bytes / 1e6:.0f} MB "
          f"for {text_bytes / 1e6:.0f} MB of text; load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}")
    print("| workers | p50 ms | p99 ms | mean ms | queries/s (8 in flight) | worker RSS MB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['mean_ms']:.1f} | "
              f"{r['qps_8_in_flight']:.1f} | {r['worker_rss_mb']:.0f} |")
    a = rows[-1]["analytics"]
    print(f"\nWith {rows[-1]['workers']} workers (worker RSS after the placement rounds: "
          f"{rows[-1]['worker_rss_mb_after_placement']:.0f} MB):")
    print("| call | p50 ms | p99 ms | mean ms |")
    print("|---|---|---|---|")
    for k, v in a.items():
        print(f"| {k} | {v['p50_ms']:.1f} | {v['p99_ms']:.1f} | {v['mean_ms']:.1f} |")


if __name__ == "__main__":
    main()
