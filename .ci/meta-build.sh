#!/usr/bin/env bash
# Builds the binary `npm run test:meta` runs: tools/meta-proof/standin, i.e. the embedded etcd of
# CeresMeta v1.2.7 (go.etcd.io/etcd/server/v3 v3.5.4) started from a CeresMeta TOML.
#
# Why not CeresMeta itself: github.com/CeresDB/ceresmeta is not served by the Go module proxy this
# project can reach (`go list -m -versions github.com/CeresDB/ceresmeta` answers "403 Forbidden:
# This module version is not available"). The probe below reports whether that ever changes.
#
# Output goes to the git-ignored .cache/bin; a stamp with the hash of the Go sources lets later
# runs skip the build. Works on a fresh clone with only the Go toolchain (cold or warm module cache).
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=tools/meta-proof
BIN=.cache/bin/meta-standin-etcd-v3.5.4
STAMP="$BIN.sha256"

command -v go >/dev/null || { echo "meta-build: FAILED: the Go toolchain is required (go not on PATH)" >&2; exit 1; }

hash="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/standin/*.go | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  echo "meta-build: $BIN is up to date (sources $hash)"
  exit 0
fi

echo "meta-build: probing the module proxy for CeresMeta (informational)"
if out="$(cd "$SRC" && go list -m -versions github.com/CeresDB/ceresmeta 2>&1)"; then
  echo "meta-build: NOTE: CeresMeta is now available: $out (the stand-in could be replaced)"
else
  echo "meta-build: CeresMeta not available via the proxy: $(echo "$out" | head -2 | tr '\n' ' ')"
fi

mkdir -p .cache/bin
start=$(date +%s)
echo "meta-build: downloading modules (go mod download; minutes on a cold cache)..."
( cd "$SRC" && go mod download -x 2>&1 | grep -E '^# get .*200' | sed 's/^/meta-build:   /' | head -200 ) || true
( cd "$SRC" && go mod verify >/dev/null ) || { echo "meta-build: FAILED: go mod verify" >&2; exit 1; }
echo "meta-build: compiling $BIN ..."
( cd "$SRC" && go build -trimpath -o "../../$BIN" ./standin )
echo "$hash" > "$STAMP"
echo "meta-build: built $BIN in $(( $(date +%s) - start ))s"
