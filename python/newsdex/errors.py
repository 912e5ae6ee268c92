"""Exceptions carrying the library's status codes (NDX_E*) and messages."""
from ._ffi import ffi, lib


class NewsdexError(Exception):
    """A failed library call: `code` is the NDX_E* status (negative int), `name` its symbol
    ("NDX_ENOTFOUND"), `message` the library's description of what went wrong."""

    def __init__(self, code, message=None):
        self.code = code
        self.name = ffi.string(lib.ndx_errname(code)).decode()
        self.message = message or ffi.string(lib.ndx_strerror(code)).decode()
        super().__init__(f"{self.message} [{self.name}]")

    def __reduce__(self):  # exceptions travel between processes (newsdex.cluster)
        return (error, (self.code, self.message), {"offset": getattr(self, "offset", None)})


class QuerySyntaxError(NewsdexError, ValueError):
    """NDX_ESYNTAX; `offset` is the byte offset in the query where it went wrong."""

    def __init__(self, code, message=None, offset=None):
        super().__init__(code, message)
        self.offset = offset


class NotFoundError(NewsdexError, LookupError):
    """NDX_ENOTFOUND: no article with that id or URL (or no index at that path)."""


class IndexLockedError(NewsdexError):
    """NDX_ELOCKED: another writer holds the index."""


class ReadOnlyError(NewsdexError):
    """NDX_EREADONLY: a change asked of an index opened for reading."""


class CorruptIndexError(NewsdexError):
    """NDX_ECORRUPT: index data failed verification."""


class InvalidArgumentError(NewsdexError, ValueError):
    """NDX_EINVAL, NDX_ERANGE."""


class UnreadableInputError(NewsdexError):
    """NDX_EIO, NDX_EFORMAT: a file that could not be read or held no article."""


_BY_CODE = {
    lib.NDX_ESYNTAX: QuerySyntaxError,
    lib.NDX_ENOTFOUND: NotFoundError,
    lib.NDX_ELOCKED: IndexLockedError,
    lib.NDX_EREADONLY: ReadOnlyError,
    lib.NDX_ECORRUPT: CorruptIndexError,
    lib.NDX_EINVAL: InvalidArgumentError,
    lib.NDX_ERANGE: InvalidArgumentError,
    lib.NDX_EIO: UnreadableInputError,
    lib.NDX_EFORMAT: UnreadableInputError,
}


def error(code, message=None, **kw):
    """The exception for status `code`."""
    cls = _BY_CODE.get(code, NewsdexError)
    return cls(code, message, **kw) if kw else cls(code, message)
