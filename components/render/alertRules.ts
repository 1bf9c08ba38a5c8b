/**
 * The cluster's alert rules, as data and as a Prometheus rule file (`promtool check rules` and
 * `promtool test rules` run on the rendered file in test/render/alertRules.test.ts).
 *
 * Metric names come from what the real servers export:
 * - etcd (CeresMeta v1.2.7 embeds etcd v3.5.4): read off the real `/metrics` of the etcd client
 *   port in test/meta (etcd_server_has_leader, etcd_server_leader_changes_seen_total,
 *   etcd_disk_wal_fsync_duration_seconds, etcd_disk_backend_commit_duration_seconds,
 *   etcd_mvcc_db_total_size_in_bytes, etcd_server_quota_backend_bytes,
 *   etcd_server_proposals_failed_total). etcd 3.5 exports no metric for raised alarms, so the
 *   NOSPACE alert also reads `ceresdb_etcd_alarm`, written by the backup timer from
 *   `etcdctl alarm list` (scripts/meta-backup.sh, node exporter textfile collector).
 * - CeresDB v1.2.7 (apache/horaedb): proxy/src/metrics.rs `grpc_handler_counter{type}` with
 *   route_failed, write_failed, query_failed; components/object_store/src/metrics.rs
 *   `object_store_latency{op}` (a histogram; no error counter exists at v1.2.7, so OSS trouble is
 *   seen as failing writes together with slow object store calls).
 * - node exporter: node_filesystem_avail_bytes / node_filesystem_size_bytes on the data mount.
 *
 * Thresholds follow the etcd project's own alert rules (contrib/mixin at v3.5: fsync p99 > 0.5 s,
 * commit p99 > 0.25 s, 4 leader changes in 15 minutes).
 */
import YAML from "yaml";
import { HOST_DATA_MOUNT } from "../model/paths";
import { ClusterSpec, UserAlertRule } from "../model/types";
import { STACK_ALERT_NAMES } from "../model/validate/observability";
import { commentBlock, RenderError } from "./common";
import { JOB_NAMES } from "./prometheusConfig";

export type Severity = "critical" | "warning";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity; source: "ceresdb-cluster" | "user" };
  annotations: { summary: string; runbook: string };
}

/** Group names in the rendered file: ours, and the user's beside it (never merged into ours). */
export const STACK_GROUP = "ceresdb-cluster";
export const USER_GROUP = "ceresdb-cluster-user";

const E = `job="${JOB_NAMES.etcd}"`;
const C = `job="${JOB_NAMES.ceresdb}"`;
const N = `job="${JOB_NAMES.node}"`;

function rule(alert: string, expr: string, forDuration: string, severity: Severity, summary: string, runbook: string): AlertRule {
  return { alert, expr, for: forDuration, labels: { severity, source: "ceresdb-cluster" }, annotations: { summary, runbook } };
}

/** The stack's own rules. `backupIntervalMinutes` sets how stale a CeresMeta snapshot may get. */
export function stackAlertRules(spec: Pick<ClusterSpec, "observability">): AlertRule[] {
  const staleSeconds = spec.observability.metaBackup.intervalMinutes * 60 * 3;
  const rules = [
    rule("CeresMetaMemberDown", `up{${E}} == 0`, "1m", "critical", "CeresMeta member {{ $labels.host }} does not answer on its etcd client port", "README: Operating > Replacing a CeresMeta member"),
    rule("EtcdNoLeader", `etcd_server_has_leader{${E}} == 0`, "1m", "critical", "etcd of CeresMeta member {{ $labels.host }} has no leader", "Check that a majority of members runs and reaches the others on the peer port"),
    rule("EtcdFrequentLeaderChanges", `increase(etcd_server_leader_changes_seen_total{${E}}[15m]) >= 4`, "5m", "warning", "etcd leader changed {{ $value }} times in 15 minutes on {{ $labels.host }}", "Slow disks or a flapping network between meta hosts"),
    rule("EtcdHighFsyncLatency", `histogram_quantile(0.99, sum by (instance, host, le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{${E}}[5m]))) > 0.5`, "10m", "warning", "etcd WAL fsync p99 on {{ $labels.host }} is {{ $value }}s", "The meta data disk is too slow (needs SSD/ESSD)"),
    rule("EtcdHighCommitLatency", `histogram_quantile(0.99, sum by (instance, host, le) (rate(etcd_disk_backend_commit_duration_seconds_bucket{${E}}[5m]))) > 0.25`, "10m", "warning", "etcd backend commit p99 on {{ $labels.host }} is {{ $value }}s", "The meta data disk is too slow (needs SSD/ESSD)"),
    rule("EtcdDatabaseNearQuota", `etcd_mvcc_db_total_size_in_bytes{${E}} / etcd_server_quota_backend_bytes{${E}} > 0.8`, "10m", "warning", "etcd database of {{ $labels.host }} is at {{ $value | humanizePercentage }} of its quota", "Compact and defragment before the NOSPACE alarm stops all writes"),
    rule(
      "EtcdNoSpaceAlarm",
      `max by (instance, host) (ceresdb_etcd_alarm{alarm="NOSPACE"}) == 1 or (etcd_mvcc_db_total_size_in_bytes{${E}} / etcd_server_quota_backend_bytes{${E}} > 0.95 and increase(etcd_server_proposals_failed_total{${E}}[5m]) > 0)`,
      "0m",
      "critical",
      "etcd on {{ $labels.host }} has raised NOSPACE (or is full and refusing proposals): CeresMeta cannot write",
      "Compact, defragment, then `etcdctl alarm disarm`",
    ),
    rule("CeresDBNodeDown", `up{${C}} == 0`, "1m", "critical", "CeresDB node {{ $labels.host }} does not answer /metrics on its HTTP port", "Check the ceresdb container on the host"),
    rule("CeresDBShardsNotReady", `increase(grpc_handler_counter{${C},type="route_failed"}[5m]) > 0`, "5m", "critical", "CeresDB node {{ $labels.host }} fails to route requests: a shard has no ready owner", "CeresMeta HTTP API: /api/v1/getNodeShards; restart the node that should own the shard"),
    rule(
      "DataDiskFilling",
      `(node_filesystem_avail_bytes{${N},mountpoint="${HOST_DATA_MOUNT}"} / node_filesystem_size_bytes{${N},mountpoint="${HOST_DATA_MOUNT}"} < 0.15) or (predict_linear(node_filesystem_avail_bytes{${N},mountpoint="${HOST_DATA_MOUNT}"}[6h], 24 * 3600) < 0)`,
      "10m",
      "warning",
      "Data disk of {{ $labels.host }} is filling up",
      "Grow the data disk (ceresdb:metaDataDiskSizeGb / nodeDataDiskSizeGb); it is resized online",
    ),
    rule("CeresDBObjectStoreErrors", `increase(grpc_handler_counter{${C},type="write_failed"}[5m]) > 0 and on (instance) histogram_quantile(0.99, sum by (instance, le) (rate(object_store_latency_bucket{${C},op=~"put|put_multipart"}[5m]))) > 2`, "5m", "critical", "Writes fail on {{ $labels.host }} while object store puts are slow: OSS errors or throttling", "Check OSS (bucket, RAM key, endpoint) from the node"),
    rule("CeresDBObjectStoreSlow", `histogram_quantile(0.99, sum by (instance, host, le) (rate(object_store_latency_bucket{${C},op=~"get|get_range|put"}[5m]))) > 5`, "10m", "warning", "Object store p99 on {{ $labels.host }} is {{ $value }}s", "OSS latency or the node's bandwidth"),
    rule("NodeExporterDown", `up{${N}} == 0`, "5m", "warning", "node exporter on {{ $labels.host }} does not answer", "systemctl status prometheus-node-exporter on the host"),
    rule(
      "MetaBackupStale",
      `time() - max(ceresdb_meta_backup_last_success_timestamp_seconds) > ${staleSeconds} or absent(ceresdb_meta_backup_last_success_timestamp_seconds)`,
      "30m",
      "warning",
      `No CeresMeta snapshot reached OSS in ${staleSeconds / 60} minutes`,
      "journalctl -u ceresdb-meta-backup on meta-0; README: Operating > Metadata backups",
    ),
  ];
  const names = rules.map((r) => r.alert);
  if (names.join() !== STACK_ALERT_NAMES.join()) throw new RenderError("alertRules", `stack rules ${names.join()} differ from STACK_ALERT_NAMES`);
  return rules;
}

/** The user's rules (ceresdb:alertRules), fire after 5m as warnings; their names never collide with ours (validated). */
export function userAlertRules(rules: UserAlertRule[]): AlertRule[] {
  return rules.map((r) => ({ alert: r.alert, expr: r.expr, for: "5m", labels: { severity: "warning", source: "user" }, annotations: { summary: `${r.alert} (rule from ceresdb:alertRules)`, runbook: "-" } }));
}

/** Every rule the cluster has: the stack's, then the user's. */
export function allAlertRules(spec: Pick<ClusterSpec, "observability">): AlertRule[] {
  return [...stackAlertRules(spec), ...userAlertRules(spec.observability.userAlertRules)];
}

/** A Prometheus rule file: the stack's group and, when there are any, the user's group beside it. */
export function renderAlertRules(spec: Pick<ClusterSpec, "observability" | "namePrefix">): string {
  const groups = [{ name: STACK_GROUP, rules: stackAlertRules(spec) }];
  const user = userAlertRules(spec.observability.userAlertRules);
  if (user.length > 0) groups.push({ name: USER_GROUP, rules: user });
  return commentBlock([`Generated by ceresdb-cluster (${spec.namePrefix}). Your own rules: ceresdb:alertRules (group ${USER_GROUP}).`]) + YAML.stringify({ groups }, { lineWidth: 0 });
}
