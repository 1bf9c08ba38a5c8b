/**
 * Timelines of the stack's standard scenarios, each from offline runs of the program: first
 * creation, a version upgrade (from the supported version before the stack's), a config change of
 * the nodes (the log level), one more node. A change scenario runs the program twice and takes
 * the operations from the plan's diff of the two renders (tools/plan/diff.ts).
 */
import { SETTINGS } from "../../../components/model/settings";
import { SUPPORTED_VERSIONS } from "../../../components/model/versions";
import { BlastRadius, compareRenders } from "../diff";
import { OfflineRun, runOffline, RunOfflineOptions } from "../offline";
import { renderPlan } from "../render";
import { DurationTable, Operation } from "./durations";
import { resourceKey } from "./graph";
import { operationsFromRadius, timeline, TimelineResult } from "./timeline";

export const SCENARIOS = ["create", "upgrade", "config", "scale-out"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ScenarioOptions extends Omit<RunOfflineOptions, "overrides"> {
  overrides?: Record<string, string>;
  scenarios?: readonly Scenario[];
  parallel?: number;
  table?: DurationTable;
  /** Called with the run of the stack as it is (callers that also want its graph). */
  onStackRun?: (run: OfflineRun) => void;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  result?: TimelineResult;
  /** The program refused one of the runs (e.g. the scenario's value is invalid for this stack). */
  error?: string;
}

function withPrefix(k: string): string {
  return k.includes(":") ? k : `ceresdb:${k}`;
}

/** The value a setting has in a run (the stack's, else the table's default). */
function settingOf(run: OfflineRun, key: keyof typeof SETTINGS): string {
  const v = run.config[`ceresdb:${key}`];
  if (v !== undefined) return v;
  const d = (SETTINGS[key] as { default?: unknown }).default;
  return typeof d === "string" ? d : JSON.stringify(d);
}

/** The change between two runs as operations, through the renders' diff. */
export function changeOperations(base: OfflineRun, head: OfflineRun): { ops: Map<string, Operation>; removed: { type: string; name: string }[]; radius: BlastRadius } {
  const basePlan = renderPlan(base);
  const headPlan = renderPlan(head);
  const radius = compareRenders(headPlan.files, new Map(basePlan.files.map((f) => [f.path, f.content])), headPlan);
  return { ...operationsFromRadius(radius), radius };
}

export async function runScenarios(opts: ScenarioOptions): Promise<ScenarioOutcome[]> {
  const table = opts.table ?? new DurationTable();
  const wanted = opts.scenarios ?? SCENARIOS;
  const overrides = Object.fromEntries(Object.entries(opts.overrides ?? {}).map(([k, v]) => [withPrefix(k), v]));
  const run = (extra: Record<string, string>) => runOffline({ ...opts, overrides: { ...overrides, ...extra } });
  const stack = await run({});
  opts.onStackRun?.(stack);
  const out: ScenarioOutcome[] = [];
  const change = async (scenario: Scenario, description: string, base: Record<string, string> | undefined, head: Record<string, string> | undefined) => {
    try {
      const b = base ? await run(base) : stack;
      const h = head ? await run(head) : stack;
      const { ops, removed } = changeOperations(b, h);
      out.push({ scenario, result: timeline(scenario, description, h, ops, table, opts.parallel, removed, b) });
    } catch (e) {
      out.push({ scenario, error: e instanceof Error ? e.message.split("\n")[0] : String(e) });
    }
  };
  for (const s of wanted) {
    if (s === "create") {
      const ops = new Map<string, Operation>(stack.resources.map((r) => [resourceKey(r), "create"]));
      out.push({ scenario: s, result: timeline(s, "first creation of the stack", stack, ops, table, opts.parallel) });
    } else if (s === "upgrade") {
      const version = settingOf(stack, "version");
      const i = SUPPORTED_VERSIONS.indexOf(version as (typeof SUPPORTED_VERSIONS)[number]);
      // From the version before the stack's; the oldest supported upgrades to the next one.
      const [from, to] = i > 0 ? [SUPPORTED_VERSIONS[i - 1], version] : [version, SUPPORTED_VERSIONS[1]];
      await change(s, `version upgrade ${from} -> ${to}`, { "ceresdb:version": from }, to === version ? undefined : { "ceresdb:version": to });
    } else if (s === "config") {
      const level = settingOf(stack, "logLevel");
      const next = level === "debug" ? "info" : "debug";
      await change(s, `config change of every member: logLevel ${level} -> ${next}`, undefined, { "ceresdb:logLevel": next });
    } else if (s === "scale-out") {
      const n = Number(settingOf(stack, "nodeCount"));
      await change(s, `one more node: nodeCount ${n} -> ${n + 1}`, undefined, { "ceresdb:nodeCount": String(n + 1) });
    }
  }
  return out;
}
