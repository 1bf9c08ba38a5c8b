import { buildSpec, SettingsInput } from "../../components/model/buildSpec";
import { formatProblem } from "../../components/model/problems";
import { SettingName } from "../../components/model/settings";
import { settingsInput } from "../helpers/settingsInput";

type Values = Partial<Record<SettingName, string | undefined>>;
interface Case {
  why: string;
  values?: Values;
  secrets?: SettingName[];
  extra?: Partial<SettingsInput>;
  /** The setting the problem must name. */
  setting: string;
  /** Text the message must contain (the given value or the rule). */
  says?: string;
}

const NO_SSH_KEY: SettingName[] = [];
const OBKV_OK: Values = { walType: "Obkv", obkvParamUrl: "http://ob:8080/x", obkvFullUserName: "u@t#c" };

/** Bad input, each refused with a message naming the setting; the table is the specification. */
const CASES: Case[] = [
  { why: "unknown version", values: { version: "v1.2.3" }, setting: "ceresdb:version", says: "v1.2.2, v1.2.4, v1.2.5, v1.2.6, v1.2.7" },
  { why: "version without v", values: { version: "1.2.7" }, setting: "ceresdb:version" },
  { why: "unknown environment class", values: { environment: "production" }, setting: "ceresdb:environment", says: "one of prod, staging, test" },
  { why: "test stack without owner", values: { environment: "test", expiresAt: "2026-12-01T00:00:00Z" }, setting: "ceresdb:owner" },
  { why: "test stack without expiry", values: { environment: "test", owner: "alice" }, setting: "ceresdb:expiresAt" },
  { why: "expiry not a UTC timestamp", values: { environment: "test", owner: "a", expiresAt: "next friday" }, setting: "ceresdb:expiresAt", says: "next friday" },
  { why: "resource prefix with capitals", values: { resourcePrefix: "CeresDB" }, setting: "ceresdb:resourcePrefix" },
  { why: "tags not a map", values: { tags: "[1,2]" }, setting: "ceresdb:tags", says: "a map" },
  { why: "tag value not a string", values: { tags: JSON.stringify({ team: 5 }) }, setting: "ceresdb:tags" },
  { why: "tag overriding a managed tag", values: { tags: JSON.stringify({ owner: "x" }) }, setting: "ceresdb:tags", says: "set by the stack itself" },
  { why: "reserved aliyun tag prefix", values: { tags: JSON.stringify({ "aliyun:x": "y" }) }, setting: "ceresdb:tags" },
  { why: "unknown log level", values: { logLevel: "verbose" }, setting: "ceresdb:logLevel" },
  { why: "meta count not a number", values: { metaCount: "three" }, setting: "ceresdb:metaCount", says: "three" },
  { why: "even meta count", values: { metaCount: "4" }, setting: "ceresdb:metaCount", says: "odd" },
  { why: "meta count above 7", values: { metaCount: "9" }, setting: "ceresdb:metaCount" },
  { why: "negative meta count", values: { metaCount: "-1" }, setting: "ceresdb:metaCount" },
  { why: "standalone meta in prod", values: { metaCount: "1" }, setting: "ceresdb:metaCount", says: "single point of failure" },
  { why: "zero nodes", values: { nodeCount: "0" }, setting: "ceresdb:nodeCount", says: "from 1 to 500" },
  { why: "fractional node count", values: { nodeCount: "2.5" }, setting: "ceresdb:nodeCount" },
  { why: "too many nodes", values: { nodeCount: "501" }, setting: "ceresdb:nodeCount" },
  { why: "unknown topology", values: { topology: "elastic" }, setting: "ceresdb:topology" },
  { why: "dynamic topology with a RocksDB WAL", values: { topology: "dynamic" }, setting: "ceresdb:topology", says: "local WAL" },
  { why: "fewer shards than nodes", values: { nodeCount: "10", shardTotal: "8" }, setting: "ceresdb:shardTotal", says: "at least nodeCount (10)" },
  { why: "static cluster created with another node count", values: { nodeCount: "3", bootstrapNodeCount: "2" }, setting: "ceresdb:bootstrapNodeCount", says: "node set is fixed" },
  { why: "scale-in of a static cluster (issue 10): refused with the reason and the way out", values: { nodeCount: "3", bootstrapNodeCount: "4", shardTotal: "8" }, setting: "ceresdb:nodeCount", says: "a static cluster cannot shrink, because CeresMeta never moves a static cluster's shards off a node" },
  { why: "bootstrap node count above node count", values: { walType: "Kafka", kafkaBrokers: JSON.stringify(["k:9092"]), topology: "dynamic", bootstrapNodeCount: "5" }, setting: "ceresdb:bootstrapNodeCount", says: "at most nodeCount (3)" },
  { why: "zero shards", values: { shardTotal: "0" }, setting: "ceresdb:shardTotal" },
  { why: "rejoin of a member that does not exist", values: { rejoinMetaMembers: "[3]" }, setting: "ceresdb:rejoinMetaMembers", says: "from 0 to 2" },
  { why: "rejoin of two members at once", values: { metaCount: "5", rejoinMetaMembers: "[1,2]" }, setting: "ceresdb:rejoinMetaMembers", says: "one member at a time" },
  { why: "zones missing", values: { zones: undefined }, setting: "ceresdb:zones", says: "not set" },
  { why: "zones not a list", values: { zones: "cn-hangzhou-h" }, setting: "ceresdb:zones" },
  { why: "the same zone twice", values: { zones: JSON.stringify(["cn-hangzhou-h", "cn-hangzhou-h", "cn-hangzhou-j"]) }, setting: "ceresdb:zones", says: "each zone once" },
  { why: "a zone of another region", values: { zones: JSON.stringify(["cn-hangzhou-h", "cn-hangzhou-i", "cn-beijing-a"]) }, setting: "ceresdb:zones", says: "cn-hangzhou" },
  { why: "only two zones in prod", values: { zones: JSON.stringify(["cn-hangzhou-h", "cn-hangzhou-i"]) }, setting: "ceresdb:zones", says: "at least 3 zones" },
  { why: "malformed VPC ID", values: { vpcId: "my-vpc" }, setting: "ceresdb:vpcId" },
  { why: "bad VPC CIDR", values: { vpcCidr: "10.10.0.0/33" }, setting: "ceresdb:vpcCidr", says: "10.10.0.0/33" },
  { why: "VPC CIDR with host bits", values: { vpcCidr: "10.10.0.1/16" }, setting: "ceresdb:vpcCidr" },
  { why: "public VPC CIDR", values: { vpcCidr: "8.8.0.0/16" }, setting: "ceresdb:vpcCidr", says: "private range" },
  { why: "vSwitch IDs without a VPC", values: { vswitchIds: JSON.stringify(["vsw-a", "vsw-b", "vsw-c"]) }, setting: "ceresdb:vswitchIds", says: "only together with vpcId" },
  { why: "existing VPC without vSwitch CIDRs", values: { vpcId: "vpc-abc" }, setting: "ceresdb:vswitchCidrs", says: "required with vpcId" },
  { why: "vSwitch CIDR outside the VPC", values: { vswitchCidrs: JSON.stringify(["10.10.0.0/24", "10.10.1.0/24", "10.99.0.0/24"]) }, setting: "ceresdb:vswitchCidrs", says: "inside vpcCidr" },
  { why: "overlapping vSwitch CIDRs", values: { vswitchCidrs: JSON.stringify(["10.10.0.0/23", "10.10.1.0/24", "10.10.2.0/24"]) }, setting: "ceresdb:vswitchCidrs", says: "do not overlap" },
  { why: "vSwitch CIDR count differs from zones", values: { vswitchCidrs: JSON.stringify(["10.10.0.0/24"]) }, setting: "ceresdb:vswitchCidrs", says: "one CIDR per zone (3)" },
  { why: "vSwitch too small for its nodes", values: { vswitchCidrs: JSON.stringify(["10.10.0.0/27", "10.10.1.0/24", "10.10.2.0/24"]), nodeCount: "30", shardTotal: "30" }, setting: "ceresdb:nodeCount", says: "at most" },
  { why: "bad client CIDR", values: { clientCidrs: JSON.stringify(["10.0.0.0/40"]) }, setting: "ceresdb:clientCidrs" },
  { why: "client CIDR open to the internet without opt-in", values: { clientCidrs: JSON.stringify(["0.0.0.0/0"]) }, setting: "ceresdb:clientCidrs", says: "allowPublicAccess" },
  { why: "admin CIDR open to the internet in prod even with opt-in", values: { adminCidrs: JSON.stringify(["0.0.0.0/0"]), allowPublicAccess: "true" }, setting: "ceresdb:adminCidrs", says: "never opened to the internet" },
  { why: "admin CIDR open to the internet in a test stack", values: { environment: "test", owner: "a", expiresAt: "2026-12-01T00:00:00Z", adminCidrs: JSON.stringify(["0.0.0.0/0"]), allowPublicAccess: "true" }, setting: "ceresdb:adminCidrs", says: "never opened to the internet" },
  { why: "boolean given as yes", values: { assignPublicIp: "yes" }, setting: "ceresdb:assignPublicIp", says: "true or false" },
  { why: "ports not a map", values: { ports: "8831" }, setting: "ceresdb:ports" },
  { why: "unknown port name", values: { ports: JSON.stringify({ admin: 9000 }) }, setting: "ceresdb:ports", says: "admin" },
  { why: "clashing ports", values: { ports: JSON.stringify({ http: 8831 }) }, setting: "ceresdb:ports", says: "grpc and http = 8831" },
  { why: "port out of range", values: { ports: JSON.stringify({ grpc: 70000 }) }, setting: "ceresdb:ports" },
  { why: "port 22 taken by SSH", values: { ports: JSON.stringify({ mysql: 22 }) }, setting: "ceresdb:ports", says: "never 22" },
  { why: "bad SSH user", values: { sshUser: "Root User" }, setting: "ceresdb:sshUser" },
  { why: "SSH public key missing", values: { sshPublicKey: undefined }, setting: "ceresdb:sshPublicKey" },
  { why: "a private key given as the public key", values: { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" }, setting: "ceresdb:sshPublicKey" },
  { why: "an ed25519 key, which ECS ImportKeyPair does not take", values: { sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdMEy4gTp1j8eVBgYqSBbHj6ztbG0tYdPTrqQ9x9ad1 ops@example" }, setting: "ceresdb:sshPublicKey", says: "ssh-ed25519 keys are refused" },
  { why: "a retiring key of a type ECS does not take", values: { sshRetiringPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdMEy4gTp1j8eVBgYqSBbHj6ztbG0tYdPTrqQ9x9ad1 old" }, setting: "ceresdb:sshRetiringPublicKey", says: "ed25519" },
  { why: "replaceHosts naming a host the stack does not have", values: { replaceHosts: JSON.stringify(["node-3"]) }, setting: "ceresdb:replaceHosts", says: "node-0 to node-2" },
  { why: "replaceHosts naming something that is not a host", values: { replaceHosts: JSON.stringify(["i-bp1xyz"]) }, setting: "ceresdb:replaceHosts", says: "host names" },
  { why: "SSH private key secret missing", secrets: NO_SSH_KEY, setting: "ceresdb:sshPrivateKey", says: "--secret" },
  { why: "a secret stored in plain text", extra: { plaintextSecrets: ["sshPrivateKey"] }, setting: "ceresdb:sshPrivateKey", says: "encrypted" },
  { why: "bad bastion", values: { bastionHost: "bastion:99999" }, setting: "ceresdb:bastionHost" },
  { why: "bastion without its host key", values: { bastionHost: "bastion.example" }, setting: "ceresdb:bastionHostKey", says: "public host key" },
  { why: "bastion host key of type ssh-rsa (SHA-1 only in @pulumi/command)", values: { bastionHost: "bastion.example", bastionHostKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7" }, setting: "ceresdb:bastionHostKey", says: "ssh-rsa cannot be verified" },
  { why: "bastion host key without a bastion", values: { bastionHostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA3YqJPioRv63Ab" }, setting: "ceresdb:bastionHostKey", says: "only with ceresdb:bastionHost" },
  { why: "bad instance type", values: { nodeInstanceType: "g7.xlarge" }, setting: "ceresdb:nodeInstanceType" },
  { why: "negative disk size", values: { nodeDataDiskSizeGb: "-100" }, setting: "ceresdb:nodeDataDiskSizeGb" },
  { why: "tiny meta disk", values: { metaDataDiskSizeGb: "5" }, setting: "ceresdb:metaDataDiskSizeGb", says: "from 20" },
  { why: "unknown disk category", values: { dataDiskCategory: "hdd" }, setting: "ceresdb:dataDiskCategory" },
  { why: "slow disks in prod", values: { dataDiskCategory: "cloud_efficiency" }, setting: "ceresdb:dataDiskCategory", says: "fsync" },
  { why: "registry with a scheme", values: { imageRegistry: "https://docker.io" }, setting: "ceresdb:imageRegistry" },
  { why: "registry user without password", values: { registryUsername: "bot" }, setting: "ceresdb:registryPassword" },
  { why: "registry password without user", secrets: ["sshPrivateKey", "registryPassword"], setting: "ceresdb:registryUsername" },
  { why: "bucket name with capitals", values: { bucketName: "My_Bucket" }, setting: "ceresdb:bucketName", says: "My_Bucket" },
  { why: "bucket name too short", values: { bucketName: "ab" }, setting: "ceresdb:bucketName" },
  { why: "bucket name with a double hyphen", values: { bucketName: "acme--ceresdb" }, setting: "ceresdb:bucketName" },
  { why: "existing bucket without a name", values: { createBucket: "false", bucketName: undefined }, setting: "ceresdb:bucketName", says: "existing bucket" },
  { why: "bucket prefix starting with /", values: { bucketPrefix: "/data" }, setting: "ceresdb:bucketPrefix" },
  { why: "bucket prefix escaping upwards", values: { bucketPrefix: "a/../b" }, setting: "ceresdb:bucketPrefix" },
  { why: "OSS key ID without its secret", values: { ossAccessKeyId: "LTAI5tExample" }, setting: "ceresdb:ossAccessKeySecret" },
  { why: "OSS key secret without its ID", secrets: ["sshPrivateKey", "ossAccessKeySecret"], setting: "ceresdb:ossAccessKeyId" },
  { why: "unknown WAL type", values: { walType: "rocksdb" }, setting: "ceresdb:walType", says: "RocksDB, Obkv, Kafka" },
  { why: "Obkv without its password secret", values: OBKV_OK, setting: "ceresdb:obkvPassword", says: "required for walType Obkv" },
  { why: "Obkv without param URL", values: { ...OBKV_OK, obkvParamUrl: undefined }, secrets: ["sshPrivateKey", "obkvPassword", "obkvSysPassword"], setting: "ceresdb:obkvParamUrl" },
  { why: "Obkv user without tenant and cluster", values: { ...OBKV_OK, obkvFullUserName: "root" }, secrets: ["sshPrivateKey", "obkvPassword", "obkvSysPassword"], setting: "ceresdb:obkvFullUserName", says: "user@tenant#cluster" },
  { why: "Kafka without brokers", values: { walType: "Kafka" }, setting: "ceresdb:kafkaBrokers", says: "required for walType Kafka" },
  { why: "Kafka broker without port", values: { walType: "Kafka", kafkaBrokers: JSON.stringify(["kafka1"]) }, setting: "ceresdb:kafkaBrokers", says: "host:port" },
  { why: "several Kafka brokers on v1.2.2", values: { version: "v1.2.2", walType: "Kafka", kafkaBrokers: JSON.stringify(["k1:9092", "k2:9092"]) }, setting: "ceresdb:kafkaBrokers", says: "one broker with v1.2.2" },
  { why: "region missing", extra: { region: undefined }, setting: "alicloud:region" },
];

describe(`buildSpec refuses ${CASES.length} kinds of bad input, naming the setting`, () => {
  test("the table covers at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES.map((c) => [c.why, c] as const))("%s", (_why, c) => {
    const r = buildSpec(settingsInput(c.values, c.secrets, c.extra));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const named = r.problems.filter((p) => p.setting === c.setting);
    expect(named.map(formatProblem)).not.toEqual([]);
    if (c.says) expect(named.map(formatProblem).join("\n")).toContain(c.says);
  });
});
