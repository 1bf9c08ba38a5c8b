/**
 * The settings table says everything once: validation reads each setting's limits, choices and
 * parity from its declaration, the version list is the version-traits table, and the secret
 * inputs are the table's `secret: true` settings.
 */
import type * as BuildSpec from "../../components/model/buildSpec";
import type * as Settings from "../../components/model/settings";
import { secretInputs, SECRET_SETTING_NAMES, SETTING_NAMES, SETTINGS, SettingDecl } from "../../components/model/settings";
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, VERSION_TRAITS } from "../../components/model/versions";
import { settingsInput } from "../helpers/settingsInput";

const SETTINGS_MODULE = "../../components/model/settings";

/** buildSpec loaded against a settings table changed by `change`. */
function buildSpecWith(change: (s: typeof Settings.SETTINGS) => Record<string, unknown>): typeof BuildSpec.buildSpec {
  let build: typeof BuildSpec.buildSpec | undefined;
  jest.isolateModules(() => {
    jest.doMock(SETTINGS_MODULE, () => {
      const actual = jest.requireActual<typeof Settings>(SETTINGS_MODULE);
      return { ...actual, SETTINGS: { ...actual.SETTINGS, ...change(actual.SETTINGS) } };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    build = require("../../components/model/buildSpec").buildSpec;
  });
  jest.dontMock(SETTINGS_MODULE);
  return build!;
}

const problemsOf = (r: ReturnType<typeof BuildSpec.buildSpec>) => (r.ok ? [] : r.problems);

describe("validation reads limits, choices and parity from the table", () => {
  test("a changed max is the one enforced and quoted", () => {
    const build = buildSpecWith((s) => ({ nodeCount: { ...s.nodeCount, max: 2 } }));
    expect(problemsOf(build(settingsInput({ nodeCount: "3" })))).toContainEqual({ setting: "ceresdb:nodeCount", given: "3", allowed: "a whole number from 1 to 2" });
  });

  test("changed choices are the ones accepted and quoted", () => {
    const build = buildSpecWith((s) => ({ logLevel: { ...s.logLevel, choices: ["info", "trace"] } }));
    expect(problemsOf(build(settingsInput({ logLevel: "trace" }))).filter((p) => p.setting === "ceresdb:logLevel")).toEqual([]);
    expect(problemsOf(build(settingsInput({ logLevel: "debug" })))).toContainEqual({ setting: "ceresdb:logLevel", given: "debug", allowed: "one of info, trace" });
  });

  test("parity comes from the declaration: without `odd`, an even member count is not refused as even", () => {
    const build = buildSpecWith((s) => ({ metaCount: { ...s.metaCount, odd: undefined } }));
    expect(problemsOf(build(settingsInput({ metaCount: "4" }))).filter((p) => /odd/.test(p.allowed))).toEqual([]);
  });

  test("every integer setting declares its range, every choice setting its choices, and its description lists them", () => {
    for (const name of SETTING_NAMES) {
      const d: SettingDecl = SETTINGS[name];
      if (d.type === "integer") expect([name, typeof d.min, typeof d.max]).toEqual([name, "number", "number"]);
      if (d.choices && name !== "topology" && name !== "walType") for (const c of d.choices) expect([name, d.description]).toEqual([name, expect.stringContaining(c)]);
    }
  });
});

describe("the version list is the version-traits table", () => {
  test("choices, default and description of ceresdb:version come from it", () => {
    expect(SETTINGS.version.choices).toBe(SUPPORTED_VERSIONS);
    expect(SUPPORTED_VERSIONS).toEqual(Object.keys(VERSION_TRAITS));
    expect(SETTINGS.version.default).toBe(DEFAULT_VERSION);
    expect(DEFAULT_VERSION).toBe(SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]);
    expect(SETTINGS.version.description).toContain(`Supported: ${SUPPORTED_VERSIONS.join(", ")}.`);
  });

  test("a refused version falls back to DEFAULT_VERSION, so later checks still run against real traits", () => {
    const r = buildSpecWith(() => ({}))(settingsInput({ version: "v9.9.9", walType: "Kafka", kafkaBrokers: JSON.stringify(["a:1", "b:2", "c:3"]) }));
    expect(problemsOf(r).map((p) => p.setting)).toEqual(["ceresdb:version"]);
  });
});

describe("secret inputs are the table's secret settings", () => {
  test("SECRET_SETTING_NAMES lists exactly the secret: true settings", () => {
    expect(SECRET_SETTING_NAMES).toEqual(SETTING_NAMES.filter((n) => (SETTINGS[n] as SettingDecl).secret));
    expect(SECRET_SETTING_NAMES.length).toBeGreaterThan(0);
  });

  test("secretInputs keeps only secrets and refuses a missing always-needed one", () => {
    const all = Object.fromEntries(SETTING_NAMES.map((n) => [n, `v-${n}`]));
    expect(Object.keys(secretInputs(all)).sort()).toEqual([...SECRET_SETTING_NAMES].sort());
    expect(secretInputs({ sshPrivateKey: "k" })).toEqual({ sshPrivateKey: "k" });
    expect(() => secretInputs({ registryPassword: "p" })).toThrow(/ceresdb:sshPrivateKey/);
  });
});
