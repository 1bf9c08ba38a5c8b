/**
 * The contract table's API: change kinds and rules, against the provider source each entry cites
 * (aliyun/terraform-provider-alicloud alicloud/resource_alicloud_instance.go, _ecs_disk.go, ...).
 */
import { changeKind, checkInputs, checkRule, checkTags, ECS_TAG_LIMITS, LINUX_HOSTNAME_RULES, OSS_TAG_LIMITS, worstChange } from "../../components/contracts/providers";

const INSTANCE = "alicloud:ecs/instance:Instance";
const DISK = "alicloud:ecs/ecsDisk:EcsDisk";

describe("changeKind", () => {
  it("follows the ECS instance's schema and Update (ForceNew, stop/start, in place)", () => {
    expect(changeKind(INSTANCE, "availabilityZone")).toBe("replace");
    expect(changeKind(INSTANCE, "systemDiskCategory")).toBe("replace");
    expect(changeKind(INSTANCE, "instanceType")).toBe("restart");
    expect(changeKind(INSTANCE, "userData")).toBe("restart");
    expect(changeKind(INSTANCE, "hostName")).toBe("restart");
    expect(changeKind(INSTANCE, "privateIp")).toBe("restart");
    expect(changeKind(INSTANCE, "tags")).toBe("update");
    expect(changeKind(INSTANCE, "tags.owner")).toBe("update");
    expect(changeKind(INSTANCE, "deletionProtection")).toBe("update");
  });
  it("follows the disk's schema", () => {
    expect(changeKind(DISK, "zoneId")).toBe("replace");
    expect(changeKind(DISK, "encrypted")).toBe("replace");
    expect(changeKind(DISK, "size")).toBe("update");
    expect(changeKind("alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment", "instanceId")).toBe("replace");
  });
  it("is undefined for what the table does not know, never a guess", () => {
    expect(changeKind(INSTANCE, "noSuchInput")).toBeUndefined();
    expect(changeKind("alicloud:no/such:Type", "tags")).toBeUndefined();
  });
  it("orders kinds by disruption", () => {
    expect(worstChange(["update", "restart", undefined])).toBe("restart");
    expect(worstChange(["update", "replace", "restart"])).toBe("replace");
    expect(worstChange([])).toBeUndefined();
  });
});

describe("rules", () => {
  const ok = (v: string) => LINUX_HOSTNAME_RULES.every((r) => checkRule(r, v) === undefined);
  it("Linux host names: 2-64, no leading/trailing or doubled . and -", () => {
    expect(ok("ceresdb-dev-meta-0")).toBe(true);
    expect(ok("a")).toBe(false);
    expect(ok("x".repeat(65))).toBe(false);
    expect(ok("x".repeat(64))).toBe(true);
    expect(ok("a--b")).toBe(false);
    expect(ok("a..b")).toBe(false);
    expect(ok("a.-b")).toBe(false);
    expect(ok("-ab")).toBe(false);
    expect(ok("ab.")).toBe(false);
    expect(ok("a_b")).toBe(false);
    expect(ok("1234")).toBe(false);
  });
  it("tags: count, lengths, reserved prefixes, URLs", () => {
    expect(checkTags({ a: "b" }, ECS_TAG_LIMITS)).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"]));
    expect(checkTags(many, ECS_TAG_LIMITS)).toEqual(["21 tags, at most 20"]);
    expect(checkTags(Object.fromEntries(Object.entries(many).slice(0, 11)), OSS_TAG_LIMITS)).toEqual(["11 tags, at most 10"]);
    expect(checkTags({ "Aliyun-x": "v" }, ECS_TAG_LIMITS)).toHaveLength(1);
    expect(checkTags({ k: "acs:x" }, ECS_TAG_LIMITS)).toHaveLength(1);
    expect(checkTags({ k: "see https://x.example" }, ECS_TAG_LIMITS)).toHaveLength(1);
    expect(checkTags({ ["k".repeat(129)]: "v" }, ECS_TAG_LIMITS)).toHaveLength(1);
    expect(checkTags({ ["k".repeat(65)]: "v" }, OSS_TAG_LIMITS)).toHaveLength(1);
    expect(checkTags({ ["k".repeat(65)]: "v" }, ECS_TAG_LIMITS)).toEqual([]);
    // OSS counts bytes: 22 three-byte characters are 66 bytes.
    expect(checkTags({ ["标".repeat(22)]: "v" }, OSS_TAG_LIMITS)).toHaveLength(1);
  });
});

describe("checkInputs", () => {
  const instance = {
    availabilityZone: "cn-hangzhou-h",
    hostName: "ceresdb-dev-meta-0",
    instanceName: "ceresdb-dev-meta-0",
    instanceType: "ecs.g7.large",
    imageId: "ubuntu_22_04_x64_20G_alibase_20240101.vhd",
    vswitchId: "vsw-1",
    systemDiskCategory: "cloud_essd",
    systemDiskSize: 40,
    instanceChargeType: "PostPaid",
    tags: { role: "meta" },
  };
  it("passes valid inputs", () => {
    expect(checkInputs(INSTANCE, instance)).toEqual([]);
  });
  it("names each bad input, and inputs the table does not know", () => {
    const problems = checkInputs(INSTANCE, { ...instance, hostName: "a--b", instanceType: "g7.large", surprise: 1 });
    expect(problems.map((p) => p.property).sort()).toEqual(["hostName", "instanceType", "surprise"]);
    expect(problems.find((p) => p.property === "hostName")?.source).toMatch(/resource_alicloud_instance\.go/);
  });
  it("requires what the provider requires", () => {
    const { instanceType: _, ...rest } = instance;
    void _;
    expect(checkInputs(INSTANCE, rest).map((p) => p.property)).toEqual(["instanceType"]);
  });
  it("checks the disk size against its category and level", () => {
    expect(checkInputs(DISK, { zoneId: "z", category: "cloud_essd", performanceLevel: "PL2", size: 100 })).toHaveLength(1);
    expect(checkInputs(DISK, { zoneId: "z", category: "cloud_essd", performanceLevel: "PL2", size: 500 })).toEqual([]);
    expect(checkInputs(DISK, { category: "cloud_essd", size: 100 })).toHaveLength(1);
  });
});
