/**
 * Validation of the observability settings (issue 11): monitoring mode and sources, the user's
 * alert rules, CeresMeta backups and data protection. Pure: raw setting strings in, the spec slice
 * and every problem out (each naming the setting, the value given and what is allowed).
 */
import { EnvironmentClass, MonitoringMode, ObservabilitySpec, UserAlertRule } from "../types";
import { SettingProblem } from "../problems";
import { qualified, SettingName } from "../settings";
import { MONITORING_MODES } from "../vocabulary";
import { Reader } from "./reader";

export { MONITORING_MODES };

/** The default per environment class: managed Prometheus where someone is paged, nothing for throw-away stacks. */
export function defaultMonitoring(environment: EnvironmentClass): MonitoringMode {
  return environment === "test" ? "off" : "arms";
}

/**
 * The alerts the stack renders (components/render/alertRules.ts; test/render/alertRules.test.ts
 * checks the two lists agree). A user rule may not take one of these names.
 */
export const STACK_ALERT_NAMES = [
  "CeresMetaMemberDown",
  "EtcdNoLeader",
  "EtcdFrequentLeaderChanges",
  "EtcdHighFsyncLatency",
  "EtcdHighCommitLatency",
  "EtcdDatabaseNearQuota",
  "EtcdNoSpaceAlarm",
  "CeresDBNodeDown",
  "CeresDBShardsNotReady",
  "DataDiskFilling",
  "CeresDBObjectStoreErrors",
  "CeresDBObjectStoreSlow",
  "NodeExporterDown",
  "MetaBackupStale",
] as const;

/** Prometheus alert names: a label value, but kept to metric-name characters so ARMS and Alertmanager routes take it. */
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** One snapshot a day, at 03:00 (time_points are hours 0-23, in the region's time zone), every weekday 1-7. */
export const DISK_SNAPSHOT_TIME_POINTS = ["3"];
export const DISK_SNAPSHOT_WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"];
/** Non-current object versions CeresDB leaves behind on every compaction are kept this long. */
export const OSS_NONCURRENT_VERSION_DAYS = 7;
/** A multipart upload CeresDB never completed (a crash mid-flush) is aborted after this long. */
export const OSS_ABORT_MULTIPART_DAYS = 3;

export interface ObservabilityInput {
  values: Partial<Record<SettingName, string>>;
  environment: EnvironmentClass;
  /** The storage prefix (validated elsewhere); backups go below it. */
  storagePrefix: string;
}

export function validateObservability(input: ObservabilityInput): { observability: ObservabilitySpec; problems: SettingProblem[]; warnings: string[] } {
  const problems: SettingProblem[] = [];
  const { values } = input;
  const problem = (name: SettingName, given: string | undefined, allowed: string) => problems.push({ setting: qualified(name), given, allowed });

  const modeText = values.monitoring;
  let monitoring = defaultMonitoring(input.environment);
  if (modeText !== undefined) {
    if ((MONITORING_MODES as readonly string[]).includes(modeText)) monitoring = modeText as MonitoringMode;
    else problem("monitoring", modeText, `one of ${MONITORING_MODES.join(", ")} (unset: arms in prod and staging, off in test)`);
  }

  const monitoringCidrs = jsonList(values.monitoringCidrs) ?? [];
  if (values.monitoringCidrs !== undefined && jsonList(values.monitoringCidrs) === undefined) {
    problem("monitoringCidrs", values.monitoringCidrs, "a list of CIDRs such as 10.10.200.0/24");
  }
  for (const c of monitoringCidrs) {
    const m = CIDR.exec(c);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) problem("monitoringCidrs", c, "network CIDRs such as 10.10.200.0/24");
    else if (Number(m[5]) === 0) problem("monitoringCidrs", c, "not 0.0.0.0/0: the metrics ports include the etcd client port, which has no authentication");
  }
  if (monitoring === "external" && monitoringCidrs.length === 0) {
    problem("monitoringCidrs", undefined, "at least one CIDR with ceresdb:monitoring external (where your Prometheus scrapes from)");
  }
  if (monitoring !== "external" && monitoringCidrs.length > 0) {
    problem("monitoringCidrs", values.monitoringCidrs, `only with ceresdb:monitoring external (it is ${monitoring})`);
  }

  const userAlertRules: UserAlertRule[] = [];
  if (values.alertRules !== undefined) {
    const parsed = jsonObject(values.alertRules);
    if (parsed === undefined) problem("alertRules", values.alertRules, "a map of alert name to PromQL expression");
    for (const [alert, expr] of Object.entries(parsed ?? {})) {
      if (!ALERT_NAME.test(alert)) problem("alertRules", alert, "alert names of letters, digits and _, starting with a letter or _ (at most 63)");
      else if ((STACK_ALERT_NAMES as readonly string[]).includes(alert)) problem("alertRules", alert, `a name the stack does not use itself (its rules: ${STACK_ALERT_NAMES.join(", ")}); rename yours`);
      else if (typeof expr !== "string" || expr.trim() === "") problem("alertRules", `${alert}=${JSON.stringify(expr)}`, "a non-empty PromQL expression per alert");
      else userAlertRules.push({ alert, expr });
    }
  }

  // Limits live on the declarations (settings.ts); the reader enforces and quotes them.
  const r = new Reader(values, problems);
  const intervalMinutes = r.integer("metaBackupIntervalMinutes") ?? 0;
  const retentionDays = r.integer("metaBackupRetentionDays") ?? 0;
  const diskRetention = r.integer("diskSnapshotRetentionDays") ?? 0;

  const observability: ObservabilitySpec = {
    monitoring,
    monitoringCidrs,
    userAlertRules,
    metaBackup: { intervalMinutes, retentionDays, prefix: `${input.storagePrefix}/meta-backup` },
    diskSnapshots:
      input.environment === "test" ? undefined : { retentionDays: diskRetention, timePoints: DISK_SNAPSHOT_TIME_POINTS, repeatWeekdays: DISK_SNAPSHOT_WEEKDAYS },
    ossLifecycle: { noncurrentVersionDays: OSS_NONCURRENT_VERSION_DAYS, abortMultipartDays: OSS_ABORT_MULTIPART_DAYS },
  };
  return { observability, problems, warnings: [] };
}

function jsonList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function jsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export { NODE_EXPORTER_PORT } from "../vocabulary";
/** Debian/Ubuntu's prometheus-node-exporter reads `*.prom` files here (textfile collector, the package's default ARGS). */
export const NODE_EXPORTER_TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";
