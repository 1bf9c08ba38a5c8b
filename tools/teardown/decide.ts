/**
 * Teardown decisions: a pure function from (stack name, its settings, now, mode) to
 * "destroy" or "skip, with a reason". No I/O here, so every rule is unit tested.
 *
 * Settings come from two places, and both are read:
 *  - stack config (`ceresdb:environment`, `ceresdb:expiresAt`, `ceresdb:owner`), which lives in
 *    `Pulumi.<stack>.yaml` in the working directory (not in the state backend), and
 *  - stack tags of the same names, which live in the state backend. CI sets both when it creates a
 *    `test-pr-<n>` stack, so a scheduled job on a fresh checkout (no `Pulumi.test-pr-<n>.yaml`)
 *    still sees the expiry.
 * When both are present and disagree, the stack is skipped: a teardown tool must never guess.
 */

import { DEFAULT_ENVIRONMENT, DURABLE_ENVIRONMENTS, ENVIRONMENT_CLASSES, EnvironmentClass } from "../../components/model/vocabulary";

/** Config / tag key names (namespace `ceresdb:`), as decided by the team. */
export const ENVIRONMENT_KEY = "ceresdb:environment";
export const EXPIRES_AT_KEY = "ceresdb:expiresAt";
export const OWNER_KEY = "ceresdb:owner";

/** The classes are the program's and the policy pack's (components/model/vocabulary.ts). */
export type Environment = EnvironmentClass;
export const ENVIRONMENTS: readonly Environment[] = ENVIRONMENT_CLASSES;
/** The environment of a stack whose `ceresdb:environment` is unset: the safe default. */
export { DEFAULT_ENVIRONMENT };
/** Environments that teardown refuses whatever the mode: the durable ones. */
export const PROTECTED_ENVIRONMENTS: readonly Environment[] = DURABLE_ENVIRONMENTS;

/** How the stack was selected: every stack (`--expired`) or one named stack (`--stack NAME`). */
export type TeardownMode = "expired" | "named";

export type SkipReason =
  | "prod-staging-refused"
  | "not-test-class"
  | "unknown-environment"
  | "conflicting-settings"
  | "no-expiry"
  | "malformed-expiry"
  | "not-yet-expired";

export interface StackConfigAndTags {
  /** Stack config values by full key (`ceresdb:environment`), secrets excluded. */
  config: Readonly<Record<string, string>>;
  /** Stack tags by name. */
  tags: Readonly<Record<string, string>>;
  /** Set when the stack config could not be read; the decision then rests on tags alone. */
  configError?: string;
}

export interface DecisionInput {
  /** Stack name as the backend lists it (may be `org/project/stack`). */
  stack: string;
  settings: StackConfigAndTags;
  now: Date;
  mode: TeardownMode;
}

export type Decision =
  | {
      action: "destroy";
      stack: string;
      environment: Environment;
      owner?: string;
      expiresAt?: string;
      detail: string;
    }
  | {
      action: "skip";
      stack: string;
      reason: SkipReason;
      environment?: string;
      owner?: string;
      expiresAt?: string;
      detail: string;
    };

/**
 * ISO-8601 UTC timestamp: `YYYY-MM-DDTHH:MM[:SS[.fff]]Z`. A zone other than `Z` is refused so
 * that an expiry never depends on the clock of the machine that reads it.
 */
const ISO_UTC_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z$/;

/** Parses an ISO-8601 UTC timestamp strictly; returns undefined if malformed or not a real date. */
export function parseExpiry(value: string): Date | undefined {
  const m = ISO_UTC_RE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const d = new Date(t);
  // Reject roll-overs such as 2026-02-30 or 25:00.
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return d;
}

/** The bare stack name: `org/project/stack` → `stack`. */
export function bareStackName(stack: string): string {
  const parts = stack.split("/");
  return parts[parts.length - 1];
}

/** Stack names that are refused by name alone, whatever their settings say. */
export function isProtectedStackName(stack: string): boolean {
  const bare = bareStackName(stack).toLowerCase();
  return /(^|[-_.])(prod|production|staging|stage)([-_.]|$)/.test(bare);
}

type Lookup =
  | { kind: "unset" }
  | { kind: "value"; value: string }
  | { kind: "conflict"; config: string; tag: string };

function lookup(settings: StackConfigAndTags, key: string): Lookup {
  const c = settings.config[key]?.trim();
  const t = settings.tags[key]?.trim();
  const hasC = c !== undefined && c !== "";
  const hasT = t !== undefined && t !== "";
  if (hasC && hasT && c !== t) return { kind: "conflict", config: c, tag: t };
  if (hasC) return { kind: "value", value: c };
  if (hasT) return { kind: "value", value: t };
  return { kind: "unset" };
}

/** Decides what teardown does with one stack. Pure: same input, same answer. */
export function decideTeardown(input: DecisionInput): Decision {
  const { stack, settings, now, mode } = input;
  const envL = lookup(settings, ENVIRONMENT_KEY);
  const ownerL = lookup(settings, OWNER_KEY);
  const expL = lookup(settings, EXPIRES_AT_KEY);
  const owner = ownerL.kind === "value" ? ownerL.value : undefined;
  const expiresAt = expL.kind === "value" ? expL.value : undefined;
  const note = settings.configError ? ` (config unreadable, tags only: ${settings.configError})` : "";
  const skip = (reason: SkipReason, detail: string, environment?: string): Decision => ({
    action: "skip",
    stack,
    reason,
    environment,
    owner,
    expiresAt,
    detail: detail + note,
  });
  const destroy = (detail: string): Decision => ({ action: "destroy", stack, environment: "test", owner, expiresAt, detail });

  // 1. Names that look like prod/staging are refused before anything else is read.
  if (isProtectedStackName(stack)) {
    return skip(
      "prod-staging-refused",
      `stack name "${bareStackName(stack)}" is a prod/staging name; teardown never destroys it`,
      envL.kind === "value" ? envL.value : undefined,
    );
  }

  // 2. Environment: config and tag must agree; unset means prod (the safe default).
  if (envL.kind === "conflict") {
    return skip(
      "conflicting-settings",
      `${ENVIRONMENT_KEY} is "${envL.config}" in config but "${envL.tag}" in stack tags`,
    );
  }
  const rawEnv = envL.kind === "value" ? envL.value : undefined;
  const environment = rawEnv ?? DEFAULT_ENVIRONMENT;
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    return skip(
      "unknown-environment",
      `${ENVIRONMENT_KEY} is "${environment}", not one of ${ENVIRONMENTS.join("/")}`,
      environment,
    );
  }
  if ((PROTECTED_ENVIRONMENTS as readonly string[]).includes(environment)) {
    const why = rawEnv === undefined ? `${ENVIRONMENT_KEY} is unset, which means ${DEFAULT_ENVIRONMENT}` : `environment is ${environment}`;
    return skip("prod-staging-refused", `${why}; teardown never destroys prod or staging`, environment);
  }
  if (environment !== "test") {
    return skip("not-test-class", `environment is ${environment}, only test stacks are torn down`, environment);
  }

  // 3. A named stack (`--stack NAME`) of the test class is destroyed on request, expiry or not.
  if (mode === "named") return destroy("test stack named with --stack");

  // 4. `--expired`: the expiry must be present, well formed and in the past.
  if (expL.kind === "conflict") {
    return skip(
      "conflicting-settings",
      `${EXPIRES_AT_KEY} is "${expL.config}" in config but "${expL.tag}" in stack tags`,
      environment,
    );
  }
  if (expL.kind === "unset") {
    return skip("no-expiry", `test stack without ${EXPIRES_AT_KEY}; set one or use --stack`, environment);
  }
  const expiry = parseExpiry(expL.value);
  if (expiry === undefined) {
    return skip(
      "malformed-expiry",
      `${EXPIRES_AT_KEY} "${expL.value}" is not an ISO-8601 UTC timestamp like 2026-12-01T00:00:00Z`,
      environment,
    );
  }
  if (expiry.getTime() > now.getTime()) {
    return skip("not-yet-expired", `expires ${expiry.toISOString()} (now ${now.toISOString()})`, environment);
  }
  return destroy(`expired ${expiry.toISOString()} (now ${now.toISOString()})`);
}
