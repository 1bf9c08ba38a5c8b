import * as pulumi from "@pulumi/pulumi";
import { undeclaredKeys } from "../model/settingNames";
import { NAMESPACE, SETTINGS, SETTING_NAMES, SettingName } from "../model/settings";

/**
 * The raw stack settings, exactly as the stack holds them: strings, not yet parsed or checked.
 * Validation is left to the pure `buildSpec`, so it can report every problem at once and be
 * tested without Pulumi.
 */
export interface RawSettings {
  project: string;
  stack: string;
  /** `alicloud:region`, the provider's own setting. */
  region?: string;
  /** Non-secret settings that are set, as the raw strings Pulumi stores (lists and maps as JSON). */
  values: Partial<Record<SettingName, string>>;
  /** Secret settings that are set; their values stay Outputs and are never seen here. */
  secrets: Partial<Record<SettingName, pulumi.Output<string>>>;
  /** Secret settings whose value is stored in plain text in the stack file (a mistake to report). */
  plaintextSecrets: SettingName[];
  /** Keys in the `ceresdb:` namespace the stack sets that are no declared setting (typos). */
  undeclaredSettings: string[];
}

/** What the stack's whole config map says, before any value is parsed. Pure. */
export interface ConfigSplit {
  values: Partial<Record<SettingName, string>>;
  /** Secret settings with a non-empty value (the value itself is not part of the split). */
  secretNames: SettingName[];
  plaintextSecrets: SettingName[];
  undeclaredSettings: string[];
}

/**
 * Optional settings are declared in Pulumi.yaml with an empty default ("" or []), because the
 * Pulumi CLI treats a declared setting without a default as required. Empty therefore means unset;
 * so does an empty secret, which is how a stack sets a secret it does not use.
 */
function isUnset(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === "" || value.trim() === "[]";
}

/**
 * Sorts the full config map (`ceresdb:nodeCount` -> raw string, as `pulumi.runtime.allConfig()`
 * gives it) into settings, secrets, secrets held in plain text and undeclared keys. `isSecret`
 * tells whether the stack holds a key encrypted. Shared by the program and the real-CLI test.
 */
export function splitConfig(all: Record<string, string>, isSecret: (key: string) => boolean): ConfigSplit {
  const values: ConfigSplit["values"] = {};
  const secretNames: SettingName[] = [];
  const plaintextSecrets: SettingName[] = [];
  for (const name of SETTING_NAMES) {
    const key = `${NAMESPACE}:${name}`;
    const value = all[key];
    const decl = SETTINGS[name];
    if ("secret" in decl && decl.secret) {
      // Checked before emptiness: the CLI refuses even an empty plain value of a secret setting.
      if (value !== undefined && !isSecret(key)) plaintextSecrets.push(name);
      if (!isUnset(value)) secretNames.push(name);
    } else if (!isUnset(value)) {
      values[name] = value;
    }
  }
  return { values, secretNames, plaintextSecrets, undeclaredSettings: undeclaredKeys(Object.keys(all)) };
}

/**
 * The only place in the program that reads `pulumi.Config`. Every other module receives the
 * validated ClusterSpec built from what this returns.
 */
export function readStackSettings(): RawSettings {
  const config = new pulumi.Config(NAMESPACE);
  // pulumi.Config only answers for names asked; the whole map is the only way to see the rest
  // (keys are normalized there: `ceresdb:config:x` is `ceresdb:x`).
  const split = splitConfig(pulumi.runtime.allConfig(), isStoredEncrypted);
  const secrets: RawSettings["secrets"] = {};
  // The value itself is only ever handed on as the secret Output.
  for (const name of split.secretNames) secrets[name] = config.requireSecret(name);
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: new pulumi.Config("alicloud").get("region"),
    values: split.values,
    secrets,
    plaintextSecrets: split.plaintextSecrets,
    undeclaredSettings: split.undeclaredSettings,
  };
}

/**
 * Whether the stack holds this key encrypted. The SDK knows (it gets the list of encrypted keys
 * from the CLI) but marks the helper internal; without it we cannot tell, and assume encrypted.
 */
function isStoredEncrypted(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret ? runtime.isConfigSecret(key) : true;
}
