/** The timeline in text, markdown or JSON. */
import type { Format } from "../report";
import { fmt, SafetyProblem, TimelineResult } from "./timeline";

export interface TimelineSection {
  scenario: string;
  result?: TimelineResult;
  error?: string;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}x` : "-";
}

function lines(r: TimelineResult, md: boolean): string[] {
  const ops = Object.entries(r.operations)
    .filter(([op]) => op !== "same")
    .map(([op, n]) => `${n} ${op}`)
    .join(", ");
  const b = (s: string) => (md ? `**${s}**` : s);
  const out = [
    `${r.description}; parallel ${r.parallel ?? "unbounded"}; steps: ${ops || "none"} (${r.operations.same ?? 0} unchanged)`,
    `${b("makespan")} ${fmt(r.makespan)}, critical path ${fmt(r.criticalPath.seconds)} (makespan ${ratio(r.makespan, r.criticalPath.seconds)}), members independent ${fmt(r.memberBound)} (makespan ${ratio(r.makespan, r.memberBound)})`,
    `members down: ${r.disrupted.length} (CeresMeta at once: ${r.maxMetaDown}; CeresDB nodes at once: ${r.maxServersDown}, in ${r.serverWaves} waves)`,
  ];
  return out;
}

function pathTable(r: TimelineResult, md: boolean): string {
  const rows = r.criticalPath.steps.map((s) => [fmt(s.start), `+${fmt(s.seconds)}`, s.op, s.label, s.name]);
  if (md) return ["| starts | takes | op | what | resource |", "|---|---|---|---|---|", ...rows.map((x) => `| ${x.join(" | ")} |`)].join("\n");
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((x) => x[i].length), 0));
  return rows.map((x) => `    ${x.map((c, i) => (i < 4 ? c.padEnd(w[i]) : c)).join("  ")}`).join("\n");
}

export function formatTimeline(sections: TimelineSection[], format: Format, problems: SafetyProblem[] = []): string {
  if (format === "json") return `${JSON.stringify({ scenarios: sections, problems }, null, 2)}\n`;
  const md = format === "markdown";
  const out: string[] = [md ? "### Timeline (simulated `pulumi up`)" : "== Timeline (simulated pulumi up) =="];
  for (const s of sections) {
    out.push(md ? `#### ${s.scenario}` : `-- ${s.scenario} --`);
    if (!s.result) {
      out.push(`not simulated: ${s.error ?? "no result"}`);
      continue;
    }
    out.push(lines(s.result, md).map((l) => (md ? `- ${l}` : `  ${l}`)).join("\n"));
    const t = pathTable(s.result, md);
    if (md) out.push(`<details><summary>critical path (${s.result.criticalPath.steps.length} steps)</summary>\n\n${t}\n\n</details>`);
    else out.push(`  critical path:\n${t}`);
  }
  if (problems.length > 0) {
    out.push(md ? "### Unsafe change" : "== Unsafe change ==");
    out.push(problems.map((p) => (md ? `- :x: ${p.problem}` : `  ${p.problem}`)).join("\n"));
  }
  out.push(
    md
      ? "_Durations are the documented estimates (docs/plan.md, Timeline), not measurements._"
      : "Durations are the documented estimates (docs/plan.md, Timeline), not measurements.",
  );
  return `${out.join("\n\n")}\n`;
}
