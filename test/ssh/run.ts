/**
 * `npm run test:ssh`: the stack's remote commands and SSH options against a REAL OpenSSH server
 * (Debian's openssh-server, run with the stock Ubuntu 22.04 settings in
 * test/ssh/fixtures/ubuntu-22.04/), as issue 9 asks ("A real SSH server").
 *
 * Layout: three network namespaces made here (iproute2), each with one sshd or client:
 *   runner  172.31.251.1 ── bastion 172.31.251.2 / 172.31.252.1 ── host 172.31.252.2
 * The runner (where Pulumi would run) has no route to the host: every connection to it goes
 * through the bastion, as in the staging and prod stacks. The host's sshd runs in a private mount
 * namespace where /var/lib/ceresdb-cluster (the readiness marker's directory) is a temp dir.
 *
 * Clients:
 * - the command provider: test/ssh/cmdclient, which does what pulumi-command v1.2.1 does
 *   (connection.go, commandOutputs.go): an SSH `env` request per `environment` entry, failing
 *   when refused; host keys checked only against `hostKey`; the bastion as a direct-tcpip hop.
 * - the Docker provider: the system `ssh` with the argv docker/cli v28.5.2's connhelper builds
 *   (`ssh -l user -p 22 <sshOpts> -T -- host <command>`; cli/connhelper/connhelper.go and
 *   ssh/ssh.go) and the rendered sshOpts (dockerSshOptions), the key from a real ssh-agent.
 *   Only the remote command differs (no dockerd here): `echo accepted` instead of
 *   `docker system dial-stdio`; what is under test is the host-key path.
 *
 * The commands run are the ones the program registers for the dev stack (offline run), plus the
 * renderers' output with short waits for the failure paths. Their health waits hit real servers:
 * the real CeresMeta (.cache/bin/ceresmeta-v1.2.7, built by .ci/meta-build.sh) in the host
 * namespace for the gate, and its etcd gateway for the bootstrap guard.
 *
 * Needs root (namespaces, sshd), iproute2, util-linux unshare, openssh-server and -client, curl,
 * python3, the Go toolchain (builds cmdclient). A missing piece is a failure, never a skip. Every
 * wait is bounded; namespaces and processes are removed on exit, failure or signal. Prints one
 * line per check and `N passed, N failed`; exits non-zero on any failure.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as TOML from "@iarna/toml";
import { generateHostKey } from "../../components/hosts/hostKey";
import { dockerSshOptions, SshRoute } from "../../components/hosts/ssh";
import { renderCeresMetaToml, renderMetaBootstrapGuard } from "../../components/render";
import { renderGateHealthy, renderGateRunning, renderHostReadyCheck } from "../../components/render/remoteCommands";
import { renderRollGate, renderServiceProbe, renderShardProbe, rollHint, sshConfigBlock } from "../../components/render/rollGate";
import { hostRevision } from "../../components/render/cloudInit";
import { ClusterSpec } from "../../components/model/types";
import { traitsOf } from "../../components/model/versions";
import { runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { metaMembers, standalone } from "../fixtures/specs";
import { CheckList } from "../helpers/checkList";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(__dirname, "fixtures/ubuntu-22.04");
const CERESMETA = path.join(ROOT, ".cache/bin/ceresmeta-v1.2.7");
const SSHD = "/usr/sbin/sshd";
const MARKER_DIR = "/var/lib/ceresdb-cluster";
const ID = `${process.pid % 100000}`;
const NS = { runner: `cdbssh-r${ID}`, bastion: `cdbssh-b${ID}`, host: `cdbssh-h${ID}` };
const IP = { runner: "172.31.251.1", bastionOuter: "172.31.251.2", bastionInner: "172.31.252.1", host: "172.31.252.2" };
/** Upper bound of any one client call (cmdclient or ssh); the scripts bound themselves below it. */
const CALL_TIMEOUT_MS = 60_000;

const checks = new CheckList();
const cleanups: (() => void)[] = [];
const procs = new Set<ChildProcess>();
const t0 = Date.now();

function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", input: opts.input, env: opts.env ?? process.env, timeout: opts.timeout ?? CALL_TIMEOUT_MS });
}

/** Runs a set-up step; throws with its output if it fails. */
function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status ?? r.signal}: ${r.stderr}${r.error ?? ""}`);
  return r.stdout;
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (p.pid !== undefined && p.exitCode === null && p.signalCode === null) {
    try {
      process.kill(-p.pid, signal);
    } catch {
      /* gone */
    }
  }
}

function cleanup(): void {
  for (const p of procs) killGroup(p, "SIGKILL");
  procs.clear();
  while (cleanups.length > 0) {
    try {
      cleanups.pop()!();
    } catch (e) {
      console.log(`cleanup: ${(e as Error).message}`);
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(1);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(ms: number, probe: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await sleep(200);
  }
  return false;
}

/** A long-running process in `ns`, in its own process group, output to `log`. */
function startIn(ns: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const out = fs.openSync(log, "a");
  const p = spawn("ip", ["netns", "exec", ns, ...args], { detached: true, stdio: ["ignore", out, out], env: { PATH: process.env.PATH, ...env } });
  fs.closeSync(out);
  procs.add(p);
  p.on("exit", () => procs.delete(p));
  return p;
}

async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p) return;
  killGroup(p, "SIGTERM");
  if (!(await waitFor(5_000, () => p.exitCode !== null || p.signalCode !== null))) killGroup(p, "SIGKILL");
}

function tail(file: string, n = 8): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join(" | ");
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------- the network

function makeNetwork(): void {
  for (const ns of Object.values(NS)) {
    must("ip", ["netns", "add", ns]);
    cleanups.push(() => must("ip", ["netns", "delete", ns]));
    must("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }
  const link = (a: string, aIf: string, aIp: string, b: string, bIf: string, bIp: string) => {
    must("ip", ["-n", a, "link", "add", aIf, "type", "veth", "peer", "name", bIf, "netns", b]);
    must("ip", ["-n", a, "addr", "add", `${aIp}/30`, "dev", aIf]);
    must("ip", ["-n", b, "addr", "add", `${bIp}/30`, "dev", bIf]);
    must("ip", ["-n", a, "link", "set", aIf, "up"]);
    must("ip", ["-n", b, "link", "set", bIf, "up"]);
  };
  link(NS.runner, "r0", IP.runner, NS.bastion, "b0", IP.bastionOuter);
  link(NS.bastion, "b1", IP.bastionInner, NS.host, "h0", IP.host);
}

// ---------------------------------------------------------------- sshd

interface Sshd {
  proc?: ChildProcess;
  log: string;
}

/** The fixture config with its Include pointed at the fixture's drop-in directory. */
function sshdConfig(dir: string): string {
  const file = path.join(dir, "sshd_config");
  const text = fs.readFileSync(path.join(FIXTURE, "sshd_config"), "utf8");
  if (!text.includes("Include /etc/ssh/sshd_config.d/*.conf")) throw new Error("fixture sshd_config lost its Include line");
  fs.writeFileSync(file, text.replace("Include /etc/ssh/sshd_config.d/*.conf", `Include ${path.join(FIXTURE, "sshd_config.d")}/*.conf`));
  return file;
}

async function startSshd(ns: string, listen: string, hostKeys: string[], config: string, authorizedKeys: string, log: string, markerDir?: string): Promise<Sshd> {
  const sshdArgs = [SSHD, "-D", "-e", "-f", config, "-o", `ListenAddress=${listen}`, "-o", `AuthorizedKeysFile=${authorizedKeys}`, "-o", "PidFile=none", ...hostKeys.flatMap((k) => ["-o", `HostKey=${k}`])];
  fs.writeFileSync(log, "");
  const args = markerDir
    ? ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sshd", markerDir, MARKER_DIR, ...sshdArgs]
    : sshdArgs;
  const proc = startIn(ns, args, log);
  if (!(await waitFor(10_000, () => /Server listening on/.test(tail(log, 50)) || proc.exitCode !== null))) throw new Error(`sshd in ${ns} did not start: ${tail(log)}`);
  if (proc.exitCode !== null) throw new Error(`sshd in ${ns} exited: ${tail(log)}`);
  return { proc, log };
}

// ---------------------------------------------------------------- clients

interface Key {
  file: string;
  publicKey: string;
}

function sshKeygen(file: string, type: "ed25519" | "rsa"): Key {
  must("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "3072"] : []), "-N", "", "-C", "", "-f", file]);
  return { file, publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ") };
}

function stackHostKey(file: string, comment: string): Key {
  const k = generateHostKey(comment);
  fs.writeFileSync(file, k.privateKey, { mode: 0o600 });
  return { file, publicKey: k.publicKey };
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function outcomeText(o: Outcome): string {
  const err = o.stderr.trim().split("\n").filter(Boolean).slice(-2).join(" | ");
  return `exit ${o.code}, ${o.ms} ms${err ? `: ${err.slice(0, 300)}` : ""}`;
}

interface CmdOptions {
  hostKey: string;
  bastionKey?: string;
  env?: Record<string, string>;
  direct?: boolean;
}

/** The command provider's way: cmdclient from the runner, through the bastion unless `direct`. */
function commandProvider(bin: string, clientKey: string, script: string, o: CmdOptions): Outcome {
  const args = ["netns", "exec", NS.runner, bin, "-host", IP.host, "-user", "root", "-key", clientKey, "-timeout", "5", "-hostkey", o.hostKey];
  if (!o.direct) args.push("-proxy-host", IP.bastionOuter, "-proxy-user", "root", "-proxy-hostkey", o.bastionKey ?? "");
  for (const [k, v] of Object.entries(o.env ?? {})) args.push("-env", `${k}=${v}`);
  const begin = Date.now();
  const r = run("ip", args, { input: script });
  return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}`, ms: Date.now() - begin };
}

/** The Docker provider's way: the system ssh with docker/cli's argv and the rendered sshOpts. */
function dockerProvider(agentSock: string, opts: string[], destination = IP.host): Outcome {
  const begin = Date.now();
  const r = run("ip", ["netns", "exec", NS.runner, "ssh", "-l", "root", "-p", "22", ...opts, "-T", "--", destination, "echo accepted"], {
    env: { PATH: process.env.PATH, SSH_AUTH_SOCK: agentSock, SHELL: "/bin/sh", HOME: process.env.HOME },
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ms: Date.now() - begin };
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("needs root (network namespaces, sshd)");
  for (const [bin, args] of [[SSHD, ["-V"]], ["ssh", ["-V"]], ["ssh-agent", ["-h"]], ["ip", ["-V"]], ["unshare", ["--version"]], ["curl", ["--version"]], ["python3", ["--version"]], ["go", ["version"]]] as const) {
    const r = run(bin, [...args]);
    if (r.error) throw new Error(`${bin} is not installed (${r.error.message})`);
  }
  if (!fs.existsSync(CERESMETA)) throw new Error(`${CERESMETA} is missing: run bash .ci/meta-build.sh`);
  console.log(`test:ssh: ${run(SSHD, ["-V"]).stderr.trim().split("\n")[0]}; namespaces ${Object.values(NS).join(", ")}`);

  const base = fs.existsSync("/run") ? "/run" : "/tmp";
  const tmp = fs.mkdtempSync(path.join(base, "ceresdb-ssh-test-"));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.chmodSync(tmp, 0o700);

  // cmdclient, built from source with the x/crypto the provider uses.
  const cmdclient = path.join(tmp, "cmdclient");
  const build = spawnSync("go", ["build", "-o", cmdclient, "."], { cwd: path.join(__dirname, "cmdclient"), encoding: "utf8", timeout: 300_000 });
  if (build.status !== 0) throw new Error(`building cmdclient: ${build.stderr}`);

  // sshd's privilege-separation directory (systemd's RuntimeDirectory on a real host). Left in
  // place: another sshd on this machine may need it once it exists.
  if (!fs.existsSync("/run/sshd")) fs.mkdirSync("/run/sshd", { mode: 0o755 });
  // The readiness marker's directory, a mount point in the host's private mount namespace only.
  if (!fs.existsSync(MARKER_DIR)) {
    fs.mkdirSync(MARKER_DIR);
    cleanups.push(() => fs.rmdirSync(MARKER_DIR));
  }
  const markerDir = path.join(tmp, "host-var-lib-ceresdb-cluster");
  fs.mkdirSync(markerDir);

  // Keys: the operator's client key (in a real ssh-agent), the bastion's own host keys, and host
  // keys made by the stack's generator: the slot's pinned key and one for an unpinned replacement.
  const client = sshKeygen(path.join(tmp, "client"), "ed25519");
  const authorized = path.join(tmp, "authorized_keys");
  fs.writeFileSync(authorized, `${client.publicKey} operator\n`, { mode: 0o600 });
  const bastionKey = sshKeygen(path.join(tmp, "bastion_ed25519"), "ed25519");
  const bastionRsa = sshKeygen(path.join(tmp, "bastion_rsa"), "rsa");
  const bastionOther = sshKeygen(path.join(tmp, "bastion_other"), "ed25519");
  const pinned = stackHostKey(path.join(tmp, "host_pinned"), "ceresdb-cluster meta-0");
  const unpinned = stackHostKey(path.join(tmp, "host_unpinned"), "replacement without ssh_keys");
  const agentSock = path.join(tmp, "agent.sock");
  const agent = spawn("ssh-agent", ["-D", "-a", agentSock], { detached: true, stdio: "ignore" });
  procs.add(agent);
  if (!(await waitFor(5_000, () => fs.existsSync(agentSock)))) throw new Error("ssh-agent did not start");
  const add = run("ssh-add", ["-q", client.file], { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });
  if (add.status !== 0) throw new Error(`ssh-add: ${add.stderr}`);

  makeNetwork();
  const config = sshdConfig(tmp);
  let bastion = await startSshd(NS.bastion, IP.bastionOuter, [bastionKey.file, bastionRsa.file], config, authorized, path.join(tmp, "sshd-bastion.log"));
  let host = await startSshd(NS.host, IP.host, [pinned.file], config, authorized, path.join(tmp, "sshd-host.log"), markerDir);
  const effective = run("ip", ["netns", "exec", NS.host, SSHD, "-T", "-f", config, "-o", `HostKey=${pinned.file}`, "-C", "user=root,host=x,addr=1.2.3.4"]).stdout;
  checks.check(
    "the test sshd runs the stock Ubuntu 22.04 settings: AcceptEnv LANG LC_*, PAM on, password login off",
    /^acceptenv LANG$/m.test(effective) && /^acceptenv LC_\*$/m.test(effective) && /^usepam yes$/m.test(effective) && /^passwordauthentication no$/m.test(effective),
    effective.split("\n").filter((l) => /^(acceptenv|usepam|passwordauthentication|permitrootlogin)/.test(l)).join("; "),
  );

  const via = { hostKey: pinned.publicKey, bastionKey: bastionKey.publicKey };

  // ---- the command provider's env requests (defect 1)
  {
    const lang = commandProvider(cmdclient, client.file, 'test "$LANG" = C.UTF-8', { ...via, env: { LANG: "C.UTF-8" } });
    checks.check("an env request the stock server accepts (LANG) reaches the command", lang.code === 0, outcomeText(lang));
    // Defect 1 as it was: the readiness gate with the environment it used to carry.
    const refused = commandProvider(cmdclient, client.file, renderHostReadyCheck("meta-0", 6), { ...via, env: { INSTANCE_ID: "i-0123", DISK_ATTACHMENT: "d-0123:i-0123" } });
    checks.check(
      "regression of defect 1: a command with an `environment` entry fails on the stock server before it runs",
      refused.code === 11 && /could not set environment variable "(INSTANCE_ID|DISK_ATTACHMENT)"/.test(refused.stderr),
      outcomeText(refused),
    );
    const direct = commandProvider(cmdclient, client.file, "true", { hostKey: pinned.publicKey, direct: true });
    checks.check("the runner cannot reach the host without the bastion (the jump path is what is tested)", direct.code === 10, outcomeText(direct));
  }

  // ---- the commands the program registers (dev stack), run as registered
  const dev = await runOffline({ stack: "dev" });
  const registered = (name: string, k: "create" | "update") => {
    const r = dev.resources.find((x) => x.name === name);
    if (!r) throw new Error(`dev stack registers no ${name}`);
    return { text: String(unwrapSecrets(r.inputs[k])), env: (unwrapSecrets(r.inputs.environment) ?? {}) as Record<string, string> };
  };
  const ready = registered("ceresdb-dev-meta-0-host-ready", "create");
  const guard = registered("ceresdb-dev-meta-0-guard", "create");
  const gateCreate = registered("ceresdb-dev-meta-0-ceresmeta-gate", "create");
  const gateUpdate = registered("ceresdb-dev-meta-0-ceresmeta-gate", "update");

  {
    const notYet = commandProvider(cmdclient, client.file, renderHostReadyCheck("meta-0", 6), via);
    checks.check("readiness gate: no marker yet -> fails after its bound, naming the host and the log", notYet.code === 12 && /host meta-0 not ready after 6 s/.test(notYet.stderr), outcomeText(notYet));
    fs.writeFileSync(path.join(markerDir, "host-ready"), "host=meta-0 role=meta\n");
    const r = commandProvider(cmdclient, client.file, ready.text, { ...via, env: ready.env });
    checks.check(
      "readiness gate as the dev stack registers it (trigger line, its environment) passes once cloud-init's marker exists",
      r.code === 0 && ready.text.includes("\n: re-run when these change: DISK_ATTACHMENT="),
      outcomeText(r),
    );
    const g = commandProvider(cmdclient, client.file, guard.text, { ...via, env: guard.env });
    checks.check("bootstrap guard as registered: no other member reachable -> go", g.code === 0 && /no other member answers/.test(g.stderr), outcomeText(g));
    const missing = commandProvider(cmdclient, client.file, renderGateRunning("ceresdb-ssh-test-absent", "rev", 4), via);
    checks.check("rolling gate at creation: a container that never runs fails after its bound", missing.code === 12 && /ceresdb-ssh-test-absent not running after 4 s/.test(missing.stderr), outcomeText(missing));
    checks.check("rolling gate at creation as registered waits for the ceresmeta container (State.Running)", /State\.Running/.test(gateCreate.text) && Object.keys(gateCreate.env).length === 0);
  }

  // ---- health waits against the real CeresMeta, in the host namespace
  {
    const spec: ClusterSpec = { ...standalone, meta: metaMembers(1, () => IP.host) };
    const member = spec.meta[0];
    const doc = TOML.parse(renderCeresMetaToml(spec, member));
    const metaData = path.join(tmp, "ceresmeta-data");
    doc["data-dir"] = metaData;
    const metaConfig = path.join(tmp, "ceresmeta.toml");
    fs.writeFileSync(metaConfig, TOML.stringify(doc));
    const healthUrl = `http://127.0.0.1:${spec.ports.metaHttp}${traitsOf(spec.version).metaHealthPath}`;
    const down = commandProvider(cmdclient, client.file, renderGateHealthy("ceresmeta", renderServiceProbe(spec, "meta"), 6, "rev"), via);
    checks.check("rolling gate on change: CeresMeta not up -> fails after its bound with the health URL", down.code === 12 && down.stderr.includes(`ceresmeta not ready after 6 s: ${healthUrl} does not answer`), outcomeText(down));
    // CeresMeta lets variables override its TOML: an empty environment.
    const meta = startIn(NS.host, [CERESMETA, "-config", metaConfig], path.join(tmp, "ceresmeta.log"));
    cleanups.push(() => killGroup(meta, "SIGKILL"));
    try {
      const up = commandProvider(cmdclient, client.file, gateUpdate.text, { ...via, env: gateUpdate.env });
      checks.check(
        `rolling gate on change as registered (${healthUrl}, trigger line) passes once the real CeresMeta is healthy`,
        up.code === 0 && gateUpdate.text.includes(healthUrl),
        `${outcomeText(up)}${up.code === 0 ? "" : `; ceresmeta: ${tail(path.join(tmp, "ceresmeta.log"), 3)}`}`,
      );
      // What the roll gates wait for: the revision the gate recorded, read back over the real ssh.
      const recordedRevision = fs.existsSync(path.join(markerDir, "service-revision")) ? fs.readFileSync(path.join(markerDir, "service-revision"), "utf8").trim() : "";
      const registeredRevision = /\nSERVICE_REVISION='([0-9a-f]{64})'\n/.exec(gateUpdate.text)?.[1];
      checks.check(
        "the gate on change, once CeresMeta is healthy with a leader, records the service revision the member's roll gate waits for",
        up.code === 0 && registeredRevision !== undefined && recordedRevision === registeredRevision,
        `recorded ${JSON.stringify(recordedRevision.slice(0, 12))}..., registered ${String(registeredRevision).slice(0, 12)}...`,
      );
      const rollAccess: SshRoute = { sshUser: "root", bastion: { host: IP.bastionOuter, port: 22, user: "root", hostKey: bastionKey.publicKey } };
      fs.writeFileSync(path.join(markerDir, "host-revision"), `${hostRevision(spec, member.host)}\n`);
      const roll = (want: string, waitSeconds: number) =>
        run("ip", ["netns", "exec", NS.runner, "sh", "-c", renderRollGate({
          name: "meta-0",
          sshConfig: sshConfigBlock("meta-0", IP.host, "root", dockerSshOptions(rollAccess, pinned.publicKey)),
          target: "meta-0",
          probe: renderServiceProbe(spec, "meta"),
          wantHostRevision: hostRevision(spec, member.host),
          wantServiceRevision: want,
          shardTargets: [],
          hint: rollHint(spec, "meta", "meta-0", IP.host),
          waitSeconds,
          pollSeconds: 1,
        })], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: agentSock, HOME: process.env.HOME } });
      const rolled = roll(recordedRevision, 20);
      checks.check(
        "roll gate (system ssh, ssh_config from the rendered options, through the pinned bastion): the member runs both revisions, is healthy and has a leader -> passes",
        rolled.status === 0 && /meta-0: back with its new revision and ready/.test(rolled.stdout),
        `${rolled.stdout.trim()}${rolled.stderr.trim()}`,
      );
      const waiting = roll("0".repeat(64), 4);
      checks.check(
        "roll gate: a revision the member's gate has not recorded -> fails after its bound, saying what is missing and what to run",
        waiting.status === 1 && /meta-0 is not back after 4 s/.test(waiting.stderr) && /has not recorded its new revision/.test(waiting.stderr) && /docker logs --tail 100 ceresmeta/.test(waiting.stderr) && !waiting.stderr.includes("0".repeat(64)),
        waiting.stderr.trim().split("\n").slice(0, 3).join(" | "),
      );
      // The shard probe a node's roll gate runs on a member host, against the live server (no node registered).
      const shards = commandProvider(cmdclient, client.file, renderShardProbe(spec)!, via);
      const allShards = Array.from({ length: spec.bootstrap.shardTotal }, (_, i) => i).join(",");
      checks.check(
        `shard probe over SSH against the real CeresMeta v1.2.7 (GET /debug/diagnose/${spec.bootstrap.clusterName}/shards, no node yet): not ready, shards ${allShards} unregistered`,
        shards.code === 12 && shards.stdout === `shards-not-ready: unregistered (no node serves them) ${allShards}\n`,
        outcomeText(shards),
      );
      // A member at another address (the bastion's) with an empty data dir, asking the real cluster.
      const guardSpec: ClusterSpec = { ...spec, meta: metaMembers(2, (i) => [IP.bastionInner, IP.host][i]) };
      const emptyData = path.join(tmp, "guard-data");
      fs.mkdirSync(path.join(emptyData, "wal"), { recursive: true });
      const refuse = commandProvider(cmdclient, client.file, renderMetaBootstrapGuard(guardSpec, guardSpec.meta[0], { dataDir: emptyData }), via);
      checks.check(
        "bootstrap guard over SSH: the real CeresMeta's etcd gateway does not list this member -> refused, pointing to member replacement",
        refuse.code === 12 && /REFUSED: the running cluster \(asked http:\/\/172\.31\.252\.2:2379\) does not list http:\/\/172\.31\.252\.1:2380/.test(refuse.stderr),
        outcomeText(refuse),
      );
      fs.writeFileSync(path.join(emptyData, "wal", "0000000000000000-0000000000000000.wal"), "x");
      const wal = commandProvider(cmdclient, client.file, renderMetaBootstrapGuard(guardSpec, guardSpec.meta[0], { dataDir: emptyData }), via);
      checks.check("bootstrap guard over SSH: a data dir holding a WAL -> go", wal.code === 0 && /holds an etcd WAL: go/.test(wal.stderr), outcomeText(wal));
    } finally {
      await stop(meta);
    }
  }

  // ---- host keys: the command provider (hostKey on both hops)
  {
    const wrongHost = commandProvider(cmdclient, client.file, "true", { ...via, hostKey: unpinned.publicKey });
    checks.check("command provider: a host key other than the pinned one is refused", wrongHost.code === 10 && /host key mismatch/.test(wrongHost.stderr) && !/bastion:/.test(wrongHost.stderr), outcomeText(wrongHost));
    const wrongBastion = commandProvider(cmdclient, client.file, "true", { ...via, bastionKey: bastionOther.publicKey });
    checks.check("command provider: a bastion key other than ceresdb:bastionHostKey is refused", wrongBastion.code === 10 && /proxy: bastion: .*host key mismatch/.test(wrongBastion.stderr), outcomeText(wrongBastion));
    const rsa = commandProvider(cmdclient, client.file, "true", { ...via, bastionKey: bastionRsa.publicKey });
    checks.check(
      "command provider: a pinned ssh-rsa bastion key cannot be verified against OpenSSH 8.8+ (why ceresdb:bastionHostKey refuses ssh-rsa)",
      rsa.code === 10 && /proxy: bastion: .*no common algorithm for host key/.test(rsa.stderr),
      outcomeText(rsa),
    );
  }

  // ---- host keys: the Docker provider's ssh with the rendered sshOpts, through the ProxyCommand
  {
    const access: SshRoute = { sshUser: "root", bastion: { host: IP.bastionOuter, port: 22, user: "root", hostKey: bastionKey.publicKey } };
    const opts = dockerSshOptions(access, pinned.publicKey);
    // No bastion (dev-like stacks): the bastion's sshd stands in for a directly reachable host.
    const direct = dockerProvider(agentSock, dockerSshOptions({ ...access, bastion: undefined }, bastionKey.publicKey), IP.bastionOuter);
    checks.check("Docker provider ssh without a bastion: the pinned key of a directly reachable host is accepted", direct.code === 0 && direct.stdout.trim() === "accepted", outcomeText(direct));
    const ok = dockerProvider(agentSock, opts);
    checks.check("Docker provider ssh (rendered sshOpts, ProxyCommand to the bastion): the pinned host key is accepted", ok.code === 0 && ok.stdout.trim() === "accepted", outcomeText(ok));

    await stop(host.proc);
    host = await startSshd(NS.host, IP.host, [unpinned.file], config, authorized, path.join(tmp, "sshd-host-replaced.log"), markerDir);
    const replaced = dockerProvider(agentSock, opts);
    checks.check(
      "Docker provider ssh: a replaced host with a key the stack did not pin is refused",
      replaced.code === 255 && /Host key verification failed/.test(replaced.stderr),
      outcomeText(replaced),
    );
    const replacedCmd = commandProvider(cmdclient, client.file, "true", via);
    checks.check("command provider: the same replaced host is refused", replacedCmd.code === 10 && /host key mismatch/.test(replacedCmd.stderr), outcomeText(replacedCmd));

    await stop(host.proc);
    host = await startSshd(NS.host, IP.host, [pinned.file], config, authorized, path.join(tmp, "sshd-host-pinned-again.log"), markerDir);
    const again = dockerProvider(agentSock, opts);
    checks.check("Docker provider ssh: the replacement carrying the slot's pinned key (cloud-init ssh_keys) is accepted, no known_hosts involved", again.code === 0 && again.stdout.trim() === "accepted", outcomeText(again));
    const againCmd = commandProvider(cmdclient, client.file, "true", via);
    checks.check("command provider: the replacement carrying the pinned key is accepted", againCmd.code === 0, outcomeText(againCmd));

    const otherBastion = dockerProvider(agentSock, dockerSshOptions({ ...access, bastion: { ...access.bastion!, hostKey: bastionOther.publicKey } }, pinned.publicKey));
    checks.check(
      "Docker provider ssh: the bastion hop checks ceresdb:bastionHostKey too (a wrong one is refused)",
      otherBastion.code === 255 && /Host key verification failed/.test(otherBastion.stderr),
      outcomeText(otherBastion),
    );
    await stop(bastion.proc);
    bastion = await startSshd(NS.bastion, IP.bastionOuter, [bastionOther.file], config, authorized, path.join(tmp, "sshd-bastion-replaced.log"));
    const bastionReplaced = dockerProvider(agentSock, opts);
    checks.check(
      "Docker provider ssh: a bastion presenting another key than the pinned one is refused",
      bastionReplaced.code === 255 && /Host key verification failed/.test(bastionReplaced.stderr),
      outcomeText(bastionReplaced),
    );
  }
  await stop(bastion.proc);
  await stop(host.proc);
}

main()
  .catch((e: Error) => {
    console.log(`FAIL test:ssh stopped: ${e.message}`);
    checks.fail();
  })
  .finally(() => {
    cleanup();
    console.log(`test:ssh: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(checks.summary());
    process.exit(checks.ok ? 0 : 1);
  });
