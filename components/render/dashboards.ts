/**
 * Grafana dashboards (JSON model, schemaVersion 39) for CeresDB and for CeresMeta's etcd, over the
 * jobs of prometheusConfig.ts. Cluster-independent: a `cluster` variable picks the cluster by the
 * label every target carries. Written to docs/monitoring/dashboards/ by `npm run docs:monitoring`
 * for import into ARMS Grafana or your own (test/render/dashboards.test.ts checks they are current).
 */
import { HOST_DATA_MOUNT } from "../model/paths";
import { JOB_NAMES } from "./prometheusConfig";

interface Panel {
  title: string;
  exprs: { expr: string; legend: string }[];
  unit: string;
}

const C = `job="${JOB_NAMES.ceresdb}",cluster="$cluster"`;
const E = `job="${JOB_NAMES.etcd}",cluster="$cluster"`;
const N = `job="${JOB_NAMES.node}",cluster="$cluster"`;

const CERESDB_PANELS: Panel[] = [
  { title: "Nodes up", exprs: [{ expr: `up{${C}}`, legend: "{{host}}" }], unit: "none" },
  { title: "gRPC writes and queries", exprs: [{ expr: `sum by (type) (rate(grpc_handler_counter{${C},type=~"write_succeeded|write_failed|query_succeeded|query_failed"}[5m]))`, legend: "{{type}}" }], unit: "reqps" },
  { title: "Route failures (shards without a ready owner)", exprs: [{ expr: `sum by (host) (rate(grpc_handler_counter{${C},type="route_failed"}[5m]))`, legend: "{{host}}" }], unit: "reqps" },
  { title: "Rows written", exprs: [{ expr: `sum by (host) (rate(grpc_handler_counter{${C},type="write_succeeded_row"}[5m]))`, legend: "{{host}}" }], unit: "rowsps" },
  { title: "gRPC handler p99", exprs: [{ expr: `histogram_quantile(0.99, sum by (le, type) (rate(grpc_handler_duration_bucket{${C}}[5m])))`, legend: "{{type}}" }], unit: "s" },
  { title: "Object store p99 by op", exprs: [{ expr: `histogram_quantile(0.99, sum by (le, op) (rate(object_store_latency_bucket{${C}}[5m])))`, legend: "{{op}}" }], unit: "s" },
  { title: "Disk cache hit ratio", exprs: [{ expr: `sum(rate(object_store_disk_cache_hit{${C}}[5m])) / (sum(rate(object_store_disk_cache_hit{${C}}[5m])) + sum(rate(object_store_disk_cache_miss{${C}}[5m])))`, legend: "hit ratio" }], unit: "percentunit" },
  { title: "Pending compactions", exprs: [{ expr: `sum by (host) (compaction_pending_request_gauge{${C}})`, legend: "{{host}}" }], unit: "none" },
  { title: "Data disk free", exprs: [{ expr: `node_filesystem_avail_bytes{${N},role="server",mountpoint="${HOST_DATA_MOUNT}"} / node_filesystem_size_bytes{${N},role="server",mountpoint="${HOST_DATA_MOUNT}"}`, legend: "{{host}}" }], unit: "percentunit" },
];

const ETCD_PANELS: Panel[] = [
  { title: "Members up / has leader", exprs: [{ expr: `up{${E}}`, legend: "up {{host}}" }, { expr: `etcd_server_has_leader{${E}}`, legend: "leader {{host}}" }], unit: "none" },
  { title: "Leader changes (1h)", exprs: [{ expr: `increase(etcd_server_leader_changes_seen_total{${E}}[1h])`, legend: "{{host}}" }], unit: "none" },
  { title: "WAL fsync p99", exprs: [{ expr: `histogram_quantile(0.99, sum by (le, host) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{${E}}[5m])))`, legend: "{{host}}" }], unit: "s" },
  { title: "Backend commit p99", exprs: [{ expr: `histogram_quantile(0.99, sum by (le, host) (rate(etcd_disk_backend_commit_duration_seconds_bucket{${E}}[5m])))`, legend: "{{host}}" }], unit: "s" },
  { title: "Database size / quota", exprs: [{ expr: `etcd_mvcc_db_total_size_in_bytes{${E}} / etcd_server_quota_backend_bytes{${E}}`, legend: "{{host}}" }], unit: "percentunit" },
  { title: "Failed proposals", exprs: [{ expr: `rate(etcd_server_proposals_failed_total{${E}}[5m])`, legend: "{{host}}" }], unit: "ops" },
  { title: "Last metadata snapshot (age)", exprs: [{ expr: `time() - max(ceresdb_meta_backup_last_success_timestamp_seconds{cluster="$cluster"})`, legend: "age" }], unit: "s" },
  { title: "Meta data disk free", exprs: [{ expr: `node_filesystem_avail_bytes{${N},role="meta",mountpoint="${HOST_DATA_MOUNT}"} / node_filesystem_size_bytes{${N},role="meta",mountpoint="${HOST_DATA_MOUNT}"}`, legend: "{{host}}" }], unit: "percentunit" },
];

function dashboard(uid: string, title: string, panels: Panel[], job: string): Record<string, unknown> {
  return {
    uid,
    title,
    tags: ["ceresdb-cluster"],
    schemaVersion: 39,
    timezone: "browser",
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus", label: "Data source" },
        { name: "cluster", type: "query", datasource: { type: "prometheus", uid: "${datasource}" }, query: `label_values(up{job="${job}"}, cluster)`, refresh: 1, label: "Cluster" },
      ],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      datasource: { type: "prometheus", uid: "${datasource}" },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.exprs.map((e, j) => ({ refId: String.fromCharCode(65 + j), expr: e.expr, legendFormat: e.legend, datasource: { type: "prometheus", uid: "${datasource}" } })),
    })),
  };
}

export const DASHBOARD_FILES = {
  "ceresdb.json": () => dashboard("ceresdb-cluster-ceresdb", "CeresDB cluster", CERESDB_PANELS, JOB_NAMES.ceresdb),
  "etcd.json": () => dashboard("ceresdb-cluster-etcd", "CeresMeta etcd", ETCD_PANELS, JOB_NAMES.etcd),
} as const;

/** Every dashboard, file name to JSON text. */
export function renderDashboards(): Record<string, string> {
  return Object.fromEntries(Object.entries(DASHBOARD_FILES).map(([file, make]) => [file, `${JSON.stringify(make(), null, 2)}\n`]));
}

/** Every PromQL expression the dashboards use (for tests: promtool must parse each). */
export function dashboardExpressions(): string[] {
  return [...CERESDB_PANELS, ...ETCD_PANELS].flatMap((p) => p.exprs.map((e) => e.expr));
}
