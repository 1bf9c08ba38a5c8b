/**
 * Cluster basics: version, environment class, ownership and expiry, region, the resource name
 * prefix, log level and tags. Pure.
 */
import { qualified, REGION_SETTING } from "../settings";
import { CeresVersion, EnvironmentClass, LogLevel } from "../types";
import { DEFAULT_VERSION, isSupportedVersion, SUPPORTED_VERSIONS } from "../versions";
import { MANAGED_BY, MANAGED_TAG_KEYS, TAG } from "../vocabulary";
import { AreaFindings, Findings, SettingsInput } from "./reader";

export interface ClusterSlice {
  /** A supported version; the default stands in for one refused, so later checks still run. */
  version: CeresVersion;
  environment?: EnvironmentClass;
  region?: string;
  /** Prefix of every resource and cloud-side name. */
  namePrefix: string;
  logLevel?: LogLevel;
  /** `ceresdb:tags` as given (for the provider tag-count rules). */
  userTags?: Record<string, string>;
  /** The user's tags merged with the managed ones. */
  tags: Record<string, string>;
}

const RE = {
  prefix: /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
  region: /^[a-z]{2}-[a-z0-9-]+$/,
};

export function validateCluster(input: SettingsInput): { cluster: ClusterSlice } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;

  const versionText = r.string("version");
  if (!isSupportedVersion(versionText)) {
    f.problem("version", versionText, `supported versions are ${SUPPORTED_VERSIONS.join(", ")}`);
  }
  const version = isSupportedVersion(versionText) ? versionText : DEFAULT_VERSION;

  const environment = r.oneOf("environment");
  const owner = r.optionalString("owner");
  const expiresAt = r.optionalString("expiresAt");
  const expiry = expiresAt === undefined ? undefined : parseUtcTime(expiresAt);
  if (expiresAt !== undefined && expiry === undefined) {
    f.problem("expiresAt", expiresAt, "a real UTC time like 2026-12-01T00:00:00Z");
  }
  if (environment === "test" && expiry !== undefined && input.now !== undefined && expiry.getTime() <= input.now.getTime()) {
    f.warn(
      `${qualified("expiresAt")} ${expiresAt} is already past: this test stack may be torn down by \`npm run teardown -- --expired\`; move ${qualified("expiresAt")} forward to keep it.`,
    );
  }
  if (environment === "test") {
    if (owner === undefined) f.problem("owner", undefined, "test stacks must name an owner (tagged on every resource)");
    if (expiresAt === undefined) {
      f.problem("expiresAt", undefined, "test stacks must have an expiry time, e.g. 2026-12-01T00:00:00Z");
    }
  }

  const region = input.region;
  if (region === undefined || !RE.region.test(region)) {
    f.problem(REGION_SETTING, region, "an Alibaba Cloud region ID such as cn-hangzhou");
  }

  const defaultPrefix = `ceresdb-${input.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 32).replace(/-+$/, "");
  const namePrefix = r.optionalString("resourcePrefix") ?? defaultPrefix;
  if (!RE.prefix.test(namePrefix)) {
    f.problem(
      "resourcePrefix",
      namePrefix,
      "3 to 32 characters: lowercase letters, digits and hyphens, starting with a letter" +
        (input.values.resourcePrefix === undefined ? " (the default is derived from the stack name; set it explicitly)" : ""),
    );
  }

  const logLevel = r.oneOf("logLevel");
  const userTags = r.stringMap("tags");
  const tags = buildTags(userTags, { stack: input.stack, environment, owner, expiresAt }, f);

  return { cluster: { version, environment, region, namePrefix, logLevel, userTags, tags }, ...f.findings };
}

function buildTags(
  user: Record<string, string> | undefined,
  managed: { stack: string; environment?: string; owner?: string; expiresAt?: string },
  f: Findings,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(user ?? {})) {
    if ((MANAGED_TAG_KEYS as readonly string[]).includes(k)) {
      f.problem("tags", k, `tag keys other than ${MANAGED_TAG_KEYS.join(", ")} (set by the stack itself)`);
    } else if (/^(aliyun|acs:)/i.test(k) || k.length > 128 || v.length > 128) {
      f.problem("tags", k, "keys and values up to 128 characters, keys not starting with aliyun or acs:");
    }
    tags[k] = v;
  }
  // How many fit is checked with every resource's own tags counted (components/contracts/specRules.ts).
  tags[TAG.managedBy] = MANAGED_BY;
  tags[TAG.stack] = managed.stack;
  if (managed.environment) tags[TAG.environment] = managed.environment;
  if (managed.owner) tags[TAG.owner] = managed.owner;
  if (managed.expiresAt) tags[TAG.expiresAt] = managed.expiresAt;
  return tags;
}

/** A UTC time like 2026-12-01T00:00:00Z, only if every field is real (no 30 February, no 25:00). */
export function parseUtcTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const same =
    t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  return same ? t : undefined;
}
