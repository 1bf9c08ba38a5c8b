/** The plan as a library: run offline, render, compare with a baseline, write. */
import * as fs from "fs";
import * as path from "path";
import { OfflineRun, runOffline, RunOfflineOptions } from "./offline";
import { BlastRadius, compareRenders } from "./diff";
import { Plan, renderPlan } from "./render";
import { baselineStackDir, readTree, writeStackTree } from "./tree";

export interface PlanOptions extends RunOfflineOptions {
  /** Root of the output (`<outDir>/<stack>/`); omit to write nothing. */
  outDir?: string;
  /** Earlier render to compare with: `<dir>/<stack>/` or a stack directory itself. */
  baselineDir?: string;
  /** An earlier render held in memory (`--baseline-project`); used instead of baselineDir. */
  baselinePlan?: Plan;
}

export interface PlanResult {
  plan: Plan;
  /** The offline run the plan was rendered from (the timeline reads its dependency graph). */
  run: OfflineRun;
  radius?: BlastRadius;
  /** Where the files were written. */
  writtenTo?: string;
}

export async function planStack(opts: PlanOptions): Promise<PlanResult> {
  const run = await runOffline(opts);
  const plan = renderPlan(run);
  let radius: BlastRadius | undefined;
  if (opts.baselineDir) {
    const dir = baselineStackDir(opts.baselineDir, opts.stack);
    if (!fs.existsSync(dir)) throw new Error(`baseline ${dir} does not exist`);
    // Read before writing: the baseline may be the output directory itself.
    radius = compareRenders(plan.files, readTree(dir), plan);
  }
  if (opts.baselinePlan) radius = compareRenders(plan.files, new Map(opts.baselinePlan.files.map((f) => [f.path, f.content])), plan);
  const writtenTo = opts.outDir ? writeStackTree(path.resolve(opts.outDir), opts.stack, plan.files) : undefined;
  return { plan, run, radius, writtenTo };
}
