#!/usr/bin/env python3
"""Score the figure checks on the issue-17 dev set: our own notes (tests/fixtures/figs-dev) with
planted errors and correct restatements, checked against BBC articles numbered 050-087, once with
the articles cased and once as lowercase punctuation-stripped dumps (made by gen_corpus.py's
`lowercase_dump`, the way the dump seed looks). Prints recall and precision per error class.

A planted error is caught when a warning covers its figure on its line; a warning is right when
it covers a planted error. A warning on anything else is false, filed under the class of the
restatement it hits (or `unlabelled`).

usage: score_figs_dev.py [--bin PATH] [--bbc PATH] [--verbose] [--parts] [--gate RECALL PRECISION]
With --parts, also scores the tuned part and the held-out part (cases marked `[held-out]`)
apart. With --gate, exits 1 when a format's recall or precision on the whole set is below the
given values.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_corpus import lowercase_dump  # noqa: E402

ROOT = os.path.join(HERE, "..")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "figs-dev")
CLASSES = ["measure", "time", "relative", "unit", "subject"]


def arg(flag, default):
    a = sys.argv[1:]
    return a[a.index(flag) + 1] if flag in a else default


def rows(name):
    with open(os.path.join(FIXTURE, name), encoding="utf-8") as fh:
        return [l.rstrip("\n") for l in fh if l.strip() and not l.startswith("#")]


def labels():
    out = []
    for l in rows("labels.txt"):
        loc, label, cls, text = l.split(" ", 3)
        file, line = loc.rsplit(":", 1)
        out.append({"file": file, "line": int(line), "label": label, "cls": cls, "text": text})
    return out


def line_spans(text):
    """Byte range of each 1-based line."""
    spans, at = {}, 0
    for i, l in enumerate(text.encode("utf-8").split(b"\n"), 1):
        spans[i] = (at, at + len(l))
        at += len(l) + 1
    return spans


def locate(label, note_bytes, spans):
    """Byte ranges of a label's texts (alternatives split at `|`) on its line."""
    s, e = spans[label["line"]]
    out = []
    for t in label["text"].split("|"):
        k = note_bytes[s:e].find(t.encode("utf-8"))
        if k < 0:
            sys.exit(f"label text `{t}` not on {label['file']}:{label['line']}")
        out.append((s + k, s + k + len(t.encode("utf-8"))))
    return out


def run_case(binary, bbc, case, articles, lower, work):
    d = os.path.join(work, ("lower" if lower else "cased"), case)
    os.makedirs(os.path.join(d, "notes"))
    for a in articles:
        with open(os.path.join(bbc, a + ".txt"), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        if lower:
            text = lowercase_dump(text)
        with open(os.path.join(d, a.replace("/", "-") + ".txt"), "w", encoding="utf-8") as fh:
            fh.write(text)
    note = f"notes/{case}.md"
    with open(os.path.join(FIXTURE, note), encoding="utf-8") as fh:
        note_text = fh.read()
    with open(os.path.join(d, note), "w", encoding="utf-8") as fh:
        fh.write(note_text)
    out = subprocess.run([binary, "check", "--format", "json", "--fail-on", "never", d],
                         capture_output=True, text=True, check=True)
    findings = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    mine = [f for f in findings if f["file"] == note]
    warnings = [f for f in mine if f["severity"] in ("warning", "error")]
    return note, note_text, warnings, [f for f in mine if f not in warnings]


def cases():
    """(name, articles, part): a case marked `[held-out]` is in the part nobody tunes on."""
    out = []
    for c in rows("cases.txt"):
        head, arts = c.split(":", 1)
        part = "held-out" if "[held-out]" in head else "tuned"
        out.append((head.replace("[held-out]", "").strip(), arts.split(), part))
    return out


def score(binary, bbc, lower, verbose, part):
    chosen = [(n, a) for n, a, p in cases() if part in (None, p)]
    labs = labels()
    caught = {c: [0, 0] for c in CLASSES}  # class -> [caught, planted]
    false = {c: 0 for c in CLASSES + ["unlabelled"]}
    right = {c: 0 for c in CLASSES}
    with tempfile.TemporaryDirectory() as work:
        for case, articles in chosen:
            note, text, warnings, lesser = run_case(binary, bbc, case, articles, lower, work)
            spans = line_spans(text)
            mine = [l for l in labs if l["file"] == note]
            for l in mine:
                l["at"] = locate(l, text.encode("utf-8"), spans)
            def covers(w, l):
                return any(w["start_byte"] < e and s < w["end_byte"] for s, e in l["at"])
            for l in (l for l in mine if l["label"] == "error"):
                hit = any(covers(w, l) for w in warnings)
                caught[l["cls"]][0] += hit
                caught[l["cls"]][1] += 1
                if verbose and not hit:
                    print(f"  missed {l['cls']}: {note}:{l['line']} `{l['text']}`")
                    for h in (h for h in lesser if covers(h, l)):
                        print(f"    {h['code']}: {h['message']}")
            for w in warnings:
                err = next((l for l in mine if l["label"] == "error" and covers(w, l)), None)
                if err:
                    right[err["cls"]] += 1
                    continue
                ok = next((l for l in mine if covers(w, l)), None)
                false[ok["cls"] if ok else "unlabelled"] += 1
                if verbose:
                    line = text[:w["start_byte"]].count("\n") + 1
                    print(f"  false warning ({ok['cls'] if ok else 'unlabelled'}): {note}:{line} "
                          f"`{text.encode()[w['start_byte']:w['end_byte']].decode()}`: {w['message']}")
    return caught, right, false


def ratio(a, b):
    return a / b if b else 1.0


def main():
    binary = arg("--bin", os.path.join(ROOT, "target", "release", "corpus-ls"))
    bbc = arg("--bbc", os.path.join(ROOT, "..", "shared", "corpora", "bbc-news"))
    if not os.path.isdir(bbc):
        print(f"skipped: BBC corpus not found at {bbc}", file=sys.stderr)
        return 0
    verbose = "--verbose" in sys.argv
    failed = False
    parts = [None, "tuned", "held-out"] if "--parts" in sys.argv else [None]
    for lower, part in ((lo, p) for lo in (False, True) for p in parts):
        fmt = "lowercase dumps" if lower else "cased articles"
        print(f"\n{fmt}, {part or 'whole set'}\n")
        caught, right, false = score(binary, bbc, lower, verbose and part is None, part)
        print("| class | planted | caught | recall | right warnings | false warnings | precision |")
        print("|---|---|---|---|---|---|---|")
        for c in CLASSES:
            k, n = caught[c]
            print(f"| {c} | {n} | {k} | {ratio(k, n):.2f} | {right[c]} | {false[c]} | "
                  f"{ratio(right[c], right[c] + false[c]):.2f} |")
        k = sum(v[0] for v in caught.values())
        n = sum(v[1] for v in caught.values())
        r, f = sum(right.values()), sum(false.values())
        print(f"| unlabelled | | | | | {false['unlabelled']} | |")
        print(f"| **all** | {n} | {k} | {ratio(k, n):.2f} | {r} | {f} | {ratio(r, r + f):.2f} |")
        if "--gate" in sys.argv:
            i = sys.argv.index("--gate")
            min_r, min_p = float(sys.argv[i + 1]), float(sys.argv[i + 2])
            if part is None and (ratio(k, n) < min_r or ratio(r, r + f) < min_p):
                print(f"below the gate ({min_r}, {min_p}) on {fmt}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
