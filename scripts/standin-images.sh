#!/usr/bin/env bash
# Builds local stand-ins for the official images berth's examples name, for machines that
# reach Debian's package mirror but no image registry. Each is tagged with the official name
# and version it stands in for, so the same compose files pull the real thing elsewhere.
# A tag that already exists is left alone. Built in dependency order:
#   debian:bookworm (debootstrap --variant=minbase; also tagged debian:bookworm-slim)
#   postgres:15-bookworm, python:3.11-slim-bookworm, node:18-bookworm-slim (FROM debian:bookworm)
# Needs root, a running engine and debootstrap; without root or debootstrap it pulls the official
# images instead. The Debian mirror is the one this machine's
# apt already uses (override: BERTH_DEBIAN_MIRROR=URL). Build logs go to $BERTH_BED_DIR
# (default /var/tmp/berth-bed).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images_dir="$repo/test/bed/images"
log_dir="${BERTH_BED_DIR:-/var/tmp/berth-bed}"
mkdir -p "$log_dir"
# The client may lack buildx; the classic builder is all these images need.
export DOCKER_BUILDKIT=0

say() { printf 'standin: %s\n' "$*"; }
fail() { printf 'standin: %s\n' "$*" >&2; exit 1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Prints the first usable URI of a deb822 stanza that enables "deb" for bookworm (or stable).
mirror_from_deb822() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/ || index(line, ":") == 0) continue
          key = tolower(substr(line, 1, index(line, ":") - 1)); gsub(/[ \t]/, "", key)
          val = substr(line, index(line, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", val)
          if (key == "types") types = val
          else if (key == "uris") uris = val
          else if (key == "suites") suites = val
          else if (key == "enabled") enabled = tolower(val)
        }
        if (enabled == "no" || (" " types " ") !~ / deb /) next
        n = split(suites, s, /[ \t]+/); ok = 0
        for (j = 1; j <= n; j++) if (s[j] == "bookworm" || s[j] == "stable") ok = 1
        if (!ok) next
        n = split(uris, u, /[ \t]+/)
        for (j = 1; j <= n; j++) if (u[j] ~ /^(https?|ftp|file):\/\//) { print u[j]; exit }
      }' "$f"
  done
}

# Same for one-line sources: "deb [options] URI SUITE COMPONENTS...".
mirror_from_list() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ((($(i + 1)) == "bookworm" || ($(i + 1)) == "stable") && $i ~ /^(https?|ftp|file):\/\//) { print $i; exit }
      }' "$f"
  done
}

debian_mirror() {
  if [ -n "${BERTH_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$BERTH_DEBIAN_MIRROR"
    return 0
  fi
  local m
  m="$( { mirror_from_deb822; mirror_from_list; } | head -n 1)"
  [ -n "$m" ] || return 1
  printf '%s\n' "$m"
}

rootfs=""
cleanup_rootfs() {
  if [ -n "$rootfs" ] && [ -d "$rootfs" ]; then
    # debootstrap unmounts what it mounts; if it was interrupted, do it here (deepest first)
    # and never let rm cross into another file system.
    awk -v p="$rootfs/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
      while IFS= read -r mnt; do umount -l -- "$mnt" || :; done
    rm -rf --one-file-system -- "$rootfs"
  fi
  rootfs=""
}
trap cleanup_rootfs EXIT

build_debian() {
  local tag="debian:bookworm" mirror log start
  if have_image "$tag"; then
    say "$tag already present"
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || fail "building $tag needs debootstrap (apt-get install debootstrap)"
  [ "$(id -u)" = 0 ] || fail "building $tag needs root (debootstrap)"
  mirror="$(debian_mirror)" || fail "building $tag: no Debian bookworm mirror found in /etc/apt/sources.list(.d); set BERTH_DEBIAN_MIRROR"
  log="$log_dir/build-debian-bookworm.log"
  start=$SECONDS
  rootfs="$(mktemp -d /var/tmp/berth-rootfs.XXXXXX)"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "building $tag failed in debootstrap (mirror $mirror); log: $log"
  fi
  # Keep the image small, as the official one: no downloaded packages, no package lists.
  rm -rf -- "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  if ! tar --numeric-owner -C "$rootfs" -c . |
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      - "$tag" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "building $tag failed in docker import; log: $log"
  fi
  cleanup_rootfs
  say "$tag built in $((SECONDS - start)) s (mirror $mirror)"
}

tag_alias() {
  local from="$1" to="$2"
  if have_image "$to"; then
    say "$to already present"
  else
    docker tag "$from" "$to"
    say "$to tagged from $from"
  fi
}

# build_from_dir TAG DIR: docker build with test/bed/images/DIR as context.
build_from_dir() {
  local tag="$1" dir="$images_dir/$2" log start
  if have_image "$tag"; then
    say "$tag already present"
    return 0
  fi
  [ -f "$dir/Dockerfile" ] || fail "building $tag: $dir/Dockerfile is missing"
  log="$log_dir/build-$(printf '%s' "$tag" | tr -c 'A-Za-z0-9._-' '-').log"
  start=$SECONDS
  if ! docker build --force-rm -t "$tag" "$dir" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "building $tag failed; log: $log"
  fi
  say "$tag built in $((SECONDS - start)) s"
}

docker info >/dev/null 2>&1 || fail "no Docker Engine answers; run test/bed/engine.sh first"

# Where no stand-in can be built (no root or no debootstrap: a developer's machine), the
# official images are what the stand-ins stand in for: pull them.
if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null 2>&1; then
  for tag in debian:bookworm debian:bookworm-slim postgres:15-bookworm python:3.11-slim-bookworm node:18-bookworm-slim; do
    if have_image "$tag"; then
      say "$tag already present"
    else
      docker pull -q "$tag" >/dev/null || fail "cannot pull $tag, and building a stand-in needs root and debootstrap"
      say "$tag pulled"
    fi
  done
  exit 0
fi

build_debian
tag_alias debian:bookworm debian:bookworm-slim
build_from_dir postgres:15-bookworm postgres
build_from_dir python:3.11-slim-bookworm python
build_from_dir node:18-bookworm-slim node
