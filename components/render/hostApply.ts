/**
 * What applies a host's setup after its first boot, and what rolls host changes of the CeresDB
 * nodes one at a time. Pure text; the components run it.
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
import { HOST_REVISION_FILE, HOST_SETUP_SCRIPT, hostRevision, renderHostSetupScript } from "./cloudInit";
import { fillScript, withHeader } from "./common";

/**
 * The remote command that installs and runs the host setup script (scripts/host-apply.sh). Runs on
 * creation too: a replaced instance boots with the user data it was first created with (Pulumi
 * keeps the old value of an ignored property, pulumi/pulumi pkg/resource/deploy/step_generator.go
 * processIgnoreChanges), and this brings it to the current script.
 */
export function renderHostApplyCommand(spec: ClusterSpec, host: HostSpec, role: "meta" | "server", dataDiskId: string): string {
  return hostApplyCommand(host, hostRevision(spec, host), renderHostSetupScript(spec, host, role, dataDiskId));
}

/** The host apply command around an already rendered setup script. */
export function hostApplyCommand(host: HostSpec, revision: string, setupScript: string): string {
  const command = fillScript("host-apply.sh", { SETUP_SCRIPT: setupScript, SETUP_PATH: HOST_SETUP_SCRIPT });
  return withHeader(command, [`ceresdb-cluster: apply the host setup of ${host.name} (${revision}).`]);
}

export interface RollGateOptions {
  /** `ssh` options (host keys, bastion), as the Docker provider uses them. */
  sshOptions: string[];
  /** `user@address` of the node. */
  target: string;
  /** URL polled on the node for health, e.g. `http://127.0.0.1:5440/`. */
  healthUrl: string;
  /** Bound on the wait. Default 1800 s: a stop, a type change, a start, setup and the container. */
  timeoutSeconds?: number;
  /** Seconds between polls. Default 10. */
  pollSeconds?: number;
}

/**
 * The node roll gate's two scripts. It runs on the machine running Pulumi (a local command), so
 * its creation needs no host: at first deployment every gate is created at once and no node
 * waits for another. Its `update` runs only when the node's desired host revision changed (the
 * revision is in its text) and waits until the node reports that revision and answers its health
 * URL; the next node's instance depends on this gate, so a restarting change reaches one node at a
 * time.
 */
export function renderNodeRollGate(spec: ClusterSpec, host: HostSpec, o: RollGateOptions): { create: string; update: string } {
  const revision = hostRevision(spec, host);
  const timeout = o.timeoutSeconds ?? 1800;
  // Printed by the node over ssh: the revision its setup last applied, then a word if CeresDB answers.
  const probe = fillScript("roll-gate-probe.sh", { REVISION_FILE: HOST_REVISION_FILE, HEALTH_URL: o.healthUrl }).replace(/\n$/, "");
  // pulumi-command's local commands run under /bin/sh -c: POSIX sh.
  const create = withHeader(fillScript("roll-gate-create.sh", {}), [`${host.name} host revision ${revision}: nothing to wait for when the node is first created.`]);
  const update = withHeader(
    fillScript("roll-gate-update.sh", {
      REVISION: revision,
      TIMEOUT: timeout,
      POLL: o.pollSeconds ?? 10,
      SSH_OPTIONS: o.sshOptions,
      TARGET: o.target,
      PROBE: probe,
      HOST: host.name,
    }),
    [`${host.name}: wait until the host runs revision ${revision} and CeresDB answers, before the next node changes.`],
  );
  return { create, update };
}
