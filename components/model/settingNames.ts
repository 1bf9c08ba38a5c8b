/**
 * Keys in the `ceresdb:` namespace that the settings table does not declare. Neither the Pulumi
 * CLI (it validates only declared keys: sdk/go/common/workspace/config.go at v3.248.0,
 * validateStackConfigValues loops over project.Config) nor `pulumi.Config.get` complains about an
 * undeclared key, so a typo would silently fall back to the default. Pure.
 */
import { SettingProblem } from "./problems";
import { NAMESPACE, SETTING_NAMES, SettingName } from "./settings";

/** Levenshtein distance (insert, delete, substitute: 1 each). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The declared setting a mistyped name most likely meant: the one equal ignoring case, else the
 * one at the smallest edit distance ignoring case (ties: table order, so the answer is stable).
 */
export function closestSetting(name: string): SettingName {
  const lower = name.toLowerCase();
  const sameCase = SETTING_NAMES.find((n) => n.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best = SETTING_NAMES[0];
  let bestDistance = Infinity;
  for (const n of SETTING_NAMES) {
    const d = editDistance(lower, n.toLowerCase());
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

/** Full config keys (`ceresdb:nodeCont`) in our namespace that are not declared settings, sorted. */
export function undeclaredKeys(keys: Iterable<string>): string[] {
  const declared = new Set<string>(SETTING_NAMES);
  const out = new Set<string>();
  for (const key of keys) {
    const colon = key.indexOf(":");
    if (colon < 0 || key.slice(0, colon) !== NAMESPACE) continue;
    if (!declared.has(key.slice(colon + 1))) out.add(key);
  }
  return [...out].sort();
}

export function undeclaredKeyProblem(key: string): SettingProblem {
  const name = key.slice(key.indexOf(":") + 1);
  const closest = closestSetting(name);
  return {
    setting: key,
    given: "an undeclared setting",
    allowed: `a setting Pulumi.yaml declares; did you mean ${NAMESPACE}:${closest}? Remove it with \`pulumi config rm ${key}\` (otherwise it is silently ignored)`,
  };
}
