import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { dockerSshOpts } from "../hosts/ssh";
import { renderNodeRollGate } from "../render/hostApply";
import { Host } from "../hosts/host";
import { hostArgs, HostInfra } from "../hosts/hostInfra";
import { clusterHost, hostFile } from "../render/hostFiles";
import { DockerService } from "../runtime/dockerService";
import { SERVER_PATHS } from "../model/paths";
import { ClusterSecrets, ClusterSpec, ServerNodeSpec } from "../model/types";

export interface ServerNodeArgs {
  spec: ClusterSpec;
  node: ServerNodeSpec;
  infra: HostInfra;
  /** Secret values the config needs (OSS key, OBKV passwords), as one secret Output. */
  secrets: pulumi.Output<ClusterSecrets>;
  /** The previous node's gate (or the last meta member's): nodes change one at a time. Default: none. */
  after?: pulumi.Resource[];
  /**
   * What this node's instance waits for on every change: the previous node's roll gate, so a
   * change that restarts hosts (instance type, key pair, disks) reaches one node at a time.
   * Default: none (node 0).
   */
  hostAfter?: pulumi.Resource[];
}

/** One CeresDB server node on its own host. */
export class ServerNode extends pulumi.ComponentResource {
  readonly host: Host;
  readonly service: DockerService;
  /**
   * Completes when this node's host runs its desired revision and CeresDB answers; the next
   * node's instance waits for it. Runs on the machine running Pulumi (see renderNodeRollGate).
   */
  readonly rollGate: command.local.Command;

  constructor(name: string, args: ServerNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:server:ServerNode", name, {}, opts);
    const { spec, node, infra } = args;

    this.host = new Host(`${name}-host`, hostArgs(spec, node.host, "server", infra, args.hostAfter), { parent: this });

    // The TOML carries the OSS key: render it inside the secret, and keep the result secret.
    const onHost = clusterHost(spec, node.host);
    const configFile = hostFile(spec, node.host, "service-config");
    const content = pulumi.secret(args.secrets.apply((secrets) => configFile.render({ secrets })));
    this.service = new DockerService(
      `${name}-ceresdb`,
      {
        host: this.host,
        image: spec.images.server,
        containerName: onHost.container,
        config: { path: configFile.path, content },
        dataOnHost: SERVER_PATHS.dataOnHost,
        dataInContainer: SERVER_PATHS.dataInContainer,
        labels: { "ceresdb.role": onHost.role, "ceresdb.member": onHost.member },
        ports: onHost.ports,
        // CeresDB's health check is `GET /` on the HTTP port ({"status":"ok"}); there is no /health.
        healthUrl: `http://127.0.0.1:${spec.ports.http}/`,
        after: args.after,
      },
      { parent: this },
    );

    // Reached like the Docker provider reaches the host: system ssh with its options (the slot's
    // pinned host key, the bastion) and ssh-agent's key; at the fixed private IP (public hosts without a bastion: the public IP,
    // known only once the instance exists, which the update needs and the creation does not).
    const address = spec.network.assignPublicIp && !spec.access.bastion ? this.host.publicIp : pulumi.output(node.host.privateIp);
    const gate = pulumi.all([address, dockerSshOpts(spec.access, this.host.hostPublicKey)]).apply(([ip, sshOptions]) =>
      renderNodeRollGate(spec, node.host, {
        sshOptions,
        target: `${spec.access.sshUser}@${ip}`,
        healthUrl: `http://127.0.0.1:${spec.ports.http}/`,
      }),
    );
    this.rollGate = new command.local.Command(
      `${name}-roll`,
      { create: gate.create, update: gate.update },
      { parent: this, dependsOn: args.hostAfter },
    );

    this.registerOutputs({ privateIp: node.host.privateIp });
  }
}
