/**
 * Asks every member and node at once, each request with its own deadline, so a dead host costs
 * one timeout, not one per question. Pure apart from the injected requester.
 */
import { HttpAnswer } from "./http";
import { MemberEntry, parseDiagnose, parseEtcdMembers, parseGatewayMembers, parseLeader, parseNodeShards, ShardDiagnosis, dataOf } from "./parse";
import { StatusTargets } from "./targets";

export interface MemberStatus {
  name: string;
  http: string;
  healthy: boolean;
  /** Why not healthy (timeout, refused, CeresMeta's message). */
  error?: string;
  /** The leader's client URL as this member names it; undefined when it did not say. */
  leaderSeen?: string;
  isLeader: boolean;
  /** Its name in the etcd member list (matched by the host of its peer or client URLs); undefined when not listed or no list. */
  etcdName?: string;
}
export interface NodeStatus {
  name: string;
  nodeName: string;
  http: string;
  up: boolean;
  error?: string;
  /** Shards CeresMeta assigns to this node; undefined when no member told. */
  shards?: number[];
  unready: { shard: number; status: string }[];
  state: "ready" | "not-ready" | "no-shards" | "unknown";
}
export interface ClusterStatus {
  cluster: string;
  version: string;
  members: MemberStatus[];
  /** The leader every answering member agrees on, else undefined (see leaderProblem). */
  leader?: string;
  leaderProblem?: string;
  etcd?: { from: string; clusterId: string; members: MemberEntry[] };
  etcdProblem?: string;
  nodes: NodeStatus[];
  unregisteredShards?: number[];
  shardsProblem?: string;
  endpoints: { metaEndpoint?: string; clientEndpoints: Record<string, string> };
  /** How many of the requests got any answer. */
  answered: number;
  asked: number;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function collectStatus(t: StatusTargets, ask: (url: string, method?: "GET" | "POST", body?: string) => Promise<HttpAnswer>): Promise<ClusterStatus> {
  let asked = 0;
  let answered = 0;
  const call = async <T>(url: string, parse: (a: HttpAnswer) => T, method: "GET" | "POST" = "GET", body?: string): Promise<Result<T>> => {
    asked++;
    let a: HttpAnswer;
    try {
      a = await ask(url, method, body);
    } catch (e) {
      return { ok: false, error: errText(e) };
    }
    answered++;
    try {
      return { ok: true, value: parse(a) };
    } catch (e) {
      return { ok: false, error: `HTTP ${a.status}: ${errText(e)}` };
    }
  };
  const tr = t.traits;
  const diagnosePath = `/debug/diagnose/${encodeURIComponent(t.clusterName)}/shards`;
  const perMember = t.members.map(async (m) => {
    const [health, leader, etcd, diagnose, nodeShards] = await Promise.all([
      call(m.http + tr.metaHealthPath, (a) => dataOf(a.body)),
      tr.metaLeaderPath ? call(m.http + tr.metaLeaderPath, (a) => parseLeader(a.body)) : Promise.resolve<Result<string>>({ ok: false, error: "no leader API in this version" }),
      tr.metaMemberApi
        ? call(m.http + "/api/v1/etcd/member", (a) => parseEtcdMembers(a.body))
        : call(m.client.replace(/\/$/, "") + "/v3/cluster/member/list", (a) => parseGatewayMembers(a.body), "POST", "{}"),
      tr.metaShardDiagnose ? call(m.http + diagnosePath, (a) => parseDiagnose(a.body)) : Promise.resolve<Result<ShardDiagnosis>>({ ok: false, error: "no shard diagnosis in this version" }),
      call(m.http + "/api/v1/getNodeShards", (a) => parseNodeShards(a.body), "POST", JSON.stringify({ clusterName: t.clusterName })),
    ]);
    return { m, health, leader, etcd, diagnose, nodeShards };
  });
  const perNode = t.nodes.map((n) => call(n.http + "/", (a) => {
    if (a.status !== 200) throw new Error("not 200");
    return true;
  }));
  const [ms, ns] = await Promise.all([Promise.all(perMember), Promise.all(perNode)]);
  return aggregate(t, ms, ns, asked, answered);
}

interface MemberAnswers {
  m: StatusTargets["members"][number];
  health: Result<unknown>;
  leader: Result<string>;
  etcd: Result<{ clusterId: string; members: MemberEntry[] }>;
  diagnose: Result<ShardDiagnosis>;
  nodeShards: Result<Map<string, number[]>>;
}

/** From the raw answers to the picture: pure. */
export function aggregate(t: StatusTargets, ms: MemberAnswers[], ns: Result<boolean>[], asked: number, answered: number): ClusterStatus {
  const seen = new Set(ms.flatMap((a) => (a.leader.ok ? [a.leader.value.replace(/\/$/, "")] : [])));
  let leader: string | undefined;
  let leaderProblem: string | undefined;
  if (seen.size === 1) {
    const url = [...seen][0];
    const who = t.members.find((m) => m.client.replace(/\/$/, "") === url);
    if (who) leader = who.name;
    else leaderProblem = `the members name ${url} as leader, which is not one of this stack's members`;
  } else if (seen.size > 1) leaderProblem = `members disagree on the leader: ${[...seen].join(", ")}`;
  else leaderProblem = "no member named a leader";
  // Prefer what the leader says (it runs the scheduler), else any member that answered.
  const order = [...ms].sort((x, y) => Number(y.m.name === leader) - Number(x.m.name === leader));
  const first = <T>(pick: (a: MemberAnswers) => Result<T>): { from: string; value: T } | { error: string } => {
    const hit = order.find((a) => pick(a).ok);
    if (hit) return { from: hit.m.name, value: (pick(hit) as { value: T }).value };
    return { error: ms.map((a) => `${a.m.name}: ${(pick(a) as { error: string }).error}`).join("; ") || "no members" };
  };
  const etcd = first((a) => a.etcd);
  const hostOf = (u: string) => {
    try {
      return new URL(u).hostname;
    } catch {
      return "";
    }
  };
  const etcdNameOf = (m: StatusTargets["members"][number]) =>
    "value" in etcd ? etcd.value.members.find((e) => [...e.peerURLs, ...e.clientURLs].some((u) => hostOf(u) === hostOf(m.client)))?.name : undefined;
  const members: MemberStatus[] = ms.map((a) => ({
    name: a.m.name,
    http: a.m.http,
    healthy: a.health.ok,
    ...(a.health.ok ? {} : { error: a.health.error }),
    ...(a.leader.ok ? { leaderSeen: a.leader.value } : {}),
    isLeader: leader === a.m.name,
    ...(etcdNameOf(a.m) ? { etcdName: etcdNameOf(a.m) } : {}),
  }));
  const diag = first((a) => a.diagnose);
  const shards = first((a) => a.nodeShards);
  const nodes: NodeStatus[] = t.nodes.map((n, i) => {
    const up = ns[i];
    const mine = "value" in shards ? (shards.value.get(n.nodeName) ?? []) : undefined;
    const unready = "value" in diag ? diag.value.unready.filter((u) => u.nodeName === n.nodeName).map(({ shard, status }) => ({ shard, status })) : [];
    const state: NodeStatus["state"] = mine === undefined ? "unknown" : unready.length ? "not-ready" : mine.length === 0 ? "no-shards" : "ready";
    return { name: n.name, nodeName: n.nodeName, http: n.http, up: up.ok, ...(up.ok ? {} : { error: up.error }), ...(mine ? { shards: mine } : {}), unready, state };
  });
  return {
    cluster: t.clusterName,
    version: t.version,
    members,
    ...(leader ? { leader } : { leaderProblem }),
    ...("value" in etcd ? { etcd: { from: etcd.from, ...etcd.value } } : { etcdProblem: etcd.error }),
    nodes,
    ...("value" in diag ? { unregisteredShards: diag.value.unregistered } : {}),
    ...("value" in shards ? {} : { shardsProblem: shards.error }),
    endpoints: { metaEndpoint: t.metaEndpoint, clientEndpoints: t.clientEndpoints },
    answered,
    asked,
  };
}
