#!/usr/bin/python3
"""Labelled syndication set for story clustering (deterministic: --seed).

Takes real articles from ../shared/corpora/text (BBC and Reuters bodies of at least 80 words,
livedoor-news-ja for Japanese), makes 1-5 edited copies of about a third of them the way
syndication does (new headline, dateline and credit line, trimmed or reordered paragraphs,
inserted boilerplate, a few word edits, another source), and mixes them with distinct articles
on the same topics: the rest of the same BBC category / Reuters topic and the giveme5w1h-dev
articles, which cover the same events from different outlets but are written independently
(NOT copies).

Writes OUT/articles.jsonl (news-please fields: url, source_domain, title, maintext,
date_publish, language) and OUT/truth.jsonl (url, group, role, strength, edits, base,
jaccard = true 4-shingle Jaccard with the base text, as the sketch tokenizes).
"""
import argparse
import json
import os
import random
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora as C  # noqa: E402

CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "PARIS", "TOKYO", "BRUSSELS", "FRANKFURT",
          "SYDNEY", "TORONTO", "HONG KONG", "SINGAPORE", "CHICAGO", "MADRID", "ROME", "DUBLIN"]
AGENCIES = ["Reuters", "AP", "AFP", "CP", "Bloomberg", "PA", "UPI", "dpa"]
NAMES = ["Jane Merrow", "Tom Alcott", "Priya Raman", "Luis Ortega", "Anna Kowalski",
         "David Chen", "Sara Lindqvist", "Mark Obi", "Helen Varga", "Kenji Mori"]
MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
BOILER = [
    "Advertisement",
    "Sign up for our daily newsletter to get the top stories delivered straight to your inbox.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Share this article",
    "Click here to subscribe to our print edition and get unlimited digital access.",
    "This story has been corrected to fix the spelling of a name.",
    "Want more news like this? Download our free app today.",
    "Related coverage",
    "Copyright 2005 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "Our journalism depends on readers like you. Please consider supporting us.",
]
SUBST = {"said": ["says", "stated", "added"], "says": ["said"], "per": ["percent"],
         "percent": ["per cent"], "company": ["firm", "group"], "firm": ["company"],
         "government": ["administration"], "also": [""], "the": [""], "that": [""],
         "million": ["mln"], "mln": ["million"], "billion": ["bln"], "bln": ["billion"],
         "Mr": [""], "would": ["will"], "will": ["would"], "but": ["however"],
         "about": ["around", "some"], "year": ["yr"], "organisation": ["organization"],
         "programme": ["program"], "labour": ["labor"], "centre": ["center"]}
FILLER = ["also", "now", "reportedly", "still", "officially", "recently"]
TITLE_PREFIX = ["UPDATE 1-", "UPDATE 2-", "WRAPUP-", "Analysis: ", "BREAKING: ", "", "", ""]
SOURCES = ["harbourline-daily.com", "the-morning-ledger.co.uk", "valleytribune.com",
           "northgate-herald.com", "citypost.net", "coastal-courier.com", "metroexaminer.com",
           "the-daily-dispatch.org", "riverside-gazette.com", "newswire-hub.com",
           "weekly-observer.co.uk", "plainsjournal.com", "thecapitalreview.com",
           "bayarea-chronicle.com", "islandtimes.net", "summit-news.org"]
JA_SOURCES = ["news.example-shimbun.jp", "kyodo-wire.example.jp", "asahi-net.example.jp",
              "minato-times.example.jp", "hokkai-news.example.jp", "kansai-press.example.jp"]
JA_DATELINE = ["【東京】", "（共同）", "【大阪】", "（時事通信）", "【ニューヨーク共同】"]
JA_CREDIT = ["（共同通信）", "（記者：山田太郎）", "（時事）", "＝転載禁止＝", "（編集部）"]
JA_BOILER = ["広告", "この記事をシェアする", "【関連記事】", "無料アプリで最新ニュースをチェック",
             "続きは会員登録の上でお読みいただけます"]

STRENGTH = {  # probability, dateline, credit, trim fraction max, reorder, boilerplate blocks,
    # word edits per 100 words (characters for Japanese)
    "light": dict(p=0.4, dateline=0.7, credit=0.6, trim=0.0, trim_p=0.3, reorder=0.0,
                  boiler=(0, 1), edits=(0.0, 0.5)),
    "medium": dict(p=0.4, dateline=0.8, credit=0.8, trim=0.25, trim_p=0.7, reorder=0.2,
                   boiler=(0, 2), edits=(0.5, 2.0)),
    "heavy": dict(p=0.2, dateline=0.9, credit=0.9, trim=0.40, trim_p=1.0, reorder=0.5,
                  boiler=(1, 3), edits=(2.0, 4.0)),
}


def nwords(paras):
    return sum(len(p.split()) for p in paras)


def pick_strength(rng):
    x, acc = rng.random(), 0.0
    for k, v in STRENGTH.items():
        acc += v["p"]
        if x < acc:
            return k
    return "heavy"


def edit_words_en(rng, paras, n, log):
    paras = [p.split() for p in paras]
    for _ in range(n):
        pi = rng.randrange(len(paras))
        ws = paras[pi]
        if not ws:
            continue
        wi = rng.randrange(len(ws))
        w = ws[wi]
        core = w.strip(".,;:\"'()")
        if core in SUBST:
            rep = rng.choice(SUBST[core])
            ws[wi] = w.replace(core, rep) if rep else ""
            log.append("subst")
        elif rng.random() < 0.5:
            ws.insert(wi, rng.choice(FILLER))
            log.append("insert")
        elif core.isdigit() and len(core) < 6:
            ws[wi] = w.replace(core, str(int(core) + rng.randint(1, 9)))
            log.append("number")
        else:
            del ws[wi]
            log.append("delete")
    return [" ".join(x for x in ws if x) for ws in paras if any(ws)]


def edit_chars_ja(rng, paras, n, log):
    paras = [list(p) for p in paras]
    for _ in range(n):
        pi = rng.randrange(len(paras))
        cs = paras[pi]
        if len(cs) < 2:
            continue
        ci = rng.randrange(len(cs))
        r = rng.random()
        if r < 0.4:
            del cs[ci]
            log.append("delete")
        elif r < 0.7:
            cs.insert(ci, rng.choice("、はがをにもで"))
            log.append("insert")
        else:
            cs[ci] = rng.choice("のはがをにとで")
            log.append("subst")
    return ["".join(cs) for cs in paras if cs]


def make_copy(rng, base, k, ja=False):
    """An edited copy of base ({title, paras, ...}); returns (title, maintext, strength, edits)."""
    st = pick_strength(rng)
    cfg = STRENGTH[st]
    paras = list(base["paras"])
    log = []
    # trim from the bottom (and for heavy edits sometimes a middle paragraph)
    if rng.random() < cfg["trim_p"] and len(paras) > 2:
        total = nwords(paras) if not ja else sum(len(p) for p in paras)
        limit = total * (1 - (cfg["trim"] if cfg["trim"] else 0.15))
        while len(paras) > 2:
            size = lambda ps: nwords(ps) if not ja else sum(len(p) for p in ps)  # noqa: E731
            if size(paras[:-1]) < limit:
                break
            paras.pop()
            log.append("trim-end")
            if rng.random() < 0.5:
                break
        if st == "heavy" and len(paras) > 4 and rng.random() < 0.5:
            del paras[rng.randrange(1, len(paras) - 1)]
            log.append("drop-middle")
    if rng.random() < cfg["reorder"] and len(paras) > 3:
        i = rng.randrange(1, len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
        log.append("swap-paras")
    size = sum(len(p) for p in paras) if ja else nwords(paras)
    nedit = int(round(rng.uniform(*cfg["edits"]) * size / 100))
    if nedit:
        paras = (edit_chars_ja if ja else edit_words_en)(rng, paras, nedit, log)
    for _ in range(rng.randint(*cfg["boiler"])):
        paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(JA_BOILER if ja else BOILER))
        log.append("boilerplate")
    if rng.random() < cfg["dateline"]:
        if ja:
            paras[0] = rng.choice(JA_DATELINE) + paras[0]
        else:
            c, a = rng.choice(CITIES), rng.choice(AGENCIES)
            form = rng.randrange(4)
            if form == 0:
                d = "%s (%s) - " % (c, a)
            elif form == 1:
                d = "%s, %s %d (%s) - " % (c, rng.choice(MONTHS), rng.randint(1, 28), a)
            elif form == 2:
                d = "%s (%s) \u2014 " % (c, a)
            else:
                d = "%s \u2014 " % c.title()
            paras[0] = d + paras[0]
        log.append("dateline")
    if rng.random() < cfg["credit"]:
        if ja:
            paras.append(rng.choice(JA_CREDIT))
        else:
            form = rng.randrange(4)
            if form == 0:
                paras.append("Reporting by %s; Editing by %s" % (rng.choice(NAMES), rng.choice(NAMES)))
            elif form == 1:
                paras.append("\u2014 %s" % rng.choice(AGENCIES))
            elif form == 2:
                paras.append("(Additional reporting by %s in %s)" % (rng.choice(NAMES), rng.choice(CITIES).title()))
            else:
                paras.insert(0, "By %s, %s correspondent" % (rng.choice(NAMES), rng.choice(CITIES).title()))
        log.append("credit")
    # headline
    t = base["title"]
    if ja:
        title = rng.choice(["", "【速報】", "【独自】"]) + t + rng.choice(["", "…関係者", "と判明"])
    else:
        r = rng.random()
        if r < 0.3:
            title = rng.choice(TITLE_PREFIX) + t.upper()
        elif r < 0.6:
            ws = t.split()
            title = " ".join(ws[:max(3, len(ws) - rng.randint(0, 3))]) + rng.choice(["", " - report", ", officials say", ": sources"])
        else:
            title = rng.choice(TITLE_PREFIX) + t.title()
    return title, "\n\n".join(paras), st, log


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--bases", type=int, default=3000, help="real English articles")
    ap.add_argument("--copied", type=int, default=1000, help="how many of them get copies")
    ap.add_argument("--ja-bases", type=int, default=300)
    ap.add_argument("--ja-copied", type=int, default=100)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    # --- English pool: BBC + Reuters (first topic), bodies >= 80 words ---
    pool = []
    for x in C.read_bbc():
        if nwords(x["paras"]) >= 80:
            pool.append({"id": x["id"], "topic": "bbc:" + x["category"], "title": x["title"],
                         "paras": x["paras"], "date": "2005-01-01"})
    top = Counter(x["topics"][0] for x in C.read_reuters() if x["topics"])
    keep_topics = {t for t, _ in top.most_common(12)}
    for x in C.read_reuters():
        if x["topics"] and x["topics"][0] in keep_topics and nwords(x["paras"]) >= 80 and x["title"]:
            pool.append({"id": x["id"], "topic": "reuters:" + x["topics"][0],
                         "title": x["title"].title(), "paras": x["paras"], "date": None})
    # no exact duplicates and no near duplicates (true Jaccard >= 0.2) among the bases: the
    # corpora have some (identical BBC pairs, re-issued Reuters stories) and the truth could not
    # say whether they are one story
    rng.shuffle(pool)
    seen_hash, chosen, sh_index = set(), [], defaultdict(list)
    dropped = Counter()
    want_bbc = want_reu = a.bases // 2
    for x in pool:
        src = "bbc" if x["topic"].startswith("bbc") else "reuters"
        if (src == "bbc" and want_bbc <= 0) or (src == "reuters" and want_reu <= 0):
            continue
        h = C.norm_hash("\n".join(x["paras"]))
        if h in seen_hash:
            dropped["exact"] += 1
            continue
        sh = C.shingles("\n".join(x["paras"]))
        if len(sh) < 8:
            continue
        cnt = Counter()
        for s in sh:
            for j in sh_index.get(s, ()):
                cnt[j] += 1
        near = any(v / (len(sh) + len(chosen[j]["sh"]) - v) >= 0.2 for j, v in cnt.items())
        if near:
            dropped["near"] += 1
            continue
        seen_hash.add(h)
        x["sh"] = sh
        for s in sh:
            sh_index[s].append(len(chosen))
        chosen.append(x)
        if src == "bbc":
            want_bbc -= 1
        else:
            want_reu -= 1

    rows, truth = [], []

    def emit(url, source, title, text, date, lang, group, role, base, strength=None, edits=None,
             jac=None):
        rows.append({"url": url, "source_domain": source, "title": title, "maintext": text,
                     "date_publish": date, "language": lang})
        truth.append({"url": url, "group": group, "role": role, "base": base,
                      "strength": strength, "edits": edits, "jaccard": jac})

    copied = set(rng.sample(range(len(chosen)), min(a.copied, len(chosen))))
    for i, x in enumerate(chosen):
        src = "bbc.co.uk" if x["topic"].startswith("bbc") else "reuters.com"
        url = "https://%s/%s" % (src, x["id"])
        day = "2005-%02d-%02dT%02d:00:00" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
        emit(url, src, x["title"], "\n\n".join(x["paras"]), day, "en", x["id"], "original", x["id"],
             jac=1.0)
        if i in copied:
            for k in range(rng.randint(1, 5)):
                title, text, st, log = make_copy(rng, x, k)
                srcd = rng.choice(SOURCES)
                emit("https://%s/story/%s-c%d" % (srcd, x["id"].replace("/", "-"), k), srcd, title,
                     text, day, "en", x["id"], "copy", x["id"], st, log,
                     round(C.jaccard(x["sh"], C.shingles(text)), 4))

    # --- Japanese: livedoor ---
    ja = [x for x in C.read_livedoor() if sum(len(p) for p in x["paras"]) >= 200 and len(x["paras"]) >= 3]
    rng.shuffle(ja)
    ja_seen, ja_chosen, ja_index = set(), [], defaultdict(list)
    for x in ja:
        text = "\n\n".join(x["paras"])
        h = C.norm_hash(text)
        if h in ja_seen:
            dropped["ja-exact"] += 1
            continue
        sh = C.shingles(text)
        cnt = Counter()
        for s_ in sh:
            for j in ja_index.get(s_, ()):
                cnt[j] += 1
        if any(v / (len(sh) + len(ja_chosen[j]["sh"]) - v) >= 0.2 for j, v in cnt.items()):
            dropped["ja-near"] += 1
            continue
        ja_seen.add(h)
        x["sh"] = sh
        for s_ in sh:
            ja_index[s_].append(len(ja_chosen))
        ja_chosen.append(x)
        if len(ja_chosen) == a.ja_bases:
            break
    ja_copied = set(rng.sample(range(len(ja_chosen)), min(a.ja_copied, len(ja_chosen))))
    for i, x in enumerate(ja_chosen):
        text = "\n\n".join(x["paras"])
        emit(x["url"], "news.livedoor.com", x["title"], text, x["date"], "ja", x["id"], "original",
             x["id"], jac=1.0)
        if i in ja_copied:
            base_sh = x["sh"]
            for k in range(rng.randint(1, 5)):
                title, t2, st, log = make_copy(rng, x, k, ja=True)
                srcd = rng.choice(JA_SOURCES)
                emit("https://%s/articles/%s-c%d" % (srcd, x["id"].split("/")[1], k), srcd, title, t2,
                     x["date"], "ja", x["id"], "copy", x["id"], st, log,
                     round(C.jaccard(base_sh, C.shingles(t2)), 4))

    # --- same-event coverage from different outlets (giveme5w1h): distinct stories ---
    gm = [x for x in C.read_giveme() if x["text"].strip()]
    for x in gm:
        emit(x["url"], x["source"], x["title"], x["text"], x["date"], "en", "gm:" + x["url"],
             "same-event", "event:%s" % x["event"])
    # giveme articles that share most of their text (an agency wire or a press release run by
    # several outlets, or an extracted body that is only the site's boilerplate) are labelled
    # as one story: true 4-shingle Jaccard >= 0.4; the rest of the same-event coverage is
    # written independently and must stay apart
    gsh = [C.shingles(x["text"]) for x in gm]
    merged, borderline = [], []
    for i in range(len(gm)):
        for j in range(i + 1, len(gm)):
            jac = C.jaccard(gsh[i], gsh[j])
            if jac >= 0.4:
                merged.append((gm[i]["url"], gm[j]["url"], round(jac, 3)))
            elif jac >= 0.2:
                borderline.append((gm[i]["url"], gm[j]["url"], round(jac, 3)))
    gid = {t["url"]: t["group"] for t in truth}
    for u, v, _ in merged:  # union (small)
        gu, gv = gid[u], gid[v]
        for t in truth:
            if t["group"] == gv:
                t["group"] = gu
        gid = {t["url"]: t["group"] for t in truth}

    order = list(range(len(rows)))
    rng.shuffle(order)
    with open(os.path.join(a.out, "articles.jsonl"), "w", encoding="utf-8") as f:
        for i in order:
            f.write(json.dumps(rows[i], ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    roles = Counter(t["role"] for t in truth)
    info = {"seed": a.seed, "articles": len(rows), "roles": dict(roles),
            "english_bases": len(chosen), "english_copied": len(copied),
            "japanese_bases": len(ja_chosen), "japanese_copied": len(ja_copied),
            "bases_dropped": dict(dropped), "giveme_pairs_labelled_same_story": merged,
            "giveme_pairs_0.2_to_0.4_kept_apart": borderline,
            "strengths": dict(Counter(t["strength"] for t in truth if t["role"] == "copy"))}
    with open(os.path.join(a.out, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
