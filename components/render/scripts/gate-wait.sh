#!/bin/sh
# The bounded wait both rolling gates end with (gate-running.sh and gate-healthy.sh include it):
# polls $until (its $1 is $target) every $pause s for $WAIT_SECONDS s; on failure names the
# container, says $problem and shows its last log lines.
if ! timeout "$WAIT_SECONDS" sh -c "until $until; do sleep $pause; done" gate "$target"; then
  echo "$CONTAINER $problem" >&2
  docker logs --tail 50 "$CONTAINER" >&2 || true
  exit 1
fi
