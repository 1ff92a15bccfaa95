#!/usr/bin/env bash
# Installs the real editors the editor tests drive (tests/editors_*.rs) on Debian/Ubuntu:
# Neovim, and Emacs with Eglot and markdown-mode (Debian 12: Emacs 28.2, Eglot 1.9).
set -euo pipefail
want=()
command -v nvim >/dev/null || want+=(neovim)
command -v emacs >/dev/null || want+=(emacs-nox elpa-eglot elpa-markdown-mode)
[ ${#want[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "no apt-get: install ${want[*]} by hand; the editor tests skip without them" >&2; exit 0; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
