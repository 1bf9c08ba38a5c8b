/**
 * `disk_cache_dir` is read only when `disk_cache_capacity` > 0 (apache/horaedb
 * analytic_engine/src/setup.rs `if opts.disk_cache_capacity.as_byte() > 0`, v1.2.2..v1.2.7; the
 * capacity defaults to 0 in StorageOptions). The stack sizes a real cache from the data disk.
 */
import * as TOML from "@iarna/toml";
import { renderCeresDbToml } from "../../components/render";
import { diskCacheGb, LOG_RESERVE_GB } from "../../components/render/ceresdbToml";
import { ClusterSpec } from "../../components/model/types";
import { fakeSecrets, kafkaDynamic, obkvDynamic, rocksdbStatic } from "../fixtures/specs";

type Storage = Record<string, unknown>;
const storageOf = (spec: ClusterSpec): Storage =>
  (TOML.parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets)) as { analytic: { storage: Storage } }).analytic.storage;
const withDisk = (spec: ClusterSpec, sizeGb: number): ClusterSpec => ({
  ...spec,
  nodes: spec.nodes.map((n) => ({ ...n, host: { ...n.host, dataDisk: { ...n.host.dataDisk, sizeGb } } })),
});
const GIB = 1024 ** 3;
const bytes = (size: unknown) => Number(/^(\d+)G$/.exec(String(size))![1]) * GIB;

describe("SST disk cache sized from the node data disk", () => {
  test("formula: D - ceil(D/10) - logs - WAL (RocksDB: max(20, ceil(0.3 D)); remote WAL: 0)", () => {
    expect(diskCacheGb(100, "RocksDB")).toBe(100 - 10 - LOG_RESERVE_GB - 30);
    expect(diskCacheGb(100, "Kafka")).toBe(100 - 10 - LOG_RESERVE_GB);
    expect(diskCacheGb(500, "Obkv")).toBe(500 - 50 - LOG_RESERVE_GB);
    expect(diskCacheGb(40, "RocksDB")).toBe(40 - 4 - LOG_RESERVE_GB - 20);
    expect(diskCacheGb(20, "RocksDB")).toBe(0);
  });

  test.each([2 * 1024, 20, 33, 100, 500, 32768])("never more than the disk minus the reserves, for %i GiB", (d) => {
    for (const wal of ["RocksDB", "Obkv", "Kafka"] as const) {
      const c = diskCacheGb(d, wal);
      expect(Number.isInteger(c)).toBe(true);
      expect(c).toBeGreaterThanOrEqual(0);
      const walReserve = wal === "RocksDB" ? Math.max(20, Math.ceil(0.3 * d)) : 0;
      if (c > 0) expect(c + Math.ceil(d / 10) + LOG_RESERVE_GB + walReserve).toBeLessThanOrEqual(d);
    }
  });

  test.each([rocksdbStatic, obkvDynamic, kafkaDynamic])("rendered with a non-zero capacity and its dir ($wal.type)", (spec) => {
    const s = storageOf(spec);
    expect(s.disk_cache_dir).toBe("/var/lib/ceresdb/cache");
    const cap = bytes(s.disk_cache_capacity);
    expect(cap).toBe(diskCacheGb(spec.nodes[0].host.dataDisk.sizeGb, spec.wal.type) * GIB);
    expect(cap).toBeGreaterThan(0);
    // v1.2.2 asserts cap % page_size == 0 (2 MiB default page), components/object_store/src/disk_cache.rs.
    expect(cap % (2 * 1024 * 1024)).toBe(0);
  });

  test("a disk too small for a cache renders neither key (no dead disk_cache_dir)", () => {
    const s = storageOf(withDisk(rocksdbStatic, 20));
    expect(s).not.toHaveProperty("disk_cache_dir");
    expect(s).not.toHaveProperty("disk_cache_capacity");
  });
});
