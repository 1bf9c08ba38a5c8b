/**
 * Writes the cluster-independent monitoring files under docs/monitoring/: the Grafana dashboards
 * and the stack's alert rules (as rendered with the default backup interval, no user rules).
 *
 *   npm run docs:monitoring            rewrite them
 *   npm run docs:monitoring -- --check exit 1 if any is stale (test/render/dashboards.test.ts)
 */
import * as fs from "fs";
import * as path from "path";
import { renderDashboards } from "../../components/render/dashboards";
import { renderAlertRules } from "../../components/render/alertRules";
import { SETTINGS } from "../../components/model/settings";

const ROOT = path.resolve(__dirname, "../..");

export function monitoringFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(renderDashboards())) files[`docs/monitoring/dashboards/${name}`] = text;
  const defaults = {
    namePrefix: "<resourcePrefix>",
    observability: {
      monitoring: "arms" as const,
      monitoringCidrs: [],
      userAlertRules: [],
      metaBackup: { intervalMinutes: SETTINGS.metaBackupIntervalMinutes.default, retentionDays: SETTINGS.metaBackupRetentionDays.default, prefix: "<bucketPrefix>/meta-backup" },
      ossLifecycle: { noncurrentVersionDays: 0, abortMultipartDays: 0 },
    },
  };
  files["docs/monitoring/alert-rules.yml"] = renderAlertRules(defaults);
  return files;
}

function main(): number {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [rel, text] of Object.entries(monitoringFiles())) {
    const file = path.join(ROOT, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current === text) continue;
    if (check) {
      console.error(`${rel} is stale: run npm run docs:monitoring`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`wrote ${rel}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) process.exit(main());
