import * as pulumi from "@pulumi/pulumi";
import { undeclaredKeys } from "../spec/settingNames";
import { NAMESPACE, SETTINGS, SETTING_NAMES, SettingName } from "../spec/settings";

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

/**
 * Optional settings are declared in Pulumi.yaml with an empty default ("" or []), because the
 * Pulumi CLI treats a declared setting without a default as required. Empty therefore means unset.
 */
function isUnset(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === "" || value.trim() === "[]";
}

/**
 * The only place in the program that reads `pulumi.Config`. Every other module receives the
 * validated ClusterSpec built from what this returns.
 */
export function readStackSettings(): RawSettings {
  const config = new pulumi.Config(NAMESPACE);
  const values: RawSettings["values"] = {};
  const secrets: RawSettings["secrets"] = {};
  const plaintextSecrets: SettingName[] = [];
  for (const name of SETTING_NAMES) {
    const decl = SETTINGS[name];
    // For secrets the plain read only tells whether a value is there; the value itself is only
    // ever handed on as the secret Output.
    const value = config.get(name);
    if (isUnset(value)) continue;
    if ("secret" in decl && decl.secret) {
      secrets[name] = config.requireSecret(name);
      if (isStoredPlain(`${NAMESPACE}:${name}`)) plaintextSecrets.push(name);
    } else {
      values[name] = value;
    }
  }
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: new pulumi.Config("alicloud").get("region"),
    values,
    secrets,
    plaintextSecrets,
    // pulumi.Config only answers for names asked; the whole map is the only way to see the rest.
    undeclaredSettings: undeclaredKeys(Object.keys(pulumi.runtime.allConfig())),
  };
}

/**
 * Whether the stack holds this key in plain text. The SDK knows (it gets the list of encrypted
 * keys from the CLI) but marks the helper internal; without it we cannot tell, and say nothing.
 */
function isStoredPlain(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret ? !runtime.isConfigSecret(key) : false;
}
