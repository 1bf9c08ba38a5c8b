/**
 * `TeardownWorkspace` over the Pulumi Automation API (`@pulumi/pulumi/automation`).
 * Every call shells out to the `pulumi` CLI of the given `LocalWorkspace`.
 *
 * Why a separate "teardown workspace": the project's Pulumi.yaml declares required settings
 * (zones, sshPublicKey, ...). The CLI validates stack config against those declarations on every
 * `pulumi config` and `pulumi destroy`, and a test stack created by CI has no Pulumi.<stack>.yaml
 * in a fresh checkout, so both fail with "Stack 'test-pr-7' is missing configuration values".
 * A destroy needs only the state (provider settings are recorded there), so `createTeardownWorkspace`
 * runs the CLI in a temp directory holding a minimal Pulumi.yaml with the same project name and
 * runtime, no config declarations, and copies of whatever Pulumi.<stack>.yaml files exist (for
 * their values and `encryptionsalt`). A no-op inline program means no language host is needed:
 * `pulumi destroy` does not run the program.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as load } from "yaml";
import { LocalWorkspace, ProjectRuntime, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { StackConfigAndTags } from "./decide";
import { TeardownWorkspace } from "./runner";

export class AutomationTeardownWorkspace implements TeardownWorkspace {
  constructor(
    private readonly ws: LocalWorkspace,
    private readonly onOutput?: (line: string) => void,
  ) {}

  async listStacks(): Promise<string[]> {
    const stacks = await this.ws.listStacks();
    return stacks.map((s) => s.name);
  }

  async getConfig(stack: string): Promise<StackConfigAndTags> {
    // Tags live in the backend and are always readable.
    const tags = { ...(await this.ws.listTags(stack)) };
    // Config lives in Pulumi.<stack>.yaml of the work dir and may be absent or unreadable
    // (e.g. a secret that does not decrypt). Secret values are dropped: teardown never needs them.
    let config: Record<string, string> = {};
    let configError: string | undefined;
    try {
      const all = await this.ws.getAllConfig(stack);
      config = {};
      for (const [key, v] of Object.entries(all)) {
        if (!v.secret) config[key] = v.value;
      }
    } catch (e) {
      configError = (e instanceof Error ? e.message : String(e)).split("\n").find((l) => /error:/i.test(l))?.trim() ?? "unreadable";
    }
    return { config, tags, configError };
  }

  async destroy(stack: string): Promise<void> {
    const s = await Stack.select(stack, this.ws);
    // No excludeProtected, no continueOnError: a protected resource makes this throw, on purpose.
    await s.destroy({ onOutput: this.onOutput });
  }

  async remove(stack: string): Promise<void> {
    // Never --force: `stack rm` refuses a stack that still has resources.
    await this.ws.removeStack(stack);
  }
}

export interface TeardownWorkspaceOptions {
  /** Directory with the project's Pulumi.yaml and any Pulumi.<stack>.yaml files. */
  projectDir: string;
  pulumiCommand?: PulumiCommand;
  envVars?: Record<string, string>;
  pulumiHome?: string;
}

/** Reads `name` and the runtime name from a Pulumi.yaml (runtime may be a string or {name}). */
export function readProjectIdentity(pulumiYaml: string): { name: string; runtime: ProjectRuntime } {
  const doc = load(pulumiYaml) as { name?: unknown; runtime?: unknown } | null;
  const name = doc?.name;
  if (typeof name !== "string" || name === "") throw new Error("Pulumi.yaml has no project name");
  const rt = doc?.runtime;
  const rtName = typeof rt === "string" ? rt : typeof rt === "object" && rt !== null ? (rt as { name?: unknown }).name : undefined;
  const known: readonly string[] = ["nodejs", "go", "python", "dotnet"];
  const runtime = (typeof rtName === "string" && known.includes(rtName) ? rtName : "nodejs") as ProjectRuntime;
  return { name, runtime };
}

/** A LocalWorkspace for teardown (see the file comment); call `dispose()` when done. */
export async function createTeardownWorkspace(
  opts: TeardownWorkspaceOptions,
): Promise<{ ws: LocalWorkspace; dir: string; dispose: () => void }> {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(opts.projectDir, f)).find((f) => fs.existsSync(f));
  if (projectFile === undefined) throw new Error(`no Pulumi.yaml in ${opts.projectDir}`);
  const { name, runtime } = readProjectIdentity(fs.readFileSync(projectFile, "utf8"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ceresdb-teardown-"));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    for (const f of fs.readdirSync(opts.projectDir)) {
      if (/^Pulumi\.[^/]+\.ya?ml$/.test(f)) fs.copyFileSync(path.join(opts.projectDir, f), path.join(dir, f));
    }
    const ws = await LocalWorkspace.create({
      workDir: dir,
      pulumiCommand: opts.pulumiCommand,
      envVars: opts.envVars,
      pulumiHome: opts.pulumiHome,
      projectSettings: { name, runtime, description: "teardown: state-only copy of the project" },
      program: async () => ({}),
    });
    return { ws, dir, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
