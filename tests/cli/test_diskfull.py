"""A full disk during ingest or optimize: a clear error, the last commit intact and readable, and
the next ingest after space is freed works.  Runs on a small tmpfs (needs root to mount one; the
test suite runs as root in CI), skipped with the reason otherwise.
"""
import json
import os
import subprocess

import pytest

from conftest import BBC


@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / "fs"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def fill(mnt, leave):
    """Fill the file system up to `leave` bytes free; returns the filler's path."""
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    path = mnt / "filler"
    with open(path, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return path


def docs(nd, ix):
    rc, out, err = nd("stats", "--json", "--index", ix)
    assert rc == 0, err
    return json.loads(out)["documents"]


def check(nd, ix):
    rc, out, err = nd("check", "--index", ix)
    assert rc == 0, f"index damaged after a full disk: {out}{err}"


def test_full_disk_keeps_the_last_commit(nd, small_fs):
    ix = small_fs / "ix"
    nd.ingest(ix, BBC / "business", opts=("-q", "--commit-every", "100"))
    committed = docs(nd, ix)
    assert committed > 400
    filler = fill(small_fs, 64 << 10)
    # ingest runs out of space: exit 2, a message naming the cause, nothing lost
    rc, out, err = nd("ingest", "-q", "--index", ix, BBC / "tech")
    assert rc == 2, err
    assert "No space left on device" in err
    check(nd, ix)
    assert docs(nd, ix) == committed
    assert not [p.name for p in ix.iterdir() if p.name.endswith(".tmp")]
    # so does optimize
    rc, out, err = nd("optimize", "--index", ix)
    assert rc == 2, err
    assert "No space left on device" in err
    check(nd, ix)
    assert docs(nd, ix) == committed
    rc, out, err = nd("search", "--index", ix, "economy")
    assert rc == 0 and "economy" in out.lower(), err
    # space freed: the next ingest and optimize work
    filler.unlink()
    rc, out, err = nd("ingest", "-q", "--index", ix, BBC / "tech")
    assert rc == 0, err
    assert docs(nd, ix) > committed
    rc, out, err = nd("optimize", "--index", ix)
    assert rc == 0, err
    check(nd, ix)
