#!/bin/sh
# Rolling gate of a ceresdb-cluster service on every change, run over SSH on its host. Generated
# from components/render/scripts/gate-healthy.sh: waits, bounded, until the service answers its
# health URL again, so the next service in the chain is only touched once this one serves.
set -u
CONTAINER=@CONTAINER@
HEALTH_URL=@HEALTH_URL@
WAIT_SECONDS=@WAIT_SECONDS@

# shellcheck disable=SC2016 # $1 is expanded by the inner sh, not here
until='curl -fsS --max-time 4 "$1" > /dev/null' pause=3 target=$HEALTH_URL problem="not healthy after $WAIT_SECONDS s: $HEALTH_URL"
@include:gate-wait.sh@
