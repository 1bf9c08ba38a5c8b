/**
 * The Pulumi SDK's own share of a plan: registers the resources an offline run recorded (same
 * types through the providers' real classes, same names, parents and inputs, secrets as secrets)
 * under mocks, with none of the program's code: no settings, spec, renderers, dependencies
 * between resources or dynamic-provider serialization. Every plan of the same resources costs at
 * least this, so it bounds from below what cutting our code can reach (docs/plan.md "Speed").
 *
 * `npm run bench` runs both steps, each in a fresh process with the plan's node flags (so the
 * bench's own heap stays out of its figures):
 *  - `sdkFloor.ts record PROJECT STACK OVERRIDES_JSON RECORDS.json`: an offline run, its
 *    resources written as FloorRecords;
 *  - `sdkFloor.ts register RECORDS.json`: prints `{"resources", "loadMs", "registerMs"}` as JSON
 *    (load: @pulumi/pulumi and the provider packages).
 */
import * as fs from "fs";
import type * as pulumiType from "@pulumi/pulumi";

/** What the bench keeps of a recorded resource. */
export interface FloorRecord {
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

type ResourceClass = new (name: string, args: unknown, opts: pulumiType.CustomResourceOptions) => pulumiType.Resource;

/**
 * The class the provider package exports for a type token: `alicloud:ecs/instance:Instance` is
 * `alicloud.ecs.Instance`, `docker:index/container:Container` is `docker.Container`,
 * `command:remote:Command` is `command.remote.Command`, `pulumi:providers:docker` is
 * `docker.Provider`. Undefined for dynamic resources (no class: they register as a plain
 * CustomResource of their type, as the SDK's dynamic Resource does).
 */
export function classOfType(type: string, load: (pkg: string) => Record<string, unknown> | undefined): ResourceClass | undefined {
  const [pkg, mod, name] = type.split(":");
  if (pkg === "pulumi" && mod === "providers") return load(name)?.Provider as ResourceClass | undefined;
  const exports = load(pkg);
  if (!exports || !mod || !name) return undefined;
  const ns = mod.split("/")[0];
  const holder = ns === "index" ? exports : (exports[ns] as Record<string, unknown> | undefined);
  const cls = holder?.[name];
  return typeof cls === "function" ? (cls as ResourceClass) : undefined;
}

const loaded = new Map<string, Record<string, unknown> | undefined>();

/** The exports of `@pulumi/<pkg>`, loaded once; undefined when this project does not have it. */
export function loadProviderPackage(pkg: string): Record<string, unknown> | undefined {
  if (!loaded.has(pkg)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded.set(pkg, require(`@pulumi/${pkg}`) as Record<string, unknown>);
    } catch {
      loaded.set(pkg, undefined);
    }
  }
  return loaded.get(pkg);
}

async function record(projectDir: string, stack: string, overrides: Record<string, string>, file: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runOffline } = require("../plan/offline") as typeof import("../plan/offline");
  const run = await runOffline({ stack, projectDir, overrides });
  const records: FloorRecord[] = run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, custom: r.custom, inputs: r.inputs }));
  fs.writeFileSync(file, JSON.stringify(records));
}

async function register(file: string): Promise<void> {
  const records = JSON.parse(fs.readFileSync(file, "utf8")) as FloorRecord[];
  const t0 = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof pulumiType;
  for (const pkg of new Set(records.map((r) => (r.type.startsWith("pulumi:providers:") ? r.type.split(":")[2] : r.type.split(":")[0])))) loadProviderPackage(pkg);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { skipEngineOnlyWork, unwrapSecrets } = require("../plan/offline") as typeof import("../plan/offline");
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  // The same SDK settings as an offline run (tools/plan/offline/run.ts).
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled?.(false);
  skipEngineOnlyWork(pulumi);
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}_id`, state: a.inputs }), call: () => ({}) }, "floor", "floor", false);
  // Dynamic resources have no class of their own: the SDK's dynamic Resource is a CustomResource of their type.
  class Plain extends pulumi.CustomResource {}
  const t1 = process.hrtime.bigint();
  await pulumi.runtime.runInPulumiStack(async () => {
    const components = new Map<string, pulumiType.ComponentResource>();
    for (const r of records) {
      const parent = r.parent !== undefined ? components.get(r.parent) : undefined;
      const opts = parent ? { parent } : {};
      if (!r.custom) {
        const c = new pulumi.ComponentResource(r.type, r.name, {}, opts);
        components.set(r.name, c);
        continue;
      }
      const args = unwrapSecrets(r.inputs, (inner) => pulumi.secret(inner));
      const cls = classOfType(r.type, loadProviderPackage);
      if (cls) new cls(r.name, args, opts);
      else new Plain(r.type, r.name, args as pulumiType.Inputs, opts);
    }
    for (const c of components.values()) (c as unknown as { registerOutputs(o: object): void }).registerOutputs({});
    return {};
  });
  await pulumi.runtime.disconnect();
  const registerMs = Number(process.hrtime.bigint() - t1) / 1e6;
  console.log(JSON.stringify({ resources: records.length, loadMs: Math.round(loadMs), registerMs: Math.round(registerMs) }));
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "record" && args.length === 4) return record(args[0], args[1], JSON.parse(args[2]) as Record<string, string>, args[3]);
  if (mode === "register" && args.length === 1) return register(args[0]);
  throw new Error("usage: sdkFloor.ts record PROJECT STACK OVERRIDES_JSON RECORDS.json | sdkFloor.ts register RECORDS.json");
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
