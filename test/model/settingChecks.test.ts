/**
 * Settings no one can mistype (issue 9, defect 9): undeclared keys, impossible dates, a bastion
 * user holding @, lists where a string belongs, zones outside the region, a past expiry; in the
 * pure spec, in the program's reading of the config map, and in the offline plan.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { splitConfig } from "../../components/config/stackConfig";
import { buildSpec } from "../../components/model/buildSpec";
import { formatProblem } from "../../components/model/problems";
import { closestSetting, undeclaredKeys } from "../../components/model/settingNames";
import { SETTINGS, SETTING_NAMES, SettingDecl, SettingName } from "../../components/model/settings";
import { REPO_ROOT, runOffline } from "../../tools/plan/offline";
import { planStack } from "../../tools/plan/plan";
import { formatReport } from "../../tools/plan/report";
import { settingsInput } from "../helpers/settingsInput";

/** A valid bastion host key: bastionHost needs one (ceresdb:bastionHostKey). */
const BASTION_KEY = SETTINGS.bastionHostKey.example;

function problemsOf(input: Parameters<typeof buildSpec>[0]): string[] {
  const r = buildSpec(input);
  return r.ok ? [] : r.problems.map(formatProblem);
}

describe("undeclared settings", () => {
  it.each([
    ["nodeCont", "nodeCount"],
    ["NodeCount", "nodeCount"],
    ["sshprivatekey", "sshPrivateKey"],
    ["expiresat", "expiresAt"],
    ["zone", "zones"],
    ["bastionHostname", "bastionHost"],
  ])("%s is closest to %s", (typo, meant) => {
    expect(closestSetting(typo)).toBe(meant);
  });

  it("finds them in the whole config map, in our namespace only", () => {
    expect(undeclaredKeys(["ceresdb:nodeCount", "ceresdb:nodeCont", "alicloud:region", "aws:region", "ceresdb:Zones"])).toEqual([
      "ceresdb:Zones",
      "ceresdb:nodeCont",
    ]);
  });

  it("refuses each, naming it and the closest setting, together with the other problems", () => {
    const problems = problemsOf(settingsInput({ metaCount: "2" }, ["sshPrivateKey"], { undeclaredSettings: ["ceresdb:nodeCont", "ceresdb:Zones"] }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ceresdb:nodeCont: .*did you mean ceresdb:nodeCount\?/),
        expect.stringMatching(/^ceresdb:Zones: .*did you mean ceresdb:zones\?/),
        expect.stringMatching(/^ceresdb:metaCount: /),
      ]),
    );
  });

  it("the program's reading of the config map reports them, and secrets held in plain text", () => {
    const encrypted = new Set(["ceresdb:sshPrivateKey", "ceresdb:registryPassword"]);
    const split = splitConfig(
      {
        "ceresdb:nodeCount": "3",
        "ceresdb:nodecount": "5",
        "ceresdb:sshPrivateKey": "<key>",
        "ceresdb:registryPassword": "",
        "ceresdb:obkvPassword": "",
        "alicloud:region": "cn-hangzhou",
      },
      (k) => encrypted.has(k),
    );
    expect(split.undeclaredSettings).toEqual(["ceresdb:nodecount"]);
    expect(split.values).toEqual({ nodeCount: "3" });
    // An empty secret is how a stack leaves a secret unused; an empty plain value is still plain
    // text, which the CLI refuses for a `secret: true` setting.
    expect(split.secretNames).toEqual(["sshPrivateKey"]);
    expect(split.plaintextSecrets).toEqual(["obkvPassword"]);
  });

  it("the program (under the offline plan) refuses a typo with every other problem at once", async () => {
    await expect(runOffline({ stack: "dev", overrides: { "ceresdb:nodeCont": "5", "ceresdb:metaCount": "2" } })).rejects.toThrow(
      /ceresdb:nodeCont: .*did you mean ceresdb:nodeCount\?[\s\S]*ceresdb:metaCount|ceresdb:metaCount[\s\S]*ceresdb:nodeCont: .*did you mean ceresdb:nodeCount\?/,
    );
  });
});

describe("values", () => {
  it.each(["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2027-02-29T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z"])(
    "refuses the impossible date %s",
    (expiresAt) => {
      expect(problemsOf(settingsInput({ environment: "test", owner: "a", expiresAt }))).toEqual([expect.stringMatching(/^ceresdb:expiresAt: got .*a real UTC time/)]);
    },
  );

  it.each(["2028-02-29T00:00:00Z", "2026-12-01T23:59:59Z", "2026-12-01T10:30Z", "2026-12-01T10:30:00.5Z"])("accepts the real date %s", (expiresAt) => {
    expect(problemsOf(settingsInput({ environment: "test", owner: "a", expiresAt }))).toEqual([]);
  });

  it("refuses a bastionUser holding @, with or without a bastion", () => {
    expect(problemsOf(settingsInput({ bastionHost: "203.0.113.10", bastionHostKey: BASTION_KEY, bastionUser: "ops@203.0.113.10" }))).toEqual([expect.stringMatching(/^ceresdb:bastionUser: got "ops@203.0.113.10"; a Linux user name/)]);
    expect(problemsOf(settingsInput({ bastionUser: "ops@jump" }))).toEqual([expect.stringMatching(/^ceresdb:bastionUser: /)]);
    expect(problemsOf(settingsInput({ bastionHost: "203.0.113.10", bastionHostKey: BASTION_KEY, bastionUser: "jump" }))).toEqual([]);
  });

  it.each([
    ["owner", '["alice","bob"]', "list"],
    ["bastionHost", '["10.0.0.1"]', "list"],
    ["sshUser", '{"name":"root"}', "map"],
    ["bucketName", '["a-bucket"]', "list"],
  ] as const)("refuses %s given as %s (a %s)", (name, value, shape) => {
    expect(problemsOf(settingsInput({ [name]: value }))).toContainEqual(expect.stringMatching(new RegExp(`^ceresdb:${name}: got .*a single string, not a ${shape}`)));
  });

  it.each([
    ["version", '["v1.2.7"]', /^ceresdb:version: got .*a single string, not a list/],
    ["walType", '{"type":"Kafka"}', /^ceresdb:walType: got .*a single string, not a map/],
    ["metaCount", "[3]", /^ceresdb:metaCount: got "\[3\]"; a whole number/],
    ["assignPublicIp", "yes", /^ceresdb:assignPublicIp: got "yes"; true or false/],
    ["tags", '["a"]', /^ceresdb:tags: got .*a map/],
  ] as const)("refuses %s given %s, once", (name, value, says) => {
    expect(problemsOf(settingsInput({ [name]: value }))).toEqual([expect.stringMatching(says)]);
  });

  it.each([
    ["zones", '{"a":"cn-hangzhou-h"}'],
    ["zones", "[1,2,3]"],
  ] as const)("refuses %s given %s (and what needs zones follows)", (name, value) => {
    expect(problemsOf(settingsInput({ [name]: value }))).toContainEqual(expect.stringMatching(/^ceresdb:zones: got .*a list of non-empty strings/));
  });

  it("zones are their region's ID plus a letter", () => {
    const zones = (z: string[]) => JSON.stringify(z);
    expect(problemsOf(settingsInput({ zones: zones(["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]) }, ["sshPrivateKey"], { region: "ap-southeast-1" }))).toEqual([]);
    expect(problemsOf(settingsInput({ zones: zones(["cn-shanghai-finance-1a", "cn-shanghai-b", "cn-shanghai-c"]) }, ["sshPrivateKey"], { region: "cn-shanghai" }))).toEqual([
      expect.stringMatching(/^ceresdb:zones: got "cn-shanghai-finance-1a"; zones of the region cn-shanghai/),
    ]);
    expect(problemsOf(settingsInput({ zones: zones(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhouu-j"]) }))).toEqual([expect.stringMatching(/^ceresdb:zones: got "cn-hangzhouu-j"/)]);
  });

  it("rejoinMetaMembers takes the integers and integer strings the CLI's array<integer> takes", () => {
    for (const v of ["[1]", '["1"]']) {
      const r = buildSpec(settingsInput({ rejoinMetaMembers: v }));
      expect(r.ok && r.spec.meta.map((m) => m.initialClusterState)).toEqual(["new", "existing", "new"]);
    }
    expect(problemsOf(settingsInput({ rejoinMetaMembers: '["one"]' }))).toEqual([expect.stringMatching(/^ceresdb:rejoinMetaMembers: .*whole numbers/)]);
  });
});

describe("expiry", () => {
  const test = { environment: "test", owner: "a", expiresAt: "2026-06-01T00:00:00Z" };
  it("warns when a test stack is already past its expiry, and not before", () => {
    const after = buildSpec(settingsInput(test, ["sshPrivateKey"], { now: new Date("2026-06-01T00:00:01Z") }));
    expect(after.ok && after.warnings).toContainEqual(expect.stringMatching(/^ceresdb:expiresAt 2026-06-01T00:00:00Z is already past/));
    const before = buildSpec(settingsInput(test, ["sshPrivateKey"], { now: new Date("2026-05-31T23:59:59Z") }));
    expect(before.ok && before.warnings.filter((w) => w.includes("already past"))).toEqual([]);
  });

  it("the plan's report carries the program's warning line", async () => {
    const { plan } = await planStack({ stack: "dev", overrides: { "ceresdb:expiresAt": "2020-01-01T00:00:00Z" } });
    expect(formatReport(plan, "text")).toMatch(/^warning: ceresdb:expiresAt 2020-01-01T00:00:00Z is already past/m);
    expect(JSON.parse(formatReport(plan, "json")).warnings).toContainEqual(expect.stringMatching(/already past/));
  });
});

describe("the plan reads the stack file as the CLI does", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-plan-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function stackWith(name: string, config: Record<string, unknown>): string {
    const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), YAML.stringify({ config: { ...dev.config, ...config } }));
    return name;
  }
  const program = () => path.relative(dir, path.join(REPO_ROOT, "index.ts"));

  it("refuses a declared secret held in plain text (the CLI: must be encrypted as it's secret), without printing it", async () => {
    const stack = stackWith("plainsecret", { "ceresdb:sshPrivateKey": "plain-text-key-value", "ceresdb:registryPassword": "" });
    const run = runOffline({ stack, projectDir: dir, program: program() });
    await expect(run).rejects.toThrow(/ceresdb:sshPrivateKey: got "<plain text>"; an encrypted value[\s\S]*ceresdb:registryPassword: got "<plain text>"/);
    await expect(runOffline({ stack, projectDir: dir, program: program() })).rejects.not.toThrow(/plain-text-key-value/);
  });

  it("refuses a list where a string belongs, and a typo, in one go", async () => {
    const stack = stackWith("types", { "ceresdb:owner": ["alice", "bob"], "ceresdb:nodecount": 5 });
    await expect(runOffline({ stack, projectDir: dir, program: program() })).rejects.toThrow(
      /ceresdb:nodecount: .*did you mean ceresdb:nodeCount\?[\s\S]*ceresdb:owner: got "\[\\"alice\\",\\"bob\\"\]"; a single string, not a list/,
    );
  });
});

describe("the settings table", () => {
  const declared = (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> }).config;
  const decls = SETTING_NAMES.map((n) => [n, SETTINGS[n] as SettingDecl] as const);

  it("declares every secret `secret: true` without a default, so the CLI refuses it in plain text", () => {
    const secrets = decls.filter(([, d]) => d.secret);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const [name, d] of secrets) {
      expect({ name, secret: declared[`ceresdb:${name}`].secret, hasDefault: "default" in declared[`ceresdb:${name}`] }).toEqual({ name, secret: true, hasDefault: false });
      // Required by the CLI either way; the ones the program uses only sometimes say with what.
      expect({ name, required: d.required }).toEqual({ name, required: true });
    }
  });

  it("gives every setting an example, and all examples together make a stack the program accepts", () => {
    expect(decls.filter(([, d]) => d.example === undefined).map(([n]) => n)).toEqual([]);
    // As the CLI hands them over: scalars as text, lists and maps as JSON (test:stack-config sets
    // them through the real CLI).
    const values: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [name, d] of decls) {
      const ex = d.example;
      if (d.secret) secrets.push(name);
      else values[name] = typeof ex === "object" ? JSON.stringify(ex) : String(ex);
    }
    const r = buildSpec({ project: "ceresdb", stack: "examples", region: "cn-hangzhou", values, secretsSet: new Set(secrets as SettingName[]) });
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([]);
  });
});
