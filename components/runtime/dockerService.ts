import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import { Host } from "../hosts/host";
import { ClusterHost } from "../render/hostFiles";
import { renderGateHealthy, renderGateRunning, withTriggerLine } from "../render/remoteCommands";
import { ServiceRuntime } from "../render/rollGate";

export interface DockerServiceArgs {
  /** The host to run on: its Docker provider, SSH connection and revision are used. */
  host: Host;
  /**
   * The service on its host (clusterHost(spec, host)): its container name, its role and member (the
   * container's labels `ceresdb.role` and `ceresdb.member`) and what it listens on (the label
   * `ceresdb.ports`: host networking publishes no ports, so they are recorded for `docker inspect`).
   */
  service: ClusterHost;
  /** Rendered config file: where it goes in the container and its content (a secret Output when it holds credentials). */
  config: { path: string; content: pulumi.Output<string> };
  /** The service's image, data directory, health URL and readiness probe (rollGate.ts serviceRuntime). */
  runtime: ServiceRuntime;
  /**
   * Resources the container waits for, on creation and on every change: the previous member's or
   * batch's roll gates (see docs/rollout.md), and a member's bootstrap guard. Default: none.
   */
  after?: pulumi.Resource[];
  /**
   * The service's desired revision (rollGate.ts serviceRevision; a secret Output when the config
   * holds secrets). The gate records it once the service runs (creation) or is ready again
   * (change); the service's roll gate waits for it.
   */
  revision: pulumi.Input<string>;
  /** Seconds the gate waits for health on an update before failing the deployment. Default: 600. */
  healthTimeoutSeconds?: number;
}

/**
 * A long-running container plus its own gate.
 *
 * The gate is a command on the host. On creation it only waits until the container is running:
 * at first bootstrap every CeresMeta member must be up before any of them is healthy (there is no
 * quorum yet), so waiting for health there would deadlock. On every later change of the container
 * (its ID is in the text of the gate's `update`, so a new container makes Pulumi run it), of the
 * host (its revision is in the text too) or of the desired revision, it waits until the service's
 * probe passes (health; a CeresMeta leader for a member). Either way it then records the desired
 * revision on the host, which is what the service's roll gate waits for: no other resource
 * depends on this gate, so it orders nothing at creation (docs/rollout.md).
 */
export class DockerService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** Completes when the container runs (creation) or is healthy again (update). */
  readonly gate: command.remote.Command;

  constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:runtime:DockerService", name, {}, opts);
    const childOpts = { parent: this, provider: args.host.docker };

    // A replaced instance (same private IP, so the Docker provider's config is unchanged) starts
    // with an empty Docker: nothing in state would tell the image and the container to come back.
    // The instance ID in pull_triggers and in a label (both ForceNew, kreuzwerker v4.5.0
    // resource_docker_image.go / resource_docker_container.go) replaces them on the new instance;
    // deleting the old container there is a no-op ("No such container" is ignored,
    // resourceDockerContainerDelete in resource_docker_container_funcs.go).
    const instanceId = args.host.instanceId;
    const image = new docker.RemoteImage(`${name}-image`, { name: args.runtime.image, keepLocally: true, pullTriggers: [instanceId] }, childOpts);

    // The uploads array is built inside an apply on the (secret) config, and declared secret as a
    // whole: a secret nested in uploads[i].content does not make the property secret by itself.
    const uploads = args.config.content.apply((content) => [{ file: args.config.path, content }]);
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: args.service.container,
        image: image.imageId,
        // Host networking: the advertised addresses in the configs are the host's own IP, and
        // CeresDB registers `node.addr:grpc_port` with CeresMeta, so no port translation may sit
        // in between.
        networkMode: "host",
        uploads,
        volumes: [{ hostPath: args.runtime.dataOnHost, containerPath: args.runtime.dataInContainer }],
        restart: "unless-stopped",
        mustRun: true,
        labels: [
          ...Object.entries({ "ceresdb.role": args.service.role, "ceresdb.member": args.service.member, "ceresdb.ports": portsLabel(args.service.ports) }).map(([label, value]) => ({ label, value })),
          { label: INSTANCE_LABEL, value: instanceId },
        ],
        healthcheck: {
          tests: ["CMD-SHELL", `curl -fsS --max-time 4 ${args.runtime.healthUrl} > /dev/null || exit 1`],
          interval: "10s",
          timeout: "5s",
          retries: 6,
          startPeriod: "60s",
        },
        logDriver: "json-file",
        logOpts: { "max-size": "100m", "max-file": "5" },
        // CeresDB flushes memtables on SIGTERM; give it time before SIGKILL.
        destroyGraceSeconds: 120,
      },
      {
        ...childOpts,
        dependsOn: args.after,
        additionalSecretOutputs: ["uploads"],
        // The container name is fixed on the host, so the old one must go first.
        deleteBeforeReplace: true,
        // kreuzwerker/terraform-provider-docker v4.5.0: `healthcheck` is neither ForceNew
        // (internal/provider/resource_docker_container.go) nor among the attributes
        // resourceDockerContainerUpdate applies (resource_docker_container_funcs.go), so a change
        // alone would only be recorded in state. Docker cannot change a container's health check.
        replaceOnChanges: ["healthcheck"],
      },
    );

    const timeout = args.healthTimeoutSeconds ?? 600;
    this.gate = new command.remote.Command(
      `${name}-gate`,
      {
        connection: args.host.connection,
        create: pulumi.output(args.revision).apply((revision) => renderGateRunning(args.service.container, revision)),
        // A new container, a host change (see Host.revision) or a new desired revision changes this text, which re-runs it.
        update: pulumi
          .all([args.revision, this.container.id, args.host.revision])
          .apply(([revision, containerId, hostRevision]) =>
            withTriggerLine(renderGateHealthy(args.service.container, args.runtime.probe, timeout, revision), { CONTAINER_ID: containerId, HOST_REVISION: hostRevision }),
          ),
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.container] },
    );

    this.registerOutputs({ containerId: this.container.id });
  }
}

/** Label holding the ECS instance the container runs on; a new instance replaces the container. */
export const INSTANCE_LABEL = "ceresdb.instance";

/** `grpc=8831,http=5440`: stable order, so the label never changes without a port change. */
export function portsLabel(ports: Record<string, number>): string {
  return Object.entries(ports)
    .map(([name, port]) => `${name}=${port}`)
    .join(",");
}
