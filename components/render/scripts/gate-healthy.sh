#!/bin/sh
# Gate of a ceresdb-cluster service on every change, run over SSH on its host. Generated from
# components/render/scripts/gate-healthy.sh: waits, bounded, until the service is ready again (its
# probe: health, and a CeresMeta leader for a member), then records the service revision the
# service's roll gate waits for (what depends on that roll gate changes only after this).
set -u
@assign@

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until last=$(sh -c "$PROBE" 2>&1); do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "$CONTAINER not ready after $WAIT_SECONDS s: $(printf '%s\n' "$last" | sed -n 's/^not-ready: //p' | head -n 1)" >&2
    docker logs --tail 50 "$CONTAINER" >&2 || true
    exit 1
  fi
  sleep 3
done

state="is ready"
@include:gate-record.sh@
echo "$CONTAINER ready; revision recorded"
