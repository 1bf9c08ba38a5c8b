/**
 * CeresMeta's answers, parsed. Shapes are the real v1.2.7 server's (test/fixtures/ceresmeta-v1.2.7/,
 * recorded from .cache/bin/ceresmeta-v1.2.7; apache/incubator-horaedb-meta v1.2.7
 * server/service/http/api.go and types.go): every answer is `{"status":"success","data":...}` or
 * `{"status":"error","error":...,"msg":...}`.
 */

/** CeresMeta carries 64-bit etcd IDs as bare JSON numbers; keep them exact as strings. */
export function parseJsonExact(body: string): unknown {
  return JSON.parse(body.replace(/("(?:ID|cluster_id|member_id|raft_term|revision)"\s*:\s*)(\d+)/g, '$1"$2"'));
}

/** The `data` of a success answer; throws with CeresMeta's own message otherwise. */
export function dataOf(body: string): unknown {
  let d: unknown;
  try {
    d = parseJsonExact(body);
  } catch {
    throw new Error(`not JSON: ${body.slice(0, 120)}`);
  }
  const a = d as { status?: unknown; data?: unknown; msg?: unknown; error?: unknown };
  if (a?.status !== "success") throw new Error(`CeresMeta answered ${String(a?.msg ?? a?.error ?? body.slice(0, 120))}`);
  return a.data;
}

/** `GET /debug/leader` (v1.2.7) or `/api/v1/leader` (v1.2.4-v1.2.6): the leader's etcd client URL. */
export function parseLeader(body: string): string {
  const d = dataOf(body);
  if (typeof d !== "string" || !d) throw new Error(`leader answer has no URL: ${body.slice(0, 120)}`);
  return d;
}

export interface MemberEntry {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}
function memberList(members: unknown): MemberEntry[] {
  if (!Array.isArray(members)) throw new Error("no members list");
  return members.map((m: { ID?: unknown; name?: unknown; peerURLs?: unknown; clientURLs?: unknown }) => ({
    id: String(m.ID ?? ""),
    name: String(m.name ?? ""),
    peerURLs: Array.isArray(m.peerURLs) ? m.peerURLs.map(String) : [],
    clientURLs: Array.isArray(m.clientURLs) ? m.clientURLs.map(String) : [],
  }));
}
/** `GET /api/v1/etcd/member` (v1.2.7): the embedded etcd's MemberListResponse. */
export function parseEtcdMembers(body: string): { clusterId: string; members: MemberEntry[] } {
  const d = dataOf(body) as { header?: { cluster_id?: unknown }; members?: unknown };
  return { clusterId: String(d?.header?.cluster_id ?? ""), members: memberList(d?.members) };
}
/** The etcd JSON gateway's `POST /v3/cluster/member/list` on a client port (versions without the member API). */
export function parseGatewayMembers(body: string): { clusterId: string; members: MemberEntry[] } {
  const d = parseJsonExact(body) as { header?: { cluster_id?: unknown }; members?: unknown };
  return { clusterId: String(d?.header?.cluster_id ?? ""), members: memberList(d?.members ?? []) };
}

export interface ShardDiagnosis {
  unregistered: number[];
  /** shard id -> node name and status (`partialOpen`...). */
  unready: { shard: number; nodeName: string; status: string }[];
}
/** `GET /debug/diagnose/{cluster}/shards` (v1.2.7, DiagnoseShardResult). */
export function parseDiagnose(body: string): ShardDiagnosis {
  const d = dataOf(body) as { unregistered_shards?: unknown; unready_shards?: unknown };
  if (!Array.isArray(d?.unregistered_shards) || d.unready_shards === null || typeof d.unready_shards !== "object")
    throw new Error(`no unregistered_shards list and unready_shards map: ${body.slice(0, 120)}`);
  return {
    unregistered: d.unregistered_shards.map(Number).sort((a, b) => a - b),
    unready: Object.entries(d.unready_shards as Record<string, { node_name?: unknown; status?: unknown }>)
      .map(([k, v]) => ({ shard: Number(k), nodeName: String(v?.node_name ?? ""), status: String(v?.status ?? "") }))
      .sort((a, b) => a.shard - b.shard),
  };
}

/** `POST /api/v1/getNodeShards` (what shard-handoff.sh walks): shard ids per node name. */
export function parseNodeShards(body: string): Map<string, number[]> {
  const d = dataOf(body) as { NodeShards?: unknown };
  if (!Array.isArray(d?.NodeShards)) throw new Error(`no NodeShards list: ${body.slice(0, 120)}`);
  const out = new Map<string, number[]>();
  for (const s of d.NodeShards as { ShardNode?: { ID?: unknown; NodeName?: unknown } }[]) {
    const node = String(s?.ShardNode?.NodeName ?? "");
    out.set(node, [...(out.get(node) ?? []), Number(s?.ShardNode?.ID)]);
  }
  return out;
}
