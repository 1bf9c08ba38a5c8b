/**
 * Every cloud-side name and free text the program derives from settings, in one place, so the
 * settings validator (specRules.ts) checks exactly what the components set. The contract test
 * compares this list with the names the real program registers.
 */
import type { SettingName } from "../model/settings";

export interface NameInputs {
  project: string;
  stack: string;
  /** `ceresdb:resourcePrefix` (or its default from the stack name). */
  prefix: string;
  /** The ECS key pair's name (keyPairName below). */
  keyPairName: string;
  bucket: string;
  bucketPrefix: string;
  zoneIds: readonly string[];
  /** Host names (`meta-0`, `node-3`), as the spec names them. */
  hostNames: readonly string[];
  createVpc: boolean;
  createSwitches: boolean;
  createNatGateway: boolean;
  createBucket: boolean;
  /** A per-stack RAM user is created (no supplied OSS key). */
  ramUser: boolean;
  /** The ARMS agent's security group exists (`ceresdb:monitoring arms`). Default false. */
  monitorGroup?: boolean;
}

export interface DerivedName {
  /** Resource type token and input the name goes to (the contract table's key). */
  type: string;
  property: string;
  value: string;
  /** The settings a user changes to change this name. */
  settings: readonly SettingName[];
}

const RAM_COMMENTS_MAX = 128;

/**
 * The RAM user's comment: which cluster and which bucket/prefix it may use. RAM takes at most 128
 * characters (resource_alicloud_ram_user.go: StringLenBetween(0, 128)), and a bucket name (63)
 * plus a key prefix (128) alone exceed that, so longer forms fall back to shorter ones; the
 * policy document, not the comment, is what grants access.
 */
export function ramUserComments(project: string, stack: string, bucket: string, bucketPrefix: string): string {
  const forms = [
    `CeresDB nodes of ${project}/${stack}: OSS ${bucket}/${bucketPrefix} only`,
    `CeresDB nodes of ${project}/${stack}: OSS ${bucket} (prefix in the policy)`,
    `CeresDB nodes of ${project}/${stack}`,
  ];
  const fit = forms.find((f) => [...f].length <= RAM_COMMENTS_MAX);
  return fit ?? [...forms[forms.length - 1]].slice(0, RAM_COMMENTS_MAX - 1).join("") + "…";
}

/** Hex digits of the SSH public key's SHA-256 fingerprint in the key pair's name. */
export const KEY_HASH_DIGITS = 12;

/**
 * The ECS key pair's name: the prefix and the key's short fingerprint, so a new key is a new key
 * pair (key_pair_name is ForceNew, public_key is not: resource_alicloud_ecs_key_pair.go).
 */
export function keyPairName(prefix: string, keyFingerprintHex: string): string {
  return `${prefix}-${keyFingerprintHex.slice(0, KEY_HASH_DIGITS)}`;
}

/** The names of one host's instance, its Linux host name and its data disk. */
export function hostResourceNames(prefix: string, host: string): { instanceName: string; hostName: string; diskName: string } {
  return { instanceName: `${prefix}-${host}`, hostName: `${prefix}-${host}`, diskName: `${prefix}-${host}-data` };
}

/** The security group's description (its own rules: 2-256, not starting with a URL). */
export function securityGroupDescription(stack: string, role: string): string {
  return role === "monitor" ? `ceresdb-cluster ${stack}: ARMS Prometheus agent` : `ceresdb-cluster ${stack}: ${role} hosts`;
}

/** The RAM policy's description. */
export function policyDescription(prefix: string, bucket: string, bucketPrefix: string): string {
  return `Object access to oss://${bucket}/${bucketPrefix}/ for ${prefix}`;
}

/** Every derived name, with the resource input it is set on. */
export function derivedNames(n: NameInputs): DerivedName[] {
  const P: SettingName[] = ["resourcePrefix"];
  const out: DerivedName[] = [];
  const add = (type: string, property: string, value: string, settings: readonly SettingName[] = P) => out.push({ type, property, value, settings });
  if (n.createVpc) add("alicloud:vpc/network:Network", "vpcName", n.prefix);
  for (const z of n.zoneIds) {
    if (n.createSwitches) add("alicloud:vpc/switch:Switch", "vswitchName", `${n.prefix}-${z}`, ["resourcePrefix", "zones"]);
    if (n.createNatGateway) add("alicloud:vpc/snatEntry:SnatEntry", "snatEntryName", `${n.prefix}-${z}`, ["resourcePrefix", "zones"]);
  }
  for (const role of n.monitorGroup ? ["meta", "server", "monitor"] : ["meta", "server"]) {
    add("alicloud:ecs/securityGroup:SecurityGroup", "securityGroupName", `${n.prefix}-${role}`);
    add("alicloud:ecs/securityGroup:SecurityGroup", "description", securityGroupDescription(n.stack, role), []);
  }
  if (n.createNatGateway) {
    add("alicloud:vpc/natGateway:NatGateway", "natGatewayName", `${n.prefix}-nat`);
    add("alicloud:ecs/eipAddress:EipAddress", "addressName", `${n.prefix}-nat`);
  }
  add("alicloud:ecs/ecsKeyPair:EcsKeyPair", "keyPairName", n.keyPairName, ["resourcePrefix", "sshPublicKey"]);
  for (const h of n.hostNames) {
    const names = hostResourceNames(n.prefix, h);
    add("alicloud:ecs/instance:Instance", "instanceName", names.instanceName);
    add("alicloud:ecs/instance:Instance", "hostName", names.hostName);
    add("alicloud:ecs/ecsDisk:EcsDisk", "diskName", names.diskName);
  }
  if (n.createBucket) add("alicloud:oss/bucket:Bucket", "bucket", n.bucket, ["bucketName"]);
  if (n.ramUser) {
    add("alicloud:ram/user:User", "name", `${n.prefix}-oss`);
    add("alicloud:ram/user:User", "comments", ramUserComments(n.project, n.stack, n.bucket, n.bucketPrefix), ["bucketName", "bucketPrefix"]);
    add("alicloud:ram/policy:Policy", "policyName", `${n.prefix}-oss`);
    add("alicloud:ram/policy:Policy", "description", policyDescription(n.prefix, n.bucket, n.bucketPrefix), ["resourcePrefix", "bucketName", "bucketPrefix"]);
  }
  return out;
}

/** The name inputs of a built spec (what the components derive their names from). */
export function nameInputsOf(spec: {
  project: string;
  stack: string;
  namePrefix: string;
  access: { keyPairName: string };
  storage: { bucket: string; prefix: string; createBucket: boolean; useSuppliedKey: boolean };
  network: { vpcId?: string; zones: readonly { zoneId: string; vswitchId?: string }[]; createNatGateway: boolean };
  meta: readonly { host: { name: string } }[];
  nodes: readonly { host: { name: string } }[];
  observability?: { monitoring: string };
}): NameInputs {
  return {
    project: spec.project,
    stack: spec.stack,
    prefix: spec.namePrefix,
    keyPairName: spec.access.keyPairName,
    bucket: spec.storage.bucket,
    bucketPrefix: spec.storage.prefix,
    zoneIds: spec.network.zones.map((z) => z.zoneId),
    hostNames: [...spec.meta, ...spec.nodes].map((m) => m.host.name),
    createVpc: spec.network.vpcId === undefined,
    createSwitches: spec.network.zones.every((z) => z.vswitchId === undefined),
    createNatGateway: spec.network.createNatGateway,
    createBucket: spec.storage.createBucket,
    ramUser: !spec.storage.useSuppliedKey,
    monitorGroup: spec.observability?.monitoring === "arms",
  };
}
