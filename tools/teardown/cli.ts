/**
 * `npm run teardown -- --expired [--yes]` / `npm run teardown -- --stack NAME [--yes]`.
 * Uses the `pulumi` CLI on PATH, the backend from `pulumi login` / PULUMI_BACKEND_URL, and
 * PULUMI_CONFIG_PASSPHRASE (or the stack's secrets provider) to read stack config.
 * Exit codes: 0 ok, 1 a destroy/remove failed or a named stack was refused, 2 usage error or no
 * Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, UsageError, USAGE } from "./args";
import { AutomationTeardownWorkspace, createTeardownWorkspace } from "./pulumiWorkspace";
import { formatTable, runTeardown } from "./runner";

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`teardown: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const projectDir = path.resolve(args.cwd ?? process.cwd());
  if (!onPath("pulumi")) {
    console.error(
      "teardown: the Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/), or build it from " +
        "source with `bash .ci/build-tools.sh pulumi` and put .cache/bin on PATH; then `pulumi login` to the stacks' backend.",
    );
    return 2;
  }
  const { ws, dispose } = await createTeardownWorkspace({ projectDir });
  process.on("exit", dispose);
  const tw = new AutomationTeardownWorkspace(ws, (out) => process.stderr.write(out));
  console.log(
    `teardown: ${args.mode === "named" ? `stack ${args.stack}` : "expired test stacks"}, now=${args.now.toISOString()}, ` +
      (args.yes ? "DESTROYING (--yes)" : "report only (no --yes)"),
  );
  const report = await runTeardown(tw, {
    mode: args.mode,
    stack: args.stack,
    yes: args.yes,
    now: args.now,
    timeoutMs: args.timeoutMinutes * 60_000,
    log: (l) => console.log(`teardown: ${l}`),
  });
  console.log(formatTable(report));
  if (!report.ok) console.error("teardown: finished with failures or refusals (see table)");
  return report.ok ? 0 : 1;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, command)));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`teardown: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
