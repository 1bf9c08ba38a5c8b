/**
 * The vocabulary (components/model/vocabulary.ts) is the one source of the words the program, the
 * policy pack and teardown share. Each test changes a word in the vocabulary (a mocked copy) and
 * checks that every side follows: a side that listed its own copy of the word would not, and the
 * test would fail.
 */
import * as fs from "fs";
import * as path from "path";
import type * as Vocabulary from "../../components/model/vocabulary";
import type * as BuildSpec from "../../components/model/buildSpec";
import type * as Rules from "../../policy/rules";
import type * as Decide from "../../tools/teardown/decide";
import type * as OssPolicy from "../../components/storage/ossPolicy";
import type * as Settings from "../../components/model/settings";
import { settingsInput } from "../helpers/settingsInput";

const VOCABULARY = "../../components/model/vocabulary";

interface Sides {
  buildSpec: typeof BuildSpec;
  rules: typeof Rules;
  decide: typeof Decide;
  ossPolicy: typeof OssPolicy;
  settings: typeof Settings;
}

/** Loads the program, policy and teardown modules afresh, against a vocabulary changed by `change`. */
function withVocabulary(change: (actual: typeof Vocabulary) => Partial<typeof Vocabulary>): Sides {
  let sides: Sides | undefined;
  jest.isolateModules(() => {
    jest.doMock(VOCABULARY, () => {
      const actual = jest.requireActual<typeof Vocabulary>(VOCABULARY);
      return { ...actual, ...change(actual) };
    });
    // A fresh require inside isolateModules is what loads the sides against the mocked vocabulary.
    /* eslint-disable @typescript-eslint/no-require-imports */
    sides = {
      buildSpec: require("../../components/model/buildSpec"),
      rules: require("../../policy/rules"),
      decide: require("../../tools/teardown/decide"),
      ossPolicy: require("../../components/storage/ossPolicy"),
      settings: require("../../components/model/settings"),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  jest.dontMock(VOCABULARY);
  return sides!;
}

const disk = (environment: string) => ({
  type: "alicloud:ecs/ecsDisk:EcsDisk",
  name: "d",
  props: { tags: { "managed-by": "ceresdb-cluster", stack: "s", environment, owner: "o", "expires-at": "2030-01-01T00:00:00Z" } },
  opts: { protect: false },
});
const testStack = { config: { "ceresdb:environment": "test", "ceresdb:expiresAt": "2020-01-01T00:00:00Z" }, tags: {} };

describe("vocabulary: one definition, every side follows it", () => {
  test("durable environments: program protection, policy protection rules and teardown refusal", () => {
    // Baseline: test is not durable anywhere.
    const real = withVocabulary(() => ({}));
    expect(real.buildSpec.protectionFor("test").protectData).toBe(false);
    expect(real.rules.protectData.check(disk("test"))).toEqual([]);
    expect(real.decide.decideTeardown({ stack: "test-pr-1", settings: testStack, now: new Date(), mode: "expired" }).action).toBe("destroy");

    const all = withVocabulary((v) => ({
      DURABLE_ENVIRONMENTS: v.ENVIRONMENT_CLASSES,
      isDurableEnvironment: () => true,
    }));
    expect(all.buildSpec.protectionFor("test")).toEqual({ protectData: true, deletionProtection: true, ossVersioning: true, forceDestroyBucket: false });
    expect(all.rules.protectData.check(disk("test"))).toHaveLength(1);
    expect(all.decide.PROTECTED_ENVIRONMENTS).toContain("test");
    expect(all.decide.decideTeardown({ stack: "test-pr-1", settings: testStack, now: new Date(), mode: "expired" })).toMatchObject({
      action: "skip",
      reason: "prod-staging-refused",
    });
  });

  test("environment classes: validation, the policy's class of a resource and teardown's known classes", () => {
    const v = withVocabulary(() => ({
      ENVIRONMENT_CLASSES: ["prod", "staging", "test", "qa"] as unknown as typeof Vocabulary.ENVIRONMENT_CLASSES,
      isEnvironmentClass: (e: string | undefined): e is Vocabulary.EnvironmentClass => ["prod", "staging", "test", "qa"].includes(e ?? ""),
    }));
    const built = v.buildSpec.buildSpec(settingsInput({ environment: "qa" }));
    expect(built.ok ? [] : built.problems.filter((p) => p.setting === "ceresdb:environment")).toEqual([]);
    expect(v.rules.environmentOf({ tags: { environment: "qa" } })).toBe("qa");
    expect(v.rules.ENVIRONMENTS).toContain("qa");
    expect(v.decide.ENVIRONMENTS).toContain("qa");
  });

  test("managed tag keys: the program's refusal of user tags and the policy's required tags", () => {
    const v = withVocabulary((a) => ({
      TAG: { ...a.TAG, managedBy: "managed-by-x" } as unknown as typeof Vocabulary.TAG,
      ALWAYS_TAGS: ["managed-by-x", "stack", "environment"] as unknown as typeof Vocabulary.ALWAYS_TAGS,
      MANAGED_TAG_KEYS: ["managed-by-x", "stack", "environment", "owner", "expires-at"] as unknown as typeof Vocabulary.MANAGED_TAG_KEYS,
    }));
    const built = v.buildSpec.buildSpec(settingsInput({ tags: JSON.stringify({ "managed-by-x": "me" }) }));
    expect(built.ok).toBe(false);
    expect(!built.ok && built.problems.some((p) => p.setting === "ceresdb:tags" && p.given === "managed-by-x")).toBe(true);
    const ok = v.buildSpec.buildSpec(settingsInput({}));
    expect(ok.ok && ok.spec.tags["managed-by-x"]).toBe("ceresdb-cluster");
    expect(v.rules.REQUIRED_TAGS).toContain("managed-by-x");
  });

  test("OSS actions: the program grants the vocabulary's list, the policy allows it plus the documented extra", () => {
    const v = withVocabulary(() => ({ OSS_OBJECT_ACTIONS: ["oss:GetObject", "oss:PutObject"] as unknown as typeof Vocabulary.OSS_OBJECT_ACTIONS }));
    const granted = v.ossPolicy.ossPolicyDocument("b", "p").Statement[0].Action;
    expect(granted).toEqual(["oss:GetObject", "oss:PutObject"]);
    expect([...v.rules.OSS_OBJECT_ACTIONS].sort()).toEqual(["oss:GetObject", "oss:GetObjectMeta", "oss:PutObject"]);
  });

  test("default ports: the settings default and the policy pack's defaults", () => {
    const v = withVocabulary((a) => ({ DEFAULT_PORTS: { ...a.DEFAULT_PORTS, metaHttp: 9090, http: 5441 } as unknown as typeof Vocabulary.DEFAULT_PORTS }));
    expect(v.settings.SETTINGS.ports.default).toMatchObject({ metaHttp: 9090, http: 5441 });
    expect(v.rules.DEFAULT_META_HTTP_PORT).toBe(9090);
    expect(v.rules.DEFAULT_SERVER_HTTP_PORT).toBe(5441);
  });

  test("bucket names: the program's validation and the policy's ARN pattern", () => {
    const v = withVocabulary(() => ({ BUCKET_NAME_PATTERN: "[a-z]{3,63}" as typeof Vocabulary.BUCKET_NAME_PATTERN, isBucketName: (n: string) => /^[a-z]{3,63}$/.test(n) }));
    const built = v.buildSpec.buildSpec(settingsInput({ bucketName: "bucket-with-digit-1" }));
    expect(!built.ok && built.problems.some((p) => p.setting === "ceresdb:bucketName")).toBe(true);
    const doc = (bucket: string) => ({ policyDocument: JSON.stringify(v.ossPolicy.ossPolicyDocument(bucket, "p")) });
    expect(v.rules.ramPolicyProblems(doc("bucket1"))).not.toEqual([]);
    expect(v.rules.ramPolicyProblems(doc("bucket"))).toEqual([]);
  });
});

describe("vocabulary: no side spells a shared word itself", () => {
  // Literals that belong only in the vocabulary. Tests and docs may spell them (they state the expected values).
  const WORDS = [/"oss:(Get|Put|Delete)Object"/, /"managed-by"/, /\["prod", "staging"/, /\benv !== "test"/, /"oss:ListObjects"/];
  const ROOTS = ["components", "policy", "tools", "index.ts"];
  const root = path.join(__dirname, "..", "..");
  const files = (p: string): string[] =>
    fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((f) => files(path.join(p, f))) : p.endsWith(".ts") ? [p] : [];

  test.each(WORDS.map((w) => [w.source, w]))("%s appears only in components/model/vocabulary.ts", (_, word) => {
    const hits = ROOTS.flatMap((r) => files(path.join(root, r)))
      .filter((f) => !f.endsWith(path.join("model", "vocabulary.ts")))
      .filter((f) => word.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(root, f));
    expect(hits).toEqual([]);
  });
});
