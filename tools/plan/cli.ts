/**
 * npm run plan -- <stack> [--out DIR] [--format text|markdown|json] [--baseline DIR]
 *   [--baseline-project DIR] [--project DIR] [--set key=value]... [--preview] [--debug]
 *   [--timeline [--scenario NAME]... [--parallel N|unbounded] [--durations FILE] [--duration SPEC]...] [--check]
 * Renders what <stack> would build, offline. See docs/plan.md.
 */
import * as path from "path";
import { defaultProjectDir } from "./offline";
import { checkBaseline, checkOutDir, checkProject, describeSystemError, PlanPathError } from "./paths";
import { planStack } from "./plan";
import { Format, formatReport } from "./report";
import * as fs from "fs";
import { renderPlan } from "./render";
import { runOffline } from "./offline";
import { DurationTable, parseDurationFlag, parseDurationRules } from "./timeline/durations";
import { formatTimeline, TimelineSection } from "./timeline/report";
import { changeOperations, runScenarios, Scenario, SCENARIOS } from "./timeline/scenarios";
import { operationsFromRadius, pulumiDefaultParallel, safetyProblems, SafetyProblem, timeline } from "./timeline/timeline";
import { resourceKey } from "./timeline/graph";
import { fileDiffs, formatChange } from "./change";
import { makeRedactor } from "./redact";
import { baselineStackDir, readTree } from "./tree";
import type { OfflineRun } from "./offline";

const USAGE =
  "usage: npm run plan -- <stack> [--out DIR] [--format text|markdown|json] [--baseline DIR] [--baseline-project DIR] [--project DIR] [--set key=value]... [--preview] [--debug] " +
  "[--timeline [--scenario create|upgrade|config|scale-out]... [--parallel N|unbounded] [--durations FILE] [--duration <type>[#<suffix>].<op>=<seconds>]...] [--check]";

interface Args {
  stack: string;
  out: string;
  format: Format;
  baseline?: string;
  project: string;
  overrides: Record<string, string>;
  preview: boolean;
  debug: boolean;
  /** A checkout of the base revision, run offline here as the baseline (the PR workflow). */
  baselineProject?: string;
  timeline: boolean;
  scenarios?: Scenario[];
  /** undefined: unbounded. */
  parallel?: number;
  durationsFile?: string;
  durationFlags: string[];
  /** Exit 3 when the change against the baseline is unsafe. */
  check: boolean;
}

export function parseArgs(argv: string[]): Args {
  let stack: string | undefined;
  let out = "plan";
  let format: Format = "text";
  let baseline: string | undefined;
  let project = defaultProjectDir();
  let preview = false;
  let debug = false;
  let baselineProject: string | undefined;
  let timelineOn = false;
  let check = false;
  // What `pulumi up` would use here without --parallel (PULUMI_PARALLEL, else 4 x CPUs).
  let parallel: number | undefined = pulumiDefaultParallel().parallel;
  let durationsFile: string | undefined;
  const durationFlags: string[] = [];
  const scenarios: Scenario[] = [];
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--out") out = val();
    else if (a === "--format") {
      const f = val();
      if (f !== "text" && f !== "markdown" && f !== "json") throw new Error(`--format must be text, markdown or json\n${USAGE}`);
      format = f;
    } else if (a === "--baseline") baseline = val();
    else if (a === "--project") project = val();
    else if (a === "--baseline-project") baselineProject = val();
    else if (a === "--timeline") timelineOn = true;
    else if (a === "--check") check = true;
    else if (a === "--durations") durationsFile = val();
    else if (a === "--duration") durationFlags.push(val());
    else if (a === "--scenario") {
      const v = val();
      if (!(SCENARIOS as readonly string[]).includes(v)) throw new Error(`--scenario must be one of ${SCENARIOS.join(", ")}, got "${v}"\n${USAGE}`);
      scenarios.push(v as Scenario);
    } else if (a === "--parallel") {
      const v = val();
      if (v === "unbounded") parallel = undefined;
      else if (/^[1-9]\d*$/.test(v)) parallel = Number(v);
      else throw new Error(`--parallel wants a whole number >= 1 or "unbounded", got "${v}"\n${USAGE}`);
    }
    else if (a === "--preview") preview = true;
    else if (a === "--debug") debug = true;
    else if (a === "--set") {
      const kv = val();
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new Error(`--set wants key=value\n${USAGE}`);
      overrides[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === "-h" || a === "--help") {
      throw new Error(USAGE);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (stack === undefined) stack = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!stack) throw new Error(USAGE);
  if (baseline !== undefined && baselineProject !== undefined) throw new Error(`--baseline and --baseline-project exclude each other\n${USAGE}`);
  if (check && baseline === undefined && baselineProject === undefined) throw new Error(`--check needs --baseline or --baseline-project (it checks a change)\n${USAGE}`);
  return {
    stack,
    out,
    format,
    baseline,
    project: path.resolve(project),
    overrides,
    preview,
    debug,
    ...(baselineProject !== undefined ? { baselineProject: path.resolve(baselineProject) } : {}),
    timeline: timelineOn,
    ...(scenarios.length > 0 ? { scenarios } : {}),
    parallel,
    ...(durationsFile !== undefined ? { durationsFile } : {}),
    durationFlags,
    check,
  };
}

/** Resources Pulumi or the cloud refuses to replace or delete: `protect`, or ECS deletion protection. */
export function protectedKeys(...runs: (OfflineRun | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const run of runs) {
    for (const r of run?.resources ?? []) {
      if (r.options?.protect === true || r.inputs.deletionProtection === true) out.add(resourceKey(r));
    }
  }
  return out;
}

function durationTable(args: Args): DurationTable {
  let table = new DurationTable();
  if (args.durationsFile) {
    const parsed = parseDurationRules(JSON.parse(fs.readFileSync(args.durationsFile, "utf8")) as unknown, args.durationsFile);
    if (parsed.problems.length > 0) throw new Error(`--durations ${args.durationsFile}:\n  ${parsed.problems.join("\n  ")}`);
    table = table.with(parsed.rules);
  }
  for (const f of args.durationFlags) table = table.with([parseDurationFlag(f, table)]);
  return table;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  try {
    checkProject(args.project, args.stack);
    checkOutDir(path.resolve(args.out));
    if (args.baseline !== undefined) checkBaseline(path.resolve(args.baseline), args.stack);
    if (args.baselineProject !== undefined) checkProject(args.baselineProject, args.stack);
  } catch (e) {
    if (!(e instanceof PlanPathError)) throw e;
    process.stderr.write(`plan ${args.stack}: ${e.message} (nothing written)\n`);
    return 1;
  }
  try {
    const table = durationTable(args);
    if (args.timeline && args.baseline === undefined && args.baselineProject === undefined) {
      const outcomes = await runScenarios({ stack: args.stack, projectDir: args.project, overrides: args.overrides, preview: args.preview, captureStacks: args.debug, scenarios: args.scenarios, parallel: args.parallel, table });
      process.stdout.write(formatTimeline(outcomes, args.format));
      return 0;
    }
    // The base revision first, in this process: its modules resolve to this checkout's packages.
    const base = args.baselineProject
      ? await runOffline({ stack: args.stack, projectDir: args.baselineProject, overrides: args.overrides, preview: args.preview, captureStacks: args.debug })
      : undefined;
    const basePlan = base ? renderPlan(base) : undefined;
    // Read before the render is written: the baseline may be the output directory itself.
    const baseFiles = basePlan
      ? new Map(basePlan.files.map((f) => [f.path, f.content]))
      : args.baseline !== undefined
        ? readTree(baselineStackDir(path.resolve(args.baseline), args.stack))
        : undefined;
    const { plan, run, radius, writtenTo } = await planStack({
      stack: args.stack,
      projectDir: args.project,
      overrides: args.overrides,
      preview: args.preview,
      captureStacks: args.debug,
      outDir: args.out,
      baselineDir: args.baseline,
      baselinePlan: basePlan,
    });
    let report = formatReport(plan, args.format, { writtenTo, radius });
    if (radius && baseFiles && args.format !== "json") {
      const head = new Map(plan.files.map((f) => [f.path, f.content]));
      report += `\n${formatChange(radius, fileDiffs(radius, head, baseFiles, makeRedactor(run).text), args.format)}`;
    }
    let problems: SafetyProblem[] = [];
    if (radius && (args.timeline || args.check)) {
      const { ops, removed } = base ? changeOperations(base, run) : operationsFromRadius(radius);
      const result = timeline("change", base ? `this change against ${path.basename(args.baselineProject!)}` : `this change against ${args.baseline}`, run, ops, table, args.parallel, removed, base);
      problems = safetyProblems(result, radius, protectedKeys(run, base));
      const section: TimelineSection[] = [{ scenario: "change", result }];
      if (args.format === "json") {
        const o = JSON.parse(report) as Record<string, unknown>;
        if (baseFiles) o.change = JSON.parse(formatChange(radius, fileDiffs(radius, new Map(plan.files.map((f) => [f.path, f.content])), baseFiles, makeRedactor(run).text), "json"));
        o.timeline = JSON.parse(formatTimeline(section, "json", problems));
        report = `${JSON.stringify(o, null, 2)}\n`;
      } else report += `\n${formatTimeline(section, args.format, problems)}`;
    }
    process.stdout.write(report);
    if (args.check && problems.length > 0) {
      process.stderr.write(`plan ${args.stack}: unsafe change:\n${problems.map((p) => `  ${p.problem}`).join("\n")}\n`);
      return 3;
    }
    return 0;
  } catch (e) {
    const system = args.debug ? undefined : describeSystemError(e);
    if (system !== undefined) {
      process.stderr.write(`plan ${args.stack}: ${system} (nothing written)\n`);
      return 1;
    }
    const detail = e instanceof Error ? (args.debug && e.stack ? e.stack : e.message) : String(e);
    process.stderr.write(`plan ${args.stack}: nothing written.\n${detail}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
