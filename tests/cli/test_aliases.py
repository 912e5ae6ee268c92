"""Names across scripts: simplified and traditional Chinese searched as one script (shown and
highlighted as written), on the seed page and on articles of our own."""
import json

import pytest

from conftest import SEED


@pytest.fixture(scope="module")
def seed_index(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("aliases-seed") / "ix"
    nd.ingest(d, SEED, opts=("--drop-stubs",))
    return d


def write_jsonl(path, articles):
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def zh_index(nd, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("aliases-zh")
    arts = [
        {"url": "https://zh.test/trad", "title": "臺灣選舉結果", "maintext":
         "新疆黨委書記陳全國昨日出席會議。台灣的衞生部門表示，裡面的情況良好。"},
        {"url": "https://zh.test/simp", "title": "台湾经济", "maintext":
         "台湾的经济增长放缓，卫生部门发布了新的报告。"},
        {"url": "https://zh.test/other", "title": "日本", "maintext": "東京的天氣很好。"},
    ]
    ix = tmp / "ix"
    nd.ingest(ix, write_jsonl(tmp / "zh.jsonl", arts))
    return ix


def urls(res):
    return sorted(h["url"] for h in res["hits"])


@pytest.mark.parametrize("q", ["陈全国", "陳全國"])
def test_seed_found_by_both_scripts_and_highlighted_as_written(nd, seed_index, q):
    res = nd.search(seed_index, q)
    assert res["total"] == 1
    assert "<mark>陳全國</mark>" in res["hits"][0]["snippet"] or \
        "<mark>陳全</mark>" in res["hits"][0]["snippet"], res["hits"][0]["snippet"]
    assert "陈" not in res["hits"][0]["snippet"]


def test_simplified_and_traditional_find_each_other(nd, zh_index):
    both = ["https://zh.test/simp", "https://zh.test/trad"]
    for q in ("台湾", "台灣", "臺灣"):
        assert urls(nd.search(zh_index, q)) == both, q
    for q in ("卫生", "衛生", "衞生"):
        assert urls(nd.search(zh_index, q)) == both, q
    for q in ("陈全国", "陳全國"):
        assert urls(nd.search(zh_index, q)) == ["https://zh.test/trad"], q
    # a phrase across the script boundary and a title field
    assert urls(nd.search(zh_index, 'title:台湾')) == both
    assert urls(nd.search(zh_index, '"台湾的"')) == both
    assert urls(nd.search(zh_index, "东京")) == ["https://zh.test/other"]


def test_text_is_shown_as_written(nd, zh_index):
    res = nd.search(zh_index, "台湾 卫生")
    by_url = {h["url"]: h for h in res["hits"]}
    trad = by_url["https://zh.test/trad"]
    assert trad["title"] == "臺灣選舉結果"
    assert "<mark>臺灣</mark>" in trad["title"] or "臺灣" in trad["title"]
    assert "<mark>衞生</mark>" in trad["snippet"], trad["snippet"]
    assert "<mark>台灣</mark>" in trad["snippet"], trad["snippet"]
    simp = by_url["https://zh.test/simp"]
    assert "<mark>卫生</mark>" in simp["snippet"], simp["snippet"]
    doc = nd.show(zh_index, "https://zh.test/trad")
    assert "陳全國" in doc["text"] and "陈" not in doc["text"]


def test_stats_report_analysis_version(nd, zh_index):
    assert nd.stats(zh_index).get("analysis") == 2
