import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import { hostRevision } from "../render/cloudInit";
import { hostApplyCommand } from "../render/hostApply";
import { hostFile } from "../render/hostFiles";
import { dataDiskSpecInputs, instanceSpecInputs, REPLACE_REQUESTED_TAG } from "./hostInputs";
import { HostLock, hostLockInputs } from "./hostLock";
import { renderHostReadyCheck } from "../render/remoteCommands";
import { ClusterSpec, HostSpec } from "../model/types";
import type { HostRole } from "../model/vocabulary";
import { HostKey } from "./hostKey";
import { dockerHost, dockerSshOpts, sshConnection, triggeredScript } from "./ssh";

export type { HostRole };

export interface HostArgs {
  /** The validated cluster spec (access, tags, protection, images). */
  spec: ClusterSpec;
  /** This host: name, zone, fixed private IP, instance type and disks. */
  host: HostSpec;
  /** Which service the host runs; tagged `role` and decides the data directory. */
  role: HostRole;
  /** vSwitch of the host's zone. */
  vswitchId: pulumi.Input<string>;
  /** Security groups of the host's role. */
  securityGroupIds: pulumi.Input<string>[];
  /** System image (Ubuntu 22.04). Changes after creation are ignored so a newer image never replaces a host. */
  imageId: pulumi.Input<string>;
  /** ECS key pair holding `ceresdb:sshPublicKey`. */
  keyPairName: pulumi.Input<string>;
  /** `ceresdb:sshPrivateKey`, for the readiness gate. Must be a secret Output. */
  sshPrivateKey: pulumi.Output<string>;
  /** `ceresdb:registryPassword`, when the registry needs a login. No default: anonymous pulls. */
  registryPassword?: pulumi.Output<string>;
  /**
   * Resources the instance waits for, on creation and on every change: the network's egress, and
   * for CeresMeta members the previous member's gate, so a host-level change (instance type,
   * replacement) reaches one member at a time. Default: none.
   */
  after?: pulumi.Resource[];
}

/**
 * One ECS host with a fixed private IP, a data disk that outlives the instance, and a Docker
 * daemon reached over SSH. Nothing may be deployed onto it before `ready` completes: the Docker
 * provider depends on the readiness gate, which waits for cloud-init's marker.
 */
export class Host extends pulumi.ComponentResource {
  /** The fixed private IP (known before creation). */
  readonly privateIp: string;
  /** Public IP when `ceresdb:assignPublicIp` is on, else an empty string. */
  readonly publicIp: pulumi.Output<string>;
  /** Where SSH reaches this host: the public IP for public hosts without a bastion, else the fixed private IP. */
  readonly address: pulumi.Output<string>;
  /** SSH connection for commands on this host (key as a secret input, bastion if any). */
  readonly connection: command.types.input.remote.ConnectionArgs;
  readonly instanceId: pulumi.Output<string>;
  readonly dataDiskId: pulumi.Output<string>;
  /** Completes once cloud-init mounted the data disk and Docker answers. */
  readonly ready: command.remote.Command;
  /** Docker on this host, usable only after `ready` and `setup`. */
  readonly docker: docker.Provider;
  /** Runs the current host setup script on the host (creation, and every change of the script). */
  readonly setup: command.remote.Command;
  /** The host slot's pinned public host key (see hostKey.ts). */
  readonly hostPublicKey: pulumi.Output<string>;
  /**
   * Changes whenever the host itself changes (replaced, resized), so the service gate on it runs
   * its health wait then too, not only when the container changes.
   */
  readonly revision: pulumi.Output<string>;

  constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ceresdb:hosts:Host", name, {}, opts);
    const { spec, host, role } = args;
    const tags = { ...spec.tags, role, host: host.name };
    const protect = spec.protection.protectData;

    // Refuses at preview a change that would replace this host while its deletion protection is
    // on; the disk and the instance wait for it, so nothing is touched once it refuses.
    const lock = new HostLock(`${name}-lock`, hostLockInputs(spec, host), { parent: this });

    // A separate disk, not one of the instance's own, so replacing the instance keeps the data;
    // protected in prod and staging so no change can delete it by accident.
    const disk = new alicloud.ecs.EcsDisk(
      `${name}-data`,
      { ...dataDiskSpecInputs(spec, host), tags },
      { parent: this, protect, dependsOn: [lock] },
    );

    // The slot's pinned host key: generated once, kept across instance replacements.
    const hostKey = new HostKey(`${name}-hostkey`, { slot: host.name }, { parent: this });
    // What lands on this host comes from hostFiles (components/render/hostFiles.ts), as the plan's files do.
    const userDataFile = hostFile(spec, host, "user-data");
    const setupFile = hostFile(spec, host, "host-setup");
    // Secret as a whole: it carries the host's private key.
    const userData = pulumi.secret(
      pulumi
        .all([disk.id, hostKey.publicKey, hostKey.privateKey])
        .apply(([dataDiskId, publicKey, privateKey]) => userDataFile.render({ dataDiskId, hostKey: { publicKey, privateKey } })),
    );
    const instance = new alicloud.ecs.Instance(
      name,
      {
        ...instanceSpecInputs(spec, host),
        imageId: args.imageId,
        vswitchId: args.vswitchId,
        securityGroups: args.securityGroupIds,
        keyName: args.keyPairName,
        userData,
        tags: host.deletionProtection === spec.protection.deletionProtection ? tags : { ...tags, [REPLACE_REQUESTED_TAG]: "true" },
        volumeTags: tags,
      },
      {
        parent: this,
        // The fixed private IP must be free before the replacement can take it.
        deleteBeforeReplace: true,
        // userData: a change would stop and start the instance and cloud-init would not run it
        // (see components/render/hostApply.ts); the setup command below applies it instead.
        ignoreChanges: ["imageId", "userData"],
        dependsOn: [lock, ...(args.after ?? [])],
        additionalSecretOutputs: ["userData"],
      },
    );

    const attachment = new alicloud.ecs.EcsDiskAttachment(
      `${name}-data`,
      { diskId: disk.id, instanceId: instance.id, deleteWithInstance: false },
      { parent: this, deleteBeforeReplace: true },
    );

    // Where SSH (gates, Docker) connects: the public IP for public hosts without a bastion, else the private IP.
    const address = spec.network.assignPublicIp && !spec.access.bastion ? instance.publicIp : pulumi.output(host.privateIp);
    this.address = address;
    this.connection = sshConnection(spec.access, address, args.sshPrivateKey, hostKey.publicKey);
    this.ready = new command.remote.Command(
      `${name}-ready`,
      {
        connection: this.connection,
        // cloud-init writes the marker only after the disk is mounted and `docker info` works.
        // Re-runs when the instance or the disk attachment changes.
        create: triggeredScript(renderHostReadyCheck(host.name), { INSTANCE_ID: instance.id, DISK_ATTACHMENT: attachment.id }),
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [attachment] },
    );

    // Applies the current setup script (data disk growth, authorized keys, and anything else the
    // script does) on the running host; its text is the script, so any change re-runs it.
    const applyCommand = disk.id.apply((dataDiskId) => hostApplyCommand(host, hostRevision(spec, host), setupFile.render({ dataDiskId })));
    const setup = new command.remote.Command(
      `${name}-setup`,
      {
        connection: this.connection,
        create: applyCommand,
        update: applyCommand,
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [this.ready, disk] },
    );

    this.docker = new docker.Provider(
      `${name}-docker`,
      {
        host: dockerHost(spec.access, address),
        sshOpts: dockerSshOpts(spec.access, hostKey.publicKey),
        registryAuth: args.registryPassword
          ? [{ address: spec.images.registry, username: spec.images.registryUsername, password: args.registryPassword }]
          : undefined,
      },
      { parent: this, dependsOn: [this.ready, setup] },
    );
    this.setup = setup;
    this.hostPublicKey = hostKey.publicKey;

    // The key pair is in it: a key_name change detaches and attaches key pairs and reboots the
    // instance (resource_alicloud_instance.go, Update, `d.HasChange("key_name")`:
    // DetachKeyPair, AttachKeyPair, RebootEcsInstance), so the service gate waits for health then too.
    this.revision = pulumi.interpolate`${instance.id}/${hostRevision(spec, host)}`;
    this.privateIp = host.privateIp;
    this.publicIp = instance.publicIp.apply((ip) => ip ?? "");
    this.instanceId = instance.id;
    this.dataDiskId = disk.id;
    this.registerOutputs({ privateIp: this.privateIp, publicIp: this.publicIp, instanceId: this.instanceId, dataDiskId: this.dataDiskId });
  }
}
