@include:host-node-exporter.sh@

# The CeresMeta backup of a meta host: its script, systemd service and timer.
STEP=meta-backup
command -v etcdctl >/dev/null || apt_install etcd-client
command -v openssl >/dev/null || apt_install openssl
cat > @word:SCRIPT_PATH@.new <<'CERESDB_META_BACKUP_EOF'
@heredoc:SCRIPT@
CERESDB_META_BACKUP_EOF
mv @word:SCRIPT_PATH@.new @word:SCRIPT_PATH@
chmod 0755 @word:SCRIPT_PATH@
cat > /etc/systemd/system/@word:UNIT@.service.new <<'CERESDB_UNIT_EOF'
@heredoc:SERVICE@
CERESDB_UNIT_EOF
mv /etc/systemd/system/@word:UNIT@.service.new /etc/systemd/system/@word:UNIT@.service
cat > /etc/systemd/system/@word:UNIT@.timer.new <<'CERESDB_UNIT_EOF'
@heredoc:TIMER@
CERESDB_UNIT_EOF
mv /etc/systemd/system/@word:UNIT@.timer.new /etc/systemd/system/@word:UNIT@.timer
systemctl daemon-reload
systemctl enable --now @word:UNIT@.timer || fail "could not start @word:UNIT@.timer"
