#!/usr/bin/env bash
# Same behaviour as the official image's docker/entrypoint.sh (v1.2.7): prepare the scratch dir the
# example config uses, then run the server as root on the mounted config.
set -eo pipefail
mkdir -p /tmp/ceresmeta0
chown ceres:ceres /tmp/ceresmeta0
exec /usr/bin/ceresmeta-server --config /etc/ceresmeta/ceresmeta.toml
