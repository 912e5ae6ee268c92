"""Related articles: the people, organisations and places an article names weigh in `related`;
the article itself is never listed, and one story gives at most three articles."""
import json

import pytest

COMMON = ("The city council approved the budget for the new year after a long debate on Tuesday. "
          "Prices rose again this month, and the bill for heating rose with them, officials said. ")
FILL = ["harbour", "orchard", "granite", "lantern", "meadow", "falcon", "copper", "willow",
        "quartz", "saffron", "timber", "velvet", "pebble", "thistle", "cobalt", "juniper", "marble",
        "beacon", "heather", "amber"]

# "bill" and "rose" are common words of this archive (in more than 30% of it), so the words of
# the name Bill Rose are left out of the distinctive words; the name itself is rare.
NAMED = [
    {"url": "https://names.test/q", "title": "A violinist returns", "maintext":
     "Bill Rose said the concert in Tallinn would go ahead. Rose, 61, played the violin for the "
     "orchestra. Bill Rose said he was grateful. Zebra umbrella marmalade."},
    {"url": "https://names.test/a", "title": "Festival news", "maintext":
     "Bill Rose said he would sign copies of his memoir. Rose spoke to reporters outside the "
     "bookshop. Quokka trampoline nectarine."},
    {"url": "https://names.test/b", "title": "Weather", "maintext":
     "Heavy snow closed the mountain road on Sunday, police said. Drivers waited for hours. "
     "Gazebo persimmon walrus."},
]

WIRE = ("Engineers at the Varnholt dam opened two spillways on Friday after three days of rain "
        "raised the reservoir to its highest level since 1987. The regional water board said the "
        "structure was sound and that the release would lower the level by a metre before the "
        "weekend. Farmers downstream moved livestock to higher ground, and the ferry across the "
        "Osk river was suspended. Inspectors will walk the crest of the dam again on Saturday "
        "morning, the board said, and schools in the valley will stay open.")
VERSIONS = ["Varnholt dam opens spillways", "Rain forces release at Varnholt",
            "Osk valley braces as dam spills", "Dam spillways opened after rain",
            "Water board: Varnholt dam is sound", "Reservoir at record level"]


def write_jsonl(path, arts):
    with open(path, "w", encoding="utf-8") as f:
        for a in arts:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def related(nd, ix, key, limit=5):
    rc, out, err = nd("related", "--index", ix, "--json", "--limit", str(limit), key)
    assert rc == 0, err
    return json.loads(out)["hits"]


@pytest.fixture(scope="module")
def ix(nd, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("related")
    arts = [{"url": f"https://filler.test/{i}", "title": f"Council budget {w}",
             "maintext": COMMON + f"The {w} committee met. " + COMMON} for i, w in enumerate(FILL)]
    arts += NAMED
    # one wire story run by six outlets, each with its own headline and a line of its own
    arts += [{"url": f"https://outlet{i}.test/dam", "title": t,
              "maintext": WIRE + f" Reported by outlet {i}."} for i, t in enumerate(VERSIONS)]
    # an exact copy of the first version, recorded on it
    arts.append(dict(arts[-len(VERSIONS)], url="https://mirror.test/dam"))
    d = tmp / "ix"
    nd.ingest(d, write_jsonl(tmp / "a.jsonl", arts))
    return d


def test_shared_names_make_articles_related(nd, ix):
    hits = related(nd, ix, "https://names.test/q")
    assert [h["url"] for h in hits][:1] == ["https://names.test/a"], hits
    assert "https://names.test/b" not in {h["url"] for h in hits}


def test_the_article_and_its_copies_are_not_listed(nd, ix):
    me = nd.show(ix, "https://outlet0.test/dam")
    assert [c["url"] for c in me["copies"]] == ["https://mirror.test/dam"]
    hits = related(nd, ix, str(me["id"]), limit=20)
    urls = [h["url"] for h in hits]
    assert me["id"] not in [h["id"] for h in hits]
    assert "https://outlet0.test/dam" not in urls and "https://mirror.test/dam" not in urls


def test_one_story_gives_at_most_three(nd, ix):
    me = nd.show(ix, "https://outlet0.test/dam")
    assert len(me["story_articles"]) == len(VERSIONS), "the versions are one story"
    hits = related(nd, ix, str(me["id"]), limit=20)
    own = [h for h in hits if h["story"] == me["story"]]
    assert len(own) == 3, [h["url"] for h in hits]
    # the other outlets' versions are the most related articles
    assert [h["story"] for h in hits[:3]] == [me["story"]] * 3
    assert len(related(nd, ix, str(me["id"]), limit=2)) == 2
