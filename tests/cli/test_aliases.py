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


# ---- aliases learnt from glosses -------------------------------------------------------------

def aliases(nd, ix, *name, expect_rc=0):
    rc, out, err = nd("aliases", "--index", ix, "--json", *name)
    assert rc == expect_rc, err
    return json.loads(out) if rc == 0 else None


def test_seed_page_glosses_are_learnt(nd, seed_index):
    got = aliases(nd, seed_index)["aliases"]
    pairs = {(a["latin"], a["cjk"]) for a in got}
    assert pairs == {("Chen Quanguo", "陳全國"), ("Wang Yi", "王毅"), ("Li Keqiang", "李克強")}
    for a in got:
        assert a["script"] == "Hani" and a["articles"] == 1 and a["first"] == 1
    # by either form, in any case, simplified or traditional
    for name in (["Chen", "Quanguo"], ["chen quanguo"], ["陈全国"], ["陳全國"]):
        res = aliases(nd, seed_index, *name)
        assert [(a["latin"], a["cjk"]) for a in res["aliases"]] == [("Chen Quanguo", "陳全國")]
    rc, out, err = nd("aliases", "--index", seed_index, "Nobody")
    assert rc == 1 and "no aliases" in err
    rc, out, err = nd("aliases", "--index", seed_index)
    assert rc == 0 and "Chen Quanguo = 陳全國  (Hani, 1 article, first 1)" in out


GLOSSED = [
    {"url": "https://g.test/1", "title": "Visit", "maintext":
     "Party Secretary Chen Quanguo (陳全國) met Foreign Minister Wang Yi (王毅)."},
    {"url": "https://g.test/2", "title": "訪問", "maintext": "新疆党委书记陈全国（Chen Quanguo）表示。"},
    {"url": "https://g.test/3", "title": "Typo", "maintext": "Chen Quanguo (陈全果) was misspelt."},
    {"url": "https://g.test/4", "title": "Japan", "maintext":
     "Prime Minister Shinzo Abe (安倍晋三) met President Moon Jae-in (문재인)."},
]


def test_inconsistent_glosses_keep_every_pair(nd, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, write_jsonl(tmp_path / "g.jsonl", GLOSSED))
    got = aliases(nd, ix, "Chen Quanguo")["aliases"]
    assert [(a["cjk"], a["articles"], a["first"]) for a in got] == [("陳全國", 2, 1), ("陈全果", 1, 3)]
    every = {a["latin"]: a for a in aliases(nd, ix)["aliases"]}
    assert every["Shinzo Abe"]["cjk"] == "安倍晋三" and every["Moon Jae-in"]["script"] == "Hang"
    # deleting an article uncounts its glosses, and the first article moves on
    rc, out, err = nd("delete", "--index", ix, "https://g.test/1")
    assert rc == 0, err
    got = aliases(nd, ix, "陈全国")["aliases"]
    assert [(a["cjk"], a["articles"], a["first"]) for a in got] == [("陳全國", 1, 2)]
    assert aliases(nd, ix, "Wang Yi", expect_rc=1) is None
    assert nd.check(ix)[0] == 0


N_GLOSSED = 1500
NAMES = [("Chen Quanguo", "陳全國"), ("Wang Yi", "王毅"), ("Li Keqiang", "李克強"),
         ("Moon Jae-in", "문재인"), ("Shinzo Abe", "安倍晋三"), ("Kim Jong Un", "김정은")]


def test_alias_table_survives_kill9(nd, newsdex_bin, tmp_path):
    """kill -9 during ingest: the table the index opens with counts exactly the committed
    articles (check recounts them), and the finished ingest counts them all."""
    from test_crash import Ingest
    import random
    import time
    data = tmp_path / "glossed.jsonl"
    arts = []
    for i in range(N_GLOSSED):
        latin, cjk = NAMES[i % len(NAMES)]
        arts.append({"url": f"https://crash.test/{i}", "title": f"Report {i}",
                     "maintext": f"Report number {i}: {latin} ({cjk}) spoke. " + "word " * 200})
    write_jsonl(data, arts)
    ix = tmp_path / "ix"
    rng = random.Random(13)
    seen = []
    for round_ in range(4):
        ing = Ingest(newsdex_bin, ix, data, commit_every=100)
        ing.wait_lines(round_ + 2)
        time.sleep(rng.uniform(0, 0.05))
        ing.kill()
        rc, out, err = nd.check(ix)
        assert rc == 0, f"check after kill {round_}:\n{out}{err}"
        docs = nd.stats(ix)["documents"]
        got = {a["latin"]: a["articles"] for a in aliases(nd, ix)["aliases"]}
        # the committed articles are a prefix of the file: pair k is glossed by every 6th
        want = {latin: len(range(k, docs, len(NAMES))) for k, (latin, _) in enumerate(NAMES)
                if k < docs}
        assert got == want, f"after kill {round_} with {docs} documents"
        seen.append(docs)
    assert min(seen) < N_GLOSSED, f"no kill interrupted the ingest: {seen}"
    nd.ingest(ix, data, opts=("-q",))
    got = {a["latin"]: (a["articles"], a["first"]) for a in aliases(nd, ix)["aliases"]}
    assert got == {latin: (N_GLOSSED // len(NAMES), k + 1) for k, (latin, _) in enumerate(NAMES)}
    assert nd.check(ix)[0] == 0


# ---- query-time expansion through the aliases -------------------------------------------------

ONLY = [
    {"url": "https://only.test/cjk", "title": "新疆", "maintext": "新疆黨委書記陳全國昨日出席會議。"},
    {"url": "https://only.test/latin", "title": "Envoys", "maintext":
     "Envoys asked to meet Chen Quanguo in Urumqi."},
    {"url": "https://only.test/apart", "title": "Other", "maintext":
     "Chen met them. Quanguo was not there."},
]


@pytest.fixture(scope="module")
def expand_index(nd, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("aliases-expand")
    ix = tmp / "ix"
    nd.ingest(ix, SEED, opts=("--drop-stubs",))
    nd.ingest(ix, write_jsonl(tmp / "only.jsonl", ONLY))
    return ix



def hit_urls(res):
    return {h["url"] for h in res["hits"]}


def seed_url(nd, ix):
    return nd.show(ix, "1")["url"]


@pytest.mark.parametrize("q", ['"Chen Quanguo"', "Chen Quanguo", "陈全国", "陳全國"])
def test_every_form_finds_every_article(nd, expand_index, q):
    """The seed page (glossing the name), an article writing only 陳全國 and one writing only
    Chen Quanguo are all found by each form."""
    res = nd.search(expand_index, q)
    want = {seed_url(nd, expand_index), "https://only.test/cjk", "https://only.test/latin"}
    assert want <= hit_urls(res), (q, hit_urls(res))
    by = {h["url"]: h for h in res["hits"]}
    assert "<mark>陳全國</mark>" in by["https://only.test/cjk"]["snippet"]
    assert "Chen" in by["https://only.test/latin"]["snippet"] and \
        "<mark>" in by["https://only.test/latin"]["snippet"]


def test_no_aliases_searches_as_written(nd, expand_index):
    res = nd.search(expand_index, '"Chen Quanguo"', "--no-aliases")
    assert "https://only.test/cjk" not in hit_urls(res)
    assert "https://only.test/latin" in hit_urls(res)
    res = nd.search(expand_index, "陈全国", "--no-aliases")
    assert "https://only.test/latin" not in hit_urls(res)
    assert "https://only.test/cjk" in hit_urls(res)
    # words apart are still words apart: the expansion adds the phrase, it does not drop the AND
    assert "https://only.test/apart" in hit_urls(nd.search(expand_index, "Chen Quanguo"))
    assert "https://only.test/apart" not in hit_urls(nd.search(expand_index, '"Chen Quanguo"'))


def test_export_expands_like_search(nd, expand_index):
    rc, out, err = nd("export", "--index", expand_index, "--query", '"Chen Quanguo"')
    assert rc == 0, err
    urls = {json.loads(l)["url"] for l in out.splitlines() if l.strip()}
    assert "https://only.test/cjk" in urls and "https://only.test/latin" in urls


@pytest.mark.parametrize("q", ['person:"Chen Quanguo"', "person:陳全國", "person:陈全国"])
def test_person_field_expands_through_the_aliases(nd, expand_index, q):
    """person: with either form finds the seed page, the article writing only 陳全國 (no name
    there for the rules, which read Latin capitals) and the one writing only Chen Quanguo."""
    res = nd.search(expand_index, q)
    want = {seed_url(nd, expand_index), "https://only.test/cjk", "https://only.test/latin"}
    assert hit_urls(res) == want, (q, hit_urls(res))
    by = {h["url"]: h for h in res["hits"]}
    assert "<mark>陳全國</mark>" in by["https://only.test/cjk"]["snippet"]
    # without the table the field holds only the Latin names the rules found
    rc, out, err = nd("search", "--index", expand_index, "--json", "--no-aliases", q)
    assert rc in (0, 1), err
    assert "https://only.test/cjk" not in {h["url"] for h in json.loads(out)["hits"]}
    # an article that writes the words apart is not a person:"Chen Quanguo" of the table
    assert "https://only.test/apart" not in hit_urls(res)
