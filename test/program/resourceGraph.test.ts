/**
 * The resource graph the real program registers, run in-process under Pulumi mocks with the
 * checked-in dev stack and with a 5-member, 20-node variant of it.
 */
import { ComputeHook, OfflineRun, RecordedResource, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { ingressRules } from "../../components/network/firewall";
import { buildSpec } from "../../components/model/buildSpec";
import { settingsInput } from "../helpers/settingsInput";
import { byType, named } from "../helpers/recorded";

function countByType(run: OfflineRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** Checks every topology fact that must hold for any stack; returns the containers for more checks. */
function checkGraph(run: OfflineRun, metaCount: number, nodeCount: number) {
  const hosts = metaCount + nodeCount;
  const counts = countByType(run);
  expect(counts).toMatchObject({
    "ceresdb:cluster:CeresDBCluster": 1,
    "ceresdb:network:Network": 1,
    "ceresdb:storage:Storage": 1,
    "ceresdb:meta:MetaMember": metaCount,
    "ceresdb:server:ServerNode": nodeCount,
    "ceresdb:hosts:Host": hosts,
    "ceresdb:runtime:DockerService": hosts,
    "alicloud:ecs/instance:Instance": hosts,
    "alicloud:ecs/ecsDisk:EcsDisk": hosts,
    "alicloud:ecs/ecsDiskAttachment:EcsDiskAttachment": hosts,
    "pulumi:providers:docker": hosts,
    "docker:index/remoteImage:RemoteImage": hosts,
    "docker:index/container:Container": hosts,
    // A readiness gate and a setup command per host, a rolling gate per service, a bootstrap guard
    // and the metadata backup's OSS key per member.
    "command:remote:Command": 3 * hosts + 2 * metaCount,
    // A roll gate per member and per node, run where Pulumi runs; a replacement lock per host (state only).
    "command:local:Command": hosts,
    "pulumi-nodejs:dynamic/ceresdb:HostLock": hosts,
  });

  // Every resource but the cluster has a parent, and its name is derived from the parent's.
  const cluster = byType(run, "ceresdb:cluster:CeresDBCluster")[0];
  for (const r of run.resources) {
    if (r === cluster) {
      expect(r.parent).toBeUndefined();
      continue;
    }
    expect(r.parent).toBeDefined();
    expect(r.name.startsWith(r.parent!)).toBe(true);
  }

  const containers = byType(run, "docker:index/container:Container");
  const instances = byType(run, "alicloud:ecs/instance:Instance");
  for (const c of containers) {
    expect(c.name).toBe(`${c.parent}-container`);
    const service = named(run, c.parent!);
    const owner = named(run, service.parent!); // MetaMember or ServerNode
    const hostName = `${owner.name}-host`;
    // The container runs on its own host's Docker, and that Docker is only used after the host is ready.
    expect(c.provider).toBe(`${hostName}-docker`);
    const provider = named(run, `${hostName}-docker`);
    expect(provider.parent).toBe(hostName);
    expect(provider.dependsOn).toContain(`${hostName}-ready`);
    const instance = instances.find((i) => i.parent === hostName)!;
    // Public hosts without a bastion are reached on their public IP, all others on the private one.
    const address = instance.inputs.internetMaxBandwidthOut ? instance.state.publicIp : instance.inputs.privateIp;
    expect(address).toBeTruthy();
    expect(provider.inputs.host).toBe(`ssh://root@${address}:22`);
    const gate = named(run, `${service.name}-gate`);
    expect((unwrapSecrets(gate.inputs.connection) as { host: string }).host).toBe(address);
    // The readiness gate runs against the same instance.
    expect(named(run, `${hostName}-ready`).dependsOn).toContain(`${hostName}-data`);
  }
  return { containers, instances };
}

/** Instances with outbound bandwidth get a public IP, as on Alibaba Cloud. */
const publicIps: ComputeHook = ({ type, inputs }) =>
  type === "alicloud:ecs/instance:Instance" && inputs.internetMaxBandwidthOut > 0
    ? { publicIp: `198.51.100.${String(inputs.privateIp).split(".")[2]}${String(inputs.privateIp).split(".")[3]}` }
    : undefined;

/** The names on a remote command's trigger line (components/render/remoteCommands.ts withTriggerLine). */
function triggerNames(text: unknown): string[] {
  const line = String(text).split("\n").find((l) => l.startsWith(": re-run when these change: ")) ?? "";
  return [...line.matchAll(/ ([A-Z][A-Z0-9_]*)='/g)].map((m) => m[1]);
}

function labels(c: RecordedResource): Record<string, string> {
  return Object.fromEntries((c.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
}

describe("dev stack", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({ stack: "dev", compute: publicIps });
  });

  test("registers the cluster: network, storage, 3 members and 2 nodes on their own hosts", () => {
    const { containers, instances } = checkGraph(run, 3, 2);
    expect(containers.map((c) => labels(c)["ceresdb.member"]).sort()).toEqual(["meta0", "meta1", "meta2", "node0", "node1"]);
    expect(instances.map((i) => i.inputs.privateIp)).toEqual(["10.10.0.10", "10.10.1.10", "10.10.2.10", "10.10.0.20", "10.10.1.20"]);
  });

  test("one firewall rule per port and source, as the firewall table says", () => {
    // The dev stack's settings that decide rules: its admin CIDRs and its external Prometheus.
    const r = buildSpec(settingsInput({ adminCidrs: JSON.stringify(["192.0.2.0/24"]), monitoring: "external", monitoringCidrs: JSON.stringify(["198.51.100.0/24"]) }));
    if (!r.ok) throw new Error("spec");
    expect(byType(run, "alicloud:ecs/securityGroupRule:SecurityGroupRule")).toHaveLength(ingressRules(r.spec).length);
  });

  test("later changes roll: each member waits for the previous member's roll gate, node 0 for the last member's, node 1 for node 0's", () => {
    const container = (owner: string, svc: string) => named(run, `${owner}-${svc}-container`);
    // Each member's container also waits for its own bootstrap guard (docs/rollout.md has the graph).
    expect(container("ceresdb-dev-meta-0", "ceresmeta").dependsOn).toEqual(["ceresdb-dev-meta-0-guard"]);
    expect(container("ceresdb-dev-meta-1", "ceresmeta").dependsOn).toEqual(["ceresdb-dev-meta-0-roll", "ceresdb-dev-meta-1-guard"]);
    expect(container("ceresdb-dev-meta-2", "ceresmeta").dependsOn).toEqual(["ceresdb-dev-meta-1-roll", "ceresdb-dev-meta-2-guard"]);
    expect(container("ceresdb-dev-node-0", "ceresdb").dependsOn).toEqual(["ceresdb-dev-meta-2-roll"]);
    expect(container("ceresdb-dev-node-1", "ceresdb").dependsOn).toEqual(["ceresdb-dev-node-0-roll"]);
    // Nothing waits for a service's own gate: it orders nothing.
    for (const r of run.resources) expect((r.dependsOn ?? []).filter((d) => d.endsWith("-gate"))).toEqual([]);
  });

  test("hosts roll through the same roll gates, which run nothing at creation", () => {
    const instance = (owner: string) => byType(run, "alicloud:ecs/instance:Instance").find((r) => r.parent === `${owner}-host`)!;
    // Each instance first waits for its host lock (state only, refuses replacing protected hosts).
    expect(instance("ceresdb-dev-meta-0").dependsOn ?? []).toEqual(["ceresdb-dev-meta-0-host-lock"]);
    expect(instance("ceresdb-dev-meta-1").dependsOn).toEqual(["ceresdb-dev-meta-1-host-lock", "ceresdb-dev-meta-0-roll"]);
    expect(instance("ceresdb-dev-meta-2").dependsOn).toEqual(["ceresdb-dev-meta-2-host-lock", "ceresdb-dev-meta-1-roll"]);
    expect(instance("ceresdb-dev-node-0").dependsOn).toEqual(["ceresdb-dev-node-0-host-lock", "ceresdb-dev-meta-2-roll"]);
    expect(instance("ceresdb-dev-node-1").dependsOn).toEqual(["ceresdb-dev-node-1-host-lock", "ceresdb-dev-node-0-roll"]);
    for (const roll of byType(run, "command:local:Command")) {
      expect(roll.name).toMatch(/-roll$/);
      expect(roll.inputs.create).toBeUndefined();
    }
    expect(String(unwrapSecrets(named(run, "ceresdb-dev-node-0-roll").inputs.update))).toContain("WANT_HOST='type=ecs.g7.large;");
  });

  test("each member's bootstrap guard runs on its host after the host is ready, and re-runs when config, image or host change", () => {
    const guard = named(run, "ceresdb-dev-meta-1-guard");
    expect(guard.dependsOn).toEqual(["ceresdb-dev-meta-1-host-ready"]);
    // The values that re-run it are in its text, not in `environment` (defect 1 of issue 9).
    expect(guard.inputs.environment).toBeUndefined();
    expect(triggerNames(guard.inputs.create)).toEqual(["CONFIG_SHA256", "HOST_REVISION", "IMAGE"]);
    expect(String(guard.inputs.create)).toContain("PEER_URL='http://10.10.1.10:2380'");
  });

  test("the gate only waits for a running container at creation, and for health on every change", () => {
    const gate = named(run, "ceresdb-dev-meta-0-ceresmeta-gate");
    expect(String(gate.inputs.create)).toContain("State.Running");
    expect(String(gate.inputs.create)).not.toContain("curl");
    expect(String(gate.inputs.update)).toContain("http://127.0.0.1:8080/api/v1/health");
    expect(gate.inputs.environment).toBeUndefined();
    expect(triggerNames(gate.inputs.update)).toEqual(["CONTAINER_ID", "HOST_REVISION"]);
    expect(String(gate.inputs.update)).toContain(`CONTAINER_ID='${named(run, "ceresdb-dev-meta-0-ceresmeta-container").id}'`);
    expect(String(unwrapSecrets(named(run, "ceresdb-dev-node-1-ceresdb-gate").inputs.update))).toContain("http://127.0.0.1:5440/");
  });

  test("test class: nothing protected, bucket destroyable, no deletion protection; tagged with owner and expiry", () => {
    for (const r of run.resources) expect(r.options?.protect ?? false).toBe(false);
    const bucket = byType(run, "alicloud:oss/bucket:Bucket")[0];
    expect(bucket.inputs.forceDestroy).toBe(true);
    for (const i of byType(run, "alicloud:ecs/instance:Instance")) {
      expect(i.inputs.deletionProtection).toBe(false);
      expect(i.inputs.tags).toMatchObject({ owner: "platform-team", "expires-at": "2027-06-30T00:00:00Z", environment: "test" });
    }
  });

  test("exports endpoints and addresses, and no secret", () => {
    expect(run.outputs.metaEndpoints).toEqual(["http://10.10.0.10:2379", "http://10.10.1.10:2379", "http://10.10.2.10:2379"]);
    expect(run.outputs.grpcEndpoints).toEqual(["10.10.0.20:8831", "10.10.1.20:8831"]);
    expect(run.outputs.mysqlEndpoints).toEqual(["10.10.0.20:3307", "10.10.1.20:3307"]);
    expect(run.outputs.bucket).toBe("acme-ceresdb-dev");
    expect(run.outputs.metaFaultTolerance).toBe(1);
  });
});

describe("private hosts in a VPC the stack creates", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({ stack: "dev", overrides: { "ceresdb:assignPublicIp": "false" } });
  });

  test("get a NAT gateway with an EIP and SNAT for every vSwitch, and boot only once it exists", () => {
    expect(byType(run, "alicloud:vpc/natGateway:NatGateway")).toHaveLength(1);
    expect(byType(run, "alicloud:ecs/eipAssociation:EipAssociation")[0].inputs).toMatchObject({ instanceType: "Nat" });
    const snat = byType(run, "alicloud:vpc/snatEntry:SnatEntry");
    expect(snat.map((e) => e.inputs.sourceVswitchId).sort()).toEqual(byType(run, "alicloud:vpc/switch:Switch").map((s) => s.id).sort());
    for (const e of snat) expect(e.inputs.snatTableId).toMatch(/^stb-/);
    for (const i of byType(run, "alicloud:ecs/instance:Instance")) {
      expect(i.inputs.internetMaxBandwidthOut).toBe(0);
      expect(i.dependsOn).toEqual(expect.arrayContaining(snat.map((e) => e.name)));
    }
  });

  test("no NAT gateway in an existing VPC or for public hosts", async () => {
    expect(byType(await runOffline({ stack: "dev" }), "alicloud:vpc/natGateway:NatGateway")).toEqual([]);
    const existing = await runOffline({
      stack: "dev",
      overrides: {
        "ceresdb:assignPublicIp": "false",
        "ceresdb:vpcId": "vpc-existing1",
        "ceresdb:vswitchIds": JSON.stringify(["vsw-a", "vsw-b", "vsw-c"]),
        "ceresdb:vswitchCidrs": JSON.stringify(["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24"]),
      },
    });
    expect(byType(existing, "alicloud:vpc/natGateway:NatGateway")).toEqual([]);
    expect(byType(existing, "alicloud:vpc/network:Network")).toEqual([]);
    expect(byType(existing, "alicloud:vpc/switch:Switch")).toEqual([]);
  });
});

describe("5 members, 20 nodes", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runOffline({ stack: "dev", compute: publicIps, overrides: { "ceresdb:metaCount": "5", "ceresdb:nodeCount": "20", "ceresdb:shardTotal": "40" } });
  });

  test("every member and node has its own host, spread over the zones, with unique IPs", () => {
    const { instances } = checkGraph(run, 5, 20);
    const ips = instances.map((i) => i.inputs.privateIp);
    expect(new Set(ips).size).toBe(25);
    const zonesOfMembers = instances.filter((i) => (i.inputs.tags as Record<string, string>).role === "meta").map((i) => i.inputs.availabilityZone);
    expect(zonesOfMembers).toEqual(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-h", "cn-hangzhou-i"]);
    expect(run.outputs.metaFaultTolerance).toBe(2);
  });
});
