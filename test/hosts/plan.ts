/**
 * What the test hosts run comes from the stack's offline plan (`npm run plan -- <stack> --out DIR
 * --format json`, docs/plan.md), never from a second description: the host list and fixed IPs
 * (the ECS instances' inputs), each host's user data (hosts/<host>.cloud-init.yaml), the SSH key
 * (the ECS key pair), and per host the readiness gate, the Docker provider's `ssh://` host and
 * options, and per member the bootstrap guard, the image, the container's inputs and the gate.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");

export interface PlanCommand {
  /** Resource name in the plan, for messages. */
  name: string;
  create: string;
  update?: string;
  environment: Record<string, string>;
  /** `hostKey` is the pinned host key (pulumi-command then accepts only it). */
  connection: { host: string; user: string; port: number; hostKey?: string };
}

export interface PlanUpload {
  file: string;
  content: string;
}

/** The docker.Container inputs as the plan records them (the provider's schema, camelCased). */
export interface ContainerInputs {
  name: string;
  image: string;
  networkMode?: string;
  restart?: string;
  mustRun?: boolean;
  destroyGraceSeconds?: number;
  volumes?: { hostPath?: string; containerPath: string; readOnly?: boolean }[];
  uploads?: PlanUpload[];
  labels?: { label: string; value: string }[];
  healthcheck?: { tests: string[]; interval?: string; timeout?: string; startPeriod?: string; retries?: number };
  logDriver?: string;
  logOpts?: Record<string, string>;
  envs?: string[];
  command?: string[];
  entrypoints?: string[];
  ports?: { internal: number; external?: number; ip?: string; protocol?: string }[];
  networksAdvanced?: { name: string; ipv4Address?: string }[];
}

export interface PlanService {
  member: string;
  role: "meta" | "server";
  host: string;
  /** The RemoteImage's reference (what the provider would pull). */
  image: string;
  container: ContainerInputs;
  gate: PlanCommand;
  /** CeresMeta members only. */
  guard?: PlanCommand;
}

export interface PlanHost {
  name: string;
  privateIp: string;
  hostName: string;
  role: "meta" | "server";
  userData: string;
  /** The by-id path the setup script waits for (`DEVICE=` in the rendered script). */
  diskPath: string;
  ready: PlanCommand;
  /** The setup script applied over SSH after the readiness gate (and on every change of it), when the stack has one. */
  setup?: PlanCommand;
  docker: { host: string; sshOpts: string[] };
}

export interface Plan {
  stack: string;
  dir: string;
  sshPublicKey: string;
  vpcCidr: string;
  hosts: PlanHost[];
  /** In registration order: meta members by index, then the server nodes (the stack's chain). */
  services: PlanService[];
  outputs: Record<string, unknown>;
}

interface Resource {
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
}

/**
 * Renders `stackFile` through the offline plan in a throw-away project directory (the repository's
 * program and Pulumi.yaml, this stack file as Pulumi.<stack>.yaml), with `overrides` as `--set`.
 */
export function renderPlan(stackFile: string, stack: string, overrides: Record<string, string>, workDir: string, hostKeysDir = path.join(workDir, "hostkeys")): Plan {
  const project = path.join(workDir, "project");
  fs.mkdirSync(project, { recursive: true });
  for (const f of ["index.ts", "components", "Pulumi.yaml", "package.json", "node_modules", "tsconfig.json"]) {
    const link = path.join(project, f);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO, f), link);
  }
  fs.copyFileSync(stackFile, path.join(project, `Pulumi.${stack}.yaml`));
  const out = path.join(workDir, "plan");
  const sets = Object.entries(overrides).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  const r = spawnSync(
    process.execPath,
    ["--max-semi-space-size=64", "--import", "tsx", "tools/plan/cli.ts", stack, "--project", project, "--out", out, "--format", "json", ...sets],
    { cwd: REPO, encoding: "utf8", timeout: 180_000, maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`offline plan of ${stack} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return withHostKeys(readPlan(JSON.parse(r.stdout), path.join(out, stack)), hostKeysDir);
}

const REDACTED_PRIVATE_KEY = "<redacted private key>";

/**
 * Plays the stack's HostKey resource: offline, each host's key is a mock public key and the
 * private key in the user data's `ssh_keys` is redacted. Here every host gets a real ed25519 key
 * (generated at test time into `dir`, reused by later renders of the same run, as the resource's
 * state would be): the private key goes where the plan redacted it, and the public key replaces
 * the mock one everywhere (user data, the commands' pinned hostKey, the Docker provider's options).
 */
export function withHostKeys(plan: Plan, dir: string): Plan {
  fs.mkdirSync(dir, { recursive: true });
  const hosts = plan.hosts.map((h) => {
    const mock = /^\s*ed25519_public:\s*(\S+ \S+)/m.exec(h.userData)?.[1];
    if (!mock) return { host: h, mock: undefined, real: "" };
    const file = path.join(dir, h.name);
    if (!fs.existsSync(file)) {
      const k = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", h.hostName, "-f", file], { encoding: "utf8", timeout: 30_000 });
      if (k.status !== 0) throw new Error(`ssh-keygen for the host key of ${h.name}: ${k.stderr}`);
    }
    const real = fs.readFileSync(`${file}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
    const priv = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    const lines = h.userData.split("\n");
    const at = lines.findIndex((l) => l.trim() === REDACTED_PRIVATE_KEY);
    if (at < 0) throw new Error(`plan: ${h.name} has ssh_keys but no redacted private key line`);
    const indent = /^\s*/.exec(lines[at])![0];
    lines.splice(at, 1, ...priv.map((l) => indent + l));
    return { host: { ...h, userData: lines.join("\n") }, mock, real };
  });
  const swap = <T>(x: T, mock: string | undefined, real: string): T => (mock ? (JSON.parse(JSON.stringify(x).split(mock).join(real)) as T) : x);
  return {
    ...plan,
    hosts: hosts.map(({ host, mock, real }) => swap(host, mock, real)),
    services: plan.services.map((svc) => {
      const k = hosts.find((x) => x.host.name === svc.host)!;
      return swap(svc, k.mock, k.real);
    }),
  };
}

function cmd(r: Resource): PlanCommand {
  const i = r.inputs as { create: string; update?: string; environment?: Record<string, string>; connection: { host: string; user: string; port?: number; hostKey?: string } };
  return {
    name: r.name,
    create: i.create,
    update: i.update,
    environment: i.environment ?? {},
    connection: { host: i.connection.host, user: i.connection.user, port: i.connection.port ?? 22, hostKey: i.connection.hostKey },
  };
}

export function readPlan(json: { stack: string; resources: Resource[]; outputs: Record<string, unknown> }, dir: string): Plan {
  const rs = json.resources;
  const children = (parent: string, type?: string) => rs.filter((r) => r.parent === parent && (!type || r.type === type));
  const one = (list: Resource[], what: string): Resource => {
    if (list.length !== 1) throw new Error(`plan: expected one ${what}, found ${list.length}`);
    return list[0];
  };
  const keyPair = one(rs.filter((r) => r.type === "alicloud:ecs/ecsKeyPair:EcsKeyPair"), "ECS key pair");
  const vpc = rs.find((r) => r.type === "alicloud:vpc/network:Network");

  const hosts: PlanHost[] = [];
  const services: PlanService[] = [];
  for (const inst of rs.filter((r) => r.type === "alicloud:ecs/instance:Instance")) {
    const tags = inst.inputs.tags as Record<string, string>;
    const name = tags.host;
    const role = tags.role as "meta" | "server";
    const hostComp = inst.parent!;
    const userData = fs.readFileSync(path.join(dir, "hosts", `${name}.cloud-init.yaml`), "utf8");
    const device = /^\s*DEVICE='([^']+)'$/m.exec(userData);
    if (!device) throw new Error(`plan: no DEVICE= line in the setup script of ${name}`);
    const provider = one(children(hostComp, "pulumi:providers:docker"), `Docker provider of ${name}`);
    const sshOpts = provider.inputs.sshOpts;
    hosts.push({
      name,
      privateIp: inst.inputs.privateIp as string,
      hostName: inst.inputs.hostName as string,
      role,
      userData,
      diskPath: device[1],
      ready: cmd(one(children(hostComp, "command:remote:Command").filter((c) => c.name === `${hostComp}-ready`), `readiness gate of ${name}`)),
      setup: children(hostComp, "command:remote:Command").filter((c) => c.name === `${hostComp}-setup`).map(cmd)[0],
      docker: {
        host: provider.inputs.host as string,
        sshOpts: typeof sshOpts === "string" ? (JSON.parse(sshOpts) as string[]) : ((sshOpts as string[]) ?? []),
      },
    });

    // The member component (MetaMember / ServerNode) is the Host component's parent.
    const member = rs.find((r) => r.name === rs.find((h) => h.name === hostComp && h.type === "ceresdb:hosts:Host")?.parent);
    if (!member) throw new Error(`plan: no member component above host ${name}`);
    const svc = one(children(member.name, "ceresdb:runtime:DockerService"), `service of ${name}`);
    const container = one(children(svc.name, "docker:index/container:Container"), `container of ${name}`);
    const image = one(children(svc.name, "docker:index/remoteImage:RemoteImage"), `image of ${name}`);
    const guards = children(member.name, "command:remote:Command").filter((c) => c.name === `${member.name}-guard`);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "containers", `${labelOf(container, "ceresdb.member")}.json`), "utf8")) as { host: string };
    if (spec.host !== name) throw new Error(`plan: container of ${member.name} is on ${spec.host}, its host component is ${name}`);
    services.push({
      member: labelOf(container, "ceresdb.member"),
      role,
      host: name,
      image: image.inputs.name as string,
      container: container.inputs as unknown as ContainerInputs,
      gate: cmd(one(children(svc.name, "command:remote:Command"), `gate of ${name}`)),
      guard: guards.length ? cmd(one(guards, `bootstrap guard of ${name}`)) : undefined,
    });
  }
  return {
    stack: json.stack,
    dir,
    sshPublicKey: keyPair.inputs.publicKey as string,
    vpcCidr: (vpc?.inputs.cidrBlock as string | undefined) ?? "10.10.0.0/16",
    hosts,
    services,
    outputs: json.outputs,
  };
}

function labelOf(container: Resource, label: string): string {
  const l = (container.inputs.labels as { label: string; value: string }[]).find((x) => x.label === label);
  if (!l) throw new Error(`plan: container ${container.name} has no label ${label}`);
  return l.value;
}
