"""Plain data the package returns: dataclasses that turn into dicts (dataclasses.asdict or
.to_dict()) and, where pandas is installed, into DataFrames."""
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional, Tuple

from ._ffi import DATE_UNKNOWN, ffi, lib


def text(ptr, n):
    """A (pointer, length) string of the library as str (None when absent)."""
    if ptr == ffi.NULL:
        return None
    return ffi.unpack(ptr, n).decode("utf-8", "replace")


def when(t):
    return None if t == DATE_UNKNOWN else datetime.fromtimestamp(t, timezone.utc)


class _Record:
    def to_dict(self):
        return dataclasses.asdict(self)


@dataclass
class Hit(_Record):
    """One search or related-stories hit."""
    id: int
    score: float
    title: Optional[str]
    url: Optional[str]
    source: Optional[str]
    lang: Optional[str]
    published: Optional[datetime]
    snippet: Optional[str]
    teaser: Optional[str]
    story: int
    copies: int
    sources: List[str]
    wire: bool
    truncated: bool  # a teaser stub, not a full article
    shard: Optional[str] = None  # set by newsdex.cluster: the shard the hit came from

    @classmethod
    def from_c(cls, h):
        srcs = text(h.sources, h.nsources)
        return cls(id=h.id, score=h.score, title=text(h.title, h.ntitle), url=text(h.url, h.nurl),
                   source=text(h.source, h.nsource), lang=text(h.lang, h.nlang),
                   published=when(h.published), snippet=text(h.snippet, h.nsnippet),
                   teaser=text(h.teaser, h.nteaser), story=h.story, copies=h.copies,
                   sources=[s for s in (srcs or "").split("\n") if s], wire=bool(h.wire),
                   truncated=bool(h.flags & lib.NDX_ART_TEASER))


@dataclass
class Article(_Record):
    """A stored article (Index.show, Index.export, Index.story)."""
    id: int
    url: Optional[str]
    source: Optional[str]
    title: Optional[str]
    authors: List[str]
    body: Optional[str]
    lang: Optional[str]
    published: Optional[datetime]
    ingested: Optional[datetime]
    story: int
    wire: bool
    truncated: bool  # a teaser stub found on another page (`found_on`)
    summary_only: bool  # the body is a feed's summary, not the full text
    found_on: Optional[str]
    copies: List[Tuple[str, str]] = field(default_factory=list)  # exact copies: (url, source)
    shard: Optional[str] = None
    fields: Dict[str, List[str]] = field(default_factory=dict)  # keyword fields: name -> values

    @classmethod
    def from_c(cls, a, with_body=True):
        authors = text(a.authors, a.nauthors)
        copies = []
        for line in (text(a.copies, a.ncopies) or "").split("\n"):
            if line:
                url, _, source = line.partition("\t")
                copies.append((url, source))
        return cls(id=a.id, url=text(a.url, a.nurl), source=text(a.source, a.nsource),
                   title=text(a.title, a.ntitle),
                   authors=[x for x in (authors or "").split("; ") if x],
                   body=text(a.body, a.nbody) if with_body else None,
                   lang=text(a.lang, a.nlang), published=when(a.published),
                   ingested=when(a.ingested) if a.ingested else None, story=a.story,
                   wire=bool(a.flags & lib.NDX_ART_WIRE),
                   truncated=bool(a.flags & lib.NDX_ART_TEASER),
                   summary_only=bool(a.flags & lib.NDX_ART_SUMMARY),
                   found_on=text(a.parent, a.nparent), copies=copies, fields=fields_of(a))


def fields_of(a):
    """{name: [values]} of an ndx_article's keyword field lines ({} when it has none)."""
    out = {}
    for line in (text(a.fields, a.nfields) or "").split("\n"):
        name, tab, val = line.partition("\t")
        if tab and name and val:
            out.setdefault(name, []).append(val)
    return out


def frame(records):
    """A pandas DataFrame of records (one row each, columns the fields)."""
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("to_pandas() needs pandas (Debian: apt-get install python3-pandas)") from e
    rows = [r.to_dict() if isinstance(r, _Record) else dict(r) for r in records]
    return pandas.DataFrame(rows)


@dataclass
class FacetValue(_Record):
    value: str  # "" for articles without one; "unknown" for no date
    stories: int  # distinct stories among the matching articles with this value
    copies: int  # those articles plus the exact copies recorded on them


@dataclass
class Facet(_Record):
    """Counts of one field over every match (Index.search(facets=...))."""
    field: str
    values: List[FacetValue]  # the top values: most stories, then copies, then value
    other_values: int  # values left out, and their sums
    other_stories: int
    other_copies: int

    @classmethod
    def from_c(cls, f):
        return cls(field=ffi.string(f.field).decode(),
                   values=[FacetValue(text(v.value, v.nvalue), v.stories, v.copies)
                           for v in (f.values[i] for i in range(f.nvalues))],
                   other_values=f.other_values, other_stories=f.other_stories,
                   other_copies=f.other_copies)

    def to_pandas(self):
        return frame(self.values)


@dataclass
class Bucket(_Record):
    """One bucket of a date histogram or timeline (UTC)."""
    key: str  # "2004-05-17" (day; week: its Monday), "2004-05", "2004"
    start: datetime
    stories: int  # distinct stories with a matching copy dated in the bucket
    copies: int  # matching articles (plus exact copies) dated in the bucket
    all_stories: int  # stories of the bucket under the query's filters without its text

    @classmethod
    def from_c(cls, b):
        return cls(key=ffi.string(b.key).decode(), start=when(b.start), stories=b.stories,
                   copies=b.copies, all_stories=b.all_stories)


def buckets_of(res):
    return [Bucket.from_c(lib.ndx_results_bucket(res, i))
            for i in range(lib.ndx_results_bucket_count(res))]


@dataclass
class TermScore(_Record):
    term: str  # as it reads in the text (lower case); two words joined by a space
    score: float
    fg: int  # matching stories holding the term
    bg: int  # stories of the archive holding it


@dataclass
class SignificantTerms(_Record):
    """What Index.terms returns."""
    query: str
    foreground: int  # stories examined
    background: int  # stories of the archive
    sampled: bool  # only the best `sample` stories were examined
    terms: List[TermScore]

    def __iter__(self):
        return iter(self.terms)

    def to_pandas(self):
        return frame(self.terms)


@dataclass
class Timeline(_Record):
    """What Index.timeline returns: per query its totals and buckets, on one span."""
    interval: str
    queries: List[str]
    totals: List[int]  # matching stories of each query
    buckets: List[List[Bucket]]  # per query, the same keys in the same order

    def to_pandas(self):
        """Stories per bucket: one row per bucket (indexed by key), one column per query."""
        import pandas
        return pandas.DataFrame({q: [b.stories for b in bs]
                                 for q, bs in zip(self.queries, self.buckets)},
                                index=[b.key for b in self.buckets[0]] if self.buckets else [])


@dataclass
class SearchResult(_Record):
    """What Index.search returns: the hits and the totals."""
    query: str
    total: int  # matching articles
    total_stories: int  # matching stories (syndicated copies counted once)
    total_copies: int  # matching articles plus the exact copies recorded on them
    exact: bool  # False: total is a lower bound (count=False)
    took_ms: float
    hits: List[Hit]
    facets: Dict[str, Facet] = field(default_factory=dict)  # search(facets=...)
    histogram: List[Bucket] = field(default_factory=list)  # search(histogram=...)
    missing_shards: List[str] = field(default_factory=list)  # newsdex.cluster, partial=True:
    # shards that could not be read (the totals and hits are those of the others)

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def to_pandas(self):
        return frame(self.hits)


@dataclass
class IngestReport(_Record):
    """Counts of one Index.ingest call, as `newsdex ingest` prints them."""
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0  # articles or files that gave nothing (see problems)
    ids: List[int] = field(default_factory=list)  # id of every article taken, in input order
    problems: List[Tuple[str, str]] = field(default_factory=list)  # (where, what)
    # files of a directory never read, as newsdex ingest counts them: (path, why)
    not_read: List[Tuple[str, str]] = field(default_factory=list)

    def merge(self, other):
        for f in ("added", "updated", "duplicates", "unchanged", "skipped"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.ids += other.ids
        self.problems += other.problems
        self.not_read += other.not_read
        return self


@dataclass
class Alias(_Record):
    """A name in two scripts learnt from glosses ("Chen Quanguo (陳全國)"): the forms as first
    written, the CJK form's ISO 15924 script, the live articles glossing the pair and the id of
    the first of them."""
    latin: str
    cjk: str
    script: str
    articles: int
    first: int

    @classmethod
    def from_c(cls, a):
        return cls(latin=text(a.latin, a.nlatin), cjk=text(a.cjk, a.ncjk),
                   script=ffi.string(a.script).decode() if a.script != ffi.NULL else "",
                   articles=int(a.articles), first=int(a.first))


@dataclass
class Stats(_Record):
    documents: int
    deleted: int
    segments: int
    terms: int
    postings: int
    tokens: int
    index_bytes: int
    text_bytes: int
    generation: int
    date_min: Optional[datetime]
    date_max: Optional[datetime]
    stemming: bool
    simple: bool
    duplicates: int = 0
