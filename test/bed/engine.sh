#!/usr/bin/env bash
# Installs Debian's Docker Engine (when missing) and starts dockerd (when none answers),
# with the GPU stand-in hook first on its PATH so DeviceRequests for "nvidia" are accepted.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log_dir="${BERTH_BED_DIR:-/var/tmp/berth-bed}"
mkdir -p "$log_dir"

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# The BuildKit ssh-forwarding test runs a real agent (ssh-agent, ssh-keygen, ssh-add).
command -v ssh-agent >/dev/null 2>&1 || need+=(openssh-client)
if [ "${#need[@]}" -gt 0 ]; then
  echo "bed: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "bed: engine already answers"
  exit 0
fi

chmod +x "$here/gpu-stub/nvidia-container-runtime-hook"
echo "bed: starting dockerd (log: $log_dir/dockerd.log)"
PATH="$here/gpu-stub:$PATH" nohup dockerd >"$log_dir/dockerd.log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "bed: engine is up"
    exit 0
  fi
  sleep 0.5
done
echo "bed: dockerd did not answer within 30 s; last log lines:" >&2
tail -n 20 "$log_dir/dockerd.log" >&2
exit 1
