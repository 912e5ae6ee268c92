"""The documents that describe the code name what the code holds.

- docs/FORMAT.md's column table lists the columns of lib/index/columns.h, in order, with their
  types and widths.
"""
import re

from conftest import ROOT

C_TYPES = {"uint64_t": "u64", "int64_t": "i64", "uint32_t": "u32", "uint16_t": "u16"}


def code_columns():
    text = (ROOT / "lib" / "index" / "columns.h").read_text()
    cols = []
    for name, ctype, per_doc in re.findall(r"X\((\w+), (\w+), (\w+)\)", text):
        if ctype not in C_TYPES:  # the comment naming the macro's arguments
            continue
        t = C_TYPES[ctype]
        cols.append((name, t if per_doc == "1" else f"{t} x {per_doc}"))
    return cols


def doc_columns():
    text = (ROOT / "docs" / "FORMAT.md").read_text()
    section = text[text.index("### Columns"):]
    section = section[:section.index("**SOURCES**")]
    return re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", section, re.M)


def test_format_doc_lists_the_column_table():
    code = code_columns()
    assert len(code) >= 11
    doc = [(n, t.replace("u16 x 64", "u16 x NDX_SKETCH_BINS")) for n, t in doc_columns()]
    assert doc == code
