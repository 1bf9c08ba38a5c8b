import { changeKind } from "../contracts/providers";
import { dataDiskSpecInputs, instanceSpecInputs } from "./hostInputs";
import { ClusterSpec, HostSpec } from "../model/types";
import { stateLockProvider, stateLockResource } from "../protection/stateLock";

/**
 * With ECS deletion protection on (prod, staging), a change that replaces an instance fails at
 * DeleteInstance, after Pulumi has started the replacement. The lock records, per host, the
 * inputs whose change replaces the instance or its data disk (those the provider-contract table,
 * components/contracts/providers.ts, marks `replace`: ForceNew in the provider schema), and
 * refuses at preview a change of them on a host whose deletion protection is on, naming the
 * host, the input, the setting and the way out: list the host in `ceresdb:replaceHosts` first,
 * which turns its deletion protection off in one `pulumi up`, and replace it in the next. Every
 * instance depends on the lock, so nothing is touched once it refuses. It creates nothing in the
 * cloud.
 */

export const INSTANCE_TYPE = "alicloud:ecs/instance:Instance";
export const DISK_TYPE = "alicloud:ecs/ecsDisk:EcsDisk";

/** Which setting drives a recorded input, for the message. */
const SETTING_OF: Record<string, string> = {
  "instance.availabilityZone": "ceresdb:zones",
  "dataDisk.zoneId": "ceresdb:zones",
};

type Plain = string | number | boolean;

/** One host as the lock records it. */
export interface LockedHost {
  /** Deletion protection the instance is given in this deployment. */
  protected: boolean;
  /** `instance.<input>` / `dataDisk.<input>` whose change replaces the resource, and its value. */
  replacing: Record<string, Plain>;
  /** The setting behind each recorded input, where one setting drives it. */
  settings: Record<string, string>;
}

export interface HostLockInputs extends LockedHost {
  /** Host name, e.g. `node-3`. */
  host: string;
  environment: string;
}

export interface HostLockFailure {
  property: string;
  reason: string;
}

function replacingOf(typeToken: string, prefix: string, inputs: Record<string, unknown>): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined || !["string", "number", "boolean"].includes(typeof v)) continue;
    if (changeKind(typeToken, k) === "replace") out[`${prefix}.${k}`] = v as Plain;
  }
  return out;
}

/** What the lock records for one host, from the same functions that build its resources. */
export function hostLockInputs(spec: ClusterSpec, host: HostSpec): HostLockInputs {
  const replacing = {
    ...replacingOf(INSTANCE_TYPE, "instance", instanceSpecInputs(spec, host)),
    ...replacingOf(DISK_TYPE, "dataDisk", dataDiskSpecInputs(spec, host)),
  };
  const settings = Object.fromEntries(Object.keys(replacing).filter((k) => SETTING_OF[k]).map((k) => [k, SETTING_OF[k]]));
  return { host: host.name, environment: spec.environment, protected: host.deletionProtection, replacing, settings };
}

/**
 * Every change that would replace a host whose deletion protection is on now (as recorded).
 * Self-contained (no imports): Pulumi serializes it with the dynamic provider.
 */
export function hostReplacementProblems(was: Partial<HostLockInputs>, now: HostLockInputs): HostLockFailure[] {
  // First deployment of the host, or it is unprotected now: a replacement can delete it.
  if (was.replacing === undefined || !was.protected) return [];
  const old = was.replacing;
  const changed = Object.keys(old).filter((k) => k in now.replacing && now.replacing[k] !== old[k]);
  if (changed.length === 0) return [];
  const name = now.host;
  const what = changed
    .map((k) => `${k} from ${JSON.stringify(old[k])} to ${JSON.stringify(now.replacing[k])}${now.settings[k] ? ` (${now.settings[k]})` : ""}`)
    .join(", ");
  const movesDisk = changed.some((k) => k.startsWith("dataDisk."));
  return [
    {
      property: "replacing",
      reason:
        `host ${name}: ${what} would replace it (the provider cannot change ${changed.length === 1 ? "this input" : "these inputs"} in place), ` +
        `but its ECS deletion protection is on (environment ${now.environment}), so DeleteInstance would fail halfway through the update. ` +
        `If the change is not intended, restore the previous value${changed.some((k) => now.settings[k] === "ceresdb:zones") ? " (ceresdb:zones in its old order: hosts are placed round-robin by index)" : ""}. ` +
        `To replace ${name} on purpose: (1) with the old value still set, add ${name} to ceresdb:replaceHosts (\`pulumi config set --path 'ceresdb:replaceHosts[0]' ${name}\`) and \`pulumi up\`: that only turns its deletion protection off; ` +
        `(2) make the change and \`pulumi up\` again${movesDisk ? "; its data disk is replaced too, and it is protected: `pulumi state unprotect` it first, knowing its data is lost" : ""}; ` +
        `(3) \`pulumi config rm ceresdb:replaceHosts\` and \`pulumi up\` to protect it again.`,
    },
  ];
}

export const hostLockProvider = stateLockProvider(hostReplacementProblems, (inputs: HostLockInputs) => `${inputs.host}`);

/** State-only record of what would replace each host (hostLockInputs); refuses replacing a protected one. */
export const HostLock = stateLockResource<HostLockInputs>("HostLock", hostLockProvider);
