#!/usr/bin/env bash
# Builds the local images the integration tests use (no registry is reachable on the test
# bed), skipping every tag that already exists:
#   berth-test/busybox:latest, also tagged busybox:latest (so fixtures can say `image: busybox`)
# then the stand-ins for official images the examples name (scripts/standin-images.sh).
# Needs a running engine (test/bed/engine.sh) and Debian's busybox-static (/bin/busybox), or
# a registry to pull busybox:latest from.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log_dir="${BERTH_BED_DIR:-/var/tmp/berth-bed}"
mkdir -p "$log_dir"
# The engine's client may lack buildx; the classic builder is all these images need.
export DOCKER_BUILDKIT=0

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! docker info >/dev/null 2>&1; then
  echo "images: no Docker Engine answers; run test/bed/engine.sh first" >&2
  exit 1
fi

bb_tag="berth-test/busybox:latest"
if have_image "$bb_tag"; then
  echo "images: $bb_tag already present"
else
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/berth-busybox.XXXXXX")"
  trap 'rm -rf -- "$ctx"' EXIT
  cp -- "$here/images/busybox/Dockerfile" "$here/images/busybox/passwd" "$here/images/busybox/group" "$ctx/"
  if [ -x /bin/busybox ]; then
    cp -- /bin/busybox "$ctx/busybox"
  else
    # A developer's machine without Debian's busybox-static: take the (static) binary from
    # the official image, which such a machine can pull.
    docker image inspect busybox:latest >/dev/null 2>&1 || docker pull -q busybox:latest >/dev/null ||
      { echo "images: /bin/busybox is missing (Debian package busybox-static) and busybox:latest cannot be pulled" >&2; exit 1; }
    cid="$(docker create busybox:latest)"
    docker cp "$cid:/bin/busybox" "$ctx/busybox"
    docker rm "$cid" >/dev/null
  fi
  log="$log_dir/build-berth-test-busybox.log"
  start=$SECONDS
  if ! docker build --force-rm -t "$bb_tag" "$ctx" >"$log" 2>&1; then
    echo "images: building $bb_tag failed (is /bin/busybox statically linked?); last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  rm -rf -- "$ctx"
  trap - EXIT
  echo "images: $bb_tag built in $((SECONDS - start)) s"
fi

if have_image "busybox:latest"; then
  echo "images: busybox:latest already present"
else
  docker tag "$bb_tag" busybox:latest
  echo "images: busybox:latest tagged from $bb_tag"
fi

bash "$repo/scripts/standin-images.sh"
