/**
 * Validation of the rollout settings (ceresdb:nodeBatchSize). Pure: returns the spec slice and
 * every problem, each naming the setting, the value given and what is allowed.
 */
import { SettingProblem } from "../problems";
import { qualified, SETTINGS } from "../settings";
import { RolloutSpec } from "../types";

/**
 * The largest node batch that keeps the cluster serving: max(1, floor((nodeCount - 1) / 2)).
 *
 * Why: CeresDB keeps no shard replica. A shard is served by exactly one node (static topology:
 * always the same node; dynamic: the one CeresMeta assigned, which reassigns only after the node's
 * heartbeat lease expired), so while a batch restarts, its nodes' shards are offline. Capping the
 * batch at fewer than half of the nodes keeps a strict majority of the nodes, and with shards
 * spread evenly (CeresMeta's static assignment deals them round-robin) most of the shards,
 * serving at every moment of a rollout; in a dynamic cluster the survivors can take the batch's
 * shards over without doubling their load. A cluster of one or two nodes can only roll one at a time.
 */
export function maxNodeBatchSize(nodeCount: number): number {
  return Math.max(1, Math.floor((nodeCount - 1) / 2));
}

/**
 * `raw` is the setting as given (undefined: the default); `nodeCount` the validated node count
 * (undefined when it was itself refused: then only the syntax is checked).
 */
export function validateRollout(raw: string | undefined, nodeCount: number | undefined): { rollout: RolloutSpec; problems: SettingProblem[]; warnings: string[] } {
  const setting = qualified("nodeBatchSize");
  const fallback = SETTINGS.nodeBatchSize.default;
  const problems: SettingProblem[] = [];
  const value = raw === undefined ? fallback : /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  const max = nodeCount === undefined ? undefined : maxNodeBatchSize(nodeCount);
  const allowed =
    max === undefined
      ? "a whole number of at least 1"
      : `a whole number from 1 to ${max} (max(1, floor((nodeCount - 1) / 2)) with nodeCount ${nodeCount}): a batch's shards are offline while it restarts, and more than half of the nodes must keep serving`;
  if (!Number.isInteger(value) || value < (SETTINGS.nodeBatchSize.min ?? 1) || (max !== undefined && value > max)) {
    problems.push({ setting, given: raw, allowed });
    return { rollout: { nodeBatchSize: fallback }, problems, warnings: [] };
  }
  return { rollout: { nodeBatchSize: value }, problems, warnings: [] };
}
