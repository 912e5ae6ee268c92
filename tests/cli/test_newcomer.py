"""What a new user meets first, following the README on real files: hit lines without a source,
the ingest summary's counts in the singular, options tried from other tools, and a Reuters
collection's records without body text summed in the summary instead of one note per file."""
import json
import re

import pytest

from conftest import CORPORA

REUTERS = CORPORA / "text" / "reuters21578" / "sgm-data"

ART = "Harbour cranes idle as dockers strike\nDockers at the harbour stopped work on Monday.\n"


def test_a_hit_without_source_or_date_shows_dashes(nd, tmp_path):
    (tmp_path / "a.txt").write_text(ART)
    ix = tmp_path / "ix"
    nd.ingest(ix, tmp_path / "a.txt")
    rc, out, err = nd("search", "--index", ix, "harbour", cwd=tmp_path)
    assert rc == 0, err
    assert re.search(r"^   - · - · id 1 · file:a\.txt$", out, re.M), out


def test_ingest_summary_counts_one_duplicate_in_the_singular(nd, tmp_path):
    (tmp_path / "a.txt").write_text(ART)
    (tmp_path / "b.txt").write_text(ART)
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", tmp_path / "a.txt", tmp_path / "b.txt")
    assert rc == 0, err
    assert "ingest: 1 added, 0 updated, 1 duplicate, 0 unchanged" in err, err


@pytest.mark.parametrize("args,want", [
    (("serve", "--port", "8080"), "unknown option '--port' (did you mean --listen HOST:PORT?)"),
    (("serve", "--host=0.0.0.0"), "unknown option '--host' (did you mean --listen HOST:PORT?)"),
    (("extract", "--index", "ix", "a.html"),
     "unknown option '--index': extract reads the files it is given, not an index"),
    (("entities", "--index", "ix", "a.txt"),
     "unknown option '--index': entities reads the files it is given, not an index"),
])
def test_options_from_other_tools_are_named(nd, tmp_path, args, want):
    rc, out, err = nd(*args, cwd=tmp_path)
    assert rc == 2 and want in err, err


@pytest.mark.skipif(not REUTERS.is_dir(), reason="shared corpora not present")
def test_collection_records_without_body_are_summed(nd, tmp_path):
    f = REUTERS / "reut2-000.sgm"
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", "-v", f)
    assert rc == 0, err
    m = re.search(r"note: (\d+) of 1000 records hold no body text, not taken", err)
    assert m, err
    nobody = int(m.group(1))
    assert f"  not taken {nobody}: collection records without body text" in err, err
    # without -v: no line per file, the same count in the summary and in --json
    rc, out, err = nd("ingest", "--index", tmp_path / "ix2", f)
    assert "hold no body text" not in err, err
    assert f"  not taken {nobody}: collection records without body text (-v: per file)" in err
    rc, out, err = nd("ingest", "--index", tmp_path / "ix3", "--json", f)
    s = json.loads(out)
    assert s["records_without_body"] == nobody and s["added"] + s["duplicates"] == 1000 - nobody


def test_summary_reasons_do_not_say_skipped_twice(nd, tmp_path):
    (tmp_path / "bin.dat").write_bytes(bytes(range(256)) * 64)
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", tmp_path / "bin.dat")
    assert rc == 1, err
    assert "bin.dat: binary file, skipped" in err  # the file's line as the reader says it
    assert "  skipped 1: binary file\n" in err, err
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", "--json", tmp_path / "bin.dat")
    assert json.loads(out)["skipped_reasons"] == {"binary file": 1}


@pytest.mark.skipif(not REUTERS.is_dir(), reason="shared corpora not present")
def test_from_and_to_take_a_bare_year_or_month_as_date_does(nd, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, REUTERS / "reut2-000.sgm", REUTERS / "reut2-001.sgm")

    def stories(*args):
        rc, out, err = nd("search", "--index", ix, "--json", "--limit", "0", *args)
        assert rc == 0, err
        return json.loads(out)["total_stories"]

    march = stories("oil date:1987-03")
    assert march > 0
    assert stories("oil", "--from", "1987-03", "--to", "1987-03") == march
    assert stories("oil", "--from", "1987-03-01", "--to", "1987-03-31") == march
    assert stories("oil", "--from", "1987", "--to", "1987") == stories("oil date:1987")
    rc, out, err = nd("search", "--index", ix, "oil", "--from", "1987-13")
    assert rc == 2 and "--from takes a date such as 2019-03-01, 2019-03 or 2019" in err
    rc, out, err = nd("timeline", "--index", ix, "--json", "oil", "--from", "1987-03", "--to",
                      "1987-03")
    assert rc == 0 and json.loads(out)["series"][0]["total_stories"] == march
