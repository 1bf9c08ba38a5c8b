/**
 * The provider rules a user can reach through settings, checked before any resource exists:
 * every derived name against its resource's rules, and the tags every resource would carry
 * (the program's own included) against the tag limits of ECS/VPC/RAM and of OSS. Each problem
 * names the setting to change, the value given and what is allowed. Called once by buildSpec.
 */
import type { SettingProblem } from "../model/problems";
import { qualified } from "../model/settings";
import { derivedNames, NameInputs } from "./names";
import { checkRule, checkTags, ECS_TAG_LIMITS, OSS_TAG_LIMITS, propertyContract, TagLimits } from "./providers";

export interface SpecContractInputs extends Omit<NameInputs, "hostNames"> {
  /** `ceresdb:resourcePrefix` was set (false: derived from the stack name). */
  prefixGiven: boolean;
  metaCount: number;
  nodeCount: number;
  /** `ceresdb:tags` as given. */
  userTags: Record<string, string>;
  /** Every resource's tags: user tags plus the stack's managed tags. */
  tags: Record<string, string>;
  /** Problems found so far: a setting already refused is not refused again for its consequences. */
  reported: readonly SettingProblem[];
}

/** Tag keys the program adds itself on some resources (hosts, disks, security groups). */
export const PROGRAM_TAG_KEYS = ["role", "host"] as const;

const STACK_NAME = "the Pulumi stack name";

/** Which setting a managed tag's value comes from. */
const MANAGED_TAG_SETTING: Record<string, string> = {
  owner: qualified("owner"),
  "expires-at": qualified("expiresAt"),
  environment: qualified("environment"),
  stack: STACK_NAME,
};

export function specContractProblems(i: SpecContractInputs): SettingProblem[] {
  const out: SettingProblem[] = [];
  const refused = new Set(i.reported.map((p) => p.setting));
  out.push(...nameProblems(i, refused));
  out.push(...tagProblems(i));
  return out;
}

function nameProblems(i: SpecContractInputs, refused: Set<string>): SettingProblem[] {
  const hostNames = [
    ...Array.from({ length: Math.max(0, i.metaCount) }, (_, k) => `meta-${k}`),
    ...Array.from({ length: Math.max(0, i.nodeCount) }, (_, k) => `node-${k}`),
  ];
  const out = new Map<string, SettingProblem>();
  for (const n of derivedNames({ ...i, hostNames })) {
    const pc = propertyContract(n.type, n.property);
    for (const rule of pc?.rules ?? []) {
      const bad = checkRule(rule, n.value);
      if (bad === undefined) continue;
      const setting = n.settings.length > 0 ? qualified(n.settings[0]) : STACK_NAME;
      if (n.settings.some((s) => refused.has(qualified(s)))) continue;
      // One problem per setting and input: 500 nodes with the same bad prefix are one mistake.
      const key = `${setting}\t${n.type}\t${n.property}`;
      if (out.has(key)) continue;
      const given = setting === qualified("resourcePrefix") ? i.prefix : setting === qualified("bucketName") ? i.bucket : setting === qualified("bucketPrefix") ? i.bucketPrefix : setting === STACK_NAME ? i.stack : undefined;
      const defaulted = setting === qualified("resourcePrefix") && !i.prefixGiven ? " (the default is derived from the stack name; set ceresdb:resourcePrefix)" : "";
      out.set(key, {
        setting,
        given,
        allowed: `a value that gives ${n.type} ${n.property} ${JSON.stringify(n.value)} ${bad}${defaulted}`,
      });
    }
  }
  return [...out.values()];
}

/** Tags already refused by buildTags (reserved key prefixes, 128 characters), not repeated here. */
function refusedByBuildTags(k: string, v: string): boolean {
  return /^(aliyun|acs:)/i.test(k) || k.length > 128 || v.length > 128;
}

function tagProblems(i: SpecContractInputs): SettingProblem[] {
  const out: SettingProblem[] = [];
  const TAGS = qualified("tags");
  const userKeys = Object.keys(i.userTags);
  for (const k of userKeys) {
    if ((PROGRAM_TAG_KEYS as readonly string[]).includes(k)) {
      out.push({ setting: TAGS, given: k, allowed: `tag keys other than ${PROGRAM_TAG_KEYS.join(" and ")} (the stack tags hosts, disks and security groups with them)` });
    }
  }
  const managed = Object.keys(i.tags).filter((k) => !userKeys.includes(k));
  const limitsFor: [string, TagLimits, boolean][] = [
    ["hosts, disks and security groups", ECS_TAG_LIMITS, true],
    ...(i.createBucket ? ([["the OSS bucket", OSS_TAG_LIMITS, false]] as [string, TagLimits, boolean][]) : []),
  ];
  for (const [where, limits, withProgramTags] of limitsFor) {
    const own = managed.length + (withProgramTags ? PROGRAM_TAG_KEYS.length : 0);
    const room = limits.maxCount - own;
    if (userKeys.length > room) {
      out.push({
        setting: TAGS,
        given: `${userKeys.length} tags`,
        allowed: `at most ${Math.max(0, room)} tags: ${limits.maxCount} per resource on ${where}, ${own} of them the stack's own (${[...managed, ...(withProgramTags ? PROGRAM_TAG_KEYS : [])].join(", ")})${where === "the OSS bucket" ? "; or createBucket: false with an existing bucket" : ""}`,
      });
    }
  }
  // One problem per tag, with what each kind of resource refuses about it.
  for (const [k, v] of Object.entries(i.tags)) {
    const isUser = userKeys.includes(k);
    const bad: string[] = [];
    for (const [where, limits] of limitsFor) {
      if (isUser && limits === ECS_TAG_LIMITS && refusedByBuildTags(k, v)) continue;
      for (const b of checkTags({ [k]: v }, { ...limits, maxCount: Infinity })) {
        const text = `${b} (${where})`;
        if (!bad.some((x) => x.startsWith(b))) bad.push(text);
      }
    }
    if (bad.length === 0) continue;
    const setting = isUser ? TAGS : (MANAGED_TAG_SETTING[k] ?? TAGS);
    out.push({ setting, given: isUser ? `${k}=${v}` : v, allowed: `a tag the API accepts: ${bad.join("; ")}` });
  }
  return out;
}
