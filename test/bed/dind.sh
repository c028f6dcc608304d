# Sourced by the test-bed scripts that run a Docker Engine inside a container: the Swarm
# workers (swarm.sh) and the engine the restart scenario restarts (engine-in-container.sh).
# The image is built by swarm.sh setup. Such an engine has a network namespace of its own,
# so it never touches the host engine's docker0 bridge (a second dockerd on the host would).

dind_image="berth-test/dind:bookworm"

# --privileged fails on this kind of machine (no CAP_SYS_RESOURCE in the bounding set);
# these flags give the inner dockerd what it needs instead.
dind_run_flags=(
  --cap-add ALL --cap-drop SYS_RESOURCE
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /var/lib/docker:exec
)
