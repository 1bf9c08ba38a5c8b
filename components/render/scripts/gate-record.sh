#!/bin/sh
# The end both service gates share (gate-running.sh and gate-healthy.sh include it): records the
# service revision the service's roll gate waits for; $state says how far the service got.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! { printf '%s\n' "$SERVICE_REVISION" | as_root tee "$REVISION_FILE.tmp" > /dev/null && as_root mv "$REVISION_FILE.tmp" "$REVISION_FILE"; }; then
  echo "$CONTAINER $state, but its revision could not be recorded in $REVISION_FILE" >&2
  exit 1
fi
