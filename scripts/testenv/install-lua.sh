#!/usr/bin/env bash
# Lua 5.1 from Debian's archive, for the Argo CD health checks' tests (deploy/argocd/health/*.lua):
# Argo CD runs them in gopher-lua, which implements Lua 5.1, so the tests run Debian's lua5.1, the
# reference interpreter of that version, rather than a newer Lua that would accept 5.2+ syntax.
# Skipped when lua5.1 is present; otherwise apt-get update + install (as root, or through sudo).
set -euo pipefail
command -v lua5.1 >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-lua: lua5.1 missing and no apt-get here: install Lua 5.1 with your package manager (the binary must be named lua5.1)" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-lua] installing lua5.1 (Debian package)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 lua5.1 >/dev/null
