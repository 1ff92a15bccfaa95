#!/usr/bin/env python3
"""Generate a large benchmark corpus from the BBC news corpus (read from ../shared, written
outside the repo). A fifth of the articles become lowercase punctuation-stripped dumps, a fifth
Markdown with front matter, the rest cased plain text; one in fifty files is a note that restates
a few sentences of an article. Deterministic for a given N.

usage: gen_corpus.py N OUT_DIR [--bbc PATH]
"""
import os
import re
import sys

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def bbc_articles(root):
    out = []
    for cat in sorted(os.listdir(root)):
        d = os.path.join(root, cat)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".txt"):
                with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                    out.append((cat, fh.read()))
    return out


def lowercase_dump(text):
    return lowercase_dump_mapped(text)[0]


def lowercase_dump_mapped(text):
    """The dump of `text` and, for each of its characters, the index of the character of `text`
    it comes from (so gold spans can follow the text into the dump)."""
    # Every step but the last keeps one character per character, so the map stays aligned.
    src = [i for i, c in enumerate(text) for _ in c.lower()]
    t = text.lower().replace("'s ", " s ").replace("$", " ").replace("£", " ")
    t = re.sub(r"[^\w\s]", " ", t)
    out, origin = [], []
    for c, i in zip(t, src):
        if c.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(i)
            continue
        out.append(c)
        origin.append(i)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out) + "\n", origin


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    n, out = int(args[0]), args[1]
    here = os.path.dirname(os.path.abspath(__file__))
    bbc = os.path.join(here, "..", "..", "shared", "corpora", "bbc-news")
    if "--bbc" in args:
        bbc = args[args.index("--bbc") + 1]
    if not os.path.isdir(bbc):
        print(f"skipped: BBC corpus not found at {bbc}", file=sys.stderr)
        sys.exit(0)
    arts = bbc_articles(bbc)
    total = 0
    for i in range(n):
        cat, text = arts[i % len(arts)]
        lines = text.split("\n")
        headline, body = lines[0].strip(), "\n".join(lines[1:]).strip()
        y, m, d = 2004 + (i % 3), 1 + (i * 7) % 12, 1 + (i * 11) % 28
        date = f"{MONTHS[m - 1]} {d}, {y}"
        sub = os.path.join(out, cat, f"{i // 1000:03d}")
        os.makedirs(sub, exist_ok=True)
        if i % 50 == 49:
            os.makedirs(os.path.join(out, "notes"), exist_ok=True)
            sents = re.split(r"(?<=[.!?])\s+", body)
            picked = [s for s in sents if re.search(r"\d", s)][:3] or sents[:2]
            path = os.path.join(out, "notes", f"note-{i:06d}.md")
            content = "---\nkind: note\n---\n# Notes on " + headline + "\n\n" + "\n\n".join("- " + s for s in picked) + "\n"
        elif i % 5 == 0:
            path = os.path.join(sub, f"{i:06d}.txt")
            content = lowercase_dump(headline + " " + body)
        elif i % 5 == 1:
            path = os.path.join(sub, f"{i:06d}.md")
            content = f"---\ntitle: {headline}\ndate: {y}-{m:02d}-{d:02d}\n---\n\n## {headline}\n\n{date}\n\n{body}\n"
        else:
            path = os.path.join(sub, f"{i:06d}.txt")
            content = f"{headline}\n\nBy Staff Reporter\n\n{date}\n\n{body}\n"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
        total += len(content.encode("utf-8"))
    print(f"{n} files, {total} bytes in {out}")


if __name__ == "__main__":
    main()
