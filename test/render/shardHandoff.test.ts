import { needsShardHandoff, renderShardHandoff } from "../../components/render";
import { kafkaDynamic, rocksdbStatic, serverNodes } from "../fixtures/specs";

const grown = { ...kafkaDynamic, nodes: serverNodes(5), bootstrap: { ...kafkaDynamic.bootstrap, nodeCount: 3 } };
const value = (script: string, name: string) => /^([A-Z_]+)='(.*)'$/m.exec(script.split("\n").find((l) => l.startsWith(`${name}=`)) ?? "")?.[2];

describe("shard hand-off before a node's removal", () => {
  test("only dynamic nodes at or above the creation node count may be removed, so only they get one", () => {
    expect(grown.nodes.map((n) => needsShardHandoff(grown, n))).toEqual([false, false, false, true, true]);
    expect(rocksdbStatic.nodes.some((n) => needsShardHandoff(rocksdbStatic, n))).toBe(false);
    expect(() => renderShardHandoff(rocksdbStatic, rocksdbStatic.nodes[0])).toThrow(/dynamic clusters only/);
  });

  test("a node hands its shards to the nodes below it (never to another node being removed) via every member's HTTP API", () => {
    const s = renderShardHandoff(grown, grown.nodes[4]);
    const ep = (i: number) => `${grown.nodes[i].host.privateIp}:${grown.ports.grpc}`;
    expect(value(s, "NODE")).toBe(ep(4));
    expect(value(s, "TARGETS")).toBe([ep(0), ep(1), ep(2), ep(3)].join(" "));
    expect(value(s, "META_URLS")).toBe(grown.meta.map((m) => `http://${m.host.privateIp}:${grown.ports.metaHttp}`).join(" "));
    expect(value(s, "CLUSTER")).toBe("defaultCluster");
    expect(value(renderShardHandoff(grown, grown.nodes[3]), "TARGETS")).toBe([ep(0), ep(1), ep(2)].join(" "));
  });

  test("scheduling is turned off with the whole update body and restored on every exit (v1.2.7 PUT clears a missing enableSchedule)", () => {
    const s = renderShardHandoff(grown, grown.nodes[3]);
    expect(s).toContain('\\"enableSchedule\\":$1,\\"topologyType\\":\\"$TOPOLOGY\\",\\"procedureExecutingBatchSize\\":$BATCH');
    expect(s.indexOf("put_schedule false")).toBeLessThan(s.indexOf("trap restore EXIT"));
    expect(s.indexOf("trap restore EXIT")).toBeLessThan(s.indexOf("/api/v1/transferLeader"));
  });
});
