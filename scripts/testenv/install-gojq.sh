#!/usr/bin/env bash
# gojq from Debian's archive, for the test of the ignoreDifferences advice (deploy/argocd/
# ignore-differences.yaml): Argo CD runs jqPathExpressions with gojq (del(<expression>)), whose
# path-expression rules differ from C jq's in corner cases, so the test runs the same implementation.
# Skipped when gojq is present; otherwise apt-get update + install (as root, or through sudo).
set -euo pipefail
command -v gojq >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-gojq: gojq missing and no apt-get here: install gojq with your package manager (or go install github.com/itchyny/gojq/cmd/gojq@latest)" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-gojq] installing gojq (Debian package)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 gojq >/dev/null
