import * as fs from "fs";
import * as path from "path";
import { readProjectIdentity } from "../../tools/teardown/pulumiWorkspace";

describe("readProjectIdentity", () => {
  it("reads name and runtime (string or object form)", () => {
    expect(readProjectIdentity("name: p\nruntime: go\n")).toEqual({ name: "p", runtime: "go" });
    expect(readProjectIdentity("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n")).toEqual({ name: "p", runtime: "nodejs" });
    expect(readProjectIdentity("name: p\nruntime: yaml\n")).toEqual({ name: "p", runtime: "nodejs" });
  });
  it("reads this project's Pulumi.yaml", () => {
    const file = path.resolve(__dirname, "..", "..", "Pulumi.yaml");
    expect(readProjectIdentity(fs.readFileSync(file, "utf8"))).toEqual({ name: "ceresdb", runtime: "nodejs" });
  });
  it("refuses a Pulumi.yaml without a name", () => {
    expect(() => readProjectIdentity("runtime: nodejs\n")).toThrow(/no project name/);
    expect(() => readProjectIdentity("")).toThrow(/no project name/);
  });
});
