"""wire:yes / wire:no (the wire facet's values as a filter), and the story totals of a search
that neither collapses nor lists hits, rechecked against `newsdex export`."""
import pytest

from conftest import BBC, GIVEME, export_rows, search_json


@pytest.fixture(scope="module")
def ix(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("wire") / "ix"
    nd.ingest(d, GIVEME, BBC / "business", expect_rc=None)
    return d


@pytest.mark.parametrize("query", ["the", "said", "trump OR market"])
def test_wire_filter_keeps_the_facet_value(nd, ix, query):
    facet = {v["value"]: v for v in search_json(nd, ix, query, "--limit", "0", "--facet",
                                           "wire")["facets"]["wire"]}
    assert facet.get("yes"), "the corpus should hold wire stories"
    for value, flag in (("yes", True), ("no", False)):
        arts = export_rows(nd, ix, f"({query}) wire:{value}")
        assert arts and all(a["wire"] is flag for a in arts)
        res = search_json(nd, ix, f"({query}) wire:{value}", "--limit", "0")
        assert (res["total_stories"], res["total_copies"]) == (facet[value]["stories"],
                                                              facet[value]["copies"])
    every = {a["id"] for a in export_rows(nd, ix, query)}
    yes = {a["id"] for a in export_rows(nd, ix, f"({query}) wire:yes")}
    no = {a["id"] for a in export_rows(nd, ix, f"({query}) -wire:yes")}
    assert yes | no == every and not yes & no


def test_wire_takes_yes_or_no(nd, ix):
    rc, out, err = nd("search", "--index", ix, "wire:maybe")
    assert rc == 2 and "wire: takes yes or no" in err
    assert search_json(nd, ix, "WIRE:YES", "--limit", "0")["total"] > 0


@pytest.mark.parametrize("query", ["the", "profits", "wire:no"])
@pytest.mark.parametrize("limit", ["0", "5"])
def test_story_totals_without_collapse(nd, ix, query, limit):
    arts = export_rows(nd, ix, query)
    res = search_json(nd, ix, query, "--limit", limit, "--no-collapse")
    assert res["total"] == len(arts)
    assert res["total_stories"] == len({a["story"] for a in arts})
    assert res["total_copies"] == sum(1 + len(a["copies"]) for a in arts)
