/**
 * CeresMeta TOML parsed back and checked key by key against ../shared/reference/ceresdb-config.md
 * (1.3 keys, 1.5 ports, 6.7 etcd bootstrap). Expected values are literals, not re-derived.
 */
import * as TOML from "@iarna/toml";
import { renderCeresMetaToml } from "../../components/render";
import { ClusterSpec } from "../../components/model/types";
import {
  ALL_FIXTURES,
  kafkaV122,
  kafkaV124,
  large,
  metaMembers,
  obkvDynamic,
  rocksdbStatic,
  standalone,
} from "../fixtures/specs";

type Doc = Record<string, unknown>;
const render = (spec: ClusterSpec, i = 0): Doc => TOML.parse(renderCeresMetaToml(spec, spec.meta[i])) as Doc;
const all = (spec: ClusterSpec): Doc[] => spec.meta.map((_, i) => render(spec, i));

/** The complete key set we write; anything else would be silently dropped by CeresMeta (go-toml). */
const KEYS_COMMON = [
  "node-name",
  "data-dir",
  "client-urls",
  "peer-urls",
  "advertise-client-urls",
  "advertise-peer-urls",
  "initial-cluster",
  "initial-cluster-state",
  "initial-cluster-token",
  "etcd-start-timeout-ms",
  "storage-root-path",
  "default-cluster-name",
  "default-cluster-node-count",
  "default-cluster-shard-total",
  "topology-type",
  "log",
  "etcd-log",
];

describe("CeresMeta TOML: 3-member RocksDB static (v1.2.7)", () => {
  const docs = all(rocksdbStatic);

  test("exact key set, with the v1.2.7 HTTP port key", () => {
    for (const d of docs) expect(Object.keys(d).sort()).toEqual([...KEYS_COMMON, "http-port"].sort());
  });

  test("member identity and addresses", () => {
    expect(docs.map((d) => d["node-name"])).toEqual(["meta0", "meta1", "meta2"]);
    expect(docs.map((d) => d["advertise-client-urls"])).toEqual([
      "http://10.20.1.10:2379",
      "http://10.20.2.10:2379",
      "http://10.20.3.10:2379",
    ]);
    expect(docs.map((d) => d["advertise-peer-urls"])).toEqual([
      "http://10.20.1.10:2380",
      "http://10.20.2.10:2380",
      "http://10.20.3.10:2380",
    ]);
    for (const d of docs) {
      expect(d["client-urls"]).toBe("http://0.0.0.0:2379");
      expect(d["peer-urls"]).toBe("http://0.0.0.0:2380");
      expect(d["data-dir"]).toBe("/var/lib/ceresmeta");
    }
  });

  test("the same initial-cluster on every member, in index order, containing each member's own peer URL", () => {
    const expected =
      "meta0=http://10.20.1.10:2380,meta1=http://10.20.2.10:2380,meta2=http://10.20.3.10:2380";
    for (const d of docs) {
      expect(d["initial-cluster"]).toBe(expected);
      const entries = String(d["initial-cluster"]).split(",");
      expect(entries).toContain(`${d["node-name"]}=${d["advertise-peer-urls"]}`);
    }
  });

  test("bootstrap keys", () => {
    for (const d of docs) {
      expect(d["initial-cluster-state"]).toBe("new");
      expect(d["initial-cluster-token"]).toBe("ceresdb-rocks");
      expect(d["storage-root-path"]).toBe("/ceresdb");
      expect(d["default-cluster-name"]).toBe("defaultCluster");
      // Static topology: node count must equal the real number of CeresDB machines.
      expect(d["default-cluster-node-count"]).toBe(3);
      expect(d["default-cluster-node-count"]).toBe(rocksdbStatic.nodes.length);
      expect(d["default-cluster-shard-total"]).toBe(8);
      expect(d["topology-type"]).toBe("static");
      expect(d["http-port"]).toBe(8080);
      expect(d["etcd-start-timeout-ms"]).toBeGreaterThanOrEqual(60000);
      expect(d.log).toEqual({ level: "info" });
      expect(d["etcd-log"]).toEqual({ level: "info" });
    }
  });

  test("integers are plain (no digit separators), so `grep http-port = 8080` works on a host", () => {
    const text = renderCeresMetaToml(rocksdbStatic, rocksdbStatic.meta[0]);
    expect(text).toMatch(/^http-port = 8080$/m);
    expect(text).not.toMatch(/= \d+_\d/);
  });
});

describe("CeresMeta TOML: other fixtures", () => {
  test("every fixture: no advertise URL on 0.0.0.0 or loopback; node-count == bootstrap.nodeCount", () => {
    for (const spec of Object.values(ALL_FIXTURES)) {
      for (const d of all(spec)) {
        for (const k of ["advertise-client-urls", "advertise-peer-urls"]) {
          expect(String(d[k])).not.toMatch(/0\.0\.0\.0|127\.|localhost/);
          expect(String(d[k])).toMatch(/^http:\/\/10\.20\.[123]\.\d+:\d+$/);
        }
        expect(d["default-cluster-node-count"]).toBe(spec.bootstrap.nodeCount);
        expect(new Set(all(spec).map((x) => x["initial-cluster"])).size).toBe(1);
      }
    }
  });

  test("standalone renders a valid one-member initial-cluster", () => {
    const d = render(standalone);
    expect(d["initial-cluster"]).toBe("meta0=http://10.20.1.10:2380");
    expect(d["advertise-peer-urls"]).toBe("http://10.20.1.10:2380");
    expect(d["default-cluster-node-count"]).toBe(1);
  });

  test("5 members: five entries, each member advertises its own entry", () => {
    const docs = all(large);
    const ic = String(docs[0]["initial-cluster"]).split(",");
    expect(ic).toHaveLength(5);
    expect(ic[4]).toBe("meta4=http://10.20.2.11:2380");
    docs.forEach((d, i) => expect(ic[i]).toBe(`${d["node-name"]}=${d["advertise-peer-urls"]}`));
    expect(docs[0]["default-cluster-node-count"]).toBe(20);
    expect(docs[0]["default-cluster-shard-total"]).toBe(64);
  });

  test("dynamic topology is written for remote WAL fixtures", () => {
    expect(render(obkvDynamic)["topology-type"]).toBe("dynamic");
  });

  test.each([
    ["v1.2.2", kafkaV122],
    ["v1.2.4", kafkaV124],
  ])("%s uses default-http-port, never http-port", (_v, spec) => {
    const d = render(spec);
    expect(d["default-http-port"]).toBe(8080);
    expect(d).not.toHaveProperty("http-port");
    expect(Object.keys(d).sort()).toEqual([...KEYS_COMMON, "default-http-port"].sort());
  });

  test("member order follows index, not array order", () => {
    const shuffled: ClusterSpec = { ...rocksdbStatic, meta: [...rocksdbStatic.meta].reverse() };
    expect(renderCeresMetaToml(shuffled, shuffled.meta[0])).toBe(
      renderCeresMetaToml(rocksdbStatic, rocksdbStatic.meta[2]),
    );
  });

  test("a re-added member renders initial-cluster-state = existing", () => {
    const meta = rocksdbStatic.meta.map((m) => (m.index === 1 ? { ...m, initialClusterState: "existing" as const } : m));
    const spec = { ...rocksdbStatic, meta };
    expect((TOML.parse(renderCeresMetaToml(spec, meta[1])) as Doc)["initial-cluster-state"]).toBe("existing");
    expect((TOML.parse(renderCeresMetaToml(spec, meta[0])) as Doc)["initial-cluster-state"]).toBe("new");
  });
});

describe("CeresMeta TOML: refusals", () => {
  const withMeta = (meta: ClusterSpec["meta"]): ClusterSpec => ({ ...rocksdbStatic, meta });

  test("loopback member IP is refused unless explicitly allowed for a local proof", () => {
    const spec = withMeta(metaMembers(3, (i) => `127.0.0.${i + 1}`));
    expect(() => renderCeresMetaToml(spec, spec.meta[0])).toThrow(/loopback/);
    const d = TOML.parse(renderCeresMetaToml(spec, spec.meta[1], { allowLoopback: true })) as Doc;
    expect(d["advertise-client-urls"]).toBe("http://127.0.0.2:2379");
  });

  test("0.0.0.0 is refused even with allowLoopback", () => {
    const spec = withMeta(metaMembers(3, (i) => (i === 2 ? "0.0.0.0" : `10.20.1.${10 + i}`)));
    expect(() => renderCeresMetaToml(spec, spec.meta[0], { allowLoopback: true })).toThrow(/unspecified/);
  });

  test("a host name or ip:port is refused", () => {
    const spec = withMeta(metaMembers(3, (i) => (i === 1 ? "10.20.1.11:2380" : `10.20.1.${10 + i}`)));
    expect(() => renderCeresMetaToml(spec, spec.meta[0])).toThrow(/literal IP/);
  });

  test("duplicate member names and foreign members are refused", () => {
    const dup = withMeta(rocksdbStatic.meta.map((m) => ({ ...m, memberName: "meta0" })));
    expect(() => renderCeresMetaToml(dup, dup.meta[0])).toThrow(/duplicate member name/);
    const foreign = { ...rocksdbStatic.meta[0], index: 7 };
    expect(() => renderCeresMetaToml(rocksdbStatic, foreign)).toThrow(/not a member/);
  });

  // Dynamic topology with a RocksDB WAL and a root path without a leading slash cannot be in a
  // spec (validate/wal.ts, buildSpec.ts), asserted in test/model/specGuarantees.test.ts.
});
