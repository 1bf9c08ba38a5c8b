/**
 * IPv4 and CIDR arithmetic, and where each host goes: its zone and its fixed private IP.
 *
 * Host IPs are pinned, not left to DHCP, because a CeresMeta member's peer URL is sticky in etcd
 * and a CeresDB node's address is its identity in CeresMeta (shards are assigned to `ip:port`).
 * Pinning also makes every rendered file known before any instance exists, so the offline plan
 * shows the real configs.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined if malformed or if host bits are set (`10.0.0.1/16`). */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ipToNumber(octets);
  if ((base & hostMask(prefix)) >>> 0 !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${numberToIp(c.base)}/${c.prefix}`;
}

export function ipToNumber(octets: number[]): number {
  return (((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]) >>> 0;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + cidrSize(inner) <= outer.base + cidrSize(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** The `index`-th subnet of `parent` that is `newBits` longer, like Terraform's cidrsubnet. */
export function subnet(parent: Cidr, newBits: number, index: number): Cidr | undefined {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) return undefined;
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

/**
 * One vSwitch CIDR per zone, carved from the VPC CIDR: /24s where the VPC is /16 to /23's
 * parent allows, otherwise as large as still fits every zone.
 */
export function defaultVswitchCidrs(vpc: Cidr, zoneCount: number): Cidr[] | undefined {
  const bitsForZones = Math.ceil(Math.log2(Math.max(zoneCount, 1)));
  const newBits = Math.max(24 - vpc.prefix, bitsForZones);
  const out: Cidr[] = [];
  for (let i = 0; i < zoneCount; i++) {
    const s = subnet(vpc, newBits, i);
    if (!s || s.prefix > VSWITCH_MAX_PREFIX) return undefined;
    out.push(s);
  }
  return out;
}

/** Alibaba Cloud vSwitch masks range from /16 to /29. */
export const VSWITCH_MIN_PREFIX = 16;
export const VSWITCH_MAX_PREFIX = 29;

/**
 * Host offsets inside a vSwitch. Alibaba Cloud reserves the first and the last three addresses
 * of every vSwitch; members sit at .10-.19 and nodes from .20 so the two roles never collide
 * and adding a node never moves another host.
 */
export const META_OFFSET_BASE = 10;
export const META_SLOTS_PER_ZONE = 10;
export const NODE_OFFSET_BASE = META_OFFSET_BASE + META_SLOTS_PER_ZONE;
const RESERVED_AT_END = 3;

/** Highest usable host offset in a vSwitch. */
export function lastUsableOffset(c: Cidr): number {
  return cidrSize(c) - 1 - RESERVED_AT_END;
}

/** Largest number of CeresDB nodes that fit in one zone's vSwitch. */
export function nodeCapacity(c: Cidr): number {
  return Math.max(0, lastUsableOffset(c) - NODE_OFFSET_BASE + 1);
}

export interface Placement {
  /** Index into the zone list. */
  zone: number;
  /** Host offset inside that zone's vSwitch. */
  offset: number;
}

/**
 * Round-robin placement: host `i` of a role goes to zone `i mod zones`, in slot `i div zones`.
 * It depends only on `i` and the zone count, so growing or shrinking a role at the end never
 * moves an existing host.
 */
export function place(index: number, zoneCount: number, offsetBase: number): Placement {
  return { zone: index % zoneCount, offset: offsetBase + Math.floor(index / zoneCount) };
}

export function metaPlacement(index: number, zoneCount: number): Placement {
  return place(index, zoneCount, META_OFFSET_BASE);
}

export function nodePlacement(index: number, zoneCount: number): Placement {
  return place(index, zoneCount, NODE_OFFSET_BASE);
}

export function hostIp(c: Cidr, offset: number): string {
  return numberToIp((c.base + offset) >>> 0);
}

/** etcd quorum: the majority of members. */
export function quorumSize(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** How many members may be lost while a quorum remains. */
export function faultTolerance(members: number): number {
  return members - quorumSize(members);
}

/**
 * Fixed private addresses of the cluster's internal load balancers, in the first zone's vSwitch.
 * They sit below the member slots (.10+) and above the vSwitch's reserved first address, so no
 * host the stack places can ever take them, and they are known before anything exists (the
 * CeresDB TOML names the meta one). A load balancer left to pick its own address could take a
 * node's future slot, and that node's creation would then fail.
 */
export const LOAD_BALANCER_OFFSETS = { meta: 8, client: 9 } as const;
export type LoadBalancerRole = keyof typeof LOAD_BALANCER_OFFSETS;

/** The fixed address of a load balancer in `c`, or undefined when the vSwitch is too small to hold it. */
export function loadBalancerIp(c: Cidr, role: LoadBalancerRole): string | undefined {
  const offset = LOAD_BALANCER_OFFSETS[role];
  return offset <= lastUsableOffset(c) ? hostIp(c, offset) : undefined;
}
