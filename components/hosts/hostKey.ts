import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * A host key pinned to a host slot (meta-0, node-3, ...), generated once and kept in the stack's
 * state, so a replaced instance at the same fixed private IP presents the same key and every
 * client that pins it (the Docker provider's `ssh`, the command provider's `hostKey`) keeps
 * verifying it. Installed by cloud-init's `ssh_keys` (components/render/cloudInit.ts), which also
 * deletes the image's keys and generates none (cloud-init cc_ssh.py). cc_ssh is a
 * cloud_init_modules module, run by the network stage, which is ordered Before=sshd.service
 * (systemd/cloud-init-network.service.tmpl; Ubuntu's ssh.service has that alias), so sshd never
 * serves another key (canonical/cloud-init ubuntu/26.1-0ubuntu3_22.04.1). Creates nothing in the cloud.
 */

export interface HostKeyPair {
  /** `ssh-ed25519 AAAA...`, as in known_hosts and authorized_keys. */
  publicKey: string;
  /** The private key in OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted. */
  privateKey: string;
}

/**
 * A new ed25519 key pair in OpenSSH's formats (PROTOCOL.key of openssh-portable: the
 * "openssh-key-v1" container, cipher and KDF "none"). sshd 8.9 (Ubuntu 22.04) reads ed25519 host
 * keys only in this format, not as PKCS#8 PEM. Self-contained: Pulumi serializes it with the
 * dynamic provider.
 */
export function generateHostKey(comment = "ceresdb-cluster"): HostKeyPair {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d as string, "base64url");
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  const str = (b: Buffer | string) => {
    const buf = typeof b === "string" ? Buffer.from(b) : b;
    return Buffer.concat([u32(buf.length), buf]);
  };
  const pubBlob = Buffer.concat([str("ssh-ed25519"), str(pub)]);
  const check = crypto.randomBytes(4).readUInt32BE(0);
  let priv = Buffer.concat([u32(check), u32(check), str("ssh-ed25519"), str(pub), str(Buffer.concat([seed, pub])), str(comment)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0"), str("none"), str("none"), str(""), u32(1), str(pubBlob), str(priv)]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    publicKey: `ssh-ed25519 ${pubBlob.toString("base64")}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

/** Exported for the test that serializes it as Pulumi does. */
export const hostKeyProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const key = generateHostKey(`ceresdb-cluster ${inputs.slot}`);
    return { id: `${inputs.slot}`, outs: { slot: inputs.slot, ...key } };
  },
  // Only `slot` is an input and it never changes for a slot; the key stays as generated.
  async diff() {
    return { changes: false };
  },
};

export interface HostKeyArgs {
  /** The host slot the key belongs to (HostSpec.name). */
  slot: string;
}

/** State-only: the pinned ed25519 host key of one host slot. */
export class HostKey extends pulumi.dynamic.Resource {
  declare readonly publicKey: pulumi.Output<string>;
  /** Secret (additionalSecretOutputs). */
  declare readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: HostKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(hostKeyProvider, name, { slot: args.slot, publicKey: undefined, privateKey: undefined }, { ...opts, additionalSecretOutputs: ["privateKey"] }, "ceresdb", "HostKey");
  }
}
