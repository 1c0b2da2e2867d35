#!/usr/bin/env bash
# The tools the image build needs, from Debian's packages: podman and buildah (build and run the image),
# runc (the OCI runtime that works here: crun fails on this host's hybrid cgroup v1) and mmdebstrap
# (assembles the Debian rootfs the local stand-ins for the base images are made of).
# Skipped when all are present; otherwise apt-get update + install (as root, or through sudo), with
# their recommends (fuse-overlayfs, catatonit, slirp4netns, uidmap...) as podman was measured here.
set -euo pipefail
missing=()
for tool in podman buildah runc mmdebstrap; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" || -x "/usr/bin/$tool" ]] || missing+=("$tool")
done
((${#missing[@]} == 0)) && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-tools: ${missing[*]} missing and no apt-get here: install them with your package manager" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-tools] installing ${missing[*]} (Debian packages)" >&2
# Another make may be installing the same packages right now: apt's own lock makes it wait.
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
  podman buildah runc mmdebstrap >/dev/null
