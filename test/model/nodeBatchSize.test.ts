/**
 * ceresdb:nodeBatchSize (components/model/validate/rollout.ts): default 1, refused above
 * max(1, floor((nodeCount - 1) / 2)) and when not a whole number of at least 1, naming the setting,
 * the value given and the bound with its reason; and what the program registers with it.
 */
import { buildSpec } from "../../components/model/buildSpec";
import { formatProblem } from "../../components/model/problems";
import { maxNodeBatchSize, validateRollout } from "../../components/model/validate/rollout";
import { settingsInput } from "../helpers/settingsInput";
import { runOffline } from "../../tools/plan/offline";
import { named } from "../helpers/recorded";

test("the bound keeps strictly more than half of the nodes serving, and allows 1 always", () => {
  const table = [1, 2, 3, 4, 5, 6, 7, 100].map((n) => [n, maxNodeBatchSize(n)]);
  expect(table).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 2], [6, 2], [7, 3], [100, 49]]);
  for (let n = 3; n <= 200; n++) expect(n - maxNodeBatchSize(n)).toBeGreaterThan(n / 2);
});

test("default 1; an accepted value lands in the spec", () => {
  const d = buildSpec(settingsInput({ nodeCount: "6", shardTotal: "12" }));
  expect(d.ok && d.spec.rollout).toEqual({ nodeBatchSize: 1 });
  const two = buildSpec(settingsInput({ nodeCount: "6", shardTotal: "12", nodeBatchSize: "2" }));
  expect(two.ok && two.spec.rollout).toEqual({ nodeBatchSize: 2 });
});

test.each([
  ["3", "6", "a whole number from 1 to 2 (max(1, floor((nodeCount - 1) / 2)) with nodeCount 6)"],
  ["2", "3", "a whole number from 1 to 1"],
  ["0", "6", "a whole number from 1 to 2"],
  ["-1", "6", "a whole number from 1 to 2"],
  ["1.5", "6", "a whole number from 1 to 2"],
  ["two", "6", "a whole number from 1 to 2"],
])("nodeBatchSize %s with nodeCount %s is refused", (given, nodeCount, says) => {
  const r = buildSpec(settingsInput({ nodeCount, shardTotal: "12", nodeBatchSize: given }));
  expect(r.ok).toBe(false);
  if (r.ok) return;
  const p = r.problems.filter((x) => x.setting === "ceresdb:nodeBatchSize");
  expect(p).toHaveLength(1);
  expect(formatProblem(p[0])).toContain(`ceresdb:nodeBatchSize: got ${JSON.stringify(given)}; ${says}`);
  expect(formatProblem(p[0])).toContain("more than half of the nodes must keep serving");
});

test("with nodeCount itself refused, only the syntax is checked (no second, misleading bound)", () => {
  expect(validateRollout("7", undefined).problems).toEqual([]);
  expect(validateRollout("x", undefined).problems[0].allowed).toBe("a whole number of at least 1");
});

test("the program refuses it before registering anything, naming the setting", async () => {
  await expect(runOffline({ stack: "staging", overrides: { "ceresdb:nodeBatchSize": "2" } })).rejects.toThrow(/ceresdb:nodeBatchSize: got "2"; a whole number from 1 to 1/);
});

test("batches of 3 over 7 nodes: nodes 0-2 wait for the last member, 3-5 for nodes 0-2, node 6 for 3-5", async () => {
  const run = await runOffline({ stack: "prod", overrides: { "ceresdb:nodeCount": "7", "ceresdb:shardTotal": "14", "ceresdb:nodeBatchSize": "3" } });
  const after = (i: number) => named(run, `ceresdb-prod-node-${i}-ceresdb-container`).dependsOn;
  const rolls = (...i: number[]) => i.map((x) => `ceresdb-prod-node-${x}-roll`);
  for (const i of [0, 1, 2]) expect(after(i)).toEqual(["ceresdb-prod-meta-2-roll"]);
  for (const i of [3, 4, 5]) expect(after(i)).toEqual(rolls(0, 1, 2));
  expect(after(6)).toEqual(rolls(3, 4, 5));
  expect(named(run, "ceresdb-prod-node-6-roll").dependsOn).toEqual(rolls(3, 4, 5));
}, 120_000);
