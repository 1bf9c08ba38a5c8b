/**
 * A child process run without blocking the event loop (for scripts that talk to an HTTP server the
 * test itself runs), killed with SIGKILL after `timeoutMs`, whatever it does.
 */
import { spawn } from "child_process";

export interface AsyncRun {
  /** Exit status; null when it was killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

export function runAsync(command: string, args: string[], o: { env: Record<string, string>; cwd?: string; timeoutMs: number }): Promise<AsyncRun> {
  return new Promise((resolve) => {
    const p = spawn(command, args, { env: o.env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const r: AsyncRun = { status: null, stdout: "", stderr: "", output: "" };
    p.stdout.on("data", (d) => ((r.stdout += d), (r.output += d)));
    p.stderr.on("data", (d) => ((r.stderr += d), (r.output += d)));
    const timer = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs);
    p.on("close", (status) => {
      clearTimeout(timer);
      resolve({ ...r, status });
    });
  });
}
