#!/bin/sh
set -u
want=@REVISION@
deadline=$(( $(date +%s) + @TIMEOUT@ ))
while :; do
  got="$(ssh -o BatchMode=yes @SSH_OPTIONS@ @TARGET@ @PROBE@ 2>/dev/null || true)"
  if printf '%s\n' "$got" | grep -qxF "$want" && printf '%s\n' "$got" | grep -qx ceresdb-healthy; then
    echo "@word:HOST@: revision $want applied and healthy"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "@word:HOST@ is not back with host revision $want and healthy after @TIMEOUT@s (last answer: $got); later nodes are left unchanged" >&2
    exit 1
  fi
  sleep @POLL@
done
