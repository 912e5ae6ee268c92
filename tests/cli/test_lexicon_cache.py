"""The lexicon of the entity rules is cached per user (lib/names/lexcache.c): the cache is written
after a full load, read back by the next process, and never used once a source has changed or
when the file is damaged; entities are the same either way."""
import json

import pytest

from conftest import Runner, binary_path

TEXT = ("Gardening Smith said the plan would work. The Boston Bruins won in Toronto.\n"
        "Later, Smith spoke to reporters.")


@pytest.fixture
def run(tmp_path):
    r = Runner(binary_path())
    r.env["NEWSDEX_CACHE_DIR"] = str(tmp_path / "cache")
    r.env["NEWSDEX_WORDS_FILE"] = str(tmp_path / "words")
    (tmp_path / "words").write_text("gardening\nplan\nwork\nSmith\n")
    (tmp_path / "a.jsonl").write_text(json.dumps({"url": "https://t.test/1", "title": "T",
                                                  "maintext": TEXT}) + "\n")
    return r


def entities(run, tmp_path):
    rc, out, err = run("entities", "--json", tmp_path / "a.jsonl")
    assert rc == 0, err
    return [(e["type"], e["text"]) for e in json.loads(out)["entities"]]


def uncached(run, tmp_path):
    saved = run.env["NEWSDEX_CACHE_DIR"]
    run.env["NEWSDEX_CACHE_DIR"] = ""
    try:
        return entities(run, tmp_path)
    finally:
        run.env["NEWSDEX_CACHE_DIR"] = saved


def test_cache_is_written_and_read_back(run, tmp_path):
    cache = tmp_path / "cache" / "lexicon-1.bin"
    first = entities(run, tmp_path)
    assert cache.is_file() and cache.stat().st_size > 1000
    stamp = cache.stat().st_mtime_ns
    assert entities(run, tmp_path) == first
    assert cache.stat().st_mtime_ns == stamp, "a valid cache is read, not written again"
    assert first == uncached(run, tmp_path)
    # "Gardening" is a common word of this word list: the sentence's first word, not a name
    assert ("PER", "Smith") in first and ("PER", "Gardening Smith") not in first


def test_a_changed_source_makes_the_cache_stale(run, tmp_path):
    before = entities(run, tmp_path)
    (tmp_path / "words").write_text("plan\nwork\nSmith\n")  # "gardening" is no longer common
    after = entities(run, tmp_path)
    assert after == uncached(run, tmp_path)
    assert after != before and ("PER", "Gardening Smith") in after


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_cache_is_ignored(run, tmp_path, damage):
    cache = tmp_path / "cache" / "lexicon-1.bin"
    want = entities(run, tmp_path)
    data = bytearray(cache.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "flip":
        data[len(data) // 2] ^= 0x40
    else:
        data = bytearray(b"NDXLEX01" + b"\xff" * 40)
    cache.write_bytes(bytes(data))
    assert entities(run, tmp_path) == want
    assert entities(run, tmp_path) == want  # rewritten, and good again


def test_empty_cache_dir_turns_the_cache_off(run, tmp_path):
    run.env["NEWSDEX_CACHE_DIR"] = ""
    entities(run, tmp_path)
    assert not (tmp_path / "cache").exists()
