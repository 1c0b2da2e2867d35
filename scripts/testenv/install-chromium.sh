#!/usr/bin/env bash
# Chromium from Debian's archive, for the browser CORS tests (test/support/browser.ts): the tests
# must read what a real browser does with the stage's CORS headers, and playwright-core only drives a
# browser, it brings none, so the browser is Debian's `chromium` (playwright's own browser download
# would need a host outside the package registries).
# Skipped when chromium is present; otherwise apt-get update + install (as root, or through sudo).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-chromium: chromium missing and no apt-get here: install Chromium with your package manager (the binary must be named chromium, or set CHROMIUM_PATH)" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-chromium] installing chromium (Debian package)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 chromium >/dev/null
