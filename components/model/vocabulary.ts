/**
 * The words the program, the policy pack (policy/rules.ts) and teardown (tools/teardown/decide.ts)
 * share: environment classes, roles, managed tag keys, default ports, the OSS actions of the data
 * user, the bucket-name rule. Each is defined here once; every other place imports it, so the three
 * can never disagree on what, say, a protected environment is. Pure: no Pulumi, no I/O, no imports,
 * because the policy pack loads it from outside the program.
 */

// --- Environment classes --------------------------------------------------------------------

/** Environment classes, strictest first (the policy pack takes the first one a stack carries). */
export const ENVIRONMENT_CLASSES = ["prod", "staging", "test"] as const;
export type EnvironmentClass = (typeof ENVIRONMENT_CLASSES)[number];

/** The class of a stack (or resource) that does not say: the strictest, so nothing is unprotected by omission. */
export const DEFAULT_ENVIRONMENT: EnvironmentClass = "prod";

/**
 * Classes whose data must survive: protected data, deletion protection, OSS versioning in the
 * program; the matching rules in the policy pack; never destroyed by teardown.
 */
export const DURABLE_ENVIRONMENTS: readonly EnvironmentClass[] = ["prod", "staging"];

export function isEnvironmentClass(v: string | undefined): v is EnvironmentClass {
  return (ENVIRONMENT_CLASSES as readonly string[]).includes(v ?? "");
}

export function isDurableEnvironment(env: EnvironmentClass): boolean {
  return DURABLE_ENVIRONMENTS.includes(env);
}

// --- Roles ------------------------------------------------------------------------------------

/**
 * The two roles of a host. The model calls the CeresDB role `node` (spec.nodes, NodeSpec,
 * `ceresdb:nodeCount`, hosts `node-<i>`).
 */
export const ROLES = ["meta", "node"] as const;
export type Role = (typeof ROLES)[number];

/**
 * The role as cloud resources and containers carry it (the `role` tag of instances and security
 * groups, security group names `<prefix>-<word>`, the `ceresdb.role` container label). The CeresDB
 * word there is `server`: those values are already in deployed stacks' state and cloud names, and
 * a security group renamed is a security group replaced, so they keep it.
 */
export const ROLE_TAG_VALUE = { meta: "meta", node: "server" } as const satisfies Record<Role, string>;
/** A host's role in that word: what hosts, containers and the renderers of their files say. */
export type HostRole = (typeof ROLE_TAG_VALUE)[Role];

// --- Tags -------------------------------------------------------------------------------------

/** Tag keys the stack sets on every taggable resource. */
export const TAG = {
  managedBy: "managed-by",
  stack: "stack",
  environment: "environment",
  owner: "owner",
  expiresAt: "expires-at",
  role: "role",
} as const;

/** Value of the `managed-by` tag. */
export const MANAGED_BY = "ceresdb-cluster";

/** Tags every taggable resource carries, whatever its class. */
export const ALWAYS_TAGS = [TAG.managedBy, TAG.stack, TAG.environment] as const;
/** Tags every test-class resource carries besides (whom to ask, when it may go). */
export const TEST_TAGS = [TAG.owner, TAG.expiresAt] as const;
/** Tags the stack sets itself: a user's `ceresdb:tags` may not override them. */
export const MANAGED_TAG_KEYS = [...ALWAYS_TAGS, ...TEST_TAGS] as const;

// --- Ports ------------------------------------------------------------------------------------

/** Default ports (`ceresdb:ports`), the images' own defaults (../shared/reference/ceresdb-config.md). */
export const DEFAULT_PORTS = {
  grpc: 8831,
  http: 5440,
  mysql: 3307,
  postgresql: 5433,
  metaClient: 2379,
  metaPeer: 2380,
  metaHttp: 8080,
} as const;
export type PortName = keyof typeof DEFAULT_PORTS;

/** SSH: never a service port, only ever open to admin CIDRs and the bastion. */
export const SSH_PORT = 22;

/**
 * Node exporter (Ubuntu 22.04's prometheus-node-exporter listens on :9100; its /etc/default ARGS
 * leave --web.listen-address unset): read-only host metrics, open only to the monitoring source.
 */
export const NODE_EXPORTER_PORT = 9100;

// --- OSS --------------------------------------------------------------------------------------

/**
 * Object actions the CeresDB nodes' RAM user is granted on `<bucket>/<prefix>/*`: what CeresDB's
 * object store does (get and head, put including multipart, delete).
 */
export const OSS_OBJECT_ACTIONS = [
  "oss:GetObject",
  "oss:PutObject",
  "oss:DeleteObject",
  "oss:AbortMultipartUpload",
  "oss:ListParts",
] as const;

/**
 * Object actions the policy pack tolerates besides, in a hand-written or imported policy, though
 * the program never grants them: `oss:GetObjectMeta` reads only what `oss:GetObject` already
 * allows (OSS authorizes the GetObjectMeta and HeadObject APIs with oss:GetObject: Alibaba Cloud
 * OSS API reference, GetObjectMeta, "Usage notes"), so it widens nothing.
 */
export const OSS_TOLERATED_OBJECT_ACTIONS = ["oss:GetObjectMeta"] as const;

/** Bucket-level listing; granted only with an `oss:Prefix` condition on the cluster's prefix. */
export const OSS_LIST_ACTIONS = ["oss:ListObjects", "oss:ListMultipartUploads"] as const;

/**
 * OSS bucket names: 3 to 63 lowercase letters, digits and hyphens, starting and ending with a
 * letter or digit (OSS bucket naming rules). As a pattern source, so the policy pack can embed it
 * in its ARN patterns.
 */
export const BUCKET_NAME_PATTERN = "[a-z0-9][a-z0-9-]{1,61}[a-z0-9]";

/** The full rule: the pattern, and no two hyphens in a row (the program has always refused `--` as well). */
export function isBucketName(name: string): boolean {
  return new RegExp(`^${BUCKET_NAME_PATTERN}$`).test(name) && !name.includes("--");
}

/**
 * How metrics are scraped (`ceresdb:monitoring`, docs/monitoring.md): Alibaba Cloud's managed
 * Prometheus, the user's own Prometheus at `monitoringCidrs`, or nothing.
 */
export const MONITORING_MODES = ["arms", "external", "off"] as const;
export type MonitoringMode = (typeof MONITORING_MODES)[number];
