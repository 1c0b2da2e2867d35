#!/usr/bin/env bash
# podman as it works on this kind of machine; build.sh and test/e2e/image.test.ts run every podman
# command through this. Usage: scripts/image/podman.sh <podman arguments...>
#
# Measured here (Debian bookworm: podman 4.3.1, buildah 1.28.2, runc 1.1.5, as root):
# - crun, podman's default runtime, fails on this host's hybrid cgroup v1: use runc, with the cgroupfs
#   cgroup manager (no systemd to delegate to);
# - podman sets RLIMIT_NOFILE for each container by default and raising it is not permitted here:
#   `default_ulimits = []` in containers.conf leaves the limit as it is;
# - events go to a file (there is no journald).
# The containers.conf lives in the project cache and is the only one podman reads (CONTAINERS_CONF),
# so the machine's own /etc/containers/containers.conf does not matter.
set -euo pipefail
CACHE_ROOT="${RESTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/restpath-operator}"
conf="$CACHE_ROOT/image/containers.conf"
want='[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
if [[ "$(cat "$conf" 2>/dev/null)" != "$want" ]]; then
  mkdir -p "${conf%/*}"
  printf '%s\n' "$want" >"$conf.$$" && mv -f "$conf.$$" "$conf"
fi
export CONTAINERS_CONF="$conf"
exec podman --runtime runc --cgroup-manager cgroupfs "$@"
