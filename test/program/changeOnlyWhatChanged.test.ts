/**
 * Adding or removing a CeresDB node changes no existing member's or node's config, container or
 * host; and what CeresMeta reads only at creation cannot be changed silently.
 */
import { bootstrapChangeProblems } from "../../components/cluster/bootstrapLock";
import { BootstrapSpec } from "../../components/model/types";
import { OfflineRun, runOffline, unwrapSecrets } from "../../tools/plan/offline";
import { BASE_BOOTSTRAP } from "../helpers/settingsInput";

const DYNAMIC = {
  "ceresdb:walType": "Kafka",
  "ceresdb:kafkaBrokers": JSON.stringify(["kafka-0:9092", "kafka-1:9092"]),
  "ceresdb:topology": "dynamic",
  "ceresdb:bootstrapNodeCount": "3",
  "ceresdb:shardTotal": "16",
};

function byKey(run: OfflineRun): Map<string, unknown> {
  return new Map(run.resources.map((r) => [`${r.type}::${r.name}`, unwrapSecrets(r.inputs)]));
}

describe("growing and shrinking a dynamic cluster", () => {
  let three: OfflineRun;
  let four: OfflineRun;
  beforeAll(async () => {
    three = await runOffline({ stack: "dev", overrides: { ...DYNAMIC, "ceresdb:nodeCount": "3" } });
    four = await runOffline({ stack: "dev", overrides: { ...DYNAMIC, "ceresdb:nodeCount": "4" } });
  });

  test("a fourth node only adds resources: every existing one keeps identical inputs", () => {
    const before = byKey(three);
    const after = byKey(four);
    const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
    // The one exception: the client load balancer's backend list gains the new node, in place.
    const clientBackends = "alicloud:slb/backendServer:BackendServer::ceresdb-dev-lb-client-backends";
    expect(changed).toEqual([clientBackends]);
    const servers = (m: Map<string, unknown>) => (m.get(clientBackends) as { backendServers: unknown[] }).backendServers;
    expect(servers(after).slice(0, 3)).toEqual(servers(before));
    expect(servers(after)).toHaveLength(4);
    const added = [...after.keys()].filter((k) => !before.has(k));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((k) => k.includes("-node-3"))).toBe(true);
  });

  test("scale-in hand-off: only nodes above the creation count get one; it runs on delete, before the node's container goes", () => {
    const handoffs = (run: OfflineRun) => run.resources.filter((r) => r.type === "command:remote:Command" && r.name.endsWith("-handoff"));
    expect(handoffs(three)).toEqual([]);
    const [h] = handoffs(four);
    expect(handoffs(four).map((r) => r.name)).toEqual(["ceresdb-dev-node-3-handoff"]);
    const script = String(unwrapSecrets(h.inputs.delete));
    const node3 = four.resources.find((r) => r.type === "docker:index/container:Container" && r.name.includes("-node-3"))!;
    expect(h.dependsOn).toContain(node3.name);
    // Back to three nodes, the hand-off is no longer declared, so Pulumi deletes it (running this
    // script) before the container it depends on.
    expect(script).toContain("NODE='10.");
    expect(script).toMatch(/TARGETS='(\S+ ){2}\S+'/);
    expect(h.inputs.create).toBe("true");
  });

  test("the CeresMeta configs keep the creation node count", () => {
    const metaToml = (run: OfflineRun) =>
      run.resources
        .filter((r) => r.type === "docker:index/container:Container" && r.name.includes("-meta-"))
        .map((r) => (unwrapSecrets(r.inputs.uploads) as { content: string }[])[0].content);
    for (const toml of [...metaToml(three), ...metaToml(four)]) expect(toml).toMatch(/default-cluster-node-count = 3\b/);
  });

  test("the lock records the creation values", () => {
    const lock = four.resources.find((r) => r.type === "pulumi-nodejs:dynamic/ceresdb:BootstrapLock")!;
    expect(lock).toBeDefined();
    expect(lock.inputs).toMatchObject({ nodeCount: 3, shardTotal: 16, topology: "dynamic", clusterName: "defaultCluster" });
  });
});

describe("the bootstrap lock refuses what CeresMeta would ignore", () => {
  const created: BootstrapSpec = { ...BASE_BOOTSTRAP };

  test("first deployment and unchanged values pass", () => {
    expect(bootstrapChangeProblems({}, created)).toEqual([]);
    expect(bootstrapChangeProblems(created, { ...created })).toEqual([]);
  });

  test("a static cluster cannot change its node count", () => {
    const [f] = bootstrapChangeProblems(created, { ...created, nodeCount: 4 });
    expect(f.property).toBe("nodeCount");
    expect(f.reason).toContain("ceresdb:nodeCount");
    expect(f.reason).toContain("keep ceresdb:nodeCount at 3");
  });

  test("a dynamic cluster is told to pin bootstrapNodeCount", () => {
    const dyn = { ...created, topology: "dynamic" as const };
    const [f] = bootstrapChangeProblems(dyn, { ...dyn, nodeCount: 5 });
    expect(f.reason).toContain("Set ceresdb:bootstrapNodeCount to 3");
  });

  test("shard total and topology changes are refused, each named", () => {
    const failures = bootstrapChangeProblems(created, { ...created, shardTotal: 16, topology: "dynamic" });
    expect(failures.map((f) => f.property).sort()).toEqual(["shardTotal", "topology"]);
    expect(failures.find((f) => f.property === "topology")!.reason).toContain("PUT /api/v1/clusters/defaultCluster");
  });
});
