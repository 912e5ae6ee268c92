"""`ingest --threads N` builds the same index whatever N.

The articles are analysed on several threads, each into a builder of its own, and merged term by
term before a segment is written; updates, exact copies and stories are still decided in the order
the articles come.  An index built on one thread and one built on two or three must hold the same
documents, terms, postings and tokens, answer every query with the same hits and scores, and
export and show the same articles.  Commits every 700 articles make the run write several
segments, so the merge of the threads' postings runs at each of them, and BBC's exact copies
re-add articles at each commit.  With threads a segment is written when the text buffered reaches
the memory budget (estimated, not measured as the threads run), so two and three threads also
agree under a small --memory.
"""
import json

import pytest

from conftest import BBC, CORPORA
from test_merge import stats

LIVEDOOR = CORPORA / "text" / "livedoor-news-ja" / "text"
PATHS = [BBC / "business", BBC / "tech", LIVEDOOR / "it-life-hack", LIVEDOOR / "sports-watch"]
QUERIES = ["economy", "bank rates", '"prime minister"', "film OR music", "mobile -phone",
           "title:profits", "goal*", '"world cup"~3', "broadband", "東京", "選手 OR 監督",
           '"アップル"', "title:iPhone", "ゴール -サッカー"]
SAME_STATS = ("documents", "deleted", "segments", "terms", "postings", "tokens", "text_bytes",
              "duplicates", "date_min", "date_max")


def hits(nd, ix, q):
    rc, out, err = nd("search", "--json", "--no-collapse", "--no-snippets", "--limit", "100000",
                      "--index", ix, q)
    assert rc == 0, err
    j = json.loads(out)
    return j["total"], [(h["id"], round(h["score"], 6), h["story"]) for h in j["hits"]]


def show(nd, ix, key):
    rc, out, err = nd("show", "--json", "--index", ix, key)
    assert rc == 0, err
    j = json.loads(out)
    j.pop("ingested", None)
    return j


@pytest.fixture(scope="module")
def indexes(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("threads")
    out = {}
    for n in (1, 2, 3):
        ix = d / f"t{n}"
        nd.ingest(ix, *PATHS, opts=("-q", "--threads", str(n), "--commit-every", "700"))
        out[n] = ix
    assert stats(nd, out[1])["segments"] > 2
    return out


def test_two_and_three_threads_agree_under_a_memory_budget(nd, tmp_path):
    ixs = []
    for n in (2, 3):
        ix = tmp_path / f"m{n}"
        nd.ingest(ix, *PATHS, opts=("-q", "--threads", str(n), "--memory", "8"))
        ixs.append(ix)
    a, b = stats(nd, ixs[0]), stats(nd, ixs[1])
    assert a["segments"] > 1
    assert {k: a[k] for k in SAME_STATS} == {k: b[k] for k in SAME_STATS}
    for q in QUERIES[::3]:
        assert hits(nd, ixs[0], q) == hits(nd, ixs[1], q)


@pytest.mark.parametrize("n", [2, 3])
def test_same_stats(nd, indexes, n):
    a, b = stats(nd, indexes[1]), stats(nd, indexes[n])
    assert a["deleted"] > 0  # originals committed earlier were re-added with their copies
    assert {k: a[k] for k in SAME_STATS} == {k: b[k] for k in SAME_STATS}


@pytest.mark.parametrize("q", QUERIES)
def test_same_hits_and_scores(nd, indexes, q):
    total, h = hits(nd, indexes[1], q)
    assert total > 0
    for n in (2, 3):
        assert hits(nd, indexes[n], q) == (total, h), n


def test_same_export_and_articles(nd, indexes):
    rc, one, err = nd("export", "--index", indexes[1])
    assert rc == 0, err
    for n in (2, 3):
        rc, other, err = nd("export", "--index", indexes[n])
        assert rc == 0, err
        assert other == one
    ids = [json.loads(line)["id"] for line in one.splitlines()]
    for key in ids[:: max(1, len(ids) // 40)]:
        assert show(nd, indexes[2], str(key)) == show(nd, indexes[1], str(key))


def test_segments_written_from_the_threads_pass_check(nd, indexes):
    # each thread's range of terms is written and hashed as a piece of the postings and positions
    for n in (2, 3):
        rc, out, err = nd.check(indexes[n])
        assert rc == 0, out + err


def test_same_after_optimize(nd, indexes, tmp_path):
    for n in (1, 2):
        rc, out, err = nd("optimize", "--index", indexes[n])
        assert rc == 0, err
    a, b = stats(nd, indexes[1]), stats(nd, indexes[2])
    assert a["segments"] == 1
    assert {k: a[k] for k in SAME_STATS} == {k: b[k] for k in SAME_STATS}
    for q in QUERIES[:5]:
        assert hits(nd, indexes[1], q) == hits(nd, indexes[2], q)


@pytest.mark.parametrize("bad", ["0", "65", "x", "-1"])
def test_bad_thread_count(nd, tmp_path, bad):
    rc, out, err = nd("ingest", "--threads", bad, "--index", tmp_path / "ix", BBC / "tech")
    assert rc == 2
    assert "--threads takes a number from 1 to 64" in err
