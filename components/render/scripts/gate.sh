#!/bin/sh
# Rolling gate of a ceresdb-cluster service, run over SSH on its host. Generated from
# components/render/scripts/gate.sh: waits, bounded, until the container runs (WAIT_FOR=running,
# at creation: at first bootstrap no CeresMeta member is healthy before all of them run), or
# until the service answers its health URL again (WAIT_FOR=healthy, on every change), so the
# next service in the chain is only touched once this one serves.
set -u
CONTAINER=@CONTAINER@
WAIT_FOR=@WAIT_FOR@
HEALTH_URL=@HEALTH_URL@
WAIT_SECONDS=@WAIT_SECONDS@

# shellcheck disable=SC2016 # $1 is expanded by the inner sh, not here
case "$WAIT_FOR" in
  running) until='[ "$(docker inspect -f "{{.State.Running}}" "$1" 2>/dev/null)" = true ]'; pause=2; target=$CONTAINER; problem="not running after $WAIT_SECONDS s" ;;
  healthy) until='curl -fsS --max-time 4 "$1" > /dev/null'; pause=3; target=$HEALTH_URL; problem="not healthy after $WAIT_SECONDS s: $HEALTH_URL" ;;
  *) echo "gate of $CONTAINER: unknown WAIT_FOR=$WAIT_FOR" >&2; exit 2 ;;
esac

if ! timeout "$WAIT_SECONDS" sh -c "until $until; do sleep $pause; done" gate "$target"; then
  echo "$CONTAINER $problem" >&2
  docker logs --tail 50 "$CONTAINER" >&2 || true
  exit 1
fi
