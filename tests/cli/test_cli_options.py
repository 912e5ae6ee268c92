"""Options across commands: an unknown option is an error that names it (with the nearest option
as a suggestion), never query text; a missing value is named too."""
import pytest

from conftest import SAMPLE_JSONL


@pytest.fixture(scope="module")
def ix(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("opts") / "ix"
    nd.ingest(d, SAMPLE_JSONL, opts=("-q",))
    return d


@pytest.mark.parametrize("args,bad,near", [
    (["search", "--jsn", "dravik"], "--jsn", "--json"),
    (["search", "--limt", "3", "dravik"], "--limt", "--limit"),
    (["ingest", "--formt", "json"], "--formt", "--format"),
    (["stats", "--jsno"], "--jsno", "--json"),
    (["export", "--qury", "x"], "--qury", "--query"),
    (["extract", "--jsn", "x"], "--jsn", "--json"),
    (["related", "--limitt", "3", "1"], "--limitt", "--limit"),
    (["optimize", "--segmnts", "1"], "--segmnts", None),
])
def test_unknown_option_named(nd, ix, args, bad, near):
    idx = [] if args[0] == "extract" else ["--index", ix]
    rc, out, err = nd(args[0], *idx, *args[1:])
    assert rc == 2, (out, err)
    assert f"unknown option '{bad}'" in err, err
    if near:
        assert f"did you mean {near}?" in err, err
    assert out == ""


def test_query_words_after_double_dash_stay_words(nd, ix):
    rc, out, err = nd("search", "--index", ix, "--json", "--", "--jsn")
    assert "unknown option" not in err
    assert '"query":"--jsn"' in out.replace(" ", "")  # handed to the query parser


def test_missing_value_named(nd, ix):
    rc, out, err = nd("ingest", "--index")
    assert rc == 2 and "option '--index' needs a value" in err, err
