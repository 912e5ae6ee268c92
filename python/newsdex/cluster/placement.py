"""Where each article of a batch goes in a sharded archive: the shard one index holding the
whole archive would have treated it like (docs/SCALE.md, "Placement").

Every shard is asked, in one task round, what it holds for the batch's articles
(Index.place: the article a URL reaches, an exact copy, the best near-duplicate among the
articles holding the sketch's LSH bands in the shard's band table).  Then, article by article
in input order, as one index would take them:

1. a URL some shard already holds (its own article, or an exact copy recorded there) goes
   to that shard: an update or "unchanged", as in one index;
2. an exact copy of a stored article (same content hash) goes to its original's shard, where it
   is recorded as a copy;
3. a near copy goes to the shard where it finds the most similar article of a story (estimated
   Jaccard at least the story threshold), where it joins that story;
4. anything else goes to the shard of its URL's hash (of its content hash when it has no URL).

Articles earlier in the same batch count as well: the router keeps, per shard, what the
shard's writer will have added by then (URLs, content hashes, and the LSH bands no stored
article of that shard holds, which the writer's band table gives to the first article holding
them), so two copies of a new story in one batch land together.  The shard's writer then
assigns the story itself, seeing what the router saw for that shard; a story never spans
shards, so every count of stories adds up shard by shard.  Nothing is stored outside the
shards: the URL hash decides the shard of everything that is not a copy, and copies are found
again by asking the shards.
"""
import hashlib

from ..index import article_keys, sketch_bands, sketch_similarity

DEFAULT_THRESHOLD = 0.4  # the library's default story threshold (docs/DEDUP.md)


def shard_of_url(url, n):
    """The shard (0..n-1) of a URL: the same in every process and on every run."""
    h = hashlib.blake2b((url or "").encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "little") % n


def home_shard(article, content_hash, n):
    """The shard an article goes to when it is not a copy of anything stored."""
    url = article.get("url")
    if url:
        return shard_of_url(url, n)
    return content_hash % n


class Batch:
    """The articles of one ingest call with their keys, ready to be asked about."""

    def __init__(self, articles):
        self.articles = list(articles)
        self.keys, self.url_hash, self.content_hash = [], [], []
        for a in self.articles:
            k, uh, ch = article_keys(a)
            self.keys.append(k)
            self.url_hash.append(uh)
            self.content_hash.append(ch)
        self.raw = b"".join(self.keys)


def route(batch, placements, n, threshold=None):
    """The shard of every article of the batch, given placements[s][i] (Index.place of shard s
    for article i; None for a shard left out, which then receives nothing)."""
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    live = [s for s in range(n) if placements[s] is not None]
    pend_url = [dict() for _ in range(n)]      # URL hash -> 1, per shard
    pend_content = {}                          # content hash -> shard
    pend_bands = [dict() for _ in range(n)]    # band key -> batch index, per shard
    out = []
    for i, art in enumerate(batch.articles):
        uh, ch, keys = batch.url_hash[i], batch.content_hash[i], batch.keys[i]
        bands = sketch_bands(keys)
        shard, new_doc = None, True
        # 1. the URL is known: its article's shard
        if uh:
            shard = next((s for s in live if placements[s][i][0]), None)
            if shard is None:
                shard = next((s for s in live if uh in pend_url[s]), None)
        # 2. an exact copy: its original's shard (recorded there, no new document)
        if shard is None:
            shard = next((s for s in live if placements[s][i][1]), pend_content.get(ch))
            if shard is not None:
                new_doc = False
        # 3. a near copy: the shard of the most similar article its bands reach
        if shard is None and bands:
            home = home_shard(art, ch, n)
            best, best_shard = 0.0, None
            for s in sorted(live, key=lambda s: (s != home, s)):
                held = placements[s][i][2]
                b_s = placements[s][i][3]
                for b, key in enumerate(bands):
                    if held >> b & 1:
                        continue
                    j = pend_bands[s].get(key)
                    if j is not None:
                        sim = sketch_similarity(keys, batch.keys[j])
                        if sim >= threshold and sim > b_s:
                            b_s = sim
                if b_s > best:
                    best, best_shard = b_s, s
            shard = best_shard
        if shard is None:
            shard = home_shard(art, ch, n)
            if shard not in live:
                shard = None  # its shard is left out: the article is not ingested
        out.append(shard)
        if shard is None:
            continue
        if uh:
            pend_url[shard][uh] = 1
        pend_content.setdefault(ch, shard)
        if new_doc and bands:
            held = placements[shard][i][2]
            for b, key in enumerate(bands):
                if not held >> b & 1:
                    pend_bands[shard].setdefault(key, i)
    return out
