#!/usr/bin/env bash
# Builds the real Helm CLI (helm.sh/helm/v3/cmd/helm) from the Go module proxy into the cache, for the
# chart's tests (test/support/helm.ts: helm lint, template, install, upgrade, uninstall). Helm has no
# Debian package new enough and its release downloads are not reachable here; the module proxy is.
# Re-running is cheap: the binary is built only when missing (the folder is named after the version).
# Prints the folder holding the binary on its last line of stdout; everything else goes to stderr.
set -euo pipefail

# The newest v3.22.x the proxy serves (curl -s https://proxy.golang.org/helm.sh/helm/v3/@v/list).
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
BIN_DIR="$CACHE_ROOT/bin/helm-$HELM_VERSION"
WORK="$CACHE_ROOT/build/helm-$HELM_VERSION"
# helm v3.22 needs Go 1.26 (its go.mod), newer than the Go 1.23 the rest of the build needs. With an
# older go on PATH, GOTOOLCHAIN=auto fetches the go1.26.0 toolchain (the module golang.org/toolchain)
# from the same module proxy; with 1.26 or later the local one builds, as GOTOOLCHAIN=local would.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf '[build-helm] %s\n' "$*" >&2; }

mkdir -p "$BIN_DIR"
exec 8>"$BIN_DIR/.build.lock"
command -v flock >/dev/null && flock 8 # a test's first use and `make setup` may build at the same time

if [ ! -x "$BIN_DIR/helm" ]; then
  command -v go >/dev/null || { echo "building helm needs Go (https://go.dev/dl); none on PATH" >&2; exit 1; }
  if [ ! -f "$WORK/go.mod" ]; then
    mkdir -p "$WORK"
    # helm's go.mod has no replace directives, so a throwaway module requiring it builds the same binary.
    printf 'module restpath.dev/testenv-helm\n\ngo 1.26.0\n\nrequire helm.sh/helm/v3 %s\n' "$HELM_VERSION" >"$WORK/go.mod"
  fi
  # The Kubernetes version helm assumes for `helm template`/`lint` without a cluster (.Capabilities):
  # its own client-go's minor, as helm's Makefile sets it (client-go v0.37.0 -> 1.37).
  client_go=$(cd "$WORK" && go list -m -f '{{.Version}}' k8s.io/client-go 2>/dev/null || true)
  [ -n "$client_go" ] || { echo "could not resolve helm $HELM_VERSION's k8s.io/client-go (is the Go module proxy reachable?)" >&2; exit 1; }
  k8s_minor=$(echo "$client_go" | cut -d. -f2)
  v=helm.sh/helm/v3
  ldflags="-s -w -X $v/internal/version.version=$HELM_VERSION -X $v/internal/version.gitTreeState=clean"
  ldflags+=" -X $v/pkg/lint/rules.k8sVersionMajor=1 -X $v/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  ldflags+=" -X $v/pkg/chartutil.k8sVersionMajor=1 -X $v/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  log "building helm $HELM_VERSION ($v/cmd/helm) - the first build takes a few minutes"
  if ! (cd "$WORK" && go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/helm.tmp" "$v/cmd/helm") >"$WORK/build-helm.log" 2>&1; then
    rm -f "$BIN_DIR/helm.tmp"
    echo "building helm failed: $(tail -n 25 "$WORK/build-helm.log")" >&2
    exit 1
  fi
  mv "$BIN_DIR/helm.tmp" "$BIN_DIR/helm"
fi
log "helm $HELM_VERSION ready in $BIN_DIR"
echo "$BIN_DIR"
