#!/bin/sh
# One look at a ceresdb-cluster service, run on its host (over SSH by its roll gate, and by its own
# gate). Generated from components/render/scripts/service-probe.sh. Prints what the roll gate
# compares (the host revision the host setup applied, the service revision the service's gate
# recorded) and exits 0 only when the service is ready now: its health URL answers and, for a
# CeresMeta member, CeresMeta has a leader. Every request is bounded (4 s).
set -u
@assign@

echo "host-revision=$(cat "$HOST_REVISION_FILE" 2>/dev/null)"
echo "service-revision=$(cat "$SERVICE_REVISION_FILE" 2>/dev/null)"
if ! curl -fsS --max-time 4 -o /dev/null "$HEALTH_URL" 2>/dev/null; then
  echo "not-ready: $HEALTH_URL does not answer"
  exit 1
fi
if [ "$ROLE" = meta ]; then
  if [ "$LEADER_KIND" = ceresmeta ]; then
    # {"status":"success","data":"http://<leader>:2379"} (server/service/http/api.go getLeader)
    leader=$(curl -fsS --max-time 4 "$LEADER_URL" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d.get("data") or "" if d.get("status") == "success" else "")' 2>/dev/null)
  else
    # etcd v3 JSON gateway: maintenance/status names the raft leader's member ID (0: none).
    leader=$(curl -fsS --max-time 4 -X POST -d '{}' "$LEADER_URL" 2>/dev/null | python3 -c '
import json, sys
v = str(json.load(sys.stdin).get("leader", ""))
print(v if v not in ("", "0") else "")' 2>/dev/null)
  fi
  if [ -z "$leader" ]; then
    echo "not-ready: CeresMeta has no leader ($LEADER_URL names none)"
    exit 1
  fi
  echo "leader=$leader"
fi
echo ready
