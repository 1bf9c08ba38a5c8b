/**
 * Network: zones, the VPC and its vSwitches, who may reach what (client and admin CIDRs), egress
 * and the service ports; and, once all settings are valid, whether the vSwitches have room for
 * the hosts. Pure.
 */
import {
  Cidr,
  cidrContains,
  cidrsOverlap,
  defaultVswitchCidrs,
  formatCidr,
  lastUsableOffset,
  META_SLOTS_PER_ZONE,
  metaPlacement,
  nodeCapacity,
  parseCidr,
  VSWITCH_MAX_PREFIX,
  VSWITCH_MIN_PREFIX,
} from "../../topology/addressing";
import { SettingProblem } from "../problems";
import { qualified } from "../settings";
import { CeresVersion, EnvironmentClass, PortSpec } from "../types";
import { traitsOf } from "../versions";
import { DEFAULT_PORTS, SSH_PORT } from "../vocabulary";
import { AreaFindings, Findings, SettingsInput } from "./reader";

export interface NetworkSlice {
  zoneIds: string[];
  vpcId?: string;
  vpcCidrText: string;
  vswitchIds?: string[];
  /** One per zone, when they are known to be usable. */
  vswitchCidrs?: Cidr[];
  clientCidrs?: string[];
  adminCidrs?: string[];
  assignPublicIp: boolean;
  natGateway: boolean;
  ports?: PortSpec;
  /** `ceresdb:allowPublicAccess`: the client load balancer may face the internet. */
  allowPublic: boolean;
}

const RE = {
  zone: /^[a-z]{2}-[a-z0-9-]+-[a-z0-9]+$/,
  // A zone ID is its region ID plus one letter: cn-hangzhou-h, ap-southeast-1a, cn-shanghai-finance-1a.
  zoneSuffix: /^-?[a-z]$/,
  vpcId: /^vpc-[a-z0-9]+$/,
  vswitchId: /^vsw-[a-z0-9]+$/,
};

export function validateNetwork(
  input: SettingsInput,
  ctx: { version: CeresVersion; environment?: EnvironmentClass; region?: string; metaCount?: number },
): { network: NetworkSlice } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const { region, environment, metaCount } = ctx;
  const problem = f.problem.bind(f);

  const zoneIds = r.stringList("zones", true) ?? [];
  if (zoneIds.length === 0 && input.values.zones !== undefined) problem("zones", input.values.zones, "at least one zone ID");
  const seen = new Set<string>();
  for (const z of zoneIds) {
    if (!RE.zone.test(z)) problem("zones", z, "zone IDs such as cn-hangzhou-h");
    else if (region && !(z.startsWith(region) && RE.zoneSuffix.test(z.slice(region.length)))) {
      problem("zones", z, `zones of the region ${region} (alicloud:region): its ID plus a letter, e.g. ${region}${/\d$/.test(region) ? "a" : "-a"}`);
    }
    if (seen.has(z)) problem("zones", z, "each zone once");
    seen.add(z);
  }
  if (environment === "prod" && metaCount !== undefined && metaCount >= 3 && zoneIds.length < 3) {
    problem("zones", JSON.stringify(zoneIds), "at least 3 zones in prod, so that losing one zone never takes a CeresMeta majority with it");
  }

  const vpcId = r.optionalString("vpcId");
  if (vpcId !== undefined && !RE.vpcId.test(vpcId)) problem("vpcId", vpcId, "a VPC ID such as vpc-bp1abc...");
  const vpcCidrText = r.string("vpcCidr");
  const vpcCidr = parseCidr(vpcCidrText);
  if (!vpcCidr) problem("vpcCidr", vpcCidrText, "a network CIDR such as 10.10.0.0/16 (no host bits set)");
  else if (!isPrivate(vpcCidr) || vpcCidr.prefix < 8 || vpcCidr.prefix > 24) {
    problem("vpcCidr", vpcCidrText, "a private range (10/8, 172.16/12 or 192.168/16) with a mask from /8 to /24");
  }

  const vswitchIds = r.stringList("vswitchIds");
  if (vswitchIds) {
    if (vpcId === undefined) problem("vswitchIds", input.values.vswitchIds, "only together with vpcId (existing vSwitches live in an existing VPC)");
    if (vswitchIds.length !== zoneIds.length) problem("vswitchIds", input.values.vswitchIds, `one vSwitch per zone (${zoneIds.length})`);
    for (const id of vswitchIds) if (!RE.vswitchId.test(id)) problem("vswitchIds", id, "vSwitch IDs such as vsw-bp1abc...");
  }
  const vswitchCidrTexts = r.stringList("vswitchCidrs");
  let vswitchCidrs: Cidr[] | undefined;
  if (vswitchCidrTexts) {
    if (vswitchCidrTexts.length !== zoneIds.length) {
      problem("vswitchCidrs", input.values.vswitchCidrs, `one CIDR per zone (${zoneIds.length})`);
    }
    const parsed = vswitchCidrTexts.map((t) => {
      const c = parseCidr(t);
      if (!c) problem("vswitchCidrs", t, "network CIDRs such as 10.10.1.0/24");
      else if (c.prefix < VSWITCH_MIN_PREFIX || c.prefix > VSWITCH_MAX_PREFIX) {
        problem("vswitchCidrs", t, `masks from /${VSWITCH_MIN_PREFIX} to /${VSWITCH_MAX_PREFIX} (Alibaba Cloud vSwitch limits)`);
      } else if (vpcCidr && !cidrContains(vpcCidr, c)) problem("vswitchCidrs", t, `CIDRs inside vpcCidr ${vpcCidrText}`);
      return c;
    });
    parsed.forEach((a, i) =>
      parsed.slice(i + 1).forEach((b) => {
        if (a && b && cidrsOverlap(a, b)) problem("vswitchCidrs", `${formatCidr(a)} and ${formatCidr(b)}`, "vSwitch CIDRs that do not overlap");
      }),
    );
    if (parsed.every((c): c is Cidr => c !== undefined)) vswitchCidrs = parsed;
  } else if (vpcId !== undefined) {
    problem("vswitchCidrs", undefined, "required with vpcId: the CIDR of each zone's vSwitch, so host IPs can be pinned inside it");
  } else if (vpcCidr && zoneIds.length > 0) {
    vswitchCidrs = defaultVswitchCidrs(vpcCidr, zoneIds.length);
    if (!vswitchCidrs) problem("vpcCidr", vpcCidrText, `large enough for ${zoneIds.length} vSwitches of at least /${VSWITCH_MAX_PREFIX}`);
  }

  const allowPublic = r.boolean("allowPublicAccess");
  const clientCidrs = r.cidrList("clientCidrs");
  const adminCidrs = r.cidrList("adminCidrs");
  for (const c of clientCidrs ?? []) {
    if (parseCidr(c)?.prefix === 0 && !allowPublic) problem("clientCidrs", c, "no 0.0.0.0/0 unless ceresdb:allowPublicAccess is true");
  }
  for (const c of adminCidrs ?? []) {
    // SSH and the CeresMeta API: never to the whole internet, in any class (use your IP/32).
    if (parseCidr(c)?.prefix === 0) problem("adminCidrs", c, "specific CIDRs such as 203.0.113.7/32: SSH and the CeresMeta API are never opened to the internet");
  }
  const assignPublicIp = r.boolean("assignPublicIp");
  const natGateway = r.boolean("natGateway");

  const ports = validatePorts(f, ctx.version);
  return {
    network: { zoneIds, vpcId, vpcCidrText, vswitchIds, vswitchCidrs, clientCidrs, adminCidrs, assignPublicIp, natGateway, ports, allowPublic },
    ...f.findings,
  };
}

function validatePorts(f: Findings, version: CeresVersion): PortSpec | undefined {
  const given = f.r.object("ports");
  if (given === undefined) return undefined;
  const ports: Record<string, number> = { ...DEFAULT_PORTS };
  let ok = true;
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_PORTS)) {
      f.problem("ports", k, `port names among ${Object.keys(DEFAULT_PORTS).join(", ")}`);
      ok = false;
    } else if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535 || v === SSH_PORT) {
      f.problem("ports", `${k}=${JSON.stringify(v)}`, "whole numbers from 1 to 65535, never 22 (SSH)");
      ok = false;
    } else ports[k] = v;
  }
  // PostgreSQL only listens from v1.2.6; older versions must not clash-check a port they never open.
  const inUse = Object.entries(ports).filter(([k]) => k !== "postgresql" || traitsOf(version).postgresql);
  const byPort = new Map<number, string[]>();
  for (const [k, v] of inUse) byPort.set(v, [...(byPort.get(v) ?? []), k]);
  for (const [port, names] of byPort) {
    if (names.length > 1) {
      f.problem("ports", `${names.join(" and ")} = ${port}`, "a distinct port for each service");
      ok = false;
    }
  }
  return ok ? (ports as unknown as PortSpec) : undefined;
}

function isPrivate(c: Cidr): boolean {
  const ranges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t)!);
  return ranges.some((r) => cidrContains(r, c));
}

/** Room in each zone's vSwitch for its share of members and nodes; only asked of otherwise valid settings. */
export function capacityProblems(cidrs: Cidr[], zoneIds: string[], metaCount: number, nodeCount: number): SettingProblem[] {
  const out: SettingProblem[] = [];
  const zones = zoneIds.length;
  const metaPerZone = Math.ceil(metaCount / zones);
  const nodesPerZone = Math.ceil(nodeCount / zones);
  cidrs.forEach((c, i) => {
    const metaLast = metaPlacement(i + (metaPerZone - 1) * zones, zones).offset;
    if (metaPerZone > META_SLOTS_PER_ZONE || metaLast > lastUsableOffset(c)) {
      out.push({ setting: qualified("vswitchCidrs"), given: formatCidr(c), allowed: `room for ${metaPerZone} CeresMeta host(s) in zone ${zoneIds[i]}` });
    }
    if (nodesPerZone > nodeCapacity(c)) {
      out.push({
        setting: qualified("nodeCount"),
        given: String(nodeCount),
        allowed: `at most ${nodeCapacity(c)} nodes in zone ${zoneIds[i]} (vSwitch ${formatCidr(c)}); use larger vSwitches or more zones`,
      });
    }
  });
  return out;
}
