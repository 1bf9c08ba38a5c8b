import * as pulumi from "@pulumi/pulumi";
import { Host } from "../hosts/host";
import { hostArgs, HostInfra } from "../hosts/hostInfra";
import { renderCeresDbToml } from "../render/ceresdbToml";
import { DockerService } from "../runtime/dockerService";
import { SERVER_PATHS } from "../spec/paths";
import { ClusterSecrets, ClusterSpec, ServerNodeSpec } from "../spec/types";
import { traitsOf } from "../spec/versions";

export interface ServerNodeArgs {
  spec: ClusterSpec;
  node: ServerNodeSpec;
  infra: HostInfra;
  /** Secret values the config needs (OSS key, OBKV passwords), as one secret Output. */
  secrets: pulumi.Output<ClusterSecrets>;
  /** The previous node's gate (or the last meta member's): nodes change one at a time. Default: none. */
  after?: pulumi.Resource[];
}

/** One CeresDB server node on its own host. */
export class ServerNode extends pulumi.ComponentResource {
  readonly host: Host;
  readonly service: DockerService;

  constructor(name: string, args: ServerNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:server:ServerNode", name, {}, opts);
    const { spec, node, infra } = args;

    this.host = new Host(`${name}-host`, hostArgs(spec, node.host, "server", infra), { parent: this });

    // The TOML carries the OSS key: render it inside the secret, and keep the result secret.
    const content = pulumi.secret(args.secrets.apply((s) => renderCeresDbToml(spec, node, s)));
    this.service = new DockerService(
      `${name}-ceresdb`,
      {
        host: this.host,
        image: spec.images.server,
        containerName: "ceresdb",
        config: { path: SERVER_PATHS.configInContainer, content },
        dataOnHost: SERVER_PATHS.dataOnHost,
        dataInContainer: SERVER_PATHS.dataInContainer,
        labels: { "ceresdb.role": "server", "ceresdb.member": `node${node.index}` },
        ports: {
          grpc: spec.ports.grpc,
          http: spec.ports.http,
          mysql: spec.ports.mysql,
          ...(traitsOf(spec.version).postgresql ? { postgresql: spec.ports.postgresql } : {}),
        },
        // CeresDB's health check is `GET /` on the HTTP port ({"status":"ok"}); there is no /health.
        healthUrl: `http://127.0.0.1:${spec.ports.http}/`,
        after: args.after,
      },
      { parent: this },
    );

    this.registerOutputs({ privateIp: node.host.privateIp });
  }
}
