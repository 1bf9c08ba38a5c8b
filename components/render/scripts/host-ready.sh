#!/bin/sh
# Readiness gate of a ceresdb-cluster host, run over SSH before anything is deployed on it.
# Generated from components/render/scripts/host-ready.sh: waits, bounded, for the marker the
# host setup script (cloud-init) writes only after the data disk is mounted and Docker answers.
set -u
@assign@

# shellcheck disable=SC2016 # $1 is expanded by the inner sh, not here
if ! timeout "$WAIT_SECONDS" sh -c 'until [ -f "$1" ]; do sleep 5; done' host-ready "$MARKER"; then
  echo "host $HOST not ready after $WAIT_SECONDS s ($MARKER missing); see /var/log/cloud-init-output.log" >&2
  exit 1
fi
