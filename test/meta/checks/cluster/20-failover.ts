/**
 * 5. and the last part of 7.: the CeresMeta leader stops, the other two elect a successor and keep
 * the one cluster; the stopped member's bootstrap guard with lost, re-added and intact data; it
 * rejoins on its own data dir. Hands the cluster back with all three running and `leader` updated.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterSpec } from "../../../../components/model/types";
import { clientEndpoint, ClusterChecks, Member, PORTS, refused, start, stop, WAIT_FAILOVER_MS, WAIT_START_MS, waitFor } from "../../harness";
import { entryOf, etcdMembers, gatewayMembers, getNodes, status, storedClusters } from "../../protocol";
import { Proof } from "../../report";
import { runGuard, showGuard } from "../guard";
import { singleLeader, waitHealthy } from "../shared";

export const checks: ClusterChecks = {
  title: "failover and rejoin",
  async run(c) {
    const { proof, spec, members, rootPath, cluster, clusterId, memberIds } = c;
    const leader = c.leader;
    const leaderMember = members.find((m) => m.name === leader.name) ?? proof.fail("leader is one of the members", leader.name);
    proof.section("stop the CeresMeta leader: the other two keep answering and elect a new leader");
    await stop(leaderMember);
    const gone = (await refused(leaderMember.ip, leaderMember.httpPort)) && (await refused(leaderMember.ip, PORTS.metaClient));
    proof.expect(gone, `stopped ${leaderMember.name} (was leader); its HTTP and client ports refuse connections`, "");
    const rest = members.filter((m) => m !== leaderMember);
    for (const m of rest) await waitHealthy(proof, m, "after stop");
    const newLeader = await singleLeader(proof, rest, rootPath, "after stop", WAIT_FAILOVER_MS);
    proof.expect(newLeader.name !== leader.name, "the new leader is one of the two survivors", newLeader.name);
    const survivor = rest.find((m) => m.name === newLeader.name) ?? rest[0];
    const after = await storedClusters(clientEndpoint(survivor), rootPath);
    proof.expect(
      after.length === 1 && after[0].id === cluster.id,
      "still exactly the one default cluster (the new leader created none)",
      `ID ${after[0]?.id}`,
      JSON.stringify(after.map((k) => k.key)),
    );
    let viaSurvivors = "";
    const gOk = await waitFor(WAIT_START_MS, async () => {
      const rs = await Promise.all(rest.map((m) => getNodes(clientEndpoint(m), cluster.name)));
      viaSurvivors = rs.map((r) => `code ${r.code}${r.error ? ` (${r.error})` : ""}`).join(" / ");
      return rs.every((r) => r.code === 0n);
    });
    proof.expect(gOk, "gRPC GetNodes via either survivor is answered by the new leader (code 0)", viaSurvivors, viaSurvivors);

    await guardAfterDataLoss(proof, spec, members, leaderMember);

    proof.section("restart the stopped member on the same data dir");
    start(leaderMember);
    await waitHealthy(proof, leaderMember, "rejoin");
    const st = await status(clientEndpoint(leaderMember));
    proof.expect(st.member === memberIds.get(leaderMember.name), `${leaderMember.name} rejoined with the same member ID`, st.member, `was ${memberIds.get(leaderMember.name)}, now ${st.member}`);
    proof.expect(st.cluster === clusterId, `${leaderMember.name} is in the same etcd cluster (no new cluster formed)`, st.cluster, `cluster ${st.cluster} != ${clusterId}`);
    const v2 = await etcdMembers(leaderMember);
    const ids2 = v2.members.map((x) => x.ID).sort();
    const ids1 = [...memberIds.values()].sort();
    proof.expect(
      JSON.stringify(ids1) === JSON.stringify(ids2) && v2.clusterId === clusterId,
      "GET /api/v1/etcd/member: still the same three member IDs, same cluster ID",
      ids2.join(","),
      `before ${ids1} after ${ids2}`,
    );
    c.leader = await singleLeader(proof, members, rootPath, "after rejoin");
    const final = await storedClusters(clientEndpoint(leaderMember), rootPath);
    proof.expect(final.length === 1 && final[0].id === cluster.id, "still exactly the one default cluster, read via the rejoined member", final.map((k) => k.key).join());
  },
};

/**
 * The bootstrap guard of a stopped member (`stopped`, the former leader): with an empty data dir it
 * must refuse (it ran before: a fresh `new` bootstrap would split the cluster), with state
 * `existing` (re-added) it goes, and on its own intact data dir it goes (WAL). Leaves its data dir
 * intact for the restart.
 */
async function guardAfterDataLoss(proof: Proof, spec: ClusterSpec, members: Member[], stopped: Member): Promise<void> {
  proof.section(`bootstrap guard: ${stopped.name} stopped, its data dir emptied`);
  const i = members.indexOf(stopped);
  const peer = `http://${stopped.ip}:${PORTS.metaPeer}`;
  const survivor = members.find((m) => m !== stopped) ?? proof.fail("a survivor", "none");
  const gw = await gatewayMembers(clientEndpoint(survivor));
  console.log(`        real answer of ${survivor.name} with ${stopped.name} stopped: ${gw.raw}`);
  proof.check(!!entryOf(gw.members, peer)?.name, `the gateway on ${survivor.name} still lists the stopped ${stopped.name} by name`, JSON.stringify(entryOf(gw.members, peer)));

  const kept = `${stopped.dataDir}.kept`;
  fs.renameSync(stopped.dataDir, kept);
  fs.mkdirSync(stopped.dataDir);
  try {
    const lost = await runGuard(spec, i, stopped, "data-lost");
    proof.check(lost.code === 1 && lost.stderr.includes("REFUSED"), `${stopped.name}'s guard with an empty data dir and state new: exit 1, REFUSED`, showGuard(lost));
    const readded: ClusterSpec = { ...spec, meta: spec.meta.map((m, j) => (j === i ? { ...m, initialClusterState: "existing" as const } : m)) };
    const ex = await runGuard(readded, i, stopped, "existing");
    proof.check(ex.code === 0 && ex.stderr.includes("existing"), `${stopped.name}'s guard with state existing (re-added), empty data dir: exit 0`, showGuard(ex));
  } finally {
    fs.rmSync(stopped.dataDir, { recursive: true, force: true });
    fs.renameSync(kept, stopped.dataDir);
  }
  const wal = fs.readdirSync(path.join(stopped.dataDir, "wal"));
  const own = await runGuard(spec, i, stopped, "own-data");
  proof.check(own.code === 0 && own.stderr.includes("WAL"), `${stopped.name}'s guard on its intact data dir (wal/: ${wal.join(", ")}): exit 0, WAL`, showGuard(own));
}
