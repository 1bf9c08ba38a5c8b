/**
 * The timeline over the real program's recorded graph (staging, 3 members + 3 nodes), and the
 * safety check on fixtures: two CeresMeta members down at once, a protected resource replaced or
 * deleted. The facts asserted are what the graph of this revision gives (serial gates: members
 * one at a time, nodes in batches of one); they are re-measured when the graph changes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/plan/cli";
import { defaultProjectDir, OfflineRun, RecordedResource } from "../../tools/plan/offline";
import { DurationTable, Operation } from "../../tools/plan/timeline/durations";
import { buildSteps, dependencyKeys, indexRun, resourceKey } from "../../tools/plan/timeline/graph";
import { runScenarios, ScenarioOutcome } from "../../tools/plan/timeline/scenarios";
import { safetyProblems, timeline } from "../../tools/plan/timeline/timeline";
import { radius } from "../helpers/blastRadius";

const projectDir = defaultProjectDir();
const overrides = { "ceresdb:nodeCount": "3", "ceresdb:shardTotal": "8" };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "timeline-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the real stack's graph", () => {
  let run: OfflineRun;
  let outcomes: ScenarioOutcome[];
  beforeAll(async () => {
    outcomes = await runScenarios({ stack: "staging", projectDir, overrides, parallel: undefined, onStackRun: (r) => (run = r) });
  });
  const result = (s: string) => {
    const o = outcomes.find((x) => x.scenario === s);
    if (!o?.result) throw new Error(`${s}: ${o?.error}`);
    return o.result;
  };

  it("records implicit, explicit, parent and provider dependencies", () => {
    const index = indexRun(run);
    const byName = (type: string, suffix: string) => run.resources.find((r) => r.type === type && r.name.endsWith(suffix)) as RecordedResource;
    const container = byName("docker:index/container:Container", "node-1-ceresdb-container");
    const deps = dependencyKeys(container, index);
    // Implicit: the image id is an input. Provider: the host's docker provider. Parent: its DockerService.
    expect(deps).toContain(resourceKey(byName("docker:index/remoteImage:RemoteImage", "node-1-ceresdb-image")));
    expect(deps).toContain(resourceKey(byName("pulumi:providers:docker", "node-1-host-docker")));
    expect(deps).toContain(`ceresdb:runtime:DockerService\t${container.parent}`);
    // Explicit dependsOn reaches the recorded dependencies too.
    const setup = byName("command:remote:Command", "node-1-host-setup");
    for (const d of setup.dependsOn ?? []) expect(setup.dependencies?.some((u) => u.endsWith(`::${d}`))).toBe(true);
    // Every custom resource's recorded dependencies name resources of the run.
    for (const r of run.resources) for (const u of r.dependencies ?? []) expect(index.byUrn.has(u)).toBe(true);
  });

  it("first creation: unbounded, the makespan is the critical path, which runs host -> cloud-init -> pull -> container", () => {
    const r = result("create");
    expect(r.operations.create).toBe(run.resources.length);
    expect(r.makespan).toBe(r.criticalPath.seconds);
    const labels = r.criticalPath.steps.map((s) => s.label);
    for (const l of ["ECS create (to Running)", "cloud-init (host ready marker)", "image pull", "container start"]) expect(labels).toContain(l);
    expect(r.memberBound).toBeLessThanOrEqual(r.criticalPath.seconds);
    expect(r.disrupted).toEqual([]);
  });

  it("version upgrade: one CeresMeta member at a time, and the 3 nodes in ceil(3 / 1) = 3 waves", () => {
    const r = result("upgrade");
    expect(r.disrupted.filter((w) => w.role === "meta")).toHaveLength(3);
    expect(r.maxMetaDown).toBe(1);
    expect(r.disrupted.filter((w) => w.role === "server")).toHaveLength(3);
    expect(r.serverWaves).toBe(3);
    expect(r.maxServersDown).toBe(1);
    expect(safetyProblems(r, undefined, new Set())).toEqual([]);
  });

  it("config change and one more node are simulated from the diff of two runs", () => {
    expect(result("config").operations.replace).toBeGreaterThan(0);
    const scale = result("scale-out");
    expect(scale.operations.create).toBeGreaterThan(0);
    expect(scale.criticalPath.steps.some((s) => s.name.includes("node-3") && s.op === "create")).toBe(true);
  });
});

/** A hand-made run: two meta members whose containers do not wait for each other. */
function fixtureRun(ordered: boolean): OfflineRun {
  const res = (type: string, name: string, parent?: [string, string], extra: Partial<RecordedResource> = {}): RecordedResource => ({
    type,
    name,
    urn: `urn:pulumi:s::p::${type}::${name}`,
    custom: !type.startsWith("ceresdb:"),
    inputs: {},
    state: {},
    ...(parent ? { parentType: parent[0], parent: parent[1] } : {}),
    dependencies: [],
    ...extra,
  });
  const m0 = res("ceresdb:meta:MetaMember", "m0");
  const m1 = res("ceresdb:meta:MetaMember", "m1");
  const c0 = res("docker:index/container:Container", "m0-container", ["ceresdb:meta:MetaMember", "m0"]);
  const g0 = res("command:remote:Command", "m0-gate", ["ceresdb:meta:MetaMember", "m0"], { dependencies: [c0.urn!] });
  const c1 = res("docker:index/container:Container", "m1-container", ["ceresdb:meta:MetaMember", "m1"], { dependencies: ordered ? [g0.urn!] : [] });
  const bucket = res("alicloud:oss/bucket:Bucket", "bucket", undefined, { options: { protect: true } });
  return { stack: "s", project: "p", resources: [m0, m1, c0, g0, c1, bucket], outputs: {}, secretKeys: [], secretValues: {}, config: {}, filledSecrets: [], invokes: [], warnings: [] };
}

describe("safety check (fixtures)", () => {
  const table = new DurationTable();
  const replaceBoth = new Map<string, Operation>([
    ["docker:index/container:Container\tm0-container", "replace"],
    ["docker:index/container:Container\tm1-container", "replace"],
  ]);

  it("fails when two CeresMeta members would be down at once, passes when the second waits for the first's gate", () => {
    const parallelRun = timeline("t", "fixture", fixtureRun(false), replaceBoth, table, undefined);
    expect(parallelRun.maxMetaDown).toBe(2);
    expect(safetyProblems(parallelRun, undefined, new Set()).map((p) => p.problem)[0]).toMatch(/^2 CeresMeta members would be down at once/);
    const rolled = timeline("t", "fixture", fixtureRun(true), replaceBoth, table, undefined);
    expect(rolled.maxMetaDown).toBe(1);
    expect(safetyProblems(rolled, undefined, new Set())).toEqual([]);
    // The gate is part of the member's window: m0 is down until its health wait is done, and m1
    // starts only then.
    const withGate = new Map([...replaceBoth, ["command:remote:Command\tm0-gate", "update" as Operation]]);
    const gated = timeline("t", "fixture", fixtureRun(true), withGate, table, undefined);
    const [w0, w1] = gated.disrupted;
    expect(w0).toMatchObject({ member: "m0", start: 0, end: 10 + 40 });
    expect(w1).toMatchObject({ member: "m1", start: 50 });
    expect(buildSteps(fixtureRun(true), withGate, table).find((s) => s.name === "m0-gate")!.seconds).toBe(40);
  });

  it("fails when a protected resource would be replaced or deleted", () => {
    const run = fixtureRun(true);
    const r = timeline("t", "fixture", run, new Map(), table, undefined);
    const prot = new Set(["alicloud:oss/bucket:Bucket\tbucket"]);
    const replaced = radius({ changes: [{ type: "alicloud:oss/bucket:Bucket", name: "bucket", change: "replace", inputs: [{ property: "bucket", change: "replace", reason: "x" }] }] });
    expect(safetyProblems(r, replaced, prot).map((p) => p.problem)).toEqual(["protected resource alicloud:oss/bucket:Bucket bucket would be replaced (bucket)"]);
    const deleted = radius({ resourcesRemoved: ["alicloud:oss/bucket:Bucket\tbucket\t-"] });
    expect(safetyProblems(r, deleted, prot).map((p) => p.problem)).toEqual(["protected resource alicloud:oss/bucket:Bucket bucket would be deleted"]);
    expect(safetyProblems(r, replaced, new Set())).toEqual([]);
  });
});

describe("npm run plan -- <stack> --check", () => {
  const capture = async (argv: string[]) => {
    let out = "";
    let err = "";
    const o = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
    const e = jest.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
    try {
      return { code: await main(argv), out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  };

  it("exits 3 on replacing the protected bucket, 0 on a safe change, and prints the change's timeline", async () => {
    const base = path.join(tmp, "base");
    expect((await capture(["staging", "--out", base])).code).toBe(0);
    const unsafe = await capture(["staging", "--out", path.join(tmp, "head"), "--baseline", base, "--set", "ceresdb:bucketName=ceresdb-cluster-staging-other", "--check"]);
    expect(unsafe.code).toBe(3);
    expect(unsafe.err).toContain("protected resource alicloud:oss/bucket:Bucket");
    expect(unsafe.out).toContain("-- change --");
    const safe = await capture(["staging", "--out", path.join(tmp, "head2"), "--baseline", base, "--set", "ceresdb:logLevel=debug", "--check", "--format", "markdown"]);
    expect(safe.err).toBe("");
    expect(safe.code).toBe(0);
    expect(safe.out).toMatch(/CeresMeta at once: 1/);
    expect(safe.out).toContain("### Timeline");
    // The files' diffs against the base: the log level line of a node's TOML.
    expect(safe.out).toMatch(/### Files changed \(\d+\)[\s\S]*```diff\n[\s\S]*^\+.*debug/m);
  });

  it("refuses --check without a baseline", async () => {
    const r = await capture(["staging", "--check"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--check needs --baseline");
  });
});
