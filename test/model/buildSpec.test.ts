import { buildSpec, protectionFor } from "../../components/model/buildSpec";
import { formatProblem, InvalidSettingsError } from "../../components/model/problems";
import { BASE_BOOTSTRAP, settingsInput } from "../helpers/settingsInput";

function specOf(...args: Parameters<typeof settingsInput>) {
  const r = buildSpec(settingsInput(...args));
  if (!r.ok) throw new Error(new InvalidSettingsError(r.problems).message);
  return r.spec;
}

describe("buildSpec on valid settings", () => {
  test("applies the documented defaults", () => {
    const spec = specOf();
    expect(spec.version).toBe("v1.2.7");
    expect(spec.meta).toHaveLength(3);
    expect(spec.nodes).toHaveLength(3);
    expect(spec.wal).toEqual({ type: "RocksDB" });
    expect(spec.bootstrap).toEqual(BASE_BOOTSTRAP);
    expect(spec.ports).toEqual({ grpc: 8831, http: 5440, mysql: 3307, postgresql: 5433, metaClient: 2379, metaPeer: 2380, metaHttp: 8080 });
    expect(spec.namePrefix).toBe("ceresdb-prod");
    expect(spec.storage.endpoint).toBe("https://oss-cn-hangzhou-internal.aliyuncs.com");
    expect(spec.storage.prefix).toBe("ceresdb-prod");
    expect(spec.images.meta).toBe("docker.io/ceresdb/ceresmeta-server:v1.2.7");
    expect(spec.images.node).toBe("docker.io/ceresdb/ceresdb-server:v1.2.7");
    expect(spec.network.clientCidrs).toEqual(["10.10.0.0/16"]);
  });

  test("spreads members over zones with pinned IPs inside each zone's vSwitch", () => {
    const spec = specOf();
    expect(spec.network.zones.map((z) => z.cidr)).toEqual(["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24"]);
    expect(spec.meta.map((m) => [m.memberName, m.host.zoneId, m.host.privateIp])).toEqual([
      ["meta0", "cn-hangzhou-h", "10.10.0.10"],
      ["meta1", "cn-hangzhou-i", "10.10.1.10"],
      ["meta2", "cn-hangzhou-j", "10.10.2.10"],
    ]);
    expect(spec.nodes.map((n) => n.host.privateIp)).toEqual(["10.10.0.20", "10.10.1.20", "10.10.2.20"]);
  });

  test("tags every resource with the managed tags, user tags kept", () => {
    const spec = specOf({ environment: "test", owner: "alice", expiresAt: "2026-12-01T00:00:00Z", tags: JSON.stringify({ team: "tsdb" }) });
    expect(spec.tags).toEqual({
      team: "tsdb",
      "managed-by": "ceresdb-cluster",
      stack: "prod",
      environment: "test",
      owner: "alice",
      "expires-at": "2026-12-01T00:00:00Z",
    });
  });

  test("environment classes turn protection on and off", () => {
    expect(protectionFor("prod")).toEqual({ protectData: true, deletionProtection: true, ossVersioning: true, forceDestroyBucket: false });
    expect(protectionFor("staging").protectData).toBe(true);
    expect(protectionFor("test")).toEqual({ protectData: false, deletionProtection: false, ossVersioning: false, forceDestroyBucket: true });
  });

  test("Obkv and Kafka WALs carry their settings; dynamic topology is accepted with them", () => {
    const obkv = specOf(
      { walType: "Obkv", topology: "dynamic", obkvParamUrl: "http://ob.example:8080/services?Action=ObRootServiceInfo", obkvFullUserName: "u@t#c" },
      ["sshPrivateKey", "obkvPassword", "obkvSysPassword"],
    );
    expect(obkv.wal).toEqual({ type: "Obkv", paramUrl: "http://ob.example:8080/services?Action=ObRootServiceInfo", fullUserName: "u@t#c", sysUserName: "root" });
    expect(obkv.bootstrap.topology).toBe("dynamic");
    // Two bootstrap brokers of a larger Kafka cluster: prod needs the factor (3) set explicitly.
    const kafka = specOf({ walType: "Kafka", topology: "dynamic", kafkaBrokers: JSON.stringify(["k1:9092", "k2:9092"]), kafkaReplicationFactor: "3" });
    expect(kafka.wal).toEqual({ type: "Kafka", brokers: ["k1:9092", "k2:9092"], replicationFactor: 3 });
  });

  test("existing VPC and vSwitches are used as given", () => {
    const spec = specOf({
      vpcId: "vpc-bp1existing",
      vpcCidr: "172.16.0.0/12",
      vswitchIds: JSON.stringify(["vsw-a1", "vsw-b2", "vsw-c3"]),
      vswitchCidrs: JSON.stringify(["172.16.8.0/22", "172.16.12.0/22", "172.16.16.0/22"]),
    });
    expect(spec.network.vpcId).toBe("vpc-bp1existing");
    expect(spec.network.zones.map((z) => [z.vswitchId, z.cidr])).toEqual([
      ["vsw-a1", "172.16.8.0/22"],
      ["vsw-b2", "172.16.12.0/22"],
      ["vsw-c3", "172.16.16.0/22"],
    ]);
    expect(spec.meta[1].host.privateIp).toBe("172.16.12.10");
  });

  test("a member listed in rejoinMetaMembers renders as existing, the others as new", () => {
    const spec = specOf({ rejoinMetaMembers: "[1]" });
    expect(spec.meta.map((m) => m.initialClusterState)).toEqual(["new", "existing", "new"]);
  });

  test("unused WAL settings give a warning, not an error", () => {
    const r = buildSpec(settingsInput({ kafkaBrokers: JSON.stringify(["k:9092"]) }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.join("\n")).toContain("ceresdb:kafkaBrokers is set but unused");
  });
});

describe("buildSpec reports every problem at once", () => {
  test("three independent mistakes give three problems, each naming its setting", () => {
    const r = buildSpec(settingsInput({ metaCount: "4", walType: "Rocks", vpcCidr: "10.0.0.1/16" }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.setting).sort()).toEqual(["ceresdb:metaCount", "ceresdb:vpcCidr", "ceresdb:walType"]);
    const text = new InvalidSettingsError(r.problems).message;
    expect(text).toContain('ceresdb:metaCount: got "4"; an odd number');
    expect(text).toContain('ceresdb:walType: got "Rocks"; one of RocksDB, Obkv, Kafka');
    expect(text).toMatch(/^Invalid stack settings \(3 problems\):/);
  });

  test("formatProblem says when a setting is missing", () => {
    expect(formatProblem({ setting: "ceresdb:zones", allowed: "required" })).toBe("ceresdb:zones: not set; required");
  });
});
