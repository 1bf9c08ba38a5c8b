#!/bin/sh
# Gate of a ceresdb-cluster service at creation, run over SSH on its host. Generated from
# components/render/scripts/gate-running.sh: waits, bounded, until the container runs, then records
# the service revision (see gate-healthy.sh). It does not wait for health: at first bootstrap no
# CeresMeta member is healthy before all of them run.
set -u
@assign@

# shellcheck disable=SC2016 # $1 is expanded by the inner sh, not here
if ! timeout "$WAIT_SECONDS" sh -c 'until [ "$(docker inspect -f "{{.State.Running}}" "$1" 2>/dev/null)" = true ]; do sleep 2; done' gate "$CONTAINER"; then
  echo "$CONTAINER not running after $WAIT_SECONDS s" >&2
  docker logs --tail 50 "$CONTAINER" >&2 || true
  exit 1
fi

state="runs"
@include:gate-record.sh@
