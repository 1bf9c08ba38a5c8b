import { hostResourceNames } from "../contracts/names";
import { ClusterSpec, HostSpec } from "../model/types";

/**
 * Tag on an instance of a protected environment whose deletion protection is off because it is
 * listed in `ceresdb:replaceHosts`; the policy pack's ecs-deletion-protection rule accepts it.
 */
export const REPLACE_REQUESTED_TAG = "ceresdb-replace-requested";

/**
 * The instance inputs that follow from the spec alone (known before anything exists); the host
 * lock compares them between deployments (components/hosts/hostLock.ts).
 */
export function instanceSpecInputs(spec: ClusterSpec, host: HostSpec) {
  const { instanceName, hostName } = hostResourceNames(spec.namePrefix, host.name);
  return {
    instanceName,
    hostName,
    availabilityZone: host.zoneId,
    instanceType: host.instanceType,
    privateIp: host.privateIp,
    systemDiskCategory: host.systemDisk.category,
    systemDiskSize: host.systemDisk.sizeGb,
    instanceChargeType: "PostPaid",
    internetMaxBandwidthOut: spec.network.assignPublicIp ? 10 : 0,
    // Explicit, because the provider no longer defaults it (@pulumi/alicloud 3.108.0,
    // ecs/instance.d.ts: "From version 1.243.0, the default value PayByTraffic will be removed"),
    // which would leave the billing of a public IP to the API. Pay by traffic: a test stack's
    // hosts are mostly idle, and bandwidth billing charges the 10 Mbit/s cap by the hour. Only
    // with a public IP: the provider suppresses it without outbound bandwidth
    // (diff_suppress_funcs.go ecsInternetDiffSuppressFunc).
    internetChargeType: spec.network.assignPublicIp ? "PayByTraffic" : undefined,
    deletionProtection: host.deletionProtection,
  };
}

/** The data disk inputs that follow from the spec alone. */
export function dataDiskSpecInputs(spec: ClusterSpec, host: HostSpec) {
  return {
    diskName: hostResourceNames(spec.namePrefix, host.name).diskName,
    zoneId: host.zoneId,
    category: host.dataDisk.category,
    size: host.dataDisk.sizeGb,
    performanceLevel: host.dataDisk.performanceLevel,
    // How ResizeDisk runs when `size` grows: without it the API resizes offline and the new size
    // only takes effect after a restart (resource_alicloud_ecs_disk.go, Update: ResizeDisk gets
    // `Type` from `type`; @pulumi/alicloud 3.108.0 ecs/ecsDisk.d.ts `type`: "Default to offline").
    // Online, the setup script's resize2fs grows the filesystem at once (no restart).
    type: "online",
    encrypted: true,
    deleteWithInstance: false,
  };
}
