import { StackConfigAndTags } from "../../tools/teardown/decide";
import { formatTable, runTeardown, TeardownWorkspace, withTimeout } from "../../tools/teardown/runner";

const NOW = new Date("2026-06-01T12:00:00Z");
const PAST = "2026-06-01T00:00:00Z";
const FUTURE = "2026-06-02T00:00:00Z";

interface FakeStack {
  settings: StackConfigAndTags;
  protectedResources?: boolean;
  configFails?: boolean;
  hangDestroy?: boolean;
}

/** In-memory TeardownWorkspace that records every call. */
class FakeWorkspace implements TeardownWorkspace {
  calls: string[] = [];
  constructor(public stacks: Map<string, FakeStack>) {}
  async listStacks() {
    this.calls.push("list");
    return [...this.stacks.keys()];
  }
  async getConfig(stack: string) {
    this.calls.push(`config ${stack}`);
    const s = this.stacks.get(stack);
    if (!s) throw new Error(`no stack ${stack}`);
    if (s.configFails) throw new Error("error: decrypting secret value: incorrect passphrase");
    return s.settings;
  }
  async destroy(stack: string) {
    this.calls.push(`destroy ${stack}`);
    const s = this.stacks.get(stack);
    if (s?.hangDestroy) return new Promise<void>(() => undefined);
    if (s?.protectedResources) {
      throw new Error(
        "code: 255\n stdout: Destroying (x)\n stderr: error: urn:pulumi:x::p::ceresdb:storage:Bucket::b: refusing to delete protected resource",
      );
    }
  }
  async remove(stack: string) {
    this.calls.push(`remove ${stack}`);
    this.stacks.delete(stack);
  }
}

const test = (expiresAt?: string, owner = "alice"): FakeStack => ({
  settings: {
    config: { "ceresdb:environment": "test", "ceresdb:owner": owner, ...(expiresAt ? { "ceresdb:expiresAt": expiresAt } : {}) },
    tags: {},
  },
});

function fleet(): Map<string, FakeStack> {
  return new Map<string, FakeStack>([
    ["prod", { settings: { config: { "ceresdb:environment": "prod" }, tags: {} } }],
    ["staging", { settings: { config: { "ceresdb:environment": "staging" }, tags: {} } }],
    ["dev", { settings: { config: {}, tags: {} } }],
    ["test-pr-1", test(PAST)],
    ["test-pr-2", test(FUTURE)],
    ["test-pr-3", test()],
    ["test-pr-4", test("soon")],
  ]);
}

describe("runTeardown --expired", () => {
  it("without --yes only reports", async () => {
    const ws = new FakeWorkspace(fleet());
    const report = await runTeardown(ws, { mode: "expired", yes: false, now: NOW });
    expect(ws.calls.filter((c) => c.startsWith("destroy") || c.startsWith("remove"))).toEqual([]);
    const byStack = Object.fromEntries(report.results.map((r) => [r.stack, r.outcome]));
    expect(byStack).toEqual({
      dev: "skipped",
      prod: "skipped",
      staging: "skipped",
      "test-pr-1": "would-destroy",
      "test-pr-2": "skipped",
      "test-pr-3": "skipped",
      "test-pr-4": "skipped",
    });
    expect(report.ok).toBe(true);
  });

  it("with --yes destroys then removes only the expired test stack", async () => {
    const ws = new FakeWorkspace(fleet());
    const report = await runTeardown(ws, { mode: "expired", yes: true, now: NOW });
    expect(ws.calls.filter((c) => c.startsWith("destroy") || c.startsWith("remove"))).toEqual(["destroy test-pr-1", "remove test-pr-1"]);
    expect(ws.stacks.has("test-pr-1")).toBe(false);
    expect(report.results.find((r) => r.stack === "test-pr-1")?.outcome).toBe("destroyed");
    const reasons = Object.fromEntries(report.results.filter((r) => r.decision?.action === "skip").map((r) => [r.stack, r.decision?.action === "skip" ? r.decision.reason : ""]));
    expect(reasons).toEqual({
      dev: "prod-staging-refused",
      prod: "prod-staging-refused",
      staging: "prod-staging-refused",
      "test-pr-2": "not-yet-expired",
      "test-pr-3": "no-expiry",
      "test-pr-4": "malformed-expiry",
    });
    expect(report.ok).toBe(true);
  });

  it("reports a destroy that fails on protected resources, keeps the stack and fails the run", async () => {
    const stacks = fleet();
    stacks.set("test-pr-5", { ...test(PAST), protectedResources: true });
    const ws = new FakeWorkspace(stacks);
    const report = await runTeardown(ws, { mode: "expired", yes: true, now: NOW });
    const r = report.results.find((x) => x.stack === "test-pr-5");
    expect(r?.outcome).toBe("destroy-failed");
    expect(r?.message).toMatch(/^error: urn:pulumi:x::p::ceresdb:storage:Bucket::b: refusing to delete protected resource$/);
    expect(ws.calls).not.toContain("remove test-pr-5");
    expect(ws.stacks.has("test-pr-5")).toBe(true);
    // The other expired stack is still handled.
    expect(report.results.find((x) => x.stack === "test-pr-1")?.outcome).toBe("destroyed");
    expect(report.ok).toBe(false);
  });

  it("keeps the continuation line of an engine error", async () => {
    const ws = new FakeWorkspace(new Map([["test-pr-9", test(PAST)]]));
    ws.destroy = async () => {
      throw new Error(
        'stderr: Command failed with exit code 1: pulumi destroy --yes\n  error: resource "urn:x" cannot be deleted\n  because it is protected. To unprotect the resource, ...\n  error: update failed',
      );
    };
    const report = await runTeardown(ws, { mode: "expired", yes: true, now: NOW });
    expect(report.results[0].message).toBe(
      'error: resource "urn:x" cannot be deleted because it is protected. To unprotect the resource, ... | error: update failed',
    );
  });

  it("reports a stack whose settings cannot be read and goes on", async () => {
    const stacks = fleet();
    stacks.set("test-pr-6", { ...test(PAST), configFails: true });
    const report = await runTeardown(new FakeWorkspace(stacks), { mode: "expired", yes: true, now: NOW });
    expect(report.results.find((x) => x.stack === "test-pr-6")).toMatchObject({ outcome: "config-error" });
    expect(report.results.find((x) => x.stack === "test-pr-1")?.outcome).toBe("destroyed");
    expect(report.ok).toBe(false);
  });

  it("bounds a hanging destroy", async () => {
    const stacks = new Map([["test-pr-7", { ...test(PAST), hangDestroy: true }]]);
    const report = await runTeardown(new FakeWorkspace(stacks), { mode: "expired", yes: true, now: NOW, timeoutMs: 50 });
    expect(report.results[0]).toMatchObject({ outcome: "destroy-failed" });
    expect(report.results[0].message).toMatch(/did not finish/);
  });
});

describe("runTeardown --stack", () => {
  it("destroys a named test stack before its expiry", async () => {
    const ws = new FakeWorkspace(fleet());
    const report = await runTeardown(ws, { mode: "named", stack: "test-pr-2", yes: true, now: NOW });
    expect(ws.calls).toEqual(["list", "config test-pr-2", "destroy test-pr-2", "remove test-pr-2"]);
    expect(report.ok).toBe(true);
  });
  it("refuses prod and staging even by name, and fails the run", async () => {
    for (const name of ["prod", "staging"]) {
      const ws = new FakeWorkspace(fleet());
      const report = await runTeardown(ws, { mode: "named", stack: name, yes: true, now: NOW });
      expect(report.results).toHaveLength(1);
      expect(report.results[0]).toMatchObject({ outcome: "skipped" });
      expect(ws.calls.some((c) => c.startsWith("destroy"))).toBe(false);
      expect(report.ok).toBe(false);
    }
  });
  it("matches a fully qualified listed name by its bare name", async () => {
    const ws = new FakeWorkspace(new Map([["org/ceresdb-cluster/test-pr-8", test(FUTURE)]]));
    const report = await runTeardown(ws, { mode: "named", stack: "test-pr-8", yes: false, now: NOW });
    expect(report.results[0]).toMatchObject({ stack: "org/ceresdb-cluster/test-pr-8", outcome: "would-destroy" });
  });
  it("reports a missing stack", async () => {
    const report = await runTeardown(new FakeWorkspace(fleet()), { mode: "named", stack: "nope", yes: true, now: NOW });
    expect(report.results[0].outcome).toBe("not-found");
    expect(report.ok).toBe(false);
  });
  it("needs a stack name", async () => {
    await expect(runTeardown(new FakeWorkspace(fleet()), { mode: "named", yes: true, now: NOW })).rejects.toThrow(/needs a stack/);
  });
});

describe("formatTable", () => {
  it("prints one aligned row per stack", async () => {
    const report = await runTeardown(new FakeWorkspace(fleet()), { mode: "expired", yes: false, now: NOW });
    const table = formatTable(report);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^STACK\s+OUTCOME\s+ENV\s+OWNER\s+EXPIRES-AT\s+DETAIL$/);
    expect(lines).toHaveLength(8);
    const row = lines.find((l) => l.startsWith("test-pr-1"));
    expect(row).toMatch(/would-destroy\s+test\s+alice\s+2026-06-01T00:00:00Z/);
    // Columns line up: OUTCOME starts at the same offset on every line.
    const col = lines[0].indexOf("OUTCOME");
    for (const l of lines.slice(1)) expect(l.slice(col).split(/\s+/)[0]).toMatch(/^[a-z-]+$/);
  });
  it("says so when there is nothing", () => {
    expect(formatTable({ results: [], ok: true })).toBe("no stacks found");
  });
});

describe("withTimeout", () => {
  it("passes values through and clears its timer", async () => {
    await expect(withTimeout("x", 1000, async () => 42)).resolves.toBe(42);
  });
});
