/**
 * The commands the stack runs on its hosts over SSH (@pulumi/command `remote.Command`): the
 * host readiness gate, and a service's rolling gate at creation and on every change. Each is a
 * real script under `scripts/`, filled with values by fillScript. The bootstrap guard is in
 * metaGuard.ts.
 */
import { HOST_READY_MARKER } from "./cloudInit";
import { fillScript, RenderError, shQuote } from "./common";

/** Bound on waiting for cloud-init's readiness marker. */
export const HOST_READY_WAIT_SECONDS = 900;
/** Bound on waiting for a new container to run. */
export const GATE_RUNNING_WAIT_SECONDS = 300;

/** Waits for the marker the host setup script writes once the host is ready. */
export function renderHostReadyCheck(hostName: string, waitSeconds = HOST_READY_WAIT_SECONDS): string {
  return fillScript("host-ready.sh", { HOST: hostName, MARKER: HOST_READY_MARKER, WAIT_SECONDS: String(waitSeconds) });
}

/** The gate at creation: the container runs (not yet healthy; see DockerService). */
export function renderGateRunning(containerName: string, waitSeconds = GATE_RUNNING_WAIT_SECONDS): string {
  return fillScript("gate-running.sh", { CONTAINER: containerName, WAIT_SECONDS: String(waitSeconds) });
}

/** The gate on every change: the service answers its health URL again. */
export function renderGateHealthy(containerName: string, healthUrl: string, waitSeconds: number): string {
  return fillScript("gate-healthy.sh", { CONTAINER: containerName, HEALTH_URL: healthUrl, WAIT_SECONDS: String(waitSeconds) });
}

/**
 * `script` with a no-op line holding `values`, right after the shebang. @pulumi/command v1.2.1
 * re-runs a command when its text changes (no custom Diff, so a changed `create`/`update` is an
 * in-place update, which runs `update`, else `create`), so the values act as triggers without
 * the `environment` input (sent as SSH `env` requests, which a stock sshd refuses) and without
 * `triggers` (replaceOnChanges: a replacement runs `create`, not the health wait). The values
 * are quoted words of `:`, not a comment, so no value (a newline included) can become code.
 */
export function withTriggerLine(script: string, values: Record<string, string>): string {
  const keys = Object.keys(values).sort();
  for (const k of keys) if (!/^[A-Z][A-Z0-9_]*$/.test(k)) throw new RenderError("triggers", `"${k}" is not an upper-case name`);
  const line = `: re-run when these change: ${keys.map((k) => `${k}=${shQuote(values[k])}`).join(" ")}\n`;
  const shebang = /^#![^\n]*\n/.exec(script);
  return shebang ? shebang[0] + line + script.slice(shebang[0].length) : line + script;
}
