/**
 * HAProxy standing in for the Alibaba Cloud CLB in front of the CeresMeta members, and the gRPC
 * calls a CeresDB node makes to `meta_addr`. Test-only.
 *
 * The config is rendered from the same LoadBalancerSpec the stack turns into the CLB
 * (components/network/loadBalancer.ts): one TCP listener per `listeners` entry at `address`,
 * every `backends` entry on `backendPort`, and the health check's interval, timeout and
 * thresholds as HAProxy's `inter`, `timeout check`, `fall` and `rise` (a TCP-connect check, as
 * the CLB's `health_check_type = tcp`). Like the CLB, it does not redispatch a failed connection
 * to another backend: a backend that just died fails connections until its checks mark it down.
 */
import * as net from "net";
import { LoadBalancerSpec } from "../../components/model/types";
import { grpcUnary, pbBytes, pbDecode, pbNum, pbStr, pbUint } from "./protocol";

export function renderHaproxyConfig(lb: LoadBalancerSpec, statsSocket: string): string {
  if (lb.address === undefined) throw new Error(`${lb.name}: HAProxy stands in for an intranet balancer with a fixed address only`);
  const h = lb.healthCheck;
  const lines = [
    "global",
    "  maxconn 256",
    `  stats socket ${statsSocket} mode 600 level admin`,
    "defaults",
    "  mode tcp",
    `  timeout connect ${h.timeoutSeconds}s`,
    "  timeout client 60s",
    "  timeout server 60s",
    `  timeout check ${h.timeoutSeconds}s`,
  ];
  for (const l of lb.listeners) {
    lines.push(
      `listen ${l.service}`,
      `  bind ${lb.address}:${l.port}`,
      "  balance roundrobin",
      `  default-server inter ${h.intervalSeconds}s fall ${h.unhealthyThreshold} rise ${h.healthyThreshold}`,
      ...lb.backends.map((b) => `  server ${b.host} ${b.ip}:${l.backendPort} check`),
    );
  }
  return lines.join("\n") + "\n";
}

export interface ServerStat {
  proxy: string;
  server: string;
  status: string;
  /** Sessions ever sent to this server (`stot`). */
  total: number;
}

/** `show stat` over the admin socket: status and session count of every server. */
export function haproxyStats(socketPath: string, ms = 3_000): Promise<ServerStat[]> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ path: socketPath });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer on ${socketPath} within ${ms} ms`));
    }, ms);
    let out = "";
    s.on("data", (d) => (out += d.toString("utf8")));
    s.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on("end", () => {
      clearTimeout(timer);
      const [head, ...rows] = out.trim().split("\n");
      const cols = head.replace(/^# /, "").split(",");
      const at = (name: string) => cols.indexOf(name);
      resolve(
        rows
          .map((r) => r.split(","))
          .filter((f) => f[at("svname")] !== "FRONTEND" && f[at("svname")] !== "BACKEND")
          .map((f) => ({ proxy: f[at("pxname")], server: f[at("svname")], status: f[at("status")], total: Number(f[at("stot")]) })),
      );
    });
    s.write("show stat\n");
  });
}

// Messages of meta_service.CeresmetaRpcService as CeresMeta v1.2.7 builds them:
// github.com/CeresDB/ceresdbproto/golang@v0.0.0-20230912105726-f0b0ff9a06d4 (the version
// test/meta/go.sum pins), pkg/metaservicepb/meta_service.pb.go: RequestHeader{node=1,
// cluster_name=2}; NodeHeartbeatRequest{header=1, info=2}; NodeInfo{endpoint=1, lease=2 (varint),
// zone=3, binary_version=4, shard_infos=5}; RouteTablesRequest{header=1, schema_name=2,
// table_names=3}; AllocSchemaIdRequest{header=1, name=2}; every response's header=1 is commonpb.ResponseHeader{code=1, error=2}.


async function call(target: string, method: string, request: Buffer): Promise<{ code: bigint; error: string }> {
  const r = await grpcUnary(target, `/meta_service.CeresmetaRpcService/${method}`, request);
  if (r.grpcStatus !== "0") throw new Error(`${method}: grpc-status ${r.grpcStatus} ${r.grpcMessage}`);
  const h = pbDecode((pbDecode(r.reply).get(1)?.[0] as Buffer | undefined) ?? Buffer.alloc(0));
  return { code: pbNum(h, 1), error: pbStr(h, 2) };
}

const header = (node: string, clusterName: string) => pbBytes(1, Buffer.concat([pbBytes(1, node), pbBytes(2, clusterName)]));

/** A node's heartbeat, as CeresDB sends it every lease*2/3 (no shards yet). */
export function nodeHeartbeat(target: string, clusterName: string, node: string, leaseSeconds: number): Promise<{ code: bigint; error: string }> {
  const info = Buffer.concat([pbBytes(1, node), pbUint(2, leaseSeconds), pbBytes(3, "meta-proof"), pbBytes(4, "meta-proof")]);
  return call(target, "NodeHeartbeat", Buffer.concat([header(node, clusterName), pbBytes(2, info)]));
}

/** A route lookup, as CeresDB makes it before a write to a table it does not own. */
export function routeTables(target: string, clusterName: string, node: string, schema: string, tables: string[]): Promise<{ code: bigint; error: string }> {
  return call(target, "RouteTables", Buffer.concat([header(node, clusterName), pbBytes(2, schema), ...tables.map((t) => pbBytes(3, t))]));
}

/** The schema ID CeresDB asks for at start-up (it creates the schema on first use); RouteTables needs the schema to exist. */
export function allocSchemaId(target: string, clusterName: string, node: string, schema: string): Promise<{ code: bigint; error: string }> {
  return call(target, "AllocSchemaID", Buffer.concat([header(node, clusterName), pbBytes(2, schema)]));
}
