import { BootstrapSpec } from "../model/types";
import { stateLockProvider, stateLockResource } from "../protection/stateLock";

/**
 * CeresMeta reads its cluster settings (node count, shard total, topology, ...) only when it first
 * creates the cluster; changing them later in its TOML is silently ignored. The lock records the
 * values the cluster was created with in the stack's state and refuses, at preview, any change to
 * them, naming the setting and the way out. It creates nothing in the cloud.
 */

export interface LockFailure {
  /** The lock's input property that changed. */
  property: keyof BootstrapSpec;
  reason: string;
}

/**
 * Every change between the recorded and the new bootstrap values that CeresMeta would ignore.
 * Self-contained (no imports): Pulumi serializes it with the dynamic provider.
 */
export function bootstrapChangeProblems(olds: Partial<BootstrapSpec>, news: BootstrapSpec): LockFailure[] {
  const failures: LockFailure[] = [];
  if (olds.clusterName === undefined) return failures; // first deployment: nothing recorded yet
  const fixedAtCreation = (what: string, was: unknown, now: unknown) =>
    `${what} was ${JSON.stringify(was)} when CeresMeta created the cluster and is now ${JSON.stringify(now)}; CeresMeta reads it only at creation and would silently ignore the change.`;
  if (olds.nodeCount !== news.nodeCount) {
    failures.push({
      property: "nodeCount",
      reason:
        news.topology === "static" && olds.topology === "static"
          ? `ceresdb:nodeCount: ${fixedAtCreation("the node count", olds.nodeCount, news.nodeCount)} A static cluster's node set cannot change: keep ceresdb:nodeCount at ${olds.nodeCount}, or build a new cluster.`
          : `ceresdb:bootstrapNodeCount: ${fixedAtCreation("default-cluster-node-count", olds.nodeCount, news.nodeCount)} Set ceresdb:bootstrapNodeCount to ${olds.nodeCount} and change ceresdb:nodeCount freely.`,
    });
  }
  if (olds.shardTotal !== news.shardTotal) {
    failures.push({ property: "shardTotal", reason: `ceresdb:shardTotal: ${fixedAtCreation("the shard total", olds.shardTotal, news.shardTotal)} Keep it at ${olds.shardTotal}.` });
  }
  if (olds.topology !== news.topology) {
    failures.push({
      property: "topology",
      reason: `ceresdb:topology: ${fixedAtCreation("the topology", olds.topology, news.topology)} Keep it at ${olds.topology}; CeresMeta v1.2.7 can change it at runtime with PUT /api/v1/clusters/${olds.clusterName}.`,
    });
  }
  for (const property of ["clusterName", "storageRootPath", "initialClusterToken"] as const) {
    if (olds[property] !== news[property]) {
      failures.push({ property, reason: `${property} ${fixedAtCreation(property, olds[property], news[property])}` });
    }
  }
  return failures;
}

export const bootstrapLockProvider = stateLockProvider(bootstrapChangeProblems, (inputs: BootstrapSpec) => `${inputs.initialClusterToken}`);

/** State-only record of the values CeresMeta created the cluster with (spec.bootstrap). */
export const BootstrapLock = stateLockResource<BootstrapSpec>("BootstrapLock", bootstrapLockProvider);
