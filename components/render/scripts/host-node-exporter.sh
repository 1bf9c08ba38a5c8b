# shellcheck shell=bash disable=SC2034 # sourced by host-setup.sh, whose log, fail and EXIT trap read STEP
# Node exporter, on every host (components/render/metaBackup.ts; host-meta-backup.sh adds a meta host's steps).
STEP=node-exporter
# Ubuntu's package: listens on :9100 (the firewall admits only the monitoring source), textfile
# collector in the package's default directory (NODE_EXPORTER_TEXTFILE_DIR).
command -v prometheus-node-exporter >/dev/null || apt_install prometheus-node-exporter
systemctl enable --now prometheus-node-exporter || fail "could not start prometheus-node-exporter"
