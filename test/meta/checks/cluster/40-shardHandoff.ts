/**
 * Issue 10 item 6, against the real CeresMeta v1.2.7: the HTTP calls the scale-in hand-off
 * (components/render/scripts/shard-handoff.sh) makes, and the rendered script itself.
 *
 * The proof's cluster is static and no CeresDB node runs here (nothing can open a shard), so a
 * shard is never actually moved: what is proven is that the fields the script reads exist with
 * the types it expects, that a PUT without enableSchedule turns scheduling off (the pitfall the
 * script avoids by sending the whole body), that the whole body restores it and keeps the rest,
 * that getNodeShards answers the shape the script walks, and that the rendered script refuses a
 * static cluster before it changes anything.
 */
import { spawnSync } from "child_process";
import { renderShardHandoff } from "../../../../components/render";
import { ClusterChecks } from "../../harness";
import { api, CALL_TIMEOUT_MS, parseJsonExact } from "../../protocol";

interface ClusterRow {
  Name: string;
  EnableSchedule: boolean;
  TopologyType: string;
  ProcedureExecutingBatchSize: number;
}

export const checks: ClusterChecks = {
  title: "scale-in hand-off calls",
  async run(c) {
    const { proof, spec, members, cluster } = c;
    const m = members.find((x) => x.name === c.leader.name) ?? members[0];
    const base = `http://${m.ip}:${m.httpPort}`;
    const send = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      return { http: res.status, body: parseJsonExact(await res.text()) as { status: string; data?: unknown; error?: string; msg?: string } };
    };
    const row = async () => ((await api(m, "/api/v1/clusters")).data as ClusterRow[]).find((r) => r.Name === cluster.name)!;
    // What an update may change: everything but its timestamp.
    const settings = (r: ClusterRow) => JSON.stringify({ ...r, ModifiedAt: undefined });

    proof.section("scale-in hand-off: the CeresMeta HTTP calls the script makes, on the real v1.2.7");
    const before = await row();
    proof.expect(
      before !== undefined && typeof before.EnableSchedule === "boolean" && typeof before.TopologyType === "string" && typeof before.ProcedureExecutingBatchSize === "number",
      "GET /api/v1/clusters has Name, EnableSchedule, TopologyType, ProcedureExecutingBatchSize (what the script reads)",
      JSON.stringify(before),
    );
    const path = `/api/v1/clusters/${cluster.name}`;
    const partial = await send("PUT", path, { topologyType: before.TopologyType, procedureExecutingBatchSize: before.ProcedureExecutingBatchSize });
    const afterPartial = await row();
    proof.expect(
      partial.body.status === "success" && afterPartial.EnableSchedule === false,
      "PUT /api/v1/clusters/{name} without enableSchedule turns scheduling off (why the script sends the whole body)",
      `EnableSchedule ${before.EnableSchedule} -> ${afterPartial.EnableSchedule}`,
      JSON.stringify(partial.body),
    );
    const whole = await send("PUT", path, { enableSchedule: before.EnableSchedule, topologyType: before.TopologyType, procedureExecutingBatchSize: before.ProcedureExecutingBatchSize });
    const restored = await row();
    proof.expect(
      whole.body.status === "success" && settings(restored) === settings(before),
      "the whole body restores EnableSchedule and keeps topology and batch size",
      JSON.stringify(restored),
      JSON.stringify({ whole: whole.body, restored }),
    );
    const shards = await send("POST", "/api/v1/getNodeShards", { clusterName: cluster.name });
    const data = shards.body.data as { NodeShards?: unknown } | undefined;
    proof.expect(shards.body.status === "success" && Array.isArray(data?.NodeShards), "POST /api/v1/getNodeShards answers data.NodeShards, the list the script walks", JSON.stringify(shards.body).slice(0, 200));
    // The body the script sends is decoded and submitted as a procedure (the move itself then
    // fails in the background here: no CeresDB node exists to open the shard on); a body with a
    // wrongly typed shardID is refused at decoding, so the field names and types are the server's.
    const transfer = await send("POST", "/api/v1/transferLeader", { clusterName: cluster.name, shardID: 0, OldLeaderNodeName: "", newLeaderNodeName: "127.0.0.99:8831" });
    proof.expect(transfer.body.status === "success", "POST /api/v1/transferLeader takes the script's body (submitted as a procedure)", JSON.stringify(transfer.body), JSON.stringify(transfer.body));
    const wrong = await send("POST", "/api/v1/transferLeader", { clusterName: cluster.name, shardID: "0", OldLeaderNodeName: "", newLeaderNodeName: "127.0.0.99:8831" });
    proof.expect(wrong.body.status === "error", "control: a shardID of the wrong type is refused at decoding", `${wrong.body.error ?? ""} ${wrong.body.msg ?? ""}`.trim().slice(0, 160), JSON.stringify(wrong.body));

    proof.section("scale-in hand-off: the rendered script against this (static) cluster");
    // Here the members' HTTP ports differ and each binds every interface, so a follower would
    // forward to its own port on the leader's IP, i.e. to itself (harness.ts localOverride): the
    // script is pointed at the leader's port (on production hosts every member has the same port).
    const dynamicCopy = { ...spec, ports: { ...spec.ports, metaHttp: m.httpPort }, bootstrap: { ...spec.bootstrap, topology: "dynamic" as const, nodeCount: 2 } };
    const script = renderShardHandoff(dynamicCopy, dynamicCopy.nodes[2], { allowLoopback: true, containerName: "meta-proof-no-such-container", waitSeconds: 20, leaseSeconds: 0 });
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8", timeout: 60_000 });
    const after = await row();
    proof.expect(
      r.status === 1 && /topology static/.test(r.stderr) && settings(after) === settings(before),
      "it reads the real answer, refuses a static cluster (exit 1) and leaves scheduling as it was",
      r.stderr.trim().split("\n").pop() ?? "",
      `exit ${r.status}: ${r.stderr} ${r.stdout}; cluster now ${JSON.stringify(after)}`,
    );
  },
};
