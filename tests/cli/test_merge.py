"""Merging segments copies postings instead of analysing the stored text again.

An index ingested in many commits and then optimized must be the index that one commit of the same
articles builds: the same terms, postings and tokens, and every search the same hits with the same
scores.  Deleted articles disappear from the merged segment.
"""
import json
import shutil

import pytest

from conftest import BBC, CORPORA

QUERIES = ["economy", "bank rates", '"prime minister"', "film OR music", "mobile -phone",
           "title:england", "goal*", "election NOT labour", '"world cup"~3', "date:2004",
           "lang:en growth", "gordon brown", "inflation", "chelsea arsenal", "broadband"]
LIVEDOOR = CORPORA / "text" / "livedoor-news-ja" / "text"


def stats(nd, ix):
    rc, out, err = nd("stats", "--json", "--index", ix)
    assert rc == 0, err
    return json.loads(out)


def hits(nd, ix, q):
    rc, out, err = nd("search", "--json", "--no-collapse", "--no-snippets", "--limit", "100000",
                      "--index", ix, q)
    assert rc == 0, err
    j = json.loads(out)
    return j["total"], sorted((h["id"], round(h["score"], 4)) for h in j["hits"])


JA_QUERIES = ["東京", "映画", "iPhone", "選手 OR 監督", '"アップル"', "title:映画", "ゴール -サッカー"]


def build_pair(nd, d, paths, optimize_one):
    many, one = d / "many", d / "one"
    nd.ingest(many, *paths, opts=("-q", "--commit-every", "97"))
    nd.ingest(one, *paths, opts=("-q", "--memory", "2048"))
    assert stats(nd, many)["segments"] > 3
    assert stats(nd, one)["segments"] == 1
    for ix in (many, one) if optimize_one else (many,):
        rc, out, err = nd("optimize", "--index", ix)
        assert rc == 0, err
    return many, one


@pytest.fixture(scope="module")
def analysed(nd, tmp_path_factory):
    """(many commits then optimize, one commit): a corpus without exact copies, so the one-commit
    index holds no deleted article and is built by analysis alone."""
    d = tmp_path_factory.mktemp("merge-ja")
    paths = [LIVEDOOR / "it-life-hack", LIVEDOOR / "movie-enter", LIVEDOOR / "sports-watch"]
    many, one = build_pair(nd, d, paths, optimize_one=False)
    assert stats(nd, one)["deleted"] == 0
    return many, one


@pytest.fixture(scope="module")
def built(nd, tmp_path_factory):
    """(many commits, one commit), both optimized: BBC's exact copies leave deleted articles in
    both, which optimize drops."""
    d = tmp_path_factory.mktemp("merge")
    return build_pair(nd, d, [BBC / "business", BBC / "tech", LIVEDOOR / "it-life-hack"], True)


def test_merged_index_equals_one_built_by_analysis(nd, analysed):
    many, one = analysed
    a, b = stats(nd, many), stats(nd, one)
    assert a["segments"] == 1
    for k in ("documents", "terms", "postings", "tokens", "text_bytes"):
        assert a[k] == b[k], k


@pytest.mark.parametrize("q", JA_QUERIES)
def test_merged_index_answers_as_analysis(nd, analysed, q):
    many, one = analysed
    total, h = hits(nd, many, q)
    assert total > 0
    assert (total, h) == hits(nd, one, q)


def test_merged_indexes_agree(nd, built):
    many, one = built
    a, b = stats(nd, many), stats(nd, one)
    assert a["segments"] == b["segments"] == 1 and a["deleted"] == 0
    for k in ("documents", "terms", "postings", "tokens"):
        assert a[k] == b[k], k


@pytest.mark.parametrize("q", QUERIES + ["東京", "iPhone"])
def test_merged_indexes_answer_alike(nd, built, q):
    many, one = built
    assert hits(nd, many, q) == hits(nd, one, q)


def test_merge_drops_deleted_articles(nd, built, tmp_path):
    many, _ = built
    ix = tmp_path / "ix"
    shutil.copytree(many, ix)
    total, before = hits(nd, ix, "economy")
    gone = [i for i, _ in before[:5]]
    rc, out, err = nd("delete", "--index", ix, *map(str, gone))
    assert rc == 0, err
    rc, out, err = nd("optimize", "--index", ix)
    assert rc == 0, err
    st = stats(nd, ix)
    assert st["segments"] == 1 and st["deleted"] == 0
    total2, after = hits(nd, ix, "economy")
    assert total2 == total - 5
    assert not set(gone) & {i for i, _ in after}
    rc, out, err = nd("check", "--index", ix)
    assert rc == 0, err
    rc, out, err = nd("show", "--json", "--index", ix, str(after[0][0]))
    assert rc == 0 and json.loads(out)["text"], err


def test_optimize_progress_on_a_terminal(nd, newsdex_bin, tmp_path):
    import os
    import pty
    import re
    import subprocess
    from conftest import check_process, child_env
    ix = tmp_path / "ix"
    nd.ingest(ix, BBC / "business", BBC / "sport", opts=("-q", "--commit-every", "150"))
    plain = tmp_path / "plain"
    shutil.copytree(ix, plain)
    # not a terminal: no progress line
    rc, out, err = nd("optimize", "--index", plain)
    assert rc == 0 and err == "", err
    master, slave = pty.openpty()
    p = subprocess.Popen([str(newsdex_bin), "optimize", "--index", str(ix)],
                         stdout=subprocess.PIPE, stderr=slave, env=child_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out = p.stdout.read().decode()
    p.wait()
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    check_process(["optimize"], p.returncode, err)
    assert p.returncode == 0, err
    assert "documents in 1 segment" in out
    lines = [x for x in re.split(r"\r\x1b\[K", err) if x]
    assert lines, repr(err)
    pcts = [int(m.group(1)) for m in (re.match(r"optimize: (\d+)%", x) for x in lines) if m]
    assert pcts == sorted(pcts) and all(0 <= v <= 100 for v in pcts), lines
    assert lines[-1].startswith("optimize: writing the merged segment"), lines
    assert err.endswith("\r\x1b[K")  # the line is cleared when done
