"""Query parameters as the command line treats options: an unknown one is a 400 naming it and the
nearest known one (a mistyped `timeout-ms=` used to be ignored, the search then ran without its
budget), and the parameters of every path are the same in the server, docs/API.md and
docs/openapi.json."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_MD = (ROOT / "docs" / "API.md").read_text()
OPENAPI = json.loads((ROOT / "docs" / "openapi.json").read_text())

GETS = ["/api/search", "/api/timeline", "/api/terms", "/api/export", "/api/aliases",
        "/api/stats", "/api/health", "/api/doc/{id}", "/api/doc/{id}/related"]


def openapi_params(path):
    out = set()
    for p in OPENAPI["paths"][path]["get"].get("parameters", []):
        if "$ref" in p:
            p = OPENAPI["components"]["parameters"][p["$ref"].split("/")[-1]]
        if p.get("in") == "query":
            out.add(p["name"])
    return out


def api_md_section(path):
    m = re.search(rf"^### GET {re.escape(path)}\n(.*?)(?=^### |\Z)", API_MD, re.M | re.S)
    assert m, path
    return m.group(1)


def api_md_table(path):
    """The first column of the section's parameter table (`from`, `to` count as two)."""
    names = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", api_md_section(path), re.M):
        names |= set(re.findall(r"`([a-z_]+)`", row))
    return names


def url_of(path):
    return path.replace("{id}", "1")


@pytest.mark.parametrize("path", GETS)
def test_docs_and_openapi_name_the_same_parameters(path):
    table, section = api_md_table(path), api_md_section(path)
    assert table <= openapi_params(path), (path, table - openapi_params(path))
    for name in openapi_params(path):  # in the table, or in the prose of paths with one or two
        assert name in table or f"`{name}`" in section, (path, name)


@pytest.mark.parametrize("path", GETS)
def test_every_documented_parameter_is_taken(server, path):
    for name in sorted(openapi_params(path)):
        q = "&q=strike" if "q" in openapi_params(path) and name != "q" else ""
        st, h, body = server.get(f"{url_of(path)}?{name}=1{q}")
        assert b"unknown parameter" not in body, (path, name, body)


@pytest.mark.parametrize("url,bad,near", [
    ("/api/search?q=strike&limt=5", "limt", "limit"),
    ("/api/search?q=strike&timeout-ms=5", "timeout-ms", "timeout_ms"),
    ("/api/search?q=strike&facets=source", "facets", "facet"),
    ("/api/timeline?q=strike&compar=port", "compar", "compare"),
    ("/api/terms?q=strike&limit=5", "limit", "size"),
    ("/api/export?q=strike&fromat=csv", "fromat", "format"),
])
def test_unknown_parameter_is_named(server, url, bad, near):
    j = server.json(url, expect=400)
    assert j["error"] == f"unknown parameter '{bad}' (did you mean {near}?)", j
    assert j["status"] == 400


@pytest.mark.parametrize("url", ["/api/stats?verbose=1", "/api/doc/1?format=json",
                                 "/api/doc/1/related?size=3"])
def test_unknown_parameter_of_a_path_with_few(server, url):
    j = server.json(url, expect=400)
    assert j["error"].startswith("unknown parameter '"), j


def test_from_and_to_take_a_bare_year_or_month(server):
    hits = server.json("/api/search?q=strike&limit=50&sort=date")["hits"]
    dated = [h["date"] for h in hits if h["date"]]
    assert dated
    year, month = dated[0][:4], dated[0][:7]
    for span, q in ((year, f"strike%20date:{year}"), (month, f"strike%20date:{month}")):
        want = server.json(f"/api/search?q={q}&limit=0")["total"]
        assert want > 0
        got = server.json(f"/api/search?q=strike&limit=0&from={span}&to={span}")["total"]
        assert got == want, (span, got, want)
    j = server.json("/api/search?q=strike&from=1900-13", expect=400)
    assert j["error"] == "from must be a date such as 2019-03-01, 2019-03 or 2019", j
