"""newsdex.cluster: an archive split into shards, searched on a Dask cluster.

    from distributed import Client
    from newsdex.cluster import ShardedArchive
    client = Client("tcp://scheduler:8786")          # or python3 -m newsdex.cluster
    arc = ShardedArchive([f"/shared/arc/shard-{i}" for i in range(4)], client)
    arc.ingest(["crawl/"])
    res = arc.search("port strike", limit=10)

A shard is an ordinary newsdex index directory on storage every worker can read.  Ingest asks
every shard what it holds for the batch (one task round), then routes each article as one index
would treat it (placement.py): a known URL to its article's shard, an exact or near copy to the
shard of its story, anything else by a hash of its URL; then it runs one task per shard writer.
So a story never spans shards, and stories and copies add up shard by shard.  A search runs in
two rounds of pure tasks that open their shard read-only by path: the first gathers each
shard's collection statistics for the query (documents, lengths, languages, document
frequencies), the second searches every shard with their sum, so each hit scores exactly as in
one index holding the whole archive; the coordinator merges the hits by score and adds up the
totals, facets and histograms (merge.py).  Archive ids are `local id * shards + shard`, so they
never collide.  Dask reruns the task of a worker that dies; a shard that cannot be read raises
ShardError naming it (or, with partial=True, is left out and named in the result).
"""
import json
import os
import time
import uuid
from collections import OrderedDict

from .._ffi import lib
from ..errors import InvalidArgumentError, NewsdexError, NotFoundError, error
from ..index import Export, Index, read_articles
from ..records import IngestReport, SearchResult, Timeline
from .merge import (BUILTIN_FACETS, anchor_query, merge_buckets, merge_facets, merge_stats,
                    needs_fill, span_of)
from . import terms as sig
from .placement import Batch, route, shard_of_url

KEYS_SIZE = 144  # sizeof(ndx_article_keys)

__all__ = ["ShardedArchive", "ShardError", "merge_stats", "shard_of_url"]


class ShardError(NewsdexError):
    """A shard failed: `shard` is its path; code/name/message those of the library's error."""

    def __init__(self, shard, code, message):
        self.shard = shard
        super().__init__(code, f"shard {shard}: {message}")

    def __reduce__(self):
        return (ShardError, (self.shard, self.code, self.message.split(": ", 1)[1]))


# ---- tasks: plain functions of a shard path, run on the workers ------------------------------

def _guard(shard, fn, *args):
    try:
        return fn(*args)
    except NewsdexError as e:
        raise ShardError(shard, e.code, e.message) from None


def _open(shard, aliases):
    """A read handle on the shard that expands names with the archive's alias table."""
    ix = Index(shard)
    if aliases is not None:
        ix.set_aliases(aliases)
    return ix


def _task_aliases(shard):
    def run():
        try:
            ix = Index(shard)
        except NotFoundError:
            return []
        with ix:
            return ix.aliases()
    return _guard(shard, run)


def _task_stats(shard, q, aliases=None, fields=()):
    """The shard's statistics for q, and which of the keyword fields `fields` it holds."""
    def run():
        with _open(shard, aliases) as ix:
            return ix.query_stats(q), [f for f in fields if _holds_field(ix, f)]
    return _guard(shard, run)


NO_MATCH = 'url:"newsdex:none"'  # a query no article matches, answered from one hash look-up


def _holds_field(ix, name):
    """Whether the index holds keyword field `name` (a facet on a field it lacks is refused)."""
    try:
        ix.search(NO_MATCH, limit=0, snippets=False, count=False, facets=[name])
        return True
    except InvalidArgumentError:
        return False


def _task_search(shard, q, stats, opts, delay=0.0, aliases=None):
    def run():
        with _open(shard, aliases) as ix:
            ix.set_stats(stats)
            r = ix.search(q, **opts)
        if delay:  # tests: keep the task running while its worker is killed
            time.sleep(delay)
        return r
    return _guard(shard, run)


def _task_place(shard, keys, story_threshold):
    """What the shard holds for a batch's articles (Index.place); nothing if it does not exist
    yet."""
    def run():
        n = len(keys) // KEYS_SIZE
        try:
            ix = Index(shard)
        except NotFoundError:
            return [(0, 0, 0, 0.0, 0)] * n
        with ix:
            if story_threshold is not None:
                ix.set_story_threshold(story_threshold)
            return ix.place(keys)
    return _guard(shard, run)


def _task_ingest(shard, articles, story_threshold):
    def run():
        os.makedirs(os.path.dirname(shard), exist_ok=True)
        with Index(shard, write=True) as ix:
            return ix.ingest(articles, story_threshold=story_threshold)
    return _guard(shard, run)


def _task_timeline(shard, queries, interval, opts, aliases=None):
    def run():
        with _open(shard, aliases) as ix:
            return ix.timeline(queries, interval, **opts)
    return _guard(shard, run)


def _task_related(shard, article, limit, article_id, stats, aliases=None):
    def run():
        with _open(shard, aliases) as ix:
            ix.set_stats(stats)
            return ix.related_article(article, limit, article_id)
    return _guard(shard, run)


_FOREGROUNDS = OrderedDict()  # (token, shard) -> once-seen terms of a first round
_FOREGROUND_TERMS = 1 << 20   # kept at most, all entries together (the oldest go first)


def _worker_address():
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return None


def _task_terms_fg(shard, q, stats, opts, aliases=None, token=None, want=None):
    """The shard's foreground, its terms seen once sent as keys only (terms.compact), the
    worker keeping them for the second round; with `want`, those of its once-seen terms whose
    keys are asked for, in full (computed again if this worker does not hold them)."""
    def run():
        if want is not None:
            once = _FOREGROUNDS.pop((token, shard), None)
            if once is not None:
                return sig.pick_once(once, want)
        with _open(shard, aliases) as ix:
            ix.set_stats(stats)
            fg = ix.terms_foreground(q, **opts)
        if want is not None:
            return sig.pick_once(sig.split_once(fg)[1], want)
        full, once = sig.split_once(fg)
        if token is not None and once:
            _FOREGROUNDS[(token, shard)] = once
            held = sum(len(v) for v in _FOREGROUNDS.values())
            while held > _FOREGROUND_TERMS and len(_FOREGROUNDS) > 1:
                held -= len(_FOREGROUNDS.popitem(last=False)[1])
        out = sig.compact(full, once)
        out["worker"] = _worker_address()
        return out
    return _guard(shard, run)


def _task_terms_bg(shard, terms, langs, bg):
    def run():
        with Index(shard) as ix:
            return ix.terms_background(terms, langs, bg)
    return _guard(shard, run)


def _task_call(shard, method, args, aliases=None):
    def run():
        with _open(shard, aliases) as ix:
            return getattr(ix, method)(*args)
    return _guard(shard, run)


class ShardedArchive:
    """An archive spread over the index directories `shard_paths` (created on first ingest),
    its tasks run on the Dask `client` (None: in this process, one shard after another).  The
    manifest (default: newsdex-archive.json beside the first shard) records the shard count,
    which every URL's shard depends on; nothing else is kept outside the shards."""

    def __init__(self, shard_paths, client=None, manifest=None):
        self.shards = [os.path.abspath(os.fspath(p)) for p in shard_paths]
        if not self.shards:
            raise ValueError("an archive needs at least one shard")
        self.client = client
        self.manifest_path = manifest or os.path.join(os.path.dirname(self.shards[0]),
                                                      "newsdex-archive.json")
        self._manifest = {"shards": len(self.shards)}
        self._alias_list = None
        if os.path.exists(self.manifest_path):
            with open(self.manifest_path) as f:
                m = json.load(f)
            if m["shards"] != len(self.shards):
                raise ValueError(f"{self.manifest_path}: the archive has {m['shards']} shards, "
                                 f"not {len(self.shards)}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def __repr__(self):
        return f"ShardedArchive({len(self.shards)} shards, {self.client!r})"

    # ---- running tasks ---------------------------------------------------------------------

    def _map(self, fn, per_shard, partial=False, workers=None):
        """fn(shard, *args) for every (shard, args) pair; results in order.  With partial, a
        shard that fails gives None and is listed in the second value.  workers: for each
        pair, the worker preferred to run it (None: any)."""
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
        workers = workers or [None] * len(per_shard)
        futs = [self.client.submit(fn, shard, *args, pure=False,
                                   **({"workers": [w], "allow_other_workers": True} if w else {}))
                for (shard, args), w in zip(per_shard, workers)]
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

    def _share(self, data):
        """Data every shard's task reads: sent to the workers once, not in each task."""
        if self.client is None or not data:
            return data
        return self.client.scatter([data], broadcast=True)[0]  # one future, not one an item

    def _aliases(self):
        """The archive's alias table, for the tasks: every shard's pairs one after another (the
        library counts a pair held by several shards once, its articles added up), so a name
        expands on every shard as in one index holding the whole archive.  Read from the shards
        at the first query and again after each ingest through this object; call refresh()
        when another process has written to the shards.  The pairs travel in each task's
        arguments, not as data scattered once: a worker that dies can take scattered data
        with it (Dask may keep a single copy), and the tasks that need it would then fail."""
        if self._alias_list is None:
            got, missing = self._map(_task_aliases, [(s, ()) for s in self.shards], True)
            pairs = [(a.latin, a.cjk, a.articles) for t in got if t for a in t]
            if missing:  # not kept: the shard's pairs are read when it can be read again
                return pairs
            self._alias_list = pairs
        return self._alias_list

    def refresh(self):
        """Forget what was read from the shards (their alias table): the next query reads it
        again."""
        self._alias_list = None

    def _gid(self, shard_index, local):
        return local * len(self.shards) + shard_index

    def _local(self, gid):
        n = len(self.shards)
        return self.shards[gid % n], gid // n

    # ---- writing ---------------------------------------------------------------------------

    def ingest(self, source, *, fields=None, format=None, drop_stubs=False,
               story_threshold=None):
        """As Index.ingest (paths and/or dicts), committed on every shard; the report's ids are
        archive ids, shard by shard.  Files are read here; every shard is asked what it holds
        for the articles (one task each), each article is routed to the shard one index would
        have treated it like (an update to its article, a copy to its story), and the shard
        writers run, one task per shard."""
        if isinstance(source, (str, bytes, os.PathLike, dict)):
            source = [source]
        rep = IngestReport()
        arts = []
        for item in source:
            if isinstance(item, dict):
                arts.append(item)
            else:
                got, r = read_articles(item, fields=fields, format=format, drop_stubs=drop_stubs)
                arts += got
                rep.merge(r)
        batch = Batch(arts)
        keys = self._share(batch.raw)
        placements, _ = self._map(_task_place, [(s, (keys, story_threshold))
                                                for s in self.shards])
        batches = [[] for _ in self.shards]
        for a, shard in zip(batch.articles, route(batch, placements, len(self.shards),
                                                  story_threshold)):
            batches[shard].append(a)
        if self.client is not None:  # batches go to the workers as data, not in the graph
            batches = [self.client.scatter(b) if b else b for b in batches]
        # every shard gets its task, so every shard exists after the first ingest
        work = [(s, (b, story_threshold)) for s, b in zip(self.shards, batches)]
        results, _ = self._map(_task_ingest, work)
        self.refresh()
        for i, r in enumerate(results):
            r.ids = [self._gid(i, x) for x in r.ids]
            rep.merge(r)
        tmp = self.manifest_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self._manifest, f)
        os.replace(tmp, self.manifest_path)
        return rep

    # ---- reading ---------------------------------------------------------------------------

    def query_stats(self, q, partial=False):
        """The archive's collection statistics for q (the sum over shards)."""
        stats, _, missing = self._stats(q, partial)
        return stats, missing

    def _stats(self, q, partial, fields=()):
        """(statistics for q summed over the shards, the keyword fields of `fields` some shard
        holds, the shards left out)."""
        got, missing = self._map(_task_stats, [(s, (q, self._aliases(), fields))
                                               for s in self.shards], partial)
        got = [g for g in got if g is not None]
        return merge_stats([st for st, _ in got]), {f for _, fs in got for f in fs}, missing

    def search(self, q, limit=10, offset=0, *, sort="relevance", collapse=True, snippets=True,
               count=True, date_from=None, date_to=None, highlight=("<mark>", "</mark>"),
               facets=None, facet_size=10, histogram=None, partial=False, _task_delay=0.0):
        """As Index.search over the whole archive; hits carry archive ids and their shard.  A
        story lives on one shard, so collapse, total_stories and the stories of facets and
        buckets are those of one index.  facets and histogram as Index.search: every facet
        value of every shard added up, buckets added up over the archive's span.
        partial=True leaves out shards that cannot be read and names them in
        result.missing_shards."""
        t0 = time.monotonic()
        # one index refuses a facet on a keyword field it does not hold: so does the archive
        keyword = sorted({f.partition(":")[0] for f in facets or ()} - set(BUILTIN_FACETS))
        stats, held, missing = self._stats(q, partial, keyword)
        for f in keyword:
            if f not in held:
                raise error(lib.NDX_EINVAL, f"unknown facet '{f}' (source, lang, wire, year, "
                            "month, or a keyword field of the index)")
        opts = dict(limit=offset + limit, offset=0, sort=sort, collapse=collapse,
                    snippets=snippets, count=count, date_from=date_from, date_to=date_to,
                    highlight=highlight, histogram=histogram)
        if facets:
            opts.update(facets=facets, facet_size=1 << 40)  # every value: merged here
        live = [s for s in self.shards if s not in missing]
        al = self._aliases()
        results, more = self._map(_task_search, [(s, (q, stats, opts, _task_delay, al))
                                                 for s in live], partial)
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
        done = [(shard, r) for shard, r in zip(live, results) if r is not None]
        merged = {}
        for field in (facets or []):
            name = field.partition(":")[0]
            merged[name] = merge_facets(name, [r.facets[name] for _, r in done], facet_size)
        buckets = []
        if histogram:
            tl = self._merge_series([q], histogram, {"date_from": date_from, "date_to": date_to},
                                    [(shard, [r.histogram]) for shard, r in done], partial)
            buckets = tl[0]
        return SearchResult(query=q, total=sum(r.total for _, r in done),
                            total_stories=sum(r.total_stories for _, r in done),
                            total_copies=sum(r.total_copies for _, r in done),
                            exact=all(r.exact for _, r in done),
                            took_ms=(time.monotonic() - t0) * 1e3,
                            hits=hits[offset:offset + limit], facets=merged, histogram=buckets,
                            missing_shards=missing + more)

    def _merge_series(self, queries, interval, opts, per_shard, partial):
        """Each query's buckets over the archive's span, from [(shard, [buckets of each
        query])]: shards whose buckets do not cover the merged span are asked again, with an
        anchor series over the span, for the all_stories of the buckets they lack."""
        span = span_of([bs for _, series in per_shard for bs in series])
        if span is None:
            return [[] for _ in queries]
        redo = [shard for shard, series in per_shard
                if any(needs_fill(bs, span) for bs in series)]
        if redo:
            anchor = anchor_query(interval, span)
            again, _ = self._map(_task_timeline, [(s, (list(queries) + [anchor], interval, opts,
                                                       self._aliases())) for s in redo], partial)
            fill = {s: t.buckets[:len(queries)] for s, t in zip(redo, again) if t is not None}
            per_shard = [(s, fill.get(s, series)) for s, series in per_shard]
        return [merge_buckets(interval, [series[k] for _, series in per_shard], span)
                for k in range(len(queries))]

    def timeline(self, queries, interval="month", *, date_from=None, date_to=None):
        """As Index.timeline over the whole archive: the shards' buckets added up over one
        span, the same for every query, with all_stories for every bucket."""
        if isinstance(queries, (str, bytes)):
            queries = [queries]
        queries = list(queries)
        opts = {"date_from": date_from, "date_to": date_to}
        al = self._aliases()
        got, _ = self._map(_task_timeline, [(s, (queries, interval, opts, al))
                                            for s in self.shards])
        done = [(s, t) for s, t in zip(self.shards, got) if t is not None]
        series = self._merge_series(queries, interval, opts,
                                    [(s, t.buckets) for s, t in done], False)
        return Timeline(interval=interval, queries=queries,
                        totals=[sum(t.totals[k] for _, t in done) for k in range(len(queries))],
                        buckets=series)

    def terms(self, q, size=25, *, sample=0, method="jlh", date_from=None, date_to=None):
        """As Index.terms over the whole archive, computed from counts added up over the
        shards exactly as one index computes them (terms.py): the shards' foregrounds, then
        the candidates' document frequencies, then the best candidates' background counts."""
        if method not in sig.METHODS:
            raise ValueError("method must be jlh, chi2 or mi")
        if not 0 < size <= 1000:
            raise ValueError("size must be 1 to 1000")
        stats, _ = self.query_stats(q)
        opts = {"method": method, "date_from": date_from, "date_to": date_to}
        samples = [0] * len(self.shards)
        if sample:  # the archive's best `sample` stories: how many of them each shard holds
            top = self.search(q, limit=sample, snippets=False, date_from=date_from,
                              date_to=date_to)
            for h in top.hits:
                samples[self.shards.index(h.shard)] += 1
        al, token = self._aliases(), uuid.uuid4().hex
        work = [(s, (q, stats, dict(opts, sample=n or (1 if sample else 0)), al, token))
                for s, n in zip(self.shards, samples)]
        fgs, _ = self._map(_task_terms_fg, work)
        if sample:
            for f, n in zip(fgs, samples):
                if not n:  # none of its stories is among the best: it examines none
                    f["stories"], f["terms"], f["once"] = 0, [], b""
        wants = sig.wanted_once(fgs)  # terms seen once on a shard but held elsewhere too
        asked = [i for i, w in enumerate(wants) if w]
        if asked:
            more, _ = self._map(_task_terms_fg, [(work[i][0], work[i][1] + (wants[i],))
                                                 for i in asked],
                                workers=[fgs[i].get("worker") for i in asked])
            for i, m in zip(asked, more):
                fgs[i]["terms"] += m["terms"]
        F, B, total, terms = sig.merge_foregrounds(fgs)
        cands = sig.candidates(F, terms)
        langs = sorted({terms[k][1] for k in cands})
        shared = self._share(cands)
        backs, _ = self._map(_task_terms_bg, [(s, (shared, langs, False)) for s in self.shards])
        back = {"docs": sum(b["docs"] for b in backs),
                "df": [[sum(b["df"][i][k] for b in backs) for k in (0, 1)]
                       for i in range(len(cands))],
                "lang_docs": {lang: sum(b["lang_docs"][i] for b in backs)
                              for i, lang in enumerate(langs)}}
        ranked = sig.estimate(method, F, terms, cands, back)
        best = ranked[:sig.exact_count(size)]
        keys = [k for _, _, k in best]
        shared = self._share(keys)
        counted, _ = self._map(_task_terms_bg, [(s, (shared, [], True)) for s in self.shards])
        bgs = [sum(c["bg"][i] for c in counted) for i in range(len(keys))]
        return sig.final(q, method, size, F, B, bool(sample) and total > sample, terms, best,
                         bgs)

    def export(self, q="", body=True):
        """Every article of the archive matching q, streamed: shard by shard, each shard's in
        its index order (as Index.export), with archive ids."""
        exports = []
        al = self._aliases()
        try:
            for s in self.shards:
                exports.append(_guard(s, Export, s, q, body, s, al))
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

    def story(self, story_id):
        """Every article of a story (Hit.story, Article.story), earliest first: a story lives
        on one shard."""
        shard, local = self._local(story_id)
        (arts,), _ = self._map(_task_call, [(shard, ("story", (local,)))])
        i = self.shards.index(shard)
        for a in arts:
            a.id, a.story, a.shard = self._gid(i, a.id), story_id, shard
        return arts

    def related(self, gid, limit=10):
        """Related articles of an article, from the whole archive, scored as in one index: the
        article is read from its shard, every shard reports the frequencies it looks up for it
        (Index.article_stats), and every shard searches with their sum (the article itself left
        out on its shard); the best `limit` hits are merged by score.  At most three articles of
        a story are listed, as by one index: a story lives on one shard."""
        shard, local = self._local(gid)
        home = self.shards.index(shard)
        (a,), _ = self._map(_task_call, [(shard, ("show", (local,)))])
        art = {"url": a.url, "title": a.title, "body": a.body, "lang": a.lang,
               "source": a.source, "date": a.published}
        al = self._aliases()
        stats, _ = self._map(_task_call, [(s, ("article_stats", (art,), al))
                                          for s in self.shards])
        stats = merge_stats(stats)
        per = [(s, (art, limit, local if i == home else 0, stats, al))
               for i, s in enumerate(self.shards)]
        results, _ = self._map(_task_related, per)
        hits = []
        for i, (s, r) in enumerate(zip(self.shards, results)):
            for h in r:
                h.id, h.story, h.shard = self._gid(i, h.id), self._gid(i, h.story), s
                hits.append(h)
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:limit]

    def stats(self):
        """Per-shard Stats, in shard order."""
        out, _ = self._map(_task_call, [(s, ("stats", ())) for s in self.shards])
        return out

    def __len__(self):
        return sum(s.documents for s in self.stats())
