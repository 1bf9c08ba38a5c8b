/**
 * The timeline of a `pulumi up`: which step each resource takes (from the diff of two offline
 * runs, classified by the provider table through tools/plan/diff.ts), how long it takes
 * (durations.ts), and the schedule the engine would run (simulate.ts). See docs/plan.md.
 */
import { availableParallelism } from "os";
import { BlastRadius } from "../diff";
import type { OfflineRun } from "../offline";
import { DurationTable, Operation } from "./durations";
import { buildSteps, resourceKey, TimelineStep } from "./graph";
import { criticalPath, maxOverlap, simulate, waves } from "./simulate";
import type { HostRole } from "../../../components/model/vocabulary";

/** A base-10 integer as Go's strconv.ParseInt and runtime atoi take it (sign allowed), or undefined. */
function goInt(v: string | undefined): number | undefined {
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * The `--parallel` a `pulumi up` on this machine uses when the flag is not given, by the rule of
 * the CLI this repository pins (v3.248.0, pkg/cmd/pulumi/operations/up.go `defaultParallel`):
 * `PULUMI_PARALLEL` when it is a positive integer (capped at 2^31-1), else 4 x GOMAXPROCS — Go's
 * `GOMAXPROCS` variable when positive, else the CPUs the process may use. So 8 on a 2-CPU machine,
 * 32 on 8. (A Go >= 1.25 build also lowers GOMAXPROCS to a container's CPU quota, which Node does
 * not see; pass `--parallel` to the timeline where that matters.) test/plan/parallelDefault.test.ts
 * compares it with the default the real CLI prints.
 */
export function pulumiDefaultParallel(env: NodeJS.ProcessEnv = process.env, cpus: number = availableParallelism()): { parallel: number; from: string } {
  const fromEnv = goInt(env.PULUMI_PARALLEL);
  if (fromEnv !== undefined && fromEnv > 0) return { parallel: Math.min(fromEnv, 2 ** 31 - 1), from: "PULUMI_PARALLEL" };
  const procs = goInt(env.GOMAXPROCS);
  if (procs !== undefined && procs > 0) return { parallel: 4 * procs, from: "4 x GOMAXPROCS" };
  return { parallel: 4 * cpus, from: `4 x ${cpus} CPUs` };
}

export interface PathEntry {
  type: string;
  name: string;
  op: Operation;
  label: string;
  start: number;
  seconds: number;
}

export interface MemberWindow {
  member: string;
  role: HostRole;
  /** From the start of its first disruptive step to the end of the last step after it in the member. */
  start: number;
  end: number;
}

export interface TimelineResult {
  scenario: string;
  description: string;
  /** undefined: unbounded. */
  parallel?: number;
  /** Steps per operation (steps with no change count as `same`). */
  operations: Record<string, number>;
  makespan: number;
  criticalPath: { seconds: number; steps: PathEntry[] };
  /**
   * The critical path with the edges between different members removed: how long the update
   * would take if no member waited for another. `makespan / memberBound` is what ordering costs.
   */
  memberBound: number;
  /** Members taken down (container or host replaced, restarted or deleted), each with its window. */
  disrupted: MemberWindow[];
  /** Most CeresMeta members down at one instant. */
  maxMetaDown: number;
  /** Most CeresDB nodes down at one instant. */
  maxServersDown: number;
  /** Successive groups of overlapping node windows: an upgrade of N nodes in batches of B has ceil(N/B). */
  serverWaves: number;
}

/** Operations of the resources of `current` from a blast radius against an earlier render. */
export function operationsFromRadius(radius: BlastRadius): { ops: Map<string, Operation>; removed: { type: string; name: string }[] } {
  const ops = new Map<string, Operation>();
  const line = (l: string) => {
    const [type, name] = l.split("\t");
    return { type, name };
  };
  for (const l of radius.resourcesAdded) ops.set(resourceKey(line(l)), "create");
  for (const c of radius.changes) {
    // Unclassified inputs count as a replacement: the worst the engine could do.
    ops.set(resourceKey(c), c.change === "unclassified" ? "replace" : c.change === "update" && c.inputs.length === 0 ? "same" : c.change);
  }
  return { ops, removed: radius.resourcesRemoved.map(line) };
}

const DISRUPTIVE = new Set<Operation>(["replace", "restart", "delete"]);
const DISRUPTIVE_TYPES = new Set(["docker:index/container:Container", "alicloud:ecs/instance:Instance"]);

/** Members' down windows: a disruptive step of their container or host, until what follows it in the member ends. */
export function memberWindows(steps: readonly TimelineStep[], sched: ReturnType<typeof simulate>): MemberWindow[] {
  const dependents = new Map<string, string[]>();
  for (const s of steps) for (const d of s.deps) dependents.set(d, [...(dependents.get(d) ?? []), s.id]);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out = new Map<string, MemberWindow>();
  for (const s of steps) {
    if (!s.member || !s.role || s.oldCopy || !DISRUPTIVE.has(s.op) || !DISRUPTIVE_TYPES.has(s.type)) continue;
    const at = sched.steps.get(s.id)!;
    // Down until every later step of the same member that waits on this one (its gates) is done.
    let end = at.end;
    const seen = new Set<string>([s.id]);
    const queue = [s.id];
    while (queue.length > 0) {
      for (const d of dependents.get(queue.pop()!) ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        const ds = byId.get(d);
        if (ds?.member !== s.member) continue;
        end = Math.max(end, sched.steps.get(d)!.end);
        queue.push(d);
      }
    }
    const w = out.get(s.member);
    out.set(s.member, w ? { ...w, start: Math.min(w.start, at.start), end: Math.max(w.end, end) } : { member: s.member, role: s.role, start: at.start, end });
  }
  return [...out.values()].sort((a, b) => a.start - b.start || (a.member < b.member ? -1 : 1));
}

export function timeline(
  scenario: string,
  description: string,
  run: Pick<OfflineRun, "resources">,
  ops: Map<string, Operation>,
  table: DurationTable,
  parallel: number | undefined,
  removed: { type: string; name: string }[] = [],
  removedFrom?: Pick<OfflineRun, "resources">,
): TimelineResult {
  const steps = buildSteps(run, ops, table, removed, removedFrom);
  const sched = simulate(steps, parallel);
  const cp = criticalPath(steps);
  const memberOf = new Map(steps.map((s) => [s.id, s.member]));
  const bound = criticalPath(steps, (from, to) => {
    const a = memberOf.get(from);
    const b = memberOf.get(to);
    return a !== undefined && b !== undefined && a !== b;
  });
  const byId = new Map(steps.map((s) => [s.id, s]));
  const operations: Record<string, number> = {};
  for (const s of steps) operations[s.op] = (operations[s.op] ?? 0) + 1;
  const windows = memberWindows(steps, sched);
  const servers = windows.filter((w) => w.role === "server");
  return {
    scenario,
    description,
    ...(parallel !== undefined ? { parallel } : {}),
    operations,
    makespan: sched.makespan,
    criticalPath: {
      seconds: cp.seconds,
      steps: cp.path
        .map((id) => byId.get(id)!)
        .filter((s) => s.seconds > 0)
        .map((s) => ({ type: s.type, name: s.name, op: s.op, label: s.label, start: sched.steps.get(s.id)!.start, seconds: s.seconds })),
    },
    memberBound: bound.seconds,
    disrupted: windows,
    maxMetaDown: maxOverlap(windows.filter((w) => w.role === "meta")),
    maxServersDown: maxOverlap(servers),
    serverWaves: waves(servers.map((w) => ({ id: w.member, start: w.start, end: w.end }))).length,
  };
}

/** What makes a change unsafe to apply: checked by `--check` (the PR workflow). */
export interface SafetyProblem {
  problem: string;
}

export function safetyProblems(result: TimelineResult, radius: BlastRadius | undefined, protectedKeys: ReadonlySet<string>): SafetyProblem[] {
  const out: SafetyProblem[] = [];
  if (result.maxMetaDown > 1) {
    const metas = result.disrupted.filter((w) => w.role === "meta").map((w) => `${w.member} ${fmt(w.start)}-${fmt(w.end)}`);
    out.push({ problem: `${result.maxMetaDown} CeresMeta members would be down at once (quorum needs all but one of 3): ${metas.join(", ")}` });
  }
  if (radius) {
    for (const c of radius.changes) {
      if ((c.change === "replace" || c.change === "unclassified") && protectedKeys.has(resourceKey(c))) {
        out.push({ problem: `protected resource ${c.type} ${c.name} would be replaced (${c.inputs.map((i) => i.property).join(", ")})` });
      }
    }
    for (const l of radius.resourcesRemoved) {
      const [type, name] = l.split("\t");
      if (protectedKeys.has(resourceKey({ type, name }))) out.push({ problem: `protected resource ${type} ${name} would be deleted` });
    }
  }
  return out;
}

/** Seconds as `1h02m03s` / `4m05s` / `12s`. */
export function fmt(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m${String(r).padStart(2, "0")}s`;
  if (m > 0) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}
