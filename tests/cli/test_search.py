"""Search on real text: a deterministic BBC subset (no stemming) checked against a brute-force
Python scan, paging, sorting and filters on the sample, query errors and hostile queries."""
import json
import random
import re
from datetime import datetime, timezone

import pytest

from conftest import BBC, SAMPLE_JSONL, SAMPLE_PAGES, json_article, load_sample_jsonl, \
    norm_body, simulate_ingest, tokenize

PER_CATEGORY = 80


def bbc_subset():
    files = []
    for cat in sorted(p for p in BBC.iterdir() if p.is_dir()):
        n = 0
        for f in sorted(cat.glob("*.txt")):
            try:
                f.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            files.append(f)
            n += 1
            if n == PER_CATEGORY:
                break
    return files


@pytest.fixture(scope="module")
def bbc(nd, tmp_path_factory):
    files = bbc_subset()
    assert len(files) == 5 * PER_CATEGORY
    ix = tmp_path_factory.mktemp("bbc") / "ix"
    nd.ingest(ix, *files, opts=("--no-stem", "-q"))
    # Brute force model.  Exact copies (same text) are stored once: keep the first file.
    seen = set()
    docs = []   # list of (lines_tokens, all_tokens)
    for f in files:
        text = f.read_text(encoding="utf-8")
        key = norm_body(text_body(text))
        if key in seen:
            continue
        seen.add(key)
        lines = [tokenize(l) for l in text.split("\n") if l.strip()]
        docs.append((lines, [t for l in lines for t in l]))
    return ix, docs


def text_body(text):
    """Body of a plain-text article (docs/INPUT.md): the first line is a headline when short and
    not ending like a sentence; copies are detected on the body alone."""
    lines = [l for l in text.split("\n") if l.strip()]
    first = lines[0].strip()
    if len(first) <= 150 and len(first.split()) <= 20 and \
            not first.endswith((".", "!", "?", '"', "\u201d", "\u2026", "\u3002", "\uff01", "\uff1f")):
        return "\n".join(lines[1:])
    return "\n".join(lines)


def docs_with_word(docs, w):
    return {i for i, (_, toks) in enumerate(docs) if w in toks}


def has_pair(toks, a, b):
    return any(toks[i] == a and toks[i + 1] == b for i in range(len(toks) - 1))


def test_bbc_document_count(nd, bbc):
    ix, docs = bbc
    st = nd.stats(ix)
    assert st["documents"] == len(docs)
    assert st["stemming"] is False


WORDS = ["government", "election", "music", "film", "economy", "market", "players", "mobile",
         "champion", "growth", "labour", "software", "court", "injury", "tax", "said"]


@pytest.mark.parametrize("word", WORDS)
def test_bbc_single_word_count(nd, bbc, word):
    ix, docs = bbc
    want = len(docs_with_word(docs, word))
    assert want > 0
    assert nd.total(ix, word) == want
    assert nd.total(ix, word.upper()) == want


PHRASES = [("prime", "minister"), ("interest", "rates"), ("chief", "executive"),
           ("last", "year"), ("world", "cup"), ("mobile", "phone"), ("general", "election"),
           ("best", "film"), ("tony", "blair"), ("new", "york")]


def test_bbc_phrase_counts(nd, bbc):
    ix, docs = bbc
    checked = 0
    for a, b in PHRASES:
        within = {i for i, (lines, _) in enumerate(docs) if any(has_pair(l, a, b) for l in lines)}
        across = {i for i, (_, toks) in enumerate(docs) if has_pair(toks, a, b)}
        got = nd.total(ix, f'"{a} {b}"')
        if within == across:
            assert got == len(within), (a, b)
            checked += 1
        else:  # a pair straddling a line break: either reading is acceptable
            assert len(within) <= got <= len(across), (a, b)
        assert within, (a, b)
    assert checked >= 6


def test_bbc_boolean_set_arithmetic(nd, bbc):
    ix, docs = bbc
    S = {w: docs_with_word(docs, w) for w in ("government", "election", "music", "film", "tax",
                                             "market")}
    cases = {
        "government election": S["government"] & S["election"],
        "government AND election": S["government"] & S["election"],
        "music OR film": S["music"] | S["film"],
        "government -election": S["government"] - S["election"],
        "government NOT election": S["government"] - S["election"],
        "(music OR film) -government": (S["music"] | S["film"]) - S["government"],
        "tax market OR music film": (S["tax"] & S["market"]) | (S["music"] & S["film"]),
        "tax (market OR music)": S["tax"] & (S["market"] | S["music"]),
        "NOT government": set(range(len(docs))) - S["government"],
        "music OR -film": S["music"] | (set(range(len(docs))) - S["film"]),
    }
    for q, want in cases.items():
        assert nd.total(ix, q) == len(want), q


def test_bbc_prefix(nd, bbc):
    ix, docs = bbc
    for pre in ("econom", "elect", "champion"):
        want = {i for i, (_, toks) in enumerate(docs) if any(t.startswith(pre) for t in toks)}
        assert nd.total(ix, pre + "*") == len(want), pre


def test_bbc_title_field(nd, bbc):
    ix, docs = bbc
    # BBC line 1 is the headline (short, no final punctuation in the vast majority)
    want = {i for i, (lines, _) in enumerate(docs) if "england" in lines[0]}
    got = nd.total(ix, "title:england")
    assert got >= len(want) - 2 and got <= len(docs_with_word(docs, "england"))


def test_paging_disjoint_slices(nd, bbc):
    ix, _ = bbc
    big = nd.search(ix, "said", "--limit", "60", "--no-snippets")
    ids = [h["id"] for h in big["hits"]]
    assert len(ids) == 60 == len(set(ids))
    scores = [h["score"] for h in big["hits"]]
    assert scores == sorted(scores, reverse=True)
    pages = []
    for off in range(0, 60, 15):
        r = nd.search(ix, "said", "--limit", "15", "--offset", str(off), "--no-snippets")
        assert r["total"] == big["total"]
        pages.append([h["id"] for h in r["hits"]])
    flat = [i for p in pages for i in p]
    assert flat == ids
    # past the end
    r = nd.search(ix, "said", "--limit", "10", "--offset", str(big["total"]), "--no-snippets")
    assert r["hits"] == [] and r["total"] == big["total"]


# ---- sample: dates, sort, source and lang filters -----------------------------------------------

def sample_stored():
    rows = load_sample_jsonl()
    return simulate_ingest([(*json_article(r), r) for r in rows])


def utc(r):
    return datetime.fromisoformat(r["date_publish"]).astimezone(timezone.utc)


def test_sort_by_date(nd, sample_index):
    ix, _ = sample_index
    stored = sample_stored()
    want = sorted(stored, key=lambda r: utc(r), reverse=True)
    res = nd.search(ix, "date:1900..2100", "--sort", "date", "--limit", "100", "--no-snippets")
    assert res["total"] == len(stored)
    got = [h["url"] for h in res["hits"]]
    assert [h["date"] for h in res["hits"]] == [utc(r).strftime("%Y-%m-%dT%H:%M:%SZ") for r in want]
    assert set(got) == {r["url"] for r in stored}
    res = nd.search(ix, "date:1900..2100", "--sort", "date-asc", "--limit", "100", "--no-snippets")
    dates = [h["date"] for h in res["hits"]]
    assert dates == sorted(dates)
    # sorting a word query: every dated hit in order
    res = nd.search(ix, "strike", "--sort", "date", "--limit", "100", "--no-snippets")
    d = [h["date"] for h in res["hits"] if h["date"]]
    assert d == sorted(d, reverse=True) and len(d) >= 5


@pytest.mark.parametrize("query,lo,hi", [
    ("date:2021", "2021-01-01", "2022-01-01"),
    ("date:2019-10..2020-12", "2019-10-01", "2021-01-01"),
    ("date:>=2024", "2024-01-01", "9999-01-01"),
    ("date:<2022-09", "0001-01-01", "2022-09-01"),
    ("date:2023-11", "2023-11-01", "2023-12-01"),
])
def test_date_filter_counts(nd, sample_index, query, lo, hi):
    ix, _ = sample_index
    stored = sample_stored()
    lo_d = datetime.fromisoformat(lo).replace(tzinfo=timezone.utc)
    hi_d = datetime.fromisoformat(hi).replace(tzinfo=timezone.utc)
    want = sum(1 for r in stored if lo_d <= utc(r) < hi_d)
    assert want > 0
    assert nd.total(ix, query) == want


def test_from_to_options(nd, sample_index):
    ix, _ = sample_index
    stored = sample_stored()
    lo = datetime(2022, 1, 1, tzinfo=timezone.utc)
    hi = datetime(2023, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    want = sum(1 for r in stored if lo <= utc(r) <= hi)
    assert nd.total(ix, "date:1900..2100", "--from", "2022-01-01", "--to", "2023-12-31") == want


def test_source_filter(nd, sample_index):
    ix, _ = sample_index
    stored = sample_stored()
    for src in ("globalpulse-news.com", "dailybrief-world.com"):
        want = sum(1 for r in stored if r["source_domain"] == src)
        assert want >= 2
        assert nd.total(ix, f"source:{src}") == want, src
        res = nd.search(ix, f"source:{src}", "--limit", "50")
        assert {h["source"] for h in res["hits"]} == {src}


def test_lang_filter(nd, sample_index):
    ix, _ = sample_index
    stored = sample_stored()
    zh_pages = [p for p in SAMPLE_PAGES.iterdir() if p.name.startswith("zh-")]
    for lang, extra in (("zh", len(zh_pages)), ("ja", 0), ("de", 0), ("fr", 0)):
        want = sum(1 for r in stored if r["language"] == lang) + extra
        assert want >= 1
        res = nd.search(ix, f"lang:{lang}", "--limit", "50", "--no-snippets")
        assert res["total"] == want, lang
        assert {h["lang"] for h in res["hits"]} == {lang}


def test_url_filter(nd, sample_index):
    ix, _ = sample_index
    stored = sample_stored()
    want = sum(1 for r in stored if "globalpulse-news.com/" in r["url"])
    assert want >= 2
    assert nd.total(ix, "url:globalpulse-news.com") == want


def test_cjk_gloss_cross_language(nd, sample_index):
    ix, _ = sample_index
    rows = load_sample_jsonl()
    for name in ("梁文浩", "佐藤晴美", "中村葵", "森海斗"):
        langs = {r["language"] for r in sample_stored() if name in r["maintext"] or name in r["title"]}
        res = nd.search(ix, name, "--limit", "50", "--no-snippets")
        assert {h["lang"] for h in res["hits"]} >= langs
        assert len(langs) >= 2


# ---- query errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("query,pos", [
    ('"unclosed', 0),
    ("a AND", 2),
    ("(a", 0),
    ("date:2019-13", 5),
    ("a) b", 1),
    ("title: x", 0),
    ('"a b"~5000', 5),
])
def test_query_syntax_errors(nd, sample_index, query, pos):
    ix, _ = sample_index
    rc, out, err = nd("search", "--index", ix, "--", query)
    assert rc == 2
    assert out == ""
    assert f"offset {pos}" in err, err
    lines = err.rstrip("\n").split("\n")
    caret = lines[-1]
    assert caret.strip() == "^" and caret.index("^") - 2 == pos, err
    rc, out, err = nd("search", "--index", ix, "--json", "--", query)
    assert rc == 2
    j = json.loads(out)
    assert j["position"] == pos and isinstance(j["error"], str) and j["error"]


def test_empty_query_is_error(nd, sample_index):
    ix, _ = sample_index
    rc, out, err = nd("search", "--index", ix, "--", "   ")
    assert rc == 2 and "empty" in err


def test_hostile_queries_do_not_crash(nd, sample_index):
    ix, _ = sample_index
    rng = random.Random(1234)
    queries = [
        "(" * 10000,
        ")" * 10000,
        "(" * 63 + "a" + ")" * 63,
        " ".join(f"w{i}" for i in range(5000)),
        " OR ".join(f"w{i}" for i in range(2000)),
        '"' + " ".join("x" * 3 for _ in range(5000)) + '"',
        "a" * 70000,
        "NOT " * 3000 + "a",
        "-" * 5000,
        "*" * 100,
        "title:" * 1000 + "x",
        "date:" + "9" * 500,
        "\u3000".join(["陳"] * 3000),
        "陳" * 20000,
    ]
    for q in queries:
        rc, out, err = nd("search", "--index", ix, "--json", "--", q)
        assert rc in (0, 2), (rc, err[:300])
        j = json.loads(out)
        if rc == 2:
            assert "error" in j
        else:
            assert "total" in j


def test_binary_garbage_queries_do_not_crash(nd, sample_index):
    ix, _ = sample_index
    rng = random.Random(4321)
    for i in range(8):
        q = bytes(rng.randint(1, 255) for _ in range(rng.randint(1, 3000)))
        rc, out, err = nd("search", "--index", ix, *(("--json",) if i % 2 else ()), "--", q)
        assert rc in (0, 2), (rc, err[:300])


def test_json_output_for_invalid_utf8_query(nd, sample_index):
    ix, _ = sample_index
    rc, out, err = nd("search", "--index", ix, "--json", "--", b"(caf\xe9")
    assert rc == 2
    assert "error" in json.loads(out)
    rc, out, err = nd("search", "--index", ix, "--json", "--", b"caf\xe9")
    assert rc == 0
    assert "query" in json.loads(out)


def test_nested_parentheses_limit(nd, sample_index):
    ix, _ = sample_index
    ok = "(" * 60 + "strike" + ")" * 60
    assert nd.total(ix, ok) == nd.total(ix, "strike")
    rc, out, err = nd("search", "--index", ix, "--", "(" * 100 + "strike" + ")" * 100)
    assert rc == 2 and "nested" in err


def has_near(toks, a, b, slop):
    pos_a = [i for i, t in enumerate(toks) if t == a]
    pos_b = [i for i, t in enumerate(toks) if t == b]
    return any(0 < j - i <= slop + 1 for i in pos_a for j in pos_b)


def test_bbc_proximity_counts(nd, bbc):
    ix, docs = bbc
    checked = 0
    for a, b, slop in (("prime", "minister", 0), ("interest", "rates", 2), ("tony", "blair", 3),
                       ("mobile", "phones", 4), ("music", "industry", 5), ("economic", "growth", 3)):
        within = {i for i, (lines, _) in enumerate(docs)
                  if any(has_near(l, a, b, slop) for l in lines)}
        across = {i for i, (_, toks) in enumerate(docs) if has_near(toks, a, b, slop)}
        got = nd.total(ix, f'"{a} {b}"~{slop}')
        assert within, (a, b)
        if within == across:
            assert got == len(within), (a, b, slop)
            checked += 1
        else:
            assert len(within) <= got <= len(across), (a, b, slop)
    assert checked >= 4


def test_json_snippet_is_html_escaped(nd, tmp_path):
    f = tmp_path / "html.jsonl"
    f.write_text(json.dumps({"url": "https://esc.example/1", "title": "Escaping <b>test</b>",
                             "maintext": "The tag <script>alert(1)</script> & the word blorptag "
                                         "appear \"here\" together."}) + "\n", encoding="utf-8")
    nd.ingest(tmp_path / "ix", f)
    h = nd.search(tmp_path / "ix", "blorptag")["hits"][0]
    assert "<script>" not in h["snippet"] and "&lt;script&gt;" in h["snippet"]
    assert "&amp;" in h["snippet"]
    assert "<mark>blorptag</mark>" in h["snippet"]
    assert nd.show(tmp_path / "ix", "https://esc.example/1")["text"].startswith("The tag <script>")


def test_snippet_and_teaser_escape_alike(nd, tmp_path):
    """One escaping rule for snippets and teasers: & < > " and ' all become entities."""
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"url": "https://esc.example/2", "title": "Quotes",
                             "maintext": "It's <b>the</b> \"zorbleword\" & more, said O'Brien."})
                 + "\n", encoding="utf-8")
    nd.ingest(tmp_path / "ix", f)
    rc, out, err = nd("search", "--index", tmp_path / "ix", "--json", "zorbleword")
    assert rc == 0, err
    h = json.loads(out)["hits"][0]
    want = "It&#39;s &lt;b&gt;the&lt;/b&gt; &quot;"
    assert h["snippet"].startswith(want) and "O&#39;Brien" in h["snippet"]
    assert h["teaser"].startswith(want) and "O&#39;Brien" in h["teaser"]
