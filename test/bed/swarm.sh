#!/usr/bin/env bash
# The Swarm part of the test bed. Needs a running engine (test/bed/engine.sh) and the local
# debian:bookworm image (test/bed/images.sh). Every subcommand is idempotent and every wait
# is bounded.
#
#   swarm.sh [setup]              swarm mode on the test engine (init when not active, advertising
#                                 the docker0 bridge gateway so engines in containers reach it),
#                                 and the worker image berth-test/dind:bookworm (built once)
#   swarm.sh worker-up NAME [IMAGE...]
#                                 an engine in a container named NAME (hostname NAME), joined to
#                                 the swarm as a worker, with IMAGE... copied into it (no registry)
#   swarm.sh worker-down NAME     removes that container and its node
#
# Plain containers keep working on an engine in swarm mode; this script never leaves the swarm.
set -euo pipefail
log_dir="${BERTH_BED_DIR:-/var/tmp/berth-bed}"
mkdir -p "$log_dir"
export DOCKER_BUILDKIT=0
# shellcheck source=test/bed/dind.sh
source "$(dirname "${BASH_SOURCE[0]}")/dind.sh"

worker_image="$dind_image"
worker_label="berth-test.swarm-worker"

say() { printf 'swarm: %s\n' "$*"; }
fail() { printf 'swarm: %s\n' "$*" >&2; exit 1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The address containers on the default bridge reach the host engine at (docker0's address).
gateway() {
  local gw
  gw="$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' 2>/dev/null | awk '{print $1}')"
  if [ -z "$gw" ] && command -v ip >/dev/null 2>&1; then
    gw="$(ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)"
  fi
  [ -n "$gw" ] || fail "cannot find the docker0 bridge gateway (docker network inspect bridge)"
  printf '%s\n' "$gw"
}

swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

setup() {
  docker info >/dev/null 2>&1 || fail "no Docker Engine answers; run test/bed/engine.sh first"
  local gw state addr
  gw="$(gateway)"
  state="$(swarm_state)"
  if [ "$state" = "active" ]; then
    addr="$(docker info --format '{{.Swarm.NodeAddr}}')"
    say "swarm already active (node address $addr)"
    if [ "$addr" != "$gw" ]; then
      say "warning: the manager advertises $addr, not the bridge gateway $gw: engines in containers cannot join it" >&2
    fi
  else
    say "initialising swarm mode (advertise address $gw)"
    docker swarm init --advertise-addr "$gw" >"$log_dir/swarm-init.log" 2>&1 ||
      fail "docker swarm init failed; log: $log_dir/swarm-init.log ($(tail -n 3 "$log_dir/swarm-init.log"))"
  fi

  if have_image "$worker_image"; then
    say "$worker_image already present"
  else
    have_image debian:bookworm || fail "building $worker_image needs debian:bookworm (test/bed/images.sh)"
    local log="$log_dir/build-berth-test-dind.log" start=$SECONDS
    # Debian's engine as a worker node; the image has no registry either, so tasks must run
    # the images loaded into it without trying a pull first.
    if ! docker build --force-rm -t "$worker_image" - >"$log" 2>&1 <<'EOF'
FROM debian:bookworm
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends docker.io iptables; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*
ENV DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
CMD ["dockerd", "--host=unix:///var/run/docker.sock"]
EOF
    then
      fail "building $worker_image failed; last lines of $log: $(tail -n 5 "$log")"
    fi
    say "$worker_image built in $((SECONDS - start)) s"
  fi

  # Nodes of worker containers from an interrupted run: down, and their container gone.
  local id host status
  while read -r id host status; do
    [ -n "$id" ] || continue
    if [ "$status" = "Down" ] && [[ "$host" == berth-worker-* ]] && ! docker container inspect "$host" >/dev/null 2>&1; then
      docker node rm --force "$id" >/dev/null 2>&1 && say "removed stale node $host"
    fi
  done < <(docker node ls --format '{{.ID}} {{.Hostname}} {{.Status}}' 2>/dev/null || true)
}

valid_name() {
  [[ "$1" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$ ]] || fail "not a valid container name: \"$1\""
}

worker_up() {
  local name="$1"
  shift
  valid_name "$name"
  [ "$(swarm_state)" = "active" ] || fail "swarm mode is not active on the test engine: run test/bed/swarm.sh first"
  have_image "$worker_image" || fail "$worker_image is missing: run test/bed/swarm.sh first"

  if [ "$(docker container inspect --format '{{.State.Running}}' "$name" 2>/dev/null || true)" != "true" ]; then
    docker rm -f "$name" >/dev/null 2>&1 || true
    docker run -d --name "$name" --hostname "$name" --label "$worker_label=1" "${dind_run_flags[@]}" "$worker_image" >/dev/null
  fi
  local up=""
  for _ in $(seq 1 60); do
    if docker exec "$name" docker info >/dev/null 2>&1; then up=1; break; fi
    sleep 0.5
  done
  [ -n "$up" ] || fail "the engine in $name did not answer within 30 s: $(docker logs --tail 5 "$name" 2>&1)"

  if [ "$(docker exec "$name" docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
    local token gw
    token="$(docker swarm join-token -q worker)"
    gw="$(gateway)"
    docker exec "$name" docker swarm join --token "$token" "$gw:2377" >/dev/null ||
      fail "$name could not join the swarm at $gw:2377"
  fi
  # Ready when the manager sees the node up.
  local ready=""
  for _ in $(seq 1 60); do
    if [ "$(docker node inspect "$name" --format '{{.Status.State}}' 2>/dev/null || true)" = "ready" ]; then ready=1; break; fi
    sleep 0.5
  done
  [ -n "$ready" ] || fail "node $name did not become ready within 30 s"

  local image
  for image in "$@"; do
    docker save "$image" | docker exec -i "$name" docker load -q >/dev/null || fail "could not load $image into $name"
  done
  say "worker $name ready"
}

worker_down() {
  local name="$1" id
  valid_name "$name"
  docker rm -f "$name" >/dev/null 2>&1 || true
  for id in $(docker node ls --format '{{.ID}} {{.Hostname}}' 2>/dev/null | awk -v h="$name" '$2 == h { print $1 }'); do
    docker node rm --force "$id" >/dev/null 2>&1 || true
  done
  say "worker $name removed"
}

case "${1:-setup}" in
  setup) setup ;;
  worker-up)
    [ $# -ge 2 ] || fail "usage: swarm.sh worker-up NAME [IMAGE...]"
    shift
    worker_up "$@"
    ;;
  worker-down)
    [ $# -eq 2 ] || fail "usage: swarm.sh worker-down NAME"
    worker_down "$2"
    ;;
  *) fail "unknown subcommand \"$1\" (setup, worker-up, worker-down)" ;;
esac
