/**
 * The dependency graph of one offline run, as the engine sees it: a resource's step waits for
 * every resource its registration names as a dependency (explicit `dependsOn`, expanded, and
 * implicit ones: outputs used as inputs), for its parent (the SDK registers a child once the
 * parent's URN is known) and for its explicit provider (its URN and id). Recorded by the offline
 * runner (tools/plan/offline/run.ts, `dependencies`).
 */
import type { OfflineRun, RecordedResource } from "../offline";
import { DurationTable, Operation } from "./durations";
import { Step } from "./simulate";
import type { HostRole } from "../../../components/model/vocabulary";

/** `type\tname`, the key the plan's inventory and diff use. */
export function resourceKey(r: { type: string; name: string }): string {
  return `${r.type}\t${r.name}`;
}

const MEMBER_TYPES: Record<string, HostRole> = {
  "ceresdb:meta:MetaMember": "meta",
  "ceresdb:server:ServerNode": "server",
};

export interface TimelineStep extends Step {
  type: string;
  name: string;
  op: Operation;
  label: string;
  /** The CeresMeta member or CeresDB node whose component holds this resource. */
  member?: string;
  role?: HostRole;
  /** The delete of the old copy of a resource replaced create-before-delete: its successor already runs. */
  oldCopy?: boolean;
}

export interface GraphIndex {
  byKey: Map<string, RecordedResource>;
  byUrn: Map<string, RecordedResource>;
  byName: Map<string, RecordedResource[]>;
  /** Member component (name) and role per resource key. */
  memberOf: Map<string, { member: string; role: HostRole }>;
}

export function indexRun(run: Pick<OfflineRun, "resources">): GraphIndex {
  const byKey = new Map<string, RecordedResource>();
  const byUrn = new Map<string, RecordedResource>();
  const byName = new Map<string, RecordedResource[]>();
  for (const r of run.resources) {
    byKey.set(resourceKey(r), r);
    if (r.urn) byUrn.set(r.urn, r);
    byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  }
  const memberOf = new Map<string, { member: string; role: HostRole }>();
  for (const r of run.resources) {
    let x: RecordedResource | undefined = r;
    for (let depth = 0; x && depth < 64; depth++) {
      const role = MEMBER_TYPES[x.type];
      if (role) {
        memberOf.set(resourceKey(r), { member: x.name, role });
        break;
      }
      x = x.parent && x.parentType ? byKey.get(`${x.parentType}\t${x.parent}`) : undefined;
    }
  }
  return { byKey, byUrn, byName, memberOf };
}

/** Keys of the steps `r` waits for. */
export function dependencyKeys(r: RecordedResource, index: GraphIndex): string[] {
  const out = new Set<string>();
  for (const urn of r.dependencies ?? []) {
    const d = index.byUrn.get(urn);
    if (d) out.add(resourceKey(d));
  }
  // Older recordings (or a registration the runner missed): explicit dependsOn by name.
  if (r.dependencies === undefined) {
    for (const n of r.dependsOn ?? []) for (const d of index.byName.get(n) ?? []) out.add(resourceKey(d));
  }
  if (r.parent && r.parentType) out.add(`${r.parentType}\t${r.parent}`);
  if (r.provider) {
    for (const d of index.byName.get(r.provider) ?? []) if (d.type.startsWith("pulumi:providers:")) out.add(resourceKey(d));
  }
  out.delete(resourceKey(r));
  return [...out];
}

/**
 * One step per resource of `run` with the operation `ops` gives it (default `same`); a replaced
 * resource without `deleteBeforeReplace` also gets a delete step for its old copy. `removed` are
 * resources of the earlier run that this one lacks: delete steps, ordered among themselves by the
 * earlier run's dependencies reversed (a dependent goes first), when `removedFrom` is given.
 */
export function buildSteps(
  run: Pick<OfflineRun, "resources">,
  ops: Map<string, Operation>,
  table: DurationTable,
  removed: { type: string; name: string }[] = [],
  removedFrom?: Pick<OfflineRun, "resources">,
): TimelineStep[] {
  const index = indexRun(run);
  const steps: TimelineStep[] = [];
  for (const r of run.resources) {
    const key = resourceKey(r);
    const op = ops.get(key) ?? "same";
    const dbr = r.options?.deleteBeforeReplace === true;
    const m = index.memberOf.get(key);
    const rule = table.rule(r.type, r.name, r.custom);
    steps.push({
      id: key,
      type: r.type,
      name: r.name,
      op,
      label: op === "same" ? "unchanged" : rule.label,
      seconds: table.seconds(r.type, r.name, r.custom, op, dbr),
      deps: dependencyKeys(r, index),
      ...(m ? { member: m.member, role: m.role } : {}),
    });
    if (op === "replace" && !dbr) {
      steps.push({
        id: `${key}\t(old)`,
        type: r.type,
        name: r.name,
        op: "delete",
        label: `${rule.label}: delete the replaced copy`,
        seconds: table.seconds(r.type, r.name, r.custom, "delete"),
        deps: [],
        phase: "delete",
        oldCopy: true,
        ...(m ? { member: m.member, role: m.role } : {}),
      });
    }
  }
  const old = removedFrom ? indexRun(removedFrom) : undefined;
  const removedKeys = new Set(removed.map(resourceKey));
  for (const x of removed) {
    const key = resourceKey(x);
    const r = old?.byKey.get(key);
    const m = old?.memberOf.get(key);
    // Deleted in reverse dependency order: wait for the removed resources that depended on this one.
    const deps = r && old ? [...old.byKey.values()].filter((o) => removedKeys.has(resourceKey(o)) && dependencyKeys(o, old).includes(key)).map(resourceKey) : [];
    steps.push({
      id: key,
      type: x.type,
      name: x.name,
      op: "delete",
      label: table.rule(x.type, x.name, r?.custom ?? true).label,
      seconds: table.seconds(x.type, x.name, r?.custom ?? true, "delete"),
      deps,
      phase: "delete",
      ...(m ? { member: m.member, role: m.role } : {}),
    });
  }
  addRollGateWaits(steps);
  return steps;
}

/**
 * A roll gate's update (docs/rollout.md) depends on nothing of its own service in the graph, yet
 * it only ends once that service runs the new revision: it polls the service over ssh until the
 * service's own gate has recorded it. So in time, a changed roll gate waits for every changed step
 * of its member; that wait is what orders the next member or batch. At creation it has no command
 * and waits for nothing, which keeps first creation parallel.
 */
function addRollGateWaits(steps: TimelineStep[]): void {
  const isRollGate = (s: TimelineStep) => s.type === "command:local:Command" && s.name.endsWith("-roll");
  for (const gate of steps) {
    if (!isRollGate(gate) || gate.op !== "update" || gate.member === undefined) continue;
    const own = steps.filter((s) => s.member === gate.member && s.id !== gate.id && !isRollGate(s) && !s.oldCopy && s.phase !== "delete");
    gate.deps = [...new Set([...gate.deps, ...own.map((s) => s.id)])];
  }
}
