"""newsdex quotes: direct quotations of each article and their speakers, with byte offsets into
the body text that `show --json` prints."""
import json

from conftest import SEED


def quotes(nd, *paths, expect_rc=0):
    rc, out, err = nd("quotes", "--json", *paths)
    assert rc == expect_rc, err
    return [json.loads(l) for l in out.splitlines()]


def who(q):
    return q["name"] or q["speaker"]


def test_quotes_seed_page_every_quotation_has_its_speaker(nd):
    arts = quotes(nd, SEED)
    main = arts[0]["quotes"]
    assert len(main) == 9
    assert all(q["speaker"] for q in main)
    by_start = {q["text"].split()[0]: q for q in main}
    assert by_start["In"]["speaker"] == "the ministry"
    assert by_start["In"]["name"] == "Ministry of Foreign Affairs"
    assert by_start["In"]["cue"] == "said"
    assert by_start["Hearing"]["speaker"] == "the statement"
    assert by_start["There’s"]["speaker"] == "one diplomat"
    assert by_start["since"]["speaker"] == "US Department of State"
    assert by_start["big"]["name"] == "Wang Yi"          # the diplomat quoted Wang as saying
    assert by_start["big"]["cue"] == "quoted"
    assert by_start["big"]["quoted_by"] == "the diplomat"
    assert [q["quoted_by"] for q in main if q is not by_start["big"]] == [None] * 8
    assert by_start["He"]["speaker"] == "they"
    assert by_start["sounding"]["speaker"] == "one source"
    assert by_start["not"]["speaker"] == "One EU diplomat"
    # the teasers: a surname, a role resolved by "it", a title before the name
    t1 = arts[1]["quotes"]
    assert [who(q) for q in t1 if q["text"].startswith(("Let", "I don"))] == ["Jimmy Sham"] * 2
    t3 = {q["text"].split()[0]: q for q in arts[3]["quotes"]}
    assert t3["greatly"]["speaker"] == "it" and t3["greatly"]["name"] == "KCNA"
    assert t3["criminal"]["name"] == "Kim Jong-un" and t3["criminal"]["type"] == "PER"


def test_quotes_offsets_match_show_and_paragraphs(nd, tmp_path):
    body = ("Mayor Tomas Bek of Varnograd spoke on Monday. He said: “We tried hard.\n"
            "“We failed, though,” he added. “Übermorgen kommt er,” said Ora Venn, a "
            "spokeswoman.\nNothing more.")
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"url": "https://example.org/q", "title": "Bek",
                               "maintext": body}, ensure_ascii=False) + "\n", encoding="utf-8")
    art = quotes(nd, src)[0]
    got = [(q["text"], who(q)) for q in art["quotes"]]
    assert got == [("We tried hard.\n“We failed, though,", "Tomas Bek"),
                   ("Übermorgen kommt er,", "Ora Venn")]
    ix = tmp_path / "ix"
    nd.ingest(ix, src)
    text = nd.show(ix, "1")["text"].encode("utf-8")
    for q in art["quotes"]:
        assert text[q["start"]:q["end"]].decode() == q["text"]
        assert text[q["speaker_start"]:q["speaker_end"]].decode() == q["speaker"]


def test_quotes_text_output_and_errors(nd, tmp_path):
    src = tmp_path / "p.txt"
    src.write_text("Title\n\"We are ready,\" the adviser Ali Neumann said.\n", encoding="utf-8")
    rc, out, err = nd("quotes", src, tmp_path / "missing.txt")
    assert rc == 1 and "missing.txt" in err
    assert "“We are ready,”" in out and "— Ali Neumann" in out
    assert "quoted by" not in out
    rc, out, err = nd("quotes", SEED)
    assert "— Wang (Wang Yi), quoted by the diplomat\n" in out
    rc, out, err = nd("quotes", "--help")
    assert rc == 0 and "--json" in out
