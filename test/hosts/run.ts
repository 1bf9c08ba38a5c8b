/**
 * `npm run test:hosts [-- --keep | --down]`: deploys the test stack (test/hosts/Pulumi.testhosts.yaml,
 * 3 CeresMeta members and 1 CeresDB node) onto local test hosts (harness.ts) from its offline plan
 * and checks what the host side of the stack does for real. Ends with `N passed, N failed`.
 *
 *   --keep   leave hosts and containers up afterwards (prints how to reach them)
 *   --down   only remove what an earlier run left (containers, network, volumes, loop devices)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { CheckList } from "../helpers/checkList";
import { buildServiceImages, createContainer, loadImage, removeContainer } from "./deploy";
import { buildCmdClient, buildHostImage, containerName, docker, down, HERE, must, onHost, reboot, remote, Run, run, Session, sleep, up, waitFor } from "./harness";
import { Plan, PlanCommand, PlanHost, PlanService, renderPlan } from "./plan";

const STACK = "testhosts";
const STACK_FILE = path.join(HERE, "Pulumi.testhosts.yaml");
/** Outer bounds (the rendered commands carry their own, longer, production timeouts). */
const READY_MS = 240_000;
const HEALTH_MS = 180_000;
const RUNNING_MS = 120_000;

const checks = new CheckList();
const timings: Record<string, number> = {};
const notes: string[] = [];
const t0 = Date.now();
const since = (t: number) => Math.round((Date.now() - t) / 100) / 10;

function check(name: string, ok: boolean, detail = ""): boolean {
  checks.check(name, ok, detail);
  return ok;
}

function tail(r: Run, n = 1200): string {
  return `exit ${r.code}: ${(r.stderr + r.stdout).trim().slice(-n)}`;
}

async function api(ip: string, port: number, p: string): Promise<unknown> {
  const res = await fetch(`http://${ip}:${port}${p}`, { signal: AbortSignal.timeout(5000) });
  const body = exactJson(await res.text()) as { status: string; data: unknown };
  if (res.status !== 200 || body.status !== "success") throw new Error(`${p} on ${ip}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.data;
}

async function etcd(ip: string, p: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${ip}:2379${p}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`${p} on ${ip}: HTTP ${res.status}`);
  return exactJson(await res.text()) as Record<string, unknown>;
}

/** etcd member and cluster IDs are 64-bit: keep every long integer as its digits. */
function exactJson(text: string): unknown {
  return JSON.parse(text.replace(/([:,[]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

// ------------------------------------------------------------------------------ the procedure

/**
 * The env names the rendered commands send. Stock sshd (Debian, Ubuntu: `AcceptEnv LANG LC_*`)
 * refuses them and pulumi-command then fails the command before it runs; when that happens the
 * check says so, and the hosts are given `AcceptEnv` for exactly these names so the rest of the
 * procedure can still be proven.
 */
let acceptEnvAdded = "";
function allowEnv(s: Session): void {
  const names = new Set<string>();
  for (const h of s.plan.hosts) Object.keys(h.ready.environment).forEach((n) => names.add(n));
  for (const v of s.plan.services) [v.gate, v.guard].forEach((c) => Object.keys(c?.environment ?? {}).forEach((n) => names.add(n)));
  for (const h of s.plan.hosts) {
    must("docker", ["exec", containerName(s.plan.stack, h.name), "sh", "-c",
      `printf 'AcceptEnv %s\\n' "$1" > /etc/ssh/sshd_config.d/90-testhosts-acceptenv.conf && systemctl reload ssh`, "sh", [...names].join(" ")]);
  }
  acceptEnvAdded = [...names].join(" ");
  notes.push(`test hosts were given AcceptEnv ${[...names].join(" ")} after the stock sshd refused the rendered commands' environment`);
}

function runCommand(s: Session, c: PlanCommand, which: "create" | "update", ms: number): Run {
  const r = remote(s, c, which, ms);
  if (r.code === 11 && !acceptEnvAdded) {
    notes.push(`${c.name}: ${r.stderr.trim()}`);
    allowEnv(s);
    return remote(s, c, which, ms);
  }
  return r;
}

function hostOf(plan: Plan, svc: PlanService): PlanHost {
  return plan.hosts.find((h) => h.name === svc.host)!;
}

/** Guard (members), container as declared, gate `create` (running) — one member of the chain. */
function deployService(s: Session, svc: PlanService, images: Record<string, string>): void {
  if (svc.guard) {
    const g = runCommand(s, svc.guard, "create", 60_000);
    if (g.code !== 0) throw new Error(`bootstrap guard of ${svc.member} refused: ${tail(g)}`);
  }
  createContainer(s, svc, images[svc.host]);
  const r = runCommand(s, svc.gate, "create", RUNNING_MS);
  if (r.code !== 0) throw new Error(`gate (create) of ${svc.member}: ${tail(r)}`);
}

/** The fields of `docker inspect` the checks compare. */
interface Inspected {
  Name: string;
  Image: string;
  State?: { Health?: { Status: string } };
  Config: {
    Labels?: Record<string, string>;
    Healthcheck?: { Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number };
  };
  HostConfig: { NetworkMode: string; RestartPolicy: { Name: string }; Binds: string[]; LogConfig: { Type: string; Config: Record<string, string> } };
}

function inspect(s: Session, svc: PlanService): Inspected | undefined {
  const r = docker(s, hostOf(s.plan, svc), ["inspect", svc.container.name]);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as Inspected[])[0];
}

/** Go's time.ParseDuration for the plan's simple forms ("10s", "1m30s", "500ms"), in ns. */
function durationNs(d: string): number {
  let ns = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ns += Number(m[1]) * { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as "ms"];
  return ns;
}

/** The running container against the plan's declared inputs (not against the CLI mapping). */
function declaredMismatches(s: Session, svc: PlanService, image: string): string[] {
  const i = inspect(s, svc);
  if (!i) return ["container not found"];
  const c = svc.container;
  const bad: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${what}: ${JSON.stringify(got)} != declared ${JSON.stringify(want)}`);
  };
  eq("name", i.Name, `/${c.name}`);
  eq("image", i.Image, image);
  eq("network mode", i.HostConfig.NetworkMode, c.networkMode);
  eq("restart policy", i.HostConfig.RestartPolicy.Name, c.restart);
  eq("binds", i.HostConfig.Binds, (c.volumes ?? []).map((v) => `${v.hostPath}:${v.containerPath}:${v.readOnly ? "ro" : "rw"}`));
  for (const l of c.labels ?? []) eq(`label ${l.label}`, i.Config.Labels?.[l.label], l.value);
  const h = c.healthcheck!;
  eq("health test", i.Config.Healthcheck?.Test, h.tests);
  eq("health interval", i.Config.Healthcheck?.Interval, durationNs(h.interval!));
  eq("health timeout", i.Config.Healthcheck?.Timeout, durationNs(h.timeout!));
  eq("health start period", i.Config.Healthcheck?.StartPeriod, durationNs(h.startPeriod!));
  eq("health retries", i.Config.Healthcheck?.Retries, h.retries);
  eq("log driver", i.HostConfig.LogConfig.Type, c.logDriver);
  eq("log options", i.HostConfig.LogConfig.Config, c.logOpts);
  for (const u of c.uploads ?? []) {
    const r = docker(s, hostOf(s.plan, svc), ["exec", c.name, "cat", u.file]);
    if (r.code !== 0 || r.stdout !== u.content) bad.push(`uploaded ${u.file}: ${r.code !== 0 ? r.stderr.trim() : "content differs from the plan"}`);
  }
  return bad;
}

async function healthStatus(s: Session, svc: PlanService): Promise<string> {
  return String(inspect(s, svc)?.State?.Health?.Status ?? "none");
}

// ------------------------------------------------------------------------------ checks

async function clusterChecks(s: Session, what: string): Promise<{ ids: Record<string, string> }> {
  const metas = s.plan.services.filter((x) => x.role === "meta");
  const ips = metas.map((m) => hostOf(s.plan, m).privateIp);
  const want = metas.map((m) => m.member).sort().join(",");
  let last = "";
  const ids: Record<string, string> = {};
  const one = await waitFor(90_000, 2000, async () => {
    try {
      const views = await Promise.all(ips.map((ip) => api(ip, 8080, "/api/v1/etcd/member") as Promise<{ header: { cluster_id: string }; members: { ID: string; name: string }[] }>));
      const clusters = new Set(views.map((v) => String(v.header.cluster_id)));
      const names = views.map((v) => v.members.map((m) => m.name).sort().join(","));
      last = `cluster ids ${[...clusters].join("/")}; members ${[...new Set(names)].join(" / ")}`;
      if (clusters.size !== 1 || names.some((n) => n !== want)) return undefined;
      for (const m of views[0].members) ids[m.name] = String(m.ID);
      return true;
    } catch (e) {
      last = (e as Error).message;
      return undefined;
    }
  });
  check(`${what}: the ${metas.length} members form one etcd cluster (GET /api/v1/etcd/member on each: same cluster ID, members ${want})`, !!one, last);
  const leader = await waitFor(60_000, 2000, async () => {
    try {
      const seen = await Promise.all(ips.map(async (ip) => String(await api(ip, 8080, "/debug/leader"))));
      const raft = await Promise.all(ips.map(async (ip) => String((await etcd(ip, "/v3/maintenance/status", {})).leader)));
      last = `/debug/leader ${[...new Set(seen)].join(" / ")}; raft leaders ${[...new Set(raft)].join("/")}`;
      return new Set(seen).size === 1 && seen[0] !== "" && new Set(raft).size === 1 && raft[0] !== "0" ? seen[0] : undefined;
    } catch (e) {
      last = (e as Error).message;
      return undefined;
    }
  });
  check(`${what}: one CeresMeta leader (every member's /debug/leader and etcd raft status agree)`, !!leader, leader ?? last);
  const clusterName = (s.plan.outputs.clusterBootstrap as { clusterName: string }).clusterName;
  const listed = await waitFor(60_000, 2000, async () => {
    try {
      const l = (await api(ips[0], 8080, "/api/v1/clusters")) as { Name: string }[];
      last = JSON.stringify(l).slice(0, 200);
      return l.some((c) => c.Name === clusterName) ? true : undefined;
    } catch (e) {
      last = (e as Error).message;
      return undefined;
    }
  });
  check(`${what}: GET /api/v1/clusters lists the stack's cluster ${clusterName}`, !!listed, last);
  return { ids };
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes("--keep");
  if (argv.includes("--down")) {
    down(STACK);
    console.log(`test hosts of ${STACK}: removed`);
    return 0;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "th-"));
  let s: Session | undefined;
  const stopSignals = () => {
    console.error("interrupted: removing the test hosts");
    down(STACK);
    process.exit(130);
  };
  process.on("SIGINT", stopSignals);
  process.on("SIGTERM", stopSignals);
  try {
    // Keys at test time, in the temp dir (removed with it).
    const key = path.join(work, "id_ecdsa");
    must("ssh-keygen", ["-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "test-hosts", "-f", key]);
    const pub = fs.readFileSync(`${key}.pub`, "utf8").trim();
    const plan = renderPlan(STACK_FILE, STACK, { "ceresdb:sshPublicKey": pub }, work);
    check("the offline plan of the test stack renders user data, commands and containers for every host", plan.hosts.length === 4 && plan.services.length === 4,
      plan.hosts.map((h) => `${h.name}=${h.privateIp}`).join(" "));

    let t = Date.now();
    const hostImage = buildHostImage();
    timings["rootfs (build or cache) s"] = hostImage.rootfsSeconds;
    buildCmdClient();
    buildServiceImages(plan.services);
    timings["images s"] = since(t);

    t = Date.now();
    s = up(plan, hostImage.image, work, key);
    timings["hosts started s"] = since(t);

    // 1. cloud-init runs the setup script; the readiness gate (as rendered) sees the marker.
    for (const h of plan.hosts) {
      const r = runCommand(s, h.ready, "create", READY_MS);
      const log = onHost(s, h, "tail -n 15 /var/log/cloud-init-output.log; systemctl is-system-running || true");
      check(`${h.name}: readiness gate (rendered, over SSH as pulumi-command) passes once cloud-init's setup script wrote the marker`, r.code === 0, r.code === 0 ? "" : `${tail(r)}\n${log.stdout}`);
    }
    timings["host boot to all ready s"] = since(t);
    // The host apply command (the same setup script over SSH, before anything is deployed).
    for (const h of plan.hosts.filter((x) => x.setup)) {
      const r = runCommand(s, h.setup!, "create", 300_000);
      check(`${h.name}: the host setup command (rendered, over SSH) re-applies the setup script after the readiness gate`, r.code === 0 && /host ready/.test(r.stderr + r.stdout), tail(r, 600));
    }
    for (const h of plan.hosts) {
      const r = onHost(s, h, `set -e; findmnt -n -o SOURCE,FSTYPE /data; readlink -f ${h.diskPath}; docker info -f '{{.Driver}}'; systemctl is-active chrony docker; cat /var/lib/ceresdb-cluster/host-ready`);
      const [src, dev] = r.stdout.split("\n");
      check(`${h.name}: the data disk is formatted ext4 and mounted at /data, Docker (overlay2) and chrony run`, r.code === 0 && src?.split(/\s+/)[0] === dev && /ext4/.test(src) && /overlay2\nactive\nactive/.test(r.stdout), tail(r, 400));
    }
    const egress = onHost(s, plan.hosts[0], "curl -sS -m 5 -o /dev/null http://deb.debian.org/ 2>&1; echo curl=$?; chronyc -n sources 2>&1 | tail -n +2 | grep -c '^\\^' || true");
    check("no egress: a host cannot reach the Debian mirror and chrony has no network time source", /curl=[1-9]/.test(egress.stdout) && /\n0\s*$/.test(egress.stdout), egress.stdout.trim());

    // 2. Images: loaded over ssh:// (the provider would pull), then the chain.
    t = Date.now();
    const images: Record<string, string> = {};
    for (const svc of plan.services) images[svc.host] = loadImage(s, hostOf(plan, svc), svc.image);
    timings["image loads s"] = since(t);
    check("the Docker daemon of every host answers over ssh:// with the provider's host and sshOpts", Object.keys(images).length === plan.hosts.length);
    t = Date.now();
    for (const svc of plan.services) deployService(s, svc, images);
    for (const svc of plan.services) {
      const bad = declaredMismatches(s, svc, images[svc.host]);
      check(`${svc.member}: container created exactly as declared (image, host network, mounts, uploaded config, restart, health check, log options)`, bad.length === 0, bad.join("; "));
    }
    for (const svc of plan.services) {
      const g = runCommand(s, svc.gate, "update", HEALTH_MS);
      const hs = await waitFor(HEALTH_MS, 3000, async () => ((await healthStatus(s!, svc)) === "healthy" ? true : undefined));
      check(`${svc.member}: its gate's health wait passes over SSH and Docker reports the container healthy`, g.code === 0 && !!hs, g.code === 0 ? `docker health ${await healthStatus(s, svc)}` : tail(g));
    }
    timings["cluster ready s"] = since(t);
    const { ids } = await clusterChecks(s, "after deploy");
    const node = plan.services.find((x) => x.role === "server")!;
    const standin = await fetch(`http://${hostOf(plan, node).privateIp}:5440/`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).catch((e: Error) => e.message);
    check(`${node.member}: the CeresDB stand-in serves GET / on the rendered HTTP port with the rendered node address`, standin.includes(`"node": "${hostOf(plan, node).privateIp}"`), standin);

    const metas = plan.services.filter((x) => x.role === "meta");
    const ipOf = (svc: PlanService) => hostOf(plan, svc).privateIp;
    await etcd(ipOf(metas[0]), "/v3/kv/put", { key: b64("/testhosts/probe"), value: b64("written-before") });

    // 3. A second run of the setup script changes nothing and never formats a disk holding data.
    for (const h of [hostOf(plan, metas[1]), hostOf(plan, node)]) {
      const state = "blkid -p -o value -s UUID " + h.diskPath + "; grep -c ' /data ' /etc/fstab; ls -i /data | sort | md5sum; docker ps -q --no-trunc | sort | md5sum";
      const before = onHost(s, h, state);
      const again = onHost(s, h, `/usr/local/sbin/ceresdb-cluster-host-setup.sh 2>&1; echo rc=$?`, 300_000);
      const after = onHost(s, h, state);
      check(`${h.name}: a second run of the setup script succeeds, keeps the filesystem (same UUID, same files), adds no fstab line, leaves the containers running`,
        /rc=0/.test(again.stdout) && !/creating ext4/.test(again.stdout) && /existing ext4 filesystem/.test(again.stdout) && before.stdout === after.stdout && before.code === 0,
        `${again.stdout.trim().split("\n").slice(-4).join(" | ")}; before ${before.stdout.replace(/\n/g, " ")} after ${after.stdout.replace(/\n/g, " ")}`);
    }

    // 4. Replacing a member's container (as Pulumi does: delete before replace) keeps data and identity.
    {
      const m = metas[1];
      const h = hostOf(plan, m);
      const wal = "find /data/ceresmeta -type f -path '*wal*' | sort | head -3; stat -c %i /data/ceresmeta";
      const before = onHost(s, h, wal);
      removeContainer(s, m);
      deployService(s, m, images);
      const g = runCommand(s, m.gate, "update", HEALTH_MS);
      const after = onHost(s, h, wal);
      const { ids: ids2 } = await clusterChecks(s, `after replacing ${m.member}'s container`);
      const read = await etcd(h.privateIp, "/v3/kv/range", { key: b64("/testhosts/probe"), serializable: true }).catch((e: Error) => ({ error: e.message }));
      const kvs = (read as { kvs?: { value: string }[] }).kvs ?? [];
      check(`${m.member}: a replaced container keeps its member ID, its etcd data dir and the data written before (read from the member itself)`,
        g.code === 0 && ids2[m.member] === ids[m.member] && before.stdout === after.stdout && before.stdout.includes("wal") && Buffer.from(kvs[0]?.value ?? "", "base64").toString() === "written-before",
        `gate ${g.code}; id ${ids[m.member]} -> ${ids2[m.member]}; ${JSON.stringify(read).slice(0, 200)}`);
    }

    // 5. The bootstrap guard refuses an empty data dir for a member the running cluster knows.
    {
      const m = metas[2];
      const h = hostOf(plan, m);
      removeContainer(s, m);
      const mv = onHost(s, h, "mv /data/ceresmeta /data/ceresmeta.saved && mkdir /data/ceresmeta");
      const refused = runCommand(s, m.guard!, "create", 60_000);
      check(`${m.member}: the bootstrap guard (rendered, over SSH) refuses an empty data dir while the running cluster knows the member`, mv.code === 0 && refused.code !== 0 && /REFUSED/.test(refused.stderr + refused.stdout), tail(refused, 300));
      onHost(s, h, "rmdir /data/ceresmeta && mv /data/ceresmeta.saved /data/ceresmeta");
      const go = runCommand(s, m.guard!, "create", 60_000);
      check(`${m.member}: with its data dir back the guard lets it start`, go.code === 0, tail(go, 300));
      deployService(s, m, images);
      const g = runCommand(s, m.gate, "update", HEALTH_MS);
      check(`${m.member}: back in the cluster and healthy through its gate`, g.code === 0, tail(g, 300));
    }

    // 6. A config change rolls one member at a time, each gate waiting for health.
    await rollCheck(s, work, pub, images);

    // 7. A reboot: the member comes back by itself (fstab mount, Docker enabled, restart policy).
    {
      const m = metas[0];
      const h = hostOf(plan, m);
      t = Date.now();
      reboot(s, h);
      const r = runCommand(s, m.gate, "update", HEALTH_MS);
      const mnt = onHost(s, h, "findmnt -n -o SOURCE /data; systemctl is-active docker");
      check(`${h.name}: after a reboot the data disk is mounted again and ${m.member} is healthy through its gate without any deploy step`, r.code === 0 && /loop/.test(mnt.stdout), `${tail(r, 300)}; ${mnt.stdout.trim()}`);
      timings["reboot to healthy s"] = since(t);
      await clusterChecks(s, `after rebooting ${h.name}`);
    }
    check("every rendered command ran on a stock sshd (AcceptEnv LANG LC_*): pulumi-command fails a command whose env request is refused",
      !acceptEnvAdded, acceptEnvAdded ? `refused; the hosts needed AcceptEnv ${acceptEnvAdded}` : "");
  } catch (e) {
    checks.fail();
    console.log(`FAIL (aborted) ${(e as Error).message}`);
  } finally {
    if (keep && s) {
      console.log(`\nkept up. Hosts: ${s.plan.hosts.map((h) => `${h.name} ${h.privateIp}`).join(", ")}`);
      console.log(`  ssh -i ${s.key} -o UserKnownHostsFile=${s.knownHosts} root@${s.plan.hosts[0].privateIp}`);
      console.log(`  DOCKER_HOST=${s.plan.hosts[0].docker.host} PATH=${s.sshWrapDir}/${s.plan.hosts[0].name}:$PATH docker ps`);
      console.log("  remove: npm run test:hosts -- --down");
    } else {
      down(STACK, () => undefined);
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  timings["total s"] = since(t0);
  for (const n of notes) console.log(`note: ${n}`);
  console.log(`timings: ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`test-hosts: ${checks.summary()}`);
  return checks.ok ? 0 : 1;
}

async function rollCheck(s: Session, work: string, pub: string, images: Record<string, string>): Promise<void> {
  const plan2 = renderPlan(STACK_FILE, STACK, { "ceresdb:sshPublicKey": pub, "ceresdb:logLevel": "debug" }, path.join(work, "roll"), path.join(work, "hostkeys"));
  const metas1 = s.plan.services.filter((x) => x.role === "meta");
  const metas2 = plan2.services.filter((x) => x.role === "meta");
  const changed = metas2.filter((m, i) => JSON.stringify(m.container.uploads) !== JSON.stringify(metas1[i].container.uploads));
  // The guard re-runs when its trigger values change (in its command text or, before, its environment).
  const guardChanged = metas2.every((m, i) => JSON.stringify([m.guard!.create, m.guard!.environment]) !== JSON.stringify([metas1[i].guard!.create, metas1[i].guard!.environment]));
  check("the config change (logLevel=debug) changes every member's uploaded ceresmeta.toml and re-triggers its bootstrap guard", changed.length === metas2.length && guardChanged);

  // Health of every member, once a second, by a separate process (this one blocks in the steps).
  const ips = metas2.map((m) => hostOf(plan2, m).privateIp);
  const log = path.join(work, "roll-health.log");
  const monitor = spawn("sh", ["-c", `while :; do for ip in ${ips.join(" ")}; do if curl -fsS -m 1 -o /dev/null http://$ip:8080/api/v1/health; then echo "$(date +%s%3N) $ip up"; else echo "$(date +%s%3N) $ip down"; fi; done; sleep 0.5; done >> ${log}`], { stdio: "ignore", detached: true });
  const steps: { member: string; removedAt: number; gateDoneAt: number; gate: number; servingAtGate: boolean }[] = [];
  const s2 = { ...s, plan: plan2 };
  try {
    await sleep(2000);
    for (const m of metas2) {
      const g0 = runCommand(s2, m.guard!, "create", 60_000);
      if (g0.code !== 0) throw new Error(`guard of ${m.member} during the roll: ${tail(g0)}`);
      const removedAt = Date.now();
      removeContainer(s2, m);
      createContainer(s2, m, images[m.host]);
      const g = runCommand(s2, m.gate, "update", HEALTH_MS);
      const gateDoneAt = Date.now();
      // The moment the gate returns, before the next member is touched, this member must serve.
      const probe = run("curl", ["-fsS", "-m", "2", "-o", "/dev/null", `http://${hostOf(plan2, m).privateIp}:8080/api/v1/health`], { timeoutMs: 5000 });
      steps.push({ member: m.member, removedAt, gateDoneAt, gate: g.code, servingAtGate: probe.code === 0 });
      if (g.code !== 0) break;
    }
    await sleep(2000);
  } finally {
    try {
      process.kill(-monitor.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  const lines = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ")).map(([ts, ip, st]) => ({ ts: Number(ts), ip, up: st === "up" }));
  // Most members down within one polling round.
  let worst = 0;
  for (let i = 0; i + ips.length <= lines.length; i += ips.length) worst = Math.max(worst, lines.slice(i, i + ips.length).filter((l) => !l.up).length);
  const orderOk = steps.length === metas2.length && steps.every((st, i) => st.gate === 0 && (i === 0 || st.removedAt >= steps[i - 1].gateDoneAt));
  const waited = steps.every((st, i) => {
    const ip = ips[i];
    const downSeen = lines.some((l) => l.ip === ip && !l.up && l.ts >= st.removedAt && l.ts <= st.gateDoneAt);
    const upBeforeGate = lines.some((l) => l.ip === ip && l.up && l.ts > st.removedAt && l.ts <= st.gateDoneAt + 1000);
    return downSeen && upBeforeGate;
  });
  check("config change: members rolled one at a time in index order, each next one touched only after the previous gate passed", orderOk, JSON.stringify(steps.map((x) => ({ m: x.member, gate: x.gate, s: Math.round((x.gateDoneAt - x.removedAt) / 1000) }))));
  check("config change: each gate returned only once its member (seen down after removal) answered health again, probed the moment the gate returned; never more than one member down",
    waited && worst <= 1 && steps.every((x) => x.servingAtGate), `most down at once ${worst}; serving when its gate returned: ${steps.map((x) => `${x.member}=${x.servingAtGate}`).join(" ")}`);
  const applied = metas2.map((m) => docker(s2, hostOf(plan2, m), ["exec", m.container.name, "cat", m.container.uploads![0].file]).stdout === m.container.uploads![0].content);
  check("config change: every member runs the new config", applied.every(Boolean), applied.join(","));
  await clusterChecks(s2, "after the roll");
  s.plan = plan2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    down(STACK, () => undefined);
    process.exit(1);
  },
);
