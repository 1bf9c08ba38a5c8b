/**
 * Renders every checked-in stack offline and snapshots the generated files, so a change to what a
 * stack would build shows up as a snapshot diff. Also: no secret leaks, baseline blast radius,
 * invalid settings write nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultProjectDir, listStacks, loadStackFileConfig } from "../../tools/plan/offline";
import { main } from "../../tools/plan/cli";
import { planStack } from "../../tools/plan/plan";
import { jsonReport, formatReport } from "../../tools/plan/report";
import { readTree } from "../../tools/plan/tree";

const projectDir = defaultProjectDir();
const stacks = listStacks(projectDir);
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function pickStack(): string {
  return stacks.includes("dev") ? "dev" : stacks[0];
}

describe("plan snapshots (repo project)", () => {
  it("has stacks to render", () => {
    expect(stacks.length).toBeGreaterThan(0);
  });

  for (const stack of stacks) {
    it(`renders ${stack}`, async () => {
      const out = path.join(tmpRoot, "snap");
      const { plan, writtenTo } = await planStack({ stack, projectDir, outDir: out });
      expect(writtenTo).toBe(path.join(out, stack));
      const tree = readTree(path.join(out, stack));
      expect([...tree.keys()].sort()).toEqual(plan.files.map((f) => f.path));
      expect([...tree.keys()].sort()).toMatchSnapshot(`${stack} file list`);
      for (const [p, content] of [...tree.entries()].sort()) {
        expect(content).toMatchSnapshot(`${stack}/${p}`);
      }
      expect(plan.outputs).toMatchSnapshot(`${stack} outputs`);
    });
  }
});

describe("secrets", () => {
  it("never writes or prints a known secret value", async () => {
    const stack = pickStack();
    const settings = loadStackFileConfig({ projectDir, stack });
    const secretValues: Record<string, string> = {};
    // Every secret the stack uses (those it leaves empty stay empty: a value would switch them on).
    Object.keys(settings.secretValues).forEach((k, i) => {
      secretValues[k] = /private/i.test(k)
        ? `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA${i}LeakCheck\n-----END OPENSSH PRIVATE KEY-----`
        : `Leak-Check-${i}-${k.replace(/\W/g, "")}-Zq9`;
    });
    const known = Object.values(secretValues).flatMap((v) => [v, ...v.split("\n").filter((l) => l.length > 12)]);
    const outA = path.join(tmpRoot, "secret-real");
    const withValues = await planStack({ stack, projectDir, outDir: outA, secretValues });
    const outB = path.join(tmpRoot, "secret-placeholder");
    await planStack({ stack, projectDir, outDir: outB });

    const texts: [string, string][] = [...readTree(path.join(outA, stack)).entries()];
    texts.push(["<json report>", jsonReport(withValues.plan)]);
    texts.push(["<markdown report>", formatReport(withValues.plan, "markdown")]);
    texts.push(["<text report>", formatReport(withValues.plan, "text")]);
    for (const [where, text] of texts) {
      for (const s of known) {
        if (text.includes(s)) throw new Error(`secret value of length ${s.length} leaked into ${where}`);
      }
      expect(text).not.toMatch(/PRIVATE KEY-----/);
    }
    // With real values or placeholders, the render is the same.
    expect(readTree(path.join(outA, stack))).toEqual(readTree(path.join(outB, stack)));
  });
});

describe("baseline", () => {
  /** A dynamic cluster with its creation node count pinned: the way a cluster grows. */
  const growable = (n: number): Record<string, string> => ({
    "ceresdb:walType": "Kafka",
    "ceresdb:kafkaBrokers": JSON.stringify(["kafka-0:9092"]),
    "ceresdb:topology": "dynamic",
    "ceresdb:bootstrapNodeCount": String(n),
  });

  it("one more node adds exactly that node's files", async () => {
    const stack = pickStack();
    const settings = loadStackFileConfig({ projectDir, stack });
    const n = Number(settings.config["ceresdb:nodeCount"] ?? "1");
    const base = path.join(tmpRoot, "baseline");
    await planStack({ stack, projectDir, overrides: growable(n), outDir: base });
    const { radius, plan } = await planStack({
      stack,
      projectDir,
      overrides: { ...growable(n), "ceresdb:nodeCount": String(n + 1) },
      outDir: path.join(tmpRoot, "grown"),
      baselineDir: base,
    });
    expect(radius).toBeDefined();
    const r = radius!;
    if (r.files.changed.length + r.files.removed.length > 0) {
      throw new Error(
        `adding node ${n} to ${stack} would also change ${[...r.files.changed, ...r.files.removed].join(", ")}: ` +
          `replacing containers ${r.containers.replaced.join(", ") || "none"} and hosts ${r.hosts.replaced.join(", ") || "none"}`,
      );
    }
    expect(r.files.removed).toEqual([]);
    expect(r.files.changed).toEqual([]);
    expect(r.containers.replaced).toEqual([]);
    expect(r.hosts.replaced).toEqual([]);
    expect(r.containers.created).toHaveLength(1);
    expect(r.hosts.created).toHaveLength(1);
    const newFiles = plan.files.filter((f) => f.node === r.containers.created[0] || f.node === r.hosts.created[0]).map((f) => f.path);
    expect(r.files.added).toEqual(newFiles.sort());
    expect(r.resourcesRemoved).toEqual([]);
    expect(r.resourcesAdded.length).toBeGreaterThan(0);
  });

  it("shows that growing a static cluster would touch every CeresMeta config", async () => {
    // Static topology fixes the node set at creation: the plan must not hide that the meta
    // configs change (the bootstrap lock refuses such a deployment at preview).
    const stack = pickStack();
    const settings = loadStackFileConfig({ projectDir, stack });
    const n = Number(settings.config["ceresdb:nodeCount"] ?? "1");
    const metaCount = Number(settings.config["ceresdb:metaCount"] ?? "3");
    const base = path.join(tmpRoot, "static-baseline");
    await planStack({ stack, projectDir, overrides: { "ceresdb:topology": "static" }, outDir: base });
    const { radius } = await planStack({
      stack,
      projectDir,
      overrides: { "ceresdb:topology": "static", "ceresdb:nodeCount": String(n + 1), "ceresdb:shardTotal": String(Math.max(8, n + 1)) },
      outDir: path.join(tmpRoot, "static-grown"),
      baselineDir: base,
    });
    expect(radius!.files.changed.filter((f) => f.startsWith("meta/"))).toHaveLength(metaCount);
    expect(radius!.containers.replaced).toHaveLength(metaCount);
  });
});

describe("invalid settings", () => {
  it("exits non-zero, lists every problem and writes nothing", async () => {
    const stack = pickStack();
    const out = path.join(tmpRoot, "invalid");
    const errors: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await main([stack, "--project", projectDir, "--out", out, "--set", "ceresdb:metaCount=2", "--set", "ceresdb:nodeCount=-1"]);
    } finally {
      spy.mockRestore();
    }
    expect(code).not.toBe(0);
    const message = errors.join("");
    expect(message).toMatch(/ceresdb:metaCount/);
    expect(message).toMatch(/ceresdb:nodeCount/);
    expect(fs.existsSync(path.join(out, stack))).toBe(false);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });
});
