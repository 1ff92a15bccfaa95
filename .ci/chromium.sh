#!/usr/bin/env bash
# Headless Chromium for tests/report_chromium.rs (the report page opened, screenshotted and its
# console read); the test skips with a printed reason without it.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
chromium --version
