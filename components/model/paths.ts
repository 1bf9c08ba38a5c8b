/**
 * Where things live on a host and inside the containers. One place, because the cloud-init
 * renderer (which mounts the data disk), the TOML renderers (which name data dirs) and the
 * container components (which bind-mount them) must agree.
 */

/** Mount point of each host's data disk. */
export const HOST_DATA_MOUNT = "/data";

export const META_PATHS = {
  /** Baked-in config path of the ceresmeta-server image's entrypoint. */
  configInContainer: "/etc/ceresmeta/ceresmeta.toml",
  /** `data-dir`: etcd data, WAL and etcd.log live below it, so it must be on the data disk. */
  dataInContainer: "/var/lib/ceresmeta",
  dataOnHost: `${HOST_DATA_MOUNT}/ceresmeta`,
} as const;

export const SERVER_PATHS = {
  /** Baked-in config path of the ceresdb-server image's entrypoint. */
  configInContainer: "/etc/ceresdb/ceresdb.toml",
  /** RocksDB WAL, tracing and disk cache. */
  dataInContainer: "/var/lib/ceresdb",
  dataOnHost: `${HOST_DATA_MOUNT}/ceresdb`,
} as const;

/**
 * CeresDB's tracing file: `<[tracing] dir>/<prefix>`, one file, never rotated by CeresDB itself
 * (apache/horaedb src/setup.rs, src/ceresdb/src/setup.rs at v1.2.7: `init_tracing_with_file(..,
 * Rotation::NEVER)`; tracing-appender 0.2's `Rotation::NEVER` names the file by the prefix alone).
 */
export const SERVER_TRACING = {
  prefix: "tracing",
  dirInContainer: `${SERVER_PATHS.dataInContainer}/tracing`,
  dirOnHost: `${SERVER_PATHS.dataOnHost}/tracing`,
} as const;

/**
 * The embedded etcd's log file: `<data-dir>` + "/etcd.log" (apache/incubator-horaedb-meta
 * server/config/config.go `defaultEtcdLogFile`, `cfg.LogOutputs`, v1.2.2..v1.2.7).
 */
export const META_ETCD_LOG_ON_HOST = `${META_PATHS.dataOnHost}/etcd.log`;
