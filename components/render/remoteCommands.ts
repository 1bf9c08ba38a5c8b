/**
 * The commands the stack runs on its hosts over SSH (@pulumi/command `remote.Command`): the
 * host readiness gate, and a service's rolling gate at creation and on every change. Each is a
 * real script under `scripts/`, filled with values by fillScript. The bootstrap guard is in
 * metaGuard.ts.
 */
import { HOST_READY_MARKER } from "./cloudInit";
import { fillScript, RenderError, shQuote } from "./common";
import { SERVICE_REVISION_FILE } from "./rollGate";

/** Bound on waiting for cloud-init's readiness marker. */
export const HOST_READY_WAIT_SECONDS = 900;
/** Bound on waiting for a new container to run. */
export const GATE_RUNNING_WAIT_SECONDS = 300;

/** Waits for the marker the host setup script writes once the host is ready. */
export function renderHostReadyCheck(hostName: string, waitSeconds = HOST_READY_WAIT_SECONDS): string {
  return fillScript("host-ready.sh", { assign: { HOST: hostName, MARKER: HOST_READY_MARKER, WAIT_SECONDS: String(waitSeconds) } });
}

/**
 * A service's own gate at creation: the container runs (not yet healthy; see DockerService), then
 * `revision` is recorded in SERVICE_REVISION_FILE (rollGate.ts).
 */
export function renderGateRunning(containerName: string, revision: string, waitSeconds = GATE_RUNNING_WAIT_SECONDS): string {
  return fillScript("gate-running.sh", { assign: { CONTAINER: containerName, WAIT_SECONDS: String(waitSeconds), SERVICE_REVISION: revision, REVISION_FILE: SERVICE_REVISION_FILE } });
}

/**
 * A service's own gate on every change: `probe` (renderServiceProbe) passes again, then
 * `revision` is recorded, which the service's roll gate waits for.
 */
export function renderGateHealthy(containerName: string, probe: string, waitSeconds: number, revision: string): string {
  return fillScript("gate-healthy.sh", { assign: { CONTAINER: containerName, PROBE: probe, WAIT_SECONDS: String(waitSeconds), SERVICE_REVISION: revision, REVISION_FILE: SERVICE_REVISION_FILE } });
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
