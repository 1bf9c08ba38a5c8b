/**
 * policy/taggableTypes.ts must list exactly the taggable resource types of the installed
 * @pulumi/alicloud. After upgrading the SDK: `UPDATE_TAGGABLE_TYPES=1 npx jest test/policy/taggableTypes`.
 */
import * as fs from "fs";
import * as path from "path";
import { TAGGABLE_ALICLOUD_TYPES } from "../../policy/taggableTypes";

const REPO = path.resolve(__dirname, "..", "..");
const SDK = path.join(REPO, "node_modules", "@pulumi", "alicloud");
const TARGET = path.join(REPO, "policy", "taggableTypes.ts");

/** Every resource class of the SDK that passes a `tags` input to the provider. */
export function scanTaggableTypes(dir: string = SDK): string[] {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== "types") walk(p);
      } else if (e.name.endsWith(".js")) {
        const src = fs.readFileSync(p, "utf8");
        const type = /static __pulumiType = '([^']+)'/.exec(src);
        if (type && /resourceInputs\["tags"\] = args\?\.tags;/.test(src)) found.add(type[1]);
      }
    }
  };
  walk(dir);
  return [...found].sort();
}

function render(types: string[]): string {
  const version = JSON.parse(fs.readFileSync(path.join(SDK, "package.json"), "utf8")).version;
  return [
    "/**",
    ` * Resource types of @pulumi/alicloud ${version} that take \`tags\`. Generated from the installed SDK by`,
    " * test/policy/taggableTypes.test.ts (`UPDATE_TAGGABLE_TYPES=1 npx jest test/policy/taggableTypes`); do not edit.",
    " */",
    "export const TAGGABLE_ALICLOUD_TYPES: ReadonlySet<string> = new Set([",
    ...types.map((t) => `  "${t}",`),
    "]);",
    "",
  ].join("\n");
}

test("the taggable type list matches the installed @pulumi/alicloud", () => {
  const scanned = scanTaggableTypes();
  if (process.env.UPDATE_TAGGABLE_TYPES) fs.writeFileSync(TARGET, render(scanned));
  expect(scanned.length).toBeGreaterThan(100);
  expect([...TAGGABLE_ALICLOUD_TYPES].sort()).toEqual(scanned);
  // The file is exactly what the generator writes (header with the SDK version included).
  expect(fs.readFileSync(TARGET, "utf8")).toBe(render(scanned));
});

test("the types this program tags, and the RAM policy, are taggable; attachments and rules are not", () => {
  for (const t of [
    "alicloud:vpc/network:Network",
    "alicloud:vpc/switch:Switch",
    "alicloud:ecs/securityGroup:SecurityGroup",
    "alicloud:ecs/ecsKeyPair:EcsKeyPair",
    "alicloud:oss/bucket:Bucket",
    "alicloud:ram/user:User",
    "alicloud:ram/policy:Policy",
    "alicloud:ecs/ecsDisk:EcsDisk",
    "alicloud:ecs/instance:Instance",
  ]) {
    expect(TAGGABLE_ALICLOUD_TYPES.has(t)).toBe(true);
  }
  for (const t of [
    "alicloud:ecs/securityGroupRule:SecurityGroupRule",
    "alicloud:oss/bucketAcl:BucketAcl",
    "alicloud:ram/accessKey:AccessKey",
    "alicloud:ram/userPolicyAttachment:UserPolicyAttachment",
    "alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment",
  ]) {
    expect(TAGGABLE_ALICLOUD_TYPES.has(t)).toBe(false);
  }
});
