"""The alias table from Python (Index.aliases, Index.set_aliases) and across the shards of an
archive: a name glossed on one shard expands on every shard, so an archive finds, counts and
ranks the articles written in the other script as one index holding them all does."""
import pytest

import newsdex
from newsdex.cluster import ShardedArchive, shard_of_url

GLOSS = ("Xinjiang's party secretary Chen Quanguo (陳全國) visited Urumqi on Monday. "
         "Chen spoke of stability and of the new security measures across the region.")
CJK_ONLY = "新疆維吾爾自治區黨委書記陳全國週一在烏魯木齊考察，強調社會穩定。"
OTHER = "The harbour authority opened a new container terminal beside the old docks."


def urls_on_shards(n, want):
    """One URL per wanted shard (shard_of_url decides where a new URL goes)."""
    out, i = [], 0
    for shard in want:
        while True:
            u = f"https://news.example/{i}"
            i += 1
            if shard_of_url(u, n) == shard:
                out.append(u)
                break
    return out


def articles(urls):
    return [
        {"url": urls[0], "title": "Party secretary visits Urumqi", "body": GLOSS, "lang": "en"},
        {"url": urls[1], "title": "陳全國考察烏魯木齊", "body": CJK_ONLY, "lang": "zh"},
        {"url": urls[2], "title": "New terminal", "body": OTHER, "lang": "en"},
    ]


def test_aliases_listed_and_replaced(tmp_path):
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        ix.ingest(articles(["https://a.example/1", "https://b.example/2", "https://c.example/3"]))
    ix = newsdex.Index(tmp_path / "ix")
    (al,) = ix.aliases()
    assert (al.latin, al.cjk, al.script, al.articles) == ("Chen Quanguo", "陳全國", "Hani", 1)
    assert ix.aliases("陈全国") == [al] and ix.aliases("Harbour") == []
    urls = lambda q: sorted(h.url for h in ix.search(q, limit=10).hits)  # noqa: E731
    both = ["https://a.example/1", "https://b.example/2"]
    assert urls('"Chen Quanguo"') == both
    ix.set_aliases([])  # expands nothing
    assert urls('"Chen Quanguo"') == ["https://a.example/1"]
    assert ix.aliases() == [al]  # the committed table is untouched
    ix.set_aliases([("Container Terminal", "貨櫃碼頭", 2), ("container terminal", "货柜码头", 1)])
    assert urls("貨櫃碼頭") == ["https://c.example/3"]  # a pair from elsewhere
    assert urls('"Chen Quanguo"') == ["https://a.example/1"]
    ix.set_aliases(None)  # back to the index's own
    assert urls('"Chen Quanguo"') == both
    with pytest.raises(newsdex.InvalidArgumentError):
        ix.set_aliases([("Chen Quanguo", " ・ ", 1)])
    assert urls('"Chen Quanguo"') == both  # a refused table changes nothing


@pytest.mark.parametrize("query", ['"Chen Quanguo"', "Chen Quanguo", "陈全国", 'person:"Chen Quanguo"',
                                   "Urumqi OR 陳全國"])
def test_archive_expands_with_every_shards_aliases(tmp_path, query):
    """The gloss is on shard 0, the article writing only 陳全國 on shard 2: the archive's answer
    is one index's."""
    urls = urls_on_shards(4, [0, 2, 3])
    arts = articles(urls)
    arc = ShardedArchive([tmp_path / f"s{i}" for i in range(4)])  # tasks in this process
    arc.ingest(arts)
    assert newsdex.Index(arc.shards[2]).aliases() == []  # the shard alone knows no alias
    with newsdex.Index(tmp_path / "one", write=True) as one:
        one.ingest(arts)
        want = one.search(query, limit=10)
        got = arc.search(query, limit=10)
        assert (got.total, got.total_stories) == (want.total, want.total_stories)
        assert [(h.url, pytest.approx(h.score, rel=1e-9)) for h in got.hits] == \
            [(h.url, h.score) for h in want.hits]
        assert arc.timeline([query], "year").totals == one.timeline([query], "year").totals
        assert sorted(a.url for a in arc.export(query, body=False)) == \
            sorted(a.url for a in one.export(query, body=False))
        assert arc.query_stats(query)[0] == one.query_stats(query)


def test_archive_reads_aliases_again_after_ingest(tmp_path):
    urls = urls_on_shards(4, [0, 2, 3])
    arts = articles(urls)
    arc = ShardedArchive([tmp_path / f"s{i}" for i in range(4)])
    arc.ingest(arts[1:])  # no gloss yet
    assert arc.search('"Chen Quanguo"').total == 0
    arc.ingest(arts[:1])
    assert sorted(h.url for h in arc.search('"Chen Quanguo"').hits) == sorted(urls[:2])
