#!/bin/sh
# Rolling gate of a ceresdb-cluster service at creation, run over SSH on its host. Generated from
# components/render/scripts/gate-running.sh: waits, bounded, until the container runs. It does not
# wait for health: at first bootstrap no CeresMeta member is healthy before all of them run.
set -u
CONTAINER=@CONTAINER@ WAIT_SECONDS=@WAIT_SECONDS@

# shellcheck disable=SC2016 # $1 is expanded by the inner sh, not here
until='[ "$(docker inspect -f "{{.State.Running}}" "$1" 2>/dev/null)" = true ]' pause=2 target=$CONTAINER problem="not running after $WAIT_SECONDS s"
@include:gate-wait.sh@
