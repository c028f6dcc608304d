#!/usr/bin/env bash
# A Docker Engine of its own, in a container, for scenarios that restart the engine: restarting
# the shared test engine would break the tests running beside it, and a second dockerd on the
# host would remove the first one's docker0 bridge. Needs a running engine (test/bed/engine.sh)
# and the image berth-test/dind:bookworm (test/bed/swarm.sh). Every wait is bounded.
#
#   engine-in-container.sh up NAME DIR [IMAGE...]
#                     an engine in a container named NAME, answering on DIR/docker.sock (DIR is
#                     mounted into the container), with IMAGE... copied into it (no registry).
#                     The container's first process starts dockerd again whenever it exits, as
#                     a service manager would; images and containers live on a tmpfs that lasts
#                     as long as the container.
#   engine-in-container.sh restart NAME
#                     stops that dockerd the way a service manager does (SIGTERM: it stops its
#                     containers and exits) and returns once the next dockerd answers
#   engine-in-container.sh down NAME
#                     removes the container, and with it the engine's data
#
# The containers carry the label berth-test.engine-in-container, to find any that an
# interrupted test run left behind.
set -euo pipefail
# shellcheck source=test/bed/dind.sh
source "$(dirname "${BASH_SOURCE[0]}")/dind.sh"

fail() { printf 'engine-in-container: %s\n' "$*" >&2; exit 1; }

# Inside the container: where the socket is, and the loop that keeps an engine running.
inner_dir=/run/berth-engine
inner_socket="unix://$inner_dir/docker.sock"
supervisor="while :; do dockerd --host=$inner_socket --group=root >>/var/log/dockerd.log 2>&1; echo \"dockerd exited (\$?)\" >>/var/log/dockerd.log; sleep 0.2; done"

check_name() {
  [[ "$1" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$ ]] || fail "not a valid container name: \"$1\""
}

engine_log() { docker exec "$1" tail -n 5 /var/log/dockerd.log 2>&1 || true; }

up() {
  local name="$1" dir="$2"
  shift 2
  check_name "$name"
  [ -d "$dir" ] || fail "no such folder: $dir"
  docker image inspect "$dind_image" >/dev/null 2>&1 || fail "$dind_image is missing: run test/bed/swarm.sh first"
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" --hostname "$name" --label berth-test.engine-in-container=1 "${dind_run_flags[@]}" -v "$dir:$inner_dir" \
    --entrypoint sh "$dind_image" -c "$supervisor" >/dev/null
  local host="unix://$dir/docker.sock" answered=""
  for _ in $(seq 1 120); do
    if docker -H "$host" version >/dev/null 2>&1; then answered=1; break; fi
    sleep 0.25
  done
  [ -n "$answered" ] || fail "the engine in $name did not answer on $host within 30 s: $(engine_log "$name")"
  local image
  for image in "$@"; do
    docker save "$image" | docker -H "$host" load -q >/dev/null || fail "could not load $image into $name"
  done
}

# Runs in the container: SIGTERM to the running dockerd, then waits for another one to answer.
restart_script="
old=\$(cat /var/run/docker.pid) || exit 1
kill -TERM \"\$old\" || exit 1
for i in \$(seq 1 120); do
  new=\$(cat /var/run/docker.pid 2>/dev/null || true)
  if [ -n \"\$new\" ] && [ \"\$new\" != \"\$old\" ] && docker -H $inner_socket version >/dev/null 2>&1; then exit 0; fi
  sleep 0.25
done
exit 1"

restart() {
  local name="$1"
  check_name "$name"
  docker exec "$name" sh -c "$restart_script" ||
    fail "the engine in $name did not answer again within 30 s of its restart: $(engine_log "$name")"
}

down() {
  check_name "$1"
  docker rm -f "$1" >/dev/null 2>&1 || true
}

case "${1:-}" in
  up)
    [ $# -ge 3 ] || fail "usage: engine-in-container.sh up NAME DIR [IMAGE...]"
    shift
    up "$@"
    ;;
  restart)
    [ $# -eq 2 ] || fail "usage: engine-in-container.sh restart NAME"
    restart "$2"
    ;;
  down)
    [ $# -eq 2 ] || fail "usage: engine-in-container.sh down NAME"
    down "$2"
    ;;
  *) fail "unknown subcommand \"${1:-}\" (up, restart, down)" ;;
esac
