"""The search-benchmark game's queries (../shared/corpora/queries/search-benchmark-game-queries)
in newsdex's query language: intersection -> AND, union -> OR, phrases and single terms as they
are.  Shared by bench/cluster/bench.py and tests/python/test_cluster.py."""
import json
from pathlib import Path

QUERIES = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "queries" / \
    "search-benchmark-game-queries" / "queries.txt"


def queries(path=QUERIES):
    out = []
    for line in Path(path).read_text().splitlines():
        q = json.loads(line)
        text, tags = q["query"], q["tags"]
        if "intersection" in tags:
            text = text.replace("+", "")
        elif "union" in tags:
            text = " OR ".join(text.split())
        out.append(text)
    return out
