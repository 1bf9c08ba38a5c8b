/**
 * Every CeresDB TOML the stack renders, for each supported version, each WAL type and each object
 * store layout, checked against the keys the server accepts at that tag (schema.ts, written from
 * apache/horaedb's structs at v1.2.2..v1.2.7). The checker is shown to catch what serde would
 * drop or refuse: a misspelt nested key, a key of another version, an unknown section, a wrong
 * enum tag, a table missing a required field, a dead key.
 */
import * as TOML from "@iarna/toml";
import { renderCeresDbToml } from "../../../components/render";
import { buildSpec } from "../../../components/model/buildSpec";
import { SUPPORTED_VERSIONS } from "../../../components/model/versions";
import { CeresVersion, ClusterSecrets, ClusterSpec } from "../../../components/model/types";
import { settingsInput } from "../../helpers/settingsInput";
import { ALL_FIXTURES, fakeSecrets } from "../../fixtures/specs";
import { checkCeresDbConfig, ConfigProblem } from "./checker";
import { ENUMS, STRUCTS, VERSIONS } from "./schema";

type Doc = Record<string, unknown>;
const TEST_STACK = { environment: "test", owner: "contracts", expiresAt: "2099-01-01T00:00:00Z" };
const WALS: Record<string, Record<string, string>> = {
  RocksDB: { walType: "RocksDB" },
  Obkv: { walType: "Obkv", topology: "dynamic", obkvParamUrl: "http://ob.example:8080/services?Action=ObRootServiceInfo", obkvFullUserName: "u@t#c" },
  Kafka: { walType: "Kafka", topology: "dynamic", kafkaBrokers: JSON.stringify(["k1:9092", "k2:9092", "k3:9092"]) },
  KafkaOneBroker: { walType: "Kafka", topology: "dynamic", kafkaBrokers: JSON.stringify(["k1:9092"]) },
};
/** Object store variants the stack renders: the per-stack RAM user or a supplied key; a disk with and without room for a cache. */
const STORES: Record<string, Record<string, string>> = {
  ramUser: {},
  suppliedKey: { ossAccessKeyId: "LTAI5tSUPPLIED", createBucket: "false", bucketName: "existing-bucket" },
  smallDisk: { nodeDataDiskSizeGb: "20" },
};

function specFor(version: CeresVersion, wal: Record<string, string>, store: Record<string, string>): ClusterSpec {
  const secrets = ["sshPrivateKey", ...(wal.walType === "Obkv" ? ["obkvPassword", "obkvSysPassword"] : []), ...(store.ossAccessKeyId ? ["ossAccessKeySecret"] : [])];
  const r = buildSpec(settingsInput({ ...TEST_STACK, version, ...wal, ...store } as never, secrets as never));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}
const secrets: ClusterSecrets = { ...fakeSecrets, obkvPassword: "ob-pass", obkvSysPassword: "ob-sys-pass" };
const renderAll = (spec: ClusterSpec): Doc[] => spec.nodes.map((n) => TOML.parse(renderCeresDbToml(spec, n, secrets)) as Doc);

const CASES = SUPPORTED_VERSIONS.flatMap((version) =>
  Object.entries(WALS)
    // v1.2.2 takes one boost_broker: the stack refuses more brokers there, so render it with one.
    .filter(([w]) => (version === "v1.2.2" ? w !== "Kafka" : true))
    .flatMap(([walName, wal]) => Object.entries(STORES).map(([storeName, store]) => ({ version, walName, wal, storeName, store }))),
);

describe("the schema covers what we support", () => {
  test("every supported version has a schema and every struct cites its source file", () => {
    expect([...SUPPORTED_VERSIONS]).toEqual([...VERSIONS]);
    for (const [name, st] of [...Object.entries(STRUCTS), ...Object.entries(ENUMS)]) {
      expect(st.source.length).toBeGreaterThan(0);
      for (const src of st.source) expect(`${name}: ${src}`).toMatch(/\.rs@v1\.2\.\d/);
    }
  });
});

describe("every rendered node TOML passes at its version", () => {
  test.each(CASES.map((c) => [`${c.version} ${c.walName} ${c.storeName}`, c] as const))("%s", (_n, c) => {
    const spec = specFor(c.version, c.wal, c.store);
    for (const doc of renderAll(spec)) expect(checkCeresDbConfig(doc, c.version)).toEqual([]);
  });

  test.each(Object.entries(ALL_FIXTURES))("fixture %s", (_n, spec) => {
    for (const doc of renderAll(spec)) expect(checkCeresDbConfig(doc, spec.version)).toEqual([]);
  });
});

describe("the checker fails on what CeresDB would drop or refuse", () => {
  const base = (version: CeresVersion, wal = WALS.Kafka): Doc => renderAll(specFor(version, version === "v1.2.2" && wal === WALS.Kafka ? WALS.KafkaOneBroker : wal, {}))[0];
  const paths = (p: ConfigProblem[]) => p.map((x) => x.path);
  const set = (doc: Doc, dotted: string, value: unknown) => {
    const keys = dotted.split(".");
    const parent = keys.slice(0, -1).reduce<Doc>((o, k) => ((o[k] ??= {}) as Doc), doc);
    parent[keys[keys.length - 1]] = value;
    return doc;
  };
  const del = (doc: Doc, dotted: string) => {
    const keys = dotted.split(".");
    delete keys.slice(0, -1).reduce<Doc>((o, k) => o[k] as Doc, doc)[keys[keys.length - 1]];
    return doc;
  };

  test.each(VERSIONS.map((v) => [v]))("%s: a misspelt nested key (silently dropped by serde)", (v) => {
    const doc = base(v);
    const storage = (doc.analytic as Doc).storage as Doc;
    storage.disk_cache_capcity = storage.disk_cache_capacity;
    delete storage.disk_cache_capacity;
    const p = checkCeresDbConfig(doc, v);
    expect(p.find((x) => x.path === "analytic.storage.disk_cache_capcity")?.message).toMatch(/silently dropped/);
  });

  test("boost_broker vs boost_brokers: a key that exists only at another version", () => {
    const v124 = base("v1.2.4");
    const client = ((((v124.analytic as Doc).wal as Doc).kafka as Doc).client as Doc);
    client.boost_broker = "k1:9092";
    delete client.boost_brokers;
    const p124 = checkCeresDbConfig(v124, "v1.2.4");
    expect(p124).toEqual([{ path: "analytic.wal.kafka.client.boost_broker", message: expect.stringMatching(/silently dropped; it exists only at v1\.2\.2$/) }]);

    const v122 = set(base("v1.2.2"), "analytic.wal.kafka.client.boost_brokers", ["k1:9092"]);
    expect(paths(checkCeresDbConfig(v122, "v1.2.2"))).toEqual(["analytic.wal.kafka.client.boost_brokers"]);
    expect(checkCeresDbConfig(v122, "v1.2.2")[0].message).toMatch(/exists only at v1\.2\.4, v1\.2\.5, v1\.2\.6, v1\.2\.7/);
  });

  test("the Aliyun layouts are not interchangeable: flat keys at v1.2.4+, http/retry at v1.2.2", () => {
    const nested = base("v1.2.7");
    set(nested, "analytic.storage.object_store.timeout", "60s");
    expect(paths(checkCeresDbConfig(nested, "v1.2.7"))).toEqual(["analytic.storage.object_store.timeout"]);
    const flat = set(base("v1.2.2"), "analytic.storage.object_store.retry", { max_retries: 3, retry_timeout: "3m" });
    expect(paths(checkCeresDbConfig(flat, "v1.2.2"))).toEqual(["analytic.storage.object_store.retry"]);
  });

  test("postgresql_port before v1.2.6 is dropped", () => {
    const doc = set(base("v1.2.5"), "server.postgresql_port", 5433);
    expect(paths(checkCeresDbConfig(doc, "v1.2.5"))).toEqual(["server.postgresql_port"]);
    expect(checkCeresDbConfig(doc, "v1.2.6")).toEqual([]);
  });

  test("an unknown top-level section is a hard parse error", () => {
    const doc = set(base("v1.2.7"), "cluster_delpoyment.mode", "WithMeta");
    const p = checkCeresDbConfig(doc, "v1.2.7");
    expect(p).toEqual([{ path: "cluster_delpoyment", message: expect.stringMatching(/hard parse error \(deny_unknown_fields\)/) }]);
  });

  test("tagged enums must be exact: wal type, object store type, deployment mode", () => {
    expect(paths(checkCeresDbConfig(set(base("v1.2.7", WALS.RocksDB), "analytic.wal.type", "rocksdb"), "v1.2.7"))).toEqual(["analytic.wal.type"]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "analytic.storage.object_store.type", "OSS"), "v1.2.7"))).toEqual(["analytic.storage.object_store.type"]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "cluster_deployment.mode", "withmeta"), "v1.2.7"))).toEqual(["cluster_deployment.mode"]);
    expect(paths(checkCeresDbConfig(del(base("v1.2.7"), "analytic.wal.type"), "v1.2.7"))).toEqual(["analytic.wal.type"]);
    const s3At122 = checkCeresDbConfig(set(base("v1.2.2"), "analytic.storage.object_store.type", "S3"), "v1.2.2");
    expect(s3At122[0].message).toMatch(/S3 exists only at v1\.2\.4/);
  });

  test("a table without serde defaults needs all its fields", () => {
    const doc = base("v1.2.7");
    delete ((((doc.analytic as Doc).storage as Doc).object_store as Doc).http as Doc).keep_alive_interval;
    expect(checkCeresDbConfig(doc, "v1.2.7")).toEqual([
      { path: "analytic.storage.object_store.http.keep_alive_interval", message: expect.stringMatching(/missing field/) },
    ]);
    expect(paths(checkCeresDbConfig(del(base("v1.2.7"), "analytic.storage.object_store.key_secret"), "v1.2.7"))).toEqual([
      "analytic.storage.object_store.key_secret",
    ]);
  });

  test("values of the wrong kind: a bare number for a duration, a string port, an i16 overflow", () => {
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "cluster_deployment.meta_client.lease", 10), "v1.2.7"))).toEqual(["cluster_deployment.meta_client.lease"]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "server.grpc_port", "8831"), "v1.2.7"))).toEqual(["server.grpc_port"]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "analytic.wal.kafka.topic_management.create_replication_factor", 40000), "v1.2.7"))).toEqual([
      "analytic.wal.kafka.topic_management.create_replication_factor",
    ]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "analytic.storage.disk_cache_capacity", "50 gigs"), "v1.2.7"))).toEqual(["analytic.storage.disk_cache_capacity"]);
  });

  test("dead keys: disk_cache_dir without a capacity, cmd_channel_buffer_size", () => {
    const doc = del(base("v1.2.7"), "analytic.storage.disk_cache_capacity");
    expect(checkCeresDbConfig(doc, "v1.2.7")).toEqual([{ path: "analytic.storage.disk_cache_dir", message: expect.stringMatching(/does nothing/) }]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "analytic.storage.disk_cache_capacity", "0"), "v1.2.7"))).toEqual(["analytic.storage.disk_cache_dir"]);
    expect(paths(checkCeresDbConfig(set(base("v1.2.7"), "cluster_deployment.cmd_channel_buffer_size", 10), "v1.2.7"))).toEqual([
      "cluster_deployment.cmd_channel_buffer_size",
    ]);
  });

  test("a table the schema does not model yet is refused until it is written from the source", () => {
    const doc = set(base("v1.2.7"), "analytic.manifest.scan_timeout", "5s");
    expect(checkCeresDbConfig(doc, "v1.2.7")[0].message).toMatch(/not modelled/);
  });
});
