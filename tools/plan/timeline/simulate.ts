/**
 * A `pulumi up` as a schedule: steps with durations and dependencies, run by an engine that starts
 * a step once every step it depends on has finished, at most `parallel` at a time (`pulumi up
 * --parallel`), in registration order among the ready ones. Deletions (removed resources, and the
 * old copy of a resource replaced create-before-delete) run after every other step, as the engine
 * issues them once the program has registered everything. Pure; see docs/plan.md ("Timeline").
 */

export interface Step {
  id: string;
  seconds: number;
  /** Ids of steps that must finish first; ids not in the list are ignored (nothing to wait for). */
  deps: string[];
  /** `delete` steps run after all `main` ones. */
  phase?: "main" | "delete";
}

export interface Scheduled {
  id: string;
  start: number;
  end: number;
}

export class CycleError extends Error {
  constructor(readonly ids: string[]) {
    super(`dependency cycle among ${ids.length} steps: ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", ..." : ""}`);
    this.name = "CycleError";
  }
}

function byPhase(steps: readonly Step[]): { main: Step[]; del: Step[] } {
  return { main: steps.filter((s) => (s.phase ?? "main") === "main"), del: steps.filter((s) => s.phase === "delete") };
}

/**
 * Schedule `steps` (one phase) from `t0` with at most `parallel` running (undefined: unbounded).
 * Event driven: at each instant, start ready steps in list order while a slot is free; a
 * zero-second step finishes at once and may make others ready at the same instant.
 */
function schedulePhase(steps: readonly Step[], t0: number, parallel: number | undefined, out: Map<string, Scheduled>): number {
  const ids = new Set(steps.map((s) => s.id));
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of steps) {
    const deps = new Set(s.deps.filter((d) => ids.has(d) && d !== s.id));
    waiting.set(s.id, deps.size);
    for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), s.id]);
  }
  // Ready steps ordered by list position (registration order).
  const ready: number[] = [];
  const pushReady = (i: number) => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, i);
  };
  steps.forEach((s, i) => {
    if (waiting.get(s.id) === 0) pushReady(i);
  });
  const running: { id: string; end: number }[] = [];
  let now = t0;
  let done = 0;
  let last = t0;
  const finish = (id: string) => {
    done++;
    for (const d of dependents.get(id) ?? []) {
      const w = (waiting.get(d) ?? 0) - 1;
      waiting.set(d, w);
      if (w === 0) pushReady(index.get(d)!);
    }
  };
  while (done < steps.length) {
    // Start what can start now (zero-second steps finish immediately and free their slot).
    let started = true;
    while (started) {
      started = false;
      while (ready.length > 0 && (parallel === undefined || running.length < parallel)) {
        const s = steps[ready.shift()!];
        started = true;
        out.set(s.id, { id: s.id, start: now, end: now + s.seconds });
        last = Math.max(last, now + s.seconds);
        if (s.seconds === 0) finish(s.id);
        else running.push({ id: s.id, end: now + s.seconds });
      }
    }
    if (done === steps.length) break;
    if (running.length === 0) {
      throw new CycleError(steps.filter((s) => !out.has(s.id)).map((s) => s.id));
    }
    // Advance to the next finish; everything finishing then completes together.
    now = Math.min(...running.map((r) => r.end));
    for (let i = running.length - 1; i >= 0; i--) {
      if (running[i].end === now) {
        const [r] = running.splice(i, 1);
        finish(r.id);
      }
    }
  }
  return last;
}

export interface Schedule {
  /** Start and end of every step, seconds from the start of the update. */
  steps: Map<string, Scheduled>;
  /** When the last step ends. */
  makespan: number;
}

export function simulate(steps: readonly Step[], parallel?: number): Schedule {
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1)) throw new Error(`parallel must be a whole number >= 1, got ${parallel}`);
  const { main, del } = byPhase(steps);
  const out = new Map<string, Scheduled>();
  const t = schedulePhase(main, 0, parallel, out);
  const end = schedulePhase(del, t, parallel, out);
  return { steps: out, makespan: end };
}

export interface CriticalPath {
  /** Length in seconds: the makespan with unbounded parallelism. */
  seconds: number;
  /** Steps of the longest chain, first to last (ties: the earliest registered). */
  path: string[];
}

/**
 * The longest chain of dependent steps, by duration (main phase, then the delete phase's longest
 * chain after it). `ignoreEdge` drops edges (used for the bound where members wait for nobody).
 */
export function criticalPath(steps: readonly Step[], ignoreEdge?: (from: string, to: string) => boolean): CriticalPath {
  const { main, del } = byPhase(steps);
  const phase = (list: Step[]): CriticalPath => {
    const ids = new Set(list.map((s) => s.id));
    const deps = new Map(list.map((s) => [s.id, [...new Set(s.deps.filter((d) => ids.has(d) && d !== s.id && !ignoreEdge?.(d, s.id)))]]));
    // Topological order (Kahn), in list order among the free ones; what is left is a cycle.
    const waiting = new Map(list.map((s) => [s.id, deps.get(s.id)!.length]));
    const dependents = new Map<string, string[]>();
    for (const [id, ds] of deps) for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), id]);
    const order: string[] = list.filter((s) => waiting.get(s.id) === 0).map((s) => s.id);
    for (let i = 0; i < order.length; i++) {
      for (const d of dependents.get(order[i]) ?? []) {
        const w = waiting.get(d)! - 1;
        waiting.set(d, w);
        if (w === 0) order.push(d);
      }
    }
    if (order.length < list.length) throw new CycleError(list.filter((s) => waiting.get(s.id)! > 0).map((s) => s.id));
    const seconds = new Map(list.map((s) => [s.id, s.seconds]));
    const position = new Map(list.map((s, i) => [s.id, i]));
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    for (const id of order) {
      let best = 0;
      let from: string | undefined;
      for (const d of deps.get(id)!) {
        const f = finish.get(d)!;
        // Ties go to the earliest registered dependency, so the path is stable.
        if (from === undefined || f > best || (f === best && position.get(d)! < position.get(from)!)) {
          best = f;
          from = d;
        }
      }
      finish.set(id, best + seconds.get(id)!);
      via.set(id, from);
    }
    let total = 0;
    let end: string | undefined;
    for (const s of list) {
      const f = finish.get(s.id)!;
      if (end === undefined || f > total) {
        total = f;
        end = s.id;
      }
    }
    const path: string[] = [];
    for (let x = end; x !== undefined; x = via.get(x)) path.unshift(x);
    return { seconds: total, path };
  };
  const a = phase(main);
  const b = phase(del);
  return { seconds: a.seconds + b.seconds, path: [...a.path, ...b.path] };
}

/**
 * Groups of overlapping intervals, in time order: a wave is a maximal run of intervals each
 * starting before the previous ones of the run ended. Returns each wave's members.
 */
export function waves(intervals: readonly { id: string; start: number; end: number }[]): string[][] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: string[][] = [];
  let end = -Infinity;
  for (const i of sorted) {
    if (out.length === 0 || i.start >= end) {
      out.push([i.id]);
      end = i.end;
    } else {
      out[out.length - 1].push(i.id);
      end = Math.max(end, i.end);
    }
  }
  return out;
}

/** The largest number of intervals open at one instant (an interval is [start, end)). */
export function maxOverlap(intervals: readonly { start: number; end: number }[]): number {
  const events: [number, number][] = [];
  for (const i of intervals) {
    if (i.end <= i.start) continue;
    events.push([i.start, 1], [i.end, -1]);
  }
  // Ends before starts at the same instant: touching intervals do not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let best = 0;
  for (const [, d] of events) {
    open += d;
    best = Math.max(best, open);
  }
  return best;
}
