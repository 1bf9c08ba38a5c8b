/**
 * The spec builder: raw settings in, a ClusterSpec (or every problem at once) out. Pure: no
 * Pulumi, no I/O. Each area is validated by its own function under validate/, which returns its
 * slice and its problems; this file only composes them, in the order below (which is also the
 * order problems are reported in), then places the hosts and derives protection.
 *
 * To add an area: write validate/<area>.ts returning `{ <slice>, problems, warnings }`, call it
 * in the composition list, and put its slice into the spec at the end.
 */
import { KEY_HASH_DIGITS, keyPairName } from "../contracts/names";
import { specContractProblems } from "../contracts/specRules";
import { formatCidr } from "../topology/addressing";
import { SettingProblem } from "./problems";
import { undeclaredKeyProblem } from "./settingNames";
import { qualified } from "./settings";
import { keyPairNameFor } from "./sshKey";
import { brandSpec, ClusterSpec, EnvironmentClass, ProtectionSpec, ZoneSpec } from "./types";
import { DEFAULT_ENVIRONMENT, isDurableEnvironment } from "./vocabulary";
import { validateAccess } from "./validate/access";
import { validateCluster } from "./validate/cluster";
import { placeHosts, validateHosts } from "./validate/hosts";
import { validateImages } from "./validate/images";
import { capacityProblems, validateNetwork } from "./validate/network";
import { AreaFindings, SettingsInput } from "./validate/reader";
import { validateStorage } from "./validate/storage";
import { validateTopology } from "./validate/topology";
import { validateWal } from "./validate/wal";
import { validateLoadBalancers } from "./validate/loadBalancers";
import { validateObservability } from "./validate/observability";
import { validateRollout } from "./validate/rollout";

export type { SettingsInput };

export type BuildResult =
  | { ok: true; spec: ClusterSpec; warnings: string[] }
  | { ok: false; problems: SettingProblem[] };

const CLUSTER_NAME = "defaultCluster"; // CeresDB v1.x supports only this cluster name.
const STORAGE_ROOT_PATH = "/ceresdb"; // CeresMeta v1.2 default; CeresDB's root_path must match.

/**
 * Parses, checks and defaults the raw settings into a ClusterSpec. Collects every problem rather
 * than stopping at the first. The only producer of a ClusterSpec (see `brandSpec` in types.ts).
 */
export function buildSpec(input: SettingsInput): BuildResult {
  const problems: SettingProblem[] = [];
  const warnings: string[] = [];
  const collect = <T extends AreaFindings>(area: T): T => {
    problems.push(...area.problems);
    warnings.push(...area.warnings);
    return area;
  };

  for (const key of input.undeclaredSettings ?? []) problems.push(undeclaredKeyProblem(key));
  for (const name of input.plaintextSecrets ?? []) {
    problems.push({
      setting: qualified(name),
      given: "<plain text>",
      allowed: `an encrypted value: \`pulumi config set --secret ${qualified(name)}\` (it is a secret and must not sit in the stack file in clear)`,
    });
  }

  // --- The areas, in order; each sees only what it depends on. ---------------------------
  const { cluster } = collect(validateCluster(input));
  const { version, environment, region, namePrefix } = cluster;
  const { topology } = collect(validateTopology(input, environment));
  const { wal } = collect(validateWal(input, { version, environment, topology: topology.topology }));
  const { network } = collect(validateNetwork(input, { version, environment, region, metaCount: topology.metaCount }));
  const { access } = collect(validateAccess(input, { environment, assignPublicIp: network.assignPublicIp }));
  const { hosts } = collect(validateHosts(input, environment));
  const { images } = collect(validateImages(input, version));
  const { storage } = collect(validateStorage(input, { namePrefix, region }));
  const { rollout } = collect(validateRollout(input.values.nodeBatchSize, topology.nodeCount));
  const { observability } = collect(validateObservability({ values: input.values, environment: environment ?? DEFAULT_ENVIRONMENT, storagePrefix: storage.prefix }));


  // Provider rules reachable through settings: derived names and every resource's tags.
  // An unusable key is refused above; its key pair name is then as long as a real one's.
  const createNatGateway = network.natGateway && network.vpcId === undefined && !network.assignPublicIp;
  const keyPairNameChecked = access.sshKey ? keyPairNameFor(namePrefix, access.sshKey) : keyPairName(namePrefix, "0".repeat(KEY_HASH_DIGITS));
  problems.push(
    ...specContractProblems({
      project: input.project,
      stack: input.stack,
      prefix: namePrefix,
      keyPairName: keyPairNameChecked,
      prefixGiven: input.values.resourcePrefix !== undefined,
      bucket: storage.bucket,
      bucketPrefix: storage.prefix,
      zoneIds: network.zoneIds,
      metaCount: topology.metaCount ?? 0,
      nodeCount: topology.nodeCount ?? 0,
      createVpc: network.vpcId === undefined,
      createSwitches: network.vswitchIds === undefined,
      createNatGateway,
      createBucket: storage.createBucket,
      ramUser: storage.suppliedKeyId === undefined,
      monitorGroup: observability.monitoring === "arms",
      userTags: cluster.userTags ?? {},
      tags: cluster.tags,
      reported: problems,
    }),
  );

  if (problems.length > 0) return { ok: false, problems };

  // Everything below only runs on valid settings, so the non-null assertions hold.
  const { zoneIds } = network;
  const vswitchCidrs = network.vswitchCidrs!;
  const zones: ZoneSpec[] = zoneIds.map((zoneId, i) => ({ zoneId, vswitchId: network.vswitchIds?.[i], cidr: formatCidr(vswitchCidrs[i]) }));
  const capacity = capacityProblems(vswitchCidrs, zoneIds, topology.metaCount!, topology.nodeCount!);
  if (capacity.length > 0) return { ok: false, problems: capacity };

  const protection = protectionFor(environment!);
  const { meta, nodes } = placeHosts({
    hosts: hosts as Required<typeof hosts>,
    zoneIds,
    vswitchCidrs,
    metaCount: topology.metaCount!,
    nodeCount: topology.nodeCount!,
    rejoin: topology.rejoin,
    replaceHosts: topology.replaceHosts,
    deletionProtection: protection.deletionProtection,
  });
  const sshKey = access.sshKey!;
  const clientCidrs = network.clientCidrs!.length > 0 ? network.clientCidrs! : [network.vpcCidrText];

  // The stable endpoints need the placed hosts and the zones' CIDRs (their fixed addresses).
  const lbs = validateLoadBalancers({
    namePrefix,
    version,
    ports: network.ports!,
    zones,
    clientCidrs,
    allowPublicAccess: network.allowPublic === true,
    metaHosts: meta.map((m) => m.host),
    nodeHosts: nodes.map((n) => n.host),
  });
  if (lbs.problems.length > 0) return { ok: false, problems: lbs.problems };

  const spec = brandSpec({
    project: input.project,
    stack: input.stack,
    namePrefix,
    version,
    environment: environment!,
    region: region!,
    tags: cluster.tags,
    ports: network.ports!,
    network: {
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidrText,
      zones,
      clientCidrs,
      adminCidrs: network.adminCidrs!,
      monitoringCidrs: observability.monitoringCidrs,
      assignPublicIp: network.assignPublicIp,
      // Hosts with public IPs have their own way out; an existing VPC keeps its own egress.
      createNatGateway,
    },
    access: {
      sshUser: access.sshUser,
      sshPublicKey: sshKey.normalized,
      keyPairName: keyPairNameChecked,
      authorizedKeys: [sshKey.normalized, ...(access.retiringKey ? [access.retiringKey.normalized] : [])],
      bastion: access.bastion,
    },
    images,
    storage,
    wal: wal!,
    bootstrap: {
      clusterName: CLUSTER_NAME,
      nodeCount: topology.bootstrapNodeCount!,
      shardTotal: topology.shardTotal!,
      topology: topology.topology!,
      initialClusterToken: `${input.project}-${input.stack}`,
      storageRootPath: STORAGE_ROOT_PATH,
    },
    meta,
    nodes,
    protection,
    logLevel: cluster.logLevel!,
    rollout,
    observability,
    loadBalancers: lbs.loadBalancers,
  });
  return { ok: true, spec, warnings };
}

/** What each environment class turns on: the durable classes keep their data (components/model/vocabulary.ts). */
export function protectionFor(env: EnvironmentClass): ProtectionSpec {
  const durable = isDurableEnvironment(env);
  return {
    protectData: durable,
    deletionProtection: durable,
    ossVersioning: durable,
    forceDestroyBucket: !durable,
  };
}
