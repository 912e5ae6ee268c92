"""Keyword fields mapped at ingest (`--field section=meta.section --field tags=keywords`) and the
Reuters TOPICS/PLACES: filterable as `name:value`, facetable with `--facet name`, their stories and
copies equal to a brute-force recount joining `newsdex export` with the input."""
import json
import re
from collections import defaultdict

import pytest

from conftest import CORPORA, export_rows, search_json

REUTERS = CORPORA / "text" / "reuters21578" / "sgm-data" / "reut2-000.sgm"

ARTICLES = [
    ("http://a.example/1", "Match report", "The team won the football match with a late goal.",
     {"section": "Sport"}, ["Football", "Premier League"]),
    ("http://a.example/2", "Budget news", "The minister announced the budget and taxes rose.",
     {"section": "Politics"}, ["Budget", "Tax"]),
    ("http://a.example/3", "Cup final", "Another football game ended in a draw after penalties.",
     {"section": "sport"}, "Football"),
    ("http://a.example/4", "No fields", "Nothing here about football or budgets at all today."),
    # an exact copy of 1 from another outlet: recorded on 1, counted as a copy
    ("http://b.example/9", "Match report", "The team won the football match with a late goal.",
     {"section": "Sport"}, ["Football"]),
]


def raw_values(a):
    """{field: [values as written]} of an input article."""
    if len(a) <= 3:
        return {}
    return {"section": [a[3]["section"]], "tags": a[4] if isinstance(a[4], list) else [a[4]]}


# each value is matched case-insensitively and shown as the first article holding it wrote it
FIRST_SEEN = {}
for _a in ARTICLES:
    for _f, _vs in raw_values(_a).items():
        for _v in _vs:
            FIRST_SEEN.setdefault((_f, _v.lower()), _v)


def values(a):
    """{field: set of values, as first written} of an input article."""
    out = defaultdict(set)
    for f, vs in raw_values(a).items():
        out[f].update(FIRST_SEEN[(f, v.lower())] for v in vs)
    return out


@pytest.fixture(scope="module")
def mapped(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("fields")
    f = d / "a.jsonl"
    with f.open("w") as fh:
        for a in ARTICLES:
            o = {"url": a[0], "title": a[1], "maintext": a[2]}
            if len(a) > 3:
                o["meta"] = a[3]
                o["keywords"] = a[4]
            fh.write(json.dumps(o) + "\n")
    rc, out, err = nd("ingest", "--index", d / "ix", "--field", "section=meta.section",
                      "--field", "tags=keywords", f)
    assert rc == 0, err
    return d / "ix"


def recount(arts, fields_of, field):
    stories, copies = defaultdict(set), defaultdict(int)
    for a in arts:
        for v in fields_of(a["url"]).get(field, ()):
            stories[v].add(a["story"])
            copies[v] += 1 + len(a["copies"])
    return {v: (len(stories[v]), copies[v]) for v in copies}


def facet_map(res, field):
    return {v["value"]: (v["stories"], v["copies"]) for v in res["facets"][field]}


def test_filter_finds_the_articles_holding_the_value(nd, mapped):
    hits = search_json(nd, mapped, "section:sport")["hits"]
    assert sorted(h["url"] for h in hits) == ["http://a.example/1", "http://a.example/3"]
    hits = search_json(nd, mapped, 'tags:"premier league"')["hits"]
    assert [h["url"] for h in hits] == ["http://a.example/1"]
    hits = search_json(nd, mapped, "football -section:sport")["hits"]
    assert [h["url"] for h in hits] == ["http://a.example/4"]
    hits = search_json(nd, mapped, "tags:budg*")["hits"]
    assert [h["url"] for h in hits] == ["http://a.example/2"]
    # a field the index does not hold: the word is searched as text, as before
    assert search_json(nd, mapped, "colour:football")["total"] == 0


@pytest.mark.parametrize("query", ["football", "the", "section:sport", "-tags:tax"])
def test_keyword_facets_equal_a_recount_from_export(nd, mapped, query):
    by_url = {a[0]: values(a) for a in ARTICLES}
    arts = export_rows(nd, mapped, query)
    res = search_json(nd, mapped, query, "--limit", "0", "--facet", "section", "--facet", "tags")
    for field in ("section", "tags"):
        assert facet_map(res, field) == recount(arts, lambda u: by_url[u], field), field


def test_copies_count_under_the_original_values(nd, mapped):
    res = search_json(nd, mapped, "section:sport", "--limit", "0", "--facet", "section")
    assert facet_map(res, "section") == {"Sport": (2, 3)}


def test_prefix_and_top_n(nd, mapped):
    res = search_json(nd, mapped, "the", "--limit", "0", "--facet", "tags:foot", "--facet-size", "5")
    assert [v["value"] for v in res["facets"]["tags"]] == ["Football"]
    res = search_json(nd, mapped, "the", "--limit", "0", "--facet", "tags", "--facet-size", "1")
    assert len(res["facets"]["tags"]) == 1
    other = res["facets_other"]["tags"]
    assert other["values"] >= 1 and other["stories"] >= 1


def test_values_shown_as_first_written_and_matched_in_any_case(nd, mapped):
    res = search_json(nd, mapped, "football OR budget", "--limit", "0", "--facet", "section",
                 "--facet", "tags")
    assert facet_map(res, "section") == {"Sport": (2, 3), "Politics": (1, 1)}
    assert {v["value"] for v in res["facets"]["tags"]} == {"Football", "Premier League",
                                                           "Budget", "Tax"}
    # the value as the facet shows it, lower-cased or upper-cased: the same articles
    want = sorted(h["url"] for h in search_json(nd, mapped, "section:sport")["hits"])
    for q in ("section:Sport", "section:SPORT", 'tags:"Premier League"', 'tags:"PREMIER league"'):
        got = sorted(h["url"] for h in search_json(nd, mapped, q)["hits"])
        assert got == (want if q.startswith("section") else ["http://a.example/1"]), q
    # the prefix filter of a facet ignores case too
    res = search_json(nd, mapped, "the", "--limit", "0", "--facet", "tags:PREM")
    assert [v["value"] for v in res["facets"]["tags"]] == ["Premier League"]


def test_first_written_form_skips_deleted_articles(nd, tmp_path):
    f = tmp_path / "a.jsonl"
    rows = [("http://x.example/1", "SPORT"), ("http://x.example/2", "Sport")]
    f.write_text("".join(json.dumps({"url": u, "title": f"Story {i}",
                                     "maintext": f"A football report number {i} for the page.",
                                     "meta": {"section": v}}) + "\n"
                         for i, (u, v) in enumerate(rows)))
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--index", ix, "--field", "section=meta.section", f)
    assert rc == 0, err
    res = search_json(nd, ix, "football", "--limit", "0", "--facet", "section")
    assert facet_map(res, "section") == {"SPORT": (2, 2)}
    rc, out, err = nd("delete", "--index", ix, "http://x.example/1")
    assert rc == 0, err
    res = search_json(nd, ix, "football", "--limit", "0", "--facet", "section")
    assert facet_map(res, "section") == {"Sport": (1, 1)}


def test_unknown_keyword_facet_and_bad_map_are_errors(nd, mapped, tmp_path):
    rc, out, err = nd("search", "--index", mapped, "--facet", "colour", "x")
    assert rc == 2 and "unknown facet 'colour'" in err
    f = tmp_path / "x.jsonl"
    f.write_text('{"url": "http://x/1", "maintext": "Some text to index here."}\n')
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", "--field", "9lives=x", f)
    assert rc != 0 and "9lives" in err


def reuters_fields():
    """{NEWID: {"topics": set, "places": set}} from the SGML itself."""
    text = REUTERS.read_text(encoding="latin-1")
    out = {}
    for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', text, re.S):
        rec = {}
        for field in ("topics", "places"):
            g = re.search(rf"<{field.upper()}>(.*?)</{field.upper()}>", m.group(2), re.S)
            rec[field] = set(re.findall(r"<D>(.*?)</D>", g.group(1))) if g else set()
        out[m.group(1)] = rec
    return out


@pytest.fixture(scope="module")
def reuters(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("reuters") / "ix"
    rc, out, err = nd("ingest", "--index", d, REUTERS)
    assert rc == 0, err
    return d


@pytest.mark.parametrize("query", ["oil", "the", "topics:grain", "places:usa -topics:earn"])
def test_reuters_topics_and_places_are_facets(nd, reuters, query):
    fields = reuters_fields()
    arts = export_rows(nd, reuters, query)
    assert arts
    res = search_json(nd, reuters, query, "--limit", "0", "--facet", "topics", "--facet", "places",
                 "--facet-size", "1000")
    for field in ("topics", "places"):
        want = recount(arts, lambda u: fields[u.rsplit("#", 1)[1]], field)
        assert facet_map(res, field) == want, field


def test_reuters_topic_filter_equals_the_input(nd, reuters):
    fields = reuters_fields()
    arts = export_rows(nd, reuters, "topics:crude")
    got = {a["url"].rsplit("#", 1)[1] for a in arts}
    every = {a["url"].rsplit("#", 1)[1] for a in export_rows(nd, reuters)}
    assert got and got == {k for k in every if "crude" in fields[k]["topics"]}
