#!/usr/bin/env bash
# Builds the kstatus CLI the tests use (test/kstatus: sigs.k8s.io/cli-utils' status.Compute, the
# readiness rules kpt, Flux and `cli-utils apply --wait` use) from the Go module proxy, into the same
# cache as build-control-plane.sh. Re-running is cheap: the binary is built only when it is missing
# (the cache folder is named after the cli-utils version; bump CLI_UTILS_VERSION with test/kstatus/go.mod).
#
# Prints the binary's path on its last line of stdout. Everything else goes to stderr.
set -euo pipefail

CLI_UTILS_VERSION="v0.37.2"
CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
BIN_DIR="$CACHE_ROOT/bin/kstatus-cli-utils-$CLI_UTILS_VERSION"
BIN="$BIN_DIR/kstatus"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../test/kstatus" && pwd)"

# Same Go settings as build-control-plane.sh. go.sum is committed, so the module hashes are checked
# against it; new ones are looked up in sum.golang.org through the module proxy
# (proxy.golang.org/sumdb/...), which works where sum.golang.org itself is unreachable.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf '[build-kstatus] %s\n' "$*" >&2; }

if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "building kstatus needs Go (https://go.dev/dl); none on PATH" >&2; exit 1; }
  grep -q "sigs.k8s.io/cli-utils $CLI_UTILS_VERSION" "$SRC/go.mod" ||
    { echo "test/kstatus/go.mod does not require sigs.k8s.io/cli-utils $CLI_UTILS_VERSION; update build-kstatus.sh with it" >&2; exit 1; }
  mkdir -p "$BIN_DIR" "$CACHE_ROOT/build"
  logf="$CACHE_ROOT/build/build-kstatus.log"
  log "building kstatus (sigs.k8s.io/cli-utils $CLI_UTILS_VERSION pkg/kstatus/status) from $SRC"
  if ! (cd "$SRC" && go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" .) >"$logf" 2>&1; then
    rm -f "$BIN.tmp"
    echo "building kstatus failed: $(tail -n 25 "$logf")" >&2
    exit 1
  fi
  mv "$BIN.tmp" "$BIN"
fi

log "kstatus ready: $BIN"
echo "$BIN"
