/**
 * CeresMeta metadata backups and the host pieces of monitoring, as text for the host setup:
 * - every host: Ubuntu's prometheus-node-exporter package (the OS package, enabled by its unit);
 * - every meta host: the backup script (scripts/meta-backup.sh), a systemd service and timer that
 *   run it every `metaBackupIntervalMinutes`, and etcdctl from Ubuntu's etcd-client package (3.3
 *   on 22.04; `snapshot save` streams the v3 Maintenance/Snapshot RPC, which etcd 3.5 serves).
 *
 * The host setup script writes these files itself (cloud-init only runs at first boot; the host
 * apply command re-runs the setup on every change), so a changed interval reaches running hosts.
 */
import { ClusterSpec, MetaMemberSpec } from "../model/types";
import { NODE_EXPORTER_TEXTFILE_DIR } from "../model/validate/observability";
import { META_PATHS } from "../model/paths";
import { fillScript, hostPort, RenderError, RenderOptions } from "./common";
import { initialClusterOf } from "./ceresmetaToml";
import type { HostRole } from "../model/vocabulary";

export const META_BACKUP_SCRIPT = "/usr/local/sbin/ceresdb-meta-backup.sh";
export const META_BACKUP_UNIT = "ceresdb-meta-backup";
/** OSS key of the backups, root-only; written by a remote command from the secret, never by cloud-init. */
export const META_BACKUP_CREDENTIALS = "/etc/ceresdb-cluster/meta-backup-oss.env";

export interface MetaBackupOptions {
  /** Base URL objects are PUT under. Default: the bucket's virtual-hosted URL on the spec's endpoint. */
  ossUrl?: string;
  /** Client URL of the local member. Default: `http://<member ip>:<metaClient>`. */
  endpoint?: string;
  credentialsFile?: string;
  textfileDir?: string;
}

/** `https://<bucket>.<endpoint host>`: OSS virtual-hosted style, as CeresDB's object store addresses it. */
export function bucketUrl(spec: ClusterSpec): string {
  const m = /^https:\/\/([^/]+)$/.exec(spec.storage.endpoint);
  if (!m) throw new RenderError("storage.endpoint", `${spec.storage.endpoint} is not https://<host>`);
  return `https://${spec.storage.bucket}.${m[1]}`;
}

export function renderMetaBackupScript(spec: ClusterSpec, member: MetaMemberSpec, o: MetaBackupOptions = {}): string {
  return fillScript("meta-backup.sh", {
    assign: {
      ENDPOINT: o.endpoint ?? `http://${hostPort(member.host.privateIp, spec.ports.metaClient)}`,
      MEMBER: member.memberName,
      CLUSTER: spec.namePrefix,
      OSS_URL: o.ossUrl ?? bucketUrl(spec),
      BUCKET: spec.storage.bucket,
      PREFIX: spec.observability.metaBackup.prefix,
      CREDENTIALS: o.credentialsFile ?? META_BACKUP_CREDENTIALS,
      TEXTFILE_DIR: o.textfileDir ?? NODE_EXPORTER_TEXTFILE_DIR,
    },
  });
}

export function renderMetaBackupUnits(spec: ClusterSpec): { service: string; timer: string } {
  const minutes = spec.observability.metaBackup.intervalMinutes;
  return {
    service: `[Unit]
Description=ceresdb-cluster: etcd snapshot of CeresMeta to OSS (leader only)
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=${META_BACKUP_SCRIPT}
TimeoutStartSec=900
`,
    timer: `[Unit]
Description=ceresdb-cluster: CeresMeta snapshot every ${minutes} minutes

[Timer]
OnBootSec=10min
OnUnitActiveSec=${minutes}min
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
`,
  };
}

/**
 * Steps of the host setup script, which sources them (scripts/host-node-exporter.sh on every host,
 * scripts/host-meta-backup.sh on meta hosts: node exporter, then the backup timer).
 */
export function renderObservabilitySetupSteps(spec: ClusterSpec, role: HostRole, member?: MetaMemberSpec): string {
  if (role !== "meta") return fillScript("host-node-exporter.sh", {});
  if (!member) throw new RenderError("member", "a meta host's setup needs its member");
  const units = renderMetaBackupUnits(spec);
  return fillScript("host-meta-backup.sh", {
    fill: { SCRIPT_PATH: META_BACKUP_SCRIPT, SCRIPT: renderMetaBackupScript(spec, member), UNIT: META_BACKUP_UNIT, SERVICE: units.service, TIMER: units.timer },
  });
}

/** The remote command that installs the backup's OSS key (given on stdin) as a root-only file (scripts/backup-credentials.sh). */
export function renderBackupCredentialsCommand(): string {
  return fillScript("backup-credentials.sh", { fill: { DIR: META_BACKUP_CREDENTIALS.replace(/\/[^/]+$/, ""), FILE: META_BACKUP_CREDENTIALS } });
}

/**
 * The restore script of one member (scripts/meta-restore.sh): every member from the same snapshot,
 * with the rendered initial cluster, the SAME initial-cluster-token and its own peer URL, so the
 * restored members form one cluster again (a new etcd cluster ID, the metadata of the snapshot).
 */
export function renderMetaRestoreScript(spec: ClusterSpec, member: MetaMemberSpec, opts: RenderOptions = {}): string {
  return fillScript("meta-restore.sh", {
    assign: {
      NAME: member.memberName,
      INITIAL_CLUSTER: initialClusterOf(spec, opts),
      TOKEN: spec.bootstrap.initialClusterToken,
      PEER_URL: `http://${hostPort(member.host.privateIp, spec.ports.metaPeer)}`,
      DEFAULT_DATA_DIR: META_PATHS.dataOnHost,
    },
  });
}
