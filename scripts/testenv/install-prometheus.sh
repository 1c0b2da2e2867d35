#!/usr/bin/env bash
# Prometheus and promtool from Debian's archive (package prometheus), for the tests of the alert and
# recording rules (promtool check rules / test rules on deploy/prometheus/) and for the e2e in which a
# real Prometheus scrapes the operator (test/e2e/prometheus.test.ts). Debian's package is 2.42 on
# bookworm: recent enough for the rules, promtool's unit tests and every query the dashboard runs.
# The package registers a prometheus service; where services may start (systemd, no policy-rc.d
# refusing them) it is enabled and listens on :9090. The tests never use it: they start their own
# Prometheus on a free port and stop it by its pid.
# Skipped when both are present; otherwise apt-get update + install (as root, or through sudo).
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/bin/$1" ]]; }
have prometheus && have promtool && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-prometheus: prometheus/promtool missing and no apt-get here: install Prometheus 2.42 or later with your package manager (both binaries on PATH)" >&2
  exit 1
fi
sudo=()
((EUID == 0)) || sudo=(sudo)
echo "[install-prometheus] installing prometheus (Debian package: prometheus, promtool)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus >/dev/null
