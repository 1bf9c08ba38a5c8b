/**
 * `npm run test:meta`: proves the CeresMeta configs our renderer writes form a working etcd
 * cluster, and that the endpoints our CeresDB config points at are served by it.
 *
 * What runs: .cache/bin/meta-standin-etcd-v3.5.4 (built by .ci/meta-build.sh from
 * tools/meta-proof/standin), i.e. CeresMeta v1.2.7's embedded etcd (go.etcd.io/etcd/server/v3
 * v3.5.4) configured from our TOML exactly as CeresMeta configures it, with the TOML decoded by
 * go-toml v2 in strict mode. CeresMeta itself is not obtainable here (module proxy: 403), so its
 * own gRPC service, HTTP API (/api/v1/health, /api/v1/etcd/member) and default-cluster creation
 * are NOT exercised; the equivalent etcd-level facts are checked with a real etcd v3 gRPC client
 * (the `etcd3` package), which is also how CeresDB itself talks to these endpoints.
 *
 * Layout: three members on 127.0.0.1, 127.0.0.2, 127.0.0.3 with the same ports on each (as on
 * three hosts). Everything listens on loopback only, every wait is bounded, every process is
 * started in its own process group and killed on exit, failure or signal. Any missing piece
 * (binary, address, port) is a failure, never a skip.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as TOML from "@iarna/toml";
import { Etcd3 } from "etcd3";
import { renderCeresDbToml, renderCeresMetaToml } from "../../components/render";
import { ClusterSpec, MetaMemberSpec } from "../../components/spec/types";
import { ALL_FIXTURES, fakeSecrets, kafkaV122, metaMembers, rocksdbStatic, serverNodes } from "../../test/fixtures/specs";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, ".cache/bin/meta-standin-etcd-v3.5.4");
/** Not the defaults (2379/2380/8080), so a developer's own etcd or web server cannot collide. */
const PORTS = { metaClient: 23791, metaPeer: 23801, metaHttp: 28081 };
const WAIT_START_MS = 60_000;
const WAIT_STOP_MS = 10_000;
const CALL_TIMEOUT_MS = 5_000;

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
function section(title: string): void {
  console.log(`\n== ${title} (t+${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}

// ---------------------------------------------------------------- processes

interface Member {
  name: string;
  ip: string;
  configPath: string;
  dataDir: string;
  logPath: string;
  proc?: ChildProcess;
}

const running = new Set<ChildProcess>();

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal); // negative pid: the whole process group
  } catch {
    /* already gone */
  }
}

function killAllNow(): void {
  for (const p of running) killGroup(p, "SIGKILL");
}
process.on("exit", killAllNow);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    console.log(`\nmeta-proof: ${sig}: killing ${running.size} started process(es)`);
    killAllNow();
    process.exit(130);
  });
}

function start(m: Member): void {
  const out = fs.openSync(m.logPath, "a");
  const proc = spawn(BIN, ["-config", m.configPath], { detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  running.add(proc);
  proc.on("exit", () => running.delete(proc));
  m.proc = proc;
}

async function stop(m: Member): Promise<void> {
  const proc = m.proc;
  if (!proc) return;
  killGroup(proc, "SIGTERM");
  const exited = await waitFor(`${m.name} exit`, WAIT_STOP_MS, async () => proc.exitCode !== null || proc.signalCode !== null);
  if (!exited) killGroup(proc, "SIGKILL");
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
async function waitFor(_what: string, ms: number, probe: () => Promise<boolean>): Promise<boolean> {
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
  return Promise.race([
    p,
    new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms)),
  ]);
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  return { status: res.status, body: await res.text() };
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

function parse(text: string): Record<string, unknown> {
  return TOML.parse(text) as Record<string, unknown>;
}

function get(doc: Record<string, unknown>, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
}

/** A copy of `spec` with meta members on loopback (and server nodes on further loopback IPs). */
function loopbackSpec(base: ClusterSpec, metaCount: number, stack: string): ClusterSpec {
  return {
    ...base,
    stack,
    ports: { ...base.ports, ...PORTS },
    bootstrap: { ...base.bootstrap, initialClusterToken: `meta-proof-${stack}-${process.pid}` },
    meta: metaMembers(metaCount, (i) => `127.0.0.${i + 1}`),
    nodes: serverNodes(base.nodes.length, (i) => `127.0.0.${i + 11}`),
  };
}

/**
 * THE local override, and the only one: the rendered file is parsed, exactly three keys are
 * replaced and it is re-stringified. `data-dir` points into the temp folder (the container path
 * /var/lib/ceresmeta does not exist here); `client-urls`/`peer-urls` listen on the member's own
 * loopback address instead of 0.0.0.0, because three members share this machine (0.0.0.0 would
 * collide on the shared port and would listen beyond loopback). Every other key, including all
 * advertise URLs and initial-cluster, is exactly what production hosts get; checked below.
 */
const OVERRIDDEN_KEYS = ["data-dir", "client-urls", "peer-urls"];
function localOverride(rendered: string, member: MetaMemberSpec, dataDir: string): string {
  const doc = TOML.parse(rendered);
  doc["data-dir"] = dataDir;
  doc["client-urls"] = `http://${member.host.privateIp}:${PORTS.metaClient}`;
  doc["peer-urls"] = `http://${member.host.privateIp}:${PORTS.metaPeer}`;
  return TOML.stringify(doc);
}

function writeMembers(spec: ClusterSpec, dir: string): Member[] {
  return spec.meta.map((m) => {
    const rendered = renderCeresMetaToml(spec, m, { allowLoopback: true });
    const dataDir = path.join(dir, m.memberName, "data");
    const local = localOverride(rendered, m, dataDir);
    const a = parse(rendered);
    const b = parse(local);
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    expect(
      JSON.stringify(changed.sort()) === JSON.stringify([...OVERRIDDEN_KEYS].sort()),
      `${spec.stack}/${m.memberName}: local override changes only ${OVERRIDDEN_KEYS.join(", ")}`,
      `changed: ${changed.join(", ")}`,
    );
    fs.mkdirSync(path.join(dir, m.memberName), { recursive: true });
    const configPath = path.join(dir, m.memberName, "ceresmeta.toml");
    fs.writeFileSync(configPath, local);
    return { name: m.memberName, ip: m.host.privateIp, configPath, dataDir, logPath: path.join(dir, m.memberName, "stdout.log") };
  });
}

async function waitHealthy(m: Member, what: string): Promise<void> {
  const ok = await waitFor(`${m.name} health`, WAIT_START_MS, async () => {
    if (m.proc && (m.proc.exitCode !== null || m.proc.signalCode !== null)) throw new Error("exited");
    const s = await httpGet(`http://${m.ip}:${PORTS.metaHttp}/standin/health`);
    const e = await httpGet(`http://${m.ip}:${PORTS.metaClient}/health`);
    return s.status === 200 && e.status === 200 && JSON.parse(e.body).health === "true";
  });
  expect(
    ok,
    `${what}: ${m.name} healthy on ${m.ip}:${PORTS.metaHttp} (http-port) and etcd /health on ${m.ip}:${PORTS.metaClient}`,
    "",
    `not healthy within ${WAIT_START_MS} ms; log:\n${tail(m.logPath)}\n${tail(path.join(m.dataDir, "etcd.log"), 5)}`,
  );
}

/** Every member's view of the leader; passes only when all name the same single leader. */
async function singleLeader(members: Member[], what: string): Promise<string> {
  let last = "";
  const ok = await waitFor("leader", WAIT_START_MS, async () => {
    const st = await Promise.all(members.map((m) => status(`${m.ip}:${PORTS.metaClient}`)));
    const leaders = new Set(st.map((s) => s.leader));
    const selfLeaders = st.filter((s) => s.member === s.leader).length;
    last = `leaders seen ${[...leaders].join("/")}, members claiming leadership ${selfLeaders}`;
    return leaders.size === 1 && !leaders.has("0") && selfLeaders === 1;
  });
  expect(ok, `${what}: exactly one leader`, last, last || "no status answers");
  return (await status(`${members[0].ip}:${PORTS.metaClient}`)).leader;
}

// ---------------------------------------------------------------- the proof

async function preflight(): Promise<void> {
  section("preflight");
  expect(fs.existsSync(BIN), `binary ${path.relative(ROOT, BIN)} present`, "", "missing: run `bash .ci/meta-build.sh` (needs Go)");
  const problems = (
    await Promise.all(
      ["127.0.0.1", "127.0.0.2", "127.0.0.3"].flatMap((ip) => Object.values(PORTS).map((p) => canBind(ip, p))),
    )
  ).filter((x): x is string => x !== null);
  expect(problems.length === 0, "127.0.0.1-3 usable and ports free on each", `ports ${Object.values(PORTS).join("/")}`, problems.join("; "));
}

function strictDecode(tmp: string): void {
  section("strict decode of every rendered v1.2.7 CeresMeta TOML (go-toml v2, unknown keys = error)");
  for (const [name, spec] of Object.entries(ALL_FIXTURES)) {
    if (spec.version !== "v1.2.7") continue;
    for (const m of spec.meta) {
      const file = path.join(tmp, `check-${name}-${m.memberName}.toml`);
      fs.writeFileSync(file, renderCeresMetaToml(spec, m));
      let eff: Record<string, unknown>;
      try {
        eff = JSON.parse(execFileSync(BIN, ["-config", file, "-check"], { encoding: "utf8", timeout: 10_000 }));
      } catch (e) {
        fail(`${name}/${m.memberName} decodes`, String((e as { stderr?: string }).stderr ?? e));
      }
      const ok =
        eff["node-name"] === m.memberName &&
        eff["http-port"] === spec.ports.metaHttp &&
        eff["default-cluster-node-count"] === spec.bootstrap.nodeCount &&
        eff["storage-root-path"] === spec.bootstrap.storageRootPath &&
        eff["topology-type"] === spec.bootstrap.topology;
      expect(ok, `${name}/${m.memberName} decodes; node-name, http-port, node-count, root path, topology as rendered`, "", JSON.stringify(eff));
    }
  }
  // Negative control: proves the strict decode can fail. v1.2.2 writes `default-http-port`,
  // which v1.2.7 would silently drop (its HTTP API would then sit on 8080, whatever we set).
  const file = path.join(tmp, "check-v122.toml");
  fs.writeFileSync(file, renderCeresMetaToml(kafkaV122, kafkaV122.meta[0]));
  let rejected = "";
  try {
    execFileSync(BIN, ["-config", file, "-check"], { encoding: "utf8", timeout: 10_000, stdio: "pipe" });
  } catch (e) {
    rejected = String((e as { stderr?: string }).stderr ?? "");
  }
  expect(rejected.includes("default-http-port"), "control: a v1.2.2 file (default-http-port) is rejected by the v1.2.7 key set", "", `not rejected: ${rejected}`);
}

async function threeMembers(tmp: string): Promise<void> {
  section("three members on 127.0.0.1-3");
  const spec = loopbackSpec(rocksdbStatic, 3, "trio");
  const members = writeMembers(spec, path.join(tmp, "trio"));
  const ic = members.map((m) => parse(fs.readFileSync(m.configPath, "utf8"))["initial-cluster"]);
  expect(new Set(ic).size === 1, "initial-cluster identical on all three members", String(ic[0]));

  members.forEach(start);
  for (const m of members) await waitHealthy(m, "boot");
  const leader = await singleLeader(members, "boot");

  const c = etcdClient(members.map((m) => `${m.ip}:${PORTS.metaClient}`));
  const list = await withTimeout(c.cluster.memberList({}), "memberList");
  const want = spec.meta.map((m) => ({ name: m.memberName, peer: `http://${m.host.privateIp}:${PORTS.metaPeer}`, client: `http://${m.host.privateIp}:${PORTS.metaClient}` }));
  const got = list.members.map((m) => ({ name: m.name, peer: m.peerURLs.join(","), client: m.clientURLs.join(",") }));
  const sortByName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  expect(
    JSON.stringify(got.sort(sortByName)) === JSON.stringify(want.sort(sortByName)),
    "member list: exactly 3 members with the rendered names, advertise-peer and advertise-client URLs",
    got.map((g) => `${g.name}=${g.peer}`).join(","),
    `got ${JSON.stringify(got)}`,
  );
  const before = new Map<string, { member: string; cluster: string }>();
  for (const m of members) before.set(m.name, await status(`${m.ip}:${PORTS.metaClient}`));
  const clusterIds = new Set([...before.values()].map((s) => s.cluster));
  expect(clusterIds.size === 1, "all three report the same cluster ID", [...clusterIds].join());

  await ceresdbEndpoints(spec, members);

  section("stop the leader: the other two keep answering and elect a leader");
  const victim = members.find((m) => before.get(m.name)?.member === leader);
  if (!victim) fail("leader is one of the members", `leader ${leader}`);
  await stop(victim);
  pass(`stopped ${victim.name} (was leader ${leader})`);
  const rest = members.filter((m) => m !== victim);
  for (const m of rest) await waitHealthy(m, "after stop");
  const newLeader = await singleLeader(rest, "after stop");
  expect(newLeader !== leader && rest.some((m) => before.get(m.name)?.member === newLeader), "new leader is one of the two survivors", newLeader);

  section("restart the stopped member on the same data dir");
  start(victim);
  await waitHealthy(victim, "rejoin");
  const after = await status(`${victim.ip}:${PORTS.metaClient}`);
  expect(after.member === before.get(victim.name)?.member, `${victim.name} rejoined with the same member ID`, after.member, `was ${before.get(victim.name)?.member}, now ${after.member}`);
  expect(after.cluster === [...clusterIds][0], `${victim.name} is in the same cluster (no new cluster formed)`, after.cluster, `cluster ${after.cluster} != ${[...clusterIds][0]}`);
  const list2 = await withTimeout(c.cluster.memberList({}), "memberList");
  const ids2 = list2.members.map((m) => m.ID).sort();
  const ids1 = [...before.values()].map((s) => s.member).sort();
  expect(JSON.stringify(ids1) === JSON.stringify(ids2), "member list still the same three member IDs", ids2.join(","), `before ${ids1} after ${ids2}`);
  await singleLeader(members, "after rejoin");
  c.close();
  for (const m of members) await stop(m);
  pass("all three stopped");
}

/** The CeresDB side: the addresses renderCeresDbToml writes must be served by this cluster. */
async function ceresdbEndpoints(spec: ClusterSpec, members: Member[]): Promise<void> {
  section("CeresDB TOML endpoints (etcd_client.server_addrs, root_path, meta_client.meta_addr)");
  const meta = parse(fs.readFileSync(members[0].configPath, "utf8"));
  const db = parse(renderCeresDbToml(spec, spec.nodes[0], fakeSecrets, { allowLoopback: true }));
  const addrs = get(db, "cluster_deployment.etcd_client.server_addrs") as string[];
  const rootPath = get(db, "cluster_deployment.etcd_client.root_path") as string;
  const clusterName = get(db, "cluster_deployment.meta_client.cluster_name") as string;
  const metaAddr = get(db, "cluster_deployment.meta_client.meta_addr") as string;
  expect(rootPath === meta["storage-root-path"], "root_path == CeresMeta storage-root-path", rootPath);
  expect(clusterName === meta["default-cluster-name"], "cluster_name == CeresMeta default-cluster-name", clusterName);
  const advertised = members.map((m) => `${m.ip}:${PORTS.metaClient}`);
  expect(JSON.stringify(addrs) === JSON.stringify(advertised), "server_addrs == every member's advertised client endpoint", addrs.join(","));

  // What CeresDB does with these: shard locks under {root_path}/{cluster_name}/shards.
  const key = `${rootPath}/${clusterName}/shards/meta-proof-${process.pid}`;
  const writer = etcdClient(addrs[0]);
  const lease = writer.lease(30, { autoKeepAlive: false });
  await withTimeout(lease.put(key).value("node-0").exec(), `put ${key}`);
  for (const a of addrs) {
    const r = etcdClient(a);
    const v = await withTimeout(r.get(key).string(), `get via ${a}`);
    r.close();
    expect(v === "node-0", `lease-bound key under root_path written via ${addrs[0]} is read via ${a}`, key, `got ${v}`);
  }
  await withTimeout(lease.revoke(), "revoke");
  const gone = await withTimeout(etcdClient(addrs[1]).get(key).string(), "get after revoke");
  expect(gone === null, "revoking the lease removes the key (lock semantics work)", key, `still ${gone}`);
  writer.close();

  const u = new URL(metaAddr);
  expect(u.protocol === "http:" && u.pathname === "/", "meta_addr has the http:// scheme and no path", metaAddr);
  expect(addrs.includes(u.host), "meta_addr is one of the etcd client listeners (CeresMeta serves gRPC there)", u.host);
  const viaMeta = await status(metaAddr);
  const viaFirst = await status(addrs[0]);
  expect(viaMeta.cluster === viaFirst.cluster, "a gRPC client dialling meta_addr is answered by the same cluster", viaMeta.cluster);
}

async function standaloneMember(tmp: string): Promise<void> {
  section("standalone (single-member) config");
  const spec = loopbackSpec(ALL_FIXTURES.standalone, 1, "solo");
  const [m] = writeMembers(spec, path.join(tmp, "solo"));
  const ic = parse(fs.readFileSync(m.configPath, "utf8"))["initial-cluster"];
  expect(ic === `meta0=http://127.0.0.1:${PORTS.metaPeer}`, "one-member initial-cluster", String(ic));
  start(m);
  await waitHealthy(m, "standalone boot");
  const c = etcdClient(`${m.ip}:${PORTS.metaClient}`);
  const list = await withTimeout(c.cluster.memberList({}), "memberList");
  c.close();
  expect(list.members.length === 1 && list.members[0].name === "meta0", "member list has exactly meta0", list.members.map((x) => x.name).join());
  const s = await status(`${m.ip}:${PORTS.metaClient}`);
  expect(s.leader === s.member, "the single member is the leader", s.leader);
  await stop(m);
  pass("standalone stopped");
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meta-proof-"));
  console.log(`meta-proof: ${path.relative(ROOT, BIN)} (CeresMeta v1.2.7's embedded etcd v3.5.4 stand-in); work dir ${tmp}`);
  let crashed: unknown;
  try {
    await preflight();
    strictDecode(tmp);
    await threeMembers(tmp);
    await standaloneMember(tmp);
  } catch (e) {
    if (!(e instanceof CheckFailed)) {
      crashed = e;
      results.push({ name: "harness", ok: false, detail: String(e) });
      console.log(`  FAIL  harness error: ${e instanceof Error ? e.stack : String(e)}`);
    }
  } finally {
    for (const c of clients) c.close();
    const procs = [...running];
    for (const p of procs) killGroup(p, "SIGTERM");
    await waitFor("all exited", WAIT_STOP_MS, async () => running.size === 0);
    killAllNow();
  }
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  if (failed === 0 && !crashed) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`meta-proof: logs kept in ${tmp}`);
  console.log(`\nmeta-proof: ${passed} passed, ${failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    killAllNow();
    process.exit(1);
  },
);
