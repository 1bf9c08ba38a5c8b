import { createHash } from "crypto";
import { KEY_HASH_DIGITS, keyPairName } from "../contracts/names";

/**
 * The SSH public key types the stack accepts, and why.
 *
 * The key goes to Alibaba Cloud through `alicloud_ecs_key_pair` with `public_key` set, which calls
 * ECS `ImportKeyPair` (aliyun/terraform-provider-alicloud v1.294.x,
 * alicloud/resource_alicloud_ecs_key_pair.go: `action = "ImportKeyPair"` when `public_key` is set).
 * ImportKeyPair's documentation (ECS API 2014-05-26, ImportKeyPair, "The imported key pair must
 * support one of the following encryption methods") lists only rsa, dsa, ssh-rsa, ssh-dss and
 * ecdsa; ed25519 is not among them. DSA (ssh-dss) is accepted by the API but refused by the
 * OpenSSH 8.9 server of Ubuntu 22.04 (DSA is off by default since OpenSSH 7.0), so a DSA key would
 * be imported and then never log in. What remains: RSA of at least 2048 bits (the size ECS itself
 * creates) and ECDSA on the three NIST curves.
 */
export const ACCEPTED_KEY_TYPES = ["ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;
export type AcceptedKeyType = (typeof ACCEPTED_KEY_TYPES)[number];

export const MIN_RSA_BITS = 2048;

/** Why each known but refused type is refused (the message names it). */
const REFUSED: Record<string, string> = {
  "ssh-ed25519": "ECS ImportKeyPair does not take ed25519 keys (it lists rsa, dsa and ecdsa)",
  "ssh-dss": "Ubuntu 22.04's OpenSSH refuses DSA keys",
  "sk-ssh-ed25519@openssh.com": "ECS ImportKeyPair does not take security-key (FIDO) keys",
  "sk-ecdsa-sha2-nistp256@openssh.com": "ECS ImportKeyPair does not take security-key (FIDO) keys",
};

export interface ParsedPublicKey {
  type: AcceptedKeyType;
  /** `type base64` without the comment: what goes into authorized_keys and the key pair. */
  normalized: string;
  /** OpenSSH's fingerprint, `SHA256:...` (base64 of the SHA-256 of the key blob, unpadded). */
  fingerprint: string;
  /** The first 12 hex digits of the same digest: short, stable, name-safe. */
  shortHash: string;
}

export type ParseResult = { ok: true; key: ParsedPublicKey } | { ok: false; reason: string };

/** What the setting's message calls an acceptable value. */
export const ACCEPTED_KEYS_TEXT = `an OpenSSH public key of type ssh-rsa (${MIN_RSA_BITS} bits or more) or ecdsa-sha2-nistp256/384/521, e.g. from \`ssh-keygen -t ecdsa -b 256\``;

/** Reads a length-prefixed SSH wire string at `offset`. */
function readString(buf: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > buf.length) return undefined;
  const len = buf.readUInt32BE(offset);
  const end = offset + 4 + len;
  if (end > buf.length) return undefined;
  return { value: buf.subarray(offset + 4, end), next: end };
}

/** Bits of an SSH mpint (big-endian, possibly with a leading zero byte). */
function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  if (i === value.length) return 0;
  return (value.length - i - 1) * 8 + (32 - Math.clz32(value[i]));
}

/**
 * Parses one OpenSSH public key line and checks it is of a type ECS ImportKeyPair takes and the
 * hosts' sshd accepts. The key blob is decoded: its inner type must match the leading one.
 */
export function parsePublicKey(text: string): ParseResult {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) return { ok: false, reason: "not an OpenSSH public key line (`type base64 [comment]`)" };
  const [type, data] = parts;
  if (REFUSED[type] !== undefined) return { ok: false, reason: `${type} keys are refused: ${REFUSED[type]}` };
  if (!(ACCEPTED_KEY_TYPES as readonly string[]).includes(type)) return { ok: false, reason: `unknown key type "${type.slice(0, 40)}"` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { ok: false, reason: "the key data is not base64" };
  const blob = Buffer.from(data, "base64");
  const inner = readString(blob, 0);
  if (!inner || inner.value.toString("latin1") !== type) return { ok: false, reason: `the key data does not hold a ${type} key` };
  if (type === "ssh-rsa") {
    const e = readString(blob, inner.next);
    const n = e && readString(blob, e.next);
    if (!n || n.next !== blob.length) return { ok: false, reason: "the ssh-rsa key data is truncated or malformed" };
    const bits = mpintBits(n.value);
    if (bits < MIN_RSA_BITS) return { ok: false, reason: `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are needed` };
  } else {
    const curve = readString(blob, inner.next);
    const point = curve && readString(blob, curve.next);
    if (!point || point.next !== blob.length || curve!.value.toString("latin1") !== type.slice("ecdsa-sha2-".length)) {
      return { ok: false, reason: `the ${type} key data is truncated or names another curve` };
    }
  }
  const digest = createHash("sha256").update(blob).digest();
  return {
    ok: true,
    key: {
      type: type as AcceptedKeyType,
      normalized: `${type} ${data}`,
      fingerprint: `SHA256:${digest.toString("base64").replace(/=+$/, "")}`,
      shortHash: digest.toString("hex").slice(0, KEY_HASH_DIGITS),
    },
  };
}

/**
 * The ECS key pair name for a key: the cluster name plus the key's hash. `key_pair_name` is
 * ForceNew in alicloud_ecs_key_pair while `public_key` is not (its Update only handles
 * `resource_group_id` and `tags`), so naming the pair after the key is what makes a new key a new
 * key pair instead of a change recorded only in state.
 */
export function keyPairNameFor(clusterName: string, key: ParsedPublicKey): string {
  return keyPairName(clusterName, key.shortHash);
}
