"""Keyword fields of HTML pages: `--field NAME=meta.X` takes the contents of the page's
`<meta name=X>` / `<meta property=X>` tags (docs/INPUT.md, "Field mapping"), searched as
`NAME:value` and counted by `--facet NAME`, in HTML files and in the HTML responses of a WARC."""
import json

BODY = ("<p>The cup final ended in a two-all draw on Saturday after extra time at a packed "
        "stadium, with both teams missing late chances in front of the travelling fans.</p>"
        "<p>The replay will be held next week, the organisers said in a statement issued on "
        "Sunday morning after a meeting of the competition board.</p>")


def page(title, metas, body=BODY):
    tags = "".join(f'<meta {k}="{n}" content="{v}">' for k, n, v in metas)
    return (f"<html><head><title>{title}</title>{tags}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>")


def facet(nd, ix, name, query="final OR replay OR election"):
    rc, out, err = nd("search", "--index", ix, "--json", "--limit", "0", "--facet", name, query)
    assert rc == 0, err
    return {v["value"]: v["copies"] for v in json.loads(out)["facets"][name]}


def test_meta_tags_become_keyword_fields(tmp_path, nd):
    d = tmp_path / "pages"
    d.mkdir()
    (d / "a.html").write_text(page("Cup final ends in a draw", [
        ("property", "article:section", "Sport"),
        ("name", "keywords", "football, cup final ,Wembley,"),
        ("property", "article:tag", "FA Cup"), ("property", "article:tag", "replay")]))
    (d / "b.html").write_text(page("Replay set for next week", [
        ("name", "Section", "sport"), ("name", "news_keywords", "football;replay")],
        body=BODY.replace("Saturday", "Sunday").replace("next week", "on Wednesday")))
    (d / "c.html").write_text(page("Vote count begins", [("name", "section", "Politics")],
                                   body=BODY.replace("cup final", "election")))
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--index", ix,
                      "--field", "section=meta.article:section|meta.section",
                      "--field", "tags=meta.keywords|meta.news_keywords|meta.article:tag", d)
    assert rc == 0, err
    assert facet(nd, ix, "section") == {"Sport": 2, "Politics": 1}
    # a's keywords win over its article:tag (the first alternative the page holds)
    assert facet(nd, ix, "tags") == {"football": 1, "cup final": 1, "Wembley": 1,
                                     "football;replay": 1}
    rc, out, err = nd("search", "--index", ix, "--json", "section:SPORT", "tags:wembley")
    (hit,) = json.loads(out)["hits"]
    assert hit["title"] == "Cup final ends in a draw"
    # show gives the fields back as stored: values trimmed, in the page's order
    rc, out, err = nd("show", "--index", ix, "--json", str(hit["id"]))
    assert json.loads(out)["fields"] == {"section": ["Sport"],
                                         "tags": ["football", "cup final", "Wembley"]}
    rc, out, err = nd("show", "--index", ix, str(hit["id"]))
    assert "\nsection: Sport\ntags: football; cup final; Wembley\n" in out


def test_meta_fields_of_a_warc_response_and_hostile_metas(tmp_path, nd):
    many = [("name", f"m{i}", "x") for i in range(5000)]  # past the 256 kept
    long_value = "é" * 3000  # cut on a character boundary
    html = page("Harbour strike enters third day", [("name", "section", "Business"),
                                                   ("name", "desk", long_value)] + many,
                body=BODY.replace("cup final", "harbour strike")).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/strike\r\n"
            "WARC-Date: 2024-05-02T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}"
            "\r\n\r\n").encode()
    (tmp_path / "a.warc").write_bytes(head + http + b"\r\n\r\n")
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--index", ix, "--field", "section=meta.section",
                      "--field", "desk=meta.desk", "--field", "last=meta.m4999",
                      tmp_path / "a.warc")
    assert rc == 0, err
    assert facet(nd, ix, "section", "strike") == {"Business": 1}
    (desk,) = facet(nd, ix, "desk", "strike")
    assert set(desk) == {"é"} and 40 <= len(desk) <= 512  # a whole number of characters
    rc, out, err = nd("search", "--index", ix, "--json", "--limit", "0", "--facet", "last", "strike")
    assert rc == 2 and "unknown facet" in err  # the 5,000th meta is past the ones kept
