/**
 * The timeline's default engine parallelism is the one `pulumi up` uses on the same machine when
 * `--parallel` is not given. The rule is read from the CLI we pin (v3.248.0,
 * pkg/cmd/pulumi/operations/up.go `defaultParallel`: PULUMI_PARALLEL when positive, else
 * 4 x GOMAXPROCS) and checked here against the real CLI's own `pulumi up --help`, which prints the
 * default it computed ("(default N)"). Before, the timeline assumed 8: the default of a 2-CPU machine.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiDefaultParallel } from "../../tools/plan/timeline/timeline";

const CLI = path.join(__dirname, "../../.cache/bin/pulumi");
// Built by `npm run test:stack-config` (bash .ci/build-tools.sh pulumi), which runs this file with
// REQUIRE_PULUMI_CLI=1; a plain `npm test` on a machine without the CLI skips the comparison.
const hasCli = fs.existsSync(CLI);
if (!hasCli && !process.env.REQUIRE_PULUMI_CLI) console.warn("timeline: .cache/bin/pulumi not built: the comparison with the real CLI's default --parallel is skipped (npm run test:stack-config runs it)");
const realCli = hasCli || process.env.REQUIRE_PULUMI_CLI ? it : it.skip;

describe("pulumiDefaultParallel", () => {
  it("is 4 x the CPUs without settings, PULUMI_PARALLEL when positive, else 4 x GOMAXPROCS", () => {
    expect(pulumiDefaultParallel({}, 2)).toEqual({ parallel: 8, from: "4 x 2 CPUs" });
    expect(pulumiDefaultParallel({}, 8).parallel).toBe(32);
    expect(pulumiDefaultParallel({ PULUMI_PARALLEL: "64" }, 2)).toEqual({ parallel: 64, from: "PULUMI_PARALLEL" });
    expect(pulumiDefaultParallel({ PULUMI_PARALLEL: "64", GOMAXPROCS: "5" }, 2).parallel).toBe(64);
    expect(pulumiDefaultParallel({ GOMAXPROCS: "5" }, 2)).toEqual({ parallel: 20, from: "4 x GOMAXPROCS" });
    for (const ignored of ["0", "-3", "abc", "", " 7", "7.5"]) {
      expect(pulumiDefaultParallel({ PULUMI_PARALLEL: ignored }, 2).parallel).toBe(8);
      expect(pulumiDefaultParallel({ GOMAXPROCS: ignored }, 2).parallel).toBe(8);
    }
    expect(pulumiDefaultParallel({ PULUMI_PARALLEL: "+9" }, 2).parallel).toBe(9);
    expect(pulumiDefaultParallel({ PULUMI_PARALLEL: "99999999999" }, 2).parallel).toBe(2 ** 31 - 1);
  });

  const settings: Record<string, string>[] = [
    {},
    { PULUMI_PARALLEL: "77" },
    { PULUMI_PARALLEL: "007" },
    { PULUMI_PARALLEL: "+9" },
    { PULUMI_PARALLEL: "0" },
    { PULUMI_PARALLEL: "-3" },
    { PULUMI_PARALLEL: "abc" },
    { PULUMI_PARALLEL: "99999999999" },
    { GOMAXPROCS: "5" },
    { GOMAXPROCS: "0" },
    { GOMAXPROCS: "x" },
    { PULUMI_PARALLEL: "9", GOMAXPROCS: "5" },
  ];
  realCli.each(settings.map((s) => [JSON.stringify(s), s]))("equals the real CLI's default with %s", (_label, extra) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", ...(extra as Record<string, string>) };
    delete env.PULUMI_OPTION_PARALLEL;
    if (!("PULUMI_PARALLEL" in (extra as object))) delete env.PULUMI_PARALLEL;
    if (!("GOMAXPROCS" in (extra as object))) delete env.GOMAXPROCS;
    const r = spawnSync(CLI, ["up", "--help"], { env, encoding: "utf8", timeout: 30_000 });
    const printed = /--parallel int32 .*\(default (\d+)\)/.exec(r.stdout);
    expect(printed).not.toBeNull();
    expect(pulumiDefaultParallel(env, os.availableParallelism()).parallel).toBe(Number(printed![1]));
  });
});
