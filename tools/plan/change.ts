/**
 * What a change does, for a reviewer (the PR comment): the resources added, removed, replaced and
 * restarted in place (from the blast radius, classified by the provider table), and a unified
 * diff of every generated file that changed. Both renders are redacted already (redact.ts), so
 * the diff holds no secret; it is redacted again with the head's redactor in case a secret
 * value appears only in the base.
 */
import { BlastRadius } from "./diff";
import type { Format } from "./report";

export interface FileDiff {
  path: string;
  status: "added" | "removed" | "changed";
  /** Unified diff lines (`-`, `+`, ` `, `@@`), or a note when too large to compute. */
  diff: string;
}

/** Lines of context around each change. */
const CONTEXT = 3;
/** Above this many line pairs the LCS table is not built; the diff says so instead. */
const MAX_CELLS = 4_000_000;

/** A unified diff of two texts (LCS on lines). */
export function unifiedDiff(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a[a.length - 1] === "") a.pop();
  if (b[b.length - 1] === "") b.pop();
  // Common prefix and suffix first: most changes touch a few lines of a long file.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ma = a.slice(pre, a.length - suf);
  const mb = b.slice(pre, b.length - suf);
  if (ma.length * mb.length > MAX_CELLS) return `(${ma.length} lines replaced by ${mb.length}: too large to diff here)`;
  // ops over the middle: LCS table from the end.
  const n = ma.length;
  const m = mb.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = ma[i] === mb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { k: " " | "-" | "+"; line: string; ai: number; bi: number }[] = [];
  for (let i = 0; i < pre; i++) ops.push({ k: " ", line: a[i], ai: i, bi: i });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ma[i] === mb[j]) ops.push({ k: " ", line: ma[i], ai: pre + i++, bi: pre + j++ });
    // Deletions before insertions on a tie, as diff(1) prints them.
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ k: "-", line: ma[i], ai: pre + i++, bi: pre + j });
    else ops.push({ k: "+", line: mb[j], ai: pre + i, bi: pre + j++ });
  }
  for (let s = 0; s < suf; s++) ops.push({ k: " ", line: a[a.length - suf + s], ai: a.length - suf + s, bi: b.length - suf + s });
  // Hunks: changed ops with CONTEXT lines around, merged when close.
  const changed = ops.map((o, x) => (o.k !== " " ? x : -1)).filter((x) => x >= 0);
  const out: string[] = [];
  let h = 0;
  while (h < changed.length) {
    const start = Math.max(0, changed[h] - CONTEXT);
    let end = changed[h];
    while (h + 1 < changed.length && changed[h + 1] - end <= 2 * CONTEXT) end = changed[++h];
    h++;
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    const part = ops.slice(start, stop);
    const aLen = part.filter((o) => o.k !== "+").length;
    const bLen = part.filter((o) => o.k !== "-").length;
    out.push(`@@ -${part[0].ai + 1},${aLen} +${part[0].bi + 1},${bLen} @@`);
    for (const o of part) out.push(`${o.k}${o.line}`);
  }
  return out.join("\n");
}

export function fileDiffs(radius: BlastRadius, head: Map<string, string>, base: Map<string, string>, redact: (s: string) => string = (s) => s): FileDiff[] {
  const out: FileDiff[] = [];
  for (const p of radius.files.added) out.push({ path: p, status: "added", diff: redact(unifiedDiff("", head.get(p) ?? "")) });
  for (const p of radius.files.removed) out.push({ path: p, status: "removed", diff: redact(unifiedDiff(base.get(p) ?? "", "")) });
  for (const p of radius.files.changed) out.push({ path: p, status: "changed", diff: redact(unifiedDiff(base.get(p) ?? "", head.get(p) ?? "")) });
  return out.sort((x, y) => (x.path < y.path ? -1 : 1));
}

const RESOURCE_KINDS = [
  ["added", "created"],
  ["removed", "deleted"],
  ["replace", "replaced"],
  ["restart", "restarted in place (stopped and started)"],
  ["update", "updated in place"],
] as const;

/** Resource lines per kind of change. */
export function resourcesByChange(radius: BlastRadius): Record<string, string[]> {
  const name = (l: string) => l.split("\t").slice(0, 2).join(" ");
  return {
    added: radius.resourcesAdded.map(name),
    removed: radius.resourcesRemoved.map(name),
    replace: radius.changes.filter((c) => c.change === "replace" || c.change === "unclassified").map((c) => `${c.type} ${c.name}`),
    restart: radius.changes.filter((c) => c.change === "restart").map((c) => `${c.type} ${c.name}`),
    update: radius.changes.filter((c) => c.change === "update" && c.inputs.length > 0).map((c) => `${c.type} ${c.name}`),
  };
}

/** Per file, at most this much diff in the comment (GitHub caps a comment at 65536 characters). */
const MAX_DIFF_CHARS = 6000;

export function formatChange(radius: BlastRadius, diffs: FileDiff[], format: Format): string {
  const byKind = resourcesByChange(radius);
  if (format === "json") return `${JSON.stringify({ resources: byKind, files: diffs }, null, 2)}\n`;
  const md = format === "markdown";
  const out: string[] = [md ? "### Resources changed" : "== Resources changed =="];
  for (const [k, label] of RESOURCE_KINDS) {
    const xs = byKind[k];
    if (md) out.push(xs.length === 0 ? `- ${label}: none` : `<details><summary>${label}: ${xs.length}</summary>\n\n${xs.map((x) => `- \`${x}\``).join("\n")}\n\n</details>`);
    else out.push(`  ${label}: ${xs.length === 0 ? "none" : `${xs.length}\n${xs.map((x) => `    ${x}`).join("\n")}`}`);
  }
  out.push(md ? `### Files changed (${diffs.length})` : `== Files changed (${diffs.length}) ==`);
  for (const d of diffs) {
    const body = d.diff.length > MAX_DIFF_CHARS ? `${d.diff.slice(0, MAX_DIFF_CHARS)}\n... (${d.diff.length - MAX_DIFF_CHARS} more characters; run the plan locally)` : d.diff;
    if (md) out.push(`<details><summary>${d.status}: <code>${d.path}</code></summary>\n\n\`\`\`diff\n${body.replace(/```/g, "`\u200b``")}\n\`\`\`\n\n</details>`);
    else out.push(`--- ${d.status}: ${d.path}\n${body}`);
  }
  return `${out.join("\n\n")}\n`;
}
