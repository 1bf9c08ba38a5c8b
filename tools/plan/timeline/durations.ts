/**
 * How long each resource operation takes, in seconds, for the timeline. These are estimates, not
 * contracts: nothing here is measured against Alibaba Cloud (it cannot run here). They are the
 * defaults documented in docs/plan.md ("Timeline"); a cluster's own figures replace them with
 * `--durations FILE` (JSON, same shape as a rule) or `--duration <type>[#<name suffix>].<op>=<seconds>`.
 */

/** What the engine does with a resource in one `pulumi up`. */
export type Operation = "create" | "update" | "restart" | "replace" | "delete" | "same";

export interface DurationRule {
  /** Resource type token. */
  type: string;
  /** Only resources whose name ends with this (commands are told apart by name). */
  nameSuffix?: string;
  /** What the time is spent on (shown in the critical path). */
  label: string;
  create: number;
  update: number;
  /** An in-place change that stops and starts the resource (ECS instance type); default `update`. */
  restart?: number;
  delete: number;
}

const INSTANCE = "alicloud:ecs/instance:Instance";
const REMOTE = "command:remote:Command";
const LOCAL = "command:local:Command";

/** Defaults; the first matching rule wins (suffix rules before the type's catch-all). */
export const DEFAULT_DURATIONS: readonly DurationRule[] = [
  { type: INSTANCE, label: "ECS create (to Running)", create: 60, update: 5, restart: 90, delete: 30 },
  { type: REMOTE, nameSuffix: "-host-ready", label: "cloud-init (host ready marker)", create: 180, update: 5, delete: 1 },
  { type: REMOTE, nameSuffix: "-host-setup", label: "host setup over SSH", create: 20, update: 20, delete: 1 },
  { type: REMOTE, nameSuffix: "-guard", label: "bootstrap guard", create: 5, update: 5, delete: 1 },
  { type: REMOTE, nameSuffix: "-gate", label: "gate: container running (create) / health wait (update)", create: 10, update: 40, delete: 1 },
  { type: REMOTE, label: "remote command", create: 5, update: 5, delete: 1 },
  // No `create` command: creating it returns at once (pulumi-command v1.2.1 local Create). Its update
  // polls until its own service has recorded the new revision (graph.ts adds those waits); the
  // 10 s is one poll interval after that (components/render/scripts/roll-wait.sh).
  { type: LOCAL, nameSuffix: "-roll", label: "roll gate: waits for its service's new revision", create: 0, update: 10, delete: 0 },
  { type: LOCAL, label: "local command", create: 2, update: 2, delete: 0 },
  { type: "docker:index/remoteImage:RemoteImage", label: "image pull", create: 60, update: 60, delete: 5 },
  { type: "docker:index/container:Container", label: "container start", create: 10, update: 5, restart: 15, delete: 10 },
  { type: "alicloud:ecs/ecsDisk:EcsDisk", label: "disk create", create: 10, update: 10, delete: 10 },
  { type: "alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment", label: "disk attach", create: 10, update: 10, delete: 10 },
  { type: "alicloud:vpc/natGateway:NatGateway", label: "NAT gateway create", create: 60, update: 10, delete: 60 },
  { type: "alicloud:vpc/network:Network", label: "VPC create", create: 10, update: 5, delete: 10 },
  { type: "alicloud:vpc/switch:Switch", label: "vSwitch create", create: 10, update: 5, delete: 10 },
  { type: "alicloud:vpc/snatEntry:SnatEntry", label: "SNAT entry", create: 10, update: 5, delete: 10 },
  { type: "alicloud:ecs/eipAddress:EipAddress", label: "EIP allocate", create: 5, update: 5, delete: 5 },
  { type: "alicloud:ecs/eipAssociation:EipAssociation", label: "EIP associate", create: 10, update: 10, delete: 10 },
  { type: "alicloud:oss/bucket:Bucket", label: "OSS bucket", create: 5, update: 5, delete: 5 },
  { type: "alicloud:ram/accessKey:AccessKey", label: "RAM access key", create: 3, update: 3, delete: 3 },
];

/** Anything else (security groups, rules, RAM, key pairs, dynamic resources): a quick API call. */
export const OTHER_CUSTOM: Omit<DurationRule, "type"> = { label: "API call", create: 3, update: 3, delete: 3 };

/** Components and providers: no cloud operation (a provider is configured, not created). */
export const NO_OPERATION: Omit<DurationRule, "type"> = { label: "no cloud operation", create: 0, update: 0, delete: 0 };

export class DurationTable {
  constructor(readonly rules: readonly DurationRule[] = DEFAULT_DURATIONS) {}

  rule(type: string, name: string, custom: boolean): Omit<DurationRule, "type"> {
    const r = this.rules.find((x) => x.type === type && (x.nameSuffix === undefined || name.endsWith(x.nameSuffix)));
    if (r) return r;
    if (!custom || type.startsWith("pulumi:providers:")) return NO_OPERATION;
    return OTHER_CUSTOM;
  }

  /**
   * Seconds of one step. `replace` is one step here when `deleteBeforeReplace` (delete, then
   * create); otherwise the create, and the old resource's delete runs after all other steps.
   */
  seconds(type: string, name: string, custom: boolean, op: Operation, deleteBeforeReplace = false): number {
    const r = this.rule(type, name, custom);
    switch (op) {
      case "same":
        return 0;
      case "create":
        return r.create;
      case "update":
        return r.update;
      case "restart":
        return r.restart ?? r.update;
      case "delete":
        return r.delete;
      case "replace":
        return deleteBeforeReplace ? r.delete + r.create : r.create;
    }
  }

  /** Rules from `overrides` first (so they win), then these. */
  with(overrides: readonly DurationRule[]): DurationTable {
    return new DurationTable([...overrides, ...this.rules]);
  }
}

const OPS = ["create", "update", "restart", "delete"] as const;

/** Checks one rule from a --durations file; every problem, naming the entry. */
export function parseDurationRules(v: unknown, where: string): { rules: DurationRule[]; problems: string[] } {
  const problems: string[] = [];
  const rules: DurationRule[] = [];
  if (!Array.isArray(v)) return { rules, problems: [`${where}: want a JSON array of rules {type, nameSuffix?, create, update, restart?, delete}`] };
  v.forEach((x, i) => {
    const at = `${where}[${i}]`;
    if (typeof x !== "object" || x === null) {
      problems.push(`${at}: want an object`);
      return;
    }
    const o = x as Record<string, unknown>;
    if (typeof o.type !== "string" || o.type === "") problems.push(`${at}.type: want a resource type token, got ${JSON.stringify(o.type)}`);
    if (o.nameSuffix !== undefined && typeof o.nameSuffix !== "string") problems.push(`${at}.nameSuffix: want a string`);
    for (const op of OPS) {
      const s = o[op];
      if (s === undefined && op === "restart") continue;
      if (typeof s !== "number" || !Number.isFinite(s) || s < 0) problems.push(`${at}.${op}: want seconds >= 0, got ${JSON.stringify(s)}`);
    }
    rules.push({
      type: String(o.type),
      ...(typeof o.nameSuffix === "string" ? { nameSuffix: o.nameSuffix } : {}),
      label: typeof o.label === "string" ? o.label : `${String(o.type)} (from ${where})`,
      create: Number(o.create),
      update: Number(o.update),
      ...(o.restart !== undefined ? { restart: Number(o.restart) } : {}),
      delete: Number(o.delete),
    });
  });
  return { rules, problems };
}

/**
 * `--duration <type>[#<suffix>].<op>=<seconds>`: one operation of one rule, the others taken from
 * the table's current rule for that type and suffix.
 */
export function parseDurationFlag(flag: string, table: DurationTable): DurationRule {
  const m = /^(.+?)(?:#([^.=]+))?\.(create|update|restart|delete)=(\d+(?:\.\d+)?)$/.exec(flag);
  if (!m) throw new Error(`--duration wants <type>[#<name suffix>].<create|update|restart|delete>=<seconds>, got "${flag}"`);
  const [, type, suffix, op, secs] = m;
  const base = table.rules.find((r) => r.type === type && r.nameSuffix === suffix) ?? { ...OTHER_CUSTOM, type, ...(suffix ? { nameSuffix: suffix } : {}) };
  return { ...base, type, ...(suffix ? { nameSuffix: suffix } : {}), [op]: Number(secs) };
}
