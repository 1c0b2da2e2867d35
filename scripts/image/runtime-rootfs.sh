#!/usr/bin/env bash
# The runtime stand-in's rootfs, made the way distroless makes gcr.io/distroless/nodejs26-debian12:
# the files of a handful of Debian packages (no dpkg, no apt, no shell), plus the passwd/group entries
# of distroless's users, a CA bundle, os-release, /tmp and the nonroot home. Node is added later
# (scripts/image/build.sh) at /nodejs/bin/node, as in distroless.
#
# Usage: runtime-rootfs.sh <debian-chroot> <out.tar>
# Run by build.sh as an mmdebstrap customize hook: <debian-chroot> is a bookworm minbase with these
# packages installed and configured (so ca-certificates' postinst has written the bundle).
#
# The packages: what `ldd` on the official node binary needs (libc6: libc, libm, libdl, libpthread and
# the loader; libstdc++6; libgcc-s1; libatomic1), plus tzdata and netbase as distroless's base has
# them, and gcc-12-base (the copyright file the gcc libraries' docs point to). Not libssl3, which
# distroless's cc image carries: node links OpenSSL statically.
set -euo pipefail
root="$1" out="$2"
packages=(libc6 libgcc-s1 gcc-12-base libstdc++6 libatomic1 tzdata netbase)

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# merged /usr, as in Debian 12: the package lists name /lib/..., the files live in /usr/lib/...
mkdir -p "$stage/usr/bin" "$stage/usr/lib" "$stage/usr/lib64" "$stage/usr/sbin"
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$stage/$d"; done

# Every file and symlink the packages installed (directories come along as parents), minus the
# documentation (except the copyright files), lintian overrides and gdb/python helpers.
dpkg-query --admindir="$root/var/lib/dpkg" -L "${packages[@]}" |
  grep '^/' |
  grep -v -P '^/usr/share/(doc/[^/]+/(?!copyright$)|lintian/|gdb/|gcc/)' |
  sed -E 's#^/(bin|lib|lib64|sbin)/#/usr/\1/#' |
  sort -u |
  while IFS= read -r path; do
    [[ -L "$root$path" || (-e "$root$path" && ! -d "$root$path") ]] || continue
    (cd "$root" && cp -a --parents ".$path" "$stage/")
  done

# The CA bundle ca-certificates' postinst generated, the zone link tzdata's wrote, os-release from base-files.
mkdir -p "$stage/etc/ssl/certs"
cp -a "$root/etc/ssl/certs/ca-certificates.crt" "$stage/etc/ssl/certs/"
cp -a "$root/etc/localtime" "$stage/etc/localtime"
cp -a "$root/usr/lib/os-release" "$stage/usr/lib/os-release"
ln -s ../usr/lib/os-release "$stage/etc/os-release"

# distroless's users and groups (root, nobody, nonroot 65532), no login shells.
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
tty:x:5:
staff:x:50:
nobody:x:65534:
nonroot:x:65532:
EOF
printf '%s\n' 'passwd: files' 'group: files' 'shadow: files' 'hosts: files dns' 'networks: files' \
  'protocols: files' 'services: files' 'ethers: files' 'rpc: files' >"$stage/etc/nsswitch.conf"
chmod 644 "$stage/etc/passwd" "$stage/etc/group" "$stage/etc/nsswitch.conf"
install -d -m 1777 "$stage/tmp"
install -d -m 700 "$stage/root"
install -d -m 700 -o 65532 -g 65532 "$stage/home/nonroot"

for forbidden in bin/sh bin/bash bin/dash usr/bin/sh; do
  [[ ! -e "$stage/$forbidden" ]] || { echo "runtime-rootfs: $forbidden made it into the runtime rootfs" >&2; exit 1; }
done
tar -C "$stage" --numeric-owner --sort=name -cf "$out" .
