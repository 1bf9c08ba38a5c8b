import fc from "fast-check";
import {
  cidrContains,
  cidrSize,
  defaultVswitchCidrs,
  faultTolerance,
  hostIp,
  ipToNumber,
  lastUsableOffset,
  LOAD_BALANCER_OFFSETS,
  loadBalancerIp,
  metaPlacement,
  nodeCapacity,
  nodePlacement,
  parseCidr,
  quorumSize,
  subnet,
} from "../../components/topology/addressing";
import { buildSpec } from "../../components/model/buildSpec";
import { settingsInput } from "../helpers/settingsInput";

const octet = fc.integer({ min: 0, max: 255 });
/** Any network CIDR: a random address truncated to a random prefix. */
const cidrArb = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 8, max: 29 })).map(([a, b, c, d, prefix]) => {
  const n = ipToNumber([a, b, c, d]);
  const base = (n & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
  return { base, prefix };
});
const zonesArb = fc.integer({ min: 1, max: 6 });

describe("CIDR arithmetic", () => {
  test("subnets lie inside their parent and do not overlap each other", () => {
    fc.assert(
      fc.property(cidrArb, fc.integer({ min: 1, max: 3 }), (parent, newBits) => {
        fc.pre(parent.prefix + newBits <= 32);
        const subs = Array.from({ length: 2 ** newBits }, (_, i) => subnet(parent, newBits, i)!);
        subs.forEach((s, i) => {
          expect(cidrContains(parent, s)).toBe(true);
          if (i > 0) expect(s.base).toBe(subs[i - 1].base + cidrSize(s));
        });
        expect(subnet(parent, newBits, 2 ** newBits)).toBeUndefined();
      }),
    );
  });

  test("parseCidr refuses host bits and accepts every network address", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        const text = `${hostIp(c, 0)}/${c.prefix}`;
        expect(parseCidr(text)).toEqual(c);
        if (c.prefix < 32) expect(parseCidr(`${hostIp(c, 1)}/${c.prefix}`)).toBeUndefined();
      }),
    );
  });

  test("default vSwitch CIDRs are inside the VPC, disjoint, and one per zone", () => {
    fc.assert(
      fc.property(cidrArb, zonesArb, (vpc, zones) => {
        fc.pre(vpc.prefix <= 24);
        const subs = defaultVswitchCidrs(vpc, zones);
        if (!subs) return;
        expect(subs).toHaveLength(zones);
        const sorted = [...subs].sort((a, b) => a.base - b.base);
        sorted.forEach((s, i) => {
          expect(cidrContains(vpc, s)).toBe(true);
          if (i > 0) expect(s.base).toBeGreaterThanOrEqual(sorted[i - 1].base + cidrSize(sorted[i - 1]));
        });
      }),
    );
  });
});

describe("placement", () => {
  test("hosts of one role never share an address and members never collide with nodes", () => {
    fc.assert(
      fc.property(zonesArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 300 }), (zones, metas, nodes) => {
        const key = (p: { zone: number; offset: number }) => `${p.zone}/${p.offset}`;
        const all = [
          ...Array.from({ length: metas }, (_, i) => key(metaPlacement(i, zones))),
          ...Array.from({ length: nodes }, (_, i) => key(nodePlacement(i, zones))),
        ];
        expect(new Set(all).size).toBe(all.length);
      }),
    );
  });

  test("adding nodes never moves an existing node", () => {
    fc.assert(
      fc.property(zonesArb, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), (zones, n, more) => {
        const before = Array.from({ length: n }, (_, i) => nodePlacement(i, zones));
        const after = Array.from({ length: n + more }, (_, i) => nodePlacement(i, zones));
        expect(after.slice(0, n)).toEqual(before);
      }),
    );
  });

  test("nodes are spread evenly: zone counts differ by at most one", () => {
    fc.assert(
      fc.property(zonesArb, fc.integer({ min: 1, max: 500 }), (zones, n) => {
        const counts = Array(zones).fill(0);
        for (let i = 0; i < n; i++) counts[nodePlacement(i, zones).zone]++;
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test("with three or more zones no zone holds a CeresMeta quorum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 6 }), fc.constantFrom(3, 5, 7), (zones, members) => {
        const counts = Array(zones).fill(0);
        for (let i = 0; i < members; i++) counts[metaPlacement(i, zones).zone]++;
        expect(Math.max(...counts)).toBeLessThan(quorumSize(members));
      }),
    );
  });

  test("quorum is a strict majority and tolerance the rest", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (n) => {
        expect(quorumSize(n) * 2).toBeGreaterThan(n);
        expect((quorumSize(n) - 1) * 2).toBeLessThanOrEqual(n);
        expect(faultTolerance(n) + quorumSize(n)).toBe(n);
      }),
    );
  });

  test("node capacity leaves the reserved addresses alone", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        const cap = nodeCapacity(c);
        if (cap === 0) return;
        const last = nodePlacement(cap - 1, 1);
        expect(last.offset).toBe(lastUsableOffset(c));
        expect(last.offset).toBeLessThan(cidrSize(c) - 3);
      }),
    );
  });
});

describe("placement in built specs", () => {
  test("every host IP is unique, inside its zone's vSwitch and not reserved, for any sizes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 120 }), fc.constantFrom("16", "20", "22"), (m, nodes, vpcMask) => {
        const metaCount = 2 * m - 1;
        const r = buildSpec(
          settingsInput({ environment: "staging", metaCount: String(metaCount), nodeCount: String(nodes), shardTotal: String(Math.max(8, nodes)), vpcCidr: `10.20.0.0/${vpcMask}` }),
        );
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        const hosts = [...r.spec.meta.map((x) => x.host), ...r.spec.nodes.map((x) => x.host)];
        expect(new Set(hosts.map((h) => h.privateIp)).size).toBe(hosts.length);
        for (const h of hosts) {
          const zone = r.spec.network.zones.find((z) => z.zoneId === h.zoneId)!;
          const c = parseCidr(zone.cidr)!;
          const ip = parseCidr(`${h.privateIp}/32`)!;
          expect(cidrContains(c, ip)).toBe(true);
          const offset = ip.base - c.base;
          expect(offset).toBeGreaterThan(0);
          expect(offset).toBeLessThanOrEqual(lastUsableOffset(c));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("load balancer addresses", () => {
  test("never collide with a host address, each other, or the reserved addresses", () => {
    fc.assert(
      fc.property(cidrArb, zonesArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 300 }), (c, zones, metas, nodes) => {
        const hosts = new Set([
          ...Array.from({ length: metas }, (_, i) => metaPlacement(i, zones)),
          ...Array.from({ length: nodes }, (_, i) => nodePlacement(i, zones)),
        ].filter((p) => p.zone === 0 && p.offset <= lastUsableOffset(c)).map((p) => hostIp(c, p.offset)));
        const lbs = (["meta", "client"] as const).map((role) => loadBalancerIp(c, role));
        for (const ip of lbs) {
          if (ip === undefined) continue;
          expect(hosts.has(ip)).toBe(false);
          const offset = parseCidr(`${ip}/32`)!.base - c.base;
          expect(offset).toBeGreaterThan(0);
          expect(offset).toBeLessThanOrEqual(lastUsableOffset(c));
        }
        if (lbs[0] && lbs[1]) expect(lbs[0]).not.toBe(lbs[1]);
      }),
    );
  });

  test("are given whenever the vSwitch can hold a member", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        if (lastUsableOffset(c) < metaPlacement(0, 1).offset) return;
        expect(loadBalancerIp(c, "meta")).toBeDefined();
        expect(loadBalancerIp(c, "client")).toBeDefined();
        expect(Math.max(...Object.values(LOAD_BALANCER_OFFSETS))).toBeLessThan(metaPlacement(0, 1).offset);
      }),
    );
  });
});
