"""Disk use after commits and merges: the index directory holds one generation.

After `newsdex optimize` (and after every commit) the files the newest manifest does not name are
removed, so `du` of the index is the size of one generation; a reader that still holds the removed
segments (a running server) goes on answering from them, then sees the new generation.
"""
import json
import re

from conftest import ROOT, Server, run_cli

BBC = ROOT.parent / "shared" / "corpora" / "text" / "bbc-news-2225" / "bbc"


def files_of(index):
    return sorted(p.name for p in index.iterdir())


def manifest_names(index):
    """(manifest file, the files it names)"""
    mans = sorted(p for p in index.iterdir() if p.name.startswith("MANIFEST-"))
    newest = mans[-1]
    named = set()
    for line in newest.read_text().splitlines():
        m = re.match(r"segment (\S+) ndocs \d+ delgen ([0-9a-f]+) ndel \d+", line)
        if m:
            named.add(m.group(1) + ".ndx")
            if int(m.group(2), 16):
                named.add(f"{m.group(1)}.del-{int(m.group(2), 16):016x}")
    return mans, named


def stats(index):
    rc, out, err = run_cli("stats", "--json", "--index", index)
    assert rc == 0, err
    return json.loads(out)


def test_optimize_leaves_one_generation(tmp_path):
    ix = tmp_path / "ix"
    rc, out, err = run_cli("ingest", "-q", "--commit-every", "150", "--index", ix, BBC / "business",
                           BBC / "sport")
    assert rc == 0, err
    before = stats(ix)
    assert before["segments"] > 1
    # delete a few so that the merge also drops deletions
    rc, out, err = run_cli("delete", "--index", ix, "1", "2", "3")
    assert rc == 0, err
    rc, out, err = run_cli("optimize", "--index", ix)
    assert rc == 0, err
    mans, named = manifest_names(ix)
    assert len(mans) == 1, files_of(ix)
    assert len(named) == 1  # one segment, no deletion file
    assert set(files_of(ix)) == named | {mans[0].name, "LOCK"}, files_of(ix)
    after = stats(ix)
    assert after["documents"] == before["documents"] - 3
    seg_bytes = sum((ix / n).stat().st_size for n in named)
    total = sum(p.stat().st_size for p in ix.iterdir())
    assert total == seg_bytes + mans[0].stat().st_size
    rc, out, err = run_cli("check", "--index", ix)
    assert rc == 0, err


def test_every_commit_removes_what_it_replaced(tmp_path):
    ix = tmp_path / "ix"
    for part in ("tech", "politics"):
        rc, out, err = run_cli("ingest", "-q", "--index", ix, BBC / part)
        assert rc == 0, err
        rc, out, err = run_cli("delete", "--index", ix, "5")
        assert rc in (0, 1), err  # the second time id 5 is gone already
        mans, named = manifest_names(ix)
        assert len(mans) == 1, files_of(ix)
        assert set(files_of(ix)) == named | {mans[0].name, "LOCK"}, files_of(ix)


def test_reader_keeps_answering_across_a_merge(tmp_path):
    ix = tmp_path / "ix"
    rc, out, err = run_cli("ingest", "-q", "--commit-every", "100", "--index", ix, BBC / "tech")
    assert rc == 0, err
    s = Server(ix)
    try:
        first = s.json("/api/search?q=mobile+phones&limit=5")
        assert first["total"] > 0
        rc, out, err = run_cli("optimize", "--index", ix)
        assert rc == 0, err
        # the server's segments were removed from the directory; it answers from its mappings or
        # from the new generation, with the same results either way
        again = s.json("/api/search?q=mobile+phones&limit=5")
        assert again["total"] == first["total"]
        assert [h["id"] for h in again["hits"]] == [h["id"] for h in first["hits"]]
        doc = s.json(f"/api/doc/{first['hits'][0]['id']}")
        assert doc["id"] == first["hits"][0]["id"]
    finally:
        s.stop()
    assert stats(ix)["segments"] == 1
