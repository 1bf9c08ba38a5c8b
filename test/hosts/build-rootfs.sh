#!/usr/bin/env bash
# Builds a Debian bookworm rootfs once with debootstrap and imports it as a Docker image.
# Usage: build-rootfs.sh host|image   (prints the image reference on stdout)
#   host:  the test hosts (rootfs.packages); host/Dockerfile adds the test-host settings on top
#   image: the base of the service images (image.packages)
# Cache: .cache/hosts/<flavour>-<key>.tar, key = sha256 of the package list, so a package change
# rebuilds and an unchanged list reuses the tarball (and the imported image).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/hosts"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
flavour="${1:-host}"
case "$flavour" in
  host) list="$here/rootfs.packages" ;;
  image) list="$here/image.packages" ;;
  *) echo "build-rootfs: flavour must be host or image, not '$flavour'" >&2; exit 2 ;;
esac

key="$(grep -v '^#' "$list" | grep -v '^$' | sort | sha256sum | cut -c1-16)"
image="ceresdb-test-rootfs-$flavour:$key"
tarball="$cache/$flavour-$key.tar"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"; exit 0
fi
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "build-rootfs: debootstrap not installed (apt-get install debootstrap)" >&2; exit 1; }
  packages="$(grep -v '^#' "$list" | grep -v '^$' | paste -sd, -)"
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
  start=$SECONDS
  echo "build-rootfs: debootstrap bookworm ($flavour: $packages)" >&2
  timeout 1800 debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    echo "build-rootfs: debootstrap failed; last lines of its log:" >&2; tail -30 "$work/debootstrap.log" >&2; exit 1; }
  r="$work/rootfs"
  # No mirror is reachable from the test network: an empty source list fails fast instead of hanging.
  : > "$r/etc/apt/sources.list"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
  tar -C "$r" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  echo "build-rootfs: built $tarball in $((SECONDS - start)) s" >&2
fi
docker import "$tarball" "$image" >/dev/null
echo "$image"
