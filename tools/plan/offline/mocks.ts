/**
 * Mocks for offline runs: every resource returns `{...inputs, <computed>}` and is recorded.
 * Computed values are deterministic (derived from the resource name) so renders are stable.
 */
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";

/** The marker Pulumi puts on secret values it hands to mocks: `{[SECRET_SIG]: SECRET_SIG_VALUE, value}`. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** The placeholder a RAM access key's `secret` output becomes. */
export function accessKeySecretPlaceholder(name: string): string {
  return `<secret ram-access-key:${name}>`;
}

/** The Ubuntu image id `alicloud:ecs/getImages:getImages` returns. */
export const MOCK_IMAGE_ID = "ubuntu_22_04_x64_20G_alibase_20240101.vhd";

function hex(name: string, len: number): string {
  return crypto.createHash("sha256").update(name).digest("hex").slice(0, len);
}

export interface MockCall {
  type: string;
  name: string;
  custom: boolean;
  provider?: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  id?: string;
}

/** Extra computed outputs per resource type; returned values are merged over the defaults. */
export type ComputeHook = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;

/** Default computed id and outputs of a resource. */
export function computeOutputs(args: pulumi.runtime.MockResourceArgs): { id: string; computed: Record<string, unknown> } {
  const { type, name, inputs } = args;
  const i = (inputs ?? {}) as Record<string, unknown>;
  switch (type) {
    case "alicloud:ecs/ecsDisk:EcsDisk":
      return { id: `d-${hex(name, 20)}`, computed: { status: "Available" } };
    case "alicloud:ecs/instance:Instance":
      return {
        id: `i-${hex(name, 20)}`,
        // A public IP exists only with outbound bandwidth; its value is unknown until creation.
        computed: { privateIp: i.privateIp ?? "10.0.0.1", publicIp: Number(i.internetMaxBandwidthOut ?? 0) > 0 ? `<public ip of ${name}>` : "", status: "Running" },
      };
    case "alicloud:vpc/natGateway:NatGateway":
      return { id: `ngw-${hex(name, 20)}`, computed: { snatTableIds: `stb-${hex(name, 20)}`, forwardTableIds: `ftb-${hex(name, 20)}` } };
    case "alicloud:ecs/eipAddress:EipAddress":
      return { id: `eip-${hex(name, 20)}`, computed: { ipAddress: "<nat public ip>" } };
    case "alicloud:ram/accessKey:AccessKey":
      return { id: `LTAI${hex(name, 20)}`, computed: { secret: accessKeySecretPlaceholder(name), status: "Active" } };
    case "alicloud:oss/bucket:Bucket":
      return {
        id: String(i.bucket ?? name),
        computed: { extranetEndpoint: "oss.example.invalid", intranetEndpoint: "oss-internal.example.invalid" },
      };
    case "alicloud:ecs/keyPair:KeyPair":
      return { id: String(i.keyPairName ?? i.keyName ?? name), computed: { fingerPrint: hex(name, 32) } };
    case "alicloud:ram/user:User":
      return { id: `${name}-id`, computed: {} };
    case "alicloud:ram/policy:Policy":
      return { id: String(i.policyName ?? name), computed: {} };
    case "docker:index/remoteImage:RemoteImage":
      return { id: `sha256:${hex(name, 64)}${String(i.name ?? "")}`, computed: { imageId: `sha256:${hex(name, 64)}`, repoDigest: `${String(i.name ?? "")}@sha256:${hex(name, 64)}` } };
    case "docker:index/container:Container":
      return { id: hex(name, 64), computed: { exitCode: 0 } };
    case "pulumi-nodejs:dynamic/ceresdb:HostKey": {
      // Shaped like the real outputs (components/hosts/hostKey.ts) but no key: the plan redacts
      // the PEM block, and a valid-looking public key line keeps the rendered ssh options real.
      const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.from(hex(name, 64), "hex")]);
      return {
        id: String(i.slot ?? name),
        computed: {
          publicKey: `ssh-ed25519 ${blob.toString("base64")}`,
          privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\nmock host key of ${name}\n-----END OPENSSH PRIVATE KEY-----\n`,
        },
      };
    }
    case "command:remote:Command":
    case "command:local:Command":
      return { id: `${name}-id`, computed: { stdout: "", stderr: "" } };
    default:
      return { id: `${name}-id`, computed: {} };
  }
}

/** Default results of invokes. */
export function computeCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  switch (args.token) {
    case "alicloud:ecs/getImages:getImages":
      return {
        ...inputs,
        id: "images",
        ids: [MOCK_IMAGE_ID],
        images: [{ id: MOCK_IMAGE_ID, imageId: MOCK_IMAGE_ID, name: "ubuntu_22_04_x64_20G_alibase_20240101.vhd", osType: "linux", architecture: "x86_64" }],
      };
    case "alicloud:index/getZones:getZones":
      return { ...inputs, id: "zones", ids: ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"], zones: [{ id: "cn-hangzhou-h" }, { id: "cn-hangzhou-i" }, { id: "cn-hangzhou-j" }] };
    case "alicloud:index/getRegions:getRegions":
      return { ...inputs, id: "regions", ids: ["cn-hangzhou"], regions: [{ id: "cn-hangzhou", regionId: "cn-hangzhou" }] };
    default:
      return { ...inputs };
  }
}

/** Mocks that record every registration in `calls`. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly calls: MockCall[] = [];
  readonly invokes: { token: string; inputs: unknown }[] = [];
  constructor(private readonly hook?: ComputeHook, private readonly callHook?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined) {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    const { id, computed } = computeOutputs(args);
    const extra = this.hook?.(args) ?? {};
    const state = { ...inputs, ...computed, ...extra };
    this.calls.push({ type: args.type, name: args.name, custom: args.custom ?? false, provider: args.provider, inputs, state, id });
    return { id: args.custom === false ? undefined : id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    this.invokes.push({ token: args.token, inputs: args.inputs });
    return this.callHook?.(args) ?? computeCall(args);
  }
}
