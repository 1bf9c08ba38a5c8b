/**
 * The teardown runner: lists stacks, reads their settings, asks `decideTeardown`, and (only with
 * `yes`) destroys and removes the stacks it was told to. All Pulumi access goes through the
 * `TeardownWorkspace` interface so tests can pass a fake.
 *
 * Protected resources: the runner never unprotects anything. `destroy` on a stack with a protected
 * resource fails in the Pulumi engine; the runner reports that failure, does not remove the stack,
 * and the run exits non-zero.
 */
import { decideTeardown, Decision, StackConfigAndTags, TeardownMode } from "./decide";

/** What the runner needs from Pulumi. `pulumiWorkspace.ts` implements it over the Automation API. */
export interface TeardownWorkspace {
  /** Every stack of the project in the current backend. */
  listStacks(): Promise<string[]>;
  /** Config (`ceresdb:*` keys, secrets left out) and stack tags of one stack. */
  getConfig(stack: string): Promise<StackConfigAndTags>;
  /** `pulumi destroy --yes` on the stack. Must throw if any resource is left (e.g. protected). */
  destroy(stack: string): Promise<void>;
  /** `pulumi stack rm --yes` (never `--force`). */
  remove(stack: string): Promise<void>;
}

export interface TeardownOptions {
  mode: TeardownMode;
  /** Required with mode "named". */
  stack?: string;
  /** Without `yes` the runner only reports what it would do. */
  yes: boolean;
  now: Date;
  /** Upper bound, in ms, for each workspace call. Default 30 minutes (a real destroy can be slow). */
  timeoutMs?: number;
  /** Progress lines (defaults to nothing). */
  log?: (line: string) => void;
}

export type Outcome =
  | "destroyed"
  | "would-destroy"
  | "skipped"
  | "destroy-failed"
  | "remove-failed"
  | "config-error"
  | "not-found";

export interface TeardownResult {
  stack: string;
  outcome: Outcome;
  decision?: Decision;
  /** Reason for a skip, or the error message of a failure. */
  message: string;
}

export interface TeardownReport {
  results: TeardownResult[];
  /** True when every destroy the runner attempted succeeded and no stack could not be read. */
  ok: boolean;
}

const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** Runs `work` with an upper bound; rejects with a clear message when the bound is hit. */
export async function withTimeout<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)}s`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function errorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  // Automation API errors carry the whole CLI output; keep the lines that say what went wrong.
  const lines = raw
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  // Engine errors ("error: resource ... cannot be deleted because it is protected") first, then
  // other telling lines; the "Command failed with exit code 1: pulumi destroy ..." preamble last.
  // The CLI repeats engine errors in its "Diagnostics:" section, where an error may continue on
  // the next line ("... cannot be deleted" / "because it is protected"); prefer that section.
  const diag = lines.indexOf("Diagnostics:");
  const end = lines.indexOf("Resources:", diag);
  const scope = diag >= 0 ? lines.slice(diag + 1, end > diag ? end : undefined) : lines;
  const errors = scope.flatMap((l, i) => {
    if (!/(^|\s)error:/i.test(l)) return [];
    const next = scope[i + 1];
    const cont = next !== undefined && /^[a-z]+ /.test(next) && !/(^|\s)error:/i.test(next) ? ` ${next}` : "";
    return [l.replace(/^.*?\berror:\s*/i, "error: ") + cont];
  });
  // The generic "error: update failed" says least; put it last.
  errors.sort((a, b) => Number(/^error: update failed$/.test(a)) - Number(/^error: update failed$/.test(b)));
  const telling = lines.filter((l) => /protect|refus|denied|timeout|did not finish|fail/i.test(l) && !/Command failed/.test(l));
  const picked = [...new Set(errors.length > 0 ? errors : telling.length > 0 ? telling : lines)].slice(0, 3).join(" | ");
  return picked.length > 400 ? picked.slice(0, 397) + "..." : picked;
}

/** Decides about every selected stack and, with `yes`, destroys and removes those marked destroy. */
export async function runTeardown(ws: TeardownWorkspace, opts: TeardownOptions): Promise<TeardownReport> {
  const log = opts.log ?? (() => undefined);
  const ms = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.mode === "named" && !opts.stack) {
    throw new Error("mode 'named' needs a stack name");
  }

  const listed = await withTimeout("listing stacks", ms, () => ws.listStacks());
  let selected: string[];
  const results: TeardownResult[] = [];
  if (opts.mode === "named") {
    const wanted = opts.stack as string;
    const match = listed.find((s) => s === wanted) ?? listed.find((s) => s.split("/").pop() === wanted);
    if (match === undefined) {
      results.push({ stack: wanted, outcome: "not-found", message: "no such stack in this backend/project" });
      return { results, ok: false };
    }
    selected = [match];
  } else {
    selected = [...listed].sort();
  }

  for (const stack of selected) {
    let settings: StackConfigAndTags;
    try {
      settings = await withTimeout(`reading settings of ${stack}`, ms, () => ws.getConfig(stack));
    } catch (e) {
      results.push({ stack, outcome: "config-error", message: errorMessage(e) });
      continue;
    }
    const decision = decideTeardown({ stack, settings, now: opts.now, mode: opts.mode });
    if (decision.action === "skip") {
      results.push({ stack, outcome: "skipped", decision, message: `${decision.reason}: ${decision.detail}` });
      continue;
    }
    if (!opts.yes) {
      results.push({ stack, outcome: "would-destroy", decision, message: `${decision.detail} (re-run with --yes)` });
      continue;
    }
    log(`destroying ${stack} (${decision.detail})`);
    try {
      await withTimeout(`destroy of ${stack}`, ms, () => ws.destroy(stack));
    } catch (e) {
      // Includes "protected" resources: reported as they are, the stack is kept, nothing unprotected.
      results.push({ stack, outcome: "destroy-failed", decision, message: errorMessage(e) });
      continue;
    }
    log(`removing ${stack}`);
    try {
      await withTimeout(`stack rm of ${stack}`, ms, () => ws.remove(stack));
    } catch (e) {
      results.push({ stack, outcome: "remove-failed", decision, message: errorMessage(e) });
      continue;
    }
    results.push({ stack, outcome: "destroyed", decision, message: decision.detail });
  }

  const failed = results.some(
    (r) => r.outcome === "destroy-failed" || r.outcome === "remove-failed" || r.outcome === "config-error",
  );
  // A named stack that was refused is a failure for the caller too: they asked for it explicitly.
  const namedRefused = opts.mode === "named" && results.some((r) => r.outcome === "skipped");
  return { results, ok: !failed && !namedRefused };
}

/** A plain-text table of the results, one row per stack. */
export function formatTable(report: TeardownReport): string {
  const header = ["STACK", "OUTCOME", "ENV", "OWNER", "EXPIRES-AT", "DETAIL"];
  const rows = report.results.map((r) => [
    r.stack,
    r.outcome,
    r.decision?.environment ?? "-",
    r.decision?.owner ?? "-",
    r.decision?.expiresAt ?? "-",
    r.message,
  ]);
  if (rows.length === 0) return "no stacks found";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  // The last column is not padded, so long messages don't widen the table.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
