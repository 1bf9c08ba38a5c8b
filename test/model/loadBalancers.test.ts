/**
 * The load balancers a built spec asks for (issue 10 items 1 and 2): every member behind the meta
 * one, every node behind the client one, the HTTP port nowhere, the meta one intranet always and
 * the client one public only with allowPublicAccess.
 */
import fc from "fast-check";
import { buildSpec } from "../../components/model/buildSpec";
import { ClusterSpec } from "../../components/model/types";
import { SUPPORTED_VERSIONS, traitsOf } from "../../components/model/versions";
import { cidrContains, parseCidr } from "../../components/topology/addressing";
import { settingsInput } from "../helpers/settingsInput";

function built(values: Parameters<typeof settingsInput>[0]): ClusterSpec {
  const r = buildSpec(settingsInput(values));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

describe("meta load balancer", () => {
  test("every member is a backend on the meta client port, at a fixed intranet address in the first vSwitch that no host has", () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 3, 5), fc.integer({ min: 1, max: 60 }), fc.constantFrom("16", "20", "22"), fc.boolean(), (m, nodes, mask, pub) => {
        const s = built({ environment: "staging", metaCount: String(m), nodeCount: String(nodes), shardTotal: String(Math.max(8, nodes)), vpcCidr: `10.20.0.0/${mask}`, allowPublicAccess: String(pub) });
        const lb = s.loadBalancers.meta;
        expect(lb.addressType).toBe("intranet");
        expect(lb.listeners).toEqual([{ service: "meta-grpc", port: s.ports.metaClient, backendPort: s.ports.metaClient }]);
        expect(lb.backends).toEqual(s.meta.map((x) => ({ host: x.host.name, ip: x.host.privateIp })));
        const zone = s.network.zones[0];
        expect(lb.zoneId).toBe(zone.zoneId);
        expect(cidrContains(parseCidr(zone.cidr)!, parseCidr(`${lb.address}/32`)!)).toBe(true);
        const taken = new Set([...s.meta, ...s.nodes].map((h) => h.host.privateIp));
        expect(taken.has(lb.address!)).toBe(false);
        if (s.loadBalancers.client.address) expect(taken.has(s.loadBalancers.client.address)).toBe(false);
        expect(s.loadBalancers.client.address).not.toBe(lb.address);
      }),
      { numRuns: 40 },
    );
  });
});

describe("client load balancer", () => {
  test.each(SUPPORTED_VERSIONS)("%s: gRPC, MySQL and PostgreSQL where the version has it; never the HTTP port", (version) => {
    const s = built({ version });
    const lb = s.loadBalancers.client;
    expect(lb.listeners.map((l) => l.service)).toEqual(["grpc", "mysql", ...(traitsOf(version).postgresql ? ["postgresql"] : [])]);
    expect(lb.listeners.map((l) => l.port)).not.toContain(s.ports.http);
    expect(lb.backends.map((b) => b.host)).toEqual(s.nodes.map((n) => n.host.name));
  });

  test("intranet and limited to clientCidrs unless allowPublicAccess", () => {
    const priv = built({ clientCidrs: JSON.stringify(["10.8.0.0/16"]) }).loadBalancers.client;
    expect(priv.addressType).toBe("intranet");
    expect(priv.address).toBeDefined();
    expect(priv.allowedCidrs).toEqual(["10.8.0.0/16"]);
    const pub = built({ allowPublicAccess: "true", clientCidrs: JSON.stringify(["0.0.0.0/0"]) }).loadBalancers.client;
    expect(pub.addressType).toBe("internet");
    expect(pub.address).toBeUndefined();
    expect(pub.allowedCidrs).toEqual(["0.0.0.0/0"]);
  });

  test("without clientCidrs the listeners admit the VPC only", () => {
    const s = built({ clientCidrs: undefined });
    expect(s.loadBalancers.client.allowedCidrs).toEqual([s.network.vpcCidr]);
  });
});
