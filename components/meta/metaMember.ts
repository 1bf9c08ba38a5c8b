import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { Host } from "../hosts/host";
import { hostArgs, HostInfra } from "../hosts/hostInfra";
import { hostLockInputs } from "../hosts/hostLock";
import { dockerSshOpts, triggeredScript } from "../hosts/ssh";
import { hostRevision } from "../render/cloudInit";
import { clusterHost, hostFile } from "../render/hostFiles";
import { renderMetaBootstrapGuard } from "../render/metaGuard";
import { renderRollGate, rollHint, serviceRevision, serviceRuntime, sshConfigBlock } from "../render/rollGate";
import { DockerService } from "../runtime/dockerService";
import { ClusterSpec, MetaMemberSpec } from "../model/types";

export interface MetaMemberArgs {
  spec: ClusterSpec;
  member: MetaMemberSpec;
  infra: HostInfra;
  /**
   * The previous member's roll gate: this member's instance, container and roll gate wait for it,
   * so a change reaches one member at a time; at creation it waits for nothing. Default: none
   * (the first member).
   */
  after?: pulumi.Resource[];
}

/** One CeresMeta member (embedded etcd) on its own host. */
export class MetaMember extends pulumi.ComponentResource {
  readonly host: Host;
  readonly service: DockerService;
  /**
   * Passes at once at creation; on a change of this member's desired revision, once the member
   * runs it and is healthy with a CeresMeta leader (docs/rollout.md). The next member waits for it.
   */
  readonly rollGate: command.local.Command;
  /** This member's host as an ssh_config block (alias = host name), for the nodes' shard checks. */
  readonly sshConfig: pulumi.Output<string>;
  /** `http://ip:clientPort`, the etcd client and CeresMeta gRPC endpoint. */
  readonly clientUrl: string;

  constructor(name: string, args: MetaMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:meta:MetaMember", name, {}, opts);
    const { spec, member, infra } = args;
    const ip = member.host.privateIp;

    // Members' hosts change one at a time too: never two members down at once.
    this.host = new Host(`${name}-host`, hostArgs(spec, member.host, "meta", infra, args.after), { parent: this });

    const onHost = clusterHost(spec, member.host);
    const configFile = hostFile(spec, member.host, "service-config");
    const config = configFile.render({});
    const runtime = serviceRuntime(spec, "meta");
    const revision = serviceRevision({
      image: runtime.image,
      healthUrl: runtime.healthUrl,
      config,
      hostRevision: hostRevision(spec, member.host),
      replacing: hostLockInputs(spec, member.host).replacing,
    });
    // Runs before the container is created or replaced: refuses to start this member with an
    // empty data dir and "new" into a running cluster that knows it (etcd would split).
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

    this.service = new DockerService(`${name}-ceresmeta`, { host: this.host, service: onHost, runtime, config: { path: configFile.path, content: pulumi.output(config) }, revision, after: [...(args.after ?? []), guard] }, { parent: this });

    const alias = member.host.name;
    this.sshConfig = pulumi
      .all([this.host.address, dockerSshOpts(spec.access, this.host.hostPublicKey)])
      .apply(([address, options]) => sshConfigBlock(alias, address, spec.access.sshUser, options));
    // A local command: it keeps polling while this member's host restarts. No `create`: nothing
    // runs at creation (pulumi-command v1.2.1 local Create returns when `create` is unset).
    this.rollGate = new command.local.Command(
      `${name}-roll`,
      {
        update: this.sshConfig.apply((sshConfig) =>
          renderRollGate({
            name: alias,
            sshConfig,
            target: alias,
            probe: runtime.probe,
            wantHostRevision: hostRevision(spec, member.host),
            wantServiceRevision: revision,
            shardTargets: [],
            hint: rollHint(spec, "meta", alias, ip),
          }),
        ),
      },
      { parent: this, dependsOn: args.after },
    );

    this.clientUrl = `http://${ip}:${spec.ports.metaClient}`;
    this.registerOutputs({ clientUrl: this.clientUrl, privateIp: ip });
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
