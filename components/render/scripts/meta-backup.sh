#!/bin/bash
# CeresMeta metadata backup, run by the ceresdb-meta-backup systemd timer on every meta host.
# Generated from components/render/scripts/meta-backup.sh (components/render/metaBackup.ts).
#
# On every member: record etcd's raised alarms (NOSPACE...) for node exporter's textfile
# collector. On the etcd leader only (one snapshot per interval per cluster): `etcdctl snapshot
# save` over the local member's client URL, then PUT it to the cluster's bucket under its own
# prefix, signed with the OSS access key of the credentials file (never on a command line).
# Retention is an OSS lifecycle rule on that prefix. Exits non-zero on any failure, so
# `systemctl status ceresdb-meta-backup` shows it and the MetaBackupStale alert fires.
set -euo pipefail

@assign@
ETCDCTL="${ETCDCTL:-etcdctl}"
export ETCDCTL_API=3

log() { echo "ceresdb-meta-backup[$MEMBER]: $*" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes a textfile-collector file atomically (node exporter must never read half a file).
write_prom() {
  local name="$1"
  mkdir -p "$TEXTFILE_DIR"
  cat > "$work/$name.prom"
  chmod 0644 "$work/$name.prom"
  mv "$work/$name.prom" "$TEXTFILE_DIR/$name.prom"
}

alarms="$(timeout 30 "$ETCDCTL" --endpoints="$ENDPOINT" --command-timeout=20s alarm list)" || { log "etcdctl alarm list failed"; exit 1; }
nospace=0
if printf '%s\n' "$alarms" | grep -q 'alarm:NOSPACE'; then nospace=1; fi
corrupt=0
if printf '%s\n' "$alarms" | grep -q 'alarm:CORRUPT'; then corrupt=1; fi
write_prom ceresdb_etcd_alarm <<EOF
# HELP ceresdb_etcd_alarm 1 while etcd reports this alarm raised (etcdctl alarm list).
# TYPE ceresdb_etcd_alarm gauge
ceresdb_etcd_alarm{alarm="NOSPACE"} $nospace
ceresdb_etcd_alarm{alarm="CORRUPT"} $corrupt
EOF

status="$(timeout 30 "$ETCDCTL" --endpoints="$ENDPOINT" --command-timeout=20s endpoint status -w json)" || { log "etcdctl endpoint status failed"; exit 1; }
role="$(printf '%s' "$status" | python3 -c 'import json, sys
s = json.load(sys.stdin)[0]["Status"]
print("leader" if s["header"]["member_id"] == s["leader"] else "follower")')"
if [ "$role" != leader ]; then
  log "not the etcd leader: the leader takes the snapshot"
  exit 0
fi

[ -r "$CREDENTIALS" ] || { log "credentials file $CREDENTIALS missing: no upload possible"; exit 1; }
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$work/$CLUSTER-$stamp.db"
start=$SECONDS
timeout 600 "$ETCDCTL" --endpoints="$ENDPOINT" --command-timeout=300s snapshot save "$file" > "$work/save.log" 2>&1 || { log "snapshot save failed: $(tail -n 3 "$work/save.log")"; exit 1; }
size="$(stat -c %s "$file")"
key="$PREFIX/$CLUSTER-$stamp.db"

# OSS signature V1 (Authorization: OSS <id>:base64(HMAC-SHA1(secret, "PUT\n<md5>\n<type>\n<date>\n/<bucket>/<key>"))),
# computed by python3 with the key read from the credentials file, so it never appears in argv.
date_header="$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')"
content_type=application/octet-stream
md5="$(openssl dgst -md5 -binary "$file" | base64)"
authorization="$(CREDENTIALS="$CREDENTIALS" python3 - "$md5" "$content_type" "$date_header" "/$BUCKET/$key" <<'PY'
import base64, hashlib, hmac, os, sys
creds = {}
with open(os.environ["CREDENTIALS"]) as f:
    for line in f:
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            creds[k] = v
md5, ctype, date, resource = sys.argv[1:5]
to_sign = "\n".join(["PUT", md5, ctype, date, resource]).encode()
sig = base64.b64encode(hmac.new(creds["OSS_ACCESS_KEY_SECRET"].encode(), to_sign, hashlib.sha1).digest()).decode()
print("OSS %s:%s" % (creds["OSS_ACCESS_KEY_ID"], sig))
PY
)"
# The header goes through a file: curl reads it there, not from argv.
printf 'Authorization: %s\n' "$authorization" > "$work/auth.header"
chmod 0600 "$work/auth.header"
http_code="$(curl -sS --max-time 600 -o "$work/put.out" -w '%{http_code}' -X PUT --data-binary "@$file" \
  -H "Date: $date_header" -H "Content-Type: $content_type" -H "Content-MD5: $md5" -H "@$work/auth.header" \
  "$OSS_URL/$key")" || { log "upload to $OSS_URL/$key failed"; exit 1; }
if [ "$http_code" != 200 ]; then
  log "upload to $OSS_URL/$key answered HTTP $http_code: $(head -c 500 "$work/put.out")"
  exit 1
fi
log "snapshot of $size bytes saved to oss://$BUCKET/$key in $((SECONDS - start)) s"
write_prom ceresdb_meta_backup <<EOF
# HELP ceresdb_meta_backup_last_success_timestamp_seconds When the last CeresMeta snapshot reached OSS.
# TYPE ceresdb_meta_backup_last_success_timestamp_seconds gauge
ceresdb_meta_backup_last_success_timestamp_seconds $(date +%s)
# HELP ceresdb_meta_backup_last_size_bytes Size of the last CeresMeta snapshot.
# TYPE ceresdb_meta_backup_last_size_bytes gauge
ceresdb_meta_backup_last_size_bytes $size
EOF
