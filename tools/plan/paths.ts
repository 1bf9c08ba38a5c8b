/**
 * The plan's own inputs and outputs, checked before the program runs, so a wrong path gets one
 * line that says what is wrong and what to do instead of a raw system error (ENOENT, EPERM,
 * EACCES, EEXIST, ENOTDIR).
 */
import * as fs from "fs";
import * as path from "path";
import { baselineStackDir } from "./tree";

/** A problem with a path the user gave: the message is the whole answer, one line. */
export class PlanPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanPathError";
  }
}

/** The file every render holds (the resource inventory, see render.ts and docs/plan.md). */
export const RENDER_MARKER = "resources.tsv";

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a component of the path is a file; the caller looks at the ancestors for that.
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new PlanPathError(`cannot look at ${p} (${code ?? "error"}): check its permissions, or pass another path`);
  }
}

/** `--project`: a directory with Pulumi.yaml and the stack's file. */
export function checkProject(projectDir: string, stack: string): void {
  const st = statOf(projectDir);
  if (!st) throw new PlanPathError(`project directory ${projectDir} does not exist: run from the project directory or pass --project DIR`);
  if (!st.isDirectory()) throw new PlanPathError(`--project ${projectDir} is a file, not a directory: pass the directory holding Pulumi.yaml`);
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  if (!statOf(projectFile)?.isFile()) {
    throw new PlanPathError(`no Pulumi.yaml in ${projectDir}: run from the project directory or pass --project DIR`);
  }
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!statOf(stackFile)?.isFile()) {
    const stacks = fs
      .readdirSync(projectDir)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort();
    throw new PlanPathError(`no stack file ${stackFile}: stacks here are ${stacks.length > 0 ? stacks.join(", ") : "none"}; create it or name one of them`);
  }
}

/**
 * `--out`: a directory (made if missing) the plan can write `<out>/<stack>/` into. Nothing is
 * created here: the nearest existing ancestor must be a directory we may write in.
 */
export function checkOutDir(outDir: string): void {
  const st = statOf(outDir);
  if (st && !st.isDirectory()) throw new PlanPathError(`--out ${outDir} is a file, not a directory: pass a directory (the plan goes to DIR/<stack>/)`);
  let existing = outDir;
  while (!statOf(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!statOf(existing)?.isDirectory()) {
    throw new PlanPathError(`--out ${outDir} cannot be created: ${existing} is a file, not a directory; pass another --out`);
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    throw new PlanPathError(`--out ${outDir} is not writable (${(e as NodeJS.ErrnoException).code} on ${existing}): pass a directory you can write, e.g. --out plan`);
  }
}

/** `--baseline`: an earlier render, `<dir>/<stack>/` or the stack's render directory itself. */
export function checkBaseline(baseline: string, stack: string): string {
  const st = statOf(baseline);
  if (!st) throw new PlanPathError(`--baseline ${baseline} does not exist: pass the --out directory of an earlier \`npm run plan -- ${stack}\``);
  if (!st.isDirectory()) {
    throw new PlanPathError(`--baseline ${baseline} is a file, not a directory: pass the --out directory of an earlier \`npm run plan -- ${stack}\``);
  }
  const dir = baselineStackDir(baseline, stack);
  if (!statOf(path.join(dir, RENDER_MARKER))?.isFile()) {
    throw new PlanPathError(
      `--baseline ${baseline} is not a plan render (no ${RENDER_MARKER} in ${dir}): pass the --out directory of an earlier \`npm run plan -- ${stack}\`, e.g. --baseline plan`,
    );
  }
  return dir;
}

/**
 * A system error met while writing despite the checks (a read-only file system, a full disk, a
 * race): one line naming the path and the code.
 */
export function describeSystemError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof err.code !== "string" || !/^E[A-Z]+$/.test(err.code)) return undefined;
  const where = err.path ? ` ${err.path}` : "";
  const what: Record<string, string> = {
    ENOENT: "does not exist",
    EACCES: "is not writable or readable by you",
    EPERM: "is not permitted",
    EROFS: "is on a read-only file system",
    EEXIST: "already exists",
    ENOTDIR: "has a file where a directory belongs",
    EISDIR: "is a directory where a file belongs",
    ENOSPC: "is on a full disk",
  };
  return `${err.syscall ?? "access"}${where} ${what[err.code] ?? "failed"} (${err.code}): check the path, or pass another --out/--baseline/--project`;
}
