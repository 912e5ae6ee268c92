"""The cffi declarations of the package match include/newsdex.h: sizes and field offsets of every
struct, values of every enum constant, as a C compiler sees the header."""
import re
import shutil
import subprocess

import pytest

from conftest import ROOT
from newsdex._ffi import CDEF, ffi

STRUCTS = re.findall(r"typedef struct (\w+) \{(.*?)\} \1;", CDEF, re.S)
ENUMS = re.findall(r"\b(NDX_[A-Z_0-9]+) = ", CDEF)


def fields(body):
    out = []
    for decl in body.replace("\n", " ").split(";"):
        decl = re.sub(r"\[\d+\]\s*$", "", decl.strip())
        if not decl:
            continue
        m = re.search(r"\(\s*\*\s*(\w+)\)", decl) or re.search(r"(\w+)\s*$", decl)
        out.append(m.group(1))
    return out


@pytest.fixture(scope="module")
def c_layout(tmp_path_factory):
    if not shutil.which("cc"):
        pytest.skip("no C compiler to read the header with")
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "newsdex.h"', "int main(void){"]
    for name, body in STRUCTS:
        lines.append(f'printf("{name} %zu\\n", sizeof({name}));')
        for f in fields(body):
            lines.append(f'printf("{name}.{f} %zu\\n", offsetof({name}, {f}));')
    for e in ENUMS:
        lines.append(f'printf("{e} %lld\\n", (long long){e});')
    lines.append("return 0;}")
    d = tmp_path_factory.mktemp("abi")
    (d / "abi.c").write_text("\n".join(lines))
    subprocess.run(["cc", "-std=c11", "-I", str(ROOT / "include"), str(d / "abi.c"), "-o",
                    str(d / "abi")], check=True)
    out = subprocess.run([str(d / "abi")], capture_output=True, text=True, check=True).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def test_struct_layouts_match_the_header(c_layout):
    assert len(STRUCTS) >= 6
    for name, body in STRUCTS:
        assert ffi.sizeof(name) == int(c_layout[name]), f"sizeof({name})"
        for f in fields(body):
            assert ffi.offsetof(name, f) == int(c_layout[f"{name}.{f}"]), f"{name}.{f}"


def test_constants_match_the_header(c_layout):
    from newsdex._ffi import lib
    for e in ENUMS:
        assert getattr(lib, e) == int(c_layout[e]), e


def test_declared_functions_are_the_headers():
    """Every function the package declares is in the header with the same parameters."""
    def norm(s):
        return re.sub(r"\s+", " ", re.sub(r"\s*([*(),])\s*", r"\1", s)).strip()

    header = re.sub(r"/\*.*?\*/|//[^\n]*", "", (ROOT / "include" / "newsdex.h").read_text(),
                    flags=re.S)
    hdecl = {m.group(2): norm(m.group(0).replace("NDX_API ", ""))
             for m in re.finditer(r"NDX_API ([^;]*?)\b(ndx_\w+)\s*\([^;]*\);", header)}
    for m in re.finditer(r"^([a-z][^;]*?)\b(ndx_\w+)\s*\([^;]*\);", CDEF, re.M | re.S):
        assert m.group(2) in hdecl, f"{m.group(2)} is not in newsdex.h"
        assert norm(m.group(0)) == hdecl[m.group(2)]
