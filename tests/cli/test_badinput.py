"""Bad input files and a damaged index: reported, skipped or repaired, never a crash; the index
stays sound and earlier commits survive."""
import gzip
import json
import os
import random
import re

import pytest

from conftest import SAMPLE_JSONL, load_sample_jsonl, parse_summary


def good_jsonl_line(i, word):
    return json.dumps({"url": f"https://bad.example/{i}", "title": f"Good line {i}",
                       "maintext": f"This article carries the marker {word} and some text."})


@pytest.fixture
def bad_dir(tmp_path):
    d = tmp_path / "input"
    d.mkdir()
    (d / "a_invalid_utf8.txt").write_bytes(
        b"Headline with broken bytes\nThe word utfrepairword sits next to \xff\xfe\xc3( bad bytes.\n")
    lines = [good_jsonl_line(1, "jsonlgoodone"), '{"url": "https://bad.example/x", "title": ',
             good_jsonl_line(3, "jsonlgoodthree"), "this is not json at all",
             good_jsonl_line(5, "jsonlgoodfive"), '["an", "array"]']
    (d / "b_broken.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rng = random.Random(99)
    (d / "c_binary.bin").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(4096)))
    (d / "d_empty.txt").write_bytes(b"")
    gz_lines = "".join(good_jsonl_line(100 + i, f"gzline{i:03d}") + "\n" for i in range(400))
    blob = gzip.compress(gz_lines.encode(), mtime=0)
    (d / "e_truncated.jsonl.gz").write_bytes(blob[: len(blob) * 6 // 10])
    # ~5 MB single article, unique word at the very end
    para = ("The quick brown fox jumps over the lazy dog near the riverbank every morning. " * 40).strip()
    n = 5 * 1024 * 1024 // (len(para) + 1) + 1
    (d / "f_big.txt").write_text("A very long article\n" + (para + "\n") * n + "Final words: zqxendmarker.\n",
                                 encoding="utf-8")
    return d


def test_bad_input_directory(nd, bad_dir, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL, opts=("-q",))
    before = nd.stats(ix)["documents"]
    missing = tmp_path / "does-not-exist.jsonl"
    rc, out, err = nd("ingest", "--index", ix, bad_dir, missing)
    assert rc == 1, err
    s = parse_summary(err)
    # broken JSONL lines reported as file:LINE
    bj = str(bad_dir / "b_broken.jsonl")
    for line in (2, 4, 6):
        assert f"{bj}:{line}:" in err, err
    assert f"{bj}:1:" not in err and f"{bj}:3:" not in err
    # binary and empty files skipped with a reason
    assert re.search(re.escape(str(bad_dir / "c_binary.bin")) + r".*binary", err), err
    assert re.search(re.escape(str(bad_dir / "d_empty.txt")) + r".*empty", err), err
    # truncated gzip reported with an offset
    assert re.search(re.escape(str(bad_dir / "e_truncated.jsonl.gz")) + r"@\d+: .*truncated", err), err
    # invalid UTF-8 repaired and reported
    assert re.search(re.escape(str(bad_dir / "a_invalid_utf8.txt")) + r":2: .*UTF-8", err), err
    # the non-existent path is reported and the batch went on
    assert str(missing) in err
    assert s["skipped"] >= 5  # 3 JSONL lines, binary, empty, missing path
    for w in ("jsonlgoodone", "jsonlgoodthree", "jsonlgoodfive", "utfrepairword", "gzline000",
              "gzline001", "zqxendmarker"):
        assert nd.total(ix, w) == 1, w
    # earlier gzip lines kept: the first decoded part is there, nothing past the damage
    gz_found = nd.total(ix, "gzline*")
    assert 10 <= gz_found < 400
    assert nd.total(ix, "gzline399") == 0
    rc2, out2, err2 = nd.check(ix)
    assert rc2 == 0, err2
    after = nd.stats(ix)["documents"]
    assert after == before + 3 + 1 + 1 + gz_found
    # previously committed documents remain
    r = load_sample_jsonl()[0]
    assert nd.show(ix, r["url"])["title"] == r["title"]


def test_big_article_no_silent_limit(nd, bad_dir, tmp_path):
    ix = tmp_path / "ix"
    big = bad_dir / "f_big.txt"
    assert big.stat().st_size >= 5 * 1024 * 1024
    nd.ingest(ix, big)
    res = nd.search(ix, "zqxendmarker")
    assert res["total"] == 1
    assert "<mark>zqxendmarker</mark>" in res["hits"][0]["snippet"]
    a = nd.show(ix, res["hits"][0]["id"])
    assert a["text"].endswith("zqxendmarker.")


def test_clean_input_exit_zero(nd, tmp_path):
    f = tmp_path / "ok.jsonl"
    f.write_text(good_jsonl_line(1, "alpha") + "\n" + good_jsonl_line(2, "beta") + "\n", encoding="utf-8")
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", f)
    assert rc == 0, err
    assert parse_summary(err)["skipped"] == 0


@pytest.mark.parametrize("name", ["d_empty.txt", "c_binary.bin"])
def test_single_bad_file_exit_one(nd, bad_dir, tmp_path, name):
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", bad_dir / name)
    assert rc == 1, err


def test_missing_path_only(nd, tmp_path):
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", tmp_path / "nope.txt")
    assert rc == 1
    assert "nope.txt" in err


# ---- a damaged index --------------------------------------------------------------------------

@pytest.fixture
def committed_index(nd, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL, opts=("-q",))
    segs = sorted(ix.glob("seg-*.ndx"))
    assert segs
    return ix, max(segs, key=lambda p: p.stat().st_size)


def test_flipped_bytes_detected_by_check(nd, committed_index):
    ix, seg = committed_index
    assert nd.check(ix)[0] == 0
    data = bytearray(seg.read_bytes())
    mid = len(data) // 2
    for i in range(mid, mid + 16):
        data[i] ^= 0xFF
    seg.write_bytes(bytes(data))
    rc, out, err = nd.check(ix)
    assert rc == 1, f"check rc={rc}\n{out}{err}"
    assert err.strip()
    # other commands may fail, but never crash
    for args in (("stats", "--json"), ("search", "--json", "strike"), ("show", "1")):
        rc, out, err = nd(args[0], "--index", ix, *args[1:])
        assert rc >= 0


@pytest.mark.parametrize("where", ["middle", "header", "tail"])
def test_flipped_bytes_various_places(nd, committed_index, where):
    ix, seg = committed_index
    data = bytearray(seg.read_bytes())
    pos = {"middle": len(data) // 3, "header": 8, "tail": len(data) - 24}[where]
    for i in range(pos, pos + 4):
        data[i] ^= 0x5A
    seg.write_bytes(bytes(data))
    rc, out, err = nd.check(ix)
    assert rc in (1, 2), f"damage at {where} not detected: rc={rc} {out}"
    rc, out, err = nd("search", "--index", ix, "--json", "strike")
    assert rc >= 0


@pytest.mark.parametrize("keep", [0.5, 0.0, 0.99])
def test_truncated_segment(nd, committed_index, keep):
    ix, seg = committed_index
    size = seg.stat().st_size
    with open(seg, "r+b") as f:
        f.truncate(int(size * keep))
    for args in (("search", "--json", "strike"), ("stats", "--json"), ("check",)):
        rc, out, err = nd(args[0], "--index", ix, *args[1:])
        assert rc == 2, f"{args[0]} on a truncated segment: rc={rc}\n{out[:500]}{err[:500]}"
        assert err.strip() and "newsdex" in err
        assert seg.name in err or "segment" in err.lower() or "corrupt" in err.lower() or "truncat" in err.lower(), err


def test_truncated_segment_never_crashes(nd, committed_index):
    ix, seg = committed_index
    size = seg.stat().st_size
    for keep in (0.5, 0.1, 0.0):
        with open(seg, "r+b") as f:
            f.truncate(int(size * keep))
        for args in (("search", "--json", "strike"), ("stats", "--json"), ("check",), ("show", "1")):
            rc, out, err = nd(args[0], "--index", ix, *args[1:])
            assert rc >= 0


def test_writer_does_not_destroy_damaged_segment(nd, committed_index, tmp_path):
    """A writer must refuse a damaged index rather than commit over it (no silent fallback to an
    older generation, which would then overwrite the damaged segment for good)."""
    ix, seg = committed_index
    with open(seg, "r+b") as f:
        f.truncate(seg.stat().st_size // 2)
    damaged = seg.read_bytes()
    f = tmp_path / "one.txt"
    f.write_text("A headline\nSome body text.\n", encoding="utf-8")
    rc, out, err = nd("ingest", "--index", ix, f)
    assert rc == 2, f"ingest into a damaged index: rc={rc} {err}"
    assert seg.exists() and seg.read_bytes() == damaged


def test_missing_index_dir(nd, tmp_path):
    for args in (("search", "x"), ("stats",), ("check",), ("show", "1")):
        rc, out, err = nd(args[0], "--index", tmp_path / "none", *args[1:])
        assert rc == 2, (args, rc, err)
        assert err.strip()
