/**
 * The write-ahead log: which implementation, its endpoints and credentials, the Kafka topics'
 * replication, and what the WAL allows of the topology. The one place a WAL rule lives: the
 * renderer (components/render/ceresdbToml.ts) writes what this accepts without checking it again.
 * Pure.
 */
import { qualified, SettingName } from "../settings";
import { CeresVersion, EnvironmentClass, TopologyType, WalSpec, WalType } from "../types";
import { traitsOf } from "../versions";
import { AreaFindings, Findings, SettingsInput } from "./reader";

/** host:port, the port 1..65535 (a Kafka bootstrap broker). */
const HOST_PORT = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Least replication of the WAL topics per class: one lost broker must not lose WAL data where it matters. */
const LEAST_REPLICATION: Record<EnvironmentClass, number> = { prod: 3, staging: 2, test: 1 };

export function validateWal(
  input: SettingsInput,
  ctx: { version: CeresVersion; environment?: EnvironmentClass; topology?: TopologyType },
): { wal: WalSpec | undefined } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const { version, environment, topology } = ctx;
  const walType = r.oneOf("walType");
  const wal = buildWal(walType, input.secretsSet, f);
  if (walType === "Kafka" && wal?.type === "Kafka" && wal.brokers.length > 1 && traitsOf(version).kafkaBrokersKey === "boost_broker") {
    f.problem("kafkaBrokers", JSON.stringify(wal.brokers), `one broker with ${version} (its config takes a single boost_broker); v1.2.4+ takes a list`);
  }
  if (wal?.type === "Kafka" && environment !== undefined) {
    // CeresDB creates its WAL topics with create_replication_factor, default 1
    // (components/message_queue/src/kafka/config.rs, v1.2.2..v1.2.7): one lost broker, lost WAL.
    const least = LEAST_REPLICATION[environment];
    if (wal.replicationFactor < least) {
      const raw = r.raw("kafkaReplicationFactor")?.trim();
      const given = raw !== undefined && raw !== "0" ? raw : `0 (min(3, ${wal.brokers.length} kafkaBrokers) = ${wal.replicationFactor})`;
      f.problem("kafkaReplicationFactor", given, `at least ${least} in ${environment}: with fewer replicas a lost broker loses WAL data. List at least ${least} kafkaBrokers, or set kafkaReplicationFactor if the Kafka cluster has more brokers than listed`);
    } else if (wal.replicationFactor === 1) {
      f.warn(`ceresdb:kafkaReplicationFactor is 1: WAL topics have a single replica, so losing that broker loses WAL data.`);
    }
  }
  if (topology === "dynamic" && walType === "RocksDB") {
    f.problem("topology", "dynamic", "static with the RocksDB WAL: dynamic topology moves shards between nodes, and a local WAL does not move with them (data loss). Use walType Obkv or Kafka for dynamic");
  }
  return { wal, ...f.findings };
}

function buildWal(walType: WalType | undefined, secretsSet: ReadonlySet<SettingName>, f: Findings): WalSpec | undefined {
  const { r } = f;
  const obkvSettings: SettingName[] = ["obkvParamUrl", "obkvFullUserName", "obkvPassword", "obkvSysPassword"];
  const unused = (names: SettingName[], wal: string) => {
    for (const n of names) {
      if (r.has(n) || secretsSet.has(n)) f.warn(`${qualified(n)} is set but unused: walType is ${wal}.`);
    }
  };
  // Pulumi.yaml declares its default 0, which the CLI passes on like a value: only another value is "set".
  const unusedFactor = (wal: string) => {
    const v = r.raw("kafkaReplicationFactor");
    if (v !== undefined && v.trim() !== "0") f.warn(`${qualified("kafkaReplicationFactor")} is set but unused: walType is ${wal}.`);
  };
  switch (walType) {
    case "RocksDB":
      unused([...obkvSettings, "kafkaBrokers"], walType);
      unusedFactor(walType);
      return { type: "RocksDB" };
    case "Obkv": {
      unused(["kafkaBrokers"], walType);
      unusedFactor(walType);
      const paramUrl = r.optionalString("obkvParamUrl");
      if (paramUrl === undefined || !/^https?:\/\/\S+$/.test(paramUrl)) {
        f.problem("obkvParamUrl", paramUrl, "the OBKV config server URL (http://...), required for walType Obkv");
      }
      const fullUserName = r.optionalString("obkvFullUserName");
      if (fullUserName === undefined || !/^[^@\s]+@[^#\s]+#\S+$/.test(fullUserName)) {
        f.problem("obkvFullUserName", fullUserName, "user@tenant#cluster, required for walType Obkv");
      }
      for (const s of ["obkvPassword", "obkvSysPassword"] as const) {
        if (!secretsSet.has(s)) f.problem(s, undefined, `required for walType Obkv: \`pulumi config set --secret ceresdb:${s}\``);
      }
      return { type: "Obkv", paramUrl: paramUrl ?? "", fullUserName: fullUserName ?? "", sysUserName: r.string("obkvSysUserName") };
    }
    case "Kafka": {
      unused(obkvSettings, walType);
      const brokers = r.stringList("kafkaBrokers");
      if (!brokers || brokers.length === 0) f.problem("kafkaBrokers", r.raw("kafkaBrokers"), "a non-empty list of host:port, required for walType Kafka");
      for (const b of brokers ?? []) {
        const m = HOST_PORT.exec(b);
        if (!m || !m[2] || Number(m[2]) > 65535) f.problem("kafkaBrokers", b, "brokers as host:port");
      }
      const factor = r.integer("kafkaReplicationFactor");
      const replicationFactor = factor === undefined || factor === 0 ? Math.min(3, Math.max(1, brokers?.length ?? 0)) : factor;
      return { type: "Kafka", brokers: brokers ?? [], replicationFactor };
    }
    default:
      return undefined;
  }
}
