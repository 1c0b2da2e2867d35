#!/usr/bin/env bash
# Builds containerd 2 (containerd, its runc shim and ctr) from the Go module proxy into the cache, for
# the test node (scripts/testenv/node.ts). Why not Debian's containerd: Debian 12 ships 1.6.20, and the
# kubelet from Kubernetes 1.37 on requires a CRI runtime that reports its cgroup driver (the CRI
# RuntimeConfig call, containerd >= 2.0); the kubelet no longer falls back to its own cgroupDriver.
# runc and the CNI plugins still come from Debian (scripts/testenv/install-node-packages.sh).
# Prints the folder holding the binaries on its last line of stdout; everything else goes to stderr.
set -euo pipefail

CONTAINERD_VERSION="${CONTAINERD_VERSION:-v2.3.7}"
CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
BIN_DIR="$CACHE_ROOT/bin/containerd-$CONTAINERD_VERSION"
WORK="$CACHE_ROOT/build/containerd-$CONTAINERD_VERSION"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf '[build-containerd] %s\n' "$*" >&2; }

command -v go >/dev/null || { echo "building containerd needs Go (https://go.dev/dl); none on PATH" >&2; exit 1; }
mkdir -p "$BIN_DIR"
exec 8>"$BIN_DIR/.build.lock"
command -v flock >/dev/null && flock 8 # a concurrent setup may be building the same binaries

# Without cgo: no btrfs/devmapper/zfs snapshotters (the node uses overlayfs) and no seccomp helper
# (runc applies seccomp itself).
tags="no_btrfs no_devmapper no_zfs"
for name in containerd containerd-shim-runc-v2 ctr; do
  [ -x "$BIN_DIR/$name" ] && continue
  if [ ! -f "$WORK/go.mod" ]; then
    mkdir -p "$WORK"
    printf 'module restpath.dev/testenv-containerd\n\ngo 1.24\n\nrequire github.com/containerd/containerd/v2 %s\n' "$CONTAINERD_VERSION" >"$WORK/go.mod"
  fi
  log "building $name $CONTAINERD_VERSION (github.com/containerd/containerd/v2/cmd/$name) - the first build takes a minute or two"
  if ! (cd "$WORK" && go build -trimpath -tags "$tags" \
      -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION" \
      -o "$BIN_DIR/$name.tmp" "github.com/containerd/containerd/v2/cmd/$name") >"$WORK/build-$name.log" 2>&1; then
    echo "building $name failed: $(tail -n 25 "$WORK/build-$name.log")" >&2
    exit 1
  fi
  mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
done
log "containerd $CONTAINERD_VERSION ready in $BIN_DIR"
echo "$BIN_DIR"
