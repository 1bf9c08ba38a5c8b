/**
 * Compare a render with an earlier one (the baseline) and derive the blast radius: which
 * containers and hosts a deployment of this change would create, replace or destroy.
 */
import { PlanFile } from "./render";

export interface FileChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface BlastRadius {
  /** Config files (TOML, cloud-init, container specs) added/removed/changed, by path. */
  files: FileChanges;
  /** Resource inventory lines (`type\tname\tparent`) added/removed. */
  resourcesAdded: string[];
  resourcesRemoved: string[];
  containers: { created: string[]; replaced: string[]; destroyed: string[] };
  hosts: { created: string[]; replaced: string[]; destroyed: string[] };
}

const INVENTORY = "resources.tsv";

/** What a file path says about its owner: containers own TOMLs and specs, hosts own cloud-init. */
export function ownerOf(p: string): { kind: "container" | "host"; name: string } | undefined {
  let m = /^hosts\/(.+)\.cloud-init\.yaml$/.exec(p);
  if (m) return { kind: "host", name: m[1] };
  m = /^(?:meta|nodes|containers)\/([^/]+?)(?:\.toml|\.json)?(?:\/.*)?$/.exec(p);
  if (m) return { kind: "container", name: m[1] };
  return undefined;
}

export function compareRenders(current: PlanFile[] | Map<string, string>, baseline: Map<string, string>): BlastRadius {
  const cur = current instanceof Map ? current : new Map(current.map((f) => [f.path, f.content]));
  const files: FileChanges = { added: [], removed: [], changed: [] };
  for (const [p, c] of cur) {
    if (p === INVENTORY) continue;
    if (!baseline.has(p)) files.added.push(p);
    else if (baseline.get(p) !== c) files.changed.push(p);
  }
  for (const p of baseline.keys()) if (p !== INVENTORY && !cur.has(p)) files.removed.push(p);
  for (const l of [files.added, files.removed, files.changed]) l.sort();

  const lines = (s: string | undefined) => new Set((s ?? "").split("\n").slice(1).filter((x) => x.length > 0));
  const curInv = lines(cur.get(INVENTORY));
  const baseInv = lines(baseline.get(INVENTORY));
  const resourcesAdded = [...curInv].filter((l) => !baseInv.has(l)).sort();
  const resourcesRemoved = [...baseInv].filter((l) => !curInv.has(l)).sort();

  const radius = { created: new Set<string>(), replaced: new Set<string>(), destroyed: new Set<string>() };
  const containers = { created: new Set<string>(), replaced: new Set<string>(), destroyed: new Set<string>() };
  const hosts = radius;
  const bucket = (kind: "container" | "host") => (kind === "container" ? containers : hosts);
  for (const p of files.added) {
    const o = ownerOf(p);
    if (o) bucket(o.kind).created.add(o.name);
  }
  for (const p of files.removed) {
    const o = ownerOf(p);
    if (o) bucket(o.kind).destroyed.add(o.name);
  }
  for (const p of files.changed) {
    const o = ownerOf(p);
    if (o) bucket(o.kind).replaced.add(o.name);
  }
  const fin = (b: typeof radius) => {
    // A member whose files are all new is created, not replaced.
    for (const n of b.created) b.replaced.delete(n);
    for (const n of b.destroyed) b.replaced.delete(n);
    return { created: [...b.created].sort(), replaced: [...b.replaced].sort(), destroyed: [...b.destroyed].sort() };
  };
  return { files, resourcesAdded, resourcesRemoved, containers: fin(containers), hosts: fin(hosts) };
}
