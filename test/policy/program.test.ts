/**
 * Every rule of the policy pack on what the real program registers, offline, for the checked-in
 * stacks: no violation for the program as it is, and the right violation once a recorded resource
 * is changed the way an edit of the program (or an imported resource) could change it.
 */
import { RecordedResource, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { evaluateStack, RuleViolation, StackRuleResource, T } from "../../policy/rules";
import { TAGGABLE_ALICLOUD_TYPES } from "../../policy/taggableTypes";

/** What the engine would hand the pack: custom resources, inputs with secrets unwrapped, options. */
function toRuleResource(r: RecordedResource): StackRuleResource {
  const o = r.options ?? {};
  return {
    type: r.type,
    name: r.name,
    urn: r.urn!,
    id: r.id,
    props: unwrapSecrets(r.inputs) as Record<string, unknown>,
    opts: {
      protect: o.protect as boolean | undefined,
      deleteBeforeReplace: o.deleteBeforeReplace as boolean | undefined,
      additionalSecretOutputs: (o.additionalSecretOutputs as string[] | undefined) ?? [],
    },
  };
}

const runs = new Map<string, StackRuleResource[]>();
async function recorded(stack: string, overrides?: Record<string, string>): Promise<StackRuleResource[]> {
  const key = `${stack} ${JSON.stringify(overrides ?? {})}`;
  if (!runs.has(key)) {
    const run = await runOffline({ stack, overrides });
    runs.set(key, run.resources.filter((r) => r.custom).map(toRuleResource));
  }
  // A fresh deep copy each time, so a test's mutation never leaks into another.
  return structuredClone(runs.get(key)!);
}

const evaluate = (resources: StackRuleResource[]) => evaluateStack(resources, TAGGABLE_ALICLOUD_TYPES);
const summary = (v: RuleViolation[]) => v.map((x) => `${x.rule} ${x.resource}`);

function one(resources: StackRuleResource[], type: string, pred: (r: StackRuleResource) => boolean = () => true): StackRuleResource {
  const found = resources.filter((r) => r.type === type && pred(r));
  if (found.length === 0) throw new Error(`no ${type} matches`);
  return found[0];
}
const named = (suffix: string) => (r: StackRuleResource) => r.name.endsWith(suffix);
const role = (value: string) => (r: StackRuleResource) => (r.props.tags as Record<string, string> | undefined)?.role === value;

describe.each(["dev", "staging", "prod"])("stack %s", (stack) => {
  test("the program violates no rule", async () => {
    const resources = await recorded(stack);
    // Sanity: the rules had something to look at.
    for (const type of [T.securityGroupRule, T.instance, T.ecsDisk, T.bucket, T.bucketAcl, T.ramPolicy, T.container]) {
      expect(resources.some((r) => r.type === type)).toBe(true);
    }
    expect(evaluate(resources)).toEqual([]);
  });
});

describe("mutated prod resources are caught", () => {
  test("an etcd client rule opened to 0.0.0.0/0", async () => {
    const resources = await recorded("prod");
    const rule = one(resources, T.securityGroupRule, named("-meta-etcd-client-from-server"));
    delete rule.props.sourceSecurityGroupId;
    rule.props.cidrIp = "0.0.0.0/0";
    expect(rule.props.portRange).toBe("2379/2379");
    expect(summary(evaluate(resources))).toEqual([`meta-ports-restricted ${rule.name}`]);
  });

  test("the CeresDB HTTP port opened to the client CIDRs (it serves /debug/config with the secrets)", async () => {
    const resources = await recorded("prod");
    const rule = one(resources, T.securityGroupRule, named("-server-http-from-10-0-100-0-24"));
    expect(evaluateStack(resources, TAGGABLE_ALICLOUD_TYPES, { adminCidrs: ["10.0.100.0/24"] })).toEqual([]);
    rule.props.cidrIp = "10.10.0.0/16";
    expect(summary(evaluateStack(resources, TAGGABLE_ALICLOUD_TYPES, { adminCidrs: ["10.0.100.0/24"] }))).toEqual([`server-http-restricted ${rule.name}`]);
    rule.props.cidrIp = "0.0.0.0/0";
    expect(summary(evaluate(resources))).toEqual([`server-http-restricted ${rule.name}`]);
  });

  test("an etcd peer rule from an admin CIDR instead of the meta group", async () => {
    const resources = await recorded("prod");
    const rule = one(resources, T.securityGroupRule, named("-meta-etcd-peer-from-meta"));
    delete rule.props.sourceSecurityGroupId;
    rule.props.cidrIp = "10.0.100.0/24";
    expect(summary(evaluate(resources))).toEqual([`meta-ports-restricted ${rule.name}`]);
  });

  test("the meta HTTP rule opened to 0.0.0.0/0", async () => {
    const resources = await recorded("prod");
    const rule = one(resources, T.securityGroupRule, named("-meta-meta-http-from-10-0-100-0-24"));
    rule.props.cidrIp = "0.0.0.0/0";
    expect(summary(evaluate(resources))).toEqual([`meta-ports-restricted ${rule.name}`]);
  });

  test("an SSH rule opened to 0.0.0.0/0", async () => {
    const resources = await recorded("prod");
    const rule = one(resources, T.securityGroupRule, named("-server-ssh-from-10-0-100-0-24"));
    rule.props.cidrIp = "0.0.0.0/0";
    expect(summary(evaluate(resources))).toEqual([`no-public-ssh ${rule.name}`]);
  });

  test("the bucket without protect, versioning or encryption, and a public ACL", async () => {
    const resources = await recorded("prod");
    const bucket = one(resources, T.bucket);
    bucket.opts.protect = undefined;
    expect(summary(evaluate(resources))).toEqual([`protect-data ${bucket.name}`]);
    delete bucket.props.versioning;
    delete bucket.props.serverSideEncryptionRule;
    const acl = one(resources, T.bucketAcl);
    acl.props.acl = "public-read";
    expect(summary(evaluate(resources)).sort()).toEqual(
      [`protect-data ${bucket.name}`, `oss-versioning ${bucket.name}`, `oss-encryption ${bucket.name}`, `oss-private-acl ${acl.name}`].sort(),
    );
  });

  test("a data disk unprotected and unencrypted", async () => {
    const resources = await recorded("prod");
    const disk = one(resources, T.ecsDisk);
    disk.opts.protect = false;
    disk.props.encrypted = false;
    expect(summary(evaluate(resources)).sort()).toEqual([`disk-encryption ${disk.name}`, `protect-data ${disk.name}`]);
  });

  test("a host without deletion protection; a meta host without deleteBeforeReplace", async () => {
    const resources = await recorded("prod");
    const server = one(resources, T.instance, role("server"));
    server.props.deletionProtection = false;
    server.opts.deleteBeforeReplace = undefined; // allowed for server hosts
    const meta = one(resources, T.instance, role("meta"));
    meta.opts.deleteBeforeReplace = false;
    expect(summary(evaluate(resources)).sort()).toEqual([`ecs-deletion-protection ${server.name}`, `meta-delete-before-replace ${meta.name}`]);
  });

  test("a widened RAM policy", async () => {
    const resources = await recorded("prod");
    const policy = one(resources, T.ramPolicy);
    const doc = JSON.parse(policy.props.policyDocument as string);
    doc.Statement[0].Action.push("oss:*");
    doc.Statement[1].Condition = undefined;
    policy.props.policyDocument = JSON.stringify(doc);
    const v = evaluate(resources);
    expect(summary(v)).toEqual([`ram-oss-least-privilege ${policy.name}`, `ram-oss-least-privilege ${policy.name}`]);
    expect(v.map((x) => x.message).join("\n")).toMatch(/wildcard action.*oss:\*[\s\S]*without an oss:Prefix/);
  });

  test("a container whose uploads are no longer secret", async () => {
    const resources = await recorded("prod");
    const container = one(resources, T.container);
    container.opts.additionalSecretOutputs = [];
    expect(summary(evaluate(resources))).toEqual([`container-uploads-secret ${container.name}`]);
  });

  test("a resource that lost its tags, and an imported untagged one", async () => {
    const resources = await recorded("prod");
    const vpc = one(resources, "alicloud:vpc/network:Network");
    delete vpc.props.tags;
    resources.push({
      type: "alicloud:vpc/natGateway:NatGateway",
      name: "imported-nat",
      urn: "urn:pulumi:prod::ceresdb::alicloud:vpc/natGateway:NatGateway::imported-nat",
      props: { vpcId: vpc.id },
      opts: {},
    });
    expect(summary(evaluate(resources))).toEqual([`required-tags ${vpc.name}`, "required-tags imported-nat"]);
  });
});

describe("mutated dev (test class) resources", () => {
  test("protection is not required, encryption and tags still are", async () => {
    const resources = await recorded("dev");
    const bucket = one(resources, T.bucket);
    expect(bucket.opts.protect).toBe(false);
    expect(evaluate(resources)).toEqual([]);
    delete bucket.props.serverSideEncryptionRule;
    const tags = bucket.props.tags as Record<string, string>;
    delete tags["expires-at"];
    expect(summary(evaluate(resources))).toEqual([`oss-encryption ${bucket.name}`, `required-tags ${bucket.name}`]);
  });
});

describe("settings the program accepts, checked by the pack", () => {
  test("prod with public client ports (allowPublicAccess): allowed, only the server group faces 0.0.0.0/0", async () => {
    const resources = await recorded("prod", { "ceresdb:allowPublicAccess": "true", "ceresdb:clientCidrs": '["0.0.0.0/0"]' });
    expect(resources.some((r) => r.type === T.securityGroupRule && r.props.cidrIp === "0.0.0.0/0")).toBe(true);
    expect(evaluate(resources)).toEqual([]);
    // Only the client ports face the internet; the HTTP port stays with the admins.
    const world = resources.filter((r) => r.type === T.securityGroupRule && r.props.cidrIp === "0.0.0.0/0").map((r) => r.props.portRange);
    expect(world.sort()).toEqual(["3307/3307", "5433/5433", "8831/8831"]);
  });

  test("prod with a non-default meta HTTP port needs the policy configured with it", async () => {
    const resources = await recorded("prod", { "ceresdb:ports": '{"metaHttp": 9080}' });
    expect(summary(evaluate(resources))).toEqual(["meta-ports-restricted ceresdb-prod-network-meta-meta-http-from-10-0-100-0-24"]);
    expect(evaluateStack(resources, TAGGABLE_ALICLOUD_TYPES, { metaHttpPort: 9080, adminCidrs: ["10.0.100.0/24"] })).toEqual([]);
  });

  // The program refuses 0.0.0.0/0 in adminCidrs in every class; the pack is the second line of
  // defence for a rule edited by hand or imported.
  test.each(["dev", "staging"])("%s: the program refuses adminCidrs 0.0.0.0/0", async (stack) => {
    await expect(recorded(stack, { "ceresdb:allowPublicAccess": "true", "ceresdb:adminCidrs": '["0.0.0.0/0"]' })).rejects.toThrow(/ceresdb:adminCidrs/);
  });

  test.each(["dev", "staging"])("%s: an SSH rule opened to 0.0.0.0/0 is refused", async (stack) => {
    const resources = await recorded(stack);
    const rules = resources.filter((r) => r.type === T.securityGroupRule && r.name.includes("-ssh-from-"));
    for (const rule of rules) rule.props.cidrIp = "0.0.0.0/0";
    expect(summary(evaluate(resources)).sort()).toEqual(rules.map((r) => `no-public-ssh ${r.name}`).sort());
  });
});
