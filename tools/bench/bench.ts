/**
 * npm run bench [-- --project DIR --stack NAME --sizes 10,100,500 --runs 5,5,3 --capture-stacks]
 * Times the offline plan (run under mocks + render + write) for 3 meta members and N nodes, in
 * one process; prints median wall time and time per node.
 */
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
  const headers = ["nodes", "resources", "median", "per node", "runs", "rss after"];
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  console.log(`plan bench: project ${path.relative(process.cwd(), projectDir) || "."}, stack ${stack}, 3 meta members, ${captureStacks ? "stack capture on" : "stack capture off"}`);
  console.log(`first run (includes loading @pulumi/* and the program): ${(warmMs / 1000).toFixed(2)} s`);
  console.log(line(headers));
  console.log(line(w.map((x) => "-".repeat(x))));
  for (const r of rows) console.log(line(r));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
