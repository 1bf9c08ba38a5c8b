/**
 * Turn an offline run into the plan: the generated files (TOMLs, cloud-inits, container specs,
 * resource inventory), the resource table, the endpoints and a topology diagram. Pure: no I/O.
 */
import { createHash } from "crypto";
import * as path from "path";
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
  vswitch: "alicloud:vpc/switch:Switch",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  dockerProvider: "pulumi:providers:docker",
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

export function renderPlan(run: OfflineRun): Plan {
  const redact = makeRedactor(run);
  const files: PlanFile[] = [];
  const byName = new Map<string, RecordedResource>();
  for (const r of run.resources) byName.set(r.name, r);

  // Zones: vswitch id -> zone.
  const zoneOfSwitch = new Map<string, string>();
  for (const r of run.resources) {
    if (r.type === T.vswitch && r.id) zoneOfSwitch.set(r.id, str(r.inputs.zoneId) ?? "?");
  }

  // Hosts from instances (cloud-init per host).
  const hosts: PlanHost[] = [];
  /** Host name by the component that owns the instance (the Docker provider's parent too). */
  const hostByParent = new Map<string, string>();
  for (const r of run.resources.filter((x) => x.type === T.instance)) {
    const tags = obj(redact.value(r.inputs.tags));
    const name = str(tags.host) ?? r.name;
    const privateIp = str(r.state.privateIp) ?? str(r.inputs.privateIp);
    const zone = str(r.inputs.availabilityZone) ?? zoneOfSwitch.get(str(r.inputs.vswitchId) ?? "");
    hosts.push({ name, role: str(tags.role) ?? "?", zone, privateIp, resource: r.name });
    if (r.parent) hostByParent.set(r.parent, name);
    const userData = r.inputs.userData;
    if (userData !== undefined) {
      // Secret as a whole because it carries the host's private key; shown with that key (and any
      // other secret) redacted rather than hidden entirely.
      const text = redact.text(String(unwrapSecrets(userData)));
      files.push({ path: `hosts/${seg(name)}.cloud-init.yaml`, role: "cloud-init", node: name, content: text.endsWith("\n") ? text : `${text}\n` });
    }
  }

  // Containers: TOML uploads and the container spec.
  const imageById = new Map<string, string>();
  for (const r of run.resources.filter((x) => x.type === T.remoteImage)) {
    const id = str(r.state.imageId);
    if (id) imageById.set(id, String(redact.value(r.inputs.name)));
    const repoDigest = str(r.state.repoDigest);
    if (repoDigest) imageById.set(repoDigest, String(redact.value(r.inputs.name)));
  }
  const members: PlanMember[] = [];
  for (const c of run.resources.filter((x) => x.type === T.container)) {
    const labels = labelsOf(c, redact);
    const role = labels["ceresdb.role"] ?? "container";
    const member = labels["ceresdb.member"] ?? c.name;
    const provider = c.provider ? byName.get(c.provider) : undefined;
    const dockerHost = provider ? str(redact.value(provider.inputs.host)) : undefined;
    // The provider sits beside the instance in the same host component (a public SSH address
    // would not match the private IPs).
    const host = provider?.parent ? hostByParent.get(provider.parent) : undefined;
    // Host-networked containers publish no ports; they declare what they listen on in a label.
    const published = arr(redact.value(c.inputs.ports)).map((p) => Number(obj(p).external ?? obj(p).internal));
    const declared = (labels["ceresdb.ports"] ?? "").split(",").filter(Boolean).map((p) => Number(p.split("=").pop()));
    const ports = published.length > 0 ? published : declared;
    members.push({ member, role, host, ports, resource: c.name });

    const uploads = arr(redact.value(c.inputs.uploads)).map(obj);
    for (const u of uploads) {
      const file = str(u.file) ?? "upload";
      const content = str(u.content) ?? "";
      const base = path.posix.basename(file);
      const isToml = base.endsWith(".toml");
      const dir = role === "meta" ? "meta" : role === "server" ? "nodes" : "containers";
      files.push({
        path: isToml && uploads.length === 1 ? `${dir}/${seg(member)}.toml` : `${dir}/${seg(member)}/${seg(base)}`,
        role: role === "meta" ? "meta-config" : "server-config",
        node: member,
        content: content.endsWith("\n") ? content : `${content}\n`,
      });
    }
    const inputs = obj(redact.value(c.inputs));
    const imageRef = str(inputs.image) ?? "";
    const spec = {
      name: inputs.name ?? member,
      member,
      role,
      host: host ?? dockerHost,
      image: imageById.get(imageRef) ?? imageRef,
      restart: inputs.restart,
      networkMode: inputs.networkMode,
      ports: inputs.ports ?? [],
      mounts: [...arr(inputs.volumes), ...arr(inputs.mounts)],
      env: inputs.envs ?? [],
      command: inputs.command,
      entrypoint: inputs.entrypoints,
      healthcheck: inputs.healthcheck,
      labels,
      uploads: uploads.map((u) => u.file),
      logOpts: inputs.logOpts,
      user: inputs.user,
    };
    files.push({ path: `containers/${seg(member)}.json`, role: "container", node: member, content: stableJson(spec) });
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
