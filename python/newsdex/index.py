"""newsdex.Index: one index directory, opened for reading or for writing."""
import json
import os
import queue
import threading
from collections.abc import Mapping
from datetime import datetime

from ._ffi import DATE_UNKNOWN, ffi, lib
from .errors import error
from .records import (Alias, Article, Facet, Hit, IngestReport, SearchResult, SignificantTerms, Stats,
                      TermScore, Timeline, buckets_of, frame, text, when)

_SORTS = {"relevance": lib.NDX_SORT_RELEVANCE, "date": lib.NDX_SORT_DATE,
          "date-asc": lib.NDX_SORT_DATE_ASC}
_FORMATS = {None: 0, "auto": 0, "text": 1, "jsonl": 2, "json": 3, "html": 4, "feed": 5, "warc": 6}
# Article fields of a dict given to Index.ingest, with the news-please names they may carry.
_FIELDS = {"url": ("url",), "source": ("source", "source_domain"), "title": ("title",),
           "authors": ("authors",), "body": ("body", "maintext", "text"),
           "lang": ("lang", "language"), "date": ("date", "published", "date_publish")}
# Room for fields a newer library may append to ndx_search_opts: ndx_search_opts_init writes
# the whole struct it knows.
_OPTS_ROOM = 4096


def _b(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def _epoch(v, what):
    """Unix seconds of a date given as datetime, number or string (any form the library
    parses); NDX_DATE_UNKNOWN for None."""
    if v is None:
        return DATE_UNKNOWN
    if isinstance(v, datetime):
        return int(v.timestamp())
    if isinstance(v, (int, float)):
        return int(v)
    raw = _b(v)
    out = ffi.new("int64_t *")
    rc = lib.ndx_parse_date(raw, len(raw), out)
    if rc:
        raise error(rc, f"{what}: not a date: {v!r}")
    return out[0]


def search_opts(limit=10, offset=0, sort="relevance", collapse=True, snippets=True, count=True,
                date_from=None, date_to=None, ids_only=False, highlight=("<mark>", "</mark>")):
    """An ndx_search_opts (with the buffers it points to kept alive by the returned pair)."""
    buf = ffi.new("char[]", max(_OPTS_ROOM, ffi.sizeof("ndx_search_opts")))
    o = ffi.cast("ndx_search_opts *", buf)
    lib.ndx_search_opts_init(o)
    if sort not in _SORTS:
        raise ValueError(f"sort must be one of {', '.join(_SORTS)}")
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    o.limit, o.offset, o.sort = limit, offset, _SORTS[sort]
    o.collapse, o.want_snippets, o.want_count = int(collapse), int(snippets), int(count)
    o.ids_only = int(ids_only)
    o.date_from = _epoch(date_from, "date_from")
    o.date_to = _epoch(date_to, "date_to")
    hl = [ffi.new("char[]", _b(h)) for h in (highlight or ("", ""))]
    o.hl_open, o.hl_close = hl
    return o, [buf, hl]


class _Closes:
    """A context manager over close(), which also runs when the object is collected."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


class Index(_Closes):
    """An index directory.  `Index(path)` opens it for reading (it must exist); `Index(path,
    write=True)` for writing, creating it if missing (`stem=False`: exact word forms;
    `simple=True`: simple analysis; both only when creating).  Use it as a context manager, or
    call close().  One Index is used by one thread at a time; open one per thread."""

    def __init__(self, path, write=False, stem=True, simple=False):
        self.path = os.fspath(path)
        self.writable = bool(write)
        flags = lib.NDX_OPEN_READ
        if write:
            flags = lib.NDX_OPEN_WRITE | lib.NDX_OPEN_CREATE
            flags |= 0 if stem else lib.NDX_OPEN_NOSTEM
            flags |= lib.NDX_OPEN_SIMPLE if simple else 0
        out = ffi.new("ndx_index **")
        msg = ffi.new("char **")
        rc = lib.ndx_index_open(_b(self.path), flags, out, msg)
        if rc:
            text = ffi.string(msg[0]).decode("utf-8", "replace") if msg[0] != ffi.NULL else None
            lib.ndx_free(msg[0])
            raise error(rc, text)
        self._ix = out[0]

    # ---- handle ------------------------------------------------------------------------------

    def close(self):
        if getattr(self, "_ix", None) is not None:
            lib.ndx_index_close(self._ix)
            self._ix = None

    def __repr__(self):
        return f"newsdex.Index({self.path!r}{', write=True' if self.writable else ''})"

    def _h(self):
        if self._ix is None:
            raise ValueError("the index is closed")
        return self._ix

    def _fail(self, rc, **kw):
        return error(rc, ffi.string(lib.ndx_errmsg(self._ix)).decode("utf-8", "replace"), **kw)

    def _call(self, rc):
        if rc:
            raise self._fail(rc)

    def _fresh(self):
        """Readers see the newest commit (one stat() when nothing changed)."""
        if not self.writable:
            self._call(lib.ndx_index_refresh(self._h()))
        return self._h()

    @property
    def generation(self):
        return lib.ndx_index_generation(self._h())

    def stats(self):
        st = ffi.new("ndx_stats *")
        self._call(lib.ndx_index_stats(self._fresh(), st))
        return Stats(documents=st.documents, deleted=st.deleted, segments=st.segments,
                     terms=st.terms, postings=st.postings, tokens=st.tokens,
                     index_bytes=st.index_bytes, text_bytes=st.text_bytes,
                     generation=st.generation, date_min=when(st.date_min),
                     date_max=when(st.date_max), stemming=bool(st.stemming),
                     simple=bool(st.simple), duplicates=st.duplicates)

    def __len__(self):
        return self.stats().documents

    # ---- writing -----------------------------------------------------------------------------

    def ingest(self, source, *, fields=None, format=None, drop_stubs=False, commit=True,
               story_threshold=None):
        """Add articles and (commit=True) commit them.  `source` is a path (file, directory read
        recursively skipping hidden entries, .gz fine), or an iterable of paths and/or dicts.
        A dict is an article: url, title, body, source, authors (str or list), lang, date
        (datetime, Unix seconds or any date string); news-please names (maintext,
        source_domain, language, date_publish) work too; other keys are ignored.  Problems do
        not stop the batch: they are listed in the report, as `newsdex ingest` prints them."""
        ix = self._h()
        if story_threshold is not None:
            self._call(lib.ndx_index_set_dup_threshold(ix, float(story_threshold)))
        if isinstance(source, (str, bytes, os.PathLike, Mapping)):
            source = [source]
        ropts, _keep = _reader_opts(fields, format, drop_stubs)
        rep = IngestReport()
        for n, item in enumerate(source):
            if isinstance(item, Mapping):
                self._add_dict(item, f"item {n}", rep)
            else:
                for path in _walk(os.fspath(item), rep):
                    self._read(path, ropts, rep, fields)
        if commit:
            self.commit()
        return rep

    def _add(self, a, where, rep):
        outcome, gid = ffi.new("int *"), ffi.new("uint64_t *")
        rc = lib.ndx_index_add(self._ix, a, outcome, gid)
        if rc == lib.NDX_EINVAL:
            rep.skipped += 1
            rep.problems.append((where, ffi.string(lib.ndx_errmsg(self._ix)).decode()))
            return
        if rc:
            raise self._fail(rc)
        field_name = ("added", "updated", "duplicates", "unchanged")[outcome[0]]
        setattr(rep, field_name, getattr(rep, field_name) + 1)
        rep.ids.append(gid[0])

    def _add_dict(self, d, where, rep):
        a, _keep = _c_article(d, where, rep.problems)
        self._add(a, where, rep)

    def place(self, keys):
        """What this index holds for incoming articles, given their keys (article_keys; a list,
        or their bytes joined): for each, (url_id, copy_of, bands_held, best, story) as
        ndx_index_place finds them (docs/SCALE.md)."""
        raw = b"".join(keys) if isinstance(keys, (list, tuple)) else bytes(keys)
        size = ffi.sizeof("ndx_article_keys")
        n = len(raw) // size
        if n * size != len(raw):
            raise ValueError("keys: not a whole number of ndx_article_keys")
        out = ffi.new("ndx_placement[]", max(1, n))
        buf = ffi.from_buffer("ndx_article_keys[]", raw) if n else ffi.NULL
        self._call(lib.ndx_index_place(self._fresh(), buf, n, out))
        return [(p.url_id, p.copy_of, p.bands_held, p.best, p.story) for p in out[0:n]]

    def set_story_threshold(self, threshold):
        """The estimated Jaccard from which an incoming article joins a story (ingest, place)."""
        self._call(lib.ndx_index_set_dup_threshold(self._h(), float(threshold)))

    def _read(self, path, ropts, rep, fields):
        _read_file(path, ropts, rep, fields, lambda a: self._add(a, path, rep))


    def commit(self):
        self._call(lib.ndx_index_commit(self._h()))

    def delete(self, key):
        """Delete an article by id or URL (committed by commit())."""
        raw = _b(str(key))
        self._call(lib.ndx_index_delete(self._h(), raw, len(raw)))

    def optimize(self, segments=1):
        self._call(lib.ndx_index_optimize(self._h(), int(segments)))

    # ---- reading -----------------------------------------------------------------------------

    def search(self, q, limit=10, offset=0, *, sort="relevance", collapse=True, snippets=True,
               count=True, date_from=None, date_to=None, highlight=("<mark>", "</mark>"),
               facets=None, facet_size=10, histogram=None):
        """Ranked search (query language of docs/QUERY.md).  collapse=True gives one hit per
        story; count=False lets `total` be a lower bound (faster); highlight=None leaves
        snippets unmarked.  facets: fields (source, lang, wire, year, month; "source:PREFIX"
        keeps values starting with PREFIX) counted over every match, top facet_size values each,
        in result.facets; histogram: "day", "week", "month" or "year", in result.histogram.
        Raises QuerySyntaxError (with .offset) for a bad query."""
        o, _keep = search_opts(limit, offset, sort, collapse, snippets, count, date_from,
                               date_to, highlight=highlight)
        raw = _b(q)
        out, epos = ffi.new("ndx_results **"), ffi.new("size_t *")
        if facets or histogram:
            a, _akeep = _analytics_opts(facets, facet_size, histogram)
            rc = lib.ndx_search_analytics(self._fresh(), raw, len(raw), o, a, out, epos)
        else:
            rc = lib.ndx_search(self._fresh(), raw, len(raw), o, out, epos)
        if rc:
            raise self._fail(rc, offset=epos[0]) if rc == lib.NDX_ESYNTAX else self._fail(rc)
        return _result(q, out[0])

    def timeline(self, queries, interval="month", *, date_from=None, date_to=None):
        """Matching stories over time for one or more queries on one span of buckets
        (zero-filled), with each bucket's all_stories (the stories under the query's filters
        without its text: stories / all_stories is the share of coverage)."""
        if isinstance(queries, (str, bytes)):
            queries = [queries]
        queries = list(queries)
        raws = [ffi.new("char[]", _b(q)) for q in queries]
        arr = ffi.new("const char *[]", raws)
        lens = ffi.new("size_t[]", [len(_b(q)) for q in queries])
        o, _keep = search_opts(date_from=date_from, date_to=date_to)
        out = ffi.new("ndx_results *[]", max(1, len(queries)))
        eq, epos = ffi.new("size_t *"), ffi.new("size_t *")
        rc = lib.ndx_timeline(self._fresh(), arr, lens, len(queries), _interval(interval), o,
                              out, eq, epos)
        if rc:
            if rc == lib.NDX_ESYNTAX:
                raise self._fail(rc, offset=epos[0])
            raise self._fail(rc)
        try:
            return Timeline(interval=interval, queries=queries,
                            totals=[lib.ndx_results_total_stories(out[i])
                                    for i in range(len(queries))],
                            buckets=[buckets_of(out[i]) for i in range(len(queries))])
        finally:
            for i in range(len(queries)):
                lib.ndx_results_free(out[i])

    def terms(self, q, size=25, *, sample=0, method="jlh", date_from=None, date_to=None):
        """Significant terms: the words and two-word phrases that set the stories matching q
        apart from the whole archive (method "jlh", "chi2" or "mi"; sample=N: only the best N
        matching stories)."""
        o = _terms_opts(size, sample, method, date_from, date_to)
        raw = _b(q)
        out, epos = ffi.new("ndx_terms **"), ffi.new("size_t *")
        rc = lib.ndx_significant_terms(self._fresh(), raw, len(raw), o, out, epos)
        if rc:
            raise self._fail(rc, offset=epos[0]) if rc == lib.NDX_ESYNTAX else self._fail(rc)
        t = out[0]
        try:
            terms = [TermScore(text(x.term, x.nterm), x.score, x.fg, x.bg)
                     for x in (lib.ndx_terms_get(t, i) for i in range(lib.ndx_terms_count(t)))]
            return SignificantTerms(query=q, foreground=lib.ndx_terms_foreground(t),
                                    background=lib.ndx_terms_background(t),
                                    sampled=bool(lib.ndx_terms_sampled(t)), terms=terms)
        finally:
            lib.ndx_terms_free(t)

    def terms_foreground(self, q, *, sample=0, method="jlh", date_from=None, date_to=None):
        """Significant terms over shards, first part (ndx_shard_terms_foreground): every term
        of q's foreground here with its fg, as a dict (newsdex.cluster adds them up)."""
        o = _terms_opts(25, sample, method, date_from, date_to)
        raw = _b(q)
        out, n, epos = ffi.new("char **"), ffi.new("size_t *"), ffi.new("size_t *")
        rc = lib.ndx_shard_terms_foreground(self._fresh(), raw, len(raw), o, out, n, epos)
        if rc:
            raise self._fail(rc, offset=epos[0]) if rc == lib.NDX_ESYNTAX else self._fail(rc)
        return _json_of(out, n)

    def terms_background(self, terms, langs=(), bg=False):
        """Significant terms over shards, second part (ndx_shard_terms_background): this
        index's document frequencies of terms ([word, word or None] each), documents of each
        language, and with bg=True the stories holding each term."""
        raw = json.dumps({"terms": [list(t) for t in terms], "langs": list(langs),
                          "bg": bool(bg)}).encode()
        out, n = ffi.new("char **"), ffi.new("size_t *")
        self._call(lib.ndx_shard_terms_background(self._fresh(), raw, len(raw), out, n))
        return _json_of(out, n)

    def query_stats(self, q):
        """The collection statistics q is scored with on this index, as a dict (documents,
        summed lengths, languages, document frequency of every term looked up); those of
        several indexes add up (newsdex.cluster.merge_stats)."""
        raw = _b(q)
        out, n, epos = ffi.new("char **"), ffi.new("size_t *"), ffi.new("size_t *")
        rc = lib.ndx_query_stats(self._fresh(), raw, len(raw), out, n, epos)
        if rc:
            raise self._fail(rc, offset=epos[0]) if rc == lib.NDX_ESYNTAX else self._fail(rc)
        return _json_of(out, n)

    def set_stats(self, stats):
        """Score this handle's searches with external statistics (a dict as query_stats gives,
        summed over indexes); None returns to the index's own."""
        if stats is None:
            self._call(lib.ndx_index_set_stats(self._h(), ffi.NULL, 0))
            return
        raw = json.dumps(stats).encode()
        self._call(lib.ndx_index_set_stats(self._h(), raw, len(raw)))

    def aliases(self, name=None):
        """The alias table of the committed index (names glossed in two scripts), most glossed
        first, as Alias records; with `name`, only the pairs one of whose forms it is (folded as
        search folds it)."""
        out = []

        @ffi.callback("int(void *, const ndx_alias *)")
        def each(_ctx, a):
            out.append(Alias.from_c(a))
            return 0

        raw = name.encode() if name else ffi.NULL
        self._call(lib.ndx_index_aliases(self._fresh(), raw, len(name.encode()) if name else 0,
                                         each, ffi.NULL))
        return out

    def set_aliases(self, aliases):
        """Expand this handle's queries with these Alias records (or (latin, cjk, articles)
        tuples) instead of the index's own table; pairs folded alike count as one, their
        articles added up, so the tables of several indexes may be passed together.  None
        returns to the index's own table."""
        if aliases is None:
            self._call(lib.ndx_index_set_aliases(self._h(), ffi.NULL, 0))
            return
        keep = []
        arr = ffi.new("ndx_alias[]", max(len(aliases), 1))
        for i, a in enumerate(aliases):
            if isinstance(a, Alias):
                latin, cjk, script, n, first = a.latin, a.cjk, a.script, a.articles, a.first
            else:
                latin, cjk, n = a
                script, first = "", 0
            for attr, v in (("latin", latin), ("cjk", cjk)):
                b = ffi.new("char[]", v.encode())
                keep.append(b)
                setattr(arr[i], attr, b)
                setattr(arr[i], "n" + attr, len(b) - 1)
            sc = ffi.new("char[]", (script or "").encode())
            keep.append(sc)
            arr[i].script, arr[i].articles, arr[i].first = sc, int(n), int(first)
        self._call(lib.ndx_index_set_aliases(self._h(), arr, len(aliases)))

    def _id(self, key):
        if isinstance(key, int):
            return key
        raw = _b(str(key))
        gid = ffi.new("uint64_t *")
        self._call(lib.ndx_index_lookup(self._fresh(), raw, len(raw), gid))
        return gid[0]

    def show(self, key):
        """The stored article with this id or URL (NotFoundError if none)."""
        gid = self._id(key)
        out = ffi.new("ndx_article **")
        self._call(lib.ndx_index_get(self._fresh(), gid, out))
        try:
            return Article.from_c(out[0])
        finally:
            lib.ndx_article_free(out[0])

    def story(self, story_id):
        """Every article of a story (Hit.story, Article.story), earliest first."""
        arts = []

        @ffi.callback("int(void *, const ndx_article *)")
        def each(_ctx, a):
            arts.append(Article.from_c(a))
            return 0

        self._call(lib.ndx_story_members(self._fresh(), int(story_id), each, ffi.NULL))
        return arts

    def related(self, key, limit=10):
        """Stories related to an article (by id or URL), best first, as hits with teasers."""
        gid = self._id(key)
        o, _keep = search_opts(limit)
        out = ffi.new("ndx_results **")
        self._call(lib.ndx_related(self._fresh(), gid, o, out))
        return _result(None, out[0]).hits

    def related_article(self, article, limit=10, article_id=0):
        """Related articles of an article given as a dict (it need not be in this index), as
        related() finds them; article_id: its id here (0: not here), left out with its exact
        copies."""
        a, _akeep = _c_article(article, "article", [])
        o, _keep = search_opts(limit)
        out = ffi.new("ndx_results **")
        self._call(lib.ndx_related_article(self._fresh(), a, int(article_id), o, out))
        return _result(None, out[0]).hits

    def article_stats(self, article):
        """The collection statistics related stories of an article (a dict) are scored with on
        this index, as query_stats gives them for a query; they add up over indexes."""
        a, _akeep = _c_article(article, "article", [])
        out, n = ffi.new("char **"), ffi.new("size_t *")
        self._call(lib.ndx_article_stats(self._fresh(), a, out, n))
        return _json_of(out, n)

    def export(self, q="", body=True):
        """Every article matching q (all of them; "" = every article), in index order, as an
        iterator of Article that holds only a few articles in memory at a time.  It reads through
        its own read handle, so the index may be used while iterating; .to_pandas() collects it
        into a DataFrame."""
        self._h()
        return Export(self.path, q, body)

    def check(self):
        """Verify every structure; returns the list of problems found (empty when sound)."""
        problems = []

        @ffi.callback("void(void *, const char *)")
        def on_problem(_ctx, msg):
            problems.append(ffi.string(msg).decode("utf-8", "replace"))

        rc = lib.ndx_index_check(self._fresh(), on_problem, ffi.NULL)
        if rc and rc != lib.NDX_ECORRUPT:
            raise self._fail(rc)
        if rc and not problems:
            problems.append(ffi.string(lib.ndx_errmsg(self._ix)).decode())
        return problems


def _c_article(d, where, problems):
    """An ndx_article for an article dict, and the buffers it points to (keep them alive)."""
    v = {}
    for k, names in _FIELDS.items():
        v[k] = next((d[n] for n in names if d.get(n) is not None), None)
    if isinstance(v["authors"], (list, tuple)):
        v["authors"] = "; ".join(v["authors"])
    v["parent"] = d.get("found_on")
    try:
        v["fields"] = _field_lines(d.get("fields"))
    except TypeError as e:
        v["fields"] = None
        problems.append((where, f"fields left out: {e}"))
    a = ffi.new("ndx_article *")
    keep = []
    for k in ("url", "source", "title", "authors", "body", "lang", "parent", "fields"):
        if v[k] is not None:
            raw = _b(str(v[k]))
            c = ffi.new("char[]", raw)
            keep.append(c)
            setattr(a, k, c)
            setattr(a, "n" + k, len(raw))
    a.flags = ((lib.NDX_ART_TEASER if d.get("truncated") else 0) |
               (lib.NDX_ART_SUMMARY if d.get("summary_only") else 0))
    try:
        a.published = _epoch(v["date"], where)
    except ValueError as e:
        a.published = DATE_UNKNOWN
        problems.append((where, f"unparseable date {v['date']!r}: {e.message}"))
    return a, keep


def _field_lines(fields):
    """The "name\tvalue\n" lines of ndx_article.fields for a dict's keyword fields ({name: value
    or list of values}, as read_articles gives them); None when there are none."""
    if not fields:
        return None
    if not isinstance(fields, Mapping):
        raise TypeError("not a dict of field name to a value or a list of values")
    clean = lambda x: " ".join(str(x).split())  # noqa: E731  (no tab or newline inside)
    lines = []
    for name, vals in fields.items():
        for val in ([vals] if isinstance(vals, (str, bytes, int, float)) else vals):
            if isinstance(val, bytes):
                val = val.decode("utf-8", "replace")
            lines.append(f"{clean(name)}\t{clean(val)}\n")
    return "".join(lines) or None


def article_keys(d):
    """(keys, url_hash, content_hash): the keys the library compares an article dict by (the
    bytes of an ndx_article_keys: URL hash, content hash, near-duplicate sketch)."""
    a, _keep = _c_article(d, "article", [])
    k = ffi.new("ndx_article_keys *")
    lib.ndx_article_keys_of(a, k)
    return bytes(ffi.buffer(k)), k.url_hash, k.content_hash


def sketch_bands(keys):
    """The LSH band keys of the sketch in keys (bytes of an ndx_article_keys); () if empty."""
    k = ffi.from_buffer("ndx_article_keys *", keys)
    bands = tuple(lib.ndx_sketch_band(k.sketch, b) for b in range(lib.NDX_STORY_BANDS))
    return bands if bands[0] else ()


def sketch_similarity(keys_a, keys_b):
    a = ffi.from_buffer("ndx_article_keys *", keys_a)
    b = ffi.from_buffer("ndx_article_keys *", keys_b)
    return lib.ndx_sketch_similarity(a.sketch, b.sketch)


def _json_of(out, n):
    """The JSON text a library call returned in *out (n[0] bytes), parsed; *out freed."""
    try:
        return json.loads(ffi.unpack(out[0], n[0]))
    finally:
        lib.ndx_free(out[0])


def _terms_opts(size, sample, method, date_from, date_to):
    o = ffi.new("ndx_terms_opts *")
    lib.ndx_terms_opts_init(o)
    m = ffi.new("int *")
    if lib.ndx_terms_method_parse(_b(method), len(_b(method)), m):
        raise ValueError("method must be jlh, chi2 or mi")
    o.size, o.sample, o.method = size, sample, m[0]
    o.date_from, o.date_to = _epoch(date_from, "date_from"), _epoch(date_to, "date_to")
    return o


def _interval(name):
    out = ffi.new("int *")
    if not name or lib.ndx_interval_parse(_b(name), len(_b(name)), out):
        raise ValueError("interval must be day, week, month or year")
    return out[0]


def _analytics_opts(facets, size, histogram):
    """An ndx_analytics_opts for facets ("field" or "field:prefix") and a histogram."""
    facets = list(facets or [])
    specs = ffi.new("ndx_facet_spec[]", max(1, len(facets)))
    keep = [specs]
    for sp, f in zip(specs, facets):
        name, _, prefix = f.partition(":")
        fb, pb = ffi.new("char[]", _b(name)), ffi.new("char[]", _b(prefix))
        keep += [fb, pb]
        sp.field, sp.nfield, sp.size = fb, len(_b(name)), size
        if prefix:
            sp.prefix, sp.nprefix = pb, len(_b(prefix))
    a = ffi.new("ndx_analytics_opts *")
    a.facets, a.nfacets = specs, len(facets)
    a.histogram = _interval(histogram) if histogram else lib.NDX_INTERVAL_NONE
    return a, keep


def _result(q, res):
    try:
        hits = [Hit.from_c(lib.ndx_results_hit(res, i)) for i in range(lib.ndx_results_count(res))]
        facets = {}
        for i in range(lib.ndx_results_facet_count(res)):
            f = Facet.from_c(lib.ndx_results_facet(res, i))
            facets[f.field] = f
        return SearchResult(query=q, total=lib.ndx_results_total(res),
                            total_stories=lib.ndx_results_total_stories(res),
                            total_copies=lib.ndx_results_total_copies(res),
                            exact=bool(lib.ndx_results_total_exact(res)),
                            took_ms=lib.ndx_results_took_ms(res), hits=hits, facets=facets,
                            histogram=buckets_of(res))
    finally:
        lib.ndx_results_free(res)


def _reader_opts(fields, format, drop_stubs):
    fmt = _FORMATS.get(format)
    if fmt is None:
        raise ValueError(f"format must be one of {', '.join(k for k in _FORMATS if k)}")
    ropts = ffi.new("ndx_reader_opts *")
    fm = ffi.new("char[]", _b(fields)) if fields else ffi.NULL
    ropts.field_map, ropts.input_format, ropts.stubs = fm, fmt, int(drop_stubs)
    return ropts, fm


def _read_file(path, ropts, rep, fields, each):
    """ndx_read_file: each(article) for every article, problems into rep."""
    ctx = {"err": None}

    @ffi.callback("int(void *, const ndx_article *)")
    def on_article(_ctx, a):
        try:
            each(a)
            return 0
        except BaseException as e:  # carried out of the C call
            ctx["err"] = e
            return 1

    @ffi.callback("void(void *, const char *, const char *)")
    def on_problem(_ctx, where, what):
        w = ffi.string(what).decode("utf-8", "replace")
        rep.problems.append((ffi.string(where).decode("utf-8", "replace"), w))

    cb = ffi.new("ndx_reader_cb *")
    cb.on_article, cb.on_problem = on_article, on_problem
    before = len(rep.problems)
    rc = lib.ndx_read_file(_b(path), ropts, cb)
    if ctx["err"] is not None:
        raise ctx["err"]
    if rc == lib.NDX_EINVAL:
        raise error(rc, f"{path}: malformed field map {fields!r}" if fields else None)
    if rc:
        rep.skipped += 1
        if len(rep.problems) == before:
            reason = "cannot be read" if rc == lib.NDX_EIO else "no article found"
            rep.problems.append((path, reason))


def read_articles(source, *, fields=None, format=None, drop_stubs=False):
    """Read files as Index.ingest does, without an index: (list of article dicts that
    Index.ingest takes back, IngestReport holding the problems and the skipped count)."""
    if isinstance(source, (str, bytes, os.PathLike)):
        source = [source]
    ropts, _keep = _reader_opts(fields, format, drop_stubs)
    rep, out = IngestReport(), []

    def each(a):
        art = Article.from_c(a)
        out.append({"url": art.url, "source": art.source, "title": art.title,
                    "authors": text(a.authors, a.nauthors), "body": art.body, "lang": art.lang,
                    "date": None if a.published == DATE_UNKNOWN else a.published,
                    "truncated": art.truncated, "summary_only": art.summary_only,
                    "found_on": art.found_on, "fields": art.fields})

    for item in source:
        for path in _walk(os.fspath(item), rep):
            _read_file(path, ropts, rep, fields, each)
    return out, rep


def _walk(path, rep):
    """Files under path, sorted, as newsdex ingest walks a directory: hidden entries and
    version-control folders left out, and files that are never articles (README, LICENSE,
    source code: ndx_not_article_name) counted in rep.not_read with the reason."""
    if path == "-" or not os.path.isdir(path):
        yield path
        return
    try:
        names = sorted(os.listdir(path))
    except OSError as e:
        rep.skipped += 1
        rep.problems.append((path, e.strerror))
        return
    for name in names:
        if name.startswith("."):
            continue
        child = os.path.join(path, name)
        raw = _b(name)
        if os.path.isdir(child):
            if not lib.ndx_vcs_dir_name(raw):
                yield from _walk(child, rep)
            continue
        why = lib.ndx_not_article_name(raw)
        if why != ffi.NULL:
            rep.not_read.append((child, ffi.string(why).decode()))
        else:
            yield child


class Export(_Closes):
    """Streaming iterator over ndx_export: a thread runs the export into a small queue."""

    _END = object()

    def __init__(self, path, q, body=True, shard=None, aliases=None):
        self._q = queue.Queue(maxsize=64)
        self._stop = threading.Event()
        self._done = False
        self._shard = shard
        self._ix = Index(path)  # its own read handle: opened here so open errors raise here
        if aliases is not None:  # names expanded with this table (Index.set_aliases)
            self._ix.set_aliases(aliases)
        raw = _b(q)
        self._thread = threading.Thread(target=self._run, args=(raw, body), daemon=True)
        self._thread.start()

    def _run(self, raw, body):
        epos = ffi.new("size_t *")
        err = None

        @ffi.callback("int(void *, const ndx_article *)")
        def each(_ctx, a):
            if self._stop.is_set():
                return 1
            art = Article.from_c(a, with_body=body)
            art.shard = self._shard
            while not self._stop.is_set():
                try:
                    self._q.put(art, timeout=0.1)
                    return 0
                except queue.Full:
                    pass
            return 1

        try:
            rc = lib.ndx_export(self._ix._ix, raw, len(raw), each, ffi.NULL, epos)
            if rc and not self._stop.is_set():
                err = (self._ix._fail(rc, offset=epos[0]) if rc == lib.NDX_ESYNTAX
                       else self._ix._fail(rc))
        finally:
            self._ix.close()
            while True:
                try:
                    self._q.put((self._END, err), timeout=0.1)
                    break
                except queue.Full:
                    if self._stop.is_set():
                        break

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        item = self._q.get()
        if isinstance(item, tuple) and item[0] is self._END:
            self._done = True
            self._thread.join()
            if item[1] is not None:
                raise item[1]
            raise StopIteration
        return item

    def close(self):
        """Stop the export early (also on garbage collection)."""
        if getattr(self, "_thread", None) is None:  # the index could not be opened
            return
        if not self._done:
            self._stop.set()
            self._done = True
            while self._thread.is_alive():
                try:
                    self._q.get(timeout=0.1)
                except queue.Empty:
                    pass
            self._thread.join()

    def to_pandas(self):
        return frame(self)
