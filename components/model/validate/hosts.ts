/**
 * Hosts: instance types and disks of each role; and, once all settings are valid, the hosts
 * themselves: where each member and node sits, its fixed IP, its protection. Pure.
 */
import { Cidr, hostIp, metaPlacement, nodePlacement } from "../../topology/addressing";
import { EnvironmentClass, HostSpec, MetaMemberSpec, NodeSpec } from "../types";
import { Role } from "../vocabulary";
import { AreaFindings, Findings, SettingsInput } from "./reader";

export interface HostsSlice {
  metaInstanceType: string;
  nodeInstanceType: string;
  systemDiskSizeGb?: number;
  metaDataDiskSizeGb?: number;
  nodeDataDiskSizeGb?: number;
  dataDiskCategory?: string;
}

const INSTANCE_TYPE = /^ecs\.[a-z0-9-]+\.[a-z0-9-]+$/;

export function validateHosts(input: SettingsInput, environment: EnvironmentClass | undefined): { hosts: HostsSlice } & AreaFindings {
  const f = new Findings(input.values);
  const { r } = f;
  const metaInstanceType = r.pattern("metaInstanceType", INSTANCE_TYPE, "an ECS instance type such as ecs.g7.large");
  const nodeInstanceType = r.pattern("nodeInstanceType", INSTANCE_TYPE, "an ECS instance type such as ecs.g7.xlarge");
  const systemDiskSizeGb = r.integer("systemDiskSizeGb");
  const metaDataDiskSizeGb = r.integer("metaDataDiskSizeGb");
  const nodeDataDiskSizeGb = r.integer("nodeDataDiskSizeGb");
  const dataDiskCategory = r.oneOf("dataDiskCategory");
  if (dataDiskCategory === "cloud_efficiency" && environment === "prod") {
    f.problem("dataDiskCategory", dataDiskCategory, "cloud_essd or cloud_ssd in prod: etcd needs low fsync latency");
  }
  return { hosts: { metaInstanceType, nodeInstanceType, systemDiskSizeGb, metaDataDiskSizeGb, nodeDataDiskSizeGb, dataDiskCategory }, ...f.findings };
}

/** Every host of valid settings: members and nodes spread over the zones, each at its fixed IP. */
export function placeHosts(p: {
  hosts: Required<HostsSlice>;
  zoneIds: string[];
  vswitchCidrs: Cidr[];
  metaCount: number;
  nodeCount: number;
  rejoin?: number[];
  replaceHosts: string[];
  deletionProtection: boolean;
}): { meta: MetaMemberSpec[]; nodes: NodeSpec[] } {
  const h = p.hosts;
  const systemDisk = { category: "cloud_essd", sizeGb: h.systemDiskSizeGb };
  const host = (role: Role, index: number, placement: { zone: number; offset: number }): HostSpec => ({
    name: `${role}-${index}`,
    zoneId: p.zoneIds[placement.zone],
    privateIp: hostIp(p.vswitchCidrs[placement.zone], placement.offset),
    instanceType: role === "meta" ? h.metaInstanceType : h.nodeInstanceType,
    systemDisk,
    dataDisk: { category: h.dataDiskCategory, sizeGb: role === "meta" ? h.metaDataDiskSizeGb : h.nodeDataDiskSizeGb },
    deletionProtection: p.deletionProtection && !p.replaceHosts.includes(`${role}-${index}`),
  });
  const meta: MetaMemberSpec[] = Array.from({ length: p.metaCount }, (_, i) => ({
    index: i,
    memberName: `meta${i}`,
    host: host("meta", i, metaPlacement(i, p.zoneIds.length)),
    initialClusterState: p.rejoin?.includes(i) ? "existing" : "new",
  }));
  const nodes: NodeSpec[] = Array.from({ length: p.nodeCount }, (_, i) => ({
    index: i,
    host: host("node", i, nodePlacement(i, p.zoneIds.length)),
  }));
  return { meta, nodes };
}
