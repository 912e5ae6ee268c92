"""newsdex for Python: the news-archive engine's library (libnewsdex) as plain Python objects.

    import newsdex
    with newsdex.Index("my-index", write=True) as ix:
        ix.ingest(["sample/"])
        for hit in ix.search("dravik wins", limit=3):
            print(hit.score, hit.title, hit.url)

See docs/PYTHON.md.  newsdex.cluster spreads an archive over shards searched on Dask.
"""
from ._ffi import LIBRARY_PATH
from .errors import (CorruptIndexError, IndexLockedError, InvalidArgumentError, NewsdexError,
                     NotFoundError, QuerySyntaxError, ReadOnlyError, UnreadableInputError)
from .index import Export, Index, read_articles
from .records import (Alias, Article, Bucket, Facet, FacetValue, Hit, IngestReport, SearchResult,
                      SignificantTerms, Stats, TermScore, Timeline)

__version__ = "0.1.0"

__all__ = ["Index", "Alias", "Export", "read_articles", "Article", "Hit", "IngestReport", "SearchResult", "Stats",
           "Facet", "FacetValue", "Bucket", "Timeline", "SignificantTerms", "TermScore",
           "NewsdexError", "QuerySyntaxError", "NotFoundError", "IndexLockedError",
           "ReadOnlyError", "CorruptIndexError", "InvalidArgumentError", "UnreadableInputError",
           "LIBRARY_PATH"]
