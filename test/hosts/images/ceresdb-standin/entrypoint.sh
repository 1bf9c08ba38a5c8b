#!/usr/bin/env bash
set -eo pipefail
exec /usr/bin/ceresdb-server --config /etc/ceresdb/ceresdb.toml
