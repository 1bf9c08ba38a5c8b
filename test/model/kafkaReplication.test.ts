/**
 * Kafka WAL topics: CeresDB creates them with `topic_management.create_replication_factor`, whose
 * default is 1 (apache/horaedb components/message_queue/src/kafka/config.rs `impl Default for
 * TopicManagementConfig`, v1.2.2..v1.2.7; used in kafka_impl.rs `create_topic`). One lost broker
 * would lose WAL data, so the stack always renders a factor and refuses unsafe ones by class.
 */
import * as TOML from "@iarna/toml";
import { buildSpec } from "../../components/model/buildSpec";
import { renderCeresDbToml } from "../../components/render";
import { settingsInput } from "../helpers/settingsInput";
import { fakeSecrets, kafkaDynamic, kafkaV122, kafkaV124 } from "../fixtures/specs";

const brokers = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `kafka-${i}.example:9092`));
const TEST = { environment: "test", owner: "alice", expiresAt: "2099-01-01T00:00:00Z" };
const build = (values: Record<string, string>) =>
  buildSpec(settingsInput({ walType: "Kafka", topology: "dynamic", ...values } as never));
const factorOf = (values: Record<string, string>) => {
  const r = build(values);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.setting}: ${p.allowed}`).join("; "));
  return r.spec.wal.type === "Kafka" ? r.spec.wal.replicationFactor : undefined;
};
const problemsOf = (values: Record<string, string>) => {
  const r = build(values);
  return r.ok ? [] : r.problems;
};

describe("kafkaReplicationFactor", () => {
  test("default: min(3, number of brokers)", () => {
    expect(factorOf({ kafkaBrokers: brokers(3) })).toBe(3);
    expect(factorOf({ kafkaBrokers: brokers(5) })).toBe(3);
    expect(factorOf({ ...TEST, kafkaBrokers: brokers(2) })).toBe(2);
    expect(factorOf({ ...TEST, kafkaBrokers: brokers(1) })).toBe(1);
  });

  test("an explicit factor wins (the bootstrap list may name fewer brokers than the cluster has)", () => {
    expect(factorOf({ kafkaBrokers: brokers(1), kafkaReplicationFactor: "3" })).toBe(3);
    expect(factorOf({ kafkaBrokers: brokers(3), kafkaReplicationFactor: "5" })).toBe(5);
  });

  test("prod refuses fewer than 3 replicas, by name, with the value given", () => {
    const cases: Record<string, string>[] = [{ kafkaBrokers: brokers(1) }, { kafkaBrokers: brokers(2) }, { kafkaBrokers: brokers(3), kafkaReplicationFactor: "2" }];
    for (const values of cases) {
      const p = problemsOf(values);
      expect(p.map((x) => x.setting)).toEqual(["ceresdb:kafkaReplicationFactor"]);
      expect(p[0].allowed).toMatch(/at least 3 in prod/);
    }
    expect(problemsOf({ kafkaBrokers: brokers(1) })[0].given).toMatch(/min\(3, 1 kafkaBrokers\) = 1/);
    // As the CLI passes it: the declared default 0 given explicitly.
    expect(problemsOf({ kafkaBrokers: brokers(1), kafkaReplicationFactor: "0" })[0].given).toMatch(/min\(3, 1 kafkaBrokers\) = 1/);
    expect(problemsOf({ kafkaBrokers: brokers(3), kafkaReplicationFactor: "2" })[0].given).toBe("2");
  });

  test("staging refuses a single replica; test only warns", () => {
    expect(problemsOf({ environment: "staging", kafkaBrokers: brokers(1) }).map((x) => x.setting)).toEqual(["ceresdb:kafkaReplicationFactor"]);
    expect(problemsOf({ environment: "staging", kafkaBrokers: brokers(2) })).toEqual([]);
    const r = build({ ...TEST, kafkaBrokers: brokers(1) });
    expect(r.ok && r.warnings.some((w) => /kafkaReplicationFactor is 1/.test(w))).toBe(true);
  });

  test("out of range values are refused; set with another WAL it is unused", () => {
    expect(problemsOf({ kafkaBrokers: brokers(3), kafkaReplicationFactor: "-1" }).map((x) => x.setting)).toContain("ceresdb:kafkaReplicationFactor");
    expect(problemsOf({ kafkaBrokers: brokers(3), kafkaReplicationFactor: "40000" }).map((x) => x.setting)).toContain("ceresdb:kafkaReplicationFactor");
    const r = buildSpec(settingsInput({ walType: "RocksDB", kafkaReplicationFactor: "3" }));
    expect(r.ok && r.warnings.some((w) => /kafkaReplicationFactor is set but unused/.test(w))).toBe(true);
    // The declared default (Pulumi.yaml passes it on like a value) is not "set".
    const quiet = buildSpec(settingsInput({ walType: "RocksDB", kafkaReplicationFactor: "0" }));
    expect(quiet.ok && quiet.warnings.filter((w) => /kafkaReplicationFactor/.test(w))).toEqual([]);
  });
});

describe("the factor reaches every version's TOML", () => {
  test.each([kafkaV122, kafkaV124, kafkaDynamic])("$version: topic_management.create_replication_factor", (spec) => {
    const d = TOML.parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets)) as { analytic: { wal: { kafka: Record<string, unknown> } } };
    expect(d.analytic.wal.kafka.topic_management).toEqual({ create_replication_factor: spec.wal.type === "Kafka" ? spec.wal.replicationFactor : -1 });
  });
});
