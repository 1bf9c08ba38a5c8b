import { decideTeardown, parseExpiry, isProtectedStackName, StackConfigAndTags, TeardownMode } from "../../tools/teardown/decide";

const NOW = new Date("2026-06-01T12:00:00Z");

function settings(config: Record<string, string> = {}, tags: Record<string, string> = {}): StackConfigAndTags {
  return { config, tags };
}
function decide(stack: string, s: StackConfigAndTags, mode: TeardownMode = "expired", now = NOW) {
  return decideTeardown({ stack, settings: s, now, mode });
}
const testCfg = (expiresAt?: string, extra: Record<string, string> = {}) =>
  settings({ "ceresdb:environment": "test", ...(expiresAt ? { "ceresdb:expiresAt": expiresAt } : {}), ...extra });

describe("decideTeardown --expired", () => {
  it("destroys an expired test stack and carries owner/expiry", () => {
    const d = decide("test-pr-12", testCfg("2026-06-01T11:59:59Z", { "ceresdb:owner": "alice" }));
    expect(d).toMatchObject({ action: "destroy", environment: "test", owner: "alice", expiresAt: "2026-06-01T11:59:59Z" });
  });
  it("destroys at exactly the expiry instant", () => {
    expect(decide("test-pr-1", testCfg("2026-06-01T12:00:00Z")).action).toBe("destroy");
  });
  it("skips a test stack that has not expired yet", () => {
    expect(decide("test-pr-1", testCfg("2026-06-01T12:00:01Z"))).toMatchObject({ action: "skip", reason: "not-yet-expired" });
  });
  it("skips a test stack without expiry", () => {
    expect(decide("test-pr-1", testCfg())).toMatchObject({ action: "skip", reason: "no-expiry" });
  });
  it.each(["tomorrow", "2026-06-01", "2026-06-01T10:00:00", "2026-06-01T10:00:00+08:00", "2026-02-30T00:00:00Z", "2026-06-01T24:00:00Z", ""])(
    "skips a malformed expiry %p",
    (exp) => {
      const d = decide("test-pr-1", settings({ "ceresdb:environment": "test", "ceresdb:expiresAt": exp }));
      // An empty value counts as unset.
      expect(d).toMatchObject({ action: "skip", reason: exp === "" ? "no-expiry" : "malformed-expiry" });
    },
  );
  it("refuses prod and staging by environment, even when expired", () => {
    for (const env of ["prod", "staging"]) {
      const d = decide("my-cluster", settings({ "ceresdb:environment": env, "ceresdb:expiresAt": "2020-01-01T00:00:00Z" }));
      expect(d).toMatchObject({ action: "skip", reason: "prod-staging-refused", environment: env });
    }
  });
  it("treats an unset environment as prod (the safe default)", () => {
    const d = decide("test-pr-3", settings({ "ceresdb:expiresAt": "2020-01-01T00:00:00Z" }));
    expect(d).toMatchObject({ action: "skip", reason: "prod-staging-refused", environment: "prod" });
    expect(d.detail).toMatch(/unset/);
  });
  it.each(["prod", "staging", "org/ceresdb-cluster/prod", "prod-eu", "cn-staging", "production", "stage"])(
    "refuses the stack name %p even if its config says test",
    (name) => {
      expect(decide(name, testCfg("2020-01-01T00:00:00Z"))).toMatchObject({ action: "skip", reason: "prod-staging-refused" });
    },
  );
  it("skips unknown environments and dev-like values", () => {
    expect(decide("dev", settings({ "ceresdb:environment": "dev" }))).toMatchObject({ reason: "unknown-environment" });
    expect(decide("x", settings({ "ceresdb:environment": "TEST" }))).toMatchObject({ reason: "unknown-environment" });
  });
  it("reads settings from stack tags when the config file is absent", () => {
    const d = decide("test-pr-9", settings({}, { "ceresdb:environment": "test", "ceresdb:expiresAt": "2026-05-01T00:00:00Z", "ceresdb:owner": "bob" }));
    expect(d).toMatchObject({ action: "destroy", owner: "bob" });
  });
  it("skips when config and tags disagree", () => {
    const env = decide("test-pr-9", settings({ "ceresdb:environment": "test" }, { "ceresdb:environment": "prod" }));
    expect(env).toMatchObject({ action: "skip", reason: "conflicting-settings" });
    const exp = decide(
      "test-pr-9",
      settings({ "ceresdb:environment": "test", "ceresdb:expiresAt": "2026-05-01T00:00:00Z" }, { "ceresdb:expiresAt": "2026-07-01T00:00:00Z" }),
    );
    expect(exp).toMatchObject({ action: "skip", reason: "conflicting-settings" });
  });
  it("agreeing config and tags are fine", () => {
    const s = settings({ "ceresdb:environment": "test", "ceresdb:expiresAt": "2026-05-01T00:00:00Z" }, { "ceresdb:environment": "test" });
    expect(decide("test-pr-9", s).action).toBe("destroy");
  });
  it("is pure: same input, same answer, input untouched", () => {
    const s = testCfg("2026-05-01T00:00:00Z");
    const copy = JSON.parse(JSON.stringify(s));
    expect(decide("t", s)).toEqual(decide("t", s));
    expect(s).toEqual(copy);
  });
});

describe("decideTeardown --stack", () => {
  it("destroys a named test stack even before expiry or without one", () => {
    expect(decide("test-pr-1", testCfg("2099-01-01T00:00:00Z"), "named").action).toBe("destroy");
    expect(decide("test-pr-1", testCfg(), "named").action).toBe("destroy");
    expect(decide("test-pr-1", testCfg("garbage"), "named").action).toBe("destroy");
  });
  it("still refuses prod, staging and unset environments by name", () => {
    expect(decide("prod", testCfg(), "named")).toMatchObject({ action: "skip", reason: "prod-staging-refused" });
    expect(decide("x", settings({ "ceresdb:environment": "staging" }), "named")).toMatchObject({ reason: "prod-staging-refused" });
    expect(decide("x", settings(), "named")).toMatchObject({ reason: "prod-staging-refused" });
  });
});

describe("parseExpiry", () => {
  it("accepts ISO-8601 UTC with optional seconds and fraction", () => {
    expect(parseExpiry("2026-12-01T00:00:00Z")?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(parseExpiry("2026-12-01T00:00Z")?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(parseExpiry("2026-12-01T00:00:00.123456Z")?.toISOString()).toBe("2026-12-01T00:00:00.123Z");
    expect(parseExpiry("2024-02-29T00:00:00Z")).toBeDefined();
  });
  it("rejects non-UTC, date-only and impossible dates", () => {
    for (const v of ["2026-12-01", "2026-12-01T00:00:00+00:00", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "1700000000"]) {
      expect(parseExpiry(v)).toBeUndefined();
    }
  });
});

describe("isProtectedStackName", () => {
  it("does not flag test/dev names that merely contain the letters", () => {
    for (const n of ["test-pr-1", "dev", "product-demo", "test-prodigy", "org/proj/test-pr-7"]) {
      expect(isProtectedStackName(n)).toBe(false);
    }
  });
});

describe("decideTeardown with unreadable config", () => {
  it("decides on tags alone and says so when it skips", () => {
    const tagsOnly = { config: {}, tags: { "ceresdb:environment": "test", "ceresdb:expiresAt": "2026-05-01T00:00:00Z" }, configError: "error: missing values" };
    expect(decideTeardown({ stack: "test-pr-2", settings: tagsOnly, now: NOW, mode: "expired" }).action).toBe("destroy");
    const none = { config: {}, tags: {}, configError: "error: missing values" };
    const d = decideTeardown({ stack: "test-pr-2", settings: none, now: NOW, mode: "expired" });
    expect(d).toMatchObject({ action: "skip", reason: "prod-staging-refused" });
    expect(d.detail).toMatch(/config unreadable, tags only: error: missing values/);
  });
});
