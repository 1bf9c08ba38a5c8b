/**
 * The dashboards and the alert-rule file under docs/monitoring/ are the rendered ones, and every
 * dashboard query is PromQL the real promtool parses (each wrapped as a recording rule, the
 * `$cluster` variable filled in). Under CI a missing promtool fails, never skips.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import YAML from "yaml";
import { dashboardExpressions, renderDashboards } from "../../components/render/dashboards";
import { monitoringFiles } from "../../tools/docs/monitoringFiles";

const ROOT = resolve(__dirname, "../..");
const PROMTOOL = existsSync("/usr/bin/promtool") ? "/usr/bin/promtool" : undefined;
const realTest = PROMTOOL || process.env.CI === "true" ? test : test.skip;

test("docs/monitoring holds the rendered files (run npm run docs:monitoring after a change)", () => {
  for (const [rel, text] of Object.entries(monitoringFiles())) expect({ rel, text: readFileSync(join(ROOT, rel), "utf8") }).toEqual({ rel, text });
});

test("each dashboard is a Grafana model with a datasource and cluster variable and one query per panel target", () => {
  for (const [file, text] of Object.entries(renderDashboards())) {
    const d = JSON.parse(text) as { uid: string; templating: { list: { name: string }[] }; panels: { targets: { expr: string }[] }[] };
    expect(d.uid).toMatch(/^ceresdb-cluster-/);
    expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "cluster"]);
    expect(d.panels.length).toBeGreaterThan(5);
    for (const p of d.panels) expect(p.targets.every((t) => t.expr.includes('cluster="$cluster"') || t.expr.includes("$cluster"))).toBe(true);
    expect(file).toMatch(/\.json$/);
  }
});

realTest("promtool parses every dashboard query", () => {
  const dir = mkdtempSync(join(tmpdir(), "dash-"));
  try {
    const rules = dashboardExpressions().map((expr, i) => ({ record: `dashboard:query_${i}`, expr: expr.replace(/\$cluster/g, "c") }));
    writeFileSync(join(dir, "q.yml"), YAML.stringify({ groups: [{ name: "q", rules }] }));
    const r = spawnSync(PROMTOOL ?? "promtool", ["check", "rules", "q.yml"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
