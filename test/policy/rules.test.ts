/** Each rule of policy/rules.ts on hand-made resources: a passing and a failing input at least. */
import {
  containerUploadsSecret,
  diskEncryption,
  ecsDeletionProtection,
  environmentOf,
  evaluateStack,
  isWorldCidr,
  metaDeleteBeforeReplace,
  metaLoadBalancerInternal,
  metaPortsRestricted,
  noPublicSsh,
  ossEncryption,
  ossPrivateAcl,
  ossVersioning,
  portsOf,
  protectData,
  ramOssLeastPrivilege,
  ramPolicyProblems,
  serverHttpRestricted,
  requiredTagsRule,
  resourceRules,
  RuleResource,
  STACK_RULES,
  StackRuleResource,
  T,
  UNKNOWN,
} from "../../policy/rules";
import { TAGGABLE_ALICLOUD_TYPES } from "../../policy/taggableTypes";

const tags = (environment: string, extra: Record<string, string> = {}) => ({
  "managed-by": "ceresdb-cluster",
  stack: "prod",
  environment,
  ...(environment === "test" ? { owner: "me", "expires-at": "2027-01-01T00:00:00Z" } : {}),
  ...extra,
});

function res(type: string, props: Record<string, unknown>, opts: RuleResource["opts"] = {}, name = "r"): RuleResource {
  return { type, name, urn: `urn:pulumi:prod::ceresdb::${type}::${name}`, props, opts };
}

function stackRes(type: string, name: string, props: Record<string, unknown>, extra: Partial<StackRuleResource> = {}): StackRuleResource {
  return { type, name, urn: `urn:pulumi:prod::ceresdb::${type}::${name}`, id: `${name}-id`, props, opts: {}, ...extra };
}

describe("helpers", () => {
  test("environment class from the tag; prod when missing or invalid", () => {
    expect(environmentOf({ tags: { environment: "test" } })).toBe("test");
    expect(environmentOf({ tags: { environment: "staging" } })).toBe("staging");
    expect(environmentOf({})).toBe("prod");
    expect(environmentOf({ tags: { environment: "production" } })).toBe("prod");
    expect(environmentOf({ tags: UNKNOWN })).toBe("prod");
  });
  test("world CIDRs and port spans", () => {
    expect(isWorldCidr("0.0.0.0/0")).toBe(true);
    expect(isWorldCidr("::/0")).toBe(true);
    expect(isWorldCidr("10.0.0.0/8")).toBe(false);
    expect(portsOf({ ipProtocol: "tcp", portRange: "22/22" })).toEqual({ from: 22, to: 22 });
    expect(portsOf({ ipProtocol: "all", portRange: "-1/-1" })).toEqual({ from: 1, to: 65535 });
    expect(portsOf({ ipProtocol: "tcp", portRange: "-1/-1" })).toEqual({ from: 1, to: 65535 });
    expect(portsOf({ ipProtocol: "icmp", portRange: "-1/-1" })).toBeUndefined();
    expect(portsOf({ ipProtocol: "tcp", portRange: UNKNOWN })).toBe(UNKNOWN);
  });
});

describe("no-public-ssh", () => {
  const rule = (props: Record<string, unknown>) => noPublicSsh.check(res(T.securityGroupRule, { type: "ingress", policy: "accept", ...props }));
  test("SSH from an admin CIDR passes", () => {
    expect(rule({ ipProtocol: "tcp", portRange: "22/22", cidrIp: "10.0.100.0/24" })).toEqual([]);
  });
  test("SSH from 0.0.0.0/0 fails, also through a wide range, all protocols or IPv6", () => {
    expect(rule({ ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0" })).toHaveLength(1);
    expect(rule({ ipProtocol: "tcp", portRange: "1/1024", cidrIp: "0.0.0.0/0" })).toHaveLength(1);
    expect(rule({ ipProtocol: "all", portRange: "-1/-1", cidrIp: "0.0.0.0/0" })).toHaveLength(1);
    expect(rule({ ipProtocol: "tcp", portRange: "22/22", ipv6CidrIp: "::/0" })).toHaveLength(1);
  });
  test("other ports, egress, drop and ICMP from 0.0.0.0/0 are not SSH", () => {
    expect(rule({ ipProtocol: "tcp", portRange: "8831/8831", cidrIp: "0.0.0.0/0" })).toEqual([]);
    expect(rule({ type: "egress", ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0" })).toEqual([]);
    expect(rule({ policy: "drop", ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0" })).toEqual([]);
    expect(rule({ ipProtocol: "icmp", portRange: "-1/-1", cidrIp: "0.0.0.0/0" })).toEqual([]);
  });
  test("in any environment class (a rule has no class of its own)", () => {
    expect(noPublicSsh.appliesTo(T.securityGroupRule)).toBe(true);
    expect(noPublicSsh.appliesTo(T.securityGroup)).toBe(false);
  });
});

describe("meta-ports-restricted", () => {
  const metaSg = (env: string) => stackRes(T.securityGroup, "meta", { tags: tags(env, { role: "meta" }) });
  const serverSg = (env: string) => stackRes(T.securityGroup, "server", { tags: tags(env, { role: "server" }) });
  const rule = (name: string, props: Record<string, unknown>, extra: Partial<StackRuleResource> = {}) =>
    stackRes(T.securityGroupRule, name, { type: "ingress", policy: "accept", ipProtocol: "tcp", securityGroupId: "meta-id", ...props }, extra);
  const good = (env: string) => [
    metaSg(env),
    serverSg(env),
    rule("peer", { portRange: "2380/2380", sourceSecurityGroupId: "meta-id" }),
    rule("client", { portRange: "2379/2379", sourceSecurityGroupId: "server-id" }),
    rule("http-admin", { portRange: "8080/8080", cidrIp: "10.0.100.0/24" }),
    rule("ssh", { portRange: "22/22", cidrIp: "10.0.100.0/24" }),
    rule("grpc-world", { portRange: "8831/8831", cidrIp: "0.0.0.0/0", securityGroupId: "server-id" }),
  ];

  test("the program's shape passes in every class (client ports may face 0.0.0.0/0 on the server group)", () => {
    for (const env of ["prod", "staging", "test"]) expect(metaPortsRestricted.check(good(env))).toEqual([]);
  });
  test("etcd client port from 0.0.0.0/0 on the meta group fails in prod", () => {
    const v = metaPortsRestricted.check([...good("prod"), rule("client-world", { portRange: "2379/2379", cidrIp: "0.0.0.0/0" })]);
    expect(v).toHaveLength(1);
    expect(v[0].urn).toContain("client-world");
    expect(v[0].message).toMatch(/0\.0\.0\.0\/0 in prod/);
  });
  test("the meta HTTP port from 0.0.0.0/0 fails in prod, not in test", () => {
    const bad = rule("http-world", { portRange: "8080/8080", cidrIp: "0.0.0.0/0" });
    expect(metaPortsRestricted.check([...good("prod"), bad])).toHaveLength(1);
    expect(metaPortsRestricted.check([...good("test"), bad])).toEqual([]);
  });
  test("etcd ports from any CIDR fail in every class; only security groups may reach them", () => {
    for (const env of ["prod", "staging", "test"]) {
      const v = metaPortsRestricted.check([...good(env), rule("peer-cidr", { portRange: "2380/2380", cidrIp: "10.0.100.0/24" })]);
      expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/only admit security groups/)]);
    }
  });
  test("a range covering the HTTP port is not the HTTP port", () => {
    expect(metaPortsRestricted.check([...good("staging"), rule("wide", { portRange: "8000/9000", cidrIp: "10.0.100.0/24" })])).toHaveLength(1);
  });
  test("configured meta HTTP port and admin CIDRs", () => {
    const r = [metaSg("prod"), rule("http", { portRange: "9090/9090", cidrIp: "10.0.100.0/24" })];
    expect(metaPortsRestricted.check(r)).toHaveLength(1);
    expect(metaPortsRestricted.check(r, { metaHttpPort: 9090 })).toEqual([]);
    expect(metaPortsRestricted.check(r, { metaHttpPort: 9090, adminCidrs: ["10.0.100.0/24"] })).toEqual([]);
    expect(metaPortsRestricted.check(r, { metaHttpPort: 9090, adminCidrs: ["192.0.2.0/24"] })).toHaveLength(1);
  });
  test("the group is joined by property dependency when its ID is unknown (preview)", () => {
    const previewRule = rule("client-world", { portRange: "2379/2379", cidrIp: "0.0.0.0/0", securityGroupId: UNKNOWN }, {
      propertyDependencies: { securityGroupId: [metaSg("prod").urn] },
    });
    const groups = [metaSg("prod"), serverSg("prod")].map((g) => ({ ...g, id: undefined }));
    expect(metaPortsRestricted.check([...groups, previewRule])).toHaveLength(1);
  });
  test("a group attached to an instance tagged role=meta is a meta group even without its own role tag", () => {
    const sg = stackRes(T.securityGroup, "extra", { tags: tags("prod") });
    const inst = stackRes(T.instance, "meta-0", { tags: tags("prod", { role: "meta" }), securityGroups: ["extra-id"] });
    const r = rule("extra-client", { portRange: "2379/2379", cidrIp: "10.1.0.0/16", securityGroupId: "extra-id" });
    expect(metaPortsRestricted.check([sg, r])).toEqual([]);
    expect(metaPortsRestricted.check([sg, inst, r])).toHaveLength(1);
  });
  test("0.0.0.0/0 into a group outside the stack fails in a prod stack only", () => {
    const r = rule("foreign", { portRange: "2379/2379", cidrIp: "0.0.0.0/0", securityGroupId: "sg-elsewhere" });
    expect(metaPortsRestricted.check([serverSg("prod"), r])).toHaveLength(1);
    expect(metaPortsRestricted.check([serverSg("test"), r])).toEqual([]);
  });
  test("a meta port from a prefix list (neither group nor CIDR) fails", () => {
    expect(metaPortsRestricted.check([metaSg("test"), rule("pl", { portRange: "2379/2379", prefixListId: "pl-1" })])).toHaveLength(1);
  });
});

describe("ecs-deletion-protection", () => {
  test("prod and staging instances need it; test ones do not", () => {
    expect(ecsDeletionProtection.check(res(T.instance, { tags: tags("prod"), deletionProtection: true }))).toEqual([]);
    expect(ecsDeletionProtection.check(res(T.instance, { tags: tags("prod"), deletionProtection: false }))).toHaveLength(1);
    expect(ecsDeletionProtection.check(res(T.instance, { tags: tags("staging") }))).toHaveLength(1);
    expect(ecsDeletionProtection.check(res(T.instance, { tags: tags("test"), deletionProtection: false }))).toEqual([]);
  });
  test("an untagged instance is held to prod", () => {
    expect(ecsDeletionProtection.check(res(T.instance, {}))).toHaveLength(1);
  });
  test("a host listed in ceresdb:replaceHosts (tagged ceresdb-replace-requested) may be unprotected", () => {
    expect(ecsDeletionProtection.check(res(T.instance, { tags: { ...tags("prod"), "ceresdb-replace-requested": "true" }, deletionProtection: false }))).toEqual([]);
  });
});

describe("protect-data", () => {
  test("bucket and data disks in prod/staging need protect", () => {
    for (const type of [T.bucket, T.ecsDisk, T.disk]) {
      expect(protectData.check(res(type, { tags: tags("prod") }, { protect: true }))).toEqual([]);
      expect(protectData.check(res(type, { tags: tags("prod") }, { protect: false }))).toHaveLength(1);
      expect(protectData.check(res(type, { tags: tags("staging") }, {}))).toHaveLength(1);
      expect(protectData.check(res(type, { tags: tags("test") }, { protect: false }))).toEqual([]);
    }
  });
});

describe("oss-versioning", () => {
  test("prod buckets need versioning Enabled", () => {
    expect(ossVersioning.check(res(T.bucket, { tags: tags("prod"), versioning: { status: "Enabled" } }))).toEqual([]);
    expect(ossVersioning.check(res(T.bucket, { tags: tags("prod"), versioning: { status: "Suspended" } }))).toHaveLength(1);
    expect(ossVersioning.check(res(T.bucket, { tags: tags("prod") }))).toHaveLength(1);
    expect(ossVersioning.check(res(T.bucket, { tags: tags("test") }))).toEqual([]);
  });
});

describe("oss-encryption", () => {
  test("every bucket, any class, needs server-side encryption", () => {
    expect(ossEncryption.check(res(T.bucket, { tags: tags("test"), serverSideEncryptionRule: { sseAlgorithm: "AES256" } }))).toEqual([]);
    expect(ossEncryption.check(res(T.bucket, { tags: tags("test"), serverSideEncryptionRule: { sseAlgorithm: "KMS" } }))).toEqual([]);
    expect(ossEncryption.check(res(T.bucket, { tags: tags("test") }))).toHaveLength(1);
    expect(ossEncryption.check(res(T.bucket, { tags: tags("test"), serverSideEncryptionRule: { sseAlgorithm: "" } }))).toHaveLength(1);
  });
});

describe("oss-private-acl", () => {
  test("BucketAcl must be private", () => {
    expect(ossPrivateAcl.check(res(T.bucketAcl, { bucket: "b", acl: "private" }))).toEqual([]);
    expect(ossPrivateAcl.check(res(T.bucketAcl, { bucket: "b", acl: "public-read" }))).toHaveLength(1);
    expect(ossPrivateAcl.check(res(T.bucketAcl, { bucket: "b" }))).toHaveLength(1);
  });
  test("a bucket's own acl, when set, must be private", () => {
    expect(ossPrivateAcl.check(res(T.bucket, {}))).toEqual([]);
    expect(ossPrivateAcl.check(res(T.bucket, { acl: "public-read-write" }))).toHaveLength(1);
  });
});

describe("disk-encryption", () => {
  test("data disks need encrypted: true in every class", () => {
    expect(diskEncryption.check(res(T.ecsDisk, { tags: tags("test"), encrypted: true }))).toEqual([]);
    expect(diskEncryption.check(res(T.ecsDisk, { tags: tags("test"), encrypted: false }))).toHaveLength(1);
    expect(diskEncryption.check(res(T.disk, { tags: tags("test") }))).toHaveLength(1);
  });
  test("data disks declared on an instance too", () => {
    expect(diskEncryption.check(res(T.instance, { tags: tags("test") }))).toEqual([]);
    expect(diskEncryption.check(res(T.instance, { dataDisks: [{ size: 20, encrypted: true }] }))).toEqual([]);
    expect(diskEncryption.check(res(T.instance, { dataDisks: [{ size: 20, encrypted: true }, { size: 20 }] }))).toEqual([
      expect.stringMatching(/data disk 1/),
    ]);
  });
});

describe("ram-oss-least-privilege", () => {
  const OBJECT = ["oss:GetObject", "oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload", "oss:ListParts"];
  const doc = (statements: unknown[]) => ({ policyDocument: JSON.stringify({ Version: "1", Statement: statements }) });
  const objects = (resource = "acs:oss:*:*:bkt/ceresdb-prod/*", actions = OBJECT) => ({ Effect: "Allow", Action: actions, Resource: [resource] });
  const listing = (prefix: unknown = ["ceresdb-prod/*"], resource = "acs:oss:*:*:bkt") => ({
    Effect: "Allow",
    Action: ["oss:ListObjects", "oss:ListMultipartUploads"],
    Resource: [resource],
    Condition: { StringLike: { "oss:Prefix": prefix } },
  });
  const check = (props: Record<string, unknown>) => ramOssLeastPrivilege.check(res(T.ramPolicy, props));

  test("the program's policy shape passes", () => {
    expect(check(doc([objects(), listing()]))).toEqual([]);
    expect(check(doc([objects()]))).toEqual([]);
    expect(check(doc([objects(), listing(), { Effect: "Deny", Action: ["*"], Resource: ["*"] }]))).toEqual([]);
  });
  test("wildcard actions and resources fail", () => {
    expect(check(doc([{ Effect: "Allow", Action: ["*"], Resource: ["*"] }])).length).toBeGreaterThan(0);
    expect(check(doc([objects("acs:oss:*:*:bkt/ceresdb-prod/*", ["oss:*"])]))).toEqual([expect.stringMatching(/wildcard action/)]);
    expect(check(doc([objects("*")]))).toEqual([expect.stringMatching(/only acs:oss/)]);
    expect(check(doc([objects("acs:oss:*:*:*")]))).toHaveLength(1);
    expect(check(doc([objects("acs:oss:*:*:bkt/*")]))).toHaveLength(1); // no prefix: the whole bucket
    expect(check(doc([objects("acs:oss:*:*:bkt/ceresdb-*/*")]))).toHaveLength(1);
  });
  test("actions beyond object access fail", () => {
    expect(check(doc([objects(undefined, ["oss:GetObject", "oss:PutBucketAcl"])]))).toEqual([expect.stringMatching(/oss:PutBucketAcl/)]);
    expect(check(doc([objects(undefined, ["ecs:DeleteInstance"])]))).toHaveLength(1);
  });
  test("listing needs an oss:Prefix condition inside a granted prefix", () => {
    const noCondition = { ...listing(), Condition: undefined };
    expect(check(doc([objects(), noCondition]))).toEqual([expect.stringMatching(/without an oss:Prefix/)]);
    expect(check(doc([objects(), listing(["*"])]))).toHaveLength(1);
    expect(check(doc([objects(), listing(["other/*"])]))).toHaveLength(1);
    expect(check(doc([objects(), listing(undefined, "acs:oss:*:*:bkt/*")]))).toHaveLength(1);
  });
  test("NotAction, mixed statements, no or bad documents fail", () => {
    expect(check(doc([{ Effect: "Allow", NotAction: ["ram:*"], Resource: ["*"] }]))).toHaveLength(1);
    expect(check(doc([{ ...objects(), Action: [...OBJECT, "oss:ListObjects"] }]))).toEqual([expect.stringMatching(/mixes/)]);
    expect(check({})).toEqual([expect.stringMatching(/no document/)]);
    expect(check({ policyDocument: "{not json" })).toEqual([expect.stringMatching(/not valid JSON/)]);
  });
  test("the older inline statements form is read too", () => {
    expect(ramPolicyProblems({ statements: [{ effect: "Allow", actions: ["oss:GetObject"], resources: ["acs:oss:*:*:bkt/p/*"] }] })).toEqual([]);
    expect(ramPolicyProblems({ statements: [{ effect: "Allow", actions: ["oss:*"], resources: ["*"] }] }).length).toBeGreaterThan(0);
  });
  test("a document unknown during preview is left for the update", () => {
    expect(check({ policyDocument: UNKNOWN })).toEqual([]);
  });
});

describe("container-uploads-secret", () => {
  test("uploads must be an additional secret output", () => {
    expect(containerUploadsSecret.check(res(T.container, {}, { additionalSecretOutputs: ["uploads"] }))).toEqual([]);
    expect(containerUploadsSecret.check(res(T.container, {}, { additionalSecretOutputs: [] }))).toHaveLength(1);
    expect(containerUploadsSecret.check(res(T.container, {}, {}))).toHaveLength(1);
  });
});

describe("required-tags", () => {
  const rule = requiredTagsRule(TAGGABLE_ALICLOUD_TYPES);
  test("managed tags pass; test class also needs owner and expires-at", () => {
    expect(rule.check(res(T.bucket, { tags: tags("prod") }))).toEqual([]);
    expect(rule.check(res(T.bucket, { tags: tags("test") }))).toEqual([]);
    expect(rule.check(res(T.bucket, { tags: { "managed-by": "x", stack: "prod", environment: "test" } }))).toEqual([
      expect.stringMatching(/lacks tag\(s\) owner, expires-at/),
    ]);
  });
  test("a taggable type without tags fails; a non-taggable type is not checked", () => {
    expect(rule.check(res(T.ramPolicy, { policyName: "p" }))).toEqual([expect.stringMatching(/managed-by, stack, environment/)]);
    expect(rule.appliesTo(T.securityGroupRule)).toBe(true);
    expect(rule.check(res(T.securityGroupRule, { portRange: "22/22" }))).toEqual([]);
    expect(rule.appliesTo(T.container)).toBe(false);
  });
  test("an invalid class, a bad expiry or another stack's tag fail", () => {
    expect(rule.check(res(T.bucket, { tags: { ...tags("prod"), environment: "production" } }))).toHaveLength(1);
    expect(rule.check(res(T.bucket, { tags: tags("test", { "expires-at": "soon" }) }))).toHaveLength(1);
    expect(rule.check(res(T.bucket, { tags: { ...tags("prod"), stack: "staging" } }))).toEqual([expect.stringMatching(/belongs to stack prod/)]);
  });
});

describe("meta-delete-before-replace", () => {
  test("meta hosts need deleteBeforeReplace; server hosts do not", () => {
    expect(metaDeleteBeforeReplace.check(res(T.instance, { tags: tags("test", { role: "meta" }) }, { deleteBeforeReplace: true }))).toEqual([]);
    expect(metaDeleteBeforeReplace.check(res(T.instance, { tags: tags("test", { role: "meta" }) }, {}))).toHaveLength(1);
    expect(metaDeleteBeforeReplace.check(res(T.instance, { tags: tags("test", { role: "server" }) }, {}))).toEqual([]);
  });
});

describe("meta-load-balancer-internal", () => {
  test.each(["prod", "staging", "test"] as const)("%s: the meta balancer must be intranet; the client one may be public", (env) => {
    for (const type of [T.clb, T.clbLegacy]) {
      expect(metaLoadBalancerInternal.check(res(type, { tags: tags(env, { role: "lb-meta" }), addressType: "intranet" }))).toEqual([]);
      expect(metaLoadBalancerInternal.check(res(type, { tags: tags(env, { role: "lb-meta" }), addressType: "internet" }))).toHaveLength(1);
      expect(metaLoadBalancerInternal.check(res(type, { tags: tags(env, { role: "lb-meta" }) }))).toHaveLength(1);
      expect(metaLoadBalancerInternal.check(res(type, { tags: tags(env, { role: "lb-client" }), addressType: "internet" }))).toEqual([]);
    }
    expect(metaLoadBalancerInternal.check(res(T.nlb, { tags: tags(env, { role: "lb-meta" }), addressType: "Internet" }))).toHaveLength(1);
    expect(metaLoadBalancerInternal.check(res(T.nlb, { tags: tags(env, { role: "lb-meta" }), addressType: "Intranet" }))).toEqual([]);
    expect(metaLoadBalancerInternal.check(res(T.clb, { tags: tags(env, { role: "lb-meta" }), addressType: UNKNOWN }))).toEqual([]);
  });
});

test("the pack has 14 rules with distinct names, each shown to fail above", () => {
  const names = [...resourceRules(TAGGABLE_ALICLOUD_TYPES), ...STACK_RULES].map((r) => r.name);
  expect(new Set(names).size).toBe(14);
  expect(names).toEqual([
    "no-public-ssh",
    "ecs-deletion-protection",
    "protect-data",
    "oss-versioning",
    "oss-encryption",
    "oss-private-acl",
    "disk-encryption",
    "ram-oss-least-privilege",
    "container-uploads-secret",
    "required-tags",
    "meta-delete-before-replace",
    "meta-load-balancer-internal",
    "meta-ports-restricted",
    "server-http-restricted",
  ]);
});

test("evaluateStack names rule and resource of each violation", () => {
  const v = evaluateStack([stackRes(T.bucketAcl, "acl", { acl: "public-read" })], TAGGABLE_ALICLOUD_TYPES);
  expect(v).toEqual([expect.objectContaining({ rule: "oss-private-acl", resource: "acl" })]);
});

describe("server-http-restricted", () => {
  // GET /debug/config on CeresDB's HTTP port returns the config with its secrets
  // (apache/horaedb server/src/http.rs `server_config`, v1.2.2..v1.2.7): not a client port.
  const serverSg = (env: string) => stackRes(T.securityGroup, "server", { tags: tags(env, { role: "server" }) });
  const rule = (name: string, props: Record<string, unknown>) =>
    stackRes(T.securityGroupRule, name, { type: "ingress", policy: "accept", ipProtocol: "tcp", securityGroupId: "server-id", ...props });
  const good = (env: string) => [
    serverSg(env),
    rule("grpc-world", { portRange: "8831/8831", cidrIp: "0.0.0.0/0" }),
    rule("mysql-clients", { portRange: "3307/3307", cidrIp: "10.30.0.0/16" }),
    rule("http-server", { portRange: "5440/5440", sourceSecurityGroupId: "server-id" }),
    rule("http-admin", { portRange: "5440/5440", cidrIp: "10.0.100.0/24" }),
  ];
  const admin = { adminCidrs: ["10.0.100.0/24"] };

  test("the program's shape passes in every class: client ports may face 0.0.0.0/0, HTTP only admins", () => {
    for (const env of ["prod", "staging", "test"]) {
      expect(serverHttpRestricted.check(good(env))).toEqual([]);
      expect(serverHttpRestricted.check(good(env), admin)).toEqual([]);
    }
  });
  test("HTTP from 0.0.0.0/0 fails in every class, also through a wide range or protocol all", () => {
    for (const env of ["prod", "staging", "test"]) {
      for (const props of [
        { portRange: "5440/5440", cidrIp: "0.0.0.0/0" },
        { portRange: "1/65535", cidrIp: "0.0.0.0/0" },
        { ipProtocol: "all", portRange: "-1/-1", cidrIp: "0.0.0.0/0" },
        { portRange: "5440/5440", ipv6CidrIp: "::/0" },
      ]) {
        const v = serverHttpRestricted.check([...good(env), rule("http-world", props)]);
        expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/debug\/config/)]);
      }
    }
  });
  test("with adminCidrs configured, a client CIDR on HTTP fails; a monitoring CIDR passes", () => {
    const clients = rule("http-clients", { portRange: "5440/5440", cidrIp: "10.30.0.0/16" });
    expect(serverHttpRestricted.check([...good("prod"), clients])).toEqual([]);
    expect(serverHttpRestricted.check([...good("prod"), clients], admin)).toHaveLength(1);
    expect(serverHttpRestricted.check([...good("prod"), clients], { ...admin, monitoringCidrs: ["10.30.0.0/16"] })).toEqual([]);
  });
  test("a configured HTTP port; other groups are not looked at", () => {
    const r = [serverSg("prod"), rule("http", { portRange: "9440/9440", cidrIp: "0.0.0.0/0" })];
    expect(serverHttpRestricted.check(r)).toEqual([]);
    expect(serverHttpRestricted.check(r, { serverHttpPort: 9440 })).toHaveLength(1);
    const elsewhere = rule("other", { portRange: "5440/5440", cidrIp: "0.0.0.0/0", securityGroupId: "sg-elsewhere" });
    expect(serverHttpRestricted.check([serverSg("prod"), elsewhere])).toEqual([]);
  });
  test("is a stack rule of the pack", () => {
    expect(STACK_RULES).toContain(serverHttpRestricted);
  });
});
