"""An exact copy ingested in the same run as its original leaves no deleted row behind.

BBC tech holds 64 exact copies of other articles of the same folder.  The copies are recorded on
the stored originals; while the originals are still buffered their stored records take the copies
in place, so the new segment holds one row per article: nothing deleted, and the index is already
the one `optimize` would make (same export, same hits and scores).
"""
import json
import shutil

import pytest

from conftest import BBC
from test_merge import stats

QUERIES = ["broadband", "mobile phone", '"video games"', "apple OR microsoft", "spyware"]


def search(nd, ix, q):
    rc, out, err = nd("search", "--json", "--no-snippets", "--limit", "1000", "--index", ix, q)
    assert rc == 0, err
    j = json.loads(out)
    j.pop("took_ms", None)
    return j


@pytest.fixture(scope="module", params=["1", "2"])
def tech(nd, tmp_path_factory, request):
    d = tmp_path_factory.mktemp("copies")
    ix = d / "ix"
    nd.ingest(ix, BBC / "tech", opts=("-q", "--threads", request.param))
    opt = d / "optimized"
    shutil.copytree(ix, opt)
    rc, out, err = nd("optimize", "--index", opt)
    assert rc == 0, err
    return ix, opt


def test_no_deleted_row(nd, tech):
    s = stats(nd, tech[0])
    assert (s["documents"], s["duplicates"], s["deleted"]) == (337, 64, 0)


def test_originals_list_their_copies(nd, tech):
    rc, out, err = nd("export", "--index", tech[0])
    assert rc == 0, err
    arts = {json.loads(line)["url"].rsplit("/", 1)[-1]: json.loads(line) for line in out.splitlines()
            if "/tech/" in line}
    assert [c["url"].rsplit("/", 1)[-1] for c in arts["003.txt"]["copies"]] == ["036.txt"]
    assert "036.txt" not in arts
    rc, out, err = nd("show", "--json", "--index", tech[0], str(arts["003.txt"]["id"]))
    assert rc == 0, err
    assert [c["url"].rsplit("/", 1)[-1] for c in json.loads(out)["copies"]] == ["036.txt"]
    rc, out, err = nd("show", "--index", tech[0], str(arts["003.txt"]["id"]))
    assert rc == 0, err
    listed = out.split("Also published as (exact copies):\n", 1)[1].splitlines()
    assert [l.strip() for l in listed if l.strip()] == [arts["003.txt"]["copies"][0]["url"]]


def test_already_what_optimize_makes(nd, tech):
    ix, opt = tech
    a, b = stats(nd, ix), stats(nd, opt)
    for k in ("documents", "deleted", "terms", "postings", "tokens", "text_bytes"):
        assert a[k] == b[k], k
    rc, one, err = nd("export", "--index", ix)
    assert rc == 0, err
    rc, other, err = nd("export", "--index", opt)
    assert rc == 0, err
    assert one == other
    for q in QUERIES:
        assert search(nd, ix, q) == search(nd, opt, q)
