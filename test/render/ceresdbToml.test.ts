/**
 * CeresDB TOML parsed back and checked key by key against ../shared/reference/ceresdb-config.md
 * (2.2-2.9, 5, 6) and cross-checked with the CeresMeta TOML of the same spec.
 */
import * as TOML from "@iarna/toml";
import { renderCeresDbToml, renderCeresMetaToml } from "../../components/render";
import { ClusterSpec } from "../../components/model/types";
import {
  ALL_FIXTURES,
  fakeSecrets,
  kafkaDynamic,
  kafkaV122,
  kafkaV124,
  large,
  obkvDynamic,
  rocksdbStatic,
  rocksdbV122,
  serverNodes,
  standalone,
} from "../fixtures/specs";

type Doc = Record<string, unknown>;
const render = (spec: ClusterSpec, i = 0): Doc =>
  TOML.parse(renderCeresDbToml(spec, spec.nodes[i], fakeSecrets)) as Doc;
const get = (d: Doc, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((o, k) => (o as Doc | undefined)?.[k], d);
const meta = (spec: ClusterSpec, i = 0): Doc => TOML.parse(renderCeresMetaToml(spec, spec.meta[i])) as Doc;

/** Every key path in a document, e.g. `analytic.wal.type`. */
function keyPaths(d: Doc, prefix = ""): string[] {
  return Object.entries(d).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? keyPaths(v as Doc, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** Reference 2.2: the top-level struct is deny_unknown_fields with exactly these sections. */
const ALLOWED_TOP = ["node", "server", "runtime", "logger", "tracing", "analytic", "query_engine", "cluster_deployment", "limiter"];

describe("CeresDB TOML: structure valid for every fixture", () => {
  test.each(Object.entries(ALL_FIXTURES))("%s: only sections CeresDB accepts, never wal_storage", (_n, spec) => {
    spec.nodes.forEach((_node, i) => {
      const d = render(spec, i);
      for (const k of Object.keys(d)) expect(ALLOWED_TOP).toContain(k);
      const paths = keyPaths(d);
      expect(paths.filter((p) => /wal_storage|cluster_delpoyment|obkv_wal/.test(p))).toEqual([]);
      expect(get(d, "analytic.wal.type")).toBe(spec.wal.type);
      expect(get(d, "cluster_deployment.mode")).toBe("WithMeta");
    });
  });

  test.each(Object.entries(ALL_FIXTURES))("%s: cross-file agreement with the CeresMeta TOML", (_n, spec) => {
    const m = spec.meta.map((_x, i) => meta(spec, i));
    for (let i = 0; i < spec.nodes.length; i++) {
      const d = render(spec, i);
      expect(get(d, "cluster_deployment.etcd_client.root_path")).toBe(m[0]["storage-root-path"]);
      expect(get(d, "cluster_deployment.meta_client.cluster_name")).toBe(m[0]["default-cluster-name"]);
      expect(get(d, "cluster_deployment.etcd_client.server_addrs")).toEqual(
        m.map((x) => String(x["advertise-client-urls"]).replace(/^http:\/\//, "")),
      );
      // Issue 10: the meta load balancer, never one member (with member 0 down a node could not start).
      const metaAddr = new URL(String(get(d, "cluster_deployment.meta_client.meta_addr")));
      expect(metaAddr.host).toBe(`${spec.loadBalancers.meta.address}:${spec.loadBalancers.meta.listeners[0].port}`);
      expect(m.map((x) => x["advertise-client-urls"])).not.toContain(`http://${metaAddr.host}`);
    }
  });
});

describe("CeresDB TOML: RocksDB static v1.2.7, node 1", () => {
  const d = render(rocksdbStatic, 1);

  test("[node] addr is the host IP only (CeresDB appends :grpc_port)", () => {
    expect(d.node).toEqual({ addr: "10.20.2.20" });
  });

  test("[server] binds 0.0.0.0 with the spec ports, PostgreSQL on v1.2.7", () => {
    expect(d.server).toEqual({
      bind_addr: "0.0.0.0",
      http_port: 5440,
      grpc_port: 8831,
      mysql_port: 3307,
      postgresql_port: 5433,
    });
    expect(d.logger).toEqual({ level: "info" });
  });

  test("meta client and etcd client", () => {
    expect(get(d, "cluster_deployment.meta_client")).toEqual({
      cluster_name: "defaultCluster",
      meta_addr: "http://10.20.1.8:2379",
      lease: "10s",
      timeout: "5s",
    });
    expect(get(d, "cluster_deployment.etcd_client")).toEqual({
      server_addrs: ["10.20.1.10:2379", "10.20.2.10:2379", "10.20.3.10:2379"],
      root_path: "/ceresdb",
    });
  });

  test("meta_addr is a URL with a scheme", () => {
    expect(new URL(String(get(d, "cluster_deployment.meta_client.meta_addr"))).protocol).toBe("http:");
  });

  test("Aliyun object store, v1.2.4+ nested http/retry with every key present", () => {
    expect(get(d, "analytic.storage.object_store")).toEqual({
      type: "Aliyun",
      key_id: "FAKE-OSS-KEY-ID-0001",
      key_secret: "FAKE-OSS-KEY-SECRET-0002",
      endpoint: "https://oss-cn-hangzhou-internal.aliyuncs.com",
      bucket: "ceresdb-rocks-sst",
      prefix: "rocks/sst",
      http: { pool_max_idle_per_host: 1024, timeout: "60s", keep_alive_timeout: "60s", keep_alive_interval: "2s" },
      retry: { max_retries: 3, retry_timeout: "3m" },
    });
  });

  test("RocksDB WAL, tracing and disk cache on the data disk, nothing under /tmp", () => {
    expect(get(d, "analytic.wal")).toEqual({ type: "RocksDB", data_dir: "/var/lib/ceresdb" });
    expect(get(d, "tracing.dir")).toBe("/var/lib/ceresdb/tracing");
    expect(get(d, "analytic.storage.disk_cache_dir")).toBe("/var/lib/ceresdb/cache");
    expect(renderCeresDbToml(rocksdbStatic, rocksdbStatic.nodes[1], fakeSecrets)).not.toMatch(/\/tmp/);
  });

  test("each node advertises its own address, everything else is shared", () => {
    const others = rocksdbStatic.nodes.map((_n, i) => render(rocksdbStatic, i));
    expect(others.map((o) => get(o, "node.addr"))).toEqual(["10.20.1.20", "10.20.2.20", "10.20.3.20"]);
    const strip = (o: Doc) => ({ ...o, node: undefined });
    expect(new Set(others.map((o) => JSON.stringify(strip(o)))).size).toBe(1);
  });
});

describe("CeresDB TOML: WAL variants and version traits", () => {
  test("Obkv WAL with passwords from secrets", () => {
    expect(get(render(obkvDynamic), "analytic.wal")).toEqual({
      type: "Obkv",
      obkv: {
        full_user_name: "ceresdb@tenant#fixture",
        param_url: "http://obkv-config.example.internal:8080/services?Action=ObRootServiceInfo&ObCluster=fixture",
        password: "FAKE-OBKV-PASSWORD-0003",
        client: { sys_user_name: "proxyro", sys_password: "FAKE-OBKV-SYS-PASSWORD-0004" },
      },
    });
  });

  test("Obkv without its passwords is refused", () => {
    expect(() => renderCeresDbToml(obkvDynamic, obkvDynamic.nodes[0], { ...fakeSecrets, obkvPassword: undefined })).toThrow(
      /secrets.obkvPassword/,
    );
    expect(() => renderCeresDbToml(obkvDynamic, obkvDynamic.nodes[0], { ...fakeSecrets, obkvSysPassword: "" })).toThrow(
      /secrets.obkvSysPassword/,
    );
  });

  test("Kafka v1.2.7: boost_brokers array (never bootstrap_servers)", () => {
    const d = render(kafkaDynamic);
    expect(get(d, "analytic.wal")).toEqual({
      type: "Kafka",
      kafka: {
        client: { boost_brokers: ["10.20.9.1:9092", "10.20.9.2:9092", "10.20.9.3:9092"] },
        topic_management: { create_replication_factor: 3 },
      },
    });
    expect(keyPaths(d).some((p) => /bootstrap_servers|boost_broker$/.test(p))).toBe(false);
  });

  test("Kafka v1.2.4: boost_brokers array, nested Aliyun, no PostgreSQL", () => {
    const d = render(kafkaV124);
    expect(get(d, "analytic.wal.kafka.client.boost_brokers")).toEqual(["10.20.9.1:9092", "10.20.9.2:9092"]);
    expect(get(d, "analytic.storage.object_store.http")).toBeDefined();
    expect(get(d, "server.postgresql_port")).toBeUndefined();
  });

  // Refusing several brokers on v1.2.2, no broker or a malformed one is the spec's guarantee now
  // (validate/wal.ts), asserted in test/model/specGuarantees.test.ts.
  test("Kafka v1.2.2: one boost_broker string", () => {
    const d = render(kafkaV122);
    expect(get(d, "analytic.wal.kafka.client")).toEqual({ boost_broker: "10.20.9.1:9092" });
  });

  test("v1.2.2 Aliyun: flat keys, no http/retry tables, no PostgreSQL", () => {
    const d = render(rocksdbV122);
    const os = get(d, "analytic.storage.object_store") as Doc;
    expect(os).not.toHaveProperty("http");
    expect(os).not.toHaveProperty("retry");
    expect(os).toMatchObject({ pool_max_idle_per_host: 1024, timeout: "60s", keep_alive_timeout: "60s", keep_alive_interval: "2s" });
    expect(d.server).not.toHaveProperty("postgresql_port");
  });
});

describe("CeresDB TOML: multi-member addressing", () => {
  test("meta_addr is the meta load balancer and server_addrs list all 5 members, in index order", () => {
    const d = render(large, 19);
    expect(get(d, "cluster_deployment.meta_client.meta_addr")).toBe("http://10.20.1.8:2379");
    expect(get(d, "cluster_deployment.etcd_client.server_addrs")).toEqual(
      ["10.20.1.10", "10.20.2.10", "10.20.3.10", "10.20.1.11", "10.20.2.11"].map((ip) => `${ip}:2379`),
    );
    expect(get(d, "node.addr")).toBe("10.20.2.26");
  });

  test("standalone meta: one server_addr", () => {
    expect(get(render(standalone), "cluster_deployment.etcd_client.server_addrs")).toEqual(["10.20.1.10:2379"]);
  });
});

describe("CeresDB TOML: refusals and secrets", () => {
  test("loopback node address is refused unless allowed", () => {
    const spec: ClusterSpec = { ...rocksdbStatic, nodes: serverNodes(3, (i) => `127.0.0.${11 + i}`) };
    expect(() => renderCeresDbToml(spec, spec.nodes[0], fakeSecrets)).toThrow(/loopback/);
    expect(() => renderCeresDbToml(spec, spec.nodes[0], fakeSecrets, { allowLoopback: true })).not.toThrow();
  });

  // An OSS endpoint without its scheme cannot be in a spec (validate/storage.ts, test/model/specGuarantees.test.ts).

  test("missing OSS key is refused; a node not in the spec is refused", () => {
    expect(() => renderCeresDbToml(rocksdbStatic, rocksdbStatic.nodes[0], { ...fakeSecrets, ossAccessKeySecret: "" })).toThrow(
      /ossAccessKeySecret/,
    );
    const stranger = { ...rocksdbStatic.nodes[0], index: 9 };
    expect(() => renderCeresDbToml(rocksdbStatic, stranger, fakeSecrets)).toThrow(/not in spec.nodes/);
  });

  test("secrets appear exactly once each, only as values of their keys (not in comments)", () => {
    const text = renderCeresDbToml(obkvDynamic, obkvDynamic.nodes[0], fakeSecrets);
    for (const [key, secret] of [
      ["key_id", fakeSecrets.ossAccessKeyId],
      ["key_secret", fakeSecrets.ossAccessKeySecret],
      ["password", fakeSecrets.obkvPassword],
      ["sys_password", fakeSecrets.obkvSysPassword],
    ] as const) {
      const lines = text.split("\n").filter((l) => l.includes(String(secret)));
      expect(lines).toHaveLength(1);
      expect(lines[0].trim()).toBe(`${key} = "${secret}"`);
    }
  });
});
