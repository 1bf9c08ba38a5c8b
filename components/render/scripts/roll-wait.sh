#!/bin/sh
# Roll gate of a ceresdb-cluster service, run where Pulumi runs (a local command: its host may
# restart while it waits). Generated from components/render/scripts/roll-wait.sh. Runs only when
# the service's desired revision changed (it is in this text) and waits, bounded, until the
# service's host reports the new host revision, the service's own gate recorded the new service
# revision (it does so only once the service is ready again), the service is ready now, and, for a
# CeresDB node when CeresMeta can tell (v1.2.7), every shard is registered and ready. What depends
# on this gate (the next member, the next batch of nodes) changes only after it passed.
set -u
@assign@

cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
printf '%s\n' "$SSH_CONFIG" > "$cfg"
# -F: only this file (pinned host keys, the bastion), never ~/.ssh/config or known_hosts.
on() { ssh -F "$cfg" -o BatchMode=yes "$1" "$2" 2>&1; }
has() { printf '%s\n' "$1" | grep -qxF "$2"; }

deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  missing=""
  got=$(on "$TARGET" "$PROBE")
  has "$got" "host-revision=$WANT_HOST" || missing="$missing
  - the host has not applied host revision $WANT_HOST yet (it reports: $(printf '%s\n' "$got" | sed -n 's/^host-revision=//p' | head -n 1))"
  # The wanted service revision may be derived from secrets: never printed.
  has "$got" "service-revision=$WANT_SERVICE" || missing="$missing
  - the service's gate has not recorded its new revision yet (the new container is not up and ready, or not created yet)"
  if ! has "$got" ready; then
    why=$(printf '%s\n' "$got" | grep -m 1 '^not-ready: ' || true)
    missing="$missing
  - not ready now: ${why:-no answer over SSH: $(printf '%s\n' "$got" | tail -n 1)}"
  fi
  if [ -z "$missing" ] && [ -n "$SHARD_TARGETS" ]; then
    shards="shards-unknown: no CeresMeta member answered over SSH"
    for t in $SHARD_TARGETS; do
      answer=$(on "$t" "$SHARD_PROBE")
      case "$answer" in
        shards-ready*|shards-not-ready*) shards="$answer"; break ;;
        shards-unknown*) shards="$answer (asked $t)" ;;
      esac
    done
    case "$shards" in
      shards-ready*) ;;
      *) missing="$missing
  - CeresMeta does not report every shard ready: $shards" ;;
    esac
  fi
  if [ -z "$missing" ]; then
    echo "$NAME: back with its new revision and ready"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "$NAME is not back after $WAIT_SECONDS s; what depends on it is left unchanged. Still missing:$missing" >&2
    echo "$HINT" >&2
    exit 1
  fi
  sleep "$POLL_SECONDS"
done
