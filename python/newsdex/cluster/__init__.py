"""newsdex.cluster: an archive split into shards, searched on a Dask cluster.

    from distributed import Client
    from newsdex.cluster import ShardedArchive
    client = Client("tcp://scheduler:8786")          # or python3 -m newsdex.cluster
    arc = ShardedArchive([f"/shared/arc/shard-{i}" for i in range(4)], client)
    arc.ingest(["crawl/"])
    res = arc.search("port strike", limit=10)

A shard is an ordinary newsdex index directory on storage every worker can read.  Ingest routes
each article to a shard by a hash of its URL (an exact copy of an article already in the archive
goes to that article's shard, so it is recorded as a copy as in one index; the few URLs placed
that way are remembered in the archive's manifest, so re-ingesting a URL always reaches the same
shard) and runs one task per shard writer.  A search runs in two rounds of pure tasks that open
their shard read-only by path: the first gathers each shard's collection statistics for the query
(documents, lengths, languages, document frequencies), the second searches every shard with their
sum, so each hit scores exactly as in one index holding the whole archive; the coordinator
merges the hits by score and adds up the totals.  Archive ids are `local id * shards + shard`,
so they never collide.  Dask reruns the task of a worker that dies; a shard that cannot be read
raises ShardError naming it (or, with partial=True, is left out and named in the result).
"""
import hashlib
import json
import os
import time

from ..errors import NewsdexError
from ..index import Export, Index, read_articles
from ..records import Facet, FacetValue, IngestReport, SearchResult

__all__ = ["ShardedArchive", "ShardError", "merge_stats", "shard_of_url", "content_key"]


class ShardError(NewsdexError):
    """A shard failed: `shard` is its path; code/name/message those of the library's error."""

    def __init__(self, shard, code, message):
        self.shard = shard
        super().__init__(code, f"shard {shard}: {message}")

    def __reduce__(self):
        return (ShardError, (self.shard, self.code, self.message.split(": ", 1)[1]))


def shard_of_url(url, n):
    """The shard (0..n-1) of a URL: the same in every process and on every run."""
    h = hashlib.blake2b((url or "").encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "little") % n


def content_key(article):
    """A key equal for articles the library takes as exact copies of each other (body, or title
    when there is no body, compared ASCII-case-insensitively without white space), so they can
    be sent to one shard.  Coarser than the library's test, never finer."""
    text = article.get("body") or article.get("maintext") or article.get("text") or \
        article.get("title") or ""
    norm = "".join(text.split()).encode("utf-8").lower()
    return hashlib.blake2b(norm, digest_size=12).hexdigest()


def merge_stats(stats):
    """The sum of several indexes' query statistics (Index.query_stats)."""
    out = {"docs": 0, "sum_dl": 0, "langs": [], "df": {}, "prefix_df": {}}
    for s in stats:
        out["docs"] += s["docs"]
        out["sum_dl"] += s["sum_dl"]
        out["langs"] += [lang for lang in s["langs"] if lang not in out["langs"]]
        for k in ("df", "prefix_df"):
            for t, v in s.get(k, {}).items():
                out[k][t] = out[k].get(t, 0) + v
    return out


# ---- tasks: plain functions of a shard path, run on the workers ------------------------------

def _guard(shard, fn, *args):
    try:
        return fn(*args)
    except NewsdexError as e:
        raise ShardError(shard, e.code, e.message) from None


def _task_stats(shard, q):
    def run():
        with Index(shard) as ix:
            return ix.query_stats(q)
    return _guard(shard, run)


def _task_search(shard, q, stats, opts, delay=0.0):
    def run():
        with Index(shard) as ix:
            ix.set_stats(stats)
            r = ix.search(q, **opts)
        if delay:  # tests: keep the task running while its worker is killed
            time.sleep(delay)
        return r
    return _guard(shard, run)


def _task_ingest(shard, articles, story_threshold):
    def run():
        os.makedirs(os.path.dirname(shard), exist_ok=True)
        with Index(shard, write=True) as ix:
            return ix.ingest(articles, story_threshold=story_threshold)
    return _guard(shard, run)


def _task_call(shard, method, args):
    def run():
        with Index(shard) as ix:
            return getattr(ix, method)(*args)
    return _guard(shard, run)


class ShardedArchive:
    """An archive spread over the index directories `shard_paths` (created on first ingest),
    its tasks run on the Dask `client` (None: in this process, one shard after another).  The
    manifest (default: newsdex-archive.json beside the first shard) records the shard count and
    where exact copies were placed."""

    def __init__(self, shard_paths, client=None, manifest=None):
        self.shards = [os.path.abspath(os.fspath(p)) for p in shard_paths]
        if not self.shards:
            raise ValueError("an archive needs at least one shard")
        self.client = client
        self.manifest_path = manifest or os.path.join(os.path.dirname(self.shards[0]),
                                                      "newsdex-archive.json")
        self._manifest = {"shards": len(self.shards), "content": {}, "urls": {}}
        if os.path.exists(self.manifest_path):
            with open(self.manifest_path) as f:
                m = json.load(f)
            if m["shards"] != len(self.shards):
                raise ValueError(f"{self.manifest_path}: the archive has {m['shards']} shards, "
                                 f"not {len(self.shards)}")
            self._manifest = m

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def __repr__(self):
        return f"ShardedArchive({len(self.shards)} shards, {self.client!r})"

    # ---- running tasks ---------------------------------------------------------------------

    def _map(self, fn, per_shard, partial=False):
        """fn(shard, *args) for every (shard, args) pair; results in order.  With partial, a
        shard that fails gives None and is listed in the second value."""
        if self.client is None:
            out, missing = [], []
            for shard, args in per_shard:
                try:
                    out.append(fn(shard, *args))
                except ShardError:
                    if not partial:
                        raise
                    out.append(None)
                    missing.append(shard)
            return out, missing
        futs = [self.client.submit(fn, shard, *args, pure=False) for shard, args in per_shard]
        out, missing = [], []
        for (shard, _), f in zip(per_shard, futs):
            try:
                out.append(f.result())
            except ShardError:
                if not partial:
                    for g in futs:
                        g.cancel()
                    raise
                out.append(None)
                missing.append(shard)
        return out, missing

    def _gid(self, shard_index, local):
        return local * len(self.shards) + shard_index

    def _local(self, gid):
        n = len(self.shards)
        return self.shards[gid % n], gid // n

    # ---- writing ---------------------------------------------------------------------------

    def _route(self, art, pending):
        url = art.get("url")
        key = content_key(art)
        m = self._manifest
        if url and url in m["urls"]:
            return m["urls"][url]
        shard = pending.get(key, m["content"].get(key))
        if shard is None:
            shard = shard_of_url(url, len(self.shards))
        elif url and shard != shard_of_url(url, len(self.shards)):
            m["urls"][url] = shard  # a copy placed with its original
        pending.setdefault(key, shard)
        return shard

    def ingest(self, source, *, fields=None, format=None, drop_stubs=False,
               story_threshold=None):
        """As Index.ingest (paths and/or dicts), committed on every shard; the report's ids are
        archive ids, shard by shard.  Files are read here and their articles sent to the shard
        writers, one task per shard."""
        if isinstance(source, (str, bytes, os.PathLike, dict)):
            source = [source]
        rep = IngestReport()
        batches = [[] for _ in self.shards]
        pending = {}
        for item in source:
            arts = [item] if isinstance(item, dict) else None
            if arts is None:
                arts, r = read_articles(item, fields=fields, format=format, drop_stubs=drop_stubs)
                rep.merge(r)
            for a in arts:
                batches[self._route(a, pending)].append(a)
        if self.client is not None:  # batches go to the workers as data, not in the graph
            batches = [self.client.scatter(b) if b else b for b in batches]
        # every shard gets its task, so every shard exists after the first ingest
        work = [(s, (b, story_threshold)) for s, b in zip(self.shards, batches)]
        results, _ = self._map(_task_ingest, work)
        for (shard, _), r in zip(work, results):
            i = self.shards.index(shard)
            r.ids = [self._gid(i, x) for x in r.ids]
            rep.merge(r)
        self._manifest["content"].update(pending)
        tmp = self.manifest_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self._manifest, f)
        os.replace(tmp, self.manifest_path)
        return rep

    # ---- reading ---------------------------------------------------------------------------

    def query_stats(self, q, partial=False):
        """The archive's collection statistics for q (the sum over shards)."""
        stats, missing = self._map(_task_stats, [(s, (q,)) for s in self.shards], partial)
        return merge_stats([s for s in stats if s is not None]), missing

    def search(self, q, limit=10, offset=0, *, sort="relevance", collapse=True, snippets=True,
               count=True, date_from=None, date_to=None, highlight=("<mark>", "</mark>"),
               facets=None, facet_size=10, partial=False, _task_delay=0.0):
        """As Index.search over the whole archive; hits carry archive ids and their shard.
        collapse groups copies of a story within a shard (a story whose copies landed on two
        shards shows once per shard, and counts once per shard in total_stories and in facet
        stories; copies are exact).  facets: as Index.search, every value of every shard
        added up.  partial=True leaves out shards that cannot be read and names them in
        result.missing_shards."""
        t0 = time.monotonic()
        stats, missing = self.query_stats(q, partial)
        opts = dict(limit=offset + limit, offset=0, sort=sort, collapse=collapse,
                    snippets=snippets, count=count, date_from=date_from, date_to=date_to,
                    highlight=highlight)
        if facets:
            opts.update(facets=facets, facet_size=1 << 40)  # every value: merged here
        live = [s for s in self.shards if s not in missing]
        results, more = self._map(_task_search, [(s, (q, stats, opts, _task_delay)) for s in live],
                                  partial)
        hits = []
        for shard, r in zip(live, results):
            if r is None:
                continue
            i = self.shards.index(shard)
            for h in r.hits:
                h.id, h.story, h.shard = self._gid(i, h.id), self._gid(i, h.story), shard
                hits.append(h)
        if sort == "relevance":
            hits.sort(key=lambda h: (-h.score, h.id))
        else:
            far = float("inf")
            sign = -1 if sort == "date" else 1
            hits.sort(key=lambda h: (sign * h.published.timestamp() if h.published else far,
                                     h.id))
        done = [r for r in results if r is not None]
        merged = {}
        for field in (facets or []):
            name = field.partition(":")[0]
            counts = {}
            for r in done:
                for v in r.facets[name].values:
                    st, cp = counts.get(v.value, (0, 0))
                    counts[v.value] = (st + v.stories, cp + v.copies)
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
            rest = ranked[facet_size:]
            merged[name] = Facet(field=name, values=[FacetValue(k, st, cp) for k, (st, cp)
                                                     in ranked[:facet_size]],
                                 other_values=len(rest), other_stories=sum(x[1][0] for x in rest),
                                 other_copies=sum(x[1][1] for x in rest))
        return SearchResult(query=q, total=sum(r.total for r in done),
                            total_stories=sum(r.total_stories for r in done),
                            total_copies=sum(r.total_copies for r in done),
                            exact=all(r.exact for r in done),
                            took_ms=(time.monotonic() - t0) * 1e3,
                            hits=hits[offset:offset + limit], facets=merged,
                            missing_shards=missing + more)

    def export(self, q="", body=True):
        """Every article of the archive matching q, streamed: shard by shard, each shard's in
        its index order (as Index.export), with archive ids."""
        exports = []
        try:
            for s in self.shards:
                exports.append(_guard(s, Export, s, q, body, s))
        except ShardError:
            for e in exports:
                e.close()
            raise

        try:
            for i, e in enumerate(exports):
                for a in e:
                    a.id, a.story = self._gid(i, a.id), self._gid(i, a.story)
                    yield a
        finally:
            for e in exports:
                e.close()

    def show(self, gid):
        """The article with this archive id."""
        shard, local = self._local(gid)
        (a,), _ = self._map(_task_call, [(shard, ("show", (local,)))])
        a.id, a.story, a.shard = gid, self._gid(self.shards.index(shard), a.story), shard
        return a

    def related(self, gid, limit=10):
        """Related stories of an article, from its own shard (scored with that shard's
        statistics)."""
        shard, local = self._local(gid)
        (hits,), _ = self._map(_task_call, [(shard, ("related", (local, limit)))])
        i = self.shards.index(shard)
        for h in hits:
            h.id, h.story, h.shard = self._gid(i, h.id), self._gid(i, h.story), shard
        return hits

    def stats(self):
        """Per-shard Stats, in shard order."""
        out, _ = self._map(_task_call, [(s, ("stats", ())) for s in self.shards])
        return out

    def __len__(self):
        return sum(s.documents for s in self.stats())
