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
/** A file that stays where it is at every tag. */
const at = (file: string) => () => file;
/** The server's config.rs: under src/ceresdb/ at v1.2.7, at the top before. */
const serverConfigRs = (v: string) => (v === "v1.2.7" ? "src/ceresdb/src/config.rs" : "src/config.rs");
/** The object store options: in analytic_engine at v1.2.2, in components/object_store from v1.2.4. */
const storageOptionsRs = (v: string) => (v === "v1.2.2" ? "analytic_engine/src/storage_options.rs" : "components/object_store/src/config.rs");
/**
 * Each Rust file (by tag) and the schema structs it defines: a name where the Rust struct has the
 * schema's name, [schema name, Rust name] where it does not.
 */
const FILES: [(v: string) => string, (string | [string, string])[]][] = [
  [serverConfigRs, ["Config", "NodeInfo", "RuntimeConfig"]],
  [at("server/src/config.rs"), ["ServerConfig"]],
  [at("components/logger/src/lib.rs"), [["LoggerConfig", "Config"]]],
  [at("components/tracing_util/src/logging.rs"), [["TracingConfig", "Config"], "ConsoleConfig"]],
  [at("analytic_engine/src/lib.rs"), [["AnalyticConfig", "Config"], "RocksDBConfig", "ObkvWalConfig", "WalNamespaceConfig", "ManifestNamespaceConfig", "KafkaWalConfig"]],
  [storageOptionsRs, ["StorageOptions", "LocalOptions", "AliyunOptions"]],
  [at("components/object_store/src/config.rs"), ["S3Options", "ObkvOptions", "HttpOptions", "RetryOptions"]],
  [at("wal/src/rocks_impl/config.rs"), [["RocksDBWalConfig", "Config"]]],
  [at("components/table_kv/src/config.rs"), ["ObkvConfig", ["ObkvClientConfig", "ClientConfig"]]],
  [at("wal/src/message_queue_impl/config.rs"), [["MessageQueueWalConfig", "Config"]]],
  [at("components/message_queue/src/kafka/config.rs"), [["KafkaConfig", "Config"], ["KafkaClientConfig", "ClientConfig"], "TopicManagementConfig", "ConsumerConfig"]],
  [at("cluster/src/config.rs"), ["ClusterConfig", "EtcdClientConfig"]],
  [at("meta_client/src/meta_impl.rs"), ["MetaClientConfig"]],
];
/** Schema struct -> [its file at a tag, its Rust name]. */
const MAP: Record<string, [(v: string) => string, string]> = Object.fromEntries(
  FILES.flatMap(([file, structs]) => structs.map((s) => (typeof s === "string" ? [s, [file, s]] : [s[0], [file, s[1]]]))),
);
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
