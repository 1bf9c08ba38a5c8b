/**
 * How many of each role, how CeresMeta creates the cluster, and the per-host operations
 * (replacement, rejoin). Pure.
 */
import { EnvironmentClass, TopologyType } from "../types";
import { ROLES } from "../vocabulary";
import { AreaFindings, Findings, SettingsInput } from "./reader";

export interface TopologySlice {
  metaCount?: number;
  nodeCount?: number;
  topology?: TopologyType;
  /** `default-cluster-node-count`: bootstrapNodeCount, or nodeCount when that is 0. */
  bootstrapNodeCount?: number;
  shardTotal?: number;
  /** Hosts whose deletion protection is turned off so they can be replaced (components/hosts/hostLock.ts). */
  replaceHosts: string[];
  /** Members being re-added to a running cluster. */
  rejoin?: number[];
}

const HOST_NAME = new RegExp(`^(${ROLES.join("|")})-(\\d+)$`);

export function validateTopology(input: SettingsInput, environment: EnvironmentClass | undefined): { topology: TopologySlice } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const metaCount = r.integer("metaCount");
  if (metaCount === 1 && environment === "prod") {
    f.problem("metaCount", "1", "3, 5 or 7 in prod: a single CeresMeta member is a single point of failure");
  }
  const nodeCount = r.integer("nodeCount");
  const topology = r.oneOf("topology");
  const pinnedNodeCount = r.integer("bootstrapNodeCount");
  const bootstrapNodeCount = pinnedNodeCount === 0 ? nodeCount : pinnedNodeCount;
  if (pinnedNodeCount && nodeCount !== undefined) {
    if (topology === "static" && pinnedNodeCount > nodeCount) {
      // Scale-in (issue 10): the static scheduler assigns shards once, while the cluster prepares,
      // and in the stable state only re-opens them on the node they are on; nothing hands a shard
      // off (apache/incubator-horaedb-meta server/coordinator/scheduler/static/scheduler.go@v1.2.7).
      f.problem("nodeCount", String(nodeCount), `${pinnedNodeCount} (the creation node count) with static topology: a static cluster cannot shrink, because CeresMeta never moves a static cluster's shards off a node, so a removed node's shards would stay unserved. Keep ceresdb:nodeCount at ${pinnedNodeCount}; to run on fewer nodes, create a new stack with ceresdb:topology dynamic (and a remote WAL) and move the data`);
    } else if (topology === "static" && pinnedNodeCount !== nodeCount) {
      f.problem("bootstrapNodeCount", String(pinnedNodeCount), `0 or nodeCount (${nodeCount}) with static topology: its node set is fixed when the cluster is created`);
    } else if (pinnedNodeCount > nodeCount) {
      f.problem("bootstrapNodeCount", String(pinnedNodeCount), `at most nodeCount (${nodeCount}): shards are assigned only once that many nodes have registered`);
    }
  }
  const shardTotal = r.integer("shardTotal");
  if (shardTotal !== undefined && nodeCount !== undefined && shardTotal < nodeCount) {
    f.problem("shardTotal", String(shardTotal), `at least nodeCount (${nodeCount}), or some nodes would hold no shard`);
  }
  const replaceHosts = r.stringList("replaceHosts") ?? [];
  for (const h of replaceHosts) {
    const m = HOST_NAME.exec(h);
    const count = m?.[1] === "meta" ? metaCount : nodeCount;
    if (!m || (count !== undefined && Number(m[2]) >= count)) {
      f.problem("replaceHosts", h, `host names of this stack: meta-0 to meta-${(metaCount ?? 1) - 1}, node-0 to node-${(nodeCount ?? 1) - 1}`);
    }
  }
  const rejoin = r.integerList("rejoinMetaMembers");
  if (rejoin && metaCount !== undefined) {
    for (const i of rejoin) {
      if (i < 0 || i >= metaCount) f.problem("rejoinMetaMembers", String(i), `member indexes from 0 to ${metaCount - 1}`);
    }
    if (rejoin.length > 1) {
      f.problem("rejoinMetaMembers", JSON.stringify(rejoin), "at most one member at a time: re-add one, wait until it is healthy, then the next");
    }
    if (rejoin.length > 0 && metaCount === 1) {
      f.problem("rejoinMetaMembers", JSON.stringify(rejoin), "empty with metaCount 1: a lone member has no cluster to rejoin");
    }
  }
  return { topology: { metaCount, nodeCount, topology, bootstrapNodeCount, shardTotal, replaceHosts, rejoin }, ...f.findings };
}
