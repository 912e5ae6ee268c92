"""Multi-document files and character encodings, on the real files of the shared corpora:
Reuters-21578 SGML (<REUTERS> records with DATE, TOPICS, PLACES), TREC <DOC>, Sogou <doc> in
UTF-8 and GBK, Usenet posts (the 20 Newsgroups tar.gz), GBK and Latin-1 text files."""
import json
import re
import tarfile
from datetime import datetime, timezone

import pytest

from conftest import CORPORA, parse_summary

REUTERS = CORPORA / "text" / "reuters21578" / "sgm-data"
SOGOU = CORPORA / "text" / "sogou-news-zh-smarty"
NEWS20 = CORPORA / "text" / "20newsgroups-19997" / "20news-19997.tar.gz"


def reuters_records():
    """Independent parse of the SGML: {newid: (has_body, date, topics, places)}."""
    out = {}
    for f in sorted(REUTERS.glob("*.sgm")):
        text = f.read_bytes().decode("latin-1")
        for m in re.finditer(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", text, re.S):
            rec = m.group(2)
            def ds(tag):
                mm = re.search(rf"<{tag}>(.*?)</{tag}>", rec, re.S)
                return re.findall(r"<D>(.*?)</D>", mm.group(1)) if mm else []
            date = re.search(r"<DATE>\s*(\d+-[A-Z]{3}-\d{4})", rec).group(1)
            body = re.search(r"<BODY>(.*?)</BODY>", rec, re.S)
            out[int(m.group(1))] = (bool(body and body.group(1).strip()), date, ds("TOPICS"),
                                    ds("PLACES"))
    return out


def extract_all(nd, *paths):
    rc, out, err = nd("extract", "--json", *paths)
    return [json.loads(l) for l in out.splitlines() if l.strip()], err


def test_reuters_sgml_records(nd, tmp_path):
    want = reuters_records()
    assert len(want) == 21578
    with_body = {k: v for k, v in want.items() if v[0]}
    assert len(with_body) == 19043
    files = sorted(REUTERS.glob("*.sgm"))
    arts, err = extract_all(nd, *files)
    assert len(arts) == 19043, err[-2000:]
    got = {}
    for a in arts:
        m = re.search(r"\.sgm#(\d+)$", a["url"])
        assert m, a["url"]
        got[int(m.group(1))] = a
    assert set(got) == set(with_body)
    for newid, (_, date, topics, places) in with_body.items():
        a = got[newid]
        d = datetime.strptime(date, "%d-%b-%Y").strftime("%Y-%m-%d")
        assert a["date"] and a["date"].startswith(d), (newid, a["date"], date)
        assert a.get("fields", {}).get("topics", []) == topics, newid
        assert a.get("fields", {}).get("places", []) == places, newid
        assert a["source"] == "Reuters"
        assert "&lt;" not in a["title"] and "&#" not in a["text"] and "<BODY" not in a["text"]
    first = got[1]
    assert first["title"] == "BAHIA COCOA REVIEW"
    assert first["text"].startswith("SALVADOR, Feb 26 - Showers continued throughout the week")
    # ingest: every record with a body is an article (or a copy of an identical one)
    ix = tmp_path / "ix"
    rc, out, e2 = nd.ingest(ix, REUTERS)
    s = parse_summary(e2)
    assert s["added"] + s["duplicates"] + s["updated"] == 19043, e2[-1500:]
    assert "DOCTYPE" not in e2
    hits = nd.search(ix, ["cocoa", "date:1987-02-26"])["hits"]
    assert any(h["title"] == "BAHIA COCOA REVIEW" for h in hits)


TREC = """<DOC>
<DOCNO> NDX880212-0001 </DOCNO>
<FILEID>AP-NR-02-12-88 2344EST</FILEID>
<HEAD>Harbour Cranes Idle As Port Strike Enters Second Week</HEAD>
<DATE>February 12, 1988</DATE>
<TEXT>
   Dockworkers at the port of Velmora stayed away for an eighth day on Monday &amp; the
union said talks would resume.
   Shipping lines have begun to divert vessels to Ostrava.
</TEXT>
</DOC>
<DOC>
<DOCNO> NDX880212-0002 </DOCNO>
<HEADLINE> Flood waters recede in Eldermouth </HEADLINE>
<TEXT>
<P>The river fell below its banks overnight.</P>
<P>Residents began to return to the lower town.</P>
</TEXT>
</DOC>
"""


def test_trec_docs(nd, tmp_path):
    f = tmp_path / "ap880212"
    f.write_text(TREC)
    arts, err = extract_all(nd, f)
    assert [a["title"] for a in arts] == ["Harbour Cranes Idle As Port Strike Enters Second Week",
                                          "Flood waters recede in Eldermouth"], err
    assert arts[0]["url"].endswith("#NDX880212-0001")
    assert arts[0]["date"].startswith("1988-02-12")
    assert "eighth day on Monday & the union" in arts[0]["text"]
    assert arts[1]["text"].split("\n\n") == ["The river fell below its banks overnight.",
                                           "Residents began to return to the lower town."]
    ix = tmp_path / "ix"
    nd.ingest(ix, f)
    assert nd.stats(ix)["documents"] == 2


def sogou_records(path, enc):
    text = path.read_bytes().decode(enc, "replace")
    recs = re.findall(r"<doc>(.*?)</doc>", text, re.S)
    out = []
    for r in recs:
        url = re.search(r"<url>(.*?)</url>", r, re.S).group(1).strip()
        title = re.search(r"<contenttitle>(.*?)</contenttitle>", r, re.S).group(1).strip()
        content = re.search(r"<content>(.*?)</content>", r, re.S).group(1).strip()
        out.append((url, title, content))
    return out


@pytest.mark.parametrize("name,enc", [("news_sohusite_xml.smarty.utf8.dat", "utf-8"),
                                      ("news_tensite_xml.smarty.gbk.dat", "gb18030")])
def test_sogou_docs(nd, tmp_path, name, enc):
    f = SOGOU / name
    want = [r for r in sogou_records(f, enc) if r[2]]
    arts, err = extract_all(nd, f)
    assert len(arts) == len(want), err
    assert [a["url"] for a in arts] == [r[0] for r in want]
    for a, (url, title, content) in zip(arts, want):
        assert a["title"] == " ".join(title.replace("\u3000", " ").split())
        assert content[:10].replace("\u3000", "") in a["text"].replace("\u3000", "")
    if enc != "utf-8":
        assert "read as GB18030 (detected)" in err
    ix = tmp_path / "ix"
    rc, out, e2 = nd.ingest(ix, f)
    s = parse_summary(e2)
    assert s["added"] + s["duplicates"] + s["updated"] == len(want)
    assert nd.total(ix, want[0][1][:4]) >= 1


def test_gbk_and_latin1_text_files(nd, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "gbk.txt").write_bytes("深圳地铁将设立头等车厢\n南都讯 深圳今后将设地铁头等车厢，设坐票制。\n"
                                .encode("gbk"))
    (d / "latin1.txt").write_bytes("Café owners protest\nThe owners of the café on the "
                                   "Rue Müller say the new tax is unfair. Señora Peña agreed.\n"
                                   .encode("latin-1"))
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, d)
    assert "binary" not in err and "repaired" not in err, err
    assert re.search(r"gbk\.txt: note: read as GB18030 \(detected\)", err), err
    assert re.search(r"latin1\.txt: note: read as \S+ \(detected\)", err), err
    assert nd.total(ix, "坐票") == 1
    hit = nd.search(ix, "café")["hits"]
    assert len(hit) == 1 and hit[0]["title"] == "Café owners protest"


def test_forced_encoding(nd, tmp_path):
    f = tmp_path / "sjis.txt"
    f.write_bytes("東京の天気\n今日は晴れ、明日は雨の予報です。\n".encode("shift_jis"))
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f, opts=("--encoding", "shift_jis"))
    assert "read as" in err and "as asked" in err, err
    assert nd.search(ix, "天気")["hits"][0]["title"] == "東京の天気"
    rc, out, err = nd("ingest", "--index", tmp_path / "ix2", "--encoding", "no-such-charset", f)
    assert rc == 2 and "no-such-charset" in err


def test_usenet_posts_of_20newsgroups(nd, tmp_path):
    """The 20 Newsgroups tar.gz: 19,997 posts, each read as a post (Subject as the title, the
    group as the source), none as a header dump; a cross-post is one article."""
    with tarfile.open(NEWS20) as t:
        members = [m for m in t.getmembers() if m.isfile()]
    assert len(members) == 19997
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, NEWS20, expect_rc=None)
    s = parse_summary(err)
    assert sum(s.values()) == 19997, err[-800:]
    assert re.findall(r"skipped (\d+): ", err) == [str(s["skipped"])]  # posts with no text only
    assert s["added"] > 19000
    assert "unparseable date" not in err
    res = nd.search(ix, "title:\"Atheist Resources\"")
    h = [x for x in res["hits"] if x["title"] == "Alt.Atheism FAQ: Atheist Resources"]
    assert h and h[0]["source"] == "alt.atheism" and h[0]["url"].startswith("news:")
    assert h[0]["date"].startswith("1993-")
    assert nd.total(ix, "title:Xref") == 0
