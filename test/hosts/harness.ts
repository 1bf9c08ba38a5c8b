/**
 * Test hosts: one container per host of a stack's plan, behaving like a fresh ECS instance.
 *
 * - image: the debootstrap rootfs (build-rootfs.sh host, cached in .cache/hosts/ by the hash of
 *   rootfs.packages) plus host/Dockerfile; systemd is PID 1, sshd, cloud-init and docker.io are
 *   preinstalled, so a host needs no network.
 * - network: a private Docker network created `--internal` (no route off the machine) on the
 *   stack's VPC CIDR, each host at the fixed private IP the stack assigns.
 * - user data: the stack's rendered hosts/<host>.cloud-init.yaml and the stack's SSH public key
 *   (meta-data `public-keys`, as ECS hands over the key pair) through cloud-init's NoCloud seed
 *   directory /var/lib/cloud/seed/nocloud.
 * - data disk: a blank sparse file on a loop device, passed in with --device. There is no udev in
 *   the container, so the harness makes the /dev/disk/by-id/virtio-<serial> link the setup script
 *   waits for, after the host started (ECS also attaches the disk after the instance started).
 * - nested Docker: /var/lib/docker is a volume (the outer host's ext4), so the host's dockerd uses
 *   overlay2 (overlay2 on the container's own overlayfs root is refused by the kernel).
 * - not privileged (refused here): all capabilities but SYS_RESOURCE, no seccomp filter, the
 *   host's cgroup tree writable (systemd and the inner dockerd need it; cgroup v1 here).
 *
 * Everything started is labelled `ceresdb.testhosts=<stack>` and recorded in a state file, so
 * `down` removes it even after a crash. Every call has a timeout.
 */
import { spawnSync, SpawnSyncOptions } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Plan, PlanCommand, PlanHost, REPO } from "./plan";
import { shQuote } from "../../components/render/common";

export const HERE = __dirname;
export const CACHE = path.join(REPO, ".cache", "hosts");
const LABEL = "ceresdb.testhosts";
const DISK_BYTES = 2 * 1024 ** 3;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const o: SpawnSyncOptions = {
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 60_000,
    input: opts.input,
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    maxBuffer: 256 << 20,
    killSignal: "SIGKILL",
  };
  const r = spawnSync(cmd, args, o);
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${cmd} not found on PATH`);
  const timedOut = r.signal === "SIGKILL" && r.status === null;
  return {
    code: r.status ?? 124,
    stdout: String(r.stdout ?? ""),
    stderr: String(r.stderr ?? "") + (timedOut ? `\n[${cmd} ${args.slice(0, 3).join(" ")}… killed after ${o.timeout} ms]` : ""),
  };
}

/** Like run, but a non-zero exit is an error naming the command and its stderr. */
export function must(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ").slice(0, 200)}: exit ${r.code}\n${r.stderr.trim().slice(-2000)}`);
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than undefined, at most `ms`. */
export async function waitFor<T>(ms: number, stepMs: number, fn: () => T | undefined | Promise<T | undefined>): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() >= end) return undefined;
    await sleep(stepMs);
  }
}

interface State {
  stack: string;
  network: string;
  containers: string[];
  volumes: string[];
  disks: { host: string; file: string }[];
  work: string;
}

function stateFile(stack: string): string {
  return path.join(CACHE, "run", stack, "state.json");
}

export function containerName(stack: string, host: string): string {
  return `th-${stack}-${host}`;
}

/** Builds (once) the rootfs and the host image; returns the host image reference. */
export function buildHostImage(): { image: string; rootfsSeconds: number } {
  const t = Date.now();
  const rootfs = must("bash", [path.join(HERE, "build-rootfs.sh"), "host"], { timeoutMs: 1_900_000 }).trim();
  const rootfsSeconds = (Date.now() - t) / 1000;
  const image = `ceresdb-testhost:${rootfs.split(":")[1]}`;
  must("docker", ["build", "-q", "--build-arg", `ROOTFS=${rootfs}`, "-t", image, path.join(HERE, "host")], {
    timeoutMs: 300_000,
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
  });
  return { image, rootfsSeconds };
}

export interface Session {
  plan: Plan;
  work: string;
  key: string;
  knownHosts: string;
  /** Directory with the `ssh` the docker CLI's connection helper runs (see dockerEnv). */
  sshWrapDir: string;
  cmdclient: string;
  loops: Record<string, string>;
}

/** The Go client of test/ssh/cmdclient (runs a command as pulumi-command v1.2.1 does). */
export function buildCmdClient(): string {
  const out = path.join(CACHE, "bin", "cmdclient");
  const src = path.join(REPO, "test", "ssh", "cmdclient");
  if (!fs.existsSync(src)) throw new Error(`${src} is missing (the ssh helper's client; merge h-ssh)`);
  must("go", ["build", "-o", out, "."], { cwd: src, timeoutMs: 600_000, env: { ...process.env, GOFLAGS: "-mod=readonly" } });
  return out;
}

export function up(plan: Plan, hostImage: string, work: string, key: string): Session {
  const stack = plan.stack;
  down(stack, () => undefined);
  const network = `th-${stack}`;
  const state: State = { stack, network, containers: [], volumes: [], disks: [], work };
  const save = () => {
    fs.mkdirSync(path.dirname(stateFile(stack)), { recursive: true });
    fs.writeFileSync(stateFile(stack), JSON.stringify(state, null, 2));
  };
  save();
  must("docker", ["network", "create", "--internal", "--subnet", plan.vpcCidr, "--label", `${LABEL}=${stack}`, network]);
  const loops: Record<string, string> = {};
  for (const h of plan.hosts) {
    const file = path.join(CACHE, "run", stack, `${h.name}.disk`);
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, "");
    fs.truncateSync(file, DISK_BYTES);
    state.disks.push({ host: h.name, file });
    save();
    loops[h.name] = must("losetup", ["--find", "--show", file]).trim();
    writeSeed(plan, h, path.join(work, "seed", h.name));
    startHost(plan, h, hostImage, loops[h.name], path.join(work, "seed", h.name));
    state.containers.push(containerName(stack, h.name));
    state.volumes.push(`${containerName(stack, h.name)}-docker`);
    save();
  }
  const sshWrapDir = path.join(work, "sshwrap");
  const knownHosts = path.join(work, "known_hosts");
  fs.mkdirSync(sshWrapDir, { recursive: true });
  return { plan, work, key, knownHosts, sshWrapDir, cmdclient: path.join(CACHE, "bin", "cmdclient"), loops };
}

function writeSeed(plan: Plan, h: PlanHost, dir: string, instanceId = `i-testhost-${plan.stack}-${h.name}`): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "user-data"), h.userData);
  fs.writeFileSync(
    path.join(dir, "meta-data"),
    `instance-id: ${instanceId}\nlocal-hostname: ${h.hostName}\npublic-keys:\n  - ${JSON.stringify(plan.sshPublicKey)}\n`,
  );
}

function startHost(plan: Plan, h: PlanHost, image: string, loop: string, seed: string): void {
  const name = containerName(plan.stack, h.name);
  must("docker", [
    "run", "-d", "--name", name, "--hostname", h.hostName,
    "--label", `${LABEL}=${plan.stack}`,
    "--network", `th-${plan.stack}`, "--ip", h.privateIp,
    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
    "--cgroupns", "host", "--volume", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--tmpfs", "/run", "--tmpfs", "/run/lock",
    "--volume", `${name}-docker:/var/lib/docker`,
    "--volume", `${seed}:/var/lib/cloud/seed/nocloud:ro`,
    "--device", loop,
    image,
  ]);
  attachDisk(plan.stack, h, loop);
}

/** The udev stand-in: the by-id link to the loop device (again after every restart: /dev is fresh). */
export function attachDisk(stack: string, h: PlanHost, loop: string): void {
  must("docker", ["exec", containerName(stack, h.name), "sh", "-c", `mkdir -p "$(dirname "$1")" && ln -sfn "$2" "$1"`, "sh", h.diskPath, loop]);
}

/** A reboot: the host container restarts (same disk, same instance ID, so cloud-init does not re-run user data). */
export function reboot(s: Session, h: PlanHost): void {
  must("docker", ["restart", "-t", "10", containerName(s.plan.stack, h.name)], { timeoutMs: 120_000 });
  attachDisk(s.plan.stack, h, s.loops[h.name]);
}

/** Removes everything `up` started for `stack` (state file and labels), also after a crash. */
export function down(stack: string, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  let state: State | undefined;
  try {
    state = JSON.parse(fs.readFileSync(stateFile(stack), "utf8")) as State;
  } catch {
    state = undefined;
  }
  const labelled = (kind: string) =>
    run("docker", [kind, "ls", ...(kind === "container" ? ["-a"] : []), "-q", "--filter", `label=${LABEL}=${stack}`]).stdout.split(/\s+/).filter(Boolean);
  const containers = new Set([...(state?.containers ?? []), ...labelled("container")]);
  for (const c of containers) {
    const r = run("docker", ["rm", "-f", c], { timeoutMs: 120_000 });
    if (r.code === 0) log(`removed host container ${c}`);
  }
  for (const v of new Set([...(state?.volumes ?? []), ...labelled("volume")])) run("docker", ["volume", "rm", "-f", v]);
  for (const n of new Set([...(state ? [state.network] : []), ...labelled("network")])) {
    if (run("docker", ["network", "rm", n]).code === 0) log(`removed network ${n}`);
  }
  const dir = path.join(CACHE, "run", stack);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".disk")).map((f) => path.join(dir, f)) : [];
  for (const file of files) {
    for (const line of run("losetup", ["-j", file]).stdout.split("\n").filter(Boolean)) {
      const dev = line.split(":")[0];
      if (run("losetup", ["-d", dev]).code === 0) log(`detached ${dev}`);
    }
    fs.rmSync(file, { force: true });
  }
  if (state?.work && state.work.startsWith("/tmp/")) fs.rmSync(state.work, { recursive: true, force: true });
  fs.rmSync(stateFile(stack), { force: true });
}

// ---------------------------------------------------------------- reaching the hosts

/**
 * Runs a planned command on its host as pulumi-command v1.2.1 does (test/ssh/cmdclient: one env
 * request per `environment` entry, a refusal fails the command; then one exec request with the
 * command text). `text` replaces the command (diagnostics); `timeoutMs` bounds it from outside.
 */
export function remote(s: Session, c: PlanCommand, which: "create" | "update", timeoutMs: number, text?: string): Run {
  const body = text ?? (which === "update" ? c.update ?? c.create : c.create);
  const env = Object.entries(c.environment).flatMap(([k, v]) => ["-env", `${k}=${v}`]);
  // The provider retries failed dials (dialErrorLimit, default 10; the stack sets 30) while the
  // host boots; cmdclient dials once, so the retry is here, bounded by timeoutMs as well.
  const end = Date.now() + timeoutMs;
  for (let dial = 1; ; dial++) {
    const pinned = c.connection.hostKey ? ["-hostkey", c.connection.hostKey] : [];
    const r = run(s.cmdclient, ["-host", c.connection.host, "-user", c.connection.user, "-key", s.key, ...pinned, ...env], {
      input: body,
      timeoutMs: Math.max(1000, end - Date.now()),
    });
    const dialFailed = r.code === 10 && /dial tcp|connection refused|i\/o timeout|no route|handshake failed: EOF|unable to authenticate/.test(r.stderr);
    if (!dialFailed || dial >= DIAL_LIMIT || Date.now() + 2000 > end) return r;
    spawnSync("sleep", ["2"]);
  }
}

const DIAL_LIMIT = 60;

/** A diagnostic or test step on a host over the same kind of session, without environment. */
export function onHost(s: Session, h: PlanHost, script: string, timeoutMs = 60_000): Run {
  return remote(s, { ...h.ready, environment: {} }, "create", timeoutMs, script);
}

/**
 * Environment for the docker CLI to reach a host's daemon as the Docker provider does:
 * DOCKER_HOST is the provider's `host` (ssh://user@ip:22), and the `ssh` the CLI's connection
 * helper runs (docker/cli cli/connhelper, the package the provider calls as
 * GetConnectionHelperWithSSHOpts(host, sshOpts) in internal/provider/config.go of
 * terraform-provider-docker v4.5.0) gets the provider's sshOpts first. The key is given with -i,
 * where the provider takes it from ssh-agent.
 */
export function dockerEnv(s: Session, h: PlanHost): NodeJS.ProcessEnv {
  const dir = path.join(s.sshWrapDir, h.name);
  const wrap = path.join(dir, "ssh");
  if (!fs.existsSync(wrap)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      wrap,
      // ssh takes the first value of an option: the provider's own known-hosts options win;
      // without them (no pinned key), a per-run known_hosts file keeps root's untouched.
      `#!/bin/sh\nexec /usr/bin/ssh -i ${shQuote(s.key)} -o IdentitiesOnly=yes -o BatchMode=yes ${h.docker.sshOpts.map((o) => shQuote(o)).join(" ")} -o UserKnownHostsFile=${shQuote(s.knownHosts)} "$@"\n`,
      { mode: 0o755 },
    );
  }
  return { ...process.env, DOCKER_HOST: h.docker.host, PATH: `${dir}:${process.env.PATH}` };
}

export function docker(s: Session, h: PlanHost, args: string[], opts: { timeoutMs?: number; input?: string | Buffer } = {}): Run {
  return run("docker", args, { ...opts, env: dockerEnv(s, h) });
}
