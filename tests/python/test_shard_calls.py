"""The library calls a sharded archive's related stories are built on: ndx_article_stats and
ndx_related_article, on plain indexes (no cluster)."""
import pytest

import newsdex
from conftest import BBC


def as_dict(a):
    return {"url": a.url, "title": a.title, "body": a.body, "lang": a.lang, "source": a.source,
            "date": a.published}


def test_related_article_is_related_of_a_stored_article(sample_index):
    ix = newsdex.Index(sample_index)
    for a in ix.export():
        want = [(h.id, h.score) for h in ix.related(a.id)]
        got = [(h.id, h.score) for h in ix.related_article(as_dict(a), article_id=a.id)]
        assert got == want
    a = next(iter(ix.export("dravik")))
    own = [h.id for h in ix.related_article(dict(as_dict(a), url=None))]  # not left out
    assert own[0] == a.id
    bare = ix.related_article({"body": a.body})  # no title, language or date
    assert bare and {h.id for h in bare} <= {x.id for x in ix.export()}


def test_article_stats_add_up_and_score_as_one_index(tmp_path):
    if not (BBC / "business").exists():
        pytest.skip("corpus missing")
    arts, _ = newsdex.read_articles(BBC / "business")
    # an exact copy split from its original between the shards is stored in both: one of each
    seen = set()
    arts = [x for x in arts if not (x["body"] in seen or seen.add(x["body"]))]
    with newsdex.Index(tmp_path / "one", write=True) as one, \
            newsdex.Index(tmp_path / "a", write=True) as a, \
            newsdex.Index(tmp_path / "b", write=True) as b:
        one.ingest(arts)
        a.ingest(arts[::2])
        b.ingest(arts[1::2])
    one, a, b = (newsdex.Index(tmp_path / n) for n in ("one", "a", "b"))
    probe = arts[7]
    s1, sa, sb = (ix.article_stats(probe) for ix in (one, a, b))
    assert s1["docs"] == sa["docs"] + sb["docs"] > 0
    assert s1["sum_dl"] == sa["sum_dl"] + sb["sum_dl"]
    assert s1["df"] and set(s1["df"]) == set(sa["df"]) == set(sb["df"])
    for t, df in s1["df"].items():
        assert df == sa["df"][t] + sb["df"][t], t
    from newsdex.cluster import merge_stats
    total = merge_stats([sa, sb])
    b.set_stats(total)
    assert b.article_stats(probe) == sb  # its own statistics, whatever it scores with
    want = {h.url: h.score for h in one.related_article(probe, limit=50) if h.copies == 1}
    got = {h.url: h.score for h in b.related_article(probe, limit=50) if h.url in want}
    assert len(got) >= 5  # (stories split between a and b show another copy: not compared)
    for u, score in got.items():
        assert abs(score - want[u]) < 1e-9 * want[u], u
    b.set_stats(None)
    assert any(abs(h.score - want[h.url]) > 1e-3 * want[h.url]
               for h in b.related_article(probe, limit=50) if h.url in want)
