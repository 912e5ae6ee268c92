"""An article an analysis thread of `ingest --threads 2` fails on is named (file and record) and
left out; the other articles of the batch, and those committed before, are indexed.

The failure is an allocation failing on one of the analysis threads: a small shim preloaded
into the process makes the Nth to N+19th realloc() of threads other than the main one return NULL (the library
allocates through realloc; only its calls are counted), while the articles are analysed: one
article or a few fail (some allocation failures are absorbed where they happen).  Not run on sanitizer builds, whose allocator cannot
be preloaded over.
"""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import parse_summary

SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static long count;
void *realloc(void *p, size_t n)
{
    static void *(*real)(void *, size_t);
    if (!real)
        real = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    static long at = -1;
    if (at < 0) {
        const char *e = getenv("FAIL_THREAD_REALLOC_AT");
        at = e ? atol(e) : 0;
    }
    /* only the library's allocations (in newsdex or libnewsdex), not GLib's */
    Dl_info i;
    if (at && syscall(SYS_gettid) != getpid() && dladdr(__builtin_return_address(0), &i) &&
        i.dli_fname && strstr(i.dli_fname, "newsdex")) {
        long k = __atomic_add_fetch(&count, 1, 0);
        if (k == at)
            return NULL;
    }
    return real(p, n);
}
"""


def sanitized(binary):
    out = subprocess.run(["ldd", str(binary)], stdout=subprocess.PIPE, text=True).stdout
    return "libasan" in out or "libubsan" in out


@pytest.fixture(scope="module")
def shim(tmp_path_factory, newsdex_bin):
    if sanitized(newsdex_bin):
        pytest.skip("sanitizer build: its allocator cannot be preloaded over")
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler for the allocation shim")
    d = tmp_path_factory.mktemp("shim")
    (d / "shim.c").write_text(SHIM)
    so = d / "shim.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(so), str(d / "shim.c"), "-ldl"],
                   check=True)
    return so


def word(i):
    """A word only article i holds."""
    return "zq" + chr(97 + i // 26) + chr(97 + i % 26) + "lm"


def records(first, n):
    return "".join(json.dumps({
        "url": f"https://example.org/harbour/{i}",
        "title": f"Harbour day {i}",
        "maintext": f"Harbour report {i}: the dockers of Marrowhaven met {word(i)} at dawn. Cranes "
                f"idle along pier {i * 7} while talks on pay went on; lines rerouted cargo.",
        "language": "en",
    }) + "\n" for i in range(first, first + n))


def ingest_failing(nd, shim, tmp_path, attempt):
    """A fresh index of 10 articles, then 30 more with the 30th library realloc() of the analysis
    threads failing; checks what the run said against what the index holds, returns the
    articles it named as not indexed."""
    ix = tmp_path / f"ix{attempt}"
    before = tmp_path / "before.jsonl"
    before.write_text(records(0, 10))
    nd.ingest(ix, before, opts=("--threads", "2", "-q"))
    batch = tmp_path / "batch.jsonl"
    batch.write_text(records(10, 30))
    env = dict(nd.env, LD_PRELOAD=str(shim), FAIL_THREAD_REALLOC_AT="30")
    p = subprocess.run([nd.binary, "ingest", "--index", str(ix), "--threads", "2", str(batch)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                       timeout=300)
    named = re.findall(r"^(.*): record (\d+): not indexed: (.*)$", p.stderr, re.M)
    assert p.returncode == (1 if named else 0), p.stderr  # 1: "something was skipped"
    assert len(named) <= 1, p.stderr
    failed = set()
    for file, rec, why in named:
        assert file.endswith("batch.jsonl") and "memory" in why, p.stderr
        failed.add(10 + int(rec) - 1)  # record 1 is article 10
    assert all(10 <= i < 40 for i in failed)
    s = parse_summary(p.stderr)
    assert s["added"] == 30 - len(failed) and s["skipped"] == len(failed), p.stderr
    if failed:
        assert "skipped 1: failed in analysis" in p.stderr
    assert nd.stats(ix)["documents"] == 40 - len(failed)
    for i in range(40):
        assert nd.total(ix, word(i)) == (0 if i in failed else 1), i
    rc, out, err = nd.check(ix)
    assert rc == 0, err
    # the same file again without the failure: the left-out article is added, the rest unchanged
    rc, out, err = nd.ingest(ix, batch, opts=("--threads", "2"))
    s = parse_summary(err)
    assert s["added"] == len(failed) and s["unchanged"] == 30 - len(failed), err
    for i in failed:
        assert nd.total(ix, word(i)) == 1
    return failed


def test_failed_article_named_and_left_out_the_rest_indexed(nd, shim, tmp_path):
    # the allocation that fails may fall where a failure is absorbed (the name lexicon's first
    # load, on whichever thread needs it first): a few attempts, each checked, one must name it
    for attempt in range(5):
        if ingest_failing(nd, shim, tmp_path, attempt):
            return
    pytest.fail("no attempt had an article fail")
