/** Printing a plan as text, markdown (fits a PR comment) or JSON. */
import { BlastRadius } from "./diff";
import { Plan } from "./render";

export type Format = "text" | "markdown" | "json";

function table(headers: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const esc = (s: string) => s.replace(/\|/g, "\\|");
    return [`| ${headers.join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function endpoints(outputs: Record<string, unknown>): [string, string][] {
  return Object.keys(outputs)
    .sort()
    .map((k) => [k, typeof outputs[k] === "string" ? (outputs[k] as string) : JSON.stringify(outputs[k])]);
}

function radiusLines(r: BlastRadius): string[] {
  const l = (xs: string[]) => (xs.length === 0 ? "none" : xs.join(", "));
  return [
    `files added: ${l(r.files.added)}`,
    `files removed: ${l(r.files.removed)}`,
    `files changed: ${l(r.files.changed)}`,
    `containers created: ${l(r.containers.created)}`,
    `containers replaced: ${l(r.containers.replaced)}`,
    `containers updated in place: ${l(r.containers.updated)}`,
    `containers destroyed: ${l(r.containers.destroyed)}`,
    `hosts created: ${l(r.hosts.created)}`,
    `hosts replaced: ${l(r.hosts.replaced)}`,
    `hosts restarted in place (stopped and started): ${l(r.hosts.restarted)}`,
    `hosts updated in place: ${l(r.hosts.updated)}`,
    `hosts destroyed: ${l(r.hosts.destroyed)}`,
    `resources added: ${r.resourcesAdded.length}, removed: ${r.resourcesRemoved.length}, changed: ${r.changes.length}`,
    ...(r.inputsCompared ? [] : ["inputs not compared: the baseline has no inputs.tsv (render it again with this version)"]),
  ];
}

const CHANGE_LABEL: Record<string, string> = { replace: "replace", restart: "restart in place", update: "update in place", unclassified: "UNCLASSIFIED" };

/** One row per changed input: what it does, and why (the provider file it comes from). */
function changeRows(r: BlastRadius): string[][] {
  return r.changes.flatMap((c) => [
    ...c.inputs.map((i) => [c.type, c.name, i.property, CHANGE_LABEL[i.change], i.note ? `${i.reason}; ${i.note}` : i.reason]),
    ...(c.ignored ?? []).map((p) => [c.type, c.name, p, "ignored", "ignoreChanges (the program's resource option)"]),
  ]);
}

export function jsonReport(plan: Plan, radius?: BlastRadius): string {
  const o: Record<string, unknown> = {
    stack: plan.stack,
    resources: plan.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, inputs: r.inputs })),
    files: plan.files.map((f) => ({ path: f.path, role: f.role, node: f.node ?? null })),
    outputs: plan.outputs,
  };
  if (plan.warnings.length > 0) o.warnings = plan.warnings;
  if (radius) o.baseline = radius;
  return JSON.stringify(o, null, 2);
}

export function formatReport(plan: Plan, format: Format, opts: { writtenTo?: string; radius?: BlastRadius } = {}): string {
  if (format === "json") return jsonReport(plan, opts.radius);
  const md = format === "markdown";
  const out: string[] = [];
  const h = (s: string) => out.push(md ? `### ${s}` : `== ${s} ==`);
  const details = (summary: string, body: string) => {
    if (md) out.push(`<details><summary>${summary}</summary>\n\n${body}\n\n</details>`);
    else out.push(body);
  };
  out.push(md ? `## Plan for stack \`${plan.stack}\`` : `Plan for stack ${plan.stack} (project ${plan.project})`);
  out.push(`${plan.resources.length} resources, ${plan.hosts.length} hosts, ${plan.members.length} containers, ${plan.files.length} files${opts.writtenTo ? ` written to ${opts.writtenTo}` : ""}`);
  for (const w of plan.warnings) out.push(md ? `> **warning:** ${w}` : `warning: ${w}`);

  if (opts.radius) {
    h("Blast radius against baseline");
    out.push(radiusLines(opts.radius).map((l) => (md ? `- ${l}` : `  ${l}`)).join("\n"));
    if (opts.radius.changes.length > 0) {
      const rows = changeRows(opts.radius);
      details(`${rows.length} changed inputs, classified by the provider contracts`, table(["type", "resource", "input", "change", "why"], rows, md));
    }
  }

  h("Resources per type");
  const counts = Object.entries(plan.counts).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  out.push(table(["type", "count"], counts.map(([t, n]) => [t, String(n)]), md));

  h("Endpoints (stack outputs)");
  out.push(table(["output", "value"], endpoints(plan.outputs), md));

  if (!md) h("Resources");
  details(`All ${plan.resources.length} resources`, table(["type", "name", "parent"], plan.resources.map((r) => [r.type, r.name, r.parent ?? "-"]), md));

  if (!md) h("Topology");
  details("Topology", md ? "```mermaid\n" + plan.mermaid + "\n```" : plan.mermaid);

  if (!md) h("Files");
  details(`${plan.files.length} generated files`, table(["path", "role", "node"], plan.files.map((f) => [f.path, f.role, f.node ?? "-"]), md));
  return `${out.join("\n\n")}\n`;
}
