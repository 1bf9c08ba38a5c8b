import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { HostInfra } from "../hosts/hostInfra";
import { BootstrapLock } from "./bootstrapLock";
import { MetaMember } from "../meta/metaMember";
import { Network } from "../network/network";
import { LoadBalancer } from "../network/loadBalancer";
import { ServerNode } from "../server/serverNode";
import { SecretInputs } from "../model/settings";
import { ClusterSecrets, ClusterSpec } from "../model/types";
import { Storage } from "../storage/storage";
import { faultTolerance } from "../topology/addressing";
import { traitsOf } from "../model/versions";
import * as command from "@pulumi/command";
import { Monitoring } from "../monitoring/monitoring";
import { DataProtection } from "../protection/dataProtection";
import { renderBackupCredentialsCommand } from "../render/metaBackup";
import { renderPrometheusConfig, renderAlertRules } from "../render";
import { needsShardHandoff, renderShardHandoff } from "../render";
import type { HostRole } from "../model/vocabulary";

/**
 * Secret stack settings, as the stack config returns them (secret Outputs): one field per
 * `secret: true` setting of components/model/settings.ts, required unless it is `usedOnlyWith`
 * another setting (its description there says when it is needed and what it defaults to).
 */
export type ClusterSecretInputs = SecretInputs<pulumi.Output<string>>;

export interface CeresDBClusterArgs {
  /** The validated cluster spec (see components/model/buildSpec.ts). */
  spec: ClusterSpec;
  secrets: ClusterSecretInputs;
}

/** System image of every host; matched by name so each region resolves its own image ID. */
const HOST_IMAGE_NAME = "^ubuntu_22_04_x64";

/**
 * A whole CeresDB cluster: network, storage, CeresMeta members and CeresDB nodes.
 *
 * Created in parallel; a later change that touches all of them (a new version, a config change)
 * restarts the members one at a time and the nodes one batch at a time, each after the previous
 * one is back: order from the roll gates' waits, not from creation dependencies (docs/rollout.md).
 */
export class CeresDBCluster extends pulumi.ComponentResource {
  readonly network: Network;
  readonly storage: Storage;
  readonly members: MetaMember[];
  readonly nodes: ServerNode[];
  readonly monitoring: Monitoring;
  /** The meta endpoint (every node's meta_addr) and the client endpoint. */
  readonly loadBalancers: { meta: LoadBalancer; client: LoadBalancer };
  /** Endpoints and addresses for the stack outputs; never a secret. */
  readonly outputs: ClusterOutputs;

  constructor(name: string, args: CeresDBClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:cluster:CeresDBCluster", name, {}, opts);
    const { spec, secrets } = args;

    // Refuses, at preview, changes to what CeresMeta only reads when it creates the cluster.
    new BootstrapLock(`${name}-bootstrap`, spec.bootstrap, { parent: this });
    this.network = new Network(`${name}-network`, { spec }, { parent: this });
    this.storage = new Storage(`${name}-storage`, { spec, suppliedKeySecret: secrets.ossAccessKeySecret }, { parent: this });

    // Named after the key (spec/sshKey.ts): key_pair_name is ForceNew and public_key is not
    // (resource_alicloud_ecs_key_pair.go), so a new key creates a new key pair; instances move
    // to it in place (a reboot each, rolled: see Host.revision and the node roll gates), and the
    // old pair is deleted once no instance uses it (DeleteKeyPairs refuses a pair still bound).
    const keyPair = new alicloud.ecs.EcsKeyPair(
      `${name}-ssh`,
      { keyPairName: spec.access.keyPairName, publicKey: spec.access.sshPublicKey, tags: spec.tags },
      { parent: this },
    );

    const imageId = alicloud.ecs
      .getImagesOutput({ nameRegex: HOST_IMAGE_NAME, owners: "system", mostRecent: true }, { parent: this })
      .apply((r) => {
        if (r.images.length === 0) throw new Error(`no system image matching ${HOST_IMAGE_NAME} in ${spec.region}`);
        return r.images[0].id;
      });

    const infra = (role: HostRole): HostInfra => ({
      vswitchIds: this.network.vswitchIds,
      securityGroupIds: [this.network.securityGroupIds[role]],
      imageId,
      keyPairName: keyPair.keyPairName,
      sshPrivateKey: secrets.sshPrivateKey,
      registryPassword: secrets.registryPassword,
      egress: this.network.egress,
    });

    // Order of later changes comes from the roll gates (docs/rollout.md): member k waits for
    // member k-1's, which waits for nothing at creation, so the members are created in parallel.
    this.members = [];
    for (const member of spec.meta) {
      const previous = this.members[this.members.length - 1];
      this.members.push(
        new MetaMember(
          `${name}-meta-${member.index}`,
          { spec, member, infra: infra("meta"), after: previous ? [previous.rollGate] : undefined },
          { parent: this },
        ),
      );
    }
    const metaSshConfigs = this.members.map((m, i) => ({ alias: spec.meta[i].host.name, ip: spec.meta[i].host.privateIp, block: m.sshConfig }));

    const nodeSecrets: pulumi.Output<ClusterSecrets> = pulumi.secret(
      pulumi
        .all([this.storage.credentials, secrets.obkvPassword, secrets.obkvSysPassword])
        .apply(([oss, obkvPassword, obkvSysPassword]) => ({
          ossAccessKeyId: oss.keyId,
          ossAccessKeySecret: oss.keySecret,
          obkvPassword,
          obkvSysPassword,
        })),
    );
    // Batch b (nodes floor(index / nodeBatchSize) = b) waits for the roll gates of batch b-1,
    // batch 0 for the last member's: a later change reaches one batch at a time, each after the
    // previous one is back; at creation nothing waits.
    this.nodes = [];
    const batchSize = spec.rollout.nodeBatchSize;
    let previousBatch: pulumi.Resource[] = [this.members[this.members.length - 1].rollGate];
    let currentBatch: pulumi.Resource[] = [];
    for (const [position, node] of spec.nodes.entries()) {
      if (position > 0 && position % batchSize === 0) {
        previousBatch = currentBatch;
        currentBatch = [];
      }
      const serverNode = new ServerNode(
        `${name}-node-${node.index}`,
        { spec, node, infra: infra("server"), secrets: nodeSecrets, after: previousBatch, metaSshConfigs },
        { parent: this },
      );
      this.nodes.push(serverNode);
      currentBatch.push(serverNode.rollGate);
    }

    this.monitoring = new Monitoring(
      `${name}-monitoring`,
      {
        spec,
        vpcId: this.network.vpcId,
        vswitchId: this.network.vswitchIds[spec.network.zones[0].zoneId],
        securityGroupId: this.network.monitorSecurityGroupId,
      },
      { parent: this },
    );
    new DataProtection(
      `${name}-protection`,
      {
        spec,
        dataDisks: [
          ...spec.meta.map((m, i) => ({ host: m.host.name, diskId: this.members[i].host.dataDiskId })),
          ...spec.nodes.map((n, i) => ({ host: n.host.name, diskId: this.nodes[i].host.dataDiskId })),
        ],
      },
      { parent: this },
    );
    // The metadata backup's OSS key on every meta host (any member may be the leader that uploads),
    // root-only, sent on stdin so it is in no command line, script or log.
    for (const [i, member] of this.members.entries()) {
      new command.remote.Command(
        `${name}-meta-${spec.meta[i].index}-backup-key`,
        {
          connection: member.host.connection,
          create: renderBackupCredentialsCommand(),
          stdin: pulumi.secret(this.storage.credentials.apply((c) => `OSS_ACCESS_KEY_ID=${c.keyId}\nOSS_ACCESS_KEY_SECRET=${c.keySecret}\n`)),
          addPreviousOutputInEnv: false,
        },
        { parent: this, dependsOn: [member.host.setup] },
      );
    }

    // Scale-in of a dynamic cluster: each node that may be removed gets a command whose delete
    // step moves its shards to the nodes below it and stops it. Pulumi deletes a removed node's
    // resources in reverse dependency order, so this runs before its container and host go.
    spec.nodes.forEach((node, i) => {
      if (!needsShardHandoff(spec, node)) return;
      const n = this.nodes[i];
      new command.remote.Command(
        `${name}-node-${node.index}-handoff`,
        { connection: n.host.connection, create: "true", delete: renderShardHandoff(spec, node) },
        { parent: this, dependsOn: [n.service.container] },
      );
    });

    const instanceIds = Object.fromEntries([
      ...spec.meta.map((m, i) => [m.host.name, this.members[i].host.instanceId]),
      ...spec.nodes.map((n, i) => [n.host.name, this.nodes[i].host.instanceId]),
    ]);
    const lbArgs = (role: "meta" | "client") => {
      const lb = spec.loadBalancers[role];
      return { lb, vswitchId: this.network.vswitchIds[lb.zoneId], instanceIds, tags: spec.tags, deletionProtection: spec.protection.deletionProtection };
    };
    this.loadBalancers = {
      meta: new LoadBalancer(`${name}-lb-meta`, lbArgs("meta"), { parent: this }),
      client: new LoadBalancer(`${name}-lb-client`, lbArgs("client"), { parent: this }),
    };

    this.outputs = clusterOutputs(spec, this.storage.bucket, this.loadBalancers.client.address);
    this.registerOutputs(this.outputs);
  }
}

export type ClusterOutputs = ReturnType<typeof clusterOutputs>;

/** The stack outputs: endpoints and addresses only, never a secret. */
export function clusterOutputs(spec: ClusterSpec, bucket: pulumi.Input<string>, clientAddress: pulumi.Input<string>) {
  const p = spec.ports;
  const nodeIps = spec.nodes.map((n) => n.host.privateIp);
  const lbs = spec.loadBalancers;
  return {
    environment: spec.environment,
    version: spec.version,
    /** What every CeresDB node's meta_addr names: the meta load balancer, every member behind it. */
    metaEndpoint: `http://${lbs.meta.address}:${lbs.meta.listeners[0].port}`,
    /** The client load balancer, one `address:port` per protocol (no PostgreSQL before v1.2.6, never HTTP). */
    clientEndpoints: pulumi
      .output(clientAddress)
      .apply((address) => Object.fromEntries(lbs.client.listeners.map((l) => [l.service, `${address}:${l.port}`]))),
    clientEndpointPublic: lbs.client.addressType === "internet",
    metaEndpoints: spec.meta.map((m) => `http://${m.host.privateIp}:${p.metaClient}`),
    metaHttpEndpoints: spec.meta.map((m) => `http://${m.host.privateIp}:${p.metaHttp}`),
    metaFaultTolerance: faultTolerance(spec.meta.length),
    grpcEndpoints: nodeIps.map((ip) => `${ip}:${p.grpc}`),
    mysqlEndpoints: nodeIps.map((ip) => `${ip}:${p.mysql}`),
    /** Empty before v1.2.6, which has no PostgreSQL server. */
    postgresqlEndpoints: traitsOf(spec.version).postgresql ? nodeIps.map((ip) => `${ip}:${p.postgresql}`) : [],
    /** Not a client endpoint: reachable from the nodes, adminCidrs and monitoring only (it serves the config, secrets included). */
    adminHttpEndpoints: nodeIps.map((ip) => `http://${ip}:${p.http}`),
    bucket,
    bucketPrefix: spec.storage.prefix,
    ossEndpoint: spec.storage.endpoint,
    hostIps: {
      meta: Object.fromEntries(spec.meta.map((m) => [m.host.name, m.host.privateIp])),
      nodes: Object.fromEntries(spec.nodes.map((n) => [n.host.name, n.host.privateIp])),
    },
    clusterBootstrap: spec.bootstrap,
    /** How metrics are scraped; with `external`, the prometheus.yml and rule file for your Prometheus. */
    monitoring: {
      mode: spec.observability.monitoring,
      metaBackupPrefix: spec.observability.metaBackup.prefix,
      ...(spec.observability.monitoring === "external" ? { prometheusConfig: renderPrometheusConfig(spec), alertRules: renderAlertRules(spec) } : {}),
    },
  };
}
