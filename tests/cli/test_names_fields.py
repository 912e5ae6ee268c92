"""person:, org: and place: fields: the names found at ingest are searchable, and `show` lists
the article's people, organisations, places and quotations."""
import json

import pytest

from conftest import SEED


@pytest.fixture(scope="module")
def seed_ix(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("names") / "ix"
    nd.ingest(d, SEED)
    return d


def urls(nd, ix, q):
    rc, out, err = nd("search", "--index", ix, "--json", "--no-collapse", q)
    assert rc in (0, 1), err
    return sorted(h["url"].rsplit("/", 1)[-1] for h in json.loads(out)["hits"])


def test_fields_find_the_names(nd, seed_ix):
    assert urls(nd, seed_ix, 'person:"Chen Quanguo"') == ["news-page.txt"]
    assert urls(nd, seed_ix, "person:chen") == ["news-page.txt"]
    # the CJK form of a glossed name, through the alias table
    assert urls(nd, seed_ix, "person:陳全國") == ["news-page.txt"]
    assert urls(nd, seed_ix, "person:陈全国") == ["news-page.txt"]
    assert urls(nd, seed_ix, 'person:"Jimmy Sham"') == ["news-page.txt#teaser-1"]
    assert urls(nd, seed_ix, 'org:"Korean Central News Agency"') == ["news-page.txt#teaser-3"]
    assert urls(nd, seed_ix, "org:kcna") == ["news-page.txt#teaser-3"]
    assert urls(nd, seed_ix, "place:brussels") == ["news-page.txt"]
    assert urls(nd, seed_ix, 'place:"Hong Kong"') == ["news-page.txt#teaser-1"]
    # the field is what makes the difference: Brussels is a place, not a person
    assert urls(nd, seed_ix, "person:brussels") == []
    assert urls(nd, seed_ix, "org:xinjiang") == []
    assert urls(nd, seed_ix, "person:chen place:xinjiang") == ["news-page.txt"]


def test_quote_and_speaker_fields(nd, seed_ix):
    # quote: searches the words inside quotations only
    assert urls(nd, seed_ix, "quote:puzzled") == ["news-page.txt"]
    assert urls(nd, seed_ix, 'quote:"big country"') == ["news-page.txt"]
    assert urls(nd, seed_ix, "quote:family") == ["news-page.txt#teaser-1"]
    assert urls(nd, seed_ix, "quote:carelessness") == ["news-page.txt#teaser-3"]
    assert urls(nd, seed_ix, "puzzled") == ["news-page.txt"]
    assert urls(nd, seed_ix, "quote:diplomats") == []  # in the text, in no quotation
    # speaker: the speaker as written and the name it stands for
    assert urls(nd, seed_ix, 'speaker:"Ministry of Foreign Affairs"') == ["news-page.txt"]
    assert urls(nd, seed_ix, "speaker:ministry") == ["news-page.txt"]
    assert urls(nd, seed_ix, "speaker:statement") == ["news-page.txt"]
    assert urls(nd, seed_ix, 'speaker:"one diplomat"') == ["news-page.txt"]
    assert urls(nd, seed_ix, "speaker:they") == ["news-page.txt"]
    assert urls(nd, seed_ix, 'speaker:"US Department of State"') == ["news-page.txt"]
    assert urls(nd, seed_ix, 'speaker:"Wang Yi"') == ["news-page.txt"]
    assert urls(nd, seed_ix, 'speaker:"Jimmy Sham"') == ["news-page.txt#teaser-1"]
    assert urls(nd, seed_ix, "speaker:kcna") == ["news-page.txt#teaser-3"]
    # named but quoted by nobody
    assert urls(nd, seed_ix, 'speaker:"Chen Quanguo"') == []
    assert urls(nd, seed_ix, 'person:"Chen Quanguo"') == ["news-page.txt"]
    assert urls(nd, seed_ix, "quote:xinjiang speaker:ministry") == ["news-page.txt"]
    assert urls(nd, seed_ix, "quote:family speaker:ministry") == []


def test_speaker_through_aliases(nd, seed_ix):
    # "Wang Yi (王毅)" is glossed: 王毅 finds what Wang said, in either script
    assert urls(nd, seed_ix, "speaker:王毅") == ["news-page.txt"]
    assert urls(nd, seed_ix, "speaker:王毅 quote:country") == ["news-page.txt"]
    rc, out, err = nd("search", "--index", seed_ix, "--json", "--no-aliases", "speaker:王毅")
    assert rc in (0, 1), err
    assert json.loads(out)["hits"] == []


def test_show_lists_names_and_quotes(nd, seed_ix):
    rc, out, err = nd("search", "--index", seed_ix, "--json", 'person:"Chen Quanguo"')
    doc_id = json.loads(out)["hits"][0]["id"]
    doc = nd.show(seed_ix, str(doc_id))
    assert ("PER", "Chen Quanguo") in [(e["type"], e["text"]) for e in doc["entities"]]
    text = doc["text"].encode("utf-8")
    for e in doc["entities"]:
        assert text[e["start"]:e["end"]].decode() == e["text"]
    assert len(doc["quotes"]) == 9 and all(q["speaker"] for q in doc["quotes"])
    rc, out, err = nd("show", "--index", seed_ix, str(doc_id))
    assert rc == 0, err
    assert "People: Chen Quanguo; Wang Yi; Li Keqiang" in out
    assert "Places: China; Xinjiang; Beijing; Brussels; Hungary; Greece" in out
    assert "— the ministry (Ministry of Foreign Affairs)" in out
    assert "“big country,” — Wang (Wang Yi), quoted by the diplomat\n" in out
