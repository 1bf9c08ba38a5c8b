#!/usr/bin/env bash
# Builds the binary `npm run test:meta` runs: the real CeresMeta server v1.2.7 (cmd/meta of module
# github.com/CeresDB/ceresmeta, tag v1.2.7, commit 70e316e), into the git-ignored
# .cache/bin/ceresmeta-v1.2.7.
#
# Where the source comes from: test/meta/go.mod requires github.com/CeresDB/ceresmeta v1.2.7
# and replaces it with github.com/apache/incubator-horaedb-meta v1.2.7, the same tag and commit
# under the repository's current name (its go.mod still says `module github.com/CeresDB/ceresmeta`).
# The Go module proxy refuses the CeresDB path (list and zip: 403). test/meta/go.sum pins
# the source and every dependency, so a fresh clone needs only the Go toolchain and the proxy.
#
# Skips the build when the binary exists and its stamp matches the inputs (go.mod, go.sum,
# tools.go, this script). Prints progress while downloading and compiling (minutes when cold).
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=test/meta
BIN=.cache/bin/ceresmeta-v1.2.7
STAMP="$BIN.sha256"
PKG=github.com/CeresDB/ceresmeta/cmd/meta
UPSTREAM=github.com/apache/incubator-horaedb-meta@v1.2.7

command -v go >/dev/null || { echo "meta-build: FAILED: the Go toolchain is required (go not on PATH)" >&2; exit 1; }
# Only this module decides what is built: no workspace, no vendor dir, go.sum must already hold
# every hash (a missing or different hash is an error, never silently accepted).
export GOWORK=off GOFLAGS="-mod=readonly"

hash="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/tools.go" "$0" | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  echo "meta-build: $BIN is up to date (inputs $hash)"
  exit 0
fi

mkdir -p .cache/bin
start=$(date +%s)
echo "meta-build: building the real CeresMeta v1.2.7 ($PKG via $UPSTREAM) with $(go version | cut -d' ' -f3)"

echo "meta-build: [1/3] downloading modules (a cold module cache fetches ~76 module zips, ~260 MB on disk)"
shopt -s lastpipe # the loop below runs in this shell, so $n survives it
n=0
(cd "$SRC" && go mod download -x 2>&1) | while IFS= read -r line; do
  case "$line" in
    *'.zip: 200'*) n=$((n + 1)); echo "meta-build:   [$n] ${line#\# get }" ;;
    '# '*) ;;
    *) echo "meta-build:   $line" ;;
  esac
done
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "meta-build: FAILED: go mod download exited $rc" >&2; exit 1; }
(cd "$SRC" && go mod verify 2>&1) | sed 's/^/meta-build:   /'
[ "${PIPESTATUS[0]}" = 0 ] || { echo "meta-build: FAILED: go mod verify" >&2; exit 1; }
echo "meta-build:   $n module zip(s) downloaded, all modules verified against go.sum ($(( $(date +%s) - start ))s)"

# The commit is the one the proxy recorded for the tag (module .info Origin), as upstream's
# Makefile passes it; it shows in `ceresmeta -version` and in the server's first log line.
commit="$(cd "$SRC" && go mod download -json "$UPSTREAM" | sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' | head -1)"
ldflags="-X main.commitID=${commit:-unknown} -X main.branchName=v1.2.7 -X main.buildDate=meta-build"

echo "meta-build: [2/3] compiling (go build -v; one line per 50 packages)"
tmp="$BIN.tmp.$$"
trap 'rm -f "$tmp"' EXIT
set +e
( cd "$SRC" && go build -v -trimpath -ldflags "$ldflags" -o "../../$tmp" "$PKG" 2>&1 ) | awk '
  /^[a-zA-Z0-9._~\/-]+$/ { n++; if (n % 50 == 0) { printf "meta-build:   compiled %d packages (%s)\n", n, $0; fflush() } ; next }
  { print "meta-build:   " $0; fflush() }
  END { printf "meta-build:   compiled %d packages\n", n }'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] && [ -x "$tmp" ] || { echo "meta-build: FAILED: go build exited $rc" >&2; exit 1; }

echo "meta-build: [3/3] checking what was built"
info="$(go version -m "$tmp")"
echo "$info" | grep -E "^\s+(path|mod|=>)\s" | sed 's/^[[:space:]]*/meta-build:   /'
echo "$info" | grep -qE "^\s+mod\s+github.com/CeresDB/ceresmeta\s+v1.2.7\s*$" \
  && echo "$info" | grep -qE "^\s+=>\s+github.com/apache/incubator-horaedb-meta\s+v1.2.7\s+h1:" \
  || { echo "meta-build: FAILED: the binary is not CeresMeta v1.2.7 from $UPSTREAM" >&2; exit 1; }
"./$tmp" -version 2>&1 | sed 's/^/meta-build:   /'

mv -f "$tmp" "$BIN"
echo "$hash" > "$STAMP"
echo "meta-build: built $BIN ($(du -m "$BIN" | cut -f1) MB) in $(( $(date +%s) - start ))s"
