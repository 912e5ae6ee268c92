"""The seed page (../shared/seed/news-page.txt): a one-article index and the searches the original
issue asked for, plus the JSON result schema, teasers and snippet highlighting."""
import json
import re

import pytest

from conftest import SEED, tokenize

HIT_KEYS = {"id", "score", "title", "url", "source", "date", "lang", "snippet", "teaser"}
TEASER_END = (".", "!", "?", "\u201d", '"', "\u3002")


@pytest.fixture(scope="module")
def seed_index(nd, tmp_path_factory):
    # the article alone: the sidebar stubs are dropped (their handling is tested below)
    d = tmp_path_factory.mktemp("seed") / "ix"
    nd.ingest(d, SEED, opts=("--drop-stubs",))
    return d


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def test_seed_is_one_article(nd, seed_index):
    st = nd.stats(seed_index)
    assert st["documents"] == 1
    rc, out, err = nd.check(seed_index)
    assert rc == 0, err


def test_seed_sidebar_stubs_are_separate_truncated_items(nd, tmp_path, seed_text):
    # The page is an article (a paragraph per line) followed by four sidebar teasers, each cut
    # mid-sentence (the product description); by default they are kept as separate records.
    lines = [l for l in seed_text.splitlines() if l.strip()]
    article_lines, stub_lines = lines[:-4], lines[-4:]
    assert all(not l.rstrip().endswith((".", "”", '"')) for l in stub_lines)
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, SEED)
    assert "4 teaser stubs" in err
    assert nd.stats(ix)["documents"] == 5
    rc, out, err = nd("export", "--index", ix)
    rows = [json.loads(l) for l in out.splitlines()]
    page = [r for r in rows if "#teaser" not in r["url"]]
    stubs = [r for r in rows if "#teaser" in r["url"]]
    assert len(page) == 1 and len(stubs) == 4
    art = nd.show(ix, str(page[0]["id"]))
    assert art["text"].splitlines() == article_lines[1:] or \
        art["text"].splitlines() == article_lines, "body must stop before the stubs"
    for r in stubs:
        st = nd.show(ix, str(r["id"]))
        assert st["truncated"] is True
        assert st["found_on"] == page[0]["url"]
        assert st["text"] in stub_lines
    # a word only in a stub finds the stub, not the article
    res = nd.search(ix, "Poland")
    assert res["total"] == 1 and res["hits"][0].get("truncated") is True
    # re-ingesting the page updates nothing and duplicates nothing
    rc, out, err = nd.ingest(ix, SEED)
    assert nd.stats(ix)["documents"] == 5


@pytest.mark.parametrize("query,marked", [
    ("陳全國", "陳全國"),
    ("王毅", "王毅"),
    ("李克強", "李克強"),
    ('"Chen Quanguo"', "Chen Quanguo"),
    ("Xinjiang", "Xinjiang"),
    ('"European diplomats"', "European diplomats"),
    ("全國", "全國"),
    ("陳", "陳"),
])
def test_seed_queries_find_article(nd, seed_index, seed_text, query, marked):
    assert marked in seed_text  # the expectation itself is grounded in the file
    res = nd.search(seed_index, query)
    assert res["total"] == 1
    assert len(res["hits"]) == 1
    snip = res["hits"][0]["snippet"]
    assert "<mark>" in snip and "</mark>" in snip
    marked_texts = re.findall(r"<mark>(.*?)</mark>", snip)
    assert any(m.lower() == marked.lower() for m in marked_texts), snip


def test_seed_stemming_invite(nd, seed_index, seed_text):
    # the seed says "invite" and "invitation"; with stemming "invited" must match too
    assert "invite " in seed_text
    for q in ("invite", "invited", "invites", "inviting"):
        assert nd.search(seed_index, q)["total"] == 1, q


def test_seed_title_field(nd, seed_index):
    res = nd.search(seed_index, "title:china")
    assert res["total"] == 1
    title = res["hits"][0]["title"]
    assert "china" in tokenize(title)
    # a word of the body that is not in the title must not match title:
    assert "brussels" not in tokenize(title)
    assert nd.search(seed_index, "title:brussels")["total"] == 0
    assert nd.search(seed_index, "body:brussels")["total"] == 1


def test_seed_exclusion_gives_zero(nd, seed_index):
    assert nd.search(seed_index, "-xinjiang")["total"] == 0
    assert nd.search(seed_index, "china -xinjiang")["total"] == 0
    assert nd.search(seed_index, "NOT xinjiang")["total"] == 0
    assert nd.search(seed_index, "china -zzyzxqq")["total"] == 1


def test_seed_exclusion_as_first_argv_word(nd, seed_index):
    """`newsdex search -xinjiang` without `--`: the query word starts with '-'."""
    rc, out, err = nd("search", "--index", seed_index, "--json", "-xinjiang")
    assert rc == 0, f"rc={rc} stderr={err}"


def test_seed_absent_words(nd, seed_index):
    for q in ("tibet", '"european ambassadors"', "陳毅", "xinjiang AND tibet"):
        assert nd.search(seed_index, q)["total"] == 0, q


def test_seed_json_schema(nd, seed_index):
    res = nd.search(seed_index, "Xinjiang")
    assert {"query", "total", "took_ms", "hits"} <= set(res)
    assert res["query"] == "Xinjiang"
    assert isinstance(res["took_ms"], (int, float)) and res["took_ms"] >= 0
    h = res["hits"][0]
    assert HIT_KEYS <= set(h), set(h)
    assert isinstance(h["id"], int)
    assert isinstance(h["score"], float) and h["score"] > 0
    assert h["url"].startswith("file:") and h["url"].endswith("news-page.txt")
    assert h["date"] is None
    assert h["lang"] == "en"
    assert h["title"].startswith("China is to invite")


def _words(s):
    return len(s.split())


def test_seed_teaser(nd, seed_index, seed_text):
    t = nd.search(seed_index, "Xinjiang")["hits"][0]["teaser"]
    assert t.rstrip().endswith(TEASER_END), t[-80:]
    first_para = seed_text.split("\n")[0]
    assert t.startswith(first_para[:60])
    # the teaser is whole sentences of the start of the text: a prefix of the collapsed text
    collapsed = " ".join(seed_text.split())
    assert collapsed.startswith(t), t
    first_sentence = first_para  # the first paragraph is one sentence
    assert _words(t) <= 100 or _words(t) <= _words(first_sentence)
    assert _words(t) >= _words(first_sentence)


def test_seed_snippet_marks_matched_word(nd, seed_index):
    snip = nd.search(seed_index, "diplomats")["hits"][0]["snippet"]
    for m in re.findall(r"<mark>(.*?)</mark>", snip):
        assert m.lower().startswith("diplomat"), snip
    assert "<mark>" in snip
    # no stray/unbalanced markers
    assert snip.count("<mark>") == snip.count("</mark>")
