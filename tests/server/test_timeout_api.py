"""`timeout_ms=` on /api/search: a search that runs out of its budget answers 200 with the best
hits found so far and `"partial": true`, is never cached, and a bad value is a 400.  No
wall-clock thresholds: a 1 ms budget on queries that need far more."""
import json
import urllib.parse

import pytest

from conftest import Server, run_cli, synthetic_articles


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("budget") / "ix"
    rc, out, err = run_cli("ingest", "-q", "--index", d, "-",
                           input=synthetic_articles(1500, words=300, tag="zq").encode())
    assert rc == 0, err
    s = Server(d, "--threads", "2")
    yield s
    s.stop()


# within the API's 4096 bytes of query: a phrase of 500 words found in every article, and 200
# ORed phrases
PHRASE = '"' + " ".join(["zq"] * 500) + '"'
ORED = " OR ".join(f'"zq item {i}"' for i in range(200))


@pytest.mark.parametrize("query", [PHRASE, ORED], ids=["phrase-500", "or-200-phrases"])
def test_budget_runs_out_partial(big, query):
    st, h, body = big.get(q("/api/search", q=query, timeout_ms=1, snippets=0))
    assert st == 200
    r = json.loads(body)
    assert r["partial"] is True
    full = big.json(q("/api/search", q=query, snippets=0, limit=1000, collapse=0))
    assert "partial" not in full
    assert r["total"] <= full["total"]
    assert {x["id"] for x in r["hits"]} <= {x["id"] for x in full["hits"]}
    # a partial answer is not cached: the same request is computed again
    st, h, body = big.get(q("/api/search", q=query, timeout_ms=1, snippets=0))
    assert st == 200 and h.get("x-cache") != "hit"


def test_generous_budget_same_answer(big):
    a = big.json(q("/api/search", q="zq item", limit=5))
    b = big.json(q("/api/search", q="zq item", limit=5, timeout_ms=3600000))
    assert "partial" not in b
    a.pop("took_ms"), b.pop("took_ms")
    assert a == b


@pytest.mark.parametrize("bad", ["abc", "-1", "3600001"])
def test_bad_timeout_is_400(big, bad):
    st, h, body = big.get(q("/api/search", q="zq", timeout_ms=bad))
    assert st == 400
    assert "timeout_ms" in json.loads(body)["error"]
