"""What `cmake --install` puts under a prefix, used the way a user would use it.

The build directory is $NEWSDEX_BUILD (default <root>/build), already built.  Each test installs
into its own temporary prefix.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("NEWSDEX_BUILD", ROOT / "build"))
HEADER = ROOT / "include" / "newsdex.h"

USER_PROGRAM = r"""
#include <newsdex.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    ndx_index *ix;
    char *err = NULL;
    if (argc < 2 || ndx_index_open(argv[1], NDX_OPEN_WRITE | NDX_OPEN_CREATE, &ix, &err)) {
        fprintf(stderr, "open: %s\n", err ? err : "usage");
        return 1;
    }
    const char *body = "The harbour of Eldermouth flooded after three days of rain.";
    ndx_article a = {0};
    a.url = "https://example.org/flood"; a.nurl = strlen(a.url);
    a.title = "Eldermouth harbour floods"; a.ntitle = strlen(a.title);
    a.body = body; a.nbody = strlen(body);
    a.published = NDX_DATE_UNKNOWN;
    if (ndx_index_add(ix, &a, NULL, NULL) || ndx_index_commit(ix)) {
        fprintf(stderr, "add: %s\n", ndx_errmsg(ix));
        return 1;
    }
    ndx_results *r;
    if (ndx_search(ix, "harbour", 7, NULL, &r, NULL)) {
        fprintf(stderr, "search: %s\n", ndx_errmsg(ix));
        return 1;
    }
    printf("%s %llu %.*s\n", NDX_VERSION_STRING, (unsigned long long)ndx_results_total(r),
           (int)ndx_results_hit(r, 0)->ntitle, ndx_results_hit(r, 0)->title);
    ndx_results_free(r);
    ndx_index_close(ix);
    return 0;
}
"""


def header_version():
    return re.search(r'#define NDX_VERSION_STRING "([0-9.]+)"', HEADER.read_text()).group(1)


def api_names():
    """Function names the public header marks NDX_API."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    return set(re.findall(r"NDX_API\s[^;(]*?\b(ndx_\w+)\s*\(", text))


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    if not (BUILD / "newsdex").exists():
        pytest.fail(f"no build in {BUILD}: run scripts/build first")
    p = tmp_path_factory.mktemp("prefix")
    r = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(p)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return p


def find_one(root, pattern):
    hits = sorted(root.glob(pattern))
    assert hits, f"nothing matches {pattern} under {root}"
    return hits[0]


def pkg_config(prefix, *args):
    pc = find_one(prefix, "lib*/**/pkgconfig/newsdex.pc").parent
    env = dict(os.environ, PKG_CONFIG_PATH=str(pc))
    r = subprocess.run(["pkg-config", *args, "newsdex"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_files_in_their_places(prefix):
    v = header_version()
    major_minor = ".".join(v.split(".")[:2])
    assert os.access(prefix / "bin" / "newsdex", os.X_OK)
    assert (prefix / "include" / "newsdex.h").read_text() == HEADER.read_text()
    real = find_one(prefix, f"lib*/**/libnewsdex.so.{v}")
    so = real.parent / f"libnewsdex.so.{major_minor}"
    dev = real.parent / "libnewsdex.so"
    assert so.is_symlink() and so.resolve() == real.resolve()
    assert dev.is_symlink() and dev.resolve() == real.resolve()
    assert (real.parent / "libnewsdex.a").exists()
    soname = subprocess.run(["objdump", "-p", str(real)], capture_output=True, text=True).stdout
    assert re.search(rf"SONAME\s+libnewsdex\.so\.{re.escape(major_minor)}\n", soname)
    assert (prefix / "share" / "bash-completion" / "completions" / "newsdex").exists()
    assert (prefix / "share" / "man" / "man1" / "newsdex.1").exists()
    assert pkg_config(prefix, "--modversion") == [v]


def test_python_package_uses_the_installed_library(prefix, tmp_path):
    site = find_one(prefix, "lib/python3*/dist-packages/newsdex/__init__.py").parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDEX_LIBRARY", "LD_PRELOAD")}
    env["PYTHONPATH"] = str(site)
    prog = ("import newsdex, sys\n"
            "with newsdex.Index(sys.argv[1], write=True) as ix:\n"
            "    ix.ingest([{'url': 'https://a.example/', 'title': 'Harbour', 'body': 'harbour'}])\n"
            "    print(newsdex.LIBRARY_PATH, ix.search('harbour').total)\n")
    r = subprocess.run(["/usr/bin/python3", "-c", prog, str(tmp_path / "ix")],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    path, total = r.stdout.split()
    assert Path(path).resolve() == find_one(prefix, "lib*/**/libnewsdex.so").resolve()
    assert total == "1"


def test_only_the_public_api_is_exported(prefix):
    lib = find_one(prefix, "lib*/**/libnewsdex.so")
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True,
                         text=True, check=True).stdout
    exported = {line.split()[-1] for line in out.splitlines() if line.split()[-2] in "TDBRW"}
    assert exported == api_names()


@pytest.mark.parametrize("static", [False, True], ids=["shared", "static"])
def test_a_users_program_builds_with_pkg_config(prefix, tmp_path, static):
    src = tmp_path / "user.c"
    src.write_text(USER_PROGRAM)
    flags = pkg_config(prefix, "--cflags", "--libs", *(["--static"] if static else []))
    exe = tmp_path / "user"
    cmd = ["cc", "-std=c11", "-Wall", "-Werror", str(src), "-o", str(exe), *flags]
    if static:  # the static archive, with the dependencies pkg-config --static lists
        cmd = [a for a in cmd if a != "-lnewsdex"]
        cmd.insert(cmd.index("-o"), str(find_one(prefix, "lib*/**/libnewsdex.a")))
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    libdir = find_one(prefix, "lib*/**/libnewsdex.so").parent
    env = dict(os.environ, LD_LIBRARY_PATH=str(libdir))
    ldd = subprocess.run(["ldd", str(exe)], capture_output=True, text=True, env=env).stdout
    assert ("libnewsdex.so" in ldd) != static, ldd
    r = subprocess.run([str(exe), str(tmp_path / "ix")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{header_version()} 1 Eldermouth harbour floods\n"


def help_of(prefix, *args):
    return subprocess.run([str(prefix / "bin" / "newsdex"), *args, "--help"],
                          capture_output=True, text=True, check=True).stdout


def listed_commands(main_help):
    block = main_help.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def unroff(text):
    return text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def test_man_pages_follow_help(prefix):
    man = prefix / "share" / "man" / "man1"
    main_help = help_of(prefix)
    cmds = listed_commands(main_help)
    assert "search" in cmds and "ingest" in cmds
    page = unroff((man / "newsdex.1").read_text())
    for c in cmds:
        assert re.search(rf"^\s*{re.escape(c)}\b", page, re.M), f"{c} missing from newsdex(1)"
    for c in cmds:
        text = help_of(prefix, c)
        if not text.startswith("Usage: "):
            continue
        page = unroff((man / f"newsdex-{c}.1").read_text())
        assert text.splitlines()[0][len("Usage: "):] in page
        for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)):
            assert opt in page, f"{opt} of 'newsdex {c} --help' missing from newsdex-{c}(1)"
        # every word of the help is in the page, in order
        rest = re.sub(r"^([A-Z][A-Za-z /()-]*):$", lambda m: m.group(1).upper(),
                      text.split("\n", 1)[1], flags=re.M)  # headings become sections
        words = re.findall(r"\S+", rest)
        page_words = re.findall(r"\S+", re.sub(r"^\.\S+ ?|\\f[BRI]", "", page, flags=re.M))
        pos = 0
        for w in words:
            assert w in page_words[pos:], f"newsdex-{c}(1) lacks {w!r} of its --help"
            pos = page_words.index(w, pos) + 1
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-l", str(man / "newsdex-search.1")],
                           capture_output=True, text=True, env=dict(os.environ, MANWIDTH="80"))
        assert r.returncode == 0 and "--limit" in r.stdout.replace("‐", "-"), r.stderr
        assert "warning" not in r.stderr


def complete(prefix, line):
    """COMPREPLY of the installed completion for a command line (cursor at its end)."""
    script = prefix / "share" / "bash-completion" / "completions" / "newsdex"
    words = line.split(" ")
    prog = f"""
source {script}
COMP_WORDS=({' '.join(repr(w) for w in [str(prefix / 'bin' / 'newsdex')] + words[1:])})
COMP_CWORD={len(words) - 1}
_newsdex
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(["bash", "-c", prog], capture_output=True, text=True, cwd=prefix)
    assert r.returncode == 0, r.stderr
    return sorted(x for x in r.stdout.splitlines() if x)


def test_bash_completion(prefix):
    cmds = listed_commands(help_of(prefix))
    assert complete(prefix, "newsdex ") == sorted(cmds + ["--help", "--version"])
    assert complete(prefix, "newsdex se") == ["search", "serve"]
    assert complete(prefix, "newsdex search --li") == ["--limit"]
    assert "--write-token" in complete(prefix, "newsdex serve --")
    assert complete(prefix, "newsdex search --sort d") == ["date", "date-asc"]
    assert complete(prefix, "newsdex search --index bi") == ["bin"]
