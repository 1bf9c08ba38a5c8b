/**
 * Run the Pulumi program offline under mocks and record what it would register.
 *
 * No CLI, no engine, no providers: the program is imported in this process with
 * `pulumi.runtime.setMocks`, inside `runInPulumiStack` so a stack transformation can see every
 * resource's parent and options (mocks see neither).
 */
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";
import { loadStackFileConfig } from "./config";
import { ComputeHook, MockCall, RecordingMocks } from "./mocks";

export interface RecordedResource {
  type: string;
  name: string;
  urn?: string;
  /** The id the mock gave it (custom resources). */
  id?: string;
  /** Name of the parent resource; undefined for resources directly under the stack. */
  parent?: string;
  /** Type of the parent resource. */
  parentType?: string;
  custom: boolean;
  /** Name of the explicit or inherited provider resource (e.g. the per-host docker provider). */
  provider?: string;
  /** Names of the resources in `dependsOn`. */
  dependsOn?: string[];
  /**
   * URNs the registration named as dependencies, as the SDK sends them to the engine: `dependsOn`
   * expanded (a component stands for its custom descendants) plus every resource whose outputs
   * reach an input. The engine starts this resource's step only after those steps finished.
   */
  dependencies?: string[];
  /** Per input, the URNs of the resources its value came from (implicit dependencies). */
  propertyDependencies?: Record<string, string[]>;
  /** Resource options worth showing (protect, additionalSecretOutputs, ...), when set. */
  options?: Record<string, unknown>;
  /** Inputs as the mock saw them: raw, secret wrappers preserved. */
  inputs: Record<string, unknown>;
  /** `{...inputs, computed}` as the mock returned it. */
  state: Record<string, unknown>;
}

export interface OfflineRun {
  stack: string;
  project: string;
  /** Every resource in registration order, the root stack excluded. */
  resources: RecordedResource[];
  /** Stack outputs, resolved (in preview, unknown values are absent). */
  outputs: Record<string, unknown>;
  /** Config keys that were secret. */
  secretKeys: string[];
  /** The value each secret setting had in this run (placeholder or the caller's value), by key. */
  secretValues: Record<string, string>;
  /** The settings the program was given (secrets included; do not print). */
  config: Record<string, string>;
  /** Declared secrets the stack file lacks that got a placeholder or supplied value. */
  filledSecrets: string[];
  /** Invokes the program made. */
  invokes: { token: string; inputs: unknown }[];
  /** What the program logged with pulumi.log.warn (a real `pulumi preview` shows these). */
  warnings: string[];
}

export interface RunOfflineOptions {
  stack: string;
  /** Directory with Pulumi.yaml, Pulumi.<stack>.yaml and the program (default: the repository root). */
  projectDir?: string;
  /** Program entry, relative to projectDir (default `index.ts`). */
  program?: string;
  /** Settings replacing the stack's, e.g. `{"ceresdb:nodeCount": "5"}`; short keys get the project prefix. */
  overrides?: Record<string, string>;
  /** Values for encrypted settings (default placeholders `<secret ceresdb:name>`). */
  secretValues?: Record<string, string>;
  /** Placeholders for declared secrets the stack file lacks (default true), see loadStackFileConfig. */
  fillDeclaredSecrets?: boolean;
  /** Run as a preview (`pulumi.runtime.isDryRun()`), default false. */
  preview?: boolean;
  /** Extra computed outputs per resource. */
  compute?: ComputeHook;
  /**
   * Keep Error stack capture and source maps on during the run (5x slower; program errors then
   * carry stack traces). Off by default, see docs/plan.md.
   */
  captureStacks?: boolean;
}

/** The repository root (where the real Pulumi.yaml lives). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The project the tools run by default: this repository. */
export function defaultProjectDir(): string {
  return REPO_ROOT;
}

declare const jest: { isolateModulesAsync?: (fn: () => Promise<void>) => Promise<void> } | undefined;

interface Captured {
  resource: pulumiType.Resource;
  type: string;
  name: string;
  parent?: pulumiType.Resource;
  dependsOn: unknown;
  options: Record<string, unknown>;
}

const OPTION_KEYS = [
  "protect",
  "retainOnDelete",
  "deleteBeforeReplace",
  "replaceOnChanges",
  "ignoreChanges",
  "additionalSecretOutputs",
  "aliases",
  "customTimeouts",
  "deletedWith",
] as const;

let running = false;

/**
 * Forget the program's entry module so the next run executes it again. Only the entry: the
 * program reads its settings when the entry runs (components are pure modules), and keeping the
 * components loaded keeps their identity across runs — the dynamic provider of the bootstrap lock
 * is serialized once, not once per run (each serialization is kept alive by the runtime's
 * function-serialization cache).
 */
function forgetProgram(programPath: string): void {
  const id = require.resolve(programPath);
  const cached = require.cache[id];
  if (!cached) return;
  // Node also lists a module among its requirer's `children`; an old entry there would keep the
  // previous run's exports, and with them every resource it created, alive.
  for (const m of Object.values(require.cache)) {
    const i = m?.children.indexOf(cached) ?? -1;
    if (i >= 0) m!.children.splice(i, 1);
  }
  delete require.cache[id];
}

async function resolveDeps(v: unknown): Promise<unknown[]> {
  if (v === undefined || v === null) return [];
  const x = await Promise.resolve(v);
  if (x && typeof x === "object" && "apply" in (x as object) && typeof (x as { apply: unknown }).apply === "function") {
    // An Output of resources: only known values can be read.
    const inner = await new Promise<unknown>((r) => {
      (x as pulumiType.Output<unknown>).apply((y) => {
        r(y);
        return y;
      });
      setTimeout(() => r(undefined), 0);
    });
    return resolveDeps(inner);
  }
  if (Array.isArray(x)) return (await Promise.all(x.map(resolveDeps))).flat();
  return [x];
}

function urnOf(res: pulumiType.Resource): Promise<string | undefined> {
  return new Promise((r) => {
    // In a preview the URN is still known under mocks; guard anyway, and drop the guard as soon
    // as the URN arrives (a pending timer would keep the whole run alive for its duration).
    const guard = setTimeout(() => r(undefined), 1000);
    res.urn.apply((u) => {
      clearTimeout(guard);
      r(u);
      return u;
    });
  });
}

function nameFromProviderRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const urn = ref.split("::").slice(0, -1).join("::") || ref;
  const parts = urn.split("::");
  return parts[parts.length - 1];
}

/**
 * Two per-resource costs of the SDK that serve only a real engine, switched off for an offline run
 * (measured with `node --cpu-prof`, see docs/plan.md "Speed"); returns the function that restores them.
 *  - `Resource.stackTrace`: every resource formats a full stack (limit raised to Infinity) to send
 *    its source position to the engine; mocks drop it.
 *  - `debuggablePromise`: every RPC promise gets three properties, a `new Error().stack` and a
 *    place in the leak-candidate set that only the exit-time leak report reads; the runner waits
 *    for the registrations through `disconnect()`, not through that set.
 * Both are looked up through their module objects at each call, so replacing the export is seen.
 */
export function skipEngineOnlyWork(pulumi: typeof pulumiType): () => void {
  type StackTrace = (skip: number) => unknown[];
  const resourceClass = pulumi.Resource as unknown as { stackTrace: StackTrace };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
  const savedTrace = resourceClass.stackTrace;
  const savedDebuggable = debuggable.debuggablePromise;
  resourceClass.stackTrace = () => [];
  debuggable.debuggablePromise = (p) => p;
  return () => {
    resourceClass.stackTrace = savedTrace;
    debuggable.debuggablePromise = savedDebuggable;
  };
}

interface Registration {
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

/** The subset of the SDK's RegisterResourceRequest (protobuf) read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (v: { getUrnsList(): string[] }, k: string) => void): void };
}

/**
 * Mocks are not told a resource's dependencies; the request the SDK sends the (mock) monitor
 * carries them, so the monitor's `registerResource` is wrapped to read them, by `type::name`.
 */
function recordRegistrations(pulumi: typeof pulumiType): Map<string, Registration[]> {
  const out = new Map<string, Registration[]>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: unknown) => unknown } | undefined;
  if (!monitor || typeof monitor.registerResource !== "function") return out;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => {
      const urns = v.getUrnsList();
      if (urns.length > 0) propertyDependencies[k] = [...urns];
    });
    const key = `${req.getType()}::${req.getName()}`;
    const list = out.get(key) ?? [];
    list.push({ dependencies: [...req.getDependenciesList()], propertyDependencies });
    out.set(key, list);
    return register(req, cb);
  };
  return out;
}

async function execute(
  pulumi: typeof pulumiType,
  programPath: string,
  opts: RunOfflineOptions,
  settings: ReturnType<typeof loadStackFileConfig>,
): Promise<OfflineRun> {
  const restoreSdk = opts.captureStacks ? () => undefined : skipEngineOnlyWork(pulumi);
  try {
    return await executeProgram(pulumi, programPath, opts, settings);
  } finally {
    restoreSdk();
  }
}

async function executeProgram(
  pulumi: typeof pulumiType,
  programPath: string,
  opts: RunOfflineOptions,
  settings: ReturnType<typeof loadStackFileConfig>,
): Promise<OfflineRun> {
  const mocks = new RecordingMocks(opts.compute);
  await pulumi.runtime.setMocks(mocks, settings.project, opts.stack, opts.preview ?? false);
  pulumi.runtime.setAllConfig(settings.config, settings.secretKeys);
  const registrations = recordRegistrations(pulumi);

  const captured: Captured[] = [];
  const names = new WeakMap<object, { type: string; name: string }>();
  let programError: unknown;
  // Without an engine the SDK prints warnings to the console, where a report never sees them.
  const warnings: string[] = [];
  const log = pulumi.log as { warn: typeof pulumi.log.warn };
  const savedWarn = log.warn;
  log.warn = (msg: string) => {
    warnings.push(msg);
    return Promise.resolve();
  };
  let outputs: Record<string, unknown> | undefined;
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        names.set(args.resource, { type: args.type, name: args.name });
        const options: Record<string, unknown> = {};
        const o = args.opts as Record<string, unknown>;
        for (const k of OPTION_KEYS) if (o[k] !== undefined) options[k] = o[k];
        captured.push({
          resource: args.resource,
          type: args.type,
          name: args.name,
          parent: args.opts.parent,
          dependsOn: args.opts.dependsOn,
          options,
        });
        return undefined;
      });
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return { ...require(programPath) };
      } catch (e) {
        // Not rethrown inside the stack: the runtime would leave its derived promises rejected
        // with nobody to handle them. The stack completes empty and the error is thrown below.
        programError = e ?? new Error("program failed");
        return {};
      }
    })) as Record<string, unknown> | undefined;
    // Wait for every outstanding registration (disconnect drains the RPC queue).
    await pulumi.runtime.disconnect();
  } finally {
    log.warn = savedWarn;
  }
  if (programError !== undefined) throw programError;

  const byKey = new Map<string, MockCall[]>();
  for (const c of mocks.calls) {
    const k = `${c.type}::${c.name}`;
    const list = byKey.get(k) ?? [];
    list.push(c);
    byKey.set(k, list);
  }
  const resources: RecordedResource[] = [];
  for (const cap of captured) {
    const call = byKey.get(`${cap.type}::${cap.name}`)?.shift();
    const parentInfo = cap.parent ? names.get(cap.parent) : undefined;
    const deps = await resolveDeps(cap.dependsOn);
    const depNames = deps.map((d) => (d && typeof d === "object" ? names.get(d)?.name : undefined)).filter((n): n is string => !!n);
    const reg = registrations.get(`${cap.type}::${cap.name}`)?.shift();
    const rec: RecordedResource = {
      type: cap.type,
      name: cap.name,
      ...(reg ? { dependencies: reg.dependencies, propertyDependencies: reg.propertyDependencies } : {}),
      urn: await urnOf(cap.resource),
      id: call?.custom ? call.id : undefined,
      parent: parentInfo?.name,
      parentType: parentInfo?.type,
      custom: call?.custom ?? cap.type.startsWith("pulumi:providers:"),
      provider: nameFromProviderRef(call?.provider),
      inputs: call?.inputs ?? {},
      state: call?.state ?? {},
    };
    if (depNames.length > 0) rec.dependsOn = depNames;
    if (Object.keys(cap.options).length > 0) rec.options = cap.options;
    resources.push(rec);
  }
  return {
    stack: opts.stack,
    project: settings.project,
    resources,
    outputs: outputs ?? {},
    secretKeys: settings.secretKeys,
    secretValues: settings.secretValues,
    config: settings.config,
    filledSecrets: settings.filledSecrets,
    invokes: mocks.invokes,
    warnings,
  };
}

/**
 * Run the program of `projectDir` for `stack` under mocks and return what it registered.
 * Runs one at a time per process; each run imports the program afresh (in jest through
 * `jest.isolateModulesAsync`, elsewhere by dropping the project's modules from `require.cache`).
 * Throws the program's error (e.g. invalid settings) unchanged.
 */
export async function runOffline(opts: RunOfflineOptions): Promise<OfflineRun> {
  if (running) throw new Error("runOffline: a run is already in progress in this process");
  running = true;
  const projectDir = path.resolve(opts.projectDir ?? defaultProjectDir());
  const programPath = path.join(projectDir, opts.program ?? "index.ts");
  const settings = loadStackFileConfig({ projectDir, stack: opts.stack, overrides: opts.overrides, secretValues: opts.secretValues, fillDeclaredSecrets: opts.fillDeclaredSecrets });
  // debuggablePromise records `new Error().stack` for every promise the runtime makes; with no
  // frames to capture that is cheap. Resource source positions are unaffected (they raise the limit).
  const savedLimit = Error.stackTraceLimit;
  // Resource.callsites() formats a full stack per resource; with source maps on (tsx) each frame
  // is mapped, which is costly and only serves the engine's source positions. Off for the run.
  const proc = process as NodeJS.Process & { sourceMapsEnabled?: boolean; setSourceMapsEnabled?: (on: boolean) => void };
  const sourceMaps = proc.sourceMapsEnabled === true && !opts.captureStacks;
  if (!opts.captureStacks) Error.stackTraceLimit = 0;
  if (sourceMaps) proc.setSourceMapsEnabled?.(false);
  try {
    if (typeof jest !== "undefined" && jest?.isolateModulesAsync) {
      let result: OfflineRun | undefined;
      // The isolated copy of @pulumi/pulumi adds its own exit listener (promise leak report);
      // the copy is thrown away after the run, so is its listener.
      const exitListeners = new Set(process.listeners("exit"));
      try {
        await jest.isolateModulesAsync(async () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const pulumi = require("@pulumi/pulumi") as typeof pulumiType;
          result = await execute(pulumi, programPath, opts, settings);
        });
      } finally {
        for (const l of process.listeners("exit")) if (!exitListeners.has(l)) process.removeListener("exit", l);
      }
      return result as OfflineRun;
    }
    forgetProgram(programPath);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof pulumiType;
    return await execute(pulumi, programPath, opts, settings);
  } finally {
    Error.stackTraceLimit = savedLimit;
    if (sourceMaps) proc.setSourceMapsEnabled?.(true);
    running = false;
  }
}
