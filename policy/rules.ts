/**
 * The rules of the ceresdb-cluster policy pack as pure functions: plain resource data in, violation
 * messages out. No Pulumi imports, so the rules are unit tested directly and evaluated on the
 * resources the offline runner records; policy/policies.ts adapts them to @pulumi/policy.
 *
 * The program already follows these rules (components/, buildSpec); the pack is the second line of
 * defence against edits of the program and resources imported into a stack.
 *
 * Environment class: each resource's `environment` tag (prod | staging | test). A resource without a
 * valid one is held to prod, the strictest class (the program's own default). Security group rules
 * have no tags and take the class of their group.
 *
 * Values unknown during a preview (computed from resources not created yet) are passed as UNKNOWN;
 * a rule that needs such a value skips it. The engine runs resource policies again on `pulumi up`
 * with the resolved inputs, so nothing is skipped for good.
 */

import {
  ALWAYS_TAGS,
  BUCKET_NAME_PATTERN,
  DEFAULT_ENVIRONMENT,
  DEFAULT_PORTS,
  ENVIRONMENT_CLASSES,
  EnvironmentClass,
  isDurableEnvironment,
  isEnvironmentClass,
  NODE_EXPORTER_PORT,
  OSS_LIST_ACTIONS as LIST_ACTIONS,
  OSS_OBJECT_ACTIONS as GRANTED_OBJECT_ACTIONS,
  OSS_TOLERATED_OBJECT_ACTIONS,
  ROLE_TAG_VALUE,
  SSH_PORT,
  TAG,
  TEST_TAGS,
} from "../components/model/vocabulary";

// The words are shared with the program and teardown (components/model/vocabulary.ts); the rules are the pack's own.
export const ENVIRONMENTS = ENVIRONMENT_CLASSES;
export type { EnvironmentClass };

/** Stands for a value not known during a preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;
export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

/** The resource options the rules read (a subset of @pulumi/policy's PolicyResourceOptions). */
export interface RuleResourceOptions {
  protect?: boolean;
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
}

/** One resource as a resource rule sees it: inputs with secrets unwrapped. */
export interface RuleResource {
  type: string;
  name: string;
  /** When known, the stack name in it is compared with the `stack` tag. */
  urn?: string;
  props: Record<string, unknown>;
  opts: RuleResourceOptions;
}

/** One resource as a stack rule sees it. */
export interface StackRuleResource extends RuleResource {
  urn: string;
  /** Provider ID, when known (offline runs, or `props.id` after an update). */
  id?: string;
  /** URNs of the resources each property depends on (the engine's property dependencies). */
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  message: string;
  /** The resource in violation (stack rules); omitted for resource rules. */
  urn?: string;
}

export interface ResourceRule {
  name: string;
  description: string;
  /** The resource types the rule looks at. */
  appliesTo(type: string): boolean;
  check(r: RuleResource): string[];
}

/** Settings of the network rule; see MetaPortsConfig defaults. */
export interface MetaPortsConfig {
  /** The CeresMeta HTTP port, the only meta port open to CIDRs. Default 8080 (ceresdb:ports.metaHttp). */
  metaHttpPort?: number;
  /** When given, the only CIDRs the meta HTTP port may be open to. Default: any CIDR but 0.0.0.0/0 in prod. */
  adminCidrs?: string[];
  /** The CeresDB HTTP port (server-http-restricted). Default 5440 (ceresdb:ports.http). */
  serverHttpPort?: number;
  /** CIDRs of a monitoring source that may reach the CeresDB HTTP port besides adminCidrs. */
  monitoringCidrs?: string[];
}

export interface StackRule {
  name: string;
  description: string;
  check(resources: StackRuleResource[], config?: MetaPortsConfig): Violation[];
}

export const T = {
  instance: "alicloud:ecs/instance:Instance",
  ecsDisk: "alicloud:ecs/ecsDisk:EcsDisk",
  disk: "alicloud:ecs/disk:Disk",
  securityGroup: "alicloud:ecs/securityGroup:SecurityGroup",
  securityGroupRule: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
  bucket: "alicloud:oss/bucket:Bucket",
  bucketAcl: "alicloud:oss/bucketAcl:BucketAcl",
  ramPolicy: "alicloud:ram/policy:Policy",
  container: "docker:index/container:Container",
  clb: "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer",
  clbLegacy: "alicloud:slb/loadBalancer:LoadBalancer",
  nlb: "alicloud:nlb/loadBalancer:LoadBalancer",
} as const;

export const REQUIRED_TAGS = ALWAYS_TAGS;
export const REQUIRED_TEST_TAGS = TEST_TAGS;
export const DEFAULT_META_HTTP_PORT = DEFAULT_PORTS.metaHttp;
export const DEFAULT_SERVER_HTTP_PORT = DEFAULT_PORTS.http;

// --- helpers ---------------------------------------------------------------------------------

type Plain = Record<string, unknown>;

function isObject(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `tags` map of a resource; UNKNOWN when not known yet; undefined when absent. */
export function tagsOf(props: Plain): Record<string, string> | Unknown | undefined {
  const tags = props.tags;
  if (isUnknown(tags)) return UNKNOWN;
  if (!isObject(tags)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The environment class from the `environment` tag; prod when missing, unknown or invalid. */
export function environmentOf(props: Plain): EnvironmentClass {
  const tags = tagsOf(props);
  const env = tags && !isUnknown(tags) ? tags[TAG.environment] : undefined;
  return isEnvironmentClass(env) ? env : DEFAULT_ENVIRONMENT;
}

const isDurable = isDurableEnvironment;

/** 0.0.0.0/0, ::/0 and any other /0. */
export function isWorldCidr(cidr: unknown): boolean {
  if (typeof cidr !== "string") return false;
  const c = cidr.trim();
  return c === "0.0.0.0" || c === "::" || /\/0+$/.test(c);
}

export interface PortSpan {
  from: number;
  to: number;
}

/**
 * Ports a security group rule opens: `all` and `-1/-1` mean every port; ICMP and GRE none
 * (undefined); UNKNOWN when the range is not known.
 */
export function portsOf(props: Plain): PortSpan | Unknown | undefined {
  const proto = props.ipProtocol;
  if (isUnknown(proto) || isUnknown(props.portRange)) return UNKNOWN;
  const p = typeof proto === "string" ? proto.toLowerCase() : "all";
  if (p === "all") return { from: 1, to: 65535 };
  if (p !== "tcp" && p !== "udp") return undefined;
  const range = typeof props.portRange === "string" ? props.portRange.trim() : "-1/-1";
  const m = /^(-?\d+)\/(-?\d+)$/.exec(range);
  if (!m) return { from: 1, to: 65535 };
  const [from, to] = [Number(m[1]), Number(m[2])];
  if (from === -1 && to === -1) return { from: 1, to: 65535 };
  return { from, to };
}

const covers = (span: PortSpan, port: number) => span.from <= port && port <= span.to;
const exactly = (span: PortSpan, port: number) => span.from === port && span.to === port;
const showPorts = (span: PortSpan) => (span.from === span.to ? String(span.from) : `${span.from}-${span.to}`);

/** An ingress rule that lets traffic in (egress and drop rules never open anything). */
function isAcceptingIngress(props: Plain): boolean {
  const type = props.type;
  const policy = props.policy;
  const ingress = isUnknown(type) || type === undefined || type === "ingress";
  const accept = isUnknown(policy) || policy === undefined || policy === "accept";
  return ingress && accept;
}

/** The CIDR sources of a rule (IPv4 and IPv6); UNKNOWN when a CIDR is not known. */
function cidrSources(props: Plain): string[] | Unknown {
  if (isUnknown(props.cidrIp) || isUnknown(props.ipv6CidrIp)) return UNKNOWN;
  return [props.cidrIp, props.ipv6CidrIp].filter((c): c is string => typeof c === "string" && c !== "");
}

function stackOfUrn(urn: string | undefined): string | undefined {
  const m = urn ? /^urn:pulumi:([^:]+)::/.exec(urn) : null;
  return m ? m[1] : undefined;
}

// --- 1. network ------------------------------------------------------------------------------

/** Rule 1a: SSH is never open to the internet, in any environment class. */
export const noPublicSsh: ResourceRule = {
  name: "no-public-ssh",
  description: "No security group rule opens SSH (22) to 0.0.0.0/0, in any environment class.",
  appliesTo: (type) => type === T.securityGroupRule,
  check(r) {
    const p = r.props;
    if (!isAcceptingIngress(p)) return [];
    const cidrs = cidrSources(p);
    const ports = portsOf(p);
    if (isUnknown(cidrs) || isUnknown(ports) || ports === undefined) return [];
    const world = cidrs.filter(isWorldCidr);
    if (world.length === 0 || !covers(ports, SSH_PORT)) return [];
    return [`${r.name}: opens SSH (ports ${showPorts(ports)}) to ${world.join(", ")}; SSH is only allowed from admin CIDRs and the bastion`];
  },
};

function tagsHaveRole(r: RuleResource, role: string): boolean {
  const tags = tagsOf(r.props);
  return tags !== undefined && !isUnknown(tags) && tags[TAG.role] === role;
}

/** The strictest environment class any resource of the stack is tagged with; prod if none is. */
export function stackEnvironment(resources: RuleResource[]): EnvironmentClass {
  const envs = new Set(
    resources.map((r) => tagsOf(r.props)).flatMap((t) => (t && !isUnknown(t) && t.environment ? [t.environment] : [])),
  );
  for (const env of ENVIRONMENTS) if (envs.has(env)) return env;
  return DEFAULT_ENVIRONMENT;
}

/** The resources a property refers to: by property dependency (URN) or by ID. */
function referencedResources(
  r: StackRuleResource,
  property: string,
  candidates: StackRuleResource[],
): StackRuleResource[] {
  const urns = new Set(r.propertyDependencies?.[property] ?? []);
  const v = r.props[property];
  const ids = new Set((Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string" && x !== ""));
  return candidates.filter((c) => urns.has(c.urn) || (c.id !== undefined && ids.has(c.id)) || (typeof c.props.id === "string" && ids.has(c.props.id)));
}

/** Ingress rules that accept traffic, with their ports and CIDR sources known (a preview may not know them yet). */
function knownIngressRules(resources: StackRuleResource[]): { rule: StackRuleResource; p: Plain; ports: PortSpan; cidrs: string[] }[] {
  const out: { rule: StackRuleResource; p: Plain; ports: PortSpan; cidrs: string[] }[] = [];
  for (const rule of resources.filter((r) => r.type === T.securityGroupRule)) {
    const p = rule.props;
    if (!isAcceptingIngress(p)) continue;
    const ports = portsOf(p);
    const cidrs = cidrSources(p);
    if (isUnknown(ports) || ports === undefined || isUnknown(cidrs)) continue;
    out.push({ rule, p, ports, cidrs });
  }
  return out;
}

/** URNs of the security groups of a role: tagged with it, or attached to an instance tagged with it. */
function roleGroupUrns(resources: StackRuleResource[], groups: StackRuleResource[], role: string): Set<string> {
  const urns = new Set(groups.filter((g) => tagsHaveRole(g, role)).map((g) => g.urn));
  for (const inst of resources.filter((r) => r.type === T.instance && tagsHaveRole(r, role))) {
    for (const prop of ["securityGroups", "securityGroupIds"]) {
      for (const g of referencedResources(inst, prop, groups)) urns.add(g.urn);
    }
  }
  return urns;
}

/**
 * Every known ingress rule (knownIngressRules) joined to its security group through
 * `securityGroupId` (property dependency in a preview, ID after an update): the group when it is in
 * the stack, whether it is one of `role`'s groups (roleGroupUrns), the CIDRs of the world it admits,
 * and how a message names the rule.
 */
function roleIngressRules(resources: StackRuleResource[], role: string) {
  const groups = resources.filter((r) => r.type === T.securityGroup);
  const ofRole = roleGroupUrns(resources, groups, role);
  return knownIngressRules(resources).map((r) => {
    const [group] = referencedResources(r.rule, "securityGroupId", groups);
    return { ...r, group, ofRole: group !== undefined && ofRole.has(group.urn), world: r.cidrs.filter(isWorldCidr), at: `${r.rule.name} (ports ${showPorts(r.ports)})` };
  });
}

/**
 * Rule 1b: the meta security group (tagged `role=meta`, or attached to an instance tagged
 * `role=meta`) admits its ports only from security groups, except the CeresMeta HTTP port from
 * admin CIDRs; in prod nothing on it is open to 0.0.0.0/0. Rules are joined to their group through
 * `securityGroupId` (property dependency in a preview, ID after an update). A rule whose group is
 * not in the stack cannot be shown to spare the meta hosts: in prod it may not admit 0.0.0.0/0
 * (SSH-only rules are left to no-public-ssh).
 */
export const metaPortsRestricted: StackRule = {
  name: "meta-ports-restricted",
  description:
    "Meta security group: ports only from security groups, except the CeresMeta HTTP port from admin CIDRs and node exporter (9100) from monitoring CIDRs; never 0.0.0.0/0 in prod.",
  check(resources, config = {}) {
    const httpPort = config.metaHttpPort ?? DEFAULT_META_HTTP_PORT;
    const admin = config.adminCidrs;
    const fallbackEnv = stackEnvironment(resources);
    const out: Violation[] = [];
    for (const { rule, p, ports, cidrs, group, ofRole, world, at } of roleIngressRules(resources, ROLE_TAG_VALUE.meta)) {
      if (exactly(ports, SSH_PORT) && String(p.ipProtocol).toLowerCase() === "tcp") continue; // no-public-ssh
      const env = group ? environmentOf(group.props) : fallbackEnv;
      if (!group) {
        if (env === "prod" && world.length > 0) {
          out.push({
            urn: rule.urn,
            message: `${at}: admits ${world.join(", ")} into security group ${String(p.securityGroupId)}, which is not in this stack, so it cannot be shown not to be the meta group (prod)`,
          });
        }
        continue;
      }
      if (!ofRole) continue;
      if (cidrs.length === 0) {
        const fromGroup = isUnknown(p.sourceSecurityGroupId) || (typeof p.sourceSecurityGroupId === "string" && p.sourceSecurityGroupId !== "");
        if (!fromGroup) out.push({ urn: rule.urn, message: `${at}: meta port admitted from neither a security group nor a CIDR (e.g. a prefix list); only security groups may reach meta ports` });
        continue;
      }
      if (env === "prod" && world.length > 0) {
        out.push({ urn: rule.urn, message: `${at}: opens a port of the meta security group ${group.name} to ${world.join(", ")} in prod (etcd/CeresMeta must never face the internet)` });
        continue;
      }
      if (exactly(ports, NODE_EXPORTER_PORT) && String(p.ipProtocol).toLowerCase() === "tcp") continue; // metrics only; 0.0.0.0/0 refused above in prod
      const isHttp = exactly(ports, httpPort) && String(p.ipProtocol).toLowerCase() === "tcp";
      if (!isHttp) {
        out.push({ urn: rule.urn, message: `${at}: admits ${cidrs.join(", ")} into the meta security group ${group.name}; meta ports only admit security groups, except the CeresMeta HTTP port ${httpPort} from admin CIDRs` });
        continue;
      }
      const notAdmin = admin ? cidrs.filter((c) => !admin.includes(c)) : [];
      if (notAdmin.length > 0) {
        out.push({ urn: rule.urn, message: `${at}: admits ${notAdmin.join(", ")} to the CeresMeta HTTP port; only the admin CIDRs ${admin!.join(", ")} may reach it` });
      }
    }
    return out;
  },
};

/**
 * Rule 1c: the CeresDB HTTP port of the server group (tagged `role=server`, or attached to an
 * instance tagged `role=server`) is not a client port. `GET /debug/config` on it returns the whole
 * parsed config, OSS `key_secret` and OBKV passwords included (apache/horaedb server/src/http.rs
 * `server_config` at v1.2.2..v1.2.7). So, in every class, no rule covering it admits 0.0.0.0/0;
 * when `adminCidrs` is configured, it admits only those and `monitoringCidrs`. The client ports
 * (gRPC, MySQL, PostgreSQL) are left alone: they may face the internet with allowPublicAccess.
 */
export const serverHttpRestricted: StackRule = {
  name: "server-http-restricted",
  description:
    "CeresDB HTTP port (serves the config with its secrets): never from 0.0.0.0/0; only admin and monitoring CIDRs when configured. Client ports are gRPC, MySQL, PostgreSQL.",
  check(resources, config = {}) {
    const httpPort = config.serverHttpPort ?? DEFAULT_SERVER_HTTP_PORT;
    const allowed = config.adminCidrs ? [...config.adminCidrs, ...(config.monitoringCidrs ?? [])] : undefined;
    const out: Violation[] = [];
    for (const { rule, ports, cidrs, ofRole, world, at } of roleIngressRules(resources, ROLE_TAG_VALUE.node)) {
      if (!covers(ports, httpPort) || !ofRole) continue;
      if (world.length > 0) {
        out.push({ urn: rule.urn, message: `${at}: opens the CeresDB HTTP port ${httpPort} to ${world.join(", ")}; it serves /debug/config with the OSS and OBKV secrets, so only admin and monitoring CIDRs may reach it` });
        continue;
      }
      const stray = allowed ? cidrs.filter((c) => !allowed.includes(c)) : [];
      if (stray.length > 0) {
        out.push({ urn: rule.urn, message: `${at}: admits ${stray.join(", ")} to the CeresDB HTTP port ${httpPort}; only the admin and monitoring CIDRs ${allowed!.join(", ")} may reach it (clients use gRPC, MySQL, PostgreSQL)` });
      }
    }
    return out;
  },
};

// --- 2. protection (prod/staging) ------------------------------------------------------------

export const ecsDeletionProtection: ResourceRule = {
  name: "ecs-deletion-protection",
  description: "In prod and staging, ECS instances have deletionProtection: true.",
  appliesTo: (type) => type === T.instance,
  check(r) {
    const env = environmentOf(r.props);
    const v = r.props.deletionProtection;
    if (!isDurable(env) || isUnknown(v) || v === true) return [];
    // Listed in ceresdb:replaceHosts: protection is off on purpose, for one replacement.
    const tags = r.props.tags as Record<string, unknown> | undefined;
    if (tags && !isUnknown(tags) && tags["ceresdb-replace-requested"] === "true") return [];
    return [`${r.name}: ECS instance in ${env} without deletionProtection: true`];
  },
};

export const protectData: ResourceRule = {
  name: "protect-data",
  description: "In prod and staging, the OSS bucket and the data disks have the `protect` resource option.",
  appliesTo: (type) => type === T.bucket || type === T.ecsDisk || type === T.disk,
  check(r) {
    const env = environmentOf(r.props);
    if (!isDurable(env) || r.opts.protect === true) return [];
    const what = r.type === T.bucket ? "OSS bucket" : "data disk";
    return [`${r.name}: ${what} in ${env} without the protect option (a change could delete its data)`];
  },
};

export const ossVersioning: ResourceRule = {
  name: "oss-versioning",
  description: "In prod, OSS buckets have versioning Enabled.",
  appliesTo: (type) => type === T.bucket,
  check(r) {
    if (environmentOf(r.props) !== "prod") return [];
    const v = r.props.versioning;
    if (isUnknown(v)) return [];
    const status = isObject(v) ? v.status : undefined;
    if (isUnknown(status) || status === "Enabled") return [];
    return [`${r.name}: OSS bucket in prod without versioning Enabled (status: ${status === undefined ? "unset" : String(status)})`];
  },
};

// --- 3. encryption and ACL (any class) -------------------------------------------------------

const SSE_ALGORITHMS = ["AES256", "KMS", "SM4"];

export const ossEncryption: ResourceRule = {
  name: "oss-encryption",
  description: "OSS buckets have server-side encryption (AES256, KMS or SM4).",
  appliesTo: (type) => type === T.bucket,
  check(r) {
    const rule = r.props.serverSideEncryptionRule;
    if (isUnknown(rule)) return [];
    const alg = isObject(rule) ? rule.sseAlgorithm : undefined;
    if (isUnknown(alg) || (typeof alg === "string" && SSE_ALGORITHMS.includes(alg))) return [];
    return [`${r.name}: OSS bucket without server-side encryption (serverSideEncryptionRule.sseAlgorithm ${alg === undefined ? "unset" : JSON.stringify(alg)})`];
  },
};

export const ossPrivateAcl: ResourceRule = {
  name: "oss-private-acl",
  description: "OSS bucket ACLs are private (BucketAcl, and the bucket's own acl when set).",
  appliesTo: (type) => type === T.bucketAcl || type === T.bucket,
  check(r) {
    const acl = r.props.acl;
    if (isUnknown(acl) || acl === "private") return [];
    if (r.type === T.bucket && acl === undefined) return [];
    return [`${r.name}: OSS ACL ${acl === undefined ? "unset" : JSON.stringify(acl)}; must be "private"`];
  },
};

export const diskEncryption: ResourceRule = {
  name: "disk-encryption",
  description: "ECS data disks are encrypted (EcsDisk/Disk, and data disks declared on an instance).",
  appliesTo: (type) => type === T.ecsDisk || type === T.disk || type === T.instance,
  check(r) {
    if (r.type === T.instance) {
      const disks = r.props.dataDisks;
      if (!Array.isArray(disks)) return [];
      return disks.flatMap((d, i) =>
        isObject(d) && (d.encrypted === true || isUnknown(d.encrypted)) ? [] : [`${r.name}: data disk ${i} of the instance is not encrypted: true`],
      );
    }
    const v = r.props.encrypted;
    if (isUnknown(v) || v === true) return [];
    return [`${r.name}: data disk without encrypted: true`];
  },
};

// --- 4. credentials ---------------------------------------------------------------------------

/**
 * Object-level OSS actions a data user may hold (read, write, delete, multipart): what the program
 * grants, and the read-only extra the vocabulary documents (OSS_TOLERATED_OBJECT_ACTIONS).
 */
export const OSS_OBJECT_ACTIONS: ReadonlySet<string> = new Set([...GRANTED_OBJECT_ACTIONS, ...OSS_TOLERATED_OBJECT_ACTIONS]);
/** Bucket-level listing, allowed only with an oss:Prefix condition. */
export const OSS_LIST_ACTIONS: ReadonlySet<string> = new Set(LIST_ACTIONS);

const ARN_HEAD = String.raw`^acs:oss:(?:\*|[a-z0-9-]*):(?:\*|\d*):`;
const BUCKET = `(${BUCKET_NAME_PATTERN})`;
const OBJECT_ARN = new RegExp(`${ARN_HEAD}${BUCKET}/([^*?]+)/\\*$`);
const BUCKET_ARN = new RegExp(`${ARN_HEAD}${BUCKET}$`);
const LIST_PREFIX = /^([^*?]+)\/\*?$/;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** The statements of a RAM policy resource: policyDocument, the older document, or statements. */
function policyStatements(props: Plain): Statement[] | Unknown | string {
  const doc = props.policyDocument ?? props.document;
  if (isUnknown(doc)) return UNKNOWN;
  if (typeof doc === "string" && doc.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(doc);
    } catch {
      return "the policy document is not valid JSON";
    }
    if (!isObject(parsed) || !Array.isArray(parsed.Statement)) return "the policy document has no Statement list";
    return parsed.Statement.filter(isObject) as Statement[];
  }
  if (isUnknown(props.statements)) return UNKNOWN;
  if (Array.isArray(props.statements)) {
    return props.statements.filter(isObject).map((s) => ({ Effect: s.effect, Action: s.actions, Resource: s.resources }));
  }
  return "the policy has no document";
}

/** The oss:Prefix values of a listing statement's StringLike/StringEquals condition. */
function listPrefixes(condition: unknown): string[] {
  if (!isObject(condition)) return [];
  const out: string[] = [];
  for (const [op, body] of Object.entries(condition)) {
    if (!["StringLike", "StringEquals"].includes(op) || !isObject(body)) continue;
    for (const [key, v] of Object.entries(body)) {
      if (key.toLowerCase() === "oss:prefix") out.push(...asList(v).map(String));
    }
  }
  return out;
}

/**
 * Checks a RAM policy document: allows only object actions on `acs:oss:*:*:<bucket>/<prefix>/*`
 * and listing of that bucket with an oss:Prefix condition inside a granted prefix. No wildcard
 * actions or resources, no NotAction/NotResource. Deny statements are always fine.
 */
export function ramPolicyProblems(props: Plain): string[] {
  const statements = policyStatements(props);
  if (isUnknown(statements)) return [];
  if (typeof statements === "string") return [statements];
  const problems: string[] = [];
  const granted = new Map<string, Set<string>>(); // bucket -> prefixes with object access
  const listings: { bucket: string; prefixes: string[]; index: number }[] = [];
  statements.forEach((s, index) => {
    const at = `statement ${index}`;
    if (s.Effect === "Deny") return;
    if (s.NotAction !== undefined || s.NotResource !== undefined) {
      problems.push(`${at}: NotAction/NotResource in an Allow statement grants everything not listed`);
      return;
    }
    const actions = asList(s.Action).map(String);
    const resources = asList(s.Resource).map(String);
    if (actions.length === 0 || resources.length === 0) {
      problems.push(`${at}: an Allow statement needs explicit Action and Resource lists`);
      return;
    }
    const wild = actions.filter((a) => a.includes("*") || a.includes("?"));
    if (wild.length > 0) problems.push(`${at}: wildcard action(s) ${wild.join(", ")}`);
    const other = actions.filter((a) => !wild.includes(a) && !OSS_OBJECT_ACTIONS.has(a) && !OSS_LIST_ACTIONS.has(a));
    if (other.length > 0) problems.push(`${at}: action(s) ${other.join(", ")} beyond OSS object access and prefix listing`);
    const objectActions = actions.filter((a) => OSS_OBJECT_ACTIONS.has(a));
    const listActions = actions.filter((a) => OSS_LIST_ACTIONS.has(a));
    if (objectActions.length > 0 && listActions.length > 0) {
      problems.push(`${at}: mixes object actions and listing; listing needs its own statement on the bucket with an oss:Prefix condition`);
      return;
    }
    if (objectActions.length > 0) {
      for (const res of resources) {
        const m = OBJECT_ARN.exec(res);
        if (!m) problems.push(`${at}: object actions on ${res}; only acs:oss:*:*:<bucket>/<prefix>/* is allowed`);
        else {
          if (!granted.has(m[1])) granted.set(m[1], new Set());
          granted.get(m[1])!.add(m[2]);
        }
      }
    }
    if (listActions.length > 0) {
      const prefixes = listPrefixes(s.Condition);
      if (prefixes.length === 0) problems.push(`${at}: listing without an oss:Prefix condition lists the whole bucket`);
      for (const res of resources) {
        const m = BUCKET_ARN.exec(res);
        if (!m) problems.push(`${at}: listing on ${res}; only the bucket acs:oss:*:*:<bucket> with an oss:Prefix condition is allowed`);
        else listings.push({ bucket: m[1], prefixes, index });
      }
    }
  });
  for (const l of listings) {
    for (const prefix of l.prefixes) {
      const m = LIST_PREFIX.exec(prefix);
      if (!m || !granted.get(l.bucket)?.has(m[1])) {
        problems.push(`statement ${l.index}: listing prefix ${JSON.stringify(prefix)} of ${l.bucket} is not <prefix>/* of a prefix this policy grants object access to`);
      }
    }
  }
  return problems;
}

export const ramOssLeastPrivilege: ResourceRule = {
  name: "ram-oss-least-privilege",
  description:
    "RAM policies only allow OSS object actions on acs:oss:*:*:<bucket>/<prefix>/* and prefix-conditioned listing of that bucket; no wildcards.",
  appliesTo: (type) => type === T.ramPolicy,
  check: (r) => ramPolicyProblems(r.props).map((p) => `${r.name}: ${p}`),
};

// --- 5. secrets -------------------------------------------------------------------------------

export const containerUploadsSecret: ResourceRule = {
  name: "container-uploads-secret",
  description: "Docker containers declare `uploads` an additional secret output (configs hold credentials).",
  appliesTo: (type) => type === T.container,
  check(r) {
    if ((r.opts.additionalSecretOutputs ?? []).includes("uploads")) return [];
    return [`${r.name}: container without additionalSecretOutputs ["uploads"]; its config files would be stored in clear in the state`];
  },
};

// --- 6. tags ----------------------------------------------------------------------------------

/**
 * Taggable: an alicloud type in `taggable` (the SDK's list), or any alicloud resource that has a
 * `tags` input.
 */
export function requiredTagsRule(taggable: ReadonlySet<string>): ResourceRule {
  return {
    name: "required-tags",
    description: `Taggable alicloud resources carry ${REQUIRED_TAGS.join(", ")} (a valid class, the stack's name); test-class ones also ${REQUIRED_TEST_TAGS.join(", ")}.`,
    appliesTo: (type) => type.startsWith("alicloud:"),
    check(r) {
      const tags = tagsOf(r.props);
      if (!taggable.has(r.type) && r.props.tags === undefined) return [];
      if (isUnknown(tags)) return [];
      const t = tags ?? {};
      const missing: string[] = REQUIRED_TAGS.filter((k) => !t[k]);
      const out: string[] = [];
      const env = t.environment;
      if (env && !(ENVIRONMENTS as readonly string[]).includes(env)) {
        out.push(`${r.name}: environment tag ${JSON.stringify(env)} is not one of ${ENVIRONMENTS.join(", ")}`);
      }
      if (env === "test") {
        missing.push(...REQUIRED_TEST_TAGS.filter((k) => !t[k]));
        const exp = t["expires-at"];
        if (exp && isNaN(Date.parse(exp))) out.push(`${r.name}: expires-at tag ${JSON.stringify(exp)} is not a date`);
      }
      if (missing.length > 0) out.unshift(`${r.name}: ${r.type} lacks tag(s) ${missing.join(", ")}`);
      const stack = stackOfUrn(r.urn);
      if (stack && t.stack && t.stack !== stack) out.push(`${r.name}: stack tag ${JSON.stringify(t.stack)} but the resource belongs to stack ${stack}`);
      return out;
    },
  };
}

// --- 7. meta hosts ----------------------------------------------------------------------------

export const metaDeleteBeforeReplace: ResourceRule = {
  name: "meta-delete-before-replace",
  description: "ECS instances tagged role=meta are deleteBeforeReplace (their fixed private IP must be free for the replacement).",
  appliesTo: (type) => type === T.instance,
  check(r) {
    if (!tagsHaveRole(r, ROLE_TAG_VALUE.meta) || r.opts.deleteBeforeReplace === true) return [];
    return [`${r.name}: meta host without deleteBeforeReplace; its replacement could not take the fixed private IP`];
  },
};

// --- 8. load balancers -----------------------------------------------------------------------

/**
 * Rule 8a: the CeresMeta load balancer (tagged `role=lb-meta`) is internal in every environment
 * class: behind it are the etcd client port and CeresMeta's gRPC, which must never face the
 * internet. A missing address type is refused too: CreateLoadBalancer's AddressType defaults to
 * internet (terraform-provider-alicloud resource_alicloud_slb_load_balancer.go leaves it to the
 * API; NLB's address_type Internet/Intranet, resource_alicloud_nlb_load_balancer.go).
 */
export const metaLoadBalancerInternal: ResourceRule = {
  name: "meta-load-balancer-internal",
  description: "The CeresMeta load balancer (role=lb-meta) is intranet in every environment class.",
  appliesTo: (type) => type === T.clb || type === T.clbLegacy || type === T.nlb,
  check(r) {
    if (!tagsHaveRole(r, "lb-meta")) return [];
    const t = r.props.addressType;
    if (isUnknown(t)) return [];
    if (typeof t === "string" && t.toLowerCase() === "intranet") return [];
    return [`${r.name}: CeresMeta load balancer with address type ${t === undefined ? "unset (the API's default is internet)" : JSON.stringify(t)}; it must be intranet (etcd and CeresMeta gRPC never face the internet)`];
  },
};

// --- the rule set -----------------------------------------------------------------------------

export function resourceRules(taggable: ReadonlySet<string>): ResourceRule[] {
  return [
    noPublicSsh,
    ecsDeletionProtection,
    protectData,
    ossVersioning,
    ossEncryption,
    ossPrivateAcl,
    diskEncryption,
    ramOssLeastPrivilege,
    containerUploadsSecret,
    requiredTagsRule(taggable),
    metaDeleteBeforeReplace,
    metaLoadBalancerInternal,
  ];
}

export const STACK_RULES: StackRule[] = [metaPortsRestricted, serverHttpRestricted];

export interface RuleViolation extends Violation {
  rule: string;
  resource: string;
}

/**
 * Every rule on a whole stack (resource rules on each resource, then stack rules). For tests and
 * offline checks; the policy pack runs the same functions through the engine.
 */
export function evaluateStack(
  resources: StackRuleResource[],
  taggable: ReadonlySet<string>,
  config?: MetaPortsConfig,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const rule of resourceRules(taggable)) {
    for (const r of resources) {
      if (!rule.appliesTo(r.type)) continue;
      for (const message of rule.check(r)) out.push({ rule: rule.name, resource: r.name, urn: r.urn, message });
    }
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
  for (const rule of STACK_RULES) {
    for (const v of rule.check(resources, config)) out.push({ rule: rule.name, resource: byUrn.get(v.urn ?? "") ?? "", ...v });
  }
  return out;
}
