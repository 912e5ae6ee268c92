#!/usr/bin/env python3
"""bench/cluster/terms_traffic.py - what significant terms of a sharded archive send to the
coordinator, with the first round's once-seen terms sent as keys (the archive's way) and with
every term sent in full (as before), side by side on the same shards, in this process.

Usage: bench/cluster/terms_traffic.py SHARD_DIR... [-- QUERY...]
Prints, per query and way: the pickled size of the shards' foreground answers (what Dask
would carry to the coordinator), the process CPU time of the whole terms() call, and whether
both ways give the same terms.
"""
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
os.environ.setdefault("NEWSDEX_LIBRARY", str(ROOT / "build" / "libnewsdex.so.0.1"))
import newsdex.cluster as cluster  # noqa: E402
from newsdex.cluster import ShardedArchive  # noqa: E402
from newsdex.cluster import terms as sig  # noqa: E402

args = sys.argv[1:]
shards = args[:args.index("--")] if "--" in args else args
queries = args[args.index("--") + 1:] if "--" in args else ["borders books", "computer",
                                                             "company", "oil prices"]
if not shards:
    sys.exit(__doc__)
arc = ShardedArchive(shards)
sent = [0]
task = cluster._task_terms_fg


def counted(*a, **k):
    r = task(*a, **k)
    sent[0] += len(pickle.dumps(r))
    return r


cluster._task_terms_fg = counted
split = sig.split_once
print("| query | way | sent to the coordinator MB | CPU ms | terms |")
print("|---|---|---|---|---|")
for q in queries:
    got = {}
    for way in ("every term in full", "once-seen as keys"):
        sig.split_once = (lambda fg: (fg, [])) if way == "every term in full" else split
        sent[0] = 0
        t0 = time.process_time()
        r = arc.terms(q, 25, sample=200)
        cpu = (time.process_time() - t0) * 1e3
        got[way] = r
        print(f"| {q} | {way} | {sent[0] / 1e6:.2f} | {cpu:.0f} | {len(r.terms)} |")
    assert got["every term in full"] == got["once-seen as keys"], q
