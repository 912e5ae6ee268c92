"""The documents that describe the code name what the code holds.

- docs/FORMAT.md's column table lists the columns of lib/index/columns.h, in order, with their
  types and widths.
- The README's source walk names every file under lib/, src/, include/ and python/, each in the
  entry of its directory.
"""
import re
import subprocess

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


def walk_entries():
    """{directory or file: text of its entry} from the README's "Source code layout" list (an
    entry starts with the paths it covers, before its dash)."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Source code layout"):]
    section = section[:section.index("\n## ", 5)]
    entries = {}
    for item in re.split(r"\n- ", section)[1:]:
        head = item.split(" — ", 1)[0]
        for path in re.findall(r"`([\w./-]+)`", head):
            entries[path.rstrip("/")] = item
    return entries


def unnamed_files():
    entries = walk_entries()
    files = subprocess.run(["git", "ls-files", "lib", "src", "include", "python"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    assert len(files) > 100
    missing = []
    for f in files:
        if f in entries:
            continue
        # the entry of the deepest directory that has one; the file named by its path below it
        d = max((e for e in entries if f.startswith(e + "/")), key=len, default=None)
        rel = f[len(d) + 1:] if d else f
        names = {rel, rel.rsplit("/", 1)[-1]}
        if d is None or not any(f"`{n}`" in entries[d] for n in names):
            missing.append(f)
    return missing


def test_readme_source_walk_names_every_file():
    assert unnamed_files() == []


def readme_example():
    """The commands of the README's opening example and the lines it shows for each."""
    text = (ROOT / "README.md").read_text()
    block = text[text.index("```\n$ newsdex") + 4:]
    block = block[:block.index("```")]
    steps = []
    for line in block.splitlines():
        if line.startswith("$ newsdex "):
            steps.append((line[len("$ newsdex "):], []))
        elif line.strip():
            steps[-1][1].append(line)
    return steps


TIMING = re.compile(r"\d+(\.\d+)? ?(ms|s|MB/s)\b")


def same_line(shown, printed):
    """A README line matches what was printed but for timings; a line the README ends with "…"
    (cut to the page's width) only as a prefix."""
    shown, printed = TIMING.sub("T", shown), TIMING.sub("T", printed)
    if shown.endswith("…"):
        return printed.startswith(shown[:-1].rstrip("…"))
    return shown == printed


def test_readme_opening_example_prints_what_it_shows(tmp_path, nd):
    import shlex
    import shutil
    shutil.copytree(ROOT / "sample", tmp_path / "sample")
    steps = readme_example()
    assert [s[0].split()[0] for s in steps] == ["ingest", "search"]
    for command, shown in steps:
        argv = shlex.split(command)
        argv[1:1] = ["--index", str(tmp_path / "newsdex-index")]
        rc, out, err = nd(*argv, cwd=tmp_path)
        assert rc == 0, err
        printed = [l for l in (err + out).splitlines() if l.strip()]
        assert len(printed) == len(shown), (command, printed)
        for s, p in zip(shown, printed):
            assert same_line(s, p), (command, s, p)
