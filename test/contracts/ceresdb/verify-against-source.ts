/**
 * Cross-checks schema.ts against the Rust structs of a local apache/horaedb clone (not run by CI:
 * it needs the clone). For every modelled struct at every supported tag it compares the field
 * names, `Option`, field- and struct-level `#[serde(default)]`, `deny_unknown_fields` and the
 * scalar types, and prints each mismatch. Reads the clone; copies nothing from it.
 *
 *   npx tsx test/contracts/ceresdb/verify-against-source.ts /path/to/horaedb/.git
 */
import { execSync } from "child_process";
import { STRUCTS, VERSIONS, inRange } from "./schema";
import { CeresVersion } from "../../../components/model/types";
const gitDir = process.argv[2];
if (!gitDir) {
  console.error("usage: verify-against-source.ts <horaedb git dir>");
  process.exit(2);
}
/** Schema struct -> [its file at a tag, its Rust name]. */
const MAP: Record<string, [(v: string) => string, string]> = {
  Config: [(v) => (v === "v1.2.7" ? "src/ceresdb/src/config.rs" : "src/config.rs"), "Config"],
  NodeInfo: [(v) => (v === "v1.2.7" ? "src/ceresdb/src/config.rs" : "src/config.rs"), "NodeInfo"],
  RuntimeConfig: [(v) => (v === "v1.2.7" ? "src/ceresdb/src/config.rs" : "src/config.rs"), "RuntimeConfig"],
  ServerConfig: [() => "server/src/config.rs", "ServerConfig"],
  LoggerConfig: [() => "components/logger/src/lib.rs", "Config"],
  TracingConfig: [() => "components/tracing_util/src/logging.rs", "Config"],
  ConsoleConfig: [() => "components/tracing_util/src/logging.rs", "ConsoleConfig"],
  AnalyticConfig: [() => "analytic_engine/src/lib.rs", "Config"],
  StorageOptions: [(v) => (v === "v1.2.2" ? "analytic_engine/src/storage_options.rs" : "components/object_store/src/config.rs"), "StorageOptions"],
  LocalOptions: [(v) => (v === "v1.2.2" ? "analytic_engine/src/storage_options.rs" : "components/object_store/src/config.rs"), "LocalOptions"],
  AliyunOptions: [(v) => (v === "v1.2.2" ? "analytic_engine/src/storage_options.rs" : "components/object_store/src/config.rs"), "AliyunOptions"],
  S3Options: [() => "components/object_store/src/config.rs", "S3Options"],
  ObkvOptions: [() => "components/object_store/src/config.rs", "ObkvOptions"],
  HttpOptions: [() => "components/object_store/src/config.rs", "HttpOptions"],
  RetryOptions: [() => "components/object_store/src/config.rs", "RetryOptions"],
  RocksDBConfig: [() => "analytic_engine/src/lib.rs", "RocksDBConfig"],
  RocksDBWalConfig: [() => "wal/src/rocks_impl/config.rs", "Config"],
  ObkvWalConfig: [() => "analytic_engine/src/lib.rs", "ObkvWalConfig"],
  WalNamespaceConfig: [() => "analytic_engine/src/lib.rs", "WalNamespaceConfig"],
  ManifestNamespaceConfig: [() => "analytic_engine/src/lib.rs", "ManifestNamespaceConfig"],
  ObkvConfig: [() => "components/table_kv/src/config.rs", "ObkvConfig"],
  ObkvClientConfig: [() => "components/table_kv/src/config.rs", "ClientConfig"],
  KafkaWalConfig: [() => "analytic_engine/src/lib.rs", "KafkaWalConfig"],
  MessageQueueWalConfig: [() => "wal/src/message_queue_impl/config.rs", "Config"],
  KafkaConfig: [() => "components/message_queue/src/kafka/config.rs", "Config"],
  KafkaClientConfig: [() => "components/message_queue/src/kafka/config.rs", "ClientConfig"],
  TopicManagementConfig: [() => "components/message_queue/src/kafka/config.rs", "TopicManagementConfig"],
  ConsumerConfig: [() => "components/message_queue/src/kafka/config.rs", "ConsumerConfig"],
  ClusterConfig: [() => "cluster/src/config.rs", "ClusterConfig"],
  MetaClientConfig: [() => "meta_client/src/meta_impl.rs", "MetaClientConfig"],
  EtcdClientConfig: [() => "cluster/src/config.rs", "EtcdClientConfig"],
};
/** Structs added after v1.2.2 (components/object_store/src/config.rs has none of them there). */
const SINCE_V124 = ["S3Options", "ObkvOptions", "HttpOptions", "RetryOptions"];
const SCALAR_RUST: Record<string, RegExp> = {
  string: /^String$/,
  bool: /^bool$/,
  u16: /^u16$/,
  i16: /^i16$/,
  i32: /^i32$/,
  u32: /^u32$/,
  u64: /^u64$/,
  usize: /^usize$/,
  f32: /^f32$/,
  f64: /^f64$/,
  duration: /ReadableDuration/,
  size: /ReadableSize/,
  "string[]": /^Vec<String>$/,
};

let bad = 0;
const report = (line: string) => {
  console.log(line);
  bad++;
};

function show(tag: string, file: string): string | undefined {
  try {
    return execSync(`git -C ${gitDir} show ${tag}:${file}`, { encoding: "utf8", maxBuffer: 1e8, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

for (const v of VERSIONS) {
  for (const [name, [file, rust]] of Object.entries(MAP)) {
    const absent = v === "v1.2.2" && SINCE_V124.includes(name);
    const src = show(v, file(v));
    const m = src ? new RegExp(`pub struct ${rust} \\{([\\s\\S]*?)\\n\\}`).exec(src) : null;
    if (!src || !m) {
      if (!absent) report(`${v} ${name}: ${rust} not found in ${file(v)}`);
      continue;
    }
    // The attributes between the derive and the struct.
    const before = src.slice(0, m.index).split("\n").slice(-6).join("\n");
    const attrs = before.slice(before.lastIndexOf("#[derive"));
    const serdeDefault = /#\[serde\([^)]*\bdefault\b/.test(attrs);
    const deny = /deny_unknown_fields/.test(attrs);
    const fields: Record<string, { type: string; fieldDefault: boolean }> = {};
    let pendingDefault = false;
    for (const l of m[1].split("\n")) {
      if (l.trim().startsWith("//")) continue;
      if (/#\[serde\(default/.test(l)) pendingDefault = true;
      const f = /^\s*(?:pub\s+)?(\w+):\s*(.+?),?\s*$/.exec(l);
      if (f) {
        fields[f[1]] = { type: f[2], fieldDefault: pendingDefault };
        pendingDefault = false;
      }
    }
    const mine = STRUCTS[name];
    const want = Object.entries(mine.fields).filter(([, f]) => inRange(v as CeresVersion, f.in));
    const a = want.map(([k]) => k).sort().join(",");
    const b = Object.keys(fields).sort().join(",");
    if (a !== b) report(`${v} ${name}: schema [${a}] vs source [${b}]`);
    if (mine.serdeDefault !== serdeDefault) report(`${v} ${name}: serdeDefault ${mine.serdeDefault} vs source ${serdeDefault}`);
    if (!!mine.denyUnknownFields !== deny) report(`${v} ${name}: deny_unknown_fields ${!!mine.denyUnknownFields} vs source ${deny}`);
    for (const [k, f] of want) {
      const sf = fields[k];
      if (!sf) continue;
      if (!!f.optional !== /^Option</.test(sf.type)) report(`${v} ${name}.${k}: optional ${!!f.optional} vs ${sf.type}`);
      if (!!f.fieldDefault !== sf.fieldDefault) report(`${v} ${name}.${k}: fieldDefault ${!!f.fieldDefault} vs source ${sf.fieldDefault}`);
      const rustType = sf.type.replace(/^Option<(.*)>$/, "$1");
      const expected = f.type.kind === "scalar" ? SCALAR_RUST[f.type.scalar] : undefined;
      if (expected && !expected.test(rustType)) report(`${v} ${name}.${k}: ${f.type.kind === "scalar" ? f.type.scalar : ""} vs ${sf.type}`);
    }
  }
}
console.log(`mismatches: ${bad}`);
process.exit(bad === 0 ? 0 : 1);
