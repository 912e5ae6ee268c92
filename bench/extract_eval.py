"""Score `newsdex extract` on the extraction corpora in ../shared/corpora/extraction.

Each set is scored with the metric its own project uses (see docs/EXTRACTION.md):
  trafilatura-eval   snippet precision/recall/F1 summed over all pages (tests/comparison.py)
  wcxb-dev-articles  mean per-page word-bag F1 vs ground_truth.main_content (WCXB evaluate.py)
  wcxb-dev           the same over all 1,497 dev pages of every page type, per type, and the
                     page classification (article / listing / other) against the gold type
  cleaneval-*, CleanPortalEval, readability
                     mean per-page word-bag F1 vs the gold text (markers and URL line removed)
  L3S-GN1            mean per-page word-bag F1: gold = classes 1-2 (headline + full text),
                     predicted = title + body
  newspaper3k        mean per-page word-bag F1 vs text/*.txt
  fundus             mean per-page word-bag F1 vs summary + section headlines + paragraphs
  twnews             share of pages whose text contains the expected content snippet
  gne                mean char/word-bag F1 vs result.txt (another tool's output: reference only)
WCXB and fundus also get a metadata line: the share of pages whose title (case and space
folded), date (same UTC day) and byline (the last word of every gold author) agree with the gold.
Word bags: lower-cased \\w+ runs, CJK characters one token each (WCXB: plain \\w+ as its script).
Timing comes from the extractor itself (`--time`: wall/CPU time inside ndx_extract_html), so
process start-up, file reading and scoring are excluded.
"""
import argparse
import ast
import collections
import gzip
import html.parser
import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPORA = os.path.join(os.path.dirname(ROOT), "shared", "corpora", "extraction")

WORD_RE = re.compile(r"\w+")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")


def tokens(s, cjk=True):
    s = s.lower()
    if not cjk:
        return WORD_RE.findall(s)
    out = []
    for w in WORD_RE.findall(s):
        if CJK_RE.search(w):
            buf = ""
            for ch in w:
                if CJK_RE.match(ch):
                    if buf:
                        out.append(buf)
                        buf = ""
                    out.append(ch)
                else:
                    buf += ch
            if buf:
                out.append(buf)
        else:
            out.append(w)
    return out


def bag_prf(pred, ref, cjk=True):
    p = collections.Counter(tokens(pred, cjk))
    r = collections.Counter(tokens(ref, cjk))
    if not r:
        return (1.0, 1.0, 1.0) if not p else (0.0, 1.0, 0.0)
    if not p:
        return (0.0, 0.0, 0.0)
    ov = sum((p & r).values())
    pr = ov / sum(p.values())
    rc = ov / sum(r.values())
    f = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return (pr, rc, f)


class Runner:
    def __init__(self, binary):
        self.binary = binary
        self.wall = 0.0
        self.cpu = 0.0
        self.pages = 0
        self.bytes = 0

    def run(self, files):
        """Returns {path: result dict} and (wall, cpu, pages, bytes) of this call."""
        res = {}
        stats = [0.0, 0.0, 0, 0]
        for i in range(0, len(files), 400):
            chunk = files[i:i + 400]
            p = subprocess.run([self.binary, "extract", "--json", "--time"] + chunk,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for line in p.stdout.decode("utf-8", "replace").split("\n"):
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                res[o.get("file")] = o
            for line in p.stderr.decode("utf-8", "replace").splitlines():
                if line.startswith("extract-time:"):
                    kv = dict(x.split("=", 1) for x in line.split()[1:])
                    stats[0] += float(kv["wall_s"])
                    stats[1] += float(kv["cpu_s"])
                    stats[2] += int(kv["pages"])
                    stats[3] += int(kv["bytes"])
        self.wall += stats[0]
        self.cpu += stats[1]
        self.pages += stats[2]
        self.bytes += stats[3]
        return res, stats


def text_of(o):
    t = (o or {}).get("text") or ""
    return t.replace("\n\n", "\n")


def read_gz(path):
    with gzip.open(path, "rb") as f:
        return f.read()


# ---- sets ------------------------------------------------------------------------------------

def set_trafilatura(run):
    base = os.path.join(CORPORA, "trafilatura-eval")
    ev = json.load(open(os.path.join(base, "evaldata.json"), encoding="utf-8"))
    items = []
    for url, v in ev.items():
        for d in ("eval", "cache"):
            p = os.path.join(base, d, v["file"] + ".gz")
            if os.path.exists(p):
                items.append((url, p, v))
                break
    res, st = run.run([p for _, p, _ in items])
    tp = fn = fp = tn = 0
    pages = []
    for url, p, v in items:
        text = text_of(res.get(p))
        a = sum(1 for s in v["with"] if s in text)
        b = sum(1 for s in v["without"] if s in text)
        tp += a
        fn += len(v["with"]) - a
        fp += b
        tn += len(v["without"]) - b
        score = (a + len(v["without"]) - b) / max(1, len(v["with"]) + len(v["without"]))
        pages.append((score, p))
    prec = tp / (tp + fp) if tp + fp else 0
    rec = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0
    return dict(pages=len(items), f1=f1, p=prec, r=rec, acc=(tp + tn) / (tp + tn + fp + fn),
                published="trafilatura 2.2.0 0.924", stats=st, worst=pages)


def mean_prf(rows):
    n = len(rows) or 1
    return (sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n)


def _norm_title(t):
    return re.sub(r"\s+", " ", (t or "")).strip().casefold()


def _utc_day(v):
    """YYYY-MM-DD (UTC) of an ISO-like date/time string, or None."""
    if not v:
        return None
    v = str(v).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                 r"\s*(Z|[+-]\d{2}:?\d{2})?)?", v)
    if not m:
        return None
    if not m.group(4) or not m.group(7):
        return "%s-%s-%s" % m.group(1, 2, 3)
    from datetime import datetime, timedelta, timezone
    tz = m.group(7)
    off = timedelta(0) if tz == "Z" else (1 if tz[0] == "+" else -1) * timedelta(
        hours=int(tz[1:3]), minutes=int(tz[-2:]))
    t = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)),
                 int(m.group(5)), int(m.group(6) or 0), tzinfo=timezone(off))
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d")


def meta_scores(pairs):
    """pairs: (our extract JSON, gold title, gold date, gold author names).  Share of the pages
    with that gold field where ours agrees: title equal after case and space folding; date the
    same UTC day; byline holding the last word of every gold author name."""
    cnt = {"title": [0, 0], "date": [0, 0], "byline": [0, 0]}
    for o, title, date, authors in pairs:
        o = o or {}
        if title and title.strip():
            cnt["title"][1] += 1
            cnt["title"][0] += _norm_title(o.get("title")) == _norm_title(title)
        gd = _utc_day(date)
        if gd:
            cnt["date"][1] += 1
            cnt["date"][0] += _utc_day(o.get("date")) == gd
        names = [a for a in (authors or []) if a and a.strip()]
        if names:
            cnt["byline"][1] += 1
            by = (o.get("byline") or "").casefold()
            cnt["byline"][0] += all(n.split()[-1].casefold().strip(",.") in by for n in names)
    return {k: dict(agree=v[0], pages=v[1], share=v[0] / v[1] if v[1] else None)
            for k, v in cnt.items()}


def set_wcxb(run):
    base = os.path.join(CORPORA, "wcxb-dev-articles")
    items = []
    for fn in sorted(os.listdir(os.path.join(base, "ground-truth"))):
        gt = json.load(open(os.path.join(base, "ground-truth", fn), encoding="utf-8"))
        p = os.path.join(base, "html", fn.replace(".json", ".html.gz"))
        if os.path.exists(p):
            g = gt["ground_truth"]
            items.append((p, g.get("main_content") or "", g))
    res, st = run.run([p for p, _, _ in items])
    rows = []
    worst = []
    meta = meta_scores([(res.get(p), g.get("title"), g.get("publish_date"),
                         [a for a in re.split(r"\s*(?:,| and |;)\s*", g.get("author") or "")
                          if a and not re.fullmatch(r"[A-Z]{2,5}", a)])
                        for p, _, g in items])
    for p, ref, _ in items:
        r = bag_prf(text_of(res.get(p)), ref, cjk=False)
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc,
                published="rs-trafilatura 0.932, trafilatura 0.926", stats=st, worst=worst,
                meta=meta)


# WCXB's page types and the classes the extractor tells apart (docs/EXTRACTION.md, "Page types")
WCXB_CLASS = {"article": "article", "listing": "listing", "collection": "listing",
              "service": "other", "product": "other", "forum": "other", "documentation": "other"}


def set_wcxb_all(run):
    """All 1,497 pages of WCXB's dev split, every page type: mean word F1 per type and over all,
    and the page classification against the gold type (confusion matrix)."""
    items = []
    for sub in ("wcxb-dev-articles", "wcxb-dev-other"):
        base = os.path.join(CORPORA, sub)
        for fn in sorted(os.listdir(os.path.join(base, "ground-truth"))):
            gt = json.load(open(os.path.join(base, "ground-truth", fn), encoding="utf-8"))
            p = os.path.join(base, "html", fn.replace(".json", ".html.gz"))
            if os.path.exists(p):
                t = gt["_internal"]["page_type"]["primary"]
                items.append((p, gt["ground_truth"].get("main_content") or "", t))
    res, st = run.run([p for p, _, _ in items])
    rows, worst = [], []
    per = collections.defaultdict(list)
    conf = collections.Counter()
    for p, ref, t in items:
        o = res.get(p) or {}
        r = bag_prf(text_of(o), ref, cjk=False)
        rows.append(r)
        per[t].append(r)
        worst.append((r[2], p))
        conf[(WCXB_CLASS.get(t, "other"), o.get("page_type") or "none")] += 1
    pr, rc, f = mean_prf(rows)
    types = {t: dict(pages=len(v), f1=mean_prf(v)[2]) for t, v in sorted(per.items())}
    classes = ["article", "listing", "other"]
    right = sum(conf[(c, c)] for c in classes)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published="rs-trafilatura 0.859, traf. 0.791",
                stats=st, worst=worst, types=types,
                confusion={g: {c: conf[(g, c)] for c in classes + ["none"]} for g in classes},
                accuracy=right / len(items) if items else None)


def clean_gold(raw):
    lines = raw.splitlines()
    if lines and lines[0].startswith("URL:"):
        lines = lines[1:]
    t = "\n".join(lines)
    t = re.sub(r"<\s*[phl]\s*>", " ", t, flags=re.I)
    return t


def set_cleaning(run, name, label):
    base = os.path.join(CORPORA, "html-cleaning", name)
    items = []
    for fn in sorted(os.listdir(os.path.join(base, "input"))):
        stem = fn[:-len(".html.gz")] if fn.endswith(".html.gz") else None
        if not stem:
            continue
        g = os.path.join(base, "GoldStandard", stem + ".txt.gz")
        if os.path.exists(g):
            items.append((os.path.join(base, "input", fn), g))
    res, st = run.run([p for p, _ in items])
    rows, worst = [], []
    for p, g in items:
        gold = read_gz(g).decode("utf-8", "replace")
        if name == "readability":
            gold = strip_html(gold)
        else:
            gold = clean_gold(gold)
        r = bag_prf(text_of(res.get(p)), gold)
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published=None, stats=st, worst=worst)


class _Strip(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        self.out.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def strip_html(s):
    p = _Strip()
    p.feed(s)
    return "".join(p.out)


VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source",
        "wbr", "param", "track"}


class _L3S(html.parser.HTMLParser):
    """Text by annotation class x-nc-selN (nearest annotated ancestor)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.parts = collections.defaultdict(list)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        cls = dict(attrs).get("class") or ""
        m = re.search(r"x-nc-sel(\d)", cls)
        cur = self.stack[-1][1] if self.stack else 0
        self.stack.append((tag, int(m.group(1)) if m else cur))
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                if tag in ("script", "style") and self.skip:
                    self.skip -= 1
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.skip:
            return
        cur = self.stack[-1][1] if self.stack else 0
        self.parts[cur].append(data)


def set_l3s(run):
    base = os.path.join(CORPORA, "html-cleaning", "page-signal-master")
    items = []
    for fn in sorted(os.listdir(os.path.join(base, "input"))):
        if not fn.endswith(".html.gz"):
            continue
        g = os.path.join(base, "GoldStandard", fn[:-len(".html.gz")] + ".txt.gz")
        if os.path.exists(g):
            items.append((os.path.join(base, "input", fn), g))
    res, st = run.run([p for p, _ in items])
    rows, worst = [], []
    for p, g in items:
        par = _L3S()
        par.feed(read_gz(g).decode("utf-8", "replace"))
        gold = " ".join(par.parts[1] + par.parts[2])
        o = res.get(p) or {}
        pred = (o.get("title") or "") + "\n" + text_of(o)
        r = bag_prf(pred, gold)
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published=None, stats=st, worst=worst)


def set_newspaper(run):
    base = os.path.join(CORPORA, "newspaper3k-tests")
    items = []
    for fn in sorted(os.listdir(os.path.join(base, "html"))):
        t = os.path.join(base, "text", fn.replace(".html.gz", ".txt"))
        if os.path.exists(t):
            items.append((os.path.join(base, "html", fn), t))
    res, st = run.run([p for p, _ in items])
    rows, worst = [], []
    for p, t in items:
        r = bag_prf(text_of(res.get(p)), open(t, encoding="utf-8", errors="replace").read())
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published=None, stats=st, worst=worst)


NOT_LITERAL = object()


def py_literal(v):
    """fundus stores some fields as Python literals in strings: the value, or NOT_LITERAL."""
    try:
        return ast.literal_eval(v)
    except Exception:
        return NOT_LITERAL


def fundus_gold(v):
    body = v.get("body")
    if isinstance(body, str):
        parsed = py_literal(body)
        if parsed is NOT_LITERAL:
            return body
        body = parsed
    if not isinstance(body, dict):
        return ""
    parts = list(body.get("summary") or [])
    for s in body.get("sections") or []:
        parts += list(s.get("headline") or []) + list(s.get("paragraphs") or [])
    return "\n".join(parts)


def set_fundus(run):
    base = os.path.join(CORPORA, "fundus-news-html", "test_data")
    items = []
    for country in sorted(os.listdir(base)):
        d = os.path.join(base, country)
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".json") or fn == "meta.info":
                continue
            pub = fn[:-5]
            exp = json.load(open(os.path.join(d, fn), encoding="utf-8"))
            htmls = sorted(h for h in os.listdir(d)
                           if h.endswith(".html.gz") and re.match(re.escape(pub) + r"_\d", h))
            keys = sorted(exp.keys(), key=lambda k: (len(k), k))
            if len(htmls) != len(keys):
                continue
            for h, k in zip(htmls, keys):
                g = fundus_gold(exp[k])
                if g.strip():
                    items.append((os.path.join(d, h), g, exp[k]))
    res, st = run.run([p for p, _, _ in items])
    rows, worst = [], []

    def authors(v):
        a = v.get("authors")
        if isinstance(a, str):
            parsed = py_literal(a)
            a = [a] if parsed is NOT_LITERAL else parsed
        return [x for x in (a or []) if isinstance(x, str)]
    meta = meta_scores([(res.get(p), e.get("title"), e.get("publishing_date"), authors(e))
                        for p, _, e in items])
    for p, g, _ in items:
        r = bag_prf(text_of(res.get(p)), g)
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published=None, stats=st, worst=worst,
                meta=meta)


def set_twnews(run, tmp):
    base = os.path.join(CORPORA, "twnews-html-samples")
    exp = json.load(open(os.path.join(base, "expected.json"), encoding="utf-8"))
    items = []
    for fn, v in exp.items():
        if fn.startswith("_"):
            continue
        src = os.path.join(base, fn)
        if not os.path.exists(src):
            continue
        dst = os.path.join(tmp, fn.replace(".xz", ""))
        with open(dst, "wb") as f:
            f.write(lzma.open(src).read())
        items.append((dst, v))
    res, st = run.run([p for p, _ in items])
    ok = tok = 0
    worst = []
    for p, v in items:
        o = res.get(p) or {}
        c = v.get("content_contains", "") in text_of(o)
        ok += c
        tok += v.get("title_contains", "\x00") in (o.get("title") or "")
        worst.append((1.0 if c else 0.0, p))
    n = len(items) or 1
    return dict(pages=len(items), f1=ok / n, p=None, r=None, title=tok / n, published=None,
                stats=st, worst=worst, metric="content containment")


def set_gne(run):
    base = os.path.join(CORPORA, "gne-chinese-news-html")
    raw = open(os.path.join(base, "result.txt"), encoding="utf-8", errors="replace").read()
    items = []
    for m in re.finditer(r">{5,}(\S+?)>{5,}\s*(\{.*?\n\})", raw, re.S):
        rel, js = m.group(1), m.group(2)
        try:
            v = json.loads(js)
        except ValueError:
            continue
        p = os.path.join(base, rel)
        if not os.path.exists(p) and os.path.exists(p + ".gz"):
            p = p + ".gz"
        if os.path.exists(p):
            items.append((p, v.get("content") or ""))
    res, st = run.run([p for p, _ in items])
    rows, worst = [], []
    for p, g in items:
        r = bag_prf(text_of(res.get(p)), g)
        rows.append(r)
        worst.append((r[2], p))
    pr, rc, f = mean_prf(rows)
    return dict(pages=len(items), f1=f, p=pr, r=rc, published=None, stats=st, worst=worst,
                metric="reference only (tool output)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", help="newsdex binary (default: build-extract/ or build/)")
    ap.add_argument("--sets", help="comma-separated subset of set names")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages per set")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "extract-latest.json"))
    a = ap.parse_args()
    binary = a.bin
    if not binary:
        for d in ("build-extract", "build"):
            c = os.path.join(ROOT, d, "newsdex")
            if os.path.exists(c):
                binary = c
                break
    if not binary or not os.path.exists(binary):
        sys.exit("extract-eval: newsdex binary not found (build it or pass --bin)")
    if not os.path.isdir(CORPORA):
        sys.exit("extract-eval: corpora not found at " + CORPORA)
    run = Runner(binary)
    tmp = tempfile.mkdtemp(prefix="ndx-extract-eval-")
    sets = [
        ("trafilatura-eval", lambda: set_trafilatura(run)),
        ("wcxb-dev-articles", lambda: set_wcxb(run)),
        ("wcxb-dev", lambda: set_wcxb_all(run)),
        ("cleaneval-dev", lambda: set_cleaning(run, "cleaneval-dev", "")),
        ("cleaneval-final", lambda: set_cleaning(run, "cleaneval-final", "")),
        ("CleanPortalEval", lambda: set_cleaning(run, "CleanPortalEval-master", "")),
        ("L3S-GN1", lambda: set_l3s(run)),
        ("readability", lambda: set_cleaning(run, "readability", "")),
        ("newspaper3k", lambda: set_newspaper(run)),
        ("fundus", lambda: set_fundus(run)),
        ("twnews", lambda: set_twnews(run, tmp)),
        ("gne", lambda: set_gne(run)),
    ]
    want = set(a.sets.split(",")) if a.sets else None
    results = {}
    t0 = time.time()
    hdr = "%-18s %6s %7s %7s %7s  %-34s %9s %7s" % ("set", "pages", "F1", "P", "R",
                                                     "published", "pages/s", "MB/s")
    print(hdr)
    print("-" * len(hdr))
    for name, fn in sets:
        if want and name not in want:
            continue
        r = fn()
        wall, cpu, pages, nbytes = r.pop("stats")
        worst = sorted(r.pop("worst"))
        r["pages_per_s"] = pages / wall if wall else None
        r["mb_per_s"] = nbytes / 1e6 / wall if wall else None
        r["cpu_s"] = cpu
        r["wall_s"] = wall
        results[name] = r
        fmt = lambda x: "%7.3f" % x if isinstance(x, float) else "%7s" % "-"
        print("%-18s %6d %s %s %s  %-34s %9.0f %7.1f" % (
            name, r["pages"], fmt(r["f1"]), fmt(r.get("p")), fmt(r.get("r")),
            (r.get("published") or r.get("metric") or "")[:34], r["pages_per_s"] or 0,
            r["mb_per_s"] or 0))
        if r.get("meta"):
            print("    metadata agreeing with the gold: " + ", ".join(
                "%s %.3f of %d" % (k, v["share"], v["pages"]) for k, v in r["meta"].items()
                if v["pages"]))
        if r.get("types"):
            print("    word F1 per page type: " + ", ".join(
                "%s %.3f (%d)" % (k, v["f1"], v["pages"]) for k, v in r["types"].items()))
        if r.get("confusion"):
            print("    page class (gold \\ ours)   article  listing    other     none;"
                  " accuracy %.3f" % r["accuracy"])
            for g, row in r["confusion"].items():
                print("      %-24s" % g + "".join("%9d" % row[c] for c in row))
        for s, p in worst[:a.worst]:
            print("    %.3f %s" % (s, p))
    tot = dict(pages=run.pages, bytes=run.bytes, wall_s=run.wall, cpu_s=run.cpu,
               pages_per_s=run.pages / run.wall if run.wall else None,
               mb_per_s=run.bytes / 1e6 / run.wall if run.wall else None)
    print("-" * len(hdr))
    tot["pages_per_cpu_s"] = run.pages / run.cpu if run.cpu else None
    tot["mb_per_cpu_s"] = run.bytes / 1e6 / run.cpu if run.cpu else None
    print("all: %d pages, %.1f MB, extraction %.2f s wall / %.2f s CPU: %.0f pages/s, %.1f MB/s "
          "wall; %.0f pages/s, %.1f MB/s per CPU-second (one thread)" % (
              run.pages, run.bytes / 1e6, run.wall, run.cpu, tot["pages_per_s"] or 0,
              tot["mb_per_s"] or 0, tot["pages_per_cpu_s"] or 0, tot["mb_per_cpu_s"] or 0))
    out = dict(binary=os.path.relpath(binary, ROOT), sets=results, total=tot,
               eval_seconds=time.time() - t0,
               date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    if not want:
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(out, f, indent=1)
        print("wrote " + os.path.relpath(a.out, os.getcwd()))
    for fn in os.listdir(tmp):
        os.unlink(os.path.join(tmp, fn))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
