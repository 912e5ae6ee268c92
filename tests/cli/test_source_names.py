"""Source names (docs/INPUT.md, "Source names"): one outlet gets one source name whichever input
it comes in (JSON lines, RSS, Atom, JSON Feed, HTML pages): the URL's host, lower-cased, without a
leading "www."; a source given as a bare host name follows the same rule; `source:` finds the
outlet whichever way it is written."""
import json

import pytest

WORDS = ["harbour", "cranes", "council", "budget", "flood", "river", "ferry", "school", "bridge",
         "market", "tunnel", "station"]


def text(i):
    # a text of its own for each article: no copies, no shared story
    return " ".join(f"{WORDS[(i * 7 + k) % len(WORDS)]}{i}x{k}" for k in range(40)) + "."


def page(canonical, title, i, site_name=None):
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    paras = "".join(f"<p>{text(i * 10 + k)} The port stayed shut.</p>" for k in range(6))
    return (f'<!doctype html><html lang="en"><head><title>{title}</title>'
            f'<link rel="canonical" href="{canonical}">{meta}</head><body><nav><a href="/">Home'
            f'</a></nav><article><h1>{title}</h1>{paras}</article></body></html>')


@pytest.fixture(scope="module")
def outlet(tmp_path_factory, nd):
    d = tmp_path_factory.mktemp("outlet")
    lines = [
        {"url": "https://www.Marrow-Gazette.co.uk/news/1", "title": "Port strike one",
         "maintext": text(1) + " The port strike began."},
        {"url": "https://x.example/2", "source_domain": "www.marrow-gazette.co.uk",
         "title": "Port strike two", "maintext": text(2) + " The port strike went on."},
        {"url": "https://marrow-gazette.co.uk/news/3", "title": "Port strike three",
         "maintext": text(3) + " The port strike ended."},
        {"url": "https://news.marrow-gazette.co.uk/4", "title": "Port strike four",
         "maintext": text(4) + " A port strike on another host."},
        {"url": "https://wire.example/5", "source": "Coastal Wire", "title": "Port strike five",
         "maintext": text(5) + " A port strike as the wire named it."},
        {"url": "urn:x:11", "title": "No host", "maintext": text(11) + " Harbour news, no host."},
    ]
    (d / "a.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (d / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>The Marrow Gazette</title>'
        "<link>https://www.marrow-gazette.co.uk/</link>"
        "<item><title>Port strike six</title><link>https://www.marrow-gazette.co.uk/news/6</link>"
        f"<description>{text(6)} The port strike in the feed.</description></item>"
        "</channel></rss>\n")
    (d / "feed.atom").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Gazette</title>'
        '<link href="https://WWW.MARROW-GAZETTE.CO.UK/"/><id>urn:g</id><updated>2021-03-08T10:00:00Z'
        "</updated><entry><title>Port strike seven</title>"
        '<link href="https://www.marrow-gazette.co.uk/news/7"/><id>urn:g:7</id>'
        f"<updated>2021-03-08T10:00:00Z</updated><content>{text(7)} The port strike in Atom."
        "</content></entry></feed>\n")
    (d / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Gazette",
        "home_page_url": "https://www.marrow-gazette.co.uk/",
        "items": [{"id": "8", "url": "https://www.marrow-gazette.co.uk/news/8",
                   "title": "Port strike eight",
                   "content_text": text(8) + " The port strike in a JSON feed."}]}))
    (d / "nine.html").write_text(page("https://www.Marrow-Gazette.co.uk/news/9",
                                      "Port strike nine", 9))
    (d / "ten.html").write_text(page("https://marrow-gazette.co.uk/news/10", "Port strike ten",
                                     10, site_name="WWW.Marrow-Gazette.co.uk"))
    ix = d / "ix"
    nd.ingest(ix, d / "a.jsonl", d / "feed.rss", d / "feed.atom", d / "feed.json",
              d / "nine.html", d / "ten.html")
    return d, ix


def test_every_input_gives_one_source_name(nd, outlet):
    d, ix = outlet
    r = nd.search(ix, "port strike", "--facet", "source", "--limit", "20", collapse=True)
    facet = {v["value"]: v["stories"] for v in r["facets"]["source"]}
    assert facet == {"marrow-gazette.co.uk": 8, "news.marrow-gazette.co.uk": 1, "Coastal Wire": 1}
    by_title = {h["title"]: h["source"] for h in r["hits"]}
    assert len(by_title) == 10
    assert by_title["Port strike four"] == "news.marrow-gazette.co.uk"
    assert by_title["Port strike five"] == "Coastal Wire"  # a name, kept as written
    rest = {t: s for t, s in by_title.items() if t not in ("Port strike four", "Port strike five")}
    assert set(rest.values()) == {"marrow-gazette.co.uk"}, rest


def test_export_and_show_carry_the_same_name(nd, outlet):
    d, ix = outlet
    rc, out, err = nd("export", "--index", ix)
    assert rc == 0, err
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources.count("marrow-gazette.co.uk") == 8
    assert nd.show(ix, "https://www.Marrow-Gazette.co.uk/news/9")["source"] == "marrow-gazette.co.uk"
    assert nd.show(ix, "urn:x:11")["source"] == ""  # no host, no source: nothing carried over


def test_extract_names_the_page_source_by_the_same_rule(nd, outlet):
    d, ix = outlet
    rc, out, err = nd("extract", "--json", d / "nine.html")
    assert rc == 0, err
    assert json.loads(out.splitlines()[0])["source"] == "marrow-gazette.co.uk"


def test_source_filter_finds_the_outlet_however_written(nd, outlet):
    d, ix = outlet
    for spelling in ["marrow-gazette.co.uk", "www.marrow-gazette.co.uk", "WWW.Marrow-Gazette.CO.UK",
                     "Marrow-Gazette.co.uk", '"www.marrow-gazette.co.uk"']:
        # the filter matches the name's words: the news. host is found too, as before
        assert nd.total(ix, f"source:{spelling}") == 9, spelling
        assert nd.total(ix, f"strike -source:{spelling}") == 1, spelling
