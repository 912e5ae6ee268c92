"""Ingestion through the CLI: the bundled sample, re-ingest, updates, exact copies, show/delete,
gzip, stdin, field maps and the news-please JSON files of giveme5w1h-dev."""
import gzip
import json
import re
from datetime import datetime, timezone

import pytest

from conftest import (GIVEME, SAMPLE_JSONL, SAMPLE_PAGES, json_article, load_sample_jsonl,
                      norm_body, parse_summary, simulate_ingest, tokenize)


def sample_expectations():
    """Stored sample articles (first occurrence of each body) and exact-copy pairs."""
    rows = load_sample_jsonl()
    arts = [(*json_article(r), r) for r in rows]
    stored = simulate_ingest(arts)
    seen = {}
    pairs = []
    for r in rows:
        key = norm_body(json_article(r)[2])
        if key in seen:
            pairs.append((seen[key]["url"], r["url"]))
        else:
            seen[key] = r
    return rows, stored, pairs


def page_files():
    return sorted(p for p in SAMPLE_PAGES.iterdir() if p.is_file())


def test_sample_ingest_summary_and_count(nd, tmp_path):
    rows, stored, pairs = sample_expectations()
    pages = page_files()
    page_bodies = {norm_body(p.read_text(encoding="utf-8")) for p in pages}
    assert len(page_bodies) == len(pages)
    assert len(pairs) == 2  # the README's E1 and E2
    rc, out, err = nd.ingest(tmp_path / "ix", SAMPLE_JSONL, SAMPLE_PAGES, opts=("--drop-stubs",))
    s = parse_summary(err)
    assert s["duplicates"] == len(pairs)
    assert "2 duplicates" in err
    assert s["added"] == len(stored) + len(pages)
    assert s["updated"] == 0 and s["unchanged"] == 0 and s["skipped"] == 0
    assert nd.stats(tmp_path / "ix")["documents"] == len(stored) + len(pages)
    rc, out, err = nd.check(tmp_path / "ix")
    assert rc == 0, err


def test_reingest_adds_nothing(nd, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL, SAMPLE_PAGES)
    before = nd.stats(ix)["documents"]
    rc, out, err = nd.ingest(ix, SAMPLE_JSONL, SAMPLE_PAGES)
    s = parse_summary(err)
    assert s["added"] == 0 and s["updated"] == 0
    assert nd.stats(ix)["documents"] == before
    assert nd.check(ix)[0] == 0


def test_reingest_is_all_unchanged(nd, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL, SAMPLE_PAGES, opts=("--drop-stubs",))
    rc, out, err = nd.ingest(ix, SAMPLE_JSONL, SAMPLE_PAGES, opts=("--drop-stubs",))
    s = parse_summary(err)
    n_inputs = len(load_sample_jsonl()) + len(page_files())
    assert s["duplicates"] == 0
    assert s["unchanged"] == n_inputs


def test_reingest_does_not_repeat_copies(nd, tmp_path):
    ix = tmp_path / "ix"
    _, _, pairs = sample_expectations()
    nd.ingest(ix, SAMPLE_JSONL)
    nd.ingest(ix, SAMPLE_JSONL)
    nd.ingest(ix, SAMPLE_JSONL)
    for first, copy in pairs:
        urls = [c["url"] for c in nd.show(ix, first)["copies"]]
        assert urls == [copy], urls


def unique_phrase_of(rows, idx):
    """A 4-word window of article idx's body that no other sample text contains."""
    others = [" ".join(tokenize(r["title"] + "\n" + r["maintext"]))
              for j, r in enumerate(rows) if j != idx]
    others += [" ".join(tokenize(p.read_text(encoding="utf-8"))) for p in page_files()]
    toks = tokenize(rows[idx]["maintext"])
    for i in range(len(toks) - 3):
        ph = " ".join(toks[i:i + 4])
        if all(not re.search(r"(^| )" + re.escape(ph) + r"( |$)", o) for o in others):
            return ph
    raise AssertionError("no unique phrase")


def test_update_same_url(nd, tmp_path):
    rows = load_sample_jsonl()
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL)
    before = nd.stats(ix)["documents"]
    old_phrase = unique_phrase_of(rows, 0)
    assert nd.total(ix, f'"{old_phrase}"') == 1
    new = dict(rows[0])
    new["maintext"] = "Completely rewritten story about the quoxbelfrant negotiations.\nSecond paragraph."
    f = tmp_path / "update.jsonl"
    f.write_text(json.dumps(new) + "\n", encoding="utf-8")
    rc, out, err = nd.ingest(ix, f)
    s = parse_summary(err)
    assert s["updated"] == 1 and s["added"] == 0
    assert "1 updated" in err
    assert nd.stats(ix)["documents"] == before
    res = nd.search(ix, "quoxbelfrant")
    assert res["total"] == 1 and res["hits"][0]["url"] == rows[0]["url"]
    assert nd.total(ix, f'"{old_phrase}"') == 0
    shown = nd.show(ix, rows[0]["url"])
    assert "quoxbelfrant" in shown["text"]
    assert nd.check(ix)[0] == 0


def test_show_lists_exact_copies(nd, sample_index):
    ix, _ = sample_index
    rows, stored, pairs = sample_expectations()
    for first, copy in pairs:
        a = nd.show(ix, first)
        assert a["url"] == first
        assert copy in [c["url"] for c in a["copies"]], a["copies"]
        assert isinstance(a["id"], int)
        b = nd.show(ix, str(a["id"]))
        assert b["url"] == first and b["text"] == a["text"]


def test_show_by_copy_url(nd, sample_index):
    ix, _ = sample_index
    _, _, pairs = sample_expectations()
    for first, copy in pairs:
        a = nd.show(ix, copy)
        assert a["url"] == first


def test_show_by_url_plain(nd, sample_index):
    ix, _ = sample_index
    rows = load_sample_jsonl()
    r = rows[3]
    rc, out, err = nd("show", "--index", ix, r["url"])
    assert rc == 0, err
    assert r["title"] in out
    assert r["maintext"].split("\n")[0] in out
    rc, out, err = nd("show", "--index", ix, "https://no.such.example/article")
    assert rc == 1 and err.strip()


def test_show_json_fields(nd, sample_index):
    ix, _ = sample_index
    r = load_sample_jsonl()[0]
    a = nd.show(ix, r["url"])
    assert a["title"] == r["title"]
    assert a["text"] == r["maintext"]
    # a host name as the source: lower-cased, "www." dropped (docs/INPUT.md, "Source names")
    assert r["source_domain"].startswith("www.")
    assert a["source"] == r["source_domain"][4:].lower()
    assert a["lang"] == r["language"]
    want = datetime.fromisoformat(r["date_publish"]).astimezone(timezone.utc)
    assert a["date"] == want.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_delete_by_id(nd, tmp_path):
    rows = load_sample_jsonl()
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL)
    before = nd.stats(ix)["documents"]
    phrase = unique_phrase_of(rows, 4)
    aid = nd.show(ix, rows[4]["url"])["id"]
    rc, out, err = nd("delete", "--index", ix, str(aid))
    assert rc == 0, err
    assert nd.total(ix, f'"{phrase}"') == 0
    assert nd.stats(ix)["documents"] == before - 1
    rc, out, err = nd.check(ix)
    assert rc == 0, err
    nd.show(ix, str(aid), expect_rc=1)
    rc, out, err = nd("delete", "--index", ix, str(aid))
    assert rc == 1


def test_delete_by_url(nd, tmp_path):
    rows = load_sample_jsonl()
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL)
    phrase = unique_phrase_of(rows, 7)
    rc, out, err = nd("delete", "--index", ix, rows[7]["url"])
    assert rc == 0, err
    assert nd.total(ix, f'"{phrase}"') == 0
    assert nd.check(ix)[0] == 0


def test_gzip_input_same_as_plain(nd, tmp_path):
    gz = tmp_path / "articles.jsonl.gz"
    gz.write_bytes(gzip.compress(SAMPLE_JSONL.read_bytes()))
    nd.ingest(tmp_path / "a", SAMPLE_JSONL)
    nd.ingest(tmp_path / "b", gz)
    sa, sb = nd.stats(tmp_path / "a"), nd.stats(tmp_path / "b")
    _, stored, _ = sample_expectations()
    assert sb["documents"] == sa["documents"] == len(stored)
    for k in ("terms", "postings", "tokens"):
        assert sb[k] == sa[k], k
    # a gz file named without .gz is detected by content
    nogz = tmp_path / "articles.data"
    nogz.write_bytes(gz.read_bytes())
    nd.ingest(tmp_path / "c", nogz)
    assert nd.stats(tmp_path / "c")["documents"] == len(stored)


def test_stdin_input(nd, tmp_path):
    _, stored, _ = sample_expectations()
    nd.ingest(tmp_path / "ix", "-", input=SAMPLE_JSONL.read_bytes())
    assert nd.stats(tmp_path / "ix")["documents"] == len(stored)
    r = load_sample_jsonl()[1]
    assert nd.show(tmp_path / "ix", r["url"])["title"] == r["title"]


def test_stdin_plain_text(nd, tmp_path):
    text = "Stdin headline about glorbnik\nFirst paragraph mentions the glorbnik festival.\n"
    nd.ingest(tmp_path / "ix", "-", input=text.encode())
    res = nd.search(tmp_path / "ix", "title:glorbnik")
    assert res["total"] == 1
    assert res["hits"][0]["title"] == "Stdin headline about glorbnik"


def test_field_map(nd, tmp_path):
    recs = [
        {"link": "https://ex.example/a1", "headline": "Zanzibarian ferry resumes",
         "story": "The ferry service restarted on Monday after repairs to the wharvlet.",
         "published": "2020-06-01T10:00:00Z", "site": "ex.example", "maintext": "DECOY text"},
        {"link": "https://ex.example/a2", "headline": "Council budget approved",
         "story": "The council approved a budget for the wharvlet district.",
         "published": "2021-02-03", "site": "ex.example"},
    ]
    f = tmp_path / "custom.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    ix = tmp_path / "ix"
    nd.ingest(ix, f, opts=("--field", "body=story,title=headline,url=link,date=published,source=site"))
    assert nd.stats(ix)["documents"] == 2
    a = nd.show(ix, "https://ex.example/a1")
    assert a["title"] == recs[0]["headline"]
    assert a["text"] == recs[0]["story"]
    assert a["date"] == "2020-06-01T10:00:00Z"
    assert a["source"] == "ex.example"
    assert nd.total(ix, "wharvlet") == 2
    assert nd.total(ix, "decoy") == 0
    assert nd.total(ix, "title:zanzibarian") == 1
    assert nd.total(ix, "date:2021-02") == 1


def test_field_map_unknown_key_fails(nd, tmp_path):
    f = tmp_path / "custom.jsonl"
    f.write_text(json.dumps({"link": "https://ex.example/a", "story": "Some text here."}) + "\n",
                 encoding="utf-8")
    rc, out, err = nd("ingest", "--index", tmp_path / "ix2", "--field", "bo-gus=x", f)
    assert "bo-gus" in err
    assert rc != 0


def giveme_expectations():
    files = sorted(GIVEME.glob("*.json"))
    arts = []
    for f in files:
        d = json.loads(f.read_text(encoding="utf-8"))
        arts.append((*json_article(d), d))
    stored = simulate_ingest(arts)
    no_text = sum(1 for u, t, b, d in arts if not t and not b)
    return files, stored, no_text


def giveme_month(d):
    v = d.get("date_publish")
    if not v:
        return None
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m")


@pytest.fixture(scope="module")
def giveme_index(nd, tmp_path_factory):
    ix = tmp_path_factory.mktemp("giveme") / "ix"
    rc, out, err = nd("ingest", "--index", ix, GIVEME)
    return ix, rc, err


def test_giveme_count(nd, giveme_index):
    ix, rc, err = giveme_index
    files, stored, no_text = giveme_expectations()
    assert len(files) == 227
    s = parse_summary(err)
    assert s["skipped"] == no_text
    assert rc == (1 if no_text else 0)
    assert s["added"] + s["duplicates"] + no_text == len(files)
    assert nd.stats(ix)["documents"] == len(stored)
    assert nd.check(ix)[0] == 0


def test_giveme_dates(nd, giveme_index):
    ix, _, _ = giveme_index
    _, stored, _ = giveme_expectations()
    months = {}
    for d in stored:
        m = giveme_month(d)
        if m:
            months[m] = months.get(m, 0) + 1
    top = sorted(months, key=lambda m: (-months[m], m))[:4]
    for m in top:
        assert nd.total(ix, f"date:{m}") == months[m], m
    years = {}
    for m, c in months.items():
        years[m[:4]] = years.get(m[:4], 0) + c
    for y, c in years.items():
        assert nd.total(ix, f"date:{y}") == c, y
    assert nd.total(ix, "date:1800..2200") == sum(months.values())


def test_giveme_titles_searchable(nd, giveme_index):
    ix, _, _ = giveme_index
    _, stored, _ = giveme_expectations()
    d = next(d for d in stored if d.get("title") and d.get("url"))
    a = nd.show(ix, d["url"])
    assert a["title"] == " ".join(d["title"].split())


def test_sample_sidebar_page_keeps_stubs_apart(nd, tmp_path):
    # sample/README.md: one page ends with 3 sidebar stubs cut mid-sentence
    page = SAMPLE_PAGES / "lestovia-first-budget-with-sidebar.txt"
    lines = [l for l in page.read_text(encoding="utf-8").splitlines() if l.strip()]
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, page)
    assert "3 teaser stubs" in err
    assert nd.stats(ix)["documents"] == 4
    rc, out, err = nd.ingest(tmp_path / "ix2", page, opts=("--drop-stubs", "--absolute-paths"))
    assert nd.stats(tmp_path / "ix2")["documents"] == 1
    art = nd.show(tmp_path / "ix2", "file://" + str(page.resolve()))
    assert lines[-1] not in art["text"] and lines[-3] not in art["text"]
    assert lines[-4] in art["text"]
