/**
 * Checks of .github/workflows/*.yml that actionlint does not make:
 *  - every `run:` step calls only documented project commands (ALLOWED below), with no command
 *    substitution and no `${{ }}` expression inlined into the shell (pass values through `env:`);
 *  - every `uses:` is pinned to a full commit SHA (or is in PINNED_BY_TAG, with the reason);
 *  - `permissions:` is empty at the top level and explicit on every job; every job has a timeout.
 * Used by test/workflows/workflows.test.ts (part of `npm test` and `npm run lint:workflows`).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as load } from "yaml";

/** Documented project commands (docs/environments.md). A command matches if it starts with one. */
export const ALLOWED: readonly string[][] = [
  ["npm", "ci"],
  ["npm", "test"],
  ["npm", "run", "plan"],
  ["npm", "run", "teardown"],
  ["pulumi"],
];

/** Actions allowed on a version tag rather than a SHA, and why. */
export const PINNED_BY_TAG: Readonly<Record<string, string>> = {
  "pulumi/actions@v6":
    "major tag of Pulumi's own action; its commit SHA could not be verified offline when this was written — pin it on the next review",
};

const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;

/** Splits a shell script into simple commands (words), for the subset of shell our workflows use. */
export function commandsOf(script: string): { commands: string[][]; problems: string[] } {
  const problems: string[] = [];
  if (/\$\{\{/.test(script)) problems.push("`${{ }}` inside run: (pass it through env: instead)");
  if (/\$\(|`/.test(script)) problems.push("command substitution in run:");
  if (/<</.test(script)) problems.push("heredoc in run:");
  const joined = script.replace(/\\\n/g, " ");
  const commands: string[][] = [];
  for (const rawLine of joined.split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    for (const part of line.split(/&&|\|\||;|\|/)) {
      const words = (part.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).filter((w) => w !== "");
      // Drop redirections: `> file`, `2>&1`, `>> "$X"`.
      const cleaned: string[] = [];
      for (let i = 0; i < words.length; i++) {
        if (/^\d*>>?(&\d)?$/.test(words[i]) || words[i] === "<") {
          if (!/&\d$/.test(words[i])) i++;
          continue;
        }
        if (/^\d*>>?\S+$/.test(words[i])) continue;
        cleaned.push(words[i]);
      }
      // Leading VAR=value assignments are allowed.
      while (cleaned.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(cleaned[0])) cleaned.shift();
      if (cleaned.length > 0) commands.push(cleaned);
    }
  }
  return { commands, problems };
}

export function isAllowed(words: readonly string[]): boolean {
  return ALLOWED.some((prefix) => prefix.every((w, i) => words[i] === w));
}

interface Step {
  run?: string;
  uses?: string;
  name?: string;
}
interface Job {
  steps?: Step[];
  permissions?: unknown;
  "timeout-minutes"?: number;
  environment?: unknown;
  concurrency?: unknown;
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, Job>;
}

export interface WorkflowProblem {
  file: string;
  where: string;
  problem: string;
}

export function checkWorkflowText(file: string, text: string): WorkflowProblem[] {
  const out: WorkflowProblem[] = [];
  const wf = load(text) as Workflow;
  const add = (where: string, problem: string) => out.push({ file, where, problem });
  if (wf.permissions === undefined || (typeof wf.permissions === "object" && wf.permissions !== null && Object.keys(wf.permissions).length > 0)) {
    add("permissions", "top-level permissions must be {} (grant per job)");
  }
  for (const [jobName, job] of Object.entries(wf.jobs ?? {})) {
    if (job.permissions === undefined) add(`jobs.${jobName}`, "job has no explicit permissions:");
    if (job["timeout-minutes"] === undefined) add(`jobs.${jobName}`, "job has no timeout-minutes");
    (job.steps ?? []).forEach((step, i) => {
      const where = `jobs.${jobName}.steps[${i}]${step.name ? ` (${step.name})` : ""}`;
      if (step.uses !== undefined && !step.uses.startsWith("./") && !SHA_PIN.test(step.uses) && !(step.uses in PINNED_BY_TAG)) {
        add(where, `uses: ${step.uses} is not pinned to a commit SHA`);
      }
      if (step.run !== undefined) {
        const { commands, problems } = commandsOf(step.run);
        for (const p of problems) add(where, p);
        for (const c of commands) {
          if (!isAllowed(c)) add(where, `undocumented command: ${c.join(" ")}`);
        }
      }
    });
  }
  return out;
}

/** All workflow files under `<root>/.github/workflows`. */
export function workflowFiles(root: string): string[] {
  const dir = path.join(root, ".github", "workflows");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .map((f) => path.join(dir, f));
}
