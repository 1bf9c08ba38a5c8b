import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, HostSpec } from "../model/types";
import { HostArgs, HostRole } from "./host";

/** What every host of a role shares: where it plugs into the network and how it is reached. */
export interface HostInfra {
  /** vSwitch ID per zone ID. */
  vswitchIds: Record<string, pulumi.Input<string>>;
  /** Security groups of the role. */
  securityGroupIds: pulumi.Input<string>[];
  /** System image ID. */
  imageId: pulumi.Input<string>;
  /** ECS key pair name. */
  keyPairName: pulumi.Input<string>;
  /** `ceresdb:sshPrivateKey` (secret). */
  sshPrivateKey: pulumi.Output<string>;
  /** `ceresdb:registryPassword` (secret), if set. */
  registryPassword?: pulumi.Output<string>;
  /** Egress the hosts need before they boot (the NAT gateway's SNAT entries); may be empty. */
  egress: pulumi.Resource[];
}

/** The Host arguments of one host of a role, from what the role's hosts share. */
export function hostArgs(spec: ClusterSpec, host: HostSpec, role: HostRole, infra: HostInfra, after?: pulumi.Resource[]): HostArgs {
  return {
    spec,
    host,
    role,
    vswitchId: infra.vswitchIds[host.zoneId],
    securityGroupIds: infra.securityGroupIds,
    imageId: infra.imageId,
    keyPairName: infra.keyPairName,
    sshPrivateKey: infra.sshPrivateKey,
    registryPassword: infra.registryPassword,
    after: [...infra.egress, ...(after ?? [])],
  };
}
