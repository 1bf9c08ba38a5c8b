/**
 * The config keys the CeresDB server accepts, per release tag, written from its Rust structs
 * (apache/horaedb; read at tags v1.2.2 32d3d366, v1.2.4 69e16b63, v1.2.5 3b22b90f, v1.2.6 040e5686,
 * v1.2.7 99ae6e0d). Each struct cites the file it is declared in, per tag range. What serde does
 * with them (serde_derive + the `toml` crate):
 * - the top-level `Config` is `#[serde(default, deny_unknown_fields)]`: an unknown section is a
 *   hard parse error; no other struct denies, so an unknown nested key is silently dropped;
 * - a struct with `#[serde(default)]` may omit any field; one without it needs every field that has
 *   no field-level `#[serde(default)]` and is not an `Option` ("missing field" at startup);
 * - `#[serde(tag = "...")]` enums select their variant by the exact, case-sensitive tag value;
 * - durations (`ReadableDuration`) and sizes (`ReadableSize`) are strings in their own syntax.
 * Only what the stack renders needs modelling in depth; a table marked `unmodelled` makes the
 * checker refuse it until someone writes its struct here from the source.
 */
import { CeresVersion } from "../../../components/model/types";

export const VERSIONS: readonly CeresVersion[] = ["v1.2.2", "v1.2.4", "v1.2.5", "v1.2.6", "v1.2.7"];

/** Tags where a field or variant exists, inclusive. */
export interface Range {
  from?: CeresVersion;
  to?: CeresVersion;
}

export type Scalar = "string" | "bool" | "u16" | "i16" | "i32" | "u32" | "u64" | "usize" | "f32" | "f64" | "duration" | "size" | "string[]";

export type FieldType =
  | { kind: "scalar"; scalar: Scalar }
  | { kind: "struct"; struct: string }
  | { kind: "enum"; enum: string }
  | { kind: "unit-enum"; variants: string[] }
  | { kind: "unmodelled"; rust: string };

export interface Field {
  type: FieldType;
  /** `Option<T>`: may be absent even in a struct without serde default. */
  optional?: boolean;
  /** A field-level `#[serde(default...)]`. */
  fieldDefault?: boolean;
  in?: Range;
}

export interface StructSchema {
  /** Rust type and file, per tag range, e.g. `components/object_store/src/config.rs@v1.2.4..v1.2.7`. */
  source: string[];
  /** Struct-level `#[serde(default)]`. */
  serdeDefault: boolean;
  denyUnknownFields?: boolean;
  fields: Record<string, Field>;
}

export interface EnumSchema {
  source: string[];
  /** `#[serde(tag = ...)]`. */
  tag: string;
  /** Variant name -> its struct (undefined: not modelled), and where it exists. */
  variants: Record<string, { struct?: string; in?: Range }>;
}

const s = (scalar: Scalar, more: Omit<Field, "type"> = {}): Field => ({ type: { kind: "scalar", scalar }, ...more });
const st = (struct: string, more: Omit<Field, "type"> = {}): Field => ({ type: { kind: "struct", struct }, ...more });
const en = (e: string, more: Omit<Field, "type"> = {}): Field => ({ type: { kind: "enum", enum: e }, ...more });
const un = (rust: string, more: Omit<Field, "type"> = {}): Field => ({ type: { kind: "unmodelled", rust }, ...more });
const from = (v: CeresVersion): Range => ({ from: v });
const upTo = (v: CeresVersion): Range => ({ to: v });

export const STRUCTS: Record<string, StructSchema> = {
  Config: {
    source: ["src/config.rs@v1.2.2..v1.2.6 `Config`", "src/ceresdb/src/config.rs@v1.2.7 `Config`"],
    serdeDefault: true,
    denyUnknownFields: true,
    fields: {
      node: st("NodeInfo"),
      server: st("ServerConfig"),
      runtime: st("RuntimeConfig"),
      logger: st("LoggerConfig"),
      tracing: st("TracingConfig"),
      analytic: st("AnalyticConfig"),
      query_engine: un("query_engine::Config"),
      cluster_deployment: en("ClusterDeployment", { optional: true }),
      limiter: un("proxy::limiter::LimiterConfig"),
    },
  },
  NodeInfo: {
    source: ["src/config.rs@v1.2.2..v1.2.6 `NodeInfo`", "src/ceresdb/src/config.rs@v1.2.7 `NodeInfo`"],
    serdeDefault: true,
    fields: { addr: s("string"), zone: s("string"), idc: s("string"), binary_version: s("string") },
  },
  RuntimeConfig: {
    source: ["src/config.rs@v1.2.2..v1.2.6 `RuntimeConfig`", "src/ceresdb/src/config.rs@v1.2.7 `RuntimeConfig`"],
    serdeDefault: true,
    fields: {
      read_thread_num: s("usize"),
      write_thread_num: s("usize"),
      meta_thread_num: s("usize"),
      compact_thread_num: s("usize"),
      default_thread_num: s("usize"),
      io_thread_num: s("usize"),
    },
  },
  ServerConfig: {
    source: ["server/src/config.rs@v1.2.2..v1.2.7 `ServerConfig`"],
    serdeDefault: true,
    fields: {
      bind_addr: s("string"),
      mysql_port: s("u16"),
      postgresql_port: s("u16", { in: from("v1.2.6") }),
      http_port: s("u16"),
      grpc_port: s("u16"),
      timeout: s("duration", { optional: true }),
      http_max_body_size: s("size"),
      grpc_server_cq_count: s("usize"),
      resp_compress_min_length: s("size"),
      forward: un("proxy::forward::Config"),
      auto_create_table: s("bool"),
      default_schema_config: un("SchemaConfig"),
      route_cache: un("router::RouteCacheConfig"),
      hotspot: un("proxy::hotspot::Config"),
      remote_client: un("remote_engine_client::Config", { in: from("v1.2.4") }),
      enable_query_dedup: s("bool", { in: { from: "v1.2.5", to: "v1.2.6" } }),
      query_dedup: un("QueryDedupConfig", { in: from("v1.2.7") }),
      sub_table_access_perm: un("SubTableAccessPerm", { in: from("v1.2.6") }),
    },
  },
  LoggerConfig: {
    source: ["components/logger/src/lib.rs@v1.2.2..v1.2.7 `Config`"],
    serdeDefault: true,
    fields: {
      level: s("string"),
      enable_async: s("bool"),
      async_channel_len: s("i32"),
      slow_query_path: s("string", { optional: true, in: from("v1.2.7") }),
      failed_query_path: s("string", { optional: true, in: from("v1.2.7") }),
    },
  },
  TracingConfig: {
    source: ["components/tracing_util/src/logging.rs@v1.2.2..v1.2.7 `Config`"],
    serdeDefault: true,
    fields: { prefix: s("string"), dir: s("string"), level: s("string"), console: st("ConsoleConfig", { optional: true }) },
  },
  ConsoleConfig: {
    source: ["components/tracing_util/src/logging.rs@v1.2.2..v1.2.7 `ConsoleConfig`"],
    serdeDefault: false,
    fields: { port: s("u16") },
  },
  AnalyticConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `Config`"],
    serdeDefault: true,
    fields: {
      storage: st("StorageOptions"),
      replay_batch_size: s("usize"),
      max_replay_tables_per_batch: s("usize"),
      table_opts: un("TableOptions"),
      compaction: un("SchedulerConfig"),
      sst_meta_cache_cap: s("usize", { optional: true }),
      sst_data_cache_cap: s("usize", { optional: true }),
      manifest: un("manifest::details::Options"),
      max_rows_in_write_queue: s("usize"),
      space_write_buffer_size: s("usize"),
      db_write_buffer_size: s("usize"),
      preflush_write_buffer_size_ratio: s("f32"),
      scan_batch_size: s("usize", { optional: true }),
      scan_max_record_batches_in_flight: s("usize"),
      sst_background_read_parallelism: s("usize"),
      num_streams_to_prefetch: s("usize", { in: from("v1.2.5") }),
      write_sst_max_buffer_size: s("size"),
      max_retry_flush_limit: s("usize"),
      max_bytes_per_write_batch: s("size", { optional: true }),
      wal: en("WalStorageConfig"),
      recover_mode: { type: { kind: "unit-enum", variants: ["TableBased", "ShardBased"] }, in: from("v1.2.4") },
      remote_engine_client: un("remote_engine_client::config::Config"),
      metrics: un("MetricsOptions", { in: from("v1.2.7") }),
    },
  },
  StorageOptions: {
    source: [
      "analytic_engine/src/storage_options.rs@v1.2.2 `StorageOptions`",
      "components/object_store/src/config.rs@v1.2.4..v1.2.7 `StorageOptions`",
    ],
    serdeDefault: true,
    fields: {
      mem_cache_capacity: s("size"),
      mem_cache_partition_bits: s("usize"),
      disk_cache_capacity: s("size"),
      disk_cache_page_size: s("size"),
      disk_cache_partition_bits: s("usize", { in: from("v1.2.4") }),
      disk_cache_dir: s("string"),
      object_store: en("ObjectStoreOptions"),
    },
  },
  LocalOptions: {
    source: ["analytic_engine/src/storage_options.rs@v1.2.2 `LocalOptions`", "components/object_store/src/config.rs@v1.2.4..v1.2.7 `LocalOptions`"],
    serdeDefault: false,
    fields: { data_dir: s("string") },
  },
  AliyunOptions: {
    source: ["analytic_engine/src/storage_options.rs@v1.2.2 `AliyunOptions`", "components/object_store/src/config.rs@v1.2.4..v1.2.7 `AliyunOptions`"],
    serdeDefault: false,
    fields: {
      key_id: s("string"),
      key_secret: s("string"),
      endpoint: s("string"),
      bucket: s("string"),
      prefix: s("string"),
      pool_max_idle_per_host: s("usize", { fieldDefault: true, in: upTo("v1.2.2") }),
      timeout: s("duration", { fieldDefault: true, in: upTo("v1.2.2") }),
      keep_alive_timeout: s("duration", { fieldDefault: true, in: upTo("v1.2.2") }),
      keep_alive_interval: s("duration", { fieldDefault: true, in: upTo("v1.2.2") }),
      http: st("HttpOptions", { fieldDefault: true, in: from("v1.2.4") }),
      retry: st("RetryOptions", { fieldDefault: true, in: from("v1.2.4") }),
    },
  },
  S3Options: {
    source: ["components/object_store/src/config.rs@v1.2.4..v1.2.7 `S3Options`"],
    serdeDefault: false,
    fields: {
      region: s("string"),
      key_id: s("string"),
      key_secret: s("string"),
      endpoint: s("string"),
      bucket: s("string"),
      prefix: s("string"),
      http: st("HttpOptions", { fieldDefault: true }),
      retry: st("RetryOptions", { fieldDefault: true }),
    },
  },
  ObkvOptions: {
    source: ["components/object_store/src/config.rs@v1.2.4..v1.2.7 `ObkvOptions`"],
    serdeDefault: false,
    fields: {
      prefix: s("string"),
      shard_num: s("usize", { fieldDefault: true }),
      part_size: s("size", { fieldDefault: true }),
      max_object_size: s("size", { fieldDefault: true }),
      upload_parallelism: s("usize", { fieldDefault: true }),
      client: st("ObkvConfig"),
    },
  },
  HttpOptions: {
    source: ["components/object_store/src/config.rs@v1.2.4..v1.2.7 `HttpOptions`"],
    serdeDefault: false,
    fields: {
      pool_max_idle_per_host: s("usize"),
      timeout: s("duration"),
      keep_alive_timeout: s("duration"),
      keep_alive_interval: s("duration"),
    },
  },
  RetryOptions: {
    source: ["components/object_store/src/config.rs@v1.2.4..v1.2.7 `RetryOptions`"],
    serdeDefault: false,
    fields: { max_retries: s("usize"), retry_timeout: s("duration") },
  },
  RocksDBConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `RocksDBConfig`"],
    serdeDefault: true,
    fields: { data_dir: s("string"), data_namespace: st("RocksDBWalConfig"), meta_namespace: st("RocksDBWalConfig") },
  },
  RocksDBWalConfig: {
    source: ["wal/src/rocks_impl/config.rs@v1.2.2..v1.2.7 `Config` (imported as RocksDBWalConfig)"],
    serdeDefault: true,
    fields: {
      max_subcompactions: s("u32", { in: from("v1.2.5") }),
      max_background_jobs: s("i32"),
      enable_statistics: s("bool"),
      write_buffer_size: s("size", { in: from("v1.2.5") }),
      max_write_buffer_number: s("i32", { in: from("v1.2.5") }),
      level_zero_file_num_compaction_trigger: s("i32", { in: from("v1.2.5") }),
      level_zero_slowdown_writes_trigger: s("i32", { in: from("v1.2.5") }),
      level_zero_stop_writes_trigger: s("i32", { in: from("v1.2.5") }),
      fifo_compaction_max_table_files_size: s("size", { in: from("v1.2.5") }),
    },
  },
  ObkvWalConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `ObkvWalConfig`"],
    serdeDefault: true,
    fields: { obkv: st("ObkvConfig"), data_namespace: st("WalNamespaceConfig"), meta_namespace: st("ManifestNamespaceConfig") },
  },
  WalNamespaceConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `WalNamespaceConfig`"],
    serdeDefault: true,
    fields: {
      shard_num: s("usize"),
      meta_shard_num: s("usize"),
      ttl: s("duration"),
      init_scan_timeout: s("duration"),
      init_scan_batch_size: s("i32"),
      bucket_create_parallelism: s("usize", { in: from("v1.2.6") }),
    },
  },
  ManifestNamespaceConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `ManifestNamespaceConfig`"],
    serdeDefault: true,
    fields: {
      shard_num: s("usize"),
      meta_shard_num: s("usize"),
      init_scan_timeout: s("duration"),
      init_scan_batch_size: s("i32"),
      clean_scan_timeout: s("duration"),
      clean_scan_batch_size: s("usize"),
      bucket_create_parallelism: s("usize", { in: from("v1.2.6") }),
    },
  },
  ObkvConfig: {
    source: ["components/table_kv/src/config.rs@v1.2.2..v1.2.7 `ObkvConfig`"],
    serdeDefault: true,
    fields: {
      full_user_name: s("string"),
      param_url: s("string"),
      password: s("string"),
      check_batch_result_num: s("bool"),
      enable_purge_recyclebin: s("bool"),
      max_create_table_retries: s("usize"),
      create_table_retry_interval: s("duration"),
      client: st("ObkvClientConfig"),
    },
  },
  ObkvClientConfig: {
    source: ["components/table_kv/src/config.rs@v1.2.2..v1.2.7 `ClientConfig`"],
    serdeDefault: true,
    fields: {
      sys_user_name: s("string"),
      sys_password: s("string"),
      metadata_refresh_interval: s("duration"),
      ocp_model_cache_file: s("string"),
      rslist_acquire_timeout: s("duration"),
      rslist_acquire_try_times: s("usize"),
      rslist_acquire_retry_interval: s("duration"),
      table_entry_acquire_connect_timeout: s("duration"),
      table_entry_acquire_read_timeout: s("duration"),
      table_entry_refresh_interval_base: s("duration"),
      table_entry_refresh_interval_ceiling: s("duration"),
      table_entry_refresh_try_times: s("usize"),
      table_entry_refresh_try_interval: s("duration"),
      table_entry_refresh_continuous_failure_ceiling: s("usize"),
      server_address_priority_timeout: s("duration"),
      runtime_continuous_failure_ceiling: s("usize"),
      rpc_connect_timeout: s("duration"),
      rpc_read_timeout: s("duration"),
      rpc_operation_timeout: s("duration"),
      rpc_login_timeout: s("duration"),
      rpc_retry_limit: s("usize"),
      rpc_retry_interval: s("duration"),
      refresh_workers_num: s("usize"),
      max_conns_per_server: s("usize"),
      min_idle_conns_per_server: s("usize"),
      conn_init_thread_num: s("usize"),
      metadata_mysql_conn_pool_max_size: s("usize"),
      metadata_mysql_conn_pool_min_size: s("usize"),
      table_batch_op_thread_num: s("usize"),
      query_concurrency_limit: s("usize", { optional: true }),
      log_level_flag: un("ObLogLevel"),
    },
  },
  KafkaWalConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `KafkaWalConfig`"],
    serdeDefault: true,
    fields: { kafka: st("KafkaConfig"), data_namespace: st("MessageQueueWalConfig"), meta_namespace: st("MessageQueueWalConfig") },
  },
  MessageQueueWalConfig: {
    source: ["wal/src/message_queue_impl/config.rs@v1.2.2..v1.2.7 `Config` (imported as MessageQueueWalConfig)"],
    serdeDefault: true,
    fields: { clean_period: s("duration") },
  },
  KafkaConfig: {
    source: ["components/message_queue/src/kafka/config.rs@v1.2.2..v1.2.7 `Config` (imported as KafkaConfig)"],
    serdeDefault: true,
    fields: {
      client: st("KafkaClientConfig"),
      topic_management: st("TopicManagementConfig"),
      consumer: st("ConsumerConfig"),
      retry_interval_factor: s("f64", { in: from("v1.2.4") }),
      init_retry_interval: s("duration", { in: from("v1.2.4") }),
      max_retry_interval: s("duration", { in: from("v1.2.4") }),
      max_retry: s("usize", { in: from("v1.2.4") }),
    },
  },
  KafkaClientConfig: {
    source: ["components/message_queue/src/kafka/config.rs@v1.2.2..v1.2.7 `ClientConfig`"],
    serdeDefault: true,
    fields: {
      boost_broker: s("string", { optional: true, in: upTo("v1.2.2") }),
      boost_brokers: s("string[]", { optional: true, in: from("v1.2.4") }),
      max_message_size: s("usize", { optional: true }),
      socks5_proxy: s("string", { optional: true }),
    },
  },
  TopicManagementConfig: {
    source: ["components/message_queue/src/kafka/config.rs@v1.2.2..v1.2.7 `TopicManagementConfig`"],
    serdeDefault: true,
    fields: { create_replication_factor: s("i16"), create_max_wait_ms: s("i32"), delete_max_wait_ms: s("i32") },
  },
  ConsumerConfig: {
    source: ["components/message_queue/src/kafka/config.rs@v1.2.2..v1.2.7 `ConsumerConfig`"],
    serdeDefault: true,
    fields: { max_wait_ms: s("i32", { optional: true }), min_batch_size: s("i32", { optional: true }), max_batch_size: s("i32", { optional: true }) },
  },
  ClusterConfig: {
    source: ["cluster/src/config.rs@v1.2.2..v1.2.7 `ClusterConfig`"],
    serdeDefault: true,
    fields: { cmd_channel_buffer_size: s("usize"), meta_client: st("MetaClientConfig"), etcd_client: st("EtcdClientConfig") },
  },
  MetaClientConfig: {
    source: ["meta_client/src/meta_impl.rs@v1.2.2..v1.2.7 `MetaClientConfig`"],
    serdeDefault: true,
    fields: { cluster_name: s("string"), meta_addr: s("string"), lease: s("duration"), timeout: s("duration"), cq_count: s("usize") },
  },
  EtcdClientConfig: {
    source: ["cluster/src/config.rs@v1.2.2..v1.2.7 `EtcdClientConfig`"],
    serdeDefault: true,
    fields: {
      server_addrs: s("string[]"),
      root_path: s("string"),
      connect_timeout: s("duration"),
      shard_lock_lease_ttl_sec: s("u64"),
      shard_lock_lease_check_interval: s("duration"),
    },
  },
};

export const ENUMS: Record<string, EnumSchema> = {
  ClusterDeployment: {
    source: ["src/config.rs@v1.2.2..v1.2.6 `ClusterDeployment`", "src/ceresdb/src/config.rs@v1.2.7 `ClusterDeployment`"],
    tag: "mode",
    variants: { NoMeta: {}, WithMeta: { struct: "ClusterConfig" } },
  },
  WalStorageConfig: {
    source: ["analytic_engine/src/lib.rs@v1.2.2..v1.2.7 `WalStorageConfig`"],
    tag: "type",
    variants: { RocksDB: { struct: "RocksDBConfig" }, Obkv: { struct: "ObkvWalConfig" }, Kafka: { struct: "KafkaWalConfig" } },
  },
  ObjectStoreOptions: {
    source: ["analytic_engine/src/storage_options.rs@v1.2.2 `ObjectStoreOptions`", "components/object_store/src/config.rs@v1.2.4..v1.2.7 `ObjectStoreOptions`"],
    tag: "type",
    variants: {
      Local: { struct: "LocalOptions" },
      Aliyun: { struct: "AliyunOptions" },
      Obkv: { struct: "ObkvOptions", in: from("v1.2.4") },
      S3: { struct: "S3Options", in: from("v1.2.4") },
    },
  },
};

/**
 * Keys that parse but do nothing, so rendering them is a defect too. Each names the code that
 * ignores it.
 */
export interface DeadKeyRule {
  path: string;
  why: string;
  dead(table: Record<string, unknown>): boolean;
}

export const DEAD_KEYS: DeadKeyRule[] = [
  {
    path: "analytic.storage.disk_cache_dir",
    why: "read only when disk_cache_capacity > 0 (analytic_engine/src/setup.rs@v1.2.2..v1.2.7, `if opts.disk_cache_capacity.as_byte() > 0`)",
    dead: (storage) => "disk_cache_dir" in storage && !/^\s*[1-9]/.test(String(storage.disk_cache_capacity ?? "0")),
  },
  {
    path: "cluster_deployment.cmd_channel_buffer_size",
    why: "declared in ClusterConfig but read nowhere (cluster/src/config.rs@v1.2.2..v1.2.7)",
    dead: (cd) => "cmd_channel_buffer_size" in cd,
  },
];

const ORDER = VERSIONS as readonly string[];
export function inRange(version: CeresVersion, r: Range | undefined): boolean {
  const i = ORDER.indexOf(version);
  return (r?.from === undefined || i >= ORDER.indexOf(r.from)) && (r?.to === undefined || i <= ORDER.indexOf(r.to));
}
