#!/usr/bin/env bash
# strace for the tests that prove which files are opened (tests/reliability_*files.rs); they
# skip with a printed reason without it.
set -euo pipefail
if ! command -v strace >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq strace >/dev/null
fi
