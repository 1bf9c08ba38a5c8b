/**
 * Provider rules reachable through settings are refused by name before any resource exists
 * (components/contracts/specRules.ts, called from buildSpec). Rules: tags from
 * aliyun/terraform-provider-alicloud alicloud/tags.go and website/docs/r/oss_bucket.html.markdown
 * (10 per bucket), TagResources (20 per resource, 128 characters), PutBucketTags (keys 64 bytes,
 * values 128 bytes); names from the resource files cited in components/contracts/providers.ts.
 */
import fc from "fast-check";
import { derivedNames, nameInputsOf, ramUserComments } from "../../components/contracts/names";
import { checkRule, checkTags, ECS_TAG_LIMITS, OSS_TAG_LIMITS, propertyContract } from "../../components/contracts/providers";
import { buildSpec } from "../../components/model/buildSpec";
import { formatProblem } from "../../components/model/problems";
import { SettingName } from "../../components/model/settings";
import { settingsInput } from "../helpers/settingsInput";

type Values = Partial<Record<SettingName, string | undefined>>;
const TEST_STACK: Values = { environment: "test", owner: "alice", expiresAt: "2030-01-01T00:00:00Z" };

function problems(values: Values): string[] {
  const r = buildSpec(settingsInput(values));
  return r.ok ? [] : r.problems.map(formatProblem);
}
function userTags(n: number, key = (i: number) => `k${i}`, value = (i: number) => `v${i}`): string {
  return JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), value(i)])));
}

describe("tags (defect 4)", () => {
  // prod: managed-by, stack, environment are the stack's own; hosts add role and host.
  it("counts the program's own tags: 16 user tags do not fit a host", () => {
    expect(problems({ tags: userTags(16), createBucket: "false" })).toEqual([
      expect.stringMatching(/^ceresdb:tags: got "16 tags"; at most 15 tags: 20 per resource on hosts, disks and security groups, 5 of them the stack's own \(managed-by, stack, environment, role, host\)/),
    ]);
    expect(problems({ tags: userTags(15), createBucket: "false" })).toEqual([]);
  });
  it("counts the bucket's limit of 10 when the stack creates the bucket", () => {
    expect(problems({ tags: userTags(8) })).toEqual([expect.stringMatching(/^ceresdb:tags: got "8 tags"; at most 7 tags: 10 per resource on the OSS bucket, 3 of them the stack's own .*createBucket: false/)]);
    expect(problems({ tags: userTags(7) })).toEqual([]);
    // A test stack has two more managed tags (owner, expires-at).
    expect(problems({ ...TEST_STACK, tags: userTags(6) })).toEqual([expect.stringContaining("at most 5 tags: 10 per resource on the OSS bucket")]);
    expect(problems({ ...TEST_STACK, tags: userTags(5) })).toEqual([]);
  });
  it("refuses values the API refuses, and keys and values with URLs", () => {
    const p = problems({ tags: JSON.stringify({ team: "aliyun-team", docs: "see https://wiki.example/x", "http://k": "v", ok: "fine" }) });
    expect(p).toHaveLength(3); // one problem per tag
    expect(p.every((l) => l.startsWith("ceresdb:tags: "))).toBe(true);
    expect(p.join("\n")).toMatch(/team=aliyun-team.*may not start with aliyun/);
    expect(p.join("\n")).toMatch(/docs=see https:\/\/wiki.example\/x.*may not contain https:\/\//);
  });
  it("refuses role and host, which the stack sets on hosts", () => {
    expect(problems({ tags: JSON.stringify({ role: "db" }) })).toEqual([expect.stringMatching(/^ceresdb:tags: got "role"; tag keys other than role and host/)]);
  });
  it("holds bucket tags to the OSS lengths (bytes), and not a stack without a bucket", () => {
    const longKey = JSON.stringify({ ["k".repeat(65)]: "v" });
    expect(problems({ tags: longKey })).toEqual([expect.stringContaining("1 to 64 bytes")]);
    expect(problems({ tags: longKey, createBucket: "false" })).toEqual([]);
    expect(problems({ tags: JSON.stringify({ team: "值".repeat(43) }) })).toEqual([expect.stringContaining("value longer than 128 bytes")]);
  });
  it("names the managed setting whose value the API would refuse", () => {
    expect(problems({ ...TEST_STACK, owner: "acs:ops" })).toEqual(expect.arrayContaining([expect.stringMatching(/^ceresdb:owner: got "acs:ops"; a tag the API accepts: .*may not start with acs:/)]));
  });
  it("reports every problem at once", () => {
    expect(problems({ tags: JSON.stringify({ role: "x", a: "aliyun", b: "acs:b", ...JSON.parse(userTags(12)) }), resourcePrefix: "ab--cd" }).length).toBeGreaterThanOrEqual(5);
  });
});

describe("names (defect 5)", () => {
  it("refuses a prefix that gives a host name with -- (Linux hostName), naming the setting", () => {
    const p = problems({ resourcePrefix: "ab--cd" });
    expect(p).toEqual([expect.stringMatching(/^ceresdb:resourcePrefix: got "ab--cd"; a value that gives alicloud:ecs\/instance:Instance hostName "ab--cd-meta-0" .*two of \. and - in a row/)]);
  });
  it("says so when the prefix was derived from the stack name", () => {
    const r = buildSpec(settingsInput({}, ["sshPrivateKey"], { stack: "a__b" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^ceresdb:resourcePrefix: got "ceresdb-a--b";.*set ceresdb:resourcePrefix/)]);
  });
  it("keeps the RAM user's comment within 128 characters for the longest bucket and prefix", () => {
    const c = ramUserComments("ceresdb", "prod", "b".repeat(63), "p".repeat(128));
    expect([...c].length).toBeLessThanOrEqual(128);
    expect(ramUserComments("ceresdb", "prod", "acme", "prod")).toBe("CeresDB nodes of ceresdb/prod: OSS acme/prod only");
    expect([...ramUserComments("p".repeat(100), "s".repeat(100), "b", "x")].length).toBe(128);
  });

  const prefixArb = fc.stringMatching(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/);
  const bucketArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  const keyPrefixArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/);
  it("every prefix, bucket and key prefix the spec accepts gives only valid names", () => {
    let accepted = 0;
    fc.assert(
      fc.property(prefixArb, bucketArb, keyPrefixArb, fc.boolean(), fc.integer({ min: 1, max: 40 }), (resourcePrefix, bucketName, bucketPrefix, supplied, nodeCount) => {
        const r = buildSpec(
          settingsInput(
            { resourcePrefix, bucketName, bucketPrefix, nodeCount: String(nodeCount), shardTotal: "64", ...(supplied ? { ossAccessKeyId: "LTAI5tExample" } : {}) },
            supplied ? ["sshPrivateKey", "ossAccessKeySecret"] : ["sshPrivateKey"],
          ),
        );
        if (!r.ok) return;
        accepted++;
        for (const n of derivedNames(nameInputsOf(r.spec))) {
          for (const rule of propertyContract(n.type, n.property)?.rules ?? []) {
            const bad = checkRule(rule, n.value);
            if (bad !== undefined) throw new Error(`${n.type} ${n.property} ${JSON.stringify(n.value)}: ${bad}`);
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generators must reach accepted values, or the property says nothing.
    expect(accepted).toBeGreaterThan(50);
  });
  it("every tag set the spec accepts fits every resource", () => {
    const tagKey = fc.stringMatching(/^[A-Za-z0-9:._/ -]{1,70}$/);
    const tagValue = fc.string({ maxLength: 140 });
    let accepted = 0;
    fc.assert(
      fc.property(fc.dictionary(tagKey, tagValue, { maxKeys: 16 }), fc.boolean(), (tags, createBucket) => {
        const r = buildSpec(settingsInput({ tags: JSON.stringify(tags), createBucket: String(createBucket) }));
        if (!r.ok) return;
        accepted++;
        expect(checkTags({ ...r.spec.tags, role: "server", host: "node-0" }, ECS_TAG_LIMITS)).toEqual([]);
        if (r.spec.storage.createBucket) expect(checkTags(r.spec.tags, OSS_TAG_LIMITS)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
