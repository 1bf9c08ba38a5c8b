/**
 * Turn an offline run into the plan: the generated files (TOMLs, cloud-inits, container specs,
 * resource inventory), the resource table, the endpoints and a topology diagram. Pure: no I/O.
 *
 * What lands on each host is written from hostFiles (components/render/hostFiles.ts), the
 * function the components deploy from, for the spec the program built from the same settings;
 * the run only supplies what the cloud assigns (disk IDs, host keys, the RAM key).
 */
import { createHash } from "crypto";
import * as path from "path";
import { splitConfig } from "../../components/config/stackConfig";
import { hostResourceNames } from "../../components/contracts/names";
import { buildSpec } from "../../components/model/buildSpec";
import { ClusterSpec } from "../../components/model/types";
import { ClusterHost, clusterHosts, hostFiles, HostValues } from "../../components/render/hostFiles";
import { OfflineRun, RecordedResource, unwrapSecrets } from "./offline";
import { makeRedactor, Redactor } from "./redact";

export type FileRole = "meta-config" | "server-config" | "cloud-init" | "container" | "inventory";

export interface PlanFile {
  /** Path relative to the stack's directory, `/`-separated. */
  path: string;
  role: FileRole;
  /** Member (`meta0`, `node3`) or host (`meta-0`, `node-3`) the file belongs to; absent for stack-wide files. */
  node?: string;
  content: string;
}

export interface PlanHost {
  name: string;
  role: string;
  zone?: string;
  privateIp?: string;
  resource: string;
}

export interface PlanMember {
  member: string;
  role: string;
  host?: string;
  ports: number[];
  resource: string;
}

export interface PlanResourceRow {
  type: string;
  name: string;
  parent?: string;
  inputs: unknown;
  /** The id the mock gave it (custom resources): what other resources' inputs refer to it by. */
  id?: string;
  /** `replaceOnChanges` and `ignoreChanges` the program set: they override the provider's diff. */
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
}

export interface Plan {
  stack: string;
  project: string;
  files: PlanFile[];
  resources: PlanResourceRow[];
  counts: Record<string, number>;
  outputs: Record<string, unknown>;
  hosts: PlanHost[];
  members: PlanMember[];
  mermaid: string;
  /** The program's warnings (pulumi.log.warn), in order. */
  warnings: string[];
}

const T = {
  instance: "alicloud:ecs/instance:Instance",
  disk: "alicloud:ecs/ecsDisk:EcsDisk",
  hostKey: "pulumi-nodejs:dynamic/ceresdb:HostKey",
  accessKey: "alicloud:ram/accessKey:AccessKey",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
};

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Safe single path segment. */
function seg(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

function labelsOf(c: RecordedResource, redact: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of arr(redact.value(c.inputs.labels))) {
    const o = obj(l);
    if (typeof o.label === "string") out[o.label] = String(o.value ?? "");
  }
  return out;
}

function stableJson(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * The spec the program built from the same settings: the run's config through the program's own
 * split (splitConfig) and validator (buildSpec). The program already refused invalid settings.
 */
export function specOfRun(run: Pick<OfflineRun, "project" | "stack" | "config" | "secretKeys">): ClusterSpec {
  const secret = new Set(run.secretKeys);
  const split = splitConfig(run.config, (k) => secret.has(k));
  const built = buildSpec({
    project: run.project,
    stack: run.stack,
    region: run.config["alicloud:region"],
    values: split.values,
    secretsSet: new Set(split.secretNames),
    plaintextSecrets: split.plaintextSecrets,
    undeclaredSettings: split.undeclaredSettings,
  });
  if (!built.ok) throw new Error(`the run's settings do not build a spec: ${built.problems.map((p) => p.setting).join(", ")}`);
  return built.spec;
}

/** The resources one host of the spec was deployed as, found by the names the program gives them. */
interface HostResources {
  instance?: RecordedResource;
  disk?: RecordedResource;
  hostKey?: RecordedResource;
  container?: RecordedResource;
}

/**
 * The run's resources looked up by the names the program gives them, built once per render: a
 * search of every resource per host made the render quadratic in the cluster size (and the
 * container's provider match cubic), 2.4 s of a 200-node plan.
 */
interface RunIndex {
  instances: Map<unknown, RecordedResource>;
  disks: Map<unknown, RecordedResource>;
  hostKeys: Map<unknown, RecordedResource>;
  /** Containers by the parent of the Docker provider they run on (the Host component). */
  containersByHost: Map<string, RecordedResource>;
  accessKey?: RecordedResource;
}

function firstBy(resources: RecordedResource[], type: string, key: (r: RecordedResource) => unknown): Map<unknown, RecordedResource> {
  const out = new Map<unknown, RecordedResource>();
  for (const r of resources) if (r.type === type && !out.has(key(r))) out.set(key(r), r);
  return out;
}

function indexRun(run: OfflineRun): RunIndex {
  const parentsByName = new Map<string, Set<string>>();
  for (const r of run.resources) {
    if (r.parent === undefined) continue;
    const parents = parentsByName.get(r.name) ?? new Set<string>();
    parents.add(r.parent);
    parentsByName.set(r.name, parents);
  }
  const containersByHost = new Map<string, RecordedResource>();
  for (const c of run.resources) {
    if (c.type !== T.container || !c.provider) continue;
    for (const host of parentsByName.get(c.provider) ?? []) if (!containersByHost.has(host)) containersByHost.set(host, c);
  }
  return {
    instances: firstBy(run.resources, T.instance, (r) => r.inputs.instanceName),
    disks: firstBy(run.resources, T.disk, (r) => r.inputs.diskName),
    hostKeys: firstBy(run.resources, T.hostKey, (r) => r.inputs.slot),
    containersByHost,
    accessKey: run.resources.find((r) => r.type === T.accessKey),
  };
}

function hostResources(index: RunIndex, spec: ClusterSpec, host: ClusterHost): HostResources {
  const names = hostResourceNames(spec.namePrefix, host.host.name);
  const instance = index.instances.get(names.instanceName);
  const disk = index.disks.get(names.diskName);
  const hostKey = index.hostKeys.get(host.host.name);
  // The container runs on the Docker provider that sits beside the instance in its Host component.
  const container = instance?.parent ? index.containersByHost.get(instance.parent) : undefined;
  return { instance, disk, hostKey, container };
}

/**
 * The values a host's files take that the cloud assigns (components/render/hostFiles.ts
 * HostValues), as the run recorded them: the data disk's ID, the slot's host key, and for a
 * CeresDB node the credentials (the supplied key, or the RAM access key the stack creates).
 */
export function hostValuesOfRun(run: OfflineRun, spec: ClusterSpec, host: ClusterHost, index = indexRun(run)): HostValues {
  const found = hostResources(index, spec, host);
  const values: HostValues = { dataDiskId: found.disk?.id };
  const key = obj(found.hostKey?.state);
  if (typeof key.publicKey === "string" && typeof key.privateKey === "string") values.hostKey = { publicKey: key.publicKey, privateKey: String(unwrapSecrets(key.privateKey)) };
  if (host.role === "server") {
    const secret = (name: string) => run.secretValues[`ceresdb:${name}`] || undefined;
    const ram = index.accessKey;
    values.secrets = {
      ossAccessKeyId: spec.storage.useSuppliedKey ? (spec.storage.suppliedKeyId ?? "") : (ram?.id ?? ""),
      ossAccessKeySecret: spec.storage.useSuppliedKey ? (secret("ossAccessKeySecret") ?? "") : String(unwrapSecrets(ram?.state.secret) ?? ""),
      obkvPassword: secret("obkvPassword"),
      obkvSysPassword: secret("obkvSysPassword"),
    };
  }
  return values;
}

export function renderPlan(run: OfflineRun): Plan {
  const redact = makeRedactor(run);
  const files: PlanFile[] = [];
  const spec = specOfRun(run);

  const imageById = new Map<string, string>();
  for (const r of run.resources.filter((x) => x.type === T.remoteImage)) {
    const id = str(r.state.imageId);
    if (id) imageById.set(id, String(redact.value(r.inputs.name)));
    const repoDigest = str(r.state.repoDigest);
    if (repoDigest) imageById.set(repoDigest, String(redact.value(r.inputs.name)));
  }

  const hosts: PlanHost[] = [];
  const members: PlanMember[] = [];
  const index = indexRun(run);
  for (const h of clusterHosts(spec)) {
    const found = hostResources(index, spec, h);
    const name = h.host.name;
    hosts.push({ name, role: h.role, zone: h.host.zoneId, privateIp: h.host.privateIp, resource: found.instance?.name ?? name });
    members.push({ member: h.member, role: h.role, host: name, ports: Object.values(h.ports), resource: found.container?.name ?? h.member });

    // What lands on the host, from the function the components deploy from; shown with every
    // secret (the host's private key included) redacted rather than hidden entirely.
    const values = hostValuesOfRun(run, spec, h, index);
    const onHost = hostFiles(spec, h.host);
    const uploads = onHost.filter((f) => f.delivery === "container-upload");
    for (const f of onHost) {
      if (f.delivery === "user-data") {
        files.push({ path: `hosts/${seg(name)}.cloud-init.yaml`, role: "cloud-init", node: name, content: withNewline(redact.text(f.render(values))) });
      } else if (f.delivery === "container-upload") {
        const dir = h.role === "meta" ? "meta" : "nodes";
        const base = path.posix.basename(f.path);
        files.push({
          path: base.endsWith(".toml") && uploads.length === 1 ? `${dir}/${seg(h.member)}.toml` : `${dir}/${seg(h.member)}/${seg(base)}`,
          role: h.role === "meta" ? "meta-config" : "server-config",
          node: h.member,
          content: withNewline(redact.text(f.render(values))),
        });
      }
    }

    // The container as the program declared it (its resource's inputs).
    const c = found.container;
    if (!c) continue;
    const inputs = obj(redact.value(c.inputs));
    const imageRef = str(inputs.image) ?? "";
    const container = {
      name: inputs.name ?? h.member,
      member: h.member,
      role: h.role,
      host: name,
      image: imageById.get(imageRef) ?? imageRef,
      restart: inputs.restart,
      networkMode: inputs.networkMode,
      ports: inputs.ports ?? [],
      mounts: [...arr(inputs.volumes), ...arr(inputs.mounts)],
      env: inputs.envs ?? [],
      command: inputs.command,
      entrypoint: inputs.entrypoints,
      healthcheck: inputs.healthcheck,
      labels: labelsOf(c, redact),
      uploads: arr(inputs.uploads).map((u) => obj(u).file),
      logOpts: inputs.logOpts,
      user: inputs.user,
    };
    files.push({ path: `containers/${seg(h.member)}.json`, role: "container", node: h.member, content: stableJson(container) });
  }

  // Resource inventory (one line per resource) and table.
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
  const resources: PlanResourceRow[] = run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    inputs: redact.value(r.inputs),
    id: r.id,
    replaceOnChanges: strings(r.options?.replaceOnChanges),
    ignoreChanges: strings(r.options?.ignoreChanges),
  }));
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  const inventory = [...run.resources]
    .map((r) => `${r.type}\t${r.name}\t${r.parent ?? "-"}`)
    .sort()
    .join("\n");
  files.push({ path: "resources.tsv", role: "inventory", content: `type\tname\tparent\n${inventory}\n` });
  files.push({ path: INPUTS_FILE, role: "inventory", content: inputDigests(resources) });

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const outputs = obj(redact.value(run.outputs));
  return {
    stack: run.stack,
    project: run.project,
    files,
    resources,
    counts,
    outputs,
    hosts,
    members,
    mermaid: topology(hosts, members),
    warnings: run.warnings.map((w) => redact.text(w)),
  };
}

/** The per-input fingerprint file a later `--baseline` compares with, input by input. */
export const INPUTS_FILE = "inputs.tsv";

/** JSON with object keys sorted, so equal values print equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as Obj).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * A short digest of a redacted input value. Every redaction marker counts as one and the same
 * secret, so the digest says nothing about a secret (a render with real values and one with
 * placeholders are identical) and a secret's change is invisible here, as it is in the files.
 */
export function inputDigest(v: unknown): string {
  const text = canonical(v).replace(/<secret[^<>"]*>|<redacted private key>/g, "<secret>");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * One line per resource and top-level input: `type name property digest`, sorted. A digest, not
 * the value: the render stays small and the values are in the files and the JSON report.
 */
function inputDigests(rows: PlanResourceRow[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    for (const [k, v] of Object.entries(obj(r.inputs))) {
      if (v === undefined) continue;
      lines.push(`${r.type}\t${r.name}\t${k}\t${inputDigest(v)}`);
    }
  }
  return `type\tname\tproperty\tdigest\n${lines.sort().join("\n")}\n`;
}

function mid(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}

/** Mermaid flowchart: zones as subgraphs, hosts inside, each host's member with its ports. */
export function topology(hosts: PlanHost[], members: PlanMember[]): string {
  const lines = ["flowchart LR"];
  const zones = new Map<string, PlanHost[]>();
  for (const h of hosts) {
    const z = h.zone ?? "unknown zone";
    zones.set(z, [...(zones.get(z) ?? []), h]);
  }
  const membersOn = new Map<string, PlanMember[]>();
  for (const m of members) membersOn.set(m.host ?? "", [...(membersOn.get(m.host ?? "") ?? []), m]);
  let zi = 0;
  for (const [zone, hs] of zones) {
    lines.push(`  subgraph zone${zi++}["${zone}"]`);
    for (const h of hs) {
      lines.push(`    subgraph host_${mid(h.name)}["${h.name} ${h.privateIp ?? ""}"]`);
      const ms = membersOn.get(h.name) ?? [];
      if (ms.length === 0) lines.push(`      empty_${mid(h.name)}["(no container)"]`);
      for (const m of ms) lines.push(`      ${mid(m.member)}["${m.member} :${m.ports.join(",")}"]`);
      lines.push("    end");
    }
    lines.push("  end");
  }
  const orphans = membersOn.get("") ?? [];
  for (const m of orphans) lines.push(`  ${mid(m.member)}["${m.member} :${m.ports.join(",")}"]`);
  const metas = members.filter((m) => m.role === "meta");
  const servers = members.filter((m) => m.role === "server");
  if (metas.length > 0) {
    lines.push(`  metaCluster(("CeresMeta x${metas.length}"))`);
    for (const m of metas) lines.push(`  metaCluster --- ${mid(m.member)}`);
    for (const s of servers) lines.push(`  ${mid(s.member)} --> metaCluster`);
  }
  return lines.join("\n");
}
