"""Names in two scripts over HTTP: GET /api/aliases lists the alias table as the CLI does, and
/api/search expands a name to its other form unless aliases=0 (docs/API.md)."""
import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

from conftest import Server, run_cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "news-page.txt"

ARTICLES = [
    {"url": "https://zh.test/only", "title": "新疆", "maintext": "新疆黨委書記陳全國昨日出席會議。"},
    {"url": "https://zh.test/other", "title": "天氣", "maintext": "今天天氣很好。"},
]


@pytest.fixture(scope="module")
def alias_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("alias-api")
    ix = d / "ix"
    rc, out, err = run_cli("ingest", "-q", "--drop-stubs", "--index", ix, SEED)
    assert rc == 0, err
    data = d / "zh.jsonl"
    data.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES),
                    encoding="utf-8")
    rc, out, err = run_cli("ingest", "-q", "--index", ix, data)
    assert rc == 0, err
    s = Server(ix)
    yield s, ix
    s.stop()


def url(path, params):
    return path + "?" + urllib.parse.urlencode(params)


def test_aliases_endpoint_matches_the_cli(alias_server):
    s, ix = alias_server
    r = s.json("/api/aliases")
    rc, out, err = run_cli("aliases", "--index", ix, "--json")
    assert rc == 0, err
    assert r == json.loads(out)
    assert {(a["latin"], a["cjk"]) for a in r["aliases"]} == {
        ("Chen Quanguo", "陳全國"), ("Wang Yi", "王毅"), ("Li Keqiang", "李克強")}
    one = s.json(url("/api/aliases", {"name": "陈全国"}))
    assert one["name"] == "陈全国" and one["total"] == 1
    assert one["aliases"][0] == {"latin": "Chen Quanguo", "cjk": "陳全國", "script": "Hani",
                                 "articles": 1, "first": 1}
    assert s.json(url("/api/aliases", {"name": "nobody"}))["total"] == 0
    st, h, body = s.get("/api/aliases?name=" + "x" * 70000)
    assert st in (400, 414)


@pytest.mark.parametrize("q", ["陈全国", "陳全國", '"Chen Quanguo"', "Chen Quanguo"])
def test_seed_article_found_by_every_form(alias_server, q):
    s, ix = alias_server
    r = s.json(url("/api/search", {"q": q, "collapse": 0}))
    urls = {h["url"] for h in r["hits"]}
    assert "https://zh.test/only" in urls, (q, urls)
    assert len(urls) == 2, (q, urls)  # the seed page and the article writing only 陳全國
    only = next(h for h in r["hits"] if h["url"] == "https://zh.test/only")
    assert "<mark>陳全國</mark>" in only["snippet"], only["snippet"]


def test_aliases_0_searches_as_written(alias_server):
    s, ix = alias_server
    r = s.json(url("/api/search", {"q": '"Chen Quanguo"', "aliases": 0, "collapse": 0}))
    assert "https://zh.test/only" not in {h["url"] for h in r["hits"]}
    assert r["total"] == 1
    st, h, body = s.get(url("/api/search", {"q": "x", "aliases": "maybe"}))
    assert st == 400 and b"aliases must be 0 or 1" in body
