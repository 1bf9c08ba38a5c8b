import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { ClusterSpec } from "../model/types";
import { securityGroupDescription } from "../contracts/names";
import { ingressRules, Role, ruleName, SourceGroup } from "./firewall";

export interface NetworkArgs {
  /** The validated cluster spec. Uses `network` (VPC, zones, CIDRs), `ports`, `tags` and `name`. */
  spec: ClusterSpec;
}

/**
 * The VPC (created, or an existing one), one vSwitch per zone (created, or existing ones), and a
 * security group per role with one rule per port and source (see firewall.ts for the rule set).
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** vSwitch ID per zone ID. */
  readonly vswitchIds: Record<string, pulumi.Output<string>>;
  /** Security group ID per role. */
  readonly securityGroupIds: Record<Role, pulumi.Output<string>>;
  /** The ARMS Prometheus agent's security group (`ceresdb:monitoring arms` only). */
  readonly monitorSecurityGroupId?: pulumi.Output<string>;
  /**
   * What hosts must wait for before they boot: cloud-init installs packages and the containers
   * pull images at once, so the SNAT entries must exist first. Empty without a NAT gateway.
   */
  readonly egress: pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:network:Network", name, {}, opts);
    const { spec } = args;
    const net = spec.network;
    const tags = spec.tags;

    this.vpcId = net.vpcId
      ? pulumi.output(net.vpcId)
      : new alicloud.vpc.Network(`${name}-vpc`, { vpcName: spec.namePrefix, cidrBlock: net.vpcCidr, tags }, { parent: this }).id;

    this.vswitchIds = {};
    for (const zone of net.zones) {
      this.vswitchIds[zone.zoneId] = zone.vswitchId
        ? pulumi.output(zone.vswitchId)
        : new alicloud.vpc.Switch(
            `${name}-${zone.zoneId}`,
            { vswitchName: `${spec.namePrefix}-${zone.zoneId}`, vpcId: this.vpcId, zoneId: zone.zoneId, cidrBlock: zone.cidr, tags },
            { parent: this },
          ).id;
    }

    const groups = {} as Record<SourceGroup, alicloud.ecs.SecurityGroup>;
    const roles: SourceGroup[] = spec.observability.monitoring === "arms" ? ["meta", "server", "monitor"] : ["meta", "server"];
    for (const role of roles) {
      groups[role] = new alicloud.ecs.SecurityGroup(
        `${name}-${role}`,
        {
          securityGroupName: `${spec.namePrefix}-${role}`,
          description: securityGroupDescription(spec.stack, role),
          vpcId: this.vpcId,
          // Nothing is allowed in unless a rule below says so, not even from the same group.
          innerAccessPolicy: "Drop",
          tags: { ...tags, role },
        },
        { parent: this },
      );
    }

    for (const rule of ingressRules(spec)) {
      new alicloud.ecs.SecurityGroupRule(
        `${name}-${ruleName(rule)}`,
        {
          securityGroupId: groups[rule.role].id,
          type: "ingress",
          ipProtocol: "tcp",
          portRange: `${rule.port}/${rule.port}`,
          nicType: "intranet",
          policy: "accept",
          priority: 1,
          description: rule.description,
          ...("group" in rule.source ? { sourceSecurityGroupId: groups[rule.source.group].id } : { cidrIp: rule.source.cidr }),
        },
        { parent: this },
      );
    }

    this.egress = net.createNatGateway ? this.natGateway(name, spec) : [];
    this.securityGroupIds = { meta: groups.meta.id, server: groups.server.id };
    this.monitorSecurityGroupId = groups.monitor?.id;
    this.registerOutputs({ vpcId: this.vpcId, vswitchIds: this.vswitchIds, securityGroupIds: this.securityGroupIds });
  }

  /** An enhanced NAT gateway in the first zone, an EIP on it, and SNAT for every vSwitch. */
  private natGateway(name: string, spec: ClusterSpec): pulumi.Resource[] {
    const tags = spec.tags;
    const firstZone = spec.network.zones[0].zoneId;
    const nat = new alicloud.vpc.NatGateway(
      `${name}-nat`,
      {
        natGatewayName: `${spec.namePrefix}-nat`,
        vpcId: this.vpcId,
        vswitchId: this.vswitchIds[firstZone],
        natType: "Enhanced",
        paymentType: "PayAsYouGo",
        internetChargeType: "PayByLcu",
        tags,
      },
      { parent: this },
    );
    const eip = new alicloud.ecs.EipAddress(
      `${name}-nat-eip`,
      { addressName: `${spec.namePrefix}-nat`, internetChargeType: "PayByTraffic", bandwidth: "100", paymentType: "PayAsYouGo", tags },
      { parent: this },
    );
    const association = new alicloud.ecs.EipAssociation(
      `${name}-nat-eip`,
      { allocationId: eip.id, instanceId: nat.id, instanceType: "Nat" },
      { parent: this },
    );
    // snatTableIds is a comma-separated list; an enhanced gateway has one table.
    const snatTableId = nat.snatTableIds.apply((ids) => (ids ?? "").split(",")[0]);
    return spec.network.zones.map(
      (zone) =>
        new alicloud.vpc.SnatEntry(
          `${name}-snat-${zone.zoneId}`,
          { snatTableId, sourceVswitchId: this.vswitchIds[zone.zoneId], snatIp: eip.ipAddress, snatEntryName: `${spec.namePrefix}-${zone.zoneId}` },
          { parent: this, dependsOn: [association] },
        ),
    );
  }
}
