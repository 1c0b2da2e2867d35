#!/usr/bin/env bash
# The packages the test node needs (scripts/testenv/node.ts), from Debian's archive: runc (the OCI
# runtime containerd starts) and containernetworking-plugins (bridge, host-local, loopback), plus
# iproute2 and util-linux for `ip`, `nsenter` and `unshare`. containerd itself is built
# (scripts/testenv/build-containerd.sh: Debian's 1.6 is too old for the 1.37 kubelet). Podman, which
# loads the image into the node, comes from scripts/image/install-tools.sh.
# Skipped when all are present; otherwise apt-get update + install (as root, or through sudo).
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" || -x "/usr/bin/$1" ]]; }
have runc || missing+=(runc)
[[ -x /usr/lib/cni/bridge || -x /opt/cni/bin/bridge ]] || missing+=(containernetworking-plugins)
have ip || missing+=(iproute2)
{ have nsenter && have unshare; } || missing+=(util-linux)
((${#missing[@]} == 0)) && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-node-packages: ${missing[*]} missing and no apt-get here: install them with your package manager" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-node-packages] installing ${missing[*]} (Debian packages)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
