/**
 * `npm run test:meta`: boots the CeresMeta configs our renderer writes on the REAL CeresMeta
 * v1.2.7 server and proves they form one working CeresMeta cluster that serves what our CeresDB
 * config points at.
 *
 * What runs: .cache/bin/ceresmeta-v1.2.7, built by .ci/meta-build.sh from cmd/meta of
 * github.com/CeresDB/ceresmeta v1.2.7 (source: github.com/apache/incubator-horaedb-meta v1.2.7, the
 * same tag and commit; see README.md). Nothing in the server is stubbed or patched.
 *
 * Layout: three members on 127.0.0.1, 127.0.0.2, 127.0.0.3, the same etcd client/peer ports on
 * each (as on three hosts), plus the single-member (standalone) config. CeresMeta binds its HTTP
 * API to `:http-port` on every interface (server/service/http/service.go), so the run happens in
 * a private network namespace (`unshare --user --net --pid`) whose only interface is loopback:
 * nothing is reachable from outside, nothing collides with anyone else's ports, and when the run
 * ends the kernel kills whatever is left in its PID namespace. Without that namespace the run
 * fails, unless META_PROOF_HOST_NET=1 explicitly accepts the HTTP ports on all host interfaces.
 *
 * The bootstrap guard (renderMetaBootstrapGuard) is rendered from the same spec and run with sh,
 * real curl and python3 against these members: before any starts, while one has not started yet,
 * and for a stopped member with an emptied, an `existing`, and its own data dir.
 *
 * Every wait is bounded, every server runs in its own process group and is killed on exit,
 * failure or signal. A missing piece (Go, binary, namespace, address, port) is a failure, never a
 * skip. Ends with `meta-proof: N passed, M failed`; exits non-zero on any failure.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http2 from "http2";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as TOML from "@iarna/toml";
import { Etcd3 } from "etcd3";
import { renderCeresDbToml, renderCeresMetaToml, renderMetaBootstrapGuard } from "../../components/render";
import { ClusterSpec, MetaMemberSpec } from "../../components/model/types";
import { ALL_FIXTURES, fakeSecrets, kafkaV122, metaMembers, rocksdbStatic, serverNodes } from "../../test/fixtures/specs";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, ".cache/bin/ceresmeta-v1.2.7");
const GO_SUM = path.join(ROOT, "test/meta/go.sum");
/** Not the defaults (2379/2380/8080), so nothing collides even when run on the host network. */
const PORTS = { metaClient: 23791, metaPeer: 23801, metaHttp: 28081 };
const IPS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const WAIT_START_MS = 60_000;
/** CeresMeta's leader key lives on a 10 s lease (lease-sec default); a successor needs that plus an election. */
const WAIT_FAILOVER_MS = 45_000;
const WAIT_STOP_MS = 10_000;
const CALL_TIMEOUT_MS = 5_000;
/** The guard script bounds itself (one 3 s curl per other member); this is the outer limit. */
const WAIT_GUARD_MS = 20_000;
const IN_NETNS = "META_PROOF_IN_NETNS";
/** Distinguishes runs (initial-cluster-token, lock key); the PID alone is always 1 inside the PID namespace. */
const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
const HOST_NET = "META_PROOF_HOST_NET";

// ---------------------------------------------------------------- reporting

const results: { name: string; ok: boolean; detail: string }[] = [];
const t0 = Date.now();

class CheckFailed extends Error {}

function pass(name: string, detail = ""): void {
  results.push({ name, ok: true, detail });
  console.log(`  PASS  ${name}${detail ? `: ${detail}` : ""}`);
}
function fail(name: string, detail: string): never {
  results.push({ name, ok: false, detail });
  console.log(`  FAIL  ${name}: ${detail}`);
  throw new CheckFailed(`${name}: ${detail}`);
}
function expect(cond: boolean, name: string, detail: string, failDetail?: string): void {
  if (cond) pass(name, detail);
  else fail(name, failDetail ?? detail);
}
/** Like expect, but a failure is recorded without aborting: the guard checks are independent of the cluster checks after them. */
function check(cond: boolean, name: string, detail: string, failDetail?: string): boolean {
  if (cond) pass(name, detail);
  else {
    results.push({ name, ok: false, detail: failDetail ?? detail });
    console.log(`  FAIL  ${name}: ${failDetail ?? detail}`);
  }
  return cond;
}
function section(title: string): void {
  console.log(`\n== ${title} (t+${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}
function summary(): number {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\nmeta-proof: finished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`meta-proof: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

// ---------------------------------------------------------------- private network namespace

/**
 * Re-runs this script inside `unshare --user --map-root-user --net --pid --fork` with loopback up.
 * Returns the child's exit code, or null when this process should run the proof itself.
 */
async function runInPrivateNetns(): Promise<number | null> {
  if (process.env[IN_NETNS] === "1") return null;
  const args = ["--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--", "sh", "-c"];
  const probe = spawnSync("unshare", [...args, "ip link set lo up"], { encoding: "utf8", timeout: 10_000 });
  if (probe.status !== 0) {
    const why = (probe.error?.message ?? probe.stderr ?? "").trim() || `exit ${probe.status}`;
    if (process.env[HOST_NET] === "1") {
      console.log(`meta-proof: NOTE: no private network namespace (${why}); ${HOST_NET}=1: running on the host network,`);
      console.log(`meta-proof: NOTE: CeresMeta's HTTP ports ${PORTS.metaHttp}-${PORTS.metaHttp + 2} listen on all interfaces while it runs`);
      return null;
    }
    fail(
      "private network namespace (unshare --user --net --pid; needs util-linux unshare, iproute2 ip, user namespaces)",
      `${why}\n        CeresMeta binds its HTTP API on every interface; set ${HOST_NET}=1 to accept that and run on the host network`,
    );
  }
  console.log("meta-proof: entering a private network namespace (loopback only): unshare --user --map-root-user --net --pid");
  const child = spawn("unshare", [...args, 'ip link set lo up && exec "$@"', "sh", process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    detached: true, // its own process group, so a forwarded signal reaches the proof inside
    env: { ...process.env, [IN_NETNS]: "1" },
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, sig);
        } catch {
          /* gone */
        }
      }
    });
  }
  return new Promise((resolve) => {
    child.on("error", (e) => {
      console.log(`meta-proof: unshare failed: ${e.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 1)));
  });
}

// ---------------------------------------------------------------- processes

interface Member {
  name: string;
  ip: string;
  httpPort: number;
  configPath: string;
  dataDir: string;
  logPath: string;
  proc?: ChildProcess;
}

const running = new Set<ChildProcess>();

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined || !alive(proc)) return;
  try {
    process.kill(-proc.pid, signal); // negative pid: the whole process group
  } catch {
    /* already gone */
  }
}

function killAllNow(): void {
  for (const p of running) killGroup(p, "SIGKILL");
}

/** Starts the real server. Its environment is empty except `env`: CeresMeta lets variables such as DATA_DIR or HTTP_PORT override the TOML. */
function startServer(configPath: string, logPath: string, env: Record<string, string> = {}): ChildProcess {
  const out = fs.openSync(logPath, "a");
  const proc = spawn(BIN, ["-config", configPath], { detached: true, stdio: ["ignore", out, out], env });
  fs.closeSync(out);
  running.add(proc);
  proc.on("exit", () => running.delete(proc));
  return proc;
}

function start(m: Member): void {
  m.proc = startServer(m.configPath, m.logPath);
}

async function stop(m: Member): Promise<void> {
  const proc = m.proc;
  if (!proc) return;
  killGroup(proc, "SIGTERM");
  if (!(await waitFor(WAIT_STOP_MS, async () => !alive(proc)))) killGroup(proc, "SIGKILL");
  m.proc = undefined;
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------- helpers

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns true or `ms` elapse; never throws, returns the outcome. */
async function waitFor(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return true;
    } catch {
      /* not yet */
    }
    await sleep(250);
  }
  return false;
}

function withTimeout<T>(p: Promise<T>, what: string, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** CeresMeta's JSON carries 64-bit etcd IDs as bare numbers; keep them exact as strings. */
function parseJsonExact(body: string): unknown {
  return JSON.parse(body.replace(/("(?:ID|cluster_id|member_id|raft_term|revision)"\s*:\s*)(\d+)/g, '$1"$2"'));
}

interface ApiAnswer {
  status: string;
  data?: unknown;
  error?: string;
  msg?: string;
}
/** GET on CeresMeta's HTTP API (`{"status":"success","data":...}`). */
async function api(m: Member, urlPath: string): Promise<ApiAnswer> {
  const res = await fetch(`http://${m.ip}:${m.httpPort}${urlPath}`, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  const body = await res.text();
  const parsed = parseJsonExact(body) as ApiAnswer;
  if (res.status !== 200 || parsed.status !== "success") throw new Error(`${urlPath}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return parsed;
}

const clients: Etcd3[] = [];
/** A client for the given endpoint(s); one endpoint means an answer proves that endpoint served it. */
function etcdClient(endpoint: string | string[]): Etcd3 {
  const hosts = (Array.isArray(endpoint) ? endpoint : [endpoint]).map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`));
  const c = new Etcd3({
    hosts,
    dialTimeout: CALL_TIMEOUT_MS,
    defaultCallOptions: () => ({ deadline: Date.now() + CALL_TIMEOUT_MS }),
  });
  clients.push(c);
  return c;
}

async function status(endpoint: string): Promise<{ member: string; cluster: string; leader: string }> {
  const c = etcdClient(endpoint);
  try {
    const s = await withTimeout(c.maintenance.status(), `status ${endpoint}`);
    return { member: s.header.member_id, cluster: s.header.cluster_id, leader: s.leader };
  } finally {
    c.close();
  }
}

function canBind(ip: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(`${ip}:${port}: ${e.code ?? e.message}`));
    srv.listen({ host: ip, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

/** True when nothing accepts a TCP connection there (the member really stopped). */
function refused(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port });
    const answered = () => {
      s.destroy();
      resolve(false);
    };
    s.setTimeout(CALL_TIMEOUT_MS, answered);
    s.once("connect", answered);
    s.once("error", () => resolve(true));
  });
}

// ---------------------------------------------------------------- the bootstrap guard, executed for real

/** What the guard needs on the host: `sh`, `curl` (the etcd JSON gateway) and `python3` (parses the answer). */
const GUARD_TOOLS: [string, string[]][] = [
  ["curl", ["--version"]],
  ["python3", ["-c", "import json, sys; print(sys.version.split()[0])"]],
];

/**
 * The guard's environment: PATH and HOME only (plus PYENV_ROOT, for a pyenv python3 shim). In
 * particular no http(s)_proxy: curl would send the gateway request to a proxy that cannot see
 * this namespace, fail, and the guard would wrongly conclude that no member answers.
 */
function guardEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "PYENV_ROOT"]) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  return env;
}

interface GuardRun {
  code: number | null;
  stderr: string;
  ms: number;
  script: string;
}
/** Renders member `i`'s guard from the spec the run uses (dataDir: its local data dir) and runs it under sh. */
function runGuard(spec: ClusterSpec, i: number, m: Member, label: string): Promise<GuardRun> {
  const script = renderMetaBootstrapGuard(spec, spec.meta[i], { dataDir: m.dataDir, allowLoopback: true });
  const file = path.join(path.dirname(m.configPath), `guard-${label}.sh`);
  fs.writeFileSync(file, script, { mode: 0o755 });
  const begin = Date.now();
  return new Promise((resolve) => {
    const proc = spawn("sh", [file], { env: guardEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(proc);
    let stderr = "";
    proc.stdout.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => killGroup(proc, "SIGKILL"), WAIT_GUARD_MS);
    const done = (code: number | null, why = "") => {
      clearTimeout(timer);
      running.delete(proc);
      resolve({ code, stderr: `${stderr}${why}`.trim(), ms: Date.now() - begin, script });
    };
    proc.on("error", (e) => done(null, `\n(sh: ${e.message})`));
    proc.on("close", (code, signal) => done(code, signal ? `\n(killed by ${signal} after ${WAIT_GUARD_MS} ms)` : ""));
  });
}
/** A shell variable of the rendered guard (`NAME='value'`). */
function guardVar(script: string, name: string): string {
  return new RegExp(`^${name}='([^']*)'$`, "m").exec(script)?.[1] ?? `(no ${name})`;
}
function showGuard(g: GuardRun): string {
  return `exit ${g.code} in ${g.ms} ms: ${g.stderr.replace(/\s*\n\s*/g, " | ")}`;
}

interface GatewayMember {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
}
/** The etcd JSON gateway's member list on `ip`'s client port, exactly the request the guard makes: raw body and parsed. */
async function gatewayMembers(ip: string): Promise<{ raw: string; members: GatewayMember[] }> {
  const res = await fetch(`http://${ip}:${PORTS.metaClient}/v3/cluster/member/list`, {
    method: "POST",
    body: "{}",
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const raw = (await res.text()).trim();
  if (res.status !== 200) throw new Error(`POST /v3/cluster/member/list on ${ip}: HTTP ${res.status} ${raw.slice(0, 300)}`);
  return { raw, members: (JSON.parse(raw) as { members?: GatewayMember[] }).members ?? [] };
}
/** One member's entry of a gateway answer, by peer URL, as JSON (what the guard looks at). */
function entryOf(members: GatewayMember[], peerUrl: string): GatewayMember | undefined {
  return members.find((x) => (x.peerURLs ?? []).includes(peerUrl));
}

type Doc = Record<string, unknown>;
function parse(text: string): Doc {
  return TOML.parse(text) as Doc;
}
function get(doc: Doc, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o as Doc | undefined)?.[k], doc);
}
/** Every leaf of a TOML document as dotted key -> value. */
function flatten(doc: Doc, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(doc)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      for (const [k2, v2] of flatten(v as Doc, `${prefix}${k}.`)) out.set(k2, v2);
    } else out.set(`${prefix}${k}`, v);
  }
  return out;
}

// ---------------------------------------------------------------- protobuf and gRPC, by hand

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
function pbBytes(field: number, value: Buffer | string): Buffer {
  const b = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([pbVarint((field << 3) | 2), pbVarint(b.length), b]);
}
/** Decodes one message level: field number -> values (varints as bigint, length-delimited as Buffer). */
function pbDecode(buf: Buffer): Map<number, (bigint | Buffer)[]> {
  const out = new Map<number, (bigint | Buffer)[]>();
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
function pbStr(m: Map<number, (bigint | Buffer)[]>, field: number): string {
  const v = m.get(field)?.[0];
  return Buffer.isBuffer(v) ? v.toString("utf8") : "";
}
function pbNum(m: Map<number, (bigint | Buffer)[]>, field: number): bigint {
  const v = m.get(field)?.[0];
  return typeof v === "bigint" ? v : 0n; // proto3 omits zero values
}

/** One unary gRPC call over plain HTTP/2 (h2c), as CeresDB's meta client makes it. */
function grpcUnary(target: string, method: string, request: Buffer): Promise<{ grpcStatus: string; grpcMessage: string; reply: Buffer }> {
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
async function getNodes(target: string, clusterName: string): Promise<{ code: bigint; error: string; nodeShards: number }> {
  const header = Buffer.concat([pbBytes(1, "meta-proof"), pbBytes(2, clusterName)]); // RequestHeader{node, cluster_name}
  const r = await grpcUnary(target, "/meta_service.CeresmetaRpcService/GetNodes", pbBytes(1, header));
  if (r.grpcStatus !== "0") throw new Error(`grpc-status ${r.grpcStatus} ${r.grpcMessage}`);
  const resp = pbDecode(r.reply); // GetNodesResponse{header=1, cluster_topology_version=2, node_shards=3}
  const h = pbDecode((resp.get(1)?.[0] as Buffer | undefined) ?? Buffer.alloc(0)); // ResponseHeader{code=1, error=2}
  return { code: pbNum(h, 1), error: pbStr(h, 2), nodeShards: resp.get(3)?.length ?? 0 };
}

// ---------------------------------------------------------------- what CeresMeta itself reports

/** The config the server runs with, as it logs it at start (`server start with config`, its own TOML marshal). */
function effectiveConfig(logPath: string): Doc | null {
  const line = tail(logPath, 100_000)
    .split("\n")
    .find((l) => l.includes("server start with config"));
  if (!line) return null;
  const json = line.slice(line.indexOf("{", line.indexOf("server start with config")));
  return parse((JSON.parse(json) as { config: string }).config);
}

/** Rendered keys the server did not apply as written: missing from its effective config, or with another value. */
function notApplied(file: Doc, effective: Doc): string[] {
  const eff = flatten(effective);
  const bad: string[] = [];
  for (const [k, v] of flatten(file)) {
    if (!eff.has(k)) bad.push(`${k} (dropped: not a v1.2.7 key)`);
    else if (JSON.stringify(eff.get(k)) !== JSON.stringify(v)) bad.push(`${k} (${JSON.stringify(v)} -> ${JSON.stringify(eff.get(k))})`);
  }
  return bad;
}

/**
 * Runs the real server on a rendered file, unmodified, just far enough to decode it: DATA_DIR
 * points into the temp dir and PEER_URLS is unparseable, so after logging its effective config it
 * fails in CreateServer ("fail to create server") and exits without listening on anything.
 */
async function decodeOnly(file: string, dir: string): Promise<Doc> {
  const log = `${file}.log`;
  const proc = startServer(file, log, { DATA_DIR: path.join(dir, "decode-data"), PEER_URLS: "http://%zz" });
  const exited = await waitFor(WAIT_STOP_MS, async () => !alive(proc));
  if (!exited) {
    killGroup(proc, "SIGKILL");
    throw new Error(`did not exit within ${WAIT_STOP_MS} ms:\n${tail(log)}`);
  }
  const eff = effectiveConfig(log);
  if (!eff || !tail(log).includes("fail to create server")) throw new Error(`unexpected run:\n${tail(log)}`);
  return eff;
}

// ---------------------------------------------------------------- rendering for this machine

/** A copy of `spec` with meta members on loopback (and server nodes on further loopback IPs). */
function loopbackSpec(base: ClusterSpec, metaCount: number, stack: string): ClusterSpec {
  return {
    ...base,
    stack,
    ports: { ...base.ports, ...PORTS },
    bootstrap: { ...base.bootstrap, initialClusterToken: `meta-proof-${stack}-${RUN_ID}` },
    meta: metaMembers(metaCount, (i) => IPS[i]),
    nodes: serverNodes(base.nodes.length, (i) => `127.0.0.${i + 11}`),
  };
}

/**
 * THE local override: the rendered file is parsed, these keys are replaced, and it is
 * re-stringified. `data-dir` points into the temp folder (the container path does not exist
 * here); `client-urls`/`peer-urls` listen on the member's own loopback address instead of 0.0.0.0,
 * because three members share this machine. `http-port` only for the 2nd and 3rd member:
 * CeresMeta binds it on every interface, so three members on one machine cannot share it (on three
 * hosts they do); the first member keeps the rendered port. Every other key, including all
 * advertise URLs and initial-cluster, is exactly what production hosts get; checked below.
 */
function localOverride(rendered: string, member: MetaMemberSpec, dataDir: string, httpPort: number): string {
  const doc = TOML.parse(rendered);
  doc["data-dir"] = dataDir;
  doc["client-urls"] = `http://${member.host.privateIp}:${PORTS.metaClient}`;
  doc["peer-urls"] = `http://${member.host.privateIp}:${PORTS.metaPeer}`;
  doc["http-port"] = httpPort;
  return TOML.stringify(doc);
}

function writeMembers(spec: ClusterSpec, dir: string): Member[] {
  return spec.meta.map((m, i) => {
    const rendered = renderCeresMetaToml(spec, m, { allowLoopback: true });
    const dataDir = path.join(dir, m.memberName, "data");
    const httpPort = PORTS.metaHttp + i;
    const local = localOverride(rendered, m, dataDir, httpPort);
    const a = parse(rendered);
    const b = parse(local);
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
    const allowed = ["client-urls", "data-dir", ...(i > 0 ? ["http-port"] : []), "peer-urls"];
    expect(
      JSON.stringify(changed) === JSON.stringify(allowed),
      `${spec.stack}/${m.memberName}: local copy differs from the rendered file only in ${allowed.join(", ")}`,
      "",
      `changed: ${changed.join(", ")}`,
    );
    fs.mkdirSync(path.join(dir, m.memberName), { recursive: true });
    const configPath = path.join(dir, m.memberName, "ceresmeta.toml");
    fs.writeFileSync(configPath, local);
    return { name: m.memberName, ip: m.host.privateIp, httpPort, configPath, dataDir, logPath: path.join(dir, m.memberName, "stdout.log") };
  });
}

// ---------------------------------------------------------------- checks on running members

async function waitHealthy(m: Member, what: string): Promise<void> {
  const ok = await waitFor(WAIT_START_MS, async () => {
    if (m.proc && !alive(m.proc)) throw new Error("exited");
    await api(m, "/api/v1/health");
    return true;
  });
  expect(
    ok,
    `${what}: ${m.name} answers GET /api/v1/health on ${m.ip}:${m.httpPort}`,
    "",
    `not healthy within ${WAIT_START_MS} ms${m.proc && !alive(m.proc) ? " (exited)" : ""}; log:\n${tail(m.logPath)}\n${tail(path.join(m.dataDir, "etcd.log"), 5)}`,
  );
}

function appliedConfig(m: Member): void {
  const eff = effectiveConfig(m.logPath);
  if (!eff) fail(`${m.name}: effective config in its log`, tail(m.logPath));
  const bad = notApplied(parse(fs.readFileSync(m.configPath, "utf8")), eff);
  expect(
    bad.length === 0,
    `${m.name}: the server's own effective config has every key of its file with the file's value`,
    `node-name=${String(eff["node-name"])}, http-port=${String(eff["http-port"])}, topology-type=${String(eff["topology-type"])}`,
    bad.join("; "),
  );
}

interface EtcdMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}
async function etcdMembers(m: Member): Promise<{ clusterId: string; members: EtcdMember[] }> {
  const r = (await api(m, "/api/v1/etcd/member")).data as { header: { cluster_id: string }; members: EtcdMember[] };
  return { clusterId: r.header.cluster_id, members: r.members };
}

/** CeresMeta's leader: every member's /debug/leader, the leader key, and the etcd raft leader must agree. */
async function singleLeader(members: Member[], rootPath: string, what: string, ms = WAIT_START_MS): Promise<{ endpoint: string; name: string; id: string }> {
  let last = "no answers";
  let found = { endpoint: "", name: "", id: "" };
  const ok = await waitFor(ms, async () => {
    const seen = await Promise.all(members.map(async (m) => String((await api(m, "/debug/leader")).data)));
    const c = etcdClient(`${members[0].ip}:${PORTS.metaClient}`);
    const kvs = await withTimeout(c.getAll().prefix(`${rootPath}/members/leader`).buffers(), "leader key");
    c.close();
    const values = Object.values(kvs);
    const key = values.length === 1 ? pbDecode(values[0]) : undefined;
    const leaderName = key ? pbStr(key, 1) : "";
    const leaderId = key ? pbNum(key, 2).toString() : "";
    const leaderEndpoint = key ? pbStr(key, 3) : "";
    const raft = await Promise.all(members.map((m) => status(`${m.ip}:${PORTS.metaClient}`)));
    const raftLeaders = new Set(raft.map((s) => s.leader));
    last = `/debug/leader: ${[...new Set(seen)].join(" / ")}; leader keys: ${values.length} (${leaderName} ${leaderEndpoint} id ${leaderId}); raft leader(s): ${[...raftLeaders].join("/")}`;
    found = { endpoint: leaderEndpoint, name: leaderName, id: leaderId };
    return (
      values.length === 1 &&
      new Set(seen).size === 1 &&
      seen[0] === leaderEndpoint &&
      members.some((m) => m.name === leaderName && leaderEndpoint === `http://${m.ip}:${PORTS.metaClient}`) &&
      raftLeaders.size === 1 &&
      raftLeaders.has(leaderId)
    );
  });
  expect(ok, `${what}: exactly one CeresMeta leader (all /debug/leader, the ${rootPath}/members/leader key and the etcd raft leader agree)`, `${found.name} ${found.endpoint}`, last);
  return found;
}

interface ClusterKey {
  key: string;
  id: bigint;
  name: string;
  minNodeCount: bigint;
  shardTotal: bigint;
  enableSchedule: bigint;
  topologyType: bigint;
}
/** The clusters CeresMeta stored under `<root>/v1/cluster/info/<id>` (pb clusterpb.Cluster), read via `endpoint`. */
async function storedClusters(endpoint: string, rootPath: string): Promise<ClusterKey[]> {
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

/** The default cluster the leader creates, checked in etcd and via GET /api/v1/clusters against the rendered default-cluster-* keys. */
async function defaultCluster(spec: ClusterSpec, leader: Member, meta: Doc, what: string): Promise<ClusterKey> {
  const rootPath = String(meta["storage-root-path"]);
  const endpoint = `${leader.ip}:${PORTS.metaClient}`;
  let stored: ClusterKey[] = [];
  await waitFor(WAIT_START_MS, async () => (stored = await storedClusters(endpoint, rootPath)).length > 0);
  const topology = { static: 1n, dynamic: 2n }[String(meta["topology-type"])];
  const c = stored[0];
  expect(
    stored.length === 1 &&
      c.name === meta["default-cluster-name"] &&
      c.minNodeCount === BigInt(Number(meta["default-cluster-node-count"])) &&
      c.shardTotal === BigInt(Number(meta["default-cluster-shard-total"])) &&
      c.topologyType === topology,
    `${what}: one default cluster stored at ${c?.key ?? `${rootPath}/v1/cluster/info/<id>`} with the rendered name, node count, shard total, topology`,
    c ? `${c.name}, nodes ${c.minNodeCount}, shards ${c.shardTotal}, topology ${meta["topology-type"]}` : "",
    JSON.stringify(stored, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
  const listed = (await api(leader, "/api/v1/clusters")).data as { ID: number; Name: string; MinNodeCount: number; ShardTotal: number; TopologyType: string }[];
  const l = listed[0];
  expect(
    listed.length === 1 &&
      BigInt(l.ID) === c.id &&
      l.Name === meta["default-cluster-name"] &&
      l.MinNodeCount === meta["default-cluster-node-count"] &&
      l.ShardTotal === meta["default-cluster-shard-total"] &&
      l.TopologyType === meta["topology-type"],
    `${what}: GET /api/v1/clusters on the leader lists the same cluster`,
    `ID ${l?.ID} ${l?.Name} MinNodeCount ${l?.MinNodeCount} ShardTotal ${l?.ShardTotal} TopologyType ${l?.TopologyType} (spec: nodes ${spec.bootstrap.nodeCount}, shards ${spec.bootstrap.shardTotal})`,
    JSON.stringify(listed),
  );
  return c;
}

// ---------------------------------------------------------------- the proof

async function preflight(): Promise<void> {
  section("preflight");
  expect(fs.existsSync(BIN), `binary ${path.relative(ROOT, BIN)} present`, "", "missing: run `bash .ci/meta-build.sh` (needs Go)");
  let info = "";
  try {
    info = execFileSync("go", ["version", "-m", BIN], { encoding: "utf8", timeout: 20_000 });
  } catch (e) {
    fail("`go version -m` reads the binary (Go is required)", String((e as Error).message));
  }
  const sum = /^github\.com\/apache\/incubator-horaedb-meta v1\.2\.7 (h1:\S+)$/m.exec(fs.readFileSync(GO_SUM, "utf8"))?.[1];
  const built = /^\s+=>\s+github\.com\/apache\/incubator-horaedb-meta\s+v1\.2\.7\s+(h1:\S+)\s*$/m.exec(info)?.[1];
  expect(
    /^\s+path\s+github\.com\/CeresDB\/ceresmeta\/cmd\/meta\s*$/m.test(info) && /^\s+mod\s+github\.com\/CeresDB\/ceresmeta\s+v1\.2\.7\s*$/m.test(info) && !!sum && built === sum,
    "binary is cmd/meta of github.com/CeresDB/ceresmeta v1.2.7, source hash as pinned in test/meta/go.sum",
    `=> apache/incubator-horaedb-meta v1.2.7 ${built}`,
    `go version -m:\n${info}\ngo.sum: ${sum}`,
  );
  const version = spawnSync(BIN, ["-version"], { encoding: "utf8", timeout: 10_000, env: {} });
  const commit = /Git commit:(\S+)/.exec(`${version.stdout}${version.stderr}`)?.[1] ?? "?";
  pass("binary runs (-version)", `CeresMeta Server, commit ${commit}`);
  for (const [tool, args] of GUARD_TOOLS) {
    const r = spawnSync(tool, args, { encoding: "utf8", timeout: 10_000, env: guardEnv() });
    expect(
      r.status === 0,
      `${tool} runs (the bootstrap guard needs it)`,
      `${r.stdout ?? ""}`.split("\n")[0].trim(),
      `${r.error?.message ?? `exit ${r.status}`} ${r.stderr ?? ""}`.trim(),
    );
  }
  const binds = IPS.flatMap((ip) => [canBind(ip, PORTS.metaClient), canBind(ip, PORTS.metaPeer)]);
  binds.push(...[0, 1, 2].map((i) => canBind("0.0.0.0", PORTS.metaHttp + i)));
  const problems = (await Promise.all(binds)).filter((x): x is string => x !== null);
  expect(
    problems.length === 0,
    `${IPS.join(", ")} usable, etcd ports free on each, HTTP ports free`,
    `${process.env[IN_NETNS] === "1" ? "private network namespace" : "HOST network"}; ports ${PORTS.metaClient}/${PORTS.metaPeer}, http ${PORTS.metaHttp}-${PORTS.metaHttp + 2}`,
    problems.join("; "),
  );
}

async function decodeRendered(tmp: string): Promise<void> {
  section("the real server decodes every rendered v1.2.7 CeresMeta TOML (file unmodified)");
  const dir = path.join(tmp, "decode");
  fs.mkdirSync(dir);
  for (const [name, spec] of Object.entries(ALL_FIXTURES)) {
    if (spec.version !== "v1.2.7") continue;
    for (const m of spec.meta) {
      const file = path.join(dir, `${name}-${m.memberName}.toml`);
      fs.writeFileSync(file, renderCeresMetaToml(spec, m));
      let eff: Doc;
      try {
        eff = await decodeOnly(file, dir);
      } catch (e) {
        fail(`${name}/${m.memberName}: decoded by the server`, String(e));
      }
      const bad = notApplied(parse(fs.readFileSync(file, "utf8")), eff).filter((k) => !k.startsWith("data-dir ") && !k.startsWith("peer-urls "));
      expect(bad.length === 0, `${name}/${m.memberName}: every rendered key is a v1.2.7 key and applied with its value`, "", bad.join("; "));
    }
  }
  // Negative control: proves the comparison can fail. v1.2.2 writes `default-http-port`, which
  // v1.2.7 silently drops (its HTTP API would then sit on 8080, whatever we set).
  const file = path.join(dir, "control-v122.toml");
  fs.writeFileSync(file, renderCeresMetaToml(kafkaV122, kafkaV122.meta[0]));
  const eff = await decodeOnly(file, dir);
  const bad = notApplied(parse(fs.readFileSync(file, "utf8")), eff).filter((k) => !k.startsWith("data-dir ") && !k.startsWith("peer-urls "));
  expect(
    bad.length === 1 && bad[0].startsWith("default-http-port ") && eff["http-port"] === 8080,
    "control: a v1.2.2 file's default-http-port is dropped by the v1.2.7 server (http-port stays 8080) and detected",
    bad.join("; "),
    `detected: ${bad.join("; ") || "nothing"}; effective http-port ${String(eff["http-port"])}`,
  );
}

async function threeMembers(tmp: string): Promise<void> {
  section(`three members on ${IPS.join(", ")}`);
  const spec = loopbackSpec(rocksdbStatic, 3, "trio");
  expect(spec.version === "v1.2.7", "fixture is CeresMeta v1.2.7", spec.version);
  const members = writeMembers(spec, path.join(tmp, "trio"));
  const files = members.map((m) => parse(fs.readFileSync(m.configPath, "utf8")));
  const meta = files[0];
  const rootPath = String(meta["storage-root-path"]);
  expect(new Set(files.map((f) => f["initial-cluster"])).size === 1, "initial-cluster identical on all three members", String(meta["initial-cluster"]));

  await guardBeforeAndDuringBootstrap(spec, members);
  expect(members[0].httpPort === spec.ports.metaHttp, `the rendered http-port ${spec.ports.metaHttp} is where ${members[0].name} serves its API`, "");
  members.forEach(appliedConfig);

  const views = await Promise.all(members.map((m) => etcdMembers(m)));
  const want = spec.meta
    .map((m) => ({ name: m.memberName, peer: [`http://${m.host.privateIp}:${PORTS.metaPeer}`], client: [`http://${m.host.privateIp}:${PORTS.metaClient}`] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const [i, v] of views.entries()) {
    const got = v.members.map((x) => ({ name: x.name, peer: x.peerURLs, client: x.clientURLs })).sort((a, b) => a.name.localeCompare(b.name));
    expect(
      JSON.stringify(got) === JSON.stringify(want),
      `GET /api/v1/etcd/member on ${members[i].name}: exactly 3 members with the rendered names, advertise-peer and advertise-client URLs`,
      got.map((g) => `${g.name}=${g.peer.join(",")}`).join(" "),
      JSON.stringify(v.members),
    );
  }
  const clusterIds = new Set(views.map((v) => v.clusterId));
  const clusterId = views[0].clusterId;
  expect(clusterIds.size === 1, "all three report the same etcd cluster ID", clusterId, [...clusterIds].join(" / "));
  const memberIds = new Map(views[0].members.map((x) => [x.name, x.ID]));

  const leader = await singleLeader(members, rootPath, "boot");
  const leaderMember = members.find((m) => m.name === leader.name) ?? fail("leader is one of the members", leader.name);
  const cluster = await defaultCluster(spec, leaderMember, meta, "boot");

  await ceresdbEndpoints(spec, members, meta, cluster);

  section("stop the CeresMeta leader: the other two keep answering and elect a new leader");
  await stop(leaderMember);
  const gone = await refused(leaderMember.ip, leaderMember.httpPort) && (await refused(leaderMember.ip, PORTS.metaClient));
  expect(gone, `stopped ${leaderMember.name} (was leader); its HTTP and client ports refuse connections`, "");
  const rest = members.filter((m) => m !== leaderMember);
  for (const m of rest) await waitHealthy(m, "after stop");
  const newLeader = await singleLeader(rest, rootPath, "after stop", WAIT_FAILOVER_MS);
  expect(newLeader.name !== leader.name, "the new leader is one of the two survivors", newLeader.name);
  const survivor = rest.find((m) => m.name === newLeader.name) ?? rest[0];
  const after = await storedClusters(`${survivor.ip}:${PORTS.metaClient}`, rootPath);
  expect(after.length === 1 && after[0].id === cluster.id, "still exactly the one default cluster (the new leader created none)", `ID ${after[0]?.id}`, JSON.stringify(after.map((c) => c.key)));
  let viaSurvivors = "";
  const gOk = await waitFor(WAIT_START_MS, async () => {
    const rs = await Promise.all(rest.map((m) => getNodes(`${m.ip}:${PORTS.metaClient}`, cluster.name)));
    viaSurvivors = rs.map((r) => `code ${r.code}${r.error ? ` (${r.error})` : ""}`).join(" / ");
    return rs.every((r) => r.code === 0n);
  });
  expect(gOk, "gRPC GetNodes via either survivor is answered by the new leader (code 0)", viaSurvivors, viaSurvivors);

  await guardAfterDataLoss(spec, members, leaderMember);

  section("restart the stopped member on the same data dir");
  start(leaderMember);
  await waitHealthy(leaderMember, "rejoin");
  const st = await status(`${leaderMember.ip}:${PORTS.metaClient}`);
  expect(st.member === memberIds.get(leaderMember.name), `${leaderMember.name} rejoined with the same member ID`, st.member, `was ${memberIds.get(leaderMember.name)}, now ${st.member}`);
  expect(st.cluster === clusterId, `${leaderMember.name} is in the same etcd cluster (no new cluster formed)`, st.cluster, `cluster ${st.cluster} != ${clusterId}`);
  const v2 = await etcdMembers(leaderMember);
  const ids2 = v2.members.map((x) => x.ID).sort();
  const ids1 = [...memberIds.values()].sort();
  expect(JSON.stringify(ids1) === JSON.stringify(ids2) && v2.clusterId === clusterId, "GET /api/v1/etcd/member: still the same three member IDs, same cluster ID", ids2.join(","), `before ${ids1} after ${ids2}`);
  await singleLeader(members, rootPath, "after rejoin");
  const final = await storedClusters(`${leaderMember.ip}:${PORTS.metaClient}`, rootPath);
  expect(final.length === 1 && final[0].id === cluster.id, "still exactly the one default cluster, read via the rejoined member", final.map((c) => c.key).join());
  for (const m of members) await stop(m);
  pass("all three stopped");
}

/**
 * The bootstrap guard (renderMetaBootstrapGuard) against the real servers, before and during the
 * first bootstrap; leaves all three members started and healthy.
 */
async function guardBeforeAndDuringBootstrap(spec: ClusterSpec, members: Member[]): Promise<void> {
  section("bootstrap guard: rendered from the spec the run uses, executed against the real members");
  const files = members.map((m) => parse(fs.readFileSync(m.configPath, "utf8")));
  for (const [i, m] of members.entries()) {
    const script = renderMetaBootstrapGuard(spec, spec.meta[i], { dataDir: m.dataDir, allowLoopback: true });
    const peer = guardVar(script, "PEER_URL");
    const others = guardVar(script, "OTHERS").split(" ");
    const listening = files.filter((_, j) => j !== i).map((f) => String(f["client-urls"]));
    expect(
      peer === files[i]["advertise-peer-urls"] && peer === files[i]["peer-urls"] && JSON.stringify(others) === JSON.stringify(listening) && guardVar(script, "DATA_DIR") === m.dataDir,
      `${m.name}'s guard: PEER_URL is its advertised and listening peer URL, OTHERS are the client URLs the other members listen on, DATA_DIR its data-dir`,
      `${peer}; asks ${others.join(" ")}`,
      `PEER_URL ${peer} (advertise ${String(files[i]["advertise-peer-urls"])}, listen ${String(files[i]["peer-urls"])}); OTHERS ${others.join(" ")} (listening: ${listening.join(" ")}); DATA_DIR ${guardVar(script, "DATA_DIR")}`,
    );
  }

  section("bootstrap guard: before any member starts");
  const silent = await Promise.all(members.map((m) => refused(m.ip, PORTS.metaClient)));
  expect(silent.every(Boolean), "no member is running: every client port refuses connections", members.map((m) => `${m.ip}:${PORTS.metaClient}`).join(" "));
  const g0 = await runGuard(spec, 0, members[0], "before-start");
  check(g0.code === 0 && g0.stderr.includes("no running cluster"), `${members[0].name}'s guard goes: "no running cluster"`, showGuard(g0));

  section(`bootstrap guard: ${members[0].name} and ${members[1].name} up (a quorum), ${members[2].name} not started yet`);
  const [a, b, last] = members;
  start(a);
  start(b);
  for (const m of [a, b]) await waitHealthy(m, "partial boot");
  const lastPeer = `http://${last.ip}:${PORTS.metaPeer}`;
  for (const m of [a, b]) {
    let gw: { raw: string; members: GatewayMember[] } = { raw: "", members: [] };
    const answered = await waitFor(WAIT_START_MS, async () => (gw = await gatewayMembers(m.ip)).members.length === members.length);
    expect(answered, `POST /v3/cluster/member/list on ${m.ip}:${PORTS.metaClient} (etcd JSON gateway) lists ${members.length} members`, "", gw.raw || "no answer");
    const e = entryOf(gw.members, lastPeer);
    console.log(`        real answer of ${m.name}: ${gw.raw}`);
    // What the real server says about a member of initial-cluster that never started: etcd adds
    // all of initial-cluster with their names at bootstrap (membership.NewClusterFromURLsMap, the
    // raft ConfChange context carries the name); only the client URLs, which a member publishes
    // once it runs, are missing. An empty name is what `member add` produces, not a static bootstrap.
    check(
      e?.name === last.name && (e.clientURLs ?? []).length === 0,
      `the gateway on ${m.name} lists the unstarted ${last.name} (${lastPeer}) by its initial-cluster name, without client URLs`,
      JSON.stringify(e),
      `its entry is ${JSON.stringify(e)}`,
    );
  }
  const g2 = await runGuard(spec, 2, last, "unstarted");
  // Needed for every first bootstrap in which one member's host comes up after two others.
  check(g2.code === 0 && g2.stderr.includes("not started yet"), `${last.name}'s guard goes: listed as not started`, showGuard(g2));
  start(last);
  for (const m of members) await waitHealthy(m, "boot");
  const started = await gatewayMembers(a.ip);
  console.log(`        real answer of ${a.name} with all three started: ${started.raw}`);
  const e = entryOf(started.members, lastPeer);
  check(
    e?.name === last.name && JSON.stringify(e.clientURLs) === JSON.stringify([`http://${last.ip}:${PORTS.metaClient}`]),
    `once started, the gateway lists ${last.name} by name with its client URL`,
    JSON.stringify(e),
  );
}

/**
 * The bootstrap guard of a stopped member (`stopped`, the former leader): with an empty data dir it
 * must refuse (it ran before: a fresh `new` bootstrap would split the cluster), with state
 * `existing` (re-added) it goes, and on its own intact data dir it goes (WAL). Leaves its data dir
 * intact for the restart.
 */
async function guardAfterDataLoss(spec: ClusterSpec, members: Member[], stopped: Member): Promise<void> {
  section(`bootstrap guard: ${stopped.name} stopped, its data dir emptied`);
  const i = members.indexOf(stopped);
  const peer = `http://${stopped.ip}:${PORTS.metaPeer}`;
  const survivor = members.find((m) => m !== stopped) ?? fail("a survivor", "none");
  const gw = await gatewayMembers(survivor.ip);
  console.log(`        real answer of ${survivor.name} with ${stopped.name} stopped: ${gw.raw}`);
  check(!!entryOf(gw.members, peer)?.name, `the gateway on ${survivor.name} still lists the stopped ${stopped.name} by name`, JSON.stringify(entryOf(gw.members, peer)));

  const kept = `${stopped.dataDir}.kept`;
  fs.renameSync(stopped.dataDir, kept);
  fs.mkdirSync(stopped.dataDir);
  try {
    const lost = await runGuard(spec, i, stopped, "data-lost");
    check(lost.code === 1 && lost.stderr.includes("REFUSED"), `${stopped.name}'s guard with an empty data dir and state new: exit 1, REFUSED`, showGuard(lost));
    const readded: ClusterSpec = { ...spec, meta: spec.meta.map((m, j) => (j === i ? { ...m, initialClusterState: "existing" as const } : m)) };
    const ex = await runGuard(readded, i, stopped, "existing");
    check(ex.code === 0 && ex.stderr.includes("existing"), `${stopped.name}'s guard with state existing (re-added), empty data dir: exit 0`, showGuard(ex));
  } finally {
    fs.rmSync(stopped.dataDir, { recursive: true, force: true });
    fs.renameSync(kept, stopped.dataDir);
  }
  const wal = fs.readdirSync(path.join(stopped.dataDir, "wal"));
  const own = await runGuard(spec, i, stopped, "own-data");
  check(own.code === 0 && own.stderr.includes("WAL"), `${stopped.name}'s guard on its intact data dir (wal/: ${wal.join(", ")}): exit 0, WAL`, showGuard(own));
}

/** The CeresDB side: the addresses renderCeresDbToml writes must be served by this cluster. */
async function ceresdbEndpoints(spec: ClusterSpec, members: Member[], meta: Doc, cluster: ClusterKey): Promise<void> {
  section("CeresDB TOML endpoints (etcd_client.server_addrs, root_path, meta_client.meta_addr)");
  const db = parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets, { allowLoopback: true }));
  const addrs = get(db, "cluster_deployment.etcd_client.server_addrs") as string[];
  const rootPath = get(db, "cluster_deployment.etcd_client.root_path") as string;
  const clusterName = get(db, "cluster_deployment.meta_client.cluster_name") as string;
  const metaAddr = get(db, "cluster_deployment.meta_client.meta_addr") as string;
  expect(rootPath === meta["storage-root-path"], "root_path == CeresMeta storage-root-path", rootPath);
  expect(clusterName === meta["default-cluster-name"] && clusterName === cluster.name, "cluster_name == default-cluster-name == the cluster the leader created", clusterName);
  const advertised = members.map((m) => `${m.ip}:${PORTS.metaClient}`);
  expect(JSON.stringify(addrs) === JSON.stringify(advertised), "server_addrs == every member's advertised client endpoint", addrs.join(","));

  for (const a of addrs) {
    const seen = await storedClusters(a, rootPath);
    expect(seen.length === 1 && seen[0].key === cluster.key, `via ${a}: CeresMeta's keys under root_path are served (${cluster.key})`, "", JSON.stringify(seen.map((c) => c.key)));
  }
  // What CeresDB does with these: shard locks under {root_path}/{cluster_name}/shards.
  const key = `${rootPath}/${clusterName}/shards/meta-proof-${RUN_ID}`;
  const writer = etcdClient(addrs[0]);
  const lease = writer.lease(30, { autoKeepAlive: false });
  await withTimeout(lease.put(key).value("node-0").exec(), `put ${key}`);
  for (const a of addrs) {
    const r = etcdClient(a);
    const v = await withTimeout(r.get(key).string(), `get via ${a}`);
    r.close();
    expect(v === "node-0", `lease-bound shard-lock key written via ${addrs[0]} is read via ${a}`, key, `got ${v}`);
  }
  await withTimeout(lease.revoke(), "revoke");
  const gone = await withTimeout(etcdClient(addrs[1]).get(key).string(), "get after revoke");
  expect(gone === null, "revoking the lease removes the key (lock semantics work)", key, `still ${gone}`);
  writer.close();

  const u = new URL(metaAddr);
  expect(u.protocol === "http:" && u.pathname === "/" && addrs.includes(u.host), "meta_addr is http://<one member's client endpoint>", metaAddr);
  const viaMeta = await getNodes(u.host, clusterName);
  expect(viaMeta.code === 0n, `gRPC meta_service.CeresmetaRpcService/GetNodes via meta_addr for ${clusterName}: code 0`, `${viaMeta.nodeShards} node shards (no CeresDB node registered)`, `code ${viaMeta.code}: ${viaMeta.error}`);
  for (const a of addrs.filter((x) => x !== u.host)) {
    const r = await getNodes(a, clusterName);
    expect(r.code === 0n, `GetNodes via ${a} (forwarded to the leader if a follower): code 0`, "", `code ${r.code}: ${r.error}`);
  }
  const control = await getNodes(u.host, "no-such-cluster");
  expect(control.code !== 0n, "control: GetNodes for an unknown cluster name is refused", `code ${control.code}: ${control.error}`, "answered code 0");
}

async function standaloneMember(tmp: string): Promise<void> {
  section("standalone (single-member) config");
  const spec = loopbackSpec(ALL_FIXTURES.standalone, 1, "solo");
  expect(spec.version === "v1.2.7", "fixture is CeresMeta v1.2.7", spec.version);
  const [m] = writeMembers(spec, path.join(tmp, "solo"));
  const meta = parse(fs.readFileSync(m.configPath, "utf8"));
  expect(meta["initial-cluster"] === `meta0=http://127.0.0.1:${PORTS.metaPeer}`, "one-member initial-cluster", String(meta["initial-cluster"]));
  start(m);
  await waitHealthy(m, "standalone boot");
  appliedConfig(m);
  const v = await etcdMembers(m);
  expect(v.members.length === 1 && v.members[0].name === "meta0", "GET /api/v1/etcd/member: exactly meta0", v.members.map((x) => x.name).join());
  const leader = await singleLeader([m], String(meta["storage-root-path"]), "standalone");
  expect(leader.name === "meta0", "the single member is the leader", leader.endpoint);
  await defaultCluster(spec, m, meta, "standalone");
  await stop(m);
  pass("standalone stopped");
}

async function main(): Promise<number> {
  try {
    const outer = await runInPrivateNetns();
    if (outer !== null) return outer;
  } catch (e) {
    if (!(e instanceof CheckFailed)) throw e;
    return summary();
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meta-proof-"));
  process.on("exit", killAllNow);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      console.log(`\nmeta-proof: ${sig}: killing ${running.size} started process(es); logs kept in ${tmp}`);
      killAllNow();
      process.exit(130);
    });
  }
  console.log(`meta-proof: real CeresMeta v1.2.7 (${path.relative(ROOT, BIN)}); work dir ${tmp}`);
  let crashed = false;
  try {
    await preflight();
    await decodeRendered(tmp);
    await threeMembers(tmp);
    await standaloneMember(tmp);
  } catch (e) {
    if (!(e instanceof CheckFailed)) {
      crashed = true;
      results.push({ name: "harness", ok: false, detail: String(e) });
      console.log(`  FAIL  harness error: ${e instanceof Error ? e.stack : String(e)}`);
    }
  } finally {
    for (const c of clients) c.close();
    for (const p of [...running]) killGroup(p, "SIGTERM");
    await waitFor(WAIT_STOP_MS, async () => running.size === 0);
    killAllNow();
  }
  const failed = results.some((r) => !r.ok) || crashed;
  if (!failed) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`meta-proof: logs kept in ${tmp}`);
  return summary();
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    killAllNow();
    process.exit(1);
  },
);
