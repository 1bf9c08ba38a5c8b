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
import { RenderError, shQuote } from "./common";

const SETUP_EOF = "CERESDB_HOST_SETUP_EOF";

/**
 * The remote command that installs and runs the host setup script. Runs on creation too: a
 * replaced instance boots with the user data it was first created with (Pulumi keeps the old
 * value of an ignored property, pulumi/pulumi pkg/resource/deploy/step_generator.go
 * processIgnoreChanges), and this brings it to the current script.
 */
export function renderHostApplyCommand(spec: ClusterSpec, host: HostSpec, role: "meta" | "server", dataDiskId: string): string {
  const script = renderHostSetupScript(spec, host, role, dataDiskId);
  if (script.split("\n").includes(SETUP_EOF)) throw new RenderError("host setup", `the script contains its own here-document end ${SETUP_EOF}`);
  return `#!/bin/sh
# ceresdb-cluster: apply the host setup of ${host.name} (${hostRevision(spec, host)}).
# cloud-init runs user data only at first boot; this re-runs the same script whenever it changes.
set -eu
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
cat > "$tmp" <<'${SETUP_EOF}'
${script}${SETUP_EOF}
as_root install -m 0755 -o root -g root "$tmp" ${shQuote(HOST_SETUP_SCRIPT)}
as_root ${shQuote(HOST_SETUP_SCRIPT)} < /dev/null
`;
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
  const poll = o.pollSeconds ?? 10;
  const remote = `cat ${HOST_REVISION_FILE} 2>/dev/null; curl -fsS --max-time 4 -o /dev/null ${o.healthUrl} && echo ceresdb-healthy`;
  // pulumi-command's local commands run under /bin/sh -c: POSIX sh.
  const create = `#!/bin/sh\n# ${host.name} host revision ${revision}: nothing to wait for when the node is first created.\ntrue\n`;
  const update = `#!/bin/sh
# ${host.name}: wait until the host runs revision ${revision} and CeresDB answers, before the next node changes.
set -u
want=${shQuote(revision)}
deadline=$(( $(date +%s) + ${timeout} ))
while :; do
  got="$(ssh -o BatchMode=yes ${o.sshOptions.map(shQuote).join(" ")} ${shQuote(o.target)} ${shQuote(remote)} 2>/dev/null || true)"
  if printf '%s\\n' "$got" | grep -qxF "$want" && printf '%s\\n' "$got" | grep -qx ceresdb-healthy; then
    echo "${host.name}: revision $want applied and healthy"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "${host.name} is not back with host revision $want and healthy after ${timeout}s (last answer: $got); later nodes are left unchanged" >&2
    exit 1
  fi
  sleep ${poll}
done
`;
  return { create, update };
}
