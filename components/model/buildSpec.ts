import { validateLoadBalancers } from "./validate/loadBalancers";
import {
  Cidr,
  cidrContains,
  cidrsOverlap,
  defaultVswitchCidrs,
  formatCidr,
  hostIp,
  lastUsableOffset,
  META_SLOTS_PER_ZONE,
  metaPlacement,
  nodeCapacity,
  nodePlacement,
  parseCidr,
  VSWITCH_MAX_PREFIX,
  VSWITCH_MIN_PREFIX,
} from "../topology/addressing";
import { SettingProblem } from "./problems";
import { undeclaredKeyProblem } from "./settingNames";
import { DEFAULT_PORTS, qualified, REGION_SETTING, SETTINGS, SettingName } from "./settings";
import {
  CeresVersion,
  ClusterSpec,
  EnvironmentClass,
  HostSpec,
  MetaMemberSpec,
  PortSpec,
  ProtectionSpec,
  ServerNodeSpec,
  TopologyType,
  WalSpec,
  WalType,
  ZoneSpec,
} from "./types";
import { isSupportedVersion, SUPPORTED_VERSIONS, traitsOf } from "./versions";
import { specContractProblems } from "../contracts/specRules";
import { KEY_HASH_DIGITS, keyPairName } from "../contracts/names";
import { ACCEPTED_KEYS_TEXT, keyPairNameFor, ParsedPublicKey, parsePublicKey } from "./sshKey";

/** What buildSpec reads: the raw settings, with secrets reduced to "is it set". */
export interface SettingsInput {
  project: string;
  stack: string;
  region?: string;
  values: Partial<Record<SettingName, string>>;
  secretsSet: ReadonlySet<SettingName>;
  /** Secret settings stored in plain text in the stack file. Default: none. */
  plaintextSecrets?: readonly SettingName[];
  /** Keys of the stack in the `ceresdb:` namespace that are no declared setting. Default: none. */
  undeclaredSettings?: readonly string[];
  /** The time to compare `expiresAt` with (the program passes the clock). Default: no expiry warning. */
  now?: Date;
}

export type BuildResult =
  | { ok: true; spec: ClusterSpec; warnings: string[] }
  | { ok: false; problems: SettingProblem[] };

export const ENVIRONMENTS: readonly EnvironmentClass[] = ["prod", "staging", "test"];
export const WAL_TYPES: readonly WalType[] = ["RocksDB", "Obkv", "Kafka"];
export const TOPOLOGIES: readonly TopologyType[] = ["static", "dynamic"];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const DATA_DISK_CATEGORIES = ["cloud_essd", "cloud_ssd", "cloud_efficiency"] as const;
export const MAX_META = 7;
export const MAX_NODES = 500;
export const MAX_SHARDS = 4096;
/** Tags the stack sets itself; user tags may not override them. */
export const MANAGED_TAG_KEYS = ["managed-by", "stack", "environment", "owner", "expires-at"] as const;

const CLUSTER_NAME = "defaultCluster"; // CeresDB v1.x supports only this cluster name.
const STORAGE_ROOT_PATH = "/ceresdb"; // CeresMeta v1.2 default; CeresDB's root_path must match.

const RE = {
  prefix: /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
  zone: /^[a-z]{2}-[a-z0-9-]+-[a-z0-9]+$/,
  // A zone ID is its region ID plus one letter: cn-hangzhou-h, ap-southeast-1a, cn-shanghai-finance-1a.
  zoneSuffix: /^-?[a-z]$/,
  region: /^[a-z]{2}-[a-z0-9-]+$/,
  vpcId: /^vpc-[a-z0-9]+$/,
  vswitchId: /^vsw-[a-z0-9]+$/,
  instanceType: /^ecs\.[a-z0-9-]+\.[a-z0-9-]+$/,
  sshUser: /^[a-z_][a-z0-9_-]{0,31}$/,
  hostPort: /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/,
  // The types pulumi-command v1.2.1 can verify against OpenSSH 8.8+: it offers only the pinned
  // key's own type (connection.go), and for ssh-rsa that is SHA-1 `ssh-rsa`, which sshd no longer accepts.
  bastionHostKey: /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) ([A-Za-z0-9+/]+={0,3})( .*)?$/,
  registry: /^[a-z0-9.-]+(:\d{1,5})?$/,
  imageNamespace: /^[a-z0-9]+([._/-][a-z0-9]+)*$/,
  bucket: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
  bucketPrefix: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/,
};

/**
 * Parses, checks and defaults the raw settings into a ClusterSpec. Pure: no Pulumi, no I/O.
 * Collects every problem rather than stopping at the first.
 */
export function buildSpec(input: SettingsInput): BuildResult {
  const problems: SettingProblem[] = [];
  const warnings: string[] = [];
  const r = new Reader(input.values, problems);
  const problem = (name: SettingName | string, given: string | undefined, allowed: string) =>
    problems.push({ setting: name.includes(":") ? name : qualified(name as SettingName), given, allowed });

  for (const key of input.undeclaredSettings ?? []) problems.push(undeclaredKeyProblem(key));
  for (const name of input.plaintextSecrets ?? []) {
    problem(name, "<plain text>", `an encrypted value: \`pulumi config set --secret ${qualified(name)}\` (it is a secret and must not sit in the stack file in clear)`);
  }

  // --- Cluster basics -------------------------------------------------------------------
  const versionText = r.string("version");
  if (!isSupportedVersion(versionText)) {
    problem("version", versionText, `supported versions are ${SUPPORTED_VERSIONS.join(", ")}`);
  }
  const version = isSupportedVersion(versionText) ? versionText : "v1.2.7";

  const environment = r.oneOf("environment", ENVIRONMENTS);
  const owner = r.optionalString("owner");
  const expiresAt = r.optionalString("expiresAt");
  const expiry = expiresAt === undefined ? undefined : parseUtcTime(expiresAt);
  if (expiresAt !== undefined && expiry === undefined) {
    problem("expiresAt", expiresAt, "a real UTC time like 2026-12-01T00:00:00Z");
  }
  if (environment === "test" && expiry !== undefined && input.now !== undefined && expiry.getTime() <= input.now.getTime()) {
    warnings.push(
      `${qualified("expiresAt")} ${expiresAt} is already past: this test stack may be torn down by \`npm run teardown -- --expired\`; move ${qualified("expiresAt")} forward to keep it.`,
    );
  }
  if (environment === "test") {
    if (owner === undefined) problem("owner", undefined, "test stacks must name an owner (tagged on every resource)");
    if (expiresAt === undefined) {
      problem("expiresAt", undefined, "test stacks must have an expiry time, e.g. 2026-12-01T00:00:00Z");
    }
  }

  const region = input.region;
  if (region === undefined || !RE.region.test(region)) {
    problems.push({ setting: REGION_SETTING, given: region, allowed: "an Alibaba Cloud region ID such as cn-hangzhou" });
  }

  const defaultPrefix = `ceresdb-${input.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 32).replace(/-+$/, "");
  const name = r.optionalString("resourcePrefix") ?? defaultPrefix;
  if (!RE.prefix.test(name)) {
    problem(
      "resourcePrefix",
      name,
      "3 to 32 characters: lowercase letters, digits and hyphens, starting with a letter" +
        (input.values.resourcePrefix === undefined ? " (the default is derived from the stack name; set it explicitly)" : ""),
    );
  }

  const logLevel = r.oneOf("logLevel", LOG_LEVELS);
  const userTags = r.stringMap("tags");
  const tags = buildTags(userTags, { stack: input.stack, environment, owner, expiresAt }, problem);

  // --- Topology ---------------------------------------------------------------------------
  const metaCount = r.integer("metaCount", 1, MAX_META);
  if (metaCount !== undefined && metaCount % 2 === 0) {
    problem("metaCount", String(metaCount), "an odd number (1, 3, 5 or 7): an even member count adds no fault tolerance");
  }
  if (metaCount === 1 && environment === "prod") {
    problem("metaCount", "1", "3, 5 or 7 in prod: a single CeresMeta member is a single point of failure");
  }
  const nodeCount = r.integer("nodeCount", 1, MAX_NODES);
  const topology = r.oneOf("topology", TOPOLOGIES);
  const pinnedNodeCount = r.integer("bootstrapNodeCount", 0, MAX_NODES);
  const bootstrapNodeCount = pinnedNodeCount === 0 ? nodeCount : pinnedNodeCount;
  if (pinnedNodeCount && nodeCount !== undefined) {
    if (topology === "static" && pinnedNodeCount > nodeCount) {
      // Scale-in (issue 10): the static scheduler assigns shards once, while the cluster prepares,
      // and in the stable state only re-opens them on the node they are on; nothing hands a shard
      // off (apache/incubator-horaedb-meta server/coordinator/scheduler/static/scheduler.go@v1.2.7).
      problem("nodeCount", String(nodeCount), `${pinnedNodeCount} (the creation node count) with static topology: a static cluster cannot shrink, because CeresMeta never moves a static cluster's shards off a node, so a removed node's shards would stay unserved. Keep ceresdb:nodeCount at ${pinnedNodeCount}; to run on fewer nodes, create a new stack with ceresdb:topology dynamic (and a remote WAL) and move the data`);
    } else if (topology === "static" && pinnedNodeCount !== nodeCount) {
      problem("bootstrapNodeCount", String(pinnedNodeCount), `0 or nodeCount (${nodeCount}) with static topology: its node set is fixed when the cluster is created`);
    } else if (pinnedNodeCount > nodeCount) {
      problem("bootstrapNodeCount", String(pinnedNodeCount), `at most nodeCount (${nodeCount}): shards are assigned only once that many nodes have registered`);
    }
  }
  const shardTotal = r.integer("shardTotal", 1, MAX_SHARDS);
  if (shardTotal !== undefined && nodeCount !== undefined && shardTotal < nodeCount) {
    problem("shardTotal", String(shardTotal), `at least nodeCount (${nodeCount}), or some nodes would hold no shard`);
  }
  // Hosts whose deletion protection is turned off so they can be replaced (components/cluster/hostLock.ts).
  const replaceHosts = r.stringList("replaceHosts") ?? [];
  for (const h of replaceHosts) {
    const m = /^(meta|node)-(\d+)$/.exec(h);
    const count = m?.[1] === "meta" ? metaCount : nodeCount;
    if (!m || (count !== undefined && Number(m[2]) >= count)) {
      problem("replaceHosts", h, `host names of this stack: meta-0 to meta-${(metaCount ?? 1) - 1}, node-0 to node-${(nodeCount ?? 1) - 1}`);
    }
  }
  const rejoin = r.integerList("rejoinMetaMembers");
  if (rejoin && metaCount !== undefined) {
    for (const i of rejoin) {
      if (i < 0 || i >= metaCount) problem("rejoinMetaMembers", String(i), `member indexes from 0 to ${metaCount - 1}`);
    }
    if (rejoin.length > 1) {
      problem("rejoinMetaMembers", JSON.stringify(rejoin), "at most one member at a time: re-add one, wait until it is healthy, then the next");
    }
    if (rejoin.length > 0 && metaCount === 1) {
      problem("rejoinMetaMembers", JSON.stringify(rejoin), "empty with metaCount 1: a lone member has no cluster to rejoin");
    }
  }

  // --- WAL --------------------------------------------------------------------------------
  const walType = r.oneOf("walType", WAL_TYPES);
  const wal = buildWal(walType, r, input.secretsSet, problem, warnings);
  if (walType === "Kafka" && wal?.type === "Kafka" && wal.brokers.length > 1 && traitsOf(version).kafkaBrokersKey === "boost_broker") {
    problem("kafkaBrokers", JSON.stringify(wal.brokers), `one broker with ${version} (its config takes a single boost_broker); v1.2.4+ takes a list`);
  }
  if (wal?.type === "Kafka" && environment !== undefined) {
    // CeresDB creates its WAL topics with create_replication_factor, default 1
    // (components/message_queue/src/kafka/config.rs, v1.2.2..v1.2.7): one lost broker, lost WAL.
    const least = { prod: 3, staging: 2, test: 1 }[environment];
    if (wal.replicationFactor < least) {
      const raw = r.raw("kafkaReplicationFactor")?.trim();
      const given = raw !== undefined && raw !== "0" ? raw : `0 (min(3, ${wal.brokers.length} kafkaBrokers) = ${wal.replicationFactor})`;
      problem("kafkaReplicationFactor", given, `at least ${least} in ${environment}: with fewer replicas a lost broker loses WAL data. List at least ${least} kafkaBrokers, or set kafkaReplicationFactor if the Kafka cluster has more brokers than listed`);
    } else if (wal.replicationFactor === 1) {
      warnings.push(`ceresdb:kafkaReplicationFactor is 1: WAL topics have a single replica, so losing that broker loses WAL data.`);
    }
  }
  if (topology === "dynamic" && walType === "RocksDB") {
    problem("topology", "dynamic", "static with the RocksDB WAL: dynamic topology moves shards between nodes, and a local WAL does not move with them (data loss). Use walType Obkv or Kafka for dynamic");
  }

  // --- Network ----------------------------------------------------------------------------
  const zoneIds = r.stringList("zones", true) ?? [];
  if (zoneIds.length === 0 && input.values.zones !== undefined) problem("zones", input.values.zones, "at least one zone ID");
  const seen = new Set<string>();
  for (const z of zoneIds) {
    if (!RE.zone.test(z)) problem("zones", z, "zone IDs such as cn-hangzhou-h");
    else if (region && !(z.startsWith(region) && RE.zoneSuffix.test(z.slice(region.length)))) {
      problem("zones", z, `zones of the region ${region} (alicloud:region): its ID plus a letter, e.g. ${region}${/\d$/.test(region) ? "a" : "-a"}`);
    }
    if (seen.has(z)) problem("zones", z, "each zone once");
    seen.add(z);
  }
  if (environment === "prod" && metaCount !== undefined && metaCount >= 3 && zoneIds.length < 3) {
    problem("zones", JSON.stringify(zoneIds), "at least 3 zones in prod, so that losing one zone never takes a CeresMeta majority with it");
  }

  const vpcId = r.optionalString("vpcId");
  if (vpcId !== undefined && !RE.vpcId.test(vpcId)) problem("vpcId", vpcId, "a VPC ID such as vpc-bp1abc...");
  const vpcCidrText = r.string("vpcCidr");
  const vpcCidr = parseCidr(vpcCidrText);
  if (!vpcCidr) problem("vpcCidr", vpcCidrText, "a network CIDR such as 10.10.0.0/16 (no host bits set)");
  else if (!isPrivate(vpcCidr) || vpcCidr.prefix < 8 || vpcCidr.prefix > 24) {
    problem("vpcCidr", vpcCidrText, "a private range (10/8, 172.16/12 or 192.168/16) with a mask from /8 to /24");
  }

  const vswitchIds = r.stringList("vswitchIds");
  if (vswitchIds) {
    if (vpcId === undefined) problem("vswitchIds", input.values.vswitchIds, "only together with vpcId (existing vSwitches live in an existing VPC)");
    if (vswitchIds.length !== zoneIds.length) problem("vswitchIds", input.values.vswitchIds, `one vSwitch per zone (${zoneIds.length})`);
    for (const id of vswitchIds) if (!RE.vswitchId.test(id)) problem("vswitchIds", id, "vSwitch IDs such as vsw-bp1abc...");
  }
  const vswitchCidrTexts = r.stringList("vswitchCidrs");
  let vswitchCidrs: Cidr[] | undefined;
  if (vswitchCidrTexts) {
    if (vswitchCidrTexts.length !== zoneIds.length) {
      problem("vswitchCidrs", input.values.vswitchCidrs, `one CIDR per zone (${zoneIds.length})`);
    }
    const parsed = vswitchCidrTexts.map((t) => {
      const c = parseCidr(t);
      if (!c) problem("vswitchCidrs", t, "network CIDRs such as 10.10.1.0/24");
      else if (c.prefix < VSWITCH_MIN_PREFIX || c.prefix > VSWITCH_MAX_PREFIX) {
        problem("vswitchCidrs", t, `masks from /${VSWITCH_MIN_PREFIX} to /${VSWITCH_MAX_PREFIX} (Alibaba Cloud vSwitch limits)`);
      } else if (vpcCidr && !cidrContains(vpcCidr, c)) problem("vswitchCidrs", t, `CIDRs inside vpcCidr ${vpcCidrText}`);
      return c;
    });
    parsed.forEach((a, i) =>
      parsed.slice(i + 1).forEach((b) => {
        if (a && b && cidrsOverlap(a, b)) problem("vswitchCidrs", `${formatCidr(a)} and ${formatCidr(b)}`, "vSwitch CIDRs that do not overlap");
      }),
    );
    if (parsed.every((c): c is Cidr => c !== undefined)) vswitchCidrs = parsed;
  } else if (vpcId !== undefined) {
    problem("vswitchCidrs", undefined, "required with vpcId: the CIDR of each zone's vSwitch, so host IPs can be pinned inside it");
  } else if (vpcCidr && zoneIds.length > 0) {
    vswitchCidrs = defaultVswitchCidrs(vpcCidr, zoneIds.length);
    if (!vswitchCidrs) problem("vpcCidr", vpcCidrText, `large enough for ${zoneIds.length} vSwitches of at least /${VSWITCH_MAX_PREFIX}`);
  }

  const allowPublic = r.boolean("allowPublicAccess");
  const clientCidrs = r.cidrList("clientCidrs");
  const adminCidrs = r.cidrList("adminCidrs");
  for (const c of clientCidrs ?? []) {
    if (parseCidr(c)?.prefix === 0 && !allowPublic) problem("clientCidrs", c, "no 0.0.0.0/0 unless ceresdb:allowPublicAccess is true");
  }
  for (const c of adminCidrs ?? []) {
    // SSH and the CeresMeta API: never to the whole internet, in any class (use your IP/32).
    if (parseCidr(c)?.prefix === 0) problem("adminCidrs", c, "specific CIDRs such as 203.0.113.7/32: SSH and the CeresMeta API are never opened to the internet");
  }
  const assignPublicIp = r.boolean("assignPublicIp");
  const natGateway = r.boolean("natGateway");

  const ports = buildPorts(r, version, problem);

  // --- Access -----------------------------------------------------------------------------
  const sshUser = r.string("sshUser");
  if (!RE.sshUser.test(sshUser)) problem("sshUser", sshUser, "a Linux user name");
  const sshPublicKey = r.optionalString("sshPublicKey");
  let sshKey: ParsedPublicKey | undefined;
  if (sshPublicKey === undefined) problem("sshPublicKey", undefined, ACCEPTED_KEYS_TEXT);
  else {
    const parsed = parsePublicKey(sshPublicKey);
    if (parsed.ok) sshKey = parsed.key;
    else problem("sshPublicKey", sshPublicKey.slice(0, 40), `${ACCEPTED_KEYS_TEXT} (${parsed.reason})`);
  }
  const retiringText = r.optionalString("sshRetiringPublicKey");
  let retiringKey: ParsedPublicKey | undefined;
  if (retiringText !== undefined) {
    const parsed = parsePublicKey(retiringText);
    if (!parsed.ok) problem("sshRetiringPublicKey", retiringText.slice(0, 40), `${ACCEPTED_KEYS_TEXT} (${parsed.reason})`);
    else if (sshKey && parsed.key.normalized === sshKey.normalized) {
      problem("sshRetiringPublicKey", retiringText.slice(0, 40), "the previous key, not sshPublicKey itself (unset it once the rotation is done)");
    } else retiringKey = parsed.key;
  }
  if (!input.secretsSet.has("sshPrivateKey")) {
    problem("sshPrivateKey", undefined, "set it with `pulumi config set --secret ceresdb:sshPrivateKey < key`");
  }
  const bastionUser = r.optionalString("bastionUser");
  if (bastionUser !== undefined && !RE.sshUser.test(bastionUser)) {
    problem("bastionUser", bastionUser, "a Linux user name (no @: the bastion's host goes in bastionHost)");
  }
  const bastionText = r.optionalString("bastionHost");
  let bastion: ClusterSpec["access"]["bastion"];
  if (bastionText !== undefined) {
    const m = RE.hostPort.exec(bastionText);
    const port = m?.[2] ? Number(m[2]) : 22;
    const hostKeyText = r.optionalString("bastionHostKey")?.trim();
    const key = hostKeyText === undefined ? undefined : RE.bastionHostKey.exec(hostKeyText);
    if (!key) {
      problem(
        "bastionHostKey",
        hostKeyText?.slice(0, 40),
        "the bastion's public host key, e.g. the output of `ssh-keyscan -t ed25519 <bastion>` without the host name (ssh-ed25519 or ecdsa-sha2-nistp256/384/521; ssh-rsa cannot be verified by @pulumi/command)",
      );
    }
    if (!m || port < 1 || port > 65535) problem("bastionHost", bastionText, "host or host:port");
    else if (key) bastion = { host: m[1], port, user: bastionUser ?? sshUser, hostKey: `${key[1]} ${key[3]}` };
  } else if (r.optionalString("bastionHostKey") !== undefined) {
    problem("bastionHostKey", r.optionalString("bastionHostKey")?.slice(0, 40), "set only with ceresdb:bastionHost");
  }
  if (bastion === undefined && !assignPublicIp && environment === "test") {
    warnings.push(
      `${qualified("bastionHost")} is not set and ${qualified("assignPublicIp")} is false: the machine running Pulumi must reach the hosts' private IPs (VPN or a runner in the VPC).`,
    );
  }

  // --- Hosts ------------------------------------------------------------------------------
  const metaInstanceType = r.pattern("metaInstanceType", RE.instanceType, "an ECS instance type such as ecs.g7.large");
  const nodeInstanceType = r.pattern("nodeInstanceType", RE.instanceType, "an ECS instance type such as ecs.g7.xlarge");
  const systemDiskSizeGb = r.integer("systemDiskSizeGb", 20, 500);
  const metaDataDiskSizeGb = r.integer("metaDataDiskSizeGb", 20, 32768);
  const nodeDataDiskSizeGb = r.integer("nodeDataDiskSizeGb", 20, 32768);
  const dataDiskCategory = r.oneOf("dataDiskCategory", DATA_DISK_CATEGORIES);
  if (dataDiskCategory === "cloud_efficiency" && environment === "prod") {
    problem("dataDiskCategory", dataDiskCategory, "cloud_essd or cloud_ssd in prod: etcd needs low fsync latency");
  }

  // --- Images -----------------------------------------------------------------------------
  const registry = r.pattern("imageRegistry", RE.registry, "a registry host such as docker.io or registry.cn-hangzhou.aliyuncs.com");
  const namespace = r.pattern("imageNamespace", RE.imageNamespace, "a repository namespace such as ceresdb");
  const registryUsername = r.optionalString("registryUsername");
  if (registryUsername !== undefined && !input.secretsSet.has("registryPassword")) {
    problem("registryPassword", undefined, "set with registryUsername: `pulumi config set --secret ceresdb:registryPassword`");
  }
  if (registryUsername === undefined && input.secretsSet.has("registryPassword")) {
    problem("registryUsername", undefined, "set together with registryPassword");
  }

  // --- Storage ----------------------------------------------------------------------------
  const createBucket = r.boolean("createBucket");
  const bucketGiven = r.optionalString("bucketName");
  const bucket = bucketGiven ?? `${name}-${region ?? "region"}`;
  if (!RE.bucket.test(bucket) || bucket.includes("--")) {
    problem("bucketName", bucket, "3 to 63 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit" + (bucketGiven === undefined ? " (the default <resourcePrefix>-<region> does not fit; set it)" : ""));
  }
  if (!createBucket && bucketGiven === undefined) problem("bucketName", undefined, "the existing bucket's name when createBucket is false");
  const prefix = r.optionalString("bucketPrefix") ?? name;
  if (!RE.bucketPrefix.test(prefix) || prefix.includes("..") || prefix.endsWith("/")) {
    problem("bucketPrefix", prefix, "a key prefix of letters, digits, . _ - and /, not starting or ending with / and without ..");
  }
  const suppliedKeyId = r.optionalString("ossAccessKeyId");
  const suppliedSecret = input.secretsSet.has("ossAccessKeySecret");
  if ((suppliedKeyId !== undefined) !== suppliedSecret) {
    problem(suppliedKeyId === undefined ? "ossAccessKeyId" : "ossAccessKeySecret", undefined, "ossAccessKeyId and the secret ossAccessKeySecret go together (or neither, to use a per-stack RAM user)");
  }

  // Provider rules reachable through settings: derived names and every resource's tags.
  // An unusable key is refused above; its key pair name is then as long as a real one's.
  const keyPairNameChecked = sshKey ? keyPairNameFor(name, sshKey) : keyPairName(name, "0".repeat(KEY_HASH_DIGITS));
  problems.push(...specContractProblems({ project: input.project, stack: input.stack, prefix: name, keyPairName: keyPairNameChecked, prefixGiven: input.values.resourcePrefix !== undefined, bucket, bucketPrefix: prefix, zoneIds, metaCount: metaCount ?? 0, nodeCount: nodeCount ?? 0, createVpc: vpcId === undefined, createSwitches: vswitchIds === undefined, createNatGateway: natGateway && vpcId === undefined && !assignPublicIp, createBucket, ramUser: suppliedKeyId === undefined, userTags: userTags ?? {}, tags, reported: problems }));

  if (problems.length > 0) return { ok: false, problems };

  // Everything below only runs on valid settings, so the non-null assertions hold.
  const zones: ZoneSpec[] = zoneIds.map((zoneId, i) => ({
    zoneId,
    vswitchId: vswitchIds?.[i],
    cidr: formatCidr(vswitchCidrs![i]),
  }));
  const capacityProblems = checkCapacity(vswitchCidrs!, zoneIds, metaCount!, nodeCount!);
  if (capacityProblems.length > 0) return { ok: false, problems: capacityProblems };

  const systemDisk = { category: "cloud_essd", sizeGb: systemDiskSizeGb! };
  const host = (role: "meta" | "node", index: number, placement: { zone: number; offset: number }): HostSpec => ({
    name: `${role}-${index}`,
    zoneId: zoneIds[placement.zone],
    privateIp: hostIp(vswitchCidrs![placement.zone], placement.offset),
    instanceType: role === "meta" ? metaInstanceType : nodeInstanceType,
    systemDisk,
    dataDisk: { category: dataDiskCategory!, sizeGb: role === "meta" ? metaDataDiskSizeGb! : nodeDataDiskSizeGb! },
    deletionProtection: protectionFor(environment!).deletionProtection && !replaceHosts.includes(`${role}-${index}`),
  });

  const meta: MetaMemberSpec[] = Array.from({ length: metaCount! }, (_, i) => ({
    index: i,
    memberName: `meta${i}`,
    host: host("meta", i, metaPlacement(i, zoneIds.length)),
    initialClusterState: rejoin?.includes(i) ? "existing" : "new",
  }));
  const nodes: ServerNodeSpec[] = Array.from({ length: nodeCount! }, (_, i) => ({
    index: i,
    host: host("node", i, nodePlacement(i, zoneIds.length)),
  }));

  const lbs = validateLoadBalancers({ name, version, ports: ports!, zones, clientCidrs: clientCidrs!.length > 0 ? clientCidrs! : [vpcCidrText], allowPublicAccess: allowPublic === true, metaHosts: meta.map((m) => m.host), nodeHosts: nodes.map((n) => n.host) });
  if (lbs.problems.length > 0) return { ok: false, problems: lbs.problems };

  const spec: ClusterSpec = {
    project: input.project,
    stack: input.stack,
    name,
    version,
    environment: environment!,
    region: region!,
    tags,
    ports: ports!,
    network: {
      vpcId,
      vpcCidr: vpcCidrText,
      zones,
      clientCidrs: clientCidrs!.length > 0 ? clientCidrs! : [vpcCidrText],
      adminCidrs: adminCidrs!,
      assignPublicIp,
      // Hosts with public IPs have their own way out; an existing VPC keeps its own egress.
      createNatGateway: natGateway && vpcId === undefined && !assignPublicIp,
    },
    access: {
      sshUser,
      sshPublicKey: sshKey!.normalized,
      keyPairName: keyPairNameChecked,
      authorizedKeys: [sshKey!.normalized, ...(retiringKey ? [retiringKey.normalized] : [])],
      bastion,
    },
    images: {
      meta: `${registry}/${namespace}/ceresmeta-server:${version}`,
      server: `${registry}/${namespace}/ceresdb-server:${version}`,
      registry,
      registryUsername,
    },
    storage: {
      bucket,
      createBucket,
      prefix,
      endpoint: `https://oss-${region}-internal.aliyuncs.com`,
      useSuppliedKey: suppliedKeyId !== undefined,
      suppliedKeyId,
    },
    wal: wal!,
    bootstrap: {
      clusterName: CLUSTER_NAME,
      nodeCount: bootstrapNodeCount!,
      shardTotal: shardTotal!,
      topology: topology!,
      initialClusterToken: `${input.project}-${input.stack}`,
      storageRootPath: STORAGE_ROOT_PATH,
    },
    meta,
    nodes,
    protection: protectionFor(environment!),
    logLevel: logLevel!,
    loadBalancers: lbs.loadBalancers,
  };
  return { ok: true, spec, warnings };
}

/** What each environment class turns on. */
export function protectionFor(env: EnvironmentClass): ProtectionSpec {
  const durable = env !== "test";
  return {
    protectData: durable,
    deletionProtection: durable,
    ossVersioning: durable,
    forceDestroyBucket: !durable,
  };
}

function isPrivate(c: Cidr): boolean {
  const ranges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t)!);
  return ranges.some((r) => cidrContains(r, c));
}

function checkCapacity(cidrs: Cidr[], zoneIds: string[], metaCount: number, nodeCount: number): SettingProblem[] {
  const out: SettingProblem[] = [];
  const zones = zoneIds.length;
  const metaPerZone = Math.ceil(metaCount / zones);
  const nodesPerZone = Math.ceil(nodeCount / zones);
  cidrs.forEach((c, i) => {
    const metaLast = metaPlacement(i + (metaPerZone - 1) * zones, zones).offset;
    if (metaPerZone > META_SLOTS_PER_ZONE || metaLast > lastUsableOffset(c)) {
      out.push({ setting: qualified("vswitchCidrs"), given: formatCidr(c), allowed: `room for ${metaPerZone} CeresMeta host(s) in zone ${zoneIds[i]}` });
    }
    if (nodesPerZone > nodeCapacity(c)) {
      out.push({
        setting: qualified("nodeCount"),
        given: String(nodeCount),
        allowed: `at most ${nodeCapacity(c)} nodes in zone ${zoneIds[i]} (vSwitch ${formatCidr(c)}); use larger vSwitches or more zones`,
      });
    }
  });
  return out;
}

function buildTags(
  user: Record<string, string> | undefined,
  managed: { stack: string; environment?: string; owner?: string; expiresAt?: string },
  problem: (n: SettingName, g: string | undefined, a: string) => void,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(user ?? {})) {
    if ((MANAGED_TAG_KEYS as readonly string[]).includes(k)) {
      problem("tags", k, `tag keys other than ${MANAGED_TAG_KEYS.join(", ")} (set by the stack itself)`);
    } else if (/^(aliyun|acs:)/i.test(k) || k.length > 128 || v.length > 128) {
      problem("tags", k, "keys and values up to 128 characters, keys not starting with aliyun or acs:");
    }
    tags[k] = v;
  }
  // How many fit is checked with every resource's own tags counted (components/contracts/specRules.ts).
  tags["managed-by"] = "ceresdb-cluster";
  tags["stack"] = managed.stack;
  if (managed.environment) tags["environment"] = managed.environment;
  if (managed.owner) tags["owner"] = managed.owner;
  if (managed.expiresAt) tags["expires-at"] = managed.expiresAt;
  return tags;
}

function buildPorts(
  r: Reader,
  version: CeresVersion,
  problem: (n: SettingName, g: string | undefined, a: string) => void,
): PortSpec | undefined {
  const given = r.object("ports");
  if (given === undefined) return undefined;
  const ports: Record<string, number> = { ...DEFAULT_PORTS };
  let ok = true;
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_PORTS)) {
      problem("ports", k, `port names among ${Object.keys(DEFAULT_PORTS).join(", ")}`);
      ok = false;
    } else if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535 || v === 22) {
      problem("ports", `${k}=${JSON.stringify(v)}`, "whole numbers from 1 to 65535, never 22 (SSH)");
      ok = false;
    } else ports[k] = v;
  }
  // PostgreSQL only listens from v1.2.6; older versions must not clash-check a port they never open.
  const inUse = Object.entries(ports).filter(([k]) => k !== "postgresql" || traitsOf(version).postgresql);
  const byPort = new Map<number, string[]>();
  for (const [k, v] of inUse) byPort.set(v, [...(byPort.get(v) ?? []), k]);
  for (const [port, names] of byPort) {
    if (names.length > 1) {
      problem("ports", `${names.join(" and ")} = ${port}`, "a distinct port for each service");
      ok = false;
    }
  }
  return ok ? (ports as unknown as PortSpec) : undefined;
}

function buildWal(
  walType: WalType | undefined,
  r: Reader,
  secretsSet: ReadonlySet<SettingName>,
  problem: (n: SettingName, g: string | undefined, a: string) => void,
  warnings: string[],
): WalSpec | undefined {
  const obkvSettings: SettingName[] = ["obkvParamUrl", "obkvFullUserName", "obkvPassword", "obkvSysPassword"];
  const unused = (names: SettingName[], wal: string) => {
    for (const n of names) {
      if (r.has(n) || secretsSet.has(n)) warnings.push(`${qualified(n)} is set but unused: walType is ${wal}.`);
    }
  };
  // Pulumi.yaml declares its default 0, which the CLI passes on like a value: only another value is "set".
  const unusedFactor = (wal: string) => {
    const v = r.raw("kafkaReplicationFactor");
    if (v !== undefined && v.trim() !== "0") warnings.push(`${qualified("kafkaReplicationFactor")} is set but unused: walType is ${wal}.`);
  };
  switch (walType) {
    case "RocksDB":
      unused([...obkvSettings, "kafkaBrokers"], walType);
      unusedFactor(walType);
      return { type: "RocksDB" };
    case "Obkv": {
      unused(["kafkaBrokers"], walType);
      unusedFactor(walType);
      const paramUrl = r.optionalString("obkvParamUrl");
      if (paramUrl === undefined || !/^https?:\/\/\S+$/.test(paramUrl)) {
        problem("obkvParamUrl", paramUrl, "the OBKV config server URL (http://...), required for walType Obkv");
      }
      const fullUserName = r.optionalString("obkvFullUserName");
      if (fullUserName === undefined || !/^[^@\s]+@[^#\s]+#\S+$/.test(fullUserName)) {
        problem("obkvFullUserName", fullUserName, "user@tenant#cluster, required for walType Obkv");
      }
      for (const s of ["obkvPassword", "obkvSysPassword"] as const) {
        if (!secretsSet.has(s)) problem(s, undefined, `required for walType Obkv: \`pulumi config set --secret ceresdb:${s}\``);
      }
      return { type: "Obkv", paramUrl: paramUrl ?? "", fullUserName: fullUserName ?? "", sysUserName: r.string("obkvSysUserName") };
    }
    case "Kafka": {
      unused(obkvSettings, walType);
      const brokers = r.stringList("kafkaBrokers");
      if (!brokers || brokers.length === 0) problem("kafkaBrokers", r.raw("kafkaBrokers"), "a non-empty list of host:port, required for walType Kafka");
      for (const b of brokers ?? []) {
        const m = RE.hostPort.exec(b);
        if (!m || !m[2] || Number(m[2]) > 65535) problem("kafkaBrokers", b, "brokers as host:port");
      }
      const factor = r.integer("kafkaReplicationFactor", 0, 32767); // an i16 in CeresDB
      const replicationFactor = factor === undefined || factor === 0 ? Math.min(3, Math.max(1, brokers?.length ?? 0)) : factor;
      return { type: "Kafka", brokers: brokers ?? [], replicationFactor };
    }
    default:
      return undefined;
  }
}

/** A UTC time like 2026-12-01T00:00:00Z, only if every field is real (no 30 February, no 25:00). */
function parseUtcTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const same =
    t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  return same ? t : undefined;
}

/** "list" or "map" when the text is a JSON array or object, the form Pulumi gives structured values. */
function jsonShape(text: string): "list" | "map" | undefined {
  const t = text.trim();
  if (!t.startsWith("[") && !t.startsWith("{")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) ? "list" : v !== null && typeof v === "object" ? "map" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses raw setting strings by declared type, falling back to the declared default, and records
 * a problem (with the setting's name and the raw text) whenever a value cannot be used.
 */
class Reader {
  constructor(
    private readonly values: Partial<Record<SettingName, string>>,
    private readonly problems: SettingProblem[],
  ) {}

  has(name: SettingName): boolean {
    return this.values[name] !== undefined;
  }

  raw(name: SettingName): string | undefined {
    return this.values[name];
  }

  private fail(name: SettingName, given: string | undefined, allowed: string): undefined {
    this.problems.push({ setting: qualified(name), given, allowed });
    return undefined;
  }

  private fallback(name: SettingName): unknown {
    return (SETTINGS[name] as { default?: unknown }).default;
  }

  optionalString(name: SettingName): string | undefined {
    const v = this.values[name];
    if (v === undefined) return this.fallback(name) as string | undefined;
    if (v.trim() === "") return this.fail(name, v, "a non-empty value, or leave it unset");
    // Pulumi hands a list or map to the program as JSON text, so a stack file giving a list where
    // a string belongs arrives here looking like a string (the CLI refuses it only at preview).
    // The default stands in after the refusal, so checks downstream do not report it twice.
    const shape = jsonShape(v);
    if (shape !== undefined) return this.fail(name, v, `a single string, not a ${shape}`) ?? (this.fallback(name) as string | undefined);
    return v;
  }

  string(name: SettingName): string {
    return this.optionalString(name) ?? "";
  }

  pattern(name: SettingName, re: RegExp, allowed: string): string {
    const v = this.string(name);
    if (!re.test(v)) this.fail(name, v, allowed);
    return v;
  }

  oneOf<T extends string>(name: SettingName, options: readonly T[]): T | undefined {
    const v = this.string(name);
    if ((options as readonly string[]).includes(v)) return v as T;
    return this.fail(name, v, `one of ${options.join(", ")}`);
  }

  integer(name: SettingName, min: number, max: number): number | undefined {
    const raw = this.values[name];
    const v = raw === undefined ? (this.fallback(name) as number) : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(v)) return this.fail(name, raw, `a whole number from ${min} to ${max}`);
    if (v < min || v > max) return this.fail(name, raw, `a whole number from ${min} to ${max}`);
    return v;
  }

  boolean(name: SettingName): boolean {
    const raw = this.values[name];
    if (raw === undefined) return this.fallback(name) as boolean;
    if (raw === "true" || raw === "false") return raw === "true";
    this.fail(name, raw, "true or false");
    return false;
  }

  private json(name: SettingName): unknown {
    const raw = this.values[name];
    if (raw === undefined) return this.fallback(name);
    try {
      return JSON.parse(raw);
    } catch {
      return Symbol.for("unparseable");
    }
  }

  stringList(name: SettingName, required = false): string[] | undefined {
    const v = this.json(name);
    if (v === undefined) return required ? this.fail(name, undefined, "required: a list, e.g. [a, b, c]") : undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.trim() === "")) {
      return this.fail(name, this.values[name], "a list of non-empty strings");
    }
    return v as string[];
  }

  integerList(name: SettingName): number[] | undefined {
    const v = this.json(name);
    if (v === undefined) return undefined;
    // The CLI's array<integer> takes items that are numbers or strings strconv.Atoi parses
    // (ValidateConfigValue, sdk/go/common/workspace/project.go at v3.248.0): take the same.
    const asInt = (x: unknown) => (typeof x === "string" && /^[+-]?\d+$/.test(x) ? Number(x) : x);
    if (!Array.isArray(v) || v.map(asInt).some((x) => typeof x !== "number" || !Number.isInteger(x))) {
      return this.fail(name, this.values[name], "a list of whole numbers");
    }
    return v.map(asInt) as number[];
  }

  cidrList(name: SettingName): string[] | undefined {
    const list = this.stringList(name);
    for (const c of list ?? []) if (!parseCidr(c)) this.fail(name, c, "network CIDRs such as 203.0.113.0/24 (no host bits set)");
    return list;
  }

  object(name: SettingName): Record<string, unknown> | undefined {
    const v = this.json(name);
    if (v === undefined) return undefined;
    if (typeof v !== "object" || v === null || Array.isArray(v)) return this.fail(name, this.values[name], "a map, e.g. {key: value}");
    return v as Record<string, unknown>;
  }

  stringMap(name: SettingName): Record<string, string> | undefined {
    const v = this.object(name);
    if (v === undefined) return undefined;
    const bad = Object.entries(v).find(([, x]) => typeof x !== "string");
    if (bad) return this.fail(name, `${bad[0]}=${JSON.stringify(bad[1])}`, "a map of strings to strings");
    return v as Record<string, string>;
  }
}
