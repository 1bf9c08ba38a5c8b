/**
 * CeresDB server config (`/etc/ceresdb/ceresdb.toml`), per ../shared/reference/ceresdb-config.md
 * sections 2.2-2.9 (keys per version), 5 (what CeresDB rejects or silently ignores) and 7.
 *
 * The top level of CeresDB's config is `deny_unknown_fields`: only the sections `node`, `server`,
 * `runtime`, `logger`, `tracing`, `analytic`, `query_engine`, `cluster_deployment` and `limiter`
 * may appear. Inside sections unknown keys are silently dropped, so the key names below matter
 * as much as the values (test/render checks them).
 */
import * as TOML from "@iarna/toml";
import { ClusterSecrets, ClusterSpec, NodeSpec } from "../model/types";
import { traitsOf } from "../model/versions";
import { SERVER_PATHS, SERVER_TRACING } from "../model/paths";
import {
  RenderError,
  RenderOptions,
  assertPort,
  assertRoutableIp,
  commentBlock,
  hostPort,
  orderedMetaMembers,
  stringifyToml,
} from "./common";

/** Top-level sections CeresDB v1.x accepts; anything else is a hard parse error. */
export const CERESDB_TOP_LEVEL_SECTIONS = [
  "node",
  "server",
  "runtime",
  "logger",
  "tracing",
  "analytic",
  "query_engine",
  "cluster_deployment",
  "limiter",
] as const;

/** Node heartbeat lease: heartbeats every lease*2/3; above ~15 s nodes would flap (reference 6.6). */
export const META_CLIENT_LEASE = "10s";
/** gRPC timeout of CeresDB's calls to CeresMeta. */
export const META_CLIENT_TIMEOUT = "5s";

function nonEmpty(value: string | undefined, path: string): string {
  if (value === undefined || value === "") throw new RenderError(path, "must be set and non-empty");
  return value;
}

function objectStore(spec: ClusterSpec, secrets: ClusterSecrets): TOML.JsonMap {
  // Endpoint (with its scheme), bucket and prefix are guaranteed by the spec (validate/storage.ts).
  const s = spec.storage;
  const store: TOML.JsonMap = {
    type: "Aliyun",
    key_id: nonEmpty(secrets.ossAccessKeyId, "secrets.ossAccessKeyId"),
    key_secret: nonEmpty(secrets.ossAccessKeySecret, "secrets.ossAccessKeySecret"),
    endpoint: s.endpoint,
    bucket: s.bucket,
    prefix: s.prefix,
  };
  // The values below are CeresDB's defaults, written out so the layout is visible in the file.
  if (traitsOf(spec.version).aliyunLayout === "nested") {
    // v1.2.4+: `http` and `retry` have no serde default, so every key of each table is required.
    store.http = {
      pool_max_idle_per_host: 1024,
      timeout: "60s",
      keep_alive_timeout: "60s",
      keep_alive_interval: "2s",
    };
    store.retry = { max_retries: 3, retry_timeout: "3m" };
  } else {
    // v1.2.2: flat keys (ignored by v1.2.4+, hence the version switch).
    store.pool_max_idle_per_host = 1024;
    store.timeout = "60s";
    store.keep_alive_timeout = "60s";
    store.keep_alive_interval = "2s";
  }
  return store;
}

function wal(spec: ClusterSpec, secrets: ClusterSecrets): TOML.JsonMap {
  const w = spec.wal;
  switch (w.type) {
    case "RocksDB":
      // WAL in <data_dir>/wal and manifest in <data_dir>/manifest, on the host data disk.
      return { type: "RocksDB", data_dir: SERVER_PATHS.dataInContainer };
    case "Obkv":
      return {
        type: "Obkv",
        obkv: {
          full_user_name: w.fullUserName,
          param_url: w.paramUrl,
          password: nonEmpty(secrets.obkvPassword, "secrets.obkvPassword"),
          client: {
            sys_user_name: w.sysUserName,
            sys_password: nonEmpty(secrets.obkvSysPassword, "secrets.obkvSysPassword"),
          },
        },
      };
    case "Kafka": {
      // Brokers (host:port, at least one, one only where the version takes a single one) and the
      // replication factor are guaranteed by the spec (validate/wal.ts).
      // CeresDB's default create_replication_factor is 1 (components/message_queue/src/kafka/config.rs
      // at v1.2.2..v1.2.7): one lost broker would lose WAL data, so it is always written.
      const topic_management = { create_replication_factor: w.replicationFactor };
      const key = traitsOf(spec.version).kafkaBrokersKey;
      if (key === "boost_broker") {
        return { type: "Kafka", kafka: { client: { boost_broker: w.brokers[0] }, topic_management } };
      }
      return { type: "Kafka", kafka: { client: { boost_brokers: [...w.brokers] }, topic_management } };
    }
  }
}

/** Space for the tracing file and its rotated copies (see renderLogrotate: 7 compressed days). */
export const LOG_RESERVE_GB = 10;
/** Space for the local RocksDB WAL and manifest: 30% of the disk, at least this much. */
export const ROCKSDB_WAL_MIN_GB = 20;
/** Below this the disk cache is left off (its page count must be non-zero per partition). */
export const MIN_DISK_CACHE_GB = 1;

/**
 * Size of the SST disk cache on a node's data disk, in GiB (0: no cache):
 *   D - ceil(D/10) - LOG_RESERVE_GB - wal, where wal = max(ROCKSDB_WAL_MIN_GB, ceil(0.3 D)) for the
 *   RocksDB WAL and 0 for the remote ones (Obkv, Kafka keep WAL and manifest off the disk).
 * The tenth covers ext4's 5% root reservation and metadata. A whole number of GiB is always a
 * multiple of the 2 MiB page (v1.2.2 asserts `cap % page_size == 0` in
 * components/object_store/src/disk_cache.rs; later tags need `cap / page_size != 0`).
 */
export function diskCacheGb(dataDiskGb: number, walType: ClusterSpec["wal"]["type"]): number {
  const wal = walType === "RocksDB" ? Math.max(ROCKSDB_WAL_MIN_GB, Math.ceil(0.3 * dataDiskGb)) : 0;
  const free = dataDiskGb - Math.ceil(dataDiskGb / 10) - LOG_RESERVE_GB - wal;
  return free >= MIN_DISK_CACHE_GB ? Math.floor(free) : 0;
}

export function renderCeresDbToml(
  spec: ClusterSpec,
  node: NodeSpec,
  secrets: ClusterSecrets,
  opts: RenderOptions = {},
): string {
  const known = spec.nodes.find((n) => n.index === node.index);
  if (!known || known.host.privateIp !== node.host.privateIp) {
    throw new RenderError("node", `node index ${node.index} (${node.host.privateIp}) is not in spec.nodes`);
  }
  // node.addr is the host only: CeresDB appends `:grpc_port` itself to form the node name.
  const addr = assertRoutableIp(node.host.privateIp, `nodes[${node.index}].host.privateIp`, opts);
  const traits = traitsOf(spec.version);
  const p = spec.ports;
  const members = orderedMetaMembers(spec, opts);
  const metaClient = assertPort(p.metaClient, "ports.metaClient");
  // Cluster name and root path are the spec builder's constants (buildSpec.ts).
  const b = spec.bootstrap;

  const server: TOML.JsonMap = {
    bind_addr: "0.0.0.0",
    http_port: assertPort(p.http, "ports.http"),
    grpc_port: assertPort(p.grpc, "ports.grpc"),
    mysql_port: assertPort(p.mysql, "ports.mysql"),
  };
  if (traits.postgresql) server.postgresql_port = assertPort(p.postgresql, "ports.postgresql");

  const data = SERVER_PATHS.dataInContainer;
  const cacheGb = diskCacheGb(node.host.dataDisk.sizeGb, spec.wal.type);
  const doc: TOML.JsonMap = {
    node: { addr },
    server,
    logger: { level: spec.logLevel },
    // The image default is /tmp/ceresdb, which is not on the data disk. The prefix is the file
    // name, written out because the host's logrotate config names the same file.
    tracing: { dir: SERVER_TRACING.dirInContainer, prefix: SERVER_TRACING.prefix },
    cluster_deployment: {
      mode: "WithMeta",
      meta_client: {
        cluster_name: b.clusterName,
        meta_addr: `http://${hostPort(assertRoutableIp(spec.loadBalancers.meta.address ?? "", "loadBalancers.meta.address", opts), metaClient)}`,
        lease: META_CLIENT_LEASE,
        timeout: META_CLIENT_TIMEOUT,
      },
      etcd_client: {
        server_addrs: members.map((m) => hostPort(m.host.privateIp, metaClient)),
        root_path: b.storageRootPath,
      },
    },
    analytic: {
      // disk_cache_dir is read only when disk_cache_capacity > 0 (analytic_engine/src/setup.rs,
      // v1.2.2..v1.2.7), so both are written together or not at all.
      storage: cacheGb > 0
        ? { disk_cache_capacity: `${cacheGb}G`, disk_cache_dir: `${data}/cache`, object_store: objectStore(spec, secrets) }
        : { object_store: objectStore(spec, secrets) },
      wal: wal(spec, secrets),
    },
  };

  const header = commentBlock([
    `Generated by ceresdb-cluster for stack ${spec.project}/${spec.stack} (${spec.namePrefix}), CeresDB ${spec.version}.`,
    `Node ${node.index} on host ${node.host.name} (${addr}). Do not edit by hand. Contains secrets.`,
    "",
    `- node.addr is host only; CeresDB registers ${addr}:${p.grpc} with CeresMeta as this node's name.`,
    "- meta_addr is the meta load balancer (every member behind it, health-checked): any live member",
    "  serves (followers forward gRPC to the leader), so no single member is needed to start or run;",
    "  etcd_client.server_addrs lists every member for the shard locks.",
    "- etcd_client.root_path equals CeresMeta storage-root-path; cluster_name equals default-cluster-name.",
    `- WAL ${spec.wal.type}; SSTs in OSS bucket ${spec.storage.bucket} under prefix ${spec.storage.prefix}.`,
    cacheGb > 0
      ? `- SST disk cache ${cacheGb} GiB of the ${node.host.dataDisk.sizeGb} GiB data disk (a tenth, ${LOG_RESERVE_GB} GiB of logs${spec.wal.type === "RocksDB" ? " and the RocksDB WAL" : ""} kept free).`
      : `- No SST disk cache: the ${node.host.dataDisk.sizeGb} GiB data disk has no room left for one.`,
  ]);
  return header + "\n" + stringifyToml(doc);
}
