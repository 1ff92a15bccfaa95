"""Reads corpus-ls exports back through the real libraries; prints one JSON object.

Run by tests/export_cli.rs with the venv of .ci/python-env:
  roundtrip.py jsonl FILE.jsonl OUT_DIR      spaCy: Doc.char_span, DocBin to disk and back
  roundtrip.py conll FILE.conll OUT_DIR      spaCy's `convert --converter ner`; conllu + seqeval
  roundtrip.py label-studio FILE.json CONFIG.xml   label-studio-sdk: the config and each prediction
                                             validated; offsets against the task text (chars)
  roundtrip.py web-annotation FILE.jsonld ROOT   selectors against the files' text
"""
import json
import subprocess
import sys
from pathlib import Path


def jsonl(path, out_dir):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs, report = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        doc = nlp.make_doc(task["text"])
        ents, strict = [], 0
        for s in task["spans"]:
            span = doc.char_span(s["start"], s["end"], label=s["label"])
            if span is not None:
                strict += 1
            else:
                span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
            ents.append(span)
        doc.ents = ents  # raises on overlapping spans
        docs.append(doc)
        report.append({"file": task["meta"]["file"], "spans": len(task["spans"]), "strict": strict})
    out = Path(out_dir) / "export.spacy"
    DocBin(docs=docs).to_disk(out)
    back = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    for r, doc in zip(report, back):
        r["ents"] = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
    return {"docs": report, "spacy_file_bytes": out.stat().st_size}


def conll(path, out_dir):
    import conllu
    import spacy
    from seqeval.metrics.sequence_labeling import get_entities
    from spacy.tokens import DocBin

    data = Path(path).read_text(encoding="utf-8")
    # CoNLL-2003 separates columns by one space, conllu wants tabs; tokens hold no spaces.
    tabbed = "\n".join(line.replace(" ", "\t") for line in data.split("\n"))
    sentences = conllu.parse(tabbed, fields=("form", "pos", "chunk", "ner"))
    words, tags = [], []
    for s in sentences:
        if s[0]["form"] == "-DOCSTART-":
            continue
        words.append([t["form"] for t in s])
        tags.append([t["ner"] for t in s])
    found = []
    for w, t in zip(words, tags):
        found += [[label, " ".join(w[a : b + 1])] for label, a, b in get_entities(t)]
    subprocess.run(
        [sys.executable, "-m", "spacy", "convert", path, out_dir, "--converter", "ner", "--file-type", "spacy"],
        check=True,
        capture_output=True,
    )
    nlp = spacy.blank("en")
    spacy_file = next(Path(out_dir).glob("*.spacy"))
    by_spacy = []
    for doc in DocBin().from_disk(spacy_file).get_docs(nlp.vocab):
        by_spacy += [[e.label_, e.text] for e in doc.ents]
    return {"sentences": len(words), "seqeval": found, "spacy": by_spacy}


def label_studio(path, config_path):
    from label_studio_sdk import __version__ as sdk_version
    from label_studio_sdk.label_interface import LabelInterface

    tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    # Label Studio's own reading of the labelling config and of each prediction against it
    # (LabelInterface.validate_task of SDK 2.1 calls validate_prediction without its argument,
    # so the predictions are validated one by one, and the data keys against the config's).
    li = LabelInterface(Path(config_path).read_text(encoding="utf-8"))
    keys = [o.value.lstrip("$") for o in li.objects]
    bad, sdk_errors, n = [], [], 0
    for t in tasks:
        text = t["data"]["text"]
        sdk_errors += [f"missing data key {k}" for k in keys if k not in t["data"]]
        for p in t["predictions"]:
            sdk_errors += li.validate_prediction(p, return_errors=True)
        for r in t["predictions"][0]["result"]:
            v = r["value"]
            n += 1
            if text[v["start"] : v["end"]] != v["text"]:
                bad.append(v)
    # A planted bad label must be refused, or the check above proves nothing.
    planted = json.loads(json.dumps(tasks[0]["predictions"][0]))
    planted["result"][0]["value"]["labels"] = ["NO-SUCH-LABEL"]
    refused = bool(li.validate_prediction(planted, return_errors=True))
    return {
        "tasks": len(tasks),
        "regions": n,
        "bad": bad,
        "sdk": sdk_version,
        "sdk_errors": sdk_errors,
        "sdk_refuses_bad_label": refused,
    }


def web_annotation(path, root):
    coll = json.loads(Path(path).read_text(encoding="utf-8"))
    items = coll["first"]["items"]
    bad, n = [], 0

    def check(res):
        nonlocal n
        rel = res["source"].split("/", 3)[3]  # after file:///
        text = (Path("/") / rel).read_text(encoding="utf-8")
        pos, quote = res["selector"]
        n += 1
        exact = text[pos["start"] : pos["end"]]
        before = text[: pos["start"]]
        after = text[pos["end"] :]
        if exact != quote["exact"] or not before.endswith(quote["prefix"]) or not after.startswith(quote["suffix"]):
            bad.append(res)

    for a in items:
        check(a["target"])
        for b in a["body"]:
            if b["type"] == "SpecificResource":
                check(b)
    return {"annotations": len(items), "resources": n, "bad": bad, "total": coll["total"]}


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "jsonl":
        out = jsonl(path, sys.argv[3])
    elif mode == "conll":
        out = conll(path, sys.argv[3])
    elif mode == "label-studio":
        out = label_studio(path, sys.argv[3])
    else:
        out = web_annotation(path, sys.argv[3])
    print(json.dumps(out))


main()
