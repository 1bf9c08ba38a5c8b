/**
 * The shard hand-off of a CeresDB node before its removal (scripts/shard-handoff.sh), for dynamic
 * clusters. Only nodes at or above the bootstrap node count get one: a scale-in removes nodes from
 * the end and never below `bootstrapNodeCount` (validation), so the nodes below a removed one
 * are always kept and are its targets.
 */
import { ClusterSpec, NodeSpec } from "../model/types";
import { fillScript, orderedMetaMembers, RenderError, RenderOptions } from "./common";

/** How long the shards of one node may take to move. */
export const HANDOFF_WAIT_SECONDS = 600;
/** Longer than the node's heartbeat lease (ceresdbToml.ts META_CLIENT_LEASE, 10 s). */
export const HANDOFF_LEASE_WAIT_SECONDS = 15;

export function needsShardHandoff(spec: ClusterSpec, node: NodeSpec): boolean {
  return spec.bootstrap.topology === "dynamic" && node.index >= spec.bootstrap.nodeCount;
}

export function renderShardHandoff(spec: ClusterSpec, node: NodeSpec, opts: RenderOptions & { containerName?: string; waitSeconds?: number; leaseSeconds?: number } = {}): string {
  if (spec.bootstrap.topology !== "dynamic") throw new RenderError("bootstrap.topology", "shard hand-off is for dynamic clusters only (a static one cannot shrink)");
  const nameOf = (n: NodeSpec) => `${n.host.privateIp}:${spec.ports.grpc}`;
  const targets = spec.nodes.filter((n) => n.index < node.index).map(nameOf);
  return fillScript("shard-handoff.sh", {
    assign: {
      NODE: nameOf(node),
      TARGETS: targets.join(" "),
      META_URLS: orderedMetaMembers(spec, opts).map((m) => `http://${m.host.privateIp}:${spec.ports.metaHttp}`).join(" "),
      CLUSTER: spec.bootstrap.clusterName,
      CONTAINER: opts.containerName ?? "ceresdb",
      WAIT_SECONDS: String(opts.waitSeconds ?? HANDOFF_WAIT_SECONDS),
      LEASE_SECONDS: String(opts.leaseSeconds ?? HANDOFF_LEASE_WAIT_SECONDS),
    },
  });
}
