/**
 * The wire side of the meta proof: how CeresDB (and the bootstrap guard) talk to CeresMeta, written
 * against the real server and nothing else. CeresMeta's HTTP API (`{"status":"success","data":...}`),
 * the etcd v3 API through the etcd3 client, the etcd JSON gateway the guard calls, protobuf by hand
 * and one unary gRPC call over h2c (as CeresDB's meta client makes it: no protobuf tooling), the keys
 * CeresMeta stores in etcd, and the effective config the server logs at start.
 *
 * Every call is bounded by CALL_TIMEOUT_MS. Nothing here records a check: callers decide what an
 * answer proves.
 */
import * as http2 from "http2";
import * as TOML from "@iarna/toml";
import { Etcd3 } from "etcd3";

export const CALL_TIMEOUT_MS = 5_000;

export function withTimeout<T>(p: Promise<T>, what: string, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- TOML documents

export type Doc = Record<string, unknown>;
export function parse(text: string): Doc {
  return TOML.parse(text) as Doc;
}
export function get(doc: Doc, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o as Doc | undefined)?.[k], doc);
}
/** Every leaf of a TOML document as dotted key -> value. */
export function flatten(doc: Doc, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(doc)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      for (const [k2, v2] of flatten(v as Doc, `${prefix}${k}.`)) out.set(k2, v2);
    } else out.set(`${prefix}${k}`, v);
  }
  return out;
}

// ---------------------------------------------------------------- CeresMeta's HTTP API

/** CeresMeta's JSON carries 64-bit etcd IDs as bare numbers; keep them exact as strings. */
export function parseJsonExact(body: string): unknown {
  return JSON.parse(body.replace(/("(?:ID|cluster_id|member_id|raft_term|revision)"\s*:\s*)(\d+)/g, '$1"$2"'));
}

export interface ApiAnswer {
  status: string;
  data?: unknown;
  error?: string;
  msg?: string;
}
/** Where a member serves its HTTP API. */
export interface HttpApi {
  ip: string;
  httpPort: number;
}
/** GET on CeresMeta's HTTP API (`{"status":"success","data":...}`). */
export async function api(m: HttpApi, urlPath: string): Promise<ApiAnswer> {
  const res = await fetch(`http://${m.ip}:${m.httpPort}${urlPath}`, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  const body = await res.text();
  const parsed = parseJsonExact(body) as ApiAnswer;
  if (res.status !== 200 || parsed.status !== "success") throw new Error(`${urlPath}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return parsed;
}

export interface EtcdMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}
/** GET /api/v1/etcd/member: the embedded etcd's member list and cluster ID, as CeresMeta reports them. */
export async function etcdMembers(m: HttpApi): Promise<{ clusterId: string; members: EtcdMember[] }> {
  const r = (await api(m, "/api/v1/etcd/member")).data as { header: { cluster_id: string }; members: EtcdMember[] };
  return { clusterId: r.header.cluster_id, members: r.members };
}

// ---------------------------------------------------------------- etcd v3 (what CeresDB's etcd_client uses)

const clients = new Set<Etcd3>();
/** A client for the given endpoint(s); one endpoint means an answer proves that endpoint served it. Closed by closeClients() at the latest. */
export function etcdClient(endpoint: string | string[]): Etcd3 {
  const hosts = (Array.isArray(endpoint) ? endpoint : [endpoint]).map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`));
  const c = new Etcd3({
    hosts,
    dialTimeout: CALL_TIMEOUT_MS,
    defaultCallOptions: () => ({ deadline: Date.now() + CALL_TIMEOUT_MS }),
  });
  clients.add(c);
  return c;
}
export function closeClients(): void {
  for (const c of clients) c.close();
  clients.clear();
}

/** The etcd maintenance status of one endpoint: its member ID, cluster ID and the raft leader it sees. */
export async function status(endpoint: string): Promise<{ member: string; cluster: string; leader: string }> {
  const c = etcdClient(endpoint);
  try {
    const s = await withTimeout(c.maintenance.status(), `status ${endpoint}`);
    return { member: s.header.member_id, cluster: s.header.cluster_id, leader: s.leader };
  } finally {
    c.close();
  }
}

// ---------------------------------------------------------------- the etcd JSON gateway (what the bootstrap guard calls)

export interface GatewayMember {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
}
/** The etcd JSON gateway's member list on a client endpoint (`ip:port`), exactly the request the guard makes: raw body and parsed. */
export async function gatewayMembers(clientEndpoint: string): Promise<{ raw: string; members: GatewayMember[] }> {
  const res = await fetch(`http://${clientEndpoint}/v3/cluster/member/list`, {
    method: "POST",
    body: "{}",
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const raw = (await res.text()).trim();
  if (res.status !== 200) throw new Error(`POST /v3/cluster/member/list on ${clientEndpoint}: HTTP ${res.status} ${raw.slice(0, 300)}`);
  return { raw, members: (JSON.parse(raw) as { members?: GatewayMember[] }).members ?? [] };
}
/** One member's entry of a gateway answer, by peer URL, as JSON (what the guard looks at). */
export function entryOf(members: GatewayMember[], peerUrl: string): GatewayMember | undefined {
  return members.find((x) => (x.peerURLs ?? []).includes(peerUrl));
}

// ---------------------------------------------------------------- protobuf and gRPC, by hand

export type PbMessage = Map<number, (bigint | Buffer)[]>;

function pbVarint(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}
/** A varint field (wire type 0). */
export function pbUint(field: number, n: number): Buffer {
  return Buffer.concat([pbVarint((field << 3) | 0), pbVarint(n)]);
}

export function pbBytes(field: number, value: Buffer | string): Buffer {
  const b = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([pbVarint((field << 3) | 2), pbVarint(b.length), b]);
}
/** Decodes one message level: field number -> values (varints as bigint, length-delimited as Buffer). */
export function pbDecode(buf: Buffer): PbMessage {
  const out: PbMessage = new Map();
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error("truncated protobuf varint");
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    let value: bigint | Buffer;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 2: {
        const len = Number(varint());
        value = buf.subarray(i, i + len);
        i += len;
        break;
      }
      case 1:
        value = buf.subarray(i, i + 8);
        i += 8;
        break;
      case 5:
        value = buf.subarray(i, i + 4);
        i += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
export function pbStr(m: PbMessage, field: number): string {
  const v = m.get(field)?.[0];
  return Buffer.isBuffer(v) ? v.toString("utf8") : "";
}
export function pbNum(m: PbMessage, field: number): bigint {
  const v = m.get(field)?.[0];
  return typeof v === "bigint" ? v : 0n; // proto3 omits zero values
}

/** One unary gRPC call over plain HTTP/2 (h2c), as CeresDB's meta client makes it. */
export function grpcUnary(target: string, method: string, request: Buffer): Promise<{ grpcStatus: string; grpcMessage: string; reply: Buffer }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${target}`);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${method} via ${target}: no answer within ${CALL_TIMEOUT_MS} ms`));
    }, CALL_TIMEOUT_MS);
    const failWith = (e: Error) => {
      clearTimeout(timer);
      session.destroy();
      reject(e);
    };
    session.on("error", failWith);
    const req = session.request({ ":method": "POST", ":path": method, "content-type": "application/grpc", te: "trailers" });
    const chunks: Buffer[] = [];
    let meta: http2.IncomingHttpHeaders = {};
    req.on("response", (h) => (meta = { ...meta, ...h }));
    req.on("trailers", (t) => (meta = { ...meta, ...t }));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", failWith);
    req.on("end", () => {
      clearTimeout(timer);
      session.close();
      const body = Buffer.concat(chunks);
      const reply = body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : Buffer.alloc(0);
      resolve({ grpcStatus: String(meta["grpc-status"] ?? "missing"), grpcMessage: String(meta["grpc-message"] ?? ""), reply });
    });
    const frame = Buffer.alloc(5);
    frame.writeUInt32BE(request.length, 1); // byte 0: not compressed
    req.end(Buffer.concat([frame, request]));
  });
}

/** meta_service.CeresmetaRpcService/GetNodes for `clusterName`: the ResponseHeader's code and error, and how many node shards. */
export async function getNodes(target: string, clusterName: string): Promise<{ code: bigint; error: string; nodeShards: number }> {
  const header = Buffer.concat([pbBytes(1, "meta-proof"), pbBytes(2, clusterName)]); // RequestHeader{node, cluster_name}
  const r = await grpcUnary(target, "/meta_service.CeresmetaRpcService/GetNodes", pbBytes(1, header));
  if (r.grpcStatus !== "0") throw new Error(`grpc-status ${r.grpcStatus} ${r.grpcMessage}`);
  const resp = pbDecode(r.reply); // GetNodesResponse{header=1, cluster_topology_version=2, node_shards=3}
  const h = pbDecode((resp.get(1)?.[0] as Buffer | undefined) ?? Buffer.alloc(0)); // ResponseHeader{code=1, error=2}
  return { code: pbNum(h, 1), error: pbStr(h, 2), nodeShards: resp.get(3)?.length ?? 0 };
}

// ---------------------------------------------------------------- what CeresMeta stores in etcd

/** The `<root>/members/leader` key (pb `Member`: name=1, id=2, endpoint=3), read via `endpoint`, with how many such keys there are. */
export async function leaderKey(endpoint: string, rootPath: string): Promise<{ count: number; name: string; id: string; endpoint: string }> {
  const c = etcdClient(endpoint);
  try {
    const kvs = await withTimeout(c.getAll().prefix(`${rootPath}/members/leader`).buffers(), "leader key");
    const values = Object.values(kvs);
    const key = values.length === 1 ? pbDecode(values[0]) : undefined;
    return { count: values.length, name: key ? pbStr(key, 1) : "", id: key ? pbNum(key, 2).toString() : "", endpoint: key ? pbStr(key, 3) : "" };
  } finally {
    c.close();
  }
}

export interface ClusterKey {
  key: string;
  id: bigint;
  name: string;
  minNodeCount: bigint;
  shardTotal: bigint;
  enableSchedule: bigint;
  topologyType: bigint;
}
/** The clusters CeresMeta stored under `<root>/v1/cluster/info/<id>` (pb clusterpb.Cluster, server/storage/key_path.go), read via `endpoint`. */
export async function storedClusters(endpoint: string, rootPath: string): Promise<ClusterKey[]> {
  const c = etcdClient(endpoint);
  try {
    const kvs = await withTimeout(c.getAll().prefix(`${rootPath}/v1/cluster/info/`).buffers(), `clusters via ${endpoint}`);
    return Object.entries(kvs).map(([key, v]) => {
      const d = pbDecode(v);
      return { key, id: pbNum(d, 1), name: pbStr(d, 2), minNodeCount: pbNum(d, 3), shardTotal: pbNum(d, 5), enableSchedule: pbNum(d, 9), topologyType: pbNum(d, 10) };
    });
  } finally {
    c.close();
  }
}

// ---------------------------------------------------------------- the config the server runs with

/** The config the server runs with, from its log text (`server start with config`, its own TOML marshal). */
export function effectiveConfig(log: string): Doc | null {
  const line = log.split("\n").find((l) => l.includes("server start with config"));
  if (!line) return null;
  const json = line.slice(line.indexOf("{", line.indexOf("server start with config")));
  return parse((JSON.parse(json) as { config: string }).config);
}

/** Rendered keys the server did not apply as written: missing from its effective config, or with another value. */
export function notApplied(file: Doc, effective: Doc): string[] {
  const eff = flatten(effective);
  const bad: string[] = [];
  for (const [k, v] of flatten(file)) {
    if (!eff.has(k)) bad.push(`${k} (dropped: not a v1.2.7 key)`);
    else if (JSON.stringify(eff.get(k)) !== JSON.stringify(v)) bad.push(`${k} (${JSON.stringify(v)} -> ${JSON.stringify(eff.get(k))})`);
  }
  return bad;
}
