import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { Host } from "../hosts/host";
import { hostArgs, HostInfra } from "../hosts/hostInfra";
import { hostLockInputs } from "../hosts/hostLock";
import { dockerSshOpts } from "../hosts/ssh";
import { hostRevision } from "../render/cloudInit";
import { renderRollGate, renderShardProbe, rollHint, secretsDigest, SECRET_PLACEHOLDERS, serviceRevision, serviceRuntime, sshConfigBlock } from "../render/rollGate";
import { DockerService } from "../runtime/dockerService";
import { ClusterSecrets, ClusterSpec, NodeSpec } from "../model/types";
import { clusterHost, hostFile } from "../render/hostFiles";

export interface ServerNodeArgs {
  spec: ClusterSpec;
  node: NodeSpec;
  infra: HostInfra;
  /** Secret values the config needs (OSS key, OBKV passwords), as one secret Output. */
  secrets: pulumi.Output<ClusterSecrets>;
  /**
   * The roll gates of every node of the previous batch (batch 0: the last member's): this node's
   * instance, container and roll gate wait for them, so a change reaches one batch at a time; at
   * creation they wait for nothing (docs/rollout.md). Default: none.
   */
  after?: pulumi.Resource[];
  /**
   * The CeresMeta members' hosts as ssh_config blocks (MetaMember.sshConfig, alias = host name):
   * where the roll gate asks CeresMeta for shard readiness (the nodes cannot reach its HTTP API).
   */
  metaSshConfigs: { alias: string; ip: string; block: pulumi.Output<string> }[];
}

/** One CeresDB server node on its own host. */
export class ServerNode extends pulumi.ComponentResource {
  readonly host: Host;
  readonly service: DockerService;
  /**
   * Passes at once at creation; on a change of this node's desired revision, once the node runs
   * it, answers `GET /` and CeresMeta reports every shard ready (v1.2.7). The next batch waits for
   * it. Runs on the machine running Pulumi: it keeps polling while the node's host restarts.
   */
  readonly rollGate: command.local.Command;

  constructor(name: string, args: ServerNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:server:ServerNode", name, {}, opts);
    const { spec, node, infra } = args;

    this.host = new Host(`${name}-host`, hostArgs(spec, node.host, "server", infra, args.after), { parent: this });

    // The TOML carries the OSS key: render it inside the secret, and keep the result secret.
    const onHost = clusterHost(spec, node.host);
    const configFile = hostFile(spec, node.host, "service-config");
    const runtime = serviceRuntime(spec, "server");
    const content = pulumi.secret(args.secrets.apply((secrets) => configFile.render({ secrets })));
    // The revision must not be secret (the plan, the PR diff and the timeline read which roll
    // gates change), nor a plain hash of the secrets (a low-entropy OBKV password could be guessed
    // from it): the config is hashed with placeholders, and the secrets only through an HMAC
    // keyed by the OSS access key secret, so a rotated secret still changes the revision.
    const revision = pulumi.unsecret(
      args.secrets.apply((s) =>
        serviceRevision({
          image: runtime.image,
          healthUrl: runtime.healthUrl,
          config: configFile.render({ secrets: SECRET_PLACEHOLDERS }),
          hostRevision: hostRevision(spec, node.host),
          replacing: hostLockInputs(spec, node.host).replacing,
          secretsDigest: secretsDigest(s),
        }),
      ),
    );
    this.service = new DockerService(`${name}-ceresdb`, { host: this.host, service: onHost, runtime, config: { path: configFile.path, content }, revision, after: args.after }, { parent: this });

    // Reached like the Docker provider reaches the host: system ssh with its options (the slot's
    // pinned host key, the bastion) and ssh-agent's key.
    const alias = node.host.name;
    const shardProbe = renderShardProbe(spec);
    const metas = shardProbe ? args.metaSshConfigs : [];
    const own = pulumi
      .all([this.host.address, dockerSshOpts(spec.access, this.host.hostPublicKey)])
      .apply(([address, options]) => sshConfigBlock(alias, address, spec.access.sshUser, options));
    this.rollGate = new command.local.Command(
      `${name}-roll`,
      {
        update: pulumi.all([own, revision, ...metas.map((m) => m.block)]).apply(([ownBlock, wantService, ...metaBlocks]) =>
          renderRollGate({
            name: alias,
            sshConfig: [ownBlock, ...metaBlocks].join("\n"),
            target: alias,
            probe: runtime.probe,
            wantHostRevision: hostRevision(spec, node.host),
            wantServiceRevision: wantService,
            shardTargets: metas.map((m) => m.alias),
            shardProbe,
            hint: rollHint(spec, "server", alias, node.host.privateIp, args.metaSshConfigs[0]?.ip),
          }),
        ),
      },
      { parent: this, dependsOn: args.after },
    );

    this.registerOutputs({ privateIp: node.host.privateIp });
  }
}
