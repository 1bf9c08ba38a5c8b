/**
 * Every input the real program registers, for every checked-in stack and a set of variants, is
 * checked against the provider-contract table (components/contracts/providers.ts, which cites
 * aliyun/terraform-provider-alicloud alicloud/resource_alicloud_*.go, kreuzwerker/terraform-provider-docker
 * v4.5.0 internal/provider/*.go and pulumi/pulumi-command v1.2.1 provider/pkg/provider/*): every
 * resource type and input has an entry, and every rule holds. Variants go through the program
 * with setting overrides, like the plan's `--set`.
 */
import { CONTRACTS, checkInputs, ContractProblem } from "../../components/contracts/providers";
import { derivedNames, nameInputsOf } from "../../components/contracts/names";
import { buildSpec } from "../../components/model/buildSpec";
import { SETTING_NAMES, SETTINGS, SettingName } from "../../components/model/settings";
import { defaultProjectDir, listStacks, OfflineRun, runOffline } from "../../tools/plan/offline";

/**
 * Violations that belong to other defects of issue 9, fixed elsewhere. ONE place: delete an entry
 * when its fix is merged (the test fails on an entry that no longer matches anything).
 */
const EXPECTED_VIOLATIONS: { type: string; check: string; runs: RegExp; defect: string }[] = [];

const KAFKA = { "ceresdb:walType": "Kafka", "ceresdb:kafkaBrokers": JSON.stringify(["kafka-0.internal:9092", "kafka-1.internal:9092", "kafka-2.internal:9092"]), "ceresdb:topology": "dynamic" };

/** The most user tags a stack with a created bucket can carry (10 per bucket, 5 managed in dev). */
function tags(n: number, keyLen: number, valueLen: number): string {
  const t: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const k = `k${i}-`.padEnd(keyLen, "x");
    t[k] = `v${i}-`.padEnd(valueLen, "y");
  }
  return JSON.stringify(t);
}

interface Variant {
  name: string;
  stack: string;
  overrides: Record<string, string>;
  secretValues?: Record<string, string>;
}

const VARIANTS: Variant[] = [
  { name: "dev+bastion", stack: "dev", overrides: { "ceresdb:bastionHost": "bastion.example.internal:2222", "ceresdb:bastionHostKey": SETTINGS.bastionHostKey.example, "ceresdb:assignPublicIp": "false" } },
  { name: "staging+existing-vpc", stack: "staging", overrides: { "ceresdb:vpcId": "vpc-bp1existing", "ceresdb:vswitchIds": JSON.stringify(["vsw-bp1a", "vsw-bp1b", "vsw-bp1c"]), "ceresdb:vswitchCidrs": JSON.stringify(["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24"]) } },
  { name: "staging+kafka", stack: "staging", overrides: KAFKA },
  {
    name: "staging+obkv",
    stack: "staging",
    overrides: { "ceresdb:walType": "Obkv", "ceresdb:obkvParamUrl": "http://obkv.internal:8080/services?Action=ObRootServiceInfo&ObCluster=c1", "ceresdb:obkvFullUserName": "ceresdb@tenant#c1", "ceresdb:obkvSysUserName": "root" },
    secretValues: { "ceresdb:obkvPassword": "obkv-password-for-test", "ceresdb:obkvSysPassword": "obkv-sys-password-for-test" },
  },
  {
    name: "prod+private-registry",
    stack: "prod",
    overrides: { "ceresdb:imageRegistry": "registry.cn-hangzhou.aliyuncs.com", "ceresdb:imageNamespace": "acme/ceresdb", "ceresdb:registryUsername": "deploy@acme" },
    secretValues: { "ceresdb:registryPassword": "registry-password-for-test" },
  },
  { name: "prod+supplied-oss-key", stack: "prod", overrides: { "ceresdb:ossAccessKeyId": "LTAI5tSuppliedKeyId00" }, secretValues: { "ceresdb:ossAccessKeySecret": "supplied-secret-for-test" } },
  { name: "dev+most-tags", stack: "dev", overrides: { "ceresdb:tags": tags(5, 64, 128) } },
  { name: "dev+most-tags-existing-bucket", stack: "dev", overrides: { "ceresdb:tags": tags(13, 128, 128), "ceresdb:createBucket": "false" } },
  {
    name: "dev+longest-names",
    stack: "dev",
    overrides: {
      "ceresdb:resourcePrefix": "c".padEnd(31, "x") + "9",
      "ceresdb:bucketName": "b".padEnd(62, "x") + "9",
      "ceresdb:bucketPrefix": "p/".padEnd(127, "x") + "9",
    },
  },
];

interface Found extends ContractProblem {
  run: string;
  resource: string;
}

function problemsOf(label: string, run: OfflineRun): Found[] {
  const out: Found[] = [];
  for (const r of run.resources) {
    // Components register nothing in the cloud.
    if (!r.custom) continue;
    for (const p of checkInputs(r.type, r.inputs)) out.push({ ...p, run: label, resource: r.name });
  }
  return out;
}

function expected(p: Found): boolean {
  return EXPECTED_VIOLATIONS.some((e) => e.type === p.type && e.check === p.check && e.runs.test(p.run));
}

const runs: { label: string; run: OfflineRun }[] = [];
const projectDir = defaultProjectDir();

beforeAll(async () => {
  for (const stack of listStacks(projectDir)) runs.push({ label: stack, run: await runOffline({ stack }) });
  for (const v of VARIANTS) runs.push({ label: v.name, run: await runOffline({ stack: v.stack, overrides: v.overrides, secretValues: v.secretValues }) });
}, 180_000);

describe("provider contracts over every stack and variant", () => {
  it("ran every checked-in stack and every variant", () => {
    expect(runs.map((r) => r.label)).toEqual([...listStacks(projectDir), ...VARIANTS.map((v) => v.name)]);
  });

  it("has a contract for every resource type and input the program sets", () => {
    const missing = new Set<string>();
    for (const { run } of runs) {
      for (const r of run.resources) {
        if (!r.custom) continue;
        const c = CONTRACTS[r.type];
        if (!c) missing.add(r.type);
        else for (const k of Object.keys(r.inputs)) if (!c.properties[k]) missing.add(`${r.type} ${k}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it("meets every rule, apart from the listed violations of other defects", () => {
    const all = runs.flatMap(({ label, run }) => problemsOf(label, run));
    const unexpected = all.filter((p) => !expected(p)).map((p) => `${p.run}: ${p.resource} ${p.type} ${p.property ?? p.check}: ${p.allowed} (given ${p.given ?? "-"}; ${p.source})`);
    expect(unexpected).toEqual([]);
    // A listed violation that no longer occurs has been fixed: delete its entry.
    const stale = EXPECTED_VIOLATIONS.filter((e) => !all.some((p) => p.type === e.type && p.check === e.check && e.runs.test(p.run))).map((e) => e.defect);
    expect(stale).toEqual([]);
  });

  it("the variants reach what they vary (bastion, existing VPC, WALs, registry login, supplied key, tags, names)", () => {
    const byLabel = new Map(runs.map((r) => [r.label, r.run]));
    const types = (l: string) => new Set(byLabel.get(l)!.resources.map((r) => r.type));
    expect(types("staging+existing-vpc").has("alicloud:vpc/network:Network")).toBe(false);
    expect(types("prod+supplied-oss-key").has("alicloud:ram/user:User")).toBe(false);
    const provider = byLabel.get("prod+private-registry")!.resources.find((r) => r.type === "pulumi:providers:docker")!;
    expect(provider.inputs.registryAuth).toBeDefined();
    const hostTags = byLabel.get("dev+most-tags-existing-bucket")!.resources.find((r) => r.type === "alicloud:ecs/instance:Instance")!.inputs.tags as Record<string, string>;
    expect(Object.keys(hostTags)).toHaveLength(20);
    const bucketTags = byLabel.get("dev+most-tags")!.resources.find((r) => r.type === "alicloud:oss/bucket:Bucket")!.inputs.tags as Record<string, string>;
    expect(Object.keys(bucketTags)).toHaveLength(10);
    const comments = byLabel.get("dev+longest-names")!.resources.find((r) => r.type === "alicloud:ram/user:User")!.inputs.comments as string;
    expect(comments.length).toBeLessThanOrEqual(128);
    const docker = byLabel.get("dev+bastion")!.resources.find((r) => r.type === "pulumi:providers:docker")!;
    expect(String(docker.inputs.sshOpts)).toMatch(/ProxyCommand=ssh .*-W %h:%p -p 2222 -l root -- bastion\.example\.internal/);
  });

  it("the names the program registers are the names the spec validator checks", () => {
    for (const { label, run } of runs) {
      // As components/config/stackConfig.ts reads them: empty means unset, secrets only as "set".
      const values: Partial<Record<SettingName, string>> = {};
      const secretsSet = new Set<SettingName>();
      for (const name of SETTING_NAMES) {
        const v = run.config[`${run.project}:${name}`];
        if (v === undefined || v.trim() === "" || v.trim() === "[]") continue;
        if ("secret" in SETTINGS[name] && (SETTINGS[name] as { secret?: boolean }).secret) secretsSet.add(name);
        else values[name] = v;
      }
      const built = buildSpec({ project: run.project, stack: run.stack, region: run.config["alicloud:region"], values, secretsSet });
      if (!built.ok) throw new Error(`${label}: ${JSON.stringify(built.problems)}`);
      const derived = derivedNames(nameInputsOf(built.spec));
      const keys = new Set(derived.map((d) => `${d.type} ${d.property}`));
      const registered = run.resources.flatMap((r) => Object.entries(r.inputs).filter(([k]) => keys.has(`${r.type} ${k}`)).map(([k, v]) => `${r.type} ${k} ${String(v)}`));
      expect([label, [...new Set(registered)].sort()]).toEqual([label, [...new Set(derived.map((d) => `${d.type} ${d.property} ${d.value}`))].sort()]);
    }
  });
});
