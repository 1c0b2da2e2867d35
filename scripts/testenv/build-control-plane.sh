#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries the tests run against (envtest-style), from the
# Go module proxy, into a cache outside the repo. Re-running is cheap: a binary is rebuilt only when
# its pinned version changes (the cache folder is named after the version).
#
#   kube-apiserver  k8s.io/kubernetes/cmd/kube-apiserver  (needs `replace` lines for the staging modules)
#   etcd            go.etcd.io/etcd/server/v3
#   kubectl         k8s.io/kubernetes/cmd/kubectl, unless the machine's kubectl is within one minor of it
#   kubelet, kube-controller-manager, kube-scheduler   only with BUILD_NODE=1 (scripts/testenv/node.ts)
#
# Prints the folder holding the binaries on its last line of stdout. Everything else goes to stderr.
set -euo pipefail

# The default is the newest release the Go module proxy serves; the oldest supported one (README) runs
# the compatibility tier with KUBE_VERSION=$(KUBE_OLDEST) (`make test-compat`; the Makefile pins both).
KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"
GOPROXY_URL="${GOPROXY_URL:-https://proxy.golang.org}"
# etcd: the release this Kubernetes is built and tested against, read from its go.mod (its etcd client).
kube_mod() {
  curl -fsS "$GOPROXY_URL/k8s.io/kubernetes/@v/$KUBE_VERSION.mod" ||
    { echo "fetching k8s.io/kubernetes@$KUBE_VERSION go.mod from the Go module proxy failed" >&2; exit 1; }
}
CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
if [ -z "${ETCD_VERSION:-}" ]; then
  # Cached per Kubernetes version, so a warm run needs no network.
  etcd_pin="$CACHE_ROOT/bin/etcd-for-$KUBE_VERSION"
  if [ ! -s "$etcd_pin" ]; then
    mkdir -p "$CACHE_ROOT/bin"
    kube_mod | sed -nE 's#^\s*go\.etcd\.io/etcd/client/v3 (v3\.[0-9]+\.[0-9]+).*#\1#p' | head -n 1 >"$etcd_pin.tmp"
    [ -s "$etcd_pin.tmp" ] || { echo "no go.etcd.io/etcd/client/v3 in k8s.io/kubernetes@$KUBE_VERSION go.mod" >&2; exit 1; }
    mv "$etcd_pin.tmp" "$etcd_pin"
  fi
  ETCD_VERSION=$(cat "$etcd_pin")
fi
BIN_DIR="$CACHE_ROOT/bin/k8s-$KUBE_VERSION-etcd-$ETCD_VERSION"
STAGING_VERSION="v0.${KUBE_VERSION#v1.}" # k8s.io/api etc. are tagged v0.37.x for kubernetes v1.37.x
KUBE_MINOR=$(echo "$KUBE_VERSION" | cut -d. -f2)

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
log() { printf '[build-control-plane] %s\n' "$*" >&2; }

# go build with its output kept; on failure the error names the binary and shows go's last lines.
go_build() { # name workdir out pkg ldflags
  local name=$1 dir=$2 out=$3 pkg=$4 ldflags=$5 logf
  logf="$dir/build-$name.log"
  log "building $name ($pkg) - the first build takes several minutes"
  if ! (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg") >"$logf" 2>&1; then
    echo "building $name failed: $(tail -n 25 "$logf")" >&2
    exit 1
  fi
  mv "$out.tmp" "$out"
}

throwaway_module() { # dir module-requires...
  local dir=$1; shift
  rm -rf "$dir" && mkdir -p "$dir"
  printf 'module restpath.dev/testenv-build\n\ngo 1.23\n' >"$dir/go.mod"
}

command -v go >/dev/null || { echo "building the control plane needs Go (https://go.dev/dl); none on PATH" >&2; exit 1; }
mkdir -p "$BIN_DIR"
WORK="$CACHE_ROOT/build"
# One build per version folder at a time: two runs (a test's global setup and `make setup`, say) would
# otherwise write the same .tmp files. The second waits, then finds the binaries built.
exec 9>"$BIN_DIR/.build.lock"
command -v flock >/dev/null && flock 9


k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$KUBE_MINOR -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION"

k8s_module() {
  local dir="$WORK/kubernetes-$KUBE_VERSION" # per version: two versions may build at once
  [ -f "$dir/.ready-$KUBE_VERSION" ] && { echo "$dir"; return; }
  throwaway_module "$dir"
  # kubernetes' own go.mod points every k8s.io/* staging module at ./staging; outside its repo those
  # must be replaced by the published v0.x tags, which we read from the pinned go.mod itself.
  local mod staging
  mod=$(kube_mod)
  staging=$(printf '%s\n' "$mod" | sed -nE 's#^\s*(k8s\.io/[a-z0-9-]+) => \./staging/.*#\1#p')
  { echo "require k8s.io/kubernetes $KUBE_VERSION"; echo "replace ("
    for m in $staging; do echo "	$m => $m $STAGING_VERSION"; done; echo ")"; } >>"$dir/go.mod"
  (cd "$dir" && go mod download k8s.io/kubernetes) >&2
  touch "$dir/.ready-$KUBE_VERSION"
  echo "$dir"
}

if [ ! -x "$BIN_DIR/kube-apiserver" ]; then
  dir=$(k8s_module)
  go_build kube-apiserver "$dir" "$BIN_DIR/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
fi

if [ ! -x "$BIN_DIR/etcd" ]; then
  dir="$WORK/etcd-$ETCD_VERSION"
  throwaway_module "$dir"
  echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION" >>"$dir/go.mod"
  go_build etcd "$dir" "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3 "-s -w"
fi

# kubectl: use the machine's when it is within one minor of the server (the skew policy), else build it.
# (Without KUBECONFIG: the machine's kubectl may be a dispatcher that consults the current cluster.)
skew_ok="v1\\.($((KUBE_MINOR - 1))|$KUBE_MINOR|$((KUBE_MINOR + 1)))\\."
if command -v kubectl >/dev/null && env -u KUBECONFIG kubectl version --client 2>/dev/null | grep -qE "Client Version: $skew_ok"; then
  # Atomically (a rename), and only when it changes: tests of another run may be using it right now.
  if [ "$(readlink "$BIN_DIR/kubectl" 2>/dev/null)" != "$(command -v kubectl)" ]; then
    ln -sfn "$(command -v kubectl)" "$BIN_DIR/kubectl.tmp.$$" && mv -Tf "$BIN_DIR/kubectl.tmp.$$" "$BIN_DIR/kubectl"
  fi
elif [ ! -x "$BIN_DIR/kubectl" ] || [ -L "$BIN_DIR/kubectl" ]; then
  # go_build renames the new binary over the old link: no moment without a kubectl.
  dir=$(k8s_module)
  go_build kubectl "$dir" "$BIN_DIR/kubectl" k8s.io/kubernetes/cmd/kubectl "$k8s_ldflags"
fi

# The node (BUILD_NODE=1; the Pod-level e2e and `make run-cluster` ask for it): kubelet,
# kube-controller-manager and kube-scheduler, same module, same version, same cache folder. Other tiers
# never pay for them. A staging module version the proxy refuses ("403 ... not available", seen for
# k8s.io/endpointslice v0.32.13) is replaced by the patch release before it, which the proxy serves.
if [ "${BUILD_NODE:-}" = 1 ]; then
  for name in kubelet kube-controller-manager kube-scheduler; do
    [ -x "$BIN_DIR/$name" ] && continue
    dir=$(k8s_module)
    for attempt in 1 2 3 4; do
      log "building $name (k8s.io/kubernetes/cmd/$name) - the first build takes a few minutes"
      logf="$dir/build-$name.log"
      if (cd "$dir" && go build -trimpath -ldflags "$k8s_ldflags" -o "$BIN_DIR/$name.tmp" "k8s.io/kubernetes/cmd/$name") >"$logf" 2>&1; then
        mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
        break
      fi
      refused=$(grep -oE '(k8s\.io/[a-z0-9-]+)@v0\.[0-9]+\.[0-9]+: reading [^ ]+: 403' "$logf" | head -n 1 | cut -d: -f1 || true)
      patch=${refused##*.}
      if [ -z "$refused" ] || [ "$attempt" = 4 ] || [ "${patch:-0}" = 0 ]; then
        echo "building $name failed: $(tail -n 25 "$logf")" >&2
        exit 1
      fi
      module=${refused%@*} version=${refused#*@}
      log "the Go module proxy refuses $module@$version; using ${version%.*}.$((patch - 1))"
      sed -i "s#^\(\s*$module => $module\) $version\$#\1 ${version%.*}.$((patch - 1))#" "$dir/go.mod"
    done
  done
  log "node binaries (kubelet, kube-controller-manager, kube-scheduler) ready in $BIN_DIR"
fi

log "control-plane binaries ready in $BIN_DIR"
echo "$BIN_DIR"
