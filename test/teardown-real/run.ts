/**
 * Real teardown test: the real Pulumi CLI (built by `.ci/build-tools.sh pulumi` into .cache/bin),
 * a file:// backend in a temp dir, stacks whose inline program creates only ComponentResources
 * (so no provider plugin is needed), and the teardown runner over the real LocalWorkspace.
 *
 *   npm run test:teardown-real
 *
 * Stacks:
 *   test-expired    test, expiry in the past            -> destroyed and removed
 *   test-tagonly    test + expiry only as stack tags    -> destroyed and removed (scheduled-CI path)
 *   test-fresh      test, expiry in the future          -> kept
 *   test-protected  test, expired, protected resource   -> destroy fails loudly, stack kept
 *   prod            prod, "expired"                     -> refused, kept (also refused by --stack)
 *   blue            staging environment, "expired"      -> refused, kept
 *
 * Every wait is bounded; the temp dir is removed at the end. Prints "N passed, N failed".
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { AutomationTeardownWorkspace, createTeardownWorkspace } from "../../tools/teardown/pulumiWorkspace";
import { formatTable, runTeardown, TeardownReport, withTimeout } from "../../tools/teardown/runner";
import { CheckList } from "../helpers/checkList";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI_ROOT = path.join(ROOT, ".cache"); // PulumiCommand.get looks for <root>/bin/pulumi
const STEP_MS = 120_000;
const TOTAL_MS = 10 * 60_000;

const checks = new CheckList();
const check = checks.check.bind(checks);

/** The inline program: one component, protected when ceresdb:protect is true. */
const program = async () => {
  const cfg = new pulumi.Config("ceresdb");
  const protect = cfg.getBoolean("protect") ?? false;
  const c = new pulumi.ComponentResource("ceresdb:test:Marker", "marker", {}, { protect });
  new pulumi.ComponentResource("ceresdb:test:Child", "marker-child", {}, { parent: c, protect });
  return { env: cfg.get("environment") ?? "unset" };
};

async function main(): Promise<void> {
  const cliPath = path.join(CLI_ROOT, "bin", "pulumi");
  if (!fs.existsSync(cliPath)) {
    throw new Error(`no Pulumi CLI at ${cliPath}: run \`bash .ci/build-tools.sh pulumi\` first`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "teardown-real-"));
  const stateDir = path.join(tmp, "state");
  const workDir = path.join(tmp, "work");
  const home = path.join(tmp, "pulumi-home");
  for (const d of [stateDir, workDir, home]) fs.mkdirSync(d, { recursive: true });
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "x",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: home,
  };
  Object.assign(process.env, envVars);
  const started = Date.now();
  const disposers: (() => void)[] = [];
  try {
    const cmd = await withTimeout("pulumi version", STEP_MS, () => PulumiCommand.get({ root: CLI_ROOT, skipVersionCheck: true }));
    console.log(`pulumi CLI ${cmd.version?.format() ?? "?"} at ${cmd.command}; backend file://${stateDir}`);
    const ws = await LocalWorkspace.create({
      workDir,
      pulumiHome: home,
      pulumiCommand: cmd,
      envVars,
      program,
      projectSettings: { name: "ceresdb", runtime: "nodejs" },
    });

    const past = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const future = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const stacks: Record<string, { config: Record<string, string>; tags?: Record<string, string> }> = {
      "test-expired": { config: { "ceresdb:environment": "test", "ceresdb:owner": "alice", "ceresdb:expiresAt": past } },
      "test-tagonly": {
        config: {},
        tags: { "ceresdb:environment": "test", "ceresdb:owner": "bob", "ceresdb:expiresAt": past },
      },
      "test-fresh": { config: { "ceresdb:environment": "test", "ceresdb:owner": "carol", "ceresdb:expiresAt": future } },
      "test-protected": {
        config: { "ceresdb:environment": "test", "ceresdb:owner": "dave", "ceresdb:expiresAt": past, "ceresdb:protect": "true" },
      },
      prod: { config: { "ceresdb:environment": "prod", "ceresdb:expiresAt": past } },
      // Not a prod-like name: refused because of its environment alone.
      blue: { config: { "ceresdb:environment": "staging", "ceresdb:expiresAt": past } },
    };
    for (const [name, s] of Object.entries(stacks)) {
      const stack = await withTimeout(`create ${name}`, STEP_MS, () => Stack.create(name, ws));
      for (const [k, v] of Object.entries(s.config)) await ws.setConfig(name, k, { value: v });
      for (const [k, v] of Object.entries(s.tags ?? {})) await ws.setTag(name, k, v);
      const up = await withTimeout(`up ${name}`, STEP_MS, () => stack.up());
      check(`up ${name}`, up.summary.result === "succeeded", `${up.summary.resourceChanges?.create ?? 0} created`);
    }
    // A "checkout" like CI's: the project's Pulumi.yaml declares a required setting, and the
    // tag-only stack has no Pulumi.<stack>.yaml there (CI created it in another job).
    const checkout = path.join(tmp, "checkout");
    fs.mkdirSync(checkout);
    fs.writeFileSync(
      path.join(checkout, "Pulumi.yaml"),
      "name: ceresdb\nruntime:\n  name: nodejs\nconfig:\n  ceresdb:zones:\n    type: array\n    items:\n      type: string\n",
    );
    for (const name of Object.keys(stacks)) {
      const f = `Pulumi.${name}.yaml`;
      if (name !== "test-tagonly" && fs.existsSync(path.join(workDir, f))) fs.copyFileSync(path.join(workDir, f), path.join(checkout, f));
    }
    // The problem the teardown workspace exists for: the CLI refuses to read config there.
    const plain = await LocalWorkspace.create({ workDir: checkout, pulumiHome: home, pulumiCommand: cmd, envVars });
    const plainErr = await plain.getAllConfig("test-tagonly").then(
      () => "",
      (e: unknown) => String(e),
    );
    check("plain checkout workspace cannot read a stack's config (missing required value)", /missing configuration value/.test(plainErr), plainErr.split("\n").find((l) => /^error:/.test(l)) ?? plainErr.slice(0, 300));

    const teardownWs = await createTeardownWorkspace({ projectDir: checkout, pulumiCommand: cmd, envVars, pulumiHome: home });
    disposers.push(teardownWs.dispose);
    const tw = new AutomationTeardownWorkspace(teardownWs.ws);
    const before = (await tw.listStacks()).map((n) => n.split("/").pop());
    check("all six stacks listed", ["blue", "prod", "test-expired", "test-fresh", "test-protected", "test-tagonly"].every((n) => before.includes(n)), before.join(","));

    // Report only first: nothing may change.
    const dry = await runTeardown(tw, { mode: "expired", yes: false, now: new Date(), timeoutMs: STEP_MS });
    console.log(formatTable(dry));
    check(
      "without --yes only reports",
      dry.results.filter((r) => r.outcome === "would-destroy").map((r) => bare(r.stack)).sort().join(",") === "test-expired,test-protected,test-tagonly" &&
        (await tw.listStacks()).length === before.length,
    );

    // The CLI end to end (report only), with the built CLI on PATH as in CI.
    const cli = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "tools", "teardown", "cli.ts"), "--expired", "--cwd", checkout], {
      env: { ...process.env, PATH: `${path.join(CLI_ROOT, "bin")}${path.delimiter}${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: STEP_MS,
    });
    console.log(cli.stdout);
    check(
      "CLI --expired (report only) prints the table and changes nothing",
      cli.status === 0 && /test-tagonly\s+would-destroy/.test(cli.stdout) && /prod\s+skipped/.test(cli.stdout) && (await tw.listStacks()).length === before.length,
      `exit ${cli.status}${cli.stderr ? `; stderr: ${cli.stderr.slice(0, 300)}` : ""}`,
    );

    const report: TeardownReport = await runTeardown(tw, {
      mode: "expired",
      yes: true,
      now: new Date(),
      timeoutMs: STEP_MS,
      log: (l) => console.log(`  runner: ${l}`),
    });
    console.log(formatTable(report));
    const outcome = (n: string) => report.results.find((r) => bare(r.stack) === n)?.outcome;
    const after = (await tw.listStacks()).map(bare);
    check("expired stack destroyed", outcome("test-expired") === "destroyed");
    check("expired stack removed from the backend", !after.includes("test-expired"), after.join(","));
    check("tag-only expired stack destroyed and removed", outcome("test-tagonly") === "destroyed" && !after.includes("test-tagonly"));
    check("fresh stack kept", outcome("test-fresh") === "skipped" && after.includes("test-fresh"));
    const prot = report.results.find((r) => bare(r.stack) === "test-protected");
    check(
      "protected stack: destroy fails loudly, stack kept",
      prot?.outcome === "destroy-failed" && after.includes("test-protected") && /protect/i.test(prot.message),
      prot?.message,
    );
    check("prod refused in --expired mode", outcome("prod") === "skipped" && after.includes("prod"));
    check("staging-environment stack refused in --expired mode", outcome("blue") === "skipped" && after.includes("blue"));
    check("run reports failure (because of the protected stack)", report.ok === false);

    const fresh = await Stack.select("test-fresh", teardownWs.ws);
    const freshState = await fresh.exportStack();
    const resources = (freshState.deployment as { resources?: unknown[] }).resources ?? [];
    check("fresh stack still has its resources", resources.length >= 3, `${resources.length} resources`);

    const named = await runTeardown(tw, { mode: "named", stack: "prod", yes: true, now: new Date(), timeoutMs: STEP_MS });
    console.log(formatTable(named));
    check("prod refused by --stack", named.ok === false && named.results[0]?.outcome === "skipped" && (await tw.listStacks()).map(bare).includes("prod"));

    const namedFresh = await runTeardown(tw, { mode: "named", stack: "test-fresh", yes: true, now: new Date(), timeoutMs: STEP_MS });
    check("unexpired test stack destroyed by --stack", namedFresh.ok && !(await tw.listStacks()).map(bare).includes("test-fresh"));
  } finally {
    for (const d of disposers) d();
    fs.rmSync(tmp, { recursive: true, force: true });
    check("temp dir cleaned", !fs.existsSync(tmp));
    console.log(`elapsed ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

function bare(name: string): string {
  return name.split("/").pop() ?? name;
}

const overall = setTimeout(() => {
  console.error(`teardown-real: gave up after ${TOTAL_MS / 1000}s`);
  checks.fail();
  console.log(checks.summary());
  process.exit(1);
}, TOTAL_MS);

main()
  .catch((e: unknown) => {
    checks.fail();
    console.error(`teardown-real: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  })
  .finally(() => {
    clearTimeout(overall);
    console.log(checks.summary());
    process.exit(checks.ok ? 0 : 1);
  });
