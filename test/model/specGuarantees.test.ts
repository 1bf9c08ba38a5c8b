/**
 * What a ClusterSpec guarantees, so the renderers (components/render/) do not check it again. The
 * renderers used to refuse these shapes themselves, with rules of their own (a second Kafka broker
 * pattern among them); each refusal now lives in the one validator named, and is asserted here
 * where it lives.
 */
import { buildSpec } from "../../components/model/buildSpec";
import { validateWal } from "../../components/model/validate/wal";
import { settingsInput } from "../helpers/settingsInput";

const kafka = (brokers: string[], extra: Record<string, string> = {}) => ({
  walType: "Kafka",
  kafkaBrokers: JSON.stringify(brokers),
  kafkaReplicationFactor: "3",
  ...extra,
});
const refusal = (values: Record<string, string>, setting: string) => {
  const r = buildSpec(settingsInput(values));
  return r.ok ? [] : r.problems.filter((p) => p.setting === setting).map((p) => p.allowed);
};

describe("WAL (validate/wal.ts)", () => {
  test("dynamic topology needs a remote WAL", () => {
    expect(refusal({ topology: "dynamic", walType: "RocksDB" }, "ceresdb:topology")).toEqual([expect.stringMatching(/static with the RocksDB WAL/)]);
  });

  test("a version with a single boost_broker takes one broker", () => {
    expect(refusal({ ...kafka(["k1:9092", "k2:9092", "k3:9092"]), version: "v1.2.2" }, "ceresdb:kafkaBrokers")).toEqual([
      expect.stringMatching(/one broker with v1.2.2/),
    ]);
  });

  test("at least one broker, each host:port", () => {
    expect(refusal(kafka([]), "ceresdb:kafkaBrokers")).toEqual(expect.arrayContaining([expect.stringMatching(/non-empty list of host:port/)]));
    expect(refusal(kafka(["kafka-1", "k2:9092", "k3:9092"]), "ceresdb:kafkaBrokers")).toEqual(["brokers as host:port"]);
    expect(refusal(kafka(["k1:99999", "k2:9092", "k3:9092"]), "ceresdb:kafkaBrokers")).toEqual(["brokers as host:port"]);
  });

  test("the replication factor of an accepted Kafka WAL is a whole number from 1 to 32767", () => {
    for (const [given, brokers] of [["0", 1], ["0", 5], ["32767", 3]] as const) {
      const { wal, problems } = validateWal(settingsInput(kafka(Array.from({ length: brokers }, (_, i) => `k${i}:9092`), { kafkaReplicationFactor: given })), {
        version: "v1.2.7",
      });
      expect(problems).toEqual([]);
      expect(wal?.type === "Kafka" && wal.replicationFactor >= 1 && wal.replicationFactor <= 32767).toBe(true);
    }
    expect(refusal(kafka(["k1:9092", "k2:9092", "k3:9092"], { kafkaReplicationFactor: "32768" }), "ceresdb:kafkaReplicationFactor")).toEqual([
      "a whole number from 0 to 32767",
    ]);
  });
});

describe("what buildSpec sets itself", () => {
  const specs = [settingsInput({}), settingsInput({ environment: "test", owner: "o", expiresAt: "2030-01-01T00:00:00Z" }), settingsInput(kafka(["k1:9092", "k2:9092", "k3:9092"]))].map(
    (i) => {
      const r = buildSpec(i);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return r.spec;
    },
  );

  test("the OSS endpoint always has its scheme (without one CeresDB talks plain HTTP)", () => {
    for (const s of specs) expect(s.storage.endpoint).toMatch(/^https:\/\//);
  });

  test("the etcd root path starts with / and the cluster name and token are not empty", () => {
    for (const s of specs) {
      expect(s.bootstrap.storageRootPath).toMatch(/^\//);
      expect(s.bootstrap.clusterName).not.toBe("");
      expect(s.bootstrap.initialClusterToken).not.toBe("");
      expect(s.bootstrap.nodeCount).toBeGreaterThanOrEqual(1);
      expect(s.bootstrap.shardTotal).toBeGreaterThanOrEqual(1);
    }
  });
});
