"""Keyword fields over HTTP: facet=section and section:sport on /api/search answer what the CLI
prints; a keyword field the index does not hold is a 400."""
import json
import urllib.parse

import pytest

from conftest import Server, run_cli

ARTICLES = [
    {"url": "http://a.example/1", "title": "Match report", "maintext": "The team won the match.",
     "meta": {"section": "Sport"}, "keywords": ["Football", "Premier League"]},
    {"url": "http://a.example/2", "title": "Budget", "maintext": "The minister raised the tax.",
     "meta": {"section": "Politics"}, "keywords": ["Budget"]},
    {"url": "http://a.example/3", "title": "Cup final", "maintext": "The game ended in a draw.",
     "meta": {"section": "sport"}, "keywords": "Football"},
]


@pytest.fixture(scope="module")
def fields_server(newsdex_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("fields")
    f = d / "a.jsonl"
    f.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    rc, out, err = run_cli("ingest", "-q", "--index", d / "ix", "--field", "section=meta.section",
                           "--field", "tags=keywords", f)
    assert rc == 0, err
    s = Server(d / "ix")
    s.index_dir = d / "ix"
    yield s
    s.stop()


def url(path, params):
    return path + "?" + urllib.parse.urlencode(params, doseq=True)


def test_facet_section_matches_the_cli(fields_server):
    r = fields_server.json(url("/api/search", {"q": "the", "facet": ["section", "tags"],
                                               "limit": 0}))
    assert r["facets"]["section"] == [{"value": "Sport", "stories": 2, "copies": 2},
                                      {"value": "Politics", "stories": 1, "copies": 1}]
    rc, out, err = run_cli("search", "--index", fields_server.index_dir, "--json", "--limit", "0",
                           "--facet", "section", "--facet", "tags", "the")
    assert rc == 0, err
    cli = json.loads(out)
    assert r["facets"] == cli["facets"] and r["facets_other"] == cli["facets_other"]


def test_section_filter(fields_server):
    r = fields_server.json(url("/api/search", {"q": "section:sport", "facet": "tags"}))
    assert sorted(h["url"] for h in r["hits"]) == ["http://a.example/1", "http://a.example/3"]
    assert r["facets"]["tags"][0] == {"value": "Football", "stories": 2, "copies": 2}


def test_unknown_keyword_facet_is_a_400(fields_server):
    r = fields_server.json(url("/api/search", {"q": "the", "facet": "colour"}), expect=400)
    assert "colour" in json.dumps(r)
