"""Shared helpers for the story-clustering benchmarks (bench/dedup-eval, bench/related-eval).

Readers for the text corpora in ../shared/corpora/text (found relative to the repository root,
never by absolute path), a Python copy of the tokenizer of lib/dedup/sketch.c (for true Jaccard
similarities), the normalised body hash of lib/index/segwriter.c (exact-copy baseline) and
pairwise precision/recall/F1 of a clustering against a truth.
"""
import glob
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPORA = os.path.join(os.path.dirname(REPO), "shared", "corpora")
TEXT = os.path.join(CORPORA, "text")


# ---- readers ------------------------------------------------------------------------------

def read_bbc():
    """BBC news 2225: [{id, category, title, paras}] (line 1 headline, paragraphs by blank lines)."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEXT, "bbc-news-2225", "bbc", "*", "*.txt"))):
        with open(path, "rb") as f:
            raw = f.read().decode("latin-1")
        lines = raw.split("\n")
        title = lines[0].strip()
        paras = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines[1:])) if p.strip()]
        cat = os.path.basename(os.path.dirname(path))
        out.append({"id": "bbc/%s/%s" % (cat, os.path.basename(path)[:-4]), "category": cat,
                    "title": title, "paras": paras, "raw": raw})
    return out


_REU = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\">(.*?)</REUTERS>", re.S)


def _tag(s, t):
    m = re.search(r"<%s>(.*?)</%s>" % (t, t), s, re.S)
    return m.group(1) if m else None


def read_reuters():
    """Reuters-21578 with a body: [{id, topics, title, date, body_raw, paras}]."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEXT, "reuters21578", "sgm-data", "reut2-*.sgm"))):
        with open(path, "rb") as f:
            data = f.read().decode("latin-1")
        for m in _REU.finditer(data):
            nid, s = m.group(1), m.group(2)
            body = _tag(s, "BODY")
            if body is None:
                continue
            topics = re.findall(r"<D>(.*?)</D>", _tag(s, "TOPICS") or "")
            title = html.unescape(_tag(s, "TITLE") or "").strip()
            body_raw = body
            b = html.unescape(body).replace("\x03", "")
            b = re.sub(r"\s*\bReute?r?\s*$", "", b.rstrip())  # sign-off "Reuter"
            paras = []
            for p in re.split(r"\n(?=    )|\n\s*\n", b):
                p = " ".join(p.split())
                if p:
                    paras.append(p)
            out.append({"id": "reuters/%s" % nid, "topics": topics, "title": title,
                        "date": (_tag(s, "DATE") or "").strip(), "body_raw": body_raw,
                        "paras": paras})
    return out


def read_20ng():
    """20 Newsgroups: [{id, group, msgid, subject, body}] (body: text after the header block)."""
    out = []
    path = os.path.join(TEXT, "20newsgroups-19997", "20news-19997.tar.gz")
    with tarfile.open(path) as tf:
        for ti in tf:
            if not ti.isfile():
                continue
            raw = tf.extractfile(ti).read().decode("latin-1")
            head, _, body = raw.partition("\n\n")
            hdr = {}
            for line in head.split("\n"):
                k, sep, v = line.partition(":")
                if sep and k and not k[0].isspace():
                    hdr.setdefault(k.strip().lower(), v.strip())
            parts = ti.name.split("/")
            out.append({"id": "20ng/%s/%s" % (parts[-2], parts[-1]), "group": parts[-2],
                        "msgid": hdr.get("message-id", ""), "subject": hdr.get("subject", ""),
                        "body": body})
    return out


def read_livedoor():
    """livedoor news (ja): [{id, category, url, date, title, paras}]."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEXT, "livedoor-news-ja", "text", "*", "*-*.txt"))):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if len(lines) < 4:
            continue
        paras = [p.strip() for p in lines[3:] if p.strip()]
        # drop the trailing related-links block
        for i, p in enumerate(paras):
            if p.startswith("【関連記事】") or p.startswith("【関連情報】"):
                paras = paras[:i]
                break
        out.append({"id": "livedoor/" + os.path.basename(path)[:-4],
                    "category": os.path.basename(os.path.dirname(path)),
                    "url": lines[0].strip(), "date": lines[1].strip(), "title": lines[2].strip(),
                    "paras": paras})
    return out


def read_giveme():
    """giveme5w1h dev: [{file, url, source, title, text, event, date}]."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEXT, "giveme5w1h-dev", "data_raw", "*.json"))):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        out.append({"file": path, "url": d.get("url"), "source": d.get("source_domain"),
                    "title": d.get("title") or "", "text": d.get("text") or "",
                    "event": d["newsCluster"]["EventId"], "date": d.get("date_publish")})
    return out


# ---- tokenizer of lib/dedup/sketch.c, Jaccard -----------------------------------------------

def _cjk_lead(c):
    return 0xE2 <= c <= 0xED


def sketch_words(text):
    """Words as lib/dedup/sketch.c cuts them: ASCII letter/digit runs lower-cased, non-ASCII bytes
    (other than CJK lead bytes) part of words, every 3-byte CJK/kana/hangul character a word;
    note that U+2000..U+2FFF punctuation (em dash, curly quotes: lead byte E2) counts as a word."""
    b = text.encode("utf-8") if isinstance(text, str) else text
    words = []
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c >= 0x80 and _cjk_lead(c) and n - i >= 3:
            words.append(b[i:i + 3])
            i += 3
        elif (48 <= c <= 57) or (97 <= c <= 122) or (65 <= c <= 90) or (c >= 0x80 and not _cjk_lead(c)):
            j = i
            while j < n:
                c = b[j]
                if (48 <= c <= 57) or (97 <= c <= 122) or (65 <= c <= 90) or (c >= 0x80 and not _cjk_lead(c)):
                    j += 1
                else:
                    break
            words.append(b[i:j].lower())
            i = j
        else:
            i += 1
    return words


def shingles(text, k=4):
    w = sketch_words(text)
    return set(tuple(w[i:i + k]) for i in range(len(w) - k + 1))


def jaccard(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# ---- normalised body hash (ndx__content_hash) ---------------------------------------------

def norm_hash(body):
    """Body case-folded (ASCII) with white space collapsed and trimmed, as ndx__content_hash."""
    s = " ".join(re.split(r"[ \t\n\r]+", body))
    s = s.strip(" ")
    s = re.sub(r"[A-Z]", lambda m: m.group(0).lower(), s)
    return hashlib.blake2b(s.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


# ---- pairwise clustering metrics ----------------------------------------------------------

def c2(n):
    return n * (n - 1) // 2


def pairwise(pred, truth, items=None):
    """pred, truth: dict item -> cluster label.  Pairwise precision, recall, F1 over items."""
    items = list(items if items is not None else truth.keys())
    cell, pc, tc = Counter(), Counter(), Counter()
    for it in items:
        p, t = pred[it], truth[it]
        cell[(p, t)] += 1
        pc[p] += 1
        tc[t] += 1
    tp = sum(c2(v) for v in cell.values())
    pp = sum(c2(v) for v in pc.values())
    tt = sum(c2(v) for v in tc.values())
    prec = tp / pp if pp else 1.0
    rec = tp / tt if tt else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
            "true_pairs": tt, "predicted_pairs": pp, "correct_pairs": tp}


def pair_lists(pred, truth, items):
    """(missed pairs, wrongly merged pairs) as lists of (a, b)."""
    by_p, by_t = defaultdict(list), defaultdict(list)
    for it in items:
        by_p[pred[it]].append(it)
        by_t[truth[it]].append(it)
    missed, wrong = [], []
    for g in by_t.values():
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                if pred[g[i]] != pred[g[j]]:
                    missed.append((g[i], g[j]))
    for g in by_p.values():
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                if truth[g[i]] != truth[g[j]]:
                    wrong.append((g[i], g[j]))
    return missed, wrong


# ---- the CLI -------------------------------------------------------------------------------

def drop_scratch(tmp, keep):
    """Remove an evaluation's scratch directory, or with --keep say where it stays."""
    if keep:
        print("kept", tmp, file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def write_result(path, result):
    """An evaluation's result as indented JSON (its directory made as needed)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)


def newsdex_path(arg=None):
    p = arg or os.environ.get("NEWSDEX") or os.path.join(REPO, "build-dedup", "newsdex")
    if not os.access(p, os.X_OK):
        raise SystemExit("newsdex binary not found at %s (build it or pass --newsdex)" % p)
    return p


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def ingest(nd, index, paths, extra=()):
    """Ingest; returns (summary line, wall seconds, child CPU seconds)."""
    import resource
    import time
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([nd, "ingest", "--index", index, *extra, *paths],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode not in (0, 1):
        raise SystemExit("ingest failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    summ = [l for l in p.stderr.split("\n") if l.startswith("ingest:")]
    return (summ[-1] if summ else p.stderr.strip()[-300:]), wall, cpu


def export_stories(nd, index):
    """url -> (id, story) for every stored article."""
    p = run([nd, "export", "--index", index, "--format", "jsonl"])
    out = {}
    for line in p.stdout.decode("utf-8").split("\n"):
        if line.strip():
            d = json.loads(line)
            out[d["url"]] = (d["id"], d["story"])
    return out


def show(nd, index, key):
    p = subprocess.run([nd, "show", "--json", "--index", index, str(key)], capture_output=True)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout.decode("utf-8"))


def predicted_stories(nd, index, urls):
    """url -> story for every input url: exported rows, plus exact copies (recorded on a stored
    article, not exported) looked up with `show --json URL`."""
    exp = export_stories(nd, index)
    pred, looked = {}, 0
    for u in urls:
        if u in exp:
            pred[u] = exp[u][1]
        else:
            d = show(nd, index, u)
            looked += 1
            pred[u] = d["story"] if d else ("missing:" + u)
    return pred, exp, looked
