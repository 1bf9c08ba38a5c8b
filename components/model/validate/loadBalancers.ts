/**
 * The two load balancers of a cluster, derived from settings already validated elsewhere (zones,
 * ports, version, client CIDRs, allowPublicAccess, hosts). Pure.
 *
 * - `meta`: every CeresMeta member behind one fixed intranet address on the meta client port.
 *   CeresDB v1.2.7 opens one tonic endpoint to `meta_addr` (apache/horaedb
 *   src/meta_client/src/meta_impl.rs), so naming member 0 there made member 0 a single point of
 *   failure; followers forward gRPC to the leader, so any live member serves. It is intranet in
 *   every environment class (policy/rules.ts metaLoadBalancerInternal).
 * - `client`: every CeresDB node for gRPC, MySQL and PostgreSQL (v1.2.6+), never the HTTP port
 *   (it serves the config with its secrets, see network/firewall.ts). Intranet unless
 *   `ceresdb:allowPublicAccess`; its listeners admit only `clientCidrs`.
 */
import { LoadBalancerListenerSpec, LoadBalancerSpec, LoadBalancersSpec, PortSpec, CeresVersion, HostSpec } from "../types";
import { SettingProblem } from "../problems";
import { loadBalancerIp, parseCidr } from "../../topology/addressing";
import { traitsOf } from "../versions";

export interface LoadBalancerInputs {
  namePrefix: string;
  version: CeresVersion;
  ports: PortSpec;
  /** Zones in placement order with their vSwitch CIDRs. */
  zones: { zoneId: string; cidr: string }[];
  clientCidrs: string[];
  allowPublicAccess: boolean;
  metaHosts: HostSpec[];
  nodeHosts: HostSpec[];
}

/**
 * Health check timings: a dead backend is out after 2 failed checks 2 s apart (connect timeout
 * 2 s), about 6 s; it is back after 2 good ones. The listener's ranges are interval 1-50, timeout
 * 1-300, thresholds 1-10 (terraform-provider-alicloud resource_alicloud_slb_listener.go).
 */
export const LB_HEALTH_CHECK = { intervalSeconds: 2, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

export function validateLoadBalancers(i: LoadBalancerInputs): { loadBalancers: LoadBalancersSpec; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const first = i.zones[0];
  const cidr = parseCidr(first.cidr);
  const address = (role: "meta" | "client"): string | undefined => {
    const ip = cidr ? loadBalancerIp(cidr, role) : undefined;
    if (ip === undefined) {
      problems.push({ setting: "ceresdb:vswitchCidrs", given: first.cidr, allowed: `a first vSwitch with room for the ${role} load balancer's fixed address (offset 8 and 9)` });
    }
    return ip;
  };
  const p = i.ports;
  const backends = (hosts: HostSpec[]) => hosts.map((h) => ({ host: h.name, ip: h.privateIp }));
  const meta: LoadBalancerSpec = {
    role: "meta",
    name: `${i.namePrefix}-meta`,
    addressType: "intranet",
    address: address("meta"),
    zoneId: first.zoneId,
    listeners: [{ service: "meta-grpc", port: p.metaClient, backendPort: p.metaClient }],
    backends: backends(i.metaHosts),
    healthCheck: { ...LB_HEALTH_CHECK },
  };
  const clientListeners: LoadBalancerListenerSpec[] = [
    { service: "grpc", port: p.grpc, backendPort: p.grpc },
    { service: "mysql", port: p.mysql, backendPort: p.mysql },
    ...(traitsOf(i.version).postgresql ? [{ service: "postgresql", port: p.postgresql, backendPort: p.postgresql }] : []),
  ];
  const isPublic = i.allowPublicAccess;
  const client: LoadBalancerSpec = {
    role: "client",
    name: `${i.namePrefix}-client`,
    addressType: isPublic ? "internet" : "intranet",
    address: isPublic ? undefined : address("client"),
    zoneId: first.zoneId,
    listeners: clientListeners,
    backends: backends(i.nodeHosts),
    healthCheck: { ...LB_HEALTH_CHECK },
    allowedCidrs: [...i.clientCidrs],
  };
  return { loadBalancers: { meta, client }, problems };
}
