/**
 * Checks more than one group makes on running members: health, the applied config, the one leader,
 * the default cluster. Each records one check (two for defaultCluster) and stops the run on failure.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterSpec } from "../../../components/model/types";
import { alive, clientEndpoint, effectiveConfigOf, Leader, Member, tail, WAIT_START_MS, waitFor } from "../harness";
import { api, ClusterKey, Doc, leaderKey, notApplied, parse, status, storedClusters } from "../protocol";
import { Proof } from "../report";

export async function waitHealthy(proof: Proof, m: Member, what: string): Promise<void> {
  const ok = await waitFor(WAIT_START_MS, async () => {
    if (m.proc && !alive(m.proc)) throw new Error("exited");
    await api(m, "/api/v1/health");
    return true;
  });
  proof.expect(
    ok,
    `${what}: ${m.name} answers GET /api/v1/health on ${m.ip}:${m.httpPort}`,
    "",
    `not healthy within ${WAIT_START_MS} ms${m.proc && !alive(m.proc) ? " (exited)" : ""}; log:\n${tail(m.logPath)}\n${tail(path.join(m.dataDir, "etcd.log"), 5)}`,
  );
}

export function appliedConfig(proof: Proof, m: Member): void {
  const eff = effectiveConfigOf(m.logPath);
  if (!eff) proof.fail(`${m.name}: effective config in its log`, tail(m.logPath));
  const bad = notApplied(parse(fs.readFileSync(m.configPath, "utf8")), eff);
  proof.expect(
    bad.length === 0,
    `${m.name}: the server's own effective config has every key of its file with the file's value`,
    `node-name=${String(eff["node-name"])}, http-port=${String(eff["http-port"])}, topology-type=${String(eff["topology-type"])}`,
    bad.join("; "),
  );
}

/** CeresMeta's leader: every member's /debug/leader, the leader key, and the etcd raft leader must agree. */
export async function singleLeader(proof: Proof, members: Member[], rootPath: string, what: string, ms = WAIT_START_MS): Promise<Leader> {
  let last = "no answers";
  let found: Leader = { endpoint: "", name: "", id: "" };
  const ok = await waitFor(ms, async () => {
    const seen = await Promise.all(members.map(async (m) => String((await api(m, "/debug/leader")).data)));
    const key = await leaderKey(clientEndpoint(members[0]), rootPath);
    const raft = await Promise.all(members.map((m) => status(clientEndpoint(m))));
    const raftLeaders = new Set(raft.map((s) => s.leader));
    last = `/debug/leader: ${[...new Set(seen)].join(" / ")}; leader keys: ${key.count} (${key.name} ${key.endpoint} id ${key.id}); raft leader(s): ${[...raftLeaders].join("/")}`;
    found = { endpoint: key.endpoint, name: key.name, id: key.id };
    return (
      key.count === 1 &&
      new Set(seen).size === 1 &&
      seen[0] === key.endpoint &&
      members.some((m) => m.name === key.name && key.endpoint === `http://${clientEndpoint(m)}`) &&
      raftLeaders.size === 1 &&
      raftLeaders.has(key.id)
    );
  });
  proof.expect(ok, `${what}: exactly one CeresMeta leader (all /debug/leader, the ${rootPath}/members/leader key and the etcd raft leader agree)`, `${found.name} ${found.endpoint}`, last);
  return found;
}

/** The default cluster the leader creates, checked in etcd and via GET /api/v1/clusters against the rendered default-cluster-* keys. */
export async function defaultCluster(proof: Proof, spec: ClusterSpec, leader: Member, meta: Doc, what: string): Promise<ClusterKey> {
  const rootPath = String(meta["storage-root-path"]);
  const endpoint = clientEndpoint(leader);
  let stored: ClusterKey[] = [];
  await waitFor(WAIT_START_MS, async () => (stored = await storedClusters(endpoint, rootPath)).length > 0);
  const topology = { static: 1n, dynamic: 2n }[String(meta["topology-type"])];
  const c = stored[0];
  proof.expect(
    stored.length === 1 &&
      c.name === meta["default-cluster-name"] &&
      c.minNodeCount === BigInt(Number(meta["default-cluster-node-count"])) &&
      c.shardTotal === BigInt(Number(meta["default-cluster-shard-total"])) &&
      c.topologyType === topology,
    `${what}: one default cluster stored at ${c?.key ?? `${rootPath}/v1/cluster/info/<id>`} with the rendered name, node count, shard total, topology`,
    c ? `${c.name}, nodes ${c.minNodeCount}, shards ${c.shardTotal}, topology ${meta["topology-type"]}` : "",
    JSON.stringify(stored, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
  const listed = (await api(leader, "/api/v1/clusters")).data as { ID: number; Name: string; MinNodeCount: number; ShardTotal: number; TopologyType: string }[];
  const l = listed[0];
  proof.expect(
    listed.length === 1 &&
      BigInt(l.ID) === c.id &&
      l.Name === meta["default-cluster-name"] &&
      l.MinNodeCount === meta["default-cluster-node-count"] &&
      l.ShardTotal === meta["default-cluster-shard-total"] &&
      l.TopologyType === meta["topology-type"],
    `${what}: GET /api/v1/clusters on the leader lists the same cluster`,
    `ID ${l?.ID} ${l?.Name} MinNodeCount ${l?.MinNodeCount} ShardTotal ${l?.ShardTotal} TopologyType ${l?.TopologyType} (spec: nodes ${spec.bootstrap.nodeCount}, shards ${spec.bootstrap.shardTotal})`,
    JSON.stringify(listed),
  );
  return c;
}
