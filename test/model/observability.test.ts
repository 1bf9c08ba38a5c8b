/**
 * Validation of the observability settings (components/model/validate/observability.ts) and what
 * it decides downstream: the firewall's metrics rules and the bucket's lifecycle rules.
 */
import { validateObservability, STACK_ALERT_NAMES } from "../../components/model/validate/observability";
import { ingressRules, ruleName } from "../../components/network/firewall";
import { bucketLifecycleRules } from "../../components/storage/storage";
import { ClusterSpec, ObservabilitySpec } from "../../components/model/types";
import { rocksdbStatic } from "../fixtures/specs";

const v = (values: Record<string, string>, environment: "prod" | "staging" | "test" = "prod") =>
  validateObservability({ values, environment, storagePrefix: "clusters/p" });

const withObs = (o: Partial<ObservabilitySpec>, base: ClusterSpec = rocksdbStatic): ClusterSpec => ({
  ...base,
  observability: { ...base.observability, ...o },
  network: { ...base.network, monitoringCidrs: o.monitoringCidrs ?? [] },
});

describe("observability settings", () => {
  test("defaults per environment class: arms in prod and staging, off in test; disk snapshots only outside test", () => {
    expect(v({}, "prod").observability).toMatchObject({ monitoring: "arms", diskSnapshots: { retentionDays: 7 } });
    expect(v({}, "staging").observability.monitoring).toBe("arms");
    expect(v({}, "test").observability).toMatchObject({ monitoring: "off", diskSnapshots: undefined });
    expect(v({}).observability.metaBackup).toEqual({ intervalMinutes: 60, retentionDays: 14, prefix: "clusters/p/meta-backup" });
  });

  test("every problem at once, each naming the setting and the value", () => {
    const r = v({
      monitoring: "grafana",
      monitoringCidrs: '["0.0.0.0/0","10.1.2.0/33"]',
      alertRules: JSON.stringify({ EtcdNoLeader: "up == 0", "bad-name": "up == 0", Empty: "" }),
      metaBackupIntervalMinutes: "5",
      diskSnapshotRetentionDays: "0",
    });
    expect(r.problems.map((p) => `${p.setting} ${p.given}`)).toEqual([
      "ceresdb:monitoring grafana",
      "ceresdb:monitoringCidrs 0.0.0.0/0",
      "ceresdb:monitoringCidrs 10.1.2.0/33",
      'ceresdb:monitoringCidrs ["0.0.0.0/0","10.1.2.0/33"]',
      "ceresdb:alertRules EtcdNoLeader",
      "ceresdb:alertRules bad-name",
      'ceresdb:alertRules Empty=""',
      "ceresdb:metaBackupIntervalMinutes 5",
      "ceresdb:diskSnapshotRetentionDays 0",
    ]);
    expect(r.problems[4].allowed).toContain("a name the stack does not use itself");
  });

  test("external needs CIDRs; user rules are kept beside the stack's", () => {
    expect(v({ monitoring: "external" }).problems.map((p) => p.setting)).toEqual(["ceresdb:monitoringCidrs"]);
    const ok = v({ monitoring: "external", monitoringCidrs: '["10.9.0.0/24"]', alertRules: '{"Mine":"up == 0"}' });
    expect(ok.problems).toEqual([]);
    expect(ok.observability.userAlertRules).toEqual([{ alert: "Mine", expr: "up == 0" }]);
    expect(STACK_ALERT_NAMES).not.toContain("Mine");
  });
});

describe("metrics ports open only to the monitoring source", () => {
  const metricRules = (s: ClusterSpec) => ingressRules(s).filter((r) => r.port === 9100 || r.description.includes("/metrics")).map(ruleName).sort();

  test("arms: node exporter, etcd client and CeresDB HTTP from the agent's group only", () => {
    expect(metricRules(withObs({ monitoring: "arms" }))).toEqual(["meta-etcd-client-from-monitor", "meta-node-exporter-from-monitor", "server-http-from-monitor", "server-node-exporter-from-monitor"]);
  });

  test("external: node exporter (and CeresDB HTTP via httpSources) from its CIDRs, never the etcd client port", () => {
    const s = withObs({ monitoring: "external", monitoringCidrs: ["10.9.0.0/24"] });
    expect(metricRules(s)).toEqual(["meta-node-exporter-from-10-9-0-0-24", "server-node-exporter-from-10-9-0-0-24"]);
    expect(ingressRules(s).filter((r) => r.port === s.ports.metaClient).map(ruleName).sort()).toEqual(["meta-etcd-client-from-meta", "meta-etcd-client-from-server"]);
    expect(ingressRules(s).map(ruleName)).toContain("server-http-from-10-9-0-0-24");
  });

  test("off: nothing reaches node exporter", () => {
    expect(metricRules(withObs({ monitoring: "off" }))).toEqual([]);
  });
});

describe("bucket lifecycle", () => {
  test("multipart uploads are always aborted; non-current versions expire when versioned; backups expire after the retention", () => {
    const versioned = { ...rocksdbStatic, protection: { ...rocksdbStatic.protection, ossVersioning: true } };
    expect(bucketLifecycleRules(versioned)).toEqual([
      { id: "ceresdb-cluster-hygiene", prefix: "", enabled: true, abortMultipartUploads: [{ days: 3 }], noncurrentVersionExpirations: [{ days: 7 }] },
      { id: "ceresdb-cluster-meta-backup", prefix: "rocks/sst/meta-backup/", enabled: true, expirations: [{ days: 14 }] },
    ]);
    expect(bucketLifecycleRules(rocksdbStatic)[0]).not.toHaveProperty("noncurrentVersionExpirations");
  });
});
