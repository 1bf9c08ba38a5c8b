#!/bin/sh
# cloud-init runs user data only at first boot; this re-runs the same script whenever it changes.
set -eu
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
cat > "$tmp" <<'CERESDB_HOST_SETUP_EOF'
@heredoc:SETUP_SCRIPT@
CERESDB_HOST_SETUP_EOF
as_root install -m 0755 -o root -g root "$tmp" @SETUP_PATH@
as_root @SETUP_PATH@ < /dev/null
