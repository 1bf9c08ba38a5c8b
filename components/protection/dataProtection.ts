import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { ClusterSpec } from "../model/types";

export interface DataProtectionArgs {
  /** The validated cluster spec. Uses `observability.diskSnapshots`, `name` and `tags`. */
  spec: ClusterSpec;
  /** Every host's data disk, by host name. */
  dataDisks: { host: string; diskId: pulumi.Input<string> }[];
}

/**
 * ECS automatic snapshots of every data disk (prod and staging): with the RocksDB WAL, the writes
 * not yet flushed to OSS live only on a node's disk, and etcd's data only on the meta disks. One
 * policy per cluster, attached to each disk; a disk added by a scale-out gets its attachment in
 * the same update, a removed one loses it. Nothing is created in test stacks.
 */
export class DataProtection extends pulumi.ComponentResource {
  readonly policyId?: pulumi.Output<string>;

  constructor(name: string, args: DataProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:protection:DataProtection", name, {}, opts);
    const { spec } = args;
    const snapshots = spec.observability.diskSnapshots;
    if (snapshots) {
      const policy = new alicloud.ecs.AutoSnapshotPolicy(
        `${name}-policy`,
        {
          autoSnapshotPolicyName: `${spec.namePrefix}-data`,
          repeatWeekdays: snapshots.repeatWeekdays,
          timePoints: snapshots.timePoints,
          retentionDays: snapshots.retentionDays,
          tags: spec.tags,
        },
        { parent: this },
      );
      for (const disk of args.dataDisks) {
        new alicloud.ecs.EcsAutoSnapshotPolicyAttachment(
          `${name}-${disk.host}`,
          { autoSnapshotPolicyId: policy.id, diskId: disk.diskId },
          { parent: this },
        );
      }
      this.policyId = policy.id;
    }
    this.registerOutputs({ policyId: this.policyId });
  }
}
