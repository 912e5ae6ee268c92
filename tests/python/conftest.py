"""Fixtures of the Python package tests.

The package is imported from <root>/python; the library is $NEWSDEX_BUILD/libnewsdex.so.X.Y
(default <root>/build) through $NEWSDEX_LIBRARY, and the command $NEWSDEX_BUILD/newsdex serves as
the reference the package's answers are compared with.
"""
import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("NEWSDEX_BUILD", ROOT / "build"))
SAMPLE = ROOT / "sample"
CORPORA = ROOT.parent / "shared" / "corpora"
BBC = CORPORA / "text" / "bbc-news-2225" / "bbc"

if "NEWSDEX_LIBRARY" not in os.environ:
    libs = sorted(glob.glob(str(BUILD / "libnewsdex.so.*.*")), key=len)
    if libs:
        os.environ["NEWSDEX_LIBRARY"] = libs[0]
sys.path.insert(0, str(ROOT / "python"))


def cli(*args, check=True):
    """Run the newsdex command of the same build; returns stdout."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("NEWSDEX_INDEX", None)
    env.pop("LD_PRELOAD", None)  # the command links the library statically
    r = subprocess.run([str(BUILD / "newsdex"), *map(str, args)], capture_output=True,
                       text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"newsdex {args}: {r.returncode}\n{r.stderr}")
    return r.stdout


def cli_json(*args):
    return json.loads(cli(*args))


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """The bundled sample, ingested by the command as the README does."""
    d = tmp_path_factory.mktemp("sample") / "ix"
    cli("ingest", "-q", "--index", d, SAMPLE / "articles.jsonl", SAMPLE / "pages")
    return d


@pytest.fixture(scope="session")
def bbc_index(tmp_path_factory):
    if not BBC.exists():
        pytest.skip(f"corpus missing: {BBC}")
    d = tmp_path_factory.mktemp("bbc") / "ix"
    cli("ingest", "-q", "--index", d, BBC)
    return d
