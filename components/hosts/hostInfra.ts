import * as pulumi from "@pulumi/pulumi";

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
}
