/**
 * `npm run status` (tools/status) against the three real members: the CLI, given the outputs the
 * stack exports for this spec (clusterOutputs in components/cluster/cluster.ts, as
 * `pulumi stack output --json` would print them), reports three healthy members, the one leader
 * the proof found, the etcd member list of three and the cluster's shards as CeresMeta holds them
 * (no CeresDB node runs here: every node down, every shard unregistered). Then one follower stops:
 * the status still answers within one timeout, that member down, the others healthy, the same
 * leader. The follower restarts; the cluster is handed back as it came (same leader: a follower
 * stopping moves no leadership).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { clusterOutputs } from "../../../../components/cluster/cluster";
import { collectStatus, ClusterStatus } from "../../../../tools/status/collect";
import { request } from "../../../../tools/status/http";
import { targetsFrom } from "../../../../tools/status/targets";
import { ClusterChecks, ROOT, start, stop } from "../../harness";
import { singleLeader, waitHealthy } from "../shared";

const TIMEOUT_MS = 2_000;

export const checks: ClusterChecks = {
  title: "npm run status against the real members",
  async run(c) {
    const { proof, spec, members, rootPath } = c;
    proof.section("status: the CLI on the stack's outputs for this spec");
    // The outputs exactly as the stack derives them, except each member's HTTP port: the 2nd and 3rd
    // run on another port here (the local override, harness.ts localOverride).
    const { clientEndpoints: _unresolved, ...plain } = clusterOutputs(spec, "meta-proof-bucket", "127.0.0.9");
    void _unresolved;
    const outputs = { ...plain, metaHttpEndpoints: members.map((m) => `http://${m.ip}:${m.httpPort}`), clientEndpoints: {} };
    proof.check(
      JSON.stringify(plain.metaHttpEndpoints.map((u) => new URL(u).hostname)) === JSON.stringify(members.map((m) => m.ip)) && plain.metaHttpEndpoints[0] === `http://${members[0].ip}:${members[0].httpPort}`,
      "the stack's metaHttpEndpoints name the members (first member's port as rendered)",
      plain.metaHttpEndpoints.join(" "),
    );
    const file = path.join(c.run.dir("status"), "outputs.json");
    fs.writeFileSync(file, JSON.stringify(outputs, null, 2));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "tools/status/cli.ts"), "--endpoints", file, "--format", "json", "--timeout-ms", String(TIMEOUT_MS)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    let s: ClusterStatus | undefined;
    try {
      s = JSON.parse(r.stdout) as ClusterStatus;
    } catch {
      s = undefined;
    }
    proof.expect(r.status === 0 && s !== undefined, "npm run status --endpoints FILE --format json exits 0 with JSON", `${Date.now() - t0} ms`, `exit ${r.status}: ${r.stderr} ${r.stdout.slice(0, 300)}`);
    const st = s!;
    proof.check(st.members.length === 3 && st.members.every((m) => m.healthy), "three members, all healthy", st.members.map((m) => `${m.name} ${m.healthy}`).join(", "));
    const leaderIp = members.find((m) => m.name === c.leader.name)?.ip;
    const leaders = st.members.filter((m) => m.isLeader);
    proof.check(
      leaders.length === 1 && new URL(leaders[0].http).hostname === leaderIp && st.members.every((m) => m.leaderSeen !== undefined),
      "exactly one leader, the one the proof found, and every member names it",
      `${leaders.map((m) => m.http).join(",")} (proof: ${c.leader.name} ${leaderIp})`,
      JSON.stringify(st.members),
    );
    const etcdNames = (st.etcd?.members ?? []).map((m) => m.name).sort();
    proof.check(
      JSON.stringify(etcdNames) === JSON.stringify(members.map((m) => m.name).sort()) &&
        st.etcd?.clusterId === c.clusterId &&
        st.members.every((m) => m.etcdName === members.find((x) => `http://${x.ip}:${x.httpPort}` === m.http)?.name),
      "the etcd member list: the three members, the proof's etcd cluster ID, each member matched to its etcd name",
      `${etcdNames.join(",")} cluster ${st.etcd?.clusterId}`,
      JSON.stringify(st.etcd ?? st.etcdProblem),
    );
    const allShards = Array.from({ length: spec.bootstrap.shardTotal }, (_, i) => i);
    proof.check(
      st.nodes.length === spec.nodes.length &&
        st.nodes.every((n) => !n.up && n.shards !== undefined && n.shards.length === 0 && n.state === "no-shards") &&
        JSON.stringify(st.unregisteredShards) === JSON.stringify(allShards),
      "no CeresDB node runs: every node down with no shards, every shard unregistered (diagnose and getNodeShards parsed from the real answers)",
      `${st.nodes.length} nodes; unregistered ${st.unregisteredShards?.length}`,
      JSON.stringify({ nodes: st.nodes, unregistered: st.unregisteredShards, problem: st.shardsProblem }),
    );

    proof.section("status: one follower stopped");
    const follower = members.find((m) => m.name !== c.leader.name)!;
    await stop(follower);
    try {
      const { targets } = targetsFrom(outputs);
      const t1 = Date.now();
      // Each request's time and outcome, so the detail says which (if any) waited for the deadline.
      const timed: { url: string; ms: number; outcome: string }[] = [];
      const down = await collectStatus(targets!, async (url, method, body) => {
        const s0 = Date.now();
        try {
          const a = await request(url, { method, body, timeoutMs: TIMEOUT_MS });
          timed.push({ url, ms: Date.now() - s0, outcome: `HTTP ${a.status}` });
          return a;
        } catch (e) {
          timed.push({ url, ms: Date.now() - s0, outcome: (e as Error).message });
          throw e;
        }
      });
      const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, 3).map((x) => `${x.url} ${x.ms} ms ${x.outcome}`).join(" | ");
      const took = Date.now() - t1;
      const fm = down.members.find((m) => new URL(m.http).hostname === follower.ip);
      proof.check(
        took < TIMEOUT_MS + 1_000 && fm !== undefined && !fm.healthy && !!fm.error && down.members.filter((m) => m.healthy).length === 2 && down.leader !== undefined && down.members.find((m) => m.isLeader)?.http.includes(leaderIp ?? "?") === true,
        "within one timeout: the stopped member down with its error, two healthy, the same leader",
        `${took} ms; ${fm?.name}: ${fm?.error}; slowest: ${slowest}`,
        JSON.stringify(down.members),
      );
      proof.check((down.etcd?.members.length ?? 0) === 3, "the etcd member list (from a live member) still has three members", `${down.etcd?.members.length} from ${down.etcd?.from}`);
    } finally {
      start(follower);
    }
    await waitHealthy(proof, follower, "status: restart");
    c.leader = await singleLeader(proof, members, rootPath, "status: after restart");
  },
};
