#!/usr/bin/env bash
# One command for the corpus benchmarks of BENCHMARKS.md: generates corpora of several sizes from
# the BBC corpus (scripts/gen_corpus.py, under /tmp), runs the macro benchmark on each
# (examples/bench_corpus.rs: cold index, peak RSS, edits, check) and the Python word-split floor,
# and writes a CSV and a PNG plot of time and memory against corpus size.
#
#   scripts/bench.sh [SIZE...]          default sizes: 2200 10000 22000 50000 100000
#
# Environment: OUT (default /tmp/corpus-ls-bench) holds corpora, CSV and PNG;
# CHECK_MAX (default 22000) runs `check` only up to that many files; EDITS (default 5).
# Nothing is written into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${OUT:-/tmp/corpus-ls-bench}"
check_max="${CHECK_MAX:-22000}"
edits="${EDITS:-5}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(2200 10000 22000 50000 100000)
bbc="$repo/../shared/corpora/bbc-news"
if [ ! -d "$bbc" ]; then
    echo "skipping: the BBC corpus is not at $bbc"
    exit 0
fi
mkdir -p "$out"
(cd "$repo" && cargo build --release --example bench_corpus)
target="${CARGO_TARGET_DIR:-$repo/target}"
bench="$target/release/examples/bench_corpus"

csv="$out/bench.csv"
echo "files,bytes,load_s,load_cpu_s,mb_per_s,peak_rss_bytes,rss_per_corpus_byte,registry_rebuild_ms,edit_note_append_ms,edit_note_new_name_ms,check_s,load_and_check_s,keystroke_note_ms,wordsplit_s" >"$csv"
for n in "${sizes[@]}"; do
    dir="$out/c$n"
    if [ ! -f "$dir/.done" ]; then
        rm -rf "$dir"
        python3 "$here/gen_corpus.py" "$n" "$dir" --bbc "$bbc"
        touch "$dir/.done"
    fi
    check_flag=()
    [ "$n" -gt "$check_max" ] && check_flag=(--no-check)
    echo "== $n articles"
    "$bench" "$dir" --edits "$edits" --json "${check_flag[@]}" | tee "$out/bench-$n.txt"
    split=$(python3 "$here/wordsplit_baseline.py" "$dir")
    echo "word split floor: $split" | tee -a "$out/bench-$n.txt"
    split_s=$(echo "$split" | sed -E 's/.* in ([0-9.]+) s .*/\1/')
    grep '^{' "$out/bench-$n.txt" | tail -n 1 | python3 -c '
import json, sys
o = json.load(sys.stdin)
keys = ["files", "bytes", "load_s", "load_cpu_s", "mb_per_s", "peak_rss_bytes", "rss_per_corpus_byte",
        "registry_rebuild_ms", "edit_note_append_ms", "edit_note_new_name_ms", "check_s",
        "load_and_check_s", "keystroke_note_ms"]
print(",".join("" if o.get(k) is None else str(o[k]) for k in keys) + "," + sys.argv[1])
' "$split_s" >>"$csv"
done
echo "wrote $csv"

# The plot: matplotlib from a venv under /tmp (installed once from PyPI).
venv="${PLOT_VENV:-/tmp/corpus-ls-plot-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import matplotlib" 2>/dev/null || "$venv/bin/pip" install --quiet matplotlib
"$venv/bin/python" - "$csv" "$out/bench.png" <<'EOF'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
mb = [int(r["bytes"]) / 1e6 for r in rows]
fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
a.plot(mb, [float(r["load_s"]) for r in rows], "o-", label="cold index (wall)")
a.plot(mb, [float(r["load_cpu_s"]) for r in rows], "o--", label="cold index (CPU, all threads)")
a.plot(mb, [float(r["wordsplit_s"]) for r in rows], "s-", label="Python word split (floor)")
chk = [(m, float(r["load_and_check_s"])) for m, r in zip(mb, rows) if r["load_and_check_s"]]
if chk:
    a.plot(*zip(*chk), "^-", label="load + check (wall)")
a.set_xlabel("corpus MB"); a.set_ylabel("seconds"); a.set_title("time"); a.legend(); a.grid(alpha=.3)
b.plot(mb, [int(r["peak_rss_bytes"]) / 1e6 for r in rows], "o-", label="peak RSS")
b.plot(mb, [3 * m for m in mb], ":", label="3x corpus bytes (budget)")
b.set_xlabel("corpus MB"); b.set_ylabel("MB"); b.set_title("memory"); b.legend(); b.grid(alpha=.3)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
print("wrote", sys.argv[2])
EOF
