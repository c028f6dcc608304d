#!/usr/bin/env bash
# The Podman part of the test bed, beside dockerd and never touching it: Debian's podman and
# catatonit (for `init: true`), Podman's Docker-compatible API on a socket of its own, and the
# test images copied in from the Docker engine under the names the tests use. Idempotent;
# every wait is bounded. Prints the socket's DOCKER_HOST on its last line.
set -euo pipefail
log_dir="${BERTH_BED_DIR:-/var/tmp/berth-bed}"
socket="${BERTH_PODMAN_SOCKET:-/run/berth-podman/podman.sock}"
mkdir -p "$log_dir" "$(dirname "$socket")"

say() { printf 'podman: %s\n' "$*" >&2; }
fail() { printf 'podman: %s\n' "$*" >&2; exit 1; }

if ! command -v podman >/dev/null 2>&1 || [ ! -x /usr/libexec/podman/catatonit ]; then
  say "installing podman and catatonit"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman catatonit >/dev/null
fi

# These machines cannot raise rlimits: containers fail with "error setting rlimits" until the
# default ulimits stay within what the machine allows.
conf=/etc/containers/containers.conf
if ! grep -q 'default_ulimits' "$conf" 2>/dev/null; then
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n' >>"$conf"
fi

# A stand-in GPU as CDI describes one (what `nvidia-ctk cdi generate` writes on a real host), so
# Podman has nvidia.com/gpu=0 and =all to resolve; it grants no device, only the environment the
# NVIDIA runtime would set. CDI 0.3.0: the oldest spec version, read by Podman 4.3's CDI library
# and every later one. `podman run --device nvidia.com/gpu=0 busybox env` shows it.
mkdir -p /etc/cdi
cat >/etc/cdi/berth-test-gpu.yaml <<'EOF'
cdiVersion: "0.3.0"
kind: nvidia.com/gpu
devices:
  - name: "0"
    containerEdits:
      env: ["NVIDIA_VISIBLE_DEVICES=0", "BERTH_TEST_GPU=0"]
  - name: all
    containerEdits:
      env: ["NVIDIA_VISIBLE_DEVICES=all", "BERTH_TEST_GPU=all"]
EOF

answers() { curl -fsS --max-time 2 --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; }
if ! answers; then
  say "starting podman system service on $socket (log: $log_dir/podman.log)"
  rm -f "$socket"
  nohup podman system service --time=0 "unix://$socket" >"$log_dir/podman.log" 2>&1 &
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
  answers || { tail -n 20 "$log_dir/podman.log" >&2; fail "podman's API did not answer within 30 s"; }
fi

# No registry: the images come from the Docker engine, tagged with the full names the tests use.
# debian:bookworm-slim: the base image examples/web-postgres builds from.
for image in busybox:latest berth-test/busybox:latest postgres:15-bookworm python:3.11-slim-bookworm debian:bookworm-slim; do
  full="docker.io/library/$image"
  case "$image" in */*) full="docker.io/$image" ;; esac
  if podman image exists "$full"; then continue; fi
  docker image inspect "$image" >/dev/null 2>&1 || fail "$image is missing from the Docker engine (test/bed/images.sh)"
  docker save "$image" | podman load -q >/dev/null
  podman image exists "$full" || podman tag "localhost/$image" "$full"
  say "$full loaded"
done
echo "unix://$socket"
