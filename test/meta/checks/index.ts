/**
 * The cluster check groups: every `checks/cluster/<NN>-<name>.ts`, in file-name order. Adding a
 * group is adding a file there; nothing else lists them (README.md, "Adding a check group").
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterChecks } from "../harness";

const DIR = path.join(__dirname, "cluster");
const FILE = /^\d{2}-[A-Za-z0-9]+\.ts$/;

export async function clusterCheckGroups(): Promise<{ file: string; checks: ClusterChecks }[]> {
  const files = fs.readdirSync(DIR).sort();
  const odd = files.filter((f) => !FILE.test(f));
  if (odd.length > 0) throw new Error(`test/meta/checks/cluster holds only <NN>-<name>.ts check groups; not one: ${odd.join(", ")}`);
  const groups: { file: string; checks: ClusterChecks }[] = [];
  for (const file of files) {
    const mod = (await import(path.join(DIR, file))) as { checks?: Partial<ClusterChecks> };
    const c = mod.checks;
    if (!c || typeof c.title !== "string" || typeof c.run !== "function") throw new Error(`test/meta/checks/cluster/${file} does not export \`checks: ClusterChecks\``);
    groups.push({ file, checks: c as ClusterChecks });
  }
  if (groups.length === 0) throw new Error("no check group in test/meta/checks/cluster");
  return groups;
}
