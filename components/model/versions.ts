/**
 * What differs between the CeresDB/CeresMeta releases we render for. Every entry comes from
 * ../shared/reference/ceresdb-config.md (sections 1.3, 2.8, 2.9, 2.11); a version missing here is
 * refused by validation rather than rendered with guessed keys. This table is the version list:
 * the CeresVersion type, the `ceresdb:version` choices, its default and its description derive from it.
 */
export interface VersionTraits {
  /** CeresMeta HTTP port key: renamed from `default-http-port` to `http-port` in v1.2.7. */
  metaHttpPortKey: "default-http-port" | "http-port";
  /** CeresMeta health path: `/api/v1/healthCheck` up to v1.2.6, `/api/v1/health` from v1.2.7. */
  metaHealthPath: string;
  /** CeresMeta has the etcd member API (`/api/v1/etcd/member`), v1.2.7+. */
  metaMemberApi: boolean;
  /** Aliyun object store: flat `pool_max_idle_per_host`/`timeout` (<= v1.2.2) or `http`/`retry` tables (v1.2.4+). */
  aliyunLayout: "flat" | "nested";
  /** Kafka brokers: one string `boost_broker` (<= v1.2.2) or an array `boost_brokers` (v1.2.4+). */
  kafkaBrokersKey: "boost_broker" | "boost_brokers";
  /** CeresDB serves PostgreSQL (`server.postgresql_port`), v1.2.6+. */
  postgresql: boolean;
  /**
   * Where CeresMeta names its leader (`{"status":"success","data":"<leader client URL>"}`):
   * `/api/v1/leader` from v1.2.4 to v1.2.6, `/debug/leader` in v1.2.7; v1.2.2 has none, so the
   * roll gates ask the etcd raft leader (client port's JSON gateway) instead.
   * Source: apache/incubator-horaedb-meta server/service/http/api.go at each tag (NewAPIRouter).
   */
  metaLeaderPath?: string;
  /**
   * CeresMeta serves `GET /debug/diagnose/{cluster}/shards` (unregistered and unready shards),
   * v1.2.7 only (api.go diagnoseShards; absent from the router up to v1.2.6).
   */
  metaShardDiagnose: boolean;
}

const v122: VersionTraits = {
  metaHttpPortKey: "default-http-port",
  metaHealthPath: "/api/v1/healthCheck",
  metaMemberApi: false,
  aliyunLayout: "flat",
  kafkaBrokersKey: "boost_broker",
  postgresql: false,
  metaShardDiagnose: false,
};
const v124: VersionTraits = { ...v122, aliyunLayout: "nested", kafkaBrokersKey: "boost_brokers", metaLeaderPath: "/api/v1/leader" };
const v126: VersionTraits = { ...v124, postgresql: true };
const v127: VersionTraits = {
  ...v126,
  metaHttpPortKey: "http-port",
  metaHealthPath: "/api/v1/health",
  metaMemberApi: true,
  metaLeaderPath: "/debug/leader",
  metaShardDiagnose: true,
};

/** Oldest first. */
export const VERSION_TRAITS = {
  "v1.2.2": v122,
  "v1.2.4": v124,
  "v1.2.5": v124,
  "v1.2.6": v126,
  "v1.2.7": v127,
} as const satisfies Readonly<Record<string, VersionTraits>>;

/** A CeresDB/CeresMeta release tag; the two always run the same tag. */
export type CeresVersion = keyof typeof VERSION_TRAITS;

export const SUPPORTED_VERSIONS = Object.keys(VERSION_TRAITS) as CeresVersion[];

/** The newest release in the table: the default of `ceresdb:version`. */
export const DEFAULT_VERSION: CeresVersion = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];

export function isSupportedVersion(v: string): v is CeresVersion {
  return Object.prototype.hasOwnProperty.call(VERSION_TRAITS, v);
}

export function traitsOf(v: CeresVersion): VersionTraits {
  return VERSION_TRAITS[v];
}
