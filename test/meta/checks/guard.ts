/**
 * Running the bootstrap guard (renderMetaBootstrapGuard) for real: rendered from the spec the run
 * uses, written to a file, executed with sh, real curl and python3 against the real members.
 */
import * as fs from "fs";
import * as path from "path";
import { renderMetaBootstrapGuard } from "../../../components/render";
import { ClusterSpec } from "../../../components/model/types";
import { killGroup, Member, spawnTracked } from "../harness";

/** The guard bounds itself (one 3 s curl per other member); this is the outer limit. */
const WAIT_GUARD_MS = 20_000;

/** What the guard needs on the host: `sh`, `curl` (the etcd JSON gateway) and `python3` (parses the answer). */
export const GUARD_TOOLS: [string, string[]][] = [
  ["curl", ["--version"]],
  ["python3", ["-c", "import json, sys; print(sys.version.split()[0])"]],
];

/**
 * The guard's environment: PATH and HOME only (plus PYENV_ROOT, for a pyenv python3 shim). In
 * particular no http(s)_proxy: curl would send the gateway request to a proxy that cannot see
 * this namespace, fail, and the guard would wrongly conclude that no member answers.
 */
export function guardEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "PYENV_ROOT"]) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  return env;
}

export interface GuardRun {
  code: number | null;
  stderr: string;
  ms: number;
  script: string;
}
/** Renders member `i`'s guard from the spec the run uses (dataDir: its local data dir) and runs it under sh. */
export function runGuard(spec: ClusterSpec, i: number, m: Member, label: string): Promise<GuardRun> {
  const script = renderMetaBootstrapGuard(spec, spec.meta[i], { dataDir: m.dataDir, allowLoopback: true });
  const file = path.join(path.dirname(m.configPath), `guard-${label}.sh`);
  fs.writeFileSync(file, script, { mode: 0o755 });
  const begin = Date.now();
  return new Promise((resolve) => {
    const proc = spawnTracked("sh", [file], { env: guardEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    proc.stdout?.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => killGroup(proc, "SIGKILL"), WAIT_GUARD_MS);
    const done = (code: number | null, why = "") => {
      clearTimeout(timer);
      resolve({ code, stderr: `${stderr}${why}`.trim(), ms: Date.now() - begin, script });
    };
    proc.on("error", (e) => done(null, `\n(sh: ${e.message})`));
    proc.on("close", (code, signal) => done(code, signal ? `\n(killed by ${signal} after ${WAIT_GUARD_MS} ms)` : ""));
  });
}
/** A shell variable of the rendered guard (`NAME='value'`). */
export function guardVar(script: string, name: string): string {
  return new RegExp(`^${name}='([^']*)'$`, "m").exec(script)?.[1] ?? `(no ${name})`;
}
export function showGuard(g: GuardRun): string {
  return `exit ${g.code} in ${g.ms} ms: ${g.stderr.replace(/\s*\n\s*/g, " | ")}`;
}
