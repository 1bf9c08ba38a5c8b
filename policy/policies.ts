/**
 * The rules of policy/rules.ts as @pulumi/policy policies. Kept apart from index.ts because
 * `new PolicyPack` starts serving at once; tests import this module instead.
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  DEFAULT_META_HTTP_PORT,
  DEFAULT_SERVER_HTTP_PORT,
  MetaPortsConfig,
  ResourceRule,
  resourceRules,
  RuleResourceOptions,
  STACK_RULES,
  StackRule,
  StackRuleResource,
  UNKNOWN,
} from "./rules";
import { TAGGABLE_ALICLOUD_TYPES } from "./taggableTypes";

/**
 * A plain copy of engine-provided properties. @pulumi/policy wraps them in a proxy that throws an
 * UnknownValueError on reading a value unknown during preview (which would turn a whole policy
 * advisory); here such values become UNKNOWN and each rule decides.
 */
export function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(read(() => v[i]));
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = read(() => (v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function read(get: () => unknown): unknown {
  try {
    return toPlain(get());
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
}

/** @pulumi/policy's UnknownValueError (exported by its JS but not its typings). */
function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && e.constructor?.name === "UnknownValueError";
}

function ruleOpts(opts: PolicyResourceOptions | undefined): RuleResourceOptions {
  return {
    protect: opts?.protect,
    deleteBeforeReplace: opts?.deleteBeforeReplace,
    additionalSecretOutputs: opts?.additionalSecretOutputs ?? [],
  };
}

export function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!rule.appliesTo(args.type)) return;
      const props = toPlain(args.props) as Record<string, unknown>;
      for (const message of rule.check({ type: args.type, name: args.name, urn: args.urn, props, opts: ruleOpts(args.opts) })) {
        report(message);
      }
    },
  };
}

/** A stack resource as the rules see it: plain props, property dependencies as URNs. */
export function fromPolicyResource(r: PolicyResource): StackRuleResource {
  const props = toPlain(r.props) as Record<string, unknown>;
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of Object.entries(r.propertyDependencies ?? {})) propertyDependencies[k] = deps.map((d) => d.urn);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    id: typeof props.id === "string" ? props.id : undefined,
    props,
    opts: ruleOpts(r.opts),
    propertyDependencies,
  };
}

export const META_PORTS_CONFIG_SCHEMA = {
  properties: {
    metaHttpPort: {
      type: "integer" as const,
      default: DEFAULT_META_HTTP_PORT,
      description: "CeresMeta HTTP port (ceresdb:ports.metaHttp): the only meta port admin CIDRs may reach.",
    },
    adminCidrs: {
      type: "array" as const,
      items: { type: "string" as const },
      description: "When set, the only CIDRs the CeresMeta HTTP port may be open to (ceresdb:adminCidrs).",
    },
  },
};

export const SERVER_HTTP_CONFIG_SCHEMA = {
  properties: {
    serverHttpPort: {
      type: "integer" as const,
      default: DEFAULT_SERVER_HTTP_PORT,
      description: "CeresDB HTTP port (ceresdb:ports.http), which serves the config with its secrets.",
    },
    adminCidrs: {
      type: "array" as const,
      items: { type: "string" as const },
      description: "When set, the CIDRs that may reach the CeresDB HTTP port (ceresdb:adminCidrs), with monitoringCidrs.",
    },
    monitoringCidrs: {
      type: "array" as const,
      items: { type: "string" as const },
      description: "CIDRs of a monitoring source that may also reach the CeresDB HTTP port (only with adminCidrs).",
    },
  },
};

const STACK_CONFIG_SCHEMAS: Record<string, typeof META_PORTS_CONFIG_SCHEMA | typeof SERVER_HTTP_CONFIG_SCHEMA> = {
  "server-http-restricted": SERVER_HTTP_CONFIG_SCHEMA,
};

export function stackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: STACK_CONFIG_SCHEMAS[rule.name] ?? META_PORTS_CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = args.getConfig<MetaPortsConfig>();
      for (const v of rule.check(args.resources.map(fromPolicyResource), config)) report(v.message, v.urn);
    },
  };
}

/** Every policy of the pack: 11 resource policies and 2 stack policies. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...resourceRules(TAGGABLE_ALICLOUD_TYPES).map(resourcePolicy),
  ...STACK_RULES.map(stackPolicy),
];
