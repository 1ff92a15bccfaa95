#!/usr/bin/env python3
"""The BBC entity dev set (data/dev/bbc-entities.tsv): builds its three test folders from
../shared and scores corpus-ls (or, imported by spacy_baseline.py, spaCy) on them.

usage: bbc_dev.py OUT_DIR [--bin PATH] [--bbc PATH] [--set tune|heldout] [--errors]

--set picks the part: `tune` (data/dev/bbc-entities.tsv, the default: errors are looked at and
fixed) or `heldout` (data/dev/bbc-entities-heldout.tsv: only scored, never tuned on).
--errors prints, per folder, the gold spans missed and the spans found wrongly (exact match).

Writes, outside the repo, for every annotated article:
  OUT_DIR/cased/CAT-NNN.txt          the article as it is
  OUT_DIR/lower/CAT-NNN.txt          its lowercase dump, made like the dump seed (gen_corpus.py)
  OUT_DIR/mixed/                     both of the above side by side (scored on the dumps only)
each with CAT-NNN.gold.jsonl beside it ({"start", "end", "type"} in bytes of that file), then runs
`corpus-ls spans --root FOLDER --format json` on each folder and prints exact-span and overlap
F1 per type.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from gen_corpus import lowercase_dump_mapped

TYPES = ("PER", "ORG", "LOC", "MISC")
CORE = ("PER", "ORG", "LOC")
HERE = Path(__file__).resolve().parent


def read_gold(tsv):
    gold = {}
    for line in Path(tsv).read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f, start, end, ty = line.split("\t")
        gold.setdefault(f, []).append((int(start), int(end), ty))
    return gold


def char_of_byte(text):
    """Maps each byte offset that starts a character (and the end) to its character index."""
    out, b = {}, 0
    for i, c in enumerate(text):
        out[b] = i
        b += len(c.encode())
    out[b] = len(text)
    return out


def byte_of_char(text):
    out, b = [], 0
    for c in text:
        out.append(b)
        b += len(c.encode())
    out.append(b)
    return out


def lower_spans(text, spans):
    """The gold spans of `text` carried into its dump: the dump characters whose source lies
    inside the span, without edge spaces (`Nestle's` -> `nestle`)."""
    dump, origin = lowercase_dump_mapped(text)
    c_of_b, b_of_c = char_of_byte(text), byte_of_char(dump)
    out = []
    for start, end, ty in spans:
        cs, ce = c_of_b[start], c_of_b[end]
        inside = [k for k, o in enumerate(origin) if cs <= o < ce]
        if not inside:
            continue
        a, z = inside[0], inside[-1] + 1
        while a < z and dump[a] == " ":
            a += 1
        while z > a and dump[z - 1] == " ":
            z -= 1
        out.append((b_of_c[a], b_of_c[z], ty))
    return dump, out


def write_doc(folder, name, text, spans):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with open(folder / f"{name}.gold.jsonl", "w") as g:
        for s, e, t in spans:
            g.write(json.dumps({"start": s, "end": e, "type": t}) + "\n")


def build(out, bbc, tsv):
    """Writes the three folders; returns {folder: [names scored there]}."""
    scored = {"cased": [], "lower": [], "mixed": []}
    for f, spans in sorted(read_gold(tsv).items()):
        text = (Path(bbc) / f).read_text(encoding="utf-8")
        name = f.replace("/", "-").removesuffix(".txt")
        dump, lspans = lower_spans(text, spans)
        write_doc(out / "cased", name, text, spans)
        write_doc(out / "lower", name, dump, lspans)
        write_doc(out / "mixed", name, text, spans)
        write_doc(out / "mixed", name + "-lower", dump, lspans)
        scored["cased"].append(name)
        scored["lower"].append(name)
        scored["mixed"].append(name + "-lower")
    return scored


def load_gold(folder, name):
    lines = (folder / f"{name}.gold.jsonl").read_text().splitlines()
    return [(g["start"], g["end"], g["type"]) for g in map(json.loads, lines) if g]


class Scores:
    """Exact-span and overlap counts per type. Overlap: a found span counts as right when it
    overlaps a gold span of its type, a gold span as found when a found span of its type
    overlaps it."""

    def __init__(self):
        self.c = {t: {"exact": 0, "pred": 0, "gold": 0, "op": 0, "og": 0} for t in TYPES}

    def add(self, pred, gold):
        pred, gold = set(pred), set(gold)
        for t in TYPES:
            p = [x for x in pred if x[2] == t]
            g = [x for x in gold if x[2] == t]
            c = self.c[t]
            c["exact"] += len(set(p) & set(g))
            c["pred"] += len(p)
            c["gold"] += len(g)
            c["op"] += sum(any(a < e and s < b for s, e, _ in g) for a, b, _ in p)
            c["og"] += sum(any(a < e and s < b for a, b, _ in p) for s, e, _ in g)

    @staticmethod
    def f1(right_p, n_p, right_g, n_g):
        p = right_p / n_p if n_p else 0.0
        r = right_g / n_g if n_g else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label):
        cells = []
        for types in [(t,) for t in TYPES] + [CORE]:
            s = {k: sum(self.c[t][k] for t in types) for k in self.c["PER"]}
            exact = self.f1(s["exact"], s["pred"], s["exact"], s["gold"])
            over = self.f1(s["op"], s["pred"], s["og"], s["gold"])
            cells.append(f"{exact:.3f} / {over:.3f}")
        core = {k: sum(self.c[t][k] for t in CORE) for k in self.c["PER"]}
        return (f"| {label} | " + " | ".join(cells)
                + f" | {core['gold']} gold, {core['pred']} found |")


HEADER = ("| | PER | ORG | LOC | MISC | **PER/ORG/LOC** | PER/ORG/LOC spans |\n"
          "|---|---|---|---|---|---|---|")


def error_lines(folder, name, pred, gold):
    """`miss` for a gold span not found exactly (with what was found over it), `false` for a
    found span that is no gold span."""
    text = (folder / f"{name}.txt").read_bytes()
    show = lambda s, e: text[s:e].decode("utf-8", "replace")
    pred, gold = set(pred), set(gold)
    out = []
    for s, e, t in sorted(gold - pred):
        over = [f"{show(a, b)}/{u}" for a, b, u in sorted(pred) if a < e and s < b]
        out.append(f"miss\t{name}\t{t}\t{show(s, e)}\t{' '.join(over) or '-'}")
    for s, e, t in sorted(pred - gold):
        over = [f"{show(a, b)}/{u}" for a, b, u in sorted(gold) if a < e and s < b]
        out.append(f"false\t{name}\t{t}\t{show(s, e)}\t{' '.join(over) or '-'}")
    return out


def corpus_ls_spans(binary, folder, names):
    files = [str(folder / f"{n}.txt") for n in names]
    out = subprocess.run([binary, "spans", *files, "--root", str(folder), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    found = {n: [] for n in names}
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("kind") == "entity":
            found[Path(o["file"]).stem].append((o["start_byte"], o["end_byte"], o["type"]))
    return found


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out = Path(args[0])
    opt = lambda k, d: args[args.index(k) + 1] if k in args else d
    bbc = Path(opt("--bbc", HERE / ".." / ".." / "shared" / "corpora" / "bbc-news"))
    binary = opt("--bin", str(HERE / ".." / "target" / "release" / "corpus-ls"))
    if not bbc.is_dir():
        print(f"skipped: BBC corpus not found at {bbc}", file=sys.stderr)
        sys.exit(0)
    part = opt("--set", "tune")
    tsv = {"tune": "bbc-entities.tsv", "heldout": "bbc-entities-heldout.tsv"}.get(part)
    if tsv is None:
        print(f"unknown --set {part}: tune or heldout", file=sys.stderr)
        sys.exit(2)
    scored = build(out, bbc, HERE / ".." / "data" / "dev" / tsv)
    print(f"{len(scored['cased'])} articles; exact-span F1 / overlap F1\n\n{HEADER}")
    labels = {"cased": "cased", "mixed": "lowercase, cased copies in the corpus",
              "lower": "lowercase alone"}
    for folder in ("cased", "mixed", "lower"):
        names = scored[folder]
        found = corpus_ls_spans(binary, out / folder, names)
        s = Scores()
        errors = []
        for n in names:
            gold = load_gold(out / folder, n)
            s.add(found[n], gold)
            errors += error_lines(out / folder, n, found[n], gold)
        print(s.line(f"corpus-ls, {labels[folder]}"))
        if "--errors" in args:
            print("\n".join(errors), file=sys.stderr)


if __name__ == "__main__":
    main()
