"""Crash safety of merges: kill -9 `newsdex optimize` at random moments.  After every kill the
index opens, passes `check` and holds exactly the articles it held before (merged or not), every
article findable once; a last optimize then brings it to one segment.
"""
import json
import random
import shutil
import subprocess
import time

import pytest

from conftest import BBC, CORPORA, child_env

LIVEDOOR = CORPORA / "text" / "livedoor-news-ja" / "text"


def stats(nd, ix):
    rc, out, err = nd("stats", "--json", "--index", ix)
    assert rc == 0, err
    return json.loads(out)


def ids(nd, ix):
    rc, out, err = nd("export", "--index", ix)
    assert rc == 0, err
    return sorted(json.loads(line)["id"] for line in out.splitlines())


@pytest.fixture(scope="module")
def segmented(nd, tmp_path_factory):
    ix = tmp_path_factory.mktemp("crash-opt") / "ix"
    nd.ingest(ix, BBC, LIVEDOOR / "it-life-hack", LIVEDOOR / "sports-watch",
              opts=("-q", "--commit-every", "300"))
    st = stats(nd, ix)
    assert st["segments"] >= 8
    return ix


def test_kill_optimize_at_random_moments(nd, newsdex_bin, segmented, tmp_path):
    ix = tmp_path / "ix"
    shutil.copytree(segmented, ix)
    before = ids(nd, ix)
    # how long an undisturbed optimize takes here, to spread the kills over it
    probe = tmp_path / "probe"
    shutil.copytree(segmented, probe)
    t0 = time.monotonic()
    rc, out, err = nd("optimize", "--index", probe)
    full = time.monotonic() - t0
    assert rc == 0, err
    rng = random.Random(11)
    killed = 0
    for attempt in range(6):
        if attempt % 2 == 0:  # a fresh segmented index every other time; else go on from a kill
            shutil.rmtree(ix)
            shutil.copytree(segmented, ix)
        p = subprocess.Popen([str(newsdex_bin), "optimize", "--index", str(ix)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
        time.sleep(rng.uniform(0.05, 0.7) * full)
        if p.poll() is None:
            p.kill()
            killed += 1
        p.communicate()
        rc, out, err = nd("check", "--index", ix)
        assert rc == 0, f"after kill {attempt}: {out}{err}"
        assert ids(nd, ix) == before, f"articles changed after kill {attempt}"
    assert killed > 0
    rc, out, err = nd("optimize", "--index", ix)
    assert rc == 0, err
    st = stats(nd, ix)
    assert st["segments"] == 1
    assert ids(nd, ix) == before
    names = sorted(f.name for f in ix.iterdir())
    assert not [n for n in names if n.endswith(".tmp")], names
    rc, out, err = nd("search", "--json", "--index", ix, "東京")
    assert rc == 0 and json.loads(out)["total"] > 0, err
