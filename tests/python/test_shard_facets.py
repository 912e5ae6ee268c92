"""Keyword fields (`fields="section=section"`, `section:sport`, a `section` facet) from Python and
across the shards of an archive: read_articles and dicts carry them, an archive's shards store
them, and one value written "Sport", "sport" and "SPORT" on three shards is one value of the
archive's facet with the counts of one index."""
import json

import pytest

import newsdex
from newsdex.cluster import ShardedArchive
from newsdex.cluster.merge import merge_facets
from newsdex.records import Facet, FacetValue
from test_aliases import urls_on_shards

BODIES = ["The cup final was played on Saturday in front of a crowd of forty thousand.",
          "The league announced a new schedule for the coming season on Tuesday.",
          "A record transfer fee was agreed for the young striker late on Friday.",
          "Parliament passed the budget after a long night of talks between the parties.",
          "The coach of the national team resigned after the defeat in the semi-final."]
SECTIONS = ["Sport", "sport", "SPORT", "Politics", "Sport"]


def write_jsonl(path, urls):
    with open(path, "w") as f:
        for i, (u, body, sec) in enumerate(zip(urls, BODIES, SECTIONS)):
            f.write(json.dumps({"url": u, "title": f"Story {i}", "body": body, "lang": "en",
                                "section": sec}) + "\n")


def test_dicts_carry_keyword_fields(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [f"https://n.example/{i}" for i in range(5)])
    arts, rep = newsdex.read_articles(tmp_path / "a.jsonl", fields="section=section")
    assert [a["fields"] for a in arts] == [{"section": [s]} for s in SECTIONS]
    arts.append({"url": "https://n.example/x", "title": "x", "body": "Rain all week.", "fields": 3})
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        rep = ix.ingest(arts)
    assert rep.added == 6
    assert rep.problems == [("item 5", "fields left out: not a dict of field name to a value "
                                       "or a list of values")]
    ix = newsdex.Index(tmp_path / "ix")
    assert ix.search("section:sport", limit=0).total == 4
    (v,) = [v for v in ix.search("section:sport", facets=["section"]).facets["section"].values]
    assert (v.value, v.stories, v.copies) == ("Sport", 4, 4)
    assert ix.show("https://n.example/1").fields == {"section": ["sport"]}
    assert ix.show("https://n.example/x").fields == {}
    assert [a.fields for a in ix.export("section:politics")] == [{"section": ["Politics"]}]


@pytest.mark.parametrize("shards", [[0, 1, 2, 3, 1], [0, 1, 1, 0, 1]])
def test_archive_facet_of_a_keyword_field_is_one_index_facet(tmp_path, shards):
    """Three shards writing the value three ways; then two shards holding no such field."""
    urls = urls_on_shards(4, shards)
    write_jsonl(tmp_path / "a.jsonl", urls)
    arc = ShardedArchive([tmp_path / f"s{i}" for i in range(4)])  # tasks in this process
    arc.ingest(tmp_path / "a.jsonl", fields="section=section")
    with newsdex.Index(tmp_path / "one", write=True) as one:
        one.ingest(tmp_path / "a.jsonl", fields="section=section")
    one = newsdex.Index(tmp_path / "one")
    for q in ("section:sport", "section:SPORT OR section:politics", "the"):
        want = one.search(q, limit=10, facets=["section"], snippets=False)
        got = arc.search(q, limit=10, facets=["section"], snippets=False)
        assert got.total == want.total and want.total > 0, q
        shown = lambda f: [(v.value.lower(), v.stories, v.copies) for v in f.values]  # noqa: E731
        assert shown(got.facets["section"]) == shown(want.facets["section"]), q
        assert all(v.value in SECTIONS for v in got.facets["section"].values)
    with pytest.raises(newsdex.InvalidArgumentError) as want:
        one.search("the", facets=["sectoin"])
    with pytest.raises(newsdex.InvalidArgumentError) as got:
        arc.search("the", facets=["sectoin"])
    assert str(got.value) == str(want.value)


def test_merge_folds_keyword_values_only():
    a = Facet("section", [FacetValue("Sport", 2, 3), FacetValue("news", 1, 1)], 0, 0, 0)
    b = Facet("section", [FacetValue("sport", 1, 5), FacetValue("News", 1, 1)], 0, 0, 0)
    m = merge_facets("section", [a, b], 10)
    assert [(v.value, v.stories, v.copies) for v in m.values] == [("sport", 3, 8), ("news", 2, 2)]
    s = merge_facets("source", [Facet("source", [FacetValue("BBC", 1, 1)], 0, 0, 0),
                                Facet("source", [FacetValue("bbc", 1, 1)], 0, 0, 0)], 10)
    assert [v.value for v in s.values] == ["BBC", "bbc"]  # sources are kept as written
    one = merge_facets("section", [a, b], 1)
    assert (one.other_values, one.other_stories, one.other_copies) == (1, 2, 2)
