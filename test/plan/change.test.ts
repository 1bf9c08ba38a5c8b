/** The PR comment's change section: unified diffs of the generated files and resources by kind of change. */
import fc from "fast-check";
import { fileDiffs, formatChange, resourcesByChange, unifiedDiff } from "../../tools/plan/change";
import { radius } from "../helpers/blastRadius";

/** Applies a unified diff made by unifiedDiff to `before` (hunks in order). */
function apply(before: string, diff: string): string {
  const a = before.split("\n");
  if (a[a.length - 1] === "") a.pop();
  const out: string[] = [];
  let i = 0;
  for (const line of diff.split("\n")) {
    const h = /^@@ -(\d+),\d+ \+\d+,\d+ @@$/.exec(line);
    if (h) {
      const start = Number(h[1]) - 1;
      while (i < start) out.push(a[i++]);
    } else if (line.startsWith(" ")) {
      expect(a[i]).toBe(line.slice(1));
      out.push(a[i++]);
    } else if (line.startsWith("-")) {
      expect(a[i]).toBe(line.slice(1));
      i++;
    } else if (line.startsWith("+")) out.push(line.slice(1));
  }
  while (i < a.length) out.push(a[i++]);
  return out.join("\n");
}


describe("unifiedDiff", () => {
  it("shows the changed line with context", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n") + "\n";
    const after = before.replace("e\n", "E\n");
    expect(unifiedDiff(before, after)).toBe(["@@ -2,7 +2,7 @@", " b", " c", " d", "-e", "+E", " f", " g", " h"].join("\n"));
    expect(unifiedDiff(before, before)).toBe("");
  });

  it("applied to the old text gives the new one (random line edits)", () => {
    const text = fc.array(fc.constantFrom("x", "y", "z", "[a]", "k = 1", ""), { maxLength: 30 }).map((l) => l.join("\n"));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(apply(a, unifiedDiff(a, b))).toBe((() => {
          const x = b.split("\n");
          if (x[x.length - 1] === "") x.pop();
          return x.join("\n");
        })());
      }),
    );
  });
});

describe("formatChange", () => {
  const r = radius({
    files: { added: ["nodes/node3.toml"], removed: [], changed: ["meta/meta0.toml"] },
    resourcesAdded: ["docker:index/container:Container\tn3\tp"],
    resourcesRemoved: ["alicloud:ecs/instance:Instance\told\t-"],
    changes: [
      { type: "alicloud:ecs/instance:Instance", name: "h", change: "restart", inputs: [{ property: "instanceType", change: "restart", reason: "r" }] },
      { type: "docker:index/container:Container", name: "m0", change: "replace", inputs: [{ property: "uploads", change: "replace", reason: "r" }] },
    ],
  });

  it("lists resources by kind of change, from the blast radius", () => {
    expect(resourcesByChange(r)).toEqual({
      added: ["docker:index/container:Container n3"],
      removed: ["alicloud:ecs/instance:Instance old"],
      replace: ["docker:index/container:Container m0"],
      restart: ["alicloud:ecs/instance:Instance h"],
      update: [],
    });
  });

  it("diffs every changed file, through the redactor", () => {
    const head = new Map([
      ["nodes/node3.toml", "a = 1\n"],
      ["meta/meta0.toml", "level = 'debug'\npassword = 'hunter22'\n"],
    ]);
    const base = new Map([["meta/meta0.toml", "level = 'info'\npassword = 'hunter22'\n"]]);
    const diffs = fileDiffs(r, head, base, (s) => s.split("hunter22").join("<secret>"));
    expect(diffs.map((d) => [d.path, d.status])).toEqual([
      ["meta/meta0.toml", "changed"],
      ["nodes/node3.toml", "added"],
    ]);
    const md = formatChange(r, diffs, "markdown");
    expect(md).toContain("-level = 'info'\n+level = 'debug'");
    expect(md).not.toContain("hunter22");
    expect(md).toContain("<summary>restarted in place (stopped and started): 1</summary>");
    expect(JSON.parse(formatChange(r, diffs, "json")).files).toHaveLength(2);
  });
});
