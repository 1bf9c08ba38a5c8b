/**
 * The plan's blast radius classifies every changed input from the provider-contract table
 * (components/contracts/providers.ts): alicloud/resource_alicloud_instance.go (instance_type is
 * applied with the instance stopped, availability_zone is ForceNew), internal/provider/
 * resource_docker_container.go of kreuzwerker/terraform-provider-docker v4.5.0 (upload is
 * ForceNew), tags are updated in place everywhere.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultProjectDir } from "../../tools/plan/offline";
import { BlastRadius } from "../../tools/plan/diff";
import { planStack } from "../../tools/plan/plan";
import { Plan } from "../../tools/plan/render";
import { formatReport, jsonReport } from "../../tools/plan/report";

const projectDir = defaultProjectDir();
const stack = "dev";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "blast-"));
const baseline = path.join(tmp, "baseline");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let nodeHosts: string[] = [];
let allHosts: string[] = [];
let members: string[] = [];
beforeAll(async () => {
  const { plan } = await planStack({ stack, projectDir, outDir: baseline });
  allHosts = plan.hosts.map((h) => h.name).sort();
  nodeHosts = plan.hosts.filter((h) => h.role === "server").map((h) => h.name).sort();
  members = plan.members.map((m) => m.member).sort();
}, 120_000);

let lastPlan: Plan | undefined;
async function radiusWith(overrides: Record<string, string>): Promise<BlastRadius> {
  const { radius, plan } = await planStack({ stack, projectDir, overrides, baselineDir: baseline });
  lastPlan = plan;
  return radius!;
}

const kinds = (r: BlastRadius, type: string, property: string) =>
  [...new Set(r.changes.filter((c) => c.type === type).flatMap((c) => c.inputs.filter((i) => i.property === property).map((i) => i.change)))];

describe("blast radius from the provider contracts", () => {
  it("an unchanged stack changes nothing", async () => {
    const r = await radiusWith({});
    expect(r.inputsCompared).toBe(true);
    expect(r.changes).toEqual([]);
  });

  it("nodeInstanceType: every node instance restarts in place, nothing is replaced", async () => {
    const r = await radiusWith({ "ceresdb:nodeInstanceType": "ecs.g7.2xlarge" });
    expect(nodeHosts.length).toBeGreaterThan(0);
    expect(r.hosts.restarted).toEqual(nodeHosts);
    expect(r.hosts.replaced).toEqual([]);
    expect(r.containers.replaced).toEqual([]);
    expect(kinds(r, "alicloud:ecs/instance:Instance", "instanceType")).toEqual(["restart"]);
    expect(r.changes.find((c) => c.type === "alicloud:ecs/instance:Instance")!.inputs[0].reason).toMatch(/resource_alicloud_instance\.go/);
    expect(r.changes.every((c) => c.change !== "replace" && c.change !== "unclassified")).toBe(true);
  });

  it("zones reordered: hosts that move zone are replaced, with their disks and attachments", async () => {
    const r = await radiusWith({ "ceresdb:zones": JSON.stringify(["cn-hangzhou-j", "cn-hangzhou-i", "cn-hangzhou-h"]) });
    expect(r.hosts.replaced.length).toBeGreaterThan(0);
    expect(kinds(r, "alicloud:ecs/instance:Instance", "availabilityZone")).toEqual(["replace"]);
    expect(kinds(r, "alicloud:ecs/ecsDisk:EcsDisk", "zoneId")).toEqual(["replace"]);
    // The attachment's inputs refer to the replaced disk and instance by id.
    const att = r.changes.filter((c) => c.type === "alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment");
    expect(att.length).toBe(r.hosts.replaced.length);
    expect(att.every((c) => c.change === "replace" && c.inputs.every((i) => /refers to .* which is replaced/.test(i.reason)))).toBe(true);
    expect(r.changes.some((c) => c.change === "unclassified")).toBe(false);
  });

  it("a tag change updates every tagged resource in place", async () => {
    const r = await radiusWith({ "ceresdb:tags": JSON.stringify({ team: "tsdb" }) });
    expect(r.changes.length).toBeGreaterThan(allHosts.length);
    expect(r.changes.every((c) => c.change === "update")).toBe(true);
    expect(r.hosts.updated).toEqual(allHosts);
    expect(r.hosts.replaced).toEqual([]);
    expect(r.hosts.restarted).toEqual([]);
    expect(new Set(r.changes.flatMap((c) => c.inputs.map((i) => i.property)))).toEqual(new Set(["tags", "volumeTags"]));
  });

  it("a config change replaces the containers whose TOML changed", async () => {
    const r = await radiusWith({ "ceresdb:logLevel": "debug" });
    expect(r.containers.replaced.length).toBeGreaterThan(0);
    expect(kinds(r, "docker:index/container:Container", "uploads")).toEqual(["replace"]);
    expect(r.hosts.replaced).toEqual([]);
    expect(r.hosts.restarted).toEqual([]);
    expect(r.containers.replaced.every((m) => members.includes(m))).toBe(true);
    expect(formatReport(lastPlan!, "text", { radius: r })).toMatch(/uploads\s+replace\s+internal\/provider\/resource_docker_container\.go \(upload: ForceNew\)/);
    const json = JSON.parse(jsonReport(lastPlan!, r)).baseline;
    expect(json.changes.find((c: { type: string }) => c.type === "docker:index/container:Container").inputs).toContainEqual(expect.objectContaining({ property: "uploads", change: "replace" }));
  });

  it("says so when the baseline predates the input fingerprints", async () => {
    const old = path.join(tmp, "old");
    fs.cpSync(path.join(baseline, stack), path.join(old, stack), { recursive: true });
    fs.rmSync(path.join(old, stack, "inputs.tsv"));
    const { radius, plan } = await planStack({ stack, projectDir, baselineDir: old });
    expect(radius!.inputsCompared).toBe(false);
    expect(formatReport(plan, "text", { radius })).toMatch(/inputs not compared/);
  });
});
