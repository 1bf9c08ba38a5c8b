#!/bin/sh
# ceresdb-cluster: the OSS key of the CeresMeta backup, from stdin, readable by root only.
set -eu
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_root install -d -m 0700 -o root -g root @DIR@
# shellcheck disable=SC2016 # $1 is expanded by the inner sh
as_root sh -c 'umask 077; cat > "$1.new" && mv "$1.new" "$1"' install @FILE@
