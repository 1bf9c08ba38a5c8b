/**
 * npm run bench [-- --project DIR --stack NAME --sizes 10,100,500 --runs 5,5,3 --capture-stacks]
 *   [--whole-runs N] [--no-whole] [--no-floor] [--no-in-process]
 * Times the offline plan for 3 meta members and N nodes three ways: the whole process as a user
 * runs it (`node ... tools/plan/cli.ts`, as `npm run plan` does: startup, transpile, run, render,
 * write; wall time, CPU time and peak RSS of that process); the SDK floor (the same resources
 * registered by @pulumi/pulumi alone in a fresh process, tools/bench/sdkFloor.ts: what no change
 * to our code can go below); then in one process (run under mocks + render + write; median wall
 * time and time per node).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultProjectDir, listStacks } from "../plan/offline";
import { planStack } from "../plan/plan";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const projectDir = path.resolve(arg("project") ?? defaultProjectDir());
  const stacks = listStacks(projectDir);
  const stack = arg("stack") ?? (stacks.includes("staging") ? "staging" : stacks[0]);
  const sizes = (arg("sizes") ?? "10,100,500").split(",").map(Number);
  const runs = (arg("runs") ?? "5,5,3").split(",").map(Number);
  const captureStacks = process.argv.includes("--capture-stacks");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
  const overrides = (n: number): Record<string, string> => {
    const o: Record<string, string> = { "ceresdb:metaCount": "3", "ceresdb:nodeCount": String(n) };
    // The program wants shardTotal >= nodeCount.
    o["ceresdb:shardTotal"] = String(Math.max(8, n));
    return o;
  };
  const once = async (n: number) => {
    const t0 = process.hrtime.bigint();
    const { plan } = await planStack({ stack, projectDir, overrides: overrides(n), outDir: out, captureStacks });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, resources: plan.resources.length };
  };
  const table = (headers: string[], rows: string[][]) => {
    const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
    console.log(line(headers));
    console.log(line(w.map((x) => "-".repeat(x))));
    for (const r of rows) console.log(line(r));
  };
  // The same node flags as the `plan` script in package.json.
  const script = (JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan;
  const flags = script.split(/\s+/).slice(1, -1);
  /** Runs `node <plan flags> <args>` in a fresh process: its stdout, wall time, CPU time, peak RSS. */
  const fresh = (args: string[], what: string) => {
    const stats = path.join(out, "stats.json");
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, ["--require", path.join(__dirname, "exitStats.cjs"), ...flags, ...args], {
      cwd: projectDir,
      env: { ...process.env, PLAN_BENCH_STATS: stats },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 600_000,
      maxBuffer: 64 * 2 ** 20,
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) throw new Error(`${what} exited ${res.status}: ${String(res.stderr).slice(0, 500)}`);
    const s = JSON.parse(fs.readFileSync(stats, "utf8")) as { userMs: number; systemMs: number; maxRssKb: number };
    return { stdout: String(res.stdout), wall: `${(ms / 1000).toFixed(2)} s`, cpu: `${((s.userMs + s.systemMs) / 1000).toFixed(2)} s`, rss: `${Math.round(s.maxRssKb / 1024)} MB` };
  };
  if (!process.argv.includes("--no-whole")) {
    const wholeRuns = Number(arg("whole-runs") ?? 1);
    const rows: string[][] = [];
    for (const n of sizes) {
      for (let r = 0; r < wholeRuns; r++) {
        const sets = Object.entries(overrides(n)).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
        const p = fresh([path.join(projectDir, "tools", "plan", "cli.ts"), stack, ...sets, "--out", out], `plan for ${n} nodes`);
        rows.push([String(n), p.wall, p.cpu, p.rss]);
      }
    }
    console.log(`whole process (node ${flags.join(" ")} tools/plan/cli.ts ${stack}), ${wholeRuns} run(s) per size:`);
    table(["nodes", "wall", "cpu (user+sys)", "peak rss"], rows);
    console.log("");
  }
  if (!process.argv.includes("--no-floor")) {
    const rows: string[][] = [];
    for (const n of sizes) {
      const file = path.join(out, `floor-${n}.json`);
      const floor = path.join(__dirname, "sdkFloor.ts");
      fresh([floor, "record", projectDir, stack, JSON.stringify(overrides(n)), file], `recording ${n} nodes for the SDK floor`);
      const p = fresh([floor, "register", file], `SDK floor for ${n} nodes`);
      const f = JSON.parse(p.stdout.trim().split("\n").pop() ?? "{}") as { resources: number; loadMs: number; registerMs: number };
      rows.push([String(n), String(f.resources), `${(f.loadMs / 1000).toFixed(2)} s`, `${(f.registerMs / 1000).toFixed(2)} s`, p.wall, p.cpu, p.rss]);
    }
    console.log("SDK floor (the same resources, names, parents and inputs registered by @pulumi/pulumi under mocks in a fresh process, none of the program's code; tools/bench/sdkFloor.ts):");
    table(["nodes", "resources", "load sdk+providers", "register", "wall", "cpu (user+sys)", "peak rss"], rows);
    console.log("");
  }
  if (process.argv.includes("--no-in-process")) {
    fs.rmSync(out, { recursive: true, force: true });
    return;
  }
  const tWarm = process.hrtime.bigint();
  await once(sizes[0]);
  const warmMs = Number(process.hrtime.bigint() - tWarm) / 1e6;

  const rows: string[][] = [];
  for (let i = 0; i < sizes.length; i++) {
    const n = sizes[i];
    const times: number[] = [];
    let resources = 0;
    for (let r = 0; r < (runs[i] ?? runs[runs.length - 1]); r++) {
      const res = await once(n);
      times.push(res.ms);
      resources = res.resources;
    }
    const med = median(times);
    rows.push([String(n), String(resources), `${(med / 1000).toFixed(2)} s`, `${(med / n).toFixed(1)} ms`, `${times.length}`, `${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`]);
  }
  fs.rmSync(out, { recursive: true, force: true });
  console.log(`in one process: plan bench: project ${path.relative(process.cwd(), projectDir) || "."}, stack ${stack}, 3 meta members, ${captureStacks ? "stack capture on" : "stack capture off"}`);
  console.log(`first run (includes loading @pulumi/* and the program): ${(warmMs / 1000).toFixed(2)} s`);
  table(["nodes", "resources", "median", "per node", "runs", "rss after"], rows);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
