/**
 * Every stack setting, declared once: its type, default and description.
 *
 * The same table drives reading (components/config/stackConfig.ts), defaults and validation
 * (buildSpec.ts and validate/*.ts read each setting's `choices`, `min`, `max` and `odd` from here), and is checked against the `config:` block of Pulumi.yaml and the README's
 * settings reference by test/model/settingsDocs.test.ts, so the three can never drift apart.
 */

import { DEFAULT_VERSION, SUPPORTED_VERSIONS } from "./versions";
import { DEFAULT_ENVIRONMENT, DEFAULT_PORTS, ENVIRONMENT_CLASSES, MONITORING_MODES } from "./vocabulary";

export type SettingType = "string" | "integer" | "boolean" | "array" | "object";

export interface SettingDecl {
  type: SettingType;
  /** Default, as Pulumi.yaml states it. Absent: no default (optional or required, see `required`). */
  default?: string | number | boolean | unknown[] | Record<string, unknown>;
  /** Stored encrypted; read with getSecret and never rendered into a plain output. */
  secret?: boolean;
  /** Must be set in every stack (a few more are required only in some cases; see buildSpec). */
  required?: boolean;
  /** Item type of an array setting, as Pulumi.yaml declares it (default string). */
  items?: "string" | "integer";
  /**
   * A secret the program uses only with some other setting. The Pulumi CLI v3.248.0 cannot have an
   * optional secret (a `secret: true` setting with a default is refused while unset, one without a
   * default is required), so every stack sets it, to an empty secret when it is not used.
   */
  usedOnlyWith?: string;
  /**
   * A value that passes both the Pulumi CLI's validation and the program's, set as the docs say
   * (`pulumi config set`, `--path` for each list item and map entry, `--secret` for secrets; a
   * secret's `file` is read from stdin). All examples together form one valid stack, which
   * test/pulumi-cli/stackConfig.ts sets through the real CLI and builds.
   */
  example?: string | number | boolean | readonly (string | number)[] | Readonly<Record<string, string | number>> | { readonly file: string };
  /** The only values a string setting takes; validation refuses others and names these. */
  choices?: readonly string[];
  /** Smallest and largest value of an integer setting (validation refuses others). */
  min?: number;
  max?: number;
  /** The integer must be odd; the text says why (quoted in the refusal). */
  odd?: string;
  description: string;
}

/** `a, b or c`: how descriptions and refusals list choices. */
export function orList(items: readonly (string | number)[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

// Choices referenced by a setting's description as well as its declaration.
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
const TOPOLOGIES = ["static", "dynamic"] as const;
const WAL_TYPES = ["RocksDB", "Obkv", "Kafka"] as const;
const DATA_DISK_CATEGORIES = ["cloud_essd", "cloud_ssd", "cloud_efficiency"] as const;
const META_COUNT = { min: 1, max: 7 } as const;
const NODE_COUNT = { min: 1, max: 500 } as const;
const META_BACKUP_INTERVAL = { min: 15, max: 1440 } as const;
const META_BACKUP_RETENTION = { min: 1, max: 3650 } as const;
// AutoSnapshotPolicy retention_days: -1 (forever) or 1..65536 (CreateAutoSnapshotPolicy RetentionDays).
const DISK_SNAPSHOT_RETENTION = { min: 1, max: 65536 } as const;

/** Project name = settings namespace. */
export const NAMESPACE = "ceresdb";


export const SETTINGS = {
  // --- Cluster ---------------------------------------------------------------------------
  version: {
    type: "string",
    default: DEFAULT_VERSION,
    choices: SUPPORTED_VERSIONS,
    example: DEFAULT_VERSION,
    description: `CeresDB and CeresMeta release tag (the two always run the same tag). Supported: ${SUPPORTED_VERSIONS.join(", ")}.`,
  },
  environment: {
    type: "string",
    default: DEFAULT_ENVIRONMENT,
    choices: ENVIRONMENT_CLASSES,
    example: "test",
    description: `Environment class: ${orList(ENVIRONMENT_CLASSES)}. Decides protection, teardown and network strictness. Defaults to ${DEFAULT_ENVIRONMENT}, the safest.`,
  },
  owner: {
    type: "string",
    example: "platform-team",
    description: "Who owns this stack (a person or team); tagged on every resource. Required for test stacks.",
  },
  expiresAt: {
    type: "string",
    example: "2027-06-30T00:00:00Z",
    description: "UTC time after which a test stack may be torn down, e.g. 2026-12-01T00:00:00Z. Required for test stacks.",
  },
  resourcePrefix: {
    type: "string",
    example: "ceresdb-dev",
    description: "Prefix of every resource and cloud-side name. Defaults to ceresdb-<stack>.",
  },
  tags: {
    type: "object",
    default: {},
    example: { team: "storage" },
    description: "Extra tags for every taggable resource, as a map of strings.",
  },
  logLevel: {
    type: "string",
    default: "info",
    choices: LOG_LEVELS,
    example: "info",
    description: `Log level of CeresDB and CeresMeta: ${orList(LOG_LEVELS)}.`,
  },
  // --- Topology --------------------------------------------------------------------------
  metaCount: {
    type: "integer",
    default: 3,
    ...META_COUNT,
    odd: "an even member count adds no fault tolerance",
    example: 3,
    description: `Number of CeresMeta members (embedded etcd): an odd number from ${META_COUNT.min} to ${META_COUNT.max}; 1 is a standalone dev meta and is refused in prod.`,
  },
  nodeCount: {
    type: "integer",
    default: 3,
    ...NODE_COUNT,
    example: 3,
    description: `Number of CeresDB server nodes (${NODE_COUNT.min} to ${NODE_COUNT.max}).`,
  },
  topology: {
    type: "string",
    default: "static",
    choices: TOPOLOGIES,
    example: "dynamic",
    description: "CeresMeta topology: static, or dynamic (shard failover and rebalancing; needs the Obkv or Kafka WAL).",
  },
  bootstrapNodeCount: {
    type: "integer",
    default: 0,
    min: 0,
    max: NODE_COUNT.max,
    example: 3,
    description: "default-cluster-node-count CeresMeta creates the cluster with; 0 means nodeCount. CeresMeta reads it only at first start: to grow a dynamic cluster, pin it to the creation value, then raise nodeCount.",
  },
  shardTotal: {
    type: "integer",
    default: 8,
    min: 1,
    max: 4096,
    example: 16,
    description: "Total shards of the cluster, fixed when the cluster is first created; at least nodeCount.",
  },
  rejoinMetaMembers: {
    type: "array",
    // Member indexes: `pulumi config set --path 'ceresdb:rejoinMetaMembers[0]' 1` stores the item as
    // a YAML integer, which the CLI refuses for array<string> ("must be of type 'array<string>'").
    items: "integer",
    default: [],
    example: [0],
    description: "Indexes of CeresMeta members being re-added to a running cluster after they were lost (rendered with initial-cluster-state = existing). See the member replacement procedure.",
  },
  replaceHosts: {
    type: "array",
    default: [],
    example: ["node-0"],
    description: "Host names (meta-0, node-3, ...) whose replacement is intended: their ECS deletion protection is turned off, so a later pulumi up may replace them. Without it, a change that replaces a protected host is refused at preview. See Operating the cluster.",
  },
  // --- Network ---------------------------------------------------------------------------
  zones: {
    type: "array",
    required: true,
    example: ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"],
    description: "Zone IDs to spread hosts over, in order, e.g. [cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j]. Use 3 zones for production.",
  },
  vpcId: {
    type: "string",
    example: "vpc-bp1example",
    description: "Existing VPC to deploy into. Unset: the stack creates a VPC.",
  },
  vpcCidr: {
    type: "string",
    default: "10.10.0.0/16",
    example: "10.10.0.0/16",
    description: "CIDR of the VPC (the one created, or the existing one's).",
  },
  vswitchIds: {
    type: "array",
    example: ["vsw-bp1examplea", "vsw-bp1exampleb", "vsw-bp1examplec"],
    description: "Existing vSwitch IDs, one per zone in the same order (only with vpcId).",
  },
  vswitchCidrs: {
    type: "array",
    example: ["10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24"],
    description: "vSwitch CIDRs, one per zone. Defaults to consecutive /24s of vpcCidr. Required with vswitchIds (host IPs are pinned inside them).",
  },
  clientCidrs: {
    type: "array",
    default: [],
    example: ["10.0.0.0/8"],
    description: "CIDRs allowed to reach the CeresDB client ports (gRPC, MySQL, PostgreSQL), never its HTTP port (it serves the config, secrets included). Empty: the VPC CIDR.",
  },
  adminCidrs: {
    type: "array",
    default: [],
    example: ["203.0.113.7/32"],
    description: "CIDRs allowed to SSH to the hosts and to reach the CeresMeta HTTP API (for member replacement) and the CeresDB HTTP port (admin, metrics). The bastion is always allowed. Never 0.0.0.0/0.",
  },
  allowPublicAccess: {
    type: "boolean",
    default: false,
    example: false,
    description: "Allow 0.0.0.0/0 in clientCidrs (the CeresDB client ports). SSH, the CeresDB HTTP port and the CeresMeta ports are never opened to the internet.",
  },
  natGateway: {
    type: "boolean",
    default: true,
    example: true,
    description: "Give hosts without public IPs a way out (image registry, package mirrors): a NAT gateway with an EIP and SNAT for every vSwitch. Only when the stack creates the VPC and assignPublicIp is false; an existing VPC keeps its own egress.",
  },
  assignPublicIp: {
    type: "boolean",
    default: false,
    example: false,
    description: "Give every host a public IP (for test stacks without a bastion).",
  },
  ports: {
    type: "object",
    default: { ...DEFAULT_PORTS },
    example: { mysql: 3306 },
    description: "Ports, any subset of grpc, http, mysql, postgresql, metaClient, metaPeer, metaHttp; must be distinct.",
  },
  // --- Access ----------------------------------------------------------------------------
  sshUser: {
    type: "string",
    default: "root",
    example: "root",
    description: "SSH login user on every host.",
  },
  sshPublicKey: {
    type: "string",
    required: true,
    example: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBK6VmUu1TOG3vD2X2atc4IdZLL/6h9L6jZ3RQS5pQrcpxHo9ASHebX7MEyJTdBhntVpw8vrLdxAZOsH4Nr0+8nI= ops@example",
    description: "OpenSSH public key installed on every host: ssh-rsa (2048 bits or more) or ecdsa-sha2-nistp256/384/521. ECS ImportKeyPair does not take ssh-ed25519. Changing it rotates the key; see Operating the cluster.",
  },
  sshRetiringPublicKey: {
    type: "string",
    example: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFRyM2FDMgBMYGoCQ1zHnLDhv0xWIZnmHQ0ndmPug2jtu6IoEdUCUl0mcEfI1Px0xa0F07Twa7TqN7/+n7yA8hI= ops-old@example",
    description: "During a key rotation only: the previous sshPublicKey, kept in every host's authorized_keys until the new private key is in use. Unset after the rotation; see Operating the cluster.",
  },
  sshPrivateKey: {
    type: "string",
    secret: true,
    required: true,
    example: { file: "~/.ssh/ceresdb_dev" },
    description: "Private key matching sshPublicKey; used by the readiness and health gates. Load the same key into ssh-agent for the Docker provider.",
  },
  bastionHost: {
    type: "string",
    example: "bastion.example.com:2222",
    description: "Jump host (host or host:port) through which every SSH connection goes. Unset: hosts are reached directly. A bastion given as an IP may SSH to the hosts; for a host name, add its address to adminCidrs.",
  },
  bastionUser: {
    type: "string",
    example: "jump",
    description: "SSH user on the bastion. Defaults to sshUser.",
  },
  bastionHostKey: {
    type: "string",
    example: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDDBPM9LRaff+YLSbTnX5eSyvihsLTogSM9iEGXtFzdz",
    description: "The bastion's public SSH host key (ssh-ed25519 or ecdsa-sha2-nistp256/384/521 AAAA..., e.g. from `ssh-keyscan -t ed25519 <bastion>`); required with bastionHost. Both hops' host keys are pinned: the hosts' keys are generated by the stack.",
  },
  // --- Hosts -----------------------------------------------------------------------------
  metaInstanceType: {
    type: "string",
    default: "ecs.g7.large",
    example: "ecs.g7.large",
    description: "ECS instance type of the CeresMeta hosts.",
  },
  nodeInstanceType: {
    type: "string",
    default: "ecs.g7.xlarge",
    example: "ecs.g7.xlarge",
    description: "ECS instance type of the CeresDB hosts.",
  },
  systemDiskSizeGb: {
    type: "integer",
    default: 40,
    min: 20,
    max: 500,
    example: 40,
    description: "System disk size (GiB) of every host.",
  },
  metaDataDiskSizeGb: {
    type: "integer",
    default: 40,
    min: 20,
    max: 32768,
    example: 40,
    description: "Data disk size (GiB) of each CeresMeta host (etcd data and WAL).",
  },
  nodeDataDiskSizeGb: {
    type: "integer",
    default: 100,
    min: 20,
    max: 32768,
    example: 200,
    description: "Data disk size (GiB) of each CeresDB host: RocksDB WAL (max(20, 30%)), logs (10), a tenth kept free, and the SST disk cache in the rest (none if under 1 GiB).",
  },
  dataDiskCategory: {
    type: "string",
    default: "cloud_essd",
    choices: DATA_DISK_CATEGORIES,
    example: "cloud_essd",
    description: `Category of every data disk: ${orList(DATA_DISK_CATEGORIES)} (etcd needs SSD; prod refuses cloud_efficiency).`,
  },
  // --- Images ----------------------------------------------------------------------------
  imageRegistry: {
    type: "string",
    default: "docker.io",
    example: "registry.cn-hangzhou.aliyuncs.com",
    description: "Registry host to pull images from (Docker Hub is often unreachable from mainland regions; use an ACR mirror).",
  },
  imageNamespace: {
    type: "string",
    default: "ceresdb",
    example: "ceresdb",
    description: "Repository namespace holding ceresmeta-server and ceresdb-server in that registry.",
  },
  registryUsername: {
    type: "string",
    example: "acr-pull@acme",
    description: "Registry user, when the registry needs a login.",
  },
  registryPassword: {
    type: "string",
    secret: true,
    required: true,
    usedOnlyWith: "registryUsername",
    example: "<registry password>",
    description: "Registry password; required with registryUsername.",
  },
  // --- Storage ---------------------------------------------------------------------------
  bucketName: {
    type: "string",
    example: "acme-ceresdb-dev",
    description: "OSS bucket for SSTs. Defaults to <resourcePrefix>-<region>; bucket names are global, so set your own.",
  },
  createBucket: {
    type: "boolean",
    default: true,
    example: true,
    description: "Create the bucket (private, server-side encrypted). false: use an existing bucket named bucketName.",
  },
  bucketPrefix: {
    type: "string",
    example: "clusters/dev",
    description: "Key prefix inside the bucket for this cluster. Defaults to resourcePrefix.",
  },
  ossAccessKeyId: {
    type: "string",
    example: "LTAI5tExampleKeyId",
    description: "Access key ID for OSS, to use instead of the per-stack RAM user; needs ossAccessKeySecret.",
  },
  ossAccessKeySecret: {
    type: "string",
    secret: true,
    required: true,
    usedOnlyWith: "ossAccessKeyId",
    example: "<access key secret>",
    description: "Access key secret for OSS; needs ossAccessKeyId.",
  },
  // --- WAL -------------------------------------------------------------------------------
  walType: {
    type: "string",
    default: "RocksDB",
    choices: WAL_TYPES,
    example: "Kafka",
    description: "WAL implementation: RocksDB (local disk), Obkv (OceanBase KV) or Kafka.",
  },
  obkvParamUrl: {
    type: "string",
    example: "http://ob-config.example.internal:8080/services?Action=ObRootServiceInfo&ObCluster=obcluster",
    description: "OBKV config server URL (param_url). Required for the Obkv WAL.",
  },
  obkvFullUserName: {
    type: "string",
    example: "ceresdb@wal_tenant#obcluster",
    description: "OBKV user, user@tenant#cluster. Required for the Obkv WAL.",
  },
  obkvSysUserName: {
    type: "string",
    default: "root",
    example: "root",
    description: "OBKV sys tenant user.",
  },
  obkvPassword: {
    type: "string",
    secret: true,
    required: true,
    usedOnlyWith: "walType Obkv",
    example: "<OBKV password>",
    description: "OBKV user password. Required for the Obkv WAL.",
  },
  obkvSysPassword: {
    type: "string",
    secret: true,
    required: true,
    usedOnlyWith: "walType Obkv",
    example: "<OBKV sys password>",
    description: "OBKV sys tenant password. Required for the Obkv WAL.",
  },
  kafkaBrokers: {
    type: "array",
    example: ["10.10.1.5:9092", "10.10.2.5:9092", "10.10.3.5:9092"],
    description: "Kafka bootstrap brokers as host:port. Required for the Kafka WAL.",
  },
  kafkaReplicationFactor: {
    type: "integer",
    default: 0,
    min: 0,
    max: 32767, // an i16 in CeresDB
    example: 3,
    description: "Replication factor of the WAL topics CeresDB creates in Kafka (topic_management.create_replication_factor; CeresDB's own default is 1, so one lost broker loses WAL data). 0: min(3, number of kafkaBrokers). Prod needs at least 3, staging at least 2.",
  },
  // --- Rollout (components/model/validate/rollout.ts) -------------------------------------------
  nodeBatchSize: {
    type: "integer",
    default: 1,
    // The bound that matters depends on nodeCount (validate/rollout.ts maxNodeBatchSize); this is it at the most nodes.
    min: 1,
    max: Math.max(1, Math.floor((NODE_COUNT.max - 1) / 2)),
    example: 1,
    description: "How many CeresDB nodes a later change (new version, config, host) restarts at once; each batch waits until the previous one is back (shards ready). At most max(1, floor((nodeCount - 1) / 2)): a node's shards have no replica, so a batch's shards are offline while it restarts, and more than half of the nodes must keep serving. Creation is parallel regardless.",
  },
  // --- Observability (issue 11: metrics, alerts, backups, data protection) ----------------
  monitoring: {
    type: "string",
    choices: MONITORING_MODES,
    example: "external",
    description: "How metrics are scraped: arms (Alibaba Cloud managed Prometheus in the VPC, with the stack's alert rules), external (your own Prometheus at monitoringCidrs; the stack outputs its scrape config) or off. Unset: arms in prod and staging, off in test. See docs/monitoring.md.",
  },
  monitoringCidrs: {
    type: "array",
    default: [],
    example: ["10.10.200.0/24"],
    description: "CIDRs of your own Prometheus (monitoring external; required then): they reach node exporter on every host, the etcd client port of the CeresMeta members and the CeresDB HTTP port. Never 0.0.0.0/0.",
  },
  alertRules: {
    type: "object",
    default: {},
    example: { CeresDBWriteFailures: "rate(grpc_handler_counter{type=\"write_failed\"}[5m]) > 1" },
    description: "Your own alert rules, alert name to PromQL expression (fire after 5m, severity warning), merged beside the stack's; a name the stack already uses is refused, so an update never overwrites either.",
  },
  metaBackupIntervalMinutes: {
    type: "integer",
    default: 60,
    ...META_BACKUP_INTERVAL,
    example: 60,
    description: `Minutes between etcd snapshots of CeresMeta, taken on meta-0 and put into the bucket under <bucketPrefix>/meta-backup/ (${META_BACKUP_INTERVAL.min} to ${META_BACKUP_INTERVAL.max}).`,
  },
  metaBackupRetentionDays: {
    type: "integer",
    default: 14,
    ...META_BACKUP_RETENTION,
    example: 14,
    description: `Days a CeresMeta snapshot is kept in the bucket before an OSS lifecycle rule deletes it (${META_BACKUP_RETENTION.min} to ${META_BACKUP_RETENTION.max}; created buckets only).`,
  },
  diskSnapshotRetentionDays: {
    type: "integer",
    default: 7,
    ...DISK_SNAPSHOT_RETENTION,
    example: 7,
    description: `Days the daily ECS automatic snapshots of every data disk are kept (prod and staging; ${DISK_SNAPSHOT_RETENTION.min} to ${DISK_SNAPSHOT_RETENTION.max}).`,
  },
} as const satisfies Record<string, SettingDecl>;

export type SettingName = keyof typeof SETTINGS;

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The settings declared `secret: true`. */
export type SecretSettingName = { [K in SettingName]: (typeof SETTINGS)[K] extends { secret: true } ? K : never }[SettingName];
/** Secrets the program always needs; the others (`usedOnlyWith`) only with another setting. */
export type AlwaysSecretName = { [K in SecretSettingName]: (typeof SETTINGS)[K] extends { usedOnlyWith: string } ? never : K }[SecretSettingName];

/** The secret settings' values, typed from the table: the ones always needed required, the others optional. */
export type SecretInputs<T> = { [K in AlwaysSecretName]: T } & { [K in Exclude<SecretSettingName, AlwaysSecretName>]?: T };

export const SECRET_SETTING_NAMES = SETTING_NAMES.filter((n) => (SETTINGS[n] as SettingDecl).secret === true) as SecretSettingName[];

/**
 * The secret inputs out of everything the stack config holds. Only called after buildSpec
 * accepted the settings, which refuses a missing always-needed secret, so a missing one here is
 * a program error.
 */
export function secretInputs<T>(secrets: Partial<Record<SettingName, T>>): SecretInputs<T> {
  const out: Partial<Record<SecretSettingName, T>> = {};
  for (const n of SECRET_SETTING_NAMES) {
    const v = secrets[n];
    if (v !== undefined) out[n] = v;
    else if ((SETTINGS[n] as SettingDecl).usedOnlyWith === undefined) throw new Error(`${qualified(n)} is not set (buildSpec should have refused this)`);
  }
  return out as SecretInputs<T>;
}

/** `ceresdb:metaCount`: the name users type and errors quote. */
export function qualified(name: SettingName): string {
  return `${NAMESPACE}:${name}`;
}

/** The provider setting the program reads too (for the OSS endpoint and zones). */
export const REGION_SETTING = "alicloud:region";
