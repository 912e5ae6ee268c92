"""The analytics of the HTTP API (docs/API.md, docs/ANALYTICS.md): facet= and histogram= on
/api/search and /api/timeline answer exactly what the CLI prints, and bad parameters are 400s
with a JSON error."""
import json
import urllib.parse

import pytest

from conftest import cli_json, strip_took


def url(path, params):
    return path + "?" + urllib.parse.urlencode(params, doseq=True)


@pytest.mark.parametrize("query", ["strike", "port OR budget", "date:2021 marrowhaven"])
def test_search_facets_and_histogram_match_the_cli(server, sample_index, query):
    params = {"q": query, "limit": 3, "facet": ["source", "lang", "wire", "year", "month"],
              "facet_size": 4, "histogram": "week"}
    r = server.json(url("/api/search", params))
    assert set(r["facets"]) == {"source", "lang", "wire", "year", "month"}
    assert len(r["facets"]["source"]) <= 4
    assert r["histogram"]["interval"] == "week"
    assert sum(v["copies"] for v in r["facets"]["lang"]) == r["total_copies"]
    args = ["search", "--index", sample_index, "--json", "--limit", "3", "--facet-size", "4",
            "--histogram", "week"]
    for f in params["facet"]:
        args += ["--facet", f]
    cli = cli_json(*args, "--", query)
    assert strip_took(r)["facets"] == cli["facets"]
    assert r["facets_other"] == cli["facets_other"]
    assert r["histogram"] == cli["histogram"]
    # cached answers keep the analytics, and other arguments are other cache entries
    again = server.json(url("/api/search", params))
    assert strip_took(again) == strip_took(r)
    plain = server.json(url("/api/search", {"q": query, "limit": 3}))
    assert "facets" not in plain and "histogram" not in plain


def test_prefix_filter(server):
    r = server.json(url("/api/search", {"q": "strike", "facet": "source:MARROW", "limit": 0}))
    assert r["facets"]["source"] and all(v["value"].startswith("marrow")
                                         for v in r["facets"]["source"])


def test_timeline_matches_the_cli(server, sample_index):
    params = {"q": "strike", "compare": ["budget", "port -strike"], "by": "day"}
    r = server.json(url("/api/timeline", params))
    assert r["interval"] == "day" and [s["query"] for s in r["series"]] == [
        "strike", "budget", "port -strike"]
    cli = cli_json("timeline", "--index", sample_index, "--json", "--by", "day", "strike",
                   "--compare", "budget", "--compare", "port -strike")
    assert r == cli
    keys = {tuple(b["key"] for b in s["buckets"]) for s in r["series"]}
    assert len(keys) == 1
    default = server.json(url("/api/timeline", {"q": "strike"}))
    assert default["interval"] == "month"


@pytest.mark.parametrize("path,params,message", [
    ("/api/search", {"q": "strike", "facet": "colour"}, "unknown facet 'colour'"),
    ("/api/search", {"q": "strike", "histogram": "hour"}, "histogram must be"),
    ("/api/search", {"q": "strike", "facet": "lang", "facet_size": "0"}, "facet_size must be"),
    ("/api/search", {"q": "strike", "facet": "lang", "facet_size": "x"}, "facet_size must be"),
    ("/api/search", {"q": "strike", "facet": ["lang"] * 17}, "at most 16 facet"),
    ("/api/search", {"q": "strike", "histogram": "day", "from": "1800-01-01"}, None),
    ("/api/timeline", {"q": "strike", "by": "fortnight"}, "by must be"),
    ("/api/timeline", {"q": "strike", "compare": "(unbalanced"}, "unbalanced"),
    ("/api/timeline", {"q": "strike", "compare": ""}, "compare must be"),
    ("/api/timeline", {"compare": "x"}, "missing parameter q"),
    ("/api/timeline", {"q": "x", "compare": ["y"] * 8}, "at most 7 compare"),
])
def test_bad_parameters_are_400(server, path, params, message):
    st, h, body = server.get(url(path, params))
    if message is None:  # a valid request
        assert st == 200, body
        return
    assert st == 400, body
    j = json.loads(body)
    assert j["status"] == 400 and message in j["error"], j
    if "unbalanced" in message:
        assert j["query"] == "(unbalanced" and "position" in j


def test_terms_match_the_cli(server, sample_index):
    r = server.json(url("/api/terms", {"q": "strike", "size": 5}))
    cli = cli_json("terms", "--index", sample_index, "--json", "--limit", "5", "strike")
    assert r == cli
    assert set(r) == {"query", "method", "sampled", "sample", "stories", "background", "terms"}
    for t in r["terms"]:
        assert set(t) == {"term", "score", "fg", "bg"}
    s = server.json(url("/api/terms", {"q": "strike", "sample": 2, "method": "chi2"}))
    assert s["sampled"] in (True, False) and s["stories"] <= 2 and s["method"] == "chi2"


@pytest.mark.parametrize("params,message", [
    ({"q": "strike", "sample": "1000000000"}, "sample must be"),
    ({"q": "strike", "sample": "-1"}, "sample must be"),
    ({"q": "strike", "method": "tfidf"}, "method must be"),
    ({"q": "strike", "size": "0"}, "size must be"),
    ({"q": "strike", "size": "1001"}, "size must be"),
    ({"q": "\"strike"}, "missing closing quote"),
    ({}, "missing parameter q"),
])
def test_terms_bad_parameters_are_400(server, params, message):
    st, h, body = server.get(url("/api/terms", params))
    assert st == 400, body
    j = json.loads(body)
    assert j["status"] == 400 and message in j["error"], j
