#!/bin/bash
# CeresMeta restore of ONE member from an etcd snapshot. Generated from
# components/render/scripts/meta-restore.sh (components/render/metaBackup.ts); the README's restore
# procedure runs it on every meta host, with the SAME snapshot file, while every CeresMeta
# container is stopped, then starts them all. Proven on the real CeresMeta by test/meta.
#
#   ceresdb-meta-restore.sh <snapshot.db>
#
# Writes a fresh data dir for this member: etcd's `member` dir under <data-dir>/etcd and its WAL
# under <data-dir>/wal, as CeresMeta lays them out (server/config/config.go: cfg.Dir = DataDir +
# "/etcd", cfg.WalDir = DataDir + "/wal"). Refuses to run over existing data: move it away first.
set -euo pipefail

@assign@
DATA_DIR="${DATA_DIR:-$DEFAULT_DATA_DIR}"
ETCDUTL="${ETCDUTL:-etcdutl}"

snapshot="${1:?usage: $0 <snapshot.db>}"
[ -s "$snapshot" ] || { echo "no snapshot at $snapshot" >&2; exit 1; }
for d in "$DATA_DIR/etcd" "$DATA_DIR/wal"; do
  if [ -e "$d" ]; then
    echo "$d exists: move the member's old data away first (mv $DATA_DIR $DATA_DIR.broken)" >&2
    exit 1
  fi
done
mkdir -p "$DATA_DIR"
"$ETCDUTL" snapshot status "$snapshot" -w table
"$ETCDUTL" snapshot restore "$snapshot" \
  --name "$NAME" \
  --initial-cluster "$INITIAL_CLUSTER" \
  --initial-cluster-token "$TOKEN" \
  --initial-advertise-peer-urls "$PEER_URL" \
  --data-dir "$DATA_DIR/etcd" \
  --wal-dir "$DATA_DIR/wal"
echo "restored $NAME into $DATA_DIR from $snapshot; start every member once all are restored" >&2
