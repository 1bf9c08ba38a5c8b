/**
 * The rendered Prometheus config and alert rules, run through the real promtool (Debian's
 * `prometheus` package, installed by .ci/run): `promtool check config` on the prometheus.yml an
 * external Prometheus gets, `promtool check rules` on the rule file, and `promtool test rules`
 * with one hand-written unit test per alert: series that must fire it (with the labels and the
 * delay stated here) and series that must not. Under CI a missing promtool fails, never skips.
 *
 * Series use the metric names the real servers export (see components/render/alertRules.ts for
 * the sources; the etcd names are read off the real CeresMeta in test/meta).
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import YAML from "yaml";
import { allAlertRules, renderAlertRules, stackAlertRules, STACK_GROUP, USER_GROUP } from "../../components/render/alertRules";
import { renderPrometheusConfig, scrapeJobs } from "../../components/render/prometheusConfig";
import { STACK_ALERT_NAMES } from "../../components/model/validate/observability";
import { ClusterSpec } from "../../components/model/types";
import { metaMembers, rocksdbStatic, serverNodes } from "../fixtures/specs";
import { findTool, testWithTool } from "../helpers/realTool";

const PROMTOOL = findTool(["/usr/bin/promtool", "/usr/local/bin/promtool"]);
const realTest = testWithTool(PROMTOOL);

function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  if (!PROMTOOL) throw new Error("promtool not installed (apt-get install -y prometheus)");
  const r = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function withUserRules(spec: ClusterSpec, rules: { alert: string; expr: string }[]): ClusterSpec {
  return { ...spec, observability: { ...spec.observability, userAlertRules: rules } };
}

const H = 'host="meta-0",instance="10.20.1.10:2379",job="etcd"';
const N0 = 'host="node-0",instance="10.20.2.10:5440",job="ceresdb"';
const X0 = 'host="node-0",instance="10.20.2.10:9100",job="node"';

interface Case {
  alert: string;
  series: { series: string; values: string }[];
  /** When the alert must be firing, and the labels it fires with (besides alertname/severity/source). */
  at: string;
  labels: Record<string, string>;
  /** The summary it fires with, templates filled in (hand-computed from the series). */
  summary: string;
  /** A time at which it must not fire yet (before `for` elapsed, or with healthy series). */
  quietAt: string;
}

/**
 * The `<metric>_bucket` series of a histogram whose every observation (perMinute a minute) lies
 * above `below` and at most `upTo` (or just above `below`, with no finite bucket over it): the
 * `le=below` bucket stays 0 while `le=upTo` and `+Inf` grow together.
 */
function observedAbove(metric: string, labels: string, below: string, upTo: string | undefined, perMinute: number): Case["series"] {
  const grows = `0+${perMinute}x30`;
  return [
    { series: `${metric}_bucket{${labels},le="${below}"}`, values: "0x30" },
    ...(upTo ? [{ series: `${metric}_bucket{${labels},le="${upTo}"}`, values: grows }] : []),
    { series: `${metric}_bucket{${labels},le="+Inf"}`, values: grows },
  ];
}

// Hand-written: each case says what an operator would see and when the page must come.
const CASES: Case[] = [
  { alert: "CeresMetaMemberDown",
    summary: "CeresMeta member meta-0 does not answer on its etcd client port", series: [{ series: `up{${H}}`, values: "1 1 0x10" }], at: "5m", labels: { host: "meta-0", instance: "10.20.1.10:2379", job: "etcd" }, quietAt: "2m" },
  { alert: "EtcdNoLeader",
    summary: "etcd of CeresMeta member meta-0 has no leader", series: [{ series: `etcd_server_has_leader{${H}}`, values: "1 0x10" }], at: "5m", labels: { host: "meta-0", instance: "10.20.1.10:2379", job: "etcd" }, quietAt: "1m" },
  // 5 leader changes within 10 minutes, then stable.
  { alert: "EtcdFrequentLeaderChanges",
    summary: "etcd leader changed 5 times in 15 minutes on meta-0", series: [{ series: `etcd_server_leader_changes_seen_total{${H}}`, values: "0 1 2 3 4 5 5x20" }], at: "12m", labels: { host: "meta-0", instance: "10.20.1.10:2379", job: "etcd" }, quietAt: "4m" },
  {
    alert: "EtcdHighFsyncLatency",
    summary: "etcd WAL fsync p99 on meta-0 is 1.01888s",
    // Every fsync takes between 0.512 s and 1.024 s: p99 ~1 s.
    series: observedAbove("etcd_disk_wal_fsync_duration_seconds", H, "0.512", "1.024", 100),
    at: "20m",
    labels: { host: "meta-0", instance: "10.20.1.10:2379" },
    quietAt: "8m",
  },
  {
    alert: "EtcdHighCommitLatency",
    summary: "etcd backend commit p99 on meta-0 is 0.50944s",
    series: observedAbove("etcd_disk_backend_commit_duration_seconds", H, "0.256", "0.512", 50),
    at: "20m",
    labels: { host: "meta-0", instance: "10.20.1.10:2379" },
    quietAt: "8m",
  },
  {
    alert: "EtcdDatabaseNearQuota",
    summary: "etcd database of meta-0 is at 90% of its quota",
    // 1.8 GiB of a 2 GiB quota (etcd's default quota-backend-bytes).
    series: [
      { series: `etcd_mvcc_db_total_size_in_bytes{${H}}`, values: "1932735283x30" },
      { series: `etcd_server_quota_backend_bytes{${H}}`, values: "2147483648x30" },
    ],
    at: "15m",
    labels: { host: "meta-0", instance: "10.20.1.10:2379", job: "etcd" },
    quietAt: "5m",
  },
  {
    alert: "EtcdNoSpaceAlarm",
    summary: "etcd on meta-0 has raised NOSPACE (or is full and refusing proposals): CeresMeta cannot write",
    // The backup timer's textfile metric says NOSPACE is raised.
    series: [{ series: 'ceresdb_etcd_alarm{alarm="NOSPACE",host="meta-0",instance="10.20.1.10:9100",job="node"}', values: "0 0 1x10" }],
    at: "3m",
    labels: { host: "meta-0", instance: "10.20.1.10:9100" },
    quietAt: "1m",
  },
  { alert: "CeresDBNodeDown",
    summary: "CeresDB node node-0 does not answer /metrics on its HTTP port", series: [{ series: `up{${N0}}`, values: "1 0x10" }], at: "4m", labels: { host: "node-0", instance: "10.20.2.10:5440", job: "ceresdb" }, quietAt: "1m" },
  {
    alert: "CeresDBShardsNotReady",
    summary: "CeresDB node node-0 fails to route requests: a shard has no ready owner",
    series: [{ series: `grpc_handler_counter{${N0},type="route_failed"}`, values: "0 0+3x20" }],
    at: "12m",
    labels: { host: "node-0", instance: "10.20.2.10:5440", job: "ceresdb", type: "route_failed" },
    quietAt: "3m",
  },
  {
    alert: "DataDiskFilling",
    summary: "Data disk of node-0 is filling up",
    // 10 % free, steady.
    series: [
      { series: `node_filesystem_avail_bytes{${X0},mountpoint="/data",device="/dev/vdb",fstype="ext4"}`, values: "10x30" },
      { series: `node_filesystem_size_bytes{${X0},mountpoint="/data",device="/dev/vdb",fstype="ext4"}`, values: "100x30" },
    ],
    at: "15m",
    labels: { host: "node-0", instance: "10.20.2.10:9100", job: "node", mountpoint: "/data", device: "/dev/vdb", fstype: "ext4" },
    quietAt: "5m",
  },
  {
    alert: "CeresDBObjectStoreErrors",
    summary: "Writes fail on node-0 while object store puts are slow: OSS errors or throttling",
    series: [
      { series: `grpc_handler_counter{${N0},type="write_failed"}`, values: "0+10x30" },
      ...observedAbove("object_store_latency", `${N0},op="put"`, "4.096", undefined, 10),
    ],
    at: "15m",
    labels: { host: "node-0", instance: "10.20.2.10:5440", job: "ceresdb", type: "write_failed" },
    quietAt: "5m",
  },
  {
    alert: "CeresDBObjectStoreSlow",
    summary: "Object store p99 on node-0 is 8.15104s",
    series: observedAbove("object_store_latency", `${N0},op="get_range"`, "4.096", "8.192", 10),
    at: "20m",
    labels: { host: "node-0", instance: "10.20.2.10:5440" },
    quietAt: "8m",
  },
  { alert: "NodeExporterDown",
    summary: "node exporter on node-0 does not answer", series: [{ series: `up{${X0}}`, values: "1 0x10" }], at: "8m", labels: { host: "node-0", instance: "10.20.2.10:9100", job: "node" }, quietAt: "3m" },
  {
    alert: "MetaBackupStale",
    summary: "No CeresMeta snapshot reached OSS in 180 minutes",
    // Last snapshot at t=0 (timestamp 0); the fixture's interval is 60 min, so stale after 3 h, firing 30 m later.
    series: [{ series: 'ceresdb_meta_backup_last_success_timestamp_seconds{host="meta-0",job="node"}', values: "0x300" }],
    at: "240m",
    labels: {},
    quietAt: "170m",
  },
];

const ruleOf = (alert: string) => stackAlertRules(rocksdbStatic).find((r) => r.alert === alert)!;

function unitTests(ruleFile: string): string {
  const tests = CASES.map((c) => ({
    interval: "1m",
    input_series: c.series,
    alert_rule_test: [
      { eval_time: c.quietAt, alertname: c.alert, exp_alerts: [] },
      {
        eval_time: c.at,
        alertname: c.alert,
        exp_alerts: [
          {
            exp_labels: { ...c.labels, severity: ruleOf(c.alert).labels.severity, source: "ceresdb-cluster" },
            exp_annotations: { summary: c.summary, runbook: ruleOf(c.alert).annotations.runbook },
          },
        ],
      },
    ],
  }));
  return YAML.stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests }, { lineWidth: 0 });
}

describe("alert rules", () => {
  test("the rendered rules are exactly STACK_ALERT_NAMES, and every one has a unit test below", () => {
    expect(stackAlertRules(rocksdbStatic).map((r) => r.alert)).toEqual([...STACK_ALERT_NAMES]);
    expect(CASES.map((c) => c.alert).sort()).toEqual([...STACK_ALERT_NAMES].sort());
  });

  test("user rules go into their own group beside the stack's, and the stack's rules stay as they are", () => {
    const spec = withUserRules(rocksdbStatic, [{ alert: "MyWriteFailures", expr: 'rate(grpc_handler_counter{type="write_failed"}[5m]) > 1' }]);
    const doc = YAML.parse(renderAlertRules(spec)) as { groups: { name: string; rules: { alert: string; labels: { source: string } }[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual([STACK_GROUP, USER_GROUP]);
    expect(doc.groups[0].rules.map((r) => r.alert)).toEqual([...STACK_ALERT_NAMES]);
    expect(doc.groups[1].rules).toEqual([expect.objectContaining({ alert: "MyWriteFailures", labels: { severity: "warning", source: "user" } })]);
    expect(allAlertRules(spec).length).toBe(STACK_ALERT_NAMES.length + 1);
  });

  realTest("promtool check rules passes on the rendered file (with a user rule)", () => {
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    try {
      writeFileSync(join(dir, "rules.yml"), renderAlertRules(withUserRules(rocksdbStatic, [{ alert: "MyRule", expr: "up == 0" }])));
      const r = promtool(["check", "rules", "rules.yml"], dir);
      expect(r.out).toContain(`SUCCESS: ${STACK_ALERT_NAMES.length + 1} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  realTest("promtool test rules: every alert fires on its series, with its labels, after its delay, and not before", () => {
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    try {
      writeFileSync(join(dir, "rules.yml"), renderAlertRules(rocksdbStatic));
      writeFileSync(join(dir, "tests.yml"), unitTests("rules.yml"));
      const r = promtool(["test", "rules", "tests.yml"], dir);
      expect(r.out).toContain("SUCCESS");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  realTest("promtool test rules fails when a rule is broken (the harness can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    try {
      // The member-down rule with the wrong comparison: its unit test must now fail.
      writeFileSync(join(dir, "rules.yml"), renderAlertRules(rocksdbStatic).replace('up{job="etcd"} == 0', 'up{job="etcd"} == 2'));
      writeFileSync(join(dir, "tests.yml"), unitTests("rules.yml"));
      const r = promtool(["test", "rules", "tests.yml"], dir);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain("CeresMetaMemberDown");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Prometheus config", () => {
  test("targets follow the spec's host lists: a scale-out adds them, a scale-in removes them", () => {
    const small = { ...rocksdbStatic, nodes: serverNodes(2) };
    const big = { ...rocksdbStatic, meta: metaMembers(5), nodes: serverNodes(6) };
    const targets = (s: ClusterSpec) => Object.fromEntries(scrapeJobs(s).map((j) => [j.job_name, j.static_configs.flatMap((c) => c.targets)]));
    const at = (hosts: { host: { privateIp: string } }[], port: number) => hosts.map((h) => `${h.host.privateIp}:${port}`);
    expect(targets(small)).toEqual({
      etcd: at(small.meta, small.ports.metaClient),
      ceresdb: at(small.nodes, small.ports.http),
      node: [...at(small.meta, 9100), ...at(small.nodes, 9100)],
    });
    expect(targets(small).ceresdb).toHaveLength(2);
    expect(targets(big).etcd).toHaveLength(5);
    expect(targets(big).ceresdb).toHaveLength(6);
    expect(targets(big).node).toHaveLength(11);
    expect(scrapeJobs(big).flatMap((j) => j.static_configs.map((c) => c.labels.host))).toContain("node-5");
  });

  realTest("promtool check config passes on the rendered prometheus.yml and its rule file", () => {
    const dir = mkdtempSync(join(tmpdir(), "promcfg-"));
    try {
      writeFileSync(join(dir, "prometheus.yml"), renderPrometheusConfig(rocksdbStatic, { alertmanagers: ["10.20.5.5:9093"] }));
      writeFileSync(join(dir, "ceresdb-cluster-rules.yml"), renderAlertRules(rocksdbStatic));
      const r = promtool(["check", "config", "prometheus.yml"], dir);
      expect(r.out).toContain("SUCCESS");
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
