#!/bin/bash
# Runs at first boot from cloud-init, and again over SSH whenever it changes (the host apply
# command); safe to re-run by hand. Never formats a disk that already carries any signature:
# the data disk outlives instance replacement.
set -euo pipefail

@assign@

log() { echo "ceresdb-cluster-setup[$STEP]: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
STEP=start
trap 'rc=$?; [ $rc -eq 0 ] || echo "ceresdb-cluster-setup[$STEP]: FAILED (exit $rc); $MARKER not written" >&2' EXIT

# A marker left from an earlier run must not satisfy the readiness gate before this run passes.
rm -f "$MARKER"

STEP=os
command -v apt-get >/dev/null || fail "only Debian/Ubuntu images are supported (apt-get not found)"
export DEBIAN_FRONTEND=noninteractive
apt_install() {
  # Bounded retries: unattended-upgrades often holds the dpkg lock right after boot.
  for attempt in 1 2 3 4 5; do
    if apt-get -o DPkg::Lock::Timeout=120 update -q && \
       apt-get -o DPkg::Lock::Timeout=120 install -y -q "$@"; then
      return 0
    fi
    log "apt-get install $* failed (attempt $attempt/5); retrying in 10s"
    sleep 10
  done
  fail "could not install: $*"
}

STEP=disk-wait
waited=0
until [ -b "$DEVICE" ]; do
  [ "$waited" -lt "$DISK_WAIT_SECONDS" ] || fail "data disk $DEVICE did not appear within $DISK_WAIT_SECONDS s"
  sleep 5
  waited=$((waited + 5))
done
log "data disk present: $DEVICE -> $(readlink -f "$DEVICE")"

STEP=disk-format
# blkid -p exit codes: 0 = some signature found, 2 = nothing found, anything else = error.
# Only "nothing found" allows mkfs; a partition table or a foreign filesystem is left untouched.
set +e
blkid -p "$DEVICE" >/dev/null 2>&1
probe=$?
set -e
case "$probe" in
  2)
    log "no filesystem on $DEVICE: creating ext4"
    mkfs.ext4 -q -F -L ceresdata "$DEVICE" || fail "mkfs.ext4 $DEVICE failed"
    ;;
  0)
    fstype="$(blkid -p -o value -s TYPE "$DEVICE" || true)"
    [ "$fstype" = "ext4" ] || fail "$DEVICE carries a signature that is not ext4 (TYPE='$fstype'); refusing to touch it"
    log "existing ext4 filesystem on $DEVICE kept"
    ;;
  *)
    fail "blkid could not probe $DEVICE (exit $probe)"
    ;;
esac

STEP=disk-mount
uuid="$(blkid -p -o value -s UUID "$DEVICE")"
[ -n "$uuid" ] || fail "no filesystem UUID on $DEVICE"
mkdir -p "$MOUNT"
if ! mountpoint -q "$MOUNT"; then
  # Immutable while unmounted: if the disk is ever missing at boot (nofail), Docker cannot
  # create data dirs on the system disk, so a service fails loudly instead of starting empty.
  chattr +i "$MOUNT" || fail "chattr +i $MOUNT failed"
fi
if ! grep -q "^UUID=$uuid " /etc/fstab; then
  if awk -v m="$MOUNT" '$2 == m { found = 1 } END { exit !found }' /etc/fstab; then
    fail "/etc/fstab already mounts something else at $MOUNT"
  fi
  echo "UUID=$uuid $MOUNT ext4 defaults,nofail,noatime 0 2" >> /etc/fstab
fi
mountpoint -q "$MOUNT" || mount "$MOUNT" || fail "mount $MOUNT failed"
[ "$(findmnt -n -o UUID --target "$MOUNT")" = "$uuid" ] || fail "$MOUNT is not the data disk (UUID $uuid)"
mkdir -p "$DATA_DIR"

STEP=disk-grow
# The data disk is resized online (ecs_disk type = online); ext4 grows while mounted. A no-op
# when the filesystem already fills the disk.
resize2fs "$DEVICE" || fail "resize2fs $DEVICE failed"
log "filesystem on $DEVICE: $(df -h --output=size "$MOUNT" | tail -n 1 | tr -d ' ')"

STEP=ssh-keys
# The stack owns $SSH_USER's authorized_keys: the ECS key pair reaches a host only at its first
# boot, so a rotated key (and the end of a rotation) is applied here.
getent passwd "$SSH_USER" >/dev/null || fail "SSH user $SSH_USER does not exist"
ssh_home="$(getent passwd "$SSH_USER" | cut -d: -f6)"
ssh_group="$(id -gn "$SSH_USER")"
install -d -m 0700 -o "$SSH_USER" -g "$ssh_group" "$ssh_home/.ssh"
cat > "$ssh_home/.ssh/authorized_keys.ceresdb-new" <<'CERESDB_AUTHORIZED_KEYS'
@heredoc:AUTHORIZED_KEYS@
CERESDB_AUTHORIZED_KEYS
chown "$SSH_USER:$ssh_group" "$ssh_home/.ssh/authorized_keys.ceresdb-new"
chmod 0600 "$ssh_home/.ssh/authorized_keys.ceresdb-new"
mv "$ssh_home/.ssh/authorized_keys.ceresdb-new" "$ssh_home/.ssh/authorized_keys"

STEP=host-tools
# The rolling gates call curl on the host, the bootstrap guard curl and python3: never rely on
# the image shipping them.
for tool in curl python3; do
  command -v "$tool" >/dev/null || apt_install "$tool"
done

STEP=time-sync
command -v chronyd >/dev/null || apt_install chrony
systemctl enable --now chrony || systemctl enable --now chronyd || fail "could not start chrony"

STEP=docker
command -v docker >/dev/null || apt_install docker.io
systemctl enable --now docker || fail "could not start docker"
waited=0
until docker info >/dev/null 2>&1; do
  [ "$waited" -lt 120 ] || fail "docker info still failing after 120 s"
  sleep 2
  waited=$((waited + 2))
done

# Node exporter, and on meta hosts the metadata backup timer (components/render/metaBackup.ts):
# written out and sourced, so they share this script's STEP, log, fail and apt_install.
STEP=observability
observability_steps="$(mktemp)"
cat > "$observability_steps" <<'CERESDB_OBSERVABILITY_EOF'
@heredoc:OBSERVABILITY_STEPS@
CERESDB_OBSERVABILITY_EOF
# shellcheck source=/dev/null
. "$observability_steps"
rm -f "$observability_steps"

STEP=ready
mkdir -p "$(dirname "$MARKER")"
printf 'host=%s role=%s ready_at=%s\n' @HOST@ @ROLE@ "$(date -u +%FT%TZ)" > "$MARKER.tmp"
mv "$MARKER.tmp" "$MARKER"
printf '%s
' @REVISION@ > "$REVISION_FILE.tmp"
mv "$REVISION_FILE.tmp" "$REVISION_FILE"
log "host ready"
