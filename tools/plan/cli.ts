/**
 * npm run plan -- <stack> [--out DIR] [--format text|markdown|json] [--baseline DIR]
 *   [--project DIR] [--set key=value]... [--preview] [--debug]
 * Renders what <stack> would build, offline. See docs/plan.md.
 */
import * as path from "path";
import { defaultProjectDir } from "./offline";
import { checkBaseline, checkOutDir, checkProject, describeSystemError, PlanPathError } from "./paths";
import { planStack } from "./plan";
import { Format, formatReport } from "./report";

const USAGE =
  "usage: npm run plan -- <stack> [--out DIR] [--format text|markdown|json] [--baseline DIR] [--project DIR] [--set key=value]... [--preview] [--debug]";

interface Args {
  stack: string;
  out: string;
  format: Format;
  baseline?: string;
  project: string;
  overrides: Record<string, string>;
  preview: boolean;
  debug: boolean;
}

export function parseArgs(argv: string[]): Args {
  let stack: string | undefined;
  let out = "plan";
  let format: Format = "text";
  let baseline: string | undefined;
  let project = defaultProjectDir();
  let preview = false;
  let debug = false;
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
  return { stack, out, format, baseline, project: path.resolve(project), overrides, preview, debug };
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
  } catch (e) {
    if (!(e instanceof PlanPathError)) throw e;
    process.stderr.write(`plan ${args.stack}: ${e.message} (nothing written)\n`);
    return 1;
  }
  try {
    const { plan, radius, writtenTo } = await planStack({
      stack: args.stack,
      projectDir: args.project,
      overrides: args.overrides,
      preview: args.preview,
      captureStacks: args.debug,
      outDir: args.out,
      baselineDir: args.baseline,
    });
    process.stdout.write(formatReport(plan, args.format, { writtenTo, radius }));
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
