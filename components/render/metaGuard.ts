/**
 * The bootstrap guard: a script run on a CeresMeta member's host before its container is created
 * or replaced. It refuses to start a member that has an empty data directory and
 * `initial-cluster-state = "new"` while the cluster it belongs to is already running and knows
 * this member as started before. etcd 3.5 refuses such a start itself once it reaches a peer
 * ("member ... has already been bootstrapped"), but CeresMeta then exits with code 0 and the
 * failure surfaces only as a crash-looping container; with no peer reachable it would bootstrap
 * alone. The guard stops the deployment first, with the way out: the member replacement procedure
 * (README: remove, re-add, `ceresdb:rejoinMetaMembers`), which renders `existing`.
 *
 * The script is scripts/meta-guard.sh. Decisions, in order:
 * 1. `existing` (a member being re-added): go.
 * 2. The data dir holds an etcd WAL: the member restarts with its own data; etcd ignores
 *    `initial-cluster-*`: go.
 * 3. Empty data dir: ask every other member's etcd for the member list (JSON gateway of the
 *    client port, bounded). A member publishes its client URLs once it has run (etcd's own
 *    "bootstrapped" test); members of initial-cluster carry their name from the start, so the name
 *    proves nothing (test/meta checked both against the real server). If this member's peer
 *    URL is listed with client URLs, it ran before and lost its data: refuse. Listed without: never
 *    started (first bootstrap, or just re-added): go. If no member answers, there is no running
 *    cluster (first bootstrap): go.
 */
import { META_PATHS } from "../model/paths";
import { ClusterSpec, MetaMemberSpec } from "../model/types";
import { fillScript, orderedMetaMembers, RenderOptions } from "./common";

export interface GuardOptions extends RenderOptions {
  /** Host directory bind-mounted as the member's data-dir. Default: META_PATHS.dataOnHost. */
  dataDir?: string;
}

export function renderMetaBootstrapGuard(spec: ClusterSpec, member: MetaMemberSpec, opts: GuardOptions = {}): string {
  const members = orderedMetaMembers(spec, opts);
  const peerUrl = `http://${member.host.privateIp}:${spec.ports.metaPeer}`;
  const others = members.filter((m) => m.index !== member.index).map((m) => `http://${m.host.privateIp}:${spec.ports.metaClient}`);
  return fillScript("meta-guard.sh", {
    assign: {
      MEMBER: member.memberName,
      STATE: member.initialClusterState,
      DATA_DIR: opts.dataDir ?? META_PATHS.dataOnHost,
      PEER_URL: peerUrl,
      OTHERS: others.join(" "),
    },
  });
}
