"""Significant terms of a sharded archive read only the terms that can count: a shard sends the
terms it saw once as keys, and is asked again for those another shard holds too; the answer
stays exactly one index's."""
from array import array

import pytest

import newsdex
from conftest import BBC
from newsdex.cluster import ShardedArchive
from newsdex.cluster import terms as sig


def fg(stories, *terms):
    return {"stories": stories, "background": 100, "total_stories": stories,
            "terms": [[w1, w2, n, "en", w1 if w2 is None else f"{w1} {w2}", 1.0]
                      for w1, w2, n in terms]}


def keys(raw):
    return set(array("Q", raw))


def first(f):
    return sig.compact(*sig.split_once(f))


def test_compact_sends_once_seen_terms_as_keys():
    f = first(fg(5, ("port", None, 3), ("strike", None, 1), ("port", "strike", 1)))
    assert [t[0] for t in f["terms"]] == ["port"]
    assert keys(f["once"]) == {sig.term_key("strike", None), sig.term_key("port", "strike")}
    assert sig.term_key("port", "strike") != sig.term_key("port strike", None)
    small = first(fg(2, ("port", None, 1), ("strike", None, 1)))  # F < 3: everything
    assert len(small["terms"]) == 2 and small["once"] == b""


def test_wanted_once_asks_for_terms_held_twice():
    fa = fg(5, ("port", None, 2), ("strike", None, 1), ("dock", None, 1), ("crane", None, 1))
    a = first(fa)
    b = first(fg(4, ("strike", None, 2), ("dock", None, 1), ("ship", None, 1)))
    c = first(fg(1, ("crane", None, 1)))  # sent in full (F < 3)
    wa, wb, wc = sig.wanted_once([a, b, c])
    k = sig.term_key
    assert keys(wa) == {k("strike", None), k("dock", None), k("crane", None)}
    assert keys(wb) == {k("dock", None)} and wc == b""  # ship is on b alone
    again = sig.pick_once(sig.split_once(fa)[1], wa)
    assert sorted(t[0] for t in again["terms"]) == ["crane", "dock", "strike"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    if not BBC.exists():
        pytest.skip("corpora missing")
    d = tmp_path_factory.mktemp("terms")
    files = sorted((BBC / "business").glob("*.txt"))[:150] + \
        sorted((BBC / "sport").glob("*.txt"))[:150]
    arc = ShardedArchive([d / f"s{i}" for i in range(3)])  # tasks in this process
    arc.ingest(files)
    with newsdex.Index(d / "one", write=True) as one:
        one.ingest(files)
    return newsdex.Index(d / "one"), arc


@pytest.mark.parametrize("q,kw", [("market", {}), ("oil prices", {"method": "chi2"}),
                                  ("england", {"sample": 20}), ("chelsea", {"method": "mi"}),
                                  ("bank OR shares", {"size": 40})])
def test_terms_equal_one_index_reading_fewer_terms(archive, monkeypatch, q, kw):
    one, arc = archive
    sent = {"full": 0, "once": 0, "asked": 0}
    compact, pick = sig.compact, sig.pick_once

    def counting(full, once):
        out = compact(full, once)
        sent["full"] += len(out["terms"])
        sent["once"] += len(out["once"]) // 8
        return out

    def picking(once, want):
        out = pick(once, want)
        sent["asked"] += len(out["terms"])
        return out

    monkeypatch.setattr(sig, "compact", counting)
    monkeypatch.setattr(sig, "pick_once", picking)
    calls = []
    fore = newsdex.Index.terms_foreground
    monkeypatch.setattr(newsdex.Index, "terms_foreground",
                        lambda self, *a, **k: calls.append(1) or fore(self, *a, **k))
    want = one.terms(q, **kw)
    assert arc.terms(q, **kw) == want
    assert want.terms
    assert sent["once"] > sent["asked"] + sent["full"]  # most terms travelled as keys only
    assert len(calls) == 3  # once a shard: the second round read what the first kept
