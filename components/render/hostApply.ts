/**
 * What applies a host's setup after its first boot. Pure text; the components run it. (What rolls
 * host changes, one member and one batch of nodes at a time, is rollGate.ts.)
 *
 * Why the setup is re-applied over SSH: a `user_data` change of alicloud_instance is applied by
 * ModifyInstanceAttribute and then a stop and start of the instance
 * (aliyun/terraform-provider-alicloud v1.294.x, alicloud/resource_alicloud_instance.go,
 * modifyInstanceAttribute: `d.HasChange("user_data")` sets `reboot = true`, which makes
 * resourceAliCloudInstanceUpdate stop and start the instance), and cloud-init runs user data only
 * on an instance's first boot. So the instance ignores `userData` changes (the plan shows no
 * instance change, and none happens), and this command, whose text is the whole script, runs the
 * new script on the running host instead: the plan shows it as an update, which is what happens.
 */
import { ClusterSpec, HostSpec } from "../model/types";
import { HOST_SETUP_SCRIPT, hostRevision, renderHostSetupScript } from "./cloudInit";
import { fillScript, withHeader } from "./common";
import type { HostRole } from "../model/vocabulary";

/**
 * The remote command that installs and runs the host setup script (scripts/host-apply.sh). Runs on
 * creation too: a replaced instance boots with the user data it was first created with (Pulumi
 * keeps the old value of an ignored property, pulumi/pulumi pkg/resource/deploy/step_generator.go
 * processIgnoreChanges), and this brings it to the current script.
 */
export function renderHostApplyCommand(spec: ClusterSpec, host: HostSpec, role: HostRole, dataDiskId: string): string {
  return hostApplyCommand(host, hostRevision(spec, host), renderHostSetupScript(spec, host, role, dataDiskId));
}

/** The host apply command around an already rendered setup script. */
export function hostApplyCommand(host: HostSpec, revision: string, setupScript: string): string {
  const command = fillScript("host-apply.sh", { fill: { SETUP_SCRIPT: setupScript, SETUP_PATH: HOST_SETUP_SCRIPT } });
  return withHeader(command, [`ceresdb-cluster: apply the host setup of ${host.name} (${revision}).`]);
}
