#!/bin/sh
# Shard readiness of a CeresDB cluster as CeresMeta reports it, run on a CeresMeta member's host
# (over SSH by a node's roll gate: the nodes cannot reach the CeresMeta HTTP API). Generated from
# components/render/scripts/shards-probe.sh. Parses exactly what CeresMeta v1.2.7 answers to
# GET /debug/diagnose/{cluster}/shards (apache/incubator-horaedb-meta v1.2.7,
# server/service/http/api.go diagnoseShards, types.go DiagnoseShardResult):
#   {"status":"success","data":{"unregistered_shards":[0,1],"unready_shards":{"3":{"node_name":"10.10.0.20:8831","status":"partialOpen"}}}}
# Prints one line: shards-ready (exit 0), shards-not-ready: <which> (exit 1), or
# shards-unknown: <why> (exit 2: this member could not tell; ask another).
set -u
@assign@

if ! body=$(curl -sS --max-time 5 "$DIAGNOSE_URL" 2>&1); then
  echo "shards-unknown: $DIAGNOSE_URL does not answer ($body)"
  exit 2
fi
printf '%s' "$body" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("shards-unknown: the answer is not JSON")
    sys.exit(2)
if not isinstance(d, dict) or d.get("status") != "success":
    why = d.get("msg") or d.get("error") if isinstance(d, dict) else None
    print("shards-unknown: CeresMeta answered " + str(why or d))
    sys.exit(2)
data = d.get("data")
unreg = data.get("unregistered_shards") if isinstance(data, dict) else None
unready = data.get("unready_shards") if isinstance(data, dict) else None
if not isinstance(unreg, list) or not isinstance(unready, dict):
    print("shards-unknown: no unregistered_shards list and unready_shards map in " + json.dumps(data)[:200])
    sys.exit(2)
if not unreg and not unready:
    print("shards-ready")
    sys.exit(0)
parts = []
if unreg:
    parts.append("unregistered (no node serves them) " + ",".join(str(s) for s in sorted(unreg)))
if unready:
    def key(kv):
        return int(kv[0]) if str(kv[0]).isdigit() else 0
    parts.append("not ready " + ", ".join("%s on %s (%s)" % (k, v.get("node_name"), v.get("status")) for k, v in sorted(unready.items(), key=key)))
print("shards-not-ready: " + "; ".join(parts))
sys.exit(1)
'
