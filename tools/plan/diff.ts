/**
 * Compare a render with an earlier one (the baseline) and derive the blast radius: for every
 * resource in both, which inputs changed and what the provider does about each (replace, restart
 * in place, update in place), taken from the provider-contract table
 * (components/contracts/providers.ts) and the program's own `replaceOnChanges`/`ignoreChanges`;
 * nothing is inferred from file names.
 */
import { ChangeKind, propertyContract, worstChange } from "../../components/contracts/providers";
import { INPUTS_FILE, Plan, PlanFile, PlanResourceRow } from "./render";

export interface FileChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** What a change does; `unclassified`: the contract table has no entry (a test keeps this empty). */
export type Classified = ChangeKind | "unclassified";

export interface InputChange {
  property: string;
  change: Classified;
  /** Why: the contract's source file, `replaceOnChanges`, or the replaced resource it refers to. */
  reason: string;
  /** What else the provider's behaviour means for this change (offline resize, state only, ...). */
  note?: string;
}

export interface ResourceChange {
  type: string;
  name: string;
  /** The most disruptive of its input changes. */
  change: Classified;
  inputs: InputChange[];
  /** Inputs that changed but that the program tells Pulumi to ignore. */
  ignored?: string[];
}

export interface BlastRadius {
  /** Config files (TOML, cloud-init, container specs) added/removed/changed, by path. */
  files: FileChanges;
  /** Resource inventory lines (`type\tname\tparent`) added/removed. */
  resourcesAdded: string[];
  resourcesRemoved: string[];
  /** False when the baseline predates inputs.tsv: only files and the inventory are compared. */
  inputsCompared: boolean;
  /** Every resource in both renders whose inputs differ, with each input classified. */
  changes: ResourceChange[];
  containers: { created: string[]; replaced: string[]; updated: string[]; destroyed: string[] };
  hosts: { created: string[]; replaced: string[]; restarted: string[]; updated: string[]; destroyed: string[] };
}

const INVENTORY = "resources.tsv";
const INSTANCE = "alicloud:ecs/instance:Instance";
const CONTAINER = "docker:index/container:Container";

/** Which member or host a generated file belongs to (for created/destroyed ones). */
export function ownerOf(p: string): { kind: "container" | "host"; name: string } | undefined {
  let m = /^hosts\/(.+)\.cloud-init\.yaml$/.exec(p);
  if (m) return { kind: "host", name: m[1] };
  m = /^(?:meta|nodes|containers)\/([^/]+?)(?:\.toml|\.json)?(?:\/.*)?$/.exec(p);
  if (m) return { kind: "container", name: m[1] };
  return undefined;
}

/** `type\tname\tproperty` -> digest, from an inputs.tsv. */
function readDigests(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? "").split("\n").slice(1)) {
    const cols = line.split("\t");
    if (cols.length === 4) out.set(cols.slice(0, 3).join("\t"), cols[3]);
  }
  return out;
}

function classify(row: PlanResourceRow | undefined, type: string, property: string): { change: Classified; reason: string; note?: string } {
  if (row?.replaceOnChanges?.some((p) => p === "*" || p === property || p.startsWith(`${property}.`) || p.startsWith(`${property}[`))) {
    return { change: "replace", reason: "replaceOnChanges (the program's resource option)" };
  }
  const pc = propertyContract(type, property);
  if (!pc) return { change: "unclassified", reason: "no provider contract for this input (components/contracts/providers.ts)" };
  return { change: pc.change, reason: pc.source, ...(pc.note ? { note: pc.note } : {}) };
}

function ignored(row: PlanResourceRow | undefined, property: string): boolean {
  return row?.ignoreChanges?.some((p) => p === property || p.startsWith(`${property}.`) || p.startsWith(`${property}[`)) ?? false;
}

/** Every string inside `v` (where inputs refer to other resources by id). */
function stringsIn(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === "string") out.add(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}

function inputChanges(current: Map<string, string>, baseline: Map<string, string>, plan: Plan | undefined): ResourceChange[] {
  const rows = new Map((plan?.resources ?? []).map((r) => [`${r.type}\t${r.name}`, r]));
  const byResource = new Map<string, { type: string; name: string; props: Set<string> }>();
  const resourceKey = (k: string) => k.split("\t").slice(0, 2).join("\t");
  const present = new Set([...baseline.keys()].map(resourceKey));
  const inCurrent = new Set([...current.keys()].map(resourceKey));
  const note = (k: string) => {
    const [type, name, property] = k.split("\t");
    const rk = `${type}\t${name}`;
    // Only resources in both renders are changed; new and removed ones are created and deleted.
    if (!present.has(rk) || !inCurrent.has(rk)) return;
    const e = byResource.get(rk) ?? { type, name, props: new Set<string>() };
    e.props.add(property);
    byResource.set(rk, e);
  };
  for (const [k, d] of current) if (baseline.get(k) !== d) note(k);
  for (const k of baseline.keys()) if (!current.has(k)) note(k);

  const changes = new Map<string, ResourceChange>();
  const build = (rk: string, type: string, name: string, props: Iterable<string>, via = new Map<string, string>()) => {
    const row = rows.get(rk);
    const prev = changes.get(rk);
    const inputs = new Map((prev?.inputs ?? []).map((i) => [i.property, i]));
    const ign = new Set(prev?.ignored ?? []);
    for (const p of props) {
      if (inputs.has(p)) continue;
      if (ignored(row, p)) {
        ign.add(p);
        continue;
      }
      const c = classify(row, type, p);
      const by = via.get(p);
      inputs.set(p, { property: p, change: c.change, reason: by ? `refers to ${by}, which is replaced; ${c.reason}` : c.reason, ...(c.note ? { note: c.note } : {}) });
    }
    const list = [...inputs.values()].sort((a, b) => (a.property < b.property ? -1 : 1));
    if (list.length === 0 && ign.size === 0) return;
    const worst = list.some((i) => i.change === "unclassified") ? "unclassified" : (worstChange(list.map((i) => i.change as ChangeKind)) ?? "update");
    changes.set(rk, { type, name, change: worst, inputs: list, ...(ign.size > 0 ? { ignored: [...ign].sort() } : {}) });
  };
  for (const [rk, e] of byResource) build(rk, e.type, e.name, e.props);

  // A replaced resource gets a new id; every input that refers to it changes with it (mocks give
  // the successor the same id, so the renders alone cannot show this).
  const ids = new Set([...rows.values()].map((r) => r.id).filter((x): x is string => !!x));
  /** id -> the resources and inputs that hold it. */
  const referrers = new Map<string, { rk: string; property: string }[]>();
  for (const [rk, row] of rows) {
    if (!present.has(rk) || !inCurrent.has(rk)) continue;
    for (const [property, v] of Object.entries((row.inputs ?? {}) as Record<string, unknown>)) {
      for (const str of stringsIn(v)) {
        if (!ids.has(str)) continue;
        const list = referrers.get(str) ?? [];
        list.push({ rk, property });
        referrers.set(str, list);
      }
    }
  }
  const done = new Set<string>();
  for (let round = 0; round < 20; round++) {
    const replaced = [...changes.entries()].filter(([rk, c]) => c.change === "replace" && !done.has(rk));
    if (replaced.length === 0) break;
    for (const [rk] of replaced) {
      done.add(rk);
      const id = rows.get(rk)?.id;
      const byResource = new Map<string, string[]>();
      for (const ref of (id ? referrers.get(id) : undefined) ?? []) {
        if (ref.rk !== rk) byResource.set(ref.rk, [...(byResource.get(ref.rk) ?? []), ref.property]);
      }
      for (const [ok, props] of byResource) {
        const row = rows.get(ok)!;
        build(ok, row.type, row.name, props, new Map(props.map((p) => [p, rk.replace("\t", " ")])));
      }
    }
  }
  return [...changes.values()].sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type < b.type ? -1 : 1));
}

export function compareRenders(current: PlanFile[] | Map<string, string>, baseline: Map<string, string>, plan?: Plan): BlastRadius {
  const cur = current instanceof Map ? current : new Map(current.map((f) => [f.path, f.content]));
  const files: FileChanges = { added: [], removed: [], changed: [] };
  const skip = (p: string) => p === INVENTORY || p === INPUTS_FILE;
  for (const [p, c] of cur) {
    if (skip(p)) continue;
    if (!baseline.has(p)) files.added.push(p);
    else if (baseline.get(p) !== c) files.changed.push(p);
  }
  for (const p of baseline.keys()) if (!skip(p) && !cur.has(p)) files.removed.push(p);
  for (const l of [files.added, files.removed, files.changed]) l.sort();

  const lines = (s: string | undefined) => new Set((s ?? "").split("\n").slice(1).filter((x) => x.length > 0));
  const curInv = lines(cur.get(INVENTORY));
  const baseInv = lines(baseline.get(INVENTORY));
  const resourcesAdded = [...curInv].filter((l) => !baseInv.has(l)).sort();
  const resourcesRemoved = [...baseInv].filter((l) => !curInv.has(l)).sort();

  const inputsCompared = baseline.has(INPUTS_FILE) && cur.has(INPUTS_FILE);
  const changes = inputsCompared ? inputChanges(readDigests(cur.get(INPUTS_FILE)), readDigests(baseline.get(INPUTS_FILE)), plan) : [];

  // Created and destroyed members and hosts: their files appear or disappear.
  const created = { container: new Set<string>(), host: new Set<string>() };
  const destroyed = { container: new Set<string>(), host: new Set<string>() };
  for (const p of files.added) {
    const o = ownerOf(p);
    if (o) created[o.kind].add(o.name);
  }
  for (const p of files.removed) {
    const o = ownerOf(p);
    if (o) destroyed[o.kind].add(o.name);
  }
  // Changed ones: from the classified input changes of their instance or container.
  const hostOf = new Map((plan?.hosts ?? []).map((h) => [h.resource, h.name]));
  const memberOf = new Map((plan?.members ?? []).map((m) => [m.resource, m.member]));
  const hosts = { replaced: new Set<string>(), restarted: new Set<string>(), updated: new Set<string>() };
  const containers = { replaced: new Set<string>(), updated: new Set<string>() };
  for (const c of changes) {
    if (c.type === INSTANCE) {
      const h = hostOf.get(c.name) ?? c.name;
      if (c.change === "replace" || c.change === "unclassified") hosts.replaced.add(h);
      else if (c.change === "restart") hosts.restarted.add(h);
      else if (c.inputs.length > 0) hosts.updated.add(h);
    } else if (c.type === CONTAINER) {
      const m = memberOf.get(c.name) ?? c.name;
      if (c.change === "replace" || c.change === "unclassified" || c.change === "restart") containers.replaced.add(m);
      else if (c.inputs.length > 0) containers.updated.add(m);
    }
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    files,
    resourcesAdded,
    resourcesRemoved,
    inputsCompared,
    changes,
    containers: { created: sorted(created.container), replaced: sorted(containers.replaced), updated: sorted(containers.updated), destroyed: sorted(destroyed.container) },
    hosts: {
      created: sorted(created.host),
      replaced: sorted(hosts.replaced),
      restarted: sorted(hosts.restarted),
      updated: sorted(hosts.updated),
      destroyed: sorted(destroyed.host),
    },
  };
}

