"""What the command-line (tests/cli) and server (tests/server) end-to-end tests share about running
the newsdex binary: where it is ($NEWSDEX_BIN, default <root>/build/newsdex), the environment a
child gets (no NEWSDEX_INDEX or NEWSDEX_WRITE_TOKEN of the caller's, sanitizer options, a UTF-8
locale), and the lines that mark a sanitizer report.  Each suite's conftest.py imports it.
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                     "AddressSanitizer:DEADLYSIGNAL")


def binary_path():
    p = os.environ.get("NEWSDEX_BIN")
    return Path(p) if p else ROOT / "build" / "newsdex"


def child_env():
    env = dict(os.environ)
    env.pop("NEWSDEX_INDEX", None)
    env.pop("NEWSDEX_WRITE_TOKEN", None)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    env["LC_ALL"] = "C.UTF-8"
    return env


def sanitizer_report(err):
    """Whether standard error err holds a sanitizer report."""
    return any(m in err for m in SANITIZER_MARKERS)


@pytest.fixture(scope="session")
def newsdex_bin():
    b = binary_path()
    if not b.is_file() or not os.access(b, os.X_OK):
        pytest.fail(f"newsdex binary not found at {b}; build it or set NEWSDEX_BIN")
    return b
