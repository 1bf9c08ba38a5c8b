/** The status as text (one table per kind, like `tiup cluster display`) or JSON. Pure. */
import { ClusterStatus } from "./collect";

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)];
}

function ranges(ids: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    out.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
    i = j;
  }
  return out.join(",");
}

export function renderText(s: ClusterStatus): string {
  const out: string[] = [`Cluster ${s.cluster}  version ${s.version}`, ""];
  out.push("CeresMeta members");
  out.push(
    ...table(
      ["NAME", "HTTP", "HEALTH", "ROLE", "ETCD"],
      s.members.map((m) => [
        m.name,
        m.http,
        m.healthy ? "healthy" : `down (${m.error ?? "?"})`,
        m.isLeader ? "leader" : m.healthy ? "follower" : "-",
        s.etcd ? (m.etcdName ?? "not listed") : "?",
      ]),
    ),
  );
  if (s.leaderProblem) out.push(`leader: ${s.leaderProblem}`);
  if (s.etcd) out.push(`etcd cluster ${s.etcd.clusterId}: ${s.etcd.members.length} members (${s.etcd.members.map((m) => m.name).join(", ")}), as ${s.etcd.from} lists them`);
  else out.push(`etcd member list: ${s.etcdProblem}`);
  out.push("", "CeresDB nodes");
  out.push(
    ...table(
      ["NAME", "NODE", "HTTP", "UP", "SHARDS", "STATE"],
      s.nodes.map((n) => [
        n.name,
        n.nodeName,
        n.http,
        n.up ? "up" : `down (${n.error ?? "?"})`,
        n.shards === undefined ? "?" : `${n.shards.length}${n.shards.length ? ` [${ranges(n.shards)}]` : ""}`,
        n.state + (n.unready.length ? `: ${n.unready.map((u) => `${u.shard} ${u.status}`).join(", ")}` : ""),
      ]),
    ),
  );
  if (s.unregisteredShards?.length) out.push(`unregistered shards (no node serves them): ${ranges(s.unregisteredShards)}`);
  if (s.shardsProblem) out.push(`shards: ${s.shardsProblem}`);
  out.push("", "Endpoints");
  if (s.endpoints.metaEndpoint) out.push(`  meta (meta_addr)  ${s.endpoints.metaEndpoint}`);
  for (const [k, v] of Object.entries(s.endpoints.clientEndpoints)) out.push(`  ${k.padEnd(17)} ${v}`);
  out.push("", `${s.answered}/${s.asked} requests answered`);
  return out.join("\n") + "\n";
}

export function renderJson(s: ClusterStatus): string {
  return JSON.stringify(s, null, 2) + "\n";
}
