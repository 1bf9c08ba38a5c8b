#!/usr/bin/env bash
# Build the Go tools the workflows and the real teardown test need, into the
# git-ignored .cache/bin/, unless a binary of the pinned version is already there.
#
#   bash .ci/build-tools.sh             # both tools
#   bash .ci/build-tools.sh actionlint  # only actionlint
#   bash .ci/build-tools.sh pulumi      # only the Pulumi CLI
#
# Needs only the Go toolchain and the Go module proxy. Progress and wall times
# are printed; the full `go` output goes to .cache/logs/<tool>.log.
set -euo pipefail

ACTIONLINT_VERSION="v1.7.12"
# Must match the npm @pulumi/pulumi version in package.json (3.248.0) and the
# versions pinned in tools/pulumi-cli/go.mod.
PULUMI_VERSION="v3.248.0"

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

build_actionlint() {
  local stamp="$BIN/.actionlint-$ACTIONLINT_VERSION"
  if [ -x "$BIN/actionlint" ] && [ -f "$stamp" ]; then
    log "actionlint $ACTIONLINT_VERSION already in .cache/bin"
    return 0
  fi
  log "building actionlint $ACTIONLINT_VERSION"
  with_heartbeat actionlint env GOBIN="$BIN" \
    go install -v "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  rm -f "$BIN"/.actionlint-*
  touch "$stamp"
  "$BIN/actionlint" -version | head -n 1
}

build_pulumi() {
  local stamp="$BIN/.pulumi-$PULUMI_VERSION"
  if [ -x "$BIN/pulumi" ] && [ -f "$stamp" ]; then
    log "pulumi $PULUMI_VERSION already in .cache/bin"
    return 0
  fi
  log "building the Pulumi CLI $PULUMI_VERSION from tools/pulumi-cli (large: expect many minutes on 2 cores)"
  # The version is stamped into the binary the same way upstream's Makefile does.
  with_heartbeat pulumi bash -c "cd '$ROOT/tools/pulumi-cli' && go mod download -x && \
    go build -v -o '$BIN/pulumi' \
      -ldflags '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION' \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
  rm -f "$BIN"/.pulumi-*
  touch "$stamp"
  "$BIN/pulumi" version
}

case "$want" in
  all) build_actionlint; build_pulumi ;;
  actionlint) build_actionlint ;;
  pulumi) build_pulumi ;;
  *) echo "usage: $0 [all|actionlint|pulumi]" >&2; exit 2 ;;
esac
