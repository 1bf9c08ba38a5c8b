/**
 * `npm run playground -- <stack> [--set key=value]... [--down]`: the stack's CeresMeta members and
 * CeresDB nodes as containers on the local Docker, from the same rendered files the stack deploys
 * (the offline plan: the containers' declared inputs and uploaded configs), like `tiup playground`.
 *
 * Differences from a deployment, all forced by one machine: every container is on one local
 * bridge network created on the stack's VPC CIDR, at its host's private IP (instead of host
 * networking on its own host), so the advertised addresses in the rendered configs stay right;
 * data directories are under .cache/playground/<stack>/<member>/. Images: the plan's references
 * (the official ceresdb/ceresmeta-server and ceresdb/ceresdb-server images) are pulled when a
 * registry is reachable; an image already present locally under that reference is used as is
 * (`npm run test:hosts` builds such images where no registry is reachable: the real CeresMeta and a
 * CeresDB stand-in). The rendered CeresDB config points at OSS with the stack's settings; a secret
 * the offline plan cannot decrypt stays a placeholder, so the real server cannot write to OSS.
 *
 * `--down` removes the containers, the network and the data directories. Linux: the printed
 * endpoints are reachable from the machine itself (Docker Desktop does not route to bridge IPs).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containerCalls } from "../../test/hosts/dockerArgs";
import { tarOne } from "../../test/hosts/deploy";
import { must, run, waitFor } from "../../test/hosts/harness";
import { ContainerInputs, Plan, readPlan, REPO } from "../../test/hosts/plan";

const LABEL = "ceresdb.playground";
const USAGE = "usage: npm run playground -- <stack> [--set key=value]... [--down]";

function parse(argv: string[]): { stack: string; sets: string[]; down: boolean } {
  let stack = "";
  const sets: string[] = [];
  let down = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--down") down = true;
    else if (a === "--set" && argv[i + 1]) sets.push("--set", argv[++i]);
    else if (!a.startsWith("-") && !stack) stack = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!stack) throw new Error(USAGE);
  return { stack, sets, down };
}

function dataRoot(stack: string): string {
  return path.join(REPO, ".cache", "playground", stack);
}

function down(stack: string): void {
  const ids = run("docker", ["ps", "-aq", "--filter", `label=${LABEL}=${stack}`]).stdout.split(/\s+/).filter(Boolean);
  for (const id of ids) run("docker", ["rm", "-f", id], { timeoutMs: 180_000 });
  for (const n of run("docker", ["network", "ls", "-q", "--filter", `label=${LABEL}=${stack}`]).stdout.split(/\s+/).filter(Boolean)) run("docker", ["network", "rm", n]);
  fs.rmSync(dataRoot(stack), { recursive: true, force: true });
  console.log(`playground ${stack}: removed ${ids.length} containers, the network and the data`);
}

function ensureImage(ref: string): void {
  if (run("docker", ["image", "inspect", ref]).code === 0) return;
  const pull = run("docker", ["pull", ref], { timeoutMs: 600_000 });
  if (pull.code !== 0) {
    throw new Error(`image ${ref}: not present locally and the pull failed (no registry reachable?): ${pull.stderr.trim().split("\n").pop()}\n` +
      "Without a registry, `npm run test:hosts` builds local images under these references (the real CeresMeta, a CeresDB stand-in).");
  }
}

function render(stack: string, sets: string[], work: string): Plan {
  const out = path.join(work, "plan");
  const r = run(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", "tools/plan/cli.ts", stack, "--out", out, "--format", "json", ...sets], { cwd: REPO, timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`offline plan of ${stack} failed:\n${r.stderr}`);
  return readPlan(JSON.parse(r.stdout), path.join(out, stack));
}

async function main(argv: string[]): Promise<number> {
  const { stack, sets, down: only } = parse(argv);
  down(stack);
  if (only) return 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "playground-"));
  try {
    const plan = render(stack, sets, work);
    const network = `ceresdb-pg-${stack}`;
    must("docker", ["network", "create", "--subnet", plan.vpcCidr, "--label", `${LABEL}=${stack}`, network]);
    for (const ref of new Set(plan.services.map((s) => s.image))) ensureImage(ref);
    for (const svc of plan.services) {
      const host = plan.hosts.find((h) => h.name === svc.host)!;
      const dataDir = path.join(dataRoot(stack), svc.member);
      fs.mkdirSync(dataDir, { recursive: true });
      const declared: ContainerInputs = {
        ...svc.container,
        name: `pg-${stack}-${svc.member}`,
        networkMode: undefined,
        networksAdvanced: [{ name: network, ipv4Address: host.privateIp }],
        volumes: (svc.container.volumes ?? []).map((v) => ({ ...v, hostPath: dataDir })),
        labels: [...(svc.container.labels ?? []), { label: LABEL, value: stack }],
      };
      const id = must("docker", ["image", "inspect", "-f", "{{.Id}}", svc.image]).trim();
      const calls = containerCalls(declared, id);
      must("docker", ["create", "--hostname", host.hostName, ...calls.create], { timeoutMs: 120_000 });
      for (const u of calls.uploads) must("docker", ["cp", "-", `${declared.name}:/`], { input: tarOne(u.file, u.content) });
      must("docker", ["start", declared.name]);
      console.log(`started ${declared.name} (${svc.role}) at ${host.privateIp} from ${svc.image}`);
    }
    const healthy = await waitFor(240_000, 3000, () => {
      const states = plan.services.map((s) => run("docker", ["inspect", "-f", "{{.State.Health.Status}}", `pg-${stack}-${s.member}`]).stdout.trim());
      return states.every((x) => x === "healthy") ? states : undefined;
    });
    const o = plan.outputs as Record<string, string[]>;
    console.log(`\nplayground ${stack}: ${healthy ? "all containers healthy" : "NOT all healthy within 240 s (docker ps; docker logs pg-<stack>-<member>)"}`);
    for (const k of ["metaEndpoints", "metaHttpEndpoints", "httpEndpoints", "grpcEndpoints", "mysqlEndpoints"]) if (o[k]) console.log(`  ${k}: ${o[k].join(" ")}`);
    console.log(`  remove: npm run playground -- ${stack} --down`);
    return healthy ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  (e: Error) => {
    console.error(`playground: ${e.message}`);
    process.exit(1);
  },
);
