#!/bin/sh
# Shard hand-off of a ceresdb-cluster node that is being removed (dynamic topology only), run over
# SSH on the node's own host as the delete step of its hand-off command, so Pulumi runs it before
# it deletes the node's container and host. Generated from components/render/scripts/shard-handoff.sh.
#
# 1. Turns CeresMeta's scheduling off, so its rebalancing does not move the shards back to this
#    node while it still heartbeats. PUT /api/v1/clusters/{name} sets enableSchedule, topologyType
#    and procedureExecutingBatchSize from the body (a missing field is false / empty / 0), so the
#    current values are read first and sent back whole (apache/incubator-horaedb-meta v1.2.7
#    server/service/http/api.go updateCluster, types.go UpdateClusterRequest).
# 2. transferLeader for every shard this node leads, round-robin to the TARGETS (the nodes with a
#    lower index, which a scale-in never removes), until the node holds none (bounded).
# 3. Stops this node's container, waits out its heartbeat lease, and restores scheduling (also on
#    any failure, by the EXIT trap). JSON is read with python3, which cloud-init itself needs.
set -eu
# Word lists below are split on purpose; no globbing of them.
set -f
@assign@

say() { echo "shard-handoff[$NODE]: $*" >&2; }

# api METHOD PATH [BODY]: the answer of the first member that answers (followers forward to the leader).
api() {
  for u in $META_URLS; do
    if [ $# -ge 3 ]; then
      out=$(curl -fsS --max-time 5 -X "$1" -H 'Content-Type: application/json' --data "$3" "$u$2" 2>/dev/null) && { printf '%s' "$out"; return 0; }
    else
      out=$(curl -fsS --max-time 5 -X "$1" "$u$2" 2>/dev/null) && { printf '%s' "$out"; return 0; }
    fi
  done
  say "no CeresMeta member answered $1 $2 (tried $META_URLS)"
  return 1
}

# json SCRIPT: runs a python3 expression over the JSON on stdin (d = the parsed answer).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

settings=$(api GET /api/v1/clusters | CLUSTER="$CLUSTER" json '
import os
c=[x for x in d["data"] if x["Name"]==os.environ["CLUSTER"]]
if not c: sys.exit("no cluster "+os.environ["CLUSTER"])
c=c[0]
print("true" if c["EnableSchedule"] else "false", c["TopologyType"], c["ProcedureExecutingBatchSize"])')
# shellcheck disable=SC2086 # three words, split on purpose
set -- $settings
SCHEDULE=$1 TOPOLOGY=$2 BATCH=$3
if [ "$TOPOLOGY" != dynamic ]; then
  say "cluster $CLUSTER has topology $TOPOLOGY: only a dynamic cluster hands shards off (a static one cannot shrink)"
  exit 1
fi

put_schedule() {
  api PUT "/api/v1/clusters/$CLUSTER" "{\"enableSchedule\":$1,\"topologyType\":\"$TOPOLOGY\",\"procedureExecutingBatchSize\":$BATCH}" >/dev/null
}
restore() {
  if put_schedule "$SCHEDULE"; then say "scheduling restored (enableSchedule $SCHEDULE)"; else say "could not restore enableSchedule=$SCHEDULE: PUT /api/v1/clusters/$CLUSTER by hand"; fi
}
put_schedule false
trap restore EXIT
say "scheduling off while shards move (was enableSchedule $SCHEDULE)"

held() {
  api POST /api/v1/getNodeShards "{\"clusterName\":\"$CLUSTER\"}" | NODE="$NODE" json '
import os
print(" ".join(str(s["ShardNode"]["ID"]) for s in d["data"]["NodeShards"] if s["ShardNode"]["NodeName"]==os.environ["NODE"]))'
}

deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  shards=$(held)
  [ -z "$shards" ] && break
  if [ -z "$TARGETS" ]; then say "holds shards $shards and has no node to hand them to"; exit 1; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "still holds shards $shards after $WAIT_SECONDS s; see GET /debug/diagnose/$CLUSTER/shards and the procedures (GET /api/v1/clusters/$CLUSTER/procedure), then run pulumi up again"
    exit 1
  fi
  # shellcheck disable=SC2086 # a word list, split on purpose
  set -- $TARGETS
  for shard in $shards; do
    target=$1
    shift
    # shellcheck disable=SC2086 # a word list, split on purpose
    [ $# -eq 0 ] && set -- $TARGETS
    say "shard $shard -> $target"
    api POST /api/v1/transferLeader "{\"clusterName\":\"$CLUSTER\",\"shardID\":$shard,\"OldLeaderNodeName\":\"$NODE\",\"newLeaderNodeName\":\"$target\"}" >/dev/null || say "transferLeader of shard $shard not accepted yet (a procedure may still run); retrying"
  done
  sleep 3
done
say "holds no shard"

if docker stop "$CONTAINER" >/dev/null 2>&1; then say "container $CONTAINER stopped"; else say "container $CONTAINER was not running"; fi
# Until its lease runs out CeresMeta still counts the node as online and could schedule onto it.
sleep "$LEASE_SECONDS"
