"""newsdex entities: people, organisations and places of each article of a file, read as ingest
reads it, with byte offsets into the body text that `show --json` prints."""
import json

import pytest

from conftest import SEED, Runner


def entities(nd, *paths, expect_rc=0):
    rc, out, err = nd("entities", "--json", *paths)
    assert rc == expect_rc, err
    return [json.loads(l) for l in out.splitlines()], err


def pairs(article):
    return [(e["type"], e["text"]) for e in article["entities"]]


ARTICLES = [
    {"url": "https://example.org/a", "title": "Envoys invited",
     "maintext": "Über alles — the Lestovian Ministry of Trade said on Monday that Trade Minister "
                 "Ana Dravik would visit Varnograd.\n“We are ready,” Dravik said in Brussels."},
    {"url": "https://example.org/b", "title": "Nothing here",
     "maintext": "it rained all day and nobody came."},
]


def test_entities_json_offsets_match_show(nd, tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n",
                   encoding="utf-8")
    arts, _ = entities(nd, src)
    assert [a["url"] for a in arts] == ["https://example.org/a", "https://example.org/b"]
    assert set(arts[0]) == {"file", "url", "title", "entities"}
    assert arts[1]["entities"] == []
    got = pairs(arts[0])
    assert ("ORG", "Lestovian Ministry of Trade") in got
    assert ("PER", "Ana Dravik") in got
    assert ("LOC", "Brussels") in got
    later = [e for e in arts[0]["entities"] if e["text"] == "Dravik"]
    assert later and later[0]["type"] == "PER" and later[0]["name"] == "Ana Dravik"
    # the offsets are bytes of the stored body, as show --json prints it
    ix = tmp_path / "ix"
    nd.ingest(ix, src)
    body = None
    for key in ("1", "2"):
        doc = nd.show(ix, key)
        if doc["url"] == "https://example.org/a":
            body = doc["text"].encode("utf-8")
    assert body is not None
    for e in arts[0]["entities"]:
        assert body[e["start"]:e["end"]].decode("utf-8") == e["text"]
        assert isinstance(e["start"], int) and e["start"] < e["end"]


def test_entities_text_output(nd, tmp_path):
    src = tmp_path / "page.txt"
    src.write_text("Envoys invited\nThe adviser Ali Neumann met officials in Brussels.\n",
                   encoding="utf-8")
    rc, out, err = nd("entities", src)
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(str(src))
    assert any(l.split()[0] == "PER" and l.endswith("Ali Neumann") for l in lines[1:])
    assert any(l.split()[0] == "LOC" and l.endswith("Brussels") for l in lines[1:])


def test_entities_seed_page(nd):
    arts, _ = entities(nd, SEED)
    main = arts[0]
    got = pairs(main)
    for want in [("PER", "Chen Quanguo"), ("PER", "Wang Yi"), ("PER", "Li Keqiang"),
                 ("ORG", "Ministry of Foreign Affairs"), ("ORG", "US Department of State"),
                 ("ORG", "EU"), ("LOC", "Xinjiang"), ("LOC", "Brussels"), ("LOC", "Hungary")]:
        assert want in got, want
    # "Chen" and "Wang" later in the article are the people named in full
    chen = [e for e in main["entities"] if e["text"] == "Chen"]
    wang = [e for e in main["entities"] if e["text"] == "Wang"]
    assert chen and all(e.get("name") == "Chen Quanguo" and e["type"] == "PER" for e in chen)
    assert len(wang) >= 3 and all(e.get("name") == "Wang Yi" for e in wang)
    # nationality adjectives and sentence-initial words are not entities
    texts = {t for _, t in got}
    assert not texts & {"Chinese", "European", "Western", "Several", "Last", "Diplomats"}
    # the teaser stubs after the article are articles of their own
    stubs = {a["url"].rsplit("#", 1)[-1]: pairs(a) for a in arts[1:]}
    assert ("PER", "Jimmy Sham") in stubs["teaser-1"]
    assert ("PER", "Kim Jong-un") in stubs["teaser-3"]
    assert ("ORG", "Korean Central News Agency") in stubs["teaser-3"]


def test_entities_bad_input(nd, tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Headline\nThe adviser Ali \xff\xfeNeumann met Dana Orr in Brussels (((\n")
    rc, out, err = nd("entities", "--json", binary, bad, tmp_path / "missing.txt")
    assert rc == 1
    assert "x.bin" in err and "missing.txt" in err
    lines = [json.loads(l) for l in out.splitlines()]
    arts = [a for a in lines if "error" not in a]
    # with --json a file that cannot be read is a JSON error line too
    assert [e["file"] for e in lines if "error" in e] == [str(tmp_path / "missing.txt")]
    assert len(arts) == 1 and arts[0]["file"] == str(bad)
    assert ("LOC", "Brussels") in pairs(arts[0])


def test_entities_missing_gazetteer_is_a_note(newsdex_bin, tmp_path):
    run = Runner(newsdex_bin)
    run.env["NEWSDEX_ISO_CODES_DIR"] = str(tmp_path / "no-iso-codes")
    src = tmp_path / "p.txt"
    src.write_text("Talks\nThe adviser Ali Neumann spoke.\n", encoding="utf-8")
    rc, out, err = run("entities", "--json", src)
    assert rc == 0
    assert "note:" in err and "no-iso-codes" in err and "iso-codes" in err
    assert ("PER", "Ali Neumann") in pairs(json.loads(out))


def test_entities_usage(nd):
    rc, out, err = nd("entities", "--help")
    assert rc == 0 and "--json" in out
    rc, out, err = nd("entities")
    assert rc == 2
