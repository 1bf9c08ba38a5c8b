/**
 * 2.-3. and the first part of 7.: the three members boot from the rendered files, with the bootstrap
 * guard run before and during the first bootstrap; then their membership, applied config, one
 * leader and the default cluster. Returns the running cluster the cluster check groups get.
 */
import * as fs from "fs";
import { renderMetaBootstrapGuard } from "../../../components/render";
import { ClusterSpec } from "../../../components/model/types";
import { rocksdbStatic } from "../../fixtures/specs";
import { clientEndpoint, IPS, loopbackSpec, Member, MetaRun, PORTS, refused, RunningCluster, start, stop, WAIT_START_MS, waitFor, writeMembers } from "../harness";
import { entryOf, etcdMembers, GatewayMember, gatewayMembers, parse } from "../protocol";
import { Proof } from "../report";
import { guardVar, runGuard, showGuard } from "./guard";
import { appliedConfig, defaultCluster, singleLeader, waitHealthy } from "./shared";

export async function bootCluster(run: MetaRun): Promise<RunningCluster> {
  const { proof } = run;
  proof.section(`three members on ${IPS.join(", ")}`);
  const spec = loopbackSpec(rocksdbStatic, 3, "trio");
  proof.expect(spec.version === "v1.2.7", "fixture is CeresMeta v1.2.7", spec.version);
  const members = writeMembers(proof, spec, run.dir("trio"));
  const files = members.map((m) => parse(fs.readFileSync(m.configPath, "utf8")));
  const meta = files[0];
  const rootPath = String(meta["storage-root-path"]);
  proof.expect(new Set(files.map((f) => f["initial-cluster"])).size === 1, "initial-cluster identical on all three members", String(meta["initial-cluster"]));

  await guardBeforeAndDuringBootstrap(proof, spec, members);
  proof.expect(members[0].httpPort === spec.ports.metaHttp, `the rendered http-port ${spec.ports.metaHttp} is where ${members[0].name} serves its API`, "");
  for (const m of members) appliedConfig(proof, m);

  const views = await Promise.all(members.map((m) => etcdMembers(m)));
  const want = spec.meta
    .map((m) => ({ name: m.memberName, peer: [`http://${m.host.privateIp}:${PORTS.metaPeer}`], client: [`http://${m.host.privateIp}:${PORTS.metaClient}`] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const [i, v] of views.entries()) {
    const got = v.members.map((x) => ({ name: x.name, peer: x.peerURLs, client: x.clientURLs })).sort((a, b) => a.name.localeCompare(b.name));
    proof.expect(
      JSON.stringify(got) === JSON.stringify(want),
      `GET /api/v1/etcd/member on ${members[i].name}: exactly 3 members with the rendered names, advertise-peer and advertise-client URLs`,
      got.map((g) => `${g.name}=${g.peer.join(",")}`).join(" "),
      JSON.stringify(v.members),
    );
  }
  const clusterIds = new Set(views.map((v) => v.clusterId));
  const clusterId = views[0].clusterId;
  proof.expect(clusterIds.size === 1, "all three report the same etcd cluster ID", clusterId, [...clusterIds].join(" / "));
  const memberIds = new Map(views[0].members.map((x) => [x.name, x.ID]));

  const leader = await singleLeader(proof, members, rootPath, "boot");
  const leaderMember = members.find((m) => m.name === leader.name) ?? proof.fail("leader is one of the members", leader.name);
  const cluster = await defaultCluster(proof, spec, leaderMember, meta, "boot");
  return { run, proof, spec, members, files, meta, rootPath, clusterId, memberIds, leader, cluster };
}

/** Stops all three members once every cluster check group has run. */
export async function stopCluster(c: RunningCluster): Promise<void> {
  for (const m of c.members) await stop(m);
  c.proof.pass("all three stopped");
}

/**
 * The bootstrap guard (renderMetaBootstrapGuard) against the real servers, before and during the
 * first bootstrap; leaves all three members started and healthy.
 */
async function guardBeforeAndDuringBootstrap(proof: Proof, spec: ClusterSpec, members: Member[]): Promise<void> {
  proof.section("bootstrap guard: rendered from the spec the run uses, executed against the real members");
  const files = members.map((m) => parse(fs.readFileSync(m.configPath, "utf8")));
  for (const [i, m] of members.entries()) {
    const script = renderMetaBootstrapGuard(spec, spec.meta[i], { dataDir: m.dataDir, allowLoopback: true });
    const peer = guardVar(script, "PEER_URL");
    const others = guardVar(script, "OTHERS").split(" ");
    const listening = files.filter((_, j) => j !== i).map((f) => String(f["client-urls"]));
    proof.expect(
      peer === files[i]["advertise-peer-urls"] && peer === files[i]["peer-urls"] && JSON.stringify(others) === JSON.stringify(listening) && guardVar(script, "DATA_DIR") === m.dataDir,
      `${m.name}'s guard: PEER_URL is its advertised and listening peer URL, OTHERS are the client URLs the other members listen on, DATA_DIR its data-dir`,
      `${peer}; asks ${others.join(" ")}`,
      `PEER_URL ${peer} (advertise ${String(files[i]["advertise-peer-urls"])}, listen ${String(files[i]["peer-urls"])}); OTHERS ${others.join(" ")} (listening: ${listening.join(" ")}); DATA_DIR ${guardVar(script, "DATA_DIR")}`,
    );
  }

  proof.section("bootstrap guard: before any member starts");
  const silent = await Promise.all(members.map((m) => refused(m.ip, PORTS.metaClient)));
  proof.expect(silent.every(Boolean), "no member is running: every client port refuses connections", members.map((m) => clientEndpoint(m)).join(" "));
  const g0 = await runGuard(spec, 0, members[0], "before-start");
  proof.check(g0.code === 0 && g0.stderr.includes("no running cluster"), `${members[0].name}'s guard goes: "no running cluster"`, showGuard(g0));

  proof.section(`bootstrap guard: ${members[0].name} and ${members[1].name} up (a quorum), ${members[2].name} not started yet`);
  const [a, b, last] = members;
  start(a);
  start(b);
  for (const m of [a, b]) await waitHealthy(proof, m, "partial boot");
  const lastPeer = `http://${last.ip}:${PORTS.metaPeer}`;
  for (const m of [a, b]) {
    let gw: { raw: string; members: GatewayMember[] } = { raw: "", members: [] };
    const answered = await waitFor(WAIT_START_MS, async () => (gw = await gatewayMembers(clientEndpoint(m))).members.length === members.length);
    proof.expect(answered, `POST /v3/cluster/member/list on ${clientEndpoint(m)} (etcd JSON gateway) lists ${members.length} members`, "", gw.raw || "no answer");
    const e = entryOf(gw.members, lastPeer);
    console.log(`        real answer of ${m.name}: ${gw.raw}`);
    // What the real server says about a member of initial-cluster that never started: etcd adds
    // all of initial-cluster with their names at bootstrap (membership.NewClusterFromURLsMap, the
    // raft ConfChange context carries the name); only the client URLs, which a member publishes
    // once it runs, are missing. An empty name is what `member add` produces, not a static bootstrap.
    proof.check(
      e?.name === last.name && (e.clientURLs ?? []).length === 0,
      `the gateway on ${m.name} lists the unstarted ${last.name} (${lastPeer}) by its initial-cluster name, without client URLs`,
      JSON.stringify(e),
      `its entry is ${JSON.stringify(e)}`,
    );
  }
  const g2 = await runGuard(spec, 2, last, "unstarted");
  // Needed for every first bootstrap in which one member's host comes up after two others.
  proof.check(g2.code === 0 && g2.stderr.includes("not started yet"), `${last.name}'s guard goes: listed as not started`, showGuard(g2));
  start(last);
  for (const m of members) await waitHealthy(proof, m, "boot");
  const started = await gatewayMembers(clientEndpoint(a));
  console.log(`        real answer of ${a.name} with all three started: ${started.raw}`);
  const e = entryOf(started.members, lastPeer);
  proof.check(
    e?.name === last.name && JSON.stringify(e.clientURLs) === JSON.stringify([`http://${last.ip}:${PORTS.metaClient}`]),
    `once started, the gateway lists ${last.name} by name with its client URL`,
    JSON.stringify(e),
  );
}
