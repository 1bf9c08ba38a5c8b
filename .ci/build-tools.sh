#!/usr/bin/env bash
# Build the Go tools the workflows and the real teardown test need, into the
# git-ignored .cache/bin/, unless a binary of the pinned version is already there.
#
#   bash .ci/build-tools.sh             # both tools
#   bash .ci/build-tools.sh actionlint  # only actionlint
#   bash .ci/build-tools.sh pulumi      # only the Pulumi CLI
#   bash .ci/build-tools.sh etcd        # only etcdctl + etcdutl (the meta proof's backup round trip)
#
# Needs only the Go toolchain and the Go module proxy. Progress and wall times
# are printed; the full `go` output goes to .cache/logs/<tool>.log.
set -euo pipefail

ACTIONLINT_VERSION="v1.7.12"
# Must match the npm @pulumi/pulumi version in package.json (3.248.0) and the
# versions pinned in tools/pulumi-cli/go.mod.
PULUMI_VERSION="v3.248.0"
# The etcd that CeresMeta v1.2.7 embeds (test/meta/go.sum: go.etcd.io/etcd/server/v3 v3.5.4): the
# snapshot/restore tools must read and write that version's snapshot and data-dir formats.
ETCD_VERSION="v3.5.4"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.cache/bin"
LOGS="$ROOT/.cache/logs"
mkdir -p "$BIN" "$LOGS"

want="${1:-all}"

log() { printf '[build-tools %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Print a heartbeat while a long build runs, so CI logs show progress.
with_heartbeat() {
  local name="$1"; shift
  local logfile="$LOGS/$name.log"
  local start=$SECONDS
  "$@" >"$logfile" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: still building ($((SECONDS - start))s; $(wc -l <"$logfile") log lines)"
    fi
  done
  local rc=0
  wait "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "$name: FAILED after $((SECONDS - start))s (exit $rc); last log lines:"
    tail -n 40 "$logfile" >&2
    return "$rc"
  fi
  log "$name: built in $((SECONDS - start))s"
}

# True, saying so, when the binaries $3... are in .cache/bin with the stamp of tool $1 at version $2.
already_built() {
  local tool="$1" version="$2" bin
  shift 2
  for bin in "$@"; do [ -x "$BIN/$bin" ] || return 1; done
  [ -f "$BIN/.$tool-$version" ] || return 1
  log "$* $version already in .cache/bin"
}

# Stamps tool $1 as built at version $2 (what already_built looks for), dropping older stamps.
stamp_built() {
  rm -f "$BIN/.$1-"*
  touch "$BIN/.$1-$2"
}

build_actionlint() {
  already_built actionlint "$ACTIONLINT_VERSION" actionlint && return 0
  log "building actionlint $ACTIONLINT_VERSION"
  with_heartbeat actionlint env GOBIN="$BIN" \
    go install -v "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  stamp_built actionlint "$ACTIONLINT_VERSION"
  "$BIN/actionlint" -version | head -n 1
}

build_pulumi() {
  already_built pulumi "$PULUMI_VERSION" pulumi && return 0
  log "building the Pulumi CLI $PULUMI_VERSION from tools/pulumi-cli (large: expect many minutes on 2 cores)"
  # The version is stamped into the binary the same way upstream's Makefile does.
  with_heartbeat pulumi bash -c "cd '$ROOT/tools/pulumi-cli' && go mod download -x && \
    go build -v -o '$BIN/pulumi' \
      -ldflags '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION' \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
  stamp_built pulumi "$PULUMI_VERSION"
  "$BIN/pulumi" version
}

# etcdctl (snapshot save) and etcdutl (snapshot restore) for the meta proof's backup round trip.
build_etcd() {
  already_built etcd "$ETCD_VERSION" etcdctl etcdutl && return 0
  log "building etcdctl and etcdutl $ETCD_VERSION from tools/etcd-tools"
  # Their go.mod files carry replace lines, so `go install pkg@version` is refused (see tools/etcd-tools/go.mod).
  with_heartbeat etcd bash -c "cd '$ROOT/tools/etcd-tools' && \
    go build -o '$BIN/etcdctl' go.etcd.io/etcd/etcdctl/v3 && \
    go build -o '$BIN/etcdutl' go.etcd.io/etcd/etcdutl/v3"
  stamp_built etcd "$ETCD_VERSION"
  "$BIN/etcdctl" version | head -n 1
}

case "$want" in
  all) build_actionlint; build_pulumi; build_etcd ;;
  actionlint) build_actionlint ;;
  pulumi) build_pulumi ;;
  etcd) build_etcd ;;
  *) echo "usage: $0 [all|actionlint|pulumi|etcd]" >&2; exit 2 ;;
esac
