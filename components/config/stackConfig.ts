import * as pulumi from "@pulumi/pulumi";
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
}

/**
 * The only place in the program that reads `pulumi.Config`. Every other module receives the
 * validated ClusterSpec built from what this returns.
 */
export function readStackSettings(): RawSettings {
  const config = new pulumi.Config(NAMESPACE);
  const values: RawSettings["values"] = {};
  const secrets: RawSettings["secrets"] = {};
  for (const name of SETTING_NAMES) {
    const decl = SETTINGS[name];
    if ("secret" in decl && decl.secret) {
      const secret = config.getSecret(name);
      if (secret !== undefined) secrets[name] = secret;
    } else {
      const value = config.get(name);
      if (value !== undefined) values[name] = value;
    }
  }
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: new pulumi.Config("alicloud").get("region"),
    values,
    secrets,
  };
}
