import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { LoadBalancerSpec } from "../model/types";

export interface LoadBalancerArgs {
  /** What to build (components/model/validate/loadBalancers.ts). */
  lb: LoadBalancerSpec;
  /** vSwitch ID of `lb.zoneId`; used only for an intranet balancer, whose fixed address is in it. */
  vswitchId: pulumi.Input<string>;
  /** ECS instance ID per backend host name (`lb.backends[].host`); every backend must have one. */
  instanceIds: Record<string, pulumi.Input<string>>;
  /** Tags of the balancer and its ACL (the cluster's tags). */
  tags: Record<string, string>;
  /** CLB deletion protection (`delete_protection`). Default: false. */
  deletionProtection?: boolean;
}

/**
 * One layer-4 CLB (docs/load-balancers.md: why CLB, not NLB): a TCP listener per `lb.listeners`
 * entry with a TCP-connect health check, every backend at weight 100, and, when
 * `lb.allowedCidrs` is set, a whitelist ACL on every listener. CLB's layer-4 listeners keep the
 * client's source address, so the backends' security groups still decide who gets in; the ACL
 * is the same list again at the balancer.
 */
export class LoadBalancer extends pulumi.ComponentResource {
  /** The balancer's address: the fixed one for intranet, the allocated public one for internet. */
  readonly address: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:network:LoadBalancer", name, {}, opts);
    const { lb } = args;
    const intranet = lb.addressType === "intranet";
    const clb = new alicloud.slb.ApplicationLoadBalancer(
      name,
      {
        loadBalancerName: lb.name,
        addressType: lb.addressType,
        // Intranet: the fixed address the renderer wrote into every node's TOML, in the first
        // zone's vSwitch. Internet: neither (the provider suppresses both for internet).
        ...(intranet ? { address: lb.address, vswitchId: args.vswitchId } : { internetChargeType: "PayByTraffic" }),
        paymentType: "PayAsYouGo",
        instanceChargeType: "PayByCLCU",
        deleteProtection: args.deletionProtection ? "on" : "off",
        tags: { ...args.tags, role: `lb-${lb.role}` },
      },
      { parent: this },
    );

    let aclIds: pulumi.Output<string>[] | undefined;
    if (lb.allowedCidrs) {
      const acl = new alicloud.slb.Acl(`${name}-acl`, { name: `${lb.name}-allowed`, ipVersion: "ipv4", tags: args.tags }, { parent: this });
      for (const cidr of lb.allowedCidrs) {
        new alicloud.slb.AclEntryAttachment(`${name}-acl-${cidr.replace(/[./]/g, "-")}`, { aclId: acl.id, entry: cidr }, { parent: this });
      }
      aclIds = [acl.id];
    }

    const h = lb.healthCheck;
    for (const l of lb.listeners) {
      new alicloud.slb.Listener(
        `${name}-${l.service}`,
        {
          loadBalancerId: clb.id,
          protocol: "tcp",
          frontendPort: l.port,
          backendPort: l.backendPort,
          // -1: no bandwidth cap (a pay-by-CLCU instance has none to share out).
          bandwidth: -1,
          scheduler: "wrr",
          healthCheckType: "tcp",
          healthCheckInterval: h.intervalSeconds,
          healthCheckTimeout: h.timeoutSeconds,
          healthyThreshold: h.healthyThreshold,
          unhealthyThreshold: h.unhealthyThreshold,
          ...(aclIds ? { aclStatus: "on", aclType: "white", aclIds } : { aclStatus: "off" }),
          // The API takes letters, digits and - / . _ only (website/docs/r/slb_listener.html.markdown).
          description: `ceresdb-cluster/${lb.role}/${l.service}`,
        },
        { parent: this },
      );
    }

    new alicloud.slb.BackendServer(
      `${name}-backends`,
      {
        loadBalancerId: clb.id,
        backendServers: lb.backends.map((b) => {
          const id = args.instanceIds[b.host];
          if (id === undefined) throw new Error(`load balancer ${lb.name}: no instance for backend ${b.host}`);
          return { serverId: id, weight: 100, type: "ecs" };
        }),
      },
      { parent: this },
    );

    this.address = intranet ? pulumi.output(lb.address!) : clb.address;
    this.registerOutputs({ address: this.address });
  }
}
