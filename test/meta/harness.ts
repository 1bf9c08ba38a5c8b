/**
 * The meta proof's harness: where it runs (a private network namespace), the processes it starts
 * (each in its own process group, killed on exit, failure or signal), bounded waits, ports and
 * loopback addresses, the temp dir, and the three CeresMeta members' files on this machine (the
 * rendered TOMLs with the one local override). No CeresMeta behaviour is asserted here beyond the
 * local override staying within its four keys; the checks live under checks/.
 */
import { validateLoadBalancers } from "../../components/model/validate/loadBalancers";
import { ChildProcess, spawn, SpawnOptions, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as TOML from "@iarna/toml";
import { renderCeresMetaToml } from "../../components/render";
import { ClusterSpec, MetaMemberSpec } from "../../components/model/types";
import { CALL_TIMEOUT_MS, closeClients, ClusterKey, Doc, effectiveConfig, parse } from "./protocol";
import { Proof } from "./report";

export const ROOT = path.resolve(__dirname, "../..");
export const BIN = path.join(ROOT, ".cache/bin/ceresmeta-v1.2.7");
export const GO_SUM = path.join(ROOT, "test/meta/go.sum");
/** Not the defaults (2379/2380/8080), so nothing collides even when run on the host network. */
export const PORTS = { metaClient: 23791, metaPeer: 23801, metaHttp: 28081 };
/** Ports a check group may take for what it starts itself (a proxy, a scraper): 28100 upwards, see nextPort(). */
const FIRST_EXTRA_PORT = 28100;
export const IPS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
export const WAIT_START_MS = 60_000;
/** CeresMeta's leader key lives on a 10 s lease (lease-sec default); a successor needs that plus an election. */
export const WAIT_FAILOVER_MS = 45_000;
export const WAIT_STOP_MS = 10_000;
export { CALL_TIMEOUT_MS };
export const IN_NETNS = "META_PROOF_IN_NETNS";
/** Distinguishes runs (initial-cluster-token, lock key); the PID alone is always 1 inside the PID namespace. */
export const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
const HOST_NET = "META_PROOF_HOST_NET";

// ---------------------------------------------------------------- private network namespace

/**
 * Re-runs this script inside `unshare --user --map-root-user --net --pid --fork` with loopback up.
 * Returns the child's exit code, or null when this process should run the proof itself.
 */
export async function runInPrivateNetns(proof: Proof): Promise<number | null> {
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
    proof.fail(
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

const running = new Set<ChildProcess>();

export function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

export function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
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

/**
 * Starts any process the proof needs (a server, a proxy, a script) in its own process group and
 * tracks it: it is killed when the run ends, fails or is interrupted. Always use this, never spawn.
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const proc = spawn(command, args, { ...options, detached: true });
  running.add(proc);
  proc.on("exit", () => running.delete(proc));
  proc.on("error", () => running.delete(proc));
  return proc;
}

/** Stops a tracked process: SIGTERM, then SIGKILL after WAIT_STOP_MS. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  killGroup(proc, "SIGTERM");
  if (!(await waitFor(WAIT_STOP_MS, async () => !alive(proc)))) killGroup(proc, "SIGKILL");
}

/** Starts the real server. Its environment is empty except `env`: CeresMeta lets variables such as DATA_DIR or HTTP_PORT override the TOML. */
export function startServer(configPath: string, logPath: string, env: Record<string, string> = {}): ChildProcess {
  const out = fs.openSync(logPath, "a");
  const proc = spawnTracked(BIN, ["-config", configPath], { stdio: ["ignore", out, out], env });
  fs.closeSync(out);
  return proc;
}

export function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The config a server runs with, from its log (`server start with config`). */
export function effectiveConfigOf(logPath: string): Doc | null {
  return effectiveConfig(tail(logPath, 100_000));
}

// ---------------------------------------------------------------- waits and ports

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns true or `ms` elapse; never throws, returns the outcome. */
export async function waitFor(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
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

export function canBind(ip: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(`${ip}:${port}: ${e.code ?? e.message}`));
    srv.listen({ host: ip, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

/** True when nothing accepts a TCP connection there (the member really stopped). */
export function refused(ip: string, port: number): Promise<boolean> {
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

let extraPorts = 0;
/** A port for something a check group starts itself; distinct on every call, never one of PORTS. */
export function nextPort(): number {
  return FIRST_EXTRA_PORT + extraPorts++;
}

// ---------------------------------------------------------------- the run: temp dir, cleanup

/** What every check group gets: the reporter and a place for its files. */
export interface MetaRun {
  proof: Proof;
  /** The run's temp dir (kept when anything failed, removed otherwise). */
  tmp: string;
  /** A fresh directory `<tmp>/<name>` for one group's files. */
  dir(name: string): string;
}

/** Creates the temp dir and makes every started process die with the run, on exit and on SIGINT/SIGTERM/SIGHUP. */
export function beginRun(proof: Proof): MetaRun {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meta-proof-"));
  process.on("exit", killAllNow);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      console.log(`\nmeta-proof: ${sig}: killing ${running.size} started process(es); logs kept in ${tmp}`);
      killAllNow();
      process.exit(130);
    });
  }
  return {
    proof,
    tmp,
    dir(name: string): string {
      const d = path.join(tmp, name);
      fs.mkdirSync(d, { recursive: true });
      return d;
    },
  };
}

/** Closes every client, stops every process still running (TERM, then KILL), removes the temp dir unless something failed. */
export async function endRun(run: MetaRun): Promise<void> {
  closeClients();
  for (const p of [...running]) killGroup(p, "SIGTERM");
  await waitFor(WAIT_STOP_MS, async () => running.size === 0);
  killAllNow();
  if (run.proof.ok) fs.rmSync(run.tmp, { recursive: true, force: true });
  else console.log(`meta-proof: logs kept in ${run.tmp}`);
}

// ---------------------------------------------------------------- CeresMeta members on this machine

export interface Member {
  name: string;
  ip: string;
  httpPort: number;
  configPath: string;
  dataDir: string;
  logPath: string;
  proc?: ChildProcess;
}

/** `ip:port` of a member's etcd client URL (what CeresDB's server_addrs and meta_addr name). */
export function clientEndpoint(m: Member): string {
  return `${m.ip}:${PORTS.metaClient}`;
}

export function start(m: Member): void {
  m.proc = startServer(m.configPath, m.logPath);
}

export async function stop(m: Member): Promise<void> {
  const proc = m.proc;
  if (!proc) return;
  await stopProcess(proc);
  m.proc = undefined;
}

/**
 * A copy of the built `base` for this machine: its meta members on 127.0.0.1 upwards, its server
 * nodes on 127.0.0.11 upwards, PORTS instead of the default ports (nothing collides on the host
 * network either), an initial-cluster-token of this run, and the load balancers as the stack derives them for
 * these addresses. Nothing else changes.
 */
export function loopbackSpec(base: ClusterSpec, stack: string): ClusterSpec {
  if (base.meta.length > IPS.length) throw new Error(`at most ${IPS.length} meta members on loopback`);
  const ports = { ...base.ports, ...PORTS };
  const meta = base.meta.map((m, i) => ({ ...m, host: { ...m.host, privateIp: IPS[i] } }));
  const nodes = base.nodes.map((n, i) => ({ ...n, host: { ...n.host, privateIp: `127.0.0.${i + 11}` } }));
  // The load balancers as the stack derives them, for a first vSwitch 127.0.0.0/24: the meta one
  // at 127.0.0.8, where the proof's HAProxy stands in for the CLB (checks/cluster/30-metaLoadBalancer.ts).
  const lbs = validateLoadBalancers({
    namePrefix: base.namePrefix,
    version: base.version,
    ports,
    zones: [{ zoneId: base.network.zones[0].zoneId, cidr: "127.0.0.0/24" }],
    clientCidrs: ["127.0.0.0/8"],
    allowPublicAccess: false,
    metaHosts: meta.map((m) => m.host),
    nodeHosts: nodes.map((n) => n.host),
  });
  if (lbs.problems.length > 0) throw new Error(`loopback load balancers: ${JSON.stringify(lbs.problems)}`);
  return {
    ...base,
    stack,
    ports,
    bootstrap: { ...base.bootstrap, initialClusterToken: `meta-proof-${stack}-${RUN_ID}` },
    meta,
    nodes,
    loadBalancers: lbs.loadBalancers,
  };
}

/**
 * THE local override: the rendered file is parsed, these keys are replaced, and it is
 * re-stringified. `data-dir` points into the temp folder (the container path does not exist
 * here); `client-urls`/`peer-urls` listen on the member's own loopback address instead of 0.0.0.0,
 * because three members share this machine. `http-port` only for the 2nd and 3rd member:
 * CeresMeta binds it on every interface, so three members on one machine cannot share it (on three
 * hosts they do); the first member keeps the rendered port. Every other key, including all
 * advertise URLs and initial-cluster, is exactly what production hosts get; checked in writeMembers.
 */
function localOverride(rendered: string, member: MetaMemberSpec, dataDir: string, httpPort: number): string {
  const doc = TOML.parse(rendered);
  doc["data-dir"] = dataDir;
  doc["client-urls"] = `http://${member.host.privateIp}:${PORTS.metaClient}`;
  doc["peer-urls"] = `http://${member.host.privateIp}:${PORTS.metaPeer}`;
  doc["http-port"] = httpPort;
  return TOML.stringify(doc);
}

/** Writes each member's rendered TOML with the local override under `dir`; checks the override changed only its keys. */
export function writeMembers(proof: Proof, spec: ClusterSpec, dir: string): Member[] {
  return spec.meta.map((m, i) => {
    const rendered = renderCeresMetaToml(spec, m, { allowLoopback: true });
    const dataDir = path.join(dir, m.memberName, "data");
    const httpPort = PORTS.metaHttp + i;
    const local = localOverride(rendered, m, dataDir, httpPort);
    const a = parse(rendered);
    const b = parse(local);
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
    const allowed = ["client-urls", "data-dir", ...(i > 0 ? ["http-port"] : []), "peer-urls"];
    proof.expect(
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

// ---------------------------------------------------------------- the running three-member cluster

export interface Leader {
  endpoint: string;
  name: string;
  id: string;
}

/**
 * What a cluster check group receives (checks/cluster/*.ts): three real CeresMeta members on
 * 127.0.0.1-3, started from the rendered files, all healthy, with exactly one leader and the default
 * cluster created. A group must hand it back in that state: every member running and healthy, one
 * leader (and `leader` updated if it changed), the same one cluster.
 */
export interface RunningCluster {
  run: MetaRun;
  proof: Proof;
  /** The loopback spec every file was rendered from. */
  spec: ClusterSpec;
  members: Member[];
  /** Each member's TOML as written (the rendered file with the local override). */
  files: Doc[];
  /** files[0]: the keys every member shares (storage-root-path, default-cluster-*...). */
  meta: Doc;
  rootPath: string;
  /** The embedded etcd's cluster ID and each member's ID (by member name), as of boot. */
  clusterId: string;
  memberIds: Map<string, string>;
  /** The current CeresMeta leader; a group that moves leadership sets it. */
  leader: Leader;
  /** The default cluster the first leader created. */
  cluster: ClusterKey;
}

/**
 * One group of checks on the running cluster: a file `checks/cluster/<NN>-<name>.ts` exporting
 * `checks: ClusterChecks`. Groups run in file-name order, one after another, each getting the same
 * RunningCluster (see test/meta/README.md, "Adding a check group").
 */
export interface ClusterChecks {
  /** What the group proves, in a few words (printed before it runs). */
  title: string;
  /** Records its checks on `c.proof`; hands `c` back as the RunningCluster contract says. */
  run(c: RunningCluster): Promise<void>;
}
