"""Index.place (ndx_index_place) says what ndx_index_add will do with an article: the article
its URL reaches, an exact copy, the story a near copy joins; the keys are computed without an
index (ndx_article_keys_of)."""
import json
import subprocess
import sys

import pytest

import newsdex
from conftest import ROOT
from newsdex.index import article_keys, sketch_bands, sketch_similarity


@pytest.fixture(scope="module")
def syndicated(tmp_path_factory):
    d = tmp_path_factory.mktemp("syn")
    subprocess.run([sys.executable, str(ROOT / "bench" / "dedup" / "gen.py"), "--out", str(d),
                    "--bases", "150", "--copied", "60", "--ja-bases", "20", "--ja-copied", "8"],
                   check=True, capture_output=True)
    return [json.loads(line) for line in open(d / "articles.jsonl")]


def test_place_predicts_ingest(tmp_path, syndicated):
    arts = syndicated
    first, rest = arts[: len(arts) // 2], arts[len(arts) // 2:]
    rest = rest + [dict(a, title="Re-sent") for a in first[:20]]  # same URL, same body
    rest += [dict(a, body=a.get("maintext", "") + " A correction.") for a in first[20:30]]
    rest += [dict(a, url=a["url"] + "?copy") for a in first[30:40]]  # exact copies
    seen = {"url": 0, "copy": 0, "story": 0}
    expect = {}  # id -> the story placement said it would join
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        ix.ingest(first)
        reader = newsdex.Index(tmp_path / "ix")
        assert reader.place([article_keys(a)[0] for a in rest[:50]]) == \
            ix.place([article_keys(a)[0] for a in rest[:50]])
        for a in rest:
            url_id, copy_of, held, best, story = ix.place([article_keys(a)[0]])[0]
            rep = ix.ingest([a], commit=False)
            (gid,) = rep.ids
            if url_id:
                seen["url"] += 1
                assert gid == url_id and rep.added == rep.duplicates == 0
            elif copy_of:
                seen["copy"] += 1
                assert gid == copy_of and rep.duplicates == 1
            else:
                assert rep.added == 1
                expect[gid] = story if best else gid
                seen["story"] += best > 0
                assert held == 0 or sketch_bands(article_keys(a)[0])
        ix.commit()
        assert {gid: ix.show(gid).story for gid in expect} == expect
    assert min(seen.values()) >= 10, seen


def test_keys_and_similarity():
    body = " ".join(f"word{i} harbour strike continues" for i in range(40))
    k1, uh, ch = article_keys({"url": "https://a.example/1", "title": "T", "body": body})
    k2, uh2, ch2 = article_keys({"url": "https://b.example/2", "title": "Other",
                                 "body": body.upper()})
    assert uh != uh2 and ch == ch2  # exact copies compare case-insensitively
    assert sketch_similarity(k1, k2) == pytest.approx(1.0)
    k3, _, _ = article_keys({"title": "short", "body": "too short to sketch"})
    assert sketch_bands(k3) == () and len(sketch_bands(k1)) == 32
    assert sketch_similarity(k1, k3) == 0
    with pytest.raises(ValueError):
        newsdex.Index.place(None, b"x")
