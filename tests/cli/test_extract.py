"""`newsdex extract`: the article of an HTML page, and for any other input what `ingest` would take
from it (the seed page's article and its teaser stubs, the items of a feed), as text and as JSON
lines; errors and exit status."""
import gzip
import json

from conftest import SEED

PAGE = """<!doctype html><html><head><title>Harbour bridge closes for repairs | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour bridge closes for repairs</h1><p class="byline">By Anna Lindqvist</p>
<p>The council voted on Tuesday to close the old harbour bridge for repairs, after engineers
found cracks in two of its piers during a routine inspection.</p>
<p>The bridge carries about 20,000 cars a day, and the council said the work would take at least
six months, with ferries running every twenty minutes in the meantime.</p>
<p>Foto: Stadtarchiv</p></article>
<aside class="related"><h2>Related</h2><ul><li><a href="/1">Ferry fares rise</a></li>
<li><a href="/2">New tram line</a></li></ul></aside></body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Daily Planet</title>
<link>https://planet.example/</link>
<item><title>Bridge closes</title><link>https://planet.example/bridge</link>
<pubDate>Tue, 03 Mar 2020 10:00:00 GMT</pubDate><description>The council closed the old
bridge.</description></item>
<item><title>Ferry fares rise</title><link>https://planet.example/ferry</link>
<description>Fares rise by ten percent.</description></item></channel></rss>"""


def lines_json(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def test_html_page_text_and_json(nd, tmp_path):
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    rc, out, err = nd("extract", p)
    assert rc == 0, err
    assert "Title:  Harbour bridge closes for repairs\n" in out
    assert "Byline: Anna Lindqvist\n" in out
    assert "The council voted on Tuesday" in out and "six months" in out
    assert "Ferry fares rise" not in out and "Stadtarchiv" not in out and "Home" not in out
    rc, out, err = nd("extract", "--json", p)
    assert rc == 0, err
    (o,) = lines_json(out)
    assert set(o) - {"source"} == {"file", "url", "title", "byline", "date", "lang", "page_type",
                                   "text"}
    assert o["title"] == "Harbour bridge closes for repairs" and o["lang"] == "en"
    assert o["text"].startswith("The council voted") and "\n\n" in o["text"]
    # gzip'd, on stdin, after a comment, after stray bytes: the same article
    g = tmp_path / "page.html.gz"
    g.write_bytes(gzip.compress(PAGE.encode()))
    c = tmp_path / "comment.html"
    c.write_text("<!--section:city--->\n" + PAGE[PAGE.index("<article>"):PAGE.index("<aside")],
                 encoding="utf-8")
    junk = tmp_path / "junk.html"
    junk.write_text("?\n" + PAGE, encoding="utf-8")
    for args, inp in (((g,), None), (("-",), PAGE), ((c,), None), ((junk,), None)):
        rc, out2, err = nd("extract", "--json", *args, input=inp)
        assert rc == 0, err
        (o2,) = lines_json(out2)
        assert o2["text"] == o["text"] and o2["url"] == ""
        assert o2["title"] in (o["title"], "Harbour bridge closes for repairs")


def test_seed_page_article_and_teaser_stubs(nd):
    rc, out, err = nd("extract", "--json", SEED)
    assert rc == 0, err
    docs = lines_json(out)
    assert len(docs) == 5
    article, stubs = docs[0], docs[1:]
    assert "truncated" not in article
    assert article["text"].startswith("China is to invite Beijing-based European diplomats")
    assert "Chen Quanguo" in article["text"]
    for s in stubs:
        assert s["truncated"] is True and s["found_on"] == article["url"]
        assert s["text"] not in article["text"]
        assert s["text"][:40] not in article["text"]
    assert "stubs" in err
    rc, out, err = nd("extract", SEED)
    assert rc == 0
    assert out.count("Teaser: truncated, found on ") == 4


def test_feed_items(nd, tmp_path):
    p = tmp_path / "feed.xml"
    p.write_text(FEED, encoding="utf-8")
    rc, out, err = nd("extract", "--json", p)
    assert rc == 0, err
    docs = lines_json(out)
    assert [d["title"] for d in docs] == ["Bridge closes", "Ferry fares rise"]
    assert docs[0]["url"] == "https://planet.example/bridge"
    assert docs[0]["date"] == "2020-03-03T10:00:00Z"


def test_errors_and_exit_status(nd, tmp_path):
    good = tmp_path / "page.html"
    good.write_text(PAGE, encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    missing = tmp_path / "missing.html"
    rc, out, err = nd("extract", "--json", good, binary, missing)
    assert rc == 1
    docs = lines_json(out)
    assert [d["file"] for d in docs] == [str(good), str(binary), str(missing)]
    assert "error" not in docs[0] and docs[1]["error"] and docs[2]["error"] == "NDX_EIO"
    assert str(binary) in err and str(missing) in err
    rc, out, err = nd("extract", tmp_path)
    assert rc == 1 and "Is a directory" in err
    rc, out, err = nd("extract")
    assert rc == 2 and "no input file" in err
    rc, out, err = nd("extract", "--help")
    assert rc == 0 and "teaser stubs" in out and "--json" in out
