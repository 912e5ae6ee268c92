"""The JSON members taken as an article's body by default: news-please's `maintext`, then the
names other dumps use (`text`, `body`, `content`, `article`), a summary (`description`) last."""
import json

import pytest


def ingest_one(nd, tmp_path, obj):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(dict(url="https://a.example/1", title="Harbour news", **obj)) + "\n")
    rc, _, err = nd("ingest", "--index", tmp_path / "ix", f)
    assert rc == 0, err
    rc, out, err = nd("show", "--index", tmp_path / "ix", "--json", "https://a.example/1")
    assert rc == 0, err
    return json.loads(out)["text"]


@pytest.mark.parametrize("member", ["maintext", "text", "body", "content", "article"])
def test_body_member_taken(nd, tmp_path, member):
    got = ingest_one(nd, tmp_path, {member: "The dock workers went on strike on Monday."})
    assert got == "The dock workers went on strike on Monday."
    rc, out, _ = nd("search", "--index", tmp_path / "ix", "--json", "strike")
    assert rc == 0 and json.loads(out)["total"] == 1


def test_body_before_description(nd, tmp_path):
    got = ingest_one(nd, tmp_path, {"description": "A strike.", "content": "The full story."})
    assert got == "The full story."


def test_description_when_nothing_else(nd, tmp_path):
    assert ingest_one(nd, tmp_path, {"description": "A strike."}) == "A strike."
