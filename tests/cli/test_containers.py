"""Compressed files (gzip, xz, bzip2, zstd by content), bombs capped, tar/zip archives read member
by member (paths kept, nothing outside the archive read), on sample data and the real files of
the shared corpora."""
import bz2
import gzip
import io
import lzma
import os
import re
import subprocess
import tarfile
import zipfile

import pytest

from conftest import CORPORA, SAMPLE_JSONL, SAMPLE_PAGES, child_env, check_process, parse_summary

TWNEWS = CORPORA / "extraction" / "twnews-html-samples"
NEWS20 = CORPORA / "text" / "20newsgroups-19997" / "20news-19997.tar.gz"


def zstd_compress(data):
    p = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True)
    return p.stdout


CODECS = {"xz": lzma.compress, "bzip2": bz2.compress, "zstd": zstd_compress,
          "gzip": lambda b: gzip.compress(b, mtime=0)}


def urls(nd, ix):
    rc, out, err = nd("export", "--index", ix, "--format", "jsonl")
    assert rc == 0, err
    import json
    return sorted(json.loads(l)["url"] for l in out.splitlines() if l.strip())


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_compressed_by_content(nd, tmp_path, codec):
    """A compressed JSONL file named without any extension gives the plain file's articles."""
    plain = tmp_path / "plain"
    nd.ingest(plain, SAMPLE_JSONL, opts=("-q",))
    f = tmp_path / "dump.data"
    f.write_bytes(CODECS[codec](SAMPLE_JSONL.read_bytes()))
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f)
    assert parse_summary(err)["skipped"] == 0, err
    assert "binary" not in err
    assert urls(nd, ix) == urls(nd, plain)


@pytest.mark.parametrize("codec", ["xz", "bzip2", "zstd"])
def test_truncated_compressed_keeps_the_start(nd, tmp_path, codec):
    lines = "".join('{"url": "https://t.example/%d", "title": "Line %d", "maintext": '
                    '"Text of the numbered line cutmark%03d here."}\n' % (i, i, i)
                    for i in range(30000))
    # bzip2 decodes whole blocks: small ones (level 1, 100 kB) so that some come before the cut
    blob = bz2.compress(lines.encode(), 1) if codec == "bzip2" else CODECS[codec](lines.encode())
    f = tmp_path / "cut.jsonl.z"
    f.write_bytes(blob[: len(blob) // 2])
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f, expect_rc=None)
    assert re.search(re.escape(str(f)) + r"@\d+: truncated " + codec, err), err
    n = nd.total(ix, "cutmark*")
    assert 0 < n < 30000
    assert nd.total(ix, "cutmark000") == 1 and nd.total(ix, "cutmark29999") == 0


def run_rss(nd, *args):
    """Run newsdex under GNU time (a small parent, so the peak is the command's own); return
    (rc, stderr, peak resident set in KiB)."""
    argv = ["/usr/bin/time", "-f", "maxrss=%M"] + [nd.binary] + [str(a) for a in args]
    env = child_env()
    # under AddressSanitizer, freed blocks are not held back (they would count as resident)
    env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"] + ":quarantine_size_mb=0"
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.decode("utf-8", "replace")
    m = re.search(r"maxrss=(\d+)", err)
    assert m, err
    rc = p.returncode
    if "exited with non-zero status" in err:
        rc = int(re.search(r"non-zero status (\d+)", err).group(1))
    check_process(args, rc, err)
    return rc, err, int(m.group(1))


def bomb_bytes(codec, mb):
    """A text document of about `mb` MiB (a headline, then one long run of a letter), compressed."""
    raw = b"Bomb headline\n" + b"x" * (mb << 20)
    if codec == "gzip":
        return gzip.compress(raw, 9, mtime=0)
    return lzma.compress(raw, preset=0) if codec == "xz" else bz2.compress(raw)


@pytest.mark.parametrize("codec", ["gzip", "xz", "bzip2"])
def test_bomb_capped_by_ratio(nd, tmp_path, codec):
    """A small file expanding to 60 MiB (over 200 times its size) is refused at the expansion
    limit (before, a 1 MiB file could expand to 1 GiB unchallenged)."""
    f = tmp_path / "bomb.txt.z"
    f.write_bytes(bomb_bytes(codec, 60))
    assert f.stat().st_size < 256 << 10
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f, expect_rc=1)
    assert f"{codec} data expands too much" in err, err
    assert parse_summary(err)["added"] == 0


def test_bomb_stops_decoding_at_the_limit(nd, tmp_path):
    """A gzip'd document of 300 MiB: decoding stops at the expansion limit, so memory stays far
    below the document's size (before, it was decoded whole before being refused)."""
    f = tmp_path / "bomb.txt.gz"
    f.write_bytes(bomb_bytes("gzip", 300))
    ix = tmp_path / "ix"
    rc, err, rss_kib = run_rss(nd, "ingest", "--index", ix, f)
    assert rc == 1 and "gzip data expands too much" in err, err
    assert rss_kib < 200 * 1024, rss_kib


def test_real_xz_pages(nd, tmp_path):
    """The Taiwanese news pages of twnews-html-samples are stored as .html.xz."""
    ix = tmp_path / "ix"
    files = sorted(TWNEWS.glob("*.html.xz"))
    assert len(files) == 7
    rc, out, err = nd.ingest(ix, *files)
    s = parse_summary(err)
    assert s["added"] >= 7 and s["skipped"] == 0, err
    got = urls(nd, ix)
    assert all(u.startswith("http") for u in got), got


def make_tar(path, mode="w:gz"):
    with tarfile.open(path, mode) as t:
        for p in sorted(SAMPLE_PAGES.iterdir()):
            t.add(p, arcname=f"pages/{p.name}")
        t.add(SAMPLE_JSONL, arcname="dumps/articles.jsonl")


@pytest.mark.parametrize("kind", ["tar", "tar.gz", "tgz", "tar.xz", "tar.bz2", "zip"])
def test_archive_members_read_with_their_path(nd, tmp_path, kind):
    plain = tmp_path / "plain"
    nd.ingest(plain, SAMPLE_PAGES, SAMPLE_JSONL, opts=("-q", "--absolute-paths"))
    a = tmp_path / f"bundle.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(a, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(SAMPLE_PAGES.iterdir()):
                z.write(p, f"pages/{p.name}")
            z.write(SAMPLE_JSONL, "dumps/articles.jsonl")
    else:
        mode = {"tar": "w", "tar.gz": "w:gz", "tgz": "w:gz", "tar.xz": "w:xz",
                "tar.bz2": "w:bz2"}[kind]
        make_tar(a, mode)
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, a, opts=("--absolute-paths",))
    s = parse_summary(err)
    assert s["skipped"] == 0 and "binary" not in err, err
    # the same articles; text files get the archive's URL followed by the member path
    want = [u.replace(f"file://{SAMPLE_PAGES}/", f"file://{a.resolve()}/pages/")
            for u in urls(nd, plain)]
    assert urls(nd, ix) == sorted(want)
    # problems name the member
    assert f"{a}/pages/" in err


def test_archive_reads_nothing_outside(nd, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret headline\nThe word outsidemarker must never be read.\n")
    a = tmp_path / "evil.tar"
    with tarfile.open(a, "w") as t:
        def add(name, data=None, typ=tarfile.REGTYPE, link=""):
            ti = tarfile.TarInfo(name)
            ti.type, ti.linkname = typ, link
            if data is not None:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            else:
                t.addfile(ti)
        add("../../climb.txt", b"Climbing headline\nThe word insidemarker sits in the archive.\n")
        add("/abs/x.txt", b"Absolute headline\nThe word absmarker sits in the archive.\n")
        add("sym", typ=tarfile.SYMTYPE, link=str(secret))
        add("hard", typ=tarfile.LNKTYPE, link="../" * 8 + str(secret).lstrip("/"))
        add(".hidden/y.txt", b"Hidden headline\nThe word hiddenmarker is in a hidden folder.\n")
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, a, opts=("--absolute-paths",))
    assert nd.total(ix, "outsidemarker") == 0
    assert nd.total(ix, "hiddenmarker") == 0
    assert nd.total(ix, "insidemarker") == 1 and nd.total(ix, "absmarker") == 1
    assert "2 links in the archive not followed" in err, err
    assert "'../../climb.txt' read as 'climb.txt'" in err
    assert urls(nd, ix) == sorted([f"file://{a.resolve()}/abs/x.txt",
                                   f"file://{a.resolve()}/climb.txt"])


def test_zip_symlink_not_followed(nd, tmp_path):
    """A symbolic link stored in a zip (its target as data, the link bit in the central
    directory) is not read as a file."""
    a = tmp_path / "l.zip"
    with zipfile.ZipFile(a, "w") as z:
        z.writestr("a.txt", "Zip headline\nThe word zipmarker sits in the archive.\n")
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/hostname")
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, a, opts=("--absolute-paths",))
    assert urls(nd, ix) == [f"file://{a.resolve()}/a.txt"]
    assert "1 link in the archive not followed" in err


def test_damaged_archive_keeps_earlier_members(nd, tmp_path):
    a = tmp_path / "cut.tar"
    make_tar(a, "w")
    data = a.read_bytes()
    a.write_bytes(data[: len(data) * 2 // 3])
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, a, expect_rc=None)
    assert nd.stats(ix)["documents"] > 0
    assert re.search(r"damaged archive|truncated|cannot read the member", err), err
