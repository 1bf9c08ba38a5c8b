import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { Host } from "../hosts/host";
import { hostArgs, HostInfra } from "../hosts/hostInfra";
import { triggeredScript } from "../hosts/ssh";
import { clusterHost, hostFile } from "../render/hostFiles";
import { renderMetaBootstrapGuard } from "../render/metaGuard";
import { DockerService } from "../runtime/dockerService";
import { META_PATHS } from "../model/paths";
import { ClusterSpec, MetaMemberSpec } from "../model/types";
import { traitsOf } from "../model/versions";

export interface MetaMemberArgs {
  spec: ClusterSpec;
  member: MetaMemberSpec;
  infra: HostInfra;
  /** The previous member's gate: members change one at a time. Default: none (the first member). */
  after?: pulumi.Resource[];
}

/** One CeresMeta member (embedded etcd) on its own host. */
export class MetaMember extends pulumi.ComponentResource {
  readonly host: Host;
  readonly service: DockerService;
  /** `http://ip:clientPort`, the etcd client and CeresMeta gRPC endpoint. */
  readonly clientUrl: string;

  constructor(name: string, args: MetaMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:meta:MetaMember", name, {}, opts);
    const { spec, member, infra } = args;
    const ip = member.host.privateIp;

    // Members' hosts change one at a time too: never two members down at once.
    this.host = new Host(`${name}-host`, hostArgs(spec, member.host, "meta", infra, args.after), { parent: this });

    // Runs before the container is created or replaced: refuses to start this member with an
    // empty data dir and "new" into a running cluster that knows it (etcd would split).
    const onHost = clusterHost(spec, member.host);
    const configFile = hostFile(spec, member.host, "service-config");
    const config = configFile.render({});
    const guard = new command.remote.Command(
      `${name}-guard`,
      {
        connection: this.host.connection,
        // Re-runs when the config, the image or the host changes.
        create: triggeredScript(renderMetaBootstrapGuard(spec, member), { CONFIG_SHA256: sha256(config), IMAGE: spec.images.meta, HOST_REVISION: this.host.revision }),
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.host.ready] },
    );

    this.service = new DockerService(
      `${name}-ceresmeta`,
      {
        host: this.host,
        image: spec.images.meta,
        containerName: onHost.container,
        config: { path: configFile.path, content: pulumi.output(config) },
        dataOnHost: META_PATHS.dataOnHost,
        dataInContainer: META_PATHS.dataInContainer,
        labels: { "ceresdb.role": onHost.role, "ceresdb.member": onHost.member },
        ports: onHost.ports,
        healthUrl: `http://127.0.0.1:${spec.ports.metaHttp}${traitsOf(spec.version).metaHealthPath}`,
        after: [...(args.after ?? []), guard],
      },
      { parent: this },
    );

    this.clientUrl = `http://${ip}:${spec.ports.metaClient}`;
    this.registerOutputs({ clientUrl: this.clientUrl, privateIp: ip });
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
