/**
 * The timeline's scheduling maths on small hand graphs and random DAGs (fast-check): the makespan
 * is never below the critical path of any chain, equals the sum on a chain and the max on
 * independent steps; `--parallel` bounds concurrency as `pulumi up --parallel` does.
 */
import fc from "fast-check";
import { criticalPath, CycleError, maxOverlap, simulate, Step, waves } from "../../tools/plan/timeline/simulate";
import { DurationTable, parseDurationFlag, parseDurationRules } from "../../tools/plan/timeline/durations";

const chain = (secs: number[]): Step[] => secs.map((s, i) => ({ id: `s${i}`, seconds: s, deps: i > 0 ? [`s${i - 1}`] : [] }));

describe("hand graphs", () => {
  it("a chain takes the sum, and its critical path is the whole chain", () => {
    const steps = chain([3, 5, 7]);
    expect(simulate(steps).makespan).toBe(15);
    expect(criticalPath(steps)).toEqual({ seconds: 15, path: ["s0", "s1", "s2"] });
  });

  it("independent steps take the longest of them unbounded, and pack into slots with --parallel", () => {
    const steps: Step[] = [4, 9, 2, 6].map((s, i) => ({ id: `x${i}`, seconds: s, deps: [] }));
    expect(simulate(steps).makespan).toBe(9);
    expect(criticalPath(steps).path).toEqual(["x1"]);
    // One slot: the sum. Two slots, registration order: x0(0-4) x1(0-9) x2(4-6) x3(6-12).
    expect(simulate(steps, 1).makespan).toBe(21);
    const two = simulate(steps, 2);
    expect(two.makespan).toBe(12);
    expect(two.steps.get("x3")).toEqual({ id: "x3", start: 6, end: 12 });
  });

  it("a diamond waits for its slower branch; the path goes through it", () => {
    const steps: Step[] = [
      { id: "a", seconds: 1, deps: [] },
      { id: "b", seconds: 10, deps: ["a"] },
      { id: "c", seconds: 2, deps: ["a"] },
      { id: "d", seconds: 1, deps: ["b", "c"] },
    ];
    expect(simulate(steps).makespan).toBe(12);
    expect(criticalPath(steps).path).toEqual(["a", "b", "d"]);
    // Ignoring the edge b->d, d only waits for c.
    expect(criticalPath(steps, (f, t) => f === "b" && t === "d").seconds).toBe(11);
  });

  it("deletions run after every other step", () => {
    const steps: Step[] = [
      { id: "create", seconds: 10, deps: [] },
      { id: "old", seconds: 3, deps: [], phase: "delete" },
    ];
    const s = simulate(steps);
    expect(s.steps.get("old")).toEqual({ id: "old", start: 10, end: 13 });
    expect(s.makespan).toBe(13);
    expect(criticalPath(steps).seconds).toBe(13);
  });

  it("zero-second steps pass through at once, even with one slot", () => {
    const steps: Step[] = [
      { id: "component", seconds: 0, deps: [] },
      { id: "child", seconds: 5, deps: ["component"] },
      { id: "other", seconds: 5, deps: [] },
    ];
    expect(simulate(steps, 1).makespan).toBe(10);
  });

  it("a cycle is reported, not looped on", () => {
    const steps: Step[] = [
      { id: "a", seconds: 1, deps: ["b"] },
      { id: "b", seconds: 1, deps: ["a"] },
    ];
    expect(() => simulate(steps)).toThrow(CycleError);
    expect(() => criticalPath(steps)).toThrow(/cycle among 2 steps/);
  });

  it("waves and overlaps: touching windows are separate waves", () => {
    const w = [
      { id: "a", start: 0, end: 10 },
      { id: "b", start: 10, end: 20 },
      { id: "c", start: 15, end: 25 },
    ];
    expect(waves(w)).toEqual([["a"], ["b", "c"]]);
    expect(maxOverlap(w)).toBe(2);
    expect(maxOverlap([{ start: 0, end: 5 }, { start: 5, end: 9 }])).toBe(1);
  });

  it("rejects a parallelism below 1", () => {
    expect(() => simulate(chain([1]), 0)).toThrow(/parallel/);
  });
});

/** A random DAG: each step may depend on earlier ones only. */
const dag = fc.array(fc.record({ seconds: fc.integer({ min: 0, max: 100 }), deps: fc.array(fc.nat(), { maxLength: 4 }) }), { minLength: 1, maxLength: 40 }).map((xs) =>
  xs.map((x, i): Step => ({ id: `n${i}`, seconds: x.seconds, deps: i === 0 ? [] : [...new Set(x.deps.map((d) => `n${d % i}`))] })),
);

describe("properties", () => {
  it("unbounded, the makespan is the critical path; bounded, it is at least that and at most the sum", () => {
    fc.assert(
      fc.property(dag, fc.integer({ min: 1, max: 6 }), (steps, p) => {
        const cp = criticalPath(steps).seconds;
        expect(simulate(steps).makespan).toBe(cp);
        const m = simulate(steps, p).makespan;
        expect(m).toBeGreaterThanOrEqual(cp);
        expect(m).toBeLessThanOrEqual(steps.reduce((a, s) => a + s.seconds, 0));
      }),
    );
  });

  it("the makespan is at least the length of any chain of the graph, and the path is a chain", () => {
    fc.assert(
      fc.property(dag, fc.integer({ min: 1, max: 6 }), fc.nat(), (steps, p, pick) => {
        const byId = new Map(steps.map((s) => [s.id, s]));
        // Walk back from a random step along random dependencies: a chain.
        let x: Step | undefined = steps[pick % steps.length];
        let chainSeconds = 0;
        while (x) {
          chainSeconds += x.seconds;
          x = x.deps.length > 0 ? byId.get(x.deps[pick % x.deps.length]) : undefined;
        }
        expect(simulate(steps, p).makespan).toBeGreaterThanOrEqual(chainSeconds);
        const cp = criticalPath(steps);
        expect(cp.path.reduce((a, id) => a + byId.get(id)!.seconds, 0)).toBe(cp.seconds);
        for (let i = 1; i < cp.path.length; i++) expect(byId.get(cp.path[i])!.deps).toContain(cp.path[i - 1]);
      }),
    );
  });

  it("a chain takes the sum and independent steps the max, at any parallelism for the chain", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (secs, p) => {
        expect(simulate(chain(secs), p).makespan).toBe(secs.reduce((a, b) => a + b, 0));
        const flat = secs.map((s, i): Step => ({ id: `f${i}`, seconds: s, deps: [] }));
        expect(simulate(flat).makespan).toBe(Math.max(...secs));
      }),
    );
  });

  it("every step starts after its dependencies end, and never more than p run at once", () => {
    fc.assert(
      fc.property(dag, fc.integer({ min: 1, max: 4 }), (steps, p) => {
        const s = simulate(steps, p);
        for (const st of steps) for (const d of st.deps) expect(s.steps.get(st.id)!.start).toBeGreaterThanOrEqual(s.steps.get(d)!.end);
        expect(maxOverlap([...s.steps.values()])).toBeLessThanOrEqual(p);
      }),
    );
  });
});

describe("durations", () => {
  const table = new DurationTable();
  it("commands are told apart by name; replace is delete + create with deleteBeforeReplace", () => {
    expect(table.seconds("command:remote:Command", "x-node-1-host-ready", true, "create")).toBe(180);
    expect(table.seconds("command:remote:Command", "x-other", true, "create")).toBe(5);
    expect(table.seconds("docker:index/container:Container", "c", true, "replace", true)).toBe(20);
    expect(table.seconds("docker:index/container:Container", "c", true, "replace", false)).toBe(10);
    expect(table.seconds("ceresdb:server:ServerNode", "n", false, "create")).toBe(0);
  });

  it("overrides win over the defaults, from a file or a flag; a bad file names every problem", () => {
    const t = table.with([parseDurationFlag("alicloud:ecs/instance:Instance.create=300", table)]);
    expect(t.seconds("alicloud:ecs/instance:Instance", "h", true, "create")).toBe(300);
    expect(t.seconds("alicloud:ecs/instance:Instance", "h", true, "restart")).toBe(90);
    const g = table.with([parseDurationFlag("command:remote:Command#-gate.update=7", table)]);
    expect(g.seconds("command:remote:Command", "n-gate", true, "update")).toBe(7);
    expect(() => parseDurationFlag("nonsense", table)).toThrow(/--duration wants/);
    const bad = parseDurationRules([{ type: "", create: -1, update: "x", delete: 1 }], "f.json");
    expect(bad.problems).toEqual([
      'f.json[0].type: want a resource type token, got ""',
      "f.json[0].create: want seconds >= 0, got -1",
      'f.json[0].update: want seconds >= 0, got "x"',
    ]);
  });
});
