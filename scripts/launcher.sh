#!/bin/sh
# The berth command on Linux and macOS, copied into dist/bin by scripts/bundle-cli.mjs; npm
# links it onto PATH. It starts Node on the launcher beside it (berth.cjs) without
# NODE_EXTRA_CA_CERTS: Node 20 parses every certificate that variable names, with its own,
# before a program's first line runs (some 50 ms at every command), and berth has no use for
# them (its one TLS connection, to the engine, trusts only the CA in DOCKER_CERT_PATH). The
# value travels as BERTH_NODE_EXTRA_CA_CERTS, and berth.cjs puts it back, so the compose
# file's interpolation still sees it.
self=$0
case $self in */*) ;; *) self=./$self ;; esac
# npm links the command: follow the links to the folder that holds the bundle.
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
if [ "${NODE_EXTRA_CA_CERTS+set}" = set ]; then
  BERTH_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export BERTH_NODE_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
# `--` ends Node's own options: Node 20 otherwise also reads an `--env-file` among berth's
# arguments (a missing file stops it; a NODE_OPTIONS line in the file changes how it runs).
exec node -- "${self%/*}/berth.cjs" "$@"
