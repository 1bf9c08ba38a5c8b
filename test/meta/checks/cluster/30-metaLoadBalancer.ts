/**
 * Issue 10 item 3: the meta endpoint survives a member. HAProxy stands at the meta load
 * balancer's address with the listener, backends and health check the stack renders for the CLB
 * (test/meta/haproxy.ts); the calls every CeresDB node makes to `meta_addr` (NodeHeartbeat,
 * GetNodes, RouteTables) go through it while member 0 is down, and again while the leader is down;
 * each time the stopped member comes back and HAProxy sends it traffic again.
 *
 * FAILOVER_BOUND_MS is the stated bound: from the member's stop until every call through the
 * balancer succeeds and keeps succeeding. It covers the health check marking the member down
 * (interval x unhealthy threshold = 4 s) and, for the leader, etcd's election and CeresMeta's
 * leader campaign. The measured times are printed in each check's detail.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { renderCeresDbToml } from "../../../../components/render";
import { fakeSecrets } from "../../../fixtures/specs";
import { ClusterChecks, Member, RunningCluster, spawnTracked, start, stop, stopProcess, waitFor, WAIT_START_MS } from "../../harness";
import { get, getNodes, parse } from "../../protocol";
import { allocSchemaId, haproxyStats, nodeHeartbeat, renderHaproxyConfig, routeTables } from "../../haproxy";
import { singleLeader, waitHealthy } from "../shared";

const HAPROXY = "/usr/sbin/haproxy";
export const FAILOVER_BOUND_MS = 30_000;
/** Rounds in a row that must all succeed before the endpoint counts as serving again. */
const STABLE_ROUNDS = 5;

/** Every meta call a CeresDB node makes, through `target`; undefined when all succeed, else what failed. */
async function nodeCalls(target: string, clusterName: string, node: string): Promise<string | undefined> {
  const results = await Promise.allSettled([
    nodeHeartbeat(target, clusterName, node, 10),
    getNodes(target, clusterName),
    routeTables(target, clusterName, node, "public", ["meta_proof_t"]),
  ]);
  const names = ["NodeHeartbeat", "GetNodes", "RouteTables"];
  const bad = results.flatMap((r, i) => (r.status === "rejected" ? [`${names[i]}: ${(r.reason as Error).message}`] : r.value.code !== 0n ? [`${names[i]}: code ${r.value.code} ${r.value.error}`] : []));
  return bad.length === 0 ? undefined : bad.join("; ");
}

/** Milliseconds from `t0` until STABLE_ROUNDS rounds of calls in a row succeed, or undefined past the bound; also the calls that failed on the way. */
async function timeToServe(target: string, clusterName: string, node: string, t0: number): Promise<{ ms?: number; failures: number; last?: string }> {
  let firstOk: number | undefined;
  let streak = 0;
  let failures = 0;
  let last: string | undefined;
  while (Date.now() - t0 < FAILOVER_BOUND_MS) {
    const err = await nodeCalls(target, clusterName, node);
    if (err === undefined) {
      if (streak === 0) firstOk = Date.now();
      if (++streak >= STABLE_ROUNDS) return { ms: firstOk! - t0, failures };
    } else {
      streak = 0;
      failures++;
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { failures, last };
}

export const checks: ClusterChecks = {
  title: "meta load balancer (HAProxy for the CLB) across member and leader failures",
  async run(c) {
    const { proof, spec, members, cluster } = c;
    const lb = spec.loadBalancers.meta;
    const dir = c.run.dir("haproxy");
    const sock = path.join(dir, "admin.sock");
    const cfg = path.join(dir, "haproxy.cfg");
    fs.writeFileSync(cfg, renderHaproxyConfig(lb, sock));
    proof.section(`meta load balancer: HAProxy at ${lb.address}, configured from the stack's load balancer spec`);
    const db = parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets, { allowLoopback: true }));
    const target = new URL(get(db, "cluster_deployment.meta_client.meta_addr") as string).host;
    proof.expect(target === `${lb.address}:${lb.listeners[0].port}`, "HAProxy listens where every node's meta_addr points", target);
    const backends = lb.backends.map((b) => `${b.ip}:${lb.listeners[0].backendPort}`).sort();
    const memberEndpoints = members.map((m) => `${m.ip}:${lb.listeners[0].backendPort}`).sort();
    proof.expect(JSON.stringify(backends) === JSON.stringify(memberEndpoints), "the balancer's backends are exactly the three members' client endpoints", backends.join(", "));
    let valid = "";
    try {
      valid = execFileSync(HAPROXY, ["-c", "-f", cfg], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
      proof.expect(true, "haproxy -c accepts the rendered config", valid.trim());
    } catch (e) {
      proof.fail("haproxy -c accepts the rendered config", String((e as { stderr?: string }).stderr ?? e));
    }
    const log = fs.openSync(path.join(dir, "haproxy.log"), "a");
    const proc = spawnTracked(HAPROXY, ["-db", "-f", cfg], { stdio: ["ignore", log, log] });
    try {
      const allUp = (s: { status: string }[]) => s.length === members.length && s.every((x) => x.status === "UP");
      const up = await waitFor(15_000, async () => allUp(await haproxyStats(sock).catch(() => [])));
      proof.expect(up, "HAProxy's health checks see all three members UP", (await haproxyStats(sock)).map((s) => `${s.server} ${s.status}`).join(", "));
      const node = `${spec.nodes[0].host.privateIp}:${spec.ports.grpc}`;
      const schema = await allocSchemaId(target, cluster.name, node, "public");
      proof.expect(schema.code === 0n, "through the balancer: AllocSchemaID(public), as a node does at start-up, answers code 0", "", `code ${schema.code} ${schema.error}`);
      const base = await nodeCalls(target, cluster.name, node);
      proof.expect(base === undefined, "through the balancer: NodeHeartbeat, GetNodes and RouteTables answer code 0", target, base);

      const scenario = async (victim: Member, why: string) => {
        proof.section(`stop ${victim.name} (${why}): the calls through the balancer keep working`);
        await stop(victim);
        const t0 = Date.now();
        const r = await timeToServe(target, cluster.name, node, t0);
        proof.expect(
          r.ms !== undefined,
          `with ${victim.name} down, every node call through ${target} succeeds ${STABLE_ROUNDS} rounds in a row within ${FAILOVER_BOUND_MS / 1000} s`,
          `measured ${r.ms} ms after the stop (${r.failures} failed round(s) before)`,
          `not within ${FAILOVER_BOUND_MS} ms; last: ${r.last}`,
        );
        const down = await waitFor(10_000, async () => (await haproxyStats(sock)).some((s) => s.server === lbHost(c, victim) && s.status.startsWith("DOWN")));
        proof.expect(down, `HAProxy marks ${victim.name} DOWN`, "");
        if (why === "the leader") {
          const rest = members.filter((m) => m !== victim);
          c.leader = await singleLeader(proof, rest, c.rootPath, `${victim.name} down`);
        }

        proof.section(`${victim.name} comes back: the balancer uses it again`);
        start(victim);
        await waitHealthy(proof, victim, "back behind the balancer");
        const t1 = Date.now();
        const back = await waitFor(WAIT_START_MS, async () => (await haproxyStats(sock)).some((s) => s.server === lbHost(c, victim) && s.status === "UP"));
        proof.expect(back, `HAProxy marks ${victim.name} UP again`, `${Date.now() - t1} ms after it answered health`);
        const before = (await haproxyStats(sock)).find((s) => s.server === lbHost(c, victim))!.total;
        for (let i = 0; i < 6; i++) await nodeCalls(target, cluster.name, node);
        const after = (await haproxyStats(sock)).find((s) => s.server === lbHost(c, victim))!.total;
        proof.expect(after > before, `new connections through the balancer reach ${victim.name} again`, `sessions ${before} -> ${after}`);
        const again = await nodeCalls(target, cluster.name, node);
        proof.expect(again === undefined, "and every node call through the balancer still succeeds", "", again);
      };

      await scenario(members[0], "member 0, which every meta_addr named before");
      const leaderName = c.leader.name;
      const leader = members.find((m) => m.name === leaderName) ?? proof.fail("leader is one of the members", leaderName);
      await scenario(leader, "the leader");
      c.leader = await singleLeader(proof, members, c.rootPath, "after the balancer group");
    } finally {
      await stopProcess(proc);
      fs.closeSync(log);
    }
  },
};

/** The HAProxy server name of a member: the balancer's backend host name for its IP. */
function lbHost(c: RunningCluster, m: Member): string {
  const b = c.spec.loadBalancers.meta.backends.find((x) => x.ip === m.ip);
  if (!b) throw new Error(`${m.name} (${m.ip}) is not a backend of the meta balancer`);
  return b.host;
}
