#!/usr/bin/env bash
# CI step of `npm run test:hosts`: installs what the test hosts need when missing (Debian/Ubuntu
# runner, root), starts a Docker daemon when none answers (and stops only the one it started),
# runs the checks, and always removes the hosts, even when the checks fail or are interrupted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v losetup >/dev/null || need+=(mount)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v ssh >/dev/null || need+=(openssh-client)
if [ "${#need[@]}" -gt 0 ]; then
  echo "test-hosts: installing ${need[*]}"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
command -v go >/dev/null || { echo "test-hosts: FAILED: the Go toolchain is required (test/ssh/cmdclient)" >&2; exit 1; }

started=""
if ! timeout 10 docker info >/dev/null 2>&1; then
  echo "test-hosts: starting dockerd (log: /tmp/test-hosts-dockerd.log)"
  dockerd > /tmp/test-hosts-dockerd.log 2>&1 &
  started=$!
  for _ in $(seq 1 60); do timeout 5 docker info >/dev/null 2>&1 && break; sleep 1; done
  timeout 5 docker info >/dev/null 2>&1 || { echo "test-hosts: FAILED: dockerd did not answer within 60 s" >&2; tail -20 /tmp/test-hosts-dockerd.log >&2; exit 1; }
fi
cleanup() {
  npx tsx test/hosts/run.ts --down || true
  if [ -n "$started" ]; then kill "$started" 2>/dev/null || true; wait "$started" 2>/dev/null || true; fi
}
trap cleanup EXIT

# The CeresMeta image is built from the real server binary.
bash .ci/meta-build.sh
timeout 2400 npm run -s test:hosts
