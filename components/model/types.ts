/**
 * The validated cluster spec: the single typed description of everything a stack builds.
 *
 * Data flows one way: stack settings (components/config/stackConfig.ts, the only reader of
 * pulumi.Config) -> validation and defaults (components/model/buildSpec.ts) -> this spec -> pure
 * renderers (components/render/*) -> thin components that only create resources.
 *
 * The spec is plain data: no Pulumi Outputs, no secrets. Secret values travel separately as
 * `ClusterSecrets` so the spec can be rendered, compared and snapshotted freely.
 */

import type { SecretInputs, SETTINGS } from "./settings";
import type { CeresVersion } from "./versions";
import type { EnvironmentClass } from "./vocabulary";

/** Environment class: decides protection, teardown and network strictness (components/model/vocabulary.ts). */
export type { EnvironmentClass };

/** WAL implementations CeresDB supports (`[analytic.wal] type`), the choices of `ceresdb:walType`. Case matters to CeresDB. */
export type WalType = (typeof SETTINGS.walType.choices)[number];

/** CeresMeta topology (`topology-type`), the choices of `ceresdb:topology`. `dynamic` needs remote WAL and storage. */
export type TopologyType = (typeof SETTINGS.topology.choices)[number];

/** Log levels of CeresDB and CeresMeta, the choices of `ceresdb:logLevel`. */
export type LogLevel = (typeof SETTINGS.logLevel.choices)[number];

/** A CeresDB/CeresMeta release tag (components/model/versions.ts, the version-traits table). */
export type { CeresVersion };

export interface PortSpec {
  /** CeresDB gRPC (`server.grpc_port`), part of each node's identity. */
  grpc: number;
  /** CeresDB HTTP (`server.http_port`); `GET /` is the health check. */
  http: number;
  /** CeresDB MySQL protocol (`server.mysql_port`). */
  mysql: number;
  /** CeresDB PostgreSQL protocol (`server.postgresql_port`, v1.2.6+ only). */
  postgresql: number;
  /** CeresMeta etcd client + gRPC (`client-urls`). */
  metaClient: number;
  /** CeresMeta etcd peer (`peer-urls`). */
  metaPeer: number;
  /** CeresMeta HTTP API; one value on every member so leader forwarding works. */
  metaHttp: number;
}

export interface DiskSpec {
  /** Alibaba Cloud disk category, e.g. `cloud_essd`. */
  category: string;
  /** Size in GiB. */
  sizeGb: number;
  /** ESSD performance level (PL0..PL3); only for `cloud_essd`. */
  performanceLevel?: string;
}

export interface ZoneSpec {
  /** Zone ID, e.g. `cn-hangzhou-h`. */
  zoneId: string;
  /** The vSwitch of this zone: created with `cidr`, or an existing one (`vswitchId`). */
  vswitchId?: string;
  /** CIDR of the vSwitch (the one we create, or the existing one's, needed to pin host IPs). */
  cidr: string;
}

export interface NetworkSpec {
  /** Existing VPC ID; undefined means the stack creates the VPC. */
  vpcId?: string;
  /** CIDR of the VPC (created, or the existing one's). */
  vpcCidr: string;
  /** Zones in placement order; hosts are spread round-robin over them. */
  zones: ZoneSpec[];
  /** CIDRs allowed to reach the CeresDB client ports (gRPC, MySQL, PostgreSQL); never the HTTP port. */
  clientCidrs: string[];
  /** CIDRs allowed to SSH to the hosts (besides the bastion) and to reach the HTTP ports. */
  adminCidrs: string[];
  /**
   * CIDRs of a monitoring source (e.g. Prometheus scraping `/metrics`) allowed to reach the CeresDB
   * HTTP port. No setting fills it yet; a future `ceresdb:monitoringCidrs` only has to set it.
   */
  monitoringCidrs?: string[];
  /** Give hosts a public IP (test stacks without a bastion). */
  assignPublicIp: boolean;
  /** Create a NAT gateway + EIP + SNAT so private hosts can pull images and packages. */
  createNatGateway: boolean;
}

/** How the program reaches each host's SSH (for Docker and readiness checks). */
export interface AccessSpec {
  /** SSH login user on every host. */
  sshUser: string;
  /** OpenSSH public key installed on every host (`type base64`, comment dropped). */
  sshPublicKey: string;
  /** ECS key pair name, derived from the key's hash so a new key is a new key pair (see sshKey.ts). */
  keyPairName: string;
  /** Every key the hosts' authorized_keys holds: the current key, then a retiring one during a rotation. */
  authorizedKeys: string[];
  /** Optional jump host (`host` or `host:port`), its user and its pinned public host key (`type base64`). */
  bastion?: { host: string; port: number; user: string; hostKey: string };
}

/** One host: an ECS instance with a fixed private IP and its own data disk. */
export interface HostSpec {
  /** Role-qualified short name, e.g. `meta-0`, `node-3`; also the base of resource names. */
  name: string;
  zoneId: string;
  /** Fixed private IP inside the zone's vSwitch. */
  privateIp: string;
  instanceType: string;
  systemDisk: DiskSpec;
  dataDisk: DiskSpec;
  /**
   * ECS deletion protection of this instance: the environment's, except for a host listed in
   * `ceresdb:replaceHosts` (turned off so it can be replaced).
   */
  deletionProtection: boolean;
}

export interface MetaMemberSpec {
  /** 0-based member index. */
  index: number;
  /** etcd member name (`node-name`), e.g. `meta0`; never changes for a member. */
  memberName: string;
  host: HostSpec;
  /**
   * `new` for members of the bootstrap cluster; `existing` for a member being re-added after
   * it was lost (see the README's member replacement procedure).
   */
  initialClusterState: "new" | "existing";
}

/** One CeresDB node (the `node` role, components/model/vocabulary.ts). */
export interface NodeSpec {
  /** 0-based node index. */
  index: number;
  host: HostSpec;
}

export type WalSpec =
  | { type: "RocksDB" }
  | {
      type: "Obkv";
      paramUrl: string;
      fullUserName: string;
      sysUserName: string;
    }
  | {
      type: "Kafka";
      brokers: string[];
      /** Replication factor of the WAL topics CeresDB creates (`topic_management.create_replication_factor`). */
      replicationFactor: number;
    };

export interface StorageSpec {
  /** OSS bucket name. */
  bucket: string;
  /** Create the bucket (true) or use an existing one (false). */
  createBucket: boolean;
  /** Key prefix inside the bucket for this cluster's SSTs. */
  prefix: string;
  /** Endpoint the hosts use (the region's internal endpoint, https). */
  endpoint: string;
  /** Use a user-supplied access key pair (`ceresdb:ossAccessKeyId` + secret) instead of a RAM user. */
  useSuppliedKey: boolean;
  /** Supplied access key ID (not secret), when `useSuppliedKey`. */
  suppliedKeyId?: string;
}

/** Cluster-creation settings CeresMeta reads only at the very first start. */
export interface BootstrapSpec {
  /** `default-cluster-name`; CeresDB `meta_client.cluster_name` must match. */
  clusterName: string;
  /** `default-cluster-node-count`. */
  nodeCount: number;
  /** `default-cluster-shard-total`. */
  shardTotal: number;
  /** `topology-type`. */
  topology: TopologyType;
  /** etcd `initial-cluster-token`, unique per stack so test clusters can never cross-talk. */
  initialClusterToken: string;
  /** etcd key prefix (`storage-root-path` = CeresDB `etcd_client.root_path`). */
  storageRootPath: string;
}

export interface ImageSpec {
  /** Full image reference of CeresMeta, e.g. `docker.io/ceresdb/ceresmeta-server:v1.2.7`. */
  meta: string;
  /** Full image reference of CeresDB (the node role), e.g. `docker.io/ceresdb/ceresdb-server:v1.2.7`. */
  node: string;
  /** Registry host for authentication, e.g. `registry.cn-hangzhou.aliyuncs.com`. */
  registry: string;
  /** Registry user; the password is the secret `ceresdb:registryPassword`. */
  registryUsername?: string;
}

/** What the environment class turns on. Derived, never set directly. */
export interface ProtectionSpec {
  /** Pulumi `protect` on the bucket and data disks. */
  protectData: boolean;
  /** ECS deletion protection on every instance. */
  deletionProtection: boolean;
  /** OSS versioning on a bucket we create. */
  ossVersioning: boolean;
  /** Let `pulumi destroy` delete a non-empty bucket we created. */
  forceDestroyBucket: boolean;
}

/** Marks a ClusterSpec as built by buildSpec; exists only in the type system. */
declare const builtBySpecBuilder: unique symbol;

/**
 * The validated cluster spec, as only buildSpec (components/model/buildSpec.ts) produces it: the
 * brand says the data passed every check, so renderers and components rely on it and do not
 * check again. A hand-written object literal is not a ClusterSpec; tests that need one go through
 * buildSpec or through `specForTests` (components/model/specForTests.ts, test-only).
 */
export type ClusterSpec = ClusterSpecData & { readonly [builtBySpecBuilder]: true };

/** Brands checked data; called by buildSpec (and specForTests) only. */
export function brandSpec(data: ClusterSpecData): ClusterSpec {
  return data as ClusterSpec;
}

/** The plain data of a ClusterSpec. */
export interface ClusterSpecData {
  /** Pulumi project and stack this spec was built for. */
  project: string;
  stack: string;
  /** Prefix of every resource name and cloud-side name, e.g. `ceresdb-dev` (`ceresdb:resourcePrefix`). */
  namePrefix: string;
  version: CeresVersion;
  environment: EnvironmentClass;
  region: string;
  /** Tags applied to every taggable resource (already merged with the managed tags). */
  tags: Record<string, string>;
  ports: PortSpec;
  network: NetworkSpec;
  access: AccessSpec;
  images: ImageSpec;
  storage: StorageSpec;
  wal: WalSpec;
  bootstrap: BootstrapSpec;
  meta: MetaMemberSpec[];
  nodes: NodeSpec[];
  protection: ProtectionSpec;
  /** Log level for CeresDB and CeresMeta. */
  logLevel: LogLevel;
  /** How later changes roll (components/model/validate/rollout.ts). */
  rollout: RolloutSpec;
  /** Metrics, alerts, metadata backups and data protection (components/model/validate/observability.ts). */
  observability: ObservabilitySpec;
  /** The stable endpoints in front of the members and the nodes (components/model/validate/loadBalancers.ts). */
  loadBalancers: LoadBalancersSpec;
}

/** How later changes reach the services; creation is parallel regardless (docs/rollout.md). */
export interface RolloutSpec {
  /** Nodes restarted at once by a later change (`ceresdb:nodeBatchSize`), 1 to maxNodeBatchSize(nodeCount). */
  nodeBatchSize: number;
}

/**
 * How metrics are scraped: `arms` (Alibaba Cloud managed Prometheus in the VPC, its agent in a
 * security group of its own), `external` (your own Prometheus at `monitoringCidrs`, fed the
 * rendered config), `off` (node exporter still runs; nothing may reach it).
 */
export type { MonitoringMode } from "./vocabulary";
import type { MonitoringMode } from "./vocabulary";

/** One alert rule of the user's, merged beside the stack's own (never overriding one). */
export interface UserAlertRule {
  alert: string;
  expr: string;
}

export interface ObservabilitySpec {
  monitoring: MonitoringMode;
  /** CIDRs of an external Prometheus; they reach the metrics ports (node exporter, etcd, CeresDB HTTP). */
  monitoringCidrs: string[];
  userAlertRules: UserAlertRule[];
  /** etcd snapshots of CeresMeta, taken on a meta host by a systemd timer and put into the cluster's bucket. */
  metaBackup: {
    intervalMinutes: number;
    /** Days a snapshot is kept (an OSS lifecycle rule on `prefix` expires older ones). */
    retentionDays: number;
    /** Key prefix inside the bucket, `<storage prefix>/meta-backup`. */
    prefix: string;
  };
  /** ECS automatic snapshots of every data disk; undefined in test stacks. */
  diskSnapshots?: { retentionDays: number; timePoints: string[]; repeatWeekdays: string[] };
  /** OSS lifecycle of a bucket the stack creates. */
  ossLifecycle: { noncurrentVersionDays: number; abortMultipartDays: number };
}

/** A TCP listener of a load balancer: `port` on the balancer to `backendPort` on every backend. */
export interface LoadBalancerListenerSpec {
  /** Service name (resource names, outputs), e.g. `meta-grpc`, `mysql`. */
  service: string;
  port: number;
  backendPort: number;
}

/**
 * A layer-4 (TCP) Alibaba Cloud CLB. Why CLB rather than NLB: docs/load-balancers.md. The health
 * check is a TCP connect to each backend's port, as the listener's defaults of
 * terraform-provider-alicloud resource_alicloud_slb_listener.go say, with our own timings.
 */
export interface LoadBalancerSpec {
  /** `meta` (what every node's `meta_client.meta_addr` names) or `client` (gRPC, MySQL, PostgreSQL). */
  role: "meta" | "client";
  /** Cloud-side name, e.g. `ceresdb-dev-meta`. */
  name: string;
  /** `intranet` always for `meta`; `internet` for `client` only with `ceresdb:allowPublicAccess`. */
  addressType: "intranet" | "internet";
  /** Fixed private address in `zoneId`'s vSwitch (intranet only; topology/addressing.ts loadBalancerIp). */
  address?: string;
  /** Zone whose vSwitch holds the address (the first zone). */
  zoneId: string;
  listeners: LoadBalancerListenerSpec[];
  /** Every backend host by name (`meta-0`, `node-3`) with its private IP. */
  backends: { host: string; ip: string }[];
  healthCheck: { intervalSeconds: number; timeoutSeconds: number; healthyThreshold: number; unhealthyThreshold: number };
  /** CIDRs the listeners admit (a whitelist ACL); undefined: no ACL (only the security groups decide). */
  allowedCidrs?: string[];
}

export interface LoadBalancersSpec {
  meta: LoadBalancerSpec;
  client: LoadBalancerSpec;
}

/**
 * Secret values, resolved. Renderers take them as plain strings; components obtain them inside
 * an `apply` so everything rendered from them stays a secret Output.
 */
export type ClusterSecrets = {
  /** The OSS key pair of the nodes: the per-stack RAM user's, or `ceresdb:ossAccessKeyId` and its secret. */
  ossAccessKeyId: string;
  ossAccessKeySecret: string;
} & Pick<SecretInputs<string>, "obkvPassword" | "obkvSysPassword">;
